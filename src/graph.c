/* graph.c - flame graphs, latency heat maps and bar charts as SVG, heat map
 * rows as terminal text, stacks as folded lines.
 *
 * Input: plain data (graph.h): a tree of frames with values, columns of
 * log2 bucket counts.  Output: text on a stdio stream.  Nothing here knows
 * about maps, symbols or the kernel.
 *
 * The SVG is written in one pass: every panel's height is known from its
 * data (the flame graph's depth, the heat map's bucket range) before the
 * first byte, so the document's size is in its opening tag.  Coordinates
 * are written with two decimals: enough for a 1200-pixel picture, and the
 * layout tests compare them with the same precision.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "graph.h"
#include "tz.h"

#define G_WIDTH		1200	/* every panel */
#define G_PAD		10	/* flame graph: left and right margin */
#define G_FRAME_H	17	/* flame graph: one frame's height */
#define G_CHAR_W	6.2	/* average glyph width of frame labels (11px) */
#define G_MIN_W		0.1	/* frames narrower than this are not drawn */
#define G_HEAD		66	/* title and subtitle */
#define G_FOOT		32	/* flame graph: the hover line */

/* ---- flame graph: the tree ---- */

struct fnode {
	char *name;
	enum graph_kind kind;
	unsigned parent;
	unsigned depth;
	uint64_t value;		/* this frame and everything above it */
	uint64_t self;		/* stacks that end here */
};

/* Nodes in one array (node 0 is the root, "all"); children are found
 * through a hash of (parent, kind, name), so adding a stack costs its
 * length whatever the tree's width. */
struct graph_flame {
	struct fnode *n;
	unsigned nn, cap;
	unsigned *ht;		/* node index + 1; 0: empty */
	unsigned htcap;		/* power of two */
	unsigned maxdepth;
};

static void *g_alloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		abort();	/* as arena.h: nothing sensible left to do */
	return p;
}

