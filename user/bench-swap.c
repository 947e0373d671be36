// bench-swap: the swap half of `make bench`. scripts/bench.py boots it as init=/bench-swap
// with a small frames= and evict=clock or evict=fifo, under -icount shift=0 on one hart, and
// builds three things from what it prints:
//  - the cost of one swap-in fault and of one eviction, in instructions, from the kernel's own
//    counters (vmstat insns_swap_in and insns_evict count instret in those paths, minus the
//    time asleep waiting for the disk), printed as rows of bench's table;
//  - how many pages four workloads fault in under each policy, for bench's policy table (a
//    page read ahead with a faulting neighbour is not counted: its first access does not
//    fault, so it is no miss);
//  - each workload's page reference string (the heap page numbers it touches, in order), from
//    which scripts/opt.py computes what Belady's OPT would have faulted on the same string.
// Every workload sizes itself from the frames free when bench-swap starts (F), so that "larger
// than memory" means what it says whatever frames= was:
//   loop    5 sweeps, writing, over F + F/8 pages: a working set slightly larger than memory
//   random  uniform random pages of F + F/2 (one access in four writes), after a first sweep
//   phases  9 phases of random accesses (one in four writes) to a working set of 3F/4 pages:
//           the same F/2 pages in every phase, and one of three parts of F/4 pages, in turn
//   scan    a hot set of 3F/4 pages, swept once, then a scan of 2F fresh pages, each touched
//           once, with one access to a random hot page (one in four writes) after each
// Each page carries a tag written at its first touch and a count of its writes, both checked
// at every touch, so a swap that loses, mixes up or brings back an old copy of a page fails
// the bench instead of giving a figure. The random streams have fixed seeds: the same accesses
// in every run and under both policies.
//
// The reference strings come from the workloads' own code run twice more without touching
// the heap: once before the measured run (which also brings in the code's text pages, so
// that the measured run's faults are all on pages it touched before), and once after it to
// print the string. Both passes must see the same number of references and the same hash as
// the measured run, or bench-swap fails.
#include "user.h"

#define PAGE 4096
#define MAX_PAGES 32768  // the first-touch bitmap below holds this many
#define MIN_FREE 16      // fewer free frames than this: frames= is too small to say anything
#define LOOP_SWEEPS 5
#define RANDOM_ACCESSES_PER_PAGE 8
#define PHASES 9
#define PHASE_ACCESSES_PER_PAGE 4
#define REF_LINE 100  // characters of page numbers per "refs" line

static uchar touched[MAX_PAGES / 8];  // page i of the region has had its first touch
static uint64 writes[MAX_PAGES];      // writes to page i (only the region's part is touched)
static volatile uint64 *region;       // the workload's pages, from sbrk
static uint64 region_pages;
static uint64 accesses;
static uint64 rng_state;

// What access_page does with a reference: make it (the measured run), only count and hash it
// (the pass before), or also print it (the pass after).
enum pass { PASS_MEASURE, PASS_DRY, PASS_PRINT };
static enum pass pass;
static uint64 ref_hash;  // FNV-1a over the page numbers, as scripts/bench.py recomputes it
static char ref_line[REF_LINE + 32];
static int ref_line_len;
static uint64 run_first, run_last;  // the ascending run of page numbers not yet printed
static int run_open;
static const char *ref_name;  // the workload whose string is being printed

static void fail(const char *fmt, uint64 a, uint64 b, uint64 c) {
  char msg[160];
  snprintf(msg, sizeof(msg), fmt, a, b, c);
  fprintf(2, "bench-swap: FAIL: %s\n", msg);
  exit(1);
}

// xorshift64: a fixed stream from each seed.
static uint64 rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static uint64 tag(uint64 page) { return ((page + 1) * 0x9e3779b97f4a7c15UL) | 1; }

// Sends the refs line so far to the console, if it holds anything.
static void flush_ref_line(void) {
  if (ref_line_len)
    printf("bench-swap: refs %s: %s\n", ref_name, ref_line);
  ref_line_len = 0;
  ref_line[0] = 0;
}

