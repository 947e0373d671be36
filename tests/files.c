// files: create, read, write, truncate, link, unlink, mkdir, chdir, dup and mknod behave like
// xv6's, including their failures: missing files, wrong access modes, non-empty directories,
// links to directories, names longer than DIRSIZ, and running out of file descriptors.
#include "testlib.h"

#define NOFILE 16

static int write_file(const char *path, const char *data) {
  int fd = open(path, O_CREATE | O_TRUNC | O_WRONLY);
  if (fd < 0)
    return -1;
  int n = write(fd, data, strlen(data));
  close(fd);
  return n;
}

static void expect_contents(const char *path, const char *data) {
  char buf[128];
  int fd = open(path, O_RDONLY);
  CHECK(fd >= 0, "cannot open %s", path);
  int n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  CHECK(n >= 0, "read %s failed", path);
  buf[n] = 0;
  CHECK(strcmp(buf, data) == 0, "%s holds '%s', expected '%s'", path, buf, data);
}

static void basics(void) {
  struct stat st;
  CHECK(open("/f-missing", O_RDONLY) < 0, "opened a missing file");
  CHECK(write_file("/f1", "hello") == 5, "write /f1");
  expect_contents("/f1", "hello");
  CHECK(stat("/f1", &st) == 0 && st.type == T_FILE && st.size == 5 && st.nlink == 1,
        "stat /f1: type %d size %d nlink %d", st.type, (int)st.size, st.nlink);
  CHECK(write_file("/f1", "hi") == 2, "rewrite /f1");
  expect_contents("/f1", "hi");
  int fd = open("/f1", O_RDONLY);
  CHECK(write(fd, "x", 1) == -1, "wrote to a read-only fd");
  close(fd);
  fd = open("/f1", O_WRONLY);
  char c;
  CHECK(read(fd, &c, 1) == -1, "read from a write-only fd");
  CHECK(write(fd, "HE", 2) == 2, "write without O_TRUNC");
  close(fd);
  expect_contents("/f1", "HE");
  fd = open("/f1", O_CREATE | O_RDWR);  // O_CREATE on an existing file opens it
  CHECK(fd >= 0, "O_CREATE on an existing file failed");
  int fd2 = dup(fd);
  CHECK(fd2 >= 0 && read(fd, &c, 1) == 1 && read(fd2, &c, 1) == 1 && c == 'E',
        "dup'd descriptors do not share the offset");
  close(fd);
  close(fd2);
  CHECK(close(fd) == -1, "closing a closed fd succeeded");
  CHECK(read(99, &c, 1) == -1 && read(-1, &c, 1) == -1, "read from a bad fd succeeded");
}

static void links(void) {
  struct stat st;
  CHECK(write_file("/l1", "linked") == 6, "write /l1");
  CHECK(link("/l1", "/l2") == 0, "link /l1 /l2");
  CHECK(stat("/l2", &st) == 0 && st.nlink == 2, "nlink after link is %d", st.nlink);
  CHECK(link("/l1", "/l2") == -1, "link onto an existing name succeeded");
  CHECK(link("/l-missing", "/l3") == -1, "link of a missing file succeeded");
  CHECK(unlink("/l1") == 0, "unlink /l1");
  expect_contents("/l2", "linked");
  CHECK(stat("/l2", &st) == 0 && st.nlink == 1, "nlink after unlink is %d", st.nlink);
  CHECK(unlink("/l1") == -1, "unlinking twice succeeded");
  CHECK(unlink("/l2") == 0, "unlink /l2");
  CHECK(open("/l2", O_RDONLY) < 0, "opened an unlinked file");
}

static void directories(void) {
  struct stat st;
  CHECK(mkdir("/d") == 0, "mkdir /d");
  CHECK(mkdir("/d") == -1, "mkdir of an existing name succeeded");
  CHECK(mkdir("/d-missing/x") == -1, "mkdir under a missing directory succeeded");
  CHECK(open("/d", O_RDWR) < 0, "opened a directory for writing");
  CHECK(link("/d", "/d2") == -1, "linked a directory");
  CHECK(chdir("/d") == 0, "chdir /d");
  CHECK(write_file("inner", "in d") == 4, "create a file in the current directory");
  CHECK(chdir("..") == 0, "chdir ..");
  expect_contents("/d/inner", "in d");
  expect_contents("d/../d/./inner", "in d");
  expect_contents("//d///inner", "in d");
  CHECK(unlink("/d") == -1, "unlinked a non-empty directory");
  CHECK(unlink("/d/.") == -1 && unlink("/d/..") == -1, "unlinked . or ..");
  CHECK(chdir("/d/inner") == -1, "chdir to a file succeeded");
  CHECK(chdir("/nowhere") == -1, "chdir to a missing directory succeeded");
  CHECK(unlink("/d/inner") == 0 && unlink("/d") == 0, "removing /d");
  CHECK(stat("/", &st) == 0 && st.type == T_DIR, "stat / failed");
}

static void long_names(void) {
  // Names are cut to DIRSIZ (14) characters, as in xv6.
  CHECK(write_file("/abcdefghijklmnopqrstuvwxyz", "long") == 4, "create a long name");
  expect_contents("/abcdefghijklmn", "long");
  expect_contents("/abcdefghijklmnOTHER", "long");
  CHECK(unlink("/abcdefghijklmn") == 0, "unlink the cut name");
}

static void devices_and_fds(void) {
  struct stat st;
  CHECK(mknod("/console2", 1, 0) == 0, "mknod");
  CHECK(stat("/console2", &st) == 0 && st.type == T_DEVICE, "mknod made type %d", st.type);
  int fd = open("/console2", O_WRONLY);
  CHECK(fd >= 0 && write(fd, "files: console via mknod\n", 25) == 25, "write to the device");
  close(fd);
  CHECK(unlink("/console2") == 0, "unlink the device");
  if (mknod("/bad-dev", 1000, 0) == 0) {  // refusing the major at mknod is fine too
    int bad = open("/bad-dev", O_RDWR);
    CHECK(bad < 0 || write(bad, "x", 1) == -1, "a device with major 1000 accepted a write");
    if (bad >= 0)
      close(bad);
    unlink("/bad-dev");
  }
  int fds[NOFILE], n = 0;
  while (n < NOFILE && (fds[n] = open("/f1", O_RDONLY)) >= 0)
    n++;
  CHECK(n == NOFILE - 3, "opened %d files with 3 in use, expected %d", n, NOFILE - 3);
  for (int i = 0; i < n; i++)
    close(fds[i]);
  CHECK(unlink("/f1") == 0, "unlink /f1");
}

int main(void) {
  test_start("files");
  basics();
  links();
  directories();
  long_names();
  devices_and_fds();
  test_pass();
}
