// Open files: the system-wide file table shared by every process's descriptors, and read,
// write and stat on whatever a file is (an inode, a device, one end of a pipe).
//
// Lock rules: ftable.lock guards every file's ref (and a free file's type); the other fields
// are set once by the opener before the file is shared. f->off is guarded by f->ip's lock.
#include "fs/file.h"
#include "lib/printf.h"
#include "proc/proc.h"

struct devsw devsw[NDEV];

static struct {
  struct spinlock lock;
  struct file file[NFILE];
} ftable;

void fileinit(void) {
  initlock(&ftable.lock, "ftable");
}

// Records a reference change of f (debug builds). ftable.lock is held.
static void note_ref(struct file *f, int delta, uint64 ra) {
#ifdef KDEBUG
  struct proc *p = myproc();
  f->history[f->nhistory++ % 8] = (typeof(f->history[0])){p ? p->pid : -1, delta, ra};
#else
  (void)f, (void)delta, (void)ra;
#endif
}

// Panics for a file used after its last close, naming who closed it. ftable.lock is held.
static void check_open(struct file *f, const char *who) {
  if (f->ref >= 1)
    return;
#ifdef KDEBUG
  for (uint i = f->nhistory > 8 ? f->nhistory - 8 : 0; i < f->nhistory; i++)
    printf("file %p: pid %d ref change %d from %p\n", f, f->history[i % 8].pid,
           f->history[i % 8].delta, (void *)f->history[i % 8].ra);
#endif
  panic("%s: file %p is not open (its last reference went in pid %d, called from %p)", who,
        f, f->closed_by, (void *)f->closed_at);
}

// A free file with one reference, or NULL when the table is full.
struct file *filealloc(void) {
  acquire(&ftable.lock);
  for (struct file *f = ftable.file; f < ftable.file + NFILE; f++) {
    if (f->ref == 0) {
      f->ref = 1;
      note_ref(f, 1, (uint64)__builtin_return_address(0));
      release(&ftable.lock);
      return f;
    }
  }
  release(&ftable.lock);
  return NULL;
}

struct file *filedup(struct file *f) {
  acquire(&ftable.lock);
  check_open(f, "filedup");
  f->ref++;
  note_ref(f, 1, (uint64)__builtin_return_address(0));
  release(&ftable.lock);
  return f;
}

// Drops a reference; the last one releases what the file holds.
void fileclose(struct file *f) {
  acquire(&ftable.lock);
  check_open(f, "fileclose");
  note_ref(f, -1, (uint64)__builtin_return_address(0));
  if (--f->ref > 0) {
    release(&ftable.lock);
    return;
  }
  struct file copy = *f;
  struct proc *p = myproc();
  f->type = FD_NONE;
  f->closed_by = p ? p->pid : -1;
  f->closed_at = (uint64)__builtin_return_address(0);
  release(&ftable.lock);

  if (copy.type == FD_PIPE) {
    pipeclose(copy.pipe, copy.writable);
  } else if (copy.type == FD_INODE || copy.type == FD_DEVICE) {
    if (copy.writable && copy.type == FD_INODE) {
      ilock(copy.ip);
      copy.ip->writers--;
      iunlock(copy.ip);
    }
    begin_op();
    iput(copy.ip);
    end_op();
  }
}

// Copies the file's metadata to the struct stat at user address addr.
int filestat(struct file *f, uint64 addr) {
  if (f->type != FD_INODE && f->type != FD_DEVICE)
    return -1;
  struct stat st;
  ilock(f->ip);
  stati(f->ip, &st);
  iunlock(f->ip);
  return either_copyout(1, addr, &st, sizeof(st));
}

static struct devsw *device_of(struct file *f) {
  if (f->major < 0 || f->major >= NDEV)
    return NULL;
  return &devsw[f->major];
}

// Inode and device reads and writes copy to and from user memory while holding locks (an
// inode's sleeplock, a buffer, the console's spinlock). Claiming a page there could need the
// very inode being read (a program reading its own file into its own lazy data), or sleep
// under a spinlock, so the user buffer is claimed and pinned first, a chunk at a time.
#define PIN_CHUNK (16 * PGSIZE)

