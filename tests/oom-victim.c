// oom-victim (frames=512 swapslots=256): the out-of-memory killer kills the process that
// holds the most memory, not whichever faults next. A large process (exec'ed as /oom-large)
// grows its heap until swap is all but full and then holds it, faulting no more; a small one
// (/oom-small) then grows a little (300 pages, far less than the large one holds) while it
// keeps checking its own 64 pages, which by then are out in swap: its faults soon find every
// frame dirty and no slot to write one to. The large one must be killed (the kernel says so
// in one "oom:" line naming it and what it held) and the small one must finish with every
// byte right.
#include "swaplib.h"

#define SMALL_PAGES 64
#define GROWTH 300
#define ROUNDS 30

static void small(int ready, int go) {
  uint64 *p = grow_pages(SMALL_PAGES);
  fill_pages(p, SMALL_PAGES, 5);
  CHECK(write(ready, "r", 1) == 1, "pipe write");
  char c;
  CHECK(read(go, &c, 1) == 1, "pipe read");
  uint64 *more = grow_pages(GROWTH);
  for (int i = 0; i < GROWTH; i++) {
    fill_page(more + i * WPP, 6);
    if (i % (GROWTH / ROUNDS) == 0)
      check_pages("the small process's page", p, SMALL_PAGES, 5);
  }
  check_pages("the small process's growth", more, GROWTH, 6);
  printf("oom-victim: the small process finished its %d rounds\n", ROUNDS);
  exit(0);
}

static void large(int full) {
  struct vmstat st = vm_now();
  for (uint64 n = 0;; n++) {
    uint64 *p = grow_pages(1);
    p[0] = n;
    if (n % 8 == 0) {
      st = vm_now();
      if (st.swap_used + 8 >= st.swap_slots)
        break;
    }
  }
  CHECK(write(full, "f", 1) == 1, "pipe write");
  for (;;)
    sleep(100);  // holds its memory, faulting no more, until it is killed
}

int main(int argc, char **argv) {
  test_start("oom-victim");
  if (argc == 4 && strcmp(argv[1], "small") == 0)
    small(atoi(argv[2]), atoi(argv[3]));
  if (argc == 3 && strcmp(argv[1], "large") == 0)
    large(atoi(argv[2]));
  unlink("/oom-small");
  unlink("/oom-large");
  CHECK(link("/tests/oom-victim", "/oom-small") == 0 && link("/tests/oom-victim", "/oom-large") == 0,
        "link");  // so that the kernel's lines name the two processes apart
  int ready[2], go[2], full[2];
  CHECK(pipe(ready) == 0 && pipe(go) == 0 && pipe(full) == 0, "pipe");
  char a[12], b[12], c[12];
  snprintf(a, sizeof(a), "%d", ready[1]);
  snprintf(b, sizeof(b), "%d", go[0]);
  snprintf(c, sizeof(c), "%d", full[1]);
  int spid = fork();
  if (spid == 0) {
    char *argv2[] = {"oom-small", "small", a, b, 0};
    exec("/oom-small", argv2);
    exit(127);
  }
  char x;
  CHECK(read(ready[0], &x, 1) == 1, "the small process never got ready");
  int lpid = fork();
  if (lpid == 0) {
    char *argv2[] = {"oom-large", "large", c, 0};
    exec("/oom-large", argv2);
    exit(127);
  }
  CHECK(read(full[0], &x, 1) == 1, "the large process never filled swap");
  CHECK(write(go[1], "g", 1) == 1, "pipe write");
  int status, got;
  for (int i = 0; i < 2; i++) {
    got = wait(&status);
    if (got == spid)
      CHECK(status == 0, "the small process exited with %d: it was the one killed", status);
    else if (got == lpid)
      CHECK(status == -1, "the large process exited with %d, not killed", status);
    else
      CHECK(0, "wait returned %d", got);
  }
  unlink("/oom-small");
  unlink("/oom-large");
  expect_echo_runs("oom-victim: the system still runs programs");
  check_vm_invariants();
  test_pass();
}
