// The kernel page table: the direct map of RAM (2 MiB pages where alignment allows, read-write,
// never executable) and of the devices the device tree lists, the kernel image mapped section
// by section (text R+X, rodata R, data R+W, symbols R), and the kernel-stack region. Built
// once by the boot hart; its top level never changes afterwards, which is what lets every
// user page table share it (pagetable_create copies the upper half's root entries).
#include "arch/pagetable.h"
#include "arch/cpu.h"
#include "arch/memlayout.h"
#include "arch/spinlock.h"
#include "main.h"
#include "mm/mm.h"
#include "lib/printf.h"
#include "lib/ranges.h"

#define KERNEL_PTE (PTE_V | PTE_A | PTE_D | PTE_G)
#define NKSTACK_SLOTS (2 * NCPU + NPROC)

pagetable_t kernel_pagetable;
uint64 kernel_satp;  // satp value for kernel_pagetable; secondary_start loads it
extern char _kernel_start[], _etext[], _erodata[], _edata[], _kernel_end[];

// Returns the PTE that maps va at the given level (2 = 1 GiB, 1 = 2 MiB, 0 = 4 KiB),
// creating tables on the way.
static pte_t *kvm_slot(uint64 va, int level) {
  pagetable_t pt = kernel_pagetable;
  for (int l = 2; l > level; l--) {
    pte_t *pte = &pt[PX(l, va)];
    if (!(*pte & PTE_V)) {
      pagetable_t next = kpage_zalloc();
      if (!next)
        panic("kvm: out of memory building the kernel page table");
      *pte = PA2PTE(kva2pa(next)) | PTE_V;
    } else if (*pte & PTE_LEAF) {
      panic("kvm: %p is inside an existing superpage", (void *)va);
    }
    pt = pa2kva(PTE2PA(*pte));
  }
  return &pt[PX(level, va)];
}

// Maps [pa, pa+size) at DIRECT_MAP + pa with the largest pages alignment allows.
static void kvm_map(uint64 pa, uint64 size, uint64 perm) {
  uint64 va = DIRECT_MAP + pa, end = pa + size;
  while (pa < end) {
    int level = 2;
    while (level > 0 && (((va | pa) & (LEVEL_SIZE(level) - 1)) || end - pa < LEVEL_SIZE(level)))
      level--;
    pte_t *pte = kvm_slot(va, level);
    if (*pte & PTE_V)
      panic("kvm: %p mapped twice", (void *)va);
    *pte = PA2PTE(pa) | perm | KERNEL_PTE;
    va += LEVEL_SIZE(level);
    pa += LEVEL_SIZE(level);
  }
}

static void map_ram_piece(uint64 start, uint64 end, void *arg) {
  (void)arg;
  kvm_map(start, end - start, PTE_R | PTE_W);
}

static void map_device(uint64 base, uint64 size) {
  if (size)
    kvm_map(PGROUNDDOWN(base), PGROUNDUP(base + size) - PGROUNDDOWN(base), PTE_R | PTE_W);
}

void kvm_init(void) {
  kernel_pagetable = kpage_zalloc();
  if (!kernel_pagetable)
    panic("kvm_init: out of memory");
  // RAM except the firmware's reserved regions and the kernel image.
  struct mem_range holes[MACHINE_MAX_RESV + 1];
  int nholes = 0;
  for (int i = 0; i < machine.nresv; i++)
    holes[nholes++] = machine.resv[i];
  holes[nholes++] = (struct mem_range){kva2pa(_kernel_start), _kernel_end - _kernel_start};
  for (int i = 0; i < machine.nmem; i++)
    ranges_for_each_gap(machine.mem[i].base, machine.mem[i].size, holes, nholes, map_ram_piece, NULL);
  // The kernel image, with the permissions of each section.
  kvm_map(kva2pa(_kernel_start), _etext - _kernel_start, PTE_R | PTE_X);
  kvm_map(kva2pa(_etext), _erodata - _etext, PTE_R);
  kvm_map(kva2pa(_erodata), _edata - _erodata, PTE_R | PTE_W);
  if ((uint64)_kernel_end > (uint64)_edata)
    kvm_map(kva2pa(_edata), _kernel_end - _edata, PTE_R);
  // Devices.
  map_device(machine.uart.base, machine.uart.size);
  map_device(machine.plic.base, machine.plic.size);
  map_device(machine.test.base, machine.test.size);
  for (int i = 0; i < machine.nvirtio; i++)
    map_device(machine.virtio[i].base, machine.virtio[i].size);
  // Kernel stacks: create every table now so the top level never changes later.
  for (int slot = 0; slot < NKSTACK_SLOTS; slot++)
    for (uint64 off = KSTACK_SIZE; off < KSTACK_SLOT; off += PGSIZE)
      kvm_slot(KSTACK_REGION + slot * KSTACK_SLOT + off, 0);
  kernel_satp = MAKE_SATP(kva2pa(kernel_pagetable));
}

void kvm_init_hart(void) {
  sfence_vma_all();
  csr_write(satp, kernel_satp);
  sfence_vma_all();
}

// Backs the stack half of a kernel-stack slot with fresh pages; the lower half stays an
// unmapped guard. Boot time only (no other hart can hold stale entries for it).
uint64 kstack_map(int slot) {
  if (slot < 0 || slot >= NKSTACK_SLOTS)
    panic("kstack_map: slot %d outside 0..%d", slot, NKSTACK_SLOTS - 1);
  uint64 base = KSTACK_REGION + slot * KSTACK_SLOT;
  for (uint64 off = KSTACK_SIZE; off < KSTACK_SLOT; off += PGSIZE) {
    void *page = kpage_zalloc();
    if (!page)
      panic("kstack_map: out of memory");
    pte_t *pte = kvm_slot(base + off, 0);
    if (*pte & PTE_V)
      panic("kstack_map: slot %d mapped twice", slot);
    *pte = PA2PTE(kva2pa(page)) | PTE_R | PTE_W | KERNEL_PTE;
  }
  return base + KSTACK_SLOT;
}
