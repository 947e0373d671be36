// mmap-over-code: MAP_FIXED_NOREPLACE over the program's text fails, and the text still runs.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-over-code");
  mm_make_file("moc", PAGE, 26);
  int fd = open("moc", O_RDONLY);
  uint64 text = (uint64)main & ~(PAGE - 1);
  CHECK(mmap((void *)text, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0) ==
        MAP_FAILED, "a mapping over the text at %p accepted", (void *)text);
  CHECK(mmap((void *)0x10000, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0) ==
        MAP_FAILED, "a mapping over the first text page accepted");
  check_vm_invariants();
  test_pass();  // runs the text: still there
}
