// System calls: numbers (the xv6-riscv ABI, then sloth's own from 22) and the helpers that
// fetch arguments. Arguments arrive in a0..a5 of the trap frame, the number in a7, and the
// result goes back in a0.
// The numbers are also read by the user library's stubs (user/lib/usys.S), hence the
// __ASSEMBLER__ guard around the C declarations.
#pragma once

#define SYS_fork 1
#define SYS_exit 2
#define SYS_wait 3
#define SYS_pipe 4
#define SYS_read 5
#define SYS_kill 6
#define SYS_exec 7
#define SYS_fstat 8
#define SYS_chdir 9
#define SYS_dup 10
#define SYS_getpid 11
#define SYS_sbrk 12
#define SYS_sleep 13
#define SYS_uptime 14
#define SYS_open 15
#define SYS_write 16
#define SYS_mknod 17
#define SYS_unlink 18
#define SYS_link 19
#define SYS_mkdir 20
#define SYS_close 21
#define SYS_mmap 22
#define SYS_munmap 23
#define SYS_vmstat 24
#define SYS_mincore 25
#define SYS_poweroff 26
#define SYS_msync 27
#define SYS_vmquery 28
#define SYS_vmevents 29
#define SYS_vmcheck 30
#define SYS_failinject 31

#ifndef __ASSEMBLER__
#include "types.h"

struct proc;

// Runs the system call p (the current process) asked for; the caller is usertrap.
void syscall(struct proc *p);

// Argument n (0..5) as an int, an address, or a NUL-terminated string copied into buf
// (returns its length, or -1 if it is not readable or longer than max-1).
int argint(int n);
uint64 argaddr(int n);
int argstr(int n, char *buf, int max);
// Reads a uint64 / a string at user address addr; 0 / length on success, -1 on a bad address.
int fetchaddr(uint64 addr, uint64 *ip);
int fetchstr(uint64 addr, char *buf, int max);

// The system calls (sysproc.c, sysfile.c): arguments from the trap frame, result in a0.
uint64 sys_fork(void), sys_exit(void), sys_wait(void), sys_pipe(void), sys_read(void);
uint64 sys_kill(void), sys_exec(void), sys_fstat(void), sys_chdir(void), sys_dup(void);
uint64 sys_getpid(void), sys_sbrk(void), sys_sleep(void), sys_uptime(void), sys_open(void);
uint64 sys_write(void), sys_mknod(void), sys_unlink(void), sys_link(void), sys_mkdir(void);
uint64 sys_close(void), sys_poweroff(void), sys_vmstat(void), sys_mincore(void);
uint64 sys_mmap(void), sys_munmap(void), sys_msync(void), sys_failinject(void);
uint64 sys_vmquery(void), sys_vmevents(void), sys_vmcheck(void);
#endif
