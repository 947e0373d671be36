#!/usr/bin/env python3
"""The fault-injection campaign (make failinject; a short one in make grade): boots the VM
and file-system tests of tests/suite.py with random fault injection (kernel/lib/failinject.h:
fail_kalloc, fail_kmalloc, fail_swap, fail_diskread, fail_diskwrite) drawn from one printed
seed, and checks the kernel, not the test: a test may FAIL its own checks when its system
calls get -1 or its children are killed, but the kernel must never

  - panic, or take an unexpected trap,
  - hang (the test's timeout, half as long again),
  - kill a process with a reason that vm.c's vm_fault_reason does not give (or with none),
  - leak (the leak check's two lines, scripts/leakcheck.py, must agree),
  - leave an inconsistent file system: after the run the disk image goes through the host
    fsck; when a disk error made the file system read-only, a second boot without
    injection first recovers its log. A file that was unlinked while open and had its
    last close after the file system went read-only stays allocated without a name (an
    orphan): it is counted, not failed (a boot that frees orphans removes it).

    scripts/failcampaign.py --build build/Og --qemu qemu-system-riscv64 --bios FW
                            [--boots N] [--seed S] [--jobs J] [--first I] [--replay I]
                            [--only NAME...] [--sites SITE...]

Every boot is printed with its boot arguments (so any one can be run again alone, with
--replay I and the same seed), and the summary gives the injected failures per site. Boots
that break a rule keep their console output in BUILD/failcampaign/boot-I.out.
"""
import argparse
import concurrent.futures
import math
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(TOP, "tests"))
import suite  # noqa: E402  (tests/suite.py)
import leakcheck  # noqa: E402  (scripts/leakcheck.py)

# The suite's tests a campaign draws from: user tests of the memory system and the file
# system (names or name prefixes). Crash tests and kernel tests are not: they run no
# processes worth failing, or kill QEMU themselves.
CANDIDATES = ["swap-", "page-", "lazy-", "mmap-", "cow-", "fork-", "files", "bigfile",
              "manyfiles", "pipe", "exec-", "dirent-reuse", "concurrent-fs", "sh-pipeline",
              "badptr", "kill", "oom-", "sbrk-oom"]

# Per site: the range of N for prob:N (one call in N fails) and for nth:N, each drawn
# log-uniformly, so that some boots fail often (and their tests die early, in their first
# system calls) and others rarely (deep in a test, where the long paths are).
SITES = {
    "kalloc": ((2, 2000), (1, 20000)),
    "kmalloc": ((2, 2000), (1, 20000)),
    "swap": ((2, 200), (1, 2000)),
    "diskread": ((2, 500), (1, 2000)),
    "diskwrite": ((2, 500), (1, 2000)),
}
# How often each site is chosen: the allocators and disk reads more often than swap slots
# and disk writes, whose failures are cheap to come by (a failed swap reservation or swap
# write is passed over by the evictor; a failed commit makes the file system read-only, after
# which only swap writes are left to fail).
WEIGHTS = {"kalloc": 3, "kmalloc": 3, "swap": 2, "diskread": 3, "diskwrite": 1}
LABELS = {"kalloc": "kalloc", "kmalloc": "kmalloc", "swap": "swap", "diskread": "disk read",
          "diskwrite": "disk write"}

REPORT = re.compile(r"failinject: (.*)")
REPORT_ITEM = re.compile(r"(?:^|,)\s*([a-z ]+?) (\d+) of (\d+) calls failed")
KILL = re.compile(r"pid \d+ \((.*?)\): killed: (.+?) at va 0x[0-9a-f]+, pc 0x[0-9a-f]+(?:: (.*))?")
ABORT = re.compile(r"fs: disk error: .* the file system is read-only")
ORPHAN = re.compile(r"fsck: inode \d+ \(\w+, nlink 0, size \d+\) is allocated but not reachable")
FSCK_COUNT = re.compile(r"fsck: \d+ problems")


