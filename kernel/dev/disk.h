// The disk: a virtio block device holding a GPT-partitioned image with a file-system
// partition and a swap partition.
#pragma once
#include "types.h"

// virtio_blk.c. Reads (write = 0) or writes nbytes (a non-zero multiple of 512) at sector
// `sector` to/from the kernel buffer buf, which must be physically contiguous: a direct-map
// address such as a page or a kmalloc object (not a kernel stack). Several requests may be in
// flight; the caller sleeps until its own completes, so it must be a process. Returns 0, or -1
// on bad arguments (no device, NULL or non-direct-map buf, bad length, sectors past the end),
// on a write to a read-only device, or on a device error.
int virtio_blk_init(void);  // finds the block device among the virtio-mmio slots; 0 if found
int virtio_blk_rw(uint64 sector, void *buf, uint32 nbytes, int write);
// Several transfers at once (each as virtio_blk_rw's arguments): they are in flight together,
// so a batch costs about one disk round trip per 8 transfers. Returns 0 when every one
// succeeded, else -1 (after all have finished).
struct disk_io {
  uint64 sector;
  void *buf;
  uint32 nbytes;
  int write;
};
int virtio_blk_rw_many(const struct disk_io *ios, int n);
// One request for n (1 to DISK_PAGES_MAX) page-sized buffers at consecutive sectors from
// `sector` (a scatter-gather chain: the pages need not be adjacent in memory); each buffer
// as virtio_blk_rw's. 0, or -1 as virtio_blk_rw (one status for the whole request).
#define DISK_PAGES_MAX 16
int virtio_blk_rw_pages(uint64 sector, void *const *pages, int n, int write);
uint64 virtio_blk_sectors(void);  // capacity in 512-byte sectors; 0 without a device

// partitions.c (over the parser in gpt.c): the partitions sloth uses, found in the GPT by type.
// disk_layout is written once by disk_read_partitions, before the file system or swap use the
// disk, and is read-only afterwards.
struct disk_partition {
  uint64 first_sector;
  uint64 nsectors;  // 0 when the disk has no such partition
};
struct disk_layout {
  struct disk_partition fs;    // type Linux filesystem 0FC63DAF-8483-4772-8E79-3D69D8477DE4
  struct disk_partition swap;  // type Linux swap 0657FD6D-A4AB-43C4-84E5-0933C84B4F4F
};
extern struct disk_layout disk_layout;
// Reads and validates the GPT (from a process, once); falls back to the backup table if the
// primary is corrupt; panics with a clear message if neither is usable or if there is no
// file-system partition. Prints the partitions it found on one line.
void disk_read_partitions(void);
