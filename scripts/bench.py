#!/usr/bin/env python3
"""sloth's benchmark driver: boots the kernel with init=/bench under QEMU with -icount shift=0
on one hart (where the guest's instret counts every instruction exactly, so the figures
repeat), and prints the table that user/bench.c prints. Exits non-zero when a run fails (no
table, a panic, a FAIL line, a timeout or a non-zero QEMU status), or, with --runs N, when
the N runs do not give the same table.

    scripts/bench.py --build build/O2 --qemu qemu-system-riscv64 --bios FW [--runs N]

Each run's full console output is kept in BUILD/bench.out (BUILD/bench-N.out with --runs).
"""
import argparse
import os
import re
import subprocess
import sys

ROW = re.compile(r"bench: .*\S\s+(\d+(\.\d+)?|n/a) (instructions|bytes)")


def qemu_command(opts):
    image = os.path.join(opts.build, "grade.img")
    return [opts.qemu, "-machine", "virt", "-bios", opts.bios,
            "-kernel", os.path.join(opts.build, "kernel.elf"),
            "-m", "128M", "-smp", "1", "-icount", "shift=0", "-nographic", "-no-reboot",
            "-global", "virtio-mmio.force-legacy=false",
            "-append", "init=/bench",
            # snapshot=on: the image stays as mkfs wrote it; cache=unsafe as in grade.py.
            "-drive", "file=%s,if=none,format=raw,id=disk0,cache=unsafe,snapshot=on" % image,
            "-device", "virtio-blk-device,drive=disk0"]


def run_once(opts, log):
    """Boots once; returns (table lines, reason), reason "" when the run succeeded."""
    try:
        proc = subprocess.run(qemu_command(opts), stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=opts.timeout)
        out, status = proc.stdout, proc.returncode
    except subprocess.TimeoutExpired as e:
        out, status = e.stdout or b"", None
    text = out.decode("utf-8", "replace")
    with open(log, "w") as f:
        f.write(text)
    lines = [l.rstrip("\r") for l in text.split("\n")]
    table = [l for l in lines if l.startswith("bench: ")]
    panic = next((l for l in lines if l.startswith("panic: ")), None)
    failed = next((l for l in table if "FAIL" in l), None)
    if status is None:
        reason = "timeout after %d s" % opts.timeout
    elif panic:
        reason = "kernel " + panic
    elif failed:
        reason = failed
    elif status != 0:
        reason = "QEMU exited with status %d" % status
    elif not any(ROW.fullmatch(l) for l in table) or "bench: done" not in table:
        reason = "no complete table in the output"
    else:
        reason = ""
    return table, reason


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--bios", required=True)
    ap.add_argument("--runs", type=int, default=1, help="boot N times; the tables must match")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per run")
    opts = ap.parse_args()

    tables = []
    for i in range(opts.runs):
        name = "bench.out" if opts.runs == 1 else "bench-%d.out" % (i + 1)
        log = os.path.join(opts.build, name)
        table, reason = run_once(opts, log)
        if reason:
            print("bench: run %d failed: %s (output in %s)" % (i + 1, reason, log))
            for line in open(log, errors="replace").read().rstrip("\n").split("\n")[-12:]:
                print("    " + line.rstrip("\r"))
            sys.exit(1)
        tables.append(table)
    for line in tables[-1]:
        print(line)
    if opts.runs > 1:
        differ = [i + 1 for i, t in enumerate(tables) if t != tables[0]]
        if differ:
            print("bench: the tables of runs %s differ from run 1's" %
                  ", ".join(map(str, differ)))
            for i in differ:
                for a, b in zip(tables[0], tables[i - 1]):
                    if a != b:
                        print("  run 1:  %s\n  run %d:  %s" % (a, i, b))
            sys.exit(1)
        print("bench: %d runs, identical tables" % opts.runs)


if __name__ == "__main__":
    main()
