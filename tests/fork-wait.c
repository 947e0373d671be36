// fork-wait: fork/exit/wait semantics. A child's exit status reaches wait; wait without
// children returns -1; fork fails cleanly (-1) when the process table is full and every child
// is reaped afterwards; orphans are re-parented to init and reaped, so their slots come back.
#include "testlib.h"

#define NPROC 64

static void statuses(void) {
  for (int i = 0; i < 5; i++) {
    int pid = fork();
    CHECK(pid >= 0, "fork failed");
    if (pid == 0)
      exit(i * 7);
    int st = -99;
    CHECK(wait(&st) == pid, "wait did not return the child's pid");
    CHECK(st == i * 7, "exit status %d, expected %d", st, i * 7);
  }
  CHECK(wait(0) == -1, "wait with no children returned something");
}

// Forks until the table is full; returns how many children were made (all reaped).
static int fill_table(void) {
  int n = 0;
  for (;;) {
    int pid = fork();
    if (pid < 0)
      break;
    if (pid == 0) {
      sleep(5);
      exit(0);
    }
    n++;
    CHECK(n <= NPROC, "fork succeeded %d times with %d slots", n, NPROC);
  }
  for (int i = 0; i < n; i++)
    expect_child_status(0);
  CHECK(wait(0) == -1, "a child remained after reaping %d", n);
  return n;
}

// A child forks grandchildren and exits at once; init must reap them.
static void orphans(void) {
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if (pid == 0) {
    for (int i = 0; i < 10; i++)
      if (fork() == 0) {
        sleep(2);
        exit(0);
      }
    exit(0);
  }
  expect_child_status(0);
  sleep(20);  // the orphans exit and init reaps them
}

int main(void) {
  test_start("fork-wait");
  statuses();
  int first = fill_table();
  CHECK(first >= 40, "only %d children could be forked", first);
  orphans();
  int second = fill_table();
  CHECK(second == first, "%d children fit before the orphans, %d after", first, second);
  printf("fork-wait: %d children at once, orphans reaped\n", first);
  test_pass();
}
