// Symbol lookup and frame-pointer backtraces. The table is sorted by address; a lookup is a
// binary search. A backtrace follows the frame records gcc keeps with -fno-omit-frame-pointer
// (return address at fp-8, caller's fp at fp-16), staying inside the stack it started on.
#include "lib/ksyms.h"
#include "arch/memlayout.h"
#include "arch/trap.h"
#include "lib/printf.h"
#include <stddef.h>

extern const uint64 ksyms_count;
extern const uint64 ksyms_addrs[];
extern const uint32 ksyms_name_offsets[];
extern const char ksyms_names[];
extern char _kernel_start[], _etext[];
extern char boot_stack[];
extern char kernelvec[], kernelvec_end[];

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

static int in_text(uint64 a) { return a >= (uint64)_kernel_start && a < (uint64)_etext; }

static void print_frame(int depth, uint64 pc, const char *note) {
  char sym[96];
  ksyms_format(pc, sym, sizeof(sym));
  printf("  #%d %p %s%s\n", depth, (void *)pc, sym, note);
}

// Walks frame records from fp. A record whose return address lies in kernelvec is a trap
// frame (kernelvec links one in, see trapvec.S): its "return address" is the exact pc that
// trapped, and if the trapped function was a leaf (gcc then saves only s0, at fp-8) its
// caller is found through the ra register saved in the trap frame.
void backtrace(uint64 fp) {
  uint64 lo, hi, last_pc = 0;
  int repeats = 0, after_trap = 0;
  stack_bounds(fp, &lo, &hi);
  printf("backtrace:\n");
  for (int depth = 0; depth < 64; depth++) {
    if (fp < lo + 16 || fp > hi || (fp & 7))
      break;
    uint64 ra = ((uint64 *)fp)[-1], prev = ((uint64 *)fp)[-2];
    uint64 pc = after_trap ? ra : ra - 4;  // name the call instruction, not the one after it
    if (!in_text(ra))
      break;
    if (pc == last_pc && repeats++ < 1000) {
      depth--;
      fp = prev;
      continue;
    }
    if (repeats)
      printf("       ... the same frame %d more times\n", repeats);
    repeats = 0;
    last_pc = pc;
    print_frame(depth, pc, after_trap ? "  <- trap" : "");
    if (after_trap) {
      const struct trapframe *tf = (const struct trapframe *)(fp - offsetof(struct trapframe, pad));
      uint64 below = prev >= lo + 16 && prev <= hi ? ((uint64 *)prev)[-1] : 0;
      if (!in_text(below) && below > prev && below <= hi && in_text(tf->ra)) {
        print_frame(++depth, tf->ra - 4, "  (caller of a leaf function)");
        prev = below;  // the leaf's record holds only its caller's fp
      }
    }
    after_trap = ra >= (uint64)kernelvec && ra < (uint64)kernelvec_end;
    if (prev <= fp)
      break;  // frames must move toward the stack's top
    fp = prev;
  }
  if (repeats)
    printf("       ... the same frame %d more times\n", repeats);
}

void backtrace_brief(uint64 fp, int max, char *buf, unsigned long size) {
  uint64 lo, hi, n = 0;
  stack_bounds(fp, &lo, &hi);
  buf[0] = 0;
  for (int depth = 0; depth < max; depth++) {
    if (fp < lo + 16 || fp > hi || (fp & 7))
      break;
    uint64 ra = ((uint64 *)fp)[-1], prev = ((uint64 *)fp)[-2];
    const char *name;
    uint64 off;
    if (!in_text(ra) || ksyms_lookup(ra - 4, &name, &off) < 0)
      break;
    n += snprintf(buf + n, size - n, "%s%s", depth ? " < " : "", name);
    if (n >= size || prev <= fp)
      break;
    fp = prev;
  }
}
