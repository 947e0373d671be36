// swap-smp: several processes on several harts faulting and evicting each other's pages.
// NPROCS children each take a working set so that together they need 3 x frames, fill it,
// and wait at a barrier (there, at least total - frames of their pages must be in swap); then
// each runs ROUNDS sweeps (alternately forwards, backwards and by a stride) that check every
// page holds the previous round's pattern and write the next one, while the others' faults
// take its frames, sometimes in the middle of its own. Every page must always be right.
#include "swaplib.h"

#define NPROCS 5
#define ROUNDS 12

static uint64 seed_of(int id, int round) { return 1000 * (id + 1) + round; }

// The page step s of a round visits: forwards, backwards, or by a stride of 7 (coprime to
// npages when npages is not a multiple of 7, which the caller makes sure of).
static uint64 visit(int round, uint64 s, uint64 npages) {
  if (round % 3 == 0)
    return s;
  if (round % 3 == 1)
    return npages - 1 - s;
  return s * 7 % npages;
}

static void child(int id, uint64 npages, int ready_fd, int go_fd) {
  uint64 *p = grow_pages(npages);
  fill_pages(p, npages, seed_of(id, 0));
  char c = 'r';
  CHECK(write(ready_fd, &c, 1) == 1, "child %d: pipe write", id);
  CHECK(read(go_fd, &c, 1) == 1, "child %d: pipe read", id);
  char what[32];
  for (int r = 1; r <= ROUNDS; r++) {
    snprintf(what, sizeof(what), "child %d round %d", id, r);
    for (uint64 s = 0; s < npages; s++) {
      uint64 pg = visit(r, s, npages);
      check_page(what, p + pg * WPP, pg, seed_of(id, r - 1));
      fill_page(p + pg * WPP, seed_of(id, r));
    }
  }
  snprintf(what, sizeof(what), "child %d at the end", id);
  check_pages(what, p, npages, seed_of(id, ROUNDS));
  exit(0);
}

int main(void) {
  test_start("swap-smp");
  struct vmstat st0 = vm_now();
  uint64 frames = st0.frames_total, npages = 3 * frames / NPROCS;
  if (npages % 7 == 0)
    npages++;
  uint64 total = NPROCS * npages;
  printf("swap-smp: %d processes of %lu pages each over %lu frames\n", NPROCS, npages, frames);
  int ready[2], go[2];
  CHECK(pipe(ready) == 0 && pipe(go) == 0, "pipe");
  for (int id = 0; id < NPROCS; id++) {
    int pid = fork();
    CHECK(pid >= 0, "fork");
    if (pid == 0)
      child(id, npages, ready[1], go[0]);
  }
  char c[NPROCS];
  for (int id = 0; id < NPROCS; id++)
    CHECK(read(ready[0], &c[id], 1) == 1, "a child died before filling its pages");
  struct vmstat st1 = vm_now();
  CHECK(st1.swap_used >= st0.swap_used + total - frames, "%lu pages written, %lu frames, but "
        "swap_used only went from %lu to %lu", total, frames, st0.swap_used, st1.swap_used);
  CHECK(write(go[1], c, NPROCS) == NPROCS, "pipe write");
  for (int id = 0; id < NPROCS; id++)
    expect_child_status(0);
  struct vmstat st2 = vm_now();
  print_delta("filled", &st0, &st1);
  print_delta("rounds", &st1, &st2);
  CHECK(st2.swap_ins - st1.swap_ins >= total - frames, "%lu swap-ins after the barrier, "
        "expected at least %lu", st2.swap_ins - st1.swap_ins, total - frames);
  check_vm_invariants();
  test_pass();
}
