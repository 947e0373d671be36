// mmap-remove: a mapping outlives unlink of its file: the pages still read it and writes
// still work; the inode and its blocks go only with the last mapping (a new file made while
// it is mapped gets another inode; after munmap the inode is free again).
#include "mmaplib.h"

static uint ino_of_new_file(const char *path) {
  int fd = open(path, O_CREATE | O_RDWR);
  CHECK(fd >= 0, "create %s", path);
  struct stat st;
  CHECK(fstat(fd, &st) == 0, "fstat");
  close(fd);
  return st.ino;
}

int main(void) {
  test_start("mmap-remove");
  mm_make_file("mrm", 2 * PAGE, 29);
  int fd = open("mrm", O_RDWR);
  struct stat st;
  CHECK(fstat(fd, &st) == 0, "fstat");
  uint ino = st.ino;
  uchar *p = mm_map(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  CHECK(unlink("mrm") == 0, "unlink");
  CHECK(open("mrm", O_RDONLY) < 0, "the unlinked file still opens");
  mm_check("mapping of an unlinked file", p, 0, 2 * PAGE, 29);
  p[5] = 1;
  CHECK(p[5] == 1, "write");
  uint other = ino_of_new_file("mrm-other");
  CHECK(other != ino, "a new file got inode %u, which the mapping still holds", ino);
  unlink("mrm-other");
  CHECK(munmap(p, 2 * PAGE) == 0, "munmap");
  uint again = ino_of_new_file("mrm-again");
  CHECK(again == ino, "after the last munmap a new file got inode %u, not the freed %u", again,
        ino);
  unlink("mrm-again");
  check_vm_invariants();
  test_pass();
}
