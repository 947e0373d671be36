// fuzz: the system-call fuzzer. `fuzz SEED CALLS [FIRST [v]]` makes CALLS random system calls
// with hostile arguments (tests/fuzzargs.h, tests/fuzzcalls.h) over the whole ABI, in batches
// of BATCH calls numbered from FIRST (default 0). Batch b's calls depend only on SEED, b and
// the sandbox /fz it finds, which is emptied every CLEAN_EVERY batches: `fuzz SEED 2048 8k`
// replays batches 8k..8k+7 (v: say which call each killed process was in; t: that and every
// call slower than 30 ms). Each batch runs in a worker process forked from here;
// a watchdog child writes a tick into the report pipe every DOG_TICKS ticks, and a worker
// (or child of it) silent for QUIET_LIMIT ticks is blocked: it is killed with all its
// descendants (every pid between the worker's and the next fork's, after the worker is gone,
// is one), and the call it
// was in counts as "killed". At the end fork,
// exec of /echo and a file's create/write/read/unlink must work, and frames, swap slots,
// registered and committed pages and free process slots must be back to their values before
// the first batch. Prints a count per system call and per result (-1, success, killed).
#include "fuzzcalls.h"
#include "swaplib.h"

#define BATCH 256
#define CLEAN_EVERY 8   // batches between two emptyings of the sandbox (each costs disk writes)
#define DOG_TICKS 5
#define QUIET_LIMIT 10  // watchdog ticks: half a second without a word from the batch
#define DIRSIZ 14
#define MAX_DEPTH 100   // of the sandbox tree that remove_tree follows

static uint64 counts[FZ_NIDX][4];  // [call][FZ_FAIL, FZ_SUCCESS, FZ_KILLED]
static uint64 seed;
static int batch, timeouts, anomalies;
static int verbose;  // a fourth argument: say which call each killed process was in

// ---- Reading the report pipe ----

struct batch_state {
  int worker;
  int ended;      // the worker sent END
  int quiet;      // watchdog ticks since the last frame from the batch's processes
  struct { int pid, idx; } pending[64];  // a process's call that started and has not ended
  int npending;
  int fd, len;
  uint8 buf[2048];
};

static void note_record(struct batch_state *b, int pid, uint8 rec) {
  int idx = rec & 63, cls = rec >> 6, i;
  for (i = 0; i < b->npending && b->pending[i].pid != pid; i++)
    ;
  if (i == b->npending && b->npending < 64)
    b->pending[b->npending++] = (typeof(b->pending[0])){pid, -1};
  if (cls == FZ_STARTED) {
    if (i < 64)
      b->pending[i].idx = idx;
    return;
  }
  if (idx < FZ_NIDX && cls <= FZ_SUCCESS)
    counts[idx][cls]++;
  if (i < 64 && b->pending[i].idx == idx)
    b->pending[i].idx = -1;
}

static void note_frame(struct batch_state *b, const struct fz_frame *h, const uint8 *data) {
  if (h->type == FZ_FRAME_TICK) {
    b->quiet++;
    return;
  }
  b->quiet = 0;
  if (h->type == FZ_FRAME_REC) {
    for (int i = 0; i < h->n; i++)
      note_record(b, h->pid, data[i]);
  } else if (h->type == FZ_FRAME_TEXT) {
    anomalies++;
    printf("fuzz: FAIL: seed %lu batch %d pid %d: %.*s\n", seed, batch, h->pid, h->n, data);
  } else if (h->type == FZ_FRAME_TRACE) {
    printf("fuzz: batch %d pid %d: %.*s\n", batch, h->pid, h->n, data);
  } else if (h->type == FZ_FRAME_END && h->pid == b->worker) {
    b->ended = 1;
  }
}

