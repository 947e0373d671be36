// crash-write: the first half of the crash test (see tests/suite.py). Two processes write
// files in /crash forever: each file is written under a temporary name, then linked to its
// final name and the temporary unlinked, and "crash-write: NAME done" is printed once the
// link has returned (so it is committed). The grader kills QEMU somewhere in the middle;
// crash-check then verifies what the disk holds.
#include "testlib.h"

// The contents of file number i of writer w: its size and a byte pattern from a seed.
static int file_size(int w, int i) {
  return 1 + (w * 7919 + i * 104729) % (96 * 1024);
}

static void fill(char *buf, int size, int w, int i) {
  uint64 state = 0x9E3779B97F4A7C15ull ^ ((uint64)w << 32) ^ (uint64)(i + 1);
  for (int j = 0; j < size; j++)
    buf[j] = (char)test_rand(&state);
}

static void writer(int w) {
  static char buf[96 * 1024];
  char tmp[32], name[32];
  for (int i = 0;; i++) {
    snprintf(tmp, sizeof(tmp), "/crash/t%c%d", 'a' + w, i);
    snprintf(name, sizeof(name), "/crash/f%c%d", 'a' + w, i);
    int size = file_size(w, i);
    fill(buf, size, w, i);
    int fd = open(tmp, O_CREATE | O_WRONLY);
    CHECK(fd >= 0, "cannot create %s", tmp);
    CHECK(write(fd, buf, size) == size, "short write to %s", tmp);
    close(fd);
    CHECK(link(tmp, name) == 0, "link %s %s failed", tmp, name);
    CHECK(unlink(tmp) == 0, "unlink %s failed", tmp);
    printf("crash-write: f%c%d done\n", 'a' + w, i);
  }
}

int main(void) {
  test_start("crash-write");
  CHECK(mkdir("/crash") == 0, "mkdir /crash failed");
  printf("crash-write: writing\n");
  if (fork() == 0)
    writer(1);
  writer(0);
  return 0;
}
