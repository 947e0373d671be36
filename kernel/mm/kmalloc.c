// The small-object allocator: power-of-two size classes from 16 to 1024 bytes, each served
// from slab pages (a header, then equal objects, a free list through the free ones). Requests
// above 1024 bytes get a whole page. kfree tells the two apart by alignment: slab objects are
// never page-aligned (the header comes first), whole pages always are.
// Lock: each size class has its own lock guarding its slab list and every slab in it.
#include "mm/mm.h"
#include "arch/riscv.h"
#include "arch/spinlock.h"
#include "lib/failinject.h"
#include "lib/printf.h"
#include "lib/string.h"

#define MIN_SHIFT 4   // 16 bytes
#define MAX_SHIFT 10  // 1024 bytes
#define NCLASSES (MAX_SHIFT - MIN_SHIFT + 1)
_Static_assert(NCLASSES == KMALLOC_NCLASSES && KMALLOC_CLASS_SIZE(0) == (1UL << MIN_SHIFT),
               "mm.h's size classes are these");
#define SLAB_MAGIC 0x51ab51ab
#define FREED_MAGIC 0xf4eef4eef4eef4eeUL  // second word of every free object

struct free_object {
  struct free_object *next;
  uint64 freed_magic;
};

struct slab {  // at the start of each slab page
  uint32 magic;
  uint16 class;
  uint16 nfree;
  struct free_object *free;
  struct slab *next;  // in the class's list of slabs
};

#define OBJECTS_START(size) (((sizeof(struct slab) + (size) - 1) / (size)) * (size))
#define OBJECTS_PER_SLAB(size) ((PGSIZE - OBJECTS_START(size)) / (size))

static struct size_class {
  struct spinlock lock;
  struct slab *slabs;  // guarded by lock: every slab of this class
  uint64 in_use;       // guarded by lock
  uint64 pages;        // guarded by lock
} classes[NCLASSES];

static struct spinlock large_lock = SPINLOCK_INIT("kmalloc large");
static uint64 large_in_use;  // guarded by large_lock

// The class of a 1..1024-byte request, by (size - 1) / 16: a table, not a loop, since every
// fault allocates twice.
static const uint8 class_by_16[64] = {
    0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4,  // 16, 32, 64, 128, 256 bytes
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,  // up to 512
    6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,  // up to 1024
    6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6};

static int class_of(unsigned long size) { return class_by_16[(size - 1) >> MIN_SHIFT]; }

static struct slab *new_slab(int class) {
  unsigned long size = 1UL << (class + MIN_SHIFT);
  struct slab *s = kpage_alloc();
  if (!s)
    return NULL;
  s->magic = SLAB_MAGIC;
  s->class = class;
  s->nfree = 0;
  s->free = NULL;
  for (uint64 off = PGSIZE - size; off >= OBJECTS_START(size); off -= size) {
    struct free_object *o = (struct free_object *)((char *)s + off);
    o->next = s->free;
    o->freed_magic = FREED_MAGIC;
    s->free = o;
    s->nfree++;
  }
  return s;
}

static void *slab_alloc(struct size_class *c) {
  acquire(&c->lock);
  struct slab *s = c->slabs;
  while (s && s->nfree == 0)
    s = s->next;
  if (!s) {
    s = new_slab(c - classes);
    if (!s) {
      release(&c->lock);
      return NULL;
    }
    s->next = c->slabs;
    c->slabs = s;
    c->pages++;
  }
  struct free_object *o = s->free;
  s->free = o->next;
  s->nfree--;
  c->in_use++;
  release(&c->lock);
  o->freed_magic = 0;
  return o;
}

// Unlinks s from its class and returns its page; the class lock is held.
static void release_slab(struct size_class *c, struct slab *s) {
  struct slab **pp = &c->slabs;
  while (*pp != s)
    pp = &(*pp)->next;
  *pp = s->next;
  c->pages--;
  s->magic = 0;
  kpage_free(s);
}

static void slab_free(void *p) {
  struct slab *s = (struct slab *)PGROUNDDOWN(p);
  if (s->magic != SLAB_MAGIC || s->class >= NCLASSES)
    panic("kfree: %p is not a kmalloc object (bad slab header)", p);
  unsigned long size = 1UL << (s->class + MIN_SHIFT);
  uint64 off = (uint64)p - (uint64)s;
  if (off < OBJECTS_START(size) || (off - OBJECTS_START(size)) % size)
    panic("kfree: %p is not the start of a %lu-byte object", p, size);
  struct free_object *o = p;
  if (o->freed_magic == FREED_MAGIC)
    panic("kfree: double free of %lu-byte object %p", size, p);
#ifdef KDEBUG
  memset(o, 0x6b, size);
#endif
  struct size_class *c = &classes[s->class];
  acquire(&c->lock);
  o->next = s->free;
  o->freed_magic = FREED_MAGIC;
  s->free = o;
  s->nfree++;
  c->in_use--;
  // Keep an empty slab only if it is the class's sole slab, to avoid churn.
  if (s->nfree == OBJECTS_PER_SLAB(size) && !(c->slabs == s && s->next == NULL))
    release_slab(c, s);
  release(&c->lock);
}

void *kmalloc(unsigned long size) {
  if (size == 0 || size > KMALLOC_MAX || fail_now(FAIL_KMALLOC))
    return NULL;
  if (size > (1UL << MAX_SHIFT)) {
    void *p = kpage_alloc();
    if (p) {
      acquire(&large_lock);
      large_in_use++;
      release(&large_lock);
    }
    return p;
  }
  return slab_alloc(&classes[class_of(size)]);
}

void *kzalloc(unsigned long size) {
  void *p = kmalloc(size);
  if (p)
    memset(p, 0, size);
  return p;
}

void kfree(void *p) {
  if (p == NULL)
    return;
  if (((uint64)p & (PGSIZE - 1)) == 0) {
    acquire(&large_lock);
    if (large_in_use == 0)
      panic("kfree: %p looks like a whole-page object, but none is allocated", p);
    large_in_use--;
    release(&large_lock);
    kpage_free(p);
    return;
  }
  slab_free(p);
}

void kmalloc_get_stats(struct kmalloc_stats *st) {
  *st = (struct kmalloc_stats){0};
  for (int i = 0; i < NCLASSES; i++) {
    acquire(&classes[i].lock);
    st->objects_in_use += classes[i].in_use;
    st->class_in_use[i] = classes[i].in_use;
    st->slab_pages += classes[i].pages;
    release(&classes[i].lock);
  }
  acquire(&large_lock);
  st->objects_in_use += large_in_use;
  st->large_in_use = large_in_use;
  release(&large_lock);
}

// Names the per-class locks; called once at boot before any kmalloc.
void kmalloc_init(void) {
  static const char *names[NCLASSES] = {"kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-128",
                                        "kmalloc-256", "kmalloc-512", "kmalloc-1024"};
  for (int i = 0; i < NCLASSES; i++)
    initlock(&classes[i].lock, names[i]);
}
