/* ast.h - the syntax tree: what the user wrote, nothing more.
 *
 * The parser builds it; the semantic pass annotates it (the fields under
 * "sema" below) but never rewrites it; lowering desugars while it walks it.
 * Operators are enums, never strings.  Every node has the location of the
 * token that made it (for binary operators: the operator token).
 *
 * Grammar (the parser writes each rule above its function):
 *
 *   script    = (cdef | probe)+
 *   probe     = spec ("," spec)* ("/" expr "/")? (block | if_stmt)
 *   spec      = NAME (":" SPECTEXT)?        e.g. tracepoint:syscalls/sys_enter_openat
 *   block     = "{" stmt* "}"
 *   stmt      = block | if_stmt | while | unroll | jump ";"
 *             | "delete" map ";" | assign ";" | expr ";" | ";"
 *   if_stmt   = "if" "(" expr ")" stmt ("else" stmt)?
 *   while     = "while" "(" expr ")" stmt
 *   unroll    = "unroll" "(" expr ")" stmt
 *   jump      = "break" | "continue" | "return"
 *   assign    = lvalue ("=" | "+=" | "-=" | "*=" | "/=" | "%=" | "&="
 *                       | "|=" | "^=" | "<<=" | ">>=") expr
 *   lvalue    = map | IDENT | VAR
 *   map       = "@" NAME? ("[" args "]")? | IDENT "[" args "]"
 *   expr      = ternary, binary operators with C's precedence, unary ! ~ - *
 *               and prefix ++ --, postfix [ ] -> . .N ( ) ++ --; primaries
 *               include VAR ($x), $N, $#, and tuples (a, b, ...)
 *   unary    += "(" type_name ")" unary | "&" unary
 *             | "sizeof" ("(" type_name ")" | unary)
 *             | "offsetof" "(" type_name "," IDENT ("." IDENT)* ")"
 *
 * C types, as in C (casts, sizeof, offsetof, definitions before or between
 * the probes; see struct ctype):
 *
 *   cdef      = "typedef" cspec declarator ("," declarator)* ";" | cspec ";"
 *   cspec     = qual* (record | enum | WORD+ | NAME) qual*
 *               WORD: void char short int long signed unsigned _Bool bool;
 *               NAME: int8..uint64, u8..s64, a typedef (the script's, or a
 *               kernel one, found in BTF by sema)
 *   record    = ("struct" | "union") IDENT? ("{" field* "}")?
 *   field     = cspec (member ("," member)*)? ";"   member = declarator (":" expr)?
 *   enum      = "enum" IDENT? ("{" enumerator ("," enumerator)* ","? "}")?
 *   enumerator = IDENT ("=" expr)?
 *   declarator = "*" qual* declarator | (IDENT | "(" declarator ")")? suffix*
 *   suffix    = "[" expr? "]" | "(" params ")"
 *   params    = "void" | (param ("," param)* ("," "...")?)? | "..."
 *   param     = cspec declarator
 *   type_name = cspec declarator      (abstract: no name)
 */
#ifndef SPRY_AST_H
#define SPRY_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct arena;
struct type;
struct map;
struct pvar;
struct builtin;
struct var;

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
	/* bpftrace's expressions */
	N_VAR,		/* name: a scratch variable, "$x" */
	N_POSITIONAL,	/* num: $N, a positional parameter (N >= 0) */
	N_PARAMCOUNT,	/* $#: how many positional parameters there are */
	N_INCDEC,	/* op (enum incdec) lhs: ++x, x++, --x, x-- */
	N_TUPLE,	/* (args): two or more elements */
	N_TUPLE_INDEX,	/* lhs.num: a tuple's element */
	N_CAST,		/* (ctype) lhs */
	N_SIZEOF,	/* sizeof(ctype), or sizeof lhs (an expression; a lone
			 * name may be a typedef: sema decides) */
	N_OFFSETOF,	/* offsetof(ctype, path): args = N_IDENT per member */

	/* statements */
	N_BLOCK,	/* body: statement list */
	N_IF,		/* if (cond) lhs else rhs (rhs may be NULL) */
	N_EXPR,		/* lhs; */
	N_ASSIGN,	/* lhs = rhs; lhs is N_MAP, N_INDEX (plain map) or N_IDENT */
	N_DELETE,	/* delete lhs; lhs is N_MAP or N_INDEX */
	/* bpftrace's statements */
	N_OPASSIGN,	/* lhs op= rhs (op: enum binop); lhs as N_ASSIGN's */
	N_WHILE,	/* while (cond) lhs */
	N_UNROLL,	/* unroll (cond) lhs: cond is the count */
	N_BREAK,
	N_CONTINUE,
	N_RETURN,

	N_PROBE,	/* specs, pred (may be NULL), body (a statement) */
	N_CDEF,		/* a C definition at the top level: ctype is the spec
			 * (a struct, union or enum, maybe with its body);
			 * with is_typedef, decls are the names it defines */
};

