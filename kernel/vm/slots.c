// The swap slot bitmap (see slots.h). Search is next fit by 64-slot words: a full word is
// skipped with one comparison, so even a nearly full 32 MiB swap (8192 slots, 128 words) is
// scanned in a few hundred instructions.
#include "vm/slots.h"

void slot_map_init(struct slot_map *m, uint64 *bits, uint32 nslots) {
  m->bits = bits;
  m->nslots = nslots;
  m->used = 0;
  m->hint = 0;
  for (uint32 w = 0; w < (nslots + 63) / 64; w++)
    bits[w] = 0;
  // The tail of the last word holds no slots: mark it used so the search never returns it.
  if (nslots % 64)
    bits[nslots / 64] = ~0UL << (nslots % 64);
}

long slot_alloc(struct slot_map *m) {
  uint32 nwords = (m->nslots + 63) / 64;
  if (m->used == m->nslots)
    return -1;
  for (uint32 i = 0; i < nwords; i++) {
    uint32 w = (m->hint + i) % nwords;
    if (m->bits[w] == ~0UL)
      continue;
    uint32 bit = __builtin_ctzl(~m->bits[w]);
    m->bits[w] |= 1UL << bit;
    m->used++;
    m->hint = w;
    return (long)w * 64 + bit;
  }
  return -1;  // unreachable while used counts right
}

long slot_alloc_run(struct slot_map *m, uint32 want, uint32 *got) {
  long first = slot_alloc(m);
  *got = 0;
  if (first < 0)
    return -1;
  uint32 n = 1;
  for (uint64 s = (uint64)first + 1; n < want && s < m->nslots && !slot_in_use(m, s); s++, n++) {
    m->bits[s / 64] |= 1UL << (s % 64);
    m->used++;
  }
  m->hint = (uint32)(((uint64)first + n - 1) / 64);
  *got = n;
  return first;
}

int slot_free(struct slot_map *m, uint64 slot) {
  if (!slot_in_use(m, slot))
    return -1;
  m->bits[slot / 64] &= ~(1UL << (slot % 64));
  m->used--;
  return 0;
}

int slot_in_use(const struct slot_map *m, uint64 slot) {
  return slot < m->nslots && (m->bits[slot / 64] >> (slot % 64)) & 1;
}
