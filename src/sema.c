/* sema.c - name resolution, type inference, checks and constant folding.
 *
 * Input: s->probes, each with its own AST copy and its provider.  Output: the
 * same ASTs annotated (type, builtin, pvar, map, is_const/cval on every
 * expression) and s->maps with kind, keys and value unified over every probe.
 * Errors are reported to the diag, all of them, each once.
 *
 * How maps get their types.  A map's value type comes from its assignments,
 * but a read may come before the assignment that decides it (in an earlier
 * probe, say), and the value read feeds other types.  So sema walks every
 * probe quietly, collecting each map's signature (kind, keys, value) in visit
 * order while reads use the previous walk's signatures, until nothing changes
 * (a walk only widens ints and lengthens strings, so this converges in a few
 * walks).  A last walk reports errors: a mismatch names the mention that set
 * the signature first and the one that disagrees.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "builtin.h"
#include "ctypes.h"
#include "provider.h"
#include "script.h"
#include "sema.h"
#include "type.h"

#define SEMA_MAX_WALKS		16
#define SEMA_MAX_BUF		65535	/* str()/mem() sizes, bytes */
#define SEMA_DEFAULT_STR	64

/* The type of an expression sema already reported: operations on it stay
 * quiet, so one mistake makes one message. */
static const struct type bad_type = {
	.kind = T_INT, .size = 8, .align = 8, .is_signed = true,
};

static bool is_bad(const struct type *t)
{
	return t == &bad_type;
}

const struct type *sema_bad(void)
{
	return &bad_type;
}

bool sema_is_bad(const struct type *t)
{
	return is_bad(t);
}

static const struct type *expr(struct sema *S, struct node *n);
static void stmt(struct sema *S, struct node *n);

/* ---- diagnostics ---- */

static bool loc_same(const struct loc *a, const struct loc *b)
{
	return a->src == b->src && a->line == b->line && a->col == b->col;
}

/* Report once: probes expanded from one specifier share the AST locations,
 * and a glob can make hundreds of them. */
