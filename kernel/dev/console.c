// Console input. Until processes exist the console only echoes what is typed, and Ctrl-P
// prints the state of every hart (the debugging key of classic Unix consoles).
#include "dev/console.h"
#include "arch/cpu.h"
#include "dev/uart.h"
#include "lib/printf.h"

#define CTRL(c) ((c) - '@')

void console_dump_harts(void) {
  printf("\n");
  for (int i = 0; i < ncpu; i++)
    printf("hart %lu (cpus[%d]): %s, %lu timer ticks\n", cpus[i].hartid, i,
           cpus[i].online ? "online" : "offline", cpus[i].ticks);
}

static void console_input(int c) {
  if (c == CTRL('P'))
    console_dump_harts();
  else if (c == '\r')
    printf("\n");
  else
    printf("%c", c);
}

void console_init(void) {
  uart_input_handler = console_input;
  uart_enable_interrupts();
}
