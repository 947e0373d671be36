// mmap-misalign: a file offset that is not page-aligned fails, and so does MAP_FIXED at an
// address that is not; without MAP_FIXED an unaligned address is only a hint.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-misalign");
  mm_make_file("mma", 2 * PAGE, 24);
  int fd = open("mma", O_RDONLY);
  struct vmstat before = mm_vmstat();
  CHECK(mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED, "offset 100 accepted");
  CHECK(mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, PAGE / 2) == MAP_FAILED, "offset 2048 accepted");
  CHECK(mmap((void *)0x20000123, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED,
        "MAP_FIXED at an unaligned address accepted");
  CHECK(mm_vmstat().pages_mapped == before.pages_mapped, "a refused mmap changed pages_mapped");
  uchar *p = mm_map((void *)0x20000123, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
  mm_check("hinted mapping", p, 0, PAGE, 24);
  check_vm_invariants();
  test_pass();
}
