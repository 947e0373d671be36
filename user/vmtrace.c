// vmtrace: prints the VM event ring (faults, claims, evictions, swap-ins, kills), as gdb's
// vmevents does, from user space through the vmevents system call (29).
//   vmtrace            every event the ring still holds, oldest first
//   vmtrace -p PID     only those of process PID
//   vmtrace CMD ARG..  runs CMD, then prints the events of its pid logged meanwhile
// (the ring holds the last 64 events of the whole machine; a gap in the sequence numbers is
// shown as events the ring no longer holds). To see every fault of a process on the console
// as it happens, boot with vmtrace=PID or vmtrace=NAME (README: boot arguments).
#include "user.h"

static const char *kinds[] = VMEV_KIND_NAMES;
static const char *types[] = VMEV_TYPE_NAMES;
static const char *whys[] = VMEV_WHY_NAMES;

static const char *fault_name(uint64 scause) {
  return scause == 12 ? "instruction page fault" : scause == 13 ? "load page fault"
       : scause == 15 ? "store page fault" : "page fault";
}

static void print_event(const struct vmev_rec *e) {
  printf("  #%-5lu %-8s pid %-3d va 0x%016lx  ", e->seq, e->kind <= VMEV_KILL ? kinds[e->kind] : "?",
         e->pid, e->va);
  switch (e->kind) {
  case VMEV_FAULT:
    printf("%s\n", fault_name(e->info));
    break;
  case VMEV_CLAIM:
  case VMEV_SWAP_IN:
    printf("%s page\n", e->info < 3 ? types[e->info] : "?");
    break;
  case VMEV_EVICT:
    printf("%s\n", e->info ? "written out" : "dropped clean");
    break;
  case VMEV_KILL:
    printf("%s\n", e->info < VMEV_NWHY ? whys[e->info] : "?");
    break;
  default:
    printf("0x%lx\n", e->info);
  }
}

// Prints the events after `since` (of pid only, if pid > 0); returns how many it printed.
static int print_ring(uint64 since, int pid) {
  static struct vmev_rec ev[VMEV_RING];
  int n = vmevents(since, ev, VMEV_RING);
  if (n < 0) {
    fprintf(2, "vmtrace: the vmevents system call failed\n");
    exit(1);
  }
  int shown = 0;
  uint64 expect = since + 1;
  for (int i = 0; i < n; i++) {
    if (ev[i].seq != expect && (since || i > 0))
      printf("  ... %lu events the ring no longer holds\n", ev[i].seq - expect);
    expect = ev[i].seq + 1;
    if (pid > 0 && ev[i].pid != pid)
      continue;
    print_event(&ev[i]);
    shown++;
  }
  return shown;
}

// Runs argv and prints the events its pid logged: those still in the ring once it exits.
static void trace_command(char **argv) {
  static struct vmev_rec ev[VMEV_RING];
  int n = vmevents(0, ev, VMEV_RING);
  uint64 since = n > 0 ? ev[n - 1].seq : 0;  // the newest now: only later ones are CMD's
  int pid = fork();
  if (pid < 0) {
    fprintf(2, "vmtrace: fork failed\n");
    exit(1);
  }
  if (pid == 0) {
    exec(argv[0], argv);
    fprintf(2, "vmtrace: cannot run %s\n", argv[0]);
    exit(1);
  }
  int status;
  wait(&status);
  printf("vmtrace: pid %d (%s) exited with status %d; its VM events:\n", pid, argv[0], status);
  if (print_ring(since, pid) == 0)
    printf("  (none left in the ring)\n");
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "-p") == 0 && atoi(argv[2]) > 0) {
    printf("VM events of pid %d, oldest first:\n", atoi(argv[2]));
    print_ring(0, atoi(argv[2]));
  } else if (argc == 1) {
    printf("VM events, oldest first:\n");
    print_ring(0, 0);
  } else if (argv[1][0] != '-') {
    trace_command(argv + 1);
  } else {
    fprintf(2, "usage: vmtrace [-p pid | command [arg ...]]\n");
    exit(1);
  }
  exit(0);
}
