// virtio-blk over the virtio-mmio transport, modern interface only (virtio 1.x, MMIO register
// version 2): finds the device, negotiates features, sets up one split virtqueue and moves
// sectors with one descriptor chain per request (header, one or more data buffers, status),
// several requests in flight at once.
// Callers are processes (the buffer cache, swap, the partition reader): each sleeps on its own
// request until the interrupt handler, on whichever hart takes the interrupt, finds it in the
// used ring. Locks: vblk.lock guards the queue and every request's state; it is taken before
// p->lock (sleep, wakeup). All rings and requests are little-endian, as RISC-V is.
#include "dev/disk.h"
#include "arch/memlayout.h"
#include "arch/spinlock.h"
#include "arch/trap.h"
#include "dev/plic.h"
#include "lib/failinject.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "main.h"
#include "mm/mm.h"
#include "proc/proc.h"

// virtio-mmio registers (virtio 1.2, 4.2.2 "MMIO Device Register Layout"): byte offsets of
// 32-bit registers; the device-specific configuration space starts at MMIO_CONFIG.
#define MMIO_MAGIC 0x000
#define MMIO_VERSION 0x004
#define MMIO_DEVICE_ID 0x008
#define MMIO_DEVICE_FEATURES 0x010
#define MMIO_DEVICE_FEATURES_SEL 0x014
#define MMIO_DRIVER_FEATURES 0x020
#define MMIO_DRIVER_FEATURES_SEL 0x024
#define MMIO_QUEUE_SEL 0x030
#define MMIO_QUEUE_NUM_MAX 0x034
#define MMIO_QUEUE_NUM 0x038
#define MMIO_QUEUE_READY 0x044
#define MMIO_QUEUE_NOTIFY 0x050
#define MMIO_INTERRUPT_STATUS 0x060
#define MMIO_INTERRUPT_ACK 0x064
#define MMIO_STATUS 0x070
#define MMIO_QUEUE_DESC_LOW 0x080
#define MMIO_QUEUE_DESC_HIGH 0x084
#define MMIO_QUEUE_DRIVER_LOW 0x090
#define MMIO_QUEUE_DRIVER_HIGH 0x094
#define MMIO_QUEUE_DEVICE_LOW 0x0a0
#define MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define MMIO_CONFIG_GENERATION 0x0fc
#define MMIO_CONFIG 0x100  // virtio-blk: the capacity in sectors, 64 bits, comes first
#define MMIO_MIN_SIZE (MMIO_CONFIG + 8)

#define VIRTIO_MAGIC 0x74726976  // "virt", little-endian
#define VIRTIO_ID_BLOCK 2

// Device status bits (virtio 1.2, 2.1).
#define STATUS_ACKNOWLEDGE 1
#define STATUS_DRIVER 2
#define STATUS_DRIVER_OK 4
#define STATUS_FEATURES_OK 8
#define STATUS_FAILED 128

// Feature bits this driver understands; it accepts no others.
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_F_VERSION_1 32

// InterruptStatus / InterruptACK bits.
#define INT_USED_BUFFER 1
#define INT_CONFIG_CHANGE 2

// The split virtqueue (virtio 1.2, 2.7).
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2  // the device writes this buffer
#define VIRTQ_USED_F_NO_NOTIFY 1

struct virtq_desc {
  uint64 addr;  // physical
  uint32 len;
  uint16 flags;
  uint16 next;
};
struct virtq_avail {  // written by the driver only
  uint16 flags;
  uint16 idx;
  uint16 ring[];
};
struct virtq_used_elem {
  uint32 id;  // head descriptor of the chain the device has finished with
  uint32 len;
};
struct virtq_used {  // written by the device only
  uint16 flags;
  uint16 idx;
  struct virtq_used_elem ring[];
};

// Block requests (virtio 1.2, 5.2.6): header, data, status byte.
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_S_OK 0
#define STATUS_UNSET 0xff  // what the status byte holds until the device writes it

