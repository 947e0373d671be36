// The write-ahead log: makes each file-system operation atomic across crashes. An operation
// brackets its writes with begin_op()/end_op() and writes blocks with log_write() instead of
// bwrite(). When the last running operation ends, the transaction commits:
//   1. copy every modified block into the log area,
//   2. write the log header with the count n (the commit point: on disk, n > 0 means "install"),
//   3. install the blocks at their home locations,
//   4. write the header with n = 0.
// A crash before step 2 loses the whole transaction; after it, recovery at boot redoes step 3.
// Several operations share one transaction (group commit); begin_op waits while the log could
// overflow if every running operation wrote MAXOPBLOCKS blocks. end_op returns only once the
// transaction holding the operation has committed, so a system call that returns has its
// changes on disk (the crash tests rely on it).
//
// Lock rules: log.lock guards every field of log; committing is set while one process writes
// the transaction, which it does without the lock (nobody else changes lh while committing).
#include "fs/fs.h"
#include "arch/power.h"
#include "lib/bootargs.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "proc/proc.h"

static struct {
  struct spinlock lock;
  uint dev;
  uint start;        // block of the log header; logged blocks follow it
  int outstanding;   // operations between begin_op and end_op
  int committing;    // a commit is writing the log; begin_op waits
  uint64 group;      // number of the transaction being built; +1 at each commit
  struct logheader lh;  // the transaction being built: home blocks of the logged blocks
  uint8 *head_page;  // the header block as written to disk (not in the buffer cache)
  int64 crash_at;    // boot argument logcrash=N: power off in the N-th commit (crash test)
  int64 commits;     // transactions committed since boot (written by the committer only)
} log;

// For the crash test: with logcrash=N, the N-th commit stops the machine in the middle of
// installing (after the commit point, with half of the blocks at home), the moment that only
// recovery can repair. bufs are the transaction's n locked buffers.
static void maybe_simulate_crash(struct buf **bufs, int n) {
  if (++log.commits != log.crash_at)
    return;
  bwrite_many(bufs, NULL, n / 2);
  printf("log: simulated crash in commit %ld: %d of %d blocks installed\n", log.commits,
         n / 2, n);
  power_off(EXIT_SUCCESS);
}

// Writes the in-memory header to disk; with lh.n > 0 this commits the transaction.
static void write_head(void) {
  memmove(log.head_page, &log.lh, sizeof(log.lh));
  block_rw_uncached(log.start, log.head_page, 1);
}

// Installs a transaction that was committed before a crash: copies every logged block from
// the log area to its home block, then erases the header.
static void recover(void) {
  block_rw_uncached(log.start, log.head_page, 0);
  memmove(&log.lh, log.head_page, sizeof(log.lh));
  if (log.lh.n > LOGBLOCKS)
    panic("log: header claims %u blocks, the log holds %d", log.lh.n, LOGBLOCKS);
  if (log.lh.n == 0)
    return;
  printf("log: recovering a committed transaction of %u blocks\n", log.lh.n);
  uint8 *copy = kpage_alloc();
  if (!copy)
    panic("log: no memory for recovery");
  for (uint i = 0; i < log.lh.n; i++) {
    block_rw_uncached(log.start + 1 + i, copy, 0);
    struct buf *home = bread(log.dev, log.lh.block[i]);
    memmove(home->data, copy, BSIZE);
    bwrite(home);
    brelse(home);
  }
  kpage_free(copy);
  log.lh.n = 0;
  write_head();
}

void initlog(uint dev, struct superblock *sb) {
  if (sizeof(struct logheader) > BSIZE)
    panic("initlog: the log header does not fit in a block");
  if (sb->nlog < LOGBLOCKS + 1)
    panic("initlog: the log area has %u blocks, sloth needs %d", sb->nlog, LOGBLOCKS + 1);
  initlock(&log.lock, "log");
  log.dev = dev;
  log.start = sb->logstart;
  log.crash_at = bootarg_int("logcrash", 0);
  log.head_page = kpage_zalloc();
  if (!log.head_page)
    panic("initlog: no memory for the log header");
  recover();
}

void begin_op(void) {
  struct proc *p = myproc();
  // One at a time: an operation's end_op waits for its group to commit, which a second one
  // still open in the same process would hold up for ever.
  if (p && p->fs_ops++ > 0)
    panic("begin_op: pid %d (%s) is inside a file-system operation already", p->pid, p->name);
  acquire(&log.lock);
  for (;;) {
    int worst = log.lh.n + (log.outstanding + 1) * MAXOPBLOCKS;
    if (log.committing || worst > LOGBLOCKS) {
      sleep(&log, &log.lock);
    } else {
      log.outstanding++;
      break;
    }
  }
  release(&log.lock);
}

// Writes the transaction in the four steps described at the top of this file. The home
// blocks' buffers are pinned in the cache with their new contents, so both the log's copy and
// the installation are written straight from them, each step as one batch of disk writes.
static void commit(void) {
  int n = log.lh.n;
  if (n == 0)
    return;
  struct buf *bufs[LOGBLOCKS];
  uint slots[LOGBLOCKS] = {0};  // all set below; gcc -O2 cannot see it
  for (int i = 0; i < n; i++) {
    bufs[i] = bread(log.dev, log.lh.block[i]);
    slots[i] = log.start + 1 + i;
  }
  bwrite_many(bufs, slots, n);  // 1. the log's copy
  write_head();                 // 2. the commit point
  maybe_simulate_crash(bufs, n);
  bwrite_many(bufs, NULL, n);   // 3. installed at home
  for (int i = 0; i < n; i++) {
    bunpin(bufs[i]);
    brelse(bufs[i]);
  }
  log.lh.n = 0;
  write_head();                 // 4. erased
}

void end_op(void) {
  struct proc *p = myproc();
  if (p)
    p->fs_ops--;
  int do_commit = 0;
  acquire(&log.lock);
  if (log.outstanding <= 0 || log.committing)
    panic("end_op: outstanding %d, committing %d", log.outstanding, log.committing);
  log.outstanding--;
  if (log.outstanding == 0) {
    do_commit = 1;
    log.committing = 1;
  } else {
    wakeup(&log);  // begin_op may be waiting for the space this operation reserved
    uint64 mine = log.group;
    while (log.group == mine)  // the last operation of the group commits it
      sleep(&log, &log.lock);
  }
  release(&log.lock);

  if (do_commit) {
    commit();
    acquire(&log.lock);
    log.committing = 0;
    log.group++;
    wakeup(&log);
    release(&log.lock);
  }
}

// Records that buffer b (locked by the caller, modified) belongs to the transaction. The block
// reaches the disk at commit; until then the buffer is pinned in the cache. Writing the same
// block twice in one transaction logs it once (absorption).
void log_write(struct buf *b) {
  acquire(&log.lock);
  if (log.outstanding < 1)
    panic("log_write: block %u written outside begin_op/end_op", b->blockno);
  uint i = 0;
  while (i < log.lh.n && log.lh.block[i] != b->blockno)
    i++;
  if (i == log.lh.n) {
    if (log.lh.n >= LOGBLOCKS)
      panic("log_write: transaction larger than the log (%d blocks)", LOGBLOCKS);
    log.lh.block[i] = b->blockno;
    log.lh.n++;
    bpin(b);
  }
  release(&log.lock);
}
