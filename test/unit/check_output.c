/* check_output.c - the output layer on hand-built events and maps.
 *
 * Types are built here as plain struct literals, so this suite depends on
 * nothing but output.c.
 */
#include <check.h>
#include <stdarg.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "output.h"
#include "provider.h"
#include "runtime.h"
#include "script.h"
#include "type.h"
#include "tz.h"

/* ---- types, by hand ---- */

static const struct type t_s64 = { .kind = T_INT, .size = 8, .align = 8, .is_signed = true };
static const struct type t_u64 = { .kind = T_INT, .size = 8, .align = 8 };
static const struct type t_s32 = { .kind = T_INT, .size = 4, .align = 4, .is_signed = true };
static const struct type t_u32 = { .kind = T_INT, .size = 4, .align = 4 };
static const struct type t_u8 = { .kind = T_INT, .size = 1, .align = 1 };
static const struct type t_char = { .kind = T_INT, .size = 1, .align = 1, .is_signed = true, .fmt = F_CHAR };
static const struct type t_ksym = { .kind = T_INT, .size = 8, .align = 8, .fmt = F_KSYM };
static const struct type t_kstack = { .kind = T_INT, .size = 8, .align = 8, .is_signed = true, .fmt = F_KSTACK };
static const struct type t_wall = { .kind = T_INT, .size = 8, .align = 8, .fmt = F_WALLTIME };
static const struct type t_ptr = { .kind = T_PTR, .size = 8, .align = 8, .base = &t_u8 };
static const struct type t_str8 = { .kind = T_ARRAY, .size = 8, .align = 1, .base = &t_char, .len = 8 };
static const struct type t_str4 = { .kind = T_ARRAY, .size = 4, .align = 1, .base = &t_char, .len = 4 };
static const struct type t_str16 = { .kind = T_ARRAY, .size = 16, .align = 1, .base = &t_char, .len = 16 };
static const struct type t_mem4 = { .kind = T_ARRAY, .size = 4, .align = 1, .base = &t_u8, .len = 4 };

/* ---- capture ---- */

struct cap {
	FILE *f;
	char *buf;
	size_t len;
	struct output o;
};

static void cap_open(struct cap *c, enum out_format fmt)
{
	memset(c, 0, sizeof(*c));
	c->f = open_memstream(&c->buf, &c->len);
	ck_assert_ptr_nonnull(c->f);
	out_init(&c->o, c->f, fmt, false);
}

static const char *cap_text(struct cap *c)
{
	fflush(c->f);
	return c->buf;
}

static void cap_close(struct cap *c)
{
	out_free(&c->o);
	fclose(c->f);
	free(c->buf);
}

/* A record: u64 id then up to 8 8-byte slots (or raw bytes from slot 1). */
struct rec {
	uint64_t id;
	uint8_t data[64];
};

/* Format @fmt with one argument of type @t whose bytes are @v. */
static const char *pf1(struct cap *c, const char *fmt, const struct type *t,
		       const void *v, size_t vlen)
{
	struct rec r = { 0 };
	struct event_arg a = { .type = t, .off = 8 };

	memcpy(r.data, v, vlen);
	c->o.len = 0;
	out_format_printf(&c->o, fmt, &a, 1, &r, sizeof(r));
	return c->o.buf;
}

static const char *pfi(struct cap *c, const char *fmt, int64_t v)
{
	return pf1(c, fmt, &t_s64, &v, 8);
}

static const char *pfu(struct cap *c, const char *fmt, uint64_t v)
{
	return pf1(c, fmt, &t_u64, &v, 8);
}

/* A scalar of type @t as programs send it: an 8-byte slot holding @v as a
 * u64 (a BPF_DW store), so its bytes are in the machine's order and a
 * narrow type's value is the slot's low-order end. */
static const char *pfslot(struct cap *c, const char *fmt,
			  const struct type *t, uint64_t v)
{
	return pf1(c, fmt, t, &v, 8);
}

/* ---- printf ---- */

START_TEST(printf_signed)
{
	struct cap c;

	cap_open(&c, OUT_TEXT);
	ck_assert_str_eq(pfi(&c, "%d", -5), "-5");
	ck_assert_str_eq(pfi(&c, "%i", 12), "12");
	ck_assert_str_eq(pfi(&c, "[%5d]", -5), "[   -5]");
	ck_assert_str_eq(pfi(&c, "[%-5d]", -5), "[-5   ]");
	ck_assert_str_eq(pfi(&c, "%+d", 5), "+5");
	ck_assert_str_eq(pfi(&c, "% d", 5), " 5");
	ck_assert_str_eq(pfi(&c, "%05d", 42), "00042");
	ck_assert_str_eq(pfi(&c, "%.3d", 7), "007");
	ck_assert_str_eq(pfi(&c, "%ld", INT64_MIN), "-9223372036854775808");
	/* as printf(3) reads an int: bpftrace's %d is the low 32 bits */
	ck_assert_str_eq(pfi(&c, "%d", INT64_MIN), "0");
	ck_assert_str_eq(pfi(&c, "%d", 0x100000001LL), "1");
	ck_assert_str_eq(pfi(&c, "%hd", 0x18001), "-32767");
	ck_assert_str_eq(pfi(&c, "%hhd", 0x18001), "1");
	/* '#' means nothing for %d: dropped, not passed to the host */
	ck_assert_str_eq(pfi(&c, "%#d", 3), "3");
	cap_close(&c);
}
END_TEST

START_TEST(printf_unsigned)
{
	struct cap c;

	cap_open(&c, OUT_TEXT);
	ck_assert_str_eq(pfu(&c, "%lu", UINT64_MAX), "18446744073709551615");
	ck_assert_str_eq(pfi(&c, "%llu", -1), "18446744073709551615");
	ck_assert_str_eq(pfi(&c, "%u %x %hu %hhx", -1), "4294967295 %x %hu %hhx");
	ck_assert_str_eq(pfu(&c, "%zx %jx %hhu", 0x1ffffffffULL),
			 "1ffffffff %jx %hhu");
	ck_assert_str_eq(pfu(&c, "%x", 255), "ff");
	ck_assert_str_eq(pfu(&c, "%X", 255), "FF");
	ck_assert_str_eq(pfu(&c, "%#x", 255), "0xff");
	ck_assert_str_eq(pfu(&c, "%08x", 0xbeef), "0000beef");
	ck_assert_str_eq(pfu(&c, "%o", 8), "10");
	ck_assert_str_eq(pfu(&c, "%#o", 8), "010");
	ck_assert_str_eq(pfu(&c, "%+u", 3), "3");
	ck_assert_str_eq(pfu(&c, "%lu %llx %hd %zu", 1), "1 %llx %hd %zu");
	cap_close(&c);
}
END_TEST

START_TEST(printf_narrow)
{
	struct cap c;

	cap_open(&c, OUT_TEXT);
	/* narrow slots extend by their own signedness, then printf(3)'s
	 * int width applies (l: all 64 bits) */
	ck_assert_str_eq(pfslot(&c, "%ld", &t_u32, 0xffffffffu), "4294967295");
	ck_assert_str_eq(pfslot(&c, "%d", &t_u32, 0xffffffffu), "-1");
	ck_assert_str_eq(pfslot(&c, "%d", &t_s32, (uint64_t)-1), "-1");
	ck_assert_str_eq(pfslot(&c, "%lx", &t_s32, (uint64_t)-1),
			 "ffffffffffffffff");
	ck_assert_str_eq(pfslot(&c, "%x", &t_s32, (uint64_t)-1), "ffffffff");
	cap_close(&c);
}
END_TEST

