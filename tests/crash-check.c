// crash-check: the second half of the crash test, on the disk that crash-write was killed
// writing to. Every final name fWN must hold exactly the contents its writer produced; the
// files the grader saw completed (crash-check MIN: fa0.., fb0.. up to MIN-1 at least) must all
// be there; temporaries (tWN) may hold anything and are removed. Then the file system must
// still work.
#include "testlib.h"

static int file_size(int w, int i) {
  return 1 + (w * 7919 + i * 104729) % (96 * 1024);
}

static void fill(char *buf, int size, int w, int i) {
  uint64 state = 0x9E3779B97F4A7C15ull ^ ((uint64)w << 32) ^ (uint64)(i + 1);
  for (int j = 0; j < size; j++)
    buf[j] = (char)test_rand(&state);
}

static char want[96 * 1024], got[96 * 1024 + 1];

// Checks /crash/f<w><i> if it exists; returns whether it does.
static int check_final(int w, int i) {
  char name[32];
  snprintf(name, sizeof(name), "/crash/f%c%d", 'a' + w, i);
  int fd = open(name, O_RDONLY);
  if (fd < 0)
    return 0;
  int size = file_size(w, i);
  fill(want, size, w, i);
  int n = 0, r;
  while (n < (int)sizeof(got) && (r = read(fd, got + n, sizeof(got) - n)) > 0)
    n += r;
  close(fd);
  CHECK(n == size, "%s has %d bytes, expected %d", name, n, size);
  CHECK(memcmp(got, want, size) == 0, "%s has the wrong contents", name);
  return 1;
}

int main(int argc, char **argv) {
  test_start("crash-check");
  // How many files of writer a and of writer b the first boot reported done (committed).
  int min[2] = {argc > 1 ? atoi(argv[1]) : 0, argc > 2 ? atoi(argv[2]) : 0};
  struct stat st;
  CHECK(stat("/crash", &st) == 0 && st.type == T_DIR, "/crash is missing");
  int complete = 0, removed = 0;
  for (int w = 0; w < 2; w++) {
    int i = 0;
    while (check_final(w, i))
      i++;
    CHECK(i >= min[w], "only %d files of writer %c survived, %d were committed", i, 'a' + w,
          min[w]);
    for (int j = i + 1; j < i + 8; j++)
      CHECK(!check_final(w, j), "file %d of writer %c exists after a gap at %d", j, 'a' + w, i);
    complete += i;
    for (int j = 0; j < i + 8; j++) {
      char tmp[32];
      snprintf(tmp, sizeof(tmp), "/crash/t%c%d", 'a' + w, j);
      removed += unlink(tmp) == 0;
    }
  }
  int fd = open("/crash/after", O_CREATE | O_RDWR);
  CHECK(fd >= 0 && write(fd, "usable", 6) == 6, "cannot write a file after recovery");
  close(fd);
  printf("crash-check: %d complete files, %d temporaries removed\n", complete, removed);
  test_pass();
}
