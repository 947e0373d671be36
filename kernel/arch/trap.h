// Trap handling: the trap frame layout shared with trapvec.S, per-hart trap set-up, and
// device interrupt dispatch through the PLIC.
#pragma once
#include "types.h"

// Registers saved by a trap. Slot N holds register xN; slot 0 (x0 is always zero) holds the
// pc. Offsets are used by trapvec.S: keep them in step with TF_* there.
struct trapframe {
  uint64 epc;  // x0's slot
  uint64 ra, sp, gp, tp, t0, t1, t2, s0, s1;
  uint64 a0, a1, a2, a3, a4, a5, a6, a7;
  uint64 s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
  uint64 t3, t4, t5, t6;
  uint64 status;     // 256: sstatus at the trap
  uint64 cause;      // 264: scause
  uint64 tval;       // 272: stval
  uint64 kernel_sp;  // 280: user traps: top of the process's kernel stack
  uint64 kernel_tp;  // 288: user traps: the hart's struct cpu
  uint64 link_fp;    // 296: kernel traps: frame record so backtraces
  uint64 link_ra;    // 304:   continue into the interrupted code
  uint64 pad;
};

void trap_init_hart(void);
// trapvec.S: back to user mode with the registers in tf (stvec and sscratch already set).
void userret(struct trapframe *tf) __attribute__((noreturn));
void usertrapret(void) __attribute__((noreturn));  // return to user mode (the current process)
const char *trap_cause_name(uint64 scause);
void trap_dump(const struct trapframe *tf);

// Device interrupts: a driver registers its PLIC interrupt number once at init.
void irq_register(uint32 irq, void (*handler)(uint32 irq));
