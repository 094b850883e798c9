/* names.h - a table of names, each with a value, for lookups in O(1).
 *
 * The registries a script grows with its size (maps by name, the names sema
 * finds assigned) are searched once per mention: a list scanned each time
 * made 10^4 maps cost 10^8 string compares.  The table lives in an arena
 * (arena.h); its names are not copied, so they must live as long as it.
 * A zeroed struct names is an empty table.
 */
#ifndef SPRY_NAMES_H
#define SPRY_NAMES_H

struct arena;

struct names {
	const char **name;	/* cap slots, NULL when free */
	void **val;
	unsigned n, cap;	/* cap: 0 or a power of two, at least 2n */
};

/* The value stored under @name, or NULL. */
void *names_get(const struct names *t, const char *name);
/* Store @val under @name (replacing any value there). */
void names_put(struct arena *a, struct names *t, const char *name, void *val);

#endif
