// Boot: what each hart does from the moment entry.S hands it a stack until it enters the
// scheduler.
// The boot hart (always cpus[0]) reads the device tree, brings up the console, memory, the
// kernel page table, traps and devices, then starts the other harts, which only set up their
// own hart-local state (page table, trap vector, PLIC context, timer).
#include "main.h"
#include "arch/cpu.h"
#include "arch/memlayout.h"
#include "arch/pagetable.h"
#include "arch/power.h"
#include "arch/riscv.h"
#include "arch/sbi.h"
#include "arch/smp.h"
#include "arch/timer.h"
#include "arch/trap.h"
#include "dev/console.h"
#include "dev/plic.h"
#include "dev/disk.h"
#include "dev/uart.h"
#include "fs/file.h"
#include "fs/fs.h"
#include "proc/proc.h"
#include "lib/bootargs.h"
#include "lib/failinject.h"
#include "lib/printf.h"
#include "vm/vm.h"
#include "mm/mm.h"
#include "test/ktest.h"

#define FDT_MAX_SIZE (4UL << 20)

struct machine machine;
uint64 fdt_pa;

extern char _kernel_start[], _kernel_end[];
static void boot_continue(void) __attribute__((noreturn));

static void read_device_tree(uint64 pa) {
  const char *why = "?";
  fdt_pa = pa;
  if (machine_parse(pa2kva(pa), FDT_MAX_SIZE, &machine, &why) != 0)
    panic("device tree at %p rejected: %s", (void *)pa, why);
  if (machine.uart.size == 0)
    panic("device tree: no ns16550a UART, so no console");
  if (machine.plic.size == 0)
    panic("device tree: no PLIC (riscv,plic0), so no device interrupts");
}

// Everything in RAM that must never be handed out: firmware, the kernel image, the FDT.
static int reserved_ranges(struct mem_range *holes) {
  int n = 0;
  for (int i = 0; i < machine.nresv; i++)
    holes[n++] = machine.resv[i];
  holes[n++] = (struct mem_range){kva2pa(_kernel_start), _kernel_end - _kernel_start};
  holes[n++] = (struct mem_range){fdt_pa, machine.fdt.totalsize};
  return n;
}

static void print_banner(void) {
  int64 impl = sbi_impl_id(), ver = sbi_impl_version(), spec = sbi_spec_version();
  uint64 ram = 0;
  for (int i = 0; i < machine.nmem; i++)
    ram += machine.mem[i].size;
  printf("\nsloth: a lazy RISC-V kernel, booting on hart %lu\n", cpus[0].hartid);
  printf("sloth: handed over by %s %ld.%ld (SBI spec %ld.%ld)\n",
         impl == 1 ? "OpenSBI" : "SBI firmware", ver >> 16, ver & 0xffff, (spec >> 24) & 0x7f,
         spec & 0xffffff);
  printf("sloth: memory: %lu MiB of RAM at %p, %d hart%s, timer %lu Hz (%s)\n", ram >> 20,
         (void *)machine.mem[0].base, machine.nharts, machine.nharts == 1 ? "" : "s",
         machine.timebase_hz, machine.all_harts_sstc ? "Sstc" : "SBI timer");
}

// Gives every hart a cpus[] slot, with the boot hart at index 0, and a stack.
static void assign_harts(void) {
  int next = 1;
  for (int i = 0; i < machine.nharts && next < NCPU; i++) {
    if (machine.hartid[i] == cpus[0].hartid)
      continue;
    cpus[next].hartid = machine.hartid[i];
    cpus[next].id = next;
    next++;
  }
  ncpu = next;
  if (machine.nharts + machine.nharts_ignored > ncpu)
    printf("sloth: %d harts in the device tree are left parked (NCPU is %d)\n",
           machine.nharts + machine.nharts_ignored - ncpu, NCPU);
  for (int i = 0; i < ncpu; i++) {
    cpus[i].stack_top = kstack_map(KSTACK_SLOT_HART(i));
    cpus[i].panic_sp = kstack_map(KSTACK_SLOT_PANIC(i));
  }
}

static int plic_context_of(uint64 hartid) {
  for (int i = 0; i < machine.nharts; i++)
    if (machine.hartid[i] == hartid)
      return machine.plic.s_context[i];
  return -1;
}

// The hart-local half of bringing a hart up, shared by the boot hart and the others.
static void hart_init(void) {
  struct cpu *c = mycpu();
  int ctx = plic_context_of(c->hartid);
  if (ctx < 0)
    panic("device tree: no PLIC supervisor context for hart %lu", c->hartid);
  trap_init_hart();
  plic_init_hart(ctx);
  timer_init_hart();
  csr_write(scounteren, 0x7);  // user mode may read cycle, time and instret
}

void boot_main(uint64 hartid, uint64 dtb_pa) {
  cpus[0].hartid = hartid;
  cpus[0].id = 0;
  read_device_tree(dtb_pa);
  uart_init(machine.uart.base, machine.uart.irq);
  if (machine.test.size)
    power_init(machine.test.base);
  print_banner();
  printf("sloth: boot arguments: \"%s\"\n", machine.bootargs);
  bootargs_init(machine.bootargs);
  failinject_init();

  struct mem_range holes[MACHINE_MAX_RESV + 2];
  int nholes = reserved_ranges(holes);
  kalloc_init(machine.mem, machine.nmem, holes, nholes);
  kmalloc_init();
  kvm_init();
  kvm_init_hart();
  assign_harts();
  call_on_stack(cpus[0].stack_top, boot_continue);
}

static void boot_continue(void) {
  timer_init(machine.timebase_hz, machine.all_harts_sstc);
  plic_init(machine.plic.base, machine.plic.ndev);
  hart_init();
  console_init();
  procinit();
  binit();
  iinit();
  fileinit();
  if (virtio_blk_init() < 0)
    printf("sloth: no virtio block device: the first process will not find a file system\n");
  vm_init();
  const char *test = bootarg("test");
  if (!test)
    userinit();  // kernel tests run alone
  printf("sloth: %lu pages (%lu MiB) free for the kernel and processes\n", kalloc_free_pages(),
         kalloc_free_pages() >> 8);
  cpus[0].online = 1;
  smp_start_harts();

  if (test) {
    intr_on();
    power_off(ktest_run(test) == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
  }
  scheduler();
}

// Entered from secondary_start with tp = &cpus[i], the kernel page table, and sp on the
// hart's stack.
void secondary_main(uint64 hartid) {
  (void)hartid;
  hart_init();
  mycpu()->online = 1;
  scheduler();
}
