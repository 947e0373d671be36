// cow-strict (overcommit=never): strict accounting counts a shared private page once for
// every process that may write it, so a copy can never fail for lack of memory: a fork whose
// child's heap would not fit in what is left of the commit limit fails with -1 (and commits
// nothing), and a child that fits may write every shared page (each write a copy) without
// being killed.
#include "cowlib.h"

int main(void) {
  test_start("cow-strict");
  struct vmstat st = vm_now();
  uint64 room = st.commit_limit - st.committed;
  uint64 *big = grow_pages(room * 6 / 10);  // the child could not commit this again
  fill_pages(big, room * 6 / 10, 70);
  struct vmstat a = vm_now();
  CHECK(fork() == -1, "a fork needing %lu pages with %lu left succeeded", room * 6 / 10,
        a.commit_limit - a.committed);
  CHECK(vm_now().committed == a.committed, "a refused fork left %lu pages committed",
        vm_now().committed - a.committed);
  shrink_pages(room * 6 / 10);
  uint64 n = room / 4;
  uint64 *h = grow_pages(n);
  fill_pages(h, n, 71);
  int pid = fork();
  CHECK(pid >= 0, "a fork that fits failed");
  if (pid == 0) {
    fill_pages(h, n, 72);  // every page copied
    check_pages("the child's copies", h, n, 72);
    exit(0);
  }
  expect_child_status(0);
  check_pages("the parent's pages", h, n, 71);
  check_vm_invariants();
  test_pass();
}
