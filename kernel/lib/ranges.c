// Range arithmetic used by the page allocator (which pages are free) and the kernel page
// table (which RAM to map). Pure functions, no state.
#include "lib/ranges.h"

#define PAGE 4096UL
#define DOWN(a) ((a) & ~(PAGE - 1))
#define UP(a) (((a) + PAGE - 1) & ~(PAGE - 1))

void ranges_for_each_gap(uint64 base, uint64 size, const struct mem_range *holes, int nholes,
                         void (*fn)(uint64 start, uint64 end, void *arg), void *arg) {
  uint64 cur = UP(base), end = DOWN(base + size);
  while (cur < end) {
    uint64 piece_end = end;
    int in_hole = 0;
    for (int i = 0; i < nholes; i++) {
      uint64 hs = DOWN(holes[i].base), he = UP(holes[i].base + holes[i].size);
      if (hs <= cur && he > cur) {  // cur is inside a hole: skip past it and look again
        cur = he;
        in_hole = 1;
        break;
      }
      if (hs > cur && hs < piece_end)
        piece_end = hs;
    }
    if (!in_hole) {
      fn(cur, piece_end, arg);
      cur = piece_end;
    }
  }
}
