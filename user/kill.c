// kill: kills each process whose pid is given. A pid that is not a number, or that names no
// process the kernel lets us kill, is reported; the exit status is then 1.
#include "user.h"

static int is_number(const char *s) {
  if (*s == 0)
    return 0;
  for (; *s; s++)
    if (*s < '0' || *s > '9')
      return 0;
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(2, "usage: kill pid...\n");
    return 1;
  }
  int status = 0;
  for (int i = 1; i < argc; i++) {
    if (!is_number(argv[i])) {
      fprintf(2, "kill: %s is not a pid\n", argv[i]);
      status = 1;
    } else if (kill(atoi(argv[i])) < 0) {
      fprintf(2, "kill: cannot kill %s\n", argv[i]);
      status = 1;
    }
  }
  return status;
}
