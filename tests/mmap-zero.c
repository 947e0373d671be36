// mmap-zero: a file of zero bytes can be mapped (as POSIX allows), but its pages lie wholly
// past the end of the file: touching one kills the process with a bus error, and the file
// stays empty. A page that write() later gives bytes can then be read.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-zero");
  int fd = open("mz", O_CREATE | O_TRUNC | O_RDWR);
  CHECK(fd >= 0, "create");
  uchar *p = mm_map(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  mm_expect_killed(fault_load, p, "a load from a zero-byte file's mapping");
  mm_expect_killed(fault_store, p + PAGE, "a store to a zero-byte file's mapping");
  CHECK(mm_file_size("mz") == 0, "the file grew to %lu bytes", mm_file_size("mz"));
  CHECK(write(fd, "abc", 3) == 3, "write");
  CHECK(p[0] == 'a' && p[2] == 'c' && p[3] == 0, "after write() the page reads %c%c%c 0x%x",
        p[0], p[1], p[2], p[3]);
  mm_expect_killed(fault_load, p + PAGE, "a load from the page still past the end");
  close(fd);
  check_vm_invariants();
  test_pass();
}
