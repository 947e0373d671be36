// grep: prints the lines of the named files (or of standard input) that match a pattern.
// Patterns: ordinary characters match themselves, '.' any character, 'x*' any number of x,
// '^' at the start and '$' at the end anchor the match, '\' makes the next character ordinary.
// The matcher follows every way of matching at once (a set of pattern positions per input
// character), so it takes time proportional to line length times pattern length, never more.
// Exit status: 0 if some line matched, 1 if none did or something failed.
#include "user.h"

#define MAX_ITEMS 64

// One element of the compiled pattern.
struct item {
  char c;     // the character to match, unless any
  char any;   // '.': matches every character
  char star;  // followed by '*': repeats zero or more times
};

static struct item items[MAX_ITEMS];
static int nitems;
static int anchored_start, anchored_end;

// Compiles pattern into items; -1 if it is too long.
static int compile(const char *p) {
  if (*p == '^')
    anchored_start = 1, p++;
  while (*p) {
    if (p[0] == '$' && p[1] == 0) {
      anchored_end = 1;
      break;
    }
    if (nitems == MAX_ITEMS)
      return -1;
    struct item *it = &items[nitems++];
    if (*p == '\\' && p[1])
      p++;
    else
      it->any = *p == '.';
    it->c = *p++;
    if (*p == '*') {
      it->star = 1;
      p++;
    }
  }
  return 0;
}

// Makes position i live in set, with every position after it that starred items can skip to.
static void add_position(char *set, int i) {
  for (; !set[i]; i++) {
    set[i] = 1;
    if (i == nitems || !items[i].star)
      break;
  }
}

static int match(const char *line, int len) {
  char live[MAX_ITEMS + 1], next[MAX_ITEMS + 1];
  memset(live, 0, sizeof(live));
  add_position(live, 0);
  for (int pos = 0;; pos++) {
    if (live[nitems] && (!anchored_end || pos == len))
      return 1;
    if (pos == len)
      return 0;
    memset(next, 0, sizeof(next));
    if (!anchored_start)
      add_position(next, 0);  // a match may also begin at the next character
    for (int i = 0; i < nitems; i++)
      if (live[i] && (items[i].any || items[i].c == line[pos]))
        add_position(next, items[i].star ? i : i + 1);
    memcpy(live, next, sizeof(live));
  }
}

static char *line;  // the line being read, grown as needed (with room for a NUL)
static uint line_cap;

// Appends c to line at *len, growing it; -1 if memory runs out.
static int append(uint *len, char c) {
  if (*len + 1 >= line_cap) {
    uint cap = 2 * line_cap;
    char *bigger = malloc(cap);
    if (!bigger)
      return -1;
    memcpy(bigger, line, *len);
    free(line);
    line = bigger;
    line_cap = cap;
  }
  line[(*len)++] = c;
  return 0;
}

// Prints the line if it matches; counts the matches.
static void consider(uint len, const char *name, int *matches) {
  if (!match(line, len))
    return;
  (*matches)++;
  line[len] = 0;
  if (name)
    printf("%s:%s\n", name, line);
  else
    printf("%s\n", line);
}

// Greps fd, naming `name` on every match if it is not 0; -1 (reported) on an error.
static int grep(int fd, const char *name, int *matches) {
  static char chunk[1024];
  uint len = 0;
  int n;
  while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
    for (int i = 0; i < n; i++) {
      if (chunk[i] == '\n') {
        consider(len, name, matches);
        len = 0;
      } else if (append(&len, chunk[i]) < 0) {
        fprintf(2, "grep: out of memory for a long line\n");
        return -1;
      }
    }
  }
  if (len > 0)
    consider(len, name, matches);
  if (n < 0)
    fprintf(2, "grep: read error\n");
  return n < 0 ? -1 : 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(2, "usage: grep pattern [file...]\n");
    return 1;
  }
  if (compile(argv[1]) < 0) {
    fprintf(2, "grep: pattern too long (at most %d items)\n", MAX_ITEMS);
    return 1;
  }
  line_cap = 256;
  if (!(line = malloc(line_cap))) {
    fprintf(2, "grep: out of memory\n");
    return 1;
  }
  int matches = 0, failed = 0;
  if (argc == 2)
    failed = grep(0, 0, &matches) < 0;
  for (int i = 2; i < argc; i++) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      fprintf(2, "grep: cannot open %s\n", argv[i]);
      failed = 1;
      continue;
    }
    failed |= grep(fd, argc > 3 ? argv[i] : 0, &matches) < 0;
    close(fd);
  }
  return matches > 0 && !failed ? 0 : 1;
}