// One read from the report pipe, and every whole frame in the buffer handled. Returns what
// read returned (0 at end of file: every writer is gone).
static int pump(struct batch_state *b) {
  int r = read(b->fd, b->buf + b->len, sizeof(b->buf) - b->len);
  if (r <= 0)
    return r;
  b->len += r;
  int at = 0;
  while (b->len - at >= (int)sizeof(struct fz_frame)) {
    struct fz_frame h;
    memcpy(&h, b->buf + at, sizeof(h));
    CHECK(h.n <= 256 && h.type >= FZ_FRAME_REC && h.type <= FZ_FRAME_TRACE,
          "bad report frame (type %d, %d bytes) in batch %d", h.type, h.n, batch);
    if (b->len - at < (int)sizeof(h) + h.n)
      break;
    note_frame(b, &h, b->buf + at + sizeof(h));
    at += sizeof(h) + h.n;
  }
  memmove(b->buf, b->buf + at, b->len - at);
  b->len -= at;
  return r;
}

// ---- One batch ----

__attribute__((noreturn)) static void watchdog(int fd) {
  struct fz_frame tick = {.type = FZ_FRAME_TICK, .n = 0, .pid = getpid()};
  for (;;) {
    sleep(DOG_TICKS);
    write(fd, &tick, sizeof(tick));
  }
}

// Kills the worker and the watchdog and reaps them; then kills every process made since the
// worker (its descendants: nothing else forks meanwhile; none of them forks) up to a new
// child's pid. In that order: a worker that is slow, not stuck, could fork past the bound.
static void sweep(int worker, int dog) {
  kill(worker);
  kill(dog);
  for (int i = 0; i < 2; i++)
    CHECK(wait(0) > 0, "a child of the harness is lost after batch %d", batch);
  int last = fork();
  if (last == 0)
    exit(0);
  for (int pid = worker + 1; pid < (last > 0 ? last : worker + 4096); pid++)
    kill(pid);
  if (last > 0)
    CHECK(wait(0) == last, "a child of the harness is lost after batch %d", batch);
}

static uint64 total_calls(void) {
  uint64 n = 0;
  for (int i = 0; i < FZ_NIDX; i++)
    n += counts[i][FZ_FAIL] + counts[i][FZ_SUCCESS] + counts[i][FZ_KILLED];
  return n;
}

static void remove_sandbox(void);

// Runs batch `batch` of ncalls calls; returns how many calls were counted.
static uint64 run_batch(int ncalls) {
  static struct batch_state b;
  uint64 before = total_calls();
  struct stat st;
  mkdir("/fz/w");  // the last batch may have removed it (and left a file named w)
  if (stat("/fz/w", &st) < 0 || st.type != T_DIR)
    remove_sandbox();
  int p[2];
  CHECK(pipe(p) == 0, "pipe for batch %d", batch);
  memset(&b, 0, sizeof(b));
  b.fd = p[0];
  b.worker = fork();
  CHECK(b.worker >= 0, "fork of the worker of batch %d", batch);
  if (b.worker == 0) {
    close(p[0]);
    fz_worker(seed, batch, ncalls, p[1]);
  }
  int dog = fork();
  CHECK(dog >= 0, "fork of the watchdog of batch %d", batch);
  if (dog == 0) {
    close(p[0]);
    watchdog(p[1]);
  }
  close(p[1]);
  while (!b.ended && b.quiet < QUIET_LIMIT && pump(&b) > 0)
    ;
  timeouts += !b.ended;
  sweep(b.worker, dog);
  while (pump(&b) > 0)  // until every holder of the write end is gone
    ;
  close(p[0]);
  for (int i = 0; i < b.npending; i++) {
    if (b.pending[i].idx < 0)
      continue;
    counts[b.pending[i].idx][FZ_KILLED]++;
    if (verbose)
      printf("fuzz: batch %d: pid %d killed in %s%s\n", batch, b.pending[i].pid,
             fz_calls[b.pending[i].idx].name, b.ended ? "" : " (timed out)");
  }
  if ((batch + 1) % CLEAN_EVERY == 0)
    remove_sandbox();
  return total_calls() - before;
}

// ---- The sandbox ----

// The names in the current directory but "." and ".." (at most max of them).
static int list_cwd(char names[][DIRSIZ + 1], int max) {
  struct {
    ushort inum;
    char name[DIRSIZ];
  } de;
  int fd = open(".", O_RDONLY), n = 0;
  if (fd < 0)
    return 0;
  while (n < max && read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0)
      continue;
    memcpy(names[n], de.name, DIRSIZ);
    names[n][DIRSIZ] = 0;
    if (strcmp(names[n], ".") != 0 && strcmp(names[n], "..") != 0)
      n++;
  }
  close(fd);
  return n;
}

