/* check_regalloc.c - the register allocator on hand-built and random IR.
 *
 * Besides structural checks (no virtual register left, values across calls in
 * r6-r9, "there must be a spill"), every case runs the function through a
 * small IR interpreter before and after allocation and compares the result
 * and the arguments of every helper call: an allocation is right when the
 * program computes the same thing.  The interpreter clobbers r1-r5 at every
 * call, as the kernel does, so a value wrongly kept there shows up.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "arena.h"
#include "emit.h"
#include "peephole.h"
#include "ir.h"
#include "regalloc.h"
#include "unit.h"

static const struct loc L;

/* ck_assert records every passing check (a write per call): too slow for the
 * interpreter's inner loop, so it only reports failures. */
#define REQUIRE(cond, ...)						\
	do {								\
		if (!(cond))						\
			ck_abort_msg(__VA_ARGS__);			\
	} while (0)

/* ---- interpreter ---- */

#define MAX_CALLS	8192

struct trace {
	unsigned ncalls;
	uint64_t call[MAX_CALLS][6];	/* helper, r1..r5 (unused args: 0) */
	uint64_t mapval[4][8];		/* LDMAPV: map id % 4's value */
};

static uint64_t alu(int code, uint64_t a, uint64_t b)
{
	switch (code) {
	case BPF_ADD:	return a + b;
	case BPF_SUB:	return a - b;
	case BPF_MUL:	return a * b;
	case BPF_DIV:	return b ? a / b : 0;
	case BPF_MOD:	return b ? a % b : a;
	case BPF_OR:	return a | b;
	case BPF_AND:	return a & b;
	case BPF_XOR:	return a ^ b;
	case BPF_LSH:	return a << (b & 63);
	case BPF_RSH:	return a >> (b & 63);
	case BPF_ARSH:	return (uint64_t)((int64_t)a >> (b & 63));
	}
	ck_abort_msg("bad alu code %d", code);
	return 0;
}

static bool cond(int code, uint64_t a, uint64_t b)
{
	switch (code) {
	case BPF_JEQ:	return a == b;
	case BPF_JNE:	return a != b;
	case BPF_JGT:	return a > b;
	case BPF_JGE:	return a >= b;
	case BPF_JLT:	return a < b;
	case BPF_JLE:	return a <= b;
	case BPF_JSET:	return a & b;
	case BPF_JSGT:	return (int64_t)a > (int64_t)b;
	case BPF_JSGE:	return (int64_t)a >= (int64_t)b;
	case BPF_JSLT:	return (int64_t)a < (int64_t)b;
	case BPF_JSLE:	return (int64_t)a <= (int64_t)b;
	}
	ck_abort_msg("bad jump code %d", code);
	return false;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdull;
}

/* Memory a program may touch: its frame and the map values LDMAPV
 * addresses. */
static void *mem_at(uint8_t *stack, struct trace *t, uint64_t addr,
		    unsigned size)
{
	uint64_t lo = (uint64_t)(uintptr_t)stack;
	uint64_t mlo = (uint64_t)(uintptr_t)t->mapval;

	if (addr >= mlo && addr + size <= mlo + sizeof(t->mapval))
		return (void *)(uintptr_t)addr;
	REQUIRE(addr >= lo && addr + size <= lo + 512,
		      "memory access outside the frame");
	return (void *)(uintptr_t)addr;
}

