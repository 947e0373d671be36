// Host unit test of kernel/vm/victim.c, the replacement policy's scan (victim_scan) over the
// frame table's circular list. Fake frames carry a fake accessed bit and a "busy" flag that
// the test's look() reads, as frame.c's reads the PTE and the pin count. It proves that:
// clock gives an accessed frame a second chance (clears its bit, passes it once) and takes
// the first frame not accessed in list order; FIFO takes the oldest frame it can, accessed or
// not; busy frames are passed over and counted; the scan gives up (NULL) after max_steps;
// every frame looked at moves to the tail, the victim last; the list stays well formed with
// the same members; random scans match an array-and-hand model step by step; and whole
// reference strings (Belady's, random ones with and without pinned frames) fault exactly as
// often, and keep exactly the same pages, as textbook clock and FIFO written here. By hand:
//   cc -std=gnu11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -Wall -Wextra
//      -Werror -Ikernel tests/unit/test_victim.c kernel/vm/victim.c -o test_victim
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "types.h"
#include "vm/vm.h"

#define MAX_FRAMES 64
#define MAX_LOOKS 1024

#define UNIT_NAME "test_victim"
#include "unit.h"

static uint64 rng_state = 0x2545f4914f6cdd1dUL;

static uint64 rng(void) { return unit_rng(&rng_state); }

static uint32 rng_below(uint32 n) { return (uint32)(rng() % n); }

// ---- Fake frames and the look() callback ----

// A frame as the scan sees it, plus what frame.c's look() would read from the PTE and the
// pin count. struct frame comes first, so a struct frame * is a struct fake *.
struct fake {
  struct frame f;
  int id;
  int accessed;  // the PTE's A bit
  int busy;      // pinned, owner busy, no slot: look() says LOOK_BUSY
};

// What look() saw during one scan.
struct looks {
  int ids[MAX_LOOKS];
  int n;
  int clock;  // the policy scanned: look() must be told it (clock, or FIFO)
};

static enum victim_look look(struct frame *f, enum evict_policy policy, void *arg) {
  struct fake *x = (struct fake *)f;
  struct looks *l = arg;
  int use_accessed = policy == EVICT_CLOCK;
  CHECK(use_accessed == l->clock, "look(frame %d): told policy %d under %s", x->id, policy,
        l->clock ? "clock" : "FIFO");
  if (l->n == MAX_LOOKS)
    failf("test bug: more than %d looks in one scan", MAX_LOOKS);
  l->ids[l->n++] = x->id;
  if (x->busy)
    return LOOK_BUSY;
  if (use_accessed && x->accessed) {
    x->accessed = 0;
    return LOOK_RECENT;
  }
  return LOOK_TAKEN;
}

static void list_init(struct frame *head) { head->next = head->prev = head; }

static void list_append(struct frame *head, struct frame *f) {
  f->next = head;
  f->prev = head->prev;
  head->prev->next = f;
  head->prev = f;
}

// Fills fs[0..n) with ids 0..n-1, all clear, and links them in that order.
static void make_list(struct frame *head, struct fake *fs, int n) {
  list_init(head);
  for (int i = 0; i < n; i++) {
    fs[i] = (struct fake){.id = i};
    list_append(head, &fs[i].f);
  }
}

// Walks the list both ways: every next/prev pair agrees, the walk returns to the head within
// n steps, and the members are exactly fs[0..n) (each once). Writes the ids in list order.
static void check_list(struct frame *head, struct fake *fs, int n, int *order,
                       const char *when) {
  int seen[MAX_FRAMES] = {0};
  int count = 0;
  CHECK(head->next && head->prev, "%s: the head has NULL links", when);
  for (struct frame *f = head->next; f != head; f = f->next) {
    CHECK(count < n, "%s: more than %d frames on the list (a cycle that skips the head?)", when,
          n);
    CHECK(f->next && f->prev && f->next->prev == f && f->prev->next == f,
          "%s: frame at position %d has inconsistent links", when, count);
    struct fake *x = (struct fake *)f;
    CHECK(x >= fs && x < fs + n && x->id == x - fs, "%s: a frame not of this list at position "
          "%d", when, count);
    CHECK(!seen[x->id], "%s: frame %d is on the list twice", when, x->id);
    seen[x->id] = 1;
    order[count++] = x->id;
  }
  CHECK(count == n, "%s: %d frames on the list, expected %d", when, count, n);
  int back = 0;
  for (struct frame *f = head->prev; f != head; f = f->prev) {
    CHECK(back < n && order[n - 1 - back] == ((struct fake *)f)->id,
          "%s: the backward walk disagrees with the forward walk at %d", when, back);
    back++;
  }
  CHECK(back == n, "%s: the backward walk saw %d frames, the forward walk %d", when, back, n);
}

