// mmap-over-data: MAP_FIXED_NOREPLACE over initialised data, over the bss (never touched),
// and over the heap fails; the data keeps its value.
#include "mmaplib.h"

static volatile int data = 42;                           // .data
static char bss[4 * PAGE] __attribute__((aligned(4096)));  // .bss, untouched

int main(void) {
  test_start("mmap-over-data");
  mm_make_file("mod", PAGE, 27);
  int fd = open("mod", O_RDONLY);
  uint64 d = (uint64)&data & ~(PAGE - 1), b = (uint64)bss + 2 * PAGE;
  CHECK(mmap((void *)d, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0) == MAP_FAILED,
        "a mapping over .data accepted");
  CHECK(mmap((void *)b, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0) == MAP_FAILED,
        "a mapping over the untouched bss accepted");
  char *heap = sbrk(PAGE);
  CHECK(heap != (char *)-1, "sbrk");
  uint64 h = ((uint64)heap + PAGE - 1) & ~(PAGE - 1);
  if (h < (uint64)sbrk(0))
    CHECK(mmap((void *)h, PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED,
          "MAP_FIXED over the heap accepted");
  CHECK(mmap((void *)((uint64)heap & ~(PAGE - 1)), PAGE, PROT_READ,
             MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0) == MAP_FAILED, "a mapping over the heap accepted");
  CHECK(data == 42 && bss[2 * PAGE] == 0, "data %d, bss %d", data, bss[2 * PAGE]);
  check_vm_invariants();
  test_pass();
}
