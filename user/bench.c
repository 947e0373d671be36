// bench: what the kernel's basic operations cost, in guest instructions per operation, read
// from the instret counter (the kernel lets user mode read it). `make bench` runs it as
// init=/bench under QEMU with -icount shift=0 on one hart, where instret counts every
// instruction the hart executes, kernel included, so the figures repeat exactly from run to
// run. It prints one table row per operation and then powers the machine off.
//
// Repeatability: under -icount the clock ticks at fixed points of virtual time, so every
// timed region starts right after a tick (sleep(1)); whatever ticks fall inside a region then
// fall at the same instruction in every run. Nothing is printed until the end, and no timed
// region waits for the disk (each operation runs once untimed first, to warm the caches).
#include "user.h"

#define PAGE 4096
#define MIB (1024 * 1024)
#define GETPID_CALLS 1000
#define SBRK_BYTES (4 * MIB)
#define FORK_REPS 20
#define BIG_HEAP_BYTES (16 * MIB)
#define BIG_FORK_REPS 4
#define EXEC_REPS 10
#define ZERO_FAULT_PAGES 1024
#define FILE_DATA_PAGES 64  // 256 KiB of initialised data, for the file-backed faults
#define SPT_SBRK_BYTES (64 * MIB)
#define SPT_TOUCH_PAGES 1024
#define MMAP_FILE_BYTES (4 * MIB)  // the mapped file of the mmap rows
#define MMAP_PAGES 256            // pages each mmap fault row touches (1 MiB)
#define MAX_ROWS 40
#define NSTAGES 6
#define MAX_KINDS 4
#define MAX_NOTES 8

// Initialised, non-zero and writable, so it lands in .data and its pages come from the
// program file. Page-aligned and a whole number of pages, so no other variable shares its
// pages. volatile: the compiler may neither fold the reads nor move the array to .rodata.
static volatile uchar file_data[FILE_DATA_PAGES * PAGE] __attribute__((aligned(PAGE))) = {
    [0 ... FILE_DATA_PAGES * PAGE - 1] = 0x5a};

// A page that is resident before it is timed, to run the timing code once untimed.
static volatile uchar warm_page[PAGE] __attribute__((aligned(PAGE)));

struct row {
  const char *label;
  const char *unit;     // "instructions", "bytes" or "x" (a ratio)
  int valid;            // 0: printed as n/a
  uint64 hundredths;    // the figure times 100 (bytes are shown with two decimals)
};

static struct row rows[MAX_ROWS];

// The stage breakdown of one kind of fault (kernel/vm/profile.h): the kernel's counts over
// a run of those faults, per fault, and the user's own count of the whole fault.
struct stages {
  const char *kind;
  uint64 total;            // per fault, measured here (the loop's cost subtracted)
  uint64 stage[NSTAGES];   // per fault: dispatch, spt, frame, map, fill, rest
};
static struct stages kinds[MAX_KINDS];
static int nkinds;

// Records the stages of n faults of one kind from two vmstat snapshots around them.
static void add_stages(const char *kind, uint64 total_per_fault, const struct vmstat *a,
                       const struct vmstat *b, uint64 n) {
  if (nkinds == MAX_KINDS || b->prof_faults == a->prof_faults)
    return;  // not the benchmark build: nothing counted
  struct stages *k = &kinds[nkinds++];
  const unsigned long *sa = &a->prof_dispatch, *sb = &b->prof_dispatch;
  k->kind = kind;
  k->total = total_per_fault;
  for (int i = 0; i < NSTAGES; i++)
    k->stage[i] = (sb[i] - sa[i] + n / 2) / n;
}

