// Pages, claims and the page-fault path (see vm.h for the structures and ../shared/DESIGN.md
// for the design). The order of a claim is the design's: spt_find_page -> vm_do_claim_page ->
// vm_get_frame -> mappages -> swap_in; an UNINIT page's swap_in is uninit_initialize.
#include "vm/vm.h"
#include "arch/cpu.h"
#include "arch/memlayout.h"
#include "arch/pagetable.h"
#include "lib/bootargs.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "proc/proc.h"
#include "vm/uaccess.h"

struct vmstat vm_counters;  // updated with VM_COUNT/VM_ADD (atomics), read by vmstat
static uint64 stack_limit = USER_STACK_MAX;  // set once at boot
static int overcommit_never;                 // strict accounting; set once at boot

void vm_init(void) {
  int64 s = bootarg_int("stack", USER_STACK_MAX);
  if (s < (int64)(16 * PGSIZE) || s > (1L << 30)) {
    printf("vm: stack=%ld is outside 64 KiB..1 GiB; using 1 MiB\n", s);
    s = USER_STACK_MAX;
  }
  stack_limit = PGROUNDUP((uint64)s);
  const char *oc = bootarg("overcommit");
  overcommit_never = oc && strcmp(oc, "never") == 0;
  const char *ev = bootarg("evict");
  enum evict_policy policy = ev && strcmp(ev, "fifo") == 0 ? EVICT_FIFO : EVICT_CLOCK;
  if (ev && policy == EVICT_CLOCK && strcmp(ev, "clock") != 0)
    printf("vm: evict=%s is neither clock nor fifo; using clock\n", ev);
  // Strict overcommit keeps some frames back from the promises: when every promised page is
  // in use and dirty, code and constants (clean pages, never promised) still need frames to
  // run in. swap_init adds the swap slots once the disk is read.
  uint64 frames = frame_table_init(bootarg_int("frames", 0), policy);
  vm_counters.commit_limit = frames - MIN(MAX(frames / 8, 16UL), frames / 2);
}

uint64 vm_stack_limit(void) { return stack_limit; }
uint64 vm_heap_max(void) { return USER_STACK_TOP - stack_limit - USER_STACK_GUARD; }

// Strict overcommit: writable anonymous-like memory (heap, stack, writable segments) is
// promised up front against the frames (less a reserve for clean pages, vm_init) and the swap
// slots. Always counted, refused only with overcommit=never.
static int commit(uint64 npages) {
  uint64 old = __atomic_load_n(&vm_counters.committed, __ATOMIC_RELAXED);
  do {
    if (overcommit_never && old + npages > vm_counters.commit_limit)
      return -1;
  } while (!__atomic_compare_exchange_n(&vm_counters.committed, &old, old + npages, 0,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED));
  return 0;
}

static void uncommit(uint64 npages) {
  __atomic_fetch_sub(&vm_counters.committed, npages, __ATOMIC_RELAXED);
}

static uint64 area_pages(const struct vm_area *a) { return (a->end - a->start) / PGSIZE; }

// ---- Pages ----

static const page_initializer initializer_of[] = {
    [VM_ANON] = anon_initializer,
    [VM_FILE] = file_backed_initializer,
};

static struct page *page_alloc(void) {
  struct page *page = kmalloc(sizeof(*page));
  if (page)
    VM_ADD(spt_bytes, sizeof(*page));
  return page;
}

// A new UNINIT page at va that becomes `type` when claimed: no frame is taken. Ranges are
// registered as areas (vm_register_area), so this runs on a page's first lookup.
struct page *vm_alloc_page_with_initializer(enum vm_type type, uint64 va, uint32 flags,
                                            vm_initializer init, void *aux) {
  struct page *page = page_alloc();
  if (!page)
    return NULL;
  *page = (struct page){.va = va, .ops = &uninit_ops, .flags = flags};
  page->uninit = (struct uninit_page){.init = init, .aux = aux, .type = type,
                                      .page_initializer = initializer_of[type]};
  return page;
}

// The struct page of an area's page, on its first lookup (spt_find_page).
struct page *vm_page_from_area(struct vm_area *area, uint64 va) {
  return vm_alloc_page_with_initializer(area->type, va, area->flags, area->init, area->seg);
}

// The owner waits while an evictor holds the page (PAGE_EVICTING). spt->lock is held.
static void wait_for_eviction(struct supplemental_page_table *spt, struct page *page) {
  while (page->flags & PAGE_EVICTING)
    sleep(page, spt->lock);
}

