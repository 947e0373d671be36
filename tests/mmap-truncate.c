// mmap-truncate: a file truncated (O_TRUNC) under a shared mapping. Its cached pages are cut
// off the file and unmapped: touching any page now past the end kills with a bus error (one
// that was resident and dirty, one that was resident and clean, one never touched), nothing
// the mapping held is ever written into the file (or into blocks the file no longer owns),
// and the file written afresh reads its new bytes through a new mapping.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-truncate");
  mm_make_file("mtr", 4 * PAGE, 43);
  int fd = open("mtr", O_RDWR);
  uchar *p = mm_map(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  mm_check("before", p, 0, 2 * PAGE, 43);  // two pages cached, two not
  p[10] = 0xdd;                            // and one of them dirty
  int tfd = open("mtr", O_RDWR | O_TRUNC);
  CHECK(tfd >= 0, "open with O_TRUNC");
  CHECK(mm_file_size("mtr") == 0, "size after O_TRUNC %lu", mm_file_size("mtr"));
  mm_make_file("mtr-other", 8 * PAGE, 44);  // may take the freed blocks
  mm_expect_killed(fault_load, p, "a load from the dirty page cut off by the truncation");
  mm_expect_killed(fault_store, p + PAGE + 100, "a store to the clean page cut off");
  mm_expect_killed(fault_load, p + 3 * PAGE, "a load from a page never touched");
  CHECK(munmap(p, 4 * PAGE) == 0, "munmap");
  CHECK(mm_file_size("mtr") == 0, "size after munmap %lu", mm_file_size("mtr"));
  static uchar buf[8 * PAGE];
  mm_read_file("mtr-other", 0, buf, 8 * PAGE);
  mm_check("the other file", buf, 0, 8 * PAGE, 44);
  mm_make_file("mtr", 2 * PAGE, 45);
  p = mm_map(0, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
  mm_check("the file written afresh", p, 0, 2 * PAGE, 45);
  check_vm_invariants();
  test_pass();
}
