/* ctypes.c - C types named in a script, resolved into the type system.
 *
 * Input: the script's C definitions (N_CDEF nodes) and the types it writes
 * (struct ctype); the kernel's BTF and the preprocessor's macros for what
 * the script does not define.  Output: struct type values, script records
 * laid out as C lays them out (ctypes.h).  Definitions are kept in short
 * lists: scripts define a handful of types.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "btf.h"
#include "cpp.h"
#include "ctypes.h"
#include "diag.h"
#include "type.h"

/* A struct, union or enum tag the script declared or defined. */
struct ctag {
	struct ctag *next;
	const char *name;
	enum ctype_tag tag;
	struct type *type;
	struct loc loc;
	bool defined;		/* false: only declared ("struct foo;") */
};

struct ctdef {
	struct ctdef *next;
	const char *name;
	const struct type *type;
	struct loc loc;
};

struct cconst {
	struct cconst *next;
	const char *name;
	int64_t value;
	const struct type *type;	/* the enum, once it is complete */
	struct loc loc;
};

/* A type written with its body ("struct { int a; } *" in a cast), resolved
 * once: probes share their AST's types, and a body defines its tag. */
struct cbody {
	struct cbody *next;
	const struct ctype *ct;
	const struct type *type;
};

struct ctypes {
	struct arena *a;
	struct btf *btf;
	const struct cpp *cpp;
	struct diag *d;
	struct ctag *tags;
	struct ctdef *typedefs;
	struct cconst *consts;
	struct cbody *bodies;
};

static const char *tag_word(enum ctype_tag tag)
{
	switch (tag) {
	case CTAG_STRUCT: return "struct";
	case CTAG_UNION: return "union";
	case CTAG_ENUM: return "enum";
	case CTAG_NONE: break;
	}
	return "type";
}

static const char *tname(struct ctypes *c, const struct type *t)
{
	char buf[256];

	return arena_strdup(c->a, type_name(t, buf, sizeof(buf)));
}

struct ctypes *ctypes_new(struct arena *a, struct btf *btf,
			  const struct cpp *cpp, struct diag *d)
{
	struct ctypes *c = arena_alloc(a, sizeof(*c));

	c->a = a;
	c->btf = btf;
	c->cpp = cpp;
	c->d = d;
	return c;
}

static struct ctag *find_tag(struct ctypes *c, const char *name)
{
	struct ctag *t;

	for (t = c->tags; t; t = t->next)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

static struct ctdef *find_typedef(struct ctypes *c, const char *name)
{
	struct ctdef *t;

	for (t = c->typedefs; t; t = t->next)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

static struct cconst *find_const(struct ctypes *c, const char *name)
{
	struct cconst *k;