// Removes everything in the current directory, subdirectories first (entered with chdir:
// the tree may nest deeper than a path can name).
static void clear_cwd(int depth) {
  char names[16][DIRSIZ + 1];
  for (int pass = 0; pass < 64; pass++) {
    int n = list_cwd(names, 16), removed = 0;
    for (int i = 0; i < n; i++) {
      struct stat st;
      if (stat(names[i], &st) == 0 && st.type == T_DIR && depth < MAX_DEPTH &&
          chdir(names[i]) == 0) {
        clear_cwd(depth + 1);
        CHECK(chdir("..") == 0, "cannot leave a directory of the sandbox");
      }
      removed += unlink(names[i]) == 0;
    }
    if (removed == 0)
      return;
  }
}

// Empties /fz and makes /fz/w again (a worker may have removed /fz itself, or made a file of
// that name).
static void remove_sandbox(void) {
  struct stat st;
  if (stat("/fz", &st) < 0 || st.type != T_DIR) {
    unlink("/fz");
    CHECK(mkdir("/fz") == 0, "cannot make the sandbox /fz again");
  }
  CHECK(chdir("/fz") == 0, "cannot enter the sandbox /fz");
  clear_cwd(0);
  CHECK(chdir("/") == 0, "chdir /");
  CHECK(mkdir("/fz/w") == 0, "cannot make /fz/w after batch %d", batch);
}

// ---- The checks after the fuzzing ----

// Free process slots: children are forked until fork fails; they wait on a pipe and exit.
static int count_free_procs(void) {
  int p[2], n = 0;
  CHECK(pipe(p) == 0, "pipe");
  for (int pid; (pid = fork()) != -1; n++) {
    if (pid == 0) {
      char c;
      close(p[1]);
      read(p[0], &c, 1);
      exit(0);
    }
  }
  close(p[0]);
  close(p[1]);
  for (int i = 0; i < n; i++)
    CHECK(wait(0) > 0, "a counting child is lost");
  return n;
}

struct snapshot {
  struct vmstat vm;
  int procs;
};

static struct snapshot snapshot(void) {
  struct snapshot s;
  s.procs = count_free_procs();
  touch_own_pages();
  s.vm = vm_now();
  return s;
}

// With no eviction in between, every count must be back where it was. Under memory pressure
// (a frames= boot) the fuzzing also evicts pages of init and the page cache, which nobody
// touches again before the check: then fewer frames are fine, and up to as many more swap
// slots as there are fewer frames. A leak only ever adds frames.
static int same(const struct snapshot *a, const struct snapshot *b) {
  int evicted = b->vm.evictions > a->vm.evictions;
  long fewer = (long)a->vm.frames_used - (long)b->vm.frames_used;
  long more_slots = (long)b->vm.swap_used - (long)a->vm.swap_used;
  int frames_ok = fewer == 0 || (evicted && fewer > 0);
  int swap_ok = more_slots == 0 || (evicted && more_slots > 0 && more_slots <= fewer);
  return a->procs == b->procs && frames_ok && swap_ok &&
         a->vm.pages_registered == b->vm.pages_registered &&
         a->vm.committed == b->vm.committed;
}

// The state after the fuzzing must come back to the one before (killed processes may still
// be on their way out, and init reaps them: a few tries).
static void check_no_leak(const struct snapshot *before) {
  struct snapshot now = snapshot();
  for (int i = 0; i < 20 && !same(before, &now); i++) {
    sleep(5);
    now = snapshot();
  }
  printf("fuzz: leak check: frames_used %lu -> %lu, swap_used %lu -> %lu, evictions %lu, "
         "pages registered %lu -> %lu, committed %lu -> %lu, free process slots %d -> %d\n",
         before->vm.frames_used, now.vm.frames_used, before->vm.swap_used, now.vm.swap_used,
         now.vm.evictions - before->vm.evictions,
         before->vm.pages_registered, now.vm.pages_registered, before->vm.committed,
         now.vm.committed, before->procs, now.procs);
  CHECK(same(before, &now), "something leaked (see the leak check line)");
}

