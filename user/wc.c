// wc: counts lines, words and bytes of each file named (or standard input).
#include "user.h"

static char buf[4096];

static int count(int fd, const char *name) {
  int lines = 0, words = 0, bytes = 0, in_word = 0, n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    bytes += n;
    for (int i = 0; i < n; i++) {
      if (buf[i] == '\n')
        lines++;
      int space = strchr(" \r\t\n\v", buf[i]) != 0;
      if (!space && !in_word)
        words++;
      in_word = !space;
    }
  }
  if (n < 0) {
    fprintf(2, "wc: %s: read error\n", name);
    return -1;
  }
  printf("%d %d %d %s\n", lines, words, bytes, name);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return count(0, "") < 0;
  int status = 0;
  for (int i = 1; i < argc; i++) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      fprintf(2, "wc: cannot open %s\n", argv[i]);
      status = 1;
      continue;
    }
    if (count(fd, argv[i]) < 0)
      status = 1;
    close(fd);
  }
  return status;
}
