#!/usr/bin/env python3
"""sloth's benchmark driver. Every boot runs under QEMU with -icount shift=0 on one hart, where
the guest's instret counts every instruction exactly, so the figures repeat:

  - one boot with init=/bench (user/bench.c): instructions per operation;
  - one boot per frame count F and policy P with "frames=F evict=P init=/bench-swap"
    (user/bench-swap.c): three workloads sized from the frames free at start, and how many
    swap-ins each took. The frames=COST clock boot also gives the two swap rows of the first
    table (instructions per swap-in fault and per eviction, the disk wait excluded).

It prints bench's table with the swap rows added, then the policy table (one row per workload
and frame count, the swap-ins under clock and under FIFO). Exits non-zero when a boot fails
(no table, a panic, a FAIL line, a timeout or a non-zero QEMU status), or, with --runs N, when
the N runs do not give the same tables.

    scripts/bench.py --build build/O2 --qemu qemu-system-riscv64 --bios FW [--runs N]
                     [--swap-frames 64,128,256] [--cost-frames 128] [--jobs N] [--no-swap]

Each boot's full console output is kept in BUILD/bench.out and BUILD/bench-swap-F-P.out
(with --runs N: ...-RUN.out).
"""
import argparse
import concurrent.futures
import os
import re
import subprocess
import sys

ROW = re.compile(r"bench: (.*\S)\s+(\d+(\.\d+)?|n/a) (instructions|bytes)")
SWAP_RUN = re.compile(r"bench-swap: frames=(\d+) used=(\d+) free=(\d+) swap_slots=(\d+)")
SWAP_WORKLOAD = re.compile(r"bench-swap: (\w+) pages=(\d+) accesses=(\d+) swap_ins=(\d+) "
                           r"swap_outs=(\d+) evictions=(\d+) clean=(\d+) zero=(\d+) file=(\d+)")
WORKLOADS = ["loop", "random", "phases"]
POLICIES = ["clock", "fifo"]
# The swap rows come from the kernel's instret totals over whole swap-ins and evictions. A
# timer interrupt taken inside one adds its handler to the total, and where the ticks fall
# depends on how long the disk took in host time, so these two rows may differ between runs
# by a few instructions; --runs allows them SWAP_ROW_SLACK of relative difference and says so.
SWAP_ROWS = ["swap-in fault, disk wait excluded", "eviction, disk write wait excluded"]
SWAP_ROW_SLACK = 0.01


class Boot:
    """One QEMU boot: its boot arguments, what its output must end with, and its log."""

    def __init__(self, args, done, log, check=None):
        self.args, self.done, self.log, self.check = args, done, log, check
        self.lines, self.reason = [], ""


def check_bench(lines):
    return "" if any(ROW.fullmatch(l) for l in lines) else "no table rows in the output"


def check_swap(lines):
    if not any(SWAP_RUN.fullmatch(l) for l in lines):
        return "no 'bench-swap: frames=...' line in the output"
    found = [m.group(1) for m in map(SWAP_WORKLOAD.fullmatch, lines) if m]
    if found != WORKLOADS:
        return "workload lines for %s, expected %s" % (found, WORKLOADS)
    if sum(1 for l in lines if ROW.fullmatch(l)) != len(SWAP_ROWS):
        return "not the %d swap rows in the output" % len(SWAP_ROWS)
    return ""


def qemu_command(opts, args):
    image = os.path.join(opts.build, "grade.img")
    return [opts.qemu, "-machine", "virt", "-bios", opts.bios,
            "-kernel", os.path.join(opts.build, "kernel.elf"),
            "-m", "128M", "-smp", "1", "-icount", "shift=0", "-nographic", "-no-reboot",
            "-global", "virtio-mmio.force-legacy=false",
            "-append", args,
            # snapshot=on: the image stays as mkfs wrote it (and boots at once may share it);
            # cache=unsafe as in grade.py.
            "-drive", "file=%s,if=none,format=raw,id=disk0,cache=unsafe,snapshot=on" % image,
            "-device", "virtio-blk-device,drive=disk0"]


