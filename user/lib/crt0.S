# _start, the C run-time start: where every user program begins (user.ld's ENTRY). exec
# leaves argc in a0 and argv in a1, which is exactly how main(argc, argv) takes them, so
# _start only clears the frame pointer and the return address (a debugger's backtrace ends
# here) and calls main; whatever main returns becomes the status passed to exit.
.section .text.entry, "ax", @progbits
.globl _start
.type _start, @function
_start:
  li s0, 0
  li ra, 0
  andi sp, sp, -16
  call main
  call exit
  unimp
.size _start, . - _start
