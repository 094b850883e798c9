/* ir.c - building and printing the linear IR.
 *
 * Input: builder calls from lowering (and the unit tests).  Output: a struct
 * ir_func, a growing array of three-address instructions in the script's
 * arena, and its textual dump ("  v17 = ldx.w [v16 + 8]") used by -S and the
 * golden tests, so the dump format is part of the contract: keep it stable.
 *
 * The builders take care of BPF's 32-bit immediates: an immediate that does
 * not fit a signed 32-bit field is first loaded into a fresh virtual register
 * with LDI64 (BPF_LD_IMM64, the only instruction with a 64-bit immediate), so
 * every IMM instruction other than LDI64 satisfies the encoding.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <linux/bpf.h>

#include "arena.h"
#include "ir.h"

const struct ir_op_info ir_op_info[IR_NOPS_] = {
#define X(op, nm, d, a_, b_, f) [IR_##op] = { .name = nm, .dst = d, .a = a_, .b = b_, .flags = f },
	IR_OPS(X)
#undef X
};

/* The kernel's own names (BPF_FUNC_<name>), as bpftool and the verifier log
 * print them without the "bpf_" prefix.  Only helpers spry may call are
 * listed; others print by number. */
static const char *const ir_helpers[] = {
	[BPF_FUNC_map_lookup_elem] = "map_lookup_elem",
	[BPF_FUNC_map_update_elem] = "map_update_elem",
	[BPF_FUNC_map_delete_elem] = "map_delete_elem",
	[BPF_FUNC_probe_read] = "probe_read",
	[BPF_FUNC_ktime_get_ns] = "ktime_get_ns",
	[BPF_FUNC_trace_printk] = "trace_printk",
	[BPF_FUNC_get_prandom_u32] = "get_prandom_u32",
	[BPF_FUNC_get_smp_processor_id] = "get_smp_processor_id",
	[BPF_FUNC_tail_call] = "tail_call",
	[BPF_FUNC_get_current_pid_tgid] = "get_current_pid_tgid",
	[BPF_FUNC_get_current_uid_gid] = "get_current_uid_gid",
	[BPF_FUNC_get_current_comm] = "get_current_comm",
	[BPF_FUNC_perf_event_output] = "perf_event_output",
	[BPF_FUNC_get_stackid] = "get_stackid",
	[BPF_FUNC_get_current_task] = "get_current_task",
	[BPF_FUNC_probe_read_str] = "probe_read_str",
	[BPF_FUNC_send_signal] = "send_signal",
	[BPF_FUNC_probe_read_user] = "probe_read_user",
	[BPF_FUNC_probe_read_kernel] = "probe_read_kernel",
	[BPF_FUNC_probe_read_user_str] = "probe_read_user_str",
	[BPF_FUNC_probe_read_kernel_str] = "probe_read_kernel_str",
	[BPF_FUNC_get_ns_current_pid_tgid] = "get_ns_current_pid_tgid",
	[BPF_FUNC_seq_write] = "seq_write",
	[BPF_FUNC_ringbuf_output] = "ringbuf_output",
	[BPF_FUNC_ktime_get_boot_ns] = "ktime_get_boot_ns",
	[BPF_FUNC_get_current_task_btf] = "get_current_task_btf",
	[BPF_FUNC_get_func_ip] = "get_func_ip",
	[BPF_FUNC_get_attach_cookie] = "get_attach_cookie",
	[BPF_FUNC_d_path] = "d_path",
};

const char *ir_helper_name(int helper)
{
	if (helper < 0 || (size_t)helper >= sizeof(ir_helpers) / sizeof(ir_helpers[0]))
		return NULL;
	return ir_helpers[helper];
}

struct ir_func *ir_new(struct arena *a)
{
	struct ir_func *f = arena_alloc(a, sizeof(*f));

	f->arena = a;
	f->next_vreg = IR_VREG0;
	f->next_label = 0;
	return f;
}

int ir_vreg(struct ir_func *f)
{
	return f->next_vreg++;
}

int ir_label(struct ir_func *f)
{
	return f->next_label++;
}

