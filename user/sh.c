// sh: the shell. Reads commands from standard input (prompting with "$ ") or from the script
// file it is given, and runs them. The language:
//   list     := pipeline { (';' | '&') [pipeline] }     ';' runs in order, '&' in background
//   pipeline := command { '|' command }
//   command  := '(' list ')' { redir } | word { word | redir }
//   redir    := '<' word | '>' word | '>>' word
// Words may be quoted with '...' or "..."; '#' starts a comment. Built-ins: cd, exit.
// A line is read, cut into tokens, parsed into a tree of nodes, then run: each command runs
// in a child process; a program is looked up as named, then at the root ("/ls").
#include "user.h"

#define MAXLINE 512
#define MAXTOKENS 128
#define MAXWORDS 32   // arguments per command
#define MAXREDIRS 4   // redirections per command
#define MAXNODES 64

// ---- Tokens ----

enum token_kind { T_WORD, T_PIPE, T_SEMI, T_AMP, T_LT, T_GT, T_GTGT, T_LPAREN, T_RPAREN, T_END };

struct token {
  enum token_kind kind;
  char *word;  // T_WORD: the word, NUL-terminated in the word store
};

static struct token tokens[MAXTOKENS];
static int ntokens, next_token;
static char words[MAXLINE * 2];  // the text of every word of the line

static int is_special(char c) {
  return c == '|' || c == ';' || c == '&' || c == '<' || c == '>' || c == '(' || c == ')';
}

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Copies one word (with quotes removed) from *p into the word store at *w; -1 if a quote is
// not closed.
static int scan_word(char **p, char **w) {
  char *s = *p;
  while (*s && !is_space(*s) && !is_special(*s) && *s != '#') {
    if (*s == '\'' || *s == '"') {
      char quote = *s++;
      while (*s && *s != quote)
        *(*w)++ = *s++;
      if (*s != quote)
        return -1;
      s++;
    } else {
      *(*w)++ = *s++;
    }
  }
  *(*w)++ = 0;
  *p = s;
  return 0;
}

// Cuts line into tokens; -1 (with a message) on an unclosed quote or too many tokens.
static int tokenize(char *line) {
  static const char singles[] = "|;&<>()";
  static const enum token_kind kinds[] = {T_PIPE, T_SEMI, T_AMP, T_LT, T_GT, T_LPAREN, T_RPAREN};
  char *p = line, *w = words;
  ntokens = next_token = 0;
  for (;;) {
    while (is_space(*p))
      p++;
    if (*p == 0 || *p == '#')
      break;
    if (ntokens == MAXTOKENS - 1) {
      fprintf(2, "sh: line too long\n");
      return -1;
    }
    struct token *t = &tokens[ntokens++];
    if (p[0] == '>' && p[1] == '>') {
      t->kind = T_GTGT;
      p += 2;
    } else if (is_special(*p)) {
      t->kind = kinds[strchr(singles, *p) - singles];
      p++;
    } else {
      t->kind = T_WORD;
      t->word = w;
      if (scan_word(&p, &w) < 0) {
        fprintf(2, "sh: unclosed quote\n");
        return -1;
      }
    }
  }
  tokens[ntokens].kind = T_END;
  return 0;
}

// ---- The tree ----

enum node_kind { N_COMMAND, N_SUBSHELL, N_PIPE, N_SEQUENCE, N_BACKGROUND };

struct redir {
  enum token_kind kind;  // T_LT, T_GT or T_GTGT
  char *file;
};

struct node {
  enum node_kind kind;
  char *argv[MAXWORDS + 1];  // N_COMMAND
  struct redir redirs[MAXREDIRS];  // N_COMMAND and N_SUBSHELL
  int nredirs;
  struct node *left, *right;  // N_PIPE, N_SEQUENCE, N_BACKGROUND (right may be 0);
                              // N_SUBSHELL: left is the list inside
};

static struct node nodes[MAXNODES];
static int nnodes;
static int parse_failed;

static struct node *new_node(enum node_kind kind) {
  if (nnodes == MAXNODES) {
    parse_failed = 1;
    return 0;
  }
  struct node *n = &nodes[nnodes++];
  memset(n, 0, sizeof(*n));
  n->kind = kind;
  return n;
}

