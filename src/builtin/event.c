/* event.c - builtins that send a record: printf(), print(), exit(), clear(),
 * and bpftrace's cat() and join().
 *
 * Input: calls used as statements.  Output: their checks (printf's format
 * against its arguments, print()'s printable values, a map for clear() and
 * print(@m)) and, for lowering, one struct event per call site whose record
 * lower_event() builds and sends (layout.h has the record format); the
 * runtime formats EV_PRINTF and EV_PRINT records and acts on the others.
 */
#include <inttypes.h>
#include <string.h>

#include <linux/bpf.h>

#include "arena.h"
#include "ast.h"
#include "builtin.h"
#include "layout.h"
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

/* Check one conversion against its argument's type: %s takes strings
 * and what prints as text (stacks, symbols, addresses, times, an enum's
 * value: its enumerator's name, as newer bpftrace prints it), %r and
 * its forms (%rx, %rh) bytes (buf()), the integer conversions integers
 * (a symbol's address, a time's count too) and pointers (as bpftrace: a
 * pointer is an address), not stacks. */
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
		if ((t->kind == T_ARRAY && t->base->kind == T_INT &&
		     t->base->size == 1 && !t->fmt) || type_is_text(t) ||
		    (t->kind == T_INT && t->is_enum && t->enums))
			return;
		sema_error(S, &a->loc, "%s needs a string, got %s%s", spec, tn,
			   t->kind == T_PTR ? "; read it with str()" : "");
		return;
	case 'r':
		if (t->kind == T_ARRAY && t->base->kind == T_INT &&
		    t->base->size == 1)
			return;
		sema_error(S, &a->loc, "%s needs bytes (buf()), got %s", spec,
			   tn);
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
		/* a stack's id means nothing printed as a number */
		if (type_is_scalar(t) && !type_is_stack(t))
			return;
		sema_error(S, &a->loc, "%s needs an integer, got %s%s", spec, tn,
			   type_is_stack(t) ? "; use %s" : "");
		return;
	}
}

/* printf's format: %[flags][width][.prec][len]conv with conv one of
 * d i o u x X c s p v r (rx, rh: bpftrace's bytes), or %%; arguments
 * checked in order.  @what names the call in messages. */
static void check_format(struct sema *S, struct node *call)
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
		if (f[i] == 'r' && i + 1 < len && (f[i + 1] == 'x' ||
						   f[i + 1] == 'h'))
			i++;
		spec = arena_strndup(sema_arena(S), f + start, i - start + 1);
		if (f[i] == '*') {
			sema_error(S, &fmt->loc, "'*' widths are not supported "
				   "in %s() formats", call->name);
			return;
		}
		if (!f[i] || !strchr("diouxXcspvrh", f[i]) ||
		    (f[i] == 'h' && f[i - 1] != 'r')) {
			sema_error(S, &fmt->loc, "unknown conversion '%s' in "
				   "the format", spec);
			return;
		}
		nconv++;
		if (a) {
			check_conv(S, f[i] == 'x' && f[i - 1] == 'r' ? 'r' :
				   f[i] == 'h' ? 'r' : f[i], spec, a);
			a = a->next;
		}
	}
	if (nconv > nargs)
		sema_error(S, &fmt->loc, "the format has %u conversion%s but "
			   "%u argument%s follow%s", nconv,
			   nconv == 1 ? "" : "s", nargs, nargs == 1 ? "" : "s",
			   nargs == 1 ? "s" : "");
	else if (a)
		sema_error(S, &a->loc, "argument %u of %s() has no "
			   "conversion in the format", nconv + 2, call->name);
}

/* A format and its arguments: printf(), cat(), system(). */
const struct type *builtin_check_format(struct sema *S, struct node *n)
{
	struct node *a = n->args, *k;

	if (a->kind != N_STR) {
		sema_error(S, &a->loc, "%s() needs a literal format string",
			   n->name);
		for (k = a; k; k = k->next)
			sema_expr(S, k);
		return &type_void;
	}
	for (k = a; k; k = k->next)
		sema_expr(S, k);
	check_format(S, n);
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
	.help = "print formatted: %d %i %u %x %X %o %c %s %p %v %r",
	.check = builtin_check_format,
	.lower_stmt = printf_lower,
};

