/* output.h - rendering what the programs send, as text or as JSON.
 *
 * The output layer never talks to the kernel: it formats event records (the
 * bytes a program wrote to the ring buffer) and map contents that the runtime
 * has already read into memory (struct out_map_data), so every shape can be
 * tested on hand-built data.  Two things it cannot know by itself are hooks
 * the runtime fills: reading a stack id from the stack map, and naming a
 * kernel address (the runtime sets ksym.c's ksym_out_hook; without a hook,
 * or for an unknown address, it prints as 0x...).
 *
 * Text formats (OUT_TEXT):
 *   printf   exactly as formatted, nothing added
 *   print    the values with their default formats, ", "-joined, then "\n"
 *   map      "@name:" then one "key: value" row per entry sorted by value
 *            ascending; several keys (or a multi-line key, a stack) are
 *            written "[k1, k2]"; a blank line ends the block.  A keyless
 *            map is the single line "@name: value", no blank line
 *   hist     "@name:" then per key group (keyed: a "key:" line first) the
 *            log2 buckets "[8k, 16k)             10 |@@@@...|", groups
 *            sorted by their total count ascending; a blank line ends it
 *   lost     "spry: N events lost" on stderr (the runtime writes it)
 * Default formats: integers decimal; char as the character; strings up to
 * their NUL; ksym "vfs_read+0x25" through the hook, else 0x%llx (usym: always
 * 0x%llx for now); stacks one frame a line, indented by 8 spaces, starting
 * with a newline ("<no stack>" for a failed bpf_get_stackid); walltime
 * "2026-11-24 19:20:01.123456" in local time; u8[N] as "de ad be ef";
 * pointers 0x%llx.
 *
 * JSON (OUT_JSON, -f json): one object per line, shaped like bpftrace -f json:
 *   {"type": "printf", "data": "text"}
 *   {"type": "value", "data": V}           print(x); several args: [V, ...]
 *   {"type": "map", "data": {"@name": {"key": V, ...}}}   keyless: {"@name": V}
 *                                          several keys: "k1,k2"
 *   {"type": "hist", "data": {"@name": [{"min": 8192, "max": 16383, "count": 10}, ...]}}
 *                                          keyed: {"@name": {"key": [...]}}
 *   {"type": "lost_events", "data": {"events": N}}
 * where V is a number for integers, a string for strings, chars, symbols,
 * walltime and bytes, and an array of strings for stacks.
 *
 * Pictures (OUT_FOLDED, OUT_SVG, OUT_HEATMAP; picture.h says what each
 * draws): the maps a picture takes go to picture.c.  With folded and svg
 * the output stream holds the picture alone, written at exit
 * (out_finish()), and everything else (printf, print, the maps no picture
 * takes) is printed as text on stderr.  With heatmap, everything is text on
 * the output stream, histograms printed more than once as heat map rows.
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
#define OUT_SYM_MAX	256	/* a symbol's name, as hooks write it */

struct output {
	FILE *f;
	enum out_format format;
	bool unbuffered;		/* fflush after every record */
	int64_t boot_to_real_ns;	/* CLOCK_REALTIME - CLOCK_BOOTTIME */

	/* Fill @ips with the frames of stack @id (kernel stacks: the stack
	 * map id; user: tgid << 32 | id); return the count, or <= 0 when the
	 * stack is gone.  NULL: stacks print as their id. */
	int (*stack_read)(void *ctx, uint64_t id, bool user, uint64_t *ips,
			  unsigned max);
	/* Name @addr into @buf ("vfs_read+0x12"), or return NULL to print it
	 * as 0x...  NULL hook: always hex. */
	const char *(*ksym)(void *ctx, uint64_t addr, char *buf, size_t n);
	/* The same for a user address (usym.c's usym_out_hook): @pid from a
	 * user stack id, or 0 when the value carries none. */
	const char *(*usym)(void *ctx, uint64_t addr, uint32_t pid, char *buf,
			    size_t n);
	void *hook_ctx;

	char *buf;			/* scratch for one record */
	size_t len, cap;

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
 * packed at key_size / val_size strides.  Per-CPU values already summed into
 * one val_size value. */
struct out_map_data {
	const struct map *m;
	unsigned n;
	unsigned key_size, val_size;
	void *keys;
	void *vals;
};

/* Set up @o writing to @f.  Computes the boot->realtime offset once. */
void out_init(struct output *o, FILE *f, enum out_format format,
	      bool unbuffered);
void out_free(struct output *o);

/* Render one ring buffer record {u64 id, args} of event @ev.  EV_PRINTF,
 * EV_PRINT only (maps, clear and exit are the runtime's business).  Returns
 * 0, or -EINVAL for a record shorter than the event. */
int out_event(struct output *o, const struct event *ev, const void *rec,
	      size_t len);
/* Print a map (count/sum/plain as rows, quantize as histograms; pictures
 * as their format says). */
void out_map(struct output *o, const struct out_map_data *md);
/* clear(@m) ran (the pictures keep what its last print showed). */
void out_clear(struct output *o, const struct map *m);
/* The maps printed from now on are the prints at exit. */
void out_exit(struct output *o);
/* At exit, after the last map: write the pictures (folded lines, the SVG).
 * 0, or -errno when the output stream failed. */
int out_finish(struct output *o);
/* Text: an empty line, so that the maps printed after a ^C do not start
 * on the line where the terminal echoed it.  JSON: nothing. */
void out_break(struct output *o);
/* In JSON, a lost_events record; in text nothing (stderr is the runtime's). */
void out_lost(struct output *o, unsigned long long n);
/* Flush @f: at exit and before blocking; after every record when
 * unbuffered (out_event/out_map do that themselves). */
void out_flush(struct output *o);

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
/* A histogram bound, 2^@log2 as "1", "512", "1k", "16E" (2^64); "0" for
 * @log2 < 0.  Bucket b spans [out_hist_bound(b - 1), out_hist_bound(b)). */
const char *out_hist_bound(int log2, char *buf, size_t n);
/* The frames of stack value @v (a kstack or ustack value), innermost
 * first: addresses in @ips, names as the hooks give them ("vfs_read+0x12")
 * in @names, "" where no hook names one.  Returns the count (0: the stack
 * is gone, or no hook reads stacks), or -1 when no stack was taken (the
 * kernel's error in place of an id). */
int out_stack_frames(struct output *o, uint64_t v, bool user, uint64_t *ips,
		     char (*names)[OUT_SYM_MAX]);
/* Offset of user key @i of @m in its key: the recorded layout, or 8-aligned
 * slots in order when a hand-built map has none. */
unsigned out_key_off(const struct map *m, unsigned i);
/* The default text of a map key or value of type @t in its slot at @p (an
 * integer narrower than its slot is the slot's low-order end), malloc'd. */
char *out_value_text(struct output *o, const struct type *t, const void *p);
/* CLOCK_REALTIME now, in ns (o->clock when set). */
int64_t out_now(const struct output *o);

#endif