enum unop {
	U_NEG,		/* -x */
	U_NOT,		/* !x */
	U_BNOT,		/* ~x */
	U_DEREF,	/* *p */
	U_ADDR,		/* &x: of a member, an index or a dereference */
};

enum incdec {
	ID_PREINC,	/* ++x */
	ID_PREDEC,	/* --x */
	ID_POSTINC,	/* x++ */
	ID_POSTDEC,	/* x-- */
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

/* ---- C types as written ----
 * A type is a chain from what the user sees first to its base: `char
 * *argv[4]` is CT_ARRAY(4) of CT_PTR of CT_NAME "char".  Names are not
 * resolved here (a kernel typedef is only known from BTF, which the parser
 * never reads); sema does that. */
enum ctype_kind {
	CT_NAME,	/* the base: tag + name, C words, or a type name */
	CT_PTR,		/* of */
	CT_ARRAY,	/* of, len */
	CT_FUNC,	/* of (the return type), params, variadic */
};

enum ctype_tag {
	CTAG_NONE,	/* name: C words made canonical ("unsigned int",
			 * "long long", "signed char"), or a type name ("u32",
			 * "pid_t") */
	CTAG_STRUCT,	/* name: the tag, NULL when anonymous */
	CTAG_UNION,
	CTAG_ENUM,
};

struct cdecl;
struct cenum;

struct ctype {
	enum ctype_kind kind;
	struct loc loc;		/* CT_NAME: the specifier ("struct sock");
				 * derived: the whole type name */
	struct ctype *of;	/* CT_PTR, CT_ARRAY, CT_FUNC */
	struct node *len;	/* CT_ARRAY: constant expression; NULL: [] */
	struct cdecl *params;	/* CT_FUNC */
	bool variadic;		/* CT_FUNC */
	enum ctype_tag tag;	/* CT_NAME */
	const char *name;	/* CT_NAME */
	bool has_body;		/* CT_NAME record or enum: "{...}" written */
	struct cdecl *fields;	/* record body */
	struct cenum *enums;	/* enum body */
};

/* A declaration: a member, a parameter, or a name a typedef defines. */
struct cdecl {
	struct cdecl *next;
	struct loc loc;		/* the name, or the type when there is none */
	const char *name;	/* NULL: unnamed (anonymous member, parameter) */
	struct ctype *type;
	struct node *bits;	/* bitfield width (constant expression) */
};

struct cenum {
	struct cenum *next;
	struct loc loc;
	const char *name;
	struct node *value;	/* NULL: the previous value + 1 */
};

struct node {
	enum node_kind kind;
	struct loc loc;
	struct node *next;	/* next in a statement, argument, key or probe list */

	int op;			/* enum unop / enum binop / enum incdec */
	struct node *lhs, *rhs, *cond;
	struct node *args;	/* call arguments, map keys, index */
	struct node *body;	/* N_BLOCK statements; N_PROBE body */
	const char *name;	/* N_IDENT, N_MAP, N_MEMBER, N_CALL, N_VAR */
	uint64_t num;		/* N_NUM, N_POSITIONAL, N_TUPLE_INDEX */
	bool is_char;		/* N_NUM written as a character literal: type_char */
	const char *str;	/* N_STR bytes (may contain NUL), NUL-terminated */
	unsigned len;		/* N_STR length without the terminator */
	bool arrow;		/* N_MEMBER: -> rather than . */
	struct spec *specs;	/* N_PROBE */
	struct node *pred;	/* N_PROBE predicate */
	struct ctype *ctype;	/* N_CAST, N_SIZEOF, N_OFFSETOF, N_CDEF; shared
				 * by clones: sema never writes it */
	struct cdecl *decls;	/* N_CDEF typedef names */
	bool is_typedef;	/* N_CDEF */

	/* --- filled by sema --- */
	const struct type *type;	/* every expression */
	struct map *map;		/* N_MAP, N_INDEX/N_IDENT naming a map,
					 * map-valued call args (clear/print) */
	const struct builtin *builtin;	/* N_IDENT/N_CALL: its row (builtin.h),
					 * NULL = none */
	const struct pvar *pvar;	/* N_IDENT or N_MEMBER that is a provider
					 * variable (see provider.h) */
	struct var *var;		/* N_VAR: its probe's variable */
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
const char *incdec_str(enum incdec op);	/* "++", "--" */
/* A C type as C writes it, with the declared @name (NULL: abstract):
 * "struct sock *", "char *argv[4]", "int (*fn)(int, ...)"; into @buf.
 * Constant expressions (array lengths) print as C. */
const char *ctype_str(const struct ctype *t, const char *name, char *buf,
		      size_t n);

#endif
