// The memory system: every user page lives in its process's supplemental page table (SPT)
// before any frame backs it, and the page-fault path claims it. docs/vm.md tells the story;
// this header has the structures and, below, the lock rules.
//
//   struct vm_area    a registered range (an ELF segment, the heap, the stack, a mapping)
//                     whose pages share type, permissions and initializer; its pages get
//                     their struct page only when first looked up (spt.c explains the choice)
//   struct vm_file    the file behind a VM_FILE area: an executable's segment or a mapped file
//   struct page       one user virtual page: va, permissions, its area, the frame behind it
//                     (or none), its swap slot, and the ops table that the fault path calls
//   struct frame      one user frame: its kernel address, every page that maps it (the
//                     reverse map), a pin count, and its place in the page cache if any
//   supplemental_page_table   va -> struct page (a hash table) plus the sorted list of areas
//
// Files: vm.c the fault path and claims; oom.c the out-of-memory killer; spt.c the table; area.c areas, sbrk, the stack and
// overcommit; mmap.c mmap, munmap and msync; aspace.c fork's copy and exit's teardown;
// uaccess.c the kernel's pins of user memory (copyin, copyout, system-call buffers);
// uninit.c, anon.c, file.c the page types; pcache.c the page cache of files' pages; frame.c
// the frame table, its reverse map and eviction; victim.c the replacement policy; swap.c and
// slots.c the swap partition; events.c the event ring and the counters.
//
// Locking. Lock order: an inode's sleep lock -> the owner's vm lock -> frame_lock ->
// swap_lock -> p->lock (sleep).
//   - A process has one thread, and only it changes the shape of its SPT (hash, areas) and
//     of its page table's interior; nobody else changes them, so that needs no lock.
//   - The owner's vm lock (p->vm_lock, reached through area->lock) guards each of its pages'
//     frame pointer and PAGE_EVICTING bit, and their leaf PTEs.
//   - frame_lock (frame.c) guards the frame list (the clock hand's order), every frame's
//     reverse map (rmap, nmap), its FRAME_EVICTING bit and the page-cache index (pcache.c).
//     A mapping is added with frame_lock held (by the page's own process, for a page that
//     has no frame: nobody else can reach it) and removed with the page's owner lock and
//     frame_lock both held.
//   - Eviction takes frames from any process on any hart. An evictor holds frame_lock while
//     it scans, so it can only try_acquire the owners' vm locks (all of a shared frame's, or
//     it passes the frame over): the order above is never waited against.
//   - A frame's pin count is atomic. A pinned frame is never chosen. A pin is taken with the
//     vm lock of a page that maps the frame held (and the page not being evicted), or with
//     frame_lock held (the page cache): the evictor holds all of those when it checks.
//   - From the moment an evictor clears a frame's PTEs until the contents are safe (in swap,
//     in the file, or dropped) every page that mapped it is PAGE_EVICTING: owners sleep on
//     the page meanwhile (to fault it back, free it or copy it), and a cached frame is
//     FRAME_EVICTING: faults sleep on the frame. The evictor may use the pages without locks
//     (their flags change only under the lock, and nobody else touches them).
//   - swap_lock (swap.c) guards the slot bitmap and the slots' share counts.
//   - No user memory is touched under a spinlock or an inode lock: system calls pin their
//     buffers first (uaccess.c), so a claim never waits for the disk with either held. And no
//     frame is claimed inside a file-system operation (begin_op): writing a dirty page back
//     starts one (pcache.c), so the evictor passes such pages over when its caller is in one.
#pragma once
#include "types.h"
#include "arch/riscv.h"
#include "vm/vmstat.h"

struct page;
struct inode;
struct proc;
struct spinlock;
struct supplemental_page_table;

enum vm_type { VM_UNINIT, VM_ANON, VM_FILE };

// The type-specific half of a page. The fault path only ever calls through these.
struct page_operations {
  int (*swap_in)(struct page *page, void *kva);  // fill the frame at kva; 0 or -1
  int (*swap_out)(struct page *page);            // save its frame's contents (evictor); 0/-1
  void (*destroy)(struct page *page);            // free the type's resources (not the frame)
  enum vm_type type;
};

