// Host unit test of kernel/lib/fdt.c and kernel/lib/machine.c: QEMU virt trees, hand-built
// trees like the one OpenSBI hands over, every truncation, random and specific corruptions.
// `make grade TESTS=unit-fdt` dumps the trees, builds and runs it. By hand, from the repo root:
//   cc -std=gnu11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -Wall -Wextra
//      -Werror -Ikernel tests/unit/test_fdt.c kernel/lib/fdt.c kernel/lib/machine.c -o test_fdt
//   ./test_fdt DTB_DIR     (DTB_DIR holds virt-<MEM>-<SMP>.dtb, e.g. virt-128M-3.dtb)
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types.h"
#include "lib/fdt.h"
#include "lib/machine.h"

#define FUZZ_ROUNDS 4000
#define LIT(s) s, sizeof(s) // a C string literal as a property value, its NULs included
#define MAX_FILES 32

#define UNIT_NAME "test_fdt"
#include "unit.h"

static uint32 get32(const uint8 *p) {
  return ((uint32)p[0] << 24) | ((uint32)p[1] << 16) | ((uint32)p[2] << 8) | p[3];
}

static void set32(uint8 *p, uint32 v) {
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

// A copy in a buffer of exactly n bytes, so that AddressSanitizer sees any read past it.
static uint8 *dup_exact(const uint8 *src, uint32 n) {
  uint8 *p = malloc(n > 0 ? n : 1);
  if (p == NULL)
    failf("out of host memory");
  memcpy(p, src, n);
  return p;
}

// ---- a tiny FDT writer, for trees QEMU does not produce ----

struct builder {
  uint8 st[32768]; // structure block
  uint32 nst;
  char strs[4096]; // strings block
  uint32 nstrs;
  uint64 rsv[4][2]; // /memreserve/ entries
  int nrsv;
  int rsv_unterminated;
};

static void put_bytes(struct builder *b, const void *p, uint32 n) {
  if (b->nst + n + 4 > sizeof(b->st))
    failf("builder: structure block full");
  if (n > 0)
    memcpy(b->st + b->nst, p, n);
  b->nst += n;
  while (b->nst % 4 != 0)
    b->st[b->nst++] = 0;
}

static void put32(struct builder *b, uint32 v) {
  uint8 w[4];
  set32(w, v);
  put_bytes(b, w, 4);
}

static void begin_node(struct builder *b, const char *name) {
  put32(b, 1);
  put_bytes(b, name, strlen(name) + 1);
}

static void end_node(struct builder *b) {
  put32(b, 2);
}

static uint32 string_off(struct builder *b, const char *name) {
  for (uint32 off = 0; off < b->nstrs; off += strlen(b->strs + off) + 1)
    if (strcmp(b->strs + off, name) == 0)
      return off;
  uint32 n = strlen(name) + 1;
  if (b->nstrs + n > sizeof(b->strs))
    failf("builder: strings block full");
  memcpy(b->strs + b->nstrs, name, n);
  b->nstrs += n;
  return b->nstrs - n;
}

static void prop(struct builder *b, const char *name, const void *val, uint32 len) {
  put32(b, 3);
  put32(b, len);
  put32(b, string_off(b, name));
  put_bytes(b, val, len);
}

static void prop_str(struct builder *b, const char *name, const char *s) {
  prop(b, name, s, strlen(s) + 1);
}

static void prop_array(struct builder *b, const char *name, const uint32 *v, int n) {
  uint8 buf[4 * 4 * (MACHINE_MAX_HARTS + 4)];
  for (int i = 0; i < n; i++)
    set32(buf + 4 * i, v[i]);
  prop(b, name, buf, 4 * n);
}

static void prop_u32(struct builder *b, const char *name, uint32 v) {
  prop_array(b, name, &v, 1);
}

// Lays out header, memory reservation block, structure block (plus FDT_END) and strings.
static uint32 finish(struct builder *b, uint8 *out, uint32 cap) {
  put32(b, 9);
  uint32 rsv_off = 40;
  uint32 struct_off = rsv_off + 16 * (b->nrsv + (b->rsv_unterminated ? 0 : 1));
  uint32 strings_off = struct_off + b->nst;
  uint32 total = strings_off + b->nstrs;
  if (total > cap)
    failf("builder: blob larger than %u", cap);
  memset(out, 0, total);
  uint32 hdr[10] = {FDT_MAGIC, total, struct_off, strings_off, rsv_off, 17, 16, 0,
                    b->nstrs, b->nst};
  for (int i = 0; i < 10; i++)
    set32(out + 4 * i, hdr[i]);
  for (int i = 0; i < b->nrsv; i++) {
    for (int j = 0; j < 2; j++) {
      set32(out + rsv_off + 16 * i + 8 * j, b->rsv[i][j] >> 32);
      set32(out + rsv_off + 16 * i + 8 * j + 4, (uint32)b->rsv[i][j]);
    }
  }
  memcpy(out + struct_off, b->st, b->nst);
  memcpy(out + strings_off, b->strs, b->nstrs);
  return total;
}

// ---- hand-built trees shaped like QEMU's plus what OpenSBI 1.1 adds ----

// Knobs of build_tree; all zero gives the reference tree that check_opensbi_tree expects.
struct tree_opts {
  int harts;          // 0: cpu@2, cpu@0, cpu@1 (disabled); N: cpu@(N-1) .. cpu@0, all usable
  const char *isa0;   // riscv,isa of cpu@0 instead of the default
  int isa_list;       // cpu@0 lists extensions in riscv,isa-extensions instead
  int no_memory;      // no memory node at all
  int mem_pairs;      // reg pairs of memory@c0000000 (default 2)
  int bad_mem_reg;    // memory@80000000's reg is 3 cells long
  int extra_virtio;   // virtio,mmio slots beyond the default two
  int extra_resv;     // /reserved-memory children beyond the default two
  int timebase;       // 0: /cpus only, 1: none, 2: cpu@0 overrides, 3: /cpus malformed
  int bad_bootargs;   // bootargs without its NUL
  int soc_cells;      // #address-cells of /soc (default 1)
  int all_disabled;   // every cpu has status "disabled"
};

static void build_cpu(struct builder *b, uint32 id, const struct tree_opts *o,
                      const char *status) {
  char name[32];
  snprintf(name, sizeof(name), "cpu@%x", id);
  begin_node(b, name);
  prop_u32(b, "phandle", 100 + 2 * id);
  prop_str(b, "device_type", "cpu");
  prop_u32(b, "reg", id);
  if (status != NULL)
    prop_str(b, "status", status);
  prop_str(b, "compatible", "riscv");
  if (id == 0 && o->isa_list) {
    prop_str(b, "riscv,isa", "rv64imafdc");
    prop(b, "riscv,isa-extensions", LIT("i\0m\0a\0f\0d\0c\0zicsr\0sstc"));
  } else {
    prop_str(b, "riscv,isa", id == 0 && o->isa0 ? o->isa0 : "rv64imafdch_zicsr_zifencei_sstc");
  }
  if (id == 0 && o->timebase == 2)
    prop_u32(b, "timebase-frequency", 1000000);
  begin_node(b, "interrupt-controller");
  prop_u32(b, "#interrupt-cells", 1);
  prop(b, "interrupt-controller", NULL, 0);
  prop_str(b, "compatible", "riscv,cpu-intc");
  prop_u32(b, "phandle", 101 + 2 * id);
  end_node(b);
  end_node(b);
}

static void build_cpus(struct builder *b, const struct tree_opts *o) {
  begin_node(b, "cpus");
  prop_u32(b, "#address-cells", 1);
  prop_u32(b, "#size-cells", 0);
  if (o->timebase == 0 || o->timebase == 2)
    prop_u32(b, "timebase-frequency", 10000000);
  if (o->timebase == 3)
    prop(b, "timebase-frequency", "\x00\x98\x96", 3);
  const char *off = o->all_disabled ? "disabled" : NULL;
  if (o->harts == 0) {
    build_cpu(b, 2, o, off ? off : "okay");
    build_cpu(b, 0, o, off);
    build_cpu(b, 1, o, "disabled");
  } else {
    for (int id = o->harts - 1; id >= 0; id--)
      build_cpu(b, id, o, off);
  }
  begin_node(b, "cpu-map");
  end_node(b);
  end_node(b);
}

static void build_memory(struct builder *b, const struct tree_opts *o) {
  if (o->no_memory)
    return;
  begin_node(b, "memory@80000000");
  prop_str(b, "device_type", "memory");
  uint32 reg[4] = {0, 0x80000000, 0, 0x8000000};
  prop_array(b, "reg", reg, o->bad_mem_reg ? 3 : 4);
  end_node(b);
  begin_node(b, "memory@c0000000");
  prop_str(b, "device_type", "memory");
  uint32 pairs[4 * 16];
  int n = o->mem_pairs ? o->mem_pairs : 2;
  for (int i = 0; i < n; i++) {
    uint32 r[4] = {0, 0xc0000000 + 0x1000000 * i, 0, 0x1000000};
    memcpy(pairs + 4 * i, r, sizeof(r));
  }
  prop_array(b, "reg", pairs, 4 * n);
  end_node(b);
  begin_node(b, "memory@f0000000");
  prop_str(b, "device_type", "memory");
  prop_str(b, "status", "disabled");
  prop_array(b, "reg", reg, 4);
  end_node(b);
}

static void build_reserved(struct builder *b, const struct tree_opts *o) {
  begin_node(b, "reserved-memory");
  prop_u32(b, "#address-cells", 2);
  prop_u32(b, "#size-cells", 2);
  prop(b, "ranges", NULL, 0);
  begin_node(b, "mmode_resv1@80000000");
  uint32 r1[4] = {0, 0x80000000, 0, 0x40000};
  prop_array(b, "reg", r1, 4);
  prop(b, "no-map", NULL, 0);
  end_node(b);
  begin_node(b, "mmode_resv0@80040000");
  uint32 r0[4] = {0, 0x80040000, 0, 0x20000};
  prop_array(b, "reg", r0, 4);
  prop(b, "no-map", NULL, 0);
  end_node(b);
  begin_node(b, "dynamic-pool"); // size only, no reg: not a fixed reservation
  uint32 size[2] = {0, 0x100000};
  prop_array(b, "size", size, 2);
  end_node(b);
  for (int i = 0; i < o->extra_resv; i++) {
    char name[32];
    snprintf(name, sizeof(name), "extra@%x", 0x90000000 + 0x1000 * i);
    begin_node(b, name);
    uint32 r[4] = {0, 0x90000000 + 0x1000 * i, 0, 0x1000};
    prop_array(b, "reg", r, 4);
    end_node(b);
  }
  end_node(b);
}

// A device node under /soc, whose children have soc_cells address cells and one size cell.
static void build_device(struct builder *b, const char *name, const char *compat,
                         uint32 compat_len, uint32 base, uint32 size, int irq, int cells) {
  uint32 reg[4] = {0, 0, base, size};
  begin_node(b, name);
  if (irq >= 0)
    prop_u32(b, "interrupts", irq);
  prop_array(b, "reg", reg + (3 - cells), cells + 1);
  prop(b, "compatible", compat, compat_len);
  end_node(b);
}

static void build_plic(struct builder *b, const struct tree_opts *o, int cells) {
  uint32 ctx[4 * (MACHINE_MAX_HARTS + 4)];
  int nids = o->harts ? o->harts : 3, n = 0;
  for (int id = 0; id < nids; id++) {
    uint32 pair[4] = {101 + 2 * id, 11, 101 + 2 * id, 9};
    memcpy(ctx + n, pair, sizeof(pair));
    n += 4;
  }
  uint32 reg[4] = {0, 0, 0xc000000, 0x600000};
  begin_node(b, "plic@c000000");
  prop_u32(b, "phandle", 7);
  prop_u32(b, "riscv,ndev", 0x60);
  prop_array(b, "reg", reg + (3 - cells), cells + 1);
  prop_array(b, "interrupts-extended", ctx, n);
  prop(b, "interrupt-controller", NULL, 0);
  prop(b, "compatible", LIT("sifive,plic-1.0.0\0riscv,plic0"));
  prop_u32(b, "#interrupt-cells", 1);
  end_node(b);
}

static void build_soc(struct builder *b, const struct tree_opts *o) {
  int cells = o->soc_cells ? o->soc_cells : 1;
  begin_node(b, "soc");
  prop_u32(b, "#address-cells", cells);
  prop_u32(b, "#size-cells", 1);
  prop_str(b, "compatible", "simple-bus");
  prop(b, "ranges", NULL, 0);
  build_device(b, "serial@10000000", LIT("ns16550a"), 0x10000000, 0x100, 10, cells);
  build_device(b, "test@100000", LIT("sifive,test1\0sifive,test0\0syscon"), 0x100000,
               0x1000, -1, cells);
  for (int i = 1 + o->extra_virtio; i >= 0; i--) {
    char name[32];
    snprintf(name, sizeof(name), "virtio_mmio@%x", 0x10001000 + 0x1000 * i);
    build_device(b, name, LIT("virtio,mmio"), 0x10001000 + 0x1000 * i, 0x1000, i + 1, cells);
  }
  build_plic(b, o, cells);
  end_node(b);
}

static uint32 build_tree(uint8 *out, uint32 cap, const struct tree_opts *o) {
  static struct builder b;
  memset(&b, 0, sizeof(b));
  b.rsv[0][0] = 0x88000000;
  b.rsv[0][1] = 0x2000;
  b.rsv[1][0] = 0x89000000; // an empty reservation: not a terminator, and ignored
  b.rsv[1][1] = 0;
  b.nrsv = 2;
  begin_node(&b, "");
  prop_u32(&b, "#address-cells", 2);
  prop_u32(&b, "#size-cells", 2);
  prop_str(&b, "compatible", "riscv-virtio");
  begin_node(&b, "chosen");
  if (o->bad_bootargs)
    prop(&b, "bootargs", "test=boot", 9);
  else
    prop_str(&b, "bootargs", "test=boot foo");
  prop_str(&b, "stdout-path", "/soc/serial@10000000");
  end_node(&b);
  build_memory(&b, o);
  build_reserved(&b, o);
  build_cpus(&b, o);
  build_soc(&b, o);
  end_node(&b);
  return finish(&b, out, cap);
}

// ---- checks ----

// Parses an exact-size copy of blob, which lives until the next call (m->bootargs points
// into it).
static int parse_exact(const uint8 *blob, uint32 n, struct machine *m, const char **why) {
  static uint8 *copy;
  free(copy);
  copy = dup_exact(blob, n);
  return machine_parse(copy, n, m, why);
}

static int same_machine(const struct machine *a, const struct machine *b) {
  int same = a->nmem == b->nmem && a->nresv == b->nresv && a->nharts == b->nharts &&
             a->nharts_ignored == b->nharts_ignored && a->nvirtio == b->nvirtio &&
             a->all_harts_sstc == b->all_harts_sstc && a->timebase_hz == b->timebase_hz &&
             memcmp(&a->uart, &b->uart, sizeof(a->uart)) == 0 &&
             memcmp(&a->plic, &b->plic, sizeof(a->plic)) == 0 &&
             memcmp(&a->test, &b->test, sizeof(a->test)) == 0 &&
             strcmp(a->bootargs, b->bootargs) == 0;
  same = same && memcmp(a->mem, b->mem, a->nmem * sizeof(a->mem[0])) == 0;
  same = same && memcmp(a->resv, b->resv, a->nresv * sizeof(a->resv[0])) == 0;
  same = same && memcmp(a->hartid, b->hartid, a->nharts * sizeof(a->hartid[0])) == 0;
  return same && memcmp(a->virtio, b->virtio, a->nvirtio * sizeof(a->virtio[0])) == 0;
}

// The devices every QEMU virt tree has, whatever its memory and hart count.
static void check_virt_devices(const char *name, const struct machine *m) {
  CHECK(m->uart.base == 0x10000000 && m->uart.size == 0x100 && m->uart.irq == 10,
        "%s: uart at 0x%lx size 0x%lx irq %u", name, m->uart.base, m->uart.size, m->uart.irq);
  CHECK(m->plic.base == 0xc000000 && m->plic.size == 0x600000 && m->plic.ndev == 0x60,
        "%s: plic at 0x%lx ndev 0x%x", name, m->plic.base, m->plic.ndev);
  for (int i = 0; i < m->nharts; i++)
    CHECK(m->plic.s_context[i] == 2 * i + 1, "%s: hart %d s_context %d", name, i,
          m->plic.s_context[i]);
  CHECK(m->nvirtio == 8, "%s: %d virtio slots", name, m->nvirtio);
  for (int i = 0; i < m->nvirtio; i++)
    CHECK(m->virtio[i].base == 0x10001000 + 0x1000 * (uint64)i && m->virtio[i].size == 0x1000 &&
              m->virtio[i].irq == (uint32)i + 1,
          "%s: virtio[%d] at 0x%lx irq %u", name, i, m->virtio[i].base, m->virtio[i].irq);
  CHECK(m->test.base == 0x100000 && m->test.size == 0x1000, "%s: test device at 0x%lx", name,
        m->test.base);
}

static void check_virt_tree(const char *name, const uint8 *blob, uint32 n, uint64 mem, int smp) {
  struct machine m;
  const char *why = "";
  CHECK(machine_parse(blob, n, &m, &why) == 0, "%s: machine_parse: %s", name, why);
  uint64 total = 0;
  for (int i = 0; i < m.nmem; i++)
    total += m.mem[i].size;
  CHECK(total == mem && m.mem[0].base == 0x80000000, "%s: memory 0x%lx, expected 0x%lx", name,
        total, mem);
  CHECK(m.nharts == MIN(smp, MACHINE_MAX_HARTS) && m.nharts_ignored == 0, "%s: %d harts", name,
        m.nharts);
  for (int i = 0; i < m.nharts; i++)
    CHECK(m.hartid[i] == (uint64)i, "%s: hartid[%d] = %lu", name, i, m.hartid[i]);
  CHECK(m.all_harts_sstc == 1, "%s: sstc not found", name);
  CHECK(m.timebase_hz == 10000000, "%s: timebase %lu", name, m.timebase_hz);
  CHECK(strcmp(m.bootargs, "") == 0, "%s: bootargs \"%s\"", name, m.bootargs);
  CHECK(m.nresv == 0, "%s: %d reserved ranges", name, m.nresv);
  check_virt_devices(name, &m);
  struct machine odd;
  uint8 *shifted = malloc(n + 1);
  memcpy(shifted + 1, blob, n);
  CHECK(machine_parse(shifted + 1, n, &odd, &why) == 0 && same_machine(&m, &odd),
        "%s: parse at an odd address differs (%s)", name, why);
  free(shifted);
  printf("test_fdt: %s: %lu MiB, %d harts, uart, plic, 8 virtio, test: ok\n", name, total >> 20,
         m.nharts);
}

// Counts nodes twice, by document order and by first-child/next-sibling recursion.
static int count_tree(const struct fdt *fdt, int node) {
  int n = 1;
  for (int c = fdt_first_child(fdt, node); c >= 0; c = fdt_next_sibling(fdt, c))
    n += count_tree(fdt, c);
  return n;
}

static void check_fdt_paths(const struct fdt *f) {
  int root = fdt_root(f), cpus = fdt_path_offset(f, "/cpus");
  CHECK(root >= 0 && fdt_path_offset(f, "/") == root && strcmp(fdt_node_name(f, root), "") == 0,
        "api: root");
  CHECK(cpus > 0 && strcmp(fdt_node_name(f, cpus), "cpus") == 0, "api: /cpus");
  int cpu1 = fdt_path_offset(f, "/cpus/cpu@1");
  CHECK(cpu1 > 0 && fdt_parent(f, cpu1) == cpus && fdt_parent(f, root) == -1, "api: parent");
  int serial = fdt_path_offset(f, "/soc/serial");
  CHECK(serial > 0 && serial == fdt_path_offset(f, "//soc/serial@10000000/"), "api: unit names");
  CHECK(fdt_path_offset(f, "/soc/serial@1") < 0 && fdt_path_offset(f, "/nope") < 0 &&
            fdt_path_offset(f, "cpus") < 0 && fdt_path_offset(f, "/cpus/cpu@1/x") < 0,
        "api: missing paths");
  int plic = fdt_path_offset(f, "/soc/plic");
  uint64 phandle = 0;
  CHECK(plic > 0 && fdt_getprop_num(f, plic, "phandle", &phandle) == 0 &&
            fdt_node_by_phandle(f, (uint32)phandle) == plic,
        "api: plic by phandle %lu", phandle);
  CHECK(fdt_node_by_phandle(f, 0) < 0 && fdt_node_by_phandle(f, 0xffffffff) < 0 &&
            fdt_node_by_phandle(f, 0x12345) < 0,
        "api: bad phandles");
  CHECK(fdt_node_name(f, root + 4) == NULL && fdt_node_name(f, -1) == NULL &&
            fdt_first_child(f, 3) < 0 && fdt_getprop(f, 1 << 30, "reg", NULL) == NULL,
        "api: bad node offsets");
}

static void check_fdt_props(const struct fdt *f) {
  uint32 ac, sc, len;
  uint64 v, base, size;
  int cpus = fdt_path_offset(f, "/cpus"), chosen = fdt_path_offset(f, "/chosen");
  CHECK(fdt_bus_cells(f, fdt_root(f), &ac, &sc) == 0 && ac == 2 && sc == 2, "api: root cells");
  CHECK(fdt_bus_cells(f, cpus, &ac, &sc) == 0 && ac == 1 && sc == 0, "api: /cpus cells");
  CHECK(fdt_bus_cells(f, chosen, &ac, &sc) == 0 && ac == 2 && sc == 1, "api: default cells");
  const char *out = fdt_getprop_str(f, chosen, "stdout-path");
  CHECK(out != NULL && strcmp(out, "/soc/serial@10000000") == 0, "api: stdout-path");
  CHECK(fdt_getprop(f, chosen, "nope", &len) == NULL, "api: absent property");
  CHECK(fdt_getprop_num(f, cpus, "timebase-frequency", &v) == 0 && v == 10000000,
        "api: timebase");
  int cpu2 = fdt_path_offset(f, "/cpus/cpu@2");
  CHECK(fdt_reg(f, cpu2, 0, &base, &size) == 1 && base == 2 && size == 0 &&
            fdt_reg(f, cpu2, 1, &base, &size) == 0,
        "api: cpu reg");
  CHECK(fdt_reg(f, chosen, 0, &base, &size) == -1, "api: reg absent");
  int flash = fdt_path_offset(f, "/flash");
  CHECK(fdt_reg(f, flash, 1, &base, &size) == 1 && base == 0x22000000 && size == 0x2000000,
        "api: second reg entry");
  CHECK(fdt_node_compatible(f, fdt_path_offset(f, "/soc/test"), "syscon") &&
            !fdt_node_compatible(f, fdt_path_offset(f, "/soc/test"), "sifive,test"),
        "api: compatible list");
  CHECK(fdt_memreserve(f, 0, &base, &size) == 0, "api: no memreserve entries");
  int depth = 0, linear = 0;
  for (int n = fdt_root(f); n >= 0; n = fdt_next_node(f, n, &depth))
    linear++;
  CHECK(depth >= 1 && linear > 30 && linear == count_tree(f, fdt_root(f)),
        "api: node walks disagree (%d nodes, last depth %d)", linear, depth);
}

static void check_fdt_values(void) {
  const uint8 val[8] = {0, 0, 0, 1, 0x80, 0, 0, 2};
  uint64 v;
  CHECK(fdt_read_cells(val, 8, 0, 2, &v) == 0 && v == 0x180000002, "api: 2 cells");
  CHECK(fdt_read_cells(val, 8, 1, 1, &v) == 0 && v == 0x80000002, "api: cell 1");
  CHECK(fdt_read_cells(val, 8, 1, 2, &v) < 0 && fdt_read_cells(val, 8, 0, 3, &v) < 0 &&
            fdt_read_cells(val, 8, 0xffffffff, 1, &v) < 0 &&
            fdt_read_cells(NULL, 0, 0, 1, &v) < 0,
        "api: cells out of range");
  const uint8 list[] = "ab\0cde\0f";
  CHECK(fdt_stringlist_has(list, 9, "cde") && fdt_stringlist_has(list, 9, "f") &&
            !fdt_stringlist_has(list, 8, "f") && !fdt_stringlist_has(list, 9, "c") &&
            !fdt_stringlist_has(list, 9, "") && !fdt_stringlist_has(NULL, 4, "ab"),
        "api: string lists");
  CHECK(fdt_be32("\x12\x34\x56\x78") == 0x12345678 &&
            fdt_be64("\x01\x02\x03\x04\x05\x06\x07\x08") == 0x0102030405060708,
        "api: big-endian loads");
}

static void check_fdt_api(const char *name, const uint8 *blob, uint32 n) {
  struct fdt f;
  const char *why = "";
  CHECK(fdt_check(blob, n, &f, &why) == 0, "%s: fdt_check: %s", name, why);
  CHECK(f.totalsize == get32(blob + 4) && f.totalsize <= n, "%s: totalsize", name);
  check_fdt_paths(&f);
  check_fdt_props(&f);
  check_fdt_values();
  struct fdt bad;
  CHECK(fdt_check(blob, 10, &bad, NULL) < 0 && fdt_root(&bad) < 0 &&
            fdt_path_offset(&bad, "/") < 0 && fdt_memreserve(&bad, 0, NULL, NULL) == 0,
        "api: lookups in a rejected blob");
  printf("test_fdt: fdt api on %s: ok\n", name);
}

static void check_opensbi_machine(const struct machine *m) {
  CHECK(m->nmem == 3 && m->mem[0].base == 0x80000000 && m->mem[0].size == 0x8000000 &&
            m->mem[1].base == 0xc0000000 && m->mem[2].base == 0xc1000000 &&
            m->mem[2].size == 0x1000000,
        "built: memory ranges (%d)", m->nmem);
  CHECK(m->nresv == 3 && m->resv[0].base == 0x88000000 && m->resv[0].size == 0x2000 &&
            m->resv[1].base == 0x80000000 && m->resv[1].size == 0x40000 &&
            m->resv[2].base == 0x80040000 && m->resv[2].size == 0x20000,
        "built: reserved ranges (%d)", m->nresv);
  CHECK(m->nharts == 2 && m->hartid[0] == 0 && m->hartid[1] == 2 && m->nharts_ignored == 0,
        "built: harts (%d)", m->nharts);
  CHECK(m->all_harts_sstc && m->timebase_hz == 10000000, "built: sstc/timebase");
  CHECK(m->uart.base == 0x10000000 && m->uart.size == 0x100 && m->uart.irq == 10,
        "built: uart");
  CHECK(m->plic.base == 0xc000000 && m->plic.ndev == 0x60 && m->plic.s_context[0] == 1 &&
            m->plic.s_context[1] == 5 && m->plic.s_context[2] == -1,
        "built: plic contexts %d %d", m->plic.s_context[0], m->plic.s_context[1]);
  CHECK(m->nvirtio == 2 && m->virtio[0].base == 0x10001000 && m->virtio[0].irq == 1 &&
            m->virtio[1].base == 0x10002000 && m->virtio[1].irq == 2,
        "built: virtio slots sorted");
  CHECK(m->test.base == 0x100000 && m->test.size == 0x1000, "built: test device");
  CHECK(strcmp(m->bootargs, "test=boot foo") == 0, "built: bootargs \"%s\"", m->bootargs);
}

static uint8 built[65536];

// Builds a tree with the given knobs and parses it from an exact-size copy.
static int parse_built(const struct tree_opts *o, struct machine *m, const char **why) {
  uint32 n = build_tree(built, sizeof(built), o);
  return parse_exact(built, n, m, why);
}

static void check_built_trees(void) {
  static struct machine m;
  const char *why = "";
  struct tree_opts o = {0};
  uint32 n = build_tree(built, sizeof(built), &o);
  CHECK(machine_parse(built, n, &m, &why) == 0, "built: machine_parse: %s", why);
  check_opensbi_machine(&m);
  o = (struct tree_opts){.harts = MACHINE_MAX_HARTS + 2};
  CHECK(parse_built(&o, &m, &why) == 0, "built %d harts: %s", MACHINE_MAX_HARTS + 2, why);
  CHECK(m.nharts == MACHINE_MAX_HARTS && m.nharts_ignored == 2 &&
            m.hartid[MACHINE_MAX_HARTS - 1] == MACHINE_MAX_HARTS - 1,
        "built: %d harts kept %d", MACHINE_MAX_HARTS + 2, m.nharts);
  for (int i = 0; i < MACHINE_MAX_HARTS; i++)
    CHECK(m.hartid[i] == (uint64)i && m.plic.s_context[i] == 2 * i + 1, "built: hart %d", i);
  o = (struct tree_opts){.timebase = 2, .soc_cells = 2};
  CHECK(parse_built(&o, &m, &why) == 0 && m.timebase_hz == 1000000 && m.uart.irq == 10 &&
            m.virtio[1].base == 0x10002000,
        "built: cpu timebase override / 2-cell soc (%s)", why);
  o = (struct tree_opts){.extra_virtio = 6, .extra_resv = 13, .mem_pairs = 7};
  CHECK(parse_built(&o, &m, &why) == 0 && m.nvirtio == 8 && m.nresv == 16 && m.nmem == 8 &&
            m.virtio[7].base == 0x10008000,
        "built: full tables (%s)", why);
  printf("test_fdt: hand-built OpenSBI-like tree (bootargs, reserved-memory, sorting, "
         "limits): ok\n");
}

static void check_sstc(const char *isa, int list, int expect) {
  struct machine m;
  const char *why = "";
  struct tree_opts o = {.isa0 = isa, .isa_list = list};
  CHECK(parse_built(&o, &m, &why) == 0, "sstc %s: %s", isa, why);
  CHECK(m.all_harts_sstc == expect, "isa \"%s\": all_harts_sstc %d", isa ? isa : "(list)",
        m.all_harts_sstc);
}

static void check_sstc_variants(void) {
  check_sstc("RV64IMAFDC_ZICSR_SSTC", 0, 1);
  check_sstc("rv64imafdc_Sstc_zicsr", 0, 1);
  check_sstc("rv64imafdc_zicsr_sstcx", 0, 0);
  check_sstc("rv64imafdc_xsstc", 0, 0);
  check_sstc("rv64imafdc_zicsr", 0, 0);
  check_sstc("rv64imafdcsstc", 0, 0);
  check_sstc(NULL, 1, 1);
  printf("test_fdt: sstc detection (case, whole names, isa-extensions): ok\n");
}

// Builds a tree with one knob set and expects machine_parse to fail with this reason.
static void expect_error(struct tree_opts o, const char *reason) {
  struct machine m;
  const char *why = "";
  CHECK(parse_built(&o, &m, &why) < 0, "expected \"%s\", parse succeeded", reason);
  CHECK(strcmp(why, reason) == 0, "expected \"%s\", got \"%s\"", reason, why);
}

static void check_machine_errors(void) {
  expect_error((struct tree_opts){.no_memory = 1}, "no memory node");
  expect_error((struct tree_opts){.all_disabled = 1}, "no usable hart");
  expect_error((struct tree_opts){.extra_virtio = 7}, "too many virtio,mmio nodes (max 8)");
  expect_error((struct tree_opts){.mem_pairs = 8}, "too many memory ranges (max 8)");
  expect_error((struct tree_opts){.extra_resv = 14}, "too many reserved ranges (max 16)");
  expect_error((struct tree_opts){.timebase = 1}, "missing timebase-frequency");
  expect_error((struct tree_opts){.timebase = 3}, "malformed timebase-frequency");
  expect_error((struct tree_opts){.bad_bootargs = 1}, "malformed /chosen bootargs (no NUL)");
  expect_error((struct tree_opts){.bad_mem_reg = 1}, "malformed reg in node memory@80000000");
  expect_error((struct tree_opts){.soc_cells = 3}, "malformed reg in node serial@10000000");
  printf("test_fdt: machine_parse errors (10 reasons): ok\n");
}

// Every prefix of the blob, and the blob with a smaller totalsize in its header, each in
// an exact-size buffer: rejected, or accepted only with the very same result.
static void check_truncations(const char *name, const uint8 *blob) {
  uint32 total = get32(blob + 4), accepted = 0;
  struct machine ref, m;
  const char *why = "";
  CHECK(machine_parse(blob, total, &ref, &why) == 0, "%s: exact size: %s", name, why);
  for (uint32 n = 0; n <= total; n++) {
    int r = parse_exact(blob, n, &m, &why);
    CHECK(r < 0 || (n == total && same_machine(&ref, &m)), "%s: prefix %u accepted", name, n);
    uint8 *copy = dup_exact(blob, n);
    if (n >= 8)
      set32(copy + 4, n);
    r = machine_parse(copy, n, &m, &why);
    CHECK(r < 0 || same_machine(&ref, &m), "%s: totalsize %u accepted, differs", name, n);
    accepted += r == 0;
    free(copy);
  }
  CHECK(accepted == 1, "%s: %u truncated sizes accepted", name, accepted);
  printf("test_fdt: truncations of %s: %u prefixes, %u smaller totalsizes: only the whole "
         "blob accepted, no read past the end\n", name, total + 1, total + 1);
}

static uint64 rng_state = 0x5107f00dcafe1234;

static uint32 rng(void) { return (uint32)(unit_rng(&rng_state) >> 16); }

// Exercises the lookups over every node of an accepted (perhaps strange) tree.
static void walk_everything(const struct machine *m) {
  const struct fdt *f = &m->fdt;
  int depth = 0, nodes = 0;
  uint64 base, size;
  uint32 len, ac, sc;
  for (int n = fdt_root(f); n >= 0; n = fdt_next_node(f, n, &depth)) {
    if (fdt_node_name(f, n) == NULL || depth < 0 || depth >= FDT_MAX_DEPTH)
      failf("walk: node %d depth %d", n, depth);
    fdt_parent(f, n);
    fdt_reg(f, n, 0, &base, &size);
    fdt_bus_cells(f, n, &ac, &sc);
    fdt_getprop(f, n, "compatible", &len);
    fdt_getprop_str(f, n, "status");
    nodes++;
  }
  CHECK(nodes < 100000, "walk: %d nodes", nodes);
  CHECK(strlen(m->bootargs) < f->totalsize && m->nmem <= MACHINE_MAX_MEM &&
            m->nharts <= MACHINE_MAX_HARTS && m->nvirtio <= MACHINE_MAX_VIRTIO,
        "walk: machine tables");
}

static const uint32 interesting[] = {0, 1, 2, 3, 4, 9, 0x7fffffff, 0x80000000, 0xffffffff,
                                     0xfffffffc, 0xd00dfeed, 0x10, 0x11, 0x28};

// Single-byte and aligned 4-byte corruptions from a fixed seed: parse may fail or succeed,
// but never crash, never read outside the exact-size buffer, never loop forever.
static void check_random_corruptions(const char *name, const uint8 *blob) {
  uint32 total = get32(blob + 4), ok = 0, rejected = 0;
  struct machine m;
  const char *why;
  for (int round = 0; round < 2 * FUZZ_ROUNDS; round++) {
    uint8 *copy = dup_exact(blob, total);
    if (round < FUZZ_ROUNDS) {
      copy[rng() % total] = (uint8)rng();
    } else {
      uint32 choice = rng() % (ARRAY_SIZE(interesting) + 4);
      uint32 v = choice < ARRAY_SIZE(interesting) ? interesting[choice] : rng();
      set32(copy + 4 * (rng() % (total / 4)), v);
    }
    if (machine_parse(copy, total, &m, &why) == 0) {
      ok++;
      walk_everything(&m);
    } else {
      rejected++;
      CHECK(why != NULL && why[0] != 0, "fuzz round %d: empty reason", round);
    }
    free(copy);
  }
  CHECK(ok > 0 && rejected > 0, "fuzz: %u accepted, %u rejected", ok, rejected);
  printf("test_fdt: %d random byte + %d word corruptions of %s: %u accepted, %u rejected, "
         "no crash\n", FUZZ_ROUNDS, FUZZ_ROUNDS, name, ok, rejected);
}

// Applies one 4-byte corruption at off and expects fdt_check to give this reason.
static void expect_corrupt(const uint8 *blob, uint32 off, uint32 v, const char *reason) {
  uint32 total = get32(blob + 4);
  uint8 *copy = dup_exact(blob, total);
  struct fdt f;
  const char *why = "";
  set32(copy + off, v);
  CHECK(fdt_check(copy, total, &f, &why) < 0, "corrupt @0x%x=0x%x: accepted", off, v);
  CHECK(strcmp(why, reason) == 0, "corrupt @0x%x=0x%x: \"%s\", expected \"%s\"", off, v, why,
        reason);
  free(copy);
}

static void check_header_corruptions(const uint8 *blob) {
  uint32 total = get32(blob + 4), soff = get32(blob + 8);
  struct fdt f;
  const char *why = "";
  expect_corrupt(blob, 0, 0x12345678, "bad magic 0x12345678");
  expect_corrupt(blob, 8, 0xfffffff0, "struct block overruns totalsize");
  expect_corrupt(blob, 8, soff + 2, "struct block misaligned");
  expect_corrupt(blob, 32, 0x7fffffff, "strings block overruns totalsize");
  expect_corrupt(blob, 36, total, "struct block overruns totalsize");
  expect_corrupt(blob, 16, 3, "memreserve block misplaced or misaligned");
  expect_corrupt(blob, 16, (total - 8) & ~7u, "memreserve block not terminated");
  expect_corrupt(blob, 20, 15, "unsupported FDT version 15");
  expect_corrupt(blob, 24, 18, "incompatible last_comp_version 18");
  expect_corrupt(blob, 4, 0x20, "implausible totalsize 0x00000020");
  expect_corrupt(blob, 4, total + 1, "totalsize larger than the space given");
  CHECK(fdt_check(blob, 39, &f, &why) < 0 && strcmp(why, "blob shorter than the FDT header") == 0,
        "short blob: %s", why);
  CHECK(fdt_check(NULL, 100, &f, &why) < 0, "NULL blob accepted");
  struct machine v17, v16;
  uint8 *copy = dup_exact(blob, total);
  set32(copy + 20, 16); // version 16 has no size_dt_struct: the block runs to totalsize
  CHECK(machine_parse(blob, total, &v17, &why) == 0 && machine_parse(copy, total, &v16, &why) == 0 &&
            same_machine(&v16, &v17),
        "version 16 header: %s", why);
  free(copy);
}

// The structure block of QEMU's trees starts with the root (BEGIN_NODE, "" padded) and its
// #address-cells property, and ends with the root's END_NODE and FDT_END.
static void check_struct_corruptions(const uint8 *blob) {
  uint32 soff = get32(blob + 8), send = soff + get32(blob + 36);
  CHECK(get32(blob + soff) == 1 && get32(blob + soff + 8) == 3, "real tree layout");
  CHECK(get32(blob + send - 4) == 9 && get32(blob + send - 8) == 2, "real tree end");
  expect_corrupt(blob, soff + 16, 0x7fffffff, "property name offset outside strings block");
  expect_corrupt(blob, soff + 16, get32(blob + 32), "property name offset outside strings block");
  expect_corrupt(blob, soff + 12, 0x10000000, "property value overruns struct block");
  expect_corrupt(blob, send - 4, 4, "missing FDT_END");
  expect_corrupt(blob, send - 8, 4, "FDT_END inside a node (missing END_NODE)");
  expect_corrupt(blob, send - 8, 3, "truncated property header");
  expect_corrupt(blob, soff, 7, "unknown token in struct block");
  expect_corrupt(blob, soff, 2, "unbalanced END_NODE");
  expect_corrupt(blob, soff, 9, "no root node");
}

// A chain of `levels` nested nodes (the root included).
static uint32 build_deep(uint8 *out, uint32 cap, int levels, int extra_end) {
  static struct builder b;
  memset(&b, 0, sizeof(b));
  begin_node(&b, "");
  for (int i = 1; i < levels; i++)
    begin_node(&b, "n");
  for (int i = 0; i < levels + extra_end; i++)
    end_node(&b);
  return finish(&b, out, cap);
}

static void expect_built_reason(uint32 n, const char *reason) {
  struct fdt f;
  const char *why = "";
  uint8 *copy = dup_exact(built, n);
  int r = fdt_check(copy, n, &f, &why);
  if (reason == NULL)
    CHECK(r == 0, "expected acceptance, got \"%s\"", why);
  else
    CHECK(r < 0 && strcmp(why, reason) == 0, "expected \"%s\", got \"%s\"", reason,
          r < 0 ? why : "acceptance");
  free(copy);
}

// Nesting and memory reservation faults in small hand-built blobs.
static void check_built_nesting(void) {
  static struct builder b;
  expect_built_reason(build_deep(built, sizeof(built), 32, 0), NULL);
  expect_built_reason(build_deep(built, sizeof(built), 33, 0), "depth > 32");
  expect_built_reason(build_deep(built, sizeof(built), 40, 0), "depth > 32");
  expect_built_reason(build_deep(built, sizeof(built), 3, 1), "unbalanced END_NODE");
  memset(&b, 0, sizeof(b));
  for (int i = 0; i < 2; i++) {
    begin_node(&b, "");
    end_node(&b);
  }
  expect_built_reason(finish(&b, built, sizeof(built)), "second root node");
  memset(&b, 0, sizeof(b));
  b.rsv[0][0] = b.rsv[0][1] = 0x1000;
  b.nrsv = 1;
  b.rsv_unterminated = 1;
  expect_built_reason(finish(&b, built, sizeof(built)), "memreserve block not terminated");
}

// Structure blocks whose end (size_dt_struct) cuts a name, its padding or a token short.
static void check_built_short_blocks(void) {
  static struct builder b;
  memset(&b, 0, sizeof(b));
  put32(&b, 1);
  uint8 name[4] = {'a', 'b', 'c', 'd'};
  put_bytes(&b, name, 4);
  uint32 n = finish(&b, built, sizeof(built));
  set32(built + 36, 8); // the struct block ends inside the name
  expect_built_reason(n, "unterminated node name");
  memset(&b, 0, sizeof(b));
  put32(&b, 1);
  put_bytes(&b, "abcdef", 7); // name, NUL and one byte of padding
  end_node(&b);
  n = finish(&b, built, sizeof(built));
  expect_built_reason(n, NULL);
  set32(built + 36, 11); // the block ends after the NUL, before the padding
  expect_built_reason(n, "node name padding overruns struct block");
  set32(built + 36, 14); // the block ends inside the END_NODE token
  expect_built_reason(n, "missing FDT_END");
  memset(&b, 0, sizeof(b));
  begin_node(&b, "");
  put32(&b, 3);
  put32(&b, 4);
  n = finish(&b, built, sizeof(built));
  set32(built + 36, 16); // the block ends after the property's length word
  expect_built_reason(n, "truncated property header");
}

static void check_corruptions(const uint8 *blob) {
  check_header_corruptions(blob);
  check_struct_corruptions(blob);
  check_built_nesting();
  check_built_short_blocks();
  printf("test_fdt: specific corruptions give their reasons: ok\n");
}

// ---- driver ----

static uint8 *read_file(const char *path, uint32 *n) {
  FILE *fp = fopen(path, "rb");
  if (fp == NULL)
    failf("cannot open %s", path);
  fseek(fp, 0, SEEK_END);
  long size = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  uint8 *p = malloc(size > 0 ? size : 1);
  if (p == NULL || fread(p, 1, size, fp) != (size_t)size)
    failf("cannot read %s", path);
  fclose(fp);
  *n = (uint32)size;
  return p;
}

// "virt-128M-3.dtb" -> 128 MiB, 3 harts; 0 if the name is not of that form.
static int parse_name(const char *name, uint64 *mem, int *smp) {
  unsigned long num;
  char unit;
  int end = 0;
  if (sscanf(name, "virt-%lu%c-%d.dtb%n", &num, &unit, smp, &end) != 3 || name[end] != 0)
    return 0;
  if (unit != 'M' && unit != 'G')
    return 0;
  *mem = (uint64)num << (unit == 'G' ? 30 : 20);
  return 1;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_trees(const char *dir, char **names) {
  DIR *d = opendir(dir);
  struct dirent *e;
  int n = 0;
  uint64 mem;
  int smp;
  if (d == NULL)
    failf("cannot open directory %s", dir);
  while ((e = readdir(d)) != NULL && n < MAX_FILES)
    if (parse_name(e->d_name, &mem, &smp))
      names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof(names[0]), by_name);
  return n;
}

int main(int argc, char **argv) {
  char *names[MAX_FILES], path[4096];
  uint8 *biggest = NULL;
  const char *biggest_name = NULL;
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc != 2)
    failf("usage: test_fdt DTB_DIR");
  int nfiles = list_trees(argv[1], names);
  CHECK(nfiles > 0, "no virt-<MEM>-<SMP>.dtb in %s", argv[1]);
  for (int i = 0; i < nfiles; i++) {
    uint64 mem;
    int smp;
    uint32 n;
    parse_name(names[i], &mem, &smp);
    snprintf(path, sizeof(path), "%s/%s", argv[1], names[i]);
    uint8 *blob = read_file(path, &n);
    CHECK(n >= 40, "%s: too short", names[i]);
    check_virt_tree(names[i], blob, n, mem, smp);
    if (biggest == NULL || get32(blob + 4) > get32(biggest + 4)) {
      free(biggest);
      biggest = blob;
      biggest_name = names[i];
    } else {
      free(blob);
    }
  }
  check_fdt_api(biggest_name, biggest, get32(biggest + 4));
  check_built_trees();
  check_sstc_variants();
  check_machine_errors();
  static uint8 hand[65536];
  build_tree(hand, sizeof(hand), &(struct tree_opts){0});
  check_truncations(biggest_name, biggest);
  check_truncations("hand-built tree", hand);
  check_random_corruptions(biggest_name, biggest);
  check_random_corruptions("hand-built tree", hand);
  check_corruptions(biggest);
  unit_pass();
  free(biggest);
  for (int i = 0; i < nfiles; i++)
    free(names[i]);
  return 0;
}
