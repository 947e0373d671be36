// mmap-off: a mapping at a page-aligned file offset reads the file from there, and writes
// through it land at that offset.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-off");
  mm_make_file("moff", 8 * PAGE, 33);
  int fd = open("moff", O_RDWR);
  uchar *p = mm_map(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 5 * PAGE);
  mm_check("offset 5 pages", p, 5 * PAGE, 3 * PAGE, 33);
  p[PAGE] = 0x11;
  CHECK(munmap(p, 3 * PAGE) == 0, "munmap");
  uchar b[1];
  mm_read_file("moff", 6 * PAGE, b, 1);
  CHECK(b[0] == 0x11, "the write through an offset mapping is at the wrong place (0x%x)", b[0]);
  check_vm_invariants();
  test_pass();
}
