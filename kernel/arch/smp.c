// Starting secondary harts and inter-hart signals. The boot hart fills in cpus[i] (hart id,
// stacks) before starting hart i; each started hart marks itself online once it takes
// interrupts. An IPI's only job today is to make a hart notice `panicking` and park.
#include "arch/smp.h"
#include "arch/cpu.h"
#include "arch/riscv.h"
#include "arch/sbi.h"
#include "arch/memlayout.h"
#include "lib/printf.h"

struct cpu cpus[NCPU];
int ncpu = 1;

extern char secondary_start[];
extern volatile uint64 late_start_cpu[LATE_START_MAX_HARTID];  // entry.S

// Starts cpus[1..ncpu-1]; their hart ids and stacks are already in place.
void smp_start_harts(void) {
  for (int i = 1; i < ncpu; i++) {
    int err = sbi_hart_start(cpus[i].hartid, kva2pa(secondary_start), (uint64)&cpus[i]);
    if (err && cpus[i].hartid < LATE_START_MAX_HARTID) {
      // The firmware may have let this hart into _start too (it then says "already
      // available"): there it waits for its struct cpu, and starts from that.
      printf("smp: hart %lu: SBI start error %d; handing it its slot through _start\n",
             cpus[i].hartid, err);
      __atomic_store_n(&late_start_cpu[cpus[i].hartid], (uint64)&cpus[i], __ATOMIC_RELEASE);
    } else if (err) {
      printf("smp: hart %lu did not start (SBI error %d)\n", cpus[i].hartid, err);
    }
  }
}

uint64 smp_online_mask(void) {
  uint64 mask = 0;
  for (int i = 0; i < ncpu; i++)
    if (cpus[i].online)
      mask |= 1UL << i;
  return mask;
}

void smp_park(void) {
  intr_off();
  mycpu()->online = 0;
  for (;;)
    wfi();
}

void smp_ipi_received(void) {
  if (panicking)
    smp_park();
}

// Sends an IPI to every other online hart; they park on seeing `panicking`.
void smp_stop_others(void) {
  struct cpu *me = mycpu();
  for (int i = 0; i < ncpu; i++)
    if (&cpus[i] != me && cpus[i].online)
      sbi_send_ipi(1, cpus[i].hartid);
}
