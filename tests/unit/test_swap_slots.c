// Host unit test of kernel/vm/slots.c, the swap slot bitmap: maps of 0, 1, 63, 64, 65, 100,
// 4097 and 8192 slots hand out every slot exactly once and then -1; a freed slot is the one
// the next allocation returns; a double free or a free out of range returns -1 and changes
// nothing; the used count always equals the number of slots in use; the next-fit hint never
// hides a free slot, wherever it points; and long random alloc/free runs agree with a plain
// byte-per-slot model; slot_alloc_run hands out runs of consecutive free slots that are
// as long as asked where the map allows, stop at the first slot in use, and agree with the
// model through random runs and frees. Each bitmap is its own allocation of exactly (nslots + 63) / 64 words,
// so ASan sees a reach past it. By hand, from the repository root:
//   cc -std=gnu11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -Wall -Wextra
//      -Werror -Ikernel tests/unit/test_swap_slots.c kernel/vm/slots.c -o test_swap_slots
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "types.h"
#include "vm/slots.h"

#define UNIT_NAME "test_swap_slots"
#include "unit.h"

static const uint32 sizes[] = {0, 1, 63, 64, 65, 100, 4097, 8192};

// xorshift64: the same "random" runs every time, so a failure can be replayed.
static uint64 rng_state = 0x9e3779b97f4a7c15UL;

static uint64 rng(void) { return unit_rng(&rng_state); }

static uint32 rng_below(uint32 n) { return (uint32)(rng() % n); }

// A map under test, with its bitmap allocated at exactly the size slots.h asks for.
struct tmap {
  struct slot_map m;
  uint64 *bits;
  uint32 nwords;
};

static void tmap_init(struct tmap *t, uint32 nslots) {
  t->nwords = (nslots + 63) / 64;
  t->bits = malloc(t->nwords ? t->nwords * sizeof(uint64) : 1);
  if (!t->bits)
    failf("host out of memory");
  memset(t->bits, 0xa5, t->nwords * sizeof(uint64));  // slot_map_init must clear it
  slot_map_init(&t->m, t->bits, nslots);
  CHECK(t->m.nslots == nslots && t->m.used == 0 && t->m.bits == t->bits,
        "slot_map_init(%u): nslots %u, used %u", nslots, t->m.nslots, t->m.used);
}

static void tmap_free(struct tmap *t) { free(t->bits); }

// A copy of everything the map holds, to prove that a refused call changed nothing.
struct snapshot {
  struct slot_map m;
  uint64 *bits;
};

static void snap_take(struct snapshot *s, const struct tmap *t) {
  s->m = t->m;
  s->bits = malloc(t->nwords ? t->nwords * sizeof(uint64) : 1);
  if (!s->bits)
    failf("host out of memory");
  memcpy(s->bits, t->bits, t->nwords * sizeof(uint64));
}

static int snap_same(const struct snapshot *s, const struct tmap *t) {
  return s->m.nslots == t->m.nslots && s->m.used == t->m.used && s->m.hint == t->m.hint &&
         memcmp(s->bits, t->bits, t->nwords * sizeof(uint64)) == 0;
}

static void snap_drop(struct snapshot *s) { free(s->bits); }

// Slots just past the end and far past it: never in use, never freeable.
static const uint64 out_of_range_offsets[] = {0, 1, 63, 64, 1000};

static void check_out_of_range(struct tmap *t, const char *when) {
  uint32 n = t->m.nslots;
  struct snapshot s;
  snap_take(&s, t);
  for (uint32 i = 0; i < ARRAY_SIZE(out_of_range_offsets); i++) {
    uint64 slot = (uint64)n + out_of_range_offsets[i];
    CHECK(!slot_in_use(&t->m, slot), "%u slots, %s: slot_in_use(%lu) past the end is true", n,
          when, slot);
    CHECK(slot_free(&t->m, slot) == -1, "%u slots, %s: slot_free(%lu) past the end accepted",
          n, when, slot);
  }
  uint64 far[] = {1UL << 32, 1UL << 40, ~0UL};
  for (uint32 i = 0; i < ARRAY_SIZE(far); i++) {
    CHECK(!slot_in_use(&t->m, far[i]), "%u slots, %s: slot_in_use(%#lx) is true", n, when,
          far[i]);
    CHECK(slot_free(&t->m, far[i]) == -1, "%u slots, %s: slot_free(%#lx) accepted", n, when,
          far[i]);
  }
  CHECK(snap_same(&s, t), "%u slots, %s: an out-of-range free changed the map", n, when);
  snap_drop(&s);
}

