// The page cache: the frames of file pages that processes map, found by (inode, page
// index). Every MAP_SHARED mapping of a file page maps its one frame; a MAP_PRIVATE mapping,
// and a running program's page that is a whole page of its file, map it read-only until
// they write, and then get a copy (vm.c).
//
// Coherent with read() and write(), one copy of the truth: while a page is cached, readi
// reads it from the frame and writei writes both the block (through the log, as always) and
// the frame, so the frame is never older than the file. A mapping's stores make the frame
// newer than the file until it is written back: on msync, munmap, exit and eviction,
// straight from the frame into the page's block, through the log. The block is recorded
// when the page is read (a page is one block, and a file's blocks below its size never
// move; truncation cuts the cache off first). Write-back never changes the file's size.
// A file's pages stay cached while the file is mapped or run (ip->nmapped > 0); the last
// munmap, or the exit of the last process running it, drops them.
//
// Locks: the index (hash chains through frame->cache_next, FRAME_CACHED, ip->pcache_pages)
// is guarded by frame_lock, which this file shares with frame.c. A page is read and inserted
// with its inode locked, so no writei can slip in between. Nothing here waits for an
// eviction with an inode locked: the evictor may need a file-system operation, and one that
// is open may be waiting for that inode.
#include "vm/vm.h"
#include "fs/fs.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "proc/proc.h"
#include "vm/vmtools.h"

#define PCACHE_BUCKETS 1024

static struct frame *buckets[PCACHE_BUCKETS];  // guarded by frame_lock

static struct frame **bucket_of(const struct inode *ip, uint64 index) {
  uint64 h = ((uint64)ip >> 6) ^ (index * 0x9E3779B97F4A7C15UL);
  return &buckets[(h >> 32) % PCACHE_BUCKETS];
}

// The cached frame of (ip, index), or NULL. frame_lock is held.
static struct frame *lookup(const struct inode *ip, uint64 index) {
  for (struct frame *f = *bucket_of(ip, index); f; f = f->cache_next)
    if (f->ip == ip && f->index == index)
      return f;
  return NULL;
}

void pcache_remove_locked(struct frame *f) {
  struct frame **pp = bucket_of(f->ip, f->index);
  while (*pp != f)
    pp = &(*pp)->cache_next;
  *pp = f->cache_next;
  f->cache_next = NULL;
  f->flags &= ~FRAME_CACHED;
  f->ip->pcache_pages--;
  VM_SUB(pcache_pages, 1);
}

// A hit: the cached frame, pinned, once no evictor holds it. NULL on a miss.
static struct frame *pin_cached(struct inode *ip, uint64 index) {
  frame_lock_acquire();
  struct frame *f;
  while ((f = lookup(ip, index)) && (f->flags & FRAME_EVICTING))
    frame_wait(f);  // then look again: the evictor took it out of the index
  if (f) {
    frame_pin(f);
    f->flags |= FRAME_REFERENCED;
  }
  frame_lock_release();
  return f;
}

// Reads page `index` of locked inode ip into the new frame f and puts f in the cache (or, if
// another fault got there first, returns that frame instead and frees f). The bytes past
// the end of the file read as zero. NULL (and *why) if the page is past the end or unreadable.
static struct frame *fill(struct inode *ip, uint64 index, struct frame *f, enum vm_fault *why) {
  uint64 off = index * PGSIZE;
  if (off >= ip->size) {
    *why = VM_BEYOND_EOF;
    vm_free_frame(f);
    return NULL;
  }
  frame_lock_acquire();
  struct frame *raced = lookup(ip, index);
  if (raced && !(raced->flags & FRAME_EVICTING)) {
    frame_pin(raced);
    frame_lock_release();
    vm_free_frame(f);
    return raced;
  }
  frame_lock_release();
  if (raced) {  // being evicted: the caller starts again once the inode is unlocked
    *why = VM_RESOLVED;
    vm_free_frame(f);
    return NULL;
  }
  uint n = MIN(PGSIZE, ip->size - off);
  if (readi(ip, 0, (uint64)f->kva, off, n) != (int)n) {
    *why = VM_IO_ERROR;
    vm_free_frame(f);
    return NULL;
  }
  memset((char *)f->kva + n, 0, PGSIZE - n);
  f->ip = ip;
  f->index = index;
  f->blockno = inode_block(ip, index);
  if (f->blockno == 0) {  // its index block could not be read again (a disk error)
    *why = VM_IO_ERROR;
    vm_free_frame(f);
    return NULL;
  }
  frame_lock_acquire();
  struct frame **head = bucket_of(ip, index);
  f->cache_next = *head;
  *head = f;
  f->flags |= FRAME_CACHED;
  ip->pcache_pages++;
  frame_lock_release();
  VM_COUNT(pcache_pages);
  VM_COUNT(faults_file);
  return f;
}

