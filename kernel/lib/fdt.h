// Flattened device tree (FDT) reader, written from the Devicetree Specification (v0.4, ch. 5).
// fdt_check validates a blob once, completely, against its header and a caller's size limit;
// the lookups below then walk the checked blob without allocating. No global state: callers
// own their struct fdt. Used by lib/machine.c at boot and by the host unit test.
#pragma once
#include "types.h"

#define FDT_MAGIC 0xd00dfeed
#define FDT_MAX_DEPTH 32 // most nodes open at once, the root counting as one
#define FDT_WHY_MAX 64

// A blob that fdt_check accepted: where its blocks lie, in bytes from the blob's start.
// Node offsets used by the functions below are offsets of a node's BEGIN_NODE token.
struct fdt {
  const uint8 *blob;
  uint32 totalsize;                 // header totalsize, <= the caller's maximum
  uint32 struct_off, struct_size;   // structure block
  uint32 strings_off, strings_size; // strings block
  uint32 rsv_off;                   // memory reservation block
  uint32 boot_cpuid;                // header boot_cpuid_phys
  char why_buf[FDT_WHY_MAX];        // room for reasons that carry a value
};

// Validates header, memory reservation block and the whole structure block of `blob`,
// reading at most `maxsize` bytes. Returns 0 and fills *fdt, or -1 with *why set to a short
// reason (static, or inside fdt->why_buf).
int fdt_check(const void *blob, uint64 maxsize, struct fdt *fdt, const char **why);

// Big-endian loads at any alignment.
uint32 fdt_be32(const void *p);
uint64 fdt_be64(const void *p);

// Nodes. fdt_next_node walks in document order: pass the depth of `node` (root: 0) and it
// is updated to the depth of the returned node. All return -1 when there is none.
int fdt_root(const struct fdt *fdt);
int fdt_next_node(const struct fdt *fdt, int node, int *depth);
int fdt_first_child(const struct fdt *fdt, int node);
int fdt_next_sibling(const struct fdt *fdt, int node);
int fdt_parent(const struct fdt *fdt, int node);
const char *fdt_node_name(const struct fdt *fdt, int node); // "" for the root, "cpu@0"
int fdt_path_offset(const struct fdt *fdt, const char *path); // "/cpus", "/soc/serial"
int fdt_node_by_phandle(const struct fdt *fdt, uint32 phandle);

// Properties. fdt_getprop returns the value (any alignment) and its length, NULL if absent.
const uint8 *fdt_getprop(const struct fdt *fdt, int node, const char *name, uint32 *len);
// The value as a string when it is NUL-terminated within its length, else NULL.
const char *fdt_getprop_str(const struct fdt *fdt, int node, const char *name);
// 1 when the string list `list` (`len` bytes) holds `s` as one of its strings.
int fdt_stringlist_has(const uint8 *list, uint32 len, const char *s);
int fdt_node_compatible(const struct fdt *fdt, int node, const char *compat);
// Reads the value of `ncells` (1 or 2) cells starting at cell `index` of a value; 0 or -1.
int fdt_read_cells(const uint8 *val, uint32 len, uint32 index, uint32 ncells, uint64 *out);
// A one-cell (4 byte) or two-cell (8 byte) number; 0, -1 absent, -2 other length.
int fdt_getprop_num(const struct fdt *fdt, int node, const char *name, uint64 *out);

// #address-cells and #size-cells that `bus` gives its children (defaults 2 and 1);
// 0, or -1 when either property is not one cell.
int fdt_bus_cells(const struct fdt *fdt, int bus, uint32 *addr_cells, uint32 *size_cells);
// Entry `index` of node's "reg", decoded with its parent's cell counts (1-2 address cells,
// 0-2 size cells). Returns 1 with the entry, 0 past the last entry, -1 when reg is absent
// or malformed.
int fdt_reg(const struct fdt *fdt, int node, uint32 index, uint64 *base, uint64 *size);

// Entry `index` of the memory reservation block: 1 with the entry, 0 past the last one.
int fdt_memreserve(const struct fdt *fdt, uint32 index, uint64 *base, uint64 *size);
