/* lower.c - from the annotated AST of one probe to IR: statements and the
 * prologue.
 *
 * Input: a probe whose AST sema_script() has annotated (types, builtins,
 * provider variables, maps, folded constants), maps laid out by
 * layout_maps().  Output: p->ir, a function in virtual registers for
 * ra_alloc(), and one struct event per printf/print/exit/clear call site.
 * Expressions are lower_int.c's and lower_mem.c's, helper calls
 * lower_call.c's (see lower.h for the split).
 *
 * The program: copy r1 (ctx), the filters (raw syscall number, -p, -c),
 * the predicate, the statements, then the way out: add the lost events
 * counted on the way, return 0.
 *
 * Stack.  Lowering alone lays out the 512-byte frame.  Allocations are
 * scoped: everything a statement or an integer subexpression allocated is
 * dead once it is done, so the high-water mark is reset and f->stack keeps
 * the maximum (ra_alloc puts its spill slots below that).  A few buffers are
 * held for the whole probe (L->base): the copy of the saved registers and
 * comm's shared buffer.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include <linux/bpf.h>

#include "arena.h"
#include "ast.h"
#include "builtin.h"
#include "layout.h"
#include "lower.h"
#include "provider.h"
#include "script.h"

/* ---- the frame and registers ---- */

int lower_vreg(struct lower *L)
{
	return ir_vreg(L->f);
}

int lower_ctx(struct lower *L)
{
	L->ctx_used = true;
	return L->ctx;
}

/* What a stack buffer for @n holds, for the overflow message. */
static const char *buf_what(struct lower *L, const struct node *n)
{
	if (n->builtin)
		return arena_printf(L->s->arena, "%s%s buffer", n->builtin->name,
				    n->kind == N_CALL ? "()" : "");
	if (n->map)
		return "map value";
	if (n->kind == N_STR)
		return "string literal";
	return "temporary";
}

int lower_stack(struct lower *L, unsigned size, const struct node *n,
		const char *what)
{
	unsigned need = L->sp + lower_round8(size ? size : 1);

	if (need > LAYOUT_STACK) {
		if (!L->err)
			diag_error(L->d, &n->loc, "probe needs more than %d bytes "
				   "of stack here: %s of %u bytes",
				   LAYOUT_STACK, what ? what : buf_what(L, n), size);
		L->err = -E2BIG;
		/* what is stored in the dummy slot may lie beyond any
		 * instruction's reach; nothing of it is kept */
		L->f->failed = true;
		return -8;
	}
	L->sp = need;
	if (need > L->f->stack)
		L->f->stack = need;
	return -(int)need;
}

/* Jumps go forward (but loops' back edges, to a label already placed), so
 * this point is on every path to what follows when every jump emitted so
 * far lands on a label already placed, or on the way out (L->ret,
 * L->exit, which read no builtin).  Lowering only appends (and renames
 * registers), so the IR seen so far need not be looked at again: the count
 * of open labels carries over. */
enum { UC_UNSEEN, UC_OPEN, UC_PLACED };

bool lower_unconditional(struct lower *L)
{
	const struct ir_func *f = L->f;
	unsigned i, need = (unsigned)f->next_label + 1;

	if (need > L->uc_cap) {
		L->uc_state = arena_grow(L->s->arena, L->uc_state, L->uc_cap,
					 need * 2);
		L->uc_cap = need * 2;
	}
	for (i = L->uc_scanned; i < f->n; i++) {
		const struct ir_insn *in = &f->insns[i];

		if (in->op == IR_LABEL && in->label >= 0) {
			if (L->uc_state[in->label] == UC_OPEN)
				L->uc_nopen--;
			L->uc_state[in->label] = UC_PLACED;
		} else if ((ir_op_info[in->op].flags & IR_F_JUMP) &&
			   in->label != L->exit && in->label != L->ret &&
			   L->uc_state[in->label] == UC_UNSEEN) {
			L->uc_state[in->label] = UC_OPEN;
			L->uc_nopen++;
		}
	}
	L->uc_scanned = f->n;
	return L->uc_nopen == 0;
}

/* ---- events ---- */

static int event_visit(const struct node *n, void *ctx)
{
	unsigned *count = ctx;

	if (n->kind == N_CALL && n->builtin && n->builtin->kind == BK_EVENT)
		(*count)++;
	return 0;
}

/* Event call sites in a tree (sema allows them as statements only). */
static unsigned count_events(const struct node *n)
{
	unsigned k = 0;

	ast_visit(n, event_visit, &k);
	return k;
}

