#!/usr/bin/env python3
"""sloth's benchmark driver. Every boot runs under QEMU with -icount shift=0 on one hart, where
the guest's instret counts every instruction exactly, so the figures repeat:

  - one boot with init=/bench (user/bench.c): instructions per operation;
  - one boot per frame count F and policy P with "frames=F evict=P init=/bench-swap"
    (user/bench-swap.c): four workloads sized from the frames free at start; for each, what
    the kernel counted and the workload's page reference string. The frames=COST clock boot
    also gives the two swap rows of the first table (instructions per swap-in fault and per
    eviction, the disk wait excluded).

It prints bench's table with the swap rows added, then the replacement table: one row per
workload and frame count, the misses under clock and FIFO (the kernel's counts) and under OPT
(Belady, scripts/opt.py, on the reference string), and each policy's ratio to OPT.

A miss is a reference to a page that is not resident, not counting each page's first
reference (which misses under every policy). For the kernel: the swap-ins, zero fills and
file reads during the workload less the region's pages (each zero-filled once, at its first
touch); this counts every page of the process, its text, stack and bookkeeping too. For
OPT: the faults of Belady's algorithm on the region's reference string less its distinct
pages, with the frames the region held when the clock run ended (the frames less the pages
of everything else then resident: bench-swap's text, stack and bookkeeping, init). The
other pages are touched between any two heap references, so OPT would never evict them:
OPT on the whole process's string equals OPT on the region's string with the frames left
over. The approximation is that those other pages hold that many frames all along.

With --runs N everything runs N times: the first table shows each row's min, median and
max, the replacement table each cell's median, and a row whose runs differ is flagged
("<- runs differ") with its min/median/max. Exits non-zero when a boot fails (no table, a
panic, a FAIL line, a timeout or a non-zero QEMU status).

    scripts/bench.py --build build/O2 --qemu qemu-system-riscv64 --bios FW [--runs N]
                     [--swap-frames 64,128,256] [--cost-frames 128] [--jobs N] [--no-swap]

Each boot's full console output is kept in BUILD/bench.out and BUILD/bench-swap-F-P.out
(with --runs N: ...-RUN.out).
"""
import argparse
import concurrent.futures
import os
import re
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import opt  # noqa: E402  (scripts/opt.py)

ROW = re.compile(r"bench: (.*\S)\s+(\d+(\.\d+)?|n/a) (instructions|bytes|x)")
SWAP_RUN = re.compile(r"bench-swap: frames=(\d+) used=(\d+) free=(\d+) swap_slots=(\d+)")
SWAP_WORKLOAD = re.compile(r"bench-swap: (\w+) pages=(\d+) accesses=(\d+) swap_ins=(\d+) "
                           r"swap_outs=(\d+) evictions=(\d+) clean=(\d+) zero=(\d+) file=(\d+)")
SWAP_END = re.compile(r"bench-swap: (\w+) end: frames used=(\d+), region resident=(\d+)")
REFS = re.compile(r"bench-swap: refs (\w+): (.*)")
REFS_END = re.compile(r"bench-swap: refs (\w+) end n=(\d+) hash=([0-9a-f]+)")
WORKLOADS = ["loop", "random", "phases", "scan"]
POLICIES = ["2q", "clock", "fifo"]
DEFAULT_POLICY = "2q"  # what evict= is by default (kernel/vm/frame.c, EVICT_DEFAULT)
# The swap rows come from the kernel's instret totals over whole swap-ins and evictions. A
# timer interrupt taken inside one adds its handler to the total, and where the ticks fall
# depends on how long the disk took in host time, so these two rows may differ between runs
# by a few instructions (a known difference; --runs still flags it).
SWAP_ROWS = ["swap-in fault, disk wait excluded", "eviction, disk write wait excluded"]


class Boot:
    """One QEMU boot: its boot arguments, what its output must end with, and its log."""

    def __init__(self, args, done, log, check=None):
        self.args, self.done, self.log, self.check = args, done, log, check
        self.lines, self.reason = [], ""
        self.refs = {}  # workload -> its reference string (bench-swap boots)


