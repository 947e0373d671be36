// The one header of sloth's user library: types, the system calls (stubs in usys.S) and the
// small C library (string.c, ulib.c, printf.c, malloc.c). The classic part keeps xv6-riscv's
// names and signatures, so xv6 user programs compile against it unchanged; sloth's own calls
// follow. Included by every program under user/ and tests/. No locks: one thread per process.
#pragma once

typedef unsigned char uchar;
typedef unsigned short ushort;
typedef unsigned int uint;
typedef unsigned char uint8;
typedef unsigned short uint16;
typedef unsigned int uint32;
typedef unsigned long uint64;
typedef long int64;

#include "vm/vmstat.h"  // struct vmstat, shared with the kernel
#include "vm/vminfo.h"  // vmquery, vmevents and vmcheck records, shared with the kernel
#include "vm/mman.h"    // mmap's PROT_, MAP_ and MS_ values, shared with the kernel

#ifndef NULL
#define NULL ((void *)0)
#endif

// What fstat and stat report about a file.
struct stat {
  int dev;     // device of the file system holding the file
  uint ino;    // inode number
  short type;  // T_DIR, T_FILE or T_DEVICE
  short nlink; // number of directory entries naming it
  uint64 size; // size in bytes
};

#define T_DIR 1
#define T_FILE 2
#define T_DEVICE 3

// open() flags.
#define O_RDONLY 0x000
#define O_WRONLY 0x001
#define O_RDWR 0x002
#define O_CREATE 0x200
#define O_TRUNC 0x400

// mmap() protections and flags (the Linux values) are in vm/mman.h, included above.
#define MAP_FAILED ((void *)-1)

// System calls, numbered as in kernel/proc/syscall.h. Each returns -1 on failure.
int fork(void);
int exit(int status) __attribute__((noreturn));
int wait(int *status);
int pipe(int *fds);
int write(int fd, const void *buf, int n);
int read(int fd, void *buf, int n);
int close(int fd);
int kill(int pid);
int exec(const char *path, char **argv);
int open(const char *path, int flags);
int mknod(const char *path, short major, short minor);
int unlink(const char *path);
int fstat(int fd, struct stat *st);
int link(const char *oldpath, const char *newpath);
int mkdir(const char *path);
int chdir(const char *path);
int dup(int fd);
int getpid(void);
char *sbrk(int increment);
int sleep(int ticks);
int uptime(void);
void *mmap(void *addr, uint64 len, int prot, int flags, int fd, uint64 off);
int munmap(void *addr, uint64 len);
// msync (27): writes a shared mapping's dirty pages back to its file (flags: MS_*).
int msync(void *addr, uint64 len, int flags);
// vmstat (24): the kernel's VM counters (kernel/vm/vmstat.h).
int vmstat(struct vmstat *st);
int mincore(void *addr, uint64 len, uchar *vec);
// Powers the machine off; QEMU exits with 0 when status is 0, else 1. Returns only on failure.
int poweroff(int status);
// The VM tools' calls (kernel/vm/vminfo.h says what they return): vmquery (28) describes an
// address space (vmmap), vmevents (29) copies the VM event ring (vmtrace), vmcheck (30) runs
// the kernel's invariant checker.
int vmquery(int pid, uint64 from, struct vmq_rec *buf, int n);
int vmevents(uint64 since, struct vmev_rec *buf, int n);
int vmcheck(char *msg, uint64 len);
// failinject (31): this process's nth next call at `site` fails (nth 0: none). Only with the
// boot argument fail_user; -1 otherwise. Sites as kernel/lib/failinject.h numbers them.
#define FAIL_KALLOC 0
#define FAIL_KMALLOC 1
#define FAIL_SWAP 2
#define FAIL_DISK_READ 3
#define FAIL_DISK_WRITE 4
int failinject(int site, int nth);

// string.c: the C functions of the same names (word-at-a-time where it pays).
char *strcpy(char *dst, const char *src);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, uint n);
uint strlen(const char *s);
char *strchr(const char *s, char c);
void *memset(void *dst, int c, uint n);
void *memmove(void *dst, const void *src, int n);
void *memcpy(void *dst, const void *src, uint n);
int memcmp(const void *a, const void *b, uint n);

// ulib.c
int stat(const char *path, struct stat *st);
char *gets(char *buf, int max);  // one line (newline kept) from fd 0; "" at end of input
int atoi(const char *s);

// printf.c: conversions %d %i %u %x %p %s %c %%, length modifiers l and ll, a field width,
// the flags '-' and '0'. printf and fprintf format into a buffer and write it with one
// write() when it fits (512 bytes), so lines printed by concurrent processes stay whole.
// snprintf stores at most size-1 characters and a NUL, and returns the untruncated length.
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int snprintf(char *buf, int size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

// malloc.c: 16-byte-aligned blocks from a heap grown with sbrk; malloc returns 0 when the
// heap cannot grow.
void *malloc(uint n);
void free(void *p);
