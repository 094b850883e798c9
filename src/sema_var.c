/* sema_var.c - scratch variables ($x) and positional parameters ($1, $#).
 *
 * Input: the mentions sema meets while it walks one probe: reads and
 * assignments of $x, positional parameters.  Output: each probe's variables
 * (probe.vars) with the type unified over all their assignments, every
 * N_VAR's var and type, and the positional parameters as constants.
 *
 * A variable belongs to its probe and is typed by its assignments, as in
 * bpftrace: reading one before any assignment (in the text) is an error,
 * and so is assigning it a value of another kind.  Like maps' types,
 * variables' types may widen during a walk (`$s = "ab"; ...; $s = "abcd"`),
 * so reads see the previous walk's type and sema walks again until
 * nothing changes (sema.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "script.h"
#include "sema.h"
#include "type.h"

#define SEMA_MAX_VAR	256	/* bytes of a memory-valued variable */

const struct type *sema_value_norm(struct sema *S, const struct type *t)
{
	if (sema_is_bad(t))
		return NULL;
	switch (t->kind) {
	case T_INT:
		return type_with_fmt(sema_arena(S), type_int(8, t->is_signed),
				     t->fmt);
	case T_PTR:
		return t;
	case T_ARRAY:
	case T_STRUCT:
		return t->size ? t : NULL;
	default:
		return NULL;
	}
}

/* The slot of @name in the index: its variable's, or the empty one where
 * it would go.  FNV-1a, linear probing; the index is at most half full. */
static struct var **var_slot(struct sema *S, const char *name)
{
	uint32_t h = 2166136261u;
	const char *c;
	unsigned i;

	for (c = name; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	for (i = h & (S->var_cap - 1); S->var_index[i];
	     i = (i + 1) & (S->var_cap - 1))
		if (!strcmp(S->var_index[i]->name, name))
			break;
	return &S->var_index[i];
}

/* An index for @n variables and more: twice the room, at least 16. */
static void var_index_build(struct sema *S, struct probe *p, unsigned n)
{
	unsigned i;

	S->var_cap = 16;
	while (S->var_cap < 2 * n + 2)
		S->var_cap *= 2;
	S->var_index = arena_alloc(sema_arena(S),
				   S->var_cap * sizeof(*S->var_index));
	for (i = 0; i < p->nvars; i++)
		*var_slot(S, p->vars[i]->name) = p->vars[i];
}

void sema_vars_begin(struct sema *S, struct probe *p)
{
	unsigned i;

	for (i = 0; i < p->nvars; i++) {
		p->vars[i]->cur = NULL;
		p->vars[i]->assigned = false;
	}
	var_index_build(S, p, p->nvars);
}

void sema_vars_end(struct sema *S, struct probe *p)
{
	unsigned i;

	for (i = 0; i < p->nvars; i++) {
		struct var *v = p->vars[i];

		if (!v->cur)
			continue;	/* its assignments were all in error */
		if (!v->type || !type_equal(v->type, v->cur))
			S->vars_changed = true;
		v->type = v->cur;
	}
}

static struct var *var_get(struct sema *S, struct node *n)
{
	struct probe *p = S->p;
	struct var **slot = var_slot(S, n->name), *v = *slot;

