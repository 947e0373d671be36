// Shared by the tests that expect a bad access to kill a process: each access runs in a
// forked child, which must die with exit status -1 (the kernel prints its kill line).
#pragma once
#include "testlib.h"

static uint64 fault_target;  // the address the next child's access uses

static inline void fault_load(void) {
  uint64 v;
  __asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(fault_target) : "memory");
}

static inline void fault_store(void) {
  __asm__ volatile("sb zero, 0(%0)" : : "r"(fault_target) : "memory");
}

static inline void fault_jump(void) {
  __asm__ volatile("jalr ra, 0(%0)" : : "r"(fault_target) : "ra", "memory");
}

static inline void fault_amoswap(void) {
  uint32 old;
  __asm__ volatile("amoswap.w %0, zero, (%1)" : "=r"(old) : "r"(fault_target) : "memory");
}

// Runs fn on addr in a child and checks that the child was killed.
static inline void expect_killed(void (*fn)(void), uint64 addr, const char *what) {
  fault_target = addr;
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {
    fn();
    printf("%s: FAIL: %s at %p did not kill the process\n", test_name, what, (void *)addr);
    exit(2);
  }
  int status = 0;
  CHECK(wait(&status) == pid, "wait");
  CHECK(status == -1, "%s at %p: the child exited with %d, expected -1", what, (void *)addr,
        status);
}
