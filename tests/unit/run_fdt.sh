#!/bin/sh
# Host unit test of the FDT reader and machine_parse (kernel/lib/fdt.c, machine.c). Run from
# the repository root: dumps QEMU virt device trees (-m 128M and 2G, -smp 1, 3 and 8) into a
# temporary directory (or $1), builds tests/unit/test_fdt.c there with sanitizers and runs it.
# Exits with the test's status.
set -e
if [ -n "$1" ]; then
  dir=$1
  mkdir -p "$dir"
else
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
fi
for mem in 128M 2G; do
  for smp in 1 3 8; do
    qemu-system-riscv64 -machine "virt,dumpdtb=$dir/virt-$mem-$smp.dtb" -m "$mem" \
      -smp "$smp" -nographic </dev/null >"$dir/qemu.log" 2>&1 ||
      { cat "$dir/qemu.log"; echo "run_fdt: qemu could not dump virt-$mem-$smp"; exit 1; }
  done
done
cc -std=gnu11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -Wall -Wextra \
  -Werror -Ikernel tests/unit/test_fdt.c kernel/lib/fdt.c kernel/lib/machine.c \
  -o "$dir/test_fdt"
set +e
"$dir/test_fdt" "$dir"
status=$?
exit $status
