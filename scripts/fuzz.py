#!/usr/bin/env python3
"""make fuzz: system-call fuzzing campaigns. Boots the kernel once per seed, each boot on a
fresh copy of the test disk image, running init=/tests/fuzz,SEED,CALLS (tests/fuzz.c); checks
that the fuzzer says ok, that no panic happened, that every kill line gives one of the known
reasons (tests/suite.py KILL_REASONS), that the machine powered off within the time limit,
and that the host fsck finds the image consistent afterwards. Prints one line per boot, then
the calls per system call and result over all boots, and a total. A failed boot's line says
how to replay it. Exits non-zero when any boot failed.

    scripts/fuzz.py --build build/Og --qemu QEMU --bios FW [--seeds N] [--first S | --random]
                    [--calls M] [--cpus 3] [--jobs J] [--args "frames=512"]

Console output of each boot goes to BUILD/fuzz/seed-S.out (and seed-S.failed.out when it
failed, which a replay does not overwrite); the image of a failed boot is kept as
BUILD/fuzz/seed-S.img.
"""
import argparse
import concurrent.futures
import os
import random
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grade  # noqa: E402  (scripts/grade.py: the QEMU command line, tests/suite.py)

suite = grade.suite
RESULTS = ("-1", "ok", "killed")
CALL_LINE = re.compile(r"fuzz: (\w+) +(\d+) +(\d+) +(\d+) +(\d+)")
TOTAL_LINE = re.compile(r"fuzz: total (\d+) calls: (\d+) -1, (\d+) ok, (\d+) killed; "
                        r"(\d+) batches, (\d+) timed out")
KNOWN_KILL = re.compile(suite.known_kill_line())


class Boot:
    """One boot's outcome: calls[name] = [-1, ok, killed] counts, and why it failed."""

    def __init__(self, seed):
        self.seed, self.reason, self.seconds = seed, "", 0.0
        self.calls, self.total, self.batches, self.timeouts, self.kills = {}, [0, 0, 0], 0, 0, 0


class Run:
    """What grade.qemu_command needs to know about a boot."""

    def __init__(self, name, args, image, cpus):
        self.name, self.args, self.disk = name, args, image
        self.mem, self.cpus, self.qemu_extra = "128M", cpus, []


def parse(boot, lines):
    for line in lines:
        m = CALL_LINE.fullmatch(line)
        if m:
            boot.calls[m.group(1)] = [int(m.group(i)) for i in (3, 4, 5)]
        m = TOTAL_LINE.fullmatch(line)
        if m:
            boot.total = [int(m.group(i)) for i in (2, 3, 4)]
            boot.batches, boot.timeouts = int(m.group(5)), int(m.group(6))
        if "killed:" in line:
            boot.kills += 1


# The first thing wrong with a boot's output, or "".
def verdict(lines, status, timed_out):
    panic = next((l for l in lines if l.startswith("panic: ")), None)
    if panic:
        return "kernel " + panic
    if timed_out:
        return "hang: no power-off within the time limit"
    fail = next((l for l in lines if "FAIL" in l), None)
    if fail:
        return fail.strip()
    bad_kill = next((l for l in lines if "killed:" in l and not KNOWN_KILL.fullmatch(l)), None)
    if bad_kill:
        return "a kill line without a known reason: " + bad_kill.strip()
    full = next((l for l in lines if "table is full" in l), None)
    if full:
        return "a kernel table filled up (a leak?): " + full.strip()
    if "fuzz: ok" not in lines:
        return "no 'fuzz: ok' line"
    if status != 0:
        return "exit status %d" % status
    return ""


