#!/bin/sh
# Makes sure the tools sloth needs are installed. On Debian and Ubuntu (and their derivatives)
# it installs what is missing with apt-get, through sudo when not root, and says what it
# installs; on Fedora, Arch and macOS it names the packages and the command (dnf, pacman,
# brew) and stops. It also finds the tools for the Makefile.
#   scripts/setup.sh                  the tools to build, run and grade
#   scripts/setup.sh TOOL...          those tools as well (gdb, bear)
#   scripts/setup.sh --doctor         the system, versions and what is missing; installs nothing
#   scripts/setup.sh --toolprefix     the cross toolchain's prefix (the Makefile's TOOLPREFIX)
#   scripts/setup.sh --opensbi        the firmware for QEMU's -bios: a path, or "default"
#   scripts/setup.sh --gdb            the gdb that debugs RISC-V
#   scripts/setup.sh --system         debian, fedora, arch, macos or unknown
#   scripts/setup.sh --package TOOL SYSTEM   the package(s) that provide TOOL on SYSTEM
# TOOLPREFIX, OPENSBI and GDB in the environment (the Makefile passes them) win over the
# search. For tests/unit/test_setup.sh: SLOTH_OS_RELEASE replaces /etc/os-release,
# SLOTH_UNAME the output of uname -s, SLOTH_OPENSBI_DIRS the firmware directories searched.
set -u

# Cross toolchains, in order of preference: Debian/Ubuntu's bare-metal gcc; Debian's, Ubuntu's
# and Fedora's Linux cross gcc (sloth is freestanding, so its libc does not matter); Arch's
# and Homebrew's riscv64-elf-gcc.
PREFIXES="riscv64-unknown-elf- riscv64-linux-gnu- riscv64-elf-"
# Debuggers that know RISC-V: Debian's multiarch gdb, the cross gdbs, then a plain gdb if it
# was built for RISC-V too (Fedora builds its gdb for several targets; Debian's is host-only).
GDBS="gdb-multiarch riscv64-elf-gdb riscv64-unknown-elf-gdb riscv64-linux-gnu-gdb gdb"
DEBIAN_OPENSBI=/usr/lib/riscv64-linux-gnu/opensbi/generic

uname_s() { echo "${SLOTH_UNAME:-$(uname -s)}"; }

# os_field NAME: NAME's value in os-release, without quotes.
os_field() {
  sed -n "s/^$1=//p" "${SLOTH_OS_RELEASE:-/etc/os-release}" 2>/dev/null | head -n 1 | tr -d "\"'"
}

# The system, as far as package names go: by os-release's ID, then its ID_LIKE list (so
# Linux Mint counts as debian, Manjaro as arch, Rocky as fedora).
detect_system() {
  if [ "$(uname_s)" = Darwin ]; then
    echo macos
    return
  fi
  for id in $(os_field ID) $(os_field ID_LIKE); do
    case $id in
      debian | ubuntu) echo debian; return ;;
      fedora) echo fedora; return ;;
      arch) echo arch; return ;;
    esac
  done
  echo unknown
}

# package_of TOOL SYSTEM: the package(s) that provide TOOL on SYSTEM (empty: none; on macOS
# the C compiler and headers come with Xcode's command line tools).
package_of() {
  case $2:$1 in
    debian:riscv64-gcc) echo gcc-riscv64-unknown-elf ;;
    fedora:riscv64-gcc) echo gcc-riscv64-linux-gnu binutils-riscv64-linux-gnu ;;
    arch:riscv64-gcc | macos:riscv64-gcc) echo riscv64-elf-gcc ;;
    debian:qemu-system-riscv64) echo qemu-system-misc ;;
    fedora:qemu-system-riscv64 | arch:qemu-system-riscv64) echo qemu-system-riscv ;;
    macos:qemu-system-riscv64) echo qemu ;;
    debian:fw_dynamic.bin) echo opensbi ;;
    fedora:fw_dynamic.bin) echo qemu-system-riscv ;;
    arch:fw_dynamic.bin) echo qemu-system-riscv-firmware ;;
    macos:fw_dynamic.bin) echo qemu ;;
    debian:sfdisk) echo fdisk ;;
    fedora:sfdisk | arch:sfdisk | macos:sfdisk) echo util-linux ;;
    arch:python3) echo python ;;
    *:python3) echo python3 ;;
    macos:cc | macos:stdio.h) ;;
    *:cc) echo gcc ;;
    debian:stdio.h) echo libc6-dev ;;
    fedora:stdio.h) echo glibc-devel ;;
    arch:stdio.h) echo glibc ;;
    debian:gdb) echo gdb-multiarch ;;
    fedora:gdb) echo gdb ;;
    arch:gdb | macos:gdb) echo riscv64-elf-gdb ;;
    *:riscv64-gcc) echo "a riscv64-unknown-elf or riscv64-linux-gnu gcc" ;;
    *) echo "$1" ;;
  esac
}

