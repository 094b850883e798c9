/* tz.c - local time without glibc's tzset().
 *
 * Input: TZ and TZDIR (tz_set()), the TZif file they name.  Output: the
 * local time of a moment (tz_local()) and its clock text (tz_clock()).
 * The rules are glibc's (time/tzset.c, time/tzfile.c), step for step, so
 * the answers are localtime_r()'s; see tz.h for the two differences.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tz.h"

#define TZ_DAY		86400
#define TZ_MAX_FILE	(1 << 20)

/* One half of a TZ string: a zone's offset and when it starts (glibc's
 * tz_rule).  All zero: UTC, and a rule that never separates. */
struct tz_rule {
	int32_t offset;			/* seconds east of UTC */
	enum { TZ_J0, TZ_J1, TZ_M } type;
	unsigned m, n, d;		/* Mm.n.d, or the day of Jn / n */
	int32_t secs;			/* the time of day of the change */
};

static struct {
	const char *tz, *tzdir;
	bool loaded;
	/* the TZif file: its transitions (@ntrans), the type after each,
	 * the types' offsets and DST flags (@ntypes); none: a TZ string */
	unsigned ntrans, ntypes;
	int64_t *trans;
	uint8_t *type;
	int32_t *utoff;
	uint8_t *isdst;
	/* the TZ string: alone, or the file's footer after its last
	 * transition */
	bool has_rules;
	struct tz_rule rule[2];		/* standard (DST's start), DST (end) */
} tz_zone;

void tz_set(const char *tz, const char *tzdir)
{
	free(tz_zone.trans);
	memset(&tz_zone, 0, sizeof(tz_zone));
	tz_zone.tz = tz;
	tz_zone.tzdir = tzdir;
}

/* ---- TZ strings (glibc's __tzset_parse_tz) ---- */

static bool tz_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool tz_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "ABC" (three letters or more) or "<+0330>" */
static bool tz_name(const char **s)
{
	const char *p = *s, *start;

	if (*p == '<') {
		start = ++p;
		while (tz_alpha(*p) || tz_digit(*p) || *p == '+' || *p == '-')
			p++;
		if (*p != '>' || p - start < 3)
			return false;
		p++;
	} else {
		start = p;
		while (tz_alpha(*p))
			p++;
		if (p - start < 3)
			return false;
	}
	*s = p;
	return true;
}

/* sscanf("%hu%n:%hu%n:%hu%n"): up to three numbers separated by ':';
 * returns how many, *@end past the last one read */
static int tz_hms(const char *s, unsigned v[3], const char **end)
{
	int k;

	for (k = 0; k < 3; k++) {
		const char *p = s + (k ? 1 : 0);
		unsigned long x = 0;

		if (k && *s != ':')
			break;
		if (!tz_digit(*p))
			break;
		while (tz_digit(*p)) {
			x = x * 10 + (unsigned long)(*p++ - '0');
			if (x > USHRT_MAX)	/* %hu wraps; no zone does */
				x = USHRT_MAX;
		}
		v[k] = (unsigned)x;
		s = p;
		*end = p;
	}
	return k;
}

static bool tz_offset(const char **s, int which)
{
	const char *p = *s, *end = p;
	unsigned v[3] = { 0, 0, 0 };
	int32_t sign = -1;

	if (which == 0 && *p != '+' && *p != '-' && !tz_digit(*p))
		return false;
	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? 1 : -1;
	end = p;
	if (tz_hms(p, v, &end) > 0) {
		tz_zone.rule[which].offset = sign *
			(int32_t)((v[2] < 59 ? v[2] : 59) +
				  (v[1] < 59 ? v[1] : 59) * 60 +
				  (v[0] < 24 ? v[0] : 24) * 3600);
	} else if (which == 0) {
		tz_zone.rule[0].offset = 0;
		return false;
	} else {
		tz_zone.rule[1].offset = tz_zone.rule[0].offset + 3600;
	}
	*s = end;
	return true;
}

