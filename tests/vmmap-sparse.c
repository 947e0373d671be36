// vmmap-sparse: vmquery (and vmmap, which prints it) shows a sleeping process's address
// space as it is. The child has a 1 GiB heap (after one page it shares with its parent)
// of which it touched 3 pages, a shared mapping of a 3-page file with one page read, and a
// 4-page anonymous mapping with 2 pages written: the picture must have exactly those areas,
// backings and runs ("S1 R2 .262141 R1"), read whole or in windows of 3 records. A running
// process, an unknown pid and bad buffers get -1. The checker agrees with it all meanwhile.
#include "vmqlib.h"

#define PAGE 4096UL
#define HEAP_PAGES (1UL << 18)  // 1 GiB
#define FILE_PAGES 3
#define ANON_PAGES 4
static const char *path = "/vmmap-sparse.dat";

static int ready[2], go[2];

static void make_file(void) {
  static char block[PAGE];
  int fd = open(path, O_CREATE | O_TRUNC | O_RDWR);
  CHECK(fd >= 0, "cannot create %s", path);
  for (int i = 0; i < FILE_PAGES; i++) {
    memset(block, 'a' + i, sizeof(block));
    CHECK(write(fd, block, PAGE) == (int)PAGE, "write of %s", path);
  }
  close(fd);
}

