/* check_sema.c - name resolution, types, folding, map unification and every
 * sema error message with its location.
 *
 * Probes use fake providers defined here, so nothing depends on tracefs:
 *   fake:...  data (PV_CTX -> struct fake_rec), arg0/arg1 (PV_REG u64);
 *             runs on events (kstack, the builtin, works there)
 *   raw:...   data (PV_CTX -> struct raw_rec) whose `fd` the provider maps
 *             itself (member hook, PV_REG)
 *   plain:... no variables (like BEGIN)
 * Most tests parse script text; a few build the AST by hand so that sema is
 * tested apart from the parser.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "arch.h"
#include "arena.h"
#include "ast.h"
#include "btf.h"
#include "builtin.h"
#include "host.h"
#include "ctypes.h"
#include "provider.h"
#include "script.h"
#include "sema.h"
#include "type.h"
#include "btfgen.h"
#include "unit.h"

static struct arena *A;
static struct unit_diag U;
static struct script S;
static struct source SRC;
static const char *TEXT;


/* a builtin row by name */
#define BI(name)	builtin_find(name)

/* ---- fake providers ---- */

static const struct type *fake_rec, *raw_rec;

static const struct type *fake_struct(void)
{
	struct type *st;

	if (fake_rec)
		return fake_rec;
	st = type_struct_new(A, "fake_rec");
	type_struct_add(A, st, "common_type", &type_u16, 0);
	type_struct_add(A, st, "pid", &type_s32, 4);
	type_struct_add(A, st, "comm", type_string(A, 16), 8);
	type_struct_add(A, st, "filename",
			type_ptr(A, &type_char, AS_USER), 24);
	type_struct_add(A, st, "name", type_from_c(A, "__data_loc char[]", 4,
						   false), 32);
	type_struct_add(A, st, "flags", &type_u64, 40);
	type_struct_finish(st, 48);
	return fake_rec = st;
}

static const struct type *raw_struct(void)
{
	struct type *st;

	if (raw_rec)
		return raw_rec;
	st = type_struct_new(A, "raw_rec");
	type_struct_add(A, st, "id", &type_s64, 8);
	type_struct_finish(st, 16);
	return raw_rec = st;
}

static int fake_resolve(struct probe *p, const char *name, struct pvar *pv)
{
	(void)p;
	if (!strcmp(name, "data")) {
		pv->kind = PV_CTX;
		pv->type = type_ptr(A, fake_struct(), AS_CTX);
		return 0;
	}
	if (!strcmp(name, "arg0") || !strcmp(name, "arg1")) {
		pv->kind = PV_REG;
		pv->type = &type_u64;
		pv->off = name[3] == '0' ? 112 : 104;
		return 0;
	}
	return -ENOENT;
}

static int raw_resolve(struct probe *p, const char *name, struct pvar *pv)
{
	(void)p;
	if (!strcmp(name, "data")) {
		pv->kind = PV_CTX;
		pv->type = type_ptr(A, raw_struct(), AS_CTX);
		return 0;
	}
	return -ENOENT;
}

static int raw_member(struct probe *p, const struct pvar *base,
		      const char *name, struct pvar *pv)
{
	(void)p;
	ck_assert_int_eq(base->kind, PV_CTX);
	if (!strcmp(name, "fd")) {
		pv->kind = PV_REG;
		pv->type = &type_s32;
		pv->off = 112;
		pv->indirect = true;
		return 0;
	}
	return -ENOENT;
}

static const struct provider fake_prov = {
	.name = "fake", .takes_target = true, .resolve = fake_resolve,
};
static const struct provider raw_prov = {
	.name = "raw", .takes_target = true, .resolve = raw_resolve,
	.member = raw_member,
};
static const struct provider plain_prov = { .name = "plain" };

/* bpftrace's builtins (B2): a probe that sees registers (kprobe-like), one
 * run in spry itself (BEGIN-like), one whose targets are in a file
 * (uprobe-like: test/fixtures/uprobe/target) */
static int regs_resolve(struct probe *p, const char *name, struct pvar *pv)
{
	(void)p;
	if (strcmp(name, "regs") && strcmp(name, "arg0"))
		return -ENOENT;
	pv->kind = name[0] == 'r' ? PV_CTX : PV_REG;
	pv->type = name[0] == 'r' ? type_ptr(A, arch_regs_type(A, &arch_x86_64),
					     AS_CTX) : &type_u64;
	pv->off = 112;
	return 0;
}

static const char *uobj_object(const struct probe *p)
{
	(void)p;
	return unit_fixture("uprobe", "target");
}

static const struct provider regs_prov = {
	.name = "regs", .takes_target = true, .resolve = regs_resolve,
};
static const struct provider begin_prov = {
	.name = "begin", .when = PROV_AT_BEGIN,
};
static const struct provider uobj_prov = {
	.name = "uobj", .takes_target = true, .object = uobj_object,
};

/* ---- fixture ---- */

static void setup(void)
{
	A = arena_new();
	fake_rec = raw_rec = NULL;
	memset(&S, 0, sizeof(S));
	S.arena = A;
	/* the tests name x86_64's registers, whatever runs them
	 * (scripts/cross s390x --check) */
	S.arch = &arch_x86_64;
	unit_diag_open(&U);
}

static void *BLOB;	/* the kernel's BTF, when a test asks for it */

static void teardown(void)
{
	btf_free(S.btf);	/* a test's own, not the arena's */
	S.btf = NULL;
	unit_diag_close(&U);
	arena_free(A);
	A = NULL;
	free(BLOB);
	BLOB = NULL;
}

/* A small kernel in BTF (btfgen.h): struct task_struct { int pid; char
 * comm[16]; struct task_struct *parent; unsigned int flags:3, prio:5;
 * union { u32 a; struct { u16 lo, hi; }; }; }, typedef pid_t, enum
 * tcp_state. */
static void kernel_btf(void)
{
	struct btfgen g;
	uint32_t s32, u32, u16, chr, arr, task, ptask, anon, anon_u, e;
	size_t size;

	btfgen_init(&g, NULL);
	s32 = btfgen_int(&g, "int", 4, BTF_INT_SIGNED);
	u32 = btfgen_int(&g, "unsigned int", 4, 0);
	u16 = btfgen_int(&g, "short unsigned int", 2, 0);
	chr = btfgen_int(&g, "char", 1, BTF_INT_SIGNED);
	arr = btfgen_array(&g, chr, u32, 16);
	anon = btfgen_struct(&g, NULL, 4);
	btfgen_member(&g, "lo", u16, 0, 0);
	btfgen_member(&g, "hi", u16, 16, 0);
	anon_u = btfgen_union(&g, NULL, 4);
	btfgen_member(&g, "a", u32, 0, 0);
	btfgen_member(&g, NULL, anon, 0, 0);
	task = btfgen_cur_id(&g) + 2;	/* after the pointer to it */
	ptask = btfgen_ptr(&g, task);
	ck_assert_uint_eq(btfgen_struct(&g, "task_struct", 40), task);
	btfgen_member(&g, "pid", s32, 0, 0);
	btfgen_member(&g, "comm", arr, 32, 0);
	btfgen_member(&g, "parent", ptask, 192, 0);
	btfgen_member(&g, "flags", u32, 256, 3);
	btfgen_member(&g, "prio", u32, 259, 5);
	btfgen_member(&g, NULL, anon_u, 288, 0);
	btfgen_typedef(&g, "pid_t", s32);
	e = btfgen_enum(&g, "tcp_state", 4, 0);
	btfgen_enumerator(&g, "TCP_ESTABLISHED", 1);
	btfgen_enumerator(&g, "TCP_SYN_SENT", 2);
	(void)e;
	BLOB = btfgen_blob(&g, &size);
	btfgen_free(&g);
	S.btf = btf_new_mem(A, BLOB, size);
}

/* A fresh fixture in the middle of a test. */
static void reset(void)
{
	teardown();
	setup();
}

static struct probe *add_probe(const struct provider *prov,
			       struct node *pred, struct node *body)
{
	struct loc none = { 0 };
	struct probe *p = script_probe_new(&S, prov, NULL, "", none, pred,
					   body), **tail;

	for (tail = &S.probes; *tail; tail = &(*tail)->next)
		;
	*tail = p;
	S.nprobes++;
	return p;
}

static const struct provider *prov_named(const char *name)
{
	if (!strcmp(name, "fake"))
		return &fake_prov;
	if (!strcmp(name, "raw"))
		return &raw_prov;
	if (!strcmp(name, "regs"))
		return &regs_prov;
	if (!strcmp(name, "begin"))
		return &begin_prov;
	if (!strcmp(name, "uobj"))
		return &uobj_prov;
	return &plain_prov;
}

/* Parse @text, expand each specifier into a probe with its own AST copy
 * (as compile.c does) and run sema.  Returns sema's result. */
static int run(const char *text)
{
	const struct node *n;
	const struct spec *sp;

	TEXT = text;
	SRC = unit_source(text);
	SRC.name = "<test>";
	S.src = SRC;
	S.ast = parse_script(A, &SRC, &U.d);
	ck_assert_msg(S.ast != NULL, "parse failed: %s", unit_diag_text(&U));
	S.ctypes = ctypes_new(A, S.btf, NULL, &U.d);
	for (n = S.ast; n; n = n->next)
		if (n->kind == N_CDEF)
			ck_assert_int_eq(ctypes_define(S.ctypes, n), 0);
	for (n = S.ast; n; n = n->next)
		for (sp = n->specs; sp; sp = sp->next)
			add_probe(prov_named(sp->provider),
				  ast_clone(A, n->pred), ast_clone(A, n->body));
	return sema_script(&S, &U.d);
}

static void run_ok(const char *text)
{
	int rc = run(text);

	ck_assert_msg(rc == 0, "sema failed on\n%s\n%s", text,
		      unit_diag_text(&U));
	ck_assert_str_eq(unit_diag_text(&U), "");
}

/* "<test>:L:C" of the @nth (0-based) occurrence of @needle in TEXT. */
static const char *where_n(const char *needle, unsigned nth)
{
	static char buf[4][64];
	static unsigned slot;
	const char *p = TEXT, *q;
	unsigned line = 1, col;
	char *out = buf[slot++ % 4];

	p = strstr(p, needle);
	while (p && nth--)
		p = strstr(p + 1, needle);
	ck_assert_msg(p != NULL, "'%s' not in the script", needle);
	for (q = TEXT; q < p; q++)
		if (*q == '\n')
			line++;
	for (q = p; q > TEXT && q[-1] != '\n'; q--)
		;
	col = (unsigned)(p - q) + 1;
	snprintf(out, sizeof(buf[0]), "<test>:%u:%u", line, col);
	return out;
}

static const char *where(const char *needle)
{
	return where_n(needle, 0);
}

/* The diag output contains "<loc>: error: <msg>". */
static void expect_error_at(const char *loc, const char *msg)
{
	char want[512];

	snprintf(want, sizeof(want), "%s: error: %s\n", loc, msg);
	ck_assert_msg(strstr(unit_diag_text(&U), want) != NULL,
		      "expected\n  %s\nin\n%s", want, unit_diag_text(&U));
}

static void expect_fail(const char *text, const char *needle,
			const char *msg)
{
	int rc = run(text);

	ck_assert_int_eq(rc, -EINVAL);
	expect_error_at(where(needle), msg);
}

static unsigned count_str(const char *hay, const char *needle)
{
	unsigned n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay++;
	}
	return n;
}

/* Statement @i (0-based) of probe @pi's body block. */
static struct node *stmt_at(unsigned pi, unsigned i)
{
	struct probe *p = S.probes;
	struct node *n;

	while (pi--)
		p = p->next;
	ck_assert_int_eq(p->body->kind, N_BLOCK);
	n = p->body->body;
	while (n && i--)
		n = n->next;
	ck_assert_ptr_nonnull(n);
	return n;
}

