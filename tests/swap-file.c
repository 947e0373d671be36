// swap-file: file pages under pressure. The program carries 512 KiB of initialised .data,
// 512 KiB of .rodata and 64 KiB of code (a chain of addi instructions), far more than the
// 64 frames it runs with. Each of PASSES passes writes a new region of .data (W pages), runs
// the code, and reads all of .rodata and .data: code, constants and unwritten data must be as
// in the executable, written regions as written. Clean pages (code, constants, unwritten
// data) must be dropped and read from the executable again, not written to swap: faults_file
// and evictions_clean grow by at least what cannot stay resident, while swap_outs stays within
// a small multiple of the pages written. A written page must never be dropped: read again
// from the file it would lose its pattern.
#include "swaplib.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define DATA_PAGES 128
#define RO_PAGES 128
#define CODE_INSNS (16 * 1024)  // 16 pages of 4-byte instructions
#define W 8                     // .data pages written per pass
#define PASSES 3
#define FILE_PAGES (DATA_PAGES + RO_PAGES + CODE_INSNS / 1024)
#define WORDS_PER_PAGE 1024     // uint32

// data_words[i] = ((i * 2654435761) ^ 0x5bd1e995) mod 2^32, writable, from the executable.
__asm__(".pushsection .data.swapfile, \"aw\", @progbits\n"
        ".balign 4096\n"
        ".globl data_words\n"
        "data_words:\n"
        ".set dw_i, 0\n"
        ".rept " STR(DATA_PAGES * WORDS_PER_PAGE) "\n"
        ".4byte ((dw_i * 2654435761) ^ 0x5bd1e995) & 0xffffffff\n"
        ".set dw_i, dw_i + 1\n"
        ".endr\n"
        ".popsection\n");
extern uint32 data_words[DATA_PAGES * WORDS_PER_PAGE];

// ro_words[i] = ((i * 2246822519) ^ 0xc0ffee11) mod 2^32, read-only.
__asm__(".pushsection .rodata.swapfile, \"a\", @progbits\n"
        ".balign 4096\n"
        ".globl ro_words\n"
        "ro_words:\n"
        ".set rw_i, 0\n"
        ".rept " STR(RO_PAGES * WORDS_PER_PAGE) "\n"
        ".4byte ((rw_i * 2246822519) ^ 0xc0ffee11) & 0xffffffff\n"
        ".set rw_i, rw_i + 1\n"
        ".endr\n"
        ".popsection\n");
extern const uint32 ro_words[RO_PAGES * WORDS_PER_PAGE];

// add_chain(x) returns x plus the sum of (i % 1000) + 1 for i < CODE_INSNS: one uncompressed
// "addi a0, a0, imm" per instruction, so every page of the chain is different.
__asm__(".pushsection .text.swapfile, \"ax\", @progbits\n"
        ".option push\n"
        ".option norvc\n"
        ".balign 4096\n"
        ".globl add_chain\n"
        "add_chain:\n"
        ".set ac_i, 0\n"
        ".rept " STR(CODE_INSNS) "\n"
        "addi a0, a0, (ac_i % 1000) + 1\n"
        ".set ac_i, ac_i + 1\n"
        ".endr\n"
        "ret\n"
        ".option pop\n"
        ".popsection\n");
uint64 add_chain(uint64 x);

static uint32 data_value(uint64 i) { return (uint32)((i * 2654435761UL) ^ 0x5bd1e995); }
static uint32 ro_value(uint64 i) { return (uint32)((i * 2246822519UL) ^ 0xc0ffee11); }

static uint64 chain_sum(void) {
  uint64 sum = 0;
  for (uint64 i = 0; i < CODE_INSNS; i++)
    sum += i % 1000 + 1;
  return sum;
}

static uint64 *data_page(int pg) { return (uint64 *)&data_words[pg * WORDS_PER_PAGE]; }