// The breakdown table: one column per kind of fault; the trap's entry and exit (assembly)
// are what the user counted less what the kernel's stages account for.
static void print_stages(void) {
  static const char *names[NSTAGES] = {"dispatch (usertrap to vm_try_handle_fault)",
                                       "SPT lookup (spt_find_page)",
                                       "frame (vm_get_frame, or the page cache)",
                                       "map (frame_map: PTE + reverse map)",
                                       "fill (swap_in: zero, read or copy)",
                                       "rest (to the return to user mode)"};
  if (!nkinds)
    return;
  printf("bench: stages of a fault, guest instructions per fault (vm/profile.h)\n");
  printf("bench: stages %-44s", "stage");
  for (int k = 0; k < nkinds; k++)
    printf(" %12s", kinds[k].kind);
  printf("\n");
  printf("bench: stages %-44s", "trap entry and exit (trapvec.S)");
  for (int k = 0; k < nkinds; k++) {
    uint64 sum = 0;
    for (int i = 0; i < NSTAGES; i++)
      sum += kinds[k].stage[i];
    printf(" %12ld", (long)(kinds[k].total - sum));
  }
  printf("\n");
  for (int i = 0; i < NSTAGES; i++) {
    printf("bench: stages %-44s", names[i]);
    for (int k = 0; k < nkinds; k++)
      printf(" %12lu", kinds[k].stage[i]);
    printf("\n");
  }
  printf("bench: stages %-44s", "total");
  for (int k = 0; k < nkinds; k++)
    printf(" %12lu", kinds[k].total);
  printf("\n");
}
static int nrows;
static char notes[MAX_NOTES][128];
static int nnotes;
static int vm_ok;  // vmstat works (the lazy memory system is in)
static int echo_pipe[2];

static inline uint64 instret(void) {
  uint64 n;
  asm volatile("rdinstret %0" : "=r"(n) : : "memory");
  return n;
}

// Waits for the next clock tick and returns instret right after it (see the top comment).
static uint64 start_clock(void) {
  sleep(1);
  return instret();
}

static void fail(const char *what) {
  fprintf(2, "bench: FAIL: %s\n", what);
  poweroff(1);
  exit(1);
}

// Records the average `total / n`, rounded to the nearest hundredth.
static void add_row(const char *label, const char *unit, uint64 total, uint64 n) {
  if (nrows == MAX_ROWS)
    fail("too many rows");
  rows[nrows++] = (struct row){label, unit, 1, (total * 100 + n / 2) / n};
}

static void add_na(const char *label, const char *unit) {
  if (nrows == MAX_ROWS)
    fail("too many rows");
  rows[nrows++] = (struct row){label, unit, 0, 0};
}

static void add_note(const char *text, uint64 a, uint64 b) {
  if (nnotes < MAX_NOTES)
    snprintf(notes[nnotes++], sizeof(notes[0]), text, a, b);
}

static volatile uchar *grow(int bytes) {
  char *p = sbrk(bytes);
  if (p == (char *)-1)
    fail("sbrk could not grow the heap");
  return (volatile uchar *)p;
}

static void shrink(int bytes) {
  if (sbrk(-bytes) == (char *)-1)
    fail("sbrk could not shrink the heap");
}

// Writes (or reads) one byte in each of `npages` pages from p.
__attribute__((noinline)) static void touch_pages(volatile uchar *p, int npages, int write) {
  for (int i = 0; i < npages; i++) {
    if (write)
      p[(uint64)i * PAGE] = 1;
    else
      (void)p[(uint64)i * PAGE];
  }
}

// touch_pages timed from a tick. Called once untimed on a resident page first, so that the
// timed call runs no code (and so no text page) for the first time.
__attribute__((noinline)) static uint64 time_touch(volatile uchar *p, int npages, int write) {
  uint64 t0 = start_clock();
  touch_pages(p, npages, write);
  return instret() - t0;
}

// Runs op `reps` times, each from a tick; returns the instructions of all runs together.
static uint64 time_reps(void (*op)(void), int reps) {
  uint64 total = 0;
  for (int i = 0; i < reps; i++) {
    uint64 t0 = start_clock();
    op();
    total += instret() - t0;
  }
  return total;
}

static void bench_getpid(void) {
  getpid();
  uint64 t0 = start_clock();
  for (int i = 0; i < GETPID_CALLS; i++)
    getpid();
  add_row("getpid round trip", "instructions", instret() - t0, GETPID_CALLS);
}

// Grow the heap by 4 MiB and write every page (with eager memory the work is in sbrk, with
// lazy memory in the faults), then give the 4 MiB back.
static void bench_sbrk(void) {
  int npages = SBRK_BYTES / PAGE;
  touch_pages(grow(SBRK_BYTES), npages, 1);  // warm: page-table pages, allocator state
  shrink(SBRK_BYTES);
  uint64 t0 = start_clock();
  touch_pages(grow(SBRK_BYTES), npages, 1);
  add_row("sbrk 4 MiB + touch, per page", "instructions", instret() - t0, npages);
  t0 = start_clock();
  shrink(SBRK_BYTES);
  add_row("sbrk shrink 4 MiB, per page", "instructions", instret() - t0, npages);
}

