/* peephole.c - local clean-ups of allocated IR, before emission.
 *
 * Input: a function after ra_alloc() (physical registers only).  Output:
 * the same function, shorter, computing the same; -S prints it as
 * ";; peephole: PROBE".  The sweeps repeat until none changes anything:
 *
 *   peep_once     self moves, identity ALU immediates (x + 0, x * 1,
 *                 x & -1...), jumps to the next instruction, labels no jump
 *                 names, unreachable code (the verifier rejects it), and
 *                 `if c goto L1; goto L2; L1:` into `if !c goto L2`
 *   peep_reloads  a reload of a frame slot some register still holds
 *   peep_loads    a repeated load through an unchanged pointer
 *
 * Every rewrite keeps each pointer type the verifier tracks: a mov copies
 * a register's type as faithfully as a fill, NULL-check ids included.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "ir.h"
#include "peephole.h"

/* ALUI that leaves a unchanged: dst = a + 0, a * 1, a & -1... */
static bool peep_identity(const struct ir_insn *in)
{
	if (in->op != IR_ALUI)
		return false;
	switch (in->code) {
	case BPF_ADD:
	case BPF_SUB:
	case BPF_OR:
	case BPF_XOR:
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		return in->imm == 0;
	case BPF_MUL:
	case BPF_DIV:
		return in->imm == 1;
	case BPF_AND:
		return in->imm == -1;
	}
	return false;
}

/* Does control reach label @label from instruction @i by falling through
 * only labels? */
static bool peep_label_follows(const struct ir_func *f, unsigned i, int label)
{
	unsigned j;

	for (j = i + 1; j < f->n && f->insns[j].op == IR_LABEL; j++)
		if (f->insns[j].label == label)
			return true;
	return false;
}

static bool peep_is_fp_slot(const struct ir_insn *in, enum ir_op op)
{
	return in->op == op && in->size == BPF_DW && in->a == IR_FP;
}

/* One sweep; returns whether anything changed.  Dead instructions are marked
 * by making them LABELs with no number, then squeezed out. */
static bool peep_once(struct ir_func *f)
{
	bool changed = false, reachable = true;
	bool *target = calloc(f->next_label ? f->next_label : 1, sizeof(*target));
	bool *back = calloc(f->next_label ? f->next_label : 1, sizeof(*back));
	unsigned i, j;

	if (!target || !back) {
		fprintf(stderr, "spry: out of memory\n");
		abort();
	}
	/* a loop's head is named by a jump after it: keep every head some
	 * jump goes back to (target marks the placed ones meanwhile) */
	for (i = 0; i < f->n; i++) {
		const struct ir_insn *in = &f->insns[i];

		if (in->op == IR_LABEL && in->label >= 0)
			target[in->label] = in->imm == IR_LOOP_HEAD;
		else if ((ir_op_info[in->op].flags & IR_F_JUMP) &&
			 target[in->label])
			back[in->label] = true;
	}
	memcpy(target, back, (f->next_label ? f->next_label : 1) *
	       sizeof(*target));
	free(back);
	for (i = 0; i < f->n; i++) {
		struct ir_insn *in = &f->insns[i];
		unsigned flags = ir_op_info[in->op].flags;

		if (in->op == IR_LABEL) {
			/* The verifier rejects unreachable instructions, so
			 * code after an exit or goto that no jump reaches
			 * must go.  Jumps go forward (but to loop heads,
			 * marked above): by the time a label is seen, every
			 * live jump to it has been, and a label no jump
			 * names is dropped. */
			if (in->label < 0)
				continue;
			if (target[in->label]) {
				reachable = true;
			} else {
				in->label = IR_NONE;
				changed = true;
			}
			continue;
		}
		if (!reachable) {
			in->op = IR_LABEL;
			in->label = IR_NONE;
			changed = true;
			continue;
		}
		if ((in->op == IR_MOV && in->dst == in->a) ||
		    (peep_identity(in) && in->dst == in->a)) {
			in->op = IR_LABEL;
			in->label = IR_NONE;
			changed = true;
			continue;
		}
		if (peep_identity(in)) {
			in->op = IR_MOV;
			in->imm = 0;
			changed = true;
		}
		if ((in->op == IR_JCC || in->op == IR_JCCI) && i + 1 < f->n &&
		    f->insns[i + 1].op == IR_JA &&
		    !ir_is_loop_edge(&f->insns[i + 1]) &&
		    peep_label_follows(f, i + 1, in->label) &&
		    ir_cc_invert(in->code) >= 0) {
			/* `if c goto L1; goto L2; L1:` is `if !c goto L2` */
			in->code = (uint8_t)ir_cc_invert(in->code);
			in->label = f->insns[i + 1].label;
			f->insns[i + 1].op = IR_LABEL;
			f->insns[i + 1].label = IR_NONE;
			changed = true;
		}
		if ((flags & IR_F_JUMP) && peep_label_follows(f, i, in->label) &&
		    !ir_is_loop_edge(in)) {
			/* a jump to the next instruction, taken or not */
			in->op = IR_LABEL;
			in->label = IR_NONE;
			changed = true;
			continue;
		}
		if (flags & IR_F_JUMP)
			target[in->label] = true;
		if (flags & IR_F_END)
			reachable = false;
	}
	free(target);

	for (i = j = 0; i < f->n; i++)
		if (f->insns[i].op != IR_LABEL || f->insns[i].label != IR_NONE)
			f->insns[j++] = f->insns[i];
	f->n = j;
	return changed;
}

