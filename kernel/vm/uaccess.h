// Kernel access to user memory. Every user pointer a system call receives goes through these:
// they check that each page is a user page of the current process with the needed permission
// and copy through the kernel's direct map. They return 0, or -1 for a bad address (never a
// panic).
#pragma once
#include "types.h"
#include "arch/riscv.h"

int copyout(pagetable_t pt, uint64 dstva, const void *src, uint64 len);
int copyin(pagetable_t pt, void *dst, uint64 srcva, uint64 len);
// Copies a NUL-terminated string of at most max bytes (NUL included); -1 if none.
int copyinstr(pagetable_t pt, char *dst, uint64 srcva, uint64 max);
