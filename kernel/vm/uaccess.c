// copyin/copyout/copyinstr: the kernel's only way into user memory. Each page is looked up in
// the process's page table and must be a valid user page with the needed permission; the copy
// goes through the kernel's direct map, so a bad pointer is an error return, never a fault.
#include "vm/uaccess.h"
#include "arch/memlayout.h"
#include "arch/pagetable.h"
#include "lib/string.h"

// The kernel address of user address va if it is mapped with all of `need`, else NULL.
static void *user_page(pagetable_t pt, uint64 va, uint64 need) {
  if (va >= USER_TOP)
    return NULL;
  pte_t *pte = walk(pt, va, 0);
  if (!pte || (*pte & (PTE_V | PTE_U | need)) != (PTE_V | PTE_U | need))
    return NULL;
  return (char *)pa2kva(PTE2PA(*pte)) + (va % PGSIZE);
}

int copyout(pagetable_t pt, uint64 dstva, const void *src, uint64 len) {
  while (len > 0) {
    void *dst = user_page(pt, dstva, PTE_W);
    if (!dst)
      return -1;
    uint64 n = MIN(len, PGSIZE - dstva % PGSIZE);
    memmove(dst, src, n);
    len -= n;
    src = (const char *)src + n;
    dstva += n;
  }
  return 0;
}

int copyin(pagetable_t pt, void *dst, uint64 srcva, uint64 len) {
  while (len > 0) {
    void *src = user_page(pt, srcva, PTE_R);
    if (!src)
      return -1;
    uint64 n = MIN(len, PGSIZE - srcva % PGSIZE);
    memmove(dst, src, n);
    len -= n;
    dst = (char *)dst + n;
    srcva += n;
  }
  return 0;
}

int copyinstr(pagetable_t pt, char *dst, uint64 srcva, uint64 max) {
  while (max > 0) {
    const char *src = user_page(pt, srcva, PTE_R);
    if (!src)
      return -1;
    uint64 n = MIN(max, PGSIZE - srcva % PGSIZE);
    for (uint64 i = 0; i < n; i++) {
      dst[i] = src[i];
      if (src[i] == 0)
        return 0;
    }
    max -= n;
    dst += n;
    srcva += n;
  }
  return -1;
}
