// The frame table: one struct frame per frame that backs user pages or caches a file page.
// User frames come from the page allocator, up to a limit fixed at boot (the frames= boot
// argument, else all free memory but a reserve for the kernel's own tables, stacks and
// buffers). Each frame keeps its reverse map: every page that maps it (several when a mapped
// file's page is shared), so that eviction can unmap them all. When the limit is reached a
// frame is taken from its pages (eviction): victim.c's scan picks it by the evict= policy
// (clock by default, or FIFO), and the first mapping page's swap_out saves the contents.
//
// Lock: frame_lock guards the list (in clock-hand order), frames_used, every frame's rmap,
// nmap and FRAME_EVICTING, and the page cache's index; see vm.h for the order against the
// owners' vm locks, which an evictor holding frame_lock can only try.
#include "vm/vm.h"
#include "arch/cpu.h"
#include "arch/memlayout.h"
#include "arch/pagetable.h"
#include "arch/spinlock.h"
#include "dev/disk.h"
#include "lib/bootargs.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "proc/proc.h"
#include "vm/profile.h"

static const char *policy_names[] = {[EVICT_CLOCK] = "clock", [EVICT_FIFO] = "FIFO",
                                     [EVICT_2Q] = "2q"};
#define EVICT_DEFAULT EVICT_2Q
// evict=2q: a frame's state in frame->age (frames_inactive counts the first two).
#define AGE_NEW 0       // inactive, and not passed by the hand since it got its page
#define AGE_INACTIVE 1  // on probation: taken if not accessed by the next pass
#define AGE_ACTIVE 2    // in use: passed over (and aged only when few are inactive)

// How long vm_get_frame waits for pinned frames to come free before it gives up, and how
// many processes one claim may have the OOM killer kill.
#define WAIT_TICKS_MAX 100
#define OOM_VICTIMS_MAX 8

static struct spinlock frame_lock = SPINLOCK_INIT("frame");
struct frame frame_list = {.next = &frame_list, .prev = &frame_list};  // guarded by frame_lock
static uint64 frames_total;  // the limit; set once at boot
static uint64 frames_used;   // guarded by frame_lock
static uint64 frames_inactive;  // evict=2q: mapped frames not active (guarded by frame_lock)
static enum evict_policy policy;  // set once at boot

// Sets the limit of user frames (the frames= boot argument, else the default share) and the
// replacement policy (evict=); returns the limit.
uint64 frame_table_init(void) {
  uint64 nframes = bootarg_int("frames", 0);
  const char *ev = bootarg("evict");
  enum evict_policy p = EVICT_DEFAULT;
  if (ev && strcmp(ev, "fifo") == 0)
    p = EVICT_FIFO;
  else if (ev && strcmp(ev, "clock") == 0)
    p = EVICT_CLOCK;
  else if (ev && strcmp(ev, "2q") == 0)
    p = EVICT_2Q;
  else if (ev)
    printf("vm: evict=%s is not 2q, clock or fifo; using %s\n", ev, policy_names[p]);
  uint64 free = kalloc_free_pages();
  uint64 reserve = MAX(free / 8, 1024UL);
  uint64 fit = free > reserve ? free - reserve : free / 2;
  if (nframes == 0 || nframes > fit) {
    if (nframes > fit)
      printf("vm: frames=%lu is more than memory allows; using %lu\n", nframes, fit);
    nframes = fit;
  }
  frames_total = nframes;
  policy = p;
  printf("vm: %lu user frames (%lu MiB), %s eviction\n", nframes, nframes >> 8,
         policy_names[p]);
  return nframes;
}

void frame_lock_acquire(void) { acquire(&frame_lock); }
void frame_lock_release(void) { release(&frame_lock); }

// Sleeps until the evictor that holds f (FRAME_EVICTING) wakes its waiters. From then on f
// may be freed at any moment (the evictor gives the extra frames of a cluster back), so the
// caller looks the frame up again and never reads f after this returns. frame_lock is held
// (and held again on return).
void frame_wait(struct frame *f) { sleep(f, &frame_lock); }

// ---- The reverse map ----

