// page-merge-seq: a merge sort of 2 MiB of uint32 on the heap (with a 2 MiB buffer beside
// it), one process. The heap pages are touched by passes that sweep both buffers; the result
// must be sorted and hold the same values (sum, xor and sum of squares unchanged).
#include "testlib.h"

#define N (512 * 1024)  // 2 MiB of uint32

struct sums {
  uint64 sum, xor, squares;
};

static struct sums checksums(const uint32 *a, uint64 n) {
  struct sums s = {0, 0, 0};
  for (uint64 i = 0; i < n; i++) {
    s.sum += a[i];
    s.xor ^= a[i];
    s.squares += (uint64)a[i] * a[i];
  }
  return s;
}

// Merges the sorted runs a[lo, mid) and a[mid, hi) into out[lo, hi).
static void merge(const uint32 *a, uint32 *out, uint64 lo, uint64 mid, uint64 hi) {
  uint64 i = lo, j = mid, k = lo;
  while (i < mid && j < hi)
    out[k++] = a[j] < a[i] ? a[j++] : a[i++];
  while (i < mid)
    out[k++] = a[i++];
  while (j < hi)
    out[k++] = a[j++];
}

// Bottom-up merge sort of a[0, n) using tmp[0, n); the result ends up in a.
static void merge_sort(uint32 *a, uint32 *tmp, uint64 n) {
  uint32 *from = a, *to = tmp;
  for (uint64 width = 1; width < n; width *= 2) {
    for (uint64 lo = 0; lo < n; lo += 2 * width) {
      uint64 mid = lo + width < n ? lo + width : n;
      uint64 hi = lo + 2 * width < n ? lo + 2 * width : n;
      merge(from, to, lo, mid, hi);
    }
    uint32 *t = from;
    from = to;
    to = t;
  }
  if (from != a)
    memcpy(a, from, n * sizeof(uint32));
}

int main(void) {
  test_start("page-merge-seq");
  uint32 *a = (uint32 *)sbrk(N * sizeof(uint32));
  uint32 *tmp = (uint32 *)sbrk(N * sizeof(uint32));
  CHECK(a != (uint32 *)-1 && tmp != (uint32 *)-1, "sbrk failed");
  uint64 x = 42;
  for (uint64 i = 0; i < N; i++) {
    x = x * 6364136223846793005UL + 1442695040888963407UL;
    a[i] = (uint32)(x >> 32);
  }
  struct sums before = checksums(a, N);
  merge_sort(a, tmp, N);
  for (uint64 i = 1; i < N; i++)
    CHECK(a[i - 1] <= a[i], "not sorted at %d: %u > %u", (int)i, a[i - 1], a[i]);
  struct sums after = checksums(a, N);
  CHECK(before.sum == after.sum && before.xor == after.xor && before.squares == after.squares,
        "the values changed: sum 0x%lx -> 0x%lx, xor 0x%lx -> 0x%lx", before.sum, after.sum,
        before.xor, after.xor);
  CHECK(a[0] < a[N - 1], "all values equal?");
  test_pass();
}
