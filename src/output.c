/* output.c - rendering events and maps as text or JSON, as bpftrace does.
 *
 * Input: event records exactly as a program wrote them ({u64 id, args at
 * their offsets}), described by struct event; map contents the runtime read
 * into memory (struct out_map_data).  Output: text or NDJSON on o->f, in the
 * shapes documented in output.h, which are bpftrace 0.17's byte for byte
 * (the differential suite, test/diff, holds spry to that); the picture
 * formats hand their maps to picture.c and print the rest as text (on
 * stderr for folded and svg).
 *
 * Every record is first built in one scratch buffer (o->buf) and written with
 * a single fwrite: JSON needs the printf text whole to escape it, and a
 * record never reaches the stream half-formatted.
 *
 * printf never hands user-controlled argument lists to the C library: each
 * conversion is parsed here, rebuilt as a host spec with only the flags that
 * are defined for it, and passed to snprintf with exactly one argument of the
 * matching C type.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output.h"
#include "picture.h"
#include "script.h"
#include "type.h"
#include "tz.h"

#define OUT_HIST_WIDTH	52	/* bar width, as bpftrace */
#define OUT_MAX_WIDTH	4096	/* clamp absurd printf widths/precisions */
#define OUT_KEY_INDENT	4	/* a stack's frames as a map key */
#define OUT_VAL_INDENT	8	/* ... as a value */

/* ---- scratch buffer ---- */

static void ob_reserve(struct output *o, size_t more)
{
	size_t need = o->len + more + 1;

	if (need <= o->cap)
		return;
	if (!o->cap)
		o->cap = 256;
	while (o->cap < need)
		o->cap *= 2;
	o->buf = realloc(o->buf, o->cap);
	if (!o->buf)
		abort();	/* as arena.h: nothing sensible left to do */
}

