#!/usr/bin/env python3
"""make crash: the crash-consistency campaign. CRASHES times, the file-heavy workload
tests/crash-load.c runs on a fresh copy of the test image and the machine stops in the
middle: half of the points at a commit point of the log (logcrash=N: the N-th commit powers
off after its commit record, with half of the blocks installed, kernel/fs/log.c) and half at a
moment by the clock (QEMU killed a random delay after the workload starts, wherever the disk
writes are). Each point is then checked as the grader's crash tests are (scripts/grade.py
run_crash_test): the host fsck on the crashed image with its log replayed, a second boot that
checks every operation the workload finished (and frees the orphans), and fsck again.

Every point comes from the campaign seed and its number; its line gives its parameters and
how to run it alone:

    scripts/crash.py --build build/Og --qemu QEMU --bios FW [--crashes N] [--seed S]
                     [--first I] [--cpus 3] [--jobs J]

Logs go to BUILD/crash/point-I.out; a failed point keeps its image (point-I.img).
"""
import argparse
import concurrent.futures
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grade  # noqa: E402  (scripts/grade.py: the crash-test runner, tests/suite.py)

suite = grade.suite
MAX_COMMIT = 400    # logcrash points are drawn from 1..MAX_COMMIT
MAX_DELAY = 2.5     # clock points: seconds after "crash-load: writing"


def point(seed, i):
    """Crash point i of the campaign with this seed: (workload seed, kind, value)."""
    rng = random.Random(seed * 1000003 + i)
    wseed = rng.randrange(1, 1 << 30)
    if rng.random() < 0.5:
        return wseed, "logcrash", rng.randrange(1, MAX_COMMIT + 1)
    return wseed, "kill", round(rng.uniform(0.0, MAX_DELAY), 2)


def crash_test(i, wseed, kind, value, cpus):
    write = "init=/tests/crash-load,write,%d" % wseed
    expect = list(suite.CRASH_LOAD_LINES[1:])  # orphans exist only once the workers started
    if kind == "logcrash":
        write += " logcrash=%d" % value
        kill_after, delay = "log: simulated crash", 0
        expect = suite.CRASH_LOAD_RECOVERY + expect
    else:
        kill_after, delay = "crash-load: writing", value
    test = suite.CrashTest("point-%d" % i, write_args=write,
                           check_args="init=/tests/crash-load,check,%d,{done}" % wseed,
                           kill_after=kill_after, kill_delay=delay, timeout=180, expect=expect,
                           reject=[r"FAIL", r"killed:"])
    test.cpus = cpus
    return test


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--bios", required=True)
    ap.add_argument("--crashes", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1, help="the campaign's seed")
    ap.add_argument("--first", type=int, default=0, help="the first point's number")
    ap.add_argument("--cpus", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=1)
    opts = ap.parse_args()
    opts.logdir = os.path.join(opts.build, "crash")
    os.makedirs(opts.logdir, exist_ok=True)
    points = range(opts.first, opts.first + opts.crashes)
    print("crash: %d crash points (seed %d, from point %d) on %d harts" % (
        len(points), opts.seed, opts.first, opts.cpus), flush=True)
    start, failed, kinds = time.time(), [], {"logcrash": 0, "kill": 0}

    def run(i):
        wseed, kind, value = point(opts.seed, i)
        return i, wseed, kind, value, grade.run_crash_test(
            opts, crash_test(i, wseed, kind, value, opts.cpus))

    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        for fut in concurrent.futures.as_completed([pool.submit(run, i) for i in points]):
            i, wseed, kind, value, r = fut.result()
            kinds[kind] += 1
            what = ("logcrash=%d" % value if kind == "logcrash" else "killed %.2f s in" % value)
            line = "point %-4d workload seed %-10d %-16s %5.1f s" % (i, wseed, what, r.seconds)
            if r.ok:
                print("PASS  " + line, flush=True)
                continue
            failed.append(i)
            print("FAIL  %s\n      %s\n      replay: make crash SEED=%d FIRST=%d CRASHES=1 (log %s)"
                  % (line, r.reason, opts.seed, i, r.log), flush=True)
    print("\ncrash: %d crash points (%d at a commit point, %d by the clock): %d consistent, "
          "%d failed%s (%.0f s)" % (len(points), kinds["logcrash"], kinds["kill"],
                                    len(points) - len(failed), len(failed),
                                    ": points " + " ".join(map(str, sorted(failed)))
                                    if failed else "", time.time() - start))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
