// The GUID partition table (UEFI specification, chapter 5), read from raw sectors: header and
// entry-array checks, the primary-then-backup choice, and the partitions sloth uses, found by
// type. Pure code: no I/O of its own and no kernel services, so dev/partitions.c runs it over
// virtio-blk and tests/unit/test_gpt.c runs it on the host over images made by sfdisk.
// No locks: every call works only on what its caller passes in.
#pragma once
#include "types.h"

#define GPT_SECTOR_SIZE 512
#define GPT_BUF_SECTORS 8           // the scratch buffer a reader fills: one 4 KiB page
#define GPT_MAX_ARRAY_BYTES (1UL << 20)  // larger entry arrays are refused as corrupt
#define GPT_WHY_MAX 160             // room for one table's complaint, NUL included

// A header that passed every check, in host byte order. LBA ranges are inclusive.
struct gpt_header {
  uint64 my_lba, alternate_lba;
  uint64 first_usable, last_usable;
  uint64 entries_lba;  // first sector of the partition-entry array
  uint32 nentries, entry_size, entries_crc;
};

// One partition sloth uses. Sectors first..last, inclusive.
struct gpt_part {
  uint32 index;  // 1-based entry number, as sfdisk and Linux count; 0: the disk has none
  uint64 first, last;
};

struct gpt_layout {
  struct gpt_part fs;    // first entry of type Linux filesystem
  struct gpt_part swap;  // first entry of type Linux swap
  uint64 header_lba;     // where the header in use sits: 1, or the backup's LBA
  char primary_why[GPT_WHY_MAX];  // why the primary table was passed over; "" if it was used
};

// How gpt_read_layout reaches the disk. read() fills buf with n (1..GPT_BUF_SECTORS) sectors
// starting at lba and returns 0, or -1 on an I/O error. buf is the caller's scratch buffer of
// GPT_BUF_SECTORS sectors, the only one read() is ever handed.
struct gpt_disk {
  uint64 nsectors;
  uint8 *buf;
  int (*read)(void *ctx, uint64 lba, uint32 n, void *buf);
  void *ctx;
};

// Checks the header in `sector` (one sector read from `lba` of a disk of disk_sectors sectors):
// signature, header size, header CRC-32, revision, my_lba, the usable range, the entry size and
// count and where the entry array lies. Fills *h and returns 0, or returns -1 with the reason
// in why (a NUL-terminated string of at most whysize bytes). Does not look at the entries.
int gpt_parse_header(const uint8 *sector, uint64 lba, uint64 disk_sectors, struct gpt_header *h,
                     char *why, uint32 whysize);

// Reads the primary table (header at LBA 1 and its entry array); if either is unusable, reads
// the backup (header at the last LBA and its array) instead and says why in primary_why. Then
// finds the file-system and swap partitions and checks that each lies within the usable range
// and that they do not overlap. Returns 0, or -1 with the reason in why (for both tables when
// neither is usable). A missing swap partition is not an error.
int gpt_read_layout(const struct gpt_disk *d, struct gpt_layout *out, char *why, uint32 whysize);
