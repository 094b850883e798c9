/* check_graph.c - the pictures on hand-built data: graph.c's flame graph
 * tree, folded lines, SVG layout and text heat map rows; and picture.c's
 * glue through the output layer (-f folded, svg, heatmap) with fake stack
 * and symbol hooks and a fake clock.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "graph.h"
#include "output.h"
#include "script.h"
#include "type.h"
#include "tz.h"
#include "unit.h"

/* ---- capture ---- */

struct mem {
	FILE *f;
	char *buf;
	size_t len;
};

static FILE *mem_open(struct mem *m)
{
	memset(m, 0, sizeof(*m));
	m->f = open_memstream(&m->buf, &m->len);
	ck_assert_ptr_nonnull(m->f);
	return m->f;
}

static const char *mem_text(struct mem *m)
{
	fflush(m->f);
	return m->buf ? m->buf : "";
}

static void mem_close(struct mem *m)
{
	fclose(m->f);
	free(m->buf);
}

static unsigned count_of(const char *s, const char *what)
{
	unsigned n = 0;

	while ((s = strstr(s, what))) {
		n++;
		s += strlen(what);
	}
	return n;
}

static void add(struct graph_flame *f, const char *folded, uint64_t v)
{
	const char *names[32];
	enum graph_kind kinds[32];
	char *copy = strdup(folded), *save = NULL, *w;
	unsigned n = 0;

	for (w = strtok_r(copy, ";", &save); w; w = strtok_r(NULL, ";", &save)) {
		/* "k:name" is a kernel frame, "u:name" a user one */
		kinds[n] = !strncmp(w, "k:", 2) ? GRAPH_KERNEL :
			   !strncmp(w, "u:", 2) ? GRAPH_USER : GRAPH_KEY;
		names[n] = kinds[n] == GRAPH_KEY ? w : w + 2;
		n++;
	}
	graph_flame_add(f, n, names, kinds, v);
	free(copy);
}

static char *folded(const struct graph_flame *f, const char *prefix)
{
	struct mem m;
	char *s;

	mem_open(&m);
	graph_flame_folded(m.f, f, prefix);
	s = strdup(mem_text(&m));
	mem_close(&m);
	return s;
}

/* ---- flame graph tree ---- */

START_TEST(flame_tree)
{
	struct graph_flame *f = graph_flame_new(), *g = graph_flame_new();
	char *s;

	add(f, "d", 4);
	add(f, "a;c", 1);
	add(f, "a;b", 3);
	add(f, "a;b", 2);
	add(f, "a", 1);		/* a's own: ends at a */
	add(f, "x", 0);		/* weighs nothing: no frame */
	ck_assert_uint_eq(graph_flame_total(f), 11);
	s = folded(f, NULL);
	/* siblings in name order, one line per distinct stack */
	ck_assert_str_eq(s, "a 1\na;b 5\na;c 1\nd 4\n");
	free(s);
	s = folded(f, "@m");
	ck_assert_str_eq(s, "@m;a 1\n@m;a;b 5\n@m;a;c 1\n@m;d 4\n");
	free(s);

	/* same name, other kind: another frame */
	add(g, "k:a;k:b", 1);
	add(g, "u:a", 2);
	graph_flame_merge(g, f);
	graph_flame_merge(g, f);
	ck_assert_uint_eq(graph_flame_total(g), 25);
	s = folded(g, NULL);
	/* a (key), a (user), a (kernel) */
	ck_assert_str_eq(s, "a 2\na;b 10\na;c 2\na 2\na;b 1\nd 8\n");
	free(s);
	graph_flame_free(f);
	graph_flame_free(g);
}
END_TEST

START_TEST(flame_wide_and_deep)
{
	struct graph_flame *f = graph_flame_new();
	char name[32], *s;
	const char *names[400];
	enum graph_kind kinds[400];
	unsigned i;

	/* a root with thousands of children (the hash table grows) and a
	 * stack deeper than any kernel one */
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "f%05u", i);
		add(f, name, 1);
	}
	for (i = 0; i < 400; i++) {
		names[i] = "r";
		kinds[i] = GRAPH_USER;
	}
	graph_flame_add(f, 400, names, kinds, 7);
	ck_assert_uint_eq(graph_flame_total(f), 5007);
	s = folded(f, NULL);
	ck_assert_uint_eq(count_of(s, "\n"), 5001);
	ck_assert(!strncmp(s, "f00000 1\nf00001 1\n", 18));
	free(s);
	graph_flame_free(f);
}
END_TEST

