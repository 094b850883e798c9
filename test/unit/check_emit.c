/* check_emit.c - IR to BPF: instruction tables, peephole, disassembly.
 *
 * Like the kernel's verifier selftests, most cases are a program and the
 * struct bpf_insn array it must become, written with the BPF_* macros.  The
 * IR here is mostly in physical registers already (what ra_alloc hands the
 * emitter); one case goes through ra_alloc.  The last case loads a program
 * with spilled pointers into the kernel (root only) and runs it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "arena.h"
#include "bpf_insn.h"
#include "emit.h"
#include "kbpf.h"
#include "peephole.h"
#include "ir.h"
#include "regalloc.h"
#include "script.h"
#include "unit.h"

static const struct loc L;

static char *dump_prog(const struct probe *p)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	emit_dump(out, p);
	fclose(out);
	return buf;
}

static char *dump_ir(const struct ir_func *f)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	ir_dump(out, f);
	fclose(out);
	return buf;
}

static void emit_ok(struct arena *a, struct ir_func *f, struct probe *p)
{
	struct unit_diag ud;
	int err;

	unit_diag_open(&ud);
	peep_prog(f);	/* as compile.c: emit requires it */
	err = emit_prog(a, f, p, &ud.d);
	ck_assert_msg(err == 0, "emit_prog: %d: %s", err, unit_diag_text(&ud));
	unit_diag_close(&ud);
}

#define expect_prog(p, ...)						\
	do {								\
		const struct bpf_insn want_[] = { __VA_ARGS__ };	\
		expect_insns(p, want_, sizeof(want_) / sizeof(want_[0])); \
	} while (0)

static void expect_insns(const struct probe *p, const struct bpf_insn *want,
			 unsigned n)
{
	unsigned i;

	if (p->ninsns != n || memcmp(p->insns, want, n * sizeof(*want))) {
		struct probe w = { .insns = (struct bpf_insn *)want, .ninsns = n };
		char *got = dump_prog(p), *exp = dump_prog(&w);

		fprintf(stderr, "got:\n%s\nwant:\n%s\n", got, exp);
		for (i = 0; i < n && i < p->ninsns; i++)
			if (memcmp(&p->insns[i], &want[i], sizeof(*want)))
				break;
		free(got);
		free(exp);
		ck_abort_msg("program differs at insn %u (%u insns, want %u)",
			     i, p->ninsns, n);
	}
}

/* ---- instruction tables ---- */

START_TEST(test_alu_two_address)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	struct probe p = { 0 };
	struct ir_insn *in;

	ir_alu(f, BPF_ADD, 2, 1, 3, L);		/* mov r2, r1; add r2, r3 */
	ir_alu(f, BPF_ADD, 3, 1, 3, L);		/* commutative dst == b */
	ir_alu(f, BPF_SUB, 4, 4, 1, L);		/* dst == a: no mov */
	ir_alu(f, BPF_SUB, 5, 1, 2, L);
	ir_alui(f, BPF_ADD, 6, 1, 7, L);
	ir_alui(f, BPF_LSH, 7, 7, 3, L);
	in = ir_emit(f, IR_NEG, L);
	in->dst = 8;
	in->a = 6;
	in = ir_emit(f, IR_MOV32, L);
	in->dst = 0;
	in->a = 0;				/* mov32 r0, r0 truncates: kept */
	ir_mov(f, 9, 10, L);
	ir_movi(f, 0, -5, L);
	ir_exit(f, L);
	emit_ok(a, f, &p);
	expect_prog(&p,
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_1),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_3),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_1),
		BPF_ALU64_REG(BPF_SUB, BPF_REG_4, BPF_REG_1),
		BPF_MOV64_REG(BPF_REG_5, BPF_REG_1),
		BPF_ALU64_REG(BPF_SUB, BPF_REG_5, BPF_REG_2),
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_6, 7),
		BPF_ALU64_IMM(BPF_LSH, BPF_REG_7, 3),
		BPF_MOV64_REG(BPF_REG_8, BPF_REG_6),
		BPF_ALU64_IMM(BPF_NEG, BPF_REG_8, 0),
		BPF_MOV32_REG(BPF_REG_0, BPF_REG_0),
		BPF_MOV64_REG(BPF_REG_9, BPF_REG_10),
		BPF_MOV64_IMM(BPF_REG_0, -5),
		BPF_EXIT_INSN(),
	);
	arena_free(a);
}
END_TEST

START_TEST(test_memory)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	struct probe p = { 0 };

	ir_ldx(f, BPF_B, 2, 1, 3, L);
	ir_ldx(f, BPF_H, 2, 1, -4, L);
	ir_ldx(f, BPF_W, 2, 1, 8, L);
	ir_ldx(f, BPF_DW, 2, 10, -16, L);
	ir_stx(f, BPF_DW, 10, -8, 2, L);
	ir_stx(f, BPF_B, 10, -9, 2, L);
	ir_st(f, BPF_W, 10, -16, 0x7fffffff, L);
	ir_st(f, BPF_DW, 10, -24, -1, L);
	ir_movi(f, 0, 0, L);
	ir_exit(f, L);
	emit_ok(a, f, &p);
	expect_prog(&p,
		BPF_LDX_MEM(BPF_B, BPF_REG_2, BPF_REG_1, 3),
		BPF_LDX_MEM(BPF_H, BPF_REG_2, BPF_REG_1, -4),
		BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1, 8),
		BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -16),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -8),
		BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_2, -9),
		BPF_ST_MEM(BPF_W, BPF_REG_10, -16, 0x7fffffff),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -24, -1),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	);
	arena_free(a);
}
END_TEST

