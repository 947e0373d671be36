// The out-of-memory killer. When a claim finds no frame to be had (every frame pinned, or
// dirty with swap full), vm_get_frame asks here which process to sacrifice, as Linux's OOM
// killer does: the one holding the most memory by a badness score, the frames it maps (a
// frame that n pages map counts 1/n to each of their processes) plus its pages waiting in
// swap. init is never chosen, nor a process already dying (if one of those still holds
// memory, the claim waits for it instead). The victim is killed with one line saying what
// it held, the claim waits until it has exited (its frames and slots are back), and tries
// again. The process that needs the frame dies only when it is itself the worst: then the
// claim fails and the fault path kills it with the usual "out of memory" line.
// Locks: the frames are counted under frame_lock; the process table is peeked at without
// locks (a process changing state meanwhile is seen at the next try); kill() does the rest.
#include "vm/vm.h"
#include "arch/spinlock.h"
#include "lib/printf.h"
#include "proc/proc.h"

#define WEIGHT 1024           // one frame, in the badness score's fixed point
#define WAIT_TICKS_MAX 500    // how long a claim waits for a victim to exit (5 s)

static int dying(struct proc *p) {
  int state = __atomic_load_n(&p->state, __ATOMIC_RELAXED);
  return state == ZOMBIE || killed(p);
}

// Every process's badness, by its slot in proc[]: frames under frame_lock, then slots.
static void badness(uint64 score[NPROC]) {
  for (int i = 0; i < NPROC; i++)
    score[i] = 0;
  frame_lock_acquire();
  for (struct frame *f = frame_list.next; f != &frame_list; f = f->next)
    for (struct page *m = f->rmap; m; m = m->rmap_next)
      score[vm_lock_owner(m->area->lock)->slot] += WEIGHT / f->nmap;
  frame_lock_release();
  for (int i = 0; i < NPROC; i++)
    score[i] += (uint64)__atomic_load_n(&proc[i].pages_swapped, __ATOMIC_RELAXED) * WEIGHT;
}

// Waits until process p (pid) has exited or been reaped; 0 if it did, -1 if the wait ran
// out or the caller was killed meanwhile.
static int wait_for_exit(struct proc *p, int pid) {
  for (int t = 0; t < WAIT_TICKS_MAX; t++) {
    if (__atomic_load_n(&p->pid, __ATOMIC_RELAXED) != pid ||
        __atomic_load_n(&p->state, __ATOMIC_RELAXED) == ZOMBIE ||
        __atomic_load_n(&p->state, __ATOMIC_RELAXED) == UNUSED)
      return 0;
    if (sleep_ticks(1) < 0)
      return -1;
  }
  return -1;
}

int vm_oom_kill(const char *why) {
  struct proc *me = myproc();
  if (!me || killed(me))
    return 0;
  uint64 score[NPROC];
  badness(score);
  struct proc *worst = NULL, *exiting = NULL;
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    if (p->state == UNUSED || score[p->slot] == 0 || p->pid == 1)
      continue;
    if (dying(p)) {
      if (p != me && (!exiting || score[p->slot] > score[exiting->slot]))
        exiting = p;
    } else if (!worst || score[p->slot] > score[worst->slot]) {
      worst = p;
    }
  }
  if (exiting)  // its memory is on the way back: wait for it rather than kill another
    return wait_for_exit(exiting, exiting->pid) == 0;
  if (!worst)
    return 0;
  int pid = worst->pid;
  uint64 frames = (score[worst->slot] - (uint64)worst->pages_swapped * WEIGHT) / WEIGHT;
  if (worst == me)
    printf("oom: killed pid %d (%s), which held %lu frames and %d swap slots, the most of any "
           "process, and needed a frame %s\n", pid, me->name, frames, me->pages_swapped, why);
  else
    printf("oom: killed pid %d (%s), which held %lu frames and %d swap slots, the most of any "
           "process; pid %d (%s) needed a frame %s\n", pid, worst->name, frames,
           worst->pages_swapped, me->pid, me->name, why);
  VM_COUNT(oom_kills);
  vm_event(EV_KILL, pid, 0, VM_NO_MEMORY);
  if (worst == me) {  // the claim fails; the fault path sees the kill and says no more
    setkilled(me);
    return 0;
  }
  if (kill(pid) < 0)
    return 1;  // gone already: try again
  return wait_for_exit(worst, pid) == 0;
}
