// pt-bad-addr: loads, stores and jumps to user addresses that no page covers (NULL, the page
// at 0x1000, the gap between heap and stack at 0x3000000000, the top page of user space) kill
// the process that makes them, with one kill line and exit status -1; the parent, and the
// system, carry on.
#include "testlib.h"

static uint64 target;  // the address the next child uses

static void load(void) {
  uint64 v;
  __asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(target) : "memory");
}

static void store(void) { __asm__ volatile("sd zero, 0(%0)" : : "r"(target) : "memory"); }

static void jump(void) { __asm__ volatile("jalr ra, 0(%0)" : : "r"(target) : "ra", "memory"); }

static void expect_killed(void (*fn)(void), uint64 addr, const char *what) {
  target = addr;
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {
    fn();
    printf("pt-bad-addr: FAIL: a %s at %p did not kill the process\n", what, (void *)addr);
    exit(2);
  }
  int status = 0;
  CHECK(wait(&status) == pid, "wait");
  CHECK(status == -1, "a %s at %p: the child exited with %d, expected -1", what, (void *)addr,
        status);
}

int main(void) {
  test_start("pt-bad-addr");
  expect_killed(load, 0, "load");
  expect_killed(store, 0, "store");
  expect_killed(load, 0x1000, "load");
  expect_killed(store, 0x1000, "store");
  expect_killed(jump, 0x1000, "jump");
  expect_killed(load, 0x3000000000UL, "load");
  expect_killed(store, 0x3000000000UL, "store");
  expect_killed(jump, 0x3000000000UL, "jump");
  expect_killed(load, 0x3ffffff000UL, "load");  // the top page of user space is never mapped
  // The parent is untouched and its children still run programs.
  char *argv[] = {"echo", "pt-bad-addr: echo runs", 0};
  int pid = fork();
  if (pid == 0) {
    exec("/echo", argv);
    exit(1);
  }
  expect_child_status(0);
  test_pass();
}
