// pt-grow-stack: the stack grows on demand. A recursion 150 levels deep, each level with a
// 4 KiB array filled with its own pattern, uses about 620 KiB of stack; every level finds its
// array intact after the deeper levels return, faults_stack counted the new pages, and
// mincore shows the whole used stack resident.
#include "testlib.h"

#define PAGE 4096UL
#define DEPTH 150
#define WORDS 512  // 4 KiB per level

static uint64 lowest_sp = ~0UL;

static uint64 read_sp(void) {
  uint64 sp;
  __asm__ volatile("mv %0, sp" : "=r"(sp));
  return sp;
}

static uint64 pattern(int level, int k) { return ((uint64)level << 32) ^ (k * 2654435761UL); }

// Fills its own 4 KiB array in order, recurses, then checks the array; returns a checksum.
static __attribute__((noinline)) uint64 descend(int level) {
  uint64 words[WORDS];
  for (int k = WORDS - 1; k >= 0; k--)  // from the top down, as the stack grows
    words[k] = pattern(level, k);
  __asm__ volatile("" : : "r"(words) : "memory");  // the stores happen, the loads are redone
  uint64 sum = 0;
  if (level < DEPTH) {
    sum = descend(level + 1);
  } else {
    lowest_sp = read_sp();
  }
  for (int k = 0; k < WORDS; k++) {
    CHECK(words[k] == pattern(level, k), "level %d word %d holds 0x%lx, expected 0x%lx", level,
          k, words[k], pattern(level, k));
    sum += words[k];
  }
  return sum;
}

int main(int argc, char **argv) {
  (void)argc;
  test_start("pt-grow-stack");
  struct vmstat st0, st1;
  CHECK(vmstat(&st0) == 0, "vmstat failed");
  uint64 top = read_sp();
  uint64 sum = descend(1);
  CHECK(vmstat(&st1) == 0, "vmstat failed");
  uint64 want = 0;
  for (int level = 1; level <= DEPTH; level++)
    for (int k = 0; k < WORDS; k++)
      want += pattern(level, k);
  CHECK(sum == want, "checksum 0x%lx, expected 0x%lx", sum, want);
  uint64 used = top - lowest_sp;
  uint64 grown = st1.faults_stack - st0.faults_stack;
  printf("pt-grow-stack: %d KiB of stack used, faults_stack +%d\n", (int)(used >> 10),
         (int)grown);
  CHECK(used >= DEPTH * WORDS * 8, "only %d bytes of stack used", (int)used);
  CHECK(grown >= used / PAGE - 2, "faults_stack grew by %d for %d KiB of stack", (int)grown,
        (int)(used >> 10));
  CHECK(st1.faults_zero - st0.faults_zero >= grown, "faults_zero grew less than faults_stack");

  // Every page from the deepest sp up to the arguments is resident now.
  uint64 lo = lowest_sp & ~(PAGE - 1), hi = ((uint64)argv + PAGE - 1) & ~(PAGE - 1);
  uint64 npages = (hi - lo) / PAGE;
  static uchar vec[512];
  CHECK(npages <= sizeof(vec), "%d stack pages?", (int)npages);
  CHECK(mincore((void *)lo, hi - lo, vec) == 0, "mincore over the stack failed");
  for (uint64 i = 0; i < npages; i++)
    CHECK(vec[i] & 1, "stack page %p is not resident", (void *)(lo + i * PAGE));
  test_pass();
}
