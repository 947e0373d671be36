// Traps taken in supervisor mode: device interrupts (PLIC), timer interrupts, IPIs, and
// exceptions, which in the kernel are bugs and panic with the cause spelled out.
// The PLIC handler table is written once per irq at driver init, before the irq is enabled.
#include "arch/trap.h"
#include "arch/cpu.h"
#include "arch/riscv.h"
#include "arch/memlayout.h"
#include "arch/timer.h"
#include "arch/smp.h"
#include "dev/plic.h"
#include "lib/printf.h"
#include "lib/ksyms.h"
#include "proc/proc.h"
#include "proc/syscall.h"
#include "vm/profile.h"
#include "vm/vmtools.h"

#define MAX_IRQ 128

extern char kernelvec[], uservec[];
static void return_to_user(struct proc *p) __attribute__((noreturn));
static void (*irq_handlers[MAX_IRQ])(uint32 irq);

void trap_init_hart(void) {
  csr_write(stvec, (uint64)kernelvec);
  csr_set(sie, SIE_SEIE | SIE_STIE | SIE_SSIE);
}

void irq_register(uint32 irq, void (*handler)(uint32 irq)) {
  if (irq == 0 || irq >= MAX_IRQ)
    panic("irq_register: irq %u out of range 1..%d", irq, MAX_IRQ - 1);
  irq_handlers[irq] = handler;
}

static const char *exception_names[] = {
  [EXC_INST_MISALIGNED] = "instruction address misaligned",
  [EXC_INST_ACCESS] = "instruction access fault",
  [EXC_ILLEGAL_INST] = "illegal instruction",
  [EXC_BREAKPOINT] = "breakpoint",
  [EXC_LOAD_MISALIGNED] = "load address misaligned",
  [EXC_LOAD_ACCESS] = "load access fault",
  [EXC_STORE_MISALIGNED] = "store address misaligned",
  [EXC_STORE_ACCESS] = "store access fault",
  [EXC_ECALL_U] = "environment call from U-mode",
  [EXC_ECALL_S] = "environment call from S-mode",
  [EXC_INST_PAGE_FAULT] = "instruction page fault",
  [EXC_LOAD_PAGE_FAULT] = "load page fault",
  [EXC_STORE_PAGE_FAULT] = "store page fault",
};

const char *trap_cause_name(uint64 scause) {
  if (scause & SCAUSE_INTERRUPT) {
    switch (scause & ~SCAUSE_INTERRUPT) {
    case IRQ_S_SOFT: return "supervisor software interrupt";
    case IRQ_S_TIMER: return "supervisor timer interrupt";
    case IRQ_S_EXT: return "supervisor external interrupt";
    default: return "unknown interrupt";
    }
  }
  if (scause < ARRAY_SIZE(exception_names) && exception_names[scause])
    return exception_names[scause];
  return "unknown exception";
}

// Prints the saved registers of a trap, with the pc symbolised.
void trap_dump(const struct trapframe *tf) {
  static const char *names[32] = {
    "pc", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
  };
  const uint64 *r = (const uint64 *)tf;
  char sym[96];
  ksyms_format(tf->epc, sym, sizeof(sym));
  printf("  scause %p (%s)\n  stval  %p\n  sepc   %p %s\n", (void *)tf->cause,
         trap_cause_name(tf->cause), (void *)tf->tval, (void *)tf->epc, sym);
  for (int i = 1; i < 32; i++)
    printf("  %-3s %p%s", names[i], (void *)r[i], i % 4 == 3 ? "\n" : "");
  printf("\n");
}

// A PLIC interrupt: claim it, run its driver's handler, complete it.
static void external_interrupt(void) {
  uint32 irq = plic_claim();
  if (irq == 0)
    return;  // another hart claimed it first
  if (irq < MAX_IRQ && irq_handlers[irq])
    irq_handlers[irq](irq);
  else
    printf("trap: unexpected interrupt %u from the PLIC\n", irq);
  plic_complete(irq);
}

// Handles an interrupt; returns 1 for a timer tick, 0 for anything else.
static int trap_interrupt(uint64 scause) {
  switch (scause & ~SCAUSE_INTERRUPT) {
  case IRQ_S_EXT:
    external_interrupt();
    return 0;
  case IRQ_S_TIMER:
    timer_interrupt();
    if (cpuid() == 0)
      clock_tick();
    return 1;
  case IRQ_S_SOFT:
    csr_clear(sip, SIE_SSIE);
    smp_ipi_received();
    return 0;
  default:
    panic("trap: unknown interrupt, scause %p", (void *)scause);
  }
}

static void report_kernel_trap(const void *arg) {
  const struct trapframe *tf = arg;
  printf("\nkernel trap on hart %d: %s at pc %p, address %p\n", cpuid(),
         trap_cause_name(tf->cause), (void *)tf->epc, (void *)tf->tval);
  trap_dump(tf);
}

// Called by kernelvec for every trap taken in supervisor mode.
void kerneltrap(struct trapframe *tf) {
  if ((tf->status & SSTATUS_SPP) == 0)
    panic("kerneltrap: trap from user mode arrived on the kernel vector");
  if (intr_get())
    panic("kerneltrap: interrupts enabled during a trap");
  if (tf->cause & SCAUSE_INTERRUPT) {
    // A timer tick preempts a process's kernel thread too (not the scheduler itself).
    if (trap_interrupt(tf->cause) && myproc() && myproc()->state == RUNNING)
      yield();
    return;
  }
  // The trap may have hit inside a printf that holds the console lock: report it from panic.
  panic_with(report_kernel_trap, tf, "unexpected %s in the kernel", trap_cause_name(tf->cause));
}