/* Label offsets count LD_IMM64 as two instructions; relocations name the
 * first one; every instruction has its IR instruction's location. */
START_TEST(test_jumps_ld_imm64_relocs)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	struct probe p = { 0 };
	int l1 = ir_label(f), l2 = ir_label(f);
	struct loc at[8];
	unsigned i;

	for (i = 0; i < 8; i++)
		at[i] = (struct loc){ .line = i + 1, .col = 1, .len = 1 };
	ir_jcci(f, BPF_JEQ, 1, 0, l1, at[0]);			/* 0 */
	ir_ldmap(f, 1, 3, at[1]);				/* 1-2 */
	ir_movi(f, 2, 0x100000000ll, at[2]);			/* 3-4 */
	ir_jcc(f, BPF_JGT, 1, 2, l2, at[3]);			/* 5 */
	ir_ldmap(f, 2, 7, at[4]);				/* 6-7 */
	ir_place(f, l1, L);
	ir_movi(f, 0, 1, at[5]);				/* 8 */
	ir_place(f, l2, L);
	ir_movi(f, 0, 2, at[6]);				/* 9 */
	ir_exit(f, at[7]);					/* 10 */
	emit_ok(a, f, &p);
	expect_prog(&p,
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 7),
		BPF_LD_MAP_FD(BPF_REG_1, 3),
		BPF_LD_IMM64(BPF_REG_2, 0x100000000ll),
		BPF_JMP_REG(BPF_JGT, BPF_REG_1, BPF_REG_2, 3),
		BPF_LD_MAP_FD(BPF_REG_2, 7),
		BPF_MOV64_IMM(BPF_REG_0, 1),
		BPF_MOV64_IMM(BPF_REG_0, 2),
		BPF_EXIT_INSN(),
	);
	ck_assert_uint_eq(p.nrelocs, 2);
	ck_assert_uint_eq(p.relocs[0].insn, 1);
	ck_assert_uint_eq(p.relocs[0].map, 3);
	ck_assert_uint_eq(p.relocs[1].insn, 6);
	ck_assert_uint_eq(p.relocs[1].map, 7);
	ck_assert_int_eq(p.insns[1].src_reg, BPF_PSEUDO_MAP_FD);

	{
		static const unsigned line[] = { 1, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8 };

		ck_assert_uint_eq(p.ninsns, 11);
		for (i = 0; i < 11; i++)
			ck_assert_uint_eq(p.insn_loc[i].line, line[i]);
	}
	arena_free(a);
}
END_TEST

/* A map value's address is an LD_IMM64 with BPF_PSEUDO_MAP_VALUE, the map
 * in the first imm and the offset in the second, relocated like a map;
 * the atomic add is BPF_STX | BPF_ATOMIC with BPF_ADD in imm.  Both print
 * as the kernel's disassembler prints them. */
START_TEST(test_map_value_atomic)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	struct probe p = { 0 };
	char *got;

	ir_ldmapv(f, 1, 4, 0, L);				/* 0-1 */
	ir_movi(f, 2, 1, L);					/* 2 */
	ir_xadd(f, BPF_DW, 1, 0, 2, L);				/* 3 */
	ir_ldmap(f, 3, 5, L);					/* 4-5 */
	ir_ldmapv(f, 6, 2, 24, L);				/* 6-7 */
	ir_xadd(f, BPF_W, 6, -4, 0, L);				/* 8 */
	ir_movi(f, 0, 0, L);
	ir_exit(f, L);
	emit_ok(a, f, &p);
	expect_prog(&p,
		BPF_LD_MAP_VALUE(BPF_REG_1, 4, 0),
		BPF_MOV64_IMM(BPF_REG_2, 1),
		BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_1, BPF_REG_2, 0),
		BPF_LD_MAP_FD(BPF_REG_3, 5),
		BPF_LD_MAP_VALUE(BPF_REG_6, 2, 24),
		BPF_ATOMIC_OP(BPF_W, BPF_ADD, BPF_REG_6, BPF_REG_0, -4),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	);
	/* the encodings themselves, as the kernel's headers define them */
	ck_assert_int_eq(p.insns[0].code, 0x18);
	ck_assert_int_eq(p.insns[0].src_reg, BPF_PSEUDO_MAP_VALUE);
	ck_assert_int_eq(p.insns[1].imm, 0);
	ck_assert_int_eq(p.insns[3].code, 0xdb);
	ck_assert_int_eq(p.insns[3].imm, 0);	/* BPF_ADD: the old XADD */
	ck_assert_int_eq(p.insns[7].imm, 24);
	ck_assert_int_eq(p.insns[8].code, 0xc3);
	ck_assert_uint_eq(p.nrelocs, 3);
	ck_assert_uint_eq(p.relocs[0].insn, 0);
	ck_assert_uint_eq(p.relocs[0].map, 4);
	ck_assert_uint_eq(p.relocs[1].insn, 4);
	ck_assert_uint_eq(p.relocs[1].map, 5);
	ck_assert_uint_eq(p.relocs[2].insn, 6);
	ck_assert_uint_eq(p.relocs[2].map, 2);
	got = dump_prog(&p);
	ck_assert_str_eq(got,
		"0: (18) r1 = map[id:4][0]+0\n"
		"2: (b7) r2 = 1\n"
		"3: (db) lock *(u64 *)(r1 +0) += r2\n"
		"4: (18) r3 = map[id:5]\n"
		"6: (18) r6 = map[id:2][0]+24\n"
		"8: (c3) lock *(u32 *)(r6 -4) += r0\n"
		"9: (b7) r0 = 0\n"
		"10: (95) exit\n");
	free(got);
	arena_free(a);
}
END_TEST

