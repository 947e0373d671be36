// The swap slot allocator: a bitmap with one bit per page-sized slot of the swap partition.
// Pure data structure (host unit test: tests/unit/test_swap_slots.c); swap.c wraps it in
// swap_lock.
#pragma once
#include "types.h"

struct slot_map {
  uint64 *bits;   // bit s set: slot s holds a page; (nslots + 63) / 64 words
  uint32 nslots;
  uint32 used;
  uint32 hint;    // the word where the next search starts (next fit: spreads the writes)
};

// bits must hold (nslots + 63) / 64 words; they are cleared here.
void slot_map_init(struct slot_map *m, uint64 *bits, uint32 nslots);
long slot_alloc(struct slot_map *m);               // a free slot, marked used; -1 when full
// A run of up to want (>= 1) consecutive free slots, marked used: returns its first slot and
// sets *got to its length (1 to want), or -1 when full. Next fit, as slot_alloc: the run
// starts at the first free slot from the hint and is as long as the free slots after it allow.
long slot_alloc_run(struct slot_map *m, uint32 want, uint32 *got);
int slot_free(struct slot_map *m, uint64 slot);    // 0, or -1 if it was not in use
int slot_in_use(const struct slot_map *m, uint64 slot);
