# User programs and the test programs (included by the top Makefile).
#   $(UPROGS)  user/NAME.c  -> $(BUILD)/user/NAME, installed as /NAME
#   $(UTESTS)  tests/NAME.c -> $(BUILD)/tests/NAME, installed as /tests/NAME
# rv64gc with hardware floating point: the kernel saves a process's FP registers once it has
# used them.
UARCH := -march=rv64gc -mabi=lp64d -mcmodel=medany
UCFLAGS := $(UARCH) -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-common \
	-fno-builtin -fno-stack-protector -fno-pie -fno-omit-frame-pointer -Iuser/lib -Itests -MMD -MP
ULDFLAGS := $(UARCH) -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-T,user/user.ld

ULIB := $(patsubst %,$(BUILD)/%.o,$(basename $(wildcard user/lib/*.c user/lib/*.S)))
UPROGS := $(patsubst user/%.c,$(BUILD)/user/%,$(wildcard user/*.c))
UTESTS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/*.c))
USER_IMAGE_FILES := $(foreach p,$(UPROGS),/$(notdir $(p))=$(p)) \
	$(foreach t,$(UTESTS),/tests/$(notdir $(t))=$(t))

$(BUILD)/user/%.o: user/%.c | setup
	@mkdir -p $(@D)
	@echo "  UCC     $<"
	$(Q)$(CC) $(UCFLAGS) -c $< -o $@
$(BUILD)/user/lib/usys.o: user/lib/usys.S kernel/proc/syscall.h | setup
	@mkdir -p $(@D)
	@echo "  UAS     $<"
	$(Q)$(CC) $(UARCH) -Ikernel -c $< -o $@
$(BUILD)/tests/%.o: tests/%.c | setup
	@mkdir -p $(@D)
	@echo "  UCC     $<"
	$(Q)$(CC) $(UCFLAGS) -c $< -o $@

$(BUILD)/user/%: $(BUILD)/user/%.o $(ULIB) user/user.ld
	@echo "  ULD     $@"
	$(Q)$(CC) $(ULDFLAGS) -o $@ $< $(ULIB) -lgcc
$(BUILD)/tests/%: $(BUILD)/tests/%.o $(ULIB) user/user.ld
	@echo "  ULD     $@"
	$(Q)$(CC) $(ULDFLAGS) -o $@ $< $(ULIB) -lgcc

-include $(ULIB:.o=.d) $(UPROGS:=.d) $(UTESTS:=.d)
# Keep the objects: they are intermediate files to make, which would delete them.
.SECONDARY: $(ULIB) $(UPROGS:=.o) $(UTESTS:=.o)