/* Run @f with r1 = @ctx; returns r0.  @t records helper calls. */
static uint64_t run(const struct ir_func *f, uint64_t ctx, struct trace *t)
{
	unsigned nreg = f->next_vreg > 16 ? (unsigned)f->next_vreg : 16;
	uint64_t *R = calloc(nreg, sizeof(*R));
	_Alignas(8) uint8_t stack[512];
	unsigned pc = 0, steps = 0, k, j;
	uint64_t v, ret = 0;

	memset(stack, 0xaa, sizeof(stack));
	memset(t, 0, sizeof(*t));
	for (k = 0; k < nreg; k++)
		R[k] = 0xbad0000000000000ull + k;
	R[1] = ctx;
	R[10] = (uint64_t)(uintptr_t)(stack + 512);

	for (;;) {
		const struct ir_insn *in;

		REQUIRE(pc < f->n, "ran off the end");
		REQUIRE(++steps < 100000, "no termination");
		in = &f->insns[pc++];
		switch (in->op) {
		case IR_MOV:	R[in->dst] = R[in->a]; break;
		case IR_MOV32:	R[in->dst] = (uint32_t)R[in->a]; break;
		case IR_MOVI:
		case IR_LDI64:	R[in->dst] = (uint64_t)in->imm; break;
		case IR_LDMAP:	R[in->dst] = 0x1000 + (uint64_t)in->imm; break;
		case IR_LDMAPV:
			R[in->dst] = (uint64_t)(uintptr_t)t->mapval[in->imm % 4] +
				     (uint64_t)in->off;
			break;
		case IR_ALU:	R[in->dst] = alu(in->code, R[in->a], R[in->b]); break;
		case IR_ALUI:	R[in->dst] = alu(in->code, R[in->a], (uint64_t)in->imm); break;
		case IR_NEG:	R[in->dst] = -R[in->a]; break;
		case IR_BSWAP:
			R[in->dst] = in->imm == 16 ?
				     __builtin_bswap16((uint16_t)R[in->a]) :
				     in->imm == 32 ?
				     __builtin_bswap32((uint32_t)R[in->a]) :
				     __builtin_bswap64(R[in->a]);
			break;
		case IR_LDX:
			v = 0;
			memcpy(&v, mem_at(stack, t, R[in->a] + in->off,
					  ir_size_bytes(in->size)),
			       ir_size_bytes(in->size));
			R[in->dst] = v;
			break;
		case IR_STX:
			v = R[in->b];
			memcpy(mem_at(stack, t, R[in->a] + in->off,
				      ir_size_bytes(in->size)),
			       &v, ir_size_bytes(in->size));
			break;
		case IR_ST:
			v = (uint64_t)in->imm;
			memcpy(mem_at(stack, t, R[in->a] + in->off,
				      ir_size_bytes(in->size)),
			       &v, ir_size_bytes(in->size));
			break;
		case IR_XADD: {
			uint8_t *m = mem_at(stack, t, R[in->a] + in->off,
					    ir_size_bytes(in->size));

			v = 0;
			memcpy(&v, m, ir_size_bytes(in->size));
			v += R[in->b];
			memcpy(m, &v, ir_size_bytes(in->size));
			break;
		}
		case IR_CALL:
			REQUIRE(t->ncalls < MAX_CALLS, "too many calls");
			t->call[t->ncalls][0] = (uint64_t)in->imm;
			v = mix(0, (uint64_t)in->imm);
			for (k = 1; k <= in->nargs; k++) {
				t->call[t->ncalls][k] = R[k];
				v = mix(v, R[k]);
			}
			t->ncalls++;
			R[0] = v;
			for (k = 1; k <= 5; k++)
				R[k] = 0xc10bbe7ed0000000ull + k;
			break;
		case IR_JA:
		case IR_JCC:
		case IR_JCCI:
			if (in->op == IR_JCC &&
			    !cond(in->code, R[in->a], R[in->b]))
				break;
			if (in->op == IR_JCCI &&
			    !cond(in->code, R[in->a], (uint64_t)in->imm))
				break;
			/* loops' back edges go to a label before */
			for (j = 0; j < f->n; j++)
				if (f->insns[j].op == IR_LABEL &&
				    f->insns[j].label == in->label)
					break;
			REQUIRE(j < f->n, "jump to a missing label");
			pc = j;
			break;
		case IR_LABEL:
			break;
		case IR_EXIT:
			ret = R[0];
			free(R);
			return ret;
		case IR_NOPS_:
			ck_abort_msg("bad opcode");
		}
	}
}

static struct ir_func *clone(const struct ir_func *f)
{
	struct ir_func *g = ir_new(f->arena);

	*g = *f;
	g->insns = arena_alloc(f->arena, (f->n + 1) * sizeof(*g->insns));
	memcpy(g->insns, f->insns, f->n * sizeof(*g->insns));
	g->cap = f->n + 1;
	return g;
}

static void assert_allocated(const struct ir_func *f)
{
	unsigned i;

	for (i = 0; i < f->n; i++) {
		const struct ir_insn *in = &f->insns[i];
		const struct ir_op_info *oi = &ir_op_info[in->op];

		if (oi->dst)
			REQUIRE(in->dst >= 0 && in->dst < 10,
				      "insn %u: dst r%d", i, in->dst);
		if (oi->a)
			REQUIRE(in->a >= 0 && in->a <= 10,
				      "insn %u: a r%d", i, in->a);
		if (oi->b)
			REQUIRE(in->b >= 0 && in->b <= 10,
				      "insn %u: b r%d", i, in->b);
		if (in->op == IR_ALU && in->dst == in->b && in->a != in->b &&
		    (in->code == BPF_SUB || in->code == BPF_DIV ||
		     in->code == BPF_MOD || in->code == BPF_LSH ||
		     in->code == BPF_RSH || in->code == BPF_ARSH))
			ck_abort_msg("insn %u: non-commutative dst == b", i);
	}
}

static char *dump(const struct ir_func *f)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	ir_dump(out, f);
	fclose(out);
	return buf;
}

/* Allocate @f and check it computes what it did before, for a few ctx
 * values.  Returns ra_alloc's result. */
