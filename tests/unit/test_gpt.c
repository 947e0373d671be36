// Host unit test of kernel/dev/gpt.c, the GPT parser: images written by the real sfdisk must
// give exactly the partitions it was asked for; corrupt, truncated and inconsistent tables must
// be refused with the right reason or answered from the backup table, and never crash.
// By hand, from the repository root:
//   cc -std=gnu11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -Wall -Wextra
//      -Werror -Ikernel tests/unit/test_gpt.c kernel/dev/gpt.c kernel/lib/crc32.c -o test_gpt
//   ./test_gpt [SFDISK]   (default /usr/sbin/sfdisk; the images are made in a fresh directory
//                          under $TMPDIR or /tmp, removed at exit)
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "types.h"
#include "dev/gpt.h"
#include "lib/crc32.h"

#define SECTOR GPT_SECTOR_SIZE
#define FS_TYPE "0FC63DAF-8483-4772-8E79-3D69D8477DE4"
#define SWAP_TYPE "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F"
#define ESP_TYPE "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
#define NO_FAIL ((uint64)-1)
#define FUZZ_ROUNDS 3000
#define WHY_SIZE (2 * GPT_WHY_MAX + 64)

static const char *sfdisk = "/usr/sbin/sfdisk";
static char workdir[256];
static void cleanup(void);

#define UNIT_NAME "test_gpt"
#define UNIT_CLEANUP cleanup
#include "unit.h"

// A disk image in memory. Only its first and last KEEP_SECTORS sectors are stored (all of it
// when it is small): the parser reads nothing in between, which reads as zeros. Each stored
// part is its own allocation, so ASan sees a reach past either.
#define KEEP_SECTORS 128
struct image {
  uint64 nsectors;
  uint8 *head, *tail;  // sectors [0, nhead) and [nsectors - ntail, nsectors)
  uint64 nhead, ntail;
};

// What a table should yield: entry numbers and inclusive sector ranges; index 0 = absent.
struct expect {
  uint32 fs_index;
  uint64 fs_first, fs_last;
  uint32 swap_index;
  uint64 swap_first, swap_last;
};

static uint32 get_le32(const uint8 *p) {
  return (uint32)p[0] | (uint32)p[1] << 8 | (uint32)p[2] << 16 | (uint32)p[3] << 24;
}
static uint64 get_le64(const uint8 *p) { return get_le32(p) | (uint64)get_le32(p + 4) << 32; }
static void put_le32(uint8 *p, uint32 v) {
  for (int i = 0; i < 4; i++)
    p[i] = (uint8)(v >> (8 * i));
}
static void put_le64(uint8 *p, uint64 v) {
  put_le32(p, (uint32)v);
  put_le32(p + 4, (uint32)(v >> 32));
}

static char image_path[320];

static void cleanup(void) {
  if (image_path[0])
    unlink(image_path);
  if (workdir[0])
    rmdir(workdir);
}

static const uint8 zero_sector[SECTOR];

// Sector lba of img, as read; zeros outside what is stored and past the end.
static const uint8 *sector_of(const struct image *img, uint64 lba) {
  if (lba >= img->nsectors)
    return zero_sector;
  if (lba < img->nhead)
    return img->head + lba * SECTOR;
  if (lba >= img->nsectors - img->ntail)
    return img->tail + (lba - (img->nsectors - img->ntail)) * SECTOR;
  return zero_sector;
}

// Byte off of the stored part that holds sector lba, for changing it.
static uint8 *at(struct image *img, uint64 lba, uint64 off) {
  const uint8 *s = sector_of(img, lba);
  if (s == zero_sector)
    failf("test bug: sector %lu of a %lu-sector image is not stored", lba, img->nsectors);
  return (uint8 *)s + off;
}

// A copy of img cut or zero-extended to nsectors.
static struct image resized(const struct image *img, uint64 nsectors) {
  struct image c = {nsectors, NULL, NULL, nsectors, 0};
  if (nsectors > 2 * KEEP_SECTORS) {
    c.nhead = KEEP_SECTORS;
    c.ntail = KEEP_SECTORS;
  }
  c.head = malloc(c.nhead * SECTOR + 1);
  c.tail = malloc(c.ntail * SECTOR + 1);
  for (uint64 i = 0; i < c.nhead; i++)
    memcpy(c.head + i * SECTOR, sector_of(img, i), SECTOR);
  for (uint64 i = 0; i < c.ntail; i++)
    memcpy(c.tail + i * SECTOR, sector_of(img, nsectors - c.ntail + i), SECTOR);
  return c;
}

