// dirent-reuse: a directory reuses the entries of unlinked files, so creating and removing
// files one after another does not grow it.
#include "testlib.h"

int main(void) {
  test_start("dirent-reuse");
  struct stat st;
  CHECK(mkdir("/reuse") == 0, "mkdir");
  CHECK(stat("/reuse", &st) == 0, "stat");
  uint64 initial = st.size;
  for (int round = 0; round < 300; round++) {
    char name[16] = "/reuse/x";
    name[8] = 'a' + round % 26;
    name[9] = 'a' + round / 26 % 26;
    name[10] = 0;
    int fd = open(name, O_CREATE | O_WRONLY);
    CHECK(fd >= 0, "create in round %d", round);
    close(fd);
    CHECK(unlink(name) == 0, "unlink in round %d", round);
  }
  CHECK(stat("/reuse", &st) == 0, "stat");
  CHECK(st.size <= initial + 16, "the directory grew from %d to %d bytes", (int)initial, (int)st.size);
  CHECK(unlink("/reuse") == 0, "unlink /reuse");
  test_pass();
}