// Content initializer of a lazily loaded page (lazy_load_segment), run after the type
// initializer with its area's file; NULL in an area means nothing more to do (zero-fill).
typedef int (*vm_initializer)(struct page *page, void *aux);
// Type initializer: turns an UNINIT page into its final type (anon_initializer, ...).
typedef int (*page_initializer_fn)(struct page *page, enum vm_type type, void *kva);

// The file behind VM_FILE areas: an executable's segment, or a mapped file (mmap). Shared by
// the areas made from one registration in any process (fork's copies, munmap's halves).
struct vm_file {
  struct inode *ip;  // held (a reference) while any area points here
  uint64 vaddr;      // file offset `off` is at this va; page va's offset is off + va - vaddr
  uint64 off;
  uint64 filesz;     // segment: file bytes from off (the rest reads as zero); mmap: length
  int ref;           // areas that point here (atomic: fork shares them)
  uint8 mapped;      // an mmap of the file, not a program segment
  uint8 writer;      // a writable shared mapping: counts as a writer of the file (no exec)
};

// A range of pages registered at once. Its pages share type, permissions and initializer,
// and the owner: its vm lock and the page table its pages are mapped in (kept here, not in
// the SPT, because exec builds an image in a struct it then copies into the process).
struct vm_area {
  uint64 start, end;        // page-aligned, [start, end)
  uint32 flags;             // PAGE_WRITABLE, PAGE_EXEC, AREA_*
  enum vm_type type;        // what its pages become: VM_ANON or VM_FILE
  vm_initializer init;      // content initializer of every page, or NULL
  struct vm_file *file;     // VM_FILE areas: the file (one reference held), else NULL
  struct spinlock *lock;    // the owner's vm lock
  pagetable_t pagetable;    // the owner's page table
  struct vm_area *next;     // sorted by start
};

#define PAGE_WRITABLE 0x1
#define PAGE_EXEC 0x2
#define PAGE_EVICTING 0x4  // an evictor took the frame; the owner waits (sleep on the page)
#define PAGE_NOACCESS 0x8  // PROT_NONE: every access faults
#define AREA_SHARED 0x10   // MAP_SHARED: writes go to the frame every mapping shares
#define AREA_MMAP 0x20     // made by mmap (munmap may remove it)

struct page {
  uint64 va;                           // page-aligned user address
  const struct page_operations *ops;   // ops->type is the page's type
  struct frame *frame;                 // NULL while the page has no frame
  struct vm_area *area;                // the range it belongs to (its type-to-be, file, owner)
  struct page *hash_next;              // SPT hash chain
  struct page *rmap_next;              // the next page mapping the same frame (frame.c)
  int32 swap_slot;                     // where its contents wait in swap, or -1
  uint32 flags;                        // PAGE_* (PAGE_EVICTING: see Locking)
};

static inline enum vm_type page_get_type(const struct page *page) { return page->ops->type; }

// An instruction touches at most 4 pages: its own 4 bytes and a misaligned access may each
// straddle two.
#define HELD_MAX 4

struct supplemental_page_table {
  pagetable_t pagetable;  // the Sv39 table the SPT's resident pages are mapped in
  struct spinlock *lock;  // the owner's vm lock (see Locking); exec's new image shares it
  struct page ***buckets; // hash of the pages that have a struct page (chunked: spt.c)
  uint32 nbuckets;        // a power of two (0 before the first insert)
  uint32 npages;
  struct vm_area *areas;
  struct vm_area *heap;   // the area sbrk grows and shrinks (NULL before exec)
  struct vm_area *stack;  // the stack's area, which grows down (NULL before exec)
  // The frames the faulting instruction at held_pc needs, pinned until it completes: an
  // instruction may need a text page and a data page at once, and evicting one to bring in
  // the other would go round for ever (vm_hold_for_instruction).
  struct frame *held[HELD_MAX];
  uint32 nheld;
  uint64 held_pc;
};

#define FRAME_DIRTY 0x1      // contents differ from their source (atomic; see frame_is_dirty)
#define FRAME_EVICTING 0x2   // an evictor has it; page-cache lookups wait (frame_lock)
#define FRAME_CACHED 0x4     // in the page cache at (ip, index) (frame_lock)
#define FRAME_REFERENCED 0x8 // page cache hit since the clock hand last passed (frame_lock)
#define FRAME_DISCARD 0x10   // cut from its file by a truncation: never written back
#define FRAME_ZEROED 0x20    // new, and all zero (the idle harts' pool): zero-fill skips it

