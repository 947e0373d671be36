// Areas: the ranges a process registers (ELF segments, the heap, the stack, mappings) whose
// pages are claimed on first touch; cutting them (munmap); sbrk's heap end; stack growth;
// strict overcommit accounting; and mincore. Also the memory system's boot arguments.
// Only the owning process changes its areas (see vm.h: Locking); the commit counters are
// atomics shared by every process.
#include "vm/vm.h"
#include "arch/memlayout.h"
#include "lib/bootargs.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "vm/uaccess.h"

static uint64 stack_limit = USER_STACK_MAX;  // set once at boot
static int overcommit_never;                 // strict accounting; set once at boot

void vm_init(void) {
  int64 s = bootarg_int("stack", USER_STACK_MAX);
  if (s < (int64)(16 * PGSIZE) || s > (1L << 30)) {
    printf("vm: stack=%ld is outside 64 KiB..1 GiB; using 1 MiB\n", s);
    s = USER_STACK_MAX;
  }
  stack_limit = PGROUNDUP((uint64)s);
  int64 prezero = bootarg_int("prezero", -1);  // pages idle harts keep zeroed; 0: none
  if (prezero >= 0)
    kalloc_set_zero_pool(prezero);
  const char *oc = bootarg("overcommit");
  overcommit_never = oc && strcmp(oc, "never") == 0;
  // Strict overcommit keeps some frames back from the promises: when every promised page is
  // in use and dirty, code and constants (clean pages, never promised) still need frames to
  // run in. swap_init adds the swap slots once the disk is read.
  uint64 frames = frame_table_init();
  vm_counters.commit_limit = frames - MIN(MAX(frames / 8, 16UL), frames / 2);
}

uint64 vm_stack_limit(void) { return stack_limit; }
uint64 vm_stack_low(void) { return USER_STACK_TOP - stack_limit; }
uint64 vm_heap_max(void) { return vm_stack_low() - USER_STACK_GUARD; }

// Strict overcommit: writable anonymous-like memory (heap, stack, writable segments) is
// promised up front against the frames (less a reserve for clean pages, vm_init) and the swap
// slots. Always counted, refused only with overcommit=never.
static int commit_pages(uint64 npages) {
  uint64 old = __atomic_load_n(&vm_counters.committed, __ATOMIC_RELAXED);
  do {
    if (overcommit_never && old + npages > vm_counters.commit_limit)
      return -1;
  } while (!__atomic_compare_exchange_n(&vm_counters.committed, &old, old + npages, 0,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED));
  return 0;
}

static void uncommit_pages(uint64 npages) { VM_SUB(committed, npages); }

static uint64 area_pages(const struct vm_area *a) { return (a->end - a->start) / PGSIZE; }

// Pages that strict overcommit counts: writable ones whose writes need memory of their own
// (a shared mapping's writes go to its file instead).
static int area_commits(const struct vm_area *a) {
  return (a->flags & PAGE_WRITABLE) && !(a->flags & AREA_SHARED);
}

struct vm_area *vm_register_area(struct supplemental_page_table *spt, uint64 start,
                                 uint64 end, enum vm_type type, uint32 flags,
                                 vm_initializer init, struct vm_file *file) {
  struct vm_area *a = kmalloc(sizeof(*a));
  if (!a)
    return NULL;
  *a = (struct vm_area){.start = start, .end = end, .flags = flags, .type = type,
                        .init = init, .file = file, .lock = spt->lock,
                        .pagetable = spt->pagetable};
  if (area_commits(a) && commit_pages(area_pages(a)) < 0) {
    kfree(a);
    return NULL;
  }
  if (spt_add_area(spt, a) < 0) {
    if (area_commits(a))
      uncommit_pages(area_pages(a));
    kfree(a);
    return NULL;
  }
  if (file)
    __atomic_fetch_add(&file->ref, 1, __ATOMIC_RELAXED);
  VM_ADD(pages_registered, area_pages(a));
  if (flags & AREA_MMAP)
    VM_ADD(pages_mapped, area_pages(a));
  VM_ADD(spt_bytes, sizeof(*a));
  return a;
}

// An area whose pages are gone: its accounting, its file reference, its struct.
static void free_area(struct vm_area *a) {
  if (area_commits(a))
    uncommit_pages(area_pages(a));
  VM_SUB(pages_registered, area_pages(a));
  if (a->flags & AREA_MMAP)
    VM_SUB(pages_mapped, area_pages(a));
  if (a->file)
    vm_file_put(a->file);
  kfree(a);
  VM_SUB(spt_bytes, sizeof(*a));
}

