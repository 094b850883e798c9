/* check_ctypes.c - C types written in scripts: layouts compared with this
 * C compiler's own, enums, typedefs, declarations, shadowing of the
 * kernel's types (a hand-made BTF blob), constants, laziness, and errors
 * with their places. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "arena.h"
#include "ast.h"
#include "btf.h"
#include "cpp.h"
#include "ctypes.h"
#include "type.h"
#include "btfgen.h"
#include "unit.h"

struct fx {
	struct arena *a;
	struct source src;
	struct unit_diag ud;
	struct cpp cpp;
	struct node *ast;
	struct btf *btf;
	struct ctypes *c;
	int err;		/* of the definitions */
	void *blob;
};

/* A small kernel: struct task_struct { int pid; char comm[16]; },
 * struct file { unsigned int f_flags; }, typedef int pid_t,
 * enum tcp_state { TCP_ESTABLISHED = 1, TCP_SYN_SENT }. */
static void *kernel_blob(size_t *size)
{
	struct btfgen g;
	uint32_t s32, u32, chr, arr, e;
	void *blob;

	btfgen_init(&g, NULL);
	s32 = btfgen_int(&g, "int", 4, BTF_INT_SIGNED);
	u32 = btfgen_int(&g, "unsigned int", 4, 0);
	chr = btfgen_int(&g, "char", 1, BTF_INT_SIGNED);
	arr = btfgen_array(&g, chr, u32, 16);
	btfgen_struct(&g, "task_struct", 20);
	btfgen_member(&g, "pid", s32, 0, 0);
	btfgen_member(&g, "comm", arr, 32, 0);
	btfgen_struct(&g, "file", 4);
	btfgen_member(&g, "f_flags", u32, 0, 0);
	btfgen_typedef(&g, "pid_t", s32);
	e = btfgen_enum(&g, "tcp_state", 4, 0);
	btfgen_enumerator(&g, "TCP_ESTABLISHED", 1);
	btfgen_enumerator(&g, "TCP_SYN_SENT", 2);
	(void)e;
	blob = btfgen_blob(&g, size);
	btfgen_free(&g);
	return blob;
}

enum fx_btf { NO_BTF, WITH_BTF, MISSING_BTF };

static void fx_open(struct fx *x, const char *text, enum fx_btf btf)
{
	const struct node *n;
	size_t size;

	memset(x, 0, sizeof(*x));
	x->a = arena_new();
	x->src = unit_source(text);
	unit_diag_open(&x->ud);
	ck_assert_int_eq(cpp_run(x->a, &x->src, "x86_64", &x->cpp, &x->ud.d), 0);
	x->ast = parse_script(x->a, &x->cpp.src, &x->ud.d);
	ck_assert_msg(x->ast != NULL, "%s", unit_diag_text(&x->ud));
	if (btf == WITH_BTF) {
		x->blob = kernel_blob(&size);
		x->btf = btf_new_mem(x->a, x->blob, size);
	} else if (btf == MISSING_BTF) {
		x->btf = btf_new(x->a, "/nonexistent/btf");
	}
	x->c = ctypes_new(x->a, x->btf, &x->cpp, &x->ud.d);
	for (n = x->ast; n; n = n->next)
		if (n->kind == N_CDEF && ctypes_define(x->c, n))
			x->err = -EINVAL;
}

static void fx_close(struct fx *x)
{
	btf_free(x->btf);
	free(x->blob);
	unit_diag_close(&x->ud);
	arena_free(x->a);
}

/* The type of the cast in the @i-th statement of the first probe
 * ("x = (T)0;"), resolved. */
static const struct type *fx_cast(struct fx *x, unsigned i)
{
	const struct node *n = x->ast, *s;

	while (n->kind != N_PROBE)
		n = n->next;
	for (s = n->body->body; i--; s = s->next)
		;
	ck_assert_int_eq(s->rhs->kind, N_CAST);
	return ctypes_resolve(x->c, s->rhs->ctype);
}

