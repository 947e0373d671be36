// exec-big: a program with 16 MiB of memory registered at exec, 2 MiB of it initialised
// data (in the file) and 14 MiB of bss, that exits at once touching none of it. make bench
// times fork + exec + wait of it against exec-small (16 KiB of each): lazy loading
// makes exec cost the same whatever the program's size (the ratio's goal is 1.1).
#include "user.h"

#define DATA_BYTES (2 * 1024 * 1024)
#define BSS_BYTES (14 * 1024 * 1024)

volatile char data[DATA_BYTES] = {[0 ... DATA_BYTES - 1] = 1};
volatile char bss[BSS_BYTES];

int main(void) { return 0; }
