// RISC-V privileged-architecture definitions: CSR accessors, status and interrupt bits,
// trap causes and Sv39 page-table entry layout. Used everywhere in the kernel; no state.
#pragma once
#include "types.h"

#define csr_read(csr)                                        \
  ({                                                         \
    uint64 __v;                                              \
    asm volatile("csrr %0, " #csr : "=r"(__v) : : "memory"); \
    __v;                                                     \
  })
#define csr_write(csr, val) asm volatile("csrw " #csr ", %0" : : "rK"((uint64)(val)) : "memory")
#define csr_set(csr, bits) asm volatile("csrs " #csr ", %0" : : "rK"((uint64)(bits)) : "memory")
#define csr_clear(csr, bits) asm volatile("csrc " #csr ", %0" : : "rK"((uint64)(bits)) : "memory")
// Clears bits and returns the CSR's value from before.
#define csr_read_clear(csr, bits)                                                        \
  ({                                                                                     \
    uint64 __v;                                                                          \
    asm volatile("csrrc %0, " #csr ", %1" : "=r"(__v) : "rK"((uint64)(bits)) : "memory"); \
    __v;                                                                                 \
  })

// CSR numbers the assembler of binutils 2.40 may not know by name.
#define CSR_STIMECMP 0x14d

// sstatus
#define SSTATUS_SIE (1UL << 1)   // interrupts enabled in S-mode
#define SSTATUS_SPIE (1UL << 5)  // SIE before the trap
#define SSTATUS_SPP (1UL << 8)   // previous mode: 1 = supervisor, 0 = user
#define SSTATUS_FS (3UL << 13)   // floating-point state
#define SSTATUS_FS_OFF (0UL << 13)
#define SSTATUS_FS_INITIAL (1UL << 13)
#define SSTATUS_FS_CLEAN (2UL << 13)
#define SSTATUS_FS_DIRTY (3UL << 13)
#define SSTATUS_SUM (1UL << 18)  // supervisor may access user pages

// sie / sip
#define SIE_SSIE (1UL << 1)  // software (IPI)
#define SIE_STIE (1UL << 5)  // timer
#define SIE_SEIE (1UL << 9)  // external (PLIC)

// scause
#define SCAUSE_INTERRUPT (1UL << 63)
#define IRQ_S_SOFT 1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9
#define EXC_INST_MISALIGNED 0
#define EXC_INST_ACCESS 1
#define EXC_ILLEGAL_INST 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8
#define EXC_ECALL_S 9
#define EXC_INST_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15

// Sv39
#define PGSIZE 4096UL
#define PGSHIFT 12
#define PGROUNDUP(a) (((uint64)(a) + PGSIZE - 1) & ~(PGSIZE - 1))
#define PGROUNDDOWN(a) ((uint64)(a) & ~(PGSIZE - 1))
#define SATP_SV39 (8UL << 60)
#define MAKE_SATP(root_pa) (SATP_SV39 | ((uint64)(root_pa) >> 12))

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_LEAF (PTE_R | PTE_W | PTE_X)
#define PA2PTE(pa) ((((uint64)(pa)) >> 12) << 10)
#define PTE2PA(pte) ((((uint64)(pte)) >> 10) << 12)
#define PTE_FLAGS(pte) ((pte) & 0x3FF)
#define PX_SHIFT(level) (PGSHIFT + 9 * (level))
#define PX(level, va) ((((uint64)(va)) >> PX_SHIFT(level)) & 0x1FF)
#define LEVEL_SIZE(level) (1UL << PX_SHIFT(level))

typedef uint64 pte_t;
typedef uint64 *pagetable_t;  // 512 PTEs

static inline void intr_on(void) { csr_set(sstatus, SSTATUS_SIE); }
static inline void intr_off(void) { csr_clear(sstatus, SSTATUS_SIE); }
static inline int intr_get(void) { return (csr_read(sstatus) & SSTATUS_SIE) != 0; }

static inline uint64 r_tp(void) {
  uint64 x;
  asm volatile("mv %0, tp" : "=r"(x));
  return x;
}
static inline uint64 r_fp(void) {
  uint64 x;
  asm volatile("mv %0, s0" : "=r"(x));
  return x;
}
static inline uint64 r_sp(void) {
  uint64 x;
  asm volatile("mv %0, sp" : "=r"(x));
  return x;
}
static inline uint64 r_time(void) { return csr_read(time); }
static inline uint64 r_instret(void) { return csr_read(instret); }

static inline void sfence_vma_all(void) { asm volatile("sfence.vma zero, zero" : : : "memory"); }
static inline void sfence_vma_page(uint64 va) {
  asm volatile("sfence.vma %0, zero" : : "r"(va) : "memory");
}
static inline void wfi(void) { asm volatile("wfi"); }