static int alloc_and_compare(struct ir_func *f, struct ra_stats *st)
{
	static const uint64_t ctxs[] = { 0, 1, 7, 0x123456789abcull, UINT64_MAX };
	struct ir_func *orig = clone(f), *opt;
	struct unit_diag ud;
	const char *why;
	struct trace *t1 = malloc(sizeof(*t1)), *t2 = malloc(sizeof(*t2));
	uint64_t r1, r2;
	unsigned i;
	int err;

	unit_diag_open(&ud);
	err = ra_alloc_stats(f, &L, &ud.d, st);
	ck_assert_msg(err == 0, "ra_alloc: %d: %s", err, unit_diag_text(&ud));
	unit_diag_close(&ud);
	assert_allocated(f);
	why = ir_check(f->arena, f, IR_ALLOCATED);
	REQUIRE(!why, "allocated IR: %s", why);
	/* the peephole must not change the meaning either */
	opt = clone(f);
	peep_prog(opt);
	assert_allocated(opt);
	why = ir_check(f->arena, opt, IR_PEEPHOLED);
	REQUIRE(!why, "peephole's IR: %s", why);
	for (i = 0; i < 2 * sizeof(ctxs) / sizeof(ctxs[0]); i++) {
		const struct ir_func *g = i % 2 ? opt : f;

		r1 = run(orig, ctxs[i / 2], t1);
		r2 = run(g, ctxs[i / 2], t2);
		if (r1 != r2 || t1->ncalls != t2->ncalls ||
		    memcmp(t1->call, t2->call, t1->ncalls * sizeof(t1->call[0])) ||
		    memcmp(t1->mapval, t2->mapval, sizeof(t1->mapval))) {
			char *a = dump(orig), *b = dump(g);

			/* Check's messages are short: the dumps go to stderr */
			fprintf(stderr, "before:\n%s\nafter:\n%s\n", a, b);
			free(a);
			free(b);
			ck_abort_msg("%s changed the program (ctx %lx: "
				     "%lx vs %lx, calls %u vs %u)",
				     i % 2 ? "the peephole" : "allocation",
				     (unsigned long)ctxs[i / 2], (unsigned long)r1,
				     (unsigned long)r2, t1->ncalls, t2->ncalls);
		}
	}
	free(t1);
	free(t2);
	return err;
}

/* Spill code: DW loads and stores on r10 below the data frame. */
static unsigned count_spill_code(const struct ir_func *f, unsigned data)
{
	unsigned i, n = 0;

	for (i = 0; i < f->n; i++) {
		const struct ir_insn *in = &f->insns[i];

		if ((in->op == IR_LDX || in->op == IR_STX) && in->a == IR_FP &&
		    in->off < -(int)data) {
			ck_assert_int_eq(in->size, BPF_DW);
			ck_assert_int_eq(-in->off % 8, 0);
			n++;
		}
	}
	return n;
}

/* Index of the first insn defining @reg... after allocation, by position:
 * the tests below name instructions by index. */
static const struct ir_insn *insn(const struct ir_func *f, unsigned i)
{
	ck_assert_uint_lt(i, f->n);
	return &f->insns[i];
}

/* ---- hand-built cases ---- */

START_TEST(test_chain)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	struct ra_stats st;
	int ctx = ir_vreg(f), x = ir_vreg(f), y = ir_vreg(f), z = ir_vreg(f);

	ir_mov(f, ctx, IR_CTX, L);
	ir_alui(f, BPF_ADD, x, ctx, 1, L);
	ir_alui(f, BPF_MUL, y, x, 3, L);
	ir_alu(f, BPF_SUB, z, y, ctx, L);
	ir_mov(f, IR_R0, z, L);
	ir_exit(f, L);
	alloc_and_compare(f, &st);
	ck_assert_uint_eq(st.spills, 0);
	ck_assert_uint_eq(st.vregs, 4);
	ck_assert_uint_eq(f->n, 6);
	ck_assert_uint_eq(f->stack, 0);
	/* the hints keep the chain in place: ctx stays in r1 */
	ck_assert_int_eq(insn(f, 0)->dst, 1);
	/* x = ctx + 1 reuses no register still needed: ctx lives on */
	ck_assert_int_ne(insn(f, 1)->dst, insn(f, 0)->dst);
	/* the result is computed where r0 wants it */
	ck_assert_int_eq(insn(f, 3)->dst, 0);
	arena_free(a);
}
END_TEST

START_TEST(test_across_call)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	struct ra_stats st;
	int x = ir_vreg(f), t = ir_vreg(f), s = ir_vreg(f);

	ir_movi(f, x, 5, L);
	ir_call(f, BPF_FUNC_ktime_get_ns, 0, L);
	ir_mov(f, t, IR_R0, L);
	ir_alu(f, BPF_ADD, s, x, t, L);
	ir_mov(f, IR_R0, s, L);
	ir_exit(f, L);
	alloc_and_compare(f, &st);
	ck_assert_uint_eq(st.spills, 0);
	ck_assert_int_ge(insn(f, 0)->dst, 6);
	ck_assert_int_le(insn(f, 0)->dst, 9);
	arena_free(a);
}
END_TEST

/* n values all live across one call */
static struct ir_func *live_across_call(struct arena *a, int n)
{
	struct ir_func *f = ir_new(a);
	int v[16], acc = ir_vreg(f), i;

