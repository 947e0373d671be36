// copyin/copyout/copyinstr: the kernel's only way into user memory. A page that has no frame
// yet is claimed as a fault would claim it (inside a system call the saved user sp decides
// about stack growth); its frame stays pinned while the bytes move.
#include "vm/uaccess.h"
#include "lib/string.h"
#include "vm/vm.h"

// The pinned frame behind va (with the needed access), or NULL.
static struct frame *pin(struct supplemental_page_table *spt, uint64 va, enum vm_access access) {
  return vm_pin_user_page(spt, va, access, NULL);
}

int copyout(struct supplemental_page_table *spt, uint64 dstva, const void *src, uint64 len) {
  while (len > 0) {
    struct frame *f = pin(spt, dstva, ACCESS_WRITE);
    if (!f)
      return -1;
    uint64 n = MIN(len, PGSIZE - dstva % PGSIZE);
    memmove((char *)f->kva + dstva % PGSIZE, src, n);
    frame_unpin(f);
    len -= n;
    src = (const char *)src + n;
    dstva += n;
  }
  return 0;
}

int copyin(struct supplemental_page_table *spt, void *dst, uint64 srcva, uint64 len) {
  while (len > 0) {
    struct frame *f = pin(spt, srcva, ACCESS_READ);
    if (!f)
      return -1;
    uint64 n = MIN(len, PGSIZE - srcva % PGSIZE);
    memmove(dst, (char *)f->kva + srcva % PGSIZE, n);
    frame_unpin(f);
    len -= n;
    dst = (char *)dst + n;
    srcva += n;
  }
  return 0;
}

int copyinstr(struct supplemental_page_table *spt, char *dst, uint64 srcva, uint64 max) {
  while (max > 0) {
    struct frame *f = pin(spt, srcva, ACCESS_READ);
    if (!f)
      return -1;
    const char *src = (const char *)f->kva + srcva % PGSIZE;
    uint64 n = MIN(max, PGSIZE - srcva % PGSIZE);
    for (uint64 i = 0; i < n; i++) {
      dst[i] = src[i];
      if (src[i] == 0) {
        frame_unpin(f);
        return 0;
      }
    }
    frame_unpin(f);
    max -= n;
    dst += n;
    srcva += n;
  }
  return -1;
}
