// mmap-bad-off: offsets that are not page-aligned, and offsets so large that the mapping
// would end past the largest possible file (4 GiB), fail and map nothing.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-bad-off");
  mm_make_file("mbo", PAGE, 34);
  int fd = open("mbo", O_RDONLY);
  struct vmstat before = mm_vmstat();
  uint64 offs[] = {1, 7, PAGE - 1, PAGE + 1, 3 * PAGE + 100, (uint64)-PAGE, 1UL << 33};
  for (uint64 i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
    CHECK(mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, offs[i]) == MAP_FAILED, "offset 0x%lx "
          "accepted", offs[i]);
  CHECK(mmap(0, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd, (1UL << 32) - PAGE) == MAP_FAILED,
        "a mapping ending past 4 GiB of file accepted");
  CHECK(mm_vmstat().pages_mapped == before.pages_mapped, "refused mappings were registered");
  check_vm_invariants();
  test_pass();
}
