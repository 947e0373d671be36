// Builds struct machine from the device tree: RAM, reserved ranges, usable harts, timebase,
// UART, PLIC contexts, virtio-mmio slots, the sifive,test device and the boot arguments.
// It decides what sloth needs and which trees it refuses; lib/fdt.c does the reading.
// Called once by the boot hart (kernel/main) and by tests/unit/test_fdt.c on the host.
#include "types.h"
#include "lib/fdt.h"
#include "lib/machine.h"

#define IRQ_S_EXTERNAL 9 // interrupt cause of supervisor external interrupts

// Scratch state of one machine_parse call.
struct parse_state {
  struct machine *m;
  const struct fdt *fdt;
  const char **why;
  int hart_node[MACHINE_MAX_HARTS]; // the cpu node of m->hartid[i]
};

static int parse_fail(struct parse_state *ps, const char *reason) {
  *ps->why = reason;
  return -1;
}

// Fails with "<msg> in node <name>", built in the machine's reason buffer.
static int fail_node(struct parse_state *ps, const char *msg, int node) {
  char *buf = ps->m->fdt.why_buf;
  const char *name = fdt_node_name(ps->fdt, node);
  const char *parts[3] = {msg, " in node ", name != NULL && *name != 0 ? name : "/"};
  uint32 i = 0;
  for (int p = 0; p < 3; p++)
    for (const char *s = parts[p]; *s != 0 && i < FDT_WHY_MAX - 1; s++)
      buf[i++] = *s;
  buf[i] = 0;
  return parse_fail(ps, buf);
}

static void zero(void *p, uint64 n) {
  uint8 *b = p;
  for (uint64 i = 0; i < n; i++)
    b[i] = 0;
}

// A node is usable when its status is absent, "okay" or the older "ok".
static int node_usable(const struct fdt *fdt, int node) {
  uint32 len;
  const uint8 *status = fdt_getprop(fdt, node, "status", &len);
  return status == NULL || fdt_stringlist_has(status, len, "okay") ||
         fdt_stringlist_has(status, len, "ok");
}

static int has_device_type(const struct fdt *fdt, int node, const char *type) {
  uint32 len;
  const uint8 *val = fdt_getprop(fdt, node, "device_type", &len);
  return fdt_stringlist_has(val, len, type);
}

// A one-cell property: 0, -1 when absent, -2 when its length is not 4.
static int prop_u32(const struct fdt *fdt, int node, const char *name, uint32 *out) {
  uint32 len;
  const uint8 *val = fdt_getprop(fdt, node, name, &len);
  if (val == NULL)
    return -1;
  if (len != 4)
    return -2;
  *out = fdt_be32(val);
  return 0;
}

// Appends every non-empty reg entry of node to ranges[0..max).
static int collect_reg(struct parse_state *ps, int node, struct mem_range *ranges, int *count,
                       int max, const char *too_many) {
  uint64 base, size;
  int r;
  for (uint32 i = 0; (r = fdt_reg(ps->fdt, node, i, &base, &size)) == 1; i++) {
    if (size == 0)
      continue;
    if (base + size < base)
      return fail_node(ps, "reg range wraps around", node);
    if (*count >= max)
      return parse_fail(ps, too_many);
    ranges[*count].base = base;
    ranges[*count].size = size;
    (*count)++;
  }
  return r < 0 ? fail_node(ps, "malformed reg", node) : 0;
}

