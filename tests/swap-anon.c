// swap-anon: anonymous memory four times larger than the user frames works, through swap. The
// heap is filled with a pattern that depends on each word's address and a seed, then read
// back: every word must be right. Pages that cannot be resident must have gone out and come
// back: swap_outs and swap_ins each grow by at least (pages - frames). Freeing the heap
// (sbrk negative) frees its slots and frames: swap_used and frames_used return exactly to
// their values before. Two rounds with different seeds; the first also pushes init's pages
// out to swap, where they stay, so that the second round's before and after are comparable.
#include "swaplib.h"

// One round over npages of fresh heap; exact: compare swap_used/frames_used before and after.
static void round(uint64 npages, uint64 frames, uint64 seed, int exact) {
  touch_own_pages();
  struct vmstat st0 = vm_now();
  uint64 *p = grow_pages(npages);
  fill_pages(p, npages, seed);
  struct vmstat st1 = vm_now();
  check_pages("heap", p, npages, seed);
  struct vmstat st2 = vm_now();
  shrink_pages(npages);
  touch_own_pages();
  struct vmstat st3 = vm_now();
  print_delta("fill", &st0, &st1);
  print_delta("check", &st1, &st2);
  print_delta("free", &st2, &st3);

  uint64 must = npages - frames;  // at most `frames` of the heap pages can be resident
  CHECK(st1.swap_outs - st0.swap_outs >= must, "filling %lu pages made %lu swap-outs, expected "
        "at least %lu", npages, st1.swap_outs - st0.swap_outs, must);
  CHECK(st1.swap_used >= st0.swap_used + must, "after the fill %lu slots are used (%lu "
        "before), expected at least %lu more", st1.swap_used, st0.swap_used, must);
  CHECK(st2.swap_ins - st1.swap_ins >= must, "reading %lu pages back made %lu swap-ins, "
        "expected at least %lu", npages, st2.swap_ins - st1.swap_ins, must);
  CHECK(st2.evictions - st0.evictions >= st2.swap_outs - st0.swap_outs,
        "%lu evictions but %lu swap-outs", st2.evictions - st0.evictions,
        st2.swap_outs - st0.swap_outs);
  if (exact) {
    CHECK(st3.swap_used == st0.swap_used, "swap slots used: %lu before, %lu after freeing the "
          "heap", st0.swap_used, st3.swap_used);
    CHECK(st3.frames_used == st0.frames_used, "frames used: %lu before, %lu after freeing the "
          "heap", st0.frames_used, st3.frames_used);
  }
}

int main(void) {
  test_start("swap-anon");
  struct vmstat st = vm_now();
  uint64 frames = st.frames_total, npages = 4 * frames;
  CHECK(st.swap_slots >= npages, "only %lu swap slots for %lu pages", st.swap_slots, npages);
  printf("swap-anon: %lu pages of heap over %lu frames, %lu swap slots\n", npages, frames,
         st.swap_slots);
  round(npages, frames, 1, 0);
  round(npages, frames, 2, 1);
  check_vm_invariants();
  test_pass();
}