static const char *name_of(const struct type *t)
{
	static char buf[256];

	return type_name(t, buf, sizeof(buf));
}

static unsigned off_of(const struct type *t, const char *name)
{
	unsigned off = 9999;

	ck_assert_msg(type_field(t, name, &off), "no member %s", name);
	return off;
}

/* ---- layout: compared with the compiler this test is built with, which
 * follows the same ABI ---- */

#define LAYOUT_C							\
	struct lay {							\
		char a;							\
		int b;							\
		short c;						\
		char d[3];						\
		long e;							\
		unsigned f : 3, g : 7;					\
		unsigned char h : 4;					\
		int i;							\
		union { int x; char y[6]; } u;				\
		struct { short p; char q; };				\
		void *ptr;						\
		unsigned long long j : 40, k : 30;			\
		char l;							\
		int : 0;						\
		char m;							\
		char flex[];						\
	};
LAYOUT_C
#define STR_(...) #__VA_ARGS__
#define STR(...) STR_(__VA_ARGS__)

/* The bit where bitfield @field (@width bits) of struct lay begins, in
 * allocation order as BTF counts it: set its lowest bit alone and find it;
 * on a big-endian machine fields fill each byte from its most significant
 * bit, so that bit is the field's last. */
#define BIT_OF(field, width, out) do {					\
		struct lay l_;						\
		unsigned char *b_ = (unsigned char *)&l_;		\
		memset(&l_, 0, sizeof(l_));				\
		l_.field = 1;						\
		for (out = 0; !(b_[out / 8] >> (out % 8) & 1); out++)	\
			;						\
		if (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)		\
			out = out / 8 * 8 + 7 - out % 8 - ((width) - 1);	\
	} while (0)

START_TEST(test_layout)
{
	struct fx x;
	const struct type *t;
	const struct member *m;
	unsigned off, bit;

	fx_open(&x, STR(LAYOUT_C) "\nBEGIN { x = (struct lay)0; }\n", NO_BTF);
	ck_assert_msg(!x.err, "%s", unit_diag_text(&x.ud));
	t = fx_cast(&x, 0);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->size, sizeof(struct lay));
	ck_assert_uint_eq(t->align, _Alignof(struct lay));
	ck_assert_uint_eq(off_of(t, "b"), offsetof(struct lay, b));
	ck_assert_uint_eq(off_of(t, "c"), offsetof(struct lay, c));
	ck_assert_uint_eq(off_of(t, "d"), offsetof(struct lay, d));
	ck_assert_uint_eq(off_of(t, "e"), offsetof(struct lay, e));
	ck_assert_uint_eq(off_of(t, "i"), offsetof(struct lay, i));
	ck_assert_uint_eq(off_of(t, "u"), offsetof(struct lay, u));
	ck_assert_uint_eq(type_member(t, "u")->type->size,
			  sizeof(((struct lay *)0)->u));
	ck_assert_uint_eq(off_of(t, "p"), offsetof(struct lay, p));
	ck_assert_uint_eq(off_of(t, "q"), offsetof(struct lay, q));
	ck_assert_uint_eq(off_of(t, "ptr"), offsetof(struct lay, ptr));
	ck_assert_uint_eq(off_of(t, "l"), offsetof(struct lay, l));
	ck_assert_uint_eq(off_of(t, "m"), offsetof(struct lay, m));
	ck_assert_uint_eq(off_of(t, "flex"), offsetof(struct lay, flex));
	/* bitfields: the byte and bit each starts at */
#define CHECK_BITS(name, width) do {					\
		BIT_OF(name, width, bit);				\
		m = type_field(t, #name, &off);				\
		ck_assert_uint_eq(off * 8 + m->bit_off, bit);		\
		ck_assert_uint_eq(m->bits, width);			\
	} while (0)
	CHECK_BITS(f, 3);
	CHECK_BITS(g, 7);
	CHECK_BITS(h, 4);
	CHECK_BITS(j, 40);
	CHECK_BITS(k, 30);
	ck_assert_ptr_eq(type_member(t, "h")->type, &type_u8);
	ck_assert_ptr_eq(type_member(t, "e")->type, &type_s64);
	ck_assert_str_eq(name_of(type_member(t, "ptr")->type), "void *");
	ck_assert(type_is_string(type_member(t, "d")->type));
	fx_close(&x);
}
END_TEST