struct event *lower_event_add(struct lower *L, int kind, struct loc loc)
{
	struct event *ev = script_event_add(L->s, kind, loc);

	ev->by_probe = L->p->prov && L->p->prov->when == PROV_ON_EVENT;
	ev->by_cpu = L->s->partial_lines &&
		     (kind == EV_PRINTF || kind == EV_PRINT ||
		      kind == EV_TIME || kind == EV_JOIN ||
		      kind == EV_PRINTMAP || kind == EV_CAT ||
		      kind == EV_SYSTEM);
	return ev;
}

void lower_event_id(struct lower *L, int base, int off,
		    const struct event *ev, struct loc l)
{
	int r;

	if (!ev->by_cpu) {
		ir_st(L->f, BPF_DW, base, off, ev->id, l);
		return;
	}
	ir_call(L->f, BPF_FUNC_get_smp_processor_id, 0, l);
	r = lower_ret(L, l);
	ir_alui(L->f, BPF_LSH, r, r, EVENT_CPU_SHIFT, l);
	ir_alui(L->f, BPF_OR, r, r, (int32_t)ev->id, l);
	ir_stx(L->f, BPF_DW, base, off, r, l);
}

static int partial_visit(const struct node *n, void *ctx)
{
	const struct node *fmt = n->args;

	(void)ctx;
	if (n->kind != N_CALL || !n->builtin || n->builtin->kind != BK_EVENT ||
	    (strcmp(n->builtin->name, "printf") &&
	     strcmp(n->builtin->name, "time")))
		return 0;
	/* time() without a format prints bpftrace's "%H:%M:%S\n" */
	if (!fmt || fmt->kind != N_STR || !fmt->str)
		return 0;
	return !*fmt->str || fmt->str[strlen(fmt->str) - 1] != '\n';
}

bool lower_partial_lines(const struct script *s)
{
	const struct probe *p;

	for (p = s->probes; p; p = p->next)
		if (ast_visit(p->body, partial_visit, NULL))
			return true;
	return false;
}

/* printf/print/exit/clear: one event per call site, its record built on
 * the stack and sent through the ring buffer. */
struct event *lower_event(struct lower *L, struct node *n, int kind)
{
	struct node *args = n->args, *a;
	struct event *ev;
	unsigned i;
	int rec;

	ev = lower_event_add(L, kind, n->loc);
	if (kind == EV_PRINTF || kind == EV_CAT || kind == EV_SYSTEM ||
	    kind == EV_TIME) {
		/* time()'s format is optional: bpftrace's default */
		ev->fmt = args ? args->str : "%H:%M:%S\n";
		args = args ? args->next : NULL;
	}
	if (kind == EV_PRINTMAP || kind == EV_CLEAR || kind == EV_ZERO) {
		ev->map = n->map ? n->map : args->map;
		args = NULL;
	}
	for (a = args; a; a = a->next)
		ev->nargs++;
	ev->args = arena_alloc(L->s->arena, (ev->nargs + 1) * sizeof(*ev->args));
	for (a = args, i = 0; a; a = a->next, i++) {
		ev->args[i].type = kind == EV_EXIT ? &type_s64 : a->type;
		ev->args[i].loc = a->loc;
	}
	layout_event(ev);

	rec = lower_stack(L, ev->size, n, kind == EV_PRINTF ? "printf() record"
					  : "event record");
	lower_event_id(L, IR_FP, rec, ev, n->loc);
	for (a = args, i = 0; a; a = a->next, i++) {
		int at = rec + (int)ev->args[i].off;

		if (lower_is_mem(a->type)) {
			lower_into(L, a, (struct dst){ IR_FP, at,
				   lower_round8(a->type->size) }, false);
		} else {
			lower_store_int(L, at, a);
		}
	}
	lower_output(L, rec, ev->size, n);
	return ev;
}

/* ---- aggregations ---- */

/* A new key of a hash map that every CPU updates (layout.c) cannot take
 * its first value from the CPU that inserts it: two CPUs inserting the
 * same key at once is common (two processes' first events), and the
 * loser's BPF_NOEXIST fails, its add lost; BPF_ANY would overwrite the
 * winner's.  So a missing key is inserted all zero, from the zero map's
 * value (no store on the stack), by whichever CPU gets there, and the
 * lookup runs again: every CPU adds to what it finds.  A second miss
 * means the map is full (the runtime says so at exit).  The insert sits
 * before the lookup, reached by its miss jumping back, so the value's
 * register is live only from the lookup to the update in place, across
 * no call; it ends in a `goto +0` to the lookup (ir_ja_loop(): 6.1's
 * verifier wants a loop closed by a jump), which the kernel drops after
 * verifying.  The verifier walks the loop twice (5.3+), told apart by
 * @again.  A per-CPU hash has no such race: BPF_ANY on a key another CPU
 * has just created sets only this CPU's value, which was zero. */
