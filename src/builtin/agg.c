/* agg.c - aggregations: count(), sum(x), quantize(x).
 *
 * Input: `@m[k] = count()` and the like (sema allows aggregations as the
 * value of a map assignment only).  Output: the map's kind (layout.h lays
 * such maps out per CPU) and its value type, and IR that adds to this CPU's
 * value in place, or creates it: no atomics.  quantize's log2 bucket is a
 * trailing u64 of the key; the runtime prints those maps as histograms.
 */
#include <linux/bpf.h>

#include "ast.h"
#include "builtin.h"
#include "lower.h"
#include "script.h"
#include "sema.h"
#include "type.h"

/* The integer argument of sum() and quantize(). */
static const struct type *int_arg(struct sema *S, struct node *call)
{
	const struct type *t = sema_expr(S, call->args);

	if (sema_is_bad(t))
		return sema_bad();
	if (!type_is_int(t)) {
		sema_error(S, &call->args->loc, "%s() needs an integer, got %s",
			   call->name, sema_type_name(S, t));
		return sema_bad();
	}
	return t;
}

/* The key of `@m[k] = ...` on the stack. */
static int agg_key(struct lower *L, struct node *assign)
{
	return lower_key(L, assign->lhs->map, lower_map_keys(assign->lhs),
			 NULL, assign->lhs);
}

/* ---- count() ---- */

static const struct type *count_check(struct sema *S, struct node *call)
{
	return &type_u64;
}

static void count_lower(struct lower *L, struct node *assign,
			struct node *call)
{
	lower_agg_add(L, assign->lhs->map, agg_key(L, assign), val_imm(1),
		      call);
}

const struct builtin builtin_count = {
	.name = "count",
	.kind = BK_AGG,
	.usage = "count()",
	.help = "@m[k] = count(): events per key",
	.check = count_check,
	.map_kind = MAP_COUNT,
	.lower_agg = count_lower,
};

/* ---- sum(x) ---- */

static const struct type *sum_check(struct sema *S, struct node *call)
{
	const struct type *t = int_arg(S, call);

	if (sema_is_bad(t))
		return t;
	/* sums keep the sign of what they add up */
	return type_int(8, t->is_signed);
}

static void sum_lower(struct lower *L, struct node *assign,
		      struct node *call)
{
	struct val x = lower_int(L, call->args);

	lower_agg_add(L, assign->lhs->map, agg_key(L, assign), x, call);
}

const struct builtin builtin_sum = {
	.name = "sum",
	.kind = BK_AGG,
	.min_args = 1,
	.max_args = 1,
	.usage = "sum(x)",
	.help = "@m[k] = sum(x): x added up per key",
	.check = sum_check,
	.map_kind = MAP_SUM,
	.lower_agg = sum_lower,
};

/* ---- quantize(x) ---- */

static const struct type *quantize_check(struct sema *S, struct node *call)
{
	const struct type *t = int_arg(S, call);

	return sema_is_bad(t) ? t : &type_u64;
}

/* log2 bucket of @x (script.h): 0 for x < 1, else b with
 * 2^(b-1) <= x < 2^b.  A binary search that shifts x down to 0 or 1 while
 * b collects the shifts; then b + x is the bucket, 0 for x == 0 included,
 * so only a signed x needs a test up front. */
static struct val quantize_bucket(struct lower *L, struct node *x)
{
	static const int steps[] = { 16, 8, 4, 2, 1 };
	struct loc l = x->loc;
	struct val v;
	int r, b, t, done = IR_NONE, skip;
	unsigned i;

	if (x->is_const) {
		int64_t k = x->cval;
		uint64_t u = (uint64_t)k;
		int bucket = 0;

		if (x->type->is_signed ? k >= 1 : u >= 1)
			for (bucket = 1; u >> 1; u >>= 1)
				bucket++;
		return val_imm(bucket);
	}
	v = lower_int(L, x);
	r = lower_own(L, v, l);
	b = lower_vreg(L);
	ir_movi(L->f, b, 0, l);
	if (x->type->is_signed) {
		done = ir_label(L->f);
		ir_jcci(L->f, BPF_JSLT, r, 1, done, l);
	}
	/* 2^32 is no 32-bit immediate: test the high half by shifting */
	t = lower_vreg(L);
	skip = ir_label(L->f);
	ir_mov(L->f, t, r, l);
	ir_alui(L->f, BPF_RSH, t, t, 32, l);
	ir_jcci(L->f, BPF_JEQ, t, 0, skip, l);
	ir_mov(L->f, r, t, l);
	ir_alui(L->f, BPF_ADD, b, b, 32, l);
	ir_place(L->f, skip, l);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		skip = ir_label(L->f);
		ir_jcci(L->f, BPF_JLT, r, (int64_t)1 << steps[i], skip, l);
		ir_alui(L->f, BPF_RSH, r, r, steps[i], l);
		ir_alui(L->f, BPF_ADD, b, b, steps[i], l);
		ir_place(L->f, skip, l);
	}
	ir_alu(L->f, BPF_ADD, b, b, r, l);
	if (done != IR_NONE)
		ir_place(L->f, done, l);
	return val_reg(b, true);
}

static void quantize_lower(struct lower *L, struct node *assign,
			   struct node *call)
{
	struct map *m = assign->lhs->map;
	int key = agg_key(L, assign);
	/* after the user keys, so that no helper call they make splits the
	 * bucket's live range */
	unsigned mark = L->sp;
	struct val bucket = quantize_bucket(L, call->args);

	lower_store8(L, IR_FP, key + (int)m->key_size - 8, bucket, call->loc);
	L->sp = mark;
	lower_agg_add(L, m, key, val_imm(1), call);
}

const struct builtin builtin_quantize = {
	.name = "quantize",
	.kind = BK_AGG,
	.min_args = 1,
	.max_args = 1,
	.usage = "quantize(x)",
	.help = "@m[k] = quantize(x): log2 histogram of x per key",
	.check = quantize_check,
	.map_kind = MAP_QUANTIZE,
	.lower_agg = quantize_lower,
};
