# The host tools for the disk image (included by the top Makefile, which defines BUILD,
# HOSTCC, Q and the `setup` target).
#   $(MKFS)  writes the image: protective MBR, GPT, file system, swap (mkfs/mkfs.c)
#   $(FSCK)  checks an image's file system, lists it, prints a file (mkfs/fsck.c); it finds
#            the partition with the kernel's own GPT parser, kernel/dev/gpt.c
# Tested by tests/unit/test_mkfs.sh MKFS FSCK WORKDIR.
MKFS := $(BUILD)/mkfs/mkfs
FSCK := $(BUILD)/mkfs/fsck
MKFS_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Ikernel
MKFS_HEADERS := kernel/types.h kernel/fs/fs_format.h kernel/lib/crc32.h

$(MKFS): mkfs/mkfs.c kernel/lib/crc32.c $(MKFS_HEADERS) | setup
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(MKFS_CFLAGS) -o $@ $(filter %.c,$^)

$(FSCK): mkfs/fsck.c kernel/dev/gpt.c kernel/lib/crc32.c $(MKFS_HEADERS) kernel/dev/gpt.h | setup
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(MKFS_CFLAGS) -o $@ $(filter %.c,$^)
