// mkfs: writes sloth's disk image, one raw file holding a protective MBR, a GUID partition
// table (primary at the start, backup at the end), partition 1 = the file system of
// fs/fs_format.h and partition 2 = swap. Host files named as DEST=SRC are copied in, with any
// missing directories made on the way. Fixed GUIDs and in-order allocation make the image
// byte-identical from run to run. Host program, single-threaded; run by the top Makefile and
// tests/unit/test_mkfs.sh.
//
//   mkfs [--fs-size MiB] [--swap-size MiB] [--inodes N] IMAGE [DEST=SRC ...]
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/fs_format.h"
#include "lib/crc32.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "mkfs stores the file system's structures in host order, which must be little-endian"
#endif

#define SECTOR_BYTES 512
#define MIB_SECTORS 2048        // partitions start on 1 MiB boundaries
#define GPT_NENTRIES 128
#define GPT_ENTRY_BYTES 128
#define GPT_ARRAY_SECTORS (GPT_NENTRIES * GPT_ENTRY_BYTES / SECTOR_BYTES)  // 32
#define GPT_HEADER_BYTES 92
#define MAX_SIZE_MIB (1UL << 20)  // 1 TiB: keeps the block count well inside 32 bits
#define MAX_FILE_BYTES 0xFFFFFFFFUL  // dinode.size is 32 bits

static const char usage_text[] =
    "usage: mkfs [--fs-size MiB] [--swap-size MiB] [--inodes N] IMAGE [DEST=SRC ...]";

// The temporary image while it is being written; removed if mkfs dies or is interrupted.
static char *tmp_image;

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("mkfs: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  if (tmp_image)
    unlink(tmp_image);
  exit(1);
}

static void on_signal(int sig) {
  if (tmp_image)
    unlink(tmp_image);
  signal(sig, SIG_DFL);
  raise(sig);
}

// ---- The partition table ----

static void put_le16(uint8 *p, uint16 v) {
  p[0] = (uint8)v;
  p[1] = (uint8)(v >> 8);
}

static void put_le32(uint8 *p, uint32 v) {
  put_le16(p, (uint16)v);
  put_le16(p + 2, (uint16)(v >> 16));
}

static void put_le64(uint8 *p, uint64 v) {
  put_le32(p, (uint32)v);
  put_le32(p + 4, (uint32)(v >> 32));
}

// Stores a GUID written as text (8-4-4-4-12 hex digits) the way GPT keeps it: the first
// three groups little-endian, the last two byte by byte.
static void put_guid(uint8 *out, const char *text) {
  static const int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
  uint8 bytes[16];
  int n = 0;
  for (const char *p = text; *p && n < 32; p++) {
    if (*p == '-')
      continue;
    int digit = *p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10;
    bytes[n / 2] = (uint8)(n % 2 ? (bytes[n / 2] << 4) | digit : digit);
    n++;
  }
  for (int i = 0; i < 16; i++)
    out[i] = bytes[order[i]];
}

#define TYPE_LINUX_FS "0FC63DAF-8483-4772-8E79-3D69D8477DE4"
#define TYPE_LINUX_SWAP "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F"
// Fixed identities, so two builds give the same bytes. They need only be unique on this disk.
#define DISK_GUID "51074B3D-D15C-4C6B-9A3E-000000000001"
#define FS_PART_GUID "51074B3D-F5F5-4C6B-9A3E-000000000002"
#define SWAP_PART_GUID "51074B3D-5A9A-4C6B-9A3E-000000000003"

struct part_spec {
  const char *type, *guid, *name;  // GUIDs as text; name in ASCII
  uint64 first, last;              // sectors, inclusive
};

// Where things lie on the disk, all in sectors.
struct disk_plan {
  uint64 nsectors;
  struct part_spec parts[2];
  int nparts;  // 1 when there is no swap partition
};

// One 128-byte partition entry (UEFI specification, "GPT Partition Entry").
static void put_entry(uint8 *e, const struct part_spec *p) {
  put_guid(e + 0, p->type);
  put_guid(e + 16, p->guid);
  put_le64(e + 32, p->first);
  put_le64(e + 40, p->last);
  put_le64(e + 48, 0);  // attributes
  for (int i = 0; p->name[i] && i < 36; i++)
    put_le16(e + 56 + 2 * i, (uint8)p->name[i]);  // UTF-16LE
}