#define UNION_C								\
	union un {							\
		char c;							\
		struct { int a; short b; } s;				\
		unsigned long long w : 33;				\
		char arr[9];						\
	};
UNION_C

START_TEST(test_unions_and_nesting)
{
	struct fx x;
	const struct type *t, *list, *next;

	fx_open(&x, STR(UNION_C) "\n"
		"struct node { struct node *next; struct inner { int v; } in; "
		"struct inner again; };\n"
		"struct later;\n"
		"struct holder { struct later *p; };\n"
		"struct later { int z; };\n"
		"BEGIN { x = (union un)0; y = (struct node)0; "
		"z = (struct holder)0; w = (struct inner)0; }\n", NO_BTF);
	ck_assert_msg(!x.err, "%s", unit_diag_text(&x.ud));
	t = fx_cast(&x, 0);
	ck_assert(t->is_union);
	ck_assert_uint_eq(t->size, sizeof(union un));
	ck_assert_uint_eq(t->align, _Alignof(union un));
	ck_assert_uint_eq(off_of(t, "arr"), 0);
	ck_assert_uint_eq(type_member(t, "w")->bits, 33);
	/* a record pointing to itself is the very same type */
	list = fx_cast(&x, 1);
	next = type_member(list, "next")->type;
	ck_assert_ptr_eq(next->base, list);
	ck_assert_uint_eq(off_of(list, "in"), 8);
	ck_assert_uint_eq(off_of(list, "again"), 12);
	ck_assert_uint_eq(list->size, 16);
	/* a nested definition defines its tag */
	ck_assert_ptr_eq(fx_cast(&x, 3), type_member(list, "in")->type);
	/* declared, pointed to, then defined: the pointer sees the members */
	t = type_member(fx_cast(&x, 2), "p")->type->base;
	ck_assert(!t->incomplete);
	ck_assert_uint_eq(t->size, 4);
	ck_assert_ptr_nonnull(type_member(t, "z"));
	fx_close(&x);
}
END_TEST

