// ls: lists each named path (the current directory when none is named). A directory gives
// one line per entry, a file or device one line for itself; each line is
// "name type inode size" with type 1 for a directory, 2 for a file and 3 for a device.
#include "user.h"

// A directory's contents are an array of these (kernel/fs/fs_format.h's struct dirent).
#define DIRSIZ 14
struct dir_entry {
  ushort inum;  // 0: the slot is free
  char name[DIRSIZ];  // NUL-padded, not NUL-terminated when DIRSIZ long
};

#define PATH_MAX 128

static void print_entry(const char *name, const struct stat *st) {
  printf("%-14s %d %d %d\n", name, st->type, st->ino, (int)st->size);
}

// Lists the directory open as fd, whose path is dir; 0 on success, -1 on any error.
static int list_directory(int fd, const char *dir) {
  struct dir_entry de;
  char path[PATH_MAX], name[DIRSIZ + 1];
  int status = 0, n;
  while ((n = read(fd, &de, sizeof(de))) == sizeof(de)) {
    if (de.inum == 0)
      continue;
    memcpy(name, de.name, DIRSIZ);
    name[DIRSIZ] = 0;
    const char *sep = dir[strlen(dir) - 1] == '/' ? "" : "/";
    if (snprintf(path, sizeof(path), "%s%s%s", dir, sep, name) >= (int)sizeof(path)) {
      fprintf(2, "ls: %s/%s: path too long\n", dir, name);
      status = -1;
      continue;
    }
    struct stat st;
    if (stat(path, &st) < 0) {
      fprintf(2, "ls: cannot stat %s\n", path);
      status = -1;
      continue;
    }
    print_entry(name, &st);
  }
  if (n != 0) {
    fprintf(2, "ls: cannot read directory %s\n", dir);
    status = -1;
  }
  return status;
}

static int list(const char *path) {
  struct stat st;
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    fprintf(2, "ls: cannot open %s\n", path);
    return -1;
  }
  int status = 0;
  if (fstat(fd, &st) < 0) {
    fprintf(2, "ls: cannot stat %s\n", path);
    status = -1;
  } else if (st.type == T_DIR) {
    status = list_directory(fd, path);
  } else {
    print_entry(path, &st);
  }
  close(fd);
  return status;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return list(".") < 0;
  int status = 0;
  for (int i = 1; i < argc; i++)
    if (list(argv[i]) < 0)
      status = 1;
  return status;
}