def run_boot(opts, seed):
    boot = Boot(seed)
    base = os.path.join(opts.build, "fuzz", "seed-%d" % seed)
    image, log = base + ".img", base + ".out"
    shutil.copyfile(os.path.join(opts.build, "grade.img"), image)
    args = "init=/tests/fuzz,%d,%d %s" % (seed, opts.calls, opts.args)
    cmd = grade.qemu_command(opts, Run("fuzz-%d" % seed, args.strip(), image, opts.cpus))
    start = time.time()
    # A boot still running at the timeout gets a Ctrl-P first: the log shows where it hangs.
    out, status, _ = grade.run_console(cmd, b"", 120 + opts.calls / 100)
    timed_out = status is None
    boot.seconds = time.time() - start
    text = out.decode("utf-8", "replace")
    lines = [l.rstrip("\r") for l in text.split("\n")]
    parse(boot, lines)
    boot.reason = verdict(lines, status, timed_out)
    if not boot.reason:
        boot.reason, report = grade.fsck(opts, image)
        text += "\n=== fsck ===\n" + report
    with open(log, "w") as f:
        f.write(text)
    if boot.reason:  # kept apart: a replay writes seed-S.out again
        shutil.copyfile(log, base + ".failed.out")
    else:
        os.remove(image)
    return boot


def boot_line(opts, b):
    calls = sum(b.total)
    head = "seed %-6d %8d calls (%d -1, %d ok, %d killed), %d batches, %d timed out, %.1f s" % (
        b.seed, calls, b.total[0], b.total[1], b.total[2], b.batches, b.timeouts, b.seconds)
    if not b.reason:
        return "PASS  " + head
    return "FAIL  %s\n      %s\n      replay: make fuzz SEED=%d SEEDS=1 CALLS=%d%s (log %s)" % (
        head, b.reason, b.seed, opts.calls, ' ARGS="%s"' % opts.args if opts.args else "",
        os.path.join(opts.build, "fuzz", "seed-%d.out" % b.seed))


def print_totals(boots, seconds):
    names, sums = [], {}
    for b in boots:
        for name, c in b.calls.items():
            if name not in sums:
                names.append(name)
                sums[name] = [0, 0, 0]
            sums[name] = [x + y for x, y in zip(sums[name], c)]
    print("\n%-9s %10s %10s %10s %8s" % ("call", "calls", "-1", "ok", "killed"))
    for name in names:
        c = sums[name]
        print("%-9s %10d %10d %10d %8d" % (name, sum(c), c[0], c[1], c[2]))
    total = [sum(b.total[i] for b in boots) for i in range(3)]
    failed = [b for b in boots if b.reason]
    print("\nfuzz: %d boots, %d calls: %d -1, %d ok, %d killed; %d batches timed out, %d kill "
          "lines; %d failed%s (%.0f s)" % (
              len(boots), sum(total), total[0], total[1], total[2],
              sum(b.timeouts for b in boots), sum(b.kills for b in boots), len(failed),
              ": seeds " + " ".join(str(b.seed) for b in failed) if failed else "", seconds))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--bios", required=True)
    ap.add_argument("--seeds", type=int, default=10, help="how many boots")
    ap.add_argument("--first", type=int, default=1, help="the first seed (then +1 each)")
    ap.add_argument("--random", action="store_true", help="random seeds instead")
    ap.add_argument("--calls", type=int, default=20000, help="system calls per boot")
    ap.add_argument("--cpus", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=1, help="boots at once")
    ap.add_argument("--args", default="", help="more boot arguments (e.g. frames=512)")
    opts = ap.parse_args()
    if opts.random:
        seeds = [random.SystemRandom().randrange(1, 1 << 31) for _ in range(opts.seeds)]
    else:
        seeds = list(range(opts.first, opts.first + opts.seeds))
    os.makedirs(os.path.join(opts.build, "fuzz"), exist_ok=True)
    print("fuzz: %d boots of %d calls on %d harts, seeds %s%s" % (
        len(seeds), opts.calls, opts.cpus, " ".join(map(str, seeds[:20])),
        " ..." if len(seeds) > 20 else ""), flush=True)
    start = time.time()
    boots = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        for fut in concurrent.futures.as_completed([pool.submit(run_boot, opts, s) for s in seeds]):
            boots.append(fut.result())
            print(boot_line(opts, boots[-1]), flush=True)
    boots.sort(key=lambda b: b.seed)
    print_totals(boots, time.time() - start)
    sys.exit(1 if any(b.reason for b in boots) else 0)


if __name__ == "__main__":
    main()
