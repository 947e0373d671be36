// lazy-sbrk: sbrk only registers pages. A 1 GiB heap on a 128 MiB machine is granted;
// touching 10 scattered pages of it costs exactly 10 frames and mincore finds exactly those
// 10 resident; sbrk(-1 GiB) gives the frames back and unregisters the pages, so the heap
// grown again is zero and non-resident, and touching a page above the break kills the
// process (in a child, which exits with -1).
#include "testlib.h"

#define PAGE 4096UL
#define HEAP_BYTES (1 << 30)
#define HEAP_PAGES (HEAP_BYTES / PAGE)
#define CHUNK_PAGES 4096  // pages per mincore call

static uchar vec[CHUNK_PAGES];

static const uint64 touched[] = {0, 1, 4095, 4096, 65535, 100000, 131072, 200000, 262142, 262143};
#define NTOUCHED (int)(sizeof(touched) / sizeof(touched[0]))

static int is_touched(uint64 pg) {
  for (int i = 0; i < NTOUCHED; i++)
    if (touched[i] == pg)
      return 1;
  return 0;
}

// Counts the resident pages of [base, base + npages pages) with mincore, a chunk at a time;
// when check is set, also checks that exactly the touched pages are resident.
static long count_resident(char *base, uint64 npages, int check) {
  long n = 0;
  for (uint64 first = 0; first < npages; first += CHUNK_PAGES) {
    uint64 len = npages - first < CHUNK_PAGES ? npages - first : CHUNK_PAGES;
    CHECK(mincore(base + first * PAGE, len * PAGE, vec) == 0, "mincore of heap page %d failed",
          (int)first);
    for (uint64 k = 0; k < len; k++) {
      n += vec[k] & 1;
      if (check)
        CHECK((vec[k] & 1) == is_touched(first + k), "heap page %d: resident %d, expected %d",
              (int)(first + k), vec[k] & 1, is_touched(first + k));
    }
  }
  return n;
}

static uint64 pattern(uint64 pg) { return pg * 0x9E3779B97F4A7C15UL + 7; }

// In a child: a store to a page that was part of the 1 GiB heap, now above the break.
static void store_above_break(char *old_heap) {
  *(volatile uint64 *)(old_heap + 4096 * PAGE) = 1;
}

// In a child: a load from the first byte above the break.
static void load_at_break(char *unused) {
  (void)unused;
  volatile char *brk = sbrk(0);
  (void)*brk;
}

static void expect_killed(void (*fn)(char *), char *arg, const char *what) {
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {
    fn(arg);
    printf("lazy-sbrk: FAIL: %s did not kill the process\n", what);
    exit(2);
  }
  expect_child_status(-1);
}

