/* event.c - builtins that send a record: printf(), print(), exit(), clear().
 *
 * Input: calls used as statements.  Output: their checks (printf's format
 * against its arguments, print()'s printable values, a map for clear() and
 * print(@m)) and, for lowering, one struct event per call site whose record
 * lower_event() builds and sends (layout.h has the record format); the
 * runtime formats EV_PRINTF and EV_PRINT records and acts on the others.
 */
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "builtin.h"
#include "lower.h"
#include "script.h"
#include "sema.h"
#include "type.h"

/* ---- printf(fmt, ...) ---- */

static bool is_conv_flag(char c)
{
	return c && strchr("-+ #0", c);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Check one conversion against its argument's type. */
static void check_conv(struct sema *S, char c, const char *spec,
		       struct node *a)
{
	const struct type *t = a->type;
	const char *tn;

	if (sema_is_bad(t))
		return;
	tn = sema_type_name(S, t);
	switch (c) {
	case 's':
		if (t->kind == T_ARRAY && t->base->kind == T_INT &&
		    t->base->size == 1)
			return;
		sema_error(S, &a->loc, "%s needs a string, got %s%s", spec, tn,
			   t->kind == T_PTR ? "; read it with str()" : "");
		return;
	case 'p':
		if (type_is_scalar(t))
			return;
		sema_error(S, &a->loc, "%s needs a pointer, got %s", spec, tn);
		return;
	case 'v':
		if (sema_printable(t))
			return;
		sema_error(S, &a->loc, "%s cannot print %s", spec, tn);
		return;
	default:
		if (type_is_int(t))
			return;
		sema_error(S, &a->loc, "%s needs an integer, got %s%s", spec, tn,
			   t->kind == T_PTR ? "; use %p" : "");
		return;
	}
}

/* printf's format: %[flags][width][.prec][len]conv with conv one of
 * d i o u x X c s p v, or %%; arguments checked in order. */
static void check_printf(struct sema *S, struct node *call)
{
	struct node *fmt = call->args, *a = fmt->next;
	const char *f = fmt->str;
	unsigned len = fmt->len, i, nconv = 0, nargs = sema_count_args(a);

	for (i = 0; i < len; i++) {
		unsigned start = i;
		const char *spec;

		if (f[i] != '%')
			continue;
		if (++i < len && f[i] == '%')
			continue;
		while (i < len && is_conv_flag(f[i]))
			i++;
		while (i < len && is_digit(f[i]))
			i++;
		if (i < len && f[i] == '.')
			for (i++; i < len && is_digit(f[i]); i++)
				;
		while (i < len && f[i] && strchr("hlzjt", f[i]))
			i++;
		if (i >= len) {
			sema_error(S, &fmt->loc, "incomplete conversion '%.*s' "
				   "at the end of the format",
				   (int)(len - start), f + start);
			return;
		}
		spec = arena_strndup(sema_arena(S), f + start, i - start + 1);
		if (f[i] == '*') {
			sema_error(S, &fmt->loc, "'*' widths are not supported "
				   "in printf formats");
			return;
		}
		if (!f[i] || !strchr("diouxXcspv", f[i])) {
			sema_error(S, &fmt->loc, "unknown conversion '%s' in "
				   "the format", spec);
			return;
		}
		nconv++;
		if (a) {
			check_conv(S, f[i], spec, a);
			a = a->next;
		}
	}
	if (nconv > nargs)
		sema_error(S, &fmt->loc, "the format has %u conversion%s but "
			   "%u argument%s follow%s", nconv,
			   nconv == 1 ? "" : "s", nargs, nargs == 1 ? "" : "s",
			   nargs == 1 ? "s" : "");
	else if (a)
		sema_error(S, &a->loc, "argument %u of printf() has no "
			   "conversion in the format", nconv + 2);
}

static const struct type *printf_check(struct sema *S, struct node *n)
{
	struct node *a = n->args, *k;

	if (a->kind != N_STR) {
		sema_error(S, &a->loc, "printf() needs a literal format "
			   "string");
		for (k = a; k; k = k->next)
			sema_expr(S, k);
		return &type_void;
	}
	for (k = a; k; k = k->next)
		sema_expr(S, k);
	check_printf(S, n);
	return &type_void;
}

static bool printf_lower(struct lower *L, struct node *call)
{
	lower_event(L, call, EV_PRINTF);
	return true;
}

const struct builtin builtin_printf = {
	.name = "printf",
	.kind = BK_EVENT,
	.min_args = 1,
	.max_args = -1,
	.usage = "printf(fmt, ...)",
	.help = "print formatted: %d %i %u %x %X %o %c %s %p %v",
	.check = printf_check,
	.lower_stmt = printf_lower,
};

/* ---- print(x, ...), print(@m) ---- */

static const struct type *print_check(struct sema *S, struct node *n)
{
	struct node *a = n->args, *k;
	const struct type *t;

	if (!a->next && sema_map_mention(S, a)) {
		sema_whole_map(S, n, a);
		return &type_void;
	}
	for (k = a; k; k = k->next) {
		t = sema_expr(S, k);
		if (!sema_is_bad(t) && !sema_printable(t))
			sema_error(S, &k->loc, "print() cannot print %s",
				   sema_type_name(S, t));
	}
	return &type_void;
}

static bool print_lower(struct lower *L, struct node *call)
{
	lower_event(L, call, call->map ? EV_PRINTMAP : EV_PRINT);
	return true;
}

const struct builtin builtin_print = {
	.name = "print",
	.kind = BK_EVENT,
	.min_args = 1,
	.max_args = -1,
	.usage = "print(x, ...)",
	.help = "print values, \", \"-joined; print(@m): a map now",
	.check = print_check,
	.lower_stmt = print_lower,
};

/* ---- exit(code) ---- */

static const struct type *exit_check(struct sema *S, struct node *n)
{
	struct node *a = n->args;
	const struct type *t = sema_expr(S, a);

	if (!sema_is_bad(t) && !type_is_int(t))
		sema_error(S, &a->loc, "exit() needs an integer, got %s",
			   sema_type_name(S, t));
	return &type_void;
}

/* the record, then the way out: nothing after exit() runs */
static bool exit_lower(struct lower *L, struct node *call)
{
	lower_event(L, call, EV_EXIT);
	ir_ja(L->f, L->ret, call->loc);
	return false;
}

const struct builtin builtin_exit = {
	.name = "exit",
	.kind = BK_EVENT,
	.min_args = 1,
	.max_args = 1,
	.usage = "exit(code)",
	.help = "stop tracing; spry exits with code",
	.check = exit_check,
	.lower_stmt = exit_lower,
};

/* ---- clear(@m) ---- */

static const struct type *clear_check(struct sema *S, struct node *n)
{
	struct node *a = n->args;

	if (!sema_map_mention(S, a)) {
		sema_error(S, &a->loc, "clear() needs a map, as in clear(@m)");
		sema_expr(S, a);
		return &type_void;
	}
	sema_whole_map(S, n, a);
	return &type_void;
}

static bool clear_lower(struct lower *L, struct node *call)
{
	lower_event(L, call, EV_CLEAR);
	return true;
}

const struct builtin builtin_clear = {
	.name = "clear",
	.kind = BK_EVENT,
	.min_args = 1,
	.max_args = 1,
	.usage = "clear(@m)",
	.help = "delete every entry of a map",
	.check = clear_check,
	.lower_stmt = clear_lower,
};
