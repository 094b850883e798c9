/* picture.c - maps drawn as pictures: -f folded, -f svg, -f heatmap.
 *
 * Input: the map prints and clears of a run (struct out_map_data, as the
 * runtime read them), through the output layer.  Output: graph.h's data,
 * collected per map and written at exit (folded lines, one SVG document),
 * or heat map rows at each print.  picture.h says which maps each format
 * draws and how keys become frames.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "graph.h"
#include "output.h"
#include "picture.h"
#include "script.h"
#include "type.h"
#include "tz.h"

/* One key of a histogram: its columns, for the prints it was in. */
struct pic_group {
	uint8_t *key;		/* the user keys' bytes */
	char *text;		/* "" when the map has no keys */
	struct graph_col *cols;
	unsigned *print;	/* the print each column belongs to */
	unsigned n, cap;
	uint64_t total;
};

/* One map's picture. */
struct pic {
	struct pic *next;
	const struct map *m;
	bool flame;			/* keyed by a stack; else a histogram */
	struct graph_flame *done;	/* prints that a clear() followed */
	struct graph_flame *last;	/* the last print */
	struct pic_group *groups;
	unsigned ngroups, gcap;
	unsigned *ht;			/* groups by key: index + 1, 0 empty */
	unsigned htcap;			/* a power of two */
	int64_t *times;			/* each print's time */
	unsigned nprints, cap;
	struct graph_rows rows;		/* -f heatmap */
	bool ms;			/* rows labelled to the millisecond */
};

struct pictures {
	struct output *o;
	struct pic *head, **tail;
};

static void *pic_alloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		abort();	/* as arena.h */
	return p;
}

static void *pic_grow(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

struct pictures *pic_new(struct output *o)
{
	struct pictures *p = pic_alloc(sizeof(*p));

	p->o = o;
	p->tail = &p->head;
	return p;
}

void pic_free(struct pictures *p)
{
	struct pic *pc, *next;
	unsigned i;

	if (!p)
		return;
	for (pc = p->head; pc; pc = next) {
		next = pc->next;
		graph_flame_free(pc->done);
		graph_flame_free(pc->last);
		for (i = 0; i < pc->ngroups; i++) {
			free(pc->groups[i].key);
			free(pc->groups[i].text);
			free(pc->groups[i].cols);
			free(pc->groups[i].print);
		}
		free(pc->groups);
		free(pc->ht);
		free(pc->times);
		free(pc);
	}
	free(p);
}

static struct pic *pic_find(struct pictures *p, const struct map *m,
			    bool create)
{
	struct pic *pc;

	for (pc = p->head; pc; pc = pc->next)
		if (pc->m == m)
			return pc;
	if (!create)
		return NULL;
	pc = pic_alloc(sizeof(*pc));
	pc->m = m;
	graph_rows_init(&pc->rows);
	*p->tail = pc;
	p->tail = &pc->next;
	return pc;
}

static bool is_stack(const struct type *t)
{
	return type_is_stack(t);
}

static bool is_ustack(const struct type *t)
{
	return t->fmt == F_USTACK || t->fmt == F_USTACK_PERF;
}

/* Keyed by a stack, with an integer value to weigh it by: a count, a sum,
 * or a plain integer. */
static bool is_stack_map(const struct map *m)
{
	const struct type *v = m->val;
	unsigned i;

	switch (m->kind) {
	case MAP_COUNT:
	case MAP_SUM:
		break;
	case MAP_PLAIN:
		if (!v || v->kind != T_INT || v->size > 8 || is_stack(v))
			return false;
		break;
	default:
		return false;
	}
	for (i = 0; i < m->nkeys; i++)
		if (is_stack(m->keys[i]))
			return true;
	return false;
}

/* The one place that knows which maps are histograms: true when @m is
 * one, with its bucket @b (the key's trailing u64) as graph.h's log2 bucket
 * in *@gb (GRAPH_BUCKETS or more: not drawn).  A kind of histogram is a
 * case here.  A linear lhist() needs graph.h to draw linear buckets
 * first. */
static bool hist_bucket(const struct map *m, uint64_t b, uint64_t *gb)
{
	switch (m->kind) {
	case MAP_QUANTIZE:
	case MAP_HIST:
		/* bpftrace's buckets (x < 0 in 0, x == 0 in 1, [2^(b-2),
		 * 2^(b-1)) in b) as graph.h's (x < 1 in 0, [2^(b-1), 2^b)
		 * in b) */
		*gb = b < 2 ? 0 : b - 1;
		return true;
	default:
		return false;
	}
}

static bool is_hist_map(const struct map *m)
{
	uint64_t gb;

	return hist_bucket(m, 0, &gb);
}

/* ---- frames ---- */

/* A frame name as pictures show it: "vfs_read+0x1f" -> "vfs_read"; ';'
 * (the folded separator) and spaces (the count's) -> '_'; control bytes
 * -> '?'; empty -> @empty. */
static char *frame_name(const char *s, bool symbol, const char *empty)
{
	size_t n = strlen(s), i;
	char *r;

	if (symbol) {
		/* the offset: "+0x" and hex digits to the end */
		const char *plus = strrchr(s, '+');

		if (plus && plus > s && !strncmp(plus, "+0x", 3) && plus[3] &&
		    strspn(plus + 3, "0123456789abcdef") == strlen(plus + 3))
			n = (size_t)(plus - s);
	}
	if (!n)
		return strdup(empty);
	r = pic_alloc(n + 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		r[i] = c == ';' || c == ' ' ? '_' : c < 0x20 || c == 0x7f ?
		       '?' : (char)c;
	}
	return r;
}

/* The frames of one stack-keyed entry, outermost first (picture.h says
 * in which order).  Returns the count; names are malloc'd. */
struct frames {
	char **names;
	enum graph_kind *kinds;
	unsigned n, cap;
};

static void frames_push(struct frames *f, char *name, enum graph_kind kind)
{
	if (!name)
		abort();
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 64;
		f->names = pic_grow(f->names, f->cap * sizeof(*f->names));
		f->kinds = pic_grow(f->kinds, f->cap * sizeof(*f->kinds));
	}
	f->names[f->n] = name;
	f->kinds[f->n++] = kind;
}