START_TEST(test_enums_typedefs_consts)
{
	struct fx x;
	const struct type *t;
	int64_t v;

	fx_open(&x, "#define BASE 10\n"
		"#define NOVAL\n"
		"enum color { RED, GREEN = BASE + 2, BLUE, };\n"
		"enum big { HUGE = 0x100000000, SMALL = -1 };\n"
		"enum neg { MINUS = -5 };\n"
		"typedef unsigned int uint_t, *puint_t;\n"
		"typedef struct { int counter; } atomic_t;\n"
		"typedef enum color color_t;\n"
		"struct sized { char buf[BLUE * 2]; char b2[sizeof(int) + "
		"AF_INET6]; int w : RED + 3; };\n"
		"BEGIN { a = (enum color)0; b = (enum big)0; c = (enum neg)0; "
		"d = (uint_t)0; e = (puint_t)0; f = (atomic_t)0; "
		"g = (struct sized)0; h = (color_t)0; }\n", NO_BTF);
	ck_assert_msg(!x.err, "%s", unit_diag_text(&x.ud));
	t = fx_cast(&x, 0);
	ck_assert(t->is_enum);
	ck_assert_uint_eq(t->size, 4);
	ck_assert(!t->is_signed);
	ck_assert_int_eq(type_enumerator(t, "BLUE")->value, 13);
	t = fx_cast(&x, 1);
	ck_assert_uint_eq(t->size, 8);
	ck_assert(t->is_signed);
	t = fx_cast(&x, 2);
	ck_assert_uint_eq(t->size, 4);
	ck_assert(t->is_signed);
	ck_assert_ptr_eq(fx_cast(&x, 3), &type_u32);
	ck_assert_str_eq(name_of(fx_cast(&x, 4)), "u32 *");
	t = fx_cast(&x, 5);
	ck_assert_str_eq(name_of(t), "atomic_t");
	ck_assert_uint_eq(t->size, 4);
	t = fx_cast(&x, 6);
	ck_assert_str_eq(name_of(type_member(t, "buf")->type), "char[26]");
	ck_assert_str_eq(name_of(type_member(t, "b2")->type), "char[14]");
	ck_assert_uint_eq(type_member(t, "w")->bits, 3);
	ck_assert_str_eq(name_of(fx_cast(&x, 7)), "enum color");

	/* constants: #define, then the script's enumerators, then the
	 * table; each with its type */
	ck_assert_int_eq(ctypes_const(x.c, "GREEN", &v, &t), 0);
	ck_assert_int_eq(v, 12);
	ck_assert_str_eq(name_of(t), "enum color");
	ck_assert_int_eq(ctypes_const(x.c, "BASE", &v, &t), 0);
	ck_assert_int_eq(v, 10);
	ck_assert_ptr_null(t);
	ck_assert_int_eq(ctypes_const(x.c, "NOVAL", &v, NULL), -ENODATA);
	ck_assert_int_eq(ctypes_const(x.c, "AF_INET", &v, NULL), 0);
	ck_assert_int_eq(v, 2);
	ck_assert_int_eq(ctypes_const(x.c, "TCP_ESTABLISHED", &v, NULL), -ENOENT);
	ck_assert_ptr_eq(ctypes_name(x.c, "uint_t"), &type_u32);
	ck_assert_ptr_eq(ctypes_name(x.c, "u16"), &type_u16);
	ck_assert_ptr_null(ctypes_name(x.c, "nope_t"));
	fx_close(&x);
}
END_TEST

/* The script's types shadow the kernel's; the kernel's fill the rest;
 * BTF is read only for a name the script does not define. */
START_TEST(test_btf)
{
	struct fx x;
	const struct type *t;
	int64_t v;

	fx_open(&x, "struct file;\n"
		"struct mine { int a; };\n"
		"BEGIN { a = (struct mine *)0; b = (u64)0; c = (struct task_struct *)0; "
		"d = (pid_t)0; e = (struct file *)0; f = (enum tcp_state)0; }\n",
		WITH_BTF);
	ck_assert_msg(!x.err, "%s", unit_diag_text(&x.ud));
	ck_assert_ptr_nonnull(fx_cast(&x, 0));
	ck_assert_ptr_eq(fx_cast(&x, 1), &type_u64);
	ck_assert_ptr_nonnull(btf_error(x.btf) ? NULL : x.btf);
	t = fx_cast(&x, 2)->base;
	ck_assert_uint_eq(off_of(t, "comm"), 4);
	ck_assert_ptr_eq(fx_cast(&x, 3), &type_s32);
	/* only declared by the script: the kernel's definition */
	t = fx_cast(&x, 4)->base;
	ck_assert(!t->incomplete);
	ck_assert_ptr_nonnull(type_member(t, "f_flags"));
	ck_assert_str_eq(name_of(fx_cast(&x, 5)), "enum tcp_state");
	ck_assert_int_eq(ctypes_const(x.c, "TCP_SYN_SENT", &v, &t), 0);
	ck_assert_int_eq(v, 2);
	ck_assert_str_eq(name_of(t), "enum tcp_state");
	fx_close(&x);

	/* the script's task_struct, not the kernel's (which is missing
	 * here, and not even looked for) */
	fx_open(&x, "struct task_struct { long mine; };\n"
		"BEGIN { a = (struct task_struct *)0; b = (char[4])0; }\n",
		MISSING_BTF);
	t = fx_cast(&x, 0)->base;
	ck_assert_ptr_nonnull(type_member(t, "mine"));
	ck_assert_ptr_null(type_member(t, "comm"));
	ck_assert_ptr_nonnull(fx_cast(&x, 1));
	ck_assert(!btf_loaded(x.btf));
	ck_assert_ptr_null(btf_error(x.btf));
	fx_close(&x);
}
END_TEST

