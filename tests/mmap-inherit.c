// mmap-inherit: fork passes mappings on: the child reads a shared mapping of the parent's
// and writes to it (seen by the parent), and a private mapping's pages it writes stay its own.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-inherit");
  mm_make_file("mi", 2 * PAGE, 22);
  int fd = open("mi", O_RDWR);
  uchar *s = mm_map(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  uchar *p = mm_map(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, PAGE);
  close(fd);
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {  // nothing was touched before the fork: the child claims the pages itself
    mm_check("child's shared mapping", s, 0, PAGE, 22);
    mm_check("child's private mapping", p, PAGE, PAGE, 22);
    mm_fill(s, 0, PAGE, 23);
    p[0] = ~mm_byte(22, PAGE);
    exit(0);
  }
  expect_child_status(0);
  mm_check("shared page after the child wrote it", s, 0, PAGE, 23);
  mm_check("private page after the child wrote its own", p, PAGE, PAGE, 22);
  check_vm_invariants();
  test_pass();
}