// kernelvec found sp in a kernel stack's guard half; we run on the hart's panic stack.
// The backtrace starts from the overflowing code's frame pointer: the frames above the
// guard are intact, and they show what recursed.
void kernel_stack_overflow_panic(uint64 sp, uint64 sepc, uint64 stval, uint64 fp) {
  char sym[96];
  ksyms_format(sepc, sym, sizeof(sym));
  panic_from(fp, "kernel stack overflow: sp %p below its stack, pc %p %s, fault address %p",
             (void *)sp, (void *)sepc, sym, (void *)stval);
}

// The one line that reports a process killed for a fault, before it exits with status -1.
static void kill_for_fault(struct proc *p, const struct trapframe *tf, const char *why) {
  printf("pid %d (%s): killed: %s at va %p, pc %p%s%s\n", p->pid, p->name,
         trap_cause_name(tf->cause), (void *)tf->tval, (void *)tf->epc, why ? ": " : "",
         why ? why : "");
  setkilled(p);
}

// The first floating-point instruction of a process traps (sstatus.FS is Off until then):
// give it zeroed FP registers and retry. Returns 0 if the trap was something else.
static int first_fp_use(struct proc *p) {
  if (p->fp_used || (csr_read(sstatus) & SSTATUS_FS) != SSTATUS_FS_OFF)
    return 0;
  p->fp_used = 1;
  csr_set(sstatus, SSTATUS_FS_INITIAL);
  fpu_load(&p->fp);  // all zero
  csr_clear(sstatus, SSTATUS_FS);
  csr_set(sstatus, SSTATUS_FS_CLEAN);
  return 1;
}

// A page fault from user mode: the supplemental page table decides (vm_try_handle_fault).
static void user_page_fault(struct proc *p, struct trapframe *tf) {
  enum vm_access access = tf->cause == EXC_STORE_PAGE_FAULT  ? ACCESS_WRITE
                          : tf->cause == EXC_INST_PAGE_FAULT ? ACCESS_EXEC
                                                              : ACCESS_READ;
  VM_COUNT(faults);
  vm_event(EV_FAULT, p->pid, tf->tval, tf->cause);
  enum vm_fault r = vm_try_handle_fault(&p->spt, tf->tval, access, tf->sp);
  vmtrace_fault(p, tf->tval, access, r);  // the vmtrace= boot argument's echo
  if (r == VM_RESOLVED) {
    vm_hold_for_instruction(&p->spt, tf->epc, tf->tval);
    return;
  }
  if (killed(p))  // killed while the claim waited (the OOM killer chose it): said already
    return;
  VM_COUNT(faults_bad);
  vm_event(EV_KILL, p->pid, tf->tval, r);
  kill_for_fault(p, tf, vm_fault_reason(r, access));
}

// Called by uservec for every trap from user mode, on the process's kernel stack.
void usertrap(struct trapframe *tf) {
  struct proc *p = myproc();
  int tick = 0;
  if (tf != &p->trapframe || (tf->status & SSTATUS_SPP))
    panic("usertrap: trap frame %p is not pid %d's, or not from user mode", tf, p->pid);
  // The instruction whose pages were held has completed (or it is a system call, which may
  // free or replace those pages): let them go.
  if (p->spt.nheld && (tf->epc != p->spt.held_pc || tf->cause == EXC_ECALL_U))
    vm_release_held(&p->spt);
  if (tf->cause & SCAUSE_INTERRUPT) {
    tick = trap_interrupt(tf->cause);
  } else if (tf->cause == EXC_ECALL_U) {
    if (killed(p))
      exit(-1);
    tf->epc += 4;
    intr_on();
    syscall(p);
  } else if (tf->cause == EXC_INST_PAGE_FAULT || tf->cause == EXC_LOAD_PAGE_FAULT ||
             tf->cause == EXC_STORE_PAGE_FAULT) {
    if (killed(p))  // killed already (by the OOM killer, say): it said so; just go
      exit(-1);
    PROFILE_FAULT_BEGIN();
    intr_on();  // a file page's claim waits for the disk
    user_page_fault(p, tf);
  } else if (!(tf->cause == EXC_ILLEGAL_INST && first_fp_use(p))) {
    kill_for_fault(p, tf, NULL);
  }
  if (killed(p))
    exit(-1);
  if (tick)
    yield();
  return_to_user(p);
}

// Returns to user mode with the process's saved registers (for a new process's first return).
void usertrapret(void) { return_to_user(myproc()); }

// Returns p, the current process, to user mode with its saved registers.
static void return_to_user(struct proc *p) {
  PROFILE_FAULT_END();
  intr_off();  // until sret: a trap now would go to uservec with kernel state
  csr_write(stvec, (uint64)uservec);
  p->trapframe.kernel_sp = p->kstack_top;
  p->trapframe.kernel_tp = r_tp();
  csr_write(sscratch, (uint64)&p->trapframe);
  csr_clear(sstatus, SSTATUS_SPP);
  csr_set(sstatus, SSTATUS_SPIE);
  csr_write(sepc, p->trapframe.epc);
  userret(&p->trapframe);
}
