// mmap-exit: a child writes through a shared mapping and exits without munmap: exit writes
// the pages back, and the parent reads them from the file.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-exit");
  mm_make_file("me", 2 * PAGE, 19);
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {
    int fd = open("me", O_RDWR);
    uchar *p = mm_map(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    mm_fill(p, 0, 2 * PAGE, 20);
    exit(0);  // no munmap, no close
  }
  expect_child_status(0);
  static uchar buf[2 * PAGE];
  mm_read_file("me", 0, buf, 2 * PAGE);
  mm_check("file after the child's exit", buf, 0, 2 * PAGE, 20);
  check_vm_invariants();
  test_pass();
}
