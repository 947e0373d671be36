// sbrk-oom: a process that grows its heap until sbrk fails gets -1 (not a crash, not a
// hang), can still use what it got, and when it exits all of that memory comes back: a second
// process can take as much again. Meanwhile the rest of the system keeps working.
#include "testlib.h"

#define STEP (1024 * 1024)

// In a child: sbrk STEP at a time until it fails, touching every page; reports MiB via pipe.
static int grab_all(void) {
  int fds[2];
  CHECK(pipe(fds) == 0, "pipe");
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {
    close(fds[0]);
    int mib = 0;
    for (;;) {
      char *p = sbrk(STEP);
      if (p == (char *)-1)
        break;
      for (int off = 0; off < STEP; off += 4096)
        p[off] = (char)(mib + off);
      mib++;
    }
    char *base = sbrk(0) - (uint64)mib * STEP;
    for (int m = 0; m < mib; m++)
      CHECK(base[(uint64)m * STEP + 4096] == (char)(m + 4096), "heap lost its contents");
    write(fds[1], &mib, sizeof(mib));
    exit(0);
  }
  close(fds[1]);
  int mib = -1;
  CHECK(read(fds[0], &mib, sizeof(mib)) == sizeof(mib), "child reported nothing");
  close(fds[0]);
  expect_child_status(0);
  return mib;
}

int main(void) {
  test_start("sbrk-oom");
  CHECK(sbrk(0x7fffffff) == (char *)-1, "sbrk of 2 GiB on a small machine succeeded");
  CHECK(sbrk(-0x7fffffff) == (char *)-1, "sbrk below the program succeeded");
  int first = grab_all();
  int second = grab_all();
  printf("sbrk-oom: the heap grew to %d MiB, then %d MiB\n", first, second);
  CHECK(first >= 64, "only %d MiB could be allocated", first);
  CHECK(second >= first - 1, "memory was not returned: %d MiB, then %d MiB", first, second);
  expect_echo_runs("sbrk-oom: the system still runs programs");
  test_pass();
}