/* ---- SVG ---- */

static char *svg(const struct graph_panel *p, unsigned n)
{
	struct mem m;
	char *s;

	mem_open(&m);
	ck_assert_int_eq(graph_svg(m.f, p, n), 0);
	s = strdup(mem_text(&m));
	mem_close(&m);
	return s;
}

START_TEST(svg_flame_layout)
{
	struct graph_flame *f = graph_flame_new();
	struct graph_panel p = { .kind = GRAPH_FLAME, .title = "@s",
				 .what = "count()" };
	char *s;

	add(f, "d", 4);
	add(f, "a;k:c", 1);
	add(f, "a;u:b", 3);
	p.flame = f;
	s = svg(&p, 1);
	/* 1180 pixels for 8: 147.5 each; children start at their parent's
	 * x, in name order; depth 2 at the top (y = 66), root at the
	 * bottom (66 + 2 * 17) */
	ck_assert_ptr_nonnull(strstr(s, "<g class=\"f\" data-v=\"8\" data-k=\"r\">"
		"<title>all (8, 100.00%)</title><rect x=\"10.00\" y=\"100.00\" "
		"width=\"1180.00\""));
	ck_assert_ptr_nonnull(strstr(s, "<g class=\"f\" data-v=\"4\" data-k=\"s\">"
		"<title>a (4, 50.00%)</title><rect x=\"10.00\" y=\"83.00\" "
		"width=\"590.00\""));
	ck_assert_ptr_nonnull(strstr(s, "<g class=\"f\" data-v=\"3\" data-k=\"u\">"
		"<title>b (3, 37.50%)</title><rect x=\"10.00\" y=\"66.00\" "
		"width=\"442.50\""));
	ck_assert_ptr_nonnull(strstr(s, "<g class=\"f\" data-v=\"1\" data-k=\"k\">"
		"<title>c (1, 12.50%)</title><rect x=\"452.50\" y=\"66.00\" "
		"width=\"147.50\""));
	ck_assert_ptr_nonnull(strstr(s, "<title>d (4, 50.00%)</title>"
		"<rect x=\"600.00\" y=\"83.00\" width=\"590.00\""));
	ck_assert_uint_eq(count_of(s, "<g class=\"f\""), 5);
	ck_assert_ptr_nonnull(strstr(s, "total: 8 (count())"));
	/* the legend names the kinds present; the script comes along */
	ck_assert_ptr_nonnull(strstr(s, ">kernel</text>"));
	ck_assert_ptr_nonnull(strstr(s, ">user</text>"));
	ck_assert_ptr_nonnull(strstr(s, ">other keys</text>"));
	ck_assert_ptr_nonnull(strstr(s, "<script"));
	/* title 66, three frames, 8 + 32 for the hover line */
	ck_assert_ptr_nonnull(strstr(s, "height=\"157\""));
	free(s);
	graph_flame_free(f);
}
END_TEST

START_TEST(svg_flame_text)
{
	struct graph_flame *f = graph_flame_new();
	struct graph_panel p = { .kind = GRAPH_FLAME, .title = "@<&>" };
	char *s;

	/* markup escaped, bytes XML cannot hold as '?', labels cut to fit,
	 * frames thinner than 0.1 px left out */
	add(f, "a<b>&\"c'", 1000000);
	add(f, "bad\xff\x01utf8 \xc3\xa9t\xc3\xa9", 1000000);
	add(f, "a_very_long_function_name_that_cannot_fit_at_all_in_its_frame", 100000);
	add(f, "tiny", 1);
	p.flame = f;
	s = svg(&p, 1);
	ck_assert_ptr_nonnull(strstr(s, "<title>a&lt;b&gt;&amp;&quot;c&apos; ("));
	ck_assert_ptr_nonnull(strstr(s, "<title>bad??utf8 \xc3\xa9t\xc3\xa9 ("));
	/* 1180 * 100000 / 2100001 = 56 px: 8 characters, 6 and ".." */
	ck_assert_ptr_nonnull(strstr(s, ">a_very..</text>"));
	ck_assert_ptr_null(strstr(s, "tiny"));
	ck_assert_ptr_nonnull(strstr(s, "Flame graph of @&lt;&amp;&gt;"));
	free(s);
	graph_flame_free(f);
}
END_TEST

