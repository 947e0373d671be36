# System-call stubs: the number goes in a7, the arguments are already in a0..a5 (the C
# calling convention puts them there), ecall traps to the kernel, the result comes back in a0.
#include "proc/syscall.h"  // kernel/proc/syscall.h: the one list of numbers

.macro syscall name, number
  .global \name
  .type \name, @function
\name:
  li a7, \number
  ecall
  ret
  .size \name, . - \name
.endm

syscall fork, SYS_fork
syscall exit, SYS_exit
syscall wait, SYS_wait
syscall pipe, SYS_pipe
syscall read, SYS_read
syscall kill, SYS_kill
syscall exec, SYS_exec
syscall fstat, SYS_fstat
syscall chdir, SYS_chdir
syscall dup, SYS_dup
syscall getpid, SYS_getpid
syscall sbrk, SYS_sbrk
syscall sleep, SYS_sleep
syscall uptime, SYS_uptime
syscall open, SYS_open
syscall write, SYS_write
syscall mknod, SYS_mknod
syscall unlink, SYS_unlink
syscall link, SYS_link
syscall mkdir, SYS_mkdir
syscall close, SYS_close
syscall mmap, SYS_mmap
syscall munmap, SYS_munmap
syscall vmstat, SYS_vmstat
syscall mincore, SYS_mincore
syscall poweroff, SYS_poweroff
