// System-wide limits.
#pragma once

#define NCPU 8     // most harts sloth runs on; extra harts in the device tree stay parked
#define NPROC 64   // process table size