static void ob_putn(struct output *o, const char *s, size_t n)
{
	ob_reserve(o, n);
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void ob_puts(struct output *o, const char *s)
{
	ob_putn(o, s, strlen(s));
}

static void ob_putc(struct output *o, char c)
{
	ob_putn(o, &c, 1);
}

static void ob_vprintf(struct output *o, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	ob_reserve(o, 64);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	if ((size_t)n >= o->cap - o->len) {
		ob_reserve(o, (size_t)n);
		vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	}
	o->len += (size_t)n;
}

static void ob_printf(struct output *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void ob_printf(struct output *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ob_vprintf(o, fmt, ap);
	va_end(ap);
}

/* Detach the text appended since @start as a malloc'd string. */
static char *ob_take(struct output *o, size_t start)
{
	char *s = strndup(o->buf + start, o->len - start);

	if (!s)
		abort();
	o->len = start;
	o->buf[o->len] = '\0';
	return s;
}

/* Start a record: an empty, NUL-terminated scratch buffer. */
static void ob_reset(struct output *o)
{
	o->len = 0;
	ob_reserve(o, 0);
	o->buf[0] = '\0';
}

/* Note the first write error: every write is checked, and a lost one is
 * an error (out_flush() returns it). */
static void ob_failed(struct output *o)
{
	if (!o->err)
		o->err = errno ? errno : EIO;
}

static void ob_write(struct output *o);

/* The pending line of @cpu, made on first use. */
static struct out_line *line_of(struct output *o, unsigned cpu)
{
	struct out_line *ln;
	unsigned i;

	for (i = 0; i < o->nlines; i++)
		if (o->lines[i].cpu == cpu)
			return &o->lines[i];
	ln = realloc(o->lines, (o->nlines + 1) * sizeof(*ln));
	if (!ln)
		abort();
	o->lines = ln;
	ln = &o->lines[o->nlines++];
	memset(ln, 0, sizeof(*ln));
	ln->cpu = cpu;
	return ln;
}

/* The record in the scratch buffer, sent by @cpu: onto that CPU's pending
 * text, of which what a newline ends is written. */
static void ob_write_line(struct output *o, unsigned cpu)
{
	struct out_line *ln = line_of(o, cpu);
	size_t n, old = ln->len;

	if (ln->len + o->len + 1 > ln->cap) {
		ln->cap = 2 * (ln->len + o->len + 1);
		ln->text = realloc(ln->text, ln->cap);
		if (!ln->text)
			abort();
	}
	memcpy(ln->text + ln->len, o->buf, o->len);
	ln->len += o->len;
	/* the text held had no newline: look in what came */
	for (n = ln->len; n > old && ln->text[n - 1] != '\n'; n--)
		;
	if (n == old)
		n = 0;
	o->len = 0;
	if (n) {
		ob_putn(o, ln->text, n);
		memmove(ln->text, ln->text + n, ln->len - n);
		ln->len -= n;
	}
	ob_write(o);
}

/* Write what @ln holds, ended or not. */
static void line_write(struct output *o, struct out_line *ln)
{
	if (!ln->len)
		return;
	o->len = 0;
	ob_putn(o, ln->text, ln->len);
	ln->len = 0;
	ob_write(o);
}

void out_line_end(struct output *o, const void *rec)
{
	unsigned i;

	if (o->text)
		out_line_end(o->text, rec);
	for (i = 0; i < o->nlines; i++)
		if (o->lines[i].cpu == event_word_cpu(rec))
			line_write(o, &o->lines[i]);
}

void out_lines_flush(struct output *o)
{
	unsigned i;

	if (o->text)
		out_lines_flush(o->text);
	for (i = 0; i < o->nlines; i++)
		line_write(o, &o->lines[i]);
}

static void ob_write(struct output *o)
{
	errno = 0;
	/* no stream: the output was abandoned (see output.h) */
	if (o->len && o->f && fwrite(o->buf, 1, o->len, o->f) != o->len)
		ob_failed(o);
	o->len = 0;
	if (o->buf)
		o->buf[0] = '\0';
	if (o->unbuffered && o->f && fflush(o->f))
		ob_failed(o);
}

/* ---- setup ---- */

void out_init(struct output *o, FILE *f, enum out_format format,
	      bool unbuffered)
{
	struct timespec rt, bt;

	memset(o, 0, sizeof(*o));
	o->f = f;
	o->format = format;
	o->unbuffered = unbuffered;
	if (format == OUT_FOLDED || format == OUT_SVG) {
		/* the output stream holds the picture alone */
		o->text = malloc(sizeof(*o->text));
		if (!o->text)
			abort();
		out_init(o->text, stderr, OUT_TEXT, unbuffered);
	}
	if (format == OUT_FOLDED || format == OUT_SVG || format == OUT_HEATMAP)
		o->pics = pic_new(o);
	/* walltime values are boot-time ns (bpf_ktime_get_boot_ns, which
	 * keeps counting in suspend); one offset taken now turns them into
	 * wall-clock time well enough for a trace */
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	o->boot_to_real_ns = ((int64_t)rt.tv_sec - bt.tv_sec) * 1000000000LL +
			     (rt.tv_nsec - bt.tv_nsec);
	o->t0_ns = (int64_t)rt.tv_sec * 1000000000LL + rt.tv_nsec;
}

void out_free(struct output *o)
{
	unsigned i;

	out_lines_flush(o);
	for (i = 0; i < o->nlines; i++)
		free(o->lines[i].text);
	free(o->lines);
	o->lines = NULL;
	o->nlines = 0;
	pic_free(o->pics);
	o->pics = NULL;
	if (o->text) {
		out_free(o->text);
		free(o->text);
		o->text = NULL;
	}
	free(o->buf);
	o->buf = NULL;
	o->len = o->cap = 0;
}

int out_flush(struct output *o)
{
	if (o->text)
		out_flush(o->text);
	errno = 0;
	if (o->f && (fflush(o->f) || ferror(o->f)))
		ob_failed(o);
	return -o->err;
}

int64_t out_now(const struct output *o)
{
	struct timespec ts;

	if (o->clock)
		return o->clock();
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Where the text of a picture format goes, with the hooks the runtime set
 * on @o (it sets them after out_init). */
static struct output *out_text(struct output *o)
{
	struct output *t = o->text;

	if (!t)
		return o;
	t->stack_read = o->stack_read;
	t->ksym = o->ksym;
	t->usym = o->usym;
	t->hook_ctx = o->hook_ctx;
	t->boot_to_real_ns = o->boot_to_real_ns;
	return t;
}

/* ---- values ---- */

static bool type_is_char_array(const struct type *t)
{
	return t && t->kind == T_ARRAY && t->base && t->base->kind == T_INT &&
	       t->base->fmt == F_CHAR;
}

static bool type_is_byte_array(const struct type *t)
{
	return t && t->kind == T_ARRAY && t->base && t->base->kind == T_INT &&
	       t->base->size == 1 && t->base->fmt != F_CHAR;
}

static bool is_scalar(const struct type *t);

/* An integer or pointer of @t's size at @p, extended to 64 bits by its
 * signedness.  Records and maps keep ints in 8-byte slots: slot_at() finds
 * the type's bytes in one. */
static uint64_t rd_int(const struct type *t, const void *p)
{
	unsigned size = t ? t->size : 8;
	bool sgn = t && t->kind == T_INT && t->is_signed;

	switch (size) {
	case 1: {
		uint8_t v;

		memcpy(&v, p, 1);
		return sgn ? (uint64_t)(int64_t)(int8_t)v : v;
	}
	case 2: {
		uint16_t v;

		memcpy(&v, p, 2);
		return sgn ? (uint64_t)(int64_t)(int16_t)v : v;
	}
	case 4: {
		uint32_t v;

		memcpy(&v, p, 4);
		return sgn ? (uint64_t)(int64_t)(int32_t)v : v;
	}
	default: {
		uint64_t v;

		memcpy(&v, p, 8);
		return v;
	}
	}
}

/* A bitfield member of the record at @rec, extended by its type's
 * signedness.  Its bits are in allocation order (struct member): from each
 * byte's least significant bit, the field's own first, on a little-endian
 * machine; from the most significant, the field's own first, on a
 * big-endian one.  A bit at a time: a field may span 9 bytes, and 32-bit
 * targets have no 128-bit integer. */
static uint64_t rd_bits(const struct member *mb, const uint8_t *rec)
{
	const uint8_t *b = rec + mb->off;
	uint64_t v = 0;

	for (unsigned k = 0; k < mb->bits; k++) {
		unsigned pos = mb->bit_off + k;

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		v = v << 1 | (uint64_t)(b[pos / 8] >> (7 - pos % 8) & 1);
#else
		v |= (uint64_t)(b[pos / 8] >> (pos % 8) & 1) << k;
#endif
	}
	if (mb->bits < 64) {
		v &= (1ull << mb->bits) - 1;
		if (mb->type->is_signed && (v >> (mb->bits - 1)))
			v |= ~0ull << mb->bits;
	}
	return v;
}

static uint64_t rd_u64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static bool is_scalar(const struct type *t)
{
	return t && (t->kind == T_INT || t->kind == T_PTR) &&
	       (t->size == 1 || t->size == 2 || t->size == 4 || t->size == 8);
}

/* Record arguments, map keys and map values hold every integer as a u64
 * slot, whatever its type's size.  The type's bytes are the slot's
 * low-order end: its start on a little-endian machine, its last @size
 * bytes on a big-endian one (s390x).  Memory values (strings, structs)
 * are not slots and stay where they are. */
static const void *slot_at(const struct type *t, const void *p)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	if (is_scalar(t) && t->size < 8)
		return (const uint8_t *)p + 8 - t->size;
#else
	(void)t;
#endif
	return p;
}

static void fmt_walltime(struct output *o, uint64_t boot_ns)
{
	int64_t ns = (int64_t)boot_ns + o->boot_to_real_ns;
	int64_t sec = ns / 1000000000LL;
	long usec = (long)((ns % 1000000000LL) / 1000);
	char buf[64];

	if (usec < 0) {
		usec += 1000000;
		sec--;
	}
	if (!tz_clock(buf, sizeof(buf), sec, true)) {
		ob_printf(o, "%" PRIu64, boot_ns);
		return;
	}
	ob_printf(o, "%s.%06ld", buf, usec);
}

/* An address as bpftrace names it: "vfs_read" (@offset false: ksym(),
 * usym(), caller at a function's entry), "vfs_read+37" (stack frames:
 * the offset in decimal), or "0xffffffff81234567" when no symbol holds it.
 * @name_only: the function's name whatever the offset (bpftrace's ksym()
 * and usym()). */
static void fmt_addr(struct output *o, uint64_t addr, bool kernel,
		     uint32_t pid, bool offset, bool name_only)
{
	char buf[256];
	const char *name = NULL;
	uint64_t off = 0;

	if (kernel && o->ksym)
		name = o->ksym(o->hook_ctx, addr, buf, sizeof(buf), &off);
	else if (!kernel && o->usym)
		name = o->usym(o->hook_ctx, addr, pid, buf, sizeof(buf), &off);
	if (!name) {
		ob_printf(o, "0x%" PRIx64, addr);
		return;
	}
	ob_puts(o, name);
	if (name_only)
		return;
	if (offset)
		ob_printf(o, "+%" PRIu64, off);
	else if (off)
		/* spry's caller on a probe inside a function (kprobe:f+5)
		 * keeps the offset; bpftrace has no such value */
		ob_printf(o, "+0x%" PRIx64, off);
}

int out_stack_frames(struct output *o, const struct type *t, uint64_t v,
		     uint64_t *ips, char (*names)[OUT_SYM_MAX])
{
	bool user = t->fmt == F_USTACK || t->fmt == F_USTACK_PERF;
	uint32_t pid = user ? (uint32_t)(v >> 32) : 0;
	uint64_t off;
	int n = 0, i;

	/* a negative id is bpf_get_stackid()'s error: no stack was taken (a
	 * user stack keeps it in its low half, the tgid above) */
	if (user ? (int32_t)(uint32_t)v < 0 : (int64_t)v < 0)
		return -1;
	if (o->stack_read)
		n = o->stack_read(o->hook_ctx, v, user, t->frames, ips,
				  OUT_STACK_MAX);
	for (i = 0; i < n; i++) {
		char name[OUT_SYM_MAX];
		const char *s = NULL;

		off = 0;
		if (!user && o->ksym)
			s = o->ksym(o->hook_ctx, ips[i], name, sizeof(name),
				    &off);
		if (user && o->usym)
			s = o->usym(o->hook_ctx, ips[i], pid, name,
				    sizeof(name), &off);
		if (!s)
			names[i][0] = '\0';
		else if (off)
			snprintf(names[i], OUT_SYM_MAX, "%s+0x%" PRIx64, s, off);
		else
			snprintf(names[i], OUT_SYM_MAX, "%s", s);
	}
	return n > 0 ? n : 0;
}

/* A stack as bpftrace prints it: a newline, then each frame on its own line,
 * in bpftrace's layout indented by @indent spaces ("\n        vfs_read+37\n
 * ..."), in perf's (@perf) after a tab, the address in hex first and, for
 * user frames, the object after it ("\t7f5c02c19503 read+99 (/usr/lib/
 * libc.so.6)").  A stack that is gone (or that bpf_get_stackid() could not
 * take: a negative id) prints as nothing. */
static void fmt_stack(struct output *o, const struct type *t, uint64_t id,
		      bool user, bool perf, int indent)
{
	uint64_t ips[OUT_STACK_MAX];
	uint32_t pid = user ? (uint32_t)(id >> 32) : 0;
	const char *obj;
	int n = -1, i;

	if (!user && (int64_t)id < 0)
		return;
	if (o->stack_read)
		n = o->stack_read(o->hook_ctx, id, user, t->frames, ips,
				  OUT_STACK_MAX);
	if (n < 0 && !o->stack_read) {
		/* no way to read it (hand-built output): the id itself */
		ob_printf(o, "<stack %" PRId64 ">", (int64_t)id);
		return;
	}
	if (n < 0)
		return;
	ob_putc(o, '\n');
	for (i = 0; i < n; i++) {
		if (!perf) {
			ob_printf(o, "%*s", indent, "");
			fmt_addr(o, ips[i], !user, pid, true, false);
			ob_putc(o, '\n');
			continue;
		}
		ob_printf(o, "\t%" PRIx64 " ", ips[i]);
		fmt_addr(o, ips[i], !user, pid, true, false);
		if (user) {
			obj = o->uobj ? o->uobj(o->hook_ctx, ips[i], pid) : NULL;
			ob_printf(o, " (%s)", obj ? obj : "[unknown]");
		}
		ob_putc(o, '\n');
	}
}

static void fmt_number(struct output *o, const struct type *t, uint64_t v,
		       int indent)
{
	if (t->is_signed)
		ob_printf(o, "%" PRId64, (int64_t)v);
	else
		ob_printf(o, "%" PRIu64, v);
}

static void json_number(struct output *o, const struct type *t, uint64_t v)
{
	fmt_number(o, t, v, 0);
}

static void fmt_char(struct output *o, const struct type *t, uint64_t v,
		     int indent)
{
	ob_putc(o, (char)v);
}

static void fmt_ksym(struct output *o, const struct type *t, uint64_t v,
		     int indent)
{
	fmt_addr(o, v, true, 0, false, false);
}

static void fmt_ksym_name(struct output *o, const struct type *t, uint64_t v,
			  int indent)
{
	fmt_addr(o, v, true, 0, false, true);
}

static void fmt_usym(struct output *o, const struct type *t, uint64_t v,
		     int indent)
{
	fmt_addr(o, v, false, 0, false, false);
}

static void fmt_kstack(struct output *o, const struct type *t, uint64_t v,
		       int indent)
{
	fmt_stack(o, t, v, false, t->fmt == F_KSTACK_PERF, indent);
}

static void fmt_ustack(struct output *o, const struct type *t, uint64_t v,
		       int indent)
{
	fmt_stack(o, t, v, true, t->fmt == F_USTACK_PERF, indent);
}

static void fmt_boottime(struct output *o, const struct type *t, uint64_t v,
			 int indent)
{
	fmt_walltime(o, v);
}

/* strftime(fmt, ns): boot-time ns as the wall-clock time then, in local
 * time, through tz_strftime() (strftime(3)'s conversions with bpftrace's
 * %f, microseconds; not strftime(3) itself, whose tzset() links the scanf
 * engine into a static spry). */
static void fmt_strftime(struct output *o, const struct type *t, uint64_t v,
			 int indent)
{
	int64_t ns = (int64_t)v + o->boot_to_real_ns;
	int64_t sec = ns / 1000000000LL;
	long usec = (long)((ns % 1000000000LL) / 1000);
	const char *f = t->timefmt ? t->timefmt : "";
	char out[1024];
	size_t n;

	if (usec < 0) {
		usec += 1000000;
		sec--;
	}
	/* 0 for an empty result and for one too long, as strftime() says:
	 * the empty format (and no other) prints nothing */
	n = tz_strftime(out, sizeof(out), f, sec, usec);
	if (n || !*f)
		ob_putn(o, out, n);
	else
		ob_printf(o, "%" PRIu64, v);
}

/* strerror(e): strerror(3)'s text for e, as bpftrace hands it over (a
 * negative e is "Unknown error -11") */
static void fmt_strerror(struct output *o, const struct type *t, uint64_t v,
			 int indent)
{
	char buf[128];

	ob_puts(o, strerror_r((int)(int64_t)v, buf, sizeof(buf)));
}

static void fmt_errno(struct output *o, const struct type *t, uint64_t v,
		      int indent)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
	if ((int64_t)v < 0 && (int64_t)v > -4096) {
		const char *name = strerrorname_np((int)-(int64_t)v);

		if (name) {
			ob_printf(o, "-%s", name);
			return;
		}
	}
#endif
	fmt_number(o, t, v, indent);
}

/* An enum's value as its enumerator's name, or as a number when no
 * enumerator has it (printf's %s). */
static void fmt_enum(struct output *o, const struct type *t, uint64_t v)
{
	for (const struct enumerator *e = t->enums; e; e = e->next)
		if ((uint64_t)e->value == v ||
		    (t->size < 8 && ((uint64_t)e->value &
				     ((1ULL << (t->size * 8)) - 1)) == v)) {
			ob_puts(o, e->name);
			return;
		}
	fmt_number(o, t, v, 0);
}

/* ---- bpftrace's memory values ---- */

/* ntop(): {u64 af; u8 addr[16]} as inet_ntop(3) writes it, "::1"
 * compressed; an unknown family prints nothing, as bpftrace's does. */
static void fmt_inet(struct output *o, const struct type *t, const uint8_t *p,
		     int indent)
{
	char buf[INET6_ADDRSTRLEN];
	uint64_t af = rd_u64(p);

	if ((af == AF_INET || af == AF_INET6) &&
	    inet_ntop((int)af, p + 8, buf, sizeof(buf)))
		ob_puts(o, buf);
}

/* macaddr(): six bytes, "18:C0:4D:08:2E:BB" */
static void fmt_macaddr(struct output *o, const struct type *t,
			const uint8_t *p, int indent)
{
	ob_printf(o, "%02X:%02X:%02X:%02X:%02X:%02X", p[0], p[1], p[2], p[3],
		  p[4], p[5]);
}

/* bytes as printf's %r (bpftrace's hex_format_buffer): printable ASCII as
 * it is, other bytes \xNN; %rx every byte \xNN; %rh "NN NN" */
static void fmt_bytes(struct output *o, const uint8_t *p, size_t n, char how)
{
	for (size_t i = 0; i < n; i++) {
		if (how == 'h')
			ob_printf(o, "%s%02x", i ? " " : "", p[i]);
		else if (how == 'x' || p[i] < 32 || p[i] > 126)
			ob_printf(o, "\\x%02x", p[i]);
		else
			ob_putc(o, (char)p[i]);
	}
}

/* buf(): {u64 len; u8 data[n]}, as %r */
static size_t buf_len(const struct type *t, const uint8_t *p)
{
	uint64_t n = rd_u64(p), cap = t->len > 8 ? t->len - 8 : 0;

	return (size_t)(n < cap ? n : cap);
}

static void fmt_buf(struct output *o, const struct type *t, const uint8_t *p,
		    int indent)
{
	fmt_bytes(o, p + 8, buf_len(t, p), 'r');
}

/* usym(): {u64 addr; u64 tgid}, the function's name in that process */
static void fmt_usym_at(struct output *o, const struct type *t,
			const uint8_t *p, int indent)
{
	fmt_addr(o, rd_u64(p), false, (uint32_t)rd_u64(p + 8), false, true);
}

/* How an integer prints, by its type's format (type.h): as text (@indent:
 * a stack's frames, 4 spaces in a map key, 8 in a value), and in JSON
 * (NULL: the text form as a JSON string, as bpftrace quotes symbols,
 * stacks and times).  A new format is an enum type_fmt value and its row
 * here. */
/* How a value prints, by its type's format (type.h): an integer as text
 * (@indent: a stack's frames, 4 spaces in a map key, 8 in a value), and in
 * JSON (NULL: the text form as a JSON string, as bpftrace quotes symbols,
 * stacks and times); a memory value (a u8 array with a format) through
 * `mem`, quoted in JSON.  A new format is an enum type_fmt value and its
 * row here. */
static const struct out_fmt {
	void (*text)(struct output *o, const struct type *t, uint64_t v,
		     int indent);
	void (*json)(struct output *o, const struct type *t, uint64_t v);
	void (*mem)(struct output *o, const struct type *t, const uint8_t *p,
		    int indent);
} out_fmts[] = {
	[F_NONE]	= { fmt_number, json_number, NULL },
	[F_CHAR]	= { fmt_char, NULL, NULL },
	[F_KSYM]	= { fmt_ksym, NULL, NULL },
	[F_USYM]	= { fmt_usym, NULL, NULL },
	[F_KSTACK]	= { fmt_kstack, NULL, NULL },
	[F_USTACK]	= { fmt_ustack, NULL, NULL },
	[F_WALLTIME]	= { fmt_boottime, NULL, NULL },
	[F_DATALOC]	= { fmt_number, json_number, NULL },
	[F_ERRNO]	= { fmt_errno, NULL, NULL },
	[F_KSTACK_PERF]	= { fmt_kstack, NULL, NULL },
	[F_USTACK_PERF]	= { fmt_ustack, NULL, NULL },
	[F_KSYM_NAME]	= { fmt_ksym_name, NULL, NULL },
	[F_STRFTIME]	= { fmt_strftime, NULL, NULL },
	[F_STRERROR]	= { fmt_strerror, NULL, NULL },
	[F_INET]	= { NULL, NULL, fmt_inet },
	[F_MACADDR]	= { NULL, NULL, fmt_macaddr },
	[F_BUF]		= { NULL, NULL, fmt_buf },
	[F_USYM_AT]	= { NULL, NULL, fmt_usym_at },
};

static const struct out_fmt *out_fmt_of(const struct type *t)
{
	if ((unsigned)t->fmt < sizeof(out_fmts) / sizeof(out_fmts[0]) &&
	    out_fmts[t->fmt].text)
		return &out_fmts[t->fmt];
	return &out_fmts[F_NONE];
}

/* The `mem` hook of a formatted memory value, or NULL. */
static const struct out_fmt *out_mem_fmt(const struct type *t)
{
	if (t->kind == T_ARRAY &&
	    (unsigned)t->fmt < sizeof(out_fmts) / sizeof(out_fmts[0]) &&
	    out_fmts[t->fmt].mem)
		return &out_fmts[t->fmt];
	return NULL;
}

static void fmt_int(struct output *o, const struct type *t, uint64_t v,
		    int indent)
{
	out_fmt_of(t)->text(o, t, v, indent);
}

/* The text of @t's value at @p as a JSON string. */
static void json_quoted(struct output *o, const struct type *t, const void *p,
			int indent);

/* The value of type @t at @p as bpftrace's value_to_str() renders it, in
 * text or (@json) as a JSON value; stacks indented by @indent. */
static void fmt_value(struct output *o, const struct type *t, const void *p,
		      bool json, int indent)
{
	const uint8_t *b = p;
	const struct member *mb;
	unsigned i;

	if (!t || t->kind == T_VOID) {
		if (json)
			ob_puts(o, "null");
		return;
	}
	if (json && (type_is_char_array(t) || out_mem_fmt(t))) {
		json_quoted(o, t, p, indent);
		return;
	}
	if (out_mem_fmt(t)) {
		out_mem_fmt(t)->mem(o, t, b, indent);
		return;
	}
	switch (t->kind) {
	case T_VOID:
	case T_FUNC:	/* never a value: sema allows them behind pointers */
		return;
	case T_INT:
		if (!is_scalar(t))
			break;
		if (!json)
			fmt_int(o, t, rd_int(t, p), indent);
		else if (out_fmt_of(t)->json)
			out_fmt_of(t)->json(o, t, rd_int(t, p));
		else
			json_quoted(o, t, p, indent);
		return;
	case T_PTR:
		ob_printf(o, "0x%" PRIx64, rd_int(t, p));
		return;
	case T_ARRAY:
		if (type_is_char_array(t)) {
			ob_putn(o, p, strnlen(p, t->len));
			return;
		}
		if (type_is_byte_array(t) && !json) {
			/* mem(p, n): spry's raw bytes, as hex */
			for (i = 0; i < t->len; i++)
				ob_printf(o, "%s%02x", i ? " " : "", b[i]);
			return;
		}
		if (!t->base || !t->base->size)
			break;
		ob_putc(o, '[');
		for (i = 0; i < t->len; i++) {
			if (i)
				ob_putc(o, ',');
			fmt_value(o, t->base, b + i * t->base->size, json,
				  indent);
		}
		ob_putc(o, ']');
		return;
	case T_STRUCT:
		if (t->fmt == F_TUPLE) {
			/* text (1, a), JSON [1,"a"] */
			ob_putc(o, json ? '[' : '(');
			for (mb = type_members(t); mb; mb = mb->next) {
				if (mb != type_members(t))
					ob_puts(o, json ? "," : ", ");
				fmt_value(o, mb->type, b + mb->off, json,
					  indent);
			}
			ob_putc(o, json ? ']' : ')');
			return;
		}
		/* text { .a = 1, .b = x }, JSON { "a": 1, "b": "x" } */
		ob_puts(o, "{ ");
		for (mb = type_members(t); mb; mb = mb->next) {
			if (mb != type_members(t))
				ob_puts(o, ", ");
			if (json)
				ob_printf(o, "\"%s\": ", mb->name);
			else
				ob_printf(o, ".%s = ", mb->name);
			if (mb->bits)
				fmt_int(o, mb->type, rd_bits(mb, b), indent);
			else
				fmt_value(o, mb->type, b + mb->off, json,
					  indent);
		}
		ob_puts(o, " }");
		return;
	}
	/* odd sizes: raw bytes rather than a guess */
	if (json)
		ob_putc(o, '"');
	for (i = 0; i < t->size; i++)
		ob_printf(o, "%s%02x", i ? " " : "", b[i]);
	if (json)
		ob_putc(o, '"');
}

static void json_quoted(struct output *o, const struct type *t, const void *p,
			int indent)
{
	size_t start = o->len;
	char *s;

	fmt_value(o, t, p, false, indent);
	s = ob_take(o, start);
	out_json_string(o, s, strlen(s));
	free(s);
}

void out_format_value(struct output *o, const struct type *t, const void *p)
{
	fmt_value(o, t, p, false, OUT_VAL_INDENT);
}

char *out_value_text(struct output *o, const struct type *t, const void *p)
{
	size_t start = o->len;

	ob_reserve(o, 0);
	out_format_value(o, t, slot_at(t, p));
	return ob_take(o, start);
}

/* ---- JSON ---- */

/* As bpftrace's json_escape(): the quote, the backslash, \n, \r and \t by
 * name, other control bytes as \u00XX.  Bytes >= 0x80 pass through (the
 * traced program's UTF-8 stays readable). */
void out_json_string(struct output *o, const char *s, size_t n)
{
	size_t i;

	ob_putc(o, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':  ob_puts(o, "\\\""); break;
		case '\\': ob_puts(o, "\\\\"); break;
		case '\n': ob_puts(o, "\\n"); break;
		case '\r': ob_puts(o, "\\r"); break;
		case '\t': ob_puts(o, "\\t"); break;
		default:
			if (c < 0x20)
				ob_printf(o, "\\u%04x", c);
			else
				ob_putc(o, (char)c);
		}
	}
	ob_putc(o, '"');
}