static void cols_init(struct graph_col *c, unsigned n)
{
	unsigned i;

	memset(c, 0, n * sizeof(*c));
	for (i = 0; i < n; i++)
		c[i].t_ns = 1000000000ll * (i + 1);
}

START_TEST(svg_heat_and_bars)
{
	struct graph_col c[3];
	struct graph_panel p[2] = {
		{ .kind = GRAPH_HEAT, .title = "@ns", .cols = c, .ncols = 3 },
		{ .kind = GRAPH_BARS, .title = "@ns", .cols = c + 2, .ncols = 1 },
	};
	char *s;

	tz_set("UTC", NULL);
	tzset();
	cols_init(c, 3);
	c[0].cnt[10] = 5;
	c[2].cnt[12] = 100;
	c[2].cnt[11] = 1;
	s = svg(p, 2);
	/* one column per print, the empty one too; rows span buckets
	 * 10-12 */
	ck_assert_uint_eq(count_of(s, "<g class=\"col\""), 3);
	ck_assert_ptr_nonnull(strstr(s, "data-cols=\"3\" data-lo=\"10\" "
				     "data-hi=\"12\" data-max=\"100\""));
	ck_assert_ptr_nonnull(strstr(s, "<g class=\"col\" data-t=\"2.000\"></g>"));
	ck_assert_ptr_nonnull(strstr(s, "data-b=\"12\" data-v=\"100\"><title>"
				     "[2k, 4k): 100 at 3s (00:00:03)</title>"));
	ck_assert_ptr_nonnull(strstr(s, "Latency heat map of @ns"));
	/* the bar chart of the last column: its buckets 11-12 */
	ck_assert_uint_eq(count_of(s, "<g class=\"bar\""), 2);
	ck_assert_ptr_nonnull(strstr(s, "<g class=\"bar\" data-b=\"11\" "
				     "data-v=\"1\"><title>[1k, 2k): 1 (1.0%)"));
	ck_assert_ptr_null(strstr(s, "<script"));
	free(s);

	/* nothing at all: a document that says so */
	s = svg(NULL, 0);
	ck_assert_ptr_nonnull(strstr(s, "Nothing to draw"));
	ck_assert_ptr_nonnull(strstr(s, "</svg>\n"));
	free(s);
}
END_TEST

START_TEST(bucket_bounds)
{
	char b[32];

	ck_assert_str_eq(graph_bucket_bound(0, b, sizeof(b)), "0");
	ck_assert_str_eq(graph_bucket_bound(1, b, sizeof(b)), "1");
	ck_assert_str_eq(graph_bucket_bound(11, b, sizeof(b)), "1k");
	ck_assert_str_eq(graph_bucket_bound(65, b, sizeof(b)), "16E");
	ck_assert_str_eq(graph_bucket_label(0, b, sizeof(b)), "[0, 1)");
	ck_assert_str_eq(graph_bucket_label(64, b, sizeof(b)), "[8E, 16E)");
}
END_TEST

/* ---- text heat map ---- */

START_TEST(rows)
{
	struct graph_rows r;
	uint64_t c[GRAPH_BUCKETS] = { 0 };
	struct mem m;

	mem_open(&m);
	graph_rows_init(&r);
	/* nothing yet: no range, no header */
	graph_rows_write(m.f, &r, "@h", "t0", c);
	/* buckets 10-11: shown from 6 (a step to spare, on a label) to 17
	 * (whole steps, twelve at least); 8 is the largest, 1 the least */
	c[10] = 8;
	c[11] = 1;
	graph_rows_write(m.f, &r, "@h", "t1", c);
	/* inside the range: no new header; 2 of 8 on the log scale */
	c[10] = 2;
	c[11] = 0;
	graph_rows_write(m.f, &r, "@h", "t2", c);
	/* bucket 20 is outside: the range grows to 23 (a step to spare),
	 * with a new header; 64 is now the largest, so 2 is the least */
	c[20] = 64;
	graph_rows_write(m.f, &r, "@h", "t3", c);
	ck_assert_str_eq(mem_text(&m),
		"t0 (no events)\n"
		"@h: a row per print, a log2 bucket per 2 columns, shaded by "
		"count (log scale): ░ ▒ ▓ █\n"
		"   32    256   2k    16k     total\n"
		"t1         ██░░              9\n"
		"t2         ▒▒                2\n"
		"@h: a row per print, a log2 bucket per 2 columns, shaded by "
		"count (log scale): ░ ▒ ▓ █\n"
		"   32    256   2k    16k   128k  1M      total\n"
		"t3         ░░                  ██        66\n");
	mem_close(&m);
}
END_TEST

