/* check_glob.c - glob_match() on a table of patterns and names, with
 * fnmatch(3) as the oracle; glob_caseeq() with strncasecmp(3). */
#include <fnmatch.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "glob.h"
#include "unit.h"

/* glob_match() against fnmatch(3), the oracle, on every pattern of
 * a table with every name, with and without FNM_PATHNAME. */
START_TEST(test_against_fnmatch)
{
	static const char *const pats[] = {
		"*", "", "a", "a*", "*a", "*a*", "a?c", "?", "??", "[abc]",
		"[!abc]", "[^abc]", "[a-c]x", "[]]", "[]a]*", "[!]]", "[a-]",
		"[", "[abc", "a[", "\\*", "\\?x", "a\\", "*/*", "sys*/*",
		"syscalls/sys_enter_*", "syscalls/sys_e*", "*/sys_enter_open*",
		"syscalls/*open*", "s*s/*", "tcp_*", "*_rcv*", "a*b*c", "**a",
		"*[0-9]", "[[:x]", "ab*/c?d", "x*y*z*", "*?", "?*?",
	};
	static const char *const names[] = {
		"", "a", "b", "ab", "abc", "aXc", "ac", "x", "]", "]x", "-",
		"a-", "[", "[abc", "a[", "*", "?x", "a\\", "bx", "cx", "dx",
		"syscalls/sys_enter_openat", "syscalls/sys_exit_read",
		"sched/sched_switch", "a/b", "/", "a/", "/a", "tcp_v4_rcv",
		"tcp_rcv_established", "abbbc", "aXbYc", "7", "x7", "ab/cxd",
		"xyz", "xyyz", "sys/x/y", "[x", "x:",
	};
	unsigned i, j;
	int pathname;

	for (pathname = 0; pathname < 2; pathname++)
		for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++)
			for (j = 0; j < sizeof(names) / sizeof(names[0]); j++) {
				bool want = !fnmatch(pats[i], names[j],
						     pathname ? FNM_PATHNAME : 0);

				ck_assert_msg(glob_match(pats[i],
						names[j], pathname) == want,
					      "'%s' on '%s'%s: fnmatch says %d",
					      pats[i], names[j],
					      pathname ? " (pathname)" : "",
					      want);
			}
}
END_TEST

/* glob_caseeq() against strncasecmp(3) in the C locale */
START_TEST(test_caseeq)
{
	static const char *const words[] = {
		"", "a", "A", "ab", "aB", "Ab", "ull", "ULL", "uLl", "llu",
		"Hz", "hz", "HZ", "ms", "MS", "m", "[", "{", "@", "`", "z",
		"Z", "ns\0x",
	};
	unsigned i, j;
	size_t n;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		for (j = 0; j < sizeof(words) / sizeof(words[0]); j++)
			for (n = 0; n < 5; n++)
				ck_assert_msg(glob_caseeq(words[i], words[j], n) ==
					      !strncasecmp(words[i], words[j], n),
					      "'%s' '%s' %zu", words[i],
					      words[j], n);
}
END_TEST

static Suite *glob_suite(void)
{
	Suite *s = suite_create("glob");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_against_fnmatch);
	tcase_add_test(tc, test_caseeq);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(glob_suite());
}