def known_reasons(path=os.path.join(TOP, "kernel", "vm", "vm.c")):
    """Every reason a kill line may give: the strings of vm.c's vm_fault_reason."""
    with open(path) as f:
        text = f.read()
    start = text.index("const char *vm_fault_reason(")
    body = text[start:text.index("\n}\n", start)]
    return set(re.findall(r'"([^"]*)"', body)) - {"resolved", "?"}


# The campaign's own workloads, besides the suite's tests: tests/fail-stress carries on when
# calls fail, so a boot of it meets many injected failures, and any FAIL line it prints is a
# call that succeeded and did the wrong thing: a kernel bug (strict).
def workloads():
    out = []
    for name, args in (("fail-stress", "init=/tests/fail-stress,30"),
                       ("fail-stress-swap", "init=/tests/fail-stress,20,96 frames=64")):
        t = suite.UserTest(name, args=args, timeout=120, expect=[r"fail-stress: ok"])
        t.strict = True
        out.append(t)
    return out


def candidates(only=None):
    """(the suite's tests, the campaign's workloads) to draw from, both lists filtered by
    only (names, or prefixes ending in -) when given."""
    def chosen(t, names):
        return any(t.name == n or (n.endswith("-") and t.name.startswith(n)) for n in names)
    tests = [t for t in suite.TESTS if type(t) is suite.UserTest and chosen(t, only or CANDIDATES)]
    work = [t for t in workloads() if not only or chosen(t, only)]
    return tests, work


def log_uniform(rng, lo, hi):
    return int(round(math.exp(rng.uniform(math.log(lo), math.log(hi)))))


def draw_settings(rng, sites=None):
    """The fail_ boot arguments of one boot: one to three sites (of `sites`, default all),
    each prob or nth."""
    chosen, left = [], sorted(sites or SITES)
    for _ in range(min(len(left), rng.choice([1, 1, 2, 2, 3]))):
        site = rng.choices(left, weights=[WEIGHTS[s] for s in left])[0]
        chosen.append(site)
        left.remove(site)
    args = []
    for site in sorted(chosen):
        prob, nth = SITES[site]
        if rng.random() < 0.7:
            after = log_uniform(rng, 1, nth[1]) if rng.random() < 0.5 else 0
            args.append("fail_%s=prob:%d,seed:%d%s" % (site, log_uniform(rng, *prob),
                                                       rng.randrange(1 << 31),
                                                       ",after:%d" % after if after else ""))
        else:
            args.append("fail_%s=nth:%d" % (site, log_uniform(rng, *nth)))
    return " ".join(args)


class Boot:
    """One boot of a campaign: a test and its injection settings (args: the whole boot
    command line, if not the test's own followed by the settings)."""

    def __init__(self, index, test, settings, args=None):
        self.index, self.test, self.settings = index, test, settings
        self.name = "%s-%d" % (test.name, index)
        self.args = args or test.args + " " + settings
        self.mem, self.cpus, self.qemu_extra = test.mem, test.cpus, test.qemu_extra
        self.disk = None  # set by run_boot: a private copy of the image


def fixed_plan(runs):
    """Boots with given boot arguments: runs is a list of (name, boot arguments), the name
    a workload's or else a suite test's (for its timeout, harts and expected last line)."""
    tests, work = candidates(None)
    by_name = {t.name: t for t in tests + [t for t in suite.TESTS if type(t) is suite.UserTest]}
    by_name.update({t.name: t for t in work})
    return [Boot(i, by_name[name], " ".join(w for w in args.split() if w.startswith("fail_")),
                 args) for i, (name, args) in enumerate(runs)]


def plan(seed, boots, only=None, sites=None):
    """The boots of a campaign: two in five run a workload, the others a test of the suite."""
    tests, work = candidates(only)
    if not tests and not work:
        sys.exit("failcampaign: no test matches %s" % (only or CANDIDATES))
    out = []
    for i in range(boots):
        rng = random.Random("%s:%d" % (seed, i))
        pool = work if work and (not tests or rng.random() < 0.4) else tests
        out.append(Boot(i, rng.choice(pool), draw_settings(rng, sites)))
    return out


