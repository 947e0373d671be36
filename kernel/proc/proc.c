// Processes: the process table, creation (fork), termination (exit, wait, kill), sleep and
// wakeup, and the per-hart scheduler.
//
// Locks: wait_lock, then p->lock, in that order.
//   p->lock guards p->state, chan, killed, xstate and pid; it is held across swtch in both
//     directions (the scheduler acquires it before running p, p releases it in its own
//     context: forkret, or after sched returns).
//   wait_lock guards every p->parent, so exit's reparenting and wait's scan see one parent
//     graph; it also keeps a parent's wakeup from being lost while it goes to sleep in wait.
// Each hart's scheduler runs on the kernel page table; running a process switches satp to the
// process's table and back, so a freed page table is never live on any hart.
#include "proc/proc.h"
#include "arch/memlayout.h"
#include "arch/pagetable.h"
#include "arch/sbi.h"
#include "arch/smp.h"
#include "dev/disk.h"
#include "fs/file.h"
#include "fs/fs.h"
#include "lib/bootargs.h"
#include "lib/ksyms.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "proc/exec.h"
#include "proc/leakcheck.h"
#include "vm/uaccess.h"

struct proc proc[NPROC];
static struct proc *initproc;

static struct spinlock pid_lock = SPINLOCK_INIT("pid");
static int nextpid = 1;  // guarded by pid_lock
static struct spinlock wait_lock = SPINLOCK_INIT("wait");

static volatile uint64 idle_harts;  // bit i: cpus[i] is idle in wfi (atomic updates)
static void kick_idle_hart(void);

void procinit(void) {
  for (int i = 0; i < NPROC; i++) {
    struct proc *p = &proc[i];
    initlock(&p->lock, "proc");
    initlock(&p->vm_lock, "vm");
    p->state = UNUSED;
    p->slot = i;
    p->kstack_top = kstack_map(KSTACK_SLOT_PROC(i));
  }
}

// The running process, or NULL in a scheduler or at boot. Interrupts are off between reading
// tp and reading cpu->proc: a tick in between could move this thread to another hart, and
// it would read that other hart's process. One csrrc turns them off and says whether they
// were on; no push_off nesting is needed for two loads (and the trap path calls this often).
struct proc *myproc(void) {
  uint64 sie = csr_read_clear(sstatus, SSTATUS_SIE) & SSTATUS_SIE;
  struct proc *p = mycpu()->proc;
  csr_set(sstatus, sie);
  return p;
}

static int allocpid(void) {
  acquire(&pid_lock);
  int pid = nextpid++;
  release(&pid_lock);
  return pid;
}

static void forkret(void);

// Finds an unused slot and returns it USED, with p->lock held, a pid, an empty user page
// table and a kernel context that starts in forkret. NULL if the table or memory is full.
struct proc *allocproc(void) {
  struct proc *p;
  for (p = proc; p < &proc[NPROC]; p++) {
    acquire(&p->lock);
    if (p->state == UNUSED)
      goto found;
    release(&p->lock);
  }
  return NULL;
found:
  p->pid = allocpid();
  p->state = USED;
  p->pagetable = pagetable_create();
  if (!p->pagetable) {
    freeproc(p);
    release(&p->lock);
    return NULL;
  }
  supplemental_page_table_init(&p->spt, p->pagetable, &p->vm_lock);
  memset(&p->trapframe, 0, sizeof(p->trapframe));
  memset(&p->context, 0, sizeof(p->context));
  memset(&p->fp, 0, sizeof(p->fp));
  p->fp_used = 0;
  memset(p->fail_nth, 0, sizeof(p->fail_nth));
  p->context.ra = (uint64)forkret;
  p->context.sp = p->kstack_top;
  return p;
}

// Frees a process's page table and returns its slot. p->lock is held. Its user memory is
// gone already: exit (or a failed fork) killed the SPT, which may sleep.
void freeproc(struct proc *p) {
  if (p->spt.npages || p->spt.areas || p->pages_swapped)
    panic("freeproc: pid %d still has user pages (%d in swap)", p->pid, p->pages_swapped);
  for (int fd = 0; fd < NOFILE; fd++)
    if (p->ofile[fd])
      panic("freeproc: pid %d still has file %p open as descriptor %d", p->pid, p->ofile[fd], fd);
  if (p->pagetable)
    pagetable_destroy(p->pagetable);
  p->pagetable = NULL;
  p->sz = 0;
  p->pid = 0;
  p->parent = NULL;
  p->name[0] = 0;
  p->chan = NULL;
  p->killed = 0;
  p->xstate = 0;
  p->state = UNUSED;
}

