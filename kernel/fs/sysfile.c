// The file-system system calls (xv6-riscv's ABI): argument checking, file descriptors, and
// the operations that combine several inodes (open with create, link, unlink, mkdir, mknod,
// chdir). Every user pointer goes through argstr/copyout; every failure returns -1 and
// undoes what was done. Once a disk error has made the file system read-only (log.c), the
// calls that would change it return -1 before they start; one whose transaction failed to
// reach the disk returns -1 too (its change is in memory, and maybe on the disk).
#include "fs/file.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "proc/proc.h"
#include "proc/syscall.h"
#include "vm/uaccess.h"

#define O_RDONLY 0x000
#define O_WRONLY 0x001
#define O_RDWR 0x002
#define O_CREATE 0x200
#define O_TRUNC 0x400

// The open file behind descriptor argument n, or NULL; its number in *pfd when pfd is set.
static struct file *argfd(int n, int *pfd) {
  int fd = argint(n);
  if (fd < 0 || fd >= NOFILE)
    return NULL;
  struct file *f = myproc()->ofile[fd];
  if (f && pfd)
    *pfd = fd;
  return f;
}

// Gives f the lowest free descriptor of the current process; -1 when all NOFILE are in use.
static int fdalloc(struct file *f) {
  struct proc *p = myproc();
  for (int fd = 0; fd < NOFILE; fd++) {
    if (!p->ofile[fd]) {
      p->ofile[fd] = f;
      return fd;
    }
  }
  return -1;
}

uint64 sys_dup(void) {
  struct file *f = argfd(0, NULL);
  if (!f)
    return -1;
  int fd = fdalloc(f);
  if (fd < 0)
    return -1;
  filedup(f);
  return fd;
}

uint64 sys_read(void) {
  struct file *f = argfd(0, NULL);
  return f ? fileread(f, argaddr(1), argint(2)) : -1;
}

uint64 sys_write(void) {
  struct file *f = argfd(0, NULL);
  return f ? filewrite(f, argaddr(1), argint(2)) : -1;
}

uint64 sys_close(void) {
  int fd;
  struct file *f = argfd(0, &fd);
  if (!f)
    return -1;
  myproc()->ofile[fd] = NULL;
  fileclose(f);
  return 0;
}

uint64 sys_fstat(void) {
  struct file *f = argfd(0, NULL);
  return f ? filestat(f, argaddr(1)) : -1;
}

// link(old, new): a second name for a file (not a directory).
uint64 sys_link(void) {
  char old[MAXPATH], new[MAXPATH], name[DIRSIZ];
  if (argstr(0, old, MAXPATH) < 0 || argstr(1, new, MAXPATH) < 0 || log_aborted())
    return -1;
  begin_op();
  struct inode *ip = namei(old);
  if (ip && ilock(ip) < 0) {
    iput(ip);
    ip = NULL;
  }
  if (!ip) {
    end_op();
    return -1;
  }
  if (ip->type == T_DIR) {
    iunlockput(ip);
    end_op();
    return -1;
  }
  ip->nlink++;
  iupdate(ip);
  iunlock(ip);

  struct inode *dp = nameiparent(new, name);
  if (dp && ilock(dp) < 0) {
    iput(dp);
    dp = NULL;
  }
  if (dp) {
    int ok = dp->dev == ip->dev && dirlink(dp, name, ip->inum) == 0;
    iunlockput(dp);
    if (ok) {
      iput(ip);
      return end_op();
    }
  }
  ilock(ip);  // locked above while referenced: cannot fail
  ip->nlink--;
  iupdate(ip);
  iunlockput(ip);
  end_op();
  return -1;
}

// Is directory dp empty apart from "." and ".." (its first two entries)? 0 also when it
// cannot be read (a disk error).
static int dir_is_empty(struct inode *dp) {
  struct dirent de;
  for (uint off = 2 * sizeof(de); off < dp->size; off += sizeof(de))
    if (readi(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de) || de.inum != 0)
      return 0;
  return 1;
}