// Adds one token to the refs line: a page number, or "a-b" for the ascending run a, a+1, ... b
// (runs of three or more; the sweeps and the scan are mostly runs).
static void add_ref_token(uint64 first, uint64 last) {
  char token[48];
  if (last >= first + 2)
    snprintf(token, sizeof(token), "%lu-%lu", first, last);
  else if (last == first + 1)
    snprintf(token, sizeof(token), "%lu %lu", first, last);
  else
    snprintf(token, sizeof(token), "%lu", first);
  int n = strlen(token);
  if (ref_line_len + 1 + n > REF_LINE)
    flush_ref_line();
  if (ref_line_len)
    ref_line[ref_line_len++] = ' ';
  memcpy(ref_line + ref_line_len, token, n + 1);
  ref_line_len += n;
}

static void print_ref(uint64 i) {
  if (run_open && i == run_last + 1) {
    run_last = i;
    return;
  }
  if (run_open)
    add_ref_token(run_first, run_last);
  run_first = run_last = i;
  run_open = 1;
}

// Ends a workload's string: the last tokens, then the count and hash the driver checks.
static void end_refs(void) {
  if (run_open)
    add_ref_token(run_first, run_last);
  run_open = 0;
  flush_ref_line();
  printf("bench-swap: refs %s end n=%lu hash=%lx\n", ref_name, accesses, ref_hash);
}

// One access to page i. In the measured pass, the first touch finds the page zeroed and writes
// its tag, every later touch finds the tag and the page's count of writes (its second word)
// as it was left; a write bumps that count, which makes the page dirty. The other passes
// only count, hash and (PASS_PRINT) print the page number.
static void access_page(uint64 i, int write) {
  accesses++;
  ref_hash = (ref_hash ^ i) * 0x100000001b3UL;
  if (pass != PASS_MEASURE) {
    if (pass == PASS_PRINT)
      print_ref(i);
    return;
  }
  volatile uint64 *w = (volatile uint64 *)((volatile char *)region + i * PAGE);
  if (!(touched[i / 8] & (1 << (i % 8)))) {
    if (w[0] != 0 || w[1] != 0)
      fail("page %lu of %lu is not zero at its first touch (holds 0x%lx)", i, region_pages,
           w[0]);
    w[0] = tag(i);
    touched[i / 8] |= 1 << (i % 8);
  } else if (w[0] != tag(i)) {
    fail("page %lu holds 0x%lx, expected 0x%lx (lost or mixed up by swap?)", i, w[0], tag(i));
  } else if (w[1] != writes[i]) {
    fail("page %lu has seen %lu writes, expected %lu (an old copy back from swap?)", i, w[1],
         writes[i]);
  }
  if (write) {
    w[1]++;
    writes[i]++;
  }
}

static void sweep(uint64 first, uint64 n, int write) {
  for (uint64 i = 0; i < n; i++)
    access_page(first + i, write);
}

static uint64 loop_pages(uint64 nfree) { return nfree + nfree / 8; }

static void loop_run(uint64 nfree) {
  (void)nfree;
  for (int s = 0; s < LOOP_SWEEPS; s++)
    sweep(0, region_pages, 1);
}

static uint64 random_pages(uint64 nfree) { return nfree + nfree / 2; }

static void random_run(uint64 nfree) {
  (void)nfree;
  sweep(0, region_pages, 1);
  for (uint64 k = 0; k < RANDOM_ACCESSES_PER_PAGE * region_pages; k++) {
    uint64 r = rng();
    access_page((r >> 8) % region_pages, (r & 3) == 0);
  }
}

// A core of free/2 pages used in every phase, and three parts of free/4 pages, one per phase
// in turn: each phase's working set (3/4 of free) fits, and a part comes back (as swap-ins)
// every third phase. What clock keeps and FIFO does not: the core, loaded first but hot.
static uint64 phase_core(uint64 nfree) { return nfree / 2; }
static uint64 phase_part(uint64 nfree) { return nfree / 4; }
static uint64 phases_pages(uint64 nfree) { return phase_core(nfree) + 3 * phase_part(nfree); }

