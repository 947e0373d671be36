// mmap-swap-file (boot with frames=64): Pintos's swap-file under mmap. A private mapping of
// a file twice the size of memory: half its pages are written (each becomes a private copy,
// which must go to swap when evicted, never to the file), half only read (clean: dropped and
// read again). Every page is checked twice, and the file must be unchanged at the end.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-swap-file");
  struct vmstat st = mm_vmstat();
  uint64 npages = 2 * st.frames_total;
  mm_make_file("msf", npages * PAGE, 70);
  int fd = open("msf", O_RDWR);
  uchar *p = mm_map(0, npages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  close(fd);
  struct vmstat a = mm_vmstat();
  for (uint64 pg = 0; pg < npages; pg += 2)
    mm_fill(p + pg * PAGE, pg * PAGE, PAGE, 71);
  for (int round = 0; round < 2; round++)
    for (uint64 pg = 0; pg < npages; pg++)
      mm_check(pg % 2 ? "a read-only page" : "a written page", p + pg * PAGE, pg * PAGE, PAGE,
               pg % 2 ? 70 : 71);
  struct vmstat b = mm_vmstat();
  printf("mmap-swap-file: %lu pages: %lu swap-outs, %lu swap-ins, %lu write-backs\n", npages,
         b.swap_outs - a.swap_outs, b.swap_ins - a.swap_ins, b.writebacks - a.writebacks);
  CHECK(b.swap_outs > a.swap_outs, "no private copy went to swap");
  CHECK(b.writebacks == a.writebacks, "a private mapping wrote %lu pages back to its file",
        b.writebacks - a.writebacks);
  CHECK(munmap(p, npages * PAGE) == 0, "munmap");
  static uchar buf[PAGE];
  fd = open("msf", O_RDONLY);
  for (uint64 pg = 0; pg < npages; pg++) {
    CHECK(read(fd, buf, PAGE) == (int)PAGE, "read");
    mm_check("the file after a private mapping", buf, pg * PAGE, PAGE, 70);
  }
  check_vm_invariants();
  test_pass();
}
