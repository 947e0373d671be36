# sloth: build, run, debug and grade.
#   make                 build everything (kernel; later the disk image and user programs)
#   make qemu            boot in QEMU (CPUS=3 MEM=128M by default; ARGS="..." adds boot arguments)
#   make qemu-gdb        boot, waiting for gdb;   make gdb   attach gdb to it
#   make grade           build and run every test (TESTS="boot smp" for a subset)
#   make OPT=2 ...       an -O2 build without debug checks (for benchmarks), in build/O2
#   make failinject      the long fault-injection campaign (BOOTS=300 SEED=... JOBS=...)
#   make bench           user/bench.c and the swap runs of user/bench-swap.c on the OPT=2 build,
#                        with Belady's OPT from scripts/opt.py (RUNS=3: min/median/max, rows
#                        whose runs differ flagged)
#   make profile         where a fault's instructions go, stage by stage (build/P)
#   make stress RUNS=20  the swap, pressure and SMP tests on random machines, 3 harts
#   make fuzz            system-call fuzzing: SEEDS boots (seeds SEED, SEED+1, ...; RANDOM=1 for
#                        random ones) of CALLS calls each on CPUS harts, JOBS boots at once
#   make crash           crash consistency: CRASHES power cuts during a file-heavy workload
#   make V=1 ...         show the full commands
#   make doctor          check the toolchain, QEMU and OpenSBI
#   make compile_commands.json   for clangd
# Missing tools are installed with apt-get on first use (scripts/setup.sh).

CPUS ?= 3
MEM ?= 128M
ARGS ?=
OPT ?= g
# PROFILE=1: the -O2 build with the fault path's stage marks (kernel/vm/profile.h), in build/P.
PROFILE ?=
ifeq ($(PROFILE),1)
OPT := 2
BUILD := build/P
else
BUILD := build/O$(OPT)
endif
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

# The cross toolchain, OpenSBI and gdb, as scripts/setup.sh finds them: the first of the
# prefixes riscv64-unknown-elf- (Debian, Ubuntu), riscv64-linux-gnu- (Debian, Ubuntu, Fedora),
# riscv64-elf- (Arch, Homebrew) whose gcc is installed; fw_dynamic.bin where Debian, Fedora,
# Arch or Homebrew install it, else "default" (QEMU's own copy of OpenSBI); gdb-multiarch or
# a RISC-V gdb. TOOLPREFIX=, OPENSBI= or GDB= on the command line overrides each.
ifeq ($(origin TOOLPREFIX),undefined)
TOOLPREFIX := $(shell scripts/setup.sh --toolprefix)
endif
ifeq ($(origin OPENSBI),undefined)
OPENSBI := $(shell scripts/setup.sh --opensbi)
endif
ifeq ($(origin GDB),undefined)
GDB := $(shell scripts/setup.sh --gdb)
endif
CC := $(TOOLPREFIX)gcc
NM := $(TOOLPREFIX)nm
OBJDUMP := $(TOOLPREFIX)objdump
QEMU := qemu-system-riscv64
HOSTCC := cc
PYTHON := python3

# -misa-spec=2.2 -march=rv64imac: integer-only kernel (no FP registers to save for itself)
# that still links with libgcc: spelt rv64imac_zicsr_zifencei instead, gcc 12 picks the lp64d
# libgcc and the link fails (docs/syscalls.md, "Writing a program").
KARCH := -misa-spec=2.2 -march=rv64imac -mabi=lp64 -mcmodel=medany
KCFLAGS := $(KARCH) -std=gnu11 -O$(OPT) -g -Wall -Wextra -Werror \
	-ffreestanding -fno-common -fno-builtin -fno-stack-protector -fno-pie \
	-fno-omit-frame-pointer -fno-optimize-sibling-calls -fno-tree-loop-distribute-patterns \
	-fno-asynchronous-unwind-tables -Ikernel -MMD -MP