// Removes the entry of ip (locked) at offset off of directory dp (locked); -1 with nothing
// changed if the entry's block cannot be written (read, in fact: a disk error).
static int remove_entry(struct inode *dp, struct inode *ip, uint off) {
  struct dirent de;
  memset(&de, 0, sizeof(de));
  if (writei(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
    return -1;
  if (ip->type == T_DIR) {
    dp->nlink--;  // ip's ".." named dp
    iupdate(dp);
  }
  if (ip->nlink < 1)
    panic("unlink: inode %u has nlink %d", ip->inum, ip->nlink);
  ip->nlink--;
  iupdate(ip);
  return 0;
}

uint64 sys_unlink(void) {
  char path[MAXPATH], name[DIRSIZ];
  if (argstr(0, path, MAXPATH) < 0 || log_aborted())
    return -1;
  begin_op();
  struct inode *dp = nameiparent(path, name);
  if (dp && ilock(dp) < 0) {
    iput(dp);
    dp = NULL;
  }
  if (!dp) {
    end_op();
    return -1;
  }
  uint off;
  struct inode *ip = NULL;
  if (namecmp(name, ".") != 0 && namecmp(name, "..") != 0)
    ip = dirlookup(dp, name, &off);
  int removed = 0;
  if (ip && ilock(ip) == 0) {
    if (ip->type != T_DIR || dir_is_empty(ip))
      removed = remove_entry(dp, ip, off) == 0;
    iunlock(ip);
  }
  if (ip)
    iput(ip);
  iunlockput(dp);
  int on_disk = end_op();
  return removed && on_disk == 0 ? 0 : -1;
}

// Fills new directory ip (locked) with "." and ".." (parent dp); 0 or -1 (disk full).
static int make_dot_entries(struct inode *ip, struct inode *dp) {
  return dirlink(ip, ".", ip->inum) < 0 || dirlink(ip, "..", dp->inum) < 0 ? -1 : 0;
}

// Creates path as a new inode of the given type and returns it locked. Opening an existing
// file or device with O_CREATE is not an error: create returns it. NULL on failure.
static struct inode *create(char *path, short type, short major, short minor) {
  char name[DIRSIZ];
  struct inode *dp = nameiparent(path, name);
  if (dp && ilock(dp) < 0) {
    iput(dp);
    dp = NULL;
  }
  if (!dp)
    return NULL;
  struct inode *ip = dirlookup(dp, name, NULL);
  if (ip) {
    iunlockput(dp);
    if (ilock(ip) < 0) {
      iput(ip);
      return NULL;
    }
    if (type == T_FILE && (ip->type == T_FILE || ip->type == T_DEVICE))
      return ip;
    iunlockput(ip);
    return NULL;
  }
  ip = ialloc(dp->dev, type);
  if (ip && ilock(ip) < 0) {  // its inode block was just logged, so pinned: cannot fail
    iput(ip);
    ip = NULL;
  }
  if (!ip) {
    iunlockput(dp);
    return NULL;
  }
  ip->major = major;
  ip->minor = minor;
  ip->nlink = 1;
  iupdate(ip);
  if ((type == T_DIR && make_dot_entries(ip, dp) < 0) || dirlink(dp, name, ip->inum) < 0) {
    ip->nlink = 0;  // iput frees it
    iupdate(ip);
    iunlockput(ip);
    iunlockput(dp);
    return NULL;
  }
  if (type == T_DIR) {
    dp->nlink++;  // for the new directory's ".."
    iupdate(dp);
  }
  iunlockput(dp);
  return ip;
}

// Opens the inode at path as omode asks; returns it locked, or NULL.
static struct inode *open_inode(char *path, int omode) {
  if (omode & O_CREATE)
    return create(path, T_FILE, 0, 0);
  struct inode *ip = namei(path);
  if (!ip)
    return NULL;
  if (ilock(ip) < 0) {
    iput(ip);
    return NULL;
  }
  if (ip->type == T_DIR && omode != O_RDONLY) {
    iunlockput(ip);
    return NULL;
  }
  return ip;
}

uint64 sys_open(void) {
  char path[MAXPATH];
  int omode = argint(1);
  int changes = (omode & (O_CREATE | O_TRUNC | O_WRONLY | O_RDWR)) != 0;
  if (argstr(0, path, MAXPATH) < 0 || (changes && log_aborted()))
    return -1;
  begin_op();
  struct inode *ip = open_inode(path, omode);
  if (!ip) {
    end_op();
    return -1;
  }
  struct file *f = NULL;
  int fd = -1;
  int bad_device = ip->type == T_DEVICE && (ip->major < 0 || ip->major >= NDEV);
  int writing = (omode & (O_WRONLY | O_RDWR | O_TRUNC)) != 0;
  // A running program's file cannot be written (Linux says ETXTBSY).
  int busy = writing && ip->type == T_FILE && ip->deny_write > 0;
  if (bad_device || busy || !(f = filealloc()) || (fd = fdalloc(f)) < 0) {
    if (f)
      fileclose(f);
    iunlockput(ip);
    end_op();
    return -1;
  }
  f->type = ip->type == T_DEVICE ? FD_DEVICE : FD_INODE;
  f->major = ip->major;
  f->ip = ip;
  f->off = 0;
  f->readable = !(omode & O_WRONLY);
  f->writable = (omode & O_WRONLY) || (omode & O_RDWR);
  if (f->writable && f->type == FD_INODE)
    ip->writers++;  // guarded by ip->lock; fileclose takes it back
  if ((omode & O_TRUNC) && ip->type == T_FILE)
    itrunc(ip);
  iunlock(ip);
  if (end_op() < 0 && (omode & (O_CREATE | O_TRUNC))) {  // its change may not be on disk
    myproc()->ofile[fd] = NULL;
    fileclose(f);
    return -1;
  }
  return fd;
}

static uint64 make_node(short type) {
  char path[MAXPATH];
  short major = type == T_DEVICE ? argint(1) : 0;
  short minor = type == T_DEVICE ? argint(2) : 0;
  if (argstr(0, path, MAXPATH) < 0 || log_aborted())
    return -1;
  begin_op();
  struct inode *ip = create(path, type, major, minor);
  if (ip)
    iunlockput(ip);
  int on_disk = end_op();
  return ip && on_disk == 0 ? 0 : -1;
}

uint64 sys_mkdir(void) { return make_node(T_DIR); }

uint64 sys_mknod(void) { return make_node(T_DEVICE); }

uint64 sys_chdir(void) {
  char path[MAXPATH];
  struct proc *p = myproc();
  if (argstr(0, path, MAXPATH) < 0)
    return -1;
  begin_op();
  struct inode *ip = namei(path);
  if (ip && ilock(ip) < 0) {
    iput(ip);
    ip = NULL;
  }
  if (!ip) {
    end_op();
    return -1;
  }
  if (ip->type != T_DIR) {
    iunlockput(ip);
    end_op();
    return -1;
  }
  iunlock(ip);
  iput(p->cwd);
  end_op();
  p->cwd = ip;
  return 0;
}

// pipe(fds): the read end in fds[0], the write end in fds[1].
uint64 sys_pipe(void) {
  struct proc *p = myproc();
  uint64 fdarray = argaddr(0);
  struct file *rf, *wf;
  if (pipealloc(&rf, &wf) < 0)
    return -1;
  int fds[2] = {fdalloc(rf), -1};
  if (fds[0] >= 0)
    fds[1] = fdalloc(wf);
  if (fds[1] < 0 || copyout(&p->spt, fdarray, fds, sizeof(fds)) < 0) {
    if (fds[0] >= 0)
      p->ofile[fds[0]] = NULL;
    if (fds[1] >= 0)
      p->ofile[fds[1]] = NULL;
    fileclose(rf);
    fileclose(wf);
    return -1;
  }
  return 0;
}
