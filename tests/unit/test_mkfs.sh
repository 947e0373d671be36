#!/bin/bash
# test_mkfs: proves that mkfs writes a disk image standard tools accept (sfdisk reads the GPT,
# partition types, names, 1 MiB-aligned starts and sizes as asked), that the file system in it
# holds the files given (fsck --cat, --list), follows the link-count convention and passes fsck,
# that images are reproducible, that fsck catches injected corruptions and replays a committed
# log, and that mkfs refuses bad input without leaving a half-written image.
#   usage: tests/unit/test_mkfs.sh MKFS FSCK WORKDIR
set -eu

if [ $# -ne 3 ]; then
  echo "usage: $0 MKFS FSCK WORKDIR" >&2
  exit 2
fi
MKFS=$1
FSCK=$2
WORK=$3
SFDISK=$(command -v sfdisk || echo /sbin/sfdisk)
mkdir -p "$WORK"
rm -f "$WORK"/*.img "$WORK"/*.img.tmp.* "$WORK"/*.out

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "test_mkfs: FAIL: $*"; }

# check DESCRIPTION COMMAND...: the command must succeed.
check() {
  local what=$1
  shift
  if "$@" >"$WORK/check.out" 2>&1; then
    pass
  else
    fail "$what ($(head -c 300 "$WORK/check.out"))"
  fi
}

# A helper that reads and damages images on its own (it does not trust mkfs or fsck): finds
# partition 1 through the GPT entry array, the superblock, inodes and directory entries.
PYHELPER=$(cat <<'EOF'
import json, struct, sys

BSIZE, IPB = 4096, 64

class Fs:
    def __init__(self, path):
        self.f = open(path, "r+b")
        self.f.seek(2 * 512 + 32)
        self.base = struct.unpack("<Q", self.f.read(8))[0] * 512  # entry 1's first LBA
        (self.magic, self.size, self.nblocks, self.ninodes, self.nlog, self.logstart,
         self.inodestart, self.bmapstart) = struct.unpack("<8I", self.read(1, 0, 32))

    def read(self, block, off, n):
        self.f.seek(self.base + block * BSIZE + off)
        return self.f.read(n)

    def write(self, block, off, data):
        self.f.seek(self.base + block * BSIZE + off)
        self.f.write(data)

    def inode_pos(self, inum):
        return self.inodestart + inum // IPB, (inum % IPB) * 64

    def inode(self, inum):  # [type, major, minor, nlink, size, addrs...]
        return list(struct.unpack("<4hI13I", self.read(*self.inode_pos(inum), 64)))

    def put_inode(self, inum, fields):
        self.write(*self.inode_pos(inum), struct.pack("<4hI13I", *fields))

    def lookup(self, path):  # directories here fit in their first block
        inum = 1
        for name in [c for c in path.split("/") if c]:
            d = self.inode(inum)
            data = self.read(d[5], 0, d[4])
            ents = [struct.unpack("<H14s", data[i:i + 16]) for i in range(0, len(data), 16)]
            inum = next(i for i, n in ents if i and n.rstrip(b"\0").decode() == name)
        return inum

    def flip_bitmap_bit(self, b):
        blk, off = self.bmapstart + b // (BSIZE * 8), (b % (BSIZE * 8)) // 8
        byte = self.read(blk, off, 1)[0]
        self.write(blk, off, bytes([byte ^ (1 << (b % 8))]))
        return (byte >> (b % 8)) & 1

def corrupt(img, what, args):
    if what == "gpt-crc":  # one bit of the primary header's CRC field
        with open(img, "r+b") as f:
            f.seek(512 + 16)
            b = f.read(1)[0]
            f.seek(512 + 16)
            f.write(bytes([b ^ 1]))
        return
    fs = Fs(img)
    if what == "magic":
        fs.write(1, 0, struct.pack("<I", fs.magic ^ 0x100))
    elif what == "bitmap-free":  # a used data block marked free
        block = fs.inode(fs.lookup(args[0]))[5]
        assert fs.flip_bitmap_bit(block) == 1
    elif what == "nlink":
        inum = fs.lookup(args[0])
        d = fs.inode(inum)
        d[3] += 1
        fs.put_inode(inum, d)
    elif what == "share":  # args[1]'s first block becomes args[0]'s first block
        a, b = fs.inode(fs.lookup(args[0])), fs.lookup(args[1])
        d = fs.inode(b)
        d[5] = a[5]
        fs.put_inode(b, d)
    elif what == "orphan":  # args[0] unlinked while open: no entry names it, nlink 0
        parent, name = args[0].rsplit("/", 1)
        inum, dinum = fs.lookup(args[0]), fs.lookup(parent)
        d = fs.inode(dinum)
        data = fs.read(d[5], 0, d[4])
        off = next(i for i in range(0, len(data), 16)
                   if struct.unpack("<H14s", data[i:i + 16]) == (inum, name.encode().ljust(14, b"\0")))
        fs.write(d[5], off, b"\0\0")
        f = fs.inode(inum)
        f[3] = 0
        fs.put_inode(inum, f)
    elif what == "log":  # a committed transaction rewriting args[0]'s first block with 'L's
        home = fs.inode(fs.lookup(args[0]))[5]
        fs.write(fs.logstart + 1, 0, b"L" * BSIZE)
        fs.write(fs.logstart, 0, struct.pack("<II", 1, home))
    else:
        sys.exit("unknown corruption " + what)

def nlinks(img, paths):  # prints "PATH:NLINK" for each path
    fs = Fs(img)
    for path in paths:
        print("%s:%d" % (path, fs.inode(fs.lookup(path))[3]))

# Checks sfdisk --json output (stdin) for the expected layout; prints each mismatch.
def layout(fs_mib, swap_mib):
    t = json.load(sys.stdin)["partitiontable"]
    want = [("0FC63DAF-8483-4772-8E79-3D69D8477DE4", "sloth-fs", int(fs_mib)),
            ("0657FD6D-A4AB-43C4-84E5-0933C84B4F4F", "sloth-swap", int(swap_mib))]
    bad = []
    if t.get("label") != "gpt":
        bad.append("label %r" % t.get("label"))
    parts = t.get("partitions", [])
    if len(parts) != 2:
        bad.append("%d partitions" % len(parts))
    for p, (ptype, name, mib) in zip(parts, want):
        if p["type"].upper() != ptype:
            bad.append("%s type %s" % (p["node"], p["type"]))
        if p.get("name") != name:
            bad.append("%s name %r" % (p["node"], p.get("name")))
        if p["start"] % 2048 != 0:
            bad.append("%s start %d" % (p["node"], p["start"]))
        if p["size"] != mib * 2048:
            bad.append("%s size %d sectors, expected %d" % (p["node"], p["size"], mib * 2048))
    if len(parts) == 2 and parts[0]["start"] + parts[0]["size"] > parts[1]["start"]:
        bad.append("partitions overlap")
    print("; ".join(bad))
    sys.exit(1 if bad else 0)

cmd, args = sys.argv[1], sys.argv[2:]
if cmd == "corrupt":
    corrupt(args[0], args[1], args[2:])
elif cmd == "nlinks":
    nlinks(args[0], args[1:])
elif cmd == "layout":
    layout(*args)
EOF
)
py() { python3 -c "$PYHELPER" "$@"; }

# ---- Host files to copy in ----
SRC=$WORK/src
mkdir -p "$SRC"
head -c $((9 * 1024 * 1024)) /dev/urandom >"$SRC/big"  # needs the double-indirect block
head -c 12345 /dev/urandom >"$SRC/fork-wait"
printf 'hello, sloth\n' >"$SRC/small"
: >"$SRC/empty"
head -c 5000 /dev/urandom >"$SRC/long"
FILES=(/README="$0" /tests/fork-wait="$SRC/fork-wait" /d1/small="$SRC/small"
       /d1/d2/d3/big="$SRC/big" /d1/empty="$SRC/empty" /d1/abcdefghijklmn="$SRC/long")

# ---- The partition table, read by sfdisk ----
# check_sfdisk IMG FS_MIB SWAP_MIB: sfdisk lists IMG without a warning, verifies it, and its
# JSON shows the two partitions as asked.
check_sfdisk() {
  local img=$1 st=0
  "$SFDISK" -l "$img" >"$WORK/sfdisk.out" 2>"$WORK/sfdisk.err" || st=$?
  if [ $st -eq 0 ] && grep -q '^Disklabel type: gpt$' "$WORK/sfdisk.out" &&
     [ ! -s "$WORK/sfdisk.err" ]; then
    pass
  else
    fail "sfdisk -l $img: status $st: $(cat "$WORK/sfdisk.out" "$WORK/sfdisk.err")"
  fi
  if "$SFDISK" --verify "$img" 2>&1 | grep -q 'No errors detected'; then
    pass
  else
    fail "sfdisk --verify $img: $("$SFDISK" --verify "$img" 2>&1)"
  fi
  local why
  if why=$("$SFDISK" --json "$img" | py layout "$2" "$3"); then
    pass
  else
    fail "sfdisk --json $img: expected a $2 MiB fs and $3 MiB swap: $why"
  fi
}
check "mkfs with the default sizes" "$MKFS" "$WORK/default.img"
check_sfdisk "$WORK/default.img" 64 32
check "mkfs --fs-size 16 --swap-size 8" \
  "$MKFS" --fs-size 16 --swap-size 8 "$WORK/small.img" "${FILES[@]:0:3}"
check_sfdisk "$WORK/small.img" 16 8
check "fsck: the small image is clean" "$FSCK" "$WORK/small.img"

# ---- The file system ----
check "mkfs with files, nested directories and a 9 MiB file" "$MKFS" "$WORK/full.img" "${FILES[@]}"
out=$("$FSCK" "$WORK/full.img" 2>&1) && st=0 || st=$?
if [ "$st" -eq 0 ] && echo "$out" | grep -qx 'fsck: clean: 11 inodes, [0-9]* data blocks used'; then
  pass
else
  fail "fsck on a fresh image: status $st: $out"
fi
for f in "${FILES[@]}"; do
  "$FSCK" --cat "${f%%=*}" "$WORK/full.img" >"$WORK/cat.out" || true
  check "fsck --cat ${f%%=*} gives the file's bytes" cmp "$WORK/cat.out" "${f#*=}"
done
"$FSCK" --list "$WORK/full.img" >"$WORK/list.out" 2>&1 || true
for line in "/ dir 80" "/README file $(stat -c %s "$0")" "/tests dir 48" \
    "/tests/fork-wait file 12345" "/d1 dir 96" "/d1/small file 13" "/d1/d2 dir 48" \
    "/d1/d2/d3 dir 48" "/d1/d2/d3/big file 9437184" "/d1/empty file 0" \
    "/d1/abcdefghijklmn file 5000"; do
  if grep -qxF "$line" "$WORK/list.out"; then pass; else fail "fsck --list lacks '$line'"; fi
done
if [ "$(grep -c '^/' "$WORK/list.out")" -eq 11 ]; then
  pass
else
  fail "fsck --list: not 11 paths: $(cat "$WORK/list.out")"
fi
# xv6's convention: a directory has 1 + one per subdirectory; "." and ".." do not count.
py nlinks "$WORK/full.img" / /d1 /d1/d2 /d1/d2/d3 /tests /d1/d2/d3/big >"$WORK/nlink.out" 2>&1 ||
  true
for want in /:3 /d1:2 /d1/d2:2 /d1/d2/d3:1 /tests:1 /d1/d2/d3/big:1; do
  if grep -qxF "$want" "$WORK/nlink.out"; then
    pass
  else
    fail "nlink: expected ${want#*:} for ${want%%:*}: $(tr '\n' ' ' <"$WORK/nlink.out")"
  fi
done
check "mkfs again with the same files" "$MKFS" "$WORK/again.img" "${FILES[@]}"
check "two runs give byte-identical images" cmp "$WORK/full.img" "$WORK/again.img"

# ---- fsck catches corruptions ----
# expect_problem NAME REGEX CORRUPTION [ARGS]: fsck on a damaged copy exits 1 saying REGEX.
expect_problem() {
  local name=$1 regex=$2 img=$WORK/bad-$1.img
  shift 2
  cp --sparse=always "$WORK/full.img" "$img"
  py corrupt "$img" "$@"
  local out st=0
  out=$("$FSCK" "$img" 2>&1) || st=$?
  if [ $st -eq 1 ] && echo "$out" | grep -qE "$regex" &&
     echo "$out" | tail -n 1 | grep -qE '^fsck: [0-9]+ problems$'; then
    pass
  else
    fail "fsck on $name: status $st, expected 1 and /$regex/: $out"
  fi
}
expect_problem magic 'superblock: bad magic' magic
expect_problem bitmap 'bitmap: block [0-9]+ is marked free but inode [0-9]+ uses it' \
  bitmap-free /d1/small
expect_problem nlink 'inode [0-9]+ \(file\): nlink 2, but 1 expected' nlink /d1/small
expect_problem dirnlink 'inode 1 \(dir\): nlink 4, but 3 expected' nlink /
expect_problem shared 'block [0-9]+ is used twice' share /d1/small /tests/fork-wait
expect_problem gpt 'primary GPT unusable.*header CRC mismatch' gpt-crc

# An orphan (a file unlinked while open when the machine stopped): a problem, except with
# --orphans, which counts it (the kernel frees it at the next boot).
expect_problem orphan 'inode [0-9]+ \(file, nlink 0, size [0-9]+\) is allocated but not reachable' \
  orphan /d1/small
out=$("$FSCK" --orphans "$WORK/bad-orphan.img" 2>&1) && st=0 || st=$?
if [ "$st" -eq 0 ] && echo "$out" | grep -qE '^fsck: clean: .*, 1 orphans \(nlink 0: the next boot frees them\)$'; then
  pass
else
  fail "fsck --orphans on an image with one orphan: status $st: $out"
fi

# A committed transaction: reported without --replay, installed with it.
expect_problem log 'log holds a committed transaction \(run with --replay\)' log /d1/small
cp --sparse=always "$WORK/bad-log.img" "$WORK/replay.img"
out=$("$FSCK" --replay "$WORK/replay.img" 2>&1) && st=0 || st=$?
if [ "$st" -eq 0 ] && echo "$out" | grep -q 'replayed a committed transaction of 1 blocks'; then
  pass
else
  fail "fsck --replay: status $st: $out"
fi
"$FSCK" --cat /d1/small "$WORK/replay.img" >"$WORK/cat.out" || true
check "after --replay the home block holds the logged data" grep -qx LLLLLLLLLLLLL "$WORK/cat.out"
check "after --replay the log is empty" "$FSCK" "$WORK/replay.img"

# ---- mkfs refuses bad input, leaving no image behind ----
# expect_refusal NAME REGEX ARGS...: mkfs exits non-zero, says REGEX, writes no image.
expect_refusal() {
  local name=$1 regex=$2 img=$WORK/refused.img
  shift 2
  rm -f "$img"
  local out st=0
  out=$("$MKFS" "$@" "$img" "${FILES[@]:0:1}" "${REFUSE_FILES[@]}" 2>&1) || st=$?
  if [ $st -ne 0 ] && echo "$out" | grep -qE "$regex" && [ ! -e "$img" ] &&
     ! compgen -G "$img.tmp.*" >/dev/null; then
    pass
  else
    fail "mkfs $name: status $st, expected failure saying /$regex/ and no image: $out"
  fi
}
head -c $((2 * 1024 * 1024)) /dev/zero >"$SRC/2mib"
truncate -s 5G "$SRC/huge"
REFUSE_FILES=(/a/missing="$SRC/no-such-file"); expect_refusal "missing source" 'No such file'
REFUSE_FILES=(/a/abcdefghijklmno="$SRC/small"); expect_refusal "long name" 'longer than 14'
REFUSE_FILES=(/x/abcdefghijklmno/f="$SRC/small"); expect_refusal "long dir name" 'longer than 14'
REFUSE_FILES=(/a/f="$SRC/small" //a//f="$SRC/small"); expect_refusal "duplicate" 'duplicate'
REFUSE_FILES=(/f="$SRC/small" /f/g="$SRC/small"); expect_refusal "file as dir" 'not a directory'
REFUSE_FILES=(/f="$SRC/huge"); expect_refusal "file too big" 'too big'
REFUSE_FILES=(/a="$SRC/small" /b="$SRC/small"); expect_refusal "out of inodes" 'out of inodes' \
  --inodes 3
REFUSE_FILES=(/f="$SRC/2mib"); expect_refusal "out of blocks" 'out of blocks' --fs-size 1
REFUSE_FILES=(); expect_refusal "fs too small" 'too small' --fs-size 1 --inodes 60000
REFUSE_FILES=(); expect_refusal "bad size" 'fs-size' --fs-size 0
REFUSE_FILES=(relative="$SRC/small"); expect_refusal "relative destination" 'absolute'

if [ $failed -ne 0 ]; then
  echo "test_mkfs: $failed of $((passed + failed)) checks failed"
  exit 1
fi
rm -f "$WORK"/*.img "$SRC/huge"
echo "test_mkfs: $passed checks passed"
