// pt-write-code2: the kernel does not write into a process's read-only pages on its behalf.
// read() from a file or a pipe into main's code, into a text page never executed and into a
// .rodata page never read returns -1 (a child does it; being killed instead is accepted, a
// panic is not) and the text is unchanged afterwards. The other direction works: write()
// from a text page that was never executed stores that page's real bytes in the file.
#include "textpad.h"

#define PATH "/pt-write-code2.data"

static char junk[PAGE];

int main(void);

// Tries read() from the file and from a pipe (at most 1 KiB, which fits in the pipe) into
// dst; returns 1 if either succeeded.
static int read_into(void *dst, int n) {
  int fd = open(PATH, O_RDONLY);
  CHECK(fd >= 0, "open");
  int r = read(fd, dst, n);
  close(fd);
  int fds[2], np = n < 1024 ? n : 1024;
  CHECK(pipe(fds) == 0, "pipe");
  CHECK(write(fds[1], junk, np) == np, "pipe write");
  int r2 = read(fds[0], dst, np);
  close(fds[0]);
  close(fds[1]);
  return r != -1 || r2 != -1;
}

// In a child: the reads into read-only memory, then checks nothing changed. Exits 0 when
// every read failed and the memory is intact.
static void child(void) {
  uchar before[64];
  memcpy(before, (void *)main, sizeof(before));
  if (read_into((void *)main, 64))
    exit(10);
  if (memcmp(before, (void *)main, sizeof(before)) != 0)
    exit(11);
  const uint32 *pad_page = pad_code + 5 * (PAGE / 4);
  if (read_into((void *)pad_page, PAGE))
    exit(12);
  for (int i = 0; i < PAD_WORDS; i++)
    if (pad_code[i] != NOP)
      exit(13);
  const uint32 *ro_page = ro_table + 3 * (PAGE / 4);
  if (read_into((void *)(ro_page + 10), 100))
    exit(14);
  for (int i = 0; i < RO_WORDS; i++)
    if (ro_table[i] != RO_VALUE)
      exit(15);
  exit(0);
}

int main(void) {
  test_start("pt-write-code2");
  memset(junk, 0xab, sizeof(junk));
  int fd = open(PATH, O_CREATE | O_TRUNC | O_RDWR);
  CHECK(fd >= 0, "create");
  CHECK(write(fd, junk, PAGE) == (int)PAGE, "write");
  close(fd);

  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0)
    child();
  int status = 0;
  CHECK(wait(&status) == pid, "wait");
  const char *why[] = {"a read() into main's code succeeded", "main's code changed",
                       "a read() into an unexecuted text page succeeded",
                       "an unexecuted text page changed", "a read() into .rodata succeeded",
                       ".rodata changed"};
  CHECK(status == 0 || status == -1, "the child exited with %d: %s", status,
        status >= 10 && status <= 15 ? why[status - 10] : "?");
  if (status == -1)
    printf("pt-write-code2: the child was killed (accepted)\n");

  // write() from a text page that has never been executed: the kernel claims it.
  const uint32 *pad_page = pad_code + 6 * (PAGE / 4);
  uchar v = 0xff;
  CHECK(mincore((void *)pad_page, PAGE, &v) == 0, "mincore of the text failed");
  CHECK((v & 1) == 0, "the unexecuted text page is resident already");
  fd = open(PATH, O_CREATE | O_TRUNC | O_RDWR);
  CHECK(fd >= 0, "create");
  CHECK(write(fd, pad_page, PAGE) == (int)PAGE, "write() from the text failed");
  close(fd);
  fd = open(PATH, O_RDONLY);
  CHECK(fd >= 0, "open");
  CHECK(read(fd, junk, PAGE) == (int)PAGE, "read back");
  close(fd);
  for (int i = 0; i < (int)(PAGE / 4); i++)
    CHECK(((uint32 *)junk)[i] == NOP, "word %d written from the text is 0x%x", i,
          ((uint32 *)junk)[i]);
  unlink(PATH);
  test_pass();
}
