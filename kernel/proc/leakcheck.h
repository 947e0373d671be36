// The grader's leak check (leakcheck.c): what the kernel holds, as one console line, before
// /init runs and again when init powers the machine off (init= runs only).
#pragma once

struct proc;

void leakcheck_baseline(struct proc *p);    // first_process_setup, before the first exec
void leakcheck_at_poweroff(struct proc *p); // sys_poweroff; only for the process above
