/* lower_int.c - integer expressions, conditions and provider variables.
 *
 * Input: typed integer and pointer expressions.  Output: IR computing each
 * into a register (struct val: an immediate or a register), and branches on
 * conditions with && and || short-circuited.  Integers live in 64-bit
 * registers, always sign- or zero-extended from their type.
 *
 * Reuse.  A builtin variable the probe reads more than once and whose value
 * stays the same through one run of the program (pid, tid, uid, gid, cpu)
 * is computed once, when that first evaluation lies on every path to the
 * later ones (lower_unconditional()), and later reads are register reads.
 */
#include <assert.h>

#include <linux/bpf.h>

#include "arch.h"
#include "arena.h"
#include "ast.h"
#include "builtin.h"
#include "lower.h"
#include "provider.h"
#include "script.h"

/* ---- registers ---- */

int lower_reg(struct lower *L, struct val v, struct loc l)
{
	int r;

	if (!v.imm)
		return v.reg;
	r = lower_vreg(L);
	ir_movi(L->f, r, v.k, l);
	return r;
}

int lower_own(struct lower *L, struct val v, struct loc l)
{
	int r;

	if (!v.imm && v.owned)
		return v.reg;
	r = lower_vreg(L);
	if (v.imm)
		ir_movi(L->f, r, v.k, l);
	else
		ir_mov(L->f, r, v.reg, l);
	return r;
}

/* The target kernel predates BPF_MEMSX: loads zero-extend. */
void lower_extend(struct lower *L, int r, const struct type *t, struct loc l)
{
	unsigned sh;

	if (!t || t->kind != T_INT || !t->is_signed || t->size >= 8)
		return;
	sh = 64 - 8 * t->size;
	ir_alui(L->f, BPF_LSH, r, r, sh, l);
	ir_alui(L->f, BPF_ARSH, r, r, sh, l);
}

static void set_val(struct lower *L, int r, struct val v, struct loc l)
{
	if (v.imm)
		ir_movi(L->f, r, v.k, l);
	else
		ir_mov(L->f, r, v.reg, l);
}

/* ---- builtin variables and their reuse ---- */

struct lower_reuse {
	const struct builtin *b;
	unsigned uses;		/* mentions in the probe */
	int reg;		/* holds its value from here on, or IR_NONE */
};

static struct lower_reuse *reuse_find(struct lower *L,
				       const struct builtin *b)
{
	unsigned i;

	for (i = 0; i < L->nreuse; i++)
		if (L->reuse[i].b == b)
			return &L->reuse[i];
	return NULL;
}

static int count_visit(const struct node *n, void *ctx)
{
	struct lower *L = ctx;
	struct lower_reuse *r;

	if (n->kind != N_IDENT || !n->builtin)
		return 0;
	r = reuse_find(L, n->builtin);
	if (!r) {
		L->reuse = arena_grow(L->s->arena, L->reuse,
				      L->nreuse * sizeof(*L->reuse),
				      (L->nreuse + 1) * sizeof(*L->reuse));
		r = &L->reuse[L->nreuse++];
		r->b = n->builtin;
		r->reg = IR_NONE;
	}
	r->uses++;
	return 0;
}

void lower_count_vars(struct lower *L, const struct node *tree)
{
	ast_visit(tree, count_visit, L);
}

unsigned lower_var_uses(struct lower *L, const struct builtin *b)
{
	struct lower_reuse *r = reuse_find(L, b);

	return r ? r->uses : 0;
}

/* A builtin variable.  One the probe reads again whose value stays the
 * same through a run (its row says stable) is computed once, where every
 * later read must have passed (its helper call, shift and copy become a
 * register read), and handed out read-only. */
static struct val ex_builtin(struct lower *L, struct node *n)
{
	struct lower_reuse *ru = reuse_find(L, n->builtin);
	struct val v;

	if (ru && ru->reg != IR_NONE)
		return val_reg(ru->reg, false);
	v = n->builtin->lower_int(L, n);
	if (n->builtin->stable && ru && ru->uses > 1 && !v.imm &&
	    lower_unconditional(L)) {
		ru->reg = v.reg;
		return val_reg(v.reg, false);
	}
	return v;
}