static char lower(char c) {
  return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

// Case-insensitive match of a whole '_'-separated extension name in a riscv,isa string
// ("rv64imafdch_zicsr_sstc"); the single-letter base before the first '_' never matches.
static int isa_has_ext(const char *isa, const char *ext) {
  while (*isa != 0) {
    uint32 n = 0;
    while (isa[n] != 0 && isa[n] != '_')
      n++;
    uint32 i = 0;
    while (i < n && ext[i] != 0 && lower(isa[i]) == lower(ext[i]))
      i++;
    if (i == n && ext[i] == 0)
      return 1;
    isa += n;
    if (*isa == '_')
      isa++;
  }
  return 0;
}

// Sstc from the newer riscv,isa-extensions string list or from the riscv,isa string.
static int hart_has_sstc(const struct fdt *fdt, int cpu) {
  uint32 len;
  const uint8 *list = fdt_getprop(fdt, cpu, "riscv,isa-extensions", &len);
  if (fdt_stringlist_has(list, len, "sstc"))
    return 1;
  const char *isa = fdt_getprop_str(fdt, cpu, "riscv,isa");
  return isa != NULL && isa_has_ext(isa, "sstc");
}

// Inserts a usable hart, keeping hartid[] sorted and the MACHINE_MAX_HARTS smallest ids.
static int insert_hart(struct parse_state *ps, uint64 id, int cpu) {
  struct machine *m = ps->m;
  int n = m->nharts, pos = 0;
  for (int i = 0; i < n; i++) {
    if (m->hartid[i] == id)
      return fail_node(ps, "duplicate hart id", cpu);
    if (m->hartid[i] < id)
      pos++;
  }
  if (n == MACHINE_MAX_HARTS) {
    m->nharts_ignored++;
    if (pos == MACHINE_MAX_HARTS)
      return 0;
    n--;
  }
  for (int i = n; i > pos; i--) {
    m->hartid[i] = m->hartid[i - 1];
    ps->hart_node[i] = ps->hart_node[i - 1];
  }
  m->hartid[pos] = id;
  ps->hart_node[pos] = cpu;
  m->nharts = n + 1;
  return 0;
}

// The timebase: the lowest usable hart's own timebase-frequency, else the one in /cpus.
static int parse_timebase(struct parse_state *ps, int cpus) {
  uint64 hz = 0;
  int r = fdt_getprop_num(ps->fdt, ps->hart_node[0], "timebase-frequency", &hz);
  if (r == -1)
    r = fdt_getprop_num(ps->fdt, cpus, "timebase-frequency", &hz);
  if (r == -2)
    return parse_fail(ps, "malformed timebase-frequency");
  if (r == -1 || hz == 0)
    return parse_fail(ps, "missing timebase-frequency");
  ps->m->timebase_hz = hz;
  return 0;
}

// Usable /cpus children of device_type "cpu": their ids (reg), Sstc, and the timebase.
static int parse_cpus(struct parse_state *ps) {
  const struct fdt *fdt = ps->fdt;
  int cpus = fdt_path_offset(fdt, "/cpus");
  int sstc = 1;
  for (int c = fdt_first_child(fdt, cpus); c >= 0; c = fdt_next_sibling(fdt, c)) {
    uint64 id, size;
    if (!has_device_type(fdt, c, "cpu") || !node_usable(fdt, c))
      continue;
    if (fdt_reg(fdt, c, 0, &id, &size) != 1)
      return fail_node(ps, "malformed reg", c);
    if (insert_hart(ps, id, c) < 0)
      return -1;
    sstc &= hart_has_sstc(fdt, c);
  }
  if (ps->m->nharts == 0)
    return parse_fail(ps, "no usable hart");
  ps->m->all_harts_sstc = sstc;
  return parse_timebase(ps, cpus);
}

// The first non-empty reg entry of a device node, required to exist.
static int device_reg(struct parse_state *ps, int node, uint64 *base, uint64 *size) {
  if (fdt_reg(ps->fdt, node, 0, base, size) != 1 || *size == 0 || *base + *size < *base)
    return fail_node(ps, "malformed reg", node);
  return 0;
}

// A device's first interrupt (its "interrupts" property); 0 when it has none.
static int device_irq(struct parse_state *ps, int node, uint32 *irq) {
  uint32 len;
  uint64 v;
  const uint8 *val = fdt_getprop(ps->fdt, node, "interrupts", &len);
  *irq = 0;
  if (val == NULL)
    return 0;
  if (fdt_read_cells(val, len, 0, 1, &v) < 0)
    return fail_node(ps, "malformed interrupts", node);
  *irq = (uint32)v;
  return 0;
}

// The interrupt-controller child of a cpu node, or -1.
static int hart_intc(const struct fdt *fdt, int cpu) {
  int c = fdt_first_child(fdt, cpu);
  while (c >= 0 && fdt_getprop(fdt, c, "interrupt-controller", NULL) == NULL)
    c = fdt_next_sibling(fdt, c);
  return c;
}

// Walks the PLIC's interrupts-extended: entry k is context k, a (controller phandle,
// specifier) pair whose length the controller's #interrupt-cells gives. Context k is hart
// i's S-mode context when the controller is hart i's intc and the specifier is irq 9.
static int plic_contexts(struct parse_state *ps, int plic) {
  const struct fdt *fdt = ps->fdt;
  int intc[MACHINE_MAX_HARTS];
  uint32 len, cells;
  uint64 phandle, irq;
  const uint8 *ext = fdt_getprop(fdt, plic, "interrupts-extended", &len);
  for (int i = 0; i < ps->m->nharts; i++)
    intc[i] = hart_intc(fdt, ps->hart_node[i]);
  for (uint32 cell = 0, ctx = 0; ext != NULL && cell < len / 4; ctx++) {
    fdt_read_cells(ext, len, cell, 1, &phandle);
    int ic = fdt_node_by_phandle(fdt, (uint32)phandle);
    if (ic < 0 || prop_u32(fdt, ic, "#interrupt-cells", &cells) < 0 || cells < 1 ||
        cells > 4 || fdt_read_cells(ext, len, cell + 1, 1, &irq) < 0)
      return fail_node(ps, "malformed interrupts-extended", plic);
    for (int i = 0; i < ps->m->nharts; i++)
      if (ic == intc[i] && irq == IRQ_S_EXTERNAL && ps->m->plic.s_context[i] < 0)
        ps->m->plic.s_context[i] = (int)ctx;
    cell += 1 + cells;
  }
  return 0;
}

static int parse_plic(struct parse_state *ps, int plic) {
  struct machine *m = ps->m;
  if (device_reg(ps, plic, &m->plic.base, &m->plic.size) < 0)
    return -1;
  if (prop_u32(ps->fdt, plic, "riscv,ndev", &m->plic.ndev) < 0)
    return fail_node(ps, "missing or malformed riscv,ndev", plic);
  return plic_contexts(ps, plic);
}

// Adds a virtio-mmio slot, keeping the table sorted by base address.
static int add_virtio(struct parse_state *ps, int node) {
  struct machine *m = ps->m;
  uint64 base, size;
  uint32 irq;
  if (m->nvirtio == MACHINE_MAX_VIRTIO)
    return parse_fail(ps, "too many virtio,mmio nodes (max 8)");
  if (device_reg(ps, node, &base, &size) < 0 || device_irq(ps, node, &irq) < 0)
    return -1;
  int i = m->nvirtio++;
  for (; i > 0 && m->virtio[i - 1].base > base; i--)
    m->virtio[i] = m->virtio[i - 1];
  m->virtio[i].base = base;
  m->virtio[i].size = size;
  m->virtio[i].irq = irq;
  return 0;
}

// Sorts one usable node into what sloth uses; the first UART, PLIC and test device win.
static int parse_node(struct parse_state *ps, int n) {
  const struct fdt *fdt = ps->fdt;
  struct machine *m = ps->m;
  if (has_device_type(fdt, n, "memory"))
    return collect_reg(ps, n, m->mem, &m->nmem, MACHINE_MAX_MEM,
                       "too many memory ranges (max 8)");
  if (m->uart.size == 0 &&
      (fdt_node_compatible(fdt, n, "ns16550a") || fdt_node_compatible(fdt, n, "ns16550"))) {
    if (device_reg(ps, n, &m->uart.base, &m->uart.size) < 0)
      return -1;
    return device_irq(ps, n, &m->uart.irq);
  }
  if (m->plic.size == 0 && (fdt_node_compatible(fdt, n, "riscv,plic0") ||
                            fdt_node_compatible(fdt, n, "sifive,plic-1.0.0")))
    return parse_plic(ps, n);
  if (fdt_node_compatible(fdt, n, "virtio,mmio"))
    return add_virtio(ps, n);
  if (m->test.size == 0 && fdt_node_compatible(fdt, n, "sifive,test0"))
    return device_reg(ps, n, &m->test.base, &m->test.size);
  return 0;
}

static int parse_nodes(struct parse_state *ps) {
  int depth = 0;
  for (int n = fdt_root(ps->fdt); n >= 0; n = fdt_next_node(ps->fdt, n, &depth))
    if (node_usable(ps->fdt, n) && parse_node(ps, n) < 0)
      return -1;
  if (ps->m->nmem == 0)
    return parse_fail(ps, "no memory node");
  return 0;
}

// /memreserve/ entries, then every usable /reserved-memory child that has a reg.
static int parse_reserved(struct parse_state *ps) {
  struct machine *m = ps->m;
  const char *too_many = "too many reserved ranges (max 16)";
  uint64 base, size;
  for (uint32 i = 0; fdt_memreserve(ps->fdt, i, &base, &size) == 1; i++) {
    if (size == 0)
      continue;
    if (base + size < base)
      return parse_fail(ps, "memreserve entry wraps around");
    if (m->nresv >= MACHINE_MAX_RESV)
      return parse_fail(ps, too_many);
    m->resv[m->nresv].base = base;
    m->resv[m->nresv].size = size;
    m->nresv++;
  }
  int rm = fdt_path_offset(ps->fdt, "/reserved-memory");
  for (int c = fdt_first_child(ps->fdt, rm); c >= 0; c = fdt_next_sibling(ps->fdt, c)) {
    if (!node_usable(ps->fdt, c) || fdt_getprop(ps->fdt, c, "reg", NULL) == NULL)
      continue;
    if (collect_reg(ps, c, m->resv, &m->nresv, MACHINE_MAX_RESV, too_many) < 0)
      return -1;
  }
  return 0;
}

static int parse_bootargs(struct parse_state *ps) {
  uint32 len;
  int chosen = fdt_path_offset(ps->fdt, "/chosen");
  const uint8 *val = fdt_getprop(ps->fdt, chosen, "bootargs", &len);
  ps->m->bootargs = "";
  if (val == NULL || len == 0)
    return 0;
  ps->m->bootargs = fdt_getprop_str(ps->fdt, chosen, "bootargs");
  if (ps->m->bootargs == NULL) {
    ps->m->bootargs = "";
    return parse_fail(ps, "malformed /chosen bootargs (no NUL)");
  }
  return 0;
}

int machine_parse(const void *blob, uint64 maxsize, struct machine *m, const char **why) {
  struct parse_state ps;
  const char *ignored;
  ps.m = m;
  ps.fdt = &m->fdt;
  ps.why = why != NULL ? why : &ignored;
  zero(m, sizeof(*m));
  m->bootargs = "";
  for (int i = 0; i < MACHINE_MAX_HARTS; i++)
    m->plic.s_context[i] = -1;
  if (fdt_check(blob, maxsize, &m->fdt, ps.why) < 0)
    return -1;
  if (parse_cpus(&ps) < 0 || parse_nodes(&ps) < 0 || parse_reserved(&ps) < 0 ||
      parse_bootargs(&ps) < 0)
    return -1;
  return 0;
}
