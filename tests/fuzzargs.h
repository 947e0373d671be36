// The system-call fuzzer's argument generators (tests/fuzz.c, tests/fuzzcalls.h): a seeded
// random stream, the worker's model of its own state (its break, its descriptors, how full
// its pipes are, its children), and generators of hostile arguments: kernel, unmapped and
// read-only addresses, ranges straddling the end of the heap, strings that run off a page,
// huge and negative lengths, bad and closed descriptors, paths confined to the sandbox /fz.
// Kernel writes only ever land in the worker's scratch pages (the start of its heap), the heap
// beyond them, or the dead stack below sp: never in the worker's own variables.
#pragma once
#include "testlib.h"

#define FZ_PAGE 4096UL
#define FZ_SCRATCH_PAGES 8
#define FZ_REPORT_FD 15         // NOFILE - 1: the report pipe; no generated descriptor names it
#define FZ_NFD 15               // descriptors 0..14 are the worker's to play with
#define FZ_MAX_CHILDREN 12      // forks per batch
#define FZ_NPIPES 32
#define FZ_PIPESIZE 4032        // kernel/fs/pipe.c's ring
#define FZ_MAXPATH 128          // kernel/param.h
#define FZ_MAXARG 32
#define FZ_USER_TOP 0x4000000000UL
#define FZ_STACK_TOP (FZ_USER_TOP - FZ_PAGE)
#define FZ_ARENA 0x1000000000UL  // where MAP_FIXED and munmap may aim (64 GiB: far from all)
#define FZ_INT_MAX 0x7fffffffL
#define FZ_INT_MIN (-FZ_INT_MAX - 1)

// What a generated pointer is: good, bad from its first byte, or good then bad (a straddle).
// FZ_UNKNOWN: the generator cannot tell (no oracle then).
enum fz_valid { FZ_OK, FZ_BAD, FZ_PARTIAL, FZ_UNKNOWN };

enum fz_fdkind { FD_FREE, FD_FILE, FD_DIR, FD_DEV, FD_PIPE_R, FD_PIPE_W };

struct fz_fd {
  enum fz_fdkind kind;
  int pipe;  // index in pipes[] for the pipe kinds
};

struct fz_pipe {
  int count;  // bytes in it as far as this process knows; -1: unknown (a child's inherited pipe)
};

// Everything the worker knows about itself. Lives in the worker's bss, which no generated
// pointer that the kernel writes through can reach.
struct fz_worker {
  uint64 rng;
  int child;            // 1 in a child of the worker (no fork, no compound exec, may exit)
  int pid;
  uint64 scratch;       // FZ_SCRATCH_PAGES pages at the start of the heap
  uint64 heap_base;     // the kernel refuses to shrink the heap below this
  uint64 brk;           // the break, tracked through every sbrk that succeeded
  struct fz_fd fds[FZ_NFD];
  struct fz_pipe pipes[FZ_NPIPES];
  int next_pipe;
  int children[FZ_MAX_CHILDREN];  // pids forked this batch (0: reaped)
  int nforked;
};

static struct fz_worker fz;

// ---- The random stream ----

static inline uint64 fz_rand(void) { return test_rand(&fz.rng); }
static inline uint64 fz_below(uint64 n) { return n ? fz_rand() % n : 0; }
static inline int fz_chance(int num, int den) { return (int)fz_below(den) < num; }
#define FZ_PICK(array) ((array)[fz_below(sizeof(array) / sizeof((array)[0]))])

// A 64-bit mix: batch seeds from (seed, batch), never 0 (xorshift's fixed point).
static inline uint64 fz_mix(uint64 a, uint64 b) {
  uint64 x = a * 0x9e3779b97f4a7c15UL ^ (b + 0x632be59bd9b4e019UL);
  x ^= x >> 31;
  x *= 0xbf58476d1ce4e5b9UL;
  x ^= x >> 29;
  return x ? x : 1;
}

// ---- Addresses ----

static const uint64 fz_kernel_addrs[] = {
    0xffffffc080200000UL,  // kernel text
    0xffffffc000000000UL,  // the direct map's start
    0xffffffc087e00000UL,  // the direct map near the device tree
    0xffffffe000000000UL,  // kernel stacks
    0xffffffd000001000UL,
    0xfffffffffffff000UL,
    0xffffffffffffffffUL,
    0x8000000000UL,        // not canonical in Sv39
    0x7ffffffff000UL,
};

// Addresses no page is registered at (with the default stack limit of 1 MiB).
static const uint64 fz_unmapped_addrs[] = {
    0, 8, 0xfff, 0x1000, 0xfff8,
    0x2000000000UL,        // between heap and stack
    FZ_STACK_TOP,          // the page above the stack
    FZ_USER_TOP - 8,
    FZ_USER_TOP - 0x200000UL - 8,  // the stack's guard gap
};

