// cow-isolation: after fork, neither side sees the other's writes, whichever way they are
// made: plain stores (both ways), read() into a shared page (the kernel's write breaks the
// sharing like a store), a pipe read into one, a write() and a pipe write from a shared page
// (the kernel only reads: no copy), a child that shrinks its heap, a child that execs, and a
// parent that exits first (its child still reads its own bytes).
#include "cowlib.h"

#define N 8

static uint64 *heap;

static void plain_writes(void) {
  fill_pages(heap, N, 30);
  int pid = fork();
  if (pid == 0) {
    cow_fill(heap, 0, 1, 31);
    cow_check("child after its write", heap, 0, 1, 31);
    cow_check("child's other pages", heap, 1, N - 1, 30);
    exit(0);
  }
  cow_fill(heap, 1, 1, 32);  // the parent writes too, while the child runs
  expect_child_status(0);
  cow_check("parent's page 0", heap, 0, 1, 30);
  cow_check("parent's own write", heap, 1, 1, 32);
}

static void kernel_writes(void) {
  fill_pages(heap, N, 33);
  int fd = open("cow-i", O_CREATE | O_TRUNC | O_RDWR);
  CHECK(fd >= 0, "create");
  static char text[PAGE];
  memset(text, 'k', sizeof(text));
  CHECK(write(fd, text, PAGE) == (int)PAGE, "write");
  close(fd);
  int p[2];
  CHECK(pipe(p) == 0, "pipe");
  int pid = fork();
  if (pid == 0) {
    int rfd = open("cow-i", O_RDONLY);
    CHECK(read(rfd, (char *)heap + 2 * PAGE, PAGE) == (int)PAGE, "read into a shared page");
    CHECK(((char *)heap)[2 * PAGE + 9] == 'k', "read() did not fill the child's page");
    close(rfd);
    CHECK(write(p[1], "pipe!", 5) == 5, "pipe write");
    CHECK(read(p[0], (char *)heap + 3 * PAGE + 100, 5) == 5, "pipe read into a shared page");
    CHECK(memcmp((char *)heap + 3 * PAGE + 100, "pipe!", 5) == 0, "the pipe read is not there");
    exit(0);
  }
  expect_child_status(0);
  cow_check("parent after the child's read()s", heap, 0, N, 33);
  // The kernel reading shared pages copies nothing: write() and a pipe write from them.
  pid = fork();
  if (pid == 0) {
    struct vmstat a = vm_now();
    int wfd = open("cow-i", O_RDWR);
    CHECK(write(wfd, heap + 4 * WPP, PAGE) == (int)PAGE, "write from a shared page");
    close(wfd);
    CHECK(write(p[1], heap + 5 * WPP, 64) == 64, "pipe write from a shared page");
    struct vmstat b = vm_now();
    CHECK(b.cow_copies == a.cow_copies, "the kernel's reads of shared pages copied %lu pages",
          b.cow_copies - a.cow_copies);
    exit(0);
  }
  expect_child_status(0);
  uint64 got[8];
  CHECK(read(p[0], got, 64) == 64, "pipe read");
  for (int k = 0; k < 8; k++)
    CHECK(got[k] == heap[5 * WPP + k], "pipe word %d", k);
  close(p[0]);
  close(p[1]);
  unlink("cow-i");
}

static void child_shrinks(void) {
  fill_pages(heap, N, 34);
  int pid = fork();
  if (pid == 0) {
    CHECK(sbrk(-(int)(N * PAGE)) != (char *)-1, "the child's sbrk shrink");
    CHECK(sbrk(N * PAGE) != (char *)-1, "the child's sbrk growth");
    for (uint64 i = 0; i < N * WPP; i += 97)
      CHECK(heap[i] == 0, "the child's regrown heap is not zero at word %lu", i);
    exit(0);
  }
  expect_child_status(0);
  cow_check("parent after the child shrank its heap", heap, 0, N, 34);
}

static void child_execs(void) {
  fill_pages(heap, N, 35);
  int pid = fork();
  if (pid == 0) {
    char *argv[] = {"echo", "cow-isolation: the child's exec runs", 0};
    exec("/echo", argv);
    exit(1);
  }
  expect_child_status(0);
  cow_check("parent after the child's exec", heap, 0, N, 35);
  cow_fill(heap, 0, N, 36);  // and its pages work as before
  cow_check("parent writing after the exec", heap, 0, N, 36);
}

// The middle generation writes a page and exits while its child still shares its pages;
// the grandchild, told to go only then, still sees the bytes from before the writes.
static void parent_exits_first(void) {
  fill_pages(heap, N, 37);
  int go[2], done[2];
  CHECK(pipe(go) == 0 && pipe(done) == 0, "pipe");
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {
    int gpid = fork();
    CHECK(gpid >= 0, "fork");
    if (gpid == 0) {
      close(go[1]);
      close(done[0]);
      char c;
      CHECK(read(go[0], &c, 1) == 1, "no go from the top");
      cow_check("grandchild after its parent exited", heap, 0, N, 37);
      cow_fill(heap, 0, N, 38);
      cow_check("grandchild's own writes", heap, 0, N, 38);
      CHECK(write(done[1], "y", 1) == 1, "pipe write");
      exit(0);  // reaped by init: its parent is gone
    }
    cow_fill(heap, 0, 1, 39);
    exit(0);
  }
  close(go[0]);
  close(done[1]);
  expect_child_status(0);  // the middle generation has exited
  CHECK(write(go[1], "g", 1) == 1, "pipe write");
  char c;
  CHECK(read(done[0], &c, 1) == 1, "the grandchild did not finish its checks");
  cow_check("parent at the end", heap, 0, N, 37);
  close(go[1]);
  close(done[0]);
}

int main(void) {
  test_start("cow-isolation");
  heap = grow_pages(N);
  plain_writes();
  kernel_writes();
  child_shrinks();
  child_execs();
  parent_exits_first();
  check_vm_invariants();
  test_pass();
}
