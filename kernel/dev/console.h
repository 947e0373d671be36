// The console: kernel output goes through printf; user programs read and write the console
// device (major CONSOLE), whose input arrives from the UART.
#pragma once

void console_init(void);
void console_dump_harts(void);  // part of Ctrl-P
void console_write_bytes(const char *s, int n);  // printf.c: under the console lock
