// pt-write-code: the program's text and constants are read-only. A store to main's own code
// (a resident page), a store to a text page never executed (not yet loaded), a store to a
// .rodata page never read, and an atomic swap on main's code each kill their process with
// "write to a read-only page" (exit status -1); the parent's text and constants are intact.
#include "faultlib.h"
#include "textpad.h"

int main(void) {
  test_start("pt-write-code");
  uchar before[16];
  memcpy(before, (void *)main, sizeof(before));
  const uint32 *pad_page = pad_code + 4 * (PAGE / 4);
  const uint32 *ro_page = ro_table + 2 * (PAGE / 4);
  CHECK((uint64)pad_code % PAGE == 0 && (uint64)ro_table % PAGE == 0, "misaligned test data");

  expect_killed(fault_store, (uint64)main, "a store to main's code");
  expect_killed(fault_store, (uint64)(pad_page + 100), "a store to a text page never executed");
  expect_killed(fault_store, (uint64)(ro_page + 100), "a store to a .rodata page never read");
  expect_killed(fault_amoswap, (uint64)main & ~7UL, "an atomic swap on main's code");

  CHECK(memcmp(before, (void *)main, sizeof(before)) == 0, "main's code changed");
  for (int i = 0; i < PAD_WORDS; i++)
    CHECK(pad_code[i] == NOP, "text word %d is 0x%x", i, pad_code[i]);
  for (int i = 0; i < RO_WORDS; i++)
    CHECK(ro_table[i] == RO_VALUE, "constant %d is 0x%x", i, ro_table[i]);
  test_pass();
}
