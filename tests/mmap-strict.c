// mmap-strict (boot with overcommit=never): a private writable mapping counts against the
// commit limit like heap (one that would exceed it fails with -1 and changes nothing), a
// shared or read-only one does not (its writes go to the file), and munmap gives the pages
// back to the limit.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-strict");
  struct vmstat st = mm_vmstat();
  uint64 room = st.commit_limit - st.committed;
  mm_make_file("mst", PAGE, 46);
  int fd = open("mst", O_RDWR);
  CHECK(mmap(0, (room + 1) * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
        MAP_FAILED, "an anonymous mapping of %lu pages (room for %lu) accepted", room + 1, room);
  CHECK(mmap(0, (room + 1) * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0) == MAP_FAILED,
        "a private writable file mapping of %lu pages accepted", room + 1);
  CHECK(mm_vmstat().committed == st.committed, "refused mappings changed the commit count");
  uchar *s = mm_map(0, (room + 1) * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  uchar *r = mm_map(0, (room + 1) * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
  CHECK(mm_vmstat().committed == st.committed, "shared or read-only mappings were committed");
  uchar *a = mm_map(0, room / 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(mm_vmstat().committed == st.committed + room / 2, "committed %lu, expected %lu",
        mm_vmstat().committed, st.committed + room / 2);
  CHECK(sbrk((room - room / 2 + 1) * PAGE) == (char *)-1, "sbrk past the limit accepted");
  CHECK(munmap(a, room / 2 * PAGE) == 0, "munmap");
  CHECK(mm_vmstat().committed == st.committed, "munmap did not give the commitment back");
  CHECK(munmap(s, (room + 1) * PAGE) == 0 && munmap(r, (room + 1) * PAGE) == 0, "munmap");
  check_vm_invariants();
  test_pass();
}
