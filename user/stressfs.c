// stressfs: a quick load on the file system. Several processes at once each write their own
// file in pieces, read it back and check every byte, and remove it. Prints "stressfs: ok"
// when all of them succeeded; otherwise says which worker failed and why (status 1).
#include "user.h"

#define WORKERS 4
#define PIECES 40
#define PIECE_BYTES 1000

// The byte at offset off of worker w's file.
static char pattern(int w, int off) {
  return (char)('a' + (w * 7 + off / PIECE_BYTES + off % 251) % 26);
}

static void fail(int w, const char *what, const char *path) {
  fprintf(2, "stressfs: worker %d: %s %s\n", w, what, path);
  exit(1);
}

static void worker(int w) {
  static char piece[PIECE_BYTES];
  char path[32];
  snprintf(path, sizeof(path), "stressfs.%d", w);
  int fd = open(path, O_CREATE | O_TRUNC | O_WRONLY);
  if (fd < 0)
    fail(w, "cannot create", path);
  for (int i = 0; i < PIECES; i++) {
    for (int j = 0; j < PIECE_BYTES; j++)
      piece[j] = pattern(w, i * PIECE_BYTES + j);
    if (write(fd, piece, PIECE_BYTES) != PIECE_BYTES)
      fail(w, "short write to", path);
  }
  close(fd);
  if ((fd = open(path, O_RDONLY)) < 0)
    fail(w, "cannot reopen", path);
  for (int i = 0; i < PIECES; i++) {
    if (read(fd, piece, PIECE_BYTES) != PIECE_BYTES)
      fail(w, "short read from", path);
    for (int j = 0; j < PIECE_BYTES; j++)
      if (piece[j] != pattern(w, i * PIECE_BYTES + j))
        fail(w, "wrong data read back from", path);
  }
  char extra;
  if (read(fd, &extra, 1) != 0)
    fail(w, "data past the end of", path);
  close(fd);
  if (unlink(path) < 0)
    fail(w, "cannot remove", path);
  exit(0);
}

int main(void) {
  for (int w = 0; w < WORKERS; w++) {
    int pid = fork();
    if (pid < 0) {
      fprintf(2, "stressfs: cannot fork worker %d\n", w);
      return 1;
    }
    if (pid == 0)
      worker(w);
  }
  int failed = 0;
  for (int w = 0; w < WORKERS; w++) {
    int status;
    if (wait(&status) < 0 || status != 0)
      failed = 1;
  }
  if (failed) {
    fprintf(2, "stressfs: a worker failed\n");
    return 1;
  }
  printf("stressfs: ok\n");
  return 0;
}