int ir_stack(struct ir_func *f, unsigned size, unsigned align)
{
	unsigned top;

	assert(align && !(align & (align - 1)) && "alignment is a power of two");
	if (size > 512)
		return 0;
	if (!size)
		size = 1;	/* 0 is the overflow answer: never return it */
	top = (f->stack + size + align - 1) & ~(align - 1);
	if (top > 512 || top == 0)
		return 0;
	f->stack = top;
	return -(int)top;
}

struct ir_insn *ir_emit(struct ir_func *f, enum ir_op op, struct loc loc)
{
	struct ir_insn *in;

	assert(op < IR_NOPS_ && "ir_emit: bad opcode");
	if (f->n == f->cap) {
		unsigned cap = f->cap ? f->cap * 2 : 16;

		f->insns = arena_grow(f->arena, f->insns,
				      f->cap * sizeof(*f->insns),
				      cap * sizeof(*f->insns));
		f->cap = cap;
	}
	in = &f->insns[f->n++];
	memset(in, 0, sizeof(*in));
	in->op = op;
	in->dst = in->a = in->b = IR_NONE;
	in->label = IR_NONE;
	in->loc = loc;
	return in;
}

static bool ir_fits_s32(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

void ir_mov(struct ir_func *f, int dst, int a, struct loc l)
{
	struct ir_insn *in = ir_emit(f, IR_MOV, l);

	in->dst = dst;
	in->a = a;
}

void ir_mov32(struct ir_func *f, int dst, int a, struct loc l)
{
	struct ir_insn *in = ir_emit(f, IR_MOV32, l);

	in->dst = dst;
	in->a = a;
}

void ir_neg(struct ir_func *f, int dst, int a, struct loc l)
{
	struct ir_insn *in = ir_emit(f, IR_NEG, l);

	in->dst = dst;
	in->a = a;
}

void ir_bswap(struct ir_func *f, int dst, int a, int bits, bool big_endian,
	      struct loc l)
{
	struct ir_insn *in = ir_emit(f, IR_BSWAP, l);

	assert((bits == 16 || bits == 32 || bits == 64) && "bswap width");
	in->dst = dst;
	in->a = a;
	in->imm = bits;
	in->code = big_endian ? BPF_TO_LE : BPF_TO_BE;
}

void ir_movi(struct ir_func *f, int dst, int64_t imm, struct loc l)
{
	struct ir_insn *in = ir_emit(f, ir_fits_s32(imm) ? IR_MOVI : IR_LDI64, l);

	in->dst = dst;
	in->imm = imm;
}

/* A register holding @imm, for the immediate forms that cannot encode it. */
static int ir_imm_reg(struct ir_func *f, int64_t imm, struct loc l)
{
	int r = ir_vreg(f);

	ir_movi(f, r, imm, l);
	return r;
}

void ir_alu(struct ir_func *f, int code, int dst, int a, int b, struct loc l)
{
	struct ir_insn *in = ir_emit(f, IR_ALU, l);

	in->code = (uint8_t)code;
	in->dst = dst;
	in->a = a;
	in->b = b;
}

void ir_alui(struct ir_func *f, int code, int dst, int a, int64_t imm,
	     struct loc l)
{
	struct ir_insn *in;

	if (!ir_fits_s32(imm)) {
		ir_alu(f, code, dst, a, ir_imm_reg(f, imm, l), l);
		return;
	}
	in = ir_emit(f, IR_ALUI, l);
	in->code = (uint8_t)code;
	in->dst = dst;
	in->a = a;
	in->imm = imm;
}

void ir_ldx(struct ir_func *f, int size, int dst, int a, int off, struct loc l)
{
	struct ir_insn *in = ir_emit(f, IR_LDX, l);

	/* a failed lowering goes on with a dummy stack slot: its
	 * offsets may be anything, its code is never used */
	assert((f->failed || (off >= INT16_MIN && off <= INT16_MAX)) &&
	       "ldx offset fits s16");
	in->size = (uint8_t)size;
	in->dst = dst;
	in->a = a;
	in->off = (int16_t)off;
}

void ir_stx(struct ir_func *f, int size, int a, int off, int b, struct loc l)
{
	struct ir_insn *in = ir_emit(f, IR_STX, l);

	/* a failed lowering goes on with a dummy stack slot: its
	 * offsets may be anything, its code is never used */
	assert((f->failed || (off >= INT16_MIN && off <= INT16_MAX)) &&
	       "stx offset fits s16");
	in->size = (uint8_t)size;
	in->a = a;
	in->b = b;
	in->off = (int16_t)off;
}

void ir_st(struct ir_func *f, int size, int a, int off, int64_t imm,
	   struct loc l)
{
	struct ir_insn *in;

	/* a failed lowering goes on with a dummy stack slot: its
	 * offsets may be anything, its code is never used */
	assert((f->failed || (off >= INT16_MIN && off <= INT16_MAX)) &&
	       "st offset fits s16");
	/* BPF_ST sign-extends a 32-bit immediate; narrower stores truncate,
	 * so only a DW store of a wide value needs a register. */
	if (size == BPF_DW && !ir_fits_s32(imm)) {
		ir_stx(f, size, a, off, ir_imm_reg(f, imm, l), l);
		return;
	}
	in = ir_emit(f, IR_ST, l);
	in->size = (uint8_t)size;
	in->a = a;
	in->off = (int16_t)off;
	/* narrower stores keep only the low bytes anyway */
	in->imm = ir_fits_s32(imm) ? imm : (int32_t)(uint32_t)(uint64_t)imm;
}

void ir_ldmap(struct ir_func *f, int dst, unsigned map, struct loc l)
{
	struct ir_insn *in = ir_emit(f, IR_LDMAP, l);

	in->dst = dst;
	in->imm = map;
}

void ir_ldmapv(struct ir_func *f, int dst, unsigned map, int off, struct loc l)
{
	struct ir_insn *in = ir_emit(f, IR_LDMAPV, l);

	assert((f->failed || (off >= 0 && off <= INT16_MAX)) &&
	       "ldmapv offset fits s16");
	in->dst = dst;
	in->imm = map;
	in->off = (int16_t)off;
}

void ir_xadd(struct ir_func *f, int size, int a, int off, int b, struct loc l)
{
	struct ir_insn *in = ir_emit(f, IR_XADD, l);

	/* BPF has no 8- or 16-bit atomics */
	assert((size == BPF_W || size == BPF_DW) && "xadd is 4 or 8 bytes");
	/* a failed lowering goes on with a dummy stack slot: its
	 * offsets may be anything, its code is never used */
	assert((f->failed || (off >= INT16_MIN && off <= INT16_MAX)) &&
	       "xadd offset fits s16");
	in->size = (uint8_t)size;
	in->a = a;
	in->b = b;
	in->off = (int16_t)off;
}

void ir_call(struct ir_func *f, int helper, unsigned nargs, struct loc l)
{
	struct ir_insn *in = ir_emit(f, IR_CALL, l);

	assert(nargs <= 5 && "BPF helpers take at most five arguments");
	in->imm = helper;
	in->nargs = (uint8_t)nargs;
}

void ir_ja(struct ir_func *f, int label, struct loc l)
{
	struct ir_insn *in = ir_emit(f, IR_JA, l);

	in->label = label;
}

void ir_ja_loop(struct ir_func *f, int label, struct loc l)
{
	struct ir_insn *in = ir_emit(f, IR_JA, l);

	in->label = label;
	in->imm = IR_LOOP_EDGE;
}

bool ir_is_loop_edge(const struct ir_insn *in)
{
	return in->op == IR_JA && in->imm == IR_LOOP_EDGE;
}

void ir_jcc(struct ir_func *f, int code, int a, int b, int label, struct loc l)
{
	struct ir_insn *in = ir_emit(f, IR_JCC, l);

	in->code = (uint8_t)code;
	in->a = a;
	in->b = b;
	in->label = label;
}

void ir_jcci(struct ir_func *f, int code, int a, int64_t imm, int label,
	     struct loc l)
{
	struct ir_insn *in;

	if (!ir_fits_s32(imm)) {
		ir_jcc(f, code, a, ir_imm_reg(f, imm, l), label, l);
		return;
	}
	in = ir_emit(f, IR_JCCI, l);
	in->code = (uint8_t)code;
	in->a = a;
	in->imm = imm;
	in->label = label;
}

void ir_place(struct ir_func *f, int label, struct loc l)
{
	struct ir_insn *in = ir_emit(f, IR_LABEL, l);

	in->label = label;
}

void ir_place_loop(struct ir_func *f, int label, struct loc l)
{
	struct ir_insn *in = ir_emit(f, IR_LABEL, l);

	in->label = label;
	in->imm = IR_LOOP_HEAD;
}

void ir_exit(struct ir_func *f, struct loc l)
{
	ir_emit(f, IR_EXIT, l);
}

unsigned ir_size_bytes(int size)
{
	switch (size) {
	case BPF_B:	return 1;
	case BPF_H:	return 2;
	case BPF_W:	return 4;
	case BPF_DW:	return 8;
	}
	assert(0 && "ir_size_bytes: not a BPF size");
	return 0;
}

int ir_size_code(unsigned bytes)
{
	switch (bytes) {
	case 1:	return BPF_B;
	case 2:	return BPF_H;
	case 4:	return BPF_W;
	case 8:	return BPF_DW;
	}
	assert(0 && "ir_size_code: not 1, 2, 4 or 8 bytes");
	return -1;
}

/* ---- dump ---- */

static const char *ir_alu_str(int code)
{
	return ir_alu_sym(code) ? ir_alu_sym(code) : "?alu";
}

static const char *ir_cc_str(int cc)
{
	return ir_cc_sym(cc) ? ir_cc_sym(cc) : "?cc";
}

static const char *ir_size_sfx(int size)
{
	switch (size) {
	case BPF_B:	return "b";
	case BPF_H:	return "h";
	case BPF_W:	return "w";
	case BPF_DW:	return "dw";
	}
	return "?";
}

static void ir_reg(FILE *out, int r)
{
	if (r == IR_NONE)
		fputs("_", out);
	else if (r < IR_VREG0)
		fprintf(out, "r%d", r);
	else
		fprintf(out, "v%d", r);
}

static void ir_addr(FILE *out, int base, int off)
{
	fputc('[', out);
	ir_reg(out, base);
	if (off > 0)
		fprintf(out, " + %d", off);
	else if (off < 0)
		fprintf(out, " - %d", -off);
	fputc(']', out);
}

void ir_insn_dump(FILE *out, const struct ir_insn *in)
{
	const char *name;

	if (in->op == IR_LABEL) {
		fprintf(out, "L%d:%s\n", in->label,
			in->imm == IR_LOOP_HEAD ? "\t; loop" : "");
		return;
	}
	fputs("  ", out);
	if (ir_op_info[in->op].dst) {
		ir_reg(out, in->dst);
		fputs(" = ", out);
	}
	switch (in->op) {
	case IR_MOV:
		ir_reg(out, in->a);
		break;
	case IR_MOV32:
		fputs("(u32)", out);
		ir_reg(out, in->a);
		break;
	case IR_MOVI:
		fprintf(out, "%" PRId64, in->imm);
		break;
	case IR_LDI64:
		fprintf(out, "%" PRId64 " ll", in->imm);
		break;
	case IR_LDMAP:
		fprintf(out, "ldmap #%" PRId64, in->imm);
		break;
	case IR_LDMAPV:
		fprintf(out, "ldmapv #%" PRId64 " + %d", in->imm, in->off);
		break;
	case IR_ALU:
		ir_reg(out, in->a);
		fprintf(out, " %s ", ir_alu_str(in->code));
		ir_reg(out, in->b);
		break;
	case IR_ALUI:
		ir_reg(out, in->a);
		fprintf(out, " %s %" PRId64, ir_alu_str(in->code), in->imm);
		break;
	case IR_NEG:
		fputc('-', out);
		ir_reg(out, in->a);
		break;
	case IR_BSWAP:
		fprintf(out, "bswap%" PRId64 " ", in->imm);
		ir_reg(out, in->a);
		break;
	case IR_LDX:
		fprintf(out, "ldx.%s ", ir_size_sfx(in->size));
		ir_addr(out, in->a, in->off);
		break;
	case IR_STX:
		fprintf(out, "stx.%s ", ir_size_sfx(in->size));
		ir_addr(out, in->a, in->off);
		fputs(" = ", out);
		ir_reg(out, in->b);
		break;
	case IR_ST:
		fprintf(out, "st.%s ", ir_size_sfx(in->size));
		ir_addr(out, in->a, in->off);
		fprintf(out, " = %" PRId64, in->imm);
		break;
	case IR_XADD:
		fprintf(out, "xadd.%s ", ir_size_sfx(in->size));
		ir_addr(out, in->a, in->off);
		fputs(" += ", out);
		ir_reg(out, in->b);
		break;
	case IR_CALL:
		name = ir_helper_name((int)in->imm);
		if (name)
			fprintf(out, "call %s/%" PRId64, name, in->imm);
		else
			fprintf(out, "call #%" PRId64, in->imm);
		fprintf(out, " (%u arg%s)", in->nargs, in->nargs == 1 ? "" : "s");
		break;
	case IR_JA:
		fprintf(out, "goto L%d%s", in->label,
			ir_is_loop_edge(in) ? "\t; loop edge" : "");
		break;
	case IR_JCC:
		fputs("if ", out);
		ir_reg(out, in->a);
		fprintf(out, " %s ", ir_cc_str(in->code));
		ir_reg(out, in->b);
		fprintf(out, " goto L%d", in->label);
		break;
	case IR_JCCI:
		fputs("if ", out);
		ir_reg(out, in->a);
		fprintf(out, " %s %" PRId64 " goto L%d", ir_cc_str(in->code),
			in->imm, in->label);
		break;
	case IR_EXIT:
		fputs("exit", out);
		break;
	case IR_LABEL:
	case IR_NOPS_:
		break;
	}
	fputc('\n', out);
}

void ir_dump(FILE *out, const struct ir_func *f)
{
	unsigned i;

	for (i = 0; i < f->n; i++)
		ir_insn_dump(out, &f->insns[i]);
}

/* ---- BPF operation facts ---- */

struct ir_alu_fact {
	const char *sym;
	bool commutes;
};

struct ir_cc_fact {
	const char *sym;
	int invert, swap;
};

/* indexed by BPF_OP(code) >> 4 */
static const struct ir_alu_fact ir_alu_facts[16] = {
#define X(code, s, c) [(code) >> 4] = { .sym = s, .commutes = c },
	IR_ALU_OPS(X)
#undef X
};

static const struct ir_cc_fact ir_cc_facts[16] = {
#define X(cc, s, inv, sw) [(cc) >> 4] = { .sym = s, .invert = inv, .swap = sw },
	IR_CC_OPS(X)
#undef X
};

static const struct ir_alu_fact *ir_alu_fact(int code)
{
	if (code < 0 || code & 0x0f || (code >> 4) >= 16 ||
	    !ir_alu_facts[code >> 4].sym)
		return NULL;
	return &ir_alu_facts[code >> 4];
}

static const struct ir_cc_fact *ir_cc_fact(int cc)
{
	if (cc < 0 || cc & 0x0f || (cc >> 4) >= 16 ||
	    !ir_cc_facts[cc >> 4].sym)
		return NULL;
	return &ir_cc_facts[cc >> 4];
}

const char *ir_alu_sym(int code)
{
	const struct ir_alu_fact *f = ir_alu_fact(code);

	return f ? f->sym : NULL;
}

bool ir_alu_commutes(int code)
{
	const struct ir_alu_fact *f = ir_alu_fact(code);

	return f && f->commutes;
}

const char *ir_cc_sym(int cc)
{
	const struct ir_cc_fact *f = ir_cc_fact(cc);

	return f ? f->sym : NULL;
}

int ir_cc_invert(int cc)
{
	const struct ir_cc_fact *f = ir_cc_fact(cc);

	return f ? f->invert : -1;
}

int ir_cc_swap(int cc)
{
	const struct ir_cc_fact *f = ir_cc_fact(cc);

	return f ? f->swap : cc;
}
