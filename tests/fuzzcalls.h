// The system-call fuzzer's worker (tests/fuzz.c forks one per batch): one generator per
// system call of the ABI (kernel/proc/syscall.h), the calls themselves through a raw ecall,
// oracles where the answer is known (a bad pointer must give -1, a new descriptor is the
// lowest free one, close of a closed descriptor fails, ...), and the report it sends to the
// harness over the pipe at descriptor FZ_REPORT_FD: frames of records, one byte per call
// (which call, and -1 / success / "started", sent before a call that may block, so that the
// harness can tell which call a killed process was in).
#pragma once
#include "fuzzargs.h"
#include "proc/syscall.h"

#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif

// ---- The report protocol (read by fuzz.c) ----

enum { FZ_FRAME_REC = 1, FZ_FRAME_TEXT, FZ_FRAME_END, FZ_FRAME_TICK, FZ_FRAME_TRACE };
enum { FZ_STARTED = 0, FZ_FAIL = 1, FZ_SUCCESS = 2, FZ_KILLED = 3 };
#define FZ_NIDX 32       // record index: 0 for unknown numbers, else the system-call number
#define FZ_REC(idx, cls) ((uint8)((cls) << 6 | (idx)))

struct fz_frame {
  uint16 type;
  uint16 n;  // payload bytes that follow
  int pid;
};

static struct {
  struct fz_frame head;
  uint8 rec[240];
} fz_out;
static int fz_calls_left;
static int fz_trace;  // debugging: every call slower than 30 ms is reported, and the
                      // arguments of every read and write

static void fz_send(int type, const void *data, int n) {
  struct {
    struct fz_frame head;
    char data[256];
  } f;
  f.head = (struct fz_frame){.type = (uint16)type, .n = (uint16)n, .pid = fz.pid};
  memcpy(f.data, data, n);
  write(FZ_REPORT_FD, &f, sizeof(f.head) + n);
}

static void fz_flush(void) {
  if (fz_out.head.n == 0)
    return;
  fz_out.head.type = FZ_FRAME_REC;
  fz_out.head.pid = fz.pid;
  write(FZ_REPORT_FD, &fz_out, sizeof(fz_out.head) + fz_out.head.n);
  fz_out.head.n = 0;
}

static void fz_record(int idx, int cls) {
  fz_out.rec[fz_out.head.n++] = FZ_REC(idx, cls);
  if (fz_out.head.n >= 32)
    fz_flush();
}

// Before a call that may block: the harness learns which call it is, in case it never ends.
static void fz_started(int idx) {
  fz_record(idx, FZ_STARTED);
  fz_flush();
}

// An oracle failed (FZ_FRAME_TEXT), or a debugging line (FZ_FRAME_TRACE): one line for the
// harness to print.
#define FZ_LINE(type, ...)                               \
  do {                                                   \
    char line_[200];                                     \
    int n_ = snprintf(line_, sizeof(line_), __VA_ARGS__); \
    fz_send((type), line_, MIN(n_, 199));                \
  } while (0)
#define FZ_ANOMALY(...) FZ_LINE(FZ_FRAME_TEXT, __VA_ARGS__)
#define fz_trace_line(...) FZ_LINE(FZ_FRAME_TRACE, __VA_ARGS__)
// A system call with all six argument registers set (the stubs in usys.S set fewer).
static inline long fz_sys(long num, long a0, long a1, long a2, long a3, long a4, long a5) {
  register long r0 asm("a0") = a0;
  register long r1 asm("a1") = a1;
  register long r2 asm("a2") = a2;
  register long r3 asm("a3") = a3;
  register long r4 asm("a4") = a4;
  register long r5 asm("a5") = a5;
  register long r7 asm("a7") = num;
  asm volatile("ecall" : "+r"(r0) : "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r7)
               : "memory");
  return r0;
}

// Junk for the argument registers a call does not use.
static inline long fz_junk(void) { return (long)fz_rand(); }

#define FZ_CALL(num, a0, a1, a2) \
  fz_sys((num), (long)(a0), (long)(a1), (long)(a2), fz_junk(), fz_junk(), fz_junk())

static inline int fz_cls(long r) { return r == -1 ? FZ_FAIL : FZ_SUCCESS; }

