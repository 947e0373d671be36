// Reading a whole address space with vmquery (kernel/vm/vminfo.h) for the vmmap tests: the
// windows of records joined into areas with their runs (vmq_read), and a check that the
// picture is well formed (vmq_problem): areas sorted and apart, each covered exactly by its
// runs, every state known.
#pragma once
#include "testlib.h"

#define MAP_AREAS 32
#define MAP_RUNS 512

struct vmq_map {
  struct vmq_rec proc;
  int nareas, nruns;
  struct vmq_rec areas[MAP_AREAS];
  int first_run[MAP_AREAS + 1];  // area i's runs: runs[first_run[i] .. first_run[i + 1])
  struct vmq_rec runs[MAP_RUNS];
  int calls;                     // vmquery calls it took
};

// Adds one record of a window; -1 if the map is full or the record is out of place.
static inline int vmq_add(struct vmq_map *m, const struct vmq_rec *r) {
  if (r->type == VMQ_AREA) {
    struct vmq_rec *last = m->nareas ? &m->areas[m->nareas - 1] : 0;
    if (last && last->start == r->start && last->npages == r->npages)
      return 0;  // the next window repeats the area it stopped in
    if (m->nareas == MAP_AREAS)
      return -1;
    m->areas[m->nareas++] = *r;
    m->first_run[m->nareas] = m->nruns;
    return 0;
  }
  if (r->type != VMQ_RUN || m->nareas == 0)
    return -1;
  struct vmq_rec *prev = m->nruns > m->first_run[m->nareas - 1] ? &m->runs[m->nruns - 1] : 0;
  if (prev && prev->flags == r->flags && prev->start + prev->npages * 4096 == r->start) {
    prev->npages += r->npages;  // a run split between two windows
  } else {
    if (m->nruns == MAP_RUNS)
      return -1;
    m->runs[m->nruns++] = *r;
  }
  m->first_run[m->nareas] = m->nruns;
  return 0;
}

// Reads pid's whole address space, window records at a time; 0, or -1 if a call failed.
static inline int vmq_read(int pid, int window, struct vmq_map *m) {
  static struct vmq_rec buf[VMQ_MAX_RECORDS];
  m->nareas = m->nruns = m->calls = 0;
  m->first_run[0] = 0;
  uint64 from = 0;
  for (;;) {
    int n = vmquery(pid, from, buf, window);
    m->calls++;
    if (n < 1 || buf[0].type != VMQ_PROC || n > window)
      return -1;
    m->proc = buf[0];
    for (int i = 1; i < n; i++)
      if (vmq_add(m, &buf[i]) < 0)
        return -1;
    if (buf[0].start == 0)
      return 0;
    if (buf[0].start <= from || m->calls > 10000)
      return -1;  // no progress
    from = buf[0].start;
  }
}

// What is wrong with the picture, or NULL.
static inline const char *vmq_problem(const struct vmq_map *m) {
  static char why[160];
  uint64 prev_end = 0;
  for (int i = 0; i < m->nareas; i++) {
    const struct vmq_rec *a = &m->areas[i];
    uint64 va = a->start, end = a->start + a->npages * 4096;
    if (a->start % 4096 || a->start < prev_end) {
      snprintf(why, sizeof(why), "area %d at 0x%lx is unaligned or overlaps the one before", i,
               a->start);
      return why;
    }
    for (int r = m->first_run[i]; r < m->first_run[i + 1]; r++) {
      const struct vmq_rec *run = &m->runs[r];
      if (run->start != va || run->npages == 0 || run->flags >= VMQ_NSTATES) {
        snprintf(why, sizeof(why), "area 0x%lx: run %d at 0x%lx (%lu pages, state %u) does "
                 "not continue at 0x%lx", a->start, r, run->start, run->npages, run->flags, va);
        return why;
      }
      va += run->npages * 4096;
    }
    if (va != end) {
      snprintf(why, sizeof(why), "area 0x%lx-0x%lx: its runs end at 0x%lx", a->start, end, va);
      return why;
    }
    prev_end = end;
  }
  return 0;
}

// The area with this role (the first one), or -1.
static inline int vmq_find_role(const struct vmq_map *m, unsigned int role) {
  for (int i = 0; i < m->nareas; i++)
    if (m->areas[i].u.area.role == role)
      return i;
  return -1;
}

// Area i's runs as a string of (state mark, pages) pairs, e.g. "S1 R2 .262141 R1".
static inline const char *vmq_runs_string(const struct vmq_map *m, int i) {
  static char s[256];
  int n = 0;
  s[0] = 0;
  for (int r = m->first_run[i]; r < m->first_run[i + 1] && n < (int)sizeof(s) - 24; r++)
    n += snprintf(s + n, sizeof(s) - n, "%s%c%lu", n ? " " : "",
                  VMQ_MARKS[m->runs[r].flags % VMQ_NSTATES], m->runs[r].npages);
  return s;
}
