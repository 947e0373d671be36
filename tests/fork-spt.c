// fork-spt: fork copies the supplemental page table. The child sees the parent's resident
// pages (.data read or written, heap and bss written) with their contents, and the parent's
// never-touched pages (.data from the file, heap and bss zero) still lazy (mincore: not
// resident) and with the right contents once touched; writes in either process are invisible
// to the other. Then a leak check: 100 rounds of fork + exit + wait and 20 of fork + exec
// /echo + wait leave frames_used, pages_registered, pages_resident and spt_bytes exactly as
// they were.
#include "testlib.h"

#define PAGE 4096UL
#define WPP 1024  // uint32 words per page
#define DATA_PAGES 16
#define HEAP_PAGES 32
#define BSS_PAGES 8
#define STR_(x) #x
#define STR(x) STR_(x)

// data_words[i] = (i * 2246822519 mod 2^32) ^ 0xa5a5a5a5, in .data (from the executable).
__asm__(".pushsection .data.forkspt, \"aw\", @progbits\n"
        ".balign 4096\n"
        ".globl data_words\n"
        "data_words:\n"
        ".set dw_i, 0\n"
        ".rept " STR(DATA_PAGES * WPP) "\n"
        ".4byte ((dw_i * 2246822519) ^ 0xa5a5a5a5) & 0xffffffff\n"
        ".set dw_i, dw_i + 1\n"
        ".endr\n"
        ".popsection\n");
extern uint32 data_words[DATA_PAGES * WPP];
static uint32 bss_words[BSS_PAGES * WPP] __attribute__((aligned(4096)));
static uint32 *heap;  // HEAP_PAGES pages, page-aligned

static uint32 file_value(uint64 i) { return (uint32)(i * 2246822519UL) ^ 0xa5a5a5a5u; }
static uint32 mark(uint64 i, uint32 who) { return (uint32)(i * 0x9E3779B9u) ^ who; }

#define PARENT_BEFORE 0x11110000u  // what the parent writes before fork
#define CHILD 0x22220000u          // what the child writes
#define PARENT_AFTER 0x33330000u   // what the parent writes after fork

// Pages of each area and what the parent does with them before fork.
enum { UNTOUCHED, READ, WRITTEN };
static const int data_state[DATA_PAGES] = {READ, READ, READ, READ, WRITTEN, WRITTEN};
static const int heap_state[HEAP_PAGES] = {WRITTEN, WRITTEN, WRITTEN, WRITTEN, WRITTEN,
                                           WRITTEN, WRITTEN, WRITTEN, READ, READ};
static const int bss_state[BSS_PAGES] = {WRITTEN, READ};

// The word the page should hold at fork time.
static uint32 initial(uint32 *area, int page_state, uint64 i) {
  if (page_state == WRITTEN)
    return mark(i, PARENT_BEFORE);
  return area == data_words ? file_value(i) : 0;
}

static void touch_page(uint32 *area, int page, int state) {
  volatile uint32 *w = area + page * WPP;
  if (state == READ)
    (void)w[7];
  if (state == WRITTEN)
    for (int k = 0; k < WPP; k++)
      w[k] = mark(page * WPP + k, PARENT_BEFORE);
}

// Checks that page `page` of area holds what it held at fork time.
static void check_initial(const char *who, const char *name, uint32 *area, int page,
                          int state) {
  for (int k = 0; k < WPP; k++) {
    uint64 i = (uint64)page * WPP + k;
    CHECK(area[i] == initial(area, state, i), "%s: %s page %d word %d is 0x%x, expected 0x%x",
          who, name, page, k, area[i], initial(area, state, i));
  }
}

static void check_page(const char *who, const char *name, uint32 *area, int page, uint32 tag) {
  for (int k = 0; k < WPP; k++) {
    uint64 i = (uint64)page * WPP + k;
    CHECK(area[i] == mark(i, tag), "%s: %s page %d word %d is 0x%x, expected 0x%x", who, name,
          page, k, area[i], mark(i, tag));
  }
}

