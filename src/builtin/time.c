/* time.c - bpftrace's times: strftime(fmt, ns) and time([fmt]).
 *
 * Input: strftime() of a boot-time nanosecond count (nsecs) and a literal
 * format; time() as a statement, with an optional literal format.  Output:
 * for strftime() the count, typed to print through the format (type.h's
 * F_STRFTIME carries it: user space formats, bpftrace's %f included);
 * for time() an event (EV_TIME) whose record is its id alone: user space
 * prints the time at which it reads the record, as bpftrace does.
 * (A bare `time` is spry's clock, var.c: time(...) is the call.)
 */
#include "arena.h"
#include "ast.h"
#include "builtin.h"
#include "lower.h"
#include "script.h"
#include "sema.h"
#include "type.h"

/* ---- strftime(fmt, ns) ---- */

static const struct type *strftime_check(struct sema *S, struct node *n)
{
	const char *fmt = sema_literal(S, n, n->args, "format");
	struct node *ns = n->args->next;
	const struct type *t = sema_expr(S, ns);
	struct type *r;

	if (!fmt || sema_is_bad(t))
		return sema_bad();
	if (!type_is_int(t)) {
		sema_error(S, &ns->loc, "strftime() needs a time in ns since "
			   "boot (nsecs), got %s", sema_type_name(S, t));
		return sema_bad();
	}
	r = arena_alloc(sema_arena(S), sizeof(*r));
	*r = type_u64;
	r->fmt = F_STRFTIME;
	r->timefmt = fmt;
	return r;
}

static struct val strftime_lower(struct lower *L, struct node *n)
{
	return lower_int(L, n->args->next);
}

const struct builtin builtin_strftime = {
	.name = "strftime",
	.kind = BK_FUNC,
	.min_args = 2,
	.max_args = 2,
	.usage = "strftime(fmt, ns)",
	.help = "boot-time ns (nsecs) as the time of day, by strftime(3) fmt",
	.check = strftime_check,
	.lower_int = strftime_lower,
};

/* ---- time([fmt]) ---- */

static const struct type *time_check(struct sema *S, struct node *n)
{
	if (n->args)
		sema_literal(S, n, n->args, "format");
	return &type_void;
}

static bool time_lower(struct lower *L, struct node *call)
{
	lower_event(L, call, EV_TIME);
	return true;
}

const struct builtin builtin_time_call = {
	.name = "time",
	.kind = BK_EVENT,
	.min_args = 0,
	.max_args = 1,
	.usage = "time([fmt])",
	.help = "print the time of day by fmt (\"%H:%M:%S\\n\")",
	.check = time_check,
	.lower_stmt = time_lower,
};