/* @text's definitions and casts must report @want (NULL-terminated). */
static void check_errors(const char *text, enum fx_btf btf,
			 const char *const *want)
{
	struct fx x;
	const struct node *n, *s;
	bool failed;

	fx_open(&x, text, btf);
	failed = x.err != 0;
	for (n = x.ast; n; n = n->next)
		if (n->kind == N_PROBE)
			for (s = n->body->body; s; s = s->next)
				if (s->kind == N_ASSIGN && s->rhs->kind == N_CAST &&
				    !ctypes_resolve(x.c, s->rhs->ctype))
					failed = true;
	ck_assert_msg(failed, "%s: no error", text);
	for (; *want; want++)
		ck_assert_msg(strstr(unit_diag_text(&x.ud), *want),
			      "%s\n--- got\n%s--- want\n%s", text,
			      unit_diag_text(&x.ud), *want);
	fx_close(&x);
}

#define ERRORS(text, btf, ...) \
	check_errors(text, btf, (const char *const[]){ __VA_ARGS__, NULL })

START_TEST(test_errors)
{
	ERRORS("BEGIN { x = (struct sokc *)0; }", WITH_BTF,
	       "<test>:1:14: error: unknown struct 'sokc'\n"
	       "BEGIN { x = (struct sokc *)0; }\n"
	       "             ^~~~~~~~~~~\n");
	ERRORS("BEGIN { x = (struct task_strcut *)0; }", WITH_BTF,
	       "unknown struct 'task_strcut'; did you mean 'task_struct'?");
	ERRORS("struct mine { int a; };\nBEGIN { x = (struct mien *)0; }",
	       NO_BTF, "<test>:2:14: error: unknown struct 'mien'; did you "
	       "mean 'mine'?", "note: kernel types are not available here");
	ERRORS("BEGIN { x = (struct task_struct *)0; }", MISSING_BTF,
	       "<test>:1:14: error: unknown struct 'task_struct'",
	       "note: spry finds kernel types in BTF: this kernel has no BTF: "
	       "/nonexistent/btf/vmlinux is missing (it needs "
	       "CONFIG_DEBUG_INFO_BTF=y)");
	ERRORS("BEGIN { x = (pid_tt)y; }", WITH_BTF,
	       "<test>:1:14: error: unknown type 'pid_tt'; did you mean 'pid_t'?");
	ERRORS("BEGIN { x = (uint322)y; }", NO_BTF,
	       "unknown type 'uint322'; did you mean 'uint32'?");
	ERRORS("BEGIN { x = (union task_struct *)0; }", WITH_BTF,
	       "unknown union 'task_struct'");
	ERRORS("struct s { void v; };\nBEGIN { }", NO_BTF,
	       "<test>:1:17: error: member 'v' has type void; a member can "
	       "only point to that");
	ERRORS("struct f;\nstruct s { struct f inner; };\nBEGIN { }", NO_BTF,
	       "<test>:2:21: error: member 'inner' has type struct f, which is "
	       "declared but never defined");
	ERRORS("struct s { int a; char a; };\nBEGIN { }", NO_BTF,
	       "<test>:1:24: error: duplicate member 'a'");
	ERRORS("struct s { int a; union { int a; }; };\nBEGIN { }", NO_BTF,
	       "duplicate member 'a'");
	ERRORS("struct s { int a : 33; };\nBEGIN { }", NO_BTF,
	       "<test>:1:20: error: bitfield width 33 is out of range for s32 "
	       "(1 to 32)");
	ERRORS("struct s { int a : 0; };\nBEGIN { }", NO_BTF,
	       "bitfield width 0 is out of range");
	ERRORS("struct s { int *p : 3; };\nBEGIN { }", NO_BTF,
	       "bitfield 'p' needs an integer type, not s32 *");
	ERRORS("struct s { char b[n]; };\nBEGIN { }", NO_BTF,
	       "<test>:1:19: error: unknown constant 'n'");
	ERRORS("struct s { char b[-1]; };\nBEGIN { }", NO_BTF,
	       "array length -1 is out of range");
	ERRORS("struct s { char b[1 / 0]; };\nBEGIN { }", NO_BTF,
	       "division by zero in a constant expression");
	ERRORS("struct s { char b[*x]; };\nBEGIN { }", NO_BTF,
	       "not a constant expression");
	ERRORS("#define D\nstruct s { char b[D]; };\nBEGIN { }", NO_BTF,
	       "'D' is defined without a value");
	ERRORS("enum a { X };\nenum b { X };\nBEGIN { }", NO_BTF,
	       "<test>:2:10: error: enumerator 'X' is already defined",
	       "<test>:1:10: note: defined here");
	ERRORS("struct s { int a; };\nstruct s { int b; };\nBEGIN { }", NO_BTF,
	       "<test>:2:1: error: struct s is already defined");
	ERRORS("struct s { int a; };\nunion s { int b; };\nBEGIN { }", NO_BTF,
	       "'s' is already a struct");
	ERRORS("struct s { int a; };\nBEGIN { x = (union s *)0; }", NO_BTF,
	       "'s' is a struct, not a union");
	ERRORS("typedef int t;\ntypedef long t;\nBEGIN { }", NO_BTF,
	       "<test>:2:14: error: typedef 't' is already defined as s32");
	ERRORS("typedef int u32;\nBEGIN { }", NO_BTF,
	       "'u32' is a type spry defines itself");
	ERRORS("struct s { int a[sizeof(void)]; };\nBEGIN { }", NO_BTF,
	       "sizeof of void, which has no size");
	ERRORS("struct f;\nBEGIN { x = (struct f[2])0; }", NO_BTF,
	       "an array of struct f, which is declared but never defined");
	ERRORS("struct s { int a[(struct s *)1]; };\nBEGIN { }", NO_BTF,
	       "a constant expression casts only to integers");
}
END_TEST

