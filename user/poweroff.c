// poweroff [status]: turns the machine off; QEMU exits with 0 for status 0, else 1.
#include "user.h"

int main(int argc, char **argv) {
  poweroff(argc > 1 ? atoi(argv[1]) : 0);
  fprintf(2, "poweroff: the machine is still running\n");
  return 1;
}
