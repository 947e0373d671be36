// Timer ticks. Each hart programs its own next deadline; only cpus[0] advances the global tick
// count, so uptime does not run faster with more harts.
// ticks is written by cpus[0] only and read anywhere (a torn read is impossible on RV64).
#include "arch/timer.h"
#include "arch/cpu.h"
#include "arch/riscv.h"
#include "arch/sbi.h"

static uint64 timebase_hz;
static uint64 tick_interval;  // in timebase units
static int sstc;
static volatile uint64 ticks;

void timer_init(uint64 hz, int use_sstc) {
  timebase_hz = hz;
  tick_interval = hz / TICK_HZ;
  sstc = use_sstc;
}

static void set_next_deadline(void) {
  uint64 next = r_time() + tick_interval;
  if (sstc)
    asm volatile("csrw 0x14d, %0" : : "r"(next));  // stimecmp; also clears the pending bit
  else
    sbi_set_timer(next);
}

void timer_init_hart(void) { set_next_deadline(); }

void timer_interrupt(void) {
  set_next_deadline();
  struct cpu *c = mycpu();
  c->ticks++;
  if (c->id == 0)
    ticks++;
}

uint64 timer_ticks(void) { return ticks; }
uint64 timer_timebase_hz(void) { return timebase_hz; }