// A user frame. The frame table holds every frame that backs a page or caches a file page.
struct frame {
  void *kva;                 // the frame's kernel (direct-map) address
  struct page *rmap;         // every page that maps it, through page->rmap_next (frame_lock)
  uint32 nmap;               // how many: the share count (frame_lock)
  uint32 pin;                // > 0: in use by the kernel (a fault, a copy, an eviction)
  uint32 flags;              // FRAME_*
  uint32 blockno;            // page cache: the file's block holding the page (BSIZE == PGSIZE)
  uint32 age;                // evict=2q: new, on probation or active (frame.c; frame_lock)
  struct inode *ip;          // page cache: the file, and the page's index in it
  uint64 index;
  struct frame *cache_next;  // page cache hash chain (frame_lock)
  struct frame *next;        // in the frame table's list, in clock-hand order (victim.c)
  struct frame *prev;
};

// Why a fault was or was not resolved.
enum vm_fault {
  VM_RESOLVED,
  VM_BAD_ADDRESS,     // no page registered there
  VM_KERNEL_ADDRESS,  // not a user address at all
  VM_PROTECTION,      // a write to a read-only page, an execute of a non-executable one
  VM_BELOW_SP,        // in the stack's range but below the stack pointer
  VM_STACK_OVERFLOW,  // below the stack's limit
  VM_NO_MEMORY,       // no frame (or page table) to be had
  VM_IO_ERROR,        // the page's contents could not be read
  VM_BEYOND_EOF,      // a mapped file's page wholly past the end of the file (SIGBUS)
  VM_NO_ACCESS,       // a page mapped PROT_NONE
  VM_KERNEL_NO_MEMORY,  // no kernel memory for the page's record or a page-table page
};

enum vm_access { ACCESS_READ, ACCESS_WRITE, ACCESS_EXEC };

// spt.c: the table.
void supplemental_page_table_init(struct supplemental_page_table *spt, pagetable_t pt,
                                  struct spinlock *lock);
struct page *spt_find_page(struct supplemental_page_table *spt, uint64 va);
struct page *spt_lookup_existing(struct supplemental_page_table *spt, uint64 va);
struct vm_area *spt_find_area(struct supplemental_page_table *spt, uint64 va);
int spt_insert_page(struct supplemental_page_table *spt, struct page *page);
void spt_remove_page(struct supplemental_page_table *spt, struct page *page);
int spt_add_area(struct supplemental_page_table *spt, struct vm_area *area);  // -1 on overlap
// The first area that overlaps [start, end), or NULL.
struct vm_area *spt_find_overlap(struct supplemental_page_table *spt, uint64 start, uint64 end);
void spt_unlink_area(struct supplemental_page_table *spt, struct vm_area *area);
// Calls fn on every page with a struct page; fn may remove the page it is given.
void spt_for_each(struct supplemental_page_table *spt, void (*fn)(struct page *, void *),
                  void *arg);
uint64 spt_bytes(const struct supplemental_page_table *spt);
void spt_free_buckets(struct supplemental_page_table *spt);

// vm.c: pages, claims and the fault path.
struct page *vm_page_from_area(struct vm_area *area, uint64 va);  // for spt_find_page
void vm_dealloc_page(struct supplemental_page_table *spt, struct page *page);
enum vm_fault vm_claim_page(struct supplemental_page_table *spt, uint64 va);
// access: the access that faulted (a write maps the page dirty at once).
enum vm_fault vm_do_claim_page(struct supplemental_page_table *spt, struct page *page,
                               enum vm_access access);
enum vm_fault vm_try_handle_fault(struct supplemental_page_table *spt, uint64 addr,
                                  enum vm_access access, uint64 user_sp);
int vm_allows(uint32 page_flags, enum vm_access access);
// For an address no page covers: VM_RESOLVED if the stack may grow to it, else why not.
enum vm_fault vm_stack_growth(struct supplemental_page_table *spt, uint64 addr, uint64 user_sp);
void vm_wait_for_eviction(struct supplemental_page_table *spt, struct page *page);
const char *vm_fault_reason(enum vm_fault r, enum vm_access access);

