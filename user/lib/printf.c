// Formatted output for user programs: printf, fprintf and snprintf share one formatter that
// appends characters to an output buffer. For printf/fprintf the buffer lives on the stack and
// goes out in one write() at the end (or one per 512 bytes for longer output), so lines from
// processes printing at the same time do not mix character by character; for snprintf it is
// the caller's array, and what does not fit is counted but dropped.
#include <stdarg.h>

#include "user.h"

#define PRINT_BUFFER 512

struct outbuf {
  char *data;
  int size;    // capacity of data
  int used;    // characters in data
  int fd;      // where a full buffer is written, or -1 to drop the excess (snprintf)
  int length;  // characters produced by the whole call, dropped ones included
};

// One conversion: %[flags][width][.precision][length]conv.
struct spec {
  int left;       // '-': pad on the right
  int zero;       // '0': pad numbers with zeros after the sign
  int width;      // minimum field width
  int precision;  // -1 if none: minimum digits, or maximum characters of a string
  int longs;      // number of 'l' (or 'z') modifiers
  char conv;
};

static void out_char(struct outbuf *o, char c) {
  o->length++;
  if (o->used == o->size) {
    if (o->fd < 0)
      return;
    write(o->fd, o->data, o->used);
    o->used = 0;
  }
  o->data[o->used++] = c;
}

static void out_repeat(struct outbuf *o, char c, int n) {
  for (; n > 0; n--)
    out_char(o, c);
}

static void out_chars(struct outbuf *o, const char *s, int n) {
  for (int i = 0; i < n; i++)
    out_char(o, s[i]);
}

// Writes prefix and body as one field of the spec's width.
static void out_field(struct outbuf *o, const struct spec *sp, const char *prefix,
                      int zeros, const char *body, int body_len) {
  int prefix_len = strlen(prefix);
  int gap = sp->width - prefix_len - zeros - body_len;
  if (!sp->left && !sp->zero)
    out_repeat(o, ' ', gap);
  out_chars(o, prefix, prefix_len);
  if (!sp->left && sp->zero)
    out_repeat(o, '0', gap);
  out_repeat(o, '0', zeros);
  out_chars(o, body, body_len);
  if (sp->left)
    out_repeat(o, ' ', gap);
}

static void out_number(struct outbuf *o, const struct spec *sp, uint64 value, int negative) {
  const char *digit_set = sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  int base = sp->conv == 'x' || sp->conv == 'X' || sp->conv == 'p' ? 16 : 10;
  char digits[24];
  int n = sizeof(digits);
  do {
    digits[--n] = digit_set[value % base];
    value /= base;
  } while (value != 0);
  int len = sizeof(digits) - n;
  int zeros = sp->precision > len ? sp->precision - len : 0;
  const char *prefix = negative ? "-" : sp->conv == 'p' ? "0x" : "";
  out_field(o, sp, prefix, zeros, digits + n, len);
}

static void out_string(struct outbuf *o, const struct spec *sp, const char *s) {
  if (s == 0)
    s = "(null)";
  int len = 0;
  while (s[len] && (sp->precision < 0 || len < sp->precision))
    len++;
  struct spec text = *sp;
  text.zero = 0;
  out_field(o, &text, "", 0, s, len);
}

// Reads "%...conv" starting after the '%'; returns a pointer to the conversion character.
// A '*' width or precision takes an int argument, as in C.
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap) {
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
  for (; *f >= '0' && *f <= '9'; f++)
    sp->width = sp->width * 10 + (*f - '0');
  if (*f == '.') {
    sp->precision = 0;
    if (*++f == '*') {
      sp->precision = va_arg(*ap, int);
      f++;
    }
    for (; *f >= '0' && *f <= '9'; f++)
      sp->precision = sp->precision * 10 + (*f - '0');
  }
  for (; *f == 'l' || *f == 'z' || *f == 'h'; f++)
    sp->longs += *f != 'h';
  if (sp->width < 0) {  // a negative '*' width means '-' as in C
    sp->left = 1;
    sp->width = -sp->width;
  }
  sp->conv = *f;
  return f;
}

// Fetches an integer argument of the spec's size; returns its magnitude and sign.
static uint64 int_argument(const struct spec *sp, va_list *ap, int *negative) {
  int is_signed = sp->conv == 'd' || sp->conv == 'i';
  int64 v;
  if (sp->longs > 0)
    v = va_arg(*ap, int64);
  else if (is_signed)
    v = va_arg(*ap, int);
  else
    v = va_arg(*ap, uint);
  *negative = is_signed && v < 0;
  return *negative ? 0 - (uint64)v : (uint64)v;
}

static void convert(struct outbuf *o, struct spec *sp, va_list *ap) {
  int negative = 0;
  switch (sp->conv) {
  case 'd': case 'i': case 'u': case 'x': case 'X': {
    uint64 v = int_argument(sp, ap, &negative);
    out_number(o, sp, v, negative);
    break;
  }
  case 'p':
    sp->precision = 16;
    out_number(o, sp, (uint64)va_arg(*ap, void *), 0);
    break;
  case 's':
    out_string(o, sp, va_arg(*ap, const char *));
    break;
  case 'c': {
    char c = (char)va_arg(*ap, int);
    sp->zero = 0;
    out_field(o, sp, "", 0, &c, 1);
    break;
  }
  case '%':
    out_char(o, '%');
    break;
  default:  // unknown: shown as written, so the mistake is visible
    out_char(o, '%');
    out_char(o, sp->conv);
  }
}

static void format(struct outbuf *o, const char *fmt, va_list *ap) {
  for (const char *f = fmt; *f; f++) {
    if (*f != '%') {
      out_char(o, *f);
      continue;
    }
    struct spec sp;
    f = parse_spec(f + 1, &sp, ap);
    if (sp.conv == 0)
      return;  // a lone '%' at the end
    convert(o, &sp, ap);
  }
}

static void print_to(int fd, const char *fmt, va_list *ap) {
  char data[PRINT_BUFFER];
  struct outbuf o = {.data = data, .size = sizeof(data), .fd = fd};
  format(&o, fmt, ap);
  if (o.used > 0)
    write(fd, data, o.used);
}

void printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  print_to(1, fmt, &ap);
  va_end(ap);
}

void fprintf(int fd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  print_to(fd, fmt, &ap);
  va_end(ap);
}

int snprintf(char *buf, int size, const char *fmt, ...) {
  va_list ap;
  struct outbuf o = {.data = buf, .size = size > 0 ? size - 1 : 0, .fd = -1};
  va_start(ap, fmt);
  format(&o, fmt, &ap);
  va_end(ap);
  if (size > 0)
    buf[o.used] = 0;
  return o.length;
}
