// Shared by the pt-write-code tests: read-only memory that is never touched before the test
// uses it. pad_code is 32 KiB of text (nops) that never runs; ro_table is 16 KiB of .rodata.
#pragma once
#include "testlib.h"

#define PAGE 4096UL
#define PAD_WORDS 8192
#define STR_(x) #x
#define STR(x) STR_(x)
#define NOP 0x00000013u  // addi x0, x0, 0
#define RO_WORDS (4 * 1024)
#define RO_VALUE 0x600dc0de

__asm__(".pushsection .text.zpad, \"ax\", @progbits\n"
        ".balign 4096\n"
        ".globl pad_code\n"
        "pad_code:\n"
        ".rept " STR(PAD_WORDS) "\n"
        ".4byte 0x00000013\n"
        ".endr\n"
        ".popsection\n");
extern const uint32 pad_code[PAD_WORDS];

static const uint32 ro_table[RO_WORDS] __attribute__((aligned(4096))) = {
    [0 ... RO_WORDS - 1] = RO_VALUE,
};