static uint64_t g_hash(unsigned parent, enum graph_kind kind, const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull ^ parent ^ ((uint64_t)kind << 32);

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

struct graph_flame *graph_flame_new(void)
{
	struct graph_flame *f = g_alloc(sizeof(*f));

	f->cap = 64;
	f->n = g_alloc(f->cap * sizeof(*f->n));
	f->htcap = 128;
	f->ht = g_alloc(f->htcap * sizeof(*f->ht));
	f->n[0].name = strdup("all");
	if (!f->n[0].name)
		abort();
	f->nn = 1;
	return f;
}

void graph_flame_free(struct graph_flame *f)
{
	unsigned i;

	if (!f)
		return;
	for (i = 0; i < f->nn; i++)
		free(f->n[i].name);
	free(f->n);
	free(f->ht);
	free(f);
}

static unsigned *g_slot(struct graph_flame *f, unsigned parent,
			enum graph_kind kind, const char *name)
{
	size_t mask = f->htcap - 1, i = g_hash(parent, kind, name) & mask;

	for (;; i = (i + 1) & mask) {
		const struct fnode *c;

		if (!f->ht[i])
			return &f->ht[i];
		c = &f->n[f->ht[i] - 1];
		if (c->parent == parent && c->kind == kind &&
		    !strcmp(c->name, name))
			return &f->ht[i];
	}
}

static void g_rehash(struct graph_flame *f)
{
	unsigned i;

	free(f->ht);
	f->htcap *= 2;
	f->ht = g_alloc(f->htcap * sizeof(*f->ht));
	for (i = 1; i < f->nn; i++)
		*g_slot(f, f->n[i].parent, f->n[i].kind, f->n[i].name) = i + 1;
}

static unsigned g_child(struct graph_flame *f, unsigned parent,
			enum graph_kind kind, const char *name)
{
	unsigned *slot = g_slot(f, parent, kind, name);
	struct fnode *c;

	if (*slot)
		return *slot - 1;
	if (f->nn == f->cap) {
		f->cap *= 2;
		f->n = realloc(f->n, f->cap * sizeof(*f->n));
		if (!f->n)
			abort();
	}
	c = &f->n[f->nn];
	memset(c, 0, sizeof(*c));
	c->name = strdup(name);
	if (!c->name)
		abort();
	c->kind = kind;
	c->parent = parent;
	c->depth = f->n[parent].depth + 1;
	if (c->depth > f->maxdepth)
		f->maxdepth = c->depth;
	*slot = ++f->nn;
	/* keep the table at most half full */
	if (2 * f->nn > f->htcap)
		g_rehash(f);
	return f->nn - 1;
}

void graph_flame_add(struct graph_flame *f, unsigned n,
		     const char *const *names, const enum graph_kind *kinds,
		     uint64_t value)
{
	unsigned i, at = 0;

	if (!value)
		return;
	f->n[0].value += value;
	for (i = 0; i < n; i++) {
		at = g_child(f, at, kinds[i], names[i]);
		f->n[at].value += value;
	}
	f->n[at].self += value;
}

void graph_flame_merge(struct graph_flame *dst, const struct graph_flame *src)
{
	unsigned *map = g_alloc(src->nn * sizeof(*map));
	unsigned i;

	/* parents come before their children in src->n */
	dst->n[0].value += src->n[0].value;
	dst->n[0].self += src->n[0].self;
	for (i = 1; i < src->nn; i++) {
		const struct fnode *s = &src->n[i];
		unsigned d = g_child(dst, map[s->parent], s->kind, s->name);

		map[i] = d;
		dst->n[d].value += s->value;
		dst->n[d].self += s->self;
	}
	free(map);
}

uint64_t graph_flame_total(const struct graph_flame *f)
{
	return f->n[0].value;
}

/* Children of every node sorted by name (then kind): kids[first[i] ..
 * first[i + 1]) are node i's. */
struct g_order {
	unsigned *first, *kids;
};

static int g_cmp_kids(const void *a, const void *b, void *arg)
{
	const struct graph_flame *f = arg;
	const struct fnode *x = &f->n[*(const unsigned *)a];
	const struct fnode *y = &f->n[*(const unsigned *)b];
	int r = strcmp(x->name, y->name);

	return r ? r : (int)x->kind - (int)y->kind;
}

static void g_order(const struct graph_flame *f, struct g_order *o)
{
	unsigned *fill, i;

	o->first = g_alloc((f->nn + 1) * sizeof(*o->first));
	o->kids = g_alloc(f->nn * sizeof(*o->kids));
	fill = g_alloc((f->nn + 1) * sizeof(*fill));
	for (i = 1; i < f->nn; i++)
		o->first[f->n[i].parent + 1]++;
	for (i = 0; i < f->nn; i++)
		o->first[i + 1] += o->first[i];
	memcpy(fill, o->first, (f->nn + 1) * sizeof(*fill));
	for (i = 1; i < f->nn; i++)
		o->kids[fill[f->n[i].parent]++] = i;
	for (i = 0; i < f->nn; i++)
		qsort_r(o->kids + o->first[i], o->first[i + 1] - o->first[i],
			sizeof(*o->kids), g_cmp_kids, (void *)f);
	free(fill);
}

static void g_order_free(struct g_order *o)
{
	free(o->first);
	free(o->kids);
}

void graph_flame_folded(FILE *out, const struct graph_flame *f,
			const char *prefix)
{
	struct g_order o;
	unsigned *stack = g_alloc((f->maxdepth + 2) * sizeof(*stack));
	unsigned *next = g_alloc((f->maxdepth + 2) * sizeof(*next));
	unsigned *path = g_alloc((f->maxdepth + 1) * sizeof(*path));
	int sp = 0, k;

	g_order(f, &o);
	/* depth-first, children in name order: the lines come out sorted as
	 * the folded tools expect, and each node is visited once */
	stack[0] = 0;
	next[0] = o.first[0];
	while (sp >= 0) {
		unsigned at = stack[sp];

		if (next[sp] == o.first[at + 1]) {
			sp--;
			continue;
		}
		at = o.kids[next[sp]++];
		stack[++sp] = at;
		next[sp] = o.first[at];
		path[sp - 1] = at;
		if (!f->n[at].self)
			continue;
		if (prefix)
			fprintf(out, "%s;", prefix);
		for (k = 0; k < sp; k++)
			fprintf(out, "%s%s", k ? ";" : "", f->n[path[k]].name);
		fprintf(out, " %" PRIu64 "\n", f->n[at].self);
	}
	g_order_free(&o);
	free(stack);
	free(next);
	free(path);
}

/* ---- histogram labels ---- */

const char *graph_bucket_bound(int b, char *buf, size_t n)
{
	static const char suffix[] = " kMGTPE";
	int log2 = b - 1;

	if (log2 < 0)
		snprintf(buf, n, "0");
	else if (log2 < 10)
		snprintf(buf, n, "%u", 1u << log2);
	else if (log2 / 10 < (int)sizeof(suffix) - 1)
		snprintf(buf, n, "%u%c", 1u << (log2 % 10), suffix[log2 / 10]);
	else
		snprintf(buf, n, "2^%d", log2);
	return buf;
}

const char *graph_bucket_label(int b, char *buf, size_t n)
{
	char lo[16], hi[16];

	snprintf(buf, n, "[%s, %s)", graph_bucket_bound(b, lo, sizeof(lo)),
		 graph_bucket_bound(b + 1, hi, sizeof(hi)));
	return buf;
}

/* ---- SVG helpers ---- */

/* 1234567 -> "1,234,567" */
static const char *g_num(uint64_t v, char *buf, size_t n)
{
	char tmp[32];
	size_t len, i, k = 0;

	snprintf(tmp, sizeof(tmp), "%" PRIu64, v);
	len = strlen(tmp);
	for (i = 0; i < len && k + 2 < n; i++) {
		if (i && (len - i) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = tmp[i];
	}
	buf[k] = '\0';
	return buf;
}

/* Length of the valid UTF-8 sequence at @s (at most @n bytes), 0 if the
 * bytes there are not one. */
static size_t g_utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and beyond U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* Write at most @max characters of @s as XML character data (or an
 * attribute value): markup escaped; bytes XML cannot hold (control
 * characters, invalid UTF-8: a comm is whatever a process set) as '?'.
 * Returns the characters written. */
static size_t g_xml_n(FILE *out, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), chars = 0, len;

	while (left && chars < max) {
		len = g_utf8_len(p, left);
		switch (*p) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		default:
			if (!len || (*p < 0x20 && *p != '\t')) {
				fputc('?', out);
				len = len ? len : 1;
			} else {
				fwrite(p, 1, len, out);
			}
		}
		p += len;
		left -= len;
		chars++;
	}
	return chars;
}

static void g_xml(FILE *out, const char *s)
{
	g_xml_n(out, s, SIZE_MAX);
}

/* Characters in @s, counting a UTF-8 sequence (or a stray byte) as one. */
static size_t g_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), n = 0, len;

	while (left) {
		len = g_utf8_len(p, left);
		len = len ? len : 1;
		p += len;
		left -= len;
		n++;
	}
	return n;
}

/* A label fitted into @w pixels: whole, or cut with "..", or nothing when
 * fewer than three characters fit. */
static void g_fit_text(FILE *out, const char *s, double w)
{
	long fit = (long)((w - 6) / G_CHAR_W);
	size_t n = g_chars(s);

	if (fit < 3)
		return;
	if (n <= (size_t)fit) {
		g_xml(out, s);
		return;
	}
	g_xml_n(out, s, (size_t)fit - 2);
	fputs("..", out);
}

struct g_rgb {
	int r, g, b;
};

static struct g_rgb g_hsl(double h, double s, double l)
{
	double c = (1 - fabs(2 * l - 1)) * s, hp = fmod(h, 360) / 60;
	double x = c * (1 - fabs(fmod(hp, 2) - 1)), m = l - c / 2;
	double r = 0, g = 0, b = 0;

