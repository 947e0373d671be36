// mmap-read: a file mapped read-only reads back exactly what was written to it, page after
// page, and its pages come in only as they are touched.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-read");
  mm_make_file("mr", 5 * PAGE + 100, 11);
  int fd = open("mr", O_RDONLY);
  CHECK(fd >= 0, "open");
  uchar *p = mm_map(0, 6 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
  for (int pg = 0; pg < 6; pg++) {
    CHECK(mm_resident(p, 6) == pg, "%d pages resident after touching %d", mm_resident(p, 6), pg);
    uint64 n = pg < 5 ? PAGE : 100;
    mm_check("mapped file", p + pg * PAGE, pg * PAGE, n, 11);
  }
  CHECK(munmap(p, 6 * PAGE) == 0, "munmap");
  close(fd);
  check_vm_invariants();
  test_pass();
}
