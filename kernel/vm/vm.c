// The page-fault path and claims: the heart of the memory system (docs/vm.md walks through
// it). A fault from user mode arrives from the trap code as vm_try_handle_fault(va, access):
//
//   vm_try_handle_fault   user address? registered page (or stack growth)? access allowed?
//     no frame: vm_do_claim_page
//       a whole file page (mapped, or a program's): the page cache's frame (claim_cached_page)
//       else the seed's order:
//         vm_get_frame        a pinned frame, evicting some other page if memory is full
//         frame_map           the Sv39 PTE and the frame's reverse map
//         page->ops->swap_in  fill the frame: uninit_initialize on first touch (zero-fill
//                             or file read), else back from swap or the file
//     a write to a page mapped read-only: copy-on-write (vm_copy_on_write)
//
// The kernel's own accesses to user memory (uaccess.c) claim through the same function.
#include "vm/vm.h"
#include "arch/cpu.h"
#include "arch/memlayout.h"
#include "arch/pagetable.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "proc/proc.h"
#include "vm/profile.h"

// ---- Pages ----

// The struct page of an area's page, on its first lookup (spt_find_page): UNINIT, no frame.
struct page *vm_page_from_area(struct vm_area *area, uint64 va) {
  struct page *page = kmalloc(sizeof(*page));
  if (!page)
    return NULL;
  *page = (struct page){.va = va, .ops = &uninit_ops, .area = area, .swap_slot = -1,
                        .flags = area->flags & (PAGE_WRITABLE | PAGE_EXEC | PAGE_NOACCESS)};
  VM_ADD(spt_bytes, sizeof(*page));
  return page;
}

// The owner waits while an evictor holds the page (PAGE_EVICTING). spt->lock is held.
void vm_wait_for_eviction(struct supplemental_page_table *spt, struct page *page) {
  while (page->flags & PAGE_EVICTING)
    sleep(page, spt->lock);
}

// Takes the page's frame away from it, pinned for the caller (who then lets go of it with
// frame_release); NULL if it has none. Waits for an eviction of the page to finish first.
static struct frame *take_frame(struct supplemental_page_table *spt, struct page *page,
                                int *dirty) {
  acquire(spt->lock);
  vm_wait_for_eviction(spt, page);
  struct frame *f = page->frame;
  if (f) {
    frame_pin(f);
    *dirty = frame_unmap(page);
    VM_SUB(pages_resident, 1);
  }
  release(spt->lock);
  return f;
}

// Frees a page that spt_remove_page has unlinked: its mapping, its frame (unless another
// page maps or the page cache holds it), its type's state (its swap slot). A dirty page of a
// shared mapping was written back by the caller (vm_remove_pages).
void vm_dealloc_page(struct supplemental_page_table *spt, struct page *page) {
  int dirty;
  struct frame *f = spt->lock ? take_frame(spt, page, &dirty) : NULL;  // NULL: tests/unit
  if (f)
    frame_release(f);
  page->ops->destroy(page);
  kfree(page);
  VM_SUB(spt_bytes, sizeof(*page));
}

// ---- Claims ----

// The pinned frame is the page's, mapped and filled; the claim is done.
static void claimed(struct page *page, struct frame *frame, int from_swap) {
  if (page->flags & PAGE_EXEC)
    asm volatile("fence.i" ::: "memory");  // the hart fetches what was just written
  frame_unpin(frame);
  VM_COUNT(pages_resident);
  struct proc *p = myproc();
  vm_event(from_swap ? EV_SWAP_IN : EV_CLAIM, p ? p->pid : 0, page->va, page_get_type(page));
}

// A failed fill: the page loses the frame again before it goes back, so nobody sees it.
static void unclaim(struct supplemental_page_table *spt, struct page *page) {
  struct frame *frame = page->frame;
  acquire(spt->lock);
  frame_unmap(page);
  release(spt->lock);
  frame_release(frame);
}

