// Flattened device tree reader. Owns nothing but the rules of the format: fdt_check proves a
// blob well formed (every block, token, name and value inside the header's totalsize and the
// caller's limit), and the lookups reuse the same bounds-checked token reader; a struct fdt
// that failed the check has blob NULL and every lookup in it finds nothing. Callers:
// lib/machine.c at boot, tests/unit/test_fdt.c on the host. No locks: nothing is written.
#include "types.h"
#include "lib/fdt.h"

#define TOK_BEGIN_NODE 1
#define TOK_END_NODE 2
#define TOK_PROP 3
#define TOK_NOP 4
#define TOK_END 9

#define HEADER_V16_SIZE 36 // magic .. size_dt_strings
#define HEADER_V17_SIZE 40 // plus size_dt_struct
#define RSV_ENTRY_SIZE 16

// One decoded token of the structure block.
struct token {
  uint32 type;
  uint32 off;       // where the token starts
  uint32 next;      // where the token after it starts
  const char *name; // BEGIN_NODE: the node's name; PROP: the property's name
  const uint8 *val; // PROP: the value
  uint32 len;       // PROP: the value's length
};

uint32 fdt_be32(const void *p) {
  const uint8 *b = p;
  return ((uint32)b[0] << 24) | ((uint32)b[1] << 16) | ((uint32)b[2] << 8) | b[3];
}

uint64 fdt_be64(const void *p) {
  const uint8 *b = p;
  return ((uint64)fdt_be32(b) << 32) | fdt_be32(b + 4);
}

// Sets the reason for a rejection; returns -1 so that callers can `return reject(...)`.
static int reject(const char **why, const char *reason) {
  *why = reason;
  return -1;
}

static uint64 align4(uint64 x) {
  return (x + 3) & ~(uint64)3;
}

static int str_eq(const char *a, const char *b) {
  while (*a != 0 && *a == *b) {
    a++;
    b++;
  }
  return *a == *b;
}

