// page-merge-par: a merge sort of 2 MiB of uint32 whose halves are sorted at the same time by
// two forked children (each on its own copy of the parent's heap), which send their sorted
// half back through a pipe; the parent merges. The result must be sorted and hold the same
// values, and the parent's own array must be untouched by the children's sorting.
#include "sortlib.h"

#define N (512 * 1024)  // 2 MiB of uint32
#define HALF (N / 2)

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
  fill_random(a, N, 4242);
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
  fill_random(tmp, N, 4242);
  for (uint64 i = 0; i < N; i++)
    CHECK(a[i] == tmp[i], "the parent's a[%d] changed to %u", (int)i, a[i]);
  for (int h = 0; h < 2; h++)
    for (uint64 i = 1; i < HALF; i++)
      CHECK(halves[h * HALF + i - 1] <= halves[h * HALF + i], "half %d is not sorted at %d", h,
            (int)i);
  merge_runs(halves, tmp, 0, HALF, N);
  check_sorted(tmp, N, before);
  check_vm_invariants();
  test_pass();
}
