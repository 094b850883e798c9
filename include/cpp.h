/* cpp.h - the preprocessor: #include, #define NAME integer, conditionals;
 * and the built-in table of uapi constants (AF_INET, O_RDONLY, ...).
 *
 * bpftrace scripts carry C preprocessor lines, mostly to pick kernel
 * headers, and bpftrace predefines BPFTRACE_HAVE_BTF for scripts that also
 * run without BTF.  spry reads no header ever: its kernel types come from
 * BTF, so `#include` is accepted and noted, nothing more, and
 * BPFTRACE_HAVE_BTF is always defined (the other branch would need the
 * headers spry never reads).  What headers would have given besides types,
 * the macros tools use that BTF lacks (BTF has enums, not #defines), is a
 * small built-in table with its sources named (uapi.c).
 *
 * Input: the script's source.  Output: a source of the same length in which
 * every directive line and every line a conditional leaves out is blanked
 * (spaces; newlines kept), so the lexer sees only what is in force and
 * every location after this pass is the one the user wrote; and the
 * macros defined.  Macros are not substituted in the text: a name in the
 * script that a #define gave a value is resolved by sema like any other
 * name, so the AST stays what the user wrote.
 *
 * Directives: #include <f> / "f"; #define NAME, #define NAME integer
 * expression (other macros allowed), #undef NAME; #if EXPR, #ifdef NAME,
 * #ifndef NAME, #elif EXPR, #else, #endif, where EXPR is a C integer
 * constant expression with defined(NAME) / defined NAME (unknown names are
 * 0, as in C); #error text.  Function-like macros, string values and other
 * directives are errors that say so.  A '#' starts a directive only first
 * on a line (after blanks) and outside comments; a first-line "#!" is the
 * lexer's.
 */
#ifndef SPRY_CPP_H
#define SPRY_CPP_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"

struct arena;

struct macro {
	struct macro *next;
	const char *name;
	struct loc loc;		/* the name in its #define; no src: built in */
	bool has_value;		/* false: "#define NAME" alone, defined only */
	int64_t value;
};

struct cpp_include {
	struct cpp_include *next;
	const char *path;	/* as written between <> or "" */
	struct loc loc;
};

struct cpp {
	struct source src;		/* blanked as above */
	struct macro *macros;		/* in force at the end, newest first */
	struct cpp_include *includes;	/* in order */
	const char *arch;		/* for the arch-dependent uapi values */
};

/* Preprocess @in for the architecture named @arch ("x86_64").  0, or
 * -EINVAL after reporting every problem to @d.  Without a directive in
 * @in, out->src is @in's text itself (no copy). */
int cpp_run(struct arena *a, const struct source *in, const char *arch,
	    struct cpp *out, struct diag *d);

/* The value of macro @name: the script's #defines, then the built-in
 * table.  0 with *@value; -ENOENT when neither defines it; -ENODATA when
 * the script defines it without a value (@m, if not NULL, gets the
 * script's macro in both those cases). */
int cpp_macro(const struct cpp *c, const char *name, int64_t *value,
	      const struct macro **m);

/* uapi.c: the built-in table.  0 with the value and the header it comes
 * from (@source may be NULL), or -ENOENT. */
int uapi_lookup(const char *name, const char *arch, int64_t *value,
		const char **source);
/* Every name in the table, for "did you mean": @fn per name. */
void uapi_names(void (*fn)(void *ctx, const char *name), void *ctx);

#endif
