/* check_diag.c - diagnostics (diag.c): the message formats with and
 * without a location, the quoted line and its caret (tabs, long lines,
 * multi-byte characters, a location past the text), counters, plain
 * messages, location spans and "did you mean". */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "unit.h"

static struct loc at(const struct source *src, unsigned line, unsigned col,
		     unsigned len)
{
	struct loc l = { .src = src, .line = line, .col = col, .len = len };

	return l;
}

START_TEST(test_error_with_location)
{
	struct source src = unit_source("BEGIN {\n\tx = nosuch;\n}\n");
	struct unit_diag u;
	struct loc l = at(&src, 2, 6, 6);

	unit_diag_open(&u);
	diag_error(&u.d, &l, "unknown identifier '%s'", "nosuch");
	ck_assert_str_eq(unit_diag_text(&u),
		"<test>:2:6: error: unknown identifier 'nosuch'\n"
		"\tx = nosuch;\n"
		"\t    ^~~~~~\n");
	ck_assert_uint_eq(u.d.errors, 1);
	ck_assert_uint_eq(u.d.warnings, 0);
	unit_diag_close(&u);
}
END_TEST

START_TEST(test_kinds_without_location)
{
	struct unit_diag u;

	unit_diag_open(&u);
	diag_error(&u.d, NULL, "no program given");
	diag_warn(&u.d, NULL, "map %s is full", "@m");
	diag_note(&u.d, NULL, "verifier: %d", 7);
	diag_info(&u.d, "%d events lost", 3);
	ck_assert_str_eq(unit_diag_text(&u),
		"spry: error: no program given\n"
		"spry: warning: map @m is full\n"
		"spry: note: verifier: 7\n"
		"spry: 3 events lost\n");
	ck_assert_uint_eq(u.d.errors, 1);
	ck_assert_uint_eq(u.d.warnings, 1);
	unit_diag_close(&u);
}
END_TEST

/* A location with no source (the command line) prints as none. */
START_TEST(test_loc_without_source)
{
	struct unit_diag u;
	struct loc l = { .line = 4, .col = 2, .len = 1 };

	unit_diag_open(&u);
	diag_error(&u.d, &l, "x");
	ck_assert_str_eq(unit_diag_text(&u), "spry: error: x\n");
	unit_diag_close(&u);
}
END_TEST

/* Past the text (a corrupt location) no line is quoted; a caret at the
 * end of a line still points there; control bytes show as blanks. */
START_TEST(test_line_edges)
{
	struct source src = unit_source("a\r\nbc");
	struct unit_diag u;
	struct loc past = at(&src, 9, 1, 1), end = at(&src, 2, 3, 4);

	unit_diag_open(&u);
	diag_error(&u.d, &past, "far");
	diag_error(&u.d, &end, "end");
	ck_assert_str_eq(unit_diag_text(&u),
		"<test>:9:1: error: far\n"
		"<test>:2:3: error: end\n"
		"bc\n"
		"  ^\n");
	unit_diag_close(&u);
}
END_TEST

/* Long lines are cut around the column, "..." on either side. */
START_TEST(test_long_line)
{
	char text[1200];
	struct source src;
	struct unit_diag u;
	struct loc l;
	const char *out, *nl;

	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	memcpy(text + 900, "HERE", 4);
	src = unit_source(text);
	l = at(&src, 1, 901, 4);
	unit_diag_open(&u);
	diag_error(&u.d, &l, "deep");
	out = unit_diag_text(&u);
	nl = strchr(out, '\n');
	ck_assert_ptr_nonnull(nl);
	ck_assert(!strncmp(nl + 1, "...", 3));
	ck_assert_ptr_nonnull(strstr(nl, "HERE"));
	ck_assert_ptr_nonnull(strstr(nl, "...\n"));
	ck_assert_ptr_nonnull(strstr(nl, "^~~~\n"));
	/* the caret is under H */
	ck_assert_int_eq(strchr(strchr(nl + 1, '\n') + 1, '^') -
			 (strchr(nl + 1, '\n') + 1),
			 strstr(nl + 1, "HERE") - (nl + 1));
	unit_diag_close(&u);
}
END_TEST

/* Multi-byte characters take one column under the caret. */
START_TEST(test_utf8)
{
	struct source src = unit_source("\"héllo\" + x");
	struct unit_diag u;
	struct loc l = at(&src, 1, 11, 1);	/* byte column of x */

	unit_diag_open(&u);
	diag_error(&u.d, &l, "x");
	ck_assert_str_eq(unit_diag_text(&u),
		"<test>:1:11: error: x\n"
		"\"héllo\" + x\n"
		"         ^\n");
	unit_diag_close(&u);
}
END_TEST

START_TEST(test_span)
{
	struct source src = unit_source("abc + defg\nnext line");
	struct loc a = at(&src, 1, 1, 3), b = at(&src, 1, 7, 4);
	struct loc c = at(&src, 2, 1, 4), none = { 0 }, r;

	r = loc_span(a, b);
	ck_assert_uint_eq(r.col, 1);
	ck_assert_uint_eq(r.len, 10);
	r = loc_span(a, c);	/* across lines: bytes up to c's end */
	ck_assert_uint_eq(r.line, 1);
	ck_assert_uint_eq(r.len, 15);
	r = loc_span(none, b);
	ck_assert_uint_eq(r.col, 7);
	r = loc_span(a, none);
	ck_assert_uint_eq(r.len, 3);
}
END_TEST

START_TEST(test_suggest)
{
	static const char *const names[] = { "pid", "kpid", "comm", "time",
					     "walltime" };
	struct suggest sg;
	unsigned i;

	suggest_init(&sg, "cmm");
	for (i = 0; i < 5; i++)
		suggest_try(&sg, names[i]);
	ck_assert_str_eq(suggest_best(&sg), "comm");

	/* one edit is the limit for short names */
	suggest_init(&sg, "xy");
	for (i = 0; i < 5; i++)
		suggest_try(&sg, names[i]);
	ck_assert_ptr_null(suggest_best(&sg));

	/* two for names up to eleven; the first of a tie wins */
	suggest_init(&sg, "walltme");
	suggest_try(&sg, "walltime");
	suggest_try(&sg, "wallltme");
	ck_assert_str_eq(suggest_best(&sg), "walltime");

	/* the name itself is no suggestion */
	suggest_init(&sg, "pid");
	suggest_try(&sg, "pid");
	ck_assert_ptr_null(suggest_best(&sg));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_error_with_location);
	tcase_add_test(tc, test_kinds_without_location);
	tcase_add_test(tc, test_loc_without_source);
	tcase_add_test(tc, test_line_edges);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_utf8);
	tcase_add_test(tc, test_span);
	tcase_add_test(tc, test_suggest);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