// Reads everything: the code (by running it), the constants, and .data, whose regions 0..pass
// hold the patterns the passes wrote and the rest the executable's values.
static void read_all(int pass) {
  char what[48];
  CHECK(add_chain(5) == 5 + chain_sum(), "pass %d: the code computed %lu, expected %lu", pass,
        add_chain(5), 5 + chain_sum());
  for (uint64 i = 0; i < RO_PAGES * WORDS_PER_PAGE; i++)
    CHECK(ro_words[i] == ro_value(i), "pass %d: .rodata page %lu word %lu is 0x%x, expected "
          "0x%x", pass, i / WORDS_PER_PAGE, i % WORDS_PER_PAGE, ro_words[i], ro_value(i));
  for (int pg = 0; pg < DATA_PAGES; pg++) {
    int region = pg / W;
    if (region <= pass) {
      snprintf(what, sizeof(what), "pass %d: written .data", pass);
      check_page(what, data_page(pg), pg, 7000 + region);
      continue;
    }
    for (uint64 i = (uint64)pg * WORDS_PER_PAGE; i < (uint64)(pg + 1) * WORDS_PER_PAGE; i++)
      CHECK(data_words[i] == data_value(i), "pass %d: .data page %d word %lu is 0x%x, "
            "expected 0x%x (the executable's)", pass, pg, i % WORDS_PER_PAGE, data_words[i],
            data_value(i));
  }
}

int main(void) {
  test_start("swap-file");
  CHECK((uint64)data_words % PAGE == 0 && (uint64)ro_words % PAGE == 0 &&
        (uint64)add_chain % PAGE == 0, "misaligned test data");
  struct vmstat st0 = vm_now();
  uint64 frames = st0.frames_total;
  CHECK(frames + W * PASSES < FILE_PAGES, "%lu frames: the executable fits, nothing to test",
        frames);
  printf("swap-file: %d file pages (%d .data, %d .rodata, %d code), %lu frames\n", FILE_PAGES,
         DATA_PAGES, RO_PAGES, CODE_INSNS / 1024, frames);

  uint64 min_clean_drops = 0, min_file_reads = FILE_PAGES, written = 0, max_swap_outs = 0;
  for (int pass = 0; pass < PASSES; pass++) {
    for (int pg = pass * W; pg < (pass + 1) * W; pg++)
      fill_page(data_page(pg), 7000 + pass);
    read_all(pass);
    // At the end of this pass at most `frames` pages are resident, so at least (clean pages -
    // frames) clean pages that the pass read were dropped, and the next pass reads them again.
    written += W;
    uint64 clean = FILE_PAGES - written;
    min_clean_drops += clean - frames;
    if (pass + 1 < PASSES)
      min_file_reads += clean - frames;
    // A written page goes out at most once per time it is brought in: twice a pass.
    max_swap_outs += 2 * written;
  }
  struct vmstat st1 = vm_now();
  print_delta("all passes", &st0, &st1);

  uint64 file_reads = st1.faults_file - st0.faults_file;
  uint64 clean_drops = st1.evictions_clean - st0.evictions_clean;
  uint64 swap_outs = st1.swap_outs - st0.swap_outs;
  // 32: the stack, bss and other processes' anonymous pages may go out too.
  CHECK(swap_outs <= max_swap_outs + 32, "%lu swap-outs for %lu written pages, expected at "
        "most %lu: are clean pages written to swap?", swap_outs, written, max_swap_outs + 32);
  CHECK(file_reads >= min_file_reads, "%lu file reads, expected at least %lu: are clean pages "
        "dropped and read again?", file_reads, min_file_reads);
  CHECK(clean_drops >= min_clean_drops, "%lu clean evictions, expected at least %lu",
        clean_drops, min_clean_drops);
  CHECK(swap_outs >= W, "%lu swap-outs: written .data pages never went to swap", swap_outs);
  CHECK(st1.evictions - st0.evictions >= clean_drops + swap_outs,
        "%lu evictions, but %lu clean drops and %lu swap-outs", st1.evictions - st0.evictions,
        clean_drops, swap_outs);
  check_vm_invariants();
  test_pass();
}