START_TEST(printf_char_string)
{
	struct cap c;
	char ch = 'A';

	cap_open(&c, OUT_TEXT);
	ck_assert_str_eq(pfslot(&c, "%c", &t_char, (uint64_t)ch), "A");
	ck_assert_str_eq(pfslot(&c, "[%-3c]", &t_char, (uint64_t)ch), "[A  ]");
	ck_assert_str_eq(pfslot(&c, "[%3c]", &t_char, (uint64_t)ch), "[  A]");
	ck_assert_str_eq(pfi(&c, "%c", 'z'), "z");
	ck_assert_str_eq(pf1(&c, "%s", &t_str8, "hi", 3), "hi");
	ck_assert_str_eq(pf1(&c, "[%5s]", &t_str8, "hi", 3), "[   hi]");
	ck_assert_str_eq(pf1(&c, "[%-5s]", &t_str8, "hi", 3), "[hi   ]");
	ck_assert_str_eq(pf1(&c, "%.1s", &t_str8, "hi", 3), "h");
	/* no NUL within the array: the array's length bounds it */
	ck_assert_str_eq(pf1(&c, "%s!", &t_str4, "abcdefgh", 8), "abcd!");
	cap_close(&c);
}
END_TEST

/* %s of an enum: its enumerator's name, the number when none has the
 * value; %d stays a number (tcpdrop's drop reason) */
START_TEST(printf_enum_name)
{
	static struct enumerator e2 = { NULL, "SKB_DROP_REASON_NO_SOCKET", 2 };
	static struct enumerator e1 = { &e2, "SKB_DROP_REASON_NOT_SPECIFIED", 1 };
	static struct enumerator m1 = { NULL, "MINUS", -1 };
	const struct type t_enum = { .kind = T_INT, .size = 4, .align = 4,
				     .is_enum = true, .enums = &e1,
				     .name = "skb_drop_reason" };
	const struct type t_senum = { .kind = T_INT, .size = 4, .align = 4,
				      .is_signed = true, .is_enum = true,
				      .enums = &m1 };
	struct cap c;

	cap_open(&c, OUT_TEXT);
	ck_assert_str_eq(pfslot(&c, "%s", &t_enum, 2),
			 "SKB_DROP_REASON_NO_SOCKET");
	ck_assert_str_eq(pfslot(&c, "[%-28s]", &t_enum, 2),
			 "[SKB_DROP_REASON_NO_SOCKET   ]");
	ck_assert_str_eq(pfslot(&c, "%d", &t_enum, 2), "2");
	ck_assert_str_eq(pfslot(&c, "%s", &t_enum, 7), "7");
	ck_assert_str_eq(pfslot(&c, "%s", &t_senum, (uint64_t)-1), "MINUS");
	cap_close(&c);
}
END_TEST

START_TEST(printf_pointer_v_percent)
{
	struct cap c;
	uint64_t p = 0x1000, z = 0;

	cap_open(&c, OUT_TEXT);
	ck_assert_str_eq(pf1(&c, "%p", &t_ptr, &p, 8), "0x1000");
	ck_assert_str_eq(pf1(&c, "%p", &t_ptr, &z, 8), "0x0");
	ck_assert_str_eq(pf1(&c, "[%8p]", &t_ptr, &p, 8), "[  0x1000]");
	ck_assert_str_eq(pfi(&c, "%v", -3), "-3");
	ck_assert_str_eq(pf1(&c, "%v", &t_str8, "yo", 3), "yo");
	ck_assert_str_eq(pf1(&c, "%v", &t_ptr, &p, 8), "0x1000");
	ck_assert_str_eq(pfi(&c, "100%% %d%%", 5), "100% 5%");
	cap_close(&c);
}
END_TEST

START_TEST(printf_never_crashes)
{
	struct cap c;
	struct rec r = { 0 };
	struct event_arg a[2] = { { .type = &t_s64, .off = 8 },
				  { .type = &t_s64, .off = 1000 } };

	cap_open(&c, OUT_TEXT);
	/* too few arguments: the conversion is shown as written */
	ck_assert_str_eq(pfi(&c, "%d %d", 1), "1 %d");
	/* unknown conversion, lone '%' at the end */
	ck_assert_str_eq(pfi(&c, "%q %d %", 2), "%q 2 %");
	/* mismatches: %s of an int, %d of a string */
	ck_assert_str_eq(pfi(&c, "%s", 42), "42");
	ck_assert_str_eq(pf1(&c, "%d", &t_str8, "str", 4), "str");
	/* absurd widths are clamped, not allocated */
	ck_assert_uint_eq(strlen(pfi(&c, "%99999999999d", 1)), 4096);
	ck_assert_uint_eq(strlen(pfi(&c, "%.99999s", 1)), 1);
	/* an argument past the record */
	c.o.len = 0;
	r.id = 0;
	out_format_printf(&c.o, "%d %d", a, 2, &r, sizeof(r));
	ck_assert_str_eq(c.o.buf, "0 %d");
	c.o.len = 0;
	out_format_printf(&c.o, NULL, a, 2, &r, sizeof(r));
	ck_assert_str_eq(c.o.buf, "");
	cap_close(&c);
}
END_TEST

/* ---- default formats ---- */

static const char *val(struct cap *c, const struct type *t, const void *v)
{
	c->o.len = 0;
	if (c->o.buf)
		c->o.buf[0] = '\0';
	out_format_value(&c->o, t, v);
	return c->o.buf;
}

static int fake_stack(void *ctx, uint64_t id, bool user, unsigned frames,
		      uint64_t *ips, unsigned max)
{
	if (id != 7)
		return -ENOENT;
	ips[0] = 0xffffffff81000010ull;
	ips[1] = 0xffffffff81000020ull;
	return 2;
}

static const char *fake_ksym(void *ctx, uint64_t addr, char *buf, size_t n,
			     uint64_t *off)
{
	if (addr < 0xffffffff81000000ull || addr >= 0xffffffff81000018ull)
		return NULL;
	snprintf(buf, n, "vfs_read");
	*off = addr - 0xffffffff81000000ull;
	return buf;
}