static void order_string(const int *ids, int n, char *buf, int size) {
  int len = 0;
  buf[0] = 0;
  for (int i = 0; i < n && len < size - 8; i++)
    len += snprintf(buf + len, size - len, "%s%d", i ? " " : "", ids[i]);
}

// Checks that the list holds exactly the ids of want[0..n), in that order.
static void check_order(struct frame *head, struct fake *fs, int n, const int *want,
                        const char *when) {
  int order[MAX_FRAMES];
  check_list(head, fs, n, order, when);
  if (memcmp(order, want, n * sizeof(int)) != 0) {
    char got[512], exp[512];
    order_string(order, n, got, sizeof(got));
    order_string(want, n, exp, sizeof(exp));
    CHECK(0, "%s: list order [%s], expected [%s]", when, got, exp);
  }
}

static void check_looks(const struct looks *l, const int *want, int n, const char *when) {
  char got[512], exp[512];
  order_string(l->ids, l->n, got, sizeof(got));
  order_string(want, n, exp, sizeof(exp));
  CHECK(l->n == n && memcmp(l->ids, want, n * sizeof(int)) == 0,
        "%s: looked at [%s], expected [%s]", when, got, exp);
}

static struct frame *scan(struct frame *head, enum evict_policy policy, struct looks *l,
                          uint64 max_steps, uint64 *busy) {
  memset(l, 0, sizeof(*l));
  l->clock = policy == EVICT_CLOCK;
  *busy = 12345;  // victim_scan must set it, whatever it held
  return victim_scan(head, policy, look, l, max_steps, busy);
}

static int id_of(struct frame *f) { return f ? ((struct fake *)f)->id : -1; }

// ---- Directed cases ----

static void test_clock_second_chance(void) {
  struct frame head;
  struct fake fs[5];
  struct looks l;
  uint64 busy;
  make_list(&head, fs, 5);
  int acc[5] = {1, 1, 0, 1, 0};
  for (int i = 0; i < 5; i++)
    fs[i].accessed = acc[i];
  struct frame *v = scan(&head, EVICT_CLOCK, &l, 10, &busy);
  CHECK(id_of(v) == 2 && busy == 0, "clock [1 1 0 1 0]: took frame %d (busy %lu), expected 2",
        id_of(v), busy);
  check_looks(&l, (int[]){0, 1, 2}, 3, "clock [1 1 0 1 0]");
  CHECK(!fs[0].accessed && !fs[1].accessed && fs[3].accessed && !fs[4].accessed,
        "clock [1 1 0 1 0]: accessed bits now %d %d - %d %d, expected 0 0 - 1 0",
        fs[0].accessed, fs[1].accessed, fs[3].accessed, fs[4].accessed);
  check_order(&head, fs, 5, (int[]){3, 4, 0, 1, 2}, "clock [1 1 0 1 0]");

  // Next scan starts where the hand stopped: 3 is accessed (second chance), 4 is taken.
  v = scan(&head, EVICT_CLOCK, &l, 10, &busy);
  CHECK(id_of(v) == 4, "clock, second scan: took frame %d, expected 4", id_of(v));
  check_looks(&l, (int[]){3, 4}, 2, "clock, second scan");
  check_order(&head, fs, 5, (int[]){0, 1, 2, 3, 4}, "clock, second scan");

  // Frames passed once lost their bit: 0 goes now even though it was accessed before.
  v = scan(&head, EVICT_CLOCK, &l, 10, &busy);
  CHECK(id_of(v) == 0, "clock, third scan: took frame %d, expected 0", id_of(v));
  check_looks(&l, (int[]){0}, 1, "clock, third scan");
}