START_TEST(test_call_exit)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	struct probe p = { 0 };

	ir_call(f, BPF_FUNC_get_current_pid_tgid, 0, L);
	ir_alui(f, BPF_RSH, 0, 0, 32, L);
	ir_exit(f, L);
	emit_ok(a, f, &p);
	expect_prog(&p,
		BPF_EMIT_CALL(BPF_FUNC_get_current_pid_tgid),
		BPF_ALU64_IMM(BPF_RSH, BPF_REG_0, 32),
		BPF_EXIT_INSN(),
	);
	ck_assert_uint_eq(p.nrelocs, 0);
	arena_free(a);
}
END_TEST

START_TEST(test_jump_too_far)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	struct probe p = { 0 };
	struct source src = unit_source("x\n");
	struct loc at = { .src = &src, .line = 1, .col = 1, .len = 1 };
	struct unit_diag ud;
	int l = ir_label(f), i;

	ir_jcci(f, BPF_JEQ, 1, 0, l, at);
	for (i = 0; i < 40000; i++)
		ir_movi(f, 0, i, L);
	ir_place(f, l, L);
	ir_exit(f, L);
	unit_diag_open(&ud);
	ck_assert_int_eq(emit_prog(a, f, &p, &ud.d), -E2BIG);
	ck_assert_msg(strstr(unit_diag_text(&ud), "<test>:1:1: error: probe is too large"),
		      "got: %s", unit_diag_text(&ud));
	unit_diag_close(&ud);
	arena_free(a);
}
END_TEST

/* From virtual registers: lower-like IR through ra_alloc and emit. */
START_TEST(test_through_regalloc)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	struct probe p = { 0 };
	struct unit_diag ud;
	int ctx = ir_vreg(f), key = ir_vreg(f), ptr = ir_vreg(f);
	int val = ir_vreg(f), kp = ir_vreg(f), l = ir_label(f);
	int slot = ir_stack(f, 8, 8);

	ir_mov(f, ctx, IR_CTX, L);
	ir_ldx(f, BPF_W, key, ctx, 8, L);
	ir_stx(f, BPF_DW, IR_FP, slot, key, L);
	ir_ldmap(f, 1, 0, L);
	ir_alui(f, BPF_ADD, kp, IR_FP, slot, L);
	ir_mov(f, 2, kp, L);
	ir_call(f, BPF_FUNC_map_lookup_elem, 2, L);
	ir_mov(f, ptr, IR_R0, L);
	ir_movi(f, val, 0, L);
	ir_jcci(f, BPF_JEQ, ptr, 0, l, L);
	ir_ldx(f, BPF_DW, val, ptr, 0, L);
	ir_place(f, l, L);
	ir_mov(f, IR_R0, val, L);
	ir_exit(f, L);

	unit_diag_open(&ud);
	ck_assert_int_eq(ra_alloc(f, &L, &ud.d), 0);
	peep_prog(f);
	ck_assert_int_eq(emit_prog(a, f, &p, &ud.d), 0);
	unit_diag_close(&ud);
	expect_prog(&p,
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 8),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, -8),
		BPF_LD_MAP_FD(BPF_REG_1, 0),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
		BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem),
		BPF_MOV64_IMM(BPF_REG_1, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 0),
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
		BPF_EXIT_INSN(),
	);
	ck_assert_uint_eq(p.nrelocs, 1);
	ck_assert_uint_eq(p.relocs[0].insn, 2);
	arena_free(a);
}
END_TEST

/* ---- peephole ---- */

static void expect_peephole(struct ir_func *f, const char *want)
{
	char *got;

	peep_prog(f);
	got = dump_ir(f);
	ck_assert_msg(!strcmp(got, want), "got:\n%s\nwant:\n%s", got, want);
	free(got);
}

START_TEST(test_peephole_moves)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);

	ir_mov(f, 3, 3, L);			/* self move */
	ir_alui(f, BPF_ADD, 4, 4, 0, L);	/* identity in place */
	ir_alui(f, BPF_MUL, 5, 4, 1, L);	/* identity: a copy */
	ir_alui(f, BPF_AND, 5, 5, -1, L);
	ir_alui(f, BPF_OR, 5, 5, 0, L);
	ir_alui(f, BPF_MOD, 5, 5, 1, L);	/* x % 1 is 0: kept */
	ir_alui(f, BPF_ADD, 6, 6, 1, L);
	ir_mov(f, 0, 5, L);
	ir_exit(f, L);
	expect_peephole(f,
		"  r5 = r4\n"
		"  r5 = r5 % 1\n"
		"  r6 = r6 + 1\n"
		"  r0 = r5\n"
		"  exit\n");
	arena_free(a);
}
END_TEST