/* The value of statement i: rhs of an assignment, or the expression. */
static struct node *val_at(unsigned pi, unsigned i)
{
	struct node *n = stmt_at(pi, i);

	return n->kind == N_ASSIGN ? n->rhs : n->lhs;
}

static const char *tn(const struct type *t)
{
	static char buf[4][128];
	static unsigned slot;

	ck_assert_ptr_nonnull(t);
	return type_name(t, buf[slot++ % 4], sizeof(buf[0]));
}

#define ASSERT_TYPE(node, name) ck_assert_str_eq(tn((node)->type), name)

static void assert_const(const struct node *n, int64_t v)
{
	ck_assert_msg(n->is_const, "not folded");
	ck_assert_int_eq(n->cval, v);
}

/* ---- hand-built ASTs (no parser) ---- */

static struct loc L(unsigned line, unsigned col)
{
	struct loc l = { .src = &SRC, .line = line, .col = col, .len = 1 };

	return l;
}

static struct node *mk(enum node_kind k, unsigned line, unsigned col)
{
	struct node *n = arena_alloc(A, sizeof(*n));

	n->kind = k;
	n->loc = L(line, col);
	return n;
}

static struct node *h_num(unsigned c, uint64_t v)
{
	struct node *n = mk(N_NUM, 1, c);

	n->num = v;
	return n;
}

static struct node *h_ident(unsigned c, const char *name)
{
	struct node *n = mk(N_IDENT, 1, c);

	n->name = name;
	return n;
}

static struct node *h_bin(unsigned c, enum binop op, struct node *l,
			  struct node *r)
{
	struct node *n = mk(N_BINARY, 1, c);

	n->op = op;
	n->lhs = l;
	n->rhs = r;
	return n;
}

static struct node *h_assign(unsigned c, struct node *lhs, struct node *rhs)
{
	struct node *n = mk(N_ASSIGN, 1, c);

	n->lhs = lhs;
	n->rhs = rhs;
	return n;
}

static struct node *h_map(unsigned c, const char *name, struct node *keys)
{
	struct node *n = mk(N_MAP, 1, c);

	n->name = name;
	n->args = keys;
	return n;
}

static struct node *h_block(struct node *first, ...)
{
	struct node *b = mk(N_BLOCK, 1, 1), *n, **tail = &b->body;
	va_list ap;

	va_start(ap, first);
	for (n = first; n; n = va_arg(ap, struct node *)) {
		*tail = n;
		tail = &n->next;
	}
	va_end(ap);
	return b;
}

START_TEST(test_hand_built)
{
	/* @x[pid] = 'a' + 1; y = @x[pid] * 2 */
	struct node *chr = h_num(12, 'a'), *sum, *read, *prod;
	struct node *a1, *a2;
	struct map *m;

	TEXT = "@x[pid] = 'a' + 1; y = @x[pid] * 2;";
	SRC = unit_source(TEXT);
	chr->is_char = true;
	sum = h_bin(16, B_ADD, chr, h_num(18, 1));
	a1 = h_assign(9, h_map(1, "@x", h_ident(4, "pid")), sum);
	read = h_map(24, "@x", h_ident(27, "pid"));
	prod = h_bin(32, B_MUL, read, h_num(34, 2));
	a2 = h_assign(22, h_ident(20, "y"), prod);
	add_probe(&plain_prov, NULL, h_block(a1, a2, NULL));

	ck_assert_int_eq(sema_script(&S, &U.d), 0);
	ASSERT_TYPE(chr, "char");
	assert_const(chr, 'a');
	ASSERT_TYPE(sum, "s64");
	assert_const(sum, 'a' + 1);
	ck_assert_ptr_nonnull(a1->lhs->map);
	ck_assert_ptr_eq(a1->lhs->args->builtin, BI("pid"));
	ASSERT_TYPE(a1->lhs->args, "u32");
	m = a1->lhs->map;
	ck_assert_ptr_eq(read->map, m);
	ck_assert_str_eq(m->name, "@x");
	ck_assert_int_eq(m->kind, MAP_PLAIN);
	ck_assert(m->printed);
	ck_assert_uint_eq(m->nkeys, 1);
	ASSERT_TYPE(read, "s64");
	ck_assert_str_eq(tn(m->keys[0]), "u64");
	ck_assert_str_eq(tn(m->val), "s64");
	ck_assert(!prod->is_const);
	/* y is a plain keyless map */
	ck_assert_ptr_nonnull(a2->lhs->map);
	ck_assert_str_eq(a2->lhs->map->name, "y");
	ck_assert(!a2->lhs->map->printed);
	ck_assert_uint_eq(a2->lhs->map->nkeys, 0);
	ck_assert_uint_eq(S.nmaps, 2);
	ck_assert_uint_eq(m->id, 0);
	ck_assert_ptr_eq(S.maps[1], a2->lhs->map);
}
END_TEST

START_TEST(test_hand_built_error)
{
	/* 1 / 0 by hand: the message has the rhs location */
	struct node *div = h_bin(7, B_DIV, h_num(5, 1), h_num(9, 0));

	TEXT = "x = 1 / 0;";
	SRC = unit_source(TEXT);
	add_probe(&plain_prov, NULL,
		  h_block(h_assign(3, h_ident(1, "x"), div), NULL));
	ck_assert_int_eq(sema_script(&S, &U.d), -EINVAL);
	expect_error_at("<test>:1:9", "division by zero");
}
END_TEST

/* ---- names ---- */

START_TEST(test_builtin_vars)
{
	/* name as written, its type, the row's name */
	static const struct {
		const char *name, *type, *row;
	} cases[] = {
		{ "pid", "u32", "pid" }, { "kpid", "u32", "kpid" },
		{ "tid", "u32", "kpid" }, { "uid", "u32", "uid" },
		{ "gid", "u32", "gid" }, { "comm", "char[16]", "comm" },
		{ "execname", "char[16]", "comm" }, { "cpu", "u32", "cpu" },
		{ "time", "u64", "time" }, { "nsecs", "u64", "nsecs" },
		{ "walltime", "u64", "walltime" },
	};
	unsigned i;

	run_ok("plain:a { a = pid; a = kpid; a = tid; a = uid; a = gid; "
	       "b = comm; b = execname; a = cpu; a = time; a = nsecs; "
	       "a = walltime; }");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct node *n = val_at(0, i);

		ck_assert_int_eq(n->kind, N_IDENT);
		ck_assert_ptr_eq(n->builtin, BI(cases[i].row));
		ck_assert_str_eq(tn(n->type), cases[i].type);
		ck_assert_ptr_null(n->pvar);
	}
	ck_assert_int_eq(val_at(0, 10)->type->fmt, F_WALLTIME);
	ck_assert_str_eq(builtin_find("tid")->name, "kpid");
	ck_assert_ptr_null(builtin_find("nosuch"));
}
END_TEST

START_TEST(test_provider_vars)
{
	struct node *n;

	run_ok("fake:x { a = arg0; b = data->pid; c = data->comm; "
	       "d = data; e = data->filename; @s[kstack] = count(); }");
	n = val_at(0, 0);
	ck_assert_ptr_nonnull(n->pvar);
	ck_assert_int_eq(n->pvar->kind, PV_REG);
	ck_assert_int_eq(n->pvar->off, 112);
	ASSERT_TYPE(n, "u64");
	ck_assert_ptr_null(n->builtin);
	n = val_at(0, 1);
	ck_assert_int_eq(n->kind, N_MEMBER);
	ASSERT_TYPE(n, "s32");
	ck_assert_ptr_null(n->pvar);		/* a plain struct member */
	ck_assert_int_eq(n->lhs->pvar->kind, PV_CTX);
	ASSERT_TYPE(n->lhs, "struct fake_rec *");
	ck_assert_int_eq(n->lhs->type->space, AS_CTX);
	ASSERT_TYPE(val_at(0, 2), "char[16]");
	ASSERT_TYPE(val_at(0, 4), "user char *");
	n = stmt_at(0, 5)->lhs->args;
	ck_assert_ptr_eq(n->builtin, BI("kstack"));
	ASSERT_TYPE(n, "kstack");
	ck_assert_int_eq(S.maps[5]->keys[0]->fmt, F_KSTACK);
	/* a pointer stored in a map is an address */
	ck_assert_str_eq(tn(S.maps[3]->val), "u64");
}
END_TEST

START_TEST(test_member_hook)
{
	struct node *n;

	run_ok("raw:x { a = data->fd; b = data->id; }");
	n = val_at(0, 0);
	ck_assert_ptr_nonnull(n->pvar);
	ck_assert_int_eq(n->pvar->kind, PV_REG);
	ck_assert(n->pvar->indirect);
	ASSERT_TYPE(n, "s32");
	/* the hook says -ENOENT: an ordinary member */
	n = val_at(0, 1);
	ck_assert_ptr_null(n->pvar);
	ASSERT_TYPE(n, "s64");
}
END_TEST

START_TEST(test_unknown_ident)
{
	expect_fail("plain:x { a = commm; }", "commm",
		    "unknown identifier 'commm'; did you mean 'comm'?");
}
END_TEST

START_TEST(test_unknown_ident_plain)
{
	expect_fail("plain:x { a = zzyzx + 1; }", "zzyzx",
		    "unknown identifier 'zzyzx'");
	ck_assert_ptr_null(strstr(unit_diag_text(&U), "did you mean"));
	/* a provider variable exists only in its own probes */
	reset();
	expect_fail("plain:x { a = arg0; }", "arg0",
		    "unknown identifier 'arg0'");
}
END_TEST

START_TEST(test_unknown_index)
{
	expect_fail("plain:x { a = nope[1]; }", "nope",
		    "unknown identifier 'nope'");
}
END_TEST

START_TEST(test_function_as_var)
{
	expect_fail("plain:x { a = pid(); }", "pid(",
		    "'pid' is a variable, not a function");
	reset();
	expect_fail("plain:x { a = str; }", "str;",
		    "'str' is a function; call it as str(...)");
}
END_TEST

START_TEST(test_unknown_function)
{
	expect_fail("plain:x { prnt(1); }", "prnt",
		    "unknown function 'prnt'; did you mean 'print'?");
	reset();
	expect_fail("plain:x { frobnicate(1); }", "frobnicate",
		    "unknown function 'frobnicate'");
}
END_TEST

/* ---- types and folding ---- */

START_TEST(test_literals)
{
	run_ok("plain:x { a = 1; a = 18446744073709551615; b = \"ab\"; "
	       "a = 9223372036854775807; }");
	ASSERT_TYPE(val_at(0, 0), "s64");
	assert_const(val_at(0, 0), 1);
	ASSERT_TYPE(val_at(0, 1), "u64");
	assert_const(val_at(0, 1), -1);
	ASSERT_TYPE(val_at(0, 2), "char[3]");
	ck_assert(!val_at(0, 2)->is_const);
	ASSERT_TYPE(val_at(0, 3), "s64");
}
END_TEST

START_TEST(test_arith_types)
{
	run_ok("fake:x { a = pid + 1; a = nsecs - nsecs; a = pid + pid; "
	       "a = arg0 * 2; a = -pid; a = ~nsecs; a = pid == 1; a = !pid; "
	       "a = pid && arg0; a = data->pid << 2; a = nsecs >> 1; "
	       "a = pid < arg0; a = data->filename + 1; "
	       "a = data->filename - data->filename; a = cpu % 4; }");
	ASSERT_TYPE(val_at(0, 0), "s64");
	ASSERT_TYPE(val_at(0, 1), "u64");
	ASSERT_TYPE(val_at(0, 2), "s64");	/* u32 promotes to s64 */
	ASSERT_TYPE(val_at(0, 3), "u64");
	ASSERT_TYPE(val_at(0, 4), "s64");
	ASSERT_TYPE(val_at(0, 5), "u64");
	ASSERT_TYPE(val_at(0, 6), "s32");
	ASSERT_TYPE(val_at(0, 7), "s32");
	ASSERT_TYPE(val_at(0, 8), "s32");
	ASSERT_TYPE(val_at(0, 9), "s64");
	ASSERT_TYPE(val_at(0, 10), "u64");
	ASSERT_TYPE(val_at(0, 11), "s32");
	ASSERT_TYPE(val_at(0, 12), "user char *");
	ASSERT_TYPE(val_at(0, 13), "s64");
	ASSERT_TYPE(val_at(0, 14), "s64");
}
END_TEST