// ---- Descriptors and files ----

static void fz_fd_opened(int fd, enum fz_fdkind kind, int pipe) {
  if (fd >= 0 && fd < FZ_NFD)
    fz.fds[fd] = (struct fz_fd){kind, pipe};
}

static long call_read(void) {
  int fd = fz_fd(), len = (int)fz_len();
  enum fz_valid v;
  uint64 buf = fz_wbuf(len, &v);
  struct fz_fd m = fd >= 0 && fd < FZ_NFD ? fz.fds[fd] : (struct fz_fd){FD_FREE, 0};
  if (m.kind == FD_PIPE_R && fz.pipes[m.pipe].count <= 0 && !fz_chance(1, 256))
    return FZ_CALL(SYS_read, 16, buf, len);  // an empty (or unknown) pipe may block: rarely
  if (fz_trace)
    fz_trace_line("read(%d, %p, %d): kind %d", fd, (void *)buf, len, m.kind);
  fz_started(SYS_read);
  long r = FZ_CALL(SYS_read, fd, buf, len);
  if (m.kind == FD_PIPE_R && r > 0 && fz.pipes[m.pipe].count >= 0)
    fz.pipes[m.pipe].count = r > fz.pipes[m.pipe].count ? 0 : fz.pipes[m.pipe].count - (int)r;
  if (len > 0 && ((v == FZ_BAD && r > 0) || (v != FZ_OK && v != FZ_UNKNOWN &&
                                             m.kind != FD_PIPE_R && r != -1)))
    FZ_ANOMALY("read(%d, %p, %d) into a bad buffer returned %ld", fd, (void *)buf, len, r);
  if (m.kind == FD_FREE && r != -1)
    FZ_ANOMALY("read(%d) of a closed descriptor returned %ld", fd, r);
  return r;
}

static long call_write(void) {
  int fd = fz_fd(), len = (int)fz_len();
  enum fz_valid v;
  uint64 buf = fz_rbuf(len, &v);
  struct fz_fd m = fd >= 0 && fd < FZ_NFD ? fz.fds[fd] : (struct fz_fd){FD_FREE, 0};
  int count = fz.pipes[m.pipe].count, room = count < 0 ? 0 : FZ_PIPESIZE - count;
  if (m.kind == FD_PIPE_W && v != FZ_BAD && len > room && !fz_chance(1, 256))
    len = room;  // a full pipe would block
  if (fz_trace)
    fz_trace_line("write(%d, %p, %d): kind %d, pipe count %d", fd, (void *)buf, len, m.kind, count);
  fz_started(SYS_write);
  long r = FZ_CALL(SYS_write, fd, buf, len);
  if (m.kind == FD_PIPE_W && r > 0 && count >= 0)
    fz.pipes[m.pipe].count = MIN(FZ_PIPESIZE, count + (int)r);
  if (len > 0 && ((v == FZ_BAD && r != -1) ||
                  (v == FZ_PARTIAL && m.kind != FD_PIPE_W && r != -1)))
    FZ_ANOMALY("write(%d, %p, %d) from a bad buffer returned %ld", fd, (void *)buf, len, r);
  if (m.kind == FD_FREE && r != -1)
    FZ_ANOMALY("write(%d) of a closed descriptor returned %ld", fd, r);
  return r;
}

static int fz_open_flags(void) {
  static const int base[] = {O_RDONLY, O_WRONLY, O_RDWR, 3};
  if (fz_chance(1, 10))
    return fz_chance(1, 2) ? (int)fz_rand() : -1;
  return FZ_PICK(base) | (fz_chance(1, 2) ? O_CREATE : 0) | (fz_chance(1, 4) ? O_TRUNC : 0);
}

static long call_open(void) {
  enum fz_valid v;
  uint64 path = fz_path(0, 0, &v);
  int flags = fz_open_flags(), want = fz_lowest_free(-1);
  long r = FZ_CALL(SYS_open, path, flags, 0);
  if (r >= 0 && r != want)
    FZ_ANOMALY("open gave descriptor %ld, but %d was the lowest free one", r, want);
  if (r >= 0 && v == FZ_BAD)
    FZ_ANOMALY("open(%p) of a bad path returned %ld", (void *)path, r);
  fz_fd_opened((int)r, FD_FILE, 0);
  return r;
}