// A GPT header (UEFI specification, "GPT Header") in sector `h`, at LBA `self`, whose entry
// array starts at `array_lba` and has CRC `array_crc`.
static void put_header(uint8 *h, const struct disk_plan *plan, uint64 self, uint64 other,
                       uint64 array_lba, uint32 array_crc) {
  memcpy(h, "EFI PART", 8);
  put_le32(h + 8, 0x00010000);  // revision 1.0
  put_le32(h + 12, GPT_HEADER_BYTES);
  put_le64(h + 24, self);
  put_le64(h + 32, other);
  put_le64(h + 40, 2 + GPT_ARRAY_SECTORS);               // first usable
  put_le64(h + 48, plan->nsectors - 2 - GPT_ARRAY_SECTORS);  // last usable
  put_guid(h + 56, DISK_GUID);
  put_le64(h + 72, array_lba);
  put_le32(h + 80, GPT_NENTRIES);
  put_le32(h + 84, GPT_ENTRY_BYTES);
  put_le32(h + 88, array_crc);
  put_le32(h + 16, crc32(h, GPT_HEADER_BYTES));  // the CRC field is still zero here
}

// The protective MBR: one partition of type 0xEE covering the whole disk (or as much of it as
// 32 bits can say), so tools that know only MBR leave the disk alone.
static void put_protective_mbr(uint8 *mbr, uint64 nsectors) {
  uint8 *rec = mbr + 446;
  rec[1] = 0x00, rec[2] = 0x02, rec[3] = 0x00;  // CHS of LBA 1
  rec[4] = 0xEE;
  rec[5] = rec[6] = rec[7] = 0xFF;              // CHS of the end: "too far to say"
  put_le32(rec + 8, 1);
  put_le32(rec + 12, nsectors - 1 > 0xFFFFFFFFUL ? 0xFFFFFFFFU : (uint32)(nsectors - 1));
  mbr[510] = 0x55;
  mbr[511] = 0xAA;
}

// Fills head (sectors 0..33: MBR, primary header, entry array) and tail (the last 33 sectors:
// backup entry array, then backup header).
static void build_gpt(const struct disk_plan *plan, uint8 *head, uint8 *tail) {
  uint8 *array = head + 2 * SECTOR_BYTES;
  for (int i = 0; i < plan->nparts; i++)
    put_entry(array + i * GPT_ENTRY_BYTES, &plan->parts[i]);
  uint32 array_crc = crc32(array, GPT_ARRAY_SECTORS * SECTOR_BYTES);
  memcpy(tail, array, GPT_ARRAY_SECTORS * SECTOR_BYTES);

  uint64 last = plan->nsectors - 1;
  put_protective_mbr(head, plan->nsectors);
  put_header(head + SECTOR_BYTES, plan, 1, last, 2, array_crc);
  put_header(tail + GPT_ARRAY_SECTORS * SECTOR_BYTES, plan, last, 1, last - GPT_ARRAY_SECTORS,
             array_crc);
}

// ---- The file system, built in memory ----

static uint8 *fs;               // the whole file-system partition
static struct superblock sb;
static uint next_inum = ROOTINO;  // inodes are handed out in order...
static uint next_block;           // ...and so are blocks: everything below is in use

static uint8 *block_at(uint bno) {
  if (bno >= sb.size)
    die("internal error: block %u is past the file system (%u blocks)", bno, sb.size);
  return fs + (uint64)bno * BSIZE;
}

static struct dinode *inode_at(uint inum) {
  return (struct dinode *)block_at(IBLOCK(inum, sb)) + inum % IPB;
}

// Places the regions one after another (fs_format.h) and writes the superblock.
static void plan_fs(uint64 fs_mib, uint ninodes) {
  sb.magic = FSMAGIC;
  sb.size = (uint32)(fs_mib * (1024 * 1024 / BSIZE));
  sb.ninodes = ninodes;
  sb.nlog = LOGBLOCKS + 1;
  sb.logstart = 2;
  sb.inodestart = sb.logstart + sb.nlog;
  sb.bmapstart = sb.inodestart + (ninodes + IPB - 1) / IPB;
  uint data_start = sb.bmapstart + (sb.size + BPB - 1) / BPB;
  if (data_start >= sb.size)
    die("a %lu MiB file system is too small: its metadata for %u inodes takes %u of its %u "
        "blocks (use a larger --fs-size or fewer --inodes)", fs_mib, ninodes, data_start,
        sb.size);
  sb.nblocks = sb.size - data_start;
  next_block = data_start;
  fs = calloc(sb.size, BSIZE);
  if (!fs)
    die("no memory for a %lu MiB file system", fs_mib);
  memcpy(block_at(1), &sb, sizeof(sb));
}

