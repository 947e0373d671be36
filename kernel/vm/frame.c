// The frame table: one struct frame per frame that backs a user page. User frames come from
// the page allocator, up to a limit fixed at boot (the frames= boot argument, else all free
// memory but a reserve for the kernel's own tables, stacks and buffers). When the limit is
// reached, a frame is taken from some page (eviction): victim.c's scan picks it by the evict=
// policy (clock by default, or FIFO), and the page's swap_out saves its contents.
//
// Lock: frame_lock guards the list (in clock-hand order), frames_used and the policy's
// view of unpinned frames; see vm.h for the order against the owners' vm locks.
#include "vm/vm.h"
#include "arch/cpu.h"
#include "arch/memlayout.h"
#include "arch/pagetable.h"
#include "arch/spinlock.h"
#include "lib/bootargs.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "proc/proc.h"
#include "vm/profile.h"

// How long vm_get_frame waits for pinned frames to come free before it gives up.
#define WAIT_TICKS_MAX 100

static struct spinlock frame_lock = SPINLOCK_INIT("frame");
struct frame frame_list = {.next = &frame_list, .prev = &frame_list};  // guarded by frame_lock
static uint64 frames_total;  // the limit; set once at boot
static uint64 frames_used;   // guarded by frame_lock
static enum evict_policy policy;  // set once at boot

// Sets the limit of user frames (the frames= boot argument, else the default share) and the
// replacement policy (evict=); returns the limit.
uint64 frame_table_init(void) {
  uint64 nframes = bootarg_int("frames", 0);
  const char *ev = bootarg("evict");
  enum evict_policy p = ev && strcmp(ev, "fifo") == 0 ? EVICT_FIFO : EVICT_CLOCK;
  if (ev && p == EVICT_CLOCK && strcmp(ev, "clock") != 0)
    printf("vm: evict=%s is neither clock nor fifo; using clock\n", ev);
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
         p == EVICT_FIFO ? "FIFO" : "clock");
  return nframes;
}

// A new frame from the page allocator, pinned and on the list; NULL at the limit. The racy
// look at the count spares a full pool an allocation that would only be given back.
static struct frame *new_frame(void) {
  if (__atomic_load_n(&frames_used, __ATOMIC_RELAXED) >= frames_total)
    return NULL;
  struct frame *f = kmalloc(sizeof(*f));
  void *kva = f ? kpage_alloc() : NULL;
  if (!kva) {
    kfree(f);
    return NULL;
  }
  *f = (struct frame){.kva = kva, .pin = 1};
  acquire(&frame_lock);
  if (frames_used >= frames_total) {
    release(&frame_lock);
    kpage_free(kva);
    kfree(f);
    return NULL;
  }
  frames_used++;
  f->next = &frame_list;
  f->prev = frame_list.prev;
  frame_list.prev->next = f;
  frame_list.prev = f;
  release(&frame_lock);
  return f;
}

// The policy's look at one frame, with frame_lock held (victim.c calls it). To take a frame
// it needs the owner's vm lock, which ranks before frame_lock: so only try_acquire. Under it
// the frame is unmapped (the PTE's last word on accessed and dirty is the one swapped out),
// pinned, and its page marked PAGE_EVICTING; a page that must be written but finds no swap
// slot gets its PTE back and is passed over.
static enum victim_look look(struct frame *f, int use_accessed, void *arg) {
  (void)arg;
  if (__atomic_load_n(&f->pin, __ATOMIC_ACQUIRE))
    return LOOK_BUSY;
  // An unpinned frame on the list has a fixed page (vm.h), so its owner's lock can be read.
  struct page *page = f->page;
  struct spinlock *lock = page->area->lock;
  if (!try_acquire(lock))
    return LOOK_BUSY;
  if (page->frame != f)
    panic("frame table: frame %p is on the list but its page (va %p) says otherwise", f->kva,
          (void *)page->va);
  if (__atomic_load_n(&f->pin, __ATOMIC_ACQUIRE)) {  // pinned by the owner meanwhile
    release(lock);
    return LOOK_BUSY;
  }
  if (use_accessed && (*f->pte & PTE_A)) {
    __atomic_fetch_and(f->pte, ~(pte_t)PTE_A, __ATOMIC_RELAXED);
    release(lock);
    return LOOK_RECENT;
  }
  pte_t old = __atomic_exchange_n(f->pte, 0, __ATOMIC_ACQ_REL);
  int dirty = (old & PTE_D) || (page->flags & PAGE_DIRTY);
  if (dirty && swap_reserve() < 0) {
    // Back as it was: an owner that faulted on the gap waits for the lock, then finds it.
    __atomic_store_n(f->pte, old, __ATOMIC_RELEASE);
    release(lock);
    return LOOK_BUSY;
  }
  __atomic_store_n(&f->pin, 1, __ATOMIC_RELAXED);
  page->flags = (page->flags & ~PAGE_DIRTY) | PAGE_EVICTING | (dirty ? PAGE_DIRTY : 0);
  release(lock);
  return LOOK_TAKEN;
}

