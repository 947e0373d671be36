// The file system proper, on the log and the buffer cache: block allocation, inodes (on disk
// and in the inode table), file contents through the block map, directories and path names.
// The on-disk format is fs_format.h. Everything here runs in a process, inside begin_op/end_op
// when it writes.
//
// Lock rules: itable.lock guards every in-memory inode's ref, dev and inum (which inode a slot
// holds); an inode's sleep lock guards the rest of it (valid and the copy of the disk inode).
// Lock order: a directory before the inodes it names (never a child before its parent), and
// inode sleep locks before buffer sleep locks.
//
// Disk errors (bread returns NULL): a lookup, a read of file data, or a search for a free
// block or inode that cannot read a block fails (NULL, 0 or -1, up to the system call); a
// read that an operation needs in order to finish what it started (freeing a file's blocks,
// writing an inode back) makes the file system read-only instead (log_abort), since the
// transaction would leave the disk inconsistent. A newly allocated block is never read.
#include "fs/fs.h"
#include "fs/file.h"
#include "dev/disk.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "proc/proc.h"
#include "vm/vm.h"

struct superblock sb;  // read once by fsinit, read-only afterwards

// Checks that the superblock's regions fit one after another in the partition.
static void check_superblock(void) {
  uint64 blocks = disk_layout.fs.nsectors / SECTORS_PER_BLOCK;
  uint inode_blocks = (sb.ninodes + IPB - 1) / IPB;
  uint bitmap_blocks = (sb.size + BPB - 1) / BPB;
  if (sb.magic != FSMAGIC)
    panic("fsinit: no sloth file system (magic %x, expected %x)", sb.magic, FSMAGIC);
  if (sb.size > blocks || sb.logstart < 2 || sb.inodestart < sb.logstart + sb.nlog ||
      sb.bmapstart < sb.inodestart + inode_blocks ||
      sb.bmapstart + bitmap_blocks + sb.nblocks > sb.size || sb.ninodes > 0xFFFF)
    panic("fsinit: bad superblock: size %u (partition %lu blocks), log %u+%u, inodes %u at %u, "
          "bitmap at %u, %u data blocks", sb.size, blocks, sb.logstart, sb.nlog, sb.ninodes,
          sb.inodestart, sb.bmapstart, sb.nblocks);
}

static void reclaim_orphans(uint dev);

void fsinit(uint dev) {
  struct buf *b = bread(dev, 1);
  if (!b)
    panic("fsinit: disk read of the superblock failed");
  memmove(&sb, b->data, sizeof(sb));
  brelse(b);
  check_superblock();
  initlog(dev, &sb);
  printf("fs: %u blocks of %d bytes, %u inodes, %u data blocks\n", sb.size, BSIZE, sb.ninodes,
         sb.nblocks);
  reclaim_orphans(dev);
}

// ---- Blocks ----

// Where the data region starts: everything before it is metadata, marked used by mkfs.
static uint first_data_block(void) {
  return sb.bmapstart + (sb.size + BPB - 1) / BPB;
}

static void bzero(uint dev, uint blockno) {
  struct buf *b = bread_zeroed(dev, blockno);
  log_write(b);
  brelse(b);
}

// Allocates a zeroed data block; returns its number, or 0 when the disk is full or a bitmap
// block cannot be read. The search starts where the last one succeeded (a hint only, so races
// on it are harmless).
static uint balloc(uint dev) {
  static uint hint;
  uint first = first_data_block();
  uint span = sb.size - first;
  for (uint tried = 0; tried < span;) {
    uint bno = first + (hint + tried) % span;
    struct buf *bp = bread(dev, BBLOCK(bno, sb));
    if (!bp)
      return 0;
    // Scan the rest of this bitmap block (or up to the end of the disk) from bno.
    uint last = MIN(sb.size, (bno / BPB + 1) * BPB);
    for (; bno < last; bno++, tried++) {
      uint8 *byte = &bp->data[(bno % BPB) / 8];
      uint8 bit = 1 << (bno % 8);
      if (*byte == 0xFF && bno % 8 == 0) {
        bno += 7;
        tried += 7;
        continue;
      }
      if (!(*byte & bit)) {
        *byte |= bit;
        log_write(bp);
        brelse(bp);
        hint = bno - first;
        bzero(dev, bno);
        return bno;
      }
    }
    brelse(bp);
  }
  return 0;
}