START_TEST(test_binop_type)
{
	run_ok("fake:x { a = pid < -1; a = nsecs < 1; "
	       "a = data->filename < data->filename; a = comm == \"x\"; "
	       "a = data->pid >> 1; a = arg0 >> 1; a = pid && 1; "
	       "a = cpu / 2; a = data->filename + 1; }");
	ck_assert_str_eq(tn(sema_binop_type(val_at(0, 0))), "s64");
	ck_assert_str_eq(tn(sema_binop_type(val_at(0, 1))), "u64");
	ck_assert_str_eq(tn(sema_binop_type(val_at(0, 2))), "u64");
	ck_assert_ptr_null(sema_binop_type(val_at(0, 3)));
	ck_assert_str_eq(tn(sema_binop_type(val_at(0, 4))), "s64");
	ck_assert_str_eq(tn(sema_binop_type(val_at(0, 5))), "u64");
	ck_assert_ptr_null(sema_binop_type(val_at(0, 6)));
	ck_assert_str_eq(tn(sema_binop_type(val_at(0, 7))), "s64");
	ck_assert_str_eq(tn(sema_binop_type(val_at(0, 8))), "u64");
}
END_TEST

START_TEST(test_fold)
{
	run_ok("plain:x { a = 2 * 3 + 1; a = -(5); a = 1 << 3; a = 7 / 2; "
	       "a = -7 / 2; a = -7 % 2; a = 18446744073709551615 / 2; "
	       "a = -1 < 0; a = 18446744073709551615 > 0; a = 1 ? 4 : 5; "
	       "a = 0 && pid; a = pid + 1; a = (1 << 63) >> 63; "
	       "a = 18446744073709551615 >> 63; a = ~0; a = !7; "
	       "a = 0 ? pid : 3; a = 5 - 7; a = 1 || pid; a = 6 & 3 | 8 ^ 1;"
	       " }");
	assert_const(val_at(0, 0), 7);
	assert_const(val_at(0, 1), -5);
	assert_const(val_at(0, 2), 8);
	assert_const(val_at(0, 3), 3);
	assert_const(val_at(0, 4), -3);
	assert_const(val_at(0, 5), -1);
	assert_const(val_at(0, 6), INT64_MAX);
	ASSERT_TYPE(val_at(0, 6), "u64");
	assert_const(val_at(0, 7), 1);
	assert_const(val_at(0, 8), 1);		/* unsigned compare */
	assert_const(val_at(0, 9), 4);
	assert_const(val_at(0, 10), 0);
	ck_assert(!val_at(0, 11)->is_const);
	assert_const(val_at(0, 12), -1);	/* arithmetic shift */
	assert_const(val_at(0, 13), 1);		/* logical shift */
	assert_const(val_at(0, 14), -1);
	assert_const(val_at(0, 15), 0);
	assert_const(val_at(0, 16), 3);
	assert_const(val_at(0, 17), -2);
	assert_const(val_at(0, 18), 1);
	assert_const(val_at(0, 19), (6 & 3) | (8 ^ 1));
}
END_TEST

START_TEST(test_fold_errors)
{
	expect_fail("plain:x { a = pid / 0; }", "0;", "division by zero");
	reset();
	expect_fail("plain:x { a = pid % (2 - 2); }", "-",
		    "modulo by zero");
	reset();
	expect_fail("plain:x { a = 1 << 64; }", "64", "shift count 64 is out "
		    "of range (0 to 63)");
	reset();
	expect_fail("plain:x { a = pid >> -1; }", "-1",
		    "shift count -1 is out of range (0 to 63)");
}
END_TEST

START_TEST(test_operand_errors)
{
	expect_fail("plain:x { a = comm + 1; }", "+",
		    "invalid operands to '+': char[16] and s64");
	reset();
	expect_fail("plain:x { a = comm == pid; }", "==",
		    "invalid operands to '==': char[16] and u32");
	reset();
	expect_fail("plain:x { a = comm < \"a\"; }", "<",
		    "strings compare only with '==' and '!='; use strcmp()");
	reset();
	expect_fail("fake:x { a = data->filename == \"a\"; }", "==",
		    "cannot compare user char * and char[2]; read the "
		    "pointer with str() first");
	reset();
	expect_fail("plain:x { a = -comm; }", "-",
		    "operator '-' needs an integer, got char[16]");
	reset();
	expect_fail("plain:x { a = !comm; }", "!",
		    "operator '!' needs an integer or a pointer, got char[16]");
	reset();
	expect_fail("fake:x { a = data * 2; }", "*",
		    "invalid operands to '*': struct fake_rec * and s64");
}
END_TEST

START_TEST(test_strings)
{
	run_ok("fake:x { a = comm == \"bash\"; a = comm != data->comm; "
	       "a = strcmp(comm, \"x\"); b = pid ? comm : \"ab\"; "
	       "b = pid ? \"abcdefghijklmnopqrstuvwxyz\" : comm; }");
	ASSERT_TYPE(val_at(0, 0), "s32");
	ASSERT_TYPE(val_at(0, 1), "s32");
	ASSERT_TYPE(val_at(0, 2), "s64");
	ASSERT_TYPE(val_at(0, 3), "char[16]");
	ASSERT_TYPE(val_at(0, 4), "char[27]");
	ck_assert_str_eq(tn(S.maps[1]->val), "char[27]");
}
END_TEST

START_TEST(test_ternary)
{
	run_ok("fake:x { a = pid ? 1 : 2; a = pid ? pid : cpu; "
	       "a = arg0 ? data->filename : data->filename; }");
	ASSERT_TYPE(val_at(0, 0), "s64");
	ASSERT_TYPE(val_at(0, 1), "u32");
	ASSERT_TYPE(val_at(0, 2), "user char *");
	reset();
	expect_fail("plain:x { a = pid ? comm : 1; }", "?",
		    "the branches of '?:' have different types: char[16] and "
		    "s64");
	reset();
	expect_fail("plain:x { a = comm ? 1 : 2; }", "comm",
		    "condition must be an integer or a pointer, got char[16]");
}
END_TEST

START_TEST(test_member_errors)
{
	const char *out;

	expect_fail("fake:x { a = data->fielname; }", "fielname",
		    "unknown field 'fielname' in struct fake_rec; did you "
		    "mean 'filename'?");
	out = unit_diag_text(&U);
	ck_assert_ptr_nonnull(strstr(out, "note: struct fake_rec has "
				     "common_type, pid, comm, filename, name, "
				     "flags"));
	reset();
	expect_fail("struct s { int a; }; fake:x { a = ((struct s *)arg0).pid; }",
		    "pid;", "struct s * is a pointer; use '->'");
	reset();
	expect_fail("fake:x { a = pid->x; }", "x;",
		    "'->x' needs a pointer to a struct, got u32; cast it "
		    "first, as in ((struct NAME *)pid)->x");
	reset();
	expect_fail("fake:x { a = (*data)->pid; }", "pid;",
		    "struct fake_rec is not a pointer; use '.'");
	reset();
	expect_fail("fake:x { a = comm.x; }", "x;",
		    "'.x' needs a struct, got char[16]");
	reset();
	expect_fail("raw:x { a = data->nope; }", "nope",
		    "unknown field 'nope' in struct raw_rec");
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&U),
				     "note: struct raw_rec has id\n"));
	reset();
	expect_fail("fake:x { a = *data->filename->x; }", "x;",
		    "'->x' needs a pointer to a struct, got user char *");

}
END_TEST

START_TEST(test_deref_member)
{
	run_ok("fake:x { a = (*data).pid; a = *data->filename; "
	       "a = uptr(data)->pid; }");
	ASSERT_TYPE(val_at(0, 0), "s32");
	ASSERT_TYPE(val_at(0, 1), "char");
	ASSERT_TYPE(val_at(0, 2), "s32");
	ASSERT_TYPE(val_at(0, 2)->lhs, "user struct fake_rec *");
	reset();
	expect_fail("plain:x { a = *comm; }", "*",
		    "cannot dereference char[16], it is not a pointer");
	reset();
	expect_fail("fake:x { a = *uptr(arg0); }", "*",
		    "cannot dereference user void *");
}
END_TEST

START_TEST(test_index)
{
	run_ok("fake:x { a = comm[0]; a = comm[15]; a = data->filename[3]; "
	       "a = comm[pid]; a = data->comm[1]; }");
	ASSERT_TYPE(val_at(0, 0), "char");
	ASSERT_TYPE(val_at(0, 2), "char");
	ASSERT_TYPE(val_at(0, 3), "char");
	ck_assert_ptr_null(val_at(0, 3)->map);
	reset();
	expect_fail("plain:x { a = comm[16]; }", "16",
		    "index 16 is out of bounds for char[16]");
	reset();
	expect_fail("plain:x { a = pid[0]; }", "[", "cannot index u32");
	reset();
	expect_fail("plain:x { a = comm[\"a\"]; }", "\"a\"",
		    "an index must be an integer, got char[2]");
	reset();
	expect_fail("plain:x { a = comm[1, 2]; }", "[",
		    "an index is one expression");
}
END_TEST

START_TEST(test_conditions)
{
	run_ok("fake:x /pid == 1/ { if (arg0) { a = 1; } else a = 2; }");
	reset();
	expect_fail("plain:x /comm/ { a = 1; }", "comm",
		    "a predicate must be an integer or a pointer, got char[16]");
	reset();
	expect_fail("plain:x { if (comm) a = 1; }", "comm",
		    "an if condition must be an integer or a pointer, got "
		    "char[16]");
}
END_TEST

/* ---- maps ---- */

START_TEST(test_plain_maps)
{
	struct map *x, *y;
	struct node *n;

	run_ok("plain:x { x = 1; }\nplain:y { y[pid, comm] = x + 1; "
	       "a = y[1, \"ab\"]; delete y[pid, comm]; }");
	x = script_map_find(&S, "x");
	y = script_map_find(&S, "y");
	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(y);
	ck_assert(!x->printed);
	ck_assert_int_eq(x->kind, MAP_PLAIN);
	ck_assert_uint_eq(y->nkeys, 2);
	ck_assert_str_eq(tn(y->keys[0]), "u64");
	ck_assert_str_eq(tn(y->keys[1]), "char[16]");
	ck_assert_str_eq(tn(y->val), "s64");
	n = stmt_at(1, 0);
	ck_assert_ptr_eq(n->lhs->map, y);		/* the N_INDEX */
	ck_assert_ptr_eq(n->lhs->lhs->map, y);		/* its N_IDENT */
	ck_assert_ptr_eq(n->rhs->lhs->map, x);		/* x read */
	ASSERT_TYPE(n->rhs->lhs, "s64");
	n = val_at(1, 1);
	ck_assert_int_eq(n->kind, N_INDEX);
	ck_assert_ptr_eq(n->map, y);
	ASSERT_TYPE(n, "s64");
	n = stmt_at(1, 2);
	ck_assert_int_eq(n->kind, N_DELETE);
	ck_assert_ptr_eq(n->lhs->map, y);
}
END_TEST

START_TEST(test_read_before_assign)
{
	struct map *m;

	/* the read comes first: its type comes from the later probe */
	run_ok("plain:x { printf(\"%s %d\\n\", @name[pid], @n); }\n"
	       "plain:y { @name[pid] = comm; @n = pid; }");
	m = script_map_find(&S, "@name");
	ck_assert_uint_eq(m->id, 0);
	ck_assert_str_eq(tn(m->val), "char[16]");
	ASSERT_TYPE(stmt_at(0, 0)->lhs->args->next, "char[16]");
	ASSERT_TYPE(stmt_at(0, 0)->lhs->args->next->next, "u64");
}
END_TEST

