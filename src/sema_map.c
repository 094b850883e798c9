/* sema_map.c - sema's maps: their signatures and how mentions unify them.
 *
 * Input: every mention of a map sema meets while it walks the probes (a
 * read, a write with the value's type and kind, a delete, a whole-map
 * argument).  Output: each map's signature (kind, key types, value type),
 * unified over all probes, with the mention that set each part for error
 * messages; at the end, published into the script's maps.  sema.c's
 * header comment tells how the walks converge.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "builtin.h"
#include "names.h"
#include "script.h"
#include "sema.h"
#include "type.h"

static struct msig *sig_grow(struct sema *S, struct msig *old, unsigned n)
{
	return arena_grow(S->a, old, S->nsig * sizeof(*old), n * sizeof(*old));
}

/* One signature per map, in both walks' arrays.  Maps appear one at a time
 * as the first walk meets them: the room doubles, or 10^4 maps would copy
 * the arrays 10^4 times (GBs of arena). */
void sema_sig_reserve(struct sema *S)
{
	unsigned n = S->s->nmaps;

	if (n <= S->nsig)
		return;
	if (n > S->sigcap) {
		unsigned cap = 2 * S->sigcap > n ? 2 * S->sigcap : n;

		S->cur = sig_grow(S, S->cur, cap);
		S->known = sig_grow(S, S->known, cap);
		S->sigcap = cap;
	}
	S->nsig = n;
}

bool sema_is_assigned(struct sema *S, const char *name)
{
	return names_get(&S->assigned_set, name) != NULL;
}

static struct map *map_get(struct sema *S, const char *name, struct loc loc)
{
	struct map *m = script_map_find(S->s, name);

	if (!m)
		m = script_map_add(S->s, name, loc, MAP_PLAIN);
	sema_sig_reserve(S);
	return m;
}

/* "a value", or the aggregation that makes a map of this kind. */
const char *sema_kind_str(struct sema *S, enum map_kind k)
{
	const struct builtin *const *b;

	if (k == MAP_PLAIN)
		return "a value";
	for (b = builtins; *b; b++)
		if ((*b)->kind == BK_AGG && (*b)->map_kind == k)
			return arena_printf(S->a, "%s()", (*b)->name);
	return "an internal map";
}

bool sema_kind_is_agg(enum map_kind k)
{
	return k != MAP_PLAIN && k < MAP_EVENTS;
}

/* How a value is stored in a map: ints (and pointers, as addresses) in 8
 * bytes keeping signedness and print format, strings as they are.  NULL if
 * it cannot be stored. */
const struct type *sema_map_norm(struct sema *S, const struct type *t)
{
	/* formats with arguments (a stack's frames, a time's format) and
	 * bytes that print as text (ntop(), buf()) are kept whole */
	if ((t->kind == T_INT && (t->frames || t->timefmt)) ||
	    (t->kind == T_ARRAY && t->fmt))
		return t;
	if ((t->kind == T_INT || t->kind == T_PTR) && t->space == AS_USER) {
		/* still a user address: str(@filename[tid]) of a syscall's
		 * argument (opensnoop, statsnoop) or of a uprobe's arg0
		 * (gethostlatency) reads user memory */
		struct type *u = arena_alloc(S->a, sizeof(*u));

		*u = *(t->kind == T_PTR ? &type_u64 :
		       type_with_fmt(S->a, type_int(8, t->is_signed), t->fmt));
		u->space = AS_USER;
		return u;
	}
	if (t->kind == T_INT)
		return type_with_fmt(S->a, type_int(8, t->is_signed), t->fmt);
	if (t->kind == T_PTR)
		return &type_u64;
	if (type_is_string(t) || type_is_tuple(t))
		return t;
	return NULL;
}

