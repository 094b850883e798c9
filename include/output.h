/* output.h - rendering what the programs send, as text or as JSON.
 *
 * The output layer never talks to the kernel: it formats event records (the
 * bytes a program wrote to the ring buffer) and map contents that the runtime
 * has already read into memory (struct out_map_data), so every shape can be
 * tested on hand-built data.  Three things it cannot know by itself are hooks
 * the runtime fills: reading a stack id from the stack map, and naming a
 * kernel or user address (without a hook, or for an unknown address, it
 * prints as 0x...).
 *
 * The shapes are bpftrace 0.17's, byte for byte (test/diff compares them
 * with bpftrace's own), so that a bpftrace user's scripts and parsers work:
 *   attached "Attaching N probes..." (1 probe...), unless -q
 *   printf   exactly as formatted, nothing added
 *   print    the value with its default format, then "\n" (spry: several
 *            values ", "-joined)
 *   maps     at exit, after two newlines ("\n\n"), in name order (the
 *            runtime's job); each map is its rows joined by "\n", then one
 *            "\n" (an empty map is a lone "\n"):
 *              @name: 5                  keyless
 *              @name[key]: 5             keys ", "-joined: @m[1, comm]
 *            rows sorted by value for integer values (count, sum, min, max,
 *            ints), else by key (ints as unsigned, strings by strcmp);
 *            rows of stacks and symbols are joined by nothing (they end in
 *            a newline of their own, or run on, as bpftrace's do)
 *   hist     "@name[key]: " then a line per bucket from the first to the
 *            last non-empty one, "%-16s%8d |%-52s|" with the bar in '@'s
 *            scaled to the largest bucket; labels (..., 0) [0] [1] [2, 4)
 *            ... [512, 1K) ... K M G T; lhist's (..., min) [lo, hi) [max,
 *            ...); entries sorted by their total count, "\n"-joined
 *   avg      "@name: 12"; stats "@name: count 3, average 12, total 36",
 *            sorted by the average; the map ends with a blank line
 * Default formats: integers decimal by their width and sign; char as the
 * character; strings up to their NUL; tuples "(1, abc)"; structs "{ .a = 1,
 * .b = 2 }"; arrays "[1,2,3]" (u8[N] from mem() as hex "de ad be ef");
 * ksym/usym the symbol's name (spry's caller inside a function
 * "vfs_read+0x5"); stacks a newline then one frame a line, "vfs_read+37"
 * indented by 8 spaces (4 in a map key), nothing when the stack is gone;
 * walltime "2026-11-24 19:20:01.123456" in local time; pointers 0x%llx.
 *
 * JSON (OUT_JSON, -f json): one object per line, bpftrace's records:
 *   {"type": "attached_probes", "data": {"probes": N}}
 *   {"type": "printf", "data": "text"}
 *   {"type": "value", "data": V}           print(x); spry: several, [V,...]
 *   {"type": "map", "data": {"@name": {"key": V, ...}}}   keyless: {"@name": V}
 *                                          several keys: "k1,k2"
 *   {"type": "hist", "data": {"@name": [{"min": 2, "max": 3, "count": 10}, ...]}}
 *                                          bucket (..., 0): {"max": -1, ...};
 *                                          keyed: {"@name": {"key": [...]}}
 *   {"type": "stats", "data": {"@name": {"count": 3, "average": 12, "total": 36}}}
 *                                          avg: {"@name": 12}
 *   {"type": "lost_events", "data": {"events": N}}
 *   {"type": "helper_error", "helper": "map_delete_elem", "retcode": -2,
 *    "line": 5, "col": 3}                  -k, -kk: a failed helper call
 * where V is a number for integers, a string for strings, symbols, stacks
 * and walltime, [V,V] for tuples; an empty map prints no record.
 *
 * Pictures (OUT_FOLDED, OUT_SVG, OUT_HEATMAP; picture.h says what each
 * draws): the maps a picture takes go to picture.c.  With folded and svg
 * the output stream holds the picture alone, written at exit
 * (out_finish()), and everything else (printf, print, the maps no picture
 * takes, the Attaching line) is printed as text on stderr.  With heatmap,
 * everything is text on the output stream, histograms printed more than
 * once as heat map rows.
 */