static void fork_exit_wait(void) {
  int pid = fork();
  if (pid < 0)
    fail("fork failed");
  if (pid == 0)
    exit(0);
  int status = -1;
  if (wait(&status) != pid || status != 0)
    fail("wait did not return the child's exit");
}

// The small process is bench itself: with eager memory its copy includes file_data (64
// pages, loaded at exec); with lazy memory those pages are not resident here.
// The per-page row is the difference of the two, over the 4096 heap pages: what one touched
// page adds to a fork (copied in the child, freed at its exit).
static void fork_exec_echo(void);

// Also fork + exec from the 16 MiB process: the child's exec throws away what fork gave it.
static void bench_fork(void) {
  fork_exit_wait();
  uint64 small = time_reps(fork_exit_wait, FORK_REPS);
  add_row("fork + exit + wait (small)", "instructions", small, FORK_REPS);
  int npages = BIG_HEAP_BYTES / PAGE;
  touch_pages(grow(BIG_HEAP_BYTES), npages, 1);
  fork_exit_wait();
  uint64 big = time_reps(fork_exit_wait, BIG_FORK_REPS);
  add_row("fork + exit + wait (16 MiB touched heap)", "instructions", big, BIG_FORK_REPS);
  uint64 per_fork_small = small / FORK_REPS, per_fork_big = big / BIG_FORK_REPS;
  add_row("  the same, per touched heap page", "instructions",
          per_fork_big > per_fork_small ? per_fork_big - per_fork_small : 0, npages);
  if (pipe(echo_pipe) < 0)
    fail("pipe failed");
  fork_exec_echo();
  add_row("fork + exec /echo + wait (16 MiB touched heap)", "instructions",
          time_reps(fork_exec_echo, BIG_FORK_REPS), BIG_FORK_REPS);
  close(echo_pipe[0]);
  close(echo_pipe[1]);
  shrink(BIG_HEAP_BYTES);
}

// The child runs `/echo bench` with its output into echo_pipe, which the parent drains.
static void fork_exec_echo(void) {
  int pid = fork();
  if (pid < 0)
    fail("fork failed");
  if (pid == 0) {
    close(1);
    if (dup(echo_pipe[1]) != 1)
      exit(126);
    close(echo_pipe[0]);
    close(echo_pipe[1]);
    char *argv[] = {"echo", "bench", 0};
    exec("/echo", argv);
    exit(127);
  }
  int status = -1;
  if (wait(&status) != pid || status != 0)
    fail("fork + exec /echo: the child failed");
  char buf[16];
  if (read(echo_pipe[0], buf, sizeof(buf)) != 6 || memcmp(buf, "bench\n", 6) != 0)
    fail("fork + exec /echo: wrong output");
}

static void bench_exec(void) {
  if (pipe(echo_pipe) < 0)
    fail("pipe failed");
  fork_exec_echo();
  add_row("fork + exec /echo + wait", "instructions", time_reps(fork_exec_echo, EXEC_REPS),
          EXEC_REPS);
  close(echo_pipe[0]);
  close(echo_pipe[1]);
}

// One zero-fill fault: the first write to each page of a fresh sbrk region, minus the same
// loop over the same (now resident) pages, which measures the loop itself. With eager memory
// sbrk already filled the pages, and the figure is 0.
static void bench_zero_fault(void) {
  warm_page[0] = 1;
  time_touch(warm_page, 1, 1);
  volatile uchar *p = grow(ZERO_FAULT_PAGES * PAGE);
  struct vmstat before, after;
  if (vm_ok && vmstat(&before) < 0)
    fail("vmstat failed");
  uint64 first = time_touch(p, ZERO_FAULT_PAGES, 1);
  if (vm_ok && vmstat(&after) < 0)
    fail("vmstat failed");
  uint64 again = time_touch(p, ZERO_FAULT_PAGES, 1);
  uint64 per = first > again ? (first - again + ZERO_FAULT_PAGES / 2) / ZERO_FAULT_PAGES : 0;
  add_row("zero-fill fault (loop cost subtracted)", "instructions",
          first > again ? first - again : 0, ZERO_FAULT_PAGES);
  if (vm_ok)
    add_stages("zero-fill", per, &before, &after, ZERO_FAULT_PAGES);
  if (vm_ok && after.faults_zero - before.faults_zero != ZERO_FAULT_PAGES)
    add_note("note: the zero-fill pass took %lu zero-fill faults, expected %lu",
             after.faults_zero - before.faults_zero, ZERO_FAULT_PAGES);
  shrink(ZERO_FAULT_PAGES * PAGE);
}