	for (i = 0; i < n; i++) {
		v[i] = ir_vreg(f);
		ir_movi(f, v[i], 100 + i, L);
	}
	ir_call(f, BPF_FUNC_get_smp_processor_id, 0, L);
	ir_mov(f, acc, IR_R0, L);
	for (i = 0; i < n; i++)
		ir_alu(f, BPF_XOR, acc, acc, v[i], L);
	ir_mov(f, IR_R0, acc, L);
	ir_exit(f, L);
	return f;
}

START_TEST(test_four_across_call)
{
	struct arena *a = arena_new();
	struct ir_func *f = live_across_call(a, 4);
	struct ra_stats st;
	int i;

	alloc_and_compare(f, &st);
	ck_assert_uint_eq(st.spills, 0);
	ck_assert_uint_eq(count_spill_code(f, 0), 0);
	for (i = 0; i < 4; i++)
		ck_assert_int_ge(insn(f, i)->dst, 6);
	arena_free(a);
}
END_TEST

START_TEST(test_five_across_call_spill)
{
	struct arena *a = arena_new();
	struct ir_func *f = live_across_call(a, 5);
	struct ra_stats st;

	alloc_and_compare(f, &st);
	/* there must be a spill */
	ck_assert_uint_ge(st.spills, 1);
	ck_assert_uint_ge(count_spill_code(f, 0), 2);
	ck_assert_uint_eq(f->stack % 8, 0);
	ck_assert_uint_ge(f->stack, 8);
	arena_free(a);
}
END_TEST

START_TEST(test_many_live_spill)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	struct ra_stats st;
	int v[14], acc = ir_vreg(f), i;
	int slot = ir_stack(f, 16, 8);

	ck_assert_int_eq(slot, -16);
	for (i = 0; i < 14; i++) {
		v[i] = ir_vreg(f);
		ir_movi(f, v[i], (i + 1) * 1000003, L);
	}
	ir_movi(f, acc, 0, L);
	for (i = 13; i >= 0; i--) {
		ir_alui(f, BPF_MUL, acc, acc, 31, L);
		ir_alu(f, BPF_ADD, acc, acc, v[i], L);
	}
	ir_mov(f, IR_R0, acc, L);
	ir_exit(f, L);
	alloc_and_compare(f, &st);
	ck_assert_uint_ge(st.spills, 5);
	/* spill slots lie below the 16 bytes lowering reserved */
	ck_assert_uint_ge(count_spill_code(f, 16), 10);
	ck_assert_uint_ge(f->stack, 16 + 8);
	arena_free(a);
}
END_TEST

/* x = c ? 1 : 2 with a value defined before the branch used after the join */
START_TEST(test_branches)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	int ctx = ir_vreg(f), x = ir_vreg(f), keep = ir_vreg(f);
	int y = ir_vreg(f);
	int l_else = ir_label(f), l_end = ir_label(f);

	ir_mov(f, ctx, IR_CTX, L);
	ir_alui(f, BPF_ADD, keep, ctx, 42, L);
	ir_jcci(f, BPF_JEQ, ctx, 0, l_else, L);
	ir_movi(f, x, 1, L);
	ir_call(f, BPF_FUNC_ktime_get_ns, 0, L);	/* keep crosses this */
	ir_ja(f, l_end, L);
	ir_place(f, l_else, L);
	ir_movi(f, x, 2, L);
	ir_place(f, l_end, L);
	ir_alu(f, BPF_ADD, y, x, keep, L);
	ir_mov(f, IR_R0, y, L);
	ir_exit(f, L);
	alloc_and_compare(f, NULL);
	/* x's two definitions agree on a register, and keep survives the
	 * call on the then-path */
	ck_assert_int_eq(insn(f, 3)->dst, insn(f, 7)->dst);
	ck_assert_int_ge(insn(f, 1)->dst, 6);
	arena_free(a);
}
END_TEST

/* Reaching definitions through jumps: a label reached only by jumps (after
 * an unconditional one) takes the states the jumps recorded, a register
 * last read by a jump is not carried past it, and a name reused after the
 * join for an unrelated value is a web of its own. */
START_TEST(test_webs_across_jumps)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	int ctx = ir_vreg(f), w = ir_vreg(f), t = ir_vreg(f), y = ir_vreg(f);
	int l1 = ir_label(f), l2 = ir_label(f), l3 = ir_label(f);

	ir_mov(f, ctx, IR_CTX, L);
	ir_movi(f, w, 1, L);
	ir_alui(f, BPF_AND, t, ctx, 1, L);
	ir_jcci(f, BPF_JEQ, t, 0, l1, L);	/* t's last appearance */
	ir_movi(f, w, 2, L);
	ir_ja(f, l2, L);
	ir_place(f, l1, L);			/* only the jump reaches it */
	ir_alui(f, BPF_ADD, w, w, 3, L);	/* reads w = 1 */
	ir_place(f, l2, L);
	ir_jcci(f, BPF_JGT, ctx, 100, l3, L);
	ir_alui(f, BPF_MUL, w, w, 5, L);
	ir_place(f, l3, L);
	ir_movi(f, t, 7, L);			/* t again: a new value */
	ir_alu(f, BPF_ADD, y, w, t, L);
	ir_alu(f, BPF_ADD, y, y, ctx, L);
	ir_mov(f, IR_R0, y, L);
	ir_exit(f, L);
	alloc_and_compare(f, NULL);
	arena_free(a);
}
END_TEST