// The map against a byte per slot: in-use bits and the used count agree.
static void check_against(const struct tmap *t, const uint8 *model, const char *when) {
  uint32 count = 0;
  for (uint32 s = 0; s < t->m.nslots; s++) {
    CHECK(!!slot_in_use(&t->m, s) == !!model[s], "%u slots, %s: slot %u in use %d, model %d",
          t->m.nslots, when, s, slot_in_use(&t->m, s), model[s]);
    count += model[s] != 0;
  }
  CHECK(t->m.used == count, "%u slots, %s: used %u, but %u slots are in use", t->m.nslots,
        when, t->m.used, count);
}

// Allocates until the map refuses; every slot must come back exactly once, in range.
static void fill(struct tmap *t, uint8 *model, const char *when) {
  uint32 n = t->m.nslots;
  uint32 had = t->m.used;
  for (uint32 i = had; i < n; i++) {
    long s = slot_alloc(&t->m);
    CHECK(s >= 0 && (uint64)s < n, "%u slots, %s: allocation %u of %u returned %ld", n, when,
          i + 1, n, s);
    CHECK(!model[s], "%u slots, %s: slot %ld returned twice", n, when, s);
    CHECK(slot_in_use(&t->m, s), "%u slots, %s: slot %ld allocated but not in use", n, when, s);
    model[s] = 1;
    CHECK(t->m.used == i + 1, "%u slots, %s: used %u after %u allocations", n, when,
          t->m.used, i + 1);
  }
  check_against(t, model, when);
  struct snapshot snap;
  snap_take(&snap, t);
  for (int again = 0; again < 3; again++) {
    long s = slot_alloc(&t->m);
    CHECK(s == -1, "%u slots, %s: full map returned slot %ld", n, when, s);
  }
  CHECK(snap_same(&snap, t), "%u slots, %s: a refused allocation changed the map", n, when);
  snap_drop(&snap);
}

// Every size: fill, refuse, free each slot in a shuffled order and get exactly it back,
// double frees and out-of-range frees refused, then empty it and fill it again.
static void test_sizes(void) {
  for (uint32 k = 0; k < ARRAY_SIZE(sizes); k++) {
    uint32 n = sizes[k];
    struct tmap t;
    tmap_init(&t, n);
    uint8 *model = calloc(n + 1, 1);
    uint32 *order = malloc((n + 1) * sizeof(uint32));
    if (!model || !order)
      failf("host out of memory");
    check_against(&t, model, "fresh");
    check_out_of_range(&t, "fresh");
    for (uint32 s = 0; s < n; s++)
      CHECK(slot_free(&t.m, s) == -1, "%u slots: freeing never-used slot %u accepted", n, s);
    fill(&t, model, "first fill");
    check_out_of_range(&t, "full");

    // Free one slot of the full map: the next allocation must be that slot, and then none.
    for (uint32 s = 0; s < n; s++)
      order[s] = s;
    for (uint32 s = n; s > 1; s--) {
      uint32 j = rng_below(s), tmp = order[s - 1];
      order[s - 1] = order[j];
      order[j] = tmp;
    }
    for (uint32 i = 0; i < n; i++) {
      uint32 s = order[i];
      CHECK(slot_free(&t.m, s) == 0, "%u slots: freeing used slot %u refused", n, s);
      CHECK(!slot_in_use(&t.m, s) && t.m.used == n - 1, "%u slots: after freeing slot %u: in "
            "use %d, used %u", n, s, slot_in_use(&t.m, s), t.m.used);
      struct snapshot snap;
      snap_take(&snap, &t);
      CHECK(slot_free(&t.m, s) == -1, "%u slots: double free of slot %u accepted", n, s);
      CHECK(snap_same(&snap, &t), "%u slots: double free of slot %u changed the map", n, s);
      snap_drop(&snap);
      long got = slot_alloc(&t.m);
      CHECK(got == (long)s, "%u slots: slot %u was the only free one, allocation gave %ld", n,
            s, got);
      CHECK(slot_alloc(&t.m) == -1, "%u slots: a second allocation after freeing slot %u "
            "succeeded", n, s);
    }
    check_against(&t, model, "after free/alloc of each slot");

    // Empty it in the shuffled order, checking the count on the way, then fill it again.
    for (uint32 i = 0; i < n; i++) {
      CHECK(slot_free(&t.m, order[i]) == 0, "%u slots: emptying: free of %u refused", n,
            order[i]);
      model[order[i]] = 0;
      CHECK(t.m.used == n - 1 - i, "%u slots: emptying: used %u after %u frees", n, t.m.used,
            i + 1);
    }
    check_against(&t, model, "emptied");
    for (uint32 s = 0; s < n; s++)
      CHECK(slot_free(&t.m, s) == -1, "%u slots: emptied map: free of %u accepted", n, s);
    check_out_of_range(&t, "emptied");
    fill(&t, model, "second fill");
    free(order);
    free(model);
    tmap_free(&t);
  }
}

