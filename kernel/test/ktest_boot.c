// Boot-time tests. boot: the machine the kernel saw (memory, harts) and the kernel page
// table's permissions. smp: every hart came online and takes timer interrupts. panic: a
// deliberate panic from a known call chain, for the grader to check the backtrace.
#include "test/ktest.h"
#include "arch/cpu.h"
#include "arch/memlayout.h"
#include "arch/pagetable.h"
#include "arch/riscv.h"
#include "arch/timer.h"
#include "main.h"
#include "lib/printf.h"

extern char _kernel_start[], _etext[], _erodata[], _edata[];

// Counts leaves of a page-table subtree that are both writable and executable.
static int count_wx(pagetable_t pt, int level) {
  int bad = 0;
  for (int i = 0; i < 512; i++) {
    pte_t pte = pt[i];
    if (!(pte & PTE_V))
      continue;
    if (pte & PTE_LEAF)
      bad += (pte & PTE_W) && (pte & PTE_X);
    else if (level > 0)
      bad += count_wx(pa2kva(PTE2PA(pte)), level - 1);
  }
  return bad;
}

// The permission bits of the 4 KiB kernel mapping of va (0 when not mapped that way).
static uint64 kernel_perm(void *va) {
  pte_t *pte = walk(kernel_pagetable, (uint64)va, 0);
  return pte ? *pte & (PTE_R | PTE_W | PTE_X) : 0;
}

int ktest_boot(void) {
  int ok = 1;
  uint64 ram = 0;
  for (int i = 0; i < machine.nmem; i++)
    ram += machine.mem[i].size;
  printf("boot: memory seen: %lu MiB\n", ram >> 20);
  printf("boot: harts in the device tree: %d\n", machine.nharts);
  int wx = count_wx(kernel_pagetable, 2);
  printf("boot: kernel mappings both writable and executable: %d\n", wx);
  ok &= wx == 0;
  struct {
    const char *what;
    void *va;
    uint64 want;
  } sections[] = {
    {"text", _kernel_start, PTE_R | PTE_X},
    {"rodata", _etext, PTE_R},
    {"data", _erodata, PTE_R | PTE_W},
  };
  for (unsigned i = 0; i < ARRAY_SIZE(sections); i++) {
    uint64 got = kernel_perm(sections[i].va);
    int good = got == sections[i].want;
    printf("boot: kernel %s is %s%s%s: %s\n", sections[i].what, got & PTE_R ? "r" : "-",
           got & PTE_W ? "w" : "-", got & PTE_X ? "x" : "-", good ? "ok" : "WRONG");
    ok &= good;
  }
  return ok ? 0 : -1;
}

#define SMP_MIN_TICKS 5
#define SMP_WAIT_SECONDS 10

int ktest_smp(void) {
  uint64 deadline = r_time() + SMP_WAIT_SECONDS * timer_timebase_hz();
  int done = 0;
  while (!done && r_time() < deadline) {
    done = 1;
    for (int i = 0; i < ncpu; i++)
      done &= cpus[i].online && cpus[i].ticks >= SMP_MIN_TICKS;
  }
  int ok = 1;
  for (int i = 0; i < ncpu; i++) {
    int good = cpus[i].online && cpus[i].ticks >= SMP_MIN_TICKS;
    printf("smp: hart %lu: %s, %s\n", cpus[i].hartid, cpus[i].online ? "online" : "NOT ONLINE",
           cpus[i].ticks >= SMP_MIN_TICKS ? "takes timer interrupts" : "NO TIMER INTERRUPTS");
    ok &= good;
  }
  if (ncpu != machine.nharts) {
    printf("smp: the device tree lists %d harts, %d in use\n", machine.nharts, ncpu);
    ok = 0;
  }
  if (ok)
    printf("smp: %d of %d harts online and ticking\n", ncpu, machine.nharts);
  return ok ? 0 : -1;
}

// Separate, never-inlined functions so the backtrace has known names to show.
__attribute__((noinline)) static void deliberate_panic_inner(int depth) {
  panic("deliberate panic requested by test=panic (depth %d)", depth);
}

__attribute__((noinline)) static void deliberate_panic_outer(int depth) {
  deliberate_panic_inner(depth + 1);
  asm volatile("");  // keep the call from becoming a tail jump
}

int ktest_panic(void) {
  deliberate_panic_outer(1);
  return -1;  // not reached: panic powers off
}