START_TEST(test_peephole_jumps)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	int l0 = ir_label(f), l1 = ir_label(f), l2 = ir_label(f);
	int l3 = ir_label(f), l4 = ir_label(f);

	ir_jcci(f, BPF_JEQ, 1, 0, l0, L);	/* to the next insn: gone */
	ir_place(f, l4, L);			/* never targeted: gone */
	ir_place(f, l0, L);
	ir_jcci(f, BPF_JNE, 1, 0, l1, L);
	ir_movi(f, 0, 1, L);
	ir_ja(f, l2, L);
	ir_movi(f, 0, 7, L);			/* unreachable: gone */
	ir_exit(f, L);				/* unreachable: gone */
	ir_place(f, l1, L);
	ir_movi(f, 0, 2, L);
	ir_place(f, l2, L);
	ir_exit(f, L);
	ir_place(f, l3, L);			/* dead tail */
	ir_movi(f, 0, 3, L);
	ir_exit(f, L);
	expect_peephole(f,
		"  if r1 != 0 goto L1\n"
		"  r0 = 1\n"
		"  goto L2\n"
		"L1:\n"
		"  r0 = 2\n"
		"L2:\n"
		"  exit\n");
	arena_free(a);
}
END_TEST

/* `if c goto L1; goto L2; L1:` is `if !c goto L2`; JSET has no negation
 * and stays. */
START_TEST(test_peephole_jump_over_goto)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	int out = ir_label(f), l1 = ir_label(f), l2 = ir_label(f);
	int l3 = ir_label(f);

	ir_jcci(f, BPF_JNE, 0, 5, l1, L);
	ir_ja(f, out, L);
	ir_place(f, l1, L);
	ir_jcc(f, BPF_JSLT, 0, 2, l2, L);
	ir_ja(f, out, L);
	ir_place(f, l2, L);
	ir_jcci(f, BPF_JEQ, 1, 0, l3, L);
	ir_jcci(f, BPF_JSET, 0, 1, l3, L);
	ir_ja(f, out, L);
	ir_place(f, l3, L);
	ir_movi(f, 0, 1, L);
	ir_place(f, out, L);
	ir_exit(f, L);
	expect_peephole(f,
		"  if r0 == 5 goto L0\n"
		"  if r0 s>= r2 goto L0\n"
		"  if r1 == 0 goto L3\n"
		"  if r0 & 1 goto L3\n"
		"  goto L0\n"
		"L3:\n"
		"  r0 = 1\n"
		"L0:\n"
		"  exit\n");
	arena_free(a);
}
END_TEST

/* Loads through a pointer that some register already holds become copies
 * while the pointer is unchanged and nothing stores or calls. */
START_TEST(test_peephole_loads)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	int l = ir_label(f);

	ir_ldx(f, BPF_DW, 0, 6, 8, L);
	ir_jcci(f, BPF_JSLE, 0, 0, l, L);	/* a jump: the fall-through */
	ir_ldx(f, BPF_DW, 0, 6, 8, L);		/* r0 holds it: gone */
	ir_ldx(f, BPF_DW, 2, 6, 8, L);		/* a copy */
	ir_ldx(f, BPF_W, 3, 6, 8, L);		/* another size: kept */
	ir_ldx(f, BPF_DW, 4, 6, 16, L);		/* another offset: kept */
	ir_ldx(f, BPF_DW, 7, 10, -8, L);	/* the frame: not this pass's */
	ir_alui(f, BPF_ADD, 0, 0, 1, L);	/* r0 changes, r2 still holds */
	ir_ldx(f, BPF_DW, 5, 6, 8, L);		/* a copy of r2 */
	ir_stx(f, BPF_DW, 10, -16, 1, L);	/* any store: forget */
	ir_ldx(f, BPF_DW, 3, 6, 8, L);		/* kept */
	ir_ldx(f, BPF_DW, 6, 6, 8, L);		/* into the base: a copy */
	ir_ldx(f, BPF_DW, 1, 6, 8, L);		/* a new base: kept */
	ir_ldx(f, BPF_DW, 2, 6, 8, L);		/* a copy of r1 */
	ir_call(f, BPF_FUNC_ktime_get_ns, 0, L);
	ir_ldx(f, BPF_DW, 8, 6, 8, L);		/* after a call: kept */
	ir_place(f, l, L);
	ir_ldx(f, BPF_DW, 9, 6, 8, L);		/* after a label: kept */
	ir_movi(f, 0, 0, L);
	ir_exit(f, L);
	expect_peephole(f,
		"  r0 = ldx.dw [r6 + 8]\n"
		"  if r0 s<= 0 goto L0\n"
		"  r2 = r0\n"
		"  r3 = ldx.w [r6 + 8]\n"
		"  r4 = ldx.dw [r6 + 16]\n"
		"  r7 = ldx.dw [r10 - 8]\n"
		"  r0 = r0 + 1\n"
		"  r5 = r2\n"
		"  stx.dw [r10 - 16] = r1\n"
		"  r3 = ldx.dw [r6 + 8]\n"
		"  r6 = r3\n"
		"  r1 = ldx.dw [r6 + 8]\n"
		"  r2 = r1\n"
		"  call ktime_get_ns/5 (0 args)\n"
		"  r8 = ldx.dw [r6 + 8]\n"
		"L0:\n"
		"  r9 = ldx.dw [r6 + 8]\n"
		"  r0 = 0\n"
		"  exit\n");
	arena_free(a);
}
END_TEST

/* A goto over code that the peephole empties becomes a goto to the next
 * label, then disappears, then so does its label. */
