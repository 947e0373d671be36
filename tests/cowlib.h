// Shared by the copy-on-write tests (tests/cow-*.c): a heap of whole pages filled with a
// pattern that depends on a seed and each word's address (swaplib.h), and vmstat deltas.
#pragma once
#include "swaplib.h"

// Fills pages [first, first+n) of the region at p with seed's pattern.
static inline void cow_fill(uint64 *p, uint64 first, uint64 n, uint64 seed) {
  fill_pages(p + first * WPP, n, seed);
}

static inline void cow_check(const char *what, uint64 *p, uint64 first, uint64 n, uint64 seed) {
  for (uint64 pg = first; pg < first + n; pg++)
    check_page(what, p + pg * WPP, pg, seed);
}
