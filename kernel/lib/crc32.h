// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as GPT headers and partition arrays
// use it. Shared by the kernel and the host tools (mkfs).
#pragma once
#include "types.h"

uint32 crc32(const void *data, uint64 len);
