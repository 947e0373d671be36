// Fault injection, in the manner of Linux's failslab and fail_page_alloc: boot arguments
// (and, for one process at a time, the failinject system call) make the page allocator,
// kmalloc, the swap slot allocator and disk requests fail, so that every failure path of the
// kernel can be exercised. Off by default; then each site costs one predictable branch.
//
//   fail_kalloc=SPEC  fail_kmalloc=SPEC  fail_swap=SPEC  fail_diskread=SPEC  fail_diskwrite=SPEC
//   SPEC: nth:N                 the N-th call at the site (counted from the end of boot) fails
//         prob:N[,seed:S]       each call fails with probability 1/N (decided by a hash of S
//                               and the call's number: a seed gives the same decisions again)
//         [,after:K]            prob: the first K calls at the site never fail
//         [,times:T]            at most T failures at the site (prob: unlimited by default)
//   fail_user                   allows the failinject system call (31)
// e.g. fail_kmalloc=prob:50,seed:7,after:1000 fail_diskwrite=nth:300
//
// Only calls made by processes other than init count, and only once the first process has
// run /init (lib/failinject.c says why). The sites: mm/kalloc.c kpage_alloc, mm/kmalloc.c
// kmalloc, vm/swap.c swap_reserve, dev/virtio_blk.c (a request that completes with an error).
#pragma once
#include "types.h"

enum fail_site { FAIL_KALLOC, FAIL_KMALLOC, FAIL_SWAP, FAIL_DISK_READ, FAIL_DISK_WRITE, FAIL_NSITES };

extern int failinject_armed;  // set once, when boot is done and some injection is configured

int failinject_decide(enum fail_site site);

// Should this call at `site` fail? The one branch every site pays when injection is off.
static inline int fail_now(enum fail_site site) {
  return __builtin_expect(failinject_armed, 0) && failinject_decide(site);
}

void failinject_init(void);   // reads the boot arguments (boot hart, before any process)
void failinject_arm(void);    // the first process has run /init: injection starts
void failinject_report(void); // one line of per-site figures (at power-off and Ctrl-P), if armed
// The calling process's nth next call at site fails (nth 0: none); -1 without fail_user, for
// init, or for a bad site.
int failinject_for_process(int site, int nth);
