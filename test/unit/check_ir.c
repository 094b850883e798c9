/* check_ir.c - the IR module: operation facts and the inter-pass checker.
 *
 * The checker (ir_check) is what compile.c runs after every pass; here each
 * guarantee it checks is broken once on purpose, next to a function that
 * keeps them all. */
#include <string.h>

#include <linux/bpf.h>

#include "arena.h"
#include "ir.h"
#include "unit.h"

static const struct loc L = { 0 };

/* ---- facts ---- */

START_TEST(test_alu_facts)
{
	static const int comm[] = { BPF_ADD, BPF_MUL, BPF_AND, BPF_OR, BPF_XOR };
	static const int non[] = { BPF_SUB, BPF_DIV, BPF_MOD, BPF_LSH,
				   BPF_RSH, BPF_ARSH };
	unsigned i;

	for (i = 0; i < sizeof(comm) / sizeof(comm[0]); i++)
		ck_assert(ir_alu_commutes(comm[i]));
	for (i = 0; i < sizeof(non) / sizeof(non[0]); i++)
		ck_assert(!ir_alu_commutes(non[i]));
	ck_assert_str_eq(ir_alu_sym(BPF_ADD), "+");
	ck_assert_str_eq(ir_alu_sym(BPF_ARSH), "s>>");
	ck_assert_str_eq(ir_alu_sym(BPF_MOV), "");
	ck_assert_ptr_null(ir_alu_sym(BPF_END));
	ck_assert_ptr_null(ir_alu_sym(-1));
	ck_assert_ptr_null(ir_alu_sym(0x05));
}
END_TEST

START_TEST(test_cc_facts)
{
	static const int ccs[] = { BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE, BPF_JLT,
				   BPF_JLE, BPF_JSGT, BPF_JSGE, BPF_JSLT,
				   BPF_JSLE };
	unsigned i;

	for (i = 0; i < sizeof(ccs) / sizeof(ccs[0]); i++) {
		int cc = ccs[i];

		ck_assert_int_eq(ir_cc_invert(ir_cc_invert(cc)), cc);
		ck_assert_int_eq(ir_cc_swap(ir_cc_swap(cc)), cc);
		ck_assert_int_ne(ir_cc_invert(cc), cc);
		ck_assert_ptr_nonnull(ir_cc_sym(cc));
	}
	ck_assert_int_eq(ir_cc_invert(BPF_JLT), BPF_JGE);
	ck_assert_int_eq(ir_cc_swap(BPF_JLT), BPF_JGT);
	ck_assert_int_eq(ir_cc_swap(BPF_JSLE), BPF_JSGE);
	ck_assert_int_eq(ir_cc_invert(BPF_JSET), -1);
	ck_assert_str_eq(ir_cc_sym(BPF_JSGE), "s>=");
	ck_assert_ptr_null(ir_cc_sym(BPF_JA));
	ck_assert_int_eq(ir_cc_invert(BPF_CALL), -1);
}
END_TEST

/* ---- the checker ---- */

/* A lowered function as lower_probe() makes them: the ctx copy, a helper
 * call with its arguments, r0 copied at once, a forward branch, r0 = 0 and
 * exit. */
static struct ir_func *good(struct arena *a)
{
	struct ir_func *f = ir_new(a);
	int ctx = ir_vreg(f), v = ir_vreg(f), out = ir_label(f);

	ir_mov(f, ctx, IR_CTX, L);
	ir_mov(f, 1, ctx, L);
	ir_mov(f, 2, IR_FP, L);
	ir_alui(f, BPF_ADD, 2, 2, -8, L);
	ir_call(f, BPF_FUNC_map_lookup_elem, 2, L);
	ir_mov(f, v, IR_R0, L);
	ir_jcci(f, BPF_JEQ, v, 0, out, L);
	ir_alu(f, BPF_SUB, v, v, ctx, L);
	ir_place(f, out, L);
	ir_movi(f, IR_R0, 0, L);
	ir_exit(f, L);
	return f;
}

static void expect_broken(struct arena *a, const struct ir_func *f,
			  enum ir_form form, const char *why)
{
	const char *got = ir_check(a, f, form);

	ck_assert_msg(got && strstr(got, why), "expected '%s', got '%s'", why,
		      got ? got : "(nothing)");
}

