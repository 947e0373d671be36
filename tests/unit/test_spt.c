// Host unit test of kernel/vm/spt.c, the supplemental page table: pages are inserted, found
// and removed one at a time and by the 100,000; a page of an area gets its struct page exactly
// once; areas stay sorted and never overlap; spt_for_each visits every page once even when it
// removes them; spt_bytes agrees with vm_counters.spt_bytes; a failed allocation leaves a
// working table; nothing leaks and no allocation is larger than a page. By hand, from the root:
//   cc -std=gnu11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -Wall -Wextra
//      -Werror -Ikernel tests/unit/test_spt.c kernel/vm/spt.c -o test_spt && ./test_spt
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "types.h"
#include "mm/mm.h"
#include "vm/vm.h"
#include "arch/memlayout.h"

#define MANY 100000
#define BUCKETS_MAX (512 * 512)  // spt.c's cap on the bucket array
#define MAX_CHAIN 16             // longest hash chain tolerated with npages <= nbuckets
#define USER_TOP_PAGE (USER_TOP - PGSIZE)

#define UNIT_NAME "test_spt"
#include "unit.h"

// ---- Host stand-ins for what spt.c calls ----

struct vmstat vm_counters;

static long live_objects;  // kmalloc/kzalloc objects not yet given back to kfree
static int fail_in;        // > 0: the fail_in-th allocation from now returns NULL

static void *alloc(unsigned long size, int zero) {
  if (size == 0 || size > KMALLOC_MAX)
    failf("an allocation of %lu bytes (kmalloc serves 1..%d)", size, KMALLOC_MAX);
  if (fail_in > 0 && --fail_in == 0)
    return NULL;
  void *p = zero ? calloc(1, size) : malloc(size);
  if (!p)
    failf("host out of memory");
  live_objects++;
  return p;
}

void *kmalloc(unsigned long size) { return alloc(size, 0); }
void *kzalloc(unsigned long size) { return alloc(size, 1); }

void kfree(void *p) {
  if (!p)
    return;
  live_objects--;
  free(p);
}

static const struct page_operations stub_uninit_ops = {.type = VM_UNINIT};
static long pages_made;   // by vm_page_from_area
static long pages_freed;  // by vm_dealloc_page

// A struct page as vm.c's vm_alloc_page_with_initializer makes it: counted in spt_bytes.
static struct page *page_alloc(uint64 va, uint32 flags) {
  struct page *p = kzalloc(sizeof(*p));
  if (!p)
    return NULL;
  VM_ADD(spt_bytes, sizeof(*p));
  p->va = va;
  p->ops = &stub_uninit_ops;
  p->flags = flags;
  return p;
}

struct page *vm_page_from_area(struct vm_area *area, uint64 va) {
  pages_made++;
  struct page *p = page_alloc(va, area->flags);
  if (p)
    p->area = area;
  return p;
}

// Called by spt_remove_page once the page is unlinked (and by spt_find_page when its insert
// failed): the page must no longer be reachable.
void vm_dealloc_page(struct supplemental_page_table *spt, struct page *page) {
  CHECK(spt_lookup_existing(spt, page->va) != page,
        "vm_dealloc_page: page va %#lx is still in the table", page->va);
  pages_freed++;
  __atomic_fetch_sub(&vm_counters.spt_bytes, sizeof(*page), __ATOMIC_RELAXED);
  kfree(page);
}

// ---- Helpers ----

static struct page *new_page(uint64 va, uint32 flags) {
  struct page *p = page_alloc(va, flags);
  if (!p)
    failf("test bug: no memory for a page");
  return p;
}

// Frees a page the test made and the table refused (not counted as vm_dealloc_page's).
static void drop_page(struct page *p) {
  __atomic_fetch_sub(&vm_counters.spt_bytes, sizeof(*p), __ATOMIC_RELAXED);
  kfree(p);
}

// Inserts a fresh page at va, which must succeed.
static struct page *insert(struct supplemental_page_table *spt, uint64 va) {
  struct page *p = new_page(va, PAGE_WRITABLE);
  CHECK(spt_insert_page(spt, p) == 0, "insert of va %#lx refused (npages %u)", va, spt->npages);
  return p;
}

// Registers [start, end) as vm_register_area does (an area costs its struct in spt_bytes);
// 0 or -1, as spt_add_area said.
static int add_area(struct supplemental_page_table *spt, uint64 start, uint64 end, uint32 flags) {
  struct vm_area *a = kzalloc(sizeof(*a));
  *a = (struct vm_area){.start = start, .end = end, .flags = flags, .type = VM_ANON};
  if (spt_add_area(spt, a) < 0) {
    kfree(a);
    return -1;
  }
  VM_ADD(spt_bytes, sizeof(*a));
  return 0;
}

static void remove_cb(struct page *page, void *arg) { spt_remove_page(arg, page); }

// supplemental_page_table_kill without page tables or frames.
static void kill(struct supplemental_page_table *spt) {
  spt_for_each(spt, remove_cb, spt);
  CHECK(spt->npages == 0, "kill: %u pages left after removing every page", spt->npages);
  spt_free_buckets(spt);
  while (spt->areas) {
    struct vm_area *a = spt->areas;
    spt->areas = a->next;
    kfree(a);
    __atomic_fetch_sub(&vm_counters.spt_bytes, sizeof(*a), __ATOMIC_RELAXED);
  }
}

