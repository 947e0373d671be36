#!/usr/bin/env python3
"""test_grader: the grader's own logic, on fabricated input. The results writer
(scripts/results.py) must give a results.json that Gradescope reads (fields, per-test scores
from the weights, the total, failure output with the reason and the log's last lines) and a
results.xml that parses as JUnit (counts, test cases in order, failures with their message),
even for logs holding characters XML cannot carry. The leak check (scripts/leakcheck.py)
must pass equal lines, allow for the named caches and nothing else, and fail a changed
figure, a leftover process, a missing or unreadable line with a reason that names it. The
reader of docs/gdb.md (scripts/gdbdoc.py) must find the page's boot, commands and output, turn
each shown line into a pattern that matches it and its run-to-run variants but not a changed
type, state or count, and refuse a page it cannot read. The fault-injection campaign
(scripts/failcampaign.py) must read a process list, the per-site figures and kill lines as
the kernel prints them, flag what breaks its rules, and plan the same boots from a seed. The
console runner (grade.run_console) must pass input, return the exit status, and send Ctrl-P to
a run that outlives its timeout before it kills it.
    usage: tests/unit/test_grader.py WORKDIR
"""
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(TOP, "scripts"))
sys.path.insert(0, os.path.join(TOP, "tests"))
import failcampaign  # noqa: E402
import grade  # noqa: E402
import gdbdoc  # noqa: E402
import leakcheck  # noqa: E402
import results  # noqa: E402
import suite  # noqa: E402

passed = failed = 0


