// The supplemental page table: per process, user va -> struct page.
//
// Two parts. Areas are registered ranges (an ELF segment, the heap): registering one costs a
// single small struct whatever its size, so sbrk of 1 GiB on a 128 MiB machine costs 56 bytes,
// not 262,144 page structs. A struct page exists only for a page that was looked up (in
// practice: touched); those sit in a hash table keyed by va,
// which doubles when it holds as many pages as buckets, so lookup is O(1) expected. A lookup
// that misses the hash but lands in an area creates the page's struct there and then, so
// spt_find_page returns a page for every registered address, touched or not.
//
// No page tables and no frames here: a page's struct is made and freed by vm.c
// (vm_page_from_area, vm_dealloc_page), which the host unit test (tests/unit/test_spt.c)
// replaces with stand-ins to run this file under sanitizers.
#include "vm/vm.h"
#include "mm/mm.h"

static uint32 hash_va(uint64 va, uint32 nbuckets) {
  return (uint32)(((va >> 12) * 0x9E3779B97F4A7C15UL) >> 32) & (nbuckets - 1);
}

// The bucket array is split into chunks of at most 512 pointers (one page) under a directory
// of at most 512 chunks, so it can reach 262,144 buckets with no allocation above a page.
#define CHUNK 512

static struct page **bucket(struct supplemental_page_table *spt, uint32 h) {
  return &spt->buckets[h / CHUNK][h % CHUNK];
}

static uint64 bucket_bytes(uint32 n) {
  return n * sizeof(struct page *) + (n + CHUNK - 1) / CHUNK * sizeof(struct page **);
}

static void free_buckets(struct page ***dir, uint32 nbuckets) {
  if (!dir)
    return;
  for (uint32 i = 0; i < (nbuckets + CHUNK - 1) / CHUNK; i++)
    kfree(dir[i]);
  kfree(dir);
  __atomic_fetch_sub(&vm_counters.spt_bytes, bucket_bytes(nbuckets), __ATOMIC_RELAXED);
}

static struct page ***alloc_buckets(uint32 n) {
  uint32 nchunks = (n + CHUNK - 1) / CHUNK;
  struct page ***dir = kzalloc(nchunks * sizeof(*dir));
  if (!dir)
    return NULL;
  VM_ADD(spt_bytes, bucket_bytes(n));  // free_buckets takes it back, also on failure
  for (uint32 i = 0; i < nchunks; i++) {
    if (!(dir[i] = kzalloc(MIN(n, CHUNK) * sizeof(struct page *)))) {
      free_buckets(dir, n);
      return NULL;
    }
  }
  return dir;
}

// Doubles the bucket array (from 64). -1 if it cannot: the old one keeps working. Out of
// line, so that link_page's usual path saves no registers.
__attribute__((noinline)) static int grow(struct supplemental_page_table *spt) {
  uint32 n = spt->nbuckets ? spt->nbuckets * 2 : 64;
  if (n > CHUNK * CHUNK)
    return -1;
  struct page ***dir = alloc_buckets(n);
  if (!dir)
    return -1;
  for (uint32 i = 0; i < spt->nbuckets; i++) {
    for (struct page *p = *bucket(spt, i), *next; p; p = next) {
      next = p->hash_next;
      uint32 h = hash_va(p->va, n);
      p->hash_next = dir[h / CHUNK][h % CHUNK];
      dir[h / CHUNK][h % CHUNK] = p;
    }
  }
  free_buckets(spt->buckets, spt->nbuckets);
  spt->buckets = dir;
  spt->nbuckets = n;
  return 0;
}

// Frees the bucket array once the last page is gone (supplemental_page_table_kill).
void spt_free_buckets(struct supplemental_page_table *spt) {
  free_buckets(spt->buckets, spt->nbuckets);
  spt->buckets = NULL;
  spt->nbuckets = 0;
}

// Links a page known to be absent; -1 if there is no memory for the table.
static int link_page(struct supplemental_page_table *spt, struct page *page) {
  if (spt->npages >= spt->nbuckets && grow(spt) < 0 && !spt->nbuckets)
    return -1;
  struct page **head = bucket(spt, hash_va(page->va, spt->nbuckets));
  page->hash_next = *head;
  *head = page;
  spt->npages++;
  return 0;
}