START_TEST(test_peephole_cascade)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	int l = ir_label(f);

	ir_movi(f, 0, 0, L);
	ir_ja(f, l, L);
	ir_mov(f, 2, 2, L);
	ir_place(f, l, L);
	ir_exit(f, L);
	expect_peephole(f, "  r0 = 0\n  exit\n");
	arena_free(a);
}
END_TEST

START_TEST(test_peephole_reload)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	int l = ir_label(f);

	ir_stx(f, BPF_DW, 10, -8, 6, L);
	ir_ldx(f, BPF_DW, 6, 10, -8, L);	/* the value is still in r6 */
	ir_stx(f, BPF_DW, 10, -16, 7, L);
	ir_ldx(f, BPF_DW, 2, 10, -16, L);	/* a copy */
	ir_stx(f, BPF_DW, 10, -24, 7, L);
	ir_ldx(f, BPF_W, 2, 10, -24, L);	/* narrower: kept */
	ir_stx(f, BPF_DW, 10, -32, 7, L);
	ir_ldx(f, BPF_DW, 2, 10, -40, L);	/* another slot: kept */
	ir_jcci(f, BPF_JEQ, 1, 0, l, L);
	ir_stx(f, BPF_DW, 10, -48, 7, L);
	ir_place(f, l, L);
	ir_ldx(f, BPF_DW, 2, 10, -48, L);	/* a label between: kept */
	ir_movi(f, 0, 0, L);
	ir_exit(f, L);
	expect_peephole(f,
		"  stx.dw [r10 - 8] = r6\n"
		"  stx.dw [r10 - 16] = r7\n"
		"  r2 = r7\n"
		"  stx.dw [r10 - 24] = r7\n"
		"  r2 = ldx.w [r10 - 24]\n"
		"  stx.dw [r10 - 32] = r7\n"
		"  r2 = ldx.dw [r10 - 40]\n"
		"  if r1 == 0 goto L0\n"
		"  stx.dw [r10 - 48] = r7\n"
		"L0:\n"
		"  r2 = ldx.dw [r10 - 48]\n"
		"  r0 = 0\n"
		"  exit\n");
	arena_free(a);
}
END_TEST

START_TEST(test_peephole_reload_kills)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);

	ir_ldx(f, BPF_DW, 6, 10, -8, L);
	ir_alui(f, BPF_ADD, 1, 1, 1, L);
	ir_ldx(f, BPF_DW, 6, 10, -8, L);	/* r6 still holds it: gone */
	ir_ldx(f, BPF_DW, 7, 10, -8, L);	/* a copy of r6 */
	ir_stx(f, BPF_W, 10, -4, 1, L);		/* overlaps -8..-1 */
	ir_ldx(f, BPF_DW, 7, 10, -8, L);	/* kept */
	ir_stx(f, BPF_DW, 2, 0, 1, L);		/* r2 may point at the frame */
	ir_ldx(f, BPF_DW, 7, 10, -8, L);	/* kept */
	ir_xadd(f, BPF_DW, 10, -8, 1, L);	/* an atomic add on the slot */
	ir_ldx(f, BPF_DW, 7, 10, -8, L);	/* kept */
	ir_ldx(f, BPF_DW, 6, 10, -8, L);	/* a copy of r7 */
	ir_xadd(f, BPF_DW, 3, 0, 1, L);		/* through a pointer */
	ir_ldx(f, BPF_DW, 6, 10, -8, L);	/* kept */
	ir_call(f, BPF_FUNC_ktime_get_ns, 0, L);
	ir_ldx(f, BPF_DW, 7, 10, -8, L);	/* kept */
	ir_alui(f, BPF_ADD, 7, 7, 1, L);
	ir_ldx(f, BPF_DW, 7, 10, -8, L);	/* r7 changed: kept */
	ir_mov(f, 0, 7, L);
	ir_exit(f, L);
	expect_peephole(f,
		"  r6 = ldx.dw [r10 - 8]\n"
		"  r1 = r1 + 1\n"
		"  r7 = r6\n"
		"  stx.w [r10 - 4] = r1\n"
		"  r7 = ldx.dw [r10 - 8]\n"
		"  stx.dw [r2] = r1\n"
		"  r7 = ldx.dw [r10 - 8]\n"
		"  xadd.dw [r10 - 8] += r1\n"
		"  r7 = ldx.dw [r10 - 8]\n"
		"  r6 = r7\n"
		"  xadd.dw [r3] += r1\n"
		"  r6 = ldx.dw [r10 - 8]\n"
		"  call ktime_get_ns/5 (0 args)\n"
		"  r7 = ldx.dw [r10 - 8]\n"
		"  r7 = r7 + 1\n"
		"  r7 = ldx.dw [r10 - 8]\n"
		"  r0 = r7\n"
		"  exit\n");
	arena_free(a);
}
END_TEST

/* ---- dumps ---- */

