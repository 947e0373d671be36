// Boot-argument parsing. The command line is copied into a private buffer at boot and split
// into words in place; lookups scan the words (there are a handful). Words that no subsystem
// knows are reported at boot so typos do not pass silently.
#include "lib/bootargs.h"
#include "lib/printf.h"
#include "lib/string.h"

#define MAX_LINE 512
#define MAX_WORDS 32

static char line[MAX_LINE];      // the command line as given
static char words_buf[MAX_LINE]; // the same, split into NUL-terminated words
static char *words[MAX_WORDS];
static int nwords;

// Every key some subsystem reads; keep in step with the README's table of boot arguments.
static const char *known_keys[] = {
    "test",          "init",          "frames",       "stack",        "overcommit",
    "evict",         "swapslots",     "quiet",        "logcrash",     "vmtrace",
    "cow",           "prezero",       "fail_kalloc",  "fail_kmalloc", "fail_swap",
    "fail_diskread", "fail_diskwrite", "fail_user"};

static int is_known(const char *word) {
  for (unsigned i = 0; i < ARRAY_SIZE(known_keys); i++) {
    unsigned long n = strlen(known_keys[i]);
    if (strncmp(word, known_keys[i], n) == 0 && (word[n] == '=' || word[n] == 0))
      return 1;
  }
  return 0;
}

void bootargs_init(const char *cmdline) {
  if (strlcpy(line, cmdline, sizeof(line)) >= sizeof(line))
    printf("bootargs: command line longer than %d bytes, truncated\n", MAX_LINE - 1);
  memcpy(words_buf, line, sizeof(line));
  char *p = words_buf;
  while (*p) {
    while (*p == ' ' || *p == '\t')
      *p++ = 0;
    if (!*p)
      break;
    if (nwords == MAX_WORDS) {
      printf("bootargs: more than %d words, the rest ignored\n", MAX_WORDS);
      break;
    }
    words[nwords++] = p;
    while (*p && *p != ' ' && *p != '\t')
      p++;
  }
  for (int i = 0; i < nwords; i++)
    if (!is_known(words[i]))
      printf("bootargs: unknown argument '%s' ignored\n", words[i]);
}

const char *bootargs_line(void) { return line; }

const char *bootarg(const char *key) {
  unsigned long n = strlen(key);
  const char *found = NULL;
  for (int i = 0; i < nwords; i++) {  // the last occurrence wins, as on Linux
    if (strncmp(words[i], key, n) == 0 && words[i][n] == '=')
      found = words[i] + n + 1;
    else if (strcmp(words[i], key) == 0)
      found = "";
  }
  return found;
}

int64 bootarg_int(const char *key, int64 def) {
  const char *v = bootarg(key);
  if (!v)
    return def;
  int64 n = 0;
  const char *p = v;
  if (*p < '0' || *p > '9')
    goto bad;
  for (; *p >= '0' && *p <= '9'; p++) {
    if (n > (INT64_MAX_VALUE - 9) / 10)
      goto bad;
    n = n * 10 + (*p - '0');
  }
  int shift = *p == 'K' || *p == 'k' ? 10 : *p == 'M' || *p == 'm' ? 20 : *p == 'G' || *p == 'g' ? 30 : 0;
  if (shift)
    p++;
  if (*p || n > (INT64_MAX_VALUE >> shift))
    goto bad;
  return n << shift;
bad:
  printf("bootargs: %s=%s is not a number, using %ld\n", key, v, def);
  return def;
}
