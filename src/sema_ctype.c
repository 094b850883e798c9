/* sema_ctype.c - the C side of expressions: casts, sizeof, offsetof, '&',
 * named constants and walks through kernel structs.
 *
 * Input: expression nodes that name C types (N_CAST, N_SIZEOF,
 * N_OFFSETOF), take an address (U_ADDR) or name a constant (an N_IDENT
 * that is neither a variable nor a map).  Output: their types and, where
 * they are constants, their values (is_const/cval), as sema.h guarantees.
 *
 * The types a script writes are resolved by ctypes.c, which reports what
 * it cannot resolve straight to the diag.  sema walks every probe several
 * times quietly before the walk that reports, so each written type is
 * resolved once, before the walks (sema_resolve_ctypes()), and the walks
 * only look the answer up.  Probes expanded from one specifier share their
 * written types (ast_clone() shares struct ctype), so one type written
 * once is resolved once however many probes a glob makes.
 *
 * Address spaces.  A cast of an integer to a pointer points into kernel
 * memory, unless the integer is a user-space value (uprobe arguments carry
 * AS_USER), the probe runs in a process (the provider's user_space: any
 * integer there, arg0 + 8 too, is the process's address) or the pointer
 * type itself is a user one (a BTF __user tag); a cast of a pointer keeps
 * its space, so a user pointer stays user, and a pointer read from user
 * memory points there too (sema_loaded()).
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "btf.h"
#include "builtin.h"
#include "ctypes.h"
#include "provider.h"
#include "script.h"
#include "sema.h"
#include "type.h"

/* ---- written types, resolved once ---- */

struct ctmemo {
	const struct ctype *ct;
	const struct type *t;	/* NULL: not a type; reported */
};

static size_t memo_slot(const struct sema *S, const struct ctype *ct)
{
	uintptr_t h = (uintptr_t)ct;

	h ^= h >> 17;
	h *= (uintptr_t)0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 7) & (S->ctmemo_cap - 1);
}

static struct ctmemo *memo_find(const struct sema *S, const struct ctype *ct)
{
	size_t i;

	if (!S->ctmemo_cap)
		return NULL;
	for (i = memo_slot(S, ct); S->ctmemo[i].ct;
	     i = (i + 1) & (S->ctmemo_cap - 1))
		if (S->ctmemo[i].ct == ct)
			return &S->ctmemo[i];
	return NULL;
}

static void memo_add(struct sema *S, const struct ctype *ct,
		     const struct type *t)
{
	size_t i;

	if (2 * (S->ctmemo_n + 1) > S->ctmemo_cap) {
		struct ctmemo *old = S->ctmemo;
		size_t cap = S->ctmemo_cap, j;

		S->ctmemo_cap = cap ? 2 * cap : 64;
		S->ctmemo = arena_alloc(S->a, S->ctmemo_cap * sizeof(*old));
		for (j = 0; j < cap; j++)
			if (old[j].ct) {
				i = memo_slot(S, old[j].ct);
				while (S->ctmemo[i].ct)
					i = (i + 1) & (S->ctmemo_cap - 1);
				S->ctmemo[i] = old[j];
			}
	}
	i = memo_slot(S, ct);
	while (S->ctmemo[i].ct)
		i = (i + 1) & (S->ctmemo_cap - 1);
	S->ctmemo[i].ct = ct;
	S->ctmemo[i].t = t;
	S->ctmemo_n++;
}

struct ctypes *sema_ctypes(struct sema *S)
{
	/* compile.c makes them; a caller that runs sema alone gets spry's
	 * names and the script's definitions only */
	if (!S->s->ctypes)
		S->s->ctypes = ctypes_new(S->a, S->s->btf, S->s->cpp, S->d);
	return S->s->ctypes;
}

static int resolve_visit(const struct node *n, void *ctx)
{
	struct sema *S = ctx;
	const struct type *t;

	if (!n->ctype || (n->kind != N_CAST && n->kind != N_SIZEOF &&
			  n->kind != N_OFFSETOF) || memo_find(S, n->ctype))
		return 0;
	t = ctypes_resolve(sema_ctypes(S), n->ctype);
	if (!t)
		S->ctype_failed = true;
	memo_add(S, n->ctype, t);
	return 0;
}

void sema_resolve_ctypes(struct sema *S)
{
	struct probe *p;

	for (p = S->s->probes; p; p = p->next) {
		ast_visit(p->pred, resolve_visit, S);
		ast_visit(p->body, resolve_visit, S);
	}
}

/* The type @n's ctype stands for; NULL when it was reported. */
static const struct type *written(struct sema *S, const struct node *n)
{
	const struct ctmemo *m = memo_find(S, n->ctype);

	assert(m && "sema_resolve_ctypes() saw every written type");
	return m->t;
}