static uint32 count_areas(const struct supplemental_page_table *spt) {
  uint32 n = 0;
  for (struct vm_area *a = spt->areas; a; a = a->next)
    n++;
  return n;
}

// spt_bytes computed from the documented layout: 512-pointer chunks under a directory.
static uint64 expected_bytes(const struct supplemental_page_table *spt) {
  uint64 nchunks = (spt->nbuckets + 511) / 512;
  return spt->nbuckets * sizeof(struct page *) + nchunks * sizeof(struct page **) +
         spt->npages * sizeof(struct page) + count_areas(spt) * sizeof(struct vm_area);
}

// The one SPT alive must account for every byte vm_counters.spt_bytes holds.
static void check_bytes(const struct supplemental_page_table *spt, const char *when) {
  CHECK(spt_bytes(spt) == vm_counters.spt_bytes,
        "%s: spt_bytes %lu but vm_counters.spt_bytes %lu", when, spt_bytes(spt),
        vm_counters.spt_bytes);
  CHECK(spt_bytes(spt) == expected_bytes(spt), "%s: spt_bytes %lu, expected %lu (%u buckets, "
        "%u pages, %u areas)", when, spt_bytes(spt), expected_bytes(spt), spt->nbuckets,
        spt->npages, count_areas(spt));
}

// Everything given back: no object, no byte in the counter.
static void check_clean(const char *when) {
  CHECK(live_objects == 0, "%s: %ld allocations leaked", when, live_objects);
  CHECK(vm_counters.spt_bytes == 0, "%s: vm_counters.spt_bytes is %lu, expected 0", when,
        vm_counters.spt_bytes);
}

// The longest hash chain, walked through the layout spt.c documents (512-bucket chunks).
static uint32 longest_chain(const struct supplemental_page_table *spt) {
  uint32 longest = 0;
  for (uint32 h = 0; h < spt->nbuckets; h++) {
    uint32 n = 0;
    for (struct page *p = spt->buckets[h / 512][h % 512]; p; p = p->hash_next)
      n++;
    longest = MAX(longest, n);
  }
  return longest;
}

// The area list: sorted, each area well formed, no two overlapping.
static void check_area_list(const struct supplemental_page_table *spt, const char *when) {
  for (struct vm_area *a = spt->areas; a; a = a->next) {
    CHECK(a->start <= a->end, "%s: area [%#lx, %#lx) ends before it starts", when, a->start,
          a->end);
    if (a->next)
      CHECK(a->end <= a->next->start, "%s: area [%#lx, %#lx) then [%#lx, %#lx): unsorted or "
            "overlapping", when, a->start, a->end, a->next->start, a->next->end);
  }
}

// ---- Single pages ----

static void test_single_pages(void) {
  struct supplemental_page_table spt;
  supplemental_page_table_init(&spt, NULL, NULL);
  CHECK(spt_lookup_existing(&spt, 0x1000) == NULL, "lookup in an empty table found something");
  CHECK(spt_find_page(&spt, 0x1000) == NULL, "find in an empty table found something");
  check_bytes(&spt, "empty table");

  struct page *a = insert(&spt, 0x5000);
  CHECK(spt.npages == 1, "npages %u after one insert", spt.npages);
  CHECK(spt_find_page(&spt, 0x5000) == a, "page at 0x5000 not found after insert");
  CHECK(spt_lookup_existing(&spt, 0x5000) == a, "lookup_existing missed the page at 0x5000");
  CHECK(spt_find_page(&spt, 0x5abc) == a, "an address inside the page (0x5abc) missed it");
  CHECK(spt_find_page(&spt, 0x5fff) == a, "the page's last byte (0x5fff) missed it");
  CHECK(spt_find_page(&spt, 0x4fff) == NULL, "0x4fff, below the page, found something");
  CHECK(spt_find_page(&spt, 0x6000) == NULL, "0x6000, above the page, found something");
  check_bytes(&spt, "one page");

  // The lowest and the highest user page are keys like any other.
  struct page *lo = insert(&spt, 0);
  struct page *hi = insert(&spt, USER_TOP_PAGE);
  CHECK(spt_find_page(&spt, 0) == lo, "page at va 0 not found");
  CHECK(spt_find_page(&spt, USER_TOP_PAGE + 8) == hi, "page at %#lx not found", USER_TOP_PAGE);

  // A duplicate is refused and changes nothing.
  long objects = live_objects;
  struct page *dup = new_page(0x5000, 0);
  objects++;
  CHECK(spt_insert_page(&spt, dup) == -1, "a second page at 0x5000 was accepted");
  CHECK(spt.npages == 3, "npages %u after a refused duplicate, expected 3", spt.npages);
  CHECK(spt_find_page(&spt, 0x5000) == a, "the duplicate replaced the page at 0x5000");
  CHECK(live_objects == objects, "a refused insert changed the allocation count by %ld",
        live_objects - objects);
  drop_page(dup);

  long freed = pages_freed;
  spt_remove_page(&spt, a);
  CHECK(pages_freed == freed + 1, "spt_remove_page did not hand the page to vm_dealloc_page");
  CHECK(spt.npages == 2, "npages %u after a remove, expected 2", spt.npages);
  CHECK(spt_find_page(&spt, 0x5000) == NULL, "removed page at 0x5000 still found");
  CHECK(spt_find_page(&spt, 0) == lo && spt_find_page(&spt, USER_TOP_PAGE) == hi,
        "removing 0x5000 lost another page");
  check_bytes(&spt, "after a remove");
  a = insert(&spt, 0x5000);  // the va is free again
  CHECK(spt_find_page(&spt, 0x5000) == a, "page re-inserted at 0x5000 not found");
  kill(&spt);
  check_clean("single pages");
}

