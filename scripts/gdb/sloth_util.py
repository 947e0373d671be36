"""What every sloth gdb command needs: reading kernel memory and values, finding processes and
the hart that gdb has selected. Imported by sloth.py and sloth_vm.py; no commands here."""
import gdb

DIRECT_MAP = 0xFFFFFFC000000000  # kernel address of physical 0 (kernel/arch/memlayout.h)
PGSIZE = 4096


def u64(value):
    return int(value) & 0xFFFFFFFFFFFFFFFF


def address(expr):
    """The value of a gdb expression (a number, a variable, a function) as an address."""
    return u64(gdb.parse_and_eval("(unsigned long)(%s)" % expr))


def read_u64(addr):
    mem = gdb.selected_inferior().read_memory(addr, 8)
    return int.from_bytes(bytes(mem), "little")


def read_pointers(addr, count):
    """count 64-bit words from addr, read in one go (one round trip, not one per word)."""
    mem = bytes(gdb.selected_inferior().read_memory(addr, 8 * count))
    return [int.from_bytes(mem[i:i + 8], "little") for i in range(0, len(mem), 8)]


def deref(addr, type_name):
    """The struct at kernel address addr, as a gdb value of type `struct type_name`."""
    return gdb.Value(addr).cast(gdb.lookup_type(type_name).pointer()).dereference()


def symbol_at(addr):
    """The name of the function at addr, or its address if it has none."""
    block = gdb.block_for_pc(addr) if addr else None
    while block is not None and block.function is None:
        block = block.superblock
    return block.function.name if block is not None else "%#x" % addr


def c_string(array):
    """A char array field (like proc.name) as a Python string."""
    raw = bytes(gdb.selected_inferior().read_memory(array.address, array.type.sizeof))
    return raw.split(b"\0", 1)[0].decode("ascii", "replace")


def procs_in_use():
    """Every struct proc in proc[] whose state is not UNUSED, as gdb values."""
    table = gdb.parse_and_eval("proc")
    low, high = table.type.range()
    return [table[i] for i in range(low, high + 1) if str(table[i]["state"]) != "UNUSED"]


def proc_label(p):
    return "pid %d (%s)" % (int(p["pid"]), c_string(p["name"]))


def selected_cpu():
    """The struct cpu of the hart gdb has selected. In the kernel tp points at it; otherwise
    (the hart is in user mode or in the firmware) match QEMU's thread number, which is the
    hart's index + 1, against cpus[i].hartid."""
    cpus = gdb.parse_and_eval("cpus")
    n = int(gdb.parse_and_eval("ncpu"))
    size = cpus[0].type.sizeof
    base = u64(cpus.address)
    tp = u64(gdb.parse_and_eval("$tp"))
    if base <= tp < base + n * size and (tp - base) % size == 0:
        return cpus[(tp - base) // size]
    hart = gdb.selected_thread().ptid[1] - 1
    for i in range(n):
        if int(cpus[i]["hartid"]) == hart:
            return cpus[i]
    return None


def current_proc():
    """The process running on the selected hart (cpus[...].proc), or None."""
    cpu = selected_cpu()
    if cpu is None or u64(cpu["proc"]) == 0:
        return None
    return cpu["proc"].dereference()
