# User programs and test programs; included by the top Makefile after its variables (BUILD,
# CC, Q) and used by its disk-image rule.
#   ULIB              the user library's objects (user/lib/*.c, user/lib/*.S)
#   UPROGS            user/NAME.c  -> $(BUILD)/user/NAME, installed as /NAME
#   UTESTS            tests/NAME.c -> $(BUILD)/tests/NAME, installed as /tests/NAME
#   USER_IMAGE_FILES  DEST=SRC pairs for mkfs, one per program and test
# Static pattern rules throughout, so the kernel's generic $(BUILD)/%.o rules never apply here.

UARCH := -march=rv64gc -mabi=lp64d -mcmodel=medany
UCFLAGS := $(UARCH) -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-common \
	-fno-builtin -fno-stack-protector -fno-pie -fno-omit-frame-pointer -Iuser/lib -iquote kernel -MMD -MP
# usys.S takes the system-call numbers from the kernel's header.
UASFLAGS := $(UARCH) -g -Iuser/lib -Ikernel -MMD -MP
ULDFLAGS := $(UARCH) -nostdlib -static -no-pie -Wl,--build-id=none -T user/user.ld

ULIB_C := $(sort $(wildcard user/lib/*.c))
ULIB_S := $(sort $(wildcard user/lib/*.S))
ULIB := $(patsubst %.c,$(BUILD)/%.o,$(ULIB_C)) $(patsubst %.S,$(BUILD)/%.o,$(ULIB_S))

UPROG_SRCS := $(sort $(wildcard user/*.c))
UPROGS := $(patsubst user/%.c,$(BUILD)/user/%,$(UPROG_SRCS))
UTEST_SRCS := $(sort $(wildcard tests/*.c))
UTESTS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(UTEST_SRCS))
UOBJS := $(ULIB) $(UPROGS:=.o) $(UTESTS:=.o)

USER_IMAGE_FILES := $(foreach p,$(UPROGS),/$(notdir $(p))=$(p)) \
	$(foreach t,$(UTESTS),/tests/$(notdir $(t))=$(t))

# gcc would turn the byte loops of memset/memcpy/strlen into calls to those very functions.
$(BUILD)/user/lib/string.o: UCFLAGS += -fno-tree-loop-distribute-patterns

$(patsubst %.c,$(BUILD)/%.o,$(ULIB_C)) $(UPROGS:=.o): $(BUILD)/user/%.o: user/%.c | setup
	@mkdir -p $(@D)
	@echo "  UCC     $<"
	$(Q)$(CC) $(UCFLAGS) -c $< -o $@

$(patsubst %.S,$(BUILD)/%.o,$(ULIB_S)): $(BUILD)/user/lib/%.o: user/lib/%.S | setup
	@mkdir -p $(@D)
	@echo "  UAS     $<"
	$(Q)$(CC) $(UASFLAGS) -c $< -o $@

$(UTESTS:=.o): $(BUILD)/tests/%.o: tests/%.c | setup
	@mkdir -p $(@D)
	@echo "  UCC     $<"
	$(Q)$(CC) $(UCFLAGS) -Itests -c $< -o $@

$(UPROGS): $(BUILD)/user/%: $(BUILD)/user/%.o $(ULIB) user/user.ld
	@echo "  ULD     $@"
	$(Q)$(CC) $(ULDFLAGS) -o $@ $< $(ULIB) -lgcc

$(UTESTS): $(BUILD)/tests/%: $(BUILD)/tests/%.o $(ULIB) user/user.ld
	@echo "  ULD     $@"
	$(Q)$(CC) $(ULDFLAGS) -o $@ $< $(ULIB) -lgcc

-include $(UOBJS:.o=.d)
