"""gdb's vmcheck: the VM invariant checker of kernel/vm/check.c run again in Python on a
stopped kernel, so that it works where the kernel cannot call its own (at any breakpoint,
after a panic). Same invariants, same one-line verdict: the first disagreement between the
supplemental page tables, the page tables, the frame table with its reverse maps, the page
cache's index and the swap slots, or "vmcheck: ok (...)".

Every hart is stopped, so no lock is taken; but a hart stopped in the middle of a change
(holding frame_lock, swap_lock or a process's vm lock, or inside exec) may leave state that
the change was about to fix. Such processes count as busy, and as in the kernel's checker
the totals (mappings per process, pages per swap slot, leaked slots) are then not compared.
A quiet place to stop is the entry of a system call, or vm_check_invariants itself."""
import struct

import gdb

from sloth_util import DIRECT_MAP, PGSIZE, procs_in_use, read_pointers, u64
from sloth_vm import AREA_SHARED, PAGE_EVICTING, PAGE_EXEC, PAGE_WRITABLE, spt_areas

FRAME_EVICTING, FRAME_CACHED = 0x2, 0x4
PTE_V, PTE_R, PTE_W, PTE_X, PTE_U = 0x1, 0x2, 0x4, 0x8, 0x10
PTE_LEAF, PERM_BITS = PTE_R | PTE_W | PTE_X, PTE_R | PTE_W | PTE_X | PTE_U
BUCKET_CHUNK = 512      # kernel/vm/spt.c, CHUNK
PCACHE_BUCKETS = 1024   # kernel/vm/pcache.c
GOLDEN = 0x9E3779B97F4A7C15
MASK64 = (1 << 64) - 1
USER_ROOT_ENTRIES = 256  # the lower half of an Sv39 root: user space
SYS_EXEC, EXC_ECALL_U = 7, 8
CHAIN_MAX = 1 << 22


class Disagreement(Exception):
    pass


def pa(kva):
    return kva - DIRECT_MAP


def hash_va(va, nbuckets):
    """spt.c's hash_va."""
    return (((va >> 12) * GOLDEN & MASK64) >> 32) & (nbuckets - 1)


def pcache_bucket(ip, index):
    """pcache.c's bucket_of."""
    h = (ip >> 6) ^ (index * GOLDEN & MASK64)
    return (h >> 32) % PCACHE_BUCKETS


def read_table(addr):
    """The 512 entries of the page-table page at kernel address addr."""
    return struct.unpack("<512Q", bytes(gdb.selected_inferior().read_memory(addr, PGSIZE)))


def vm_pte_perms(page, frame):
    """The permission bits frame.c's vm_pte gives page's mapping of frame."""
    pflags, fflags = int(page["flags"]), int(frame["flags"])
    cached = fflags & FRAME_CACHED
    own = cached if int(page["area"]["flags"]) & AREA_SHARED else (
        not cached and int(frame["nmap"]) == 1)
    return (PTE_V | PTE_U | PTE_R | (PTE_W if pflags & PAGE_WRITABLE and own else 0) |
            (PTE_X if pflags & PAGE_EXEC else 0))


def locked(lock_value):
    return int(lock_value["locked"]) != 0


