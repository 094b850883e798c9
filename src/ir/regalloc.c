/* regalloc.c - linear-scan register allocation for the BPF calling convention.
 *
 * Input: a function from lower_probe() in virtual registers (forward jumps,
 * but for loops' back edges; physical registers only at ABI edges).  Output: the same function in
 * physical registers r0-r9, with spill code added where ten registers are not
 * enough, and f->stack grown by the spill slots.
 *
 * Webs.  Lowering reuses virtual registers for unrelated values; first each
 * web (definitions and uses that reach each other) gets its own register,
 * so the intervals below are those of values, not of names.
 *
 * Positions.  Instruction i has two positions: 2i, where it reads its
 * operands, and 2i+1, where it writes its result.  A value last read by i and
 * a value written by i may therefore share a register, which is what lets
 * `v2 = v1 + 1` become `r1 += 1`.
 *
 * Intervals.  Without loops a value can only be live between one of its
 * definitions and one of its later uses, so a virtual register's interval is
 * simply [first appearance, last use] in program order.  This covers a value
 * defined before a branch and read after the join, and a value with a
 * definition on each of two paths (the result of ?: or of a map read that
 * defaults to 0).  Holes (a value dead on one path) are ignored: intervals are
 * conservative, never wrong.
 *
 * Loops.  A while loop is the one place a jump goes backwards: from inside
 * the loop (its end, a continue) to its head, a label placed before.  A
 * value live at the head is live all around the loop, so its interval is
 * stretched over [head, last back edge]; which values are live at each head
 * comes from an iterative backward liveness pass over the virtual registers
 * (bit sets at labels), run only when the function has a loop.  Every other
 * value's live range stays within one trip through the loop body, where
 * program order is the rule above.  The web splitting gives each loop head a
 * merge point of its own for every register (a phi), joined with what the
 * back edges bring.
 *
 * Physical registers are precoloured and may be live in several short pieces
 * (r1 before every call), so for them an exact backward liveness pass (cheap:
 * one 16-bit mask per instruction) marks every position where each of r0-r9
 * is taken.  Hints steer values into the ABI register they are copied to or
 * from (`r1 = v` wants v in r1), and a result into its operand's register.  A CALL writes r0 and clobbers r1-r5 at its write position, which
 * is how "a value live across a call must sit in r6-r9" falls out of the
 * ordinary conflict test rather than being a special rule.
 *
 * Two-address ALU.  BPF computes `dst op= src`; the emitter turns
 * `dst = a op b` into `mov dst, a; op dst, b`.  That is wrong when dst and b
 * share a register and op is not commutative, so for SUB, DIV, MOD and the
 * shifts b counts as read at the write position: it then conflicts with dst.
 * The one case that cannot be expressed that way (the same virtual register
 * as dst and b) is split first with a copy.  Lowering may therefore use any
 * operands; the emitter may rely on reg(dst) != reg(b) for non-commutative
 * ops unless reg(a) == reg(b).
 *
 * Spilling.  When no register is free, the interval with the fewest
 * references per position it occupies (the cheapest to keep in memory; on a
 * tie the one ending last) is spilled whole to an 8-byte slot below
 * f->stack (LDX/STX of BPF_DW on r10 at 8-aligned offsets, which the
 * verifier tracks exactly, keeping pointer types and NULL-check ids).  The spilled register is then rewritten: every use
 * reads a fresh temporary loaded just before the instruction, every
 * definition writes a fresh temporary stored just after it, and allocation
 * runs again.  The temporaries live for at most two instructions and are
 * never spilled, so they always find a register: at one instruction at most
 * three of them are live, next to at most five fixed argument registers.
 * Each round spills at least one original register, so the loop ends.
 * Slots are shared by spilled values whose lifetimes do not overlap.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "arena.h"
#include "ir.h"
#include "regalloc.h"

#define RA_NREGS	10	/* r0-r9; r10 is the read-only frame pointer */
#define RA_CALLER_SAVED	0x3f	/* r0-r5: written or clobbered by CALL */

struct ra_ival {
	int vreg;
	int start, end;		/* positions, see above; start == -1: unused */
	int refs;		/* definitions and uses: what a spill costs */
	int hint_reg;		/* a physical register it is copied to/from */
	int hint_vreg;		/* a register it is computed from */
};

/* A loop: its head (the LABEL) and its last back edge, instruction indexes. */
struct ra_loop {
	int head, back;
};

struct ra_slot {
	int off;		/* from r10, negative, 8-aligned */
	int lo, hi;		/* instructions accessing it (this round) */
};

struct ra {
	struct ir_func *f;
	struct diag *d;
	const struct loc *where;
	int first_temp;		/* vregs from here on are spill temporaries */
	unsigned data_stack;	/* f->stack as lowering left it */

	/* per round */
	int nv;			/* f->next_vreg */
	int npos;		/* 2 * f->n */
	int *label_at;		/* label -> index of its LABEL */
	struct ra_loop *loops;	/* the back edges' loops */
	unsigned nloops;
	int *taken;		/* RA_NREGS x (npos + 1) prefix counts of
				 * positions where a physical register is fixed */
	struct ra_ival *iv;	/* indexed by vreg - IR_VREG0 */
	int *reg;		/* vreg - IR_VREG0 -> physical, -1 */
	bool *spilled;

	struct ra_slot *slots;
	unsigned nslots, slots_cap;
	struct ra_stats stats;
};

static bool ra_is_vreg(int r)
{
	return r >= IR_VREG0;
}

static bool ra_is_alloc_phys(int r)
{
	return r >= 0 && r < RA_NREGS;
}

/* SUB, DIV, MOD and shifts: `mov dst, a; op dst, b` needs dst != b. */
static bool ra_noncommutative(const struct ir_insn *in)
{
	return in->op == IR_ALU && !ir_alu_commutes(in->code);
}

/* Registers read at 2i, including the implicit ones: CALL reads r1..rN,
 * EXIT reads r0.  Returns how many were stored in @r. */
