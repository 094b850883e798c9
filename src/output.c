/* output.c - rendering events and maps as text or JSON.
 *
 * Input: event records exactly as a program wrote them ({u64 id, args at
 * their offsets}), described by struct event; map contents the runtime read
 * into memory (struct out_map_data).  Output: text or NDJSON on o->f, in the
 * shapes documented in output.h; the picture formats hand their maps to
 * picture.c and print the rest as text (on stderr for folded and svg).
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

#include "graph.h"
#include "output.h"
#include "picture.h"
#include "script.h"
#include "type.h"

#define OUT_HIST_WIDTH	52	/* bar width, as bpftrace */
#define OUT_HIST_BUCKETS 65	/* 0 for x < 1, then 1..64 */
#define OUT_MAX_WIDTH	4096	/* clamp absurd printf widths/precisions */

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

static void fmt_addr(struct output *o, uint64_t addr, bool kernel,
		     uint32_t pid)
{
	char buf[256];

	if (kernel && o->ksym && o->ksym(o->hook_ctx, addr, buf, sizeof(buf))) {
		ob_puts(o, buf);
		return;
	}
	/* user addresses: usym hook (added by the uprobe provider) */
	if (!kernel && o->usym &&
	    o->usym(o->hook_ctx, addr, pid, buf, sizeof(buf))) {
		ob_puts(o, buf);
		return;
	}
	ob_printf(o, "0x%" PRIx64, addr);
}

int out_stack_frames(struct output *o, uint64_t v, bool user, uint64_t *ips,
		     char (*names)[OUT_SYM_MAX])
{
	uint32_t pid = user ? (uint32_t)(v >> 32) : 0;
	int n = 0, i;

	/* a negative id is bpf_get_stackid()'s error: no stack was taken (a
	 * user stack keeps it in its low half, the tgid above) */
	if (user ? (int32_t)(uint32_t)v < 0 : (int64_t)v < 0)
		return -1;
	if (o->stack_read)
		n = o->stack_read(o->hook_ctx, v, user, ips, OUT_STACK_MAX);
	for (i = 0; i < n; i++) {
		const char *s = NULL;

		if (!user && o->ksym)
			s = o->ksym(o->hook_ctx, ips[i], names[i], OUT_SYM_MAX);
		if (user && o->usym)
			s = o->usym(o->hook_ctx, ips[i], pid, names[i],
				    OUT_SYM_MAX);
		if (!s)
			names[i][0] = '\0';
		else if (s != names[i])
			snprintf(names[i], OUT_SYM_MAX, "%s", s);
	}
	return n > 0 ? n : 0;
}

/* A stack: each frame on its own line, indented, as bpftrace prints them:
 * "\n        frame\n        frame\n". */
static void fmt_stack(struct output *o, uint64_t id, bool user)
{
	uint64_t ips[OUT_STACK_MAX];
	char (*names)[OUT_SYM_MAX] = malloc(OUT_STACK_MAX * sizeof(*names));
	int n, i;

	if (!names)
		abort();
	n = out_stack_frames(o, id, user, ips, names);
	/* bpf_get_stackid()'s error (out_stack_frames()): no stack was
	 * taken, kernel or user (-EFAULT where the kernel has no user stack
	 * walk: s390 before 6.7, mips) */
	if (n < 0)
		ob_puts(o, "<no stack>");
	else if (n <= 0)
		ob_printf(o, "<stack %" PRId64 ">", (int64_t)id);
	for (i = 0; i < n; i++) {
		ob_puts(o, "\n        ");
		if (names[i][0])
			ob_puts(o, names[i]);
		else
			ob_printf(o, "0x%" PRIx64, ips[i]);
	}
	if (n > 0)
		ob_putc(o, '\n');
	free(names);
}

static void fmt_number(struct output *o, const struct type *t, uint64_t v)
{
	if (t->is_signed)
		ob_printf(o, "%" PRId64, (int64_t)v);
	else
		ob_printf(o, "%" PRIu64, v);
}

