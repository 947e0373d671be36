// The rest of the xv6-compatible C library: stat by path, line input, decimal parsing.
// Called by user programs; stat and gets go through the system calls in usys.S.
#include "user.h"

int stat(const char *path, struct stat *st) {
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return -1;
  int result = fstat(fd, st);
  close(fd);
  return result;
}

// Reads from fd 0 up to and including a newline (or carriage return), storing at most max-1
// bytes and a NUL. Byte by byte, so that what follows the line stays unread for whoever reads
// fd 0 next (a child, for instance). At the end of input the string is empty.
char *gets(char *buf, int max) {
  int len = 0;
  char c = 0;
  while (len < max - 1 && c != '\n' && c != '\r') {
    if (read(0, &c, 1) != 1)
      break;
    buf[len++] = c;
  }
  if (max > 0)
    buf[len] = 0;
  return buf;
}

// Parses optional blanks, an optional sign and decimal digits; stops at anything else.
int atoi(const char *s) {
  while (*s == ' ' || *s == '\t')
    s++;
  int negative = *s == '-';
  if (*s == '-' || *s == '+')
    s++;
  uint value = 0;
  for (; *s >= '0' && *s <= '9'; s++)
    value = value * 10 + (uint)(*s - '0');
  return (int)(negative ? 0u - value : value);
}
