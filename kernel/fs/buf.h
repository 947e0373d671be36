// A block in the buffer cache.
#pragma once
#include "types.h"
#include "proc/sleeplock.h"

struct buf {
  int valid;            // data holds the block's contents (guarded by lock)
  uint dev;
  uint blockno;
  struct sleeplock lock;  // held by the one user of the buffer
  uint refcnt;          // guarded by the cache's spinlock
  int logged;           // in the log's transaction, so pinned (guarded by log.lock)
  struct buf *prev;     // LRU list, guarded by the cache's spinlock
  struct buf *next;
  uint8 *data;          // BSIZE bytes, one page (physically contiguous for DMA)
};
