// page-linear: a 16 MiB heap array written in order and read back in order, twice with
// different patterns. The first pass takes one zero-fill fault per page (faults_zero and
// frames_used grow by the 4096 pages), the second takes none; sbrk(-16 MiB) gives every
// frame back.
#include "testlib.h"

#define BYTES (16 << 20)
#define WORDS (BYTES / 8)
#define PAGES (BYTES / 4096)

static uint64 pattern(uint64 i, uint64 seed) { return (i * 0x9E3779B97F4A7C15UL) ^ seed; }

// Writes the whole array in order, then checks it in order; returns the checksum.
static uint64 pass(uint64 *a, uint64 seed) {
  for (uint64 i = 0; i < WORDS; i++)
    a[i] = pattern(i, seed);
  __asm__ volatile("" : : "r"(a) : "memory");
  uint64 sum = 0;
  for (uint64 i = 0; i < WORDS; i++) {
    CHECK(a[i] == pattern(i, seed), "word %d holds 0x%lx, expected 0x%lx", (int)i, a[i],
          pattern(i, seed));
    sum += a[i];
  }
  return sum;
}

int main(void) {
  test_start("page-linear");
  struct vmstat st0, st1, st2;
  CHECK(vmstat(&st1) == 0 && vmstat(&st0) == 0, "vmstat failed");
  uint64 *a = (uint64 *)sbrk(BYTES);
  CHECK(a != (uint64 *)-1, "sbrk(16 MiB) failed");
  uint64 want = 0;
  for (uint64 i = 0; i < WORDS; i++)
    want += pattern(i, 0x1234);
  uint64 sum = pass(a, 0x1234);
  CHECK(vmstat(&st1) == 0, "vmstat failed");
  CHECK(sum == want, "checksum 0x%lx, expected 0x%lx", sum, want);
  long used = (long)(st1.frames_used - st0.frames_used);
  long zero = (long)(st1.faults_zero - st0.faults_zero);
  CHECK(used >= PAGES && used <= PAGES + 3, "16 MiB took %d frames", (int)used);
  CHECK(zero >= PAGES && zero <= PAGES + 3, "16 MiB took %d zero-fill faults", (int)zero);

  want = 0;
  for (uint64 i = 0; i < WORDS; i++)
    want += pattern(i, 0xfeedface);
  sum = pass(a, 0xfeedface);
  CHECK(vmstat(&st2) == 0, "vmstat failed");
  CHECK(sum == want, "second pass: checksum 0x%lx, expected 0x%lx", sum, want);
  CHECK(st2.faults_zero == st1.faults_zero, "the second pass took %d zero-fill faults",
        (int)(st2.faults_zero - st1.faults_zero));

  CHECK(sbrk(-BYTES) != (char *)-1, "sbrk(-16 MiB) failed");
  CHECK(vmstat(&st2) == 0, "vmstat failed");
  CHECK(st2.frames_used <= st0.frames_used + 3, "after sbrk(-16 MiB) %d frames are still used",
        (int)(st2.frames_used - st0.frames_used));
  printf("page-linear: 16 MiB in %d frames, %d zero-fill faults, all returned\n", (int)used,
         (int)zero);
  check_vm_invariants();
  test_pass();
}
