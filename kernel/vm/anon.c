// Anonymous pages: heap, stack and bss. Zero-filled on first touch; the swap issue writes them
// to a swap slot when their frame is taken and reads them back on the next fault.
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

// Until swap exists an ANON page never loses its frame, so nothing can ask to read it back.
static int anon_swap_in(struct page *page, void *kva) {
  (void)kva;
  panic("anon_swap_in: page %p has no swap slot to read (swap does not exist yet)",
        (void *)page->va);
}

static int anon_swap_out(struct page *page) {
  (void)page;
  return -1;
}

static void anon_destroy(struct page *page) { (void)page; }