static void serr(struct sema *S, const struct loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void serr(struct sema *S, const struct loc *loc, const char *fmt, ...)
{
	struct reported *r;
	struct loc none = { 0 };
	va_list ap;
	char *msg;

	S->last_shown = false;
	if (S->quiet)
		return;
	S->errors++;
	va_start(ap, fmt);
	msg = arena_vprintf(S->a, fmt, ap);
	va_end(ap);
	if (!loc)
		loc = &none;
	for (r = S->reported; r; r = r->next)
		if (loc_same(&r->loc, loc) && !strcmp(r->msg, msg))
			return;
	r = arena_alloc(S->a, sizeof(*r));
	r->loc = *loc;
	r->msg = msg;
	r->next = S->reported;
	S->reported = r;
	diag_error(S->d, loc->src ? loc : NULL, "%s", msg);
	S->last_shown = true;
}

static void snote(struct sema *S, const struct loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void snote(struct sema *S, const struct loc *loc, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (S->quiet || !S->last_shown)
		return;
	va_start(ap, fmt);
	msg = arena_vprintf(S->a, fmt, ap);
	va_end(ap);
	diag_note(S->d, loc && loc->src ? loc : NULL, "%s", msg);
}

static const char *tname(struct sema *S, const struct type *t)
{
	char buf[256];

	return arena_strdup(S->a, type_name(t, buf, sizeof(buf)));
}

const char *sema_loc_str(struct sema *S, const struct loc *l)
{
	if (!l->src)
		return "<command line>";
	return arena_printf(S->a, "%s:%u:%u",
			    l->src->name ? l->src->name : "<program>",
			    l->line, l->col);
}

/* Offer the builtin variables (vars) or the others (!vars) to @sg, names
 * before aliases. */
static void suggest_builtins(struct suggest *sg, bool vars)
{
	const struct builtin *const *b;
	const char *const *al;

	for (b = builtins; *b; b++)
		if (((*b)->kind == BK_VAR) == vars)
			suggest_try(sg, (*b)->name);
	for (b = builtins; *b; b++)
		if (((*b)->kind == BK_VAR) == vars)
			for (al = (*b)->aliases; al && *al; al++)
				suggest_try(sg, *al);
}

/* ---- names ---- */

static void not_here(struct sema *S, const struct node *n,
		     const struct builtin *b)
{
	serr(S, &n->loc, "%s%s is not available in %s probes", b->name,
	     b->kind == BK_VAR ? "" : "()", S->p->prov->name);
}

/* Resolve @name as a builtin or provider variable of the current probe;
 * fills n->builtin / n->pvar / n->type and returns true if it is one. */
static bool resolve_var(struct sema *S, struct node *n, const char *name)
{
	const struct provider *prov = S->p->prov;
	const struct builtin *b = builtin_find(name);
	struct pvar pv, *copy;

	if (b && b->kind == BK_VAR) {
		n->builtin = b;
		if (!builtin_allowed(b, prov)) {
			not_here(S, n, b);
			n->type = &bad_type;
			return true;
		}
		n->type = b->check ? b->check(S, n) : b->type;
		return true;
	}
	memset(&pv, 0, sizeof(pv));
	if (prov && prov->resolve && prov->resolve(S->p, name, &pv) == 0) {
		assert(pv.type && "a provider variable has a type");
		copy = arena_alloc(S->a, sizeof(*copy));
		*copy = pv;
		n->pvar = copy;
		n->type = pv.type;
		return true;
	}
	return false;
}

static void unknown_ident(struct sema *S, struct node *n)
{
	struct suggest sg;
	const char *hint;
	unsigned i;

	/* a plain map name is as likely a typo's target as a builtin */
	suggest_init(&sg, n->name);
	suggest_builtins(&sg, true);
	for (i = 0; i < S->nassigned; i++)
		suggest_try(&sg, S->assigned[i]);
	/* and a name in capitals, a constant's (TCP_ESTABLISHED); those
	 * are many, so only in the walk that reports */
	if (!S->quiet && sema_looks_const(n->name))
		ctypes_suggest_const(sema_ctypes(S), &sg);
	hint = suggest_best(&sg);

	if (hint)
		serr(S, &n->loc, "unknown identifier '%s'; did you mean '%s'?",
		     n->name, hint);
	else
		serr(S, &n->loc, "unknown identifier '%s'", n->name);
	n->type = &bad_type;
}

/* ---- constant folding ---- */

static void set_const(struct node *n, int64_t v)
{
	n->is_const = true;
	n->cval = v;
}

/* Fold a binary operator over constants; @sgn: operands compare/divide as
 * signed.  Division by zero and bad shifts never get here. */
static int64_t fold_binary(enum binop op, int64_t a, int64_t b, bool sgn)
{
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b;

	switch (op) {
	case B_MUL:
		return (int64_t)(ua * ub);
	case B_DIV:
		if (sgn) {
			if (a == INT64_MIN && b == -1)
				return INT64_MIN;	/* wraps, as BPF does */
			return a / b;
		}
		return (int64_t)(ua / ub);
	case B_MOD:
		if (sgn) {
			if (b == -1)
				return 0;
			return a % b;
		}
		return (int64_t)(ua % ub);
	case B_ADD:
		return (int64_t)(ua + ub);
	case B_SUB:
		return (int64_t)(ua - ub);
	case B_SHL:
		return (int64_t)(ua << ub);
	case B_SHR:
		if (sgn)
			return a < 0 ? (int64_t)~(~ua >> ub) : (int64_t)(ua >> ub);
		return (int64_t)(ua >> ub);
	case B_LT:
		return sgn ? a < b : ua < ub;
	case B_LE:
		return sgn ? a <= b : ua <= ub;
	case B_GT:
		return sgn ? a > b : ua > ub;
	case B_GE:
		return sgn ? a >= b : ua >= ub;
	case B_EQ:
		return a == b;
	case B_NE:
		return a != b;
	case B_AND:
		return (int64_t)(ua & ub);
	case B_XOR:
		return (int64_t)(ua ^ ub);
	case B_OR:
		return (int64_t)(ua | ub);
	case B_LAND:
		return a && b;
	case B_LOR:
		return a || b;
	}
	assert(0 && "unknown binary operator");
	return 0;
}

/* ---- expressions ---- */

/* Integer promotion with a 64-bit int: arithmetic happens in 64 bits. */
static const struct type *promote(const struct type *t)
{
	return type_int(8, t->size == 8 ? t->is_signed : true);
}

static const struct type *arith(const struct type *a, const struct type *b)
{
	return type_common(promote(a), promote(b));
}

static bool is_string_like(const struct type *t)
{
	return type_is_string(t);
}

static const struct type *expr_num(struct sema *S, struct node *n)
{
	(void)S;
	if (n->is_char)
		n->type = &type_char;
	else
		n->type = n->num > INT64_MAX ? &type_u64 : &type_s64;
	set_const(n, (int64_t)n->num);
	return n->type;
}

static const struct type *expr_ident(struct sema *S, struct node *n)
{
	if (resolve_var(S, n, n->name))
		return n->type;
	if (sema_is_assigned(S, n->name)) {
		sema_map_use(S, n, n->name, NULL, USE_READ, MAP_PLAIN, NULL, NULL);
		return n->type;
	}
	if (builtin_find(n->name)) {
		serr(S, &n->loc, "'%s' is a function; call it as %s(...)",
		     n->name, n->name);
		n->type = &bad_type;
		return n->type;
	}
	/* TCP_ESTABLISHED, AF_INET, a #define: sema_ctype.c */
	if (sema_named_const(S, n))
		return n->type;
	unknown_ident(S, n);
	return n->type;
}

static const struct type *expr_unary(struct sema *S, struct node *n)
{
	const struct type *t;
	const char *op = unop_str(n->op);

	if (n->op == U_ADDR)
		return n->type = sema_addr_of(S, n);
	t = expr(S, n->lhs);

	if (is_bad(t))
		return n->type = &bad_type;
	switch ((enum unop)n->op) {
	case U_NEG:
	case U_BNOT:
		if (!type_is_int(t)) {
			serr(S, &n->loc, "operator '%s' needs an integer, got %s",
			     op, tname(S, t));
			return n->type = &bad_type;
		}
		n->type = promote(t);
		if (n->lhs->is_const)
			set_const(n, n->op == U_NEG ?
				  (int64_t)(0 - (uint64_t)n->lhs->cval) :
				  (int64_t)~(uint64_t)n->lhs->cval);
		return n->type;
	case U_NOT:
		if (!type_is_scalar(t)) {
			serr(S, &n->loc, "operator '!' needs an integer or a "
			     "pointer, got %s", tname(S, t));
			return n->type = &bad_type;
		}
		n->type = &type_s32;
		if (n->lhs->is_const)
			set_const(n, !n->lhs->cval);
		return n->type;
	case U_DEREF:
		/* bpftrace's: an integer is an address, read as an integer
		 * of its own type (loads.bt: *kaddr("avenrun")) */
		if (type_is_int(t) && !type_is_string(t))
			return n->type = sema_loaded(S, n,
						     type_int(t->size,
							      t->is_signed));
		if (t->kind != T_PTR) {
			serr(S, &n->loc, "cannot dereference %s, it is not a "
			     "pointer", tname(S, t));
			return n->type = &bad_type;
		}
		if (t->base->kind == T_VOID || t->base->kind == T_FUNC) {
			serr(S, &n->loc, "cannot dereference %s", tname(S, t));
			return n->type = &bad_type;
		}
		if (t->base->kind == T_STRUCT &&
		    !sema_record_complete(S, &n->loc, t->base))
			return n->type = &bad_type;
		return n->type = sema_loaded(S, n, t->base);
	case U_ADDR:
		break;
	}
	assert(0 && "unknown unary operator");
	return n->type = &bad_type;
}

static void binary_mismatch(struct sema *S, struct node *n,
			    const struct type *l, const struct type *r)
{
	serr(S, &n->loc, "invalid operands to '%s': %s and %s",
	     binop_str(n->op), tname(S, l), tname(S, r));
	n->type = &bad_type;
}

static const struct type *expr_binary(struct sema *S, struct node *n)
{
	const struct type *l = expr(S, n->lhs), *r = expr(S, n->rhs);
	enum binop op = n->op;
	bool lc = n->lhs->is_const, rc = n->rhs->is_const;
	bool sgn;

	if (is_bad(l) || is_bad(r))
		return n->type = &bad_type;

	switch (op) {
	case B_LAND:
	case B_LOR:
		if (!type_is_scalar(l) || !type_is_scalar(r)) {
			binary_mismatch(S, n, l, r);
			return n->type;
		}
		n->type = &type_s32;
		/* a deciding constant left operand folds the whole */
		if (lc && ((op == B_LAND && !n->lhs->cval) ||
			   (op == B_LOR && n->lhs->cval)))
			set_const(n, op == B_LOR);
		else if (lc && rc)
			set_const(n, fold_binary(op, n->lhs->cval,
						 n->rhs->cval, true));
		return n->type;
	case B_EQ:
	case B_NE:
		if (is_string_like(l) && is_string_like(r))
			return n->type = &type_s32;
		/* fall through */
	case B_LT:
	case B_LE:
	case B_GT:
	case B_GE:
		if (!type_is_scalar(l) || !type_is_scalar(r)) {
			if (is_string_like(l) && is_string_like(r))
				serr(S, &n->loc, "strings compare only with "
				     "'==' and '!='; use strcmp()");
			else if ((is_string_like(l) && r->kind == T_PTR) ||
				 (is_string_like(r) && l->kind == T_PTR))
				serr(S, &n->loc, "cannot compare %s and %s; "
				     "read the pointer with str() first",
				     tname(S, l), tname(S, r));
			else
				binary_mismatch(S, n, l, r);
			return n->type = &bad_type;
		}
		n->type = &type_s32;
		sgn = type_common(l, r)->is_signed;
		if (l->kind == T_INT && r->kind == T_INT)
			sgn = arith(l, r)->is_signed;
		if (lc && rc)
			set_const(n, fold_binary(op, n->lhs->cval, n->rhs->cval,
						 sgn));
		return n->type;
	case B_ADD:
		if (l->kind == T_PTR && type_is_int(r))
			return n->type = l;
		if (type_is_int(l) && r->kind == T_PTR)
			return n->type = r;
		break;
	case B_SUB:
		if (l->kind == T_PTR && type_is_int(r))
			return n->type = l;
		if (l->kind == T_PTR && r->kind == T_PTR) {
			if (l->base->size != r->base->size) {
				binary_mismatch(S, n, l, r);
				return n->type;
			}
			return n->type = &type_s64;
		}
		break;
	default:
		break;
	}

	if (!type_is_int(l) || !type_is_int(r)) {
		binary_mismatch(S, n, l, r);
		return n->type;
	}
	if (op == B_SHL || op == B_SHR) {
		n->type = promote(l);
		if (rc && (n->rhs->cval < 0 || n->rhs->cval >= 64)) {
			serr(S, &n->rhs->loc, "shift count %" PRId64 " is out "
			     "of range (0 to 63)", n->rhs->cval);
			return n->type = &bad_type;
		}
		if (lc && rc)
			set_const(n, fold_binary(op, n->lhs->cval, n->rhs->cval,
						 n->type->is_signed));
		return n->type;
	}
	n->type = arith(l, r);
	if ((op == B_DIV || op == B_MOD) && rc && n->rhs->cval == 0) {
		serr(S, &n->rhs->loc, "%s by zero",
		     op == B_DIV ? "division" : "modulo");
		return n->type = &bad_type;
	}
	if (lc && rc)
		set_const(n, fold_binary(op, n->lhs->cval, n->rhs->cval,
					 n->type->is_signed));
	return n->type;
}

static bool check_cond(struct sema *S, struct node *c, const char *what)
{
	const struct type *t = expr(S, c);

	if (is_bad(t) || type_is_scalar(t))
		return true;
	serr(S, &c->loc, "%s must be an integer or a pointer, got %s", what,
	     tname(S, t));
	return false;
}

static const struct type *expr_cond(struct sema *S, struct node *n)
{
	const struct type *l, *r;
	bool ok = check_cond(S, n->cond, "condition");

	l = expr(S, n->lhs);
	r = expr(S, n->rhs);
	if (!ok || is_bad(l) || is_bad(n->cond->type) || is_bad(r))
		return n->type = &bad_type;
	if (type_is_int(l) && type_is_int(r)) {
		n->type = type_common(l, r);
	} else if (type_is_string(l) && type_is_string(r)) {
		n->type = l->len >= r->len ? l : r;
	} else if (type_equal(l, r) && l->kind == T_PTR) {
		n->type = l;
	} else if (type_is_tuple(l) && type_is_tuple(r) &&
		   sema_value_unify(S, l, r)) {
		n->type = sema_value_unify(S, l, r);
	} else {
		serr(S, &n->loc, "the branches of '?:' have different types: "
		     "%s and %s", tname(S, l), tname(S, r));
		return n->type = &bad_type;
	}
	if (n->cond->is_const) {
		struct node *pick = n->cond->cval ? n->lhs : n->rhs;

		if (pick->is_const)
			set_const(n, pick->cval);
	}
	return n->type;
}

static const struct type *expr_member(struct sema *S, struct node *n)
{
	const struct type *t = expr(S, n->lhs), *st;
	const struct provider *prov = S->p->prov;
	const struct member *m;

	if (is_bad(t))
		return n->type = &bad_type;
	/* providers that map fields themselves (raw syscall tracepoints:
	 * data->field is an argument register) get the first word */
	if (n->lhs->kind == N_IDENT && n->lhs->pvar && prov && prov->member) {
		struct pvar pv, *copy;

		memset(&pv, 0, sizeof(pv));
		if (prov->member(S->p, n->lhs->pvar, n->name, &pv) == 0) {
			assert(pv.type && "a provider variable has a type");
			copy = arena_alloc(S->a, sizeof(*copy));
			*copy = pv;
			n->pvar = copy;
			return n->type = pv.type;
		}
	}
	/* the probe's context (args) is a pointer, but bpftrace writes
	 * both args->f and args.f: its fields are the probe's values */
	if (!n->arrow && t->kind == T_PTR && t->space == AS_CTX &&
	    t->base->kind == T_STRUCT && n->lhs->pvar &&
	    n->lhs->pvar->kind == PV_CTX) {
		st = t->base;
	} else if (n->arrow) {
		if (t->kind == T_STRUCT) {
			serr(S, &n->loc, "%s is not a pointer; use '.'",
			     tname(S, t));
			return n->type = &bad_type;
		}
		if (t->kind != T_PTR || t->base->kind != T_STRUCT) {
			if (!type_is_int(t)) {
				serr(S, &n->loc, "'->%s' needs a pointer to a "
				     "struct, got %s", n->name, tname(S, t));
				return n->type = &bad_type;
			}
			/* an address: curtask without BTF, arg0 */
			serr(S, &n->loc, "'->%s' needs a pointer to a struct, "
			     "got %s; cast it first, as in ((struct NAME *)%s)"
			     "->%s", n->name, tname(S, t), n->lhs->kind ==
			     N_IDENT ? n->lhs->name : "x", n->name);
			sema_note_btf(S);
			return n->type = &bad_type;
		}
		st = t->base;
	} else {
		if (t->kind == T_PTR && t->base->kind == T_STRUCT) {
			serr(S, &n->loc, "%s is a pointer; use '->'",
			     tname(S, t));
			return n->type = &bad_type;
		}
		if (t->kind != T_STRUCT) {
			serr(S, &n->loc, "'.%s' needs a struct, got %s",
			     n->name, tname(S, t));
			return n->type = &bad_type;
		}
		st = t;
	}
	if (!sema_record_complete(S, &n->loc, st))
		return n->type = &bad_type;
	m = type_member(st, n->name);
	if (!m) {
		sema_unknown_field(S, &n->loc, n->name, st);
		return n->type = &bad_type;
	}
	if (m->bits && m->bit_off + m->bits > 64) {
		serr(S, &n->loc, "bitfield '%s' spans more than 8 bytes, which "
		     "spry cannot read", n->name);
		return n->type = &bad_type;
	}
	return n->type = sema_loaded(S, n, m->type);
}

/* A builtin variable or one of the probe's provider's. */
static bool names_variable(struct sema *S, const char *name)
{
	const struct builtin *b = builtin_find(name);
	struct pvar pv;

	if (b && b->kind == BK_VAR)
		return true;
	return S->p->prov && S->p->prov->resolve &&
	       S->p->prov->resolve(S->p, name, &pv) == 0;
}

/* `x[..]` where x names no variable: a plain map read, if x is assigned
 * somewhere. */
static bool index_is_map(struct sema *S, struct node *n)
{
	return n->lhs->kind == N_IDENT && !names_variable(S, n->lhs->name);
}

static const struct type *expr_index(struct sema *S, struct node *n)
{
	const struct type *t, *it;
	struct node *idx = n->args;

	if (index_is_map(S, n)) {
		if (!sema_is_assigned(S, n->lhs->name)) {
			struct node *k;

			unknown_ident(S, n->lhs);
			for (k = n->args; k; k = k->next)
				expr(S, k);
			return n->type = &bad_type;
		}
		sema_map_use(S, n, n->lhs->name, n->args, USE_READ, MAP_PLAIN,
			NULL, NULL);
		n->lhs->map = n->map;
		n->lhs->type = n->type;
		return n->type;
	}
	t = expr(S, n->lhs);
	if (!idx || idx->next) {
		serr(S, &n->loc, "an index is one expression");
		for (; idx; idx = idx->next)
			expr(S, idx);
		return n->type = &bad_type;
	}
	it = expr(S, idx);
	if (is_bad(t) || is_bad(it))
		return n->type = &bad_type;
	if (!type_is_int(it)) {
		serr(S, &idx->loc, "an index must be an integer, got %s",
		     tname(S, it));
		return n->type = &bad_type;
	}
	if (t->kind == T_ARRAY) {
		if (idx->is_const && (idx->cval < 0 ||
				      (uint64_t)idx->cval >= t->len)) {
			serr(S, &idx->loc, "index %" PRId64 " is out of bounds "
			     "for %s", idx->cval, tname(S, t));
			return n->type = &bad_type;
		}
		return n->type = sema_loaded(S, n, t->base);
	}
	if (t->kind == T_PTR && t->base->kind != T_VOID)
		return n->type = sema_loaded(S, n, t->base);
	serr(S, &n->loc, "cannot index %s", tname(S, t));
	return n->type = &bad_type;
}

/* ---- the toolkit of builtins' typing hooks (sema.h) ---- */

const struct type *sema_expr(struct sema *S, struct node *n)
{
	return expr(S, n);
}

void sema_error(struct sema *S, const struct loc *loc, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = arena_vprintf(S->a, fmt, ap);
	va_end(ap);
	serr(S, loc, "%s", msg);
}

void sema_note(struct sema *S, const struct loc *loc, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = arena_vprintf(S->a, fmt, ap);
	va_end(ap);
	snote(S, loc, "%s", msg);
}

bool sema_is_value_name(struct sema *S, const char *name)
{
	return names_variable(S, name) || sema_is_assigned(S, name);
}

const char *sema_type_name(struct sema *S, const struct type *t)
{
	return tname(S, t);
}

struct arena *sema_arena(const struct sema *S)
{
	return S->a;
}

unsigned sema_str_size(const struct sema *S)
{
	return S->str_size;
}

bool sema_map_mention(struct sema *S, const struct node *a)
{
	if (a->kind == N_MAP && !a->args)
		return true;
	if (a->kind == N_IDENT && !builtin_find(a->name) &&
	    sema_is_assigned(S, a->name)) {
		struct pvar pv;

		return !(S->p->prov && S->p->prov->resolve &&
			 S->p->prov->resolve(S->p, a->name, &pv) == 0);
	}
	return false;
}

void sema_whole_map(struct sema *S, struct node *call, struct node *a)
{
	sema_map_use(S, a, a->name, NULL, USE_WHOLE, MAP_PLAIN, NULL, NULL);
	a->type = &type_void;
	call->map = a->map;
}

const struct type *sema_map_arg(struct sema *S, struct node *call)
{
	struct node *a = call->args;

	if (!sema_map_mention(S, a)) {
		serr(S, &a->loc, "%s() needs a map, as in %s(@m)", call->name,
		     call->name);
		expr(S, a);
		return &type_void;
	}
	sema_whole_map(S, call, a);
	return &type_void;
}

unsigned sema_count_args(const struct node *a)
{
	unsigned n = 0;

	for (; a; a = a->next)
		n++;
	return n;
}

bool sema_printable(const struct type *t)
{
	return t->kind == T_INT || t->kind == T_PTR || t->kind == T_ARRAY ||
	       (t->kind == T_STRUCT && !t->incomplete);
}

struct probe *sema_probe(const struct sema *S)
{
	return S->p;
}

struct script *sema_owner(const struct sema *S)
{
	return S->s;
}

const char *sema_literal(struct sema *S, struct node *call, struct node *a,
			 const char *what)
{
	if (a->kind == N_STR && strlen(a->str) == a->len) {
		a->type = type_string(S->a, a->len + 1);
		return a->str;
	}
	if (a->kind == N_STR)
		serr(S, &a->loc, "%s() needs a string without NUL bytes as "
		     "its %s", call->name, what);
	else if (!is_bad(expr(S, a)))
		serr(S, &a->loc, "%s() needs a string literal as its %s",
		     call->name, what);
	return NULL;
}

bool sema_const_size(struct sema *S, struct node *call, struct node *a,
		     unsigned *size)
{
	unsigned errors = S->errors;
	const struct type *t = expr(S, a);

	/* A bad size whose problem was reported stays quiet.  One that is
	 * bad without a report (a map whose type hangs on this very size,
	 * `x = str(p, x)`) would reach lowering unnoticed; it is no
	 * constant either way. */
	if (is_bad(t) && S->errors != errors)
		return false;
	if (is_bad(t) || !type_is_int(t) || !a->is_const) {
		serr(S, &a->loc, "the size of %s() must be a constant integer",
		     call->name);
		return false;
	}
	if (a->cval < 1 || a->cval > SEMA_MAX_BUF) {
		serr(S, &a->loc, "the size of %s() must be between 1 and %u, "
		     "got %" PRId64, call->name, SEMA_MAX_BUF, a->cval);
		return false;
	}
	*size = (unsigned)a->cval;
	return true;
}

/* ---- calls ---- */

/* The row's argument count, worded for the error. */
static bool bad_arity(struct sema *S, struct node *n, unsigned got)
{
	const struct builtin *b = n->builtin;

	if ((int)got >= b->min_args && (b->max_args < 0 ||
					(int)got <= b->max_args))
		return false;
	if (b->max_args < 0)
		serr(S, &n->loc, "%s() needs at least %s argument%s", b->name,
		     b->min_args == 1 ? "one" :
		     arena_printf(S->a, "%d", b->min_args),
		     b->min_args == 1 ? "" : "s");
	else if (b->min_args == b->max_args)
		serr(S, &n->loc, "%s() takes %d argument%s, got %u", b->name,
		     b->min_args, b->min_args == 1 ? "" : "s", got);
	else
		serr(S, &n->loc, "%s() takes %d %s %d arguments, got %u",
		     b->name, b->min_args,
		     b->max_args == b->min_args + 1 ? "or" : "to", b->max_args,
		     got);
	return true;
}

static const struct type *expr_call(struct sema *S, struct node *n)
{
	const struct builtin *b = builtin_find_call(n->name);
	struct node *a = n->args, *k;

	if (!b) {
		struct suggest sg;
		const char *hint;

		suggest_init(&sg, n->name);
		suggest_builtins(&sg, false);
		hint = suggest_best(&sg);

		if (hint)
			serr(S, &n->loc, "unknown function '%s'; did you mean "
			     "'%s'?", n->name, hint);
		else
			serr(S, &n->loc, "unknown function '%s'", n->name);
		for (k = a; k; k = k->next)
			expr(S, k);
		return n->type = &bad_type;
	}
	if (b->kind == BK_VAR) {
		serr(S, &n->loc, "'%s' is a variable, not a function", n->name);
		return n->type = &bad_type;
	}
	n->builtin = b;
	if (bad_arity(S, n, sema_count_args(a))) {
		for (k = a; k; k = k->next)
			if (!sema_map_mention(S, k))
				expr(S, k);
		return n->type = &bad_type;
	}
	if (!builtin_allowed(b, S->p->prov)) {
		not_here(S, n, b);
		for (k = a; k; k = k->next)
			if (!sema_map_mention(S, k))
				expr(S, k);
		return n->type = &bad_type;
	}
	if (b->kind == BK_AGG) {
		serr(S, &n->loc, "%s() is only allowed as the value of a map "
		     "assignment, as in @m[key] = %s(%s)", n->name, n->name,
		     b->max_args ? "x" : "");
		for (k = a; k; k = k->next)
			expr(S, k);
		return n->type = &bad_type;
	}
	assert(b->check && "a builtin function has a typing hook");
	return n->type = b->check(S, n);
}

/* ---- bpftrace's expressions: tuples, ++ and -- ---- */

/* (a, b, ...): each element held as a variable holds it. */
static const struct type *expr_tuple(struct sema *S, struct node *n)
{
	const struct type **el;
	struct node *a;
	unsigned k = sema_count_args(n->args), i;
	bool bad = false;

	el = arena_alloc(S->a, (k + 1) * sizeof(*el));
	for (a = n->args, i = 0; a; a = a->next, i++) {
		const struct type *t = expr(S, a);

		if (is_bad(t)) {
			bad = true;
			continue;
		}
		el[i] = sema_value_norm(S, t);
		if (!el[i]) {
			serr(S, &a->loc, "a tuple cannot hold %s",
			     tname(S, t));
			bad = true;
		}
	}
	return n->type = bad ? &bad_type : type_tuple(S->a, el, k);
}

/* t.N */
static const struct type *expr_tuple_index(struct sema *S, struct node *n)
{
	const struct type *t = expr(S, n->lhs);
	const struct member *m;
	uint64_t i = 0;

	if (is_bad(t))
		return n->type = &bad_type;
	if (!type_is_tuple(t)) {
		serr(S, &n->loc, "'.%" PRIu64 "' needs a tuple, got %s",
		     n->num, tname(S, t));
		return n->type = &bad_type;
	}
	for (m = type_members(t); m && i < n->num; m = m->next)
		i++;
	if (!m) {
		serr(S, &n->loc, "index %" PRIu64 " is out of range for %s "
		     "(%" PRIu64 " elements)", n->num, tname(S, t), i);
		return n->type = &bad_type;
	}
	return n->type = m->type;
}

/* The map that `lhs = ...`, `lhs += ...` or `lhs++` changes: its name and
 * keys; false (reported) when @lhs is no map. */
static bool map_lvalue(struct sema *S, struct node *lhs, const char **name,
		       struct node **keys)
{
	*keys = NULL;
	switch (lhs->kind) {
	case N_MAP:
		*name = lhs->name;
		*keys = lhs->args;
		return true;
	case N_IDENT:
		*name = lhs->name;
		if (resolve_var(S, lhs, lhs->name)) {
			serr(S, &lhs->loc, "cannot assign to %s variable '%s'",
			     lhs->builtin ? "builtin" : "provider", lhs->name);
			return false;
		}
		return true;
	case N_INDEX:
		if (!index_is_map(S, lhs)) {
			expr(S, lhs->lhs);
			serr(S, &lhs->loc, "cannot assign to an element of '%s'",
			     lhs->lhs->kind == N_IDENT ? lhs->lhs->name :
			     "this expression");
			return false;
		}
		*name = lhs->lhs->name;
		*keys = lhs->args;
		return true;
	default:
		serr(S, &lhs->loc, "only maps and variables can be assigned "
		     "to");
		return false;
	}
}

/* A map changed in place (`@m[k]++`, `@m[k] += v`): written with a value
 * of type @val; the map's value type (NULL after an error). */
static const struct type *map_update(struct sema *S, struct node *lhs,
				     const char *name, struct node *keys,
				     const struct type *val,
				     const struct loc *at)
{
	sema_map_use(S, lhs, name, keys, USE_WRITE, MAP_PLAIN, val, at);
	if (lhs->kind == N_INDEX) {
		lhs->lhs->map = lhs->map;
		lhs->lhs->type = lhs->type;
	}
	return is_bad(lhs->type) ? NULL : lhs->type;
}

/* ++x, x++, --x, x--: of an integer (or pointer) variable or map value */
static const struct type *expr_incdec(struct sema *S, struct node *n)
{
	struct node *lhs = n->lhs, *keys;
	const struct type *t, *known;
	const char *name;

	if (lhs->kind == N_VAR) {
		t = sema_var_read(S, lhs);
	} else {
		if (!map_lvalue(S, lhs, &name, &keys))
			return n->type = &bad_type;
		known = sema_map_known_val(S, name);
		t = map_update(S, lhs, name, keys, known && type_is_int(known) ?
			       known : &type_s64, &n->loc);
	}
	if (!t || is_bad(t))
		return n->type = &bad_type;
	if (!type_is_scalar(t)) {
		serr(S, &n->loc, "'%s' needs an integer, got %s",
		     incdec_str(n->op), tname(S, t));
		return n->type = &bad_type;
	}
	return n->type = t;
}

static const struct type *expr(struct sema *S, struct node *n)
{
	n->is_const = false;
	n->cval = 0;
	switch (n->kind) {
	case N_NUM:
		return expr_num(S, n);
	case N_STR:
		return n->type = type_string(S->a, n->len + 1);
	case N_IDENT:
		return expr_ident(S, n);
	case N_MAP:
		sema_map_use(S, n, n->name, n->args, USE_READ, MAP_PLAIN, NULL,
			NULL);
		return n->type;
	case N_UNARY:
		return expr_unary(S, n);
	case N_BINARY:
		return expr_binary(S, n);
	case N_COND:
		return expr_cond(S, n);
	case N_MEMBER:
		return expr_member(S, n);
	case N_INDEX:
		return expr_index(S, n);
	case N_CALL:
		return expr_call(S, n);
	case N_VAR:
		return sema_var_read(S, n);
	case N_POSITIONAL:
		return sema_positional(S, n);
	case N_PARAMCOUNT:
		return sema_paramcount(S, n);
	case N_INCDEC:
		return expr_incdec(S, n);
	case N_TUPLE:
		return expr_tuple(S, n);
	case N_TUPLE_INDEX:
		return expr_tuple_index(S, n);
	case N_CAST:
		return n->type = sema_cast(S, n);
	case N_SIZEOF:
		return n->type = sema_sizeof(S, n);
	case N_OFFSETOF:
		return n->type = sema_offsetof(S, n);
	default:
		break;
	}
	serr(S, &n->loc, "a statement is not an expression");
	return n->type = &bad_type;
}

/* ---- statements ----
 * Statements have no type (NULL); only expressions do. */

/* The value of `m[k] = rhs`: aggregations give the map its kind. */
static const struct type *assign_value(struct sema *S, struct node *rhs,
				       enum map_kind *kind)
{
	const struct builtin *b = rhs->kind == N_CALL ?
				  builtin_find_call(rhs->name) : NULL;
	const struct type *t;
	bool bad;

	*kind = MAP_PLAIN;
	if (!b || b->kind != BK_AGG) {
		t = expr(S, rhs);
		if (t->kind == T_VOID) {
			serr(S, &rhs->loc, "%s() has no value",
			     rhs->kind == N_CALL ? rhs->name : "this");
			return &bad_type;
		}
		return t;
	}
	rhs->builtin = b;
	rhs->is_const = false;
	*kind = b->map_kind;
	bad = bad_arity(S, rhs, sema_count_args(rhs->args));
	if (!bad && !builtin_allowed(b, S->p->prov)) {
		not_here(S, rhs, b);
		bad = true;
	}
	if (bad) {
		struct node *k;

		for (k = rhs->args; k; k = k->next)
			expr(S, k);
		return rhs->type = &bad_type;
	}
	return rhs->type = b->check(S, rhs);
}

static void stmt_assign(struct sema *S, struct node *n)
{
	struct node *lhs = n->lhs, *keys = NULL;
	const struct type *val;
	enum map_kind kind;
	const char *name;

	if (lhs->kind == N_VAR) {
		val = assign_value(S, n->rhs, &kind);
		if (kind != MAP_PLAIN) {
			serr(S, &n->rhs->loc, "%s() makes a map: assign it to "
			     "one, as in @m = %s(...)", n->rhs->name,
			     n->rhs->name);
			val = &bad_type;
		}
		sema_var_assign(S, lhs, val, &n->rhs->loc);
		return;
	}
	if (!map_lvalue(S, lhs, &name, &keys)) {
		assign_value(S, n->rhs, &kind);
		return;
	}
	val = assign_value(S, n->rhs, &kind);
	sema_map_use(S, lhs, name, keys, USE_WRITE, kind, val, &n->rhs->loc);
	if (lhs->kind == N_INDEX) {
		lhs->lhs->map = lhs->map;
		lhs->lhs->type = lhs->type;
	}
	if (kind != MAP_PLAIN && n->rhs->builtin->map_params && !is_bad(val))
		sema_map_params(S, lhs->map, n->rhs);
}

/* The type of `a op b` for a compound assignment, NULL after an error
 * (reported at @n). */
static const struct type *opassign_type(struct sema *S, struct node *n,
					const struct type *l,
					const struct type *r)
{
	struct node *rhs = n->rhs;

	if (is_bad(l) || is_bad(r))
		return NULL;
	if (l->kind == T_PTR && type_is_int(r) &&
	    (n->op == B_ADD || n->op == B_SUB))
		return l;
	if (!type_is_int(l) || !type_is_int(r)) {
		serr(S, &n->loc, "invalid operands to '%s=': %s and %s",
		     binop_str(n->op), tname(S, l), tname(S, r));
		return NULL;
	}
	if ((n->op == B_SHL || n->op == B_SHR) && rhs->is_const &&
	    (rhs->cval < 0 || rhs->cval >= 64)) {
		serr(S, &rhs->loc, "shift count %" PRId64 " is out of range "
		     "(0 to 63)", rhs->cval);
		return NULL;
	}
	if ((n->op == B_DIV || n->op == B_MOD) && rhs->is_const &&
	    !rhs->cval) {
		serr(S, &rhs->loc, "%s by zero", n->op == B_DIV ? "division" :
		     "modulo");
		return NULL;
	}
	if (n->op == B_SHL || n->op == B_SHR)
		return promote(l);
	return arith(l, r);
}

/* lhs op= rhs: a variable keeps its type, a map's value takes the
 * result's */
static void stmt_opassign(struct sema *S, struct node *n)
{
	struct node *lhs = n->lhs, *keys;
	const struct type *r = expr(S, n->rhs), *l, *known;
	const char *name;

	if (lhs->kind == N_VAR) {
		l = sema_var_read(S, lhs);
		opassign_type(S, n, l, r);
		return;
	}
	if (!map_lvalue(S, lhs, &name, &keys))
		return;
	known = sema_map_known_val(S, name);
	l = known && type_is_int(known) ? known : &type_s64;
	l = opassign_type(S, n, l, r);
	if (l)
		map_update(S, lhs, name, keys, l, &n->loc);
	else
		map_update(S, lhs, name, keys, &bad_type, &n->loc);
}

/* unroll (N): a constant count, 1 to 100 as in bpftrace */
static void stmt_unroll(struct sema *S, struct node *n)
{
	const struct type *t = expr(S, n->cond);

	if (!is_bad(t) && (!type_is_int(t) || !n->cond->is_const))
		serr(S, &n->cond->loc, "unroll needs a constant count, as in "
		     "unroll(4)");
	else if (!is_bad(t) && (n->cond->cval < 1 || n->cond->cval > 100))
		serr(S, &n->cond->loc, "unroll's count must be between 1 and "
		     "100, got %" PRId64, n->cond->cval);
	stmt(S, n->lhs);
}

static void stmt_delete(struct sema *S, struct node *n)
{
	struct node *lhs = n->lhs;

	if (lhs->kind == N_MAP) {
		sema_map_use(S, lhs, lhs->name, lhs->args, USE_DELETE, MAP_PLAIN,
			NULL, NULL);
		return;
	}
	if (lhs->kind == N_INDEX && index_is_map(S, lhs) &&
	    sema_is_assigned(S, lhs->lhs->name)) {
		sema_map_use(S, lhs, lhs->lhs->name, lhs->args, USE_DELETE,
			MAP_PLAIN, NULL, NULL);
		lhs->lhs->map = lhs->map;
		lhs->lhs->type = lhs->type;
		return;
	}
	if (sema_map_mention(S, lhs)) {
		sema_map_use(S, lhs, lhs->name, NULL, USE_DELETE, MAP_PLAIN, NULL,
			NULL);
		return;
	}
	serr(S, &lhs->loc, "delete needs a map element, as in delete @m[key]");
}

static void stmt(struct sema *S, struct node *n)
{
	struct node *c;

	switch (n->kind) {
	case N_BLOCK:
		for (c = n->body; c; c = c->next)
			stmt(S, c);
		break;
	case N_IF:
		check_cond(S, n->cond, "an if condition");
		if (n->lhs)
			stmt(S, n->lhs);
		if (n->rhs)
			stmt(S, n->rhs);
		break;
	case N_EXPR:
		expr(S, n->lhs);
		break;
	case N_ASSIGN:
		stmt_assign(S, n);
		break;
	case N_DELETE:
		stmt_delete(S, n);
		break;
	case N_OPASSIGN:
		stmt_opassign(S, n);
		break;
	case N_WHILE:
		check_cond(S, n->cond, "a while condition");
		S->loops++;
		stmt(S, n->lhs);
		S->loops--;
		break;
	case N_UNROLL:
		stmt_unroll(S, n);
		break;
	case N_BREAK:
	case N_CONTINUE:
		if (!S->loops)
			serr(S, &n->loc, "%s outside of a while loop",
			     n->kind == N_BREAK ? "break" : "continue");
		break;
	case N_RETURN:
		break;
	default:
		expr(S, n);
		break;
	}
}

const struct type *sema_binop_type(const struct node *n)
{
	const struct type *l = n->lhs->type, *r = n->rhs->type;

	assert(n->kind == N_BINARY && l && r && "a typed binary operator");
	switch ((enum binop)n->op) {
	case B_LAND:
	case B_LOR:
		return NULL;
	case B_SHL:
	case B_SHR:
		return promote(l);
	default:
		break;
	}
	if (type_is_string(l) && type_is_string(r))
		return NULL;
	if (type_is_int(l) && type_is_int(r))
		return arith(l, r);
	/* pointer arithmetic and comparisons: addresses */
	return &type_u64;
}

/* ---- the pass ---- */

/* Names assigned anywhere as `x = v` or `x[k] = v`: these are plain maps
 * wherever they are not variables, reads included. */
static int assigned_visit(const struct node *n, void *ctx)
{
	struct sema *S = ctx;
	const struct node *l = n->lhs;

	if (n->kind != N_ASSIGN && n->kind != N_OPASSIGN &&
	    n->kind != N_INCDEC)
		return 0;
	if (l->kind == N_IDENT)
		sema_add_assigned(S, l->name);
	else if (l->kind == N_INDEX && l->lhs->kind == N_IDENT)
		sema_add_assigned(S, l->lhs->name);
	return 0;
}

static void walk(struct sema *S)
{
	struct probe *p;

	S->cur = arena_alloc(S->a, (S->sigcap ? S->sigcap : 1) *
			     sizeof(*S->cur));
	S->vars_changed = false;
	for (p = S->s->probes; p; p = p->next) {
		S->p = p;
		sema_vars_begin(S, p);
		if (p->pred)
			check_cond(S, p->pred, "a predicate");
		if (p->body)
			stmt(S, p->body);
		sema_vars_end(S, p);
	}
	S->p = NULL;
}

/* Sema's guarantee to lowering, checked: with nothing reported, no
 * expression is left with the quiet type of a reported mistake.  (One was:
 * a map whose type hung on itself, and lowering asserted.) */
static int typed_visit(const struct node *n, void *ctx)
{
	struct sema *S = ctx;

	if (!is_bad(n->type))
		return 0;
	serr(S, &n->loc, "cannot work out the type of this expression");
	return 1;
}

int sema_script(struct script *s, struct diag *d)
{
	struct sema S = {
		.s = s,
		.d = d,
		.a = s->arena,
		.str_size = s->opts.str_size ? s->opts.str_size :
			    SEMA_DEFAULT_STR,
	};
	struct probe *p;
	unsigned i;

	for (p = s->probes; p; p = p->next)
		ast_visit(p->body, assigned_visit, &S);
	sema_sig_reserve(&S);
	/* written C types report their own problems, once */
	sema_resolve_ctypes(&S);

	S.quiet = true;
	/* A walk may settle only one more map of a chain (`c = b; b = a;
	 * a = "x"` takes three), so the bound grows with the maps; it only
	 * stops a signature that never settles (which is then an error). */
	for (i = 0; i < SEMA_MAX_WALKS + 2 * S.nsig; i++) {
		walk(&S);
		if (sema_walk_stable(&S) && !S.vars_changed)
			break;
		S.known = S.cur;
		S.cur = NULL;
		/* walk() allocates cur at nsig; a walk that created maps
		 * grew known already through sema_sig_reserve() */
	}
	S.quiet = false;
	walk(&S);
	/* The reporting walk must find what its reads assumed: a map whose
	 * type keeps changing (`x = x ? "a" : "b"` is a string only if it
	 * is not) would give lowering reads and writes of different types. */
	for (i = 0; !S.errors && i < S.nsig; i++) {
		const struct msig *c = &S.cur[i];

		if (S.s->maps[i]->kind < MAP_EVENTS &&
		    !sema_sig_equal(c, &S.known[i]))
			serr(&S, c->val ? &c->val_loc : &c->kind_loc,
			     "map %s: its type depends on its own value and "
			     "never settles", S.s->maps[i]->name);
	}
	for (p = s->probes; p && !S.errors && S.vars_changed; p = p->next)
		for (i = 0; i < p->nvars; i++)
			serr(&S, &p->vars[i]->loc, "variable %s: its type "
			     "depends on its own value and never settles",
			     p->vars[i]->name);
	for (p = s->probes; p && !S.errors && !S.ctype_failed; p = p->next)
		if (!ast_visit(p->pred, typed_visit, &S))
			ast_visit(p->body, typed_visit, &S);
	if (S.errors || S.ctype_failed)
		return -EINVAL;
	sema_publish_maps(&S);
	return 0;
}