// In a process exec'ed afresh from /bench: the first read of each file_data page (a fault
// that copies the block from the buffer cache) minus a second read of the same pages (the
// loop alone). Sends the figure and the count of file faults (or -1) down fd.
static int file_fault_child(int fd, int use_vmstat) {
  warm_page[0] = 1;
  time_touch(warm_page, 1, 0);
  struct vmstat before, after;
  if (use_vmstat && vmstat(&before) < 0)
    return 1;
  uint64 first = time_touch(file_data, FILE_DATA_PAGES, 0);
  if (use_vmstat && vmstat(&after) < 0)
    return 1;
  uint64 again = time_touch(file_data, FILE_DATA_PAGES, 0);
  uint64 out[2 + 1 + NSTAGES] = {first > again ? first - again : 0,
                                 use_vmstat ? after.faults_file + after.pcache_hits -
                                                  before.faults_file - before.pcache_hits
                                            : (uint64)-1};
  if (use_vmstat) {  // the stage counts, for the breakdown table
    out[2] = after.prof_faults - before.prof_faults;
    for (int i = 0; i < NSTAGES; i++)
      out[3 + i] = (&after.prof_dispatch)[i] - (&before.prof_dispatch)[i];
  }
  return write(fd, out, sizeof(out)) == sizeof(out) ? 0 : 1;
}

// Runs `/bench --file-fault FD vm|novm` and returns what it sends back.
static void run_file_fault_child(uint64 out[3 + NSTAGES]) {
  int fds[2];
  if (pipe(fds) < 0)
    fail("pipe failed");
  int pid = fork();
  if (pid < 0)
    fail("fork failed");
  if (pid == 0) {
    close(fds[0]);
    char fdarg[16];
    snprintf(fdarg, sizeof(fdarg), "%d", fds[1]);
    char *argv[] = {"bench", "--file-fault", fdarg, vm_ok ? "vm" : "novm", 0};
    exec("/bench", argv);
    exit(127);
  }
  close(fds[1]);
  int n = read(fds[0], out, (3 + NSTAGES) * sizeof(uint64));
  int status = -1;
  if (wait(&status) != pid || status != 0 || n != (3 + NSTAGES) * sizeof(uint64))
    fail("the --file-fault child failed");
  close(fds[0]);
}

// The file-backed fault without the disk wait: this process never reads file_data, so the
// first child reads its pages from the disk into the page cache (whole pages of the program
// file: they stay cached while this process runs the same program), and the second child,
// whose figure is kept, maps the cached frames.
static void bench_file_fault(void) {
  uint64 out[3 + NSTAGES];
  run_file_fault_child(out);
  run_file_fault_child(out);
  add_row("file-backed fault, cached (loop cost subtracted)", "instructions", out[0],
          FILE_DATA_PAGES);
  if (vm_ok && out[2]) {  // the child's stage counts, as snapshots a and b would give them
    struct vmstat a = {0}, b = {0};
    b.prof_faults = out[2];
    for (int i = 0; i < NSTAGES; i++)
      (&b.prof_dispatch)[i] = out[3 + i];
    add_stages("program page", (out[0] + FILE_DATA_PAGES / 2) / FILE_DATA_PAGES, &a, &b,
               FILE_DATA_PAGES);
  }
  if (vm_ok && out[1] != FILE_DATA_PAGES)
    add_note("note: the file-fault pass took %lu file faults, expected %lu", out[1],
             FILE_DATA_PAGES);
}

