// A block in the buffer cache.
#pragma once
#include "types.h"
#include "proc/sleeplock.h"

#define BUF_HASH_BITS 6
#define BUF_HASH (1 << BUF_HASH_BITS)  // hash chains of the buffer cache (bio.c)

struct buf {
  int valid;            // data holds the block's contents (guarded by lock)
  uint dev;
  uint blockno;
  struct sleeplock lock;  // held by the one user of the buffer
  uint refcnt;          // guarded by the cache's spinlock
  int logged;           // in the log's transaction, so pinned (guarded by log.lock)
  struct buf *prev;     // LRU list, guarded by the cache's spinlock
  struct buf *next;
  struct buf *hash_next;  // the cache's hash chain, guarded by the cache's spinlock
  uint8 *data;          // BSIZE bytes, one page (physically contiguous for DMA)
};
