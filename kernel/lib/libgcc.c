// The libgcc routines the kernel's code calls, defined here so that the kernel links with any
// riscv64 gcc: Debian's riscv64-linux-gnu-gcc has no multilibs and ships libgcc only for the
// lp64d ABI, and the kernel is lp64 (soft-float calling convention), which ld refuses to mix
// ("can't link double-float modules with soft-float modules"). The Makefile still links the
// toolchain's libgcc after the kernel's objects when there is one, so a routine defined here
// is taken from here and any other from libgcc. Without the Zbb extension gcc turns
// __builtin_ctzl into a call to __ctzdi2 (vm/slots.c).

int __ctzdi2(unsigned long x);

// The number of trailing zero bits of x (x != 0, as for __builtin_ctzl): a binary search,
// halving the width that may still hold the lowest set bit.
int __ctzdi2(unsigned long x) {
  int n = 0;
  for (int width = 32; width > 0; width /= 2) {
    unsigned long low = (1UL << width) - 1;
    if ((x & low) == 0) {
      n += width;
      x >>= width;
    }
  }
  return n;
}