static void fmt_char(struct output *o, const struct type *t, uint64_t v)
{
	ob_putc(o, (char)v);
}

static void fmt_ksym(struct output *o, const struct type *t, uint64_t v)
{
	fmt_addr(o, v, true, 0);
}

static void fmt_usym(struct output *o, const struct type *t, uint64_t v)
{
	fmt_addr(o, v, false, 0);
}

static void fmt_kstack(struct output *o, const struct type *t, uint64_t v)
{
	fmt_stack(o, v, false);
}

static void fmt_ustack(struct output *o, const struct type *t, uint64_t v)
{
	fmt_stack(o, v, true);
}

static void fmt_boottime(struct output *o, const struct type *t, uint64_t v)
{
	fmt_walltime(o, v);
}

static void fmt_errno(struct output *o, const struct type *t, uint64_t v)
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
	fmt_number(o, t, v);
}

/* A stack in JSON: an array of frame names, named as the text names them. */
static void json_stack(struct output *o, uint64_t v, bool user)
{
	uint64_t ips[OUT_STACK_MAX];
	char (*names)[OUT_SYM_MAX] = malloc(OUT_STACK_MAX * sizeof(*names));
	int n, k;

	if (!names)
		abort();
	n = out_stack_frames(o, v, user, ips, names);
	ob_putc(o, '[');
	for (k = 0; k < n; k++) {
		if (!names[k][0])
			snprintf(names[k], OUT_SYM_MAX, "0x%" PRIx64, ips[k]);
		if (k)
			ob_puts(o, ", ");
		out_json_string(o, names[k], strlen(names[k]));
	}
	ob_putc(o, ']');
	free(names);
}

static void json_kstack(struct output *o, const struct type *t, uint64_t v)
{
	json_stack(o, v, false);
}

static void json_ustack(struct output *o, const struct type *t, uint64_t v)
{
	json_stack(o, v, true);
}

/* How an integer prints, by its type's format (type.h): as text, and in
 * JSON (NULL: the text form as a JSON string).  A new format is an enum
 * type_fmt value and its row here. */
static const struct out_fmt {
	void (*text)(struct output *o, const struct type *t, uint64_t v);
	void (*json)(struct output *o, const struct type *t, uint64_t v);
} out_fmts[] = {
	[F_NONE]	= { fmt_number, fmt_number },
	[F_CHAR]	= { fmt_char, NULL },
	[F_KSYM]	= { fmt_ksym, NULL },
	[F_USYM]	= { fmt_usym, NULL },
	[F_KSTACK]	= { fmt_kstack, json_kstack },
	[F_USTACK]	= { fmt_ustack, json_ustack },
	[F_WALLTIME]	= { fmt_boottime, NULL },
	[F_DATALOC]	= { fmt_number, fmt_number },
	[F_ERRNO]	= { fmt_errno, NULL },
};

static const struct out_fmt *out_fmt_of(const struct type *t)
{
	if ((unsigned)t->fmt < sizeof(out_fmts) / sizeof(out_fmts[0]) &&
	    out_fmts[t->fmt].text)
		return &out_fmts[t->fmt];
	return &out_fmts[F_NONE];
}

static void fmt_int(struct output *o, const struct type *t, uint64_t v)
{
	out_fmt_of(t)->text(o, t, v);
}