// Unmaps a page of the running process (or of one being built or torn down), with
// spt->lock held or the frame pinned. Only this hart can hold the entry in its TLB: the process runs nowhere
// else, and every switch to it flushes the TLB (run() in proc.c).
static void unmap_page(struct frame *frame, uint64 va) {
  __atomic_store_n(frame->pte, 0, __ATOMIC_RELEASE);
  sfence_vma_page(va);
}

// Frees a page that spt_remove_page has unlinked: its mapping, its frame, its type's state
// (its swap slot). Waits for an eviction of the page to finish first.
void vm_dealloc_page(struct supplemental_page_table *spt, struct page *page) {
  if (spt->lock) {  // NULL only for a table that never had a frame (tests/unit)
    acquire(spt->lock);
    wait_for_eviction(spt, page);
    if (page->frame) {
      unmap_page(page->frame, page->va);
      vm_free_frame(page->frame);  // under the lock: no evictor may see it half gone
      page->frame = NULL;
      __atomic_fetch_sub(&vm_counters.pages_resident, 1, __ATOMIC_RELAXED);
    }
    release(spt->lock);
  }
  page->ops->destroy(page);
  kfree(page);
  __atomic_fetch_sub(&vm_counters.spt_bytes, sizeof(*page), __ATOMIC_RELAXED);
}

// ---- Claims ----

// A mapping starts accessed (it is made for an access), and clean: the dirty bit is the
// page's record of a user write (see PAGE_DIRTY for the kernel's writes).
static uint64 pte_perm(const struct page *page) {
  return PTE_U | PTE_R | PTE_A | (page->flags & PAGE_WRITABLE ? PTE_W : 0) |
         (page->flags & PAGE_EXEC ? PTE_X : 0);
}

// The leaf PTE that maps page to frame.
pte_t vm_pte(const struct page *page, const struct frame *frame) {
  return PA2PTE(kva2pa(frame->kva)) | pte_perm(page) | PTE_V;
}

// Maps the pinned frame at the page's va in spt and records the mapping on both sides (the
// frame's reverse map names the page, its PTE and its owner's lock). -1 if a page-table page
// cannot be had. Only the owner's thread calls it, and no evictor looks at a pinned frame:
// no lock is needed, and the unpin (release order) publishes the mapping.
static int map_frame(struct supplemental_page_table *spt, struct page *page,
                     struct frame *frame) {
  pte_t *pte = walk(spt->pagetable, page->va, 1);
  if (!pte)
    return -1;
  if (*pte & PTE_V)
    panic("map_frame: va %p is mapped already", (void *)page->va);
  *pte = vm_pte(page, frame);
  frame->page = page;
  frame->pte = pte;
  frame->lock = spt->lock;
  page->frame = frame;
  return 0;
}

// A page's swap slot, if its type has one (the slot belongs to the page: fork must not copy
// it, and a copy of the contents must be made instead).
static long *swap_slot_of(struct page *page) {
  switch (page_get_type(page)) {
  case VM_ANON:
    return &page->anon.swap_slot;
  case VM_FILE:
    return &page->file.swap_slot;
  default:
    return NULL;
  }
}

// Gives the page a frame, maps it and fills it: the design's order. The frame stays pinned
// until it is filled, so no evictor takes it half done. May sleep (eviction, disk reads).
// For a write the PTE starts dirty: the store that faulted is about to dirty it, and a clean
// page could be dropped before the store ever runs.
enum vm_fault vm_do_claim_page(struct supplemental_page_table *spt, struct page *page,
                               enum vm_access access) {
  struct proc *p = myproc();
  long *slot = swap_slot_of(page);
  int major = slot && *slot >= 0;  // read back from swap: the cost bench reports
  uint64 start = major ? r_instret() : 0, aside = major && p ? p->vm_insns_aside : 0;
  struct frame *frame = vm_get_frame();
  if (!frame)
    return VM_NO_MEMORY;
  if (map_frame(spt, page, frame) < 0) {
    vm_free_frame(frame);
    return VM_NO_MEMORY;
  }
  if (access == ACCESS_WRITE)
    *frame->pte |= PTE_D;
  if (page->ops->swap_in(page, frame->kva) < 0) {
    unmap_page(frame, page->va);  // before the frame goes back: nobody may see it
    page->frame = NULL;
    vm_free_frame(frame);
    return VM_IO_ERROR;
  }
  if (page->flags & PAGE_EXEC)
    asm volatile("fence.i" ::: "memory");  // the hart fetches what was just written
  frame_unpin(frame);
  VM_COUNT(pages_resident);
  vm_event(major ? EV_SWAP_IN : EV_CLAIM, p ? p->pid : 0, page->va, page_get_type(page));
  if (major && p && ncpu == 1)  // instret is per hart: see vmstat.h
    VM_ADD(insns_swap_in, r_instret() - start - (p->vm_insns_aside - aside));
  return VM_RESOLVED;
}