// A whole file page with no private copy (a mapped file's, or a program's): its frame is the
// page cache's, shared by every mapping of that file page (MAP_SHARED) and read-only under a
// private mapping or a program until it is written; a write to a private page copies at once. The cache hands the frame over filled,
// so swap_in only turns an UNINIT page into a FILE one.
static enum vm_fault claim_cached_page(struct supplemental_page_table *spt, struct page *page,
                                       enum vm_access access) {
  enum vm_fault why;
  struct frame *cached = pcache_get(page->area->file->ip, file_page_offset(page) / PGSIZE,
                                    &why);
  PROFILE_STAGE(frame);
  if (!cached)
    return why;
  struct frame *frame = cached;
  if (access == ACCESS_WRITE && !(page->area->flags & AREA_SHARED)) {
    frame = vm_get_frame();
    if (frame) {
      page_copy(frame->kva, cached->kva);
      frame->flags |= FRAME_DIRTY;  // the only copy of what the page is about to hold
      VM_COUNT(cow_copies);
    }
    frame_release(cached);  // taken from the page cache: it may have been cut off meanwhile
    if (!frame)
      return VM_NO_MEMORY;
  }
  if (frame_map(page, frame, access) < 0) {
    if (frame == cached)
      frame_release(cached);  // it stays in the page cache (unless truncated meanwhile)
    else
      vm_free_frame(frame);
    return VM_KERNEL_NO_MEMORY;
  }
  PROFILE_STAGE(map);
  if (page->ops->swap_in(page, frame->kva) < 0) {
    unclaim(spt, page);
    return VM_IO_ERROR;
  }
  PROFILE_STAGE(fill);
  claimed(page, frame, 0);
  return VM_RESOLVED;
}

// Gives the page a frame, maps it and fills it: the design's order. The frame stays pinned
// until it is filled, so no evictor takes it half done. May sleep (eviction, disk reads).
enum vm_fault vm_do_claim_page(struct supplemental_page_table *spt, struct page *page,
                               enum vm_access access) {
  if (file_page_is_cached(page))
    return claim_cached_page(spt, page, access);
  int from_swap = page->swap_slot >= 0;
  PROFILE_START(cost);
  struct frame *frame = vm_get_frame();
  PROFILE_STAGE(frame);
  if (!frame)
    return VM_NO_MEMORY;
  if (frame_map(page, frame, access) < 0) {
    vm_free_frame(frame);
    return VM_KERNEL_NO_MEMORY;
  }
  PROFILE_STAGE(map);
  if (page->ops->swap_in(page, frame->kva) < 0) {
    unclaim(spt, page);
    return VM_IO_ERROR;
  }
  PROFILE_STAGE(fill);
  claimed(page, frame, from_swap);
  PROFILE_STOP(cost, from_swap ? &vm_counters.insns_swap_in : NULL);
  return VM_RESOLVED;
}

enum vm_fault vm_claim_page(struct supplemental_page_table *spt, uint64 va) {
  struct page *page = spt_find_page(spt, va);
  return page ? vm_do_claim_page(spt, page, ACCESS_READ) : VM_BAD_ADDRESS;
}

int vm_allows(uint32 flags, enum vm_access access) {
  return !((access == ACCESS_WRITE && !(flags & PAGE_WRITABLE)) ||
           (access == ACCESS_EXEC && !(flags & PAGE_EXEC)));
}

// For an address no page or area covers: VM_RESOLVED if the stack may grow down to its page
// (it is in the stack's range and at or above the user's sp), else why not.
enum vm_fault vm_stack_growth(struct supplemental_page_table *spt, uint64 addr,
                              uint64 user_sp) {
  uint64 va = PGROUNDDOWN(addr), stack_low = USER_STACK_TOP - vm_stack_limit();
  if (!spt->stack || va >= USER_STACK_TOP || va < stack_low - USER_STACK_GUARD)
    return VM_BAD_ADDRESS;
  if (va < stack_low)
    return VM_STACK_OVERFLOW;
  if (addr < user_sp)
    return VM_BELOW_SP;  // RISC-V has no red zone: nothing valid lives below sp
  return VM_RESOLVED;
}

