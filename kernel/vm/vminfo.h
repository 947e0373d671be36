// What the memory system shows user space about itself: vmquery (28, a process's address
// space: vmmap), vmevents (29, the VM event ring: vmtrace) and vmcheck (30, the invariant
// checker: the tests). Shared by the kernel (vminfo.c, vmtrace.c, check.c) and the user
// library (user.h includes it), so plain C types only; the kernel checks at compile time
// that the numbers below agree with its own enums.
#pragma once

// ---- vmquery(pid, from, buf, n): 28 ----
// Fills buf with at most n fixed-size records (and at most VMQ_MAX_RECORDS) describing the
// address space of process pid (0: the caller) from address `from` up, and returns how many
// it wrote. The first record is always VMQ_PROC; then, in address order, each area that
// ends above `from` as a VMQ_AREA record followed by VMQ_RUN records that cover its pages
// (from `from` on) in order, each a run of pages in the same state. When the records did not
// fit, the VMQ_PROC record's `start` says where to ask next (runs split there are the
// caller's to join); 0 means the map is complete (n >= 3 always gets past an area and a
// run, so that a loop over `start` ends). Each call is one consistent picture.
// -1: no such process, a process that is not asleep (only the caller itself, or a process
// that is SLEEPING, can be looked at: see vminfo.c), n < 1, or a bad buffer.
struct vmq_rec {
  unsigned int type;     // VMQ_PROC, VMQ_AREA or VMQ_RUN
  unsigned int flags;    // PROC: the pid; AREA: VMQ_A_*; RUN: the pages' state, VMQ_P_*
  unsigned long start;   // AREA, RUN: va of the first page; PROC: where to go on (0: done)
  unsigned long npages;  // AREA, RUN: how many pages; PROC: pages registered in all areas
  union {
    struct {
      unsigned long offset;  // backed by a file: the file offset of `start`; else 0
      unsigned int inum;     // backed by a file: its inode number; else 0
      unsigned int role;     // VMQ_ROLE_*
    } area;                  // VMQ_AREA
    struct {
      unsigned int touched;  // pages that have a struct page (looked up at least once)
      unsigned int nareas;
      char name[16];         // the process's name (NUL-terminated)
    } proc;                  // VMQ_PROC
  } u;
};

#define VMQ_MAX_RECORDS 80  // per call (they fit in one kernel page)

#define VMQ_PROC 1
#define VMQ_AREA 2
#define VMQ_RUN 3

// VMQ_AREA flags
#define VMQ_A_READ 0x1
#define VMQ_A_WRITE 0x2
#define VMQ_A_EXEC 0x4
#define VMQ_A_SHARED 0x8   // MAP_SHARED: writes reach the file and every other mapping
#define VMQ_A_FILE 0x10    // backed by a file (an executable's segment or a mapped file)
#define VMQ_A_MMAP 0x20    // made by mmap

// What an area is for (from how it was registered).
#define VMQ_ROLE_TEXT 1       // a program segment, executable
#define VMQ_ROLE_RODATA 2     // a program segment, read-only
#define VMQ_ROLE_DATA 3       // a program segment, writable, with file contents
#define VMQ_ROLE_BSS 4        // a program segment's zero-fill part
#define VMQ_ROLE_HEAP 5       // sbrk's
#define VMQ_ROLE_STACK 6
#define VMQ_ROLE_MMAP_FILE 7  // mmap of a file
#define VMQ_ROLE_MMAP_ANON 8  // mmap with MAP_ANONYMOUS
#define VMQ_ROLE_NAMES {"?", "text", "rodata", "data", "bss", "heap", "stack", "mmap", "mmap"}

// VMQ_RUN states: one mark per page, as vmmap prints them (VMQ_MARKS[state]).
#define VMQ_P_UNTOUCHED 0  // '.' registered, never claimed: no frame has backed it yet
#define VMQ_P_RESIDENT 1   // 'R' a frame of its own
#define VMQ_P_SHARED 2     // 'S' a frame other pages map too (copy-on-write after fork)
#define VMQ_P_CACHED 3     // 'C' the page cache's frame of a mapped file page
#define VMQ_P_SWAPPED 4    // 's' its contents wait in a swap slot
#define VMQ_P_DROPPED 5    // 'd' claimed once, then evicted clean: refilled on the next touch
#define VMQ_P_EVICTING 6   // 'E' an evictor has it right now
#define VMQ_NSTATES 7
#define VMQ_MARKS ".RSCsdE"

// ---- vmevents(since, buf, n): 29 ----
// Copies the events of the VM event ring (the last VMEV_RING faults, claims, evictions,
// swap-ins and kills, as gdb's vmevents shows them) whose sequence number is above `since`,
// oldest first, at most n; returns how many, or -1 for a bad buffer. Sequence numbers start
// at 1 and grow by one per event: a gap means events the ring no longer holds.
struct vmev_rec {
  unsigned long seq;
  unsigned long va;
  unsigned long info;  // FAULT: scause; CLAIM, SWAP_IN: the page's type (VMEV_TYPE_*);
                       // EVICT: 1 written out, 0 dropped clean; KILL: why (VMEV_WHY_*)
  int pid;             // the process on whose behalf (an evictor: the one that needed a frame)
  unsigned int kind;   // VMEV_*
};

#define VMEV_RING 64
#define VMEV_FAULT 0
#define VMEV_CLAIM 1
#define VMEV_EVICT 2
#define VMEV_SWAP_OUT 3
#define VMEV_SWAP_IN 4
#define VMEV_KILL 5
#define VMEV_KIND_NAMES {"fault", "claim", "evict", "swap-out", "swap-in", "kill"}
#define VMEV_TYPE_NAMES {"uninit", "anon", "file"}
// Why a fault failed (the kernel's enum vm_fault, in its order; 0 is "resolved").
#define VMEV_WHY_NAMES                                                                  \
  {"resolved", "no such page", "kernel address", "protection", "below the stack pointer", \
   "stack overflow", "out of memory", "I/O error", "beyond the end of the file",         \
   "PROT_NONE page"}
#define VMEV_NWHY 10

// ---- vmcheck(msg, len): 30 ----
// Runs the kernel's VM invariant checker (check.c) and copies its one-line verdict into msg
// (NUL-terminated, cut to len): "vmcheck: ok (...)" and 0, or the first disagreement found
// and 1; -1 for a bad buffer.
#define VMCHECK_MSG_MAX 200