/* ---- provider variables ---- */

struct val lower_pvar(struct lower *L, const struct pvar *pv,
		      const struct type *t, struct loc l)
{
	struct addr a;
	int r;

	switch (pv->kind) {
	case PV_CTX:
		return val_reg(lower_ctx(L), false);
	case PV_CTX_LOAD:
		a = (struct addr){ true, AS_CTX, lower_ctx(L), pv->off };
		return lower_load(L, &a, t, l);
	case PV_REG:
		if (!pv->indirect) {
			a = (struct addr){ true, AS_CTX, lower_ctx(L), pv->off };
			return lower_load(L, &a, t, l);
		}
		if (pv->typed_regs) {
			r = lower_vreg(L);
			ir_ldx(L->f, BPF_DW, r, lower_ctx(L), 0, l);
			a = (struct addr){ true, AS_KERNEL, r, pv->off };
			return lower_load(L, &a, t, l);
		}
		if (L->regs_slot && pv->off >= L->regs_lo &&
		    pv->off + (int)t->size <= L->regs_hi) {
			/* read at entry with its neighbours */
			a = (struct addr){ true, AS_KERNEL, IR_FP,
					   L->regs_slot + pv->off - L->regs_lo };
			return lower_load(L, &a, t, l);
		}
		/* raw tracepoints: ctx->args[0] is the struct pt_regs * */
		r = lower_vreg(L);
		ir_ldx(L->f, BPF_DW, r, lower_ctx(L), 0, l);
		a = (struct addr){ false, AS_KERNEL, r, pv->off };
		return lower_load_regs(L, &a, t, l);
	case PV_CONST:
		return val_imm(pv->val);
	case PV_UMEM:
		/* regs is ctx itself (uprobes): the base register (a word:
		 * 4 bytes on 32-bit arm), then the value through
		 * bpf_probe_read_user; the provider keeps val within an int */
		r = lower_vreg(L);
		ir_ldx(L->f, L->s->arch && L->s->arch->word_size == 4 ? BPF_W :
		       BPF_DW, r, lower_ctx(L), pv->off, l);
		a = (struct addr){ false, AS_USER, r, (int)pv->val };
		return lower_load(L, &a, t, l);
	case PV_COOKIE:
	case PV_FUNC_IP:
		lower_call(L, pv->kind == PV_COOKIE ? BPF_FUNC_get_attach_cookie
			   : BPF_FUNC_get_func_ip, l, LA_REG(lower_ctx(L)));
		return val_reg(lower_ret(L, l), true);
	}
	assert(0 && "unknown provider variable kind");
	return val_imm(0);
}

static struct val ex_pvar(struct lower *L, struct node *n)
{
	return lower_pvar(L, n->pvar, n->type ? n->type : n->pvar->type,
			  n->loc);
}

/* ---- comparisons ---- */

static int cmp_code(int op, bool sgn)
{
	switch (op) {
	case B_LT:	return sgn ? BPF_JSLT : BPF_JLT;
	case B_LE:	return sgn ? BPF_JSLE : BPF_JLE;
	case B_GT:	return sgn ? BPF_JSGT : BPF_JGT;
	case B_GE:	return sgn ? BPF_JSGE : BPF_JGE;
	case B_EQ:	return BPF_JEQ;
	case B_NE:	return BPF_JNE;
	}
	assert(0 && "not a comparison");
	return BPF_JEQ;
}

static bool is_cmp(int op)
{
	return op == B_LT || op == B_LE || op == B_GT || op == B_GE ||
	       op == B_EQ || op == B_NE;
}

static bool cmp_signed(const struct node *n)
{
	const struct type *a = n->lhs->type, *b = n->rhs->type;

	if (!type_is_int(a) || !type_is_int(b))
		return false;
	return type_common(a, b)->is_signed;
}

/* if (a cc b) goto label, with an immediate on either side when possible */
static void jump_cc(struct lower *L, int cc, struct val a, struct val b,
		    int label, struct loc l)
{
	if (b.imm && lower_fits_s32(b.k))
		ir_jcci(L->f, cc, lower_reg(L, a, l), b.k, label, l);
	else if (a.imm && lower_fits_s32(a.k))
		ir_jcci(L->f, ir_cc_swap(cc), b.reg, a.k, label, l);
	else
		ir_jcc(L->f, cc, lower_reg(L, a, l), lower_reg(L, b, l),
		       label, l);
}

