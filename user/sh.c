// sh: the shell. Reads lines from standard input (prompting with "$ " when that is the
// console) or from the script named as its argument, and runs each line in three steps:
// lex (the line becomes a token array), parse (the tokens become a tree of nodes in a pool
// that is reset for every line), run (the tree is walked, forking a child for each program).
// The language, from loosest to tightest binding:
//   list     := pipeline { (';' | '&') [pipeline] }    ';' waits, '&' does not
//   pipeline := stage { '|' stage }
//   stage    := '(' list ')' {redirect}  |  (word | redirect) {word | redirect}
//   redirect := ('<' | '>' | '>>') word
// Words may be quoted with '...' or "..." or escaped with '\'; '#' starts a comment. cd and
// exit are built in. A program is looked up as written, then at the root: "ls" runs "/ls".
#include "user.h"

#define LINE_MAX 512
#define MAX_TOKENS 128
#define MAX_ARGS 32   // the kernel's MAXARG
#define MAX_REDIRECTS 8
#define MAX_STAGES 16
#define MAX_ITEMS 16
#define MAX_NODES 64
#define PATH_MAX 128
#define NOT_RUNNABLE 127  // exit status of a child whose program could not be run

// ---------------------------------------------------------------- lexing

enum token_kind { TOK_WORD, TOK_PIPE, TOK_SEMI, TOK_AMP, TOK_LESS, TOK_GREAT, TOK_APPEND,
                  TOK_OPEN, TOK_CLOSE, TOK_END };

struct token {
  enum token_kind kind;
  char *text;  // TOK_WORD: the word with its quotes removed
};

// The operators, longest first so that ">>" is not read as two ">".
static const struct operator {
  const char *text;
  enum token_kind kind;
} operators[] = {
  {">>", TOK_APPEND}, {"|", TOK_PIPE}, {";", TOK_SEMI}, {"&", TOK_AMP},
  {"<", TOK_LESS}, {">", TOK_GREAT}, {"(", TOK_OPEN}, {")", TOK_CLOSE},
};
#define NOPERATORS (sizeof(operators) / sizeof(operators[0]))

static struct token tokens[MAX_TOKENS];
static int ntokens;      // tokens of the current line, TOK_END included
static int next_token;   // the parser's position in tokens
static char word_store[LINE_MAX + MAX_TOKENS];  // the words' characters, NUL-terminated

static int is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// The operator that starts at s, or 0.
static const struct operator *operator_at(const char *s) {
  for (unsigned i = 0; i < NOPERATORS; i++)
    if (strncmp(s, operators[i].text, strlen(operators[i].text)) == 0)
      return &operators[i];
  return 0;
}

// Copies the word that starts at *s into *out, removing quotes and escapes, and advances
// both past it. Returns -1 if a quote is left open.
static int lex_word(const char **s, char **out) {
  const char *p = *s;
  char quote = 0;  // the quote character we are inside, if any
  while (*p && (quote || (!is_blank(*p) && !operator_at(p)))) {
    if (quote && *p == quote) {
      quote = 0;
    } else if (!quote && (*p == '\'' || *p == '"')) {
      quote = *p;
    } else if (*p == '\\' && quote != '\'' && p[1]) {
      *(*out)++ = *++p;
    } else {
      *(*out)++ = *p;
    }
    p++;
  }
  *(*out)++ = 0;
  *s = p;
  return quote ? -1 : 0;
}

// Cuts line into tokens; -1 (after saying why) if it cannot.
static int lex(const char *line) {
  char *out = word_store;
  ntokens = next_token = 0;
  for (;;) {
    while (is_blank(*line))
      line++;
    if (*line == 0 || *line == '#')
      break;
    if (ntokens == MAX_TOKENS - 1) {
      fprintf(2, "sh: too many words in one line\n");
      return -1;
    }
    struct token *t = &tokens[ntokens++];
    const struct operator *op = operator_at(line);
    if (op) {
      t->kind = op->kind;
      line += strlen(op->text);
    } else {
      t->kind = TOK_WORD;
      t->text = out;
      if (lex_word(&line, &out) < 0) {
        fprintf(2, "sh: unmatched quote\n");
        return -1;
      }
    }
  }
  tokens[ntokens++].kind = TOK_END;
  return 0;
}

static const char *token_name(const struct token *t) {
  if (t->kind == TOK_WORD)
    return t->text;
  for (unsigned i = 0; i < NOPERATORS; i++)
    if (operators[i].kind == t->kind)
      return operators[i].text;
  return "end of line";
}

// ---------------------------------------------------------------- parsing

enum node_kind { NODE_PROGRAM, NODE_GROUP, NODE_PIPELINE, NODE_LIST };

