// The memory system's tools for students and tests, kernel side: vmquery (vminfo.c), the
// event ring for user space and the fault echo (vmtrace.c), the invariant checker (check.c);
// their records and system-call numbers are in vminfo.h. Also the read-only accessors that
// events.c, swap.c and pcache.c offer them, so that the tools never reach into another
// file's statics. Everything here only reads the VM's state, under the locks vm.h names.
#pragma once
#include "types.h"
#include "vm/vm.h"
#include "vm/vminfo.h"

struct proc;

// vminfo.c: vmquery (28). Fills out (kernel memory, max records) and returns how many.
int vminfo_query(int pid, uint64 from, struct vmq_rec *out, int max);
// What an area of spt is for (VMQ_ROLE_*).
uint32 vminfo_area_role(const struct supplemental_page_table *spt, const struct vm_area *a);

// vmtrace.c: vmevents (29) and the fault echo of the vmtrace= boot argument.
// The trap code's one hook, after every user page fault with its result: with vmtrace= set
// for p, prints one console line (pid, va, access, the branch that resolved it or why not).
// Inline, so that a boot without vmtrace= pays a load and a branch per fault, not a call.
extern int vmtrace_mode;  // 0 (TRACE_OFF) once the boot argument is read and says no echo
void vmtrace_echo(struct proc *p, uint64 va, enum vm_access access, enum vm_fault r);
static inline void vmtrace_fault(struct proc *p, uint64 va, enum vm_access access,
                                 enum vm_fault r) {
  if (__atomic_load_n(&vmtrace_mode, __ATOMIC_RELAXED))
    vmtrace_echo(p, va, access, r);
}

// check.c: the invariant checker (vmcheck, 30; gdb's vmcheck reimplements it). Writes its
// verdict into msg; 0 when every checked invariant holds, 1 at the first disagreement.
int vm_check_invariants(char *msg, uint64 len);

// events.c: copies the ring's events with seq > since, oldest first; returns how many.
int vm_events_copy(uint64 since, struct vmev_rec *out, int max);

// swap.c: swap_lock for the checker, and a slot's share count (0: free; -1: no such slot)
// with swap_lock held.
void swap_lock_acquire(void);
void swap_lock_release(void);
uint64 swap_nslots(void);
int swap_slot_shares(uint64 slot);

// pcache.c, with frame_lock held: the frame the index holds for (ip, index), or NULL; and
// fn on every frame in the index with whether it hangs in the bucket its key hashes to
// (stops at fn's first nonzero result and returns it).
struct frame *pcache_lookup_locked(const struct inode *ip, uint64 index);
int pcache_for_each_locked(int (*fn)(struct frame *f, int right_bucket, void *arg), void *arg);
