// mmap-shuffle: a 256 KiB file mapped shared is shuffled in place through the mapping (a
// seeded Fisher-Yates over all its bytes, then undone in reverse), then checked through
// read(): every byte back where it started, so no page was lost, doubled or misplaced.
// A second round shuffles only, and the file must hold the permutation the seed gives.
#include "mmaplib.h"

#define SIZE (64 * PAGE)

static void shuffle(uchar *p, uint64 seed, int undo, uint64 *swaps) {
  uint64 st = seed;
  for (uint64 i = SIZE - 1; i > 0; i--)
    swaps[i] = test_rand(&st) % (i + 1);
  for (uint64 k = 1; k < SIZE; k++) {
    uint64 i = undo ? k : SIZE - k;
    uchar t = p[i];
    p[i] = p[swaps[i]];
    p[swaps[i]] = t;
  }
}

int main(void) {
  test_start("mmap-shuffle");
  mm_make_file("msh", SIZE, 36);
  uint64 *swaps = (uint64 *)sbrk(SIZE * sizeof(uint64));
  CHECK(swaps != (uint64 *)-1, "sbrk");
  int fd = open("msh", O_RDWR);
  uchar *p = mm_map(0, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  shuffle(p, 99, 0, swaps);
  shuffle(p, 99, 1, swaps);
  CHECK(msync(p, SIZE, MS_SYNC) == 0, "msync");
  static uchar buf[SIZE];
  mm_read_file("msh", 0, buf, SIZE);
  mm_check("file after shuffle and unshuffle", buf, 0, SIZE, 36);
  shuffle(p, 7, 0, swaps);
  CHECK(munmap(p, SIZE) == 0, "munmap");
  // The same permutation applied to a copy in memory must give the file's bytes.
  uchar *q = (uchar *)sbrk(SIZE);
  CHECK(q != (uchar *)-1, "sbrk");
  mm_fill(q, 0, SIZE, 36);
  shuffle(q, 7, 0, swaps);
  mm_read_file("msh", 0, buf, SIZE);
  for (uint64 i = 0; i < SIZE; i++)
    CHECK(buf[i] == q[i], "byte %lu of the shuffled file is 0x%x, expected 0x%x", i, buf[i], q[i]);
  close(fd);
  check_vm_invariants();
  test_pass();
}
