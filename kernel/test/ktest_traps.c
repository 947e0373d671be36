// Deliberate kernel bugs, each of which must end in a clear panic (the grader checks the
// lines and exit status 3): a load from an unmapped kernel address (also inside printf), a runaway recursion that
// overflows the kernel stack, and a spinlock acquired twice by the same hart.
#include "test/ktest.h"
#include "arch/spinlock.h"
#include "lib/printf.h"

#define UNMAPPED_KERNEL_ADDRESS 0xFFFFFFD000001000UL  // beyond the direct map

__attribute__((noinline)) static uint64 load_from(volatile uint64 *p) { return *p; }

int ktest_kfault(void) {
  printf("kfault: loading from %p\n", (void *)UNMAPPED_KERNEL_ADDRESS);
  load_from((volatile uint64 *)UNMAPPED_KERNEL_ADDRESS);
  return -1;  // not reached
}

// A fault inside printf, with the console lock held: the report must name the fault (the
// trap handler prints through panic, which takes no lock), not a recursive acquisition.
int ktest_kfault_printf(void) {
  printf("kfault-printf: printing a string at %p\n", (void *)UNMAPPED_KERNEL_ADDRESS);
  printf("%s\n", (const char *)UNMAPPED_KERNEL_ADDRESS);
  return -1;  // not reached
}

// Each level keeps a 512-byte frame alive across the call, so the stack must overflow long
// before the limit (which only keeps the compiler from calling the recursion infinite).
__attribute__((noinline)) static uint64 recurse(uint64 depth, uint64 limit) {
  volatile uint8 frame[512];
  frame[0] = (uint8)depth;
  if (depth == limit)
    return 0;
  return recurse(depth + 1, limit) + frame[0];
}

int ktest_kstack_overflow(void) {
  printf("kstack-overflow: recursing without end\n");
  return (int)recurse(0, ~0UL);
}

int ktest_lock_recursive(void) {
  static struct spinlock lock = SPINLOCK_INIT("ktest");
  acquire(&lock);
  printf("lock-recursive: holding 'ktest', acquiring it again\n");
  acquire(&lock);
  return -1;  // not reached
}