struct frame *pcache_get(struct inode *ip, uint64 index, enum vm_fault *why) {
  for (;;) {
    struct frame *f = pin_cached(ip, index);
    if (f) {
      VM_COUNT(pcache_hits);
      return f;
    }
    struct frame *fresh = vm_get_frame();  // before the inode lock: it may evict
    if (!fresh) {
      *why = VM_NO_MEMORY;
      return NULL;
    }
    ilock(ip);
    f = fill(ip, index, fresh, why);
    iunlock(ip);
    if (f || *why != VM_RESOLVED)
      return f;
  }
}

struct frame *pcache_pin_for_io(struct inode *ip, uint64 index) {
  if (ip->pcache_pages == 0)  // stable enough: pages enter the cache with ip locked
    return NULL;
  frame_lock_acquire();
  struct frame *f = lookup(ip, index);
  if (f)
    frame_pin(f);  // even while an evictor has it: its contents stay valid (see frame.c)
  frame_lock_release();
  return f;
}

int pcache_write_back(struct frame **frames, int n) {
  if (n > PCACHE_BATCH)
    panic("pcache_write_back: %d frames, at most %d", n, PCACHE_BATCH);
  struct frame *todo[PCACHE_BATCH];
  int m = 0;
  frame_lock_acquire();
  for (int i = 0; i < n; i++) {
    struct frame *f = frames[i];
    if (f->flags & FRAME_DISCARD)
      continue;
    // FRAME_DIRTY goes before the copy: a write after this point dirties the frame again.
    // The mappings' own dirty bits stay (clearing them would need their owners' locks and
    // TLBs), so a page written through a mapping may be written back once more.
    int dirty = frame_is_dirty(f);
    __atomic_fetch_and(&f->flags, ~FRAME_DIRTY, __ATOMIC_RELAXED);
    if (dirty)
      todo[m++] = f;
  }
  frame_lock_release();
  if (m == 0)
    return 0;
  // A disk error (log.c): a frame not written stays dirty, and the caller keeps it.
  int failed = log_aborted();
  if (!failed) {
    begin_op();
    for (int i = 0; i < m && !failed; i++) {
      struct buf *b = bread(todo[i]->ip->dev, todo[i]->blockno);
      failed = b == NULL;
      // A truncation may have cut the page off its block since the look above; it marks the
      // frame before it frees the block, and a new owner of the block must wait for this
      // buffer, so checking here, with the buffer locked, is enough.
      if (b && !(__atomic_load_n(&todo[i]->flags, __ATOMIC_ACQUIRE) & FRAME_DISCARD)) {
        memmove(b->data, todo[i]->kva, BSIZE);
        log_write(b);
      }
      if (b)
        brelse(b);
    }
    failed |= end_op() < 0;
  }
  if (failed) {
    for (int i = 0; i < m; i++)
      __atomic_fetch_or(&todo[i]->flags, FRAME_DIRTY, __ATOMIC_RELAXED);
    return -1;
  }
  VM_ADD(writebacks, m);
  return 0;
}

void pcache_batch_add(struct pcache_batch *b, struct supplemental_page_table *spt,
                      struct page *page) {
  if (!(page->area->flags & AREA_SHARED))
    return;
  struct frame *f = vm_pin_resident(spt, page, ACCESS_READ);
  if (!f)
    return;
  if (!(f->flags & FRAME_CACHED)) {  // cut off its file by a truncation: nothing to save
    frame_release(f);
    return;
  }
  b->frames[b->n++] = f;
  if (b->n == PCACHE_BATCH)
    pcache_batch_flush(b);
}

