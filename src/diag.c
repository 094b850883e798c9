/* diag.c - user-facing diagnostics with source line and caret.
 *
 * Input: a struct loc and a message.  Output, on d->out:
 *
 *   file:line:col: error: msg
 *   <the source line>
 *   <spaces, copied tabs>^~~~
 *
 * Columns count bytes, as the lexer does.  To keep the caret under the token
 * whatever the terminal does with tabs and UTF-8, the caret line's prefix copies
 * every tab of the source line and skips UTF-8 continuation bytes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"

enum diag_kind {
	DIAG_ERROR,
	DIAG_WARN,
	DIAG_NOTE,
};

static const char *const diag_label[] = {
	[DIAG_ERROR] = "error",
	[DIAG_WARN] = "warning",
	[DIAG_NOTE] = "note",
};

static const char *const diag_color[] = {
	[DIAG_ERROR] = "\033[1;31m",
	[DIAG_WARN] = "\033[1;35m",
	[DIAG_NOTE] = "\033[1;36m",
};

void diag_init(struct diag *d, FILE *out)
{
	memset(d, 0, sizeof(*d));
	d->out = out ? out : stderr;
}

/* Byte offset of the start of 1-based @line in @src, or -1 if it has fewer
 * lines (a location must never make us read past the text). */
static long diag_line_start(const struct source *src, unsigned line)
{
	size_t i = 0;
	unsigned l = 1;

	if (!src->text)
		return -1;
	while (l < line) {
		while (i < src->len && src->text[i] != '\n')
			i++;
		if (i >= src->len)
			return -1;
		i++;
		l++;
	}
	return (long)i;
}

static size_t diag_line_end(const struct source *src, size_t start)
{
	size_t i = start;

	while (i < src->len && src->text[i] != '\n')
		i++;
	return i;
}

/* Longer source lines (generated scripts, a huge literal) are shown as a
 * window of this many bytes around the caret, "..." marking the cuts. */
#define DIAG_LINE_MAX	160

static bool diag_utf8_cont(const struct source *src, size_t i)
{
	return ((unsigned char)src->text[i] & 0xc0) == 0x80;
}

static void diag_show_line(struct diag *d, const struct loc *loc)
{
	const struct source *src = loc->src;
	/* each line is built whole and written at once: stderr is
	 * unbuffered, a byte at a time would be a system call each */
	char buf[DIAG_LINE_MAX + 16];
	size_t start, end, from, to, i, col, len, n;
	long s = diag_line_start(src, loc->line);
	FILE *out = d->out;

	if (s < 0)
		return;
	start = (size_t)s;
	end = diag_line_end(src, start);
	col = loc->col ? loc->col - 1 : 0;
	if (col > end - start)
		col = end - start;

	from = start;
	to = end;
	if (end - start > DIAG_LINE_MAX) {
		if (col > DIAG_LINE_MAX / 2)
			from = start + col - DIAG_LINE_MAX / 2;
		while (from > start && diag_utf8_cont(src, from))
			from--;
		to = from + DIAG_LINE_MAX < end ? from + DIAG_LINE_MAX : end;
		while (to < end && to > from && diag_utf8_cont(src, to))
			to--;
	}

	/* the source line, with control bytes (NUL, CR...) as blanks so the
	 * terminal shows what the caret points at */
	n = 0;
	if (from > start)
		n += (size_t)sprintf(buf, "...");
	for (i = from; i < to; i++) {
		unsigned char c = (unsigned char)src->text[i];

		buf[n++] = c == '\t' || c >= 0x20 ? (char)c : ' ';
	}
	if (to < end)
		n += (size_t)sprintf(buf + n, "...");
	buf[n++] = '\n';
	fwrite(buf, 1, n, out);

	n = 0;
	if (from > start)
		n += (size_t)sprintf(buf, "   ");
	for (i = from; i < start + col; i++) {
		unsigned char c = (unsigned char)src->text[i];

		if (c == '\t')
			buf[n++] = '\t';
		else if (!diag_utf8_cont(src, i))
			buf[n++] = ' ';
	}
	fwrite(buf, 1, n, out);
	if (d->color)
		fputs("\033[1;32m", out);
	/* underline to the token's end, but never past the line's end (a
	 * multi-line token, comment or string, is marked on its first
	 * line) nor past what is shown */
	n = 0;
	buf[n++] = '^';
	len = loc->len ? loc->len : 1;
	for (i = start + col + 1; i < start + col + len && i < to; i++) {
		if (!diag_utf8_cont(src, i))
			buf[n++] = '~';
	}
	fwrite(buf, 1, n, out);
	if (d->color)
		fputs("\033[0m", out);
	fputc('\n', out);
}

