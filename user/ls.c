// ls [path...]: one line per entry: name, type (1 dir, 2 file, 3 device), inode, size.
#include "user.h"

#define DIRSIZ 14
struct dirent {
  ushort inum;
  char name[DIRSIZ];
};

static void show(const char *name, const struct stat *st) {
  printf("%-14s %d %d %lu\n", name, st->type, st->ino, st->size);
}

static int list_dir(int fd, const char *path) {
  char full[128];
  struct dirent de;
  int plen = strlen(path);
  if (plen + 1 + DIRSIZ + 1 > (int)sizeof(full)) {
    fprintf(2, "ls: path too long\n");
    return -1;
  }
  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0)
      continue;
    char name[DIRSIZ + 1];
    memmove(name, de.name, DIRSIZ);
    name[DIRSIZ] = 0;
    snprintf(full, sizeof(full), "%s/%s", path, name);
    struct stat st;
    if (stat(full, &st) < 0) {
      fprintf(2, "ls: cannot stat %s\n", full);
      continue;
    }
    show(name, &st);
  }
  return 0;
}

static int ls(const char *path) {
  int fd = open(path, O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0) {
    fprintf(2, "ls: cannot open %s\n", path);
    if (fd >= 0)
      close(fd);
    return -1;
  }
  int r = 0;
  if (st.type == T_DIR)
    r = list_dir(fd, path);
  else
    show(path, &st);
  close(fd);
  return r;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return ls(".") < 0;
  int status = 0;
  for (int i = 1; i < argc; i++)
    if (ls(argv[i]) < 0)
      status = 1;
  return status;
}
