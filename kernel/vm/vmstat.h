// The vmstat system call's counters (number 24): one struct, copied out whole. Shared by the
// kernel and the user library (user.h includes it), so plain C types only. Counters are
// machine-wide and only ever grow, except the "now" figures (frames, pages, commit).
#pragma once

struct vmstat {
  // Frames: the pool of user frames (the frames= boot argument sets its size).
  unsigned long frames_total;
  unsigned long frames_used;     // now: frames backing some process's page
  unsigned long frames_free;     // now
  // Supplemental page tables, all processes together.
  unsigned long pages_registered;  // now: user pages the SPTs know (resident or not)
  unsigned long pages_resident;    // now: of those, pages with a frame
  unsigned long spt_bytes;         // now: kernel memory the SPTs use
  // Page faults from user mode and claims made by the kernel on the user's behalf.
  unsigned long faults;          // every page fault taken from user mode
  unsigned long faults_zero;     // anonymous page zero-filled (heap, bss, stack)
  unsigned long faults_file;     // page read from its file (program text and data)
  unsigned long faults_stack;    // of faults_zero: a stack page added by growth
  unsigned long faults_ad;       // present page: accessed/dirty bit set by the kernel
  unsigned long faults_bad;      // faults that killed the process
  unsigned long kernel_claims;   // pages claimed by copyin/copyout/copyinstr
  // Swap (the swap issue fills these in).
  unsigned long swap_slots;
  unsigned long swap_used;       // now
  unsigned long swap_ins;
  unsigned long swap_outs;
  unsigned long evictions;
  // Strict overcommit accounting (overcommit=never): anonymous pages promised, and the limit.
  unsigned long committed;       // now
  unsigned long commit_limit;
};