static void frames_reset(struct frames *f)
{
	unsigned i;

	for (i = 0; i < f->n; i++)
		free(f->names[i]);
	f->n = 0;
}

static void frames_stack(struct output *o, struct frames *f,
			 const struct type *t, uint64_t v,
			 char (*names)[OUT_SYM_MAX], uint64_t *ips)
{
	bool user = is_ustack(t);
	int n = out_stack_frames(o, t, v, ips, names), i;
	bool unknown = false;

	for (i = n - 1; i >= 0; i--) {
		/* a frame-pointer walk through code built without them
		 * climbs through garbage: a run of unnamed frames is one */
		if (!names[i][0] && unknown)
			continue;
		unknown = !names[i][0];
		frames_push(f, frame_name(names[i][0] ? names[i] : "[unknown]",
					  names[i][0] != '\0', "[unknown]"),
			    user ? GRAPH_USER : GRAPH_KERNEL);
	}
}

static void frames_of(struct output *o, const struct map *m,
		      const uint8_t *key, struct frames *f,
		      char (*names)[OUT_SYM_MAX], uint64_t *ips)
{
	unsigned i;
	int pass;

	for (i = 0; i < m->nkeys; i++) {
		char *text;

		if (is_stack(m->keys[i]))
			continue;
		text = out_value_text(o, m->keys[i],
				      key + out_key_off(m, i));
		frames_push(f, frame_name(text, false, "[empty]"), GRAPH_KEY);
		free(text);
	}
	/* user code calls into the kernel: user frames below kernel ones;
	 * a second stack of the same kind (offwaketime's waker) follows a
	 * "--" frame, as bcc's folded stacks part the waker's */
	for (pass = 0; pass < 2; pass++) {
		bool had = false;

		for (i = 0; i < m->nkeys; i++) {
			const struct type *t = m->keys[i];
			uint64_t v;

			if (!is_stack(t) ||
			    is_ustack(t) != (pass == 0))
				continue;
			if (had)
				frames_push(f, strdup("--"), GRAPH_KEY);
			had = true;
			memcpy(&v, key + out_key_off(m, i), 8);
			frames_stack(o, f, t, v, names, ips);
		}
	}
	if (!f->n)
		frames_push(f, strdup("[no stack]"), GRAPH_KEY);
}

