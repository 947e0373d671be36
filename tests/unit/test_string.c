// Host unit test of kernel/lib/string.c: memset, memcpy and memmove at every alignment of
// dst and src (0..7 bytes past a word) and every length 0..300, each against a byte-at-a-time
// model of the whole buffer (so a byte written outside [dst, dst+n) fails too), memmove with
// every overlap from 17 bytes below to 17 above, page_zero and page_copy between untouched
// neighbour pages, and known answers for memcmp and the C string functions. Each operand is
// allocated to end exactly where the operation must stop, so AddressSanitizer catches a word
// loop that reads or writes past the end. The Makefile compiles this file and string.c with
// the kernel's names renamed (memset -> kstr_memset, ...), so the host C library's own stay
// out of the way. By hand (add the same -D for every function in lib/string.h):
//   cc -std=gnu11 -g -O1 -fsanitize=address,undefined -fno-builtin -Ikernel
//      -Dmemset=kstr_memset ... tests/unit/test_string.c kernel/lib/string.c -o test_string
#include <stdlib.h>

#include "types.h"
#include "lib/string.h"

#define UNIT_NAME "test_string"
#include "unit.h"

#define MAX_LEN 300
#define MAX_ALIGN 8
#define MAX_SHIFT 17  // memmove: dst from src - 17 to src + 17
#define PAGE STRING_PAGE_BYTES

static uint64 rng_state = 0x9e3779b97f4a7c15UL;

static uint8 rng_byte(void) { return (uint8)(unit_rng(&rng_state) >> 24); }

static void fill_random(uint8 *p, unsigned long n) {
  for (unsigned long i = 0; i < n; i++)
    p[i] = rng_byte();
}

// A buffer whose usable part is [p + align, p + align + n): it ends exactly there, and p
// itself is word-aligned (malloc's alignment is 16).
static uint8 *alloc_exact(unsigned long align, unsigned long n) {
  uint8 *p = malloc(align + n);  // not one byte more: ASan must see a write just past the end
  if (!p)
    failf("malloc(%lu) failed", align + n);
  CHECK(((uint64)p & 7) == 0, "malloc returned %p, not word-aligned", (void *)p);
  return p;
}

// The first byte where a and b differ, or -1.
static long first_difference(const uint8 *a, const uint8 *b, unsigned long n) {
  for (unsigned long i = 0; i < n; i++)
    if (a[i] != b[i])
      return (long)i;
  return -1;
}

static void test_memset(void) {
  static const int values[] = {0, 0xa5, 0x17f};  // 0x17f: only the low byte (0x7f) counts
  uint8 model[MAX_ALIGN + MAX_LEN];
  for (unsigned long a = 0; a < MAX_ALIGN; a++) {
    for (unsigned long n = 0; n <= MAX_LEN; n++) {
      for (unsigned long v = 0; v < ARRAY_SIZE(values); v++) {
        uint8 *buf = alloc_exact(a, n);
        fill_random(buf, a + n);
        for (unsigned long i = 0; i < a + n; i++)
          model[i] = i < a ? buf[i] : (uint8)values[v];
        void *r = memset(buf + a, values[v], n);
        CHECK(r == buf + a, "memset(align %lu, n %lu) returned %p, not dst", a, n, r);
        long at = first_difference(buf, model, a + n);
        CHECK(at < 0, "memset(align %lu, 0x%x, n %lu): byte %ld is 0x%02x, expected 0x%02x", a,
              values[v], n, at - (long)a, buf[at], model[at]);
        free(buf);
      }
    }
  }
}

static void test_memcpy(void) {
  uint8 model[MAX_ALIGN + MAX_LEN];
  for (unsigned long da = 0; da < MAX_ALIGN; da++) {
    for (unsigned long sa = 0; sa < MAX_ALIGN; sa++) {
      for (unsigned long n = 0; n <= MAX_LEN; n++) {
        uint8 *dst = alloc_exact(da, n), *src = alloc_exact(sa, n);
        fill_random(dst, da + n);
        fill_random(src, sa + n);
        for (unsigned long i = 0; i < da + n; i++)
          model[i] = i < da ? dst[i] : src[sa + i - da];
        void *r = memcpy(dst + da, src + sa, n);
        CHECK(r == dst + da, "memcpy(dst align %lu, src align %lu, n %lu) returned %p, not dst",
              da, sa, n, r);
        long at = first_difference(dst, model, da + n);
        CHECK(at < 0, "memcpy(dst align %lu, src align %lu, n %lu): byte %ld is 0x%02x, "
              "expected 0x%02x", da, sa, n, at - (long)da, dst[at], model[at]);
        free(dst);
        free(src);
      }
    }
  }
}