// ---- Pages of an area: made on first lookup, once ----

static void test_area_pages(void) {
  struct supplemental_page_table spt;
  supplemental_page_table_init(&spt, NULL, NULL);
  CHECK(add_area(&spt, 0x10000, 0x20000, PAGE_WRITABLE | PAGE_EXEC) == 0, "area refused");

  long made = pages_made, objects = live_objects;
  CHECK(spt_lookup_existing(&spt, 0x13000) == NULL,
        "lookup_existing found an area page that was never looked up");
  CHECK(pages_made == made && live_objects == objects && spt.npages == 0,
        "lookup_existing made a struct page");

  struct page *p = spt_find_page(&spt, 0x13456);
  CHECK(p != NULL, "spt_find_page of an area address returned NULL");
  CHECK(pages_made == made + 1, "first find made %ld pages, expected 1", pages_made - made);
  CHECK(p->va == 0x13000, "page va %#lx, expected 0x13000", p->va);
  CHECK(page_get_type(p) == VM_UNINIT, "page type %d, expected VM_UNINIT", page_get_type(p));
  CHECK(p->flags == (PAGE_WRITABLE | PAGE_EXEC), "page flags %#x, expected the area's",
        p->flags);
  CHECK(spt.npages == 1, "npages %u after the first find, expected 1", spt.npages);
  CHECK(spt_lookup_existing(&spt, 0x13000) == p, "lookup_existing missed the page just made");
  CHECK(spt_find_page(&spt, 0x13000) == p, "second find returned another page");
  CHECK(spt_find_page(&spt, 0x13fff) == p, "third find returned another page");
  CHECK(pages_made == made + 1, "later finds made %ld more pages", pages_made - made - 1);
  CHECK(spt.npages == 1, "npages %u after repeated finds, expected 1", spt.npages);

  // The area's edges: start and end-1 inside, end and start-1 outside.
  CHECK(spt_find_page(&spt, 0x10000) != NULL, "find at the area's start returned NULL");
  CHECK(spt_find_page(&spt, 0x1ffff) != NULL, "find at the area's end-1 returned NULL");
  CHECK(spt_find_page(&spt, 0x20000) == NULL, "find at the area's end made a page");
  CHECK(spt_find_page(&spt, 0xffff) == NULL, "find below the area made a page");
  CHECK(pages_made == made + 3 && spt.npages == 3, "edges: %ld pages made, npages %u, "
        "expected 3 and 3", pages_made - made, spt.npages);

  // A page registered alone inside an area wins over the area.
  struct page *alone = new_page(0x15000, 0);
  CHECK(spt_insert_page(&spt, alone) == 0, "alone page inside an area refused");
  CHECK(spt_find_page(&spt, 0x15000) == alone, "find returned not the alone page");
  CHECK(pages_made == made + 3, "find made a page where an alone page exists");

  // A removed area page is made again, fresh, on the next find.
  spt_remove_page(&spt, p);
  CHECK(spt_lookup_existing(&spt, 0x13000) == NULL, "removed area page still there");
  CHECK(spt_find_page(&spt, 0x13000) != NULL && pages_made == made + 4,
        "find after remove did not make the page again");
  check_bytes(&spt, "area pages");
  kill(&spt);
  check_clean("area pages");
}

// ---- Areas: order and overlap ----

