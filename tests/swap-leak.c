// swap-leak: no swap slot and no frame is lost. In one boot it runs the other swap tests and
// page-merge-stk one after another (fork + exec; each must exit 0; swap-full's greedy child
// is killed inside it, as it expects) and then compares swap_used and frames_used with their
// values at the start: they must be equal. Only init's few pages may sit in swap then: this
// process pushes them out before it measures (init only waits, so they stay there) and makes
// all of its own pages resident before each measurement. (page-merge-seq, page-merge-par and
// page-shuffle have their own swap entries with more frames: at 64 frames each would cost
// tens of thousands of swap operations.)
#include "swaplib.h"

static char *programs[][2] = {
    {"/tests/swap-anon", 0}, {"/tests/swap-file", 0}, {"/tests/swap-iter", 0},
    {"/tests/swap-fork", 0}, {"/tests/swap-full", 0}, {"/tests/swap-smp", 0},
    {"/tests/swap-syscall", 0}, {"/tests/page-merge-stk", 0},
};
#define NPROGRAMS (int)(sizeof(programs) / sizeof(programs[0]))

static void run(char **argv) {
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {
    exec(argv[0], argv);
    printf("swap-leak: FAIL: cannot exec %s\n", argv[0]);
    exit(127);
  }
  int status = 12345;
  CHECK(wait(&status) == pid, "wait");
  CHECK(status == 0, "%s exited with %d", argv[0], status);
}

int main(void) {
  test_start("swap-leak");
  struct vmstat st = vm_now();
  push_others_out(2 * st.frames_total);
  touch_own_pages();
  struct vmstat st0 = vm_now();
  printf("swap-leak: at the start %lu swap slots used (init's pages), %lu frames used\n",
         st0.swap_used, st0.frames_used);
  CHECK(st0.swap_used <= 8, "%lu swap slots used before any test ran", st0.swap_used);
  for (int i = 0; i < NPROGRAMS; i++)
    run(programs[i]);
  touch_own_pages();
  struct vmstat st1 = vm_now();
  print_delta("all programs", &st0, &st1);
  CHECK(st1.swap_used == st0.swap_used, "swap slots used: %lu at the start, %lu at the end",
        st0.swap_used, st1.swap_used);
  CHECK(st1.frames_used == st0.frames_used, "frames used: %lu at the start, %lu at the end",
        st0.frames_used, st1.frames_used);
  check_vm_invariants();
  test_pass();
}
