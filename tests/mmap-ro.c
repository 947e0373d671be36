// mmap-ro: what the descriptor allows, the mapping allows: a file open read-only cannot be
// mapped shared and writable (-1), can be mapped private and writable (the writes stay in
// the process), and a PROT_READ mapping kills a store; a write-only descriptor cannot be
// mapped at all.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-ro");
  mm_make_file("mro", PAGE, 32);
  int fd = open("mro", O_RDONLY);
  CHECK(mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED,
        "shared writable mapping of a read-only fd accepted");
  uchar *priv = mm_map(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  priv[0] = ~priv[0];
  uchar *ro = mm_map(0, PAGE, PROT_READ, MAP_SHARED, fd, 0);
  CHECK(ro[0] == mm_byte(32, 0), "a private write reached the shared view (0x%x)", ro[0]);
  mm_expect_killed(fault_store, ro, "a store to a PROT_READ mapping");
  int wfd = open("mro", O_WRONLY);
  CHECK(wfd >= 0, "open write-only");
  CHECK(mmap(0, PAGE, PROT_READ, MAP_SHARED, wfd, 0) == MAP_FAILED,
        "mapping of a write-only fd accepted");
  CHECK(mmap(0, PAGE, PROT_WRITE, MAP_SHARED, wfd, 0) == MAP_FAILED,
        "PROT_WRITE mapping of a write-only fd accepted");
  check_vm_invariants();
  test_pass();
}