	if (hp < 1)      { r = c; g = x; }
	else if (hp < 2) { r = x; g = c; }
	else if (hp < 3) { g = c; b = x; }
	else if (hp < 4) { g = x; b = c; }
	else if (hp < 5) { r = x; b = c; }
	else             { r = c; b = x; }
	return (struct g_rgb){ (int)lround((r + m) * 255),
			       (int)lround((g + m) * 255),
			       (int)lround((b + m) * 255) };
}

/* A frame's colour: its kind picks the family (user functions warm, red
 * to yellow; kernel functions cool, teal to blue; other keys violet), its
 * name the shade, so a function has the same colour wherever it shows. */
static struct g_rgb g_frame_colour(const struct fnode *n, bool root)
{
	uint64_t h = g_hash(0, GRAPH_KEY, n->name);
	double v1 = (double)(h & 0xffff) / 0xffff;
	double v2 = (double)((h >> 16) & 0xffff) / 0xffff;

	if (root)
		return (struct g_rgb){ 200, 200, 205 };
	switch (n->kind) {
	case GRAPH_KERNEL:
		return g_hsl(172 + 36 * v1, 0.50 + 0.2 * v2, 0.58 + 0.1 * v1);
	case GRAPH_USER:
		return g_hsl(4 + 46 * v1, 0.80 + 0.15 * v2, 0.58 + 0.08 * v2);
	default:
		return g_hsl(262 + 28 * v1, 0.35 + 0.15 * v2, 0.70 + 0.06 * v2);
	}
}

static const char g_style[] =
"<style type=\"text/css\">\n"
"text { font-family: Verdana, 'DejaVu Sans', sans-serif; font-size: 12px; fill: #222; }\n"
"text.title { font-size: 18px; font-weight: bold; }\n"
"text.sub { fill: #555; }\n"
"text.axis { fill: #444; }\n"
"text.button { fill: #2a5db0; cursor: pointer; }\n"
"text.button:hover { text-decoration: underline; }\n"
"g.f text { font-size: 11px; pointer-events: none; }\n"
"g.f:hover rect { stroke: #222; stroke-width: 0.6; cursor: pointer; }\n"
"g.f.parent rect { fill-opacity: 0.5; }\n"
"g.f.parent text { fill: #777; }\n"
"g.f.hidden { display: none; }\n"
"g.cells rect:hover, g.bar:hover rect { stroke: #222; stroke-width: 1; }\n"
"</style>\n";

/* The flame graphs' behaviour: hover details, click to zoom (ancestors
 * stay, dimmed), reset, and search by regular expression (Ctrl-F or the
 * button; ?s=REGEX in the URL), which colours matches magenta and says
 * what share of the samples they hold; ?z=NAME opens zoomed to the widest
 * frame of that name.  Frames keep their first geometry in JavaScript
 * properties, so zooming never compounds rounding. */
static const char g_script[] =
"<script type=\"text/ecmascript\"><![CDATA[\n"
"\"use strict\";\n"
"var CHAR_W = 6.2;\n"
"function panelOf(e) { return e.closest ? e.closest('g.flame') : null; }\n"
"function frameOf(e) { return e.closest ? e.closest('g.f') : null; }\n"
"function frames(p) { return Array.prototype.slice.call((p || document).querySelectorAll('g.f')); }\n"
"function nameOf(g) { var t = g.querySelector('title').textContent; return t.substring(0, t.lastIndexOf(' (')); }\n"
"function fit(g, x, w) {\n"
"  var t = g.querySelector('text'), n = g.fname, k = Math.floor((w - 6) / CHAR_W);\n"
"  t.setAttribute('x', (x + 3).toFixed(2));\n"
"  t.textContent = k < 3 ? '' : n.length <= k ? n : n.substring(0, k - 2) + '..';\n"
"}\n"
"function place(g, x, w) {\n"
"  var r = g.querySelector('rect');\n"
"  r.setAttribute('x', x.toFixed(2)); r.setAttribute('width', w.toFixed(2)); fit(g, x, w);\n"
"}\n"
"function zoom(g) {\n"
"  var p = panelOf(g), X = +p.getAttribute('data-x'), W = +p.getAttribute('data-w');\n"
"  var x0 = g.x0, w0 = g.w0, y0 = g.y0, s = W / w0, e = 0.001;\n"
"  frames(p).forEach(function (f) {\n"
"    f.classList.remove('parent', 'hidden');\n"
"    if (f.y0 > y0 && f.x0 <= x0 + e && f.x0 + f.w0 >= x0 + w0 - e) { f.classList.add('parent'); place(f, X, W); }\n"
"    else if (f.y0 <= y0 && f.x0 >= x0 - e && f.x0 + f.w0 <= x0 + w0 + e) place(f, X + (f.x0 - x0) * s, f.w0 * s);\n"
"    else f.classList.add('hidden');\n"
"  });\n"
"  p.querySelector('.unzoom').setAttribute('visibility', 'visible');\n"
"}\n"
"function unzoom(p) {\n"
"  frames(p).forEach(function (f) { f.classList.remove('parent', 'hidden'); place(f, f.x0, f.w0); });\n"
"  p.querySelector('.unzoom').setAttribute('visibility', 'hidden');\n"
"}\n"
"var searching = null;\n"
"function search(re) {\n"
"  var rx;\n"
"  try { rx = new RegExp(re); } catch (err) { return; }\n"
"  searching = re;\n"
"  Array.prototype.slice.call(document.querySelectorAll('g.flame')).forEach(function (p) {\n"
"    var hits = [], W = +p.getAttribute('data-w'), sum = 0, end = -1;\n"
"    frames(p).forEach(function (f) {\n"
"      var r = f.querySelector('rect');\n"
"      if (rx.test(f.fname)) { r.setAttribute('fill', 'rgb(225,0,225)'); hits.push(f); }\n"
"      else r.setAttribute('fill', f.fill0);\n"
"    });\n"
"    hits.sort(function (a, b) { return a.x0 - b.x0 || b.w0 - a.w0; });\n"
"    hits.forEach(function (f) {\n"
"      var a = Math.max(f.x0, end), b = f.x0 + f.w0;\n"
"      if (b > a) { sum += b - a; end = b; }\n"
"    });\n"
"    p.querySelector('.matched').textContent = 'Matched: ' + (100 * sum / W).toFixed(1) + '%';\n"
"    p.querySelector('.search').textContent = 'Reset Search';\n"
"  });\n"
"}\n"
"function unsearch() {\n"
"  searching = null;\n"
"  frames().forEach(function (f) { f.querySelector('rect').setAttribute('fill', f.fill0); });\n"
"  Array.prototype.slice.call(document.querySelectorAll('g.flame')).forEach(function (p) {\n"
"    p.querySelector('.matched').textContent = '';\n"
"    p.querySelector('.search').textContent = 'Search';\n"
"  });\n"
"}\n"
"function ask() {\n"
"  if (searching !== null) { unsearch(); return; }\n"
"  var re = prompt('Search for (regular expression):', '');\n"
"  if (re) search(re);\n"
"}\n"
"frames().forEach(function (f) {\n"
"  var r = f.querySelector('rect');\n"
"  f.x0 = +r.getAttribute('x'); f.w0 = +r.getAttribute('width'); f.y0 = +r.getAttribute('y');\n"
"  f.fill0 = r.getAttribute('fill'); f.fname = nameOf(f);\n"
"});\n"
"document.documentElement.addEventListener('mouseover', function (e) {\n"
"  var f = frameOf(e.target), p = f && panelOf(f);\n"
"  if (p) p.querySelector('.details').textContent = f.querySelector('title').textContent;\n"
"});\n"
"document.documentElement.addEventListener('mouseout', function (e) {\n"
"  var f = frameOf(e.target), p = f && panelOf(f);\n"
"  if (p) p.querySelector('.details').textContent = ' ';\n"
"});\n"
"document.documentElement.addEventListener('click', function (e) {\n"
"  var f = frameOf(e.target), p = panelOf(e.target), c = e.target.classList;\n"
"  if (f) zoom(f);\n"
"  else if (p && c.contains('unzoom')) unzoom(p);\n"
"  else if (c.contains('search')) ask();\n"
"});\n"
"document.addEventListener('keydown', function (e) {\n"
"  if ((e.ctrlKey || e.metaKey) && e.key === 'f') { e.preventDefault(); ask(); }\n"
"  else if (e.key === 'Escape') { unsearch(); Array.prototype.slice.call(document.querySelectorAll('g.flame')).forEach(unzoom); }\n"
"});\n"
"(function () {\n"
"  function arg(k) { var m = new RegExp('[?&]' + k + '=([^&]*)').exec(location.search); return m && decodeURIComponent(m[1].replace(/\\+/g, ' ')); }\n"
"  var z = arg('z'), s = arg('s'), best = null;\n"
"  if (z) frames().forEach(function (f) { if (f.fname === z && (!best || f.w0 > best.w0)) best = f; });\n"
"  if (best) zoom(best);\n"
"  if (s) search(s);\n"
"})();\n"
"]]></script>\n";