// A file made, written, read back and removed; fork, exec and wait (through /echo).
static void check_system_works(void) {
  static char out[3 * 4096 + 17], in[sizeof(out)];
  uint64 state = seed + 1;
  for (uint64 i = 0; i < sizeof(out); i++)
    out[i] = (char)test_rand(&state);
  int fd = open("/fuzz-check", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "cannot create a file after the fuzzing");
  CHECK(write(fd, out, sizeof(out)) == sizeof(out), "cannot write a file after the fuzzing");
  close(fd);
  fd = open("/fuzz-check", O_RDONLY);
  CHECK(fd >= 0 && read(fd, in, sizeof(in)) == sizeof(in), "cannot read the file back");
  close(fd);
  CHECK(memcmp(in, out, sizeof(in)) == 0, "the file read back differs");
  CHECK(unlink("/fuzz-check") == 0 && open("/fuzz-check", O_RDONLY) < 0, "unlink failed");
  expect_echo_runs("fuzz: echo runs after the fuzzing");
}

// So that the stack the checks use is there before the first snapshot: 64 KiB of frames
// (small ones: gcc may store below sp before it moves sp over a large frame).
__attribute__((noinline)) static int grow_stack(int depth) {
  char frame[1024];
  memset(frame, depth, sizeof(frame));
  return depth > 0 ? grow_stack(depth - 1) + frame[depth % 1024] : 0;
}

static void print_counts(void) {
  uint64 total[4] = {0};
  printf("fuzz: %-8s %9s %9s %9s %7s\n", "call", "calls", "-1", "ok", "killed");
  for (int i = 0; i < FZ_NIDX; i++) {
    uint64 *c = counts[i], n = c[FZ_FAIL] + c[FZ_SUCCESS] + c[FZ_KILLED];
    for (int k = FZ_FAIL; k <= FZ_KILLED; k++)
      total[k] += c[k];
    if (n > 0 || fz_calls[i].call)
      printf("fuzz: %-8s %9lu %9lu %9lu %7lu\n", fz_calls[i].name, n, c[FZ_FAIL],
             c[FZ_SUCCESS], c[FZ_KILLED]);
  }
  printf("fuzz: total %lu calls: %lu -1, %lu ok, %lu killed; %d batches, %d timed out\n",
         total[FZ_FAIL] + total[FZ_SUCCESS] + total[FZ_KILLED], total[FZ_FAIL],
         total[FZ_SUCCESS], total[FZ_KILLED], batch, timeouts);
}

int main(int argc, char **argv) {
  test_start("fuzz");
  CHECK(argc >= 3, "usage: fuzz SEED CALLS [FIRST-BATCH [v]]");
  seed = (uint64)atoi(argv[1]);
  uint64 want = (uint64)atoi(argv[2]);
  batch = argc > 3 ? atoi(argv[3]) : 0;
  verbose = argc > 4;
  fz_trace = argc > 4 && argv[4][0] == 't';
  int first = batch;
  printf("fuzz: seed %lu, %lu calls in batches of %d from batch %d\n", seed, want, BATCH, batch);
  CHECK(mkdir("/fz") == 0 && mkdir("/fz/w") == 0, "cannot make the sandbox /fz/w");
  grow_stack(64);
  check_system_works();
  struct snapshot before = snapshot();
  uint64 done = 0, step = want / 10 + 1, empty = 0;
  while (done < want) {
    int t0 = uptime();
    uint64 got = run_batch((int)MIN(want - done, (uint64)BATCH));
    if (verbose)
      printf("fuzz: batch %d: %lu calls in %d ticks\n", batch, got, uptime() - t0);
    done += got;
    empty = got ? 0 : empty + 1;
    CHECK(empty < 20, "20 batches in a row made no calls (last: batch %d)", batch);
    batch++;
    if (done / step != (done - got) / step)
      printf("fuzz: %lu calls, %d batches, %d timed out\n", done, batch - first, timeouts);
  }
  batch -= first;
  remove_sandbox();
  print_counts();
  check_system_works();
  check_no_leak(&before);
  CHECK(anomalies == 0, "%d calls returned what they must not (the FAIL lines above)", anomalies);
  test_pass();
}