// Every frame accessed: clock clears them all in one round and takes the first on the second
// round, so it needs n + 1 steps; with n it gives up, bits cleared, order as it was.
static void test_clock_all_accessed(void) {
  for (int n = 1; n <= 9; n += 4) {
    struct frame head;
    struct fake fs[MAX_FRAMES];
    struct looks l;
    uint64 busy;
    int want[MAX_FRAMES];
    char when[64];
    make_list(&head, fs, n);
    for (int i = 0; i < n; i++) {
      fs[i].accessed = 1;
      want[i] = i;
    }
    snprintf(when, sizeof(when), "clock, %d frames all accessed, max_steps %d", n, n);
    struct frame *v = scan(&head, EVICT_CLOCK, &l, n, &busy);
    CHECK(v == NULL && busy == 0, "%s: took frame %d (busy %lu)", when, id_of(v), busy);
    check_looks(&l, want, n, when);
    check_order(&head, fs, n, want, when);
    for (int i = 0; i < n; i++)
      CHECK(!fs[i].accessed, "%s: frame %d still accessed", when, i);

    make_list(&head, fs, n);
    for (int i = 0; i < n; i++)
      fs[i].accessed = 1;
    snprintf(when, sizeof(when), "clock, %d frames all accessed, max_steps %d", n, n + 1);
    v = scan(&head, EVICT_CLOCK, &l, n + 1, &busy);
    CHECK(id_of(v) == 0, "%s: took frame %d, expected 0", when, id_of(v));
    for (int i = 0; i < n; i++)
      want[i] = (i + 1) % n;
    check_order(&head, fs, n, want, when);
  }
}

static void test_fifo(void) {
  struct frame head;
  struct fake fs[6];
  struct looks l;
  uint64 busy;
  make_list(&head, fs, 6);
  for (int i = 0; i < 6; i++)
    fs[i].accessed = 1;
  struct frame *v = scan(&head, EVICT_FIFO, &l, 12, &busy);
  CHECK(id_of(v) == 0 && busy == 0, "FIFO, all accessed: took frame %d, expected 0", id_of(v));
  check_looks(&l, (int[]){0}, 1, "FIFO, all accessed");
  for (int i = 0; i < 6; i++)
    CHECK(fs[i].accessed, "FIFO changed frame %d's accessed bit", i);
  check_order(&head, fs, 6, (int[]){1, 2, 3, 4, 5, 0}, "FIFO, all accessed");

  // The oldest two are busy: the third oldest goes, the busy ones are counted and passed.
  fs[1].busy = fs[2].busy = 1;
  v = scan(&head, EVICT_FIFO, &l, 12, &busy);
  CHECK(id_of(v) == 3 && busy == 2, "FIFO, oldest busy: took frame %d (busy %lu), expected 3 "
        "(busy 2)", id_of(v), busy);
  check_looks(&l, (int[]){1, 2, 3}, 3, "FIFO, oldest busy");
  check_order(&head, fs, 6, (int[]){4, 5, 0, 1, 2, 3}, "FIFO, oldest busy");
}

