// Pipes: a ring buffer of one page between a read file and a write file. Readers sleep while
// it is empty and a writer exists; writers sleep while it is full and a reader exists. User
// memory is copied outside the spinlock (through a small bounce buffer), because touching
// user memory may sleep.
//
// Lock rules: pi->lock guards every field of the pipe.
#include "fs/file.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "proc/proc.h"
#include "vm/uaccess.h"

#define PIPE_HEADER 64
#define PIPESIZE (PGSIZE - PIPE_HEADER)
#define BOUNCE 512  // bytes copied to or from user memory per step (on the kernel stack)

struct pipe {
  struct spinlock lock;
  uint64 nread;     // bytes read so far; the next byte is data[nread % PIPESIZE]
  uint64 nwrite;    // bytes written so far
  int readopen;     // the read end is still open
  int writeopen;    // the write end is still open
  char data[PIPESIZE] __attribute__((aligned(PIPE_HEADER)));
};
_Static_assert(sizeof(struct pipe) == PGSIZE, "struct pipe fills one page");

// Makes a pipe and its two files (read end *f0, write end *f1); 0, or -1 with nothing left
// allocated.
int pipealloc(struct file **f0, struct file **f1) {
  struct pipe *pi = kpage_alloc();
  *f0 = filealloc();
  *f1 = filealloc();
  if (!pi || !*f0 || !*f1) {
    if (pi)
      kpage_free(pi);
    if (*f0)
      fileclose(*f0);  // type FD_NONE: closing just frees the slot
    if (*f1)
      fileclose(*f1);
    return -1;
  }
  initlock(&pi->lock, "pipe");
  pi->nread = pi->nwrite = 0;
  pi->readopen = pi->writeopen = 1;
  // Field by field, never ref: it belongs to the file table's lock (filealloc set it). A
  // struct assignment here compiled to stores that zeroed ref before setting it again, and in
  // that window another hart's filealloc took the same file: two descriptors, one reference
  // (the fuzzer's "fileclose/filedup: file is not open" and "filewrite: file has type 0").
  (*f0)->type = (*f1)->type = FD_PIPE;
  (*f0)->readable = 1, (*f0)->writable = 0;
  (*f1)->readable = 0, (*f1)->writable = 1;
  (*f0)->pipe = (*f1)->pipe = pi;
  return 0;
}

void pipeclose(struct pipe *pi, int writable) {
  acquire(&pi->lock);
  if (writable) {
    pi->writeopen = 0;
    wakeup(&pi->nread);
  } else {
    pi->readopen = 0;
    wakeup(&pi->nwrite);
  }
  int unused = !pi->readopen && !pi->writeopen;
  release(&pi->lock);
  if (unused)
    kpage_free(pi);
}

// Moves len bytes from the bounce buffer into the ring (the caller checked the space).
static void ring_put(struct pipe *pi, const char *src, int len) {
  for (int i = 0; i < len; i++)
    pi->data[pi->nwrite++ % PIPESIZE] = src[i];
}

static void ring_take(struct pipe *pi, char *dst, int len) {
  for (int i = 0; i < len; i++)
    dst[i] = pi->data[pi->nread++ % PIPESIZE];
}

// Writes n bytes from user address addr. Returns n; the bytes written before a bad address
// (-1 if none); or -1 when the read end is closed or the writer is killed.
int pipewrite(struct pipe *pi, uint64 addr, int n) {
  struct proc *p = myproc();
  char bounce[BOUNCE];
  int done = 0;
  while (done < n) {
    int len = MIN(n - done, BOUNCE);
    if (either_copyin(bounce, 1, addr + done, len) < 0)
      return done > 0 ? done : -1;
    for (int put = 0; put < len;) {
      acquire(&pi->lock);
      while (pi->readopen && !killed(p) && pi->nwrite - pi->nread == PIPESIZE) {
        wakeup(&pi->nread);
        sleep(&pi->nwrite, &pi->lock);
      }
      if (!pi->readopen || killed(p)) {
        release(&pi->lock);
        return -1;
      }
      int room = MIN(len - put, (int)(PIPESIZE - (pi->nwrite - pi->nread)));
      ring_put(pi, bounce + put, room);
      put += room;
      wakeup(&pi->nread);
      release(&pi->lock);
    }
    done += len;
  }
  return done;
}

// Reads up to n bytes into user address addr, waiting for the first byte unless every writer
// has closed (then 0: end of file). Returns the count, or -1 if killed or addr is bad. Each
// piece of the buffer is claimed and pinned before bytes leave the ring for it, so that the
// copy out cannot fail: bytes taken from the pipe always reach the reader (a claim can fail
// on a bad address, or when memory runs out).
int piperead(struct pipe *pi, uint64 addr, int n) {
  struct proc *p = myproc();
  struct supplemental_page_table *spt = &p->spt;
  char bounce[BOUNCE];
  int done = 0;
  acquire(&pi->lock);
  while (pi->nread == pi->nwrite && pi->writeopen) {
    if (killed(p)) {
      release(&pi->lock);
      return -1;
    }
    sleep(&pi->nread, &pi->lock);
  }
  while (done < n && pi->nread != pi->nwrite) {
    int len = MIN(MIN(n - done, BOUNCE), (int)(pi->nwrite - pi->nread));
    release(&pi->lock);
    uint64 pinned = vm_pin_user_range(spt, addr + done, len, ACCESS_WRITE);
    if (pinned == 0)
      return done > 0 ? done : -1;
    acquire(&pi->lock);
    // Another reader may have taken bytes meanwhile.
    len = MIN(MIN(len, (int)pinned), (int)(pi->nwrite - pi->nread));
    ring_take(pi, bounce, len);
    wakeup(&pi->nwrite);
    release(&pi->lock);
    if (len > 0 && copyout(spt, addr + done, bounce, len) < 0)
      panic("piperead: copyout to pinned user memory at %p failed", (void *)(addr + done));
    vm_unpin_user_range(spt, addr + done, pinned);
    done += len;
    acquire(&pi->lock);
  }
  release(&pi->lock);
  return done;
}
