// Sv39 walks and user page tables (RISC-V privileged spec, "Sv39: Page-Based 39-bit Virtual-
// Memory System"). Three levels of 512 entries; user page tables hold only 4 KiB leaves.
// A user page table's upper half points at the kernel's level-1 tables (set up once at boot
// and never changed at the top level), so every address space sees the same kernel.
// Callers serialise changes to one page table (its owner's locks).
#include "arch/pagetable.h"
#include "arch/memlayout.h"
#include "mm/mm.h"
#include "lib/printf.h"
#include "lib/string.h"

// Returns the level-0 PTE for va, creating intermediate tables when alloc is set.
pte_t *walk(pagetable_t pt, uint64 va, int alloc) {
  if (va >= USER_TOP && va < DIRECT_MAP)
    panic("walk: %p is not a canonical Sv39 address", (void *)va);
  for (int level = 2; level > 0; level--) {
    pte_t *pte = &pt[PX(level, va)];
    if (*pte & PTE_V) {
      if (*pte & PTE_LEAF)
        panic("walk: %p lies in a level-%d superpage", (void *)va, level);
      pt = pa2kva(PTE2PA(*pte));
    } else {
      if (!alloc)
        return NULL;
      pagetable_t next = kpage_zalloc();
      if (!next)
        return NULL;
      *pte = PA2PTE(kva2pa(next)) | PTE_V;
      pt = next;
    }
  }
  return &pt[PX(0, va)];
}

pagetable_t pagetable_create(void) {
  pagetable_t pt = kpage_zalloc();
  if (pt)
    memcpy(&pt[256], &kernel_pagetable[256], 256 * sizeof(pte_t));
  return pt;
}

// Frees the lower half's level-1 and level-0 tables, leaving an empty lower half under the
// root. Panics if a leaf is left. No hart may be using the lower half (its TLB entries would
// name freed tables).
void pagetable_free_user_tables(pagetable_t pt) {
  for (int i = 0; i < 256; i++) {
    if (!(pt[i] & PTE_V))
      continue;
    pagetable_t l1 = pa2kva(PTE2PA(pt[i]));
    for (int j = 0; j < 512; j++) {
      if (!(l1[j] & PTE_V))
        continue;
      pagetable_t l0 = pa2kva(PTE2PA(l1[j]));
      for (int k = 0; k < 512; k++)
        if (l0[k] & PTE_V)
          panic("pagetable_free_user_tables: va %p still mapped",
                (void *)(((uint64)i << 30) | ((uint64)j << 21) | ((uint64)k << 12)));
      kpage_free(l0);
    }
    kpage_free(l1);
    pt[i] = 0;
  }
}

// Frees the lower half's tables and the root.
void pagetable_destroy(pagetable_t pt) {
  pagetable_free_user_tables(pt);
  kpage_free(pt);
}