/* "Flame graph of @stacks"; the anonymous map "@" goes without. */
static void g_title(FILE *out, double y, const char *kind, const char *title)
{
	bool anon = !title || !*title || !strcmp(title, "@");

	fprintf(out, "<text class=\"title\" x=\"%d\" y=\"%.2f\" "
		"text-anchor=\"middle\">%s%s", G_WIDTH / 2, y + 26, kind,
		anon ? "" : " of ");
	if (!anon)
		g_xml(out, title);
	fputs("</text>\n", out);
}

/* ---- SVG: flame graph ---- */

static double g_flame_height(const struct graph_flame *f)
{
	return G_HEAD + (f->maxdepth + 1) * G_FRAME_H + 8 + G_FOOT;
}

static void g_legend_swatch(FILE *out, double x, double y, struct g_rgb c,
			    const char *what)
{
	fprintf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"12\" height=\"12\" "
		"rx=\"2\" fill=\"rgb(%d,%d,%d)\"/>"
		"<text class=\"sub\" x=\"%.2f\" y=\"%.2f\">%s</text>\n",
		x, y - 10, c.r, c.g, c.b, x + 16, y, what);
}

static void g_flame_svg(FILE *out, const struct graph_panel *p, double y0)
{
	static const char *const kind_name[3] = { "other keys", "user",
						  "kernel" };
	const struct graph_flame *f = p->flame;
	const double W = G_WIDTH - 2 * G_PAD;
	const double base = y0 + G_HEAD + f->maxdepth * G_FRAME_H;
	const uint64_t total = f->n[0].value;
	double scale = total ? W / (double)total : 0;
	bool has[3] = { false, false, false };
	struct fnode probe = { 0 };
	double *x = g_alloc(f->nn * sizeof(*x));
	struct g_order o;
	unsigned i, k;
	char num[32];
	double lx;

	g_order(f, &o);
	for (i = 1; i < f->nn; i++)
		has[f->n[i].kind] = true;

	fprintf(out, "<g class=\"flame\" data-x=\"%d\" data-w=\"%.2f\" "
		"data-total=\"%" PRIu64 "\">\n", G_PAD, W, total);
	g_title(out, y0, "Flame graph", p->title);
	fprintf(out, "<text class=\"sub\" x=\"%d\" y=\"%.2f\">total: %s "
		"(%s)</text>\n", G_PAD, y0 + 50, g_num(total, num, sizeof(num)),
		p->what ? p->what : "value");
	/* the legend, right-aligned: only the kinds this graph holds */
	lx = G_WIDTH - G_PAD;
	for (k = 0; k < 3; k++)
		if (has[k])
			lx -= 30 + 7 * strlen(kind_name[k]);
	for (k = 0; k < 3; k++) {
		unsigned kk = 2 - k;		/* kernel, user, other keys */

		if (!has[kk])
			continue;
		probe.kind = (enum graph_kind)kk;
		probe.name = (char *)(kk == GRAPH_KERNEL ? "vfs_read" :
				      kk == GRAPH_USER ? "main" : "comm");
		g_legend_swatch(out, lx, y0 + 50, g_frame_colour(&probe, false),
				kind_name[kk]);
		lx += 30 + 7 * strlen(kind_name[kk]);
	}
	fprintf(out, "<text class=\"button unzoom\" x=\"%d\" y=\"%.2f\" "
		"visibility=\"hidden\">Reset Zoom</text>\n", G_PAD, y0 + 26);
	fprintf(out, "<text class=\"button search\" x=\"%d\" y=\"%.2f\" "
		"text-anchor=\"end\">Search</text>\n", G_WIDTH - G_PAD, y0 + 26);
	fprintf(out, "<text class=\"matched\" x=\"%d\" y=\"%.2f\" "
		"text-anchor=\"end\"> </text>\n", G_WIDTH - G_PAD,
		base + G_FRAME_H + 22);
	fprintf(out, "<text class=\"details\" x=\"%d\" y=\"%.2f\"> </text>\n",
		G_PAD, base + G_FRAME_H + 22);

	/* x of every node: its parent's, plus its elder siblings' values;
	 * parents come first in o.kids order when walked by index, so one
	 * pass over each node's children does it */
	x[0] = 0;
	for (i = 0; i < f->nn; i++) {
		double at = x[i];

		for (k = o.first[i]; k < o.first[i + 1]; k++) {
			x[o.kids[k]] = at;
			at += (double)f->n[o.kids[k]].value;
		}
	}
	fputs("<g class=\"frames\">\n", out);
	for (i = 0; i < f->nn; i++) {
		const struct fnode *n = &f->n[i];
		double px = G_PAD + x[i] * scale, pw = (double)n->value * scale;
		double py = base - n->depth * G_FRAME_H;
		struct g_rgb c = g_frame_colour(n, i == 0);

		/* a frame too thin to see (and so everything above it) */
		if (pw < G_MIN_W)
			continue;
		fprintf(out, "<g class=\"f\" data-v=\"%" PRIu64 "\" data-k=\"%c\">"
			"<title>", n->value, i == 0 ? 'r' :
			n->kind == GRAPH_KERNEL ? 'k' :
			n->kind == GRAPH_USER ? 'u' : 's');
		g_xml(out, n->name);
		fprintf(out, " (%s, %.2f%%)</title>", g_num(n->value, num,
			sizeof(num)), total ? 100.0 * (double)n->value /
			(double)total : 0.0);
		fprintf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
			"height=\"%d\" rx=\"2\" fill=\"rgb(%d,%d,%d)\"/>",
			px, py, pw, G_FRAME_H - 1, c.r, c.g, c.b);
		fprintf(out, "<text x=\"%.2f\" y=\"%.2f\">", px + 3, py + 12);
		g_fit_text(out, n->name, pw);
		fputs("</text></g>\n", out);
	}
	fputs("</g>\n</g>\n", out);
	g_order_free(&o);
	free(x);
}

