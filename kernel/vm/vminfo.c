// vmquery (28): a process's address space as records (vminfo.h) for vmmap: its areas, and
// runs of pages in the same state (untouched, resident, shared, cached, in swap, ...). Only
// reads. Called from sys_vmquery.
//
// Whose tables may be read, and how. Only a process's own thread changes the shape of its
// SPT (hash and areas), with no lock (vm.h: Locking), so another process's tables are read
// only while its thread cannot run:
//  - the caller itself: it is here, in this system call;
//  - another process only while it is SLEEPING, with its p->lock held throughout. A sleeper
//    stopped at a sleep() call, and nothing in the VM sleeps halfway through a change of
//    the tables; with p->lock held it can be neither woken into running nor freed (it must
//    run to exit, and wait's freeproc needs the lock). A RUNNABLE process may have been
//    preempted by a tick in the middle of a change, a RUNNING one is changing them now: both
//    are refused (-1), as are zombies, whose tables are gone.
// The pages' frame pointers and PAGE_EVICTING are their owner's vm lock's (vm.h). It ranks
// before p->lock, so with p->lock held it is only tried; when an evictor has it for a
// moment, the call lets go of both, waits a tick and tries again. A frame's share count and
// FRAME_CACHED are frame_lock's, which also ranks before p->lock: they are read without it
// (the frame cannot go while the locked page maps it; a count that changes meanwhile shows
// as either value). Records go to a kernel page under the locks, and to the user only after
// the locks are released (sys_vmquery's copyout may sleep).
#include "vm/vmtools.h"
#include "arch/spinlock.h"
#include "fs/fs.h"
#include "lib/string.h"
#include "proc/proc.h"

#define BUSY_TRIES 10  // ticks to wait for a busy vm lock before giving up (-1)
#define BATCH 32       // struct pages gathered per step of an area's walk

_Static_assert(VMQ_MAX_RECORDS * sizeof(struct vmq_rec) <= PGSIZE, "one page of records");

struct query {
  struct vmq_rec *out;
  int n, max;
  struct vmq_rec run;  // the run being extended (npages 0: none)
  uint64 next;         // 0, or where the caller must ask again (the records ran out)
};

uint32 vminfo_area_role(const struct supplemental_page_table *spt, const struct vm_area *a) {
  if (a == spt->stack)
    return VMQ_ROLE_STACK;
  if (a == spt->heap)
    return VMQ_ROLE_HEAP;
  if (a->flags & AREA_MMAP)
    return a->file ? VMQ_ROLE_MMAP_FILE : VMQ_ROLE_MMAP_ANON;
  if (!a->file)
    return VMQ_ROLE_BSS;
  if (a->flags & PAGE_EXEC)
    return VMQ_ROLE_TEXT;
  return a->flags & PAGE_WRITABLE ? VMQ_ROLE_DATA : VMQ_ROLE_RODATA;
}

static struct vmq_rec area_record(const struct supplemental_page_table *spt,
                                  const struct vm_area *a) {
  uint32 f = a->flags;
  struct vmq_rec r = {
      .type = VMQ_AREA,
      .flags = (f & PAGE_NOACCESS ? 0 : VMQ_A_READ) | (f & PAGE_WRITABLE ? VMQ_A_WRITE : 0) |
               (f & PAGE_EXEC ? VMQ_A_EXEC : 0) | (f & AREA_SHARED ? VMQ_A_SHARED : 0) |
               (f & AREA_MMAP ? VMQ_A_MMAP : 0) | (a->file ? VMQ_A_FILE : 0),
      .start = a->start,
      .npages = (a->end - a->start) / PGSIZE,
  };
  r.u.area.role = vminfo_area_role(spt, a);
  if (a->file) {
    r.u.area.offset = a->file->off + (a->start - a->file->vaddr);
    r.u.area.inum = a->file->ip->inum;
  }
  return r;
}

// A page's mark; the owner's vm lock is held (frame fields: see the top of the file).
static uint32 page_state(const struct page *page) {
  if (page->flags & PAGE_EVICTING)
    return VMQ_P_EVICTING;
  struct frame *f = page->frame;
  if (f) {
    if (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & FRAME_CACHED)
      return VMQ_P_CACHED;
    return __atomic_load_n(&f->nmap, __ATOMIC_RELAXED) > 1 ? VMQ_P_SHARED : VMQ_P_RESIDENT;
  }
  if (page->swap_slot >= 0)
    return VMQ_P_SWAPPED;
  return page_get_type(page) == VM_UNINIT ? VMQ_P_UNTOUCHED : VMQ_P_DROPPED;
}

// Emits the run being extended; -1 (and q->next set to where it starts) if no room is left.
static int flush_run(struct query *q) {
  if (q->run.npages == 0)
    return 0;
  if (q->n == q->max) {
    q->next = q->run.start;
    return -1;
  }
  q->out[q->n++] = q->run;
  q->run.npages = 0;
  return 0;
}

// Adds npages pages from va in one state: to the current run if they continue it.
static int add_pages(struct query *q, uint64 va, uint32 state, uint64 npages) {
  struct vmq_rec *r = &q->run;
  if (r->npages && r->flags == state && r->start + r->npages * PGSIZE == va) {
    r->npages += npages;
    return 0;
  }
  if (flush_run(q) < 0)
    return -1;
  *r = (struct vmq_rec){.type = VMQ_RUN, .flags = state, .start = va, .npages = npages};
  return 0;
}

