// swap-scan (frames=128): the default replacement policy (evict=2q) resists a scan. A hot set
// of half the free frames is written and then kept busy while fresh pages stream past (two
// hot writes for every page read once), which makes it the pages in use. Then a long scan
// reads four times the frames in fresh pages once each while the hot set is written only
// now and then (one hot page every fourth scan step, so a page waits longer than the hand
// takes to come round). Clock and FIFO lose the hot set to the scan; 2q keeps pages in use
// active and takes the pages touched once. Hot pages brought back from swap during the scan
// must be at most an eighth of the hot set, and every byte must be right. With an argument
// (the policy's name) it only reports, to show the other policies.
#include "swaplib.h"

static uint64 *hot_pages, nhot, next_hot;

static void write_hot(void) {
  uint64 *w = &hot_pages[(next_hot++ % nhot) * WPP + 1];
  *w = swap_pattern(80, (uint64)w);  // its own value again: a write that changes nothing
}

// Reads n fresh pages once each, writing a hot page every `every` of them (`times` each).
static uint64 stream(uint64 n, int every, int times) {
  uint64 *s = grow_pages(n), sum = 0;
  for (uint64 i = 0; i < n; i++) {
    sum += s[i * WPP];
    if (i % every == 0)
      for (int k = 0; k < times; k++)
        write_hot();
  }
  return sum;
}

int main(int argc, char **argv) {
  test_start("swap-scan");
  touch_own_pages();
  struct vmstat st = vm_now();
  nhot = (st.frames_total - st.frames_used) / 2;
  uint64 scan = 4 * st.frames_total;
  hot_pages = grow_pages(nhot);
  fill_pages(hot_pages, nhot, 80);
  uint64 sum = stream(2 * st.frames_total, 1, 2);
  struct vmstat a = vm_now();
  sum += stream(scan, 4, 1);
  struct vmstat b = vm_now();
  uint64 misses = b.swap_ins - a.swap_ins;
  printf("swap-scan: %s: %lu hot pages, a scan of %lu: %lu hot pages brought back from swap "
         "(%lu evictions)\n", argc > 1 ? argv[1] : "default policy", nhot, scan, misses,
         b.evictions - a.evictions);
  CHECK(sum == 0, "a fresh page was not zero");
  check_pages("a hot page", hot_pages, nhot, 80);
  if (argc == 1)
    CHECK(misses <= nhot / 8, "%lu of %lu hot pages were lost to the scan and brought back",
          misses, nhot);
  check_vm_invariants();
  test_pass();
}
