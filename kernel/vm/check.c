// The VM invariant checker: do the supplemental page tables, the page tables, the frame
// table with its reverse maps, the page cache's index and the swap slots agree? It reports
// the first disagreement with the values that disagree, or "vmcheck: ok (...)". Called by
// the vmcheck system call (30; the VM tests call it before they end); gdb's vmcheck
// (scripts/gdb/sloth_vm.py) runs the same checks on a stopped kernel.
//
// Locks, in vm.h's order: the caller's own vm lock, frame_lock, every other process's vm
// lock tried (as the evictor does: a held one makes that process busy, skipped and counted),
// swap_lock, and for the walk of each other process's tables its p->lock. Held together they
// stop every change the checks compare: no frame is mapped, unmapped, cached or taken for
// eviction (frame_lock; one already being evicted shows as FRAME_EVICTING), no checked
// process takes or lets go of a slot (it would need its vm lock first), and no checked table
// changes shape: only a process's own thread reshapes its tables, and a checked process is
// the caller or is asleep under its p->lock (vminfo.c explains why only those). Interrupts
// stay off for the whole check (a few milliseconds): a tool for tests, not for production.
//
// A busy process, or something caught mid-change (a frame or page being evicted, a process
// inside exec, whose second image, being built or freed, no table shows), hides state that
// the totals need: the mappings counted per process, the pages naming each slot, leaked
// slots. Those are then skipped and the verdict says so; every other check holds at any
// moment.
#include "vm/vmtools.h"
#include "arch/memlayout.h"
#include "arch/pagetable.h"
#include "arch/spinlock.h"
#include "fs/fs.h"
#include "lib/printf.h"
#include "mm/mm.h"
#include "proc/proc.h"
#include "proc/syscall.h"
#include <stdarg.h>

#define SLOTS_PER_PAGE PGSIZE
#define NAMED_PAGES_MAX 64  // as swap.c's share pages: 256 Ki slots
#define CHAIN_MAX (1U << 22)  // longer than any real list: a walk going round a broken one
#define PERM_BITS (PTE_R | PTE_W | PTE_X | PTE_U)

struct inode_count {
  const struct inode *ip;
  uint64 pages;
};
#define INODES_MAX (PGSIZE / sizeof(struct inode_count))

struct check {
  char *msg;
  uint64 len;
  int failed;
  struct proc *me;
  uint64 pages, frames, slots;  // what was checked
  uint64 cached, indexed;       // FRAME_CACHED frames on the list, frames in the index
  int busy;         // processes skipped: their vm lock was held, or they were not asleep
  int transitions;  // state caught mid-change (see the top of the file)
  uint32 mapped_by[NPROC];    // mappings the frames' reverse maps give each process
  uint32 mapped_seen[NPROC];  // pages with a frame in each checked process's table
  uint8 locked[NPROC];        // the checker holds its vm lock
  uint8 odd[NPROC];           // a frame maps a page of it that is not in its table (exec)
  uint64 nslots;
  uint8 *named[NAMED_PAGES_MAX];  // how many checked pages name each slot, a byte each
  struct inode_count *inodes;     // one page: pages per inode in the page cache's index
  uint64 ninodes;
};

// Records the first disagreement; returns -1 so that callers can stop at once.
__attribute__((format(printf, 2, 3))) static int fail(struct check *c, const char *fmt, ...) {
  if (!c->failed) {
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(c->msg, c->len, "vmcheck: ");
    if ((uint64)n < c->len)
      vsnprintf(c->msg + n, c->len - n, fmt, ap);
    va_end(ap);
    c->failed = 1;
  }
  return -1;
}

static uint8 *named_of(struct check *c, uint64 slot) {
  return &c->named[slot / SLOTS_PER_PAGE][slot % SLOTS_PER_PAGE];
}

// The process whose vm lock this is, or NULL if it is no process's.
static struct proc *owner_of(const struct spinlock *lock) {
  uint64 a = (uint64)lock - __builtin_offsetof(struct proc, vm_lock);
  if (a < (uint64)proc || a >= (uint64)&proc[NPROC] || (a - (uint64)proc) % sizeof(struct proc))
    return NULL;
  return (struct proc *)a;
}

// ---- The frame table and the page cache's index (frame_lock held) ----

