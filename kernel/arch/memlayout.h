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

#ifndef __ASSEMBLER__
#include "types.h"
static inline void *pa2kva(uint64 pa) { return (void *)(pa + DIRECT_MAP); }
static inline uint64 kva2pa(const void *kva) { return (uint64)kva - DIRECT_MAP; }
#endif