enum vm_fault vm_claim_page(struct supplemental_page_table *spt, uint64 va) {
  struct page *page = spt_find_page(spt, va);
  return page ? vm_do_claim_page(spt, page, ACCESS_READ) : VM_BAD_ADDRESS;
}

static int allows(uint32 flags, enum vm_access access) {
  return !((access == ACCESS_WRITE && !(flags & PAGE_WRITABLE)) ||
           (access == ACCESS_EXEC && !(flags & PAGE_EXEC)));
}

// For an address no page or area covers: VM_RESOLVED if the stack may grow down to its page
// (it is in the stack's range and at or above the user's sp), else why not.
static enum vm_fault stack_growth(struct supplemental_page_table *spt, uint64 addr,
                                  uint64 user_sp) {
  uint64 va = PGROUNDDOWN(addr), stack_low = USER_STACK_TOP - stack_limit;
  if (!spt->stack || va >= USER_STACK_TOP || va < stack_low - USER_STACK_GUARD)
    return VM_BAD_ADDRESS;
  if (va < stack_low)
    return VM_STACK_OVERFLOW;
  if (addr < user_sp)
    return VM_BELOW_SP;  // RISC-V has no red zone: nothing valid lives below sp
  return VM_RESOLVED;
}

// Extends the stack's area down to the page of va (stack_growth said it may).
static int grow_stack(struct supplemental_page_table *spt, uint64 va) {
  struct vm_area *stack = spt->stack;
  uint64 n = (stack->start - va) / PGSIZE;
  if (commit(n) < 0)
    return -1;
  stack->start = va;
  VM_ADD(pages_registered, n);
  return 0;
}

// The page-fault path, for a fault from user mode (user_sp: the sp the user had) and for the
// kernel's own claims on user memory (copyin and friends, with the sp saved at the trap).
enum vm_fault vm_try_handle_fault(struct supplemental_page_table *spt, uint64 addr,
                                  enum vm_access access, uint64 user_sp) {
  if (addr >= USER_TOP)
    return VM_KERNEL_ADDRESS;
  uint64 va = PGROUNDDOWN(addr);
  struct page *page = spt_find_page(spt, va);
  if (!page) {
    enum vm_fault r = stack_growth(spt, addr, user_sp);
    if (r != VM_RESOLVED)
      return r;
    if (grow_stack(spt, va) < 0)
      return VM_NO_MEMORY;
    VM_COUNT(faults_stack);
    page = spt_find_page(spt, va);
    if (!page)
      return VM_NO_MEMORY;
  }
  if (!allows(page->flags, access))
    return VM_PROTECTION;
  // No frame: nobody but this thread can give it one, so the claim needs no lock (an
  // evictor publishes frame = NULL last, with release order: the page is whole by then).
  if (!__atomic_load_n(&page->frame, __ATOMIC_ACQUIRE))
    return vm_do_claim_page(spt, page, access);
  acquire(spt->lock);
  wait_for_eviction(spt, page);
  if (page->frame) {
    // Present and allowed: a hart that traps for accessed/dirty bits instead of setting them
    // (or a fault that raced with an eviction which then kept the page).
    __atomic_fetch_or(page->frame->pte, PTE_A | (access == ACCESS_WRITE ? PTE_D : 0),
                      __ATOMIC_RELAXED);
    release(spt->lock);
    sfence_vma_page(va);
    VM_COUNT(faults_ad);
    return VM_RESOLVED;
  }
  release(spt->lock);
  return vm_do_claim_page(spt, page, access);
}