static void write_page(uint32 *area, int page, uint32 tag) {
  for (int k = 0; k < WPP; k++)
    area[(uint64)page * WPP + k] = mark((uint64)page * WPP + k, tag);
}

// Checks residency in the child against the state the parent left each page in.
static void check_residency(const char *name, uint32 *area, const int *state, int npages) {
  static uchar vec[64];
  CHECK(mincore(area, npages * PAGE, vec) == 0, "child: mincore of %s failed", name);
  for (int pg = 0; pg < npages; pg++)
    CHECK((vec[pg] & 1) == (state[pg] != UNTOUCHED), "child: %s page %d resident %d, expected %d",
          name, pg, vec[pg] & 1, state[pg] != UNTOUCHED);
}

// The pages both processes write after fork: a resident and a lazy page of each area.
#define D_RES 4
#define D_LAZY 8
#define H_RES 1
#define H_LAZY 20
#define B_RES 0
#define B_LAZY 3

static void child(int to_parent, int from_parent) {
  check_residency("data", data_words, data_state, DATA_PAGES);
  check_residency("heap", heap, heap_state, HEAP_PAGES);
  check_residency("bss", bss_words, bss_state, BSS_PAGES);
  for (int pg = 0; pg < DATA_PAGES; pg++)
    check_initial("child", "data", data_words, pg, data_state[pg]);
  for (int pg = 0; pg < HEAP_PAGES; pg++)
    check_initial("child", "heap", heap, pg, heap_state[pg]);
  for (int pg = 0; pg < BSS_PAGES; pg++)
    check_initial("child", "bss", bss_words, pg, bss_state[pg]);
  write_page(data_words, D_RES, CHILD);
  write_page(data_words, D_LAZY, CHILD);
  write_page(heap, H_RES, CHILD);
  write_page(heap, H_LAZY, CHILD);
  write_page(bss_words, B_RES, CHILD);
  write_page(bss_words, B_LAZY, CHILD);
  char c = 'c';
  CHECK(write(to_parent, &c, 1) == 1, "child: pipe write");
  CHECK(read(from_parent, &c, 1) == 1, "child: pipe read");
  // The parent has written its own values to the same pages by now.
  check_page("child", "data", data_words, D_RES, CHILD);
  check_page("child", "data", data_words, D_LAZY, CHILD);
  check_page("child", "heap", heap, H_RES, CHILD);
  check_page("child", "heap", heap, H_LAZY, CHILD);
  check_page("child", "bss", bss_words, B_RES, CHILD);
  check_page("child", "bss", bss_words, B_LAZY, CHILD);
  exit(0);
}

static void isolation(void) {
  for (int pg = 0; pg < DATA_PAGES; pg++)
    touch_page(data_words, pg, data_state[pg]);
  for (int pg = 0; pg < HEAP_PAGES; pg++)
    touch_page(heap, pg, heap_state[pg]);
  for (int pg = 0; pg < BSS_PAGES; pg++)
    touch_page(bss_words, pg, bss_state[pg]);
  int c2p[2], p2c[2];
  CHECK(pipe(c2p) == 0 && pipe(p2c) == 0, "pipe");
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0)
    child(c2p[1], p2c[0]);
  char c;
  CHECK(read(c2p[0], &c, 1) == 1, "the child died before writing its pages");
  // The child has written its pages: the parent's are as they were.
  check_initial("parent", "data", data_words, D_RES, data_state[D_RES]);
  check_initial("parent", "data", data_words, D_LAZY, data_state[D_LAZY]);
  check_initial("parent", "heap", heap, H_RES, heap_state[H_RES]);
  check_initial("parent", "heap", heap, H_LAZY, heap_state[H_LAZY]);
  check_initial("parent", "bss", bss_words, B_RES, bss_state[B_RES]);
  check_initial("parent", "bss", bss_words, B_LAZY, bss_state[B_LAZY]);
  write_page(data_words, D_RES, PARENT_AFTER);
  write_page(data_words, D_LAZY, PARENT_AFTER);
  write_page(heap, H_RES, PARENT_AFTER);
  write_page(heap, H_LAZY, PARENT_AFTER);
  write_page(bss_words, B_RES, PARENT_AFTER);
  write_page(bss_words, B_LAZY, PARENT_AFTER);
  CHECK(write(p2c[1], &c, 1) == 1, "pipe write");
  expect_child_status(0);
  check_page("parent", "data", data_words, D_LAZY, PARENT_AFTER);
  check_page("parent", "heap", heap, H_LAZY, PARENT_AFTER);
  check_page("parent", "bss", bss_words, B_LAZY, PARENT_AFTER);
  close(c2p[0]);
  close(c2p[1]);
  close(p2c[0]);
  close(p2c[1]);
}