def run_boot(opts, boot):
    """Boots once; fills in boot.lines (the bench lines) and boot.reason ("" on success)."""
    try:
        proc = subprocess.run(qemu_command(opts, boot.args), stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=opts.timeout)
        out, status = proc.stdout, proc.returncode
    except subprocess.TimeoutExpired as e:
        out, status = e.stdout or b"", None
    text = out.decode("utf-8", "replace")
    with open(boot.log, "w") as f:
        f.write(text)
    lines = [l.rstrip("\r") for l in text.split("\n")]
    boot.lines = [l for l in lines if l.startswith("bench")]
    panic = next((l for l in lines if l.startswith("panic: ")), None)
    failed = next((l for l in boot.lines if "FAIL" in l), None)
    if status is None:
        boot.reason = "timeout after %d s" % opts.timeout
    elif panic:
        boot.reason = "kernel " + panic
    elif failed:
        boot.reason = failed
    elif status != 0:
        boot.reason = "QEMU exited with status %d" % status
    elif boot.done not in boot.lines:
        boot.reason = "no complete output (no %r line)" % boot.done
    else:
        boot.reason = boot.check(boot.lines)
    return boot


def swap_table(opts, swap):
    """The policy table's lines from the swap boots, {(frames, policy): Boot}."""
    out = ["bench: swap-ins by replacement policy (frames=F boot argument; each workload is "
           "sized from the frames free at its start)",
           "bench: %-8s %7s %6s %7s %9s %10s %10s" % ("workload", "frames", "free", "pages",
                                                     "accesses", "clock", "fifo")]
    notes = []
    for name in WORKLOADS:
        for frames in opts.swap_frames:
            seen = {}
            for policy in POLICIES:
                lines = swap[(frames, policy)].lines
                run = next(SWAP_RUN.fullmatch(l) for l in lines if SWAP_RUN.fullmatch(l))
                wl = next(m for m in map(SWAP_WORKLOAD.fullmatch, lines) if m and
                          m.group(1) == name)
                seen[policy] = (int(run.group(3)), int(wl.group(2)), int(wl.group(3)),
                                int(wl.group(4)))
            free, pages, accesses, _ = seen["clock"]
            if seen["fifo"][:3] != seen["clock"][:3]:
                notes.append("bench: note: %s at frames=%d: the fifo boot had free/pages/"
                             "accesses %s, the clock boot %s" % (name, frames, seen["fifo"][:3],
                                                                seen["clock"][:3]))
            out.append("bench: %-8s %7d %6d %7d %9d %10d %10d" % (
                name, frames, free, pages, accesses, seen["clock"][3], seen["fifo"][3]))
    out.append("bench: note: loop = 5 write sweeps over free + free/8 pages; random = a sweep, "
               "then 8 accesses a page to uniformly random pages of free + free/2 (1 in 4 "
               "writes); phases = 9 phases of random accesses (1 in 4 writes) to 3/4 free "
               "pages: the same free/2 in every phase, plus one of three parts of free/4 in "
               "turn")
    return out + notes