/* ---- print(x, ...), print(@m) ---- */

static const struct type *print_check(struct sema *S, struct node *n)
{
	struct node *a = n->args, *k;
	const struct type *t;

	if (sema_map_mention(S, a) && sema_count_args(a) <= 3) {
		/* print(@m[, top[, div]]): the largest top entries, values
		 * divided by div */
		sema_whole_map(S, n, a);
		for (k = a->next; k; k = k->next) {
			t = sema_expr(S, k);
			if (!sema_is_bad(t) && (!type_is_int(t) ||
						!k->is_const || k->cval < 0))
				sema_error(S, &k->loc, "print(@m, top, div) "
					   "takes constant integers, at least "
					   "0");
		}
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
	struct event *ev = lower_event(L, call, call->map ? EV_PRINTMAP :
				       EV_PRINT);
	struct node *top = call->args->next;

	if (call->map && top) {
		ev->top = (uint64_t)top->cval;
		ev->div = top->next ? (uint64_t)top->next->cval : 0;
	}
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

/* ---- exit([code]) ---- */

static const struct type *exit_check(struct sema *S, struct node *n)
{
	struct node *a = n->args;
	const struct type *t;

	if (!a)
		return &type_void;	/* exit(), as bpftrace's: status 0 */
	t = sema_expr(S, a);
	if (!sema_is_bad(t) && !type_is_int(t))
		sema_error(S, &a->loc, "exit() needs an integer, got %s",
			   sema_type_name(S, t));
	/* an exit status is a byte: exit(256) would exit 0 */
	else if (a->is_const && (a->cval < 0 || a->cval > 255))
		sema_error(S, &a->loc, "exit() takes a status from 0 to 255, "
			   "got %" PRId64, (int64_t)a->cval);
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
	.min_args = 0,
	.max_args = 1,
	.usage = "exit([code])",
	.help = "stop tracing; spry exits with code",
	.check = exit_check,
	.lower_stmt = exit_lower,
};

/* ---- clear(@m) ---- */

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
	.check = sema_map_arg,
	.lower_stmt = clear_lower,
};

/* ---- bpftrace's: cat(fmt, ...), join(argv[, sep]) ---- */

static bool cat_lower(struct lower *L, struct node *call)
{
	lower_event(L, call, EV_CAT);
	return true;
}

/* the file is read when the record arrives, the path formatted then */
const struct builtin builtin_cat = {
	.name = "cat",
	.kind = BK_EVENT,
	.min_args = 1,
	.max_args = -1,
	.usage = "cat(fmt, ...)",
	.help = "print the file the format names (read by spry, then)",
	.check = builtin_check_format,
	.lower_stmt = cat_lower,
};

static const struct type *join_check(struct sema *S, struct node *n)
{
	struct node *a = n->args;
	const struct type *t = sema_expr(S, a);

	if (a->next && a->next->kind != N_STR) {
		sema_error(S, &a->next->loc, "join()'s separator must be a "
			   "string literal");
		sema_expr(S, a->next);
	} else if (a->next) {
		sema_expr(S, a->next);
	}
	if (sema_is_bad(t))
		return &type_void;
	if (!type_is_scalar(t))
		sema_error(S, &a->loc, "join() needs an array of string "
			   "pointers (char **), got %s", sema_type_name(S, t));
	return &type_void;
}

/* The record is built in the per-CPU scratch map, not on the 512-byte
 * stack: {u64 id; u64 len; the strings packed, each with its NUL}, up to
 * LAYOUT_JOIN_ARGS of up to LAYOUT_JOIN_ARG_SIZE bytes, stopping at the
 * first NULL pointer or failed read, and sent at its length only.  Each
 * string is written at an offset masked to the packing area, which is
 * what lets the verifier see every write stay inside the value.
 *
 * One loop (5.3+) over the arguments, bounded by their count for the
 * verifier: unrolled, the 16 arguments took 17 instructions each, 272 of
 * a program (bpftrace's execsnoop.bt is 223 in all). */
static bool join_lower(struct lower *L, struct node *call)
{
	struct map *sm = lower_internal_map(L, script_scratch_map(L->s));
	struct node *a = call->args;
	struct loc l = call->loc;
	enum addr_space space = a->type->space == AS_USER ? AS_USER : AS_KERNEL;
	struct event *ev = lower_event_add(L, EV_JOIN, l);
	unsigned mark = L->sp;
	int key = lower_stack(L, 8, call, "join() scratch key");
	int ptr = lower_stack(L, 8, call, "join() argument pointer");
	int argv, p, off, n, dst, r, done = ir_label(L->f), out = ir_label(L->f);
	int fits = ir_label(L->f), head = ir_label(L->f), helper;

	ev->fmt = a->next ? a->next->str : " ";
	ev->size = 16;
	ev->args = arena_alloc(L->s->arena, sizeof(*ev->args));
	argv = lower_own(L, lower_int(L, a), l);
	ir_st(L->f, BPF_W, IR_FP, key, 0, l);
	lower_lookup(L, sm, key, l);
	p = lower_ret(L, l);
	ir_jcci(L->f, BPF_JEQ, p, 0, out, l);
	lower_event_id(L, p, 0, ev, l);
	off = lower_vreg(L);
	ir_movi(L->f, off, 0, l);
	n = lower_vreg(L);
	ir_movi(L->f, n, 0, l);
	ir_place_loop(L->f, head, l);
	ir_jcci(L->f, BPF_JGE, n, LAYOUT_JOIN_ARGS, done, l);
	helper = lower_read_helper(space, false);
	lower_read_quiet(L, helper, (struct dst){ IR_FP, ptr, 8 }, 8, argv, 0,
			 l);
	r = lower_ret(L, l);
	lower_check(L, helper, r, l);
	ir_jcci(L->f, BPF_JNE, r, 0, done, l);
	r = lower_vreg(L);
	ir_ldx(L->f, BPF_DW, r, IR_FP, ptr, l);
	ir_jcci(L->f, BPF_JEQ, r, 0, done, l);
	dst = lower_vreg(L);
	ir_mov(L->f, dst, off, l);
	ir_alui(L->f, BPF_AND, dst, dst, LAYOUT_JOIN_AREA - 1, l);
	ir_alu(L->f, BPF_ADD, dst, dst, p, l);
	helper = lower_read_helper(space, true);
	lower_read_quiet(L, helper, (struct dst){ dst, 16, LAYOUT_JOIN_ARG_SIZE },
			 LAYOUT_JOIN_ARG_SIZE, r, 0, l);
	r = lower_ret(L, l);
	lower_check(L, helper, r, l);
	ir_jcci(L->f, BPF_JSLE, r, 0, done, l);
	ir_alu(L->f, BPF_ADD, off, off, r, l);
	ir_alui(L->f, BPF_ADD, argv, argv, 8, l);
	ir_alui(L->f, BPF_ADD, n, n, 1, l);
	ir_ja(L->f, head, l);
	ir_place(L->f, done, l);
	/* at most every argument at its most: the verifier needs the bound */
	ir_jcci(L->f, BPF_JLE, off, LAYOUT_JOIN_AREA, fits, l);
	ir_movi(L->f, off, LAYOUT_JOIN_AREA, l);
	ir_place(L->f, fits, l);
	ir_stx(L->f, BPF_DW, p, 8, off, l);
	ir_alui(L->f, BPF_ADD, off, off, 16, l);
	lower_output_from(L, LA_PTR(p, 0), LA_REG(off), call);
	ir_place(L->f, out, l);
	L->sp = mark;
	return true;
}

const struct builtin builtin_join = {
	.name = "join",
	.kind = BK_EVENT,
	.min_args = 1,
	.max_args = 2,
	.usage = "join(argv[, sep])",
	.help = "print the strings of argv (up to 16) joined by sep (\" \")",
	.check = join_check,
	.lower_stmt = join_lower,
};
