/* check_type.c - the type system: singletons, C declarations, relations,
 * names and struct layout. */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "arena.h"
#include "type.h"
#include "unit.h"

static struct arena *A;

static void setup(void)
{
	A = arena_new();
}

static void teardown(void)
{
	arena_free(A);
	A = NULL;
}

static const char *name_of(const struct type *t)
{
	static char buf[128];

	return type_name(t, buf, sizeof(buf));
}

/* type_from_c(decl, size, signed) must be named @want */
#define ASSERT_C(decl, size, sgn, want)					\
	ck_assert_str_eq(name_of(type_from_c(A, decl, size, sgn)), want)

START_TEST(test_singletons)
{
	ck_assert_ptr_eq(type_int(1, true), &type_s8);
	ck_assert_ptr_eq(type_int(1, false), &type_u8);
	ck_assert_ptr_eq(type_int(2, true), &type_s16);
	ck_assert_ptr_eq(type_int(4, false), &type_u32);
	ck_assert_ptr_eq(type_int(8, true), &type_s64);
	ck_assert_ptr_eq(type_int(8, false), &type_u64);
	ck_assert_uint_eq(type_u16.size, 2);
	ck_assert_uint_eq(type_u16.align, 2);
	ck_assert(type_char.is_signed);
	ck_assert_int_eq(type_char.fmt, F_CHAR);
	ck_assert_uint_eq(type_char.size, 1);
	ck_assert_int_eq(type_ksym.fmt, F_KSYM);
	ck_assert(!type_ksym.is_signed);
	ck_assert_int_eq(type_kstack.fmt, F_KSTACK);
	ck_assert(type_kstack.is_signed);
	ck_assert_int_eq(type_ustack.fmt, F_USTACK);
	ck_assert_int_eq(type_walltime.fmt, F_WALLTIME);
	ck_assert_uint_eq(type_walltime.size, 8);
	ck_assert_int_eq(type_void.kind, T_VOID);
}
END_TEST

START_TEST(test_constructors)
{
	const struct type *p = type_ptr(A, &type_char, AS_USER);
	const struct type *s = type_string(A, 16);
	const struct type *arr = type_array(A, &type_u32, 5);
	const struct type *k;

	ck_assert_int_eq(p->kind, T_PTR);
	ck_assert_uint_eq(p->size, 8);
	ck_assert_int_eq(p->space, AS_USER);
	ck_assert_ptr_eq(p->base, &type_char);
	ck_assert(type_is_string(s));
	ck_assert_uint_eq(s->size, 16);
	ck_assert_uint_eq(s->len, 16);
	ck_assert(!type_is_string(arr));
	ck_assert_uint_eq(arr->size, 20);
	ck_assert_uint_eq(arr->align, 4);

	/* formats of singletons are singletons; others are copies */
	ck_assert_ptr_eq(type_with_fmt(A, &type_u64, F_KSYM), &type_ksym);
	ck_assert_ptr_eq(type_with_fmt(A, &type_ksym, F_NONE), &type_u64);
	ck_assert_ptr_eq(type_with_fmt(A, &type_s8, F_CHAR), &type_char);
	k = type_with_fmt(A, &type_u32, F_KSYM);
	ck_assert_int_eq(k->fmt, F_KSYM);
	ck_assert_uint_eq(k->size, 4);
	ck_assert_int_eq(type_u32.fmt, F_NONE);
}
END_TEST

