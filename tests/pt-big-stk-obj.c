// pt-big-stk-obj: a 100 KiB object on the stack works. A function with a 100 KiB local array
// fills it from its low end (the first touch lands ~100 KiB below the stack used so far,
// skipping the pages between) and checks it; it is called five times with different
// contents. Only the first call grows the stack: the later ones take no faults at all.
#include "testlib.h"

#define OBJ_BYTES (100 * 1024)
#define OBJ_WORDS (OBJ_BYTES / 8)
#define ROUNDS 5

static uint64 pattern(int round, int k) { return (k * 0x9E3779B97F4A7C15UL) ^ (round + 1); }

static __attribute__((noinline)) uint64 use_big_object(int round) {
  uint64 obj[OBJ_WORDS];
  for (int k = 0; k < OBJ_WORDS; k++)
    obj[k] = pattern(round, k);
  __asm__ volatile("" : : "r"(obj) : "memory");  // the stores happen, the loads are redone
  uint64 sum = 0;
  for (int k = 0; k < OBJ_WORDS; k++) {
    CHECK(obj[k] == pattern(round, k), "round %d word %d holds 0x%lx, expected 0x%lx", round, k,
          obj[k], pattern(round, k));
    sum ^= obj[k] * (k + 1);
  }
  return sum;
}

int main(void) {
  test_start("pt-big-stk-obj");
  struct vmstat st0, st1;
  CHECK(vmstat(&st1) == 0, "vmstat failed");
  for (int round = 0; round < ROUNDS; round++) {
    uint64 want = 0;
    for (int k = 0; k < OBJ_WORDS; k++)
      want ^= pattern(round, k) * (k + 1);
    CHECK(vmstat(&st0) == 0, "vmstat failed");
    uint64 got = use_big_object(round);
    CHECK(got == want, "round %d: checksum 0x%lx, expected 0x%lx", round, got, want);
    CHECK(vmstat(&st1) == 0, "vmstat failed");
    uint64 grown = st1.faults_stack - st0.faults_stack;
    uint64 zero = st1.faults_zero - st0.faults_zero;
    if (round == 0) {
      // Growth may register the whole gap at the first fault (one stack fault) or take one
      // per page; either way each page of the object is zero-filled once.
      printf("pt-big-stk-obj: the first call: %d stack faults, %d zero-fill faults\n",
             (int)grown, (int)zero);
      CHECK(grown >= 1, "the first call took no stack fault");
      CHECK(zero >= OBJ_BYTES / 4096 - 1, "the first call took only %d zero-fill faults",
            (int)zero);
    } else {
      CHECK(grown == 0 && zero == 0, "call %d took %d stack and %d zero-fill faults: the stack "
            "shrank?", round + 1, (int)grown, (int)zero);
    }
  }
  test_pass();
}