def check(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("test_grader: FAIL: %s%s" % (what, ": " + str(detail) if detail else ""))


class FakeTest:
    def __init__(self, name, weight):
        self.name, self.weight = name, weight


def fabricate(work):
    """Three results: a pass (weight 3), a failure with a 30-line log holding XML's special
    and forbidden characters (weight 2), a failure whose log does not exist (weight 1)."""
    log = os.path.join(work, "b.out")
    with open(log, "w") as f:
        for i in range(1, 31):
            f.write("line %d <&>\"' \x1b[0m\x00\x07 end\r\n" % i)
    return [
        results.Result(FakeTest("a-pass", 3), True, 1.25, "", os.path.join(work, "a.out")),
        results.Result(FakeTest("b-fail", 2), False, 2.5, "missing line /b: ok/ <&>", log),
        results.Result(FakeTest("c-nolog", 1), False, 0.5, "timeout after 60 s",
                       os.path.join(work, "none.out")),
    ]


def check_json(path, rs):
    with open(path) as f:
        d = json.load(f)
    check("json: top-level fields", {"tests", "score", "execution_time"} <= set(d), sorted(d))
    check("json: score is the sum of the passed weights", d.get("score") == 3.0, d.get("score"))
    check("json: execution_time", d.get("execution_time") == 12.3, d.get("execution_time"))
    tests = d.get("tests", [])
    check("json: one entry per test, in order", [t.get("name") for t in tests] ==
          ["a-pass", "b-fail", "c-nolog"], [t.get("name") for t in tests])
    if len(tests) != 3:
        return
    for t in tests:
        check("json: %s has every field" % t["name"],
              {"name", "score", "max_score", "status", "output"} <= set(t), sorted(t))
    check("json: max_score is the weight", [t["max_score"] for t in tests] == [3, 2, 1])
    check("json: scores", [t["score"] for t in tests] == [3, 0, 0], [t["score"] for t in tests])
    check("json: statuses", [t["status"] for t in tests] == ["passed", "failed", "failed"])
    out = tests[1]["output"]
    check("json: failure output starts with the reason", out.startswith(rs[1].reason), out[:80])
    check("json: failure output holds the log's last lines",
          "line 30 " in out and "line 19 " in out, out[-200:])
    check("json: ... and only the last %d" % results.TAIL_LINES, "line 18 " not in out)
    check("json: no carriage returns", "\r" not in out)
    check("json: a failure without a log gives its reason", tests[2]["output"] == rs[2].reason,
          tests[2]["output"])


def check_xml(path, rs):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        check("xml: results.xml parses", False, e)
        return
    check("xml: root is testsuites", root.tag == "testsuites", root.tag)
    check("xml: testsuites counts", root.get("tests") == "3" and root.get("failures") == "2",
          root.attrib)
    suites = root.findall("testsuite")
    check("xml: one testsuite named sloth", len(suites) == 1 and suites[0].get("name") == "sloth")
    if len(suites) != 1:
        return
    s = suites[0]
    check("xml: testsuite counts and time", (s.get("tests"), s.get("failures"), s.get("time"))
          == ("3", "2", "12.3"), s.attrib)
    cases = s.findall("testcase")
    check("xml: test cases in order", [c.get("name") for c in cases] ==
          ["a-pass", "b-fail", "c-nolog"], [c.get("name") for c in cases])
    if len(cases) != 3:
        return
    check("xml: test case times", [float(c.get("time")) for c in cases] == [1.2, 2.5, 0.5],
          [c.get("time") for c in cases])
    fails = [c.find("failure") for c in cases]
    check("xml: a failure element for each failed test only",
          fails[0] is None and fails[1] is not None and fails[2] is not None)
    if fails[1] is None or fails[2] is None:
        return
    check("xml: failure message is the reason", fails[1].get("message") == rs[1].reason,
          fails[1].get("message"))
    text = fails[1].text or ""
    check("xml: failure text holds the log's last line", "line 30 <&>\"'" in text, text[-120:])
    check("xml: forbidden characters are spelt out", "\\x1b[0m\\x00\\x07" in text, text[-120:])
    check("xml: the other failure's message", fails[2].get("message") == rs[2].reason)


def check_results(work):
    rs = fabricate(work)
    paths = results.write(os.path.join(work, "out"), rs, 12.34)
    check("write returns the two paths", [os.path.basename(p) for p in paths] ==
          ["results.json", "results.xml"], paths)
    check_json(paths[0], rs)
    check_xml(paths[1], rs)


BOOT = ("leakcheck: at=boot kpages_free=32126 slab_pages=1 "
        "kmalloc=16:0,32:0,64:2,128:0,256:0,512:0,1024:1,4096:0 frames=0 slots=0 committed=0 procs=0")


def poweroff(**change):
    """The boot line's figures as a power-off line, with some fields changed."""
    fields = dict(f.split("=", 1) for f in BOOT.split()[2:])
    fields.update({k: str(v) for k, v in change.items()})
    return "leakcheck: at=poweroff " + " ".join("%s=%s" % kv for kv in fields.items())


def leak(lines):
    return leakcheck.check(["OpenSBI v1.1", "init: starting"] + lines + ["pipe: ok"])


def check_leaks():
    check("leak: equal lines pass", leak([BOOT, poweroff()]) == "", leak([BOOT, poweroff()]))
    r = leak([BOOT, poweroff(kpages_free=32122, slab_pages=5)])
    check("leak: pages kept as empty slabs are allowed for", r == "", r)
    r = leak([BOOT, poweroff(kpages_free=32121, slab_pages=5)])
    check("leak: one page more is not", "kpages_free + slab_pages 32127 -> 32126 (-1)" in r, r)
    r = leak([BOOT, poweroff(kmalloc="16:0,32:0,64:3,128:0,256:0,512:0,1024:1,4096:0")])
    check("leak: a kmalloc object is named by its class", "kmalloc 64-byte objects 2 -> 3 (+1)"
          in r, r)
    r = leak([BOOT, poweroff(kmalloc="16:0,32:0,64:2,128:0,256:0,512:0,1024:1,4096:2")])
    check("leak: whole-page objects", "kmalloc whole pages 0 -> 2 (+2)" in r, r)
    r = leak([BOOT, poweroff(frames=3, slots=1, committed=4)])
    check("leak: frames, slots and commitments", all(s in r for s in (
        "frames 0 -> 3 (+3)", "slots 0 -> 1 (+1)", "committed 0 -> 4 (+4)")), r)
    r = leak([BOOT, poweroff(frames=5, pcache_frames=5, kpages_free=32121)])
    check("leak: the page cache's frames are allowed for", r == "", r)
    r = leak([BOOT, poweroff(frames=6, pcache_frames=5, kpages_free=32121)])
    check("leak: ... but no frame beyond them", "frames - pcache_frames 0 -> 1 (+1)" in r, r)
    r = leak([BOOT, poweroff(procs=2)])
    check("leak: leftover processes", "2 other processes still exist" in r, r)
    r = leak([BOOT])
    check("leak: no power-off line", "no 'leakcheck: at=poweroff' line" in r, r)
    r = leak([poweroff()])
    check("leak: no boot line", "no 'leakcheck: at=boot' line" in r, r)
    r = leak([BOOT, "leakcheck: at=poweroff kpages_free=12 frames"])
    check("leak: an unreadable line", r.startswith("leak check: unreadable"), r)
    r = leak([BOOT, poweroff(), BOOT.replace("boot", "poweroff").replace("frames=0", "frames=1")])
    check("leak: the last power-off line counts", "frames 0 -> 1" in r, r)
    r = leak([BOOT, poweroff().replace(" slots=0", "")])
    check("leak: a figure missing from one line", "different figures: slots" in r, r)


def check_suite():
    names = [t.name for t in suite.TESTS]
    check("suite: test names are unique", len(names) == len(set(names)))
    check("suite: weights are positive", all(t.weight > 0 for t in suite.TESTS))
    check("suite: a user test is leak-checked by default", suite.UserTest("x").leakcheck)
    check("suite: ... unless exempted", not suite.UserTest("x", leakcheck=False).leakcheck)
    check("suite: a crash test's second boot is leak-checked",
          suite.CrashTest("x", "init=/a", "init=/b", "done").leakcheck)
    kernel_only = [t for t in suite.TESTS if isinstance(t, suite.KernelTest) and
                   not isinstance(t, (suite.UserTest, suite.CrashTest))]
    check("suite: kernel tests (no init) are not", not any(t.leakcheck for t in kernel_only))


def matches(shown, actual):
    return re.fullmatch(gdbdoc.line_pattern(shown), actual) is not None


PAGE_LINE = ("  page 0x0000000000010000  VM_FILE             r-x  resident      kva "
             "0xffffffc080270000  pa 0x80270000  pin 1  struct page 0xffffffc080276240")
SAMPLE = """```sh
make qemu-gdb CPUS=2 ARGS="init=/tests/x frames=64"
```
```gdb
(gdb) spt
spt of pid 1 (init): 5 areas
...
(gdb) continue
Continuing.
Run till exit from #0  f (...) at kernel/vm/vm.c:12
done
```
"""


def check_gdbdoc():
    check("gdbdoc: a shown line matches itself", matches(PAGE_LINE, PAGE_LINE))
    moved = PAGE_LINE.replace("0xffffffc080270000", "0xffffffc080391000").replace(
        "pa 0x80270000", "pa 0x80391000").replace("0xffffffc080276240", "0xffffffc080299a80")
    check("gdbdoc: ... and the same line with other addresses", matches(PAGE_LINE, moved))
    for old, new in (("pin 1", "pin 2"), ("VM_FILE", "VM_ANON"), ("r-x", "rw-"),
                     ("resident     ", "not resident"), ("0x0000000000010000", "0x0000000000011000")):
        check("gdbdoc: a changed %r is caught" % old,
              not matches(PAGE_LINE, PAGE_LINE.replace(old, new, 1)))
    fault = "faultbreak: write fault at va 0x3fffffef60 (page 0x3fffffe000) by pid 1 (init)"
    check("gdbdoc: the offset inside a page varies",
          matches(fault, fault.replace("0x3fffffef60", "0x3fffffe008").replace("pid 1", "pid 7")))
    check("gdbdoc: ... the page does not",
          not matches(fault, fault.replace("0x3fffffef60", "0x3ffffff008")))
    frame = "#3  0xffffffc0802106f2 in vm_try_handle_fault (...) at kernel/vm/vm.c:255"
    check("gdbdoc: frame and line numbers, arguments vary",
          matches(frame, "#12 0xffffffc080200010 in vm_try_handle_fault (spt=0x1, addr=2) at "
                  "kernel/vm/vm.c:31"))
    check("gdbdoc: ... the function does not",
          not matches(frame, frame.replace("vm_try_handle_fault", "vm_do_claim_page")))
    session = gdbdoc.parse(SAMPLE)
    check("gdbdoc: the boot", (session.cpus, session.args) == (2, "init=/tests/x frames=64"),
          (session.cpus, session.args))
    check("gdbdoc: the commands", session.commands == ["spt", "continue"], session.commands)
    check("gdbdoc: the expected lines, without ... and interactive-only ones",
          [(i, line) for i, line, _ in session.expected] ==
          [(0, "spt of pid 1 (init): 5 areas"), (1, "done")], session.expected)
    check("gdbdoc: each command's output follows its marker",
          gdbdoc.test_expect(session)[0] == r"\(gdb\) spt" and
          gdbdoc.test_commands(session)[:2] == ["echo (gdb) spt\\n", "spt"],
          (gdbdoc.test_expect(session), gdbdoc.test_commands(session)))
    for bad, why in ((SAMPLE.replace("make qemu-gdb", "make qemu"), "no make qemu-gdb line"),
                     (SAMPLE.replace("CPUS=2", "MEM=1G"), "a setting the test cannot make"),
                     (SAMPLE.replace("(gdb) ", ""), "no commands"),
                     (SAMPLE[:-4], "an unclosed block")):
        try:
            gdbdoc.parse(bad)
            check("gdbdoc: refuses a page with %s" % why, False)
        except gdbdoc.DocError:
            check("gdbdoc: refuses a page with %s" % why, True)
    page = gdbdoc.load(os.path.join(TOP, "docs", "gdb.md"))
    check("gdbdoc: docs/gdb.md has a session", len(page.commands) > 20 and
          len(page.expected) > 50, (len(page.commands), len(page.expected)))
    unmatched = [line for _, line, _ in page.expected if not matches(line, line)]
    check("gdbdoc: every line docs/gdb.md shows matches its own pattern", not unmatched,
          unmatched[:3])
    test = next((t for t in suite.TESTS if t.name == "gdb-doc"), None)
    check("gdbdoc: the suite runs docs/gdb.md", test is not None and
          test.commands == gdbdoc.test_commands(page) and test.args == page.args)


DUMP_USER = """
1 sleep init: sleep < wait < sys_wait < syscall < usertrap < uservec
2 sleep t: sleep < piperead < fileread < sys_read < syscall < usertrap
3 sleep t: sleep < sleep_ticks < sys_sleep < syscall < usertrap < uservec
4 zombie t
hart 0 (cpus[0]): online, 3583 timer ticks, running nothing
"""


def check_campaign():
    """The campaign's reading of the console (scripts/failcampaign.py)."""
    st = failcampaign.stuck
    check("campaign: every process waiting on another is stuck", st("x\n" + DUMP_USER))
    check("campaign: one asleep in begin_op is not",
          not st("x\n" + DUMP_USER.replace("piperead < fileread", "begin_op < sys_open")))
    check("campaign: a runnable one is not", not st("x\n" + DUMP_USER.replace("4 zombie t",
                                                                              "4 runble t")))
    check("campaign: no process list, not stuck", not st("some output\n"))
    check("campaign: the last list counts", not st("x\n" + DUMP_USER + DUMP_USER.replace(
        "sleep < wait", "sleep < acquiresleep")))
    line = ("failinject: kalloc 41 of 2499 calls failed, kmalloc 24 of 6067 calls failed, swap 0"
            " of 1 calls failed, disk read 7 of 1311 calls failed, disk write 36 of 1964 calls "
            "failed")
    got = failcampaign.injected(["failinject: armed ...", line])
    check("campaign: the per-site figures", got == {"kalloc": (41, 2499), "kmalloc": (24, 6067),
                                                    "swap": (0, 1), "disk read": (7, 1311),
                                                    "disk write": (36, 1964)}, got)
    reasons = failcampaign.known_reasons()
    check("campaign: vm_fault_reason's reasons", {"kernel out of memory", "no such page",
                                                  "I/O error reading the page"} <= reasons
          and "resolved" not in reasons, sorted(reasons))
    kill = "pid 3 (t): killed: load page fault at va 0x0000000000001000, pc 0x0000000000010000"
    ok_lines = [BOOT, kill + ": kernel out of memory", poweroff()]
    check("campaign: a known kill reason is fine",
          failcampaign.kernel_problems(ok_lines, 0, reasons) == [],
          failcampaign.kernel_problems(ok_lines, 0, reasons))
    bad = failcampaign.kernel_problems([BOOT, kill + ": gremlins", kill, poweroff()], 0, reasons)
    check("campaign: an unknown reason, and none at all, are not",
          len(bad) == 2 and all(b.startswith("unknown kill reason") for b in bad), bad)
    bad = failcampaign.kernel_problems([BOOT, "panic: x", poweroff(frames=3)], 3, reasons)
    check("campaign: a panic, its exit status and a leak", len(bad) == 3, bad)
    check("campaign: a timeout is a hang", failcampaign.kernel_problems([], None, reasons,
                                                                       "timeout") ==
          ["hang (timeout)"])
    a = [(b.test.name, b.args) for b in failcampaign.plan("s", 30)]
    check("campaign: a seed gives the same boots again", a == [(b.test.name, b.args) for b in
                                                                failcampaign.plan("s", 30)])
    check("campaign: every boot injects something",
          all(" fail_" in args for _, args in a), a[:3])
    test = next((t for t in suite.TESTS if t.name == "failinject"), None)
    check("campaign: grade's short campaign names boots that exist", test is not None and
          len(failcampaign.fixed_plan(test.runs)) == len(test.runs))


def check_console():
    """grade.run_console on stand-ins for QEMU: input reaches the console, an exit is
    reported with its status, and a run past its timeout gets a Ctrl-P before it is killed
    (the stand-in echoes what it reads, as the kernel's console prints Ctrl-P's lists)."""
    echo = [sys.executable, "-c", "import sys\n"
            "while True:\n"
            "    c = sys.stdin.buffer.read(1)\n"
            "    if not c or c == b'q': sys.exit(7)\n"
            "    sys.stdout.buffer.write(b'got %r\\n' % c); sys.stdout.flush()\n"]
    out, status, reason = grade.run_console(echo, b"aq", 30)
    check("console: input arrives, the exit status comes back",
          (out, status, reason) == (b"got b'a'\n", 7, None), (out, status, reason))
    out, status, reason = grade.run_console(echo, b"a", 1)
    check("console: a timeout sends Ctrl-P, then kills", status is None and
          reason == "timeout after 1 s" and out.endswith(b"got b'\\x10'\n"), (out, status, reason))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: test_grader.py WORKDIR")
    work = sys.argv[1]
    os.makedirs(work, exist_ok=True)
    check_results(work)
    check_leaks()
    check_suite()
    check_gdbdoc()
    check_campaign()
    check_console()
    if failed:
        print("test_grader: %d of %d checks failed" % (failed, passed + failed))
        sys.exit(1)
    print("test_grader: %d checks passed" % passed)


if __name__ == "__main__":
    main()
