// swap-fork: fork under memory pressure. The parent fills 1.5 x frames pages, so at fork some
// of them are resident and some are in swap; CHILDREN children run at once, each first
// checking that it sees the parent's values in every page (the resident ones and the swapped
// ones were copied), then overwriting its copy and growing a heap of its own as large as the
// frames, and checksumming both over several rounds while its siblings evict its pages.
// After waiting for them the parent's pages must still hold the parent's values: a child's
// write or a slot shared by mistake would show.
#include "swaplib.h"

#define CHILDREN 4
#define ROUNDS 3
#define PARENT_SEED 1000

static void child(int id, uint64 *shared, uint64 nshared, uint64 nown) {
  char what[32];
  snprintf(what, sizeof(what), "child %d: inherited", id);
  check_pages(what, shared, nshared, PARENT_SEED);
  uint64 *own = grow_pages(nown);
  for (int r = 0; r < ROUNDS; r++) {
    uint64 seed = 100 * (id + 1) + r;
    fill_pages(shared, nshared, seed);
    fill_pages(own, nown, seed + 50);
    snprintf(what, sizeof(what), "child %d round %d: copy", id, r);
    check_pages(what, shared, nshared, seed);
    snprintf(what, sizeof(what), "child %d round %d: own", id, r);
    check_pages(what, own, nown, seed + 50);
  }
  exit(0);
}

int main(void) {
  test_start("swap-fork");
  struct vmstat st0 = vm_now();
  uint64 frames = st0.frames_total, nshared = frames + frames / 2, nown = frames;
  printf("swap-fork: parent %lu pages, %d children with %lu more each, %lu frames\n", nshared,
         CHILDREN, nown, frames);
  uint64 *shared = grow_pages(nshared);
  fill_pages(shared, nshared, PARENT_SEED);
  uchar vec[1024];
  CHECK(nshared <= sizeof(vec), "too many frames for this test");
  CHECK(mincore(shared, nshared * PAGE, vec) == 0, "mincore failed");
  int resident = 0;
  for (uint64 pg = 0; pg < nshared; pg++)
    resident += vec[pg] & 1;
  printf("swap-fork: at fork %d of the parent's %lu pages are resident\n", resident, nshared);
  CHECK(resident < (int)nshared, "all %lu pages resident with %lu frames", nshared, frames);

  struct vmstat st1 = vm_now();
  for (int id = 0; id < CHILDREN; id++) {
    int pid = fork();
    CHECK(pid >= 0, "fork");
    if (pid == 0)
      child(id, shared, nshared, nown);
  }
  for (int id = 0; id < CHILDREN; id++)
    expect_child_status(0);
  struct vmstat st2 = vm_now();
  check_pages("parent after the children", shared, nshared, PARENT_SEED);
  print_delta("children", &st1, &st2);
  // Each round of each child leaves at least (its pages - frames) of them written and not
  // resident: they went out, and its check read them back.
  uint64 must = CHILDREN * ROUNDS * (nshared + nown - frames);
  CHECK(st2.swap_outs - st1.swap_outs >= must, "%lu swap-outs, expected at least %lu",
        st2.swap_outs - st1.swap_outs, must);
  CHECK(st2.swap_ins - st1.swap_ins >= must, "%lu swap-ins, expected at least %lu",
        st2.swap_ins - st1.swap_ins, must);
  shrink_pages(nshared);
  check_vm_invariants();
  test_pass();
}
