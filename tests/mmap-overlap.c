// mmap-overlap: MAP_FIXED_NOREPLACE over an existing mapping fails and leaves it working;
// MAP_FIXED over it replaces it (its old pages read the new file).
#include "mmaplib.h"

int main(void) {
  test_start("mmap-overlap");
  mm_make_file("mo1", 2 * PAGE, 16);
  mm_make_file("mo2", 2 * PAGE, 17);
  int fd1 = open("mo1", O_RDONLY), fd2 = open("mo2", O_RDONLY);
  uchar *p = mm_map(0, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd1, 0);
  CHECK(mmap(p + PAGE, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd2, 0) == MAP_FAILED,
        "MAP_FIXED_NOREPLACE over a mapping succeeded");
  CHECK(mmap(p - PAGE, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd2, 0) == MAP_FAILED,
        "MAP_FIXED_NOREPLACE over the mapping's first page succeeded");
  mm_check("the first mapping after refused overlaps", p, 0, 2 * PAGE, 16);
  uchar *q = mm_map(p + PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd2, PAGE);
  CHECK(q == p + PAGE, "MAP_FIXED put the mapping at %p, not %p", q, p + PAGE);
  mm_check("first page, kept", p, 0, PAGE, 16);
  mm_check("second page, replaced", p + PAGE, PAGE, PAGE, 17);
  CHECK(munmap(p, 2 * PAGE) == 0, "munmap");
  check_vm_invariants();
  test_pass();
}
