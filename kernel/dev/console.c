// The console device (major CONSOLE): output goes straight to the UART; input arrives by
// interrupt and is edited a line at a time (backspace, Ctrl-U kills the line, Ctrl-D ends
// input) before readers see it. Ctrl-P lists processes and harts, then the fault-injection
// figures so far.
// Lock: cons.lock guards the input buffer and its indices; readers sleep on &cons.r.
#include "dev/console.h"
#include "arch/cpu.h"
#include "arch/spinlock.h"
#include "dev/uart.h"
#include "fs/file.h"
#include "lib/failinject.h"
#include "lib/printf.h"
#include "proc/proc.h"

#define CTRL(c) ((c) - '@')
#define BACKSPACE 0x100
#define INPUT_BUF 256

static struct {
  struct spinlock lock;
  char buf[INPUT_BUF];
  uint r;  // next byte a reader takes
  uint w;  // end of the lines readers may take
  uint e;  // end of the line being edited
} cons = {.lock = SPINLOCK_INIT("console input")};

void console_dump_harts(void) {
  for (int i = 0; i < ncpu; i++)
    printf("hart %lu (cpus[%d]): %s, %lu timer ticks, running %s\n", cpus[i].hartid, i,
           cpus[i].online ? "online" : "offline", cpus[i].ticks,
           cpus[i].proc ? cpus[i].proc->name : "nothing");
}

// Echo, with backspace erasing the character on screen.
static void echo(int c) {
  if (c == BACKSPACE) {
    uart_putc_sync('\b');
    uart_putc_sync(' ');
    uart_putc_sync('\b');
  } else {
    uart_putc_sync(c);
  }
}

// Called by the UART interrupt for every input byte.
static void console_input(int c) {
  if (c == CTRL('P')) {
    procdump();
    console_dump_harts();
    failinject_report();  // the figures so far: a stuck machine never reaches power-off
    return;
  }
  acquire(&cons.lock);
  switch (c) {
  case CTRL('U'):
    while (cons.e != cons.w && cons.buf[(cons.e - 1) % INPUT_BUF] != '\n') {
      cons.e--;
      echo(BACKSPACE);
    }
    break;
  case CTRL('H'):
  case 0x7f:
    if (cons.e != cons.w) {
      cons.e--;
      echo(BACKSPACE);
    }
    break;
  default:
    if (c != 0 && cons.e - cons.r < INPUT_BUF) {
      c = c == '\r' ? '\n' : c;
      echo(c);
      cons.buf[cons.e++ % INPUT_BUF] = (char)c;
      if (c == '\n' || c == CTRL('D') || cons.e - cons.r == INPUT_BUF) {
        cons.w = cons.e;
        wakeup(&cons.r);
      }
    }
    break;
  }
  release(&cons.lock);
}

// Reads up to n bytes, at most one line; Ctrl-D at the start of a line reads as end of file.
static int console_read(int user_dst, uint64 dst, int n) {
  int want = n;
  acquire(&cons.lock);
  while (n > 0) {
    while (cons.r == cons.w) {
      if (killed(myproc())) {
        release(&cons.lock);
        return -1;
      }
      sleep(&cons.r, &cons.lock);
    }
    char c = cons.buf[cons.r++ % INPUT_BUF];
    if (c == CTRL('D')) {
      if (n < want)
        cons.r--;  // keep it for the next read, which then returns 0
      break;
    }
    if (either_copyout(user_dst, dst, &c, 1) < 0)
      break;
    dst++;
    n--;
    if (c == '\n')
      break;
  }
  release(&cons.lock);
  return want - n;
}

static int console_write(int user_src, uint64 src, int n) {
  char chunk[64];
  int done = 0;
  while (done < n) {
    int len = MIN(n - done, (int)sizeof(chunk));
    if (either_copyin(chunk, user_src, src + done, len) < 0)
      break;
    console_write_bytes(chunk, len);
    done += len;
  }
  return done;
}

void console_init(void) {
  uart_input_handler = console_input;
  devsw[CONSOLE].read = console_read;
  devsw[CONSOLE].write = console_write;
  uart_enable_interrupts();
}
