// Victim selection: which frame gives up its page when the user pool is empty. The frame
// table's list is kept in hand order: its head is where the clock hand points, its tail the
// frame that most recently got a page. The scan looks at the head, and whatever it does not
// take goes to the tail, so one step of the scan is one step of the hand.
//
//   clock (second chance): a frame whose accessed bit is set has the bit cleared and is
//                          passed over once; the first frame found not accessed is the victim
//   2q (the default):      two queues in one list: a new page is on probation and taken if
//                          the hand finds it unused; one used again becomes active, and the
//                          hand ages active pages only when few are on probation, so pages
//                          touched once (a scan) do not push out the pages in use
//   FIFO:                  the oldest frame that can be taken, accessed or not
//
// A frame that cannot be taken now (pinned, its owner busy, no swap slot for it) is passed
// over too. Pure list code, called with frame_lock held (frame.c); the frame table says what
// each frame is through look(). Host unit test: tests/unit/test_victim.c.
#include "vm/vm.h"

static void move_to_tail(struct frame *list, struct frame *f) {
  f->prev->next = f->next;
  f->next->prev = f->prev;
  f->next = list;
  f->prev = list->prev;
  list->prev->next = f;
  list->prev = f;
}

// Scans at most max_steps frames from the head; returns the victim (moved to the tail: it is
// about to hold a new page), or NULL with *busy set to how many frames were passed over only
// because they could not be taken now (waiting may help when it is not 0).
struct frame *victim_scan(struct frame *list, enum evict_policy policy, victim_look_fn look,
                          void *arg, uint64 max_steps, uint64 *busy) {
  *busy = 0;
  for (uint64 step = 0; step < max_steps && list->next != list; step++) {
    struct frame *f = list->next;
    enum victim_look seen = look(f, policy, arg);
    move_to_tail(list, f);
    if (seen == LOOK_TAKEN)
      return f;
    if (seen == LOOK_BUSY)
      (*busy)++;
  }
  return NULL;
}