const char *vm_fault_reason(enum vm_fault r, enum vm_access access) {
  switch (r) {
  case VM_RESOLVED:
    return "resolved";
  case VM_BAD_ADDRESS:
    return "no such page";
  case VM_KERNEL_ADDRESS:
    return "kernel address";
  case VM_PROTECTION:
    return access == ACCESS_WRITE  ? "write to a read-only page"
           : access == ACCESS_EXEC ? "execute of a non-executable page"
                                   : "read of an unreadable page";
  case VM_BELOW_SP:
    return "below the stack pointer";
  case VM_STACK_OVERFLOW:
    return "stack overflow";
  case VM_NO_MEMORY:
    return "out of memory";
  case VM_IO_ERROR:
    return "I/O error reading the page";
  }
  return "?";
}

// ---- Kernel access to user memory ----

// Pins the resident frame of page (marking the page dirty for a write: the kernel writes
// through the frame's kernel address, which sets no PTE dirty bit); NULL if it has none.
static struct frame *pin_resident(struct supplemental_page_table *spt, struct page *page,
                                  enum vm_access access) {
  acquire(spt->lock);
  wait_for_eviction(spt, page);
  struct frame *f = page->frame;
  if (f) {
    frame_pin(f);
    if (access == ACCESS_WRITE)
      page->flags |= PAGE_DIRTY;
  }
  release(spt->lock);
  return f;
}

// Pins the frame behind user address va, claiming the page if it has none (and again if
// an evictor takes it between the claim and the pin).
struct frame *vm_pin_user_page(struct supplemental_page_table *spt, uint64 va,
                               enum vm_access access, enum vm_fault *why) {
  struct page *page = va < USER_TOP ? spt_lookup_existing(spt, va) : NULL;
  struct frame *f = page && allows(page->flags, access) ? pin_resident(spt, page, access) : NULL;
  while (!f) {
    struct proc *p = myproc();
    enum vm_fault r = vm_try_handle_fault(spt, va, access, p ? p->trapframe.sp : 0);
    if (r != VM_RESOLVED) {
      if (why)
        *why = r;
      return NULL;
    }
    VM_COUNT(kernel_claims);
    f = pin_resident(spt, spt_lookup_existing(spt, va), access);
  }
  return f;
}

void vm_hold_for_instruction(struct supplemental_page_table *spt, uint64 pc, uint64 va) {
  if (spt->nheld && spt->held_pc != pc)
    vm_release_held(spt);
  if (!frame_pool_full())
    return;  // nothing is being evicted: no need to pay for pins
  struct page *page = spt_lookup_existing(spt, va);
  struct frame *f = page ? pin_resident(spt, page, ACCESS_READ) : NULL;
  if (!f)
    return;  // taken again already: the instruction will fault once more
  if (spt->nheld == HELD_MAX) {  // more pages than one instruction touches: keep the newest
    frame_unpin(spt->held[0]);
    memmove(spt->held, spt->held + 1, (HELD_MAX - 1) * sizeof(spt->held[0]));
    spt->nheld--;
  }
  spt->held[spt->nheld++] = f;
  spt->held_pc = pc;
}

void vm_release_held(struct supplemental_page_table *spt) {
  for (uint32 i = 0; i < spt->nheld; i++)
    frame_unpin(spt->held[i]);
  spt->nheld = 0;
}

uint64 vm_pin_user_range(struct supplemental_page_table *spt, uint64 va, uint64 len,
                         enum vm_access access) {
  uint64 end = va + len < va ? USER_TOP : va + len;
  uint64 pinned = 0;
  for (uint64 pva = PGROUNDDOWN(va); pva < end; pva += PGSIZE) {
    if (!vm_pin_user_page(spt, pva, access, NULL))
      break;
    pinned = MIN(pva + PGSIZE, end) - va;
  }
  return pinned;
}

// Could every page of [va, va+len) be accessed so, claiming as needed? Claims nothing, so a
// system call can refuse a partly bad buffer before it transfers a byte.
int vm_check_user_range(struct supplemental_page_table *spt, uint64 va, uint64 len,
                        enum vm_access access, uint64 user_sp) {
  if (va + len < va || va + len > USER_TOP)
    return 0;
  for (uint64 pva = PGROUNDDOWN(va); pva < va + len; pva += PGSIZE) {
    struct page *page = spt_lookup_existing(spt, pva);
    struct vm_area *area = page ? NULL : spt_find_area(spt, pva);
    if (page || area) {
      if (!allows(page ? page->flags : area->flags, access))
        return 0;
    } else if (stack_growth(spt, MAX(pva, va), user_sp) != VM_RESOLVED) {
      return 0;
    }
  }
  return 1;
}