static inline uint64 fz_heap_end(void) { return (fz.brk + FZ_PAGE - 1) & ~(FZ_PAGE - 1); }

extern char __data_start[];  // user/user.ld: the first writable page, after the constants
static const char fz_rodata_marker[] = "fuzz rodata";

static inline uint64 fz_text_addr(void) { return 0x10000 + fz_below(0x1000); }
static inline uint64 fz_rodata_addr(void) { return (uint64)fz_rodata_marker; }
// The last bytes of the constants: a range from here runs into the worker's .data.
static inline uint64 fz_rodata_end(void) {
  return (uint64)__data_start - 1 - fz_below(16);
}

// A kernel address or an unmapped one (not one the heap has grown over).
static inline uint64 fz_bad_addr(void) {
  uint64 a = fz_chance(1, 2) ? FZ_PICK(fz_kernel_addrs) : FZ_PICK(fz_unmapped_addrs);
  return a >= fz.heap_base && a < fz_heap_end() + FZ_PAGE ? FZ_PICK(fz_kernel_addrs) : a;
}

// Below this function's frame: dead stack (the system call runs higher up).
__attribute__((noinline)) static uint64 fz_below_sp(void) {
  volatile char here;
  return ((uint64)&here - 4096 - fz_below(8 * FZ_PAGE)) & ~7UL;
}

// Is [addr, addr+n) inside the heap (which starts with the scratch pages)?
static inline enum fz_valid fz_in_heap(uint64 addr, uint64 n) {
  return addr + n <= fz_heap_end() ? FZ_OK : FZ_PARTIAL;
}

// A pointer for the kernel to write len bytes to (read, fstat, pipe, wait, vmstat, mincore),
// or with for_read set, to read them from (the read-only pages are then fine).
static uint64 fz_buf(int64 len, enum fz_valid *v, int for_read) {
  uint64 span = FZ_SCRATCH_PAGES * FZ_PAGE, n = len > 0 ? (uint64)len : 1;
  uint64 end = fz_heap_end(), k = 1 + fz_below(16), addr;
  switch (fz_below(12)) {
  case 0: case 1: case 2: case 3: case 4:
    addr = fz.scratch + (n < span ? fz_below(span - n + 1) : 0);
    break;
  case 5:
    addr = end - k;  // the last k bytes of the heap, then nothing
    break;
  case 6:
    addr = end - FZ_PAGE * (1 + fz_below((end - fz.scratch) / FZ_PAGE)) + fz_below(FZ_PAGE);
    break;
  case 7:
    *v = for_read ? (n < FZ_PAGE ? FZ_OK : FZ_UNKNOWN) : FZ_BAD;  // read-only: writes refused
    return fz_chance(1, 3) ? fz_text_addr() : fz_chance(1, 2) ? fz_rodata_addr() : fz_rodata_end();
  case 8:
    *v = FZ_UNKNOWN;  // registered or not, depending on how deep the stack went before
    return fz_below_sp();
  default:
    *v = FZ_BAD;
    return fz_bad_addr();
  }
  *v = fz_in_heap(addr, n);
  return addr;
}

static inline uint64 fz_wbuf(int64 len, enum fz_valid *v) { return fz_buf(len, v, 0); }

// A pointer for the kernel to read len bytes from: anything the worker owns is fine too.
static uint64 fz_rbuf(int64 len, enum fz_valid *v) {
  uint64 n = len > 0 ? (uint64)len : 1, k = 1 + fz_below(16);
  switch (fz_below(10)) {
  case 0:
    *v = n < FZ_PAGE ? FZ_OK : FZ_UNKNOWN;
    return fz_chance(1, 2) ? fz_text_addr() : fz_rodata_addr();
  case 1:
    *v = FZ_UNKNOWN;
    return (uint64)&fz + fz_below(sizeof(fz));
  case 2:
    *v = n > k ? FZ_PARTIAL : FZ_OK;  // the top of the stack, then the unmapped top page
    return FZ_STACK_TOP - k;
  default:
    return fz_buf(len, v, 1);
  }
}

// ---- Lengths, descriptors, pids ----

static int64 fz_len(void) {
  static const int64 odd[] = {0, 1, 511, 512, 513, 4095, 4096, 4097, 8192, 65536, 1 << 20,
                              FZ_INT_MAX, -1, -4096, FZ_INT_MIN, 0x7ffff000};
  switch (fz_below(8)) {
  case 0: case 1: case 2: case 3:
    return 1 + fz_below(64);
  case 4:
    return fz_below(3 * FZ_PAGE);
  case 5:
    return (int64)((int)fz_rand() >> fz_below(32));  // any size, small ones likelier
  default:
    return FZ_PICK(odd);
  }
}

