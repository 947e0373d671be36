// Whole address spaces: fork's copy of a supplemental page table, and the removal of pages
// that munmap, sbrk's shrink, exit and exec do. Copy-on-write: fork shares every resident
// page's frame with the child (read-only on both sides for private pages, vm.c copies on the
// first write) and every swap slot; the boot argument cow=off copies eagerly instead, to
// measure the difference. All of it runs in the process that owns the source (fork) or the
// table (exit), or on an image nobody runs yet (exec), so the shape of the tables needs no
// lock; frames are reached under their owner's vm lock as everywhere (vm.h: Locking).
#include "vm/vm.h"
#include "arch/spinlock.h"
#include "lib/bootargs.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"

struct copy_state {
  struct supplemental_page_table *dst, *src;
  int failed;
  int eager;  // cow=off: copy every page now
};

// A struct page for the child, like the parent's but with no frame of its own yet, inserted
// in the child's table at its area.
static struct page *child_page(struct copy_state *cs, const struct page *page) {
  struct page *np = kmalloc(sizeof(*np));
  if (!np)
    return NULL;
  *np = *page;
  np->frame = NULL;
  np->hash_next = NULL;
  np->rmap_next = NULL;
  np->swap_slot = -1;
  np->flags &= ~PAGE_EVICTING;
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

// cow=off: the child's own copy of a page, in a new frame: the bytes of the parent's frame
// (from), or of its swap slot. -1 when memory runs out.
static int copy_eagerly(struct page *page, struct page *np, struct frame *from) {
  struct frame *frame = vm_get_frame();
  if (!frame)
    return -1;
  if (from) {
    page_copy(frame->kva, from->kva);
    frame_lock_acquire();
    int dirty = frame_is_dirty(from);
    frame_lock_release();
    frame->flags |= dirty ? FRAME_DIRTY : 0;
  } else if (swap_read(page->swap_slot, frame->kva) < 0) {
    vm_free_frame(frame);
    return -1;
  } else {
    frame->flags |= FRAME_DIRTY;
  }
  if (frame_map(np, frame, ACCESS_READ) < 0) {
    vm_free_frame(frame);
    return -1;
  }
  frame_unpin(frame);
  VM_COUNT(pages_resident);
  return 0;
}

// The child's page for one of the parent's. A resident page shares the parent's frame (a
// shared mapping's stays writable on both sides); a page in swap shares its slot; a page
// with nothing of its own (UNINIT, a dropped clean page) stays so in the child.
static void copy_page(struct page *page, void *arg) {
  struct copy_state *cs = arg;
  if (cs->failed)
    return;
  struct page *np = child_page(cs, page);
  if (!np) {
    cs->failed = 1;
    return;
  }
  // Pinned so that no evictor takes the frame meanwhile; this waits for an eviction of the
  // page to end, so its swap slot is settled too.
  struct frame *from = vm_pin_resident(cs->src, page, ACCESS_READ);
  if (cs->eager && (from || page->swap_slot >= 0) && !(page->area->flags & AREA_SHARED)) {
    cs->failed = copy_eagerly(page, np, from) < 0;
  } else if (from) {
    cs->failed = frame_share(page, np) < 0;
    if (!cs->failed)
      VM_COUNT(pages_resident);
  } else if (page->swap_slot >= 0) {
    swap_dup(page->swap_slot, 1);
    np->swap_slot = page->swap_slot;
    swap_page_count(np, 1);
  }
  if (from)
    frame_unpin(from);
}

int supplemental_page_table_copy(struct supplemental_page_table *dst,
                                 struct supplemental_page_table *src) {
  for (struct vm_area *a = src->areas; a; a = a->next) {
    struct vm_area *copy =
        vm_register_area(dst, a->start, a->end, a->type, a->flags, a->init, a->file);
    if (!copy)
      return -1;
    if (a == src->heap)
      dst->heap = copy;
    if (a == src->stack)
      dst->stack = copy;
  }
  const char *cow = bootarg("cow");
  struct copy_state cs = {dst, src, 0, cow && strcmp(cow, "off") == 0};
  spt_for_each(src, copy_page, &cs);
  return cs.failed ? -1 : 0;
}

// ---- Removing pages ----

struct removal {
  struct supplemental_page_table *spt;
  uint64 start, end;
  struct pcache_batch dirty;  // a shared mapping's pages to write back
};

static void collect_shared(struct page *page, void *arg) {
  struct removal *r = arg;
  if (page->va >= r->start && page->va < r->end)
    pcache_batch_add(&r->dirty, r->spt, page);
}

static void remove_in_range(struct page *page, void *arg) {
  struct removal *r = arg;
  if (page->va >= r->start && page->va < r->end)
    spt_remove_page(r->spt, page);
}

// Calls fn on every struct page in [start, end): by address when the range is small, else
// by a sweep of the hash (a 1 GiB shrink must not walk 262,144 addresses).
static void for_pages_in(struct removal *r, void (*fn)(struct page *, void *)) {
  if ((r->end - r->start) / PGSIZE <= r->spt->npages) {
    for (uint64 va = r->start; va < r->end; va += PGSIZE) {
      struct page *page = spt_lookup_existing(r->spt, va);
      if (page)
        fn(page, r);
    }
  } else {
    spt_for_each(r->spt, fn, r);
  }
}

void vm_remove_pages(struct supplemental_page_table *spt, uint64 start, uint64 end) {
  struct removal r = {.spt = spt, .start = start, .end = end};
  for_pages_in(&r, collect_shared);
  pcache_batch_flush(&r.dirty);
  for_pages_in(&r, remove_in_range);
}

// The page table's now empty tables are the caller's to free.
void supplemental_page_table_kill(struct supplemental_page_table *spt) {
  vm_release_held(spt);
  vm_remove_pages(spt, 0, ~0UL);
  spt_free_buckets(spt);
  vm_free_areas(spt);
}