static void test_areas(void) {
  struct supplemental_page_table spt;
  supplemental_page_table_init(&spt, NULL, NULL);
  CHECK(spt_find_area(&spt, 0x10000) == NULL, "find_area in an empty list found something");

  // Added out of order, kept in order.
  CHECK(add_area(&spt, 0x30000, 0x40000, 0) == 0, "area [0x30000, 0x40000) refused");
  CHECK(add_area(&spt, 0x10000, 0x20000, 0) == 0, "area [0x10000, 0x20000) refused");
  CHECK(add_area(&spt, 0x60000, 0x70000, 0) == 0, "area [0x60000, 0x70000) refused");
  CHECK(count_areas(&spt) == 3, "%u areas, expected 3", count_areas(&spt));
  CHECK(spt.areas->start == 0x10000 && spt.areas->next->start == 0x30000 &&
            spt.areas->next->next->start == 0x60000,
        "areas not sorted by start");
  check_area_list(&spt, "three areas");

  // Every way of overlapping [0x10000, 0x20000) or [0x30000, 0x40000).
  static const struct { uint64 start, end; const char *shape; } overlaps[] = {
      {0x10000, 0x20000, "identical"},
      {0x12000, 0x13000, "strictly inside"},
      {0x08000, 0x28000, "containing"},
      {0x08000, 0x11000, "over the start"},
      {0x1f000, 0x28000, "over the end"},
      {0x10000, 0x11000, "same start, shorter"},
      {0x10000, 0x28000, "same start, longer"},
      {0x1f000, 0x20000, "same end, shorter"},
      {0x08000, 0x20000, "same end, longer"},
      {0x1f000, 0x31000, "across the gap into the next"},
      {0x08000, 0x80000, "containing every area"},
      {0x28000, 0x38000, "from a gap into the second"},
      {0x3f000, 0x61000, "from the second into the third"},
      {0x6f000, 0x71000, "over the last one's end"},
      {0x15000, 0x15000, "empty, strictly inside"},
  };
  for (uint32 i = 0; i < ARRAY_SIZE(overlaps); i++) {
    long objects = live_objects;
    CHECK(add_area(&spt, overlaps[i].start, overlaps[i].end, 0) == -1,
          "overlapping area [%#lx, %#lx) (%s) accepted", overlaps[i].start, overlaps[i].end,
          overlaps[i].shape);
    CHECK(count_areas(&spt) == 3 && live_objects == objects,
          "refused area (%s) changed the list", overlaps[i].shape);
  }
  check_area_list(&spt, "after refusals");

  // Adjacent on either side, and exactly filling a gap, are allowed.
  CHECK(add_area(&spt, 0x08000, 0x10000, 0) == 0, "area adjacent below [0x10000...) refused");
  CHECK(add_area(&spt, 0x40000, 0x48000, 0) == 0, "area adjacent above [...0x40000) refused");
  CHECK(add_area(&spt, 0x20000, 0x30000, 0) == 0, "area filling the gap exactly refused");
  CHECK(count_areas(&spt) == 6, "%u areas, expected 6", count_areas(&spt));
  check_area_list(&spt, "adjacent areas");

  // An empty area (exec registers the heap as [end, end)) takes no address, may touch
  // others, and is never found; an area may not be added over its point, where it grows.
  CHECK(add_area(&spt, 0x50000, 0x50000, 0) == 0, "empty area in a gap refused");
  CHECK(add_area(&spt, 0x48000, 0x48000, 0) == 0, "empty area at an area's end refused");
  CHECK(add_area(&spt, 0x80000, 0x80000, 0) == 0, "empty area after every area refused");
  CHECK(add_area(&spt, 0x4f000, 0x51000, 0) == -1, "area over an empty area's point accepted");
  CHECK(add_area(&spt, 0x4f000, 0x50000, 0) == 0, "area ending at an empty area refused");
  CHECK(add_area(&spt, 0x50000, 0x51000, 0) == 0, "area starting at an empty area refused");
  CHECK(count_areas(&spt) == 11, "%u areas, expected 11", count_areas(&spt));
  check_area_list(&spt, "empty areas");
  struct vm_area *f = spt_find_area(&spt, 0x50000);
  CHECK(f && f->start == 0x50000 && f->end == 0x51000,
        "find_area(0x50000) did not return [0x50000, 0x51000)");
  f = spt_find_area(&spt, 0x80000);
  CHECK(f == NULL, "find_area(0x80000) returned an area at an empty area's point");
  f = spt_find_area(&spt, 0x48000);
  CHECK(f == NULL, "find_area(0x48000) returned an area in a gap");

  // find_area at start, end-1 and end of each non-empty area.
  for (struct vm_area *a = spt.areas; a; a = a->next) {
    if (a->start == a->end)
      continue;
    CHECK(spt_find_area(&spt, a->start) == a, "find_area(start %#lx) missed its area",
          a->start);
    CHECK(spt_find_area(&spt, a->end - 1) == a, "find_area(end-1 %#lx) missed its area",
          a->end - 1);
    struct vm_area *after = spt_find_area(&spt, a->end);
    CHECK(after != a, "find_area(end %#lx) returned the area that ends there", a->end);
    CHECK(after == NULL || after->start == a->end,
          "find_area(end %#lx) returned [%#lx, %#lx)", a->end, after ? after->start : 0,
          after ? after->end : 0);
  }
  CHECK(spt_find_area(&spt, 0x7ffff) == NULL, "find_area in a gap found something");
  CHECK(spt_find_area(&spt, 0) == NULL, "find_area(0) found something");
  check_bytes(&spt, "areas");
  kill(&spt);
  check_clean("areas");
}

// ---- Growth ----

