// sh-pipeline: the shell runs a script with pipelines, redirections (<, >, >>), sequences
// (;), a background job (&) and a subshell; the files it produces hold exactly what the
// commands should have written.
#include "testlib.h"

static const char script[] =
  "echo alpha beta > /sht/in\n"
  "echo gamma >> /sht/in\n"
  "cat < /sht/in | grep a | wc > /sht/count\n"
  "cat /sht/in | grep beta | grep alpha | cat | cat > /sht/long\n"
  "echo one ; echo two > /sht/two\n"
  "(echo sub1 ; echo sub2) | wc > /sht/sub\n"
  "echo bg > /sht/bg &\n"
  "nosuchprogram\n"
  "echo last\n";

static int read_file(const char *path, char *buf, int max) {
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return -1;
  int n = 0, r;
  while (n < max - 1 && (r = read(fd, buf + n, max - 1 - n)) > 0)
    n += r;
  buf[n] = 0;
  close(fd);
  return n;
}

static void expect_file(const char *path, const char *want) {
  char got[256];
  CHECK(read_file(path, got, sizeof(got)) >= 0, "%s was not created", path);
  CHECK(strcmp(got, want) == 0, "%s holds \"%s\", expected \"%s\"", path, got, want);
}

// Checks that the first three numbers in file path are a, b and c (wc's output).
static void expect_counts(const char *path, int a, int b, int c) {
  char got[128];
  int want[3] = {a, b, c}, k = 0;
  CHECK(read_file(path, got, sizeof(got)) > 0, "%s is missing or empty", path);
  for (char *s = got; *s && k < 3;) {
    if (*s >= '0' && *s <= '9') {
      CHECK(atoi(s) == want[k], "%s: count %d is %d, expected %d (\"%s\")", path, k, atoi(s),
            want[k], got);
      k++;
      while (*s >= '0' && *s <= '9')
        s++;
    } else {
      s++;
    }
  }
  CHECK(k == 3, "%s does not hold three counts: \"%s\"", path, got);
}

int main(void) {
  test_start("sh-pipeline");
  CHECK(mkdir("/sht") == 0, "mkdir /sht failed");
  int fd = open("/sht/script", O_CREATE | O_WRONLY);
  CHECK(fd >= 0, "cannot create the script");
  CHECK(write(fd, script, sizeof(script) - 1) == sizeof(script) - 1, "cannot write the script");
  close(fd);

  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if (pid == 0) {
    close(1);
    close(2);
    CHECK(open("/sht/stdout", O_CREATE | O_WRONLY) == 1, "cannot redirect stdout");
    CHECK(dup(1) == 2, "cannot redirect stderr");
    char *argv[] = {"sh", "/sht/script", 0};
    exec("/sh", argv);
    exit(99);
  }
  expect_child_status(0);

  expect_file("/sht/in", "alpha beta\ngamma\n");
  expect_counts("/sht/count", 2, 3, 17);
  expect_file("/sht/long", "alpha beta\n");
  expect_file("/sht/two", "two\n");
  expect_counts("/sht/sub", 2, 2, 10);
  char out[512];
  CHECK(read_file("/sht/stdout", out, sizeof(out)) > 0, "the shell printed nothing");
  CHECK(strncmp(out, "one\n", 4) == 0, "the shell's output starts \"%s\", not \"one\"", out);
  CHECK(test_contains(out, "nosuchprogram"), "no error for a missing program: \"%s\"", out);
  CHECK(test_contains(out, "last\n"), "the script stopped at the missing program: \"%s\"", out);
  // The background job finishes on its own time.
  char bg[16];
  for (int i = 0; i < 50 && read_file("/sht/bg", bg, sizeof(bg)) != 3; i++)
    sleep(1);
  expect_file("/sht/bg", "bg\n");
  test_pass();
}
