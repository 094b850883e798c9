/* builtin.h - the builtins: one table row each.
 *
 * Everything a script names that is neither a map nor a provider variable
 * is a builtin: variables (pid, comm), functions (str(p), strcmp(a, b)),
 * aggregations (count(), sum(x)) and event calls (printf(), exit()).  Each
 * is one `const struct builtin` row, defined with its hooks in one file of
 * src/builtin/ (one file per family), and listed once in builtins[]
 * (src/builtin/builtin.c), whose order is that of --help and of "did you
 * mean" suggestions.  Nothing else in the compiler lists builtins: sema
 * types them through `check` (or `type`), lowering calls their lowering hook,
 * --help prints `usage` and `help`.
 *
 * A row:
 *   name, aliases  exact-name matching ("tid" is kpid's alias)
 *   kind           what it is, which decides where it may appear and which
 *                  lowering hook it has (below)
 *   min/max_args   argument count (max -1: no limit); sema checks it and
 *                  words the error before `check` runs
 *   providers      NULL-terminated list of the providers whose probes may
 *                  use it; NULL: every provider
 *   usage, help    for --help: "str(p[, n])", "read a string ..."
 *   type           BK_VAR: its type, when fixed
 *   check          typing: type the arguments (sema_expr()), check them
 *                  (sema_error() at the argument's location), return the
 *                  result type (sema_bad() after an error).  Required for
 *                  BK_FUNC, BK_AGG and BK_EVENT; optional for BK_VAR
 *   stable         BK_VAR: the same value throughout one run of a program
 *                  (pid, cpu; not the clocks): read more than once, it is
 *                  computed once
 *   map_kind       BK_AGG: the kind of the map it is assigned to
 *   lower_int      integer-valued BK_VAR and BK_FUNC: the value, computed
 *                  with lower.h's toolkit
 *   lower_into     memory-valued (string, bytes) BK_VAR and BK_FUNC: write
 *                  the first @w bytes of the value into @d (the caller pads
 *                  up to d.size); @zero: bytes past a string's NUL must be
 *                  zero (a map key)
 *   lower_stmt     BK_EVENT: the statement; false when control does not
 *                  continue after it (exit())
 *   lower_agg      BK_AGG: update the map of `@m[k] = call` (@assign)
 *   map_params     BK_AGG whose arguments after the value are constants
 *                  every assignment to one map must repeat (lhist's
 *                  bounds): sema checks that they agree and calls it once
 *                  with the first such call to record them in the map
 * How a value prints is its type's: the `fmt` of the type `check` returns
 * (an enum type_fmt, type.h) names a row of output.c's out_fmts[].
 */
#ifndef SPRY_BUILTIN_H
#define SPRY_BUILTIN_H

#include <stdbool.h>
#include <stdio.h>

#include "script.h"

struct node;
struct type;
struct sema;
struct lower;
struct provider;
struct val;
struct dst;

enum builtin_kind {
	BK_VAR,		/* a value named without parentheses: pid, comm */
	BK_FUNC,	/* a value computed from arguments: str(p) */
	BK_AGG,		/* only as the value of a map assignment: count() */
	BK_EVENT,	/* a statement that sends a record: printf(), exit() */
};

struct builtin {
	const char *name;
	const char *const *aliases;
	enum builtin_kind kind;
	int min_args, max_args;
	const struct provider *const *providers;
	const char *usage;
	const char *help;

	const struct type *type;
	const struct type *(*check)(struct sema *S, struct node *call);
	bool stable;
	enum map_kind map_kind;

	struct val (*lower_int)(struct lower *L, struct node *n);
	void (*lower_into)(struct lower *L, struct node *n, struct dst d,
			   unsigned w, bool zero);
	bool (*lower_stmt)(struct lower *L, struct node *call);
	void (*lower_agg)(struct lower *L, struct node *assign,
			  struct node *call);
	void (*map_params)(struct map *m, const struct node *call);
};

/* NULL-terminated, in --help order: variables first. */
extern const struct builtin *const builtins[];
/* The row named @name or aliased so (a variable's first); NULL if none. */
const struct builtin *builtin_find(const char *name);
/* The row a call `@name(...)` means.  A variable and a function may share
 * a name (`time` is spry's clock, `time(fmt)` bpftrace's print of the
 * time; `kstack` and `kstack(perf, 3)`): the function's, else as
 * builtin_find(). */
const struct builtin *builtin_find_call(const char *name);
/* Whether @b may be used in a probe of @prov. */
bool builtin_allowed(const struct builtin *b, const struct provider *prov);
/* The --help section: one line per builtin, usage and help. */
void builtin_help(FILE *out);

/* Typing shared by rows of several families (event.c, unsafe.c):
 * a literal format and its arguments, checked as printf's (printf, cat,
 * system); and --unsafe, which system(), signal() and override() need
 * (false after saying so). */
const struct type *builtin_check_format(struct sema *S, struct node *call);
bool builtin_check_unsafe(struct sema *S, struct node *call);

/* Rows that lowering treats specially: comm's shared buffer (lower_mem.c)
 * and strcmp() == 0 compared like == (lower_int.c). */
extern const struct builtin builtin_comm, builtin_strcmp;

#endif