static unsigned ra_uses(const struct ir_insn *in, int r[7])
{
	const struct ir_op_info *oi = &ir_op_info[in->op];
	unsigned n = 0, k;

	if (oi->a && in->a != IR_NONE)
		r[n++] = in->a;
	if (oi->b && in->b != IR_NONE)
		r[n++] = in->b;
	if (in->op == IR_CALL)
		for (k = 1; k <= in->nargs; k++)
			r[n++] = (int)k;
	if (in->op == IR_EXIT)
		r[n++] = IR_R0;
	return n;
}

/* The register written at 2i+1 (CALL: r0), or IR_NONE. */
static int ra_def(const struct ir_insn *in)
{
	if (in->op == IR_CALL)
		return IR_R0;
	if (ir_op_info[in->op].dst)
		return in->dst;
	return IR_NONE;
}

static uint16_t ra_bit(int r)
{
	return ra_is_alloc_phys(r) ? (uint16_t)(1u << r) : 0;
}

static void *ra_zalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fprintf(stderr, "spry: out of memory\n");
		abort();
	}
	return p;
}

static void ra_round_free(struct ra *ra)
{
	free(ra->label_at);
	free(ra->loops);
	ra->loops = NULL;
	ra->nloops = 0;
	free(ra->taken);
	free(ra->iv);
	free(ra->reg);
	free(ra->spilled);
	ra->label_at = ra->taken = ra->reg = NULL;
	ra->iv = NULL;
	ra->spilled = NULL;
}

static int ra_label_index(const struct ra *ra, int label)
{
	assert(label >= 0 && label < ra->f->next_label && "jump to a known label");
	assert(ra->label_at[label] >= 0 && "jump to a placed label");
	return ra->label_at[label];
}

/* One backward pass of the exact liveness of r0-r9, filling taken[] (the
 * positions where each register is fixed); whether a live-in changed. */
static bool ra_phys_pass(struct ra *ra, uint16_t *live_in)
{
	struct ir_func *f = ra->f;
	int np = ra->npos;
	unsigned i, k, nu;
	int r, u[7];
	bool changed = false;

	for (i = f->n; i-- > 0;) {
		const struct ir_insn *in = &f->insns[i];
		unsigned flags = ir_op_info[in->op].flags;
		uint16_t out = 0, use = 0, def, at_def, in_new;

		if (!(flags & IR_F_END))
			out |= live_in[i + 1];
		if (flags & IR_F_JUMP) {
			int t = ra_label_index(ra, in->label);

			assert(((unsigned)t > i || ra->nloops) &&
			       "jumps go forward but for loops' back edges");
			out |= live_in[t];
		}
		nu = ra_uses(in, u);
		for (k = 0; k < nu; k++)
			use |= ra_bit(u[k]);
		def = ra_bit(ra_def(in));
		if (in->op == IR_CALL)
			def |= RA_CALLER_SAVED;
		in_new = use | (out & (uint16_t)~def);
		changed |= in_new != live_in[i];
		live_in[i] = in_new;
		at_def = out | def;
		if (ra_noncommutative(in))
			at_def |= ra_bit(in->b);
		/* taken[r][p] counts the positions < p where r is fixed */
		for (r = 0; r < RA_NREGS; r++) {
			ra->taken[r * (np + 1) + 2 * i] = !!(live_in[i] & (1u << r));
			ra->taken[r * (np + 1) + 2 * i + 1] = !!(at_def & (1u << r));
		}
	}
	return changed;
}

/* Exact liveness of r0-r9: one backward pass when all jumps go forward
 * (the live-in of every jump target is known when the jump is reached);
 * with loops, passes until nothing changes, a back edge reading the head's
 * live-in of the pass before. */
static void ra_phys_liveness(struct ra *ra)
{
	struct ir_func *f = ra->f;
	uint16_t *live_in = ra_zalloc(f->n + 1, sizeof(*live_in));
	int np = ra->npos, r;

	ra->taken = ra_zalloc((size_t)RA_NREGS * (np + 1), sizeof(*ra->taken));
	while (ra_phys_pass(ra, live_in) && ra->nloops)
		;
	for (r = 0; r < RA_NREGS; r++) {
		int *t = &ra->taken[r * (np + 1)];
		int sum = 0, p;

		for (p = 0; p <= np; p++) {
			int v = p < np ? t[p] : 0;

			t[p] = sum;
			sum += v;
		}
	}
	free(live_in);
}

/* Is physical @r fixed anywhere in [s, e]? */
static bool ra_fixed(const struct ra *ra, int r, int s, int e)
{
	const int *t = &ra->taken[r * (ra->npos + 1)];

	return t[e + 1] - t[s] > 0;
}

static void ra_touch(struct ra_ival *v, int pos)
{
	v->refs++;
	if (v->start < 0 || pos < v->start)
		v->start = pos;
	if (pos > v->end)
		v->end = pos;
}

/* Into @out: which of the @nl registers @vregs have an interval holding
 * instruction @x, a place outside the loop. */
static void ra_live_at(const struct ra *ra, const int *vregs, int nl, int x,
		       uint64_t *out)
{
	int v;

	memset(out, 0, ((size_t)nl + 63) / 64 * sizeof(*out));
	for (v = 0; v < nl; v++) {
		const struct ra_ival *iv = &ra->iv[vregs[v]];

		if (iv->start < 2 * x && iv->end >= 2 * x)
			out[v / 64] |= 1ull << (v % 64);
	}
}

/* Loops: the values live at a loop's head are live all around it, so
 * their intervals cover [head, last back edge].  Which they are: backward
 * liveness of the virtual registers over the loop's own instructions,
 * passes until nothing changes (back edges read the pass before), with bit
 * sets of the registers that appear in it, kept at its labels.  Where a
 * jump leaves the loop, or its end falls out of it, the registers live are
 * those whose interval holds that place: outside loops intervals are
 * exact enough for that, and an outer loop's own pass stretches what it
 * carries round over the whole inner loop anyway.  Per loop, so many small
 * loops (an aggregation's insert is one) cost what they hold, not labels
 * times registers of the whole function: 100,000 of them took 20 GB. */