/* 0/1 from a condition.  For a plain integer comparison the operands come
 * first so that the result register is not live across their calls. */
static struct val ex_bool(struct lower *L, struct node *n)
{
	int r = lower_vreg(L), end = ir_label(L->f);
	struct node *c = n, *sa, *sb;
	bool neg = false;

	if (n->kind == N_UNARY && n->op == U_NOT) {
		c = n->lhs;
		neg = true;
	}
	if (c->kind == N_BINARY && is_cmp(c->op) &&
	    !lower_str_eq_operands(c, &sa, &sb)) {
		struct val a = lower_int(L, c->lhs), b = lower_int(L, c->rhs);
		int cc = cmp_code(c->op, cmp_signed(c));

		ir_movi(L->f, r, 1, n->loc);
		jump_cc(L, neg ? ir_cc_invert(cc) : cc, a, b, end, n->loc);
		ir_movi(L->f, r, 0, n->loc);
	} else if (neg && !c->is_const && !(c->kind == N_BINARY &&
		   (c->op == B_LAND || c->op == B_LOR || is_cmp(c->op))) &&
		   !(c->kind == N_UNARY && c->op == U_NOT)) {
		struct val v = lower_int(L, c);

		ir_movi(L->f, r, 0, n->loc);
		ir_jcci(L->f, BPF_JNE, lower_reg(L, v, n->loc), 0, end, n->loc);
		ir_movi(L->f, r, 1, n->loc);
	} else {
		ir_movi(L->f, r, 0, n->loc);
		lower_branch(L, n, false, end);
		ir_movi(L->f, r, 1, n->loc);
	}
	ir_place(L->f, end, n->loc);
	return val_reg(r, true);
}

/* ---- arithmetic ---- */

static int alu_code(const struct node *n)
{
	switch (n->op) {
	case B_MUL:	return BPF_MUL;
	case B_DIV:	return BPF_DIV;
	case B_MOD:	return BPF_MOD;
	case B_ADD:	return BPF_ADD;
	case B_SUB:	return BPF_SUB;
	case B_SHL:	return BPF_LSH;
	case B_SHR:	return n->type->is_signed ? BPF_ARSH : BPF_RSH;
	case B_AND:	return BPF_AND;
	case B_XOR:	return BPF_XOR;
	case B_OR:	return BPF_OR;
	}
	assert(0 && "not an arithmetic operator");
	return BPF_ADD;
}

static bool alu_imm_ok(int code, int64_t k)
{
	switch (code) {
	case BPF_DIV:
	case BPF_MOD:
		/* the verifier rejects a constant zero divisor; the
		 * register form has BPF's defined x/0 == 0 */
		return k > 0 && k <= INT32_MAX;
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		return k >= 0 && k < 64;
	}
	return lower_fits_s32(k);
}

/* A value known to be >= 0 from its type: no sign fix-up needed. */
static bool nonneg(const struct node *n)
{
	if (n->is_const)
		return n->cval >= 0;
	if (n->type->kind == T_INT && !n->type->is_signed && n->type->size < 8)
		return true;
	if (n->kind == N_UNARY && n->op == U_NOT)
		return true;
	if (n->kind != N_BINARY)
		return false;
	switch (n->op) {
	case B_AND:
		return nonneg(n->lhs) || nonneg(n->rhs);
	case B_OR:
	case B_XOR:
	case B_DIV:
	case B_MOD:
		return nonneg(n->lhs) && nonneg(n->rhs);
	case B_SHR:
		return nonneg(n->lhs) || (!n->type->is_signed &&
					  n->rhs->is_const && n->rhs->cval > 0);
	default:
		return is_cmp(n->op) || n->op == B_LAND || n->op == B_LOR;
	}
}

static void emit_abs(struct lower *L, int r, struct loc l)
{
	int skip = ir_label(L->f);

	ir_jcci(L->f, BPF_JSGE, r, 0, skip, l);
	ir_neg(L->f, r, r, l);
	ir_place(L->f, skip, l);
}