/* ---- the glue: maps through the output layer ---- */

static const struct type t_u64 = { .kind = T_INT, .size = 8, .align = 8 };
static const struct type t_s64 = { .kind = T_INT, .size = 8, .align = 8,
				   .is_signed = true };
static const struct type t_char = { .kind = T_INT, .size = 1, .align = 1,
				    .is_signed = true, .fmt = F_CHAR };
static const struct type t_str8 = { .kind = T_ARRAY, .size = 8, .align = 1,
				    .base = &t_char, .len = 8 };
static const struct type t_kstack = { .kind = T_INT, .size = 8, .align = 8,
				      .is_signed = true, .fmt = F_KSTACK };
static const struct type t_ustack = { .kind = T_INT, .size = 8, .align = 8,
				      .fmt = F_USTACK };

/* Kernel stack 1: vfs_read <- ksys_read <- entry; 2: an unnamed frame on
 * top of entry; 3: two unnamed on entry on one unnamed; user stack 5 (of
 * pid 9): "do it" <- main. */
static int fake_stack(void *ctx, uint64_t id, bool user, unsigned frames,
		      uint64_t *ips, unsigned max)
{
	if (!user && id == 1) {
		ips[0] = 0x1010;
		ips[1] = 0x1020;
		ips[2] = 0x1030;
		return 3;
	}
	if (!user && id == 2) {
		ips[0] = 0x9999;
		ips[1] = 0x1030;
		return 2;
	}
	if (!user && id == 3) {
		ips[0] = 0x9997;
		ips[1] = 0x9998;
		ips[2] = 0x1030;
		ips[3] = 0x9999;
		return 4;
	}
	if (user && id == (9ull << 32 | 5)) {
		ips[0] = 0x4010;
		ips[1] = 0x4020;
		return 2;
	}
	return 0;
}

/* The hooks give a name and its offset apart (output.h) */
static const char *fake_ksym(void *ctx, uint64_t addr, char *buf, size_t n,
			     uint64_t *off)
{
	const char *s = addr == 0x1010 ? "vfs_read" :
			addr == 0x1020 ? "ksys_read" :
			addr == 0x1030 ? "entry_SYSCALL_64" : NULL;

	if (!s)
		return NULL;
	*off = addr == 0x1010 ? 0x10 : addr == 0x1020 ? 0x5c : 0;
	snprintf(buf, n, "%s", s);
	return buf;
}

static const char *fake_usym(void *ctx, uint64_t addr, uint32_t pid,
			     char *buf, size_t n, uint64_t *off)
{
	if (pid != 9)
		return NULL;
	*off = addr == 0x4010 ? 3 : 0x1f;
	snprintf(buf, n, "%s", addr == 0x4010 ? "do it;now" : "main");
	return buf;
}

static int64_t fake_now = 1000000000ll * 3600;

static int64_t fake_clock(void)
{
	return fake_now;
}

struct cap {
	struct mem out, text, warn;
	struct output o;
	struct diag d;
};

static void cap_open(struct cap *c, enum out_format fmt)
{
	tz_set("UTC", NULL);
	tzset();
	mem_open(&c->out);
	out_init(&c->o, c->out.f, fmt, false);
	if (c->o.text) {
		mem_open(&c->text);
		c->o.text->f = c->text.f;
	}
	c->o.stack_read = fake_stack;
	c->o.ksym = fake_ksym;
	c->o.usym = fake_usym;
	c->o.clock = fake_clock;
	c->o.t0_ns = fake_now;
	diag_init(&c->d, mem_open(&c->warn));
	c->o.d = &c->d;
}

