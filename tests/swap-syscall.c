// swap-syscall: system calls whose user buffers are swapped out. The kernel must bring each
// page back (and keep it from being evicted while it copies) instead of failing, copying a
// stale frame, or losing a page that was written by the copy. With 2x the frames of heap:
//  - write() of a whole swapped-out buffer to a file, read() of the file into another
//    swapped-out buffer: the words match the pattern of the first buffer's addresses;
//  - a pipe between a child that writes from its swapped-out buffer (fork copied it, swap
//    included) and the parent that reads into its own swapped-out buffer;
//  - exec with argv strings (each straddling a page boundary) and the argv array itself in
//    swapped-out pages: the new program receives every byte (it checks them itself);
//  - read() into initialised .data pages, some never touched and some just loaded (clean,
//    resident): the kernel writes them, and they must then count as dirty (go to swap when
//    evicted, not be dropped and read from the executable again);
//  - a buffer that starts in swapped-out pages and runs into unmapped memory is refused with
//    -1 for read and write, and the file and the buffer are left as they were.
// Along the way mincore must show the buffers non-resident before each call (or the call did
// not test anything), and vmstat's kernel_claims and swap_ins must grow.
#include "swaplib.h"

#define NARGS 24       // exec arguments besides argv[0] and the child marker
#define ARG_AT 2048    // each argument starts mid-page and crosses into the next page
#define CHILD "--swap-syscall-child"

#define DATA_PAGES 32

static const char *file = "/swap-syscall.dat";

// In .data (one word is not zero), so its pages are loaded from the executable on first use.
static uint64 data_area[DATA_PAGES * WPP] __attribute__((aligned(4096))) = {1};

static int arg_len(int i) { return 3000 + i * 41; }
static char arg_char(int i, int k) { return 'a' + (i * 7 + k) % 26; }

// How many of the npages at p have no frame now.
static uint64 nonresident(void *p, uint64 npages) {
  static uchar vec[4096];
  CHECK(npages <= sizeof(vec), "mincore vector too small");
  CHECK(mincore(p, npages * PAGE, vec) == 0, "mincore(%p, %lu pages) failed", p, npages);
  uint64 n = 0;
  for (uint64 i = 0; i < npages; i++)
    n += !(vec[i] & 1);
  return n;
}

// Requires that at least `want` of the buffer's pages are out (in swap) before a call.
static void expect_out(const char *what, void *p, uint64 npages, uint64 want) {
  uint64 n = nonresident(p, npages);
  printf("swap-syscall: %s: %lu of %lu pages not resident\n", what, n, npages);
  CHECK(n >= want, "%s: only %lu of %lu pages are out of memory, expected at least %lu", what,
        n, npages, want);
}

// dst holds the pattern of src's addresses (for seed), word for word.
static void check_copy(const char *what, uint64 *dst, uint64 *src, uint64 npages, uint64 seed) {
  for (uint64 w = 0; w < npages * WPP; w++)
    CHECK(dst[w] == swap_pattern(seed, (uint64)&src[w]), "%s: word %lu (page %lu, va %p) holds "
          "0x%lx, expected 0x%lx", what, w, w / WPP, &dst[w], dst[w],
          swap_pattern(seed, (uint64)&src[w]));
}

// The exec'd program: every argument must be exactly what the parent built.
static int child_main(int argc, char **argv) {
  CHECK(argc == NARGS + 2, "the exec'd child got %d arguments, expected %d", argc, NARGS + 2);
  for (int i = 0; i < NARGS; i++) {
    char *s = argv[i + 2];
    int len = strlen(s);
    CHECK(len == arg_len(i), "argument %d has %d bytes, expected %d", i, len, arg_len(i));
    for (int k = 0; k < len; k++)
      CHECK(s[k] == arg_char(i, k), "argument %d byte %d is '%c', expected '%c'", i, k, s[k],
            arg_char(i, k));
  }
  CHECK(argv[argc] == 0, "argv[%d] is not NULL", argc);
  printf("swap-syscall: the exec'd program got all %d arguments right\n", NARGS);
  exit(0);
}