// The PTE that maps page to frame now: writable only where a write cannot reach anyone else
// (a shared mapping's frame, or a private frame that this page alone maps); a write to any
// other writable page faults, and the fault path copies it (copy-on-write). A mapping starts
// accessed (it is made for an access) and clean (the dirty bit records a user write).
pte_t vm_pte(const struct page *page, const struct frame *frame) {
  int own = page->area->flags & AREA_SHARED ? frame->flags & FRAME_CACHED
                                            : !(frame->flags & FRAME_CACHED) && frame->nmap == 1;
  int w = (page->flags & PAGE_WRITABLE) && own;
  return PA2PTE(kva2pa(frame->kva)) | PTE_V | PTE_U | PTE_R | PTE_A | (w ? PTE_W : 0) |
         (page->flags & PAGE_EXEC ? PTE_X : 0);
}

static pte_t *pte_of(const struct page *page) { return walk(page->area->pagetable, page->va, 0); }

int frame_map(struct page *page, struct frame *frame, enum vm_access access) {
  pte_t *pte = walk(page->area->pagetable, page->va, 1);
  if (!pte)
    return -1;
  if (*pte & PTE_V)
    panic("frame_map: va %p is mapped already", (void *)page->va);
  // frame_lock alone: whoever looks at a frame's mappings (an evictor, the checker) holds it,
  // and nobody but this process's own thread touches a page that has no frame.
  acquire(&frame_lock);
  page->rmap_next = frame->rmap;
  frame->rmap = page;
  if (++frame->nmap == 2)
    VM_COUNT(frames_shared);
  page->frame = frame;
  pte_t entry = vm_pte(page, frame);
  // A write maps the page dirty at once: the store that faulted is about to dirty it, and a
  // clean page could be dropped before the store ever runs.
  if (access == ACCESS_WRITE && (entry & PTE_W))
    entry |= PTE_D;
  __atomic_store_n(pte, entry, __ATOMIC_RELEASE);
  release(&frame_lock);
  return 0;
}

int frame_unmap(struct page *page) {
  struct frame *f = page->frame;
  pte_t *pte = pte_of(page);
  pte_t old = __atomic_exchange_n(pte, 0, __ATOMIC_ACQ_REL);
  // Only this process's hart can cache the entry: the process runs nowhere else, and every
  // switch to it flushes the TLB (run() in proc.c).
  sfence_vma_page(page->va);
  acquire(&frame_lock);
  struct page **pp = &f->rmap;
  while (*pp != page) {
    if (!*pp)
      panic("frame_unmap: va %p is not in its frame's reverse map", (void *)page->va);
    pp = &(*pp)->rmap_next;
  }
  *pp = page->rmap_next;
  if (f->nmap-- == 2)
    VM_SUB(frames_shared, 1);
  release(&frame_lock);
  page->rmap_next = NULL;
  page->frame = NULL;
  return (old & PTE_D) != 0;
}

// Is the frame's contents newer than their source? The kernel's writes through kva set
// FRAME_DIRTY; a user's set the dirty bit of the PTE it wrote through. The caller keeps the
// rmap from changing (frame_lock, or a pin and PAGE_EVICTING on the mapping pages).
int frame_is_dirty(struct frame *f) {
  if (__atomic_load_n(&f->flags, __ATOMIC_ACQUIRE) & FRAME_DIRTY)
    return 1;
  for (struct page *m = f->rmap; m; m = m->rmap_next)
    if (*pte_of(m) & PTE_D)
      return 1;
  return 0;
}

// ---- Allocation ----

// A new frame from the page allocator, pinned and on the list; NULL at the limit, or when
// the kernel has no page or frame record to give (*kernel_short is then set). The racy look
// at the count spares a full pool an allocation that would only be given back.
static struct frame *new_frame(int *kernel_short) {
  if (__atomic_load_n(&frames_used, __ATOMIC_RELAXED) >= frames_total)
    return NULL;
  struct frame *f = kmalloc(sizeof(*f));
  int zero = 0;
  void *kva = f ? kpage_alloc_prefer_zeroed(&zero) : NULL;
  if (!kva) {
    kfree(f);
    *kernel_short = 1;
    return NULL;
  }
  *f = (struct frame){.kva = kva, .pin = 1, .flags = zero ? FRAME_ZEROED : 0};
  acquire(&frame_lock);
  if (frames_used >= frames_total) {
    release(&frame_lock);
    kpage_free(kva);
    kfree(f);
    return NULL;
  }
  frames_used++;
  frames_inactive++;  // new frames start on probation (evict=2q)
  f->next = &frame_list;
  f->prev = frame_list.prev;
  frame_list.prev->next = f;
  frame_list.prev = f;
  release(&frame_lock);
  return f;
}