/* ---- SVG: heat map ---- */

#define H_LEFT		84
#define H_RIGHT		120
#define H_ROW		20
#define H_BOTTOM	58

/* The columns a panel holds counts for (dense: one per print). */
static unsigned g_ncounts(const struct graph_panel *p)
{
	return p->at ? p->ncounts : p->ncols;
}

/* Print @i's counts, or NULL when it had none; @k walks the sparse
 * columns along with @i. */
static const struct graph_col *g_col(const struct graph_panel *p, unsigned i,
				     unsigned *k)
{
	if (!p->at)
		return &p->cols[i];
	while (*k < p->ncounts && p->at[*k] < i)
		(*k)++;
	return *k < p->ncounts && p->at[*k] == i ? &p->cols[*k] : NULL;
}

static int64_t g_time(const struct graph_panel *p, unsigned i)
{
	return p->at ? p->times[i] : p->cols[i].t_ns;
}

/* The buckets any column uses; false when all are empty. */
static bool g_range(const struct graph_col *c, unsigned n, int *lo, int *hi)
{
	unsigned i;
	int b;

	*lo = GRAPH_BUCKETS;
	*hi = -1;
	for (i = 0; i < n; i++)
		for (b = 0; b < GRAPH_BUCKETS; b++)
			if (c[i].cnt[b]) {
				if (b < *lo)
					*lo = b;
				if (b > *hi)
					*hi = b;
			}
	if (*hi < 0) {
		*lo = *hi = 1;
		return false;
	}
	return true;
}

/* Yellow through orange to dark red (ColorBrewer's YlOrRd), at @v in
 * [0, 1]. */
static struct g_rgb g_heat_colour(double v)
{
	static const struct g_rgb stop[] = {
		{ 255, 237, 160 }, { 254, 217, 118 }, { 254, 178, 76 },
		{ 253, 141, 60 }, { 252, 78, 42 }, { 227, 26, 28 },
		{ 189, 0, 38 }, { 128, 0, 38 },
	};
	const int n = sizeof(stop) / sizeof(stop[0]);
	double at = (v < 0 ? 0 : v > 1 ? 1 : v) * (n - 1), t;
	int i = (int)at;

	if (i >= n - 1)
		return stop[n - 1];
	t = at - i;
	return (struct g_rgb){
		(int)lround(stop[i].r + t * (stop[i + 1].r - stop[i].r)),
		(int)lround(stop[i].g + t * (stop[i + 1].g - stop[i].g)),
		(int)lround(stop[i].b + t * (stop[i + 1].b - stop[i].b)),
	};
}

/* Where a count sits on the colour scale: log, so that the one-off slow
 * request shows next to the thousands of fast ones. */
static double g_heat_level(uint64_t c, uint64_t max)
{
	if (max <= 1)
		return 1;
	return log((double)c) / log((double)max);
}

static double g_heat_height(const struct graph_panel *p)
{
	int lo, hi;

	g_range(p->cols, g_ncounts(p), &lo, &hi);
	return G_HEAD + (hi - lo + 1) * H_ROW + H_BOTTOM;
}

