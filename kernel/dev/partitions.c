// The disk layout: reads the GPT once, from the first process, through the parser in gpt.c
// over virtio-blk, and publishes where the file-system and swap partitions are.
// disk_layout needs no lock: it is written once here, before the file system or swap touch
// the disk, and only read afterwards.
#include "dev/disk.h"
#include "dev/gpt.h"
#include "lib/printf.h"
#include "mm/mm.h"

struct disk_layout disk_layout;

// The parser's sector reader: buf is the page disk_read_partitions allocated.
static int read_sectors(void *ctx, uint64 lba, uint32 n, void *buf) {
  (void)ctx;
  return virtio_blk_rw(lba, buf, n * GPT_SECTOR_SIZE, 0);
}

static struct disk_partition to_partition(const struct gpt_part *p) {
  if (p->index == 0)
    return (struct disk_partition){0, 0};
  return (struct disk_partition){p->first, p->last - p->first + 1};
}

// Describes partition p ("fs partition 1: sectors 2048-133119 (64 MiB)") into buf.
static void describe(char *buf, uint64 size, const char *what, const struct gpt_part *p) {
  uint64 n = p->last - p->first + 1;
  int mib = n >= 2048;
  snprintf(buf, size, "%s partition %u: sectors %lu-%lu (%lu %s)", what, p->index, p->first,
           p->last, mib ? n / 2048 : n / 2, mib ? "MiB" : "KiB");
}

// One line, printed with one printf so that other harts' output cannot split it.
static void print_layout(const struct gpt_layout *l) {
  char fs[96], swap[96];
  describe(fs, sizeof(fs), "fs", &l->fs);
  if (l->swap.index)
    describe(swap, sizeof(swap), "swap", &l->swap);
  else
    snprintf(swap, sizeof(swap), "no swap partition (swapping disabled)");
  printf("gpt: %s; %s\n", fs, swap);
}

void disk_read_partitions(void) {
  uint64 nsectors = virtio_blk_sectors();
  if (nsectors == 0)
    panic("gpt: no virtio block device, so no partition table to read");
  uint8 *buf = kpage_alloc();
  if (buf == NULL)
    panic("gpt: no free page for reading the partition table");
  struct gpt_disk disk = {.nsectors = nsectors, .buf = buf, .read = read_sectors, .ctx = NULL};
  struct gpt_layout layout;
  char why[2 * GPT_WHY_MAX + 64];
  int r = gpt_read_layout(&disk, &layout, why, sizeof(why));
  kpage_free(buf);
  if (r < 0)
    panic("gpt: %s", why);
  if (layout.primary_why[0] != '\0')
    printf("gpt: primary table unusable (%s); using the backup table at LBA %lu\n",
           layout.primary_why, layout.header_lba);
  disk_layout.fs = to_partition(&layout.fs);
  disk_layout.swap = to_partition(&layout.swap);
  print_layout(&layout);
}