static long call_close(void) {
  int fd = fz_fd();
  long r = FZ_CALL(SYS_close, fd, 0, 0);
  enum fz_fdkind kind = fz_kind(fd);
  if ((kind == FD_FREE) != (r == -1))
    FZ_ANOMALY("close(%d) of a %s descriptor returned %ld", fd, kind == FD_FREE ? "closed" : "open", r);
  if (r == 0)
    fz_fd_opened(fd, FD_FREE, 0);
  return r;
}

static long call_dup(void) {
  int fd = fz_fd(), want = fz_lowest_free(-1);
  long r = FZ_CALL(SYS_dup, fd, 0, 0);
  enum fz_fdkind kind = fz_kind(fd);
  if (kind == FD_FREE ? r != -1 : r != want)
    FZ_ANOMALY("dup(%d) of a %s descriptor returned %ld, expected %d", fd,
               kind == FD_FREE ? "closed" : "open", r, kind == FD_FREE ? -1 : want);
  if (r >= 0 && fd >= 0 && fd < FZ_NFD)
    fz_fd_opened((int)r, fz.fds[fd].kind, fz.fds[fd].pipe);
  return r;
}

static long call_pipe(void) {
  enum fz_valid v;
  uint64 addr = fz_wbuf(8, &v);
  int rfd = fz_lowest_free(-1), wfd = rfd < 0 ? -1 : fz_lowest_free(rfd);
  long r = FZ_CALL(SYS_pipe, addr, 0, 0);
  if (r == 0 && (v == FZ_BAD || v == FZ_PARTIAL || wfd < 0))
    FZ_ANOMALY("pipe(%p) succeeded with a bad address or no free descriptors", (void *)addr);
  if (r == 0 && v == FZ_OK && (((int *)addr)[0] != rfd || ((int *)addr)[1] != wfd))
    FZ_ANOMALY("pipe gave descriptors %d and %d, expected %d and %d", ((int *)addr)[0],
               ((int *)addr)[1], rfd, wfd);
  if (r == 0) {
    int p = fz.next_pipe++ % FZ_NPIPES;
    fz.pipes[p].count = 0;
    fz_fd_opened(rfd, FD_PIPE_R, p);
    fz_fd_opened(wfd, FD_PIPE_W, p);
  }
  return r;
}

static long call_fstat(void) {
  int fd = fz_fd();
  enum fz_valid v;
  uint64 addr = fz_wbuf(sizeof(struct stat), &v);
  long r = FZ_CALL(SYS_fstat, fd, addr, 0);
  enum fz_fdkind kind = fz_kind(fd);
  if (r != -1 && (v == FZ_BAD || v == FZ_PARTIAL || kind == FD_FREE || kind == FD_PIPE_R ||
                  kind == FD_PIPE_W))
    FZ_ANOMALY("fstat(%d, %p) returned %ld", fd, (void *)addr, r);
  return r;
}

// ---- Path calls ----

static long fz_path_call(int num, int dirs_only) {
  enum fz_valid v;
  uint64 path = fz_path(0, dirs_only, &v);
  long r = FZ_CALL(num, path, 0, 0);
  if (r != -1 && v == FZ_BAD)
    FZ_ANOMALY("system call %d on the bad path %p returned %ld", num, (void *)path, r);
  return r;
}

static long call_chdir(void) { return fz_path_call(SYS_chdir, 1); }
static long call_mkdir(void) { return fz_path_call(SYS_mkdir, 0); }
static long call_unlink(void) { return fz_path_call(SYS_unlink, 0); }

static long call_link(void) {
  enum fz_valid v0, v1;
  uint64 old = fz_path(0, 0, &v0), new = fz_path(1, 0, &v1);
  long r = FZ_CALL(SYS_link, old, new, 0);
  if (r != -1 && (v0 == FZ_BAD || v1 == FZ_BAD))
    FZ_ANOMALY("link(%p, %p) with a bad path returned %ld", (void *)old, (void *)new, r);
  return r;
}

