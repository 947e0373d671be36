#!/usr/bin/env python3
"""Belady's OPT, and FIFO and LRU for reference, on a page reference string.

A fault (a miss) is a reference to a page that is not resident; every policy here starts with
no page resident, so the first reference to each page is a fault too (a "cold" fault), as in
the textbooks. scripts/bench.py subtracts the cold faults to compare with the kernel.

OPT: on a fault with every frame full, evict the resident page whose next reference lies
farthest in the future (or never comes). No policy faults less on the same string.

    scripts/opt.py FRAMES PAGE...   faults of OPT, FIFO and LRU with FRAMES frames
                                    (a PAGE may be a run "a-b", as bench-swap prints them)
    scripts/opt.py --self-test      the checks `make grade` runs (unit-opt): textbook strings
                                    with known answers, and OPT against an exhaustive search
                                    over every eviction choice on small random strings
"""
import collections
import functools
import heapq
import random
import sys

FNV_OFFSET = 0xcbf29ce484222325
FNV_PRIME = 0x100000001b3
MASK64 = (1 << 64) - 1


def opt_faults(refs, frames):
    """Faults of Belady's OPT with `frames` frames."""
    n = len(refs)
    next_use = [0] * n  # position of the next reference to refs[i]'s page; n + i if none
    later = {}
    for i in range(n - 1, -1, -1):
        next_use[i] = later.get(refs[i], n + i)
        later[refs[i]] = i
    resident = {}  # page -> position of its next reference
    farthest = []  # heap of (-next reference, page); entries go stale as pages are used
    faults = 0
    for i, page in enumerate(refs):
        if page not in resident:
            faults += 1
            if len(resident) == frames:
                while True:
                    use, victim = heapq.heappop(farthest)
                    if resident.get(victim) == -use:
                        break
                del resident[victim]
        resident[page] = next_use[i]
        heapq.heappush(farthest, (-next_use[i], page))
    return faults


def fifo_faults(refs, frames):
    """Faults of FIFO: evict the page that was loaded first."""
    queue, resident, faults = collections.deque(), set(), 0
    for page in refs:
        if page not in resident:
            faults += 1
            if len(resident) == frames:
                resident.remove(queue.popleft())
            queue.append(page)
            resident.add(page)
    return faults


def lru_faults(refs, frames):
    """Faults of LRU: evict the page referenced least recently."""
    recent, faults = collections.OrderedDict(), 0
    for page in refs:
        if page in recent:
            recent.move_to_end(page)
            continue
        faults += 1
        if len(recent) == frames:
            recent.popitem(last=False)
        recent[page] = True
    return faults


def parse_refs(tokens):
    """Page numbers from tokens: "7" is page 7, "3-6" is pages 3, 4, 5, 6."""
    refs = []
    for t in tokens:
        first, _, last = t.partition("-")
        refs.extend(range(int(first), int(last or first) + 1))
    return refs


def refs_hash(refs):
    """FNV-1a over the page numbers as 64-bit values: user/bench-swap.c's ref_hash."""
    h = FNV_OFFSET
    for page in refs:
        h = ((h ^ page) * FNV_PRIME) & MASK64
    return h


def fewest_faults(refs, frames):
    """The fewest faults any policy can have: every eviction choice tried (small strings)."""
    @functools.lru_cache(maxsize=None)
    def best(i, resident):
        if i == len(refs):
            return 0
        page = refs[i]
        if page in resident:
            return best(i + 1, resident)
        if len(resident) < frames:
            return 1 + best(i + 1, resident | {page})
        return 1 + min(best(i + 1, (resident - {v}) | {page}) for v in resident)
    return best(0, frozenset())


class Checks:
    def __init__(self):
        self.n = 0

    def check(self, cond, what):
        self.n += 1
        if not cond:
            print("opt: FAIL: " + what)
            sys.exit(1)


