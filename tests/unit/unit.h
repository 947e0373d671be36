// What every host unit test shares: CHECK(cond, printf-style message) counts the check and,
// when cond is false, prints "NAME: FAIL: message" and exits 1; unit_pass() prints the count
// the suite expects ("NAME: N checks passed"); unit_rng is a fixed xorshift64 stream, so a
// failing random run replays exactly. Define UNIT_NAME before including this, and
// UNIT_CLEANUP (a function to call before a failing test exits) if the test needs one.
#pragma once
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static int nchecks;

static void failf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("%s: FAIL: ", UNIT_NAME);
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
#ifdef UNIT_CLEANUP
  UNIT_CLEANUP();
#endif
  // _exit: what the failed test left allocated is not a leak worth LeakSanitizer's report.
  fflush(stdout);
  _exit(1);
}

#define CHECK(cond, ...)                                                                      \
  do {                                                                                        \
    nchecks++;                                                                                \
    if (!(cond))                                                                              \
      failf(__VA_ARGS__);                                                                     \
  } while (0)

static inline void unit_pass(void) { printf("%s: %d checks passed\n", UNIT_NAME, nchecks); }

static inline unsigned long unit_rng(unsigned long *state) {
  *state ^= *state << 13;
  *state ^= *state >> 7;
  *state ^= *state << 17;
  return *state;
}
