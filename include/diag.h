/* diag.h - source locations and user-facing diagnostics.
 *
 * Every token, AST node, IR instruction and emitted BPF instruction carries a
 * struct loc.  A problem is reported once, where it is found, through one
 * struct diag:
 *
 *   prog.spry:3:14: error: unknown field 'fielname' in struct sys_enter_openat
 *       printf("%s\n", str(data->fielname));
 *                                  ^~~~~~~~
 */
#ifndef SPRY_DIAG_H
#define SPRY_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A script's text.  `name` is the file name, or "<program>" / "<-e>" for
 * program text given on the command line. */
struct source {
	const char *name;
	const char *text;	/* NUL-terminated */
	size_t len;
};

struct loc {
	const struct source *src;	/* NULL: no location (command line, kernel) */
	unsigned line, col;		/* 1-based */
	unsigned len;			/* characters underlined, at least 1 */
};

struct diag {
	FILE *out;		/* stderr unless a test redirects it */
	unsigned errors;
	unsigned warnings;
	bool color;
};

void diag_init(struct diag *d, FILE *out);

/* "file:line:col: error: msg", the source line and a caret.  @loc may be NULL
 * (or have no src), then only "spry: error: msg" is printed. */
void diag_error(struct diag *d, const struct loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_warn(struct diag *d, const struct loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A message that is neither (the runtime's "spry: 3 events lost"):
 * "spry: msg". */
void diag_info(struct diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A note follows an error or warning: "file:line:col: note: msg". */
void diag_note(struct diag *d, const struct loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_verror(struct diag *d, const struct loc *loc, const char *fmt,
		 va_list ap);

/* Smallest location covering @a and @b (same source, @a first). */
struct loc loc_span(struct loc a, struct loc b);

/* "Did you mean": offer every candidate to suggest_try(); suggest_best() is
 * the closest one if it is a typo away (one edit for names of up to three
 * characters, two up to eleven, three beyond), else NULL.  On a tie the
 * first candidate offered wins. */
struct suggest {
	const char *name;
	const char *best;
	unsigned dist;
};
void suggest_init(struct suggest *sg, const char *name);
void suggest_try(struct suggest *sg, const char *cand);
const char *suggest_best(const struct suggest *sg);

#endif