void out_format_value(struct output *o, const struct type *t, const void *p)
{
	const uint8_t *b = p;
	const struct member *mb;
	unsigned i;

	if (!t)
		return;
	switch (t->kind) {
	case T_VOID:
	case T_FUNC:	/* never a value: sema allows them behind pointers */
		return;
	case T_INT:
		if (!is_scalar(t))
			break;
		fmt_int(o, t, rd_int(t, p));
		return;
	case T_PTR:
		ob_printf(o, "0x%" PRIx64, rd_int(t, p));
		return;
	case T_ARRAY:
		if (type_is_char_array(t)) {
			ob_putn(o, p, strnlen(p, t->len));
			return;
		}
		if (type_is_byte_array(t)) {
			for (i = 0; i < t->len; i++)
				ob_printf(o, "%s%02x", i ? " " : "", b[i]);
			return;
		}
		if (!t->base || !t->base->size)
			break;
		ob_putc(o, '[');
		for (i = 0; i < t->len; i++) {
			if (i)
				ob_puts(o, ", ");
			out_format_value(o, t->base, b + i * t->base->size);
		}
		ob_putc(o, ']');
		return;
	case T_STRUCT:
		ob_puts(o, "{ ");
		for (mb = type_members(t); mb; mb = mb->next) {
			ob_printf(o, "%s.%s = ", mb == t->members ? "" : ", ",
				  mb->name);
			out_format_value(o, mb->type, b + mb->off);
		}
		ob_puts(o, " }");
		return;
	}
	/* odd sizes: raw bytes rather than a guess */
	for (i = 0; i < t->size; i++)
		ob_printf(o, "%s%02x", i ? " " : "", b[i]);
}

/* ---- JSON ---- */

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
		case '\b': ob_puts(o, "\\b"); break;
		case '\f': ob_puts(o, "\\f"); break;
		default:
			/* control bytes and DEL escaped; bytes >= 0x80 pass
			 * through (UTF-8 from the traced program stays
			 * readable; invalid UTF-8 is the data's own) */
			if (c < 0x20 || c == 0x7f)
				ob_printf(o, "\\u%04x", c);
			else
				ob_putc(o, (char)c);
		}
	}
	ob_putc(o, '"');
}

char *out_value_text(struct output *o, const struct type *t, const void *p)
{
	size_t start = o->len;

	ob_reserve(o, 0);
	out_format_value(o, t, slot_at(t, p));
	return ob_take(o, start);
}

static void json_text_of(struct output *o, const struct type *t,
			 const void *p)
{
	size_t start = o->len;
	char *s;

	out_format_value(o, t, p);
	s = ob_take(o, start);
	out_json_string(o, s, strlen(s));
	free(s);
}

