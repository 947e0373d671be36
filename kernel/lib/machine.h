// The machine description sloth boots with: RAM, reserved ranges, harts, timebase and the
// devices it drives, all read from the flattened device tree the firmware passes in a1.
// machine_parse is called once by the boot hart before memory is handed out; the result is
// read-only afterwards. Also used by tests/unit/test_fdt.c on the host.
#pragma once
#include "types.h"
#include "lib/fdt.h"

#define MACHINE_MAX_MEM 8
#define MACHINE_MAX_RESV 16
#define MACHINE_MAX_HARTS 32  // more than NCPU, so the boot hart is always among them
#define MACHINE_MAX_VIRTIO 8

struct mem_range {
  uint64 base, size;
};

struct machine {
  struct mem_range mem[MACHINE_MAX_MEM]; // reg of every device_type "memory" node
  int nmem;
  struct mem_range resv[MACHINE_MAX_RESV]; // /memreserve/ entries, /reserved-memory children
  int nresv;                               // (not the FDT blob itself: the kernel adds it)
  uint64 hartid[MACHINE_MAX_HARTS]; // usable harts (status absent or "okay"), ascending
  int nharts;
  int nharts_ignored; // usable harts beyond MACHINE_MAX_HARTS (those with the largest ids)
  int all_harts_sstc; // 1 when every usable hart's ISA string lists the Sstc extension
  uint64 timebase_hz; // timebase-frequency (the lowest hart's own property wins over /cpus)
  struct {
    uint64 base, size; // size 0: no "ns16550a"/"ns16550" UART
    uint32 irq;
  } uart;
  struct {
    uint64 base, size; // size 0: no "riscv,plic0"/"sifive,plic-1.0.0" PLIC
    uint32 ndev;
    int s_context[MACHINE_MAX_HARTS]; // PLIC context of hartid[i]'s S-mode interrupts, or -1
  } plic;
  struct {
    uint64 base, size;
    uint32 irq;
  } virtio[MACHINE_MAX_VIRTIO]; // "virtio,mmio" slots, ascending by base
  int nvirtio;
  struct {
    uint64 base, size; // size 0: no "sifive,test0" device
  } test;
  const char *bootargs; // /chosen bootargs, pointing into the blob; "" when absent
  struct fdt fdt;       // the checked blob: its totalsize, and for further lookups
};

// Checks the device tree at `blob` (reading at most `maxsize` bytes) and fills *m.
// Returns 0, or -1 with *why saying what is missing or malformed (a static string or one
// inside m->fdt.why_buf, so valid while *m is).
int machine_parse(const void *blob, uint64 maxsize, struct machine *m, const char **why);