START_TEST(test_emit_dump)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	struct probe p = { 0 };
	int l1 = ir_label(f), l2 = ir_label(f);
	struct ir_insn *in;
	char *got;

	ir_movi(f, 0, 0, L);
	ir_call(f, BPF_FUNC_ktime_get_ns, 0, L);
	ir_ldmap(f, 1, 2, L);
	ir_mov(f, 6, 0, L);
	ir_jcci(f, BPF_JEQ, 0, 0, l1, L);
	ir_ldx(f, BPF_DW, 1, 10, -8, L);
	ir_stx(f, BPF_W, 10, -16, 1, L);
	ir_st(f, BPF_DW, 10, -24, -1, L);
	ir_movi(f, 2, 0x100000000ll, L);
	ir_jcc(f, BPF_JGT, 1, 2, l1, L);
	ir_alu(f, BPF_ADD, 6, 6, 1, L);
	ir_jcci(f, BPF_JSGT, 6, -1, l2, L);
	in = ir_emit(f, IR_NEG, L);
	in->dst = in->a = 6;
	ir_ja(f, l2, L);
	ir_place(f, l1, L);
	ir_alui(f, BPF_ARSH, 6, 6, 3, L);
	ir_place(f, l2, L);
	in = ir_emit(f, IR_MOV32, L);
	in->dst = 0;
	in->a = 6;
	ir_call(f, 9999, 0, L);
	ir_exit(f, L);
	emit_ok(a, f, &p);
	got = dump_prog(&p);
	ck_assert_str_eq(got,
		"0: (b7) r0 = 0\n"
		"1: (85) call bpf_ktime_get_ns#5\n"
		"2: (18) r1 = map[id:2]\n"
		"4: (bf) r6 = r0\n"
		"5: (15) if r0 == 0x0 goto pc+10\n"
		"6: (79) r1 = *(u64 *)(r10 -8)\n"
		"7: (63) *(u32 *)(r10 -16) = r1\n"
		"8: (7a) *(u64 *)(r10 -24) = -1\n"
		"9: (18) r2 = 0x100000000\n"
		"11: (2d) if r1 > r2 goto pc+4\n"
		"12: (0f) r6 += r1\n"
		"13: (65) if r6 s> 0xffffffff goto pc+3\n"
		"14: (87) r6 = -r6\n"
		"15: (05) goto pc+1\n"
		"16: (c7) r6 s>>= 3\n"
		"17: (bc) w0 = w6\n"
		"18: (85) call unknown#9999\n"
		"19: (95) exit\n");
	free(got);
	arena_free(a);
}
END_TEST

START_TEST(test_ir_dump)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	int v16 = ir_vreg(f), v17 = ir_vreg(f), v18 = ir_vreg(f);
	int l = ir_label(f);
	struct ir_insn *in;
	char *got;

	ck_assert_int_eq(v16, 16);
	ir_mov(f, v16, IR_CTX, L);
	ir_ldx(f, BPF_W, v17, v16, 8, L);
	ir_ldmap(f, IR_R1, 2, L);
	ir_stx(f, BPF_DW, IR_FP, -8, v17, L);
	ir_st(f, BPF_B, IR_FP, -9, 0, L);
	ir_alui(f, BPF_ADD, 2, IR_FP, -8, L);
	ir_call(f, BPF_FUNC_map_lookup_elem, 2, L);
	ir_mov(f, v18, IR_R0, L);
	ir_jcci(f, BPF_JEQ, v18, 0, l, L);
	ir_jcc(f, BPF_JSLT, v17, v18, l, L);
	ir_alu(f, BPF_ARSH, v17, v17, v18, L);
	ir_movi(f, v17, 1ll << 40, L);		/* LDI64 */
	ir_alui(f, BPF_AND, v17, v17, 1ll << 40, L);	/* via a register */
	in = ir_emit(f, IR_NEG, L);
	in->dst = in->a = v17;
	in = ir_emit(f, IR_MOV32, L);
	in->dst = IR_R0;
	in->a = v17;
	ir_call(f, BPF_FUNC_get_current_comm, 1, L);
	ir_call(f, 4242, 0, L);
	ir_ldmapv(f, v18, 3, 8, L);
	ir_xadd(f, BPF_DW, v18, 0, v17, L);
	ir_ja(f, l, L);
	ir_place(f, l, L);
	ir_exit(f, L);
	got = dump_ir(f);
	ck_assert_str_eq(got,
		"  v16 = r1\n"
		"  v17 = ldx.w [v16 + 8]\n"
		"  r1 = ldmap #2\n"
		"  stx.dw [r10 - 8] = v17\n"
		"  st.b [r10 - 9] = 0\n"
		"  r2 = r10 + -8\n"
		"  call map_lookup_elem/1 (2 args)\n"
		"  v18 = r0\n"
		"  if v18 == 0 goto L0\n"
		"  if v17 s< v18 goto L0\n"
		"  v17 = v17 s>> v18\n"
		"  v17 = 1099511627776 ll\n"
		"  v19 = 1099511627776 ll\n"
		"  v17 = v17 & v19\n"
		"  v17 = -v17\n"
		"  r0 = (u32)v17\n"
		"  call get_current_comm/16 (1 arg)\n"
		"  call #4242 (0 args)\n"
		"  v18 = ldmapv #3 + 8\n"
		"  xadd.dw [v18] += v17\n"
		"  goto L0\n"
		"L0:\n"
		"  exit\n");
	free(got);
	arena_free(a);
}
END_TEST

