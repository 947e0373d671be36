// dir-deleted: a directory removed while it is still some process's current directory stays
// empty and leads nowhere. Nothing can be created in it (open with O_CREATE, mkdir, mknod and
// link fail), and ".." in it does not resolve (its parent may be gone, and its inode number
// reused). Found by the fuzzer: a file made there was left allocated but unreachable, a
// directory made there kept the dead one alive, and a walk through ".." of a dead directory
// whose parent was freed panicked ("ilock: inode N is free on disk but in use"). The grader
// checks the disk with fsck afterwards.
#include "testlib.h"

int main(void) {
  test_start("dir-deleted");
  int fd = open("/dd-file", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "cannot create /dd-file");
  close(fd);
  CHECK(mkdir("/dd") == 0 && chdir("/dd") == 0, "mkdir/chdir /dd");
  CHECK(unlink("/dd") == 0, "cannot remove the empty current directory");
  CHECK(open("a", O_CREATE | O_RDWR) < 0, "a file was created in a removed directory");
  CHECK(mkdir("b") < 0, "a directory was created in a removed directory");
  CHECK(mknod("c", 2, 0) < 0, "a device was created in a removed directory");
  CHECK(link("/dd-file", "d") < 0, "a link was made in a removed directory");
  CHECK(open(".", O_RDONLY) >= 0, "the removed current directory cannot be opened as '.'");
  CHECK(open("..", O_RDONLY) < 0 && chdir("..") < 0, "'..' of a removed directory resolves");
  // The parent goes too: a walk through the dead directory's ".." must not reach its inode.
  CHECK(chdir("/") == 0 && mkdir("/dp") == 0 && mkdir("/dp/x") == 0 && chdir("/dp/x") == 0,
        "mkdir /dp/x");
  CHECK(unlink("/dp/x") == 0 && unlink("/dp") == 0, "cannot remove /dp/x and then /dp");
  for (int i = 0; i < 8; i++) {  // reuse the freed inode numbers
    char name[16];
    snprintf(name, sizeof(name), "/dp-new%d", i);
    CHECK(mkdir(name) == 0, "mkdir %s", name);
  }
  CHECK(open("../dp-new0", O_RDONLY) < 0 && chdir("..") < 0 && unlink("../x") < 0,
        "'..' of a removed directory whose parent is gone resolves");
  CHECK(chdir("/") == 0 && unlink("/dd-file") == 0, "chdir / and unlink /dd-file");
  test_pass();
}
