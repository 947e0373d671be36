// manyfiles: 1,000 small files in one directory are created, each read back with its own
// contents, and removed; the directory is empty again afterwards.
#include "testlib.h"

#define N 1000

static void name_of(char *buf, int i) {
  buf[0] = 'f';
  int len = 1;
  char digits[8];
  int nd = 0;
  do {
    digits[nd++] = '0' + i % 10;
    i /= 10;
  } while (i);
  while (nd)
    buf[len++] = digits[--nd];
  buf[len] = 0;
}

int main(void) {
  test_start("manyfiles");
  char name[16], buf[32];
  CHECK(mkdir("/many") == 0 && chdir("/many") == 0, "cannot make /many");
  for (int i = 0; i < N; i++) {
    name_of(name, i);
    int fd = open(name, O_CREATE | O_WRONLY);
    CHECK(fd >= 0, "cannot create file %d", i);
    CHECK(write(fd, name, strlen(name)) == (int)strlen(name), "write file %d", i);
    close(fd);
  }
  for (int i = 0; i < N; i++) {
    name_of(name, i);
    int fd = open(name, O_RDONLY);
    CHECK(fd >= 0, "cannot open file %d", i);
    int n = read(fd, buf, sizeof(buf));
    close(fd);
    CHECK(n == (int)strlen(name) && memcmp(buf, name, n) == 0, "file %d holds the wrong data", i);
  }
  for (int i = 0; i < N; i++) {
    name_of(name, i);
    CHECK(unlink(name) == 0, "cannot unlink file %d", i);
  }
  // Only "." and ".." remain.
  int fd = open(".", O_RDONLY), used = 0;
  struct { ushort inum; char name[14]; } de;
  while (read(fd, &de, sizeof(de)) == sizeof(de))
    used += de.inum != 0;
  close(fd);
  CHECK(used == 2, "%d directory entries still in use", used);
  CHECK(chdir("/") == 0 && unlink("/many") == 0, "cannot remove /many");
  test_pass();
}
