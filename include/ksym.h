/* ksym.h - kernel symbols from /proc/kallsyms.
 *
 * Input: a kallsyms file ("ffffffff81234560 T vfs_read", module symbols end
 * in "\t[mod]").  Output: its text symbols in one array sorted by address, for
 * naming an address by binary search ("vfs_read+0x1f") and finding functions
 * by name or glob.  Loading reads the file once into memory and writes
 * nothing anywhere, so it works on a read-only root.
 *
 * Without the privilege to see addresses, kallsyms lists every symbol at 0:
 * names still resolve (globs, "did you mean"), addresses do not.
 */
#ifndef SPRY_KSYM_H
#define SPRY_KSYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ksym {
	uint64_t addr;
	const char *name;
	const char *module;	/* NULL: built into the kernel */
	char type;		/* kallsyms letter: 't', 'T', 'w', 'W' */
};

struct ksym_table {
	struct ksym *syms;	/* text symbols by address, then by preference */
	unsigned n;
	bool have_addrs;	/* false: kallsyms hid the addresses (all 0) */
	char *text;		/* the file, which names and modules point into */
};

/* Read and index @path.  0 or -errno (-ENOENT, -EACCES, -ENOMEM, -EINVAL
 * when it holds no text symbol at all); free with ksym_free(). */
int ksym_load(const char *path, struct ksym_table **out);
void ksym_free(struct ksym_table *t);

/* The running kernel's table, from @path (host.h's kallsyms: tests give a
 * fixture) or, when NULL, /proc/kallsyms; loaded on first use and kept for
 * the life of the process; NULL when it cannot be read (errno tells why). */
const struct ksym_table *ksym_default(const char *path);

/* The symbol @addr falls in: the highest one at or below it (preferring a
 * global name among aliases), with @addr - sym->addr in *@off.  NULL below
 * the first symbol, more than KSYM_MAX_OFF past the nearest one, or without
 * addresses. */
#define KSYM_MAX_OFF	(1u << 20)
const struct ksym *ksym_lookup(const struct ksym_table *t, uint64_t addr,
			       uint64_t *off);
/* The first text symbol named @name (in kallsyms order); NULL if none. */
const struct ksym *ksym_find(const struct ksym_table *t, const char *name);
/* How many text symbols are named @name (static functions repeat). */
unsigned ksym_count(const struct ksym_table *t, const char *name);

/* The address of each of @n names (sorted as by strcmp) into @addrs: 0
 * where the name has no text symbol, or several (ambiguous).  One pass over
 * the table with a binary search into @names, for attaching hundreds of
 * functions by address.  Returns how many got an address. */
unsigned ksym_resolve(const struct ksym_table *t, const char *const *names,
		      unsigned n, uint64_t *addrs);

/* The address of symbol @name of any kind (data too: kaddr("avenrun"))
 * in the kallsyms file @path (NULL: /proc/kallsyms), the first listed;
 * built-in symbols before modules'.  0, -ENOENT (no such symbol),
 * -EPERM (listed at 0: kallsyms hides addresses), or -errno reading it. */
int ksym_addr(const char *path, const char *name, uint64_t *addr);

/* @addr as "func+0x1f", or "func" at offset 0, into @buf; NULL if unknown. */
const char *ksym_format(const struct ksym_table *t, uint64_t addr, char *buf,
			size_t n);
/* struct output's ksym hook (output.h) over ksym_default(@ctx): @ctx is
 * the kallsyms path (NULL: /proc/kallsyms). The name into @buf, the offset
 * into *@off. */
const char *ksym_out_hook(void *ctx, uint64_t addr, char *buf, size_t n,
			  uint64_t *off);

#endif
