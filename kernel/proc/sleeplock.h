// Sleep locks: long-held locks (across disk I/O) whose waiters sleep instead of spinning.
// Only processes may take them (not interrupt handlers, not the boot code before the first
// process runs).
#pragma once
#include "types.h"
#include "arch/spinlock.h"

struct sleeplock {
  uint locked;         // guarded by lk
  struct spinlock lk;  // protects this sleep lock
  const char *name;
  int pid;             // holder, for debugging
};

void initsleeplock(struct sleeplock *lk, const char *name);
void acquiresleep(struct sleeplock *lk);
void releasesleep(struct sleeplock *lk);
int holdingsleep(struct sleeplock *lk);