static int check_rmap(struct check *c, struct frame *f) {
  uint32 n = 0;
  for (struct page *m = f->rmap; m; m = m->rmap_next) {
    if (++n > CHAIN_MAX)
      return fail(c, "frame pa %p: its reverse map does not end", (void *)kva2pa(f->kva));
    if (m->frame != f)
      return fail(c, "frame pa %p: its reverse map names va %p, whose page->frame is %p",
                  (void *)kva2pa(f->kva), (void *)m->va, m->frame);
    struct proc *owner = owner_of(m->area->lock);
    if (!owner)
      return fail(c, "frame pa %p: va %p in its reverse map belongs to no process's vm lock",
                  (void *)kva2pa(f->kva), (void *)m->va);
    if (m->area->pagetable != owner->spt.pagetable) {  // exec's new or old image
      c->odd[owner - proc] = 1;
      c->transitions++;
    } else if (m->flags & PAGE_EVICTING) {  // the page side skips it too (check_page)
      c->transitions++;
    } else {
      c->mapped_by[owner - proc]++;
    }
  }
  if (n != f->nmap)
    return fail(c, "frame pa %p: nmap %u, but %u pages in its reverse map",
                (void *)kva2pa(f->kva), f->nmap, n);
  return 0;
}

static int check_frame(struct check *c, struct frame *f) {
  if (f->next->prev != f)
    return fail(c, "frame pa %p: the list's next frame does not point back",
                (void *)kva2pa(f->kva));
  if (check_rmap(c, f) < 0)
    return -1;
  if (!f->pin && !f->nmap && !(f->flags & FRAME_CACHED))
    return fail(c, "frame pa %p is on the list, but nothing pins, maps or caches it "
                "(pin 0, nmap 0, flags 0x%x)", (void *)kva2pa(f->kva), f->flags);
  if (f->flags & FRAME_EVICTING)
    c->transitions++;
  if (f->flags & FRAME_CACHED) {
    struct frame *found = pcache_lookup_locked(f->ip, f->index);
    if (found != f)
      return fail(c, "frame pa %p is FRAME_CACHED as inode %u page %lu, but the page "
                  "cache's index holds %p there", (void *)kva2pa(f->kva), f->ip->inum,
                  f->index, found);
    if (__atomic_load_n(&f->ip->nmapped, __ATOMIC_ACQUIRE) == 0 && !f->ip->pcache_dropping)
      return fail(c, "frame pa %p caches inode %u page %lu, but nothing maps the inode "
                  "(nmapped 0) and no pcache_unmapped is dropping its pages",
                  (void *)kva2pa(f->kva), f->ip->inum, f->index);
    c->cached++;
  }
  return 0;
}

static int check_frame_list(struct check *c) {
  uint64 total, used;
  frame_stats(&total, &used);
  uint64 n = 0;
  for (struct frame *f = frame_list.next; f != &frame_list; f = f->next) {
    if (++n > total + 1)
      return fail(c, "frame table: more than the %lu frames there can be on the list", total);
    if (check_frame(c, f) < 0)
      return -1;
  }
  c->frames = n;
  if (n != used)
    return fail(c, "frame table: %lu frames on the list, but frames_used is %lu", n, used);
  return 0;
}

static int check_index_entry(struct frame *f, int right_bucket, void *arg) {
  struct check *c = arg;
  if (!(f->flags & FRAME_CACHED))
    return fail(c, "page cache: frame pa %p is in the index but not FRAME_CACHED (flags 0x%x)",
                (void *)kva2pa(f->kva), f->flags);
  if (!right_bucket)
    return fail(c, "page cache: frame pa %p (inode %u page %lu) hangs in the wrong bucket",
                (void *)kva2pa(f->kva), f->ip->inum, f->index);
  uint64 i = 0;
  while (i < c->ninodes && c->inodes[i].ip != f->ip)
    i++;
  if (i == c->ninodes && c->ninodes < INODES_MAX)
    c->inodes[c->ninodes++] = (struct inode_count){.ip = f->ip, .pages = 0};
  if (i < c->ninodes)
    c->inodes[i].pages++;
  c->indexed++;
  return 0;
}

// Every index entry is a FRAME_CACHED frame in its right bucket, as many as the list holds
// (check_frame found each of those in the index), and each inode's pcache_pages is its
// number of entries.
static int check_page_cache(struct check *c) {
  if (pcache_for_each_locked(check_index_entry, c) < 0)
    return -1;
  if (c->indexed != c->cached)
    return fail(c, "page cache: %lu FRAME_CACHED frames on the list, but %lu in the index",
                c->cached, c->indexed);
  for (uint64 i = 0; i < c->ninodes; i++)
    if ((uint64)c->inodes[i].ip->pcache_pages != c->inodes[i].pages)
      return fail(c, "page cache: inode %u has %lu pages in the index, but pcache_pages %d",
                  c->inodes[i].ip->inum, c->inodes[i].pages, c->inodes[i].ip->pcache_pages);
  return 0;
}

