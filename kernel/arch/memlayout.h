// The virtual address map. The lower half of Sv39 belongs to user processes; the upper half,
// the same in every page table, belongs to the kernel:
//
//   0xFFFFFFC000000000  direct map: physical address pa is at DIRECT_MAP + pa
//                       (RAM, devices, and the kernel image, which is linked there)
//   0xFFFFFFE000000000  kernel stacks: one KSTACK_SLOT per hart and per process slot; the
//                       stack is the upper half of its slot, the lower half is an unmapped
//                       guard, so bit KSTACK_GUARD_BIT of a valid sp is always set
//
// Included from assembly too, so only #defines.
#pragma once

#define DIRECT_MAP 0xFFFFFFC000000000UL
#define DIRECT_MAP_SIZE (64UL << 30)  // physical addresses below 64 GiB are reachable
#define KERNEL_PHYS_BASE 0x80200000UL

#define KSTACK_REGION 0xFFFFFFE000000000UL
#define KSTACK_SIZE (16UL << 10)
#define KSTACK_SLOT (2 * KSTACK_SIZE)
#define KSTACK_GUARD_BIT 14  // log2(KSTACK_SIZE)

#define USER_TOP 0x4000000000UL  // first address above user space (Sv39 lower half)

#define LATE_START_MAX_HARTID 64  // hart ids with a mailbox in entry.S's late_start_cpu

#ifndef __ASSEMBLER__
#include "types.h"
static inline void *pa2kva(uint64 pa) { return (void *)(pa + DIRECT_MAP); }
static inline uint64 kva2pa(const void *kva) { return (uint64)kva - DIRECT_MAP; }
#endif

// User address space (the lower half): program at USER_BASE, heap above it up to p->sz, the
// stack just below USER_STACK_TOP growing down, and nothing in the top page.
#define USER_BASE 0x10000UL                    // pages below stay unmapped: NULL faults
#define USER_STACK_TOP (USER_TOP - 4096UL)
#define USER_STACK_MAX (1UL << 20)             // default stack limit, 1 MiB
#define USER_STACK_GUARD (1UL << 20)           // unmapped gap kept between heap and stack
#define USER_HEAP_MAX (USER_STACK_TOP - USER_STACK_MAX - USER_STACK_GUARD)
