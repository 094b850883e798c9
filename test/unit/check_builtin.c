/* check_builtin.c - the builtin table: every row well-formed, lookups,
 * provider restrictions and the --help section built from it. */
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "provider.h"
#include "unit.h"

/* Each kind has the hooks its callers rely on (sema calls `check` for
 * every non-variable and `type` or `check` for variables; lowering calls
 * the hook of the kind), and names are unique across names and aliases. */
START_TEST(test_rows)
{
	const struct builtin *const *b, *const *c;
	const char *const *al;
	unsigned vars_done = 0, n = 0;

	for (b = builtins; *b; b++, n++) {
		const struct builtin *r = *b;

		ck_assert_msg(r->name && *r->name, "row %u has a name", n);
		ck_assert_msg(r->help && *r->help, "%s has a help line",
			      r->name);
		/* a variable and a function may share a name (time and
		 * time(fmt)); calls find the function */
		ck_assert_ptr_eq(r->kind == BK_VAR ? builtin_find(r->name) :
				 builtin_find_call(r->name), r);
		for (al = r->aliases; al && *al; al++)
			ck_assert_ptr_eq(r->kind == BK_VAR ? builtin_find(*al) :
					 builtin_find_call(*al), r);
		for (c = b + 1; *c; c++)
			ck_assert_msg(strcmp((*c)->name, r->name) ||
				      ((*c)->kind == BK_VAR) !=
				      (r->kind == BK_VAR),
				      "%s listed twice", r->name);
		switch (r->kind) {
		case BK_VAR:
			/* variables first: --help and suggestions */
			ck_assert_msg(!vars_done, "%s after a function",
				      r->name);
			ck_assert_msg(r->type || r->check, "%s is typed",
				      r->name);
			ck_assert_msg(!r->lower_int != !r->lower_into,
				      "%s: one of lower_int, lower_into",
				      r->name);
			ck_assert_int_eq(r->min_args, 0);
			ck_assert_int_eq(r->max_args, 0);
			break;
		case BK_FUNC:
			vars_done = 1;
			ck_assert_msg(r->check, "%s has check", r->name);
			ck_assert_msg(!r->lower_int != !r->lower_into,
				      "%s: one of lower_int, lower_into",
				      r->name);
			ck_assert_msg(r->usage, "%s has a usage", r->name);
			break;
		case BK_AGG:
			vars_done = 1;
			ck_assert_msg(r->check && r->lower_agg,
				      "%s: check and lower_agg", r->name);
			ck_assert_msg(r->map_kind != MAP_PLAIN &&
				      r->map_kind < MAP_EVENTS,
				      "%s makes an aggregation map", r->name);
			break;
		case BK_EVENT:
			vars_done = 1;
			ck_assert_msg(r->check && r->lower_stmt,
				      "%s: check and lower_stmt", r->name);
			break;
		}
		ck_assert_msg(r->max_args < 0 || r->max_args >= r->min_args,
			      "%s: argument counts", r->name);
	}
	ck_assert_uint_ge(n, 21);
	ck_assert_ptr_null(builtin_find("nosuch"));
	ck_assert_ptr_eq(builtin_find("tid"), builtin_find("kpid"));
	ck_assert_ptr_eq(builtin_find("comm"), &builtin_comm);
	ck_assert_ptr_eq(builtin_find("strcmp"), &builtin_strcmp);
	/* `time` is spry's clock, `time(fmt)` bpftrace's print */
	ck_assert_int_eq(builtin_find("time")->kind, BK_VAR);
	ck_assert_int_eq(builtin_find_call("time")->kind, BK_EVENT);
	ck_assert_int_eq(builtin_find_call("kstack")->kind, BK_FUNC);
	ck_assert_ptr_eq(builtin_find_call("pid"), builtin_find("pid"));
}
END_TEST

START_TEST(test_allowed)
{
	static const struct provider a = { .name = "a" }, b = { .name = "b" };
	const struct provider *const only_a[] = { &a, NULL };
	struct builtin r = { .name = "r", .providers = only_a };

	ck_assert(builtin_allowed(&r, &a));
	ck_assert(!builtin_allowed(&r, &b));
	r.providers = NULL;
	ck_assert(builtin_allowed(&r, &b));
	ck_assert(builtin_allowed(builtin_find("pid"), provider_find("BEGIN")));
}
END_TEST

/* --help: one line per row, usage (or name) and aliases, then the help. */
START_TEST(test_help)
{
	const struct builtin *const *b;
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	ck_assert_ptr_nonnull(f);
	builtin_help(f);
	fclose(f);
	for (b = builtins; *b; b++)
		ck_assert_msg(strstr(buf, (*b)->help), "%s in --help",
			      (*b)->name);
	ck_assert_ptr_nonnull(strstr(buf, "  kpid, tid "));
	ck_assert_ptr_nonnull(strstr(buf, "  str(p[, n]) "));
	ck_assert_ptr_nonnull(strstr(buf, "  bswap(x) "));
	free(buf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("builtin");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_rows);
	tcase_add_test(tc, test_allowed);
	tcase_add_test(tc, test_help);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