struct virtio_blk_req_header {
  uint32 type;
  uint32 reserved;
  uint64 sector;
};

#define SECTOR_SIZE 512
#define QUEUE_SIZE_MAX 64  // queue size used: the device's maximum, capped here
#define DESCS_PER_REQUEST 3  // header, one data buffer, status
#define DESCS_MAX (DISK_PAGES_MAX + 2)  // a vectored request: header, the pages, status
#define RESET_POLLS 1000000

// One request in flight, indexed by its head descriptor. The device reads hdr and writes
// status, so requests live in a page of their own (physical addresses via kva2pa).
struct blk_request {
  struct virtio_blk_req_header hdr;
  volatile uint8 status;
  uint8 busy;   // descriptors taken, not yet given back
  uint8 done;   // the device has put it in the used ring
  uint8 ndesc;  // descriptors in chain
  uint16 chain[DESCS_MAX];
};
_Static_assert(QUEUE_SIZE_MAX * sizeof(struct blk_request) <= PGSIZE, "requests fill a page");

static struct {
  struct spinlock lock;

  // Set once by virtio_blk_init, before the interrupt is enabled; read-only afterwards.
  volatile uint32 *regs;
  uint64 capacity;  // sectors; 0 when there is no device
  int read_only;
  uint32 qsize;
  struct virtq_desc *desc;
  volatile struct virtq_avail *avail;
  volatile struct virtq_used *used;
  struct blk_request *req;  // [qsize]

  // Guarded by lock: the descriptor table, the avail ring and these. Also guarded by lock:
  // every req[i] except status, which the device writes between submission and completion.
  uint16 free_desc[QUEUE_SIZE_MAX];  // stack of free descriptor indexes
  uint32 nfree;
  uint16 avail_idx;  // next avail->idx to publish
  uint16 used_seen;  // used-ring entries handled so far (free-running, like used->idx)
} vblk = {.lock = SPINLOCK_INIT("virtio_blk")};

static uint32 mmio_read(volatile uint32 *regs, uint32 off) { return regs[off / 4]; }
static void mmio_write(volatile uint32 *regs, uint32 off, uint32 v) { regs[off / 4] = v; }

static void set_status_bit(volatile uint32 *regs, uint32 bit) {
  mmio_write(regs, MMIO_STATUS, mmio_read(regs, MMIO_STATUS) | bit);
}

// Writing 0 resets the device; it is reset once Status reads back 0 (virtio 1.2, 2.4).
static int reset_device(volatile uint32 *regs) {
  mmio_write(regs, MMIO_STATUS, 0);
  for (int i = 0; i < RESET_POLLS; i++)
    if (mmio_read(regs, MMIO_STATUS) == 0)
      return 0;
  return -1;
}

// Accepts VIRTIO_F_VERSION_1 (required: it is the modern interface) and VIRTIO_BLK_F_RO
// (advised when offered) and nothing else, then checks the device agreed (FEATURES_OK).
static int negotiate_features(volatile uint32 *regs, int slot) {
  mmio_write(regs, MMIO_DEVICE_FEATURES_SEL, 0);
  uint64 offered = mmio_read(regs, MMIO_DEVICE_FEATURES);
  mmio_write(regs, MMIO_DEVICE_FEATURES_SEL, 1);
  offered |= (uint64)mmio_read(regs, MMIO_DEVICE_FEATURES) << 32;
  if (!(offered & (1UL << VIRTIO_F_VERSION_1))) {
    printf("virtio-blk: slot %d does not offer VIRTIO_F_VERSION_1\n", slot);
    return -1;
  }
  uint64 accepted = offered & ((1UL << VIRTIO_F_VERSION_1) | (1UL << VIRTIO_BLK_F_RO));
  mmio_write(regs, MMIO_DRIVER_FEATURES_SEL, 0);
  mmio_write(regs, MMIO_DRIVER_FEATURES, (uint32)accepted);
  mmio_write(regs, MMIO_DRIVER_FEATURES_SEL, 1);
  mmio_write(regs, MMIO_DRIVER_FEATURES, (uint32)(accepted >> 32));
  set_status_bit(regs, STATUS_FEATURES_OK);
  if (!(mmio_read(regs, MMIO_STATUS) & STATUS_FEATURES_OK)) {
    printf("virtio-blk: slot %d refused features 0x%lx\n", slot, accepted);
    return -1;
  }
  vblk.read_only = (accepted >> VIRTIO_BLK_F_RO) & 1;
  return 0;
}