// Frees every user page and area (exit, a failed fork). Not under p->lock: writing mapped
// pages back and dropping the last reference to a file write the disk.
static void free_user_memory(struct proc *p) { supplemental_page_table_kill(&p->spt); }

// Makes the first process. It starts in forkret like any other, which reads the disk and
// runs /init (see first_process_setup).
void userinit(void) {
  struct proc *p = allocproc();
  if (!p)
    panic("userinit: no memory for the first process");
  initproc = p;
  strlcpy(p->name, "init", sizeof(p->name));
  p->state = RUNNABLE;
  release(&p->lock);
}

// Grows or shrinks the heap by n bytes (sbrk). Growing only registers pages; they get frames
// when touched. Shrinking frees the frames of the pages it removes.
int growproc(int64 n) {
  struct proc *p = myproc();
  uint64 old = p->sz, new = old + n;
  if (n > 0 && (new < old || new > vm_heap_max()))
    return -1;
  if (n < 0 && (uint64)-n > old - p->heap_base)
    return -1;
  if (vm_set_heap_end(&p->spt, old, new) < 0)
    return -1;
  p->sz = new;
  return 0;
}

// Creates a child that is a copy of the calling process.
int fork(void) {
  struct proc *p = myproc();
  struct proc *np = allocproc();
  if (!np)
    return -1;
  // The child is USED, not RUNNABLE: nobody else touches it, so copying (which takes time
  // and memory, and may sleep once frames can be evicted) needs no lock.
  release(&np->lock);
  if (supplemental_page_table_copy(&np->spt, &p->spt) < 0) {
    free_user_memory(np);
    acquire(&np->lock);
    freeproc(np);
    release(&np->lock);
    return -1;
  }
  np->sz = p->sz;
  np->heap_base = p->heap_base;
  np->trapframe = p->trapframe;
  np->trapframe.a0 = 0;  // fork returns 0 in the child
  np->fp = p->fp;
  np->fp_used = p->fp_used;
  if (p->fp_used && (csr_read(sstatus) & SSTATUS_FS) == SSTATUS_FS_DIRTY)
    fpu_save(&np->fp);  // the parent's live registers are newer than p->fp
  for (int i = 0; i < NOFILE; i++)
    np->ofile[i] = p->ofile[i] ? filedup(p->ofile[i]) : NULL;
  np->cwd = idup(p->cwd);
  strlcpy(np->name, p->name, sizeof(np->name));
  int pid = np->pid;

  acquire(&wait_lock);
  np->parent = p;
  release(&wait_lock);

  acquire(&np->lock);
  np->state = RUNNABLE;
  release(&np->lock);
  return pid;
}

// Gives p's children to init. wait_lock is held.
static void reparent(struct proc *p) {
  for (struct proc *pp = proc; pp < &proc[NPROC]; pp++) {
    if (pp->parent == p) {
      pp->parent = initproc;
      wakeup(initproc);
    }
  }
}

// Ends the calling process; it stays a zombie until its parent waits for it.
void exit(int status) {
  struct proc *p = myproc();
  if (p == initproc)
    panic("exit: init exited with status %d", status);
  for (int fd = 0; fd < NOFILE; fd++) {
    if (p->ofile[fd]) {
      fileclose(p->ofile[fd]);
      p->ofile[fd] = NULL;
    }
  }
  begin_op();
  iput(p->cwd);
  end_op();
  p->cwd = NULL;
  free_user_memory(p);

  acquire(&wait_lock);
  reparent(p);
  wakeup(p->parent);
  acquire(&p->lock);
  p->xstate = status;
  p->state = ZOMBIE;
  release(&wait_lock);
  sched();
  panic("exit: zombie pid %d ran again", p->pid);
}

