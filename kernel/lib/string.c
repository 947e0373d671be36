// memset/memcpy/memmove and the C string functions. The memory functions move aligned 64-byte
// blocks of eight words per loop turn: a 4 KiB page costs about 600 instructions instead of the
// ~25,000 of a byte loop. Misaligned heads and tails go byte by byte.
#include "lib/string.h"

#define WORD sizeof(uint64)
#define ALIGNED(p) (((uint64)(p) & (WORD - 1)) == 0)

void *memset(void *dst, int c, unsigned long n) {
  uint8 *d = dst;
  uint64 pattern = (uint8)c * 0x0101010101010101UL;
  while (n > 0 && !ALIGNED(d)) {
    *d++ = (uint8)c;
    n--;
  }
  uint64 *w = (uint64 *)d;
  for (; n >= 8 * WORD; n -= 8 * WORD, w += 8) {
    w[0] = pattern; w[1] = pattern; w[2] = pattern; w[3] = pattern;
    w[4] = pattern; w[5] = pattern; w[6] = pattern; w[7] = pattern;
  }
  for (; n >= WORD; n -= WORD)
    *w++ = pattern;
  d = (uint8 *)w;
  while (n-- > 0)
    *d++ = (uint8)c;
  return dst;
}

// Copies n bytes forward; a word at a time when dst and src share their alignment.
static void copy_forward(uint8 *d, const uint8 *s, unsigned long n) {
  if ((((uint64)d ^ (uint64)s) & (WORD - 1)) == 0) {
    while (n > 0 && !ALIGNED(d)) {
      *d++ = *s++;
      n--;
    }
    uint64 *dw = (uint64 *)d;
    const uint64 *sw = (const uint64 *)s;
    for (; n >= 8 * WORD; n -= 8 * WORD, dw += 8, sw += 8) {
      uint64 a = sw[0], b = sw[1], c = sw[2], e = sw[3];
      uint64 f = sw[4], g = sw[5], h = sw[6], i = sw[7];
      dw[0] = a; dw[1] = b; dw[2] = c; dw[3] = e;
      dw[4] = f; dw[5] = g; dw[6] = h; dw[7] = i;
    }
    for (; n >= WORD; n -= WORD)
      *dw++ = *sw++;
    d = (uint8 *)dw;
    s = (const uint8 *)sw;
  }
  while (n-- > 0)
    *d++ = *s++;
}

// Copies n bytes backward (from the end), for overlapping moves to a higher address.
static void copy_backward(uint8 *d, const uint8 *s, unsigned long n) {
  d += n;
  s += n;
  if ((((uint64)d ^ (uint64)s) & (WORD - 1)) == 0) {
    while (n > 0 && !ALIGNED(d)) {
      *--d = *--s;
      n--;
    }
    uint64 *dw = (uint64 *)d;
    const uint64 *sw = (const uint64 *)s;
    for (; n >= WORD; n -= WORD)
      *--dw = *--sw;
    d = (uint8 *)dw;
    s = (const uint8 *)sw;
  }
  while (n-- > 0)
    *--d = *--s;
}

void *memcpy(void *dst, const void *src, unsigned long n) {
  copy_forward(dst, src, n);
  return dst;
}

void *memmove(void *dst, const void *src, unsigned long n) {
  uint8 *d = dst;
  const uint8 *s = src;
  if (d <= s || d >= s + n)
    copy_forward(d, s, n);
  else
    copy_backward(d, s, n);
  return dst;
}

int memcmp(const void *a, const void *b, unsigned long n) {
  const uint8 *x = a, *y = b;
  for (; n > 0; n--, x++, y++)
    if (*x != *y)
      return *x - *y;
  return 0;
}

unsigned long strlen(const char *s) {
  const char *p = s;
  while (*p)
    p++;
  return p - s;
}

unsigned long strnlen(const char *s, unsigned long max) {
  unsigned long n = 0;
  while (n < max && s[n])
    n++;
  return n;
}

int strcmp(const char *a, const char *b) {
  while (*a && *a == *b)
    a++, b++;
  return (uint8)*a - (uint8)*b;
}

int strncmp(const char *a, const char *b, unsigned long n) {
  for (; n > 0; n--, a++, b++) {
    if (*a != *b || *a == 0)
      return (uint8)*a - (uint8)*b;
  }
  return 0;
}

char *strchr(const char *s, int c) {
  for (;; s++) {
    if (*s == (char)c)
      return (char *)s;
    if (*s == 0)
      return NULL;
  }
}

unsigned long strlcpy(char *dst, const char *src, unsigned long size) {
  unsigned long len = strlen(src);
  if (size > 0) {
    unsigned long n = len < size - 1 ? len : size - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
  }
  return len;
}
