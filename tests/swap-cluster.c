// swap-cluster: swap moves pages in fewer disk requests than pages (issues 17 and 18). A heap
// four times the user frames is written in one sequential sweep, then read back in another;
// every word must come back right. The sweeps' vmstat deltas must show the clustering:
//   - the fill's swap-outs took at most a quarter as many disk requests as pages (an eviction
//     writes its scan's dirty victims to consecutive slots in one request), and moved exactly
//     8 sectors a page moved (no request was made for nothing);
//   - the read-back read ahead (swap_readahead > 0), and its requests (reads, plus the writes
//     of the pages its claims evict) were fewer than half the pages it moved.
// Then the heap is swapped out again and a child forked (every slot shared by two pages):
// the child reads it all back and checks it, then the parent does: read-ahead over shared
// slots gives each process its own right copy. Freeing the heap gives back every slot.
#include "swaplib.h"

static void sweep_checks(const struct vmstat *a, const struct vmstat *b,
                         const struct vmstat *c, uint64 npages, uint64 frames) {
  uint64 outs = b->swap_outs - a->swap_outs, reqs = b->swap_requests - a->swap_requests;
  uint64 sectors = b->swap_sectors - a->swap_sectors, ins = c->swap_ins - b->swap_ins;
  CHECK(outs >= npages - frames, "the fill made %lu swap-outs, expected at least %lu", outs,
        npages - frames);
  CHECK(reqs * 4 <= outs, "the fill wrote %lu pages in %lu disk requests: not clustered (want "
        "at most a quarter as many requests as pages)", outs, reqs);
  uint64 fill_ins = b->swap_ins - a->swap_ins;  // this program's own pages, evicted meanwhile
  CHECK(sectors == (outs + fill_ins) * 8, "the fill's requests moved %lu sectors for %lu pages",
        sectors, outs + fill_ins);
  uint64 ra = c->swap_readahead - b->swap_readahead;
  uint64 rreqs = c->swap_requests - b->swap_requests;
  uint64 moved = ins + (c->swap_outs - b->swap_outs);
  CHECK(ins >= npages - frames, "the read-back made %lu swap-ins, expected at least %lu", ins,
        npages - frames);
  CHECK(ra > 0 && ra < ins, "the read-back read %lu pages ahead of %lu swapped in", ra, ins);
  CHECK(rreqs * 2 < moved, "the read-back moved %lu pages in %lu disk requests (want fewer "
        "than half as many requests)", moved, rreqs);
  CHECK(c->swap_sectors - b->swap_sectors == moved * 8, "the read-back's requests moved %lu "
        "sectors for %lu pages", c->swap_sectors - b->swap_sectors, moved);
  printf("swap-cluster: fill: %lu pages out in %lu requests; read-back: %lu pages in (%lu read "
         "ahead), %lu out, in %lu requests\n", outs, reqs, ins, ra, moved - ins, rreqs);
}

int main(void) {
  test_start("swap-cluster");
  struct vmstat st = vm_now();
  uint64 frames = st.frames_total, npages = 4 * frames;
  CHECK(st.swap_slots >= 2 * npages, "only %lu swap slots for %lu pages", st.swap_slots, npages);
  push_others_out(frames);
  touch_own_pages();
  struct vmstat a = vm_now();
  uint64 *p = grow_pages(npages);
  fill_pages(p, npages, 7);
  struct vmstat b = vm_now();
  check_pages("heap", p, npages, 7);
  struct vmstat c = vm_now();
  sweep_checks(&a, &b, &c, npages, frames);

  // Out again (the read-back left the pages dirty: their slots were freed), then shared.
  fill_pages(p, npages, 8);
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if (pid == 0) {
    check_pages("child's heap", p, npages, 8);
    exit(0);
  }
  int status = -1;
  CHECK(wait(&status) == pid && status == 0, "the child's check failed (status %d)", status);
  check_pages("parent's heap", p, npages, 8);
  struct vmstat d = vm_now();
  CHECK(d.swap_readahead > c.swap_readahead, "no page was read ahead after the fork");
  shrink_pages(npages);
  touch_own_pages();
  struct vmstat e = vm_now();
  CHECK(e.swap_used == a.swap_used, "swap slots used: %lu before, %lu after freeing the heap",
        a.swap_used, e.swap_used);
  check_vm_invariants();
  test_pass();
}
