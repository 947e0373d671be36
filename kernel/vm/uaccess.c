// The kernel's way into user memory: copyin/copyout/copyinstr, and the pins under them. A
// page that has no frame yet is claimed as a fault would claim it (inside a system call the
// saved user sp decides about stack growth); its frame stays pinned while the bytes move, so
// no evictor takes it mid-copy. System calls that hold locks while they copy (file reads
// and writes) pin their whole buffer first (vm_pin_user_range), so that a claim, which may
// wait for the disk, never runs under an inode lock or a spinlock.
// Pins are taken under the owner's vm lock (vm.h: Locking); the pin count itself is atomic.
#include "vm/uaccess.h"
#include "arch/memlayout.h"
#include "arch/pagetable.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "proc/proc.h"
#include "vm/vm.h"

// ---- Pins ----

struct frame *vm_pin_resident(struct supplemental_page_table *spt, struct page *page,
                              enum vm_access access) {
  acquire(spt->lock);
  vm_wait_for_eviction(spt, page);
  struct frame *f = page->frame;
  // A write must go where a user store would: not into a frame the page shares read-only
  // (the fault path copies it first, as for the user).
  if (f && access == ACCESS_WRITE && !(*walk(spt->pagetable, page->va, 0) & PTE_W))
    f = NULL;
  if (f) {
    frame_pin(f);
    // The kernel writes through the frame's kernel address, which sets no PTE dirty bit.
    if (access == ACCESS_WRITE)
      __atomic_fetch_or(&f->flags, FRAME_DIRTY, __ATOMIC_RELAXED);
  }
  release(spt->lock);
  return f;
}

// Claims the page if it has no frame (and again if an evictor takes it between the claim and
// the pin).
struct frame *vm_pin_user_page(struct supplemental_page_table *spt, uint64 va,
                               enum vm_access access, enum vm_fault *why) {
  struct page *page = va < USER_TOP ? spt_lookup_existing(spt, va) : NULL;
  struct frame *f =
      page && !(page->flags & PAGE_NOACCESS) && vm_allows(page->flags, access)
          ? vm_pin_resident(spt, page, access)
          : NULL;
  while (!f) {
    struct proc *p = myproc();
    enum vm_fault r = vm_try_handle_fault(spt, va, access, p ? p->trapframe.sp : 0);
    if (r != VM_RESOLVED) {
      if (why)
        *why = r;
      return NULL;
    }
    VM_COUNT(kernel_claims);
    f = vm_pin_resident(spt, spt_lookup_existing(spt, va), access);
  }
  return f;
}

uint64 vm_pin_user_range(struct supplemental_page_table *spt, uint64 va, uint64 len,
                         enum vm_access access) {
  uint64 end = va + len < va ? USER_TOP : va + len;
  uint64 pinned = 0;
  for (uint64 pva = PGROUNDDOWN(va); pva < end; pva += PGSIZE) {
    // The buffer's own first byte, not its page's: a stack page may grow only from at or
    // above sp, and the buffer may start above sp in a page that begins below it.
    if (!vm_pin_user_page(spt, MAX(pva, va), access, NULL))
      break;
    pinned = MIN(pva + PGSIZE, end) - va;
  }
  return pinned;
}

void vm_unpin_user_range(struct supplemental_page_table *spt, uint64 va, uint64 len) {
  for (uint64 pva = PGROUNDDOWN(va); pva < va + len; pva += PGSIZE) {
    struct page *page = spt_lookup_existing(spt, pva);
    if (!page || !page->frame)
      panic("vm_unpin_user_range: va %p was not pinned", (void *)pva);
    frame_unpin(page->frame);
  }
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
      uint32 flags = page ? page->flags : area->flags;
      if ((flags & PAGE_NOACCESS) || !vm_allows(flags, access))
        return 0;
    } else if (vm_stack_growth(spt, MAX(pva, va), user_sp) != VM_RESOLVED) {
      return 0;
    }
  }
  return 1;
}

void vm_hold_for_instruction(struct supplemental_page_table *spt, uint64 pc, uint64 va) {
  if (spt->nheld && spt->held_pc != pc)
    vm_release_held(spt);
  if (!frame_pool_full())
    return;  // nothing is being evicted: no need to pay for pins
  struct page *page = spt_lookup_existing(spt, va);
  struct frame *f = page ? vm_pin_resident(spt, page, ACCESS_READ) : NULL;
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

// ---- Copies ----

// Moves len bytes between the kernel buffer kbuf and user address uva, a page at a time
// through the pinned frames' kernel addresses (to_user: the direction).
static int copy_user(struct supplemental_page_table *spt, uint64 uva, void *kbuf, uint64 len,
                     int to_user) {
  char *k = kbuf;
  while (len > 0) {
    struct frame *f = vm_pin_user_page(spt, uva, to_user ? ACCESS_WRITE : ACCESS_READ, NULL);
    if (!f)
      return -1;
    uint64 n = MIN(len, PGSIZE - uva % PGSIZE);
    char *u = (char *)f->kva + uva % PGSIZE;
    memmove(to_user ? u : k, to_user ? k : u, n);
    frame_unpin(f);
    len -= n;
    k += n;
    uva += n;
  }
  return 0;
}

int copyout(struct supplemental_page_table *spt, uint64 dstva, const void *src, uint64 len) {
  return copy_user(spt, dstva, (void *)src, len, 1);
}

int copyin(struct supplemental_page_table *spt, void *dst, uint64 srcva, uint64 len) {
  return copy_user(spt, srcva, dst, len, 0);
}

int copyinstr(struct supplemental_page_table *spt, char *dst, uint64 srcva, uint64 max) {
  while (max > 0) {
    struct frame *f = vm_pin_user_page(spt, srcva, ACCESS_READ, NULL);
    if (!f)
      return -1;
    const char *src = (const char *)f->kva + srcva % PGSIZE;
    uint64 n = MIN(max, PGSIZE - srcva % PGSIZE);
    for (uint64 i = 0; i < n; i++) {
      dst[i] = src[i];
      if (src[i] == 0) {
        frame_unpin(f);
        return 0;
      }
    }
    frame_unpin(f);
    max -= n;
    dst += n;
    srcva += n;
  }
  return -1;
}
