// The page-fault path and claims: the heart of the memory system (docs/vm.md walks through
// it). A fault from user mode arrives from the trap code as vm_try_handle_fault(va, access):
//
//   vm_try_handle_fault   user address? registered page (or stack growth)? access allowed?
//     -> vm_do_claim_page   the seed's order, for a page without a frame:
//          vm_get_frame        a pinned frame, evicting some other page if memory is full
//          vm_map_frame        the Sv39 PTE (and the frame's reverse map)
//          page->ops->swap_in  fill the frame: uninit_initialize on first touch (zero-fill
//                              or file read), else back from swap or the file
//
// The kernel's own accesses to user memory (uaccess.c) claim through the same function.
#include "vm/vm.h"
#include "arch/cpu.h"
#include "arch/memlayout.h"
#include "arch/pagetable.h"
#include "lib/printf.h"
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
                        .flags = area->flags};
  VM_ADD(spt_bytes, sizeof(*page));
  return page;
}

// The owner waits while an evictor holds the page (PAGE_EVICTING). spt->lock is held.
void vm_wait_for_eviction(struct supplemental_page_table *spt, struct page *page) {
  while (page->flags & PAGE_EVICTING)
    sleep(page, spt->lock);
}

// Unmaps a page of the running process (or of one being built or torn down), with
// spt->lock held or the frame pinned. Only this hart can hold the entry in its TLB: the
// process runs nowhere else, and every switch to it flushes the TLB (run() in proc.c).
static void unmap_page(struct frame *frame, uint64 va) {
  __atomic_store_n(frame->pte, 0, __ATOMIC_RELEASE);
  sfence_vma_page(va);
}

// Frees a page that spt_remove_page has unlinked: its mapping, its frame, its type's state
// (its swap slot). Waits for an eviction of the page to finish first.
void vm_dealloc_page(struct supplemental_page_table *spt, struct page *page) {
  if (spt->lock) {  // NULL only for a table that never had a frame (tests/unit)
    acquire(spt->lock);
    vm_wait_for_eviction(spt, page);
    if (page->frame) {
      unmap_page(page->frame, page->va);
      vm_free_frame(page->frame);  // under the lock: no evictor may see it half gone
      page->frame = NULL;
      VM_SUB(pages_resident, 1);
    }
    release(spt->lock);
  }
  page->ops->destroy(page);
  kfree(page);
  VM_SUB(spt_bytes, sizeof(*page));
}

// ---- Claims ----

// A mapping starts accessed (it is made for an access), and clean: the dirty bit is the
// page's record of a user write (see PAGE_DIRTY for the kernel's writes).
static uint64 pte_perm(const struct page *page) {
  return PTE_U | PTE_R | PTE_A | (page->flags & PAGE_WRITABLE ? PTE_W : 0) |
         (page->flags & PAGE_EXEC ? PTE_X : 0);
}

pte_t vm_pte(const struct page *page, const struct frame *frame) {
  return PA2PTE(kva2pa(frame->kva)) | pte_perm(page) | PTE_V;
}

// Maps the pinned frame at the page's va in spt and records the mapping on both sides (the
// frame's reverse map names the page and its PTE). -1 if a page-table page cannot be had.
// Only the owner's thread calls it, and no evictor looks at a pinned frame: no lock is
// needed, and the unpin (release order) publishes the mapping.
int vm_map_frame(struct supplemental_page_table *spt, struct page *page, struct frame *frame) {
  pte_t *pte = walk(spt->pagetable, page->va, 1);
  if (!pte)
    return -1;
  if (*pte & PTE_V)
    panic("vm_map_frame: va %p is mapped already", (void *)page->va);
  *pte = vm_pte(page, frame);
  frame->page = page;
  frame->pte = pte;
  page->frame = frame;
  return 0;
}

// Gives the page a frame, maps it and fills it: the design's order. The frame stays pinned
// until it is filled, so no evictor takes it half done. May sleep (eviction, disk reads).
// For a write the PTE starts dirty: the store that faulted is about to dirty it, and a clean
// page could be dropped before the store ever runs.
enum vm_fault vm_do_claim_page(struct supplemental_page_table *spt, struct page *page,
                               enum vm_access access) {
  int from_swap = page->swap_slot >= 0;
  PROFILE_START(cost);
  struct frame *frame = vm_get_frame();
  if (!frame)
    return VM_NO_MEMORY;
  if (vm_map_frame(spt, page, frame) < 0) {
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
  struct proc *p = myproc();
  vm_event(from_swap ? EV_SWAP_IN : EV_CLAIM, p ? p->pid : 0, page->va, page_get_type(page));
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

// The page-fault path, for a fault from user mode (user_sp: the sp the user had) and for the
// kernel's own claims on user memory (copyin and friends, with the sp saved at the trap).
enum vm_fault vm_try_handle_fault(struct supplemental_page_table *spt, uint64 addr,
                                  enum vm_access access, uint64 user_sp) {
  if (addr >= USER_TOP)
    return VM_KERNEL_ADDRESS;
  uint64 va = PGROUNDDOWN(addr);
  struct page *page = spt_find_page(spt, va);
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
      return VM_NO_MEMORY;
  }
  if (!vm_allows(page->flags, access))
    return VM_PROTECTION;
  // No frame: nobody but this thread can give it one, so the claim needs no lock (an
  // evictor publishes frame = NULL last, with release order: the page is whole by then).
  if (!__atomic_load_n(&page->frame, __ATOMIC_ACQUIRE))
    return vm_do_claim_page(spt, page, access);
  acquire(spt->lock);
  vm_wait_for_eviction(spt, page);
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
