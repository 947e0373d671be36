// exec-small: exec-big's counterpart with 16 KiB of data and bss (8 KiB each).
#include "user.h"

volatile char data[8192] = {[0 ... 8191] = 1};
volatile char bss[8192];

int main(void) { return 0; }