// The capacity, read as two 32-bit halves (as the MMIO transport requires) until the
// configuration generation shows no change happened in between.
static uint64 read_capacity(volatile uint32 *regs) {
  uint32 gen, lo, hi;
  do {
    gen = mmio_read(regs, MMIO_CONFIG_GENERATION);
    lo = mmio_read(regs, MMIO_CONFIG);
    hi = mmio_read(regs, MMIO_CONFIG + 4);
  } while (gen != mmio_read(regs, MMIO_CONFIG_GENERATION));
  return (uint64)hi << 32 | lo;
}

static void free_queue_memory(void) {
  void *pages[] = {vblk.desc, (void *)vblk.avail, (void *)vblk.used, vblk.req};
  for (uint64 i = 0; i < ARRAY_SIZE(pages); i++)
    if (pages[i])
      kpage_free(pages[i]);
  vblk.desc = NULL;
  vblk.avail = NULL;
  vblk.used = NULL;
  vblk.req = NULL;
}

static void write_address(volatile uint32 *regs, uint32 low_off, const volatile void *kva) {
  uint64 pa = kva2pa((const void *)kva);
  mmio_write(regs, low_off, (uint32)pa);
  mmio_write(regs, low_off + 4, (uint32)(pa >> 32));
}

// Sets up queue 0: size min(device maximum, QUEUE_SIZE_MAX) rounded down to a power of two;
// descriptor table, available ring, used ring and requests each in a zeroed page.
static int setup_queue(volatile uint32 *regs, int slot) {
  mmio_write(regs, MMIO_QUEUE_SEL, 0);
  uint32 max = mmio_read(regs, MMIO_QUEUE_NUM_MAX);
  if (mmio_read(regs, MMIO_QUEUE_READY) != 0 || max < DESCS_PER_REQUEST) {
    printf("virtio-blk: slot %d: queue 0 busy or too small (maximum %u)\n", slot, max);
    return -1;
  }
  uint32 n = max < QUEUE_SIZE_MAX ? max : QUEUE_SIZE_MAX;
  while (n & (n - 1))
    n &= n - 1;
  vblk.desc = kpage_zalloc();
  vblk.avail = kpage_zalloc();
  vblk.used = kpage_zalloc();
  vblk.req = kpage_zalloc();
  if (!vblk.desc || !vblk.avail || !vblk.used || !vblk.req) {
    printf("virtio-blk: slot %d: out of memory for the queue\n", slot);
    free_queue_memory();
    return -1;
  }
  vblk.qsize = n;
  for (uint32 i = 0; i < n; i++)
    vblk.free_desc[i] = (uint16)i;
  vblk.nfree = n;
  mmio_write(regs, MMIO_QUEUE_NUM, n);
  write_address(regs, MMIO_QUEUE_DESC_LOW, vblk.desc);
  write_address(regs, MMIO_QUEUE_DRIVER_LOW, vblk.avail);
  write_address(regs, MMIO_QUEUE_DEVICE_LOW, vblk.used);
  mmio_write(regs, MMIO_QUEUE_READY, 1);
  return 0;
}