/* A stack map's print: its contents become the map's last print. */
static void pic_flame_print(struct pictures *p, struct pic *pc,
			    const struct out_map_data *md)
{
	const struct map *m = md->m;
	const struct type *vt = m->val;
	bool sgn = m->kind == MAP_PLAIN && vt && vt->is_signed;
	char (*names)[OUT_SYM_MAX] = pic_alloc(OUT_STACK_MAX * sizeof(*names));
	uint64_t ips[OUT_STACK_MAX];
	struct frames f = { 0 };
	unsigned i;

	graph_flame_free(pc->last);
	pc->last = graph_flame_new();
	for (i = 0; i < md->n; i++) {
		const uint8_t *k = (const uint8_t *)md->keys +
				   (size_t)i * md->key_size;
		const uint8_t *vp = (const uint8_t *)md->vals +
				    (size_t)i * md->val_size;
		uint64_t v = 0;

		memcpy(&v, vp, md->val_size < 8 ? md->val_size : 8);
		if (vt && vt->size < 8 && md->val_size >= vt->size)
			v &= (1ull << (vt->size * 8)) - 1;
		/* a plain map's negative values weigh nothing */
		if (!v || (sgn && vt->size == 8 && (int64_t)v < 0))
			continue;
		frames_of(p->o, m, k, &f, names, ips);
		graph_flame_add(pc->last, f.n, (const char *const *)f.names,
				f.kinds, v);
		frames_reset(&f);
	}
	free(f.names);
	free(f.kinds);
	free(names);
}

/* ---- histograms ---- */

/* "12:00:01", or "12:00:01.250" with @ms. */
static const char *clock_label(int64_t t_ns, bool ms, char *buf, size_t n)
{
	size_t len = tz_clock(buf, n, t_ns / 1000000000LL, false);

	if (!len) {
		snprintf(buf, n, "?");
		return buf;
	}
	if (ms)
		snprintf(buf + len, n - len, ".%03d",
			 (int)(t_ns % 1000000000LL / 1000000));
	return buf;
}