struct batch {
  uint64 lo, hi;
  struct page **pages;  // sorted by va
  int n;
};

// spt_for_each's callback: keeps the BATCH lowest pages of [lo, hi).
static void keep_lowest(struct page *page, void *arg) {
  struct batch *b = arg;
  if (page->va < b->lo || page->va >= b->hi)
    return;
  if (b->n == BATCH && page->va > b->pages[BATCH - 1]->va)
    return;
  int i = b->n < BATCH ? b->n++ : BATCH - 1;  // full: the highest one drops out
  for (; i > 0 && b->pages[i - 1]->va > page->va; i--)
    b->pages[i] = b->pages[i - 1];
  b->pages[i] = page;
}

// The lowest BATCH struct pages of [lo, hi) in address order; returns how many (fewer than
// BATCH: all there are). A range smaller than the hash is looked up page by page; a larger
// one (a sparse 1 GiB heap) costs one sweep of the hash instead of 262,144 lookups.
static int collect(struct supplemental_page_table *spt, uint64 lo, uint64 hi,
                   struct page **pages) {
  struct batch b = {.lo = lo, .hi = hi, .pages = pages, .n = 0};
  if ((hi - lo) / PGSIZE > (uint64)spt->npages + spt->nbuckets) {
    spt_for_each(spt, keep_lowest, &b);
    return b.n;
  }
  for (uint64 va = lo; va < hi && b.n < BATCH; va += PGSIZE) {
    struct page *page = spt_lookup_existing(spt, va);
    if (page)
      pages[b.n++] = page;
  }
  return b.n;
}

// Emits the runs of area a from va up; -1 when the records ran out (q->next says where).
static int walk_area(struct query *q, struct supplemental_page_table *spt, struct vm_area *a,
                     uint64 va) {
  struct page *pages[BATCH];
  while (va < a->end) {
    int n = collect(spt, va, a->end, pages);
    for (int i = 0; i < n; i++) {
      if (pages[i]->va > va &&
          add_pages(q, va, VMQ_P_UNTOUCHED, (pages[i]->va - va) / PGSIZE) < 0)
        return -1;
      if (add_pages(q, pages[i]->va, page_state(pages[i]), 1) < 0)
        return -1;
      va = pages[i]->va + PGSIZE;
    }
    if (n < BATCH) {
      if (va < a->end && add_pages(q, va, VMQ_P_UNTOUCHED, (a->end - va) / PGSIZE) < 0)
        return -1;
      va = a->end;
    }
  }
  return flush_run(q);
}

// The records of p's address space from `from` up; p's tables cannot change meanwhile and
// its vm lock is held (see the top of the file).
static int describe(struct proc *p, uint64 from, struct vmq_rec *out, int max) {
  struct supplemental_page_table *spt = &p->spt;
  struct query q = {.out = out, .n = 1, .max = max};
  uint64 registered = 0;
  uint32 nareas = 0;
  for (struct vm_area *a = spt->areas; a; a = a->next) {
    registered += (a->end - a->start) / PGSIZE;
    nareas++;
  }
  for (struct vm_area *a = spt->areas; a && !q.next; a = a->next) {
    if (a->end <= from && !(a->start == a->end && a->start >= from))
      continue;  // below from (an empty area, a heap before sbrk, shows where it starts)
    uint64 va = MAX(from, a->start);
    if (q.n + 2 > q.max) {  // room for the area and its first run
      q.next = va;
      break;
    }
    out[q.n++] = area_record(spt, a);
    walk_area(&q, spt, a, va);
  }
  out[0] = (struct vmq_rec){.type = VMQ_PROC, .flags = p->pid, .start = q.next,
                            .npages = registered};
  out[0].u.proc.touched = spt->npages;
  out[0].u.proc.nareas = nareas;
  strlcpy(out[0].u.proc.name, p->name, sizeof(out[0].u.proc.name));
  return q.n;
}

// The process pid if it is asleep, returned with its p->lock held; else NULL.
static struct proc *lock_sleeper(int pid) {
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    acquire(&p->lock);
    if (p->pid == pid && p->state != UNUSED) {
      if (p->state == SLEEPING)
        return p;
      release(&p->lock);
      return NULL;
    }
    release(&p->lock);
  }
  return NULL;
}

int vminfo_query(int pid, uint64 from, struct vmq_rec *out, int max) {
  struct proc *me = myproc();
  if (max < 1 || pid < 0)
    return -1;
  if (pid == 0 || pid == me->pid) {
    acquire(&me->vm_lock);
    int n = describe(me, from, out, max);
    release(&me->vm_lock);
    return n;
  }
  for (int tries = 0;; tries++) {
    struct proc *p = lock_sleeper(pid);
    if (!p)
      return -1;
    if (try_acquire(&p->vm_lock)) {  // against the lock order: only tried (see the top)
      int n = describe(p, from, out, max);
      release(&p->vm_lock);
      release(&p->lock);
      return n;
    }
    release(&p->lock);
    if (tries == BUSY_TRIES || sleep_ticks(1) < 0)
      return -1;
  }
}
