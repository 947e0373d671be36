// The on-disk format of sloth's file system, shared by the kernel (kernel/fs/) and the host
// tools (mkfs/). Blocks are BSIZE bytes, numbered from the start of the file-system partition.
//
//   [ unused | superblock | log header + log | inodes | free bitmap | data blocks ]
//     block 0  block 1      logstart            inodestart bmapstart
//
// All integers are little-endian (the kernel's and the host's byte order).
#pragma once
#include "types.h"

#define BSIZE 4096          // block size in bytes (one page: a file page is one block read)
#define SECTORS_PER_BLOCK (BSIZE / 512)
#define FSMAGIC 0x534c4f54  // "SLOT": sloth's file system

struct superblock {
  uint32 magic;       // FSMAGIC
  uint32 size;        // blocks in the file system (the partition's size / BSIZE)
  uint32 nblocks;     // data blocks
  uint32 ninodes;     // inodes
  uint32 nlog;        // log blocks, header included
  uint32 logstart;    // first log block (the header)
  uint32 inodestart;  // first inode block
  uint32 bmapstart;   // first free-bitmap block
};

#define ROOTINO 1  // inode number of the root directory

// File types (also in struct stat).
#define T_DIR 1
#define T_FILE 2
#define T_DEVICE 3

// Block addresses in an inode: NDIRECT direct blocks, then one singly indirect block and one
// doubly indirect block. With 4 KiB blocks the largest file is limited by the 32-bit size.
#define NDIRECT 11
#define NINDIRECT (BSIZE / sizeof(uint32))
#define NDINDIRECT (NINDIRECT * NINDIRECT)
#define MAXFILE_BLOCKS (NDIRECT + NINDIRECT + NDINDIRECT)

struct dinode {
  int16 type;    // 0 = free, T_DIR, T_FILE, T_DEVICE
  int16 major;   // T_DEVICE only
  int16 minor;   // T_DEVICE only
  int16 nlink;   // directory entries that name this inode
  uint32 size;   // bytes
  uint32 addrs[NDIRECT + 2];  // direct blocks, the indirect block, the double-indirect block
};                            // 64 bytes

#define IPB (BSIZE / sizeof(struct dinode))     // inodes per block
#define IBLOCK(i, sb) ((i) / IPB + (sb).inodestart)  // block holding inode i
#define BPB (BSIZE * 8)                         // bitmap bits per block
#define BBLOCK(b, sb) ((b) / BPB + (sb).bmapstart)   // bitmap block holding data block b's bit

// A directory is a file of these entries; inum 0 marks a free entry.
#define DIRSIZ 14
struct dirent {
  uint16 inum;
  char name[DIRSIZ];  // NUL-padded; not NUL-terminated when DIRSIZ long
};

// The log: a header block at logstart, then LOGBLOCKS blocks. The header holds the home block
// numbers of the n logged blocks that follow it; n > 0 on disk means a committed transaction
// that recovery must install.
#define LOGBLOCKS 64
struct logheader {
  uint32 n;
  uint32 block[LOGBLOCKS];
};
