// wc: counts lines, words and bytes of each named file (or of standard input) and prints
// them as "lines words bytes name", with a total line when there are several files.
#include "user.h"

struct counts {
  int lines, words, bytes;
};

static char buf[4096];

// Adds the counts of everything readable from fd to c; -1 on a read error.
static int count(int fd, struct counts *c) {
  int in_word = 0, n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    c->bytes += n;
    for (int i = 0; i < n; i++) {
      char ch = buf[i];
      int blank = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' ||
                  ch == '\f';
      c->lines += ch == '\n';
      c->words += !blank && !in_word;
      in_word = !blank;
    }
  }
  return n < 0 ? -1 : 0;
}

static void report(const struct counts *c, const char *name) {
  printf("%d %d %d%s%s\n", c->lines, c->words, c->bytes, *name ? " " : "", name);
}

int main(int argc, char **argv) {
  struct counts total = {0, 0, 0};
  if (argc < 2) {
    if (count(0, &total) < 0) {
      fprintf(2, "wc: read error\n");
      return 1;
    }
    report(&total, "");
    return 0;
  }
  int status = 0;
  for (int i = 1; i < argc; i++) {
    struct counts c = {0, 0, 0};
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0 || count(fd, &c) < 0) {
      fprintf(2, "wc: cannot read %s\n", argv[i]);
      status = 1;
    } else {
      report(&c, argv[i]);
      total.lines += c.lines, total.words += c.words, total.bytes += c.bytes;
    }
    if (fd >= 0)
      close(fd);
  }
  if (argc > 2)
    report(&total, "total");
  return status;
}
