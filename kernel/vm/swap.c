// Swap: the swap partition of the virtio disk (found in the GPT), cut into page-sized slots,
// one bit each in a slot_map (slots.c). Pages move with real virtio requests straight from
// and to their frames; the process that asks sleeps until its request completes while other
// processes run.
//
// An evictor decides under other locks whether it can afford to write a page out, so slots
// are promised first (swap_reserve, under frame_lock) and taken when the write happens
// (swap_write). Lock: swap_lock guards the map and the promises; it is the innermost VM lock.
#include "vm/vm.h"
#include "arch/spinlock.h"
#include "dev/disk.h"
#include "lib/bootargs.h"
#include "lib/printf.h"
#include "mm/mm.h"
#include "vm/slots.h"

#define SECTORS_PER_SLOT (PGSIZE / 512)

static struct spinlock swap_lock = SPINLOCK_INIT("swap");
static struct slot_map slots;  // guarded by swap_lock
static uint64 reserved;        // slots promised to evictions in progress; swap_lock
static uint64 first_sector;    // of the partition; set once at boot

// Sizes the slot map from the swap partition (the swapslots= boot argument may limit it).
// Without a swap partition there are no slots, and only clean pages can be evicted. Strict
// overcommit may promise what frames and slots together hold.
void swap_init(void) {
  uint64 n = disk_layout.swap.nsectors / SECTORS_PER_SLOT;
  int64 max_slots = bootarg_int("swapslots", 0);
  if (max_slots > 0 && (uint64)max_slots < n)
    n = max_slots;
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
  acquire(&swap_lock);
  int ok = slots.used + reserved < slots.nslots;
  if (ok)
    reserved++;
  release(&swap_lock);
  return ok ? 0 : -1;
}

static int slot_io(long slot, void *kva, int write) {
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

void swap_free(long slot) {
  acquire(&swap_lock);
  if (slot_free(&slots, slot) < 0)
    panic("swap_free: slot %ld is not in use", slot);
  vm_counters.swap_used = slots.used;
  release(&swap_lock);
}

int swap_out_dirty_page(struct page *page) {
  if (!(page->flags & PAGE_DIRTY))
    return 0;
  long slot = swap_write(page->frame->kva);
  if (slot < 0)
    return -1;
  page->swap_slot = slot;
  return 0;
}

// The frame is now the only copy of the contents, so the page is dirty. No lock is needed
// for its flags: the frame is still pinned by the claim.
int swap_in_page(struct page *page, void *kva) {
  if (swap_read(page->swap_slot, kva) < 0)
    return -1;
  swap_free(page->swap_slot);
  page->swap_slot = -1;
  page->flags |= PAGE_DIRTY;
  return 0;
}

void swap_release_page(struct page *page) {
  if (page->swap_slot >= 0)
    swap_free(page->swap_slot);
  page->swap_slot = -1;
}
