// PLIC driver (RISC-V PLIC specification): priority per source, an enable bitmap and a
// threshold per context, and a claim/complete register per context. Device interrupts go to
// cpus[0] (the boot hart) alone: when every hart enabled every source, each interrupt woke
// every idle hart, and that herd made disk-bound work (swap) twice as slow on 3 harts as on 1
// under QEMU. Other harts keep threshold 0 with nothing enabled.
// enabled[] is written at init and when a driver enables a source, before the device can fire.
#include "dev/plic.h"
#include "arch/cpu.h"
#include "arch/memlayout.h"
#include "lib/printf.h"

#define PRIORITY(irq) (4 * (irq))
#define ENABLE(ctx) (0x2000 + 0x80 * (ctx))
#define THRESHOLD(ctx) (0x200000 + 0x1000 * (ctx))
#define CLAIM(ctx) (0x200004 + 0x1000 * (ctx))

static volatile uint8 *plic;
static uint32 ndev;
static int hart_context[NCPU];
static uint32 enabled[32];  // bitmap of enabled sources

static inline volatile uint32 *reg(uint64 off) { return (volatile uint32 *)(plic + off); }

void plic_init(uint64 base_pa, uint32 n) {
  plic = pa2kva(base_pa);
  ndev = n < 1024 ? n : 1023;
}

// Sets this hart's context up: threshold 0, and on cpus[0] every source enabled so far.
void plic_init_hart(int s_context) {
  hart_context[cpuid()] = s_context;
  for (uint32 w = 0; w < 32; w++)
    *reg(ENABLE(s_context) + 4 * w) = cpuid() == 0 ? enabled[w] : 0;
  *reg(THRESHOLD(s_context)) = 0;
}

// Enables irq (on cpus[0], which takes every device interrupt).
void plic_enable(uint32 irq) {
  if (irq == 0 || irq > ndev)
    panic("plic_enable: irq %u outside 1..%u", irq, ndev);
  *reg(PRIORITY(irq)) = 1;
  enabled[irq / 32] |= 1U << (irq % 32);
  *reg(ENABLE(hart_context[0]) + 4 * (irq / 32)) = enabled[irq / 32];
}

uint32 plic_claim(void) { return *reg(CLAIM(hart_context[cpuid()])); }

void plic_complete(uint32 irq) { *reg(CLAIM(hart_context[cpuid()])) = irq; }