# A process that sleeps where only another process can wake it: in a pipe, in wait(), in
# sleep(), on console input (the chains procdump prints, innermost first).
USER_WAITS = re.compile(r"sleep < (piperead|pipewrite|wait|sleep_ticks < sys_sleep|console_read)\b")
PROCDUMP = re.compile(r"(\d+) (used|sleep|runble|run|zombie) (\S+?)(?:: (.*))?")
QUIET_PROBE = 10   # seconds without output before the console is asked for the process list
STUCK_PROBES = 3   # consecutive lists in which every process waits on another: stuck


def stuck(text):
    """Does the last process list in text (procdump's, after a Ctrl-P) show every process
    asleep in a wait that only another process can end (or a zombie)?"""
    text = text.replace("\r", "")
    start = text.rfind("\n\n1 ")
    if start < 0:
        return False
    procs = []
    for line in text[start + 2:].split("\n"):
        m = PROCDUMP.fullmatch(line.strip())
        if not m:
            break
        procs.append(m)
    return bool(procs) and all(m.group(2) == "zombie" or (m.group(2) == "sleep" and
                                                          USER_WAITS.match(m.group(4) or ""))
                               for m in procs)


def run_qemu(qemu_command, opts, run, timeout):
    """(console text, exit status, how it ended): status None when QEMU was stopped, because
    of the timeout ("timeout") or because every process waited for another ("stuck": the
    test deadlocked itself, the kernel is idle). After QUIET_PROBE seconds without output
    the console gets a Ctrl-P (the process list) every few seconds to tell."""
    p = subprocess.Popen(qemu_command(opts, run), stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    chunks, lock = [], threading.Lock()
    last = [time.time()]

    def reader():
        for chunk in iter(lambda: p.stdout.read1(4096), b""):
            with lock:
                chunks.append(chunk)
                last[0] = time.time()

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    deadline, stuck_seen, ended = time.time() + timeout, 0, None
    while p.poll() is None:
        time.sleep(0.5)
        now = time.time()
        if now > deadline:
            ended = "timeout"
            break
        if now - last[0] >= QUIET_PROBE or stuck_seen:
            p.stdin.write(b"\x10")
            p.stdin.flush()
            time.sleep(2)
            with lock:
                text = b"".join(chunks).decode("utf-8", "replace")
            stuck_seen = stuck_seen + 1 if stuck(text) else 0
            if stuck_seen == STUCK_PROBES:
                ended = "stuck"
                break
    if ended:
        p.kill()
    p.wait()
    t.join(5)
    text = b"".join(chunks).decode("utf-8", "replace")
    return text, (None if ended else p.returncode), ended


def injected(lines):
    """{label: (failed, calls)} from the kernel's failinject line at power-off."""
    for line in reversed(lines):
        m = REPORT.fullmatch(line.strip())
        if m and "calls failed" in line:
            return {i.group(1): (int(i.group(2)), int(i.group(3)))
                    for i in REPORT_ITEM.finditer(m.group(1))}
    return {}


def kernel_problems(lines, status, reasons, ended=None):
    """What the console shows the kernel did wrong (empty: nothing)."""
    bad = []
    if ended == "timeout":
        bad.append("hang (timeout)")
    elif status is not None and status not in (0, 1):
        bad.append("exit status %d" % status)
    for line in lines:
        if line.startswith("panic: ") or line.startswith("kernel trap"):
            bad.append(line.strip())
        m = KILL.fullmatch(line.strip())
        if m and m.group(3) not in reasons:
            bad.append("unknown kill reason: " + line.strip())
    if status is not None:
        why = leakcheck.check(lines)
        if why:
            bad.append(why)
    return bad


def check_disk(qemu_command, opts, boot, lines, image, stopped):
    """(problems, orphans, recovered, console text): the image after the run, through a
    recovery boot when the file system went read-only or QEMU was stopped, then the host
    fsck."""
    bad, recovered, text = [], False, ""
    if stopped or any(ABORT.search(l) for l in lines):
        recovered = True
        rec = Boot(boot.index, boot.test, "")
        rec.args, rec.disk, rec.cpus = "init=/echo,recovered", image, 1
        out, status, ended = run_qemu(qemu_command, opts, rec, 60)
        text += "\n=== recovery boot ===\n" + out
        rlines = [l.rstrip("\r") for l in out.split("\n")]
        if status != 0 or "recovered" not in rlines:
            bad.append("the recovery boot failed (status %s)" % status)
        bad += ["recovery boot: " + p for p in kernel_problems(rlines, status, set(), ended)]
    fsck = subprocess.run([os.path.join(opts.build, "mkfs", "fsck"), image],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = fsck.stdout.decode("utf-8", "replace")
    text += "\n=== fsck ===\n" + out
    problems = [l for l in out.split("\n") if l.startswith("fsck: ") and not FSCK_COUNT.match(l)
                and not l.startswith("fsck: clean")]
    orphans = sum(1 for l in problems if ORPHAN.match(l))
    others = [l for l in problems if not ORPHAN.match(l)]
    if fsck.returncode != 0 and others:
        bad.append("fsck: " + "; ".join(others[:3]))
    return bad, orphans, recovered, text


class Outcome:
    def __init__(self, boot):
        self.boot, self.problems, self.counts, self.seconds = boot, [], {}, 0.0
        self.test_failed = self.recovered = self.nothing_injected = False
        self.ended = None
        self.orphans = 0
        self.log = None


def run_boot(qemu_command, opts, boot, reasons, workdir):
    """Runs one boot and everything after it; returns its Outcome."""
    out = Outcome(boot)
    start = time.time()
    image = os.path.join(workdir, "boot-%d.img" % boot.index)
    shutil.copyfile(os.path.join(opts.build, "grade.img"), image)
    boot.disk = image
    text, status, out.ended = run_qemu(qemu_command, opts, boot, int(boot.test.timeout * 1.5))
    lines = [l.rstrip("\r") for l in text.split("\n")]
    out.counts = injected(lines)
    out.problems = kernel_problems(lines, status, reasons, out.ended)
    out.test_failed = not any(re.fullmatch(p, l) for p in boot.test.expect[-1:] for l in lines)
    if getattr(boot.test, "strict", False):
        out.problems += ["wrong result: " + l.strip() for l in lines if ": FAIL: " in l]
    if out.ended != "timeout":
        bad, out.orphans, out.recovered, more = check_disk(qemu_command, opts, boot, lines, image,
                                                           out.ended == "stuck")
        out.problems += bad
        text += more
    out.seconds = time.time() - start
    out.nothing_injected = not any(v[0] for v in out.counts.values())
    # Kept besides those that broke a rule: a test that failed with nothing injected (flaky?)
    # and a stuck one (a test's own deadlock, or a lost wakeup: to be read).
    if out.problems or (out.test_failed and out.nothing_injected) or out.ended == "stuck":
        out.log = os.path.join(workdir, "boot-%d.out" % boot.index)
        with open(out.log, "w") as f:
            f.write("boot arguments: %s\n%s" % (boot.args, text))
    os.remove(image)
    return out


def describe(out):
    b = out.boot
    hits = ", ".join("%s %d" % (k, v[0]) for k, v in out.counts.items() if v[0]) or "none"
    verdict = "BAD: " + "; ".join(out.problems) if out.problems else "ok"
    notes = [n for n, on in (("test stuck: every process waits for another; stopped",
                              out.ended == "stuck"),
                             ("test failed its checks", out.test_failed),
                             ("recovered by a second boot", out.recovered),
                             ("%d orphans" % out.orphans, out.orphans)) if on]
    return "boot %4d  %-16s %5.1fs  injected: %-28s %s%s  [%s]" % (
        b.index, b.test.name, out.seconds, hits, verdict,
        " (" + ", ".join(notes) + ")" if notes else "", b.settings)


def summary(outcomes, seconds):
    """The closing figures, as lines."""
    per_site = {l: [0, 0] for l in LABELS.values()}
    for o in outcomes:
        for label, (failed, calls) in o.counts.items():
            if label in per_site:
                per_site[label][0] += failed
                per_site[label][1] += calls
    total = sum(v[0] for v in per_site.values())
    bad = [o for o in outcomes if o.problems]
    lines = ["failcampaign: %d boots in %.0f s, %d injected failures (%s)" % (
        len(outcomes), seconds, total,
        ", ".join("%s %d of %d calls" % (k, v[0], v[1]) for k, v in per_site.items()))]
    lines.append("failcampaign: %d boots whose test failed its own checks (%d of them stuck, "
                 "the kernel idle; %d with nothing injected), %d recovered by a second boot, "
                 "%d orphans" % (
                     sum(o.test_failed for o in outcomes),
                     sum(o.ended == "stuck" for o in outcomes),
                     sum(o.test_failed and o.nothing_injected for o in outcomes),
                     sum(o.recovered for o in outcomes), sum(o.orphans for o in outcomes)))
    kinds = {}
    for o in bad:
        for p in o.problems:
            kind = p.split(":")[0]
            kinds[kind] = kinds.get(kind, 0) + 1
    lines.append("failcampaign: %d boots broke a rule%s" % (
        len(bad), " (" + ", ".join("%s %d" % kv for kv in sorted(kinds.items())) + ")"
        if kinds else ": no panic, no hang, no unknown kill reason, no leak, fsck clean"))
    return lines, total, bad


def snapshot(opts, workdir):
    """A copy of opts whose build directory is a private copy of the kernel, the disk image
    and fsck, so that a make during a long campaign does not change them under it."""
    snap = os.path.join(workdir, "build")
    os.makedirs(os.path.join(snap, "mkfs"), exist_ok=True)
    for f in ("kernel.elf", "grade.img", os.path.join("mkfs", "fsck")):
        shutil.copy2(os.path.join(opts.build, f), os.path.join(snap, f))
    copy = argparse.Namespace(**vars(opts))
    copy.build = snap
    return copy


def campaign(qemu_command, opts, boots, jobs, workdir, echo=print):
    """Runs the boots, echoing a line for each; returns (outcomes, seconds)."""
    os.makedirs(workdir, exist_ok=True)
    opts = snapshot(opts, workdir)
    reasons = known_reasons()
    start = time.time()
    outcomes = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(run_boot, qemu_command, opts, b, reasons, workdir) for b in boots]
        for fut in concurrent.futures.as_completed(futures):
            o = fut.result()
            outcomes.append(o)
            echo(describe(o))
    outcomes.sort(key=lambda o: o.boot.index)
    return outcomes, time.time() - start


def main():
    import grade  # scripts/grade.py: how a test's QEMU is started
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--bios", required=True)
    ap.add_argument("--boots", type=int, default=200)
    ap.add_argument("--seed", default=None, help="default: from the clock (printed)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--first", type=int, default=0, help="start at boot number FIRST")
    ap.add_argument("--replay", type=int, default=None, help="run only boot number I")
    ap.add_argument("--only", nargs="*", help="tests (or prefixes ending in -) to draw from")
    ap.add_argument("--sites", nargs="*", choices=sorted(SITES), help="sites to fail (all)")
    opts = ap.parse_args()
    seed = opts.seed if opts.seed is not None else str(int(time.time()))
    boots = plan(seed, opts.first + opts.boots, opts.only, opts.sites)[opts.first:]
    if opts.replay is not None:
        boots = [b for b in plan(seed, opts.replay + 1, opts.only, opts.sites)
                 if b.index == opts.replay]
    print("failcampaign: seed %s, %d boots (%d to %d), %d at a time" % (
        seed, len(boots), boots[0].index, boots[-1].index, opts.jobs), flush=True)
    workdir = os.path.join(opts.build, "failcampaign")
    outcomes, seconds = campaign(grade.qemu_command, opts, boots, opts.jobs, workdir,
                                 echo=lambda s: print(s, flush=True))
    lines, _, bad = summary(outcomes, seconds)
    for o in bad:
        print("  boot %d (%s): %s; console in %s" % (o.boot.index, o.boot.args,
                                                     "; ".join(o.problems), o.log))
    print("\n".join(lines))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