// Acknowledges the interrupt, then completes every request the device has put in the used
// ring since the last call. Acknowledging first means a completion that lands while the ring
// is being walked raises a fresh interrupt instead of going unnoticed. A configuration change
// (the capacity) is acknowledged and otherwise ignored. Runs on whichever hart the PLIC picks.
static void virtio_blk_intr(uint32 irq) {
  (void)irq;
  acquire(&vblk.lock);
  uint32 pending = mmio_read(vblk.regs, MMIO_INTERRUPT_STATUS);
  mmio_write(vblk.regs, MMIO_INTERRUPT_ACK, pending & (INT_USED_BUFFER | INT_CONFIG_CHANGE));
  __sync_synchronize();
  while (vblk.used_seen != vblk.used->idx) {
    __sync_synchronize();  // read the entry only after the idx that published it
    uint32 id = vblk.used->ring[vblk.used_seen % vblk.qsize].id;
    if (id >= vblk.qsize || !vblk.req[id].busy || vblk.req[id].done)
      panic("virtio-blk: used ring entry %u names descriptor %u, not the head of a request "
            "in flight", vblk.used_seen, id);
    vblk.req[id].done = 1;
    wakeup(&vblk.req[id]);
    vblk.used_seen++;
  }
  release(&vblk.lock);
}

// Brings up the modern virtio-blk device in `slot` (virtio 1.2, 3.1.1): reset, ACKNOWLEDGE,
// DRIVER, features, FEATURES_OK, capacity, queue, interrupt, DRIVER_OK.
static int setup_device(int slot) {
  volatile uint32 *regs = pa2kva(machine.virtio[slot].base);
  uint64 capacity;
  if (reset_device(regs) < 0) {
    printf("virtio-blk: slot %d did not reset\n", slot);
    return -1;
  }
  set_status_bit(regs, STATUS_ACKNOWLEDGE);
  set_status_bit(regs, STATUS_DRIVER);
  if (negotiate_features(regs, slot) < 0)
    goto failed;
  capacity = read_capacity(regs);
  if (capacity == 0) {
    printf("virtio-blk: slot %d holds an empty disk\n", slot);
    goto failed;
  }
  if (setup_queue(regs, slot) < 0)
    goto failed;
  vblk.regs = regs;
  vblk.capacity = capacity;
  irq_register(machine.virtio[slot].irq, virtio_blk_intr);
  plic_enable(machine.virtio[slot].irq);
  set_status_bit(regs, STATUS_DRIVER_OK);
  printf("virtio-blk: slot %d (irq %u), %lu sectors (%lu MiB)%s, queue of %u\n", slot,
         machine.virtio[slot].irq, capacity, capacity / 2048,
         vblk.read_only ? ", read-only" : "", vblk.qsize);
  return 0;

failed:
  set_status_bit(regs, STATUS_FAILED);
  return -1;
}

// Uses the first virtio-mmio slot that holds a block device with the modern interface.
int virtio_blk_init(void) {
  for (int slot = 0; slot < machine.nvirtio; slot++) {
    if (machine.virtio[slot].size < MMIO_MIN_SIZE)
      continue;
    volatile uint32 *regs = pa2kva(machine.virtio[slot].base);
    if (mmio_read(regs, MMIO_MAGIC) != VIRTIO_MAGIC)
      continue;
    uint32 version = mmio_read(regs, MMIO_VERSION);
    if (mmio_read(regs, MMIO_DEVICE_ID) != VIRTIO_ID_BLOCK)
      continue;  // an empty slot (ID 0) or another kind of device
    if (version != 2) {
      printf("virtio-blk: slot %d: block device with virtio-mmio version %u; sloth drives only "
             "version 2 (run QEMU with -global virtio-mmio.force-legacy=false)\n",
             slot, version);
      continue;
    }
    if (setup_device(slot) == 0)
      return 0;
  }
  return -1;
}

uint64 virtio_blk_sectors(void) { return vblk.capacity; }

static int rw_args_ok(uint64 sector, const void *buf, uint32 nbytes, int write) {
  uint64 va = (uint64)buf;
  if (vblk.capacity == 0 || buf == NULL || nbytes == 0 || nbytes % SECTOR_SIZE != 0)
    return 0;
  if (sector >= vblk.capacity || nbytes / SECTOR_SIZE > vblk.capacity - sector)
    return 0;
  if (va < DIRECT_MAP || va - DIRECT_MAP > DIRECT_MAP_SIZE - nbytes)
    return 0;  // not in the direct map, so maybe not physically contiguous
  return !(write && vblk.read_only);
}

