// mmap-write: bytes written through a shared mapping are in the file after munmap, read back
// with read(), and the file's size does not change.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-write");
  mm_make_file("mw", 3 * PAGE, 12);
  int fd = open("mw", O_RDWR);
  CHECK(fd >= 0, "open");
  uchar *p = mm_map(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  mm_fill(p, 0, 3 * PAGE, 13);
  CHECK(munmap(p, 3 * PAGE) == 0, "munmap");
  close(fd);
  CHECK(mm_file_size("mw") == 3 * PAGE, "size %lu", mm_file_size("mw"));
  static uchar buf[3 * PAGE];
  mm_read_file("mw", 0, buf, 3 * PAGE);
  mm_check("file after munmap", buf, 0, 3 * PAGE, 13);
  check_vm_invariants();
  test_pass();
}
