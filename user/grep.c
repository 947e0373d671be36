// grep PATTERN [file...]: prints the lines that match PATTERN, a small regular expression:
// c matches itself, . any character, x* any number of x, ^ the start and $ the end of a line.
#include "user.h"

static int match_here(const char *re, const char *text);

// Matches c* followed by re at text.
static int match_star(char c, const char *re, const char *text) {
  do {
    if (match_here(re, text))
      return 1;
  } while (*text != 0 && (*text++ == c || c == '.'));
  return 0;
}

static int match_here(const char *re, const char *text) {
  if (re[0] == 0)
    return 1;
  if (re[1] == '*')
    return match_star(re[0], re + 2, text);
  if (re[0] == '$' && re[1] == 0)
    return *text == 0;
  if (*text != 0 && (re[0] == '.' || re[0] == *text))
    return match_here(re + 1, text + 1);
  return 0;
}

static int match(const char *re, const char *text) {
  if (re[0] == '^')
    return match_here(re + 1, text);
  do {
    if (match_here(re, text))
      return 1;
  } while (*text++ != 0);
  return 0;
}

static char buf[8192];

// Prints the matching lines of fd; returns the number of matches or -1.
static int grep(const char *re, int fd) {
  int have = 0, n, found = 0;
  while ((n = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
    have += n;
    buf[have] = 0;
    char *line = buf, *end;
    while ((end = strchr(line, '\n')) != 0) {
      *end = 0;
      if (match(re, line)) {
        *end = '\n';
        write(1, line, end + 1 - line);
        found++;
      }
      line = end + 1;
    }
    have -= line - buf;
    if (have == (int)sizeof(buf) - 1)
      have = 0;  // a line longer than the buffer: dropped
    memmove(buf, line, have);
  }
  if (have > 0) {  // a last line without a newline
    buf[have] = 0;
    if (match(re, buf)) {
      printf("%s\n", buf);
      found++;
    }
  }
  return n < 0 ? -1 : found;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(2, "usage: grep pattern [file...]\n");
    return 2;
  }
  if (argc == 2)
    return grep(argv[1], 0) > 0 ? 0 : 1;
  int found = 0, status = 0;
  for (int i = 2; i < argc; i++) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      fprintf(2, "grep: cannot open %s\n", argv[i]);
      status = 2;
      continue;
    }
    int r = grep(argv[1], fd);
    if (r > 0)
      found += r;
    close(fd);
  }
  return status ? status : found ? 0 : 1;
}