static void bfree(uint dev, uint bno) {
  if (bno < first_data_block() || bno >= sb.size)
    panic("bfree: block %u is not a data block", bno);
  struct buf *bp = bread(dev, BBLOCK(bno, sb));
  if (!bp) {
    log_abort("the read of a bitmap block (to free a block)", BBLOCK(bno, sb));
    return;
  }
  uint8 bit = 1 << (bno % 8);
  if (!(bp->data[(bno % BPB) / 8] & bit))
    panic("bfree: block %u is already free", bno);
  bp->data[(bno % BPB) / 8] &= ~bit;
  log_write(bp);
  brelse(bp);
}

// ---- The inode table ----

static struct {
  struct spinlock lock;
  struct inode inode[NINODE];
} itable;

void iinit(void) {
  initlock(&itable.lock, "itable");
  for (int i = 0; i < NINODE; i++)
    initsleeplock(&itable.inode[i].lock, "inode");
}

// Returns the in-memory inode for (dev, inum) with a new reference, unlocked and possibly not
// yet read from disk; NULL when the table is full.
static struct inode *iget(uint dev, uint inum) {
  struct inode *empty = NULL;
  acquire(&itable.lock);
  for (struct inode *ip = itable.inode; ip < itable.inode + NINODE; ip++) {
    if (ip->ref > 0 && ip->dev == dev && ip->inum == inum) {
      ip->ref++;
      release(&itable.lock);
      return ip;
    }
    if (!empty && ip->ref == 0)
      empty = ip;
  }
  if (empty) {
    empty->dev = dev;
    empty->inum = inum;
    empty->ref = 1;
    empty->valid = 0;
  } else {
    printf("iget: the inode table is full (%d inodes)\n", NINODE);
  }
  release(&itable.lock);
  return empty;
}

// Finds a free inode on disk, marks it as `type`, and returns it (referenced, unlocked);
// NULL when every inode is in use or an inode block cannot be read.
struct inode *ialloc(uint dev, short type) {
  for (uint first = 0; first < sb.ninodes; first += IPB) {
    struct buf *bp = bread(dev, IBLOCK(first, sb));
    if (!bp)
      return NULL;
    for (uint inum = MAX(first, ROOTINO + 1); inum < MIN(first + IPB, sb.ninodes); inum++) {
      struct dinode *dip = (struct dinode *)bp->data + inum % IPB;
      if (dip->type == 0) {
        // The in-memory inode first: with the inode table full, the disk inode must stay
        // free, or nothing would ever free it.
        struct inode *ip = iget(dev, inum);
        if (ip) {
          memset(dip, 0, sizeof(*dip));
          dip->type = type;
          log_write(bp);
        }
        brelse(bp);
        return ip;
      }
    }
    brelse(bp);
  }
  return NULL;
}

// Copies a locked inode's fields to its disk inode (through the log).
void iupdate(struct inode *ip) {
  struct buf *bp = bread(ip->dev, IBLOCK(ip->inum, sb));
  if (!bp) {
    log_abort("the read of an inode block (to write an inode back)", IBLOCK(ip->inum, sb));
    return;
  }
  struct dinode *dip = (struct dinode *)bp->data + ip->inum % IPB;
  dip->type = ip->type;
  dip->major = ip->major;
  dip->minor = ip->minor;
  dip->nlink = ip->nlink;
  dip->size = ip->size;
  memmove(dip->addrs, ip->addrs, sizeof(ip->addrs));
  log_write(bp);
  brelse(bp);
}

