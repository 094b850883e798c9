/* ir.h - a small linear IR that stays close to BPF.
 *
 * Three-address instructions over registers in one number space: 0..10 are
 * the physical BPF registers (r10 the read-only frame pointer), IR_VREG0 and
 * up are virtual.  Physical registers appear only at ABI edges: r1 (ctx) at
 * entry, r1-r5 just before a CALL, r0 just after it and before EXIT; lowering
 * copies them into virtual registers at once so their live ranges stay tiny.
 * Every jump goes forward but the back edges of loops: a jump to a label
 * placed before it, which must be a loop head (ir_place_loop()).
 *
 * Opcode facts live in IR_OPS and nowhere else: the dumper, the allocator and
 * the emitter read them through ir_op_info[].
 *
 * Pipeline: lower_probe() builds a function, ra_alloc() rewrites every
 * virtual register to a physical one (adding spill code), emit_prog() turns it
 * into struct bpf_insn.
 */
#ifndef SPRY_IR_H
#define SPRY_IR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"

struct arena;

#define IR_VREG0	16
#define IR_NONE		(-1)
#define IR_R0		0
#define IR_R1		1
#define IR_CTX		1	/* r1 at entry */
#define IR_FP		10

/* X(op, name, dst, a, b, flags)
 *   dst/a/b: 1 when the instruction writes dst / reads a / reads b (registers)
 *   flags: IR_F_* below */
#define IR_F_IMM	0x01	/* uses imm */
#define IR_F_JUMP	0x02	/* may transfer control to label */
#define IR_F_CALL	0x04	/* reads r1..r(nargs), writes r0, clobbers r1-r5 */
#define IR_F_MEM	0x08	/* memory access of `size` at a + off */
#define IR_F_END	0x10	/* control does not fall through */
#define IR_OPS(X)							\
	X(MOV,    "mov",    1, 1, 0, 0)		/* dst = a */			\
	X(MOV32,  "mov32",  1, 1, 0, 0)		/* dst = (u32)a */		\
	X(MOVI,   "movi",   1, 0, 0, IR_F_IMM)	/* dst = imm (s32 range) */	\
	X(LDI64,  "ldi64",  1, 0, 0, IR_F_IMM)	/* dst = imm (any 64-bit) */	\
	X(LDMAP,  "ldmap",  1, 0, 0, IR_F_IMM)	/* dst = map #imm (pseudo fd) */ \
	X(LDMAPV, "ldmapv", 1, 0, 0, IR_F_IMM)	/* dst = &map #imm's value + off */ \
	X(ALU,    "alu",    1, 1, 1, 0)		/* dst = a <alu> b */		\
	X(ALUI,   "alui",   1, 1, 0, IR_F_IMM)	/* dst = a <alu> imm */		\
	X(NEG,    "neg",    1, 1, 0, 0)		/* dst = -a */			\
	X(BSWAP,  "bswap",  1, 1, 0, IR_F_IMM)	/* dst = a's low imm bits	\
						 * (16, 32, 64) reversed */	\
	X(LDX,    "ldx",    1, 1, 0, IR_F_MEM)	/* dst = *(size *)(a + off) */	\
	X(STX,    "stx",    0, 1, 1, IR_F_MEM)	/* *(size *)(a + off) = b */	\
	X(ST,     "st",     0, 1, 0, IR_F_MEM | IR_F_IMM) /* *(a + off) = imm */ \
	X(XADD,   "xadd",   0, 1, 1, IR_F_MEM)	/* lock *(size *)(a + off) += b */ \
	X(CALL,   "call",   0, 0, 0, IR_F_CALL | IR_F_IMM) /* helper #imm */	\
	X(JA,     "ja",     0, 0, 0, IR_F_JUMP | IR_F_END)			\
	X(JCC,    "jcc",    0, 1, 1, IR_F_JUMP)	/* if (a <cc> b) goto label */	\
	X(JCCI,   "jcci",   0, 1, 0, IR_F_JUMP | IR_F_IMM) /* a <cc> imm */	\
	X(LABEL,  "label",  0, 0, 0, 0)					\
	X(EXIT,   "exit",   0, 0, 0, IR_F_END)	/* return r0 */

enum ir_op {
#define X(op, name, d, a, b, f) IR_##op,
	IR_OPS(X)
#undef X
	IR_NOPS_
};

struct ir_op_info {
	const char *name;
	bool dst, a, b;
	unsigned flags;
};
extern const struct ir_op_info ir_op_info[IR_NOPS_];