static void json_value(struct output *o, const struct type *t, const void *p)
{
	const uint8_t *b = p;
	const struct member *mb;
	unsigned i;

	if (!t || t->kind == T_VOID) {
		ob_puts(o, "null");
		return;
	}
	if (t->kind == T_INT && is_scalar(t)) {
		const struct out_fmt *f = out_fmt_of(t);

		if (f->json) {
			f->json(o, t, rd_int(t, p));
			return;
		}
		json_text_of(o, t, p);
		return;
	}
	if (t->kind == T_ARRAY && !type_is_char_array(t) &&
	    !type_is_byte_array(t) && t->base && t->base->size) {
		ob_putc(o, '[');
		for (i = 0; i < t->len; i++) {
			if (i)
				ob_puts(o, ", ");
			json_value(o, t->base, b + i * t->base->size);
		}
		ob_putc(o, ']');
		return;
	}
	if (t->kind == T_STRUCT) {
		ob_putc(o, '{');
		for (mb = t->members; mb; mb = mb->next) {
			if (mb != t->members)
				ob_puts(o, ", ");
			out_json_string(o, mb->name, strlen(mb->name));
			ob_puts(o, ": ");
			json_value(o, mb->type, b + mb->off);
		}
		ob_putc(o, '}');
		return;
	}
	json_text_of(o, t, p);
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
		vp = slot_at(t, base + a->off);

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
	const void *vp;
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
				ob_puts(o, ", ");
			if (!a->type || a->off > len || a->type->size > len - a->off)
				continue;
			vp = slot_at(a->type, (const uint8_t *)rec + a->off);
			if (o->format == OUT_JSON)
				json_value(o, a->type, vp);
			else
				out_format_value(o, a->type, vp);
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

void out_break(struct output *o)
{
	if (o->text)
		o = o->text;
	if (o->format == OUT_JSON)
		return;
	ob_reset(o);
	ob_putc(o, '\n');
	ob_write(o);
}

void out_lost(struct output *o, unsigned long long n)
{
	if (o->format != OUT_JSON)
		return;
	ob_reset(o);
	ob_printf(o, "{\"type\": \"lost_events\", \"data\": {\"events\": %llu}}\n",
		  n);
	ob_write(o);
}

/* ---- maps ---- */

static const struct type *map_val_type(const struct map *m)
{
	/* counts and sums without a recorded type: u64 */
	static const struct type u64 = { .kind = T_INT, .size = 8, .align = 8 };

	return m->val ? m->val : &u64;
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

static void fmt_keys(struct output *o, const struct map *m, const void *key,
		     bool json)
{
	size_t start = o->len;
	unsigned i;
	char *s;

	for (i = 0; i < m->nkeys; i++) {
		if (i)
			ob_puts(o, json ? "," : ", ");
		out_format_value(o, m->keys[i],
				 slot_at(m->keys[i],
					 (const uint8_t *)key + out_key_off(m, i)));
	}
	if (json) {
		s = ob_take(o, start);
		out_json_string(o, s, strlen(s));
		free(s);
		return;
	}
	/* several keys, or one that spans lines (stacks), are bracketed so
	 * that where the key ends stays obvious */
	if (m->nkeys > 1 || memchr(o->buf + start, '\n', o->len - start)) {
		s = ob_take(o, start);
		ob_printf(o, "[%s]", s);
		free(s);
	}
}

struct sort_ctx {
	const struct out_map_data *md;
	const struct type *vt;
	const uint64_t *totals;		/* hist groups: sort by these */
};

static int cmp_keys(const struct out_map_data *md, unsigned a, unsigned b,
		    unsigned ksize)
{
	return memcmp((const uint8_t *)md->keys + (size_t)a * md->key_size,
		      (const uint8_t *)md->keys + (size_t)b * md->key_size,
		      ksize);
}

static int cmp_rows(const void *pa, const void *pb, void *arg)
{
	const struct sort_ctx *c = arg;
	const struct out_map_data *md = c->md;
	unsigned a = *(const unsigned *)pa, b = *(const unsigned *)pb;
	const uint8_t *va = (const uint8_t *)md->vals + (size_t)a * md->val_size;
	const uint8_t *vb = (const uint8_t *)md->vals + (size_t)b * md->val_size;
	int r = 0;

	if (is_scalar(c->vt) && c->vt->size <= md->val_size) {
		uint64_t x = rd_int(c->vt, slot_at(c->vt, va));
		uint64_t y = rd_int(c->vt, slot_at(c->vt, vb));

		if (c->vt->kind == T_INT && c->vt->is_signed)
			r = (int64_t)x < (int64_t)y ? -1 : (int64_t)x > (int64_t)y;
		else
			r = x < y ? -1 : x > y;
	} else if (type_is_char_array(c->vt)) {
		r = strncmp((const char *)va, (const char *)vb, md->val_size);
	} else {
		r = memcmp(va, vb, md->val_size);
	}
	/* equal values: by key bytes, so the order is the same every run */
	return r ? r : cmp_keys(md, a, b, md->key_size);
}

static int cmp_groups(const void *pa, const void *pb, void *arg)
{
	const struct sort_ctx *c = arg;
	unsigned a = *(const unsigned *)pa, b = *(const unsigned *)pb;
	uint64_t x = c->totals[a], y = c->totals[b];

	if (x != y)
		return x < y ? -1 : 1;
	return cmp_keys(c->md, a, b, c->md->key_size - 8);
}

static unsigned *sorted_rows(const struct out_map_data *md,
			     const struct type *vt)
{
	struct sort_ctx c = { .md = md, .vt = vt };
	unsigned *idx = calloc(md->n ? md->n : 1, sizeof(*idx));
	unsigned i;

	if (!idx)
		abort();
	for (i = 0; i < md->n; i++)
		idx[i] = i;
	qsort_r(idx, md->n, sizeof(*idx), cmp_rows, &c);
	return idx;
}

static void out_rows(struct output *o, const struct out_map_data *md)
{
	const struct map *m = md->m;
	const struct type *vt = map_val_type(m);
	unsigned *idx = sorted_rows(md, vt);
	bool json = o->format == OUT_JSON;
	unsigned i;

	if (json) {
		ob_puts(o, "{\"type\": \"map\", \"data\": {");
		out_json_string(o, m->name, strlen(m->name));
		ob_puts(o, ": ");
	} else {
		ob_printf(o, "%s:", m->name);
	}

	if (!m->nkeys) {
		/* keyless: an array of one entry, always present */
		if (!json)
			ob_putc(o, ' ');
		if (md->n) {
			if (json)
				json_value(o, vt, slot_at(vt, md->vals));
			else
				out_format_value(o, vt, slot_at(vt, md->vals));
		} else {
			ob_puts(o, json ? "null" : "");
		}
		/* a one-line scalar needs no blank line to set it off */
		ob_puts(o, json ? "}}\n" : "\n");
		free(idx);
		return;
	}

	if (json)
		ob_putc(o, '{');
	else
		ob_putc(o, '\n');
	for (i = 0; i < md->n; i++) {
		const uint8_t *k = (const uint8_t *)md->keys +
				   (size_t)idx[i] * md->key_size;
		const void *v = slot_at(vt, (const uint8_t *)md->vals +
					(size_t)idx[i] * md->val_size);

		if (json && i)
			ob_puts(o, ", ");
		fmt_keys(o, m, k, json);
		ob_puts(o, ": ");
		if (json) {
			json_value(o, vt, v);
		} else {
			out_format_value(o, vt, v);
			ob_putc(o, '\n');
		}
	}
	ob_puts(o, json ? "}}}\n" : "\n");
	free(idx);
}

const char *out_hist_bound(int log2, char *buf, size_t n)
{
	/* bucket b's lower bound is 2^(b-1) */
	return graph_bucket_bound(log2 < 0 ? 0 : log2 + 1, buf, n);
}

static void hist_text(struct output *o, const uint64_t *cnt)
{
	int lo = 0, hi = OUT_HIST_BUCKETS - 1, b, w;
	uint64_t max = 0;
	char l1[16], l2[16], label[40];

	while (lo < OUT_HIST_BUCKETS && !cnt[lo])
		lo++;
	while (hi >= 0 && !cnt[hi])
		hi--;
	for (b = lo; b <= hi; b++)
		if (cnt[b] > max)
			max = cnt[b];
	for (b = lo; b <= hi; b++) {
		/* bucket 0: x < 1; bucket b: 2^(b-1) <= x < 2^b */
		snprintf(label, sizeof(label), "[%s, %s)",
			 out_hist_bound(b - 1, l1, sizeof(l1)),
			 out_hist_bound(b, l2, sizeof(l2)));
		/* exact while the product fits in 64 bits (no __int128 on
		 * 32-bit targets); past 2^58 counts a double is near enough */
		w = max <= UINT64_MAX / OUT_HIST_WIDTH ?
		    (int)(cnt[b] * OUT_HIST_WIDTH / max) :
		    (int)((double)cnt[b] * OUT_HIST_WIDTH / (double)max);
		ob_printf(o, "%-16s%8" PRIu64 " |", label, cnt[b]);
		ob_printf(o, "%.*s%*s|\n", w,
			  "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
			  OUT_HIST_WIDTH - w, "");
	}
}

static void hist_json(struct output *o, const uint64_t *cnt)
{
	int lo = 0, hi = OUT_HIST_BUCKETS - 1, b;

	while (lo < OUT_HIST_BUCKETS && !cnt[lo])
		lo++;
	while (hi >= 0 && !cnt[hi])
		hi--;
	ob_putc(o, '[');
	for (b = lo; b <= hi; b++) {
		uint64_t min = b ? 1ull << (b - 1) : 0;
		uint64_t max = !b ? 0 : b == 64 ? UINT64_MAX :
			       (1ull << b) - 1;

		ob_printf(o, "%s{\"min\": %" PRIu64 ", \"max\": %" PRIu64
			  ", \"count\": %" PRIu64 "}", b > lo ? ", " : "",
			  min, max, cnt[b]);
	}
	ob_putc(o, ']');
}

/* Quantize maps: the key is the user keys followed by a u64 bucket (the
 * last 8 bytes); entries with equal user keys form one histogram. */
static void out_hist(struct output *o, const struct out_map_data *md)
{
	const struct map *m = md->m;
	unsigned ksize = md->key_size >= 8 ? md->key_size - 8 : 0;
	bool json = o->format == OUT_JSON;
	unsigned *group = calloc(md->n + 1, sizeof(*group));	/* row -> group */
	unsigned *first = calloc(md->n + 1, sizeof(*first));	/* group -> row */
	uint64_t *totals = calloc(md->n + 1, sizeof(*totals));
	uint64_t (*cnt)[OUT_HIST_BUCKETS] = calloc(md->n + 1, sizeof(*cnt));
	unsigned *order = calloc(md->n + 1, sizeof(*order));
	struct sort_ctx c;
	unsigned i, g, ng = 0;

	if (!group || !first || !totals || !cnt || !order)
		abort();
	for (i = 0; i < md->n; i++) {
		const uint8_t *k = (const uint8_t *)md->keys +
				   (size_t)i * md->key_size;
		uint64_t bucket, v;

		memcpy(&bucket, k + ksize, 8);
		memcpy(&v, (const uint8_t *)md->vals + (size_t)i * md->val_size,
		       md->val_size < 8 ? md->val_size : 8);
		for (g = 0; g < ng; g++)
			if (!cmp_keys(md, first[g], i, ksize))
				break;
		if (g == ng)
			first[ng++] = i;
		group[i] = g;
		if (bucket < OUT_HIST_BUCKETS) {
			cnt[g][bucket] += v;
			totals[g] += v;
		}
	}
	/* sort groups by total: order[] holds rows (first of each group),
	 * totals indexed by row for the comparator */
	{
		uint64_t *row_tot = calloc(md->n + 1, sizeof(*row_tot));

		if (!row_tot)
			abort();
		for (g = 0; g < ng; g++) {
			order[g] = first[g];
			row_tot[first[g]] = totals[g];
		}
		c = (struct sort_ctx){ .md = md, .totals = row_tot };
		qsort_r(order, ng, sizeof(*order), cmp_groups, &c);
		free(row_tot);
	}

	if (json) {
		ob_puts(o, "{\"type\": \"hist\", \"data\": {");
		out_json_string(o, m->name, strlen(m->name));
		ob_puts(o, ": ");
		if (m->nkeys)
			ob_putc(o, '{');
	} else {
		ob_printf(o, "%s:\n", m->name);
	}
	if (!m->nkeys && !ng && json)
		ob_puts(o, "[]");
	for (i = 0; i < ng; i++) {
		unsigned row = order[i];
		const uint8_t *k = (const uint8_t *)md->keys +
				   (size_t)row * md->key_size;

		g = group[row];
		if (m->nkeys) {
			if (json && i)
				ob_puts(o, ", ");
			fmt_keys(o, m, k, json);
			ob_puts(o, json ? ": " : ":\n");
		}
		if (json) {
			hist_json(o, cnt[g]);
		} else {
			hist_text(o, cnt[g]);
			if (m->nkeys && i + 1 < ng)
				ob_putc(o, '\n');
		}
	}
	if (json)
		ob_puts(o, m->nkeys ? "}}}\n" : "}}\n");
	else
		ob_putc(o, '\n');
	free(group);
	free(first);
	free(totals);
	free(cnt);
	free(order);
}

void out_map(struct output *o, const struct out_map_data *md)
{
	if (o->pics && pic_map(o->pics, md)) {
		if (o->unbuffered)
			fflush(o->f);
		return;
	}
	o = out_text(o);
	ob_reset(o);
	if (md->m->kind == MAP_QUANTIZE)
		out_hist(o, md);
	else
		out_rows(o, md);
	ob_write(o);
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
