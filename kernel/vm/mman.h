// The mmap, munmap and msync system calls' argument values (the Linux ones, so programs
// written for Linux pass the same numbers). Shared by the kernel (vm/mmap.c) and the user
// library (user.h includes it), so constants only.
#pragma once

#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4

#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000

#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4
