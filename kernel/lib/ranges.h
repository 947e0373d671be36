// Walking the parts of a physical range that miss a set of holes (reserved regions).
#pragma once
#include "types.h"
#include "lib/machine.h"

// Calls fn(start, end, arg) for each page-aligned piece of [base, base+size) that overlaps
// none of the holes (each hole widened to whole pages), in increasing address order.
void ranges_for_each_gap(uint64 base, uint64 size, const struct mem_range *holes, int nholes,
                         void (*fn)(uint64 start, uint64 end, void *arg), void *arg);
