// Swap: the swap partition of the virtio disk (found in the GPT), cut into page-sized slots,
// one bit each in a slot_map (slots.c). Pages move with real virtio requests straight from
// and to their frames; the process that asks sleeps until its request completes while other
// processes run.
//
// An evictor decides under other locks whether it can afford to write a page out, so slots
// are promised first (swap_reserve, under frame_lock) and taken when the write happens
// (swap_write). A slot may be named by several pages (the processes that share a frame
// when it is evicted, or a swapped-out page when it forks): it has a share count and is
// free when the last of them lets go.
// Lock: swap_lock guards the map, the share counts and the promises; it is the innermost VM
// lock.
#include "vm/vm.h"
#include "arch/spinlock.h"
#include "dev/disk.h"
#include "lib/bootargs.h"
#include "lib/failinject.h"
#include "lib/printf.h"
#include "mm/mm.h"
#include "proc/proc.h"
#include "vm/slots.h"
#include "vm/vmtools.h"

#define SECTORS_PER_SLOT (PGSIZE / 512)

static struct spinlock swap_lock = SPINLOCK_INIT("swap");
static struct slot_map slots;  // guarded by swap_lock
static uint64 reserved;        // slots promised to evictions in progress; swap_lock
static uint64 first_sector;    // of the partition; set once at boot
// Share counts, a byte a slot (a slot is shared by at most NPROC processes), in pages of
// SHARES_PER_PAGE: share_pages[s / SHARES_PER_PAGE][s % SHARES_PER_PAGE]. Guarded by swap_lock.
#define SHARES_PER_PAGE PGSIZE
#define SHARE_PAGES_MAX 64  // 256 Ki slots: 1 GiB of swap
static uint8 *share_pages[SHARE_PAGES_MAX];

static uint8 *shares_of(long slot) { return &share_pages[slot / SHARES_PER_PAGE][slot % SHARES_PER_PAGE]; }

// The share-count pages for n slots; returns how many slots they cover (n, or fewer when
// memory runs out).
static uint64 alloc_shares(uint64 n) {
  n = MIN(n, (uint64)SHARE_PAGES_MAX * SHARES_PER_PAGE);
  for (uint64 i = 0; i * SHARES_PER_PAGE < n; i++)
    if (!(share_pages[i] = kpage_zalloc()))
      return i * SHARES_PER_PAGE;
  return n;
}

// Sizes the slot map from the swap partition (the swapslots= boot argument may limit it).
// Without a swap partition there are no slots, and only clean pages can be evicted. Strict
// overcommit may promise what frames and slots together hold.
void swap_init(void) {
  uint64 n = disk_layout.swap.nsectors / SECTORS_PER_SLOT;
  int64 max_slots = bootarg_int("swapslots", 0);
  if (max_slots > 0 && (uint64)max_slots < n)
    n = max_slots;
  n = alloc_shares(n);
  uint64 words = (n + 63) / 64;
  uint64 *bits = n ? kmalloc(words * sizeof(uint64)) : NULL;
  if (n && !bits) {
    printf("swap: no memory for a map of %lu slots; swapping disabled\n", n);
    n = 0;
  }
  first_sector = disk_layout.swap.first_sector;
  slot_map_init(&slots, bits, n);
  vm_counters.swap_slots = n;
  __atomic_fetch_add(&vm_counters.commit_limit, n, __ATOMIC_RELAXED);
  printf("swap: %lu slots (%lu MiB)\n", n, n >> 8);
}

int swap_reserve(void) {
  if (fail_now(FAIL_SWAP))  // fault injection: as if swap were full
    return -1;
  acquire(&swap_lock);
  int ok = slots.used + reserved < slots.nslots;
  if (ok)
    reserved++;
  release(&swap_lock);
  return ok ? 0 : -1;
}

// One disk request for n pages at consecutive slots from `slot` (vmstat counts them:
// swap_requests, swap_sectors).
static int slots_io(long slot, void *const *kvas, int n, int write) {
  VM_COUNT(swap_requests);
  VM_ADD(swap_sectors, (uint64)n * SECTORS_PER_SLOT);
  return virtio_blk_rw_pages(first_sector + (uint64)slot * SECTORS_PER_SLOT, kvas, n, write);
}