static const char *token_text(struct token *t) {
  static const char *text[] = {"word", "|", ";", "&", "<", ">", ">>", "(", ")", "end of line"};
  return t->kind == T_WORD ? t->word : text[t->kind];
}

static struct token *peek(void) {
  return &tokens[next_token];
}

static void syntax_error(void) {
  if (!parse_failed)
    fprintf(2, "sh: syntax error near '%s'\n", token_text(peek()));
  parse_failed = 1;
}

// Parses a redirection if one comes next; returns whether it did.
static int parse_redir(struct node *n) {
  enum token_kind k = peek()->kind;
  if (k != T_LT && k != T_GT && k != T_GTGT)
    return 0;
  next_token++;
  if (peek()->kind != T_WORD || n->nredirs == MAXREDIRS) {
    syntax_error();
    return 0;
  }
  n->redirs[n->nredirs++] = (struct redir){k, peek()->word};
  next_token++;
  return 1;
}

static struct node *parse_list(void);

static struct node *parse_command(void) {
  if (peek()->kind == T_LPAREN) {
    next_token++;
    struct node *n = new_node(N_SUBSHELL);
    if (!n)
      return 0;
    n->left = parse_list();
    if (peek()->kind != T_RPAREN || !n->left) {
      syntax_error();
      return 0;
    }
    next_token++;
    while (parse_redir(n))
      ;
    return n;
  }
  struct node *n = new_node(N_COMMAND);
  int argc = 0;
  while (n && !parse_failed) {
    if (peek()->kind == T_WORD) {
      if (argc == MAXWORDS) {
        fprintf(2, "sh: too many arguments\n");
        parse_failed = 1;
        return 0;
      }
      n->argv[argc++] = tokens[next_token++].word;
    } else if (!parse_redir(n)) {
      break;
    }
  }
  if (argc == 0)
    syntax_error();
  return parse_failed ? 0 : n;
}

static struct node *parse_pipeline(void) {
  struct node *left = parse_command();
  while (left && peek()->kind == T_PIPE) {
    next_token++;
    struct node *pipe_node = new_node(N_PIPE);
    if (!pipe_node)
      return 0;
    pipe_node->left = left;
    pipe_node->right = parse_command();
    if (!pipe_node->right)
      return 0;
    left = pipe_node;
  }
  return left;
}

// A list ends at the end of the line or at a ')'.
static struct node *parse_list(void) {
  struct node *left = parse_pipeline();
  while (left && (peek()->kind == T_SEMI || peek()->kind == T_AMP)) {
    struct node *n = new_node(peek()->kind == T_SEMI ? N_SEQUENCE : N_BACKGROUND);
    next_token++;
    if (!n)
      return 0;
    n->left = left;
    if (peek()->kind != T_END && peek()->kind != T_RPAREN && !(n->right = parse_list()))
      return 0;
    left = n;
  }
  return left;
}

static struct node *parse_line(char *line) {
  nnodes = 0;
  parse_failed = 0;
  if (tokenize(line) < 0)
    return 0;
  if (ntokens == 0)
    return 0;
  struct node *n = parse_list();
  if (n && peek()->kind != T_END)
    syntax_error();
  if (nnodes == MAXNODES)
    fprintf(2, "sh: command too complex\n");
  return parse_failed ? 0 : n;
}

// ---- Running ----

static void run_in_child(struct node *n) __attribute__((noreturn));
static int run(struct node *n);

// Opens file as descriptor fd (0 or 1); for >> positions the offset at the end by reading.
static int redirect(struct redir *r) {
  int fd = r->kind == T_LT ? 0 : 1;
  int mode = r->kind == T_LT ? O_RDONLY
             : r->kind == T_GT ? O_WRONLY | O_CREATE | O_TRUNC : O_RDWR | O_CREATE;
  close(fd);
  if (open(r->file, mode) != fd) {
    fprintf(2, "sh: cannot open %s\n", r->file);
    return -1;
  }
  if (r->kind == T_GTGT) {
    static char skip[1024];
    while (read(fd, skip, sizeof(skip)) > 0)
      ;
  }
  return 0;
}

static void apply_redirs(struct node *n) {
  for (int i = 0; i < n->nredirs; i++)
    if (redirect(&n->redirs[i]) < 0)
      exit(1);
}