// ---- One process's tables (its vm lock held; asleep under its p->lock, or the caller) ----

static int check_areas(struct check *c, struct proc *p) {
  struct supplemental_page_table *spt = &p->spt;
  uint64 prev_end = 0, n = 0;
  int heap_seen = !spt->heap, stack_seen = !spt->stack;
  for (struct vm_area *a = spt->areas; a; a = a->next) {
    if (++n > CHAIN_MAX)
      return fail(c, "pid %d: its area list does not end", p->pid);
    if (a->start % PGSIZE || a->end % PGSIZE || a->end < a->start || a->start < prev_end ||
        a->end > USER_TOP)
      return fail(c, "pid %d: area [%p, %p) is unaligned, inside out, unsorted or overlaps "
                  "the one before (which ends at %p)", p->pid, (void *)a->start,
                  (void *)a->end, (void *)prev_end);
    if (a->lock != &p->vm_lock || a->pagetable != spt->pagetable)
      return fail(c, "pid %d: area [%p, %p) has lock %p and page table %p, not the process's",
                  p->pid, (void *)a->start, (void *)a->end, a->lock, a->pagetable);
    prev_end = a->end;
    heap_seen |= a == spt->heap;
    stack_seen |= a == spt->stack;
  }
  // Exit frees the hash, then the areas one by one, and forgets the heap and stack last:
  // asleep in between (dropping a mapped file), the process still names freed ones.
  if ((!heap_seen || !stack_seen) && !spt->buckets) {
    c->transitions++;
  } else if (!heap_seen || !stack_seen) {
    return fail(c, "pid %d: its %s area is not in its area list", p->pid,
                heap_seen ? "stack" : "heap");
  }
  return 0;
}

static int area_listed(const struct supplemental_page_table *spt, const struct vm_area *area) {
  for (struct vm_area *a = spt->areas; a; a = a->next)
    if (a == area)
      return 1;
  return 0;
}

// A resident page: in its frame's reverse map, and mapped by a PTE to that frame's address
// with no more permission than vm_pte gives.
static int check_resident(struct check *c, struct proc *p, struct page *page, pte_t *pte) {
  struct frame *f = page->frame;
  struct page *m = f->rmap;
  for (uint32 n = 0; m && m != page && n <= f->nmap; n++)
    m = m->rmap_next;
  if (m != page)
    return fail(c, "pid %d va %p: page->frame is pa %p, whose reverse map does not name it",
                p->pid, (void *)page->va, (void *)kva2pa(f->kva));
  if (!pte || !(*pte & PTE_V) || PTE2PA(*pte) != kva2pa(f->kva))
    return fail(c, "pid %d va %p: resident in frame pa %p, but its PTE is 0x%lx", p->pid,
                (void *)page->va, (void *)kva2pa(f->kva), pte ? *pte : 0);
  pte_t allowed = vm_pte(page, f);
  if ((*pte & PERM_BITS) & ~(allowed & PERM_BITS))
    return fail(c, "pid %d va %p: PTE 0x%lx allows more than vm_pte's 0x%lx (nmap %u, frame "
                "flags 0x%x)", p->pid, (void *)page->va, *pte, allowed, f->nmap, f->flags);
  c->mapped_seen[p - proc]++;
  return 0;
}

static int check_swap_slot(struct check *c, struct proc *p, struct page *page) {
  int32 slot = page->swap_slot;
  if ((uint64)slot >= c->nslots)
    return fail(c, "pid %d va %p: names swap slot %d, beyond the %lu slots", p->pid,
                (void *)page->va, slot, c->nslots);
  if (swap_slot_shares(slot) <= 0)
    return fail(c, "pid %d va %p: names swap slot %d, which is free", p->pid,
                (void *)page->va, slot);
  uint8 *named = named_of(c, slot);
  if (*named == 255)
    c->transitions++;  // more namers than a byte counts: the totals cannot be compared
  else
    (*named)++;
  return 0;
}