// MANY pages at va_of(0..MANY-1): inserted, all found, removed in another order.
static void grow_and_shrink(const char *name, uint64 (*va_of)(uint32)) {
  struct supplemental_page_table spt;
  supplemental_page_table_init(&spt, NULL, NULL);
  struct page **pages = malloc(MANY * sizeof(*pages));
  for (uint32 i = 0; i < MANY; i++) {
    pages[i] = insert(&spt, va_of(i));
    CHECK(spt.npages == i + 1, "%s: npages %u after %u inserts", name, spt.npages, i + 1);
    if ((i & (i + 1)) == 0 || (i & (i - 1)) == 0 || i % 4096 == 0)  // around each doubling
      check_bytes(&spt, name);
  }
  CHECK(spt.nbuckets && (spt.nbuckets & (spt.nbuckets - 1)) == 0,
        "%s: %u buckets, not a power of two", name, spt.nbuckets);
  CHECK(spt.npages <= spt.nbuckets, "%s: %u pages in %u buckets: the table did not grow", name,
        spt.npages, spt.nbuckets);
  // O(1) expected lookups: with fewer pages than buckets a fair hash leaves no long chain.
  uint32 longest = longest_chain(&spt);
  CHECK(longest <= MAX_CHAIN, "%s: a hash chain of %u pages in %u buckets", name, longest,
        spt.nbuckets);
  for (uint32 i = 0; i < MANY; i++)
    CHECK(spt_find_page(&spt, va_of(i)) == pages[i], "%s: page %u (va %#lx) not found", name,
          i, va_of(i));
  CHECK(spt_find_page(&spt, USER_TOP_PAGE) == NULL, "%s: found a page never inserted", name);
  // A duplicate of each tenth page is still refused in the full table.
  for (uint32 i = 0; i < MANY; i += 10) {
    struct page *dup = new_page(va_of(i), 0);
    CHECK(spt_insert_page(&spt, dup) == -1, "%s: duplicate of page %u accepted", name, i);
    drop_page(dup);
  }
  check_bytes(&spt, name);

  uint64 full = spt_bytes(&spt);
  for (uint32 n = 0; n < MANY; n++) {
    uint32 i = (uint32)((n * 7919UL) % MANY);  // 7919 is prime to MANY: each i once
    spt_remove_page(&spt, pages[i]);
    CHECK(spt_lookup_existing(&spt, va_of(i)) == NULL, "%s: removed page %u still found",
          name, i);
    if (n % 1000 == 0 && i + 1 < MANY && pages[i + 1])
      CHECK(spt_find_page(&spt, va_of(i + 1)) == pages[i + 1],
            "%s: removing page %u lost page %u", name, i, i + 1);
    pages[i] = NULL;
  }
  CHECK(spt.npages == 0, "%s: npages %u after removing all", name, spt.npages);
  CHECK(spt_bytes(&spt) < full, "%s: spt_bytes did not shrink when the pages went", name);
  check_bytes(&spt, name);
  spt_free_buckets(&spt);
  CHECK(spt.nbuckets == 0 && spt.buckets == NULL, "%s: spt_free_buckets left %u buckets",
        name, spt.nbuckets);
  check_clean(name);
  // The table works again after spt_free_buckets.
  insert(&spt, va_of(7));
  CHECK(spt_find_page(&spt, va_of(7)) != NULL, "%s: insert after spt_free_buckets lost", name);
  kill(&spt);
  check_clean(name);
  free(pages);
}

static uint64 consecutive_va(uint32 i) { return 0x400000UL + (uint64)i * PGSIZE; }

// i -> i * odd mod 2^26 is one-to-one: distinct pages spread over all 256 GiB of user space.
static uint64 scattered_va(uint32 i) { return ((i * 0x9E3779B1UL) & ((1UL << 26) - 1)) << 12; }

// Pages 2 MiB apart in 256 slots 1 GiB apart: the low 9 bits of every page number are zero
// (a hash taking the low bits of the page number would use one bucket in 512).
static uint64 strided_va(uint32 i) { return (uint64)(i % 256) << 30 | (uint64)(i / 256) << 21; }

// One area of MANY pages: each page made once on first find, then torn down by spt_for_each.
static void test_area_growth(void) {
  struct supplemental_page_table spt;
  supplemental_page_table_init(&spt, NULL, NULL);
  uint64 base = 0x1000000UL;
  CHECK(add_area(&spt, base, base + (uint64)MANY * PGSIZE, PAGE_WRITABLE) == 0,
        "area of %d pages refused", MANY);
  long made = pages_made;
  struct page **pages = malloc(MANY * sizeof(*pages));
  for (uint32 i = 0; i < MANY; i++) {
    pages[i] = spt_find_page(&spt, base + (uint64)i * PGSIZE);
    CHECK(pages[i] && pages[i]->va == base + (uint64)i * PGSIZE,
          "area page %u not made at its va", i);
  }
  CHECK(pages_made == made + MANY && spt.npages == MANY, "%ld pages made, npages %u, "
        "expected %d", pages_made - made, spt.npages, MANY);
  for (uint32 i = 0; i < MANY; i++)
    CHECK(spt_find_page(&spt, base + (uint64)i * PGSIZE + 100) == pages[i],
          "second find of area page %u returned another page", i);
  CHECK(pages_made == made + MANY, "second finds made %ld pages", pages_made - made - MANY);
  CHECK(spt_find_page(&spt, base + (uint64)MANY * PGSIZE) == NULL,
        "find just past the area made a page");
  check_bytes(&spt, "area growth");
  kill(&spt);
  check_clean("area growth");
  free(pages);
}

