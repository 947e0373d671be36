// vmtrace-ring: the VM event ring, read from user space with vmevents, holds this process's
// own faults and what resolved them: a store fault at a fresh heap page followed by a claim
// of an anonymous page there, and a load fault at an untouched page of read-only data
// followed by a claim of a file page. Sequence numbers only grow, `since` leaves out what
// came before, bad buffers get -1. Then /vmtrace prints the ring (the grader checks its
// lines) and `vmtrace /echo ...` the events of the command it ran.
#include "testlib.h"

#define PAGE 4096UL

// Three pages of read-only data in the executable: the test reads the middle one first.
static const char table[3 * PAGE] __attribute__((aligned(4096))) = {1, 2, 3};

static struct vmev_rec ev[VMEV_RING];

// The latest event of this pid of the given kind at va (page-aligned when page is set).
static int find(int n, unsigned kind, uint64 va) {
  int found = -1;
  for (int i = 0; i < n; i++)
    if (ev[i].pid == getpid() && ev[i].kind == kind && ev[i].va == va)
      found = i;
  return found;
}

static void expect_fault_and_claim(const char *what, uint64 addr, uint64 scause, uint64 type) {
  int n = vmevents(0, ev, VMEV_RING);
  CHECK(n > 0 && n <= VMEV_RING, "vmevents returned %d", n);
  for (int i = 1; i < n; i++)
    CHECK(ev[i].seq > ev[i - 1].seq, "event %d has seq %lu after %lu", i, ev[i].seq,
          ev[i - 1].seq);
  int f = find(n, VMEV_FAULT, addr);
  CHECK(f >= 0, "%s: no fault event at va 0x%lx", what, addr);
  CHECK(ev[f].info == scause, "%s: the fault's scause is %lu, expected %lu", what, ev[f].info,
        scause);
  int c = find(n, VMEV_CLAIM, addr & ~(PAGE - 1));
  CHECK(c > f, "%s: no claim event after the fault (fault #%d, claim #%d)", what, f, c);
  CHECK(ev[c].info == type, "%s: the claim says type %lu, expected %lu", what, ev[c].info,
        type);
  printf("vmtrace-ring: %s: fault #%lu then claim #%lu at va 0x%lx\n", what, ev[f].seq,
         ev[c].seq, addr);
}

static void run(char **argv) {
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {
    exec(argv[0], argv);
    exit(127);
  }
  expect_child_status(0);
}

int main(void) {
  test_start("vmtrace-ring");
  memset(ev, 0, sizeof(ev));  // resident: copying events out logs no claims of its own
  char *heap = sbrk(2 * PAGE);
  CHECK(heap != (char *)-1, "sbrk");
  volatile char *target = heap + PAGE + 24;
  *target = 7;
  expect_fault_and_claim("heap store", (uint64)target, 15, 1);
  volatile const char *ro = table + PAGE + 100;
  CHECK(*ro == 0, "table[PAGE + 100] is %d", *ro);
  expect_fault_and_claim("rodata load", (uint64)ro, 13, 2);

  int n = vmevents(0, ev, VMEV_RING);
  uint64 last = ev[n - 1].seq;
  CHECK(vmevents(last, ev, VMEV_RING) == 0, "events after the newest one");
  CHECK(vmevents(last - 1, ev, VMEV_RING) == 1 && ev[0].seq == last,
        "since = newest - 1 does not give the newest alone");
  CHECK(vmevents(0, ev, 0) == 0, "n = 0");
  CHECK(vmevents(0, (struct vmev_rec *)0x1000, 4) == -1, "a buffer at 0x1000 accepted");
  CHECK(vmevents(0, (struct vmev_rec *)0xffffffc080200000UL, 4) == -1, "a kernel buffer");

  char *vmtrace[] = {"/vmtrace", 0};
  run(vmtrace);
  char *traced[] = {"/vmtrace", "/echo", "vmtrace-ring", "echo", "ran", 0};
  run(traced);
  check_vm_invariants();
  test_pass();
}
