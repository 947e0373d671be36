// The platform-level interrupt controller: routes device interrupts to the S-mode context of
// every hart. Base address and per-hart contexts come from the device tree.
#pragma once
#include "types.h"

void plic_init(uint64 base_pa, uint32 ndev);
void plic_init_hart(int s_context);
void plic_enable(uint32 irq);
uint32 plic_claim(void);
void plic_complete(uint32 irq);
