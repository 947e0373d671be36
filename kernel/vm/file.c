// File-backed pages, of two kinds, both resting on the page cache (pcache.c):
//  - a program's segments (exec). A page wholly made of file bytes shares the page cache's
//    frame of its file page, read-only (a write makes a private copy, as after fork), so
//    every process running a program at the same time shares its text and read-only data. A page that is partly file bytes (a segment's first or last
//    page, where zeros or another segment's bytes must not show) is read privately from the
//    executable on first touch (lazy_load_segment). The executable stays open while any
//    page can still need it, and writes to it are refused meanwhile. A clean private page is
//    dropped on eviction and read again; a written one (.data) goes to swap.
//  - a mapped file's pages (mmap): their contents are the page cache's, whose frame they
//    share (vm.c's claim_cached_page). A private mapping's page that was written has a copy
//    of its own instead, which goes to swap like an anonymous page.
#include "vm/vm.h"
#include "fs/fs.h"
#include "lib/string.h"
#include "mm/mm.h"

static int file_swap_in(struct page *page, void *kva);
static int file_map_swap_in(struct page *page, void *kva);
static int file_swap_out(struct page *page);

const struct page_operations file_ops = {
    .swap_in = file_swap_in,
    .swap_out = file_swap_out,
    .destroy = swap_release_page,  // the file belongs to the page's area
    .type = VM_FILE,
};

const struct page_operations file_map_ops = {
    .swap_in = file_map_swap_in,
    .swap_out = file_swap_out,
    .destroy = swap_release_page,
    .type = VM_FILE,
};

// Type initializer: the page becomes FILE. A segment's contents come from lazy_load_segment,
// a mapped file's with the page cache's frame.
int file_backed_initializer(struct page *page, enum vm_type type, void *kva) {
  (void)type;
  (void)kva;
  page->ops = page->area->file->mapped ? &file_map_ops : &file_ops;
  return 0;
}

uint64 file_page_offset(const struct page *page) {
  const struct vm_file *file = page->area->file;
  return file->off + (page->va - file->vaddr);
}

int vm_file_caches(const struct vm_file *file, uint64 va) {
  if (file->mapped)
    return 1;
  // exec checked that the segment's offset and va agree modulo PGSIZE, so a whole page
  // is a whole file page.
  return va >= file->vaddr && va + PGSIZE <= file->vaddr + file->filesz;
}

int file_page_is_cached(const struct page *page) {
  return page->area->file && page->swap_slot < 0 && vm_file_caches(page->area->file, page->va);
}

// ---- Program segments ----

// Reads the page's share of the segment's file bytes into its frame and zeroes the rest.
static int read_segment_page(struct page *page, struct vm_file *seg, void *kva) {
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

// Content initializer of a program page (aux: its segment's struct vm_file). A whole file
// page came with the page cache's frame, filled: nothing to read.
int lazy_load_segment(struct page *page, void *aux) {
  if (vm_file_caches(aux, page->va))
    return 0;
  return read_segment_page(page, aux, page->frame->kva);
}

// A written page comes back from its swap slot. A clean one that lost its frame is the page
// cache's again (a whole file page: nothing to read here) or is read again from the file,
// which cannot have changed: writes to it are denied.
static int file_swap_in(struct page *page, void *kva) {
  if (page->swap_slot >= 0)
    return swap_in_page(page, kva);
  if (vm_file_caches(page->area->file, page->va))
    return 0;
  return read_segment_page(page, page->area->file, kva);
}

// ---- Mapped files ----

// A page with a private copy in swap comes back from there. Otherwise the frame is the page
// cache's, which came filled (vm.c): nothing to read.
static int file_map_swap_in(struct page *page, void *kva) {
  return page->swap_slot >= 0 ? swap_in_page(page, kva) : 0;
}

// The evictor's half, for both kinds: the page cache's frame goes back to the file if it is
// dirty (or nowhere, if a truncation cut it off); a private copy goes to swap if it was
// written, else nowhere.
static int file_swap_out(struct page *page) {
  struct frame *f = page->frame;
  if (f->flags & FRAME_DISCARD)
    return 0;
  if (f->flags & FRAME_CACHED)
    return frame_is_dirty(f) ? pcache_write_back(&f, 1) : 0;
  return swap_out_dirty_page(page);
}

// ---- The file behind an area ----

// Drops one area's reference. The last one undoes what the registration did to the inode (a
// program's segment: writes are allowed again; a mapping: it no longer counts as a writer;
// both: the file's last user takes its pages out of the page cache) and closes it. Starts a
// file-system operation (iput may free the inode): not inside one.
void vm_file_put(struct vm_file *file) {
  if (__atomic_sub_fetch(&file->ref, 1, __ATOMIC_ACQ_REL) > 0)
    return;
  struct inode *ip = file->ip;
  pcache_unmapped(ip);
  if (!file->mapped || file->writer) {
    ilock(ip);
    if (file->mapped)
      ip->writers--;
    else
      ip->deny_write--;
    iunlock(ip);
  }
  begin_op();
  iput(ip);
  end_op();
  kfree(file);
}
