// SBI calls: an ecall to M-mode with the extension id in a7 and the function id in a6
// (SBI spec v1.0, "Binary Encoding"). No state; safe on any hart, with or without locks.
#include "arch/sbi.h"

struct sbiret sbi_call(uint64 ext, uint64 fid, uint64 a0, uint64 a1, uint64 a2, uint64 a3) {
  register uint64 r_a0 asm("a0") = a0;
  register uint64 r_a1 asm("a1") = a1;
  register uint64 r_a2 asm("a2") = a2;
  register uint64 r_a3 asm("a3") = a3;
  register uint64 r_a6 asm("a6") = fid;
  register uint64 r_a7 asm("a7") = ext;
  asm volatile("ecall"
               : "+r"(r_a0), "+r"(r_a1)
               : "r"(r_a2), "r"(r_a3), "r"(r_a6), "r"(r_a7)
               : "memory");
  return (struct sbiret){.error = (int64)r_a0, .value = (int64)r_a1};
}

int64 sbi_spec_version(void) { return sbi_call(SBI_EXT_BASE, 0, 0, 0, 0, 0).value; }
int64 sbi_impl_id(void) { return sbi_call(SBI_EXT_BASE, 1, 0, 0, 0, 0).value; }
int64 sbi_impl_version(void) { return sbi_call(SBI_EXT_BASE, 2, 0, 0, 0, 0).value; }
int sbi_probe(uint64 ext) { return sbi_call(SBI_EXT_BASE, 3, ext, 0, 0, 0).value != 0; }

void sbi_set_timer(uint64 stime_value) { sbi_call(SBI_EXT_TIME, 0, stime_value, 0, 0, 0); }

int sbi_send_ipi(uint64 hart_mask, uint64 hart_mask_base) {
  return (int)sbi_call(SBI_EXT_IPI, 0, hart_mask, hart_mask_base, 0, 0).error;
}

int sbi_remote_sfence_vma(uint64 hart_mask, uint64 hart_mask_base, uint64 start, uint64 size) {
  return (int)sbi_call(SBI_EXT_RFENCE, 1, hart_mask, hart_mask_base, start, size).error;
}

int sbi_hart_start(uint64 hartid, uint64 start_pa, uint64 opaque) {
  return (int)sbi_call(SBI_EXT_HSM, 0, hartid, start_pa, opaque, 0).error;
}

int sbi_hart_status(uint64 hartid) {
  struct sbiret r = sbi_call(SBI_EXT_HSM, 2, hartid, 0, 0, 0);
  return r.error ? (int)r.error : (int)r.value;
}

// System reset: type 0 = shutdown, reason 0 = none. OpenSBI 1.1 exits QEMU with status 0
// whatever the reason, so failures are reported through the sifive,test device instead.
void sbi_shutdown(void) { sbi_call(SBI_EXT_SRST, 0, 0, 0, 0, 0); }

void sbi_legacy_putchar(int c) { sbi_call(0x01, 0, (uint64)c, 0, 0, 0); }
