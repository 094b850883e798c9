/* ast.h - the syntax tree: what the user wrote, nothing more.
 *
 * The parser builds it; the semantic pass annotates it (the fields under
 * "sema" below) but never rewrites it; lowering desugars while it walks it.
 * Operators are enums, never strings.  Every node has the location of the
 * token that made it (for binary operators: the operator token).
 *
 * Grammar (the parser writes each rule above its function):
 *
 *   script    = probe+
 *   probe     = spec ("," spec)* ("/" expr "/")? (block | if_stmt)
 *   spec      = NAME (":" SPECTEXT)?        e.g. tracepoint:syscalls/sys_enter_openat
 *   block     = "{" stmt* "}"
 *   stmt      = block | if_stmt | "delete" map ";" | assign ";" | expr ";" | ";"
 *   if_stmt   = "if" "(" expr ")" stmt ("else" stmt)?
 *   assign    = (map | IDENT) "=" expr
 *   map       = "@" NAME? ("[" args "]")? | IDENT "[" args "]"
 *   expr      = ternary, binary operators with C's precedence, unary ! ~ - *,
 *               postfix [ ] -> . ( )
 */
#ifndef SPRY_AST_H
#define SPRY_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"

struct arena;
struct type;
struct map;
struct pvar;
struct builtin;

enum node_kind {
	/* expressions */
	N_NUM,		/* num; integer or char literal */
	N_STR,		/* str/len: string literal, escapes decoded */
	N_IDENT,	/* name: builtin or provider variable, or keyless plain map */
	N_MAP,		/* name ("@foo", or "@" for the anonymous map); args = keys
			 * (NULL: keyless).  Only @-maps parse to N_MAP; `foo[k]`
			 * parses as N_INDEX and sema decides what it is. */
	N_UNARY,	/* op (enum unop), lhs */
	N_BINARY,	/* op (enum binop), lhs, rhs; && and || are binops too */
	N_COND,		/* cond ? lhs : rhs */
	N_MEMBER,	/* lhs->name (arrow) or lhs.name */
	N_INDEX,	/* lhs[args]: array/pointer index (one arg) or, when lhs is
			 * an N_IDENT that names no variable, a plain map read */
	N_CALL,		/* name(args) */

	/* statements */
	N_BLOCK,	/* body: statement list */
	N_IF,		/* if (cond) lhs else rhs (rhs may be NULL) */
	N_EXPR,		/* lhs; */
	N_ASSIGN,	/* lhs = rhs; lhs is N_MAP, N_INDEX (plain map) or N_IDENT */
	N_DELETE,	/* delete lhs; lhs is N_MAP or N_INDEX */

	N_PROBE,	/* specs, pred (may be NULL), body (a statement) */
};

enum unop {
	U_NEG,		/* -x */
	U_NOT,		/* !x */
	U_BNOT,		/* ~x */
	U_DEREF,	/* *p */
};

enum binop {
	B_MUL, B_DIV, B_MOD,
	B_ADD, B_SUB,
	B_SHL, B_SHR,
	B_LT, B_LE, B_GT, B_GE,
	B_EQ, B_NE,
	B_AND, B_XOR, B_OR,
	B_LAND, B_LOR,
};

/* One probe specifier as written: "kprobe:vfs_*", "t:sched/sched_switch",
 * "BEGIN".  The provider part is split off by the parser. */
struct spec {
	struct spec *next;
	struct loc loc;		/* the whole specifier */
	const char *provider;	/* "kprobe", "t", "BEGIN" as written */
	const char *target;	/* text after the first ':', "" when none */
};

struct node {
	enum node_kind kind;
	struct loc loc;
	struct node *next;	/* next in a statement, argument, key or probe list */

	int op;			/* enum unop / enum binop */
	struct node *lhs, *rhs, *cond;
	struct node *args;	/* call arguments, map keys, index */
	struct node *body;	/* N_BLOCK statements; N_PROBE body */
	const char *name;	/* N_IDENT, N_MAP, N_MEMBER, N_CALL */
	uint64_t num;		/* N_NUM */
	bool is_char;		/* N_NUM written as a character literal: type_char */
	const char *str;	/* N_STR bytes (may contain NUL), NUL-terminated */
	unsigned len;		/* N_STR length without the terminator */
	bool arrow;		/* N_MEMBER: -> rather than . */
	struct spec *specs;	/* N_PROBE */
	struct node *pred;	/* N_PROBE predicate */

	/* --- filled by sema --- */
	const struct type *type;	/* every expression */
	struct map *map;		/* N_MAP, N_INDEX/N_IDENT naming a map,
					 * map-valued call args (clear/print) */
	const struct builtin *builtin;	/* N_IDENT/N_CALL: its row (builtin.h),
					 * NULL = none */
	const struct pvar *pvar;	/* N_IDENT or N_MEMBER that is a provider
					 * variable (see provider.h) */
	bool is_const;			/* folded: value in cval */
	int64_t cval;
};

/* parse.c: parse a whole script.  Returns the probe list (N_PROBE nodes linked
 * by next) or NULL after reporting every syntax error found to @d (the parser
 * recovers at ';' and '}' to report more than one). */
struct node *parse_script(struct arena *a, const struct source *src,
			  struct diag *d);

/* Parse one expression (tests and -e helpers).  NULL on error. */
struct node *parse_expr_text(struct arena *a, const struct source *src,
			     struct diag *d);

/* ast.c */
struct node *ast_clone(struct arena *a, const struct node *n);	/* deep, with next */
/* The one walk over a tree: @fn sees @n and every node after it on its next
 * list, each before its children (cond, pred, lhs, rhs, args, body, in that
 * order, depth first).  A nonzero return from @fn ends the walk and is
 * returned; 0 when every node was seen.  Passes that need to know every
 * node of a kind (sema's checks, lowering's counts) use it rather than
 * listing the child fields themselves. */
typedef int (*ast_visit_fn)(const struct node *n, void *ctx);
int ast_visit(const struct node *n, ast_visit_fn fn, void *ctx);
/* -S output: @n and every node after it on its next list, one node per line,
 * children two spaces deeper; @indent counts levels of two spaces.  After sema
 * a typed node ends in " :type" (type_name()).  Format: see ast.c. */
void ast_dump(FILE *out, const struct node *n, int indent);
const char *binop_str(enum binop op);	/* "+", "&&", ... */
const char *unop_str(enum unop op);

#endif
