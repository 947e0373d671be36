// echo: prints its arguments separated by spaces, then a newline, in one write.
#include "user.h"

int main(int argc, char **argv) {
  static char line[4096];
  int n = 0;
  for (int i = 1; i < argc; i++) {
    int len = strlen(argv[i]);
    if (n + len + 2 > (int)sizeof(line)) {
      fprintf(2, "echo: arguments too long\n");
      return 1;
    }
    memmove(line + n, argv[i], len);
    n += len;
    line[n++] = i + 1 < argc ? ' ' : '\n';
  }
  if (argc == 1)
    line[n++] = '\n';
  return write(1, line, n) == n ? 0 : 1;
}