// mknod with any major but the console's (1): reading the console would wait for input, and
// writing it would put random bytes among the kernel's lines. The kernel takes a short.
static long call_mknod(void) {
  static const int majors[] = {0, 2, 3, 9, 10, 11, -1, 32767, -32768, 1000, 0x10002};
  enum fz_valid v;
  uint64 path = fz_path(0, 0, &v);
  int major = fz_chance(1, 4) ? (int)fz_rand() : FZ_PICK(majors);
  if ((major & 0xffff) == 1)
    major = 2;
  long r = FZ_CALL(SYS_mknod, path, major, fz_rand());
  if (r != -1 && v == FZ_BAD)
    FZ_ANOMALY("mknod(%p) of a bad path returned %ld", (void *)path, r);
  return r;
}

// ---- Processes ----

static int fz_live_children(void) {
  int n = 0;
  for (int i = 0; i < fz.nforked; i++)
    n += fz.children[i] > 0;
  return n;
}

static void fz_reaped(int pid) {
  for (int i = 0; i < fz.nforked; i++)
    if (fz.children[i] == pid)
      fz.children[i] = 0;
}

// A child of the worker: a few calls (no fork, no compound exec), then exit.
static void fz_become_child(void) {
  fz.child = 1;
  fz.pid = getpid();
  for (int i = 0; i < FZ_NPIPES; i++)
    fz.pipes[i].count = -1;  // the worker's pipes: this child leaves them alone (mostly)
  fz.nforked = 0;
  fz_out.head.n = 0;
  fz_calls_left = 1 + (int)fz_below(8);
}

static long call_fork(void) {
  long r = FZ_CALL(SYS_fork, 0, 0, 0);
  if (r == 0) {
    fz_become_child();
    return -2;  // nothing to record: the parent records the fork
  }
  if (r > 0)
    fz.children[fz.nforked++] = (int)r;
  return r;
}

static long call_wait(void) {
  enum fz_valid v = FZ_OK;
  uint64 addr = fz_chance(1, 3) ? 0 : fz_wbuf(4, &v);
  int live = fz_live_children();
  fz_started(SYS_wait);
  long r = FZ_CALL(SYS_wait, addr, 0, 0);
  if (r > 0)
    fz_reaped((int)r);
  if (live == 0 && r != -1)
    FZ_ANOMALY("wait with no children returned %ld", r);
  if (r > 0 && addr != 0 && v != FZ_OK && v != FZ_UNKNOWN)
    FZ_ANOMALY("wait(%p) with a bad address returned %ld", (void *)addr, r);
  return r;
}

static long call_kill(void) {
  int pid = fz_pid();
  int mine = 0;
  for (int i = 0; i < fz.nforked; i++)
    mine |= pid > 0 && fz.children[i] == pid;
  long r = FZ_CALL(SYS_kill, pid, 0, 0);
  if (r != (mine ? 0 : -1))
    FZ_ANOMALY("kill(%d) returned %ld (%s)", pid, r, mine ? "a child not yet reaped" : "nobody's");
  return r;
}

static long call_exit(void) {
  static const int status[] = {0, 1, -1, 255, 256, (int)FZ_INT_MIN, (int)FZ_INT_MAX};
  fz_record(SYS_exit, FZ_SUCCESS);
  fz_flush();
  FZ_CALL(SYS_exit, FZ_PICK(status), 0, 0);
  FZ_ANOMALY("exit returned");
  return -1;
}

static long call_sbrk(void) {
  static const long odd[] = {0, 1, 8, 4095, 4096, 4097, 65536, 1 << 20, 1 << 30, FZ_INT_MAX,
                             -1, -4096, -(1 << 20), FZ_INT_MIN};
  long n = fz_chance(1, 4) ? (long)(int)fz_rand() : FZ_PICK(odd);
  uint64 floor = fz.scratch + FZ_SCRATCH_PAGES * FZ_PAGE;
  if (n < 0 && fz.brk + n < floor && fz.brk + n >= fz.heap_base)
    n = FZ_INT_MIN;  // the scratch pages stay (the kernel refuses this one: below the base)
  long r = FZ_CALL(SYS_sbrk, n, 0, 0);
  if (r != -1 && (uint64)r != fz.brk)
    FZ_ANOMALY("sbrk(%ld) returned %p, but the break was %p", n, (void *)r, (void *)fz.brk);
  if (r != -1)
    fz.brk += n;
  return r;
}