void supplemental_page_table_init(struct supplemental_page_table *spt, pagetable_t pt,
                                  struct spinlock *lock) {
  spt->pagetable = pt;
  spt->lock = lock;
  spt->buckets = NULL;
  spt->nbuckets = 0;
  spt->npages = 0;
  spt->areas = NULL;
  spt->heap = NULL;
  spt->stack = NULL;
  spt->nheld = 0;
  spt->held_pc = 0;
}

// The page registered at va if it already has its struct page; NULL otherwise.
struct page *spt_lookup_existing(struct supplemental_page_table *spt, uint64 va) {
  if (!spt->nbuckets)
    return NULL;
  va = PGROUNDDOWN(va);
  for (struct page *p = *bucket(spt, hash_va(va, spt->nbuckets)); p; p = p->hash_next)
    if (p->va == va)
      return p;
  return NULL;
}

struct vm_area *spt_find_area(struct supplemental_page_table *spt, uint64 va) {
  for (struct vm_area *a = spt->areas; a && a->start <= va; a = a->next)
    if (va < a->end)
      return a;
  return NULL;
}

// The page at va: its struct page, created from its area if this is the first look.
struct page *spt_find_page(struct supplemental_page_table *spt, uint64 va) {
  va = PGROUNDDOWN(va);
  struct page *page = spt_lookup_existing(spt, va);
  if (page)
    return page;
  struct vm_area *area = spt_find_area(spt, va);
  if (!area)
    return NULL;
  page = vm_page_from_area(area, va);
  if (page && link_page(spt, page) < 0) {
    vm_dealloc_page(spt, page);
    return NULL;
  }
  return page;
}

// Inserts a page; -1 if one is already there at its va (or no memory for the table).
int spt_insert_page(struct supplemental_page_table *spt, struct page *page) {
  return spt_lookup_existing(spt, page->va) ? -1 : link_page(spt, page);
}

// Unlinks the page and hands it to vm_dealloc_page (which frees its frame and the struct).
void spt_remove_page(struct supplemental_page_table *spt, struct page *page) {
  struct page **pp = bucket(spt, hash_va(page->va, spt->nbuckets));
  while (*pp != page)
    pp = &(*pp)->hash_next;
  *pp = page->hash_next;
  spt->npages--;
  vm_dealloc_page(spt, page);
}

// Adds an area, keeping the list sorted; -1 if it overlaps one already there.
int spt_add_area(struct supplemental_page_table *spt, struct vm_area *area) {
  struct vm_area **pp = &spt->areas;
  while (*pp && (*pp)->end <= area->start)
    pp = &(*pp)->next;
  if (*pp && (*pp)->start < area->end)
    return -1;
  area->next = *pp;
  *pp = area;
  return 0;
}

struct vm_area *spt_find_overlap(struct supplemental_page_table *spt, uint64 start,
                                 uint64 end) {
  for (struct vm_area *a = spt->areas; a && a->start < end; a = a->next)
    if (a->end > start && a->end > a->start)
      return a;
  return NULL;
}

// Takes an area out of the sorted list (its pages must be gone).
void spt_unlink_area(struct supplemental_page_table *spt, struct vm_area *area) {
  struct vm_area **pp = &spt->areas;
  while (*pp != area)
    pp = &(*pp)->next;
  *pp = area->next;
  if (spt->heap == area)
    spt->heap = NULL;
  if (spt->stack == area)
    spt->stack = NULL;
}

void spt_for_each(struct supplemental_page_table *spt, void (*fn)(struct page *, void *),
                  void *arg) {
  for (uint32 i = 0; i < spt->nbuckets; i++) {
    for (struct page *p = *bucket(spt, i), *next; p; p = next) {
      next = p->hash_next;
      fn(p, arg);
    }
  }
}

// Kernel memory the SPT holds: buckets, page structs and areas.
uint64 spt_bytes(const struct supplemental_page_table *spt) {
  uint64 n = bucket_bytes(spt->nbuckets) + spt->npages * sizeof(struct page);
  for (struct vm_area *a = spt->areas; a; a = a->next)
    n += sizeof(struct vm_area);
  return n;
}
