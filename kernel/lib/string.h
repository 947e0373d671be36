// Memory and string helpers with the standard C names and meanings. memset, memcpy and
// memmove work a word (8 bytes) at a time when the addresses allow it.
#pragma once
#include "types.h"

void *memset(void *dst, int c, unsigned long n);
void *memcpy(void *dst, const void *src, unsigned long n);
void *memmove(void *dst, const void *src, unsigned long n);
int memcmp(const void *a, const void *b, unsigned long n);
unsigned long strlen(const char *s);
unsigned long strnlen(const char *s, unsigned long max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, unsigned long n);
char *strchr(const char *s, int c);
// Copies at most size-1 bytes and always NUL-terminates (when size > 0); returns strlen(src).
unsigned long strlcpy(char *dst, const char *src, unsigned long size);
