# sloth's gdb set-up. `make gdb` runs gdb-multiarch -nx -x .gdbinit (so gdb's auto-load
# safe-path never gets in the way) with SLOTH_KERNEL and SLOTH_GDB_PORT set; it loads the
# kernel's symbols and the helpers in scripts/gdb/sloth.py, connects to `make qemu-gdb` and
# runs to boot_main. Type `sloth-help` for the helper commands.
set confirm off
set pagination off
set print pretty on
set architecture riscv:rv64
python
import os
gdb.execute("file " + os.environ.get("SLOTH_KERNEL", "build/Og/kernel.elf"))
gdb.execute("source scripts/gdb/sloth.py")
port = os.environ.get("SLOTH_GDB_PORT")
if port:
    gdb.execute("target remote localhost:" + port)
    # A hardware breakpoint: the kernel runs at upper-half addresses that are not mapped
    # while QEMU waits at the reset vector, so a software breakpoint cannot be written yet.
    gdb.execute("thbreak boot_main")
    gdb.execute("continue")
end
