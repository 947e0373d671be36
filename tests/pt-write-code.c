// pt-write-code: the program's text and constants are read-only. A store to main's own code
// (a resident page), a store to a text page never executed (not yet loaded), a store to a
// .rodata page never read, and an atomic swap on main's code each kill their process with
// "write to a read-only page" (exit status -1); the parent's text and constants are intact.
#include "testlib.h"

#define PAGE 4096UL
#define PAD_WORDS 8192  // 32 KiB of text that never runs
#define STR_(x) #x
#define STR(x) STR_(x)
#define NOP 0x00000013u  // addi x0, x0, 0

__asm__(".pushsection .text.zpad, \"ax\", @progbits\n"
        ".balign 4096\n"
        ".globl pad_code\n"
        "pad_code:\n"
        ".rept " STR(PAD_WORDS) "\n"
        ".4byte 0x00000013\n"
        ".endr\n"
        ".popsection\n");
extern const uint32 pad_code[PAD_WORDS];

static const uint32 ro_table[4 * 1024] __attribute__((aligned(4096))) = {
  [0 ... 4 * 1024 - 1] = 0x600dc0de,
};

static volatile char *target;

static void store_byte(void) { *target = 0x5a; }

static void amoswap(void) {
  uint32 old;
  __asm__ volatile("amoswap.w %0, zero, (%1)" : "=r"(old) : "r"(target) : "memory");
}

static void expect_killed(void (*fn)(void), const void *addr, const char *what) {
  target = (volatile char *)addr;
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {
    fn();
    printf("pt-write-code: FAIL: %s at %p did not kill the process\n", what, addr);
    exit(2);
  }
  int status = 0;
  CHECK(wait(&status) == pid, "wait");
  CHECK(status == -1, "%s at %p: the child exited with %d, expected -1", what, addr, status);
}

int main(void) {
  test_start("pt-write-code");
  uchar before[16];
  memcpy(before, (void *)main, sizeof(before));
  const uint32 *pad_page = pad_code + 4 * (PAGE / 4);
  const uint32 *ro_page = ro_table + 2 * (PAGE / 4);
  CHECK((uint64)pad_code % PAGE == 0 && (uint64)ro_table % PAGE == 0, "misaligned test data");

  expect_killed(store_byte, (void *)main, "a store to main's code");
  expect_killed(store_byte, pad_page + 100, "a store to a text page never executed");
  expect_killed(store_byte, ro_page + 100, "a store to a .rodata page never read");
  expect_killed(amoswap, (void *)((uint64)main & ~7UL), "an atomic swap on main's code");

  CHECK(memcmp(before, (void *)main, sizeof(before)) == 0, "main's code changed");
  for (int i = 0; i < PAD_WORDS; i++)
    CHECK(pad_code[i] == NOP, "text word %d is 0x%x", i, pad_code[i]);
  for (int i = 0; i < 4 * 1024; i++)
    CHECK(ro_table[i] == 0x600dc0de, "constant %d is 0x%x", i, ro_table[i]);
  test_pass();
}
