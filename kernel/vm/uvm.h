// Eager user memory: map zero-filled pages for a range, unmap and free them, copy them for
// fork. The supplemental page table replaces this with lazy loading.
#pragma once
#include "types.h"
#include "arch/riscv.h"

int uvm_alloc(pagetable_t pt, uint64 start, uint64 end, uint64 perm);  // -1 on OOM (undone)
void uvm_free_range(pagetable_t pt, uint64 start, uint64 end);
int uvm_copy(pagetable_t from, pagetable_t to, uint64 start, uint64 end);  // -1 on OOM