static void cap_close(struct cap *c)
{
	bool text = c->o.text;

	out_free(&c->o);
	mem_close(&c->out);
	mem_close(&c->warn);
	if (text)
		mem_close(&c->text);
}

/* @[comm, kstack] = count() with three keys. */
struct stackmap {
	struct map m;
	const struct type *keys[3];
	unsigned key_off[3];
	struct {
		char comm[8];
		int64_t k;
		uint64_t u;
	} key[4];
	uint64_t val[4];
	struct out_map_data md;
};

static void stackmap_init(struct stackmap *s, const char *name)
{
	memset(s, 0, sizeof(*s));
	s->keys[0] = &t_kstack;
	s->keys[1] = &t_str8;
	s->keys[2] = &t_ustack;
	/* written as @[kstack, comm, ustack]: the layout's offsets */
	s->key_off[0] = 8;
	s->key_off[1] = 0;
	s->key_off[2] = 16;
	s->m = (struct map){ .name = name, .kind = MAP_COUNT, .nkeys = 3,
			     .keys = s->keys, .key_off = s->key_off,
			     .val = &t_u64, .key_size = 24, .val_size = 8 };
	s->md = (struct out_map_data){ .m = &s->m, .key_size = 24,
				       .val_size = 8, .keys = s->key,
				       .vals = s->val };
}

static void stackmap_set(struct stackmap *s, unsigned i, const char *comm,
			 int64_t k, uint64_t u, uint64_t v)
{
	strncpy(s->key[i].comm, comm, sizeof(s->key[i].comm));
	s->key[i].k = k;
	s->key[i].u = u;
	s->val[i] = v;
	if (i + 1 > s->md.n)
		s->md.n = i + 1;
}

START_TEST(folded_frames)
{
	struct stackmap s;
	struct map other = { .name = "@n", .kind = MAP_COUNT, .val = &t_u64,
			     .key_size = 4, .val_size = 8 };
	uint64_t one = 5, id;
	uint32_t zero = 0;
	struct out_map_data omd = { .m = &other, .n = 1, .key_size = 4,
				    .val_size = 8, .keys = &zero, .vals = &one };
	struct cap c;

	cap_open(&c, OUT_FOLDED);
	stackmap_init(&s, "@");
	/* comm first, then user frames, then kernel frames, outermost
	 * first; offsets gone; ';' and spaces replaced; unnamed frames
	 * "[unknown]"; stacks not taken add nothing */
	stackmap_set(&s, 0, "cat", 1, 9ull << 32 | 5, 3);
	stackmap_set(&s, 1, "my app", 2, 9ull << 32 | (uint32_t)-14, 2);
	stackmap_set(&s, 2, "cat", -14, 9ull << 32 | 5, 1);
	stackmap_set(&s, 3, "gone", -14, 9ull << 32 | (uint32_t)-14, 0);
	out_map(&c.o, &s.md, 0, 0);
	out_map(&c.o, &omd, 0, 0);
	/* nothing on the output before the end; other maps are text */
	ck_assert_str_eq(mem_text(&c.out), "");
	ck_assert_str_eq(mem_text(&c.text), "@n: 5\n");
	ck_assert_int_eq(out_finish(&c.o), 0);
	ck_assert_str_eq(mem_text(&c.out),
		"cat;main;do_it_now 1\n"
		"cat;main;do_it_now;entry_SYSCALL_64;ksys_read;vfs_read 3\n"
		"my_app;entry_SYSCALL_64;[unknown] 2\n");
	ck_assert_str_eq(mem_text(&c.warn), "");
	cap_close(&c);

	/* a key with no frame at all */
	cap_open(&c, OUT_FOLDED);
	stackmap_init(&s, "@");
	s.m.nkeys = 1;
	s.m.key_off = NULL;
	s.md.key_size = s.m.key_size = 8;
	id = (uint64_t)-14;		/* a kstack id: the kernel's error */
	memcpy(s.key[0].comm, &id, 8);
	s.val[0] = 4;
	s.md.n = 1;
	s.md.keys = s.key[0].comm;
	out_map(&c.o, &s.md, 0, 0);
	ck_assert_int_eq(out_finish(&c.o), 0);
	ck_assert_str_eq(mem_text(&c.out), "[no stack] 4\n");
	cap_close(&c);

	/* a run of unnamed frames is one frame */
	cap_open(&c, OUT_FOLDED);
	s.key[0].k = 0;
	id = 3;				/* in the machine's byte order */
	memcpy(s.key[0].comm, &id, 8);
	out_map(&c.o, &s.md, 0, 0);
	ck_assert_int_eq(out_finish(&c.o), 0);
	ck_assert_str_eq(mem_text(&c.out),
			 "[unknown];entry_SYSCALL_64;[unknown] 4\n");
	cap_close(&c);
}
END_TEST

