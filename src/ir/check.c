/* check.c - what each pass promised about the IR, checked between passes.
 *
 * Input: a function and the form it should be in (after lowering, after
 * allocation, after the peephole).  Output: NULL, or a sentence saying
 * which guarantee is broken at which instruction.  compile.c runs it after
 * every pass in builds with assertions (the default; -DNDEBUG drops it), so
 * a pass that breaks its contract fails right there, not three passes
 * later as a verifier rejection (QBE checks SSA between its passes the same
 * way).  One linear walk per form.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "arena.h"
#include "ir.h"

#define CHECK_MSG	160

struct ck {
	const struct ir_func *f;
	char msg[CHECK_MSG];
	bool bad;
};

/* Note the first broken guarantee: "insn 7 (ldx): reads r0 away from a
 * call".  Always false, for `return ck_fail(...)`. */
static bool ck_fail(struct ck *c, unsigned i, const char *why)
{
	if (c->bad)
		return false;
	c->bad = true;
	snprintf(c->msg, sizeof(c->msg), "insn %u (%s): %s", i,
		 i < c->f->n ? ir_op_info[c->f->insns[i].op].name : "end", why);
	return false;
}

/* A register operand: physical 0-10, or, before allocation, a virtual one
 * lowering handed out. */
static bool ck_reg(struct ck *c, unsigned i, int r, bool virt,
		   const char *why)
{
	if (r >= 0 && r <= IR_FP)
		return true;
	if (virt && r >= IR_VREG0 && r < c->f->next_vreg)
		return true;
	return ck_fail(c, i, why);
}

/* Operands, labels, forward jumps (backwards only to a loop's head), the
 * end: every form. */
static void ck_common(struct ck *c, bool virt)
{
	const struct ir_func *f = c->f;
	unsigned char *placed, *loop;
	unsigned i;

	placed = calloc((size_t)f->next_label + 1, 1);
	loop = calloc((size_t)f->next_label + 1, 1);
	if (!placed || !loop)
		abort();
	if (f->stack > 512)
		ck_fail(c, 0, "the frame is larger than 512 bytes");
	if (!f->n || f->insns[f->n - 1].op != IR_EXIT)
		ck_fail(c, f->n ? f->n - 1 : 0, "the function does not end in "
			"exit");
	for (i = 0; i < f->n && !c->bad; i++) {
		const struct ir_insn *in = &f->insns[i];
		const struct ir_op_info *oi = &ir_op_info[in->op];

		if (oi->dst && ck_reg(c, i, in->dst, virt,
				      "dst is no register of this form") &&
		    in->dst == IR_FP)
			ck_fail(c, i, "it writes r10");
		if (oi->a)
			ck_reg(c, i, in->a, virt,
			       "a is no register of this form");
		if (oi->b)
			ck_reg(c, i, in->b, virt,
			       "b is no register of this form");
		if (in->op == IR_LABEL) {
			if (in->label < 0 || in->label >= f->next_label)
				ck_fail(c, i, "it is no label");
			else if (placed[in->label]++)
				ck_fail(c, i, "the label is placed twice");
			else
				loop[in->label] = in->imm == IR_LOOP_HEAD;
		}
		if (oi->flags & IR_F_JUMP) {
			if (in->label < 0 || in->label >= f->next_label)
				ck_fail(c, i, "it goes to no label");
			else if (placed[in->label] && !loop[in->label])
				ck_fail(c, i, "it jumps backwards, not to a "
					"loop's head");
		}
		if ((in->op == IR_JCC || in->op == IR_JCCI) &&
		    !ir_cc_sym(in->code))
			ck_fail(c, i, "code is no condition code");
		if ((in->op == IR_ALU || in->op == IR_ALUI) &&
		    (!ir_alu_sym(in->code) || in->code == BPF_MOV))
			ck_fail(c, i, "code is no ALU operation");
	}
	/* every jump's label is placed somewhere after it */
	for (i = 0; i < f->n && !c->bad; i++) {
		const struct ir_insn *in = &f->insns[i];

		if ((ir_op_info[in->op].flags & IR_F_JUMP) &&
		    !placed[in->label])
			ck_fail(c, i, "it goes to a label never placed");
	}
	free(placed);
	free(loop);
}

