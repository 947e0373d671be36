// UNINIT pages: registered, never touched. What a page becomes is its area's: the type
// (anon or file) and the content initializer with its aux (lazy_load_segment and the
// segment, or nothing for zero-fill), kept once per area rather than once per page.
// Claiming runs the type initializer (the page takes that type's ops) and then the content
// initializer, if any.
#include "vm/vm.h"

static const page_initializer_fn initializer_of[] = {
    [VM_ANON] = anon_initializer,
    [VM_FILE] = file_backed_initializer,
};

int uninit_initialize(struct page *page, void *kva) {
  struct vm_area *area = page->area;
  if (initializer_of[area->type](page, area->type, kva) < 0)
    return -1;
  return area->init ? area->init(page, area->file) : 0;
}

// Never called: an UNINIT page has no frame to write out.
static int uninit_swap_out(struct page *page) {
  (void)page;
  return -1;
}

// Nothing to free: everything an UNINIT page will need belongs to its area.
static void uninit_destroy(struct page *page) { (void)page; }

const struct page_operations uninit_ops = {
    .swap_in = uninit_initialize,
    .swap_out = uninit_swap_out,
    .destroy = uninit_destroy,
    .type = VM_UNINIT,
};