START_TEST(test_from_c_ints)
{
	ASSERT_C("unsigned int", 4, false, "u32");
	ASSERT_C("int", 4, true, "s32");
	ASSERT_C("unsigned long", 8, false, "u64");
	ASSERT_C("long", 8, true, "s64");
	ASSERT_C("long long", 8, true, "s64");
	ASSERT_C("unsigned long long", 8, false, "u64");
	ASSERT_C("short", 2, true, "s16");
	ASSERT_C("unsigned short", 2, false, "u16");
	ASSERT_C("unsigned char", 1, false, "u8");
	ASSERT_C("signed char", 1, true, "s8");
	ASSERT_C("char", 1, true, "char");
	ASSERT_C("unsigned", 4, false, "u32");
	ASSERT_C("bool", 1, false, "u8");
	ASSERT_C("_Bool", 1, false, "u8");
	ASSERT_C("pid_t", 4, true, "s32");
	ASSERT_C("size_t", 8, false, "u64");
	ASSERT_C("gfp_t", 4, false, "u32");
	ASSERT_C("u8", 1, false, "u8");
	ASSERT_C("s64", 8, true, "s64");
	ASSERT_C("__u16", 2, false, "u16");
	ASSERT_C("const unsigned int", 4, false, "u32");
	/* the format file's size wins: "long" on a 32-bit kernel */
	ASSERT_C("long", 4, true, "s32");
	ASSERT_C("unsigned long", 4, false, "u32");
	/* unknown typedefs: whatever size and sign the format says */
	ASSERT_C("blk_status_t", 1, false, "u8");
	ASSERT_C("some_weird_t", 2, true, "s16");
	ASSERT_C("enum hrtimer_mode", 4, false, "u32");
	/* size 0: the declaration alone decides (syscall records) */
	ASSERT_C("int", 0, true, "s32");
	ASSERT_C("unsigned long", 0, false, "u64");
	ASSERT_C("umode_t", 0, false, "u16");
	ASSERT_C("enum foo", 0, false, "u32");
	ASSERT_C("mystery_t", 0, true, "s64");
}
END_TEST

START_TEST(test_from_c_pointers)
{
	const struct type *t;

	ASSERT_C("const char *", 8, false, "char *");
	ASSERT_C("char *", 8, false, "char *");
	ASSERT_C("void *", 8, false, "void *");
	ASSERT_C("const char *const *", 8, false, "char **");
	ASSERT_C("struct task_struct *", 8, false, "struct task_struct *");
	ASSERT_C("unsigned long *", 8, false, "u64 *");

	t = type_from_c(A, "const char *", 8, false);
	ck_assert_int_eq(t->kind, T_PTR);
	ck_assert_int_eq(t->space, AS_KERNEL);
	ck_assert_ptr_eq(t->base, &type_char);
	t = type_from_c(A, "struct file *", 8, false);
	ck_assert_int_eq(t->base->kind, T_STRUCT);
	ck_assert_str_eq(t->base->name, "file");
	ck_assert_ptr_null(t->base->members);
}
END_TEST

START_TEST(test_from_c_arrays)
{
	const struct type *t;

	ASSERT_C("char[16]", 16, true, "char[16]");
	ASSERT_C("u8[6]", 6, false, "u8[6]");
	ASSERT_C("char [16]", 16, true, "char[16]");
	ASSERT_C("unsigned char[6]", 6, false, "u8[6]");
	ASSERT_C("u32[4]", 16, false, "u32[4]");
	ASSERT_C("int[2][3]", 24, true, "s32[2][3]");
	/* no length: the size decides */
	ASSERT_C("char[]", 32, true, "char[32]");
	/* unknown element typedef: element size from size / count */
	ASSERT_C("foo_t[4]", 8, false, "u16[4]");

	t = type_from_c(A, "char[16]", 16, true);
	ck_assert(type_is_string(t));
	ck_assert_uint_eq(t->size, 16);
	t = type_from_c(A, "int[2][3]", 24, true);
	ck_assert_uint_eq(t->len, 2);
	ck_assert_uint_eq(t->base->len, 3);
	ck_assert_uint_eq(t->size, 24);
}
END_TEST

START_TEST(test_from_c_dataloc)
{
	const struct type *t = type_from_c(A, "__data_loc char[]", 4, false);

	ck_assert_int_eq(t->kind, T_INT);
	ck_assert_uint_eq(t->size, 4);
	ck_assert(!t->is_signed);
	ck_assert_int_eq(t->fmt, F_DATALOC);
	t = type_from_c(A, "__data_loc u8[]", 4, false);
	ck_assert_int_eq(t->fmt, F_DATALOC);
	t = type_from_c(A, "__rel_loc char[]", 4, false);
	ck_assert_int_eq(t->fmt, F_DATALOC);
	ck_assert_str_eq(name_of(t), "__data_loc u32");
}
END_TEST

