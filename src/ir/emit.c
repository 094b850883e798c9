/* emit.c - allocated IR to struct bpf_insn, and the disassembler.
 *
 * Input: a function after ra_alloc() (physical registers only).  Output:
 * p->insns, one struct loc per instruction in p->insn_loc, and a relocation
 * per map reference (LDMAP, LDMAPV) in p->relocs.
 *
 * Two passes over a peephole-optimised copy of the IR: the first counts the
 * BPF instructions of every IR instruction (LD_IMM64 takes two slots, a LABEL
 * none, a three-address ALU one or two) so that each label gets its pc; the
 * second writes them, with jump offsets relative to the next instruction as
 * the kernel wants (off = target - (pc + 1)).
 *
 * The emitter turns `dst = a op b` into `mov dst, a; op dst, b`.  ra_alloc
 * guarantees reg(dst) != reg(b) for non-commutative ops (unless a shares
 * b's register), and for commutative ones dst == b is emitted as
 * `op dst, a`, so no scratch register is ever needed here.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "arena.h"
#include "bpf_insn.h"
#include "emit.h"
#include "ir.h"
#include "script.h"

static bool emit_commutative(int code)
{
	return code == BPF_ADD || code == BPF_MUL || code == BPF_OR ||
	       code == BPF_AND || code == BPF_XOR;
}

/* ---- peephole ---- */

/* ALUI that leaves a unchanged: dst = a + 0, a * 1, a & -1... */
static bool emit_identity(const struct ir_insn *in)
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
static bool emit_label_follows(const struct ir_func *f, unsigned i, int label)
{
	unsigned j;

	for (j = i + 1; j < f->n && f->insns[j].op == IR_LABEL; j++)
		if (f->insns[j].label == label)
			return true;
	return false;
}

static bool emit_is_fp_slot(const struct ir_insn *in, enum ir_op op)
{
	return in->op == op && in->size == BPF_DW && in->a == IR_FP;
}

/* One sweep; returns whether anything changed.  Dead instructions are marked
 * by making them LABELs with no number, then squeezed out. */
