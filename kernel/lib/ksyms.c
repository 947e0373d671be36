// Symbol lookup and frame-pointer backtraces. The table is sorted by address; a lookup is a
// binary search. A backtrace follows the frame records gcc keeps with -fno-omit-frame-pointer
// (return address at fp-8, caller's fp at fp-16), staying inside the stack it started on.
#include "lib/ksyms.h"
#include "arch/memlayout.h"
#include "lib/printf.h"

extern const uint64 ksyms_count;
extern const uint64 ksyms_addrs[];
extern const uint32 ksyms_name_offsets[];
extern const char ksyms_names[];
extern char _kernel_start[], _etext[];
extern char boot_stack[];

int ksyms_lookup(uint64 addr, const char **name, uint64 *offset) {
  if (ksyms_count == 0 || addr < ksyms_addrs[0] || addr >= (uint64)_etext)
    return -1;
  uint64 lo = 0, hi = ksyms_count;  // invariant: addrs[lo] <= addr, addrs[hi] > addr
  while (hi - lo > 1) {
    uint64 mid = (lo + hi) / 2;
    if (ksyms_addrs[mid] <= addr)
      lo = mid;
    else
      hi = mid;
  }
  *name = &ksyms_names[ksyms_name_offsets[lo]];
  *offset = addr - ksyms_addrs[lo];
  return 0;
}

void ksyms_format(uint64 addr, char *buf, unsigned long size) {
  const char *name;
  uint64 off;
  if (ksyms_lookup(addr, &name, &off) == 0)
    snprintf(buf, size, "%s+0x%lx", name, off);
  else
    snprintf(buf, size, "?");
}

// The bounds of the kernel stack that holds fp: its kernel-stack slot, or the boot slots.
static void stack_bounds(uint64 fp, uint64 *lo, uint64 *hi) {
  if (fp >= KSTACK_REGION) {
    *lo = (fp - 1) & ~(KSTACK_SLOT - 1);
    *hi = *lo + KSTACK_SLOT;
  } else {
    *lo = (uint64)boot_stack;
    *hi = *lo + 2 * KSTACK_SLOT;
  }
}

void backtrace(uint64 fp) {
  uint64 lo, hi;
  stack_bounds(fp, &lo, &hi);
  printf("backtrace:\n");
  for (int depth = 0; depth < 40; depth++) {
    if (fp < lo + 16 || fp > hi || (fp & 7))
      return;
    uint64 ra = ((uint64 *)fp)[-1];
    uint64 prev = ((uint64 *)fp)[-2];
    if (ra < (uint64)_kernel_start || ra >= (uint64)_etext)
      return;
    char sym[96];
    // ra is the instruction after the call; name the call itself.
    ksyms_format(ra - 4, sym, sizeof(sym));
    printf("  #%d %p %s\n", depth, (void *)ra, sym);
    if (prev <= fp)
      return;  // frames must move toward the stack's top
    fp = prev;
  }
}