static long call_sleep(void) {
  static const int n[] = {0, 0, 0, 1, 1, 2, -1, -100, (int)FZ_INT_MIN};
  int ticks = fz_chance(1, 1024) ? 1 << 20 : FZ_PICK(n);
  fz_started(SYS_sleep);
  long r = FZ_CALL(SYS_sleep, ticks, 0, 0);
  if (r != 0)
    FZ_ANOMALY("sleep(%d) returned %ld", ticks, r);
  return r;
}

static long call_getpid(void) {
  long r = FZ_CALL(SYS_getpid, 0, 0, 0);
  if (r != fz.pid)
    FZ_ANOMALY("getpid returned %ld, expected %d", r, fz.pid);
  return r;
}

static long call_uptime(void) {
  long r = FZ_CALL(SYS_uptime, 0, 0, 0);
  if (r < 0)
    FZ_ANOMALY("uptime returned %ld", r);
  return r;
}

// ---- exec ----

// An argv array in scratch page 2 (strings in pages 3..5). *v: FZ_BAD if the kernel cannot
// fetch it all (a bad pointer, no NULL before the end of the heap, too many or too long
// strings).
static uint64 fz_argv(enum fz_valid *v) {
  char **argv = (char **)fz_slot(2), *words = fz_slot(3), *big = fz_slot(4);
  int n = (int)fz_below(6);
  *v = FZ_BAD;
  switch (fz_below(10)) {
  case 0:
    return fz_chance(1, 2) ? 0 : fz_bad_addr();
  case 1:
    n = FZ_MAXARG + 1 + (int)fz_below(3);  // too many
    break;
  case 2:
    memset(big, 'x', FZ_PAGE + fz_below(100));  // one string of a page or more
    big[FZ_PAGE + 100] = 0;
    argv[0] = big;
    argv[1] = 0;
    return (uint64)argv;
  case 3: {
    uint64 end = fz_heap_end();  // pointers up to the end of the heap, no NULL
    char **a = (char **)(end - 8 * (1 + fz_below(4)));
    for (char **p = a; (uint64)p < end; p++)
      *p = "x";
    return (uint64)a;
  }
  default:
    *v = FZ_OK;
  }
  argv[0] = "echo";
  for (int i = 1; i < n; i++) {
    int len = fz_chance(1, 20) ? (int)FZ_PAGE - 1 : (int)fz_below(12);
    char *w = len >= (int)FZ_PAGE - 1 ? big : words + i * 16;
    fz_word(w, len);
    argv[i] = w;
  }
  if (*v == FZ_OK && n > 1 && fz_chance(1, 8)) {
    uint64 bad = fz_bad_addr();
    argv[fz_below(n)] = (char *)(bad ? bad : FZ_PICK(fz_kernel_addrs));  // NULL would end it
    *v = FZ_BAD;
  }
  argv[n] = 0;
  return (uint64)argv;
}

// A path exec cannot run: anything but /echo (a directory, a text file, a device, nothing).
static uint64 fz_exec_path(enum fz_valid *v) {
  static const char *cannot[] = {"/", "/README", "/tests", "/console", "/fz/w/a", "/fz/w"};
  if (fz_chance(1, 2))
    return fz_path(0, 0, v);
  strcpy(fz_slot(0), FZ_PICK(cannot));
  *v = FZ_OK;
  return (uint64)fz_slot(0);
}

// exec that must fail, in whatever process is running.
static long fz_exec_fails(void) {
  enum fz_valid vp, va;
  uint64 path = fz_exec_path(&vp), argv = fz_argv(&va);
  long r = FZ_CALL(SYS_exec, path, argv, 0);
  if (r != -1)
    FZ_ANOMALY("exec(%p, %p) that must fail returned %ld", (void *)path, (void *)argv, r);
  return r;
}