START_TEST(test_equal)
{
	struct type *a = type_struct_new(A, "x"), *b = type_struct_new(A, "x");
	struct type *c = type_struct_new(A, "y");

	ck_assert(type_equal(&type_u32, type_int(4, false)));
	ck_assert(!type_equal(&type_u32, &type_s32));
	ck_assert(!type_equal(&type_u32, &type_u64));
	ck_assert(!type_equal(&type_char, &type_s8));
	ck_assert(!type_equal(&type_ksym, &type_u64));
	ck_assert(type_equal(type_string(A, 16), type_string(A, 16)));
	ck_assert(!type_equal(type_string(A, 16), type_string(A, 8)));
	ck_assert(!type_equal(type_string(A, 6), type_array(A, &type_u8, 6)));
	ck_assert(type_equal(type_ptr(A, &type_char, AS_USER),
			     type_ptr(A, &type_char, AS_USER)));
	ck_assert(!type_equal(type_ptr(A, &type_char, AS_USER),
			      type_ptr(A, &type_char, AS_KERNEL)));
	ck_assert(!type_equal(type_ptr(A, &type_char, AS_USER),
			      type_ptr(A, &type_u8, AS_USER)));
	ck_assert(!type_equal(&type_u64, type_ptr(A, &type_void, AS_KERNEL)));

	type_struct_add(A, a, "f", &type_u32, 0);
	type_struct_add(A, b, "f", &type_u32, 0);
	type_struct_add(A, c, "f", &type_u32, 0);
	type_struct_finish(a, 4);
	type_struct_finish(b, 4);
	type_struct_finish(c, 4);
	ck_assert(type_equal(a, b));
	ck_assert(!type_equal(a, c));
	type_struct_add(A, b, "g", &type_u32, 4);
	type_struct_finish(b, 8);
	ck_assert(!type_equal(a, b));
}
END_TEST

START_TEST(test_predicates)
{
	const struct type *p = type_ptr(A, &type_void, AS_KERNEL);

	ck_assert(type_is_int(&type_u8));
	ck_assert(type_is_int(&type_char));
	ck_assert(!type_is_int(p));
	ck_assert(!type_is_int(&type_void));
	ck_assert(type_is_scalar(p));
	ck_assert(type_is_scalar(&type_walltime));
	ck_assert(!type_is_scalar(type_string(A, 4)));
	ck_assert(!type_is_scalar(&type_void));
	ck_assert(type_is_string(type_string(A, 4)));
	ck_assert(!type_is_string(&type_char));
	ck_assert(!type_is_string(p));
	ck_assert(!type_is_int(NULL));
}
END_TEST

START_TEST(test_common)
{
	/* mixed or 64-bit operands: 64 bits, u64 only with a u64 */
	ck_assert_ptr_eq(type_common(&type_u32, &type_s32), &type_s64);
	ck_assert_ptr_eq(type_common(&type_u32, &type_u16), &type_s64);
	ck_assert_ptr_eq(type_common(&type_s64, &type_u32), &type_s64);
	ck_assert_ptr_eq(type_common(&type_u64, &type_s8), &type_u64);
	ck_assert_ptr_eq(type_common(&type_s64, &type_u64), &type_u64);
	ck_assert_ptr_eq(type_common(&type_s64, &type_s64), &type_s64);
	ck_assert_ptr_eq(type_common(&type_u64, &type_u64), &type_u64);
	ck_assert_ptr_eq(type_common(&type_walltime, &type_s32), &type_u64);
	/* equal narrower operands keep their type */
	ck_assert_ptr_eq(type_common(&type_u32, &type_u32), &type_u32);
	ck_assert_ptr_eq(type_common(&type_char, &type_char), &type_char);
	ck_assert_ptr_eq(type_common(&type_char, &type_s8), &type_s8);
	/* pointers count as addresses */
	ck_assert_ptr_eq(type_common(type_ptr(A, &type_u8, AS_KERNEL),
				     &type_s32), &type_u64);
}
END_TEST

