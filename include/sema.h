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
unsigned sema_count_args(const struct node *a);
/* Whether print() and %v can print a value of type @t. */
bool sema_printable(const struct type *t);

#endif