// Takes a request slot and ndesc descriptors for its chain, sleeping while the queue has
// too few free. Called and returns with vblk.lock held.
static struct blk_request *request_alloc_chain(int ndesc) {
  // Others may take the descriptors freed for us before we run again: check in a loop.
  while (vblk.nfree < (uint32)ndesc)
    sleep(&vblk.nfree, &vblk.lock);
  uint16 chain[DESCS_MAX];
  for (int i = 0; i < ndesc; i++)
    chain[i] = vblk.free_desc[--vblk.nfree];
  struct blk_request *r = &vblk.req[chain[0]];
  for (int i = 0; i < ndesc; i++)
    r->chain[i] = chain[i];
  r->ndesc = (uint8)ndesc;
  r->busy = 1;
  r->done = 0;
  r->status = STATUS_UNSET;
  return r;
}

static struct blk_request *request_alloc(void) { return request_alloc_chain(DESCS_PER_REQUEST); }

// Gives r's descriptors back and wakes anyone waiting for them. vblk.lock held.
static void request_free(struct blk_request *r) {
  for (int i = 0; i < r->ndesc; i++)
    vblk.free_desc[vblk.nfree++] = r->chain[i];
  r->busy = 0;
  wakeup(&vblk.nfree);
}

static void set_desc(uint16 i, const volatile void *kva, uint32 len, uint16 flags, uint16 next) {
  vblk.desc[i].addr = kva2pa((const void *)kva);
  vblk.desc[i].len = len;
  vblk.desc[i].flags = flags;
  vblk.desc[i].next = next;
}

// Fills r's chain: the header, one data descriptor per buffer (nbufs of len bytes each, at
// consecutive sectors from `sector`), the status byte; then makes it available to the
// device. vblk.lock held.
static void request_submit_v(struct blk_request *r, uint64 sector, void *const *bufs, int nbufs,
                             uint32 len, int write) {
  r->hdr.type = write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
  r->hdr.reserved = 0;
  r->hdr.sector = sector;
  uint16 *c = r->chain;
  set_desc(c[0], &r->hdr, sizeof(r->hdr), VIRTQ_DESC_F_NEXT, c[1]);
  for (int i = 0; i < nbufs; i++)
    set_desc(c[1 + i], bufs[i], len, VIRTQ_DESC_F_NEXT | (write ? 0 : VIRTQ_DESC_F_WRITE),
             c[2 + i]);
  set_desc(c[1 + nbufs], &r->status, 1, VIRTQ_DESC_F_WRITE, 0);
  vblk.avail->ring[vblk.avail_idx % vblk.qsize] = c[0];
  __sync_synchronize();  // chain and ring entry first: the device may read them once idx moves
  vblk.avail->idx = ++vblk.avail_idx;
  __sync_synchronize();  // publish idx before reading the device's notification flag
  if (!(vblk.used->flags & VIRTQ_USED_F_NO_NOTIFY))
    mmio_write(vblk.regs, MMIO_QUEUE_NOTIFY, 0);
}

static void request_submit(struct blk_request *r, uint64 sector, void *buf, uint32 nbytes,
                           int write) {
  request_submit_v(r, sector, &buf, 1, nbytes, write);
}

// Fault injection (fail_diskread, fail_diskwrite): should this request complete with an
// error? The request still goes to the device, so an injected write may or may not have
// reached the disk, as with a real failing device. A failed read's buffer holds junk: a
// caller that used it anyway would show.
static int inject_error(int write) {
  return fail_now(write ? FAIL_DISK_WRITE : FAIL_DISK_READ);
}

static void spoil_read(void *buf, uint32 nbytes) { memset(buf, 0xa5, nbytes); }

// Requests of one batch taken and submitted together (3 descriptors each; the queue has 64).
#define BATCH_WINDOW 8

