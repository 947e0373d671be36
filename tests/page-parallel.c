// page-parallel: four processes at once each fill 8 MiB of heap in order with their own
// pattern, check it, refill it with a second pattern and check again, then report a checksum
// through a pipe. Every checksum must match the one computed without memory, no child may
// see another's data, and when all have exited their frames are back.
#include "testlib.h"

#define NPROCS 4
#define BYTES (8 << 20)
#define WORDS (BYTES / 8)

static uint64 pattern(uint64 i, uint64 seed) {
  uint64 x = (i + 1) * 0x9E3779B97F4A7C15UL ^ seed;
  return x ^ (x >> 29);
}

static uint64 seed_of(int child, int round) { return ((uint64)child << 40) | (round + 1); }

// The checksum a child reports: the sum of both rounds' word sums.
static uint64 expected_sum(int child) {
  uint64 sum = 0;
  for (int round = 0; round < 2; round++)
    for (uint64 i = 0; i < WORDS; i++)
      sum += pattern(i, seed_of(child, round));
  return sum;
}

static void run_child(int child, int fd) {
  uint64 *a = (uint64 *)sbrk(BYTES);
  if (a == (uint64 *)-1) {
    printf("page-parallel: FAIL: child %d: sbrk(8 MiB) failed\n", child);
    exit(1);
  }
  uint64 sum = 0;
  for (int round = 0; round < 2; round++) {
    uint64 seed = seed_of(child, round);
    for (uint64 i = 0; i < WORDS; i++)
      a[i] = pattern(i, seed);
    __asm__ volatile("" : : "r"(a) : "memory");
    for (uint64 i = 0; i < WORDS; i++) {
      if (a[i] != pattern(i, seed)) {
        printf("page-parallel: FAIL: child %d round %d: word %d holds 0x%lx, expected 0x%lx\n",
               child, round, (int)i, a[i], pattern(i, seed));
        exit(1);
      }
      sum += a[i];
    }
  }
  if (write(fd, &sum, sizeof(sum)) != sizeof(sum))
    exit(1);
  exit(0);
}

int main(void) {
  test_start("page-parallel");
  struct vmstat st0, st1;
  CHECK(vmstat(&st1) == 0 && vmstat(&st0) == 0, "vmstat failed");
  int fds[NPROCS][2], pids[NPROCS];
  for (int c = 0; c < NPROCS; c++) {
    CHECK(pipe(fds[c]) == 0, "pipe");
    pids[c] = fork();
    CHECK(pids[c] >= 0, "fork");
    if (pids[c] == 0) {
      close(fds[c][0]);
      run_child(c, fds[c][1]);
    }
    close(fds[c][1]);
  }
  for (int c = 0; c < NPROCS; c++) {
    uint64 want = expected_sum(c), got = 0;
    CHECK(read(fds[c][0], &got, sizeof(got)) == sizeof(got), "child %d reported nothing", c);
    close(fds[c][0]);
    CHECK(got == want, "child %d: checksum 0x%lx, expected 0x%lx", c, got, want);
  }
  for (int c = 0; c < NPROCS; c++)
    expect_child_status(0);
  CHECK(vmstat(&st1) == 0, "vmstat failed");
  CHECK(st1.frames_used <= st0.frames_used + 3,
        "%d more frames are used after the children exited",
        (int)(st1.frames_used - st0.frames_used));
  CHECK(st1.faults_zero - st0.faults_zero >= NPROCS * (BYTES / 4096),
        "faults_zero grew by only %d", (int)(st1.faults_zero - st0.faults_zero));
  printf("page-parallel: %d processes, 8 MiB each, checksums match\n", NPROCS);
  check_vm_invariants();
  test_pass();
}
