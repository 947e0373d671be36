// mmap-anon: anonymous private memory: zero on first touch, lazily (nothing resident before),
// private across fork both ways, gone after munmap; PROT_NONE pages kill any access, a
// PROT_READ one kills a store, and a PROT_EXEC one runs code copied into it.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-anon");
  uchar *a = mm_map(0, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(mm_resident(a, 16) == 0, "pages resident before any touch");
  for (int i = 0; i < 16; i++)
    CHECK(a[i * PAGE + i] == 0, "page %d is not zero", i);
  a[0] = 'p';
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {
    CHECK(a[0] == 'p', "the child does not see the parent's byte");
    a[0] = 'c';
    a[PAGE] = 'c';
    exit(0);
  }
  expect_child_status(0);
  CHECK(a[0] == 'p' && a[PAGE] == 0, "the child's writes leaked into the parent (%c, 0x%x)", a[0],
        a[PAGE]);
  CHECK(munmap(a, 16 * PAGE) == 0, "munmap");
  mm_expect_killed(fault_load, a, "a load from unmapped anonymous memory");
  uchar *none = mm_map(0, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  mm_expect_killed(fault_load, none, "a load from a PROT_NONE page");
  mm_expect_killed(fault_store, none, "a store to a PROT_NONE page");
  uchar *ro = mm_map(0, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(ro[5] == 0, "read-only anonymous page not zero");
  mm_expect_killed(fault_store, ro, "a store to a PROT_READ anonymous page");
  CHECK(read(0, ro, 1) == -1, "read() into a PROT_READ page succeeded");
  // li a0, 42; ret
  static const uint32 code[] = {0x02a00513, 0x00008067};
  uchar *x = mm_map(0, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memcpy(x, code, sizeof(code));
  asm volatile("fence.i");
  int (*fn)(void) = (int (*)(void))x;
  CHECK(fn() == 42, "code in an executable mapping returned %d", fn());
  mm_expect_killed(fault_jump, a + PAGE, "a jump into an unmapped page");
  check_vm_invariants();
  test_pass();
}
