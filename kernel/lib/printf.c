// printf and friends. One formatter (format) writes through a sink; printf's sink is the
// console and holds console_lock for the whole call so lines from different harts never mix.
// Lock: console_lock (spinlock) serialises console output; ignored once panicking is set.
#include "lib/printf.h"
#include "arch/spinlock.h"
#include "dev/console.h"
#include "dev/uart.h"
#include "lib/string.h"

volatile int panicking;
static struct spinlock console_lock = SPINLOCK_INIT("console");

struct sink {
  void (*put)(struct sink *s, char c);
  char *buf;            // snprintf: destination
  unsigned long size;   // snprintf: capacity
  unsigned long count;  // characters produced so far (also those that did not fit)
};

struct spec {
  int left;    // '-': pad on the right
  int zero;    // '0': pad with zeros
  int width;
  int precision;  // -1 when absent
  int size;    // 0 int, 1 long, 2 long long
};

static void emit(struct sink *s, char c) {
  s->put(s, c);
  s->count++;
}

static void pad(struct sink *s, int n, char c) {
  while (n-- > 0)
    emit(s, c);
}

static void put_number(struct sink *s, struct spec *sp, uint64 v, int base, int negative, int upper) {
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = digits[v % base];
    v /= base;
  } while (v);
  int len = n + negative;
  if (!sp->left && !sp->zero)
    pad(s, sp->width - len, ' ');
  if (negative)
    emit(s, '-');
  if (!sp->left && sp->zero)
    pad(s, sp->width - len, '0');
  while (n > 0)
    emit(s, tmp[--n]);
  if (sp->left)
    pad(s, sp->width - len, ' ');
}

static void put_string(struct sink *s, struct spec *sp, const char *str) {
  if (str == NULL)
    str = "(null)";
  int len = sp->precision >= 0 ? (int)strnlen(str, sp->precision) : (int)strlen(str);
  if (!sp->left)
    pad(s, sp->width - len, ' ');
  for (int i = 0; i < len; i++)
    emit(s, str[i]);
  if (sp->left)
    pad(s, sp->width - len, ' ');
}

// Reads flags, width, precision and length of one conversion; returns the conversion letter.
static char parse_spec(const char **fmtp, struct spec *sp, va_list *ap) {
  const char *f = *fmtp;
  *sp = (struct spec){.precision = -1};
  for (;; f++) {
    if (*f == '-')
      sp->left = 1;
    else if (*f == '0')
      sp->zero = 1;
    else
      break;
  }
  if (*f == '*') {
    sp->width = va_arg(*ap, int);
    f++;
  }
  while (*f >= '0' && *f <= '9')
    sp->width = sp->width * 10 + (*f++ - '0');
  if (*f == '.') {
    f++;
    sp->precision = 0;
    while (*f >= '0' && *f <= '9')
      sp->precision = sp->precision * 10 + (*f++ - '0');
  }
  while (*f == 'l' || *f == 'z') {
    sp->size = *f == 'z' ? 1 : sp->size + 1;
    f++;
  }
  *fmtp = f + (*f != 0);
  return *f;
}

static void format(struct sink *s, const char *fmt, va_list ap) {
  va_list args;
  va_copy(args, ap);
  while (*fmt) {
    if (*fmt != '%') {
      emit(s, *fmt++);
      continue;
    }
    fmt++;
    struct spec sp;
    char conv = parse_spec(&fmt, &sp, &args);
    int64 sv;
    uint64 uv;
    switch (conv) {
    case 'd':
    case 'i':
      sv = sp.size ? va_arg(args, int64) : va_arg(args, int);
      put_number(s, &sp, sv < 0 ? -(uint64)sv : (uint64)sv, 10, sv < 0, 0);
      break;
    case 'u':
    case 'x':
    case 'X':
    case 'o':
      uv = sp.size ? va_arg(args, uint64) : va_arg(args, uint);
      put_number(s, &sp, uv, conv == 'u' ? 10 : conv == 'o' ? 8 : 16, 0, conv == 'X');
      break;
    case 'p':
      emit(s, '0');
      emit(s, 'x');
      sp.zero = 1;
      sp.width = 16;
      put_number(s, &sp, (uint64)va_arg(args, void *), 16, 0, 0);
      break;
    case 'c':
      emit(s, (char)va_arg(args, int));
      break;
    case 's':
      put_string(s, &sp, va_arg(args, const char *));
      break;
    case '%':
      emit(s, '%');
      break;
    default:  // unknown conversion: show it as written
      emit(s, '%');
      if (conv)
        emit(s, conv);
      break;
    }
  }
  va_end(args);
}

static void put_console(struct sink *s, char c) {
  (void)s;
  uart_putc_sync(c);
}

int vprintf(const char *fmt, va_list ap) {
  struct sink s = {.put = put_console};
  int locked = !panicking;
  if (locked)
    acquire(&console_lock);
  format(&s, fmt, ap);
  if (locked)
    release(&console_lock);
  return (int)s.count;
}

// Writes bytes from a user program to the console, as one piece among kernel messages.
void console_write_bytes(const char *s, int n) {
  int locked = !panicking;
  if (locked)
    acquire(&console_lock);
  for (int i = 0; i < n; i++)
    uart_putc_sync(s[i]);
  if (locked)
    release(&console_lock);
}

int printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vprintf(fmt, ap);
  va_end(ap);
  return n;
}

static void put_buffer(struct sink *s, char c) {
  if (s->count + 1 < s->size)
    s->buf[s->count] = c;
}

int vsnprintf(char *buf, unsigned long size, const char *fmt, va_list ap) {
  struct sink s = {.put = put_buffer, .buf = buf, .size = size};
  format(&s, fmt, ap);
  if (size > 0)
    buf[s.count < size ? s.count : size - 1] = 0;
  return (int)s.count;
}

int snprintf(char *buf, unsigned long size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, size, fmt, ap);
  va_end(ap);
  return n;
}
