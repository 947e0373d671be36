// Instruction counts for `make bench`: what a swap-in fault and an eviction cost, disk waits
// excluded. Only the benchmark build counts (make OPT=2 compiles with -DVM_PROFILE); in every
// other build the hooks are empty and cost nothing.
//
//   PROFILE_START(t);            t = this process's instructions so far
//   PROFILE_STOP(t, counter);    *counter += instructions since t (counter may be NULL)
//
// "This process's instructions" leave out the time it spent switched out (sched() adds that
// to p->profile_aside) and the counted sections inside (an eviction during a swap-in), so
// counted sections nest. instret is per hart, so only a one-hart machine counts.
#pragma once
#include "arch/cpu.h"
#include "arch/riscv.h"
#include "proc/proc.h"

#ifdef VM_PROFILE

static inline uint64 profile_now(void) {
  struct proc *p = myproc();
  return p ? r_instret() - p->profile_aside : 0;
}

static inline void profile_stop(uint64 start, unsigned long *counter) {
  if (!counter)  // not a counted section (a claim that is no swap-in, say): nothing to do
    return;
  struct proc *p = myproc();
  if (!p || ncpu != 1)
    return;
  uint64 spent = r_instret() - p->profile_aside - start;
  p->profile_aside += spent;
  if (counter)
    __atomic_fetch_add(counter, spent, __ATOMIC_RELAXED);
}

#define PROFILE_START(t) uint64 t = profile_now()
#define PROFILE_STOP(t, counter) profile_stop(t, counter)

#else

#define PROFILE_START(t) \
  do {                   \
  } while (0)
#define PROFILE_STOP(t, counter) \
  do {                           \
  } while (0)

#endif