	if (v)
		return v;
	v = arena_alloc(S->a, sizeof(*v));
	v->id = p->nvars;
	v->name = n->name;
	v->loc = n->loc;
	/* the array and the index double as they fill: linear in all */
	if (!(p->nvars & (p->nvars - 1)))
		p->vars = arena_grow(S->a, p->vars, p->nvars * sizeof(*p->vars),
				     (p->nvars ? 2 * p->nvars : 1) *
				     sizeof(*p->vars));
	p->vars[p->nvars++] = v;
	if (2 * p->nvars + 2 > S->var_cap)
		var_index_build(S, p, p->nvars);
	else
		*slot = v;
	return v;
}

const struct type *sema_var_read(struct sema *S, struct node *n)
{
	struct var *v = *var_slot(S, n->name);

	n->var = v;
	if (!v || !v->assigned) {
		sema_error(S, &n->loc, "undefined variable %s: assign it "
			   "before reading it, as in %s = 0", n->name,
			   n->name);
		return n->type = sema_bad();
	}
	n->type = v->type ? v->type : v->cur;
	return n->type ? n->type : (n->type = sema_bad());
}

void sema_var_assign(struct sema *S, struct node *n, const struct type *t,
		     const struct loc *at)
{
	struct var *v = var_get(S, n);
	const struct type *norm, *u;

	n->var = v;
	v->assigned = true;
	if (sema_is_bad(t)) {
		n->type = v->type ? v->type : sema_bad();
		return;
	}
	/* an integer keeps its width, as in bpftrace: bswap() and sizeof
	 * of `$dport = $sk->__sk_common.skc_dport` (a u16) are a u16's;
	 * assignments of other widths widen it (sema_value_unify()) */
	norm = t->kind == T_INT ? t : sema_value_norm(S, t);
	if (!norm) {
		sema_error(S, at, "cannot store %s in variable %s",
			   sema_type_name(S, t), n->name);
		n->type = sema_bad();
		return;
	}
	if (norm->size > SEMA_MAX_VAR) {
		sema_error(S, at, "%s is too large for variable %s (%u bytes, "
			   "at most %d)", sema_type_name(S, t), n->name,
			   norm->size, SEMA_MAX_VAR);
		n->type = sema_bad();
		return;
	}
	if (!v->cur) {
		v->cur = norm;
		v->cur_loc = *at;
	} else if ((u = sema_value_unify(S, v->cur, norm))) {
		v->cur = u;
	} else {
		sema_error(S, at, "type mismatch for %s: %s here, %s at %s",
			   n->name, sema_type_name(S, t),
			   sema_type_name(S, v->cur),
			   sema_loc_str(S, &v->cur_loc));
	}
	n->type = v->type ? v->type : v->cur;
}

/* ---- positional parameters ---- */

static const char *param(const struct sema *S, uint64_t i)
{
	const struct script_opts *o = &S->s->opts;

	return i >= 1 && i <= o->nparams ? o->params[i - 1] : NULL;
}

/* An integer as bpftrace reads one: decimal, 0x hex or 0 octal, signed. */
static bool param_int(const char *t, int64_t *v)
{
	char *end;

	errno = 0;
	if (*t == '-')
		*v = strtoll(t, &end, 0);
	else
		*v = (int64_t)strtoull(t, &end, 0);
	return *t && !*end && !errno;
}

const struct type *sema_positional(struct sema *S, struct node *n)
{
	const char *t = param(S, n->num);
	int64_t v = 0;

	if (!n->num) {
		sema_error(S, &n->loc, "$0 is no positional parameter: they "
			   "count from $1");
		return n->type = sema_bad();
	}
	if (t && !param_int(t, &v)) {
		sema_error(S, &n->loc, "$%" PRIu64 " is used as a number but "
			   "is \"%s\"; use str($%" PRIu64 ")", n->num, t,
			   n->num);
		return n->type = sema_bad();
	}
	/* a missing parameter is 0, as in bpftrace */
	n->is_const = true;
	n->cval = v;
	return n->type = &type_s64;
}

const struct type *sema_positional_str(struct sema *S, struct node *n,
				       unsigned max)
{
	const char *t;
	size_t len;

	if (n->kind != N_POSITIONAL || !n->num) {
		sema_error(S, &n->loc, "not a positional parameter");
		return n->type = sema_bad();
	}
	t = param(S, n->num);
	if (!t)
		t = "";	/* missing: "" */
	len = strlen(t);
	if (max && len > max)
		len = max;
	if (len > 65534)
		len = 65534;
	n->str = arena_strndup(sema_arena(S), t, len);
	n->len = (unsigned)len;
	n->is_const = false;
	return n->type = type_string(sema_arena(S), n->len + 1);
}

const struct type *sema_paramcount(struct sema *S, struct node *n)
{
	n->is_const = true;
	n->cval = S->s->opts.nparams;
	return n->type = &type_s64;
}
