// Bringing up the other harts and talking to them: start through SBI HSM, IPIs, and parking
// every other hart when the kernel panics.
#pragma once
#include "types.h"

void smp_start_harts(void);
void smp_ipi_received(void);
void smp_stop_others(void);  // panic: park every other hart
void smp_park(void) __attribute__((noreturn));
// entry.S: continue on the stack that ends at sp by calling fn, which never returns.
void call_on_stack(uint64 sp, void (*fn)(void)) __attribute__((noreturn));
uint64 smp_online_mask(void);  // bit i set when cpus[i] is online
