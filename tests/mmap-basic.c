// mmap-basic: the checks of 6.S081's mmap lab test, in sloth's style. A file of 2.5 pages
// with a known pattern is mapped:
//  - private, read-only: the bytes read back, the half page past the end of the file reads as
//    zero, and nothing is read before it is touched (mincore);
//  - private, read-write: writes stay in the process (the file is unchanged after munmap);
//  - shared, read-write: writes reach the file after munmap (read() sees them), bytes past
//    the end of the file do not (its size stays);
//  - unmapped in halves: the first half goes, the second still works, then it goes too;
//  - two files at once, each with its own pattern;
//  - fork: a shared mapping's writes are seen by the other process, a private one's are not.
#include "mmaplib.h"

#define SIZE (2 * PAGE + PAGE / 2)
#define MAPPED (3 * PAGE)

static void private_read_only(void) {
  int fd = open("mm-f", O_RDONLY);
  CHECK(fd >= 0, "open");
  uchar *p = mm_map(0, MAPPED, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);  // the mapping outlives the descriptor
  CHECK(mm_resident(p, 3) == 0, "%d pages resident before any was touched", mm_resident(p, 3));
  mm_check("private read-only", p, 0, SIZE, 1);
  for (uint64 i = SIZE; i < MAPPED; i++)
    CHECK(p[i] == 0, "byte %lu past the end of the file is 0x%x, not 0", i, p[i]);
  CHECK(mm_resident(p, 3) == 3, "%d pages resident after reading all 3", mm_resident(p, 3));
  CHECK(munmap(p, MAPPED) == 0, "munmap");
}

static void private_read_write(void) {
  int fd = open("mm-f", O_RDWR);
  CHECK(fd >= 0, "open");
  uchar *p = mm_map(0, MAPPED, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  close(fd);
  for (uint64 i = 0; i < SIZE; i++)
    p[i] = 'Z';
  for (uint64 i = 0; i < SIZE; i++)
    CHECK(p[i] == 'Z', "private write at %lu did not stick", i);
  CHECK(munmap(p, MAPPED) == 0, "munmap");
  static uchar buf[SIZE];
  mm_read_file("mm-f", 0, buf, SIZE);
  mm_check("file after a private mapping's writes", buf, 0, SIZE, 1);
}

static void shared_written_back(void) {
  int fd = open("mm-f", O_RDWR);
  CHECK(fd >= 0, "open");
  uchar *p = mm_map(0, MAPPED, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  mm_fill(p, 0, SIZE, 2);
  for (uint64 i = SIZE; i < MAPPED; i++)
    p[i] = 0xee;  // past the end of the file: must never reach it
  CHECK(munmap(p, MAPPED) == 0, "munmap");
  CHECK(mm_file_size("mm-f") == SIZE, "the file is %lu bytes, was %lu", mm_file_size("mm-f"),
        SIZE);
  static uchar buf[SIZE];
  mm_read_file("mm-f", 0, buf, SIZE);
  mm_check("file after a shared mapping's writes", buf, 0, SIZE, 2);
  // A new mapping reads the written bytes, and zeros past the end again.
  fd = open("mm-f", O_RDONLY);
  p = mm_map(0, MAPPED, PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  mm_check("remapped", p, 0, SIZE, 2);
  for (uint64 i = SIZE; i < MAPPED; i++)
    CHECK(p[i] == 0, "byte %lu past the end is 0x%x after a remap, not 0", i, p[i]);
  CHECK(munmap(p, MAPPED) == 0, "munmap");
}

static void unmap_halves(void) {
  mm_make_file("mm-f", SIZE, 3);
  int fd = open("mm-f", O_RDWR);
  uchar *p = mm_map(0, MAPPED, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  CHECK(munmap(p, PAGE) == 0, "munmap of the first page");
  mm_check("second page after the first went", p + PAGE, PAGE, PAGE, 3);
  mm_expect_killed(fault_load, p, "a load from the unmapped first page");
  p[PAGE] = 'a';
  CHECK(munmap(p + PAGE, 2 * PAGE) == 0, "munmap of the rest");
  mm_expect_killed(fault_load, p + PAGE, "a load from the unmapped second page");
  static uchar buf[PAGE];
  mm_read_file("mm-f", PAGE, buf, 1);
  CHECK(buf[0] == 'a', "the second page's write did not reach the file (0x%x)", buf[0]);
}

static void two_files(void) {
  mm_make_file("mm-f1", PAGE, 4);
  mm_make_file("mm-f2", PAGE, 5);
  int fd1 = open("mm-f1", O_RDONLY), fd2 = open("mm-f2", O_RDONLY);
  CHECK(fd1 >= 0 && fd2 >= 0, "open");
  uchar *p1 = mm_map(0, PAGE, PROT_READ, MAP_PRIVATE, fd1, 0);
  uchar *p2 = mm_map(0, PAGE, PROT_READ, MAP_PRIVATE, fd2, 0);
  close(fd1);
  close(fd2);
  CHECK(p1 != p2, "both mappings at %p", p1);
  mm_check("first file", p1, 0, PAGE, 4);
  mm_check("second file", p2, 0, PAGE, 5);
  CHECK(munmap(p1, PAGE) == 0 && munmap(p2, PAGE) == 0, "munmap");
  unlink("mm-f1");
  unlink("mm-f2");
}

static void fork_sharing(void) {
  mm_make_file("mm-f", 2 * PAGE, 6);
  int fd = open("mm-f", O_RDWR);
  uchar *shared = mm_map(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  uchar *private = mm_map(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, PAGE);
  close(fd);
  shared[0] = 'p';  // resident before the fork, so the child shares the frame
  private[0] = 'p';
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {
    CHECK(shared[0] == 'p' && private[0] == 'p', "the child does not see the parent's writes");
    shared[1] = 'c';
    private[1] = 'c';
    exit(0);
  }
  expect_child_status(0);
  CHECK(shared[1] == 'c', "the child's write to the shared mapping is not seen (0x%x)",
        shared[1]);
  CHECK(private[1] == mm_byte(6, PAGE + 1), "the child's write to the private mapping leaked "
        "into the parent (0x%x)", private[1]);
  int go[2];
  CHECK(pipe(go) == 0, "pipe");
  pid = fork();
  if (pid == 0) {
    char c;
    close(go[1]);
    CHECK(read(go[0], &c, 1) == 1, "the parent did not say go");  // after its writes
    CHECK(private[2] == mm_byte(6, PAGE + 2), "the parent's private write leaked into the "
          "child (0x%x)", private[2]);
    CHECK(shared[2] == 'P', "the parent's shared write is not seen by the child (0x%x)",
          shared[2]);
    exit(0);
  }
  close(go[0]);
  private[2] = 'P';
  shared[2] = 'P';
  CHECK(write(go[1], "g", 1) == 1, "write to the pipe");
  close(go[1]);
  expect_child_status(0);
  CHECK(munmap(shared, PAGE) == 0 && munmap(private, PAGE) == 0, "munmap");
}

int main(void) {
  test_start("mmap-basic");
  mm_make_file("mm-f", SIZE, 1);
  private_read_only();
  private_read_write();
  shared_written_back();
  unmap_halves();
  two_files();
  fork_sharing();
  unlink("mm-f");
  check_vm_invariants();
  test_pass();
}