// Unlinks a frame that nobody uses any more from the list; frame_lock is held. The caller
// gives its page back to the allocator once the lock is released.
static void unlink_frame(struct frame *f) {
  f->prev->next = f->next;
  f->next->prev = f->prev;
  frames_used--;
  if (f->age != AGE_ACTIVE)
    frames_inactive--;
}

// ---- Eviction ----

// The vm locks of a frame's owners, each once (a process may map a frame at several pages).
struct owner_locks {
  struct spinlock *held[NPROC];
  int n;
};

// Tries to take the vm lock of every page that maps f: 1 with all held (in ol), or 0 with
// none held.
static int lock_mappers(struct frame *f, struct owner_locks *ol) {
  ol->n = 0;
  for (struct page *m = f->rmap; m; m = m->rmap_next) {
    if (holding(m->area->lock))
      continue;  // another page of the same process: taken already in this loop
    if (ol->n == NPROC || !try_acquire(m->area->lock)) {
      while (ol->n > 0)
        release(ol->held[--ol->n]);
      return 0;
    }
    ol->held[ol->n++] = m->area->lock;
  }
  return 1;
}

static void unlock_mappers(struct owner_locks *ol) {
  while (ol->n > 0)
    release(ol->held[--ol->n]);
}

int frame_unmap_all_locked(struct frame *f) {
  struct owner_locks ol;
  if (!lock_mappers(f, &ol))
    return 0;
  for (struct page *m = f->rmap, *next; m; m = next) {
    next = m->rmap_next;
    __atomic_store_n(pte_of(m), 0, __ATOMIC_RELEASE);
    user_tlb_shootdown(m->area->lock, m->va);
    m->rmap_next = NULL;
    m->frame = NULL;
    VM_SUB(pages_resident, 1);
  }
  unlock_mappers(&ol);
  if (f->nmap > 1)
    VM_SUB(frames_shared, 1);
  f->rmap = NULL;
  f->nmap = 0;
  return 1;
}

// Clock's second chance: was any mapping (or, for a cached page, a lookup) used since the
// hand last passed? Clears what it tests. A hart that still holds the PTE in its TLB does
// not set the bit again when it uses the page, so this hart forgets the page too (the
// process that evicts is most often the one whose pages it looks at); other harts forget
// every user page when they next switch processes, which is when the bit counts again.
static int test_and_clear_accessed(struct frame *f) {
  int used = (f->flags & FRAME_REFERENCED) != 0;
  f->flags &= ~FRAME_REFERENCED;
  for (struct page *m = f->rmap; m; m = m->rmap_next) {
    pte_t *pte = pte_of(m);
    if (*pte & PTE_A) {
      __atomic_fetch_and(pte, ~(pte_t)PTE_A, __ATOMIC_RELAXED);
      sfence_vma_page(m->va);
      used = 1;
    }
  }
  return used;
}

// The policy's second chance: should the hand pass f over this time?
//   clock: it was accessed since the last pass.
//   2q (two queues in one list, scan-resistant): a page starts inactive, on probation; the
//     access that brought it in earns it one pass, and an access after that makes it active.
//     The hand takes only inactive pages not accessed since it last passed. It leaves active
//     pages alone while enough are inactive (a quarter of the frames), unless age_active says
//     a scan found none of those it could take; only then does it age them, keeping the
//     accessed ones active and moving the others back to probation. So a scan of pages
//     touched once churns through the inactive ones, and the pages in use stay.
static int second_chance(struct frame *f, enum evict_policy policy, int age_active) {
  if (policy == EVICT_CLOCK)
    return test_and_clear_accessed(f);
  if (f->age == AGE_ACTIVE) {
    if (!age_active && frames_inactive >= frames_used / 4)
      return 1;  // plenty on probation: an active page is not even looked at
    if (!test_and_clear_accessed(f)) {
      f->age = AGE_INACTIVE;
      frames_inactive++;
    }
    return 1;
  }
  int used = test_and_clear_accessed(f);
  if (f->age == AGE_NEW) {  // the access that brought the page in
    f->age = AGE_INACTIVE;
    return 1;
  }
  if (used) {
    f->age = AGE_ACTIVE;
    frames_inactive--;
    return 1;
  }
  return 0;
}