// exec of /echo (or of something that cannot run) in a new child; the child's exit status
// says whether exec worked (echo exits 0, or 1 when its descriptor 1 is not writable; the
// child exits FZ_EXEC_FAILED when exec returns).
#define FZ_EXEC_FAILED 77
static long fz_exec_in_child(void) {
  enum fz_valid va;
  uint64 argv = fz_argv(&va);
  int runnable = fz_chance(4, 5);
  enum fz_valid vp = FZ_OK;
  uint64 path = runnable ? (uint64)strcpy(fz_slot(0), "/echo") : fz_exec_path(&vp);
  fz_started(SYS_exec);
  int pid = fork();
  if (pid == 0) {
    if (fz_kind(1) == FD_PIPE_W)
      close(1);  // echo's line into a full pipe would block
    FZ_CALL(SYS_exec, path, argv, 0);
    exit(FZ_EXEC_FAILED);
  }
  if (pid < 0)
    return -1;
  int status = 0, got;
  while ((got = wait(&status)) != pid && got > 0)
    fz_reaped(got);
  long r = got == pid && status != FZ_EXEC_FAILED ? 0 : -1;
  if (r == 0 && (va == FZ_BAD || vp == FZ_BAD || !runnable))
    FZ_ANOMALY("exec(%p, %p) with a bad argument ran (status %d, path '%s', argv valid %d)",
               (void *)path, (void *)argv, status, vp == FZ_OK ? (char *)path : "?", va);
  if (r == -1 && va == FZ_OK && runnable && got == pid)
    FZ_ANOMALY("exec of /echo with a good argv failed (status %d)", status);
  return r;
}

static long call_exec(void) {
  if (fz.child || fz.nforked >= FZ_MAX_CHILDREN || fz_chance(3, 4))
    return fz_exec_fails();
  return fz_exec_in_child();
}

// ---- Memory: mmap, munmap, mincore, vmstat ----

// An address for mmap's hint or munmap: in the arena (where replacing is harmless), odd, or
// a kernel address. *fixed_ok says whether MAP_FIXED (and munmap) may aim there. Never one
// of the unmapped user addresses the other calls use as bad pointers, nor the page after the
// heap: mmap honours a free hint, and a mapping there would make those pointers good.
static uint64 fz_map_addr(int *fixed_ok) {
  *fixed_ok = 1;
  switch (fz_below(6)) {
  case 0: case 1:
    return FZ_ARENA + FZ_PAGE * fz_below(256);
  case 2:
    return FZ_ARENA + 1 + fz_below(FZ_PAGE - 1);  // not page-aligned
  case 3:
    return fz_chance(1, 8) ? 0 : FZ_PICK(fz_kernel_addrs);
  default:
    *fixed_ok = 0;
    return fz.scratch;  // taken: only a hint, and the mapping goes elsewhere
  }
}

// A length for a range that MAP_FIXED or munmap may act on: within the arena, or one so large
// that the range leaves user space (refused).
static uint64 fz_map_len(int fixed) {
  uint64 len = (uint64)(int64)fz_len();
  if (fixed && len > (1UL << 30) && len < (1UL << 39))
    len = FZ_PAGE * (1 + fz_below(64));
  return len;
}

static long call_mmap(void) {
  static const int flag_sets[] = {MAP_PRIVATE | MAP_ANONYMOUS, MAP_SHARED | MAP_ANONYMOUS,
                                  MAP_PRIVATE, MAP_SHARED, MAP_SHARED | MAP_PRIVATE, 0,
                                  MAP_ANONYMOUS, MAP_FIXED_NOREPLACE | MAP_PRIVATE | MAP_ANONYMOUS};
  int fixed_ok;
  uint64 addr = fz_map_addr(&fixed_ok);
  int flags = fz_chance(1, 8) ? (int)fz_rand() : FZ_PICK(flag_sets);
  if (fixed_ok && fz_chance(1, 3))
    flags |= MAP_FIXED;
  if (!fixed_ok)
    flags &= ~MAP_FIXED;
  int prot = fz_chance(1, 8) ? (int)fz_rand() : (int)fz_below(8);
  uint64 len = fz_map_len(flags & MAP_FIXED);
  if (!(flags & MAP_FIXED) && len > (1UL << 30) && len < (1UL << 39))  // placed top down:
    len = FZ_PAGE * (1 + fz_below(64));  // a huge one would cover the unmapped addresses
  static const long offs[] = {0, 0, 4096, 1, -4096, 1L << 40, 8192};
  long r = fz_sys(SYS_mmap, addr, len, prot, flags, fz_fd(), FZ_PICK(offs));
  if (r != -1 && (flags & MAP_FIXED) && addr >= FZ_USER_TOP)
    FZ_ANOMALY("mmap(MAP_FIXED at kernel address %p) returned %p", (void *)addr, (void *)r);
  return r;
}

