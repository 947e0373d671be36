// echo: prints its arguments separated by single spaces and followed by a newline, in one
// write() so that the line arrives whole even when another process writes to the same place.
#include "user.h"

int main(int argc, char **argv) {
  uint total = 1;  // the newline
  for (int i = 1; i < argc; i++)
    total += strlen(argv[i]) + 1;
  char *line = malloc(total);
  if (!line) {
    fprintf(2, "echo: out of memory\n");
    return 1;
  }
  uint len = 0;
  for (int i = 1; i < argc; i++) {
    if (i > 1)
      line[len++] = ' ';
    uint n = strlen(argv[i]);
    memcpy(line + len, argv[i], n);
    len += n;
  }
  line[len++] = '\n';
  if (write(1, line, len) != (int)len) {
    fprintf(2, "echo: write error\n");
    return 1;
  }
  return 0;
}