/* Physical registers only at ABI edges (lower.h, ir.h): r1-r5 are written
 * just to pass a CALL its arguments, r0 read just after a CALL and
 * written just before EXIT, r1 read as the context at entry.  Walked
 * backwards: `need` holds the argument registers a later CALL (or a later
 * instruction setting up the same argument) still reads. */
static void ck_abi(struct ck *c)
{
	const struct ir_func *f = c->f;
	unsigned need = 0, i;

	for (i = f->n; i-- > 0 && !c->bad;) {
		const struct ir_insn *in = &f->insns[i];
		const struct ir_op_info *oi = &ir_op_info[in->op];
		bool r0_read = (oi->a && in->a == IR_R0) ||
			       (oi->b && in->b == IR_R0);

		if (in->op == IR_CALL) {
			need = ((1u << in->nargs) - 1) << 1;
			continue;
		}
		if (in->op == IR_LABEL || (oi->flags & (IR_F_JUMP | IR_F_END)))
			need = 0;
		if (r0_read && (i == 0 || f->insns[i - 1].op != IR_CALL))
			ck_fail(c, i, "it reads r0 away from a call");
		if (oi->dst && in->dst == IR_R0 &&
		    (i + 1 >= f->n || f->insns[i + 1].op != IR_EXIT))
			ck_fail(c, i, "it writes r0 away from exit");
		if (oi->dst && in->dst >= IR_R1 && in->dst <= 5) {
			if (!(need & (1u << in->dst)))
				ck_fail(c, i, "it writes an argument register "
					"no call reads");
			need &= ~(1u << in->dst);
		}
		if (oi->a && in->a >= IR_R1 && in->a <= 5) {
			if (in->a == IR_CTX && i == 0 && in->op == IR_MOV)
				continue;	/* the context, at entry */
			if (!(oi->dst && in->dst == in->a))
				ck_fail(c, i, "it reads an argument register");
			need |= 1u << in->a;
		}
		if (oi->b && in->b >= IR_R1 && in->b <= 5)
			ck_fail(c, i, "it reads an argument register");
	}
}

/* regalloc.h: no virtual register left; a non-commutative ALU's result
 * is not in b's register unless a shares it (the emitter's
 * `mov dst, a; op dst, b`). */
static void ck_allocated(struct ck *c)
{
	const struct ir_func *f = c->f;
	unsigned i;

	for (i = 0; i < f->n && !c->bad; i++) {
		const struct ir_insn *in = &f->insns[i];

		if (in->op == IR_ALU && !ir_alu_commutes(in->code) &&
		    in->dst == in->b && in->a != in->b)
			ck_fail(c, i, "non-commutative: dst is b's register");
	}
}

/* peephole.h: nothing unreachable, no label without a jump, no jump to
 * the next instruction (but a loop's closing one, ir_ja_loop()). */
static void ck_peepholed(struct ck *c)
{
	const struct ir_func *f = c->f;
	unsigned char *target = calloc((size_t)f->next_label + 1, 1);
	bool reachable = true;
	unsigned i, j;

	if (!target)
		abort();
	for (i = 0; i < f->n; i++) {
		const struct ir_insn *in = &f->insns[i];

		if (ir_op_info[in->op].flags & IR_F_JUMP)
			target[in->label] = 1;
	}
	for (i = 0; i < f->n && !c->bad; i++) {
		const struct ir_insn *in = &f->insns[i];
		unsigned flags = ir_op_info[in->op].flags;

		if (in->op == IR_LABEL) {
			if (!target[in->label])
				ck_fail(c, i, "a label no jump names is left");
			reachable = true;
			continue;
		}
		if (!reachable)
			ck_fail(c, i, "it is unreachable");
		if ((flags & IR_F_JUMP) && !ir_is_loop_edge(in))
			for (j = i + 1; j < f->n && f->insns[j].op == IR_LABEL;
			     j++)
				if (f->insns[j].label == in->label)
					ck_fail(c, i, "it goes to the next "
						"instruction");
		if (flags & IR_F_END)
			reachable = false;
	}
	free(target);
}

const char *ir_check(struct arena *a, const struct ir_func *f,
		     enum ir_form form)
{
	struct ck c = { .f = f };

	ck_common(&c, form == IR_LOWERED);
	if (form == IR_LOWERED)
		ck_abi(&c);
	else
		ck_allocated(&c);
	if (form == IR_PEEPHOLED)
		ck_peepholed(&c);
	return c.bad ? arena_strdup(a, c.msg) : NULL;
}