def check_bench(boot):
    return "" if any(ROW.fullmatch(l) for l in boot.lines) else "no table rows in the output"


def collect_refs(boot):
    """Fills boot.refs from the refs lines; "" or what is wrong with them."""
    tokens = {}
    for line in boot.lines:
        m = REFS.fullmatch(line)
        if m:
            tokens.setdefault(m.group(1), []).extend(m.group(2).split())
            continue
        m = REFS_END.fullmatch(line)
        if m:
            name, n, h = m.group(1), int(m.group(2)), int(m.group(3), 16)
            refs = opt.parse_refs(tokens.pop(name, []))
            if len(refs) != n or opt.refs_hash(refs) != h:
                return "the %s reference string came through as %d references (hash %x), " \
                       "bench-swap sent %d (hash %x)" % (name, len(refs), opt.refs_hash(refs),
                                                         n, h)
            boot.refs[name] = refs
    if sorted(boot.refs) != sorted(WORKLOADS):
        return "reference strings for %s, expected %s" % (sorted(boot.refs), WORKLOADS)
    return ""


def check_swap(boot):
    lines = boot.lines
    if not any(SWAP_RUN.fullmatch(l) for l in lines):
        return "no 'bench-swap: frames=...' line in the output"
    for pattern in (SWAP_WORKLOAD, SWAP_END):
        found = [m.group(1) for m in map(pattern.fullmatch, lines) if m]
        if found != WORKLOADS:
            return "workload lines for %s, expected %s" % (found, WORKLOADS)
    if sum(1 for l in lines if ROW.fullmatch(l)) != len(SWAP_ROWS):
        return "not the %d swap rows in the output" % len(SWAP_ROWS)
    return collect_refs(boot)


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
        boot.reason = boot.check(boot)
    return boot


def first(pattern, lines, name=None):
    """The first match of pattern in lines (with group 1 == name, if given)."""
    for m in map(pattern.fullmatch, lines):
        if m and (name is None or m.group(1) == name):
            return m
    raise ValueError("no line matches %s" % pattern.pattern)


def policy_row(swap, name, frames):
    """One row of the replacement table, as a list of numbers (see POLICY_COLUMNS)."""
    clock, fifo = swap[(frames, "clock")], swap[(frames, "fifo")]
    free = int(first(SWAP_RUN, clock.lines).group(3))
    refs = clock.refs[name]
    pages = len(set(refs))
    end = first(SWAP_END, clock.lines, name)
    # The frames the region had at the end of the clock run: all of them but those the
    # other resident pages held.
    opt_frames = frames - (int(end.group(2)) - int(end.group(3)))
    misses = {}
    for policy in POLICIES:
        wl = first(SWAP_WORKLOAD, swap[(frames, policy)].lines, name)
        swap_ins, zero, file = int(wl.group(4)), int(wl.group(8)), int(wl.group(9))
        misses[policy] = swap_ins + zero + file - int(wl.group(2))
    lru = opt.lru_faults(refs, opt_frames) - pages
    best = opt.opt_faults(refs, opt_frames) - pages
    return [free, pages, len(refs), opt_frames] + [misses[p] for p in POLICIES] + [lru, best]


POLICY_COLUMNS = ["free", "pages", "refs", "opt fr"] + POLICIES + ["lru", "opt"]


def ratio(x, best):
    return "%.2f" % (x / best) if best else "-"


def cell(cells, column):
    return cells[POLICY_COLUMNS.index(column)]


def format_policy_row(name, frames, cells):
    best = cell(cells, "opt")
    return "bench: %-7s %6d %5s %5s %6s %6s %6s %6s %6s %6s %6s %9s %9s %8s" % (
        (name, frames) + tuple(cells) +
        tuple(ratio(cell(cells, p), best) for p in POLICIES))