# The package for TOOL here: as package_of, but Debian's Linux cross gcc if that is the
# prefix asked for.
package_here() {
  case $SYSTEM:$1:$TOOLPREFIX in
    debian:riscv64-gcc:riscv64-linux-gnu-) echo gcc-riscv64-linux-gnu ;;
    *) package_of "$1" "$SYSTEM" ;;
  esac
}

# install_command SYSTEM PACKAGE...: how to install them there.
install_command() {
  system=$1
  shift
  case $system in
    debian) echo "sudo apt-get install $*" ;;
    fedora) echo "sudo dnf install $*" ;;
    arch) echo "sudo pacman -S --needed $*" ;;
    macos) echo "brew install $*" ;;
    *) echo "install $*" ;;
  esac
}

# The first prefix whose gcc is installed; if none is, the one this system's package gives.
find_toolprefix() {
  for p in $PREFIXES; do
    if command -v "${p}gcc" >/dev/null 2>&1; then
      echo "$p"
      return
    fi
  done
  case $(detect_system) in
    fedora) echo riscv64-linux-gnu- ;;
    arch | macos) echo riscv64-elf- ;;
    *) echo riscv64-unknown-elf- ;;
  esac
}

# Where Debian's opensbi package, Fedora's and Arch's (OpenSBI's own install layout) and
# Homebrew's put fw_dynamic.bin.
opensbi_dirs() {
  if [ -n "${SLOTH_OPENSBI_DIRS+set}" ]; then
    echo "$SLOTH_OPENSBI_DIRS"
    return
  fi
  echo "$DEBIAN_OPENSBI /usr/share/opensbi/lp64/generic/firmware"
  for brew in ${HOMEBREW_PREFIX:-} /opt/homebrew /usr/local /home/linuxbrew/.linuxbrew; do
    echo "$brew/share/opensbi/lp64/generic/firmware"
  done
}

# The first fw_dynamic.bin found, else "default" (QEMU's own copy of OpenSBI).
find_opensbi() {
  for d in $(opensbi_dirs); do
    if [ -f "$d/fw_dynamic.bin" ]; then
      echo "$d/fw_dynamic.bin"
      return
    fi
  done
  echo default
}

# QEMU's own copy of OpenSBI, which -bios default loads (in one of the data directories
# that qemu -L help lists), or nothing.
qemu_opensbi() {
  command -v qemu-system-riscv64 >/dev/null 2>&1 || return
  for d in $(qemu-system-riscv64 -L help 2>/dev/null); do
    if [ -f "$d/opensbi-riscv64-generic-fw_dynamic.bin" ]; then
      echo "$d/opensbi-riscv64-generic-fw_dynamic.bin"
      return
    fi
  done
}

# knows_riscv GDB: can GDB debug RISC-V? A plain gdb is often built for the host alone (Debian's
# gdb package is), and would fail every gdb test; the others in GDBS always can.
knows_riscv() {
  [ "$1" != gdb ] || "$1" -nx -batch -ex "set architecture riscv:rv64" >/dev/null 2>&1
}

find_gdb() {
  for g in $GDBS; do
    if command -v "$g" >/dev/null 2>&1 && knows_riscv "$g"; then
      echo "$g"
      return
    fi
  done
  case $(detect_system) in
    fedora) echo gdb ;;
    arch | macos) echo riscv64-elf-gdb ;;
    *) echo gdb-multiarch ;;
  esac
}

# The command or file that stands for TOOL here.
tool_name() {
  case $1 in
    riscv64-gcc) echo "${TOOLPREFIX}gcc" ;;
    gdb) echo "$GDB" ;;
    *) echo "$1" ;;
  esac
}