static void diag_vreport(struct diag *d, enum diag_kind kind,
			 const struct loc *loc, const char *fmt, va_list ap)
{
	FILE *out = d->out ? d->out : stderr;
	bool has_loc = loc && loc->src;

	d->out = out;
	if (kind == DIAG_ERROR)
		d->errors++;
	else if (kind == DIAG_WARN)
		d->warnings++;

	if (d->color)
		fputs("\033[1m", out);
	if (has_loc)
		fprintf(out, "%s:%u:%u: ", loc->src->name ? loc->src->name : "<program>",
			loc->line, loc->col);
	else
		fputs("spry: ", out);
	if (d->color)
		fprintf(out, "%s%s:\033[0m\033[1m ", diag_color[kind], diag_label[kind]);
	else
		fprintf(out, "%s: ", diag_label[kind]);
	vfprintf(out, fmt, ap);
	if (d->color)
		fputs("\033[0m", out);
	fputc('\n', out);
	if (has_loc)
		diag_show_line(d, loc);
	fflush(out);
}

void diag_verror(struct diag *d, const struct loc *loc, const char *fmt,
		 va_list ap)
{
	diag_vreport(d, DIAG_ERROR, loc, fmt, ap);
}

void diag_error(struct diag *d, const struct loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vreport(d, DIAG_ERROR, loc, fmt, ap);
	va_end(ap);
}

void diag_warn(struct diag *d, const struct loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vreport(d, DIAG_WARN, loc, fmt, ap);
	va_end(ap);
}

void diag_info(struct diag *d, const char *fmt, ...)
{
	FILE *out = d->out ? d->out : stderr;
	va_list ap;

	d->out = out;
	fputs("spry: ", out);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	fflush(out);
}

void diag_note(struct diag *d, const struct loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vreport(d, DIAG_NOTE, loc, fmt, ap);
	va_end(ap);
}

/* Byte offset of (line, col) in @src, or -1. */
static long diag_offset(const struct loc *l)
{
	long s = diag_line_start(l->src, l->line);

	if (s < 0 || !l->col)
		return -1;
	return s + (long)l->col - 1;
}

struct loc loc_span(struct loc a, struct loc b)
{
	long oa, ob;
	struct loc r = a;

	if (!a.src)
		return b;
	if (!b.src || a.src != b.src)
		return a;
	if (a.line == b.line) {
		if (b.col + b.len > a.col + a.len)
			r.len = b.col + b.len - a.col;
		return r;
	}
	/* spanning lines: the length counts source bytes; diag shows the
	 * first line of it */
	oa = diag_offset(&a);
	ob = diag_offset(&b);
	if (oa >= 0 && ob >= oa && (unsigned long)(ob - oa) + b.len > a.len)
		r.len = (unsigned)(ob - oa) + b.len;
	return r;
}

/* ---- did you mean ---- */

/* Levenshtein distance; names too long for the row count as far apart. */
static unsigned edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned row[128], prev, tmp;

	if (la >= 128 || lb >= 128)
		return ~0u;
	for (j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = (unsigned)i;
		for (j = 1; j <= lb; j++) {
			unsigned best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

void suggest_init(struct suggest *sg, const char *name)
{
	sg->name = name;
	sg->best = NULL;
	sg->dist = ~0u;
}

static unsigned suggest_limit(size_t len)
{
	return len <= 3 ? 1 : len <= 11 ? 2 : 3;
}

void suggest_try(struct suggest *sg, const char *cand)
{
	size_t la = strlen(sg->name), lb = strlen(cand);
	unsigned dist;

	/* the lengths alone rule most candidates out (100k kernel symbols
	 * for a mistyped kprobe) */
	if ((la > lb ? la - lb : lb - la) > suggest_limit(la) ||
	    !strcmp(cand, sg->name))
		return;
	dist = edit_distance(sg->name, cand);
	if (dist < sg->dist) {
		sg->dist = dist;
		sg->best = cand;
	}
}

const char *suggest_best(const struct suggest *sg)
{
	return sg->best && sg->dist <= suggest_limit(strlen(sg->name)) ?
	       sg->best : NULL;
}