// Waits for a child to exit; copies its status to user address addr (unless 0) and returns
// its pid, or -1 if the caller has no children (or was killed, or addr is bad).
int wait(uint64 addr) {
  struct proc *p = myproc();
  acquire(&wait_lock);
  for (;;) {
    int havekids = 0;
    for (struct proc *pp = proc; pp < &proc[NPROC]; pp++) {
      if (pp->parent != p)
        continue;
      acquire(&pp->lock);
      havekids = 1;
      if (pp->state == ZOMBIE) {
        int pid = pp->pid, status = pp->xstate;
        release(&pp->lock);
        release(&wait_lock);
        // Copied with no lock held, since the page may need claiming. The zombie stays put
        // meanwhile: only its parent (this process) reaps it, and a bad addr leaves it.
        if (addr != 0 && copyout(&p->spt, addr, &status, sizeof(status)) < 0)
          return -1;
        acquire(&wait_lock);
        acquire(&pp->lock);
        freeproc(pp);
        release(&pp->lock);
        release(&wait_lock);
        return pid;
      }
      release(&pp->lock);
    }
    if (!havekids || killed(p)) {
      release(&wait_lock);
      return -1;
    }
    sleep(p, &wait_lock);
  }
}

// Marks process pid killed; it exits when it next returns to user mode (a sleeping process
// is woken so it can notice). Returns -1 if there is no such process, or for init, whose exit
// would leave orphans nobody reaps.
int kill(int pid) {
  if (initproc && pid == initproc->pid)
    return -1;
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    acquire(&p->lock);
    if (p->pid == pid && p->state != UNUSED) {
      p->killed = 1;
      if (p->state == SLEEPING)
        p->state = RUNNABLE;
      release(&p->lock);
      kick_idle_hart();
      return 0;
    }
    release(&p->lock);
  }
  return -1;
}

void setkilled(struct proc *p) {
  acquire(&p->lock);
  p->killed = 1;
  release(&p->lock);
}

// Atomically releases lk and sleeps on chan; reacquires lk when woken. chan and SLEEPING
// are set before lk goes, under p->lock: a waker (which holds lk, see wakeup) that comes
// after sees them, and the scheduler cannot run p before sched() gives up p->lock.
// Sleepers by a hash of their channel, counted up in sleep() before lk goes and down when
// they run again: a wakeup whose bucket is empty has nobody to wake and skips the walk of
// the process table (most wakeups: an eviction nobody waits for, a sleep-lock nobody wants).
// A count that is high for a moment (a sleeper just woken, another channel in the bucket)
// only costs a walk. Atomic updates; read under the same lk as wakeup's lock-free peek.
#define SLEEP_BUCKETS 64
static uint32 sleepers[SLEEP_BUCKETS];

static uint32 *sleepers_of(const void *chan) {
  return &sleepers[(((uint64)chan * 0x9E3779B97F4A7C15UL) >> 32) % SLEEP_BUCKETS];
}

void sleep(void *chan, struct spinlock *lk) {
  struct proc *p = myproc();
  uint32 *count = sleepers_of(chan);
  acquire(&p->lock);
  p->chan = chan;
  p->state = SLEEPING;
  __atomic_fetch_add(count, 1, __ATOMIC_RELAXED);  // ordered before lk's release
  release(lk);
  sched();
  __atomic_fetch_sub(count, 1, __ATOMIC_RELAXED);
  p->chan = NULL;
  release(&p->lock);
  acquire(lk);
}

// Wakes every process sleeping on chan. The caller holds the lock that the sleepers passed
// to sleep(), and no p->lock. That lock orders this call after every sleep(chan) that
// released it, so the sleepers' count and a lock-free peek at state and chan find them all;
// only they cost a p->lock. With no sleeper in chan's bucket, nothing at all: the walk is
// ~6 instructions a process.
void wakeup(void *chan) {
  if (__atomic_load_n(sleepers_of(chan), __ATOMIC_RELAXED) == 0)
    return;
  struct proc *me = myproc();
  int woke = 0;
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    if (p == me || __atomic_load_n(&p->state, __ATOMIC_RELAXED) != SLEEPING ||
        __atomic_load_n(&p->chan, __ATOMIC_RELAXED) != chan)
      continue;
    acquire(&p->lock);
    if (p->state == SLEEPING && p->chan == chan) {
      p->state = RUNNABLE;
      woke = 1;
    }
    release(&p->lock);
  }
  if (woke)
    kick_idle_hart();
}

