// malloc and free: a first-fit list of free blocks sorted by address, with neighbours
// coalesced on free; the heap grows with sbrk in steps of at least 64 KiB. Every block starts
// with a 16-byte header, so user memory is 16-byte aligned (the RISC-V ABI's alignment).
#include "user.h"

struct block {
  uint64 size;         // bytes of the whole block, header included (a multiple of 16)
  struct block *next;  // next free block by address (free blocks only)
};

#define HEADER sizeof(struct block)
#define GROW_MIN (64 * 1024)

static struct block *free_list;  // sorted by address

// Puts block b on the free list, merging it with the free blocks it touches.
static void insert_free(struct block *b) {
  struct block *prev = 0, *next = free_list;
  while (next && next < b) {
    prev = next;
    next = next->next;
  }
  b->next = next;
  if (prev)
    prev->next = b;
  else
    free_list = b;
  if (next && (char *)b + b->size == (char *)next) {
    b->size += next->size;
    b->next = next->next;
  }
  if (prev && (char *)prev + prev->size == (char *)b) {
    prev->size += b->size;
    prev->next = b->next;
  }
}

static int grow(uint64 size) {
  uint64 n = size < GROW_MIN ? GROW_MIN : size;
  if (n > 0x7FFFFFFF)
    return -1;
  uint64 misalign = (uint64)sbrk(0) % 16;  // the break need not be aligned at first
  if (misalign && sbrk(16 - misalign) == (char *)-1)
    return -1;
  char *p = sbrk((int)n);
  if (p == (char *)-1)
    return -1;
  struct block *b = (struct block *)p;
  b->size = n;
  insert_free(b);
  return 0;
}

void *malloc(uint n) {
  uint64 size = ((uint64)n + HEADER + 15) & ~15ull;
  for (int tries = 0; tries < 2; tries++) {
    for (struct block **link = &free_list; *link; link = &(*link)->next) {
      struct block *b = *link;
      if (b->size < size)
        continue;
      if (b->size - size >= 2 * HEADER) {  // split: the tail stays free
        struct block *rest = (struct block *)((char *)b + size);
        rest->size = b->size - size;
        rest->next = b->next;
        *link = rest;
        b->size = size;
      } else {
        *link = b->next;
      }
      return (char *)b + HEADER;
    }
    if (grow(size) < 0)
      return 0;
  }
  return 0;
}

void free(void *p) {
  if (p)
    insert_free((struct block *)((char *)p - HEADER));
}