static const char *g_clock(int64_t t_ns, char *buf, size_t n)
{
	if (!tz_clock(buf, n, t_ns / 1000000000LL, false))
		snprintf(buf, n, "?");
	return buf;
}

/* Seconds since the start as "3s", "2.5s" or "0.25s": as many decimals as
 * the spacing of the columns needs. */
static const char *g_secs(double s, double step, char *buf, size_t n)
{
	int dec = step >= 1 ? 0 : step >= 0.1 ? 1 : 2;

	snprintf(buf, n, "%.*fs", dec, s);
	return buf;
}

static void g_heat_svg(FILE *out, const struct graph_panel *p, double y0)
{
	const struct graph_col *c = p->cols, *col;
	const unsigned n = p->ncols;
	const double PW = G_WIDTH - H_LEFT - H_RIGHT;
	const double top = y0 + G_HEAD;
	const double cw = n ? PW / n : PW;
	uint64_t max = 0, total = 0;
	int lo, hi, b, every;
	double ph, span, step, lx, ly, lh;
	unsigned i, k = 0;
	char num[32], when[16], lbl[48], a[16];

	g_range(c, g_ncounts(p), &lo, &hi);
	ph = (hi - lo + 1) * H_ROW;
	for (i = 0; i < g_ncounts(p); i++)
		for (b = 0; b < GRAPH_BUCKETS; b++) {
			total += c[i].cnt[b];
			if (c[i].cnt[b] > max)
				max = c[i].cnt[b];
		}
	span = n > 1 ? (double)(g_time(p, n - 1) - g_time(p, 0)) / 1e9 : 0;
	step = n > 1 ? span / (n - 1) : 1;

	fprintf(out, "<g class=\"heatmap\" data-cols=\"%u\" data-lo=\"%d\" "
		"data-hi=\"%d\" data-max=\"%" PRIu64 "\">\n", n, lo, hi, max);
	g_title(out, y0, "Latency heat map", p->title);
	fprintf(out, "<text class=\"sub\" x=\"%d\" y=\"%.2f\" "
		"text-anchor=\"middle\">%u prints from %s, one every %.3gs; "
		"%s in all, at most %s in a cell</text>\n", G_WIDTH / 2,
		y0 + 48, n, n ? g_clock(g_time(p, 0), when, sizeof(when)) : "-",
		step, g_num(total, num, sizeof(num)),
		g_num(max, a, sizeof(a)));

	/* the plot's ground: empty cells */
	fprintf(out, "<rect x=\"%d\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
		"fill=\"#f3f3f3\" stroke=\"#bbb\" stroke-width=\"0.5\"/>\n",
		H_LEFT, top, PW, ph);
	fputs("<g class=\"cells\" shape-rendering=\"crispEdges\">\n", out);
	for (i = 0; i < n; i++) {
		double x = H_LEFT + i * cw;
		double t = (double)(g_time(p, i) - p->t0_ns) / 1e9;

		fprintf(out, "<g class=\"col\" data-t=\"%.3f\">", t);
		col = g_col(p, i, &k);
		for (b = hi; col && b >= lo; b--) {
			struct g_rgb rgb;

			if (!col->cnt[b])
				continue;
			rgb = g_heat_colour(g_heat_level(col->cnt[b], max));
			fprintf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
				"height=\"%d\" fill=\"rgb(%d,%d,%d)\" "
				"data-b=\"%d\" data-v=\"%" PRIu64 "\"><title>",
				x, top + (hi - b) * H_ROW, cw, H_ROW, rgb.r,
				rgb.g, rgb.b, b, col->cnt[b]);
			fprintf(out, "%s: %s at %s (%s)</title></rect>",
				graph_bucket_label(b, lbl, sizeof(lbl)),
				g_num(col->cnt[b], num, sizeof(num)),
				g_secs(t, step, a, sizeof(a)),
				g_clock(g_time(p, i), when, sizeof(when)));
		}
		fputs("</g>\n", out);
	}
	fputs("</g>\n", out);

	/* y axis: a tick at every bucket boundary, labelled where they do
	 * not crowd */
	every = H_ROW >= 14 ? 1 : 2;
	for (b = lo; b <= hi + 1; b++) {
		double y = top + (hi + 1 - b) * H_ROW;

		fprintf(out, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\" "
			"stroke=\"#888\" stroke-width=\"0.8\"/>", H_LEFT - 5, y,
			H_LEFT, y);
		if ((b - lo) % every == 0)
			fprintf(out, "<text class=\"axis\" x=\"%d\" y=\"%.2f\" "
				"text-anchor=\"end\">%s</text>", H_LEFT - 8,
				y + 4, graph_bucket_bound(b, a, sizeof(a)));
		fputc('\n', out);
	}
	fprintf(out, "<text class=\"axis\" transform=\"translate(%d,%.2f) "
		"rotate(-90)\" text-anchor=\"middle\">", 18, top + ph / 2);
	g_xml(out, p->title);
	fputs(" (log2 buckets)</text>\n", out);

	/* x axis: columns labelled at least 64 pixels apart */
	every = (int)ceil(64 / cw);
	for (i = 0; i < n; i += (unsigned)every) {
		double x = H_LEFT + (i + 0.5) * cw;

		fprintf(out, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
			"y2=\"%.2f\" stroke=\"#888\" stroke-width=\"0.8\"/>"
			"<text class=\"axis\" x=\"%.2f\" y=\"%.2f\" "
			"text-anchor=\"middle\">%s</text>\n", x, top + ph, x,
			top + ph + 5, x, top + ph + 19,
			g_secs((double)(g_time(p, i) - p->t0_ns) / 1e9, step, a,
			       sizeof(a)));
	}
	fprintf(out, "<text class=\"axis\" x=\"%.2f\" y=\"%.2f\" "
		"text-anchor=\"middle\">time since the trace began, one column "
		"per print</text>\n", H_LEFT + PW / 2, top + ph + 42);

	/* the colour scale */
	lx = G_WIDTH - H_RIGHT + 28;
	lh = ph < 200 ? ph : 200;
	ly = top;
	fprintf(out, "<text class=\"axis\" x=\"%.2f\" y=\"%.2f\">count</text>\n",
		lx, ly - 6);
	for (i = 0; i < 40; i++) {
		struct g_rgb rgb = g_heat_colour(1 - (i + 0.5) / 40);

		fprintf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"14\" "
			"height=\"%.2f\" fill=\"rgb(%d,%d,%d)\"/>\n", lx,
			ly + i * lh / 40, lh / 40 + 0.3, rgb.r, rgb.g, rgb.b);
	}
	fprintf(out, "<text class=\"axis\" x=\"%.2f\" y=\"%.2f\">%s</text>\n",
		lx + 20, ly + 9, g_num(max, num, sizeof(num)));
	if (max > 3)
		fprintf(out, "<text class=\"axis\" x=\"%.2f\" y=\"%.2f\">%s"
			"</text>\n", lx + 20, ly + lh / 2 + 4,
			g_num((uint64_t)llround(sqrt((double)max)), num,
			      sizeof(num)));
	fprintf(out, "<text class=\"axis\" x=\"%.2f\" y=\"%.2f\">1</text>\n"
		"<text class=\"sub\" x=\"%.2f\" y=\"%.2f\">log scale</text>\n",
		lx + 20, ly + lh, lx - 4, ly + lh + 18);
	fputs("</g>\n", out);
}