static long call_munmap(void) {
  int fixed_ok;
  uint64 addr = fz_map_addr(&fixed_ok);
  if (!fixed_ok)
    addr = FZ_ARENA;
  long r = FZ_CALL(SYS_munmap, addr, fz_map_len(1), 0);
  if (r != -1 && addr >= FZ_USER_TOP)
    FZ_ANOMALY("munmap(%p) of a kernel address returned %ld", (void *)addr, r);
  return r;
}

static long call_mincore(void) {
  static const uint64 huge[] = {1UL << 40, ~0UL, FZ_USER_TOP, 1UL << 63};
  uint64 addr;
  switch (fz_below(4)) {
  case 0:
    addr = fz_bad_addr();
    break;
  case 1:
    addr = fz_text_addr();  // may be unaligned
    break;
  default:
    addr = fz_heap_end() - FZ_PAGE * fz_below(12);
  }
  uint64 len = fz_chance(1, 8) ? FZ_PICK(huge) : (uint64)(int64)fz_len();
  enum fz_valid v;
  uint64 vec = fz_wbuf((int64)MIN(len / FZ_PAGE + 1, 1UL << 20), &v);
  long r = FZ_CALL(SYS_mincore, addr, len, vec);
  if (r != -1 && (addr >= FZ_USER_TOP || addr % FZ_PAGE || (len > 0 && v == FZ_BAD)))
    FZ_ANOMALY("mincore(%p, %p, %p) returned %ld", (void *)addr, (void *)len, (void *)vec, r);
  return r;
}

static long call_vmstat(void) {
  enum fz_valid v;
  uint64 addr = fz_wbuf(sizeof(struct vmstat), &v);
  long r = FZ_CALL(SYS_vmstat, addr, 0, 0);
  if (r != -1 && (v == FZ_BAD || v == FZ_PARTIAL))
    FZ_ANOMALY("vmstat(%p) into a bad buffer returned %ld", (void *)addr, r);
  return r;
}

// Numbers the ABI does not have (one with a valid call's number in its low 32 bits).
static long call_unknown(void) {
  static const uint64 nums[] = {0, 27, 28, 31, 32, 63, 64, 255, 1000, 1UL << 31, ~0UL,
                                (1UL << 32) | SYS_getpid, (1UL << 63) | SYS_uptime};
  uint64 num = fz_chance(1, 6) ? fz_rand() : FZ_PICK(nums);
  if (num >= 1 && num <= SYS_poweroff)
    num = 0;
  long r = fz_sys((long)num, fz_junk(), fz_junk(), fz_junk(), fz_junk(), fz_junk(), fz_junk());
  if (r != -1)
    FZ_ANOMALY("unknown system call %p returned %ld", (void *)num, r);
  return r;
}

// ---- The worker ----

struct fz_call {
  const char *name;
  long (*call)(void);
  uint8 weight, child_weight;  // how often, in the worker and in its children
};

// Indexed by system-call number; poweroff (26) is never called, 0 stands for unknown numbers.
static const struct fz_call fz_calls[FZ_NIDX] = {
    [0] = {"unknown", call_unknown, 2, 1},
    [SYS_fork] = {"fork", call_fork, 3, 0},     [SYS_exit] = {"exit", call_exit, 0, 2},
    [SYS_wait] = {"wait", call_wait, 3, 1},     [SYS_pipe] = {"pipe", call_pipe, 4, 2},
    [SYS_read] = {"read", call_read, 10, 4},    [SYS_kill] = {"kill", call_kill, 2, 1},
    [SYS_exec] = {"exec", call_exec, 3, 1},     [SYS_fstat] = {"fstat", call_fstat, 4, 1},
    [SYS_chdir] = {"chdir", call_chdir, 3, 1},  [SYS_dup] = {"dup", call_dup, 4, 2},
    [SYS_getpid] = {"getpid", call_getpid, 1, 1}, [SYS_sbrk] = {"sbrk", call_sbrk, 4, 2},
    [SYS_sleep] = {"sleep", call_sleep, 2, 1},  [SYS_uptime] = {"uptime", call_uptime, 1, 1},
    [SYS_open] = {"open", call_open, 10, 3},    [SYS_write] = {"write", call_write, 10, 4},
    [SYS_mknod] = {"mknod", call_mknod, 2, 1},  [SYS_unlink] = {"unlink", call_unlink, 5, 2},
    [SYS_link] = {"link", call_link, 4, 1},     [SYS_mkdir] = {"mkdir", call_mkdir, 4, 1},
    [SYS_close] = {"close", call_close, 6, 2},  [SYS_mmap] = {"mmap", call_mmap, 3, 1},
    [SYS_munmap] = {"munmap", call_munmap, 2, 1}, [SYS_vmstat] = {"vmstat", call_vmstat, 2, 1},
    [SYS_mincore] = {"mincore", call_mincore, 3, 1},
    [SYS_poweroff] = {"poweroff", 0, 0, 0},
};

