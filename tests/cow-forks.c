// cow-forks: many forks in a row from a process with a 1 MiB heap: each child checks the
// heap, writes one page of it and exits. Afterwards the frames in use and the shared frames
// are exactly what they were, and the parent's heap is intact.
#include "cowlib.h"

#define N 256
#define FORKS 300

int main(void) {
  test_start("cow-forks");
  uint64 *heap = grow_pages(N);
  fill_pages(heap, N, 20);
  struct vmstat a = vm_now();
  for (int i = 0; i < FORKS; i++) {
    int pid = fork();
    CHECK(pid >= 0, "fork %d failed", i);
    if (pid == 0) {
      cow_check("child", heap, i % N, 1, 20);
      cow_fill(heap, i % N, 1, 21);
      exit(0);
    }
    expect_child_status(0);
  }
  struct vmstat b = vm_now();
  CHECK(b.frames_used == a.frames_used, "frames used %lu before the forks, %lu after",
        a.frames_used, b.frames_used);
  CHECK(b.frames_shared == a.frames_shared, "shared frames %lu before, %lu after",
        a.frames_shared, b.frames_shared);
  CHECK(b.cow_copies - a.cow_copies >= FORKS, "%lu copies for %d children that each wrote a "
        "page", b.cow_copies - a.cow_copies, FORKS);
  check_pages("parent", heap, N, 20);
  check_vm_invariants();
  test_pass();
}