#ifndef SPRY_OUTPUT_H
#define SPRY_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "runtime.h"

struct event;
struct event_arg;
struct diag;
struct map;
struct pictures;
struct type;

#define OUT_STACK_MAX	127	/* frames per stack, as the kernel's default */
#define OUT_HIST_BUCKETS 65	/* hist(): (..., 0), [0], [1], then 2^0..2^62 */
#define OUT_SYM_MAX	256	/* a symbol's name, as hooks write it */

struct output {
	FILE *f;			/* NULL: output abandoned, write nothing */
	int err;			/* the first write error (errno), or 0 */
	enum out_format format;
	bool unbuffered;		/* fflush after every record */
	int64_t boot_to_real_ns;	/* CLOCK_REALTIME - CLOCK_BOOTTIME */

	/* Fill @ips with the frames of stack @id (kernel stacks: the stack
	 * map id; user: tgid << 32 | id) of the stack map keeping @frames
	 * frames (the type's; 0: the most); return the count, or < 0 when
	 * the stack is gone.  NULL: stacks print as their id. */
	int (*stack_read)(void *ctx, uint64_t id, bool user, unsigned frames,
			  uint64_t *ips, unsigned max);
	/* Name @addr: the name of the symbol holding it into @buf, @addr's
	 * offset into it into *@off; or return NULL to print it as 0x...
	 * NULL hook: always hex. */
	const char *(*ksym)(void *ctx, uint64_t addr, char *buf, size_t n,
			    uint64_t *off);
	/* The same for a user address (usym.c's usym_out_hook): @pid from a
	 * user stack id, or 0 when the value carries none. */
	const char *(*usym)(void *ctx, uint64_t addr, uint32_t pid, char *buf,
			    size_t n, uint64_t *off);
	/* The path of the object mapped at user address @addr of process
	 * @pid (perf-style stacks), or NULL: "[unknown]". */
	const char *(*uobj)(void *ctx, uint64_t addr, uint32_t pid);
	void *hook_ctx;

	char *buf;			/* scratch for one record */
	size_t len, cap;
	/* text of by_cpu events not yet ended by a newline, by CPU: a line
	 * is written once the CPU that began it ends it (script.h) */
	struct out_line *lines;
	unsigned nlines;

	/* pictures */
	struct diag *d;			/* their warnings (the runtime's diag);
					 * set it for the picture formats */
	struct output *text;		/* folded, svg: stderr, as text */
	struct pictures *pics;		/* folded, svg, heatmap */
	bool at_exit;			/* out_exit(): the prints at exit */
	int64_t t0_ns;			/* CLOCK_REALTIME at out_init */
	/* CLOCK_REALTIME in ns, for the pictures' time axis; NULL: the real
	 * clock (tests set their own) */
	int64_t (*clock)(void);
};

/* One map's contents, read by the runtime: @n entries, keys and values
 * packed at key_size / val_size strides, per-CPU values already reduced to
 * one val_size value (script.h's map kinds say how each is laid out). */
struct out_map_data {
	const struct map *m;
	unsigned n;
	unsigned key_size, val_size;
	void *keys;
	void *vals;
};

struct out_line {
	unsigned cpu;
	char *text;
	size_t len, cap;
};

/* Set up @o writing to @f.  Computes the boot->realtime offset once. */
void out_init(struct output *o, FILE *f, enum out_format format,
	      bool unbuffered);
void out_free(struct output *o);

/* Render one ring buffer record {u64 id, args} of event @ev.  EV_PRINTF,
 * EV_PRINT, EV_TIME, EV_JOIN only (maps, clear, exit, cat and system are
 * the runtime's business).  Returns
 * 0, or -EINVAL for a record shorter than the event. */
int out_event(struct output *o, const struct event *ev, const void *rec,
	      size_t len);
/* Write the lines by_cpu events began and no newline ended yet, CPU by
 * CPU (the trace stopped; out_exit() and out_free() call it too). */
void out_lines_flush(struct output *o);
/* Write the line the by_cpu record @rec's CPU left open: what prints next
 * (a map, a file) follows it. */
void out_line_end(struct output *o, const void *rec);
/* cat() and system(): the text their format gives for @ev's record (the
 * path, the command), malloc'd. */
