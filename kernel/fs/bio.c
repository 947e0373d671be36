// The buffer cache: NBUF page-sized buffers holding recently used file-system blocks, so that
// a block is read once and every user of a block sees the same copy. At most one process uses
// a buffer at a time (its sleep lock). Blocks are numbered within the file-system partition
// (disk_layout.fs); callers are the log and fs.c, always from a process.
//
// A lookup goes through a hash of (dev, blockno) rather than the LRU list, so finding a
// cached block costs a few instructions however many buffers there are (a scan of the list
// cost up to 128 steps, twice for a file block behind an indirect block).
//
// Disk errors are returned, never hidden: bread gives NULL when the block cannot be read (the
// buffer stays invalid, so the next bread tries the disk again), and the writes return -1.
// What a failure means for the file system is the log's to decide (log.c, "Disk errors").
//
// Lock rules: cache.lock (a spinlock) guards the LRU list, the hash chains, every buf's dev,
// blockno and refcnt; a buf's sleep lock guards its data and valid flag.
#include "fs/fs.h"
#include "dev/disk.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"

static struct {
  struct spinlock lock;
  struct buf bufs[NBUF];
  // A circular list through head: head.next is the most recently released buffer,
  // head.prev the least recently used one.
  struct buf head;
  // Every buffer that holds a block (dev != 0), chained through hash_next by hash_block.
  struct buf *hash[BUF_HASH];
} cache;

static struct buf **hash_chain(uint dev, uint blockno) {
  return &cache.hash[(blockno * 0x9E3779B1u + dev) >> (32 - BUF_HASH_BITS)];
}

static void hash_remove(struct buf *b) {
  struct buf **pp = hash_chain(b->dev, b->blockno);
  while (*pp != b)
    pp = &(*pp)->hash_next;
  *pp = b->hash_next;
}

static void list_remove(struct buf *b) {
  b->next->prev = b->prev;
  b->prev->next = b->next;
}

static void list_push_front(struct buf *b) {
  b->next = cache.head.next;
  b->prev = &cache.head;
  cache.head.next->prev = b;
  cache.head.next = b;
}

void binit(void) {
  initlock(&cache.lock, "bcache");  // buffers start with dev 0, which no file system uses
  cache.head.next = cache.head.prev = &cache.head;
  for (struct buf *b = cache.bufs; b < cache.bufs + NBUF; b++) {
    b->data = kpage_alloc();
    if (!b->data)
      panic("binit: no memory for %d buffers", NBUF);
    initsleeplock(&b->lock, "buffer");
    list_push_front(b);
  }
}

// Finds the buffer for (dev, blockno), or recycles the least recently used free one; returns
// it with a reference taken and its sleep lock held.
static struct buf *bget(uint dev, uint blockno) {
  acquire(&cache.lock);
  struct buf **chain = hash_chain(dev, blockno);
  for (struct buf *b = *chain; b; b = b->hash_next) {
    if (b->dev == dev && b->blockno == blockno) {
      b->refcnt++;
      release(&cache.lock);
      acquiresleep(&b->lock);
      return b;
    }
  }
  for (struct buf *b = cache.head.prev; b != &cache.head; b = b->prev) {
    if (b->refcnt == 0) {
      if (b->dev != 0)
        hash_remove(b);
      b->dev = dev;
      b->blockno = blockno;
      b->hash_next = *chain;
      *chain = b;
      b->valid = 0;  // safe: nobody holds a reference, so nobody holds its sleep lock
      b->refcnt = 1;
      release(&cache.lock);
      acquiresleep(&b->lock);
      return b;
    }
  }
  panic("bget: all %d buffers are in use", NBUF);
}

// The first sector of file-system block blockno; panics past the partition's end.
static uint64 block_sector(uint blockno) {
  uint64 nsect = disk_layout.fs.nsectors;
  if ((uint64)(blockno + 1) * SECTORS_PER_BLOCK > nsect)
    panic("bio: block %u is past the file system's end (%lu sectors)", blockno, nsect);
  return disk_layout.fs.first_sector + (uint64)blockno * SECTORS_PER_BLOCK;
}

