// Sleep locks: a spinlock-protected flag; waiters sleep on the lock itself. Waiters are
// counted, so that an uncontended release skips wakeup's scan of the whole process table
// (which took most of the ~15,000 instructions of a cached file-page fault).
#include "proc/sleeplock.h"
#include "proc/proc.h"

void initsleeplock(struct sleeplock *lk, const char *name) {
  initlock(&lk->lk, "sleep lock");
  lk->name = name;
  lk->locked = 0;
  lk->waiters = 0;
  lk->pid = 0;
}

void acquiresleep(struct sleeplock *lk) {
  acquire(&lk->lk);
  while (lk->locked) {
    lk->waiters++;
    sleep(lk, &lk->lk);
    lk->waiters--;
  }
  lk->locked = 1;
  lk->pid = myproc()->pid;
  release(&lk->lk);
}

void releasesleep(struct sleeplock *lk) {
  acquire(&lk->lk);
  lk->locked = 0;
  lk->pid = 0;
  if (lk->waiters)
    wakeup(lk);
  release(&lk->lk);
}

int holdingsleep(struct sleeplock *lk) {
  acquire(&lk->lk);
  int held = lk->locked && lk->pid == myproc()->pid;
  release(&lk->lk);
  return held;
}
