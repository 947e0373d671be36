// pt-bad-read: read() into memory the process does not have fails with -1 and nothing worse:
// into an unmapped address, into NULL, into the heap above the break, into the gap just
// below the program. The process keeps running (no kill line), no fault counted as a kill,
// and a following read() into good memory returns the right bytes.
#include "testlib.h"

#define PATH "/pt-bad-read.data"

static char good[64];

int main(void) {
  test_start("pt-bad-read");
  int fd = open(PATH, O_CREATE | O_TRUNC | O_RDWR);
  CHECK(fd >= 0, "create");
  CHECK(write(fd, "abcdefghijklmnopqrstuvwxyz", 26) == 26, "write");
  close(fd);

  char *brk = sbrk(0);
  char *bad[] = {
    (char *)0x3000000000UL,          // unmapped: between heap and stack
    (char *)0,                       // NULL
    (char *)8,                       // near NULL
    (char *)0xf000,                  // the page just below the program
    (char *)(((uint64)brk + 4095) & ~4095UL),  // the first page wholly above the break
    brk + (64 << 20),                // far above the break
  };
  struct vmstat st0, st1;
  CHECK(vmstat(&st0) == 0, "vmstat failed");
  for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    fd = open(PATH, O_RDONLY);
    CHECK(fd >= 0, "open");
    int r = read(fd, bad[i], 10);
    CHECK(r == -1, "read into %p returned %d", bad[i], r);
    r = read(fd, bad[i], 1);
    CHECK(r == -1, "read of 1 byte into %p returned %d", bad[i], r);
    close(fd);
  }
  CHECK(vmstat(&st1) == 0, "vmstat failed");
  CHECK(st1.faults_bad == st0.faults_bad, "faults_bad grew by %d without a kill",
        (int)(st1.faults_bad - st0.faults_bad));
  CHECK(sbrk(0) == brk, "the break moved");

  // The process still works: a good read gets the file's bytes.
  fd = open(PATH, O_RDONLY);
  CHECK(fd >= 0, "open");
  CHECK(read(fd, good, 26) == 26, "read into good memory failed");
  CHECK(memcmp(good, "abcdefghijklmnopqrstuvwxyz", 26) == 0, "read the wrong bytes: %s", good);
  close(fd);
  unlink(PATH);
  test_pass();
}