/* Signed / and %: BPF (as of the 6.1 target) only divides unsigned, so
 * divide the magnitudes and give the result the sign C gives it (the
 * dividend's for %, the operands' product's for /). */
static struct val ex_sdiv(struct lower *L, struct node *n, int code)
{
	struct loc l = n->loc;
	struct val a = lower_int(L, n->lhs), b = lower_int(L, n->rhs);
	int ra = lower_own(L, a, l), rb, s, skip;

	if (b.imm && b.k != 0 && b.k != INT64_MIN &&
	    (b.k < 0 ? -b.k : b.k) <= INT32_MAX) {
		int64_t k = b.k < 0 ? -b.k : b.k;
		bool flip = b.k < 0 && code == BPF_DIV;

		if (nonneg(n->lhs)) {
			ir_alui(L->f, code, ra, ra, k, l);
			if (flip)
				ir_neg(L->f, ra, ra, l);
			return val_reg(ra, true);
		}
		s = lower_vreg(L);
		ir_mov(L->f, s, ra, l);
		emit_abs(L, ra, l);
		ir_alui(L->f, code, ra, ra, k, l);
		skip = ir_label(L->f);
		ir_jcci(L->f, flip ? BPF_JSLT : BPF_JSGE, s, 0, skip, l);
		ir_neg(L->f, ra, ra, l);
		ir_place(L->f, skip, l);
		return val_reg(ra, true);
	}
	rb = nonneg(n->rhs) ? lower_reg(L, b, l) : lower_own(L, b, l);
	s = IR_NONE;
	if (!nonneg(n->lhs) || (code == BPF_DIV && !nonneg(n->rhs))) {
		s = lower_vreg(L);
		ir_mov(L->f, s, ra, l);
		if (code == BPF_DIV)
			ir_alu(L->f, BPF_XOR, s, s, rb, l);
	}
	if (!nonneg(n->lhs))
		emit_abs(L, ra, l);
	if (!nonneg(n->rhs))
		emit_abs(L, rb, l);
	ir_alu(L->f, code, ra, ra, rb, l);
	if (s != IR_NONE) {
		skip = ir_label(L->f);
		ir_jcci(L->f, BPF_JSGE, s, 0, skip, l);
		ir_neg(L->f, ra, ra, l);
		ir_place(L->f, skip, l);
	}
	return val_reg(ra, true);
}

static int log2_exact(uint64_t v)
{
	int i;

	for (i = 0; i < 64; i++)
		if (v == (uint64_t)1 << i)
			return i;
	return -1;
}

/* int operand of pointer arithmetic, times the pointee size */
static struct val scale(struct lower *L, struct val v, unsigned size,
			struct loc l)
{
	int r, sh;

	if (size <= 1)
		return v;
	if (v.imm)
		return val_imm(v.k * (int64_t)size);
	r = lower_own(L, v, l);
	sh = log2_exact(size);
	if (sh > 0)
		ir_alui(L->f, BPF_LSH, r, r, sh, l);
	else
		ir_alui(L->f, BPF_MUL, r, r, size, l);
	return val_reg(r, true);
}

static unsigned pointee_size(const struct type *t)
{
	return t->base && t->base->size ? t->base->size : 1;
}

static int binop_code(int op, const struct type *t)
{
	struct node n = { .op = op, .type = t };

	return alu_code(&n);
}

struct val lower_arith(struct lower *L, int op, const struct type *t,
		       struct val a, struct val b, struct loc l)
{
	int code = binop_code(op, t), ra, rb, s, skip;