// write() from a swapped-out buffer, read() into another one.
static void file_round(uint64 *src, uint64 *dst, uint64 npages, uint64 frames) {
  uint64 bytes = npages * PAGE;
  fill_pages(dst, npages, 99);  // garbage, overwritten by the read below
  fill_pages(src, npages, 1);   // pushes dst out, and src's own first pages
  expect_out("write source", src, npages, npages - frames);
  struct vmstat st0 = vm_now();
  int fd = open(file, O_CREATE | O_TRUNC | O_RDWR);
  CHECK(fd >= 0, "cannot create %s", file);
  int n = write(fd, src, (int)bytes);
  CHECK(n == (int)bytes, "write of %lu bytes from swapped-out pages returned %d", bytes, n);
  close(fd);
  struct vmstat st1 = vm_now();
  print_delta("write from swap", &st0, &st1);
  CHECK(st1.kernel_claims > st0.kernel_claims, "write claimed no page for the kernel");
  CHECK(st1.swap_ins > st0.swap_ins, "write brought no page back from swap");

  expect_out("read destination", dst, npages, npages - frames);
  fd = open(file, O_RDONLY);
  CHECK(fd >= 0, "cannot open %s", file);
  n = read(fd, dst, (int)bytes);
  CHECK(n == (int)bytes, "read of %lu bytes into swapped-out pages returned %d", bytes, n);
  close(fd);
  struct vmstat st2 = vm_now();
  print_delta("read into swap", &st1, &st2);
  check_copy("file copy", dst, src, npages, 1);
  check_pages("write source", src, npages, 1);  // the write left its buffer as it was
}

// How many of the npages at p have a frame now.
static uint64 resident(void *p, uint64 npages) { return npages - nonresident(p, npages); }

// read() into .data pages: the first half never touched (the kernel claims them for its
// write), the second half made resident and clean just before by user loads (the kernel
// writes them through their frames, which sets no PTE dirty bit). Then everything is evicted
// again and must come back as read, not as the executable has it.
static void data_round(uint64 *src, uint64 frames) {
  uint64 bytes = DATA_PAGES * PAGE, half = DATA_PAGES / 2;
  fill_pages(src, DATA_PAGES, 4);
  int fd = open(file, O_CREATE | O_TRUNC | O_RDWR);
  CHECK(fd >= 0, "cannot create %s", file);
  CHECK(write(fd, src, (int)bytes) == (int)bytes, "write of %lu bytes failed", bytes);
  close(fd);
  push_others_out(2 * frames);
  expect_out(".data destination", data_area, DATA_PAGES, DATA_PAGES);
  uint64 sum = 0;
  for (uint64 pg = half; pg < DATA_PAGES; pg++)
    sum += ((volatile uint64 *)data_area)[pg * WPP + 1];
  CHECK(sum == 0, ".data holds 0x%lx before the read, expected zeros", sum);
  uint64 in = resident(data_area + half * WPP, half);
  printf("swap-syscall: .data destination: %lu of the %lu pages read by the user resident\n",
         in, half);
  CHECK(in >= half / 2, "only %lu of %lu .data pages stayed resident after a load", in, half);
  fd = open(file, O_RDONLY);
  CHECK(fd >= 0, "cannot open %s", file);
  int n = read(fd, data_area, (int)bytes);
  CHECK(n == (int)bytes, "read of %lu bytes into .data returned %d", bytes, n);
  close(fd);
  push_others_out(2 * frames);
  expect_out(".data after the read", data_area, DATA_PAGES, DATA_PAGES / 2);
  check_copy(".data copy", data_area, src, DATA_PAGES, 4);
}

// A child writes its swapped-out copy of src into a pipe; the parent reads into dst.
static void pipe_round(uint64 *src, uint64 *dst, uint64 npages, uint64 frames) {
  uint64 bytes = npages * PAGE;
  fill_pages(dst, npages, 98);
  fill_pages(src, npages, 2);
  int fds[2];
  CHECK(pipe(fds) == 0, "pipe failed");
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if (pid == 0) {
    close(fds[0]);
    push_others_out(frames);  // the child's copy of src goes (mostly) out
    expect_out("pipe source (child)", src, npages, npages - frames);
    uint64 done = 0;
    while (done < bytes) {
      int n = write(fds[1], (char *)src + done, (int)(bytes - done));
      CHECK(n > 0, "pipe write at %lu of %lu bytes returned %d", done, bytes, n);
      done += n;
    }
    exit(0);
  }
  close(fds[1]);
  expect_out("pipe destination", dst, npages, npages - frames);
  uint64 done = 0;
  int n;
  while (done < bytes && (n = read(fds[0], (char *)dst + done, (int)(bytes - done))) > 0)
    done += n;
  CHECK(done == bytes, "the pipe delivered %lu of %lu bytes", done, bytes);
  CHECK(read(fds[0], dst, 1) == 0, "the pipe has more data than was written");
  close(fds[0]);
  expect_child_status(0);
  check_copy("pipe copy", dst, src, npages, 2);
}

