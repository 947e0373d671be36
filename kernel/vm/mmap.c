// mmap, munmap and msync, with Linux's PROT_ and MAP_ values. A mapping only registers an
// area, like everything else here: its pages are claimed on first touch, a file's through
// the page cache (pcache.c), an anonymous one's zero-filled.
//
// Policy, for the cases POSIX leaves open:
//  - without MAP_FIXED, addr is a hint: used if the range there is free, else the highest
//    free range below the stack's room to grow is chosen; the heap grows up towards the
//    mappings and sbrk fails when it would reach one.
//  - MAP_FIXED replaces whatever was in the range (as munmap would remove it), except the
//    heap and the stack with its room to grow, which neither mmap nor munmap may touch (-1).
//  - MAP_SHARED with MAP_ANONYMOUS is not offered (-1); PROT_WRITE and PROT_EXEC imply read
//    (RISC-V has no write-only pages), PROT_NONE gives pages that every access faults on.
//  - msync writes synchronously whatever flags say; MS_INVALIDATE is accepted and does
//    nothing more (the mappings and the file are coherent already).
// Every call checks all its arguments before it changes anything, and returns -1 if any is
// bad. Only the calling process changes its areas (vm.h: Locking).
#include "vm/vm.h"
#include "arch/memlayout.h"
#include "fs/file.h"
#include "lib/printf.h"
#include "mm/mm.h"
#include "proc/proc.h"
#include "vm/mman.h"

#define MMAP_MAX_FILE_END (1UL << 32)  // files never grow past 4 GiB (a 32-bit size)

// Is [start, end) a page-aligned range of user space that mmap may use?
static int range_ok(uint64 start, uint64 end) {
  return start % PGSIZE == 0 && end % PGSIZE == 0 && start < end && start >= USER_BASE &&
         end <= USER_TOP;
}

// The highest free range of len bytes between the heap's end and the stack's room to grow;
// 0 if there is none. The areas are sorted, so the last gap that fits is the highest.
static uint64 find_free_range(struct supplemental_page_table *spt, uint64 len) {
  uint64 top = vm_stack_low() - USER_STACK_GUARD;
  uint64 low = spt->heap ? spt->heap->end : USER_BASE;  // the bottom of the current gap
  uint64 best = 0;
  for (struct vm_area *a = spt->areas; a && low < top; a = a->next) {
    if (a->end <= a->start)
      continue;  // empty (a heap before its first sbrk)
    uint64 gap_end = MIN(a->start, top);
    if (gap_end > low && gap_end - low >= len)
      best = gap_end - len;
    low = MAX(low, a->end);
  }
  if (top > low && top - low >= len)
    best = top - len;
  return best;
}

// Where the mapping goes: [*start, *start + len). -1 if addr cannot be honoured (fixed) or
// no room is left.
static int place(struct supplemental_page_table *spt, uint64 addr, uint64 len, int flags,
                 uint64 *start) {
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    if (!range_ok(addr, addr + len) || vm_range_is_reserved(spt, addr, addr + len))
      return -1;
    if ((flags & MAP_FIXED_NOREPLACE) && spt_find_overlap(spt, addr, addr + len))
      return -1;
    *start = addr;
    return 0;
  }
  uint64 hint = PGROUNDDOWN(addr);
  if (hint && range_ok(hint, hint + len) && !vm_range_is_reserved(spt, hint, hint + len) &&
      !spt_find_overlap(spt, hint, hint + len)) {
    *start = hint;
    return 0;
  }
  *start = find_free_range(spt, len);
  return *start ? 0 : -1;
}

// The open file behind fd, if it is a regular file that allows this mapping: readable (any
// mapping reads it), and writable for a shared mapping that may write.
static struct file *mappable_file(int fd, int prot, int flags) {
  struct proc *p = myproc();
  struct file *f = fd >= 0 && fd < NOFILE ? p->ofile[fd] : NULL;
  if (!f || f->type != FD_INODE || !f->readable)
    return NULL;
  if ((flags & MAP_SHARED) && (prot & PROT_WRITE) && !f->writable)
    return NULL;
  ilock(f->ip);
  int regular = f->ip->type == T_FILE;
  iunlock(f->ip);
  return regular ? f : NULL;
}

