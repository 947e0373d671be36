// Instruction counts for `make bench`: what a swap-in fault and an eviction cost, disk waits
// excluded; and for `make profile`: where a page fault's instructions go, stage by stage.
// Only the benchmark build counts the first (make OPT=2 compiles with -DVM_PROFILE), only
// the profile build (build/P, -DVM_PROFILE -DVM_PROFILE_STAGES) the second, whose marks cost
// instructions of their own (calibrated and taken off by make profile); in every other
// build the hooks are empty and cost nothing.
//
//   PROFILE_START(t);            t = this process's instructions so far
//   PROFILE_STOP(t, counter);    *counter += instructions since t (counter may be NULL)
//   PROFILE_FAULT_BEGIN();       a user page fault starts (trap.c)
//   PROFILE_STAGE(field);        vm_counters.prof_<field> += instructions since the last mark
//   PROFILE_FAULT_END();         the fault returns to user mode: the rest goes to prof_rest
//
// The stages of a fault, each ended by its mark: dispatch (usertrap to vm_try_handle_fault),
// spt (the lookup), frame (vm_get_frame, or the page cache's frame), map (frame_map), fill
// (swap_in: zeroing, reading, copying), rest (to the return to user mode). make bench takes
// the differences over a run of faults of one kind; the user's own count of a fault, less
// these, is the trap's entry and exit in assembly.
//
// "This process's instructions" leave out the time it spent switched out (sched() adds that
// to p->profile_aside) and the counted sections inside (an eviction during a swap-in), so
// counted sections nest. instret is per hart, so only a one-hart machine counts.
#pragma once
#include "arch/cpu.h"
#include "arch/riscv.h"
#include "proc/proc.h"
#include "vm/vm.h"

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

#endif

#ifdef VM_PROFILE_STAGES

extern uint64 profile_mark;  // the last stage mark of the fault in progress; 0: none

static inline void profile_stage(unsigned long *counter) {
  if (!profile_mark || ncpu != 1)
    return;
  uint64 now = profile_now();
  *counter += now - profile_mark;
  profile_mark = now;
}

#define PROFILE_FAULT_BEGIN() (profile_mark = profile_now())
#define PROFILE_STAGE(field) profile_stage(&vm_counters.prof_##field)
#define PROFILE_FAULT_END()        \
  do {                             \
    if (profile_mark) {            \
      PROFILE_STAGE(rest);         \
      vm_counters.prof_faults++;   \
      profile_mark = 0;            \
    }                              \
  } while (0)

#else

#define PROFILE_FAULT_BEGIN() \
  do {                        \
  } while (0)
#define PROFILE_STAGE(field) \
  do {                       \
  } while (0)
#define PROFILE_FAULT_END() \
  do {                      \
  } while (0)

#endif

#ifndef VM_PROFILE

#define PROFILE_START(t) \
  do {                   \
  } while (0)
#define PROFILE_STOP(t, counter) \
  do {                           \
  } while (0)

#endif
