// mmap-close: a mapping outlives the descriptor it was made from: after close(), its pages
// still read the file and its writes still reach it.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-close");
  mm_make_file("mc", 2 * PAGE, 14);
  int fd = open("mc", O_RDWR);
  CHECK(fd >= 0, "open");
  uchar *p = mm_map(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  CHECK(close(fd) == 0, "close");
  mm_check("after close", p, 0, 2 * PAGE, 14);
  p[PAGE + 7] = 0x77;
  CHECK(munmap(p, 2 * PAGE) == 0, "munmap");
  uchar b[PAGE + 8];
  mm_read_file("mc", 0, b, PAGE + 8);
  CHECK(b[PAGE + 7] == 0x77, "the write after close did not reach the file (0x%x)", b[PAGE + 7]);
  check_vm_invariants();
  test_pass();
}