static int fz_weight(int idx) {
  if (!fz_calls[idx].call || (idx == SYS_fork && fz.nforked >= FZ_MAX_CHILDREN))
    return 0;
  return fz.child ? fz_calls[idx].child_weight : fz_calls[idx].weight;
}

static int fz_pick_call(void) {
  int total = 0;
  for (int i = 0; i < FZ_NIDX; i++)
    total += fz_weight(i);
  int x = (int)fz_below(total);
  for (int i = 0; i < FZ_NIDX; i++)
    if ((x -= fz_weight(i)) < 0)
      return i;
  return 0;
}


static inline uint64 fz_time_us(void) {
  uint64 t;
  asm volatile("rdtime %0" : "=r"(t));  // 10 MHz on QEMU virt
  return t / 10;
}

static void fz_one_call(void) {
  int idx = fz_pick_call();
  uint64 t0 = fz_trace ? fz_time_us() : 0;
  long r = fz_calls[idx].call();
  if (fz_trace && fz_time_us() - t0 > 30000)
    fz_trace_line("trace: %s returned %ld after %lu us", fz_calls[idx].name, r,
                  fz_time_us() - t0);
  if (r != -2)  // -2: a new child's return from fork
    fz_record(idx, fz_cls(r));
}

// Moves the report pipe's descriptor to FZ_REPORT_FD and closes every other one (console
// included: random writes must not reach it). There is no dup2: dup fills 0..14 first.
static int fz_own_descriptors(int report) {
  for (int fd = 0; fd < FZ_REPORT_FD; fd++)
    if (fd != report)
      close(fd);
  for (int r = report; r != FZ_REPORT_FD;)
    if ((r = dup(report)) < 0)
      return -1;
  for (int fd = 0; fd < FZ_REPORT_FD; fd++)
    close(fd);
  return 0;
}

// The worker of batch `batch`: only the report pipe open, scratch pages at the start of its
// heap, cwd /fz/w; then ncalls calls, an END frame and exit. Its children run a few calls
// each and exit.
__attribute__((noreturn)) static void fz_worker(uint64 seed, int batch, int ncalls, int report) {
  memset(&fz, 0, sizeof(fz));
  fz.pid = getpid();
  fz.rng = fz_mix(seed, (uint64)batch);
  uint64 brk = (uint64)sbrk(0), pad = (FZ_PAGE - brk % FZ_PAGE) % FZ_PAGE;
  if (fz_own_descriptors(report) < 0 || chdir("/fz/w") < 0 ||
      sbrk((int)(pad + FZ_SCRATCH_PAGES * FZ_PAGE)) == (char *)-1) {
    FZ_ANOMALY("the worker cannot set itself up");
    exit(2);
  }
  fz.heap_base = brk;
  fz.scratch = brk + pad;
  fz.brk = fz.scratch + FZ_SCRATCH_PAGES * FZ_PAGE;
  fz_calls_left = ncalls;
  while (fz_calls_left-- > 0)
    fz_one_call();
  if (fz.child) {  // a child's end is an exit call; the worker's is not a fuzzed call
    fz_record(SYS_exit, FZ_SUCCESS);
    fz_flush();
    exit(0);
  }
  fz_flush();
  fz_send(FZ_FRAME_END, 0, 0);
  exit(0);
}