START_TEST(default_formats)
{
	static const struct member m1 = { .name = "1", .type = &t_str8, .off = 8 };
	static const struct member m0 = { .next = (struct member *)&m1,
					  .name = "0", .type = &t_s64 };
	static const struct type t_tup = { .kind = T_STRUCT, .size = 16,
					   .align = 8, .fmt = F_TUPLE,
					   .members = (struct member *)&m0 };
	static const struct member sb = { .name = "b", .type = &t_str8, .off = 8 };
	static const struct member sa = { .next = (struct member *)&sb,
					  .name = "a", .type = &t_s64 };
	static const struct type t_rec = { .kind = T_STRUCT, .size = 16,
					   .align = 8,
					   .members = (struct member *)&sa };
	static const struct type t_arr = { .kind = T_ARRAY, .size = 12,
					   .align = 4, .base = &t_s32, .len = 3 };
	struct { int64_t n; char s[8]; } tup = { -3, "abc" };
	int32_t arr[3] = { 1, -2, 3 };
	struct cap c;
	uint64_t v;
	int64_t sv = -7;
	char ch = 'x';
	const uint8_t mem[4] = { 0xde, 0xad, 0xbe, 0xef };

	tz_set("UTC", NULL);
	tzset();
	cap_open(&c, OUT_TEXT);
	pfi(&c, "", 0);	/* allocate the scratch buffer */
	ck_assert_str_eq(val(&c, &t_s64, &sv), "-7");
	v = 42;
	ck_assert_str_eq(val(&c, &t_u64, &v), "42");
	ck_assert_str_eq(val(&c, &t_char, &ch), "x");
	ck_assert_str_eq(val(&c, &t_str16, "comm\0junk"), "comm");
	ck_assert_str_eq(val(&c, &t_mem4, mem), "de ad be ef");
	v = 0xffffffff81000000ull;
	ck_assert_str_eq(val(&c, &t_ksym, &v), "0xffffffff81000000");
	ck_assert_str_eq(val(&c, &t_ptr, &v), "0xffffffff81000000");
	/* tuples, structs, arrays as bpftrace prints them */
	ck_assert_str_eq(val(&c, &t_tup, &tup), "(-3, abc)");
	ck_assert_str_eq(val(&c, &t_rec, &tup), "{ .a = -3, .b = abc }");
	ck_assert_str_eq(val(&c, &t_arr, arr), "[1,-2,3]");
	{
		/* bitfields: 3 bits from bit 2 (signed), 4 from bit 5 of byte
		 * 0 into byte 1 */
		static const struct member bf2 = { .name = "u", .type = &t_u32,
						   .off = 0, .bit_off = 5,
						   .bits = 4 };
		static const struct member bf1 = {
			.next = (struct member *)&bf2, .name = "s",
			.type = &t_s32, .off = 0, .bit_off = 2, .bits = 3 };
		static const struct type t_bf = { .kind = T_STRUCT, .size = 4,
						  .align = 4,
						  .members = (struct member *)&bf1 };
		/* s = 0b110 (-2), u = 0b1011 (11): bits 2-4 and 5-8 in
		 * allocation order, as this machine's compiler lays them out
		 * (scripts/cross s390x --check runs this on a big-endian
		 * CPU, which fills each byte from its most significant bit) */
		struct { int pad : 2, s : 3; unsigned u : 4; } w = { 0, -2, 11 };

		ck_assert_str_eq(val(&c, &t_bf, &w), "{ .s = -2, .u = 11 }");
	}

	/* walltime: boot ns + offset, local time (UTC here) */
	c.o.boot_to_real_ns = 0;
	v = 86400ull * 1000000000ull + 123456789ull;
	ck_assert_str_eq(val(&c, &t_wall, &v), "1970-01-02 00:00:00.123456");
	c.o.boot_to_real_ns = 1000000000LL * 1795540801LL;	/* 2026-11-24 */
	v = 123000;
	ck_assert_str_eq(val(&c, &t_wall, &v), "2026-11-24 17:20:01.000123");

	/* stacks: no hook -> the id; a stack that is gone prints nothing;
	 * with hooks, frames a line each, offsets in decimal */
	v = 7;
	ck_assert_str_eq(val(&c, &t_kstack, &v), "<stack 7>");
	sv = -14;
	ck_assert_str_eq(val(&c, &t_kstack, &sv), "");
	c.o.stack_read = fake_stack;
	ck_assert_str_eq(val(&c, &t_kstack, &v),
			 "\n        0xffffffff81000010\n        0xffffffff81000020\n");
	v = 8;
	ck_assert_str_eq(val(&c, &t_kstack, &v), "");
	v = 7;
	c.o.ksym = fake_ksym;
	ck_assert_str_eq(val(&c, &t_kstack, &v),
			 "\n        vfs_read+16\n        0xffffffff81000020\n");
	/* ksym() is the name alone; caller inside a function keeps +0x */
	v = 0xffffffff81000000ull;
	ck_assert_str_eq(val(&c, &t_ksym, &v), "vfs_read");
	v = 0xffffffff81000010ull;
	ck_assert_str_eq(val(&c, &t_ksym, &v), "vfs_read+0x10");
	cap_close(&c);
}
END_TEST

/* ---- events ---- */

/* A record of @ev, which takes one s64 at offset 8, sent by @cpu. */
static void send_by(struct cap *c, const struct event *ev, unsigned cpu,
		    int64_t v)
{
	uint64_t r[2] = { (uint64_t)cpu << 32 | 7, (uint64_t)v };

	ck_assert_int_eq(out_event(&c->o, ev, r, sizeof(r)), 0);
}

/* Text events of a script that prints partial lines (by_cpu): each CPU's
 * text is put together into lines, whatever another CPU sent between its
 * pieces; what no newline ended is written when the trace stops. */
START_TEST(event_lines_by_cpu)
{
	struct cap c;
	struct event_arg a = { .type = &t_s64, .off = 8 };
	struct event head = { .kind = EV_PRINTF, .fmt = "%d ", .nargs = 1,
			      .args = &a, .size = 16, .by_cpu = true };
	struct event tail = { .kind = EV_PRINTF, .fmt = "end %d\n", .nargs = 1,
			      .args = &a, .size = 16, .by_cpu = true };
	struct event bare = { .kind = EV_PRINTF, .fmt = "%d", .nargs = 1,
			      .args = &a, .size = 16, .by_cpu = true };

	cap_open(&c, OUT_TEXT);
	send_by(&c, &head, 0, 1);
	send_by(&c, &head, 1, 2);
	ck_assert_str_eq(cap_text(&c), "");
	send_by(&c, &tail, 0, 10);
	send_by(&c, &tail, 1, 20);
	send_by(&c, &head, 3, 3);
	send_by(&c, &bare, 1, 4);
	ck_assert_str_eq(cap_text(&c), "1 end 10\n2 end 20\n");
	/* CPU by CPU, in the order they first sent text */
	out_lines_flush(&c.o);
	ck_assert_str_eq(cap_text(&c), "1 end 10\n2 end 20\n43 ");
	cap_close(&c);

	/* JSON: a record is an object of its own, as bpftrace's */
	cap_open(&c, OUT_JSON);
	send_by(&c, &head, 0, 1);
	ck_assert_str_eq(cap_text(&c),
			 "{\"type\": \"printf\", \"data\": \"1 \"}\n");
	cap_close(&c);
}
END_TEST

START_TEST(event_printf_print)
{
	struct cap c;
	struct event_arg pa[3] = {
		{ .type = &t_s64, .off = 8 },
		{ .type = &t_str8, .off = 16 },
		{ .type = &t_u64, .off = 24 },
	};
	struct event ep = { .kind = EV_PRINTF, .fmt = "pid %d comm %s\n",
			    .nargs = 2, .args = pa, .size = 24 };
	struct event ev = { .kind = EV_PRINT, .nargs = 3, .args = pa,
			    .size = 32 };
	struct event ev1 = { .kind = EV_PRINT, .nargs = 1, .args = &pa[1],
			     .size = 24 };
	uint8_t r[32] = { 0 };
	int64_t pid = 42;
	uint64_t n = 9;

	memcpy(r + 8, &pid, 8);
	memcpy(r + 16, "sh\"\n", 5);
	memcpy(r + 24, &n, 8);

	cap_open(&c, OUT_TEXT);
	ck_assert_int_eq(out_event(&c.o, &ep, r, sizeof(r)), 0);
	ck_assert_int_eq(out_event(&c.o, &ev, r, sizeof(r)), 0);
	ck_assert_int_eq(out_event(&c.o, &ev, r, 16), -EINVAL);
	ck_assert_str_eq(cap_text(&c), "pid 42 comm sh\"\n\n42, sh\"\n, 9\n");
	cap_close(&c);

	cap_open(&c, OUT_JSON);
	out_event(&c.o, &ep, r, sizeof(r));
	out_event(&c.o, &ev, r, sizeof(r));
	out_event(&c.o, &ev1, r, sizeof(r));
	out_lost(&c.o, 12);
	out_helper_error(&c.o, "map_update_elem", -7, 3, 9);
	ck_assert_str_eq(cap_text(&c),
		"{\"type\": \"printf\", \"data\": \"pid 42 comm sh\\\"\\n\\n\"}\n"
		"{\"type\": \"value\", \"data\": [42,\"sh\\\"\\n\",9]}\n"
		"{\"type\": \"value\", \"data\": \"sh\\\"\\n\"}\n"
		"{\"type\": \"lost_events\", \"data\": {\"events\": 12}}\n"
		"{\"type\": \"helper_error\", \"helper\": \"map_update_elem\", "
		"\"retcode\": -7, \"line\": 3, \"col\": 9}\n");
	cap_close(&c);

	/* text mode: lost events are stderr's business */
	cap_open(&c, OUT_TEXT);
	out_lost(&c.o, 3);
	ck_assert_str_eq(cap_text(&c) ? cap_text(&c) : "", "");
	cap_close(&c);
}
END_TEST