static uint64_t key_hash(const uint8_t *key, unsigned n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	unsigned i;

	for (i = 0; i < n; i++)
		h = (h ^ key[i]) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

/* The slot of @key in the group table (a hash, so that a print costs its
 * entries, whatever the number of keys). */
static unsigned *group_slot(struct pic *pc, const uint8_t *key, unsigned n)
{
	size_t mask = pc->htcap - 1, i = key_hash(key, n) & mask;

	while (pc->ht[i] && memcmp(pc->groups[pc->ht[i] - 1].key, key, n))
		i = (i + 1) & mask;
	return &pc->ht[i];
}

static struct pic_group *pic_group(struct output *o, struct pic *pc,
				   const struct map *m, const uint8_t *key,
				   unsigned ksize)
{
	struct pic_group *g;
	size_t len = 0;
	unsigned i, *slot;

	if (!pc->htcap) {
		pc->htcap = 16;
		pc->ht = pic_alloc(pc->htcap * sizeof(*pc->ht));
	}
	slot = group_slot(pc, key, ksize);
	if (*slot)
		return &pc->groups[*slot - 1];
	if (pc->ngroups == pc->gcap) {
		pc->gcap = pc->gcap ? 2 * pc->gcap : 8;
		pc->groups = pic_grow(pc->groups,
				      pc->gcap * sizeof(*pc->groups));
	}
	*slot = pc->ngroups + 1;
	g = &pc->groups[pc->ngroups++];
	memset(g, 0, sizeof(*g));
	g->key = pic_alloc(ksize);
	memcpy(g->key, key, ksize);
	/* the keys as text, ", "-joined, on one line */
	g->text = pic_alloc(1);
	for (i = 0; i < m->nkeys; i++) {
		char *t = out_value_text(o, m->keys[i],
					 key + out_key_off(m, i));
		size_t tl = strlen(t), k;

		g->text = pic_grow(g->text, len + tl + 3);
		if (i) {
			memcpy(g->text + len, ", ", 2);
			len += 2;
		}
		for (k = 0; k < tl; k++)
			g->text[len++] = t[k] == '\n' ? ' ' : t[k];
		g->text[len] = '\0';
		free(t);
	}
	/* at most half full */
	if (2 * pc->ngroups > pc->htcap) {
		free(pc->ht);
		pc->htcap *= 2;
		pc->ht = pic_alloc(pc->htcap * sizeof(*pc->ht));
		for (i = 0; i < pc->ngroups; i++)
			*group_slot(pc, pc->groups[i].key, ksize) = i + 1;
		g = &pc->groups[pc->ngroups - 1];
	}
	return g;
}

/* A histogram's print: a column for each of its keys. */
static void pic_hist_print(struct pictures *p, struct pic *pc,
			   const struct out_map_data *md, int64_t now)
{
	const struct map *m = md->m;
	unsigned ksize = md->key_size >= 8 ? md->key_size - 8 : 0, i;

	if (pc->nprints == pc->cap) {
		pc->cap = pc->cap ? 2 * pc->cap : 16;
		pc->times = pic_grow(pc->times, pc->cap * sizeof(*pc->times));
	}
	pc->times[pc->nprints] = now;
	for (i = 0; i < md->n; i++) {
		const uint8_t *k = (const uint8_t *)md->keys +
				   (size_t)i * md->key_size;
		struct pic_group *g = pic_group(p->o, pc, m, k, ksize);
		uint64_t b, bucket = GRAPH_BUCKETS, v = 0;

		memcpy(&b, k + ksize, 8);
		hist_bucket(m, b, &bucket);
		memcpy(&v, (const uint8_t *)md->vals + (size_t)i * md->val_size,
		       md->val_size < 8 ? md->val_size : 8);
		if (bucket >= GRAPH_BUCKETS || !v)
			continue;
		if (!g->n || g->print[g->n - 1] != pc->nprints) {
			if (g->n == g->cap) {
				g->cap = g->cap ? 2 * g->cap : 16;
				g->cols = pic_grow(g->cols,
						   g->cap * sizeof(*g->cols));
				g->print = pic_grow(g->print,
						    g->cap * sizeof(*g->print));
			}
			memset(&g->cols[g->n], 0, sizeof(g->cols[g->n]));
			g->cols[g->n].t_ns = now;
			g->print[g->n++] = pc->nprints;
		}
		g->cols[g->n - 1].cnt[bucket] += v;
		g->total += v;
	}
	pc->nprints++;
}

/* -f heatmap: the rows of the print just recorded (pc->nprints - 1). */
static void pic_hist_rows(struct pictures *p, struct pic *pc, int64_t now)
{
	static const uint64_t empty[GRAPH_BUCKETS];
	unsigned at = pc->nprints - 1, i;
	char when[32], *label;

	/* prints less than a second apart (the first less than a second
	 * after the start): labelled to the millisecond.  A timer of one
	 * second fires a little early now and then: 0.9 s and more is a
	 * second apart. */
	if (at ? now - pc->times[at - 1] < 900000000LL :
		 now - p->o->t0_ns < 900000000LL)
		pc->ms = true;
	clock_label(now, pc->ms, when, sizeof(when));
	if (!pc->m->nkeys) {
		const struct pic_group *g = pc->ngroups ? &pc->groups[0] : NULL;
		bool has = g && g->n && g->print[g->n - 1] == at;

		graph_rows_write(p->o->f, &pc->rows, pc->m->name, when,
				 has ? g->cols[g->n - 1].cnt : empty);
		return;
	}
	for (i = 0; i < pc->ngroups; i++) {
		const struct pic_group *g = &pc->groups[i];

		if (!g->n || g->print[g->n - 1] != at)
			continue;
		label = pic_alloc(strlen(when) + strlen(g->text) + 2);
		sprintf(label, "%s %s", when, g->text);
		graph_rows_write(p->o->f, &pc->rows, pc->m->name, label,
				 g->cols[g->n - 1].cnt);
		free(label);
	}
}

bool pic_map(struct pictures *p, const struct out_map_data *md)
{
	const struct map *m = md->m;
	enum out_format fmt = p->o->format;
	struct pic *pc;
	int64_t now;

	if (is_hist_map(m) && fmt != OUT_FOLDED) {
		pc = pic_find(p, m, fmt == OUT_SVG || !p->o->at_exit);
		/* heatmap: a histogram printed only at exit is no heat map */
		if (!pc)
			return false;
		/* the print at exit of a map the script printed and cleared
		 * is no new interval unless something came since */
		if (p->o->at_exit && pc->nprints && !md->n)
			return true;
		now = out_now(p->o);
		pic_hist_print(p, pc, md, now);
		if (fmt == OUT_HEATMAP)
			pic_hist_rows(p, pc, now);
		return true;
	}
	if (fmt != OUT_HEATMAP && is_stack_map(m)) {
		pc = pic_find(p, m, true);
		pc->flame = true;
		pic_flame_print(p, pc, md);
		return true;
	}
	return false;
}

void pic_clear(struct pictures *p, const struct map *m)
{
	struct pic *pc = pic_find(p, m, false);

	if (!pc || !pc->flame || !pc->last)
		return;
	if (!pc->done)
		pc->done = graph_flame_new();
	graph_flame_merge(pc->done, pc->last);
	graph_flame_free(pc->last);
	pc->last = NULL;
}

/* A stack map's picture: its cleared prints and its last one. */
static struct graph_flame *pic_flame_total(const struct pic *pc)
{
	struct graph_flame *f = graph_flame_new();

	if (pc->done)
		graph_flame_merge(f, pc->done);
	if (pc->last)
		graph_flame_merge(f, pc->last);
	return f;
}

/* The run drew nothing: worth a word, or an empty file goes unexplained. */
static void pic_warn(struct pictures *p, const char *msg)
{
	assert(p->o->d && "the runtime gives the pictures its diag");
	diag_warn(p->o->d, NULL, "%s", msg);
}

static void pic_folded(struct pictures *p)
{
	struct output *o = p->o;
	struct pic *pc;
	unsigned maps = 0;

	for (pc = p->head; pc; pc = pc->next)
		maps += pc->flame;
	if (!maps)
		pic_warn(p, "-f folded: no map keyed by a stack was printed: "
			 "nothing to fold");
	for (pc = p->head; pc; pc = pc->next) {
		struct graph_flame *f;

		if (!pc->flame)
			continue;
		f = pic_flame_total(pc);
		/* several maps: each line starts with its map's name */
		graph_flame_folded(o->f, f, maps > 1 ? pc->m->name : NULL);
		graph_flame_free(f);
	}
}

static const char *value_name(const struct map *m)
{
	switch (m->kind) {
	case MAP_COUNT:
		return "count()";
	case MAP_SUM:
		return "sum()";
	default:
		return "value";
	}
}

/* Keys with the most in them first. */
static int cmp_groups(const void *a, const void *b, void *arg)
{
	const struct pic_group *groups = arg;
	const struct pic_group *x = &groups[*(const unsigned *)a];
	const struct pic_group *y = &groups[*(const unsigned *)b];

	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return strcmp(x->text, y->text);
}

static int pic_svg(struct pictures *p)
{
	struct graph_panel *panel = NULL;
	struct graph_flame **flames = NULL;
	char **titles = NULL;
	unsigned n = 0, cap = 0, i, k;
	unsigned *order;
	struct pic *pc;
	int err;

	for (pc = p->head; pc; pc = pc->next) {
		unsigned want = pc->flame ? 1 : pc->ngroups;

		if (n + want > cap) {
			cap = 2 * (n + want);
			panel = pic_grow(panel, cap * sizeof(*panel));
			flames = pic_grow(flames, cap * sizeof(*flames));
			titles = pic_grow(titles, cap * sizeof(*titles));
		}
		if (pc->flame) {
			memset(&panel[n], 0, sizeof(panel[n]));
			flames[n] = pic_flame_total(pc);
			titles[n] = strdup(pc->m->name);
			panel[n].kind = GRAPH_FLAME;
			panel[n].flame = flames[n];
			panel[n].what = value_name(pc->m);
			panel[n].title = titles[n];
			n++;
			continue;
		}
		/* a histogram: a panel per key, the largest first */
		order = pic_alloc(pc->ngroups * sizeof(*order));
		for (k = 0; k < pc->ngroups; k++)
			order[k] = k;
		qsort_r(order, pc->ngroups, sizeof(*order), cmp_groups,
			pc->groups);
		for (k = 0; k < pc->ngroups; k++) {
			const struct pic_group *g = &pc->groups[order[k]];
			size_t tl = strlen(pc->m->name) + strlen(g->text) + 3;

			memset(&panel[n], 0, sizeof(panel[n]));
			flames[n] = NULL;
			titles[n] = pic_alloc(tl);
			snprintf(titles[n], tl, pc->m->nkeys ? "%s[%s]" : "%s%s",
				 pc->m->name, g->text);
			panel[n].kind = pc->nprints > 1 ? GRAPH_HEAT : GRAPH_BARS;
			panel[n].title = titles[n];
			panel[n].what = "count";
			/* the key's columns where it had counts */
			panel[n].cols = g->cols;
			panel[n].at = g->print;
			panel[n].ncounts = g->n;
			panel[n].times = pc->times;
			panel[n].ncols = pc->nprints;
			panel[n].t0_ns = p->o->t0_ns;
			n++;
		}
		free(order);
	}
	if (!n)
		pic_warn(p, "-f svg: no map keyed by a stack, and no histogram "
			 "with counts, was printed: nothing to draw");
	err = graph_svg(p->o->f, panel, n);
	for (i = 0; i < n; i++) {
		graph_flame_free(flames[i]);
		free(titles[i]);
	}
	free(panel);
	free(flames);
	free(titles);
	return err;
}

int pic_finish(struct pictures *p)
{
	FILE *f = p->o->f;
	int err = 0;

	if (p->o->format == OUT_FOLDED)
		pic_folded(p);
	else if (p->o->format == OUT_SVG)
		err = pic_svg(p);
	if (!fflush(f) && !ferror(f) && !err)
		return 0;
	/* the error of the write that failed ("No space left on device"),
	 * as stdio left it: nothing since has failed */
	return errno ? -errno : -EIO;
}