// Does saving f's contents need something the caller may not have? A private dirty frame
// needs a swap slot (reserved here); a cached one a file-system operation of its own, which
// cannot start inside one.
static int can_save(struct frame *f, int dirty) {
  if (!dirty || (f->flags & FRAME_DISCARD))
    return 1;
  if (f->flags & FRAME_CACHED) {
    struct proc *p = myproc();
    return p && p->fs_ops == 0;
  }
  return swap_reserve() == 0;
}

// The policy's look at one frame, with frame_lock held (victim.c calls it). Taking a frame
// needs the vm lock of every page that maps it, which rank before frame_lock: so only
// try_acquire. Under them the frame is unmapped everywhere (each PTE's last word on dirty is
// kept in FRAME_DIRTY), pinned, and its pages marked PAGE_EVICTING. A frame that cannot be
// saved now keeps its mappings and is passed over.
// arg: an int, nonzero when 2q must age active frames whatever the count on probation.
static enum victim_look look(struct frame *f, enum evict_policy p, void *arg) {
  if (__atomic_load_n(&f->pin, __ATOMIC_ACQUIRE))
    return LOOK_BUSY;
  if (!f->rmap && !(f->flags & FRAME_CACHED))
    panic("frame table: frame %p is on the list, unpinned, but nothing maps or caches it",
          f->kva);
  struct owner_locks ol;
  if (!lock_mappers(f, &ol))
    return LOOK_BUSY;
  if (__atomic_load_n(&f->pin, __ATOMIC_ACQUIRE)) {  // pinned by an owner meanwhile
    unlock_mappers(&ol);
    return LOOK_BUSY;
  }
  if (p != EVICT_FIFO && second_chance(f, p, *(int *)arg)) {
    unlock_mappers(&ol);
    return LOOK_RECENT;
  }
  if (!can_save(f, frame_is_dirty(f))) {
    unlock_mappers(&ol);
    return LOOK_BUSY;
  }
  int needs_slot = !(f->flags & (FRAME_CACHED | FRAME_DISCARD));
  int reserved = needs_slot && frame_is_dirty(f);
  for (struct page *m = f->rmap; m; m = m->rmap_next) {
    pte_t old = __atomic_exchange_n(pte_of(m), 0, __ATOMIC_ACQ_REL);
    if (old & PTE_D)
      __atomic_fetch_or(&f->flags, FRAME_DIRTY, __ATOMIC_RELAXED);
    m->flags |= PAGE_EVICTING;
  }
  // A store on another hart may have dirtied the frame after the look above: it needs the
  // slot that was not reserved then. Without one, the frame is mapped again.
  if (needs_slot && !reserved && frame_is_dirty(f) && swap_reserve() < 0) {
    for (struct page *m = f->rmap; m; m = m->rmap_next) {
      __atomic_store_n(pte_of(m), vm_pte(m, f), __ATOMIC_RELEASE);
      m->flags &= ~PAGE_EVICTING;
    }
    unlock_mappers(&ol);
    return LOOK_BUSY;
  }
  __atomic_store_n(&f->pin, 1, __ATOMIC_RELAXED);
  f->flags |= FRAME_EVICTING;
  if (f->age == AGE_ACTIVE)  // taken by FIFO's sweep: the frame starts over on probation
    frames_inactive++;
  f->age = AGE_NEW;
  unlock_mappers(&ol);
  return LOOK_TAKEN;
}