def self_test():
    c = Checks()
    # Silberschatz's string: OPT 9, FIFO 15, LRU 12 with 3 frames.
    text = [7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1]
    for name, policy, want in (("OPT", opt_faults, 9), ("FIFO", fifo_faults, 15),
                               ("LRU", lru_faults, 12)):
        got = policy(text, 3)
        c.check(got == want, "%s on the textbook string with 3 frames: %d faults, expected %d"
                % (name, got, want))
    # Belady's anomaly: FIFO faults more with 4 frames (10) than with 3 (9); OPT and LRU
    # do not (OPT 7 and 6, LRU 10 and 8).
    belady = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5]
    for name, policy, want3, want4 in (("FIFO", fifo_faults, 9, 10), ("OPT", opt_faults, 7, 6),
                                       ("LRU", lru_faults, 10, 8)):
        got = (policy(belady, 3), policy(belady, 4))
        c.check(got == (want3, want4), "%s on Belady's string with 3 and 4 frames: %s faults, "
                "expected %s" % (name, got, (want3, want4)))
    # A loop one page larger than memory, 4 sweeps of 5 pages with 4 frames: LRU and FIFO
    # fault on every reference; OPT on the 5 cold ones and then once every 4 references (at
    # references 8, 12 and 16, counting from 0), 8 in all (worked by hand).
    loop = list(range(5)) * 4
    c.check(lru_faults(loop, 4) == 20 and fifo_faults(loop, 4) == 20,
            "LRU/FIFO on a 5-page loop with 4 frames do not fault on every reference")
    c.check(opt_faults(loop, 4) == 8, "OPT on a 5-page loop with 4 frames: %d faults, "
            "expected 8" % opt_faults(loop, 4))
    # Edge cases: no references, enough frames for everything.
    for policy in (opt_faults, fifo_faults, lru_faults):
        c.check(policy([], 3) == 0, "%s of an empty string is not 0" % policy.__name__)
        c.check(policy(text, 6) == 6, "%s with a frame for each of 6 pages is not 6 (cold only)"
                % policy.__name__)
    # OPT is optimal: it matches an exhaustive search over every eviction on random strings,
    # and never faults more than FIFO or LRU.
    rnd = random.Random(17)
    for trial in range(300):
        refs = [rnd.randrange(rnd.randint(2, 6)) for _ in range(rnd.randint(0, 14))]
        frames = rnd.randint(1, 4)
        best, got = fewest_faults(refs, frames), opt_faults(refs, frames)
        c.check(got == best, "OPT on %s with %d frames: %d faults, the best possible is %d"
                % (refs, frames, got, best))
        c.check(got <= fifo_faults(refs, frames) and got <= lru_faults(refs, frames),
                "OPT faults more than FIFO or LRU on %s with %d frames" % (refs, frames))
    # The token format bench-swap prints.
    c.check(parse_refs("0-3 7 9-10".split()) == [0, 1, 2, 3, 7, 9, 10],
            "parse_refs('0-3 7 9-10') is %s" % parse_refs("0-3 7 9-10".split()))
    c.check(refs_hash([]) == FNV_OFFSET and refs_hash([1]) == ((FNV_OFFSET ^ 1) * FNV_PRIME)
            & MASK64, "refs_hash is not FNV-1a over 64-bit page numbers")
    print("opt: %d checks passed" % c.n)


def main():
    if sys.argv[1:] == ["--self-test"]:
        self_test()
        return
    if len(sys.argv) < 2 or not sys.argv[1].isdigit():
        print(__doc__.strip())
        sys.exit(2)
    frames, refs = int(sys.argv[1]), parse_refs(sys.argv[2:])
    print("%d references, %d pages, %d frames: OPT %d, FIFO %d, LRU %d faults" % (
        len(refs), len(set(refs)), frames, opt_faults(refs, frames),
        fifo_faults(refs, frames), lru_faults(refs, frames)))


if __name__ == "__main__":
    main()
