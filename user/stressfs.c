// stressfs [processes] [kib]: several processes at once each write a file of their own in
// pieces, read it back and check every byte, then remove it. Prints "stressfs: ok" when all
// succeeded.
#include "user.h"

static char buf[1024];

static void fill(int who, int piece) {
  for (int i = 0; i < (int)sizeof(buf); i++)
    buf[i] = 'a' + (who * 7 + piece * 3 + i) % 26;
}

static int worker(int who, int pieces) {
  char name[16];
  snprintf(name, sizeof(name), "stressfs.%d", who);
  int fd = open(name, O_CREATE | O_RDWR | O_TRUNC);
  if (fd < 0)
    return fprintf(2, "stressfs: cannot create %s\n", name), 1;
  for (int p = 0; p < pieces; p++) {
    fill(who, p);
    if (write(fd, buf, sizeof(buf)) != sizeof(buf))
      return fprintf(2, "stressfs: write to %s failed\n", name), 1;
  }
  close(fd);
  fd = open(name, O_RDONLY);
  char got[sizeof(buf)];
  for (int p = 0; p < pieces; p++) {
    fill(who, p);
    if (read(fd, got, sizeof(got)) != sizeof(got) || memcmp(got, buf, sizeof(buf)) != 0)
      return fprintf(2, "stressfs: %s: piece %d is wrong\n", name, p), 1;
  }
  close(fd);
  return unlink(name) < 0;
}

int main(int argc, char **argv) {
  int nproc = argc > 1 ? atoi(argv[1]) : 4;
  int kib = argc > 2 ? atoi(argv[2]) : 256;
  if (nproc < 1 || nproc > 32 || kib < 1) {
    fprintf(2, "usage: stressfs [processes 1..32] [kib]\n");
    return 1;
  }
  for (int i = 0; i < nproc; i++) {
    int pid = fork();
    if (pid < 0)
      return fprintf(2, "stressfs: fork failed\n"), 1;
    if (pid == 0)
      exit(worker(i, kib));
  }
  int failed = 0, status;
  for (int i = 0; i < nproc; i++)
    if (wait(&status) < 0 || status != 0)
      failed++;
  if (failed) {
    printf("stressfs: %d of %d processes failed\n", failed, nproc);
    return 1;
  }
  printf("stressfs: ok\n");
  return 0;
}
