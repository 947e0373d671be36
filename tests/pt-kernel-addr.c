// pt-kernel-addr: user code cannot touch the kernel's half of the address space. Loads,
// stores and jumps to kernel addresses (the kernel's text, the top of memory, the kernel
// stacks) and a load from a non-canonical address each kill their process (exit status -1).
// System calls given kernel or non-canonical pointers (write, read, open, exec and its
// arguments, pipe, vmstat, mincore) return -1 and the caller carries on.
#include "faultlib.h"

#define KTEXT 0xffffffc080200000UL
#define KTOP 0xffffffffffff0000UL
#define KSTACKS 0xffffffe000000000UL
#define NONCANON 0x8000000000UL

static void system_calls(uint64 addr) {
  char *p = (char *)addr;
  CHECK(write(1, p, 10) == -1, "write(1, %p, 10) did not fail", p);
  int fd = open("/README", O_RDONLY);
  CHECK(fd >= 0, "open /README");
  CHECK(read(fd, p, 10) == -1, "read into %p did not fail", p);
  close(fd);
  CHECK(open(p, O_RDONLY) == -1, "open(%p) did not fail", p);
  char *argv[] = {"echo", "pt-kernel-addr: FAIL: exec ran", 0};
  CHECK(exec(p, argv) == -1, "exec(%p) did not fail", p);
  char *bad_argv[] = {"echo", p, 0};
  CHECK(exec("/echo", bad_argv) == -1, "exec with argument %p did not fail", p);
  CHECK(exec("/echo", (char **)p) == -1, "exec with argv %p did not fail", p);
  CHECK(pipe((int *)p) == -1, "pipe(%p) did not fail", p);
  CHECK(vmstat((struct vmstat *)p) == -1, "vmstat(%p) did not fail", p);
  static uchar vec[4];
  CHECK(mincore((void *)((uint64)vec & ~4095UL), 4096, (uchar *)p) == -1,
        "mincore into %p did not fail", p);
  CHECK(mincore((void *)(addr & ~4095UL), 4096, vec) == -1, "mincore of %p did not fail", p);
}

int main(void) {
  test_start("pt-kernel-addr");
  expect_killed(fault_load, KTEXT, "load");
  expect_killed(fault_store, KTEXT, "store");
  expect_killed(fault_jump, KTEXT, "jump");
  expect_killed(fault_load, KTOP, "load");
  expect_killed(fault_store, KSTACKS, "store");
  expect_killed(fault_load, NONCANON, "load");
  system_calls(KTEXT);
  system_calls(KTOP);
  system_calls(KSTACKS);
  system_calls(NONCANON);
  test_pass();
}
