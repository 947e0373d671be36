// What the memory system tells about itself: the vmstat counters (updated with atomics from
// any hart: VM_COUNT, VM_ADD) and the VM event ring, the last EVENT_RING faults, claims,
// evictions, swaps and kills, for the moment something goes wrong. panic prints the ring;
// gdb's `vmevents` reads it too. Writers on any hart take an entry with one atomic add; a
// torn entry during a panic is acceptable.
#include "vm/vm.h"
#include "lib/printf.h"
#include "vm/vmtools.h"

struct vmstat vm_counters;
#ifdef VM_PROFILE
uint64 profile_mark;  // vm/profile.h: one hart only, so one fault at a time
#endif

void vm_get_stats(struct vmstat *st) {
  uint64 total, used;
  frame_stats(&total, &used);
  *st = vm_counters;
  st->frames_total = total;
  st->frames_used = used;
  st->frames_free = total - used;
}

#define EVENT_RING 64

struct vm_event_entry {
  uint64 seq;   // 0: never written
  uint64 va;
  uint64 info;  // kind-specific: page type, scause, fault result
  int pid;
  int kind;
};

struct vm_event_entry vm_event_ring[EVENT_RING];
uint64 vm_event_next;  // sequence number of the next event (atomic)

void vm_event(enum vm_event_kind kind, int pid, uint64 va, uint64 info) {
  uint64 seq = __atomic_fetch_add(&vm_event_next, 1, __ATOMIC_RELAXED) + 1;
  struct vm_event_entry *e = &vm_event_ring[seq % EVENT_RING];
  e->va = va;
  e->info = info;
  e->pid = pid;
  e->kind = kind;
  __atomic_store_n(&e->seq, seq, __ATOMIC_RELEASE);
}

static const char *kind_names[] = {
    [EV_FAULT] = "fault", [EV_CLAIM] = "claim",       [EV_EVICT] = "evict",
    [EV_SWAP_OUT] = "swap-out", [EV_SWAP_IN] = "swap-in", [EV_KILL] = "kill",
};

void vm_events_print(void) {
  uint64 last = __atomic_load_n(&vm_event_next, __ATOMIC_ACQUIRE);
  if (last == 0)
    return;
  uint64 first = last > EVENT_RING ? last - EVENT_RING + 1 : 1;
  printf("recent VM events (oldest first):\n");
  for (uint64 seq = first; seq <= last; seq++) {
    struct vm_event_entry *e = &vm_event_ring[seq % EVENT_RING];
    if (e->seq != seq)
      continue;
    printf("  #%lu %-8s pid %d va %p info 0x%lx\n", seq,
           e->kind < (int)ARRAY_SIZE(kind_names) ? kind_names[e->kind] : "?", e->pid,
           (void *)e->va, e->info);
  }
}

_Static_assert(EVENT_RING == VMEV_RING, "vminfo.h's VMEV_RING is the ring's size");

// For vmtrace (vmtools.h). An entry is taken only if its sequence number reads the same
// before and after the copy; one a writer is overwriting right then may still come out torn
// (as in a panic's print), which a tracing tool can live with.
int vm_events_copy(uint64 since, struct vmev_rec *out, int max) {
  uint64 last = __atomic_load_n(&vm_event_next, __ATOMIC_ACQUIRE);
  uint64 first = last > EVENT_RING ? last - EVENT_RING + 1 : 1;
  int n = 0;
  for (uint64 seq = MAX(first, since + 1); seq <= last && n < max; seq++) {
    struct vm_event_entry *e = &vm_event_ring[seq % EVENT_RING];
    if (__atomic_load_n(&e->seq, __ATOMIC_ACQUIRE) != seq)
      continue;
    out[n] = (struct vmev_rec){.seq = seq, .va = e->va, .info = e->info, .pid = e->pid,
                               .kind = e->kind};
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (__atomic_load_n(&e->seq, __ATOMIC_RELAXED) == seq)
      n++;
  }
  return n;
}