// Frees every area of a table whose pages are all gone (supplemental_page_table_kill).
void vm_free_areas(struct supplemental_page_table *spt) {
  while (spt->areas) {
    struct vm_area *a = spt->areas;
    spt->areas = a->next;
    free_area(a);
  }
  spt->heap = spt->stack = NULL;
}

int vm_area_cut(struct supplemental_page_table *spt, struct vm_area *a, uint64 start,
                uint64 end) {
  start = MAX(start, a->start);
  end = MIN(end, a->end);
  if (start >= end)
    return 0;
  struct vm_area *tail = NULL;
  if (start > a->start && end < a->end) {  // a hole in the middle: the area splits in two
    if (!(tail = kmalloc(sizeof(*tail))))
      return -1;
    VM_ADD(spt_bytes, sizeof(*tail));
  }
  vm_remove_pages(spt, start, end);
  uint64 n = (end - start) / PGSIZE;
  if (area_commits(a))
    uncommit_pages(n);
  VM_SUB(pages_registered, n);
  if (a->flags & AREA_MMAP)
    VM_SUB(pages_mapped, n);
  if (tail) {
    *tail = *a;
    tail->start = end;
    a->end = start;
    if (a->file)
      __atomic_fetch_add(&a->file->ref, 1, __ATOMIC_RELAXED);
    tail->next = a->next;
    a->next = tail;
    // The struct pages past the hole belong to the new area now.
    for (uint64 va = tail->start; va < tail->end; va += PGSIZE) {
      struct page *page = spt_lookup_existing(spt, va);
      if (page)
        page->area = tail;
    }
  } else if (start == a->start && end == a->end) {
    spt_unlink_area(spt, a);
    a->end = a->start;  // its pages were counted above
    free_area(a);
  } else if (start == a->start) {
    a->start = end;
  } else {
    a->end = start;
  }
  return 0;
}

// Extends the stack's area down to the page of va (vm_stack_growth said it may).
int vm_grow_stack(struct supplemental_page_table *spt, uint64 va) {
  struct vm_area *stack = spt->stack;
  uint64 n = (stack->start - va) / PGSIZE;
  if (commit_pages(n) < 0)
    return -1;
  stack->start = va;
  VM_ADD(pages_registered, n);
  return 0;
}

int vm_range_is_reserved(struct supplemental_page_table *spt, uint64 start, uint64 end) {
  struct vm_area *heap = spt->heap;
  if (heap && start < heap->end && end > heap->start)
    return 1;
  return spt->stack && end > vm_stack_low() - USER_STACK_GUARD && start < USER_STACK_TOP;
}

// The first address the heap may not grow to: the next area above it, or the stack's gap.
static uint64 heap_limit(struct supplemental_page_table *spt) {
  struct vm_area *next = spt->heap->next;
  return next && next->start < vm_heap_max() ? next->start : vm_heap_max();
}

// Moves the end of the heap area (sbrk). Growing only registers; shrinking frees frames.
int vm_set_heap_end(struct supplemental_page_table *spt, uint64 old_end, uint64 new_end) {
  struct vm_area *heap = spt->heap;
  uint64 old_pg = PGROUNDUP(old_end), new_pg = PGROUNDUP(new_end);
  if (new_pg > old_pg) {
    if (new_pg > heap_limit(spt) || commit_pages((new_pg - old_pg) / PGSIZE) < 0)
      return -1;
    VM_ADD(pages_registered, (new_pg - old_pg) / PGSIZE);
  } else if (new_pg < old_pg) {
    vm_remove_pages(spt, new_pg, old_pg);
    uncommit_pages((old_pg - new_pg) / PGSIZE);
    VM_SUB(pages_registered, (old_pg - new_pg) / PGSIZE);
  }
  heap->end = new_pg;
  return 0;
}

// mincore(addr, len, vec): one byte per page, bit 0 set when the page has a frame. -1 if addr
// is not page-aligned, the range leaves user space or holds an unregistered page, or vec is
// bad. Looking does not create struct pages.
int vm_mincore(struct supplemental_page_table *spt, uint64 addr, uint64 len, uint64 vec) {
  if (addr % PGSIZE || addr + len < addr || addr + len > USER_TOP)
    return -1;
  uint64 end = PGROUNDUP(addr + len);
  for (uint64 va = addr; va < end; va += PGSIZE)
    if (!spt_lookup_existing(spt, va) && !spt_find_area(spt, va))
      return -1;
  uint8 buf[256];
  uint64 n = 0;
  for (uint64 va = addr; va < end; va += PGSIZE) {
    struct page *page = spt_lookup_existing(spt, va);
    buf[n++] = page && page->frame ? 1 : 0;
    if (n == sizeof(buf) || va + PGSIZE == end) {
      if (copyout(spt, vec, buf, n) < 0)
        return -1;
      vec += n;
      n = 0;
    }
  }
  return 0;
}