// Past BUCKETS_MAX pages the table stops growing but keeps taking pages (longer chains).
static void test_bucket_limit(void) {
  const uint32 n = BUCKETS_MAX + 3000;
  struct supplemental_page_table spt;
  supplemental_page_table_init(&spt, NULL, NULL);
  for (uint32 i = 0; i < n; i++)
    insert(&spt, scattered_va(i));
  CHECK(spt.npages == n, "npages %u, expected %u", spt.npages, n);
  CHECK(spt.nbuckets == BUCKETS_MAX, "%u buckets past the limit, expected %d", spt.nbuckets,
        BUCKETS_MAX);
  for (uint32 i = 0; i < n; i += 7)
    CHECK(spt_lookup_existing(&spt, scattered_va(i)) != NULL, "page %u lost past the limit", i);
  check_bytes(&spt, "bucket limit");
  kill(&spt);
  check_clean("bucket limit");
}

// ---- Allocation failures: the table is left as it was, or still working ----

static void test_alloc_failures(void) {
  struct supplemental_page_table spt;
  supplemental_page_table_init(&spt, NULL, NULL);

  // First insert, no memory for the directory (allocation 1) or its chunk (allocation 2).
  for (int which = 1; which <= 2; which++) {
    struct page *p = new_page(0x1000, 0);
    fail_in = which;
    CHECK(spt_insert_page(&spt, p) == -1, "first insert succeeded with allocation %d failing",
          which);
    fail_in = 0;
    CHECK(spt.npages == 0 && spt.nbuckets == 0 && spt.buckets == NULL,
          "failed first insert left npages %u, %u buckets", spt.npages, spt.nbuckets);
    CHECK(spt_lookup_existing(&spt, 0x1000) == NULL, "failed insert left the page findable");
    drop_page(p);
    check_bytes(&spt, "failed first insert");
    check_clean("failed first insert");
  }

  // spt_find_page in an area: the page (1), directory (2) or chunk (3) cannot be had.
  CHECK(add_area(&spt, 0x10000, 0x20000, 0) == 0, "area refused");
  for (int which = 1; which <= 3; which++) {
    long objects = live_objects, freed = pages_freed;
    fail_in = which;
    CHECK(spt_find_page(&spt, 0x11000) == NULL,
          "find succeeded with allocation %d failing", which);
    fail_in = 0;
    CHECK(live_objects == objects, "failed find (allocation %d) leaked %ld objects", which,
          live_objects - objects);
    CHECK(which == 1 || pages_freed == freed + 1,
          "failed find (allocation %d) did not free the page it made", which);
    CHECK(spt.npages == 0 && spt.nbuckets == 0, "failed find left npages %u, %u buckets",
          spt.npages, spt.nbuckets);
    check_bytes(&spt, "failed find");
  }
  CHECK(spt_find_page(&spt, 0x11000) != NULL, "find failed once memory was back");

  // Growing from 64 to 128 buckets fails: the page goes into the old table.
  for (uint64 i = 1; i < 64; i++)
    insert(&spt, 0x100000 + i * PGSIZE);
  CHECK(spt.nbuckets == 64 && spt.npages == 64, "%u buckets, %u pages: expected 64 and 64",
        spt.nbuckets, spt.npages);
  struct page *p = new_page(0x200000, 0);
  fail_in = 1;  // the new bucket array's directory
  CHECK(spt_insert_page(&spt, p) == 0, "insert refused when only growth failed");
  fail_in = 0;
  CHECK(spt.nbuckets == 64 && spt.npages == 65, "after a failed growth: %u buckets, %u pages",
        spt.nbuckets, spt.npages);
  check_bytes(&spt, "failed growth");
  insert(&spt, 0x201000);
  CHECK(spt.nbuckets == 128, "growth not retried: %u buckets", spt.nbuckets);
  for (uint64 i = 1; i < 64; i++)
    CHECK(spt_lookup_existing(&spt, 0x100000 + i * PGSIZE) != NULL, "page %lu lost", i);
  CHECK(spt_lookup_existing(&spt, 0x200000) && spt_lookup_existing(&spt, 0x11000),
        "page inserted during the failed growth lost");

  // Growing 512 -> 1024 buckets (two chunks) fails at the second chunk: freed, table kept.
  uint32 i = 0;
  while (spt.npages < 512)
    insert(&spt, 0x400000 + (uint64)i++ * PGSIZE);
  CHECK(spt.nbuckets == 512, "%u buckets at 512 pages", spt.nbuckets);
  long objects = live_objects;
  p = new_page(0x400000 + (uint64)i++ * PGSIZE, 0);
  fail_in = 3;  // 1: the directory, 2: chunk 0, 3: chunk 1
  CHECK(spt_insert_page(&spt, p) == 0, "insert refused when only growth failed halfway");
  fail_in = 0;
  CHECK(spt.nbuckets == 512 && live_objects == objects + 1,
        "half-built bucket array: %u buckets, %ld objects more (expected 1)", spt.nbuckets,
        live_objects - objects);
  check_bytes(&spt, "failed growth at the second chunk");
  kill(&spt);
  check_clean("allocation failures");
}

