// In-kernel tests, selected with the boot argument test=NAME and run on the boot hart once all
// harts are up. Each prints what it checks and returns 0 on success, -1 on failure.
#pragma once

int ktest_run(const char *name);  // 0 when the test passed; -1 when it failed or is unknown

// Test bodies, one file per area.
int ktest_boot(void);
int ktest_smp(void);
int ktest_kalloc(void);
int ktest_panic(void);
int ktest_kfault(void);
int ktest_kfault_printf(void);
int ktest_kstack_overflow(void);
int ktest_lock_recursive(void);