	if (t->kind == T_PTR && (op == B_ADD || op == B_SUB))
		b = scale(L, b, pointee_size(t), l);
	ra = lower_own(L, a, l);
	if ((code == BPF_DIV || code == BPF_MOD) && t->is_signed) {
		/* divide the magnitudes, give the result C's sign (see
		 * ex_sdiv) */
		s = lower_vreg(L);
		ir_mov(L->f, s, ra, l);
		emit_abs(L, ra, l);
		if (b.imm && b.k != INT64_MIN &&
		    (b.k < 0 ? -b.k : b.k) <= INT32_MAX && b.k) {
			if (code == BPF_DIV && b.k < 0)
				ir_alui(L->f, BPF_XOR, s, s, -1, l);
			ir_alui(L->f, code, ra, ra, b.k < 0 ? -b.k : b.k, l);
		} else {
			rb = lower_own(L, b, l);
			if (code == BPF_DIV)
				ir_alu(L->f, BPF_XOR, s, s, rb, l);
			emit_abs(L, rb, l);
			ir_alu(L->f, code, ra, ra, rb, l);
		}
		skip = ir_label(L->f);
		ir_jcci(L->f, BPF_JSGE, s, 0, skip, l);
		ir_neg(L->f, ra, ra, l);
		ir_place(L->f, skip, l);
	} else if (b.imm && alu_imm_ok(code, b.k)) {
		ir_alui(L->f, code, ra, ra, b.k, l);
	} else {
		ir_alu(L->f, code, ra, ra, lower_reg(L, b, l), l);
	}
	return val_reg(ra, true);
}

static struct val ex_binary(struct lower *L, struct node *n)
{
	struct loc l = n->loc;
	const struct type *lt = n->lhs->type, *rt = n->rhs->type;
	struct val a, b;
	int code, r;

	if (n->op == B_LAND || n->op == B_LOR || is_cmp(n->op))
		return ex_bool(L, n);
	code = alu_code(n);
	if ((code == BPF_DIV || code == BPF_MOD) && n->type->is_signed &&
	    !(nonneg(n->lhs) && nonneg(n->rhs)))
		return ex_sdiv(L, n, code);
	a = lower_int(L, n->lhs);
	b = lower_int(L, n->rhs);
	if (lt->kind == T_PTR && rt->kind == T_PTR && n->op == B_SUB) {
		unsigned size = pointee_size(lt);
		int sh = log2_exact(size);

		r = lower_own(L, a, l);
		ir_alu(L->f, BPF_SUB, r, r, lower_reg(L, b, l), l);
		if (sh > 0)
			ir_alui(L->f, BPF_ARSH, r, r, sh, l);
		else if (sh < 0)
			ir_alui(L->f, BPF_DIV, r, r, size, l);
		return val_reg(r, true);
	}
	if (lt->kind == T_PTR && rt->kind != T_PTR)
		b = scale(L, b, pointee_size(lt), l);
	else if (rt->kind == T_PTR && lt->kind != T_PTR)
		a = scale(L, a, pointee_size(rt), l);

	if (b.imm && alu_imm_ok(code, b.k)) {
		r = lower_own(L, a, l);
		ir_alui(L->f, code, r, r, b.k, l);
	} else if (a.imm && ir_alu_commutes(code) && alu_imm_ok(code, a.k)) {
		r = lower_own(L, b, l);
		ir_alui(L->f, code, r, r, a.k, l);
	} else if (a.imm && code == BPF_SUB && lower_fits_s32(a.k)) {
		r = lower_own(L, b, l);
		ir_neg(L->f, r, r, l);
		if (a.k)
			ir_alui(L->f, BPF_ADD, r, r, a.k, l);
	} else {
		r = lower_own(L, a, l);
		ir_alu(L->f, code, r, r, lower_reg(L, b, l), l);
	}
	return val_reg(r, true);
}

/* Evaluate @n into register @r.  A temporary result is renamed rather
 * than moved: it was created by this very evaluation (instructions from
 * @start on), so nothing else refers to it. */
static void ex_int_to(struct lower *L, struct node *n, int r)
{
	unsigned start = L->f->n, i;
	struct val v = lower_int(L, n);

	if (v.imm || !v.owned) {
		set_val(L, r, v, n->loc);
		return;
	}
	for (i = start; i < L->f->n; i++) {
		struct ir_insn *in = &L->f->insns[i];

		if (in->dst == v.reg)
			in->dst = r;
		if (in->a == v.reg)
			in->a = r;
		if (in->b == v.reg)
			in->b = r;
	}
	/* the memo named v.reg, and r takes the value of a read */
	lower_memo_forget(L, v.reg);
	lower_memo_forget(L, r);
}

static struct val ex_cond(struct lower *L, struct node *n)
{
	int r = lower_vreg(L), other = ir_label(L->f), end = ir_label(L->f);

