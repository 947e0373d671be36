// The frame table: one struct frame per frame that backs a user page. User frames come from
// the page allocator, up to a limit fixed at boot (the frames= boot argument, else all free
// memory but a reserve for the kernel's own tables, stacks and buffers). Frames in use sit on
// a circular list, the order a clock hand will sweep when eviction comes; the list, the
// count are guarded by frame_lock. A frame's page is set by whoever holds it pinned (a claim,
// a fork's copy); pin counts are atomic.
#include "vm/vm.h"
#include "arch/memlayout.h"
#include "arch/spinlock.h"
#include "lib/bootargs.h"
#include "lib/printf.h"
#include "mm/mm.h"

static struct spinlock frame_lock = SPINLOCK_INIT("frame");
struct frame frame_list = {.next = &frame_list, .prev = &frame_list};  // guarded by frame_lock
static uint64 frames_total;  // the limit; set once at boot
static uint64 frames_used;   // guarded by frame_lock

// Sets the limit of user frames (0: the default share); returns it.
uint64 frame_table_init(uint64 nframes) {
  uint64 free = kalloc_free_pages();
  uint64 reserve = MAX(free / 8, 1024UL);
  uint64 fit = free > reserve ? free - reserve : free / 2;
  if (nframes == 0 || nframes > fit) {
    if (nframes > fit)
      printf("vm: frames=%lu is more than memory allows; using %lu\n", nframes, fit);
    nframes = fit;
  }
  frames_total = nframes;
  printf("vm: %lu user frames (%lu MiB)\n", nframes, nframes >> 8);
  return nframes;
}

// A frame for a page, pinned (the caller fills and maps it, then unpins). NULL when the
// limit is reached or the page allocator is empty; eviction will go here.
struct frame *vm_get_frame(void) {
  struct frame *f = kmalloc(sizeof(*f));
  void *kva = f ? kpage_alloc() : NULL;
  if (!kva) {
    kfree(f);
    return NULL;
  }
  f->kva = kva;
  f->page = NULL;
  f->pin = 1;
  acquire(&frame_lock);
  if (frames_used >= frames_total) {
    release(&frame_lock);
    kpage_free(kva);
    kfree(f);
    return NULL;
  }
  frames_used++;
  f->next = &frame_list;
  f->prev = frame_list.prev;
  frame_list.prev->next = f;
  frame_list.prev = f;
  release(&frame_lock);
  return f;
}

// Returns a frame to the page allocator. Its page must no longer map it.
void vm_free_frame(struct frame *f) {
  acquire(&frame_lock);
  f->prev->next = f->next;
  f->next->prev = f->prev;
  frames_used--;
  release(&frame_lock);
  kpage_free(f->kva);
  kfree(f);
}

// Pins are atomic counters, not under frame_lock: they are taken on every copyin/copyout.
// Whoever picks a victim (eviction) must see pin == 0 under frame_lock and then re-check.
void frame_pin(struct frame *f) { __atomic_fetch_add(&f->pin, 1, __ATOMIC_ACQUIRE); }

void frame_unpin(struct frame *f) {
  if (__atomic_fetch_sub(&f->pin, 1, __ATOMIC_RELEASE) == 0)
    panic("frame_unpin: frame %p (page va %p) is not pinned", f->kva,
          f->page ? (void *)f->page->va : NULL);
}

void frame_stats(uint64 *total, uint64 *used) {
  *total = frames_total;
  *used = __atomic_load_n(&frames_used, __ATOMIC_RELAXED);
}