/* A map value's address is a definition; XADD reads its address and its
 * addend and defines no register.  The address lives across a call. */
START_TEST(test_map_value_xadd)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	struct ra_stats st;
	int p = ir_vreg(f), n = ir_vreg(f), one = ir_vreg(f);
	unsigned i, nx = 0;

	ir_ldmapv(f, p, 1, 8, L);
	ir_call(f, BPF_FUNC_ktime_get_ns, 0, L);
	ir_mov(f, n, IR_R0, L);
	ir_xadd(f, BPF_DW, p, 0, n, L);
	ir_movi(f, one, 1, L);
	ir_xadd(f, BPF_W, p, 12, one, L);
	ir_movi(f, IR_R0, 0, L);
	ir_exit(f, L);
	alloc_and_compare(f, &st);
	ck_assert_uint_eq(st.spills, 0);
	ck_assert_int_eq(insn(f, 0)->op, IR_LDMAPV);
	ck_assert_int_ge(insn(f, 0)->dst, 6);
	ck_assert_int_le(insn(f, 0)->dst, 9);
	for (i = 0; i < f->n; i++) {
		if (f->insns[i].op != IR_XADD)
			continue;
		ck_assert_int_eq(f->insns[i].a, insn(f, 0)->dst);
		ck_assert_int_eq(f->insns[i].dst, IR_NONE);
		nx++;
	}
	ck_assert_uint_eq(nx, 2);
	arena_free(a);
}
END_TEST

/* a map read that defaults to 0 */
START_TEST(test_map_read_default)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	int key = ir_stack(f, 8, 8), ptr = ir_vreg(f), val = ir_vreg(f);
	int kp = ir_vreg(f), l = ir_label(f);

	ir_st(f, BPF_DW, IR_FP, key, 7, L);
	ir_ldmap(f, IR_R1, 2, L);
	ir_alui(f, BPF_ADD, kp, IR_FP, key, L);
	ir_mov(f, 2, kp, L);
	ir_call(f, BPF_FUNC_map_lookup_elem, 2, L);
	ir_mov(f, ptr, IR_R0, L);
	ir_movi(f, val, 0, L);
	ir_jcci(f, BPF_JEQ, ptr, 0, l, L);
	ir_movi(f, val, 9, L);
	ir_place(f, l, L);
	ir_mov(f, IR_R0, val, L);
	ir_exit(f, L);
	alloc_and_compare(f, NULL);
	/* kp is computed straight into r2 */
	ck_assert_int_eq(insn(f, 2)->dst, 2);
	arena_free(a);
}
END_TEST

/* Call arguments set up from values that are all still needed afterwards:
 * none may sit in the argument registers being written. */
START_TEST(test_call_args)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	int v[5], acc = ir_vreg(f), i;

	for (i = 0; i < 5; i++) {
		v[i] = ir_vreg(f);
		ir_movi(f, v[i], 11 * (i + 1), L);
	}
	/* arguments in reverse: r5 = v0 ... r1 = v4 */
	for (i = 0; i < 5; i++)
		ir_mov(f, 5 - i, v[i], L);
	ir_call(f, BPF_FUNC_perf_event_output, 5, L);
	for (i = 0; i < 5; i++)
		ir_mov(f, i + 1, v[i], L);
	ir_call(f, BPF_FUNC_perf_event_output, 5, L);
	ir_mov(f, acc, IR_R0, L);
	for (i = 0; i < 3; i++)
		ir_alu(f, BPF_ADD, acc, acc, v[i], L);
	ir_mov(f, IR_R0, acc, L);
	ir_exit(f, L);
	alloc_and_compare(f, NULL);
	arena_free(a);
}
END_TEST

START_TEST(test_noncommutative)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	int x = ir_vreg(f), y = ir_vreg(f), z = ir_vreg(f), w = ir_vreg(f);

	ir_mov(f, x, IR_CTX, L);
	ir_movi(f, y, 3, L);
	ir_alu(f, BPF_SUB, z, x, y, L);		/* y dies here */
	ir_alu(f, BPF_LSH, y, x, y, L);		/* dst == b, same vreg: split */
	ir_alu(f, BPF_DIV, w, z, y, L);
	ir_alu(f, BPF_SUB, w, w, w, L);
	ir_alu(f, BPF_ADD, w, w, z, L);
	ir_mov(f, IR_R0, w, L);
	ir_exit(f, L);
	alloc_and_compare(f, NULL);
	arena_free(a);
}
END_TEST