struct redirect {
  enum token_kind kind;  // TOK_LESS, TOK_GREAT or TOK_APPEND
  char *path;
};

struct node {
  enum node_kind kind;
  int nredirects;  // NODE_PROGRAM and NODE_GROUP
  struct redirect redirects[MAX_REDIRECTS];
  union {
    struct {
      int argc;
      char *argv[MAX_ARGS + 1];
    } program;
    struct node *group;  // the list inside the parentheses
    struct {
      int n;
      struct node *stage[MAX_STAGES];
    } pipeline;
    struct {
      int n;
      struct node *item[MAX_ITEMS];
      char background[MAX_ITEMS];  // item i ended with '&'
    } list;
  };
};

static struct node node_pool[MAX_NODES];
static int nodes_used;
static int parse_failed;  // an error was reported for this line

static struct token *peek(void) {
  return &tokens[next_token];
}

// Reports a parse error once per line; returns 0 so callers can `return fail(...)`.
static struct node *fail(const char *what) {
  if (!parse_failed) {
    if (what)
      fprintf(2, "sh: %s\n", what);
    else
      fprintf(2, "sh: syntax error near '%s'\n", token_name(peek()));
  }
  parse_failed = 1;
  return 0;
}

static struct node *new_node(enum node_kind kind) {
  if (nodes_used == MAX_NODES)
    return fail("command too complex");
  struct node *n = &node_pool[nodes_used++];
  memset(n, 0, sizeof(*n));
  n->kind = kind;
  return n;
}

// Parses one redirection into n if one comes next: 1 if it did, 0 if none, -1 on an error.
static int parse_redirect(struct node *n) {
  enum token_kind kind = peek()->kind;
  if (kind != TOK_LESS && kind != TOK_GREAT && kind != TOK_APPEND)
    return 0;
  next_token++;
  if (peek()->kind != TOK_WORD || n->nredirects == MAX_REDIRECTS) {
    fail(peek()->kind != TOK_WORD ? 0 : "too many redirections");
    return -1;
  }
  n->redirects[n->nredirects++] = (struct redirect){kind, peek()->text};
  next_token++;
  return 1;
}

static struct node *parse_list(void);

// '(' list ')' followed by redirections.
static struct node *parse_group(void) {
  next_token++;  // the '('
  struct node *g = new_node(NODE_GROUP);
  if (!g || !(g->group = parse_list()))
    return 0;
  if (peek()->kind != TOK_CLOSE)
    return fail(0);
  next_token++;
  int r;
  while ((r = parse_redirect(g)) > 0)
    ;
  if (r < 0 || peek()->kind == TOK_WORD || peek()->kind == TOK_OPEN)
    return fail(0);
  return g;
}

static struct node *parse_stage(void) {
  if (peek()->kind == TOK_OPEN)
    return parse_group();
  struct node *p = new_node(NODE_PROGRAM);
  if (!p)
    return 0;
  for (;;) {
    if (peek()->kind == TOK_WORD) {
      if (p->program.argc == MAX_ARGS)
        return fail("too many arguments");
      p->program.argv[p->program.argc++] = tokens[next_token++].text;
      continue;
    }
    int r = parse_redirect(p);
    if (r < 0)
      return 0;
    if (r == 0)
      break;
  }
  return p->program.argc > 0 ? p : fail(0);
}

static struct node *parse_pipeline(void) {
  struct node *first = parse_stage();
  if (!first || peek()->kind != TOK_PIPE)
    return first;
  struct node *p = new_node(NODE_PIPELINE);
  if (!p)
    return 0;
  p->pipeline.stage[p->pipeline.n++] = first;
  while (peek()->kind == TOK_PIPE) {
    next_token++;
    if (p->pipeline.n == MAX_STAGES)
      return fail("pipeline too long");
    struct node *s = parse_stage();
    if (!s)
      return 0;
    p->pipeline.stage[p->pipeline.n++] = s;
  }
  return p;
}

// A list ends at the end of the line or at a ')'.
static struct node *parse_list(void) {
  struct node *first = parse_pipeline();
  if (!first || (peek()->kind != TOK_SEMI && peek()->kind != TOK_AMP))
    return first;
  struct node *l = new_node(NODE_LIST);
  if (!l)
    return 0;
  l->list.item[l->list.n++] = first;
  while (peek()->kind == TOK_SEMI || peek()->kind == TOK_AMP) {
    l->list.background[l->list.n - 1] = peek()->kind == TOK_AMP;
    next_token++;
    if (peek()->kind == TOK_END || peek()->kind == TOK_CLOSE)
      break;
    if (l->list.n == MAX_ITEMS)
      return fail("too many commands in one line");
    struct node *item = parse_pipeline();
    if (!item)
      return 0;
    l->list.item[l->list.n++] = item;
  }
  return l;
}