// The hint: with exactly the slots of a set free, wherever they lie relative to where the
// last allocation left the hint, that many allocations return exactly that set.
static void test_hint(void) {
  const uint32 n = 8192;
  struct tmap t;
  tmap_init(&t, n);
  uint8 *model = calloc(n, 1);
  uint32 *freed = malloc(n * sizeof(uint32));
  if (!model || !freed)
    failf("host out of memory");
  fill(&t, model, "hint: fill");

  // A slot behind the hint (which the fill left at the last word), then ahead, then both.
  uint32 cases[][3] = {{5, 0, 0}, {8191, 0, 0}, {0, 0, 0}, {64, 8127, 0}, {3, 4000, 8100}};
  uint32 ncases[] = {1, 1, 1, 2, 3};
  for (uint32 c = 0; c < ARRAY_SIZE(ncases); c++) {
    for (uint32 i = 0; i < ncases[c]; i++) {
      CHECK(slot_free(&t.m, cases[c][i]) == 0, "hint case %u: free of %u refused", c,
            cases[c][i]);
      model[cases[c][i]] = 0;
    }
    for (uint32 i = 0; i < ncases[c]; i++) {
      long s = slot_alloc(&t.m);
      CHECK(s >= 0 && !model[s], "hint case %u: allocation %u gave %ld, not a freed slot", c,
            i + 1, s);
      model[s] = 1;
    }
    CHECK(slot_alloc(&t.m) == -1, "hint case %u: more allocations than freed slots", c);
  }

  // Random sets of 1..300 slots, the hint wherever the previous round left it.
  for (int round = 0; round < 400; round++) {
    uint32 k = 1 + rng_below(round % 4 == 0 ? 3 : 300);
    uint32 nfreed = 0;
    while (nfreed < k) {
      uint32 s = rng_below(n);
      if (!model[s])
        continue;
      CHECK(slot_free(&t.m, s) == 0, "hint round %d: free of %u refused", round, s);
      model[s] = 0;
      freed[nfreed++] = s;
    }
    for (uint32 i = 0; i < k; i++) {
      long s = slot_alloc(&t.m);
      CHECK(s >= 0 && (uint64)s < n && !model[s], "hint round %d: allocation %u of %u gave "
            "%ld, which was not free (hint word %u)", round, i + 1, k, s, t.m.hint);
      model[s] = 1;
    }
    CHECK(slot_alloc(&t.m) == -1 && t.m.used == n, "hint round %d: the map is not full after "
          "reallocating the %u freed slots", round, k);
  }
  check_against(&t, model, "hint: end");
  free(freed);
  free(model);
  tmap_free(&t);
}

// Random runs: phases that lean towards allocating, then towards freeing, so the map goes
// full and empty several times; each call is checked against the byte model, and the whole
// map every 500 calls. Most frees are of a slot in use (picked from a list of them), the
// rest of any slot, free ones and a few just past the end included.
static void test_random(void) {
  for (uint32 k = 0; k < ARRAY_SIZE(sizes); k++) {
    uint32 n = sizes[k];
    struct tmap t;
    tmap_init(&t, n);
    uint8 *model = calloc(n + 8, 1);
    uint32 *inuse = malloc((n + 1) * sizeof(uint32));  // the slots in use, in no order
    uint32 *pos = malloc((n + 1) * sizeof(uint32));    // slot s is inuse[pos[s]]
    if (!model || !inuse || !pos)
      failf("host out of memory");
    uint32 used = 0, fulls = 0, empties = 0;
    // A phase drifts by about half its length: long enough to fill or empty the map.
    const uint32 phase = n * 5 / 2 + 100, calls = MAX(40000, 8 * phase);
    for (uint32 i = 0; i < calls; i++) {
      int alloc_pct = (i / phase) % 2 ? 25 : 75;
      if ((int)rng_below(100) < alloc_pct) {
        long s = slot_alloc(&t.m);
        if (used == n) {
          CHECK(s == -1, "%u slots, call %u: full map gave slot %ld", n, i, s);
          fulls++;
        } else {
          CHECK(s >= 0 && (uint64)s < n && !model[s], "%u slots, call %u: allocation gave %ld "
                "(%u of %u in use)", n, i, s, used, n);
          model[s] = 1;
          pos[s] = used;
          inuse[used++] = s;
        }
      } else {
        uint64 s = used && rng_below(10) ? inuse[rng_below(used)] : rng_below(n + 8);
        int want = s < n && model[s] ? 0 : -1;
        int got = slot_free(&t.m, s);
        CHECK(got == want, "%u slots, call %u: slot_free(%lu) returned %d, expected %d", n, i, s,
              got, want);
        if (want == 0) {
          model[s] = 0;
          uint32 last = inuse[--used];
          inuse[pos[s]] = last;
          pos[last] = pos[s];
          empties += used == 0;
        }
      }
      CHECK(t.m.used == used, "%u slots, call %u: used %u, model %u", n, i, t.m.used, used);
      if (i % 500 == 0)
        check_against(&t, model, "random run");
    }
    check_against(&t, model, "random run end");
    CHECK(n == 0 || (fulls > 0 && empties > 0), "%u slots: the random run never filled (%u "
          "refusals) or never emptied (%u times) the map", n, fulls, empties);
    free(pos);
    free(inuse);
    free(model);
    tmap_free(&t);
  }
}

