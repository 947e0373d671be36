// File-backed pages: program text and data, read from the executable on first touch
// (lazy_load_segment). The executable stays open while any page can still need it, and
// writes to it are refused meanwhile (vm_segment_put ends that). The mapping is private: a
// clean page is dropped on eviction and read again, a written one (.data) goes to swap.
#include "vm/vm.h"
#include "fs/fs.h"
#include "lib/string.h"
#include "mm/mm.h"

static int file_swap_in(struct page *page, void *kva);

const struct page_operations file_ops = {
    .swap_in = file_swap_in,
    .swap_out = swap_out_dirty_page,
    .destroy = swap_release_page,  // the segment belongs to the page's area
    .type = VM_FILE,
};

// Type initializer: the page becomes FILE. Its contents come from lazy_load_segment.
int file_backed_initializer(struct page *page, enum vm_type type, void *kva) {
  (void)type;
  (void)kva;
  page->ops = &file_ops;
  return 0;
}

// Reads the page's share of the segment's file bytes into its frame and zeroes the rest.
static int read_segment_page(struct page *page, struct vm_segment *seg, void *kva) {
  uint64 lo = MAX(page->va, seg->vaddr), hi = MIN(page->va + PGSIZE, seg->vaddr + seg->filesz);
  char *dst = kva;
  if (lo >= hi) {
    memset(dst, 0, PGSIZE);
    return 0;
  }
  memset(dst, 0, lo - page->va);  // only what the file does not cover: readi fills the rest
  memset(dst + (hi - page->va), 0, page->va + PGSIZE - hi);
  ilock(seg->ip);
  int n = readi(seg->ip, 0, (uint64)(dst + (lo - page->va)), seg->off + (lo - seg->vaddr),
                hi - lo);
  iunlock(seg->ip);
  VM_COUNT(faults_file);
  return n == (int)(hi - lo) ? 0 : -1;
}

// Content initializer of a program page (aux: its struct vm_segment).
int lazy_load_segment(struct page *page, void *aux) {
  return read_segment_page(page, aux, page->frame->kva);
}

// A clean page that lost its frame is read again from the file (which cannot have changed:
// writes to it are denied); a written one comes back from its swap slot.
static int file_swap_in(struct page *page, void *kva) {
  if (page->swap_slot < 0)
    return read_segment_page(page, page->area->seg, kva);
  return swap_in_page(page, kva);
}

// Drops one reference to a segment; the last one lets writers at the executable again and
// closes it. Call inside a file-system operation (iput may free the inode).
void vm_segment_put(struct vm_segment *seg) {
  if (__atomic_sub_fetch(&seg->ref, 1, __ATOMIC_ACQ_REL) > 0)
    return;
  ilock(seg->ip);
  seg->ip->deny_write--;
  iunlock(seg->ip);
  iput(seg->ip);
  kfree(seg);
}
