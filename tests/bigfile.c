// bigfile: a file of 9 MiB (past the direct and singly indirect blocks, into the doubly
// indirect ones) is written in pieces, has the right size, reads back byte for byte in
// differently sized pieces, and its blocks are freed on unlink (a second one fits again).
#include "testlib.h"

#define SIZE (9 * 1024 * 1024 + 4099)

static char buf[12 * 1024];

static void fill(char *b, int off, int n) {
  for (int i = 0; i < n; i++)
    b[i] = (char)(((off + i) >> 12) * 31 + (off + i) * 7);
}

static void write_big(const char *path) {
  int fd = open(path, O_CREATE | O_TRUNC | O_WRONLY);
  CHECK(fd >= 0, "cannot create %s", path);
  for (int off = 0; off < SIZE;) {
    int n = SIZE - off < 8192 ? SIZE - off : 8192;
    fill(buf, off, n);
    CHECK(write(fd, buf, n) == n, "write at offset %d failed", off);
    off += n;
  }
  close(fd);
}

static void read_big(const char *path) {
  struct stat st;
  int fd = open(path, O_RDONLY);
  CHECK(fd >= 0 && fstat(fd, &st) == 0, "cannot open %s", path);
  CHECK(st.size == SIZE, "size %d, expected %d", (int)st.size, SIZE);
  static char want[12 * 1024];
  int off = 0, n;
  while ((n = read(fd, buf, 12 * 1024 - 3)) > 0) {
    fill(want, off, n);
    CHECK(memcmp(buf, want, n) == 0, "bytes at offset %d differ", off);
    off += n;
  }
  CHECK(n == 0 && off == SIZE, "read %d bytes of %d", off, SIZE);
  close(fd);
}

int main(void) {
  test_start("bigfile");
  write_big("/big");
  read_big("/big");
  CHECK(unlink("/big") == 0, "unlink");
  write_big("/big2");
  read_big("/big2");
  CHECK(unlink("/big2") == 0, "unlink");
  test_pass();
}