// Wakes one idle hart (if any other is idle) so a newly runnable process does not wait for
// the next timer tick.
static void kick_idle_hart(void) {
  // Pairs with the scheduler's "mark idle, then look for work": one of the two sees the other.
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  uint64 idle = __atomic_load_n(&idle_harts, __ATOMIC_SEQ_CST);
  push_off();
  int me = cpuid();
  pop_off();
  for (int i = 0; i < ncpu; i++) {
    if (i != me && (idle & (1UL << i))) {
      __atomic_fetch_and(&idle_harts, ~(1UL << i), __ATOMIC_ACQ_REL);
      sbi_send_ipi(1, cpus[i].hartid);
      return;
    }
  }
}

static int any_runnable(void) {
  for (struct proc *p = proc; p < &proc[NPROC]; p++)
    if (p->state == RUNNABLE)  // a racy peek is fine: the scan that follows takes the locks
      return 1;
  return 0;
}

// Switches to p's address space and floating-point state, runs it until it gives the hart
// back, and returns to the kernel's. p->lock is held.
static void run(struct cpu *c, struct proc *p) {
  p->state = RUNNING;
  c->proc = p;
  __atomic_thread_fence(__ATOMIC_SEQ_CST);  // before the flush: see user_tlb_shootdown
  csr_write(satp, MAKE_SATP(kva2pa(p->pagetable)));
  sfence_vma_all();
  asm volatile("fence.i");  // its code pages may have been filled on another hart
  if (p->fp_used) {
    csr_set(sstatus, SSTATUS_FS_INITIAL);
    fpu_load(&p->fp);
    csr_clear(sstatus, SSTATUS_FS);
    csr_set(sstatus, SSTATUS_FS_CLEAN);
  } else {
    csr_clear(sstatus, SSTATUS_FS);  // the first FP instruction traps (see usertrap)
  }
  swtch(&c->scheduler, &p->context);
  if (p->fp_used && (csr_read(sstatus) & SSTATUS_FS) == SSTATUS_FS_DIRTY)
    fpu_save(&p->fp);
  csr_write(satp, kernel_satp);
  sfence_vma_all();
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  c->proc = NULL;
}

// Removes the user page at va of the process whose vm lock is vm_lock from every TLB, after
// its PTE was changed. A hart holds a process's user entries only while cpu->proc names it:
// run() flushes the TLB after setting cpu->proc and before clearing it. So only this hart
// and the one hart (a process has one thread) that runs the process now need a fence, which
// saves an inter-processor interrupt on almost every eviction.
struct proc *vm_lock_owner(struct spinlock *vm_lock) {
  return (struct proc *)((char *)vm_lock - __builtin_offsetof(struct proc, vm_lock));
}

void user_tlb_shootdown(struct spinlock *vm_lock, uint64 va) {
  struct proc *owner = vm_lock_owner(vm_lock);
  push_off();
  sfence_vma_page(va);
  __atomic_thread_fence(__ATOMIC_SEQ_CST);  // the PTE change before the look at cpu->proc
  struct cpu *me = mycpu();
  for (int i = 0; i < ncpu; i++)
    if (&cpus[i] != me && __atomic_load_n(&cpus[i].proc, __ATOMIC_RELAXED) == owner)
      sbi_remote_sfence_vma(1, cpus[i].hartid, PGROUNDDOWN(va), PGSIZE);
  pop_off();
}

// Each hart's scheduler: run runnable processes round robin; with none, sleep in wfi with
// interrupts off (a pending interrupt still ends the wfi), then take the interrupt.
void scheduler(void) {
  struct cpu *c = mycpu();
  uint64 me = 1UL << c->id;
  c->proc = NULL;
  for (;;) {
    intr_off();
    int ran = 0;
    for (struct proc *p = proc; p < &proc[NPROC]; p++) {
      acquire(&p->lock);
      if (p->state == RUNNABLE) {
        run(c, p);
        ran = 1;
      }
      release(&p->lock);
    }
    // Idle: zero a page ahead of time for the next zero-fill fault, or sleep in wfi.
    if (!ran && !kalloc_prezero_one()) {
      __atomic_fetch_or(&idle_harts, me, __ATOMIC_SEQ_CST);
      __atomic_thread_fence(__ATOMIC_SEQ_CST);
      if (!any_runnable())  // a wakeup between the scan and the line above sent no IPI
        wfi();
      __atomic_fetch_and(&idle_harts, ~me, __ATOMIC_ACQ_REL);
    }
    intr_on();  // take whatever interrupt is pending
  }
}