START_TEST(test_chained_maps)
{
	/* @a depends on @b which depends on @c, all read before assigned */
	run_ok("plain:x { @a = @b + 1; }\nplain:y { @b = @c; }\n"
	       "plain:z { @c = nsecs; }");
	ck_assert_str_eq(tn(script_map_find(&S, "@a")->val), "u64");
	ck_assert_str_eq(tn(script_map_find(&S, "@b")->val), "u64");
	ck_assert_str_eq(tn(script_map_find(&S, "@c")->val), "u64");
	ASSERT_TYPE(val_at(0, 0), "u64");
}
END_TEST

START_TEST(test_unify_ints)
{
	run_ok("fake:x { @x[pid] = 1; @y = pid; @z = pid; @w = walltime; "
	       "@v = walltime; @c = 'c'; }\n"
	       "fake:y { @x[arg0] = -1; @y = nsecs; @z = -1; @w = walltime; "
	       "@v = 1; @c = 1; }");
	ck_assert_str_eq(tn(script_map_find(&S, "@x")->keys[0]), "u64");
	ck_assert_str_eq(tn(script_map_find(&S, "@x")->val), "s64");
	ck_assert_str_eq(tn(script_map_find(&S, "@y")->val), "u64");
	/* signed only if both are */
	ck_assert_str_eq(tn(script_map_find(&S, "@z")->val), "u64");
	ck_assert_int_eq(script_map_find(&S, "@w")->val->fmt, F_WALLTIME);
	ck_assert_int_eq(script_map_find(&S, "@v")->val->fmt, F_NONE);
	ck_assert_int_eq(script_map_find(&S, "@c")->val->fmt, F_NONE);
}
END_TEST

START_TEST(test_unify_strings)
{
	S.opts.str_size = 32;
	run_ok("fake:x { @s = comm; @t[str(arg0)] = 1; }\n"
	       "fake:y { @s = str(arg0, 100); @t[\"abc\"] = 2; }");
	ck_assert_str_eq(tn(script_map_find(&S, "@s")->val), "char[100]");
	ck_assert_str_eq(tn(script_map_find(&S, "@t")->keys[0]), "char[32]");
}
END_TEST

START_TEST(test_unify_both_locations)
{
	const char *text = "fake:x { @x[comm] = 1; }\n"
			   "fake:y { @x[nsecs] = 2; }";
	char msg[256];

	ck_assert_int_eq(run(text), -EINVAL);
	snprintf(msg, sizeof(msg), "map @x: key 1 is u64 here, char[16] at %s",
		 where("comm"));
	expect_error_at(where("nsecs"), msg);
	/* the source line and the caret come with it */
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&U),
				     "fake:y { @x[nsecs] = 2; }"));
}
END_TEST

START_TEST(test_unify_value_error)
{
	const char *text = "plain:x { @x = 1; }\nplain:y { @x = comm; }";
	char msg[256];

	ck_assert_int_eq(run(text), -EINVAL);
	snprintf(msg, sizeof(msg), "map @x: value is char[16] here, s64 at %s",
		 where("1;"));
	expect_error_at(where("comm"), msg);
}
END_TEST

START_TEST(test_unify_stack_error)
{
	const char *text = "fake:x { @[kstack] = count(); @[arg0] = count(); }";
	char msg[256];

	ck_assert_int_eq(run(text), -EINVAL);
	snprintf(msg, sizeof(msg), "map @: key 1 is u64 here, kstack at %s",
		 where("kstack"));
	expect_error_at(where("arg0"), msg);
}
END_TEST

START_TEST(test_nkeys_error)
{
	const char *text = "plain:x { @x[1, 2] = 1; }\nplain:y { @x[3] = 2; }";
	char msg[256];

	ck_assert_int_eq(run(text), -EINVAL);
	snprintf(msg, sizeof(msg), "map @x: used with 1 key here, 2 at %s",
		 where("@x"));
	expect_error_at(where_n("@x", 1), msg);
}
END_TEST

START_TEST(test_bad_key_value)
{
	expect_fail("fake:x { @x[*data] = 1; }", "*",
		    "cannot use struct fake_rec as a map key");
	reset();
	expect_fail("fake:x { @x = *data; }", "*",
		    "map @x: cannot store struct fake_rec as its value");
	reset();
	expect_fail("plain:x { @x = print(1); }", "print",
		    "print() has no value");
	/* raw bytes are for printing: maps hold ints and strings */
	reset();
	expect_fail("fake:x { @x[mem(arg0, 6)] = 1; }", "mem",
		    "cannot use u8[6] as a map key");
}
END_TEST

START_TEST(test_aggregations)
{
	struct map *c, *s, *q, *u;
	struct node *n;

	run_ok("fake:x { @c[comm] = count(); @s = sum(data->pid); "
	       "@q[pid] = quantize(arg0); @u = sum(arg0); }");
	c = script_map_find(&S, "@c");
	s = script_map_find(&S, "@s");
	q = script_map_find(&S, "@q");
	u = script_map_find(&S, "@u");
	ck_assert_int_eq(c->kind, MAP_COUNT);
	ck_assert_str_eq(tn(c->val), "u64");
	ck_assert_str_eq(tn(c->keys[0]), "char[16]");
	ck_assert_int_eq(s->kind, MAP_SUM);
	ck_assert_str_eq(tn(s->val), "s64");
	ck_assert_uint_eq(s->nkeys, 0);
	ck_assert_int_eq(q->kind, MAP_QUANTIZE);
	ck_assert_uint_eq(q->nkeys, 1);		/* the bucket is lowering's */
	ck_assert_str_eq(tn(q->val), "u64");
	ck_assert_str_eq(tn(u->val), "u64");
	n = val_at(0, 0);
	ck_assert_ptr_eq(n->builtin, BI("count"));
	ASSERT_TYPE(n, "u64");
	n = val_at(0, 1);
	ck_assert_ptr_eq(n->builtin, BI("sum"));
	ASSERT_TYPE(n, "s64");
	ASSERT_TYPE(n->args, "s32");
	ck_assert_ptr_eq(val_at(0, 2)->builtin, BI("quantize"));
}
END_TEST

START_TEST(test_kind_mixing)
{
	const char *text = "fake:x { @c = count(); }\nfake:y { @c = sum(arg0); }";
	char msg[256];

	ck_assert_int_eq(run(text), -EINVAL);
	snprintf(msg, sizeof(msg), "map @c is assigned sum() here, count() at "
		 "%s", where("count"));
	expect_error_at(where("sum"), msg);
	reset();
	text = "fake:x { @c = 1; @c = count(); }";
	ck_assert_int_eq(run(text), -EINVAL);
	snprintf(msg, sizeof(msg), "map @c is assigned count() here, a value "
		 "at %s", where("1;"));
	expect_error_at(where("count"), msg);
}
END_TEST

START_TEST(test_agg_read)
{
	expect_fail("plain:x { @c = count(); a = @c + 1; }", "@c +",
		    "cannot read count() map @c: aggregations are printed, "
		    "not read; print it instead");
	reset();
	/* reading before the assignment that fixes the kind, too */
	expect_fail("plain:x { print(@q[1]); }\nplain:y { @q[2] = "
		    "quantize(1); }", "@q",
		    "cannot read quantize() map @q: aggregations are "
		    "printed, not read; print it instead");
}
END_TEST

START_TEST(test_agg_misplaced)
{
	expect_fail("plain:x { print(count()); }", "count",
		    "count() is only allowed as the value of a map assignment, "
		    "as in @m[key] = count()");
	reset();
	expect_fail("plain:x { @x = sum(1) + 1; }", "sum",
		    "sum() is only allowed as the value of a map assignment, "
		    "as in @m[key] = sum(x)");
	reset();
	expect_fail("plain:x { @x = sum(comm); }", "comm",
		    "sum() needs an integer, got char[16]");
	reset();
	expect_fail("plain:x { @x = count(1); }", "count",
		    "count() takes 0 arguments, got 1");
}
END_TEST

START_TEST(test_print_clear_map)
{
	struct node *call;

	run_ok("plain:x { @c[pid] = count(); x = 1; }\n"
	       "plain:y { print(@c); clear(@c); print(x); print(1, comm); "
	       "delete @c[1]; }");
	call = val_at(1, 0);
	ck_assert_ptr_eq(call->builtin, BI("print"));
	ck_assert_ptr_eq(call->map, script_map_find(&S, "@c"));
	ck_assert_ptr_eq(call->args->map, call->map);
	ASSERT_TYPE(call->args, "void");
	ASSERT_TYPE(call, "void");
	call = val_at(1, 1);
	ck_assert_ptr_eq(call->builtin, BI("clear"));
	ck_assert_ptr_eq(call->map, script_map_find(&S, "@c"));
	call = val_at(1, 2);
	ck_assert_ptr_eq(call->map, script_map_find(&S, "x"));
	call = val_at(1, 3);
	ck_assert_ptr_null(call->map);
	ck_assert_ptr_eq(stmt_at(1, 4)->lhs->map, script_map_find(&S, "@c"));
}
END_TEST

START_TEST(test_map_errors)
{
	expect_fail("plain:x { print(@nope); }", "@nope",
		    "map @nope is never assigned");
	reset();
	expect_fail("plain:x { clear(1); }", "1",
		    "clear() needs a map, as in clear(@m)");
	reset();
	expect_fail("plain:x { a = @nope[1] + 1; }", "@nope",
		    "map @nope is never assigned");
	reset();
	expect_fail("plain:x { @count = count(); }\nplain:y { print(@cuont); }",
		    "@cuont", "map @cuont is never assigned; did you mean "
		    "@count?");
	reset();
	expect_fail("plain:x { total = 1; }\nplain:y { a = totl + 1; }",
		    "totl", "unknown identifier 'totl'; did you mean 'total'?");
	/* once per map */
	reset();
	ck_assert_int_eq(run("plain:x { a = @nope; b = @nope; }"), -EINVAL);
	ck_assert_uint_eq(count_str(unit_diag_text(&U), "never assigned"), 1);
}
END_TEST

START_TEST(test_assign_errors)
{
	expect_fail("plain:x { pid = 1; }", "pid",
		    "cannot assign to builtin variable 'pid'");
	reset();
	expect_fail("fake:x { arg0 = 1; }", "arg0",
		    "cannot assign to provider variable 'arg0'");
	reset();
	expect_fail("plain:x { comm[0] = 1; }", "[",
		    "cannot assign to an element of 'comm'");
	/* no map was made for them */
	ck_assert_ptr_null(script_map_find(&S, "comm"));
}
END_TEST

/* ---- calls ---- */

START_TEST(test_calls)
{
	S.opts.str_size = 0;	/* default: 64 */
	run_ok("fake:x { a = str(arg0); a = str(arg0, 16); a = str(comm); "
	       "b = uptr(arg0); c = uptr(data->filename); print(mem(arg0, 6)); "
	       "e = strcmp(comm, \"bash\"); exit(1); f = dyn(data->name); "
	       "a = str(data->filename); }");
	ASSERT_TYPE(val_at(0, 0), "char[64]");
	ck_assert_ptr_eq(val_at(0, 0)->builtin, BI("str"));
	ASSERT_TYPE(val_at(0, 1), "char[16]");
	ASSERT_TYPE(val_at(0, 2), "char[16]");
	ASSERT_TYPE(val_at(0, 3), "user void *");
	ASSERT_TYPE(val_at(0, 4), "user char *");
	ASSERT_TYPE(val_at(0, 5)->args, "u8[6]");
	ck_assert_ptr_eq(val_at(0, 5)->args->builtin, BI("mem"));
	ASSERT_TYPE(val_at(0, 6), "s64");
	ASSERT_TYPE(val_at(0, 7), "void");
	ck_assert_ptr_eq(val_at(0, 7)->builtin, BI("exit"));
	ASSERT_TYPE(val_at(0, 8), "char[64]");
	ASSERT_TYPE(val_at(0, 9), "char[64]");
	/* a string stored in a map keeps its length */
	ck_assert_str_eq(tn(script_map_find(&S, "a")->val), "char[64]");
}
END_TEST

