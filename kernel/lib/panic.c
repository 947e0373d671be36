// panic: report a broken kernel invariant and stop. The first hart to panic parks the others
// (IPI), prints the message, its registers' story (backtrace), and powers the machine off with
// a failure status. A panic inside the panic powers off at once.
#include "lib/printf.h"
#include "lib/ksyms.h"
#include "arch/cpu.h"
#include "arch/smp.h"
#include "arch/power.h"
#include "vm/vm.h"

static volatile int panic_hart = -1;

static void vpanic(uint64 fp, void (*report)(const void *), const void *arg, const char *fmt,
                   va_list ap) __attribute__((noreturn));
static void vpanic(uint64 fp, void (*report)(const void *), const void *arg, const char *fmt,
                   va_list ap) {
  intr_off();
  int me = cpuid();
  int expected = -1;
  if (!__atomic_compare_exchange_n(&panic_hart, &expected, me, 0, __ATOMIC_SEQ_CST,
                                   __ATOMIC_SEQ_CST)) {
    if (expected != me)
      smp_park();  // another hart is already reporting its panic
    printf("\npanic while panicking on hart %d\n", me);
    power_off(EXIT_PANIC);
  }
  panicking = 1;
  smp_stop_others();
  if (report)
    report(arg);
  printf("\npanic: ");
  vprintf(fmt, ap);
  printf("\n  on hart %d (hart id %lu)\n", me, mycpu()->hartid);
  backtrace(fp);
  vm_events_print();  // what the memory system did just before
  power_off(EXIT_PANIC);
}

void panic(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vpanic(r_fp(), NULL, NULL, fmt, ap);
}

void panic_from(uint64 fp, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vpanic(fp, NULL, NULL, fmt, ap);
}

void panic_with(void (*report)(const void *arg), const void *arg, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vpanic(r_fp(), report, arg, fmt, ap);
}
