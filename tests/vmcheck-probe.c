// vmcheck-probe: pushes pages of its own out to swap (it runs with frames=64), then runs the
// kernel's invariant checker twice without touching them. Alone, both verdicts must be ok.
// With the argument "gdb" it is the gdb-vmcheck test's subject: gdb stops in the first call,
// adds one to a used swap slot's share count in memory, shows that its own vmcheck sees the
// disagreement, lets the kernel's checker run (which must report it: the first verdict is
// a disagreement naming the slot) and restores the count before the second call (ok).
#include "testlib.h"

#define PAGE 4096UL
#define PAGES 128

int main(int argc, char **argv) {
  test_start("vmcheck-probe");
  int under_gdb = argc == 2 && strcmp(argv[1], "gdb") == 0;
  char *heap = sbrk(PAGES * PAGE);
  CHECK(heap != (char *)-1, "sbrk");
  for (uint64 i = 0; i < PAGES; i++)
    heap[i * PAGE] = (char)(i + 1);
  struct vmstat st;
  CHECK(vmstat(&st) == 0 && st.swap_used > 0, "nothing went to swap");
  char first[VMCHECK_MSG_MAX], second[VMCHECK_MSG_MAX];
  int r1 = vmcheck(first, sizeof(first));
  int r2 = vmcheck(second, sizeof(second));
  printf("vmcheck-probe: first call %d: %s\n", r1, first);
  printf("vmcheck-probe: second call %d: %s\n", r2, second);
  if (under_gdb)
    CHECK(r1 == 1 && test_contains(first, "swap slot"), "the corrupted share count went unseen");
  else
    CHECK(r1 == 0, "%s", first);
  CHECK(r2 == 0, "%s", second);
  for (uint64 i = 0; i < PAGES; i++)
    CHECK(heap[i * PAGE] == (char)(i + 1), "page %lu holds %d", i, heap[i * PAGE]);
  test_pass();
}