START_TEST(test_bswap)
{
	run_ok("fake:x { a = bswap(data->common_type); a = bswap(pid); "
	       "a = bswap(data->flags); a = bswap(0x1122); "
	       "a = bswap(data->comm[0]); a = bswap(bswap(data->pid)); }");
	ASSERT_TYPE(val_at(0, 0), "u16");
	ck_assert_ptr_eq(val_at(0, 0)->builtin, BI("bswap"));
	ASSERT_TYPE(val_at(0, 1), "u32");
	ASSERT_TYPE(val_at(0, 2), "u64");
	/* a literal is an s64: swapped as 8 bytes, folded */
	ASSERT_TYPE(val_at(0, 3), "u64");
	assert_const(val_at(0, 3), 0x2211000000000000);
	/* a char comes back unchanged, unsigned */
	ASSERT_TYPE(val_at(0, 4), "u8");
	ASSERT_TYPE(val_at(0, 5), "u32");
	ck_assert(!val_at(0, 5)->is_const);

	reset();
	run_ok("fake:x { a = bswap(bswap(0x0102)); b = bswap(-1); }");
	assert_const(val_at(0, 0), 0x0102);
	assert_const(val_at(0, 1), -1);

	reset();
	expect_fail("fake:x { a = bswap(comm); }", "comm",
		    "bswap() needs an integer, got char[16]");
	reset();
	expect_fail("fake:x { a = bswap(data->filename); }", "filename",
		    "bswap() needs an integer, got user char *");
	reset();
	expect_fail("fake:x { a = bswap(); }", "bswap",
		    "bswap() takes 1 argument, got 0");
	reset();
	expect_fail("fake:x { a = bswap(1, 2); }", "bswap",
		    "bswap() takes 1 argument, got 2");
}
END_TEST

START_TEST(test_str_size_opt)
{
	S.opts.str_size = 24;
	run_ok("fake:x { a = str(arg0); }");
	ASSERT_TYPE(val_at(0, 0), "char[24]");
}
END_TEST

START_TEST(test_call_errors)
{
	expect_fail("fake:x { a = str(arg0, pid); }", "pid",
		    "the size of str() must be a constant integer");
	reset();
	expect_fail("fake:x { a = str(arg0, 0); }", "0)",
		    "the size of str() must be between 1 and 65535, got 0");
	reset();
	expect_fail("fake:x { a = mem(arg0, 70000); }", "70000",
		    "the size of mem() must be between 1 and 65535, got 70000");
	reset();
	expect_fail("fake:x { a = str(arg0, 1, 2); }", "str",
		    "str() takes 1 or 2 arguments, got 3");
	reset();
	/* exit() with no code is bpftrace's exit: status 0 */
	ck_assert_int_eq(run("plain:x { exit(); }"), 0);
	reset();
	expect_fail("plain:x { exit(1, 2); }", "exit",
		    "exit() takes 0 or 1 arguments, got 2");
	reset();
	expect_fail("plain:x { exit(comm); }", "comm",
		    "exit() needs an integer, got char[16]");
	reset();
	expect_fail("fake:x { a = strcmp(comm, arg0); }", "arg0",
		    "strcmp() compares strings, got u64");
	reset();
	expect_fail("fake:x { a = strcmp(data->filename, comm); }", "filename",
		    "strcmp() compares strings, got user char *; read it with "
		    "str()");
	reset();
	expect_fail("fake:x { a = dyn(data->pid); }", "pid",
		    "dyn() needs a __data_loc field, got s32");
	reset();
	expect_fail("fake:x { a = str(*data); }", "*",
		    "str() needs a pointer or an address, got struct fake_rec");
	reset();
	expect_fail("plain:x { a = uptr(comm); }", "comm",
		    "uptr() needs a pointer or an address, got char[16]");
	reset();
	expect_fail("plain:x { print(); }", "print",
		    "print() needs at least one argument");
	reset();
	expect_fail("struct s; fake:x { print(*(struct s *)arg0); }", "*(",
		    "struct s is declared but never defined, so its fields "
		    "are unknown");
}
END_TEST

START_TEST(test_printf_ok)
{
#define FMT "%d %i %s %u %x %X %o %c %p %v %-5.3lld %%|%08lx %+hd %zu % d %#x\n"
	char want[32];

	run_ok("fake:x { printf(\"%d %i %s %u %x %X %o %c %p %v %-5.3lld "
	       "%%|%08lx %+hd %zu % d %#x\\n\", pid, data->pid, comm, uid, "
	       "arg0, arg0, cpu, 'a', data->filename, comm, nsecs, arg0, "
	       "data->pid, arg0, pid, pid); printf(\"no args\\n\"); "
	       "printf(\"%s\", str(arg0)); printf(\"%p\", arg0); "
	       "printf(\"%s\", mem(arg0, 4)); }");
	ASSERT_TYPE(val_at(0, 0), "void");
	ck_assert_ptr_eq(val_at(0, 0)->builtin, BI("printf"));
	snprintf(want, sizeof(want), "char[%zu]", sizeof(FMT));
	ASSERT_TYPE(val_at(0, 0)->args, want);
}
END_TEST

START_TEST(test_printf_errors)
{
	expect_fail("plain:x { printf(\"%d\\n\", comm); }", "comm",
		    "%d needs an integer, got char[16]");
	reset();
	expect_fail("fake:x { printf(\"a %s\\n\", data->filename); }",
		    "filename",
		    "%s needs a string, got user char *; read it with str()");
	reset();
	expect_fail("plain:x { printf(\"%s\\n\", pid); }", "pid",
		    "%s needs a string, got u32");
	reset();
	/* a pointer is an address to the integer conversions, as in
	 * bpftrace; what prints as text wants %s */
	ck_assert_int_eq(run("fake:x { printf(\"%lx\\n\", data); }"), 0);
	reset();
	expect_fail("fake:x { printf(\"%d\\n\", kstack); }", "kstack",
		    "%d needs an integer, got kstack; use %s");
	reset();
	expect_fail("plain:x { printf(\"%p\\n\", comm); }", "comm",
		    "%p needs a pointer, got char[16]");
	reset();
	expect_fail("plain:x { printf(\"%d %d\\n\", pid); }", "\"",
		    "the format has 2 conversions but 1 argument follows");
	reset();
	expect_fail("plain:x { printf(\"%d\\n\", pid, 2); }", "2)",
		    "argument 3 of printf() has no conversion in the format");
	reset();
	expect_fail("plain:x { printf(\"%q\\n\", pid); }", "\"",
		    "unknown conversion '%q' in the format");
	reset();
	expect_fail("plain:x { printf(\"50%\"); }", "\"",
		    "incomplete conversion '%' at the end of the format");
	reset();
	expect_fail("plain:x { printf(\"%*d\", 1, 2); }", "\"",
		    "'*' widths are not supported in printf() formats");
	reset();
	expect_fail("plain:x { printf(comm); }", "comm",
		    "printf() needs a literal format string");
}
END_TEST

/* ---- reporting ---- */

START_TEST(test_all_errors_reported)
{
	const char *out;

	ck_assert_int_eq(run("plain:x { a = zz1; b = 1 / 0; }\n"
			     "plain:y { printf(\"%d\", comm); exit(comm); }"),
			 -EINVAL);
	out = unit_diag_text(&U);
	ck_assert_uint_eq(count_str(out, "error:"), 4);
	ck_assert_uint_eq(U.d.errors, 4);
	expect_error_at(where("zz1"), "unknown identifier 'zz1'");
	expect_error_at(where("0;"), "division by zero");
	expect_error_at(where("comm)"), "%d needs an integer, got char[16]");
	expect_error_at(where_n("comm", 1), "exit() needs an integer, got "
			"char[16]");
}
END_TEST

START_TEST(test_no_cascade)
{
	/* one mistake, one message */
	ck_assert_int_eq(run("plain:x { a = (zz1 + 1) * comm; }"), -EINVAL);
	ck_assert_uint_eq(count_str(unit_diag_text(&U), "error:"), 1);
}
END_TEST

START_TEST(test_dedupe_expanded)
{
	/* two specifiers, one body: probes share locations, one message */
	ck_assert_int_eq(run("fake:a, fake:b { a = zz1; }"), -EINVAL);
	ck_assert_uint_eq(S.nprobes, 2);
	ck_assert_uint_eq(count_str(unit_diag_text(&U), "error:"), 1);
}
END_TEST

START_TEST(test_each_probe_typed)
{
	/* the same text types per provider */
	run_ok("fake:a, raw:b { a = data; }");
	ASSERT_TYPE(val_at(0, 0), "struct fake_rec *");
	ASSERT_TYPE(val_at(1, 0), "struct raw_rec *");
	/* both are pointers: the map holds addresses */
	ck_assert_str_eq(tn(script_map_find(&S, "a")->val), "u64");
}
END_TEST

START_TEST(test_var_or_map_per_probe)
{
	/* `data` is a plain map where no provider variable has the name */
	run_ok("plain:a { data = 1; }\nfake:b { a = data->pid; }\n"
	       "plain:c { b = data + 1; }");
	ck_assert_ptr_nonnull(stmt_at(0, 0)->lhs->map);
	ck_assert_ptr_nonnull(val_at(1, 0)->lhs->pvar);
	ck_assert_ptr_null(val_at(1, 0)->lhs->map);
	ck_assert_ptr_eq(val_at(2, 0)->lhs->map, script_map_find(&S, "data"));
}
END_TEST

/* ---- bpftrace's builtins (B2) ---- */

START_TEST(test_b2_vars)
{
	run_ok("fake:x { a = nsecs; a = elapsed; a = cpid; a = cgroup; "
	       "a = rand; a = numaid; b = probe; }");
	ASSERT_TYPE(val_at(0, 0), "u64");
	ck_assert_ptr_eq(val_at(0, 0)->builtin, BI("nsecs"));
	ck_assert_ptr_ne(BI("nsecs"), BI("time"));
	ASSERT_TYPE(val_at(0, 1), "u64");
	ASSERT_TYPE(val_at(0, 2), "u32");
	ASSERT_TYPE(val_at(0, 3), "u64");
	ASSERT_TYPE(val_at(0, 4), "u32");
	ASSERT_TYPE(val_at(0, 5), "u32");
	/* bpftrace's name of the probe, as a string */
	ASSERT_TYPE(val_at(0, 6), "char[6]");
	/* a bare time stays the clock; time(...) is the call */
	reset();
	run_ok("fake:x { a = time; time(); time(\"%H\\n\"); }");
	ck_assert_ptr_eq(val_at(0, 0)->builtin, BI("time"));
	ck_assert_int_eq(val_at(0, 1)->builtin->kind, BK_EVENT);
	reset();
	expect_fail("fake:x { time(comm); }", "comm",
		    "time() needs a string literal as its format");
	reset();
	expect_fail("fake:x { time(\"a\", \"b\"); }", "time",
		    "time() takes 0 or 1 arguments, got 2");
}
END_TEST