START_TEST(test_names)
{
	struct type *st = type_struct_new(A, "sys_enter_openat");
	char small[6];

	ck_assert_str_eq(name_of(&type_void), "void");
	ck_assert_str_eq(name_of(&type_u32), "u32");
	ck_assert_str_eq(name_of(&type_s64), "s64");
	ck_assert_str_eq(name_of(&type_s8), "s8");
	ck_assert_str_eq(name_of(&type_char), "char");
	ck_assert_str_eq(name_of(&type_kstack), "kstack");
	ck_assert_str_eq(name_of(&type_ustack), "ustack");
	ck_assert_str_eq(name_of(&type_ksym), "u64");
	ck_assert_str_eq(name_of(type_string(A, 16)), "char[16]");
	ck_assert_str_eq(name_of(type_array(A, &type_u8, 6)), "u8[6]");
	ck_assert_str_eq(name_of(st), "struct sys_enter_openat");
	ck_assert_str_eq(name_of(type_ptr(A, st, AS_CTX)),
			 "struct sys_enter_openat *");
	ck_assert_str_eq(name_of(type_ptr(A, &type_char, AS_USER)),
			 "user char *");
	ck_assert_str_eq(name_of(type_ptr(A, type_ptr(A, &type_char,
							  AS_KERNEL),
					  AS_KERNEL)), "char **");
	ck_assert_str_eq(name_of(type_struct_new(A, NULL)),
			 "struct <anonymous>");
	/* truncates safely */
	ck_assert_str_eq(type_name(type_string(A, 16), small, sizeof(small)),
			 "char[");
}
END_TEST

START_TEST(test_struct_layout)
{
	struct type *st = type_struct_new(A, "rec");
	const struct member *m;

	type_struct_add(A, st, "common_type", &type_u16, 0);
	type_struct_add(A, st, "flags", &type_u8, 2);
	type_struct_add(A, st, "pid", &type_s32, 4);
	type_struct_add(A, st, "comm", type_string(A, 16), 8);
	type_struct_add(A, st, "addr", &type_u64, 24);
	type_struct_finish(st, 32);
	ck_assert_uint_eq(st->size, 32);
	ck_assert_uint_eq(st->align, 8);

	m = type_member(st, "pid");
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->off, 4);
	ck_assert_ptr_eq(m->type, &type_s32);
	m = type_member(st, "comm");
	ck_assert_uint_eq(m->off, 8);
	ck_assert(type_is_string(m->type));
	ck_assert_ptr_null(type_member(st, "nope"));
	ck_assert_ptr_null(type_member(&type_u32, "pid"));
	/* declaration order is kept */
	ck_assert_str_eq(st->members->name, "common_type");
	ck_assert_str_eq(st->members->next->next->name, "pid");

	/* a given size smaller than the members: computed and aligned */
	st = type_struct_new(A, "small");
	type_struct_add(A, st, "a", &type_u64, 0);
	type_struct_add(A, st, "b", &type_u8, 8);
	type_struct_finish(st, 0);
	ck_assert_uint_eq(st->size, 16);
	/* a bigger given size wins (trailing padding in the format) */
	st = type_struct_new(A, "padded");
	type_struct_add(A, st, "a", &type_u32, 0);
	type_struct_finish(st, 12);
	ck_assert_uint_eq(st->size, 12);
}
END_TEST

/* A union, an anonymous member (C11), a bitfield: where each field is and
 * how it prints. */
