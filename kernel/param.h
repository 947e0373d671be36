// System-wide limits.
#pragma once

#define NCPU 8          // most harts sloth runs on; extra harts in the device tree stay parked
#define NPROC 64        // process table size
#define NOFILE 16       // open files per process
#define NFILE 128       // open files in the system
#define NINODE 256      // in-memory inodes (open files, current directories, path walks)
#define NDEV 10         // device major numbers
#define ROOTDEV 1       // device number of the file system disk
#define MAXARG 32       // exec arguments
#define MAXPATH 128     // longest path name
#define MAXOPBLOCKS 16  // most blocks one file-system operation writes (LOGBLOCKS >= 3x)
#define NBUF 128        // blocks in the buffer cache (a transaction pins up to LOGBLOCKS)
