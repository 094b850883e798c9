/* agg.c - aggregations: count(), sum(x), min(x), max(x), avg(x),
 * stats(x), hist(x) (and ply's quantize(x)), lhist(x, min, max, step), and
 * zero(@m), which empties their values.
 *
 * Input: `@m[k] = count()` and the like (sema allows aggregations as the
 * value of a map assignment only).  Output: the map's kind (layout.c picks
 * the BPF map: one shared value per key, or one per CPU for min/max and
 * keyless maps) and its value type, and IR that updates the value in
 * place (lower_agg_update() creates a missing key).  Adds in place are
 * BPF's atomic adds, the shortest add to memory BPF has, and correct when
 * CPUs share the value.  The
 * histograms' buckets are a trailing u64 of the key; the runtime folds
 * per-CPU values by the map's kind (sums, or the least/greatest value a
 * CPU has seen) and prints them as bpftrace does.
 */
#include <inttypes.h>

#include <linux/bpf.h>

#include "ast.h"
#include "builtin.h"
#include "layout.h"
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

/* ---- min(x), max(x): {s64 value; u64 seen} per CPU ---- */

static const struct type *minmax_check(struct sema *S, struct node *call)
{
	const struct type *t = int_arg(S, call);

	return sema_is_bad(t) ? t : &type_s64;
}

/* This CPU's value becomes x when it has none yet or x is beyond it: the
 * `seen` word tells a CPU that never saw the key (its value reads 0) from
 * one that saw 0, which the runtime's fold needs. */
static void minmax_in_place(struct lower *L, int p, struct node *call,
			    void *ctx)
{
	int v = *(int *)ctx, t = lower_vreg(L), set = ir_label(L->f);
	int keep = ir_label(L->f);
	struct loc l = call->loc;

	ir_ldx(L->f, BPF_DW, t, p, 8, l);
	ir_jcci(L->f, BPF_JEQ, t, 0, set, l);
	ir_ldx(L->f, BPF_DW, t, p, 0, l);
	ir_jcc(L->f, call->builtin->map_kind == MAP_MIN ? BPF_JSLE : BPF_JSGE,
	       t, v, keep, l);
	ir_place(L->f, set, l);
	ir_stx(L->f, BPF_DW, p, 0, v, l);
	ir_st(L->f, BPF_DW, p, 8, 1, l);
	ir_place(L->f, keep, l);
}

/* {x, seen 1} */
static void minmax_first(struct lower *L, int slot, struct node *call,
			 void *ctx)
{
	ir_stx(L->f, BPF_DW, IR_FP, slot, *(int *)ctx, call->loc);
	ir_st(L->f, BPF_DW, IR_FP, slot + 8, 1, call->loc);
}

static void minmax_lower(struct lower *L, struct node *assign,
			 struct node *call)
{
	static const struct lower_agg_ops ops = { minmax_in_place,
						  minmax_first };
	int key = agg_key(L, assign);
	int v = lower_reg(L, lower_int(L, call->args), call->loc);

	lower_agg_update(L, assign->lhs->map, key, call, &ops, &v);
}

const struct builtin builtin_min = {
	.name = "min",
	.kind = BK_AGG,
	.min_args = 1,
	.max_args = 1,
	.usage = "min(x)",
	.help = "@m[k] = min(x): the least x per key",
	.check = minmax_check,
	.map_kind = MAP_MIN,
	.lower_agg = minmax_lower,
};

const struct builtin builtin_max = {
	.name = "max",
	.kind = BK_AGG,
	.min_args = 1,
	.max_args = 1,
	.usage = "max(x)",
	.help = "@m[k] = max(x): the greatest x per key",
	.check = minmax_check,
	.map_kind = MAP_MAX,
	.lower_agg = minmax_lower,
};

/* ---- avg(x), stats(x): {u64 count; s64 total} ---- */

/* count += 1, total += x (atomic adds: see lower_agg_add()) */
static void avg_in_place(struct lower *L, int p, struct node *call, void *ctx)
{
	int v = *(int *)ctx;
	struct loc l = call->loc;

	ir_xadd(L->f, BPF_DW, p, 0, lower_reg(L, val_imm(1), l), l);
	ir_xadd(L->f, BPF_DW, p, 8, v, l);
}

