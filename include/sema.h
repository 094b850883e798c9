/* sema.h - name resolution, type inference, checks and constant folding.
 *
 * Requires: s->probes expanded (each probe has its own AST copy and its
 * provider's context ready for resolve()).
 * Guarantees, when it returns 0: every expression node has a type; every
 * N_IDENT/N_CALL that names a builtin has node->builtin (its builtin.h row)
 * set, and the row allows the probe's provider; every provider
 * variable has node->pvar; every map mention has node->map, and each map's
 * kind, key types and value type are unified across all probes; constant
 * subexpressions have is_const/cval.  Otherwise it has reported every error it
 * found and returns -EINVAL.
 */
#ifndef SPRY_SEMA_H
#define SPRY_SEMA_H

#include <stdbool.h>

#include "diag.h"
#include "names.h"
#include "script.h"

struct arena;
struct script;
struct node;
struct type;

int sema_script(struct script *s, struct diag *d);

/* For lowering: the 64-bit integer type in which the operands of N_BINARY @n
 * are computed, so whether a comparison, division, modulo or right shift is
 * signed (comparisons have type s32 whatever their operands).  Pointers count
 * as u64.  NULL where no integer operation happens: && and || (truth values),
 * == and != between strings (a byte compare). */
const struct type *sema_binop_type(const struct node *n);

/* ---- the toolkit of builtins' typing hooks (builtin.h's `check`) ----
 * A hook gets the call (its arguments untyped, their count checked) and
 * returns the call's type.  It types each argument with sema_expr(),
 * reports each problem once at the argument's location with sema_error(),
 * and returns sema_bad() after an error or when an argument was bad
 * already (sema_is_bad(): reported before; stay quiet). */