// memmove within one buffer: src at word offset 3 plus sa, dst at src + shift. The model
// copies through a separate array first, which is what "as if through a temporary" means.
static void test_memmove(void) {
  enum { BASE = 3 * MAX_ALIGN, SIZE = BASE + MAX_ALIGN + MAX_SHIFT + MAX_LEN };
  uint8 model[SIZE], tmp[MAX_LEN];
  for (unsigned long sa = 0; sa < MAX_ALIGN; sa++) {
    for (long shift = -MAX_SHIFT; shift <= MAX_SHIFT; shift++) {
      for (unsigned long n = 0; n <= MAX_LEN; n++) {
        unsigned long s = BASE + sa, d = s + shift;
        unsigned long end = (s > d ? s : d) + n;
        uint8 *buf = alloc_exact(0, end);
        fill_random(buf, end);
        for (unsigned long i = 0; i < n; i++)
          tmp[i] = buf[s + i];
        for (unsigned long i = 0; i < end; i++)
          model[i] = i >= d && i < d + n ? tmp[i - d] : buf[i];
        void *r = memmove(buf + d, buf + s, n);
        CHECK(r == buf + d, "memmove(src align %lu, shift %ld, n %lu) returned %p, not dst", sa,
              shift, n, r);
        long at = first_difference(buf, model, end);
        CHECK(at < 0, "memmove(src align %lu, shift %ld, n %lu): byte %ld of the buffer is "
              "0x%02x, expected 0x%02x", sa, shift, n, at, buf[at], model[at]);
        free(buf);
      }
    }
  }
}

// page_zero and page_copy on the middle page of three: the outer pages must not change.
static void test_pages(void) {
  uint8 *mem = aligned_alloc(PAGE, 3 * PAGE), *src = aligned_alloc(PAGE, PAGE);
  uint8 *model = malloc(3 * PAGE);
  if (!mem || !src || !model)
    failf("out of memory for the page test");
  fill_random(mem, 3 * PAGE);
  fill_random(src, PAGE);
  for (unsigned long i = 0; i < 3 * PAGE; i++)
    model[i] = i >= PAGE && i < 2 * PAGE ? 0 : mem[i];
  page_zero(mem + PAGE);
  long at = first_difference(mem, model, 3 * PAGE);
  CHECK(at < 0, "page_zero: byte %ld (of three pages, the middle one zeroed) is 0x%02x, "
        "expected 0x%02x", at, mem[at], model[at]);
  for (unsigned long i = 0; i < PAGE; i++)
    model[PAGE + i] = src[i];
  page_copy(mem + PAGE, src);
  at = first_difference(mem, model, 3 * PAGE);
  CHECK(at < 0, "page_copy: byte %ld (of three pages, the middle one copied) is 0x%02x, "
        "expected 0x%02x", at, mem[at], model[at]);
  free(mem);
  free(src);
  free(model);
}

static int sign(int x) { return (x > 0) - (x < 0); }

static void test_compare_and_strings(void) {
  CHECK(memcmp("abc", "abd", 2) == 0, "memcmp of equal prefixes is not 0");
  CHECK(memcmp("abc", "abd", 3) < 0, "memcmp(abc, abd) is not negative");
  CHECK(memcmp("\x80", "\x01", 1) > 0, "memcmp compares bytes as signed (0x80 < 0x01)");
  CHECK(memcmp("x", "y", 0) == 0, "memcmp of 0 bytes is not 0");
  CHECK(strlen("") == 0 && strlen("sloth") == 5, "strlen is wrong");
  CHECK(strnlen("sloth", 3) == 3 && strnlen("sloth", 9) == 5, "strnlen is wrong");
  CHECK(strcmp("a", "a") == 0 && sign(strcmp("a", "b")) == -1 && sign(strcmp("b", "a")) == 1,
        "strcmp orders a and b wrongly");
  CHECK(sign(strcmp("ab", "a")) == 1 && sign(strcmp("a", "ab")) == -1,
        "strcmp orders a prefix wrongly");
  CHECK(sign(strcmp("\xff", "a")) == 1, "strcmp compares chars as signed");
  CHECK(strncmp("abcx", "abcy", 3) == 0 && strncmp("abcx", "abcy", 4) < 0,
        "strncmp looks at the wrong number of chars");
  CHECK(strncmp("ab", "ab", 10) == 0, "strncmp runs past the terminating NUL");
  const char *s = "pages";
  CHECK(strchr(s, 'g') == s + 2 && strchr(s, 'z') == NULL && strchr(s, 0) == s + 5,
        "strchr finds the wrong place");
  char buf[8];
  memset(buf, 'x', sizeof(buf));
  CHECK(strlcpy(buf, "supplemental", sizeof(buf)) == 12 && strcmp(buf, "supplem") == 0,
        "strlcpy does not truncate to size-1 and terminate");
  CHECK(strlcpy(buf, "pt", sizeof(buf)) == 2 && strcmp(buf, "pt") == 0 && buf[3] == 'p',
        "strlcpy of a short string is wrong, or writes past its NUL");
  buf[0] = 'q';
  CHECK(strlcpy(buf, "abc", 0) == 3 && buf[0] == 'q', "strlcpy with size 0 writes");
}

int main(void) {
  test_memset();
  test_memcpy();
  test_memmove();
  test_pages();
  test_compare_and_strings();
  unit_pass();
  return 0;
}