START_TEST(test_records)
{
	struct type *u = type_union_new(A, NULL), *st = type_struct_new(A, "rec");
	struct type *in = type_struct_new(A, NULL);
	const struct member *m;
	unsigned off = 99;
	char *buf = NULL;
	size_t size = 0;
	FILE *f;

	type_struct_add(A, in, "lo", &type_u16, 0);
	type_struct_add(A, in, "hi", &type_u16, 2);
	type_struct_finish(in, 0);
	type_struct_add(A, u, "word", &type_u32, 0);
	type_struct_add(A, u, "", in, 0);
	type_struct_finish(u, 0);
	ck_assert_uint_eq(u->size, 4);
	ck_assert(u->is_union);
	ck_assert_str_eq(name_of(u), "union <anonymous>");

	type_struct_add(A, st, "flags", &type_u64, 0);
	type_struct_add(A, st, "", u, 8);
	/* 3 bits from bit 96: byte 12, bit 0; then 7 bits from bit 99 */
	type_struct_add_bits(A, st, "kind", &type_u32, 96, 3);
	type_struct_add_bits(A, st, "prio", &type_u32, 99, 7);
	type_struct_finish(st, 16);
	ck_assert_uint_eq(st->size, 16);
	ck_assert_uint_eq(st->align, 8);

	m = type_field(st, "hi", &off);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(off, 10);		/* 8 + 0 + 2 */
	ck_assert_uint_eq(m->off, 2);		/* within its struct */
	ck_assert_ptr_eq(type_member(st, "word"), type_field(u, "word", NULL));
	m = type_field(st, "prio", &off);
	ck_assert_uint_eq(off, 12);
	ck_assert_uint_eq(m->bit_off, 3);
	ck_assert_uint_eq(m->bits, 7);
	ck_assert_ptr_null(type_member(st, ""));
	ck_assert_ptr_null(type_member(st, "nope"));
	ck_assert_ptr_null(type_member(&type_u32, "x"));

	f = open_memstream(&buf, &size);
	type_dump(f, st);
	fclose(f);
	ck_assert_str_eq(buf,
		"struct rec {\t/* size 16, align 8 */\n"
		"\tu64                      flags;\t/* +0 */\n"
		"\tunion {\t/* +8 */\n"
		"\t\tu32                      word;\t/* +0 */\n"
		"\t\tstruct {\t/* +0 */\n"
		"\t\t\tu16                      lo;\t/* +0 */\n"
		"\t\t\tu16                      hi;\t/* +2 */\n"
		"\t\t};\n"
		"\t};\n"
		"\tu32                      kind:3;\t/* +12 bit 0 */\n"
		"\tu32                      prio:7;\t/* +12 bit 3 */\n"
		"}\n");
	free(buf);

	/* a union is not a struct of the same members */
	{
		struct type *s2 = type_struct_new(A, NULL);

		type_struct_add(A, s2, "word", &type_u32, 0);
		type_struct_add(A, s2, "", in, 0);
		type_struct_finish(s2, 0);
		ck_assert(!type_equal(u, s2));
	}
}
END_TEST

START_TEST(test_enums_and_funcs)
{
	struct type *e = type_enum_new(A, "tcp_state", 4, false);
	struct type *f = type_func_new(A, &type_s32);
	const struct type *fp;

	type_enum_add(A, e, "TCP_ESTABLISHED", 1);
	type_enum_add(A, e, "TCP_SYN_SENT", 2);
	ck_assert(type_is_int(e));
	ck_assert_uint_eq(e->size, 4);
	ck_assert_str_eq(name_of(e), "enum tcp_state");
	ck_assert_int_eq(type_enumerator(e, "TCP_SYN_SENT")->value, 2);
	ck_assert_ptr_null(type_enumerator(e, "TCP_CLOSE"));
	ck_assert_ptr_null(type_enumerator(&type_u32, "TCP_CLOSE"));
	/* an enum computes as its integer */
	ck_assert(type_equal(e, &type_u32));
	ck_assert_ptr_eq(type_with_fmt(A, e, F_ERRNO)->enums, e->enums);
	ck_assert_str_eq(name_of(type_enum_new(A, NULL, 8, true)),
			 "enum <anonymous>");

	ck_assert_str_eq(name_of(f), "s32 (void)");
	type_func_add(A, f, "file", type_ptr(A, type_struct_new(A, "file"),
					     AS_KERNEL));
	type_func_add(A, f, "", &type_u64);
	ck_assert_uint_eq(f->members->next->off, 1);	/* the index */
	ck_assert_str_eq(name_of(f), "s32 (struct file *, u64)");
	fp = type_ptr(A, f, AS_KERNEL);
	ck_assert_str_eq(name_of(fp), "s32 (*)(struct file *, u64)");
	ck_assert_str_eq(name_of(type_ptr(A, fp, AS_KERNEL)),
			 "s32 (**)(struct file *, u64)");
	f->variadic = true;
	ck_assert_str_eq(name_of(f), "s32 (struct file *, u64, ...)");
	ck_assert(!type_equal(f, type_func_new(A, &type_s32)));
}
END_TEST

