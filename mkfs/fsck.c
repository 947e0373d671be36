// fsck: checks the file system in a sloth disk image (made by mkfs, or left by the kernel, which
// must not be running on it), and can list it or print one file. Finds the file-system
// partition with the kernel's own GPT parser (dev/gpt.c), optionally installs a committed log
// transaction as the kernel's recovery does, then checks inodes, directories, link counts,
// block pointers and the bitmap. Host program, single-threaded; run by the grader after crash
// tests and by tests/unit/test_mkfs.sh.
//
//   fsck [--replay] [--orphans] [--list] [--cat PATH] IMAGE
// --orphans: an allocated inode with nlink 0 that no directory names (a file unlinked while
// open when the machine stopped) is an orphan that the kernel frees at its next boot, counted
// but not a problem.
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dev/gpt.h"
#include "fs/fs_format.h"
#include "lib/crc32.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "fsck reads the file system's structures in host order, which must be little-endian"
#endif

#define MAX_SHOWN 100   // problems printed; the rest are only counted
#define MAX_DEPTH 256   // directory nesting followed by the walk
#define PATH_BYTES (MAX_DEPTH * (DIRSIZ + 1) + 2)

static const char usage_text[] = "usage: fsck [--replay] [--orphans] [--list] [--cat PATH] IMAGE";

struct options {
  int replay, list, orphans;
  const char *cat;  // path to print, or NULL
  const char *image;
};

// The image being checked.
static int image_fd;
static uint64 fs_offset;  // byte offset of the file-system partition in the image
static struct superblock sb;
static uint8 *fs;         // the file system's sb.size blocks, mapped from the image
static uint64 fs_map_bytes;
static uint data_start;   // first data block: everything below is metadata

// What the checks found.
static FILE *report;      // problems go here: stdout, or stderr while --cat prints a file
static uint nproblems;
static int orphans_ok;    // --orphans
static uint norphans;

// What the checks learn about each inode and block, indexed by number.
static uint16 *block_owner;  // inode whose tree refers to the block, 0 if none
static uint32 *nnames;       // directory entries naming the inode ("." and ".." excluded)
static uint32 *nsubdirs;     // subdirectories of a directory (their ".." names it)
static uint8 *reached;       // found by the walk from the root

static void say(const char *fmt, va_list ap) {
  fputs("fsck: ", report);
  vfprintf(report, fmt, ap);
  fputc('\n', report);
}

// Counts a problem and prints it on one line (only the first MAX_SHOWN are printed).
static void problem(const char *fmt, ...) {
  if (++nproblems > MAX_SHOWN)
    return;
  va_list ap;
  va_start(ap, fmt);
  say(fmt, ap);
  va_end(ap);
}

// Ends the run with the summary line and a failure status.
static void finish_failed(void) {
  if (nproblems > MAX_SHOWN)
    fprintf(report, "fsck: (%u more problems not shown)\n", nproblems - MAX_SHOWN);
  fprintf(report, "fsck: %u problems\n", nproblems);
  exit(1);
}

// A problem that stops the check (nothing after it could be trusted).
static void fatal(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  say(fmt, ap);
  va_end(ap);
  nproblems++;
  finish_failed();
}

static void *zalloc(uint64 n) {
  void *p = calloc(n ? n : 1, 1);
  if (!p)
    fatal("no memory for %lu bytes", n);
  return p;
}

static void read_at(void *buf, uint64 n, uint64 off) {
  uint8 *p = buf;
  while (n > 0) {
    ssize_t r = pread(image_fd, p, n, (off_t)off);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      fatal("cannot read %lu bytes at offset %lu: %s", n, off,
            r < 0 ? strerror(errno) : "the image ends early");
    p += r, n -= (uint64)r, off += (uint64)r;
  }
}

