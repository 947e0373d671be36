// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as GPT headers and partition arrays
// use it. Shared by the kernel and the host tools (mkfs).
#pragma once
#include "types.h"

uint32 crc32(const void *data, uint64 len);
// Continues a CRC over more data: crc32_update(crc32(a, n), b, m) is the CRC of a then b,
// and crc32_update(0, p, n) == crc32(p, n).
uint32 crc32_update(uint32 crc, const void *data, uint64 len);