START_TEST(json_escaping)
{
	struct cap c;
	const char s[] = "a\"b\\c\n\t\r\b\f\x01\x7f\xc3\xa9";

	cap_open(&c, OUT_JSON);
	pfi(&c, "", 0);
	c.o.len = 0;
	out_json_string(&c.o, s, sizeof(s) - 1);
	/* as bpftrace: five escapes by name, other controls as \u00XX */
	ck_assert_str_eq(c.o.buf,
		"\"a\\\"b\\\\c\\n\\t\\r\\u0008\\u000c\\u0001\x7f\xc3\xa9\"");
	c.o.len = 0;
	out_json_string(&c.o, "nul\0inside", 10);
	ck_assert_str_eq(c.o.buf, "\"nul\\u0000inside\"");
	cap_close(&c);
}
END_TEST

/* ---- maps ---- */

static const struct type *k_str[] = { &t_str8 };
static const struct type *k_two[] = { &t_str8, &t_s64 };
static const unsigned off_two[] = { 0, 8 };

/* out_map(@md, @top, @div) must print @text as text and @json as JSON (NULL:
 * that format is not checked); @hooks installs the fake stack and symbol
 * hooks. */
static void check_map(const struct out_map_data *md, uint64_t top,
		      uint64_t div, bool hooks, const char *text,
		      const char *json)
{
	enum out_format fmts[2] = { OUT_TEXT, OUT_JSON };
	const char *want[2] = { text, json };
	struct cap c;
	int i;

	for (i = 0; i < 2; i++) {
		if (!want[i])
			continue;
		cap_open(&c, fmts[i]);
		if (hooks) {
			c.o.stack_read = fake_stack;
			c.o.ksym = fake_ksym;
		}
		out_map(&c.o, md, top, div);
		ck_assert_str_eq(cap_text(&c), want[i]);
		cap_close(&c);
	}
}

/* Expected texts below are bpftrace 0.17's output for the same contents. */

START_TEST(map_rows_sorted)
{
	struct map m = { .name = "@calls", .kind = MAP_COUNT, .nkeys = 1,
			 .keys = k_str, .val = &t_u64, .key_size = 8,
			 .val_size = 8 };
	char keys[3][8] = { "read", "write", "open" };
	uint64_t vals[3] = { 30, 10, 20 };
	struct out_map_data md = { .m = &m, .n = 3, .key_size = 8,
				   .val_size = 8, .keys = keys, .vals = vals };

	check_map(&md, 0, 0, false,
		"@calls[write]: 10\n@calls[open]: 20\n@calls[read]: 30\n",
		"{\"type\": \"map\", \"data\": {\"@calls\": "
		"{\"write\": 10, \"open\": 20, \"read\": 30}}}\n");
	/* top keeps the largest, div divides */
	check_map(&md, 2, 10, false, "@calls[open]: 2\n@calls[read]: 3\n",
		  NULL);
}
END_TEST

START_TEST(map_signed_ties_multikey)
{
	struct map m = { .name = "@x", .kind = MAP_SUM, .nkeys = 2,
			 .keys = k_two, .key_off = (unsigned *)off_two,
			 .val = &t_s64, .key_size = 16, .val_size = 8 };
	struct { char s[8]; int64_t n; } keys[3] = {
		{ "b", 2 }, { "a", -1 }, { "a", 1 } };
	int64_t vals[3] = { 5, -3, 5 };
	struct out_map_data md = { .m = &m, .n = 3, .key_size = 16,
				   .val_size = 8, .keys = keys, .vals = vals };

	/* negative first; equal values ordered by key (bpftrace leaves
	 * them in hash order) */
	check_map(&md, 0, 0, false,
		"@x[a, -1]: -3\n@x[a, 1]: 5\n@x[b, 2]: 5\n",
		"{\"type\": \"map\", \"data\": {\"@x\": "
		"{\"a,-1\": -3, \"a,1\": 5, \"b,2\": 5}}}\n");
}
END_TEST

/* String values sort by key, integer keys as unsigned: -1 last. */
START_TEST(map_sort_by_key)
{
	static const struct type *k_int[] = { &t_s64 };
	struct map m = { .name = "@s", .kind = MAP_PLAIN, .nkeys = 1,
			 .keys = k_int, .val = &t_str8, .key_size = 8,
			 .val_size = 8 };
	int64_t keys[4] = { 3, 1, -1, 2 };
	char vals[4][8] = { "c", "a", "z", "bb" };
	struct out_map_data md = { .m = &m, .n = 4, .key_size = 8,
				   .val_size = 8, .keys = keys, .vals = vals };

	check_map(&md, 0, 0, false,
		"@s[1]: a\n@s[2]: bb\n@s[3]: c\n@s[-1]: z\n",
		"{\"type\": \"map\", \"data\": {\"@s\": {\"1\": \"a\", "
		"\"2\": \"bb\", \"3\": \"c\", \"-1\": \"z\"}}}\n");
}
END_TEST

START_TEST(map_keyless_and_empty)
{
	struct map m = { .name = "@total", .kind = MAP_COUNT, .val = &t_u64,
			 .key_size = 4, .val_size = 8 };
	struct map e = { .name = "@none", .kind = MAP_COUNT, .nkeys = 1,
			 .keys = k_str, .val = &t_u64, .key_size = 8,
			 .val_size = 8 };
	uint32_t key = 0;
	uint64_t v = 77;
	struct out_map_data md = { .m = &m, .n = 1, .key_size = 4,
				   .val_size = 8, .keys = &key, .vals = &v };
	struct out_map_data me = { .m = &e, .key_size = 8, .val_size = 8,
				   .keys = &key, .vals = &v };
	struct cap c;

	cap_open(&c, OUT_TEXT);
	out_map(&c.o, &md, 0, 0);
	out_map(&c.o, &me, 0, 0);
	/* an empty map is a lone newline */
	ck_assert_str_eq(cap_text(&c), "@total: 77\n\n");
	cap_close(&c);

	cap_open(&c, OUT_JSON);
	out_map(&c.o, &md, 0, 0);
	out_map(&c.o, &me, 0, 0);
	/* ... and no record at all in JSON */
	ck_assert_str_eq(cap_text(&c),
		"{\"type\": \"map\", \"data\": {\"@total\": 77}}\n");
	cap_close(&c);
}
END_TEST

/* Byte order: a narrow type in an 8-byte slot is the slot's low-order
 * end, which is its first bytes on x86_64 and arm but its last on s390x.
 * Each slot below carries a different value in its other half, so reading
 * the wrong end prints that value instead.  The suite runs natively and,
 * through scripts/cross --check, on emulated big-endian and 32-bit CPUs. */
START_TEST(slot_low_order_end)
{
	static const struct type t_s16 = { .kind = T_INT, .size = 2, .align = 2, .is_signed = true };
	struct cap c;

	cap_open(&c, OUT_TEXT);
	ck_assert_str_eq(pfslot(&c, "%u", &t_u32, 0x0000000700000005ull), "5");
	ck_assert_str_eq(pfslot(&c, "%d", &t_s32, 0x00000007fffffffbull), "-5");
	ck_assert_str_eq(pfslot(&c, "%d", &t_s16, 0x1234567800000009ull), "9");
	ck_assert_str_eq(pfslot(&c, "%u", &t_u8, 0x0102030405060742ull), "66");
	ck_assert_str_eq(pfslot(&c, "%c", &t_char, 0x5a5a5a5a5a5a5a41ull), "A");
	ck_assert_str_eq(pfslot(&c, "%s", &t_u32, 0x0000000700000005ull), "5");
	cap_close(&c);
}
END_TEST