// Busy frames are never taken: all busy gives NULL with every step counted; clock gives a
// busy frame no second chance (its bit stays); a mix finds the one frame that can go.
static void test_busy(void) {
  struct frame head;
  struct fake fs[7];
  struct looks l;
  uint64 busy;
  int want[7];
  for (int p = 0; p < 2; p++) {
    enum evict_policy policy = p ? EVICT_FIFO : EVICT_CLOCK;
    const char *name = p ? "FIFO" : "clock";
    make_list(&head, fs, 7);
    for (int i = 0; i < 7; i++)
      fs[i].busy = fs[i].accessed = 1;
    struct frame *v = scan(&head, policy, &l, 17, &busy);
    CHECK(v == NULL && busy == 17, "%s, all busy, 17 steps: took %d, busy %lu (expected NULL, "
          "17)", name, id_of(v), busy);
    CHECK(l.n == 17, "%s, all busy: %d looks in 17 steps", name, l.n);
    for (int i = 0; i < 7; i++) {
      CHECK(fs[i].accessed, "%s: busy frame %d lost its accessed bit", name, i);
      want[i] = (i + 17) % 7;
    }
    check_order(&head, fs, 7, want, p ? "FIFO, all busy" : "clock, all busy");

    // Only frame 5 (list position 2 now: order is 3 4 5 6 0 1 2) can go, and it is accessed.
    fs[5].busy = 0;
    v = scan(&head, policy, &l, 100, &busy);
    if (policy == EVICT_CLOCK) {
      CHECK(id_of(v) == 5 && busy == 8, "clock, only 5 free and accessed: took %d, busy %lu "
            "(expected 5 after a full round, busy 8)", id_of(v), busy);
      check_looks(&l, (int[]){3, 4, 5, 6, 0, 1, 2, 3, 4, 5}, 10, "clock, only 5 free");
    } else {
      CHECK(id_of(v) == 5 && busy == 2, "FIFO, only 5 free: took %d, busy %lu (expected 5, 2)",
            id_of(v), busy);
      check_looks(&l, (int[]){3, 4, 5}, 3, "FIFO, only 5 free");
    }
    // Everything accessed, all but frame 5 busy: clock reaches 5 the second time at step 13,
    // so 12 steps find nothing; FIFO takes 5 at step 6.
    make_list(&head, fs, 7);
    for (int i = 0; i < 7; i++) {
      fs[i].busy = i != 5;
      fs[i].accessed = 1;
    }
    v = scan(&head, policy, &l, 12, &busy);
    if (policy == EVICT_CLOCK)
      CHECK(v == NULL && busy == 11, "clock, 5 free but accessed, 12 steps: took %d, busy %lu "
            "(expected NULL, 11)", id_of(v), busy);
    else
      CHECK(id_of(v) == 5 && busy == 5, "FIFO, 5 free, 12 steps: took %d, busy %lu (expected 5, "
            "5)", id_of(v), busy);
  }
}

static void test_edges(void) {
  struct frame head;
  struct fake fs[3];
  struct looks l;
  uint64 busy;
  for (int p = 0; p < 2; p++) {
    enum evict_policy policy = p ? EVICT_FIFO : EVICT_CLOCK;
    make_list(&head, fs, 0);
    struct frame *v = scan(&head, policy, &l, 10, &busy);
    CHECK(v == NULL && busy == 0 && l.n == 0, "empty list: took %d, busy %lu, %d looks",
          id_of(v), busy, l.n);
    CHECK(head.next == &head && head.prev == &head, "empty list: the head's links changed");

    make_list(&head, fs, 3);
    v = scan(&head, policy, &l, 0, &busy);
    CHECK(v == NULL && busy == 0 && l.n == 0, "max_steps 0: took %d, busy %lu, %d looks",
          id_of(v), busy, l.n);
    check_order(&head, fs, 3, (int[]){0, 1, 2}, "max_steps 0");

    make_list(&head, fs, 1);
    v = scan(&head, policy, &l, 1, &busy);
    CHECK(id_of(v) == 0 && l.n == 1, "one frame: took %d after %d looks", id_of(v), l.n);
    check_order(&head, fs, 1, (int[]){0}, "one frame");
    fs[0].accessed = 1;
    v = scan(&head, policy, &l, 2, &busy);
    CHECK(id_of(v) == 0 && l.n == 1 + (policy == EVICT_CLOCK),
          "one accessed frame: took %d after %d looks", id_of(v), l.n);
    fs[0].busy = 1;
    v = scan(&head, policy, &l, 5, &busy);
    CHECK(v == NULL && busy == 5, "one busy frame: took %d, busy %lu", id_of(v), busy);
    check_order(&head, fs, 1, (int[]){0}, "one busy frame");
  }
}

// ---- Random scans against an array-and-hand model ----

// The scan as an array in list order and a hand: look at order[h % n] for h = 0, 1, ...;
// every look moves the hand on, and the list is the array rotated by the number of looks.
struct model_result {
  int victim;  // id, or -1
  uint64 busy;
  int looks;
};