static struct image copy_of(const struct image *img) { return resized(img, img->nsectors); }

static void free_image(struct image *img) {
  free(img->head);
  free(img->tail);
}

// What `sfdisk -d` says the image at image_path holds: the first partition of each type.
static struct expect sfdisk_dump(void) {
  char cmd[400], line[512], name[340], type[40];
  struct expect e = {0};
  snprintf(cmd, sizeof(cmd), "%s -d '%s'", sfdisk, image_path);
  FILE *p = popen(cmd, "r");
  if (!p)
    failf("cannot run %s", cmd);
  while (fgets(line, sizeof(line), p)) {
    unsigned long start, size;
    if (sscanf(line, "%339s : start= %lu, size= %lu, type=%36s", name, &start, &size, type) != 4)
      continue;
    uint32 index = (uint32)atoi(name + strlen(image_path));
    if (strcmp(type, FS_TYPE) == 0 && e.fs_index == 0)
      e = (struct expect){index, start, start + size - 1, e.swap_index, e.swap_first, e.swap_last};
    if (strcmp(type, SWAP_TYPE) == 0 && e.swap_index == 0)
      e = (struct expect){e.fs_index, e.fs_first, e.fs_last, index, start, start + size - 1};
  }
  if (pclose(p) != 0)
    failf("%s failed", cmd);
  return e;
}

// Writes a GPT with sfdisk (script on its stdin) into a fresh file of `mib` MiB and loads it.
// The partitions sloth would use, as `sfdisk -d` reads them back, go to *dumped.
static struct image make_image(uint64 mib, const char *script, struct expect *dumped) {
  char cmd[400];
  snprintf(image_path, sizeof(image_path), "%s/disk.img", workdir);
  FILE *f = fopen(image_path, "w");
  if (!f || ftruncate(fileno(f), (off_t)(mib << 20)) != 0)
    failf("cannot create %s", image_path);
  fclose(f);
  snprintf(cmd, sizeof(cmd), "%s -q '%s'", sfdisk, image_path);
  FILE *p = popen(cmd, "w");
  if (!p)
    failf("cannot run %s", cmd);
  fprintf(p, "label: gpt\nlabel-id: 5A0B1E7C-0DD5-4B5E-9C3A-1F2E3D4C5B6A\n%s", script);
  if (pclose(p) != 0)
    failf("%s failed on the script:\n%s", cmd, script);
  *dumped = sfdisk_dump();
  struct image whole = {(mib << 20) / SECTOR, malloc(mib << 20), NULL, (mib << 20) / SECTOR, 0};
  f = fopen(image_path, "r");
  if (!whole.head || !f || fread(whole.head, 1, mib << 20, f) != mib << 20)
    failf("cannot read back %s", image_path);
  fclose(f);
  unlink(image_path);
  struct image img = copy_of(&whole);
  free_image(&whole);
  return img;
}

// The sector reader handed to the parser, over an image, with one LBA that fails to read.
struct mem_disk {
  const struct image *img;
  uint8 *scratch;
  uint64 bad_lba;
};

static int mem_read(void *ctx, uint64 lba, uint32 n, void *buf) {
  struct mem_disk *m = ctx;
  CHECK(buf == m->scratch, "reader handed %p, not the scratch buffer %p", buf,
        (void *)m->scratch);
  CHECK(n >= 1 && n <= GPT_BUF_SECTORS, "reader asked for %u sectors", n);
  CHECK(lba < m->img->nsectors && n <= m->img->nsectors - lba,
        "parser read %u sectors at LBA %lu of a %lu-sector disk", n, lba, m->img->nsectors);
  if (m->bad_lba >= lba && m->bad_lba < lba + n)
    return -1;
  for (uint32 i = 0; i < n; i++)
    memcpy((uint8 *)buf + i * SECTOR, sector_of(m->img, lba + i), SECTOR);
  return 0;
}

