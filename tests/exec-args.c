// exec-args: exec passes every argument (up to MAXARG = 32, long ones too) to the new program;
// more than MAXARG, a missing program, or a bad argv pointer make exec return -1 and the
// caller keeps running.
#include "testlib.h"

#define MAXARG 32

// Runs /echo with argv in a child, returns what it printed (NUL-terminated) in out.
static int run_echo(char **argv, char *out, int max) {
  int fds[2];
  CHECK(pipe(fds) == 0, "pipe failed");
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if (pid == 0) {
    close(1);
    dup(fds[1]);
    close(fds[0]);
    close(fds[1]);
    exec("/echo", argv);
    exit(77);
  }
  close(fds[1]);
  int len = 0, n;
  while (len < max - 1 && (n = read(fds[0], out + len, max - 1 - len)) > 0)
    len += n;
  out[len] = 0;
  close(fds[0]);
  int st;
  wait(&st);
  return st;
}

int main(void) {
  test_start("exec-args");
  static char words[MAXARG][80];
  static char expected[MAXARG * 80 + 2], out[MAXARG * 80 + 64];
  char *argv[MAXARG + 2];
  argv[0] = "echo";
  expected[0] = 0;
  for (int i = 1; i < MAXARG; i++) {
    int len = 1 + (i * 13) % 70;
    for (int j = 0; j < len; j++)
      words[i][j] = 'a' + (i + j) % 26;
    words[i][len] = 0;
    argv[i] = words[i];
    strcpy(expected + strlen(expected), words[i]);
    strcpy(expected + strlen(expected), i == MAXARG - 1 ? "\n" : " ");
  }
  argv[MAXARG] = 0;
  CHECK(run_echo(argv, out, sizeof(out)) == 0, "echo with %d arguments failed", MAXARG);
  CHECK(strcmp(out, expected) == 0, "echo printed '%s'", out);

  static char extra[] = "one-too-many";
  argv[MAXARG] = extra;
  argv[MAXARG + 1] = 0;
  CHECK(exec("/echo", argv) == -1, "exec with %d arguments did not fail", MAXARG + 1);
  char *none[] = {"nope", 0};
  CHECK(exec("/no-such-program", none) == -1, "exec of a missing file did not fail");
  CHECK(exec("/echo", (char **)0x1000) == -1, "exec with an unmapped argv did not fail");
  CHECK(exec("/", none) == -1, "exec of a directory did not fail");
  test_pass();
}
