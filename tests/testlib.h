// Helpers shared by the test programs under tests/ (each a user program). A test calls
// test_start("name") first, checks with CHECK (which prints "name: FAIL: reason" and exits 1),
// and ends with test_pass(), which prints "name: ok" and exits 0.
#pragma once
#include "user.h"

static const char *test_name = "test";

static inline void test_start(const char *name) { test_name = name; }

#define CHECK(cond, ...)                        \
  do {                                          \
    if (!(cond)) {                              \
      printf("%s: FAIL: ", test_name);          \
      printf(__VA_ARGS__);                      \
      printf(" (%s:%d)\n", __FILE__, __LINE__); \
      exit(1);                                  \
    }                                           \
  } while (0)

__attribute__((noreturn)) static inline void test_pass(void) {
  printf("%s: ok\n", test_name);
  exit(0);
}

// Runs the kernel's VM invariant checker (vmcheck, kernel/vm/check.c): the VM tests call it
// before they pass, so that a disagreement between the SPTs, page tables, frame table and
// swap slots fails the test that caused it.
static inline void check_vm_invariants(void) {
  char msg[VMCHECK_MSG_MAX];
  int r = vmcheck(msg, sizeof(msg));
  CHECK(r >= 0, "the vmcheck system call failed");
  CHECK(r == 0, "%s", msg);
  printf("%s: %s\n", test_name, msg);
}

// Waits for one child; checks it exited with `status`.
static inline void expect_child_status(int status) {
  int got = 12345;
  int pid = wait(&got);
  CHECK(pid > 0, "wait returned %d", pid);
  CHECK(got == status, "child %d exited with %d, expected %d", pid, got, status);
}

// A small deterministic pseudo-random generator (xorshift), so data is checkable.
static inline uint64 test_rand(uint64 *state) {
  uint64 x = *state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *state = x;
}

// Does string s contain the string part?
static inline int test_contains(const char *s, const char *part) {
  int n = strlen(part);
  for (; *s; s++)
    if (strncmp(s, part, n) == 0)
      return 1;
  return 0;
}

// Checks that the system still runs programs: a child execs /echo, which prints line.
static inline void expect_echo_runs(char *line) {
  char *argv[] = {"echo", line, 0};
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {
    exec("/echo", argv);
    exit(1);
  }
  expect_child_status(0);
}
