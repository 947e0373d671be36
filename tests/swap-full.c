// swap-full: what happens when frames and swap are both used up (run with small frames= and
// swapslots=). A holder process fills 1.5 x frames pages (some of them go to swap) and waits.
// Then a greedy process asks for more than frames + swap slots:
//  - by default (overcommit allowed) sbrk succeeds and the greedy process touches page after
//    page until it is killed with the "out of memory" line, not before it has filled the
//    memory the others left free;
//  - with the argument "strict" (run with overcommit=never) the commit limit is swap slots plus
//    the frames less a reserve for clean pages, sbrk fails with -1 exactly there, and the
//    process carries on: it fills and checks every page it did get, and exits normally.
// Either way the holder's data stays right, and once both are gone swap_used and frames_used
// are exactly what they were before.
#include "swaplib.h"

#define HOLDER_SEED 31
#define GREEDY_SEED 32
#define STEP 8  // pages per sbrk in strict mode

static int strict;

// Fills npages, tells the parent, waits for its word, checks the pages, exits.
static void holder(uint64 npages, int ready_fd, int go_fd) {
  uint64 *p = grow_pages(npages);
  fill_pages(p, npages, HOLDER_SEED);
  char c = 'r';
  CHECK(write(ready_fd, &c, 1) == 1, "holder: pipe write");
  CHECK(read(go_fd, &c, 1) == 1, "holder: pipe read");
  check_pages("holder", p, npages, HOLDER_SEED);
  exit(0);
}

// Default policy: touches npages pages, reporting its progress down fd every 16 pages; the
// kernel must kill it before the end.
static void greedy_default(uint64 npages, int fd) {
  char *p = sbrk((int)(npages * PAGE));
  CHECK(p != (char *)-1, "greedy: sbrk of %lu pages failed without overcommit=never", npages);
  for (uint32 pg = 0; pg < npages; pg++) {
    p[pg * PAGE] = 1;
    if (pg % 16 == 15)
      write(fd, &pg, sizeof(pg));
  }
  printf("swap-full: FAIL: the greedy process touched %lu pages and was not killed\n", npages);
  exit(2);
}

// Strict policy: sbrk until it fails, which must be at the commit limit; then uses it all.
static void greedy_strict(void) {
  struct vmstat st = vm_now();
  uint64 *p = grow_pages(0), got = 0;
  while (sbrk(STEP * PAGE) != (char *)-1)
    got += STEP;
  st = vm_now();
  CHECK(st.committed <= st.commit_limit && st.committed + STEP > st.commit_limit,
        "greedy: sbrk failed with %lu of %lu pages committed", st.committed, st.commit_limit);
  uint64 rest = st.commit_limit - st.committed;
  if (rest > 0)
    CHECK(sbrk((int)(rest * PAGE)) != (char *)-1, "greedy: the last %lu pages were refused",
          rest);
  got += rest;
  CHECK(sbrk(PAGE) == (char *)-1, "greedy: sbrk beyond the commit limit succeeded");
  printf("%s: greedy: sbrk gave %lu pages, then -1; filling them\n", test_name, got);
  fill_pages(p, got, GREEDY_SEED);
  check_pages("greedy", p, got, GREEDY_SEED);
  exit(0);
}

int main(int argc, char **argv) {
  strict = argc > 1 && strcmp(argv[1], "strict") == 0;
  test_start(strict ? "swap-full-strict" : "swap-full");
  struct vmstat st = vm_now();
  uint64 frames = st.frames_total, slots = st.swap_slots, nhold = frames + frames / 2;
  CHECK(slots > 0 && slots <= 2048, "%lu swap slots: run with swapslots= (at most 2048)", slots);
  // The kernel keeps some frames (at most half) back for code and constants, which are
  // never promised: with every promised page dirty, programs still need frames to run in.
  if (strict)
    CHECK(st.commit_limit < frames + slots && st.commit_limit >= frames / 2 + slots,
          "commit limit %lu, expected between frames/2 + slots and frames + slots (%lu, %lu)",
          st.commit_limit, frames, slots);
  push_others_out(2 * frames);
  touch_own_pages();
  struct vmstat st0 = vm_now();

  int ready[2], go[2], progress[2];
  CHECK(pipe(ready) == 0 && pipe(go) == 0, "pipe");
  int hpid = fork();
  CHECK(hpid >= 0, "fork");
  if (hpid == 0)
    holder(nhold, ready[1], go[0]);
  char c;
  CHECK(read(ready[0], &c, 1) == 1, "the holder died before filling its pages");
  CHECK(pipe(progress) == 0, "pipe");  // after the holder's fork: only the greedy one writes

  int gpid = fork();
  CHECK(gpid >= 0, "fork");
  if (gpid == 0) {
    if (strict)
      greedy_strict();
    greedy_default(frames + slots + 64, progress[1]);
  }
  close(progress[1]);
  int status = 12345;
  CHECK(wait(&status) == gpid, "wait returned another child");
  if (strict) {
    CHECK(status == 0, "the greedy process exited with %d, expected 0", status);
  } else {
    CHECK(status == -1, "the greedy process exited with %d, expected -1 (killed)", status);
    uint32 pg = 0, touched = 0;
    while (read(progress[0], &pg, sizeof(pg)) == sizeof(pg))
      touched = pg + 1;
    printf("swap-full: the greedy process touched about %u pages before its end\n", touched);
    // The holder has nhold pages; init, this process and the others' stacks a few dozen.
    CHECK(touched + nhold + 64 >= frames + slots,
          "the end came after %u pages: frames %lu + swap %lu were not used up", touched, frames,
          slots);
  }
  CHECK(write(go[1], &c, 1) == 1, "pipe write");
  expect_child_status(0);
  touch_own_pages();
  struct vmstat st1 = vm_now();
  print_delta("holder and greedy", &st0, &st1);
  CHECK(st1.swap_used == st0.swap_used, "swap slots used: %lu before, %lu after",
        st0.swap_used, st1.swap_used);
  CHECK(st1.frames_used == st0.frames_used, "frames used: %lu before, %lu after",
        st0.frames_used, st1.frames_used);
  expect_echo_runs("swap-full: the system still runs programs");
  check_vm_invariants();
  test_pass();
}
