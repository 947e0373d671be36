// Power-off. QEMU's sifive,test device exits QEMU with a chosen status: 0x5555 means success,
// (code << 16) | 0x3333 exits with `code`. Without that device, SBI SRST shuts down (status 0,
// because OpenSBI 1.1 ignores the reason code).
#include "arch/power.h"
#include "arch/memlayout.h"
#include "arch/riscv.h"
#include "arch/sbi.h"

static volatile uint32 *test_device;

void power_init(uint64 test_device_pa) { test_device = pa2kva(test_device_pa); }

void power_off(int status) {
  if (test_device)
    *test_device = status == EXIT_SUCCESS ? 0x5555 : ((uint32)status << 16) | 0x3333;
  sbi_shutdown();
  for (;;)
    wfi();
}
