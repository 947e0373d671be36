// The file system (xv6's design on sloth's on-disk format, fs_format.h): buffer cache, write-
// ahead log, inodes, directories and path names. Every operation that writes must sit between
// begin_op() and end_op(); inodes are locked with ilock() before their fields are used.
#pragma once
#include "types.h"
#include "param.h"
#include "fs/fs_format.h"
#include "fs/buf.h"
#include "proc/sleeplock.h"

struct stat {
  int dev;
  uint ino;
  short type;
  short nlink;
  uint64 size;
};

// An inode in memory.
struct inode {
  uint dev;
  uint inum;
  int ref;               // guarded by the inode table's spinlock
  struct sleeplock lock; // protects everything below
  int valid;             // read from disk?
  int writers;           // open files that may write it (exec refuses such a file)
  int deny_write;        // running programs mapping it (open for writing is refused)
  int nmapped;           // mmaps and program segments of it (atomic; vm/file.c): while > 0
                         // its pages may be in the page cache
  int pcache_pages;      // of its pages in the page cache (guarded by vm/frame.c's frame_lock)
  int pcache_dropping;   // pcache_unmapped calls taking its pages out of the cache (frame_lock)
  int16 type;            // copy of the disk inode
  int16 major;
  int16 minor;
  int16 nlink;
  uint32 size;
  uint32 addrs[NDIRECT + 2];
};

// bio.c
void binit(void);
struct buf *bread(uint dev, uint blockno);  // NULL on a disk error
struct buf *bread_zeroed(uint dev, uint blockno);
int bwrite(struct buf *b);
void brelse(struct buf *b);
void bpin(struct buf *b);
void bunpin(struct buf *b);
int bwrite_many(struct buf **bufs, const uint *dest, int n);
int block_rw_uncached(uint blockno, void *data, int write);
int block_read_uncached_many(uint first, void **pages, int n);

// log.c
void initlog(uint dev, struct superblock *sb);
void begin_op(void);
// 0 when the operation's changes are on the disk; -1 when the file system became read-only
// (a disk error) before they got there. Operations that wrote nothing need not look.
int end_op(void);
void log_write(struct buf *b);
// A disk error that the file system cannot carry on from: read-only until the next boot
// (log.c, "Disk errors"). what/blockno name the failure on the console.
void log_abort(const char *what, uint blockno);
int log_aborted(void);  // is the file system read-only?

// fs.c
extern struct superblock sb;
void fsinit(uint dev);
void iinit(void);
struct inode *ialloc(uint dev, short type);
void iupdate(struct inode *ip);
struct inode *idup(struct inode *ip);
int ilock(struct inode *ip);  // -1: its disk inode could not be read (see fs.c)
void iunlock(struct inode *ip);
void iput(struct inode *ip);
void iunlockput(struct inode *ip);
void itrunc(struct inode *ip);
void stati(struct inode *ip, struct stat *st);
// Reads/writes n bytes at offset off; dst/src is a user address when user_dst/user_src is 1.
// Return the bytes moved, or -1.
int readi(struct inode *ip, int user_dst, uint64 dst, uint off, uint n);
uint inode_block(struct inode *ip, uint n);  // the disk block holding block n of the file; 0: none, or a disk error
int writei(struct inode *ip, int user_src, uint64 src, uint off, uint n);
int namecmp(const char *s, const char *t);
int dir_find(struct inode *dp, const char *name, uint from, struct dirent *found, uint *poff);
struct inode *dirlookup(struct inode *dp, char *name, uint *poff);
int dirlink(struct inode *dp, char *name, uint inum);
struct inode *namei(char *path);
struct inode *nameiparent(char *path, char *name);