static void ra_loop_live(struct ra *ra, const struct ra_loop *lp, int *local,
			 int *vregs, int *lab)
{
	struct ir_func *f = ra->f;
	int lo = lp->head, hi = lp->back, nl = 0, v, u[7];
	unsigned i, k, nu, j, nlab = 0;
	size_t w;
	uint64_t *at, *cur, *out;
	bool changed = true;

	/* the registers that appear in the loop, numbered from 0 */
	for (i = (unsigned)lo; i <= (unsigned)hi; i++) {
		const struct ir_insn *in = &f->insns[i];
		int d = ra_def(in);

		nu = ra_uses(in, u);
		if (ra_is_vreg(d))
			u[nu++] = d;
		for (k = 0; k < nu; k++)
			if (ra_is_vreg(u[k]) && local[u[k] - IR_VREG0] < 0) {
				local[u[k] - IR_VREG0] = nl;
				vregs[nl++] = u[k] - IR_VREG0;
			}
		nlab += in->op == IR_LABEL;
	}
	w = ((size_t)nl + 63) / 64;
	at = ra_zalloc((size_t)nlab * w + 1, sizeof(*at));
	cur = ra_zalloc(w + 1, sizeof(*cur));
	out = ra_zalloc(w + 1, sizeof(*out));
	for (i = (unsigned)lo, j = 0; i <= (unsigned)hi; i++)
		if (f->insns[i].op == IR_LABEL)
			lab[f->insns[i].label] = (int)++j;	/* 0: outside */
	while (changed) {
		changed = false;
		ra_live_at(ra, vregs, nl, hi + 1, out);
		memcpy(cur, out, w * sizeof(*cur));
		for (i = (unsigned)hi + 1; i-- > (unsigned)lo;) {
			const struct ir_insn *in = &f->insns[i];
			unsigned flags = ir_op_info[in->op].flags;
			int d = ra_def(in);

			if (in->op == IR_LABEL) {
				uint64_t *l = &at[(size_t)(lab[in->label] - 1) * w];

				if (memcmp(l, cur, w * sizeof(*cur))) {
					memcpy(l, cur, w * sizeof(*cur));
					changed = true;
				}
				continue;
			}
			if (flags & IR_F_END)
				memset(cur, 0, w * sizeof(*cur));
			if (flags & IR_F_JUMP) {
				const uint64_t *t = out;

				if (lab[in->label])
					t = &at[(size_t)(lab[in->label] - 1) * w];
				else
					ra_live_at(ra, vregs, nl,
						   ra->label_at[in->label], out);
				for (j = 0; j < w; j++)
					cur[j] |= t[j];
			}
			if (ra_is_vreg(d)) {
				v = local[d - IR_VREG0];
				cur[v / 64] &= ~(1ull << (v % 64));
			}
			nu = ra_uses(in, u);
			for (k = 0; k < nu; k++)
				if (ra_is_vreg(u[k])) {
					v = local[u[k] - IR_VREG0];
					cur[v / 64] |= 1ull << (v % 64);
				}
		}
	}
	/* the head is the loop's first instruction, its label */
	for (v = 0; v < nl; v++) {
		struct ra_ival *iv = &ra->iv[vregs[v]];

		if ((at[v / 64] & (1ull << (v % 64))) && iv->start >= 0) {
			if (2 * lo < iv->start)
				iv->start = 2 * lo;
			if (2 * hi + 1 > iv->end)
				iv->end = 2 * hi + 1;
		}
		local[vregs[v]] = -1;
	}
	for (i = (unsigned)lo; i <= (unsigned)hi; i++)
		if (f->insns[i].op == IR_LABEL)
			lab[f->insns[i].label] = 0;
	free(at);
	free(cur);
	free(out);
}

static void ra_loop_intervals(struct ra *ra)
{
	int nv = ra->nv - IR_VREG0, v;
	int *local = ra_zalloc((size_t)nv + 1, sizeof(*local));
	int *vregs = ra_zalloc((size_t)nv + 1, sizeof(*vregs));
	int *lab = ra_zalloc((size_t)ra->f->next_label + 1, sizeof(*lab));
	unsigned k;

	for (v = 0; v < nv; v++)
		local[v] = -1;
	for (k = 0; k < ra->nloops; k++)
		ra_loop_live(ra, &ra->loops[k], local, vregs, lab);
	free(local);
	free(vregs);
	free(lab);
}

static void ra_intervals(struct ra *ra)
{
	struct ir_func *f = ra->f;
	unsigned i, k, nu;
	int v, u[7];

	ra->iv = ra_zalloc(ra->nv - IR_VREG0, sizeof(*ra->iv));
	for (v = IR_VREG0; v < ra->nv; v++) {
		struct ra_ival *iv = &ra->iv[v - IR_VREG0];

		iv->vreg = v;
		iv->start = iv->end = -1;
		iv->hint_reg = iv->hint_vreg = -1;
	}
	for (i = 0; i < f->n; i++) {
		const struct ir_insn *in = &f->insns[i];
		int d = ra_def(in);

		nu = ra_uses(in, u);
		for (k = 0; k < nu; k++)
			if (ra_is_vreg(u[k]))
				ra_touch(&ra->iv[u[k] - IR_VREG0], 2 * (int)i);
		if (ra_noncommutative(in) && ra_is_vreg(in->b))
			ra_touch(&ra->iv[in->b - IR_VREG0], 2 * (int)i + 1);
		if (ra_is_vreg(d))
			ra_touch(&ra->iv[d - IR_VREG0], 2 * (int)i + 1);

		/* hints: copies to and from ABI registers, and a result
		 * computed from an operand (saves the two-address mov) */
		if (in->op == IR_MOV && ra_is_vreg(in->dst) &&
		    ra_is_alloc_phys(in->a))
			ra->iv[in->dst - IR_VREG0].hint_reg = in->a;
		if (in->op == IR_MOV && ra_is_vreg(in->a) &&
		    ra_is_alloc_phys(in->dst) &&
		    ra->iv[in->a - IR_VREG0].hint_reg < 0)
			ra->iv[in->a - IR_VREG0].hint_reg = in->dst;
		/* the first definition decides: the register is picked
		 * when the interval starts */
		if ((in->op == IR_MOV || in->op == IR_ALU ||
		     in->op == IR_ALUI || in->op == IR_NEG ||
		     in->op == IR_MOV32 || in->op == IR_BSWAP) &&
		    ra_is_vreg(in->dst) && ra_is_vreg(in->a) &&
		    ra->iv[in->dst - IR_VREG0].hint_vreg < 0 &&
		    ra->iv[in->dst - IR_VREG0].hint_reg < 0)
			ra->iv[in->dst - IR_VREG0].hint_vreg = in->a;
	}
	/* A chain `t = ..; t2 = t & ..; r3 = t2` would like t in r3 too: pass
	 * ABI hints back to the values a result is computed from. */
	for (i = f->n; i-- > 0;) {
		const struct ir_insn *in = &f->insns[i];

		if ((in->op == IR_MOV || in->op == IR_ALU ||
		     in->op == IR_ALUI || in->op == IR_NEG ||
		     in->op == IR_BSWAP) &&
		    ra_is_vreg(in->dst) && ra_is_vreg(in->a) &&
		    ra->iv[in->a - IR_VREG0].hint_reg < 0)
			ra->iv[in->a - IR_VREG0].hint_reg =
				ra->iv[in->dst - IR_VREG0].hint_reg;
	}
	if (ra->nloops)
		ra_loop_intervals(ra);
}