START_TEST(test_b2_stacks)
{
	run_ok("fake:x { @a[kstack] = count(); @b[kstack(perf)] = count(); "
	       "@c[kstack(3)] = count(); @d[kstack(perf, 3)] = count(); "
	       "@e[ustack(bpftrace, 5)] = count(); @f[stack] = count(); }");
	ASSERT_TYPE(stmt_at(0, 0)->lhs->args, "kstack");
	ASSERT_TYPE(stmt_at(0, 1)->lhs->args, "kstack(perf)");
	ck_assert_int_eq(stmt_at(0, 1)->lhs->args->type->fmt, F_KSTACK_PERF);
	ASSERT_TYPE(stmt_at(0, 2)->lhs->args, "kstack(3)");
	ck_assert_uint_eq(stmt_at(0, 2)->lhs->args->type->frames, 3);
	ASSERT_TYPE(stmt_at(0, 3)->lhs->args, "kstack(perf, 3)");
	ASSERT_TYPE(stmt_at(0, 4)->lhs->args, "ustack(5)");
	ck_assert_int_eq(stmt_at(0, 4)->lhs->args->type->fmt, F_USTACK);
	ck_assert_ptr_eq(stmt_at(0, 5)->lhs->args->builtin, BI("kstack"));
	/* the map keeps the frame limit */
	ck_assert_uint_eq(script_map_find(&S, "@c")->keys[0]->frames, 3);

	reset();
	expect_fail("fake:x { @[kstack(raw, 3)] = count(); }", "raw",
		    "kstack()'s mode is perf or bpftrace");
	reset();
	expect_fail("fake:x { @[kstack(0)] = count(); }", "0)",
		    "kstack()'s frame limit must be a constant from 1 to 127");
	reset();
	expect_fail("fake:x { @[ustack(perf, pid)] = count(); }", "pid",
		    "ustack()'s frame limit must be a constant from 1 to 127");
	reset();
	expect_fail("begin:x { @[kstack] = count(); }", "kstack",
		    "kstack is not available in begin probes: they run in "
		    "spry itself, not on an event");
	reset();
	expect_fail("fake:x { @[kstack(3)] = count(); @[kstack(4)] = count(); }",
		    "kstack(4)", "map @: key 1 is kstack(4) here, kstack(3) at "
		    "<test>:1:12");
}
END_TEST

START_TEST(test_b2_symbols)
{
	struct host h = { .kallsyms = unit_fixture("kprobe", "kallsyms") };

	S.host = &h;
	run_ok("regs:x { a = ksym(arg0); b = usym(reg(\"ip\")); "
	       "a = kaddr(\"vfs_read\"); a = kaddr(\"some_data_between\"); "
	       "c = reg(\"di\"); @k[ksym(arg0)] = count(); @u = usym(arg0); }");
	ASSERT_TYPE(val_at(0, 0), "u64");
	ck_assert_int_eq(val_at(0, 0)->type->fmt, F_KSYM_NAME);
	ASSERT_TYPE(val_at(0, 1), "usym");
	ck_assert_int_eq(val_at(0, 1)->type->size, 16);
	assert_const(val_at(0, 2), (int64_t)0xffffffff81234600ull);
	assert_const(val_at(0, 3), (int64_t)0xffffffff81200000ull);
	ASSERT_TYPE(val_at(0, 4), "u64");
	ck_assert_str_eq(tn(script_map_find(&S, "@u")->val), "usym");

	reset();
	S.host = &h;
	ck_assert_int_eq(run("regs:x { a = kaddr(\"no_such_sym\"); }"), -EINVAL);
	expect_error_at(where("\"no_such"), arena_printf(A, "no kernel symbol "
			"'no_such_sym' in %s", h.kallsyms));
	reset();
	h.kallsyms = unit_fixture("kprobe", "kallsyms-noaddr");
	S.host = &h;
	expect_fail("regs:x { a = kaddr(\"vfs_read\"); }", "\"vfs",
		    "cannot find the address of 'vfs_read': kallsyms hides "
		    "addresses from this user");
	reset();
	expect_fail("regs:x { a = kaddr(comm); }", "comm",
		    "kaddr() needs a string literal as its symbol");
	reset();
	expect_fail("regs:x { a = ksym(comm); }", "comm",
		    "ksym() needs an address, got char[16]");
	reset();
	expect_fail("regs:x { a = reg(\"nosuch\"); }", "\"nosuch",
		    "no register 'nosuch' on x86_64");
	reset();
	expect_fail("fake:x { a = reg(\"ip\"); }", "reg",
		    "reg() needs a probe that sees the registers (kprobe, "
		    "uprobe, profile, interval); fake probes do not");

	/* uaddr(): a pointer into the uprobe's file, by the symbol's size */
	reset();
	run_ok("uobj:x { a = uaddr(\"spry_leaf\"); }");
	ASSERT_TYPE(val_at(0, 0), "user u64 *");
	assert_const(val_at(0, 0), 0x130);
	reset();
	ck_assert_int_eq(run("uobj:x { a = uaddr(\"nosuch\"); }"), -EINVAL);
	expect_error_at(where("\"nosuch"), arena_printf(A, "no symbol 'nosuch' "
			"in %s", unit_fixture("uprobe", "target")));
	reset();
	expect_fail("regs:x { a = uaddr(\"main\"); }", "uaddr",
		    "uaddr() needs a uprobe, whose file holds the symbol; regs "
		    "probes have none");

	/* kptr(): a kernel pointer; strerror(): an errno that prints as text */
	reset();
	run_ok("fake:x { a = kptr(arg0); b = kptr(data->filename); "
	       "c = strerror(1); @e[strerror(arg0)] = count(); }");
	ASSERT_TYPE(val_at(0, 0), "void *");
	ASSERT_TYPE(val_at(0, 1), "char *");
	ASSERT_TYPE(val_at(0, 2), "strerror");
	ck_assert_int_eq(val_at(0, 2)->type->fmt, F_STRERROR);
	reset();
	expect_fail("fake:x { a = strerror(comm); }", "comm",
		    "strerror() needs an errno, got char[16]");
	reset();
	expect_fail("fake:x { a = kptr(comm); }", "comm",
		    "kptr() needs a pointer or an address, got char[16]");

	reset();
	expect_fail("fake:x { a = cgroupid(\"/nonexistent/spry\"); }", "\"/non",
		    "cannot find the cgroup id of '/nonexistent/spry': No such "
		    "file or directory");
}
END_TEST

START_TEST(test_b2_net)
{
	run_ok("fake:x { a = ntop(data->flags); a = ntop(2, data->pid); "
	       "a = ntop(10, pton(\"::1\")); a = ntop(pton(\"1.2.3.4\")); "
	       "b = macaddr(data->filename); b = macaddr(arg0); "
	       "@n[ntop(1)] = 1; }");
	ASSERT_TYPE(val_at(0, 0), "inet");
	ck_assert_int_eq(val_at(0, 0)->type->size, 24);
	ASSERT_TYPE(val_at(0, 2)->args->next, "u8[16]");
	ASSERT_TYPE(val_at(0, 3)->args, "u8[4]");
	ASSERT_TYPE(val_at(0, 4), "macaddr");
	ck_assert_str_eq(tn(script_map_find(&S, "@n")->keys[0]), "inet");

	reset();
	expect_fail("fake:x { a = ntop(\"ab\"); }", "\"ab",
		    "ntop() needs an IPv4 address (an integer or 4 bytes) or an "
		    "IPv6 one (16 bytes), got char[3]");
	reset();
	expect_fail("fake:x { a = ntop(comm, 1); }", "comm",
		    "ntop()'s family is an integer (AF_INET, AF_INET6), got "
		    "char[16]");
	reset();
	expect_fail("fake:x { a = macaddr(comm); }", "comm",
		    "macaddr() needs 6 bytes or their address, got char[16]");
	reset();
	expect_fail("fake:x { a = pton(\"1.2.3\"); }", "\"1.2.3",
		    "pton() needs an IPv4 or IPv6 address, got '1.2.3'");
}
END_TEST

START_TEST(test_b2_strings)
{
	run_ok("fake:x { a = strncmp(comm, \"bash\", 4); "
	       "a = strcontains(comm, \"sh\"); a = strcontains(comm, comm); "
	       "b = buf(arg0, 8); c = buf(comm); d = buf(data->comm, 4); "
	       "e = buf(arg0, pid); @b[buf(arg0, 8)] = 1; }");
	ASSERT_TYPE(val_at(0, 0), "s64");
	ASSERT_TYPE(val_at(0, 1), "s64");
	ASSERT_TYPE(val_at(0, 3), "buf[8]");
	ASSERT_TYPE(val_at(0, 4), "buf[16]");
	ASSERT_TYPE(val_at(0, 5), "buf[4]");
	/* a computed length: at most -s bytes */
	ASSERT_TYPE(val_at(0, 6), "buf[64]");

	reset();
	expect_fail("fake:x { a = strncmp(comm, arg0, 1); }", "arg0",
		    "strncmp() takes strings, got u64");
	reset();
	expect_fail("fake:x { a = strncmp(comm, \"a\", pid); }", "pid",
		    "strncmp()'s length must be a constant integer, 0 or more");
	reset();
	expect_fail("fake:x { a = strcontains(data->filename, \"a\"); }",
		    "filename", "strcontains() takes strings, got user char *; read "
		    "it with str()");
	reset();
	expect_fail("fake:x { a = strcontains(str(arg0, 200), str(arg1, "
		    "100)); }", "strcontains",
		    "strcontains() of char[100] in char[200] needs 20000 "
		    "compares, more than 4096: read fewer bytes (str(p, n))");
	reset();
	expect_fail("fake:x { a = buf(arg0); }", "buf",
		    "buf() of an address needs a length, as in buf(p, 16)");
	reset();
	expect_fail("fake:x { a = buf(arg0, comm); }", "comm",
		    "buf()'s length is an integer, got char[16]");
	reset();
	expect_fail("fake:x { a = path(arg0); }", "path",
		    "path() works in fentry, fexit and iter probes only: the "
		    "kernel's bpf_d_path() is refused in fake probes");
}
END_TEST

START_TEST(test_b2_time_printf)
{
	run_ok("fake:x { a = strftime(\"%H:%M\", nsecs); @t = strftime(\"%H\", "
	       "nsecs); printf(\"%s %r %rx %rh %s %s %s\\n\", a, buf(arg0, 4), "
	       "buf(comm), buf(comm), kstack, ntop(1), ksym(arg0)); "
	       "printf(\"%x %p\\n\", data, data); }");
	ASSERT_TYPE(val_at(0, 0), "strftime");
	ck_assert_str_eq(val_at(0, 0)->type->timefmt, "%H:%M");
	ck_assert_str_eq(script_map_find(&S, "@t")->val->timefmt, "%H");

	reset();
	expect_fail("fake:x { a = strftime(comm, nsecs); }", "comm",
		    "strftime() needs a string literal as its format");
	reset();
	expect_fail("fake:x { a = strftime(\"%H\", comm); }", "comm)",
		    "strftime() needs a time in ns since boot (nsecs), got "
		    "char[16]");
	reset();
	expect_fail("fake:x { @t = strftime(\"%H\", nsecs); @t = strftime(\"%M\","
		    " nsecs); }", "strftime(\"%M", "map @t: value is strftime "
		    "here, strftime at <test>:1:15");
	reset();
	expect_fail("fake:x { printf(\"%r\\n\", pid); }", "pid",
		    "%r needs bytes (buf()), got u32");
	reset();
	expect_fail("fake:x { printf(\"%s\\n\", buf(arg0, 2)); }", "buf",
		    "%s needs a string, got buf[2]");
}
END_TEST

START_TEST(test_b2_events)
{
	run_ok("fake:x { cat(\"/proc/%d/maps\", pid); join(arg0); "
	       "join(data->filename, \",\"); }");
	ck_assert_int_eq(val_at(0, 0)->builtin->kind, BK_EVENT);
	reset();
	expect_fail("fake:x { cat(comm); }", "comm",
		    "cat() needs a literal format string");
	reset();
	expect_fail("fake:x { cat(\"%d %d\", pid); }", "\"%d",
		    "the format has 2 conversions but 1 argument follows");
	reset();
	expect_fail("fake:x { join(comm); }", "comm",
		    "join() needs an array of string pointers (char **), got "
		    "char[16]");
	reset();
	expect_fail("fake:x { join(arg0, comm); }", "comm",
		    "join()'s separator must be a string literal");
}
END_TEST

