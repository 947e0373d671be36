"""docs/gdb.md as a test: reads the walk-through's gdb session out of the document, so that the
gdb-doc test (tests/suite.py) runs exactly the commands the page shows and expects exactly the
output the page shows. Used by tests/suite.py and checked by tests/unit/test_grader.py.

The document's format (docs/gdb.md explains it to its readers too):
  - the first line of a ```sh block that starts with `make qemu-gdb` gives the boot: its
    CPUS= and ARGS= settings (nothing else may be set there);
  - in ```gdb blocks, a line starting with "(gdb) " is a command; every other non-empty line is
    output that gdb must print, in order, after that command and before the next one. A line
    "..." only tells the reader that lines were left out; "Continuing." and "Run till exit
    from ..." are printed only in an interactive session, so they are not expected;
  - in an output line the parts that change from build to build or run to run are wildcarded
    (VARYING below); everything else must match exactly.
"""
import re
import shlex

PROMPT = "(gdb) "
INTERACTIVE_ONLY = (re.compile(r"Continuing\.$"), re.compile(r"Run till exit from "))

# (what varies, the regular expression that finds it in a shown line, the regular expression
# that replaces it). Tried in this order at each position of the line; the first that matches
# wins, and the text between matches must appear literally.
VARYING = [
    ("a stack frame's argument list", r"\([^()]*\)(?= at )", r"\(.*\)"),
    ("a symbol and offset", r"<\w+(?:\+\d+)?>", r"<\w+(?:\+\d+)?>"),
    ("a kernel address", r"0xffffff[0-9a-f]{10}\b", r"0xffffff[0-9a-f]{10}"),
    ("a physical address", r"(?<=\bpa )0x[0-9a-f]+\b|(?<=-> )0x[0-9a-f]+\b", r"0x[0-9a-f]+"),
    ("a PTE's value", r"(?<=\bpte )0x[0-9a-f]{16}\b", r"0x[0-9a-f]{16}"),
    ("a source line number", r"(?<=\.[cSh]:)\d+\b|(?<=, line )\d+\b", r"\d+"),
    ("a breakpoint number", r"(?<=[Bb]reakpoint )\d+\b", r"\d+"),
    ("a value history number", r"\$\d+\b", r"\$\d+"),
    ("a frame or event number and its padding", r"#\d+ +", r"#\d+ +"),
    ("a pid and its padding", r"(?<=\bpid )\d+ *", r"\d+ *"),
    ("a swap slot number", r"(?<=\bslot) +\d+\b", r" +\d+"),
    ("the events recorded since boot", r"\d+(?= recorded since boot)", r"\d+"),
    ("where a program's segment lies in its file",
     r"(?<=\binode )\d+ offset 0x[0-9a-f]+ \(0x[0-9a-f]+ bytes for va 0x[0-9a-f]+\)",
     r"\d+ offset 0x[0-9a-f]+ \(0x[0-9a-f]+ bytes for va 0x[0-9a-f]+\)"),
    ("which inode a page-cache frame caches (the page index stays exact)",
     r"(?<=\bpage cache: inode )\d+(?= page )", r"\d+"),
    ("the offset inside a user page", r"(?<=\bva )0x[0-9a-f]+\b", None),  # see page_offset
]
_FINDER = re.compile("|".join("(%s)" % find for _, find, _ in VARYING))
USER_TOP = 0x4000000000


class DocError(Exception):
    pass


class Session:
    """What the document says: the boot (cpus, args), the commands, and the expected output
    as (command index, shown line, regular expression) triples (index -1: before any command,
    that is, what `make gdb` itself prints)."""

    def __init__(self, cpus, args, commands, expected):
        self.cpus, self.args, self.commands, self.expected = cpus, args, commands, expected


def literal(text):
    """text as a regular expression that matches just it (spaces left readable: a failure
    message shows the pattern)."""
    return re.escape(text).replace("\\ ", " ")


def page_offset(text):
    """A user address: its page must match, its offset inside the page may vary (a fault's
    address moves with the program's stack use). Other addresses stay exact."""
    value = int(text, 16)
    if value >= USER_TOP or value % 4096 == 0:
        return literal(text)
    return literal(text[:-3]) + "[0-9a-f]{3}"


def line_pattern(line):
    """The regular expression (for a whole line) that a shown output line stands for."""
    out, pos = [], 0
    for m in _FINDER.finditer(line):
        out.append(literal(line[pos:m.start()]))
        group = next(i for i, g in enumerate(m.groups()) if g is not None)
        replace = VARYING[group][2]
        out.append(page_offset(m.group()) if replace is None else replace)
        pos = m.end()
    out.append(literal(line[pos:]))
    return "".join(out)


def fenced_blocks(text):
    """[(info string, [lines])] of the document's ``` blocks."""
    blocks, current, info = [], None, None
    for line in text.split("\n"):
        if line.startswith("```"):
            if current is None:
                current, info = [], line[3:].strip()
            else:
                blocks.append((info, current))
                current = None
        elif current is not None:
            current.append(line.rstrip())
    if current is not None:
        raise DocError("a ``` block is not closed")
    return blocks


def boot_settings(blocks):
    for info, lines in blocks:
        if info != "sh":
            continue
        for line in lines:
            if line.startswith("make qemu-gdb"):
                settings = dict(word.split("=", 1) for word in shlex.split(line)[2:]
                                if "=" in word)
                unknown = set(settings) - {"CPUS", "ARGS"}
                if unknown or len(settings) != len(shlex.split(line)[2:]):
                    raise DocError("`%s`: only CPUS= and ARGS= can be given" % line)
                return int(settings.get("CPUS", "3")), settings.get("ARGS", "")
    raise DocError("no ```sh block with a `make qemu-gdb` line")


def parse(text):
    blocks = fenced_blocks(text)
    cpus, args = boot_settings(blocks)
    commands, expected = [], []
    for info, lines in blocks:
        if info != "gdb":
            continue
        for line in lines:
            if line.startswith(PROMPT):
                commands.append(line[len(PROMPT):].strip())
            elif line.strip() and line.strip() != "..." and \
                    not any(rx.match(line) for rx in INTERACTIVE_ONLY):
                expected.append((len(commands) - 1, line, line_pattern(line)))
    if not commands:
        raise DocError("no ```gdb block with (gdb) commands")
    return Session(cpus, args, commands, expected)


def load(path):
    try:
        with open(path) as f:
            return parse(f.read())
    except OSError as e:
        raise DocError("cannot read: %s" % e.strerror)


def marker(command):
    """The line the test echoes before a command, so that each command's output is checked
    between its own marker and the next one (and the log reads like the page)."""
    return PROMPT + command


def echo_command(command):
    """The gdb command that prints marker(command) on a line of its own (echo takes C escapes)."""
    return "echo %s\\n" % marker(command).replace("\\", "\\\\")


def test_commands(session):
    """The commands gdb runs: each of the document's, after an echo of its marker."""
    out = []
    for c in session.commands:
        out += [echo_command(c), c]
    return out


def test_expect(session):
    """The expected lines: what make gdb prints first, then each command's marker followed by
    the output lines shown after it."""
    out = [p for i, _, p in session.expected if i < 0]
    for i, c in enumerate(session.commands):
        out.append(literal(marker(c)))
        out += [p for j, _, p in session.expected if j == i]
    return out
