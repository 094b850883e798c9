/* emit.c - allocated IR to struct bpf_insn, and the disassembler.
 *
 * Input: a function after ra_alloc() (physical registers only).  Output:
 * p->insns, one struct loc per instruction in p->insn_loc, and a relocation
 * per map reference (LDMAP, LDMAPV) in p->relocs.
 *
 * Two passes over the IR (which peep_prog() cleaned up): the first counts the
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
			assert(ir_alu_commutes(in->code) &&
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
		buf[n++] = BPF_ENDIAN(in->code, dst, (int32_t)in->imm);
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
	const struct ir_func g = *f;
	unsigned *label_pc, i, pc, nrel;
	int l;

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

/* "+=" from the ALU table's "+"; MOV's "" is "=" */
static const char *emit_alu_str(int op, char *buf, size_t n)
{
	const char *sym = ir_alu_sym(op);

	if (!sym)
		return "?=";
	snprintf(buf, n, "%s=", sym);
	return buf;
}

static const char *emit_jmp_str(int op)
{
	return ir_cc_sym(op) ? ir_cc_sym(op) : "?";
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
	char buf[8];

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
				emit_alu_str(op, buf, sizeof(buf)), r,
				insn->src_reg);
		else
			fprintf(out, "%c%d %s %d\n", r, insn->dst_reg,
				emit_alu_str(op, buf, sizeof(buf)), insn->imm);
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