/* print() of narrow values: each argument is a slot of its own. */
START_TEST(slot_print_args)
{
	struct event_arg args[2] = { { .type = &t_u32, .off = 8 },
				     { .type = &t_s32, .off = 16 } };
	struct event ev = { .kind = EV_PRINT, .nargs = 2, .args = args,
			    .size = 24 };
	uint64_t rec[3] = { 0, 0x0000000900000003ull, 0x00000009fffffffeull };
	struct cap c;

	cap_open(&c, OUT_TEXT);
	ck_assert_int_eq(out_event(&c.o, &ev, rec, sizeof(rec)), 0);
	ck_assert_str_eq(cap_text(&c), "3, -2\n");
	cap_close(&c);
	cap_open(&c, OUT_JSON);
	ck_assert_int_eq(out_event(&c.o, &ev, rec, sizeof(rec)), 0);
	ck_assert_str_eq(cap_text(&c), "{\"type\": \"value\", \"data\": [3,-2]}\n");
	cap_close(&c);
}
END_TEST

/* Map keys and values of narrow types are slots too; the rows sort by the
 * value's low-order end. */
START_TEST(slot_map_narrow)
{
	static const struct type *k_u32[] = { &t_u32 };
	struct map m = { .name = "@by", .kind = MAP_PLAIN, .nkeys = 1,
			 .keys = k_u32, .val = &t_s32, .key_size = 8,
			 .val_size = 8 };
	uint64_t keys[3] = { 0x1111111100000002ull, 0x2222222200000001ull,
			     0x3333333300000003ull };
	uint64_t vals[3] = { 0x00000001fffffffdull, 0x0000000000000004ull,
			     0x7777777700000000ull };
	struct out_map_data md = { .m = &m, .n = 3, .key_size = 8,
				   .val_size = 8, .keys = keys, .vals = vals };
	struct map one = { .name = "@n", .kind = MAP_PLAIN, .val = &t_u32,
			   .key_size = 4, .val_size = 8 };
	uint32_t zero = 0;
	uint64_t v = 0x0000000100000006ull;
	struct out_map_data mo = { .m = &one, .n = 1, .key_size = 4,
				   .val_size = 8, .keys = &zero, .vals = &v };
	struct cap c;

	cap_open(&c, OUT_TEXT);
	out_map(&c.o, &md, 0, 0);
	out_map(&c.o, &mo, 0, 0);
	ck_assert_str_eq(cap_text(&c), "@by[2]: -3\n@by[3]: 0\n@by[1]: 4\n@n: 6\n");
	cap_close(&c);
	cap_open(&c, OUT_JSON);
	out_map(&c.o, &md, 0, 0);
	ck_assert_str_eq(cap_text(&c), "{\"type\": \"map\", \"data\": "
			 "{\"@by\": {\"2\": -3, \"3\": 0, \"1\": 4}}}\n");
	cap_close(&c);
}
END_TEST

START_TEST(map_stack_key)
{
	static const struct type *k_stack[] = { &t_kstack };
	struct map m = { .name = "@", .kind = MAP_COUNT, .nkeys = 1,
			 .keys = k_stack, .val = &t_u64, .key_size = 8,
			 .val_size = 8 };
	int64_t key = 7;
	uint64_t v = 3;
	struct out_map_data md = { .m = &m, .n = 1, .key_size = 8,
				   .val_size = 8, .keys = &key, .vals = &v };

	/* as a key, frames are indented by 4 */
	check_map(&md, 0, 0, true,
		"@[\n    vfs_read+16\n    0xffffffff81000020\n]: 3\n",
		"{\"type\": \"map\", \"data\": {\"@\": {\"\\n    vfs_read+16"
		"\\n    0xffffffff81000020\\n\": 3}}}\n");
}
END_TEST

/* Rows of stacks and symbols are joined by nothing, as bpftrace's. */
START_TEST(map_stack_and_ksym_values)
{
	static const struct type *k_int[] = { &t_s64 };
	struct map ms = { .name = "@st", .kind = MAP_PLAIN, .nkeys = 1,
			  .keys = k_int, .val = &t_kstack, .key_size = 8,
			  .val_size = 8 };
	struct map mk = { .name = "@x", .kind = MAP_PLAIN, .nkeys = 1,
			  .keys = k_int, .val = &t_ksym, .key_size = 8,
			  .val_size = 8 };
	int64_t keys[2] = { 2, 1 };
	int64_t stacks[2] = { 7, 7 };
	uint64_t syms[2] = { 0xffffffff81000008ull, 0xffffffff81000000ull };
	struct out_map_data md = { .m = &ms, .n = 2, .key_size = 8,
				   .val_size = 8, .keys = keys, .vals = stacks };
	struct cap c;

	cap_open(&c, OUT_TEXT);
	c.o.stack_read = fake_stack;
	c.o.ksym = fake_ksym;
	out_map(&c.o, &md, 0, 0);
	md.m = &mk;
	md.vals = syms;
	out_map(&c.o, &md, 0, 0);
	ck_assert_str_eq(cap_text(&c),
		"@st[1]: \n        vfs_read+16\n        0xffffffff81000020\n"
		"@st[2]: \n        vfs_read+16\n        0xffffffff81000020\n\n"
		"@x[1]: vfs_read@x[2]: vfs_read+0x8\n");
	cap_close(&c);
}
END_TEST

START_TEST(map_stats_avg)
{
	static const struct type *k_int[] = { &t_s64 };
	struct map ms = { .name = "@s", .kind = MAP_STATS, .nkeys = 1,
			  .keys = k_int, .key_size = 8, .val_size = 16 };
	struct map ma = { .name = "@a", .kind = MAP_AVG, .key_size = 4,
			  .val_size = 16 };
	int64_t keys[2] = { 2, 1 };
	/* {count, total}: averages 400 and 4 */
	int64_t vals[4] = { 1, 400, 2, 8 };
	int64_t avg[2] = { 2, 30 };
	uint32_t k0 = 0;
	struct out_map_data md = { .m = &ms, .n = 2, .key_size = 8,
				   .val_size = 16, .keys = keys, .vals = vals };
	struct out_map_data mda = { .m = &ma, .n = 1, .key_size = 4,
				    .val_size = 16, .keys = &k0, .vals = avg };
	struct cap c;

	cap_open(&c, OUT_TEXT);
	out_map(&c.o, &md, 0, 0);
	out_map(&c.o, &mda, 0, 0);
	out_map(&c.o, &mda, 0, 5);
	ck_assert_str_eq(cap_text(&c),
		"@s[1]: count 2, average 4, total 8\n"
		"@s[2]: count 1, average 400, total 400\n\n"
		"@a: 15\n\n@a: 3\n\n");
	cap_close(&c);

	cap_open(&c, OUT_JSON);
	out_map(&c.o, &md, 0, 0);
	out_map(&c.o, &mda, 0, 0);
	ck_assert_str_eq(cap_text(&c),
		"{\"type\": \"stats\", \"data\": {\"@s\": {\"1\": {\"count\": 2, "
		"\"average\": 4, \"total\": 8}, \"2\": {\"count\": 1, "
		"\"average\": 400, \"total\": 400}}}}\n"
		"{\"type\": \"stats\", \"data\": {\"@a\": 15}}\n");
	cap_close(&c);

	/* an empty stats map: a blank line */
	md.n = 0;
	cap_open(&c, OUT_TEXT);
	out_map(&c.o, &md, 0, 0);
	ck_assert_str_eq(cap_text(&c), "\n\n");
	cap_close(&c);
}
END_TEST

START_TEST(map_tuple_values)
{
	static const struct member m1 = { .name = "1", .type = &t_str8, .off = 8 };
	static const struct member m0 = { .next = (struct member *)&m1,
					  .name = "0", .type = &t_s64 };
	static const struct type t_tup = { .kind = T_STRUCT, .size = 16,
					   .align = 8, .fmt = F_TUPLE,
					   .members = (struct member *)&m0 };
	struct map m = { .name = "@t", .kind = MAP_PLAIN, .val = &t_tup,
			 .key_size = 4, .val_size = 16 };
	struct { int64_t n; char s[8]; } v = { 5, "x" };
	uint32_t k0 = 0;
	struct out_map_data md = { .m = &m, .n = 1, .key_size = 4,
				   .val_size = 16, .keys = &k0, .vals = &v };

	check_map(&md, 0, 0, false, "@t: (5, x)\n",
		"{\"type\": \"map\", \"data\": {\"@t\": [5,\"x\"]}}\n");
	/* div divides the integers, a string stays */
	check_map(&md, 0, 2, false, "@t: (2, x)\n", NULL);
}
END_TEST