ifeq ($(OPT),g)
KCFLAGS += -DKDEBUG
endif
# The benchmark build counts the instructions of swap-ins and evictions (kernel/vm/profile.h).
ifeq ($(OPT),2)
KCFLAGS += -DVM_PROFILE
endif
ifeq ($(PROFILE),1)
KCFLAGS += -DVM_PROFILE_STAGES
endif
KLDFLAGS := $(KARCH) -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-T,kernel.ld
# libgcc for the kernel's ABI, if the toolchain has one (the kernel's own kernel/lib/libgcc.c
# defines the routines it needs; a toolchain without a libgcc for it links without).
KLIBGCC = $(wildcard $(shell $(CC) $(KARCH) -print-libgcc-file-name 2>/dev/null))

KSRCS := $(sort $(wildcard kernel/*.c kernel/*/*.c kernel/*/*.S))
KOBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(KSRCS)))
KERNEL := $(BUILD)/kernel.elf

UNIT_CFLAGS := -std=gnu11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	-Wall -Wextra -Werror -Ikernel

# The disk image: a GPT with the file system (user programs at /, tests in /tests, this
# README) and a swap partition. Sizes in MiB.
FS_SIZE ?= 64
SWAP_SIZE ?= 32
DISK := $(BUILD)/disk.img

GDBPORT := $(shell expr `id -u` % 5000 + 25000)
QEMUOPTS = -machine virt -bios $(OPENSBI) -kernel $(KERNEL) -m $(MEM) -smp $(CPUS) -nographic \
	-global virtio-mmio.force-legacy=false \
	-drive file=$(DISK),if=none,format=raw,id=disk0 -device virtio-blk-device,drive=disk0
ifneq ($(strip $(ARGS)),)
QEMUOPTS += -append "$(ARGS)"
endif

.PHONY: all qemu qemu-gdb gdb grade unit doctor setup clean bench stress profile fuzz crash failinject
.DEFAULT_GOAL := all

all: $(KERNEL) $(DISK)

include mkfs/mkfs.mk
include user/user.mk

# disk.img is the one make qemu boots (and changes, like a real disk); grade.img is the
# same image kept pristine for the tests.
$(DISK) $(BUILD)/grade.img: $(MKFS) $(UPROGS) $(UTESTS) README.md Makefile
	@echo "  MKFS    $@"
	$(Q)$(MKFS) --fs-size $(FS_SIZE) --swap-size $(SWAP_SIZE) $@ /README=README.md \
		$(USER_IMAGE_FILES)

# Checks (and on first use installs) the toolchain; cheap enough to run on every make.
SETUP_ENV := TOOLPREFIX=$(TOOLPREFIX) OPENSBI=$(OPENSBI) GDB=$(GDB)
setup:
	@$(SETUP_ENV) scripts/setup.sh

doctor:
	@$(SETUP_ENV) scripts/setup.sh --doctor

$(BUILD)/%.o: %.c | setup
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/%.o: %.S | setup
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

# Two links: the first without symbols gives the addresses for .ksyms; .ksyms comes last in
# the image, so the second link moves nothing (checked below).
$(BUILD)/kernel.nosyms: $(KOBJS) $(BUILD)/ksyms-empty.o kernel.ld
	@echo "  LD      $@"
	$(Q)$(CC) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/ksyms-empty.o $(KLIBGCC)

$(BUILD)/ksyms-empty.S: scripts/ksyms.sh | setup
	@mkdir -p $(@D)
	$(Q)scripts/ksyms.sh $(NM) > $@

$(BUILD)/ksyms.S: $(BUILD)/kernel.nosyms scripts/ksyms.sh
	$(Q)scripts/ksyms.sh $(NM) $< > $@

$(BUILD)/ksyms.o $(BUILD)/ksyms-empty.o: %.o: %.S
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(KERNEL): $(BUILD)/kernel.nosyms $(BUILD)/ksyms.o
	@echo "  LD      $@"
	$(Q)$(CC) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/ksyms.o $(KLIBGCC)
	@scripts/ksyms.sh $(NM) $@ | cmp -s - $(BUILD)/ksyms.S || \
		{ echo "ksyms: symbols moved between the two links"; rm -f $@; exit 1; }
	$(Q)$(OBJDUMP) -S $@ > $(BUILD)/kernel.asm

qemu: $(KERNEL) $(DISK)
	$(QEMU) $(QEMUOPTS)

qemu-gdb: $(KERNEL) $(DISK)
	@echo "*** QEMU waits for gdb on port $(GDBPORT): run 'make gdb' in another terminal"
	$(QEMU) $(QEMUOPTS) -S -gdb tcp::$(GDBPORT)

gdb: $(KERNEL)
	@$(SETUP_ENV) scripts/setup.sh gdb
	SLOTH_KERNEL=$(KERNEL) SLOTH_GDB_PORT=$(GDBPORT) $(GDB) -q -nx -x .gdbinit

# Host unit tests: pure kernel data structures compiled for the host with sanitizers.
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))
# The kernel sources each test is built with (besides tests/unit/NAME.c and unit.h).
UNIT_SRCS_test_fdt := kernel/lib/fdt.c kernel/lib/machine.c
UNIT_SRCS_test_gpt := kernel/dev/gpt.c kernel/lib/crc32.c
UNIT_SRCS_test_spt := kernel/vm/spt.c
UNIT_SRCS_test_swap_slots := kernel/vm/slots.c
UNIT_SRCS_test_victim := kernel/vm/victim.c
UNIT_SRCS_test_string := kernel/lib/string.c
# Extra flags per test. test_string: the kernel's string functions get their own names
# (memset -> kstr_memset, ...) so that the host C library's stay out of the way, and gcc
# must neither inline its builtins for them nor turn their loops into library calls.
STRING_FUNCS := memset memcpy memmove memcmp strlen strnlen strcmp strncmp strchr strlcpy
UNIT_FLAGS_test_string := -fno-builtin -fno-tree-loop-distribute-patterns \
	$(foreach f,$(STRING_FUNCS),-D$(f)=kstr_$(f))
.SECONDEXPANSION:
$(UNIT_TESTS): $(BUILD)/unit/%: tests/unit/%.c tests/unit/unit.h $$(UNIT_SRCS_%) | setup
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) $(UNIT_FLAGS_$*) -o $@ $(filter %.c,$^)

# Device trees QEMU itself produces, for test_fdt.
DTBS := $(foreach m,128M 2G,$(foreach s,1 3 8,$(BUILD)/unit/dtb/virt-$(m)-$(s).dtb))
$(BUILD)/unit/dtb/virt-%.dtb: | setup
	@mkdir -p $(@D)
	$(Q)$(QEMU) -machine virt,dumpdtb=$@ -m $(word 1,$(subst -, ,$*)) -smp $(word 2,$(subst -, ,$*)) \
		-nographic </dev/null >/dev/null 2>&1
unit: $(UNIT_TESTS) $(DTBS) $(MKFS) $(FSCK)

# For the gpt-corrupt test: one byte changed in each GPT header (primary and backup).
$(BUILD)/gpt-corrupt.img: $(BUILD)/grade.img
	$(Q)cp $< $@
	$(Q)$(PYTHON) -c 'import os,sys; f=open(sys.argv[1],"r+b"); n=os.path.getsize(sys.argv[1]); \
		[(f.seek(o), f.write(b"\xff")) for o in (512 + 20, n - 512 + 20)]' $@

grade: $(KERNEL) $(BUILD)/grade.img $(BUILD)/gpt-corrupt.img unit
	@$(PYTHON) scripts/grade.py --build $(BUILD) --qemu "$(QEMU)" --bios $(OPENSBI) --gdb $(GDB) \
		--results build $(TESTS)

# The long fault-injection campaign (scripts/failcampaign.py): BOOTS boots of the VM and
# file-system tests and of tests/fail-stress with random fault injection from SEED (the
# clock's by default; printed), JOBS at a time; FIRST=N starts at boot N of the seed's plan;
# SITES="kalloc kmalloc" fails only those sites.
# SEED, JOBS and FIRST are shared by the campaigns (failinject, stress, fuzz, crash); left
# empty, each takes its own default.
BOOTS ?= 300
SEED ?=
JOBS ?=
FIRST ?= 0
SITES ?=
failinject: $(KERNEL) $(BUILD)/grade.img $(FSCK)
	@$(PYTHON) scripts/failcampaign.py --build $(BUILD) --qemu "$(QEMU)" --bios $(OPENSBI) \
		--boots $(BOOTS) --first $(FIRST) $(if $(SEED),--seed $(SEED)) $(if $(JOBS),--jobs $(JOBS)) \
		$(if $(SITES),--sites $(SITES))

# The benchmark always runs on the -O2 build, whatever OPT says: a make of build/O2, then
# scripts/bench.py boots it with -icount shift=0 on one hart (init=/bench once, and
# init=/bench-swap with frames= 64, 128, 256 under evict=clock and evict=fifo), runs OPT on
# the reference strings bench-swap prints, and prints the tables.
RUNS ?= 1
# make stress RUNS=20: the swap, pressure and SMP tests RUNS times each on 3 harts, every run
# with frames=, evict=, cow= and prezero= drawn from its seed (scripts/stress.py); SEED=S
# starts from S (default 1, as make fuzz); SEED=S REPLAY=1 TESTS=NAME replays one run.
REPLAY ?=
stress: $(KERNEL) $(BUILD)/grade.img
	@$(PYTHON) scripts/stress.py --build $(BUILD) --qemu "$(QEMU)" --bios $(OPENSBI) --gdb $(GDB) \
		--runs $(RUNS) $(if $(REPLAY),--replay $(SEED),--seed $(or $(SEED),1)) $(TESTS)

# make profile: where a fault's instructions go, stage by stage (a zero-fill fault, a file
# read, a page-cache hit, a private copy), from the build with stage marks (build/P) booted
# beside the plain -O2 build, whose totals calibrate away the marks' own cost.
profile:
	$(Q)$(MAKE) --no-print-directory OPT=2 all build/O2/grade.img
	$(Q)$(MAKE) --no-print-directory PROFILE=1 all build/P/grade.img
	@$(PYTHON) scripts/bench.py --build build/O2 --qemu "$(QEMU)" --bios $(OPENSBI) --no-swap \
		--stages build/P

bench:
	$(Q)$(MAKE) --no-print-directory OPT=2 all build/O2/grade.img
	@$(PYTHON) scripts/bench.py --build build/O2 --qemu "$(QEMU)" --bios $(OPENSBI) --runs $(RUNS)

# System-call fuzzing (tests/fuzz.c, scripts/fuzz.py): every boot on a fresh copy of the
# test image, checked with fsck afterwards. ARGS adds boot arguments (e.g. frames=512).
SEEDS ?= 10
CALLS ?= 20000
fuzz: $(KERNEL) $(BUILD)/grade.img $(FSCK)
	@$(PYTHON) scripts/fuzz.py --build $(BUILD) --qemu "$(QEMU)" --bios $(OPENSBI) \
		--seeds $(SEEDS) --first $(or $(SEED),1) --calls $(CALLS) --cpus $(CPUS) \
		--jobs $(or $(JOBS),1) \
		$(if $(filter 1,$(RANDOM)),--random) --args "$(ARGS)"

# Crash consistency (tests/crash-load.c, scripts/crash.py): CRASHES power cuts, at commit
# points and by the clock, each checked by fsck and by a second boot. SEED picks the points;
# FIRST=I CRASHES=1 runs point I alone.
CRASHES ?= 100
crash: $(KERNEL) $(BUILD)/grade.img $(FSCK)
	@$(PYTHON) scripts/crash.py --build $(BUILD) --qemu "$(QEMU)" --bios $(OPENSBI) \
		--crashes $(CRASHES) --seed $(or $(SEED),1) --first $(FIRST) --cpus $(CPUS) \
		--jobs $(or $(JOBS),1)

compile_commands.json: | setup
	@$(SETUP_ENV) scripts/setup.sh bear
	bear --output $@ -- $(MAKE) -B all unit

clean:
	rm -rf build compile_commands.json

-include $(KOBJS:.o=.d)
