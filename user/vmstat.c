// vmstat: prints the kernel's memory counters, in the spirit of the Unix tool. With an
// argument N it prints a line of the changing figures every N ticks until it is killed.
//   vmstat          all counters, one per line
//   vmstat N        a compact line every N ticks: frames, faults by kind, swap
#include "user.h"

static void print_all(const struct vmstat *s) {
  printf("frames       %8lu total  %8lu used  %8lu free\n", s->frames_total, s->frames_used,
         s->frames_free);
  printf("pages        %8lu registered  %8lu resident  (SPTs use %lu bytes)\n",
         s->pages_registered, s->pages_resident, s->spt_bytes);
  printf("faults       %8lu total\n", s->faults);
  printf("  zero-fill  %8lu  (of which stack growth %lu)\n", s->faults_zero, s->faults_stack);
  printf("  file read  %8lu\n", s->faults_file);
  printf("  A/D bits   %8lu\n", s->faults_ad);
  printf("  killed     %8lu\n", s->faults_bad);
  printf("kernel claims %7lu  (pages copyin/copyout brought in)\n", s->kernel_claims);
  printf("swap         %8lu slots  %8lu used  %8lu free\n", s->swap_slots, s->swap_used,
         s->swap_slots - s->swap_used);
  printf("  swap-ins   %8lu\n", s->swap_ins);
  printf("  swap-outs  %8lu\n", s->swap_outs);
  printf("evictions    %8lu  (of which dropped clean %lu)\n", s->evictions, s->evictions_clean);
  if (s->insns_swap_in && s->insns_evict)  // counted on one hart only (see vmstat.h)
    printf("  cost       %8lu instructions per swap-in, %lu per eviction (disk waits "
           "excluded)\n", s->insns_swap_in / s->swap_ins, s->insns_evict / s->evictions);
  printf("committed    %8lu pages of %lu\n", s->committed, s->commit_limit);
  printf("mapped       %8lu pages  (mmap)\n", s->pages_mapped);
  printf("page cache   %8lu pages  %8lu hits  %8lu written back  (%lu msyncs)\n",
         s->pcache_pages, s->pcache_hits, s->writebacks, s->msyncs);
  printf("shared       %8lu frames\n", s->frames_shared);
  printf("copy-on-write %7lu faults  %8lu copies  %8lu made writable (last sharer)\n",
         s->cow_faults, s->cow_copies, s->cow_reused);
}

int main(int argc, char **argv) {
  struct vmstat s;
  if (argc > 2 || (argc == 2 && atoi(argv[1]) <= 0)) {
    fprintf(2, "usage: vmstat [interval-ticks]\n");
    exit(1);
  }
  if (vmstat(&s) < 0) {
    fprintf(2, "vmstat: the vmstat system call failed\n");
    exit(1);
  }
  if (argc == 1) {
    print_all(&s);
    exit(0);
  }
  int interval = atoi(argv[1]);
  for (int i = 0;; i++) {
    if (i % 20 == 0)
      printf("   used    free  faults    zero    file   stack  swapin swapout   evict swpused\n");
    printf("%7lu %7lu %7lu %7lu %7lu %7lu %7lu %7lu %7lu %7lu\n", s.frames_used, s.frames_free,
           s.faults, s.faults_zero, s.faults_file, s.faults_stack, s.swap_ins, s.swap_outs,
           s.evictions, s.swap_used);
    sleep(interval);
    vmstat(&s);
  }
}
