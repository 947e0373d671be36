#!/bin/sh
# test_setup: proves that scripts/setup.sh tells the systems apart from their os-release (and
# macOS from uname), names each system's package for every tool, finds the cross toolchain
# prefix, the OpenSBI firmware and gdb in their order of preference with the system's own
# choice when nothing is installed, and that doctor and the installer name the missing
# packages with the system's package manager (and only Debian's installer runs). Run by dash:
# setup.sh must stay POSIX sh. Each case runs with a PATH of its own that holds only stubs
# and the few utilities setup.sh uses, so the host's own tools do not count.
#   usage: tests/unit/test_setup.sh WORKDIR
set -u

if [ $# -ne 1 ]; then
  echo "usage: $0 WORKDIR" >&2
  exit 2
fi
SETUP=$(cd "$(dirname "$0")/../.." && pwd)/scripts/setup.sh
WORK=$1
rm -rf "$WORK"
mkdir -p "$WORK/etc" "$WORK/fw"
SH=$(command -v dash || command -v sh)

passed=0
failed=0
# expect DESCRIPTION GOT WANTED
expect() {
  if [ "$2" = "$3" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "test_setup: FAIL: $1: got '$2', expected '$3'"
  fi
}
# expect_in DESCRIPTION TEXT PART: PART must occur in TEXT (runs of spaces count as one).
expect_in() {
  text=$(echo "$2" | tr -s ' ')
  part=$(echo "$3" | tr -s ' ')
  case $text in
    *"$part"*) passed=$((passed + 1)) ;;
    *) failed=$((failed + 1)); echo "test_setup: FAIL: $1: '$3' not in: $2" ;;
  esac
}

# A bin directory with the utilities setup.sh needs and stubs named TOOL... that print
# "stub TOOL" (for --version).
make_bin() {
  dir=$WORK/bin-$1
  shift
  mkdir -p "$dir"
  for u in sed head tr uname id; do
    ln -sf "$(command -v $u)" "$dir/$u"
  done
  for t in "$@"; do
    printf '#!/bin/sh\necho "stub %s"\n' "$t" >"$dir/$t"
    chmod +x "$dir/$t"
  done
  echo "$dir"
}

os_release() {  # os_release NAME ID ID_LIKE: writes WORK/etc/NAME
  {
    echo "PRETTY_NAME=\"$1\""
    echo "ID=$2"
    [ -n "$3" ] && echo "ID_LIKE=\"$3\""
  } >"$WORK/etc/$1"
  echo "$WORK/etc/$1"
}

# run OS_RELEASE PATH ARGS...: setup.sh under that os-release and PATH (no Makefile values).
run() {
  rel=$1
  bin=$2
  shift 2
  env -i PATH="$bin" SLOTH_OS_RELEASE="$rel" SLOTH_UNAME=Linux SLOTH_OPENSBI_DIRS="$WORK/fw" \
    "$SH" "$SETUP" "$@" 2>&1
}

EMPTY=$(make_bin empty)
DEBIAN=$(os_release debian debian "")
UBUNTU=$(os_release ubuntu ubuntu debian)
MINT=$(os_release mint linuxmint "ubuntu debian")
FEDORA=$(os_release fedora fedora "")
ROCKY=$(os_release rocky rocky "rhel centos fedora")
ARCH=$(os_release arch arch "")
MANJARO=$(os_release manjaro manjaro arch)
SUSE=$(os_release suse opensuse-tumbleweed "opensuse suse")

# --- which system ---
for pair in "$DEBIAN debian" "$UBUNTU debian" "$MINT debian" "$FEDORA fedora" "$ROCKY fedora" \
            "$ARCH arch" "$MANJARO arch" "$SUSE unknown" "$WORK/etc/none unknown"; do
  set -- $pair
  expect "system of $(basename "$1")" "$(run "$1" "$EMPTY" --system)" "$2"