	for (k = c->consts; k; k = k->next)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

static enum btf_ns tag_ns(enum ctype_tag tag)
{
	return tag == CTAG_UNION ? BTF_NS_UNION : tag == CTAG_ENUM ?
	       BTF_NS_ENUM : BTF_NS_STRUCT;
}

/* The note that says why the kernel's types were no help. */
static void note_btf(struct ctypes *c)
{
	if (!c->btf)
		diag_note(c->d, NULL, "kernel types are not available here");
	else if (btf_error(c->btf))
		diag_note(c->d, NULL, "spry finds kernel types in BTF: %s",
			  btf_error(c->btf));
}

static void unknown_tag(struct ctypes *c, const struct ctype *t)
{
	struct suggest sg;
	const struct ctag *g;
	const char *close;

	suggest_init(&sg, t->name);
	for (g = c->tags; g; g = g->next)
		if (g->tag == t->tag)
			suggest_try(&sg, g->name);
	if (c->btf && !btf_error(c->btf))
		btf_suggest(c->btf, tag_ns(t->tag), false, &sg);
	close = suggest_best(&sg);
	if (close)
		diag_error(c->d, &t->loc, "unknown %s '%s'; did you mean '%s'?",
			   tag_word(t->tag), t->name, close);
	else
		diag_error(c->d, &t->loc, "unknown %s '%s'", tag_word(t->tag),
			   t->name);
	note_btf(c);
}

static void unknown_name(struct ctypes *c, const struct ctype *t)
{
	struct suggest sg;
	const struct ctdef *td;
	const char *close, *b;
	unsigned i;

	suggest_init(&sg, t->name);
	for (i = 0; (b = type_builtin_name(i)); i++)
		suggest_try(&sg, b);
	for (td = c->typedefs; td; td = td->next)
		suggest_try(&sg, td->name);
	if (c->btf && !btf_error(c->btf))
		btf_suggest(c->btf, BTF_NS_TYPEDEF, false, &sg);
	close = suggest_best(&sg);
	if (close)
		diag_error(c->d, &t->loc, "unknown type '%s'; did you mean '%s'?",
			   t->name, close);
	else
		diag_error(c->d, &t->loc, "unknown type '%s'", t->name);
	note_btf(c);
}

/* ---- constants ---- */

int ctypes_const(struct ctypes *c, const char *name, int64_t *value,
		 const struct type **type)
{
	const struct macro *m = NULL;
	const struct cconst *k;
	int64_t v;
	int err = -ENOENT;

	if (type)
		*type = NULL;
	if (c->cpp) {
		err = cpp_macro(c->cpp, name, &v, &m);
		/* the script's #define wins, as it would in C */
		if (m) {
			if (!err)
				*value = v;
			return err;
		}
	}
	k = find_const(c, name);
	if (k) {
		*value = k->value;
		if (type)
			*type = k->type;
		return 0;
	}
	if (!err) {
		*value = v;	/* the uapi table */
		return 0;
	}
	if (c->btf && !btf_enum_value(c->btf, name, value, type))
		return 0;
	return -ENOENT;
}

static void suggest_one(void *sg, const char *name)
{
	suggest_try(sg, name);
}

void ctypes_suggest_const(struct ctypes *c, struct suggest *sg)
{
	const struct macro *m;
	const struct cconst *k;

	for (m = c->cpp ? c->cpp->macros : NULL; m; m = m->next)
		if (m->has_value)
			suggest_try(sg, m->name);
	for (k = c->consts; k; k = k->next)
		suggest_try(sg, k->name);
	uapi_names(suggest_one, sg);
	if (c->btf && !btf_load(c->btf))
		btf_suggest(c->btf, BTF_NS_ENUM, true, sg);
}

static bool eval_error(struct ctypes *c, const struct node *e,
		       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool eval_error(struct ctypes *c, const struct node *e,
		       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_verror(c->d, &e->loc, fmt, ap);
	va_end(ap);
	return false;
}

static bool eval_binary(struct ctypes *c, const struct node *e, int64_t a,
			int64_t b, int64_t *v)
{
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b;

	switch ((enum binop)e->op) {
	case B_MUL: *v = (int64_t)(ua * ub); break;
	case B_DIV:
	case B_MOD:
		if (!b)
			return eval_error(c, e, "division by zero in a constant "
					  "expression");
		if (a == INT64_MIN && b == -1)
			*v = e->op == B_DIV ? a : 0;
		else
			*v = e->op == B_DIV ? a / b : a % b;
		break;
	case B_ADD: *v = (int64_t)(ua + ub); break;
	case B_SUB: *v = (int64_t)(ua - ub); break;
	case B_SHL: *v = (int64_t)(ua << (ub & 63)); break;
	case B_SHR: *v = a >> (ub & 63); break;
	case B_LT: *v = a < b; break;
	case B_LE: *v = a <= b; break;
	case B_GT: *v = a > b; break;
	case B_GE: *v = a >= b; break;
	case B_EQ: *v = a == b; break;
	case B_NE: *v = a != b; break;
	case B_AND: *v = (int64_t)(ua & ub); break;
	case B_XOR: *v = (int64_t)(ua ^ ub); break;
	case B_OR: *v = (int64_t)(ua | ub); break;
	case B_LAND: *v = a && b; break;
	case B_LOR: *v = a || b; break;
	}
	return true;
}

int64_t ctypes_int_cast(const struct type *t, int64_t v)
{
	unsigned bits = t->size * 8;

	if (bits >= 64)
		return v;
	v &= (int64_t)((1ull << bits) - 1);
	if (t->is_signed && (v & (int64_t)(1ull << (bits - 1))))
		v -= (int64_t)(1ull << bits);
	return v;
}

static const struct type *complete_type(struct ctypes *c,
					const struct type *t,
					const struct loc *loc, const char *what);

bool ctypes_eval(struct ctypes *c, const struct node *e, int64_t *v)
{
	int64_t a, b;
	int err;

	switch (e->kind) {
	case N_NUM:
		*v = (int64_t)e->num;
		return true;
	case N_IDENT:
		err = ctypes_const(c, e->name, v, NULL);
		if (err == -ENODATA)
			return eval_error(c, e, "'%s' is defined without a value",
					  e->name);
		if (err)
			return eval_error(c, e, "unknown constant '%s'", e->name);
		return true;
	case N_UNARY:
		if (e->op == U_DEREF || e->op == U_ADDR)
			break;
		if (!ctypes_eval(c, e->lhs, &a))
			return false;
		*v = e->op == U_NEG ? (int64_t)(0 - (uint64_t)a) :
		     e->op == U_BNOT ? (int64_t)~(uint64_t)a : !a;
		return true;
	case N_BINARY:
		if (!ctypes_eval(c, e->lhs, &a))
			return false;
		/* C's short circuit: 0 && 1/0 is a constant */
		if ((e->op == B_LAND && !a) || (e->op == B_LOR && a)) {
			*v = e->op == B_LOR;
			return true;
		}
		return ctypes_eval(c, e->rhs, &b) && eval_binary(c, e, a, b, v);
	case N_COND:
		if (!ctypes_eval(c, e->cond, &a))
			return false;
		return ctypes_eval(c, a ? e->lhs : e->rhs, v);
	case N_SIZEOF: {
		const struct type *t = NULL;

		if (e->ctype)
			t = ctypes_resolve(c, e->ctype);
		else if (e->lhs->kind == N_IDENT &&
			 !(t = ctypes_name(c, e->lhs->name)))
			return eval_error(c, e->lhs, "unknown type '%s'",
					  e->lhs->name);
		else if (!t)
			break;
		if (!t || !(t = complete_type(c, t, &e->loc, "sizeof")))
			return false;
		*v = t->size;
		return true;
	}
	case N_CAST: {
		const struct type *t = ctypes_resolve(c, e->ctype);

		if (!t)
			return false;
		if (t->kind != T_INT)
			return eval_error(c, e, "a constant expression casts "
					  "only to integers, not %s",
					  tname(c, t));
		if (!ctypes_eval(c, e->lhs, &a))
			return false;
		*v = ctypes_int_cast(t, a);
		return true;
	}
	default:
		break;
	}
	return eval_error(c, e, "not a constant expression");
}

/* ---- resolving ---- */

/* @t itself if its size is known, else NULL after saying so. */
static const struct type *complete_type(struct ctypes *c,
					const struct type *t,
					const struct loc *loc, const char *what)
{
	if (t->kind == T_VOID || t->kind == T_FUNC) {
		diag_error(c->d, loc, "%s of %s, which has no size", what,
			   tname(c, t));
		return NULL;
	}
	if (t->kind == T_STRUCT && t->incomplete) {
		diag_error(c->d, loc, "%s of %s, which is declared but never "
			   "defined", what, tname(c, t));
		return NULL;
	}
	return t;
}

static const struct type *define_body(struct ctypes *c,
				      const struct ctype *t);

static const struct type *resolve_tag(struct ctypes *c, const struct ctype *t)
{
	struct ctag *g = find_tag(c, t->name);
	const struct type *ty;

	if (g && g->tag != t->tag) {
		diag_error(c->d, &t->loc, "'%s' is a%s %s, not a%s %s", t->name,
			   g->tag == CTAG_ENUM ? "n" : "", tag_word(g->tag),
			   t->tag == CTAG_ENUM ? "n" : "", tag_word(t->tag));
		diag_note(c->d, &g->loc, "%s %s is defined here",
			  tag_word(g->tag), t->name);
		return NULL;
	}
	if (g && g->defined)
		return g->type;
	/* only declared here: the kernel's definition, if it has one */
	if (c->btf) {
		ty = btf_type(c->btf, tag_ns(t->tag), t->name);
		if (ty)
			return ty;
	}
	if (g)
		return g->type;
	unknown_tag(c, t);
	return NULL;
}

const struct type *ctypes_tag(struct ctypes *c, enum ctype_tag tag,
			      const char *name)
{
	const struct ctag *g = find_tag(c, name);

	if (g && g->tag == tag && g->defined)
		return g->type;
	if (g && g->tag != tag)
		return NULL;
	return c->btf ? btf_type(c->btf, tag_ns(tag), name) : NULL;
}

const struct type *ctypes_name(struct ctypes *c, const char *name)
{
	const struct type *t = type_builtin(name);
	const struct ctdef *td;

	if (t)
		return t;
	td = find_typedef(c, name);
	if (td)
		return td->type;
	return c->btf ? btf_type(c->btf, BTF_NS_TYPEDEF, name) : NULL;
}

const struct type *ctypes_resolve(struct ctypes *c, const struct ctype *t)
{
	const struct type *of, *ty;
	const struct cdecl *p;
	struct type *f;
	int64_t len;

	switch (t->kind) {
	case CT_NAME:
		if (t->has_body)
			return define_body(c, t);
		if (t->tag != CTAG_NONE)
			return resolve_tag(c, t);
		ty = ctypes_name(c, t->name);
		if (!ty)
			unknown_name(c, t);
		return ty;
	case CT_PTR:
		of = ctypes_resolve(c, t->of);
		return of ? type_ptr(c->a, of, AS_KERNEL) : NULL;
	case CT_ARRAY:
		of = ctypes_resolve(c, t->of);
		if (!of || !complete_type(c, of, &t->loc, "an array"))
			return NULL;
		len = 0;
		if (t->len && !ctypes_eval(c, t->len, &len))
			return NULL;
		if (len < 0 || (of->size && (uint64_t)len > (1u << 30) / of->size)) {
			diag_error(c->d, &t->len->loc, "array length %" PRId64
				   " is out of range", len);
			return NULL;
		}
		return type_array(c->a, of, (unsigned)len);
	case CT_FUNC:
		of = ctypes_resolve(c, t->of);
		if (!of)
			return NULL;
		f = type_func_new(c->a, of);
		f->variadic = t->variadic;
		for (p = t->params; p; p = p->next) {
			ty = ctypes_resolve(c, p->type);
			if (!ty)
				return NULL;
			type_func_add(c->a, f, p->name, ty);
		}
		return f;
	}
	return NULL;
}

/* ---- definitions ---- */

static uint64_t round_up(uint64_t v, uint64_t to)
{
	return to ? (v + to - 1) / to * to : v;
}

/* The names anonymous member @t brings, against @st's: "duplicate member"
 * for any already there. */
static bool dup_check(struct ctypes *c, const struct type *st,
		      const struct type *t, const struct loc *loc)
{
	const struct member *m;
	bool ok = true;

	for (m = type_members(t); m; m = m->next) {
		if (!*m->name && type_is_record(m->type))
			ok = dup_check(c, st, m->type, loc) && ok;
		else if (*m->name && type_member(st, m->name)) {
			diag_error(c->d, loc, "duplicate member '%s'", m->name);
			ok = false;
		}
	}
	return ok;
}

/* What a member may not be: void, a function, an incomplete record. */
static bool member_ok(struct ctypes *c, const struct cdecl *f,
		      const struct type *ft)
{
	const char *name = f->name ? f->name : "<anonymous>";

	if (ft->kind == T_VOID || ft->kind == T_FUNC) {
		diag_error(c->d, &f->loc, "member '%s' has type %s; a member "
			   "can only point to that", name, tname(c, ft));
		return false;
	}
	if (ft->kind == T_STRUCT && ft->incomplete) {
		diag_error(c->d, &f->loc, "member '%s' has type %s, which is "
			   "declared but never defined", name, tname(c, ft));
		return false;
	}
	return true;
}

/* A bitfield: where it goes, as the SysV ABIs put it. */
static bool add_bitfield(struct ctypes *c, struct type *st,
			 const struct cdecl *f, const struct type *ft,
			 uint64_t *pos, unsigned *align, uint64_t *size)
{
	unsigned unit = ft->size * 8;
	int64_t w;

	if (!ctypes_eval(c, f->bits, &w))
		return false;
	if (ft->kind != T_INT) {
		diag_error(c->d, &f->loc, "bitfield '%s' needs an integer type, "
			   "not %s", f->name ? f->name : "<anonymous>",
			   tname(c, ft));
		return false;
	}
	if (w < 0 || w > unit || (!w && f->name)) {
		diag_error(c->d, &f->bits->loc, "bitfield width %" PRId64 " is "
			   "out of range for %s (%s to %u)", w, tname(c, ft),
			   f->name ? "1" : "0", unit);
		return false;
	}
	if (!w) {
		/* ":0" closes the unit; unnamed fields take no alignment */
		if (!st->is_union)
			*pos = round_up(*pos, unit);
		return true;
	}
	if (st->is_union) {
		if (f->name)
			type_struct_add_bits(c->a, st, f->name, ft, 0, (unsigned)w);
		if (ft->size > *size)
			*size = ft->size;
	} else {
		if (*pos / unit != (*pos + (uint64_t)w - 1) / unit)
			*pos = round_up(*pos, unit);
		if (f->name)
			type_struct_add_bits(c->a, st, f->name, ft,
					     (unsigned)*pos, (unsigned)w);
		*pos += (uint64_t)w;
	}
	if (f->name && ft->align > *align)
		*align = ft->align;
	return true;
}

/* Lay out the members of record @t into @st. */
static bool build_record(struct ctypes *c, const struct ctype *t,
			 struct type *st)
{
	uint64_t pos = 0, size = 0;	/* bits; bytes (unions) */
	unsigned align = 1;
	const struct cdecl *f;
	bool ok = true;

	for (f = t->fields; f; f = f->next) {
		const struct type *ft;

		/* a nested tag or an enum's constants, not a member */
		if (!f->name && !f->bits && f->type->kind == CT_NAME &&
		    (f->type->tag == CTAG_ENUM || f->type->name)) {
			ok = ctypes_resolve(c, f->type) && ok;
			continue;
		}
		ft = ctypes_resolve(c, f->type);
		if (!ft || !member_ok(c, f, ft)) {
			ok = false;
			continue;
		}
		if (f->name && type_member(st, f->name)) {
			diag_error(c->d, &f->loc, "duplicate member '%s'", f->name);
			ok = false;
			continue;
		}
		if (!f->name && !f->bits && !dup_check(c, st, ft, &f->loc)) {
			ok = false;
			continue;
		}
		if (f->bits) {
			ok = add_bitfield(c, st, f, ft, &pos, &align, &size) && ok;
			continue;
		}
		if (st->is_union) {
			type_struct_add(c->a, st, f->name, ft, 0);
			if (ft->size > size)
				size = ft->size;
		} else {
			pos = round_up(pos, (uint64_t)ft->align * 8);
			type_struct_add(c->a, st, f->name, ft,
					(unsigned)(pos / 8));
			pos += (uint64_t)ft->size * 8;
		}
		if (ft->align > align)
			align = ft->align;
		if (pos / 8 > 1u << 30) {
			diag_error(c->d, &f->loc, "%s is too large",
				   tname(c, st));
			return false;
		}
	}
	if (!st->is_union)
		size = (pos + 7) / 8;
	type_struct_finish(st, (unsigned)round_up(size, align));
	st->align = align;
	return ok;
}

/* Enumerators: values in order, each the previous + 1 unless given. */
static bool build_enum(struct ctypes *c, const struct ctype *t,
		       struct type *e)
{
	const struct cenum *en;
	struct cconst *k, *first = NULL;
	int64_t v = 0, min = 0, max = 0;
	bool ok = true, any = false;

	for (en = t->enums; en; en = en->next) {
		if (en->value && !ctypes_eval(c, en->value, &v)) {
			ok = false;
			v = 0;
		}
		k = find_const(c, en->name);
		if (k) {
			diag_error(c->d, &en->loc, "enumerator '%s' is already "
				   "defined", en->name);
			diag_note(c->d, &k->loc, "defined here");
			ok = false;
		} else {
			k = arena_alloc(c->a, sizeof(*k));
			k->name = en->name;
			k->value = v;
			k->loc = en->loc;
			k->next = c->consts;
			c->consts = k;
			if (!first)
				first = k;
		}
		if (!any || v < min)
			min = v;
		if (!any || v > max)
			max = v;
		any = true;
		type_enum_add(c->a, e, en->name, v);
		v = (int64_t)((uint64_t)v + 1);
	}
	/* int unless a value needs more; unsigned unless one is negative */
	e->is_signed = min < 0;
	if (min < INT32_MIN || max > (min < 0 ? INT32_MAX : (int64_t)UINT32_MAX))
		e->size = e->align = 8;
	/* the constants take the enum's type, now complete */
	for (k = c->consts; k; k = k->next) {
		k->type = e;
		if (k == first)
			break;
	}
	return ok;
}

/* A struct, union or enum written with its body: defined here, once. */
static const struct type *define_body(struct ctypes *c,
				      const struct ctype *t)
{
	struct cbody *b;
	struct ctag *g = NULL;
	struct type *ty;
	bool ok;

	for (b = c->bodies; b; b = b->next)
		if (b->ct == t)
			return b->type;
	if (t->name) {
		g = find_tag(c, t->name);
		if (g && g->tag != t->tag) {
			diag_error(c->d, &t->loc, "'%s' is already a%s %s",
				   t->name, g->tag == CTAG_ENUM ? "n" : "",
				   tag_word(g->tag));
			diag_note(c->d, &g->loc, "defined here");
			return NULL;
		}
		if (g && g->defined) {
			diag_error(c->d, &t->loc, "%s %s is already defined",
				   tag_word(t->tag), t->name);
			diag_note(c->d, &g->loc, "defined here");
			return NULL;
		}
	}
	if (g) {
		/* complete the declared one: pointers to it already exist */
		ty = g->type;
		ty->incomplete = false;
	} else if (t->tag == CTAG_ENUM) {
		ty = type_enum_new(c->a, t->name, 4, false);
	} else {
		ty = t->tag == CTAG_UNION ? type_union_new(c->a, t->name) :
					    type_struct_new(c->a, t->name);
	}
	if (t->name && !g) {
		g = arena_alloc(c->a, sizeof(*g));
		g->name = t->name;
		g->tag = t->tag;
		g->type = ty;
		g->next = c->tags;
		c->tags = g;
	}
	if (g) {
		/* defined from here on: members may point to it */
		g->loc = t->loc;
		g->defined = true;
	}
	ok = t->tag == CTAG_ENUM ? build_enum(c, t, ty) :
				   build_record(c, t, ty);
	b = arena_alloc(c->a, sizeof(*b));
	b->ct = t;
	b->type = ok ? ty : NULL;
	b->next = c->bodies;
	c->bodies = b;
	return b->type;
}

/* "struct foo;": declared, so that pointers to it can be written. */
static void declare_tag(struct ctypes *c, const struct ctype *t)
{
	struct ctag *g = find_tag(c, t->name);
	struct type *ty;

	if (g) {
		if (g->tag != t->tag) {
			diag_error(c->d, &t->loc, "'%s' is already a%s %s",
				   t->name, g->tag == CTAG_ENUM ? "n" : "",
				   tag_word(g->tag));
			diag_note(c->d, &g->loc, "defined here");
		}
		return;
	}
	if (t->tag == CTAG_ENUM)
		ty = type_enum_new(c->a, t->name, 4, false);
	else
		ty = t->tag == CTAG_UNION ? type_union_new(c->a, t->name) :
					    type_struct_new(c->a, t->name);
	ty->incomplete = t->tag != CTAG_ENUM;
	g = arena_alloc(c->a, sizeof(*g));
	g->name = t->name;
	g->tag = t->tag;
	g->type = ty;
	g->loc = t->loc;
	g->next = c->tags;
	c->tags = g;
}

int ctypes_define(struct ctypes *c, const struct node *n)
{
	const struct cdecl *d;
	const struct type *t;
	int err = 0;

	if (!n->is_typedef) {
		if (n->ctype->has_body)
			return ctypes_resolve(c, n->ctype) ? 0 : -EINVAL;
		declare_tag(c, n->ctype);
		return 0;
	}
	for (d = n->decls; d; d = d->next) {
		struct ctdef *td = find_typedef(c, d->name);

		t = ctypes_resolve(c, d->type);
		if (!t) {
			err = -EINVAL;
			continue;
		}
		/* an anonymous record goes by the typedef's name */
		if (t->kind == T_STRUCT && !t->name) {
			struct type *named = arena_alloc(c->a, sizeof(*named));

			*named = *t;
			named->name = d->name;
			named->typedef_name = true;
			t = named;
		}
		if (td) {
			if (!type_equal(td->type, t)) {
				diag_error(c->d, &d->loc, "typedef '%s' is "
					   "already defined as %s", d->name,
					   tname(c, td->type));
				diag_note(c->d, &td->loc, "defined here");
				err = -EINVAL;
			}
			continue;
		}
		if (type_builtin(d->name)) {
			diag_error(c->d, &d->loc, "'%s' is a type spry defines "
				   "itself", d->name);
			err = -EINVAL;
			continue;
		}
		td = arena_alloc(c->a, sizeof(*td));
		td->name = d->name;
		td->type = t;
		td->loc = d->loc;
		td->next = c->typedefs;
		c->typedefs = td;
	}
	return err;
}
