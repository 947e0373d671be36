// init: the first process. Opens the console as descriptors 0, 1 and 2. Given a command (the
// kernel passes the words of the boot argument init=, e.g. init=/tests/pipe), runs it, reaps
// every orphan meanwhile, and powers the machine off with status 0 if the command succeeded,
// 1 otherwise. With no command, runs the shell forever, restarting it when it exits.
#include "user.h"

#define CONSOLE_MAJOR 1

static void open_console(void) {
  if (open("console", O_RDWR) < 0) {
    mknod("console", CONSOLE_MAJOR, 0);
    if (open("console", O_RDWR) < 0)
      exit(1);  // no console: nothing to say it on
  }
  dup(0);
  dup(0);
}

// Starts argv[0] and waits until that child exits, reaping orphans on the way; its status.
static int run(char **argv) {
  int pid = fork();
  if (pid < 0) {
    fprintf(2, "init: fork failed\n");
    return -1;
  }
  if (pid == 0) {
    exec(argv[0], argv);
    fprintf(2, "init: exec %s failed\n", argv[0]);
    exit(127);
  }
  for (;;) {
    int status, got = wait(&status);
    if (got == pid)
      return status;
    if (got < 0)
      return -1;  // cannot happen: the child is ours until we reap it
  }
}

int main(int argc, char **argv) {
  open_console();
  if (argc > 1) {
    int status = run(argv + 1);
    poweroff(status == 0 ? 0 : 1);
  }
  char *sh[] = {"sh", 0};
  for (;;) {
    printf("init: starting sh\n");
    run(sh);
  }
}
