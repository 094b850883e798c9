/* check_provider.c - the provider list and the mechanics providers share
 * (provider.c): lookup by name and alias, every provider's facts and hooks
 * against the contract in provider.h, rates, register variables, probe
 * copies, where tracefs is and the -T line format.  The providers
 * themselves have suites of their own (check_tracepoint, check_kprobe);
 * attaching is the kernel suites' business.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "host.h"
#include "provider.h"
#include "script.h"
#include "type.h"
#include "unit.h"

START_TEST(test_find)
{
	ck_assert_str_eq(provider_find("tracepoint")->name, "tracepoint");
	ck_assert_ptr_eq(provider_find("t"), provider_find("tracepoint"));
	ck_assert_ptr_eq(provider_find("kr"), provider_find("kretprobe"));
	ck_assert_ptr_eq(provider_find("ur"), provider_find("uretprobe"));
	ck_assert_str_eq(provider_find("BEGIN")->name, "BEGIN");
	/* exact names only */
	ck_assert_ptr_null(provider_find("trace"));
	ck_assert_ptr_null(provider_find("begin"));
	ck_assert_ptr_null(provider_find(""));
}
END_TEST

/* Every provider keeps provider.h's contract. */
START_TEST(test_contract)
{
	const struct provider *const *pp, *const *qq;
	const char *const *al;
	unsigned n = 0;

	for (pp = providers; *pp; pp++, n++) {
		const struct provider *p = *pp;

		ck_assert_msg(p->name && p->help && p->expand,
			      "provider %u: name, help, expand", n);
		ck_assert_ptr_eq(provider_find(p->name), p);
		for (al = p->aliases; al && *al; al++)
			ck_assert_ptr_eq(provider_find(*al), p);
		for (qq = pp + 1; *qq; qq++)
			ck_assert_msg(strcmp((*qq)->name, p->name),
				      "%s listed twice", p->name);
		/* attached, or run by the runtime; never both */
		if (p->when == PROV_ON_EVENT)
			ck_assert_msg(p->attach && p->detach,
				      "%s: attach and detach", p->name);
		else
			ck_assert_msg(!p->attach && !p->takes_target &&
				      p->pid_filter == PROV_PID_NONE,
				      "%s runs in spry: no attach, no target, "
				      "no -p", p->name);
		ck_assert_msg(!p->stop || p->detach, "%s: stop needs detach",
			      p->name);
		ck_assert_msg(!p->example || p->takes_target,
			      "%s: an example of a target it takes", p->name);
		ck_assert_msg(p->pid_filter != PROV_PID_ATTACH || p->attach,
			      "%s filters -p at attach", p->name);
	}
	ck_assert_uint_ge(n, 9);
	ck_assert_int_eq(provider_find("BEGIN")->when, PROV_AT_BEGIN);
	ck_assert_int_eq(provider_find("END")->when, PROV_AT_END);
	ck_assert_int_eq(provider_find("t")->pid_filter, PROV_PID_BPF);
	ck_assert_int_eq(provider_find("u")->pid_filter, PROV_PID_ATTACH);
	ck_assert_str_eq(provider_find("t")->example,
			 "syscalls/sys_enter_openat");
}
END_TEST

START_TEST(test_rates)
{
	static const struct {
		const char *text, *unit;
		unsigned long long ns, hz;
	} ok[] = {
		{ "10ms", "s", 10000000ull, 0 },
		{ "ms:10", "s", 10000000ull, 0 },
		{ "99hz", "s", 0, 99 },
		{ "hz:99", "s", 0, 99 },
		{ "5", "s", 5000000000ull, 0 },
		{ "5", "hz", 0, 5 },
		{ "2m", "s", 120000000000ull, 0 },
		{ "7us", "s", 7000, 0 },
		{ "3ns", "s", 3, 0 },
	};
	static const char *const bad[] = {
		"", "0", "0ms", "ms:", "ms:x", "10parsecs", "x10", "-5",
		"99999999999999999999", "100000000000m",
	};
	struct provider_rate r;
	unsigned i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_msg(!provider_parse_rate(ok[i].text, ok[i].unit, &r),
			      "%s", ok[i].text);
		ck_assert_uint_eq(r.period_ns, ok[i].ns);
		ck_assert_uint_eq(r.hz, ok[i].hz);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(provider_parse_rate(bad[i], "s", &r) == -EINVAL,
			      "'%s' is refused", bad[i]);
}
END_TEST

