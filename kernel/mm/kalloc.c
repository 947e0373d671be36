// The page allocator, over all RAM the device tree reports minus the firmware's reserved
// regions, the kernel image and the device tree itself. Pages that were never handed out sit
// in a few "fresh" ranges taken from the bottom up, so boot costs nothing per page; freed
// pages go on a free list, which allocation prefers (their memory is likely still cached).
// A bitmap with one bit per page (set = free) catches double frees. In debug builds freed
// pages are filled with junk and an allocation checks the junk is intact: writes after free
// are caught at the next allocation of that page.
// Idle harts zero free pages ahead of time (kalloc_prezero_one, from the scheduler) into a
// pool of up to ZERO_POOL_MAX (the prezero= boot argument; 0 turns it off): a zero-fill
// fault that gets one of those (kpage_alloc_prefer_zeroed) skips zeroing. They are free
// pages all the same: counted in nfree, and plain allocations take them when nothing else
// is left.
// Lock: kmem.lock guards both lists, the fresh ranges, the bitmap and the counters.
#include "mm/mm.h"
#include "arch/memlayout.h"
#include "arch/riscv.h"
#include "arch/spinlock.h"
#include "lib/failinject.h"
#include "lib/printf.h"
#include "lib/ranges.h"
#include "lib/string.h"

#define JUNK 0x5a5a5a5a5a5a5a5aUL
#define MAX_RANGES 32
#define ZERO_POOL_DEFAULT 1024  // pages (4 MiB) zeroed ahead of time

struct free_page {
  struct free_page *next;
};

static struct {
  struct spinlock lock;
  struct free_page *free_list;        // guarded by lock
  struct free_page *zeroed;           // guarded by lock: free pages that are all zero (but
                                      // their link word)
  uint64 nzeroed, zero_pool_max;      // guarded by lock; the maximum set at init
  uint64 zeroing;                     // guarded by lock: pages an idle hart is zeroing now
  struct mem_range fresh[MAX_RANGES];  // guarded by lock: never-allocated pages, base moves up
  int nfresh;                          // set at init
  uint64 *free_bitmap;                 // guarded by lock; bit (pa - base) / PGSIZE
  uint64 base, limit;                  // physical span the bitmap covers (set at init)
  uint64 nfree;                        // guarded by lock
  uint64 managed;                      // set at init
} kmem = {.lock = SPINLOCK_INIT("kmem")};

static uint64 bit_index(uint64 pa) { return (pa - kmem.base) / PGSIZE; }
static int bit_get(uint64 pa) { return (kmem.free_bitmap[bit_index(pa) / 64] >> (bit_index(pa) % 64)) & 1; }
static void bit_flip(uint64 pa) { kmem.free_bitmap[bit_index(pa) / 64] ^= 1UL << (bit_index(pa) % 64); }

static void note_largest(uint64 start, uint64 end, void *arg) {
  struct mem_range *largest = arg;
  if (end - start > largest->size)
    *largest = (struct mem_range){start, end - start};
}

static void add_fresh_range(uint64 start, uint64 end, void *arg) {
  (void)arg;
  if (kmem.nfresh == MAX_RANGES)
    panic("kalloc_init: RAM is split into more than %d pieces", MAX_RANGES);
  kmem.fresh[kmem.nfresh++] = (struct mem_range){start, end - start};
  for (uint64 pa = start; pa < end; pa += PGSIZE)
    bit_flip(pa);
  kmem.nfree += (end - start) / PGSIZE;
  kmem.managed += (end - start) / PGSIZE;
}

// Hands every free page to the allocator. The bitmap is carved from the start of the largest
// free piece of RAM and then treated as one more hole.
void kalloc_init(const struct mem_range *ram, int nram, const struct mem_range *holes, int nholes) {
  struct mem_range all_holes[MAX_RANGES];
  if (nholes + 1 > MAX_RANGES)
    panic("kalloc_init: %d reserved regions, at most %d supported", nholes, MAX_RANGES - 1);
  memcpy(all_holes, holes, nholes * sizeof(*holes));
  struct mem_range largest = {0, 0};
  kmem.base = ~0UL;
  kmem.limit = 0;
  for (int i = 0; i < nram; i++) {
    kmem.base = MIN(kmem.base, PGROUNDDOWN(ram[i].base));
    kmem.limit = MAX(kmem.limit, PGROUNDUP(ram[i].base + ram[i].size));
    ranges_for_each_gap(ram[i].base, ram[i].size, holes, nholes, note_largest, &largest);
  }
  if (kmem.limit > DIRECT_MAP_SIZE)
    panic("kalloc_init: RAM ends at %p, beyond the %lu GiB direct map", (void *)kmem.limit,
          DIRECT_MAP_SIZE >> 30);
  uint64 bitmap_bytes = PGROUNDUP(((kmem.limit - kmem.base) / PGSIZE + 63) / 64 * 8);
  if (largest.size < bitmap_bytes + PGSIZE)
    panic("kalloc_init: no free RAM for the page bitmap (%lu bytes)", bitmap_bytes);
  kmem.free_bitmap = pa2kva(largest.base);
  memset(kmem.free_bitmap, 0, bitmap_bytes);
  all_holes[nholes++] = (struct mem_range){largest.base, bitmap_bytes};
  for (int i = 0; i < nram; i++)
    ranges_for_each_gap(ram[i].base, ram[i].size, all_holes, nholes, add_fresh_range, NULL);
  kmem.zero_pool_max = ZERO_POOL_DEFAULT;
}

void kalloc_set_zero_pool(uint64 pages) {
  acquire(&kmem.lock);
  kmem.zero_pool_max = pages;
  release(&kmem.lock);
}

