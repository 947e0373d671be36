// Where every user program starts: the kernel's exec leaves argc in a0 and argv in a1, so
// _start is an ordinary C function; main's return value becomes the exit status.
#include "user.h"

int main(int argc, char **argv);

__attribute__((section(".text.start"), noreturn)) void _start(int argc, char **argv) {
  exit(main(argc, argv));
}
