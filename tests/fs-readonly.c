// fs-readonly (boot argument fail_user): a disk write that fails while the log commits makes
// the file system read-only until the next boot (kernel/fs/log.c, "Disk errors"), cleanly:
// the system call whose transaction failed returns -1; from then on every call that would
// change the file system returns -1 (open for writing or creating, write through a file
// opened before, unlink, link, mkdir); reading files goes on and sees what they held, and
// programs still run. (Whether the failed call's change reached the disk is not known, as
// with a real failing disk: the test does not look.)
#include "testlib.h"

// The file at path must begin with want.
static void read_back(const char *path, const char *want) {
  char buf[32] = {0};
  int fd = open(path, O_RDONLY);
  CHECK(fd >= 0, "open %s for reading on a read-only file system", path);
  int n = read(fd, buf, strlen(want));
  CHECK(n == (int)strlen(want) && strcmp(buf, want) == 0, "%s begins '%s' (%d bytes), expected '%s'",
        path, buf, n, want);
  close(fd);
}

int main(void) {
  test_start("fs-readonly");
  int fd = open("/ro-before", O_CREATE | O_TRUNC | O_RDWR);
  CHECK(fd >= 0 && write(fd, "before", 6) == 6, "write /ro-before");
  CHECK(failinject(FAIL_DISK_WRITE, 1) == 0, "failinject (booted without fail_user?)");
  int created = open("/ro-new", O_CREATE | O_RDWR);  // its commit's first write fails
  CHECK(created == -1, "the create whose commit failed returned %d, expected -1", created);
  CHECK(open("/ro-other", O_CREATE | O_RDWR) == -1, "a create on a read-only file system");
  CHECK(open("/ro-before", O_RDWR) == -1, "an open for writing on a read-only file system");
  CHECK(write(fd, "after", 5) == -1, "a write through a file opened before the failure");
  CHECK(unlink("/ro-before") == -1, "an unlink on a read-only file system");
  CHECK(link("/ro-before", "/ro-link") == -1, "a link on a read-only file system");
  CHECK(mkdir("/ro-dir") == -1, "a mkdir on a read-only file system");
  close(fd);
  read_back("/ro-before", "before");
  read_back("/README", "# sloth\n");
  expect_echo_runs("fs-readonly: programs still run");
  test_pass();
}