def policy_table(opts, swap):
    """The replacement table's rows: [(name, frames, cells)], checking that the FIFO boot
    ran the same workloads as the clock boot."""
    rows = []
    for name in WORKLOADS:
        for frames in opts.swap_frames:
            for policy in POLICIES:
                if swap[(frames, "clock")].refs[name] != swap[(frames, policy)].refs[name]:
                    raise ValueError("%s at frames=%d: the clock and %s boots made different "
                                     "references" % (name, frames, policy))
            rows.append((name, frames, policy_row(swap, name, frames)))
    return rows


POLICY_HEADER = [
    "bench: replacement: misses by policy (frames=F boot argument; each workload is sized from "
    "the frames free at its start)",
    "bench: %-7s %6s %5s %5s %6s %6s %6s %6s %6s %6s %6s %9s %9s %8s" % (
        ("workload", "frames") + tuple(POLICY_COLUMNS) + tuple(p + "/opt" for p in POLICIES)),
]
POLICY_NOTES = [
    "bench: note: a miss is a reference to a page not resident, each page's first reference "
    "not counted. 2q, clock, fifo: the kernel's swap-in faults (pages read ahead not counted) "
    "+ zero fills + file reads during the "
    "workload less its pages (all of the process's pages count). lru, opt: LRU and Belady's "
    "OPT (scripts/opt.py) on the workload's reference string with 'opt fr' frames: those the "
    "region held when the clock run ended (the rest held text, stack, bookkeeping, init), "
    "assumed to be all it had throughout",
    "bench: note: loop = 5 write sweeps over free + free/8 pages; random = a sweep, then 8 "
    "accesses a page to uniformly random pages of free + free/2 (1 in 4 writes); phases = 9 "
    "phases of random accesses (1 in 4 writes) to 3/4 free pages: the same free/2 in every "
    "phase, plus one of three parts of free/4 in turn; scan = a sweep of a hot set of 3/4 "
    "free, then 2 free fresh pages touched once, one random hot access (1 in 4 writes) after "
    "each",
]


def run_all(opts, suffix):
    """Boots everything once. Returns (main, notes, policy, failed): bench's table rows as
    (label, value, unit), its notes, the replacement rows as (name, frames, cells), and the
    failed boots."""
    def log(name):
        return os.path.join(opts.build, name + suffix + ".out")

    main = Boot("init=/bench", "bench: done", log("bench"), check_bench)
    # The same kernel without copy-on-write fork and without the pre-zeroed frames, for the
    # rows these two save.
    eager = Boot("init=/bench,--fork-zero cow=off prezero=0", "bench: done", log("bench-plain"),
                 check_bench)
    swap = {}
    if not opts.no_swap:
        for frames in opts.swap_frames:
            for policy in POLICIES:
                swap[(frames, policy)] = Boot(
                    "frames=%d evict=%s init=/bench-swap" % (frames, policy),
                    "bench-swap: done", log("bench-swap-%d-%s" % (frames, policy)), check_swap)
    # Swap throughput: a few frames, 8192 slots (32 MiB) to fill and drain.
    fill = Boot("init=/bench,--swap-fill frames=256", "bench: done", log("bench-swap-fill"),
                check_bench)
    boots = [main, eager, fill] + list(swap.values())
    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        list(pool.map(lambda b: run_boot(opts, b), boots))
    failed = [b for b in boots if b.reason]
    if failed:
        return [], [], [], failed

    lines = [l for l in main.lines if l != "bench: done"]
    rows = [ROW.fullmatch(l).group(1, 2, 4) for l in lines if ROW.fullmatch(l)]
    rows += fork_rows(rows, [ROW.fullmatch(l).group(1, 2, 4) for l in eager.lines
                             if ROW.fullmatch(l)])
    rows += [ROW.fullmatch(l).group(1, 2, 4) for l in fill.lines if ROW.fullmatch(l)]
    notes = [l for l in lines if not ROW.fullmatch(l) and l.startswith("bench: note")]
    policy = []
    if swap:
        cost = swap[(opts.cost_frames, "clock")].lines
        rows += [ROW.fullmatch(l).group(1, 2, 4) for l in cost if ROW.fullmatch(l)]
        notes += [l.replace("bench: note: swap rows:", "bench: note: swap rows (frames=%d, "
                            "clock, all workloads):" % opts.cost_frames)
                  for l in cost if l.startswith("bench: note: swap rows")]
        notes.append("bench: note: swap rows are the kernel's own counts (vmstat insns_swap_in, "
                     "insns_evict): a swap-in from vm_do_claim_page's start (trap entry and SPT "
                     "lookup not included), an eviction from the victim scan to the freed frame; "
                     "a timer tick inside one adds its handler, and where ticks fall depends on "
                     "the disk's host time, so they may differ by a few instructions between "
                     "runs")
        policy = policy_table(opts, swap)
    return rows, notes, policy, []


