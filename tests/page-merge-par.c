// page-merge-par: a merge sort of 2 MiB of uint32 whose halves are sorted at the same time by
// two forked children (each on its own copy of the parent's heap), which send their sorted
// half back through a pipe; the parent merges. The result must be sorted and hold the same
// values, and the parent's own array must be untouched by the children's sorting.
#include "testlib.h"

#define N (512 * 1024)  // 2 MiB of uint32
#define HALF (N / 2)

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

static uint32 value(uint64 *x) {
  *x = *x * 6364136223846793005UL + 1442695040888963407UL;
  return (uint32)(*x >> 32);
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

// In a child: sorts its half of a in place and writes it to fd.
static void sort_half(uint32 *a, uint32 *tmp, int half, int fd) {
  uint32 *mine = a + half * HALF;
  merge_sort(mine, tmp, HALF);
  char *p = (char *)mine;
  int left = HALF * sizeof(uint32);
  while (left > 0) {
    int n = write(fd, p, left);
    if (n <= 0)
      exit(1);
    p += n;
    left -= n;
  }
  exit(0);
}

static void read_all(int fd, uint32 *dst, int bytes) {
  char *p = (char *)dst;
  while (bytes > 0) {
    int n = read(fd, p, bytes);
    CHECK(n > 0, "a child's pipe ended early (%d bytes missing)", bytes);
    p += n;
    bytes -= n;
  }
}

int main(void) {
  test_start("page-merge-par");
  uint32 *a = (uint32 *)sbrk(N * sizeof(uint32));
  uint32 *tmp = (uint32 *)sbrk(N * sizeof(uint32));
  uint32 *halves = (uint32 *)sbrk(N * sizeof(uint32));
  CHECK(a != (uint32 *)-1 && tmp != (uint32 *)-1 && halves != (uint32 *)-1, "sbrk failed");
  uint64 x = 4242;
  for (uint64 i = 0; i < N; i++)
    a[i] = value(&x);
  struct sums before = checksums(a, N);

  int fds[2][2];
  for (int h = 0; h < 2; h++) {
    CHECK(pipe(fds[h]) == 0, "pipe");
    int pid = fork();
    CHECK(pid >= 0, "fork");
    if (pid == 0) {
      close(fds[h][0]);
      sort_half(a, tmp, h, fds[h][1]);
    }
    close(fds[h][1]);
  }
  for (int h = 0; h < 2; h++) {
    read_all(fds[h][0], halves + h * HALF, HALF * sizeof(uint32));
    close(fds[h][0]);
  }
  expect_child_status(0);
  expect_child_status(0);

  // The children sorted their own copies: the parent's array is as generated.
  x = 4242;
  for (uint64 i = 0; i < N; i++)
    CHECK(a[i] == value(&x), "the parent's a[%d] changed to %u", (int)i, a[i]);
  for (int h = 0; h < 2; h++)
    for (uint64 i = 1; i < HALF; i++)
      CHECK(halves[h * HALF + i - 1] <= halves[h * HALF + i], "half %d is not sorted at %d", h,
            (int)i);
  merge(halves, tmp, 0, HALF, N);
  for (uint64 i = 1; i < N; i++)
    CHECK(tmp[i - 1] <= tmp[i], "not sorted at %d: %u > %u", (int)i, tmp[i - 1], tmp[i]);
  struct sums after = checksums(tmp, N);
  CHECK(before.sum == after.sum && before.xor == after.xor && before.squares == after.squares,
        "the values changed: sum 0x%lx -> 0x%lx, xor 0x%lx -> 0x%lx", before.sum, after.sum,
        before.xor, after.xor);
  test_pass();
}