static int slot_io(long slot, void *kva, int write) { return slots_io(slot, &kva, 1, write); }

// Writes a page to a slot, using up a reservation (swap_reserve) even when the write fails.
long swap_write(void *kva) {
  acquire(&swap_lock);
  if (reserved == 0)
    panic("swap_write: no slot was reserved");
  reserved--;
  long slot = slot_alloc(&slots);
  if (slot < 0)
    panic("swap_write: a reserved slot is missing (%u of %u used)", slots.used, slots.nslots);
  *shares_of(slot) = 1;
  vm_counters.swap_used = slots.used;
  release(&swap_lock);
  if (slot_io(slot, kva, 1) < 0) {
    swap_free(slot);
    return -1;
  }
  VM_COUNT(swap_outs);
  return slot;
}

int swap_write_cluster(void *const *kvas, int n, long *slots_out) {
  int written = 0;
  for (int i = 0; i < n;) {
    acquire(&swap_lock);
    if (reserved < (uint64)(n - i))
      panic("swap_write_cluster: %d slots wanted, %lu reserved", n - i, reserved);
    uint32 got;
    long first = slot_alloc_run(&slots, MIN((uint32)(n - i), DISK_PAGES_MAX), &got);
    if (first < 0)
      panic("swap_write_cluster: a reserved slot is missing (%u of %u used)", slots.used,
            slots.nslots);
    reserved -= got;
    for (uint32 k = 0; k < got; k++)
      *shares_of(first + k) = 1;
    vm_counters.swap_used = slots.used;
    release(&swap_lock);
    int ok = slots_io(first, &kvas[i], (int)got, 1) == 0;
    for (uint32 k = 0; k < got; k++) {
      slots_out[i + k] = ok ? first + (long)k : -1;
      if (!ok)
        swap_free(first + (long)k);
    }
    if (ok) {
      VM_ADD(swap_outs, got);
      written += (int)got;
    }
    i += (int)got;
  }
  return written;
}

int swap_read(long slot, void *kva) {
  if (slot_io(slot, kva, 0) < 0)
    return -1;
  VM_COUNT(swap_ins);
  return 0;
}

void swap_dup(long slot, uint32 n) {
  acquire(&swap_lock);
  if (!slot_in_use(&slots, slot) || *shares_of(slot) + n > 255)
    panic("swap_dup: slot %ld (in use %d, shares %u) cannot take %u more", slot,
          slot_in_use(&slots, slot), *shares_of(slot), n);
  *shares_of(slot) += n;
  release(&swap_lock);
}

void swap_free(long slot) {
  acquire(&swap_lock);
  if (!slot_in_use(&slots, slot) || *shares_of(slot) == 0)
    panic("swap_free: slot %ld is not in use", slot);
  if (--*shares_of(slot) == 0) {
    slot_free(&slots, slot);
    vm_counters.swap_used = slots.used;
  }
  release(&swap_lock);
}

int swap_out_dirty_page(struct page *page) {
  struct frame *f = page->frame;
  if (!frame_is_dirty(f))
    return 0;
  long slot = swap_write(f->kva);
  if (slot < 0)
    return -1;
  swap_name_slot(f, slot);
  return 0;
}

void swap_name_slot(struct frame *f, long slot) {
  for (struct page *m = f->rmap; m; m = m->rmap_next) {
    m->swap_slot = slot;
    swap_page_count(m, 1);
  }
  if (f->nmap > 1)
    swap_dup(slot, f->nmap - 1);
}

// A page whose frame was just filled from its slot lets go of the slot. Unless others share
// the slot, the frame is now the only copy of the contents: it is dirty.
static void swap_took_page(struct page *page) {
  swap_free(page->swap_slot);
  page->swap_slot = -1;
  swap_page_count(page, -1);
  __atomic_fetch_or(&page->frame->flags, FRAME_DIRTY, __ATOMIC_RELAXED);
  __atomic_fetch_and(&page->frame->flags, ~FRAME_ZEROED, __ATOMIC_RELAXED);
}

