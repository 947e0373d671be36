# Trap entry from supervisor mode. kernelvec saves every register into a struct trapframe on the
# current kernel stack, links a frame record so backtraces walk through the trap, and calls
# kerneltrap(tf). Before touching the stack it checks that sp is still inside a kernel stack
# (bit KSTACK_GUARD_BIT set, see memlayout.h); otherwise it switches to the hart's panic stack
# and reports the overflow instead of faulting on the guard page forever.
#include "arch/memlayout.h"

#define TF_SIZE 320
#define TF_STATUS 256
#define TF_CAUSE 264
#define TF_TVAL 272
#define TF_LINK_FP 296
#define TF_LINK_RA 304

.macro SAVE_GPRS base
    sd x1, 8(\base)
    sd x3, 24(\base)
    sd x4, 32(\base)
    sd x5, 40(\base)
    sd x6, 48(\base)
    sd x7, 56(\base)
    sd x8, 64(\base)
    sd x9, 72(\base)
    sd x10, 80(\base)
    sd x11, 88(\base)
    sd x12, 96(\base)
    sd x13, 104(\base)
    sd x14, 112(\base)
    sd x15, 120(\base)
    sd x16, 128(\base)
    sd x17, 136(\base)
    sd x18, 144(\base)
    sd x19, 152(\base)
    sd x20, 160(\base)
    sd x21, 168(\base)
    sd x22, 176(\base)
    sd x23, 184(\base)
    sd x24, 192(\base)
    sd x25, 200(\base)
    sd x26, 208(\base)
    sd x27, 216(\base)
    sd x28, 224(\base)
    sd x29, 232(\base)
    sd x30, 240(\base)
    sd x31, 248(\base)
.endm

.section .text
.globl kernelvec
.balign 4
kernelvec:
    addi sp, sp, -TF_SIZE
    csrw sscratch, t0
    srli t0, sp, KSTACK_GUARD_BIT
    andi t0, t0, 1
    beqz t0, kernel_stack_overflow
    csrr t0, sscratch
    SAVE_GPRS sp
    addi t0, sp, TF_SIZE
    sd t0, 16(sp)               # sp before the trap
    csrr t0, sepc
    sd t0, 0(sp)
    sd t0, TF_LINK_RA(sp)
    sd s0, TF_LINK_FP(sp)
    addi s0, sp, TF_LINK_RA + 8 # frame pointer: ra at -8, caller's fp at -16
    csrr t0, sstatus
    sd t0, TF_STATUS(sp)
    csrr t0, scause
    sd t0, TF_CAUSE(sp)
    csrr t0, stval
    sd t0, TF_TVAL(sp)

    mv a0, sp
    call kerneltrap

    # kerneltrap may have switched threads; sepc and sstatus come back from the frame.
    ld t0, 0(sp)
    csrw sepc, t0
    ld t0, TF_STATUS(sp)
    csrw sstatus, t0
    ld x1, 8(sp)
    ld x3, 24(sp)
    # x4 (tp) is not restored: it names the hart, and the thread may have moved to another.
    ld x5, 40(sp)
    ld x6, 48(sp)
    ld x7, 56(sp)
    ld x8, 64(sp)
    ld x9, 72(sp)
    ld x10, 80(sp)
    ld x11, 88(sp)
    ld x12, 96(sp)
    ld x13, 104(sp)
    ld x14, 112(sp)
    ld x15, 120(sp)
    ld x16, 128(sp)
    ld x17, 136(sp)
    ld x18, 144(sp)
    ld x19, 152(sp)
    ld x20, 160(sp)
    ld x21, 168(sp)
    ld x22, 176(sp)
    ld x23, 184(sp)
    ld x24, 192(sp)
    ld x25, 200(sp)
    ld x26, 208(sp)
    ld x27, 216(sp)
    ld x28, 224(sp)
    ld x29, 232(sp)
    ld x30, 240(sp)
    ld x31, 248(sp)
    addi sp, sp, TF_SIZE
    sret
.globl kernelvec_end
kernelvec_end:

# sp ran into the guard half of its kernel stack slot. Switch to this hart's panic stack
# (struct cpu's second field) and let C report it; t0 is lost, which no longer matters.
kernel_stack_overflow:
    addi a0, sp, TF_SIZE        # the sp that overflowed
    ld sp, 8(tp)
    csrr a1, sepc
    csrr a2, stval
    mv a3, s0                   # to show the overflowing call chain
    mv s0, zero
    call kernel_stack_overflow_panic
1:  wfi
    j 1b

# Trap entry from user mode. The kernel is mapped in every address space, so no page-table
# switch is needed: sscratch holds the process's trap frame (struct proc's trapframe, a kernel
# address); save the user registers there, load the kernel sp and tp it records, and call
# usertrap(tf), which returns to user mode through userret.
#define TF_KERNEL_SP 280
#define TF_KERNEL_TP 288

.globl uservec
.balign 4
uservec:
    csrrw a0, sscratch, a0      # a0 = trap frame, sscratch = user a0
    SAVE_GPRS a0
    sd sp, 16(a0)
    csrr t0, sscratch
    sd t0, 80(a0)               # user a0
    csrr t0, sepc
    sd t0, 0(a0)
    csrr t0, sstatus
    sd t0, TF_STATUS(a0)
    csrr t0, scause
    sd t0, TF_CAUSE(a0)
    csrr t0, stval
    sd t0, TF_TVAL(a0)
    ld sp, TF_KERNEL_SP(a0)
    ld tp, TF_KERNEL_TP(a0)
    la t0, kernelvec
    csrw stvec, t0
    mv s0, zero                 # backtraces stop here
    call usertrap               # does not return
1:  j 1b

# userret(tf): back to user mode with the registers in tf. The caller has set stvec to
# uservec, sscratch to tf, sepc and sstatus (SPP = user, SPIE = 1), with interrupts off.
.globl userret
userret:
    ld x1, 8(a0)
    ld x2, 16(a0)
    ld x3, 24(a0)
    ld x4, 32(a0)
    ld x5, 40(a0)
    ld x6, 48(a0)
    ld x7, 56(a0)
    ld x8, 64(a0)
    ld x9, 72(a0)
    ld x11, 88(a0)
    ld x12, 96(a0)
    ld x13, 104(a0)
    ld x14, 112(a0)
    ld x15, 120(a0)
    ld x16, 128(a0)
    ld x17, 136(a0)
    ld x18, 144(a0)
    ld x19, 152(a0)
    ld x20, 160(a0)
    ld x21, 168(a0)
    ld x22, 176(a0)
    ld x23, 184(a0)
    ld x24, 192(a0)
    ld x25, 200(a0)
    ld x26, 208(a0)
    ld x27, 216(a0)
    ld x28, 224(a0)
    ld x29, 232(a0)
    ld x30, 240(a0)
    ld x31, 248(a0)
    ld a0, 80(a0)
    sret