static struct model_result model_scan(const int *order, int n, int *accessed, const int *busyf,
                                      int clock, uint64 max_steps) {
  struct model_result r = {-1, 0, 0};
  for (uint64 h = 0; h < max_steps && n > 0; h++) {
    int id = order[h % n];
    r.looks++;
    if (busyf[id]) {
      r.busy++;
    } else if (clock && accessed[id]) {
      accessed[id] = 0;
    } else {
      r.victim = id;
      break;
    }
  }
  return r;
}

static void test_random_scans(void) {
  for (int round = 0; round < 20000; round++) {
    int n = rng_below(21);
    int clock = rng_below(2);
    struct frame head;
    struct fake fs[MAX_FRAMES];
    struct looks l;
    uint64 busy;
    int order[MAX_FRAMES], accessed[MAX_FRAMES], busyf[MAX_FRAMES], want[MAX_FRAMES];
    make_list(&head, fs, n);
    // Start from a shuffled list, as after many scans and frees.
    for (int i = 0; i < n; i++)
      order[i] = i;
    for (int i = n; i > 1; i--) {
      int j = rng_below(i), t = order[i - 1];
      order[i - 1] = order[j];
      order[j] = t;
    }
    list_init(&head);
    int busy_pct = rng_below(4) * 30, acc_pct = rng_below(5) * 25;
    for (int i = 0; i < n; i++) {
      struct fake *x = &fs[order[i]];
      list_append(&head, &x->f);
      x->busy = busyf[x->id] = (int)rng_below(100) < busy_pct;
      x->accessed = accessed[x->id] = (int)rng_below(100) < acc_pct;
    }
    uint64 max_steps = rng_below(3 * n + 3);
    struct model_result r = model_scan(order, n, accessed, busyf, clock, max_steps);
    struct frame *v = scan(&head, clock ? EVICT_CLOCK : EVICT_FIFO, &l, max_steps, &busy);
    char when[96];
    snprintf(when, sizeof(when), "random scan %d (%s, %d frames, max_steps %lu)", round,
             clock ? "clock" : "FIFO", n, max_steps);
    CHECK(id_of(v) == r.victim && busy == r.busy, "%s: took %d, busy %lu; the model took %d, "
          "busy %lu", when, id_of(v), busy, r.victim, r.busy);
    for (int i = 0; i < r.looks; i++)
      want[i] = order[i % n];
    check_looks(&l, want, r.looks, when);
    for (int i = 0; i < n; i++) {
      want[i] = order[(i + r.looks) % n];
      CHECK(fs[i].accessed == accessed[i], "%s: frame %d accessed %d, the model says %d", when,
            i, fs[i].accessed, accessed[i]);
    }
    check_order(&head, fs, n, want, when);
    CHECK(v == NULL || head.prev == v, "%s: the victim is not at the tail", when);
  }
}

// ---- Reference strings: the frame table driven by victim_scan vs textbook algorithms ----

// Pins during a run: before each reference, with `pin_pct` percent chance, one resident
// frame is pinned or unpinned (never all of them pinned).
struct run {
  int clock;
  int nframes;
  const int *refs;
  int nrefs;
  int pin_pct;
  uint64 seed;
};

// One step's outcome, to compare the two implementations reference by reference.
struct trace {
  int faults;
  int resident[MAX_FRAMES];  // page in each frame slot (slot = order of first use), -1 none
};

#define MAX_PAGES 256

static struct trace empty_trace(void) {
  struct trace t = {0};
  for (int s = 0; s < MAX_FRAMES; s++)
    t.resident[s] = -1;
  return t;
}

// The pinning decisions, drawn the same way by both runners from the run's seed.
static int pin_choice(uint64 *state, int used, int pin_pct) {
  *state ^= *state << 13;
  *state ^= *state >> 7;
  *state ^= *state << 17;
  if (used == 0 || (int)(*state % 100) >= pin_pct)
    return -1;
  return (int)((*state >> 20) % used);
}

