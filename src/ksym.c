/* ksym.c - kernel symbolization from kallsyms.
 *
 * Input: /proc/kallsyms (or a file in its format).  Output: a table of text
 * symbols sorted by address; lookups by address are a binary search, by name
 * a scan (they happen once per probe specifier, not per event).
 *
 * Only text symbols are kept: addresses spry names are instruction pointers
 * (the probed function, stack frames), and a data symbol between two
 * functions would only misname them.  The file is read whole into one buffer
 * that the table's names point into, so a load is two allocations and a sort.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ksym.h"

/* Whole file, NUL-terminated.  /proc files report size 0: read to EOF. */
static int read_all(const char *path, char **text, size_t *len)
{
	size_t cap = 1 << 20, n = 0;
	char *buf, *nbuf;
	ssize_t r;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		if (cap - n < 4096) {
			nbuf = realloc(buf, cap * 2);
			if (!nbuf) {
				err = -ENOMEM;
				goto fail;
			}
			buf = nbuf;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto fail;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
fail:
	free(buf);
	close(fd);
	return err;
}

static bool is_text_type(char c)
{
	return c == 't' || c == 'T' || c == 'w' || c == 'W';
}

/* Among symbols at one address, which name to print: a global one before a
 * local one, and a plain name before compiler/linker markers (__pfx_ padding,
 * __cfi_ stubs, _stext and friends). */
static int sym_rank(const struct ksym *k)
{
	int r = (k->type == 'T' || k->type == 'W') ? 0 : 2;

	if (!strncmp(k->name, "__pfx_", 6) || !strncmp(k->name, "__cfi_", 6))
		r += 8;
	else if (k->name[0] == '_')
		r += 1;
	return r;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;
	int rx, ry;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	rx = sym_rank(x);
	ry = sym_rank(y);
	if (rx != ry)
		return rx - ry;
	/* stable: names point into the file, in file order */
	return x->name < y->name ? -1 : x->name > y->name;
}

/* One line "ADDR TYPE NAME[\tMODULE]" in place; false if malformed. */
static bool parse_line(char *line, struct ksym *k)
{
	char *end, *tab, *mod;

	k->addr = strtoull(line, &end, 16);
	if (end == line || *end != ' ' || !end[1] || end[2] != ' ' || !end[3])
		return false;
	k->type = end[1];
	k->name = end + 3;
	k->module = NULL;
	tab = strchr(end + 3, '\t');
	if (tab) {
		*tab = '\0';
		mod = tab + 1;
		/* "[ext4]", maybe followed by more fields */
		if (*mod == '[') {
			char *close = strchr(mod, ']');

			if (close)
				*close = '\0';
			mod++;
		}
		k->module = mod;
	}
	return *k->name != '\0';
}

int ksym_load(const char *path, struct ksym_table **out)
{
	struct ksym_table *t;
	char *text = NULL, *line, *nl;
	size_t len = 0, cap = 0;
	int err;

	*out = NULL;
	err = read_all(path, &text, &len);
	if (err)
		return err;
	t = calloc(1, sizeof(*t));
	if (!t) {
		free(text);
		return -ENOMEM;
	}
	t->text = text;
	/* a line is at least "0 t x\n": an upper bound without a first pass
	 * would be len / 6; counting lines is cheaper on memory */
	for (line = text; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		cap++;
		if (!nl)
			break;
	}
	t->syms = calloc(cap ? cap : 1, sizeof(*t->syms));
	if (!t->syms) {
		ksym_free(t);
		return -ENOMEM;
	}
	for (line = text; line && *line; line = nl ? nl + 1 : NULL) {
		struct ksym k;

		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (!parse_line(line, &k) || !is_text_type(k.type))
			continue;
		if (k.addr)
			t->have_addrs = true;
		t->syms[t->n++] = k;
	}
	if (!t->n) {
		ksym_free(t);
		return -EINVAL;
	}
	qsort(t->syms, t->n, sizeof(*t->syms), sym_cmp);
	*out = t;
	return 0;
}

int ksym_addr(const char *path, const char *name, uint64_t *addr)
{
	char *text = NULL, *line, *nl;
	size_t len = 0;
	int err = read_all(path ? path : "/proc/kallsyms", &text, &len);
	bool found = false;

	if (err)
		return err;
	for (line = text; line && *line; line = nl ? nl + 1 : NULL) {
		struct ksym k;

		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (!parse_line(line, &k) || strcmp(k.name, name))
			continue;
		if (!found || !k.module)
			*addr = k.addr;
		found = true;
		if (!k.module)
			break;
	}
	free(text);
	if (!found)
		return -ENOENT;
	return *addr ? 0 : -EPERM;
}

void ksym_free(struct ksym_table *t)
{
	if (!t)
		return;
	free(t->syms);
	free(t->text);
	free(t);
}

const struct ksym_table *ksym_default(const char *path)
{
	/* One table per process: kallsyms is large (100k+ lines, several
	 * MB) and slow to generate, and both the compiler (probe
	 * targets) and the output (every printed frame) need it. */
	static struct ksym_table *table;
	static int err;

	if (table)
		return table;
	if (err) {
		errno = -err;
		return NULL;
	}
	if (!path || !*path)
		path = "/proc/kallsyms";
	err = ksym_load(path, &table);
	if (err) {
		errno = -err;
		return NULL;
	}
	return table;
}

const struct ksym *ksym_lookup(const struct ksym_table *t, uint64_t addr,
			       uint64_t *off)
{
	unsigned lo = 0, hi, mid;
	uint64_t base;

	if (!t || !t->have_addrs || !t->n || addr < t->syms[0].addr)
		return NULL;
	/* the last symbol at or below addr: invariant syms[lo].addr <= addr
	 * and every symbol from hi on is above it */
	hi = t->n;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (t->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	/* aliases sort best first: go back to the first of the group */
	base = t->syms[lo].addr;
	while (lo > 0 && t->syms[lo - 1].addr == base)
		lo--;
	if (addr - base > KSYM_MAX_OFF)
		return NULL;
	if (off)
		*off = addr - base;
	return &t->syms[lo];
}

const struct ksym *ksym_find(const struct ksym_table *t, const char *name)
{
	const struct ksym *best = NULL;

	if (!t)
		return NULL;
	/* the table is sorted by address: "first in kallsyms order" is the
	 * lowest name pointer, since names point into the file */
	for (unsigned i = 0; i < t->n; i++)
		if (!strcmp(t->syms[i].name, name) &&
		    (!best || t->syms[i].name < best->name))
			best = &t->syms[i];
	return best;
}

unsigned ksym_count(const struct ksym_table *t, const char *name)
{
	unsigned n = 0;

	for (unsigned i = 0; t && i < t->n; i++)
		if (!strcmp(t->syms[i].name, name))
			n++;
	return n;
}

unsigned ksym_resolve(const struct ksym_table *t, const char *const *names,
		      unsigned n, uint64_t *addrs)
{
	unsigned *seen, i, got = 0;

	memset(addrs, 0, n * sizeof(*addrs));
	if (!t || !t->have_addrs || !n)
		return 0;
	seen = calloc(n, sizeof(*seen));
	if (!seen)
		return 0;
	for (i = 0; i < t->n; i++) {
		unsigned lo = 0, hi = n;

		while (lo < hi) {
			unsigned mid = lo + (hi - lo) / 2;
			int c = strcmp(t->syms[i].name, names[mid]);

			if (!c) {
				if (!seen[mid]++)
					addrs[mid] = t->syms[i].addr;
				break;
			}
			if (c < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
	}
	for (i = 0; i < n; i++) {
		if (seen[i] != 1)
			addrs[i] = 0;
		else
			got++;
	}
	free(seen);
	return got;
}

const char *ksym_format(const struct ksym_table *t, uint64_t addr, char *buf,
			size_t n)
{
	const struct ksym *k;
	uint64_t off;

	k = ksym_lookup(t, addr, &off);
	if (!k || !n)
		return NULL;
	if (off)
		snprintf(buf, n, "%s+0x%" PRIx64, k->name, off);
	else
		snprintf(buf, n, "%s", k->name);
	return buf;
}

const char *ksym_out_hook(void *ctx, uint64_t addr, char *buf, size_t n,
			  uint64_t *off)
{
	const struct ksym *k = ksym_lookup(ksym_default(ctx), addr, off);

	if (!k || !n)
		return NULL;
	snprintf(buf, n, "%s", k->name);
	return buf;
}
