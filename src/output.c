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

static void ob_write(struct output *o)
{
	if (o->len)
		fwrite(o->buf, 1, o->len, o->f);
	o->len = 0;
	if (o->buf)
		o->buf[0] = '\0';
	if (o->unbuffered)
		fflush(o->f);
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

void out_flush(struct output *o)
{
	if (o->text)
		out_flush(o->text);
	if (o->f)
		fflush(o->f);
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

/* An integer or pointer of @t's size at @p, extended to 64 bits by its
 * signedness.  Records and maps keep ints in 8-byte slots, but reading only
 * the type's own size (little endian) is right for narrower slots too. */
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
 * signedness (bits counted from the least significant, little endian). */
static uint64_t rd_bits(const struct member *mb, const uint8_t *rec)
{
	unsigned nbytes = (mb->bit_off + mb->bits + 7) / 8, i;
	unsigned __int128 w = 0;
	uint64_t v;

	for (i = 0; i < nbytes && i < 16; i++)
		w |= (unsigned __int128)rec[mb->off + i] << (8 * i);
	v = (uint64_t)(w >> mb->bit_off);
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

static void fmt_walltime(struct output *o, uint64_t boot_ns)
{
	int64_t ns = (int64_t)boot_ns + o->boot_to_real_ns;
	time_t sec = (time_t)(ns / 1000000000LL);
	long usec = (long)((ns % 1000000000LL) / 1000);
	struct tm tm;
	char buf[64];

	if (usec < 0) {
		usec += 1000000;
		sec--;
	}
	if (!localtime_r(&sec, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm)) {
		ob_printf(o, "%" PRIu64, boot_ns);
		return;
	}
	ob_printf(o, "%s.%06ld", buf, usec);
}

/* An address as bpftrace names it: "vfs_read" (@offset false: ksym(),
 * usym(), caller at a function's entry), "vfs_read+37" (stack frames:
 * the offset in decimal), or "0xffffffff81234567" when no symbol holds it. */
static void fmt_addr(struct output *o, uint64_t addr, bool kernel,
		     uint32_t pid, bool offset)
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
	if (offset)
		ob_printf(o, "+%" PRIu64, off);
	else if (off)
		/* spry's caller on a probe inside a function (kprobe:f+5)
		 * keeps the offset; bpftrace has no such value */
		ob_printf(o, "+0x%" PRIx64, off);
}

int out_stack_frames(struct output *o, uint64_t v, bool user, uint64_t *ips,
		     char (*names)[OUT_SYM_MAX])
{
	uint32_t pid = user ? (uint32_t)(v >> 32) : 0;
	uint64_t off;
	int n = 0, i;

	/* a negative id is bpf_get_stackid()'s error: no stack was taken (a
	 * user stack keeps it in its low half, the tgid above) */
	if (user ? (int32_t)(uint32_t)v < 0 : (int64_t)v < 0)
		return -1;
	if (o->stack_read)
		n = o->stack_read(o->hook_ctx, v, user, ips, OUT_STACK_MAX);
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

/* A stack as bpftrace prints it: a newline, then each frame on its own line
 * indented by @indent spaces ("\n        vfs_read+37\n        ...\n"); a
 * stack that is gone (or that bpf_get_stackid() could not take: a negative
 * id) prints as nothing. */
static void fmt_stack(struct output *o, uint64_t id, bool user, int indent)
{
	uint64_t ips[OUT_STACK_MAX];
	int n = -1, i;

	if (!user && (int64_t)id < 0)
		return;
	if (o->stack_read)
		n = o->stack_read(o->hook_ctx, id, user, ips, OUT_STACK_MAX);
	if (n < 0 && !o->stack_read) {
		/* no way to read it (hand-built output): the id itself */
		ob_printf(o, "<stack %" PRId64 ">", (int64_t)id);
		return;
	}
	if (n < 0)
		return;
	ob_putc(o, '\n');
	for (i = 0; i < n; i++) {
		ob_printf(o, "%*s", indent, "");
		fmt_addr(o, ips[i], !user, user ? (uint32_t)(id >> 32) : 0,
			 true);
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
	fmt_addr(o, v, true, 0, false);
}

static void fmt_usym(struct output *o, const struct type *t, uint64_t v,
		     int indent)
{
	fmt_addr(o, v, false, 0, false);
}

static void fmt_kstack(struct output *o, const struct type *t, uint64_t v,
		       int indent)
{
	fmt_stack(o, v, false, indent);
}

static void fmt_ustack(struct output *o, const struct type *t, uint64_t v,
		       int indent)
{
	fmt_stack(o, v, true, indent);
}

static void fmt_boottime(struct output *o, const struct type *t, uint64_t v,
			 int indent)
{
	fmt_walltime(o, v);
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

/* How an integer prints, by its type's format (type.h): as text (@indent:
 * a stack's frames, 4 spaces in a map key, 8 in a value), and in JSON
 * (NULL: the text form as a JSON string, as bpftrace quotes symbols,
 * stacks and times).  A new format is an enum type_fmt value and its row
 * here. */
static const struct out_fmt {
	void (*text)(struct output *o, const struct type *t, uint64_t v,
		     int indent);
	void (*json)(struct output *o, const struct type *t, uint64_t v);
} out_fmts[] = {
	[F_NONE]	= { fmt_number, json_number },
	[F_CHAR]	= { fmt_char, NULL },
	[F_KSYM]	= { fmt_ksym, NULL },
	[F_USYM]	= { fmt_usym, NULL },
	[F_KSTACK]	= { fmt_kstack, NULL },
	[F_USTACK]	= { fmt_ustack, NULL },
	[F_WALLTIME]	= { fmt_boottime, NULL },
	[F_DATALOC]	= { fmt_number, json_number },
	[F_ERRNO]	= { fmt_errno, NULL },
};

static const struct out_fmt *out_fmt_of(const struct type *t)
{
	if ((unsigned)t->fmt < sizeof(out_fmts) / sizeof(out_fmts[0]) &&
	    out_fmts[t->fmt].text)
		return &out_fmts[t->fmt];
	return &out_fmts[F_NONE];
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
	if (json && type_is_char_array(t)) {
		json_quoted(o, t, p, indent);
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
	out_format_value(o, t, p);
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
	unsigned argi = 0;
	char spec[64], flags[8];
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
		/* length modifiers: accepted, ignored (values are 64-bit) */
		while (*p == 'l' || *p == 'h' || *p == 'z')
			p++;
		conv = *p;
		if (!conv || !strchr("diuxXocspv", conv)) {
			/* not a conversion we know: show it as written */
			if (conv)
				p++;
			ob_putn(o, start, (size_t)(p - start));
			continue;
		}
		p++;
		if (argi >= nargs) {
			ob_putn(o, start, (size_t)(p - start));
			continue;
		}
		a = &args[argi++];
		t = a->type;
		if (!t || a->off > len || t->size > len - a->off) {
			ob_putn(o, start, (size_t)(p - start));
			continue;
		}
		vp = base + a->off;

		if (is_scalar(t) && conv != 's' && conv != 'v') {
			uint64_t v = rd_int(t, vp);

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
		 * default text, then width/precision/'-' as %s applies them */
		vstart = o->len;
		out_format_value(o, t, vp);
		txt = ob_take(o, vstart);
		pf_spec(spec, sizeof(spec), flags, "-", width,
			conv == 's' ? prec : -1, "", 's');
		pf_str(o, spec, txt);
		free(txt);
	}
}

/* ---- events ---- */

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
		if (o->format == OUT_JSON) {
			char *s = ob_take(o, 0);

			ob_puts(o, "{\"type\": \"printf\", \"data\": ");
			out_json_string(o, s, strlen(s));
			ob_puts(o, "}\n");
			free(s);
		}
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
			fmt_value(o, a->type, (const uint8_t *)rec + a->off,
				  o->format == OUT_JSON, OUT_VAL_INDENT);
		}
		if (o->format == OUT_JSON)
			ob_puts(o, ev->nargs != 1 ? "]}\n" : "}\n");
		else
			ob_putc(o, '\n');
		break;
	default:
		return 0;
	}
	ob_write(o);
	return 0;
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
		fmt_value(o, m->keys[i], (const uint8_t *)key + out_key_off(m, i),
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
			uint64_t x = rd_int(t, a + off), y = rd_int(t, b + off);

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

/* The value of a row: integers divided by @div, as bpftrace's print(@m,
 * top, div) does. */
static void row_value(struct output *o, const struct map *m,
		      const struct type *vt, const struct entry *e,
		      uint64_t div, bool json)
{
	if (is_scalar(vt) && vt->kind == T_INT && !vt->fmt) {
		uint64_t v = rd_int(vt, e->val);

		if (vt->is_signed)
			ob_printf(o, "%" PRId64, (int64_t)v / (int64_t)div);
		else
			ob_printf(o, "%" PRIu64, v / div);
		return;
	}
	(void)m;
	fmt_value(o, vt, e->val, json, OUT_VAL_INDENT);
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
				e[i].sortval = (int64_t)rd_int(vt, e[i].val);
				c.by = vt->is_signed ? BY_VALUE_S : BY_VALUE_U;
			}
		}
		ne = md->n;
		/* bpftrace joins rows of these with nothing: each ends its
		 * own line or (ksym, usym) runs into the next */
		if (vt->kind == T_INT && (vt->fmt == F_KSTACK ||
		    vt->fmt == F_USTACK || vt->fmt == F_KSYM ||
		    vt->fmt == F_USYM))
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
				row_value(o, m, vt, &e[i], div, true);
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
			row_value(o, m, vt, &e[i], div, false);
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
	o->at_exit = true;
}

int out_finish(struct output *o)
{
	int err = o->pics ? pic_finish(o->pics) : 0;

	out_flush(o);
	return err;
}