static void avg_lower(struct lower *L, struct node *assign, struct node *call)
{
	/* never a per-CPU hash (layout.c): no first value */
	static const struct lower_agg_ops ops = { avg_in_place, NULL };
	int key = agg_key(L, assign);
	int v = lower_reg(L, lower_int(L, call->args), call->loc);

	lower_agg_update(L, assign->lhs->map, key, call, &ops, &v);
}

const struct builtin builtin_avg = {
	.name = "avg",
	.kind = BK_AGG,
	.min_args = 1,
	.max_args = 1,
	.usage = "avg(x)",
	.help = "@m[k] = avg(x): the average of x per key",
	.check = minmax_check,
	.map_kind = MAP_AVG,
	.lower_agg = avg_lower,
};

const struct builtin builtin_stats = {
	.name = "stats",
	.kind = BK_AGG,
	.min_args = 1,
	.max_args = 1,
	.usage = "stats(x)",
	.help = "@m[k] = stats(x): count, average and total of x per key",
	.check = minmax_check,
	.map_kind = MAP_STATS,
	.lower_agg = avg_lower,
};

/* ---- hist(x), quantize(x) ---- */

static const struct type *quantize_check(struct sema *S, struct node *call)
{
	const struct type *t = int_arg(S, call);

	return sema_is_bad(t) ? t : &type_u64;
}

/* hist() bucket of @x (script.h, as bpftrace's): 0 for x < 0, 1 for 0,
 * else b with 2^(b-2) <= x < 2^(b-1).  A binary search that shifts x down
 * to 0 or 1 while b collects the shifts from 1; then b + x is the bucket,
 * 1 for x == 0 included, so only a signed x needs a test up front. */
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
		int bucket = 1;

		if (x->type->is_signed && k < 0)
			bucket = 0;
		else if (u)
			for (bucket = 2; u >> 1; u >>= 1)
				bucket++;
		return val_imm(bucket);
	}
	v = lower_int(L, x);
	r = lower_own(L, v, l);
	b = lower_vreg(L);
	if (x->type->is_signed) {
		ir_movi(L->f, b, 0, l);
		done = ir_label(L->f);
		ir_jcci(L->f, BPF_JSLT, r, 0, done, l);
	}
	ir_movi(L->f, b, 1, l);
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

/* @m[k, bucket] += 1 */
static void bucket_add(struct lower *L, struct node *assign, struct node *call,
		       struct val (*bucket_of)(struct lower *L,
					       struct node *call))
{
	struct map *m = assign->lhs->map;
	int key = agg_key(L, assign);
	/* after the user keys, so that no helper call they make splits the
	 * bucket's live range */
	unsigned mark = L->sp;
	struct val bucket = bucket_of(L, call);

	lower_store8(L, IR_FP, key + (int)m->key_size - 8, bucket, call->loc);
	L->sp = mark;
	lower_agg_add(L, m, key, val_imm(1), call);
}

static struct val hist_bucket(struct lower *L, struct node *call)
{
	return quantize_bucket(L, call->args);
}

static void quantize_lower(struct lower *L, struct node *assign,
			   struct node *call)
{
	bucket_add(L, assign, call, hist_bucket);
}

const struct builtin builtin_hist = {
	.name = "hist",
	.kind = BK_AGG,
	.min_args = 1,
	.max_args = 1,
	.usage = "hist(x)",
	.help = "@m[k] = hist(x): power-of-2 histogram of x per key",
	.check = quantize_check,
	.map_kind = MAP_HIST,
	.lower_agg = quantize_lower,
};

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

/* ---- lhist(x, min, max, step) ---- */

/* A constant integer parameter, at least @least. */
static bool const_param(struct sema *S, struct node *call, struct node *a,
			const char *what, int64_t least)
{
	const struct type *t = sema_expr(S, a);

	if (sema_is_bad(t))
		return false;
	if (!type_is_int(t) || !a->is_const) {
		sema_error(S, &a->loc, "%s() needs a constant integer as its "
			   "%s", call->name, what);
		return false;
	}
	if (a->cval < least) {
		sema_error(S, &a->loc, "%s()'s %s must be at least %" PRId64
			   ", got %" PRId64, call->name, what, least,
			   a->cval);
		return false;
	}
	return true;
}