static void phases_run(uint64 nfree) {
  uint64 core = phase_core(nfree), part = phase_part(nfree), set = core + part;
  for (int p = 0; p < PHASES; p++) {
    uint64 first = core + (p % 3) * part;
    for (uint64 k = 0; k < PHASE_ACCESSES_PER_PAGE * set; k++) {
      uint64 r = rng(), x = (r >> 8) % set;
      access_page(x < core ? x : first + x - core, (r & 3) == 0);
    }
  }
}

// A hot set of 3F/4 pages and a scan of 2F pages touched once each, one hot access after
// every scan page. The hot set fits in memory, so OPT misses nothing after the first touches;
// a policy that keeps recently loaded pages lets the scan push hot pages out (with LRU a hot
// page comes back after about 3F/4 other pages on average, and often after more than F).
static uint64 scan_hot(uint64 nfree) { return 3 * nfree / 4; }
static uint64 scan_length(uint64 nfree) { return 2 * nfree; }
static uint64 scan_pages(uint64 nfree) { return scan_hot(nfree) + scan_length(nfree); }

static void scan_run(uint64 nfree) {
  uint64 hot = scan_hot(nfree);
  sweep(0, hot, 1);
  for (uint64 k = 0; k < scan_length(nfree); k++) {
    access_page(hot + k, 1);
    uint64 r = rng();
    access_page((r >> 8) % hot, (r & 3) == 0);
  }
}

struct workload {
  const char *name;
  uint64 (*pages)(uint64 nfree);
  void (*run)(uint64 nfree);
  uint64 seed;
};

static const struct workload workloads[] = {
    {"loop", loop_pages, loop_run, 1},
    {"random", random_pages, random_run, 0x51ed270b27a9c3f1UL},
    {"phases", phases_pages, phases_run, 0x2545f4914f6cdd1dUL},
    {"scan", scan_pages, scan_run, 0x9e3779b97f4a7c15UL},
};

static void get_vmstat(struct vmstat *st) {
  if (vmstat(st) < 0)
    fail("the vmstat system call failed", 0, 0, 0);
}

// Runs wl's generator without touching the heap (PASS_DRY or PASS_PRINT); returns the
// number of references and sets ref_hash.
static uint64 replay(const struct workload *wl, uint64 nfree, enum pass p) {
  pass = p;
  ref_name = wl->name;
  accesses = 0;
  ref_hash = 0xcbf29ce484222325UL;
  rng_state = wl->seed;
  wl->run(nfree);
  if (p == PASS_PRINT)
    end_refs();
  pass = PASS_MEASURE;
  return accesses;
}

// How many pages of the region have a frame now. mincore's answers go into touched[], which
// the workload no longer needs and whose page is resident (so asking brings in no page).
static uint64 region_resident(void) {
  uint64 n = 0;
  for (uint64 first = 0; first < region_pages; first += sizeof(touched)) {
    uint64 count = region_pages - first < sizeof(touched) ? region_pages - first : sizeof(touched);
    if (mincore((char *)region + first * PAGE, count * PAGE, touched) < 0)
      fail("mincore of the region failed", 0, 0, 0);
    for (uint64 i = 0; i < count; i++)
      n += touched[i] & 1;
  }
  return n;
}

// Swap-in faults between two counts: pages read back from swap, less those read ahead with
// a faulting neighbour (vmstat swap_readahead).
static uint64 swap_faults(const struct vmstat *a, const struct vmstat *b) {
  return (b->swap_ins - a->swap_ins) - (b->swap_readahead - a->swap_readahead);
}