/* ---- printf ---- */

/* One conversion rebuilt for the host's snprintf: "%" + the user's flags
 * that C defines for @conv (@allowed; the others would be undefined
 * behaviour) + width + precision + length modifier @len + @conv.  The caller
 * passes exactly one argument of the C type that spec names. */
static void pf_spec(char *spec, size_t n, const char *flags,
		    const char *allowed, int width, int prec, const char *len,
		    char conv)
{
	size_t k = 0;
	const char *f;

	spec[k++] = '%';
	for (f = flags; *f && k < n - 32; f++)
		if (strchr(allowed, *f) && !memchr(spec + 1, *f, k - 1))
			spec[k++] = *f;
	spec[k] = '\0';
	if (width >= 0)
		k += (size_t)snprintf(spec + k, n - k, "%d", width);
	if (prec >= 0)
		k += (size_t)snprintf(spec + k, n - k, ".%d", prec);
	snprintf(spec + k, n - k, "%s%c", len, conv);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void pf_ll(struct output *o, const char *spec, unsigned long long v,
		  bool sgn)
{
	if (sgn)
		ob_printf(o, spec, (long long)v);
	else
		ob_printf(o, spec, v);
}

static void pf_int(struct output *o, const char *spec, int v)
{
	ob_printf(o, spec, v);
}

static void pf_str(struct output *o, const char *spec, const char *s)
{
	ob_printf(o, spec, s);
}
#pragma GCC diagnostic pop

static int pf_num(const char **pp)
{
	long v = 0;
	const char *p = *pp;

	while (*p >= '0' && *p <= '9') {
		if (v < OUT_MAX_WIDTH)
			v = v * 10 + (*p - '0');
		p++;
	}
	*pp = p;
	return v > OUT_MAX_WIDTH ? OUT_MAX_WIDTH : (int)v;
}

void out_format_printf(struct output *o, const char *fmt,
		       const struct event_arg *args, unsigned nargs,
		       const void *rec, size_t len)
{
	const uint8_t *base = rec;
	const char *p = fmt, *start;
	unsigned argi = 0, bits;
	char spec[64], flags[8], how;
	int width, prec;

	ob_reserve(o, 0);
	o->buf[o->len] = '\0';
	if (!fmt)
		return;
	while (*p) {
		const struct event_arg *a;
		const struct type *t;
		const void *vp;
		size_t nf = 0, vstart;
		char conv;
		char *txt;

		if (*p != '%') {
			start = p;
			while (*p && *p != '%')
				p++;
			ob_putn(o, start, (size_t)(p - start));
			continue;
		}
		start = p++;
		if (*p == '%') {
			ob_putc(o, '%');
			p++;
			continue;
		}
		while (*p && strchr("-+ #0", *p)) {
			if (nf < sizeof(flags) - 1)
				flags[nf++] = *p;
			p++;
		}
		flags[nf] = '\0';
		width = *p >= '0' && *p <= '9' ? pf_num(&p) : -1;
		prec = -1;
		if (*p == '.') {
			p++;
			prec = pf_num(&p);
		}
		/* length modifiers, as C reads its argument: bpftrace hands
		 * its 64-bit values to printf(3), so %d prints the low 32
		 * bits, %hhu the low 8; l, ll, z, j, t: all 64 */
		bits = 32;
		while (*p && strchr("hlzjt", *p)) {
			bits = *p != 'h' ? 64 : bits == 16 ? 8 : 16;
			p++;
		}
		conv = *p;
		if (!conv || !strchr("diuxXocspvr", conv)) {
			/* not a conversion we know: show it as written */
			if (conv)
				p++;
			ob_putn(o, start, (size_t)(p - start));
			continue;
		}
		p++;
		how = 0;
		if (conv == 'r') {
			how = *p == 'x' || *p == 'h' ? *p++ : 'r';
			/* bpftrace hands %r with flags or a width to
			 * printf(3), which prints it as written */
			if (nf || width >= 0 || prec >= 0)
				conv = '?';
		}
		if (argi >= nargs || conv == '?') {
			argi += conv == '?';
			ob_putn(o, start, (size_t)(p - start));
			continue;
		}
		a = &args[argi++];
		t = a->type;
		if (!t || a->off > len || t->size > len - a->off) {
			ob_putn(o, start, (size_t)(p - start));
			continue;
		}
		vp = slot_at(t, base + a->off);

		if (conv == 'r') {
			/* bytes: buf()'s own length, or an array's */
			const uint8_t *bp = vp;
			size_t n = t->size;

			if (t->kind == T_ARRAY && t->fmt == F_BUF) {
				n = buf_len(t, bp);
				bp += 8;
			}
			fmt_bytes(o, bp, n, how);
			continue;
		}
		if (is_scalar(t) && conv != 's' && conv != 'v') {
			uint64_t v = rd_int(t, vp);

			if (bits < 64 && strchr("di", conv))
				v = (uint64_t)(bits == 32 ? (int64_t)(int32_t)v :
					       bits == 16 ? (int64_t)(int16_t)v :
					       (int64_t)(int8_t)v);
			else if (bits < 64 && conv != 'c' && conv != 'p')
				v &= (1ULL << bits) - 1;

			switch (conv) {
			case 'd':
			case 'i':
				pf_spec(spec, sizeof(spec), flags, "-+ 0", width,
					prec, "ll", 'd');
				pf_ll(o, spec, v, true);
				break;
			case 'u':
			case 'x':
			case 'X':
			case 'o':
				pf_spec(spec, sizeof(spec), flags,
					conv == 'u' ? "-0" : "-#0", width, prec,
					"ll", conv);
				pf_ll(o, spec, v, false);
				break;
			case 'c':
				pf_spec(spec, sizeof(spec), flags, "-", width,
					-1, "", 'c');
				pf_int(o, spec, (unsigned char)v);
				break;
			case 'p':
				/* "0x..." rendered here: glibc's %p says
				 * "(nil)" for 0 and takes no precision */
				vstart = o->len;
				ob_printf(o, "0x%" PRIx64, v);
				txt = ob_take(o, vstart);
				pf_spec(spec, sizeof(spec), flags, "-", width,
					-1, "", 's');
				pf_str(o, spec, txt);
				free(txt);
				break;
			}
			continue;
		}

		/* %s, %v, and any mismatch sema let through: the value's
		 * default text, then width/precision/'-' as %s applies them;
		 * an enum's value under %s is its enumerator's name (the
		 * number when it has none) */
		vstart = o->len;
		if (conv == 's' && t->kind == T_INT && t->is_enum)
			fmt_enum(o, t, rd_int(t, vp));
		else
			out_format_value(o, t, vp);
		txt = ob_take(o, vstart);
		pf_spec(spec, sizeof(spec), flags, "-", width,
			conv == 's' ? prec : -1, "", 's');
		pf_str(o, spec, txt);
		free(txt);
	}
}

/* ---- events ---- */

/* In JSON, the text appended since @start becomes the data of a record
 * of @type: {"type": "printf", "data": "text"}; in text it stays. */
static void json_record(struct output *o, size_t start, const char *type)
{
	char *txt;

	if (o->format != OUT_JSON)
		return;
	txt = ob_take(o, start);
	ob_printf(o, "{\"type\": \"%s\", \"data\": ", type);
	out_json_string(o, txt, strlen(txt));
	ob_puts(o, "}\n");
	free(txt);
}

/* time(fmt): now, in local time, as bpftrace's: {"type": "time", ...} */
static void out_time(struct output *o, const char *fmt)
{
	struct timespec ts;
	struct type t = { .kind = T_INT, .size = 8, .align = 8,
			  .fmt = F_STRFTIME, .timefmt = fmt };
	size_t start = o->len;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	fmt_strftime(o, &t, (uint64_t)ts.tv_sec * 1000000000ULL +
		     (uint64_t)ts.tv_nsec, 0);
	json_record(o, start, "time");
}

/* join(): the record's packed strings (layout.h), sep between them, then
 * a newline; JSON {"type": "join", "data": "a b"} */
static void out_join(struct output *o, const struct event *ev, const void *rec,
		     size_t len)
{
	const char *p = (const char *)rec + 16, *end;
	uint64_t n = rd_u64((const uint8_t *)rec + 8);
	size_t start = o->len;

	end = p + (n < len - 16 ? n : len - 16);
	for (; p < end; p += strnlen(p, (size_t)(end - p)) + 1) {
		if (p > (const char *)rec + 16)
			ob_puts(o, ev->fmt);
		ob_putn(o, p, strnlen(p, (size_t)(end - p)));
	}
	if (o->format != OUT_JSON)
		ob_putc(o, '\n');
	json_record(o, start, "join");
}

int out_event(struct output *o, const struct event *ev, const void *rec,
	      size_t len)
{
	unsigned i;

	if (len < ev->size)
		return -EINVAL;
	if (o->text)
		return out_event(out_text(o), ev, rec, len);
	ob_reset(o);
	switch (ev->kind) {
	case EV_PRINTF:
		out_format_printf(o, ev->fmt, ev->args, ev->nargs, rec, len);
		json_record(o, 0, "printf");
		break;
	case EV_PRINT:
		if (o->format == OUT_JSON) {
			ob_puts(o, "{\"type\": \"value\", \"data\": ");
			if (ev->nargs != 1)
				ob_putc(o, '[');
		}
		for (i = 0; i < ev->nargs; i++) {
			const struct event_arg *a = &ev->args[i];

			if (i)
				ob_puts(o, o->format == OUT_JSON ? "," : ", ");
			if (!a->type || a->off > len || a->type->size > len - a->off)
				continue;
			fmt_value(o, a->type,
				  slot_at(a->type, (const uint8_t *)rec + a->off),
				  o->format == OUT_JSON, OUT_VAL_INDENT);
		}
		if (o->format == OUT_JSON)
			ob_puts(o, ev->nargs != 1 ? "]}\n" : "}\n");
		else
			ob_putc(o, '\n');
		break;
	case EV_TIME:
		out_time(o, ev->fmt);
		break;
	case EV_JOIN:
		out_join(o, ev, rec, len);
		break;
	default:
		return 0;
	}
	if (ev->by_cpu && o->format != OUT_JSON)
		ob_write_line(o, event_word_cpu(rec));
	else
		ob_write(o);
	return 0;
}

char *out_event_text(struct output *o, const struct event *ev,
		     const void *rec, size_t len)
{
	ob_reset(o);
	out_format_printf(o, ev->fmt, ev->args, ev->nargs, rec, len);
	return ob_take(o, 0);
}

void out_raw(struct output *o, const char *type, const char *s, size_t n)
{
	ob_reset(o);
	ob_putn(o, s, n);
	json_record(o, 0, type);
	ob_write(o);
}

void out_attached(struct output *o, unsigned nprobes)
{
	o = out_text(o);
	ob_reset(o);
	if (o->format == OUT_JSON)
		ob_printf(o, "{\"type\": \"attached_probes\", \"data\": "
			  "{\"probes\": %u}}\n", nprobes);
	else
		ob_printf(o, "Attaching %u probe%s...\n", nprobes,
			  nprobes == 1 ? "" : "s");
	ob_write(o);
}

void out_maps_start(struct output *o)
{
	/* (a picture's stream holds the picture alone) */
	o = out_text(o);
	/* bpftrace writes these two newlines before the maps at exit, in
	 * text and JSON alike, maps or not */
	ob_reset(o);
	ob_puts(o, "\n\n");
	ob_write(o);
}

void out_lost(struct output *o, unsigned long long n)
{
	o = out_text(o);
	if (o->format != OUT_JSON)
		return;
	ob_reset(o);
	ob_printf(o, "{\"type\": \"lost_events\", \"data\": {\"events\": %llu}}\n",
		  n);
	ob_write(o);
}

void out_helper_error(struct output *o, const char *helper, int64_t ret,
		      unsigned line, unsigned col)
{
	ob_reset(o);
	ob_printf(o, "{\"type\": \"helper_error\", \"helper\": ");
	out_json_string(o, helper, strlen(helper));
	ob_printf(o, ", \"retcode\": %" PRId64 ", \"line\": %u, "
		  "\"col\": %u}\n", ret, line, col);
	ob_write(o);
}

/* ---- maps ----
 *
 * The shapes and orders are bpftrace's print_map(): rows sorted by value for
 * integer values (count, sum, min, max, plain ints), else by key; histograms
 * by their total count; avg and stats by the average.  Where bpftrace's
 * order is unspecified (equal values: its sort is not stable over a hash
 * walk) spry's is fixed: by key, as bpftrace orders keys, then by key bytes.
 */

static bool map_is_hist(const struct map *m)
{
	return m->kind == MAP_HIST || m->kind == MAP_LHIST ||
	       m->kind == MAP_QUANTIZE;
}

static bool map_is_stats(const struct map *m)
{
	return m->kind == MAP_AVG || m->kind == MAP_STATS;
}

/* The value type a row prints with. */
static const struct type *map_val_type(const struct map *m)
{
	static const struct type u64 = { .kind = T_INT, .size = 8, .align = 8 };
	static const struct type s64 = { .kind = T_INT, .size = 8, .align = 8,
					 .is_signed = true };

	switch (m->kind) {
	case MAP_COUNT:
		return &u64;
	case MAP_MIN:
	case MAP_MAX:
		return &s64;
	case MAP_SUM:
		return m->val && is_scalar(m->val) ? m->val : &s64;
	default:
		return m->val ? m->val : &u64;
	}
}

unsigned out_key_off(const struct map *m, unsigned i)
{
	unsigned k, off = 0;

	if (m->key_off)
		return m->key_off[i];
	for (k = 0; k < i; k++)
		off += (m->keys[k]->size + 7) & ~7u;
	return off;
}

/* The user keys' bytes: hist and stats keys end in their bucket. */
static unsigned user_key_size(const struct out_map_data *md)
{
	if ((map_is_hist(md->m)) && md->key_size >= 8)
		return md->key_size - 8;
	return md->key_size;
}

/* "@name[k1, k2]" in text; in JSON the keys ","-joined as one string, or
 * nothing for a keyless map. */
static void fmt_map_key(struct output *o, const struct map *m,
			const void *key, bool json)
{
	size_t start = o->len;
	unsigned i;
	char *s;

	if (!json)
		ob_puts(o, m->name);
	if (!m->nkeys)
		return;
	if (!json)
		ob_putc(o, '[');
	for (i = 0; i < m->nkeys; i++) {
		if (i)
			ob_puts(o, json ? "," : ", ");
		fmt_value(o, m->keys[i], slot_at(m->keys[i], (const uint8_t *)key +
						 out_key_off(m, i)),
			  false, OUT_KEY_INDENT);
	}
	if (!json) {
		ob_putc(o, ']');
		return;
	}
	s = ob_take(o, start);
	out_json_string(o, s, strlen(s));
	free(s);
}

/* One aggregated entry: a row, a histogram or a stats pair. */
struct entry {
	const uint8_t *key;	/* md->keys row */
	const uint8_t *val;	/* md->vals row (rows only) */
	uint64_t *buckets;	/* histograms: counts by bucket index */
	unsigned nbuckets;
	int64_t count, total;	/* stats; histograms: total in count */
	int64_t sortval;	/* rows sorted by value */
};

struct sort_ctx {
	const struct out_map_data *md;
	unsigned ukey;		/* bytes of user key */
	enum { BY_VALUE_S, BY_VALUE_U, BY_KEY } by;
};

/* bpftrace's sort_by_key(): integers as unsigned, strings by strcmp, other
 * keys not at all (0 here; key bytes decide later). */
static int cmp_by_key(const struct map *m, const uint8_t *a, const uint8_t *b)
{
	unsigned i;

	for (i = 0; i < m->nkeys; i++) {
		const struct type *t = m->keys[i];
		unsigned off = out_key_off(m, i);

		if (t->kind == T_INT && !t->fmt && is_scalar(t)) {
			uint64_t x = rd_int(t, slot_at(t, a + off));
			uint64_t y = rd_int(t, slot_at(t, b + off));

			if (x != y)
				return x < y ? -1 : 1;
		} else if (type_is_char_array(t)) {
			int r = strncmp((const char *)a + off,
					(const char *)b + off, t->len);

			if (r)
				return r < 0 ? -1 : 1;
		}
	}
	return 0;
}

static int cmp_entries(const void *pa, const void *pb, void *arg)
{
	const struct sort_ctx *c = arg;
	const struct entry *a = pa, *b = pb;
	int r;

	switch (c->by) {
	case BY_VALUE_S:
		if (a->sortval != b->sortval)
			return a->sortval < b->sortval ? -1 : 1;
		break;
	case BY_VALUE_U:
		if ((uint64_t)a->sortval != (uint64_t)b->sortval)
			return (uint64_t)a->sortval < (uint64_t)b->sortval ? -1 : 1;
		break;
	case BY_KEY:
		break;
	}
	r = cmp_by_key(c->md->m, a->key, b->key);
	if (r)
		return r;
	return memcmp(a->key, b->key, c->ukey);
}

/* The user keys (the bytes before the bucket) of rows @a and @b. */
static int user_key_cmp(const struct sort_ctx *c, unsigned a, unsigned b)
{
	const uint8_t *keys = c->md->keys;

	return memcmp(keys + (size_t)a * c->md->key_size,
		      keys + (size_t)b * c->md->key_size, c->ukey);
}

static int cmp_user_keys(const void *pa, const void *pb, void *arg)
{
	unsigned a = *(const unsigned *)pa, b = *(const unsigned *)pb;
	int r = user_key_cmp(arg, a, b);

	return r ? r : a < b ? -1 : a > b;
}

/* Histograms are keyed by user key + bucket: gather each user key's
 * buckets into one entry, in @e.  Rows sorted by user key make each
 * entry's rows a run, so this is n log n whatever the map; @counts is
 * allocated here, nbuckets per entry (free it). */
static unsigned gather(const struct sort_ctx *c, struct entry *e,
		       uint64_t **counts, unsigned nbuckets)
{
	const struct out_map_data *md = c->md;
	unsigned *idx = calloc(md->n + 1, sizeof(*idx));
	unsigned i, ng = 0;

	if (!idx)
		abort();
	for (i = 0; i < md->n; i++)
		idx[i] = i;
	qsort_r(idx, md->n, sizeof(*idx), cmp_user_keys, (void *)c);
	for (i = 0; i < md->n; i++)
		if (!i || user_key_cmp(c, idx[i - 1], idx[i]))
			ng++;
	*counts = calloc((size_t)(ng + 1) * nbuckets, sizeof(**counts));
	if (!*counts)
		abort();
	ng = 0;
	for (i = 0; i < md->n; i++) {
		const uint8_t *k = (const uint8_t *)md->keys +
				   (size_t)idx[i] * md->key_size;
		const uint8_t *v = (const uint8_t *)md->vals +
				   (size_t)idx[i] * md->val_size;
		uint64_t bucket = rd_u64(k + c->ukey);
		struct entry *g;

		if (!ng || memcmp(e[ng - 1].key, k, c->ukey)) {
			g = &e[ng];
			memset(g, 0, sizeof(*g));
			g->key = k;
			g->buckets = *counts + (size_t)ng * nbuckets;
			g->nbuckets = nbuckets;
			ng++;
		}
		g = &e[ng - 1];
		if (bucket < nbuckets) {
			g->buckets[bucket] += rd_u64(v);
			g->count += (int64_t)rd_u64(v);
		}
	}
	free(idx);
	return ng;
}

/* bpftrace's hist_index_label(): 2^power as "512", "1K", "16M", "2T". */
static void hist_label(char *buf, size_t n, int power)
{
	static const char suffix[] = "\0KMGT";
	int s = power >= 40 ? 4 : power / 10;

	power -= s * 10;
	if (s)
		snprintf(buf, n, "%d%c", 1 << power, suffix[s]);
	else
		snprintf(buf, n, "%d", 1 << power);
}

/* bpftrace's lhist_index_label(): "0", "3M", "2K", "150". */
static void lhist_label(char *buf, size_t n, long v)
{
	if (v == 0)
		snprintf(buf, n, "0");
	else if (v % 1048576 == 0)
		snprintf(buf, n, "%ldM", v / 1048576);
	else if (v % 1024 == 0)
		snprintf(buf, n, "%ldK", v / 1024);
	else
		snprintf(buf, n, "%ld", v);
}

const char *out_hist_label(const struct map *m, unsigned i, char *buf,
			   size_t n)
{
	char a[32], b[32];

	if (m->kind == MAP_LHIST) {
		long min = (long)m->lhist_min, step = (long)m->lhist_step;
		long nb = step > 0 ? ((long)m->lhist_max - min) / step : 0;

		if (i == 0) {
			lhist_label(a, sizeof(a), min);
			snprintf(buf, n, "(..., %s)", a);
		} else if ((long)i == nb + 1) {
			lhist_label(a, sizeof(a), (long)m->lhist_max);
			snprintf(buf, n, "[%s, ...)", a);
		} else {
			lhist_label(a, sizeof(a), (long)(i - 1) * step + min);
			lhist_label(b, sizeof(b), (long)i * step + min);
			snprintf(buf, n, "[%s, %s)", a, b);
		}
		return buf;
	}
	if (i == 0) {
		snprintf(buf, n, "(..., 0)");
	} else if (i == 1) {
		snprintf(buf, n, "[0]");
	} else if (i == 2) {
		snprintf(buf, n, "[1]");
	} else {
		hist_label(a, sizeof(a), (int)i - 2);
		hist_label(b, sizeof(b), (int)i - 1);
		snprintf(buf, n, "[%s, %s)", a, b);
	}
	return buf;
}

/* The buckets worth printing: from the first to the last non-empty one
 * (bpftrace: hist_prepare, lhist_prepare); false when all are empty. */
static bool hist_range(const struct entry *e, unsigned *lo, unsigned *hi,
		       uint64_t *max)
{
	unsigned i;
	bool any = false;

	*max = 0;
	for (i = 0; i < e->nbuckets; i++) {
		if (!e->buckets[i])
			continue;
		if (!any)
			*lo = i;
		*hi = i;
		any = true;
		if (e->buckets[i] > *max)
			*max = e->buckets[i];
	}
	return any;
}

static void hist_text(struct output *o, const struct map *m,
		      const struct entry *e, uint64_t div)
{
	static const char bar[] =
		"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@";
	unsigned lo = 0, hi = 0, i;
	uint64_t max;
	char label[64];

	if (!hist_range(e, &lo, &hi, &max))
		return;
	for (i = lo; i <= hi; i++) {
		uint64_t v = e->buckets[i];
		/* bpftrace computes the bar in single-precision float and
		 * truncates: the same arithmetic gives the same widths */
		int w = (int)((float)v / (float)max * (float)OUT_HIST_WIDTH);

		if (w < 0 || w > OUT_HIST_WIDTH)
			w = OUT_HIST_WIDTH;
		out_hist_label(m, i, label, sizeof(label));
		/* lhist counts are never divided (bpftrace ignores div) */
		ob_printf(o, "%-16s%8" PRIu64 " |%-52.*s|\n", label,
			  m->kind == MAP_LHIST ? v : v / div, w, bar);
	}
}

static void hist_json(struct output *o, const struct map *m,
		      const struct entry *e, uint64_t div)
{
	unsigned lo = 0, hi = 0, i;
	uint64_t max;

	ob_putc(o, '[');
	if (!hist_range(e, &lo, &hi, &max)) {
		ob_putc(o, ']');
		return;
	}
	for (i = lo; i <= hi; i++) {
		if (i > lo)
			ob_puts(o, ", ");
		ob_putc(o, '{');
		if (m->kind == MAP_LHIST) {
			long min = (long)m->lhist_min, step = (long)m->lhist_step;
			long nb = step > 0 ? ((long)m->lhist_max - min) / step : 0;

			if (i == 0)
				ob_printf(o, "\"max\": %ld, ", min - 1);
			else if ((long)i == nb + 1)
				ob_printf(o, "\"min\": %ld, ", (long)m->lhist_max);
			else
				ob_printf(o, "\"min\": %ld, \"max\": %ld, ",
					  (long)(i - 1) * step + min,
					  (long)i * step + min - 1);
			ob_printf(o, "\"count\": %" PRIu64 "}", e->buckets[i]);
			continue;
		}
		if (i == 0)
			ob_puts(o, "\"max\": -1, ");
		else if (i == 1)
			ob_puts(o, "\"min\": 0, \"max\": 0, ");
		else if (i == 2)
			ob_puts(o, "\"min\": 1, \"max\": 1, ");
		else
			ob_printf(o, "\"min\": %" PRId64 ", \"max\": %" PRId64
				  ", ", (int64_t)(1ULL << (i - 2)),
				  (int64_t)((1ULL << (i - 1)) - 1));
		ob_printf(o, "\"count\": %" PRIu64 "}", e->buckets[i] / div);
	}
	ob_putc(o, ']');
}

static bool is_plain_int(const struct type *t)
{
	return t->kind == T_INT && !t->fmt && is_scalar(t);
}

/* A value (or a tuple's element) at @p: a plain integer divided by @div,
 * as bpftrace's print(@m, top, div) does, a tuple element by element
 * (bpftrace divides each of its integers too), anything else as is. */
static void div_value(struct output *o, const struct type *t,
		      const uint8_t *p, uint64_t div, bool json)
{
	const struct member *mb;

	if (is_plain_int(t)) {
		uint64_t v = rd_int(t, p);

		if (t->is_signed)
			ob_printf(o, "%" PRId64, (int64_t)v / (int64_t)div);
		else
			ob_printf(o, "%" PRIu64, v / div);
		return;
	}
	if (t->kind == T_STRUCT && t->fmt == F_TUPLE && div > 1) {
		ob_putc(o, json ? '[' : '(');
		for (mb = type_members(t); mb; mb = mb->next) {
			if (mb != type_members(t))
				ob_puts(o, json ? "," : ", ");
			div_value(o, mb->type, p + mb->off, div, json);
		}
		ob_putc(o, json ? ']' : ')');
		return;
	}
	fmt_value(o, t, p, json, OUT_VAL_INDENT);
}

/* The sum of a tuple's integer elements (0 without any), by which
 * print(@m, top, div) with a top or div not 0 ranks rows of tuples (the
 * busiest last, tcptop's RX + TX): spry's; bpftrace keeps its key order,
 * as print(@m) and the exit's print do here.  *@is_signed: whether any of
 * them is signed. */
static int64_t tuple_sum(const struct type *t, const uint8_t *p,
			 bool *is_signed)
{
	const struct member *mb;
	uint64_t sum = 0;

	for (mb = type_members(t); mb; mb = mb->next) {
		if (!is_plain_int(mb->type) || mb->bits)
			continue;
		sum += rd_int(mb->type, p + mb->off);
		*is_signed |= mb->type->is_signed;
	}
	return (int64_t)sum;
}

/* The value of a row: integers divided by @div, as bpftrace's print(@m,
 * top, div) does (an int in its 8-byte slot). */
static void row_value(struct output *o, const struct type *vt,
		      const struct entry *e, uint64_t div, bool json)
{
	div_value(o, vt, slot_at(vt, e->val), div, json);
}

static void stats_value(struct output *o, const struct map *m,
			const struct entry *e, uint64_t div, bool json)
{
	int64_t avg = e->count ? e->total / e->count : 0;

	if (m->kind == MAP_AVG)
		ob_printf(o, "%" PRId64, avg / (int64_t)div);
	else if (json)
		ob_printf(o, "{\"count\": %" PRId64 ", \"average\": %" PRId64
			  ", \"total\": %" PRId64 "}", e->count, avg, e->total);
	else
		ob_printf(o, "count %" PRId64 ", average %" PRId64
			  ", total %" PRId64, e->count, avg, e->total);
}

static void map_text(struct output *o, const struct out_map_data *md,
		     uint64_t top, uint64_t div)
{
	const struct map *m = md->m;
	const struct type *vt = map_val_type(m);
	bool json = o->format == OUT_JSON, hist = map_is_hist(m);
	bool stats = map_is_stats(m);
	unsigned nbuckets = 0, ne, i, first = 0;
	struct entry *e = calloc(md->n + 1, sizeof(*e));
	uint64_t *counts = NULL;
	struct sort_ctx c = { .md = md, .ukey = user_key_size(md),
			      .by = BY_KEY };
	const char *delim = "\n";
	/* print(@m, top, div) ranks tuples: spry's (see tuple_sum()) */
	bool rank_tuples = top || div;

	if (!e)
		abort();
	if (!div)
		div = 1;
	if (hist) {
		nbuckets = m->kind == MAP_LHIST ? out_lhist_buckets(m) + 2 :
			   OUT_HIST_BUCKETS;
		ne = gather(&c, e, &counts, nbuckets);
		for (i = 0; i < ne; i++)
			e[i].sortval = e[i].count;
		c.by = BY_VALUE_U;
	} else {
		for (i = 0; i < md->n; i++) {
			e[i].key = (const uint8_t *)md->keys +
				   (size_t)i * md->key_size;
			e[i].val = (const uint8_t *)md->vals +
				   (size_t)i * md->val_size;
			if (stats) {
				e[i].count = (int64_t)rd_u64(e[i].val);
				e[i].total = md->val_size >= 16 ?
					     (int64_t)rd_u64(e[i].val + 8) : 0;
				e[i].sortval = e[i].count ?
					       e[i].total / e[i].count : 0;
				c.by = BY_VALUE_S;
			} else if (vt->kind == T_INT && !vt->fmt &&
				   is_scalar(vt)) {
				e[i].sortval = (int64_t)rd_int(vt,
						slot_at(vt, e[i].val));
				c.by = vt->is_signed ? BY_VALUE_S : BY_VALUE_U;
			} else if (rank_tuples && vt->kind == T_STRUCT &&
				   vt->fmt == F_TUPLE) {
				bool sgn = false;

				e[i].sortval = tuple_sum(vt, e[i].val, &sgn);
				c.by = sgn ? BY_VALUE_S : BY_VALUE_U;
			}
		}
		ne = md->n;
		/* bpftrace joins rows of these with nothing: each ends its
		 * own line (stacks) or runs into the next (ksym, usym,
		 * ntop's inet) */
		if (type_is_stack(vt) || vt->fmt == F_KSYM ||
		    vt->fmt == F_USYM || vt->fmt == F_KSYM_NAME ||
		    vt->fmt == F_USYM_AT || vt->fmt == F_INET)
			delim = "";
	}
	qsort_r(e, ne, sizeof(*e), cmp_entries, &c);
	/* top: only the last (largest) entries; stats maps ignore it, as
	 * bpftrace's do */
	if (top && ne > top && m->kind != MAP_STATS)
		first = ne - (unsigned)top;

	ob_reset(o);
	if (json) {
		if (!ne)
			goto out;	/* bpftrace prints no record */
		ob_printf(o, "{\"type\": \"%s\", \"data\": {",
			  hist ? "hist" : stats ? "stats" : "map");
		out_json_string(o, m->name, strlen(m->name));
		ob_puts(o, ": ");
		if (m->nkeys)
			ob_putc(o, '{');
		for (i = first; i < ne; i++) {
			if (i > first)
				ob_puts(o, ", ");
			if (m->nkeys) {
				fmt_map_key(o, m, e[i].key, true);
				ob_puts(o, ": ");
			}
			if (hist)
				hist_json(o, m, &e[i], div);
			else if (stats)
				stats_value(o, m, &e[i], div, true);
			else
				row_value(o, vt, &e[i], div, true);
		}
		if (m->nkeys)
			ob_putc(o, '}');
		ob_puts(o, "}}\n");
		goto out;
	}
	for (i = first; i < ne; i++) {
		if (i > first)
			ob_puts(o, delim);
		fmt_map_key(o, m, e[i].key, false);
		ob_puts(o, ": ");
		if (hist) {
			ob_putc(o, '\n');
			hist_text(o, m, &e[i], div);
		} else if (stats) {
			stats_value(o, m, &e[i], div, false);
		} else {
			row_value(o, vt, &e[i], div, false);
		}
	}
	/* bpftrace ends every map with a newline, empty ones too, and a
	 * stats map with a blank line */
	ob_puts(o, stats ? "\n\n" : "\n");
out:
	ob_write(o);
	free(counts);
	free(e);
}

unsigned out_lhist_buckets(const struct map *m)
{
	if (m->lhist_step <= 0 || m->lhist_max <= m->lhist_min)
		return 0;
	return (unsigned)((m->lhist_max - m->lhist_min) / m->lhist_step);
}

void out_map(struct output *o, const struct out_map_data *md, uint64_t top,
	     uint64_t div)
{
	if (o->pics && pic_map(o->pics, md)) {
		if (o->unbuffered)
			fflush(o->f);
		return;
	}
	map_text(out_text(o), md, top, div);
}

void out_clear(struct output *o, const struct map *m)
{
	if (o->pics)
		pic_clear(o->pics, m);
}

void out_exit(struct output *o)
{
	out_lines_flush(o);
	o->at_exit = true;
}

int out_finish(struct output *o)
{
	int err = o->pics ? pic_finish(o->pics) : 0;

	out_flush(o);
	return err;
}