// The replacement policy's victim: a frame whose pages are unmapped and PAGE_EVICTING,
// pinned for the caller; NULL when none can be taken now (*busy: how many were passed over
// for now only). Enough sweeps of the hand for every second chance to run out: clock clears
// accessed bits on the first and takes on the second; 2q, if that finds nothing on probation
// to take, sweeps twice more ageing the active pages too (*age_active says so). Should other
// harts keep touching every frame meanwhile, FIFO's sweep decides. frame_lock held.
static struct frame *find_victim_locked(uint64 *busy, int *age_active) {
  *age_active = 0;
  struct frame *f = victim_scan(&frame_list, policy, look, age_active, 2 * frames_used + 1, busy);
  if (!f && policy == EVICT_2Q) {  // every page on probation was in use, or busy
    *age_active = 1;
    f = victim_scan(&frame_list, policy, look, age_active, 2 * frames_used + 1, busy);
  }
  if (!f && *busy == 0 && policy != EVICT_FIFO)
    f = victim_scan(&frame_list, EVICT_FIFO, look, age_active, frames_used + 1, busy);
  return f;
}

// Does the frame's save go to a swap slot? A dirty private frame (anonymous, or a private
// copy of a file page): exactly the frames look() reserved a slot for.
static int saves_to_swap(const struct frame *f, int dirty) {
  return dirty && f->rmap && !(f->flags & (FRAME_CACHED | FRAME_DISCARD));
}

// How many victims one claim takes from one scan (a cluster): up to CLUSTER_MAX, and at
// most a CLUSTER_SHARE-th of the frames in use, so a small pool is not emptied at once.
// Past the first victim the hand goes on for at most CLUSTER_STEPS steps a victim wanted.
#define CLUSTER_MAX DISK_PAGES_MAX
#define CLUSTER_SHARE 16
#define CLUSTER_STEPS 4

// The victims of one scan, in fs (at least CLUSTER_MAX entries): the first as
// find_victim_locked finds it; then, only if that one goes to swap, the next ones the hand takes within its
// step budget (clean or dirty: each is what the hand would take next anyway). Returns how
// many (0: none, *busy as find_victim_locked's).
static int get_victims(struct frame **fs, uint64 *busy) {
  acquire(&frame_lock);
  int age_active;
  struct frame *f = find_victim_locked(busy, &age_active);
  int n = 0;
  if (f) {
    fs[n++] = f;
    int max = (int)MIN((uint64)CLUSTER_MAX, MAX(frames_used / CLUSTER_SHARE, 1UL));
    if (saves_to_swap(f, frame_is_dirty(f))) {
      uint64 budget = (uint64)(max - 1) * CLUSTER_STEPS, b;
      for (uint64 step = 0; step < budget && n < max; step++) {
        struct frame *g = victim_scan(&frame_list, policy, look, &age_active, 1, &b);
        if (g)
          fs[n++] = g;
      }
    }
  }
  release(&frame_lock);
  return n;
}

// The pages of a frame whose eviction ended: each gets its mapping back (kept: the save
// failed) or loses its frame (evicted), and its owner is woken. An evicted cached frame
// leaves the page cache first, so no lookup finds it once FRAME_EVICTING clears.
static void finish_eviction(struct frame *f, int kept) {
  struct page *pages = f->rmap;
  if (!kept) {
    acquire(&frame_lock);
    f->rmap = NULL;  // the list is the evictor's own now: its pages wait for it
    if (f->nmap > 1)
      VM_SUB(frames_shared, 1);
    f->nmap = 0;
    if (f->flags & FRAME_CACHED)
      pcache_remove_locked(f);
    release(&frame_lock);
  }
  for (struct page *m = pages, *next; m; m = next) {
    next = m->rmap_next;  // read before the owner may free m
    acquire(m->area->lock);
    if (kept) {
      __atomic_store_n(pte_of(m), vm_pte(m, f), __ATOMIC_RELEASE);
    } else {
      m->rmap_next = NULL;
      __atomic_store_n(&m->frame, NULL, __ATOMIC_RELEASE);  // last: see vm_try_handle_fault
    }
    m->flags &= ~PAGE_EVICTING;
    wakeup(m);
    release(m->area->lock);
  }
  acquire(&frame_lock);
  f->flags &= ~FRAME_EVICTING;
  wakeup(f);
  release(&frame_lock);
}