// One fork whose child touches a few pages the parent never touched, then exits.
static void fork_exit(void) {
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {
    heap[30 * WPP] = 1;
    data_words[14 * WPP] = 1;
    bss_words[6 * WPP] = 1;
    exit(0);
  }
  expect_child_status(0);
}

// One fork + exec of /echo with its output through a pipe, which is checked.
static void fork_exec(int round) {
  char want[32];
  snprintf(want, sizeof(want), "fork-spt-echo %d\n", round);
  int fds[2];
  CHECK(pipe(fds) == 0, "pipe");
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {
    char num[12];
    snprintf(num, sizeof(num), "%d", round);
    char *argv[] = {"echo", "fork-spt-echo", num, 0};
    close(1);
    dup(fds[1]);
    close(fds[0]);
    close(fds[1]);
    exec("/echo", argv);
    exit(1);
  }
  close(fds[1]);
  char got[32];
  int n = 0, r;
  while (n < (int)sizeof(got) - 1 && (r = read(fds[0], got + n, sizeof(got) - 1 - n)) > 0)
    n += r;
  got[n] = 0;
  close(fds[0]);
  expect_child_status(0);
  CHECK(strcmp(got, want) == 0, "echo said \"%s\"", got);
}

static int same(const struct vmstat *a, const struct vmstat *b) {
  return a->frames_used == b->frames_used && a->pages_registered == b->pages_registered &&
         a->pages_resident == b->pages_resident && a->spt_bytes == b->spt_bytes;
}

static void leak_check(void) {
  fork_exit();  // warm-up: the parent's stack and library pages used below are resident
  fork_exec(0);
  struct vmstat st0, st1;
  CHECK(vmstat(&st1) == 0 && vmstat(&st0) == 0, "vmstat failed");
  for (int i = 0; i < 100; i++)
    fork_exit();
  for (int i = 1; i <= 20; i++)
    fork_exec(i);
  CHECK(vmstat(&st1) == 0, "vmstat failed");
  for (int tries = 0; tries < 10 && !same(&st0, &st1); tries++) {
    sleep(1);  // give the system a moment
    CHECK(vmstat(&st1) == 0, "vmstat failed");
  }
  CHECK(same(&st0, &st1),
        "leak after 120 forks: frames_used %d -> %d, pages_registered %d -> %d, "
        "pages_resident %d -> %d, spt_bytes %d -> %d",
        (int)st0.frames_used, (int)st1.frames_used, (int)st0.pages_registered,
        (int)st1.pages_registered, (int)st0.pages_resident, (int)st1.pages_resident,
        (int)st0.spt_bytes, (int)st1.spt_bytes);
}

int main(void) {
  test_start("fork-spt");
  char *end = sbrk(0);
  CHECK(sbrk((PAGE - (uint64)end % PAGE) % PAGE) != (char *)-1, "sbrk to align failed");
  heap = (uint32 *)sbrk(HEAP_PAGES * PAGE);
  CHECK(heap != (uint32 *)-1 && (uint64)heap % PAGE == 0, "sbrk failed");
  CHECK((uint64)data_words % PAGE == 0, "misaligned test data");
  isolation();
  leak_check();
  check_vm_invariants();
  test_pass();
}