/* print(@m, top, div) on tuples: each integer divided (as bpftrace
 * does), and with a top or div the rows ranked by the sum of their
 * integers, busiest last (spry's: bpftrace keeps key order); print(@m)
 * keeps bpftrace's key order.  tcptop's @conn[...]: (RX, TX). */
START_TEST(map_tuple_top_div)
{
	static const struct type *k_u64[] = { &t_u64 };
	static const struct member m1 = { .name = "1", .type = &t_u64, .off = 8 };
	static const struct member m0 = { .next = (struct member *)&m1,
					  .name = "0", .type = &t_u64 };
	static const struct type t_tup = { .kind = T_STRUCT, .size = 16,
					   .align = 8, .fmt = F_TUPLE,
					   .members = (struct member *)&m0 };
	struct map m = { .name = "@c", .kind = MAP_PLAIN, .nkeys = 1,
			 .keys = k_u64, .val = &t_tup, .key_size = 8,
			 .val_size = 16 };
	uint64_t keys[3] = { 2, 3, 1 };
	uint64_t vals[3][2] = { { 100, 9000 }, { 7000, 1 }, { 5000, 3000 } };
	struct out_map_data md = { .m = &m, .n = 3, .key_size = 8,
				   .val_size = 16, .keys = keys, .vals = vals };

	check_map(&md, 0, 0, false,
		"@c[1]: (5000, 3000)\n@c[2]: (100, 9000)\n@c[3]: (7000, 1)\n",
		NULL);
	check_map(&md, 0, 1000, false,
		"@c[3]: (7, 0)\n@c[1]: (5, 3)\n@c[2]: (0, 9)\n",
		"{\"type\": \"map\", \"data\": {\"@c\": {\"3\": [7,0], "
		"\"1\": [5,3], \"2\": [0,9]}}}\n");
	check_map(&md, 2, 1000, false, "@c[1]: (5, 3)\n@c[2]: (0, 9)\n", NULL);
	/* top alone ranks too, undivided */
	check_map(&md, 1, 0, false, "@c[2]: (100, 9000)\n", NULL);
}
END_TEST

START_TEST(attached_and_maps_start)
{
	struct cap c;

	cap_open(&c, OUT_TEXT);
	out_attached(&c.o, 1);
	out_attached(&c.o, 3);
	out_maps_start(&c.o);
	ck_assert_str_eq(cap_text(&c),
		"Attaching 1 probe...\nAttaching 3 probes...\n\n\n");
	cap_close(&c);
	cap_open(&c, OUT_JSON);
	out_attached(&c.o, 2);
	out_maps_start(&c.o);
	ck_assert_str_eq(cap_text(&c),
		"{\"type\": \"attached_probes\", \"data\": {\"probes\": 2}}\n\n\n");
	cap_close(&c);
}
END_TEST

/* ---- histograms ---- */

START_TEST(hist_labels)
{
	struct map h = { .kind = MAP_HIST };
	struct map l = { .kind = MAP_LHIST, .lhist_min = 0, .lhist_max = 100,
			 .lhist_step = 10 };
	struct map lk = { .kind = MAP_LHIST, .lhist_min = 0,
			  .lhist_max = 8388608, .lhist_step = 1048576 };
	char b[32];

	ck_assert_str_eq(out_hist_label(&h, 0, b, sizeof(b)), "(..., 0)");
	ck_assert_str_eq(out_hist_label(&h, 1, b, sizeof(b)), "[0]");
	ck_assert_str_eq(out_hist_label(&h, 2, b, sizeof(b)), "[1]");
	ck_assert_str_eq(out_hist_label(&h, 3, b, sizeof(b)), "[2, 4)");
	ck_assert_str_eq(out_hist_label(&h, 11, b, sizeof(b)), "[512, 1K)");
	ck_assert_str_eq(out_hist_label(&h, 22, b, sizeof(b)), "[1M, 2M)");
	ck_assert_str_eq(out_hist_label(&h, 41, b, sizeof(b)), "[512G, 1T)");
	ck_assert_str_eq(out_hist_label(&h, 42, b, sizeof(b)), "[1T, 2T)");
	ck_assert_str_eq(out_hist_label(&h, 64, b, sizeof(b)),
			 "[4194304T, 8388608T)");
	ck_assert_uint_eq(out_lhist_buckets(&l), 10);
	ck_assert_str_eq(out_hist_label(&l, 0, b, sizeof(b)), "(..., 0)");
	ck_assert_str_eq(out_hist_label(&l, 4, b, sizeof(b)), "[30, 40)");
	ck_assert_str_eq(out_hist_label(&l, 11, b, sizeof(b)), "[100, ...)");
	ck_assert_str_eq(out_hist_label(&lk, 4, b, sizeof(b)), "[3M, 4M)");
	lk.lhist_max = 8192;
	lk.lhist_step = 1024;
	ck_assert_str_eq(out_hist_label(&lk, 3, b, sizeof(b)), "[2K, 3K)");
}
END_TEST

static char *bar(int n)
{
	static char b[64];

	memset(b, '@', (size_t)n);
	memset(b + n, ' ', (size_t)(52 - n));
	b[52] = '\0';
	return b;
}

static void append(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	size_t len = strlen(buf);

	va_start(ap, fmt);
	vsnprintf(buf + len, n - len, fmt, ap);
	va_end(ap);
}

START_TEST(hist_keyless)
{
	struct map m = { .name = "@h", .kind = MAP_HIST, .val = &t_u64,
			 .key_size = 8, .val_size = 8 };
	/* hist(-5), hist(0), hist(1), 3x hist(2..3), hist(1000) */
	uint64_t keys[5] = { 0, 1, 2, 3, 11 }, vals[5] = { 1, 1, 1, 3, 1 };
	struct out_map_data md = { .m = &m, .n = 5, .key_size = 8,
				   .val_size = 8, .keys = keys, .vals = vals };
	struct cap c;
	char want[2048] = "";

	cap_open(&c, OUT_TEXT);
	out_map(&c.o, &md, 0, 0);
	append(want, sizeof(want), "@h: \n");
	append(want, sizeof(want), "(..., 0)               1 |%s|\n", bar(17));
	append(want, sizeof(want), "[0]                    1 |%s|\n", bar(17));
	append(want, sizeof(want), "[1]                    1 |%s|\n", bar(17));
	append(want, sizeof(want), "[2, 4)                 3 |%s|\n", bar(52));
	append(want, sizeof(want), "[4, 8)                 0 |%s|\n", bar(0));
	append(want, sizeof(want), "[8, 16)                0 |%s|\n", bar(0));
	append(want, sizeof(want), "[16, 32)               0 |%s|\n", bar(0));
	append(want, sizeof(want), "[32, 64)               0 |%s|\n", bar(0));
	append(want, sizeof(want), "[64, 128)              0 |%s|\n", bar(0));
	append(want, sizeof(want), "[128, 256)             0 |%s|\n", bar(0));
	append(want, sizeof(want), "[256, 512)             0 |%s|\n", bar(0));
	append(want, sizeof(want), "[512, 1K)              1 |%s|\n\n", bar(17));
	ck_assert_str_eq(cap_text(&c), want);
	cap_close(&c);

	md.n = 2;
	cap_open(&c, OUT_JSON);
	out_map(&c.o, &md, 0, 0);
	ck_assert_str_eq(cap_text(&c),
		"{\"type\": \"hist\", \"data\": {\"@h\": ["
		"{\"max\": -1, \"count\": 1}, "
		"{\"min\": 0, \"max\": 0, \"count\": 1}]}}\n");
	cap_close(&c);

	/* empty: a lone newline; zeroed buckets: the header and a blank */
	md.n = 0;
	cap_open(&c, OUT_TEXT);
	out_map(&c.o, &md, 0, 0);
	vals[0] = 0;
	md.n = 1;
	out_map(&c.o, &md, 0, 0);
	ck_assert_str_eq(cap_text(&c), "\n@h: \n\n");
	cap_close(&c);
	cap_open(&c, OUT_JSON);
	out_map(&c.o, &md, 0, 0);
	ck_assert_str_eq(cap_text(&c),
			 "{\"type\": \"hist\", \"data\": {\"@h\": []}}\n");
	cap_close(&c);
}
END_TEST

