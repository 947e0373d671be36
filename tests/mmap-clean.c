// mmap-clean: a shared mapping that is only read writes nothing back at munmap (vmstat's
// write-back count stays), and the file keeps its bytes.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-clean");
  mm_make_file("mcl", 4 * PAGE, 21);
  int fd = open("mcl", O_RDWR);
  uchar *p = mm_map(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  struct vmstat before = mm_vmstat();
  mm_check("read only", p, 0, 4 * PAGE, 21);
  CHECK(munmap(p, 4 * PAGE) == 0, "munmap");
  struct vmstat after = mm_vmstat();
  CHECK(after.writebacks == before.writebacks, "%lu pages written back for a mapping never "
        "written", after.writebacks - before.writebacks);
  fd = open("mcl", O_RDWR);
  p = mm_map(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  p[PAGE] = 1;  // one page written: one written back
  before = mm_vmstat();
  CHECK(munmap(p, 4 * PAGE) == 0, "munmap");
  after = mm_vmstat();
  CHECK(after.writebacks - before.writebacks == 1, "%lu pages written back, expected 1",
        after.writebacks - before.writebacks);
  check_vm_invariants();
  test_pass();
}
