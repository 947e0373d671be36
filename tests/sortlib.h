// Shared by the page-merge tests: data from testlib's test_rand, the checksums a sort must
// leave unchanged, the check that an array is sorted, and a bottom-up merge sort.
#pragma once
#include "testlib.h"

struct sums {
  uint64 sum, xor, squares;
};

static inline void fill_random(uint32 *a, uint64 n, uint64 seed) {
  for (uint64 i = 0; i < n; i++)
    a[i] = (uint32)(test_rand(&seed) >> 32);
}

static inline struct sums checksums(const uint32 *a, uint64 n) {
  struct sums s = {0, 0, 0};
  for (uint64 i = 0; i < n; i++) {
    s.sum += a[i];
    s.xor ^= a[i];
    s.squares += (uint64)a[i] * a[i];
  }
  return s;
}

// Checks that a[0, n) is sorted, not constant, and holds the values `before` summed.
static inline void check_sorted(const uint32 *a, uint64 n, struct sums before) {
  for (uint64 i = 1; i < n; i++)
    CHECK(a[i - 1] <= a[i], "not sorted at %d: %u > %u", (int)i, a[i - 1], a[i]);
  CHECK(a[0] < a[n - 1], "all values equal?");
  struct sums after = checksums(a, n);
  CHECK(before.sum == after.sum && before.xor == after.xor && before.squares == after.squares,
        "the values changed: sum 0x%lx -> 0x%lx, xor 0x%lx -> 0x%lx", before.sum, after.sum,
        before.xor, after.xor);
}

// Merges the sorted runs a[lo, mid) and a[mid, hi) into out[lo, hi).
static inline void merge_runs(const uint32 *a, uint32 *out, uint64 lo, uint64 mid, uint64 hi) {
  uint64 i = lo, j = mid, k = lo;
  while (i < mid && j < hi)
    out[k++] = a[j] < a[i] ? a[j++] : a[i++];
  while (i < mid)
    out[k++] = a[i++];
  while (j < hi)
    out[k++] = a[j++];
}

// Bottom-up merge sort of a[0, n) using tmp[0, n); the result ends up in a.
static inline void merge_sort(uint32 *a, uint32 *tmp, uint64 n) {
  uint32 *from = a, *to = tmp;
  for (uint64 width = 1; width < n; width *= 2) {
    for (uint64 lo = 0; lo < n; lo += 2 * width)
      merge_runs(from, to, lo, lo + width < n ? lo + width : n,
                 lo + 2 * width < n ? lo + 2 * width : n);
    uint32 *t = from;
    from = to;
    to = t;
  }
  if (from != a)
    memcpy(a, from, n * sizeof(uint32));
}