static void agg_update_shared(struct lower *L, struct map *m, int key,
			      struct node *call,
			      const struct lower_agg_ops *ops, void *ctx)
{
	struct map *zero = lower_internal_map(L, script_zero_map(L->s));
	struct loc l = call->loc;
	int again = lower_vreg(L), insert = ir_label(L->f);
	int head = ir_label(L->f), end = ir_label(L->f), z, p;

	assert(m->val_size <= LAYOUT_ZERO && "the zero map's value covers it");
	ir_movi(L->f, again, 0, l);
	ir_ja(L->f, head, l);
	ir_place_loop(L->f, insert, l);
	ir_jcci(L->f, BPF_JNE, again, 0, end, l);
	/* -kk: the first miss, as the lookup's; not the second */
	if (lower_checks(L, BPF_FUNC_map_lookup_elem))
		lower_helper_error(L, BPF_FUNC_map_lookup_elem, val_imm(0), l);
	z = lower_vreg(L);
	ir_ldmapv(L->f, z, zero->id, 0, l);
	lower_call(L, BPF_FUNC_map_update_elem, l, LA_MAP(m->id),
		   LA_PTR(IR_FP, key), LA_REG(z), LA_IMM(BPF_NOEXIST));
	if (lower_checks(L, BPF_FUNC_map_update_elem)) {
		/* -EEXIST: another CPU inserted it first */
		int r = lower_ret(L, l), ok = ir_label(L->f);

		ir_jcci(L->f, BPF_JEQ, r, -EEXIST, ok, l);
		lower_check(L, BPF_FUNC_map_update_elem, r, l);
		ir_place(L->f, ok, l);
	}
	ir_movi(L->f, again, 1, l);
	ir_ja_loop(L->f, head, l);
	ir_place(L->f, head, l);
	lower_lookup(L, m, key, l);
	p = lower_ret(L, l);
	ir_jcci(L->f, BPF_JEQ, p, 0, insert, l);
	ops->in_place(L, p, call, ctx);
	ir_place(L->f, end, l);
}

void lower_agg_update(struct lower *L, struct map *m, int key,
		      struct node *call, const struct lower_agg_ops *ops,
		      void *ctx)
{
	struct loc l = call->loc;
	int p, init, end;

	if (m->bpf_type == BPF_MAP_TYPE_HASH) {
		agg_update_shared(L, m, key, call, ops, ctx);
		return;
	}
	lower_lookup(L, m, key, l);
	p = lower_ret(L, l);
	lower_check_miss(L, m, p, l);
	end = ir_label(L->f);
	/* an array's entry always exists; the check is for the verifier */
	init = layout_is_array(m) ? end : ir_label(L->f);
	ir_jcci(L->f, BPF_JEQ, p, 0, init, l);
	ops->in_place(L, p, call, ctx);
	if (!layout_is_array(m)) {
		int val = lower_stack(L, m->val_size, call, "map value");

		assert(ops->first && "layout.c: only min/max are per-CPU hashes");
		ir_ja(L->f, end, l);
		ir_place(L->f, init, l);
		ops->first(L, val, call, ctx);
		lower_update(L, m, key, IR_FP, val, BPF_ANY, l);
	}
	ir_place(L->f, end, l);
}

/* count, sum, the histograms: value += x, with one atomic add.  A keyed
 * map's value is every CPU's (layout.c), which the add must be atomic for;
 * a keyless one's is this CPU's.  BPF has no plain add to memory anyway,
 * and the atomic add takes one or two instructions (`r = 1` first for a
 * constant) where a load, an add and a store take three. */
static void add_in_place(struct lower *L, int p, struct node *call, void *ctx)
{
	const struct val *x = ctx;

	ir_xadd(L->f, BPF_DW, p, 0, lower_reg(L, *x, call->loc), call->loc);
}

void lower_agg_add(struct lower *L, struct map *m, int key, struct val x,
		   struct node *call)
{
	/* never a per-CPU hash (layout.c): no first value */
	static const struct lower_agg_ops add = { add_in_place, NULL };

	lower_agg_update(L, m, key, call, &add, &x);
}

/* ---- statements ---- */

/* An integer variable keeps its width (a u16 stays one, as in bpftrace):
 * register @r cut to @t's, sign-extended when it is signed. */
