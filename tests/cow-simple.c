// cow-simple (frames=4096 swapslots=512): fork of a process that holds more than half of
// user memory succeeds and costs almost no frames, because the child shares the parent's
// pages (an eager copy could find neither the frames nor the swap for them). Each side's
// writes then copy only the pages it writes; the other side keeps its bytes; and when the
// child is gone the parent's pages are its own again (a write makes them writable without a
// copy: vmstat's cow_reused).
#include "cowlib.h"

int main(void) {
  test_start("cow-simple");
  struct vmstat st = vm_now();
  uint64 npages = st.frames_total * 6 / 10;
  CHECK(npages > st.swap_slots, "boot with frames=4096 swapslots=512 (%lu frames, %lu slots)",
        st.frames_total, st.swap_slots);
  uint64 *heap = grow_pages(npages);
  fill_pages(heap, npages, 1);
  struct vmstat before = vm_now();
  int pid = fork();
  CHECK(pid >= 0, "fork of a process with %lu of %lu frames failed", npages, st.frames_total);
  if (pid == 0) {
    struct vmstat after = vm_now();
    CHECK(after.frames_used - before.frames_used < 64, "fork took %lu frames for %lu pages",
          after.frames_used - before.frames_used, npages);
    CHECK(after.frames_shared >= npages, "only %lu frames shared", after.frames_shared);
    check_pages("the child's view", heap, npages, 1);
    cow_fill(heap, 0, 100, 2);  // 100 copies
    cow_check("the child's written pages", heap, 0, 100, 2);
    cow_check("the child's other pages", heap, 100, npages - 100, 1);
    check_vm_invariants();  // while the parent, asleep in wait, shares every other frame
    exit(0);
  }
  expect_child_status(0);
  check_pages("the parent's pages after the child wrote its own", heap, npages, 1);
  struct vmstat a = vm_now();
  cow_fill(heap, 0, 10, 3);
  struct vmstat b = vm_now();
  CHECK(b.cow_reused - a.cow_reused == 10, "10 writes after the child's exit: %lu made "
        "writable without a copy, %lu copied", b.cow_reused - a.cow_reused,
        b.cow_copies - a.cow_copies);
  CHECK(b.cow_copies == a.cow_copies, "pages copied with no sharer left");
  check_vm_invariants();
  test_pass();
}