// ---- spt_for_each ----

#define WALK_N 5000
#define WALK_BASE 0x8000000UL
#define WALK_STRIDE (3 * PGSIZE)

struct walk {
  struct supplemental_page_table *spt;
  uint8 seen[WALK_N];
  uint32 visits;
  int remove;  // 0: none, 1: every page, 2: the pages with an odd index
};

static void walk_cb(struct page *page, void *arg) {
  struct walk *w = arg;
  uint64 off = page->va - WALK_BASE;
  CHECK(page->va >= WALK_BASE && off % WALK_STRIDE == 0 && off / WALK_STRIDE < WALK_N,
        "spt_for_each gave a page at %#lx, never inserted", page->va);
  uint32 idx = (uint32)(off / WALK_STRIDE);
  w->seen[idx]++;
  w->visits++;
  if (w->remove == 1 || (w->remove == 2 && idx % 2))
    spt_remove_page(w->spt, page);
}

static void walk(struct supplemental_page_table *spt, int remove, const char *name) {
  static struct walk w;
  memset(&w, 0, sizeof(w));
  w.spt = spt;
  w.remove = remove;
  static uint8 present[WALK_N];
  for (uint32 i = 0; i < WALK_N; i++)
    present[i] = spt_lookup_existing(spt, WALK_BASE + i * WALK_STRIDE) != NULL;
  uint32 before = spt->npages;
  spt_for_each(spt, walk_cb, &w);
  CHECK(w.visits == before, "%s: %u visits for %u pages", name, w.visits, before);
  for (uint32 i = 0; i < WALK_N; i++)
    CHECK(w.seen[i] == present[i], "%s: page %u visited %d times, expected %d", name, i,
          w.seen[i], present[i]);
}

static void test_for_each(void) {
  struct supplemental_page_table spt;
  supplemental_page_table_init(&spt, NULL, NULL);
  struct walk none = {0};
  spt_for_each(&spt, walk_cb, &none);
  CHECK(none.visits == 0, "spt_for_each on an empty table made %u calls", none.visits);

  for (uint32 i = 0; i < WALK_N; i++)
    insert(&spt, WALK_BASE + i * WALK_STRIDE);
  walk(&spt, 0, "plain walk");
  CHECK(spt.npages == WALK_N, "plain walk changed npages to %u", spt.npages);
  walk(&spt, 2, "walk removing odd pages");
  CHECK(spt.npages == WALK_N / 2, "npages %u after removing odd pages", spt.npages);
  for (uint32 i = 0; i < WALK_N; i++)
    CHECK((spt_lookup_existing(&spt, WALK_BASE + i * WALK_STRIDE) != NULL) == (i % 2 == 0),
          "page %u in the wrong state after removing odd pages", i);
  long freed = pages_freed;
  walk(&spt, 1, "walk removing every page");
  CHECK(spt.npages == 0 && pages_freed == freed + WALK_N / 2,
        "after removing every page: npages %u, %ld freed", spt.npages, pages_freed - freed);
  check_bytes(&spt, "for_each");
  kill(&spt);
  check_clean("for_each");
}

// ---- spt_bytes against vm_counters.spt_bytes ----

static void test_bytes(void) {
  struct supplemental_page_table spt;
  supplemental_page_table_init(&spt, NULL, NULL);
  check_bytes(&spt, "empty");
  uint64 last = spt_bytes(&spt);
  struct page *pages[1100];
  for (uint32 i = 0; i < 1100; i++) {
    pages[i] = insert(&spt, 0x10000000UL + i * PGSIZE);
    CHECK(spt_bytes(&spt) > last, "spt_bytes did not grow at insert %u", i);
    last = spt_bytes(&spt);
    check_bytes(&spt, "growing");
  }
  CHECK(add_area(&spt, 0x1000, 0x5000, 0) == 0, "area refused");
  CHECK(spt_bytes(&spt) == last + sizeof(struct vm_area), "an area added %lu bytes, not %lu",
        spt_bytes(&spt) - last, sizeof(struct vm_area));
  last = spt_bytes(&spt);
  check_bytes(&spt, "with an area");
  spt_find_page(&spt, 0x2000);
  CHECK(spt_bytes(&spt) == last + sizeof(struct page), "an area page added %lu bytes, not %lu",
        spt_bytes(&spt) - last, sizeof(struct page));
  last = spt_bytes(&spt);
  for (uint32 i = 0; i < 1100; i++) {
    spt_remove_page(&spt, pages[i]);
    CHECK(spt_bytes(&spt) == last - sizeof(struct page), "remove %u freed %lu bytes, not %lu",
          i, last - spt_bytes(&spt), sizeof(struct page));
    last = spt_bytes(&spt);
    check_bytes(&spt, "shrinking");
  }
  uint64 buckets = spt_bytes(&spt) - sizeof(struct page) - sizeof(struct vm_area);
  CHECK(buckets == 2048 * sizeof(void *) + 4 * sizeof(void *),
        "2048 buckets hold %lu bytes, expected %lu", buckets, 2052 * sizeof(void *));
  kill(&spt);
  check_clean("bytes");
}

