// vmtrace-echo: with the boot argument vmtrace=vmtrace-echo the kernel prints one line for
// each page fault of this program (and of its forked children, which keep its name), naming
// the branch that resolved it: the program's first text page (page cache: a whole page of the
// file) and its last (file read: partly file bytes), a heap store (zero-fill), a read of
// untouched read-only data (page cache), a read of a shared file mapping (page cache) and a
// store to a private one (page cache, then a private copy), a store to a page shared after
// fork (copy-on-write), stack growth (zero-fill in the stack), a page read back from swap
// (swap-in: the test runs with frames=64 and first writes more pages than that), and a store
// to the program's text, which is not resolved (the child is killed). The grader checks the lines, in this order:
// each step prints what it is about to do first.
#include "testlib.h"

#define PAGE 4096UL
#define SWAP_PAGES 96  // more than frames=64

static const char table[2 * PAGE] __attribute__((aligned(4096))) = {1};
static const char *path = "/vmtrace-echo.dat";

static void step(const char *what) { printf("vmtrace-echo: step: %s\n", what); }

static __attribute__((noinline)) void store(volatile char *p, char v) { *p = v; }

// Grows the stack by about 12 KiB below the page it is on (buf lies above sp when it is
// written: a call needs the frame in place first).
static __attribute__((noinline)) int deep(int n) {
  char buf[3 * PAGE];
  store(buf, (char)n);
  return buf[0] + 1;
}

static void mapped_file(void) {
  static char block[PAGE];
  int fd = open(path, O_CREATE | O_TRUNC | O_RDWR);
  CHECK(fd >= 0 && write(fd, block, PAGE) == (int)PAGE, "create %s", path);
  step("read a shared mapping of a file");
  volatile char *shared = mmap(0, PAGE, PROT_READ, MAP_SHARED, fd, 0);
  CHECK(shared != MAP_FAILED, "mmap shared");
  CHECK(shared[10] == 0, "the shared mapping reads %d", shared[10]);
  step("write a private mapping of the same file");
  volatile char *private = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  CHECK(private != MAP_FAILED, "mmap private");
  private[20] = 5;
  CHECK(munmap((void *)shared, PAGE) == 0 && munmap((void *)private, PAGE) == 0, "munmap");
  close(fd);
  CHECK(unlink(path) == 0, "unlink");
}

// A forked child: a copy-on-write store, stack growth, then a store to its own text.
int main(void);

static void child(volatile char *before_fork) {
  step("child: write a page shared with the parent");
  before_fork[0] = 2;
  step("child: grow the stack");
  CHECK(deep(1) == 2, "deep");
  step("child: write to the program's text");
  *(volatile char *)(uint64)main = 0;
  CHECK(0, "the store to text did not kill the child");
}

int main(void) {
  test_start("vmtrace-echo");
  char *heap = sbrk(PAGE);
  step("write a fresh heap page");
  heap[8] = 1;
  step("read untouched read-only data");
  CHECK(((volatile const char *)table)[PAGE + 8] == 0, "table");
  mapped_file();
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0)
    child(heap);
  expect_child_status(-1);
  step("write more pages than there are frames, then read the first again");
  char *many = sbrk(SWAP_PAGES * PAGE);
  CHECK(many != (char *)-1, "sbrk");
  for (uint64 i = 0; i < SWAP_PAGES; i++)
    many[i * PAGE] = (char)i;
  CHECK(((volatile char *)many)[0] == 0, "the first page reads back %d", many[0]);
  step("done");
  check_vm_invariants();
  test_pass();
}