// Checks that nobody wrote to a free page (debug builds): all words but the link hold JUNK.
static void check_junk(struct free_page *p) {
#ifdef KDEBUG
  uint64 *w = (uint64 *)p;
  for (uint64 i = 1; i < PGSIZE / 8; i++)
    if (w[i] != JUNK)
      panic("kpage_alloc: page %p was written after it was freed (word %lu holds %p)", (void *)p, i,
            (void *)w[i]);
#else
  (void)p;
#endif
}

// Takes the lowest never-allocated page, or returns 0. kmem.lock is held.
static uint64 take_fresh(void) {
  for (int i = 0; i < kmem.nfresh; i++) {
    if (kmem.fresh[i].size) {
      uint64 pa = kmem.fresh[i].base;
      kmem.fresh[i].base += PGSIZE;
      kmem.fresh[i].size -= PGSIZE;
      return pa;
    }
  }
  return 0;
}

// Takes a free page: from list (the free list or the zeroed pool), else a fresh one. NULL
// when memory is exhausted. kmem.lock is held.
static struct free_page *take_page(struct free_page **list) {
  struct free_page *p = *list;
  if (p) {
    *list = p->next;
    if (list == &kmem.zeroed)
      kmem.nzeroed--;
  } else {
    uint64 pa = take_fresh();
    p = pa ? pa2kva(pa) : NULL;
  }
  if (p) {
    kmem.nfree--;
    bit_flip(kva2pa(p));
  }
  return p;
}

// Checks (debug builds) that a page from the zeroed pool is still zero but for its link.
static void check_zeroed(struct free_page *p) {
#ifdef KDEBUG
  uint64 *w = (uint64 *)p;
  for (uint64 i = 1; i < PGSIZE / 8; i++)
    if (w[i] != 0)
      panic("kpage_alloc: zeroed page %p was written while free (word %lu holds %p)", (void *)p,
            i, (void *)w[i]);
#else
  (void)p;
#endif
}

// Waits, with kmem.lock held (and held again on return), while no page is on either list
// but an idle hart is zeroing one: that page is free, on its way to the zeroed pool.
static void wait_for_zeroing(void) {
  while (!kmem.free_list && !kmem.zeroed && kmem.zeroing) {
    release(&kmem.lock);
    while (__atomic_load_n(&kmem.zeroing, __ATOMIC_ACQUIRE))
      ;
    acquire(&kmem.lock);
  }
}

// NULL when memory is exhausted, or when fault injection (fail_kalloc) says so.
void *kpage_alloc(void) {
  if (fail_now(FAIL_KALLOC))
    return NULL;
  acquire(&kmem.lock);
  wait_for_zeroing();
  int recycled = kmem.free_list != NULL, zeroed = !recycled && kmem.zeroed != NULL;
  struct free_page *p = take_page(zeroed ? &kmem.zeroed : &kmem.free_list);
  release(&kmem.lock);
  if (recycled)
    check_junk(p);
  else if (zeroed)
    check_zeroed(p);
  return p;
}

void *kpage_alloc_prefer_zeroed(int *is_zero) {
  *is_zero = 0;
  if (fail_now(FAIL_KALLOC))
    return NULL;
  acquire(&kmem.lock);
  wait_for_zeroing();
  int zeroed = kmem.zeroed != NULL, recycled = !zeroed && kmem.free_list != NULL;
  struct free_page *p = take_page(zeroed ? &kmem.zeroed : &kmem.free_list);
  release(&kmem.lock);
  *is_zero = 0;
  if (p && zeroed) {
    check_zeroed(p);
    p->next = NULL;  // the link was its only non-zero word
    *is_zero = 1;
  } else if (recycled) {
    check_junk(p);
  }
  return p;
}

int kalloc_prezero_one(void) {
  acquire(&kmem.lock);
  struct free_page *p = NULL;
  int recycled = kmem.free_list != NULL;
  if (kmem.nzeroed < kmem.zero_pool_max) {
    // Still counted free: it is on neither list only while it is being zeroed (zeroing
    // says so, and an allocation that finds nothing else waits for it).
    if (recycled) {
      p = kmem.free_list;
      kmem.free_list = p->next;
    } else {
      uint64 pa = take_fresh();
      p = pa ? pa2kva(pa) : NULL;
    }
  }
  if (p)
    kmem.zeroing++;
  release(&kmem.lock);
  if (!p)
    return 0;
  if (recycled)
    check_junk(p);
  page_zero(p);
  acquire(&kmem.lock);
  p->next = kmem.zeroed;
  kmem.zeroed = p;
  kmem.nzeroed++;
  kmem.zeroing--;
  release(&kmem.lock);
  return 1;
}

void *kpage_zalloc(void) {
  int zero;
  void *p = kpage_alloc_prefer_zeroed(&zero);
  if (p && !zero)
    page_zero(p);
  return p;
}

void kpage_free(void *page) {
  uint64 pa = kva2pa(page);
  if ((pa & (PGSIZE - 1)) || pa < kmem.base || pa >= kmem.limit)
    panic("kpage_free: %p is not a page of RAM", page);
#ifdef KDEBUG
  memset(page, 0x5a, PGSIZE);
#endif
  struct free_page *p = page;
  acquire(&kmem.lock);
  if (bit_get(pa))
    panic("kpage_free: double free of page %p", page);
  bit_flip(pa);
  p->next = kmem.free_list;
  kmem.free_list = p;
  kmem.nfree++;
  release(&kmem.lock);
}

uint64 kalloc_free_pages(void) { return kmem.nfree; }
uint64 kalloc_managed_pages(void) { return kmem.managed; }

int kalloc_page_is_free(uint64 pa) {
  if (pa < kmem.base || pa >= kmem.limit)
    return 0;
  acquire(&kmem.lock);
  int free = bit_get(pa);
  release(&kmem.lock);
  return free;
}
