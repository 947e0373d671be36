// Anonymous pages: heap, stack and bss. Zero-filled on first touch; written to a swap slot
// when their frame is taken (if they were ever written) and read back on the next fault.
#include "vm/vm.h"
#include "lib/printf.h"
#include "lib/string.h"

static int anon_swap_in(struct page *page, void *kva);
static int anon_swap_out(struct page *page);
static void anon_destroy(struct page *page);

const struct page_operations anon_ops = {
    .swap_in = anon_swap_in,
    .swap_out = anon_swap_out,
    .destroy = anon_destroy,
    .type = VM_ANON,
};

// Type initializer: the page becomes ANON, its frame zero-filled.
int anon_initializer(struct page *page, enum vm_type type, void *kva) {
  (void)type;
  page->ops = &anon_ops;
  page->anon.swap_slot = -1;
  memset(kva, 0, PGSIZE);
  VM_COUNT(faults_zero);
  return 0;
}

// A page that was written is read back from its slot, which is then free: the frame is now
// the only copy, so the page is dirty. A page that never was written is zero-filled again.
static int anon_swap_in(struct page *page, void *kva) {
  long slot = page->anon.swap_slot;
  if (slot < 0) {
    memset(kva, 0, PGSIZE);
    VM_COUNT(faults_zero);
    return 0;
  }
  if (swap_read(slot, kva) < 0)
    return -1;
  swap_free(slot);
  page->anon.swap_slot = -1;
  page->flags |= PAGE_DIRTY;  // no lock needed: the frame is still pinned by the claim
  return 0;
}

// The evictor's half (frame.c): a dirty page goes to a slot (reserved by the evictor); a
// clean one has only zeros to lose.
static int anon_swap_out(struct page *page) {
  if (!(page->flags & PAGE_DIRTY))
    return 0;
  long slot = swap_write(page->frame->kva);
  if (slot < 0)
    return -1;
  page->anon.swap_slot = slot;
  return 0;
}

static void anon_destroy(struct page *page) {
  if (page->anon.swap_slot >= 0)
    swap_free(page->anon.swap_slot);
}
