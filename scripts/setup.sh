#!/bin/sh
# Makes sure the tools sloth needs are installed, installing what is missing with apt-get
# (through sudo when not root) and saying what it installs.
#   scripts/setup.sh              the tools to build, run and grade
#   scripts/setup.sh TOOL...      those tools as well (gdb-multiarch, bear)
#   scripts/setup.sh --doctor     report versions and what is missing; install nothing
set -u

# tool to look for -> Debian package that provides it
package_of() {
  case $1 in
    riscv64-unknown-elf-gcc) echo gcc-riscv64-unknown-elf ;;
    qemu-system-riscv64) echo qemu-system-misc ;;
    fw_dynamic.bin) echo opensbi ;;
    sfdisk) echo fdisk ;;
    python3) echo python3 ;;
    cc) echo gcc ;;
    stdio.h) echo libc6-dev ;;
    gdb-multiarch) echo gdb-multiarch ;;
    bear) echo bear ;;
    *) echo "$1" ;;
  esac
}

OPENSBI=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin

have() {
  case $1 in
    fw_dynamic.bin) [ -f "$OPENSBI" ] ;;
    stdio.h) [ -f /usr/include/stdio.h ] ;;
    sfdisk) command -v sfdisk >/dev/null 2>&1 || [ -x /usr/sbin/sfdisk ] || [ -x /sbin/sfdisk ] ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

# The host compiler builds mkfs and the unit tests (libc6-dev: its headers, which gcc only
# recommends); gdb-multiarch is needed by make gdb and by the grader's gdb test.
tools="riscv64-unknown-elf-gcc qemu-system-riscv64 fw_dynamic.bin sfdisk python3 cc stdio.h gdb-multiarch"

if [ "${1:-}" = "--doctor" ]; then
  status=0
  for t in $tools bear; do
    if have "$t"; then
      case $t in
        riscv64-unknown-elf-gcc) v=$($t --version | head -n1) ;;
        qemu-system-riscv64) v=$($t --version | head -n1) ;;
        fw_dynamic.bin) v="opensbi $(dpkg-query -W -f='${Version}' opensbi 2>/dev/null)" ;;
        gdb-multiarch) v=$($t --version | head -n1) ;;
        sfdisk) v=$(PATH=$PATH:/usr/sbin:/sbin sfdisk --version) ;;
        stdio.h) v="libc6-dev $(dpkg-query -W -f='${Version}' libc6-dev 2>/dev/null)" ;;
        *) v=$($t --version 2>&1 | head -n1) ;;
      esac
      printf '  ok       %-24s %s\n' "$t" "$v"
    else
      printf '  MISSING  %-24s install: apt-get install %s\n' "$t" "$(package_of "$t")"
      status=1
    fi
  done
  [ $status = 0 ] && echo "doctor: everything sloth needs is installed" ||
    echo "doctor: run 'make qemu' or 'scripts/setup.sh' to install what is missing"
  exit $status
fi

missing=""
for t in $tools "$@"; do
  have "$t" || missing="$missing $(package_of "$t")"
done
[ -z "$missing" ] && exit 0

echo "setup: installing$missing (Debian packages sloth needs)"
if [ "$(id -u)" = 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "setup: not root and no sudo: install$missing yourself" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q && $SUDO apt-get install -y -q --no-install-recommends $missing || {
  echo "setup: apt-get failed to install$missing" >&2
  exit 1
}