static int ra_cmp_start(const void *x, const void *y)
{
	const struct ra_ival *a = *(const struct ra_ival *const *)x;
	const struct ra_ival *b = *(const struct ra_ival *const *)y;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->vreg < b->vreg ? -1 : a->vreg > b->vreg;
}

static bool ra_can_take(const struct ra *ra, int r, const int owner[],
			const struct ra_ival *cur)
{
	return r >= 0 && r < RA_NREGS && owner[r] < 0 &&
	       !ra_fixed(ra, r, cur->start, cur->end);
}

/* A free register for @cur: its hints first, then r0-r5 (keeping r6-r9 for
 * values that must survive calls), then r6-r9; -1 if none. */
static int ra_pick(const struct ra *ra, const int owner[],
		   const struct ra_ival *cur)
{
	int r;

	if (ra_can_take(ra, cur->hint_reg, owner, cur))
		return cur->hint_reg;
	if (cur->hint_vreg >= 0 &&
	    ra_can_take(ra, ra->reg[cur->hint_vreg - IR_VREG0], owner, cur))
		return ra->reg[cur->hint_vreg - IR_VREG0];
	for (r = 0; r < RA_NREGS; r++)
		if (ra_can_take(ra, r, owner, cur))
			return r;
	return -1;
}

/* Is @a a better spill than @b: fewer references per position, then the
 * later end? */
static bool ra_cheaper(const struct ra_ival *a, const struct ra_ival *b)
{
	long wa = (long)a->refs * (b->end - b->start + 1);
	long wb = (long)b->refs * (a->end - a->start + 1);

	if (wa != wb)
		return wa < wb;
	return a->end > b->end;
}

/* One linear scan.  Returns the number of registers it decided to spill, or
 * -1 if a spill temporary found no register (cannot happen with the BPF ABI,
 * see the file comment). */
static int ra_scan(struct ra *ra)
{
	int n = ra->nv - IR_VREG0, nsorted = 0, nspill = 0, i, r;
	struct ra_ival **sorted = ra_zalloc(n, sizeof(*sorted));
	int owner[RA_NREGS];	/* vreg - IR_VREG0 holding r, or -1 */

	ra->reg = ra_zalloc(n, sizeof(*ra->reg));
	ra->spilled = ra_zalloc(n, sizeof(*ra->spilled));
	for (i = 0; i < n; i++) {
		ra->reg[i] = -1;
		if (ra->iv[i].start >= 0)
			sorted[nsorted++] = &ra->iv[i];
	}
	qsort(sorted, nsorted, sizeof(*sorted), ra_cmp_start);
	for (r = 0; r < RA_NREGS; r++)
		owner[r] = -1;

	for (i = 0; i < nsorted; i++) {
		struct ra_ival *cur = sorted[i];
		int ci = cur->vreg - IR_VREG0, victim = -1, vreg_r = -1;
		const struct ra_ival *best = NULL;

		for (r = 0; r < RA_NREGS; r++)
			if (owner[r] >= 0 && ra->iv[owner[r]].end < cur->start)
				owner[r] = -1;

		r = ra_pick(ra, owner, cur);
		if (r >= 0) {
			owner[r] = ci;
			ra->reg[ci] = r;
			continue;
		}

		/* Spill-everywhere costs a load or store per reference, so
		 * among cur and the values holding a register cur could use,
		 * spill the one with the fewest references per position it
		 * keeps a register busy; on a tie, the one ending last. */
		if (cur->vreg < ra->first_temp)
			best = cur;
		for (r = 0; r < RA_NREGS; r++) {
			int o = owner[r];

			if (o < 0 || ra->iv[o].vreg >= ra->first_temp ||
			    ra_fixed(ra, r, cur->start, cur->end))
				continue;
			if (!best || ra_cheaper(&ra->iv[o], best)) {
				best = &ra->iv[o];
				victim = o;
				vreg_r = r;
			}
		}
		if (victim >= 0) {
			ra->stats.spills++;
			ra->spilled[victim] = true;
			ra->reg[victim] = -1;
			owner[vreg_r] = ci;
			ra->reg[ci] = vreg_r;
		} else if (cur->vreg < ra->first_temp) {
			ra->stats.spills++;
			ra->spilled[ci] = true;
		} else {
			free(sorted);
			return -1;
		}
		nspill++;
	}
	free(sorted);
	return nspill;
}