// Takes n request slots at once, sleeping until the queue has room for all of them, so that
// batches waiting for room never hold part of the queue each. vblk.lock held.
static void request_alloc_many(struct blk_request **rs, int n) {
  while (vblk.nfree < (uint32)n * DESCS_PER_REQUEST)
    sleep(&vblk.nfree, &vblk.lock);
  for (int i = 0; i < n; i++)
    rs[i] = request_alloc();
}

int virtio_blk_rw_many(const struct disk_io *ios, int n) {
  for (int i = 0; i < n; i++)
    if (!rw_args_ok(ios[i].sector, ios[i].buf, ios[i].nbytes, ios[i].write))
      return -1;
  if (myproc() == NULL)
    panic("virtio_blk_rw_many: called outside a process, which cannot sleep");
  int ok = 1;
  acquire(&vblk.lock);
  for (int first = 0; first < n; first += BATCH_WINDOW) {
    struct blk_request *rs[BATCH_WINDOW];
    int k = MIN(n - first, BATCH_WINDOW), injected[BATCH_WINDOW];
    for (int i = 0; i < k; i++)
      injected[i] = inject_error(ios[first + i].write);
    request_alloc_many(rs, k);
    for (int i = 0; i < k; i++) {
      const struct disk_io *io = &ios[first + i];
      request_submit(rs[i], io->sector, io->buf, io->nbytes, io->write);
    }
    for (int i = 0; i < k; i++) {
      while (!rs[i]->done)
        sleep(rs[i], &vblk.lock);
      ok &= rs[i]->status == VIRTIO_BLK_S_OK && !injected[i];
      if (injected[i] && !ios[first + i].write)
        spoil_read(ios[first + i].buf, ios[first + i].nbytes);
      request_free(rs[i]);
    }
  }
  release(&vblk.lock);
  return ok ? 0 : -1;
}

// One request from start to finish: take three descriptors, submit, sleep until the
// interrupt handler marks it done, read its status and give the descriptors back.
int virtio_blk_rw(uint64 sector, void *buf, uint32 nbytes, int write) {
  if (!rw_args_ok(sector, buf, nbytes, write))
    return -1;
  if (myproc() == NULL)
    panic("virtio_blk_rw: sector %lu requested outside a process, which cannot sleep", sector);
  int injected = inject_error(write);
  acquire(&vblk.lock);
  struct blk_request *r = request_alloc();
  request_submit(r, sector, buf, nbytes, write);
  while (!r->done)
    sleep(r, &vblk.lock);
  int ok = r->status == VIRTIO_BLK_S_OK && !injected;
  request_free(r);
  release(&vblk.lock);
  if (injected && !write)
    spoil_read(buf, nbytes);
  return ok ? 0 : -1;
}

// One request that carries n pages at consecutive sectors (a scatter-gather chain of n + 2
// descriptors), from start to finish as virtio_blk_rw. Fault injection decides once for the
// whole request, as the device reports one status for it.
int virtio_blk_rw_pages(uint64 sector, void *const *pages, int n, int write) {
  if (n < 1 || n > DISK_PAGES_MAX || (uint32)n + 2 > vblk.qsize)
    return -1;
  for (int i = 0; i < n; i++)
    if (!rw_args_ok(sector + (uint64)i * (PGSIZE / SECTOR_SIZE), pages[i], PGSIZE, write))
      return -1;
  if (myproc() == NULL)
    panic("virtio_blk_rw_pages: sector %lu requested outside a process, which cannot sleep",
          sector);
  int injected = inject_error(write);
  acquire(&vblk.lock);
  struct blk_request *r = request_alloc_chain(n + 2);
  request_submit_v(r, sector, pages, n, PGSIZE, write);
  while (!r->done)
    sleep(r, &vblk.lock);
  int ok = r->status == VIRTIO_BLK_S_OK && !injected;
  request_free(r);
  release(&vblk.lock);
  if (injected && !write)
    for (int i = 0; i < n; i++)
      spoil_read(pages[i], PGSIZE);
  return ok ? 0 : -1;
}
