// page-shuffle: random access over a large heap. 8 MiB of uint32 holding 0..N-1 is shuffled
// in place (Fisher-Yates driven by a 64-bit LCG), which touches pages in random order. The
// result must still be a permutation (sum, xor, and a bitmap that sees each value once), and
// exactly the permutation the LCG dictates: its order-sensitive FNV hash was computed on the
// host with the same algorithm (a Python transcription) and is compared here.
#include "testlib.h"

#define N (2 * 1024 * 1024)  // 8 MiB of uint32
#define EXPECTED_HASH 0xd24e079654471937UL
#define EXPECTED_FIRST 1145865u  // a[0] after the shuffle

static uint64 fnv_hash(const uint32 *a) {
  uint64 h = 0xcbf29ce484222325UL;
  for (uint64 i = 0; i < N; i++)
    h = (h ^ a[i]) * 0x100000001b3UL;
  return h;
}

int main(void) {
  test_start("page-shuffle");
  uint32 *a = (uint32 *)sbrk(N * sizeof(uint32));
  uint64 *seen = (uint64 *)sbrk(N / 8);
  CHECK(a != (uint32 *)-1 && seen != (uint64 *)-1, "sbrk failed");
  uint64 sum0 = 0, xor0 = 0;
  for (uint64 i = 0; i < N; i++) {
    a[i] = i;
    sum0 += i;
    xor0 ^= i;
  }

  uint64 x = 0x2545F4914F6CDD1DUL;
  for (uint64 i = N - 1; i > 0; i--) {
    x = x * 6364136223846793005UL + 1442695040888963407UL;
    uint64 j = (x >> 33) % (i + 1);
    uint32 t = a[i];
    a[i] = a[j];
    a[j] = t;
  }

  uint64 sum1 = 0, xor1 = 0, fixed = 0;
  for (uint64 i = 0; i < N; i++) {
    uint32 v = a[i];
    CHECK(v < N, "a[%d] = %u is out of range", (int)i, v);
    CHECK(!(seen[v / 64] & (1UL << (v % 64))), "value %u appears twice", v);
    seen[v / 64] |= 1UL << (v % 64);
    sum1 += v;
    xor1 ^= v;
    fixed += v == i;
  }
  CHECK(sum1 == sum0 && xor1 == xor0, "checksums changed: sum 0x%lx/0x%lx, xor 0x%lx/0x%lx",
        sum0, sum1, xor0, xor1);
  CHECK(fixed < 64, "%d values did not move", (int)fixed);
  uint64 h = fnv_hash(a);
  CHECK(a[0] == EXPECTED_FIRST, "a[0] = %u, expected %u", a[0], EXPECTED_FIRST);
  CHECK(h == EXPECTED_HASH, "the permutation's hash is 0x%lx, expected 0x%lx", h,
        EXPECTED_HASH);
  printf("page-shuffle: 8 MiB shuffled, %d fixed points, hash 0x%lx\n", (int)fixed, h);
  check_vm_invariants();
  test_pass();
}