static int read_layout_failing(const struct image *img, uint64 bad_lba, struct gpt_layout *l,
                               char *why) {
  struct mem_disk m = {img, malloc(GPT_BUF_SECTORS * SECTOR), bad_lba};
  struct gpt_disk d = {img->nsectors, m.scratch, mem_read, &m};
  memset(l, 0x5a, sizeof(*l));
  int r = gpt_read_layout(&d, l, why, WHY_SIZE);
  free(m.scratch);
  CHECK(memchr(why, 0, WHY_SIZE) != NULL, "why is not NUL-terminated");
  CHECK(memchr(l->primary_why, 0, GPT_WHY_MAX) != NULL, "primary_why is not NUL-terminated");
  return r;
}

static int read_layout(const struct image *img, struct gpt_layout *l, char *why) {
  return read_layout_failing(img, NO_FAIL, l, why);
}

static void check_parts(const char *what, const struct gpt_layout *l, const struct expect *e) {
  CHECK(l->fs.index == e->fs_index && l->fs.first == e->fs_first && l->fs.last == e->fs_last,
        "%s: fs partition %u %lu-%lu, expected %u %lu-%lu", what, l->fs.index, l->fs.first,
        l->fs.last, e->fs_index, e->fs_first, e->fs_last);
  CHECK(l->swap.index == e->swap_index &&
            (e->swap_index == 0 ||
             (l->swap.first == e->swap_first && l->swap.last == e->swap_last)),
        "%s: swap partition %u %lu-%lu, expected %u %lu-%lu", what, l->swap.index, l->swap.first,
        l->swap.last, e->swap_index, e->swap_first, e->swap_last);
}

// The table must be read from the primary (backup = 0) or the backup header, with e's result.
static void expect_layout(const char *what, const struct image *img, const struct expect *e,
                          int backup, const char *primary_reason) {
  struct gpt_layout l;
  char why[WHY_SIZE];
  int r = read_layout(img, &l, why);
  CHECK(r == 0, "%s: refused: %s", what, why);
  check_parts(what, &l, e);
  uint64 want_lba = backup ? img->nsectors - 1 : 1;
  CHECK(l.header_lba == want_lba, "%s: header at LBA %lu, expected %lu (primary: %s)", what,
        l.header_lba, want_lba, l.primary_why);
  CHECK(backup == (l.primary_why[0] != '\0'), "%s: primary_why \"%s\"", what, l.primary_why);
  if (primary_reason)
    CHECK(strstr(l.primary_why, primary_reason), "%s: primary rejected for \"%s\", not \"%s\"",
          what, l.primary_why, primary_reason);
}

// The table must be refused with a reason containing every string in reasons (NULL-ended).
static void expect_refusal(const char *what, const struct image *img, const char *const *reasons) {
  struct gpt_layout l;
  char why[WHY_SIZE];
  int r = read_layout(img, &l, why);
  CHECK(r < 0, "%s: accepted (fs %u %lu-%lu)", what, l.fs.index, l.fs.first, l.fs.last);
  for (int i = 0; reasons[i]; i++)
    CHECK(strstr(why, reasons[i]), "%s: reason \"%s\" lacks \"%s\"", what, why, reasons[i]);
}

#define REFUSED(what, img, ...) expect_refusal(what, img, (const char *const[]){__VA_ARGS__, NULL})

static uint8 *header_at(struct image *img, uint64 lba) { return at(img, lba, 0); }
static uint64 backup_lba(const struct image *img) { return img->nsectors - 1; }

// Recomputes the entry-array CRC and then the header CRC of the header at lba, as a writer
// that wanted these (possibly nonsensical) values would.
static void fix_crcs(struct image *img, uint64 lba) {
  uint8 *h = header_at(img, lba);
  uint64 entries = get_le64(h + 72), bytes = (uint64)get_le32(h + 80) * get_le32(h + 84);
  if (bytes <= (1 << 20)) {
    uint8 *array = malloc(bytes + SECTOR);
    for (uint64 i = 0; i * SECTOR < bytes; i++)
      memcpy(array + i * SECTOR, sector_of(img, entries + i), SECTOR);
    put_le32(h + 88, crc32(array, bytes));
    free(array);
  }
  uint32 hsize = get_le32(h + 12);
  if (hsize > SECTOR)
    hsize = SECTOR;
  put_le32(h + 16, 0);
  put_le32(h + 16, crc32(h, hsize));
}