// Supplemental-page-table memory: the whole system's spt_bytes / pages_registered after a
// 64 MiB sbrk left untouched but for its first 1024 pages; the bytes per page that the
// untouched sbrk registered; and the bytes added per page made resident.
static void bench_spt(void) {
  const char *sys = "SPT bytes/registered page (system)";
  const char *reg = "SPT bytes/page, untouched 64 MiB sbrk";
  const char *res = "SPT bytes/page made resident";
  struct vmstat a, b, c;
  char *p;
  if (!vm_ok || vmstat(&a) < 0 || (p = sbrk(SPT_SBRK_BYTES)) == (char *)-1) {
    add_na(sys, "bytes");
    add_na(reg, "bytes");
    add_na(res, "bytes");
    return;
  }
  if (vmstat(&b) < 0)
    fail("vmstat failed");
  touch_pages((volatile uchar *)p, SPT_TOUCH_PAGES, 1);
  if (vmstat(&c) < 0)
    fail("vmstat failed");
  shrink(SPT_SBRK_BYTES);
  uint64 registered = b.pages_registered - a.pages_registered;
  if (c.pages_registered)
    add_row(sys, "bytes", c.spt_bytes, c.pages_registered);
  else
    add_na(sys, "bytes");
  if (registered)
    add_row(reg, "bytes", b.spt_bytes - a.spt_bytes, registered);
  else
    add_na(reg, "bytes");
  add_row(res, "bytes", c.spt_bytes - b.spt_bytes, SPT_TOUCH_PAGES);
  if (registered != SPT_SBRK_BYTES / PAGE)
    add_note("note: the 64 MiB sbrk registered %lu pages, expected %lu", registered,
             SPT_SBRK_BYTES / PAGE);
}

// Writes the mmap rows' file (4 MiB of a pattern), untimed.
static void make_mmap_file(const char *path) {
  static uchar buf[64 * 1024];
  for (uint64 i = 0; i < sizeof(buf); i++)
    buf[i] = (uchar)(i * 13 + 1);
  int fd = open(path, O_CREATE | O_TRUNC | O_RDWR);
  if (fd < 0)
    fail("cannot create the mmap file");
  for (int done = 0; done < MMAP_FILE_BYTES; done += sizeof(buf))
    if (write(fd, buf, sizeof(buf)) != sizeof(buf))
      fail("cannot write the mmap file");
  close(fd);
}

static volatile uchar *map_file(int fd, uint64 len, int prot, int flags) {
  void *p = mmap(0, len, prot, flags, fd, 0);
  if (p == MAP_FAILED)
    fail("mmap failed");
  return p;
}

// Faults on a mapped file whose pages are in the page cache (a first mapping, kept, read
// them from the disk), each minus the loop over the same resident pages: a shared mapping's
// read (maps the cache's frame), a private one's read (the same, read-only) and a private
// one's first write (a copy). Then munmap of 1 MiB of resident mapping, and reading the
// whole 4 MiB file: read() into a buffer against a new mapping touched page by page.
static void bench_mmap(void) {
  const char *path = "/bench.mmap";
  make_mmap_file(path);
  int fd = open(path, O_RDWR);
  if (fd < 0)
    fail("cannot open the mmap file");
  volatile uchar *keep = map_file(fd, MMAP_FILE_BYTES, PROT_READ, MAP_SHARED);
  touch_pages(keep, MMAP_FILE_BYTES / PAGE, 0);  // every page into the page cache
  warm_page[0] = 1;
  time_touch(warm_page, 1, 0);
  struct {
    const char *label;
    int prot, flags, write;
  } rows_mmap[] = {
      {"mmap shared file fault, page cached", PROT_READ | PROT_WRITE, MAP_SHARED, 0},
      {"mmap private file fault, page cached (read)", PROT_READ, MAP_PRIVATE, 0},
      {"mmap private file first write (copy)", PROT_READ | PROT_WRITE, MAP_PRIVATE, 1},
  };
  static const char *kind_of[] = {"page cache", NULL, "private copy"};
  for (int i = 0; i < 3; i++) {
    volatile uchar *p = map_file(fd, MMAP_PAGES * PAGE, rows_mmap[i].prot, rows_mmap[i].flags);
    struct vmstat a, b;
    vmstat(&a);
    uint64 first = time_touch(p, MMAP_PAGES, rows_mmap[i].write);
    vmstat(&b);
    uint64 again = time_touch(p, MMAP_PAGES, rows_mmap[i].write);
    add_row(rows_mmap[i].label, "instructions", first > again ? first - again : 0, MMAP_PAGES);
    if (kind_of[i] && first > again)
      add_stages(kind_of[i], (first - again + MMAP_PAGES / 2) / MMAP_PAGES, &a, &b, MMAP_PAGES);
    uint64 t0 = start_clock();
    munmap((void *)p, MMAP_PAGES * PAGE);
    if (i == 0)
      add_row("munmap of 1 MiB of resident mapping", "instructions", instret() - t0, 1);
  }
  volatile uchar *buf = grow(MMAP_FILE_BYTES);
  touch_pages(buf, MMAP_FILE_BYTES / PAGE, 1);
  uint64 t0 = start_clock();
  int rfd = open(path, O_RDONLY);
  for (int done = 0; done < MMAP_FILE_BYTES;) {
    int n = read(rfd, (void *)(buf + done), MMAP_FILE_BYTES - done);
    if (n <= 0)
      fail("read of the mmap file");
    done += n;
  }
  close(rfd);
  add_row("read 4 MiB file with read(), cached", "instructions", instret() - t0, 1);
  t0 = start_clock();
  volatile uchar *m = map_file(fd, MMAP_FILE_BYTES, PROT_READ, MAP_SHARED);
  touch_pages(m, MMAP_FILE_BYTES / PAGE, 0);
  munmap((void *)m, MMAP_FILE_BYTES);
  add_row("read 4 MiB file through mmap, cached", "instructions", instret() - t0, 1);
  shrink(MMAP_FILE_BYTES);
  munmap((void *)keep, MMAP_FILE_BYTES);
  close(fd);
  unlink(path);
}