START_TEST(test_frame_overflow)
{
	struct arena *a = arena_new();
	struct ir_func *f = live_across_call(a, 8);
	struct source src = unit_source("kprobe:f { @x = 1; }");
	struct loc where = { .src = &src, .line = 1, .col = 1, .len = 8 };
	struct unit_diag ud;
	int err;

	/* lowering used all but one slot of the frame */
	ck_assert_int_eq(ir_stack(f, 504, 8), -504);
	unit_diag_open(&ud);
	err = ra_alloc(f, &where, &ud.d);
	ck_assert_int_eq(err, -E2BIG);
	ck_assert_uint_eq(ud.d.errors, 1);
	ck_assert_msg(strstr(unit_diag_text(&ud), "<test>:1:1: error:") &&
		      strstr(unit_diag_text(&ud), "512 bytes"),
		      "got: %s", unit_diag_text(&ud));
	unit_diag_close(&ud);
	arena_free(a);
}
END_TEST

START_TEST(test_slot_sharing)
{
	struct arena *a = arena_new();
	struct ir_func *f;
	struct ra_stats st;

	/* the same over-full call twice in a row: the spilled values of the
	 * first are dead before the second's are born */
	f = ir_new(a);
	for (int round = 0; round < 2; round++) {
		int v[6], acc = ir_vreg(f), i;

		for (i = 0; i < 6; i++) {
			v[i] = ir_vreg(f);
			ir_movi(f, v[i], round * 10 + i, L);
		}
		ir_call(f, BPF_FUNC_ktime_get_ns, 0, L);
		ir_mov(f, acc, IR_R0, L);
		for (i = 0; i < 6; i++)
			ir_alu(f, BPF_ADD, acc, acc, v[i], L);
		ir_stx(f, BPF_DW, IR_FP, -8, acc, L);
	}
	ir_movi(f, IR_R0, 0, L);
	ir_exit(f, L);
	f->stack = 8;
	alloc_and_compare(f, &st);
	ck_assert_uint_ge(st.spills, 4);
	ck_assert_uint_lt(st.slots, st.spills);
	ck_assert_uint_eq(f->stack, 8 + 8 * st.slots);
	arena_free(a);
}
END_TEST

/* ---- random programs ---- */

struct gen {
	struct ir_func *f;
	uint64_t seed;
	int defs[512];
	unsigned ndefs, max_defs;	/* max_defs <= 512 */
	int data_slots[4];
	unsigned depth;
	bool loops;		/* generate while loops too */
};

static unsigned rnd(struct gen *g, unsigned n)
{
	g->seed = g->seed * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)(g->seed >> 33) % n;
}

static int pick(struct gen *g)
{
	return g->defs[rnd(g, g->ndefs)];
}

static void define(struct gen *g, int v)
{
	unsigned i;

	for (i = 0; i < g->ndefs; i++)
		if (g->defs[i] == v)
			return;
	if (g->ndefs < g->max_defs)
		g->defs[g->ndefs++] = v;
	else if (!g->depth)	/* inside a branch v may be undefined after */
		g->defs[rnd(g, g->ndefs)] = v;
}

/* an existing value (redefinition) or a new one */
static int target(struct gen *g)
{
	return rnd(g, 4) == 0 ? pick(g) : ir_vreg(g->f);
}

static void gen_block(struct gen *g, unsigned len);

/* A loop run 1 to 3 times: a counter tested at the head, decremented
 * first thing in the body, then a block, maybe a `continue` or a `break`
 * (a conditional jump to the head or past the end) and another block. */
static void gen_loop(struct gen *g)
{
	static const int ccs[] = { BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JLE };
	struct ir_func *f = g->f;
	int cnt = ir_vreg(f), head = ir_label(f), end = ir_label(f);
	unsigned mid, k = rnd(g, 3);

	g->depth++;
	ir_movi(f, cnt, 1 + rnd(g, 3), L);
	ir_place_loop(f, head, L);
	ir_jcci(f, BPF_JEQ, cnt, 0, end, L);
	ir_alui(f, BPF_SUB, cnt, cnt, 1, L);
	gen_block(g, 1 + rnd(g, 8));
	/* what the first block defined is defined on every way out */
	mid = g->ndefs;
	if (k) {
		int imm = (int)rnd(g, 20), a = pick(g), cc = ccs[rnd(g, 4)];

		ir_jcci(f, cc, a, imm, k == 1 ? head : end, L);
	}
	gen_block(g, 1 + rnd(g, 8));
	ir_ja(f, head, L);
	ir_place(f, end, L);
	g->ndefs = mid;
	g->depth--;
}

