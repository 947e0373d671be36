// mmap-over-stk: no mapping may take the stack or its room to grow: MAP_FIXED and
// MAP_FIXED_NOREPLACE there fail, munmap there fails, and the stack keeps working.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-over-stk");
  mm_make_file("mos", PAGE, 28);
  int fd = open("mos", O_RDONLY);
  volatile char local = 'x';
  uint64 sp = (uint64)&local & ~(PAGE - 1);
  uint64 below = sp - 16 * PAGE;  // where the stack may still grow
  CHECK(mmap((void *)sp, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0) == MAP_FAILED,
        "NOREPLACE over the stack accepted");
  CHECK(mmap((void *)sp, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED,
        "MAP_FIXED over the stack accepted");
  CHECK(mmap((void *)below, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED,
        "MAP_FIXED in the stack's room to grow accepted");
  CHECK(munmap((void *)sp, PAGE) == -1, "munmap of the stack accepted");
  CHECK(local == 'x', "the stack changed");
  check_vm_invariants();
  test_pass();
}
