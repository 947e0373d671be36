// printf, fprintf and snprintf over one formatter. Output goes to a sink: a 512-byte buffer
// flushed to a file descriptor when full and at the end (printf, fprintf), or the caller's
// buffer, truncated (snprintf).
#include <stdarg.h>

#include "user.h"

struct sink {
  int fd;      // flush to this descriptor, or -1 for snprintf
  char *buf;
  int cap;     // bytes buf holds (for snprintf, one is kept for the NUL)
  int len;     // bytes in buf
  int total;   // bytes produced so far
};

static void put(struct sink *s, char c) {
  s->total++;
  if (s->len == s->cap) {
    if (s->fd < 0)
      return;  // snprintf: truncated
    write(s->fd, s->buf, s->len);
    s->len = 0;
  }
  s->buf[s->len++] = c;
}

// Puts the digits of v in base (10 or 16) with the sign, padded to width.
static void put_number(struct sink *s, uint64 v, int base, int negative, int width, char pad,
                       int left) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v);
  int len = n + negative;
  if (negative && pad == '0')
    put(s, '-');
  for (; !left && width > len; width--)
    put(s, pad);
  if (negative && pad != '0')
    put(s, '-');
  while (n > 0)
    put(s, digits[--n]);
  for (; left && width > len; width--)
    put(s, ' ');
}

static void put_string(struct sink *s, const char *str, int width, int left) {
  if (!str)
    str = "(null)";
  int len = strlen(str);
  for (; !left && width > len; width--)
    put(s, ' ');
  while (*str)
    put(s, *str++);
  for (; left && width > len; width--)
    put(s, ' ');
}

// Fetches an integer argument of the given length (0 int, 1 long, 2 long long).
static uint64 int_arg(va_list *ap, int longs, int is_signed, int *negative) {
  int64 v;
  if (longs > 0)
    v = va_arg(*ap, long);
  else if (is_signed)
    v = va_arg(*ap, int);
  else
    v = va_arg(*ap, uint);
  *negative = is_signed && v < 0;
  return *negative ? -(uint64)v : (uint64)v;
}

static void format(struct sink *s, const char *fmt, va_list ap) {
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      put(s, *fmt);
      continue;
    }
    int left = 0, width = 0, longs = 0, negative;
    char pad = ' ';
    for (fmt++; *fmt == '-' || *fmt == '0'; fmt++)
      *fmt == '-' ? (left = 1) : (pad = '0');
    for (; *fmt >= '0' && *fmt <= '9'; fmt++)
      width = width * 10 + (*fmt - '0');
    for (; *fmt == 'l'; fmt++)
      longs++;
    if (left)
      pad = ' ';
    switch (*fmt) {
    case 'd': case 'i': {
      uint64 v = int_arg(&ap, longs, 1, &negative);
      put_number(s, v, 10, negative, width, pad, left);
      break;
    }
    case 'u': put_number(s, int_arg(&ap, longs, 0, &negative), 10, 0, width, pad, left); break;
    case 'x': put_number(s, int_arg(&ap, longs, 0, &negative), 16, 0, width, pad, left); break;
    case 'p':
      put(s, '0');
      put(s, 'x');
      put_number(s, (uint64)va_arg(ap, void *), 16, 0, 16, '0', 0);
      break;
    case 's': put_string(s, va_arg(ap, const char *), width, left); break;
    case 'c': put(s, (char)va_arg(ap, int)); break;
    case '%': put(s, '%'); break;
    case 0: return;
    default: put(s, '%'); put(s, *fmt); break;  // unknown: printed as written
    }
  }
}

static void vfprintf(int fd, const char *fmt, va_list ap) {
  char buf[512];
  struct sink s = {fd, buf, sizeof(buf), 0, 0};
  format(&s, fmt, ap);
  if (s.len > 0)
    write(fd, buf, s.len);
}

void printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfprintf(1, fmt, ap);
  va_end(ap);
}

void fprintf(int fd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfprintf(fd, fmt, ap);
  va_end(ap);
}

// Like C's snprintf: writes at most size-1 characters and a NUL; returns the length the whole
// output would have had.
int snprintf(char *buf, int size, const char *fmt, ...) {
  va_list ap;
  struct sink s = {-1, buf, size > 0 ? size - 1 : 0, 0, 0};
  va_start(ap, fmt);
  format(&s, fmt, ap);
  va_end(ap);
  if (size > 0)
    buf[s.len] = 0;
  return s.total;
}
