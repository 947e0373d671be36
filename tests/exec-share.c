// exec-share: a program's pages that hold nothing but the program file's bytes are the page
// cache's, one frame however many processes run the program. The parent runs this program
// and reads its page-aligned constants and data; children exec the same file again (fresh
// address spaces: nothing inherited through fork), so their claims of those pages must be
// page-cache hits that bring the right bytes. A child's write to a whole .data page gets a
// copy of its own: neither the parent nor a later child sees it.
#include "testlib.h"

#define PAGES 4
#define PAGE 4096
#define WORDS (PAGES * PAGE / 8)

// Whole pages of .rodata and .data, with values no zero-fill could give.
static const uint64 table[WORDS] __attribute__((aligned(PAGE))) = {
    [0 ... WORDS - 1] = 0x5105e5105e5105e5UL};
static uint64 data[WORDS] __attribute__((aligned(PAGE))) = {[0 ... WORDS - 1] = 0xda7ada7ada7ada7aUL};

// Touches every page of both arrays; 0 if they hold what the program file says.
static int check_pages(void) {
  for (int i = 0; i < WORDS; i += PAGE / 8)
    if (((volatile const uint64 *)table)[i] != 0x5105e5105e5105e5UL ||
        ((volatile uint64 *)data)[i] != 0xda7ada7ada7ada7aUL)
      return -1;
  return 0;
}

// A child: "check" reads both arrays; "write" also writes every data page, then reads back.
static int child(const char *what) {
  if (check_pages() < 0)
    return 2;
  if (strcmp(what, "write") == 0) {
    for (int i = 0; i < WORDS; i += PAGE / 8)
      data[i] = 0x0123456789abcdefUL + i;
    for (int i = 0; i < WORDS; i += PAGE / 8)
      if (data[i] != 0x0123456789abcdefUL + i)
        return 3;
  }
  return 0;
}

// Runs `exec-share MODE` in a child; returns the page-cache hits the run took.
static uint64 run_child(const char *mode) {
  struct vmstat a, b;
  CHECK(vmstat(&a) == 0, "vmstat");
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {
    char *argv[] = {"exec-share", (char *)mode, 0};
    exec("/tests/exec-share", argv);
    exit(127);
  }
  expect_child_status(0);
  CHECK(vmstat(&b) == 0, "vmstat");
  return b.pcache_hits - a.pcache_hits;
}

int main(int argc, char **argv) {
  if (argc == 2)
    exit(child(argv[1]));
  test_start("exec-share");
  CHECK(check_pages() == 0, "the parent's own constants or data are wrong");
  // The child's first code page, and the 2 * PAGES pages of the arrays, which the parent
  // brought into the cache: at least that many hits.
  uint64 hits = run_child("check");
  printf("exec-share: a second run of the program: %lu page-cache hits\n", hits);
  CHECK(hits >= 1 + 2 * PAGES, "%lu page-cache hits, expected at least %d", hits,
        1 + 2 * PAGES);
  hits = run_child("write");
  CHECK(hits >= 1 + 2 * PAGES, "the writer took %lu page-cache hits", hits);
  CHECK(check_pages() == 0, "a child's write to its .data reached the parent");
  hits = run_child("check");
  CHECK(hits >= 1 + 2 * PAGES, "%lu page-cache hits after the writer", hits);
  check_vm_invariants();
  test_pass();
}
