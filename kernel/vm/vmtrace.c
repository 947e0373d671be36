// Tracing the fault path: the VM event ring for user space (vmevents, 29, for the vmtrace
// program) and the fault echo. With the boot argument vmtrace=PID, or vmtrace=NAME for
// every process of that name (a program's forked children keep its name), each of its page
// faults is printed on the console as it is resolved, one line: pid, access, va, the area,
// and the branch of the fault path that resolved it, or why it was not resolved.
//
// The echo learns the branch from the event ring, so that the fault path needs no extra
// code: trap.c logs the fault's FAULT event, and until trap.c calls vmtrace_fault after
// vm_try_handle_fault returns, the faulting process (one thread) can have logged only what
// its fault did: a CLAIM (zero-fill or file read, by the page's type: a mapped file's through
// the page cache), a SWAP_IN, the EVICTs it made to get a frame. vm.c logs nothing for a
// copy-on-write, so a write that logged no claim was one; any other fault that logged
// nothing found the page present (its accessed or dirty bit set by the kernel). If other
// harts' events pushed the fault's own out of the ring meanwhile, the line says so.
// No locks: the ring is lock-free (events.c), the faulting process reads its own areas.
#include "vm/vmtools.h"
#include "lib/bootargs.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "proc/proc.h"

_Static_assert(EV_FAULT == VMEV_FAULT && EV_CLAIM == VMEV_CLAIM && EV_EVICT == VMEV_EVICT &&
                   EV_SWAP_OUT == VMEV_SWAP_OUT && EV_SWAP_IN == VMEV_SWAP_IN &&
                   EV_KILL == VMEV_KILL,
               "vminfo.h's VMEV_* follow enum vm_event_kind");
_Static_assert(VM_NO_ACCESS + 1 == VMEV_NWHY, "vminfo.h's VMEV_WHY_NAMES follow enum vm_fault");
_Static_assert(VM_UNINIT == 0 && VM_ANON == 1 && VM_FILE == 2, "VMEV_TYPE_NAMES");

#define EVENTS_STEP 16  // events copied from the ring at a time

enum trace_mode { TRACE_OFF, TRACE_UNREAD, TRACE_PID, TRACE_NAME };
// Set once from the boot argument, by the first fault on any hart (a second hart reading it
// at the same moment writes the same values). vmtools.h's vmtrace_fault looks at it inline.
int vmtrace_mode = TRACE_UNREAD;
static int trace_pid;
static char trace_name[16];

static enum trace_mode read_boot_argument(void) {
  const char *v = bootarg("vmtrace");
  enum trace_mode mode = v && *v ? TRACE_PID : TRACE_OFF;
  int pid = 0;
  for (const char *c = v; mode == TRACE_PID && *c; c++) {
    if (*c < '0' || *c > '9')
      mode = TRACE_NAME;
    pid = pid * 10 + (*c - '0');
  }
  if (mode == TRACE_PID)
    trace_pid = pid;
  if (mode == TRACE_NAME)
    strlcpy(trace_name, v, sizeof(trace_name));
  if (mode != TRACE_OFF)
    printf("vmtrace: echoing every page fault of %s %s\n",
           mode == TRACE_PID ? "pid" : "the processes named", v);
  __atomic_store_n(&vmtrace_mode, mode, __ATOMIC_RELEASE);
  return mode;
}

static int traced(const struct proc *p) {
  enum trace_mode mode = __atomic_load_n(&vmtrace_mode, __ATOMIC_ACQUIRE);
  if (mode == TRACE_UNREAD)
    mode = read_boot_argument();
  return (mode == TRACE_PID && p->pid == trace_pid) ||
         (mode == TRACE_NAME && strcmp(p->name, trace_name) == 0);
}

