// The GUID partition table parser declared in dev/gpt.h. Pure code over byte buffers and a
// sector reader the caller supplies; it needs only types.h and lib/crc32.h, so the host unit
// test (tests/unit/test_gpt.c) compiles this very file. The kernel calls it from
// dev/partitions.c. No locks and no global state.
#include <stdarg.h>
#include "dev/gpt.h"
#include "lib/crc32.h"

// Header fields, by byte offset (UEFI specification, "GPT Header").
#define H_SIGNATURE 0
#define H_REVISION 8
#define H_SIZE 12
#define H_CRC 16
#define H_MY_LBA 24
#define H_ALTERNATE_LBA 32
#define H_FIRST_USABLE 40
#define H_LAST_USABLE 48
#define H_ENTRIES_LBA 72
#define H_NENTRIES 80
#define H_ENTRY_SIZE 84
#define H_ENTRIES_CRC 88
#define H_MIN_SIZE 92  // the fields above; the CRC covers this many bytes or more

// Partition-entry fields, by byte offset (UEFI specification, "GPT Partition Entry").
#define E_TYPE 0
#define E_FIRST_LBA 32
#define E_LAST_LBA 40  // inclusive

#define ENTRY_MIN_SIZE 128
#define BUF_BYTES (GPT_BUF_SECTORS * GPT_SECTOR_SIZE)

// Type GUIDs as they lie on disk: the first three fields little-endian, the last two (2 and 6
// bytes) in the order they are written.
static const uint8 linux_fs_type[16] = {  // 0FC63DAF-8483-4772-8E79-3D69D8477DE4
  0xaf, 0x3d, 0xc6, 0x0f, 0x83, 0x84, 0x72, 0x47, 0x8e, 0x79, 0x3d, 0x69, 0xd8, 0x47, 0x7d, 0xe4,
};
static const uint8 linux_swap_type[16] = {  // 0657FD6D-A4AB-43C4-84E5-0933C84B4F4F
  0x6d, 0xfd, 0x57, 0x06, 0xab, 0xa4, 0xc4, 0x43, 0x84, 0xe5, 0x09, 0x33, 0xc8, 0x4b, 0x4f, 0x4f,
};

// A complaint being written into a caller's buffer: bounded and always NUL-terminated.
struct why {
  char *buf;
  uint32 size, len;
};

// What one pass over an entry array found.
struct scan {
  uint32 crc;
  struct gpt_part fs, swap;
};

static struct why why_start(char *buf, uint32 size) {
  if (size > 0)
    buf[0] = '\0';
  return (struct why){.buf = buf, .size = size, .len = 0};
}

static void why_putc(struct why *w, char c) {
  if (w->len + 1 >= w->size)
    return;  // full: the complaint is cut short, never overrun
  w->buf[w->len++] = c;
  w->buf[w->len] = '\0';
}