// The kernel's way: frames on a circular list, appended at the tail when first used, the
// victim chosen by victim_scan with look() reading the fake bits.
static void run_list(const struct run *r, struct trace *out) {
  struct frame head;
  struct fake fs[MAX_FRAMES];
  int where[MAX_PAGES];  // page -> frame slot, or -1
  int page_in[MAX_FRAMES];
  int used = 0, npinned = 0, order[MAX_FRAMES];
  uint64 state = r->seed;
  list_init(&head);
  for (int p = 0; p < MAX_PAGES; p++)
    where[p] = -1;
  for (int i = 0; i < r->nrefs; i++) {
    int c = pin_choice(&state, used, r->pin_pct);
    if (c >= 0) {
      if (fs[c].busy || npinned < r->nframes - 1) {
        npinned += fs[c].busy ? -1 : 1;
        fs[c].busy = !fs[c].busy;
      }
    }
    int page = r->refs[i];
    out[i] = i ? out[i - 1] : empty_trace();
    if (where[page] < 0) {
      out[i].faults++;
      int slot;
      if (used < r->nframes) {
        slot = used++;
        fs[slot] = (struct fake){.id = slot};
        list_append(&head, &fs[slot].f);
      } else {
        struct looks l;
        uint64 busy;
        struct frame *v = scan(&head, r->clock ? EVICT_CLOCK : EVICT_FIFO, &l,
                               2 * (uint64)r->nframes + 1, &busy);
        CHECK(v != NULL, "reference string: no victim among %d frames (%d pinned)", r->nframes,
              npinned);
        slot = id_of(v);
        where[page_in[slot]] = -1;
        out[i].resident[slot] = -1;
      }
      page_in[slot] = page;
      where[page] = slot;
      out[i].resident[slot] = page;
    }
    fs[where[page]].accessed = 1;  // the access itself sets the A bit
    if (i % 64 == 0)
      check_list(&head, fs, used, order, "reference string run");
  }
}

// The textbook way: an array of frames and a hand. Clock: while the hand's frame is pinned or
// referenced, clear its bit (if not pinned) and advance; replace there; advance. FIFO: the
// same, ignoring the referenced bits. Frames are filled in order before the hand moves.
static void run_textbook(const struct run *r, struct trace *out) {
  int page_in[MAX_FRAMES], ref[MAX_FRAMES] = {0}, pinned[MAX_FRAMES] = {0};
  int used = 0, hand = 0, npinned = 0;
  uint64 state = r->seed;
  for (int i = 0; i < r->nrefs; i++) {
    int c = pin_choice(&state, used, r->pin_pct);
    if (c >= 0 && (pinned[c] || npinned < r->nframes - 1)) {
      npinned += pinned[c] ? -1 : 1;
      pinned[c] = !pinned[c];
    }
    int page = r->refs[i], slot = -1;
    for (int s = 0; s < used; s++)
      if (page_in[s] == page)
        slot = s;
    out[i] = i ? out[i - 1] : empty_trace();
    if (slot < 0) {
      out[i].faults++;
      if (used < r->nframes) {
        slot = used++;
      } else {
        while (pinned[hand] || (r->clock && ref[hand])) {
          if (!pinned[hand])
            ref[hand] = 0;
          hand = (hand + 1) % r->nframes;
        }
        slot = hand;
        hand = (hand + 1) % r->nframes;
      }
      page_in[slot] = page;
      out[i].resident[slot] = page;
    }
    ref[slot] = 1;
  }
}

// The plainest FIFO of all, for pin-free runs: a queue of pages in load order.
static int fifo_queue_faults(int nframes, const int *refs, int nrefs) {
  int q[MAX_FRAMES], len = 0, faults = 0;
  for (int i = 0; i < nrefs; i++) {
    int hit = 0;
    for (int j = 0; j < len; j++)
      hit |= q[j] == refs[i];
    if (hit)
      continue;
    faults++;
    if (len == nframes) {
      memmove(q, q + 1, (len - 1) * sizeof(int));
      len--;
    }
    q[len++] = refs[i];
  }
  return faults;
}