// Read-ahead: how many pages one swap-in reads at most (the faulting page included).
#define READAHEAD_MAX 8

// The pages after `page` in its area that can be read in the same request: each of the same
// type, with no frame and not being evicted, holding the next slot after its predecessor's.
// Only for a page of the running process's own SPT (exec's new image is not yet), and only
// as many as free frames allow (a read-ahead never evicts). Each is given a frame, pinned and
// mapped (read-only as to dirt: the fill marks the frame dirty). Returns how many, in ra.
static int readahead_gather(struct page *page, struct page **ra, int max) {
  struct proc *p = myproc();
  struct vm_area *area = page->area;
  if (!p || spt_find_area(&p->spt, page->va) != area)
    return 0;
  int n = 0;
  for (uint64 va = page->va + PGSIZE; n < max && va < area->end; va += PGSIZE) {
    struct page *q = spt_lookup_existing(&p->spt, va);
    // Only this thread gives a frameless page a frame, changes its slot or frees it, so what
    // is seen under the lock holds until the claim below.
    acquire(area->lock);
    int ok = q && q->ops == page->ops && !q->frame &&
             !(q->flags & (PAGE_EVICTING | PAGE_NOACCESS)) &&
             q->swap_slot == page->swap_slot + n + 1;
    release(area->lock);
    if (!ok)
      break;
    struct frame *f = vm_get_free_frame();
    if (!f)
      break;
    if (frame_map(q, f, ACCESS_READ) < 0) {
      vm_free_frame(f);
      break;
    }
    ra[n++] = q;
  }
  return n;
}

// A read-ahead page that was not filled loses its frame again.
static void readahead_drop(struct page *q) {
  struct frame *f = q->frame;
  acquire(q->area->lock);
  frame_unmap(q);
  release(q->area->lock);
  frame_release(f);
}

// A read-ahead page that was filled: resident, as a claim leaves it (vm.c's claimed).
static void readahead_claimed(struct page *q) {
  if (q->flags & PAGE_EXEC)
    asm volatile("fence.i" ::: "memory");
  frame_unpin(q->frame);
  VM_COUNT(pages_resident);
  VM_COUNT(swap_readahead);
  struct proc *p = myproc();
  vm_event(EV_SWAP_IN, p ? p->pid : 0, q->va, page_get_type(q));
}

// Fills kva from the page's slot, and reads ahead the neighbours readahead_gather finds in
// the same disk request. A failed read leaves every slot in use and the neighbours without
// frames.
int swap_in_page(struct page *page, void *kva) {
  struct page *ra[READAHEAD_MAX - 1];
  int n = readahead_gather(page, ra, READAHEAD_MAX - 1);
  void *kvas[READAHEAD_MAX];
  kvas[0] = kva;
  for (int i = 0; i < n; i++)
    kvas[1 + i] = ra[i]->frame->kva;
  int r = slots_io(page->swap_slot, kvas, n + 1, 0);
  for (int i = 0; i < n; i++) {
    if (r < 0) {
      readahead_drop(ra[i]);
      continue;
    }
    swap_took_page(ra[i]);
    readahead_claimed(ra[i]);
  }
  if (r < 0)
    return -1;
  VM_ADD(swap_ins, n + 1);
  swap_took_page(page);
  return 0;
}

void swap_release_page(struct page *page) {
  if (page->swap_slot >= 0) {
    swap_free(page->swap_slot);
    swap_page_count(page, -1);
  }
  page->swap_slot = -1;
}

void swap_page_count(struct page *page, int n) {
  __atomic_fetch_add(&vm_lock_owner(page->area->lock)->pages_swapped, n, __ATOMIC_RELAXED);
}

// For the invariant checker (vmtools.h): swap_lock from outside, the number of slots, and a
// slot's share count with swap_lock held (0: free).
void swap_lock_acquire(void) { acquire(&swap_lock); }
void swap_lock_release(void) { release(&swap_lock); }
uint64 swap_nslots(void) { return slots.nslots; }

int swap_slot_shares(uint64 slot) {
  if (slot >= slots.nslots)
    return -1;
  return slot_in_use(&slots, slot) ? *shares_of(slot) : 0;
}
