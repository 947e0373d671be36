// Eager user memory for processes: every page of a range gets a frame at once. Used by exec,
// sbrk and fork until the supplemental page table takes over. Callers own the page table.
#include "vm/uvm.h"
#include "arch/memlayout.h"
#include "arch/pagetable.h"
#include "mm/mm.h"
#include "lib/printf.h"
#include "lib/string.h"

// Maps fresh zeroed pages over [start, end) (page-aligned) with PTE_U | perm.
int uvm_alloc(pagetable_t pt, uint64 start, uint64 end, uint64 perm) {
  for (uint64 va = start; va < end; va += PGSIZE) {
    void *page = kpage_zalloc();
    if (!page || mappages(pt, va, PGSIZE, kva2pa(page), perm | PTE_U) < 0) {
      if (page)
        kpage_free(page);
      uvm_free_range(pt, start, va);
      return -1;
    }
  }
  return 0;
}

// Unmaps every mapped page in [start, end) and frees its frame.
void uvm_free_range(pagetable_t pt, uint64 start, uint64 end) {
  for (uint64 va = start; va < end; va += PGSIZE) {
    pte_t *pte = walk(pt, va, 0);
    if (!pte || !(*pte & PTE_V))
      continue;
    kpage_free(pa2kva(PTE2PA(*pte)));
    *pte = 0;
    sfence_vma_page(va);
  }
}

// Gives `to` a copy of every page mapped in `from` over [start, end), same permissions.
int uvm_copy(pagetable_t from, pagetable_t to, uint64 start, uint64 end) {
  for (uint64 va = start; va < end; va += PGSIZE) {
    pte_t *pte = walk(from, va, 0);
    if (!pte || !(*pte & PTE_V))
      continue;
    void *page = kpage_alloc();
    if (!page)
      goto fail;
    memcpy(page, pa2kva(PTE2PA(*pte)), PGSIZE);
    if (mappages(to, va, PGSIZE, kva2pa(page), PTE_FLAGS(*pte) & (PTE_R | PTE_W | PTE_X | PTE_U)) < 0) {
      kpage_free(page);
      goto fail;
    }
  }
  return 0;
fail:
  uvm_free_range(to, start, end);
  return -1;
}
