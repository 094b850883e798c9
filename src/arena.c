/* arena.c - bump allocator: one per script, freed at once.
 *
 * Input: allocation requests.  Output: zeroed, 16-byte aligned blocks that
 * live until arena_free().  Memory comes in chunks of CHUNK_SIZE; a request
 * larger than a quarter chunk gets a chunk of its own, so a big IR array never
 * wastes the rest of the current chunk.  Out of memory aborts (see arena.h).
 */
#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define ARENA_ALIGN	16
#define CHUNK_SIZE	(64 * 1024)

struct chunk {
	struct chunk *next;
	size_t size, used;	/* bytes of data[] */
	/* keeps data[] 16-aligned whatever the header size */
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct cleanup {
	struct cleanup *next;
	void (*fn)(void *arg);
	void *arg;
};

struct arena {
	struct chunk *cur;	/* bump chunk: allocations come from here */
	struct chunk *big;	/* dedicated chunks of big allocations */
	struct cleanup *cleanups;	/* arena_on_free(), newest first */
};

static void *arena_xcalloc(size_t size)
{
	void *p = calloc(1, size);

	if (!p) {
		fprintf(stderr, "spry: out of memory\n");
		abort();
	}
	return p;
}

static struct chunk *chunk_new(size_t size)
{
	/* malloc aligns to 8 on 32-bit targets (armhf): ask for 16 */
	size_t n = (sizeof(struct chunk) + size + ARENA_ALIGN - 1) &
		   ~(size_t)(ARENA_ALIGN - 1);
	struct chunk *c = aligned_alloc(ARENA_ALIGN, n);

	if (!c) {
		fprintf(stderr, "spry: out of memory\n");
		abort();
	}
	memset(c, 0, n);

	c->size = size;
	return c;
}

struct arena *arena_new(void)
{
	struct arena *a = arena_xcalloc(sizeof(*a));

	a->cur = chunk_new(CHUNK_SIZE);
	return a;
}

static void chunk_free_list(struct chunk *c)
{
	while (c) {
		struct chunk *next = c->next;

		free(c);
		c = next;
	}
}

void arena_on_free(struct arena *a, void (*fn)(void *arg), void *arg)
{
	struct cleanup *c = arena_alloc(a, sizeof(*c));

	c->fn = fn;
	c->arg = arg;
	c->next = a->cleanups;
	a->cleanups = c;
}

void arena_free(struct arena *a)
{
	struct cleanup *c;

	if (!a)
		return;
	/* the records live in the chunks: run them all before any goes */
	for (c = a->cleanups; c; c = c->next)
		c->fn(c->arg);
	chunk_free_list(a->cur);
	chunk_free_list(a->big);
	free(a);
}

void *arena_alloc(struct arena *a, size_t size)
{
	struct chunk *c;
	void *p;

	assert(a && "arena_alloc needs an arena");
	if (size == 0)
		size = 1;
	if (size > SIZE_MAX - ARENA_ALIGN - sizeof(struct chunk)) {
		fprintf(stderr, "spry: out of memory\n");
		abort();
	}
	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);

	if (size > CHUNK_SIZE / 4) {
		/* calloc zeroes it already */
		c = chunk_new(size);
		c->used = size;
		c->next = a->big;
		a->big = c;
		return c->data;
	}
	c = a->cur;
	if (c->size - c->used < size) {
		c = chunk_new(CHUNK_SIZE);
		c->next = a->cur;
		a->cur = c;
	}
	p = c->data + c->used;
	c->used += size;
	/* chunks are calloc'ed and never reused, so p is already zero */
	return p;
}

void *arena_grow(struct arena *a, void *old, size_t old_size, size_t new_size)
{
	void *p = arena_alloc(a, new_size);

	if (old && old_size)
		memcpy(p, old, old_size < new_size ? old_size : new_size);
	return p;
}

void *arena_append(struct arena *a, void *arr, size_t n, size_t size)
{
	/* the capacity is the next power of two above n (1 for 0) */
	if (n & (n - 1))
		return arr;
	return arena_grow(a, arr, n * size, (n ? 2 * n : 1) * size);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	char *p;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}