static bool tz_rule_parse(const char **s, int which)
{
	struct tz_rule *r = &tz_zone.rule[which];
	const char *p = *s;

	p += *p == ',';
	if (*p == 'J' || tz_digit(*p)) {
		unsigned long d = 0;
		const char *q;

		r->type = *p == 'J' ? TZ_J1 : TZ_J0;
		if (r->type == TZ_J1 && !tz_digit(*++p))
			return false;
		for (q = p; tz_digit(*q) && d <= 365; q++)
			d = d * 10 + (unsigned long)(*q - '0');
		if (q == p || d > 365 || (r->type == TZ_J1 && !d))
			return false;
		r->d = (unsigned)d;
		p = q;
	} else if (*p == 'M') {
		unsigned v[3];
		int k;

		for (k = 0, p++; k < 3; k++) {
			unsigned long x = 0;

			if (k && *p++ != '.')
				return false;
			if (!tz_digit(*p))
				return false;
			while (tz_digit(*p) && x <= USHRT_MAX)
				x = x * 10 + (unsigned long)(*p++ - '0');
			v[k] = (unsigned)x;
		}
		if (v[0] < 1 || v[0] > 12 || v[1] < 1 || v[1] > 5 || v[2] > 6)
			return false;
		r->type = TZ_M;
		r->m = v[0];
		r->n = v[1];
		r->d = v[2];
	} else if (!*p) {
		/* the US rule since 2007: M3.2.0,M11.1.0 */
		r->type = TZ_M;
		r->m = which ? 11 : 3;
		r->n = which ? 1 : 2;
		r->d = 0;
	} else {
		return false;
	}
	if (*p == '/') {
		unsigned v[3] = { 2, 0, 0 };
		const char *end;
		bool neg;

		if (!*++p)
			return false;
		neg = *p == '-';
		p += neg;
		end = p;
		tz_hms(p, v, &end);
		p = end;
		r->secs = (neg ? -1 : 1) *
			  (int32_t)(v[0] * 3600 + v[1] * 60 + v[2]);
	} else {
		r->secs = 2 * 3600;
	}
	*s = p;
	return true;
}

static void tz_parse(const char *s)
{
	memset(tz_zone.rule, 0, sizeof(tz_zone.rule));
	tz_zone.has_rules = true;
	if (!tz_name(&s) || !tz_offset(&s, 0))
		return;
	if (!*s) {
		tz_zone.rule[1].offset = tz_zone.rule[0].offset;
		return;
	}
	if (tz_name(&s))
		tz_offset(&s, 1);
	if (tz_rule_parse(&s, 0))
		tz_rule_parse(&s, 1);
}

/* ---- TZif files (glibc's __tzfile_read) ---- */

static uint32_t tz_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int64_t tz_be64(const uint8_t *p)
{
	return (int64_t)((uint64_t)tz_be32(p) << 32 | tz_be32(p + 4));
}

static bool tz_tzif(const uint8_t *b, size_t len)
{
	uint32_t c[6];	/* isut, isstd, leap, time, type, char counts */
	size_t off = 0, tw = 4, need, i;
	const uint8_t *p;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		if (len - off < 44 || memcmp(b + off, "TZif", 4))
			return false;
		for (i = 0; i < 6; i++)
			c[i] = tz_be32(b + off + 20 + 4 * i);
		if (c[3] > TZ_MAX_FILE || c[4] > 256 || c[5] > TZ_MAX_FILE ||
		    c[2] > TZ_MAX_FILE || c[0] > 256 || c[1] > 256)
			return false;
		need = c[3] * (tw + 1) + c[4] * 6 + c[5] + c[2] * (tw + 4) +
		       c[1] + c[0];
		if (len - off - 44 < need)
			return false;
		if (pass == 1 || b[off + 4] < '2')
			break;
		/* version 2 and later: the 64-bit data after the 32-bit */
		off += 44 + need;
		tw = 8;
	}
	if (!c[4])
		return false;
	tz_zone.trans = malloc(c[3] * (sizeof(int64_t) + 1) +
			       c[4] * (sizeof(int32_t) + 1) + 1);
	if (!tz_zone.trans)
		return false;
	tz_zone.utoff = (int32_t *)(tz_zone.trans + c[3]);
	tz_zone.type = (uint8_t *)(tz_zone.utoff + c[4]);
	tz_zone.isdst = tz_zone.type + c[3];
	p = b + off + 44;
	for (i = 0; i < c[3]; i++, p += tw)
		tz_zone.trans[i] = tw == 8 ? tz_be64(p) :
				   (int64_t)(int32_t)tz_be32(p);
	for (i = 0; i < c[3]; i++, p++) {
		if (*p >= c[4])
			return false;
		tz_zone.type[i] = *p;
	}
	for (i = 0; i < c[4]; i++, p += 6) {
		if (p[4] > 1)
			return false;
		tz_zone.utoff[i] = (int32_t)tz_be32(p);
		tz_zone.isdst[i] = p[4];
	}
	tz_zone.ntrans = c[3];
	tz_zone.ntypes = c[4];
	p += c[5] + c[2] * (tw + 4) + c[1] + c[0];
	/* the footer: "\n" TZ string "\n" */
	if (tw == 8 && p < b + len && *p == '\n') {
		const uint8_t *e = memchr(p + 1, '\n', (size_t)(b + len - p - 1));
		char spec[256];
		size_t n = (size_t)((e ? e : b + len) - p - 1);

		if (n && n < sizeof(spec)) {
			memcpy(spec, p + 1, n);
			spec[n] = 0;
			tz_parse(spec);
		}
	}
	return true;
}

