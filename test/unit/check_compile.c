/* check_compile.c - the pipeline (compile.c) on whole scripts: what every
 * probe has after it, the -S sections in pass order, the checks on
 * specifiers it makes itself (unknown provider, a missing or extra target)
 * and that one run reports the problems of every probe. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "btf.h"
#include "host.h"
#include "provider.h"
#include "script.h"
#include "unit.h"

struct fx {
	struct script s;
	struct host host;
	struct unit_diag ud;
	char *dump;
	size_t dump_size;
};

static int compile(struct fx *x, const char *text, bool dump)
{
	memset(x, 0, sizeof(*x));
	x->s.arena = arena_new();
	x->s.src = unit_source(text);
	x->s.host = &x->host;	/* defaults: no tracefs needed below */
	if (dump)
		x->s.opts.dump = open_memstream(&x->dump, &x->dump_size);
	unit_diag_open(&x->ud);
	return compile_script(&x->s, &x->ud.d);
}

static void fx_free(struct fx *x)
{
	if (x->s.opts.dump)
		fclose(x->s.opts.dump);
	free(x->dump);
	unit_diag_close(&x->ud);
	arena_free(x->s.arena);
}

START_TEST(test_compiled)
{
	struct fx x;
	const struct probe *p;

	ck_assert_int_eq(compile(&x, "BEGIN { @n = count(); printf(\"%d\\n\", "
				 "pid); }\nEND { exit(1); }\n", false), 0);
	ck_assert_uint_eq(x.s.nprobes, 2);
	for (p = x.s.probes; p; p = p->next) {
		ck_assert_uint_gt(p->ninsns, 1);
		ck_assert_ptr_nonnull(p->insns);
		ck_assert_ptr_nonnull(p->insn_loc);
		ck_assert_uint_gt(p->nrelocs, 0);
		ck_assert_int_eq(p->prog_type, BPF_PROG_TYPE_RAW_TRACEPOINT);
	}
	/* @n, the event ring, the lost counter; two events */
	ck_assert_ptr_nonnull(script_map_find(&x.s, "@n"));
	ck_assert_ptr_nonnull(x.s.events_map);
	ck_assert_ptr_nonnull(x.s.lost_map);
	ck_assert_uint_eq(x.s.nevents, 2);
	ck_assert_str_eq(unit_diag_text(&x.ud), "");
	fx_free(&x);
}
END_TEST

/* -S: each pass's section, in pipeline order, per probe. */
START_TEST(test_dump_order)
{
	struct fx x;

	ck_assert_int_eq(compile(&x, "BEGIN { printf(\"x\\n\"); }\n", true), 0);
	fflush(x.s.opts.dump);
	ck_assert_ptr_nonnull(x.dump);
	ck_assert_msg(strstr(x.dump, ";; ast\n") == x.dump, "%s", x.dump);
	{
		static const char *const order[] = {
			";; ast\n", ";; typed: BEGIN:\n", ";; ir: BEGIN:\n",
			";; allocated: BEGIN:\n", ";; peephole: BEGIN:\n",
			";; bpf: BEGIN:\n", ";; maps\n",
		};
		const char *at = x.dump;

		for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
			at = strstr(at, order[i]);
			ck_assert_msg(at != NULL, "no %s in\n%s", order[i],
				      x.dump);
		}
	}
	fx_free(&x);
}
END_TEST

START_TEST(test_specifier_errors)
{
	struct fx x;

	ck_assert_int_eq(compile(&x, "nosuch:x { }\n", false), -EINVAL);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&x.ud),
		"<test>:1:1: error: unknown provider 'nosuch'"));
	fx_free(&x);

	/* the provider's example target in the message */
	ck_assert_int_eq(compile(&x, "t { }\n", false), -EINVAL);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&x.ud),
		"error: tracepoint needs a target, as in "
		"t:syscalls/sys_enter_openat"));
	fx_free(&x);
	ck_assert_int_eq(compile(&x, "interval { }\n", false), -EINVAL);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&x.ud),
		"error: interval needs a target, as in interval:..."));
	fx_free(&x);

	ck_assert_int_eq(compile(&x, "BEGIN:x { }\n", false), -EINVAL);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&x.ud),
		"error: BEGIN takes no target"));
	fx_free(&x);
}
END_TEST