done
printf 'ID="debian"\n' >"$WORK/etc/quoted"
expect "quoted ID" "$(run "$WORK/etc/quoted" "$EMPTY" --system)" debian
expect "macOS by uname" "$(env -i PATH="$EMPTY" SLOTH_OS_RELEASE="$DEBIAN" SLOTH_UNAME=Darwin \
  "$SH" "$SETUP" --system)" macos

# --- package names: tool system package ---
while read -r tool system package; do
  [ -z "$tool" ] && continue
  [ "$package" = "-" ] && package=""
  got=$(run "$DEBIAN" "$EMPTY" --package "$tool" "$system")
  expect "package for $tool on $system" "$got" "$package"
done <<'EOF'
riscv64-gcc debian gcc-riscv64-unknown-elf
riscv64-gcc fedora gcc-riscv64-linux-gnu binutils-riscv64-linux-gnu
riscv64-gcc arch riscv64-elf-gcc
riscv64-gcc macos riscv64-elf-gcc
qemu-system-riscv64 debian qemu-system-misc
qemu-system-riscv64 fedora qemu-system-riscv
qemu-system-riscv64 arch qemu-system-riscv
qemu-system-riscv64 macos qemu
fw_dynamic.bin debian opensbi
fw_dynamic.bin fedora qemu-system-riscv
fw_dynamic.bin arch qemu-system-riscv-firmware
fw_dynamic.bin macos qemu
sfdisk debian fdisk
sfdisk fedora util-linux
sfdisk arch util-linux
python3 debian python3
python3 fedora python3
python3 arch python
python3 macos python3
cc debian gcc
cc fedora gcc
cc arch gcc
cc macos -
stdio.h debian libc6-dev
stdio.h fedora glibc-devel
stdio.h arch glibc
stdio.h macos -
gdb debian gdb-multiarch
gdb fedora gdb
gdb arch riscv64-elf-gdb
gdb macos riscv64-elf-gdb
bear debian bear
bear fedora bear
EOF
expect "--package wants two arguments" "$(run "$DEBIAN" "$EMPTY" --package gdb >/dev/null; echo $?)" 2

# --- the toolchain prefix: installed ones in order of preference, else the system's ---
B=$(make_bin elf riscv64-elf-gcc)
expect "only riscv64-elf-gcc" "$(run "$DEBIAN" "$B" --toolprefix)" riscv64-elf-
B=$(make_bin gnu-elf riscv64-linux-gnu-gcc riscv64-elf-gcc)
expect "linux-gnu before elf" "$(run "$ARCH" "$B" --toolprefix)" riscv64-linux-gnu-
B=$(make_bin all riscv64-elf-gcc riscv64-linux-gnu-gcc riscv64-unknown-elf-gcc)
expect "unknown-elf first" "$(run "$FEDORA" "$B" --toolprefix)" riscv64-unknown-elf-
B=$(make_bin binutils-only riscv64-unknown-elf-ld)
expect "a prefix needs its gcc" "$(run "$ARCH" "$B" --toolprefix)" riscv64-elf-
expect "none on debian" "$(run "$DEBIAN" "$EMPTY" --toolprefix)" riscv64-unknown-elf-
expect "none on fedora" "$(run "$FEDORA" "$EMPTY" --toolprefix)" riscv64-linux-gnu-
expect "none on arch" "$(run "$MANJARO" "$EMPTY" --toolprefix)" riscv64-elf-

# --- gdb ---
B=$(make_bin gdbs gdb riscv64-elf-gdb)
expect "a cross gdb before plain gdb" "$(run "$FEDORA" "$B" --gdb)" riscv64-elf-gdb
B=$(make_bin gdb-multi gdb riscv64-elf-gdb gdb-multiarch)
expect "gdb-multiarch first" "$(run "$ARCH" "$B" --gdb)" gdb-multiarch
expect "no gdb on fedora" "$(run "$FEDORA" "$EMPTY" --gdb)" gdb
expect "no gdb on debian" "$(run "$DEBIAN" "$EMPTY" --gdb)" gdb-multiarch
B=$(make_bin host-gdb gdb)
printf '#!/bin/sh\necho "Undefined item: riscv:rv64." >&2\nexit 1\n' >"$B/gdb"
expect "a host-only gdb does not count" "$(run "$DEBIAN" "$B" --gdb)" gdb-multiarch

