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
// Disk errors. The log cannot go on after a write it needed has failed: it does not know
// what reached the disk, and a later transaction would be written on top of an unknown one.
// Nor can a transaction that an operation left half done (a block it needed could not be
// read) be committed. So, as ext4 does with errors=remount-ro and jbd2 by aborting its
// journal, the first such error makes the file system read-only (log_abort):
//  - nothing is written to the disk again until the next boot. The disk keeps the last
//    transaction that committed, and perhaps the failed one, whole, if its commit point was
//    written: the recovery at the next boot installs that one. Either way it is consistent.
//  - the cache keeps what the disk could not take: the failed transaction's blocks, and any
//    block changed after (by operations that were running, or by clean-up: closing files,
//    exit), stay pinned, so that a later read never finds an older copy on disk than the
//    inodes in memory expect.
//  - end_op returns -1 for every operation of the failed transaction and after it (their
//    changes may not be on the disk), and the system calls that would change the file
//    system refuse to start (log_aborted: open for writing, write, link, unlink, mkdir,
//    mknod); reading goes on.
// A read error that leaves nothing half done (a lookup, a read of file data, a bitmap block
// while allocating) only fails its system call with -1 (fs.c). Boot is different: a disk
// error while recovering panics with the block that failed.
//
// Lock rules: log.lock guards every field of log and every buffer's `logged`; committing is
// set while one process writes the transaction, which it does without the lock (nobody else
// changes lh while committing).
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
  int aborted;       // a disk error: the file system is read-only (see "Disk errors")
  uint64 failed_group;  // the first transaction not (known to be) on disk; ~0 until then
} log = {.failed_group = ~0UL};

// For the crash test: with logcrash=N, the N-th commit stops the machine in the middle of
// installing (after the commit point, with half of the blocks at home), the moment that only
// recovery can repair. bufs are the transaction's n locked buffers.
static void maybe_simulate_crash(struct buf **bufs, int n) {
  if (++log.commits != log.crash_at)
    return;
  (void)bwrite_many(bufs, NULL, n / 2);
  printf("log: simulated crash in commit %ld: %d of %d blocks installed\n", log.commits,
         n / 2, n);
  power_off(EXIT_SUCCESS);
}

// Writes the in-memory header to disk; with lh.n > 0 this commits the transaction. 0 or -1.
static int write_head(void) {
  memmove(log.head_page, &log.lh, sizeof(log.lh));
  return block_rw_uncached(log.start, log.head_page, 1);
}

static void recovery_failed(const char *what, uint blockno) {
  panic("log: disk %s of block %u failed while recovering the log at boot", what, blockno);
}

// Installs a transaction that was committed before a crash: copies every logged block from
// the log area to its home block, then erases the header.
static void recover(void) {
  if (block_rw_uncached(log.start, log.head_page, 0) < 0)
    recovery_failed("read", log.start);
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
    if (block_rw_uncached(log.start + 1 + i, copy, 0) < 0)
      recovery_failed("read", log.start + 1 + i);
    struct buf *home = bread_zeroed(log.dev, log.lh.block[i]);
    memmove(home->data, copy, BSIZE);
    if (bwrite(home) < 0)
      recovery_failed("write", log.lh.block[i]);
    brelse(home);
  }
  kpage_free(copy);
  log.lh.n = 0;
  if (write_head() < 0)
    recovery_failed("write", log.start);
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
    if (log.committing || (!log.aborted && worst > LOGBLOCKS)) {
      sleep(&log, &log.lock);
    } else {
      log.outstanding++;
      break;
    }
  }
  release(&log.lock);
}

void log_abort(const char *what, uint blockno) {
  acquire(&log.lock);
  int first = !log.aborted;
  if (first) {
    log.aborted = 1;
    log.failed_group = log.group;
  }
  release(&log.lock);
  if (first)
    printf("fs: disk error: %s failed (block %u); the file system is read-only until the "
           "next boot (the disk keeps its last committed transaction)\n", what, blockno);
}