// ---- Copy by hand: two SPTs that share nothing ----

struct copy {
  struct supplemental_page_table *dst;
  uint32 copied;
};

static void copy_cb(struct page *page, void *arg) {
  struct copy *c = arg;
  struct page *np = page_alloc(page->va, page->flags);
  if (!np)
    failf("test bug: no memory for a copied page");
  np->area = page->area;
  CHECK(spt_insert_page(c->dst, np) == 0, "copy of page %#lx refused", page->va);
  c->copied++;
}

static void test_copy(void) {
  struct supplemental_page_table src, dst;
  supplemental_page_table_init(&src, NULL, NULL);
  supplemental_page_table_init(&dst, NULL, NULL);
  CHECK(add_area(&src, 0x10000, 0x20000, PAGE_WRITABLE) == 0, "area 1 refused");
  CHECK(add_area(&src, 0x40000, 0x50000, PAGE_EXEC) == 0, "area 2 refused");
  const uint32 n = 700;
  for (uint32 i = 0; i < n; i++)
    insert(&src, 0x100000 + i * PGSIZE)->flags = i % 3 ? PAGE_WRITABLE : 0;
  struct page *a1 = spt_find_page(&src, 0x12000), *a2 = spt_find_page(&src, 0x41000);
  CHECK(a1 && a2, "area pages not made in src");

  for (struct vm_area *a = src.areas; a; a = a->next)
    CHECK(add_area(&dst, a->start, a->end, a->flags) == 0, "area copy [%#lx, %#lx) refused",
          a->start, a->end);
  struct copy c = {&dst, 0};
  spt_for_each(&src, copy_cb, &c);
  CHECK(c.copied == src.npages && dst.npages == src.npages, "copied %u pages, dst has %u, "
        "src %u", c.copied, dst.npages, src.npages);
  CHECK(spt_bytes(&src) == spt_bytes(&dst), "the copy's spt_bytes %lu, the original's %lu",
        spt_bytes(&dst), spt_bytes(&src));
  CHECK(spt_bytes(&src) + spt_bytes(&dst) == vm_counters.spt_bytes,
        "two SPTs hold %lu bytes, vm_counters.spt_bytes says %lu",
        spt_bytes(&src) + spt_bytes(&dst), vm_counters.spt_bytes);
  for (uint32 i = 0; i < n; i++) {
    uint64 va = 0x100000 + i * PGSIZE;
    struct page *s = spt_lookup_existing(&src, va), *d = spt_lookup_existing(&dst, va);
    CHECK(s && d && s != d && d->va == va && d->flags == s->flags,
          "page %#lx: not copied as a separate page with the same flags", va);
  }
  struct page *d1 = spt_lookup_existing(&dst, 0x12000);
  CHECK(d1 && d1 != a1 && d1->flags == PAGE_WRITABLE, "area page 0x12000 not copied");

  // Changes to one leave the other alone.
  d1->flags = 0;
  CHECK(a1->flags == PAGE_WRITABLE, "changing the copy changed the original");
  for (uint32 i = 0; i < n; i += 2)
    spt_remove_page(&src, spt_lookup_existing(&src, 0x100000 + i * PGSIZE));
  CHECK(dst.npages == n + 2, "removing from src changed dst's npages to %u", dst.npages);
  for (uint32 i = 0; i < n; i++)
    CHECK(spt_lookup_existing(&dst, 0x100000 + i * PGSIZE) != NULL,
          "dst lost page %u when src removed it", i);
  long made = pages_made;
  struct page *d3 = spt_find_page(&dst, 0x18000);
  CHECK(d3 && pages_made == made + 1 && spt_lookup_existing(&src, 0x18000) == NULL,
        "a page made in dst's area appeared in src");
  CHECK(spt_bytes(&src) + spt_bytes(&dst) == vm_counters.spt_bytes,
        "after changes: two SPTs hold %lu bytes, vm_counters.spt_bytes says %lu",
        spt_bytes(&src) + spt_bytes(&dst), vm_counters.spt_bytes);

  kill(&dst);
  CHECK(src.npages == n / 2 + 2, "killing dst changed src's npages to %u", src.npages);
  for (uint32 i = 1; i < n; i += 2)
    CHECK(spt_find_page(&src, 0x100000 + i * PGSIZE) != NULL, "src lost page %u", i);
  CHECK(spt_find_page(&src, 0x12000) == a1 && a1->flags == PAGE_WRITABLE,
        "src's area page changed when dst was killed");
  check_bytes(&src, "src after dst was killed");
  kill(&src);
  check_clean("copy");
}

int main(void) {
  test_single_pages();
  test_area_pages();
  test_areas();
  grow_and_shrink("consecutive", consecutive_va);
  grow_and_shrink("scattered", scattered_va);
  grow_and_shrink("strided", strided_va);
  test_area_growth();
  test_bucket_limit();
  test_alloc_failures();
  test_for_each();
  test_bytes();
  test_copy();
  unit_pass();
  return 0;
}
