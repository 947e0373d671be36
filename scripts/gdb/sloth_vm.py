"""gdb commands for sloth's memory system (kernel/vm/vm.h): a process's supplemental page
table, the frame table with every frame's mappings, the swap slots with their sharers, a
breakpoint on the next fault at one page, the VM event ring.
They only read kernel memory, so they are safe at any stop, but a structure that the stopped
hart was changing may show half changed."""
import gdb

from sloth_util import (DIRECT_MAP, PGSIZE, current_proc, deref, proc_label, procs_in_use,
                        read_pointers, symbol_at, u64)

BUCKET_CHUNK = 512  # struct page * per chunk of spt.buckets (kernel/vm/spt.c, CHUNK)
PAGE_WRITABLE, PAGE_EXEC, PAGE_EVICTING, PAGE_NOACCESS = 0x1, 0x2, 0x4, 0x8
AREA_SHARED, AREA_MMAP = 0x10, 0x20
FRAME_FLAGS = ((0x1, "dirty"), (0x2, "EVICTING"), (0x4, "cached"), (0x8, "referenced"),
               (0x10, "discarded"))
MAX_CHAIN = 1 << 20  # longer than any real list: the walk is going round a broken one
SCAUSE_NAMES = {12: "instruction page fault", 13: "load page fault", 15: "store page fault"}


def perms(flags):
    """rwx of a page or area: user pages are readable unless PROT_NONE (vm.c, vm_pte)."""
    if flags & PAGE_NOACCESS:
        return "---"
    return "r" + ("w" if flags & PAGE_WRITABLE else "-") + ("x" if flags & PAGE_EXEC else "-")


def frame_flag_words(flags):
    return [word for bit, word in FRAME_FLAGS if flags & bit]


def rmap_pages(frame):
    """[(address, struct page value)] of the pages mapping a frame (frame->rmap)."""
    pages, addr = [], u64(frame["rmap"])
    while addr:
        if len(pages) > MAX_CHAIN:
            raise gdb.GdbError("frames: a reverse map does not end (a loop?)")
        page = deref(addr, "struct page")
        pages.append((addr, page))
        addr = u64(page["rmap_next"])
    return pages


def plural(n, word):
    return "%d %s%s" % (n, word, "" if n == 1 else "s")


def enum_name(value, enum_type):
    """The name of an enum's value (VM_ANON, EV_CLAIM, ...), or the number if it has none."""
    return str(gdb.Value(int(value)).cast(gdb.lookup_type(enum_type)))


def page_type(page):
    """VM_ANON, VM_FILE, or VM_UNINIT->VM_ANON for a page that has not been claimed yet."""
    if u64(page["ops"]) == 0:
        return "(no ops)"
    kind = str(page["ops"]["type"])
    if kind == "VM_UNINIT" and u64(page["area"]):
        kind += "->" + str(page["area"]["type"])
    return kind


