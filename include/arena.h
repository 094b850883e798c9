/* arena.h - one bump allocator per script.
 *
 * Tokens, AST, types, IR and emitted programs of one script live in one arena
 * and are freed at once with arena_free().  Allocations are zeroed and 16-byte
 * aligned.  Allocation failure aborts: a tracer that cannot allocate a few KiB
 * at compile time has nothing sensible left to do, and it keeps every caller
 * free of NULL checks.
 */
#ifndef SPRY_ARENA_H
#define SPRY_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a);
/* Call @fn(@arg) when @a is freed, before its memory goes (newest first):
 * for what the arena's objects point into but does not own (the kernel's
 * BTF, mapped while a script's types refer to it). */
void arena_on_free(struct arena *a, void (*fn)(void *arg), void *arg);

void *arena_alloc(struct arena *a, size_t size);
/* Grow an array allocated from @a: copies the old contents; the old block is
 * simply abandoned (it is reclaimed with the arena). */
void *arena_grow(struct arena *a, void *old, size_t old_size, size_t new_size);
/* Room for element @n of an array grown one element at a time (it holds @n
 * elements of @size bytes): the capacity doubles whenever @n reaches a power
 * of two, so n appends copy O(n) bytes in all, not O(n^2). */
void *arena_append(struct arena *a, void *arr, size_t n, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

#endif
