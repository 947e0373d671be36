// Formatted output: printf to the console, snprintf into a buffer, and panic.
// Formats: %d %i %u %x %X %o %c %s %p %%, with flags '-' '0', a field width (also '*'),
// a precision for %s, and the length modifiers l, ll, z.
#pragma once
#include <stdarg.h>
#include "types.h"

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, unsigned long size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, unsigned long size, const char *fmt, va_list ap);

// Prints "panic: <message>" with the hart and a backtrace, stops the other harts and powers
// off with a failure status. Never returns.
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
// The same, with the backtrace starting at frame pointer fp instead of the caller's.
void panic_from(uint64 fp, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
// Like panic, but first calls report(arg) to print more, once the other harts are stopped and
// printf no longer locks (so a fault inside a printf can still be reported).
void panic_with(void (*report)(const void *arg), const void *arg, const char *fmt, ...)
  __attribute__((noreturn, format(printf, 3, 4)));

// Set once a panic has started: printf then no longer takes the console lock.
extern volatile int panicking;
