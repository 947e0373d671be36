// cat: copies each named file (or standard input, when none is named) to standard output.
// A file that cannot be opened or read is reported and skipped; the exit status is then 1.
#include "user.h"

static char buf[4096];

// Copies fd to standard output; 0 on success, -1 (reported) on a read or write error.
static int copy_out(int fd, const char *name) {
  int n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    if (write(1, buf, n) != n) {
      fprintf(2, "cat: write error\n");
      return -1;
    }
  }
  if (n < 0) {
    fprintf(2, "cat: %s: read error\n", name);
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return copy_out(0, "standard input") < 0;
  int status = 0;
  for (int i = 1; i < argc; i++) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      fprintf(2, "cat: cannot open %s\n", argv[i]);
      status = 1;
      continue;
    }
    if (copy_out(fd, argv[i]) < 0)
      status = 1;
    close(fd);
  }
  return status;
}
