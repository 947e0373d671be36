// oom-kill: with the default overcommit policy a huge sbrk succeeds (it only registers
// pages); a child that then touches more pages than there are frames is killed with one
// "out of memory" line once frames and swap are both full, and everything else keeps
// running: the parent's memory is intact (some of it went to swap meanwhile), every frame
// and slot the children held comes back, and a second greedy child fares the same.
#include "testlib.h"

#define HEAP (1L << 30)  // 1 GiB, far more than the machine has

// Forks a child that touches HEAP page by page; returns how it ended (wait status).
static int greedy_child(void) {
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {
    char *p = sbrk(HEAP);
    if (p == (char *)-1)
      exit(2);
    for (long off = 0; off < HEAP; off += 4096)
      p[off] = 1;
    exit(0);  // not reached on a 128 MiB machine
  }
  int status = 0;
  CHECK(wait(&status) == pid, "wait");
  return status;
}

int main(void) {
  test_start("oom-kill");
  static char mine[64 * 1024];
  for (unsigned i = 0; i < sizeof(mine); i++)
    mine[i] = (char)(i * 7);
  struct vmstat before, after;
  CHECK(vmstat(&before) == 0, "vmstat");
  CHECK(greedy_child() == -1, "the first greedy child was not killed");
  CHECK(greedy_child() == -1, "the second greedy child was not killed");
  CHECK(vmstat(&after) == 0, "vmstat");
  // The parent's pages may have moved to swap or been dropped (clean ones), never grown.
  CHECK(after.frames_used + after.swap_used <= before.frames_used + before.swap_used,
        "frames + swap slots used: %lu + %lu before, %lu + %lu after", before.frames_used,
        before.swap_used, after.frames_used, after.swap_used);
  CHECK(after.swap_outs > before.swap_outs, "the children filled no swap before dying");
  for (unsigned i = 0; i < sizeof(mine); i++)
    CHECK(mine[i] == (char)(i * 7), "the parent's memory changed at %u", i);
  expect_echo_runs("oom-kill: the system still runs programs");
  test_pass();
}