// Gives the hart back to the scheduler. The caller holds p->lock (only) and has changed
// p->state; intena belongs to this kernel thread, not to the hart, so it is carried across.
void sched(void) {
  struct proc *p = myproc();
  struct cpu *c = mycpu();
  if (!holding(&p->lock))
    panic("sched: pid %d does not hold its lock", p->pid);
  if (c->noff != 1)
    panic("sched: pid %d holds %d locks", p->pid, c->noff);
  if (p->state == RUNNING)
    panic("sched: pid %d still RUNNING", p->pid);
  if (intr_get())
    panic("sched: interrupts enabled");
  int intena = c->intena;
#ifdef VM_PROFILE
  uint64 away = r_instret();  // the time switched out is not this process's (vm/profile.h)
  swtch(&p->context, &c->scheduler);
  p->profile_aside += r_instret() - away;
#else
  swtch(&p->context, &c->scheduler);
#endif
  mycpu()->intena = intena;
}

void yield(void) {
  struct proc *p = myproc();
  acquire(&p->lock);
  p->state = RUNNABLE;
  sched();
  release(&p->lock);
}

// Sets up the first process's world, once: partitions, file system, current directory, and
// /init (with the init= boot argument's comma-separated words as its arguments).
static void first_process_setup(struct proc *p) {
  disk_read_partitions();
  swap_init();
  fsinit(ROOTDEV);
  p->cwd = namei("/");
  if (!p->cwd)
    panic("first process: the file system has no root directory");
  leakcheck_baseline(p);  // init holds nothing yet but its root page table
  static char args[MAXPATH];
  char *argv[MAXARG] = {"init"};
  int argc = 1;
  const char *init = bootarg("init");
  if (init && *init) {
    strlcpy(args, init, sizeof(args));
    for (char *s = args; *s && argc < MAXARG - 1;) {
      argv[argc++] = s;
      while (*s && *s != ',')
        s++;
      if (*s)
        *s++ = 0;
    }
  }
  argv[argc] = NULL;
  int r = kexec("/init", argv);
  if (r < 0)
    panic("first process: cannot run /init");
  p->trapframe.a0 = r;
  failinject_arm();  // boot is done: from now on, injected failures (if any are asked for)
}

// Where a new process's kernel thread starts, still holding p->lock from the scheduler.
static void forkret(void) {
  static int first = 1;
  struct proc *p = myproc();
  release(&p->lock);
  if (p == initproc && first) {
    first = 0;
    intr_on();  // the disk interrupts while we wait for it
    first_process_setup(p);
  }
  usertrapret();
}

int either_copyout(int user_dst, uint64 dst, void *src, uint64 len) {
  if (user_dst)
    return copyout(&myproc()->spt, dst, src, len);
  memmove((void *)dst, src, len);
  return 0;
}

int either_copyin(void *dst, int user_src, uint64 src, uint64 len) {
  if (user_src)
    return copyin(&myproc()->spt, dst, src, len);
  memmove(dst, (void *)src, len);
  return 0;
}

// Lists every process on the console (Ctrl-P), one line each, with where each sleeping one
// sleeps: the functions of its kernel stack, innermost first (it switched out with its frame
// pointer in context.s[0]; the fault-injection campaign reads these lines to tell a hang).
// No locks: it must work when things are stuck; a process that wakes meanwhile may show a
// torn chain.
void procdump(void) {
  static const char *states[] = {
    [UNUSED] = "unused", [USED] = "used", [SLEEPING] = "sleep",
    [RUNNABLE] = "runble", [RUNNING] = "run", [ZOMBIE] = "zombie",
  };
  printf("\n");
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    enum procstate state = p->state;
    if (state == UNUSED)
      continue;
    char where[160] = "";
    if (state == SLEEPING)
      backtrace_brief(p->context.s[0], 6, where, sizeof(where));
    printf("%d %s %s%s%s%s\n", p->pid, states[state], p->name, where[0] ? ": " : "", where,
           p->killed ? " (killed)" : "");
  }
}