static void gen_block(struct gen *g, unsigned len)
{
	static const int alus[] = {
		BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_MOD, BPF_OR, BPF_AND,
		BPF_XOR, BPF_LSH, BPF_RSH, BPF_ARSH,
	};
	static const int ccs[] = {
		BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE, BPF_JLT, BPF_JLE,
		BPF_JSET, BPF_JSGT, BPF_JSGE, BPF_JSLT, BPF_JSLE,
	};
	struct ir_func *f = g->f;
	unsigned k, i, nargs, saved, two;
	int d, d2, x, l_else, l_end, op, a, b;

	for (k = 0; k < len; k++) {
		switch (rnd(g, g->loops ? 13 : 12)) {
		case 12:
			if (g->depth <= 3)
				gen_loop(g);
			break;
		case 0: case 1: case 2:
			d = target(g);
			b = pick(g), a = pick(g), op = alus[rnd(g, 11)];
			ir_alu(f, op, d, a, b, L);
			define(g, d);
			break;
		case 3:
			d = target(g);
			b = (int)rnd(g, 200) - 100;
			a = pick(g), op = alus[rnd(g, 11)];
			ir_alui(f, op, d, a, b, L);
			define(g, d);
			break;
		case 4:
			d = ir_vreg(f);
			ir_movi(f, d, rnd(g, 2) ? (int64_t)rnd(g, 1000) :
				(int64_t)g->seed, L);
			define(g, d);
			break;
		case 5: case 6:
			nargs = rnd(g, 6);
			for (i = 1; i <= nargs; i++)
				ir_mov(f, (int)i, pick(g), L);
			ir_call(f, BPF_FUNC_map_lookup_elem + rnd(g, 8), nargs, L);
			d = ir_vreg(f);
			ir_mov(f, d, IR_R0, L);
			define(g, d);
			break;
		case 7:
			if (g->depth > 3)
				break;
			g->depth++;
			x = ir_vreg(f);		/* defined on both paths */
			l_else = ir_label(f);
			l_end = ir_label(f);
			two = rnd(g, 3);
			if (!two)
				ir_movi(f, x, 5, L);	/* one arm: a default */
			if (rnd(g, 2)) {
				b = pick(g), a = pick(g), op = ccs[rnd(g, 11)];
				ir_jcc(f, op, a, b, two ? l_else : l_end, L);
			} else {
				b = (int)rnd(g, 20);
				a = pick(g), op = ccs[rnd(g, 11)];
				ir_jcci(f, op, a, b, two ? l_else : l_end, L);
			}
			saved = g->ndefs;
			gen_block(g, 1 + rnd(g, 6));
			ir_mov(f, x, pick(g), L);
			g->ndefs = saved;
			if (two) {
				ir_ja(f, l_end, L);
				ir_place(f, l_else, L);
				gen_block(g, 1 + rnd(g, 6));
				ir_alui(f, BPF_XOR, x, pick(g), 77, L);
				g->ndefs = saved;
			}
			ir_place(f, l_end, L);
			define(g, x);
			g->depth--;
			break;
		case 8:
			i = rnd(g, 4);
			if (rnd(g, 3)) {
				ir_stx(f, BPF_DW, IR_FP, g->data_slots[i],
				       pick(g), L);
				break;
			}
			/* a map value: its address differs between runs,
			 * so it only ever feeds an add or loads (twice: a
			 * repeated load for the peephole) */
			d = ir_vreg(f);
			ir_ldmapv(f, d, i, 8 * (int)rnd(g, 8), L);
			if (rnd(g, 2)) {
				ir_xadd(f, BPF_DW, d, 0, pick(g), L);
				break;
			}
			x = ir_vreg(f);
			ir_ldx(f, BPF_DW, x, d, 0, L);
			d2 = ir_vreg(f);
			ir_ldx(f, BPF_DW, d2, d, 0, L);
			ir_alu(f, BPF_XOR, x, x, d2, L);
			define(g, x);
			break;
		case 9:
			d = ir_vreg(f);
			ir_ldx(f, BPF_DW, d, IR_FP, g->data_slots[rnd(g, 4)], L);
			define(g, d);
			break;
		case 10:
			d = ir_vreg(f);
			ir_mov(f, d, pick(g), L);
			define(g, d);
			break;
		case 11: {
			struct ir_insn *in;

			d = target(g);
			x = pick(g);
			in = ir_emit(f, rnd(g, 2) ? IR_NEG : IR_MOV32, L);
			in->dst = d;
			in->a = x;
			define(g, d);
			break;
		}
		}
	}
}

