/* check_output.c - the output layer on hand-built events and maps.
 *
 * Types are built here as plain struct literals, so this suite depends on
 * nothing but output.c.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "arena.h"
#include "output.h"
#include "provider.h"
#include "runtime.h"
#include "script.h"
#include "type.h"

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
	ck_assert_str_eq(pfi(&c, "%d", INT64_MIN), "-9223372036854775808");
	/* '#' means nothing for %d: dropped, not passed to the host */
	ck_assert_str_eq(pfi(&c, "%#d", 3), "3");
	cap_close(&c);
}
END_TEST

START_TEST(printf_unsigned)
{
	struct cap c;

	cap_open(&c, OUT_TEXT);
	ck_assert_str_eq(pfu(&c, "%u", UINT64_MAX), "18446744073709551615");
	ck_assert_str_eq(pfi(&c, "%u", -1), "18446744073709551615");
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
	/* narrow slots extend by their own signedness */
	ck_assert_str_eq(pfslot(&c, "%d", &t_u32, 0xffffffffu), "4294967295");
	ck_assert_str_eq(pfslot(&c, "%d", &t_s32, (uint64_t)-1), "-1");
	ck_assert_str_eq(pfslot(&c, "%x", &t_s32, (uint64_t)-1),
			 "ffffffffffffffff");
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
	c->o.buf[0] = '\0';
	out_format_value(&c->o, t, v);
	return c->o.buf;
}

static int fake_stack(void *ctx, uint64_t id, bool user, uint64_t *ips,
		      unsigned max)
{
	if (id != 7)
		return 0;
	ips[0] = 0xffffffff81000010ull;
	ips[1] = 0xffffffff81000020ull;
	return 2;
}

static const char *fake_ksym(void *ctx, uint64_t addr, char *buf, size_t n)
{
	if (addr != 0xffffffff81000010ull)
		return NULL;
	snprintf(buf, n, "vfs_read+0x10");
	return buf;
}

START_TEST(default_formats)
{
	struct cap c;
	uint64_t v;
	int64_t sv = -7;
	char ch = 'x';
	const uint8_t mem[4] = { 0xde, 0xad, 0xbe, 0xef };

	setenv("TZ", "UTC", 1);
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

	/* walltime: boot ns + offset, local time (UTC here) */
	c.o.boot_to_real_ns = 0;
	v = 86400ull * 1000000000ull + 123456789ull;
	ck_assert_str_eq(val(&c, &t_wall, &v), "1970-01-02 00:00:00.123456");
	c.o.boot_to_real_ns = 1000000000LL * 1795540801LL;	/* 2026-11-24 */
	v = 123000;
	ck_assert_str_eq(val(&c, &t_wall, &v), "2026-11-24 17:20:01.000123");

	/* stacks: no hook -> the id; with hooks, frames a line each */
	v = 7;
	ck_assert_str_eq(val(&c, &t_kstack, &v), "<stack 7>");
	sv = -14;
	ck_assert_str_eq(val(&c, &t_kstack, &sv), "<no stack>");
	/* a user stack's error is in the low half, below the tgid (the
	 * kernels without a user stack walk: s390x 6.1, mips) */
	v = (42ull << 32) | (uint32_t)-14;
	ck_assert_str_eq(val(&c, &type_ustack, &v), "<no stack>");
	v = 42ull << 32 | 7;
	ck_assert_str_eq(val(&c, &type_ustack, &v), "<stack 180388626439>");
	v = 7;
	c.o.stack_read = fake_stack;
	ck_assert_str_eq(val(&c, &t_kstack, &v),
			 "\n        0xffffffff81000010\n        0xffffffff81000020\n");
	c.o.ksym = fake_ksym;
	ck_assert_str_eq(val(&c, &t_kstack, &v),
			 "\n        vfs_read+0x10\n        0xffffffff81000020\n");
	v = 0xffffffff81000010ull;
	ck_assert_str_eq(val(&c, &t_ksym, &v), "vfs_read+0x10");
	cap_close(&c);
}
END_TEST

