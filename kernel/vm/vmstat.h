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
  unsigned long faults_file;     // a page read from its file (a page-cache miss, or a program's partial page)
  unsigned long faults_stack;    // of faults_zero: a stack page added by growth
  unsigned long faults_ad;       // present page: accessed/dirty bit set by the kernel
  unsigned long faults_bad;      // faults that killed the process
  unsigned long kernel_claims;   // pages claimed by copyin/copyout/copyinstr
  // Eviction and swap (the swapslots= boot argument can limit the slots).
  unsigned long swap_slots;      // page-sized slots in use by swap (0: no swap partition)
  unsigned long swap_used;       // now
  unsigned long swap_ins;        // pages read back from swap (major faults and fork copies)
  unsigned long swap_outs;       // pages written to swap
  unsigned long evictions;       // frames taken from a page to give to another
  unsigned long evictions_clean; // of those, dropped without a write (clean file, zero pages)
  // The kernel's cost of the above in instructions (instret), disk waits excluded: for
  // `make bench`. Counted only on a one-hart machine (0 otherwise): instret is per hart, and
  // a process that sleeps on the disk may wake on another.
  unsigned long insns_swap_in;   // all swap-in faults together
  unsigned long insns_evict;     // all evictions together
  // Strict overcommit accounting (overcommit=never): anonymous pages promised, and the limit.
  unsigned long committed;       // now
  unsigned long commit_limit;
  // Mappings (mmap) and the page cache of mapped files.
  unsigned long pages_mapped;    // now: pages registered by mmap
  unsigned long pcache_pages;    // now: file pages in the page cache (their frames count as used)
  unsigned long pcache_hits;     // faults on a whole file page (mapped, or a program's) found cached
  unsigned long writebacks;      // pages written back to their file (msync, munmap, exit, eviction)
  unsigned long msyncs;          // msync calls
  // Sharing: copy-on-write after fork, and frames mapped by several pages.
  unsigned long frames_shared;   // now: frames that more than one page maps
  unsigned long cow_faults;      // writes to a page that shared its frame read-only
  unsigned long cow_copies;      // of those (and first writes to private file pages), copied
  unsigned long cow_reused;      // of those, the last sharer: made writable, no copy
  unsigned long oom_kills;       // processes the out-of-memory killer killed
  unsigned long faults_prezeroed;  // of faults_zero: frames zeroed ahead of time by idle harts
  unsigned long swap_requests;   // disk requests for swap (reads and writes)
  unsigned long swap_sectors;    // 512-byte sectors they moved
  // The stages of user page faults, in instructions (make bench's build only: vm/profile.h).
  unsigned long prof_faults;     // faults measured
  unsigned long prof_dispatch, prof_spt, prof_frame, prof_map, prof_fill, prof_rest;
  unsigned long swap_readahead;  // of swap_ins: pages read ahead with a faulting neighbour
};
