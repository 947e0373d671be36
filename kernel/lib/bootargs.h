// Boot arguments: the kernel command line from /chosen/bootargs (QEMU's -append), as
// space-separated key=value words. Read-only after boot.
#pragma once
#include "types.h"

void bootargs_init(const char *cmdline);
const char *bootargs_line(void);
// The value of key (NULL when absent; "" for a bare word).
const char *bootarg(const char *key);
// The value of key as a number with an optional K/M/G suffix (powers of 1024), or def when
// absent or malformed (a malformed value is reported once on the console).
int64 bootarg_int(const char *key, int64 def);