// Scaling: fork + exec + wait of a 16 MiB program against a 16 KiB one, and a zero-fill
// fault in a process with 1 GiB of heap registered against one with 1 MiB, and the ratios.
static void exec_prog(const char *path) {
  int pid = fork();
  if (pid < 0)
    fail("fork failed");
  if (pid == 0) {
    char *argv[] = {(char *)path, 0};
    exec(path, argv);
    exit(127);
  }
  int status = -1;
  if (wait(&status) != pid || status != 0)
    fail("exec of a bench-exec program failed");
}

static void exec_big(void) { exec_prog("/exec-big"); }
static void exec_small(void) { exec_prog("/exec-small"); }

// A zero-fill fault's cost in a heap of heap_bytes registered, 256 pages touched at its end.
static uint64 fault_in_heap(int64 heap_bytes) {
  volatile uchar *p = grow(heap_bytes);
  volatile uchar *last = p + heap_bytes - 256 * PAGE;
  warm_page[0] = 1;
  time_touch(warm_page, 1, 1);
  uint64 first = time_touch(last, 256, 1);
  uint64 again = time_touch(last, 256, 1);
  shrink(heap_bytes);
  return first > again ? (first - again) / 256 : 0;
}

static void bench_scaling(void) {
  exec_big();
  exec_small();
  uint64 big = time_reps(exec_big, EXEC_REPS), small = time_reps(exec_small, EXEC_REPS);
  add_row("fork + exec + wait, 16 MiB program", "instructions", big, EXEC_REPS);
  add_row("fork + exec + wait, 16 KiB program", "instructions", small, EXEC_REPS);
  add_row("  16 MiB / 16 KiB program", "x", big, small);
  uint64 gib = fault_in_heap(1L << 30), mib = fault_in_heap(1L << 20);
  add_row("zero-fill fault, 1 GiB heap registered", "instructions", gib, 1);
  add_row("zero-fill fault, 1 MiB heap registered", "instructions", mib, 1);
  add_row("  1 GiB / 1 MiB heap", "x", gib, mib ? mib : 1);
}

