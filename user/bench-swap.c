// bench-swap: the swap half of `make bench`. scripts/bench.py boots it as init=/bench-swap
// with a small frames= and evict=clock or evict=fifo, under -icount shift=0 on one hart, and
// builds two things from what it prints:
//  - the cost of one swap-in fault and of one eviction, in instructions, from the kernel's own
//    counters (vmstat insns_swap_in and insns_evict count instret in those paths, minus the
//    time asleep waiting for the disk), printed as rows of bench's table;
//  - how many swap-ins three workloads take under each policy, for bench's policy table.
// Every workload sizes itself from the frames free when bench-swap starts (F), so that "larger
// than memory" means what it says whatever frames= was:
//   loop    5 sweeps, writing, over F + F/8 pages: a working set slightly larger than memory
//   random  uniform random pages of F + F/2 (one access in four writes), after a first sweep
//   phases  9 phases of random accesses (one in four writes) to a working set of 3F/4 pages:
//           the same F/2 pages in every phase, and one of three parts of F/4 pages, in turn
// Each page carries a tag written at its first touch and a count of its writes, both checked
// at every touch, so a swap that loses, mixes up or brings back an old copy of a page fails
// the bench instead of giving a figure. The random
// streams have fixed seeds: the same accesses in every run and under both policies.
#include "user.h"

#define PAGE 4096
#define MAX_PAGES 32768  // the first-touch bitmap below holds this many
#define MIN_FREE 16      // fewer free frames than this: frames= is too small to say anything
#define LOOP_SWEEPS 5
#define RANDOM_ACCESSES_PER_PAGE 8
#define PHASES 9
#define PHASE_ACCESSES_PER_PAGE 4

static uchar touched[MAX_PAGES / 8];  // page i of the region has had its first touch
static uint64 writes[MAX_PAGES];      // writes to page i (only the region's part is touched)
static volatile uint64 *region;       // the workload's pages, from sbrk
static uint64 region_pages;
static uint64 accesses;
static uint64 rng_state;

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

// One access to page i: the first touch finds the page zeroed and writes its tag, every later
// touch finds the tag and the page's count of writes (its second word) as it was left. A
// write bumps that count, which makes the page dirty.
static void access_page(uint64 i, int write) {
  volatile uint64 *w = (volatile uint64 *)((volatile char *)region + i * PAGE);
  accesses++;
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
};

static void get_vmstat(struct vmstat *st) {
  if (vmstat(st) < 0)
    fail("the vmstat system call failed", 0, 0, 0);
}

// Runs one workload on a fresh sbrk region and prints what the kernel counted meanwhile.
// Adds the swap-in and eviction counts and instructions to *sum.
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
  accesses = 0;
  rng_state = wl->seed;
  struct vmstat a, b;
  get_vmstat(&a);
  wl->run(nfree);
  get_vmstat(&b);
  if (sbrk(-(int)(region_pages * PAGE)) == (char *)-1)
    fail("sbrk could not give the region back", 0, 0, 0);
  printf("bench-swap: %s pages=%lu accesses=%lu swap_ins=%lu swap_outs=%lu evictions=%lu "
         "clean=%lu zero=%lu file=%lu\n", wl->name, region_pages, accesses,
         b.swap_ins - a.swap_ins, b.swap_outs - a.swap_outs, b.evictions - a.evictions,
         b.evictions_clean - a.evictions_clean, b.faults_zero - a.faults_zero,
         b.faults_file - a.faults_file);
  sum->swap_ins += b.swap_ins - a.swap_ins;
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
  printf("bench: note: swap rows: %lu swap-ins, %lu evictions (%lu clean)\n", sum.swap_ins,
         sum.evictions, sum.evictions_clean);
  printf("bench-swap: done\n");
  return 0;
}