// Writes "msg" followed by v (hex or decimal) into fdt->why_buf, for reasons worth a value.
static const char *why_num(struct fdt *fdt, const char *msg, uint32 v, int hex) {
  char digits[10];
  int n = 0, i = 0;
  uint32 base = hex ? 16 : 10;
  do {
    digits[n++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v != 0 || (hex && n < 8));
  while (*msg != 0 && i < FDT_WHY_MAX - 13)
    fdt->why_buf[i++] = *msg++;
  if (hex) {
    fdt->why_buf[i++] = '0';
    fdt->why_buf[i++] = 'x';
  }
  while (n > 0)
    fdt->why_buf[i++] = digits[--n];
  fdt->why_buf[i] = 0;
  return fdt->why_buf;
}

// Finds the NUL ending the string at p[off], looking no further than p[end - 1]; -1 if none.
static int64 find_nul(const uint8 *p, uint32 off, uint32 end) {
  for (uint32 i = off; i < end; i++)
    if (p[i] == 0)
      return i;
  return -1;
}

// Decodes a BEGIN_NODE's name, which starts at off and is padded to 4 bytes.
static int read_node_name(const struct fdt *fdt, uint32 off, uint32 end, struct token *t,
                          const char **why) {
  int64 nul = find_nul(fdt->blob, off, end);
  if (nul < 0)
    return reject(why, "unterminated node name");
  uint64 next = align4((uint64)nul + 1);
  if (next > end)
    return reject(why, "node name padding overruns struct block");
  t->name = (const char *)fdt->blob + off;
  t->next = (uint32)next;
  return 0;
}

// Decodes a PROP's length, name offset and value, which start at off.
static int read_prop(const struct fdt *fdt, uint32 off, uint32 end, struct token *t,
                     const char **why) {
  if (end - off < 8)
    return reject(why, "truncated property header");
  uint32 len = fdt_be32(fdt->blob + off);
  uint32 nameoff = fdt_be32(fdt->blob + off + 4);
  off += 8;
  if (len > end - off)
    return reject(why, "property value overruns struct block");
  if (nameoff >= fdt->strings_size)
    return reject(why, "property name offset outside strings block");
  uint32 strings_end = fdt->strings_off + fdt->strings_size;
  if (find_nul(fdt->blob, fdt->strings_off + nameoff, strings_end) < 0)
    return reject(why, "unterminated property name");
  uint64 next = align4((uint64)off + len);
  if (next > end)
    return reject(why, "property padding overruns struct block");
  t->name = (const char *)fdt->blob + fdt->strings_off + nameoff;
  t->val = fdt->blob + off;
  t->len = len;
  t->next = (uint32)next;
  return 0;
}

// Decodes the token at off. Every byte it touches lies inside the structure block (and, for
// property names, the strings block), whose bounds fdt_check proved inside the blob.
static int read_token(const struct fdt *fdt, uint32 off, struct token *t, const char **why) {
  uint32 end = fdt->struct_off + fdt->struct_size;
  if (fdt->blob == NULL || off < fdt->struct_off || off % 4 != 0 || off > end ||
      end - off < 4)
    return reject(why, "missing FDT_END");
  t->type = fdt_be32(fdt->blob + off);
  t->off = off;
  t->next = off + 4;
  t->name = NULL;
  t->val = NULL;
  t->len = 0;
  switch (t->type) {
  case TOK_BEGIN_NODE:
    return read_node_name(fdt, off + 4, end, t, why);
  case TOK_PROP:
    return read_prop(fdt, off + 4, end, t, why);
  case TOK_END_NODE:
  case TOK_NOP:
  case TOK_END:
    return 0;
  }
  return reject(why, "unknown token in struct block");
}

// Checks that a block [off, off + size) lies after the header and inside totalsize.
static int block_ok(uint32 off, uint32 size, uint32 hdr, uint32 total) {
  return off >= hdr && (uint64)off + size <= total;
}

// Validates magic, totalsize and versions; returns the header's size for this version.
static int check_ident(const uint8 *p, uint64 maxsize, struct fdt *fdt, const char **why) {
  if (maxsize < HEADER_V17_SIZE)
    return reject(why, "blob shorter than the FDT header");
  if (fdt_be32(p) != FDT_MAGIC)
    return reject(why, why_num(fdt, "bad magic ", fdt_be32(p), 1));
  uint32 total = fdt_be32(p + 4), version = fdt_be32(p + 20);
  if (total > maxsize)
    return reject(why, "totalsize larger than the space given");
  if (total < HEADER_V17_SIZE || total > 0x7fffffff)
    return reject(why, why_num(fdt, "implausible totalsize ", total, 1));
  if (version < 16)
    return reject(why, why_num(fdt, "unsupported FDT version ", version, 0));
  if (fdt_be32(p + 24) > 17)
    return reject(why, why_num(fdt, "incompatible last_comp_version ", fdt_be32(p + 24), 0));
  fdt->totalsize = total;
  return version >= 17 ? HEADER_V17_SIZE : HEADER_V16_SIZE;
}

// Validates the header and fills in *fdt's block positions: every block after the header
// and inside totalsize (itself no larger than maxsize), aligned as the format requires.
static int check_header(const uint8 *p, uint64 maxsize, struct fdt *fdt, const char **why) {
  int version_hdr = check_ident(p, maxsize, fdt, why);
  if (version_hdr < 0)
    return -1;
  uint32 hdr = (uint32)version_hdr;
  uint32 total = fdt->totalsize;
  fdt->struct_off = fdt_be32(p + 8);
  fdt->strings_off = fdt_be32(p + 12);
  fdt->rsv_off = fdt_be32(p + 16);
  fdt->boot_cpuid = fdt_be32(p + 28);
  fdt->strings_size = fdt_be32(p + 32);
  if (hdr == HEADER_V17_SIZE)
    fdt->struct_size = fdt_be32(p + 36);
  else
    fdt->struct_size = fdt->struct_off <= total ? total - fdt->struct_off : 0;
  if (!block_ok(fdt->struct_off, fdt->struct_size, hdr, total))
    return reject(why, "struct block overruns totalsize");
  if (fdt->struct_off % 4 != 0)
    return reject(why, "struct block misaligned");
  if (!block_ok(fdt->strings_off, fdt->strings_size, hdr, total))
    return reject(why, "strings block overruns totalsize");
  if (fdt->rsv_off < hdr || fdt->rsv_off % 8 != 0)
    return reject(why, "memreserve block misplaced or misaligned");
  fdt->blob = p;
  return 0;
}

// The memory reservation block must end with a (0, 0) entry inside the blob.
static int check_memreserve(const struct fdt *fdt, const char **why) {
  for (uint64 off = fdt->rsv_off; off + RSV_ENTRY_SIZE <= fdt->totalsize;
       off += RSV_ENTRY_SIZE) {
    if (fdt_be64(fdt->blob + off) == 0 && fdt_be64(fdt->blob + off + 8) == 0)
      return 0;
  }
  return reject(why, "memreserve block not terminated");
}

// Walks the whole structure block once: one root, balanced nodes, properties only inside
// nodes, depth bounded, and an FDT_END. Each token moves at least 4 bytes on, so it ends.
static int check_struct(const struct fdt *fdt, const char **why) {
  struct token t;
  int depth = 0, roots = 0;
  for (uint32 off = fdt->struct_off;; off = t.next) {
    if (read_token(fdt, off, &t, why) < 0)
      return -1;
    if (t.type == TOK_BEGIN_NODE) {
      if (depth == 0 && roots++ > 0)
        return reject(why, "second root node");
      if (++depth > FDT_MAX_DEPTH)
        return reject(why, "depth > 32");
    } else if (t.type == TOK_END_NODE) {
      if (depth == 0)
        return reject(why, "unbalanced END_NODE");
      depth--;
    } else if (t.type == TOK_PROP && depth == 0) {
      return reject(why, "property outside any node");
    } else if (t.type == TOK_END) {
      if (depth != 0)
        return reject(why, "FDT_END inside a node (missing END_NODE)");
      if (roots == 0)
        return reject(why, "no root node");
      return 0;
    }
  }
}

int fdt_check(const void *blob, uint64 maxsize, struct fdt *fdt, const char **why) {
  const char *ignored;
  if (why == NULL)
    why = &ignored;
  fdt->blob = NULL;
  fdt->totalsize = fdt->struct_off = fdt->struct_size = 0;
  fdt->strings_off = fdt->strings_size = fdt->rsv_off = fdt->boot_cpuid = 0;
  fdt->why_buf[0] = 0;
  if (blob == NULL)
    return reject(why, "no device tree (NULL pointer)");
  if (check_header(blob, maxsize, fdt, why) < 0 || check_memreserve(fdt, why) < 0 ||
      check_struct(fdt, why) < 0) {
    fdt->blob = NULL;
    return -1;
  }
  return 0;
}

// Decodes the BEGIN_NODE token at node; -1 if node is not one.
static int node_token(const struct fdt *fdt, int node, struct token *t) {
  const char *why;
  if (node < 0 || read_token(fdt, (uint32)node, t, &why) < 0)
    return -1;
  return t->type == TOK_BEGIN_NODE ? 0 : -1;
}

int fdt_root(const struct fdt *fdt) {
  struct token t;
  const char *why;
  uint32 off = fdt->struct_off;
  while (read_token(fdt, off, &t, &why) == 0) {
    if (t.type == TOK_BEGIN_NODE)
      return (int)t.off;
    if (t.type != TOK_NOP)
      break;
    off = t.next;
  }
  return -1;
}

int fdt_next_node(const struct fdt *fdt, int node, int *depth) {
  struct token t;
  const char *why;
  int d = *depth;
  if (node_token(fdt, node, &t) < 0)
    return -1;
  for (uint32 off = t.next; read_token(fdt, off, &t, &why) == 0; off = t.next) {
    if (t.type == TOK_BEGIN_NODE) {
      *depth = d + 1;
      return (int)t.off;
    }
    if (t.type == TOK_END_NODE)
      d--;
    else if (t.type == TOK_END)
      break;
  }
  return -1;
}

int fdt_first_child(const struct fdt *fdt, int node) {
  int depth = 0;
  int n = fdt_next_node(fdt, node, &depth);
  return n >= 0 && depth == 1 ? n : -1;
}

int fdt_next_sibling(const struct fdt *fdt, int node) {
  int depth = 0;
  int n = node;
  do
    n = fdt_next_node(fdt, n, &depth);
  while (n >= 0 && depth > 0);
  return n >= 0 && depth == 0 ? n : -1;
}

// Walks from the root keeping the chain of open nodes, since the format has no back links.
int fdt_parent(const struct fdt *fdt, int node) {
  int open[FDT_MAX_DEPTH];
  int depth = 0;
  for (int n = fdt_root(fdt); n >= 0; n = fdt_next_node(fdt, n, &depth)) {
    if (depth < 0 || depth >= FDT_MAX_DEPTH)
      return -1;
    open[depth] = n;
    if (n == node)
      return depth > 0 ? open[depth - 1] : -1;
  }
  return -1;
}

const char *fdt_node_name(const struct fdt *fdt, int node) {
  struct token t;
  return node_token(fdt, node, &t) == 0 ? t.name : NULL;
}

// A path component matches a node name exactly, or the name's part before '@' when the
// component itself carries no unit address ("serial" finds "serial@10000000").
static int name_matches(const char *name, const char *comp, uint32 n) {
  int has_at = 0;
  for (uint32 i = 0; i < n; i++) {
    if (name[i] != comp[i])
      return 0;
    has_at |= comp[i] == '@';
  }
  return name[n] == 0 || (name[n] == '@' && !has_at);
}

int fdt_path_offset(const struct fdt *fdt, const char *path) {
  int node = fdt_root(fdt);
  if (path == NULL || *path != '/')
    return -1;
  while (node >= 0) {
    while (*path == '/')
      path++;
    if (*path == 0)
      return node;
    uint32 n = 0;
    while (path[n] != 0 && path[n] != '/')
      n++;
    int child = fdt_first_child(fdt, node);
    while (child >= 0 && !name_matches(fdt_node_name(fdt, child), path, n))
      child = fdt_next_sibling(fdt, child);
    node = child;
    path += n;
  }
  return -1;
}

int fdt_node_by_phandle(const struct fdt *fdt, uint32 phandle) {
  int depth = 0;
  uint64 v;
  if (phandle == 0 || phandle == 0xffffffff)
    return -1;
  for (int n = fdt_root(fdt); n >= 0; n = fdt_next_node(fdt, n, &depth)) {
    if (fdt_getprop_num(fdt, n, "phandle", &v) == 0 && v == phandle)
      return n;
    if (fdt_getprop_num(fdt, n, "linux,phandle", &v) == 0 && v == phandle)
      return n;
  }
  return -1;
}

// A node's properties are the PROP tokens (NOPs aside) before its first child or its end.
const uint8 *fdt_getprop(const struct fdt *fdt, int node, const char *name, uint32 *len) {
  struct token t;
  const char *why;
  if (node_token(fdt, node, &t) < 0)
    return NULL;
  for (uint32 off = t.next; read_token(fdt, off, &t, &why) == 0; off = t.next) {
    if (t.type == TOK_NOP)
      continue;
    if (t.type != TOK_PROP)
      break;
    if (str_eq(t.name, name)) {
      if (len != NULL)
        *len = t.len;
      return t.val;
    }
  }
  return NULL;
}

const char *fdt_getprop_str(const struct fdt *fdt, int node, const char *name) {
  uint32 len;
  const uint8 *val = fdt_getprop(fdt, node, name, &len);
  if (val == NULL || len == 0 || find_nul(val, 0, len) < 0)
    return NULL;
  return (const char *)val;
}

int fdt_stringlist_has(const uint8 *list, uint32 len, const char *s) {
  uint32 i = 0;
  while (list != NULL && i < len) {
    int64 nul = find_nul(list, i, len);
    if (nul < 0)
      return 0;
    if (str_eq((const char *)list + i, s))
      return 1;
    i = (uint32)nul + 1;
  }
  return 0;
}

int fdt_node_compatible(const struct fdt *fdt, int node, const char *compat) {
  uint32 len;
  const uint8 *val = fdt_getprop(fdt, node, "compatible", &len);
  return fdt_stringlist_has(val, len, compat);
}

int fdt_read_cells(const uint8 *val, uint32 len, uint32 index, uint32 ncells, uint64 *out) {
  if (val == NULL || ncells < 1 || ncells > 2 || ((uint64)index + ncells) * 4 > len)
    return -1;
  const uint8 *p = val + (uint64)index * 4;
  *out = ncells == 1 ? fdt_be32(p) : fdt_be64(p);
  return 0;
}

int fdt_getprop_num(const struct fdt *fdt, int node, const char *name, uint64 *out) {
  uint32 len;
  const uint8 *val = fdt_getprop(fdt, node, name, &len);
  if (val == NULL)
    return -1;
  if (len != 4 && len != 8)
    return -2;
  return fdt_read_cells(val, len, 0, len / 4, out);
}

int fdt_bus_cells(const struct fdt *fdt, int bus, uint32 *addr_cells, uint32 *size_cells) {
  uint32 alen, slen;
  const uint8 *a = fdt_getprop(fdt, bus, "#address-cells", &alen);
  const uint8 *s = fdt_getprop(fdt, bus, "#size-cells", &slen);
  if ((a != NULL && alen != 4) || (s != NULL && slen != 4))
    return -1;
  *addr_cells = a != NULL ? fdt_be32(a) : 2;
  *size_cells = s != NULL ? fdt_be32(s) : 1;
  return 0;
}

int fdt_reg(const struct fdt *fdt, int node, uint32 index, uint64 *base, uint64 *size) {
  uint32 ac, sc, len;
  int parent = fdt_parent(fdt, node);
  if (parent < 0 || fdt_bus_cells(fdt, parent, &ac, &sc) < 0)
    return -1;
  if (ac < 1 || ac > 2 || sc > 2)
    return -1;
  const uint8 *reg = fdt_getprop(fdt, node, "reg", &len);
  uint32 entry = ac + sc;
  if (reg == NULL || len == 0 || len % (entry * 4) != 0)
    return -1;
  if (index >= len / (entry * 4))
    return 0;
  fdt_read_cells(reg, len, index * entry, ac, base);
  *size = 0;
  if (sc > 0)
    fdt_read_cells(reg, len, index * entry + ac, sc, size);
  return 1;
}

int fdt_memreserve(const struct fdt *fdt, uint32 index, uint64 *base, uint64 *size) {
  if (fdt->blob == NULL)
    return 0;
  for (uint64 i = 0; i <= index; i++) {
    uint64 off = fdt->rsv_off + i * RSV_ENTRY_SIZE;
    if (off + RSV_ENTRY_SIZE > fdt->totalsize)
      return 0;
    *base = fdt_be64(fdt->blob + off);
    *size = fdt_be64(fdt->blob + off + 8);
    if (*base == 0 && *size == 0)
      return 0;
  }
  return 1;
}
