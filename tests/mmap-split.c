// mmap-split: munmap of the middle page of a 3-page mapping leaves two working mappings
// (the first and third page read and write the file), the middle page kills, and each half
// can then be unmapped on its own; a range with holes and unmapped pages unmaps what it
// covers.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-split");
  mm_make_file("msp", 3 * PAGE, 38);
  int fd = open("msp", O_RDWR);
  uchar *p = mm_map(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  p[0] = 1;
  CHECK(munmap(p + PAGE, PAGE) == 0, "munmap of the middle page");
  mm_expect_killed(fault_load, p + PAGE, "a load from the middle page");
  mm_check("first page", p + 1, 1, PAGE - 1, 38);
  mm_check("third page", p + 2 * PAGE, 2 * PAGE, PAGE, 38);
  p[2 * PAGE] = 3;
  CHECK(p[0] == 1, "the first page lost its write");
  CHECK(munmap(p, PAGE) == 0, "munmap of the first half");
  mm_expect_killed(fault_load, p, "a load from the first page");
  CHECK(p[2 * PAGE] == 3, "the third page lost its write after the first went");
  CHECK(munmap(p, 3 * PAGE) == 0, "munmap of a range with holes");
  mm_expect_killed(fault_load, p + 2 * PAGE, "a load from the third page");
  uchar b[2 * PAGE + 1];
  mm_read_file("msp", 0, b, 2 * PAGE + 1);
  CHECK(b[0] == 1 && b[2 * PAGE] == 3, "the file holds 0x%x and 0x%x", b[0], b[2 * PAGE]);
  // Anonymous memory splits the same way.
  uchar *a = mm_map(0, 5 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  for (int i = 0; i < 5; i++)
    a[i * PAGE] = 'a' + i;
  CHECK(munmap(a + PAGE, 3 * PAGE) == 0, "munmap of 3 anonymous pages");
  CHECK(a[0] == 'a' && a[4 * PAGE] == 'e', "the kept pages hold %c %c", a[0], a[4 * PAGE]);
  mm_expect_killed(fault_store, a + 2 * PAGE, "a store to an unmapped anonymous page");
  check_vm_invariants();
  test_pass();
}