const struct type *sema_value_unify(struct sema *S, const struct type *o,
				    const struct type *n)
{
	const struct member *mo, *mn;
	const struct type **el;
	unsigned k = 0, i;

	if (type_equal(o, n))
		return o;
	if (o->kind == T_INT && n->kind == T_INT) {
		enum type_fmt f = o->fmt == n->fmt ? o->fmt : F_NONE;

		/* a stack id is no number to mix with others; stacks of other
		 * frame limits and times of other formats print otherwise */
		if (o->fmt != n->fmt && (type_is_stack(o) || type_is_stack(n)))
			return NULL;
		if (o->frames || n->frames || o->timefmt || n->timefmt)
			return NULL;
		return type_with_fmt(S->a, type_int(8, o->is_signed &&
						    n->is_signed), f);
	}
	if (type_is_string(o) && type_is_string(n))
		return n->len > o->len ? n : o;
	if (!type_is_tuple(o) || !type_is_tuple(n))
		return NULL;
	for (mo = type_members(o); mo; mo = mo->next)
		k++;
	el = arena_alloc(S->a, (k + 1) * sizeof(*el));
	for (mo = type_members(o), mn = type_members(n), i = 0; mo && mn;
	     mo = mo->next, mn = mn->next, i++) {
		el[i] = sema_value_unify(S, mo->type, mn->type);
		if (!el[i])
			return NULL;
	}
	if (mo || mn)
		return NULL;
	return type_tuple(S->a, el, k);
}

/* Unify @t, met at @loc, into *slot (set at *slot_loc); @what names the part
 * ("key 1", "value") for messages. */
static void unify(struct sema *S, const struct map *m, const struct type **slot,
		  struct loc *slot_loc, const struct type *t,
		  const struct loc *loc, const char *what)
{
	const struct type *n, *o = *slot;

	if (sema_is_bad(t))
		return;
	n = sema_map_norm(S, t);
	if (!n) {
		sema_error(S, loc, "map %s: cannot store %s as its %s", m->name,
			   sema_type_name(S, t), what);
		return;
	}
	if (!o) {
		*slot = n;
		*slot_loc = *loc;
		return;
	}
	if ((o = sema_value_unify(S, o, n))) {
		*slot = o;
		return;
	}
	o = *slot;
	sema_error(S, loc, "map %s: %s is %s here, %s at %s", m->name, what,
		   sema_type_name(S, t), sema_type_name(S, o),
		   sema_loc_str(S, slot_loc));
}

/* An assigned @-map whose name is close to @m's. */
static const char *suggest_map(struct sema *S, const struct map *m)
{
	struct suggest sg;
	unsigned i;

	suggest_init(&sg, m->name);
	for (i = 0; i < S->nsig; i++) {
		const struct map *o = S->s->maps[i];

		if (o != m && o->name[0] == '@' && S->known[i].kind_set)
			suggest_try(&sg, o->name);
	}
	return suggest_best(&sg);
}


/* A map mentioned at @n with key list @keys; for writes, the kind and the
 * value's type as stored.  Sets n->map and n->type. */
void sema_map_use(struct sema *S, struct node *n, const char *name,
		    struct node *keys, enum map_use use, enum map_kind kind,
		    const struct type *val, const struct loc *val_loc)
{
	struct map *m = map_get(S, name, n->loc);
	struct msig *c, *k;
	struct node *key;
	unsigned nkeys = 0, i;

	c = &S->cur[m->id];
	k = &S->known[m->id];
	n->map = m;

	for (key = keys; key; key = key->next) {
		const struct type *t = sema_expr(S, key);

		if (!sema_is_bad(t) && !sema_map_norm(S, t))
			sema_error(S, &key->loc, "cannot use %s as a map key",
				   sema_type_name(S, t));
		nkeys++;
	}

	if (use != USE_WHOLE) {
		if (!c->keys_set) {
			c->keys_set = true;
			c->nkeys = nkeys;
			c->nkeys_loc = n->loc;
			c->keys = arena_alloc(S->a, (nkeys + 1) *
					      sizeof(*c->keys));
			c->key_loc = arena_alloc(S->a, (nkeys + 1) *
						 sizeof(*c->key_loc));
		}
		if (c->nkeys != nkeys) {
			sema_error(S, &n->loc, "map %s: used with %u key%s "
				   "here, %u at %s", m->name, nkeys,
				   nkeys == 1 ? "" : "s", c->nkeys,
				   sema_loc_str(S, &c->nkeys_loc));
		} else {
			for (key = keys, i = 0; key; key = key->next, i++) {
				char what[32];

				/* a key that cannot be one was reported */
				if (!sema_map_norm(S, key->type))
					continue;
				snprintf(what, sizeof(what), "key %u", i + 1);
				unify(S, m, &c->keys[i], &c->key_loc[i],
				      key->type, &key->loc, what);
			}
		}
	}

	if (use == USE_WRITE) {
		if (!c->kind_set) {
			c->kind_set = true;
			c->kind = kind;
			c->kind_loc = *val_loc;
		} else if (c->kind != kind) {
			sema_error(S, val_loc, "map %s is assigned %s here, "
				   "%s at %s", m->name, sema_kind_str(S, kind),
				   sema_kind_str(S, c->kind),
				   sema_loc_str(S, &c->kind_loc));
			n->type = val;
			return;
		}
		unify(S, m, &c->val, &c->val_loc, val, val_loc, "value");
		n->type = k->val ? k->val : c->val ? c->val : sema_bad();
		return;
	}

	/* Reads see the previous walk's signature, complete over every
	 * probe; in the reporting walk that is the final one. */
	if (!k->kind_set) {
		if (!c->reported && !S->quiet) {
			const char *hint = suggest_map(S, m);

			if (hint)
				sema_error(S, &n->loc, "map %s is never "
					   "assigned; did you mean %s?",
					   m->name, hint);
			else
				sema_error(S, &n->loc, "map %s is never "
					   "assigned", m->name);
			c->reported = true;
		}
		n->type = use == USE_WHOLE ? &type_void : sema_bad();
		return;
	}
	if (use == USE_WHOLE) {
		n->type = &type_void;
		return;
	}
	if (use == USE_READ && sema_kind_is_agg(k->kind)) {
		sema_error(S, &n->loc, "cannot read %s map %s: aggregations "
			   "are printed, not read; print it instead",
			   sema_kind_str(S, k->kind), m->name);
		n->type = sema_bad();
		return;
	}
	/* Assigned, but only values whose type hangs on this map itself
	 * (`x = x + 1`): a missing value reads as 0.  Silently bad here
	 * would reach lowering with nothing reported (`x = str(p, x)`). */
	n->type = k->val ? k->val : &type_s64;
	if (use == USE_DELETE)
		n->type = &type_void;
}

