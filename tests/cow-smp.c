// cow-smp (3 harts, frames=128): fork storms while other processes evict. Two evictors
// cycle through heaps larger than their share of memory; meanwhile a forker forks children
// in waves, each child checking the forker's heap and writing its own pages of it. No byte
// is lost or mixed: every process checks every page it reads against the pattern it must
// hold, whichever hart ran it and whenever its pages were shared, copied or swapped.
#include "cowlib.h"

#define WAVES 6
#define PER_WAVE 4
#define FORKER_PAGES 48
#define EVICTOR_PAGES 96

static void evictor(uint64 seed) {
  uint64 *h = grow_pages(EVICTOR_PAGES);
  for (int r = 0; r < 4; r++) {
    fill_pages(h, EVICTOR_PAGES, seed + r);
    check_pages("an evictor's heap", h, EVICTOR_PAGES, seed + r);
  }
  exit(0);
}

int main(void) {
  test_start("cow-smp");
  for (int e = 0; e < 2; e++) {
    int pid = fork();
    CHECK(pid >= 0, "fork");
    if (pid == 0)
      evictor(100 + 10 * e);
  }
  uint64 *h = grow_pages(FORKER_PAGES);
  fill_pages(h, FORKER_PAGES, 50);
  for (int w = 0; w < WAVES; w++) {
    for (int c = 0; c < PER_WAVE; c++) {
      int pid = fork();
      CHECK(pid >= 0, "fork");
      if (pid == 0) {
        uint64 mine = (w * PER_WAVE + c) % FORKER_PAGES;
        check_pages("a child's view of the forker's heap", h, FORKER_PAGES, 50);
        for (int k = 0; k < 8; k++)
          cow_fill(h, (mine + k) % FORKER_PAGES, 1, 60 + w * PER_WAVE + c);
        for (int k = 0; k < 8; k++)
          cow_check("a child's own pages", h, (mine + k) % FORKER_PAGES, 1, 60 + w * PER_WAVE + c);
        exit(0);
      }
    }
    for (int c = 0; c < PER_WAVE; c++)
      expect_child_status(0);
    check_pages("the forker's heap after a wave", h, FORKER_PAGES, 50);
  }
  expect_child_status(0);
  expect_child_status(0);
  struct vmstat st = vm_now();
  printf("cow-smp: %lu copy-on-write faults, %lu copies, %lu evictions in all\n", st.cow_faults,
         st.cow_copies, st.evictions);
  check_vm_invariants();
  test_pass();
}