START_TEST(test_ir_helpers)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);

	ck_assert_uint_eq(ir_size_bytes(BPF_B), 1);
	ck_assert_uint_eq(ir_size_bytes(BPF_H), 2);
	ck_assert_uint_eq(ir_size_bytes(BPF_W), 4);
	ck_assert_uint_eq(ir_size_bytes(BPF_DW), 8);
	ck_assert_int_eq(ir_size_code(1), BPF_B);
	ck_assert_int_eq(ir_size_code(8), BPF_DW);
	ck_assert_int_eq(ir_stack(f, 4, 4), -4);
	ck_assert_int_eq(ir_stack(f, 8, 8), -16);
	ck_assert_int_eq(ir_stack(f, 1, 1), -17);
	ck_assert_int_eq(ir_stack(f, 16, 8), -40);
	ck_assert_uint_eq(f->stack, 40);
	ck_assert_int_eq(ir_stack(f, 480, 8), 0);	/* 520 > 512 */
	ck_assert_uint_eq(f->stack, 40);
	ck_assert_int_eq(ir_stack(f, 472, 8), -512);
	ck_assert_int_eq(ir_stack(f, 1, 1), 0);
	ck_assert_int_eq(ir_label(f), 0);
	ck_assert_int_eq(ir_label(f), 1);
	ck_assert_str_eq(ir_helper_name(BPF_FUNC_probe_read_user_str),
			 "probe_read_user_str");
	ck_assert_ptr_null(ir_helper_name(-1));
	ck_assert_ptr_null(ir_helper_name(100000));
	/* a wide immediate store goes through a register */
	ir_st(f, BPF_DW, IR_FP, -8, 1ll << 33, L);
	ck_assert_int_eq(f->insns[0].op, IR_LDI64);
	ck_assert_int_eq(f->insns[1].op, IR_STX);
	ir_st(f, BPF_W, IR_FP, -8, 0xffffffffll, L);
	ck_assert_int_eq(f->insns[2].op, IR_ST);
	ck_assert_int_eq(f->insns[2].imm, -1);
	ir_jcci(f, BPF_JEQ, 1, 1ll << 32, 0, L);
	ck_assert_int_eq(f->insns[3].op, IR_LDI64);
	ck_assert_int_eq(f->insns[4].op, IR_JCC);
	arena_free(a);
}
END_TEST

/* ---- the verifier ---- */

/* A socket filter whose ctx pointer and map value pointer are spilled across
 * calls, the map value NULL-checked through a reload.  The verifier must
 * accept it and running it must give skb->len + 4 * (1 + 2 + ... + 6) (a socket
 * filter's skb->len excludes the 14-byte Ethernet header). */
/* The in-kernel half of the verifier tests: create @p's one map (an array
 * of one @val_size value), patch it in, load @p as a socket filter and run
 * it @repeat times on a zeroed 64-byte packet.  Returns the map fd (the
 * caller closes it) with the last run's return value in *retval, or -1
 * when this host cannot do it (not root, no bpf(2)): the test is then
 * skipped. */
#define KRUN_PKT 64
static int kernel_run(struct probe *p, const char *test, unsigned val_size,
		      int repeat, uint32_t *retval)
{
	static char log[65536];
	uint8_t pkt[KRUN_PKT] = { 0 };
	union bpf_attr run;
	int map_fd, prog_fd, err;

	if (geteuid() != 0) {
		fprintf(stderr, "%s: not root, skipped\n", test);
		return -1;
	}
	map_fd = kbpf_map_create(BPF_MAP_TYPE_ARRAY, "spry_test", 4, val_size,
				 1, 0);
	if (map_fd == -EPERM || map_fd == -ENOSYS) {
		fprintf(stderr, "%s: no bpf(2), skipped\n", test);
		return -1;
	}
	ck_assert_msg(map_fd >= 0, "map create: %s", strerror(-map_fd));
	for (unsigned i = 0; i < p->nrelocs; i++)
		p->insns[p->relocs[i].insn].imm = map_fd;
	prog_fd = kbpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "spry_test",
				 p->insns, p->ninsns, 0, log, sizeof(log));
	if (prog_fd < 0 || getenv("SPRY_TEST_VERBOSE")) {
		char *d = dump_prog(p);

		fprintf(stderr, "%s\n--- verifier:\n%s\n", d, log);
		free(d);
	}
	ck_assert_msg(prog_fd >= 0, "verifier rejected: %s", strerror(-prog_fd));
	/* kbpf_prog_test_run() passes a context; a socket filter takes a
	 * packet and returns a value */
	memset(&run, 0, sizeof(run));
	run.test.prog_fd = (uint32_t)prog_fd;
	run.test.data_in = (uint64_t)(uintptr_t)pkt;
	run.test.data_size_in = sizeof(pkt);
	run.test.repeat = (uint32_t)repeat;
	err = (int)syscall(__NR_bpf, BPF_PROG_TEST_RUN, &run, sizeof(run));
	ck_assert_msg(err == 0, "test run: %s", strerror(errno));
	*retval = run.test.retval;
	close(prog_fd);
	return map_fd;
}