static void why_number(struct why *w, uint64 v, uint32 base) {
  char digits[20];
  int n = 0;
  do {
    digits[n++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v);
  while (n > 0)
    why_putc(w, digits[--n]);
}

// Appends fmt to w. Conversions: %s (a string), %d and %x (a uint64, in decimal or in hex).
// Every number argument must be a uint64: callers cast.
static void why_add(struct why *w, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  for (const char *f = fmt; *f; f++) {
    if (*f != '%' || f[1] == '\0') {
      why_putc(w, *f);
      continue;
    }
    f++;
    if (*f == 's') {
      for (const char *s = va_arg(ap, const char *); *s; s++)
        why_putc(w, *s);
    } else if (*f == 'd' || *f == 'x') {
      why_number(w, va_arg(ap, uint64), *f == 'd' ? 10 : 16);
    } else {
      why_putc(w, *f);
    }
  }
  va_end(ap);
}

static uint32 get_le32(const uint8 *p) {
  return (uint32)p[0] | (uint32)p[1] << 8 | (uint32)p[2] << 16 | (uint32)p[3] << 24;
}

static uint64 get_le64(const uint8 *p) { return get_le32(p) | (uint64)get_le32(p + 4) << 32; }

static int bytes_equal(const void *a, const void *b, uint64 n) {
  const uint8 *x = a, *y = b;
  for (uint64 i = 0; i < n; i++)
    if (x[i] != y[i])
      return 0;
  return 1;
}

// The header's CRC-32: over its first hsize bytes, with the CRC field itself taken as zero.
static uint32 header_crc(const uint8 *sector, uint32 hsize) {
  uint8 copy[GPT_SECTOR_SIZE];
  for (uint32 i = 0; i < hsize; i++)
    copy[i] = sector[i];
  for (uint32 i = H_CRC; i < H_CRC + 4; i++)
    copy[i] = 0;
  return crc32(copy, hsize);
}

static void fill_header(const uint8 *s, struct gpt_header *h) {
  h->my_lba = get_le64(s + H_MY_LBA);
  h->alternate_lba = get_le64(s + H_ALTERNATE_LBA);
  h->first_usable = get_le64(s + H_FIRST_USABLE);
  h->last_usable = get_le64(s + H_LAST_USABLE);
  h->entries_lba = get_le64(s + H_ENTRIES_LBA);
  h->nentries = get_le32(s + H_NENTRIES);
  h->entry_size = get_le32(s + H_ENTRY_SIZE);
  h->entries_crc = get_le32(s + H_ENTRIES_CRC);
}

// The usable range must be a non-empty part of the disk that leaves out LBA 0 (the
// protective MBR) and both headers; the other header must be elsewhere on the disk.
static int check_usable(const struct gpt_header *h, uint64 disk_sectors, struct why *w) {
  if (h->first_usable > h->last_usable || h->first_usable == 0 ||
      h->last_usable >= disk_sectors) {
    why_add(w, "usable sectors %d-%d are not a range within sectors 1-%d of the disk",
            h->first_usable, h->last_usable, disk_sectors - 1);
    return -1;
  }
  if (h->alternate_lba >= disk_sectors || h->alternate_lba == h->my_lba) {
    why_add(w, "alternate header LBA %d is not another sector of the disk (%d sectors)",
            h->alternate_lba, disk_sectors);
    return -1;
  }
  uint64 headers[2] = {h->my_lba, h->alternate_lba};
  for (int i = 0; i < 2; i++) {
    if (h->first_usable <= headers[i] && headers[i] <= h->last_usable) {
      why_add(w, "usable sectors %d-%d include the header at LBA %d", h->first_usable,
              h->last_usable, headers[i]);
      return -1;
    }
  }
  return 0;
}

// Entries are 128 x 2^n bytes (so whole entries fill each buffer) and the array, of sane
// size, lies on the disk clear of the usable range and of both headers.
static int check_array(const struct gpt_header *h, uint64 disk_sectors, struct why *w) {
  uint32 esize = h->entry_size;
  if (esize < ENTRY_MIN_SIZE || esize > BUF_BYTES || (esize & (esize - 1)) != 0) {
    why_add(w, "entry size %d is not 128 x 2^n bytes (at most %d)", (uint64)esize,
            (uint64)BUF_BYTES);
    return -1;
  }
  uint64 bytes = (uint64)h->nentries * esize;
  if (bytes == 0 || bytes > GPT_MAX_ARRAY_BYTES) {
    why_add(w, "entry array of %d x %d bytes is empty or larger than %d bytes",
            (uint64)h->nentries, (uint64)esize, (uint64)GPT_MAX_ARRAY_BYTES);
    return -1;
  }
  uint64 first = h->entries_lba, nsec = (bytes + GPT_SECTOR_SIZE - 1) / GPT_SECTOR_SIZE;
  if (first == 0 || first >= disk_sectors || nsec > disk_sectors - first) {
    why_add(w, "entry array (%d sectors at LBA %d) is not within the disk (%d sectors)", nsec,
            first, disk_sectors);
    return -1;
  }
  uint64 last = first + nsec - 1;
  if ((first <= h->last_usable && h->first_usable <= last) ||
      (first <= h->my_lba && h->my_lba <= last) ||
      (first <= h->alternate_lba && h->alternate_lba <= last)) {
    why_add(w, "entry array (sectors %d-%d) overlaps the usable sectors %d-%d or a header",
            first, last, h->first_usable, h->last_usable);
    return -1;
  }
  return 0;
}

static int parse_header(const uint8 *s, uint64 lba, uint64 disk_sectors, struct gpt_header *h,
                        struct why *w) {
  if (!bytes_equal(s + H_SIGNATURE, "EFI PART", 8)) {
    why_add(w, "no GPT signature (\"EFI PART\")");
    return -1;
  }
  uint32 hsize = get_le32(s + H_SIZE);
  if (hsize < H_MIN_SIZE || hsize > GPT_SECTOR_SIZE) {
    why_add(w, "header size %d is outside %d..%d", (uint64)hsize, (uint64)H_MIN_SIZE,
            (uint64)GPT_SECTOR_SIZE);
    return -1;
  }
  uint32 stored = get_le32(s + H_CRC), computed = header_crc(s, hsize);
  if (stored != computed) {
    why_add(w, "header CRC mismatch (stored 0x%x, computed 0x%x)", (uint64)stored,
            (uint64)computed);
    return -1;
  }
  uint32 revision = get_le32(s + H_REVISION);
  if (revision >> 16 != 1) {
    why_add(w, "unsupported header revision 0x%x (expected 1.x)", (uint64)revision);
    return -1;
  }
  fill_header(s, h);
  if (h->my_lba != lba) {
    why_add(w, "header says it is at LBA %d but was read from LBA %d", h->my_lba, lba);
    return -1;
  }
  if (check_usable(h, disk_sectors, w) < 0 || check_array(h, disk_sectors, w) < 0)
    return -1;
  return 0;
}

int gpt_parse_header(const uint8 *sector, uint64 lba, uint64 disk_sectors, struct gpt_header *h,
                     char *why, uint32 whysize) {
  struct why w = why_start(why, whysize);
  return parse_header(sector, lba, disk_sectors, h, &w);
}

// Notes the first entry of each type sloth uses among `count` entries in bytes, the first of
// which is entry number `index` (0-based) of the array.
static void scan_entries(struct scan *sc, uint32 entry_size, const uint8 *bytes, uint64 index,
                         uint64 count) {
  for (uint64 i = 0; i < count; i++) {
    const uint8 *e = bytes + i * entry_size;
    struct gpt_part *p = NULL;
    if (bytes_equal(e + E_TYPE, linux_fs_type, 16))
      p = &sc->fs;
    else if (bytes_equal(e + E_TYPE, linux_swap_type, 16))
      p = &sc->swap;
    if (p == NULL || p->index != 0)
      continue;
    p->index = (uint32)(index + i + 1);
    p->first = get_le64(e + E_FIRST_LBA);
    p->last = get_le64(e + E_LAST_LBA);
  }
}

// Reads h's entry array one buffer at a time, checking its CRC and noting the partitions.
// A buffer holds whole entries: entry sizes are powers of two no larger than the buffer.
static int read_array(const struct gpt_disk *d, const struct gpt_header *h, struct scan *sc,
                      struct why *w) {
  uint64 total = (uint64)h->nentries * h->entry_size;
  *sc = (struct scan){0};
  for (uint64 done = 0; done < total;) {
    uint64 n = total - done < BUF_BYTES ? total - done : BUF_BYTES;
    uint64 lba = h->entries_lba + done / GPT_SECTOR_SIZE;
    uint32 nsec = (uint32)((n + GPT_SECTOR_SIZE - 1) / GPT_SECTOR_SIZE);
    if (d->read(d->ctx, lba, nsec, d->buf) < 0) {
      why_add(w, "I/O error reading the entry array at LBA %d", lba);
      return -1;
    }
    sc->crc = crc32_update(sc->crc, d->buf, n);
    scan_entries(sc, h->entry_size, d->buf, done / h->entry_size, n / h->entry_size);
    done += n;
  }
  if (sc->crc != h->entries_crc) {
    why_add(w, "entry array CRC mismatch (stored 0x%x, computed 0x%x)", (uint64)h->entries_crc,
            (uint64)sc->crc);
    return -1;
  }
  return 0;
}

// Reads and checks the header at lba and its entry array.
static int read_table(const struct gpt_disk *d, uint64 lba, struct gpt_header *h,
                      struct scan *sc, struct why *w) {
  if (d->read(d->ctx, lba, 1, d->buf) < 0) {
    why_add(w, "I/O error reading the header");
    return -1;
  }
  if (parse_header(d->buf, lba, d->nsectors, h, w) < 0)
    return -1;
  return read_array(d, h, sc, w);
}

static int check_part(const struct gpt_header *h, const struct gpt_part *p, const char *what,
                      struct why *w) {
  if (p->first > p->last) {
    why_add(w, "%s partition %d ends (sector %d) before it starts (sector %d)", what,
            (uint64)p->index, p->last, p->first);
    return -1;
  }
  if (p->first < h->first_usable || p->last > h->last_usable) {
    why_add(w, "%s partition %d (sectors %d-%d) is outside the usable sectors %d-%d", what,
            (uint64)p->index, p->first, p->last, h->first_usable, h->last_usable);
    return -1;
  }
  return 0;
}

// The partitions of a table that passed its checks: the file system must be there; each
// partition found must lie in the usable range, and the two must not overlap.
static int check_partitions(const struct gpt_header *h, const struct gpt_layout *l,
                            struct why *w) {
  const struct gpt_part *fs = &l->fs, *swap = &l->swap;
  if (fs->index == 0) {
    why_add(w, "no Linux filesystem partition (type 0FC63DAF-8483-4772-8E79-3D69D8477DE4)");
    return -1;
  }
  if (check_part(h, fs, "filesystem", w) < 0)
    return -1;
  if (swap->index == 0)
    return 0;
  if (check_part(h, swap, "swap", w) < 0)
    return -1;
  if (fs->first <= swap->last && swap->first <= fs->last) {
    why_add(w, "filesystem partition %d (sectors %d-%d) and swap partition %d (sectors %d-%d) "
               "overlap",
            (uint64)fs->index, fs->first, fs->last, (uint64)swap->index, swap->first,
            swap->last);
    return -1;
  }
  return 0;
}

int gpt_read_layout(const struct gpt_disk *d, struct gpt_layout *out, char *why, uint32 whysize) {
  struct why w = why_start(why, whysize);
  struct why primary = why_start(out->primary_why, sizeof(out->primary_why));
  struct gpt_header h;
  struct scan sc;
  if (d->nsectors < 3) {
    why_add(&w, "a disk of %d sectors is too small for a GPT", d->nsectors);
    return -1;
  }
  out->header_lba = 1;
  if (read_table(d, 1, &h, &sc, &primary) < 0) {
    char backup_why[GPT_WHY_MAX];
    struct why backup = why_start(backup_why, sizeof(backup_why));
    out->header_lba = d->nsectors - 1;
    if (read_table(d, out->header_lba, &h, &sc, &backup) < 0) {
      why_add(&w, "primary table (LBA 1): %s; backup table (LBA %d): %s", out->primary_why,
              out->header_lba, backup_why);
      return -1;
    }
  }
  out->fs = sc.fs;
  out->swap = sc.swap;
  return check_partitions(&h, out, &w);
}