static void var_fit(struct lower *L, int r, const struct type *t,
		    struct loc l)
{
	if (t->kind != T_INT || t->size >= 8)
		return;
	if (t->is_signed)
		lower_extend(L, r, t, l);
	else if (t->size == 4)
		ir_mov32(L->f, r, r, l);
	else
		ir_alui(L->f, BPF_AND, r, r, t->size == 2 ? 0xffff : 0xff, l);
}

/* $x = rhs: a register's value, or the slot's bytes (through a copy when
 * rhs reads the variable itself: `$t = ($t.1, $t.0)`). */
static void lower_var_assign(struct lower *L, struct var *var,
			     struct node *rhs)
{
	int r = L->var_reg[var->id], tmp;
	unsigned size = lower_round8(var->type->size);
	struct dst d = { IR_FP, L->var_slot[var->id], size };

	if (r != IR_NONE) {
		struct val v = lower_int(L, rhs);

		if (v.imm)
			ir_movi(L->f, r, v.k, rhs->loc);
		else if (v.reg != r)
			ir_mov(L->f, r, v.reg, rhs->loc);
		if (!type_equal(rhs->type, var->type))
			var_fit(L, r, var->type, rhs->loc);
		return;
	}
	if (!lower_mentions_var(rhs, var)) {
		lower_into_as(L, rhs, var->type, d, true);
		return;
	}
	tmp = lower_stack(L, size, rhs, "temporary");
	lower_into_as(L, rhs, var->type, (struct dst){ IR_FP, tmp, size },
		      true);
	lower_copy(L, d, IR_FP, tmp, size, rhs->loc);
}

/* The integer type `a op= b` computes in: C's, on 64 bits. */
static const struct type *opassign_type(const struct node *n)
{
	const struct type *a = n->lhs->type, *b = n->rhs ? n->rhs->type : a;

	if (a->kind == T_PTR)
		return a;
	if (n->op == B_SHL || n->op == B_SHR)
		return type_int(8, a->is_signed || a->size < 8);
	return type_common(type_int(8, a->is_signed || a->size < 8),
			   type_int(8, b->is_signed || b->size < 8));
}

/* A map value changed in place: x is added (or op'd) to @lhs's value, 0
 * when missing; the old value (@post) or the new one.  Plain maps only
 * (not per-CPU): lookup (at @look, where -kk reports a missing key), then
 * a store through the pointer, or an update when the key is new. */
static struct val map_rmw(struct lower *L, struct node *lhs, int op,
			  const struct type *t, struct val x, bool post,
			  struct loc look, struct loc l)
{
	struct map *m = lhs->map;
	int key = lower_key(L, m, lower_map_keys(lhs), NULL, lhs);
	int p, old, skip = ir_label(L->f), add = ir_label(L->f);
	int end = ir_label(L->f), slot;
	struct val nv;

	lower_lookup(L, m, key, look);
	p = lower_ret(L, look);
	lower_check_miss(L, m, p, look);
	old = lower_vreg(L);
	ir_movi(L->f, old, 0, l);
	ir_jcci(L->f, BPF_JEQ, p, 0, skip, l);
	ir_ldx(L->f, BPF_DW, old, p, 0, l);
	ir_place(L->f, skip, l);
	nv = lower_arith(L, op, t, val_reg(old, !post), x, l);
	ir_jcci(L->f, BPF_JEQ, p, 0, add, l);
	ir_stx(L->f, BPF_DW, p, 0, nv.reg, l);
	ir_ja(L->f, end, l);
	ir_place(L->f, add, l);
	slot = lower_stack(L, 8, lhs, "map value");
	lower_store8(L, IR_FP, slot, nv, l);
	lower_update(L, m, key, IR_FP, slot, BPF_ANY, l);
	ir_place(L->f, end, l);
	return post ? val_reg(old, true) : nv;
}

struct val lower_incdec(struct lower *L, struct node *n, bool want)
{
	bool post = n->op == ID_POSTINC || n->op == ID_POSTDEC;
	int op = n->op == ID_PREINC || n->op == ID_POSTINC ? B_ADD : B_SUB;
	unsigned mark = L->sp;
	struct node *lhs = n->lhs;
	struct val v;
	int r, old;

	if (lhs->kind != N_VAR) {
		/* the whole expression, as bpftrace's -k reports name it */
		struct loc at = post ? loc_span(lhs->loc, n->loc) :
				loc_span(n->loc, lhs->loc);

		v = map_rmw(L, lhs, op, opassign_type(n), val_imm(1),
			    post && want, at, at);
		L->sp = mark;
		return v;
	}
	r = L->var_reg[lhs->var->id];
	if (post && want) {
		old = lower_vreg(L);
		ir_mov(L->f, old, r, n->loc);
		lower_arith(L, op, lhs->type, val_reg(r, true), val_imm(1),
			    n->loc);
		var_fit(L, r, lhs->type, n->loc);
		return val_reg(old, true);
	}
	lower_arith(L, op, lhs->type, val_reg(r, true), val_imm(1), n->loc);
	var_fit(L, r, lhs->type, n->loc);
	return val_reg(r, false);
}