# Is TOOL there? The firmware: on Debian the opensbi package (the platform sloth is measured
# on), elsewhere any fw_dynamic.bin found or QEMU's own copy.
have() {
  case $1 in
    fw_dynamic.bin)
      if [ "$OPENSBI" != default ]; then
        [ -f "$OPENSBI" ]
      elif [ "$SYSTEM" = debian ]; then
        false
      else
        [ -n "$(qemu_opensbi)" ]
      fi ;;
    stdio.h) [ -f /usr/include/stdio.h ] || [ "$SYSTEM" = macos ] ;;
    sfdisk) command -v sfdisk >/dev/null 2>&1 || [ -x /usr/sbin/sfdisk ] || [ -x /sbin/sfdisk ] ;;
    *) command -v "$(tool_name "$1")" >/dev/null 2>&1 ;;
  esac
}

version_of() {
  t=$(tool_name "$1")
  case $1 in
    fw_dynamic.bin)
      if [ "$OPENSBI" = default ]; then
        echo "QEMU's own: $(qemu_opensbi) (-bios default)"
      else
        echo "$OPENSBI $(dpkg-query -W -f='opensbi ${Version}' opensbi 2>/dev/null)"
      fi ;;
    sfdisk) PATH=$PATH:/usr/sbin:/sbin sfdisk --version ;;
    stdio.h) echo "libc headers $(dpkg-query -W -f='(libc6-dev ${Version})' libc6-dev 2>/dev/null)" ;;
    *) "$t" --version 2>&1 | head -n 1 ;;
  esac
}

# The host compiler builds mkfs and the unit tests (libc6-dev: its headers, which gcc only
# recommends); gdb is needed by make gdb and by the grader's gdb tests.
TOOLS="riscv64-gcc qemu-system-riscv64 fw_dynamic.bin sfdisk python3 cc stdio.h gdb"

doctor() {
  status=0
  echo "doctor: system $SYSTEM; toolchain prefix $TOOLPREFIX; firmware $OPENSBI; gdb $GDB"
  for t in $TOOLS bear; do
    if have "$t"; then
      printf '  ok       %-24s %s\n' "$(tool_name "$t")" "$(version_of "$t")"
    else
      pkgs=$(package_here "$t")
      if [ -n "$pkgs" ]; then
        how=$(install_command "$SYSTEM" "$pkgs")
      else
        how="xcode-select --install"
      fi
      printf '  MISSING  %-24s install: %s\n' "$(tool_name "$t")" "$how"
      [ "$t" = bear ] || status=1
    fi
  done
  if [ $status = 0 ]; then
    echo "doctor: everything sloth needs is installed"
  elif [ "$SYSTEM" = debian ]; then
    echo "doctor: run 'make qemu' or 'scripts/setup.sh' to install what is missing"
  else
    echo "doctor: install what is missing with the commands above"
  fi
  return $status
}

# apt-get install of the Debian packages named, through sudo when not root.
apt_install() {
  echo "setup: installing $* (Debian packages sloth needs)"
  if [ "$(id -u)" = 0 ]; then
    SUDO=""
  elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "setup: not root and no sudo: install $* yourself" >&2
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q && $SUDO apt-get install -y -q --no-install-recommends "$@" || {
    echo "setup: apt-get failed to install $*" >&2
    return 1
  }
}

install_missing() {
  missing=""
  for t in $TOOLS "$@"; do
    have "$t" || missing="$missing $(package_here "$t")"
  done
  [ -z "$missing" ] && return 0
  if [ "$SYSTEM" = debian ]; then
    # shellcheck disable=SC2086  # one word per package
    apt_install $missing
    return
  fi
  echo "setup: missing:$missing" >&2
  echo "setup: on $SYSTEM install them with: $(install_command "$SYSTEM" $missing)" >&2
  echo "setup: ('make doctor' lists what is there and what is not)" >&2
  return 1
}

SYSTEM=$(detect_system)
case ${1:-} in
  --system) echo "$SYSTEM"; exit 0 ;;
  --package)
    [ $# = 3 ] || { echo "usage: $0 --package TOOL SYSTEM" >&2; exit 2; }
    package_of "$2" "$3"
    exit 0 ;;
  --toolprefix) find_toolprefix; exit 0 ;;
  --opensbi) find_opensbi; exit 0 ;;
  --gdb) find_gdb; exit 0 ;;
esac

TOOLPREFIX=${TOOLPREFIX:-$(find_toolprefix)}
OPENSBI=${OPENSBI:-$(find_opensbi)}
GDB=${GDB:-$(find_gdb)}
if [ "${1:-}" = --doctor ]; then
  doctor
  exit
fi
install_missing "$@"