static uint new_block(void) {
  if (next_block >= sb.size)
    die("out of blocks: the %u data blocks of the file system are not enough for the files "
        "given (use a larger --fs-size)", sb.nblocks);
  return next_block++;
}

// A new inode; nlink 1 for files and directories alike (a directory's "." and ".." do not
// count: xv6's convention, which the kernel and fsck follow).
static uint new_inode(int16 type) {
  if (next_inum >= sb.ninodes)
    die("out of inodes: all %u are in use (use a larger --inodes)", sb.ninodes - 1);
  struct dinode *d = inode_at(next_inum);
  d->type = type;
  d->nlink = 1;
  return next_inum++;
}

// Entry i of the index block *index, making the index block first if it is missing.
static uint32 *index_entry(uint32 *index, uint i) {
  if (*index == 0)
    *index = new_block();
  return (uint32 *)block_at(*index) + i;
}

// The disk block holding block n of a file, allocated on first use. Index blocks are
// allocated just before the first data block under them.
static uint file_block(struct dinode *d, uint n) {
  uint32 *slot;
  if (n < NDIRECT) {
    slot = &d->addrs[n];
  } else if (n - NDIRECT < NINDIRECT) {
    slot = index_entry(&d->addrs[NDIRECT], n - NDIRECT);
  } else {
    uint k = n - NDIRECT - NINDIRECT;
    uint32 *middle = index_entry(&d->addrs[NDIRECT + 1], k / NINDIRECT);
    slot = index_entry(middle, k % NINDIRECT);
  }
  if (*slot == 0)
    *slot = new_block();
  return *slot;
}

// Appends one entry to directory dir. mkfs never deletes, so directories have no holes.
static void dir_append(uint dir, const char *name, uint inum) {
  struct dinode *d = inode_at(dir);
  struct dirent *de = (struct dirent *)(block_at(file_block(d, d->size / BSIZE)) +
                                        d->size % BSIZE);
  de->inum = (uint16)inum;
  memcpy(de->name, name, strnlen(name, DIRSIZ));  // the block is zero: NUL-padded already
  d->size += sizeof(*de);
}

// The inode that directory dir names `name`, or 0.
static uint dir_lookup(uint dir, const char *name) {
  struct dinode *d = inode_at(dir);
  for (uint off = 0; off < d->size; off += sizeof(struct dirent)) {
    struct dirent *de =
        (struct dirent *)(block_at(file_block(d, off / BSIZE)) + off % BSIZE);
    if (de->inum != 0 && strncmp(de->name, name, DIRSIZ) == 0)
      return de->inum;
  }
  return 0;
}

// A new directory `name` in parent; the root (parent 0) is its own parent.
static uint make_dir(uint parent, const char *name) {
  uint inum = new_inode(T_DIR);
  dir_append(inum, ".", inum);
  dir_append(inum, "..", parent ? parent : inum);
  if (parent) {
    dir_append(parent, name, inum);
    inode_at(parent)->nlink++;  // the child's ".." names its parent
  }
  return inum;
}

// ---- Copying host files in ----

// Reads up to n bytes, stopping early only at the end of the file.
static uint64 read_full(int fd, uint8 *buf, uint64 n, const char *src) {
  uint64 got = 0;
  while (got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      die("%s: %s", src, strerror(errno));
    if (r == 0)
      break;
    got += (uint64)r;
  }
  return got;
}

// Copies the open host file fd into inode inum, block by block.
static void copy_contents(int fd, uint inum, const char *src) {
  static uint8 chunk[BSIZE];
  for (uint n = 0;; n++) {
    uint64 got = read_full(fd, chunk, BSIZE, src);
    if (got == 0)
      break;
    struct dinode *d = inode_at(inum);
    if (n >= MAXFILE_BLOCKS || d->size + got > MAX_FILE_BYTES)
      die("%s: file too big (the largest file is %lu bytes)", src, MAX_FILE_BYTES);
    memcpy(block_at(file_block(d, n)), chunk, got);
    d->size += (uint32)got;
    if (got < BSIZE)
      break;
  }
}