/* lhs op= rhs */
static void lower_opassign(struct lower *L, struct node *n)
{
	struct node *lhs = n->lhs;
	struct val x = lower_int(L, n->rhs);
	int r;

	if (lhs->kind != N_VAR) {
		map_rmw(L, lhs, n->op, opassign_type(n), x, false, lhs->loc,
			loc_span(lhs->loc, n->rhs->loc));
		return;
	}
	r = L->var_reg[lhs->var->id];
	x = lower_arith(L, n->op, opassign_type(n), val_reg(r, true), x,
			n->loc);
	if (x.reg != r)
		ir_mov(L->f, r, x.reg, n->loc);
	var_fit(L, r, lhs->type, n->loc);
}

static void lower_assign(struct lower *L, struct node *n)
{
	struct node *lhs = n->lhs, *rhs = n->rhs;
	struct map *m = lhs->map;
	struct loc l = n->loc;
	int key, val, p, end;
	struct val v = val_imm(0);

	if (lhs->kind == N_VAR) {
		lower_var_assign(L, lhs->var, rhs);
		return;
	}
	assert(m && "sema resolved the assigned map");
	if (rhs->kind == N_CALL && rhs->builtin &&
	    rhs->builtin->kind == BK_AGG) {
		rhs->builtin->lower_agg(L, n, rhs);
		return;
	}
	if (layout_is_array(m)) {
		/* keyless: write the value in place through the lookup */
		if (!lower_is_mem(rhs->type))
			v = lower_int(L, rhs);
		key = lower_key(L, m, NULL, NULL, lhs);
		lower_lookup(L, m, key, l);
		p = lower_ret(L, l);
		end = ir_label(L->f);
		ir_jcci(L->f, BPF_JEQ, p, 0, end, l);
		if (lower_is_mem(rhs->type))
			lower_into_as(L, rhs, m->val, (struct dst){ p, 0,
				      m->val_size }, false);
		else
			lower_store8(L, p, 0, v, l);
		ir_place(L->f, end, l);
		return;
	}
	val = lower_stack(L, m->val_size, rhs, "map value");
	if (lower_is_mem(rhs->type))
		lower_into_as(L, rhs, m->val, (struct dst){ IR_FP, val,
			      m->val_size }, false);
	else
		lower_store_int(L, val, rhs);
	key = lower_key(L, m, lower_map_keys(lhs), NULL, lhs);
	lower_update(L, m, key, IR_FP, val, BPF_ANY, l);
}

static void lower_delete(struct lower *L, struct node *n)
{
	struct map *m = n->lhs->map;
	struct loc l = n->loc;
	int key = lower_key(L, m, lower_map_keys(n->lhs), NULL, n->lhs), p, end;

	if (layout_is_array(m)) {
		/* array entries cannot be deleted: zero this CPU's */
		lower_lookup(L, m, key, l);
		p = lower_ret(L, l);
		end = ir_label(L->f);
		ir_jcci(L->f, BPF_JEQ, p, 0, end, l);
		lower_zero(L, p, 0, m->val_size, l);
		ir_place(L->f, end, l);
		return;
	}
	lower_map_delete(L, m, key, l);
}

/* Lower one statement; false when control cannot continue after it
 * (exit()), so that the rest of the block, which the verifier would reject
 * as unreachable, is not emitted. */
static bool lower_stmt(struct lower *L, struct node *n);

/* while (cond) body: the head (a loop head: the back edges' target) tests
 * the condition, the body ends in a jump back; break leaves, continue goes
 * to the head.  The verifier accepts loops it can prove bounded (5.3+). */
static void lower_while(struct lower *L, struct node *n)
{
	struct lower_loop lp = { ir_label(L->f), ir_label(L->f), L->loop };

	if (n->cond->is_const && !n->cond->cval)
		return;	/* never runs */
	ir_place_loop(L->f, lp.cont, n->loc);
	lower_branch(L, n->cond, false, lp.brk);
	L->loop = &lp;
	if (lower_stmt(L, n->lhs))
		ir_ja(L->f, lp.cont, n->loc);
	L->loop = lp.up;
	ir_place(L->f, lp.brk, n->loc);
}

