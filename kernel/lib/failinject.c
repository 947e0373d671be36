// Fault injection (failinject.h has the boot arguments): one record per site, with the
// decision rule from the boot arguments and two counters, the calls that were eligible and
// those that were made to fail.
//
// Which calls are eligible: only those of a process other than init, and only once the
// first process has run /init. Boot is not the test (a kernel that cannot allocate its
// buffer cache at boot has nothing to fall back on), and neither is init: it is the one
// process whose death ends the machine (exit panics for it, as Linux's does), and its
// children are the tests. The system call's per-process requests (p->fail_nth) come first
// and are decided without atomics: only the process itself reads or writes its own.
//
// Locks: none. The counters are atomics; a decision for call number i of a site depends
// only on i (nth) or on a hash of the seed and i (prob), so it needs no shared random state
// and may be taken under any spinlock (swap_reserve is called with frame_lock held).
#include "lib/failinject.h"
#include "lib/bootargs.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "proc/proc.h"

enum fail_mode { FAIL_OFF, FAIL_NTH, FAIL_PROB };

static struct fail_rule {
  const char *name;  // the boot argument is "fail_" name
  const char *label; // in the report
  enum fail_mode mode;
  uint64 n;          // nth: which call; prob: 1 in n
  uint64 seed;
  uint64 after;      // prob: calls before this one never fail
  uint64 times;      // most failures (0: no limit)
  uint64 calls;      // atomic: eligible calls so far
  uint64 failed;     // atomic: of those, failed
} rules[FAIL_NSITES] = {
    [FAIL_KALLOC] = {.name = "kalloc", .label = "kalloc"},
    [FAIL_KMALLOC] = {.name = "kmalloc", .label = "kmalloc"},
    [FAIL_SWAP] = {.name = "swap", .label = "swap"},
    [FAIL_DISK_READ] = {.name = "diskread", .label = "disk read"},
    [FAIL_DISK_WRITE] = {.name = "diskwrite", .label = "disk write"},
};

int failinject_armed;
static int configured;  // some fail_ argument (or fail_user) was given
static int user_allowed;

// Parses "key:number" into *key (pointing into spec) and *value; returns the rest after a
// comma, or NULL at the end; sets *ok to 0 on a malformed item.
static const char *next_item(const char *spec, char *key, uint64 keymax, uint64 *value, int *ok) {
  uint64 k = 0;
  while (*spec && *spec != ':' && *spec != ',' && k + 1 < keymax)
    key[k++] = *spec++;
  key[k] = 0;
  *value = 0;
  if (*spec != ':' || spec[1] < '0' || spec[1] > '9')
    *ok = 0;
  else
    for (spec++; *spec >= '0' && *spec <= '9'; spec++)
      *value = *value * 10 + (*spec - '0');
  while (*spec && *spec != ',') {
    *ok = 0;
    spec++;
  }
  return *spec == ',' ? spec + 1 : NULL;
}

// One site's SPEC (failinject.h); a malformed one is reported and leaves the site off.
static void parse_rule(struct fail_rule *r, const char *spec) {
  struct fail_rule want = *r;
  int ok = 1;
  for (const char *s = spec; s && *s;) {
    char key[8];
    uint64 v;
    s = next_item(s, key, sizeof(key), &v, &ok);
    if (strcmp(key, "nth") == 0 && v > 0) {
      want.mode = FAIL_NTH;
      want.n = v;
      want.times = 1;
    } else if (strcmp(key, "prob") == 0 && v > 0) {
      want.mode = FAIL_PROB;
      want.n = v;
    } else if (strcmp(key, "seed") == 0) {
      want.seed = v;
    } else if (strcmp(key, "after") == 0) {
      want.after = v;
    } else if (strcmp(key, "times") == 0) {
      want.times = v;
    } else {
      ok = 0;
    }
  }
  if (!ok || want.mode == FAIL_OFF) {
    printf("failinject: fail_%s=%s is not nth:N or prob:N[,seed:S][,after:K][,times:T]; "
           "ignored\n",
           r->name, spec);
    return;
  }
  *r = want;
  configured = 1;
}

void failinject_init(void) {
  for (int i = 0; i < FAIL_NSITES; i++) {
    char key[16];
    snprintf(key, sizeof(key), "fail_%s", rules[i].name);
    const char *spec = bootarg(key);
    if (spec)
      parse_rule(&rules[i], spec);
  }
  user_allowed = bootarg("fail_user") != NULL;
  configured |= user_allowed;
}

void failinject_arm(void) {
  if (!configured)
    return;
  char line[256] = "";
  int n = 0;
  for (int i = 0; i < FAIL_NSITES; i++) {
    const struct fail_rule *r = &rules[i];
    if (r->mode == FAIL_NTH)
      n += snprintf(line + n, sizeof(line) - n, " %s: call %lu;", r->label, r->n);
    else if (r->mode == FAIL_PROB)
      n += snprintf(line + n, sizeof(line) - n, " %s: 1 in %lu (seed %lu, after %lu calls%s);",
                    r->label, r->n, r->seed, r->after, r->times ? ", limited" : "");
  }
  printf("failinject: armed for every process but init;%s%s\n", line,
         user_allowed ? " the failinject system call is allowed" : "");
  __atomic_store_n(&failinject_armed, 1, __ATOMIC_RELEASE);
}

// A 64-bit mix of the seed and the call number (splitmix64's finaliser): every call number
// gets an independent-looking draw without any shared generator state.
static uint64 draw(uint64 seed, uint64 i) {
  uint64 z = seed * 0x9E3779B97F4A7C15UL + (i + 1) * 0xBF58476D1CE4E5B9UL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
  return z ^ (z >> 31);
}

// Counts one failure against the rule's allowance; 0 (and nothing counted) when it is used up.
static int take_failure(struct fail_rule *r) {
  uint64 old = __atomic_load_n(&r->failed, __ATOMIC_RELAXED);
  do {
    if (r->times && old >= r->times)
      return 0;
  } while (!__atomic_compare_exchange_n(&r->failed, &old, old + 1, 0, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED));
  return 1;
}

int failinject_decide(enum fail_site site) {
  struct proc *p = myproc();
  if (!p || p->pid == 1)
    return 0;
  struct fail_rule *r = &rules[site];
  uint64 i = __atomic_fetch_add(&r->calls, 1, __ATOMIC_RELAXED);
  if (p->fail_nth[site] > 0 && --p->fail_nth[site] == 0) {
    __atomic_fetch_add(&r->failed, 1, __ATOMIC_RELAXED);
    return 1;
  }
  if (r->mode == FAIL_NTH)
    return i + 1 == r->n && take_failure(r);
  if (r->mode == FAIL_PROB)
    return i >= r->after && draw(r->seed, i) % r->n == 0 && take_failure(r);
  return 0;
}

void failinject_report(void) {
  if (!failinject_armed)
    return;
  char line[320];
  int n = 0;
  for (int i = 0; i < FAIL_NSITES; i++)
    n += snprintf(line + n, sizeof(line) - n, "%s %s %lu of %lu calls failed", i ? "," : "",
                  rules[i].label, __atomic_load_n(&rules[i].failed, __ATOMIC_RELAXED),
                  __atomic_load_n(&rules[i].calls, __ATOMIC_RELAXED));
  printf("failinject:%s\n", line);
}

int failinject_for_process(int site, int nth) {
  struct proc *p = myproc();
  if (!user_allowed || !p || p->pid == 1 || site < 0 || site >= FAIL_NSITES || nth < 0)
    return -1;
  p->fail_nth[site] = nth;
  return 0;
}
