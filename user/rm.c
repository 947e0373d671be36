// rm: removes each named file (or empty directory); one that cannot be removed is reported
// (status 1).
#include "user.h"

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(2, "usage: rm file...\n");
    return 1;
  }
  int status = 0;
  for (int i = 1; i < argc; i++) {
    if (unlink(argv[i]) < 0) {
      fprintf(2, "rm: cannot remove %s\n", argv[i]);
      status = 1;
    }
  }
  return status;
}