void vm_unpin_user_range(struct supplemental_page_table *spt, uint64 va, uint64 len) {
  for (uint64 pva = PGROUNDDOWN(va); pva < va + len; pva += PGSIZE) {
    struct page *page = spt_lookup_existing(spt, pva);
    if (!page || !page->frame)
      panic("vm_unpin_user_range: va %p was not pinned", (void *)pva);
    frame_unpin(page->frame);
  }
}

// ---- Areas: segments, heap, stack ----

// Registers [start, end) (page-aligned) as one area; NULL on overlap or no memory.
struct vm_area *vm_register_area(struct supplemental_page_table *spt, uint64 start,
                                 uint64 end, enum vm_type type, uint32 flags,
                                 vm_initializer init, struct vm_segment *seg) {
  struct vm_area *a = kmalloc(sizeof(*a));
  if (!a)
    return NULL;
  *a = (struct vm_area){.start = start, .end = end, .flags = flags, .type = type,
                        .init = init, .seg = seg};
  if ((flags & PAGE_WRITABLE) && commit(area_pages(a)) < 0) {
    kfree(a);
    return NULL;
  }
  if (spt_add_area(spt, a) < 0) {
    if (flags & PAGE_WRITABLE)
      uncommit(area_pages(a));
    kfree(a);
    return NULL;
  }
  if (seg)
    __atomic_fetch_add(&seg->ref, 1, __ATOMIC_RELAXED);
  VM_ADD(pages_registered, area_pages(a));
  VM_ADD(spt_bytes, sizeof(*a));
  return a;
}

struct range {
  uint64 start, end;
  struct supplemental_page_table *spt;
};

static void remove_if_in_range(struct page *page, void *arg) {
  struct range *r = arg;
  if (page->va >= r->start && page->va < r->end)
    spt_remove_page(r->spt, page);
}

// Removes every struct page in [start, end): by address when the range is small, else by a
// sweep of the hash (a 1 GiB shrink must not walk 262,144 addresses).
static void remove_pages(struct supplemental_page_table *spt, uint64 start, uint64 end) {
  if ((end - start) / PGSIZE <= spt->npages) {
    for (uint64 va = start; va < end; va += PGSIZE) {
      struct page *page = spt_lookup_existing(spt, va);
      if (page)
        spt_remove_page(spt, page);
    }
  } else {
    struct range r = {start, end, spt};
    spt_for_each(spt, remove_if_in_range, &r);
  }
}

// Moves the end of the heap area (sbrk). Growing only registers; shrinking frees frames.
int vm_set_heap_end(struct supplemental_page_table *spt, uint64 old_end, uint64 new_end) {
  struct vm_area *heap = spt->heap;
  uint64 old_pg = PGROUNDUP(old_end), new_pg = PGROUNDUP(new_end);
  if (new_pg > old_pg) {
    if (new_pg > vm_heap_max() || commit((new_pg - old_pg) / PGSIZE) < 0)
      return -1;
    VM_ADD(pages_registered, (new_pg - old_pg) / PGSIZE);
  } else if (new_pg < old_pg) {
    remove_pages(spt, new_pg, old_pg);
    uncommit((old_pg - new_pg) / PGSIZE);
    __atomic_fetch_sub(&vm_counters.pages_registered, (old_pg - new_pg) / PGSIZE,
                       __ATOMIC_RELAXED);
  }
  heap->end = new_pg;
  return 0;
}

// ---- Whole address spaces: fork, exit, exec ----

struct copy_state {
  struct supplemental_page_table *dst, *src;
  int failed;
};

