// mmap-kernel: nothing may map kernel space or wrap around: MAP_FIXED at a kernel address,
// a range reaching past the top of user space, and lengths that wrap all fail; the kernel's
// own memory is never reachable.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-kernel");
  mm_make_file("mk", PAGE, 31);
  int fd = open("mk", O_RDONLY);
  int fixed = MAP_PRIVATE | MAP_FIXED;
  CHECK(mmap((void *)0xffffffc080200000UL, PAGE, PROT_READ, fixed, fd, 0) == MAP_FAILED,
        "MAP_FIXED over the kernel's text accepted");
  CHECK(mmap((void *)0x4000000000UL, PAGE, PROT_READ, fixed, fd, 0) == MAP_FAILED,
        "MAP_FIXED at the top of user space accepted");
  CHECK(mmap((void *)0x3ffffff000UL, 2 * PAGE, PROT_READ, fixed, fd, 0) == MAP_FAILED,
        "a range crossing the top of user space accepted");
  CHECK(mmap((void *)0x20000000, (uint64)-PAGE, PROT_READ, fixed, fd, 0) == MAP_FAILED,
        "a wrapping length accepted");
  CHECK(mmap(0, (uint64)-1, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED,
        "a length of 2^64-1 accepted");
  CHECK(mmap(0, 1UL << 40, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED,
        "a 1 TiB mapping accepted (user space is 256 GiB)");
  CHECK(munmap((void *)0xffffffc080200000UL, PAGE) == -1, "munmap of kernel space accepted");
  check_vm_invariants();
  test_pass();
}