	if (n->lhs->is_const && n->rhs->is_const) {
		/* c ? K1 : K2: r = K1, replaced by K2 when c is false */
		struct node *c = n->cond, *sa, *sb;

		if (c->kind == N_BINARY && is_cmp(c->op) &&
		    !lower_str_eq_operands(c, &sa, &sb)) {
			/* operands first: r is not live across their calls */
			struct val a = lower_int(L, c->lhs);
			struct val b = lower_int(L, c->rhs);
			int cc = cmp_code(c->op, cmp_signed(c));

			ir_movi(L->f, r, n->lhs->cval, n->loc);
			jump_cc(L, cc, a, b, end, c->loc);
		} else {
			ir_movi(L->f, r, n->lhs->cval, n->loc);
			lower_branch(L, c, true, end);
		}
		ir_movi(L->f, r, n->rhs->cval, n->loc);
		ir_place(L->f, end, n->loc);
		return val_reg(r, true);
	}
	lower_branch(L, n->cond, false, other);
	ex_int_to(L, n->lhs, r);
	ir_ja(L->f, end, n->loc);
	ir_place(L->f, other, n->loc);
	ex_int_to(L, n->rhs, r);
	ir_place(L->f, end, n->loc);
	return val_reg(r, true);
}

/* (T)x: a pointer is the same address; an integer narrower than 64 bits
 * is cut to its width and extended from it, unless the value already fits
 * (a narrower unsigned, or a narrower signed into a signed). */
static struct val ex_cast(struct lower *L, struct node *n)
{
	const struct type *t = n->type, *o = n->lhs->type;
	struct val v;
	struct addr a;
	int r;

	/* A pointer the program loads from its context is one the verifier
	 * types (fentry's arguments are PTR_TO_BTF_ID) and refuses most
	 * arithmetic on ("bitwise operator &= on pointer prohibited"): as an
	 * integer it is read with the helper, which gives a plain scalar. */
	if (t->kind == T_INT && o->kind == T_PTR && lower_addr(L, n->lhs, &a)) {
		if (a.direct && a.space == AS_CTX) {
			a.direct = false;
			a.space = AS_KERNEL;
		}
		v = lower_load(L, &a, o, n->loc);
	} else {
		v = lower_int(L, n->lhs);
	}

	if (t->kind != T_INT || t->size >= 8)
		return v;
	if (o->kind == T_INT && o->size < t->size &&
	    (!o->is_signed || t->is_signed))
		return v;
	if (o->kind == T_INT && o->size == t->size &&
	    o->is_signed == t->is_signed)
		return v;
	if (v.imm)
		return v;	/* sema folded it */
	r = lower_own(L, v, n->loc);
	if (t->is_signed) {
		ir_alui(L->f, BPF_LSH, r, r, 64 - 8 * t->size, n->loc);
		ir_alui(L->f, BPF_ARSH, r, r, 64 - 8 * t->size, n->loc);
	} else if (t->size == 4) {
		ir_mov32(L->f, r, r, n->loc);
	} else {
		ir_alui(L->f, BPF_AND, r, r, (1 << (8 * t->size)) - 1, n->loc);
	}
	return val_reg(r, true);
}

/* &e: the address lower_addr() finds, which sema made sure is in kernel
 * or user memory (a register plus an offset, never the stack or ctx). */
static struct val ex_addr_of(struct lower *L, struct node *n)
{
	struct addr a;
	int r;

	if (!lower_addr(L, n->lhs, &a))
		assert(0 && "sema allows '&' of lvalues only");
	assert(!a.direct && "sema refuses '&' of the context");
	r = lower_vreg(L);
	ir_mov(L->f, r, a.base, n->loc);
	if (a.off)
		ir_alui(L->f, BPF_ADD, r, r, a.off, n->loc);
	return val_reg(r, true);
}

static struct val ex_int(struct lower *L, struct node *n)
{
	struct addr a;
	int r;

