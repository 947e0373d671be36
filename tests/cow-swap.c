// cow-swap (frames=64): a parent and three children share a heap twice the size of memory,
// with pages both resident and out in swap when they fork (a swapped-out page shares its
// slot). Each child writes a pattern of its own to its own quarter and checks the whole heap
// (its quarter and everyone else's original bytes), twice, while the others do the same and
// every page goes in and out of swap; the parent checks it still has every original byte.
// At the end the frames and slots in use are what they were before the heap existed (init's
// pages are pushed out to swap first, where they stay while it waits).
#include "cowlib.h"

#define NC 3

int main(void) {
  test_start("cow-swap");
  struct vmstat st = vm_now();
  uint64 npages = 2 * st.frames_total, q = npages / 4;
  push_others_out(2 * st.frames_total);  // init's pages go to swap now, not mid-test
  touch_own_pages();
  struct vmstat before = vm_now();
  uint64 *heap = grow_pages(npages);
  fill_pages(heap, npages, 40);  // most of it goes out to swap
  struct vmstat filled = vm_now();
  CHECK(filled.swap_used > before.swap_used, "nothing went to swap");
  for (int c = 0; c < NC; c++) {
    int pid = fork();
    CHECK(pid >= 0, "fork %d", c);
    if (pid == 0) {
      for (int round = 0; round < 2; round++) {
        cow_fill(heap, c * q, q, 41 + c);
        for (int k = 0; k < 4; k++)
          cow_check(k == c ? "a child's own quarter" : "a child's view of the others'", heap,
                    k * q, q, k == c ? 41 + c : 40);
      }
      check_vm_invariants();  // shared frames and shared slots, others busy or asleep
      exit(0);
    }
  }
  for (int c = 0; c < NC; c++)
    expect_child_status(0);
  check_pages("the parent's heap", heap, npages, 40);
  shrink_pages(npages);
  touch_own_pages();
  struct vmstat after = vm_now();
  print_delta("all", &before, &after);
  CHECK(after.swap_used == before.swap_used, "swap slots used: %lu before, %lu after",
        before.swap_used, after.swap_used);
  CHECK(after.frames_used == before.frames_used, "frames used: %lu before, %lu after",
        before.frames_used, after.frames_used);
  CHECK(after.frames_shared == before.frames_shared, "shared frames: %lu before, %lu after",
        before.frames_shared, after.frames_shared);
  check_vm_invariants();
  test_pass();
}