// Opens host file src for copying, refusing what cannot fit in one file.
static int open_source(const char *src) {
  int fd = open(src, O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0)
    die("%s: %s", src, strerror(errno));
  if (S_ISDIR(st.st_mode))
    die("%s: is a directory (give files one by one)", src);
  if (S_ISREG(st.st_mode) && (uint64)st.st_size > MAX_FILE_BYTES)
    die("%s: file too big: %lu bytes (the largest file is %lu bytes)", src,
        (uint64)st.st_size, MAX_FILE_BYTES);
  return fd;
}

// Splits off the next component of *path (skipping slashes) into name; 0 at the end.
static int next_component(const char **path, char *name, const char *dest) {
  const char *p = *path;
  while (*p == '/')
    p++;
  if (*p == '\0')
    return 0;
  const char *end = strchr(p, '/');
  uint64 len = end ? (uint64)(end - p) : strlen(p);
  if (len > DIRSIZ)
    die("%s: name '%.*s' is longer than %d bytes", dest, (int)len, p, DIRSIZ);
  memcpy(name, p, len);
  name[len] = '\0';
  if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
    die("%s: '.' and '..' are not allowed in a destination", dest);
  *path = p + len;
  return 1;
}

// Copies host file src to absolute path dest, making missing directories on the way.
static void add_file(const char *dest, const char *src) {
  if (dest[0] != '/')
    die("%s: the destination must be an absolute path", dest);
  char name[DIRSIZ + 1], next[DIRSIZ + 1];
  const char *rest = dest;
  if (!next_component(&rest, name, dest))
    die("%s: the destination names no file", dest);
  uint dir = ROOTINO;
  while (next_component(&rest, next, dest)) {
    uint sub = dir_lookup(dir, name);
    if (sub == 0)
      sub = make_dir(dir, name);
    else if (inode_at(sub)->type != T_DIR)
      die("%s: '%s' is a file, not a directory", dest, name);
    dir = sub;
    strcpy(name, next);
  }
  if (dir_lookup(dir, name) != 0)
    die("%s: duplicate destination (already in the image)", dest);
  int fd = open_source(src);
  uint inum = new_inode(T_FILE);
  dir_append(dir, name, inum);
  copy_contents(fd, inum, src);
  close(fd);
}

// Marks the metadata and every allocated block in the bitmap: they are exactly the blocks
// below next_block.
static void write_bitmap(void) {
  for (uint b = 0; b < next_block; b++)
    block_at(BBLOCK(b, sb))[b % BPB / 8] |= (uint8)(1 << (b % 8));
}

// ---- The image file ----

