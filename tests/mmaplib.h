// Shared by the mmap tests (tests/mmap-*.c): files with a pattern that depends on a seed and
// on each byte's offset (so a page from the wrong place, or a stale copy, is caught), reading
// them back with read(), checked mmap calls, and vmstat snapshots.
#pragma once
#include "faultlib.h"

#define PAGE 4096UL

// The byte expected at file offset off for a seed.
static inline uchar mm_byte(uint64 seed, uint64 off) {
  uint64 x = (off + 1) * 0x9e3779b97f4a7c15UL ^ (seed * 0xbf58476d1ce4e5b9UL);
  x ^= x >> 29;
  return (uchar)(x ^ (x >> 17));
}

static inline void mm_fill(uchar *buf, uint64 off, uint64 n, uint64 seed) {
  for (uint64 i = 0; i < n; i++)
    buf[i] = mm_byte(seed, off + i);
}

// Creates (or truncates) path and writes `size` bytes of the seed's pattern.
static inline void mm_make_file(const char *path, uint64 size, uint64 seed) {
  static uchar buf[PAGE];
  int fd = open(path, O_CREATE | O_TRUNC | O_RDWR);
  CHECK(fd >= 0, "cannot create %s", path);
  for (uint64 off = 0; off < size; off += PAGE) {
    uint64 n = size - off < PAGE ? size - off : PAGE;
    mm_fill(buf, off, n, seed);
    CHECK(write(fd, buf, n) == (int)n, "write of %s at %lu", path, off);
  }
  close(fd);
}

// Checks n bytes at p against the pattern of the file offset off; what names the place.
static inline void mm_check(const char *what, const uchar *p, uint64 off, uint64 n, uint64 seed) {
  for (uint64 i = 0; i < n; i++) {
    uchar want = mm_byte(seed, off + i);
    CHECK(p[i] == want, "%s: byte at file offset %lu is 0x%x, expected 0x%x (seed %lu)", what,
          off + i, p[i], want, seed);
  }
}

// Reads path's bytes [off, off+n) with read() into buf.
static inline void mm_read_file(const char *path, uint64 off, uchar *buf, uint64 n) {
  int fd = open(path, O_RDONLY);
  CHECK(fd >= 0, "cannot open %s", path);
  static uchar skip[PAGE];
  for (uint64 done = 0; done < off;) {
    uint64 k = off - done < PAGE ? off - done : PAGE;
    CHECK(read(fd, skip, k) == (int)k, "read of %s before %lu", path, off);
    done += k;
  }
  for (uint64 done = 0; done < n;) {
    int r = read(fd, buf + done, n - done < PAGE ? n - done : PAGE);
    CHECK(r > 0, "read of %s at %lu returned %d", path, off + done, r);
    done += r;
  }
  close(fd);
}

static inline uint64 mm_file_size(const char *path) {
  struct stat st;
  CHECK(stat(path, &st) == 0, "stat %s", path);
  return st.size;
}

// mmap that must succeed.
static inline uchar *mm_map(void *addr, uint64 len, int prot, int flags, int fd, uint64 off) {
  void *p = mmap(addr, len, prot, flags, fd, off);
  CHECK(p != MAP_FAILED, "mmap(%p, %lu, %d, 0x%x, %d, %lu) failed", addr, len, prot, flags, fd,
        off);
  CHECK((uint64)p % PAGE == 0, "mmap returned %p, not page-aligned", p);
  return p;
}

static inline struct vmstat mm_vmstat(void) {
  struct vmstat st;
  CHECK(vmstat(&st) == 0, "vmstat");
  return st;
}

// How many of the npages pages at p are resident (mincore).
static inline int mm_resident(void *p, uint64 npages) {
  static uchar vec[1024];
  CHECK(npages <= sizeof(vec), "mm_resident: %lu pages", npages);
  CHECK(mincore(p, npages * PAGE, vec) == 0, "mincore(%p, %lu pages)", p, npages);
  int n = 0;
  for (uint64 i = 0; i < npages; i++)
    n += vec[i] & 1;
  return n;
}

// How many of this process's pages map a page-cache frame (vmquery's 'C' pages): its own
// program's text and read-only data share the cache's frames too.
static inline uint64 mm_own_cached_pages(void) {
  static struct vmq_rec rec[VMQ_MAX_RECORDS];
  uint64 n = 0, from = 0;
  do {
    int got = vmquery(getpid(), from, rec, VMQ_MAX_RECORDS);
    CHECK(got >= 1 && rec[0].type == VMQ_PROC, "vmquery of this process from %p", (void *)from);
    for (int i = 1; i < got; i++)
      if (rec[i].type == VMQ_RUN && rec[i].flags == VMQ_P_CACHED)
        n += rec[i].npages;
    from = rec[0].start;
  } while (from);
  return n;
}

// Runs fn at addr in a child that must be killed, and checks the kill line's reason by
// nothing more than the exit status (the grader matches the line itself).
static inline void mm_expect_killed(void (*fn)(void), void *addr, const char *what) {
  expect_killed(fn, (uint64)addr, what);
}