START_TEST(hist_keyed)
{
	struct map m = { .name = "@lat", .kind = MAP_HIST, .nkeys = 1,
			 .keys = k_str, .val = &t_u64, .key_size = 16,
			 .val_size = 8 };
	struct { char s[8]; uint64_t b; } keys[3] = {
		{ "read", 4 }, { "write", 2 }, { "read", 5 } };
	uint64_t vals[3] = { 4, 2, 4 };
	struct out_map_data md = { .m = &m, .n = 3, .key_size = 16,
				   .val_size = 8, .keys = keys, .vals = vals };
	struct cap c;
	char want[1024] = "";

	cap_open(&c, OUT_TEXT);
	out_map(&c.o, &md, 0, 0);
	/* entries by total ascending: write (2) before read (8) */
	append(want, sizeof(want), "@lat[write]: \n[1]                    2 |%s|\n\n",
	       bar(52));
	append(want, sizeof(want), "@lat[read]: \n[4, 8)                 4 |%s|\n",
	       bar(52));
	append(want, sizeof(want), "[8, 16)                4 |%s|\n\n", bar(52));
	ck_assert_str_eq(cap_text(&c), want);
	cap_close(&c);

	cap_open(&c, OUT_JSON);
	out_map(&c.o, &md, 0, 0);
	ck_assert_str_eq(cap_text(&c),
		"{\"type\": \"hist\", \"data\": {\"@lat\": {"
		"\"write\": [{\"min\": 1, \"max\": 1, \"count\": 2}], "
		"\"read\": [{\"min\": 4, \"max\": 7, \"count\": 4}, "
		"{\"min\": 8, \"max\": 15, \"count\": 4}]}}}\n");
	cap_close(&c);

	/* top 1: the largest entry only */
	cap_open(&c, OUT_TEXT);
	out_map(&c.o, &md, 1, 0);
	ck_assert_ptr_null(strstr(cap_text(&c), "write"));
	ck_assert_ptr_nonnull(strstr(cap_text(&c), "@lat[read]: \n"));
	cap_close(&c);
}
END_TEST

START_TEST(lhist_layout)
{
	struct map m = { .name = "@l", .kind = MAP_LHIST, .val = &t_u64,
			 .key_size = 8, .val_size = 8, .lhist_min = 0,
			 .lhist_max = 100, .lhist_step = 10 };
	/* lhist(-3), lhist(150), 2x lhist(35..36) */
	uint64_t keys[3] = { 0, 11, 4 }, vals[3] = { 1, 1, 2 };
	struct out_map_data md = { .m = &m, .n = 3, .key_size = 8,
				   .val_size = 8, .keys = keys, .vals = vals };
	struct cap c;
	char want[2048] = "";
	int i;

	cap_open(&c, OUT_TEXT);
	out_map(&c.o, &md, 0, 0);
	append(want, sizeof(want), "@l: \n(..., 0)               1 |%s|\n",
	       bar(26));
	for (i = 0; i < 10; i++) {
		char lab[16];

		snprintf(lab, sizeof(lab), "[%d, %d)", i * 10, i * 10 + 10);
		append(want, sizeof(want), "%-16s%8d |%s|\n", lab,
		       i == 3 ? 2 : 0, bar(i == 3 ? 52 : 0));
	}
	append(want, sizeof(want), "[100, ...)             1 |%s|\n\n", bar(26));
	ck_assert_str_eq(cap_text(&c), want);
	cap_close(&c);

	cap_open(&c, OUT_JSON);
	md.n = 2;
	keys[1] = 4;
	out_map(&c.o, &md, 0, 0);
	ck_assert_str_eq(cap_text(&c),
		"{\"type\": \"hist\", \"data\": {\"@l\": ["
		"{\"max\": -1, \"count\": 1}, "
		"{\"min\": 0, \"max\": 9, \"count\": 0}, "
		"{\"min\": 10, \"max\": 19, \"count\": 0}, "
		"{\"min\": 20, \"max\": 29, \"count\": 0}, "
		"{\"min\": 30, \"max\": 39, \"count\": 1}]}}\n");
	cap_close(&c);
}
END_TEST

/* ---- bpftrace's value formats (B2) ---- */

static const struct type t_inet = { .kind = T_ARRAY, .size = 24, .align = 1, .base = &t_u8, .len = 24, .fmt = F_INET };
static const struct type t_mac = { .kind = T_ARRAY, .size = 6, .align = 1, .base = &t_u8, .len = 6, .fmt = F_MACADDR };
static const struct type t_buf4 = { .kind = T_ARRAY, .size = 12, .align = 1, .base = &t_u8, .len = 12, .fmt = F_BUF };
static const struct type t_usym_at = { .kind = T_ARRAY, .size = 16, .align = 1, .base = &t_u8, .len = 16, .fmt = F_USYM_AT };
static const struct type t_ksym_name = { .kind = T_INT, .size = 8, .align = 8, .fmt = F_KSYM_NAME };
static const struct type t_kstack_perf = { .kind = T_INT, .size = 8, .align = 8, .is_signed = true, .fmt = F_KSTACK_PERF, .frames = 2 };
static const struct type t_ustack_perf = { .kind = T_INT, .size = 8, .align = 8, .fmt = F_USTACK_PERF };
static const struct type t_strftime = { .kind = T_INT, .size = 8, .align = 8, .fmt = F_STRFTIME, .timefmt = "%Y-%m-%d %H:%M:%S.%f|%%f" };

static const char *fake_usym(void *ctx, uint64_t addr, uint32_t pid, char *buf,
			     size_t n, uint64_t *off)
{
	if (pid != 42 || addr < 0x1000 || addr >= 0x1100)
		return NULL;
	snprintf(buf, n, "main");
	*off = addr - 0x1000;
	return buf;
}

static const char *fake_uobj(void *ctx, uint64_t addr, uint32_t pid)
{
	return addr < 0x1100 ? "/bin/prog" : NULL;
}

static int fake_ustack(void *ctx, uint64_t id, bool user, unsigned frames,
		       uint64_t *ips, unsigned max)
{
	ck_assert(user);
	ips[0] = 0x1010;
	ips[1] = 0x7f00;
	return 2;
}