/* ---- SVG: bar chart ---- */

#define B_LEFT		84
#define B_RIGHT		30
#define B_PLOT_H	300
#define B_BOTTOM	60

static double g_bars_height(void)
{
	return G_HEAD + B_PLOT_H + B_BOTTOM;
}

/* A round axis maximum at or above @v: 1, 2 or 5 times a power of ten. */
static uint64_t g_nice(uint64_t v)
{
	uint64_t p = 1;

	while (p <= UINT64_MAX / 10 && p * 10 <= v)
		p *= 10;
	if (v <= p)
		return p;
	if (v <= 2 * p)
		return 2 * p;
	if (v <= 5 * p)
		return 5 * p;
	return p <= UINT64_MAX / 10 ? 10 * p : UINT64_MAX;
}

static void g_bars_svg(FILE *out, const struct graph_panel *p, double y0)
{
	const struct graph_col *c = p->cols;
	const double PW = G_WIDTH - B_LEFT - B_RIGHT;
	const double top = y0 + G_HEAD, bottom = top + B_PLOT_H;
	uint64_t max = 0, total = 0, top_v;
	int lo, hi, b, k, ticks;
	double slot, bw;
	size_t widest = 0;
	bool ranges;
	char num[32], lbl[48], a[16];

	g_range(c, g_ncounts(p) ? 1 : 0, &lo, &hi);
	for (b = lo; g_ncounts(p) && b <= hi; b++) {
		total += c->cnt[b];
		if (c->cnt[b] > max)
			max = c->cnt[b];
	}
	top_v = g_nice(max ? max : 1);
	slot = PW / (hi - lo + 1);
	bw = slot * 0.8 < 90 ? slot * 0.8 : 90;
	/* under the bars: every bucket's range when the widest fits, else
	 * every lower bound */
	for (b = lo; b <= hi; b++)
		if (strlen(graph_bucket_label(b, lbl, sizeof(lbl))) > widest)
			widest = strlen(lbl);
	ranges = widest * 7.0 + 8 <= slot;

	fprintf(out, "<g class=\"bars\" data-lo=\"%d\" data-hi=\"%d\" "
		"data-max=\"%" PRIu64 "\">\n", lo, hi, max);
	g_title(out, y0, "Histogram", p->title);
	fprintf(out, "<text class=\"sub\" x=\"%d\" y=\"%.2f\" "
		"text-anchor=\"middle\">%s in all</text>\n", G_WIDTH / 2,
		y0 + 48, g_num(total, num, sizeof(num)));
	/* horizontal grid with counts: five steps, or one per count when
	 * the largest is below five */
	ticks = top_v >= 5 ? 5 : (int)top_v;
	for (k = 0; k <= ticks; k++) {
		double y = bottom - k * B_PLOT_H / (double)ticks;

		fprintf(out, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
			"stroke=\"%s\" stroke-width=\"0.8\"/><text class=\"axis\" "
			"x=\"%d\" y=\"%.2f\" text-anchor=\"end\">%s</text>\n",
			B_LEFT, y, B_LEFT + PW, y, k ? "#e2e2e2" : "#888",
			B_LEFT - 8, y + 4,
			g_num(top_v / (uint64_t)ticks * (uint64_t)k, num,
			      sizeof(num)));
	}
	for (b = lo; g_ncounts(p) && b <= hi; b++) {
		double h = (double)c->cnt[b] / (double)top_v * B_PLOT_H;
		double x = B_LEFT + (b - lo) * slot + (slot - bw) / 2;

		fprintf(out, "<g class=\"bar\" data-b=\"%d\" data-v=\"%" PRIu64
			"\"><title>%s: %s (%.1f%%)</title>", b, c->cnt[b],
			graph_bucket_label(b, lbl, sizeof(lbl)),
			g_num(c->cnt[b], num, sizeof(num)),
			total ? 100.0 * (double)c->cnt[b] / (double)total : 0.0);
		fprintf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
			"height=\"%.2f\" fill=\"rgb(228,118,59)\"/>", x,
			bottom - h, bw, h);
		if (c->cnt[b] && slot >= 34)
			fprintf(out, "<text class=\"axis\" x=\"%.2f\" y=\"%.2f\" "
				"text-anchor=\"middle\">%s</text>", x + bw / 2,
				bottom - h - 4, num);
		fputs("</g>\n", out);
		/* the bucket's lower bound under it; the range when it fits */
		fprintf(out, "<text class=\"axis\" x=\"%.2f\" y=\"%.2f\" "
			"text-anchor=\"middle\">%s</text>\n", x + bw / 2,
			bottom + 18, ranges ? lbl :
			graph_bucket_bound(b, a, sizeof(a)));
	}
	fprintf(out, "<text class=\"axis\" x=\"%.2f\" y=\"%.2f\" "
		"text-anchor=\"middle\">", B_LEFT + PW / 2, bottom + 44);
	g_xml(out, p->title);
	fputs(" (log2 buckets)</text>\n", out);
	fprintf(out, "<text class=\"axis\" transform=\"translate(%d,%.2f) "
		"rotate(-90)\" text-anchor=\"middle\">count</text>\n</g>\n", 18,
		top + B_PLOT_H / 2);
}

