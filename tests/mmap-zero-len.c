// mmap-zero-len: a length of zero fails, for a file and for anonymous memory, fixed or not.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-zero-len");
  mm_make_file("mzl", PAGE, 35);
  int fd = open("mzl", O_RDONLY);
  CHECK(mmap(0, 0, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED, "file, length 0 accepted");
  CHECK(mmap(0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED,
        "anonymous, length 0 accepted");
  CHECK(mmap((void *)0x20000000, 0, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED,
        "MAP_FIXED, length 0 accepted");
  check_vm_invariants();
  test_pass();
}