START_TEST(b2_formats)
{
	struct cap c;
	uint8_t b[24] = { 0 };
	uint64_t v, af;

	cap_open(&c, OUT_TEXT);
	/* ntop: by the family in the first 8 bytes (a u64 in the machine's
	 * order, as the program stores it), inet_ntop's text */
	af = 2;
	memcpy(b, &af, 8);
	memcpy(b + 8, "\x7f\x00\x00\x01", 4);
	ck_assert_str_eq(val(&c, &t_inet, b), "127.0.0.1");
	af = 10;
	memcpy(b, &af, 8);
	memset(b + 8, 0, 16);
	b[23] = 1;
	ck_assert_str_eq(val(&c, &t_inet, b), "::1");
	b[8] = 0xfe, b[9] = 0x80;
	ck_assert_str_eq(val(&c, &t_inet, b), "fe80::1");
	b[0] = 7;
	ck_assert_str_eq(val(&c, &t_inet, b), "");
	/* macaddr: upper-case hex */
	ck_assert_str_eq(val(&c, &t_mac, "\x18\xc0\x4d\x08\x2e\xbb"),
			 "18:C0:4D:08:2E:BB");
	/* buf: its own length (3 of 4), printable bytes as they are */
	memset(b, 0, sizeof(b));
	v = 3;			/* the length: a u64 in the machine's order */
	memcpy(b, &v, 8);
	memcpy(b + 8, "a\n\\z", 4);
	ck_assert_str_eq(val(&c, &t_buf4, b), "a\\x0a\\");
	ck_assert_str_eq(pf1(&c, "[%r|%rx]", &t_buf4, b, 12), "[a\\x0a\\|%rx]");
	ck_assert_str_eq(pf1(&c, "[%rx]", &t_buf4, b, 12), "[\\x61\\x0a\\x5c]");
	ck_assert_str_eq(pf1(&c, "[%rh]", &t_buf4, b, 12), "[61 0a 5c]");
	/* %r with a width: as printf(3) prints an unknown conversion */
	ck_assert_str_eq(pf1(&c, "[%5r]", &t_buf4, b, 12), "[%5r]");
	/* a length past the data is cut at the data */
	v = 200;
	memcpy(b, &v, 8);
	ck_assert_str_eq(val(&c, &t_buf4, b), "a\\x0a\\z");

	/* ksym(): the name alone, whatever the offset */
	c.o.ksym = fake_ksym;
	v = 0xffffffff81000010ull;
	ck_assert_str_eq(val(&c, &t_ksym_name, &v), "vfs_read");
	/* usym(): {addr, tgid}, named in that process */
	c.o.usym = fake_usym;
	v = 0x1008;
	memcpy(b, &v, 8);
	v = 42;
	memcpy(b + 8, &v, 8);
	ck_assert_str_eq(val(&c, &t_usym_at, b), "main");
	v = 43;
	memcpy(b + 8, &v, 8);
	ck_assert_str_eq(val(&c, &t_usym_at, b), "0x1008");

	/* perf's stacks: a tab, the address, the frame; user frames name
	 * their object */
	c.o.stack_read = fake_stack;
	v = 7;
	ck_assert_str_eq(val(&c, &t_kstack_perf, &v),
			 "\n\tffffffff81000010 vfs_read+16\n"
			 "\tffffffff81000020 0xffffffff81000020\n");
	c.o.stack_read = fake_ustack;
	c.o.uobj = fake_uobj;
	v = 42ull << 32 | 1;
	ck_assert_str_eq(val(&c, &t_ustack_perf, &v),
			 "\n\t1010 main+16 (/bin/prog)\n"
			 "\t7f00 0x7f00 ([unknown])\n");

	/* strftime(): boot ns plus the offset to the wall clock, with %f */
	c.o.boot_to_real_ns = 0;
	setenv("TZ", "UTC", 1);
	tzset();
	v = 86400ull * 1000000000ull + 1234567;
	ck_assert_str_eq(val(&c, &t_strftime, &v),
			 "1970-01-02 00:00:00.001234|%f");
	cap_close(&c);

	/* JSON: quoted text */
	cap_open(&c, OUT_JSON);
	{
		struct event_arg a = { .type = &t_inet, .off = 8 };
		struct event e = { .kind = EV_PRINT, .nargs = 1, .args = &a,
				   .size = 32 };
		uint8_t r[32] = { 0 };

		af = 2;
		memcpy(r + 8, &af, 8);
		memcpy(r + 16, "\x0a\x00\x00\x01", 4);
		out_event(&c.o, &e, r, sizeof(r));
		ck_assert_str_eq(cap_text(&c),
				 "{\"type\": \"value\", \"data\": \"10.0.0.1\"}\n");
	}
	cap_close(&c);
}
END_TEST

START_TEST(b2_events)
{
	struct cap c;
	struct event et = { .kind = EV_TIME, .fmt = "", .size = 8 };
	struct event ej = { .kind = EV_JOIN, .fmt = ", ", .size = 16 };
	uint8_t r[64] = { 0 };
	uint64_t n = 9;
	char *s;

	memcpy(r + 8, &n, 8);
	memcpy(r + 16, "ab\0c\0\0de\0", 9);

	cap_open(&c, OUT_TEXT);
	/* the packed strings, len bytes of them: "ab", "c", "", "de" */
	ck_assert_int_eq(out_event(&c.o, &ej, r, sizeof(r)), 0);
	ck_assert_int_eq(out_event(&c.o, &et, r, sizeof(r)), 0);
	out_raw(&c.o, "cat", "file\n", 5);
	ck_assert_str_eq(cap_text(&c), "ab, c, , de\nfile\n");
	cap_close(&c);

	cap_open(&c, OUT_JSON);
	out_event(&c.o, &ej, r, sizeof(r));
	et.fmt = "x\n";
	out_event(&c.o, &et, r, sizeof(r));
	out_raw(&c.o, "syscall", "out\n", 4);
	ck_assert_str_eq(cap_text(&c),
		"{\"type\": \"join\", \"data\": \"ab, c, , de\"}\n"
		"{\"type\": \"time\", \"data\": \"x\\n\"}\n"
		"{\"type\": \"syscall\", \"data\": \"out\\n\"}\n");
	cap_close(&c);

	/* cat()'s path from its format and arguments */
	cap_open(&c, OUT_TEXT);
	{
		struct event_arg a = { .type = &t_s64, .off = 8 };
		struct event ec = { .kind = EV_CAT, .fmt = "/proc/%d/maps",
				    .nargs = 1, .args = &a, .size = 16 };
		int64_t pid = 12;

		memcpy(r + 8, &pid, 8);
		s = out_event_text(&c.o, &ec, r, 16);
		ck_assert_str_eq(s, "/proc/12/maps");
		free(s);
	}
	cap_close(&c);
}
END_TEST

static Suite *output_suite(void)
{
	Suite *s = suite_create("output");
	TCase *tc = tcase_create("printf");

	tcase_add_test(tc, printf_signed);
	tcase_add_test(tc, printf_unsigned);
	tcase_add_test(tc, printf_narrow);
	tcase_add_test(tc, printf_char_string);
	tcase_add_test(tc, printf_enum_name);
	tcase_add_test(tc, printf_pointer_v_percent);
	tcase_add_test(tc, printf_never_crashes);
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	tcase_add_test(tc, default_formats);
	tcase_add_test(tc, event_lines_by_cpu);
	tcase_add_test(tc, event_printf_print);
	tcase_add_test(tc, json_escaping);
	suite_add_tcase(s, tc);

	tc = tcase_create("maps");
	tcase_add_test(tc, map_rows_sorted);
	tcase_add_test(tc, map_signed_ties_multikey);
	tcase_add_test(tc, map_sort_by_key);
	tcase_add_test(tc, map_keyless_and_empty);
	tcase_add_test(tc, map_stack_key);
	tcase_add_test(tc, map_stack_and_ksym_values);
	tcase_add_test(tc, map_stats_avg);
	tcase_add_test(tc, map_tuple_values);
	tcase_add_test(tc, map_tuple_top_div);
	tcase_add_test(tc, attached_and_maps_start);
	tcase_add_test(tc, slot_low_order_end);
	tcase_add_test(tc, slot_print_args);
	tcase_add_test(tc, slot_map_narrow);
	tcase_add_test(tc, hist_labels);
	tcase_add_test(tc, hist_keyless);
	tcase_add_test(tc, hist_keyed);
	tcase_add_test(tc, lhist_layout);
	suite_add_tcase(s, tc);

	tc = tcase_create("bpftrace's builtins (B2)");
	tcase_add_test(tc, b2_formats);
	tcase_add_test(tc, b2_events);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(output_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
