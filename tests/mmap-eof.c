// mmap-eof: past the end of the file. The bytes after the end in the last page read as zero,
// writes there stay out of the file (its size and bytes do not change, after munmap or msync,
// shared or private), and a page wholly past the end kills the process with a bus error, for
// a load and for a store, rather than growing the file.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-eof");
  mm_make_file("meof", PAGE + 100, 42);
  int fd = open("meof", O_RDWR);
  uchar *p = mm_map(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  for (uint64 i = PAGE + 100; i < 2 * PAGE; i++)
    CHECK(p[i] == 0, "byte %lu past the end reads 0x%x", i, p[i]);
  memset(p + PAGE + 100, 0xab, PAGE - 100);
  CHECK(msync(p, 4 * PAGE, MS_SYNC) == 0, "msync");
  mm_expect_killed(fault_load, p + 2 * PAGE, "a load from a page wholly past the end");
  mm_expect_killed(fault_store, p + 3 * PAGE, "a store to a page wholly past the end");
  CHECK(munmap(p, 4 * PAGE) == 0, "munmap");
  CHECK(mm_file_size("meof") == PAGE + 100, "the file is %lu bytes", mm_file_size("meof"));
  p = mm_map(0, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
  mm_check("remapped", p, 0, PAGE + 100, 42);
  for (uint64 i = PAGE + 100; i < 2 * PAGE; i++)
    CHECK(p[i] == 0, "after munmap byte %lu past the end reads 0x%x", i, p[i]);
  uchar *q = mm_map(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  mm_expect_killed(fault_store, q + 2 * PAGE, "a store to a private page past the end");
  check_vm_invariants();
  test_pass();
}
