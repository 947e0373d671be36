// exec: load a static RISC-V ELF64 executable into a fresh address space, with argv on a new
// stack, then replace the caller's image. Every header field is checked; on any failure the
// old image is untouched and exec returns -1.
#include "proc/exec.h"
#include "arch/memlayout.h"
#include "arch/pagetable.h"
#include "fs/fs.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "proc/elf.h"
#include "proc/proc.h"
#include "vm/uaccess.h"
#include "vm/uvm.h"

#define MAX_PHNUM 64
#define EXEC_STACK_PAGES 16  // mapped at exec (the stack does not grow yet)

struct image {
  pagetable_t pt;
  uint64 end;         // end of the highest segment: the heap starts here
  uint64 entry;
  uint64 seg_start[MAX_PHNUM], seg_end[MAX_PHNUM];  // page ranges of the loaded segments
  int nseg;
};

static int check_header(const struct elfhdr *eh) {
  return eh->magic == ELF_MAGIC && eh->class == ELFCLASS64 && eh->data == ELFDATA2LSB &&
         eh->type == ET_EXEC && eh->machine == EM_RISCV &&
         eh->phentsize == sizeof(struct proghdr) && eh->phnum > 0 && eh->phnum <= MAX_PHNUM;
}

// Is the segment inside user space, consistent, and clear of the segments before it?
static int check_segment(const struct image *im, const struct proghdr *ph) {
  uint64 end = ph->vaddr + ph->memsz;
  if (ph->memsz < ph->filesz || ph->memsz == 0 || end < ph->vaddr)
    return 0;
  if (ph->vaddr < USER_BASE || end > USER_HEAP_MAX)
    return 0;
  if ((ph->vaddr - ph->off) % PGSIZE != 0 || ph->off + ph->filesz < ph->off)
    return 0;
  uint64 s = PGROUNDDOWN(ph->vaddr), e = PGROUNDUP(end);
  for (int i = 0; i < im->nseg; i++)
    if (s < im->seg_end[i] && im->seg_start[i] < e)
      return 0;
  return 1;
}

// Reads the segment's file bytes into its (already mapped, zeroed) pages.
static int load_segment(struct image *im, struct inode *ip, const struct proghdr *ph) {
  uint64 done = 0;
  while (done < ph->filesz) {
    uint64 va = ph->vaddr + done;
    uint64 n = MIN(ph->filesz - done, PGSIZE - (va % PGSIZE));
    uint64 pa = walkaddr(im->pt, va);
    if ((uint64)readi(ip, 0, (uint64)pa2kva(pa), ph->off + done, n) != n)
      return -1;
    done += n;
  }
  return 0;
}

static uint64 segment_perm(const struct proghdr *ph) {
  return (ph->flags & PF_R ? PTE_R : 0) | (ph->flags & PF_W ? PTE_W : 0) |
         (ph->flags & PF_X ? PTE_X : 0);
}

// Maps and fills every PT_LOAD segment of the executable.
static int load_program(struct image *im, struct inode *ip) {
  struct elfhdr eh;
  if (readi(ip, 0, (uint64)&eh, 0, sizeof(eh)) != sizeof(eh) || !check_header(&eh))
    return -1;
  int entry_ok = 0;
  for (int i = 0; i < eh.phnum; i++) {
    struct proghdr ph;
    uint64 off = eh.phoff + i * sizeof(ph);
    if (off < eh.phoff || readi(ip, 0, (uint64)&ph, off, sizeof(ph)) != sizeof(ph))
      return -1;
    if (ph.type != PT_LOAD)
      continue;
    if (!check_segment(im, &ph))
      return -1;
    uint64 s = PGROUNDDOWN(ph.vaddr), e = PGROUNDUP(ph.vaddr + ph.memsz);
    im->seg_start[im->nseg] = s;
    im->seg_end[im->nseg++] = e;
    if (uvm_alloc(im->pt, s, e, segment_perm(&ph)) < 0)
      return -1;
    im->end = MAX(im->end, e);  // before anything else can fail: what is mapped gets freed
    if (load_segment(im, ip, &ph) < 0)
      return -1;
    if ((ph.flags & PF_X) && eh.entry >= ph.vaddr && eh.entry < ph.vaddr + ph.memsz)
      entry_ok = 1;
  }
  im->entry = eh.entry;
  return entry_ok ? 0 : -1;
}

// Copies argv onto the new stack: the strings, then the NULL-terminated pointer array, with
// sp 16-byte aligned. Returns the new sp (which is also argv), or 0 if they do not fit.
static uint64 push_arguments(pagetable_t pt, char **argv, int *argcp) {
  uint64 sp = USER_STACK_TOP, bottom = USER_STACK_TOP - EXEC_STACK_PAGES * PGSIZE;
  uint64 uargv[MAXARG + 1];
  int argc = 0;
  for (; argv[argc]; argc++) {
    if (argc >= MAXARG)
      return 0;
    uint64 len = strlen(argv[argc]) + 1;
    sp = (sp - len) & ~15UL;
    if (sp < bottom || copyout(pt, sp, argv[argc], len) < 0)
      return 0;
    uargv[argc] = sp;
  }
  uargv[argc] = 0;
  sp = (sp - (argc + 1) * sizeof(uint64)) & ~15UL;
  if (sp < bottom || copyout(pt, sp, uargv, (argc + 1) * sizeof(uint64)) < 0)
    return 0;
  *argcp = argc;
  return sp;
}

static const char *last_element(const char *path) {
  const char *name = path;
  for (const char *s = path; *s; s++)
    if (*s == '/')
      name = s + 1;
  return name;
}

int kexec(const char *path, char **argv) {
  struct proc *p = myproc();
  struct image im = {.pt = pagetable_create()};
  if (!im.pt)
    return -1;
  begin_op();
  struct inode *ip = namei((char *)path);
  if (!ip) {
    end_op();
    goto bad;
  }
  ilock(ip);
  int loaded = ip->type == T_FILE ? load_program(&im, ip) : -1;
  iunlockput(ip);
  end_op();
  if (loaded < 0)
    goto bad;

  uint64 stack_bottom = USER_STACK_TOP - EXEC_STACK_PAGES * PGSIZE;
  if (uvm_alloc(im.pt, stack_bottom, USER_STACK_TOP, PTE_R | PTE_W) < 0)
    goto bad;
  int argc;
  uint64 sp = push_arguments(im.pt, argv, &argc);
  if (sp == 0)
    goto bad;

  // Commit: from here on exec cannot fail.
  pagetable_t old = p->pagetable;
  uint64 oldsz = p->sz;
  p->pagetable = im.pt;
  p->heap_base = p->sz = im.end;
  p->stack_bottom = stack_bottom;
  p->trapframe.epc = im.entry;
  p->trapframe.sp = sp;
  p->trapframe.a1 = sp;
  strlcpy(p->name, last_element(path), sizeof(p->name));
  csr_write(satp, MAKE_SATP(kva2pa(im.pt)));
  sfence_vma_all();
  proc_freepagetable(old, oldsz);
  return argc;

bad:
  proc_freepagetable(im.pt, im.end);
  return -1;
}