// area.c: areas, the heap, the stack, strict overcommit, mincore; the VM's boot arguments.
void vm_init(void);
// Registers [start, end) as one area; its pages are claimed on first touch. NULL on an
// overlap, on no memory, or when strict overcommit refuses the pages.
struct vm_area *vm_register_area(struct supplemental_page_table *spt, uint64 start,
                                 uint64 end, enum vm_type type, uint32 flags,
                                 vm_initializer init, struct vm_file *file);
// Removes the pages of [start, end) from an area, splitting or freeing it; 0 or -1 (no memory
// for the second half of a split). May write shared pages back: not in a file-system op.
int vm_area_cut(struct supplemental_page_table *spt, struct vm_area *area, uint64 start,
                uint64 end);
void vm_free_areas(struct supplemental_page_table *spt);  // after every page is gone
int vm_set_heap_end(struct supplemental_page_table *spt, uint64 old_end, uint64 new_end);
int vm_grow_stack(struct supplemental_page_table *spt, uint64 va);
uint64 vm_stack_limit(void);  // bytes (the stack= boot argument, 1 MiB by default)
uint64 vm_stack_low(void);    // the lowest address the stack may grow down to
uint64 vm_heap_max(void);     // first address the heap may not reach
// Does [start, end) overlap the heap, the stack or the stack's room to grow?
int vm_range_is_reserved(struct supplemental_page_table *spt, uint64 start, uint64 end);
int vm_mincore(struct supplemental_page_table *spt, uint64 addr, uint64 len, uint64 vec);

// mmap.c: mapped files and anonymous mappings (the system calls are in sysproc.c); -1 for
// any bad argument, with nothing changed.
uint64 vm_mmap(uint64 addr, uint64 len, int prot, int flags, int fd, uint64 off);
int vm_munmap(uint64 addr, uint64 len);
int vm_msync(uint64 addr, uint64 len, int flags);

// aspace.c: whole address spaces.
// fork: dst (empty, with its own page table) becomes a copy of src. -1 when memory runs out;
// the caller then kills dst, which frees whatever was copied.
int supplemental_page_table_copy(struct supplemental_page_table *dst,
                                 struct supplemental_page_table *src);
// exit and exec: frees every page, frame and area, writing shared pages back first. Not in
// a file-system operation: it starts its own.
void supplemental_page_table_kill(struct supplemental_page_table *spt);
// Frees pages [start, end) of spt (their struct pages, frames and slots), writing dirty
// pages of shared mappings back to their file first.
void vm_remove_pages(struct supplemental_page_table *spt, uint64 start, uint64 end);

// uaccess.c: pins of user memory (copyin and friends are in uaccess.h).
// Pins the resident frame of page, which must allow the access as mapped now (a write needs
// a writable PTE); NULL if it has none, or not so.
struct frame *vm_pin_resident(struct supplemental_page_table *spt, struct page *page,
                              enum vm_access access);
// Pins the frame behind user address va of the current process, claiming the page if
// needed; NULL (and *why set) when the access is not allowed.
struct frame *vm_pin_user_page(struct supplemental_page_table *spt, uint64 va,
                               enum vm_access access, enum vm_fault *why);
// Claims and pins every page of [va, va+len); returns how many bytes from va are pinned
// (less than len when a page is bad). vm_unpin_user_range undoes it for those bytes.
uint64 vm_pin_user_range(struct supplemental_page_table *spt, uint64 va, uint64 len,
                         enum vm_access access);
void vm_unpin_user_range(struct supplemental_page_table *spt, uint64 va, uint64 len);
int vm_check_user_range(struct supplemental_page_table *spt, uint64 va, uint64 len,
                        enum vm_access access, uint64 user_sp);
// After a resolved user fault: keeps the page at va pinned while the instruction at pc has
// not completed. vm_release_held unpins; the trap code calls it on any trap at another pc.
void vm_hold_for_instruction(struct supplemental_page_table *spt, uint64 pc, uint64 va);
void vm_release_held(struct supplemental_page_table *spt);

