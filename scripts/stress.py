#!/usr/bin/env python3
"""sloth's stress runs: the swap, memory-pressure and SMP tests of tests/suite.py, RUNS times
each, every run on 3 harts with its own random machine: a frame count (for the tests whose
sizes follow the frames they find), the replacement policy, copy-on-write on or off, and the
pre-zeroed frame pool on or off. A run's settings come from one seed, printed with every
result, so any failure can be replayed exactly:

    scripts/stress.py --build build/Og --qemu Q --bios FW [--runs 20] [--seed S] [NAME...]
    scripts/stress.py ... --replay SEED NAME      (one run, the settings SEED gives)

Each run is graded as make grade grades it (expected lines, no panic, clean power-off, the
leak check), through scripts/grade.py. Prints one line per run and a closing "N passed,
N failed" line; exits non-zero when any run fails.
"""
import argparse
import concurrent.futures
import copy
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import grade  # noqa: E402  (scripts/grade.py)
import suite  # noqa: E402  (tests/suite.py)

# The tests that size themselves from the frames they find: any frame count in FRAMES works.
# (swap-file needs fewer frames than its program has pages, and page-shuffle's random swaps
# of 8 MiB need most of 7 MiB resident not to take hours: they keep their own frames=.)
ADAPTIVE = ["swap-anon", "swap-iter", "swap-fork", "swap-smp", "swap-syscall",
            "cow-swap", "cow-smp", "mmap-swap-file", "mmap-smp", "page-parallel",
            "page-merge-seq", "page-merge-par"]
# The tests whose machine is part of what they prove: their own boot arguments are kept,
# only the policy, copy-on-write and pre-zeroing vary.
FIXED = ["swap-file", "swap-shuffle", "swap-full", "oom-kill", "oom-victim", "cow-simple", "cow-forks", "cow-three",
         "cow-isolation", "mmap-share", "mmap-shuffle", "fork-spt"]
FRAMES = [64, 96, 128, 256, 512]


def settings(seed, test):
    """The boot arguments of one run: the test's own, with frames=, evict=, cow= and
    prezero= chosen by the seed."""
    rng = random.Random("%d %s" % (seed, test.name))
    words = [w for w in test.args.split() if not w.startswith(("frames=", "evict=", "cow=",
                                                                 "prezero="))]
    own_frames = [w for w in test.args.split() if w.startswith("frames=")]
    if test.name in ADAPTIVE:
        words.append("frames=%d" % rng.choice(FRAMES))
    else:
        words += own_frames
    words.append("evict=%s" % rng.choice(["2q", "clock", "fifo"]))
    if rng.random() < 0.3 and not test.name.startswith("cow-"):  # those prove copy-on-write
        words.append("cow=off")
    if rng.random() < 0.3:
        words.append("prezero=0")
    return " ".join(words)


def stress_test(seed, test):
    """A copy of the suite's test for one run: 3 harts, the seed's machine, a longer timeout
    (small frame counts swap more)."""
    t = copy.copy(test)
    t.name = "%s-s%d" % (test.name, seed)
    t.args = settings(seed, test)
    t.cpus = 3
    t.timeout = max(test.timeout, 180) * 2
    return t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--bios", required=True)
    ap.add_argument("--gdb", default="gdb-multiarch")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=None, help="first seed (default: random)")
    ap.add_argument("--replay", type=int, default=None, help="one run with this seed")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--results", default=None)
    ap.add_argument("names", nargs="*")
    opts = ap.parse_args()
    names = opts.names or ADAPTIVE + FIXED
    by_name = {t.name: t for t in suite.TESTS}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        sys.exit("stress: no test named %s" % ", ".join(unknown))
    if opts.replay is not None:
        runs = [(opts.replay, by_name[n]) for n in names]
    else:
        first = opts.seed if opts.seed is not None else random.randrange(1, 10**6)
        print("stress: %d runs of %d tests from seed %d" % (opts.runs, len(names), first))
        runs = [(first + r, by_name[n]) for r in range(opts.runs) for n in names]
    os.makedirs(os.path.join(opts.build, "grade"), exist_ok=True)
    start = time.time()
    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        futures = {pool.submit(grade.run, opts, stress_test(seed, t)): (seed, t)
                   for seed, t in runs}
        for fut in concurrent.futures.as_completed(futures):
            seed, t = futures[fut]
            r = fut.result()
            args = stress_test(seed, t).args
            if r.ok:
                passed += 1
                print("PASS  %-20s seed %-7d %6.1fs  %s" % (t.name, seed, r.seconds, args),
                      flush=True)
            else:
                failed += 1
                print("FAIL  %-20s seed %-7d %6.1fs  %s  [%s]  replay: make stress "
                      "TESTS=%s SEED=%d REPLAY=1  (log %s)" % (t.name, seed, r.seconds, args,
                                                                r.reason, t.name, seed, r.log),
                      flush=True)
    print("\n%d passed, %d failed (%.0f s)" % (passed, failed, time.time() - start))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