int log_aborted(void) { return __atomic_load_n(&log.aborted, __ATOMIC_ACQUIRE); }

// Writes the transaction in the four steps described at the top of this file. The home
// blocks' buffers are pinned in the cache with their new contents, so both the log's copy and
// the installation are written straight from them, each step as one batch of disk writes.
// Returns 0, or -1 when the file system is read-only (aborted now, by a failed write, or
// before): then nothing more is written and the blocks stay pinned, unless they were
// installed whole.
static int commit(void) {
  int n = log.lh.n;
  if (log_aborted())
    return -1;
  if (n == 0)
    return 0;
  struct buf *bufs[LOGBLOCKS];
  uint slots[LOGBLOCKS] = {0};  // all set below; gcc -O2 cannot see it
  for (int i = 0; i < n; i++) {
    bufs[i] = bread(log.dev, log.lh.block[i]);  // pinned and valid: no disk read
    if (!bufs[i])
      panic("commit: block %u of the transaction is not in the cache", log.lh.block[i]);
    slots[i] = log.start + 1 + i;
  }
  const char *failed = NULL;
  uint where = log.start;
  if (bwrite_many(bufs, slots, n) < 0) {   // 1. the log's copy
    failed = "the write of the log's copy";
    where = slots[0];
  } else if (write_head() < 0) {           // 2. the commit point
    failed = "the write of the commit point";
  } else {
    maybe_simulate_crash(bufs, n);
    if (bwrite_many(bufs, NULL, n) < 0) {  // 3. installed at home
      failed = "the installation";
      where = log.lh.block[0];
    }
  }
  for (int i = 0; i < n; i++) {
    if (!failed) {  // on disk at home now: the cache may drop them
      bufs[i]->logged = 0;
      bunpin(bufs[i]);
    }
    brelse(bufs[i]);
  }
  if (!failed) {
    log.lh.n = 0;
    if (write_head() < 0)                 // 4. erased (else recovery installs it again)
      failed = "the erasing of the log header";
  }
  if (failed) {
    log_abort(failed, where);
    return -1;
  }
  return 0;
}

int end_op(void) {
  struct proc *p = myproc();
  if (p)
    p->fs_ops--;
  int do_commit = 0;
  acquire(&log.lock);
  if (log.outstanding <= 0 || log.committing)
    panic("end_op: outstanding %d, committing %d", log.outstanding, log.committing);
  log.outstanding--;
  uint64 mine = log.group;
  if (log.outstanding == 0) {
    do_commit = 1;
    log.committing = 1;
  } else {
    wakeup(&log);  // begin_op may be waiting for the space this operation reserved
    while (log.group == mine)  // the last operation of the group commits it
      sleep(&log, &log.lock);
  }
  release(&log.lock);

  if (do_commit) {
    commit();  // its failure is seen in failed_group below
    acquire(&log.lock);
    log.committing = 0;
    log.group++;
    wakeup(&log);
    release(&log.lock);
  }
  acquire(&log.lock);
  int on_disk = mine < log.failed_group;
  release(&log.lock);
  return on_disk ? 0 : -1;
}

// Records that buffer b (locked by the caller, modified) belongs to the transaction. The block
// reaches the disk at commit; until then the buffer is pinned in the cache. Writing the same
// block twice in one transaction logs it once (absorption). Once the file system is
// read-only, the buffer is pinned for good instead (see "Disk errors").
void log_write(struct buf *b) {
  acquire(&log.lock);
  if (log.outstanding < 1)
    panic("log_write: block %u written outside begin_op/end_op", b->blockno);
  if (!b->logged) {
    if (!log.aborted) {
      if (log.lh.n >= LOGBLOCKS)
        panic("log_write: transaction larger than the log (%d blocks)", LOGBLOCKS);
      log.lh.block[log.lh.n++] = b->blockno;
    }
    b->logged = 1;
    bpin(b);
  }
  release(&log.lock);
}