FORK_BIG = "fork + exit + wait (16 MiB touched heap)"
FORK_SMALL = "fork + exit + wait (small)"


ZERO_ROW = "zero-fill fault (loop cost subtracted)"


def fork_rows(rows, eager):
    """The rows of the cow=off prezero=0 boot (the eager copy's fork rows, a zero-fill fault
    that zeroes its frame), and the two ratios the copy-on-write goals are about: eager /
    copy-on-write, and 16 MiB / small (both of fork + exit + wait)."""
    out = [(("zero-fill fault, zeroing in the fault (prezero=0)" if label == ZERO_ROW
             else "eager (cow=off): " + label), value, unit) for label, value, unit in eager]
    cow = {label: int(value) for label, value, _ in rows if value.isdigit()}
    copy = {label: int(value) for label, value, _ in eager if value.isdigit()}
    if FORK_BIG in cow and FORK_BIG in copy and FORK_SMALL in cow:
        out.append(("fork 16 MiB: eager copy / copy-on-write (goal >= 100)",
                    "%.2f" % (copy[FORK_BIG] / cow[FORK_BIG]), "x"))
        out.append(("fork 16 MiB / fork small, copy-on-write (goal <= 1.2)",
                    "%.2f" % (cow[FORK_BIG] / cow[FORK_SMALL]), "x"))
    return out


STAGE_KINDS = {"zero-fill": "zero-fill fault (loop cost subtracted)",
               "program page": "file-backed fault, cached (loop cost subtracted)",
               "page cache": "mmap shared file fault, page cached",
               "private copy": "mmap private file first write (copy)"}


def print_stages(opts, plain_rows):
    """make profile: boots the build with stage marks (--stages DIR), and prints its table of
    a fault's stages with the marks' own cost taken off: a kind's total from the plain build
    is the true one, and the difference is spread evenly over the 7 marks (begin and six
    stage ends), each the same few instructions."""
    sopts = argparse.Namespace(**vars(opts))
    sopts.build = opts.stages
    boot = Boot("init=/bench", "bench: done", os.path.join(opts.stages, "bench.out"),
                check_bench)
    run_boot(sopts, boot)
    if boot.reason:
        print("bench: the profile build's boot failed: %s (output in %s)" % (boot.reason,
                                                                            boot.log))
        sys.exit(1)
    table = [l[len("bench: stages "):] for l in boot.lines
             if l.startswith("bench: stages ") and not l.startswith("bench: stages of")]
    kinds = [k for k in STAGE_KINDS if k in table[0]]
    plain = {label: int(value) for label, value, _ in plain_rows if value.isdigit()}
    rows = []
    for line in table[1:]:
        label, cells = line[:44].strip(), [int(c) for c in line[44:].split()]
        rows.append((label, cells))
    total = dict(zip(kinds, rows[-1][1]))
    print("bench: where a fault's instructions go (make profile: build/P's stage marks, "
          "their own cost taken off)")
    print("bench: %-44s %s" % ("stage", " ".join("%12s" % k for k in kinds)))
    per_mark = [(total[k] - plain.get(STAGE_KINDS[k], total[k])) / 7 for k in kinds]
    for label, cells in rows[:-1]:
        # The trap's row is what the user counted less the kernel's stages: no mark in it.
        trap = label.startswith("trap entry")
        fixed = [c if trap else c - per_mark[i] for i, c in enumerate(cells)]
        print("bench: %-44s %s" % (label, " ".join("%12.0f" % c for c in fixed)))
    print("bench: %-44s %s" % ("total (make bench, no marks)",
                               " ".join("%12d" % plain.get(STAGE_KINDS[k], 0) for k in kinds)))
    print("bench: note: each stage mark costs about %s instructions in build/P (its faults' "
          "totals less make bench's, over 7 marks), taken off every stage" %
          "/".join("%.0f" % m for m in per_mark))