static int check_page(struct check *c, struct proc *p, struct page *page) {
  struct supplemental_page_table *spt = &p->spt;
  if (spt_lookup_existing(spt, page->va) != page)
    return fail(c, "pid %d va %p: in the hash, but its lookup finds %p (wrong bucket or a "
                "duplicate)", p->pid, (void *)page->va, spt_lookup_existing(spt, page->va));
  if (!area_listed(spt, page->area) || page->va < page->area->start ||
      page->va >= page->area->end)
    return fail(c, "pid %d va %p: its area %p is not in the list or does not cover it",
                p->pid, (void *)page->va, page->area);
  pte_t *pte = walk(spt->pagetable, page->va, 0);
  int valid = pte && (*pte & PTE_V);
  if (page->flags & PAGE_EVICTING) {
    c->transitions++;
    if (valid)
      return fail(c, "pid %d va %p: PAGE_EVICTING, but its PTE 0x%lx is valid", p->pid,
                  (void *)page->va, *pte);
    return 0;
  }
  if (page->frame && check_resident(c, p, page, pte) < 0)
    return -1;
  if (!page->frame && valid)
    return fail(c, "pid %d va %p: no frame, but its PTE 0x%lx is valid", p->pid,
                (void *)page->va, *pte);
  if (page->swap_slot >= 0 && check_swap_slot(c, p, page) < 0)
    return -1;
  c->pages++;
  return 0;
}

struct page_walk {
  struct check *c;
  struct proc *p;
  uint32 n;
};

static void check_page_cb(struct page *page, void *arg) {
  struct page_walk *w = arg;
  if (!w->c->failed && ++w->n <= CHAIN_MAX)
    check_page(w->c, w->p, page);
}

// Every valid user leaf maps a page of the table that has a frame at that address (the
// pages' side checked the converse): no PTE outlives its page, none maps an untouched one.
static int check_leaf(struct check *c, struct proc *p, uint64 va, pte_t pte) {
  struct page *page = spt_lookup_existing(&p->spt, va);
  if (!page || !page->frame || kva2pa(page->frame->kva) != PTE2PA(pte))
    return fail(c, "pid %d va %p: a valid PTE 0x%lx, but %s", p->pid, (void *)va, pte,
                !page ? "no struct page there" : !page->frame ? "its page has no frame"
                                                              : "its page's frame is elsewhere");
  return 0;
}

static int check_page_table(struct check *c, struct proc *p) {
  pagetable_t root = p->spt.pagetable;
  for (uint64 i = 0; i < USER_TOP >> PX_SHIFT(2); i++) {
    if (!(root[i] & PTE_V))
      continue;
    if (root[i] & PTE_LEAF)
      return fail(c, "pid %d: a 1 GiB leaf at root index %lu", p->pid, i);
    pagetable_t l1 = pa2kva(PTE2PA(root[i]));
    for (uint64 j = 0; j < 512; j++) {
      if (!(l1[j] & PTE_V))
        continue;
      if (l1[j] & PTE_LEAF)
        return fail(c, "pid %d: a 2 MiB leaf at index %lu/%lu", p->pid, i, j);
      pagetable_t l0 = pa2kva(PTE2PA(l1[j]));
      for (uint64 k = 0; k < 512; k++) {
        uint64 va = (i << PX_SHIFT(2)) | (j << PX_SHIFT(1)) | (k << PX_SHIFT(0));
        if ((l0[k] & PTE_V) && check_leaf(c, p, va, l0[k]) < 0)
          return -1;
      }
    }
  }
  return 0;
}

static int check_tables(struct check *c, struct proc *p) {
  struct supplemental_page_table *spt = &p->spt;
  if (check_areas(c, p) < 0)
    return -1;
  struct page_walk w = {.c = c, .p = p, .n = 0};
  spt_for_each(spt, check_page_cb, &w);
  if (c->failed)
    return -1;
  if (w.n != spt->npages)
    return fail(c, "pid %d: the hash holds %u pages, but npages is %u", p->pid, w.n,
                spt->npages);
  if (check_page_table(c, p) < 0)
    return -1;
  int i = p - proc;
  if (!c->odd[i] && c->mapped_seen[i] != c->mapped_by[i])
    return fail(c, "pid %d: %u of its pages have frames, but the frames' reverse maps name %u",
                p->pid, c->mapped_seen[i], c->mapped_by[i]);
  return 0;
}