// The page types (uninit.c, anon.c, file.c).
extern const struct page_operations uninit_ops, anon_ops, file_ops, file_map_ops;
int uninit_initialize(struct page *page, void *kva);
int anon_initializer(struct page *page, enum vm_type type, void *kva);
int file_backed_initializer(struct page *page, enum vm_type type, void *kva);
int lazy_load_segment(struct page *page, void *aux);
// A page whose contents are its file's as the page cache holds them (a mapped file's page, or
// a program's whole file page, that has no private copy): it is claimed by sharing the
// cache's frame.
int file_page_is_cached(const struct page *page);  // its frame is the page cache's (vm.c)
int vm_file_caches(const struct vm_file *file, uint64 va);  // is va's page a whole file page?
uint64 file_page_offset(const struct page *page);  // the page's offset in its file
void vm_file_put(struct vm_file *file);  // drops an area's reference (not in a file-system op)

// pcache.c: the page cache of files' pages, shared by every mapping and coherent with
// read() and write() (see pcache.c).
void pcache_init(void);
// The frame caching page `index` of ip, filled from the file and pinned; NULL and *why
// (VM_BEYOND_EOF, VM_NO_MEMORY, VM_IO_ERROR) when there is none. May sleep.
struct frame *pcache_get(struct inode *ip, uint64 index, enum vm_fault *why);
// Writes dirty cached frames back to their files' blocks through the log (at most
// PCACHE_BATCH at once, all pinned by the caller); starts its own file-system operation.
#define PCACHE_BATCH 8
int pcache_write_back(struct frame **frames, int n);
void pcache_remove_locked(struct frame *f);  // out of the index; frame_lock held
// A batch of a shared mapping's resident pages to write back in one operation (msync,
// munmap, exit): pcache_batch_add pins the page's cached frame, if it has one, and writes
// the batch when it is full; pcache_batch_flush writes the rest and lets go of the pins.
struct pcache_batch {
  struct frame *frames[PCACHE_BATCH];
  int n;
  int failed;  // some write-back failed (a disk error): msync says so
};
void pcache_batch_add(struct pcache_batch *b, struct supplemental_page_table *spt,
                      struct page *page);
void pcache_batch_flush(struct pcache_batch *b);
void pcache_unmapped(struct inode *ip);  // a mapping of ip is gone; the last drops its pages
// fs.c's hooks: readi and writei go through a cached page when there is one; truncation
// cuts the cache off the file. ip is locked.
struct frame *pcache_pin_for_io(struct inode *ip, uint64 index);
void pcache_truncate(struct inode *ip);

// victim.c: the replacement policy's scan (the evict= boot argument picks the policy).
enum evict_policy { EVICT_CLOCK, EVICT_FIFO, EVICT_2Q };
enum victim_look {
  LOOK_TAKEN,   // look() claimed the frame: it is the victim
  LOOK_RECENT,  // accessed since the hand last passed (look() cleared the bit): second chance
  LOOK_BUSY,    // cannot be taken now: pinned, an owner's lock held, or no room to save it
};
// look(f, policy, arg): what the scan should do with frame f under the policy: clock tests
// and clears the accessed bit (second chance), 2q also keeps pages active or on probation
// (frame.c), FIFO ignores both.
typedef enum victim_look (*victim_look_fn)(struct frame *f, enum evict_policy policy, void *arg);
struct frame *victim_scan(struct frame *list, enum evict_policy policy, victim_look_fn look,
                          void *arg, uint64 max_steps, uint64 *busy);