/* ---- SVG: the document ---- */

static double g_panel_height(const struct graph_panel *p)
{
	switch (p->kind) {
	case GRAPH_FLAME:
		return g_flame_height(p->flame);
	case GRAPH_HEAT:
		return g_heat_height(p);
	case GRAPH_BARS:
		return g_bars_height();
	}
	return 0;
}

int graph_svg(FILE *out, const struct graph_panel *p, unsigned n)
{
	double h = n ? 0 : 80, y = 0;
	bool script = false;
	unsigned i;

	for (i = 0; i < n; i++) {
		h += g_panel_height(&p[i]);
		script |= p[i].kind == GRAPH_FLAME;
	}
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\" "
		"standalone=\"no\"?>\n"
		"<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%.0f\" viewBox=\"0 0 %d %.0f\">\n",
		G_WIDTH, ceil(h), G_WIDTH, ceil(h));
	fputs("<!-- drawn by spry -->\n", out);
	fputs(g_style, out);
	fprintf(out, "<rect class=\"background\" x=\"0\" y=\"0\" width=\"%d\" "
		"height=\"%.0f\" fill=\"#fcfcfa\"/>\n", G_WIDTH, ceil(h));
	if (!n)
		fprintf(out, "<text class=\"sub\" x=\"%d\" y=\"44\" "
			"text-anchor=\"middle\">Nothing to draw: no map keyed "
			"by a stack, and no histogram with counts, was "
			"printed.</text>\n",
			G_WIDTH / 2);
	for (i = 0; i < n; i++) {
		switch (p[i].kind) {
		case GRAPH_FLAME:
			g_flame_svg(out, &p[i], y);
			break;
		case GRAPH_HEAT:
			g_heat_svg(out, &p[i], y);
			break;
		case GRAPH_BARS:
			g_bars_svg(out, &p[i], y);
			break;
		}
		y += g_panel_height(&p[i]);
	}
	if (script)
		fputs(g_script, out);
	fputs("</svg>\n", out);
	fflush(out);
	return ferror(out) ? -EIO : 0;
}

/* ---- terminal heat maps ---- */

#define R_CELL		2	/* characters per bucket */
#define R_TICK		3	/* buckets between axis labels */
#define R_MIN		12	/* buckets shown at least (whole R_TICKs) */

void graph_rows_init(struct graph_rows *r)
{
	memset(r, 0, sizeof(*r));
	r->lo = 1;
	r->hi = 0;
}

static void g_rows_header(FILE *out, const struct graph_rows *r,
			  const char *title)
{
	int b;
	char a[16];

	fputs(title, out);
	fputs(": a row per print, a log2 bucket per 2 columns, shaded by count "
	      "(log scale): ░ ▒ ▓ █\n", out);
	fprintf(out, "%*s ", (int)r->label_w, "");
	for (b = r->lo; b <= r->hi; b += R_TICK)
		fprintf(out, "%-*s", b + R_TICK <= r->hi + 1 ?
			R_TICK * R_CELL : (r->hi + 1 - b) * R_CELL,
			graph_bucket_bound(b, a, sizeof(a)));
	fputs("  total\n", out);
}

void graph_rows_write(FILE *out, struct graph_rows *r, const char *title,
		      const char *label, const uint64_t *cnt)
{
	static const char *const shade[] = { "  ", "░░", "▒▒", "▓▓", "██" };
	int lo = GRAPH_BUCKETS, hi = -1, b;
	uint64_t total = 0;
	bool header = false;
	size_t lw = strlen(label);

	for (b = 0; b < GRAPH_BUCKETS; b++) {
		if (!cnt[b])
			continue;
		if (b < lo)
			lo = b;
		hi = b;
		total += cnt[b];
		if (cnt[b] > r->max)
			r->max = cnt[b];
	}
	if (lw > r->label_w) {
		r->label_w = (unsigned)lw;
		header = r->lo <= r->hi;
	}
	if (hi >= 0 && (r->lo > r->hi || lo < r->lo || hi > r->hi)) {
		bool first = r->lo > r->hi;
		int nlo = first || lo < r->lo ? lo - R_TICK : r->lo;
		int nhi = first || hi > r->hi ? hi + R_TICK : r->hi;

		/* whole label steps (labels stay on the same buckets: 0, 4,
		 * 32, 256, 2k...), with a step to spare on each side that
		 * grew, so that a drifting latency does not redraw the
		 * header at every row */
		nlo = (nlo < 0 ? 0 : nlo) / R_TICK * R_TICK;
		nhi = (nhi / R_TICK + 1) * R_TICK - 1;
		if (nhi > GRAPH_BUCKETS - 1)
			nhi = GRAPH_BUCKETS - 1;
		while (nhi - nlo + 1 < R_MIN && nhi + R_TICK < GRAPH_BUCKETS)
			nhi += R_TICK;
		r->lo = nlo;
		r->hi = nhi;
		header = true;
	}
	if (header)
		g_rows_header(out, r, title);
	if (r->lo > r->hi) {
		fprintf(out, "%-*s (no events)\n", (int)r->label_w, label);
		return;
	}
	fprintf(out, "%-*s ", (int)r->label_w, label);
	for (b = r->lo; b <= r->hi; b++) {
		int lvl = 0;

		if (cnt[b])
			lvl = r->max <= 1 ? 4 :
			      1 + (int)(3.999 * g_heat_level(cnt[b], r->max));
		fputs(shade[lvl], out);
	}
	fprintf(out, "  %" PRIu64 "\n", total);
}
