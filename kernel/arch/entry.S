# Where every hart enters the kernel. OpenSBI starts the boot hart at _start (physical
# 0x80200000) and the others, through SBI HSM, at secondary_start; both run with the MMU off.
# Each turns paging on with boot_pagetable, which maps physical memory twice (an identity
# gigapage for the kernel's own gigabyte so the next instruction still fetches, and the direct
# map in the upper half), then jumps to the kernel's linked (upper-half) address.
#include "arch/memlayout.h"

.section .text.boot
.globl _start
_start:
    # a0 = hart id, a1 = physical address of the device tree
    csrw sie, zero
    # Only one hart may boot: boot_high clears .bss under a running kernel. Under heavy host
    # load OpenSBI 1.1 has been seen releasing a second hart here (the CI's "impossible"
    # panics); it waits below instead. `la` yields physical addresses while the MMU is off.
    la t0, boot_claimed
    li t1, 1
    amoswap.w.aq t1, t1, (t0)
    bnez t1, extra_boot_hart
    call enable_boot_paging
    la t0, .Lboot_high_addr
    ld t0, 0(t0)
    jr t0

# secondary_start(a0 = hart id, a1 = opaque = kernel address of the hart's struct cpu)
.globl secondary_start
secondary_start:
    csrw sie, zero
    call enable_boot_paging
    la t0, .Lsecondary_high_addr
    ld t0, 0(t0)
    jr t0

# A hart that arrived at _start after the boot hart (a0 = its hart id). Its SBI start will
# fail as "already started", so the boot hart hands it its struct cpu through
# late_start_cpu[hart id] (smp.c) instead; it then starts like any secondary hart.
extra_boot_hart:
    li t0, LATE_START_MAX_HARTID
    bgeu a0, t0, 2f
    la t0, late_start_cpu
    slli t1, a0, 3
    add t0, t0, t1
1:  ld a1, 0(t0)
    bnez a1, secondary_start
    j 1b
2:  wfi                     # a hart id beyond the mailbox: stay parked
    j 2b

# Turn on Sv39 with boot_pagetable. Runs at the physical address, so `la` (pc-relative)
# yields physical addresses here.
enable_boot_paging:
    la t0, boot_pagetable
    srli t0, t0, 12
    li t1, 8 << 60
    or t0, t0, t1
    sfence.vma zero, zero
    csrw satp, t0
    sfence.vma zero, zero
    ret

.section .data
.balign 8
boot_claimed:
    .dword 0
.globl late_start_cpu
late_start_cpu:             # hart id -> kernel address of its struct cpu (see extra_boot_hart)
    .zero 8 * LATE_START_MAX_HARTID

.section .text.boot
.balign 8
.Lboot_high_addr:
    .dword boot_high
.Lsecondary_high_addr:
    .dword secondary_high

.section .text
boot_high:
    # Now at the upper-half address. Clear .bss (it holds the boot stack) and call C.
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:  la sp, boot_stack
    li t0, KSTACK_SLOT
    add sp, sp, t0
    la tp, cpus             # the boot hart is always cpus[0]
    add t1, sp, t0
    sd t1, 8(tp)            # its panic stack: the second boot slot
    mv s0, zero
    call boot_main          # boot_main(hartid, fdt_pa) never returns
3:  wfi
    j 3b

secondary_high:
    # The hart's stack lives in the kernel-stack region, which only the real kernel page
    # table maps: switch to it first.
    la t0, kernel_satp
    ld t0, 0(t0)
    sfence.vma zero, zero
    csrw satp, t0
    sfence.vma zero, zero
    mv tp, a1
    ld sp, 0(tp)            # struct cpu starts with the top of the hart's stack
    mv s0, zero
    call secondary_main     # secondary_main(hartid) never returns
4:  wfi
    j 4b

# The boot page table: 4 KiB, 512 gigapage entries. Entry 2 is the identity map of
# 0x80000000-0xBFFFFFFF; entries 256+i map the direct map of physical gigabyte i (0..63).
# All are R|W|X|A|D; the real kernel page table (kvm.c) replaces this one early in boot.
.section .data
.balign 4096
.globl boot_pagetable
boot_pagetable:
    .dword 0
    .dword 0
    .dword (0x80000000 >> 2) | 0xcf
    .fill 253, 8, 0
    .set gb, 0
    .rept 64
    .dword ((gb << 30) >> 2) | 0xcf
    .set gb, gb + 1
    .endr
    .fill 192, 8, 0

# The boot hart's stack and panic stack until the kernel stacks exist: two slots, aligned and
# sized like kernel stack slots so that the stack-overflow check in kernelvec holds here too.
.section .bss
.balign KSTACK_SLOT
.globl boot_stack
boot_stack:
    .space 2 * KSTACK_SLOT

# call_on_stack(sp, fn): continue boot on another stack; fn never returns.
.section .text
.globl call_on_stack
call_on_stack:
    mv sp, a0
    mv s0, zero
    mv ra, zero
    jr a1