static void gen_program(struct gen *g, uint64_t seed, unsigned len)
{
	struct ir_func *f = g->f;
	int ctx = ir_vreg(f), acc = ir_vreg(f);
	unsigned i;

	g->seed = seed;
	g->ndefs = 0;
	g->depth = 0;
	for (i = 0; i < 4; i++) {
		g->data_slots[i] = ir_stack(f, 8, 8);
		ir_st(f, BPF_DW, IR_FP, g->data_slots[i], (int)i, L);
	}
	ir_mov(f, ctx, IR_CTX, L);
	define(g, ctx);
	gen_block(g, len);
	/* fold every value still defined into the result */
	ir_movi(f, acc, 0, L);
	for (i = 0; i < g->ndefs; i++) {
		ir_alui(f, BPF_MUL, acc, acc, 1000003, L);
		ir_alu(f, BPF_XOR, acc, acc, g->defs[i], L);
	}
	for (i = 0; i < 4; i++) {
		int t = ir_vreg(f);

		ir_ldx(f, BPF_DW, t, IR_FP, g->data_slots[i], L);
		ir_alu(f, BPF_ADD, acc, acc, t, L);
	}
	ir_mov(f, IR_R0, acc, L);
	ir_exit(f, L);
}

/* 400 random programs allocated and run; the spill path must be taken.
 * (The generator draws a call's numbers into locals first, last argument
 * first: the order a call's arguments are evaluated in is the compiler's,
 * and s390x's made other programs, one of them past the 512-byte stack.
 * Last first is what x86_64's GCC did, so the programs are the ones the
 * test was written against.) */
static void random_programs(unsigned max_defs, bool loops)
{
	unsigned total_spills = 0;
	uint64_t seed;

	for (seed = 1; seed <= 400; seed++) {
		struct arena *a = arena_new();
		struct gen g = { .f = ir_new(a), .max_defs = max_defs,
				 .loops = loops };
		struct ra_stats st;

		gen_program(&g, seed, 10 + seed % 60);
		alloc_and_compare(g.f, &st);
		total_spills += st.spills;
		arena_free(a);
	}
	ck_assert_uint_gt(total_spills, 50);
}

START_TEST(test_random)
{
	random_programs(512, false);
}
END_TEST

/* The same with while loops: values live around a loop, defined in it and
 * read at its head the next time round, read after it.  Loops multiply the
 * code: fewer values are kept to the end (all live at once there), so that
 * the spills fit the frame. */
START_TEST(test_random_loops)
{
	random_programs(40, true);
}
END_TEST

/* A value set before a loop and read in it after a call lives in r6-r9
 * all around the loop, not only to its last read. */
START_TEST(test_loop_live_around)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	int v = ir_vreg(f), cnt = ir_vreg(f), t = ir_vreg(f), w = ir_vreg(f);
	int head = ir_label(f), end = ir_label(f);
	unsigned i;

	ir_movi(f, v, 1234, L);
	ir_movi(f, cnt, 3, L);
	ir_place_loop(f, head, L);
	ir_jcci(f, BPF_JEQ, cnt, 0, end, L);
	ir_alui(f, BPF_SUB, cnt, cnt, 1, L);
	ir_call(f, BPF_FUNC_ktime_get_ns, 0, L);
	ir_mov(f, t, IR_R0, L);
	ir_alu(f, BPF_ADD, t, t, v, L);		/* v's last read, in order */
	/* w lives after v's last read: it must not take v's register */
	ir_movi(f, w, 99, L);
	ir_stx(f, BPF_DW, IR_FP, -8, w, L);
	ir_stx(f, BPF_DW, IR_FP, -16, t, L);
	ir_ja(f, head, L);
	ir_place(f, end, L);
	ir_mov(f, IR_R0, v, L);
	ir_exit(f, L);
	f->stack = 16;
	alloc_and_compare(f, NULL);
	for (i = 0; i < f->n; i++)
		if (f->insns[i].op == IR_MOVI && f->insns[i].imm == 1234)
			ck_assert_int_ge(f->insns[i].dst, 6);
	arena_free(a);
}
END_TEST

/* A big function: allocation stays fast (the suite runs under a timeout). */
START_TEST(test_big)
{
	struct arena *a = arena_new();
	struct gen g = { .f = ir_new(a), .max_defs = 30 };
	struct ra_stats st;

	gen_program(&g, 12345, 6000);
	ck_assert_uint_gt(g.f->n, 10000);
	alloc_and_compare(g.f, &st);
	ck_assert_uint_gt(st.spills, 0);
	arena_free(a);
}
END_TEST

static Suite *regalloc_suite(void)
{
	Suite *s = suite_create("regalloc");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_chain);
	tcase_add_test(tc, test_across_call);
	tcase_add_test(tc, test_four_across_call);
	tcase_add_test(tc, test_five_across_call_spill);
	tcase_add_test(tc, test_many_live_spill);
	tcase_add_test(tc, test_branches);
	tcase_add_test(tc, test_webs_across_jumps);
	tcase_add_test(tc, test_map_read_default);
	tcase_add_test(tc, test_map_value_xadd);
	tcase_add_test(tc, test_call_args);
	tcase_add_test(tc, test_noncommutative);
	tcase_add_test(tc, test_frame_overflow);
	tcase_add_test(tc, test_slot_sharing);
	tcase_add_test(tc, test_random);
	tcase_add_test(tc, test_random_loops);
	tcase_add_test(tc, test_loop_live_around);
	tcase_add_test(tc, test_big);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(regalloc_suite());
}