/* One run reports every probe's problems, from every pass. */
START_TEST(test_reports_all)
{
	struct fx x;
	const char *t;

	ck_assert_int_eq(compile(&x, "BEGIN { x = nosuch; }\n"
				 "END { y = nothere; }\n", false), -EINVAL);
	t = unit_diag_text(&x.ud);
	ck_assert_ptr_nonnull(strstr(t, "<test>:1:13: error: unknown "
				     "identifier 'nosuch'"));
	ck_assert_ptr_nonnull(strstr(t, "<test>:2:11: error: unknown "
				     "identifier 'nothere'"));
	fx_free(&x);

	/* lowering: a probe too big for the stack, and the other still
	 * compiled far enough to report its own */
	ck_assert_int_eq(compile(&x, "BEGIN { printf(\"%s\", str(0, 600)); }\n"
				 "END { printf(\"%s\", str(0, 700)); }\n",
				 false), -EINVAL);
	t = unit_diag_text(&x.ud);
	ck_assert_ptr_nonnull(strstr(t, "<test>:1:"));
	ck_assert_ptr_nonnull(strstr(t, "<test>:2:"));
	ck_assert_ptr_nonnull(strstr(t, "more than 512 bytes of stack"));
	fx_free(&x);
}
END_TEST

/* The kernel's BTF is read only by a script that names a kernel type; the
 * script's own types, C's and spry's never need it. */
START_TEST(test_btf_lazy)
{
	static const struct {
		const char *text;
		bool reads;
	} cases[] = {
		{ "BEGIN { printf(\"%d %s\\n\", pid, comm); }", false },
		{ "struct s { int a; char b[4]; };\n"
		  "BEGIN { printf(\"%d %d\\n\", sizeof(struct s), "
		  "((struct s *)0)->a + (u8)300 + sizeof(long)); }", false },
		{ "#include <linux/sched.h>\n#define N 4\n"
		  "BEGIN { printf(\"%d\\n\", N); }", false },
		{ "BEGIN { printf(\"%d\\n\", AF_INET); }", false },
		{ "BEGIN { printf(\"%s\\n\", curtask->comm); }", true },
		{ "BEGIN { printf(\"%d\\n\", TCP_ESTABLISHED); }", true },
		{ "BEGIN { printf(\"%d\\n\", sizeof(struct file)); }", true },
	};
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fx x;

		memset(&x, 0, sizeof(x));
		x.host.btf = unit_fixture("btf", "kernel");
		x.s.arena = arena_new();
		x.s.src = unit_source(cases[i].text);
		x.s.host = &x.host;
		unit_diag_open(&x.ud);
		if (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ && cases[i].reads) {
			/* the fixture was cut from a little-endian kernel
			 * (scripts/cross s390x --check runs this suite on a
			 * big-endian CPU): reading it fails, saying why */
			ck_assert_int_ne(compile_script(&x.s, &x.ud.d), 0);
			ck_assert_ptr_nonnull(btf_error(x.s.btf));
			ck_assert_ptr_nonnull(strstr(btf_error(x.s.btf),
						     "the other byte order"));
			fx_free(&x);
			continue;
		}
		ck_assert_msg(compile_script(&x.s, &x.ud.d) == 0, "%s: %s",
			      cases[i].text, unit_diag_text(&x.ud));
		ck_assert_msg(btf_loaded(x.s.btf) == cases[i].reads,
			      "%s: BTF %sread", cases[i].text,
			      cases[i].reads ? "not " : "");
		fx_free(&x);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("compile");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_compiled);
	tcase_add_test(tc, test_dump_order);
	tcase_add_test(tc, test_specifier_errors);
	tcase_add_test(tc, test_reports_all);
	tcase_add_test(tc, test_btf_lazy);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