struct inode *idup(struct inode *ip) {
  acquire(&itable.lock);
  ip->ref++;
  release(&itable.lock);
  return ip;
}

// Locks an inode, reading it from disk the first time; -1 (and not locked) if that read
// fails. An inode that was locked before while its caller held a reference (an open file's,
// a mapping's, a running program's) is in memory still: locking it cannot fail.
int ilock(struct inode *ip) {
  if (!ip || ip->ref < 1)
    panic("ilock: inode %p has no reference", ip);
  acquiresleep(&ip->lock);
  if (ip->valid)
    return 0;
  struct buf *bp = bread(ip->dev, IBLOCK(ip->inum, sb));
  if (!bp) {
    releasesleep(&ip->lock);
    return -1;
  }
  struct dinode *dip = (struct dinode *)bp->data + ip->inum % IPB;
  ip->type = dip->type;
  ip->major = dip->major;
  ip->minor = dip->minor;
  ip->nlink = dip->nlink;
  ip->size = dip->size;
  memmove(ip->addrs, dip->addrs, sizeof(ip->addrs));
  brelse(bp);
  ip->valid = 1;
  if (ip->type == 0)
    panic("ilock: inode %u is free on disk but in use", ip->inum);
  return 0;
}

void iunlock(struct inode *ip) {
  if (!ip || !holdingsleep(&ip->lock) || ip->ref < 1)
    panic("iunlock: inode %p not locked", ip);
  releasesleep(&ip->lock);
}

// Drops a reference. The last reference to an inode that no directory names any more frees
// it: its blocks, then the disk inode. Must be inside a transaction for that reason.
void iput(struct inode *ip) {
  acquire(&itable.lock);
  if (ip->ref == 1 && ip->valid && ip->nlink == 0) {
    // Nobody else can reach it: no directory names it and we hold the only reference, so
    // this sleep lock is free and taking it cannot block.
    acquiresleep(&ip->lock);
    release(&itable.lock);
    itrunc(ip);
    ip->type = 0;
    iupdate(ip);
    ip->valid = 0;
    releasesleep(&ip->lock);
    acquire(&itable.lock);
  }
  ip->ref--;
  release(&itable.lock);
}

void iunlockput(struct inode *ip) {
  iunlock(ip);
  iput(ip);
}

// Frees inode inum as its last iput would: it has no name (nlink 0) and nobody has it.
static void free_orphan(uint dev, uint inum) {
  begin_op();
  struct inode *ip = iget(dev, inum);
  if (ip) {
    if (ilock(ip) == 0)  // else unreadable: iput leaves it alone, a later boot tries again
      iunlock(ip);
    iput(ip);  // nlink 0, last reference: truncates and frees it
  }
  end_op();
}

// A file unlinked while open lives on with nlink 0 until its last close; a crash (or a power
// off) before that leaves it allocated on disk with no name. Nobody can have it open at boot,
// so every such orphan is freed now, each in its own transaction. The inode table is read
// uncached, SCAN_BLOCKS blocks at a time in one batch (the disk holds what the cache does:
// recovery and every commit so far were installed).
#define SCAN_BLOCKS 16
static void reclaim_orphans(uint dev) {
  void *pages[SCAN_BLOCKS];
  uint nblocks = (sb.ninodes + IPB - 1) / IPB, freed = 0;
  for (int i = 0; i < SCAN_BLOCKS; i++)
    if (!(pages[i] = kpage_alloc()))
      panic("fsinit: no memory to scan the inode table");
  for (uint b = 0; b < nblocks; b += SCAN_BLOCKS) {
    uint n = MIN(SCAN_BLOCKS, nblocks - b);
    if (block_read_uncached_many(sb.inodestart + b, pages, n) < 0) {
      printf("fs: disk error reading the inode table: orphaned inodes stay until a later boot\n");
      break;
    }
    for (uint inum = MAX(b * IPB, ROOTINO + 1); inum < MIN((b + n) * IPB, sb.ninodes); inum++) {
      struct dinode *dip = (struct dinode *)pages[inum / IPB - b] + inum % IPB;
      if (dip->type != 0 && dip->nlink == 0) {
        free_orphan(dev, inum);
        freed++;
      }
    }
  }
  for (int i = 0; i < SCAN_BLOCKS; i++)
    kpage_free(pages[i]);
  if (freed)
    printf("fs: freed %u orphaned inodes (unlinked while open, then a crash)\n", freed);
}

