// concurrent-fs: six processes at once (on three harts) create, write, read back and delete
// files, each in its own directory and all together in one shared directory; every byte
// must be right and the shared directory empty at the end.
#include "testlib.h"

#define WORKERS 6
#define FILES 40

static void worker(int w) {
  char dir[16] = "/cw0", path[40], buf[600], got[600];
  dir[3] = '0' + w;
  CHECK(mkdir(dir) == 0, "worker %d: mkdir", w);
  for (int round = 0; round < 2; round++) {
    for (int i = 0; i < FILES; i++) {
      const char *base = i % 2 ? dir : "/shared";
      int len = 0;
      for (const char *s = base; *s; s++)
        path[len++] = *s;
      path[len++] = '/';
      path[len++] = 'a' + w;
      path[len++] = 'a' + i / 26;
      path[len++] = 'a' + i % 26;
      path[len] = 0;
      int n = 100 + (w * 37 + i * 11) % 500;
      for (int j = 0; j < n; j++)
        buf[j] = (char)(w * 13 + i * 7 + j);
      int fd = open(path, O_CREATE | O_TRUNC | O_RDWR);
      CHECK(fd >= 0, "worker %d: create %s", w, path);
      CHECK(write(fd, buf, n) == n, "worker %d: write %s", w, path);
      close(fd);
      fd = open(path, O_RDONLY);
      CHECK(fd >= 0 && read(fd, got, sizeof(got)) == n, "worker %d: read %s", w, path);
      close(fd);
      CHECK(memcmp(buf, got, n) == 0, "worker %d: %s has wrong contents", w, path);
      CHECK(unlink(path) == 0, "worker %d: unlink %s", w, path);
    }
  }
  CHECK(unlink(dir) == 0, "worker %d: unlink %s", w, dir);
  exit(0);
}

int main(void) {
  test_start("concurrent-fs");
  CHECK(mkdir("/shared") == 0, "mkdir /shared");
  for (int w = 0; w < WORKERS; w++) {
    int pid = fork();
    CHECK(pid >= 0, "fork");
    if (pid == 0)
      worker(w);
  }
  for (int w = 0; w < WORKERS; w++)
    expect_child_status(0);
  CHECK(unlink("/shared") == 0, "/shared is not empty");
  test_pass();
}
