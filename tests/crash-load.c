// crash-load: the file-heavy workload of the crash campaign (make crash, scripts/crash.py)
// and its checker.
//
//   crash-load write SEED          NWORKERS processes, each in /cl/wN, doing a sequence of
//                                  operations drawn from (SEED, N) until the machine stops,
//                                  and printing "crash-load: wN done K" once operation K has
//                                  returned (so is committed: end_op waits for the commit)
//   crash-load check SEED D0 D1 .. on the disk after the crash: worker N finished at least its
//                                  first DN operations; checks what they guarantee
//
// The operations: publish (a file of 1 byte to 5 MiB written as tK, linked as fK, tK
// unlinked: fK, if it exists, is whole), append (one record of RECSIZE bytes to the worker's
// log, a single transaction: the log is a whole number of records, each one right), remove
// (an earlier fK unlinked), dir (dK made, dK/x written, both removed) and orphan (oK opened,
// written, unlinked while open, written, closed). Each worker also keeps one unlinked file
// open all the time: after any crash the disk holds orphans (nlink 0, no name) for the next
// boot to free. The checker accepts for every name exactly the states that some number
// K >= DN of finished operations allows (operations finish in order, one at a time), then
// removes the leftovers, and the file system must still work; fsck runs on the host after.
#include "testlib.h"

#define NWORKERS 3
#define RECSIZE 1000   // a log record: spans block boundaries, one transaction
#define SLACK 16       // operations that may have finished unreported (console lag)
#define MAX_OPS 4096
#define CHUNK (64 * 1024)
#define MIN(a, b) ((a) < (b) ? (a) : (b))

enum op_kind { OP_PUBLISH, OP_APPEND, OP_REMOVE, OP_DIR, OP_ORPHAN };

struct op {
  enum op_kind kind;
  int size;    // publish: bytes
  int target;  // remove: the published file's number; append: the record's number
};

static struct op ops[MAX_OPS];
static uint64 seed;
static char chunk[CHUNK], got[CHUNK];

static uint64 mix(uint64 a, uint64 b) {
  uint64 x = a * 0x9e3779b97f4a7c15UL ^ (b + 0x632be59bd9b4e019UL);
  x ^= x >> 31;
  x *= 0xbf58476d1ce4e5b9UL;
  return (x ^ (x >> 29)) | 1;
}

// The bytes [off, off + n) of the contents named by key (a file or a log record).
static void contents(uint64 key, uint64 off, char *buf, int n) {
  uint64 x = mix(key, off / 8);
  for (int i = 0; i < n; i++) {
    uint64 at = off + i;
    if (at % 8 == 0)
      x = mix(key, at / 8);
    buf[i] = (char)(x >> (at % 8 * 8));
  }
}

static uint64 file_key(int w, int k) { return mix(seed, (uint64)w << 32 | (uint64)k); }
static uint64 record_key(int w, int j) { return mix(seed ^ 0x5eed, (uint64)w << 32 | (uint64)j); }

// Worker w's operations 0..n-1, drawn from (seed, w). A remove names a published file not
// removed yet (an append when there is none).
static void plan(int w, int n) {
  uint64 rng = mix(seed, 1000 + w);
  int records = 0;
  static char removed[MAX_OPS];
  memset(removed, 0, sizeof(removed));
  for (int k = 0; k < n; k++) {
    uint64 r = test_rand(&rng) % 100, s = test_rand(&rng);
    struct op *o = &ops[k];
    *o = (struct op){.kind = r < 40 ? OP_PUBLISH : r < 65 ? OP_APPEND : r < 80 ? OP_REMOVE
                                                  : r < 90 ? OP_DIR : OP_ORPHAN};
    if (o->kind == OP_REMOVE) {
      int j = k > 0 ? (int)(s % k) : 0;
      while (j > 0 && (ops[j].kind != OP_PUBLISH || removed[j]))
        j--;
      if (ops[j].kind == OP_PUBLISH && !removed[j] && j < k) {
        o->target = j;
        removed[j] = 1;
      } else {
        o->kind = OP_APPEND;
      }
    }
    if (o->kind == OP_APPEND)
      o->target = records++;
    uint64 z = s >> 8;
    o->size = s % 100 < 60 ? 1 + z % 16384 : s % 100 < 90 ? 16384 + z % 245760
              : s % 100 < 98 ? 262144 + z % 786432 : 4500000 + z % 700000;
  }
}

// ---- The writer ----

static void write_contents(int fd, uint64 key, int size) {
  for (int off = 0; off < size; off += CHUNK) {
    int n = MIN(CHUNK, size - off);
    contents(key, off, chunk, n);
    CHECK(write(fd, chunk, n) == n, "short write at %d of %d", off, size);
  }
}

