// Per-hart state. tp always holds the running hart's struct cpu while in the kernel (user
// tp is saved in the trap frame), so mycpu() is one register move. cpus[0] is the boot hart.
#pragma once
#include "types.h"
#include "arch/riscv.h"

#include "param.h"

struct proc;

// Callee-saved registers of a kernel thread, saved by swtch.
struct context {
  uint64 ra, sp;
  uint64 s[12];
};

struct cpu {
  uint64 stack_top;     // first field: secondary_start loads sp from 0(tp)
  uint64 panic_sp;      // second field: kernelvec switches here on a kernel stack overflow
  uint64 hartid;        // the hart's id as the firmware numbers it
  int id;               // index in cpus[]
  int noff;             // push_off nesting depth
  int intena;           // were interrupts enabled before the outermost push_off?
  volatile int online;  // set by the hart once it takes interrupts
  volatile uint64 ticks;  // timer interrupts taken by this hart
  struct proc *proc;    // process running on this hart, or NULL
  struct context scheduler;  // swtch here to enter the scheduler
};

extern struct cpu cpus[NCPU];
extern int ncpu;  // harts in use (cpus[0..ncpu-1])

static inline struct cpu *mycpu(void) { return (struct cpu *)r_tp(); }
static inline int cpuid(void) { return mycpu()->id; }
