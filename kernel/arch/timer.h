// The timer: a tick every 1/TICK_HZ s on every hart, through the Sstc stimecmp CSR when every
// hart has it, else through the SBI TIME extension.
#pragma once
#include "types.h"

#define TICK_HZ 100

void timer_init(uint64 timebase_hz, int use_sstc);
void timer_init_hart(void);
void timer_interrupt(void);
uint64 timer_ticks(void);       // ticks since boot, counted by the boot hart
uint64 timer_timebase_hz(void);