static const struct type *lhist_check(struct sema *S, struct node *call)
{
	const struct type *t = int_arg(S, call);
	struct node *lo = call->args->next, *hi = lo->next, *step = hi->next;
	bool ok = const_param(S, call, lo, "min", 0);

	ok &= const_param(S, call, hi, "max", 0);
	ok &= const_param(S, call, step, "step", 1);
	if (!ok || sema_is_bad(t))
		return sema_bad();
	if (hi->cval <= lo->cval) {
		sema_error(S, &hi->loc, "lhist()'s max must be above its min "
			   "(%" PRId64 ")", lo->cval);
		return sema_bad();
	}
	if ((hi->cval - lo->cval) / step->cval < 1 ||
	    (hi->cval - lo->cval) / step->cval > LHIST_MAX_BUCKETS) {
		sema_error(S, &step->loc, "lhist()'s step makes %" PRId64
			   " buckets of [min, max); 1 to %d", (hi->cval -
			   lo->cval) / step->cval, LHIST_MAX_BUCKETS);
		return sema_bad();
	}
	return &type_u64;
}

/* if (r cc k) goto label, k any 64-bit constant */
static void jump_k(struct lower *L, int cc, int r, int64_t k, int label,
		   struct loc l)
{
	if (lower_fits_s32(k))
		ir_jcci(L->f, cc, r, k, label, l);
	else
		ir_jcc(L->f, cc, r, lower_reg(L, val_imm(k), l), label, l);
}

/* 0 below min, nbuckets + 1 at or above max (or past the last whole
 * step), else 1 + (x - min) / step, as bpftrace counts */
static struct val lhist_bucket(struct lower *L, struct node *call)
{
	struct node *x = call->args, *lo = x->next, *hi = lo->next;
	int64_t min = lo->cval, max = hi->cval, step = hi->next->cval;
	int64_t top = (max - min) / step + 1;
	struct loc l = call->loc;
	int r, b = lower_vreg(L), done = ir_label(L->f);
	int cc_lt = x->type->is_signed ? BPF_JSLT : BPF_JLT;

	if (x->is_const) {
		int64_t v = x->cval, k;

		if (x->type->is_signed ? v < min : (uint64_t)v < (uint64_t)min)
			k = 0;
		else if (x->type->is_signed ? v >= max :
			 (uint64_t)v >= (uint64_t)max)
			k = top;
		else
			k = 1 + (v - min) / step;
		return val_imm(k < top ? k : top);
	}
	r = lower_own(L, lower_int(L, x), l);
	/* an unsigned x is never below a min of 0 */
	if (x->type->is_signed || min) {
		ir_movi(L->f, b, 0, l);
		jump_k(L, cc_lt, r, min, done, l);
	}
	ir_movi(L->f, b, top, l);
	jump_k(L, x->type->is_signed ? BPF_JSGE : BPF_JGE, r, max, done, l);
	/* min <= x < max: x - min is >= 0, an unsigned division, and
	 * 1 + (x - min) / step <= 1 + (max - min) / step = top: no clamp */
	if (min)
		r = lower_arith(L, B_SUB, &type_u64, val_reg(r, true),
				val_imm(min), l).reg;
	r = lower_arith(L, B_DIV, &type_u64, val_reg(r, true), val_imm(step),
			l).reg;
	ir_alui(L->f, BPF_ADD, r, r, 1, l);
	ir_mov(L->f, b, r, l);
	ir_place(L->f, done, l);
	return val_reg(b, true);
}

static void lhist_lower(struct lower *L, struct node *assign,
			struct node *call)
{
	bucket_add(L, assign, call, lhist_bucket);
}

static void lhist_params(struct map *m, const struct node *call)
{
	const struct node *lo = call->args->next, *hi = lo->next;

	m->lhist_min = lo->cval;
	m->lhist_max = hi->cval;
	m->lhist_step = hi->next->cval;
}

const struct builtin builtin_lhist = {
	.name = "lhist",
	.kind = BK_AGG,
	.min_args = 4,
	.max_args = 4,
	.usage = "lhist(x, min, max, step)",
	.help = "@m[k] = lhist(...): linear histogram of x per key",
	.check = lhist_check,
	.map_kind = MAP_LHIST,
	.lower_agg = lhist_lower,
	.map_params = lhist_params,
};

/* ---- zero(@m) ---- */

static bool zero_lower(struct lower *L, struct node *call)
{
	lower_event(L, call, EV_ZERO);
	return true;
}

const struct builtin builtin_zero = {
	.name = "zero",
	.kind = BK_EVENT,
	.min_args = 1,
	.max_args = 1,
	.usage = "zero(@m)",
	.help = "set every value of a map to zero, keeping its keys",
	.check = sema_map_arg,
	.lower_stmt = zero_lower,
};