START_TEST(test_verifier_spills)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	struct probe p = { 0 };
	struct unit_diag ud;
	struct ra_stats st;
	int ctx = ir_vreg(f), kp = ir_vreg(f), ptr = ir_vreg(f);
	int len = ir_vreg(f), acc = ir_vreg(f), t = ir_vreg(f), v[6];
	int key = ir_stack(f, 8, 8), out = ir_label(f), i;
	uint32_t retval;
	int map_fd;

	ir_mov(f, ctx, IR_CTX, L);
	for (i = 0; i < 6; i++) {
		v[i] = ir_vreg(f);
		ir_movi(f, v[i], i + 1, L);
	}
	ir_st(f, BPF_W, IR_FP, key, 0, L);
	ir_ldmap(f, IR_R1, 0, L);
	ir_alui(f, BPF_ADD, kp, IR_FP, key, L);
	ir_mov(f, 2, kp, L);
	ir_call(f, BPF_FUNC_map_lookup_elem, 2, L);
	ir_mov(f, ptr, IR_R0, L);
	ir_call(f, BPF_FUNC_ktime_get_ns, 0, L);
	ir_mov(f, t, IR_R0, L);
	ir_call(f, BPF_FUNC_get_prandom_u32, 0, L);
	ir_movi(f, acc, 0, L);
	ir_jcci(f, BPF_JEQ, ptr, 0, out, L);
	ir_stx(f, BPF_DW, ptr, 0, t, L);
	ir_call(f, BPF_FUNC_get_smp_processor_id, 0, L);
	/* the constants are used often, so they are dearer to spill than
	 * the two pointers */
	for (i = 0; i < 24; i++)
		ir_alu(f, BPF_ADD, acc, acc, v[i % 6], L);
	ir_ldx(f, BPF_W, len, ctx, 0, L);	/* skb->len */
	ir_alu(f, BPF_ADD, acc, acc, len, L);
	ir_ldx(f, BPF_DW, t, ptr, 0, L);
	ir_place(f, out, L);
	ir_mov(f, IR_R0, acc, L);
	ir_exit(f, L);

	unit_diag_open(&ud);
	ck_assert_int_eq(ra_alloc_stats(f, &L, &ud.d, &st), 0);
	peep_prog(f);
	ck_assert_int_eq(emit_prog(a, f, &p, &ud.d), 0);
	unit_diag_close(&ud);
	/* ctx and the map value are spilled: the NULL check tests a reload
	 * and skb->len is read through one */
	ck_assert_uint_ge(st.spills, 2);
	for (i = 1; i < (int)p.ninsns; i++) {
		const struct bpf_insn *j = &p.insns[i], *ld = j - 1;

		if (j->code == (BPF_JMP | BPF_JEQ | BPF_K) ||
		    j->code == (BPF_LDX | BPF_W | BPF_MEM)) {
			ck_assert_msg(ld->code == (BPF_LDX | BPF_DW | BPF_MEM) &&
				      ld->src_reg == BPF_REG_10 &&
				      ld->dst_reg == (j->code & BPF_LDX ?
						      j->src_reg : j->dst_reg),
				      "insn %d does not use a reload", i);
		}
	}

	map_fd = kernel_run(&p, "test_verifier_spills", 8, 1, &retval);
	if (map_fd >= 0) {
		ck_assert_uint_eq(retval, KRUN_PKT - 14 + 4 * 21);
		close(map_fd);
	}
	arena_free(a);
}
END_TEST

/* The lost-event counter's instructions as the kernel takes them: the
 * address of an array's value and an atomic add to it (root only). */
START_TEST(test_verifier_map_value)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	struct probe p = { 0 };
	struct unit_diag ud;
	int ptr = ir_vreg(f), n = ir_vreg(f), map_fd;
	uint64_t val[2] = { 0, 0 };
	uint32_t key = 0, retval;

	ir_ldmapv(f, ptr, 0, 8, L);
	ir_movi(f, n, 5, L);
	ir_xadd(f, BPF_DW, ptr, 0, n, L);
	ir_movi(f, IR_R0, 0, L);
	ir_exit(f, L);
	unit_diag_open(&ud);
	ck_assert_int_eq(ra_alloc(f, &L, &ud.d), 0);
	peep_prog(f);
	ck_assert_int_eq(emit_prog(a, f, &p, &ud.d), 0);
	unit_diag_close(&ud);
	ck_assert_uint_eq(p.nrelocs, 1);

	map_fd = kernel_run(&p, "test_verifier_map_value", 16, 3, &retval);
	if (map_fd >= 0) {
		ck_assert_int_eq(kbpf_map_lookup(map_fd, &key, val), 0);
		ck_assert_uint_eq(val[0], 0);
		ck_assert_uint_eq(val[1], 15);	/* three runs, += 5 at offset 8 */
		close(map_fd);
	}
	arena_free(a);
}
END_TEST

static Suite *emit_suite(void)
{
	Suite *s = suite_create("emit");
	TCase *tc = tcase_create("tables");

	tcase_add_test(tc, test_alu_two_address);
	tcase_add_test(tc, test_memory);
	tcase_add_test(tc, test_jumps_ld_imm64_relocs);
	tcase_add_test(tc, test_map_value_atomic);
	tcase_add_test(tc, test_call_exit);
	tcase_add_test(tc, test_jump_too_far);
	tcase_add_test(tc, test_through_regalloc);
	suite_add_tcase(s, tc);

	tc = tcase_create("peephole");
	tcase_add_test(tc, test_peephole_moves);
	tcase_add_test(tc, test_peephole_jumps);
	tcase_add_test(tc, test_peephole_jump_over_goto);
	tcase_add_test(tc, test_peephole_loads);
	tcase_add_test(tc, test_peephole_cascade);
	tcase_add_test(tc, test_peephole_reload);
	tcase_add_test(tc, test_peephole_reload_kills);
	suite_add_tcase(s, tc);

	tc = tcase_create("dump");
	tcase_add_test(tc, test_emit_dump);
	tcase_add_test(tc, test_ir_dump);
	tcase_add_test(tc, test_ir_helpers);
	suite_add_tcase(s, tc);

	tc = tcase_create("kernel");
	tcase_add_test(tc, test_verifier_spills);
	tcase_add_test(tc, test_verifier_map_value);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(emit_suite());
}