static bool tz_file(const char *name)
{
	char path[PATH_MAX];
	uint8_t *b = NULL;
	struct stat st;
	size_t got = 0;
	bool ok = false;
	int fd;

	if (!*name)
		return false;
	if (*name != '/') {
		int n = snprintf(path, sizeof(path), "%s/%s", tz_zone.tzdir ?
				 tz_zone.tzdir : "/usr/share/zoneinfo", name);

		if (n < 0 || (size_t)n >= sizeof(path))
			return false;
		name = path;
	}
	fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    st.st_size <= TZ_MAX_FILE && (b = malloc((size_t)st.st_size))) {
		while (got < (size_t)st.st_size) {
			ssize_t r = read(fd, b + got, (size_t)st.st_size - got);

			if (r <= 0)
				break;
			got += (size_t)r;
		}
		ok = got == (size_t)st.st_size && tz_tzif(b, got);
	}
	free(b);
	close(fd);
	if (!ok) {
		free(tz_zone.trans);
		tz_zone.trans = NULL;
		tz_zone.ntrans = tz_zone.ntypes = 0;
		tz_zone.has_rules = false;
	}
	return ok;
}

static void tz_load(void)
{
	const char *name = tz_zone.tz;

	tz_zone.loaded = true;
	if (!name)
		name = "/etc/localtime";
	else if (!*name)
		return;		/* UTC */
	name += *name == ':';
	if (!tz_file(name))
		tz_parse(name);
}

/* ---- conversion ---- */

