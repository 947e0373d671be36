// The in-kernel test runner: a table from test name to function. The grader (scripts/grade.py)
// boots one QEMU per test with test=NAME and checks the lines tests print and the exit status.
#include "test/ktest.h"
#include "lib/printf.h"
#include "lib/string.h"

static const struct {
  const char *name;
  int (*run)(void);
} tests[] = {
  {"boot", ktest_boot},
  {"smp", ktest_smp},
  {"kalloc", ktest_kalloc},
  {"panic", ktest_panic},
  {"kfault", ktest_kfault},
  {"kfault-printf", ktest_kfault_printf},
  {"kstack-overflow", ktest_kstack_overflow},
  {"lock-recursive", ktest_lock_recursive},
};

int ktest_run(const char *name) {
  for (unsigned i = 0; i < ARRAY_SIZE(tests); i++) {
    if (strcmp(tests[i].name, name) == 0) {
      printf("test %s: start\n", name);
      int r = tests[i].run();
      printf("test %s: %s\n", name, r == 0 ? "passed" : "FAILED");
      return r;
    }
  }
  printf("test %s: no such kernel test\n", name);
  return -1;
}
