// mmap-unmap: after munmap, the pages are gone: a load from them kills the process; munmap
// of a range holding nothing succeeds; munmap of a bad range fails.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-unmap");
  mm_make_file("mu", 2 * PAGE, 15);
  int fd = open("mu", O_RDONLY);
  uchar *p = mm_map(0, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  mm_check("mapped", p, 0, 2 * PAGE, 15);
  CHECK(munmap(p, 2 * PAGE) == 0, "munmap");
  mm_expect_killed(fault_load, p, "a load from an unmapped page");
  mm_expect_killed(fault_load, p + PAGE, "a load from the second unmapped page");
  CHECK(munmap(p, 2 * PAGE) == 0, "a second munmap of the same range (nothing mapped) failed");
  CHECK(munmap(p + 1, PAGE) == -1, "munmap of an unaligned address succeeded");
  CHECK(munmap(p, 0) == -1, "munmap of length 0 succeeded");
  check_vm_invariants();
  test_pass();
}
