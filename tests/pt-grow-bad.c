// pt-grow-bad: an access below the stack pointer is a bug, not stack growth (RISC-V has no
// red zone): a load and a store 4 KiB below sp, and a load 512 KiB below sp, each kill their
// process (exit status -1). A recursion that runs past the 1 MiB stack limit is killed with
// "stack overflow". Each time the parent carries on.
#include "testlib.h"

#define PAGE 4096UL

static uint64 read_sp(void) {
  uint64 sp;
  __asm__ volatile("mv %0, sp" : "=r"(sp));
  return sp;
}

// The page at sp - off must not be resident, or the access below would not fault at all.
static void check_not_resident(uint64 off) {
  uchar v = 0xff;
  uint64 page = (read_sp() - off) & ~(PAGE - 1);
  int r = mincore((void *)page, PAGE, &v);
  CHECK(r == -1 || (v & 1) == 0, "test bug: the page %p below sp is already resident",
        (void *)page);
}

static void load_4k_below(void) {
  check_not_resident(PAGE);
  __asm__ volatile("addi t1, sp, -2048\n"
                   "ld t0, -2048(t1)" ::: "t0", "t1", "memory");  // sp - 4096
}

static void store_4k_below(void) {
  check_not_resident(PAGE);
  __asm__ volatile("addi t1, sp, -2048\n"
                   "sd zero, -2048(t1)" ::: "t1", "memory");  // sp - 4096
}

static void load_512k_below(void) {
  check_not_resident(512 * 1024);
  __asm__ volatile("li t1, 524288\n"
                   "sub t1, sp, t1\n"
                   "ld t0, 0(t1)" ::: "t0", "t1", "memory");
}

// 16 KiB a level; stops (never, in practice) at 16 MiB. The empty asm makes the compiler
// store frame[0] before the call and load it after.
static __attribute__((noinline)) uint64 recurse(int depth) {
  uint64 frame[2048];
  frame[0] = depth;
  __asm__ volatile("" : : "r"(frame) : "memory");
  if (depth >= 1024)
    return frame[0];
  return recurse(depth + 1) + frame[0];
}

static void overflow(void) { recurse(0); }

static void expect_killed(void (*fn)(void), const char *what) {
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {
    fn();
    printf("pt-grow-bad: FAIL: %s did not kill the process\n", what);
    exit(2);
  }
  int status = 0;
  CHECK(wait(&status) == pid, "wait");
  CHECK(status == -1, "%s: the child exited with %d, expected -1", what, status);
}

int main(void) {
  test_start("pt-grow-bad");
  expect_killed(load_4k_below, "a load 4 KiB below sp");
  expect_killed(store_4k_below, "a store 4 KiB below sp");
  expect_killed(load_512k_below, "a load 512 KiB below sp");
  expect_killed(overflow, "a recursion past 1 MiB");
  // The parent's own stack still grows.
  CHECK(recurse(1024 - 32) > 0, "recursion");
  test_pass();
}
