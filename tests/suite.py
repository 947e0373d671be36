"""The test suite that `make grade` runs (scripts/grade.py reads TESTS).

KernelTest boots QEMU with test=NAME (an in-kernel test, kernel/test/); UnitTest runs a host
program. `expect` lists regular expressions that must each match a whole output line, in
order; `reject` lists patterns that must match no line. A test passes when its lines are
there, no panic happened (unless the test expects one) and QEMU exits with `status`.
"""
import os
import re
import sys

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(TOP, "scripts"))
import gdbdoc  # noqa: E402  (scripts/gdbdoc.py)


class KernelTest:
    def __init__(self, name, args=None, cpus=1, mem="128M", expect=(), reject=(), status=0,
                 timeout=60, stdin="", qemu_extra=(), weight=1, disk=False, leakcheck=False):
        self.name = name
        self.args = args if args is not None else "test=" + name
        self.cpus, self.mem = cpus, mem
        self.expect, self.reject = list(expect), list(reject)
        self.status, self.timeout, self.stdin = status, timeout, stdin
        self.qemu_extra, self.weight = list(qemu_extra), weight
        # True: BUILD/grade.img attached as a snapshot (writes are discarded); "copy": a copy
        # of it, checked with the host fsck after the boot; a string: that image
        self.disk = disk
        # The kernel's two leakcheck lines must agree (scripts/leakcheck.py): init= runs only.
        self.leakcheck = leakcheck


class UserTest(KernelTest):
    """Runs the user program /tests/NAME (tests/NAME.c) as init's command on the disk image;
    it passes when it prints "NAME: ok", init powers off with status 0 and the leak check
    finds everything given back (leakcheck=False, with a comment saying why, exempts a test
    that leaves processes behind)."""

    def __init__(self, name, cpus=3, expect=None, args=None, **kw):
        kw.setdefault("reject", [r"FAIL", r"killed"])
        kw.setdefault("leakcheck", True)
        super().__init__(name, args=args or "init=/tests/" + name, cpus=cpus, disk=True,
                         expect=expect if expect is not None else [r"%s: ok" % name], **kw)


class CrashTest(KernelTest):
    """Boots write_args on a copy of the disk image and kills QEMU once the output shows
    kill_after (plus kill_delay seconds); boots check_args on the same image, which must
    print `expect`; finally the host fsck must find the image consistent."""

    def __init__(self, name, write_args, check_args, kill_after, kill_delay=0.3, **kw):
        kw.setdefault("leakcheck", True)  # for the second boot (the first one is killed)
        super().__init__(name, args=check_args, cpus=3, disk=True, **kw)
        self.write_args, self.check_args = write_args, check_args
        self.kill_after, self.kill_delay = kill_after, kill_delay


class UnitTest:
    def __init__(self, name, command, expect=(), timeout=120, weight=1):
        self.name, self.command, self.timeout, self.weight = name, list(command), timeout, weight
        self.expect, self.reject, self.status = list(expect), [], 0


class GdbTest(KernelTest):
    """Boots with QEMU waiting for gdb and drives gdb-multiarch in batch mode through .gdbinit
    (which runs to boot_main) and then `commands`; `expect` applies to gdb's output."""

    def __init__(self, name, commands, args="", expect=(), cpus=1, timeout=60, disk=False):
        super().__init__(name, args=args, cpus=cpus, expect=expect, timeout=timeout, disk=disk)
        self.commands = list(commands)


class CampaignTest:
    """A short fault-injection campaign (scripts/failcampaign.py, which make failinject runs
    long and random): one boot per (name, boot arguments) of runs, one after another, name
    naming a workload of the campaign or a test here. It passes when no boot broke one of
    the campaign's rules (no panic, hang, unknown kill reason, leak or fsck problem; no wrong
    result from a workload) and at least min_injected failures were injected in all."""

    def __init__(self, name, runs, min_injected, timeout=180, weight=4):
        self.name, self.runs = name, list(runs)
        self.min_injected, self.timeout, self.weight = min_injected, timeout, weight
        self.expect, self.reject, self.status = [], [], 0


def doc_gdb_test(name, path, timeout=120):
    """A GdbTest whose boot, commands and expected output are read from a document
    (scripts/gdbdoc.py): the document cannot go stale without the test failing. A document
    that cannot be read as such becomes a test that fails with the reason."""
    try:
        session = gdbdoc.load(os.path.join(TOP, path))
    except gdbdoc.DocError as e:
        return GdbTest(name, commands=[], expect=[re.escape("%s: %s" % (path, e))])
    return GdbTest(name, commands=gdbdoc.test_commands(session), args=session.args,
                   cpus=session.cpus, expect=gdbdoc.test_expect(session), timeout=timeout,
                   disk=True)


PANIC_EXIT = 3

BOOT_LINES = [
    r"OpenSBI v1\.1",
    r"sloth: a lazy RISC-V kernel, booting on hart \d+",
    r"sloth: handed over by OpenSBI 1\.1 \(SBI spec 1\.0\)",
]


def boot_test(name, mem, mib, cpus):
    return KernelTest(name, args="test=boot", mem=mem, cpus=cpus, expect=BOOT_LINES + [
        r"sloth: memory: %d MiB of RAM at 0x0000000080000000, %d harts?, timer 10000000 Hz \(Sstc\)" % (mib, cpus),
        r"boot: memory seen: %d MiB" % mib,
        r"boot: kernel mappings both writable and executable: 0",
        r"boot: kernel text is r-x: ok",
        r"boot: kernel rodata is r--: ok",
        r"boot: kernel data is rw-: ok",
        r"test boot: passed",
    ])


def smp_test(n):
    return KernelTest("smp-%d" % n, args="test=smp", cpus=n, expect=[
        r"test smp: start",
    ] + [r"smp: hart \d+: online, takes timer interrupts"] * n + [
        r"smp: %d of %d harts online and ticking" % (n, n),
        r"test smp: passed",
    ])


def kalloc_test(name, mem):
    return KernelTest(name, args="test=kalloc", mem=mem, cpus=2, weight=2, expect=[
        r"kalloc: allocated \d+ pages \(\d+ MiB\) until the allocator ran dry",
        r"kalloc: pages overwritten by another allocation: 0",
        r"kalloc: free pages before (\d+), after \1",
        r"kalloc: 2048 objects of each of 17 sizes, distinct and intact: yes",
        r"kalloc: per-class counts follow the allocations: yes",
        r"kalloc: kmalloc objects in use before 0, after 0",
        r"test kalloc: passed",
    ], reject=[r"kalloc: page .* handed out"])


