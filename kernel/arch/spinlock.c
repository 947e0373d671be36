// Spinlocks. Interrupts stay off on a hart while it holds any spinlock (so an interrupt handler
// never spins on a lock its own hart holds); push_off/pop_off count the nesting and restore the
// interrupt state of the outermost level. The debug build (KDEBUG) also catches a recursive
// acquire, a release by a hart that does not hold the lock and unbalanced nesting, and
// records where each lock was taken; the -O2 build trusts the kernel on those (a fault takes
// four lock pairs, and the checks were a quarter of their cost).
#include "arch/spinlock.h"
#include "arch/cpu.h"
#include "lib/printf.h"

void initlock(struct spinlock *lk, const char *name) {
  lk->name = name;
  lk->locked = 0;
  lk->cpu = NULL;
  lk->pc = 0;
}

void acquire(struct spinlock *lk) {
  push_off();
#ifdef KDEBUG
  if (holding(lk))
    panic("acquire: recursive acquisition of lock '%s' (first taken at %p)", lk->name, (void *)lk->pc);
#endif
  while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE) != 0)
    ;
  lk->cpu = mycpu();
#ifdef KDEBUG
  lk->pc = (uint64)__builtin_return_address(0);
#endif
}

// acquire without the wait: 1 if the lock is now held, 0 if someone else holds it. For a
// caller that holds locks ordered after this one (an evictor, see vm/vm.h), where waiting
// could deadlock.
int try_acquire(struct spinlock *lk) {
  push_off();
  if (holding(lk) || __atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE) != 0) {
    pop_off();
    return 0;
  }
  lk->cpu = mycpu();
#ifdef KDEBUG
  lk->pc = (uint64)__builtin_return_address(0);
#endif
  return 1;
}

void release(struct spinlock *lk) {
#ifdef KDEBUG
  if (!holding(lk))
    panic("release: lock '%s' released by hart %d, which does not hold it", lk->name, cpuid());
  lk->pc = 0;
#endif
  lk->cpu = NULL;
  __atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
  pop_off();
}

// Does this hart hold the lock? Interrupts must be off.
int holding(struct spinlock *lk) { return lk->locked && lk->cpu == mycpu(); }

void push_off(void) {
  int old = intr_get();
  intr_off();
  struct cpu *c = mycpu();
  if (c->noff == 0)
    c->intena = old;
  c->noff++;
}

void pop_off(void) {
  struct cpu *c = mycpu();
#ifdef KDEBUG
  if (intr_get())
    panic("pop_off: interrupts enabled inside a critical section");
  if (c->noff < 1)
    panic("pop_off: unbalanced (noff %d)", c->noff);
#endif
  c->noff--;
  if (c->noff == 0 && c->intena)
    intr_on();
}
