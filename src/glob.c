/* glob.c - shell globs on names: provider targets, BTF function names.
 *
 * Input: a pattern and a name.  Output: whether they match, as fnmatch(3)
 * says (see glob.h).
 */
#include <stddef.h>

#include "glob.h"

/* The [set] at @p (just after '[') against @c: 1 matches, 0 does not, -1
 * malformed (no closing ']': the '[' is then literal).  *@end is set past
 * the ']'. */
static int glob_set(const char *p, char c, bool pathname, const char **end)
{
	bool neg = false, hit = false, first = true;

	if (*p == '!' || *p == '^') {
		neg = true;
		p++;
	}
	/* a ']' first in the set is one of its characters */
	for (; first || *p != ']'; first = false) {
		unsigned char lo, hi;

		if (!*p)
			return -1;
		if (*p == '\\' && p[1])
			p++;
		lo = hi = (unsigned char)*p++;
		if (p[0] == '-' && p[1] && p[1] != ']') {
			p++;
			if (*p == '\\' && p[1])
				p++;
			hi = (unsigned char)*p++;
		}
		if ((unsigned char)c >= lo && (unsigned char)c <= hi)
			hit = true;
	}
	*end = p + 1;
	if (pathname && c == '/')
		return 0;
	return hit != neg;
}

bool glob_match(const char *pat, const char *s, bool pathname)
{
	const char *star_p = NULL, *star_s = NULL, *end;
	int r;

	while (*s) {
		switch (*pat) {
		case '*':
			while (*pat == '*')
				pat++;
			/* on a mismatch, give the star one more character */
			star_p = pat;
			star_s = s;
			continue;
		case '?':
			if (pathname && *s == '/')
				break;
			pat++;
			s++;
			continue;
		case '[':
			r = glob_set(pat + 1, *s, pathname, &end);
			if (r < 0) {
				if (*s != '[')
					break;
				pat++;
				s++;
				continue;
			}
			if (!r)
				break;
			pat = end;
			s++;
			continue;
		case '\\':
			/* a trailing backslash matches nothing, as in
			 * fnmatch(3) */
			if (!pat[1])
				break;
			pat++;
			/* fall through */
		default:
			if (*pat != *s)
				break;
			pat++;
			s++;
			continue;
		}
		/* a mismatch: back to the last star, unless none, or it would
		 * have to take a '/' */
		if (!star_p || (pathname && *star_s == '/'))
			return false;
		pat = star_p;
		s = ++star_s;
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}

static char glob_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool glob_caseeq(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (glob_lower(*a) != glob_lower(*b))
			return false;
		if (!*a)
			break;
	}
	return true;
}