// ---- File contents: the block map ----

// bmap's answer when an index block cannot be read (0 means there is no block).
#define BMAP_FAILED 0xFFFFFFFFu

// Returns entry i of the index block *slot, allocating the index block and the entry's block
// when `alloc` is set and they are missing; 0 when missing (or on a full disk), BMAP_FAILED
// when the index block cannot be read.
static uint index_entry(struct inode *ip, uint *slot, uint i, int alloc) {
  if (*slot == 0) {
    if (!alloc || !(*slot = balloc(ip->dev)))
      return 0;
  }
  struct buf *bp = bread(ip->dev, *slot);
  if (!bp)
    return BMAP_FAILED;
  uint32 *entries = (uint32 *)bp->data;
  uint bno = entries[i];
  if (bno == 0 && alloc && (bno = balloc(ip->dev)) != 0) {
    entries[i] = bno;
    log_write(bp);
  }
  brelse(bp);
  return bno;
}

// Returns the disk block holding block n of the file, allocating it (and the index blocks on
// the way) when alloc is set; 0 when it has none (a hole, past the end, or the disk is full);
// BMAP_FAILED when an index block cannot be read.
static uint bmap(struct inode *ip, uint n, int alloc) {
  if (n < NDIRECT) {
    if (ip->addrs[n] == 0 && alloc)
      ip->addrs[n] = balloc(ip->dev);
    return ip->addrs[n];
  }
  n -= NDIRECT;
  if (n < NINDIRECT)
    return index_entry(ip, &ip->addrs[NDIRECT], n, alloc);
  n -= NINDIRECT;
  if (n >= NDINDIRECT)
    return 0;
  uint middle = index_entry(ip, &ip->addrs[NDIRECT + 1], n / NINDIRECT, alloc);
  if (middle == 0 || middle == BMAP_FAILED)
    return middle;
  return index_entry(ip, &middle, n % NINDIRECT, alloc);
}

// Frees index block bno and, at depth 1, the data blocks it lists; at depth 2 the index
// blocks it lists too.
static void free_index(struct inode *ip, uint bno, int depth) {
  struct buf *bp = bread(ip->dev, bno);
  if (!bp) {
    log_abort("the read of an index block (to free a file's blocks)", bno);
    return;
  }
  uint32 *entries = (uint32 *)bp->data;
  for (uint i = 0; i < NINDIRECT; i++) {
    if (entries[i] == 0)
      continue;
    if (depth > 1)
      free_index(ip, entries[i], depth - 1);
    else
      bfree(ip->dev, entries[i]);
  }
  brelse(bp);
  bfree(ip->dev, bno);
}

uint inode_block(struct inode *ip, uint n) {
  uint bno = bmap(ip, n, 0);
  return bno == BMAP_FAILED ? 0 : bno;
}

// Frees every block of a locked inode and makes it empty. Cached pages of a mapped file
// are cut off first, so no write-back can reach a block after it is freed.
void itrunc(struct inode *ip) {
  pcache_truncate(ip);
  for (int i = 0; i < NDIRECT; i++) {
    if (ip->addrs[i])
      bfree(ip->dev, ip->addrs[i]);
    ip->addrs[i] = 0;
  }
  for (int depth = 1; depth <= 2; depth++) {
    uint *slot = &ip->addrs[NDIRECT + depth - 1];
    if (*slot)
      free_index(ip, *slot, depth);
    *slot = 0;
  }
  ip->size = 0;
  iupdate(ip);
}