START_TEST(folded_clear_and_maps)
{
	struct stackmap a, b;
	struct cap c;

	cap_open(&c, OUT_FOLDED);
	stackmap_init(&a, "@a");
	stackmap_init(&b, "@b");
	/* printed and cleared: counted; printed again without a clear:
	 * counted once; the last print counts */
	stackmap_set(&a, 0, "x", 1, 0, 2);
	out_map(&c.o, &a.md, 0, 0);
	out_clear(&c.o, &a.m);
	stackmap_set(&a, 0, "x", 1, 0, 3);
	out_map(&c.o, &a.md, 0, 0);
	stackmap_set(&a, 0, "x", 1, 0, 5);
	out_map(&c.o, &a.md, 0, 0);
	stackmap_set(&b, 0, "y", 2, 0, 1);
	out_exit(&c.o);
	out_map(&c.o, &b.md, 0, 0);
	ck_assert_int_eq(out_finish(&c.o), 0);
	/* two maps: each line starts with its map */
	ck_assert_str_eq(mem_text(&c.out),
		"@a;x;entry_SYSCALL_64;ksys_read;vfs_read 7\n"
		"@b;y;entry_SYSCALL_64;[unknown] 1\n");
	cap_close(&c);
}
END_TEST

START_TEST(svg_from_maps)
{
	struct stackmap s;
	struct map h = { .name = "@ns", .kind = MAP_QUANTIZE, .val = &t_u64,
			 .key_size = 8, .val_size = 8 };
	struct map h1 = { .name = "@once", .kind = MAP_QUANTIZE,
			  .val = &t_u64, .key_size = 8, .val_size = 8 };
	uint64_t keys[2] = { 10, 12 }, vals[2] = { 4, 1 };
	struct out_map_data hmd = { .m = &h, .n = 2, .key_size = 8,
				    .val_size = 8, .keys = keys, .vals = vals };
	struct out_map_data h1md = hmd;
	struct cap c;
	int64_t zero = 0;
	const char *svgt;

	h1md.m = &h1;
	cap_open(&c, OUT_SVG);
	stackmap_init(&s, "@st");
	stackmap_set(&s, 0, "cat", 1, 9ull << 32 | 5, 3);
	/* three interval prints, one of them empty, and the one at exit
	 * after a clear: empty, so no column */
	fake_now += 1000000000ll;
	out_map(&c.o, &hmd, 0, 0);
	fake_now += 1000000000ll;
	hmd.n = 0;
	out_map(&c.o, &hmd, 0, 0);
	fake_now += 1000000000ll;
	hmd.n = 1;
	out_map(&c.o, &hmd, 0, 0);
	out_exit(&c.o);
	hmd.n = 0;
	out_map(&c.o, &hmd, 0, 0);
	out_map(&c.o, &h1md, 0, 0);
	out_map(&c.o, &s.md, 0, 0);
	ck_assert_int_eq(out_finish(&c.o), 0);
	svgt = mem_text(&c.out);
	ck_assert(!strncmp(svgt, "<?xml", 5));
	ck_assert_ptr_nonnull(strstr(svgt, "data-cols=\"3\""));
	ck_assert_ptr_nonnull(strstr(svgt, "<g class=\"col\" data-t=\"1.000\">"));
	ck_assert_ptr_nonnull(strstr(svgt, "<g class=\"col\" data-t=\"2.000\"></g>"));
	ck_assert_ptr_nonnull(strstr(svgt, "<g class=\"col\" data-t=\"3.000\">"));
	ck_assert_ptr_nonnull(strstr(svgt, "Histogram of @once"));
	ck_assert_uint_eq(count_of(svgt, "<g class=\"bar\""), 3);
	ck_assert_ptr_nonnull(strstr(svgt, "Flame graph of @st"));
	ck_assert_ptr_nonnull(strstr(svgt, "<title>do_it_now (3, 100.00%)</title>"));
	/* panels in the order the maps first printed */
	ck_assert(strstr(svgt, "Latency heat map") < strstr(svgt, "Histogram of"));
	ck_assert(strstr(svgt, "Histogram of") < strstr(svgt, "Flame graph"));
	ck_assert_str_eq(mem_text(&c.text), "");
	(void)zero;
	cap_close(&c);
}
END_TEST