// The replacement policy: a frame whose page is unmapped and PAGE_EVICTING, pinned for the
// caller; NULL when none can be taken now (*busy: how many were passed over for now only).
// Two sweeps of the hand: clock clears accessed bits on the first and takes on the second.
struct frame *vm_get_victim(uint64 *busy) {
  acquire(&frame_lock);
  struct frame *f = victim_scan(&frame_list, policy, look, NULL, 2 * frames_used + 1, busy);
  release(&frame_lock);
  return f;
}

// Evicts the victim's page: shoots its PTE out of every hart's TLB, lets the page's type save
// the contents (swap_out: to a swap slot, or nowhere if it can be rebuilt), then leaves the
// page without a frame and wakes its owner. On a failed write the page is mapped again.
int vm_evict_frame(struct frame *f) {
  struct page *page = f->page;
  struct spinlock *lock = page->area->lock;
  uint64 va = page->va;
  int dirty = page->flags & PAGE_DIRTY;
  // No hart may write through a stale TLB entry once the contents are being saved.
  user_tlb_shootdown(lock, va);
  int r = page->ops->swap_out(page);
  acquire(lock);
  if (r < 0) {  // the write failed (its slot, reserved by look(), went back with it)
    __atomic_store_n(f->pte, vm_pte(page, f), __ATOMIC_RELEASE);
    page->flags &= ~PAGE_EVICTING;
    wakeup(page);
    release(lock);
    frame_unpin(f);
    return -1;
  }
  page->flags &= ~(PAGE_EVICTING | PAGE_DIRTY);
  __atomic_store_n(&page->frame, NULL, __ATOMIC_RELEASE);  // last: see vm_try_handle_fault
  f->page = NULL;
  f->pte = NULL;
  wakeup(page);
  release(lock);
  VM_COUNT(evictions);
  if (!dirty)
    VM_COUNT(evictions_clean);
  VM_SUB(pages_resident, 1);
  struct proc *p = myproc();
  vm_event(EV_EVICT, p ? p->pid : 0, va, dirty);
  return 0;
}

// A frame for a page, pinned (the caller fills and maps it, then unpins): a new one while
// the pool has room, else one taken from another page. NULL when nothing can be evicted:
// every other frame stays pinned for WAIT_TICKS_MAX ticks, or holds a page that must be
// written while swap is full.
struct frame *vm_get_frame(void) {
  struct frame *f = new_frame();
  if (f)
    return f;
  for (int tries = 0; tries <= WAIT_TICKS_MAX; tries++) {
    uint64 busy;
    PROFILE_START(cost);
    f = vm_get_victim(&busy);
    int evicted = f && vm_evict_frame(f) == 0;  // a failed write: that page keeps its frame
    PROFILE_STOP(cost, evicted ? &vm_counters.insns_evict : NULL);
    if (evicted)
      return f;
    if (!f && (busy == 0 || !myproc()))
      return NULL;
    if (!f)
      sleep_ticks(1);  // pinned frames come free as copies and disk transfers end
  }
  return NULL;
}

// Returns a frame to the page allocator. Its page must no longer map it, and the caller
// holds the owner's vm lock or owns the frame by a pin (so no evictor can be looking at it).
void vm_free_frame(struct frame *f) {
  acquire(&frame_lock);
  f->prev->next = f->next;
  f->next->prev = f->prev;
  frames_used--;
  release(&frame_lock);
  kpage_free(f->kva);
  kfree(f);
}

// Pins are atomic counters, not under frame_lock: they are taken on every copyin/copyout.
// A pin of a mapped frame is taken under its owner's vm lock (vm_pin_user_page), and look()
// checks for pins under that lock, so a frame is never pinned and evicted at once.
void frame_pin(struct frame *f) { __atomic_fetch_add(&f->pin, 1, __ATOMIC_ACQUIRE); }

void frame_unpin(struct frame *f) {
  if (__atomic_fetch_sub(&f->pin, 1, __ATOMIC_RELEASE) == 0)
    panic("frame_unpin: frame %p (page va %p) is not pinned", f->kva,
          f->page ? (void *)f->page->va : NULL);
}

void frame_stats(uint64 *total, uint64 *used) {
  *total = frames_total;
  *used = __atomic_load_n(&frames_used, __ATOMIC_RELAXED);
}

int frame_pool_full(void) {
  return __atomic_load_n(&frames_used, __ATOMIC_RELAXED) >= frames_total;
}
