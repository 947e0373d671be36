// exec: map a static RISC-V ELF64 executable into a fresh address space, lazily: every
// PT_LOAD segment is registered in the new supplemental page table (file pages read on first
// touch by lazy_load_segment, the bss as zero-fill pages) and nothing is read now but the
// headers. The stack gets the pages that hold argv. Every header field is checked; on any
// failure the old image is untouched and exec returns -1.
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
#include "vm/vm.h"

#define MAX_PHNUM 64

struct image {
  struct supplemental_page_table spt;
  uint64 end;         // end of the highest segment: the heap starts here
  uint64 entry;
};

static int check_elf_header(const struct elfhdr *eh) {
  return eh->magic == ELF_MAGIC && eh->class == ELFCLASS64 && eh->data == ELFDATA2LSB &&
         eh->type == ET_EXEC && eh->machine == EM_RISCV &&
         eh->phentsize == sizeof(struct proghdr) && eh->phnum > 0 && eh->phnum <= MAX_PHNUM;
}

// Is the segment inside user space and consistent, its file bytes inside the file?
// (Overlaps with other segments are caught when its areas are registered.)
static int check_segment(const struct proghdr *ph, const struct inode *ip) {
  uint64 end = ph->vaddr + ph->memsz;
  if (ph->memsz < ph->filesz || ph->memsz == 0 || end < ph->vaddr)
    return 0;
  if (ph->vaddr < USER_BASE || end > vm_heap_max())
    return 0;
  if ((ph->vaddr - ph->off) % PGSIZE != 0 || ph->off + ph->filesz < ph->off ||
      ph->off + ph->filesz > ip->size)
    return 0;
  return 1;
}

static uint32 segment_flags(const struct proghdr *ph) {
  return (ph->flags & PF_W ? PAGE_WRITABLE : 0) | (ph->flags & PF_X ? PAGE_EXEC : 0);
}

// Registers a segment: the pages holding file bytes as FILE pages that lazy_load_segment
// fills, the pages past them (bss) as zero-fill ANON pages. Reads nothing.
static int register_segment(struct image *im, struct inode *ip, const struct proghdr *ph) {
  uint64 start = PGROUNDDOWN(ph->vaddr), end = PGROUNDUP(ph->vaddr + ph->memsz);
  uint64 file_end = ph->filesz ? PGROUNDUP(ph->vaddr + ph->filesz) : start;
  uint32 flags = segment_flags(ph);
  if (file_end > start) {
    struct vm_file *seg = kmalloc(sizeof(*seg));
    if (!seg)
      return -1;
    *seg = (struct vm_file){.ip = idup(ip), .vaddr = ph->vaddr, .off = ph->off,
                            .filesz = ph->filesz, .ref = 0};
    ip->deny_write++;  // ip is locked; vm_file_put undoes all three
    __atomic_fetch_add(&ip->nmapped, 1, __ATOMIC_RELAXED);  // its pages may be cached now
    if (!vm_register_area(&im->spt, start, file_end, VM_FILE, flags, lazy_load_segment, seg)) {
      ip->deny_write--;
      __atomic_fetch_sub(&ip->nmapped, 1, __ATOMIC_RELAXED);  // no page was ever looked up
      kfree(seg);
      iput(ip);  // not the last reference (the caller holds one), so fine while locked
      return -1;
    }
  }
  if (end > file_end && !vm_register_area(&im->spt, file_end, end, VM_ANON, flags, NULL, NULL))
    return -1;
  return 0;
}

// Registers every PT_LOAD segment of the executable.
static int load_program(struct image *im, struct inode *ip) {
  struct elfhdr eh;
  if (readi(ip, 0, (uint64)&eh, 0, sizeof(eh)) != sizeof(eh) || !check_elf_header(&eh))
    return -1;
  int entry_ok = 0;
  for (int i = 0; i < eh.phnum; i++) {
    struct proghdr ph;
    uint64 off = eh.phoff + i * sizeof(ph);
    if (off < eh.phoff || readi(ip, 0, (uint64)&ph, off, sizeof(ph)) != sizeof(ph))
      return -1;
    if (ph.type != PT_LOAD)
      continue;
    if (!check_segment(&ph, ip) || register_segment(im, ip, &ph) < 0)
      return -1;
    im->end = MAX(im->end, PGROUNDUP(ph.vaddr + ph.memsz));
    if ((ph.flags & PF_X) && eh.entry >= ph.vaddr && eh.entry < ph.vaddr + ph.memsz)
      entry_ok = 1;
  }
  im->entry = eh.entry;
  return entry_ok ? 0 : -1;
}