/* ---- the kernel's types ---- */

const struct type *sema_kernel_record(struct sema *S, const char *name)
{
	return ctypes_tag(sema_ctypes(S), CTAG_STRUCT, name);
}

void sema_note_btf(struct sema *S)
{
	const char *why = S->s->btf ? btf_error(S->s->btf) : NULL;

	if (why)
		sema_note(S, NULL, "spry finds kernel types in BTF: %s", why);
}

/* ---- members ---- */

void sema_unknown_field(struct sema *S, const struct loc *loc,
			const char *name, const struct type *st)
{
	const struct member *m;
	struct suggest sg;
	const char *close;
	unsigned cnt = 0;
	char list[256] = "";
	size_t at = 0;

	suggest_init(&sg, name);
	for (m = type_members(st); m; m = m->next)
		if (*m->name)
			suggest_try(&sg, m->name);
	/* anonymous members' own, one level down (the usual nesting) */
	for (m = type_members(st); m; m = m->next) {
		const struct member *in;

		if (*m->name)
			continue;
		for (in = type_members(m->type); in; in = in->next)
			if (*in->name)
				suggest_try(&sg, in->name);
	}
	close = suggest_best(&sg);
	if (close)
		sema_error(S, loc, "unknown field '%s' in %s; did you mean "
			   "'%s'?", name, sema_type_name(S, st), close);
	else
		sema_error(S, loc, "unknown field '%s' in %s", name,
			   sema_type_name(S, st));
	for (m = type_members(st); m; m = m->next) {
		if (cnt < 6) {
			int w = snprintf(list + at, sizeof(list) - at, "%s%s",
					 cnt ? ", " : "",
					 *m->name ? m->name : "<anonymous>");

			if (w > 0 && (size_t)w < sizeof(list) - at)
				at += (size_t)w;
		}
		cnt++;
	}
	if (!cnt)
		sema_note(S, NULL, "%s has no known fields",
			  sema_type_name(S, st));
	else
		sema_note(S, NULL, "%s has %s%s", sema_type_name(S, st), list,
			  cnt > 6 ? ", ..." : "");
}

bool sema_record_complete(struct sema *S, const struct loc *loc,
			  const struct type *st)
{
	if (!st->incomplete)
		return true;
	sema_error(S, loc, "%s is declared but never defined, so its fields "
		   "are unknown", sema_type_name(S, st));
	sema_note_btf(S);
	return false;
}

/* ---- casts ---- */

const struct type *sema_cast(struct sema *S, struct node *n)
{
	const struct type *t = written(S, n);
	const struct type *o = sema_expr(S, n->lhs);
	enum addr_space space;

	if (!t || sema_is_bad(o))
		return sema_bad();
	if (t->kind != T_INT && t->kind != T_PTR) {
		sema_error(S, &n->loc, "cannot cast to %s: casts make integers "
			   "and pointers%s", sema_type_name(S, t),
			   type_is_record(t) ? "; cast to a pointer to it and "
			   "use '->'" : "");
		return sema_bad();
	}
	if (!type_is_scalar(o)) {
		sema_error(S, &n->lhs->loc, "cannot cast %s to %s: only "
			   "integers and pointers can be cast",
			   sema_type_name(S, o), sema_type_name(S, t));
		return sema_bad();
	}
	if (t->kind == T_INT) {
		if (n->lhs->is_const) {
			n->is_const = true;
			n->cval = ctypes_int_cast(t, n->lhs->cval);
		}
		return t;
	}
	/* a pointer: into the space the value came from (see above) */
	if (t->space == AS_USER || o->space == AS_USER ||
	    (o->kind == T_INT && S->p->prov && S->p->prov->user_space))
		space = AS_USER;
	else if (o->kind == T_PTR)
		space = o->space;
	else
		space = AS_KERNEL;
	if (space != t->space)
		t = type_ptr(sema_arena(S), t->base, space);
	if (n->lhs->is_const) {
		n->is_const = true;
		n->cval = n->lhs->cval;
	}
	return t;
}

/* ---- sizeof and offsetof ---- */

static const struct type *sized(struct sema *S, struct node *n,
				const struct type *t)
{
	if (t->kind == T_VOID || t->kind == T_FUNC || !t->size) {
		sema_error(S, &n->loc, "sizeof of %s, which has no size",
			   sema_type_name(S, t));
		return sema_bad();
	}
	if (t->kind == T_STRUCT && t->incomplete) {
		sema_record_complete(S, &n->loc, t);
		return sema_bad();
	}
	n->is_const = true;
	n->cval = t->size;
	return &type_u64;
}