def run_all(opts, suffix):
    """Boots everything once; returns (the output lines, the failed boots)."""
    def log(name):
        return os.path.join(opts.build, name + suffix + ".out")

    main = Boot("init=/bench", "bench: done", log("bench"), check_bench)
    swap = {}
    if not opts.no_swap:
        for frames in opts.swap_frames:
            for policy in POLICIES:
                swap[(frames, policy)] = Boot(
                    "frames=%d evict=%s init=/bench-swap" % (frames, policy),
                    "bench-swap: done", log("bench-swap-%d-%s" % (frames, policy)), check_swap)
    boots = [main] + list(swap.values())
    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        list(pool.map(lambda b: run_boot(opts, b), boots))
    failed = [b for b in boots if b.reason]
    if failed:
        return [], failed

    table = [l for l in main.lines if l != "bench: done"]
    if swap:
        cost = swap[(opts.cost_frames, "clock")].lines
        rows = [l for l in cost if ROW.fullmatch(l)]
        notes = [l for l in cost if l.startswith("bench: note: swap rows")]
        last_row = max(i for i, l in enumerate(table) if ROW.fullmatch(l))
        table[last_row + 1:last_row + 1] = rows
        table += [l.replace("bench: note: swap rows:", "bench: note: swap rows (frames=%d, "
                            "clock, all three workloads):" % opts.cost_frames) for l in notes]
        table.append("bench: note: swap rows are the kernel's own counts (vmstat insns_swap_in, "
                     "insns_evict): a swap-in from vm_do_claim_page's start (trap entry and SPT "
                     "lookup not included), an eviction from the victim scan to the freed frame; "
                     "a timer tick inside one adds its handler, and where ticks fall depends on "
                     "the disk's host time, so they may differ by a few instructions between "
                     "runs")
        table += swap_table(opts, swap)
    return table + ["bench: done"], []


def compare(tables):
    """"" when all runs' tables agree (the swap rows within SWAP_ROW_SLACK), else a report.
    Also returns a note on any swap-row wobble."""
    problems, wobble = [], []
    for i, t in enumerate(tables[1:], 2):
        if len(t) != len(tables[0]):
            problems.append("  run %d printed %d lines, run 1 %d" % (i, len(t), len(tables[0])))
            continue
        for a, b in zip(tables[0], t):
            if a == b:
                continue
            ma, mb = ROW.fullmatch(a), ROW.fullmatch(b)
            if (ma and mb and ma.group(1) in SWAP_ROWS and ma.group(1) == mb.group(1) and
                    ma.group(2) != "n/a" and mb.group(2) != "n/a"):
                x, y = float(ma.group(2)), float(mb.group(2))
                if abs(x - y) <= SWAP_ROW_SLACK * max(x, y):
                    wobble.append("%s: %s vs %s" % (ma.group(1), ma.group(2), mb.group(2)))
                    continue
            problems.append("  run 1:  %s\n  run %d:  %s" % (a, i, b))
    return "\n".join(problems), wobble


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--bios", required=True)
    ap.add_argument("--runs", type=int, default=1, help="run N times; the tables must match")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per boot")
    ap.add_argument("--swap-frames", default="64,128,256",
                    help="the frames= values of the swap boots (comma-separated)")
    ap.add_argument("--cost-frames", type=int, default=128,
                    help="the frames= of the boot whose clock run gives the swap rows")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="boots at once")
    ap.add_argument("--no-swap", action="store_true", help="only the init=/bench boot")
    opts = ap.parse_args()
    opts.swap_frames = sorted({int(f) for f in opts.swap_frames.split(",")} |
                              {opts.cost_frames})

    tables = []
    for i in range(opts.runs):
        table, failed = run_all(opts, "" if opts.runs == 1 else "-%d" % (i + 1))
        for b in failed:
            print("bench: run %d, boot \"%s\" failed: %s (output in %s)" %
                  (i + 1, b.args, b.reason, b.log))
            for line in open(b.log, errors="replace").read().rstrip("\n").split("\n")[-12:]:
                print("    " + line.rstrip("\r"))
        if failed:
            sys.exit(1)
        tables.append(table)
    for line in tables[-1]:
        print(line)
    if opts.runs > 1:
        problems, wobble = compare(tables)
        if problems:
            print("bench: the tables of the %d runs differ:\n%s" % (opts.runs, problems))
            sys.exit(1)
        if wobble:
            print("bench: %d runs, identical tables but for the swap rows (timer ticks inside "
                  "counted swap paths; allowed up to %g%%): %s" %
                  (opts.runs, SWAP_ROW_SLACK * 100, "; ".join(wobble)))
        else:
            print("bench: %d runs, identical tables" % opts.runs)


if __name__ == "__main__":
    main()