static bool lower_stmt(struct lower *L, struct node *n)
{
	unsigned mark = L->sp;
	struct node *c;
	int other, end;
	int64_t k;
	bool live = true, live2;

	if (!n)
		return true;
	switch (n->kind) {
	case N_BLOCK:
		for (c = n->body; c && live; c = c->next)
			live = lower_stmt(L, c);
		break;
	case N_IF:
		if (n->cond->is_const) {
			/* folded: only the branch taken exists */
			live = lower_stmt(L, n->cond->cval ? n->lhs : n->rhs);
			break;
		}
		other = ir_label(L->f);
		lower_branch(L, n->cond, false, other);
		L->sp = mark;
		live = lower_stmt(L, n->lhs);
		if (n->rhs) {
			end = ir_label(L->f);
			if (live)
				ir_ja(L->f, end, n->loc);
			ir_place(L->f, other, n->loc);
			live2 = lower_stmt(L, n->rhs);
			ir_place(L->f, end, n->loc);
			live = live || live2;
		} else {
			ir_place(L->f, other, n->loc);
			live = true;
		}
		break;
	case N_ASSIGN:
		lower_assign(L, n);
		break;
	case N_OPASSIGN:
		lower_opassign(L, n);
		break;
	case N_DELETE:
		lower_delete(L, n);
		break;
	case N_EXPR:
		/* expressions have no side effects but ++/-- and the event
		 * calls */
		c = n->lhs;
		if (c->kind == N_CALL && c->builtin &&
		    c->builtin->kind == BK_EVENT)
			live = c->builtin->lower_stmt(L, c);
		else if (c->kind == N_INCDEC)
			lower_incdec(L, c, false);
		break;
	case N_WHILE:
		lower_while(L, n);
		break;
	case N_UNROLL:
		/* the body, count times (sema checked the constant) */
		for (k = 0; k < n->cond->cval && live; k++)
			live = lower_stmt(L, n->lhs);
		break;
	case N_BREAK:
	case N_CONTINUE:
		assert(L->loop && "sema allows them in while loops only");
		ir_ja(L->f, n->kind == N_BREAK ? L->loop->brk : L->loop->cont,
		      n->loc);
		live = false;
		break;
	case N_RETURN:
		ir_ja(L->f, L->ret, n->loc);
		live = false;
		break;
	default:
		assert(0 && "not a statement");
	}
	L->sp = mark;
	return live;
}

/* ---- the prologue ---- */

/* Indirect register variables (raw syscall arguments) in a tree: how many
 * mentions and the byte range of pt_regs they cover.  Not those read by a
 * plain load (typed_regs): one load each is cheaper than the copy. */
struct regs_use {
	unsigned count;
	int lo, hi;
};

static int regs_visit(const struct node *n, void *ctx)
{
	struct regs_use *u = ctx;
	const struct pvar *pv = n->pvar;

	if (pv && pv->kind == PV_REG && pv->indirect && !pv->typed_regs) {
		int end = pv->off + (int)(n->type ? n->type->size : 8);

		if (!u->count || pv->off < u->lo)
			u->lo = pv->off;
		if (!u->count || end > u->hi)
			u->hi = end;
		u->count++;
	}
	return 0;
}

/* Raw syscall arguments live in the user pt_regs, readable only with
 * bpf_probe_read_kernel (7 instructions a read).  A probe reading more
 * than one copies the span they cover once (usually 64 bytes on x86_64)
 * and loads from the copy, placed after the predicate unless the
 * predicate needs them itself. */
static void regs_preread(struct lower *L, const struct node *pred,
			 const struct node *body, struct loc l)
{
	struct regs_use u = { 0 };
	struct node at = { .loc = l };
	int lo, hi, r;

	ast_visit(pred, regs_visit, &u);
	ast_visit(body, regs_visit, &u);
	if (u.count < 2 || u.hi - u.lo > 128 || L->regs_slot)
		return;
	lo = u.lo & ~7;
	hi = (u.hi + 7) & ~7;
	L->regs_slot = lower_stack(L, (unsigned)(hi - lo), &at,
				   "copy of the saved registers");
	L->regs_lo = lo;
	L->regs_hi = hi;
	L->base = L->sp;
	r = lower_vreg(L);
	ir_ldx(L->f, BPF_DW, r, lower_ctx(L), 0, l);
	lower_read_quiet(L, BPF_FUNC_probe_read_kernel,
			 (struct dst){ IR_FP, L->regs_slot,
				       (unsigned)(hi - lo) },
			 (unsigned)(hi - lo), r, lo, l);
}

