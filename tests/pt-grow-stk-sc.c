// pt-grow-stk-sc: the first touch of new stack pages can happen inside a system call. A
// 64 KiB local buffer, never touched by the program, is filled by one read() from a file
// (the kernel's copyout grows the stack, judging by the user sp saved at the system call);
// a buffer deeper still is filled by read() from a pipe; and write() from an untouched stack
// buffer writes zeros. mincore shows the buffers non-resident before and resident after, and
// kernel_claims counted the kernel's claims.
#include "testlib.h"

#define PAGE 4096UL
#define BUF_BYTES (64 * 1024)
#define FILE_PATH "/pt-grow-stk-sc.data"

static uchar vec[64];
static char heapbuf[BUF_BYTES];

static char pattern(int i) { return (char)(i * 7 + (i >> 12) + 1); }

// How many of the pages wholly inside [p, p + n) are resident.
static int resident_pages(char *p, int n) {
  uint64 lo = ((uint64)p + PAGE - 1) & ~(PAGE - 1), hi = ((uint64)p + n) & ~(PAGE - 1);
  if (hi <= lo)
    return 0;
  CHECK(mincore((void *)lo, hi - lo, vec) == 0, "mincore of the stack %p..%p failed",
        (void *)lo, (void *)hi);
  int count = 0;
  for (uint64 i = 0; i < (hi - lo) / PAGE; i++)
    count += vec[i] & 1;
  return count;
}

static int whole_pages(char *p, int n) {
  uint64 lo = ((uint64)p + PAGE - 1) & ~(PAGE - 1), hi = ((uint64)p + n) & ~(PAGE - 1);
  return hi > lo ? (int)((hi - lo) / PAGE) : 0;
}

// write() from a stack buffer that was never touched writes zeros. Called from the deepest
// frame: its buffer lies below all the stack used so far, and only its lowest 12 KiB (more
// than 16 KiB below anything the callers' callees touched) are written out.
// The buffer is a VLA: with a fixed 32 KiB frame this gcc spills the buffer's address to the
// frame's bottom before it moves sp down, a store below sp that the kernel rightly kills.
static __attribute__((noinline)) void write_from_stack(void) {
  int size = 8 * PAGE;
  __asm__("" : "+r"(size));  // not a constant to the compiler
  char buf[size];
  CHECK(resident_pages(buf, 3 * PAGE) == 0, "the write buffer on the stack is resident");
  int fd = open(FILE_PATH, O_CREATE | O_TRUNC | O_RDWR);
  CHECK(fd >= 0, "create");
  CHECK(write(fd, buf, 3 * PAGE) == 3 * PAGE, "write from the untouched stack failed");
  close(fd);
}

// read() from a pipe into a stack buffer below the 64 KiB one; only its lowest 8 KiB are
// used, far below what the caller's callees (printf, vmstat...) touched.
static __attribute__((noinline)) void pipe_into_stack(void) {
  char buf[6 * PAGE];
  int fds[2];
  CHECK(pipe(fds) == 0, "pipe");
  CHECK(resident_pages(buf, 2 * PAGE) == 0, "the pipe buffer on the stack is resident");
  for (int i = 0; i < 100; i++)
    heapbuf[i] = pattern(i + 5);
  CHECK(write(fds[1], heapbuf, 100) == 100, "pipe write");
  CHECK(read(fds[0], buf, 100) == 100, "pipe read into the untouched stack failed");
  for (int i = 0; i < 100; i++)
    CHECK(buf[i] == pattern(i + 5), "pipe byte %d is 0x%x", i, (uchar)buf[i]);
  close(fds[0]);
  close(fds[1]);
  write_from_stack();
}

static __attribute__((noinline)) void read_into_stack(void) {
  char buf[BUF_BYTES];
  int pages = whole_pages(buf, sizeof(buf));
  CHECK(resident_pages(buf, sizeof(buf)) == 0, "the 64 KiB buffer on the stack is resident");
  struct vmstat st0, st1;
  CHECK(vmstat(&st0) == 0, "vmstat failed");
  int fd = open(FILE_PATH, O_RDONLY);
  CHECK(fd >= 0, "open");
  int n = read(fd, buf, sizeof(buf));
  close(fd);
  CHECK(vmstat(&st1) == 0, "vmstat failed");
  CHECK(n == BUF_BYTES, "read into the untouched stack returned %d", n);
  for (int i = 0; i < BUF_BYTES; i++)
    CHECK(buf[i] == pattern(i), "byte %d is 0x%x, expected 0x%x", i, (uchar)buf[i],
          (uchar)pattern(i));
  int now = resident_pages(buf, sizeof(buf));
  printf("pt-grow-stk-sc: read() grew the stack: %d of %d pages resident, kernel_claims +%d, "
         "faults_stack +%d\n", now, pages, (int)(st1.kernel_claims - st0.kernel_claims),
         (int)(st1.faults_stack - st0.faults_stack));
  CHECK(now == pages, "%d of the buffer's %d pages are resident", now, pages);
  CHECK(st1.kernel_claims - st0.kernel_claims >= (uint64)pages,
        "kernel_claims grew by %d, expected at least %d",
        (int)(st1.kernel_claims - st0.kernel_claims), pages);
  pipe_into_stack();
}

int main(void) {
  test_start("pt-grow-stk-sc");
  for (int i = 0; i < BUF_BYTES; i++)
    heapbuf[i] = pattern(i);
  int fd = open(FILE_PATH, O_CREATE | O_TRUNC | O_RDWR);
  CHECK(fd >= 0, "create");
  CHECK(write(fd, heapbuf, BUF_BYTES) == BUF_BYTES, "write the file");
  close(fd);
  read_into_stack();  // and, deeper, pipe_into_stack and write_from_stack

  fd = open(FILE_PATH, O_RDONLY);
  CHECK(fd >= 0, "open");
  memset(heapbuf, 0x55, sizeof(heapbuf));
  CHECK(read(fd, heapbuf, sizeof(heapbuf)) == 3 * PAGE, "the file written from the stack");
  close(fd);
  for (uint64 i = 0; i < 3 * PAGE; i++)
    CHECK(heapbuf[i] == 0, "byte %d written from an untouched stack page is 0x%x", (int)i,
          (uchar)heapbuf[i]);
  unlink(FILE_PATH);
  test_pass();
}