// Sets entry `index` (1-based) of the table whose header is at lba and fixes its CRCs.
static void set_entry(struct image *img, uint64 lba, uint32 index, uint64 first, uint64 last) {
  uint8 *h = header_at(img, lba);
  uint8 *e = at(img, get_le64(h + 72), (uint64)(index - 1) * get_le32(h + 84));
  put_le64(e + 32, first);
  put_le64(e + 40, last);
  fix_crcs(img, lba);
}

static void set_entry_both(struct image *img, uint32 index, uint64 first, uint64 last) {
  set_entry(img, 1, index, first, last);
  set_entry(img, backup_lba(img), index, first, last);
}

// Moves entry `from` to entry `to` (1-based, `to` unused) in the table whose header is at lba.
static void move_entry(struct image *img, uint64 lba, uint32 from, uint32 to) {
  uint8 *h = header_at(img, lba);
  uint32 esize = get_le32(h + 84);
  uint8 *array = at(img, get_le64(h + 72), 0);
  memcpy(array + (uint64)(to - 1) * esize, array + (uint64)(from - 1) * esize, esize);
  memset(array + (uint64)(from - 1) * esize, 0, esize);
  fix_crcs(img, lba);
}

// A 16 MiB disk (32768 sectors): fs = partition 1, swap = partition 2.
static const char base_script[] =
    "start=2048, size=16384, type=" FS_TYPE ", name=\"sloth-fs\"\n"
    "start=18432, size=8192, type=" SWAP_TYPE ", name=\"sloth-swap\"\n";
static const struct expect base_expect = {1, 2048, 18431, 2, 18432, 26623};

// sfdisk must have written what the script asked for, as `sfdisk -d` reads it back.
static void check_dump(const char *what, const struct expect *d, const struct expect *e) {
  CHECK(d->fs_index == e->fs_index && d->fs_first == e->fs_first && d->fs_last == e->fs_last &&
            d->swap_index == e->swap_index && d->swap_first == e->swap_first &&
            d->swap_last == e->swap_last,
        "%s: sfdisk -d shows fs %u %lu-%lu, swap %u %lu-%lu; the script asked for fs %u %lu-%lu, "
        "swap %u %lu-%lu",
        what, d->fs_index, d->fs_first, d->fs_last, d->swap_index, d->swap_first, d->swap_last,
        e->fs_index, e->fs_first, e->fs_last, e->swap_index, e->swap_first, e->swap_last);
}

// An image made by sfdisk from script must give e (refused when it has no fs partition).
static void check_sfdisk_image(const char *what, uint64 mib, const char *script,
                               const struct expect *e) {
  struct expect dumped;
  struct image img = make_image(mib, script, &dumped);
  check_dump(what, &dumped, e);
  if (e->fs_index)
    expect_layout(what, &img, e, 0, NULL);
  else
    REFUSED(what, &img, "no Linux filesystem partition");
  free_image(&img);
}

static void test_sfdisk_layouts(const struct image *base, const struct expect *base_dumped) {
  check_dump("base", base_dumped, &base_expect);
  expect_layout("base", base, &base_expect, 0, NULL);
  check_sfdisk_image("swap first, ESP, two fs", 16,
                     "start=2048, size=4096, type=" SWAP_TYPE "\n"
                     "start=6144, size=2048, type=" ESP_TYPE "\n"
                     "start=8192, size=16384, type=" FS_TYPE "\n"
                     "start=24576, size=2048, type=" FS_TYPE "\n",
                     &(struct expect){3, 8192, 24575, 1, 2048, 6143});
  check_sfdisk_image("fs only", 8, "start=4096, size=8192, type=" FS_TYPE "\n",
                     &(struct expect){1, 4096, 12287, 0, 0, 0});
  check_sfdisk_image("swap only", 8, "start=2048, size=2048, type=" SWAP_TYPE "\n",
                     &(struct expect){0, 0, 0, 1, 2048, 4095});
  // 3 entries: a 384-byte array, so its last sector is only partly covered by the CRC.
  check_sfdisk_image("3-entry table", 16,
                     "table-length: 3\nstart=2048, size=4096, type=" FS_TYPE "\n"
                     "start=8192, size=4096, type=" SWAP_TYPE "\n",
                     &(struct expect){1, 2048, 6143, 2, 8192, 12287});

  // 256 entries: a 32 KiB array read in several buffers; the fs entry moves to entry 250.
  struct expect dumped;
  struct image img = make_image(16, "table-length: 256\nstart=2048, size=4096, type=" ESP_TYPE
                                    "\nstart=8192, size=4096, type=" FS_TYPE "\n", &dumped);
  move_entry(&img, 1, 2, 250);
  move_entry(&img, backup_lba(&img), 2, 250);
  expect_layout("256-entry table, fs in entry 250", &img,
                &(struct expect){250, 8192, 12287, 0, 0, 0}, 0, NULL);
  free_image(&img);
}

