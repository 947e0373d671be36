// pt-bad-addr: loads, stores and jumps to user addresses that no page covers (NULL, the page
// at 0x1000, the gap between heap and stack at 0x3000000000, the top page of user space) kill
// the process that makes them, with one kill line and exit status -1; the parent, and the
// system, carry on.
#include "faultlib.h"

int main(void) {
  test_start("pt-bad-addr");
  expect_killed(fault_load, 0, "load");
  expect_killed(fault_store, 0, "store");
  expect_killed(fault_load, 0x1000, "load");
  expect_killed(fault_store, 0x1000, "store");
  expect_killed(fault_jump, 0x1000, "jump");
  expect_killed(fault_load, 0x3000000000UL, "load");
  expect_killed(fault_store, 0x3000000000UL, "store");
  expect_killed(fault_jump, 0x3000000000UL, "jump");
  expect_killed(fault_load, 0x3ffffff000UL, "load");  // the top page of user space is never mapped
  // The parent is untouched and its children still run programs.
  expect_echo_runs("pt-bad-addr: echo runs");
  test_pass();
}