// frame.c: the frame table and its reverse map.
uint64 frame_table_init(void);  // reads frames= and evict=; returns the number of frames
// A pinned frame with no mapping, evicting some page when the pool is empty (may sleep);
// NULL when no frame can be had (everything else is pinned, or dirty with swap full).
struct frame *vm_get_frame(void);
// A pinned frame with no mapping while the pool has room (never evicts, never sleeps); NULL
// when it is full or the kernel is short of memory.
struct frame *vm_get_free_frame(void);
void vm_free_frame(struct frame *frame);   // no mapping, not cached, pinned once by the caller
// Lets go of the caller's pin on a frame it has just unmapped a page from (frame_unmap): the
// last user of a frame that nothing maps or caches frees it.
void frame_release(struct frame *frame);
// fork: maps the frame of a resident private page at a second page too (copy-on-write: both
// lose write access). The frame is pinned by the caller; src's owner lock is not held.
int frame_share(struct page *src, struct page *dst);
// Maps the pinned frame at page->va (PTE and reverse map); -1 if a page table cannot be had.
int frame_map(struct page *page, struct frame *frame, enum vm_access access);
// Removes the page's mapping; returns whether the frame was dirty as this page saw it. The
// page's owner lock is held and the frame pinned by the caller.
int frame_unmap(struct page *page);
pte_t vm_pte(const struct page *page, const struct frame *frame);  // the PTE that maps them
int frame_is_dirty(struct frame *frame);  // FRAME_DIRTY or a mapping's PTE_D (locks: see .c)
// Removes every mapping of an unpinned frame, if all their owners' locks can be had now;
// 1 if it did. frame_lock is held.
int frame_unmap_all_locked(struct frame *frame);
void frame_pin(struct frame *frame);
void frame_unpin(struct frame *frame);
void frame_stats(uint64 *total, uint64 *used);
int frame_pool_full(void);  // a racy look: is the next vm_get_frame going to evict?
void frame_lock_acquire(void);  // for pcache.c, which shares frame_lock
void frame_lock_release(void);
void frame_wait(struct frame *frame);  // sleeps until its evictor is done; look it up again
// For the gdb helpers and tests: the list of frames in use.
extern struct frame frame_list;

// oom.c: the out-of-memory killer. Kills the process holding the most memory (not the
// caller) and waits for it to exit: 1, try again; 0 when the caller is itself the worst or
// nobody can be killed. why ends the kill line: what the frame could not be had for.
int vm_oom_kill(const char *why);

// swap.c: the swap partition, in page-sized slots.
void swap_init(void);              // once the partitions are known (a process: reads disk)
int swap_reserve(void);            // promises the next swap_write a slot; -1 when full
long swap_write(void *kva);        // writes a page to a reserved slot: the slot, or -1
                                   // (the reservation is used up either way)
// Writes n frames' contents (kvas) to n reserved slots, as few disk requests as the free
// runs allow (consecutive slots, up to DISK_PAGES_MAX a request); slots_out[i] is page i's
// slot, or -1 where its request failed (that slot is free again). Returns how many were
// written. Uses up n reservations either way.
int swap_write_cluster(void *const *kvas, int n, long *slots_out);
int swap_read(long slot, void *kva);  // 0, or -1 on an I/O error; the slot stays in use
void swap_dup(long slot, uint32 n);   // n more pages name the slot (a shared frame's)
void swap_free(long slot);            // one page lets go; the last frees the slot
// The halves of the page types that concern swap (anon and file pages share them):
// swap_out_dirty_page is a swap_out: a dirty frame goes to the slot the evictor reserved
// (named by every page that maps it), a clean one is dropped (zero-fill or the file rebuilds
// it). swap_in_page fills kva from the page's slot and lets go of the slot.
// swap_release_page is a destroy: lets go of the page's slot.
int swap_out_dirty_page(struct page *page);
// After the frame's contents went to slot: every page that maps it names the slot.
void swap_name_slot(struct frame *f, long slot);
int swap_in_page(struct page *page, void *kva);
void swap_release_page(struct page *page);
// A page took (n = 1) or let go of (n = -1) a slot: its process's pages_swapped, which the
// OOM killer's badness counts.
void swap_page_count(struct page *page, int n);

// events.c: the counters, updated with atomics from any hart, and the ring of recent VM
// events, printed by panic and by gdb's `vmevents`.
extern struct vmstat vm_counters;
#define VM_COUNT(field) __atomic_fetch_add(&vm_counters.field, 1, __ATOMIC_RELAXED)
#define VM_ADD(field, n) __atomic_fetch_add(&vm_counters.field, (n), __ATOMIC_RELAXED)
#define VM_SUB(field, n) __atomic_fetch_sub(&vm_counters.field, (n), __ATOMIC_RELAXED)
void vm_get_stats(struct vmstat *st);
enum vm_event_kind { EV_FAULT, EV_CLAIM, EV_EVICT, EV_SWAP_OUT, EV_SWAP_IN, EV_KILL };
void vm_event(enum vm_event_kind kind, int pid, uint64 va, uint64 info);
void vm_events_print(void);