int main(void) {
  test_start("lazy-sbrk");
  // Page-align the break, so that the 1 GiB region starts on a page of its own.
  char *end = sbrk(0);
  CHECK(sbrk((PAGE - (uint64)end % PAGE) % PAGE) != (char *)-1, "sbrk to align failed");
  char *start = sbrk(0);
  CHECK((uint64)start % PAGE == 0, "break %p is not page-aligned", start);

  struct vmstat st0, st1, st2;
  // Warm up what the measured code uses besides the heap: vec, touched[], the stack.
  count_resident(start - PAGE, 1, 0);
  memset(vec, 0, sizeof(vec));
  volatile const uint64 *t = touched;
  CHECK(t[NTOUCHED - 1] != 0 && vmstat(&st2) == 0 && vmstat(&st1) == 0, "warm-up");
  CHECK(vmstat(&st0) == 0, "vmstat failed");
  char *heap = sbrk(HEAP_BYTES);
  CHECK(heap == start, "sbrk(1 GiB) returned %p, expected %p", heap, start);
  CHECK(sbrk(0) == start + HEAP_BYTES, "the break did not move by 1 GiB");
  CHECK(vmstat(&st1) == 0, "vmstat failed");
  CHECK(st1.frames_used == st0.frames_used, "sbrk(1 GiB) took %d frames",
        (int)(st1.frames_used - st0.frames_used));
  CHECK(st1.pages_registered - st0.pages_registered == HEAP_PAGES,
        "sbrk(1 GiB) registered %d pages, expected %d",
        (int)(st1.pages_registered - st0.pages_registered), (int)HEAP_PAGES);
  CHECK(count_resident(heap, HEAP_PAGES, 0) == 0, "pages of the new heap are resident");

  for (int i = 0; i < NTOUCHED; i++) {
    uint64 *w = (uint64 *)(heap + touched[i] * PAGE);
    CHECK(w[i] == 0, "fresh heap page %d holds 0x%lx", (int)touched[i], w[i]);
    w[(i * 37) % 512] = pattern(touched[i]);
  }
  CHECK(vmstat(&st2) == 0, "vmstat failed");
  printf("lazy-sbrk: 1 GiB heap, %d pages touched: frames_used +%d, faults_zero +%d\n",
         NTOUCHED, (int)(st2.frames_used - st1.frames_used),
         (int)(st2.faults_zero - st1.faults_zero));
  CHECK(st2.frames_used - st1.frames_used == NTOUCHED,
        "touching %d heap pages took %d frames", NTOUCHED,
        (int)(st2.frames_used - st1.frames_used));
  CHECK(st2.faults_zero - st1.faults_zero >= NTOUCHED, "faults_zero grew by only %d",
        (int)(st2.faults_zero - st1.faults_zero));
  long n = count_resident(heap, HEAP_PAGES, 1);
  CHECK(n == NTOUCHED, "%d heap pages resident, expected %d", (int)n, NTOUCHED);
  for (int i = 0; i < NTOUCHED; i++) {
    uint64 *w = (uint64 *)(heap + touched[i] * PAGE);
    for (int k = 0; k < 512; k++) {
      uint64 want = k == (i * 37) % 512 ? pattern(touched[i]) : 0;
      CHECK(w[k] == want, "heap page %d word %d holds 0x%lx, expected 0x%lx", (int)touched[i],
            k, w[k], want);
    }
  }

  // Shrinking frees the frames and unregisters the pages.
  CHECK(sbrk(-HEAP_BYTES) == start + HEAP_BYTES, "sbrk(-1 GiB) failed");
  CHECK(sbrk(0) == start, "the break is %p after shrinking, expected %p", sbrk(0), start);
  CHECK(vmstat(&st2) == 0, "vmstat failed");
  CHECK(st2.frames_used == st0.frames_used, "after sbrk(-1 GiB) frames_used is %d, was %d",
        (int)st2.frames_used, (int)st0.frames_used);
  CHECK(st2.pages_registered == st0.pages_registered,
        "after sbrk(-1 GiB) pages_registered is %d, was %d", (int)st2.pages_registered,
        (int)st0.pages_registered);
  CHECK(mincore(start, PAGE, vec) == -1, "mincore accepted a page above the break");

  // Grown again: the pages written before are fresh (zero, not resident).
  CHECK(sbrk(16 << 20) == start, "sbrk(16 MiB) failed");
  CHECK(count_resident(start, 4096, 0) == 0, "the regrown heap has resident pages");
  for (int i = 0; i < 3; i++) {  // touched pages 0, 1 and 4095: inside the 16 MiB
    uint64 *w = (uint64 *)(start + touched[i] * PAGE);
    for (int k = 0; k < 512; k++)
      CHECK(w[k] == 0, "regrown heap page %d word %d holds 0x%lx", (int)touched[i], k, w[k]);
  }
  CHECK(sbrk(-(16 << 20)) == start + (16 << 20), "sbrk(-16 MiB) failed");

  expect_killed(store_above_break, heap, "a store above the break");
  expect_killed(load_at_break, 0, "a load at the break");
  check_vm_invariants();
  test_pass();
}