static int read_pinned(struct file *f, uint64 addr, int n) {
  if (f->type == FD_DEVICE) {
    struct devsw *dev = device_of(f);
    return dev && dev->read ? dev->read(1, addr, n) : -1;
  }
  ilock(f->ip);
  int r = readi(f->ip, 1, addr, f->off, n);
  if (r > 0)
    f->off += r;
  iunlock(f->ip);
  return r;
}

// Runs op over [addr, addr+n) in pinned chunks; stops at a short transfer, or when the
// process is killed. A buffer that is not entirely valid is refused (-1) before anything
// moves. Returns the total, or -1.
static int by_pinned_chunks(struct file *f, uint64 addr, int n, enum vm_access access,
                            int (*op)(struct file *, uint64, int)) {
  struct proc *p = myproc();
  struct supplemental_page_table *spt = &p->spt;
  if (!vm_check_user_range(spt, addr, n, access, p->trapframe.sp))
    return -1;
  int done = 0;
  while (done < n && !(done > 0 && killed(p))) {  // a killed process stops between chunks
    uint64 want = MIN((uint64)(n - done), PIN_CHUNK - (addr + done) % PGSIZE);
    uint64 pinned = vm_pin_user_range(spt, addr + done, want, access);
    int r = pinned ? op(f, addr + done, (int)pinned) : -1;
    if (pinned)
      vm_unpin_user_range(spt, addr + done, pinned);
    if (r < 0)
      return done > 0 ? done : -1;
    done += r;
    if ((uint64)r < want)
      break;
  }
  return done;
}

// Reads up to n bytes into user address addr; returns the count or -1.
int fileread(struct file *f, uint64 addr, int n) {
  if (!f->readable || n < 0)
    return -1;
  if (f->type == FD_PIPE)
    return piperead(f->pipe, addr, n);
  if (f->type != FD_INODE && f->type != FD_DEVICE)
    panic("fileread: file %p has type %d (ref %d; last closed by pid %d, called from %p)", f,
          f->type, f->ref, f->closed_by, (void *)f->closed_at);
  return by_pinned_chunks(f, addr, n, ACCESS_WRITE, read_pinned);
}

// The most bytes one transaction writes: an unaligned chunk of this size touches
// MAXOPBLOCKS - 7 data blocks, and may also change the inode, two bitmap blocks, the
// indirect block, the double-indirect block and two blocks it points to.
#define WRITE_CHUNK ((MAXOPBLOCKS - 8) * BSIZE)

// Writes n bytes of file f (an inode) in transactions small enough for the log. A process
// killed meanwhile stops after the current transaction: a write of a 2 GiB buffer would
// otherwise keep it (and the disk) busy until the disk is full. A chunk whose transaction
// did not reach the disk (the file system became read-only: log.c) ends the write, and is
// not counted: it is in the file in memory, but maybe not on the disk.
static int write_inode_file(struct file *f, uint64 addr, int n) {
  int done = 0;
  while (done < n && !(done > 0 && killed(myproc()))) {
    int chunk = MIN(n - done, WRITE_CHUNK);
    if (log_aborted())
      return done > 0 ? done : -1;
    begin_op();
    ilock(f->ip);
    int r = writei(f->ip, 1, addr + done, f->off, chunk);
    if (r > 0)
      f->off += r;
    iunlock(f->ip);
    if (end_op() < 0)
      return done > 0 ? done : -1;
    if (r > 0)
      done += r;
    if (r != chunk)  // a full disk or a bad address: report what was written, if anything
      return done > 0 ? done : -1;
  }
  return done;
}

static int write_pinned(struct file *f, uint64 addr, int n) {
  if (f->type == FD_DEVICE) {
    struct devsw *dev = device_of(f);
    return dev && dev->write ? dev->write(1, addr, n) : -1;
  }
  return write_inode_file(f, addr, n);
}

// Writes n bytes from user address addr; returns the count or -1.
int filewrite(struct file *f, uint64 addr, int n) {
  if (!f->writable || n < 0)
    return -1;
  if (f->type == FD_PIPE)
    return pipewrite(f->pipe, addr, n);
  if (f->type != FD_INODE && f->type != FD_DEVICE)
    panic("filewrite: file %p has type %d (ref %d; last closed by pid %d, called from %p)", f,
          f->type, f->ref, f->closed_by, (void *)f->closed_at);
  return by_pinned_chunks(f, addr, n, ACCESS_READ, write_pinned);
}
