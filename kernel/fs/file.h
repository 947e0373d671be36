// Open files (the system-wide file table), pipes and device switch.
#pragma once
#include "types.h"
#include "fs/fs.h"

struct pipe;

struct file {
  enum { FD_NONE, FD_PIPE, FD_INODE, FD_DEVICE } type;
  int ref;  // guarded by the file table's spinlock
  char readable;
  char writable;
  struct pipe *pipe;   // FD_PIPE
  struct inode *ip;    // FD_INODE and FD_DEVICE
  uint off;            // FD_INODE, guarded by ip->lock
  int16 major;         // FD_DEVICE
  // Who dropped the last reference (pid, return address), for the panic that a use after
  // that reports. Guarded by the file table's spinlock.
  int closed_by;
  uint64 closed_at;
#ifdef KDEBUG
  // The last FILE_HISTORY reference changes (pid, +1/-1, the caller), for the same panic.
  struct { int pid; int delta; uint64 ra; } history[8];
  uint nhistory;
#endif
};

// Device drivers reachable through device files: read and write n bytes to/from a user
// (user = 1) or kernel address. Return the bytes moved, or -1.
struct devsw {
  int (*read)(int user_dst, uint64 dst, int n);
  int (*write)(int user_src, uint64 src, int n);
};
extern struct devsw devsw[NDEV];
#define CONSOLE 1

// file.c
void fileinit(void);
struct file *filealloc(void);
struct file *filedup(struct file *f);
void fileclose(struct file *f);
int filestat(struct file *f, uint64 addr);
int fileread(struct file *f, uint64 addr, int n);
int filewrite(struct file *f, uint64 addr, int n);

// pipe.c
int pipealloc(struct file **f0, struct file **f1);
void pipeclose(struct pipe *pi, int writable);
int piperead(struct pipe *pi, uint64 addr, int n);
int pipewrite(struct pipe *pi, uint64 addr, int n);
