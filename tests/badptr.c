// badptr: every system call that takes a pointer, given NULL, a kernel address, an unmapped
// address, a read-only page where it must write, or a range running off the end of the heap,
// returns -1; the process is not killed and the kernel does not panic.
#include "testlib.h"

static char *bad[] = {
  (char *)0,                      // NULL: page 0 is never mapped
  (char *)0xffffffc080200000UL,   // the kernel's text
  (char *)0xffffffc000000000UL,   // the kernel's direct map
  (char *)0x2000000000UL,         // unmapped: between the heap and the stack
  (char *)0x4000000000UL,         // just past user space
  (char *)-1,
};
#define NBAD (sizeof(bad) / sizeof(bad[0]))

int main(void) {
  test_start("badptr");
  int fd = open("/badptr-file", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "create");
  CHECK(write(fd, "0123456789", 10) == 10, "write");
  int fds[2];
  CHECK(pipe(fds) == 0, "pipe");
  CHECK(write(fds[1], "abc", 3) == 3, "pipe write");
  struct stat st;
  char *argv[] = {"echo", 0};
  for (unsigned i = 0; i < NBAD; i++) {
    char *p = bad[i];
    CHECK(write(fd, p, 10) == -1, "write from %p", p);
    int rfd = open("/badptr-file", O_RDONLY);
    CHECK(read(rfd, p, 10) == -1, "read into %p", p);
    close(rfd);
    CHECK(write(fds[1], "z", 1) == 1, "pipe write");  // so the read below cannot block
    CHECK(read(fds[0], p, 1) == -1, "pipe read into %p", p);
    CHECK(write(fds[1], p, 1) == -1, "pipe write from %p", p);
    CHECK(open(p, O_RDONLY) == -1, "open(%p)", p);
    CHECK(open(p, O_CREATE | O_RDWR) == -1, "open(%p, O_CREATE)", p);
    CHECK(exec(p, argv) == -1, "exec(%p)", p);
    CHECK(exec("/echo", (char **)p) == -1, "exec with argv %p", p);
    CHECK(pipe((int *)p) == -1, "pipe(%p)", p);
    CHECK(fstat(fd, (struct stat *)p) == -1, "fstat into %p", p);
    CHECK(link(p, "/x") == -1 && link("/badptr-file", p) == -1, "link with %p", p);
    CHECK(unlink(p) == -1 && mkdir(p) == -1 && chdir(p) == -1, "path calls with %p", p);
    CHECK(mknod(p, 1, 0) == -1, "mknod(%p)", p);
    int pid = fork();
    if (pid == 0)
      exit(3);
    if (p)  // wait(0) is allowed: it means "discard the status" (xv6)
      CHECK(wait((int *)p) == -1, "wait into %p", p);
    CHECK(wait(0) == pid, "the child was lost");
  }
  // Writing into the program's own text (read-only) must fail.
  char *text = (char *)main;
  int rfd = open("/badptr-file", O_RDONLY);
  CHECK(read(rfd, text, 4) == -1, "read() into the program's text succeeded");
  close(rfd);
  CHECK(fstat(fd, (struct stat *)text) == -1, "fstat into text succeeded");
  // Huge lengths.
  char small[16];
  CHECK(write(fd, small, 0x7fffffff) == -1, "write with a 2 GiB length");
  CHECK(fstat(fd, &st) == 0 && st.size == 10, "the file changed: size %d", (int)st.size);
  // A buffer that starts on the heap and runs past its (page-aligned) end: the part that
  // fits may be copied (as on xv6 or Linux), but the call must not succeed in full.
  char *end = sbrk(0);
  sbrk((4096 - (uint64)end % 4096) % 4096);
  end = sbrk(0);
  rfd = open("/badptr-file", O_RDONLY);
  int r = read(rfd, end - 4, 10);
  CHECK(r == -1 || r == 4, "read across the end of the heap returned %d", r);
  close(rfd);
  CHECK(fstat(fd, (struct stat *)(end - 4)) == -1, "fstat across the end of the heap");
  r = write(fd, end - 4, 10);
  CHECK(r == -1 || r == 4, "write from across the end of the heap returned %d", r);
  close(fd);
  unlink("/badptr-file");
  test_pass();
}
