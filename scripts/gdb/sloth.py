"""gdb helpers for sloth, loaded by .gdbinit. Commands:

  harts          every hart: hart id, online, timer ticks, running process
  ptwalk VA [ROOT]  the Sv39 walk of VA: each level's PTE and what it means
                 (ROOT: a page table's kernel address; default: the hart's satp)
  ksym ADDR      the kernel function containing ADDR
"""
import gdb

DIRECT_MAP = 0xFFFFFFC000000000
PTE_BITS = "VRWXUGAD"


def u64(value):
    return int(value) & 0xFFFFFFFFFFFFFFFF


def address(expr):
    """The value of a gdb expression (a number, a variable, a function) as an address."""
    return u64(gdb.parse_and_eval("(unsigned long)(%s)" % expr))


def read_u64(addr):
    mem = gdb.selected_inferior().read_memory(addr, 8)
    return int.from_bytes(bytes(mem), "little")


def pte_flags(pte):
    return "".join(c if pte & (1 << i) else "-" for i, c in enumerate(PTE_BITS))


class Harts(gdb.Command):
    """harts: every hart's id, state, timer ticks and running process."""

    def __init__(self):
        super().__init__("harts", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        n = int(gdb.parse_and_eval("ncpu"))
        for i in range(n):
            c = gdb.parse_and_eval("cpus[%d]" % i)
            proc = u64(c["proc"])
            running = "idle" if proc == 0 else "pid %d" % int(c["proc"].dereference()["pid"])
            print("cpus[%d]  hart %d  %-7s  %6d ticks  %s" % (
                i, int(c["hartid"]), "online" if int(c["online"]) else "offline",
                int(c["ticks"]), running))


class PtWalk(gdb.Command):
    """ptwalk VA [ROOT]: the Sv39 walk of VA through ROOT (default: this hart's satp)."""

    def __init__(self):
        super().__init__("ptwalk", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if not args:
            raise gdb.GdbError("usage: ptwalk VA [ROOT]")
        va = address(args[0])
        if len(args) > 1:
            table = address(args[1])
        else:
            satp = u64(gdb.parse_and_eval("$satp"))
            if satp >> 60 != 8:
                raise gdb.GdbError("satp %#x: paging is off (not Sv39)" % satp)
            table = DIRECT_MAP + ((satp & ((1 << 44) - 1)) << 12)
        print("ptwalk %#x through the table at %#x" % (va, table))
        for level in (2, 1, 0):
            index = (va >> (12 + 9 * level)) & 0x1FF
            pte = read_u64(table + 8 * index)
            pa = (pte >> 10) << 12
            print("  level %d  index %3d  pte %#018x  %s  -> %#x" % (
                level, index, pte, pte_flags(pte), pa))
            if not pte & 1:
                print("  not mapped (V clear at level %d)" % level)
                return
            if pte & 0xE:
                offset = va & ((1 << (12 + 9 * level)) - 1)
                size = {2: "1 GiB", 1: "2 MiB", 0: "4 KiB"}[level]
                print("  %s page: va %#x -> pa %#x" % (size, va, pa + offset))
                return
            table = DIRECT_MAP + pa
        print("  malformed: level-0 PTE is not a leaf")


class Ksym(gdb.Command):
    """ksym ADDR: the kernel function containing ADDR."""

    def __init__(self):
        super().__init__("ksym", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        addr = address(arg)
        print(gdb.execute("info symbol %#x" % addr, to_string=True).strip())


class SlothHelp(gdb.Command):
    """sloth-help: list sloth's gdb commands."""

    def __init__(self):
        super().__init__("sloth-help", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        print(__doc__)


Harts()
PtWalk()
Ksym()
SlothHelp()