static void test_header_fields(const struct image *base) {
  struct gpt_header h;
  char why[GPT_WHY_MAX];
  CHECK(gpt_parse_header(sector_of(base, 1), 1, base->nsectors, &h, why, sizeof(why)) == 0,
        "primary header refused: %s", why);
  CHECK(h.my_lba == 1 && h.alternate_lba == 32767 && h.first_usable == 2048 &&
            h.last_usable == 32734 && h.entries_lba == 2 && h.nentries == 128 &&
            h.entry_size == 128 && h.entries_crc == get_le32(sector_of(base, 1) + 88),
        "primary header fields: my %lu alt %lu usable %lu-%lu entries at %lu, %u x %u",
        h.my_lba, h.alternate_lba, h.first_usable, h.last_usable, h.entries_lba, h.nentries,
        h.entry_size);
  CHECK(gpt_parse_header(sector_of(base, 32767), 32767, base->nsectors, &h, why, sizeof(why)) == 0,
        "backup header refused: %s", why);
  CHECK(h.my_lba == 32767 && h.alternate_lba == 1 && h.entries_lba == 32735,
        "backup header fields: my %lu alt %lu entries at %lu", h.my_lba, h.alternate_lba,
        h.entries_lba);
  CHECK(gpt_parse_header(sector_of(base, 1), 32767, base->nsectors, &h, why, sizeof(why)) < 0 &&
            strstr(why, "read from LBA 32767"),
        "primary header accepted as if read from LBA 32767: %s", why);

  // The reason is cut to the buffer and stays NUL-terminated, down to a 1-byte buffer.
  uint8 bad[SECTOR];
  memcpy(bad, sector_of(base, 1), SECTOR);
  bad[0] ^= 1;
  for (uint32 size = 0; size < 12; size++) {
    char *small = malloc(size + 1);
    small[size] = 'Z';
    CHECK(gpt_parse_header(bad, 1, base->nsectors, &h, small, size) < 0,
          "bad signature accepted");
    CHECK(small[size] == 'Z' && (size == 0 || (strlen(small) == size - 1 &&
                                               memcmp(small, "no GPT signature", size - 1) == 0)),
          "reason in a %u-byte buffer: \"%.*s\"", size, (int)size, small);
    free(small);
  }
}

// Corrupts the primary (and then also the backup) header or array in the named ways.
static void test_corruptions(const struct image *base) {
  struct image img = copy_of(base);
  memcpy(header_at(&img, 1), "EFI PARX", 8);
  expect_layout("primary signature", &img, &base_expect, 1, "no GPT signature");
  memcpy(header_at(&img, backup_lba(&img)), "IFE PART", 8);
  REFUSED("both signatures", &img, "primary table (LBA 1): no GPT signature",
          "backup table (LBA 32767): no GPT signature");
  free_image(&img);

  img = copy_of(base);
  uint8 *h = header_at(&img, 1);
  h[40] ^= 0x10;  // first usable LBA, under the header CRC
  uint32 stored = get_le32(h + 16);
  uint8 zeroed[92];
  memcpy(zeroed, h, 92);
  memset(zeroed + 16, 0, 4);
  char want[96];
  snprintf(want, sizeof(want), "header CRC mismatch (stored 0x%x, computed 0x%x)", stored,
           crc32(zeroed, 92));
  expect_layout("primary header CRC", &img, &base_expect, 1, want);
  header_at(&img, backup_lba(&img))[60] ^= 0x01;  // disk GUID, under the header CRC
  REFUSED("both header CRCs", &img, want, "backup table (LBA 32767): header CRC mismatch");
  free_image(&img);

  img = copy_of(base);
  *at(&img, 2, 100 * 128 + 7) ^= 0x42;  // entry 101, unused
  expect_layout("primary array CRC", &img, &base_expect, 1, "entry array CRC mismatch");
  *at(&img, backup_lba(&img) - 32, 5) ^= 0x01;  // entry 1's type GUID
  REFUSED("both array CRCs", &img, "primary table (LBA 1): entry array CRC mismatch",
          "backup table (LBA 32767): entry array CRC mismatch");
  free_image(&img);

  img = copy_of(base);
  memset(at(&img, 1, 0), 0, 33 * SECTOR);  // primary header and array destroyed
  expect_layout("primary destroyed", &img, &base_expect, 1, "no GPT signature");
  free_image(&img);
}