/* Redundant reloads.  Within straight-line code, remember which registers
 * hold a copy of which 8-byte frame slot (after a DW load or store on r10);
 * a DW load of a slot some register already holds becomes a copy, or goes
 * when it is the same register.  Knowledge ends at labels (another path
 * joins), at calls (helpers write memory through pointers, and clobber
 * r0-r5), at stores through other pointers (they may point into the frame)
 * and, for the slots they overlap, at stores on r10.  The verifier tracks a
 * mov as faithfully as a fill, pointer types and NULL-check ids included. */
#define PEEP_NOSLOT	INT32_MIN

static void peep_forget_all(int32_t holds[])
{
	int r;

	for (r = 0; r < IR_FP; r++)
		holds[r] = PEEP_NOSLOT;
}

/* A store to [r10 + off, r10 + off + size) */
static void peep_forget_range(int32_t holds[], int off, unsigned size)
{
	int r;

	for (r = 0; r < IR_FP; r++)
		if (holds[r] != PEEP_NOSLOT && holds[r] < off + (int)size &&
		    off < holds[r] + 8)
			holds[r] = PEEP_NOSLOT;
}

static bool peep_reloads(struct ir_func *f)
{
	int32_t holds[IR_FP];	/* register -> slot offset it copies */
	bool changed = false;
	unsigned i;
	int r, slot;

	peep_forget_all(holds);
	for (i = 0; i < f->n; i++) {
		struct ir_insn *in = &f->insns[i];

		switch (in->op) {
		case IR_LABEL:
			peep_forget_all(holds);
			continue;
		case IR_CALL:
			peep_forget_all(holds);
			continue;
		case IR_STX:
		case IR_ST:
		case IR_XADD:
			if (in->a != IR_FP) {
				peep_forget_all(holds);
				continue;
			}
			peep_forget_range(holds, in->off, ir_size_bytes(in->size));
			if (peep_is_fp_slot(in, IR_STX) && in->b < IR_FP)
				holds[in->b] = in->off;
			continue;
		case IR_LDX:
			if (!peep_is_fp_slot(in, IR_LDX) || in->dst >= IR_FP)
				break;
			slot = in->off;
			if (holds[in->dst] == slot) {
				in->op = IR_MOV;	/* a self move: dropped */
				in->a = in->dst;
				in->size = 0;
				in->off = 0;
				changed = true;
				continue;
			}
			for (r = 0; r < IR_FP; r++) {
				if (holds[r] != slot)
					continue;
				in->op = IR_MOV;
				in->a = r;
				in->size = 0;
				in->off = 0;
				changed = true;
				break;
			}
			holds[in->dst] = slot;
			continue;
		case IR_MOV:
			if (in->dst < IR_FP)
				holds[in->dst] = in->a < IR_FP ? holds[in->a] :
					PEEP_NOSLOT;
			continue;
		default:
			break;
		}
		if (ir_op_info[in->op].dst && in->dst >= 0 && in->dst < IR_FP)
			holds[in->dst] = PEEP_NOSLOT;
	}
	return changed;
}

/* Repeated loads through a pointer.  Within straight-line code, remember
 * which register holds what a load of `size` at base + off (base not r10)
 * read; the same load again, with the base register unchanged since,
 * becomes a copy (a ctx field that a predicate and the body both read).
 * Knowledge ends at labels, calls and any store: a store through r10 may
 * change memory that a copy of r10 points at, a store through a pointer
 * may change what any other pointer points at. */
struct peep_load {
	bool valid;
	uint8_t size;
	int16_t off;
	int base;
};

/* Register @r is written: what it held and what was read through it are
 * gone. */
static void peep_loads_kill(struct peep_load held[], int r)
{
	int k;

	if (r < 0 || r >= IR_FP)
		return;
	held[r].valid = false;
	for (k = 0; k < IR_FP; k++)
		if (held[k].valid && held[k].base == r)
			held[k].valid = false;
}

static bool peep_loads(struct ir_func *f)
{
	struct peep_load held[IR_FP];
	bool changed = false;
	unsigned i;
	int r;

	memset(held, 0, sizeof(held));
	for (i = 0; i < f->n; i++) {
		struct ir_insn *in = &f->insns[i];

		switch (in->op) {
		case IR_LABEL:
		case IR_CALL:
		case IR_STX:
		case IR_ST:
		case IR_XADD:
			memset(held, 0, sizeof(held));
			continue;
		case IR_LDX:
			if (in->a == IR_FP || in->dst >= IR_FP)
				break;
			for (r = 0; r < IR_FP; r++)
				if (held[r].valid && held[r].base == in->a &&
				    held[r].off == in->off &&
				    held[r].size == in->size)
					break;
			if (r < IR_FP) {
				/* a self move when dst holds it: dropped */
				in->op = IR_MOV;
				in->a = r;
				in->size = 0;
				in->off = 0;
				changed = true;
				if (r != in->dst) {
					peep_loads_kill(held, in->dst);
					held[in->dst] = held[r];
				}
				continue;
			}
			r = in->a;
			peep_loads_kill(held, in->dst);
			if (in->dst != r)
				held[in->dst] = (struct peep_load){
					true, in->size, in->off, r };
			continue;
		default:
			break;
		}
		if (ir_op_info[in->op].dst)
			peep_loads_kill(held, in->dst);
	}
	return changed;
}

void peep_prog(struct ir_func *f)
{
	bool more = true;

	while (more) {
		more = peep_once(f);
		more |= peep_reloads(f);
		more |= peep_loads(f);
	}
}
