// The memory system: every user page lives in its process's supplemental page table (SPT)
// before any frame backs it, and the page-fault path claims it. docs/vm.md tells the story;
// this header has the structures and, below, the lock rules.
//
//   struct vm_area    a registered range (an ELF segment, the heap, the stack) whose pages
//                     share type, permissions and initializer; its pages get their struct
//                     page only when first looked up (spt.c explains the choice)
//   struct page       one user virtual page: va, permissions, its area, the frame behind it
//                     (or none), its swap slot, and the ops table that the fault path calls
//   struct frame      one user frame: its kernel address, the page it backs, a pin count
//   supplemental_page_table   va -> struct page (a hash table) plus the sorted list of areas
//
// Files: vm.c the fault path and claims; spt.c the table; area.c areas, sbrk, the stack and
// overcommit; aspace.c fork's copy and exit's teardown; uaccess.c the kernel's pins of user
// memory (copyin, copyout, system-call buffers); uninit.c, anon.c, file.c the page types;
// frame.c the frame table and eviction; victim.c the replacement policy; swap.c and slots.c
// the swap partition; events.c the event ring and the counters.
//
// Locking. Lock order: the owner's vm lock -> frame_lock -> swap_lock -> p->lock (sleep).
//   - A process has one thread, and only it changes the shape of its SPT (hash, areas) and
//     of its page table; nobody else walks them, so that needs no lock.
//   - Eviction, though, takes frames from any process on any hart. The owner's vm lock
//     (p->vm_lock, reached through area->lock) guards every page's frame pointer, its
//     PAGE_EVICTING and PAGE_DIRTY bits, and its leaf PTE. An evictor takes it with
//     try_acquire while it holds frame_lock, so the order above is never waited against.
//   - frame_lock (frame.c) guards the frame list (the clock hand's order) and the count.
//   - A frame's pin count is atomic. A pinned frame is never chosen; the owner pins only
//     under its vm lock, after checking that the page is not being evicted.
//   - A page being evicted is PAGE_EVICTING from the moment its PTE is cleared until its
//     contents are safe in swap (or dropped): the owner sleeps on the page meanwhile (to
//     fault it back, free it or copy it), so the evictor may use the page without the lock
//     (reading its flags only, which change under the lock alone).
//   - swap_lock (swap.c) guards the slot bitmap.
//   - No user memory is touched under a spinlock or an inode lock: system calls pin their
//     buffers first (uaccess.c), so a claim never waits for the disk with either held.
#pragma once
#include "types.h"
#include "arch/riscv.h"
#include "vm/vmstat.h"

struct page;
struct inode;
struct proc;
struct spinlock;

enum vm_type { VM_UNINIT, VM_ANON, VM_FILE };

// The type-specific half of a page. The fault path only ever calls through these.
struct page_operations {
  int (*swap_in)(struct page *page, void *kva);  // fill the frame at kva; 0 or -1
  int (*swap_out)(struct page *page);            // save the contents (evictor); 0 or -1
  void (*destroy)(struct page *page);            // free the type's resources (not the frame)
  enum vm_type type;
};

// Content initializer of a lazily loaded page (lazy_load_segment), run after the type
// initializer with its area's aux; NULL in an area means zero-fill.
typedef int (*vm_initializer)(struct page *page, void *aux);
// Type initializer: turns an UNINIT page into its final type (anon_initializer, ...).
typedef int (*page_initializer_fn)(struct page *page, enum vm_type type, void *kva);

// A program segment's file bytes, shared by the areas (and processes) that map it.
struct vm_segment {
  struct inode *ip;  // the executable, held open and denied writes while mapped
  uint64 vaddr;      // where the segment's file bytes start in memory
  uint64 off;        // ... and in the file
  uint64 filesz;     // how many there are; the rest of the segment reads as zero
  int ref;           // areas that point here, in any process (atomic: fork shares them)
};

// A range of pages registered at once. Its pages share type, permissions and initializer,
// and the owner: its vm lock and the page table its pages are mapped in (kept here, not in
// the SPT, because exec builds an image in a struct it then copies into the process).
struct vm_area {
  uint64 start, end;        // page-aligned, [start, end)
  uint32 flags;             // PAGE_WRITABLE, PAGE_EXEC
  enum vm_type type;        // what its pages become: VM_ANON or VM_FILE
  vm_initializer init;      // content initializer of every page, or NULL (zero-fill)
  struct vm_segment *seg;   // VM_FILE areas: the file bytes (one reference held), else NULL
  struct spinlock *lock;    // the owner's vm lock
  pagetable_t pagetable;    // the owner's page table
  struct vm_area *next;     // sorted by start
};

#define PAGE_WRITABLE 0x1
#define PAGE_EXEC 0x2
// Under the owner's vm lock:
#define PAGE_DIRTY 0x4     // the frame holds what neither its file nor zero-fill would give
#define PAGE_EVICTING 0x8  // an evictor took the frame; the owner waits (sleep on the page)

