// The disk: a virtio block device holding a GPT-partitioned image with a file-system
// partition and a swap partition.
#pragma once
#include "types.h"

// virtio_blk.c. Reads or writes nbytes (a multiple of 512) at sector `sector` to/from the
// kernel buffer buf, which must be physically contiguous (within one page, or one kmalloc
// object). Several requests may be in flight; the caller sleeps until its own completes, so
// it must be a process. Returns 0, or -1 on a device error.
int virtio_blk_init(void);  // finds the block device among the virtio-mmio slots; 0 if found
int virtio_blk_rw(uint64 sector, void *buf, uint32 nbytes, int write);
uint64 virtio_blk_sectors(void);  // capacity

// gpt.c: the partitions sloth uses, found in the GPT by type.
struct disk_partition {
  uint64 first_sector;
  uint64 nsectors;  // 0 when the disk has no such partition
};
struct disk_layout {
  struct disk_partition fs;    // type Linux filesystem 0FC63DAF-8483-4772-8E79-3D69D8477DE4
  struct disk_partition swap;  // type Linux swap 0657FD6D-A4AB-43C4-84E5-0933C84B4F4F
};
extern struct disk_layout disk_layout;
// Reads and validates the GPT (from a process); panics with a clear message if it is corrupt.
void disk_read_partitions(void);
