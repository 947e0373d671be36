// Anonymous pages: heap, stack and bss. Zero-filled on first touch; written to a swap slot
// when their frame is taken (if they were ever written) and read back on the next fault.
#include "vm/vm.h"
#include "lib/string.h"

static int anon_swap_in(struct page *page, void *kva);

const struct page_operations anon_ops = {
    .swap_in = anon_swap_in,
    .swap_out = swap_out_dirty_page,
    .destroy = swap_release_page,
    .type = VM_ANON,
};

// Zeroes the page's frame, unless it came zeroed from the idle harts' pool.
static void zero_fill(struct page *page, void *kva) {
  if (page->frame->flags & FRAME_ZEROED) {
    page->frame->flags &= ~FRAME_ZEROED;  // no lock: the frame is still pinned by the claim
    VM_COUNT(faults_prezeroed);
  } else {
    page_zero(kva);
  }
  VM_COUNT(faults_zero);
}

// Type initializer: the page becomes ANON, its frame zero-filled.
int anon_initializer(struct page *page, enum vm_type type, void *kva) {
  (void)type;
  page->ops = &anon_ops;
  zero_fill(page, kva);
  return 0;
}

// A page that was written comes back from its slot; one that never was is zero-filled again.
static int anon_swap_in(struct page *page, void *kva) {
  if (page->swap_slot < 0) {
    zero_fill(page, kva);
    return 0;
  }
  return swap_in_page(page, kva);
}
