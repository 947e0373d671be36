// kill: a looping child and a child blocked reading a pipe both die when killed, with exit
// status -1; killing a pid that does not exist, or init, returns -1.
#include "testlib.h"

int main(void) {
  test_start("kill");
  int spinner = fork();
  CHECK(spinner >= 0, "fork failed");
  if (spinner == 0)
    for (volatile int x = 0;; x++)
      ;
  int fds[2];
  CHECK(pipe(fds) == 0, "pipe failed");
  int reader = fork();
  CHECK(reader >= 0, "fork failed");
  if (reader == 0) {
    char c;
    close(fds[1]);
    read(fds[0], &c, 1);  // blocks: nobody writes
    exit(0);
  }
  close(fds[0]);
  sleep(3);
  CHECK(kill(spinner) == 0, "kill(spinner) failed");
  CHECK(kill(reader) == 0, "kill(reader) failed");
  for (int i = 0; i < 2; i++) {
    int st = 0, pid = wait(&st);
    CHECK(pid == spinner || pid == reader, "wait returned %d", pid);
    CHECK(st == -1, "killed pid %d exited with %d, expected -1", pid, st);
  }
  close(fds[1]);
  CHECK(kill(spinner) == -1, "killing a reaped pid succeeded");
  CHECK(kill(999999) == -1, "killing pid 999999 succeeded");
  CHECK(kill(1) == -1, "killing init succeeded");
  CHECK(kill(-5) == -1, "killing pid -5 succeeded");
  test_pass();
}