// The tree for line, or 0 if the line is empty or wrong (the error has been reported).
static struct node *parse_line(const char *line) {
  nodes_used = 0;
  parse_failed = 0;
  if (lex(line) < 0 || ntokens == 1)
    return 0;
  struct node *tree = parse_list();
  if (tree && peek()->kind != TOK_END)
    return fail(0);
  return tree;
}

// ---------------------------------------------------------------- running

static int script_fd = -1;  // the script being read, which children must not inherit

static int run(struct node *n);
static void become(struct node *n) __attribute__((noreturn));

// Makes descriptor `to` (0, 1 or 2) a copy of `from` and closes `from`. dup takes the lowest
// free descriptor, which is `to` because the shell keeps 0, 1 and 2 open.
static int move_fd(int from, int to) {
  if (from == to)
    return 0;
  close(to);
  int got = dup(from);
  close(from);
  if (got == to)
    return 0;
  fprintf(2, "sh: cannot set up descriptor %d\n", to);
  return -1;
}

// For '>>': moves the offset of fd to the end of its file, by reading (there is no lseek).
static void skip_to_end(int fd) {
  static char sink[1024];
  struct stat st;
  if (fstat(fd, &st) == 0 && st.type == T_FILE)
    while (read(fd, sink, sizeof(sink)) > 0)
      ;
}

static int apply_redirects(struct node *n) {
  for (int i = 0; i < n->nredirects; i++) {
    struct redirect *r = &n->redirects[i];
    int flags = r->kind == TOK_LESS    ? O_RDONLY
                : r->kind == TOK_GREAT ? O_WRONLY | O_CREATE | O_TRUNC
                                       : O_RDWR | O_CREATE;
    int fd = open(r->path, flags);
    if (fd < 0) {
      fprintf(2, "sh: cannot open %s\n", r->path);
      return -1;
    }
    if (r->kind == TOK_APPEND)
      skip_to_end(fd);
    if (move_fd(fd, r->kind == TOK_LESS ? 0 : 1) < 0)
      return -1;
  }
  return 0;
}

// cd and exit. Returns 1 if argv names a built-in (its status in *status), else 0.
static int builtin(char **argv, int *status) {
  if (strcmp(argv[0], "cd") == 0) {
    const char *dir = argv[1] ? argv[1] : "/";
    *status = chdir(dir) == 0 ? 0 : 1;
    if (*status)
      fprintf(2, "sh: cd: %s: no such directory\n", dir);
    return 1;
  }
  if (strcmp(argv[0], "exit") == 0)
    exit(argv[1] ? atoi(argv[1]) : 0);
  return 0;
}

// Replaces this child with the program argv[0], trying "/name" after "name".
static void exec_program(char **argv) {
  char rooted[PATH_MAX];
  exec(argv[0], argv);
  int try_root = argv[0][0] != '/' && strlen(argv[0]) < sizeof(rooted) - 1;
  if (try_root) {
    snprintf(rooted, sizeof(rooted), "/%s", argv[0]);
    exec(rooted, argv);
  }
  struct stat st;
  if (stat(argv[0], &st) == 0 || (try_root && stat(rooted, &st) == 0))
    fprintf(2, "sh: %s: cannot execute\n", argv[0]);
  else
    fprintf(2, "sh: %s: not found\n", argv[0]);
  exit(NOT_RUNNABLE);
}

// Runs n in this process, which is a child of the shell, and exits with n's status.
static void become(struct node *n) {
  int status = 0;
  if (script_fd > 2)
    close(script_fd);
  if (apply_redirects(n) < 0)
    exit(1);
  switch (n->kind) {
  case NODE_PROGRAM:
    if (builtin(n->program.argv, &status))
      exit(status);
    exec_program(n->program.argv);
    break;
  case NODE_GROUP:
    exit(run(n->group));
  default:
    exit(run(n));
  }
  exit(1);
}

static int spawn(struct node *n) {
  int pid = fork();
  if (pid == 0)
    become(n);
  if (pid < 0)
    fprintf(2, "sh: cannot fork\n");
  return pid;
}

// Waits until every child in pids[0..n) has exited (finished background jobs are reaped on
// the way); returns the status of the last one, or -1 if it never ran.
static int wait_all(int *pids, int n) {
  int left = 0, last_status = -1;
  for (int i = 0; i < n; i++)
    left += pids[i] > 0;
  while (left > 0) {
    int status, pid = wait(&status);
    if (pid < 0)
      break;
    for (int i = 0; i < n; i++) {
      if (pids[i] != pid)
        continue;
      pids[i] = 0;
      left--;
      if (i == n - 1)
        last_status = status;
    }
  }
  return last_status;
}