/* ---- events ---- */

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
	ck_assert_str_eq(cap_text(&c),
		"{\"type\": \"printf\", \"data\": \"pid 42 comm sh\\\"\\n\\n\"}\n"
		"{\"type\": \"value\", \"data\": [42, \"sh\\\"\\n\", 9]}\n"
		"{\"type\": \"value\", \"data\": \"sh\\\"\\n\"}\n"
		"{\"type\": \"lost_events\", \"data\": {\"events\": 12}}\n");
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
	ck_assert_str_eq(c.o.buf,
		"\"a\\\"b\\\\c\\n\\t\\r\\b\\f\\u0001\\u007f\xc3\xa9\"");
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

START_TEST(map_rows_sorted)
{
	struct map m = { .name = "@calls", .kind = MAP_COUNT, .nkeys = 1,
			 .keys = k_str, .val = &t_u64, .key_size = 8,
			 .val_size = 8 };
	char keys[3][8] = { "read", "write", "open" };
	uint64_t vals[3] = { 30, 10, 20 };
	struct out_map_data md = { .m = &m, .n = 3, .key_size = 8,
				   .val_size = 8, .keys = keys, .vals = vals };
	struct cap c;

	cap_open(&c, OUT_TEXT);
	out_map(&c.o, &md);
	ck_assert_str_eq(cap_text(&c),
			 "@calls:\nwrite: 10\nopen: 20\nread: 30\n\n");
	cap_close(&c);

	cap_open(&c, OUT_JSON);
	out_map(&c.o, &md);
	ck_assert_str_eq(cap_text(&c),
		"{\"type\": \"map\", \"data\": {\"@calls\": "
		"{\"write\": 10, \"open\": 20, \"read\": 30}}}\n");
	cap_close(&c);
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
	struct cap c;

	cap_open(&c, OUT_TEXT);
	out_map(&c.o, &md);
	/* negative first; equal values ordered by key bytes */
	ck_assert_str_eq(cap_text(&c),
			 "@x:\n[a, -1]: -3\n[a, 1]: 5\n[b, 2]: 5\n\n");
	cap_close(&c);

	cap_open(&c, OUT_JSON);
	out_map(&c.o, &md);
	ck_assert_str_eq(cap_text(&c),
		"{\"type\": \"map\", \"data\": {\"@x\": "
		"{\"a,-1\": -3, \"a,1\": 5, \"b,2\": 5}}}\n");
	cap_close(&c);
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
	out_map(&c.o, &md);
	out_map(&c.o, &me);
	ck_assert_str_eq(cap_text(&c), "@total: 77\n@none:\n\n");
	cap_close(&c);

	cap_open(&c, OUT_JSON);
	out_map(&c.o, &md);
	out_map(&c.o, &me);
	ck_assert_str_eq(cap_text(&c),
		"{\"type\": \"map\", \"data\": {\"@total\": 77}}\n"
		"{\"type\": \"map\", \"data\": {\"@none\": {}}}\n");
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
	ck_assert_str_eq(cap_text(&c), "{\"type\": \"value\", \"data\": [3, -2]}\n");
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
	out_map(&c.o, &md);
	out_map(&c.o, &mo);
	ck_assert_str_eq(cap_text(&c), "@by:\n2: -3\n3: 0\n1: 4\n\n@n: 6\n");
	cap_close(&c);
	cap_open(&c, OUT_JSON);
	out_map(&c.o, &md);
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
	struct cap c;

	cap_open(&c, OUT_TEXT);
	c.o.stack_read = fake_stack;
	out_map(&c.o, &md);
	ck_assert_str_eq(cap_text(&c),
		"@:\n[\n        0xffffffff81000010\n        0xffffffff81000020\n]: 3\n\n");
	cap_close(&c);

	cap_open(&c, OUT_JSON);
	c.o.stack_read = fake_stack;
	out_map(&c.o, &md);
	ck_assert_str_eq(cap_text(&c),
		"{\"type\": \"map\", \"data\": {\"@\": {\"\\n        0xffffffff81000010"
		"\\n        0xffffffff81000020\\n\": 3}}}\n");
	cap_close(&c);
}
END_TEST

