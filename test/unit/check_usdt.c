/* check_usdt.c - USDT operands on every architecture table, and notes.
 *
 * Operands are the strings <sys/sdt.h> notes hold, as each architecture's
 * assembler prints them; every arch in arches[] with a usdt table is
 * checked against its own syntax.  The notes are this test's own: a probe
 * written with the same assembler directives sys/sdt.h uses (so the suite
 * needs no systemtap headers), read back from /proc/self/exe.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "arch.h"
#include "unit.h"
#include "usdt.h"

static int parse(const struct arch *a, const char *text,
		 struct usdt_arg *args, char *err, size_t n)
{
	unsigned good;

	return usdt_args_parse(a, text, args, &good, err, n);
}

#define ARG_IS(x, k, sz, sg, off, v)				\
	do {							\
		ck_assert_int_eq((x).kind, (k));		\
		ck_assert_uint_eq((x).size, (sz));		\
		ck_assert_int_eq((x).is_signed, (sg));		\
		ck_assert_int_eq((x).reg_off, (off));		\
		ck_assert_int_eq((x).val, (v));			\
	} while (0)

START_TEST(test_x86_64)
{
	struct usdt_arg a[USDT_MAX_ARGS];
	char err[160];

	ck_assert_int_eq(parse(&arch_x86_64, "-4@%eax 8@-16(%rbp) -4@$5 "
			       "8@(%rbx) 1@%sil -1@%ah 2@%r9w 4@$-1",
			       a, err, sizeof(err)), 8);
	ARG_IS(a[0], USDT_REG, 4, true, 80, 0);
	ARG_IS(a[1], USDT_MEM, 8, false, 32, -16);
	ARG_IS(a[2], USDT_CONST, 4, true, 0, 5);
	ARG_IS(a[3], USDT_MEM, 8, false, 40, 0);
	ARG_IS(a[4], USDT_REG, 1, false, 104, 0);
	ARG_IS(a[5], USDT_REG, 1, true, 81, 0);	/* ah: ax + 1 */
	ARG_IS(a[6], USDT_REG, 2, false, 64, 0);
	ARG_IS(a[7], USDT_CONST, 4, false, 0, -1);

	/* globals: SYMBOL(%rip), SYMBOL+N(%rip), a bare SYMBOL */
	ck_assert_int_eq(parse(&arch_x86_64, "-4@gvar(%rip) 8@tbl+16(%rip) "
			       "2@gshort", a, err, sizeof(err)), 3);
	ck_assert_int_eq(a[0].kind, USDT_SYM);
	ck_assert_str_eq(a[0].sym, "gvar");
	ck_assert_int_eq(a[1].kind, USDT_SYM);
	ck_assert_str_eq(a[1].sym, "tbl");
	ck_assert_int_eq(a[1].val, 16);
	ck_assert_int_eq(a[2].kind, USDT_SYM);

	/* old notes: no size, 8 bytes */
	ck_assert_int_eq(parse(&arch_x86_64, "%rdi", a, err, sizeof(err)), 1);
	ARG_IS(a[0], USDT_REG, 8, false, 112, 0);
	/* none at all */
	ck_assert_int_eq(parse(&arch_x86_64, "", a, err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_aarch64)
{
	struct usdt_arg a[USDT_MAX_ARGS];
	char err[160];

	ck_assert_int_eq(parse(&arch_aarch64, "-4@w0 8@x19 8@[sp, 16] "
			       "-4@[x1] 4@5 -8@[x29, -8] 8@sp", a, err,
			       sizeof(err)), 7);
	ARG_IS(a[0], USDT_REG, 4, true, 0, 0);
	ARG_IS(a[1], USDT_REG, 8, false, 152, 0);
	ARG_IS(a[2], USDT_MEM, 8, false, 248, 16);
	ARG_IS(a[3], USDT_MEM, 4, true, 8, 0);
	ARG_IS(a[4], USDT_CONST, 4, false, 0, 5);
	ARG_IS(a[5], USDT_MEM, 8, true, 232, -8);
	ARG_IS(a[6], USDT_REG, 8, false, 248, 0);
}
END_TEST

/* The other ISAs, on the operands GCC 12 wrote for the same probes
 * (-O0 and -O2: stack slots, registers, globals through a register,
 * constants; readelf -n of cross-compiled sys/sdt.h programs). */
START_TEST(test_cross)
{
	struct usdt_arg a[USDT_MAX_ARGS];
	char err[160];

	/* arm: [fp, #-16], #5; registers are 4 bytes */
	ck_assert_int_eq(parse(&arch_arm, "-4@[fp, #-16] -4@r3 4@[r3, #4] "
			       "-4@#-1 1@r0 -1@[fp, #-5]", a, err,
			       sizeof(err)), 6);
	ARG_IS(a[0], USDT_MEM, 4, true, 44, -16);
	ARG_IS(a[1], USDT_REG, 4, true, 12, 0);
	ARG_IS(a[2], USDT_MEM, 4, false, 12, 4);
	ARG_IS(a[3], USDT_CONST, 4, true, 0, -1);
	ARG_IS(a[4], USDT_REG, 1, false, 0, 0);
	ARG_IS(a[5], USDT_MEM, 1, true, 44, -5);

	/* ppc64le: registers are bare numbers, so 0(10) is memory and i5 a
	 * constant */
	ck_assert_int_eq(parse(&arch_ppc64le, "-4@0(10) -8@9 8@4 -4@i5 "
			       "-4@i-1 -2@16(31)", a, err, sizeof(err)), 6);
	ARG_IS(a[0], USDT_MEM, 4, true, 80, 0);
	ARG_IS(a[1], USDT_REG, 8, true, 72, 0);
	ARG_IS(a[2], USDT_REG, 8, false, 32, 0);
	ARG_IS(a[3], USDT_CONST, 4, true, 0, 5);
	ARG_IS(a[4], USDT_CONST, 4, true, 0, -1);
	ARG_IS(a[5], USDT_MEM, 2, true, 248, 16);
	/* big-endian ppc64: a narrow register operand is its last bytes */
	ck_assert_int_eq(parse(&arch_ppc64, "-4@3 1@9", a, err, sizeof(err)), 2);
	ARG_IS(a[0], USDT_REG, 4, true, 24 + 4, 0);
	ARG_IS(a[1], USDT_REG, 1, false, 72 + 7, 0);

	/* s390x, big-endian: %r2's low half is gprs[2] + 4 */
	ck_assert_int_eq(parse(&arch_s390x, "-4@172(%r11) -8@%r1 -4@%r2 "
			       "-2@%r4 1@%r1 -4@5 -4@-1 -8@8(%r1)", a, err,
			       sizeof(err)), 8);
	ARG_IS(a[0], USDT_MEM, 4, true, 112, 172);
	ARG_IS(a[1], USDT_REG, 8, true, 32, 0);
	ARG_IS(a[2], USDT_REG, 4, true, 40 + 4, 0);
	ARG_IS(a[3], USDT_REG, 2, true, 56 + 6, 0);
	ARG_IS(a[4], USDT_REG, 1, false, 32 + 7, 0);
	ARG_IS(a[5], USDT_CONST, 4, true, 0, 5);
	ARG_IS(a[6], USDT_CONST, 4, true, 0, -1);
	ARG_IS(a[7], USDT_MEM, 8, true, 32, 8);

	/* mips64el: $4, 16($fp), and the ABI's names */
	ck_assert_int_eq(parse(&arch_mips64el, "-4@16($fp) -8@$2 8@24($fp) "
			       "-4@$a0 -4@5 -2@0($5) 8@$sp", a, err,
			       sizeof(err)), 7);
	ARG_IS(a[0], USDT_MEM, 4, true, 240, 16);
	ARG_IS(a[1], USDT_REG, 8, true, 16, 0);
	ARG_IS(a[2], USDT_MEM, 8, false, 240, 24);
	ARG_IS(a[3], USDT_REG, 4, true, 32, 0);
	ARG_IS(a[4], USDT_CONST, 4, true, 0, 5);
	ARG_IS(a[5], USDT_MEM, 2, true, 40, 0);
	ARG_IS(a[6], USDT_REG, 8, false, 232, 0);
}
END_TEST

START_TEST(test_errors)
{
	struct usdt_arg a[USDT_MAX_ARGS];
	unsigned good;
	char err[160];

	ck_assert_int_eq(usdt_args_parse(&arch_x86_64, "-4@%eax 8@%xyz", a,
					 &good, err, sizeof(err)), -EINVAL);
	ck_assert_uint_eq(good, 1);
	ck_assert_str_eq(err, "'8@%xyz': not a register, constant or memory "
			 "operand");
	ck_assert_int_eq(usdt_args_parse(&arch_x86_64, "4@(%rax,%rbx,4)", a,
					 &good, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "'4@(%rax,%rbx,4)': indexed memory operands "
			 "are not supported");
	ck_assert_int_eq(usdt_args_parse(&arch_x86_64, "3@%eax", a, &good,
					 err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "'3@%eax': the size is not 1, 2, 4 or 8 bytes");
	ck_assert_int_eq(usdt_args_parse(&arch_aarch64, "8@[x1, 8", a, &good,
					 err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "'8@[x1, 8': expected ']'");
	ck_assert_int_eq(usdt_args_parse(&arch_aarch64, "8@x31", a, &good,
					 err, sizeof(err)), -EINVAL);
}
END_TEST

/* Every architecture's table: its registers parse as themselves, at the
 * pt_regs offsets it gives, and every offset is inside pt_regs. */
START_TEST(test_every_table)
{
	for (const struct arch *const *ap = arches; *ap; ap++) {
		const struct arch *a = *ap;
		const struct arch_usdt *u = a->usdt;
		struct usdt_arg arg[USDT_MAX_ARGS];
		char text[64], err[160];

		if (!u)
			continue;
		for (unsigned i = 0; i < u->nregs; i++) {
			const struct arch_reg *r = &u->regs[i];

			ck_assert_msg(r->off >= 0 &&
				      (unsigned)r->off < a->regs_size,
				      "%s: %s outside pt_regs", a->name,
				      r->name);
			snprintf(text, sizeof(text), "-4@%s%s",
				 u->reg_prefix ? u->reg_prefix : "", r->name);
			ck_assert_msg(parse(a, text, arg, err,
					    sizeof(err)) == 1,
				      "%s: %s: %s", a->name, text, err);
			ck_assert_int_eq(arg[0].kind, USDT_REG);
			/* 4 bytes of a wider register: its last on a
			 * big-endian machine */
			ck_assert_int_eq(arg[0].reg_off, r->off +
				(a->big_endian && a->word_size > 4 ?
				 (int)a->word_size - 4 : 0));
		}
	}
}
END_TEST

/* ---- notes ---- */

#if defined(__x86_64__) || defined(__aarch64__)
#define HAVE_OWN_NOTE 1
/* A probe as sys/sdt.h writes one: a nop, and a note in .note.stapsdt
 * with its address, the .stapsdt.base address (none here: 0), the
 * semaphore (0), then provider, name and operands. */
int usdt_test_site(int x);
__attribute__((noinline, used)) int usdt_test_site(int x)
{
	__asm__ __volatile__(
		"990: nop\n"
		".pushsection .note.stapsdt,\"?\",\"note\"\n"
		".balign 4\n"
		".4byte 992f-991f, 994f-993f, 3\n"
		"991: .asciz \"stapsdt\"\n"
		"992: .balign 4\n"
		"993: .8byte 990b\n"
		".8byte 0\n"
		".8byte 0\n"
		".asciz \"spryunit\"\n"
		".asciz \"site\"\n"
		".asciz \"-4@$5 8@%rdi\"\n"
		"994: .balign 4\n"
		".popsection\n");
	return x + 1;
}
#endif

START_TEST(test_own_notes)
{
#ifdef HAVE_OWN_NOTE
	const struct usdt_file *f = usdt_file_get("/proc/self/exe");
	const struct usdt_note *n = NULL;

	ck_assert_ptr_nonnull(f);
	for (unsigned i = 0; i < f->n; i++)
		if (!strcmp(f->notes[i].provider, "spryunit"))
			n = &f->notes[i];
	ck_assert_ptr_nonnull(n);
	ck_assert_str_eq(n->name, "site");
	ck_assert_str_eq(n->args, "-4@$5 8@%rdi");
	ck_assert_uint_eq(n->sema, 0);
	/* the nop is inside the function that holds it */
	ck_assert_uint_ne(n->pc, 0);
	/* cached: the same object again */
	ck_assert_ptr_eq(usdt_file_get("/proc/self/exe"), f);
#endif
}
END_TEST

START_TEST(test_no_file)
{
	struct usdt_file *f;

	ck_assert_int_eq(usdt_file_load("/nonexistent/spry", &f), -ENOENT);
	ck_assert_int_eq(usdt_file_load("/proc/self/status", &f), -ENOEXEC);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("usdt");
	TCase *tc = tcase_create("usdt");

	tcase_add_test(tc, test_x86_64);
	tcase_add_test(tc, test_aarch64);
	tcase_add_test(tc, test_cross);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_every_table);
	tcase_add_test(tc, test_own_notes);
	tcase_add_test(tc, test_no_file);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