/* days since 1970-01-01 to a date (proleptic Gregorian) */
static void tz_civil(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int64_t tz_floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

static bool tz_leap(int64_t y)
{
	return !(y % 4) && ((y % 100) || !(y % 400));
}

/* When @r's change happens in @year (glibc's compute_change) */
static int64_t tz_change(const struct tz_rule *r, int64_t year)
{
	static const unsigned short yday[2][13] = {
		{ 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365 },
		{ 0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366 },
	};
	int64_t t = 0;

	if (year > 1970)
		t = ((year - 1970) * 365 +
		     ((year - 1) / 4 - 1970 / 4) -
		     ((year - 1) / 100 - 1970 / 100) +
		     ((year - 1) / 400 - 1970 / 400)) * TZ_DAY;
	switch (r->type) {
	case TZ_J1:
		t += (int64_t)(r->d - 1) * TZ_DAY;
		if (r->d >= 60 && tz_leap(year))
			t += TZ_DAY;
		break;
	case TZ_J0:
		t += (int64_t)r->d * TZ_DAY;
		break;
	case TZ_M: {
		const unsigned short *my = &yday[tz_leap(year)][r->m];
		int64_t yy0 = r->m <= 2 ? year - 1 : year;
		int64_t yy1 = yy0 / 100, yy2 = yy0 % 100;
		int m1 = (int)(r->m + 9) % 12 + 1;
		int dow = (int)(((26 * m1 - 2) / 10 + 1 + yy2 + yy2 / 4 +
				 yy1 / 4 - 2 * yy1) % 7);
		int d;
		unsigned i;

		if (dow < 0)
			dow += 7;
		t += (int64_t)my[-1] * TZ_DAY;
		d = (int)r->d - dow;
		if (d < 0)
			d += 7;
		for (i = 1; i < r->n; i++) {
			if (d + 7 >= (int)my[0] - (int)my[-1])
				break;
			d += 7;
		}
		t += (int64_t)d * TZ_DAY;
		break;
	}
	}
	return t - r->offset + r->secs;
}

/* seconds east of UTC at @t by the TZ string (glibc's __tz_compute) */
static int32_t tz_rules_offset(int64_t t)
{
	int64_t year, c0, c1;
	int m, d;
	bool dst;

	tz_civil(tz_floor_div(t, TZ_DAY), &year, &m, &d);
	c0 = tz_change(&tz_zone.rule[0], year);
	c1 = tz_change(&tz_zone.rule[1], year);
	if (c0 > c1)	/* southern hemisphere: DST spans the new year */
		dst = t < c1 || t >= c0;
	else
		dst = t >= c0 && t < c1;
	return tz_zone.rule[dst].offset;
}

/* seconds east of UTC at @t (glibc's __tzfile_compute) */
static int32_t tz_offset_at(int64_t t)
{
	unsigned lo, hi, i;

	if (!tz_zone.loaded)
		tz_load();
	if (!tz_zone.ntypes)
		return tz_zone.has_rules ? tz_rules_offset(t) : 0;
	if (!tz_zone.ntrans || t < tz_zone.trans[0]) {
		/* before any transition: the first standard type */
		for (i = 0; i < tz_zone.ntypes && tz_zone.isdst[i]; i++)
			;
		return tz_zone.utoff[i < tz_zone.ntypes ? i : 0];
	}
	if (t >= tz_zone.trans[tz_zone.ntrans - 1]) {
		if (tz_zone.has_rules)
			return tz_rules_offset(t);
		return tz_zone.utoff[tz_zone.type[tz_zone.ntrans - 1]];
	}
	/* the last transition at or before t */
	lo = 0;
	hi = tz_zone.ntrans - 1;
	while (lo + 1 < hi) {
		i = lo + (hi - lo) / 2;
		if (t < tz_zone.trans[i])
			hi = i;
		else
			lo = i;
	}
	return tz_zone.utoff[tz_zone.type[lo]];
}

void tz_local(int64_t sec, struct tz_time *t)
{
	int64_t l, s;

	t->gmtoff = tz_offset_at(sec);
	l = sec + t->gmtoff;
	s = l - tz_floor_div(l, TZ_DAY) * TZ_DAY;
	tz_civil(tz_floor_div(l, TZ_DAY), &t->year, &t->mon, &t->mday);
	t->hour = (int)(s / 3600);
	t->min = (int)(s / 60 % 60);
	t->sec = (int)(s % 60);
}

size_t tz_clock(char *buf, size_t n, int64_t sec, bool date)
{
	struct tz_time t;
	int len;

	tz_local(sec, &t);
	if (date)
		len = snprintf(buf, n, "%04lld-%02d-%02d %02d:%02d:%02d",
			       (long long)t.year, t.mon, t.mday, t.hour,
			       t.min, t.sec);
	else
		len = snprintf(buf, n, "%02d:%02d:%02d", t.hour, t.min,
			       t.sec);
	if (len < 0 || (size_t)len >= n) {
		if (n)
			*buf = 0;
		return 0;
	}
	return (size_t)len;
}

/* ---- strftime ---- */

static const char *const tz_days[7] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	"Saturday"
};
static const char *const tz_months[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

struct tz_out {
	char *buf;
	size_t n, len;
	bool over;
};

static void tz_put(struct tz_out *o, const char *s, size_t len)
{
	if (o->len + len >= o->n) {
		o->over = true;
		return;
	}
	memcpy(o->buf + o->len, s, len);
	o->len += len;
}

static void tz_putf(struct tz_out *o, const char *fmt, long long v)
{
	char tmp[32];
	int len = snprintf(tmp, sizeof(tmp), fmt, v);

	tz_put(o, tmp, (size_t)len);
}

static void tz_format(struct tz_out *o, const char *fmt, int64_t sec,
		      long usec, const struct tz_time *t, int wday, int yday);

/* One conversion (the character after '%'); false if it is none. */
static bool tz_conv(struct tz_out *o, char c, int64_t sec, long usec,
		    const struct tz_time *t, int wday, int yday)
{
	int h12 = t->hour % 12 ? t->hour % 12 : 12;
	long off = t->gmtoff / 60;

	switch (c) {
	case 'a': tz_put(o, tz_days[wday], 3); break;
	case 'A': tz_put(o, tz_days[wday], strlen(tz_days[wday])); break;
	case 'b': case 'h': tz_put(o, tz_months[t->mon - 1], 3); break;
	case 'B':
		tz_put(o, tz_months[t->mon - 1], strlen(tz_months[t->mon - 1]));
		break;
	case 'c':
		tz_format(o, "%a %b %e %H:%M:%S %Y", sec, usec, t, wday, yday);
		break;
	case 'C': tz_putf(o, "%02lld", (long long)(t->year / 100)); break;
	case 'd': tz_putf(o, "%02lld", t->mday); break;
	case 'D': case 'x':
		tz_format(o, "%m/%d/%y", sec, usec, t, wday, yday);
		break;
	case 'e': tz_putf(o, "%2lld", t->mday); break;
	case 'f': tz_putf(o, "%06lld", usec); break;	/* bpftrace's */
	case 'F':
		tz_format(o, "%Y-%m-%d", sec, usec, t, wday, yday);
		break;
	case 'H': tz_putf(o, "%02lld", t->hour); break;
	case 'I': tz_putf(o, "%02lld", h12); break;
	case 'j': tz_putf(o, "%03lld", yday + 1); break;
	case 'k': tz_putf(o, "%2lld", t->hour); break;
	case 'l': tz_putf(o, "%2lld", h12); break;
	case 'm': tz_putf(o, "%02lld", t->mon); break;
	case 'M': tz_putf(o, "%02lld", t->min); break;
	case 'n': tz_put(o, "\n", 1); break;
	case 'p': tz_put(o, t->hour < 12 ? "AM" : "PM", 2); break;
	case 'P': tz_put(o, t->hour < 12 ? "am" : "pm", 2); break;
	case 'r':
		tz_format(o, "%I:%M:%S %p", sec, usec, t, wday, yday);
		break;
	case 'R': tz_format(o, "%H:%M", sec, usec, t, wday, yday); break;
	case 's': tz_putf(o, "%lld", (long long)sec); break;
	case 'S': tz_putf(o, "%02lld", t->sec); break;
	case 't': tz_put(o, "\t", 1); break;
	case 'T': case 'X':
		tz_format(o, "%H:%M:%S", sec, usec, t, wday, yday);
		break;
	case 'u': tz_putf(o, "%lld", wday ? wday : 7); break;
	case 'U': tz_putf(o, "%02lld", (yday + 7 - wday) / 7); break;
	case 'w': tz_putf(o, "%lld", wday); break;
	case 'W': tz_putf(o, "%02lld", (yday + 7 - (wday + 6) % 7) / 7); break;
	case 'y': tz_putf(o, "%02lld", (long long)((t->year % 100 + 100) % 100));
		break;
	case 'Y': tz_putf(o, "%lld", (long long)t->year); break;
	case 'z':
		tz_put(o, off < 0 ? "-" : "+", 1);
		tz_putf(o, "%04lld", (off < 0 ? -off : off) / 60 * 100 +
			(off < 0 ? -off : off) % 60);
		break;
	case '%': tz_put(o, "%", 1); break;
	default:
		return false;
	}
	return true;
}

static void tz_format(struct tz_out *o, const char *fmt, int64_t sec,
		      long usec, const struct tz_time *t, int wday, int yday)
{
	for (; *fmt && !o->over; fmt++) {
		if (*fmt == '%' && fmt[1] &&
		    tz_conv(o, fmt[1], sec, usec, t, wday, yday)) {
			fmt++;
			continue;
		}
		/* what strftime() has and this does not (the ISO 8601 week
		 * %G %g %V, %Z's abbreviation, E and O modifiers) is copied */
		tz_put(o, fmt, 1);
	}
}

size_t tz_strftime(char *buf, size_t n, const char *fmt, int64_t sec,
		   long usec)
{
	static const unsigned short ydays[13] = {
		0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365
	};
	struct tz_out o = { buf, n, 0, false };
	struct tz_time t;
	int64_t days;
	int wday, yday;

	tz_local(sec, &t);
	days = tz_floor_div(sec + t.gmtoff, TZ_DAY);
	/* 1970-01-01 was a Thursday */
	wday = (int)(((days % 7) + 11) % 7);
	yday = ydays[t.mon - 1] + t.mday - 1 +
	       (t.mon > 2 && tz_leap(t.year));
	tz_format(&o, fmt, sec, usec, &t, wday, yday);
	if (o.over) {
		if (n)
			*buf = '\0';
		return 0;
	}
	buf[o.len] = '\0';
	return o.len;
}