def spt_pages(spt):
    """[(address, struct page value)] of every page in spt's hash: bucket h is
    buckets[h / 512][h % 512] and each bucket is a chain through hash_next."""
    nbuckets, directory = int(spt["nbuckets"]), u64(spt["buckets"])
    if nbuckets == 0 or directory == 0:
        return []
    pages = []
    chunks = read_pointers(directory, (nbuckets + BUCKET_CHUNK - 1) // BUCKET_CHUNK)
    for chunk in chunks:
        for head in read_pointers(chunk, min(nbuckets, BUCKET_CHUNK)):
            addr = head
            while addr:
                if len(pages) > MAX_CHAIN:
                    raise gdb.GdbError("spt: hash chains do not end (a loop?)")
                page = deref(addr, "struct page")
                pages.append((addr, page))
                addr = u64(page["hash_next"])
    return pages


def spt_areas(spt):
    areas, addr = [], u64(spt["areas"])
    while addr:
        if len(areas) > MAX_CHAIN:
            raise gdb.GdbError("spt: the area list does not end (a loop?)")
        area = deref(addr, "struct vm_area")
        areas.append((addr, area))
        addr = u64(area["next"])
    return areas


def area_line(spt, addr, area):
    init = u64(area["init"])
    line = "  area %#018x-%#018x  %-7s  %s  %-17s  %11s" % (
        u64(area["start"]), u64(area["end"]), str(area["type"]), perms(int(area["flags"])),
        symbol_at(init) if init else "zero-fill",
        plural((u64(area["end"]) - u64(area["start"])) // PGSIZE, "page"))
    if u64(area["file"]):
        file = area["file"].dereference()
        line += "  inode %d offset %#x (%#x bytes for va %#x)" % (
            int(file["ip"]["inum"]), u64(file["off"]), u64(file["filesz"]), u64(file["vaddr"]))
        if int(file["mapped"]):
            flags = int(area["flags"])
            line += "  mmap %s" % ("MAP_SHARED" if flags & AREA_SHARED else "MAP_PRIVATE")
    elif int(area["flags"]) & AREA_MMAP:
        line += "  mmap MAP_ANONYMOUS"
    if addr == u64(spt["heap"]):
        line += "  heap"
    if addr == u64(spt["stack"]):
        line += "  stack"
    return line


def page_line(addr, page):
    flags = int(page["flags"])
    line = "  page %#018x  %-18s  %s  " % (u64(page["va"]), page_type(page), perms(flags))
    frame_addr = u64(page["frame"])
    if frame_addr:
        frame = page["frame"].dereference()
        kva = u64(frame["kva"])
        line += "resident      kva %#x  pa %#x  pin %d" % (kva, kva - DIRECT_MAP,
                                                          int(frame["pin"]))
        nmap = int(frame["nmap"])
        if nmap > 1:
            line += "  shared by %d" % nmap
        words = frame_flag_words(int(frame["flags"]))
        if words:
            line += "  " + " ".join(words)
        if addr not in [a for a, _ in rmap_pages(frame)]:
            line += "  (not in its frame's reverse map)"
    else:
        line += "not resident"
        slot = swap_slot(page)
        if slot >= 0:
            line += "  in swap slot %d" % slot
    if flags & PAGE_EVICTING:
        line += "  EVICTING"
    return line + "  struct page %#x" % addr


def swap_slot(page):
    """The page's swap slot (-1: none)."""
    return int(page["swap_slot"])


def find_proc(arg):
    """The process that `spt [PID]` means: pid PID, or the one running on the selected hart."""
    if arg.strip():
        pid = int(gdb.parse_and_eval(arg))
        for p in procs_in_use():
            if int(p["pid"]) == pid:
                return p
        raise gdb.GdbError("spt: no process with pid %d" % pid)
    p = current_proc()
    if p is None:
        raise gdb.GdbError("spt: no process is running on this hart (give a pid)")
    return p


class Spt(gdb.Command):
    """spt [PID]: a process's supplemental page table: its areas, then every struct page in
    its hash by va (type, rwx, frame). Default: the process on the selected hart."""

    def __init__(self):
        super().__init__("spt", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        p = find_proc(arg)
        spt = p["spt"]
        areas, pages = spt_areas(spt), spt_pages(spt)
        print("spt of %s: %s, %s (npages %d, %d buckets), page table %#x" % (
            proc_label(p), plural(len(areas), "area"), plural(len(pages), "struct page"),
            int(spt["npages"]), int(spt["nbuckets"]), u64(spt["pagetable"])))
        for addr, area in areas:
            print(area_line(spt, addr, area))
        for addr, page in sorted(pages, key=lambda ap: u64(ap[1]["va"])):
            print(page_line(addr, page))
        if not pages:
            print("  no struct page yet: nothing was touched")


def page_owners():
    """{struct page address: "pid N (name)"} over the SPTs of every process in use."""
    owners = {}
    for p in procs_in_use():
        for addr, _ in spt_pages(p["spt"]):
            owners[addr] = proc_label(p)
    return owners


def static_int(name):
    try:
        return int(gdb.parse_and_eval(name))
    except gdb.error:
        return None


class Frames(gdb.Command):
    """frames: the frame table (the list at frame_list) in clock-hand order: each frame's kva,
    pa, pin count, flags, share count, and every page that maps it with its process (a frame
    of the page cache also names its inode and page); then totals."""

    def __init__(self):
        super().__init__("frames", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        head = u64(gdb.parse_and_eval("&frame_list"))
        owners = page_owners()
        used, limit = static_int("frames_used"), static_int("frames_total")
        print("frame table: frames_used %s of %s" % (used, limit))
        count = pinned = shared = 0
        types = {}
        addr = u64(gdb.parse_and_eval("frame_list.next"))
        while addr != head:
            if addr == 0 or count > MAX_CHAIN:
                raise gdb.GdbError("frames: the list is broken after %d frames" % count)
            frame = deref(addr, "struct frame")
            kva, pin, flags = u64(frame["kva"]), int(frame["pin"]), int(frame["flags"])
            mappers = rmap_pages(frame)
            line = "  kva %#x  pa %#x  pin %d" % (kva, kva - DIRECT_MAP, pin)
            for word in frame_flag_words(flags):
                line += "  " + word
            if flags & 0x4:  # FRAME_CACHED
                line += "  page cache: inode %d page %d" % (int(frame["ip"]["inum"]),
                                                             u64(frame["index"]))
            if len(mappers) != int(frame["nmap"]):
                line += "  (nmap %d, but %d pages in the reverse map)" % (
                    int(frame["nmap"]), len(mappers))
            for i, (page_addr, page) in enumerate(mappers):
                kind = page_type(page)
                line += "%s  va %#018x  %-7s  %s" % (
                    "" if i == 0 else "\n" + " " * 8 + "also", u64(page["va"]), kind,
                    owners.get(page_addr, "owner not found"))
                if u64(page["frame"]) != addr:
                    line += "  (page->frame is %#x, not this frame)" % u64(page["frame"])
            if not mappers:
                line += "  no page maps it"
            kind = page_type(mappers[0][1]) if mappers else (
                "cached" if flags & 0x4 else "no page")
            types[kind] = types.get(kind, 0) + 1
            count += 1
            pinned += pin > 0
            shared += len(mappers) > 1
            print(line)
            addr = u64(frame["next"])
        by_type = ", ".join("%d %s" % (n, kind) for kind, n in sorted(types.items()))
        print("%s (%d KiB) in the list, %d pinned, %d shared%s" % (
            plural(count, "frame"), count * PGSIZE // 1024, pinned, shared,
            "; " + by_type if by_type else ""))


class FaultBreakpoint(gdb.Breakpoint):
    """Stops at the entry of vm_try_handle_fault when its addr (a1) lies in one page (and,
    with a pid, when that process faults). At the entry instruction the arguments are still
    in a0..a3 whatever the optimisation level."""

    def __init__(self, va, pid=None):
        super().__init__("*vm_try_handle_fault", temporary=True)
        self.page = va & ~(PGSIZE - 1)
        self.pid = pid

    def stop(self):
        addr = u64(gdb.parse_and_eval("$a1"))
        if addr & ~(PGSIZE - 1) != self.page:
            return False
        p = current_proc()
        if self.pid is not None and (p is None or int(p["pid"]) != self.pid):
            return False
        access = enum_name(gdb.parse_and_eval("$a2"), "enum vm_access")
        access = access[len("ACCESS_"):].lower() if access.startswith("ACCESS_") else access
        print("faultbreak: %s fault at va %#x (page %#x) by %s, called from %s" % (
            access, addr, self.page, proc_label(p) if p is not None else "no process",
            symbol_at(u64(gdb.parse_and_eval("$ra")))))
        return True


class FaultBreak(gdb.Command):
    """faultbreak VA [PID]: stop at the next page fault (vm_try_handle_fault) on VA's page,
    by any process or only by process PID."""

    def __init__(self):
        super().__init__("faultbreak", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if not 1 <= len(args) <= 2:
            raise gdb.GdbError("usage: faultbreak VA [PID]")
        va = u64(gdb.parse_and_eval("(unsigned long)(%s)" % args[0]))
        pid = int(gdb.parse_and_eval(args[1])) if len(args) == 2 else None
        bp = FaultBreakpoint(va, pid)
        print("faultbreak: breakpoint %d stops at the next fault on page %#x%s" % (
            bp.number, bp.page, "" if pid is None else " by pid %d" % pid))


class Swap(gdb.Command):
    """swap: the swap slot map (kernel/vm/swap.c): slots in use, promised to evictions in
    progress, and which process's page holds each used slot; slots no page names are leaks."""

    def __init__(self):
        super().__init__("swap", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        slots = gdb.parse_and_eval("slots")
        nslots, used = int(slots["nslots"]), int(slots["used"])
        reserved = static_int("reserved")
        print("swap: %d slots, %d used, %s reserved, first sector %s" % (
            nslots, used, reserved, static_int("first_sector")))
        holders = {}
        for p in procs_in_use():
            for addr, page in spt_pages(p["spt"]):
                slot = swap_slot(page)
                if slot >= 0:
                    holders.setdefault(slot, []).append(
                        "va %#x of %s" % (u64(page["va"]), proc_label(p)))
        bits = u64(slots["bits"])
        in_use = []
        for w, word in enumerate(read_pointers(bits, (nslots + 63) // 64) if bits else []):
            for b in range(64):
                if word >> b & 1 and w * 64 + b < nslots:
                    in_use.append(w * 64 + b)
        for slot in in_use:
            names = holders.get(slot)
            shares = slot_shares(slot)
            line = "  slot %5d  shares %d  %s" % (slot, shares,
                                                  ", ".join(names) if names else "NO PAGE (leaked?)")
            if names and len(names) != shares:
                line += "  (%d pages name it)" % len(names)
            print(line)
        for slot in sorted(set(holders) - set(in_use)):
            print("  slot %5d  named by %s but FREE in the map" % (slot, ", ".join(holders[slot])))


def slot_shares(slot):
    """The share count of a swap slot (swap.c: share_pages)."""
    page = u64(gdb.parse_and_eval("share_pages[%d]" % (slot // PGSIZE)))
    if page == 0:
        return 0
    return bytes(gdb.selected_inferior().read_memory(page + slot % PGSIZE, 1))[0]


def event_info(kind, info):
    """The kind-specific info of a VM event in words (see the vm_event calls)."""
    if kind == "fault":
        return SCAUSE_NAMES.get(info, "scause %#x" % info)
    if kind in ("claim", "swap-in"):
        return enum_name(info, "enum vm_type")
    if kind == "evict":
        return "written to swap" if info else "dropped (clean)"
    if kind == "kill":
        return enum_name(info, "enum vm_fault")
    return "%#x" % info


class VmEvents(gdb.Command):
    """vmevents [N]: the VM event ring (kernel/vm/events.c), oldest first; N: the last N."""

    def __init__(self):
        super().__init__("vmevents", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        ring = gdb.parse_and_eval("vm_event_ring")
        low, high = ring.type.range()
        entries = [ring[i] for i in range(low, high + 1) if u64(ring[i]["seq"]) != 0]
        entries.sort(key=lambda e: u64(e["seq"]))
        if arg.strip():
            entries = entries[-int(gdb.parse_and_eval(arg)):]
        print("VM events, oldest first (%d shown; %d recorded since boot):" % (
            len(entries), u64(gdb.parse_and_eval("vm_event_next"))))
        for e in entries:
            kind = enum_name(e["kind"], "enum vm_event_kind")
            kind = kind[3:].lower().replace("_", "-") if kind.startswith("EV_") else kind
            print("  #%-5d %-8s pid %-3d va %#018x  %s" % (
                u64(e["seq"]), kind, int(e["pid"]), u64(e["va"]),
                event_info(kind, u64(e["info"]))))


Spt()
Frames()
FaultBreak()
VmEvents()
Swap()
