// System-call dispatch and argument fetching. The number is in a7, arguments in a0..a5, and
// the result goes back in a0; an unknown number returns -1 with one line on the console.
#include "proc/syscall.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "proc/proc.h"
#include "vm/uaccess.h"

int fetchaddr(uint64 addr, uint64 *ip) {
  return copyin(&myproc()->spt, ip, addr, sizeof(*ip));
}

int fetchstr(uint64 addr, char *buf, int max) {
  if (copyinstr(&myproc()->spt, buf, addr, max) < 0)
    return -1;
  return (int)strnlen(buf, max);
}

static uint64 argraw(int n) {
  struct trapframe *tf = &myproc()->trapframe;
  switch (n) {
  case 0: return tf->a0;
  case 1: return tf->a1;
  case 2: return tf->a2;
  case 3: return tf->a3;
  case 4: return tf->a4;
  case 5: return tf->a5;
  }
  panic("argraw: argument %d does not exist", n);
}

int argint(int n) { return (int)argraw(n); }
uint64 argaddr(int n) { return argraw(n); }

int argstr(int n, char *buf, int max) { return fetchstr(argaddr(n), buf, max); }

static uint64 (*const syscalls[])(void) = {
  [SYS_fork] = sys_fork,     [SYS_exit] = sys_exit,       [SYS_wait] = sys_wait,
  [SYS_pipe] = sys_pipe,     [SYS_read] = sys_read,       [SYS_kill] = sys_kill,
  [SYS_exec] = sys_exec,     [SYS_fstat] = sys_fstat,     [SYS_chdir] = sys_chdir,
  [SYS_dup] = sys_dup,       [SYS_getpid] = sys_getpid,   [SYS_sbrk] = sys_sbrk,
  [SYS_sleep] = sys_sleep,   [SYS_uptime] = sys_uptime,   [SYS_open] = sys_open,
  [SYS_write] = sys_write,   [SYS_mknod] = sys_mknod,     [SYS_unlink] = sys_unlink,
  [SYS_link] = sys_link,     [SYS_mkdir] = sys_mkdir,     [SYS_close] = sys_close,
  [SYS_vmstat] = sys_vmstat, [SYS_mincore] = sys_mincore, [SYS_poweroff] = sys_poweroff,
  [SYS_mmap] = sys_mmap,     [SYS_munmap] = sys_munmap,   [SYS_msync] = sys_msync,
  [SYS_vmquery] = sys_vmquery, [SYS_vmevents] = sys_vmevents, [SYS_vmcheck] = sys_vmcheck,
  [SYS_failinject] = sys_failinject,
};

void syscall(struct proc *p) {
  uint64 num = p->trapframe.a7;
  if (num < ARRAY_SIZE(syscalls) && syscalls[num]) {
    p->trapframe.a0 = syscalls[num]();
  } else {
    printf("pid %d (%s): unknown system call %lu\n", p->pid, p->name, num);
    p->trapframe.a0 = -1;
  }
}