// Gives the child its own copy of one page. A resident page's bytes go to a new frame; a
// page in swap is read into a new frame (the parent keeps its slot); a page with nothing
// to copy (UNINIT, a dropped clean page) stays so in the child.
static void copy_page(struct page *page, void *arg) {
  struct copy_state *cs = arg;
  if (cs->failed)
    return;
  struct page *np = page_alloc();
  if (!np) {
    cs->failed = 1;
    return;
  }
  *np = *page;  // same type and type state: the union is plain data
  np->frame = NULL;
  np->hash_next = NULL;
  np->flags &= ~(PAGE_EVICTING | PAGE_DIRTY);
  long *slot = swap_slot_of(np);
  if (slot)
    *slot = -1;
  if (spt_insert_page(cs->dst, np) < 0) {
    vm_dealloc_page(cs->dst, np);
    cs->failed = 1;
    return;
  }
  // The parent's frame, pinned so that no evictor takes it while it is copied.
  struct frame *from = pin_resident(cs->src, page, ACCESS_READ);
  long *from_slot = from ? NULL : swap_slot_of(page);
  if (!from && !(from_slot && *from_slot >= 0))
    return;
  struct frame *frame = vm_get_frame();
  int dirty = 1;
  if (frame && from) {
    memcpy(frame->kva, from->kva, PGSIZE);
    acquire(cs->src->lock);
    dirty = (page->flags & PAGE_DIRTY) || (*from->pte & PTE_D);
    release(cs->src->lock);
  } else if (frame && swap_read(*from_slot, frame->kva) < 0) {
    vm_free_frame(frame);
    frame = NULL;
  }
  if (from)
    frame_unpin(from);
  if (!frame) {
    cs->failed = 1;
    return;
  }
  if (map_frame(cs->dst, np, frame) < 0) {
    vm_free_frame(frame);
    cs->failed = 1;
    return;
  }
  if (dirty)
    np->flags |= PAGE_DIRTY;
  VM_COUNT(pages_resident);
  frame_unpin(frame);
}

// fork: dst (empty, with its own page table) becomes a copy of src. -1 when memory runs out;
// the caller then kills dst, which frees whatever was copied.
int supplemental_page_table_copy(struct supplemental_page_table *dst,
                                 struct supplemental_page_table *src) {
  for (struct vm_area *a = src->areas; a; a = a->next) {
    struct vm_area *copy =
        vm_register_area(dst, a->start, a->end, a->type, a->flags, a->init, a->seg);
    if (!copy)
      return -1;
    if (a == src->heap)
      dst->heap = copy;
    if (a == src->stack)
      dst->stack = copy;
  }
  struct copy_state cs = {dst, src, 0};
  spt_for_each(src, copy_page, &cs);
  return cs.failed ? -1 : 0;
}

static void remove_page(struct page *page, void *arg) { spt_remove_page(arg, page); }

// exit and exec: frees every page, frame and area. The page table's now empty tables are
// the caller's to free. May drop the last reference to an executable: call it inside a
// file-system operation (begin_op).
void supplemental_page_table_kill(struct supplemental_page_table *spt) {
  vm_release_held(spt);
  spt_for_each(spt, remove_page, spt);
  spt_free_buckets(spt);
  while (spt->areas) {
    struct vm_area *a = spt->areas;
    spt->areas = a->next;
    if (a->flags & PAGE_WRITABLE)
      uncommit(area_pages(a));
    __atomic_fetch_sub(&vm_counters.pages_registered, area_pages(a), __ATOMIC_RELAXED);
    if (a->seg)
      vm_segment_put(a->seg);
    kfree(a);
    __atomic_fetch_sub(&vm_counters.spt_bytes, sizeof(*a), __ATOMIC_RELAXED);
  }
  spt->heap = spt->stack = NULL;
}

// ---- mincore and vmstat ----

// mincore(addr, len, vec): one byte per page, bit 0 set when the page has a frame. -1 if addr
// is not page-aligned, the range leaves user space or holds an unregistered page, or vec is
// bad. Looking does not create struct pages.
int vm_mincore(struct supplemental_page_table *spt, uint64 addr, uint64 len, uint64 vec) {
  if (addr % PGSIZE || addr + len < addr || addr + len > USER_TOP)
    return -1;
  uint64 end = PGROUNDUP(addr + len);
  for (uint64 va = addr; va < end; va += PGSIZE)
    if (!spt_lookup_existing(spt, va) && !spt_find_area(spt, va))
      return -1;
  uint8 buf[256];
  uint64 n = 0;
  for (uint64 va = addr; va < end; va += PGSIZE) {
    struct page *page = spt_lookup_existing(spt, va);
    buf[n++] = page && page->frame ? 1 : 0;
    if (n == sizeof(buf) || va + PGSIZE == end) {
      if (copyout(spt, vec, buf, n) < 0)
        return -1;
      vec += n;
      n = 0;
    }
  }
  return 0;
}

void vm_get_stats(struct vmstat *st) {
  uint64 total, used;
  frame_stats(&total, &used);
  *st = vm_counters;
  st->frames_total = total;
  st->frames_used = used;
  st->frames_free = total - used;
}