static void write_at(int fd, const void *buf, uint64 n, uint64 off) {
  const uint8 *p = buf;
  while (n > 0) {
    ssize_t w = pwrite(fd, p, n, (off_t)off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      die("%s: %s", tmp_image, w < 0 ? strerror(errno) : "short write");
    p += w, n -= (uint64)w, off += (uint64)w;
  }
}

// Writes the image to a temporary file in IMAGE's directory and renames it into place, so an
// interrupted run never leaves a half-written IMAGE. Unwritten parts (the free end of the file
// system, the swap partition) are holes, which read as zeros.
static void write_image(const char *path, const struct disk_plan *plan, const uint8 *head,
                        const uint8 *tail) {
  uint64 len = strlen(path) + 32;
  tmp_image = malloc(len);
  if (!tmp_image)
    die("no memory");
  snprintf(tmp_image, len, "%s.tmp.%d", path, (int)getpid());
  int fd = open(tmp_image, O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) {
    char *failed = tmp_image;
    tmp_image = NULL;  // not ours: do not remove it
    die("%s: %s", failed, strerror(errno));
  }
  if (ftruncate(fd, (off_t)(plan->nsectors * SECTOR_BYTES)) < 0)
    die("%s: %s", tmp_image, strerror(errno));
  write_at(fd, head, (2 + GPT_ARRAY_SECTORS) * SECTOR_BYTES, 0);
  write_at(fd, fs, (uint64)next_block * BSIZE, plan->parts[0].first * SECTOR_BYTES);
  write_at(fd, tail, (GPT_ARRAY_SECTORS + 1) * SECTOR_BYTES,
           (plan->nsectors - GPT_ARRAY_SECTORS - 1) * SECTOR_BYTES);
  if (fsync(fd) < 0 || close(fd) < 0)
    die("%s: %s", tmp_image, strerror(errno));
  if (rename(tmp_image, path) < 0)
    die("%s: %s", path, strerror(errno));
  free(tmp_image);
  tmp_image = NULL;
}

// ---- Command line ----

struct options {
  uint64 fs_mib, swap_mib, ninodes;
  const char *image;
  char **files;  // DEST=SRC arguments
  int nfiles;
};

static uint64 parse_number(const char *opt, const char *s, uint64 min, uint64 max) {
  char *end;
  errno = 0;
  unsigned long v = s ? strtoul(s, &end, 10) : 0;
  if (!s || *s < '0' || *s > '9' || *end || errno || v < min || v > max)
    die("%s needs a number from %lu to %lu, not '%s'", opt, min, max, s ? s : "");
  return v;
}

static struct options parse_args(int argc, char **argv) {
  struct options o = {.fs_mib = 64, .swap_mib = 32, .ninodes = 4096};
  int i = 1;
  for (; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
    const char *val = argv[i + 1];  // argv[argc] is NULL, which parse_number refuses
    if (strcmp(argv[i], "--fs-size") == 0)
      o.fs_mib = parse_number("--fs-size", val, 1, MAX_SIZE_MIB);
    else if (strcmp(argv[i], "--swap-size") == 0)
      o.swap_mib = parse_number("--swap-size", val, 0, MAX_SIZE_MIB);
    else if (strcmp(argv[i], "--inodes") == 0)
      o.ninodes = parse_number("--inodes", val, 2, 0xFFFF);  // inums are 16 bits on disk
    else
      die("unknown option '%s'\n%s", argv[i], usage_text);
  }
  if (i >= argc)
    die("no IMAGE given\n%s", usage_text);
  o.image = argv[i];
  o.files = argv + i + 1;
  o.nfiles = argc - i - 1;
  return o;
}

// 1 MiB for the MBR and the primary table, the file system, the swap, then 1 MiB holding the
// backup table in its last 33 sectors. No swap partition when its size is 0.
static struct disk_plan plan_disk(const struct options *o) {
  struct disk_plan p = {.nparts = o->swap_mib ? 2 : 1};
  uint64 fs_first = MIB_SECTORS, swap_first = fs_first + o->fs_mib * MIB_SECTORS;
  uint64 swap_end = swap_first + o->swap_mib * MIB_SECTORS;
  p.nsectors = swap_end + MIB_SECTORS;
  p.parts[0] = (struct part_spec){TYPE_LINUX_FS, FS_PART_GUID, "sloth-fs", fs_first,
                                  swap_first - 1};
  p.parts[1] = (struct part_spec){TYPE_LINUX_SWAP, SWAP_PART_GUID, "sloth-swap", swap_first,
                                  swap_end - 1};
  return p;
}

int main(int argc, char **argv) {
  struct options o = parse_args(argc, argv);
  struct disk_plan plan = plan_disk(&o);
  static uint8 head[(2 + GPT_ARRAY_SECTORS) * SECTOR_BYTES];
  static uint8 tail[(GPT_ARRAY_SECTORS + 1) * SECTOR_BYTES];
  build_gpt(&plan, head, tail);

  plan_fs(o.fs_mib, (uint)o.ninodes);
  if (make_dir(0, "/") != ROOTINO)
    die("internal error: the root directory is not inode %d", ROOTINO);
  for (int i = 0; i < o.nfiles; i++) {
    char *eq = strchr(o.files[i], '=');
    if (!eq || eq == o.files[i] || eq[1] == '\0')
      die("'%s': expected DEST=SRC", o.files[i]);
    *eq = '\0';
    add_file(o.files[i], eq + 1);
  }
  write_bitmap();

  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  signal(SIGHUP, on_signal);
  write_image(o.image, &plan, head, tail);
  free(fs);
  return 0;
}