// Swap throughput (booted by scripts/bench.py with a few frames and a few thousand slots):
// fills swap (writes a fresh page at a time until all but a margin of the slots are used),
// then drains it (reads every page back). Each row: MiB/s by the clock (10 ms ticks, so a
// guest-time figure, and under -icount it follows how fast the host served the disk), disk
// requests and 512-byte sectors per MiB swapped (the drain's include the writes of the pages
// its swap-ins evict), and the drain's pages read ahead per MiB.
static void bench_swap_fill(void) {
  struct vmstat st;
  if (vmstat(&st) < 0)
    fail("vmstat failed");
  uint64 npages = st.swap_slots - st.swap_slots / 16;  // plus the frames, out of memory's way
  uint64 *p = (uint64 *)grow(npages * PAGE);
  struct vmstat a, b, c;
  vmstat(&a);
  uint64 t0 = uptime();
  for (uint64 i = 0; i < npages; i++)
    p[i * (PAGE / 8)] = i + 1;
  uint64 t1 = uptime();
  vmstat(&b);
  for (uint64 i = 0; i < npages; i++)
    if (p[i * (PAGE / 8)] != i + 1)
      fail("a page came back from swap wrong");
  uint64 t2 = uptime();
  vmstat(&c);
  uint64 out = b.swap_outs - a.swap_outs, in = c.swap_ins - b.swap_ins;
  // MiB/s = pages / 256 per (ticks / 100) s: rows keep hundredths, so pages * 100 * 100 /
  // (256 * ticks) is the figure times 100.
  add_row("swap out (fill), MiB/s by the clock", "x", out * 100, 256 * (t1 > t0 ? t1 - t0 : 1));
  add_row("swap in (drain), MiB/s by the clock", "x", in * 100, 256 * (t2 > t1 ? t2 - t1 : 1));
  add_row("swap out, disk requests per MiB", "x", (b.swap_requests - a.swap_requests) * 256,
          out ? out : 1);
  add_row("swap in, disk requests per MiB", "x", (c.swap_requests - b.swap_requests) * 256,
          in ? in : 1);
  add_row("swap out, disk sectors per MiB", "x", (b.swap_sectors - a.swap_sectors) * 256,
          out ? out : 1);
  add_row("swap in, disk sectors per MiB", "x", (c.swap_sectors - b.swap_sectors) * 256,
          in ? in : 1);
  add_row("swap in, pages read ahead per MiB", "x", (c.swap_readahead - b.swap_readahead) * 256,
          in ? in : 1);
  shrink(npages * PAGE);
}

static void print_table(void) {
  printf("bench: guest instructions per operation (instret, QEMU -icount shift=0, 1 hart, "
         "kernel included)\n");
  for (int i = 0; i < nrows; i++) {
    struct row *r = &rows[i];
    if (!r->valid)
      printf("bench: %-48s %10s %s\n", r->label, "n/a", r->unit);
    else if (r->unit[0] == 'b' || r->unit[0] == 'x')
      printf("bench: %-48s %7lu.%02lu %s\n", r->label, r->hundredths / 100,
             r->hundredths % 100, r->unit);
    else
      printf("bench: %-48s %10lu %s\n", r->label, (r->hundredths + 50) / 100, r->unit);
  }
  if (!vm_ok)
    printf("bench: note: vmstat failed: memory is eager (faults cost 0, no SPT figures)\n");
  for (int i = 0; i < nnotes; i++)
    printf("bench: %s\n", notes[i]);
  print_stages();
  printf("bench: done\n");
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "--file-fault") == 0)
    return file_fault_child(atoi(argv[2]), strcmp(argv[3], "vm") == 0);
  int some = argc == 2 && strcmp(argv[1], "--fork-zero") == 0;
  if (argc == 2 && strcmp(argv[1], "--swap-fill") == 0) {
    bench_swap_fill();
    print_table();
    poweroff(0);
  }
  if (argc != 1 && !some) {
    fprintf(2, "usage: bench [--fork-zero] (measures all, or only the fork and zero-fill "
            "rows, prints a table, then powers the machine off)\n");
    return 1;
  }
  struct vmstat st;
  vm_ok = vmstat(&st) == 0;
  char *brk = sbrk(0);  // page-align the break, so that n pages of sbrk are n whole pages
  if ((uint64)brk % PAGE)
    grow(PAGE - (uint64)brk % PAGE);
  if (some) {  // scripts/bench.py boots this with cow=off prezero=0, for comparison rows
    bench_fork();
    bench_zero_fault();
    print_table();
    poweroff(0);
  }
  bench_getpid();
  bench_sbrk();
  bench_fork();
  bench_exec();
  bench_zero_fault();
  bench_file_fault();
  bench_spt();
  bench_mmap();
  bench_scaling();
  print_table();
  poweroff(0);
  fail("poweroff returned");
  return 1;
}