/* Members read on first use, and only then. */
static unsigned fills;

static void fill_rec(const struct type_src *src, struct type *t)
{
	fills++;
	ck_assert_uint_eq(t->src_id, 7);
	type_struct_add(A, t, "a", &type_u32, 0);
	type_struct_add(A, t, "b", &type_u32, 4);
	type_struct_finish(t, t->size);
}

START_TEST(test_lazy_members)
{
	static const struct type_src src = { fill_rec };
	struct type *t = type_struct_new(A, "lazy"), *t2;

	t->size = 8;
	t->align = 4;
	t->src = &src;
	t->src_id = 7;
	t2 = type_struct_new(A, "lazy");
	*t2 = *t;
	fills = 0;
	/* the same record of the same source: equal without reading */
	ck_assert(type_equal(t, t2));
	ck_assert_uint_eq(fills, 0);
	ck_assert_str_eq(name_of(type_ptr(A, t, AS_KERNEL)), "struct lazy *");
	ck_assert_uint_eq(fills, 0);
	ck_assert_uint_eq(type_member(t, "b")->off, 4);
	ck_assert_uint_eq(fills, 1);
	ck_assert_ptr_nonnull(type_members(t));
	ck_assert_uint_eq(fills, 1);
	ck_assert_uint_eq(t->size, 8);
	ck_assert(type_equal(t, t2));	/* t2 filled by the comparison */
	ck_assert_uint_eq(fills, 2);
}
END_TEST

START_TEST(test_dump)
{
	struct type *st = type_struct_new(A, "rec");
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	type_struct_add(A, st, "pid", &type_s32, 0);
	type_struct_add(A, st, "comm", type_string(A, 16), 4);
	type_struct_finish(st, 20);
	type_dump(f, st);
	type_dump(f, &type_u8);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "struct rec {"));
	ck_assert_ptr_nonnull(strstr(buf, "size 20"));
	ck_assert_ptr_nonnull(strstr(buf, "char[16]"));
	ck_assert_ptr_nonnull(strstr(buf, "comm;"));
	ck_assert_ptr_nonnull(strstr(buf, "+4"));
	ck_assert_ptr_nonnull(strstr(buf, "\nu8\n"));
	free(buf);
}
END_TEST

static Suite *types_suite(void)
{
	Suite *s = suite_create("types");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_singletons);
	tcase_add_test(tc, test_constructors);
	tcase_add_test(tc, test_from_c_ints);
	tcase_add_test(tc, test_from_c_pointers);
	tcase_add_test(tc, test_from_c_arrays);
	tcase_add_test(tc, test_from_c_dataloc);
	tcase_add_test(tc, test_equal);
	tcase_add_test(tc, test_predicates);
	tcase_add_test(tc, test_common);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_struct_layout);
	tcase_add_test(tc, test_dump);
	tcase_add_test(tc, test_records);
	tcase_add_test(tc, test_enums_and_funcs);
	tcase_add_test(tc, test_lazy_members);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(types_suite());
}