// Copies argv onto the new stack: the strings, then the NULL-terminated pointer array, with
// sp 16-byte aligned. The stack area starts with exactly the pages they need, claimed here.
// Returns the new sp (which is also argv), or 0 if they do not fit or memory runs out.
static uint64 push_arguments(struct supplemental_page_table *spt, char **argv, int *argcp) {
  uint64 uargv[MAXARG + 1];
  uint64 size = 0;
  int argc = 0;
  for (; argv[argc]; argc++) {
    if (argc >= MAXARG)
      return 0;
    size += (strlen(argv[argc]) + 1 + 15) & ~15UL;
  }
  size += ((argc + 1) * sizeof(uint64) + 15) & ~15UL;
  uint64 bottom = USER_STACK_TOP - MAX(PGROUNDUP(size), PGSIZE);
  if (size > vm_stack_limit())
    return 0;
  spt->stack = vm_register_area(spt, bottom, USER_STACK_TOP, VM_ANON, PAGE_WRITABLE, NULL, NULL);
  if (!spt->stack)
    return 0;
  for (uint64 va = bottom; va < USER_STACK_TOP; va += PGSIZE)
    if (vm_claim_page(spt, va) != VM_RESOLVED)
      return 0;
  uint64 sp = USER_STACK_TOP;
  for (int i = 0; i < argc; i++) {
    uint64 len = strlen(argv[i]) + 1;
    sp = (sp - len) & ~15UL;
    if (copyout(spt, sp, argv[i], len) < 0)
      return 0;
    uargv[i] = sp;
  }
  uargv[argc] = 0;
  sp = (sp - (argc + 1) * sizeof(uint64)) & ~15UL;
  if (copyout(spt, sp, uargv, (argc + 1) * sizeof(uint64)) < 0)
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

// Frees a new image that will not run, or an old one that was replaced.
static void free_image(struct supplemental_page_table *spt) {
  supplemental_page_table_kill(spt);
  pagetable_destroy(spt->pagetable);
}

int kexec(const char *path, char **argv) {
  struct proc *p = myproc();
  struct image im = {0};
  pagetable_t pt = pagetable_create();
  if (!pt)
    return -1;
  supplemental_page_table_init(&im.spt, pt, &p->vm_lock);
  begin_op();
  struct inode *ip = namei((char *)path);
  if (ip && ilock(ip) < 0) {
    iput(ip);
    ip = NULL;
  }
  if (!ip) {
    end_op();
    goto bad;
  }
  // A file open for writing cannot run (Linux says ETXTBSY), nor can anything but a file.
  int loaded = ip->type == T_FILE && ip->writers == 0 ? load_program(&im, ip) : -1;
  iunlockput(ip);
  end_op();
  if (loaded < 0)
    goto bad;
  im.spt.heap = vm_register_area(&im.spt, im.end, im.end, VM_ANON, PAGE_WRITABLE, NULL, NULL);
  if (!im.spt.heap)
    goto bad;
  int argc;
  uint64 sp = push_arguments(&im.spt, argv, &argc);
  if (sp == 0)
    goto bad;

  // Commit: from here on exec cannot fail.
  struct supplemental_page_table old = p->spt;
  p->spt = im.spt;
  p->pagetable = pt;
  p->heap_base = p->sz = im.end;
  p->trapframe.epc = im.entry;
  p->trapframe.sp = sp;
  p->trapframe.a1 = sp;
  strlcpy(p->name, last_element(path), sizeof(p->name));
  csr_write(satp, MAKE_SATP(kva2pa(pt)));
  sfence_vma_all();
  if (old.pagetable)
    free_image(&old);
  return argc;

bad:
  free_image(&im.spt);
  return -1;
}
