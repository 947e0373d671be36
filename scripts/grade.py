#!/usr/bin/env python3
"""sloth's grader: boots one QEMU per test, as many at once as there are cores, and checks
each test's expected output lines, the absence of panics, the power-off status and (for user
tests) that the kernel got back every page, object, frame and swap slot the test used
(scripts/leakcheck.py). Host unit tests run here too. Prints one line per test and a closing
"N passed, N failed" line; exits non-zero when any test fails. The tests themselves are
listed in tests/suite.py.

    scripts/grade.py --build build/Og --qemu qemu-system-riscv64 --bios FW [--gdb GDB]
                     [--results DIR] [NAME...]

A NAME selects the tests with that name or that name followed by '-' (so "smp" selects
smp-1, smp-4 and smp-8). Each test's full console output is kept in BUILD/grade/NAME.out.
With --results, DIR/results.json (Gradescope) and DIR/results.xml (JUnit) are written too
(scripts/results.py).
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import suite  # noqa: E402  (tests/suite.py)
import leakcheck  # noqa: E402  (scripts/leakcheck.py)
from results import Result, tail  # noqa: E402  (scripts/results.py)
import results  # noqa: E402

PANIC_EXIT = 3


def qemu_command(opts, test):
    cmd = [opts.qemu, "-machine", "virt", "-bios", opts.bios,
           "-kernel", os.path.join(opts.build, "kernel.elf"),
           "-m", test.mem, "-smp", str(test.cpus), "-nographic", "-no-reboot",
           "-global", "virtio-mmio.force-legacy=false"]
    if test.args:
        cmd += ["-append", test.args]
    if test.disk:
        # snapshot=on: writes go to a temporary overlay, so tests running at once share the
        # image and each starts from the one mkfs wrote. cache=unsafe: the driver does not
        # negotiate VIRTIO_BLK_F_FLUSH, so QEMU would make every write durable on the host
        # (an fdatasync each, about half of every request's time); a test image needs no
        # host durability, and a killed QEMU's writes are in the host's page cache anyway.
        image = (test.disk.format(build=opts.build) if isinstance(test.disk, str)
                 else os.path.join(opts.build, "grade.img"))
        if getattr(test, "disk_copy", None):
            image = test.disk_copy
        cmd += ["-drive", "file=%s,if=none,format=raw,id=disk0,cache=unsafe%s"
                % (image, ",snapshot=on" if test.disk is True else ""),
                "-device", "virtio-blk-device,drive=disk0"]
    return cmd + list(test.qemu_extra)


def check_output(test, lines, status):
    """Returns "" when the output and status are what the test expects, else the reason."""
    if status != test.status:
        panic = next((l for l in lines if l.startswith("panic: ")), None)
        if panic and test.status != PANIC_EXIT:
            return "kernel " + panic
        return "exit status %d, expected %d" % (status, test.status)
    if test.status != PANIC_EXIT:
        panic = next((l for l in lines if l.startswith("panic: ")), None)
        if panic:
            return "kernel " + panic
    # Expected lines must appear in order (each a regular expression for a whole line).
    pos = 0
    for pattern in test.expect:
        rx = re.compile(pattern)
        while pos < len(lines) and not rx.fullmatch(lines[pos]):
            pos += 1
        if pos == len(lines):
            return "missing line /%s/" % pattern
        pos += 1
    for pattern in test.reject:
        rx = re.compile(pattern)
        bad = next((l for l in lines if rx.search(l)), None)
        if bad is not None:
            return "unexpected line: %s" % bad.strip()
    return ""


def run_console(cmd, stdin, timeout):
    """Runs QEMU with stdin on its console: (output, exit status, None), or on a timeout
    (output, None, reason), the output then ending with what Ctrl-P prints (the kernel's
    process list and every hart's state), so that the log of a hang shows where it hangs."""
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    chunks = []
    reader = threading.Thread(
        target=lambda: chunks.extend(iter(lambda: p.stdout.read1(4096), b"")), daemon=True)
    reader.start()
    reason = None
    try:
        if stdin:
            p.stdin.write(stdin)
            p.stdin.flush()
        p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        reason = "timeout after %d s" % timeout
        try:
            p.stdin.write(b"\x10")
            p.stdin.flush()
            time.sleep(2)
        except OSError:
            pass
        p.kill()
        p.wait()
    except OSError:  # QEMU ended before it read its input
        p.wait()
    reader.join(5)
    p.stdin.close()
    return b"".join(chunks), (None if reason else p.returncode), reason


def run_qemu_test(opts, test):
    log = os.path.join(opts.build, "grade", test.name + ".out")
    start = time.time()
    if test.disk == "copy":
        # A copy of the image, used directly and checked with the host fsck afterwards.
        test.disk_copy = os.path.join(opts.build, "grade", test.name + ".img")
        shutil.copyfile(os.path.join(opts.build, "grade.img"), test.disk_copy)
    out, status, reason = run_console(qemu_command(opts, test), test.stdin.encode(),
                                      test.timeout)
    seconds = time.time() - start
    text = out.decode("utf-8", "replace")
    with open(log, "w") as f:
        f.write(text)
    lines = [l.rstrip("\r") for l in text.split("\n")]
    if reason is None:
        reason = check_output(test, lines, status)
    if not reason and test.leakcheck:
        reason = leakcheck.check(lines)
    if test.disk == "copy":
        reason = reason or fsck_image(opts, test.disk_copy, log)
        if not reason:
            os.remove(test.disk_copy)
    return Result(test, not reason, seconds, reason, log)


def fsck_image(opts, image, log):
    """Runs the host fsck on image, appending its report to log; "" when it is clean."""
    reason, report = fsck(opts, image)
    with open(log, "a") as f:
        f.write("\n=== fsck ===\n" + report)
    return reason


def crash_done_counts(text):
    """What the writer reported done, for the checker's arguments: {done_a} and {done_b}, the
    files of crash-write's two writers; {done}, crash-load's finished operations per worker
    (D0,D1,D2: one more than the last "wN done K")."""
    done = {w: len(set(re.findall(r"crash-write: f%s(\d+) done" % w, text))) for w in "ab"}
    ops = [0, 0, 0]
    for w, k in re.findall(r"crash-load: w(\d) done (\d+)", text):
        ops[int(w)] = max(ops[int(w)], int(k) + 1)
    return {"done_a": done["a"], "done_b": done["b"], "done": ",".join(map(str, ops))}


def run_crash_test(opts, test):
    """Kills QEMU in the middle of file-system writes (once the writer has printed
    test.kill_after, plus test.kill_delay seconds), checks the image with the host fsck
    (replaying the log on a copy; orphans allowed, the next boot frees them), boots the same
    image again to check it, then runs the host fsck on it again."""
    logdir = getattr(opts, "logdir", None) or os.path.join(opts.build, "grade")
    log = os.path.join(logdir, test.name + ".out")
    image = os.path.join(logdir, test.name + ".img")
    start = time.time()
    shutil.copyfile(os.path.join(opts.build, "grade.img"), image)
    writer = KernelRun(test.name + "-write", test.write_args, image, test)
    qemu = subprocess.Popen(qemu_command(opts, writer), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seen = b""
    deadline = time.time() + test.timeout
    while time.time() < deadline and test.kill_after.encode() not in seen:
        chunk = qemu.stdout.read1(4096)
        if not chunk:
            break
        seen += chunk
    if test.kill_after.encode() in seen:
        time.sleep(test.kill_delay)
    qemu.kill()
    seen += qemu.communicate()[0] or b""
    out1 = seen.decode("utf-8", "replace")
    reason = "" if test.kill_after.encode() in seen else \
        "the writer never printed %r" % test.kill_after
    panic = next((l for l in out1.split("\n") if l.startswith("panic: ")), None)
    reason = "kernel %s (first boot)" % panic.strip() if panic else reason
    text = "=== first boot (killed) ===\n" + out1
    if not reason:
        copy = image + ".replayed"
        shutil.copyfile(image, copy)
        reason, report = fsck(opts, copy, "--replay", "--orphans")
        os.remove(copy)
        text += "\n=== fsck --replay --orphans of the crashed image ===\n" + report
        reason = reason and "the crashed image (log replayed): " + reason
    if not reason:
        check_args = test.check_args.format(**crash_done_counts(out1))
        checker = KernelRun(test.name + "-check", check_args, image, test)
        try:
            result = subprocess.run(qemu_command(opts, checker), stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    timeout=test.timeout)
            out, status = result.stdout.decode("utf-8", "replace"), result.returncode
        except subprocess.TimeoutExpired as e:
            out, status = (e.stdout or b"").decode("utf-8", "replace"), None
        text += "\n=== second boot: %s ===\n%s" % (check_args, out)
        lines = [l.rstrip("\r") for l in out.split("\n")]
        reason = ("the check timed out after %d s" % test.timeout if status is None
                  else check_output(test, lines, status))
        fail = next((l for l in lines if "FAIL" in l), None)
        reason = reason and fail.strip() if reason and fail else reason
        if not reason and test.leakcheck:
            reason = leakcheck.check(lines)
    if not reason:
        reason, report = fsck(opts, image)
        text += "\n=== fsck after the second boot ===\n" + report
        reason = reason and "after the second boot: " + reason
    with open(log, "w") as f:
        f.write(text)
    if not reason:
        os.remove(image)
    return Result(test, not reason, time.time() - start, reason, log)


def fsck(opts, image, *flags):
    """Runs the host fsck; returns (the first problem or "", its whole report)."""
    proc = subprocess.run([os.path.join(opts.build, "mkfs", "fsck")] + list(flags) + [image],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    report = proc.stdout.decode("utf-8", "replace")
    if proc.returncode == 0:
        return "", report
    problems = [l for l in report.split("\n") if l.startswith("fsck: ")]
    return "fsck: " + (problems[0][6:] if problems else "exit status %d" % proc.returncode), report


class KernelRun:
    """One boot of a multi-boot test: its own boot arguments, the test's machine, a disk image
    used directly (no snapshot)."""

    def __init__(self, name, args, image, test):
        self.name, self.args, self.disk = name, args, image
        self.mem, self.cpus, self.qemu_extra = test.mem, test.cpus, test.qemu_extra


def run_unit_test(opts, test):
    log = os.path.join(opts.build, "grade", test.name + ".out")
    cmd = [c.format(build=opts.build) for c in test.command]
    start = time.time()
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=test.timeout)
        out, reason = proc.stdout, "" if proc.returncode == 0 else "exit status %d" % proc.returncode
    except subprocess.TimeoutExpired as e:
        out, reason = e.stdout or b"", "timeout after %d s" % test.timeout
    except OSError as e:
        out, reason = b"", "cannot run %s: %s" % (cmd[0], e.strerror)
    with open(log, "wb") as f:
        f.write(out)
    if not reason:
        lines = out.decode("utf-8", "replace").split("\n")
        reason = check_output(test, lines, 0)
    return Result(test, not reason, time.time() - start, reason, log)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_gdb_test(opts, test):
    """Boots QEMU waiting for gdb, runs gdb (--gdb) in batch mode with .gdbinit (as `make gdb`
    does) and the test's commands, and checks gdb's output."""
    log = os.path.join(opts.build, "grade", test.name + ".out")
    port = free_port()
    qemu = subprocess.Popen(qemu_command(opts, test) + ["-S", "-gdb", "tcp:127.0.0.1:%d" % port],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    env = dict(os.environ, SLOTH_KERNEL=os.path.join(opts.build, "kernel.elf"),
               SLOTH_GDB_PORT=str(port))
    cmd = [opts.gdb, "-q", "-nx", "-batch", "-x", ".gdbinit"]
    for c in test.commands:
        cmd += ["-ex", c]
    start = time.time()
    try:
        proc = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=test.timeout)
        out, reason = proc.stdout, None
    except subprocess.TimeoutExpired as e:
        out, reason = e.stdout or b"", "gdb timed out after %d s" % test.timeout
    except OSError as e:
        out, reason = b"", "cannot run %s: %s" % (opts.gdb, e.strerror)
    finally:
        qemu.kill()
        console = qemu.communicate()[0]
    with open(log, "wb") as f:
        f.write(out + b"\n--- QEMU console ---\n" + console)
    if reason is None:
        lines = [l.rstrip("\r") for l in out.decode("utf-8", "replace").split("\n")]
        reason = check_output(test, lines, 0)
    return Result(test, not reason, time.time() - start, reason, log)


def run_campaign_test(opts, test):
    """A short fault-injection campaign (suite.CampaignTest, scripts/failcampaign.py), its
    boots one after another; the log holds a line per boot and the summary."""
    import failcampaign  # scripts/failcampaign.py
    log = os.path.join(opts.build, "grade", test.name + ".out")
    boots = failcampaign.fixed_plan(test.runs)
    out = []
    outcomes, seconds = failcampaign.campaign(
        qemu_command, opts, boots, 1, os.path.join(opts.build, "grade", test.name), out.append)
    lines, total, bad = failcampaign.summary(outcomes, seconds)
    with open(log, "w") as f:
        f.write("\n".join(out + lines) + "\n")
    reason = ""
    if bad:
        o = bad[0]
        reason = "boot %d (%s): %s" % (o.boot.index, o.boot.args, "; ".join(o.problems))
    elif total < test.min_injected:
        reason = "only %d failures were injected, expected at least %d" % (total,
                                                                          test.min_injected)
    return Result(test, not reason, seconds, reason, log)


def run(opts, test):
    if isinstance(test, suite.CampaignTest):
        return run_campaign_test(opts, test)
    if isinstance(test, suite.UnitTest):
        return run_unit_test(opts, test)
    if isinstance(test, suite.GdbTest):
        return run_gdb_test(opts, test)
    if isinstance(test, suite.CrashTest):
        return run_crash_test(opts, test)
    return run_qemu_test(opts, test)


def selected(tests, names):
    if not names:
        return tests
    chosen = [t for t in tests if any(t.name == n or t.name.startswith(n + "-") for n in names)]
    unknown = [n for n in names if not any(t.name == n or t.name.startswith(n + "-") for t in tests)]
    if unknown:
        sys.exit("grade: no test named %s (see tests/suite.py)" % ", ".join(unknown))
    return chosen


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--bios", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--results", help="write results.json and results.xml here")
    ap.add_argument("--gdb", default="gdb-multiarch", help="the gdb for the gdb tests")
    ap.add_argument("names", nargs="*")
    opts = ap.parse_args()
    tests = selected(suite.TESTS, opts.names)
    os.makedirs(os.path.join(opts.build, "grade"), exist_ok=True)

    start = time.time()
    passed = failed = 0
    failures, done = [], []
    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        # Longest tests first, so the slow ones do not start last.
        order = sorted(tests, key=lambda t: -t.weight)
        futures = {pool.submit(run, opts, t): t for t in order}
        for fut in concurrent.futures.as_completed(futures):
            r = fut.result()
            done.append(r)
            if r.ok:
                passed += 1
                print("PASS  %-24s %6.1fs" % (r.test.name, r.seconds), flush=True)
            else:
                failed += 1
                failures.append(r)
                print("FAIL  %-24s %6.1fs  %s" % (r.test.name, r.seconds, r.reason), flush=True)
    for r in failures:
        print("\n--- %s: %s (last lines of %s)" % (r.test.name, r.reason, r.log))
        for line in tail(r.log):
            print("    " + line.rstrip("\r"))
    if opts.results:
        done.sort(key=lambda r: tests.index(r.test))  # the suite's order, whatever the timing
        results.write(opts.results, done, time.time() - start)
    print("\n%d passed, %d failed (%.0f s)" % (passed, failed, time.time() - start))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