static int ra_find(int *parent, int x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

static void ra_union(int *parent, int x, int y)
{
	x = ra_find(parent, x);
	y = ra_find(parent, y);
	if (x != y)
		parent[y] = x;
}

/* The reaching webs at a jump, kept for its label: (vreg, web) pairs of
 * the registers that can still be read after the jump (see below). */
struct ra_snap {
	struct ra_snap *next;	/* the label's other incoming jumps */
	unsigned n;
	int pair[];		/* n x (vreg - IR_VREG0, web) */
};

/* Which labels a later jump goes back to (loop heads, true in the array
 * returned), and the outermost loop around each instruction: loop[i] is
 * the first instruction (the head's label) of the outermost loop that
 * holds instruction i, -1 outside loops, and loop_end[] the last (its last
 * back edge), by the head's index. */
static bool *ra_loop_heads(const struct ir_func *f, int *loop, int *loop_end)
{
	int *at = ra_zalloc(f->next_label, sizeof(*at));
	bool *head = ra_zalloc(f->next_label, sizeof(*head));
	int lo = -1, hi = -1;
	unsigned i;

	for (i = 0; i < (unsigned)f->next_label; i++)
		at[i] = -1;
	for (i = 0; i < f->n; i++) {
		const struct ir_insn *in = &f->insns[i];

		loop_end[i] = -1;
		if (in->op == IR_LABEL && in->label >= 0) {
			at[in->label] = (int)i;
		} else if ((ir_op_info[in->op].flags & IR_F_JUMP) &&
			   at[in->label] >= 0) {
			head[in->label] = true;
			if (loop_end[at[in->label]] < (int)i)
				loop_end[at[in->label]] = (int)i;
		}
	}
	/* outermost ranges: a head inside the current range extends it */
	for (i = 0; i < f->n; i++) {
		int end = loop_end[i];

		if ((int)i > hi)
			lo = -1;
		if (end > (int)i) {
			if (lo < 0)
				lo = (int)i;
			if (end > hi)
				hi = end;
		}
		loop[i] = lo;
	}
	/* a range extended by an inner head reaches its last instruction */
	for (i = f->n; i-- > 0;)
		if (loop[i] >= 0 && (int)i > loop_end[loop[i]])
			loop_end[loop[i]] = (int)i;
	free(at);
	return head;
}

/* Add a register to the active list. */
static void ra_activate(int *act, int *act_at, int *nact, int v)
{
	if (act_at[v] >= 0)
		return;
	act_at[v] = *nact;
	act[(*nact)++] = v;
}

static void ra_deactivate(int *act, int *act_at, int *nact, int v)
{
	int at = act_at[v];

	if (at < 0)
		return;
	act[at] = act[--*nact];
	act_at[act[at]] = at;
	act_at[v] = -1;
}

/* A snapshot of the active registers' reaching webs. */
static struct ra_snap *ra_snapshot(const int *act, int nact, const int *cur,
				   struct ra_snap *next)
{
	struct ra_snap *sn = ra_zalloc(1, sizeof(*sn) +
				       2 * (size_t)nact * sizeof(int));
	int k;

	for (k = 0; k < nact; k++) {
		if (cur[act[k]] < 0)
			continue;
		sn->pair[2 * sn->n] = act[k];
		sn->pair[2 * sn->n + 1] = cur[act[k]];
		sn->n++;
	}
	sn->next = next;
	return sn;
}

static void ra_free_snaps(struct ra_snap *sn)
{
	while (sn) {
		struct ra_snap *next = sn->next;

		free(sn);
		sn = next;
	}
}

/* Give every web its own virtual register.  Lowering reuses a register for
 * unrelated values (`v = r0; v = v >> 32`, `acc = acc + x` chains); a web is
 * a set of definitions and uses that reach each other, and only a web needs
 * one register.  Splitting them first keeps intervals short and lets a
 * spill store only the values that are read back.  One forward pass with
 * reaching definitions (forward jumps: a label's incoming states are
 * complete when it is reached) and union-find at the joins.  A loop head
 * starts a web of its own for each register (a phi, joined with what
 * arrives from before), which each back edge joins with what it brings
 * round.
 *
 * Linear time: a jump records the reaching web of only the registers that
 * are active at it, and a loop head makes phis only for those.  Active
 * means between a register's first and last appearance, both widened to
 * the outermost loop around them (a value read at a loop's top may come
 * from its bottom).  No other register can matter at the label: one whose
 * last appearance is before it is never read again, and one that first
 * appears after the jump has no definition to pass on.  Few registers span
 * a jump (a statement's values die with it), so the states cost what the
 * jumps do, not jumps times registers, which was quadratic: 20,000 `if`
 * statements in one probe took 8 s. */
static void ra_split_webs(struct ra *ra)
{
	struct ir_func *f = ra->f;
	unsigned n = f->n, i;
	int nv = f->next_vreg - IR_VREG0, nids = 0, nact = 0, v, k;
	int *loop = ra_zalloc(n + 1, sizeof(*loop));
	int *loop_end = ra_zalloc(n + 1, sizeof(*loop_end));
	bool *head = ra_loop_heads(f, loop, loop_end);
	int *parent, *web_vreg;
	size_t nweb = 3 * (size_t)n + 1;
	int *opnd = ra_zalloc(3 * (size_t)n + 1, sizeof(*opnd));
	int *cur = ra_zalloc(nv, sizeof(*cur));
	int *first = ra_zalloc(nv, sizeof(*first));
	int *last = ra_zalloc(nv, sizeof(*last));
	int *act = ra_zalloc(nv, sizeof(*act));	/* the active registers */
	int *act_at = ra_zalloc(nv, sizeof(*act_at)); /* index in act, -1 */
	/* registers by the instruction where they become active, and where
	 * they stop being (lists through next_*) */
	int *starts = ra_zalloc(n + 1, sizeof(*starts));
	int *ends = ra_zalloc(n + 1, sizeof(*ends));
	int *next_start = ra_zalloc(nv, sizeof(*next_start));
	int *next_end = ra_zalloc(nv, sizeof(*next_end));
	struct ra_snap **pending = ra_zalloc(f->next_label, sizeof(*pending));
	struct ra_snap **phi = ra_zalloc(f->next_label, sizeof(*phi));
	int *map;
	bool *kept;
	bool live = true;

	for (v = 0; v < nv; v++)
		cur[v] = act_at[v] = first[v] = last[v] = -1;
	for (i = 0; i < n; i++) {
		const struct ir_insn *in = &f->insns[i];
		const struct ir_op_info *oi = &ir_op_info[in->op];
		const int r[3] = { oi->dst ? in->dst : IR_NONE,
				   oi->a ? in->a : IR_NONE,
				   oi->b ? in->b : IR_NONE };

		starts[i] = ends[i] = -1;
		for (k = 0; k < 3; k++) {
			if (!ra_is_vreg(r[k]))
				continue;
			v = r[k] - IR_VREG0;
			if (first[v] < 0)
				first[v] = (int)i;
			last[v] = (int)i;
		}
	}
	for (v = 0; v < nv; v++) {
		if (first[v] < 0)
			continue;
		if (loop[first[v]] >= 0)
			first[v] = loop[first[v]];
		if (loop[last[v]] >= 0)
			last[v] = loop_end[loop[last[v]]];
		next_start[v] = starts[first[v]];
		starts[first[v]] = v;
		next_end[v] = ends[last[v]];
		ends[last[v]] = v;
	}
	/* webs: at most three an instruction, and a phi for each register
	 * active at a loop head */
	for (i = 0, k = 0; i < n; i++) {
		const struct ir_insn *in = &f->insns[i];

		for (v = starts[i]; v >= 0; v = next_start[v])
			k++;
		if (in->op == IR_LABEL && in->label >= 0 && head[in->label])
			nweb += (size_t)k;
		for (v = ends[i]; v >= 0; v = next_end[v])
			k--;
	}
	parent = ra_zalloc(nweb, sizeof(*parent));
	web_vreg = ra_zalloc(nweb, sizeof(*web_vreg));

	for (i = 0; i < n; i++) {
		struct ir_insn *in = &f->insns[i];
		const struct ir_op_info *oi = &ir_op_info[in->op];
		int *r[3] = { &in->dst, &in->a, &in->b };
		unsigned flags = oi->flags;

		for (v = starts[i]; v >= 0; v = next_start[v])
			ra_activate(act, act_at, &nact, v);
		opnd[3 * i] = opnd[3 * i + 1] = opnd[3 * i + 2] = -1;
		if (in->op == IR_LABEL) {
			struct ra_snap *sn = in->label >= 0 ?
					     pending[in->label] : NULL;

			/* after an unconditional jump or exit only the
			 * jumps reach here */
			if (!live)
				for (k = 0; k < nact; k++)
					cur[act[k]] = -1;
			/* a register no longer active is dead here: its
			 * webs stay apart */
			for (; sn; sn = sn->next)
				for (k = 0; k < (int)sn->n; k++) {
					int sv = sn->pair[2 * k];
					int w = sn->pair[2 * k + 1];

					if (act_at[sv] < 0)
						continue;
					if (cur[sv] < 0)
						cur[sv] = w;
					else
						ra_union(parent, cur[sv], w);
				}
			if (in->label >= 0) {
				ra_free_snaps(pending[in->label]);
				pending[in->label] = NULL;
			}
			live = true;
			if (in->label >= 0 && head[in->label]) {
				for (k = 0; k < nact; k++) {
					v = act[k];
					parent[nids] = nids;
					web_vreg[nids] = v;
					if (cur[v] >= 0)
						ra_union(parent, nids, cur[v]);
					cur[v] = nids++;
				}
				phi[in->label] = ra_snapshot(act, nact, cur,
							     NULL);
			}
			for (v = ends[i]; v >= 0; v = next_end[v])
				ra_deactivate(act, act_at, &nact, v);
			continue;
		}
		/* uses (a, b), then the definition */
		for (k = 1; k <= 2; k++) {
			if (!(k == 1 ? oi->a : oi->b) || !ra_is_vreg(*r[k]))
				continue;
			v = *r[k] - IR_VREG0;
			if (cur[v] < 0) {
				/* read before any write: a web of its own */
				parent[nids] = nids;
				web_vreg[nids] = v;
				cur[v] = nids++;
			}
			opnd[3 * i + k] = cur[v];
		}
		if (oi->dst && ra_is_vreg(in->dst)) {
			v = in->dst - IR_VREG0;
			parent[nids] = nids;
			web_vreg[nids] = v;
			cur[v] = nids++;
			opnd[3 * i] = cur[v];
		}
		if ((flags & IR_F_JUMP) && phi[in->label]) {
			/* a back edge: to a head already passed */
			struct ra_snap *sn = phi[in->label];

			for (k = 0; k < (int)sn->n; k++)
				if (cur[sn->pair[2 * k]] >= 0)
					ra_union(parent, sn->pair[2 * k + 1],
						 cur[sn->pair[2 * k]]);
		}
		/* registers last seen here are done with */
		for (v = ends[i]; v >= 0; v = next_end[v])
			ra_deactivate(act, act_at, &nact, v);
		if ((flags & IR_F_JUMP) && !phi[in->label])
			pending[in->label] = ra_snapshot(act, nact, cur,
							 pending[in->label]);
		if (flags & IR_F_END)
			live = false;
	}

	/* the first web of a register keeps its number */
	map = ra_zalloc(nids, sizeof(*map));
	kept = ra_zalloc(nv, sizeof(*kept));
	for (k = 0; k < nids; k++)
		map[k] = -1;
	for (i = 0; i < n; i++) {
		struct ir_insn *in = &f->insns[i];
		int *r[3] = { &in->dst, &in->a, &in->b };

		for (k = 0; k < 3; k++) {
			int w = opnd[3 * i + k];

			if (w < 0)
				continue;
			w = ra_find(parent, w);
			if (map[w] < 0) {
				v = web_vreg[w];
				map[w] = kept[v] ? ir_vreg(f) : v + IR_VREG0;
				kept[v] = true;
			}
			*r[k] = map[w];
		}
	}
	for (k = 0; k < f->next_label; k++) {
		ra_free_snaps(pending[k]);
		ra_free_snaps(phi[k]);
	}
	free(pending);
	free(phi);
	free(head);
	free(loop);
	free(loop_end);
	free(parent);
	free(web_vreg);
	free(opnd);
	free(cur);
	free(first);
	free(last);
	free(act);
	free(act_at);
	free(starts);
	free(ends);
	free(next_start);
	free(next_end);
	free(map);
	free(kept);
}

/* Split `d = a op d` (op not commutative) into `t = d; d = a op t`: the only
 * form where dst and b cannot get different registers by conflict alone. */
static void ra_split_twoaddr(struct ra *ra)
{
	struct ir_func *f = ra->f;
	struct ir_insn *old = f->insns;
	unsigned n = f->n, i;

	for (i = 0; i < n; i++)
		if (ra_noncommutative(&old[i]) && old[i].dst == old[i].b &&
		    old[i].a != old[i].b)
			break;
	if (i == n)
		return;

	f->insns = NULL;
	f->n = f->cap = 0;
	for (i = 0; i < n; i++) {
		struct ir_insn in = old[i];

		if (ra_noncommutative(&in) && in.dst == in.b && in.a != in.b) {
			int t = ir_vreg(f);

			ir_mov(f, t, in.b, in.loc);
			in.b = t;
		}
		*ir_emit(f, in.op, in.loc) = in;
	}
}

/* Slots already used by earlier rounds are busy where their spill code is. */
/* The slot an LDX or STX on r10 accesses, or -1. */
static int ra_slot_of(const struct ra *ra, const struct ir_insn *in)
{
	unsigned s;

	if ((in->op != IR_LDX && in->op != IR_STX) || in->a != IR_FP)
		return -1;
	for (s = 0; s < ra->nslots; s++)
		if (ra->slots[s].off == in->off)
			return (int)s;
	return -1;
}

/* A slot whose value is live at a loop's head (read in the loop before it
 * is written, or kept around it) is busy all around the loop.  Which are:
 * backward liveness of the slots (at most 64: 512 bytes of 8-byte slots),
 * one mask per label, passes until nothing changes. */
static void ra_slot_loops(struct ra *ra)
{
	struct ir_func *f = ra->f;
	uint64_t *at = ra_zalloc((size_t)f->next_label + 1, sizeof(*at));
	uint64_t cur, mask;
	bool changed = true;
	unsigned i, k, s;
	int sl;

	assert(ra->nslots <= 64 && "8-byte slots in a 512-byte frame");
	while (changed) {
		changed = false;
		cur = 0;
		for (i = f->n; i-- > 0;) {
			const struct ir_insn *in = &f->insns[i];
			unsigned flags = ir_op_info[in->op].flags;

			if (in->op == IR_LABEL) {
				changed |= at[in->label] != cur;
				at[in->label] = cur;
				continue;
			}
			if (flags & IR_F_END)
				cur = 0;
			if (flags & IR_F_JUMP)
				cur |= at[in->label];
			sl = ra_slot_of(ra, in);
			if (sl >= 0 && in->op == IR_STX)
				cur &= ~(1ull << sl);
			else if (sl >= 0)
				cur |= 1ull << sl;
		}
	}
	for (k = 0; k < ra->nloops; k++) {
		const struct ra_loop *lp = &ra->loops[k];

		mask = at[f->insns[lp->head].label];
		for (s = 0; s < ra->nslots; s++) {
			struct ra_slot *slot = &ra->slots[s];

			if (!(mask & (1ull << s)))
				continue;
			if (slot->lo < 0 || lp->head < slot->lo)
				slot->lo = lp->head;
			if (lp->back > slot->hi)
				slot->hi = lp->back;
		}
	}
	free(at);
}

static void ra_slot_ranges(struct ra *ra)
{
	struct ir_func *f = ra->f;
	unsigned i, s;

	for (s = 0; s < ra->nslots; s++)
		ra->slots[s].lo = ra->slots[s].hi = -1;
	for (i = 0; i < f->n; i++) {
		const struct ir_insn *in = &f->insns[i];

		if ((in->op != IR_LDX && in->op != IR_STX) || in->a != IR_FP)
			continue;
		for (s = 0; s < ra->nslots; s++) {
			struct ra_slot *sl = &ra->slots[s];

			if (in->off != sl->off)
				continue;
			if (sl->lo < 0)
				sl->lo = (int)i;
			sl->hi = (int)i;
		}
	}
	if (ra->nloops)
		ra_slot_loops(ra);
}

/* A slot for a value whose spill code will sit in instructions [lo, hi]. */
static int ra_slot_for(struct ra *ra, int lo, int hi)
{
	struct ra_slot *sl;
	unsigned s;
	int off;

	for (s = 0; s < ra->nslots; s++) {
		sl = &ra->slots[s];
		if (sl->lo < 0 || sl->hi < lo || sl->lo > hi) {
			if (sl->lo < 0 || lo < sl->lo)
				sl->lo = lo;
			if (hi > sl->hi)
				sl->hi = hi;
			return sl->off;
		}
	}
	off = ir_stack(ra->f, 8, 8);
	if (!off)
		return 0;
	if (ra->nslots == ra->slots_cap) {
		ra->slots_cap = ra->slots_cap ? 2 * ra->slots_cap : 8;
		ra->slots = realloc(ra->slots,
				    ra->slots_cap * sizeof(*ra->slots));
		if (!ra->slots) {
			fprintf(stderr, "spry: out of memory\n");
			abort();
		}
	}
	sl = &ra->slots[ra->nslots++];
	sl->off = off;
	sl->lo = lo;
	sl->hi = hi;
	ra->stats.slots++;
	return off;
}

/* Rewrite every spilled register through short-lived temporaries. */
static int ra_spill(struct ra *ra)
{
	struct ir_func *f = ra->f;
	int n = ra->nv - IR_VREG0, v;
	int *slot = ra_zalloc(n, sizeof(*slot));
	struct ir_insn *old = f->insns;
	unsigned nold = f->n, i;

	ra_slot_ranges(ra);
	for (v = 0; v < n; v++) {
		if (!ra->spilled[v])
			continue;
		slot[v] = ra_slot_for(ra, ra->iv[v].start / 2,
				      ra->iv[v].end / 2);
		if (!slot[v]) {
			free(slot);
			diag_error(ra->d, ra->where,
				   "probe needs more than 512 bytes of BPF stack "
				   "(%u bytes of data, the rest register spills)",
				   ra->data_stack);
			return -E2BIG;
		}
	}

	f->insns = NULL;
	f->n = f->cap = 0;
	for (i = 0; i < nold; i++) {
		struct ir_insn in = old[i];
		const struct ir_op_info *oi = &ir_op_info[in.op];
		int ta = IR_NONE, tb = IR_NONE, td = IR_NONE, sd = 0;

		if (oi->a && ra_is_vreg(in.a) && ra->spilled[in.a - IR_VREG0]) {
			ta = ir_vreg(f);
			ir_ldx(f, BPF_DW, ta, IR_FP, slot[in.a - IR_VREG0], in.loc);
		}
		if (oi->b && ra_is_vreg(in.b) && ra->spilled[in.b - IR_VREG0]) {
			if (in.b == in.a) {
				tb = ta;
			} else {
				tb = ir_vreg(f);
				ir_ldx(f, BPF_DW, tb, IR_FP,
				       slot[in.b - IR_VREG0], in.loc);
			}
		}
		if (oi->dst && ra_is_vreg(in.dst) &&
		    ra->spilled[in.dst - IR_VREG0]) {
			sd = slot[in.dst - IR_VREG0];
			/* `v = v op x` keeps one temporary for v */
			td = in.dst == in.a && ta != IR_NONE ? ta : ir_vreg(f);
		}
		if (ta != IR_NONE)
			in.a = ta;
		if (tb != IR_NONE)
			in.b = tb;
		if (td != IR_NONE)
			in.dst = td;
		*ir_emit(f, in.op, in.loc) = in;
		if (td != IR_NONE)
			ir_stx(f, BPF_DW, IR_FP, sd, td, in.loc);
	}
	free(slot);
	return 0;
}

static void ra_rewrite(struct ra *ra)
{
	struct ir_func *f = ra->f;
	unsigned i;

	for (i = 0; i < f->n; i++) {
		struct ir_insn *in = &f->insns[i];
		int *r[3] = { &in->dst, &in->a, &in->b };
		unsigned k;

		for (k = 0; k < 3; k++) {
			if (!ra_is_vreg(*r[k]))
				continue;
			assert(ra->reg[*r[k] - IR_VREG0] >= 0 &&
			       "every virtual register got a register");
			*r[k] = ra->reg[*r[k] - IR_VREG0];
		}
	}
	ra->stats.vregs = (unsigned)(ra->first_temp - IR_VREG0);
}

static void ra_build_labels(struct ra *ra)
{
	struct ir_func *f = ra->f;
	unsigned i, *loop_of;
	int l;

	ra->label_at = ra_zalloc(f->next_label, sizeof(*ra->label_at));
	for (l = 0; l < f->next_label; l++)
		ra->label_at[l] = -1;
	for (i = 0; i < f->n; i++)
		if (f->insns[i].op == IR_LABEL) {
			assert(f->insns[i].label >= 0 &&
			       f->insns[i].label < f->next_label &&
			       "label made by ir_label");
			ra->label_at[f->insns[i].label] = (int)i;
		}
	/* back edges: a loop per head (loop_of: its index + 1, by label),
	 * up to its last back edge */
	loop_of = ra_zalloc((size_t)f->next_label + 1, sizeof(*loop_of));
	for (i = 0; i < f->n; i++) {
		const struct ir_insn *in = &f->insns[i];
		int h;
		unsigned k;

		if (!(ir_op_info[in->op].flags & IR_F_JUMP) ||
		    (h = ra_label_index(ra, in->label)) > (int)i)
			continue;
		if (!loop_of[in->label]) {
			if (!(ra->nloops & (ra->nloops - 1))) {
				ra->loops = realloc(ra->loops,
					(ra->nloops ? 2 * ra->nloops : 1) *
					sizeof(*ra->loops));
				if (!ra->loops) {
					fprintf(stderr, "spry: out of memory\n");
					abort();
				}
			}
			ra->loops[ra->nloops++] = (struct ra_loop){ h, (int)i };
			loop_of[in->label] = ra->nloops;
		}
		k = loop_of[in->label] - 1;
		ra->loops[k].back = (int)i;
	}
	free(loop_of);
}

int ra_alloc_stats(struct ir_func *f, const struct loc *where,
		   struct diag *d, struct ra_stats *st)
{
	struct ra ra;
	int err = 0, n;

	memset(&ra, 0, sizeof(ra));
	ra.f = f;
	ra.d = d;
	ra.where = where;
	ra.data_stack = f->stack;

	ra_split_webs(&ra);
	ra_split_twoaddr(&ra);
	ra.first_temp = f->next_vreg;
	for (;;) {
		ra.nv = f->next_vreg;
		ra.npos = 2 * (int)f->n;
		ra_build_labels(&ra);
		ra_phys_liveness(&ra);
		ra_intervals(&ra);
		n = ra_scan(&ra);
		if (n < 0) {
			diag_error(d, where,
				   "internal error: no register left for a spill "
				   "temporary");
			err = -EINVAL;
			break;
		}
		if (n == 0) {
			ra_rewrite(&ra);
			break;
		}
		err = ra_spill(&ra);
		if (err)
			break;
		ra_round_free(&ra);
	}
	ra_round_free(&ra);
	free(ra.slots);
	if (st)
		*st = ra.stats;
	return err;
}

int ra_alloc(struct ir_func *f, const struct loc *where, struct diag *d)
{
	return ra_alloc_stats(f, where, d, NULL);
}
