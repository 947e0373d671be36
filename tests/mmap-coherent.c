// mmap-coherent: a shared mapping and read()/write() on the same file see each other's
// bytes at once, without msync, in both directions and at unaligned places; a file extended
// by write() shows the new bytes in a page that was half past its end; msync writes the
// mapping's bytes back (its page counted in vmstat's write-backs) and they survive the
// mapping.
#include "mmaplib.h"

int main(void) {
  test_start("mmap-coherent");
  mm_make_file("mco", 2 * PAGE + 10, 41);
  int fd = open("mco", O_RDWR);
  uchar *p = mm_map(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  mm_check("mapping", p, 0, 2 * PAGE + 10, 41);
  // The mapping's bytes, seen by read().
  for (int i = 0; i < 300; i++)
    p[PAGE - 150 + i] = (uchar)(i * 7);
  uchar buf[300];
  mm_read_file("mco", PAGE - 150, buf, 300);
  for (int i = 0; i < 300; i++)
    CHECK(buf[i] == (uchar)(i * 7), "read() at %d sees 0x%x, the mapping wrote 0x%x",
          (int)PAGE - 150 + i, buf[i], (uchar)(i * 7));
  // write()'s bytes, seen by the mapping.
  int wfd = open("mco", O_RDWR);
  uchar skip[PAGE];
  CHECK(read(wfd, skip, 100) == 100, "read");
  CHECK(write(wfd, "coherent", 8) == 8, "write");
  CHECK(memcmp(p + 100, "coherent", 8) == 0, "the mapping does not see write()'s bytes");
  // Extending the file: the tail of its last page comes alive in the mapping.
  close(wfd);
  wfd = open("mco", O_RDWR);
  for (uint64 done = 0; done < 2 * PAGE + 10;)
    done += read(wfd, skip, PAGE);
  CHECK(p[2 * PAGE + 10] == 0, "the byte past the end reads 0x%x", p[2 * PAGE + 10]);
  CHECK(write(wfd, "tail", 4) == 4, "append");
  CHECK(memcmp(p + 2 * PAGE + 10, "tail", 4) == 0, "the mapping does not see the appended bytes");
  close(wfd);
  struct vmstat a = mm_vmstat();
  CHECK(msync(p, 3 * PAGE, MS_SYNC) == 0, "msync");
  struct vmstat b = mm_vmstat();
  CHECK(b.writebacks > a.writebacks, "msync wrote nothing back");
  CHECK(munmap(p, 3 * PAGE) == 0, "munmap");
  mm_read_file("mco", PAGE - 150, buf, 300);
  CHECK(buf[0] == 0 && buf[299] == (uchar)(299 * 7), "after munmap the file holds 0x%x .. 0x%x",
        buf[0], buf[299]);
  CHECK(mm_file_size("mco") == 2 * PAGE + 14, "size %lu", mm_file_size("mco"));
  close(fd);
  check_vm_invariants();
  test_pass();
}
