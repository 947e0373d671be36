// poweroff: turns the machine off; QEMU exits with 0 when the given status (default 0) is 0,
// else with 1.
#include "user.h"

int main(int argc, char **argv) {
  if (argc > 2) {
    fprintf(2, "usage: poweroff [status]\n");
    return 1;
  }
  poweroff(argc == 2 ? atoi(argv[1]) : 0);
  fprintf(2, "poweroff: the machine did not power off\n");
  return 1;
}