void stati(struct inode *ip, struct stat *st) {
  st->dev = ip->dev;
  st->ino = ip->inum;
  st->type = ip->type;
  st->nlink = ip->nlink;
  st->size = ip->size;
}

// File bytes go through the page cache when a mapped file's page is cached there (vm/pcache.c):
// readi copies from the cached frame, which may be newer than the block, and writei writes
// the block and the frame alike, so neither side ever sees the other's bytes late.
_Static_assert(BSIZE == PGSIZE, "a file page is one block");

// A disk error ends the read early: the bytes read before it, or -1 if none.
int readi(struct inode *ip, int user_dst, uint64 dst, uint off, uint n) {
  if (off > ip->size || off + n < off)
    return 0;
  n = MIN(n, ip->size - off);
  uint done = 0;
  while (done < n) {
    uint chunk = MIN(n - done, BSIZE - off % BSIZE);
    struct frame *cached = pcache_pin_for_io(ip, off / BSIZE);
    int bad;
    if (cached) {
      bad = either_copyout(user_dst, dst, (char *)cached->kva + off % BSIZE, chunk);
      frame_release(cached);
    } else {
      uint bno = bmap(ip, off / BSIZE, 0);
      if (bno == 0)
        panic("readi: inode %u has no block for offset %u below its size %u", ip->inum, off,
              ip->size);
      struct buf *bp = bno == BMAP_FAILED ? NULL : bread(ip->dev, bno);
      bad = bp ? either_copyout(user_dst, dst, bp->data + off % BSIZE, chunk) : -1;
      if (bp)
        brelse(bp);
    }
    if (bad < 0)
      return done ? (int)done : -1;
    done += chunk;
    off += chunk;
    dst += chunk;
  }
  return done;
}

// Writes n bytes at off (off <= size: no holes), growing the file. Returns the bytes written,
// which is less than n when the disk fills up, a block cannot be read or the source is a bad
// address; -1 when nothing could be written.
int writei(struct inode *ip, int user_src, uint64 src, uint off, uint n) {
  if (off > ip->size || (uint64)off + n > 0xFFFFFFFFull)
    return -1;
  uint done = 0;
  while (done < n) {
    uint chunk = MIN(n - done, BSIZE - off % BSIZE);
    uint bno = bmap(ip, off / BSIZE, 1);
    struct buf *bp = bno == 0 || bno == BMAP_FAILED ? NULL : bread(ip->dev, bno);
    if (!bp)
      break;
    int bad = either_copyin(bp->data + off % BSIZE, user_src, src, chunk);
    if (bad == 0) {
      log_write(bp);
      // Still holding the buffer: a write-back of the cached page (which copies the frame
      // into this buffer) cannot come between the two copies.
      struct frame *cached = pcache_pin_for_io(ip, off / BSIZE);
      if (cached) {
        memmove((char *)cached->kva + off % BSIZE, bp->data + off % BSIZE, chunk);
        frame_release(cached);
      }
    }
    brelse(bp);
    if (bad < 0)
      break;
    done += chunk;
    off += chunk;
    src += chunk;
  }
  if (off > ip->size)
    ip->size = off;
  iupdate(ip);  // bmap may have changed addrs even if nothing was written
  return done || n == 0 ? (int)done : -1;
}

// ---- Directories ----

int namecmp(const char *s, const char *t) {
  return strncmp(s, t, DIRSIZ);
}