// Runs a program: as named, then from the root directory.
static void exec_command(char **argv) {
  exec(argv[0], argv);
  if (argv[0][0] != '/' && strlen(argv[0]) < 100) {
    char path[128];
    snprintf(path, sizeof(path), "/%s", argv[0]);
    exec(path, argv);
  }
  fprintf(2, "sh: %s: not found\n", argv[0]);
  exit(127);
}

// Waits for child pid (reaping finished background jobs on the way); its exit status.
static int wait_for(int pid) {
  int status, got;
  while ((got = wait(&status)) >= 0)
    if (got == pid)
      return status;
  return -1;
}

static int spawn(struct node *n) {
  int pid = fork();
  if (pid == 0)
    run_in_child(n);
  if (pid < 0)
    fprintf(2, "sh: fork failed\n");
  return pid;
}

// Runs the two sides of a pipe in two children; the status is the right side's.
static int run_pipe(struct node *n) {
  int fds[2];
  if (pipe(fds) < 0) {
    fprintf(2, "sh: pipe failed\n");
    return -1;
  }
  int left = fork();
  if (left == 0) {
    close(1);
    dup(fds[1]);
    close(fds[0]);
    close(fds[1]);
    run_in_child(n->left);
  }
  int right = left < 0 ? -1 : fork();
  if (right == 0) {
    close(0);
    dup(fds[0]);
    close(fds[0]);
    close(fds[1]);
    run_in_child(n->right);
  }
  close(fds[0]);
  close(fds[1]);
  if (left < 0 || right < 0)
    fprintf(2, "sh: fork failed\n");
  if (left > 0)
    wait_for(left);
  return right > 0 ? wait_for(right) : -1;
}

// Runs n in this process, which is a child of the shell, and exits with its status.
static void run_in_child(struct node *n) {
  switch (n->kind) {
  case N_COMMAND:
    apply_redirs(n);
    exec_command(n->argv);
    break;
  case N_SUBSHELL:
    apply_redirs(n);
    exit(run(n->left));
  default:
    exit(run(n));
  }
  exit(1);
}

// The built-ins, which change the shell itself. Returns 1 if argv was one (status in *st).
static int builtin(char **argv, int *st) {
  if (strcmp(argv[0], "cd") == 0) {
    const char *dir = argv[1] ? argv[1] : "/";
    *st = chdir(dir) < 0 ? 1 : 0;
    if (*st)
      fprintf(2, "sh: cd: cannot change to %s\n", dir);
    return 1;
  }
  if (strcmp(argv[0], "exit") == 0)
    exit(argv[1] ? atoi(argv[1]) : 0);
  return 0;
}

// Runs n from the shell process and returns its exit status.
static int run(struct node *n) {
  int status = 0;
  switch (n->kind) {
  case N_COMMAND:
    if (n->nredirs == 0 && builtin(n->argv, &status))
      return status;
    return wait_for(spawn(n));
  case N_SUBSHELL:
    return wait_for(spawn(n));
  case N_PIPE:
    return run_pipe(n);
  case N_SEQUENCE:
    run(n->left);
    return n->right ? run(n->right) : 0;
  case N_BACKGROUND: {
    int pid = spawn(n->left);
    if (pid > 0)
      fprintf(2, "[%d]\n", pid);
    return n->right ? run(n->right) : 0;
  }
  }
  return -1;
}

// Reads one line from fd, a byte at a time so that commands reading the same descriptor see
// the rest; returns 0 at the end of input.
static int read_line(int fd, char *buf, int max) {
  int n = 0;
  char c;
  while (n < max - 1 && read(fd, &c, 1) == 1) {
    buf[n++] = c;
    if (c == '\n')
      break;
  }
  buf[n] = 0;
  return n;
}

int main(int argc, char **argv) {
  int in = 0;
  if (argc > 1 && (in = open(argv[1], O_RDONLY)) < 0) {
    fprintf(2, "sh: cannot open %s\n", argv[1]);
    return 1;
  }
  static char line[MAXLINE];
  for (;;) {
    if (in == 0)
      fprintf(2, "$ ");
    if (read_line(in, line, sizeof(line)) == 0)
      return 0;
    struct node *n = parse_line(line);
    if (n)
      run(n);
  }
}