// A write to a writable page whose frame is mapped read-only because others share it (a
// frame fork shared, or the page cache's under a private mapping): the writer gets its own
// copy. The last sharer of a private frame needs no copy: its mapping just becomes writable.
// frame is pinned by the caller; this lets go of it.
static enum vm_fault vm_copy_on_write(struct supplemental_page_table *spt, struct page *page,
                                      struct frame *frame) {
  if (page->area->flags & AREA_SHARED) {  // its frame was cut from the file (truncated)
    frame_unpin(frame);
    return VM_BEYOND_EOF;
  }
  VM_COUNT(cow_faults);
  acquire(spt->lock);
  frame_lock_acquire();
  int alone = !(frame->flags & FRAME_CACHED) && frame->nmap == 1 && page->frame == frame;
  frame_lock_release();
  if (alone) {
    __atomic_store_n(walk(spt->pagetable, page->va, 0), vm_pte(page, frame) | PTE_D,
                     __ATOMIC_RELEASE);
    release(spt->lock);
    sfence_vma_page(page->va);
    frame_unpin(frame);
    VM_COUNT(cow_reused);
    return VM_RESOLVED;
  }
  release(spt->lock);
  struct frame *copy = vm_get_frame();
  if (!copy) {
    frame_unpin(frame);
    return VM_NO_MEMORY;
  }
  page_copy(copy->kva, frame->kva);
  copy->flags |= FRAME_DIRTY;  // the only copy of what the page is about to hold
  int dirty;
  take_frame(spt, page, &dirty);  // still frame: pinned, so no evictor could take it
  if (dirty)
    __atomic_fetch_or(&frame->flags, FRAME_DIRTY, __ATOMIC_RELAXED);
  frame_release(frame);  // take_frame's pin
  frame_release(frame);  // the caller's: the last sharer out frees it
  if (frame_map(page, copy, ACCESS_WRITE) < 0) {
    vm_free_frame(copy);
    return VM_KERNEL_NO_MEMORY;
  }
  frame_unpin(copy);
  VM_COUNT(pages_resident);
  VM_COUNT(cow_copies);
  return VM_RESOLVED;
}

// The page-fault path, for a fault from user mode (user_sp: the sp the user had) and for the
// kernel's own claims on user memory (copyin and friends, with the sp saved at the trap).
enum vm_fault vm_try_handle_fault(struct supplemental_page_table *spt, uint64 addr,
                                  enum vm_access access, uint64 user_sp) {
  PROFILE_STAGE(dispatch);
  if (addr >= USER_TOP)
    return VM_KERNEL_ADDRESS;
  uint64 va = PGROUNDDOWN(addr);
  struct page *page = spt_find_page(spt, va);
  PROFILE_STAGE(spt);
  if (!page && spt_find_area(spt, va))
    return VM_KERNEL_NO_MEMORY;  // registered, but no memory for its struct page
  if (!page) {
    // Stack growth: the stack's area reaches down to the page, which is then zero-filled.
    enum vm_fault r = vm_stack_growth(spt, addr, user_sp);
    if (r != VM_RESOLVED)
      return r;
    if (vm_grow_stack(spt, va) < 0)
      return VM_NO_MEMORY;
    VM_COUNT(faults_stack);
    page = spt_find_page(spt, va);
    if (!page)
      return VM_KERNEL_NO_MEMORY;
  }
  if (page->flags & PAGE_NOACCESS)
    return VM_NO_ACCESS;
  if (!vm_allows(page->flags, access))
    return VM_PROTECTION;
  // No frame: nobody but this thread can give it one, so the claim needs no lock (an
  // evictor publishes frame = NULL last, with release order: the page is whole by then).
  if (!__atomic_load_n(&page->frame, __ATOMIC_ACQUIRE))
    return vm_do_claim_page(spt, page, access);
  acquire(spt->lock);
  vm_wait_for_eviction(spt, page);
  struct frame *frame = page->frame;
  if (!frame) {  // evicted while we waited
    release(spt->lock);
    return vm_do_claim_page(spt, page, access);
  }
  pte_t *pte = walk(spt->pagetable, va, 0);
  if (access == ACCESS_WRITE && !(*pte & PTE_W)) {
    frame_pin(frame);
    release(spt->lock);
    return vm_copy_on_write(spt, page, frame);
  }
  // Present and allowed: a hart that traps for accessed/dirty bits instead of setting them
  // (or a fault that raced with an eviction which then kept the page).
  __atomic_fetch_or(pte, PTE_A | (access == ACCESS_WRITE ? PTE_D : 0), __ATOMIC_RELAXED);
  release(spt->lock);
  sfence_vma_page(va);
  VM_COUNT(faults_ad);
  return VM_RESOLVED;
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
  case VM_BEYOND_EOF:
    return "bus error: page past the end of the mapped file";
  case VM_NO_ACCESS:
    return "access to a PROT_NONE page";
  case VM_KERNEL_NO_MEMORY:
    return "kernel out of memory";
  }
  return "?";
}
