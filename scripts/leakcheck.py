"""The grader's leak check. In an init= run the kernel prints two lines (kernel/proc/leakcheck.c):

    leakcheck: at=boot kpages_free=N slab_pages=N kmalloc=16:N,...,4096:N frames=N slots=N ...
    leakcheck: at=poweroff ...

the first before /init is loaded, the second when init powers off after giving its own
program back. Every figure must be the same in both, except for the caches named in
ALLOWANCES below (the one place they are listed), and no other process may be left.
check(lines) returns "" or the reason the test fails.
"""
import re

LINE = re.compile(r"leakcheck: at=(\w+) (.*)")

# Caches that may hold memory at power-off that they did not hold at boot, without a leak.
# Each entry: (figure, cache, sign, why). The compared value of `figure` is
# figure + sign * cache, in both lines; a cache the kernel does not report counts as 0.
ALLOWANCES = [
    ("kpages_free", "slab_pages", +1,
     "kmalloc keeps each size class's last slab page even when it is empty (kernel/mm/"
     "kmalloc.c); its live objects are compared class by class in the kmalloc figures"),
    # A page cache (not written yet) that keeps file pages in frames after their processes
    # exit reports pcache_frames=N in both lines; its frames come from the page allocator.
    ("frames", "pcache_frames", -1, "frames held by the page cache"),
    ("kpages_free", "pcache_frames", +1, "pages of the page cache's frames"),
]

# Figures that are not compared as such: caches (through ALLOWANCES) and the process count
# (a separate, clearer reason).
NOT_COMPARED = {"procs"} | {cache for _, cache, _, _ in ALLOWANCES}


def parse(line):
    """The figures of one leakcheck line's text after at=: {"kpages_free": 31000, ...,
    "kmalloc:64": 3, ...}. Raises ValueError on a malformed field."""
    figures = {}
    for field in line.split():
        name, sep, value = field.partition("=")
        if not sep or not name:
            raise ValueError("malformed field %r" % field)
        if name == "kmalloc":
            for pair in value.split(","):
                size, sep, count = pair.partition(":")
                if not sep:
                    raise ValueError("malformed kmalloc entry %r" % pair)
                figures["kmalloc:" + size] = int(count)
        else:
            figures[name] = int(value)
    return figures


def find_lines(lines):
    """{"boot": figures, "poweroff": figures} from the console lines (the last of each)."""
    found = {}
    for line in lines:
        m = LINE.fullmatch(line.strip())
        if m:
            found[m.group(1)] = parse(m.group(2))
    return found


def adjusted(figures, caches):
    """The compared figures: {label: value}, where a figure that the caches (those reported
    in either line) allow for is labelled with them, e.g. "kpages_free + slab_pages"."""
    out = {}
    for name, value in figures.items():
        if name in NOT_COMPARED:
            continue
        label = name
        for figure, cache, sign, _ in ALLOWANCES:
            if figure == name and cache in caches:
                value += sign * figures.get(cache, 0)
                label += (" + " if sign > 0 else " - ") + cache
        out[label] = value
    return out


def describe(label):
    if label.startswith("kmalloc:"):
        size = label.split(":", 1)[1]
        return "kmalloc %s-byte objects" % size if size != "4096" else "kmalloc whole pages"
    return label


def compare(boot, poweroff):
    """The reason the two sets of figures show a leak, or ""."""
    if poweroff.get("procs", 0):
        return ("leak check: %d other processes still exist at power-off (a test that means "
                "to leave them sets leakcheck=False in tests/suite.py)" % poweroff["procs"])
    caches = {c for _, c, _, _ in ALLOWANCES if c in boot or c in poweroff}
    a, b = adjusted(boot, caches), adjusted(poweroff, caches)
    if set(a) != set(b):
        return "leak check: the two lines name different figures: %s" % \
            ", ".join(sorted(set(a) ^ set(b)))
    diffs = ["%s %d -> %d (%+d)" % (describe(k), a[k], b[k], b[k] - a[k])
             for k in a if a[k] != b[k]]
    if diffs:
        return "leak: " + ", ".join(diffs) + " from boot to power-off"
    return ""


def check(lines):
    """"" when both leakcheck lines are there and agree; else the reason."""
    try:
        found = find_lines(lines)
    except ValueError as e:
        return "leak check: unreadable leakcheck line: %s" % e
    for at in ("boot", "poweroff"):
        if at not in found:
            return "leak check: no 'leakcheck: at=%s' line" % at
    return compare(found["boot"], found["poweroff"])
