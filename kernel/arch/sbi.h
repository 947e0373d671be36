// Calls into the SBI firmware (OpenSBI): timer, IPIs, remote TLB fences, hart start/stop,
// system reset and the legacy console. Thin wrappers, callable from any hart at any time.
#pragma once
#include "types.h"

struct sbiret {
  int64 error;  // 0 on success, SBI_ERR_* otherwise
  int64 value;
};

#define SBI_SUCCESS 0
#define SBI_ERR_ALREADY_AVAILABLE (-6)

#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_IPI 0x735049
#define SBI_EXT_RFENCE 0x52464E43
#define SBI_EXT_HSM 0x48534D
#define SBI_EXT_SRST 0x53525354

#define SBI_HSM_STARTED 0
#define SBI_HSM_STOPPED 1

struct sbiret sbi_call(uint64 ext, uint64 fid, uint64 a0, uint64 a1, uint64 a2, uint64 a3);

int64 sbi_spec_version(void);   // major << 24 | minor
int64 sbi_impl_id(void);        // 1 = OpenSBI
int64 sbi_impl_version(void);
int sbi_probe(uint64 ext);      // 1 if the extension is present
void sbi_set_timer(uint64 stime_value);
int sbi_send_ipi(uint64 hart_mask, uint64 hart_mask_base);
int sbi_remote_sfence_vma(uint64 hart_mask, uint64 hart_mask_base, uint64 start, uint64 size);
int sbi_hart_start(uint64 hartid, uint64 start_pa, uint64 opaque);
int sbi_hart_status(uint64 hartid);
void sbi_shutdown(void);
void sbi_legacy_putchar(int c);
