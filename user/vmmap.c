// vmmap: prints a process's address space, the picture of lazy loading: each area (text,
// data, bss, heap, stack, mappings) with its range, permissions and backing, then one mark
// per page (R resident, S a frame shared with other pages, C the page cache's frame,
// s in swap, d dropped clean, . untouched, E being evicted). An area of more than
// MARKS_MAX pages (a sparse 1 GiB heap) prints as a count per state and its runs instead.
//   vmmap         the address space of vmmap itself
//   vmmap PID     the address space of process PID, which must be asleep (vminfo.h)
// The data comes from the vmquery system call (28), a window of records at a time.
#include "user.h"

#define WINDOW 64        // records asked for per call
#define MARKS_MAX 256    // larger areas print as runs
#define MARKS_LINE 64    // marks per line
#define RUNS_SHOWN 16    // runs printed for a large area

static const char *roles[] = VMQ_ROLE_NAMES;
static const char *state_words[VMQ_NSTATES] = {"untouched", "resident", "shared", "cached",
                                               "swapped",   "dropped",  "being evicted"};

struct area {
  struct vmq_rec rec;  // type 0: none yet
  struct vmq_rec *runs;
  int nruns, cap;
};

static void print_header(const struct vmq_rec *proc) {
  printf("pid %u (%s): %u areas, %lu pages registered, %u touched\n", proc->flags,
         proc->u.proc.name, proc->u.proc.nareas, proc->npages, proc->u.proc.touched);
}

static void print_area_line(const struct vmq_rec *a) {
  uint64 end = a->start + a->npages * 4096;
  printf("  0x%016lx-0x%016lx  %c%c%c%c %8lu page%s  %-6s  ", a->start, end,
         a->flags & VMQ_A_READ ? 'r' : '-', a->flags & VMQ_A_WRITE ? 'w' : '-',
         a->flags & VMQ_A_EXEC ? 'x' : '-', a->flags & VMQ_A_SHARED ? 's' : 'p', a->npages,
         a->npages == 1 ? " " : "s", a->u.area.role < 9 ? roles[a->u.area.role] : "?");
  if (a->flags & VMQ_A_FILE)
    printf("inode %u offset 0x%lx, %s\n", a->u.area.inum, a->u.area.offset,
           a->flags & VMQ_A_SHARED ? "shared" : "private");
  else
    printf("anonymous, private\n");
}

// One mark per page, MARKS_LINE to a line, each line headed by its first page's address.
static void print_marks(const struct area *a) {
  char line[MARKS_LINE + 1];
  int n = 0;
  uint64 line_va = a->rec.start;
  for (int r = 0; r < a->nruns; r++) {
    for (uint64 i = 0; i < a->runs[r].npages; i++) {
      line[n++] = VMQ_MARKS[a->runs[r].flags % VMQ_NSTATES];
      if (n == MARKS_LINE) {
        line[n] = 0;
        printf("    0x%016lx  %s\n", line_va, line);
        line_va += MARKS_LINE * 4096;
        n = 0;
      }
    }
  }
  line[n] = 0;
  if (n)
    printf("    0x%016lx  %s\n", line_va, line);
}

// A large area: how many pages are in each state, then its first RUNS_SHOWN runs.
static void print_runs(const struct area *a) {
  uint64 count[VMQ_NSTATES] = {0};
  for (int r = 0; r < a->nruns; r++)
    count[a->runs[r].flags % VMQ_NSTATES] += a->runs[r].npages;
  static const int order[VMQ_NSTATES] = {VMQ_P_RESIDENT, VMQ_P_SHARED,  VMQ_P_CACHED,
                                         VMQ_P_SWAPPED,  VMQ_P_DROPPED, VMQ_P_EVICTING,
                                         VMQ_P_UNTOUCHED};
  printf("    %lu pages:", a->rec.npages);
  const char *sep = " ";
  for (int i = 0; i < VMQ_NSTATES; i++) {
    int s = order[i];
    if (count[s]) {
      printf("%s%lu %s", sep, count[s], state_words[s]);
      sep = ", ";
    }
  }
  printf(" (%d run%s)\n", a->nruns, a->nruns == 1 ? "" : "s");
  for (int r = 0; r < a->nruns && r < RUNS_SHOWN; r++) {
    const struct vmq_rec *run = &a->runs[r];
    printf("    0x%016lx-0x%016lx  %c %8lu  %s\n", run->start, run->start + run->npages * 4096,
           VMQ_MARKS[run->flags % VMQ_NSTATES], run->npages, state_words[run->flags % VMQ_NSTATES]);
  }
  if (a->nruns > RUNS_SHOWN)
    printf("    ... %d more runs\n", a->nruns - RUNS_SHOWN);
}

static void finish_area(struct area *a) {
  if (!a->rec.type)
    return;
  print_area_line(&a->rec);
  if (a->rec.npages <= MARKS_MAX)
    print_marks(a);
  else
    print_runs(a);
  a->nruns = 0;
}

// Appends a run to the area, joining it to the last one when it continues it (a window of
// records may end in the middle of a run).
static void add_run(struct area *a, const struct vmq_rec *run) {
  struct vmq_rec *last = a->nruns ? &a->runs[a->nruns - 1] : 0;
  if (last && last->flags == run->flags && last->start + last->npages * 4096 == run->start) {
    last->npages += run->npages;
    return;
  }
  if (a->nruns == a->cap) {
    int cap = a->cap ? 2 * a->cap : 64;
    struct vmq_rec *runs = malloc(cap * sizeof(*runs));
    if (!runs) {
      fprintf(2, "vmmap: out of memory\n");
      exit(1);
    }
    memmove(runs, a->runs, a->nruns * sizeof(*runs));
    free(a->runs);
    a->runs = runs;
    a->cap = cap;
  }
  a->runs[a->nruns++] = *run;
}

int main(int argc, char **argv) {
  if (argc > 2 || (argc == 2 && atoi(argv[1]) <= 0)) {
    fprintf(2, "usage: vmmap [pid]\n");
    exit(1);
  }
  int pid = argc == 2 ? atoi(argv[1]) : 0;
  static struct vmq_rec buf[WINDOW];
  struct area area = {0};
  uint64 from = 0;
  for (int call = 0;; call++) {
    int n = vmquery(pid, from, buf, WINDOW);
    if (n < 1) {
      fprintf(2, "vmmap: cannot look at pid %d (no such process, or it is not asleep)\n", pid);
      exit(1);
    }
    if (call == 0)
      print_header(&buf[0]);
    for (int i = 1; i < n; i++) {
      if (buf[i].type == VMQ_RUN) {
        add_run(&area, &buf[i]);
      } else if (!(area.rec.type && area.rec.start == buf[i].start &&
                   area.rec.npages == buf[i].npages)) {  // not the window's repeat of it
        finish_area(&area);
        area.rec = buf[i];
      }
    }
    if (buf[0].start == 0)
      break;
    from = buf[0].start;
  }
  finish_area(&area);
  printf("marks: R resident  S shared frame  C page cache  s swapped  d dropped  "
         ". untouched  E being evicted\n");
  exit(0);
}
