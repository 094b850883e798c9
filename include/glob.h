/* glob.h - shell globs on names.
 *
 * glob_match() is fnmatch(3) for what spry matches (tracepoint, kprobe,
 * uprobe and USDT targets, BTF function names): * ? [set] [!set] [^set]
 * ranges and backslash escapes; with @pathname, as FNM_PATHNAME, only a
 * literal '/' matches a '/'.  Not fnmatch() itself, which brings glibc's
 * locale collation and wide-character tables into a static spry: 40 KB
 * for plain ASCII names.  check_glob.c holds it to fnmatch(3)'s answers.
 */
#ifndef SPRY_GLOB_H
#define SPRY_GLOB_H

#include <stdbool.h>

bool glob_match(const char *pat, const char *name, bool pathname);

#endif