void sema_map_params(struct sema *S, struct map *m, const struct node *call)
{
	struct msig *c = &S->cur[m->id];
	const struct node *a, *b;

	if (!c->params) {
		c->params = call;
		return;
	}
	if (c->params->builtin != call->builtin)
		return;	/* a kind mismatch, reported */
	for (a = c->params->args->next, b = call->args->next; a && b;
	     a = a->next, b = b->next)
		if (!a->is_const || !b->is_const || a->cval != b->cval) {
			sema_error(S, &call->loc, "map %s: %s() has other "
				   "parameters here than at %s", m->name,
				   call->name, sema_loc_str(S, &c->params->loc));
			return;
		}
}

const struct type *sema_map_known_val(struct sema *S, const char *name)
{
	const struct map *m = script_map_find(S->s, name);

	if (!m || m->id >= S->nsig || !S->known)
		return NULL;
	return S->known[m->id].kind_set ? S->known[m->id].val : NULL;
}

bool sema_sig_equal(const struct msig *a, const struct msig *b)
{
	unsigned i;

	if (a->kind_set != b->kind_set || a->kind != b->kind ||
	    a->keys_set != b->keys_set || a->nkeys != b->nkeys ||
	    !a->val != !b->val || (a->val && !type_equal(a->val, b->val)))
		return false;
	if (a->keys_set)
		for (i = 0; i < a->nkeys; i++)
			if (!a->keys[i] != !b->keys[i] ||
			    (a->keys[i] && !type_equal(a->keys[i], b->keys[i])))
				return false;
	return true;
}

void sema_add_assigned(struct sema *S, const char *name)
{
	if (sema_is_assigned(S, name))
		return;
	S->assigned = arena_append(S->a, S->assigned, S->nassigned,
				   sizeof(*S->assigned));
	S->assigned[S->nassigned++] = name;
	names_put(S->a, &S->assigned_set, name, (void *)name);
}

bool sema_walk_stable(struct sema *S)
{
	unsigned i;

	for (i = 0; i < S->nsig; i++)
		if (!sema_sig_equal(&S->cur[i], &S->known[i]))
			return false;
	return true;
}

void sema_publish_maps(struct sema *S)
{
	unsigned i, k;

	for (i = 0; i < S->nsig; i++) {
		struct map *m = S->s->maps[i];
		const struct msig *c = &S->cur[i];

		if (m->kind >= MAP_EVENTS)
			continue;
		m->kind = c->kind;
		m->nkeys = c->nkeys;
		m->keys = arena_alloc(S->a, (c->nkeys + 1) * sizeof(*m->keys));
		for (k = 0; k < c->nkeys; k++)
			m->keys[k] = c->keys[k];
		m->val = c->val;
		if (c->params && c->params->builtin->map_params)
			c->params->builtin->map_params(m, c->params);
	}
}

