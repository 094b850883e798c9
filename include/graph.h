/* graph.h - pictures drawn from plain data: flame graphs, latency heat maps
 * and bar charts as SVG, heat map rows as terminal text, stacks as folded
 * lines.
 *
 * This module knows nothing of maps, types, symbols or the kernel: the
 * picture glue (picture.h) turns what the programs counted into these
 * structures, so every picture is tested on hand-built data.
 *
 * Flame graphs (graph_flame): stacks, outermost frame first, each with a
 * value (a count, a sum of times), merged by prefix into a tree.  Siblings
 * are drawn sorted by name, each as wide as its value; the root "all" spans
 * the total.  Frames are told apart by kind (the colour): a kernel
 * function, a user function, or a key that is not a stack (comm, pid).
 *
 * Histograms (graph_col): the log2 buckets of quantize()/hist(): bucket 0
 * holds x < 1, bucket b holds 2^(b-1) <= x < 2^b.  A histogram printed at
 * intervals is a series of columns, one per print, drawn as a heat map (x:
 * time, y: bucket, colour: count); one printed once is a bar chart.
 *
 * SVG documents are self-contained: inline styles, no external fonts or
 * links, and for flame graphs a script for hover details, click-to-zoom and
 * search (Ctrl-F, or ?s=REGEX in the URL; ?z=NAME opens zoomed to the
 * widest frame of that name).  Every drawn element carries its
 * numbers as attributes (data-v, data-t) so tests can check the layout.
 */
#ifndef SPRY_GRAPH_H
#define SPRY_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define GRAPH_BUCKETS	65	/* log2 buckets: x < 1, then [2^(b-1), 2^b) */

enum graph_kind {
	GRAPH_KEY,		/* a key that is not a stack: comm, pid... */
	GRAPH_USER,		/* a user-space function */
	GRAPH_KERNEL,		/* a kernel function */
};

/* ---- flame graphs ---- */

struct graph_flame;

struct graph_flame *graph_flame_new(void);
void graph_flame_free(struct graph_flame *f);
/* Add one stack of @n frames, outermost first, weighing @value (0 adds
 * nothing).  Frames with the same name and kind under the same parent are
 * one frame.  Memory is linear in the frames added. */
void graph_flame_add(struct graph_flame *f, unsigned n,
		     const char *const *names, const enum graph_kind *kinds,
		     uint64_t value);
/* Add everything in @src to @dst. */
void graph_flame_merge(struct graph_flame *dst, const struct graph_flame *src);
uint64_t graph_flame_total(const struct graph_flame *f);
/* Write the folded form, one "outer;...;inner value" line per distinct
 * stack in name order (the order FlameGraph's tools sort into), each
 * starting with @prefix and ';' unless @prefix is NULL.  Frame names are
 * written as given: picture.c makes them folded-safe. */
void graph_flame_folded(FILE *out, const struct graph_flame *f,
			const char *prefix);

/* ---- histograms ---- */

struct graph_col {
	int64_t t_ns;			/* when it was printed (CLOCK_REALTIME) */
	uint64_t cnt[GRAPH_BUCKETS];
};

/* "[1k, 2k)" for bucket @b. */
const char *graph_bucket_label(int b, char *buf, size_t n);
/* The lower bound of bucket @b as "0", "1", "512", "1k", "16E". */
const char *graph_bucket_bound(int b, char *buf, size_t n);

/* ---- SVG ---- */

enum graph_panel_kind { GRAPH_FLAME, GRAPH_HEAT, GRAPH_BARS };

/* One picture of an SVG document. */
struct graph_panel {
	enum graph_panel_kind kind;
	const char *title;		/* "@stacks", "@ns[sda]" */
	const char *what;		/* the value's name: "count", "sum" */
	const struct graph_flame *flame;	/* GRAPH_FLAME */
	/* GRAPH_HEAT: @ncols prints (GRAPH_BARS: one).  Their counts are
	 * @cols, one per print when @at is NULL; else only the @ncounts
	 * prints that had any, @cols[k] being print @at[k] (ascending) and
	 * @times[i] the time of print i. */
	const struct graph_col *cols;
	unsigned ncols;
	const unsigned *at;
	unsigned ncounts;
	const int64_t *times;
	int64_t t0_ns;			/* GRAPH_HEAT: when the trace began */
};

/* Write one SVG document holding the @n panels one below the other (none:
 * a short note saying there was nothing to draw).  0, or -EIO when the
 * stream failed. */
int graph_svg(FILE *out, const struct graph_panel *p, unsigned n);

/* ---- terminal heat maps ---- */

/* What a text heat map has shown so far, kept between rows so that the
 * columns stay aligned: the bucket range (widened, with a new header,
 * when a row falls outside it) and the largest cell (the shade scale). */
struct graph_rows {
	int lo, hi;			/* bucket range shown; lo > hi: none yet */
	uint64_t max;			/* largest cell so far */
	unsigned label_w;		/* width of the row labels */
};

void graph_rows_init(struct graph_rows *r);
/* Write one heat map row for @cnt labelled @label ("12:00:01"), preceded by
 * a header naming @title when the bucket range changed.  Cells are two
 * characters, shaded " ", "░", "▒", "▓", "█" by count on a log scale up to
 * the largest cell so far; the row ends with its total. */
void graph_rows_write(FILE *out, struct graph_rows *r, const char *title,
		      const char *label, const uint64_t *cnt);

#endif