// What an eviction remembers about the victim from before the save (for its counters and
// event).
struct eviction {
  int dirty, nmap;
  uint64 va;
};

// No hart may write through a stale TLB entry once the contents are being saved.
static void evict_begin(struct frame *f, struct eviction *e) {
  for (struct page *m = f->rmap; m; m = m->rmap_next)
    user_tlb_shootdown(m->area->lock, m->va);
  e->dirty = frame_is_dirty(f);
  e->nmap = (int)f->nmap;
  e->va = f->rmap ? f->rmap->va : 0;
}

// Saves the contents one frame at a time: the first mapping page's swap_out (to a swap slot,
// to the file, or nowhere if they can be rebuilt); a cached page that no page maps is written
// back by the page cache.
static int evict_save(struct frame *f, const struct eviction *e) {
  if (f->rmap)
    return f->rmap->ops->swap_out(f->rmap);
  return e->dirty && !(f->flags & FRAME_DISCARD) ? pcache_write_back(&f, 1) : 0;
}

// After the save (r: 0, or -1 if it failed): the pages lose their frame or, on a failure,
// are mapped again (the frame is unpinned then). Returns r.
static int evict_end(struct frame *f, const struct eviction *e, int r) {
  finish_eviction(f, r < 0);
  if (r < 0) {
    frame_unpin(f);
    return -1;
  }
  // read() and write() pin a cached frame without waiting for evictions (pcache.c): let
  // them finish with it. Nobody can pin it anew, as it is out of the page cache.
  while (__atomic_load_n(&f->pin, __ATOMIC_ACQUIRE) > 1)
    yield();
  f->flags = 0;
  VM_COUNT(evictions);
  if (!e->dirty)
    VM_COUNT(evictions_clean);
  VM_SUB(pages_resident, e->nmap);
  struct proc *p = myproc();
  vm_event(EV_EVICT, p ? p->pid : 0, e->va, e->dirty);
  return 0;
}

// Evicts the n victims of one scan: the dirty private ones go to consecutive swap slots in
// as few disk requests as the free runs allow (swap_write_cluster), the others are saved one
// by one. Returns one evicted frame for the caller (pinned, with no page) and gives
// the other evicted frames back to the page allocator, so the next claims find room without
// evicting; NULL if every save failed (their pages keep their frames).
static struct frame *evict_cluster(struct frame **fs, int n) {
  struct eviction e[CLUSTER_MAX];
  int r[CLUSTER_MAX], which[CLUSTER_MAX], nswap = 0;
  void *kvas[CLUSTER_MAX];
  long slots[CLUSTER_MAX];
  for (int i = 0; i < n; i++) {
    evict_begin(fs[i], &e[i]);
    if (saves_to_swap(fs[i], e[i].dirty)) {
      which[nswap] = i;
      kvas[nswap++] = fs[i]->kva;
    }
  }
  if (nswap)
    swap_write_cluster(kvas, nswap, slots);
  for (int k = 0; k < nswap; k++) {
    r[which[k]] = slots[k] < 0 ? -1 : 0;
    if (slots[k] >= 0)
      swap_name_slot(fs[which[k]], slots[k]);
  }
  for (int i = 0, k = 0; i < n; i++) {
    if (k < nswap && which[k] == i)
      k++;
    else
      r[i] = evict_save(fs[i], &e[i]);
  }
  struct frame *mine = NULL;
  for (int i = 0; i < n; i++) {
    if (evict_end(fs[i], &e[i], r[i]) < 0)
      continue;
    if (!mine)
      mine = fs[i];
    else
      vm_free_frame(fs[i]);
  }
  return mine;
}

