// CRC-32, four bits at a time with a 16-entry table: small, and fast enough for the few
// kilobytes of GPT it checks at boot.
#include "lib/crc32.h"

static const uint32 nibble_table[16] = {
  0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
  0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c, 0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
};

uint32 crc32_update(uint32 crc, const void *data, uint64 len) {
  const uint8 *p = data;
  crc = ~crc;
  for (uint64 i = 0; i < len; i++) {
    crc ^= p[i];
    crc = (crc >> 4) ^ nibble_table[crc & 15];
    crc = (crc >> 4) ^ nibble_table[crc & 15];
  }
  return ~crc;
}

uint32 crc32(const void *data, uint64 len) { return crc32_update(0, data, len); }
