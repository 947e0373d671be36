// mmap-twice: one file mapped twice (shared) at two addresses: both read it, and a write
// through one is seen through the other at once: one frame per file page.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-twice");
  mm_make_file("mt", PAGE, 18);
  int fd = open("mt", O_RDWR);
  uchar *a = mm_map(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  uchar *b = mm_map(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  CHECK(a != b, "both at %p", a);
  mm_check("first", a, 0, PAGE, 18);
  mm_check("second", b, 0, PAGE, 18);
  a[10] = 0x5a;
  CHECK(b[10] == 0x5a, "a write through one mapping is not seen through the other (0x%x)", b[10]);
  struct vmstat st = mm_vmstat();
  CHECK(st.frames_shared >= 1, "no frame is shared (frames_shared %lu)", st.frames_shared);
  CHECK(munmap(a, PAGE) == 0 && munmap(b, PAGE) == 0, "munmap");
  check_vm_invariants();
  test_pass();
}