# The goals of the performance, copy-on-write and mmap issues, checked against the table:
# (row, "<=" or ">=", a number or the label of another row, what the goal is about).
TARGETS = [
    ("getpid round trip", "<=", 300, ""),
    ("zero-fill fault (loop cost subtracted)", "<=", 1000, "zeroing included"),
    ("file-backed fault, cached (loop cost subtracted)", "<=", 1500, "a program's data page"),
    ("mmap shared file fault, page cached", "<=", "zero-fill fault (loop cost subtracted)",
     "no more than a zero-fill fault"),
    ("eviction, disk write wait excluded", "<=", 1000, "plus the I/O submission"),
    ("  16 MiB / 16 KiB program", "<=", 1.1, "exec cost does not grow with the program"),
    ("  1 GiB / 1 MiB heap", "<=", 1.1, "a fault does not grow with untouched memory"),
    ("SPT bytes/page, untouched 64 MiB sbrk", "<=", 32, "registered, untouched"),
    ("fork 16 MiB: eager copy / copy-on-write (goal >= 100)", ">=", 100, ""),
    ("fork 16 MiB / fork small, copy-on-write (goal <= 1.2)", "<=", 1.2, ""),
]


def print_targets(rows, policy):
    """Each goal with the figure it is about and whether it is met."""
    values = {label: value for label, value, _ in rows}
    print("bench: targets")
    met = total = 0
    for label, op, goal, what in TARGETS:
        if label not in values or values[label] == "n/a":
            continue
        value = number(values[label])
        limit = number(values[goal]) if isinstance(goal, str) else goal
        ok = value <= limit if op == "<=" else value >= limit
        total += 1
        met += ok
        print("bench: target %-50s %10s %s %-8s %s%s" % (label.strip(), values[label], op,
                                                        limit, "met" if ok else "NOT MET",
                                                        "  (%s)" % what if what else ""))
    for name, frames, cells in policy:
        mine, fifo, best = cell(cells, DEFAULT_POLICY), cell(cells, "fifo"), cell(cells, "opt")
        if best:
            ok = mine <= 1.3 * best and mine <= fifo
            total += 1
            met += ok
            print("bench: target %-50s %10s <= %-8s %s  (within 1.3 of OPT, and no worse than "
                  "FIFO's %d)" % ("%s misses, %s at frames=%d" % (DEFAULT_POLICY, name, frames),
                                  mine, "%.0f" % (1.3 * best), "met" if ok else "NOT MET",
                                  fifo))
    print("bench: targets met: %d of %d" % (met, total))


def number(text):
    return float(text) if "." in text else int(text)


def spread(values):
    """min, median, max of the values (strings from the table), as strings."""
    if any(v == "n/a" for v in values):
        return ["n/a"] * 3 if all(v == "n/a" for v in values) else ["?", "?", "?"]
    nums = sorted(number(v) for v in values)
    med = statistics.median_low(nums)
    fmt = (lambda x: "%.2f" % x) if isinstance(nums[0], float) else str
    return [fmt(nums[0]), fmt(med), fmt(nums[-1])]


