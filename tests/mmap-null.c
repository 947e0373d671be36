// mmap-null: MAP_FIXED at address 0 (or anywhere below the program at 0x10000) fails: NULL
// stays unmapped, so a NULL dereference still kills.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-null");
  mm_make_file("mn", PAGE, 25);
  int fd = open("mn", O_RDONLY);
  CHECK(mmap(0, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED,
        "MAP_FIXED at 0 accepted");
  CHECK(mmap((void *)0xf000, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED,
        "MAP_FIXED at 0xf000 accepted");
  CHECK(mmap(0, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) ==
        MAP_FAILED, "MAP_FIXED_NOREPLACE at 0 accepted");
  mm_expect_killed(fault_load, 0, "a NULL load");
  check_vm_invariants();
  test_pass();
}