static void name(char *buf, char c, int k) { snprintf(buf, 16, "%c%d", c, k); }

static void do_op(int w, int k, int logfd) {
  struct op *o = &ops[k];
  char a[16], b[24];
  int fd;
  switch (o->kind) {
  case OP_PUBLISH:
    name(a, 't', k);
    name(b, 'f', k);
    CHECK((fd = open(a, O_CREATE | O_WRONLY)) >= 0, "create %s", a);
    write_contents(fd, file_key(w, k), o->size);
    close(fd);
    CHECK(link(a, b) == 0 && unlink(a) == 0, "link %s %s", a, b);
    break;
  case OP_APPEND:
    contents(record_key(w, o->target), 0, chunk, RECSIZE);
    CHECK(write(logfd, chunk, RECSIZE) == RECSIZE, "append record %d", o->target);
    break;
  case OP_REMOVE:
    name(a, 'f', o->target);
    CHECK(unlink(a) == 0, "unlink %s", a);
    break;
  case OP_DIR:
    name(a, 'd', k);
    snprintf(b, sizeof(b), "%s/x", a);
    CHECK(mkdir(a) == 0 && (fd = open(b, O_CREATE | O_WRONLY)) >= 0, "mkdir %s", a);
    write_contents(fd, file_key(w, k), 100);
    close(fd);
    CHECK(unlink(b) == 0 && unlink(a) == 0, "remove %s", a);
    break;
  case OP_ORPHAN:
    name(a, 'o', k);
    CHECK((fd = open(a, O_CREATE | O_RDWR)) >= 0, "create %s", a);
    write_contents(fd, file_key(w, k), 20000);
    CHECK(unlink(a) == 0, "unlink %s", a);
    write_contents(fd, file_key(w, k), 20000);
    close(fd);
    break;
  }
}

static void worker(int w) {
  char dir[16];
  snprintf(dir, sizeof(dir), "/cl/w%d", w);
  CHECK(mkdir(dir) == 0 && chdir(dir) == 0, "mkdir %s", dir);
  int logfd = open("log", O_CREATE | O_RDWR), held = open("held", O_CREATE | O_RDWR);
  CHECK(logfd >= 0 && held >= 0 && unlink("held") == 0, "open the log and the held file");
  plan(w, MAX_OPS);
  for (int k = 0; k < MAX_OPS; k++) {
    do_op(w, k, logfd);
    printf("crash-load: w%d done %d\n", w, k);
    if (k % 8 == 0)
      write_contents(held, file_key(w, -1), 5000);  // the open orphan grows
  }
  exit(0);
}

static void writer(void) {
  CHECK(mkdir("/cl") == 0, "mkdir /cl");
  for (int w = 0; w < NWORKERS; w++)
    if (fork() == 0)
      worker(w);
  printf("crash-load: writing\n");
  for (int w = 0; w < NWORKERS; w++)
    wait(0);
  test_pass();
}

// ---- The checker ----

struct dirent_disk {
  ushort inum;
  char name[14];
};

// The worker's files that exist after the crash, one name at a time.
static int next_name(int fd, char *name) {
  struct dirent_disk de;
  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0)
      continue;
    memcpy(name, de.name, 14);
    name[14] = 0;
    if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0)
      return 1;
  }
  return 0;
}

// Is the file `path` exactly size bytes of the contents named by key?
static void check_contents(const char *path, uint64 key, int size) {
  int fd = open(path, O_RDONLY), off = 0, n;
  CHECK(fd >= 0, "cannot open %s", path);
  while ((n = read(fd, got, CHUNK)) > 0) {
    CHECK(off + n <= size, "%s is longer than its %d bytes", path, size);
    contents(key, off, chunk, n);
    CHECK(memcmp(got, chunk, n) == 0, "%s differs from what was written, in bytes %d..%d",
          path, off, off + n);
    off += n;
  }
  close(fd);
  CHECK(off == size, "%s has %d bytes, %d were written", path, off, size);
}

// The log: a whole number of records, each one right, at least those finished (of the first
// d operations), at most those planned (horizon).
static int check_log(int w, int d, int horizon) {
  int done = 0, planned = 0;
  for (int k = 0; k < horizon; k++) {
    planned += ops[k].kind == OP_APPEND;
    done += ops[k].kind == OP_APPEND && k < d;
  }
  struct stat st;
  if (stat("log", &st) < 0) {
    CHECK(done == 0, "w%d's log is missing, %d records were appended", w, done);
    return 0;
  }
  CHECK(st.size % RECSIZE == 0, "w%d's log has %lu bytes: a torn record", w, st.size);
  int m = (int)(st.size / RECSIZE);
  CHECK(m >= done && m <= planned, "w%d's log has %d records; %d were appended, %d planned",
        w, m, done, planned);
  int fd = open("log", O_RDONLY);
  for (int j = 0; j < m; j++) {
    CHECK(read(fd, got, RECSIZE) == RECSIZE, "cannot read w%d's log record %d", w, j);
    contents(record_key(w, j), 0, chunk, RECSIZE);
    CHECK(memcmp(got, chunk, RECSIZE) == 0, "w%d's log record %d is wrong", w, j);
  }
  close(fd);
  return m;
}

