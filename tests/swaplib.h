// Shared by the swap tests (tests/swap-*.c): a pattern that depends on a seed and on each
// word's address (so a page read back from the wrong slot, or a stale copy, is caught), heap
// growth in whole pages, vmstat snapshots, and the two steps that make swap_used and
// frames_used comparable exactly before and after a test: pushing the other processes' pages
// out first, and making every page of this process resident before each reading.
#pragma once
#include "testlib.h"

#define PAGE 4096UL
#define WPP (PAGE / sizeof(uint64))  // uint64 words per page

// The word expected at addr for a given seed (a 64-bit mix, never the same for neighbours).
static inline uint64 swap_pattern(uint64 seed, uint64 addr) {
  uint64 x = (addr * 0x9e3779b97f4a7c15UL) ^ (seed * 0xbf58476d1ce4e5b9UL) ^ seed;
  x ^= x >> 31;
  x *= 0x94d049bb133111ebUL;
  x ^= x >> 29;
  return x;
}

static inline void fill_page(uint64 *page, uint64 seed) {
  for (uint64 k = 0; k < WPP; k++)
    page[k] = swap_pattern(seed, (uint64)&page[k]);
}

static inline void fill_pages(uint64 *p, uint64 npages, uint64 seed) {
  for (uint64 pg = 0; pg < npages; pg++)
    fill_page(p + pg * WPP, seed);
}

// Checks one page; on a mismatch says which word, how many words are wrong and whether the
// page came back all zero (a lost swap-out looks like that).
static inline void check_page(const char *what, uint64 *page, uint64 pgno, uint64 seed) {
  for (uint64 k = 0; k < WPP; k++) {
    uint64 want = swap_pattern(seed, (uint64)&page[k]);
    if (page[k] == want)
      continue;
    int bad = 0, zero = 1;
    for (uint64 j = 0; j < WPP; j++) {
      bad += page[j] != swap_pattern(seed, (uint64)&page[j]);
      zero &= page[j] == 0;
    }
    CHECK(0, "%s page %lu (va %p) word %lu holds 0x%lx, expected 0x%lx (seed %lu; %d of %lu "
          "words wrong%s)", what, pgno, page, k, page[k], want, seed, bad, WPP,
          zero ? ", the page is all zero" : "");
  }
}

static inline void check_pages(const char *what, uint64 *p, uint64 npages, uint64 seed) {
  for (uint64 pg = 0; pg < npages; pg++)
    check_page(what, p + pg * WPP, pg, seed);
}

// Grows the heap by npages whole pages (the break is page-aligned first); returns their start.
static inline uint64 *grow_pages(uint64 npages) {
  uint64 brk = (uint64)sbrk(0);
  uint64 pad = (PAGE - brk % PAGE) % PAGE;
  char *p = sbrk((int)(pad + npages * PAGE));
  CHECK(p != (char *)-1, "sbrk of %lu pages failed", npages);
  return (uint64 *)(p + pad);
}

static inline void shrink_pages(uint64 npages) {
  CHECK(sbrk(-(int)(npages * PAGE)) != (char *)-1, "sbrk(-%lu pages) failed", npages);
}

static inline struct vmstat vm_now(void) {
  struct vmstat st;
  CHECK(vmstat(&st) == 0, "vmstat failed");
  return st;
}

// Touches (writes) npages fresh heap pages and frees them again. Other processes that only
// wait (init, a parent) lose their pages to swap this way and keep them there, so swap_used
// measured afterwards does not move under the test's feet.
static inline void push_others_out(uint64 npages) {
  uint64 *p = grow_pages(npages);
  for (uint64 pg = 0; pg < npages; pg++)
    p[pg * WPP] = pg + 1;
  shrink_pages(npages);
}

// Makes every registered page of this process resident, by reading one byte of each: the
// program, its data, bss and heap, and the stack (all its registered pages, found with
// mincore, including those below sp that a deeper call used earlier). A swapped-out page
// comes back and frees its slot, so afterwards none of this process's pages is in swap.
static inline void touch_own_pages(void) {
  uchar v;
  uint64 brk = (uint64)sbrk(0);
  for (uint64 va = 0x10000; va < brk; va += PAGE)
    if (mincore((void *)va, PAGE, &v) == 0)
      (void)*(volatile char *)va;
  uint64 sp_page = (uint64)&v & ~(PAGE - 1);
  for (uint64 va = sp_page; mincore((void *)va, PAGE, &v) == 0; va -= PAGE)
    (void)*(volatile char *)va;
  for (uint64 va = sp_page + PAGE; mincore((void *)va, PAGE, &v) == 0; va += PAGE)
    (void)*(volatile char *)va;
}

// Prints what happened between two snapshots (for the log; the tests check the figures).
static inline void print_delta(const char *what, const struct vmstat *a, const struct vmstat *b) {
  printf("%s: %s: %lu swap-outs, %lu swap-ins, %lu evictions (%lu clean), %lu file reads, "
         "%lu zero-fills; swap %lu -> %lu used, frames %lu -> %lu used\n", test_name, what,
         b->swap_outs - a->swap_outs, b->swap_ins - a->swap_ins, b->evictions - a->evictions,
         b->evictions_clean - a->evictions_clean, b->faults_file - a->faults_file,
         b->faults_zero - a->faults_zero, a->swap_used, b->swap_used, a->frames_used,
         b->frames_used);
}
