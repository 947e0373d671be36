// The leak check that make grade runs after every user test: the kernel prints what it holds,
//   leakcheck: at=boot kpages_free=N slab_pages=N kmalloc=16:N,32:N,...,1024:N,4096:N
//              frames=N slots=N committed=N procs=N          (one line)
// once before /init is loaded and once when init powers off; scripts/leakcheck.py compares
// the two (and names the caches it allows for). Only in an init= run, the grader's mode.
//
// Why these two moments make the comparison exact: the baseline is taken when the first
// process has done its one-time set-up (partitions, swap bitmap, file system, its cwd) but
// before exec gives it a program, so init holds a root page table and nothing else. At power
// off, init (the only process left when the test cleaned up) first gives back its program,
// as exit would, and keeps its root table again. Between the two, every page, frame, slot
// and object that a process ever held must have come back. What init's own program did
// (pages it touched late, pages evicted to swap) cannot blur the figures.
// Called from first_process_setup and sys_poweroff; no locks held.
#include "proc/leakcheck.h"
#include "arch/pagetable.h"
#include "fs/fs.h"
#include "lib/bootargs.h"
#include "lib/printf.h"
#include "mm/mm.h"
#include "proc/proc.h"
#include "vm/vm.h"

static struct proc *subject;  // the process whose run is checked (init), set once at boot

struct leak_figures {
  uint64 kpages_free;
  uint64 slab_pages;                     // pages kmalloc holds for its size classes
  uint64 kmalloc[KMALLOC_NCLASSES + 1];  // live objects per class, then whole-page ones
  uint64 frames, slots, committed;       // user frames, swap slots, strict-overcommit pages
  int procs;                             // processes besides the subject (zombies too)
};

// Other processes, peeked at without locks: at power-off none should exist, and one that
// is still exiting shows up either way.
static int other_processes(struct proc *me) {
  int n = 0;
  for (struct proc *p = proc; p < &proc[NPROC]; p++)
    if (p != me && p->state != UNUSED)
      n++;
  return n;
}

static void measure(struct proc *me, struct leak_figures *f) {
  struct kmalloc_stats km;
  struct vmstat vs;
  kmalloc_get_stats(&km);
  vm_get_stats(&vs);
  f->kpages_free = kalloc_free_pages();
  f->slab_pages = km.slab_pages;
  for (int i = 0; i < KMALLOC_NCLASSES; i++)
    f->kmalloc[i] = km.class_in_use[i];
  f->kmalloc[KMALLOC_NCLASSES] = km.large_in_use;
  f->frames = vs.frames_used;
  f->slots = vs.swap_used;
  f->committed = vs.committed;
  f->procs = other_processes(me);
}

static void print_figures(const char *at, const struct leak_figures *f) {
  char kmalloc[KMALLOC_NCLASSES * 24 + 32];
  int n = 0;
  for (int i = 0; i < KMALLOC_NCLASSES; i++)
    n += snprintf(kmalloc + n, sizeof(kmalloc) - n, "%lu:%lu,", KMALLOC_CLASS_SIZE(i),
                  f->kmalloc[i]);
  snprintf(kmalloc + n, sizeof(kmalloc) - n, "%lu:%lu", (uint64)KMALLOC_MAX,
           f->kmalloc[KMALLOC_NCLASSES]);
  printf("leakcheck: at=%s kpages_free=%lu slab_pages=%lu kmalloc=%s frames=%lu slots=%lu "
         "committed=%lu procs=%d\n", at, f->kpages_free, f->slab_pages, kmalloc, f->frames,
         f->slots, f->committed, f->procs);
}

// Takes and prints the baseline, in an init= run only (the shell's sessions never end in
// a power-off by init).
void leakcheck_baseline(struct proc *p) {
  const char *init = bootarg("init");
  if (!init || !*init)
    return;
  struct leak_figures f;
  measure(p, &f);
  subject = p;
  print_figures("boot", &f);
}

// Gives back p's program, as exit does (pages, frames, swap slots, SPT, the lower half of
// its page table), leaving p as it was before its first exec. p never returns to user mode.
static void release_program(struct proc *p) {
  supplemental_page_table_kill(&p->spt);  // its own file-system operations, as exit's
  // Unmap (done), flush, then free. Interrupts stay off meanwhile: a switch away and back
  // would load p's table again while its lower half is being freed.
  push_off();
  csr_write(satp, kernel_satp);
  sfence_vma_all();
  pagetable_free_user_tables(p->pagetable);
  pop_off();
}

void leakcheck_at_poweroff(struct proc *p) {
  if (p != subject)
    return;
  release_program(p);
  struct leak_figures f;
  measure(p, &f);
  print_figures("poweroff", &f);
}