START_TEST(test_b2_unsafe)
{
	/* each names --unsafe */
	expect_fail("fake:x { signal(\"SIGKILL\"); }", "signal",
		    "signal() is unsafe: it changes what the traced system "
		    "does; run with --unsafe to allow it");
	reset();
	expect_fail("fake:x { system(\"ls\"); }", "system",
		    "system() is unsafe: it changes what the traced system "
		    "does; run with --unsafe to allow it");
	reset();
	S.opts.unsafe = true;
	run_ok("fake:x { signal(\"SIGKILL\"); signal(\"TERM\"); signal(9); "
	       "signal(pid); system(\"echo %d\", pid); }");
	ck_assert_int_eq(val_at(0, 0)->cval, 9);
	ck_assert_int_eq(val_at(0, 1)->cval, 15);
	reset();
	S.opts.unsafe = true;
	expect_fail("fake:x { signal(\"SIGNOPE\"); }", "\"SIGNOPE",
		    "no signal 'SIGNOPE'");
	reset();
	S.opts.unsafe = true;
	expect_fail("fake:x { signal(99); }", "99", "no signal 99");
	reset();
	S.opts.unsafe = true;
	expect_fail("begin:x { signal(9); }", "signal",
		    "signal() would signal spry itself in begin probes");
	/* override(): kprobes only (the provider row lists them) */
	reset();
	S.opts.unsafe = true;
	expect_fail("fake:x { override(0); }", "override",
		    "override() is not available in fake probes");
}
END_TEST

START_TEST(test_internal_maps)
{
	struct map *e, *l, *k;

	run_ok("plain:x { @a = 1; }");
	e = script_events_map(&S);
	l = script_lost_map(&S);
	k = script_stacks_map(&S, 0);
	ck_assert_ptr_eq(script_events_map(&S), e);
	ck_assert_ptr_eq(S.events_map, e);
	ck_assert_ptr_eq(S.lost_map, l);
	ck_assert_ptr_eq(script_stacks_map(&S, 0), k);
	ck_assert_int_eq(e->kind, MAP_EVENTS);
	ck_assert_int_eq(l->kind, MAP_LOST);
	ck_assert_int_eq(k->kind, MAP_STACKS);
	ck_assert(!e->printed);
	ck_assert_str_eq(e->name, "<events>");
	ck_assert_uint_eq(e->id, 1);
	ck_assert_uint_eq(S.nmaps, 4);
	ck_assert_ptr_eq(script_map_find(&S, "<lost>"), l);
	ck_assert_ptr_eq(script_event_add(&S, EV_PRINTF, e->loc),
			 S.events[0]);
	ck_assert_uint_eq(script_event_add(&S, EV_EXIT, e->loc)->id, 1);
	ck_assert_uint_eq(S.nevents, 2);
}
END_TEST


/* ---- bpftrace's statements ---- */

/* The variable of probe @pi called @name. */
static struct var *var_of(unsigned pi, const char *name)
{
	struct probe *p = S.probes;
	unsigned i;

	while (pi--)
		p = p->next;
	for (i = 0; i < p->nvars; i++)
		if (!strcmp(p->vars[i]->name, name))
			return p->vars[i];
	ck_abort_msg("no variable %s", name);
	return NULL;
}

START_TEST(test_vars)
{
	/* typed by their assignments: ints keep their width (as bpftrace's:
	 * bswap and sizeof see it) and widen to 64 bits when assignments
	 * differ, strings widen */
	run_ok("plain:x { $a = 1; $b = pid; $s = \"ab\"; "
	       "$s = \"abcdef\"; $c = $a + $b; $d = (uint16)pid; "
	       "$e = (int8)1; $e = 300; }\n"
	       "fake:y { $a = comm; $p = data; }");
	ck_assert_str_eq(tn(var_of(0, "$a")->type), "s64");
	ck_assert_str_eq(tn(var_of(0, "$b")->type), "u32");
	ck_assert_str_eq(tn(var_of(0, "$s")->type), "char[7]");
	ck_assert_str_eq(tn(var_of(0, "$c")->type), "s64");
	ck_assert_str_eq(tn(var_of(0, "$d")->type), "u16");
	ck_assert_str_eq(tn(var_of(0, "$e")->type), "s64");
	/* per probe: the same name is another variable elsewhere */
	ck_assert_str_eq(tn(var_of(1, "$a")->type), "char[16]");
	ck_assert_str_eq(tn(var_of(1, "$p")->type), "struct fake_rec *");
	/* reads see the widest type, even before the widening assignment */
	reset();
	run_ok("plain:x { $s = \"ab\"; @m = $s; $s = \"abcdef\"; }");
	ASSERT_TYPE(val_at(0, 1), "char[7]");
	/* a signed variable that is also given an unsigned value is u64 */
	reset();
	run_ok("plain:x { $v = -1; $v = 0xffffffffffffffff; }");
	ck_assert_str_eq(tn(var_of(0, "$v")->type), "u64");
}
END_TEST

START_TEST(test_var_errors)
{
	expect_fail("plain:x { printf(\"%d\", $y); $y = 1; }", "$y",
		    "undefined variable $y: assign it before reading it, as in "
		    "$y = 0");
	reset();
	expect_fail("plain:x { $y = 1; $y = \"a\"; }", "\"a\"",
		    "type mismatch for $y: char[2] here, s64 at <test>:1:16");
	reset();
	expect_fail("plain:x { $c = count(); }", "count",
		    "count() makes a map: assign it to one, as in "
		    "@m = count(...)");
	reset();
	expect_fail("plain:x { $v = printf(\"x\"); }", "printf",
		    "printf() has no value");
	reset();
	/* a predicate comes before every assignment */
	expect_fail("plain:x /$z/ { $z = 1; }", "$z",
		    "undefined variable $z: assign it before reading it, as in "
		    "$z = 0");
}
END_TEST

START_TEST(test_positional)
{
	static const char *const params[] = { "42", "hello", "-7", "0x10" };

	S.opts.params = params;
	S.opts.nparams = 4;
	run_ok("plain:x { @a = $1; @b = str($2); @c = $#; @d = $3 + $4; "
	       "@e = $9; @f = str($9); @g = str($2, 3); }");
	assert_const(val_at(0, 0), 42);
	ASSERT_TYPE(val_at(0, 1), "char[6]");
	assert_const(val_at(0, 2), 4);
	assert_const(val_at(0, 3), 9);
	assert_const(val_at(0, 4), 0);		/* missing: 0 */
	ASSERT_TYPE(val_at(0, 5), "char[1]");	/* missing: "" */
	ASSERT_TYPE(val_at(0, 6), "char[4]");
	ck_assert_str_eq(val_at(0, 6)->args->str, "hel");

	reset();
	S.opts.params = params;
	S.opts.nparams = 4;
	expect_fail("plain:x { @a = $2 + 1; }", "$2",
		    "$2 is used as a number but is \"hello\"; use str($2)");
	reset();
	expect_fail("plain:x { @a = $0; }", "$0",
		    "$0 is no positional parameter: they count from $1");
}
END_TEST

START_TEST(test_incdec_opassign)
{
	run_ok("plain:x { $i = 0; $i++; ++$i; $j = $i--; $i += 5; $i <<= 2; "
	       "@m++; @k[1] += 3; @k[2]--; x = 1; x++; }\n"
	       "fake:y { $p = data; $p += 2; $p++; }");
	ASSERT_TYPE(val_at(0, 3), "s64");
	ck_assert_int_eq(stmt_at(0, 1)->lhs->kind, N_INCDEC);
	ck_assert_ptr_nonnull(script_map_find(&S, "@m"));
	ck_assert_str_eq(tn(script_map_find(&S, "@k")->val), "s64");
	ck_assert_int_eq(script_map_find(&S, "x")->kind, MAP_PLAIN);

	reset();
	expect_fail("plain:x { $s = \"a\"; $s++; }", "++",
		    "'++' needs an integer, got char[2]");
	reset();
	expect_fail("plain:x { $s = \"a\"; $s += 1; }", "+=",
		    "invalid operands to '+=': char[2] and s64");
	reset();
	expect_fail("plain:x { $i = 1; $i /= 0; }", "0;",
		    "division by zero");
	reset();
	expect_fail("plain:x { $i = 1; $i >>= 64; }", "64",
		    "shift count 64 is out of range (0 to 63)");
	reset();
	expect_fail("plain:x { @c = count(); @c++; }", "++",
		    "map @c is assigned a value here, count() at <test>:1:16");
	reset();
	expect_fail("plain:x { pid++; }", "pid",
		    "cannot assign to builtin variable 'pid'");
	reset();
	expect_fail("plain:x { $q++; }", "$q",
		    "undefined variable $q: assign it before reading it, as in "
		    "$q = 0");
}
END_TEST

START_TEST(test_tuples)
{
	run_ok("plain:x { $t = (1, \"ab\", (pid, 2)); @t = $t; @a = $t.0; "
	       "@b = $t.2.0; $u = 0 ? $t : (2, \"abcd\", (3, 4)); "
	       "@k[(1, 2)] = 1; print($t); }");
	ck_assert_str_eq(tn(var_of(0, "$t")->type), "(s64, char[3], (u64, s64))");
	ck_assert_int_eq(var_of(0, "$t")->type->size, 32);
	ASSERT_TYPE(val_at(0, 2), "s64");
	ASSERT_TYPE(val_at(0, 3), "u64");
	/* ?: of tuples: element by element, strings to the longer */
	ck_assert_str_eq(tn(var_of(0, "$u")->type), "(s64, char[5], (u64, s64))");

	reset();
	expect_fail("plain:x { $t = (1, 2); @a = $t.2; }", ".2",
		    "index 2 is out of range for (s64, s64) (2 elements)");
	reset();
	expect_fail("plain:x { $i = 1; @a = $i.0; }", ".0",
		    "'.0' needs a tuple, got s64");
	reset();
	expect_fail("plain:x { $t = (1, printf(\"x\")); }", "printf",
		    "a tuple cannot hold void");
}
END_TEST

START_TEST(test_loops)
{
	run_ok("plain:x { $i = 0; while ($i < 10) { $i++; if ($i == 3) "
	       "{ continue; } unroll(2) { if ($i > 8) { break; } } } "
	       "unroll(100) { $i--; } return; }");
	reset();
	expect_fail("plain:x { unroll(3) { break; } }", "break",
		    "break outside of a while loop");
	reset();
	expect_fail("plain:x { continue; }", "continue",
		    "continue outside of a while loop");
	reset();
	expect_fail("plain:x { unroll(0) { } }", "0)",
		    "unroll's count must be between 1 and 100, got 0");
	reset();
	expect_fail("plain:x { unroll(101) { } }", "101",
		    "unroll's count must be between 1 and 100, got 101");
	reset();
	expect_fail("plain:x { $n = 2; unroll($n) { } }", "$n)",
		    "unroll needs a constant count, as in unroll(4)");
	reset();
	expect_fail("plain:x { while (comm) { } }", "comm",
		    "a while condition must be an integer or a pointer, got "
		    "char[16]");
}
END_TEST

