// exec: replace the calling process's memory with a program from the file system.
#pragma once

// argv: kernel strings, NULL-terminated. Returns argc (for a0), or -1 with the old image
// intact.
int kexec(const char *path, char **argv);
