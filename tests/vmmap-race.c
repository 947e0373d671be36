// vmmap-race: looking at processes while they change their address spaces, exec and exit
// never crashes the kernel, never gives a malformed picture and never makes the checker
// disagree. A spawner keeps three workers alive, 24 in all; each worker, for a random number
// of rounds, grows and shrinks its heap, maps and unmaps anonymous and file pages, forks a
// child that execs this program (which exits at once), and sleeps a tick (when it can be
// looked at); then it exits, with a file still mapped. Meanwhile this process, for two seconds, asks vmquery about
// every pid the spawner may have made, whole (one call: one consistent picture, which must
// be well formed and name the right pid) and in windows of 3 records (-1 or records, as
// the process may run or exit between the calls), and runs vmcheck, which must find
// nothing wrong. vmquery must have seen some workers (else the test proved nothing).
#include "vmqlib.h"

#define PAGE 4096UL
#define WORKERS 24
#define AT_ONCE 3
#define PIDS 400          // pids after the spawner's that are looked at
#define QUERY_TICKS 200
static const char *path = "/vmmap-race.dat";

static void worker(uint64 seed) {
  int rounds = 3 + test_rand(&seed) % 8;
  int fd = open(path, O_RDWR);
  CHECK(fd >= 0, "open %s", path);
  for (int r = 0; r < rounds; r++) {
    int n = 1 + test_rand(&seed) % 64;
    char *heap = sbrk(n * PAGE);
    CHECK(heap != (char *)-1, "sbrk");
    for (int i = 0; i < n; i += 1 + test_rand(&seed) % 4)
      heap[i * PAGE] = i;
    char *anon = mmap(0, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    volatile char *file = mmap(0, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(anon != MAP_FAILED && file != MAP_FAILED, "mmap");
    anon[0] = anon[5 * PAGE] = 1;
    (void)file[PAGE];
    CHECK(munmap(anon + 4 * PAGE, 4 * PAGE) == 0, "munmap");
    if (test_rand(&seed) % 3 == 0) {
      int pid = fork();
      CHECK(pid >= 0, "fork");
      if (pid == 0) {
        char *argv[] = {"vmmap-race", "quick", 0};
        exec("/tests/vmmap-race", argv);
        exit(127);
      }
      expect_child_status(0);
    }
    sleep(1);
    CHECK(munmap(anon, 4 * PAGE) == 0, "munmap");
    if (r < rounds - 1)  // the last one is left to exit, which frees it after the heap
      CHECK(munmap((void *)file, 2 * PAGE) == 0, "munmap");
    if (r % 2)
      CHECK(sbrk(-(n / 2) * (int)PAGE) != (char *)-1, "sbrk shrink");
  }
  exit(0);
}

static void spawner(void) {
  int running = 0;
  for (int w = 0; w < WORKERS; w++) {
    if (running == AT_ONCE) {
      expect_child_status(0);
      running--;
    }
    int pid = fork();
    CHECK(pid >= 0, "fork");
    if (pid == 0)
      worker(w * 7919 + 1);
    running++;
  }
  while (running--)
    expect_child_status(0);
  exit(0);
}

static struct vmq_map map;

// One look at pid: a whole picture, then one in windows; returns 1 if the whole one was had.
static int look(int pid) {
  static struct vmq_rec buf[VMQ_MAX_RECORDS];
  int seen = 0;
  int n = vmquery(pid, 0, buf, VMQ_MAX_RECORDS);
  CHECK(n == -1 || (n >= 1 && n <= VMQ_MAX_RECORDS), "vmquery returned %d", n);
  if (n >= 1) {
    CHECK(buf[0].type == VMQ_PROC && buf[0].flags == (unsigned)pid,
          "the picture of pid %d says type %u pid %u", pid, buf[0].type, buf[0].flags);
    map.nareas = map.nruns = 0;
    map.first_run[0] = 0;
    for (int i = 1; i < n; i++)
      CHECK(vmq_add(&map, &buf[i]) == 0, "pid %d: record %d (type %u) out of place", pid, i,
            buf[i].type);
    const char *bad = buf[0].start == 0 ? vmq_problem(&map) : 0;
    CHECK(!bad, "pid %d: a malformed picture: %s", pid, bad);
    seen = 1;
  }
  for (uint64 from = 0;;) {
    n = vmquery(pid, from, buf, 3);
    CHECK(n == -1 || (n >= 1 && n <= 3), "vmquery in a window returned %d", n);
    if (n < 1 || buf[0].start == 0)
      break;
    CHECK(buf[0].start > from, "no progress: from 0x%lx, next 0x%lx", from, buf[0].start);
    from = buf[0].start;
  }
  return seen;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "quick") == 0)
    exit(0);  // a worker's child, exec'd to race with the looks
  test_start("vmmap-race");
  int fd = open(path, O_CREATE | O_TRUNC | O_RDWR);
  static char block[2 * PAGE];
  CHECK(fd >= 0 && write(fd, block, sizeof(block)) == (int)sizeof(block), "create %s", path);
  close(fd);
  int first = fork();
  CHECK(first >= 0, "fork");
  if (first == 0)
    spawner();
  int looks = 0, pictures = 0, checks = 0, complete = 0;
  char msg[VMCHECK_MSG_MAX];
  for (int start = uptime(); uptime() - start < QUERY_TICKS;) {
    for (int pid = first + 1; pid <= first + PIDS; pid++) {
      pictures += look(pid);
      looks++;
    }
    int r = vmcheck(msg, sizeof(msg));
    CHECK(r == 0, "vmcheck while workers run: %s", r < 0 ? "the call failed" : msg);
    checks++;
    complete += !test_contains(msg, "totals not compared");
  }
  expect_child_status(0);
  printf("vmmap-race: %d looks, %d whole pictures, %d checks (%d with the totals)\n", looks,
         pictures, checks, complete);
  CHECK(pictures >= 10, "only %d pictures of workers were had", pictures);
  CHECK(unlink(path) == 0, "unlink %s", path);
  check_vm_invariants();
  test_pass();
}