struct page {
  uint64 va;                           // page-aligned user address
  const struct page_operations *ops;   // ops->type is the page's type
  struct frame *frame;                 // NULL while the page has no frame
  struct vm_area *area;                // the range it belongs to (its type-to-be, file, owner)
  struct page *hash_next;              // SPT hash chain
  int32 swap_slot;                     // where its contents wait in swap, or -1
  uint32 flags;                        // PAGE_* (the last two: see Locking)
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

// A user frame. The frame table holds every frame that backs a page. Its reverse map
// (page) names the one mapping of the frame; it is set while the frame is pinned, and stays
// fixed while the frame is unpinned on the list.
struct frame {
  void *kva;              // the frame's kernel (direct-map) address
  struct page *page;      // the page it backs
  pte_t *pte;             // the page's leaf PTE (its page table outlives the mapping)
  uint32 pin;             // > 0: in use by the kernel (a fault, a copy, an eviction)
  struct frame *next;     // in the frame table's list, in clock-hand order (victim.c)
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
// Calls fn on every page with a struct page; fn may remove the page it is given.
void spt_for_each(struct supplemental_page_table *spt, void (*fn)(struct page *, void *),
                  void *arg);
uint64 spt_bytes(const struct supplemental_page_table *spt);
void spt_free_buckets(struct supplemental_page_table *spt);

// vm.c: pages, claims and the fault path.
struct page *vm_page_from_area(struct vm_area *area, uint64 va);  // for spt_find_page
void vm_dealloc_page(struct supplemental_page_table *spt, struct page *page);
pte_t vm_pte(const struct page *page, const struct frame *frame);  // the PTE that maps them
int vm_map_frame(struct supplemental_page_table *spt, struct page *page, struct frame *frame);
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
                                 vm_initializer init, struct vm_segment *seg);
void vm_free_areas(struct supplemental_page_table *spt);  // after every page is gone
int vm_set_heap_end(struct supplemental_page_table *spt, uint64 old_end, uint64 new_end);
int vm_grow_stack(struct supplemental_page_table *spt, uint64 va);
uint64 vm_stack_limit(void);  // bytes (the stack= boot argument, 1 MiB by default)
uint64 vm_heap_max(void);     // first address the heap may not reach
int vm_mincore(struct supplemental_page_table *spt, uint64 addr, uint64 len, uint64 vec);

// aspace.c: whole address spaces.
// fork: dst (empty, with its own page table) becomes a copy of src. -1 when memory runs out;
// the caller then kills dst, which frees whatever was copied.
int supplemental_page_table_copy(struct supplemental_page_table *dst,
                                 struct supplemental_page_table *src);
// exit and exec: frees every page, frame and area. Call inside a file-system operation.
void supplemental_page_table_kill(struct supplemental_page_table *spt);

// uaccess.c: pins of user memory (copyin and friends are in uaccess.h).
// Pins the resident frame of page (marking the page dirty for a write); NULL if it has none.
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
extern const struct page_operations uninit_ops, anon_ops, file_ops;
int uninit_initialize(struct page *page, void *kva);
int anon_initializer(struct page *page, enum vm_type type, void *kva);
int file_backed_initializer(struct page *page, enum vm_type type, void *kva);
int lazy_load_segment(struct page *page, void *aux);
void vm_segment_put(struct vm_segment *seg);

// victim.c: the replacement policy's scan (the evict= boot argument picks the policy).
enum evict_policy { EVICT_CLOCK, EVICT_FIFO };
enum victim_look {
  LOOK_TAKEN,   // look() claimed the frame: it is the victim
  LOOK_RECENT,  // accessed since the hand last passed (look() cleared the bit): second chance
  LOOK_BUSY,    // cannot be taken now: pinned, its owner's lock held, or no swap slot for it
};
// look(f, use_accessed, arg): what the scan should do with frame f. With use_accessed (clock)
// it tests and clears the accessed bit; FIFO ignores it.
typedef enum victim_look (*victim_look_fn)(struct frame *f, int use_accessed, void *arg);
struct frame *victim_scan(struct frame *list, enum evict_policy policy, victim_look_fn look,
                          void *arg, uint64 max_steps, uint64 *busy);

// frame.c: the frame table.
uint64 frame_table_init(void);  // reads frames= and evict=; returns the number of frames
// A pinned frame, evicting some page when the pool is empty (may sleep); NULL when no frame
// can be had (everything else is pinned, or dirty with swap full).
struct frame *vm_get_frame(void);
// The replacement policy's choice, unmapped and pinned; NULL with *busy = how many frames
// could not be taken only for now.
struct frame *vm_get_victim(uint64 *busy);
int vm_evict_frame(struct frame *victim);     // its page's swap_out; 0, or -1 (page kept)
void vm_free_frame(struct frame *frame);
void frame_pin(struct frame *frame);
void frame_unpin(struct frame *frame);
void frame_stats(uint64 *total, uint64 *used);
int frame_pool_full(void);  // a racy look: is the next vm_get_frame going to evict?
// For the gdb helpers and tests: the list of frames in use.
extern struct frame frame_list;

// swap.c: the swap partition, in page-sized slots.
void swap_init(void);              // once the partitions are known (a process: reads disk)
int swap_reserve(void);            // promises the next swap_write a slot; -1 when full
long swap_write(void *kva);        // writes a page to a reserved slot: the slot, or -1
                                   // (the reservation is used up either way)
int swap_read(long slot, void *kva);  // 0, or -1 on an I/O error; the slot stays in use
void swap_free(long slot);
// The halves of the page types that concern swap (anon and file pages share them):
// swap_out_dirty_page is a swap_out: a dirty page goes to the slot the evictor reserved, a
// clean one is dropped (zero-fill or its file rebuilds it). swap_in_page fills kva from the
// page's slot and frees the slot. swap_release_page is a destroy: frees the page's slot.
int swap_out_dirty_page(struct page *page);
int swap_in_page(struct page *page, void *kva);
void swap_release_page(struct page *page);

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