START_TEST(heatmap_rows_from_maps)
{
	struct map h = { .name = "@ns", .kind = MAP_QUANTIZE, .val = &t_u64,
			 .key_size = 8, .val_size = 8 };
	struct map once = { .name = "@once", .kind = MAP_QUANTIZE,
			    .val = &t_u64, .key_size = 8, .val_size = 8 };
	static const struct type *k_s64[] = { &t_s64 };
	struct map keyed = { .name = "@by", .kind = MAP_QUANTIZE,
			     .val = &t_u64, .nkeys = 1, .keys = k_s64,
			     .key_size = 16, .val_size = 8 };
	/* buckets as bpftrace's hist() counts them: 11 is [512, 1K) */
	uint64_t keys[2] = { 11, 13 }, vals[2] = { 4, 1 };
	int64_t kkeys[4] = { 7, 11, -1, 12 };
	uint64_t kvals[2] = { 2, 3 };
	struct out_map_data md = { .m = &h, .n = 2, .key_size = 8,
				   .val_size = 8, .keys = keys, .vals = vals };
	struct out_map_data omd = md, kmd = { .m = &keyed, .n = 2,
		.key_size = 16, .val_size = 8, .keys = kkeys, .vals = kvals };
	struct cap c;
	const char *t;

	omd.m = &once;
	fake_now = 1000000000ll * 3600;
	cap_open(&c, OUT_HEATMAP);
	fake_now += 1000000000ll;
	out_map(&c.o, &md, 0, 0);
	out_map(&c.o, &kmd, 0, 0);
	fake_now += 1000000000ll;
	md.n = 1;
	out_map(&c.o, &md, 0, 0);
	out_exit(&c.o);
	fake_now += 1000000000ll;
	out_map(&c.o, &md, 0, 0);	/* at exit, not empty: a row */
	out_map(&c.o, &omd, 0, 0);	/* only at exit: the usual histogram */
	ck_assert_int_eq(out_finish(&c.o), 0);
	t = mem_text(&c.out);
	ck_assert_uint_eq(count_of(t, "\n01:00:01 "), 3);
	ck_assert_uint_eq(count_of(t, "\n01:00:02 "), 1);
	ck_assert_uint_eq(count_of(t, "\n01:00:03 "), 1);
	ck_assert_ptr_nonnull(strstr(t, "01:00:01 -1 "));
	ck_assert_ptr_nonnull(strstr(t, "01:00:01 7 "));
	ck_assert_ptr_nonnull(strstr(t, "@once: \n[512, 1K)"));
	cap_close(&c);

	/* prints less than a second apart: labels to the millisecond from
	 * then on; from the first print when it came that soon */
	cap_open(&c, OUT_HEATMAP);
	fake_now += 1000000000ll;
	out_map(&c.o, &md, 0, 0);
	fake_now += 250000000ll;
	out_map(&c.o, &md, 0, 0);
	t = mem_text(&c.out);
	ck_assert_ptr_nonnull(strstr(t, "\n01:00:04 "));
	ck_assert_ptr_nonnull(strstr(t, "\n01:00:04.250 "));
	cap_close(&c);
	cap_open(&c, OUT_HEATMAP);
	fake_now += 500000000ll;
	out_map(&c.o, &md, 0, 0);
	ck_assert_ptr_nonnull(strstr(mem_text(&c.out), "\n01:00:04.750 "));
	cap_close(&c);
}
END_TEST

