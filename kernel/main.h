// What boot learned about the machine, for the subsystems that need it.
#pragma once
#include "lib/machine.h"

extern struct machine machine;  // filled from the device tree at boot, read-only afterwards
extern uint64 fdt_pa;           // where the firmware put the device tree