struct ir_insn {
	enum ir_op op;
	uint8_t code;	/* ALU/ALUI: BPF_ADD..BPF_ARSH; JCC/JCCI: BPF_JEQ..BPF_JSLE;
			 * BSWAP: BPF_TO_BE or BPF_TO_LE */
	uint8_t size;	/* LDX/STX/ST: BPF_B, BPF_H, BPF_W, BPF_DW */
	uint8_t nargs;	/* CALL: helper arguments in r1..r<nargs> */
	int dst, a, b;	/* registers, IR_NONE where unused */
	int16_t off;	/* LDX/STX/ST/XADD; LDMAPV: offset in the value */
	int64_t imm;	/* MOVI/LDI64/ALUI/ST/JCCI immediate, LDMAP/LDMAPV map
			 * id, CALL helper */
	int label;	/* JA/JCC/JCCI target, LABEL's own number */
	struct loc loc;
};

struct ir_func {
	struct arena *arena;
	struct ir_insn *insns;
	unsigned n, cap;
	int next_vreg;		/* first unused virtual register */
	int next_label;
	unsigned stack;		/* bytes of the frame used so far, from the top:
				 * lowering owns [r10 - stack, r10); ra_alloc
				 * adds its spill slots below and updates it */
	bool failed;		/* lowering reported an error and goes on only
				 * to finish its walk: offsets are no longer
				 * checked, the code is thrown away */
};

struct ir_func *ir_new(struct arena *a);
int ir_vreg(struct ir_func *f);
int ir_label(struct ir_func *f);
/* Reserve @size bytes of frame (aligned to @align); returns the (negative)
 * offset from r10, or 0 when the 512-byte frame would overflow. */
int ir_stack(struct ir_func *f, unsigned size, unsigned align);
/* Append and return a pointer valid until the next append. */
struct ir_insn *ir_emit(struct ir_func *f, enum ir_op op, struct loc loc);

/* Builders used by lowering and the unit tests. */
void ir_mov(struct ir_func *f, int dst, int a, struct loc l);
void ir_movi(struct ir_func *f, int dst, int64_t imm, struct loc l);	/* picks LDI64 when needed */
void ir_mov32(struct ir_func *f, int dst, int a, struct loc l);	/* dst = (u32)a */
void ir_neg(struct ir_func *f, int dst, int a, struct loc l);	/* dst = -a */
/* dst = the low @bits (16, 32, 64) of a, bytes reversed, zero-extended.
 * BPF_END converts to an order, so which one swaps is the target's:
 * @big_endian picks BPF_TO_LE (a swap on s390x) over BPF_TO_BE. */
void ir_bswap(struct ir_func *f, int dst, int a, int bits, bool big_endian,
	      struct loc l);
void ir_alu(struct ir_func *f, int code, int dst, int a, int b, struct loc l);
void ir_alui(struct ir_func *f, int code, int dst, int a, int64_t imm, struct loc l);
void ir_ldx(struct ir_func *f, int size, int dst, int a, int off, struct loc l);
void ir_stx(struct ir_func *f, int size, int a, int off, int b, struct loc l);
void ir_st(struct ir_func *f, int size, int a, int off, int64_t imm, struct loc l);
void ir_ldmap(struct ir_func *f, int dst, unsigned map, struct loc l);
/* dst = the address of byte @off of map @map's value (BPF_PSEUDO_MAP_VALUE,
 * 5.2+: the map must be an array of one entry, not per-CPU) */
void ir_ldmapv(struct ir_func *f, int dst, unsigned map, int off, struct loc l);
/* *(size *)(a + off) += b as one atomic instruction (BPF_ATOMIC | BPF_ADD,
 * the old BPF_XADD encoding: 4.x kernels run it too) */
void ir_xadd(struct ir_func *f, int size, int a, int off, int b, struct loc l);
void ir_call(struct ir_func *f, int helper, unsigned nargs, struct loc l);
void ir_ja(struct ir_func *f, int label, struct loc l);
void ir_jcc(struct ir_func *f, int code, int a, int b, int label, struct loc l);
void ir_jcci(struct ir_func *f, int code, int a, int64_t imm, int label, struct loc l);
void ir_place(struct ir_func *f, int label, struct loc l);		/* LABEL */
/* A loop's head: the one kind of label later jumps may go back to (imm
 * IR_LOOP_HEAD; the verifier accepts bounded loops from Linux 5.3). */
