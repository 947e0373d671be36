// String and memory functions with their C standard meanings, for user programs (and for the
// memcpy/memset calls the compiler itself emits). memset, memmove and memcmp work a word at a
// time once the pointers allow it: under QEMU a byte loop over a 4 KiB page costs thousands of
// instructions more. user.mk compiles this file with -fno-tree-loop-distribute-patterns so
// that gcc does not turn these very loops back into calls to themselves.
#include "user.h"

// A word that may alias any object (the compiler must not assume otherwise).
typedef uint64 __attribute__((may_alias)) word_t;

#define WORD sizeof(word_t)
#define WORD_MASK (WORD - 1)

void *memset(void *dst, int c, uint n) {
  uchar *d = dst;
  word_t fill = (uchar)c * 0x0101010101010101ull;
  for (; n > 0 && ((uint64)d & WORD_MASK); n--)
    *d++ = (uchar)c;
  for (; n >= WORD; n -= WORD, d += WORD)
    *(word_t *)d = fill;
  for (; n > 0; n--)
    *d++ = (uchar)c;
  return dst;
}

// Copies n bytes upwards (from the first byte to the last): safe when dst is below src.
static void copy_up(uchar *d, const uchar *s, uint64 n) {
  if ((((uint64)d ^ (uint64)s) & WORD_MASK) == 0) {
    for (; n > 0 && ((uint64)d & WORD_MASK); n--)
      *d++ = *s++;
    for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
      *(word_t *)d = *(const word_t *)s;
  }
  for (; n > 0; n--)
    *d++ = *s++;
}

// Copies n bytes downwards (from the last byte to the first): safe when dst is above src.
static void copy_down(uchar *d, const uchar *s, uint64 n) {
  d += n;
  s += n;
  if ((((uint64)d ^ (uint64)s) & WORD_MASK) == 0) {
    for (; n > 0 && ((uint64)d & WORD_MASK); n--)
      *--d = *--s;
    for (; n >= WORD; n -= WORD) {
      d -= WORD;
      s -= WORD;
      *(word_t *)d = *(const word_t *)s;
    }
  }
  for (; n > 0; n--)
    *--d = *--s;
}

void *memmove(void *dst, const void *src, int n) {
  if (n <= 0 || dst == src)
    return dst;
  if ((uchar *)dst < (const uchar *)src)
    copy_up(dst, src, (uint64)n);
  else
    copy_down(dst, src, (uint64)n);
  return dst;
}

// memcpy allows no overlap, so copying upwards is always right.
void *memcpy(void *dst, const void *src, uint n) {
  copy_up(dst, src, n);
  return dst;
}

int memcmp(const void *a, const void *b, uint n) {
  const uchar *x = a, *y = b;
  if ((((uint64)x ^ (uint64)y) & WORD_MASK) == 0) {
    for (; n > 0 && ((uint64)x & WORD_MASK) && *x == *y; n--)
      x++, y++;
    // Once aligned, skip whole equal words; the byte loop below finds the first difference.
    if (((uint64)x & WORD_MASK) == 0)
      for (; n >= WORD && *(const word_t *)x == *(const word_t *)y; n -= WORD)
        x += WORD, y += WORD;
  }
  for (; n > 0; n--, x++, y++)
    if (*x != *y)
      return *x < *y ? -1 : 1;
  return 0;
}

uint strlen(const char *s) {
  const char *p = s;
  while (*p)
    p++;
  return p - s;
}

char *strcpy(char *dst, const char *src) {
  uint i = 0;
  do
    dst[i] = src[i];
  while (src[i++]);
  return dst;
}

// Compares at most n characters, as unsigned chars; stops at the first NUL.
int strncmp(const char *a, const char *b, uint n) {
  for (uint i = 0; i < n; i++) {
    uchar x = a[i], y = b[i];
    if (x != y)
      return x < y ? -1 : 1;
    if (x == 0)
      break;
  }
  return 0;
}

int strcmp(const char *a, const char *b) {
  return strncmp(a, b, (uint)-1);
}

char *strchr(const char *s, char c) {
  for (;; s++) {
    if (*s == c)
      return (char *)s;
    if (*s == 0)
      return 0;
  }
}