// The child: sets up its address space, says so, and sleeps in read() until told to go.
static void child(char *shared_page) {
  char *heap = sbrk(HEAP_PAGES * PAGE);
  CHECK(heap == shared_page + PAGE, "sbrk of 1 GiB returned %p", heap);
  heap[0] = heap[PAGE] = heap[(HEAP_PAGES - 1) * PAGE] = 1;
  int fd = open(path, O_RDWR);
  CHECK(fd >= 0, "open %s", path);
  volatile char *file = mmap(0, FILE_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  CHECK(file != MAP_FAILED, "mmap of the file");
  CHECK(file[0] == 'a', "the mapping's first byte is %d", file[0]);
  char *anon = mmap(0, ANON_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                    -1, 0);
  CHECK(anon != MAP_FAILED, "anonymous mmap");
  anon[0] = anon[2 * PAGE] = 1;
  char c = 'r';
  CHECK(write(ready[1], &c, 1) == 1, "write to the parent");
  CHECK(read(go[0], &c, 1) == 1, "read from the parent");
  exit(0);
}

static struct vmq_map map, windowed;

static void expect_area(int i, unsigned int role, unsigned int flags, const char *runs) {
  CHECK(i >= 0, "no area with role %u", role);
  CHECK(map.areas[i].flags == flags, "area %d (role %u): flags 0x%x, expected 0x%x", i, role,
        map.areas[i].flags, flags);
  CHECK(strcmp(vmq_runs_string(&map, i), runs) == 0, "area %d (role %u): runs \"%s\", expected "
        "\"%s\"", i, role, vmq_runs_string(&map, i), runs);
}

static void check_child_map(int pid, char *shared_page) {
  // This process's writes break the sharing of its pages with the child (copy-on-write),
  // which turns the child's marks from S to R: write everything the reads write first, so
  // that the child's picture stays the same from one read to the next.
  memset(&map, 0, sizeof(map));
  memset(&windowed, 0, sizeof(windowed));
  CHECK(vmq_read(0, VMQ_MAX_RECORDS, &windowed) == 0, "vmquery of this process failed");
  // The child is asleep in read() within a tick or two of saying so.
  int tries = 0;
  while (vmq_read(pid, VMQ_MAX_RECORDS, &map) < 0 && ++tries < 100)
    sleep(1);
  CHECK(tries < 100, "vmquery of the sleeping child failed %d times", tries);
  const char *bad = vmq_problem(&map);
  CHECK(!bad, "the picture is malformed: %s", bad);
  CHECK(map.proc.flags == (unsigned)pid && strcmp(map.proc.u.proc.name, "vmmap-sparse") == 0,
        "the PROC record says pid %u (%s)", map.proc.flags, map.proc.u.proc.name);
  int heap = vmq_find_role(&map, VMQ_ROLE_HEAP);
  expect_area(heap, VMQ_ROLE_HEAP, VMQ_A_READ | VMQ_A_WRITE, "S1 R2 .262141 R1");
  CHECK(map.areas[heap].start == (uint64)shared_page && map.areas[heap].npages == HEAP_PAGES + 1,
        "the heap is 0x%lx, %lu pages", map.areas[heap].start, map.areas[heap].npages);
  int file = vmq_find_role(&map, VMQ_ROLE_MMAP_FILE);
  expect_area(file, VMQ_ROLE_MMAP_FILE,
              VMQ_A_READ | VMQ_A_WRITE | VMQ_A_SHARED | VMQ_A_FILE | VMQ_A_MMAP, "C1 .2");
  struct stat st;
  CHECK(stat(path, &st) == 0, "stat %s", path);
  CHECK(map.areas[file].u.area.inum == st.ino && map.areas[file].u.area.offset == 0,
        "the mapping names inode %u offset 0x%lx, expected inode %u offset 0", 
        map.areas[file].u.area.inum, map.areas[file].u.area.offset, st.ino);
  int anon = vmq_find_role(&map, VMQ_ROLE_MMAP_ANON);
  expect_area(anon, VMQ_ROLE_MMAP_ANON, VMQ_A_READ | VMQ_A_WRITE | VMQ_A_MMAP, "R1 .1 R1 .1");
  int text = vmq_find_role(&map, VMQ_ROLE_TEXT);
  CHECK(text >= 0 && map.areas[text].flags == (VMQ_A_READ | VMQ_A_EXEC | VMQ_A_FILE),
        "no text area, or its flags are wrong");
  CHECK(stat("/tests/vmmap-sparse", &st) == 0 && map.areas[text].u.area.inum == st.ino,
        "the text names inode %u, not the program's", map.areas[text].u.area.inum);
  CHECK(test_contains(vmq_runs_string(&map, text), "S"),
        "no text page shared with the parent: \"%s\"", vmq_runs_string(&map, text));
  CHECK(vmq_find_role(&map, VMQ_ROLE_STACK) == map.nareas - 1, "the stack is not the last area");
  // The same picture read in windows of 3 records: PROC, an area, a run at a time.
  CHECK(vmq_read(pid, 3, &windowed) == 0, "vmquery in windows of 3 failed");
  CHECK(windowed.calls > 5, "windows of 3 took only %d calls", windowed.calls);
  CHECK(windowed.nareas == map.nareas && windowed.nruns == map.nruns &&
        memcmp(windowed.runs, map.runs, map.nruns * sizeof(map.runs[0])) == 0,
        "read in windows: %d areas, %d runs; at once: %d areas, %d runs", windowed.nareas,
        windowed.nruns, map.nareas, map.nruns);
  printf("vmmap-sparse: %d areas, %d runs; in windows of 3: %d calls\n", map.nareas, map.nruns,
         windowed.calls);
}

// vmquery's -1 cases: bad counts and buffers, unknown pids, a process that runs.
static void check_refusals(int sleeper) {
  static struct vmq_rec buf[4];
  CHECK(vmquery(sleeper, 0, buf, 0) == -1, "n = 0 accepted");
  CHECK(vmquery(sleeper, 0, (struct vmq_rec *)0x1000, 4) == -1, "a buffer at 0x1000 accepted");
  CHECK(vmquery(sleeper, 0, (struct vmq_rec *)0xffffffc080200000UL, 4) == -1,
        "a kernel buffer accepted");
  CHECK(vmquery(99999, 0, buf, 4) == -1, "pid 99999 accepted");
  CHECK(vmquery(-3, 0, buf, 4) == -1, "pid -3 accepted");
  CHECK(vmquery(0, 0, buf, 4) >= 2 && buf[0].flags == (unsigned)getpid(),
        "vmquery of the caller itself failed");
  int spinner = fork();
  CHECK(spinner >= 0, "fork");
  if (spinner == 0)
    for (;;)
      ;
  CHECK(vmquery(spinner, 0, buf, 4) == -1, "a running process was looked at");
  CHECK(kill(spinner) == 0, "kill the spinner");
  CHECK(wait(0) == spinner, "wait for the spinner");
}

static void run_vmmap(int pid) {
  char arg[16];
  snprintf(arg, sizeof(arg), "%d", pid);
  char *argv[] = {"vmmap", arg, 0};
  int p = fork();
  CHECK(p >= 0, "fork");
  if (p == 0) {
    exec("/vmmap", argv);
    exit(127);
  }
  expect_child_status(0);
}

int main(void) {
  test_start("vmmap-sparse");
  make_file();
  CHECK(pipe(ready) == 0 && pipe(go) == 0, "pipe");
  char *shared_page = sbrk(PAGE);
  CHECK((uint64)shared_page % PAGE == 0, "the heap starts at %p, not on a page", shared_page);
  shared_page[0] = 1;  // resident before fork: the child shares its frame
  int pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0)
    child(shared_page);
  char c;
  CHECK(read(ready[0], &c, 1) == 1, "read from the child");
  check_child_map(pid, shared_page);
  check_refusals(pid);
  check_vm_invariants();  // the sleeping child's tables are checked too
  run_vmmap(pid);
  CHECK(write(go[1], &c, 1) == 1, "write to the child");
  expect_child_status(0);
  CHECK(unlink(path) == 0, "unlink %s", path);
  check_vm_invariants();
  test_pass();
}