char *out_event_text(struct output *o, const struct event *ev,
		     const void *rec, size_t len);
/* What cat() read or system()'s command printed: @n bytes as they are,
 * or in JSON a record of @type ("cat", "syscall", bpftrace's names). */
void out_raw(struct output *o, const char *type, const char *s, size_t n);
/* Print a map: print(@m, top, div) and at exit (@top, @div 0: all, as
 * they are).  @top keeps the last @top entries in sort order (the largest);
 * @div divides integer values (a tuple's each) and histogram counts.  With
 * a @top or @div not 0, tuples sort by the sum of their integers, else by
 * key as bpftrace's do.  Pictures as their format says. */
void out_map(struct output *o, const struct out_map_data *md, uint64_t top,
	     uint64_t div);
/* The "Attaching N probes..." line (the runtime skips it under -q). */
void out_attached(struct output *o, unsigned nprobes);
/* What bpftrace writes before the maps at exit: two newlines. */
void out_maps_start(struct output *o);
/* clear(@m) ran (the pictures keep what its last print showed). */
void out_clear(struct output *o, const struct map *m);
/* The maps printed from now on are the prints at exit. */
void out_exit(struct output *o);
/* At exit, after the last map: write the pictures (folded lines, the SVG).
 * 0, or -errno when the output stream failed. */
int out_finish(struct output *o);
/* -k, -kk in JSON: a failed helper call as bpftrace reports it,
 *   {"type": "helper_error", "helper": "map_update_elem", "retcode": -7,
 *    "line": 3, "col": 9}
 * (in text the runtime warns on stderr). */
void out_helper_error(struct output *o, const char *helper, int64_t ret,
		      unsigned line, unsigned col);
/* In JSON, a lost_events record; in text nothing (stderr is the runtime's). */
void out_lost(struct output *o, unsigned long long n);
/* Flush @f: at exit and before blocking; after every record when
 * unbuffered (out_event/out_map do that themselves).  0, or -errno of the
 * first write that failed, now or before (o->err). */
int out_flush(struct output *o);

/* Building blocks, exposed for the unit tests. */

/* Format @fmt with @nargs typed arguments found in @rec at their offsets
 * into @o's scratch buffer (o->buf, o->len; NUL-terminated). */
void out_format_printf(struct output *o, const char *fmt,
		       const struct event_arg *args, unsigned nargs,
		       const void *rec, size_t len);
/* Append the default text form of a value of type @t at @p. */
void out_format_value(struct output *o, const struct type *t, const void *p);
/* Append @s (@n bytes) as a JSON string literal, quotes included. */
void out_json_string(struct output *o, const char *s, size_t n);
/* The label of bucket @i of histogram map @m (hist, quantize or lhist):
 * "(..., 0)", "[0]", "[1]", "[2, 4)", "[1K, 2K)"; lhist "(..., 0)",
 * "[10, 20)", "[100, ...)". */
const char *out_hist_label(const struct map *m, unsigned i, char *buf,
			   size_t n);
/* lhist(x, min, max, step): (max - min) / step buckets between the
 * below-min and the at-or-above-max ones; 0 for bounds that make none. */
unsigned out_lhist_buckets(const struct map *m);
/* The frames of stack value @v (a kstack or ustack value), innermost
 * first: addresses in @ips, names with their offsets ("vfs_read+0x12") in
 * @names, "" where no hook names one.  Returns the count (0: the stack
 * is gone, or no hook reads stacks), or -1 when no stack was taken (the
 * kernel's error in place of an id). */
int out_stack_frames(struct output *o, const struct type *t, uint64_t v,
		     uint64_t *ips, char (*names)[OUT_SYM_MAX]);
/* Offset of user key @i of @m in its key: the recorded layout, or 8-aligned
 * slots in order when a hand-built map has none. */
unsigned out_key_off(const struct map *m, unsigned i);
/* The default text of a map key or value of type @t in its slot at @p (an
 * integer narrower than its slot is the slot's low-order end), malloc'd. */
char *out_value_text(struct output *o, const struct type *t, const void *p);
/* CLOCK_REALTIME now, in ns (o->clock when set). */
int64_t out_now(const struct output *o);

#endif
