// Kernel memory: the page allocator (all free RAM, one 4 KiB page at a time) and the
// small-object allocator for kernel structures (kmalloc). Both return kernel (direct-map)
// addresses and are safe to call from any hart with or without other locks held.
#pragma once
#include "types.h"
#include "lib/machine.h"

// Page allocator (kalloc.c).
void kalloc_init(const struct mem_range *ram, int nram, const struct mem_range *holes, int nholes);
void *kpage_alloc(void);   // NULL when memory is exhausted; contents undefined
void *kpage_zalloc(void);  // zero-filled
// A page, from the pool that idle harts zero ahead of time if it has one (*is_zero set then).
void *kpage_alloc_prefer_zeroed(int *is_zero);
int kalloc_prezero_one(void);  // idle work: zeroes one free page into the pool; 0 if none
void kalloc_set_zero_pool(uint64 pages);  // the pool's size (0: no pool)
void kpage_free(void *page);
uint64 kalloc_free_pages(void);
uint64 kalloc_managed_pages(void);  // pages handed to the allocator at boot (free + in use)
int kalloc_page_is_free(uint64 pa);  // for tests and the invariant checker

// Small-object allocator (kmalloc.c): sizes up to KMALLOC_MAX bytes, 16-byte aligned.
// Size classes 16, 32, ... 1024 bytes (KMALLOC_CLASS_SIZE); larger requests get a page.
#define KMALLOC_MAX 4096
#define KMALLOC_NCLASSES 7
#define KMALLOC_CLASS_SIZE(i) (16UL << (i))
void kmalloc_init(void);
void *kmalloc(unsigned long size);
void *kzalloc(unsigned long size);
void kfree(void *p);
struct kmalloc_stats {
  uint64 objects_in_use;  // live kmalloc objects, all sizes
  uint64 slab_pages;      // pages held by size classes
  uint64 large_in_use;    // live objects served as whole pages
  uint64 class_in_use[KMALLOC_NCLASSES];  // live objects of each size class
};
void kmalloc_get_stats(struct kmalloc_stats *s);