START_TEST(test_check_lowered)
{
	struct arena *a = arena_new();
	struct ir_func *f = good(a);

	ck_assert_ptr_null(ir_check(a, f, IR_LOWERED));
	/* virtual registers are no allocated form */
	expect_broken(a, f, IR_ALLOCATED, "insn 0 (mov): dst is no register");

	f = good(a);
	f->insns[7].dst = IR_FP;
	expect_broken(a, f, IR_LOWERED, "insn 7 (alu): it writes r10");

	f = good(a);
	f->insns[7].b = f->next_vreg + 3;
	expect_broken(a, f, IR_LOWERED, "b is no register");

	f = good(a);
	f->n--;		/* no exit */
	expect_broken(a, f, IR_LOWERED, "does not end in exit");

	f = good(a);
	ir_place(f, 0, L);	/* a second time */
	ir_exit(f, L);
	expect_broken(a, f, IR_LOWERED, "insn 11 (label): the label is placed twice");

	f = good(a);
	f->insns[8].label = ir_label(f);	/* the jump's label, never placed */
	expect_broken(a, f, IR_LOWERED, "insn 6 (jcci): it goes to a label never placed");

	f = good(a);
	f->insns[6].op = IR_LABEL;	/* the label before its jump */
	f->insns[6].label = 0;
	f->insns[8].op = IR_JA;
	expect_broken(a, f, IR_LOWERED, "insn 8 (ja): it jumps backwards");

	/* the back edge of a loop: to a label placed as a loop's head */
	f = good(a);
	f->insns[6].op = IR_LABEL;
	f->insns[6].label = 0;
	f->insns[6].imm = IR_LOOP_HEAD;
	f->insns[8].op = IR_JA;
	ck_assert_ptr_null(ir_check(a, f, IR_LOWERED));

	f = good(a);
	f->insns[6].code = BPF_CALL;
	expect_broken(a, f, IR_LOWERED, "no condition code");

	f = good(a);
	f->insns[4].nargs = 1;	/* r2 set up for nobody */
	expect_broken(a, f, IR_LOWERED, "insn 3 (alui): it writes an argument register no call reads");

	f = good(a);
	f->insns[7].b = 3;	/* r3 as a value */
	expect_broken(a, f, IR_LOWERED, "insn 7 (alu): it reads an argument register");

	f = good(a);
	f->insns[7].a = IR_R0;	/* r0 long after the call */
	expect_broken(a, f, IR_LOWERED, "insn 7 (alu): it reads r0 away from a call");

	f = good(a);
	f->insns[7].dst = IR_R0;
	expect_broken(a, f, IR_LOWERED, "it writes r0 away from exit");
	arena_free(a);
}
END_TEST

START_TEST(test_check_allocated)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	int out = ir_label(f);

	ir_ldx(f, BPF_DW, 6, 1, 0, L);
	ir_jcci(f, BPF_JEQ, 6, 0, out, L);
	ir_alu(f, BPF_SUB, 8, 6, 7, L);
	ir_place(f, out, L);
	ir_movi(f, IR_R0, 0, L);
	ir_exit(f, L);
	ck_assert_ptr_null(ir_check(a, f, IR_ALLOCATED));
	ck_assert_ptr_null(ir_check(a, f, IR_PEEPHOLED));
	/* mov dst, a; sub dst, b would read the result as b */
	f->insns[2].dst = 7;
	expect_broken(a, f, IR_ALLOCATED, "insn 2 (alu): non-commutative: dst is b's register");
	f->insns[2].code = BPF_ADD;
	ck_assert_ptr_null(ir_check(a, f, IR_ALLOCATED));
	f->stack = 520;
	expect_broken(a, f, IR_ALLOCATED, "the frame is larger than 512 bytes");
	arena_free(a);
}
END_TEST

START_TEST(test_check_peepholed)
{
	struct arena *a = arena_new();
	struct ir_func *f = ir_new(a);
	int l0 = ir_label(f), l1 = ir_label(f);

	ir_jcci(f, BPF_JEQ, 1, 0, l0, L);
	ir_movi(f, IR_R0, 1, L);
	ir_exit(f, L);
	ir_place(f, l0, L);
	ir_movi(f, IR_R0, 0, L);
	ir_exit(f, L);
	ck_assert_ptr_null(ir_check(a, f, IR_PEEPHOLED));

	/* code after exit no jump reaches */
	f->n--;
	ir_movi(f, IR_R0, 2, L);
	ir_exit(f, L);
	ir_movi(f, IR_R0, 3, L);
	ir_exit(f, L);
	ck_assert_ptr_null(ir_check(a, f, IR_ALLOCATED));
	expect_broken(a, f, IR_PEEPHOLED, "insn 7 (movi): it is unreachable");

	/* a label without a jump */
	f = ir_new(a);
	l1 = ir_label(f);
	ir_place(f, l1, L);
	ir_movi(f, IR_R0, 0, L);
	ir_exit(f, L);
	expect_broken(a, f, IR_PEEPHOLED, "a label no jump names is left");

	/* a jump to the next instruction */
	f = ir_new(a);
	l1 = ir_label(f);
	ir_jcci(f, BPF_JEQ, 1, 0, l1, L);
	ir_place(f, l1, L);
	ir_movi(f, IR_R0, 0, L);
	ir_exit(f, L);
	expect_broken(a, f, IR_PEEPHOLED, "insn 0 (jcci): it goes to the next instruction");
	arena_free(a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ir");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_alu_facts);
	tcase_add_test(tc, test_cc_facts);
	tcase_add_test(tc, test_check_lowered);
	tcase_add_test(tc, test_check_allocated);
	tcase_add_test(tc, test_check_peepholed);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