// A frame taken from other pages by the replacement policy; NULL when none can be: every
// frame stays pinned for WAIT_TICKS_MAX ticks, or must be saved where there is no room (swap
// full), or the caller is killed meanwhile.
static struct frame *evict_for_frame(void) {
  for (int tries = 0; tries <= WAIT_TICKS_MAX; tries++) {
    uint64 busy;
    struct frame *fs[CLUSTER_MAX];
    PROFILE_START(cost);
    int n = get_victims(fs, &busy);
    struct frame *f = n ? evict_cluster(fs, n) : NULL;  // NULL: every write failed, pages kept
    PROFILE_STOP(cost, f ? &vm_counters.insns_evict : NULL);
    if (f)
      return f;
    if (!n && (busy == 0 || !myproc()))
      return NULL;
    if (!n && sleep_ticks(1) < 0)  // pinned frames come free as copies and transfers end
      return NULL;
  }
  return NULL;
}

// A frame for a page, pinned (the caller fills and maps it, then unpins): a new one while
// the pool has room, else one taken from other pages. When none can be taken, the OOM
// killer (oom.c) kills the process holding the most memory and the claim tries again; NULL
// when the caller is itself that process (or nothing else can be killed).
struct frame *vm_get_frame(void) {
#ifdef KDEBUG
  struct proc *me = myproc();
  if (me && holding(&me->vm_lock))
    panic("vm_get_frame: pid %d holds its vm lock (an evictor would release it)", me->pid);
#endif
  for (int victims = 0; victims <= OOM_VICTIMS_MAX; victims++) {
    int kernel_short = 0;
    struct frame *f = new_frame(&kernel_short);
    if (!f)
      f = evict_for_frame();
    if (f)
      return f;
    if (!vm_oom_kill(kernel_short ? "when the kernel had no free page for it"
                                  : "when no frame could be had (swap full, or every frame busy)"))
      return NULL;
  }
  return NULL;
}

struct frame *vm_get_free_frame(void) {
  int kernel_short = 0;
  return new_frame(&kernel_short);
}

// Returns a frame to the page allocator. No page maps it, it is not in the page cache, and
// the caller's pin is the only one (so no evictor or lookup can be looking at it).
void vm_free_frame(struct frame *f) {
  acquire(&frame_lock);
  if (f->rmap || (f->flags & FRAME_CACHED) || f->pin != 1)
    panic("vm_free_frame: frame %p still in use (nmap %u, flags %#x, pin %u)", f->kva, f->nmap,
          f->flags, f->pin);
  unlink_frame(f);
  release(&frame_lock);
  kpage_free(f->kva);
  kfree(f);
}

void frame_release(struct frame *f) {
  acquire(&frame_lock);
  uint32 left = __atomic_sub_fetch(&f->pin, 1, __ATOMIC_ACQ_REL);
  int orphan = left == 0 && f->nmap == 0 && !(f->flags & FRAME_CACHED);
  if (orphan)
    unlink_frame(f);
  release(&frame_lock);
  if (orphan) {
    kpage_free(f->kva);
    kfree(f);
  }
}

int frame_share(struct page *src, struct page *dst) {
  struct frame *f = src->frame;
  if (frame_map(dst, f, ACCESS_READ) < 0)
    return -1;
  // The source's write access goes (its dirty bit is kept in the frame): a write by either
  // side now faults and copies. src belongs to the running process, so only this hart may
  // cache its entry.
  acquire(src->area->lock);
  pte_t *pte = pte_of(src);
  pte_t old = __atomic_exchange_n(pte, vm_pte(src, f), __ATOMIC_ACQ_REL);
  if (old & PTE_D)
    __atomic_fetch_or(&f->flags, FRAME_DIRTY, __ATOMIC_RELAXED);
  release(src->area->lock);
  sfence_vma_page(src->va);
  return 0;
}

void frame_pin(struct frame *f) { __atomic_fetch_add(&f->pin, 1, __ATOMIC_ACQUIRE); }

void frame_unpin(struct frame *f) {
  if (__atomic_fetch_sub(&f->pin, 1, __ATOMIC_RELEASE) == 0)
    panic("frame_unpin: frame %p (first page va %p) is not pinned", f->kva,
          f->rmap ? (void *)f->rmap->va : NULL);
}

void frame_stats(uint64 *total, uint64 *used) {
  *total = frames_total;
  *used = __atomic_load_n(&frames_used, __ATOMIC_RELAXED);
}

int frame_pool_full(void) {
  return __atomic_load_n(&frames_used, __ATOMIC_RELAXED) >= frames_total;
}