def print_main(runs_rows, title):
    """bench's table from one or more runs; returns the labels of rows whose runs differ."""
    print(title)
    differ = []
    for i, (label, value, unit) in enumerate(runs_rows[0]):
        values = [rows[i][1] for rows in runs_rows]
        if len(runs_rows) == 1:
            print("bench: %-48s %10s %s" % (label, value, unit))
            continue
        lo, med, hi = spread(values)
        flag = ""
        if len(set(values)) > 1:
            differ.append(label)
            flag = "  <- runs differ" + (" (timer ticks, see the note)" if label in SWAP_ROWS
                                         else "")
        print("bench: %-48s %10s %10s %10s %s%s" % (label, lo, med, hi, unit, flag))
    return differ


def print_policy(runs_policy):
    """The replacement table (medians); returns the rows whose runs differ."""
    runs = len(runs_policy)
    print(POLICY_HEADER[0] + ("; medians of %d runs" % runs if runs > 1 else ""))
    print(POLICY_HEADER[1])
    differ = []
    for i, (name, frames, cells) in enumerate(runs_policy[0]):
        columns = list(zip(*[p[i][2] for p in runs_policy]))
        median = [statistics.median_low(c) for c in columns]
        line = format_policy_row(name, frames, median)
        spreads = ["%s %d/%d/%d" % (POLICY_COLUMNS[k], min(c), statistics.median_low(c), max(c))
                   for k, c in enumerate(columns) if len(set(c)) > 1]
        if spreads:
            differ.append("%s frames=%d" % (name, frames))
            line += "  <- runs differ (min/median/max: %s)" % ", ".join(spreads)
        print(line)
    for line in POLICY_NOTES:
        print(line)
    return differ


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--bios", required=True)
    ap.add_argument("--runs", type=int, default=1, help="run N times; rows that differ are flagged")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per boot")
    ap.add_argument("--swap-frames", default="64,128,256",
                    help="the frames= values of the swap boots (comma-separated)")
    ap.add_argument("--cost-frames", type=int, default=128,
                    help="the frames= of the boot whose clock run gives the swap rows")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="boots at once")
    ap.add_argument("--no-swap", action="store_true", help="only the init=/bench boot")
    ap.add_argument("--stages", default=None,
                    help="the profile build (make profile): print a fault's stages")
    opts = ap.parse_args()
    opts.swap_frames = sorted({int(f) for f in opts.swap_frames.split(",")} |
                              {opts.cost_frames})

    runs = []
    for i in range(opts.runs):
        rows, notes, policy, failed = run_all(opts, "" if opts.runs == 1 else "-%d" % (i + 1))
        for b in failed:
            print("bench: run %d, boot \"%s\" failed: %s (output in %s)" %
                  (i + 1, b.args, b.reason, b.log))
            for line in open(b.log, errors="replace").read().rstrip("\n").split("\n")[-12:]:
                print("    " + line.rstrip("\r"))
        if failed:
            sys.exit(1)
        runs.append((rows, notes, policy))
    if any([r[0] for r in run[0]] != [r[0] for r in runs[0][0]] for run in runs):
        print("bench: the runs printed different rows")
        sys.exit(1)

    title = "bench: guest instructions per operation (instret, QEMU -icount shift=0, 1 hart, " \
            "kernel included)"
    if opts.runs > 1:
        title += "; %d runs: min, median, max" % opts.runs
    if opts.stages:
        print_stages(opts, runs[-1][0])
        print("bench: done")
        return
    differ = print_main([r[0] for r in runs], title)
    for line in runs[-1][1]:
        print(line)
    if runs[0][2]:
        differ += print_policy([r[2] for r in runs])
    print_targets(runs[-1][0], runs[-1][2])
    if opts.runs > 1:
        if differ:
            print("bench: %d runs: %d rows differ between runs (flagged above; under -icount "
                  "only the two swap rows are expected to): %s" % (opts.runs, len(differ),
                                                                   "; ".join(differ)))
        else:
            print("bench: %d runs, identical figures" % opts.runs)
    print("bench: done")


if __name__ == "__main__":
    main()