/* -c: return unless the task is in the command's pid namespace.  The
 * runtime writes the namespace's {dev, ino} into s->child_map after
 * starting the command, so the program reads them from the map's value
 * (its address is a constant: no lookup); bpf_get_ns_current_pid_tgid()
 * (5.7+) fails unless they name the task's own pid namespace.  ino 0: the
 * command has no namespace of its own, do not filter.  A process of the
 * command that makes a pid namespace of its own (a container) is no longer
 * followed; the namespace's pid 1, spry's init, is not the command's. */
static void child_filter(struct lower *L, struct loc l)
{
	struct map *m = lower_internal_map(L, script_child_map(L->s));
	struct node at = { .loc = l };
	unsigned mark = L->sp;
	int info = lower_stack(L, 8, &at, "struct bpf_pidns_info");
	int p = lower_vreg(L), dev, ino, tgid, pass = ir_label(L->f);

	ir_ldmapv(L->f, p, m->id, 0, l);
	ino = lower_vreg(L);
	ir_ldx(L->f, BPF_DW, ino, p, 8, l);
	ir_jcci(L->f, BPF_JEQ, ino, 0, pass, l);
	dev = lower_vreg(L);
	ir_ldx(L->f, BPF_DW, dev, p, 0, l);
	lower_call(L, BPF_FUNC_get_ns_current_pid_tgid, l, LA_REG(dev),
		   LA_REG(ino), LA_PTR(IR_FP, info), LA_IMM(8));
	ir_jcci(L->f, BPF_JNE, lower_ret(L, l), 0, L->exit, l);
	/* its pid 1 is spry's init (child.h), not the command: the tgid,
	 * the second u32 of struct bpf_pidns_info */
	tgid = lower_vreg(L);
	ir_ldx(L->f, BPF_W, tgid, IR_FP, info + 4, l);
	ir_jcci(L->f, BPF_JEQ, tgid, 1, L->exit, l);
	ir_place(L->f, pass, l);
	L->sp = mark;
}

/* -p, for providers whose pid_filter says so: tracepoints fire for every
 * process and cannot be attached per process (raw ones at all, perf ones
 * not system-wide with a pid), so filter here.  Others filter, or not, at
 * attach time; BEGIN/END run in spry itself. */
static void pid_filter(struct lower *L, int pid, struct loc l)
{
	int r;

	ir_call(L->f, BPF_FUNC_get_current_pid_tgid, 0, l);
	r = lower_ret(L, l);
	ir_alui(L->f, BPF_RSH, r, r, 32, l);
	ir_jcci(L->f, BPF_JNE, r, pid, L->exit, l);
}

/* ---- scratch variables ---- */

struct var_first {
	struct probe *p;
	bool *decided, *init;
};

static int var_first_visit(const struct node *n, void *ctx)
{
	struct var_first *vf = ctx;

	if (n->kind == N_VAR && n->var && !vf->decided[n->var->id]) {
		vf->decided[n->var->id] = true;
		vf->init[n->var->id] = true;
	}
	return 0;
}

/* Statement @st alone (not the statements after it). */
static void visit_stmt(const struct node *st, struct var_first *vf)
{
	var_first_visit(st, vf);
	ast_visit(st->cond, var_first_visit, vf);
	ast_visit(st->lhs, var_first_visit, vf);
	ast_visit(st->rhs, var_first_visit, vf);
	ast_visit(st->args, var_first_visit, vf);
	ast_visit(st->body, var_first_visit, vf);
}

/* Which variables may be read where no assignment has run: those whose
 * first mention, in the order of the top-level statements, is not an
 * unconditional `$x = value` that does not read $x.  One walk. */
static bool *vars_to_init(struct lower *L, struct node *body)
{
	struct probe *p = L->p;
	struct var_first vf = {
		.p = p,
		.decided = arena_alloc(L->s->arena, p->nvars + 1),
		.init = arena_alloc(L->s->arena, p->nvars + 1),
	};
	struct node *st;

	if (body->kind != N_BLOCK) {
		visit_stmt(body, &vf);
		return vf.init;
	}
	for (st = body->body; st; st = st->next) {
		struct var *v = st->kind == N_ASSIGN && st->lhs->kind == N_VAR ?
				st->lhs->var : NULL;

		if (v && !vf.decided[v->id]) {
			vf.decided[v->id] = true;
			vf.init[v->id] = lower_mentions_var(st->rhs, v);
		}
		visit_stmt(st, &vf);
	}
	return vf.init;
}

/* A register per integer variable, a frame slot per memory one (held for
 * the whole probe), zeroed first where a read may come before any
 * assignment: as in bpftrace, such a read is 0 (or ""), and the verifier
 * refuses reads of what was never written. */