// Reads or writes one block from or to a page, bypassing the cache; 0, or -1 on a disk error.
// The log uses it for its header, which only it reads and writes.
int block_rw_uncached(uint blockno, void *data, int write) {
  return virtio_blk_rw(block_sector(blockno), data, BSIZE, write);
}

// Writes the data of n locked buffers, all in flight at once: buffer i goes to block dest[i]
// (the log's copy of it), or to its own block when dest is NULL. 0, or -1 if any write failed.
int bwrite_many(struct buf **bufs, const uint *dest, int n) {
  struct disk_io ios[LOGBLOCKS];
  if (n > LOGBLOCKS)
    panic("bwrite_many: %d buffers, at most %d", n, LOGBLOCKS);
  for (int i = 0; i < n; i++) {
    if (!holdingsleep(&bufs[i]->lock))
      panic("bwrite_many: buffer of block %u not locked", bufs[i]->blockno);
    uint where = dest ? dest[i] : bufs[i]->blockno;
    ios[i] = (struct disk_io){block_sector(where), bufs[i]->data, BSIZE, 1};
  }
  return virtio_blk_rw_many(ios, n);
}

// Reads n consecutive blocks from block `first` into n pages, bypassing the cache, all in
// flight at once (boot's orphan scan reads the inode table so: one block at a time cost a
// disk round trip each). The cache must hold no copy newer than the disk's. 0, or -1 if the
// disk failed.
int block_read_uncached_many(uint first, void **pages, int n) {
  struct disk_io ios[LOGBLOCKS];
  if (n > LOGBLOCKS)
    panic("block_read_uncached_many: %d blocks, at most %d", n, LOGBLOCKS);
  for (int i = 0; i < n; i++)
    ios[i] = (struct disk_io){block_sector(first + i), pages[i], BSIZE, 0};
  return virtio_blk_rw_many(ios, n);
}

// Returns the locked buffer holding block blockno, read from disk if not cached; NULL (and
// no buffer held) if the disk read failed.
struct buf *bread(uint dev, uint blockno) {
  struct buf *b = bget(dev, blockno);
  if (!b->valid) {
    if (block_rw_uncached(b->blockno, b->data, 0) < 0) {
      brelse(b);
      return NULL;
    }
    b->valid = 1;
  }
  return b;
}

// The locked buffer of block blockno, zero-filled and not read from disk: for a block about
// to be overwritten whole (a newly allocated one), so that no disk read can fail for it.
struct buf *bread_zeroed(uint dev, uint blockno) {
  struct buf *b = bget(dev, blockno);
  memset(b->data, 0, BSIZE);
  b->valid = 1;
  return b;
}

// Writes a locked buffer's contents to its block on disk; 0, or -1 on a disk error.
int bwrite(struct buf *b) {
  if (!holdingsleep(&b->lock))
    panic("bwrite: buffer of block %u not locked", b->blockno);
  return block_rw_uncached(b->blockno, b->data, 1);
}

// Unlocks a buffer and drops the caller's reference; a buffer nobody uses becomes the most
// recently used candidate for recycling.
void brelse(struct buf *b) {
  if (!holdingsleep(&b->lock))
    panic("brelse: buffer of block %u not locked", b->blockno);
  releasesleep(&b->lock);
  acquire(&cache.lock);
  b->refcnt--;
  if (b->refcnt == 0) {
    list_remove(b);
    list_push_front(b);
  }
  release(&cache.lock);
}

// The log keeps a reference on the buffers of a transaction, so that they stay in the cache
// (with their new contents) until they are installed.
void bpin(struct buf *b) {
  acquire(&cache.lock);
  b->refcnt++;
  release(&cache.lock);
}

void bunpin(struct buf *b) {
  acquire(&cache.lock);
  if (b->refcnt == 0)
    panic("bunpin: block %u has no reference", b->blockno);
  b->refcnt--;
  release(&cache.lock);
}
