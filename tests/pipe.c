// pipe: 2 MiB through a pipe in odd-sized pieces arrives intact and in order; reading a pipe
// whose writers are all closed returns 0; writing to a pipe with no reader returns -1 instead
// of blocking; several writers' bytes are all delivered; a read into a buffer that runs into a
// bad address returns the bytes before it, and the rest stay in the pipe for the next read.
#include "testlib.h"

#define TOTAL (2 << 20)

static void big_transfer(void) {
  int fds[2];
  CHECK(pipe(fds) == 0, "pipe failed");
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if (pid == 0) {
    close(fds[0]);
    static char buf[3001];
    uint64 seed = 42;
    for (int sent = 0; sent < TOTAL;) {
      int n = 1 + test_rand(&seed) % sizeof(buf);
      if (n > TOTAL - sent)
        n = TOTAL - sent;
      for (int i = 0; i < n; i++)
        buf[i] = (char)((sent + i) * 7 + 3);
      CHECK(write(fds[1], buf, n) == n, "short pipe write");
      sent += n;
    }
    exit(0);
  }
  close(fds[1]);
  static char buf[4999];
  int got = 0, n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0) {
    for (int i = 0; i < n; i++)
      CHECK(buf[i] == (char)((got + i) * 7 + 3), "byte %d is wrong", got + i);
    got += n;
  }
  CHECK(n == 0, "read returned %d at the end", n);
  CHECK(got == TOTAL, "received %d bytes of %d", got, TOTAL);
  close(fds[0]);
  expect_child_status(0);
}

static void closed_ends(void) {
  int fds[2];
  char c = 'x';
  CHECK(pipe(fds) == 0, "pipe failed");
  close(fds[1]);
  CHECK(read(fds[0], &c, 1) == 0, "read from a pipe without writers did not return 0");
  close(fds[0]);
  CHECK(pipe(fds) == 0, "pipe failed");
  close(fds[0]);
  CHECK(write(fds[1], &c, 1) == -1, "write to a pipe without readers did not return -1");
  close(fds[1]);
  CHECK(read(fds[0], &c, 1) == -1, "read from a closed fd succeeded");
}

static void many_writers(void) {
  int fds[2];
  CHECK(pipe(fds) == 0, "pipe failed");
  for (int w = 0; w < 4; w++) {
    if (fork() == 0) {
      close(fds[0]);
      char buf[100];
      memset(buf, 'a' + w, sizeof(buf));
      for (int i = 0; i < 50; i++)
        CHECK(write(fds[1], buf, sizeof(buf)) == sizeof(buf), "writer %d: short write", w);
      exit(0);
    }
  }
  close(fds[1]);
  int counts[4] = {0}, n;
  char buf[512];
  while ((n = read(fds[0], buf, sizeof(buf))) > 0)
    for (int i = 0; i < n; i++) {
      CHECK(buf[i] >= 'a' && buf[i] <= 'd', "stray byte %d", buf[i]);
      counts[buf[i] - 'a']++;
    }
  for (int w = 0; w < 4; w++) {
    CHECK(counts[w] == 5000, "writer %d delivered %d bytes", w, counts[w]);
    expect_child_status(0);
  }
  close(fds[0]);
}

// The buffer's first 1000 bytes end the heap, the next page is no page at all.
static void read_into_bad_address(void) {
  int fds[2];
  CHECK(pipe(fds) == 0, "pipe failed");
  char out[3000];
  for (int i = 0; i < 3000; i++)
    out[i] = (char)(i * 13 + 5);
  CHECK(write(fds[1], out, 3000) == 3000, "pipe write");
  close(fds[1]);
  char *end = sbrk(0);
  if ((uint64)end % 4096)
    CHECK(sbrk(4096 - (uint64)end % 4096) != (char *)-1, "sbrk");
  char *buf = sbrk(0) - 1000;
  int n = read(fds[0], buf, 3000);
  CHECK(n > 0 && n <= 1000, "a read running into a bad address returned %d, expected 1..1000", n);
  for (int i = 0; i < n; i++)
    CHECK(buf[i] == out[i], "byte %d of the partial read", i);
  char rest[3000];
  int m = read(fds[0], rest, sizeof(rest));
  CHECK(m == 3000 - n, "the next read got %d bytes, expected the %d left in the pipe", m, 3000 - n);
  for (int i = 0; i < m; i++)
    CHECK(rest[i] == out[n + i], "byte %d after the partial read", n + i);
  close(fds[0]);
}

int main(void) {
  test_start("pipe");
  big_transfer();
  closed_ends();
  many_writers();
  read_into_bad_address();
  test_pass();
}
