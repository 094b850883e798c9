/* sema.h - name resolution, type inference, checks and constant folding.
 *
 * Requires: s->probes expanded (each probe has its own AST copy and its
 * provider's context ready for resolve()).
 * Guarantees, when it returns 0: every expression node has a type; every
 * N_IDENT/N_CALL that names a builtin has node->builtin set; every provider
 * variable has node->pvar; every map mention has node->map, and each map's
 * kind, key types and value type are unified across all probes; constant
 * subexpressions have is_const/cval.  Otherwise it has reported every error it
 * found and returns -EINVAL.
 */
#ifndef SPRY_SEMA_H
#define SPRY_SEMA_H

#include "diag.h"

struct script;
struct node;
struct type;

/* Builtin variables and functions, available in every probe. */
#define BUILTINS(X)							\
	/* variables */							\
	X(PID,      "pid",      0)	/* u32 tgid */			\
	X(KPID,     "kpid",     0)	/* u32 thread id; alias tid */	\
	X(UID,      "uid",      0)					\
	X(GID,      "gid",      0)					\
	X(COMM,     "comm",     0)	/* char[16]; alias execname */	\
	X(CPU,      "cpu",      0)	/* u32 */			\
	X(TIME,     "time",     0)	/* u64 ns, monotonic; alias nsecs */ \
	X(WALLTIME, "walltime", 0)	/* type_walltime */		\
	/* functions (variadic: -1) */					\
	X(PRINT,    "print",   -1)					\
	X(PRINTF,   "printf",  -1)					\
	X(STR,      "str",     -1)	/* str(p [, n]) */		\
	X(UPTR,     "uptr",     1)					\
	X(MEM,      "mem",      2)					\
	X(STRCMP,   "strcmp",   2)					\
	X(EXIT,     "exit",     1)	/* exit([code]) */		\
	X(CLEAR,    "clear",    1)					\
	X(COUNT,    "count",    0)					\
	X(SUM,      "sum",      1)					\
	X(QUANTIZE, "quantize", 1)					\
	X(DYN,      "dyn",      1)	/* __data_loc field -> string */

enum builtin {
	BI_NONE,
#define X(id, name, nargs) BI_##id,
	BUILTINS(X)
#undef X
	BI_COUNT_
};

const char *builtin_name(enum builtin b);

int sema_script(struct script *s, struct diag *d);

/* For lowering: the 64-bit integer type in which the operands of N_BINARY @n
 * are computed, so whether a comparison, division, modulo or right shift is
 * signed (comparisons have type s32 whatever their operands).  Pointers count
 * as u64.  NULL where no integer operation happens: && and || (truth values),
 * == and != between strings (a byte compare). */
const struct type *sema_binop_type(const struct node *n);

#endif
