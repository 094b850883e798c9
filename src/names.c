/* names.c - a table of names: open addressing over a power-of-two array.
 *
 * Input: names and values from the registries (script.c, sema.c).  Output:
 * lookups in O(1) on average.  The table doubles when half full, so n
 * insertions cost O(n) time and the abandoned arrays O(n) arena memory.
 */
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "names.h"

/* FNV-1a: short map names differ in their last characters ("@c17"). */
static uint32_t names_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static unsigned names_slot(const struct names *t, const char *name)
{
	unsigned i = names_hash(name) & (t->cap - 1);

	while (t->name[i] && strcmp(t->name[i], name))
		i = (i + 1) & (t->cap - 1);
	return i;
}

void *names_get(const struct names *t, const char *name)
{
	unsigned i;

	if (!t->cap)
		return NULL;
	i = names_slot(t, name);
	return t->name[i] ? t->val[i] : NULL;
}

static void names_resize(struct arena *a, struct names *t, unsigned cap)
{
	struct names old = *t;
	unsigned i;

	t->cap = cap;
	t->name = arena_alloc(a, cap * sizeof(*t->name));
	t->val = arena_alloc(a, cap * sizeof(*t->val));
	for (i = 0; i < old.cap; i++) {
		unsigned j;

		if (!old.name[i])
			continue;
		j = names_slot(t, old.name[i]);
		t->name[j] = old.name[i];
		t->val[j] = old.val[i];
	}
}

void names_put(struct arena *a, struct names *t, const char *name, void *val)
{
	unsigned i;

	if (2 * (t->n + 1) > t->cap)
		names_resize(a, t, t->cap ? 2 * t->cap : 16);
	i = names_slot(t, name);
	if (!t->name[i]) {
		t->name[i] = name;
		t->n++;
	}
	t->val[i] = val;
}