static bool emit_peephole_once(struct ir_func *f)
{
	bool changed = false, reachable = true;
	bool *target = calloc(f->next_label ? f->next_label : 1, sizeof(*target));
	unsigned i, j;

	if (!target) {
		fprintf(stderr, "spry: out of memory\n");
		abort();
	}
	for (i = 0; i < f->n; i++) {
		struct ir_insn *in = &f->insns[i];
		unsigned flags = ir_op_info[in->op].flags;

		if (in->op == IR_LABEL) {
			/* The verifier rejects unreachable instructions, so
			 * code after an exit or goto that no jump reaches
			 * must go.  Jumps only go forward: by the time a
			 * label is seen, every live jump to it has been, and
			 * a label no jump names is dropped. */
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
		    (emit_identity(in) && in->dst == in->a)) {
			in->op = IR_LABEL;
			in->label = IR_NONE;
			changed = true;
			continue;
		}
		if (emit_identity(in)) {
			in->op = IR_MOV;
			in->imm = 0;
			changed = true;
		}
		if ((in->op == IR_JCC || in->op == IR_JCCI) && i + 1 < f->n &&
		    f->insns[i + 1].op == IR_JA &&
		    emit_label_follows(f, i + 1, in->label) &&
		    ir_cc_invert(in->code) >= 0) {
			/* `if c goto L1; goto L2; L1:` is `if !c goto L2` */
			in->code = (uint8_t)ir_cc_invert(in->code);
			in->label = f->insns[i + 1].label;
			f->insns[i + 1].op = IR_LABEL;
			f->insns[i + 1].label = IR_NONE;
			changed = true;
		}
		if ((flags & IR_F_JUMP) && emit_label_follows(f, i, in->label)) {
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
#define EMIT_NOSLOT	INT32_MIN

static void emit_forget_all(int32_t holds[])
{
	int r;

	for (r = 0; r < IR_FP; r++)
		holds[r] = EMIT_NOSLOT;
}

/* A store to [r10 + off, r10 + off + size) */
static void emit_forget_range(int32_t holds[], int off, unsigned size)
{
	int r;

	for (r = 0; r < IR_FP; r++)
		if (holds[r] != EMIT_NOSLOT && holds[r] < off + (int)size &&
		    off < holds[r] + 8)
			holds[r] = EMIT_NOSLOT;
}

static bool emit_reloads(struct ir_func *f)
{
	int32_t holds[IR_FP];	/* register -> slot offset it copies */
	bool changed = false;
	unsigned i;
	int r, slot;

	emit_forget_all(holds);
	for (i = 0; i < f->n; i++) {
		struct ir_insn *in = &f->insns[i];

		switch (in->op) {
		case IR_LABEL:
			emit_forget_all(holds);
			continue;
		case IR_CALL:
			emit_forget_all(holds);
			continue;
		case IR_STX:
		case IR_ST:
		case IR_XADD:
			if (in->a != IR_FP) {
				emit_forget_all(holds);
				continue;
			}
			emit_forget_range(holds, in->off, ir_size_bytes(in->size));
			if (emit_is_fp_slot(in, IR_STX) && in->b < IR_FP)
				holds[in->b] = in->off;
			continue;
		case IR_LDX:
			if (!emit_is_fp_slot(in, IR_LDX) || in->dst >= IR_FP)
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
					EMIT_NOSLOT;
			continue;
		default:
			break;
		}
		if (ir_op_info[in->op].dst && in->dst >= 0 && in->dst < IR_FP)
			holds[in->dst] = EMIT_NOSLOT;
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
struct emit_load {
	bool valid;
	uint8_t size;
	int16_t off;
	int base;
};

/* Register @r is written: what it held and what was read through it are
 * gone. */
static void emit_loads_kill(struct emit_load held[], int r)
{
	int k;

	if (r < 0 || r >= IR_FP)
		return;
	held[r].valid = false;
	for (k = 0; k < IR_FP; k++)
		if (held[k].valid && held[k].base == r)
			held[k].valid = false;
}

static bool emit_loads(struct ir_func *f)
{
	struct emit_load held[IR_FP];
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
					emit_loads_kill(held, in->dst);
					held[in->dst] = held[r];
				}
				continue;
			}
			r = in->a;
			emit_loads_kill(held, in->dst);
			if (in->dst != r)
				held[in->dst] = (struct emit_load){
					true, in->size, in->off, r };
			continue;
		default:
			break;
		}
		if (ir_op_info[in->op].dst)
			emit_loads_kill(held, in->dst);
	}
	return changed;
}

void emit_peephole(struct ir_func *f)
{
	bool more = true;

	while (more) {
		more = emit_peephole_once(f);
		more |= emit_reloads(f);
		more |= emit_loads(f);
	}
}

/* ---- emission ---- */

/* Instructions for one IR instruction into @out (NULL: just count). */
static unsigned emit_one(const struct ir_insn *in, const unsigned *label_pc,
			 unsigned pc, struct bpf_insn *out)
{
	struct bpf_insn buf[2];
	unsigned n = 0;
	int dst = in->dst, a = in->a, b = in->b, off = 0;

	if (in->op == IR_JA || in->op == IR_JCC || in->op == IR_JCCI)
		off = label_pc ? (int)label_pc[in->label] - (int)(pc + 1) : 0;

	switch (in->op) {
	case IR_MOV:
		if (dst != a)
			buf[n++] = BPF_MOV64_REG(dst, a);
		break;
	case IR_MOV32:
		buf[n++] = BPF_MOV32_REG(dst, a);
		break;
	case IR_MOVI:
		buf[n++] = BPF_MOV64_IMM(dst, (int32_t)in->imm);
		break;
	case IR_LDI64: {
		struct bpf_insn ld[2] = { BPF_LD_IMM64(dst, in->imm) };

		buf[n++] = ld[0];
		buf[n++] = ld[1];
		break;
	}
	case IR_LDMAP: {
		struct bpf_insn ld[2] = { BPF_LD_MAP_FD(dst, (int32_t)in->imm) };

		buf[n++] = ld[0];
		buf[n++] = ld[1];
		break;
	}
	case IR_LDMAPV: {
		struct bpf_insn ld[2] = {
			BPF_LD_MAP_VALUE(dst, (int32_t)in->imm, in->off)
		};

		buf[n++] = ld[0];
		buf[n++] = ld[1];
		break;
	}
	case IR_ALU:
		if (dst == b && dst != a) {
			assert(emit_commutative(in->code) &&
			       "ra_alloc keeps dst != b for non-commutative ops");
			buf[n++] = BPF_ALU64_REG(in->code, dst, a);
			break;
		}
		if (dst != a)
			buf[n++] = BPF_MOV64_REG(dst, a);
		buf[n++] = BPF_ALU64_REG(in->code, dst, b);
		break;
	case IR_ALUI:
		if (dst != a)
			buf[n++] = BPF_MOV64_REG(dst, a);
		buf[n++] = BPF_ALU64_IMM(in->code, dst, (int32_t)in->imm);
		break;
	case IR_NEG:
		if (dst != a)
			buf[n++] = BPF_MOV64_REG(dst, a);
		buf[n++] = BPF_ALU64_IMM(BPF_NEG, dst, 0);
		break;
	case IR_BSWAP:
		if (dst != a)
			buf[n++] = BPF_MOV64_REG(dst, a);
		buf[n++] = BPF_ENDIAN(BPF_TO_BE, dst, (int32_t)in->imm);
		break;
	case IR_LDX:
		buf[n++] = BPF_LDX_MEM(in->size, dst, a, in->off);
		break;
	case IR_STX:
		buf[n++] = BPF_STX_MEM(in->size, a, b, in->off);
		break;
	case IR_ST:
		buf[n++] = BPF_ST_MEM(in->size, a, in->off, (int32_t)in->imm);
		break;
	case IR_XADD:
		buf[n++] = BPF_ATOMIC_OP(in->size, BPF_ADD, a, b, in->off);
		break;
	case IR_CALL:
		buf[n++] = BPF_EMIT_CALL((int32_t)in->imm);
		break;
	case IR_JA:
		buf[n++] = BPF_JMP_A(off);
		break;
	case IR_JCC:
		buf[n++] = BPF_JMP_REG(in->code, a, b, off);
		break;
	case IR_JCCI:
		buf[n++] = BPF_JMP_IMM(in->code, a, (int32_t)in->imm, off);
		break;
	case IR_LABEL:
		break;
	case IR_EXIT:
		buf[n++] = BPF_EXIT_INSN();
		break;
	case IR_NOPS_:
		assert(0 && "not an opcode");
		break;
	}
	if (out)
		memcpy(out, buf, n * sizeof(*buf));
	return n;
}

static void emit_check_regs(const struct ir_insn *in)
{
	const struct ir_op_info *oi = &ir_op_info[in->op];

	assert((!oi->dst || (in->dst >= 0 && in->dst < IR_FP)) &&
	       "allocated: dst is r0-r9");
	assert((!oi->a || (in->a >= 0 && in->a <= IR_FP)) &&
	       "allocated: a is r0-r10");
	assert((!oi->b || (in->b >= 0 && in->b <= IR_FP)) &&
	       "allocated: b is r0-r10");
	(void)oi;
}

int emit_prog(struct arena *a, const struct ir_func *f, struct probe *p,
	      struct diag *d)
{
	struct ir_func g = *f;
	unsigned *label_pc, i, pc, nrel;
	int l;

	/* the peephole works on a copy: f stays as -S printed it */
	g.insns = arena_alloc(a, (f->n ? f->n : 1) * sizeof(*g.insns));
	if (f->n)
		memcpy(g.insns, f->insns, f->n * sizeof(*g.insns));
	g.cap = f->n;
	emit_peephole(&g);

	label_pc = arena_alloc(a, (g.next_label ? g.next_label : 1) *
			       sizeof(*label_pc));
	for (l = 0; l < g.next_label; l++)
		label_pc[l] = UINT32_MAX;
	for (i = pc = nrel = 0; i < g.n; i++) {
		const struct ir_insn *in = &g.insns[i];

		emit_check_regs(in);
		if (in->op == IR_LABEL)
			label_pc[in->label] = pc;
		if (in->op == IR_LDMAP || in->op == IR_LDMAPV)
			nrel++;
		pc += emit_one(in, NULL, pc, NULL);
	}

	p->ninsns = pc;
	p->insns = arena_alloc(a, (pc ? pc : 1) * sizeof(*p->insns));
	p->insn_loc = arena_alloc(a, (pc ? pc : 1) * sizeof(*p->insn_loc));
	p->relocs = arena_alloc(a, (nrel ? nrel : 1) * sizeof(*p->relocs));
	p->nrelocs = 0;
	for (i = pc = 0; i < g.n; i++) {
		const struct ir_insn *in = &g.insns[i];
		unsigned n, k;

		if (ir_op_info[in->op].flags & IR_F_JUMP) {
			long off;

			assert(in->label >= 0 && in->label < g.next_label &&
			       label_pc[in->label] != UINT32_MAX &&
			       "jump to a placed label");
			off = (long)label_pc[in->label] - (long)(pc + 1);
			if (off > INT16_MAX || off < INT16_MIN) {
				diag_error(d, &in->loc,
					   "probe is too large: a jump spans %ld BPF instructions (at most %d)",
					   off, INT16_MAX);
				return -E2BIG;
			}
		}
		if (in->op == IR_LDMAP || in->op == IR_LDMAPV) {
			p->relocs[p->nrelocs].insn = pc;
			p->relocs[p->nrelocs].map = (unsigned)in->imm;
			p->nrelocs++;
		}
		n = emit_one(in, label_pc, pc, &p->insns[pc]);
		for (k = 0; k < n; k++)
			p->insn_loc[pc + k] = in->loc;
		pc += n;
	}
	assert(pc == p->ninsns && "both passes agree");
	return 0;
}

/* ---- disassembler, in the verifier log's words (kernel/bpf/disasm.c) ---- */

static const char *emit_alu_str(int op)
{
	switch (op) {
	case BPF_ADD:	return "+=";
	case BPF_SUB:	return "-=";
	case BPF_MUL:	return "*=";
	case BPF_DIV:	return "/=";
	case BPF_OR:	return "|=";
	case BPF_AND:	return "&=";
	case BPF_LSH:	return "<<=";
	case BPF_RSH:	return ">>=";
	case BPF_NEG:	return "neg";
	case BPF_MOD:	return "%=";
	case BPF_XOR:	return "^=";
	case BPF_MOV:	return "=";
	case BPF_ARSH:	return "s>>=";
	}
	return "?=";
}

static const char *emit_jmp_str(int op)
{
	switch (op) {
	case BPF_JEQ:	return "==";
	case BPF_JGT:	return ">";
	case BPF_JGE:	return ">=";
	case BPF_JSET:	return "&";
	case BPF_JNE:	return "!=";
	case BPF_JSGT:	return "s>";
	case BPF_JSGE:	return "s>=";
	case BPF_JLT:	return "<";
	case BPF_JLE:	return "<=";
	case BPF_JSLT:	return "s<";
	case BPF_JSLE:	return "s<=";
	}
	return "?";
}

static const char *emit_size_str(int size)
{
	switch (size) {
	case BPF_B:	return "u8";
	case BPF_H:	return "u16";
	case BPF_W:	return "u32";
	case BPF_DW:	return "u64";
	}
	return "u?";
}

/* One instruction; returns how many slots it took (2 for LD_IMM64). */
static unsigned emit_dump_one(FILE *out, const struct bpf_insn *insn,
			      unsigned left)
{
	int cls = BPF_CLASS(insn->code), op = BPF_OP(insn->code);
	char r = cls == BPF_ALU ? 'w' : 'r';
	const char *name;

	fprintf(out, "(%02x) ", insn->code);
	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (op == BPF_END)
			fprintf(out, "r%d = %s%d r%d\n", insn->dst_reg,
				BPF_SRC(insn->code) == BPF_TO_BE ? "be" : "le",
				insn->imm, insn->dst_reg);
		else if (op == BPF_NEG)
			fprintf(out, "%c%d = -%c%d\n", r, insn->dst_reg, r,
				insn->dst_reg);
		else if (BPF_SRC(insn->code) == BPF_X)
			fprintf(out, "%c%d %s %c%d\n", r, insn->dst_reg,
				emit_alu_str(op), r, insn->src_reg);
		else
			fprintf(out, "%c%d %s %d\n", r, insn->dst_reg,
				emit_alu_str(op), insn->imm);
		return 1;
	case BPF_LDX:
		fprintf(out, "r%d = *(%s *)(r%d %+d)\n", insn->dst_reg,
			emit_size_str(BPF_SIZE(insn->code)), insn->src_reg,
			insn->off);
		return 1;
	case BPF_STX:
		if (BPF_MODE(insn->code) == BPF_ATOMIC) {
			if (insn->imm != BPF_ADD)
				break;
			fprintf(out, "lock *(%s *)(r%d %+d) += r%d\n",
				emit_size_str(BPF_SIZE(insn->code)),
				insn->dst_reg, insn->off, insn->src_reg);
			return 1;
		}
		fprintf(out, "*(%s *)(r%d %+d) = r%d\n",
			emit_size_str(BPF_SIZE(insn->code)), insn->dst_reg,
			insn->off, insn->src_reg);
		return 1;
	case BPF_ST:
		fprintf(out, "*(%s *)(r%d %+d) = %d\n",
			emit_size_str(BPF_SIZE(insn->code)), insn->dst_reg,
			insn->off, insn->imm);
		return 1;
	case BPF_LD:
		if (insn->code != (BPF_LD | BPF_DW | BPF_IMM) || left < 2)
			break;
		if (insn->src_reg == BPF_PSEUDO_MAP_FD)
			fprintf(out, "r%d = map[id:%u]\n", insn->dst_reg,
				(unsigned)insn->imm);
		else if (insn->src_reg == BPF_PSEUDO_MAP_VALUE)
			fprintf(out, "r%d = map[id:%u][0]+%u\n", insn->dst_reg,
				(unsigned)insn->imm, (unsigned)insn[1].imm);
		else
			fprintf(out, "r%d = 0x%" PRIx64 "\n", insn->dst_reg,
				(uint64_t)(uint32_t)insn->imm |
				(uint64_t)(uint32_t)insn[1].imm << 32);
		return 2;
	case BPF_JMP:
		if (op == BPF_CALL) {
			name = ir_helper_name(insn->imm);
			fprintf(out, "call %s%s#%d\n", name ? "bpf_" : "",
				name ? name : "unknown", insn->imm);
		} else if (op == BPF_EXIT) {
			fputs("exit\n", out);
		} else if (op == BPF_JA) {
			fprintf(out, "goto pc%+d\n", insn->off);
		} else if (BPF_SRC(insn->code) == BPF_X) {
			fprintf(out, "if r%d %s r%d goto pc%+d\n",
				insn->dst_reg, emit_jmp_str(op), insn->src_reg,
				insn->off);
		} else {
			fprintf(out, "if r%d %s 0x%x goto pc%+d\n",
				insn->dst_reg, emit_jmp_str(op),
				(unsigned)insn->imm, insn->off);
		}
		return 1;
	}
	fprintf(out, "unknown opcode %02x\n", insn->code);
	return 1;
}

void emit_dump(FILE *out, const struct probe *p)
{
	unsigned i = 0;

	while (i < p->ninsns) {
		fprintf(out, "%u: ", i);
		i += emit_dump_one(out, &p->insns[i], p->ninsns - i);
	}
}