static void test_bad_partitions(const struct image *base) {
  struct image img = copy_of(base);
  set_entry_both(&img, 1, 2048, 40000);
  REFUSED("fs past the end", &img, "filesystem partition 1 (sectors 2048-40000) is outside the "
                                   "usable sectors 2048-32734");
  free_image(&img);

  img = copy_of(base);
  set_entry_both(&img, 2, 18432, 32735);
  REFUSED("swap one past the last usable", &img, "swap partition 2", "outside the usable");
  set_entry_both(&img, 2, 18432, 32734);
  expect_layout("swap to the last usable", &img, &(struct expect){1, 2048, 18431, 2, 18432, 32734},
                0, NULL);
  set_entry_both(&img, 1, 2047, 18431);
  REFUSED("fs before the first usable", &img, "filesystem partition 1", "outside the usable");
  free_image(&img);

  img = copy_of(base);
  set_entry_both(&img, 1, 5000, 4999);
  REFUSED("fs reversed", &img, "ends (sector 4999) before it starts (sector 5000)");
  free_image(&img);

  img = copy_of(base);
  set_entry_both(&img, 2, 18431, 26623);
  REFUSED("overlap by one sector", &img, "filesystem partition 1 (sectors 2048-18431) and swap "
                                         "partition 2 (sectors 18431-26623) overlap");
  set_entry_both(&img, 2, 2048, 2048);
  REFUSED("swap inside fs", &img, "overlap");
  set_entry_both(&img, 2, 10000, 30000);
  REFUSED("swap over the end of fs", &img, "overlap");
  free_image(&img);

  // Only the primary is wrong, and its CRCs are right: the table is believed, so refused.
  img = copy_of(base);
  set_entry(&img, 1, 2, 10000, 20000);
  REFUSED("primary overlap with good CRCs", &img, "overlap");
  free_image(&img);
}

// Header fields that pass the CRC (it is recomputed) but make no sense: the primary is
// refused for the expected reason and the backup answers.
static void test_header_sanity(const struct image *base) {
  static const struct {
    uint32 offset, width;
    uint64 value;
    const char *reason;
  } cases[] = {
    {8, 4, 0x00020000, "unsupported header revision 0x20000"},
    {12, 4, 91, "header size 91 is outside 92..512"},
    {12, 4, 513, "header size 513 is outside 92..512"},
    {24, 8, 2, "header says it is at LBA 2 but was read from LBA 1"},
    {32, 8, 1, "alternate header LBA 1"},
    {32, 8, 32768, "alternate header LBA 32768"},
    {40, 8, 0, "usable sectors 0-32734"},
    {40, 8, 1, "include the header at LBA 1"},
    {40, 8, 32735, "usable sectors 32735-32734"},
    {48, 8, 32766, NULL},  // reaches into the backup array, which the primary cannot see
    {48, 8, 32767, "usable sectors 2048-32767"},
    {48, 8, 32768, "usable sectors 2048-32768"},
    {72, 8, 0, "entry array (32 sectors at LBA 0)"},
    {72, 8, 1, "overlaps the usable sectors 2048-32734 or a header"},
    {72, 8, 32736, "entry array (sectors 32736-32767) overlaps"},
    {72, 8, 2040, "overlaps the usable"},
    {72, 8, 32750, "is not within the disk"},
    {72, 8, (uint64)-1, "is not within the disk"},
    {80, 4, 0, "entry array of 0 x 128 bytes"},
    {80, 4, 0xffffffff, "entry array of 4294967295 x 128 bytes"},
    {84, 4, 0, "entry size 0"},
    {84, 4, 64, "entry size 64"},
    {84, 4, 136, "entry size 136"},
    {84, 4, 8192, "entry size 8192"},
    {84, 4, 0x80000000, "entry size 2147483648"},
    {92, 4, 0x12345678, NULL},  // past the 92 bytes the CRC covers: no effect
  };
  for (uint64 i = 0; i < ARRAY_SIZE(cases); i++) {
    struct image img = copy_of(base);
    uint8 *h = header_at(&img, 1);
    if (cases[i].width == 4)
      put_le32(h + cases[i].offset, (uint32)cases[i].value);
    else
      put_le64(h + cases[i].offset, cases[i].value);
    fix_crcs(&img, 1);
    char what[64];
    snprintf(what, sizeof(what), "header field at %u = 0x%lx", cases[i].offset, cases[i].value);
    expect_layout(what, &img, &base_expect, cases[i].reason != NULL, cases[i].reason);
    free_image(&img);
  }
}

