// page-merge-stk: a merge sort whose data lives on the stack. A 256 KiB local array is sorted
// by a recursive merge sort whose every merge takes a temporary array (a VLA) on the stack
// below it, so the stack grows to about 512 KiB, on demand. The result must be sorted and
// hold the same values; faults_zero counts the new stack pages.
#include "sortlib.h"

#define N (64 * 1024)  // 256 KiB of uint32

// Merges the sorted runs a[0, mid) and a[mid, n) through a temporary on the stack.
static __attribute__((noinline)) void merge_on_stack(uint32 *a, uint64 n, uint64 mid) {
  uint32 tmp[n];
  uint64 i = 0, j = mid, k = 0;
  while (i < mid && j < n)
    tmp[k++] = a[j] < a[i] ? a[j++] : a[i++];
  while (i < mid)
    tmp[k++] = a[i++];
  while (j < n)
    tmp[k++] = a[j++];
  memcpy(a, tmp, n * sizeof(uint32));
}

static void sort_recursive(uint32 *a, uint64 n) {
  if (n < 2)
    return;
  uint64 mid = n / 2;
  sort_recursive(a, mid);
  sort_recursive(a + mid, n - mid);
  merge_on_stack(a, n, mid);
}

static __attribute__((noinline)) void sort_on_stack(void) {
  uint32 data[N];
  fill_random(data, N, 7);
  struct sums before = checksums(data, N);
  sort_recursive(data, N);
  check_sorted(data, N, before);
}

int main(void) {
  test_start("page-merge-stk");
  struct vmstat st0, st1;
  CHECK(vmstat(&st0) == 0, "vmstat failed");
  sort_on_stack();
  CHECK(vmstat(&st1) == 0, "vmstat failed");
  int grown = st1.faults_stack - st0.faults_stack, zero = st1.faults_zero - st0.faults_zero;
  printf("page-merge-stk: %d stack faults, %d zero-fill faults\n", grown, zero);
  CHECK(grown >= 1, "the stack never grew");
  CHECK(zero >= 120, "only %d zero-fill faults for 512 KiB of stack", zero);
  check_vm_invariants();
  test_pass();
}
