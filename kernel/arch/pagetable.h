// Sv39 page tables: the walk to a 4 KiB leaf, user page tables, the kernel page table (the
// upper half, shared by every address space) and kernel stacks. Leaves of user pages are
// set and cleared by the memory system (kernel/vm), which owns the TLB shootdown rules.
#pragma once
#include "types.h"
#include "arch/riscv.h"

// Any page table (pagetable.c).
pte_t *walk(pagetable_t pt, uint64 va, int alloc);  // level-0 PTE, NULL if absent/no memory
pagetable_t pagetable_create(void);  // a user page table: empty lower half, kernel upper half
void pagetable_destroy(pagetable_t pt);  // frees the lower half's tables (leaves must be unmapped)
void pagetable_free_user_tables(pagetable_t pt);  // the same, keeping the root (emptied)

// The kernel page table (kvm.c).
extern pagetable_t kernel_pagetable;
extern uint64 kernel_satp;  // satp value that selects kernel_pagetable
void kvm_init(void);
void kvm_init_hart(void);  // switch this hart to the kernel page table
uint64 kstack_map(int slot);  // maps the stack of a kernel-stack slot, returns its top
#define KSTACK_SLOT_HART(i) (i)
#define KSTACK_SLOT_PANIC(i) (NCPU + (i))
#define KSTACK_SLOT_PROC(i) (2 * NCPU + (i))

