# System-call stubs for user programs. The C calling convention has already put the
# arguments in a0..a5; a stub loads the call's number into a7 and traps with ecall, and the
# kernel leaves the result in a0, which is also where C expects a return value. The numbers
# come from the kernel's own list (kernel/proc/syscall.h, made assembler-safe for this file).
#include "proc/syscall.h"

# STUB name, number: defines the function `name` for system call `number`. The numbers are
# C macros, which the preprocessor expands before the assembler sees the macro call.
.macro STUB name, number
  .text
  .globl \name
  .type \name, @function
  .p2align 2
\name:
  li a7, \number
  ecall
  ret
  .size \name, . - \name
.endm

STUB fork, SYS_fork
STUB exit, SYS_exit
STUB wait, SYS_wait
STUB pipe, SYS_pipe
STUB read, SYS_read
STUB kill, SYS_kill
STUB exec, SYS_exec
STUB fstat, SYS_fstat
STUB chdir, SYS_chdir
STUB dup, SYS_dup
STUB getpid, SYS_getpid
STUB sbrk, SYS_sbrk
STUB sleep, SYS_sleep
STUB uptime, SYS_uptime
STUB open, SYS_open
STUB write, SYS_write
STUB mknod, SYS_mknod
STUB unlink, SYS_unlink
STUB link, SYS_link
STUB mkdir, SYS_mkdir
STUB close, SYS_close
STUB mmap, SYS_mmap
STUB munmap, SYS_munmap
STUB msync, SYS_msync
STUB vmstat, SYS_vmstat
STUB mincore, SYS_mincore
STUB poweroff, SYS_poweroff
STUB vmquery, SYS_vmquery
STUB vmevents, SYS_vmevents
STUB vmcheck, SYS_vmcheck
STUB failinject, SYS_failinject