// Finds the first entry of locked directory dp, at or after byte offset `from`, that names
// `name` (or, when name is NULL, the first free entry). Returns 1 with its offset in *poff and
// the entry in *found; 0 when there is none (*poff = dp->size); -1 when a block of the
// directory cannot be read. Reads a block at a time, not an entry at a time.
int dir_find(struct inode *dp, const char *name, uint from, struct dirent *found, uint *poff) {
  if (dp->type != T_DIR)
    panic("dir_find: inode %u is not a directory", dp->inum);
  for (uint off = from; off < dp->size;) {
    uint bno = bmap(dp, off / BSIZE, 0);
    if (bno == 0)
      panic("dir_find: directory %u has no block for offset %u", dp->inum, off);
    struct buf *bp = bno == BMAP_FAILED ? NULL : bread(dp->dev, bno);
    if (!bp)
      return -1;
    uint end = MIN(dp->size, (off / BSIZE + 1) * BSIZE);
    for (; off + sizeof(struct dirent) <= end; off += sizeof(struct dirent)) {
      struct dirent *de = (struct dirent *)(bp->data + off % BSIZE);
      if (name ? de->inum != 0 && namecmp(name, de->name) == 0 : de->inum == 0) {
        *found = *de;
        *poff = off;
        brelse(bp);
        return 1;
      }
    }
    brelse(bp);
    off = end;
  }
  *poff = dp->size;
  return 0;
}

// Looks name up in locked directory dp; returns its inode (referenced, unlocked) and sets
// *poff to the entry's offset when poff is not NULL. NULL when not found, or when the
// directory cannot be read. In a removed directory (nlink 0: somebody's cwd still) ".."
// finds nothing: the parent it names may be freed by now, and its inode number reused.
struct inode *dirlookup(struct inode *dp, char *name, uint *poff) {
  struct dirent de;
  uint off;
  if (dp->nlink == 0 && namecmp(name, "..") == 0)
    return NULL;
  if (dir_find(dp, name, 0, &de, &off) != 1)
    return NULL;
  if (poff)
    *poff = off;
  return iget(dp->dev, de.inum);
}

// Adds the entry (name, inum) to locked directory dp, reusing a free slot when there is one.
// Returns 0, or -1 if the name exists, the disk is full, the directory cannot be read, or
// dp has been removed (nlink 0: still somebody's cwd; an entry there would be lost with it,
// and a new subdirectory's ".." would keep it alive).
int dirlink(struct inode *dp, char *name, uint inum) {
  struct dirent de;
  uint off;
  if (dp->nlink == 0)
    return -1;
  if (dir_find(dp, name, 0, &de, &off) != 0 || dir_find(dp, NULL, 0, &de, &off) < 0)
    return -1;
  memset(&de, 0, sizeof(de));
  memmove(de.name, name, strnlen(name, DIRSIZ));
  de.inum = inum;
  if (writei(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
    return -1;
  return 0;
}

// ---- Path names ----

// Copies the first element of path into name (truncated to DIRSIZ, as xv6 does) and returns
// the rest of the path without leading slashes; NULL when path has no element left.
static char *next_element(char *path, char *name) {
  while (*path == '/')
    path++;
  if (*path == 0)
    return NULL;
  char *start = path;
  while (*path != '/' && *path != 0)
    path++;
  uint len = path - start;
  memmove(name, start, MIN(len, DIRSIZ));
  if (len < DIRSIZ)
    name[len] = 0;
  while (*path == '/')
    path++;
  return path;
}

// Walks path from the root or the current directory. With parent set, stops one element
// early, returns that directory and leaves the last element in name. Returns a referenced,
// unlocked inode, or NULL.
static struct inode *walk_path(char *path, int parent, char *name) {
  struct inode *ip = *path == '/' ? iget(ROOTDEV, ROOTINO) : idup(myproc()->cwd);
  while (ip && (path = next_element(path, name)) != NULL) {
    if (ilock(ip) < 0) {
      iput(ip);
      return NULL;
    }
    if (ip->type != T_DIR) {
      iunlockput(ip);
      return NULL;
    }
    if (parent && *path == 0) {
      iunlock(ip);
      return ip;
    }
    struct inode *next = dirlookup(ip, name, NULL);
    iunlockput(ip);
    ip = next;
  }
  if (parent && ip) {  // the path had no element to stop before ("/" or "")
    iput(ip);
    return NULL;
  }
  return ip;
}

struct inode *namei(char *path) {
  char name[DIRSIZ];
  return walk_path(path, 0, name);
}

struct inode *nameiparent(char *path, char *name) {
  return walk_path(path, 1, name);
}
