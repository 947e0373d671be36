// exec-bad: exec refuses malformed executables (bad magic, wrong class or machine, truncated
// headers, segments in kernel space or overlapping or wrapping, memsz < filesz, an entry
// outside every executable segment, absurd header counts) with -1, and the caller's image
// keeps running untouched.
#include "testlib.h"

struct elfhdr {
  uint magic;
  uchar class, data, version, osabi, pad[8];
  ushort type, machine;
  uint elf_version;
  uint64 entry, phoff, shoff;
  uint flags;
  ushort ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct proghdr {
  uint type, flags;
  uint64 off, vaddr, paddr, filesz, memsz, align;
};

static struct {
  struct elfhdr eh;
  struct proghdr ph[2];
  uint code[4];
} image;

// A minimal valid executable: one R+X segment at 0x10000 holding a loop.
static void make_valid(void) {
  memset(&image, 0, sizeof(image));
  image.eh.magic = 0x464C457F;
  image.eh.class = 2;
  image.eh.data = 1;
  image.eh.version = 1;
  image.eh.type = 2;
  image.eh.machine = 243;
  image.eh.elf_version = 1;
  image.eh.entry = 0x10000 + (uint64)((char *)image.code - (char *)&image);
  image.eh.phoff = sizeof(struct elfhdr);
  image.eh.ehsize = sizeof(struct elfhdr);
  image.eh.phentsize = sizeof(struct proghdr);
  image.eh.phnum = 1;
  image.ph[0].type = 1;
  image.ph[0].flags = 5;
  image.ph[0].off = 0;
  image.ph[0].vaddr = 0x10000;
  image.ph[0].filesz = sizeof(image);
  image.ph[0].memsz = sizeof(image);
  image.ph[0].align = 4096;
  image.code[0] = 0x0000006f;  // j . (a loop, never reached in this test)
}

static int try_exec(const char *what, int len) {
  int fd = open("/bad-elf", O_CREATE | O_TRUNC | O_WRONLY);
  CHECK(fd >= 0, "cannot create /bad-elf");
  CHECK(write(fd, &image, len) == len, "cannot write /bad-elf");
  close(fd);
  char *argv[] = {"bad-elf", 0};
  int r = exec("/bad-elf", argv);
  CHECK(r == -1, "exec of an executable with %s returned %d", what, r);
  return r;
}

// The unmodified image must run (it loops until killed): proof that the cases below fail for
// the reason they name. While it runs its file is denied writes, and it cannot run while open
// for writing.
static void valid_image_runs(void) {
  make_valid();
  int fd = open("/good-elf", O_CREATE | O_TRUNC | O_WRONLY);
  CHECK(fd >= 0 && write(fd, &image, sizeof(image)) == sizeof(image), "cannot write /good-elf");
  close(fd);
  char *argv[] = {"good-elf", 0};
  // A file open for writing cannot run (Linux: ETXTBSY).
  fd = open("/good-elf", O_RDWR);
  CHECK(fd >= 0, "cannot open /good-elf");
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if (pid == 0)
    exit(exec("/good-elf", argv) == -1 ? 78 : 79);
  expect_child_status(78);
  close(fd);
  pid = fork();
  CHECK(pid >= 0, "fork failed");
  if (pid == 0) {
    exec("/good-elf", argv);
    exit(77);
  }
  sleep(3);
  // ... and a running program's file cannot be opened for writing, only for reading.
  CHECK(open("/good-elf", O_WRONLY) == -1, "a running program's file opened for writing");
  CHECK(open("/good-elf", O_RDWR) == -1, "a running program's file opened read-write");
  CHECK(open("/good-elf", O_RDONLY | O_TRUNC) == -1, "a running program's file truncated");
  fd = open("/good-elf", O_RDONLY);
  CHECK(fd >= 0, "a running program's file cannot be read");
  close(fd);
  kill(pid);
  int st = 0;
  CHECK(wait(&st) == pid && st == -1, "the valid image did not run (status %d)", st);
  fd = open("/good-elf", O_WRONLY);
  CHECK(fd >= 0, "the file stayed unwritable after its program ended");
  close(fd);
  unlink("/good-elf");
}

int main(void) {
  test_start("exec-bad");
  volatile int alive = 12345;
  valid_image_runs();
  make_valid(); image.eh.magic = 0x464C457E; try_exec("bad magic", sizeof(image));
  make_valid(); image.eh.class = 1; try_exec("32-bit class", sizeof(image));
  make_valid(); image.eh.machine = 62; try_exec("x86-64 machine", sizeof(image));
  make_valid(); image.eh.type = 3; try_exec("type DYN", sizeof(image));
  make_valid(); try_exec("a truncated ELF header", 20);
  make_valid(); try_exec("truncated program headers", sizeof(struct elfhdr) + 10);
  make_valid(); image.eh.phentsize = 20; try_exec("a wrong phentsize", sizeof(image));
  make_valid(); image.eh.phnum = 0xffff; try_exec("65535 program headers", sizeof(image));
  make_valid(); image.eh.phoff = 0xfffffffffffffff0UL; try_exec("phoff wrapping", sizeof(image));
  make_valid(); image.ph[0].vaddr = 0xffffffc080200000UL; image.eh.entry = image.ph[0].vaddr;
  try_exec("a segment in kernel space", sizeof(image));
  make_valid(); image.ph[0].vaddr = 0; image.eh.entry = 0x100; try_exec("a segment at page 0", sizeof(image));
  make_valid(); image.ph[0].memsz = 0xfffffffffffff000UL; try_exec("memsz wrapping", sizeof(image));
  make_valid(); image.ph[0].memsz = 16; try_exec("memsz < filesz", sizeof(image));
  make_valid(); image.ph[0].filesz = 1 << 20; image.ph[0].memsz = 1 << 20; try_exec("filesz beyond the file", sizeof(image));
  make_valid(); image.ph[0].vaddr = 0x10010; try_exec("vaddr and offset misaligned", sizeof(image));
  make_valid(); image.eh.entry = 0x900000; try_exec("an entry outside the segments", sizeof(image));
  make_valid(); image.ph[0].flags = 6; try_exec("an entry in a non-executable segment", sizeof(image));
  make_valid(); image.eh.phnum = 2; image.ph[1] = image.ph[0]; image.ph[1].vaddr = 0x10000;
  try_exec("overlapping segments", sizeof(image));
  make_valid(); image.ph[0].memsz = 0x4000000000UL; try_exec("a segment past user space", sizeof(image));
  CHECK(alive == 12345, "the caller's memory changed");
  unlink("/bad-elf");
  test_pass();
}