static int compare_runs(const struct run *r, const char *what) {
  struct trace *a = malloc(r->nrefs * sizeof(*a)), *b = malloc(r->nrefs * sizeof(*b));
  if (!a || !b)
    failf("host out of memory");
  run_list(r, a);
  run_textbook(r, b);
  for (int i = 0; i < r->nrefs; i++) {
    CHECK(a[i].faults == b[i].faults, "%s (%s, %d frames): after reference %d (page %d): %d "
          "faults, the textbook %s has %d", what, r->clock ? "clock" : "FIFO", r->nframes, i,
          r->refs[i], a[i].faults, r->clock ? "clock" : "FIFO", b[i].faults);
    for (int s = 0; s < r->nframes; s++)
      CHECK(a[i].resident[s] == b[i].resident[s], "%s (%s, %d frames): after reference %d: "
            "frame %d holds page %d, the textbook's holds %d", what,
            r->clock ? "clock" : "FIFO", r->nframes, i, s, a[i].resident[s], b[i].resident[s]);
  }
  int faults = a[r->nrefs - 1].faults;
  if (r->pin_pct == 0 && !r->clock)
    CHECK(faults == fifo_queue_faults(r->nframes, r->refs, r->nrefs), "%s (FIFO, %d frames): "
          "%d faults, a queue gives %d", what, r->nframes, faults,
          fifo_queue_faults(r->nframes, r->refs, r->nrefs));
  free(a);
  free(b);
  return faults;
}

// Belady's string: FIFO faults 9 times with 3 frames and 10 times with 4 (the anomaly).
static void test_belady(void) {
  static const int refs[] = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
  int n = ARRAY_SIZE(refs);
  int f3 = compare_runs(&(struct run){0, 3, refs, n, 0, 1}, "Belady");
  int f4 = compare_runs(&(struct run){0, 4, refs, n, 0, 1}, "Belady");
  CHECK(f3 == 9 && f4 == 10, "Belady's string under FIFO: %d faults with 3 frames and %d with "
        "4, expected 9 and 10", f3, f4);
  for (int k = 1; k <= 6; k++)
    compare_runs(&(struct run){1, k, refs, n, 0, 1}, "Belady");
}

// A hot page among a stream of new ones: clock keeps it, FIFO keeps evicting it. At the first
// replacement all three frames were just used, so clock's first round clears every bit and
// takes the hot page once; from then on the hot page's bit is set whenever the hand comes.
static void test_hot_page(void) {
  int refs[200];
  for (int i = 0; i < 100; i++) {
    refs[2 * i] = 0;
    refs[2 * i + 1] = 1 + i;
  }
  int c = compare_runs(&(struct run){1, 3, refs, 200, 0, 1}, "hot page");
  int f = compare_runs(&(struct run){0, 3, refs, 200, 0, 1}, "hot page");
  CHECK(c == 102 && f > c, "hot page: clock %d faults (expected 102: each new page once, the "
        "hot one twice), FIFO %d (expected more)", c, f);
}

// Random strings of three kinds (uniform, a loop slightly larger than memory, phases of
// locality), at several frame counts, with and without pins.
static void test_random_strings(void) {
  enum { NREFS = 3000 };
  static int refs[NREFS];
  for (int kind = 0; kind < 3; kind++) {
    for (int nframes = 1; nframes <= 40; nframes += (nframes < 8 ? 1 : 7)) {
      int npages = MIN(MAX_PAGES, nframes * 3 / 2 + 2);
      for (int i = 0; i < NREFS; i++) {
        if (kind == 0)
          refs[i] = rng_below(npages);
        else if (kind == 1)
          refs[i] = i % (nframes + 1 + nframes / 8);
        else
          refs[i] = (i / 500) * 3 % npages + (int)rng_below(MAX(2, nframes * 3 / 4)) % npages;
        refs[i] %= MAX_PAGES;
      }
      for (int pins = 0; pins < 2; pins++)
        for (int clock = 0; clock < 2; clock++)
          compare_runs(&(struct run){clock, nframes, refs, NREFS, pins ? 10 : 0, rng()},
                       kind == 0 ? "uniform string" : kind == 1 ? "loop string" : "phase string");
    }
  }
}

int main(void) {
  test_clock_second_chance();
  test_clock_all_accessed();
  test_fifo();
  test_busy();
  test_edges();
  test_random_scans();
  test_belady();
  test_hot_page();
  test_random_strings();
  unit_pass();
  return 0;
}