// exec with the argument strings and the argv array in swapped-out heap pages.
static void exec_round(uint64 *area, uint64 npages, uint64 frames) {
  uint64 used = NARGS + 2;  // the strings' pages, the page after the last, argv's page
  CHECK(npages >= used, "exec needs %lu pages of heap, has %lu", used, npages);
  char *base = (char *)area;
  char **argv = (char **)(base + NARGS * PAGE + PAGE);  // on a page of its own, after the strings
  argv[0] = "/tests/swap-syscall";
  argv[1] = CHILD;
  for (int i = 0; i < NARGS; i++) {
    char *s = base + i * PAGE + ARG_AT;
    for (int k = 0; k < arg_len(i); k++)
      s[k] = arg_char(i, k);
    s[arg_len(i)] = 0;
    argv[i + 2] = s;
  }
  argv[NARGS + 2] = 0;
  push_others_out(2 * frames);
  expect_out("exec arguments", area, used, used / 2);
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if (pid == 0) {
    exec(argv[0], argv);
    printf("swap-syscall: FAIL: exec with swapped-out arguments returned -1\n");
    exit(1);
  }
  expect_child_status(0);
}

// A buffer that runs from swapped-out heap pages into the unmapped page above the break.
static void bad_range_round(uint64 *heap, uint64 npages, uint64 frames) {
  uint64 *last = heap + (npages - 1) * WPP;  // the break is right after this page
  CHECK((uint64)sbrk(0) == (uint64)(last + WPP), "the break is not at the end of the heap");
  fill_pages(heap, npages, 3);
  push_others_out(frames);
  int fd = open(file, O_CREATE | O_TRUNC | O_RDWR);
  CHECK(fd >= 0, "cannot create %s", file);
  CHECK(write(fd, "0123456789", 10) == 10, "write of 10 bytes failed");
  char *from = (char *)last - 4 * PAGE;  // 5 mapped pages, then unmapped memory
  expect_out("bad-range buffer", from, 5, 1);
  int n = write(fd, from, 6 * PAGE);
  CHECK(n == -1, "write of a buffer that runs past the break returned %d, expected -1", n);
  struct stat stt;
  CHECK(fstat(fd, &stt) == 0 && stt.size == 10, "the refused write changed the file size to "
        "%lu", stt.size);
  // The same for read: a file long enough to fill the whole range, read into it from 0.
  close(fd);
  fd = open(file, O_CREATE | O_TRUNC | O_RDWR);
  CHECK(fd >= 0, "cannot create %s", file);
  static char zeros[PAGE];
  for (int i = 0; i < 6; i++)
    CHECK(write(fd, zeros, PAGE) == PAGE, "write of a zero page failed");
  close(fd);
  fd = open(file, O_RDONLY);
  CHECK(fd >= 0, "cannot open %s", file);
  push_others_out(frames);
  expect_out("bad-range read buffer", from, 5, 1);
  n = read(fd, from, 6 * PAGE);
  CHECK(n == -1, "read into a buffer that runs past the break returned %d, expected -1", n);
  close(fd);
  check_pages("heap after the refused calls", heap, npages, 3);  // not zeroed by the read
  // A kernel address and NULL are refused too, even with the rest of memory swapped out.
  fd = open(file, O_RDONLY);
  CHECK(fd >= 0, "cannot open %s", file);
  CHECK(read(fd, (void *)0x80200000UL, PAGE) == -1, "read into a kernel address succeeded");
  CHECK(read(fd, 0, PAGE) == -1, "read into NULL succeeded");
  close(fd);
  CHECK(unlink(file) == 0, "unlink %s failed", file);
}

int main(int argc, char **argv) {
  test_start("swap-syscall");
  if (argc > 1 && strcmp(argv[1], CHILD) == 0)
    return child_main(argc, argv);
  struct vmstat st = vm_now();
  uint64 frames = st.frames_total, npages = 2 * frames;
  CHECK(st.swap_slots >= 6 * npages, "only %lu swap slots for %lu pages", st.swap_slots,
        6 * npages);
  printf("swap-syscall: two buffers of %lu pages over %lu frames\n", npages, frames);
  struct vmstat st0 = vm_now();
  uint64 *src = grow_pages(npages);
  uint64 *dst = grow_pages(npages);
  file_round(src, dst, npages, frames);
  data_round(src, frames);
  pipe_round(src, dst, npages, frames);
  exec_round(src, npages, frames);
  bad_range_round(src, 2 * npages, frames);  // src and dst are adjacent: one heap
  struct vmstat st1 = vm_now();
  print_delta("all", &st0, &st1);
  shrink_pages(2 * npages);
  check_vm_invariants();
  test_pass();
}