// Starts stage i of a pipeline reading from descriptor in (-1: the shell's input) and writing
// to a new pipe, unless it is the last stage. Returns its pid; *next_in becomes the read
// end of the new pipe (-1 after the last stage or on failure).
static int start_stage(struct node *p, int i, int in, int *next_in) {
  int fds[2] = {-1, -1};
  int last = i == p->pipeline.n - 1;
  *next_in = -1;
  if (!last && pipe(fds) < 0) {
    fprintf(2, "sh: cannot make a pipe\n");
    return -1;
  }
  int pid = fork();
  if (pid == 0) {
    if (!last)
      close(fds[0]);
    if ((in >= 0 && move_fd(in, 0) < 0) || (!last && move_fd(fds[1], 1) < 0))
      exit(1);
    become(p->pipeline.stage[i]);
  }
  if (pid < 0)
    fprintf(2, "sh: cannot fork\n");
  if (!last) {
    close(fds[1]);
    if (pid > 0)
      *next_in = fds[0];
    else
      close(fds[0]);
  }
  return pid;
}

// Runs every stage at once, each stage's output feeding the next one's input; the status is
// the last stage's.
static int run_pipeline(struct node *p) {
  int pids[MAX_STAGES], in = -1;
  int started = 0;
  while (started < p->pipeline.n) {
    int next_in;
    pids[started] = start_stage(p, started, in, &next_in);
    if (in >= 0)
      close(in);
    in = next_in;
    if (pids[started++] < 0)
      break;
  }
  return wait_all(pids, started);
}

static int run_list(struct node *l) {
  int status = 0;
  for (int i = 0; i < l->list.n; i++) {
    if (!l->list.background[i]) {
      status = run(l->list.item[i]);
      continue;
    }
    int pid = spawn(l->list.item[i]);
    if (pid > 0)
      fprintf(2, "[%d]\n", pid);
    status = pid > 0 ? 0 : 1;
  }
  return status;
}

// Runs n from a shell process (the shell itself or a subshell) and returns its status.
static int run(struct node *n) {
  int status;
  switch (n->kind) {
  case NODE_LIST:
    return run_list(n);
  case NODE_PIPELINE:
    return run_pipeline(n);
  case NODE_PROGRAM:
    if (n->nredirects == 0 && builtin(n->program.argv, &status))
      return status;
    break;
  case NODE_GROUP:
    break;
  }
  int pid = spawn(n);
  return wait_all(&pid, 1);
}

// ---------------------------------------------------------------- input

// Reads one line (without its newline) from fd, a byte at a time so that programs reading
// the same descriptor get the rest. Returns its length, -1 at the end of input, or -2 if it
// was too long (the rest of it is skipped).
static int read_line(int fd, char *buf, int max) {
  int len = 0, too_long = 0;
  char c;
  int got;
  while ((got = read(fd, &c, 1)) == 1 && c != '\n') {
    if (len < max - 1)
      buf[len++] = c;
    else
      too_long = 1;
  }
  buf[len] = 0;
  if (got != 1 && len == 0)
    return -1;
  return too_long ? -2 : len;
}

// Makes sure descriptors 0, 1 and 2 are open, so that redirection can rely on dup's choice.
static void ensure_standard_fds(void) {
  struct stat st;
  for (int fd = 0; fd < 3; fd++) {
    if (fstat(fd, &st) == 0)
      continue;
    int got = open("/console", O_RDWR);
    if (got != fd && got >= 0)
      close(got);
  }
}

int main(int argc, char **argv) {
  static char line[LINE_MAX];
  int in = 0;
  ensure_standard_fds();
  if (argc > 2) {
    fprintf(2, "usage: sh [script]\n");
    return 1;
  }
  if (argc == 2 && (in = script_fd = open(argv[1], O_RDONLY)) < 0) {
    fprintf(2, "sh: cannot open %s\n", argv[1]);
    return 1;
  }
  struct stat st;
  int interactive = in == 0 && fstat(0, &st) == 0 && st.type == T_DEVICE;
  for (;;) {
    if (interactive)
      fprintf(2, "$ ");
    int len = read_line(in, line, sizeof(line));
    if (len == -1)
      return 0;
    if (len == -2) {
      fprintf(2, "sh: line too long\n");
      continue;
    }
    struct node *tree = parse_line(line);
    if (tree)
      run(tree);
  }
}