// The operation that removes published file k among the first horizon, or -1.
static int remover(int k, int horizon) {
  for (int r = k + 1; r < horizon; r++)
    if (ops[r].kind == OP_REMOVE && ops[r].target == k)
      return r;
  return -1;
}

// Checks one name in worker w's directory; returns 1 for a leftover it removed.
static int check_name(int w, const char *nm, int d, int horizon) {
  char kind = nm[0], path[24];
  int k = atoi(nm + 1);
  int known = kind && nm[1] >= '0' && nm[1] <= '9' && k < horizon;
  if (strcmp(nm, "held") == 0 && d == 0) {  // the worker stopped between open and unlink
    CHECK(unlink(nm) == 0, "cannot remove w%d's held", w);
    return 1;
  }
  CHECK(known || strcmp(nm, "log") == 0, "w%d has an unexpected file '%s'", w, nm);
  if (!known)
    return 0;
  struct op *o = &ops[k];
  if (kind == 'f') {
    int r = remover(k, horizon);
    CHECK(o->kind == OP_PUBLISH, "w%d has f%d, but operation %d is no publish", w, k, k);
    CHECK(r < 0 || r >= d, "w%d's f%d exists, but operation %d removed it", w, k, r);
    check_contents(nm, file_key(w, k), o->size);
    return 0;
  }
  int ok = (kind == 't' && o->kind == OP_PUBLISH) || (kind == 'd' && o->kind == OP_DIR) ||
           (kind == 'o' && o->kind == OP_ORPHAN);
  CHECK(ok && k >= d, "w%d has %s, which operation %d (finished: %d) leaves no trace of", w, nm,
        k, k < d);
  if (kind == 'd') {
    snprintf(path, sizeof(path), "%s/x", nm);
    unlink(path);
  }
  CHECK(unlink(nm) == 0, "cannot remove the leftover %s of w%d", nm, w);
  return 1;
}

// Every published file that must exist does.
static int check_published(int w, int d, int horizon) {
  int n = 0;
  for (int k = 0; k < d; k++) {
    if (ops[k].kind != OP_PUBLISH || remover(k, horizon) >= 0)
      continue;
    char nm[16];
    struct stat st;
    name(nm, 'f', k);
    CHECK(stat(nm, &st) == 0, "w%d's f%d is missing, though operation %d finished", w, k, k);
    n++;
  }
  return n;
}

static void check_worker(int w, int d, int *files, int *records, int *leftovers) {
  char dir[16], nm[16];
  int horizon = MIN(d + SLACK, MAX_OPS);
  snprintf(dir, sizeof(dir), "/cl/w%d", w);
  if (chdir(dir) < 0) {
    CHECK(d == 0, "%s is missing, though w%d finished %d operations", dir, w, d);
    return;
  }
  plan(w, horizon);
  int fd = open(".", O_RDONLY);
  while (next_name(fd, nm))
    *leftovers += check_name(w, nm, d, horizon);
  close(fd);
  *files += check_published(w, d, horizon);
  *records += check_log(w, d, horizon);
  CHECK(chdir("/") == 0, "chdir /");
}

static void checker(int argc, char **argv) {
  int files = 0, records = 0, leftovers = 0, finished = 0;
  for (int w = 0; w < NWORKERS; w++) {
    int d = 3 + w < argc ? atoi(argv[3 + w]) : 0;
    finished += d;
    check_worker(w, d, &files, &records, &leftovers);
  }
  struct stat st;
  CHECK((stat("/cl", &st) == 0 && st.type == T_DIR) || finished == 0, "/cl is missing");
  int fd = open("/crash-load-after", O_CREATE | O_RDWR);
  CHECK(fd >= 0 && write(fd, "usable", 6) == 6, "cannot write a file after recovery");
  close(fd);
  CHECK(unlink("/crash-load-after") == 0, "cannot remove /crash-load-after");
  printf("crash-load: %d operations had finished; %d files and %d log records checked, %d "
         "leftovers removed\n", finished, files, records, leftovers);
  test_pass();
}

int main(int argc, char **argv) {
  test_start("crash-load");
  CHECK(argc >= 3, "usage: crash-load write SEED | crash-load check SEED D0 D1 D2");
  seed = (uint64)atoi(argv[2]);
  if (strcmp(argv[1], "write") == 0)
    writer();
  checker(argc, argv);
  return 0;
}
