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

// One disk request a slot (vmstat counts them: swap_requests, swap_sectors).
static int slot_io(long slot, void *kva, int write) {
  VM_COUNT(swap_requests);
  VM_ADD(swap_sectors, SECTORS_PER_SLOT);
  return virtio_blk_rw(first_sector + (uint64)slot * SECTORS_PER_SLOT, kva, PGSIZE, write);
}

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
  for (struct page *m = f->rmap; m; m = m->rmap_next) {
    m->swap_slot = slot;
    swap_page_count(m, 1);
  }
  if (f->nmap > 1)
    swap_dup(slot, f->nmap - 1);
  return 0;
}

// Unless others share the slot, the frame is now the only copy of the contents: it is dirty.
int swap_in_page(struct page *page, void *kva) {
  if (swap_read(page->swap_slot, kva) < 0)
    return -1;
  swap_free(page->swap_slot);
  page->swap_slot = -1;
  swap_page_count(page, -1);
  __atomic_fetch_or(&page->frame->flags, FRAME_DIRTY, __ATOMIC_RELAXED);
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
