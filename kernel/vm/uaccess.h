// Kernel access to user memory. Every user pointer a system call receives goes through these:
// each page is looked up in the address space's supplemental page table, claimed if it has no
// frame yet (a lazy page, a new stack page), pinned while the bytes are copied through the
// kernel's direct map, and unpinned. They return 0, or -1 for a bad address or a page the
// access is not allowed on (never a panic, never a kill).
#pragma once
#include "types.h"

struct supplemental_page_table;

int copyout(struct supplemental_page_table *spt, uint64 dstva, const void *src, uint64 len);
int copyin(struct supplemental_page_table *spt, void *dst, uint64 srcva, uint64 len);
// Copies a NUL-terminated string of at most max bytes (NUL included); -1 if none.
int copyinstr(struct supplemental_page_table *spt, char *dst, uint64 srcva, uint64 max);