static void vars_setup(struct lower *L, struct node *body, struct loc l)
{
	struct probe *p = L->p;
	bool *init;
	unsigned i;

	L->var_reg = arena_alloc(L->s->arena, (p->nvars + 1) * sizeof(int));
	L->var_slot = arena_alloc(L->s->arena, (p->nvars + 1) * sizeof(int));
	if (!p->nvars)
		return;
	init = vars_to_init(L, body);
	for (i = 0; i < p->nvars; i++) {
		struct var *v = p->vars[i];
		struct node at = { .loc = v->loc };

		L->var_reg[i] = IR_NONE;
		if (!lower_is_mem(v->type)) {
			L->var_reg[i] = lower_vreg(L);
			if (init[i])
				ir_movi(L->f, L->var_reg[i], 0, l);
			continue;
		}
		L->var_slot[i] = lower_stack(L, v->type->size, &at,
					     arena_printf(L->s->arena,
							  "variable %s",
							  v->name));
		if (init[i])
			lower_zero(L, IR_FP, L->var_slot[i],
				   lower_round8(v->type->size), l);
	}
	L->base = L->sp;
}

int lower_probe(struct script *s, struct probe *p, struct diag *d)
{
	struct lower L = { .s = s, .p = p, .d = d };
	struct loc l = p->loc;
	struct pvar filter;
	int64_t filter_value;

	L.f = ir_new(s->arena);
	L.ctx = lower_vreg(&L);
	L.exit = ir_label(L.f);
	L.ret = ir_label(L.f);
	L.lost = IR_NONE;
	ir_mov(L.f, L.ctx, IR_CTX, l);
	lower_count_vars(&L, p->pred);
	lower_count_vars(&L, p->body);

	if (p->prov && p->prov->filter &&
	    !p->prov->filter(p, &filter, &filter_value)) {
		/* raw syscall tracepoints fire for every syscall; an
		 * iterator's program once more after the last object */
		struct val v = lower_pvar(&L, &filter, filter.type, l);

		ir_jcci(L.f, p->prov->filter_skips ? BPF_JEQ : BPF_JNE, v.reg,
			filter_value, L.exit, l);
		L.sp = 0;
	}
	if (s->opts.target_pid > 0 && p->prov &&
	    p->prov->pid_filter == PROV_PID_BPF)
		pid_filter(&L, s->opts.target_pid, l);
	if (p->child_only)
		child_filter(&L, l);
	if (p->pred && p->pred->is_const && !p->pred->cval)
		goto out;	/* never runs: no body to be unreachable */
	if (lower_var_uses(&L, &builtin_comm) > 1 &&
	    lower_comm_key_use(p->body)) {
		/* comm read more than once, as a whole map key among others
		 * (/comm == "x"/ { @[comm] = count(); }): one buffer for
		 * the probe, zero-padded, read once and then the key */
		struct node at = { .loc = l };

		L.comm_slot = lower_stack(&L, 16, &at, "comm buffer");
		L.base = L.sp;
	}
	if (p->pred) {
		struct regs_use u = { 0 };

		ast_visit(p->pred, regs_visit, &u);
		if (u.count)	/* the predicate reads arguments: copy first */
			regs_preread(&L, p->pred, p->body, l);
		lower_branch(&L, p->pred, false, L.exit);
		L.sp = L.base;
	}
	regs_preread(&L, NULL, p->body, l);
	vars_setup(&L, p->body, l);
	if (count_events(p->body) > 1 && !(p->prov && p->prov->seq_output)) {
		/* one lost-map update for all events: 1 instruction an event
		 * instead of 4, 5 once (records written into a seq_file are
		 * never lost: lower_output()) */
		L.lost = lower_vreg(&L);
		ir_movi(L.f, L.lost, 0, l);
	}
	lower_stmt(&L, p->body);

	ir_place(L.f, L.ret, l);
	if (L.lost != IR_NONE) {
		ir_jcci(L.f, BPF_JEQ, L.lost, 0, L.exit, l);
		lower_lost_add(&L, L.lost, l);
	}
out:
	ir_place(L.f, L.exit, l);
	ir_movi(L.f, IR_R0, 0, l);
	ir_exit(L.f, l);

	if (!L.ctx_used) {
		/* nobody reads ctx: drop the entry copy */
		memmove(&L.f->insns[0], &L.f->insns[1],
			(L.f->n - 1) * sizeof(L.f->insns[0]));
		L.f->n--;
	}
	p->ir = L.f;
	return L.err;
}
