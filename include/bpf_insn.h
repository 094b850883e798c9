/* bpf_insn.h - struct bpf_insn constructors.
 *
 * The names and argument orders are the kernel's (tools/include/linux/
 * filter.h), so the emitter, its instruction-table tests and the verifier's
 * log read alike: BPF_MOV64_IMM(DST, IMM), BPF_ALU64_REG(OP, DST, SRC),
 * BPF_LDX_MEM(SIZE, DST, SRC, OFF), BPF_JMP_IMM(OP, DST, IMM, OFF)...
 * Each macro is a compound literal, usable in array initialisers of tests and
 * as an expression.  BPF_LD_IMM64 and BPF_LD_MAP_FD expand to TWO
 * instructions (comma-separated), as in the kernel: use them in initialisers;
 * so do BPF_LD_IMM64_RAW_FULL and BPF_LD_MAP_VALUE.
 */
#ifndef SPRY_BPF_INSN_H
#define SPRY_BPF_INSN_H

#include <linux/bpf.h>

#define BPF_RAW_INSN(CODE, DST, SRC, OFF, IMM)				\
	((struct bpf_insn) {						\
		.code = CODE,						\
		.dst_reg = DST,						\
		.src_reg = SRC,						\
		.off = OFF,						\
		.imm = IMM })

/* ALU: dst op= src / dst op= imm */
#define BPF_ALU64_REG(OP, DST, SRC)					\
	BPF_RAW_INSN(BPF_ALU64 | BPF_OP(OP) | BPF_X, DST, SRC, 0, 0)
#define BPF_ALU32_REG(OP, DST, SRC)					\
	BPF_RAW_INSN(BPF_ALU | BPF_OP(OP) | BPF_X, DST, SRC, 0, 0)
#define BPF_ALU64_IMM(OP, DST, IMM)					\
	BPF_RAW_INSN(BPF_ALU64 | BPF_OP(OP) | BPF_K, DST, 0, 0, IMM)
#define BPF_ALU32_IMM(OP, DST, IMM)					\
	BPF_RAW_INSN(BPF_ALU | BPF_OP(OP) | BPF_K, DST, 0, 0, IMM)

/* dst = src; the 32-bit form zero-extends into the upper half */
#define BPF_MOV64_REG(DST, SRC)						\
	BPF_RAW_INSN(BPF_ALU64 | BPF_MOV | BPF_X, DST, SRC, 0, 0)
#define BPF_MOV32_REG(DST, SRC)						\
	BPF_RAW_INSN(BPF_ALU | BPF_MOV | BPF_X, DST, SRC, 0, 0)
#define BPF_MOV64_IMM(DST, IMM)						\
	BPF_RAW_INSN(BPF_ALU64 | BPF_MOV | BPF_K, DST, 0, 0, IMM)
#define BPF_MOV32_IMM(DST, IMM)						\
	BPF_RAW_INSN(BPF_ALU | BPF_MOV | BPF_K, DST, 0, 0, IMM)

/* dst = bswap(dst) of LEN bits, zero-extended (TYPE BPF_TO_BE swaps on a
 * little-endian target) */
#define BPF_ENDIAN(TYPE, DST, LEN)					\
	BPF_RAW_INSN(BPF_ALU | BPF_END | BPF_SRC(TYPE), DST, 0, 0, LEN)

/* dst = imm64, two instructions: the second holds the upper 32 bits */
#define BPF_LD_IMM64_RAW(DST, SRC, IMM)					\
	BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, DST, SRC, 0,		\
		     (__u32)(IMM)),					\
	BPF_RAW_INSN(0, 0, 0, 0, ((__u64)(IMM)) >> 32)
#define BPF_LD_IMM64(DST, IMM)						\
	BPF_LD_IMM64_RAW(DST, 0, IMM)
/* dst = the map behind fd (the kernel rewrites it into a map pointer) */
#define BPF_LD_MAP_FD(DST, MAP_FD)					\
	BPF_LD_IMM64_RAW(DST, BPF_PSEUDO_MAP_FD, MAP_FD)

/* Both halves spelled out: map value addresses keep an offset in the
 * second instruction's imm. */
#define BPF_LD_IMM64_RAW_FULL(DST, SRC, OFF1, OFF2, IMM1, IMM2)		\
	BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, DST, SRC, OFF1, IMM1),	\
	BPF_RAW_INSN(0, 0, 0, OFF2, IMM2)
/* dst = the address of byte VALUE_OFF of the value of the map behind fd
 * (an array of one entry; the kernel rewrites it into the address, 5.2+) */
#define BPF_LD_MAP_VALUE(DST, MAP_FD, VALUE_OFF)			\
	BPF_LD_IMM64_RAW_FULL(DST, BPF_PSEUDO_MAP_VALUE, 0, 0,		\
			      MAP_FD, VALUE_OFF)

/* dst = *(size *)(src + off) */
#define BPF_LDX_MEM(SIZE, DST, SRC, OFF)				\
	BPF_RAW_INSN(BPF_LDX | BPF_SIZE(SIZE) | BPF_MEM, DST, SRC, OFF, 0)
/* *(size *)(dst + off) = src */
#define BPF_STX_MEM(SIZE, DST, SRC, OFF)				\
	BPF_RAW_INSN(BPF_STX | BPF_SIZE(SIZE) | BPF_MEM, DST, SRC, OFF, 0)
/* *(size *)(dst + off) = imm */
#define BPF_ST_MEM(SIZE, DST, OFF, IMM)					\
	BPF_RAW_INSN(BPF_ST | BPF_SIZE(SIZE) | BPF_MEM, DST, 0, OFF, IMM)

/* lock *(size *)(dst + off) op= src.  OP BPF_ADD (0) is the old BPF_XADD
 * encoding, which every kernel with eBPF runs; the others need 5.12. */
#define BPF_ATOMIC_OP(SIZE, OP, DST, SRC, OFF)				\
	BPF_RAW_INSN(BPF_STX | BPF_SIZE(SIZE) | BPF_ATOMIC, DST, SRC, OFF, OP)

/* if (dst op src / imm) goto pc + off + 1 */
#define BPF_JMP_REG(OP, DST, SRC, OFF)					\
	BPF_RAW_INSN(BPF_JMP | BPF_OP(OP) | BPF_X, DST, SRC, OFF, 0)
#define BPF_JMP_IMM(OP, DST, IMM, OFF)					\
	BPF_RAW_INSN(BPF_JMP | BPF_OP(OP) | BPF_K, DST, 0, OFF, IMM)
#define BPF_JMP32_REG(OP, DST, SRC, OFF)				\
	BPF_RAW_INSN(BPF_JMP32 | BPF_OP(OP) | BPF_X, DST, SRC, OFF, 0)
#define BPF_JMP32_IMM(OP, DST, IMM, OFF)				\
	BPF_RAW_INSN(BPF_JMP32 | BPF_OP(OP) | BPF_K, DST, 0, OFF, IMM)
#define BPF_JMP_A(OFF)							\
	BPF_RAW_INSN(BPF_JMP | BPF_JA, 0, 0, OFF, 0)

/* call helper #FUNC: r0 = func(r1..r5), r1-r5 clobbered */
#define BPF_EMIT_CALL(FUNC)						\
	BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, FUNC)
#define BPF_EXIT_INSN()							\
	BPF_RAW_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#endif