# --- the firmware: the first directory that holds fw_dynamic.bin, else QEMU's own ---
mkdir -p "$WORK/fw/a" "$WORK/fw/b"
: >"$WORK/fw/b/fw_dynamic.bin"
found=$(env -i PATH="$EMPTY" SLOTH_OPENSBI_DIRS="$WORK/fw/a $WORK/fw/b" "$SH" "$SETUP" --opensbi)
expect "firmware in the second directory" "$found" "$WORK/fw/b/fw_dynamic.bin"
: >"$WORK/fw/a/fw_dynamic.bin"
found=$(env -i PATH="$EMPTY" SLOTH_OPENSBI_DIRS="$WORK/fw/a $WORK/fw/b" "$SH" "$SETUP" --opensbi)
expect "firmware in the first directory" "$found" "$WORK/fw/a/fw_dynamic.bin"
expect "no firmware: QEMU's own" "$(run "$DEBIAN" "$EMPTY" --opensbi)" default

# --- doctor and the installer name the system's packages ---
out=$(run "$FEDORA" "$EMPTY" --doctor)
status=$?
expect "doctor fails with tools missing" "$status" 1
expect_in "doctor names the system" "$out" "system fedora"
expect_in "doctor: fedora's gcc" "$out" \
  "riscv64-linux-gnu-gcc     install: sudo dnf install gcc-riscv64-linux-gnu binutils-riscv64-linux-gnu"
expect_in "doctor: fedora's qemu" "$out" "install: sudo dnf install qemu-system-riscv"
expect_in "doctor: fedora's gdb" "$out" "gdb                       install: sudo dnf install gdb"
out=$(run "$ARCH" "$EMPTY" --doctor)
expect_in "doctor: arch's gcc" "$out" "riscv64-elf-gcc           install: sudo pacman -S --needed riscv64-elf-gcc"
expect_in "doctor: arch's python" "$out" "install: sudo pacman -S --needed python"
out=$(env -i PATH="$EMPTY" SLOTH_UNAME=Darwin SLOTH_OPENSBI_DIRS="$WORK/fw" "$SH" "$SETUP" --doctor)
expect_in "doctor: homebrew's qemu" "$out" "qemu-system-riscv64       install: brew install qemu"
expect_in "doctor: macOS's compiler" "$out" "install: xcode-select --install"
B=$(make_bin most riscv64-linux-gnu-gcc qemu-system-riscv64 sfdisk python3 cc gdb bear)
out=$(run "$FEDORA" "$B" --doctor)
expect_in "doctor: an installed tool is ok" "$out" "ok       riscv64-linux-gnu-gcc     stub riscv64-linux-gnu-gcc"
out=$(run "$FEDORA" "$B")
status=$?
expect "setup on fedora stops when something is missing" "$status" 1
expect_in "setup on fedora says what to run" "$out" "on fedora install them with: sudo dnf install"
B=$(make_bin debian-but-apt riscv64-unknown-elf-gcc qemu-system-riscv64 sfdisk python3 cc gdb-multiarch)
out=$(env -i PATH="$B" SLOTH_OS_RELEASE="$DEBIAN" SLOTH_UNAME=Linux SLOTH_OPENSBI_DIRS="$WORK/fw" \
  TOOLPREFIX=riscv64-linux-gnu- "$SH" "$SETUP" 2>&1)
expect_in "setup on debian installs with apt-get, Linux cross gcc when asked" "$out" \
  "setup: installing gcc-riscv64-linux-gnu opensbi"

if [ $failed -ne 0 ]; then
  echo "test_setup: $failed of $((passed + failed)) checks failed"
  exit 1
fi
echo "test_setup: $passed checks passed"
