// Spinlocks with interrupt-disable nesting (push_off/pop_off). acquire panics on recursive
// acquisition; release panics when the caller does not hold the lock.
#pragma once
#include "types.h"

struct cpu;

struct spinlock {
  volatile uint locked;
  const char *name;  // for panic messages and debuggers
  struct cpu *cpu;   // holder, valid while locked
  uint64 pc;         // where the holder acquired it (return address of acquire)
};

#define SPINLOCK_INIT(n) {.locked = 0, .name = (n), .cpu = NULL, .pc = 0}

void initlock(struct spinlock *lk, const char *name);
void acquire(struct spinlock *lk);
int try_acquire(struct spinlock *lk);
void release(struct spinlock *lk);
int holding(struct spinlock *lk);
void push_off(void);
void pop_off(void);
