// The kernel's own symbol table (generated at link time into .ksyms by scripts/ksyms.sh), so
// that panics and backtraces name functions without a host-side tool.
#pragma once
#include "types.h"

// Finds the function containing addr. Returns 0 and sets *name and *offset, or -1.
int ksyms_lookup(uint64 addr, const char **name, uint64 *offset);
// Writes "name+0xoff" (or "?") into buf.
void ksyms_format(uint64 addr, char *buf, unsigned long size);
// Prints the call chain starting at frame pointer fp, one "#n pc name+off" line per frame.
void backtrace(uint64 fp);
// Writes the names of up to max functions of the call chain at fp, innermost first, as
// "f1 < f2 < f3" into buf (for procdump: where a sleeping process sleeps).
void backtrace_brief(uint64 fp, int max, char *buf, unsigned long size);