// A descriptor: mostly an open one, sometimes a closed one, sometimes out of range.
static int fz_fd(void) {
  static const int bad[] = {-1, -2, 16, 17, 100, 1 << 20, (int)FZ_INT_MAX, (int)FZ_INT_MIN};
  int r = (int)fz_below(20);
  if (r < 14) {
    int start = (int)fz_below(FZ_NFD);
    for (int i = 0; i < FZ_NFD; i++)
      if (fz.fds[(start + i) % FZ_NFD].kind != FD_FREE)
        return (start + i) % FZ_NFD;
  }
  if (r < 17)
    return (int)fz_below(FZ_NFD);
  return FZ_PICK(bad);
}

static inline enum fz_fdkind fz_kind(int fd) {
  return fd >= 0 && fd < FZ_NFD ? fz.fds[fd].kind : FD_FREE;
}

// The lowest free descriptor below the report pipe's, as the kernel's fdalloc picks it.
static int fz_lowest_free(int after) {
  for (int fd = after + 1; fd < FZ_NFD; fd++)
    if (fz.fds[fd].kind == FD_FREE)
      return fd;
  return -1;
}

// A pid for kill: one of this batch's children, or one that cannot be anybody's (init, pid 1,
// is refused by the kernel).
static int fz_pid(void) {
  static const int nobody[] = {-1, 0, 1, 1 << 30, (int)FZ_INT_MAX, (int)FZ_INT_MIN, -2};
  if (fz.nforked > 0 && fz_chance(2, 3)) {
    int pid = fz.children[fz_below(fz.nforked)];
    if (pid > 0)
      return pid;
  }
  return FZ_PICK(nobody);
}

// ---- Strings and paths ----

// Where the i-th string argument of a call goes: its own scratch page (pages 0..3).
static inline char *fz_slot(int i) { return (char *)(fz.scratch + (uint64)i * FZ_PAGE); }

static char *fz_append(char *s, const char *t) {
  while (*t)
    *s++ = *t++;
  *s = 0;
  return s;
}

// A path inside the sandbox (/fz; the worker's directory is /fz/w, its cwd somewhere under
// it): at most one "..", so at worst it names something in /fz. Never a name outside it.
static void fz_sandbox_path(char *buf, int dirs_only) {
  static const char *prefix[] = {"", "", "./", "/fz/w/", "../w/", "d/../", "//fz//w/", "/fz/"};
  static const char *names[] = {"a", "b", "c", "d", "e", "d", "e", "a", ".",
                                "f0123456789abcdefghij", "f0123456789abcd", "\x01\xff"};
  static const char *dirs[] = {"d", "e", "d", "e", "."};
  const char *pre = dirs_only ? FZ_PICK(((const char *[]){"", "/fz/w/", "./"})) : FZ_PICK(prefix);
  char *s = fz_append(buf, pre);
  int parts = 1 + (int)fz_below(3);
  for (int i = 0; i < parts; i++) {
    if (i > 0)
      s = fz_append(s, fz_chance(1, 6) ? "//" : "/");
    s = fz_append(s, dirs_only ? FZ_PICK(dirs) : FZ_PICK(names));
  }
  if (fz_chance(1, 8))
    s = fz_append(s, fz_chance(1, 2) ? "/" : "/.");
}

// A path argument: a sandbox path mostly; else a bad pointer, "", "/", a path too long for
// the kernel, or a string with no NUL before the end of the heap. *v says whether the kernel
// can read it as a string at all.
static uint64 fz_path(int slot, int dirs_only, enum fz_valid *v) {
  char *buf = fz_slot(slot);
  *v = FZ_OK;
  switch (fz_below(16)) {
  case 0:
    *v = FZ_BAD;
    return fz_bad_addr();
  case 1: {
    uint64 end = fz_heap_end(), k = 1 + fz_below(FZ_MAXPATH + 8);  // unterminated
    memset((char *)(end - k), 'a', k);
    *v = FZ_BAD;
    return end - k;
  }
  case 2:
    memset(buf, 'a', FZ_MAXPATH + fz_below(64));  // too long for the kernel's buffer
    buf[FZ_MAXPATH + 64] = 0;
    *v = FZ_BAD;
    return (uint64)buf;
  case 3:
    strcpy(buf, FZ_PICK(((const char *[]){"", "/", ".", "..", "/fz", "/fz/w", "../w", "w"})));
    return (uint64)buf;
  default:
    fz_sandbox_path(buf, dirs_only);
    return (uint64)buf;
  }
}

// Fills buf with n printable random bytes and a NUL.
static void fz_word(char *buf, int n) {
  for (int i = 0; i < n; i++)
    buf[i] = (char)('!' + fz_below(94));
  buf[n] = 0;
}
