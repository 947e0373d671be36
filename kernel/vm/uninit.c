// UNINIT pages: registered, never touched. Claiming one runs its type initializer (the page
// becomes ANON or FILE and takes that type's ops) and then its content initializer, if any.
#include "vm/vm.h"

int uninit_initialize(struct page *page, void *kva) {
  struct uninit_page u = page->uninit;  // the type initializer overwrites the union
  if (u.page_initializer(page, u.type, kva) < 0)
    return -1;
  return u.init ? u.init(page, u.aux) : 0;
}

// Never called: an UNINIT page has no frame to write out.
static int uninit_swap_out(struct page *page) {
  (void)page;
  return -1;
}

// Nothing to free: aux belongs to the page's area (vm_segment), which has its own count.
static void uninit_destroy(struct page *page) { (void)page; }

const struct page_operations uninit_ops = {
    .swap_in = uninit_initialize,
    .swap_out = uninit_swap_out,
    .destroy = uninit_destroy,
    .type = VM_UNINIT,
};
