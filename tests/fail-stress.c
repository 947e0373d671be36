// fail-stress [ROUNDS [PAGES]]: a workload for the fault-injection campaign (scripts/failcampaign.py)
// that carries on when the kernel refuses. Any system call may return -1 and any child may be
// killed (out of memory, an I/O error reading a page): those are counted, and the work goes
// on. What is never accepted is a call that succeeded and did the wrong thing: every byte
// that comes back (from a file, a pipe, a shared or private mapping, a page that went to swap
// and back, a copy-on-write copy, exec's arguments) is checked. Each round is a child that
//   files  creates a file, writes 3 blocks, reads them back, rewrites the middle one, reads
//   pipe   has a grandchild write a pattern through a pipe, and checks what arrives
//   heap   grows its heap by PAGES pages (24), fills them, forks: the grandchild checks the copy, writes its own
//          and checks that; the child checks its own pages again afterwards
//   mmap   maps the file shared (stores, msync, read() sees them) and private (stores stay
//          private: read() still sees the file)
//   exec   has a grandchild exec this program with an argument it checks
// A child exits with the number of refusals it met (at most 99), BAD when something came
// back wrong, or is killed (-1). Without fault injection nothing may be refused or killed.
#include "swaplib.h"

#define FILE_BYTES (3 * PAGE)
#define BAD 200  // exit status of a child that found something wrong
#define EXEC_WORD "fail-stress-42"
#define MIN(a, b) ((a) < (b) ? (a) : (b))

static int refused;  // this process's refusals so far
static int heap_pages = 24;  // the heap each round grows (PAGES)

static void bad(const char *what, uint64 where) {
  printf("fail-stress: FAIL: %s (at %lu) came back wrong\n", what, where);
  exit(BAD);
}

// Counts a refusal (a -1, a short transfer, a killed grandchild) when cond is false.
static int ok(int cond) {
  if (!cond)
    refused++;
  return cond;
}

static uchar byte_at(uint64 seed, uint64 off) { return (uchar)swap_pattern(seed, off) ^ (uchar)off; }

static void fill_bytes(uchar *b, uint64 off, uint64 n, uint64 seed) {
  for (uint64 i = 0; i < n; i++)
    b[i] = byte_at(seed, off + i);
}

// The first n bytes of b must be the seed's pattern from offset off.
static void check_bytes(const char *what, const uchar *b, uint64 off, uint64 n, uint64 seed) {
  for (uint64 i = 0; i < n; i++)
    if (b[i] != byte_at(seed, off + i))
      bad(what, off + i);
}

// Waits for a grandchild and adds what it met; one that found something wrong makes this
// process fail too.
static void reap(void) {
  int status = 0;
  if (!ok(wait(&status) > 0))
    return;
  if (status == BAD)
    exit(BAD);
  refused += status < 0 ? 1 : status;
}

static uchar buf[FILE_BYTES];

// Returns 1 when the file holds its FILE_BYTES (so it can be mapped whole), else 0.
static int files(const char *path, uint64 seed) {
  int fd = open(path, O_CREATE | O_TRUNC | O_RDWR);
  if (!ok(fd >= 0))
    return 0;
  fill_bytes(buf, 0, FILE_BYTES, seed);
  int n = write(fd, buf, FILE_BYTES);
  close(fd);
  if (!ok(n == FILE_BYTES))
    return 0;
  if (ok((fd = open(path, O_RDWR)) >= 0)) {
    memset(buf, 0, FILE_BYTES);
    int got = read(fd, buf, FILE_BYTES);
    ok(got == FILE_BYTES);
    check_bytes("a file read", buf, 0, got > 0 ? got : 0, seed);
    close(fd);
  }
  return 1;
}

static void pipe_round(uint64 seed) {
  int fds[2];
  if (!ok(pipe(fds) == 0))
    return;
  int pid = fork();
  if (pid == 0) {
    close(fds[0]);
    fill_bytes(buf, 0, FILE_BYTES, seed);
    exit(write(fds[1], buf, FILE_BYTES) == FILE_BYTES ? 0 : 1);
  }
  close(fds[1]);
  uint64 got = 0;
  int n;
  static uchar in[FILE_BYTES];
  while (got < FILE_BYTES && (n = read(fds[0], in + got, FILE_BYTES - got)) > 0)
    got += n;
  close(fds[0]);
  check_bytes("a pipe read", in, 0, got, seed);
  if (ok(pid > 0))
    reap();
}