#define IR_LOOP_HEAD	1
void ir_place_loop(struct ir_func *f, int label, struct loc l);
/* A jump that closes a loop (imm IR_LOOP_EDGE), kept even when its label
 * follows: verifiers before Linux 6.3 or so reject a loop closed by
 * falling through ("back-edge from insn N to N+1") where a jump is fine;
 * a privileged load drops the `goto +0` after verification. */
#define IR_LOOP_EDGE	1
void ir_ja_loop(struct ir_func *f, int label, struct loc l);
bool ir_is_loop_edge(const struct ir_insn *in);
void ir_exit(struct ir_func *f, struct loc l);

/* BPF's ALU operations, the `code` of ALU/ALUI: X(code, sym, commutes)
 *   sym      the operator as the IR dump writes it ("+"); the verifier log
 *            writes it with "=" ("+="), and MOV as "="
 *   commutes a op b == b op a (the allocator and the emitter rely on it) */
#define IR_ALU_OPS(X)							\
	X(BPF_ADD,  "+",   1)						\
	X(BPF_SUB,  "-",   0)						\
	X(BPF_MUL,  "*",   1)						\
	X(BPF_DIV,  "/",   0)						\
	X(BPF_OR,   "|",   1)						\
	X(BPF_AND,  "&",   1)						\
	X(BPF_LSH,  "<<",  0)						\
	X(BPF_RSH,  ">>",  0)						\
	X(BPF_MOD,  "%",   0)						\
	X(BPF_XOR,  "^",   1)						\
	X(BPF_MOV,  "",    0)						\
	X(BPF_ARSH, "s>>", 0)

/* BPF's conditional jumps, the `code` of JCC/JCCI: X(cc, sym, invert, swap)
 *   invert   the cc of !(a cc b), -1 when there is none (JSET)
 *   swap     the cc' with b cc' a == a cc b */
#define IR_CC_OPS(X)							\
	X(BPF_JEQ,  "==",  BPF_JNE,  BPF_JEQ)				\
	X(BPF_JGT,  ">",   BPF_JLE,  BPF_JLT)				\
	X(BPF_JGE,  ">=",  BPF_JLT,  BPF_JLE)				\
	X(BPF_JSET, "&",   -1,       BPF_JSET)				\
	X(BPF_JNE,  "!=",  BPF_JEQ,  BPF_JNE)				\
	X(BPF_JSGT, "s>",  BPF_JSLE, BPF_JSLT)				\
	X(BPF_JSGE, "s>=", BPF_JSLT, BPF_JSLE)				\
	X(BPF_JLT,  "<",   BPF_JGE,  BPF_JGT)				\
	X(BPF_JLE,  "<=",  BPF_JGT,  BPF_JGE)				\
	X(BPF_JSLT, "s<",  BPF_JSGE, BPF_JSGT)				\
	X(BPF_JSLE, "s<=", BPF_JSGT, BPF_JSGE)

/* Facts of the tables above; a code not in them: NULL, false, -1, itself. */
const char *ir_alu_sym(int code);
bool ir_alu_commutes(int code);
const char *ir_cc_sym(int cc);
int ir_cc_invert(int cc);
int ir_cc_swap(int cc);

/* BPF_B.. -> 1, 2, 4, 8 and back */
unsigned ir_size_bytes(int size);
int ir_size_code(unsigned bytes);

/* The kernel's name of BPF_FUNC_<name> ("map_lookup_elem"), or NULL for a
 * helper spry does not know by name (printed by number). */
const char *ir_helper_name(int helper);

/* The forms a function takes through the pipeline, each with what its pass
 * guarantees (lower.h, regalloc.h, peephole.h). */
enum ir_form {
	IR_LOWERED,	/* operands valid, labels placed once, jumps forward
			 * but to loop heads, ends in EXIT; physical
			 * registers at ABI edges only */
	IR_ALLOCATED,	/* no virtual register; a non-commutative ALU's dst
			 * is not b's register unless a's is */
	IR_PEEPHOLED,	/* allocated, nothing unreachable, every label a
			 * jump's target, no jump to the next instruction */
};
/* check.c: NULL when @f is in @form, else what is broken and where (in
 * @a).  compile.c checks after every pass in builds with assertions. */
const char *ir_check(struct arena *a, const struct ir_func *f,
		     enum ir_form form);

/* "  v17 = ldx.w [v16 + 8]" one line per instruction; physical registers as
 * r0..r10, virtual as v16.. */
void ir_dump(FILE *out, const struct ir_func *f);
void ir_insn_dump(FILE *out, const struct ir_insn *in);

#endif
