// kill-reasons (boot arguments fail_user overcommit=never): the kill line names the real
// reason for the three that only a failing kernel gives. Each child provokes one and must be
// killed with exactly that reason (tests/suite.py checks the lines), the parent carrying on:
//   - kernel out of memory: the kernel cannot allocate the struct page of a page the child
//     touches for the first time (failinject makes its next kmalloc fail);
//   - I/O error reading the page: the disk read of a mapped file's page fails (failinject
//     makes its next disk read fail; /README's blocks are read by nothing else);
//   - out of memory: strict overcommit (overcommit=never) has no room left for the stack to
//     grow, because the child's heap was promised everything;
//   - and one more that no other test gives: execute of a non-executable page (a jump into
//     the heap).
// Then the same child work without failinject succeeds, so nothing else is broken.
#include "testlib.h"

#define PAGE 4096UL

// 16 KiB a level, deep enough to grow the stack by 64 KiB (well inside its 1 MiB limit).
static __attribute__((noinline)) uint64 recurse(int depth) {
  uint64 frame[2048];
  frame[0] = depth;
  __asm__ volatile("" : : "r"(frame) : "memory");
  if (depth >= 4)
    return frame[0];
  return recurse(depth + 1) + frame[0];
}

// A first touch of a heap page nobody looked at yet: its struct page is made now.
static void touch_new_page(int fail) {
  char *p = sbrk(2 * PAGE);
  CHECK(p != (char *)-1, "sbrk");
  p = (char *)(((uint64)p + PAGE - 1) & ~(PAGE - 1));  // a page the heap never had
  CHECK(!fail || failinject(FAIL_KMALLOC, 1) == 0, "failinject (booted without fail_user?)");
  p[0] = 1;
}

// The second page of /README, mapped privately, read for the first time.
static void read_mapped_page(int fail) {
  int fd = open("/README", O_RDONLY);
  CHECK(fd >= 0, "open /README");
  char *m = mmap(0, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
  CHECK(m != MAP_FAILED, "mmap /README");
  CHECK(!fail || failinject(FAIL_DISK_READ, 1) == 0, "failinject");
  volatile char c = m[PAGE];
  (void)c;
}

// The whole commit limit goes to the heap; then the stack grows.
static void grow_stack_past_commit(int fail) {
  if (fail) {
    while (sbrk(64 * PAGE) != (char *)-1)
      ;
    while (sbrk(PAGE) != (char *)-1)
      ;
  }
  recurse(0);
}

// A jump to a heap page holding a valid instruction (ret), which the heap may not execute.
static void jump_into_heap(int fail) {
  uint32 *p = (uint32 *)sbrk(2 * PAGE);
  CHECK(p != (uint32 *)-1, "sbrk");
  p = (uint32 *)(((uint64)p + PAGE - 1) & ~(PAGE - 1));
  *p = 0x00008067;  // ret
  if (fail)
    ((void (*)(void))p)();
}

// Runs fn in a child; it must exit with `status` (-1: killed).
static void in_child(void (*fn)(int), int fail, int status) {
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {
    fn(fail);
    exit(0);
  }
  expect_child_status(status);
}

int main(void) {
  test_start("kill-reasons");
  in_child(touch_new_page, 1, -1);
  in_child(read_mapped_page, 1, -1);
  in_child(grow_stack_past_commit, 1, -1);
  in_child(jump_into_heap, 1, -1);
  in_child(touch_new_page, 0, 0);
  in_child(read_mapped_page, 0, 0);
  in_child(grow_stack_past_commit, 0, 0);
  in_child(jump_into_heap, 0, 0);
  test_pass();
}