static void heap_round(uint64 seed) {
  uint64 brk = (uint64)sbrk(0);
  char *p = sbrk((int)((PAGE - brk % PAGE) % PAGE + heap_pages * PAGE));
  if (!ok(p != (char *)-1))
    return;
  uint64 *pages = (uint64 *)(((uint64)p + PAGE - 1) & ~(PAGE - 1));
  for (int i = 0; i < heap_pages; i++)
    for (uint64 k = 0; k < WPP; k++)
      pages[i * WPP + k] = swap_pattern(seed, (uint64)&pages[i * WPP + k]);
  int pid = fork();
  if (pid == 0) {
    refused = 0;
    for (uint64 k = 0; k < heap_pages * WPP; k++)
      if (pages[k] != swap_pattern(seed, (uint64)&pages[k]))
        bad("the child's copy of a heap page", k);
    for (uint64 k = 0; k < heap_pages * WPP; k++)
      pages[k] = swap_pattern(seed + 1, (uint64)&pages[k]);
    for (uint64 k = 0; k < heap_pages * WPP; k++)
      if (pages[k] != swap_pattern(seed + 1, (uint64)&pages[k]))
        bad("a heap page the child wrote", k);
    exit(0);
  }
  if (ok(pid > 0))
    reap();
  for (uint64 k = 0; k < heap_pages * WPP; k++)
    if (pages[k] != swap_pattern(seed, (uint64)&pages[k]))
      bad("a heap page after the fork", k);
}

static void mmap_round(const char *path, uint64 seed) {
  int fd = open(path, O_RDWR);
  if (!ok(fd >= 0))
    return;
  uchar *shared = mmap(0, FILE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  uchar *private = mmap(0, FILE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  if (ok(shared != MAP_FAILED)) {
    check_bytes("a shared mapping", shared, 0, FILE_BYTES, seed);
    fill_bytes(shared + PAGE, PAGE, PAGE, seed + 7);  // the middle block, a new pattern
    if (ok(msync(shared, FILE_BYTES, MS_SYNC) == 0)) {
      int n = read(fd, buf, FILE_BYTES);  // coherent with the mapping, msync or not
      ok(n == FILE_BYTES);
      uint64 got = n > 0 ? n : 0;
      check_bytes("a read of a mapped file's first block", buf, 0, MIN(got, PAGE), seed);
      if (got > PAGE)
        check_bytes("a read of a shared mapping's stores", buf + PAGE, PAGE,
                    MIN(got - PAGE, PAGE), seed + 7);
    }
    ok(munmap(shared, FILE_BYTES) == 0);
  }
  if (ok(private != MAP_FAILED)) {
    fill_bytes(private, 0, PAGE, seed + 9);  // a private copy: the file does not change
    check_bytes("a private mapping's stores", private, 0, PAGE, seed + 9);
    ok(munmap(private, FILE_BYTES) == 0);
  }
  close(fd);
}

static void exec_round(void) {
  int pid = fork();
  if (pid == 0) {
    char *argv[] = {"fail-stress", "exec", EXEC_WORD, 0};
    exec("/tests/fail-stress", argv);
    exit(1);  // refused
  }
  if (ok(pid > 0))
    reap();
}

static void child(int round) {
  char path[32];
  snprintf(path, sizeof(path), "/fstress-%d", getpid());
  uint64 seed = 1000 + round;
  int whole = files(path, seed);
  pipe_round(seed + 1);
  heap_round(seed + 2);
  if (whole)
    mmap_round(path, seed);
  exec_round();
  unlink(path);  // may be refused too; a leftover file is harmless
  exit(refused > 99 ? 99 : refused);
}

int main(int argc, char **argv) {
  test_start("fail-stress");
  if (argc == 3 && strcmp(argv[1], "exec") == 0) {
    if (strcmp(argv[2], EXEC_WORD) != 0)
      bad("exec's argument", 0);
    exit(0);
  }
  int rounds = argc > 1 ? atoi(argv[1]) : 8;
  if (argc > 2)
    heap_pages = atoi(argv[2]);
  int killed = 0, failed_forks = 0, wrong = 0, total = 0;
  for (int r = 0; r < rounds; r++) {
    int pid = fork();
    if (pid == 0)
      child(r);
    if (pid < 0) {
      failed_forks++;
      continue;
    }
    int status = 0;
    if (wait(&status) != pid) {
      failed_forks++;
      continue;
    }
    if (status < 0)
      killed++;
    else if (status == BAD)
      wrong++;
    else
      total += status;
  }
  printf("fail-stress: %d rounds: %d refusals, %d children killed, %d forks refused\n", rounds,
         total, killed, failed_forks);
  CHECK(wrong == 0, "%d rounds found something that came back wrong", wrong);
  test_pass();
}