static void write_at(const void *buf, uint64 n, uint64 off) {
  const uint8 *p = buf;
  while (n > 0) {
    ssize_t w = pwrite(image_fd, p, n, (off_t)off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      fatal("cannot write at offset %lu: %s", off, w < 0 ? strerror(errno) : "short write");
    p += w, n -= (uint64)w, off += (uint64)w;
  }
}

static uint8 *block_at(uint bno) { return fs + (uint64)bno * BSIZE; }

static struct dinode *inode_at(uint inum) {
  return (struct dinode *)block_at(IBLOCK(inum, sb)) + inum % IPB;
}

// ---- The partition table ----

static int gpt_reader(void *ctx, uint64 lba, uint32 n, void *buf) {
  (void)ctx;
  read_at(buf, (uint64)n * GPT_SECTOR_SIZE, lba * GPT_SECTOR_SIZE);
  return 0;
}

// When the primary table is in use, the backup (header at the last sector) must be sound too:
// its header checks and its entry array's CRC.
static void check_backup_gpt(uint64 nsectors) {
  uint8 sector[GPT_SECTOR_SIZE];
  struct gpt_header h;
  char why[GPT_WHY_MAX];
  read_at(sector, sizeof(sector), (nsectors - 1) * GPT_SECTOR_SIZE);
  if (gpt_parse_header(sector, nsectors - 1, nsectors, &h, why, sizeof(why)) < 0) {
    problem("backup GPT header (LBA %lu): %s", nsectors - 1, why);
    return;
  }
  uint64 bytes = (uint64)h.nentries * h.entry_size;  // at most 1 MiB: checked by the parser
  uint8 *array = zalloc(bytes);
  read_at(array, bytes, h.entries_lba * GPT_SECTOR_SIZE);
  uint32 crc = crc32(array, bytes);
  if (crc != h.entries_crc)
    problem("backup GPT entry array CRC mismatch (stored 0x%x, computed 0x%x)", h.entries_crc,
            crc);
  free(array);
}

// Finds the file-system partition; returns its size in blocks.
static uint64 find_fs_partition(void) {
  struct stat st;
  if (fstat(image_fd, &st) < 0)
    fatal("cannot stat the image: %s", strerror(errno));
  static uint8 scratch[GPT_BUF_SECTORS * GPT_SECTOR_SIZE];
  struct gpt_disk disk = {.nsectors = (uint64)st.st_size / GPT_SECTOR_SIZE, .buf = scratch,
                          .read = gpt_reader};
  struct gpt_layout layout;
  char why[2 * GPT_WHY_MAX + 64];
  if (gpt_read_layout(&disk, &layout, why, sizeof(why)) < 0)
    fatal("no usable partition table: %s", why);
  if (layout.primary_why[0] != '\0')
    problem("primary GPT unusable (the backup was used): %s", layout.primary_why);
  else
    check_backup_gpt(disk.nsectors);
  fs_offset = layout.fs.first * GPT_SECTOR_SIZE;
  return (layout.fs.last - layout.fs.first + 1) / SECTORS_PER_BLOCK;
}

// ---- Superblock and log ----

// Maps the file system's sb.size blocks privately: fsck's changes to memory never reach the
// image (--replay writes with pwrite), and only the blocks looked at are read.
static void map_fs(void) {
  uint64 page = (uint64)sysconf(_SC_PAGESIZE), skew = fs_offset % page;
  fs_map_bytes = skew + (uint64)sb.size * BSIZE;
  uint8 *p = mmap(NULL, fs_map_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE, image_fd,
                  (off_t)(fs_offset - skew));
  if (p == MAP_FAILED)
    fatal("cannot map the file system: %s", strerror(errno));
  fs = p + skew;
}

static void unmap_fs(void) {
  uint64 page = (uint64)sysconf(_SC_PAGESIZE);
  munmap(fs - fs_offset % page, fs_map_bytes);
}

// Reads the superblock and checks that the regions follow one another inside the partition;
// then maps the whole file system.
static void load_fs(uint64 part_blocks) {
  uint8 buf[BSIZE];
  read_at(buf, BSIZE, fs_offset + BSIZE);
  memcpy(&sb, buf, sizeof(sb));
  if (sb.magic != FSMAGIC)
    fatal("superblock: bad magic 0x%x (expected 0x%x)", sb.magic, FSMAGIC);
  uint64 inode_blocks = ((uint64)sb.ninodes + IPB - 1) / IPB;
  uint64 first_data = (uint64)sb.bmapstart + ((uint64)sb.size + BPB - 1) / BPB;
  if (sb.size > part_blocks || sb.logstart < 2 || sb.nlog < LOGBLOCKS + 1 ||
      sb.inodestart < (uint64)sb.logstart + sb.nlog || sb.ninodes < 2 ||
      sb.ninodes > 0xFFFF || sb.bmapstart < sb.inodestart + inode_blocks ||
      first_data >= sb.size)
    fatal("superblock: regions do not fit: size %u (partition %lu blocks), log %u+%u, "
          "%u inodes at %u, bitmap at %u, data from %lu", sb.size, part_blocks, sb.logstart,
          sb.nlog, sb.ninodes, sb.inodestart, sb.bmapstart, first_data);
  data_start = (uint)first_data;
  map_fs();
}

// Installs a committed transaction exactly as the kernel's recovery does: log block i+1 goes
// to its home header.block[i], then the header is zeroed. Both in memory and in the image.
static void replay_log(struct logheader *lh) {
  for (uint i = 0; i < lh->n; i++) {
    uint home = lh->block[i];
    memcpy(block_at(home), block_at(sb.logstart + 1 + i), BSIZE);
    write_at(block_at(home), BSIZE, fs_offset + (uint64)home * BSIZE);
  }
  fprintf(report, "fsck: replayed a committed transaction of %u blocks\n", lh->n);
  memset(lh, 0, sizeof(*lh));
  write_at(block_at(sb.logstart), BSIZE, fs_offset + (uint64)sb.logstart * BSIZE);
}

// A non-empty log header means a committed transaction not yet installed. Returns 1 when it
// was replayed.
static int check_log(int replay) {
  struct logheader *lh = (struct logheader *)block_at(sb.logstart);
  if (lh->n == 0)
    return 0;
  if (lh->n > LOGBLOCKS) {
    problem("log header claims %u blocks; the log holds %d", lh->n, LOGBLOCKS);
    return 0;
  }
  for (uint i = 0; i < lh->n; i++) {
    if (lh->block[i] >= sb.size || (lh->block[i] >= sb.logstart &&
                                    lh->block[i] < sb.logstart + sb.nlog)) {
      problem("log entry %u: home block %u is not a file-system block outside the log", i,
              lh->block[i]);
      return 0;
    }
  }
  if (!replay) {
    problem("log holds a committed transaction (run with --replay)");
    return 0;
  }
  replay_log(lh);
  return 1;
}

// ---- Block pointers ----

static int is_data_block(uint bno) { return bno >= data_start && bno < sb.size; }

// Records that inode inum refers to block bno as block `fbn` of its file (or as an index
// block over file blocks from fbn on); `needed` says whether its size calls for that block.
// Returns 1 when bno is a data block that can be read.
static int claim(uint inum, uint bno, uint fbn, int needed, const char *what) {
  if (bno == 0) {
    if (needed)
      problem("inode %u: %s for file block %u is missing (size %u)", inum, what, fbn,
              inode_at(inum)->size);
    return 0;
  }
  if (!is_data_block(bno)) {
    problem("inode %u: %s for file block %u is block %u, outside the data blocks %u-%u", inum,
            what, fbn, bno, data_start, sb.size - 1);
    return 0;
  }
  if (!needed)
    problem("inode %u: %s for file block %u (block %u) is past its size %u", inum, what, fbn,
            bno, inode_at(inum)->size);
  if (block_owner[bno] != 0)
    problem("block %u is used twice: by inode %u and by inode %u", bno, block_owner[bno], inum);
  else
    block_owner[bno] = (uint16)inum;
  return 1;
}

// Claims an index block covering `span` file blocks from fbn, then what it points to. A
// single-indirect block (span NINDIRECT) points at data; a double-indirect one at indirect
// blocks.
static void claim_index(uint inum, uint bno, uint fbn, uint64 span, uint need) {
  const char *what = span == NINDIRECT ? "indirect block" : "double-indirect block";
  if (!claim(inum, bno, fbn, fbn < need, what))
    return;
  const uint32 *entries = (const uint32 *)block_at(bno);
  uint64 each = span / NINDIRECT;
  for (uint i = 0; i < NINDIRECT; i++) {
    uint64 at = fbn + i * each;
    if (each == 1)
      claim(inum, entries[i], (uint)at, at < need, "data block");
    else
      claim_index(inum, entries[i], (uint)at, each, need);
  }
}

// Claims every block inode inum refers to, and checks them against its size.
static void claim_inode_blocks(uint inum) {
  const struct dinode *d = inode_at(inum);
  uint need = (uint)(((uint64)d->size + BSIZE - 1) / BSIZE);
  for (uint i = 0; i < NDIRECT; i++)
    claim(inum, d->addrs[i], i, i < need, "data block");
  claim_index(inum, d->addrs[NDIRECT], NDIRECT, NINDIRECT, need);
  claim_index(inum, d->addrs[NDIRECT + 1], NDIRECT + NINDIRECT, NDINDIRECT, need);
}

// Checks every inode's type and claims the blocks of each allocated one. Returns how many
// inodes are allocated.
static uint scan_inodes(void) {
  uint allocated = 0;
  for (uint inum = 1; inum < sb.ninodes; inum++) {
    const struct dinode *d = inode_at(inum);
    if (d->type == 0)
      continue;
    if (d->type < T_DIR || d->type > T_DEVICE) {
      problem("inode %u: bad type %d", inum, d->type);
      continue;
    }
    allocated++;
    claim_inode_blocks(inum);
  }
  return allocated;
}

// Block n of inode d's file, or NULL when its pointers cannot be followed (already reported
// by the block scan).
static const uint8 *file_block(const struct dinode *d, uint n) {
  uint bno;
  if (n < NDIRECT) {
    bno = d->addrs[n];
  } else if (n - NDIRECT < NINDIRECT) {
    if (!is_data_block(d->addrs[NDIRECT]))
      return NULL;
    bno = ((const uint32 *)block_at(d->addrs[NDIRECT]))[n - NDIRECT];
  } else {
    uint k = n - NDIRECT - NINDIRECT;
    if (!is_data_block(d->addrs[NDIRECT + 1]))
      return NULL;
    uint mid = ((const uint32 *)block_at(d->addrs[NDIRECT + 1]))[k / NINDIRECT];
    if (!is_data_block(mid))
      return NULL;
    bno = ((const uint32 *)block_at(mid))[k % NINDIRECT];
  }
  return is_data_block(bno) ? block_at(bno) : NULL;
}

// Entry k of directory d, or NULL when its block is unreadable.
static const struct dirent *dir_entry(const struct dinode *d, uint k) {
  uint64 off = (uint64)k * sizeof(struct dirent);
  const uint8 *b = file_block(d, (uint)(off / BSIZE));
  return b ? (const struct dirent *)(b + off % BSIZE) : NULL;
}

// ---- The directory walk ----

static const char *type_name(int type) {
  return type == T_DIR ? "dir" : type == T_FILE ? "file" : "device";
}

// Copies an entry's name out as a C string; returns 0 if it is not a proper name (empty, or
// bytes after the first NUL that are not NUL, or a '/').
static int entry_name(const struct dirent *de, char *out) {
  uint len = (uint)strnlen(de->name, DIRSIZ);
  memcpy(out, de->name, len);
  out[len] = '\0';
  for (uint i = len; i < DIRSIZ; i++)
    if (de->name[i] != '\0')
      return 0;
  return len > 0 && strchr(out, '/') == NULL;
}

// Entries 0 and 1 of every directory must be "." (itself) and ".." (its parent).
static void check_dots(const char *path, uint inum, uint parent) {
  const struct dinode *d = inode_at(inum);
  static const char *const want[2] = {".", ".."};
  uint want_inum[2] = {inum, parent};
  if (d->size < 2 * sizeof(struct dirent)) {
    problem("%s: directory of %u bytes has no room for '.' and '..'", path, d->size);
    return;
  }
  for (uint k = 0; k < 2; k++) {
    const struct dirent *de = dir_entry(d, k);
    char name[DIRSIZ + 1];
    if (!de)
      continue;
    if (!entry_name(de, name) || strcmp(name, want[k]) != 0 || de->inum != want_inum[k])
      problem("%s: entry %u is '%.*s' -> %u, expected '%s' -> %u", path, k, DIRSIZ, de->name,
              de->inum, want[k], want_inum[k]);
  }
}

static int compare_names(const void *a, const void *b) {
  return strncmp(a, b, DIRSIZ + 1);
}

// Reports names that occur twice in one directory (names holds n of them, DIRSIZ+1 apart).
static void check_unique(const char *path, char *names, uint n) {
  qsort(names, n, DIRSIZ + 1, compare_names);
  for (uint i = 1; i < n; i++)
    if (strcmp(names + i * (DIRSIZ + 1), names + (i - 1) * (DIRSIZ + 1)) == 0)
      problem("%s: the name '%s' appears twice", path, names + i * (DIRSIZ + 1));
}

static void visit_dir(const char *path, uint inum, uint parent, uint depth, int list);

// Checks one entry (past "." and "..") of directory dir at path, and follows it. Leaves the
// entry's name in name and returns 1, or returns 0 when the name itself is bad.
static int visit_entry(const char *path, uint dir, uint k, const struct dirent *de, char *name,
                       uint depth, int list) {
  if (!entry_name(de, name) || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
    problem("%s: entry %u -> %u has a bad name '%.*s'", path, k, de->inum, DIRSIZ, de->name);
    return 0;
  }
  char child[PATH_BYTES];
  snprintf(child, sizeof(child), "%s%s%s", path, depth ? "/" : "", name);
  if (de->inum >= sb.ninodes) {
    problem("%s: inode number %u is out of range (%u inodes)", child, de->inum, sb.ninodes);
    return 1;
  }
  const struct dinode *d = inode_at(de->inum);
  if (d->type < T_DIR || d->type > T_DEVICE) {
    problem("%s: names inode %u, which is %s", child, de->inum, d->type ? "of bad type" : "free");
    return 1;
  }
  nnames[de->inum]++;
  if (list)
    printf("%s %s %u\n", child, type_name(d->type), d->size);
  if (d->type != T_DIR) {
    reached[de->inum] = 1;
  } else if (reached[de->inum]) {
    problem("%s: directory inode %u has another name already", child, de->inum);
  } else {
    nsubdirs[dir]++;
    visit_dir(child, de->inum, dir, depth + 1, list);
  }
  return 1;
}

// Walks directory inum (at path, whose parent is `parent`) and everything under it.
static void visit_dir(const char *path, uint inum, uint parent, uint depth, int list) {
  const struct dinode *d = inode_at(inum);
  reached[inum] = 1;
  if (depth >= MAX_DEPTH) {
    problem("%s: directories nest deeper than %d; not followed", path, MAX_DEPTH);
    return;
  }
  if (d->size % sizeof(struct dirent) != 0)
    problem("%s: directory size %u is not a multiple of %lu", path, d->size,
            sizeof(struct dirent));
  check_dots(path, inum, parent);
  uint nentries = d->size / sizeof(struct dirent), nseen = 0, room = 16;
  char *names = zalloc(room * (DIRSIZ + 1));
  for (uint k = 2; k < nentries; k++) {
    const struct dirent *de = dir_entry(d, k);
    if (!de || de->inum == 0)
      continue;
    if (nseen == room) {
      room *= 2;
      names = realloc(names, room * (DIRSIZ + 1));
      if (!names)
        fatal("no memory for the names in %s", path);
    }
    nseen += visit_entry(path, inum, k, de, names + nseen * (DIRSIZ + 1), depth, list);
  }
  check_unique(path, names, nseen);
  free(names);
}

// Link counts of the inodes the walk reached, and the allocated inodes it did not reach.
static void check_links(void) {
  for (uint inum = 1; inum < sb.ninodes; inum++) {
    const struct dinode *d = inode_at(inum);
    if (d->type < T_DIR || d->type > T_DEVICE)
      continue;
    if (!reached[inum] && orphans_ok && d->nlink == 0) {
      norphans++;
      continue;
    }
    if (!reached[inum]) {
      problem("inode %u (%s, nlink %d, size %u) is allocated but not reachable from /", inum,
              type_name(d->type), d->nlink, d->size);
      continue;
    }
    uint want = d->type == T_DIR ? 1 + nsubdirs[inum] : nnames[inum];
    if ((uint)d->nlink != want)
      problem("inode %u (%s): nlink %d, but %u expected", inum, type_name(d->type), d->nlink,
              want);
  }
}

// The bitmap must mark exactly the metadata and the blocks some inode refers to. Returns the
// number of data blocks in use.
static uint check_bitmap(void) {
  uint used = 0;
  for (uint b = 0; b < sb.size; b++) {
    int marked = (block_at(BBLOCK(b, sb))[b % BPB / 8] >> (b % 8)) & 1;
    int in_use = b < data_start || block_owner[b] != 0;
    used += b >= data_start && block_owner[b] != 0;
    if (marked == in_use)
      continue;
    if (b < data_start)
      problem("bitmap: metadata block %u is marked free", b);
    else if (in_use)
      problem("bitmap: block %u is marked free but inode %u uses it", b, block_owner[b]);
    else
      problem("bitmap: block %u is marked used but nothing refers to it", b);
  }
  return used;
}

static void check_fs(int list) {
  if (sb.nblocks != sb.size - data_start)
    problem("superblock: %u data blocks, but the layout leaves %u", sb.nblocks,
            sb.size - data_start);
  block_owner = zalloc((uint64)sb.size * sizeof(*block_owner));
  nnames = zalloc((uint64)sb.ninodes * sizeof(*nnames));
  nsubdirs = zalloc((uint64)sb.ninodes * sizeof(*nsubdirs));
  reached = zalloc(sb.ninodes);
  uint allocated = scan_inodes();
  if (inode_at(ROOTINO)->type != T_DIR) {
    problem("root inode %d is not a directory (type %d)", ROOTINO, inode_at(ROOTINO)->type);
  } else {
    if (list)
      printf("/ dir %u\n", inode_at(ROOTINO)->size);
    visit_dir("/", ROOTINO, ROOTINO, 0, list);
    check_links();
  }
  uint used = check_bitmap();
  if (nproblems > 0)
    finish_failed();
  fprintf(report, "fsck: clean: %u inodes, %u data blocks used", allocated, used);
  if (norphans)
    fprintf(report, ", %u orphans (nlink 0: the next boot frees them)", norphans);
  fprintf(report, "\n");
}

// ---- --cat ----

// The inode at an absolute path, or 0.
static uint lookup(const char *path) {
  uint inum = ROOTINO;
  for (const char *p = path; *p;) {
    while (*p == '/')
      p++;
    uint len = (uint)strcspn(p, "/");
    if (len == 0)
      break;
    const struct dinode *d = inode_at(inum);
    if (d->type != T_DIR || len > DIRSIZ)
      return 0;
    uint next = 0;
    for (uint k = 0; k < d->size / sizeof(struct dirent) && next == 0; k++) {
      const struct dirent *de = dir_entry(d, k);
      if (de && de->inum != 0 && de->inum < sb.ninodes && strncmp(de->name, p, len) == 0 &&
          (len == DIRSIZ || de->name[len] == '\0'))
        next = de->inum;
    }
    if (next == 0)
      return 0;
    inum = next;
    p += len;
  }
  return inum;
}

// Writes the file at path to stdout; returns the exit status.
static int cat_file(const char *path) {
  uint inum = path[0] == '/' ? lookup(path) : 0;
  if (inum == 0) {
    fprintf(stderr, "fsck: %s: no such file\n", path);
    return 1;
  }
  const struct dinode *d = inode_at(inum);
  if (d->type != T_FILE) {
    fprintf(stderr, "fsck: %s: not a file\n", path);
    return 1;
  }
  for (uint64 off = 0; off < d->size; off += BSIZE) {
    const uint8 *b = file_block(d, (uint)(off / BSIZE));
    if (!b) {
      fprintf(stderr, "fsck: %s: file block %lu cannot be read\n", path, off / BSIZE);
      return 1;
    }
    uint64 n = MIN((uint64)BSIZE, d->size - off);
    if (fwrite(b, 1, n, stdout) != n)
      return 1;
  }
  return fflush(stdout) == 0 ? 0 : 1;
}

// ---- main ----

static void usage(void) {
  fprintf(stderr, "%s\n", usage_text);
  exit(2);
}

static struct options parse_args(int argc, char **argv) {
  struct options o = {0};
  int i = 1;
  for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
    if (strcmp(argv[i], "--replay") == 0)
      o.replay = 1;
    else if (strcmp(argv[i], "--orphans") == 0)
      o.orphans = 1;
    else if (strcmp(argv[i], "--list") == 0)
      o.list = 1;
    else if (strcmp(argv[i], "--cat") == 0 && i + 1 < argc)
      o.cat = argv[++i];
    else
      usage();
  }
  if (i != argc - 1)
    usage();
  o.image = argv[i];
  return o;
}

int main(int argc, char **argv) {
  struct options o = parse_args(argc, argv);
  report = o.cat ? stderr : stdout;
  orphans_ok = o.orphans;
  image_fd = open(o.image, o.replay ? O_RDWR : O_RDONLY);
  if (image_fd < 0)
    fatal("%s: %s", o.image, strerror(errno));
  uint64 part_blocks = find_fs_partition();
  load_fs(part_blocks);
  if (check_log(o.replay)) {
    unmap_fs();
    load_fs(part_blocks);  // the transaction may have rewritten the superblock
  }
  if (o.cat)
    return cat_file(o.cat);  // problems so far went to stderr as warnings
  check_fs(o.list);
  return 0;
}
