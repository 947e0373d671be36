// Memory and string helpers with the standard C names and meanings, and whole-page zero and
// copy. memset, memcpy and memmove work in aligned words (8 bytes) where the addresses allow
// it; the host unit test tests/unit/test_string.c checks them against a byte model.
#pragma once
#include "types.h"

void *memset(void *dst, int c, unsigned long n);
void *memcpy(void *dst, const void *src, unsigned long n);
void *memmove(void *dst, const void *src, unsigned long n);
// The 4 KiB page at kva (page-aligned, or at least 8-byte aligned) zeroed / copied from src
// (the same), with no head or tail to handle: 512 stores (and loads), 16 to a loop turn.
#define STRING_PAGE_BYTES 4096
void page_zero(void *kva);
void page_copy(void *dst, const void *src);
int memcmp(const void *a, const void *b, unsigned long n);
unsigned long strlen(const char *s);
unsigned long strnlen(const char *s, unsigned long max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, unsigned long n);
char *strchr(const char *s, int c);
// Copies at most size-1 bytes and always NUL-terminates (when size > 0); returns strlen(src).
unsigned long strlcpy(char *dst, const char *src, unsigned long size);
