/* glob.h - shell globs on names.
 *
 * glob_match() is fnmatch(3) for what spry matches (tracepoint, kprobe,
 * uprobe and USDT targets, BTF function names): * ? [set] [!set] [^set]
 * ranges and backslash escapes; with @pathname, as FNM_PATHNAME, only a
 * literal '/' matches a '/'.  Not fnmatch() itself, which brings glibc's
 * locale collation and wide-character tables into a static spry: 40 KB
 * for plain ASCII names.  check_glob.c holds it to fnmatch(3)'s answers.
 *
 * glob_caseeq() is strncasecmp(@a, @b, @n) == 0 in the C locale (spry's):
 * glibc's strncasecmp() links five copies, one per vector extension, 25 KB.
 */
#ifndef SPRY_GLOB_H
#define SPRY_GLOB_H

#include <stdbool.h>
#include <stddef.h>

bool glob_match(const char *pat, const char *name, bool pathname);
bool glob_caseeq(const char *a, const char *b, size_t n);

#endif