static void test_truncated(const struct image *base) {
  static const uint64 sizes[] = {0, 1, 2, 3, 4, 33, 34, 35, 66, 67, 68, 2048, 18432, 32734,
                                 32735, 32766, 32767};
  for (uint64 i = 0; i < ARRAY_SIZE(sizes); i++) {
    struct image img = resized(base, sizes[i]);
    char what[48];
    snprintf(what, sizeof(what), "truncated to %lu sectors", sizes[i]);
    REFUSED(what, &img, sizes[i] < 3 ? "too small" : "backup table");
    free_image(&img);
  }
  // A grown disk: the primary still describes the old one, which is fine.
  struct image img = resized(base, base->nsectors + 1000);
  expect_layout("grown by 1000 sectors", &img, &base_expect, 0, NULL);
  free_image(&img);
}

static void test_io_errors(const struct image *base) {
  struct gpt_layout l;
  char why[WHY_SIZE];
  CHECK(read_layout_failing(base, 1, &l, why) == 0 && l.header_lba == 32767 &&
            strstr(l.primary_why, "I/O error reading the header"),
        "I/O error on LBA 1: header %lu, primary \"%s\"", l.header_lba, l.primary_why);
  CHECK(read_layout_failing(base, 20, &l, why) == 0 && l.header_lba == 32767 &&
            strstr(l.primary_why, "I/O error reading the entry array at LBA 18"),
        "I/O error on LBA 20: header %lu, primary \"%s\"", l.header_lba, l.primary_why);
  CHECK(read_layout_failing(base, 32740, &l, why) == 0 && l.header_lba == 1,
        "I/O error in the backup array disturbed the primary: %s", why);
  struct image img = copy_of(base);
  *at(&img, 1, 0) ^= 1;
  CHECK(read_layout_failing(&img, 32767, &l, why) < 0 &&
            strstr(why, "backup table (LBA 32767): I/O error reading the header"),
        "bad primary and unreadable backup: %s", why);
  free_image(&img);
}

// Every single-byte change to the primary header: detected (bytes under the CRC, so the
// backup answers) or harmless (the reserved rest of the sector). The same change to both
// headers must be refused whenever it is under the CRC.
static void test_every_header_byte(const struct image *base) {
  static const uint8 flips[] = {0x01, 0x80, 0xff};
  uint32 hsize = get_le32(sector_of(base, 1) + 12);
  for (uint32 off = 0; off < SECTOR; off++) {
    for (uint64 f = 0; f < ARRAY_SIZE(flips); f++) {
      struct image img = copy_of(base);
      header_at(&img, 1)[off] ^= flips[f];
      char what[64];
      snprintf(what, sizeof(what), "primary header byte %u ^ 0x%x", off, flips[f]);
      expect_layout(what, &img, &base_expect, off < hsize, NULL);
      header_at(&img, backup_lba(&img))[off] ^= flips[f];
      snprintf(what, sizeof(what), "both headers byte %u ^ 0x%x", off, flips[f]);
      if (off < hsize)
        REFUSED(what, &img, "primary table (LBA 1)", "backup table (LBA 32767)");
      else
        expect_layout(what, &img, &base_expect, 0, NULL);
      free_image(&img);
    }
  }
  // And every byte of the two entries in use in the primary array.
  for (uint32 off = 0; off < 256; off++) {
    struct image img = copy_of(base);
    *at(&img, 2, off) ^= 0x20;
    char what[48];
    snprintf(what, sizeof(what), "primary entry byte %u", off);
    expect_layout(what, &img, &base_expect, 1, "entry array CRC mismatch");
    free_image(&img);
  }
}

