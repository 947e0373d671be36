// The 16550 UART: synchronous output for the console, interrupt-driven input.
#pragma once
#include "types.h"

void uart_init(uint64 base_pa, uint32 irq);
void uart_enable_interrupts(void);  // after the PLIC is up
void uart_putc_sync(int c);         // waits for the transmitter; falls back to SBI before init
// Receives every input byte from the interrupt handler; set by the console layer.
extern void (*uart_input_handler)(int c);
