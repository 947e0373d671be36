// Powering the machine off with a status that QEMU passes on as its exit code.
#pragma once
#include "types.h"

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1  // a test or init reported failure
#define EXIT_PANIC 3    // kernel panic

void power_init(uint64 test_device_pa);
void power_off(int status) __attribute__((noreturn));
