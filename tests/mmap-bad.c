// mmap-bad: every bad argument to mmap, munmap and msync returns -1 and changes nothing:
// afterwards the same pages are registered and mapped (vmstat), the existing mapping still
// holds its bytes, and its file is unchanged.
#include "mmaplib.h"

#define R PROT_READ
#define W PROT_WRITE
#define X PROT_EXEC

struct bad {
  uint64 addr, len;
  int prot, flags, fd;
  uint64 off;
  const char *why;
};

int main(void) {
  test_start("mmap-bad");
  mm_make_file("mb", 2 * PAGE, 40);
  int rw = open("mb", O_RDWR), ro = open("mb", O_RDONLY);
  CHECK(rw >= 0 && ro >= 0, "open");
  uchar *m = mm_map(0, 2 * PAGE, R | W, MAP_SHARED, rw, 0);
  mm_check("before", m, 0, 2 * PAGE, 40);
  uint64 text = (uint64)main & ~(PAGE - 1);
  struct bad bad[] = {
      {0, 0, R, MAP_SHARED, rw, 0, "length 0"},
      {0, PAGE, R, MAP_SHARED | MAP_PRIVATE, rw, 0, "both SHARED and PRIVATE"},
      {0, PAGE, R, MAP_ANONYMOUS, -1, 0, "neither SHARED nor PRIVATE"},
      {0, PAGE, R, 0x1000 | MAP_PRIVATE, rw, 0, "an unknown flag"},
      {0, PAGE, 0x10 | R, MAP_PRIVATE, rw, 0, "an unknown protection bit"},
      {0x20000001, PAGE, R, MAP_PRIVATE | MAP_FIXED, rw, 0, "MAP_FIXED at an odd address"},
      {0, PAGE, R, MAP_PRIVATE, rw, 1, "offset 1"},
      {0, PAGE, R, MAP_PRIVATE, 99, 0, "fd 99"},
      {0, PAGE, R | W, MAP_SHARED, ro, 0, "shared writable on a read-only fd"},
      {0, PAGE, R, MAP_SHARED | MAP_ANONYMOUS, -1, 0, "shared anonymous"},
      {0x3ffffff000, 3 * PAGE, R, MAP_PRIVATE | MAP_FIXED, rw, 0, "reaching kernel space"},
      {0xffffffc000000000, PAGE, R, MAP_PRIVATE | MAP_FIXED, rw, 0, "in kernel space"},
      {0x10000000, (uint64)-0x10000000, R, MAP_PRIVATE | MAP_FIXED, rw, 0, "wrapping"},
      {0, (uint64)-1, R, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, "length 2^64-1"},
      {(uint64)m, PAGE, R, MAP_PRIVATE | MAP_FIXED_NOREPLACE, rw, 0, "NOREPLACE over a mapping"},
      {text, PAGE, R | X, MAP_PRIVATE | MAP_FIXED_NOREPLACE, rw, 0, "NOREPLACE over the text"},
  };
  CHECK(sbrk(2 * PAGE) != (char *)-1, "sbrk");  // a heap page for munmap to refuse below
  struct vmstat before = mm_vmstat();
  for (uint64 i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    struct bad *b = &bad[i];
    CHECK(mmap((void *)b->addr, b->len, b->prot, b->flags, b->fd, b->off) == MAP_FAILED,
          "mmap with %s succeeded", b->why);
  }
  CHECK(munmap(m + 1, PAGE) == -1, "munmap at an unaligned address succeeded");
  CHECK(munmap(m, 0) == -1, "munmap of length 0 succeeded");
  CHECK(munmap((void *)0xffffffc080200000UL, PAGE) == -1, "munmap of kernel space succeeded");
  CHECK(munmap(m, (uint64)-PAGE) == -1, "munmap of a wrapping range succeeded");
  CHECK(munmap((void *)(((uint64)sbrk(0) - 1) & ~(PAGE - 1)), PAGE) == -1,
        "munmap of the heap succeeded");
  CHECK(msync(m + 1, PAGE, MS_SYNC) == -1, "msync at an unaligned address succeeded");
  CHECK(msync(m, PAGE, MS_SYNC | MS_ASYNC) == -1, "msync with both MS_SYNC and MS_ASYNC succeeded");
  CHECK(msync(m, PAGE, 0x40) == -1, "msync with an unknown flag succeeded");
  CHECK(msync((void *)0x3ffff000, PAGE, MS_SYNC) == -1, "msync of an unmapped range succeeded");
  CHECK(msync(m, 5 * PAGE, MS_SYNC) == -1, "msync of a range past the mapping succeeded");
  struct vmstat after = mm_vmstat();
  CHECK(after.pages_registered == before.pages_registered, "pages registered %lu -> %lu",
        before.pages_registered, after.pages_registered);
  CHECK(after.pages_mapped == before.pages_mapped, "pages mapped %lu -> %lu",
        before.pages_mapped, after.pages_mapped);
  CHECK(after.writebacks == before.writebacks, "a refused call wrote back %lu pages",
        after.writebacks - before.writebacks);
  mm_check("after", m, 0, 2 * PAGE, 40);
  static uchar buf[2 * PAGE];
  mm_read_file("mb", 0, buf, 2 * PAGE);
  mm_check("the file", buf, 0, 2 * PAGE, 40);
  check_vm_invariants();
  test_pass();
}