START_TEST(test_regs_resolve)
{
	const struct pvar regs = { .kind = PV_CTX, .type = &type_u64 };
	struct pvar pv;

	ck_assert_int_eq(provider_regs_resolve(&regs, "regs", &pv), 0);
	ck_assert_int_eq(pv.kind, PV_CTX);
	/* stacks are builtins (builtin/stack.c), not provider variables */
	ck_assert_int_eq(provider_regs_resolve(&regs, "kstack", &pv), -ENOENT);
	ck_assert_int_eq(provider_regs_resolve(&regs, "retval", &pv), -ENOENT);
}
END_TEST

/* A copy for one more target: its own AST, no provider state, linked
 * after the given probe. */
START_TEST(test_probe_dup)
{
	struct script s = { .arena = arena_new() };
	struct loc l = { .line = 3, .col = 1, .len = 1 };
	struct node *body = arena_alloc(s.arena, sizeof(*body));
	struct probe *p, *tail, *q;

	body->kind = N_BLOCK;
	p = script_probe_new(&s, provider_find("t"), NULL, "sched/a", l, NULL,
			     body);
	tail = script_probe_new(&s, provider_find("END"), NULL, "", l, NULL,
				NULL);
	p->next = tail;
	p->priv = p;
	p->prog_type = 5;
	p->child_only = true;
	s.probes = p;
	s.nprobes = 2;
	q = provider_probe_dup(&s, p, p, "sched/b");
	ck_assert_ptr_eq(p->next, q);
	ck_assert_ptr_eq(q->next, tail);
	ck_assert_uint_eq(s.nprobes, 3);
	ck_assert_str_eq(q->target, "sched/b");
	ck_assert_ptr_eq(q->prov, p->prov);
	ck_assert_uint_eq(q->loc.line, 3);
	ck_assert_ptr_null(q->priv);
	ck_assert_int_eq(q->prog_type, 5);
	ck_assert(q->child_only);
	ck_assert_ptr_nonnull(q->body);
	ck_assert_ptr_ne(q->body, p->body);
	ck_assert_int_eq(q->body->kind, N_BLOCK);
	arena_free(s.arena);
}
END_TEST

/* The lookup only looks: the configured directory wins, else a mounted
 * one, else the default place; nothing is mounted for a configured one. */
START_TEST(test_tracefs)
{
	struct host h = { .tracefs = "/some/fixture" };
	const char *found;

	ck_assert_str_eq(provider_tracefs(&h), "/some/fixture");
	ck_assert_int_eq(provider_mount_tracefs(&h), 0);
	found = provider_tracefs(NULL);
	ck_assert_msg(!strcmp(found, "/sys/kernel/tracing") ||
		      !strcmp(found, "/sys/kernel/debug/tracing"), "%s", found);
}
END_TEST

START_TEST(test_check_line)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	ck_assert_ptr_nonnull(f);
	provider_check(f, "tracefs", 0, NULL);
	provider_check(f, "kprobe PMU", -ENOENT, "kprobes unavailable");
	provider_check(f, "x", EPERM, NULL);
	fclose(f);
	ck_assert_str_eq(buf,
		"  tracefs                          ok\n"
		"  kprobe PMU                       missing (No such file or "
		"directory): kprobes unavailable\n"
		"  x                                missing (Operation not "
		"permitted)\n");
	free(buf);
}
END_TEST

START_TEST(test_online_cpus)
{
	int cpus[4096];
	int n = provider_online_cpus(cpus, 4096);

	ck_assert_int_gt(n, 0);
	for (int i = 1; i < n; i++)
		ck_assert_int_gt(cpus[i], cpus[i - 1]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("provider");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_find);
	tcase_add_test(tc, test_contract);
	tcase_add_test(tc, test_rates);
	tcase_add_test(tc, test_regs_resolve);
	tcase_add_test(tc, test_probe_dup);
	tcase_add_test(tc, test_tracefs);
	tcase_add_test(tc, test_check_line);
	tcase_add_test(tc, test_online_cpus);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