	assert(n->type && "sema typed every expression");
	if (n->is_const && !lower_is_mem(n->type))
		return val_imm(n->cval);
	if (n->pvar && n->pvar->kind != PV_CTX_LOAD)
		return ex_pvar(L, n);
	switch (n->kind) {
	case N_NUM:
		return val_imm((int64_t)n->num);
	case N_IDENT:
		if (n->builtin)
			return ex_builtin(L, n);
		if (n->pvar)
			return ex_pvar(L, n);
		if (n->map)
			return lower_map_int(L, n);
		break;
	case N_MAP:
		return lower_map_int(L, n);
	case N_INDEX:
		if (n->map)
			return lower_map_int(L, n);
		break;
	case N_UNARY:
		switch (n->op) {
		case U_NEG:
			r = lower_own(L, lower_int(L, n->lhs), n->loc);
			ir_neg(L->f, r, r, n->loc);
			return val_reg(r, true);
		case U_BNOT:
			r = lower_own(L, lower_int(L, n->lhs), n->loc);
			ir_alui(L->f, BPF_XOR, r, r, -1, n->loc);
			return val_reg(r, true);
		case U_NOT:
			return ex_bool(L, n);
		case U_ADDR:
			return ex_addr_of(L, n);
		}
		break;
	case N_CAST:
		return ex_cast(L, n);
	case N_BINARY:
		return ex_binary(L, n);
	case N_COND:
		return ex_cond(L, n);
	case N_CALL:
		if (n->builtin->lower_int)
			return n->builtin->lower_int(L, n);
		break;
	case N_VAR:
		assert(L->var_reg[n->var->id] != IR_NONE &&
		       "an integer variable has a register");
		return val_reg(L->var_reg[n->var->id], false);
	case N_INCDEC:
		return lower_incdec(L, n, true);
	default:
		break;
	}
	if (lower_addr(L, n, &a)) {
		const struct member *m = n->kind == N_MEMBER && !n->pvar ?
					 lower_member(n, NULL) : NULL;

		if (m && m->bits)
			return lower_load_bits(L, &a, m, n->loc);
		return lower_load(L, &a, n->type, n->loc);
	}
	assert(0 && "expression has no integer value");
	return val_imm(0);
}

struct val lower_int(struct lower *L, struct node *n)
{
	unsigned mark = L->sp;
	struct val v = ex_int(L, n);

	L->sp = mark;
	return v;
}

/* Comparisons branch directly, && and || short-circuit. */
void lower_branch(struct lower *L, struct node *n, bool when, int label)
{
	unsigned mark = L->sp;
	struct node *sa, *sb;
	struct val v;
	int skip;

	if (n->is_const && !lower_is_mem(n->type)) {
		if ((n->cval != 0) == when)
			ir_ja(L->f, label, n->loc);
		return;
	}
	if (n->kind == N_UNARY && n->op == U_NOT) {
		lower_branch(L, n->lhs, !when, label);
		return;
	}
	if (n->kind == N_BINARY && (n->op == B_LAND || n->op == B_LOR)) {
		bool and = n->op == B_LAND;

		if (when != and) {
			/* a && b false: either false; a || b true: either */
			lower_branch(L, n->lhs, when, label);
			lower_branch(L, n->rhs, when, label);
		} else {
			skip = ir_label(L->f);
			lower_branch(L, n->lhs, !when, skip);
			lower_branch(L, n->rhs, when, label);
			ir_place(L->f, skip, n->loc);
		}
		return;
	}
	if (lower_str_eq_operands(n, &sa, &sb)) {
		bool jump_eq = (n->op == B_EQ) == when;

		skip = ir_label(L->f);
		if (jump_eq) {
			lower_str_equal(L, sa, sb, n->loc, skip, label);
			ir_ja(L->f, label, n->loc);
		} else {
			lower_str_equal(L, sa, sb, n->loc, label, skip);
		}
		ir_place(L->f, skip, n->loc);
		L->sp = mark;
		return;
	}
	if (n->kind == N_BINARY && is_cmp(n->op)) {
		struct val a = lower_int(L, n->lhs), b = lower_int(L, n->rhs);
		int cc = cmp_code(n->op, cmp_signed(n));

		jump_cc(L, when ? cc : ir_cc_invert(cc), a, b, label, n->loc);
		return;
	}
	v = lower_int(L, n);
	ir_jcci(L->f, when ? BPF_JNE : BPF_JEQ, lower_reg(L, v, n->loc), 0,
		label, n->loc);
}