def kill_line(name, cause, reason, va=r"0x[0-9a-f]+"):
    """The kernel's one line for a process killed by a bad access (docs/vm.md, "Result
    codes")."""
    return r"pid \d+ \(%s\): killed: %s at va %s, pc 0x[0-9a-f]+: %s" % (name, cause, va, reason)


# The reasons vm_fault_reason (kernel/vm/vm.c) gives in a kill line.
KILL_REASONS = ["no such page", "kernel address", "write to a read-only page",
                "execute of a non-executable page", "read of an unreadable page",
                "below the stack pointer", "stack overflow", "out of memory",
                "I/O error reading the page"]


def known_kill_line():
    """A kill line of any process and cause that gives one of the known reasons."""
    return kill_line(r"[^)]*", r"[a-z ]+", "(%s)" % "|".join(KILL_REASONS))


def reject_kills_except(*allowed):
    """A reject pattern matching every kill line except the allowed ones (whole-line regular
    expressions, e.g. from kill_line)."""
    return r"^(?!(%s)$).*killed" % "|".join(allowed)


def swap_test(name, boot, program=None, **kw):
    """A swap test: /tests/PROGRAM (default NAME) under the memory boot arguments `boot`."""
    kw.setdefault("timeout", 120)
    kw.setdefault("weight", 3)
    return UserTest(name, args="init=/tests/%s %s" % (program or name, boot), **kw)


LOAD_NO_PAGE = ("load page fault", "no such page")
LOAD_EOF = ("load page fault", "bus error: page past the end of the mapped file")
STORE_EOF = ("store page fault", "bus error: page past the end of the mapped file")


def mmap_test(name, kills=(), **kw):
    """An mmap test whose children must be killed exactly as `kills` lists, in order (each a
    (cause, reason) pair for kill_line), and no other process."""
    lines = [kill_line(name, cause, reason) for cause, reason in kills]
    kw.setdefault("reject", [r"FAIL", reject_kills_except(*lines) if lines else r"killed"])
    return UserTest(name, expect=lines + [r"%s: ok" % name], **kw)


# Whichever fault of the greedy child finds frames and swap full: a heap store, or a fetch of
# a text page dropped to make room.
def oom_line(victim):
    """The OOM killer's line (kernel/vm/oom.c) for a process named victim, killed because it
    held the most memory when it, or another process, needed a frame."""
    return (r"oom: killed pid \d+ \(%s\), which held \d+ frames and \d+ swap slots, the most of "
            r"any process(, and needed a frame|; pid \d+ \(\S+\) needed a frame) when no frame "
            r"could be had \(swap full, or every frame busy\)" % victim)


SWAP_FULL_KILL = oom_line("swap-full")

# vmtrace-echo's lines: the kernel's echo of one fault (access, area, branch), and the one
# kill its child expects.
VMTRACE_ECHO = r"vmtrace: pid \d+ \(vmtrace-echo\) %s at va 0x[0-9a-f]{16} \(%s\): %s"
VMTRACE_ECHO_KILL = kill_line("vmtrace-echo", "store page fault", "write to a read-only page")
KILL_REASONS_LINES = [kill_line("kill-reasons", "store page fault", "kernel out of memory"),
                      kill_line("kill-reasons", "load page fault", "I/O error reading the page"),
                      kill_line("kill-reasons", "store page fault", "out of memory"),
                      kill_line("kill-reasons", "instruction page fault",
                                "execute of a non-executable page")]

CRASH_CHECK_LINES = [r"crash-check: \d+ complete files, \d+ temporaries removed",
                     r"crash-check: ok"]

CRASH_LOAD_RECOVERY = [r"log: recovering a committed transaction of \d+ blocks"]
CRASH_LOAD_LINES = [r"fs: freed \d+ orphaned inodes \(unlinked while open, then a crash\)",
                    r"crash-load: \d+ operations had finished; \d+ files and \d+ log records "
                    r"checked, \d+ leftovers removed",
                    r"crash-load: ok"]

# make bench's rows (user/bench.c, user/bench-swap.c): the bench entries check that each
# prints a number, so that the benchmark cannot rot between runs of make bench, which judges
# the figures (here they are not counted: no -icount, a debug kernel).
BENCH_ROWS = [
    ("getpid round trip", "instructions"), ("sbrk 4 MiB + touch, per page", "instructions"),
    ("sbrk shrink 4 MiB, per page", "instructions"),
    ("fork + exit + wait (small)", "instructions"),
    ("fork + exit + wait (16 MiB touched heap)", "instructions"),
    ("  the same, per touched heap page", "instructions"),
    ("fork + exec /echo + wait (16 MiB touched heap)", "instructions"),
    ("fork + exec /echo + wait", "instructions"),
    ("zero-fill fault (loop cost subtracted)", "instructions"),
    ("file-backed fault, cached (loop cost subtracted)", "instructions"),
    ("SPT bytes/registered page (system)", "bytes"),
    ("SPT bytes/page, untouched 64 MiB sbrk", "bytes"),
    ("SPT bytes/page made resident", "bytes"),
    ("mmap shared file fault, page cached", "instructions"),
    ("munmap of 1 MiB of resident mapping", "instructions"),
    ("mmap private file fault, page cached (read)", "instructions"),
    ("mmap private file first write (copy)", "instructions"),
    ("read 4 MiB file with read(), cached", "instructions"),
    ("read 4 MiB file through mmap, cached", "instructions"),
    ("fork + exec + wait, 16 MiB program", "instructions"),
    ("fork + exec + wait, 16 KiB program", "instructions"), ("  16 MiB / 16 KiB program", "x"),
    ("zero-fill fault, 1 GiB heap registered", "instructions"),
    ("zero-fill fault, 1 MiB heap registered", "instructions"), ("  1 GiB / 1 MiB heap", "x"),
]
BENCH_SWAP_WORKLOADS = ["loop", "random", "phases", "scan"]


def bench_row(label, unit):
    return r"bench: %s +\d+(\.\d\d)? %s" % (re.escape(label), unit)