// Runs: a fresh map gives whole runs back to back; a run stops short at a slot in use (and
// never crosses it); random runs and frees keep the map and the model in agreement, and a
// run is never shorter than the free stretch at its start allows.
static void test_runs(void) {
  struct tmap t;
  tmap_init(&t, 200);
  uint8 model[200] = {0};
  uint32 got;
  for (uint32 i = 0; i < 12; i++) {
    long s = slot_alloc_run(&t.m, 16, &got);
    uint32 want = MIN(16u, 200 - i * 16);
    CHECK(s == (long)(i * 16) && got == want, "fresh map, run %u: slot %ld length %u, expected "
          "%u length %u", i, s, got, i * 16, want);
    for (uint32 k = 0; k < got; k++)
      model[s + k] = 1;
  }
  check_against(&t, model, "fresh runs");
  CHECK(slot_alloc_run(&t.m, 8, &got) == 8 * 24 && got == 8, "the last 8 slots: a run of %u",
        got);
  for (uint32 k = 192; k < 200; k++)
    model[k] = 1;
  CHECK(slot_alloc_run(&t.m, 4, &got) == -1 && got == 0, "a full map gave a run");
  // Free 40..45 and 47..60: a run from 40 stops before 46.
  for (uint32 s = 40; s < 61; s++)
    if (s != 46) {
      CHECK(slot_free(&t.m, s) == 0, "free %u", s);
      model[s] = 0;
    }
  t.m.hint = 0;
  long s = slot_alloc_run(&t.m, 16, &got);
  CHECK(s == 40 && got == 6, "a run over a used slot: slot %ld length %u (expected 40, 6)", s,
        got);
  for (uint32 k = 40; k < 46; k++)
    model[k] = 1;
  s = slot_alloc_run(&t.m, 16, &got);
  CHECK(s == 47 && got == 14, "the next run: slot %ld length %u (expected 47, 14)", s, got);
  for (uint32 k = 47; k < 61; k++)
    model[k] = 1;
  check_against(&t, model, "runs over holes");
  for (uint32 i = 0; i < 20000; i++) {
    uint32 x = rng_below(200);
    if (rng_below(2)) {
      if (model[x]) {
        CHECK(slot_free(&t.m, x) == 0, "random free %u", x);
        model[x] = 0;
      }
      continue;
    }
    uint32 want = 1 + rng_below(16);
    s = slot_alloc_run(&t.m, want, &got);
    if (s < 0) {
      for (uint32 k = 0; k < 200; k++)
        CHECK(model[k], "no run, but slot %u is free", k);
      continue;
    }
    CHECK(got >= 1 && got <= want && (uint64)s + got <= 200, "run %ld length %u of %u", s, got,
          want);
    for (uint32 k = 0; k < got; k++) {
      CHECK(!model[s + k], "run %ld length %u hands out slot %u that was in use", s, got,
            (uint32)s + k);
      model[s + k] = 1;
    }
    CHECK(got == want || (uint64)s + got == 200 || model[s + got], "run %ld stopped at %u of "
          "%u before a free slot", s, got, want);
    if (i % 500 == 0)
      check_against(&t, model, "random runs");
  }
  check_against(&t, model, "random runs end");
  tmap_free(&t);
}

int main(void) {
  test_sizes();
  test_runs();
  test_hint();
  test_random();
  unit_pass();
  return 0;
}