START_TEST(test_bpftrace_aggregations)
{
	run_ok("plain:x { @h = hist(5); @l[1] = lhist(5, 0, 100, 10); "
	       "@l[2] = lhist(7, 0, 100, 10); @mn = min(-1); @mx = max(2); "
	       "@a = avg(3); @s[comm] = stats(4); zero(@h); print(@l, 5); "
	       "print(@a, 2, 1000); }");
	ck_assert_int_eq(script_map_find(&S, "@h")->kind, MAP_HIST);
	ck_assert_int_eq(script_map_find(&S, "@l")->kind, MAP_LHIST);
	ck_assert_int_eq(script_map_find(&S, "@l")->lhist_max, 100);
	ck_assert_int_eq(script_map_find(&S, "@l")->lhist_step, 10);
	ck_assert_int_eq(script_map_find(&S, "@mn")->kind, MAP_MIN);
	ck_assert_int_eq(script_map_find(&S, "@mx")->kind, MAP_MAX);
	ck_assert_int_eq(script_map_find(&S, "@a")->kind, MAP_AVG);
	ck_assert_int_eq(script_map_find(&S, "@s")->kind, MAP_STATS);

	reset();
	expect_fail("plain:x { @l = lhist(1, 0, 100, 10); "
		    "@l = lhist(1, 0, 200, 10); }", "lhist(1, 0, 2",
		    "map @l: lhist() has other parameters here than at "
		    "<test>:1:16");
	reset();
	expect_fail("plain:x { @l = lhist(1, 10, 5, 1); }", "5,",
		    "lhist()'s max must be above its min (10)");
	reset();
	expect_fail("plain:x { @l = lhist(1, 0, 10, 0); }", "0);",
		    "lhist()'s step must be at least 1, got 0");
	reset();
	expect_fail("plain:x { $m = 5; @l = lhist(1, $m, 10, 1); }", "$m,",
		    "lhist() needs a constant integer as its min");
	reset();
	expect_fail("plain:x { @l = lhist(1, 0, 100000, 1); }", "1);",
		    "lhist()'s step makes 100000 buckets of [min, max); 1 to "
		    "1000");
	reset();
	expect_fail("plain:x { @h = hist(1); $n = 2; print(@h, $n); }", "$n)",
		    "print(@m, top, div) takes constant integers, at least 0");
	reset();
	expect_fail("plain:x { zero(1); }", "1)",
		    "zero() needs a map, as in zero(@m)");
	reset();
	expect_fail("plain:x { @a = avg(comm); }", "comm",
		    "avg() needs an integer, got char[16]");
}
END_TEST

/* ---- kernel types ---- */

START_TEST(test_ctype_casts)
{
	struct node *v;

	kernel_btf();
	run_ok("fake:x { a = ((struct task_struct *)arg0)->pid; "
	       "b = (int8)300; c = (u32)-1; d = (struct task_struct *)data->filename; "
	       "e = ((struct task_struct *)arg0)->parent->comm; "
	       "f = (pid_t)arg0; g = (uint16)arg0; }");
	v = val_at(0, 0);
	ASSERT_TYPE(v, "s32");
	ASSERT_TYPE(v->lhs, "struct task_struct *");
	ck_assert_int_eq(v->lhs->type->space, AS_KERNEL);
	v = val_at(0, 1);
	ASSERT_TYPE(v, "s8");
	ck_assert(v->is_const);
	ck_assert_int_eq(v->cval, 44);
	v = val_at(0, 2);
	ck_assert(v->is_const);
	ck_assert_int_eq(v->cval, 4294967295);
	/* a user pointer stays user */
	v = val_at(0, 3);
	ck_assert_int_eq(v->type->space, AS_USER);
	ASSERT_TYPE(val_at(0, 4), "char[16]");
	ASSERT_TYPE(val_at(0, 5), "s32");
	ASSERT_TYPE(val_at(0, 6), "u16");
}
END_TEST

START_TEST(test_ctype_members)
{
	struct node *v;

	kernel_btf();
	/* anonymous members, bitfields, '.' on the context pointer, '&'
	 * and the pointer arithmetic it allows */
	run_ok("fake:x { a = ((struct task_struct *)arg0)->hi; "
	       "b = ((struct task_struct *)arg0)->prio; c = data.pid; "
	       "d = &((struct task_struct *)arg0)->comm[2]; "
	       "e = *(&((struct task_struct *)arg0)->pid + 1); "
	       "f = (*(struct task_struct *)arg0).pid; }");
	ASSERT_TYPE(val_at(0, 0), "u16");
	ASSERT_TYPE(val_at(0, 1), "u32");
	ASSERT_TYPE(val_at(0, 2), "s32");
	v = val_at(0, 3);
	ASSERT_TYPE(v, "char *");
	ck_assert_int_eq(v->type->space, AS_KERNEL);
	ASSERT_TYPE(val_at(0, 4), "s32");
	ASSERT_TYPE(val_at(0, 5), "s32");
}
END_TEST

START_TEST(test_ctype_sizeof)
{
	struct node *v;
	static const int64_t want[] = { 40, 4, 16, 16, 60, 8, 1 };
	unsigned i;

	kernel_btf();
	run_ok("struct mine { long a; char b; }; "
	       "fake:x { a = sizeof(struct task_struct); b = sizeof(pid_t); "
	       "c = sizeof(comm); d = sizeof(((struct task_struct *)0)->comm); "
	       "e = offsetof(struct task_struct, parent) + offsetof(struct task_struct, lo); "
	       "f = offsetof(struct mine, b); g = sizeof(TCP_ESTABLISHED) == 4; }");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		v = val_at(0, i);
		ck_assert_msg(v->is_const, "statement %u folds", i);
		ck_assert_int_eq(v->cval, want[i]);
	}
	ASSERT_TYPE(val_at(0, 0), "u64");
}
END_TEST

START_TEST(test_ctype_consts)
{
	struct node *v;

	kernel_btf();
	run_ok("enum color { RED, GREEN = 5 }; "
	       "fake:x { a = TCP_SYN_SENT; b = GREEN; c = TCP_ESTABLISHED + 1; }");
	v = val_at(0, 0);
	ASSERT_TYPE(v, "enum tcp_state");
	ck_assert_int_eq(v->cval, 2);
	v = val_at(0, 1);
	ASSERT_TYPE(v, "enum color");
	ck_assert_int_eq(v->cval, 5);
	ck_assert(val_at(0, 2)->is_const);
	ck_assert_int_eq(val_at(0, 2)->cval, 2);
}
END_TEST

START_TEST(test_curtask)
{
	kernel_btf();
	run_ok("plain:x { a = curtask->comm; b = curtask; }");
	ASSERT_TYPE(val_at(0, 0), "char[16]");
	ASSERT_TYPE(val_at(0, 1), "struct task_struct *");
	ck_assert_ptr_eq(val_at(0, 1)->builtin, BI("curtask"));
	/* without BTF: the address, and walks say why they cannot */
	reset();
	S.btf = btf_new(A, "/nonexistent/btf");
	run_ok("plain:x { b = curtask; }");
	ASSERT_TYPE(val_at(0, 0), "u64");
	reset();
	S.btf = btf_new(A, "/nonexistent/btf");
	expect_fail("plain:x { a = curtask->pid; }", "pid",
		    "'->pid' needs a pointer to a struct, got u64; cast it "
		    "first, as in ((struct NAME *)curtask)->pid");
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&U), "needs "
				     "CONFIG_DEBUG_INFO_BTF=y"));
}
END_TEST

START_TEST(test_ctype_errors)
{
	kernel_btf();
	expect_fail("fake:x { a = ((struct task_struct *)arg0)->comn; }", "comn",
		    "unknown field 'comn' in struct task_struct; did you mean "
		    "'comm'?");
	reset();
	kernel_btf();
	expect_fail("fake:x { a = (struct task_strut *)arg0; }", "struct task",
		    "unknown struct 'task_strut'; did you mean 'task_struct'?");
	reset();
	kernel_btf();
	expect_fail("fake:x { a = &((struct task_struct *)arg0)->flags; }", "&",
		    "cannot take the address of bitfield 'flags'");
	reset();
	kernel_btf();
	expect_fail("fake:x { a = (u64)comm; }", "comm",
		    "cannot cast char[16] to u64: only integers and pointers "
		    "can be cast");
	reset();
	kernel_btf();
	expect_fail("fake:x { a = &data->pid; }", "&",
		    "'&' of the probe's own context: its fields are values "
		    "here, with no address to keep");
	reset();
	kernel_btf();
	/* one mistake in a type written once, in every probe of a glob:
	 * reported once */
	run("fake:x, fake:y { a = (struct nosuch *)arg0; }");
	ck_assert_uint_eq(count_str(unit_diag_text(&U), "unknown struct "
				    "'nosuch'"), 1);
}
END_TEST

static Suite *sema_suite(void)
{
	Suite *s = suite_create("sema");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_hand_built);
	tcase_add_test(tc, test_hand_built_error);
	tcase_add_test(tc, test_builtin_vars);
	tcase_add_test(tc, test_provider_vars);
	tcase_add_test(tc, test_member_hook);
	tcase_add_test(tc, test_unknown_ident);
	tcase_add_test(tc, test_unknown_ident_plain);
	tcase_add_test(tc, test_unknown_index);
	tcase_add_test(tc, test_function_as_var);
	tcase_add_test(tc, test_unknown_function);
	tcase_add_test(tc, test_literals);
	tcase_add_test(tc, test_arith_types);
	tcase_add_test(tc, test_binop_type);
	tcase_add_test(tc, test_fold);
	tcase_add_test(tc, test_fold_errors);
	tcase_add_test(tc, test_operand_errors);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_ternary);
	tcase_add_test(tc, test_member_errors);
	tcase_add_test(tc, test_deref_member);
	tcase_add_test(tc, test_index);
	tcase_add_test(tc, test_conditions);
	tcase_add_test(tc, test_plain_maps);
	tcase_add_test(tc, test_read_before_assign);
	tcase_add_test(tc, test_chained_maps);
	tcase_add_test(tc, test_unify_ints);
	tcase_add_test(tc, test_unify_strings);
	tcase_add_test(tc, test_unify_both_locations);
	tcase_add_test(tc, test_unify_value_error);
	tcase_add_test(tc, test_unify_stack_error);
	tcase_add_test(tc, test_nkeys_error);
	tcase_add_test(tc, test_bad_key_value);
	tcase_add_test(tc, test_aggregations);
	tcase_add_test(tc, test_kind_mixing);
	tcase_add_test(tc, test_agg_read);
	tcase_add_test(tc, test_agg_misplaced);
	tcase_add_test(tc, test_print_clear_map);
	tcase_add_test(tc, test_map_errors);
	tcase_add_test(tc, test_assign_errors);
	tcase_add_test(tc, test_calls);
	tcase_add_test(tc, test_bswap);
	tcase_add_test(tc, test_str_size_opt);
	tcase_add_test(tc, test_call_errors);
	tcase_add_test(tc, test_printf_ok);
	tcase_add_test(tc, test_printf_errors);
	tcase_add_test(tc, test_all_errors_reported);
	tcase_add_test(tc, test_no_cascade);
	tcase_add_test(tc, test_dedupe_expanded);
	tcase_add_test(tc, test_each_probe_typed);
	tcase_add_test(tc, test_var_or_map_per_probe);
	tcase_add_test(tc, test_internal_maps);
	/* bpftrace's builtins (B2) */
	tcase_add_test(tc, test_b2_vars);
	tcase_add_test(tc, test_b2_stacks);
	tcase_add_test(tc, test_b2_symbols);
	tcase_add_test(tc, test_b2_net);
	tcase_add_test(tc, test_b2_strings);
	tcase_add_test(tc, test_b2_time_printf);
	tcase_add_test(tc, test_b2_events);
	tcase_add_test(tc, test_b2_unsafe);
	tcase_add_test(tc, test_ctype_casts);
	tcase_add_test(tc, test_ctype_members);
	tcase_add_test(tc, test_ctype_sizeof);
	tcase_add_test(tc, test_ctype_consts);
	tcase_add_test(tc, test_curtask);
	tcase_add_test(tc, test_ctype_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("bpftrace");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vars);
	tcase_add_test(tc, test_var_errors);
	tcase_add_test(tc, test_positional);
	tcase_add_test(tc, test_incdec_opassign);
	tcase_add_test(tc, test_tuples);
	tcase_add_test(tc, test_loops);
	tcase_add_test(tc, test_bpftrace_aggregations);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(sema_suite());
}
