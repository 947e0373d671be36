// 16550-compatible UART (QEMU virt's ns16550a). Output polls the line-status register, which
// keeps panics and early boot simple; input arrives by interrupt and is passed to
// uart_input_handler. Callers serialise output (printf's console lock).
#include "dev/uart.h"
#include "arch/memlayout.h"
#include "arch/sbi.h"
#include "arch/trap.h"
#include "dev/plic.h"

#define RBR 0  // receive buffer (read)
#define THR 0  // transmit holding (write)
#define DLL 0  // divisor latch low (DLAB = 1)
#define IER 1  // interrupt enable
#define DLM 1  // divisor latch high (DLAB = 1)
#define FCR 2  // FIFO control
#define LCR 3  // line control
#define LSR 5  // line status

#define IER_RX 0x01
#define FCR_ENABLE_CLEAR 0x07
#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

static volatile uint8 *uart;
static uint32 uart_irq;
void (*uart_input_handler)(int c);

void uart_init(uint64 base_pa, uint32 irq) {
  volatile uint8 *u = pa2kva(base_pa);
  u[IER] = 0;
  u[LCR] = LCR_DLAB;  // 38400 baud from the 1.8432 MHz reference clock
  u[DLL] = 3;
  u[DLM] = 0;
  u[LCR] = LCR_8N1;
  u[FCR] = FCR_ENABLE_CLEAR;
  uart_irq = irq;
  uart = u;
}

static void uart_interrupt(uint32 irq) {
  (void)irq;
  while (uart[LSR] & LSR_DATA_READY) {
    int c = uart[RBR];
    if (uart_input_handler)
      uart_input_handler(c);
  }
}

void uart_enable_interrupts(void) {
  if (!uart || uart_irq == 0)
    return;
  irq_register(uart_irq, uart_interrupt);
  plic_enable(uart_irq);
  uart[IER] = IER_RX;
}

static void put_raw(int c) {
  if (!uart) {
    sbi_legacy_putchar(c);
    return;
  }
  while ((uart[LSR] & LSR_THR_EMPTY) == 0)
    ;
  uart[THR] = (uint8)c;
}

void uart_putc_sync(int c) {
  if (c == '\n')
    put_raw('\r');
  put_raw(c);
}