/* ---- histograms ---- */

START_TEST(hist_bounds)
{
	char b[16];

	ck_assert_str_eq(out_hist_bound(-1, b, sizeof(b)), "0");
	ck_assert_str_eq(out_hist_bound(0, b, sizeof(b)), "1");
	ck_assert_str_eq(out_hist_bound(9, b, sizeof(b)), "512");
	ck_assert_str_eq(out_hist_bound(10, b, sizeof(b)), "1k");
	ck_assert_str_eq(out_hist_bound(13, b, sizeof(b)), "8k");
	ck_assert_str_eq(out_hist_bound(14, b, sizeof(b)), "16k");
	ck_assert_str_eq(out_hist_bound(20, b, sizeof(b)), "1M");
	ck_assert_str_eq(out_hist_bound(39, b, sizeof(b)), "512G");
	ck_assert_str_eq(out_hist_bound(40, b, sizeof(b)), "1T");
	ck_assert_str_eq(out_hist_bound(63, b, sizeof(b)), "8E");
	ck_assert_str_eq(out_hist_bound(64, b, sizeof(b)), "16E");
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

START_TEST(hist_keyless)
{
	struct map m = { .name = "@lat", .kind = MAP_QUANTIZE, .val = &t_u64,
			 .key_size = 8, .val_size = 8 };
	/* buckets 14 ([8k, 16k)) x10 and 12 ([2k, 4k)) x5; 13 empty */
	uint64_t keys[2] = { 14, 12 }, vals[2] = { 10, 5 };
	struct out_map_data md = { .m = &m, .n = 2, .key_size = 8,
				   .val_size = 8, .keys = keys, .vals = vals };
	struct cap c;
	char want[512];

	cap_open(&c, OUT_TEXT);
	out_map(&c.o, &md);
	snprintf(want, sizeof(want),
		 "@lat:\n"
		 "[2k, 4k)               5 |%s|\n", bar(26));
	snprintf(want + strlen(want), sizeof(want) - strlen(want),
		 "[4k, 8k)               0 |%s|\n", bar(0));
	snprintf(want + strlen(want), sizeof(want) - strlen(want),
		 "[8k, 16k)             10 |%s|\n\n", bar(52));
	ck_assert_str_eq(cap_text(&c), want);
	cap_close(&c);

	cap_open(&c, OUT_JSON);
	out_map(&c.o, &md);
	ck_assert_str_eq(cap_text(&c),
		"{\"type\": \"hist\", \"data\": {\"@lat\": ["
		"{\"min\": 2048, \"max\": 4095, \"count\": 5}, "
		"{\"min\": 4096, \"max\": 8191, \"count\": 0}, "
		"{\"min\": 8192, \"max\": 16383, \"count\": 10}]}}\n");
	cap_close(&c);
}
END_TEST

START_TEST(hist_edges)
{
	struct map m = { .name = "@h", .kind = MAP_QUANTIZE, .val = &t_u64,
			 .key_size = 8, .val_size = 8 };
	uint64_t keys[3] = { 0, 1, 64 }, vals[3] = { 3, 1, 1 };
	struct out_map_data md = { .m = &m, .n = 2, .key_size = 8,
				   .val_size = 8, .keys = keys, .vals = vals };
	struct cap c;
	char want[512];

	cap_open(&c, OUT_TEXT);
	out_map(&c.o, &md);
	snprintf(want, sizeof(want), "@h:\n[0, 1)                 3 |%s|\n",
		 bar(52));
	snprintf(want + strlen(want), sizeof(want) - strlen(want),
		 "[1, 2)                 1 |%s|\n\n", bar(17));
	ck_assert_str_eq(cap_text(&c), want);
	cap_close(&c);

	md.n = 3;
	cap_open(&c, OUT_JSON);
	out_map(&c.o, &md);
	ck_assert_ptr_nonnull(strstr(cap_text(&c),
		"{\"min\": 0, \"max\": 0, \"count\": 3}, "
		"{\"min\": 1, \"max\": 1, \"count\": 1}, "
		"{\"min\": 2, \"max\": 3, \"count\": 0}"));
	ck_assert_ptr_nonnull(strstr(cap_text(&c),
		"{\"min\": 9223372036854775808, \"max\": 18446744073709551615, "
		"\"count\": 1}]}}\n"));
	cap_close(&c);

	/* an empty histogram: just the header */
	md.n = 0;
	cap_open(&c, OUT_TEXT);
	out_map(&c.o, &md);
	ck_assert_str_eq(cap_text(&c), "@h:\n\n");
	cap_close(&c);
	cap_open(&c, OUT_JSON);
	out_map(&c.o, &md);
	ck_assert_str_eq(cap_text(&c),
			 "{\"type\": \"hist\", \"data\": {\"@h\": []}}\n");
	cap_close(&c);
}
END_TEST

START_TEST(hist_keyed)
{
	struct map m = { .name = "@lat", .kind = MAP_QUANTIZE, .nkeys = 1,
			 .keys = k_str, .val = &t_u64, .key_size = 16,
			 .val_size = 8 };
	struct { char s[8]; uint64_t b; } keys[3] = {
		{ "read", 3 }, { "write", 1 }, { "read", 4 } };
	uint64_t vals[3] = { 4, 2, 4 };
	struct out_map_data md = { .m = &m, .n = 3, .key_size = 16,
				   .val_size = 8, .keys = keys, .vals = vals };
	struct cap c;
	char want[1024];

	cap_open(&c, OUT_TEXT);
	out_map(&c.o, &md);
	/* groups by total ascending: write (2) before read (8) */
	snprintf(want, sizeof(want),
		 "@lat:\nwrite:\n[1, 2)                 2 |%s|\n\n", bar(52));
	snprintf(want + strlen(want), sizeof(want) - strlen(want),
		 "read:\n[4, 8)                 4 |%s|\n", bar(52));
	snprintf(want + strlen(want), sizeof(want) - strlen(want),
		 "[8, 16)                4 |%s|\n\n", bar(52));
	ck_assert_str_eq(cap_text(&c), want);
	cap_close(&c);

	cap_open(&c, OUT_JSON);
	out_map(&c.o, &md);
	ck_assert_str_eq(cap_text(&c),
		"{\"type\": \"hist\", \"data\": {\"@lat\": {"
		"\"write\": [{\"min\": 1, \"max\": 1, \"count\": 2}], "
		"\"read\": [{\"min\": 4, \"max\": 7, \"count\": 4}, "
		"{\"min\": 8, \"max\": 15, \"count\": 4}]}}}\n");
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
	tcase_add_test(tc, printf_pointer_v_percent);
	tcase_add_test(tc, printf_never_crashes);
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	tcase_add_test(tc, default_formats);
	tcase_add_test(tc, event_printf_print);
	tcase_add_test(tc, json_escaping);
	suite_add_tcase(s, tc);

	tc = tcase_create("maps");
	tcase_add_test(tc, map_rows_sorted);
	tcase_add_test(tc, map_signed_ties_multikey);
	tcase_add_test(tc, map_keyless_and_empty);
	tcase_add_test(tc, map_stack_key);
	tcase_add_test(tc, slot_low_order_end);
	tcase_add_test(tc, slot_print_args);
	tcase_add_test(tc, slot_map_narrow);
	tcase_add_test(tc, hist_bounds);
	tcase_add_test(tc, hist_keyless);
	tcase_add_test(tc, hist_edges);
	tcase_add_test(tc, hist_keyed);
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