class Checker:
    def __init__(self):
        self.pages = self.frames = self.slots = self.busy = self.transitions = 0
        self.mapped_by = {}   # proc address -> pages the frames' reverse maps give it
        self.odd = set()      # procs a frame maps a page of that is not in its table (exec)
        self.named = {}       # slot -> checked pages naming it
        self.index = {}       # (inode, page) -> frame address, from the page cache's buckets
        table = gdb.parse_and_eval("proc")
        self.proc_base = u64(table.address)
        self.proc_size = table[0].type.sizeof
        self.nproc = table.type.range()[1] + 1
        self.vm_lock_offset = u64(gdb.parse_and_eval("&((struct proc *)0)->vm_lock"))

    def fail(self, fmt, *args):
        raise Disagreement("vmcheck: " + fmt % args)

    def owner_of(self, lock):
        a = lock - self.vm_lock_offset
        if a < self.proc_base or a >= self.proc_base + self.nproc * self.proc_size or \
                (a - self.proc_base) % self.proc_size:
            return None
        return a

    # ---- the frame table and the page cache's index ----

    def read_index(self):
        buckets = gdb.parse_and_eval("buckets")  # pcache.c's
        for b in range(PCACHE_BUCKETS):
            addr, n = u64(buckets[b]), 0
            while addr:
                n += 1
                if n > CHAIN_MAX:
                    self.fail("page cache: bucket %d does not end", b)
                f = gdb.Value(addr).cast(gdb.lookup_type("struct frame").pointer()).dereference()
                ip, index = u64(f["ip"]), u64(f["index"])
                if not int(f["flags"]) & FRAME_CACHED:
                    self.fail("page cache: frame pa %#x is in the index but not FRAME_CACHED "
                              "(flags %#x)", pa(u64(f["kva"])), int(f["flags"]))
                if pcache_bucket(ip, index) != b:
                    self.fail("page cache: frame pa %#x (inode %d page %d) hangs in the wrong "
                              "bucket", pa(u64(f["kva"])), int(f["ip"]["inum"]), index)
                self.index[(ip, index)] = addr
                addr = u64(f["cache_next"])

    def check_rmap(self, addr, f):
        n, m = 0, u64(f["rmap"])
        while m:
            n += 1
            if n > CHAIN_MAX:
                self.fail("frame pa %#x: its reverse map does not end", pa(u64(f["kva"])))
            page = gdb.Value(m).cast(gdb.lookup_type("struct page").pointer()).dereference()
            if u64(page["frame"]) != addr:
                self.fail("frame pa %#x: its reverse map names va %#x, whose page->frame is %#x",
                          pa(u64(f["kva"])), u64(page["va"]), u64(page["frame"]))
            owner = self.owner_of(u64(page["area"]["lock"]))
            if owner is None:
                self.fail("frame pa %#x: va %#x in its reverse map belongs to no process's vm "
                          "lock", pa(u64(f["kva"])), u64(page["va"]))
            owner_pt = u64(gdb.parse_and_eval("((struct proc *)%d)->spt.pagetable" % owner))
            if u64(page["area"]["pagetable"]) != owner_pt:
                self.odd.add(owner)
                self.transitions += 1
            elif int(page["flags"]) & PAGE_EVICTING:
                self.transitions += 1
            else:
                self.mapped_by[owner] = self.mapped_by.get(owner, 0) + 1
            m = u64(page["rmap_next"])
        if n != int(f["nmap"]):
            self.fail("frame pa %#x: nmap %d, but %d pages in its reverse map",
                      pa(u64(f["kva"])), int(f["nmap"]), n)

    def check_frames(self):
        head = u64(gdb.parse_and_eval("&frame_list"))
        total = int(gdb.parse_and_eval("frames_total"))
        used = int(gdb.parse_and_eval("frames_used"))
        cached, addr = 0, u64(gdb.parse_and_eval("frame_list.next"))
        while addr != head:
            self.frames += 1
            if self.frames > total + 1 or addr == 0:
                self.fail("frame table: the list is broken or longer than the %d frames", total)
            f = gdb.Value(addr).cast(gdb.lookup_type("struct frame").pointer()).dereference()
            if u64(f["next"]["prev"]) != addr:
                self.fail("frame pa %#x: the list's next frame does not point back",
                          pa(u64(f["kva"])))
            self.check_rmap(addr, f)
            flags = int(f["flags"])
            if not int(f["pin"]) and not int(f["nmap"]) and not flags & FRAME_CACHED:
                self.fail("frame pa %#x is on the list, but nothing pins, maps or caches it "
                          "(pin 0, nmap 0, flags %#x)", pa(u64(f["kva"])), flags)
            if flags & FRAME_EVICTING:
                self.transitions += 1
            if flags & FRAME_CACHED:
                key = (u64(f["ip"]), u64(f["index"]))
                if self.index.get(key) != addr:
                    self.fail("frame pa %#x is FRAME_CACHED as inode %d page %d, but the page "
                              "cache's index holds %#x there", pa(u64(f["kva"])),
                              int(f["ip"]["inum"]), key[1], self.index.get(key, 0))
                if not int(f["ip"]["nmapped"]) and not int(f["ip"]["pcache_dropping"]):
                    self.fail("frame pa %#x caches inode %d page %d, but nothing maps the "
                              "inode (nmapped 0) and no pcache_unmapped is dropping its pages",
                              pa(u64(f["kva"])), int(f["ip"]["inum"]), key[1])
                cached += 1
            addr = u64(f["next"])
        if self.frames != used:
            self.fail("frame table: %d frames on the list, but frames_used is %d",
                      self.frames, used)
        if cached != len(self.index):
            self.fail("page cache: %d FRAME_CACHED frames on the list, but %d in the index",
                      cached, len(self.index))

    def check_inodes(self):
        """Every in-memory inode's pcache_pages is its number of index entries."""
        counts = {}
        for ip, _ in self.index:
            counts[ip] = counts.get(ip, 0) + 1
        inodes = gdb.parse_and_eval("itable.inode")
        for i in range(inodes.type.range()[1] + 1):
            ip = inodes[i]
            n = counts.get(u64(ip.address), 0)
            if int(ip["pcache_pages"]) != n:
                self.fail("page cache: inode %d has %d pages in the index, but pcache_pages %d",
                          int(ip["inum"]), n, int(ip["pcache_pages"]))

    # ---- one process's tables ----

    def hash_pages(self, p, spt):
        """{va: (page address, page)} of spt's hash, each checked to be in its bucket."""
        nbuckets, directory = int(spt["nbuckets"]), u64(spt["buckets"])
        pages = {}
        if nbuckets and directory:
            chunks = read_pointers(directory, (nbuckets + BUCKET_CHUNK - 1) // BUCKET_CHUNK)
            for c, chunk in enumerate(chunks):
                for j, addr in enumerate(read_pointers(chunk, min(nbuckets, BUCKET_CHUNK))):
                    while addr:
                        if len(pages) > CHAIN_MAX:
                            self.fail("pid %d: its hash chains do not end", int(p["pid"]))
                        page = gdb.Value(addr).cast(
                            gdb.lookup_type("struct page").pointer()).dereference()
                        va = u64(page["va"])
                        if hash_va(va, nbuckets) != c * BUCKET_CHUNK + j or va in pages:
                            self.fail("pid %d va %#x: in the hash, but in the wrong bucket or "
                                      "twice", int(p["pid"]), va)
                        pages[va] = (addr, page)
                        addr = u64(page["hash_next"])
        if len(pages) != int(spt["npages"]):
            self.fail("pid %d: the hash holds %d pages, but npages is %d", int(p["pid"]),
                      len(pages), int(spt["npages"]))
        return pages

    def check_areas(self, p, spt):
        pid, prev_end, found = int(p["pid"]), 0, set()
        lock = u64(p["vm_lock"].address)
        for addr, a in spt_areas(spt):
            start, end = u64(a["start"]), u64(a["end"])
            if start % PGSIZE or end % PGSIZE or end < start or start < prev_end or \
                    end > USER_ROOT_ENTRIES << 30:
                self.fail("pid %d: area [%#x, %#x) is unaligned, inside out, unsorted or "
                          "overlaps the one before (which ends at %#x)", pid, start, end, prev_end)
            if u64(a["lock"]) != lock or u64(a["pagetable"]) != u64(spt["pagetable"]):
                self.fail("pid %d: area [%#x, %#x) has lock %#x and page table %#x, not the "
                          "process's", pid, start, end, u64(a["lock"]), u64(a["pagetable"]))
            prev_end = end
            found.add(addr)
        for name in ("heap", "stack"):
            if u64(spt[name]) and u64(spt[name]) not in found:
                if not u64(spt["buckets"]):  # exit's teardown: areas freed one by one
                    self.transitions += 1
                else:
                    self.fail("pid %d: its %s area is not in its area list", pid, name)
        return found

    def user_leaves(self, root):
        """{va: pte} of every valid leaf in the lower half of the page table at root."""
        leaves = {}
        for i, e2 in enumerate(read_table(root)[:USER_ROOT_ENTRIES]):
            if not e2 & PTE_V:
                continue
            if e2 & PTE_LEAF:
                raise Disagreement("vmcheck: a 1 GiB leaf at root index %d" % i)
            for j, e1 in enumerate(read_table(DIRECT_MAP + (e2 >> 10 << 12))):
                if not e1 & PTE_V:
                    continue
                if e1 & PTE_LEAF:
                    raise Disagreement("vmcheck: a 2 MiB leaf at index %d/%d" % (i, j))
                for k, e0 in enumerate(read_table(DIRECT_MAP + (e1 >> 10 << 12))):
                    if e0 & PTE_V:
                        leaves[(i << 30) | (j << 21) | (k << 12)] = e0
        return leaves

    def check_page(self, p, va, addr, page, areas, leaves, nslots, bits):
        pid, pte = int(p["pid"]), leaves.get(va)
        area = u64(page["area"])
        if area not in areas or not u64(page["area"]["start"]) <= va < u64(page["area"]["end"]):
            self.fail("pid %d va %#x: its area %#x is not in the list or does not cover it",
                      pid, va, area)
        if int(page["flags"]) & PAGE_EVICTING:
            self.transitions += 1
            if pte is not None:
                self.fail("pid %d va %#x: PAGE_EVICTING, but its PTE %#x is valid", pid, va, pte)
            return
        frame_addr = u64(page["frame"])
        if frame_addr:
            frame = page["frame"].dereference()
            rmap, m = [], u64(frame["rmap"])
            while m and len(rmap) <= int(frame["nmap"]):
                rmap.append(m)
                m = u64(gdb.parse_and_eval("((struct page *)%d)->rmap_next" % m))
            kva = u64(frame["kva"])
            if addr not in rmap:
                self.fail("pid %d va %#x: page->frame is pa %#x, whose reverse map does not "
                          "name it", pid, va, pa(kva))
            if pte is None or (pte >> 10 << 12) != pa(kva):
                self.fail("pid %d va %#x: resident in frame pa %#x, but its PTE is %#x", pid, va,
                          pa(kva), pte or 0)
            allowed = vm_pte_perms(page, frame)
            if pte & PERM_BITS & ~allowed:
                self.fail("pid %d va %#x: PTE %#x allows more than vm_pte's %#x (nmap %d, frame "
                          "flags %#x)", pid, va, pte, allowed, int(frame["nmap"]),
                          int(frame["flags"]))
        elif pte is not None:
            self.fail("pid %d va %#x: no frame, but its PTE %#x is valid", pid, va, pte)
        slot = int(page["swap_slot"])
        if slot >= 0:
            if slot >= nslots:
                self.fail("pid %d va %#x: names swap slot %d, beyond the %d slots", pid, va,
                          slot, nslots)
            if not bits[slot // 64] >> (slot % 64) & 1:
                self.fail("pid %d va %#x: names swap slot %d, which is free", pid, va, slot)
            self.named[slot] = self.named.get(slot, 0) + 1
        self.pages += 1

    def check_process(self, p, nslots, bits):
        spt, pid = p["spt"], int(p["pid"])
        areas = self.check_areas(p, spt)
        pages = self.hash_pages(p, spt)
        leaves = self.user_leaves(u64(spt["pagetable"]))
        resident = 0
        for va, (addr, page) in sorted(pages.items()):
            self.check_page(p, va, addr, page, areas, leaves, nslots, bits)
            resident += bool(u64(page["frame"])) and not int(page["flags"]) & PAGE_EVICTING
        for va, pte in sorted(leaves.items()):
            entry = pages.get(va)
            if entry is None or not u64(entry[1]["frame"]):
                self.fail("pid %d va %#x: a valid PTE %#x, but %s", pid, va, pte,
                          "no struct page there" if entry is None else "its page has no frame")
        owner = u64(p.address)
        if owner not in self.odd and resident != self.mapped_by.get(owner, 0):
            self.fail("pid %d: %d of its pages have frames, but the frames' reverse maps name %d",
                      pid, resident, self.mapped_by.get(owner, 0))

    # ---- swap and the whole check ----

    def check_slots(self, nslots, bits):
        shares_pages = gdb.parse_and_eval("share_pages")
        per_page, complete = PGSIZE, not self.busy and not self.transitions
        cache = {}
        for s in range(nslots):
            if not bits[s // 64] >> (s % 64) & 1:
                continue
            page = s // per_page
            if page not in cache:
                cache[page] = bytes(gdb.selected_inferior().read_memory(
                    u64(shares_pages[page]), PGSIZE))
            shares, named = cache[page][s % per_page], self.named.get(s, 0)
            self.slots += 1
            if complete and named == 0:
                self.fail("swap slot %d is in use (share count %d), but no page names it: leaked",
                          s, shares)
            if (complete and shares != named) or named > shares:
                self.fail("swap slot %d: share count %d, but named by %d page%s", s, shares,
                          named, "" if named == 1 else "s")

    def run(self):
        if locked(gdb.parse_and_eval("frame_lock")) or locked(gdb.parse_and_eval("swap_lock")):
            self.transitions += 1
        self.read_index()
        self.check_frames()
        self.check_inodes()
        slots = gdb.parse_and_eval("slots")
        nslots = int(slots["nslots"])
        bits = read_pointers(u64(slots["bits"]), (nslots + 63) // 64) if nslots else []
        for p in procs_in_use():
            state = str(p["state"])
            if state == "ZOMBIE":
                continue
            if state == "USED" or locked(p["vm_lock"]):
                self.busy += 1
                continue
            tf = p["trapframe"]
            if int(tf["cause"]) == EXC_ECALL_U and int(tf["a7"]) == SYS_EXEC:
                self.transitions += 1
            self.check_process(p, nslots, bits)
        self.check_slots(nslots, bits)
        return "vmcheck: ok (%d pages, %d frames, %d swap slots checked%s)" % (
            self.pages, self.frames, self.slots,
            "; some busy, totals not compared" if self.busy or self.transitions else "")


class VmCheck(gdb.Command):
    """vmcheck: check that the SPTs, page tables, frame table, page cache and swap slots
    agree (kernel/vm/check.c's invariants); prints the first disagreement, or ok."""

    def __init__(self):
        super().__init__("vmcheck", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        try:
            print(Checker().run())
        except Disagreement as d:
            print(d)


VmCheck()