// What one fault logged after its FAULT event (see the top of the file).
struct fault_events {
  int found;        // the fault's own FAULT event is still in the ring
  int claimed;      // a CLAIM: claim_type is the page's type
  int swapped_in;
  uint64 claim_type;
  int evictions;
  uint64 evict_va;  // the first eviction's page and whether it was written out
  uint64 evict_written;
};

static void note_event(struct fault_events *fe, const struct vmev_rec *e, int pid, uint64 va) {
  if (e->pid != pid)
    return;
  if (e->kind == VMEV_FAULT && e->va == va) {
    *fe = (struct fault_events){.found = 1};  // a later fault of ours starts afresh
  } else if (fe->found && e->kind == VMEV_CLAIM) {
    fe->claimed = 1;
    fe->claim_type = e->info;
  } else if (fe->found && e->kind == VMEV_SWAP_IN) {
    fe->swapped_in = 1;
  } else if (fe->found && e->kind == VMEV_EVICT) {
    if (fe->evictions++ == 0) {
      fe->evict_va = e->va;
      fe->evict_written = e->info;
    }
  }
}

// Reads the whole ring (oldest first) for the events of pid's fault at va.
static struct fault_events fault_events(int pid, uint64 va) {
  struct fault_events fe = {0};
  struct vmev_rec ev[EVENTS_STEP];
  uint64 since = 0;
  for (int step = 0; step < 2 * VMEV_RING / EVENTS_STEP; step++) {
    int n = vm_events_copy(since, ev, EVENTS_STEP);
    for (int i = 0; i < n; i++)
      note_event(&fe, &ev[i], pid, va);
    if (n < EVENTS_STEP)
      break;
    since = ev[n - 1].seq;
  }
  return fe;
}

// The branch that resolved a fault, in words.
static const char *branch(const struct fault_events *fe, const struct vm_area *area,
                          uint64 va, enum vm_access access) {
  if (!fe->found)
    return "resolved (which branch is unknown: the event ring moved on)";
  if (fe->swapped_in)
    return "swap-in";
  if (fe->claimed && fe->claim_type == VM_ANON)
    return "zero-fill";
  if (fe->claimed && area && area->file && vm_file_caches(area->file, PGROUNDDOWN(va)))
    return access == ACCESS_WRITE && !(area->flags & AREA_SHARED)
               ? "page cache, then a private copy" : "page cache";
  if (fe->claimed)
    return "file read";
  return access == ACCESS_WRITE ? "copy-on-write" : "present (accessed bit set)";
}

// The line for one fault of a traced process.
static void print_fault(struct proc *p, uint64 va, enum vm_access access, enum vm_fault r) {
  static const char *roles[] = VMQ_ROLE_NAMES;
  static const char *accesses[] = {[ACCESS_READ] = "read", [ACCESS_WRITE] = "write",
                                   [ACCESS_EXEC] = "exec"};
  struct vm_area *area = spt_find_area(&p->spt, va);
  const char *where = area ? roles[vminfo_area_role(&p->spt, area)] : "no area";
  if (r != VM_RESOLVED) {
    printf("vmtrace: pid %d (%s) %s at va %p (%s): not resolved: %s\n", p->pid, p->name,
           accesses[access], (void *)va, where, vm_fault_reason(r, access));
    return;
  }
  struct fault_events fe = fault_events(p->pid, va);
  char evicted[80] = "";
  if (fe.evictions)
    snprintf(evicted, sizeof(evicted), ", after evicting va %p (%s)%s", (void *)fe.evict_va,
             fe.evict_written ? "written out" : "dropped clean",
             fe.evictions > 1 ? " and more" : "");
  printf("vmtrace: pid %d (%s) %s at va %p (%s): %s%s\n", p->pid, p->name, accesses[access],
         (void *)va, where, branch(&fe, area, va, access), evicted);
}

// vmtrace_fault's call while the echo may be on (or the boot argument is still unread).
void vmtrace_echo(struct proc *p, uint64 va, enum vm_access access, enum vm_fault r) {
  if (traced(p))
    print_fault(p, va, access, r);
}