void pcache_batch_flush(struct pcache_batch *b) {
  if (b->n && pcache_write_back(b->frames, b->n) < 0)
    b->failed = 1;
  for (int i = 0; i < b->n; i++)
    frame_release(b->frames[i]);
  b->n = 0;
}

// Every cached frame of ip, (up to max) into out. frame_lock is held. Stops once it has them
// all: a program's exit (pcache_unmapped) should not cost a walk of every bucket.
static int cached_frames(struct inode *ip, struct frame **out, int max) {
  int n = 0;
  max = MIN(max, ip->pcache_pages);
  for (int b = 0; b < PCACHE_BUCKETS && n < max; b++)
    for (struct frame *f = buckets[b]; f && n < max; f = f->cache_next)
      if (f->ip == ip)
        out[n++] = f;
  return n;
}

// One mapping of ip (an mmap, a program segment) is gone. After the last, ip's pages leave
// the cache (written back already, by the unmapping, unless that write failed). This waits
// for evictions and for read/write in progress, but not for a new mapping (an exec of the
// program, say): once ip is mapped again its pages are that mapping's, dropped when it goes.
// Meanwhile ip->pcache_dropping tells the invariant checker why an inode nobody maps still
// has cached pages (so the count drops under frame_lock, which the checker holds).
void pcache_unmapped(struct inode *ip) {
  frame_lock_acquire();
  if (__atomic_sub_fetch(&ip->nmapped, 1, __ATOMIC_ACQ_REL) > 0) {
    frame_lock_release();
    return;
  }
  ip->pcache_dropping++;
  while (ip->pcache_pages > 0 && __atomic_load_n(&ip->nmapped, __ATOMIC_ACQUIRE) == 0) {
    struct frame *f[PCACHE_BATCH];
    int n = cached_frames(ip, f, PCACHE_BATCH), busy = 0;
    for (int i = 0; i < n; i++) {
      if ((f[i]->flags & FRAME_EVICTING) || f[i]->pin || f[i]->nmap) {
        busy++;
        continue;
      }
      pcache_remove_locked(f[i]);
      frame_pin(f[i]);  // vm_free_frame's pin
      f[i]->ip = NULL;
    }
    frame_lock_release();
    for (int i = 0; i < n; i++)
      if (!f[i]->ip)
        vm_free_frame(f[i]);
    if (busy == n)
      yield();  // an evictor or a reader has them for a moment
    frame_lock_acquire();
  }
  ip->pcache_dropping--;
  frame_lock_release();
}

// A truncation of locked ip: its cached pages are cut off the file (never written back,
// and never found again). Every mapping of them goes too (its next access finds the page
// past the end of the file, or what the file holds by then), and their frames are freed. A
// frame in use at this moment (pinned, being evicted, an owner's lock held) cannot be taken
// from its mappings now: it lives on, detached, until its last user lets go of it.
void pcache_truncate(struct inode *ip) {
  for (;;) {
    struct frame *f[PCACHE_BATCH], *unused[PCACHE_BATCH];
    int nunused = 0;
    frame_lock_acquire();
    int n = cached_frames(ip, f, PCACHE_BATCH);
    for (int i = 0; i < n; i++) {
      __atomic_fetch_or(&f[i]->flags, FRAME_DISCARD, __ATOMIC_RELEASE);
      pcache_remove_locked(f[i]);
      if (!f[i]->pin && !(f[i]->flags & FRAME_EVICTING) && frame_unmap_all_locked(f[i])) {
        frame_pin(f[i]);
        unused[nunused++] = f[i];
      }
    }
    frame_lock_release();
    for (int i = 0; i < nunused; i++)
      vm_free_frame(unused[i]);
    if (n == 0)
      return;
  }
}

// For the invariant checker (vmtools.h); frame_lock held.
struct frame *pcache_lookup_locked(const struct inode *ip, uint64 index) {
  return lookup(ip, index);
}

int pcache_for_each_locked(int (*fn)(struct frame *f, int right_bucket, void *arg), void *arg) {
  for (int b = 0; b < PCACHE_BUCKETS; b++) {
    for (struct frame *f = buckets[b]; f; f = f->cache_next) {
      int r = fn(f, bucket_of(f->ip, f->index) == &buckets[b], arg);
      if (r)
        return r;
    }
  }
  return 0;
}
