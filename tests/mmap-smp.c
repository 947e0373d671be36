// mmap-smp (3 harts, frames=64): four processes share one mapping of a 64-page file, each
// writing its own quarter over and over (a new pattern each round) while its heap pushes
// pages out; every round each checks its quarter, and at the end the parent checks the whole
// file with read(): no byte lost or mixed between the writers, whichever hart they ran on
// and whenever their pages were evicted and written back.
#include "mmaplib.h"

#define NW 4
#define NPAGES 64
#define ROUNDS 6
#define HEAP_PAGES 24

static uint64 seed_of(int w, int round) { return 1000 + w * 100 + round; }

static void writer(uchar *map, int w) {
  uchar *part = map + w * (NPAGES / NW) * PAGE;
  uint64 off = w * (NPAGES / NW) * PAGE, n = (NPAGES / NW) * PAGE;
  uchar *heap = (uchar *)sbrk(HEAP_PAGES * PAGE);
  CHECK(heap != (uchar *)-1, "sbrk");
  for (int r = 0; r < ROUNDS; r++) {
    mm_fill(part, off, n, seed_of(w, r));
    for (int i = 0; i < HEAP_PAGES; i++)
      heap[i * PAGE] = r + i;
    mm_check("a writer's own quarter", part, off, n, seed_of(w, r));
    for (int i = 0; i < HEAP_PAGES; i++)
      CHECK(heap[i * PAGE] == (uchar)(r + i), "heap page %d lost its byte", i);
  }
  exit(0);
}

int main(void) {
  test_start("mmap-smp");
  mm_make_file("msmp", NPAGES * PAGE, 60);
  int fd = open("msmp", O_RDWR);
  uchar *map = mm_map(0, NPAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  for (int w = 0; w < NW; w++) {
    int pid = fork();
    CHECK(pid >= 0, "fork");
    if (pid == 0)
      writer(map, w);
  }
  for (int w = 0; w < NW; w++)
    expect_child_status(0);
  for (int w = 0; w < NW; w++) {
    uint64 off = w * (NPAGES / NW) * PAGE, n = (NPAGES / NW) * PAGE;
    mm_check("the mapping after the writers", map + off, off, n, seed_of(w, ROUNDS - 1));
  }
  CHECK(munmap(map, NPAGES * PAGE) == 0, "munmap");
  static uchar buf[PAGE];
  fd = open("msmp", O_RDONLY);
  for (int pg = 0; pg < NPAGES; pg++) {
    CHECK(read(fd, buf, PAGE) == (int)PAGE, "read");
    mm_check("the file", buf, pg * PAGE, PAGE, seed_of(pg / (NPAGES / NW), ROUNDS - 1));
  }
  struct vmstat st = mm_vmstat();
  printf("mmap-smp: %lu write-backs, %lu evictions in all\n", st.writebacks, st.evictions);
  check_vm_invariants();
  test_pass();
}