const struct type *sema_sizeof(struct sema *S, struct node *n)
{
	const struct type *t;

	if (n->ctype) {
		t = written(S, n);
		return t ? sized(S, n, t) : sema_bad();
	}
	/* sizeof(NAME): a variable, a map, or else a type name */
	if (n->lhs->kind == N_IDENT && !sema_is_value_name(S, n->lhs->name)) {
		t = ctypes_name(sema_ctypes(S), n->lhs->name);
		if (t)
			return sized(S, n, t);
	}
	t = sema_expr(S, n->lhs);
	if (sema_is_bad(t))
		return sema_bad();
	return sized(S, n, t);
}

const struct type *sema_offsetof(struct sema *S, struct node *n)
{
	const struct type *t = written(S, n);
	const struct member *m;
	struct node *f;
	uint64_t off = 0;
	unsigned in;

	if (!t)
		return sema_bad();
	for (f = n->args; f; f = f->next) {
		if (!type_is_record(t)) {
			sema_error(S, &f->loc, "offsetof needs a struct or a "
				   "union, and %s is neither",
				   sema_type_name(S, t));
			return sema_bad();
		}
		if (!sema_record_complete(S, &f->loc, t))
			return sema_bad();
		m = type_field(t, f->name, &in);
		if (!m) {
			sema_unknown_field(S, &f->loc, f->name, t);
			return sema_bad();
		}
		if (m->bits) {
			sema_error(S, &f->loc, "'%s' is a bitfield, which has no "
				   "byte offset", f->name);
			return sema_bad();
		}
		off += in;
		t = m->type;
	}
	n->is_const = true;
	n->cval = (int64_t)off;
	return &type_u64;
}

/* ---- address spaces ---- */

/* The address space lvalue @e (a member, an element, a dereference) lives
 * in, or -1 when it is none (a value a program computes). */
static int lvalue_space(const struct node *e)
{
	const struct type *t;

	switch (e->kind) {
	case N_MEMBER:
		if (e->pvar)
			break;
		t = e->lhs->type;
		if (t->kind == T_PTR)
			return t->space;
		return lvalue_space(e->lhs);
	case N_INDEX:
		if (e->map)
			break;
		t = e->lhs->type;
		if (t->kind == T_PTR)
			return t->space;
		return lvalue_space(e->lhs);
	case N_UNARY:
		if (e->op != U_DEREF)
			break;
		return e->lhs->type->space;
	default:
		break;
	}
	return -1;
}

const struct type *sema_loaded(struct sema *S, const struct node *n,
			       const struct type *t)
{
	/* a pointer kept in user memory points there too: the script's
	 * own types (and kernels whose BTF lacks __user tags) do not say */
	if (t->kind == T_PTR && t->space == AS_KERNEL &&
	    lvalue_space(n) == AS_USER)
		return type_ptr(sema_arena(S), t->base, AS_USER);
	return t;
}

/* ---- address-of ---- */

const struct type *sema_addr_of(struct sema *S, struct node *n)
{
	const struct type *t = sema_expr(S, n->lhs);
	const struct node *e = n->lhs;
	int space;

	if (sema_is_bad(t))
		return sema_bad();
	space = lvalue_space(e);
	if (space < 0) {
		sema_error(S, &n->loc, "'&' needs a field, an element or a "
			   "dereference in kernel or user memory, as in "
			   "&p->field");
		return sema_bad();
	}
	if (space == AS_CTX) {
		sema_error(S, &n->loc, "'&' of the probe's own context: its "
			   "fields are values here, with no address to keep");
		return sema_bad();
	}
	if (e->kind == N_MEMBER) {
		const struct type *st = e->lhs->type;
		unsigned off;

		if (st->kind == T_PTR)
			st = st->base;
		if (type_field(st, e->name, &off)->bits) {
			sema_error(S, &n->loc, "cannot take the address of "
				   "bitfield '%s'", e->name);
			return sema_bad();
		}
	}
	return type_ptr(sema_arena(S), t, (enum addr_space)space);
}

/* ---- named constants ---- */

bool sema_named_const(struct sema *S, struct node *n)
{
	const struct type *t;
	int64_t v;
	int err = ctypes_const(sema_ctypes(S), n->name, &v, &t);

	if (err == -ENODATA) {
		sema_error(S, &n->loc, "'%s' is defined without a value",
			   n->name);
		n->type = sema_bad();
		return true;
	}
	if (err)
		return false;
	n->type = t ? t : &type_s64;
	n->is_const = true;
	n->cval = v;
	return true;
}

bool sema_looks_const(const char *name)
{
	for (; *name; name++)
		if (*name >= 'a' && *name <= 'z')
			return false;
	return true;
}
