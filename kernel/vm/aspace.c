// Whole address spaces: fork's copy of a supplemental page table and the teardown that exit
// and exec do. Both run in the process that owns the source (fork) or the table (exit), or
// on an image nobody runs yet (exec), so the shape of the tables needs no lock; the frames
// are reached under their owner's vm lock as everywhere (vm.h: Locking).
#include "vm/vm.h"
#include "arch/spinlock.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"

struct copy_state {
  struct supplemental_page_table *dst, *src;
  int failed;
};

// A struct page for the child, like the parent's but with no frame and no slot of its own
// (the slot belongs to the parent's page), inserted in the child's table at its area.
static struct page *child_page(struct copy_state *cs, const struct page *page) {
  struct page *np = kmalloc(sizeof(*np));
  if (!np)
    return NULL;
  *np = *page;
  np->frame = NULL;
  np->hash_next = NULL;
  np->swap_slot = -1;
  np->flags &= ~(PAGE_EVICTING | PAGE_DIRTY);
  np->area = spt_find_area(cs->dst, page->va);
  VM_ADD(spt_bytes, sizeof(*np));
  if (!np->area)
    panic("fork: the child has no area for va %p", (void *)page->va);
  if (spt_insert_page(cs->dst, np) < 0) {
    vm_dealloc_page(cs->dst, np);
    return NULL;
  }
  return np;
}

// Gives the child its own copy of one page. A resident page's bytes go to a new frame; a
// page in swap is read into a new frame (the parent keeps its slot); a page with nothing
// to copy (UNINIT, a dropped clean page) stays so in the child.
static void copy_page(struct page *page, void *arg) {
  struct copy_state *cs = arg;
  if (cs->failed)
    return;
  struct page *np = child_page(cs, page);
  if (!np) {
    cs->failed = 1;
    return;
  }
  // The parent's frame, pinned so that no evictor takes it while it is copied.
  struct frame *from = vm_pin_resident(cs->src, page, ACCESS_READ);
  if (!from && page->swap_slot < 0)
    return;
  struct frame *frame = vm_get_frame();
  int dirty = 1;
  if (frame && from) {
    memcpy(frame->kva, from->kva, PGSIZE);
    acquire(cs->src->lock);
    dirty = (page->flags & PAGE_DIRTY) || (*from->pte & PTE_D);
    release(cs->src->lock);
  } else if (frame && swap_read(page->swap_slot, frame->kva) < 0) {
    vm_free_frame(frame);
    frame = NULL;
  }
  if (from)
    frame_unpin(from);
  if (!frame || vm_map_frame(cs->dst, np, frame) < 0) {
    if (frame)
      vm_free_frame(frame);
    cs->failed = 1;
    return;
  }
  if (dirty)
    np->flags |= PAGE_DIRTY;
  VM_COUNT(pages_resident);
  frame_unpin(frame);
}

int supplemental_page_table_copy(struct supplemental_page_table *dst,
                                 struct supplemental_page_table *src) {
  for (struct vm_area *a = src->areas; a; a = a->next) {
    struct vm_area *copy =
        vm_register_area(dst, a->start, a->end, a->type, a->flags, a->init, a->seg);
    if (!copy)
      return -1;
    if (a == src->heap)
      dst->heap = copy;
    if (a == src->stack)
      dst->stack = copy;
  }
  struct copy_state cs = {dst, src, 0};
  spt_for_each(src, copy_page, &cs);
  return cs.failed ? -1 : 0;
}

static void remove_page(struct page *page, void *arg) { spt_remove_page(arg, page); }

// The page table's now empty tables are the caller's to free.
void supplemental_page_table_kill(struct supplemental_page_table *spt) {
  vm_release_held(spt);
  spt_for_each(spt, remove_page, spt);
  spt_free_buckets(spt);
  vm_free_areas(spt);
}