// A new mapped-file reference for [start, start+len) at file offset off.
static struct vm_file *new_file_mapping(struct inode *ip, uint64 start, uint64 len, uint64 off,
                                        int writer) {
  struct vm_file *file = kmalloc(sizeof(*file));
  if (!file)
    return NULL;
  *file = (struct vm_file){.ip = idup(ip), .vaddr = start, .off = off, .filesz = len,
                           .mapped = 1, .writer = writer};
  __atomic_fetch_add(&ip->nmapped, 1, __ATOMIC_RELAXED);
  if (writer) {  // a running program may not change under it (exec refuses such a file)
    ilock(ip);
    ip->writers++;
    iunlock(ip);
  }
  return file;
}

// Removes every area's pages in [start, end); -1 if an area could not be split.
static int unmap_range(struct supplemental_page_table *spt, uint64 start, uint64 end) {
  struct vm_area *a;
  while ((a = spt_find_overlap(spt, start, end)) != NULL)
    if (vm_area_cut(spt, a, start, end) < 0)
      return -1;
  return 0;
}

static uint32 area_flags(int prot, int flags) {
  return (prot & PROT_WRITE ? PAGE_WRITABLE : 0) | (prot & PROT_EXEC ? PAGE_EXEC : 0) |
         (prot == 0 ? PAGE_NOACCESS : 0) | (flags & MAP_SHARED ? AREA_SHARED : 0) | AREA_MMAP;
}

uint64 vm_mmap(uint64 addr, uint64 len, int prot, int flags, int fd, uint64 off) {
  struct supplemental_page_table *spt = &myproc()->spt;
  const int known = MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
  int anon = flags & MAP_ANONYMOUS;
  uint64 size = PGROUNDUP(len);
  if (len == 0 || len > USER_TOP || (flags & ~known) || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) ||
      !(flags & MAP_SHARED) == !(flags & MAP_PRIVATE) || (anon && (flags & MAP_SHARED)) ||
      off % PGSIZE || off > MMAP_MAX_FILE_END || size > MMAP_MAX_FILE_END - off)
    return -1;
  struct file *f = anon ? NULL : mappable_file(fd, prot, flags);
  uint64 start;
  if ((!anon && !f) || place(spt, addr, size, flags, &start) < 0)
    return -1;
  // MAP_FIXED may replace a mapping of the very file: hold it across the removal.
  struct vm_file *file = NULL;
  if (f && !(file = new_file_mapping(f->ip, start, size, off,
                                     (flags & MAP_SHARED) && (prot & PROT_WRITE))))
    return -1;
  if (file)
    file->ref = 1;
  uint64 result = -1;
  if (unmap_range(spt, start, start + size) == 0 &&
      vm_register_area(spt, start, start + size, anon ? VM_ANON : VM_FILE, area_flags(prot, flags),
                       NULL, file))
    result = start;
  if (file)
    vm_file_put(file);  // the area holds its own reference
  return result;
}

int vm_munmap(uint64 addr, uint64 len) {
  struct supplemental_page_table *spt = &myproc()->spt;
  uint64 end = addr + PGROUNDUP(len);
  if (len == 0 || len > USER_TOP || !range_ok(addr, end) || vm_range_is_reserved(spt, addr, end))
    return -1;
  return unmap_range(spt, addr, end);
}

int vm_msync(uint64 addr, uint64 len, int flags) {
  struct supplemental_page_table *spt = &myproc()->spt;
  uint64 end = addr + PGROUNDUP(len);
  if (addr % PGSIZE || end < addr || end > USER_TOP || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
      ((flags & MS_ASYNC) && (flags & MS_SYNC)))
    return -1;
  for (uint64 va = addr; va < end; va += PGSIZE)  // Linux: ENOMEM for a hole in the range
    if (!spt_find_area(spt, va))
      return -1;
  struct pcache_batch dirty = {.n = 0};
  for (uint64 va = addr; va < end; va += PGSIZE) {
    struct page *page = spt_lookup_existing(spt, va);
    if (page)
      pcache_batch_add(&dirty, spt, page);
  }
  pcache_batch_flush(&dirty);
  VM_COUNT(msyncs);
  return dirty.failed ? -1 : 0;  // a disk error: the pages are not on disk
}