TESTS = [
    UnitTest("unit-fdt", ["{build}/unit/test_fdt", "{build}/unit/dtb"],
             expect=[r"test_fdt: \d+ checks passed"]),
    UnitTest("unit-gpt", ["{build}/unit/test_gpt"], expect=[r"test_gpt: \d+ checks passed"]),
    UnitTest("unit-spt", ["{build}/unit/test_spt"], expect=[r"test_spt: \d+ checks passed"]),
    UnitTest("unit-swap-slots", ["{build}/unit/test_swap_slots"],
             expect=[r"test_swap_slots: \d+ checks passed"]),
    UnitTest("unit-victim", ["{build}/unit/test_victim"],
             expect=[r"test_victim: \d+ checks passed"]),
    UnitTest("unit-string", ["{build}/unit/test_string"],
             expect=[r"test_string: \d+ checks passed"]),
    UnitTest("unit-opt", ["python3", "scripts/opt.py", "--self-test"],
             expect=[r"opt: \d+ checks passed"]),
    # scripts/setup.sh: which system, which package, which toolchain, firmware and gdb.
    UnitTest("unit-setup", ["sh", "tests/unit/test_setup.sh", "{build}/unit/setup"],
             expect=[r"test_setup: \d+ checks passed"]),
    # The grader's results.json / results.xml writer and its leak check, on made-up input.
    UnitTest("unit-grader", ["python3", "tests/unit/test_grader.py", "{build}/unit/grader"],
             expect=[r"test_grader: \d+ checks passed"]),
    boot_test("boot", "128M", 128, 3),
    boot_test("boot-2g", "2G", 2048, 1),
    smp_test(1),
    smp_test(4),
    smp_test(8),
    kalloc_test("kalloc", "128M"),
    kalloc_test("kalloc-2g", "2G"),
    KernelTest("panic", cpus=2, status=PANIC_EXIT, expect=[
        r"panic: deliberate panic requested by test=panic \(depth 2\)",
        r"  on hart \d+ \(hart id \d+\)",
        r"backtrace:",
        r"  #0 0x[0-9a-f]{16} deliberate_panic_inner\+0x[0-9a-f]+",
        r"  #1 0x[0-9a-f]{16} deliberate_panic_outer\+0x[0-9a-f]+",
        r"  #2 0x[0-9a-f]{16} ktest_panic\+0x[0-9a-f]+",
        r"  #3 0x[0-9a-f]{16} ktest_run\+0x[0-9a-f]+",
    ]),
    KernelTest("kfault", cpus=2, status=PANIC_EXIT, expect=[
        r"kernel trap on hart \d+: load page fault at pc 0x[0-9a-f]+, address 0xffffffd000001000",
        r"  scause 0x000000000000000d \(load page fault\)",
        r"  sepc   0x[0-9a-f]{16} load_from\+0x[0-9a-f]+",
        r"panic: unexpected load page fault in the kernel",
        r"  #\d 0x[0-9a-f]{16} load_from\+0x[0-9a-f]+  <- trap",
        r"  #\d 0x[0-9a-f]{16} ktest_kfault\+0x[0-9a-f]+  \(caller of a leaf function\)",
        r"  #\d 0x[0-9a-f]{16} ktest_run\+0x[0-9a-f]+",
    ]),
    KernelTest("kfault-printf", cpus=2, status=PANIC_EXIT, expect=[
        r"kernel trap on hart \d+: load page fault at pc 0x[0-9a-f]+, address 0xffffffd000001000",
        r"panic: unexpected load page fault in the kernel",
        r"  #\d 0x[0-9a-f]{16} \w+\+0x[0-9a-f]+  <- trap",
        r"  #\d 0x[0-9a-f]{16} vprintf\+0x[0-9a-f]+",
        r"  #\d 0x[0-9a-f]{16} ktest_kfault_printf\+0x[0-9a-f]+",
    ]),
    KernelTest("kstack-overflow", status=PANIC_EXIT, expect=[
        r"panic: kernel stack overflow: sp 0xffffffe0[0-9a-f]+ below its stack, pc 0x[0-9a-f]+ recurse\+0x[0-9a-f]+, .*",
        r"  #0 0x[0-9a-f]{16} recurse\+0x[0-9a-f]+",
        r"       \.\.\. the same frame \d+ more times",
        r"  #1 0x[0-9a-f]{16} ktest_kstack_overflow\+0x[0-9a-f]+",
    ]),
    KernelTest("lock-recursive", status=PANIC_EXIT, expect=[
        r"panic: acquire: recursive acquisition of lock 'ktest' \(first taken at 0x[0-9a-f]+\)",
        r"  #0 0x[0-9a-f]{16} acquire\+0x[0-9a-f]+",
        r"  #1 0x[0-9a-f]{16} ktest_lock_recursive\+0x[0-9a-f]+",
    ]),
    # The SBI timer, on harts without Sstc.
    KernelTest("smp-sbi-timer", args="test=smp", cpus=3, qemu_extra=["-cpu", "rv64,sstc=off"], expect=[
        r"sloth: memory: 128 MiB of RAM at 0x0000000080000000, 3 harts, timer 10000000 Hz \(SBI timer\)",
        r"smp: 3 of 3 harts online and ticking",
        r"test smp: passed",
    ]),
    # Processes, system calls and the file system: user programs under tests/ on the disk.
    UnitTest("unit-mkfs", ["tests/unit/test_mkfs.sh", "{build}/mkfs/mkfs", "{build}/mkfs/fsck",
                           "{build}/unit/mkfs"], expect=[r"test_mkfs: \d+ checks passed"]),
    UserTest("fork-wait"),
    UserTest("kill"),
    UserTest("pipe"),
    UserTest("exec-args"),
    UserTest("exec-bad"),
    UserTest("files"),
    UserTest("bigfile", timeout=180, weight=3),
    UserTest("manyfiles", timeout=180, weight=3),
    UserTest("dirent-reuse"),
    KernelTest("dir-deleted", args="init=/tests/dir-deleted", cpus=3, disk="copy",
               expect=[r"dir-deleted: ok"], reject=[r"FAIL", r"killed"]),
    UserTest("concurrent-fs", timeout=180, weight=3),
    # Strict accounting: sbrk fails up front once the frames are promised.
    UserTest("sbrk-oom", args="init=/tests/sbrk-oom overcommit=never swapslots=2048", weight=2),
    # Default overcommit: the 1 GiB heap registers; touching it all gets the child killed.
    # 16 MiB of frames and 8 MiB of swap, so that filling both takes seconds.
    UserTest("oom-kill", args="init=/tests/oom-kill frames=4096 swapslots=2048", weight=2, reject=[r"FAIL"], expect=[
        # Whichever fault finds frames and swap full: the heap store, or a fetch of a text
        # page that was dropped to make room.
        oom_line("oom-kill"), oom_line("oom-kill"),
        r"oom-kill: the system still runs programs",
        r"oom-kill: ok"]),
    # The OOM killer picks the process holding the most memory, not the one faulting.
    UserTest("oom-victim", args="init=/tests/oom-victim frames=512 swapslots=256", timeout=120,
             weight=2, reject=[r"FAIL", reject_kills_except(oom_line("oom-large"))],
             expect=[oom_line("oom-large"),
                     r"oom-victim: the small process finished its 30 rounds",
                     r"oom-victim: the system still runs programs", r"oom-victim: ok"]),
    UserTest("badptr"),
    UserTest("sh-pipeline"),
    # The memory system: lazy segments, lazy sbrk, stack growth, bad accesses, fork's SPT copy.
    UserTest("lazy-anon"),
    UserTest("lazy-file"),
    UserTest("lazy-sbrk", reject=[r"FAIL"], expect=[
        kill_line("lazy-sbrk", "store page fault", "no such page"),
        kill_line("lazy-sbrk", "load page fault", "no such page"),
        r"lazy-sbrk: ok",
    ]),
    UserTest("pt-grow-stack"),
    UserTest("pt-big-stk-obj"),
    UserTest("pt-grow-stk-sc"),
    UserTest("pt-grow-bad", reject=[r"FAIL"], expect=[
        kill_line("pt-grow-bad", "load page fault", "below the stack pointer"),
        kill_line("pt-grow-bad", "store page fault", "below the stack pointer"),
        kill_line("pt-grow-bad", "load page fault", "below the stack pointer"),
        kill_line("pt-grow-bad", "store page fault", "stack overflow"),
        r"pt-grow-bad: ok",
    ]),
    UserTest("pt-bad-addr", reject=[r"FAIL"], expect=[
        kill_line("pt-bad-addr", "load page fault", "no such page", va="0x0+"),
        kill_line("pt-bad-addr", "store page fault", "no such page", va="0x0+"),
        kill_line("pt-bad-addr", "load page fault", "no such page", va="0x0*1000"),
        kill_line("pt-bad-addr", "store page fault", "no such page", va="0x0*1000"),
        kill_line("pt-bad-addr", "instruction page fault", "no such page", va="0x0*1000"),
        kill_line("pt-bad-addr", "load page fault", "no such page", va="0x0*3000000000"),
        kill_line("pt-bad-addr", "store page fault", "no such page", va="0x0*3000000000"),
        kill_line("pt-bad-addr", "instruction page fault", "no such page", va="0x0*3000000000"),
        kill_line("pt-bad-addr", "load page fault", "no such page", va="0x0*3ffffff000"),
        r"pt-bad-addr: echo runs",
        r"pt-bad-addr: ok",
    ]),
    UserTest("pt-bad-read"),
    UserTest("pt-write-code", reject=[r"FAIL"], expect=[
        kill_line("pt-write-code", "store page fault", "write to a read-only page"),
        kill_line("pt-write-code", "store page fault", "write to a read-only page"),
        kill_line("pt-write-code", "store page fault", "write to a read-only page"),
        kill_line("pt-write-code", "store page fault", "write to a read-only page"),
        r"pt-write-code: ok",
    ]),
    UserTest("pt-write-code2", reject=[r"FAIL"]),  # the child may be killed instead of -1
    UserTest("pt-kernel-addr", reject=[r"FAIL"], expect=[
        kill_line("pt-kernel-addr", "load page fault", "kernel address", va="0xffffffc080200000"),
        kill_line("pt-kernel-addr", "store page fault", "kernel address", va="0xffffffc080200000"),
        kill_line("pt-kernel-addr", "instruction page fault", "kernel address",
                  va="0xffffffc080200000"),
        kill_line("pt-kernel-addr", "load page fault", "kernel address", va="0xffffffffffff0000"),
        kill_line("pt-kernel-addr", "store page fault", "kernel address", va="0xffffffe000000000"),
        kill_line("pt-kernel-addr", "load page fault", "(kernel address|no such page)",
                  va="0x0*8000000000"),
        r"pt-kernel-addr: ok",
    ]),
    UserTest("page-linear"),
    UserTest("page-parallel", timeout=120, weight=2),
    UserTest("page-shuffle", timeout=120, weight=2),
    UserTest("page-merge-seq", timeout=120, weight=2),
    UserTest("page-merge-par", timeout=120, weight=2),
    UserTest("page-merge-stk"),
    UserTest("fork-spt", timeout=120, weight=2),
    # mmap, munmap, msync and the page cache (tests/mmap-*.c, tests/mmaplib.h): 6.S081's
    # mmaptest checks, Pintos's mmap cases, sharing, splits, coherence, bad arguments.
    mmap_test("mmap-basic", [LOAD_NO_PAGE] * 2),
    mmap_test("mmap-read"),
    mmap_test("mmap-write"),
    mmap_test("mmap-close"),
    mmap_test("mmap-unmap", [LOAD_NO_PAGE] * 2),
    mmap_test("mmap-overlap"),
    mmap_test("mmap-twice"),
    mmap_test("mmap-exit"),
    mmap_test("mmap-shuffle"),
    mmap_test("mmap-clean"),
    mmap_test("mmap-inherit"),
    mmap_test("mmap-misalign"),
    mmap_test("mmap-null", [("load page fault", "no such page")]),
    mmap_test("mmap-over-code"),
    mmap_test("mmap-over-data"),
    mmap_test("mmap-over-stk"),
    mmap_test("mmap-remove"),
    mmap_test("mmap-zero", [LOAD_EOF, STORE_EOF, LOAD_EOF]),
    mmap_test("mmap-bad-fd"),
    mmap_test("mmap-kernel"),
    mmap_test("mmap-ro", [("store page fault", "write to a read-only page")]),
    mmap_test("mmap-off"),
    mmap_test("mmap-bad-off"),
    mmap_test("mmap-zero-len"),
    mmap_test("mmap-share"),
    mmap_test("mmap-split", [LOAD_NO_PAGE] * 3 + [("store page fault", "no such page")]),
    mmap_test("mmap-bad"),
    mmap_test("mmap-coherent"),
    mmap_test("mmap-eof", [LOAD_EOF, STORE_EOF, STORE_EOF]),
    mmap_test("mmap-truncate", [LOAD_EOF, STORE_EOF, LOAD_EOF]),
    mmap_test("mmap-anon", [LOAD_NO_PAGE, ("load page fault", "access to a PROT_NONE page"),
                            ("store page fault", "access to a PROT_NONE page"),
                            ("store page fault", "write to a read-only page"),
                            ("instruction page fault", "no such page")]),
    mmap_test("mmap-strict", args="init=/tests/mmap-strict overcommit=never swapslots=2048"),
    # Copy-on-write fork (tests/cow-*.c, tests/cowlib.h): 6.S081's cowtest checks (simple, three
    # generations, file I/O into shared pages, many forks), isolation both ways, under swap
    # with frames=64, fork storms on 3 harts while others evict, strict accounting.
    UserTest("cow-simple", args="init=/tests/cow-simple frames=4096 swapslots=512"),
    UserTest("cow-three"),
    UserTest("cow-forks", timeout=120, weight=2),
    UserTest("cow-isolation", expect=[r"cow-isolation: the child's exec runs",
                                      r"cow-isolation: ok"]),
    swap_test("cow-swap", "frames=64"),
    swap_test("cow-smp", "frames=128", cpus=3),
    UserTest("cow-strict", args="init=/tests/cow-strict overcommit=never swapslots=2048"),
    # Under memory pressure: a shared mapping 4x larger than memory written back through
    # eviction, then read after a reboot and checked by fsck; a private one 2x larger whose
    # written pages go to swap; four writers sharing a mapping on 3 harts.
    CrashTest("mmap-swap", write_args="init=/tests/mmap-swap frames=64",
              check_args="init=/tests/mmap-swap,check", kill_after="mmap-swap: ok",
              kill_delay=0, timeout=120, weight=2,
              expect=[r"mmap-swap: the file survived the reboot", r"mmap-swap: ok"]),
    mmap_test("mmap-swap-file", args="init=/tests/mmap-swap-file frames=64", timeout=120,
              weight=2),
    mmap_test("mmap-smp", args="init=/tests/mmap-smp frames=64", cpus=3, timeout=120, weight=2),
    # Eviction and swap (tests/swap-*.c, tests/swaplib.h). frames=64 is 256 KiB of user memory
    # for all processes together, init included: the tests' pages must go to swap and back.
    swap_test("swap-anon", "frames=64"),
    swap_test("swap-file", "frames=64"),
    swap_test("swap-iter", "frames=64"),
    swap_test("swap-iter-fifo", "frames=64 evict=fifo", program="swap-iter",
              expect=[r"swap-iter: ok"]),
    swap_test("swap-iter-clock", "frames=64 evict=clock", program="swap-iter",
              expect=[r"swap-iter: ok"]),
    # The default policy (2q) keeps a hot set through a scan of pages touched once.
    swap_test("swap-scan", "frames=128", cpus=1, expect=[
        r"swap-scan: default policy: \d+ hot pages, a scan of \d+: \d+ hot pages brought back "
        r"from swap \(\d+ evictions\)", r"swap-scan: ok"]),
    swap_test("swap-fork", "frames=64"),
    swap_test("swap-smp", "frames=64", cpus=3),
    # read, write, pipes and exec on buffers that are out in swap, and a half-bad buffer.
    swap_test("swap-syscall", "frames=64"),
    # Clustered swap-out and read-ahead: fewer disk requests than pages (frames=256: clusters
    # of 16), every word back, shared slots after fork.
    swap_test("swap-cluster", "frames=256"),
    # Frames and swap used up: the greedy child is killed (default policy), or its sbrk fails
    # at frames + swap slots (strict); the holder's data survives either way.
    swap_test("swap-full", "frames=64 swapslots=256", expect=[
        SWAP_FULL_KILL, r"swap-full: the system still runs programs", r"swap-full: ok",
    ], reject=[r"FAIL", reject_kills_except(SWAP_FULL_KILL)]),
    swap_test("swap-full-strict", "frames=64 swapslots=256 overcommit=never",
              program="swap-full,strict"),
    # The swap tests and the page-merge tests in one boot: no slot or frame is lost.
    swap_test("swap-leak", "frames=64 swapslots=1024", timeout=300, weight=6, expect=[
        r"swap-anon: ok", r"swap-file: ok", r"swap-iter: ok", r"swap-fork: ok", SWAP_FULL_KILL,
        r"swap-full: ok", r"swap-smp: ok", r"swap-syscall: ok", r"page-merge-stk: ok",
        r"swap-leak: ok",
    ], reject=[r"FAIL", reject_kills_except(SWAP_FULL_KILL)]),
    # The page-* programs again, with far fewer frames than their working sets (4-6 MiB of
    # heap in 256 KiB of frames: tens of thousands of swap-ins). On one hart: swap-smp is the
    # several-harts test, and a 3-hart guest on a loaded 2-core host runs these 5x slower.
    # page-shuffle's 8 MiB of random swaps get 7 MiB of frames (any fewer and every swap of
    # the 2 million faults).
    swap_test("swap-merge-seq", "frames=64", program="page-merge-seq", cpus=1,
              expect=[r"page-merge-seq: ok"]),
    swap_test("swap-merge-par", "frames=64", program="page-merge-par", cpus=1,
              expect=[r"page-merge-par: ok"]),
    swap_test("swap-merge-stk", "frames=64", program="page-merge-stk",
              expect=[r"page-merge-stk: ok"]),
    swap_test("swap-shuffle", "frames=1792", program="page-shuffle", cpus=1,
              expect=[r"page-shuffle: ok"]),
    # A program's whole file pages come from the page cache in every process that runs it.
    UserTest("exec-share", expect=[
        r"exec-share: a second run of the program: \d+ page-cache hits", r"exec-share: vmcheck: ok .*",
        r"exec-share: ok"]),
    # The tools a student uses to see memory (kernel/vm/vminfo.c, vmtrace.c, check.c).
    # vmmap of a sleeping child with a sparse 1 GiB heap, a file mapping and an anonymous
    # one (the test checks the records; the grader checks what /vmmap prints of them).
    UserTest("vmmap-sparse", expect=[
        r"vmmap-sparse: 8 areas, \d+ runs; in windows of 3: \d+ calls",
        r"vmmap-sparse: vmcheck: ok \(\d+ pages, \d+ frames, \d+ swap slots checked\)",
        r"pid \d+ \(vmmap-sparse\): 8 areas, 262\d{3} pages registered, \d+ touched",
        r"  0x0000000000010000-0x00000000000[0-9a-f]{5}  r-xp +\d+ pages  text    inode \d+ offset 0x1000, private",
        r"    0x0000000000010000  C[CSR.]*",
        r"  0x[0-9a-f]{16}-0x[0-9a-f]{16}  rw-p   262145 pages  heap    anonymous, private",
        r"    262145 pages: 3 resident, 1 shared, 262141 untouched \(4 runs\)",
        r"    0x[0-9a-f]{16}-0x[0-9a-f]{16}  S        1  shared",
        r"    0x[0-9a-f]{16}-0x[0-9a-f]{16}  R        2  resident",
        r"    0x[0-9a-f]{16}-0x[0-9a-f]{16}  \.   262141  untouched",
        r"    0x[0-9a-f]{16}-0x[0-9a-f]{16}  R        1  resident",
        r"  0x[0-9a-f]{16}-0x[0-9a-f]{16}  rw-p        4 pages  mmap    anonymous, private",
        r"    0x[0-9a-f]{16}  R\.R\.",
        r"  0x[0-9a-f]{16}-0x[0-9a-f]{16}  rw-s        3 pages  mmap    inode \d+ offset 0x0, shared",
        r"    0x[0-9a-f]{16}  C\.\.",
        r"  0x0000003fffffe000-0x0000003ffffff000  rw-p        1 page   stack   anonymous, private",
        r"marks: R resident  S shared frame  C page cache  s swapped  d dropped  \. untouched  E being evicted",
        r"vmmap-sparse: ok"]),
    # vmquery and vmcheck on workers that map, unmap, exec and exit under them, with swap.
    UserTest("vmmap-race", args="init=/tests/vmmap-race frames=64", timeout=120, expect=[
        r"vmmap-race: \d+ looks, \d+ whole pictures, \d+ checks \(\d+ with the totals\)",
        r"vmmap-race: ok"]),
    # The event ring from user space: the test's own faults and claims, then /vmtrace.
    UserTest("vmtrace-ring", expect=[
        r"vmtrace-ring: heap store: fault #\d+ then claim #\d+ at va 0x[0-9a-f]+",
        r"vmtrace-ring: rodata load: fault #\d+ then claim #\d+ at va 0x[0-9a-f]+",
        r"VM events, oldest first:",
        r"  #\d+ +fault +pid \d+ +va 0x[0-9a-f]{16}  store page fault",
        r"  #\d+ +claim +pid \d+ +va 0x[0-9a-f]{16}  anon page",
        r"  #\d+ +fault +pid \d+ +va 0x[0-9a-f]{16}  load page fault",
        r"  #\d+ +claim +pid \d+ +va 0x[0-9a-f]{16}  file page",
        r"vmtrace-ring echo ran",
        r"vmtrace: pid (\d+) \(/echo\) exited with status 0; its VM events:",
        r"  #\d+ +fault +pid \d+ +va 0x0000000000010000  instruction page fault",
        r"  #\d+ +claim +pid \d+ +va 0x0000000000010000  file page",
        r"vmtrace-ring: ok"]),
    # The vmtrace= boot argument: every fault of the program echoed with its branch.
    UserTest("vmtrace-echo", args="init=/tests/vmtrace-echo frames=64 vmtrace=vmtrace-echo",
             reject=[r"FAIL", r"bootargs: unknown", reject_kills_except(VMTRACE_ECHO_KILL)],
             expect=[
        r"vmtrace: echoing every page fault of the processes named vmtrace-echo",
        # The first page of text is whole file bytes (the page cache's), the last is not.
        VMTRACE_ECHO % ("exec", "text", "page cache"),
        VMTRACE_ECHO % ("exec", "text", "file read"),
        r"vmtrace-echo: step: write a fresh heap page",
        VMTRACE_ECHO % ("write", "heap", "zero-fill"),
        r"vmtrace-echo: step: read untouched read-only data",
        VMTRACE_ECHO % ("read", "rodata", "page cache"),
        r"vmtrace-echo: step: read a shared mapping of a file",
        VMTRACE_ECHO % ("read", "mmap", "page cache"),
        r"vmtrace-echo: step: write a private mapping of the same file",
        VMTRACE_ECHO % ("write", "mmap", "page cache, then a private copy"),
        r"vmtrace-echo: step: child: write a page shared with the parent",
        VMTRACE_ECHO % ("write", "heap", "copy-on-write"),
        r"vmtrace-echo: step: child: grow the stack",
        VMTRACE_ECHO % ("write", "stack", "zero-fill"),
        r"vmtrace-echo: step: child: write to the program's text",
        VMTRACE_ECHO % ("write", "text", "not resolved: write to a read-only page"),
        VMTRACE_ECHO_KILL,
        r"vmtrace-echo: step: write more pages than there are frames, then read the first again",
        VMTRACE_ECHO % ("write", "heap", r"zero-fill, after evicting va 0x[0-9a-f]+ \((written out|dropped clean)\)"),
        VMTRACE_ECHO % ("read", "heap", r"swap-in(, after evicting .*)?"),
        r"vmtrace-echo: ok"]),
    # The invariant checker alone: ok twice, with pages of its own in swap.
    UserTest("vmcheck-probe", args="init=/tests/vmcheck-probe frames=64", expect=[
        r"vmcheck-probe: first call 0: vmcheck: ok \(\d+ pages, \d+ frames, \d+ swap slots checked\)",
        r"vmcheck-probe: second call 0: vmcheck: ok .*",
        r"vmcheck-probe: ok"]),
    # Fault injection (kernel/lib/failinject.h). fail-stress carries on when calls fail: here,
    # without injection, nothing may be refused and nothing killed; the campaign runs it with.
    UserTest("fail-stress", reject=[r"FAIL", r"\): killed", r"oom: killed"], expect=[
        r"fail-stress: 8 rounds: 0 refusals, 0 children killed, 0 forks refused",
        r"fail-stress: ok"]),
    UserTest("fail-stress-swap", args="init=/tests/fail-stress,4,96 frames=64",
             reject=[r"FAIL", r"\): killed", r"oom: killed"], expect=[
        r"fail-stress: 4 rounds: 0 refusals, 0 children killed, 0 forks refused",
        r"fail-stress: ok"]),
    # The kill reasons only a failing kernel gives, each provoked once (failinject).
    UserTest("kill-reasons", args="init=/tests/kill-reasons fail_user overcommit=never",
             reject=[r"FAIL", reject_kills_except(*KILL_REASONS_LINES)],
             expect=KILL_REASONS_LINES + [r"kill-reasons: ok"]),
    # A disk write failing in a commit: the file system goes read-only, cleanly.
    UserTest("fs-readonly", args="init=/tests/fs-readonly fail_user", expect=[
        r"fs: disk error: the write of the log's copy failed \(block \d+\); the file system is "
        r"read-only until the next boot \(the disk keeps its last committed transaction\)",
        r"fs-readonly: programs still run", r"fs-readonly: ok"]),
    # A short fault-injection campaign (make failinject runs a long one): no panic, hang,
    # unknown kill reason, leak or fsck problem, and no wrong result from fail-stress.
    # Every site, and the file system going read-only in a commit and in a write-back.
    CampaignTest("failinject", min_injected=400, runs=[
        ("fail-stress", "init=/tests/fail-stress,14 fail_kmalloc=prob:25,seed:1,after:200"),
        ("fail-stress", "init=/tests/fail-stress,14 fail_kalloc=prob:25,seed:2,after:200"),
        ("fail-stress-swap", "init=/tests/fail-stress,3,80 frames=64 fail_swap=prob:3,seed:3 "
                             "fail_diskwrite=prob:25,seed:4"),
        ("fail-stress-swap", "init=/tests/fail-stress,4,80 frames=64 "
                             "fail_diskread=prob:30,seed:5,after:200"),
        ("files", "init=/tests/files fail_diskwrite=nth:20"),
        ("mmap-share", "init=/tests/mmap-share fail_diskwrite=nth:12 fail_kmalloc=nth:300"),
    ]),
    # The benchmark's programs in short form: every row a number, no row n/a, no note that a
    # measurement went wrong (bench-swap at the smallest frames= it takes: one small size).
    # (bench powers the machine off itself, before init could report its leak check.)
    UserTest("bench-rows", args="init=/bench", cpus=1, timeout=120, leakcheck=False,
             reject=[r"FAIL", r"killed", r" n/a ", r"bench: note"],
             expect=[bench_row(label, unit) for label, unit in BENCH_ROWS] + [r"bench: done"]),
    UserTest("bench-swap-rows", args="init=/bench-swap frames=64", cpus=1, timeout=120,
             expect=[r"bench-swap: frames=64 used=\d+ free=\d+ swap_slots=\d+"] + [
                 r"bench-swap: refs %s end n=\d+ hash=[0-9a-f]{16}" % w
                 for w in BENCH_SWAP_WORKLOADS] + [
                 bench_row("swap-in fault, disk wait excluded", "instructions"),
                 bench_row("eviction, disk write wait excluded", "instructions"),
                 r"bench: note: swap rows: \d+ swap-in faults, \d+ evictions \(\d+ clean\)",
                 r"bench-swap: done"]),
    # A disk whose primary and backup GPT headers are both corrupt: a clear panic at boot.
    KernelTest("gpt-corrupt", args="", disk="{build}/gpt-corrupt.img", status=PANIC_EXIT, expect=[
        r"panic: gpt: primary table \(LBA 1\): header CRC mismatch .*; backup table \(LBA \d+\): header CRC mismatch .*",
    ]),
    # A crash in the middle of file-system writes leaves a consistent file system: QEMU
    # killed at some moment after 6 files of each writer were committed, and a crash right
    # after a commit point (logcrash=N), which only the log's recovery can repair.
    CrashTest("crash-kill", write_args="init=/tests/crash-write",
              check_args="init=/tests/crash-check,{done_a},{done_b}",
              kill_after="crash-write: fb5 done",
              kill_delay=0.25, timeout=120, weight=2, expect=CRASH_CHECK_LINES),
    CrashTest("crash-commit", write_args="init=/tests/crash-write logcrash=25",
              check_args="init=/tests/crash-check,0", kill_after="log: simulated crash",
              timeout=120, weight=2,
              expect=[r"log: recovering a committed transaction of \d+ blocks"] + CRASH_CHECK_LINES),
    CrashTest("crash-commit-2", write_args="init=/tests/crash-write logcrash=30",
              check_args="init=/tests/crash-check,0", kill_after="log: simulated crash",
              timeout=120, weight=2,
              expect=[r"log: recovering a committed transaction of \d+ blocks"] + CRASH_CHECK_LINES),
    # The crash campaign's workload (tests/crash-load.c; make crash runs a hundred crash
    # points): three processes publishing, appending, removing, making directories and
    # orphans (each keeps an unlinked file open), stopped at a commit point and at a moment
    # by the clock; every finished operation must have survived, nothing half done may show,
    # the orphans are freed at the next boot, and fsck finds both images consistent.
    CrashTest("crash-load-commit", write_args="init=/tests/crash-load,write,7 logcrash=60",
              check_args="init=/tests/crash-load,check,7,{done}", kill_after="log: simulated crash",
              kill_delay=0, timeout=120, weight=2, expect=CRASH_LOAD_RECOVERY + CRASH_LOAD_LINES),
    CrashTest("crash-load-commit-2", write_args="init=/tests/crash-load,write,8 logcrash=170",
              check_args="init=/tests/crash-load,check,8,{done}", kill_after="log: simulated crash",
              kill_delay=0, timeout=120, weight=2, expect=CRASH_LOAD_RECOVERY + CRASH_LOAD_LINES),
    CrashTest("crash-load-kill", write_args="init=/tests/crash-load,write,9",
              check_args="init=/tests/crash-load,check,9,{done}",
              kill_after="crash-load: w2 done 3", kill_delay=0.4, timeout=120, weight=2,
              expect=CRASH_LOAD_LINES),
    # The system-call fuzzer (tests/fuzz.c; make fuzz runs long campaigns): 20,000 random
    # calls with hostile arguments on 3 harts. Its oracles hold, no panic, every kill line has
    # a known reason, nothing leaks, fork/exec/files still work and the image is consistent.
    KernelTest("fuzz", args="init=/tests/fuzz,1,20000", cpus=3, disk="copy", timeout=180,
               weight=3, expect=[
                   r"fuzz: total \d+ calls: \d+ -1, \d+ ok, \d+ killed; \d+ batches, \d+ timed out",
                   r"fuzz: echo runs after the fuzzing",
                   r"fuzz: leak check: .*",
                   r"fuzz: ok",
               ], reject=[r"FAIL", r"^(?!(%s)$).*killed:" % known_kill_line(), r"table is full"]),
    # The make qemu-gdb / make gdb workflow: symbols, a stop at boot_main, sloth's helpers.
    GdbTest("gdb-boot", cpus=2, commands=[
        "print $pc == boot_main", "break ktest_run", "continue", "harts", "ptwalk ktest_run",
        "ksym $pc", "kill",
    ], args="test=boot", expect=[
        r"Thread \d+ hit Temporary breakpoint 1, boot_main \(hartid=\d+, dtb_pa=\d+\) at kernel/main\.c:\d+",
        r"\$1 = 1",
        r"Thread \d+ hit Breakpoint 2, ktest_run \(name=.*\) at kernel/test/ktest\.c:\d+",
        r"cpus\[0\]  hart \d+  online .*",
        r"ptwalk 0xffffffc0802[0-9a-f]{5} through the table at 0xffffffc0[0-9a-f]+",
        r"  level 0  index +\d+  pte 0x[0-9a-f]{16}  VR-X-GAD  -> 0x802[0-9a-f]{5}",
        r"  4 KiB page: va 0xffffffc0802[0-9a-f]{5} -> pa 0x802[0-9a-f]{5}",
        r"ktest_run(\+\d+)? in section \.text",
    ]),
    # One lazy fault under gdb (scripts/gdb/sloth_vm.py): init's first instruction fetch at
    # 0x10000 (every program's _start, user/user.ld) is caught by faultbreak; spt shows the
    # page absent, then UNINIT (in vm_do_claim_page), then FILE with a frame after the claim;
    # frames, ptwalk and vmevents agree; the program then runs to power_off(0).
    GdbTest("gdb-fault", disk=True, commands=[
        "faultbreak 0x10000", "continue", "spt", "break vm_do_claim_page", "continue", "spt",
        "finish", "spt", "frames", "swap", "ptwalk 0x10000", "vmevents", "delete", "break power_off",
        "continue", "delete", "continue",
    ], args="init=/tests/lazy-anon", expect=[
        r"faultbreak: breakpoint \d+ stops at the next fault on page 0x10000",
        r"faultbreak: exec fault at va 0x10000 \(page 0x10000\) by pid 1 \(init\), called from user_page_fault",
        r"(Thread \d+ hit )?Temporary breakpoint \d+, vm_try_handle_fault \(.*addr=65536, .*\) at kernel/vm/vm\.c:\d+",
        # Before the fault: only the stack page that exec filled has a struct page.
        r"spt of pid 1 \(init\): \d+ areas, 1 struct page \(npages 1, \d+ buckets\), page table 0xffffffc0[0-9a-f]+",
        r"  area 0x0000000000010000-0x00000000000[0-9a-f]{5}  VM_FILE  r-x  lazy_load_segment +\d+ pages?  inode \d+ offset 0x[0-9a-f]+ .*",
        # the stack page holds exec's arguments, which the kernel wrote: dirty
        r"  page 0x0000003fffffe000  VM_ANON +rw-  resident +kva 0xffffffc0([0-9a-f]{8})  pa 0x\1  pin 0  dirty  struct page 0x[0-9a-f]+",
        r"(Thread \d+ hit )?Breakpoint \d+, vm_do_claim_page \(.*\) at kernel/vm/vm\.c:\d+",
        # spt_find_page made the page's struct: UNINIT, to become FILE, no frame yet.
        r"spt of pid 1 \(init\): \d+ areas, 2 struct pages \(npages 2, \d+ buckets\), .*",
        r"  page 0x0000000000010000  VM_UNINIT->VM_FILE  r-x  not resident  struct page 0x[0-9a-f]+",
        r"0x[0-9a-f]+ in vm_try_handle_fault \(.*\) at kernel/vm/vm\.c:\d+",
        r"Value returned is \$\d+ = VM_RESOLVED",
        # Claimed: FILE, resident, its frame in the frame table and in the page table. A whole
        # page of the program's file: the frame is the page cache's (page 1 of the inode).
        r"spt of pid 1 \(init\): \d+ areas, 2 struct pages \(npages 2, \d+ buckets\), .*",
        r"  page 0x0000000000010000  VM_FILE +r-x  resident +kva 0xffffffc0([0-9a-f]{8})  pa 0x\1  pin 0  cached  struct page 0x[0-9a-f]+",
        r"frame table: frames_used 2 of \d+",
        r"  kva 0xffffffc0([0-9a-f]{8})  pa 0x\1  pin 0  cached  page cache: inode \d+ page 1  va 0x0000000000010000  VM_FILE  pid 1 \(init\)",
        r"2 frames \(8 KiB\) in the list, 0 pinned, 0 shared; 1 VM_ANON, 1 VM_FILE",
        r"swap: 8192 slots, 0 used, 0 reserved, first sector 133120",
        r"ptwalk 0x10000 through the table at 0xffffffc0[0-9a-f]+",
        r"  level 0  index  16  pte 0x[0-9a-f]{16}  VR-XU-A-  -> 0x[0-9a-f]+",
        r"  4 KiB page: va 0x10000 -> pa 0x[0-9a-f]+",
        r"  #\d+ +fault +pid 1 +va 0x0000000000010000  instruction page fault",
        r"  #\d+ +claim +pid 1 +va 0x0000000000010000  VM_FILE",
        # The program ran to its end and init powered off with status 0.
        r"(Thread \d+ hit )?Breakpoint \d+, power_off \(status=(status@entry=)?0\) at kernel/arch/power\.c:\d+",
        r"Remote connection closed",
    ]),
    # docs/gdb.md's walk-through, run as written: a lazy file page, copy-on-write after fork,
    # a page out to swap and back (commands and expected lines are read from the page).
    doc_gdb_test("gdb-doc", "docs/gdb.md"),
    # The invariant checker can fail, in gdb and in the kernel: stopped in vmcheck-probe's
    # first vmcheck call, gdb adds one to the share count of a swap slot in use (the first
    # in slots.bits[0]); its own vmcheck reports the slot, then so does the kernel's checker
    # when the call runs (its verdict read back through msg); with the count restored both
    # say ok again, and vmcheck-probe (which checks what its two calls returned) powers off
    # with status 0.
    GdbTest("gdb-vmcheck", disk=True, timeout=90, commands=[
        "break vm_check_invariants", "continue", "vmcheck",
        "python b = int(gdb.parse_and_eval('slots.bits[0]')); "
        "gdb.set_convenience_variable('slot', (b & -b).bit_length() - 1)",
        "set var share_pages[0][$slot] = share_pages[0][$slot] + 1", "vmcheck",
        "set var $msg = msg", "finish", "printf \"kernel: %s\\n\", $msg",
        "set var share_pages[0][$slot] = share_pages[0][$slot] - 1", "vmcheck",
        "delete", "break power_off", "continue", "delete", "continue",
    ], args="init=/tests/vmcheck-probe,gdb frames=64", expect=[
        r"(Thread \d+ hit )?Breakpoint \d+, vm_check_invariants \(.*\) at kernel/vm/check\.c:\d+",
        r"vmcheck: ok \(\d+ pages, \d+ frames, \d+ swap slots checked\)",
        r"vmcheck: swap slot \d+: share count \d+, but named by 1 page",
        r"Value returned is \$\d+ = 1",
        r"kernel: vmcheck: swap slot \d+: share count \d+, but named by 1 page",
        r"vmcheck: ok \(\d+ pages, \d+ frames, \d+ swap slots checked\)",
        r"(Thread \d+ hit )?Breakpoint \d+, power_off \(status=(status@entry=)?0\) at kernel/arch/power\.c:\d+",
        r"Remote connection closed",
    ]),
]
