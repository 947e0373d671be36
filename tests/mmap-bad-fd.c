// mmap-bad-fd: only an open regular file can be mapped: -1 for a negative or out-of-range
// descriptor, a closed one, the console (a device), a pipe, a directory; and MAP_ANONYMOUS
// ignores the descriptor.
#include "mmaplib.h"

static void refused(int fd, const char *what) {
  CHECK(mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED, "mmap of %s (fd %d) "
        "accepted", what, fd);
  CHECK(mmap(0, PAGE, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED, "shared mmap of %s (fd %d) "
        "accepted", what, fd);
}

int main(void) {
  test_start("mmap-bad-fd");
  refused(-1, "fd -1");
  refused(16, "fd 16 (past NOFILE)");
  refused(1000, "fd 1000");
  refused(0x7fffffff, "fd 2^31-1");
  mm_make_file("mbf", PAGE, 30);
  int fd = open("mbf", O_RDONLY);
  close(fd);
  refused(fd, "a closed fd");
  refused(1, "the console");
  int pfd[2];
  CHECK(pipe(pfd) == 0, "pipe");
  refused(pfd[0], "a pipe's read end");
  refused(pfd[1], "a pipe's write end");
  int dir = open(".", O_RDONLY);
  CHECK(dir >= 0, "open .");
  refused(dir, "a directory");
  uchar *a = mm_map(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, 1000, 0);
  CHECK(a[100] == 0, "anonymous memory is not zero");
  check_vm_invariants();
  test_pass();
}
