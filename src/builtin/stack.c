/* stack.c - stacks: kstack, ustack, and their calls kstack(mode, frames).
 *
 * Input: `kstack`, `ustack` (spry's `stack` is kstack), or bpftrace's
 * calls kstack(perf), kstack(3), kstack(bpftrace, 5), ustack(...) alike, in
 * any probe that runs on an event (tracepoints too: their programs may take
 * stacks), not in BEGIN or END, which run in spry itself.  Output: an
 * integer whose type says how it prints (type.h: F_KSTACK, F_USTACK and
 * their perf layouts) and how many frames it keeps (t->frames), and IR
 * calling bpf_get_stackid() on the stack map of that many frames
 * (script_stacks_map(): the kernel hashes only the frames it keeps, so
 * `@[kstack(3)] = count()` counts stacks alike in their first three frames
 * as one).  A user stack's value carries the process (tgid << 32 | id), so
 * its frames are named in that process when printed.
 */
#include <string.h>

#include <linux/bpf.h>

#include "arena.h"
#include "ast.h"
#include "builtin.h"
#include "layout.h"
#include "lower.h"
#include "provider.h"
#include "script.h"
#include "sema.h"
#include "type.h"

/* Stacks exist where a program runs on an event. */
static bool stack_here(struct sema *S, struct node *n)
{
	const struct provider *prov = sema_probe(S)->prov;

	if (prov && prov->when == PROV_ON_EVENT)
		return true;
	sema_error(S, &n->loc, "%s is not available in %s probes: they run "
		   "in spry itself, not on an event", n->name,
		   prov ? prov->name : "these");
	return false;
}

static const struct type *stack_type(struct sema *S, bool user, bool perf,
				     unsigned frames)
{
	struct type *t = arena_alloc(sema_arena(S), sizeof(*t));

	*t = user ? type_ustack : type_kstack;
	if (perf)
		t->fmt = user ? F_USTACK_PERF : F_KSTACK_PERF;
	t->frames = frames;
	return t;
}

static bool is_user(const struct node *n)
{
	return n->name[0] == 'u';
}

static const struct type *stack_var_check(struct sema *S, struct node *n)
{
	if (!stack_here(S, n))
		return sema_bad();
	return is_user(n) ? &type_ustack : &type_kstack;
}

/* kstack(mode), kstack(frames), kstack(mode, frames): mode is the word
 * perf or bpftrace (bpftrace's names, not expressions), frames a
 * constant from 1 to the kernel's 127. */
static const struct type *stack_call_check(struct sema *S, struct node *n)
{
	struct node *a = n->args, *frames = NULL;
	bool perf = false, ok = stack_here(S, n);

	if (a->kind == N_IDENT && (!strcmp(a->name, "perf") ||
				   !strcmp(a->name, "bpftrace"))) {
		perf = !strcmp(a->name, "perf");
		a->type = &type_void;
		frames = a->next;
	} else if (a->next || (a->kind == N_IDENT && !builtin_find(a->name))) {
		/* kstack(raw): a word that is no variable is a mode */
		sema_error(S, &a->loc, "%s()'s mode is perf or bpftrace",
			   n->name);
		if (a->kind != N_IDENT)
			sema_expr(S, a);
		a->type = &type_void;
		ok = false;
		frames = a->next;
	} else {
		frames = a;
	}
	if (frames) {
		const struct type *t = sema_expr(S, frames);

		if (sema_is_bad(t)) {
			ok = false;
		} else if (!type_is_int(t) || !frames->is_const ||
			   frames->cval < 1 ||
			   frames->cval > LAYOUT_STACK_DEPTH) {
			sema_error(S, &frames->loc, "%s()'s frame limit must be "
				   "a constant from 1 to %d", n->name,
				   LAYOUT_STACK_DEPTH);
			ok = false;
		}
	}
	if (!ok)
		return sema_bad();
	return stack_type(S, is_user(n), perf,
			  frames ? (unsigned)frames->cval : 0);
}

/* Frames a kernel stack starts with that are BPF's own, skipped
 * (BPF_F_SKIP_FIELD_MASK).  A raw tracepoint's helper takes the stack
 * where it is called, so the program, bpf_trace_runN() and the
 * tracepoint's __bpf_trace_*() come first; perf events (kprobes, perf
 * tracepoints, profile) hand the helper the registers of the event. */
static int kernel_skip(const struct probe *p)
{
	return p->prog_type == BPF_PROG_TYPE_RAW_TRACEPOINT ? 3 : 0;
}

/* bpf_get_stackid(ctx, stacks, flags); a user stack's id goes with the
 * tgid, a failure (negative) in the low half only */
static struct val stack_lower(struct lower *L, struct node *n)
{
	struct map *m = lower_internal_map(L, script_stacks_map(L->s,
							n->type->frames));
	bool user = n->type->fmt == F_USTACK || n->type->fmt == F_USTACK_PERF;
	struct loc l = n->loc;
	int tg = IR_NONE, r, src = IR_R0;

	if (user) {
		ir_call(L->f, BPF_FUNC_get_current_pid_tgid, 0, l);
		tg = lower_ret(L, l);
		ir_alui(L->f, BPF_RSH, tg, tg, 32, l);
		ir_alui(L->f, BPF_LSH, tg, tg, 32, l);
	}
	lower_call(L, BPF_FUNC_get_stackid, l, LA_REG(lower_ctx(L)),
		   LA_MAP(m->id), LA_IMM(user ? BPF_F_USER_STACK :
					 kernel_skip(L->p)));
	if (lower_checks(L, BPF_FUNC_get_stackid)) {
		src = lower_ret(L, l);
		lower_check(L, BPF_FUNC_get_stackid, src, l);
	}
	r = lower_vreg(L);
	if (!user) {
		ir_mov(L->f, r, src, l);
		return val_reg(r, true);
	}
	ir_mov32(L->f, r, src, l);
	ir_alu(L->f, BPF_OR, r, r, tg, l);
	return val_reg(r, true);
}

const struct builtin builtin_kstack = {
	.name = "kstack",
	.aliases = (const char *const[]){ "stack", NULL },
	.kind = BK_VAR,
	.help = "the kernel stack, printed a frame a line",
	.check = stack_var_check,
	.lower_int = stack_lower,
};

const struct builtin builtin_ustack = {
	.name = "ustack",
	.kind = BK_VAR,
	.help = "the user stack (frame pointers), named in its process",
	.check = stack_var_check,
	.lower_int = stack_lower,
};

const struct builtin builtin_kstack_call = {
	.name = "kstack",
	.kind = BK_FUNC,
	.min_args = 1,
	.max_args = 2,
	.usage = "kstack([mode, ][n])",
	.help = "kstack in mode perf or bpftrace, n frames at most",
	.check = stack_call_check,
	.lower_int = stack_lower,
};

const struct builtin builtin_ustack_call = {
	.name = "ustack",
	.kind = BK_FUNC,
	.min_args = 1,
	.max_args = 2,
	.usage = "ustack([mode, ][n])",
	.help = "ustack in mode perf or bpftrace, n frames at most",
	.check = stack_call_check,
	.lower_int = stack_lower,
};
