// mmap-share: two processes that map the same file shared use one frame per page: the
// second mapping's faults find the pages in the page cache (pcache_hits grows by the page
// count, pcache_pages and frames_used do not), vmstat counts the frames as shared, and a
// write through one process is seen by the other at once and by read() without msync.
#include "mmaplib.h"

#define NP 8

int main(void) {
  test_start("mmap-share");
  mm_make_file("mss", NP * PAGE, 37);
  int fd = open("mss", O_RDWR);
  uchar *p = mm_map(0, NP * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  mm_check("parent's first read", p, 0, NP * PAGE, 37);
  int to_child[2], to_parent[2];
  CHECK(pipe(to_child) == 0 && pipe(to_parent) == 0, "pipe");
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {
    int cfd = open("mss", O_RDWR);
    uchar *c = mm_map(0, NP * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
    struct vmstat a = mm_vmstat();
    mm_check("child's own mapping", c, 0, NP * PAGE, 37);
    struct vmstat b = mm_vmstat();
    CHECK(b.pcache_hits - a.pcache_hits == NP, "the child's %d faults found %lu pages cached", NP,
          b.pcache_hits - a.pcache_hits);
    CHECK(b.pcache_pages == a.pcache_pages, "the page cache grew from %lu to %lu pages",
          a.pcache_pages, b.pcache_pages);
    CHECK(b.frames_used == a.frames_used, "mapping cached pages took %lu new frames",
          b.frames_used - a.frames_used);
    CHECK(b.frames_shared >= NP, "only %lu frames are shared (the %d pages' frames are mapped "
          "three times)", b.frames_shared, NP);
    check_vm_invariants();  // each cached frame mapped three times, twice by this process
    c[3 * PAGE + 1] = 0xc1;
    CHECK(write(to_parent[1], "w", 1) == 1, "pipe write");
    char x;
    CHECK(read(to_child[0], &x, 1) == 1, "pipe read");
    CHECK(c[5 * PAGE] == 0xa5, "the parent's write is not seen by the child (0x%x)", c[5 * PAGE]);
    exit(0);
  }
  char x;
  CHECK(read(to_parent[0], &x, 1) == 1, "pipe read");
  CHECK(p[3 * PAGE + 1] == 0xc1, "the child's write is not seen by the parent (0x%x)",
        p[3 * PAGE + 1]);
  uchar b[1];
  mm_read_file("mss", 3 * PAGE + 1, b, 1);
  CHECK(b[0] == 0xc1, "read() does not see the mapping's write (0x%x)", b[0]);
  p[5 * PAGE] = 0xa5;
  CHECK(write(to_child[1], "w", 1) == 1, "pipe write");
  expect_child_status(0);
  // write() is seen by the mapping at once, too.
  CHECK(write(fd, "WRITE", 5) == 5, "write");
  CHECK(p[0] == 'W' && p[4] == 'E', "the mapping does not see write() (%c%c)", p[0], p[4]);
  check_vm_invariants();
  test_pass();
}
