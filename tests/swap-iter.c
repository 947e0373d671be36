// swap-iter: data that changes while it is swapped. A working set twice the user frames is
// swept PASSES times, alternately forwards and backwards: pass k checks that each page holds
// what pass k-1 wrote (pattern k-1) and writes pattern k, so a page read back from swap must
// be the latest version, never an older copy left in a slot. At the end of every pass at
// least (pages - frames) pages are not resident, so each pass's new version of them went out
// and each next pass read them back: swap_outs and swap_ins grow by PASSES times that.
#include "swaplib.h"

#define PASSES 6

// The page index a step of a pass visits: forwards on even passes, backwards on odd ones.
static uint64 visit(int pass, uint64 step, uint64 npages) {
  return pass % 2 == 0 ? step : npages - 1 - step;
}

int main(void) {
  test_start("swap-iter");
  struct vmstat st0 = vm_now();
  uint64 frames = st0.frames_total, npages = 2 * frames;
  printf("swap-iter: %lu pages over %lu frames, %d passes\n", npages, frames, PASSES);
  uint64 *p = grow_pages(npages);
  for (uint64 s = 0; s < npages; s++)
    fill_page(p + visit(0, s, npages) * WPP, 0);
  for (int pass = 1; pass < PASSES; pass++) {
    char what[32];
    snprintf(what, sizeof(what), "pass %d", pass);
    for (uint64 s = 0; s < npages; s++) {
      uint64 pg = visit(pass, s, npages);
      check_page(what, p + pg * WPP, pg, pass - 1);
      fill_page(p + pg * WPP, pass);
    }
  }
  check_pages("final check", p, npages, PASSES - 1);
  struct vmstat st1 = vm_now();
  print_delta("all passes", &st0, &st1);

  uint64 must = PASSES * (npages - frames);
  CHECK(st1.swap_outs - st0.swap_outs >= must, "%lu swap-outs, expected at least %lu",
        st1.swap_outs - st0.swap_outs, must);
  CHECK(st1.swap_ins - st0.swap_ins >= must, "%lu swap-ins, expected at least %lu",
        st1.swap_ins - st0.swap_ins, must);
  shrink_pages(npages);
  check_vm_invariants();
  test_pass();
}
