// lazy-anon: an 8 MiB zero-initialised array in .bss costs no memory until it is touched.
// At start mincore shows its pages non-resident; after loads and stores to a few scattered
// pages exactly those pages are resident, they read as zero (apart from what was stored),
// frames_used grew by their number and faults_zero counted them. mincore's own errors
// (unaligned address, unregistered page, bad vector) are checked on the way.
#include "testlib.h"

#define PAGE 4096UL
#define BIG_PAGES 2048  // 8 MiB

static char big[BIG_PAGES * PAGE] __attribute__((aligned(4096)));
static uchar vec[BIG_PAGES];  // mincore's answer for big
static uchar before[BIG_PAGES];

// Pages touched by a load, then pages touched by a store.
static const int loaded[] = {3, 100, 1024, 2000};
static const int stored[] = {7, 555, 1500, 2045};
#define NLOADED (int)(sizeof(loaded) / sizeof(loaded[0]))
#define NSTORED (int)(sizeof(stored) / sizeof(stored[0]))

static int is_touched(int pg) {
  for (int i = 0; i < NLOADED; i++)
    if (loaded[i] == pg)
      return 1;
  for (int i = 0; i < NSTORED; i++)
    if (stored[i] == pg)
      return 1;
  return 0;
}

// Checks that page pg of big holds zeros except (when mark) one byte at offset 123.
static void check_page(int pg, int mark) {
  volatile char *p = big + pg * PAGE;
  for (uint64 off = 0; off < PAGE; off++) {
    char want = (mark && off == 123) ? (char)(pg | 1) : 0;
    CHECK(p[off] == want, "page %d byte %d holds 0x%x, expected 0x%x", pg, (int)off,
          (uchar)p[off], (uchar)want);
  }
}

int main(void) {
  test_start("lazy-anon");
  CHECK((uint64)big % PAGE == 0, "big is not page-aligned");
  // Touch vec and before first, so that only big's pages change below.
  memset(before, 0, sizeof(before));
  memset(vec, 0, sizeof(vec));
  CHECK(mincore(big, sizeof(big), before) == 0, "mincore over the bss array failed");
  int resident = 0;
  for (int pg = 1; pg < BIG_PAGES - 1; pg++)
    resident += before[pg] & 1;
  CHECK(resident == 0, "%d pages of the untouched bss array are resident at start", resident);

  // mincore's errors.
  CHECK(mincore(big + 1, PAGE, vec) == -1, "mincore accepted an unaligned address");
  CHECK(mincore((void *)0, PAGE, vec) == -1, "mincore accepted page 0");
  CHECK(mincore((void *)0x1000, PAGE, vec) == -1, "mincore accepted page 0x1000");
  CHECK(mincore(big, PAGE, (uchar *)0) == -1, "mincore accepted a NULL vector");
  CHECK(mincore(big, PAGE, (uchar *)0xffffffc080200000UL) == -1,
        "mincore accepted a kernel vector");

  struct vmstat st0, st1;
  CHECK(vmstat(&st1) == 0, "vmstat failed");  // warms up the stack pages used below
  CHECK(vmstat(&st0) == 0, "vmstat failed");
  volatile char sink = 0;
  for (int i = 0; i < NLOADED; i++)
    sink += big[loaded[i] * PAGE + 17];
  for (int i = 0; i < NSTORED; i++)
    big[stored[i] * PAGE + 123] = (char)(stored[i] | 1);
  CHECK(vmstat(&st1) == 0, "vmstat failed");
  CHECK(sink == 0, "a load from untouched bss returned non-zero");

  int n = NLOADED + NSTORED;
  long used = (long)(st1.frames_used - st0.frames_used);
  printf("lazy-anon: %d pages touched: frames_used +%d, faults_zero +%d, pages_resident +%d\n",
         n, (int)used, (int)(st1.faults_zero - st0.faults_zero),
         (int)(st1.pages_resident - st0.pages_resident));
  CHECK(used >= n && used <= n + 2, "touching %d pages changed frames_used by %d", n, (int)used);
  CHECK(st1.faults_zero - st0.faults_zero >= (uint64)n, "faults_zero grew by %d, expected %d",
        (int)(st1.faults_zero - st0.faults_zero), n);
  CHECK(st1.faults - st0.faults >= (uint64)n, "faults grew by %d, expected %d",
        (int)(st1.faults - st0.faults), n);
  CHECK(st1.pages_resident - st0.pages_resident == st1.frames_used - st0.frames_used,
        "pages_resident grew by %d but frames_used by %d",
        (int)(st1.pages_resident - st0.pages_resident), (int)used);
  CHECK(st1.pages_registered == st0.pages_registered, "touching bss changed pages_registered");

  CHECK(mincore(big, sizeof(big), vec) == 0, "mincore over the bss array failed");
  for (int pg = 0; pg < BIG_PAGES; pg++) {
    if (is_touched(pg))
      CHECK(vec[pg] & 1, "touched page %d is not resident", pg);
    else
      CHECK((vec[pg] & 1) == (before[pg] & 1), "untouched page %d changed residency to %d", pg,
            vec[pg] & 1);
  }
  for (int i = 0; i < NLOADED; i++)
    check_page(loaded[i], 0);
  for (int i = 0; i < NSTORED; i++)
    check_page(stored[i], 1);
  // The checks read only touched pages: still nothing else resident.
  CHECK(mincore(big + PAGE, sizeof(big) - 2 * PAGE, vec + 1) == 0, "mincore failed");
  resident = 0;
  for (int pg = 1; pg < BIG_PAGES - 1; pg++)
    resident += vec[pg] & 1;
  CHECK(resident == n, "%d pages resident, expected %d", resident, n);
  check_vm_invariants();
  test_pass();
}