START_TEST(nothing_drawn)
{
	struct map n = { .name = "@n", .kind = MAP_COUNT, .val = &t_u64,
			 .key_size = 4, .val_size = 8 };
	struct map h = { .name = "@h", .kind = MAP_QUANTIZE, .val = &t_u64,
			 .key_size = 8, .val_size = 8 };
	uint64_t one = 5;
	uint32_t zero = 0;
	struct out_map_data md = { .m = &n, .n = 1, .key_size = 4,
				   .val_size = 8, .keys = &zero, .vals = &one };
	struct out_map_data hmd = { .m = &h, .key_size = 8, .val_size = 8 };
	struct cap c;

	/* folded: no stack map, so no line; the run says why, once,
	 * through the diag */
	cap_open(&c, OUT_FOLDED);
	out_map(&c.o, &md, 0, 0);
	ck_assert_int_eq(out_finish(&c.o), 0);
	ck_assert_str_eq(mem_text(&c.out), "");
	ck_assert_str_eq(mem_text(&c.text), "@n: 5\n");
	ck_assert_str_eq(mem_text(&c.warn), "spry: warning: -f folded: no "
			 "map keyed by a stack was printed: nothing to fold\n");
	ck_assert_uint_eq(c.d.warnings, 1);
	cap_close(&c);

	/* svg: an empty histogram draws nothing; the document says so */
	cap_open(&c, OUT_SVG);
	out_exit(&c.o);
	out_map(&c.o, &hmd, 0, 0);
	ck_assert_int_eq(out_finish(&c.o), 0);
	ck_assert(!strncmp(mem_text(&c.out), "<?xml", 5));
	ck_assert_ptr_nonnull(strstr(mem_text(&c.warn), "-f svg: no map "
				     "keyed by a stack, and no histogram with "
				     "counts, was printed: nothing to draw"));
	cap_close(&c);
}
END_TEST

START_TEST(hist_many_keys)
{
	static const struct type *k_s64[] = { &t_s64 };
	struct map keyed = { .name = "@by", .kind = MAP_QUANTIZE,
			     .val = &t_u64, .nkeys = 1, .keys = k_s64,
			     .key_size = 16, .val_size = 8 };
	enum { N = 3000 };
	int64_t *keys = calloc(2 * N, sizeof(*keys));
	uint64_t *vals = calloc(N, sizeof(*vals));
	struct out_map_data md = { .m = &keyed, .n = N, .key_size = 16,
				   .val_size = 8, .keys = keys, .vals = vals };
	struct cap c;
	unsigned i;

	/* a row per key and print, whatever the number of keys */
	for (i = 0; i < N; i++) {
		keys[2 * i] = i;
		keys[2 * i + 1] = 1 + i % 20;
		vals[i] = 1 + i;
	}
	cap_open(&c, OUT_HEATMAP);
	fake_now += 2000000000ll;
	out_map(&c.o, &md, 0, 0);
	fake_now += 1000000000ll;
	out_map(&c.o, &md, 0, 0);
	ck_assert_uint_eq(count_of(mem_text(&c.out), "\n01:00:0"), 2 * N);
	ck_assert_ptr_nonnull(strstr(mem_text(&c.out), "\n01:00:03 2999 "));
	cap_close(&c);
	free(keys);
	free(vals);
}
END_TEST

static Suite *graph_suite(void)
{
	Suite *s = suite_create("graph");
	TCase *tc = tcase_create("graph");

	tcase_add_test(tc, flame_tree);
	tcase_add_test(tc, flame_wide_and_deep);
	tcase_add_test(tc, svg_flame_layout);
	tcase_add_test(tc, svg_flame_text);
	tcase_add_test(tc, svg_heat_and_bars);
	tcase_add_test(tc, bucket_bounds);
	tcase_add_test(tc, rows);
	tcase_add_test(tc, folded_frames);
	tcase_add_test(tc, folded_clear_and_maps);
	tcase_add_test(tc, svg_from_maps);
	tcase_add_test(tc, heatmap_rows_from_maps);
	tcase_add_test(tc, nothing_drawn);
	tcase_add_test(tc, hist_many_keys);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(graph_suite());
}