// Another process's tables: only while it sleeps, under its p->lock (see the top).
static int check_other(struct check *c, struct proc *p) {
  acquire(&p->lock);
  int r = 0;
  if (p->state == SLEEPING) {
    // Its trap frame holds the system call it is in (a user trap cannot come meanwhile).
    if (p->trapframe.cause == EXC_ECALL_U && p->trapframe.a7 == SYS_exec)
      c->transitions++;
    r = check_tables(c, p);
  } else if (p->state != UNUSED && p->state != ZOMBIE)  // a zombie's tables are gone
    c->busy++;
  release(&p->lock);
  return r;
}

// ---- Swap slots (swap_lock held) ----

// With every process checked and nothing mid-change, each slot's share count is the number
// of pages naming it, and no slot is in use that nobody names.
static int check_slot_totals(struct check *c) {
  for (uint64 s = 0; s < c->nslots; s++) {
    int shares = swap_slot_shares(s);
    uint8 named = *named_of(c, s);
    c->slots += shares > 0;
    if (shares > 0 && named == 0)
      return fail(c, "swap slot %lu is in use (share count %d), but no page names it: leaked",
                  s, shares);
    if (shares != named)
      return fail(c, "swap slot %lu: share count %d, but named by %u page%s", s, shares, named,
                  named == 1 ? "" : "s");
  }
  return 0;
}

// Without the full picture: a slot can only have more sharers than the checked pages.
static int check_slot_bounds(struct check *c) {
  for (uint64 s = 0; s < c->nslots; s++) {
    int shares = swap_slot_shares(s);
    c->slots += shares > 0;
    if (*named_of(c, s) > shares)
      return fail(c, "swap slot %lu: share count %d, but named by %u page%s", s, shares,
                  *named_of(c, s), *named_of(c, s) == 1 ? "" : "s");
  }
  return 0;
}

// ---- The whole check ----

// Tries every other process's vm lock (frame_lock held); a held one makes it busy.
static void lock_others(struct check *c) {
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    if (p == c->me)
      continue;
    if (try_acquire(&p->vm_lock))
      c->locked[p - proc] = 1;
    else if (__atomic_load_n(&p->state, __ATOMIC_RELAXED) != UNUSED)
      c->busy++;
  }
}

static void unlock_others(struct check *c) {
  for (int i = 0; i < NPROC; i++)
    if (c->locked[i])
      release(&proc[i].vm_lock);
}

// The others' vm locks are taken before the frames are looked at: finish_eviction changes a
// page's PAGE_EVICTING under its owner's vm lock alone.
static int check_all(struct check *c) {
  lock_others(c);
  int r = check_frame_list(c) < 0 || check_page_cache(c) < 0 ? -1 : 0;
  swap_lock_acquire();
  if (r == 0)
    r = check_tables(c, c->me);
  for (int i = 0; r == 0 && i < NPROC; i++)
    if (c->locked[i])
      r = check_other(c, &proc[i]);
  if (r == 0)
    r = c->busy || c->transitions ? check_slot_bounds(c) : check_slot_totals(c);
  swap_lock_release();
  unlock_others(c);
  return r;
}

// The scratch memory, taken before any lock: the per-slot counts and the inode table.
static int alloc_scratch(struct check *c) {
  c->nslots = swap_nslots();
  if (!(c->inodes = kpage_zalloc()))
    return -1;
  for (uint64 i = 0; i * SLOTS_PER_PAGE < c->nslots; i++)
    if (i >= NAMED_PAGES_MAX || !(c->named[i] = kpage_zalloc()))
      return -1;
  return 0;
}

static void free_scratch(struct check *c) {
  if (c->inodes)
    kpage_free(c->inodes);
  for (int i = 0; i < NAMED_PAGES_MAX; i++)
    if (c->named[i])
      kpage_free(c->named[i]);
}

int vm_check_invariants(char *msg, uint64 len) {
  struct check c = {.msg = msg, .len = len, .me = myproc()};
  if (alloc_scratch(&c) < 0) {
    free_scratch(&c);
    fail(&c, "not run: no memory for its counts");
    return 1;
  }
  acquire(&c.me->vm_lock);
  frame_lock_acquire();
  check_all(&c);
  frame_lock_release();
  release(&c.me->vm_lock);
  free_scratch(&c);
  if (c.failed)
    return 1;
  snprintf(msg, len, "vmcheck: ok (%lu pages, %lu frames, %lu swap slots checked%s)", c.pages,
           c.frames, c.slots, c.busy || c.transitions ? "; some busy, totals not compared" : "");
  return 0;
}