START_TEST(test_eval)
{
	struct fx x;
	struct node *e;
	struct source src;
	int64_t v;
	static const struct {
		const char *text;
		int64_t want;
	} cases[] = {
		{ "1 + 2 * 3", 7 }, { "(1 << 40) >> 38", 4 }, { "-7 / 2", -3 },
		{ "-7 % 2", -1 }, { "~0", -1 }, { "!5", 0 }, { "3 > 2 && 2 > 1", 1 },
		{ "0 && 1 / 0", 0 }, { "1 || 1 / 0", 1 }, { "1 ? 4 : 1 / 0", 4 },
		{ "sizeof(long) + sizeof(char[3])", 11 }, { "(u8)300", 44 },
		{ "(int8)255", -1 }, { "(s16)0x18000", -32768 },
		{ "AF_INET6 | O_CLOEXEC", 02000012 }, { "sizeof(u32)", 4 },
		{ "5 == 5", 1 }, { "5 != 5", 0 }, { "6 & 3 ^ 1 | 8", 11 },
	};
	size_t i;

	fx_open(&x, "BEGIN { }", NO_BTF);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		src = unit_source(cases[i].text);
		e = parse_expr_text(x.a, &src, &x.ud.d);
		ck_assert_ptr_nonnull(e);
		ck_assert_msg(ctypes_eval(x.c, e, &v), "%s: %s", cases[i].text,
			      unit_diag_text(&x.ud));
		ck_assert_msg(v == cases[i].want, "%s: %lld, want %lld",
			      cases[i].text, (long long)v,
			      (long long)cases[i].want);
	}
	fx_close(&x);
}
END_TEST

static Suite *ctypes_suite(void)
{
	Suite *s = suite_create("ctypes");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_layout);
	tcase_add_test(tc, test_unions_and_nesting);
	tcase_add_test(tc, test_enums_typedefs_consts);
	tcase_add_test(tc, test_btf);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_eval);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(ctypes_suite());
}