// Random changes to the primary header under a recomputed CRC: the primary is refused and
// the intact backup answers, or the primary is believed and gives the right partitions or a
// complaint about them (a header with a right CRC is trusted). Then random changes to the
// entries in use in both arrays, CRCs recomputed: any answer must be consistent.
// Header rounds answered from the primary, from the backup; entry rounds accepted, refused.
static int fuzz_outcomes[4];

static void fuzz_header(const struct image *base, int round) {
  struct image img = copy_of(base);
  for (int c = 1 + rand() % 6; c > 0; c--) {
    uint32 off = 8 + (uint32)(rand() % 84);
    if (off < 16 || off >= 20)  // not the CRC field, recomputed below
      header_at(&img, 1)[off] = (uint8)rand();
  }
  fix_crcs(&img, 1);
  struct gpt_layout l;
  char why[WHY_SIZE];
  if (read_layout(&img, &l, why) == 0) {
    check_parts("fuzz (header)", &l, &base_expect);
    fuzz_outcomes[l.header_lba == 1 ? 0 : 1]++;
  } else {
    CHECK(strstr(why, "partition") && !strstr(why, "backup"),
          "fuzz round %d: refused with an intact backup: %s", round, why);
  }
  free_image(&img);
}

static void fuzz_entries(const struct image *base, int round) {
  struct image img = copy_of(base);
  for (int c = 1 + rand() % 6; c > 0; c--) {
    uint32 off = (uint32)(rand() % 256);
    uint8 val = (uint8)rand();
    *at(&img, 2, off) = val;
    *at(&img, backup_lba(&img) - 32, off) = val;
  }
  fix_crcs(&img, 1);
  fix_crcs(&img, backup_lba(&img));
  struct gpt_layout l;
  char why[WHY_SIZE];
  if (read_layout(&img, &l, why) == 0) {
    CHECK(l.fs.index && 2048 <= l.fs.first && l.fs.first <= l.fs.last && l.fs.last <= 32734,
          "fuzz round %d: fs %u %lu-%lu accepted", round, l.fs.index, l.fs.first, l.fs.last);
    CHECK(!l.swap.index || l.swap.last < l.fs.first || l.fs.last < l.swap.first,
          "fuzz round %d: overlap accepted", round);
    fuzz_outcomes[2]++;
  } else {
    fuzz_outcomes[3]++;
  }
  free_image(&img);
}

static void test_fuzz(const struct image *base) {
  srand(20240611);
  for (int round = 0; round < FUZZ_ROUNDS; round++) {
    fuzz_header(base, round);
    fuzz_entries(base, round);
  }
  CHECK(fuzz_outcomes[0] && fuzz_outcomes[1] && fuzz_outcomes[2] && fuzz_outcomes[3],
        "fuzzing missed an outcome: header %d primary, %d backup; entries %d accepted, "
        "%d refused", fuzz_outcomes[0], fuzz_outcomes[1], fuzz_outcomes[2], fuzz_outcomes[3]);
}

int main(int argc, char **argv) {
  if (argc > 2) {
    fprintf(stderr, "usage: %s [SFDISK]\n", argv[0]);
    return 2;
  }
  if (argc == 2)
    sfdisk = argv[1];
  if (access(sfdisk, X_OK) != 0)
    failf("no sfdisk at %s", sfdisk);
  const char *tmp = getenv("TMPDIR");
  snprintf(workdir, sizeof(workdir), "%s/test_gpt.XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(workdir))
    failf("cannot make a directory %s", workdir);
  atexit(cleanup);

  struct expect base_dumped;
  struct image base = make_image(16, base_script, &base_dumped);
  test_sfdisk_layouts(&base, &base_dumped);
  test_header_fields(&base);
  test_corruptions(&base);
  test_bad_partitions(&base);
  test_header_sanity(&base);
  test_truncated(&base);
  test_io_errors(&base);
  test_every_header_byte(&base);
  test_fuzz(&base);
  free_image(&base);
  unit_pass();
  return 0;
}
