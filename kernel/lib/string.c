// memset/memcpy/memmove, page_zero/page_copy and the C string functions. The memory
// functions move aligned blocks of 16 words (128 bytes) per loop turn, so zeroing a 4 KiB
// page costs its 512 stores and 64 instructions of loop, and copying one its 512 loads and
// 512 stores and 96 more (a byte loop takes ~20,000). Heads and tails that are not whole
// aligned words go byte by byte: a misaligned word access may trap or be slow on RISC-V.
// When dst and src differ in alignment no word lines up with both, and the copy is bytewise.
// gcc must not turn these loops back into calls to memset/memcpy (the Makefile passes
// -fno-tree-loop-distribute-patterns). No state, no locks; callers anywhere.
#include "lib/string.h"

#define WORD sizeof(uint64)
#define BLOCK_WORDS 16
#define BLOCK (BLOCK_WORDS * WORD)
#define ALIGNED(p) (((uint64)(p) & (WORD - 1)) == 0)

// One block of w set to v: sixteen stores, no loop.
static inline void set_block(uint64 *w, uint64 v) {
  w[0] = v; w[1] = v; w[2] = v; w[3] = v; w[4] = v; w[5] = v; w[6] = v; w[7] = v;
  w[8] = v; w[9] = v; w[10] = v; w[11] = v; w[12] = v; w[13] = v; w[14] = v; w[15] = v;
}

// One block from s to d, word by word upward: safe for an overlapping move to a lower
// address (each word is read before any store could reach it).
static inline void copy_block_up(uint64 *d, const uint64 *s) {
  d[0] = s[0]; d[1] = s[1]; d[2] = s[2]; d[3] = s[3];
  d[4] = s[4]; d[5] = s[5]; d[6] = s[6]; d[7] = s[7];
  d[8] = s[8]; d[9] = s[9]; d[10] = s[10]; d[11] = s[11];
  d[12] = s[12]; d[13] = s[13]; d[14] = s[14]; d[15] = s[15];
}

// The block that ends at d (and at s), word by word downward: safe for an overlapping move
// to a higher address.
static inline void copy_block_down(uint64 *d, const uint64 *s) {
  d[-1] = s[-1]; d[-2] = s[-2]; d[-3] = s[-3]; d[-4] = s[-4];
  d[-5] = s[-5]; d[-6] = s[-6]; d[-7] = s[-7]; d[-8] = s[-8];
  d[-9] = s[-9]; d[-10] = s[-10]; d[-11] = s[-11]; d[-12] = s[-12];
  d[-13] = s[-13]; d[-14] = s[-14]; d[-15] = s[-15]; d[-16] = s[-16];
}

void *memset(void *dst, int c, unsigned long n) {
  uint8 *d = dst;
  if (n >= WORD) {
    uint64 pattern = (uint8)c * 0x0101010101010101UL;
    for (; !ALIGNED(d); n--)  // fewer than WORD bytes, and n >= WORD
      *d++ = (uint8)c;
    uint64 *w = (uint64 *)d;
    for (; n >= BLOCK; n -= BLOCK, w += BLOCK_WORDS)
      set_block(w, pattern);
    for (; n >= WORD; n -= WORD)
      *w++ = pattern;
    d = (uint8 *)w;
  }
  for (; n > 0; n--)
    *d++ = (uint8)c;
  return dst;
}

// Copies upward from the start; a word at a time when dst and src share their alignment.
// Safe also when dst is below src and they overlap (memmove relies on it).
void *memcpy(void *dst, const void *src, unsigned long n) {
  uint8 *d = dst;
  const uint8 *s = src;
  if (n >= WORD && (((uint64)d ^ (uint64)s) & (WORD - 1)) == 0) {
    for (; !ALIGNED(d); n--)
      *d++ = *s++;
    uint64 *dw = (uint64 *)d;
    const uint64 *sw = (const uint64 *)s;
    for (; n >= BLOCK; n -= BLOCK, dw += BLOCK_WORDS, sw += BLOCK_WORDS)
      copy_block_up(dw, sw);
    for (; n >= WORD; n -= WORD)
      *dw++ = *sw++;
    d = (uint8 *)dw;
    s = (const uint8 *)sw;
  }
  for (; n > 0; n--)
    *d++ = *s++;
  return dst;
}

// Copies n bytes downward from the end, for an overlapping move to a higher address.
static void copy_backward(uint8 *d, const uint8 *s, unsigned long n) {
  d += n;
  s += n;
  if (n >= WORD && (((uint64)d ^ (uint64)s) & (WORD - 1)) == 0) {
    for (; !ALIGNED(d); n--)
      *--d = *--s;
    uint64 *dw = (uint64 *)d;
    const uint64 *sw = (const uint64 *)s;
    for (; n >= BLOCK; n -= BLOCK, dw -= BLOCK_WORDS, sw -= BLOCK_WORDS)
      copy_block_down(dw, sw);
    for (; n >= WORD; n -= WORD)
      *--dw = *--sw;
    d = (uint8 *)dw;
    s = (const uint8 *)sw;
  }
  for (; n > 0; n--)
    *--d = *--s;
}

void *memmove(void *dst, const void *src, unsigned long n) {
  uint8 *d = dst;
  const uint8 *s = src;
  if (d <= s || d >= s + n)
    return memcpy(dst, src, n);
  copy_backward(d, s, n);
  return dst;
}

void page_zero(void *kva) {
  uint64 *w = kva;
  for (uint64 *end = w + STRING_PAGE_BYTES / WORD; w < end; w += BLOCK_WORDS)
    set_block(w, 0);
}

void page_copy(void *dst, const void *src) {
  uint64 *d = dst;
  const uint64 *s = src;
  for (uint64 *end = d + STRING_PAGE_BYTES / WORD; d < end; d += BLOCK_WORDS, s += BLOCK_WORDS)
    copy_block_up(d, s);
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