struct sema;
const struct type *sema_expr(struct sema *S, struct node *n);
void sema_error(struct sema *S, const struct loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A note after the error just reported (quiet when that one was). */
void sema_note(struct sema *S, const struct loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The type of an expression whose mistake was reported. */
const struct type *sema_bad(void);
bool sema_is_bad(const struct type *t);
/* "u32", "char[16]", kept in the script's arena. */
const char *sema_type_name(struct sema *S, const struct type *t);
struct arena *sema_arena(const struct sema *S);
/* The default str() size (-s). */
unsigned sema_str_size(const struct sema *S);
/* A constant size argument @a of @call: 1 to 65535, else reported. */
bool sema_const_size(struct sema *S, struct node *call, struct node *a,
		     unsigned *size);
/* A map named as a whole (print(@m), clear(@m)): @m without keys, or a
 * keyless plain map's name; sema_whole_map() types it so and sets
 * call->map. */
bool sema_map_mention(struct sema *S, const struct node *a);
void sema_whole_map(struct sema *S, struct node *call, struct node *a);
/* The only argument of @call is a whole map (clear(@m), zero(@m)): typed
 * so, or reported ("zero() needs a map, as in zero(@m)").  type_void. */
const struct type *sema_map_arg(struct sema *S, struct node *call);
unsigned sema_count_args(const struct node *a);
/* Whether print() and %v can print a value of type @t. */
bool sema_printable(const struct type *t);
/* The probe being typed (its provider, program type, target) and the
 * script (options, the target's arch, the host's settings). */
struct probe *sema_probe(const struct sema *S);
struct script *sema_owner(const struct sema *S);
/* A string literal argument @a of @call (a symbol, a path, a format):
 * its text, or NULL after reporting "@call() needs a string literal as
 * its @what". */
const char *sema_literal(struct sema *S, struct node *call, struct node *a,
			 const char *what);
/* str($N [, n]): the positional parameter @n as a string literal of at
 * most @max characters (0: all); sets its type, str and len. */
const struct type *sema_positional_str(struct sema *S, struct node *n,
				       unsigned max);
/* Whether @name is a value in this probe (a builtin variable, a provider
 * variable or an assigned map) rather than, say, a type or a constant. */
bool sema_is_value_name(struct sema *S, const char *name);
/* The script's struct @name, else the kernel's (BTF); NULL, quietly, when
 * neither has it (curtask without BTF). */
const struct type *sema_kernel_record(struct sema *S, const char *name);
/* After an error that kernel types would have avoided: why BTF is
 * missing, if it is. */
void sema_note_btf(struct sema *S);

/* ---- between sema.c and sema_map.c: the pass's own state ----
 * (builtins' hooks use the toolkit above, never these) */

/* What sema knows about one map: each part with the mention that set it. */
struct msig {
	bool kind_set;
	enum map_kind kind;
	struct loc kind_loc;

	bool keys_set;
	unsigned nkeys;
	struct loc nkeys_loc;
	const struct type **keys;
	struct loc *key_loc;

	const struct type *val;
	struct loc val_loc;

	const struct node *params;	/* the aggregation call whose constant
					 * parameters the map keeps (lhist) */

	bool reported;		/* "never assigned" said once */
};

struct reported {
	struct reported *next;
	struct loc loc;
	const char *msg;
};

struct sema {
	struct script *s;
	struct diag *d;
	struct arena *a;
	struct probe *p;
	unsigned str_size;

	bool quiet;		/* a collecting walk: no messages */
	unsigned errors;	/* in the reporting walk */
	bool last_shown;	/* the last error was printed: notes follow */
	struct reported *reported;

	const char **assigned;	/* names assigned as plain maps */
	unsigned nassigned;
	struct names assigned_set;	/* the same, for lookups */

	struct msig *cur;	/* built by this walk */
	struct msig *known;	/* the previous walk's result: reads use it */
	unsigned nsig;		/* entries of both: one per map */
	unsigned sigcap;	/* ...and room for this many */

	bool vars_changed;	/* a scratch variable's type changed in this
				 * walk (sema_var.c) */
	struct var **var_index;	/* the current probe's variables by name
				 * (open addressing), var_cap slots */
	unsigned var_cap;
	unsigned loops;		/* while loops around this point */
	/* written C types, resolved once before the walks (sema_ctype.c) */
	struct ctmemo *ctmemo;
	size_t ctmemo_cap, ctmemo_n;
	bool ctype_failed;	/* one was not a type: reported */
};

enum map_use {
	USE_READ,	/* @m[k] in an expression */
	USE_WRITE,	/* @m[k] = v */
	USE_DELETE,	/* delete @m[k] */
	USE_WHOLE,	/* print(@m), clear(@m): the map itself */
};

const char *sema_loc_str(struct sema *S, const struct loc *l);
/* sema_map.c */
void sema_sig_reserve(struct sema *S);
bool sema_is_assigned(struct sema *S, const char *name);
void sema_add_assigned(struct sema *S, const char *name);
const char *sema_kind_str(struct sema *S, enum map_kind k);
bool sema_kind_is_agg(enum map_kind k);
/* How a value is stored in a map, or NULL if it cannot be. */
const struct type *sema_map_norm(struct sema *S, const struct type *t);
/* A map mentioned at @n with key list @keys; for writes, the kind and the
 * value's type as stored.  Sets n->map and n->type. */
void sema_map_use(struct sema *S, struct node *n, const char *name,
		  struct node *keys, enum map_use use, enum map_kind kind,
		  const struct type *val, const struct loc *val_loc);
bool sema_sig_equal(const struct msig *a, const struct msig *b);
/* `@m = call` of an aggregation with map parameters (builtin.h): they
 * must agree over every assignment to @m. */
void sema_map_params(struct sema *S, struct map *m, const struct node *call);
/* The value type the previous walk found for map @name, NULL if none. */
const struct type *sema_map_known_val(struct sema *S, const char *name);
/* The type that holds values of types @o and @n (ints widen to 64 bits,
 * strings to the longer, tuples element by element), NULL if none. */
const struct type *sema_value_unify(struct sema *S, const struct type *o,
				    const struct type *n);

/* sema_var.c: scratch variables and positional parameters */
/* Before and after walking probe @p: each walk retypes its variables;
 * sema_vars_end() sets S->vars_changed when a type changed. */
void sema_vars_begin(struct sema *S, struct probe *p);
void sema_vars_end(struct sema *S, struct probe *p);
/* A read of $x (N_VAR @n): its type, an error before any assignment. */
const struct type *sema_var_read(struct sema *S, struct node *n);
/* `$x = value` of type @t (as the value at @at) */
void sema_var_assign(struct sema *S, struct node *n, const struct type *t,
		     const struct loc *at);
/* $N (as an integer) and $# */
const struct type *sema_positional(struct sema *S, struct node *n);
const struct type *sema_paramcount(struct sema *S, struct node *n);
/* How a scratch variable or a tuple element holds a value of type @t:
 * integers as 64-bit ones; NULL when it cannot hold it. */
const struct type *sema_value_norm(struct sema *S, const struct type *t);
/* sema_ctype.c: the C side of expressions */
struct ctypes *sema_ctypes(struct sema *S);
/* Resolve every type the probes write, reporting those that are none. */
void sema_resolve_ctypes(struct sema *S);
const struct type *sema_cast(struct sema *S, struct node *n);
const struct type *sema_sizeof(struct sema *S, struct node *n);
const struct type *sema_offsetof(struct sema *S, struct node *n);
const struct type *sema_addr_of(struct sema *S, struct node *n);
/* An N_IDENT naming a constant (an enumerator, a #define, a uapi macro):
 * typed and folded, true; false when it names none. */
bool sema_named_const(struct sema *S, struct node *n);
/* Written as constants are, in capitals: worth "did you mean" among them. */
bool sema_looks_const(const char *name);
/* The type a value of type @t read at lvalue @n has: a pointer read from
 * user memory points into user memory. */
const struct type *sema_loaded(struct sema *S, const struct node *n,
			       const struct type *t);
void sema_unknown_field(struct sema *S, const struct loc *loc,
			const char *name, const struct type *st);
/* @st's fields are known; else reported at @loc. */
bool sema_record_complete(struct sema *S, const struct loc *loc,
			  const struct type *st);
/* Did this walk find every signature as the previous one? */
bool sema_walk_stable(struct sema *S);
void sema_publish_maps(struct sema *S);

#endif
