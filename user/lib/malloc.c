// malloc and free for user programs. Every chunk of heap, used or free, starts with a 16-byte
// header holding its size, so the memory handed out is 16-byte aligned like the RISC-V stack.
// Free chunks sit on one list sorted by address: malloc takes the first that is big enough
// (carving what it needs off its end), free puts a chunk back in order and merges it with
// free neighbours that touch it. When nothing fits, the heap grows with sbrk.
#include "user.h"

struct chunk {
  uint64 size;         // bytes, header included; a multiple of 16
  struct chunk *next;  // next free chunk by address (meaningful only while free)
};

#define HEADER_BYTES sizeof(struct chunk)
#define MIN_CHUNK (2 * HEADER_BYTES)  // a header and 16 bytes of room
#define GROW_BYTES (64 * 1024)        // least the heap grows by, to keep sbrk calls rare

static struct chunk *free_chunks;  // sorted by address

static int touches(struct chunk *a, struct chunk *b) {
  return (char *)a + a->size == (char *)b;
}

// Puts c on the free list in address order and merges it with the neighbours it touches.
// A chunk that overlaps one already free is a double free (or a wild pointer): fatal.
static void release(struct chunk *c) {
  struct chunk *before = 0, *after = free_chunks;
  while (after && after < c) {
    before = after;
    after = after->next;
  }
  if ((before && (char *)before + before->size > (char *)c) ||
      (after && (char *)c + c->size > (char *)after)) {
    fprintf(2, "free: %p is not an allocated block\n", (void *)((char *)c + HEADER_BYTES));
    exit(1);
  }
  c->next = after;
  if (after && touches(c, after)) {
    c->size += after->size;
    c->next = after->next;
  }
  if (before && touches(before, c)) {
    before->size += c->size;
    before->next = c->next;
  } else if (before) {
    before->next = c;
  } else {
    free_chunks = c;
  }
}

// Extends the heap by at least `bytes` and frees the new space; -1 if sbrk refuses.
static int grow_heap(uint64 bytes) {
  if (bytes < GROW_BYTES)
    bytes = GROW_BYTES;
  uint64 misalign = (uint64)sbrk(0) % 16;  // someone else may have moved the break
  uint64 total = bytes + (misalign ? 16 - misalign : 0);
  if (total > 0x7fffffff)
    return -1;
  char *start = sbrk((int)total);
  if (start == (char *)-1)
    return -1;
  struct chunk *c = (struct chunk *)(start + (total - bytes));
  c->size = bytes;
  release(c);
  return 0;
}

// Takes `need` bytes from the first free chunk that holds them; 0 if none does.
static struct chunk *take_first_fit(uint64 need) {
  for (struct chunk **link = &free_chunks; *link; link = &(*link)->next) {
    struct chunk *c = *link;
    if (c->size < need)
      continue;
    if (c->size - need < MIN_CHUNK) {  // too little left to be worth a chunk: take it all
      *link = c->next;
      return c;
    }
    c->size -= need;  // the front stays free, in place; the end is handed out
    struct chunk *used = (struct chunk *)((char *)c + c->size);
    used->size = need;
    return used;
  }
  return 0;
}

void *malloc(uint n) {
  uint64 need = ((uint64)n + HEADER_BYTES + 15) & ~(uint64)15;
  struct chunk *c = take_first_fit(need);
  if (c == 0) {
    if (grow_heap(need) < 0)
      return 0;
    c = take_first_fit(need);
  }
  return c ? (char *)c + HEADER_BYTES : 0;
}

void free(void *p) {
  if (p)
    release((struct chunk *)((char *)p - HEADER_BYTES));
}
