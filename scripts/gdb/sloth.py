"""gdb helpers for sloth, loaded by .gdbinit. Commands:

  harts          every hart: hart id, online, timer ticks, running process
  ptwalk VA [ROOT]  the Sv39 walk of VA (user or kernel): each level's PTE, its flags
                 (VRWXUGAD) and what it means (ROOT: a page table's kernel address, such
                 as proc[i].pagetable; default: the selected hart's satp)
  ksym ADDR      the kernel function containing ADDR
  spt [PID]      a process's supplemental page table: its areas (range, type, rwx,
                 initializer, file inode and offset), then every struct page by va (type,
                 rwx, resident or not, frame kva and pa); default: the selected hart's process
  frames         the frame table: each frame's kva, pa, pin count, page va and type, owner
  swap           the swap slot map: each used slot, its share count, the pages that name it
  faultbreak VA [PID]  stop at the next page fault on VA's page (in vm_try_handle_fault),
                 by any process or only by process PID
  vmevents [N]   the VM event ring (faults, claims, evictions, swaps, kills), oldest first
  swap           the swap slots: used, reserved, which page holds each, its share count
  vmcheck        do the SPTs, page tables, frame table, page cache and swap slots agree?
                 (kernel/vm/check.c's invariants): the first disagreement, or ok
"""
import os
import sys

import gdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sloth_util import DIRECT_MAP, address, read_u64, u64  # noqa: E402
import sloth_vm  # noqa: E402,F401  (registers spt, frames, faultbreak, vmevents, swap)
import sloth_vmcheck  # noqa: E402,F401  (registers vmcheck)

PTE_BITS = "VRWXUGAD"


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
