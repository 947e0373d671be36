// The console: kernel output goes through printf; keyboard input arrives here from the UART.
#pragma once

void console_init(void);
void console_dump_harts(void);  // Ctrl-P
