// Processes: the process table, the per-hart scheduler, sleep/wakeup, fork/exit/wait/kill.
// Lock order: wait_lock, then p->lock (see proc.c).
#pragma once
#include "types.h"
#include "param.h"
#include "arch/cpu.h"
#include "arch/riscv.h"
#include "arch/spinlock.h"
#include "arch/trap.h"
#include "lib/failinject.h"
#include "vm/vm.h"

struct file;
struct inode;

enum procstate { UNUSED, USED, SLEEPING, RUNNABLE, RUNNING, ZOMBIE };

// Floating-point registers of a user process, saved only when it has used them.
struct fpstate {
  uint64 f[32];
  uint64 fcsr;
};
// fpu.S: save and load the floating-point registers (sstatus.FS must not be Off).
void fpu_save(struct fpstate *fp);
void fpu_load(struct fpstate *fp);

struct proc {
  struct spinlock lock;

  // p->lock must be held when using these:
  enum procstate state;
  void *chan;         // sleeping on chan when state == SLEEPING
  int killed;         // set by kill(); the process exits at its next return to user mode
  int xstate;         // exit status, for the parent's wait()
  int pid;

  // wait_lock must be held when using this:
  struct proc *parent;

  // Private to the process (no lock needed by the process itself):
  int slot;                   // index in proc[], names its kernel-stack slot
  uint64 kstack_top;          // top of the process's kernel stack
  struct trapframe trapframe; // user registers, saved by uservec
  struct context context;     // swtch() here to run the process's kernel thread
  struct fpstate fp;          // user floating-point registers (valid when fp_used)
  int fp_used;                // has executed a floating-point instruction
  pagetable_t pagetable;      // user page table (upper half shared with the kernel)
  struct supplemental_page_table spt;  // every user page, resident or not (vm/vm.h)
  struct spinlock vm_lock;    // the resident state of this process's pages (vm/vm.h: Locking)
  uint64 profile_aside;       // instructions not counted by vm/profile.h's sections
  int fs_ops;                 // file-system operations it is inside (begin_op .. end_op)
  int pages_swapped;          // of its pages waiting in swap (atomic: evictors on any hart)
  int fail_nth[FAIL_NSITES];  // the failinject system call: countdown to a failure per site
  uint64 heap_base;           // end of the program: the heap is [heap_base, sz)
  uint64 sz;                  // end of the heap (the program break)
  struct file *ofile[NOFILE]; // open files
  struct inode *cwd;          // current directory
  char name[16];              // program name, for messages and debugging
};

extern struct proc proc[NPROC];

void procinit(void);
void userinit(void);
struct proc *myproc(void);
int fork(void);
void exit(int status) __attribute__((noreturn));
int wait(uint64 addr);
int kill(int pid);
void setkilled(struct proc *p);
// Whether p has been killed. A lock-free peek, inline because every trap asks twice: killed
// only ever goes from 0 to 1, and a kill that lands just after the peek is seen at the next
// trap or sleep.
static inline int killed(struct proc *p) { return __atomic_load_n(&p->killed, __ATOMIC_ACQUIRE); }
void sleep(void *chan, struct spinlock *lk);
void wakeup(void *chan);
void yield(void);
int sleep_ticks(uint64 n);
void clock_tick(void);  // sysproc.c: cpus[0]'s timer tick advances the clock
// Flushes one user page of the process whose vm lock is vm_lock from every TLB that may
// hold it (proc.c explains why that is at most one other hart).
void user_tlb_shootdown(struct spinlock *vm_lock, uint64 va);
struct proc *vm_lock_owner(struct spinlock *vm_lock);  // the process whose vm_lock it is
void scheduler(void) __attribute__((noreturn));
void sched(void);
int growproc(int64 n);
void procdump(void);
struct proc *allocproc(void);
void freeproc(struct proc *p);

// Copies to/from either a user address (user_dst/user_src = 1) or a kernel address.
int either_copyout(int user_dst, uint64 dst, void *src, uint64 len);
int either_copyin(void *dst, int user_src, uint64 src, uint64 len);

// Context switch (swtch.S): save callee-saved registers in old, load them from new.
void swtch(struct context *old, struct context *new);
