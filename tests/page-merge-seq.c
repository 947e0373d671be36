// page-merge-seq: a merge sort of 2 MiB of uint32 on the heap (with a 2 MiB buffer beside
// it), one process. The heap pages are touched by passes that sweep both buffers; the result
// must be sorted and hold the same values (sum, xor and sum of squares unchanged).
#include "sortlib.h"

#define N (512 * 1024)  // 2 MiB of uint32

int main(void) {
  test_start("page-merge-seq");
  uint32 *a = (uint32 *)sbrk(N * sizeof(uint32));
  uint32 *tmp = (uint32 *)sbrk(N * sizeof(uint32));
  CHECK(a != (uint32 *)-1 && tmp != (uint32 *)-1, "sbrk failed");
  fill_random(a, N, 42);
  struct sums before = checksums(a, N);
  merge_sort(a, tmp, N);
  check_sorted(a, N, before);
  check_vm_invariants();
  test_pass();
}