// Runs one workload on a fresh sbrk region and prints what the kernel counted meanwhile, how
// many of the region's pages were resident at the end (the rest of the frames were other
// pages': text, stack, this program's bookkeeping, init), then the reference string. Adds
// the swap-in and eviction counts and instructions to *sum.
static void run_workload(const struct workload *wl, uint64 nfree, struct vmstat *sum) {
  region_pages = wl->pages(nfree);
  if (region_pages > MAX_PAGES)
    fail("a workload of %lu pages is more than bench-swap handles (%lu)", region_pages,
         MAX_PAGES, 0);
  char *p = sbrk(region_pages * PAGE);
  if (p == (char *)-1)
    fail("sbrk of %lu pages failed", region_pages, 0, 0);
  region = (volatile uint64 *)p;
  memset(touched, 0, sizeof(touched));
  memset(writes, 0, region_pages * sizeof(writes[0]));
  uint64 refs = replay(wl, nfree, PASS_DRY), hash = ref_hash;
  accesses = 0;
  ref_hash = 0xcbf29ce484222325UL;
  rng_state = wl->seed;
  struct vmstat a, b;
  get_vmstat(&a);
  wl->run(nfree);
  get_vmstat(&b);
  if (accesses != refs || ref_hash != hash)
    fail("the measured run made %lu references (hash %lx), the dry run %lu", accesses,
         ref_hash, refs);
  uint64 resident = region_resident();
  if (sbrk(-(int)(region_pages * PAGE)) == (char *)-1)
    fail("sbrk could not give the region back", 0, 0, 0);
  printf("bench-swap: %s pages=%lu accesses=%lu swap_ins=%lu swap_outs=%lu evictions=%lu "
         "clean=%lu zero=%lu file=%lu\n", wl->name, region_pages, accesses,
         swap_faults(&a, &b), b.swap_outs - a.swap_outs, b.evictions - a.evictions,
         b.evictions_clean - a.evictions_clean, b.faults_zero - a.faults_zero,
         b.faults_file - a.faults_file);
  printf("bench-swap: %s end: frames used=%lu, region resident=%lu\n", wl->name,
         b.frames_used, resident);
  if (replay(wl, nfree, PASS_PRINT) != refs || ref_hash != hash)
    fail("the printed reference string differs from the measured run's (%lu references)",
         refs, 0, 0);
  sum->swap_ins += swap_faults(&a, &b);
  sum->evictions += b.evictions - a.evictions;
  sum->evictions_clean += b.evictions_clean - a.evictions_clean;
  sum->insns_swap_in += b.insns_swap_in - a.insns_swap_in;
  sum->insns_evict += b.insns_evict - a.insns_evict;
}

// A row of bench's table (same layout as user/bench.c's): total / n, rounded.
static void print_row(const char *label, uint64 total, uint64 n) {
  if (n == 0)
    printf("bench: %-48s %10s instructions\n", label, "n/a");
  else
    printf("bench: %-48s %10lu instructions\n", label, (total + n / 2) / n);
}

int main(int argc, char **argv) {
  (void)argv;
  if (argc != 1) {
    fprintf(2, "usage: bench-swap (boot with a small frames=, e.g. frames=128 evict=fifo)\n");
    exit(1);
  }
  struct vmstat st;
  get_vmstat(&st);
  uint64 nfree = st.frames_free;
  if (st.swap_slots == 0)
    fail("no swap slots: the swap partition is missing or swap is not built yet", 0, 0, 0);
  if (nfree < MIN_FREE)
    fail("only %lu frames free of %lu: boot with a larger frames=", nfree, st.frames_total, 0);
  char *brk = sbrk(0);  // page-align the break, so the region's pages are whole pages
  if ((uint64)brk % PAGE && sbrk(PAGE - (uint64)brk % PAGE) == (char *)-1)
    fail("sbrk failed", 0, 0, 0);
  printf("bench-swap: frames=%lu used=%lu free=%lu swap_slots=%lu\n", st.frames_total,
         st.frames_used, nfree, st.swap_slots);
  struct vmstat sum;
  memset(&sum, 0, sizeof(sum));
  for (uint64 i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
    run_workload(&workloads[i], nfree, &sum);
  print_row("swap-in fault, disk wait excluded", sum.insns_swap_in, sum.swap_ins);
  print_row("eviction, disk write wait excluded", sum.insns_evict, sum.evictions);
  printf("bench: note: swap rows: %lu swap-in faults, %lu evictions (%lu clean)\n", sum.swap_ins,
         sum.evictions, sum.evictions_clean);
  printf("bench-swap: done\n");
  return 0;
}
