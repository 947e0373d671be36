// cow-three: three generations share one heap: each writes its own third of it and checks
// that it sees its own writes and its ancestors' bytes from before its fork, never a
// descendant's; the parent checks at the end that nobody's writes reached it.
#include "cowlib.h"

#define N 96

int main(void) {
  test_start("cow-three");
  uint64 *heap = grow_pages(N);
  fill_pages(heap, N, 10);
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {
    cow_fill(heap, N / 3, N / 3, 11);
    int gpid = fork();
    CHECK(gpid >= 0, "fork");
    if (gpid == 0) {
      cow_check("grandchild: the first third", heap, 0, N / 3, 10);
      cow_check("grandchild: its parent's third", heap, N / 3, N / 3, 11);
      cow_fill(heap, 2 * N / 3, N / 3, 12);
      cow_check("grandchild: its own third", heap, 2 * N / 3, N / 3, 12);
      exit(0);
    }
    expect_child_status(0);
    cow_check("child: the first third", heap, 0, N / 3, 10);
    cow_check("child: its own third", heap, N / 3, N / 3, 11);
    cow_check("child: the last third (its child wrote its own copy)", heap, 2 * N / 3, N / 3, 10);
    exit(0);
  }
  expect_child_status(0);
  check_pages("parent", heap, N, 10);
  check_vm_invariants();
  test_pass();
}
