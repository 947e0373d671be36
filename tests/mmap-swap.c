// mmap-swap (boot with frames=64): a shared mapping four times larger than all user memory.
// Every page is written through the mapping (so most are evicted dirty, which must write them
// back to the file, never to swap), read back through the mapping, then the mapping goes and
// the file is checked with read(). `mmap-swap check`, on a second boot of the same disk,
// checks the file again: the bytes are on the disk, and the host fsck then checks the file
// system (the grader runs both, tests/suite.py).
#include "mmaplib.h"

#define FILE_NAME "mmap-swap.dat"

static void check_file(uint64 npages, uint64 seed) {
  static uchar buf[PAGE];
  int fd = open(FILE_NAME, O_RDONLY);
  CHECK(fd >= 0, "open %s", FILE_NAME);
  for (uint64 pg = 0; pg < npages; pg++) {
    CHECK(read(fd, buf, PAGE) == (int)PAGE, "read of page %lu", pg);
    mm_check("the file", buf, pg * PAGE, PAGE, seed);
  }
  close(fd);
}

int main(int argc, char **argv) {
  test_start("mmap-swap");
  if (argc > 1 && strcmp(argv[1], "check") == 0) {
    CHECK(mm_file_size(FILE_NAME) == 256 * PAGE, "size %lu", mm_file_size(FILE_NAME));
    check_file(256, 51);
    printf("mmap-swap: the file survived the reboot\n");
    test_pass();
  }
  struct vmstat st = mm_vmstat();
  uint64 npages = 4 * st.frames_total;
  CHECK(npages == 256, "frames_total %lu: boot with frames=64", st.frames_total);
  mm_make_file(FILE_NAME, npages * PAGE, 50);
  int fd = open(FILE_NAME, O_RDWR);
  uchar *p = mm_map(0, npages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  struct vmstat a = mm_vmstat();
  mm_check("first read", p, 0, npages * PAGE, 50);
  for (uint64 pg = 0; pg < npages; pg++)
    mm_fill(p + pg * PAGE, pg * PAGE, PAGE, 51);
  struct vmstat b = mm_vmstat();
  mm_check("read back", p, 0, npages * PAGE, 51);
  struct vmstat c = mm_vmstat();
  printf("mmap-swap: %lu pages over %lu frames: %lu write-backs, %lu evictions, %lu swap-outs, "
         "%lu file reads\n", npages, st.frames_total, c.writebacks - a.writebacks,
         c.evictions - a.evictions, c.swap_outs - a.swap_outs, c.faults_file - a.faults_file);
  CHECK(b.writebacks - a.writebacks >= npages - st.frames_total, "only %lu pages written back "
        "while writing %lu pages into %lu frames", b.writebacks - a.writebacks, npages,
        st.frames_total);
  CHECK(c.swap_outs == a.swap_outs || c.swap_outs - a.swap_outs < npages / 4,
        "%lu swap-outs: the mapping's pages went to swap", c.swap_outs - a.swap_outs);
  CHECK(munmap(p, npages * PAGE) == 0, "munmap");
  check_file(npages, 51);
  // This process is the only one (it is init), so the cache holds its program's pages and
  // nothing more: none of the file's.
  uint64 own = mm_own_cached_pages();
  struct vmstat d = mm_vmstat();
  CHECK(d.pcache_pages == own, "%lu pages still cached after the last munmap (%lu of them "
        "this program's)", d.pcache_pages, own);
  check_vm_invariants();
  test_pass();
}
