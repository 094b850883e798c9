/* parse.c - recursive-descent parser: tokens to the AST of ast.h.
 *
 * Input: a struct source.  Output: the N_PROBE list, every node with the
 * location of the token that made it; or NULL after reporting every syntax
 * error found.  Each parse function carries its grammar rule.  Binary
 * operators are parsed from one precedence table (as Lua's lparser.c does)
 * rather than with a function per level.
 *
 * Error recovery: a failing rule reports once and returns NULL; the statement
 * that contained it skips to its end (';' or the '}' closing its block, at the
 * right nesting) and parsing goes on, so one run reports several errors (capped
 * by the lexer, see lex.h).  No input can exhaust the stack, here or in the
 * later passes that walk the tree recursively: nesting (brackets, blocks,
 * unary operators) deeper than PARSE_MAX_DEPTH is an error, and so is a tree
 * deeper than PARSE_MAX_TREE.  Chains written flat (`a + b + c`, else-if
 * ladders, `a ? b : c ? d : e`) count towards the second limit only: each
 * link is a level of the tree, but not nesting the user wrote.
 *
 * Guarantees, for a non-NULL result: every node's loc has a src; statement
 * slots (probe body, if and else branches) are never NULL (an empty statement
 * `;` there is an empty N_BLOCK); N_ASSIGN's lhs is an N_MAP, an N_IDENT or an
 * N_INDEX of an N_IDENT; N_DELETE's lhs is an N_MAP or such an N_INDEX;
 * written brackets hold at least one key or index; unary plus leaves no node;
 * N_CAST and N_OFFSETOF have a ctype and N_SIZEOF a ctype or an lhs; every
 * ctype chain ends in a CT_NAME; the top-level list holds N_CDEF and N_PROBE
 * nodes, at least one of them a probe.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "lex.h"
#include "type.h"

#define PARSE_MAX_DEPTH 256	/* brackets, blocks, unary operators */
/* The depth of the tree, chains included.  The recursive passes take up to
 * 3.5 KB of stack a level under ASan (sema's expr() overflowed 8 MB at 2300
 * levels), 200 bytes without: 1024 keeps a margin of two in the worst
 * case. */
#define PARSE_MAX_TREE	1024

struct parser {
	struct arena *a;
	struct lexer lx;
	struct token tok;	/* current token */
	struct token prev;	/* last consumed */
	unsigned depth;		/* nesting of blocks, statements and expressions */
	unsigned tree;		/* the same plus chained operators: tree depth */
	bool no_div;		/* in a predicate, outside brackets: '/' ends it */
	bool too_deep;		/* the depth error was reported */
	struct tdname *typedefs;	/* names the script typedef'd so far */
};

struct tdname {
	struct tdname *next;
	const char *name;
};

/* ---- tokens ---- */

static void p_next(struct parser *p)
{
	p->prev = p->tok;
	lex_next(&p->lx, &p->tok);
}

static bool p_is(const struct parser *p, enum tok_kind k)
{
	return p->tok.kind == k;
}

static bool p_accept(struct parser *p, enum tok_kind k)
{
	if (!p_is(p, k))
		return false;
	p_next(p);
	return true;
}

/* Where a missing token belongs: at the current token when it is on the
 * line of the previous one (`if (a b)`: under the b), else just after the
 * previous token (a missing ';' at a line's end). */
static struct loc p_missing_loc(const struct parser *p)
{
	struct loc l;

	if (p->prev.loc.src && p->prev.loc.line != p->tok.loc.line) {
		l = p->prev.loc;
		l.col += l.len;
		l.len = 1;
		return l;
	}
	return p->tok.loc;
}

static void p_error_at(struct parser *p, const struct loc *loc,
		       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void p_error_at(struct parser *p, const struct loc *loc,
		       const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lex_error(&p->lx, loc, "%s", msg);
}

/* "expected ')' after condition" at the missing token's place. */
static bool p_expect(struct parser *p, enum tok_kind k, const char *after)
{
	struct loc l;

	if (p_accept(p, k))
		return true;
	l = p_missing_loc(p);
	if (after)
		p_error_at(p, &l, "expected '%s' %s", tok_kind_str(k), after);
	else
		p_error_at(p, &l, "expected '%s'", tok_kind_str(k));
	return false;
}

static void p_error_unexpected(struct parser *p, const char *what)
{
	char buf[128];

	if (p_is(p, TK_EOF))
		p_error_at(p, &p->tok.loc, "expected %s, found end of input", what);
	else
		p_error_at(p, &p->tok.loc, "expected %s, found %s", what,
			   tok_describe(&p->tok, buf, sizeof(buf)));
}

/* One level deeper: a link of a chain (@chain, which only makes the tree
 * deeper) or nesting; false, reported once, past either limit. */
static bool p_enter_as(struct parser *p, const struct loc *loc, bool chain)
{
	if (!chain && p->depth >= PARSE_MAX_DEPTH) {
		if (!p->too_deep)
			p_error_at(p, loc, "nesting too deep (more than %d "
				   "levels of brackets, blocks and unary "
				   "operators)", PARSE_MAX_DEPTH);
		p->too_deep = true;
		return false;
	}
	if (p->tree >= PARSE_MAX_TREE) {
		if (!p->too_deep)
			p_error_at(p, loc, "chain too long: operators, "
				   "else-ifs and nesting more than %d levels "
				   "deep (split it with a variable)",
				   PARSE_MAX_TREE);
		p->too_deep = true;
		return false;
	}
	p->depth += !chain;
	p->tree++;
	return true;
}

static bool p_enter(struct parser *p, const struct loc *loc)
{
	return p_enter_as(p, loc, false);
}

static void p_leave_as(struct parser *p, bool chain)
{
	assert(p->tree > 0 && (chain || p->depth > 0) &&
	       "p_leave pairs with p_enter");
	p->depth -= !chain;
	p->tree--;
}

static void p_leave(struct parser *p)
{
	p_leave_as(p, false);
}

static struct node *p_node(struct parser *p, enum node_kind kind,
			   const struct loc *loc)
{
	struct node *n = arena_alloc(p->a, sizeof(*n));

	n->kind = kind;
	n->loc = *loc;
	return n;
}

/* ---- expressions ---- */

static struct node *p_expr(struct parser *p);
static struct node *p_unary(struct parser *p);
static struct node *p_postfix_from(struct parser *p, struct node *n);
static bool p_type_start(struct parser *p);
static bool p_peek_ptr_close(const struct parser *p);
static struct node *p_cast(struct parser *p, const struct loc *lparen,
			   const struct node *name);
static struct node *p_sizeof(struct parser *p);
static struct node *p_offsetof(struct parser *p);
static void p_sync(struct parser *p);
static struct ctype *p_suffixes_after_params(struct parser *p,
					     struct ctype *base,
					     const struct loc *lparen);

/* Binary operators: precedence per token, C's levels (higher binds
 * tighter); all left-associative. */
static const struct {
	unsigned char prec;	/* 0: not a binary operator */
	unsigned char op;	/* enum binop */
} binops[TK_COUNT_] = {
	[TK_STAR]    = { 10, B_MUL }, [TK_SLASH] = { 10, B_DIV },
	[TK_PERCENT] = { 10, B_MOD },
	[TK_PLUS]    = { 9, B_ADD },  [TK_MINUS] = { 9, B_SUB },
	[TK_SHL]     = { 8, B_SHL },  [TK_SHR]   = { 8, B_SHR },
	[TK_LT]      = { 7, B_LT },   [TK_LE]    = { 7, B_LE },
	[TK_GT]      = { 7, B_GT },   [TK_GE]    = { 7, B_GE },
	[TK_EQ]      = { 6, B_EQ },   [TK_NE]    = { 6, B_NE },
	[TK_AMP]     = { 5, B_AND },
	[TK_CARET]   = { 4, B_XOR },
	[TK_PIPE]    = { 3, B_OR },
	[TK_LAND]    = { 2, B_LAND },
	[TK_LOR]     = { 1, B_LOR },
};

/* args = expr ("," expr)*   (up to the closing @close, not consumed) */
static struct node *p_args(struct parser *p, enum tok_kind close, bool *ok)
{
	struct node head = { 0 }, *tail = &head;
	bool no_div = p->no_div;

	/* brackets end a predicate's "/ not division" rule */
	p->no_div = false;
	*ok = true;
	if (!p_is(p, close)) {
		do {
			struct node *e = p_expr(p);

			if (!e) {
				*ok = false;
				break;
			}
			tail = tail->next = e;
		} while (p_accept(p, TK_COMMA));
	}
	p->no_div = no_div;
	return head.next;
}

/* strings = STR+   (adjacent literals concatenate, as in C) */
static struct node *p_string(struct parser *p)
{
	struct node *n = p_node(p, N_STR, &p->tok.loc);
	struct loc first = p->tok.loc;
	size_t len = p->tok.len;
	char *s = (char *)p->tok.str;

	p_next(p);
	while (p_is(p, TK_STR)) {
		char *cat = arena_alloc(p->a, len + p->tok.len + 1);

		memcpy(cat, s, len);
		memcpy(cat + len, p->tok.str, p->tok.len);
		len += p->tok.len;
		s = cat;
		n->loc = loc_span(first, p->tok.loc);
		p_next(p);
	}
	n->str = s;
	n->len = (unsigned)len;
	return n;
}

/* Tokens that may begin an operand but never continue an expression: after
 * `(NAME)` one of them makes it a cast (C's `(T)-x` stays a subtraction). */
static bool p_starts_operand(const struct parser *p)
{
	switch (p->tok.kind) {
	case TK_IDENT: case TK_NUM: case TK_CHAR: case TK_STR: case TK_MAP:
	case TK_LPAREN: case TK_NOT: case TK_TILDE: case TK_SIZEOF:
	case TK_OFFSETOF: case TK_VAR: case TK_POSITIONAL: case TK_PARAMCOUNT:
		return true;
	default:
		return false;
	}
}

/* paren = "(" type_name ")" unary          (a cast)
 *       | "(" expr ("," expr)* ")"       (one: grouping; more: a tuple) */
static struct node *p_paren(struct parser *p)
{
	struct node *n, *t;
	bool no_div = p->no_div, ok;
	struct loc l = p->tok.loc;

	p_next(p);
	if (p_type_start(p) || p_peek_ptr_close(p))
		return p_cast(p, &l, NULL);
	p->no_div = false;
	n = p_expr(p);
	if (n && p_is(p, TK_COMMA)) {
		t = p_node(p, N_TUPLE, &l);
		p_next(p);
		t->args = n;
		if (p_is(p, TK_RPAREN)) {
			p_error_unexpected(p, "expression");
			n = NULL;
		} else {
			n->next = p_args(p, TK_RPAREN, &ok);
			n = ok ? t : NULL;
		}
	}
	p->no_div = no_div;
	if (!n || !p_expect(p, TK_RPAREN, "to close '('"))
		return NULL;
	/* (NAME) operand: a type only BTF knows, "(pid_t)x" */
	if (n->kind == N_IDENT && p_starts_operand(p))
		return p_cast(p, &l, n);
	return n;
}

/* dollar = VAR | POSITIONAL | "$#" */
static struct node *p_dollar(struct parser *p)
{
	struct node *n;

	switch (p->tok.kind) {
	case TK_VAR:
		n = p_node(p, N_VAR, &p->tok.loc);
		n->name = p->tok.name;
		break;
	case TK_POSITIONAL:
		n = p_node(p, N_POSITIONAL, &p->tok.loc);
		n->num = p->tok.num;
		break;
	default:
		assert(p_is(p, TK_PARAMCOUNT) && "p_dollar on a $ token");
		n = p_node(p, N_PARAMCOUNT, &p->tok.loc);
		break;
	}
	p_next(p);
	return n;
}

/* What ++, -- and the assignments can change: a map (element), a plain
 * map by name or a scratch variable. */
static bool p_is_lvalue(const struct node *n)
{
	return n->kind == N_MAP || n->kind == N_IDENT || n->kind == N_VAR ||
	       (n->kind == N_INDEX && n->lhs->kind == N_IDENT);
}

/* incdec = ("++" | "--") operand, or operand ("++" | "--"), at @l */
static struct node *p_incdec(struct parser *p, struct node *operand,
			     int op, const struct loc *l)
{
	struct node *n;

	if (!p_is_lvalue(operand)) {
		p_error_at(p, &operand->loc, "%s needs a variable or a map "
			   "element", incdec_str(op));
		return NULL;
	}
	n = p_node(p, N_INCDEC, l);
	n->op = op;
	n->lhs = operand;
	return n;
}

/* primary = NUM | CHAR | strings | paren | dollar
 *         | IDENT "(" args? ")" | IDENT | MAP ("[" args "]")?
 *         | sizeof | offsetof
 * cast    = "(" type_name ")" unary | "(" NAME ")" operand   (in paren) */
static struct node *p_primary(struct parser *p)
{
	struct node *n;
	bool ok;

	switch (p->tok.kind) {
	case TK_NUM:
	case TK_CHAR:
		n = p_node(p, N_NUM, &p->tok.loc);
		n->num = p->tok.num;
		n->is_char = p->tok.kind == TK_CHAR;
		p_next(p);
		return n;
	case TK_STR:
		return p_string(p);
	case TK_LPAREN:
		return p_paren(p);
	case TK_VAR:
	case TK_POSITIONAL:
	case TK_PARAMCOUNT:
		return p_dollar(p);
	case TK_SIZEOF:
		return p_sizeof(p);
	case TK_OFFSETOF:
		return p_offsetof(p);
	case TK_IDENT:
		n = p_node(p, N_IDENT, &p->tok.loc);
		n->name = p->tok.name;
		p_next(p);
		if (p_accept(p, TK_LPAREN)) {
			n->kind = N_CALL;
			n->args = p_args(p, TK_RPAREN, &ok);
			if (!ok || !p_expect(p, TK_RPAREN, "after arguments"))
				return NULL;
		}
		return n;
	case TK_MAP:
		n = p_node(p, N_MAP, &p->tok.loc);
		n->name = p->tok.name;
		p_next(p);
		if (p_accept(p, TK_LBRACKET)) {
			if (p_is(p, TK_RBRACKET)) {
				p_error_at(p, &p->tok.loc, "expected map key");
				return NULL;
			}
			n->args = p_args(p, TK_RBRACKET, &ok);
			if (!ok || !p_expect(p, TK_RBRACKET, "after map keys"))
				return NULL;
		}
		return n;
	default:
		p_error_unexpected(p, "expression");
		return NULL;
	}
}

/* After a '.', whether a number follows (a tuple's element, $t.0): peek
 * without consuming, the lexer being one token ahead only. */
static bool p_tuple_index(const struct parser *p)
{
	const char *t = p->lx.src->text;
	size_t i = p->tok.off + 1;

	return i < p->lx.src->len && t[i] >= '0' && t[i] <= '9';
}

/* postfix = primary ("[" args "]" | "->" IDENT | "." IDENT | "." NUM
 *                   | "++" | "--")* */
static struct node *p_postfix(struct parser *p)
{
	return p_postfix_from(p, p_primary(p));
}

/* The postfix operators after an already parsed primary @n. */
static struct node *p_postfix_from(struct parser *p, struct node *n)
{
	struct node *m;
	bool ok;

	while (n) {
		if (p_is(p, TK_LBRACKET)) {
			m = p_node(p, N_INDEX, &p->tok.loc);
			p_next(p);
			if (p_is(p, TK_RBRACKET)) {
				p_error_at(p, &p->tok.loc, "expected index");
				return NULL;
			}
			m->lhs = n;
			m->args = p_args(p, TK_RBRACKET, &ok);
			if (!ok || !p_expect(p, TK_RBRACKET, "after index"))
				return NULL;
			n = m;
		} else if (p_is(p, TK_INC) || p_is(p, TK_DEC)) {
			struct loc l = p->tok.loc;
			int op = p_is(p, TK_INC) ? ID_POSTINC : ID_POSTDEC;

			p_next(p);
			n = p_incdec(p, n, op, &l);
		} else if (p_is(p, TK_DOT) && p_tuple_index(p)) {
			m = p_node(p, N_TUPLE_INDEX, &p->tok.loc);
			p_next(p);
			m->num = p->tok.num;
			m->lhs = n;
			p_next(p);
			n = m;
		} else if (p_is(p, TK_ARROW) || p_is(p, TK_DOT)) {
			m = p_node(p, N_MEMBER, &p->tok.loc);
			m->arrow = p_is(p, TK_ARROW);
			p_next(p);
			if (!p_is(p, TK_IDENT)) {
				p_error_unexpected(p, m->arrow ?
						   "member name after '->'" :
						   "member name after '.'");
				return NULL;
			}
			m->name = p->tok.name;
			/* point at the member name: that is what errors
			 * ("unknown field") are about */
			m->loc = p->tok.loc;
			m->lhs = n;
			p_next(p);
			n = m;
		} else {
			break;
		}
	}
	return n;
}

static struct node *p_unary(struct parser *p);

/* prefix_incdec = ("++" | "--") unary */
static struct node *p_prefix_incdec(struct parser *p)
{
	struct loc l = p->tok.loc;
	int op = p_is(p, TK_INC) ? ID_PREINC : ID_PREDEC;
	struct node *x;

	if (!p_enter(p, &l))
		return NULL;
	p_next(p);
	x = p_unary(p);
	p_leave(p);
	return x ? p_incdec(p, x, op, &l) : NULL;
}

/* unary = ("!" | "~" | "-" | "+" | "*" | "&" | "++" | "--") unary | postfix */
static struct node *p_unary(struct parser *p)
{
	struct node *n;
	int op;

	if (p_is(p, TK_INC) || p_is(p, TK_DEC))
		return p_prefix_incdec(p);
	switch (p->tok.kind) {
	case TK_NOT:   op = U_NOT; break;
	case TK_TILDE: op = U_BNOT; break;
	case TK_MINUS: op = U_NEG; break;
	case TK_STAR:  op = U_DEREF; break;
	case TK_AMP:   op = U_ADDR; break;
	case TK_PLUS:  op = -1; break;
	default:
		return p_postfix(p);
	}
	if (!p_enter(p, &p->tok.loc))
		return NULL;
	n = p_node(p, N_UNARY, &p->tok.loc);
	n->op = op;
	p_next(p);
	n->lhs = p_unary(p);
	p_leave(p);
	if (!n->lhs)
		return NULL;
	/* unary plus changes nothing and has no node */
	return op < 0 ? n->lhs : n;
}

/* binary(limit) = unary (BINOP binary(prec(BINOP)))*   for prec > limit
 * One loop for every level: an operator binds its right operand up to
 * operators of higher precedence only, which makes them left-associative. */
static struct node *p_binary(struct parser *p, unsigned limit)
{
	struct node *lhs = p_unary(p);
	unsigned levels = 0;

	while (lhs) {
		enum tok_kind k = p->tok.kind;
		unsigned prec = binops[k].prec;
		struct node *n;

		if (!prec || prec <= limit)
			break;
		if (k == TK_SLASH && p->no_div)
			break;
		/* Each operator makes the tree one level deeper although
		 * this loop does not recurse: count it as a link of a chain,
		 * or a `1+1+...+1` a hundred thousand terms long overflows
		 * the stack of every pass that walks the tree recursively. */
		if (!p_enter_as(p, &p->tok.loc, true)) {
			lhs = NULL;
			break;
		}
		levels++;
		n = p_node(p, N_BINARY, &p->tok.loc);
		n->op = binops[k].op;
		p_next(p);
		n->lhs = lhs;
		n->rhs = p_binary(p, prec);
		lhs = n->rhs ? n : NULL;
	}
	while (levels--)
		p_leave_as(p, true);
	return lhs;
}

/* expr = binary ("?" expr ":" expr)?   (right-associative)
 * The expression after ':' continues a chain (`a ? b : c ? d : e`). */
static struct node *p_expr_as(struct parser *p, bool chain)
{
	struct node *cond, *n;

	if (!p_enter_as(p, &p->tok.loc, chain))
		return NULL;
	cond = p_binary(p, 0);
	if (!cond || !p_is(p, TK_QUESTION)) {
		p_leave_as(p, chain);
		return cond;
	}
	n = p_node(p, N_COND, &p->tok.loc);
	n->cond = cond;
	p_next(p);
	n->lhs = p_expr_as(p, false);
	if (n->lhs && p_expect(p, TK_COLON, "in conditional expression"))
		n->rhs = p_expr_as(p, true);
	p_leave_as(p, chain);
	return n->lhs && n->rhs ? n : NULL;
}

static struct node *p_expr(struct parser *p)
{
	return p_expr_as(p, false);
}

/* ---- C types ----
 * Casts, sizeof, offsetof and C definitions.  Names are not resolved here
 * (kernel types live in BTF, which the parser never reads); the parser only
 * tells a type from an expression where both may follow '(': a C keyword or
 * qualifier, one of spry's integer type names, a name the script typedef'd,
 * or `NAME *...)` begin a type; and `(NAME) operand` is a cast to a type
 * called NAME, since nothing else may follow a parenthesised name. */

static bool p_is_word(const char *s, const char *const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(s, words[i]))
			return true;
	return false;
}

static const char *const c_words[] = {
	"void", "char", "short", "int", "long", "signed", "unsigned", "_Bool",
	"bool",
};
static const char *const c_quals[] = { "const", "volatile", "restrict" };

#define IS_WORD(s) p_is_word(s, c_words, sizeof(c_words) / sizeof(c_words[0]))
#define IS_QUAL(s) p_is_word(s, c_quals, sizeof(c_quals) / sizeof(c_quals[0]))

static bool p_is_typedef(const struct parser *p, const char *name)
{
	const struct tdname *t;

	for (t = p->typedefs; t; t = t->next)
		if (!strcmp(t->name, name))
			return true;
	return false;
}

/* A name that can only be a type here. */
static bool p_name_is_type(const struct parser *p, const char *name)
{
	return IS_WORD(name) || IS_QUAL(name) || type_builtin(name) ||
	       p_is_typedef(p, name);
}

static bool p_type_start(struct parser *p)
{
	return p_is(p, TK_STRUCT) || p_is(p, TK_UNION) || p_is(p, TK_ENUM) ||
	       (p_is(p, TK_IDENT) && p_name_is_type(p, p->tok.name));
}

/* At an identifier: is it followed by '*'s and a ')' ("(pid_t *)p")?  A
 * look at the text itself, as the parser holds one token. */
static bool p_peek_ptr_close(const struct parser *p)
{
	const char *s = p->lx.src->text, *end = s + p->lx.src->len;
	bool star = false;

	if (!p_is(p, TK_IDENT))
		return false;
	s += p->tok.off + strlen(p->tok.name);
	for (; s < end; s++) {
		if (*s == '*')
			star = true;
		else if (*s == ')')
			return star;
		else if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	}
	return false;
}

static struct ctype *p_ctype(struct parser *p, enum ctype_kind kind,
			     const struct loc *loc)
{
	struct ctype *t = arena_alloc(p->a, sizeof(*t));

	t->kind = kind;
	t->loc = *loc;
	return t;
}

static void p_skip_quals(struct parser *p)
{
	while (p_is(p, TK_IDENT) && IS_QUAL(p->tok.name))
		p_next(p);
}

/* C's integer words in any order, made canonical: "long unsigned int" is
 * "unsigned long".  NULL after reporting a combination C rejects. */
static const char *p_words(struct parser *p, struct ctype *t)
{
	unsigned n_char = 0, n_short = 0, n_int = 0, n_long = 0, n_signed = 0;
	unsigned n_unsigned = 0, n_void = 0, n_bool = 0, total = 0;
	struct loc first = p->tok.loc, last = first;
	const char *w, *base;
	char buf[64];

	while (p_is(p, TK_IDENT) && (IS_WORD(p->tok.name) ||
				     IS_QUAL(p->tok.name))) {
		w = p->tok.name;
		last = p->tok.loc;
		p_next(p);
		if (IS_QUAL(w))
			continue;
		total++;
		if (!strcmp(w, "char")) n_char++;
		else if (!strcmp(w, "short")) n_short++;
		else if (!strcmp(w, "int")) n_int++;
		else if (!strcmp(w, "long")) n_long++;
		else if (!strcmp(w, "signed")) n_signed++;
		else if (!strcmp(w, "unsigned")) n_unsigned++;
		else if (!strcmp(w, "void")) n_void++;
		else n_bool++;
	}
	t->loc = loc_span(first, last);
	if ((n_void || n_bool) && total == 1)
		return n_void ? "void" : "_Bool";
	if (n_void || n_bool || n_char > 1 || n_short > 1 || n_int > 1 ||
	    n_long > 2 || n_signed + n_unsigned > 1 ||
	    (n_char && (n_short || n_int || n_long)) || (n_short && n_long)) {
		p_error_at(p, &t->loc, "invalid combination of type words");
		return NULL;
	}
	base = n_char ? "char" : n_short ? "short" : n_long == 2 ? "long long" :
	       n_long ? "long" : "int";
	if (n_char && n_signed)
		return "signed char";
	if (!n_unsigned)
		return base;
	snprintf(buf, sizeof(buf), "unsigned %s", base);
	return arena_strdup(p->a, buf);
}

static struct ctype *p_cspec(struct parser *p);
static struct ctype *p_declarator(struct parser *p, struct ctype *base,
				  struct cdecl *d);

static void p_append_decl(struct cdecl ***tail, struct cdecl *d)
{
	**tail = d;
	*tail = &d->next;
}

/* fields = "{" field* "}"
 * field  = cspec (member ("," member)*)? ";"   member = declarator (":" expr)? */
static bool p_fields(struct parser *p, struct ctype *rec)
{
	struct cdecl *head = NULL, **tail = &head;

	p_next(p);	/* '{' */
	while (!p_is(p, TK_RBRACE) && !p_is(p, TK_EOF)) {
		struct ctype *spec = p_cspec(p);
		struct cdecl *d;

		if (!spec)
			goto skip;
		if (p_is(p, TK_SEMI)) {
			/* an anonymous struct or union member, or an enum's
			 * constants (or a nested tag's declaration) */
			if (spec->tag == CTAG_NONE || !spec->has_body) {
				p_error_at(p, &p->tok.loc, "expected a member name");
				goto skip;
			}
			p_next(p);
			d = arena_alloc(p->a, sizeof(*d));
			d->loc = spec->loc;
			d->type = spec;
			p_append_decl(&tail, d);
			continue;
		}
		do {
			d = arena_alloc(p->a, sizeof(*d));
			d->loc = p->tok.loc;
			d->type = p_declarator(p, spec, d);
			if (!d->type)
				goto skip;
			if (p_is(p, TK_COLON)) {
				p_next(p);
				d->bits = p_expr(p);
				if (!d->bits)
					goto skip;
			} else if (!d->name) {
				p_error_at(p, &p->tok.loc, "expected a member name");
				goto skip;
			}
			p_append_decl(&tail, d);
		} while (p_accept(p, TK_COMMA));
		if (!p_expect(p, TK_SEMI, "after a member"))
			goto skip;
		continue;
skip:
		p_sync(p);
	}
	rec->fields = head;
	return p_expect(p, TK_RBRACE, "to end the member list");
}

/* The tag and its name after "struct", "union" or "enum": true when a
 * body follows, false when there is none (@ok says whether that is fine:
 * it needs a name). */
static bool p_tag(struct parser *p, struct ctype *t, enum ctype_tag tag,
		  bool *ok)
{
	struct loc first = p->tok.loc;

	t->tag = tag;
	p_next(p);
	t->loc = first;
	if (p_is(p, TK_IDENT)) {
		t->name = p->tok.name;
		t->loc = loc_span(first, p->tok.loc);
		p_next(p);
	}
	*ok = true;
	if (p_is(p, TK_LBRACE))
		return true;
	if (!t->name) {
		p_error_unexpected(p, tag == CTAG_ENUM ?
				   "a name or '{' after 'enum'" :
				   tag == CTAG_UNION ?
				   "a name or '{' after 'union'" :
				   "a name or '{' after 'struct'");
		*ok = false;
	}
	return false;
}

/* record = ("struct" | "union") IDENT? ("{" field* "}")? */
static bool p_record(struct parser *p, struct ctype *t)
{
	bool ok;

	if (!p_tag(p, t, p_is(p, TK_UNION) ? CTAG_UNION : CTAG_STRUCT, &ok))
		return ok;
	if (!p_enter(p, &p->tok.loc))
		return false;
	t->has_body = true;
	ok = p_fields(p, t);
	p_leave(p);
	return ok;
}

/* enum = "enum" IDENT? ("{" enumerator ("," enumerator)* ","? "}")?
 * enumerator = IDENT ("=" expr)? */
static bool p_enum(struct parser *p, struct ctype *t)
{
	struct cenum *head = NULL, **tail = &head;
	bool ok;

	if (!p_tag(p, t, CTAG_ENUM, &ok))
		return ok;
	p_next(p);
	t->has_body = true;
	while (!p_is(p, TK_RBRACE)) {
		struct cenum *e;

		if (!p_is(p, TK_IDENT)) {
			p_error_unexpected(p, "an enumerator name");
			return false;
		}
		e = arena_alloc(p->a, sizeof(*e));
		e->name = p->tok.name;
		e->loc = p->tok.loc;
		p_next(p);
		if (p_accept(p, TK_ASSIGN)) {
			e->value = p_expr(p);
			if (!e->value)
				return false;
		}
		*tail = e;
		tail = &e->next;
		if (!p_accept(p, TK_COMMA))
			break;
	}
	t->enums = head;
	return p_expect(p, TK_RBRACE, "to end the enumerators");
}

/* cspec = qual* (record | enum | WORD+ | NAME) qual* */
static struct ctype *p_cspec(struct parser *p)
{
	struct ctype *t = p_ctype(p, CT_NAME, &p->tok.loc);

	p_skip_quals(p);
	t->loc = p->tok.loc;
	if (p_is(p, TK_STRUCT) || p_is(p, TK_UNION)) {
		if (!p_record(p, t))
			return NULL;
	} else if (p_is(p, TK_ENUM)) {
		if (!p_enum(p, t))
			return NULL;
	} else if (p_is(p, TK_IDENT) && IS_WORD(p->tok.name)) {
		t->name = p_words(p, t);
		if (!t->name)
			return NULL;
	} else if (p_is(p, TK_IDENT)) {
		t->name = p->tok.name;
		p_next(p);
	} else {
		p_error_unexpected(p, "a type");
		return NULL;
	}
	p_skip_quals(p);
	return t;
}

/* params = "void" | (param ("," param)* ("," "...")?)? | "..."
 * param  = cspec declarator   (after the '(', through the ')') */
static struct ctype *p_params(struct parser *p, struct ctype *of,
			      const struct loc *lparen)
{
	struct ctype *f = p_ctype(p, CT_FUNC, lparen);
	struct cdecl *head = NULL, **tail = &head;

	f->of = of;
	if (!p_is(p, TK_RPAREN)) {
		do {
			struct cdecl *d;
			struct ctype *spec;

			if (p_accept(p, TK_ELLIPSIS)) {
				f->variadic = true;
				break;
			}
			spec = p_cspec(p);
			if (!spec)
				return NULL;
			d = arena_alloc(p->a, sizeof(*d));
			d->loc = spec->loc;
			d->type = p_declarator(p, spec, d);
			if (!d->type)
				return NULL;
			p_append_decl(&tail, d);
		} while (p_accept(p, TK_COMMA));
	}
	if (!p_expect(p, TK_RPAREN, "after the parameters"))
		return NULL;
	/* (void): no parameters */
	if (head && !head->next && !head->name && head->type->kind == CT_NAME &&
	    head->type->tag == CTAG_NONE && !strcmp(head->type->name, "void"))
		head = NULL;
	f->params = head;
	return f;
}

/* suffix* = ("[" expr? "]" | "(" params ")")*: the first written is the
 * outermost, `a[2][3]` an array of 2 arrays of 3. */
static struct ctype *p_suffixes(struct parser *p, struct ctype *base)
{
	struct ctype *t = NULL, *of;
	struct loc l = p->tok.loc;

	if (!p_is(p, TK_LBRACKET) && !p_is(p, TK_LPAREN))
		return base;
	if (!p_enter(p, &l))
		return NULL;
	if (p_accept(p, TK_LBRACKET)) {
		t = p_ctype(p, CT_ARRAY, &l);
		if (!p_is(p, TK_RBRACKET)) {
			bool no_div = p->no_div;

			p->no_div = false;
			t->len = p_expr(p);
			p->no_div = no_div;
		}
		if ((t->len || p_is(p, TK_RBRACKET)) &&
		    p_expect(p, TK_RBRACKET, "after the array length") &&
		    (of = p_suffixes(p, base)))
			t->of = of;
		else
			t = NULL;
	} else {
		p_next(p);	/* '(' */
		of = p_suffixes_after_params(p, base, &l);
		t = of;
	}
	p_leave(p);
	return t;
}

/* declarator = "*" qual* declarator | (IDENT | "(" declarator ")")? suffix*
 * The name, if any, goes to @d.  A parenthesised declarator applies its
 * stars after the suffixes that follow it (`int (*fp)(int)`: a pointer to
 * a function), so the outer type is built first and put where the inner
 * declarator left a hole. */
static struct ctype *p_declarator(struct parser *p, struct ctype *base,
				  struct cdecl *d)
{
	struct loc l = p->tok.loc;
	struct ctype *t;

	if (!p_enter(p, &l))
		return NULL;
	if (p_accept(p, TK_STAR)) {
		t = p_ctype(p, CT_PTR, &l);
		t->of = base;
		p_skip_quals(p);
		t = p_declarator(p, t, d);
	} else if (p_accept(p, TK_LPAREN)) {
		if (p_is(p, TK_STAR) || p_is(p, TK_LPAREN) ||
		    (p_is(p, TK_IDENT) && !p_name_is_type(p, p->tok.name))) {
			struct ctype *hole = p_ctype(p, CT_NAME, &l), *outer;

			t = p_declarator(p, hole, d);
			if (t && p_expect(p, TK_RPAREN, "to close '('") &&
			    (outer = p_suffixes(p, base)))
				*hole = *outer;
			else
				t = NULL;
		} else {
			/* an abstract function: `int (int)` */
			t = p_suffixes_after_params(p, base, &l);
		}
	} else {
		if (p_is(p, TK_IDENT)) {
			d->name = p->tok.name;
			d->loc = p->tok.loc;
			p_next(p);
		}
		t = p_suffixes(p, base);
	}
	p_leave(p);
	return t;
}

/* After "(": the parameters, then the remaining suffixes (which the
 * function returns). */
static struct ctype *p_suffixes_after_params(struct parser *p,
					     struct ctype *base,
					     const struct loc *lparen)
{
	struct ctype *f = p_params(p, base, lparen), *of;

	if (!f)
		return NULL;
	of = p_suffixes(p, base);
	if (!of)
		return NULL;
	f->of = of;
	return f;
}

/* type_name = cspec declarator   (abstract: a name here is an error) */
static struct ctype *p_type_name(struct parser *p)
{
	struct loc first = p->tok.loc;
	struct cdecl d = { 0 };
	struct ctype *spec = p_cspec(p), *t;

	if (!spec)
		return NULL;
	t = p_declarator(p, spec, &d);
	if (!t)
		return NULL;
	if (d.name) {
		p_error_at(p, &d.loc, "unexpected name '%s' in a type", d.name);
		return NULL;
	}
	if (t != spec)
		t->loc = loc_span(first, p->prev.loc);
	return t;
}

/* cast = "(" type_name ")" unary, at the type (the '(' consumed); or, with
 * @name, "(NAME)" already read (as an N_IDENT) and the operand next. */
static struct node *p_cast(struct parser *p, const struct loc *lparen,
			   const struct node *name)
{
	struct node *n = p_node(p, N_CAST, lparen);

	if (name) {
		n->ctype = p_ctype(p, CT_NAME, &name->loc);
		n->ctype->name = name->name;
	} else {
		n->ctype = p_type_name(p);
		if (!n->ctype || !p_expect(p, TK_RPAREN, "after the type"))
			return NULL;
	}
	n->loc = loc_span(*lparen, p->prev.loc);
	if (!p_enter(p, &p->tok.loc))
		return NULL;
	n->lhs = p_unary(p);
	p_leave(p);
	return n->lhs ? n : NULL;
}

/* sizeof = "sizeof" ("(" type_name ")" | unary) */
static struct node *p_sizeof(struct parser *p)
{
	struct node *n = p_node(p, N_SIZEOF, &p->tok.loc), *e;
	struct loc kw = p->tok.loc;
	bool no_div = p->no_div;

	p_next(p);
	if (!p_is(p, TK_LPAREN)) {
		if (!p_enter(p, &p->tok.loc))
			return NULL;
		n->lhs = p_unary(p);
		p_leave(p);
		n->loc = loc_span(kw, p->prev.loc);
		return n->lhs ? n : NULL;
	}
	p_next(p);
	if (p_type_start(p) || p_peek_ptr_close(p)) {
		n->ctype = p_type_name(p);
		if (!n->ctype || !p_expect(p, TK_RPAREN, "after the type"))
			return NULL;
		n->loc = loc_span(kw, p->prev.loc);
		return n;
	}
	/* sizeof (expr) and what follows it: sizeof (a)[1] is sizeof a[1] */
	p->no_div = false;
	e = p_expr(p);
	p->no_div = no_div;
	if (!e || !p_expect(p, TK_RPAREN, "to close '('"))
		return NULL;
	n->lhs = p_postfix_from(p, e);
	n->loc = loc_span(kw, p->prev.loc);
	return n->lhs ? n : NULL;
}

/* offsetof = "offsetof" "(" type_name "," IDENT ("." IDENT)* ")" */
static struct node *p_offsetof(struct parser *p)
{
	struct node *n = p_node(p, N_OFFSETOF, &p->tok.loc);
	struct node head = { 0 }, *tail = &head, *m;
	struct loc kw = p->tok.loc;

	p_next(p);
	if (!p_expect(p, TK_LPAREN, "after 'offsetof'"))
		return NULL;
	n->ctype = p_type_name(p);
	if (!n->ctype || !p_expect(p, TK_COMMA, "after the type"))
		return NULL;
	do {
		if (!p_is(p, TK_IDENT)) {
			p_error_unexpected(p, "a member name");
			return NULL;
		}
		m = p_node(p, N_IDENT, &p->tok.loc);
		m->name = p->tok.name;
		tail = tail->next = m;
		p_next(p);
	} while (p_accept(p, TK_DOT));
	if (!p_expect(p, TK_RPAREN, "after the member"))
		return NULL;
	n->args = head.next;
	n->loc = loc_span(kw, p->prev.loc);
	return n;
}

/* cdef = "typedef" cspec declarator ("," declarator)* ";" | cspec ";" */
static struct node *p_cdef(struct parser *p)
{
	struct node *n = p_node(p, N_CDEF, &p->tok.loc);
	struct cdecl *head = NULL, **tail = &head, *d;

	n->is_typedef = p_accept(p, TK_TYPEDEF);
	n->ctype = p_cspec(p);
	if (!n->ctype)
		goto fail;
	if (!n->is_typedef)
		n->loc = n->ctype->loc;
	if (n->is_typedef) {
		do {
			struct tdname *td;

			d = arena_alloc(p->a, sizeof(*d));
			d->loc = p->tok.loc;
			d->type = p_declarator(p, n->ctype, d);
			if (!d->type)
				goto fail;
			if (!d->name) {
				p_error_at(p, &d->loc, "expected the name the "
					   "typedef defines");
				goto fail;
			}
			p_append_decl(&tail, d);
			td = arena_alloc(p->a, sizeof(*td));
			td->name = d->name;
			td->next = p->typedefs;
			p->typedefs = td;
		} while (p_accept(p, TK_COMMA));
		n->decls = head;
	} else if (n->ctype->tag == CTAG_NONE) {
		p_error_at(p, &n->ctype->loc, "expected a struct, union, enum "
			   "or typedef definition");
		goto fail;
	} else if (!p_is(p, TK_SEMI)) {
		p_error_at(p, &p->tok.loc, "only types are defined here: "
			   "expected ';' after the %s",
			   n->ctype->tag == CTAG_ENUM ? "enum" :
			   n->ctype->tag == CTAG_UNION ? "union" : "struct");
		goto fail;
	}
	if (!p_expect(p, TK_SEMI, "after the definition"))
		goto fail;
	return n;
fail:
	p_sync(p);
	return NULL;
}

/* ---- statements ---- */

/* Skip the rest of a broken statement: up to and including a ';' at this
 * brace nesting, or a whole '{...}' opened here, or up to (not including) the
 * '}' that closes the enclosing block.  Only braces count: in broken code
 * parentheses are the likeliest to be unbalanced (`a = ( }`), and a '}' is
 * the surest sign of where a block ends.  Always makes progress unless at
 * that '}' or the end. */
static void p_sync(struct parser *p)
{
	int depth = 0;	/* braces opened while skipping */

	while (!p_is(p, TK_EOF)) {
		switch (p->tok.kind) {
		case TK_SEMI:
			if (depth == 0) {
				p_next(p);
				return;
			}
			break;
		case TK_LBRACE:
			depth++;
			break;
		case TK_RBRACE:
			if (depth == 0)
				return;
			if (--depth == 0) {
				p_next(p);
				return;
			}
			break;
		default:
			break;
		}
		p_next(p);
	}
}

static struct node *p_stmt(struct parser *p);

/* block = "{" stmt* "}" */
static struct node *p_block(struct parser *p)
{
	struct node *n, head = { 0 }, *tail = &head;

	if (!p_enter(p, &p->tok.loc)) {
		/* skip the whole block: no recursion left to parse it */
		p_sync(p);
		return NULL;
	}
	n = p_node(p, N_BLOCK, &p->tok.loc);
	p_expect(p, TK_LBRACE, NULL);
	while (!p_is(p, TK_RBRACE) && !p_is(p, TK_EOF)) {
		struct node *s;

		/* empty statements leave nothing in the list */
		if (p_accept(p, TK_SEMI))
			continue;
		s = p_stmt(p);
		if (s)
			tail = tail->next = s;
	}
	n->body = head.next;
	p_expect(p, TK_RBRACE, "at end of block");
	p_leave(p);
	return n;
}

/* if_stmt = "if" "(" expr ")" stmt ("else" stmt)? */
static struct node *p_if(struct parser *p)
{
	struct node *n = p_node(p, N_IF, &p->tok.loc);

	p_next(p);
	if (!p_expect(p, TK_LPAREN, "after 'if'"))
		goto fail;
	n->cond = p_expr(p);
	if (!n->cond || !p_expect(p, TK_RPAREN, "after condition"))
		goto fail;
	n->lhs = p_stmt(p);
	if (p_accept(p, TK_ELSE)) {
		/* else if: a link of a chain, not nesting */
		if (p_is(p, TK_IF)) {
			if (!p_enter_as(p, &p->tok.loc, true))
				goto fail;
			n->rhs = p_if(p);
			p_leave_as(p, true);
		} else {
			n->rhs = p_stmt(p);
		}
	}
	/* too deep inside a ladder: skip the rest of it, or each of its
	 * elses is an error of its own */
	while (p->too_deep && p_accept(p, TK_ELSE))
		p_sync(p);
	return n;
fail:
	p_sync(p);
	return NULL;
}

static bool p_end_stmt(struct parser *p, const char *after);

/* loop = ("while" | "unroll") "(" expr ")" stmt */
static struct node *p_loop(struct parser *p)
{
	bool is_while = p_is(p, TK_WHILE);
	struct node *n = p_node(p, is_while ? N_WHILE : N_UNROLL, &p->tok.loc);

	p_next(p);
	if (!p_expect(p, TK_LPAREN, is_while ? "after 'while'" :
		      "after 'unroll'"))
		goto fail;
	n->cond = p_expr(p);
	if (!n->cond || !p_expect(p, TK_RPAREN, is_while ?
				  "after the condition" : "after the count"))
		goto fail;
	n->lhs = p_stmt(p);
	return n->lhs ? n : NULL;
fail:
	p_sync(p);
	return NULL;
}

/* jump = "break" | "continue" | "return" */
static struct node *p_jump(struct parser *p)
{
	static const enum node_kind kinds[] = {
		[TK_BREAK] = N_BREAK, [TK_CONTINUE] = N_CONTINUE,
		[TK_RETURN] = N_RETURN,
	};
	struct node *n = p_node(p, kinds[p->tok.kind], &p->tok.loc);
	char what[32];

	snprintf(what, sizeof(what), "after '%s'", tok_kind_str(p->tok.kind));
	p_next(p);
	if (!p_end_stmt(p, what)) {
		p_sync(p);
		return NULL;
	}
	return n;
}

/* Compound assignment tokens and the operator each applies. */
static const signed char opassign_ops[TK_COUNT_] = {
	[TK_ADD_ASSIGN] = B_ADD + 1, [TK_SUB_ASSIGN] = B_SUB + 1,
	[TK_MUL_ASSIGN] = B_MUL + 1, [TK_DIV_ASSIGN] = B_DIV + 1,
	[TK_MOD_ASSIGN] = B_MOD + 1, [TK_AND_ASSIGN] = B_AND + 1,
	[TK_OR_ASSIGN] = B_OR + 1, [TK_XOR_ASSIGN] = B_XOR + 1,
	[TK_SHL_ASSIGN] = B_SHL + 1, [TK_SHR_ASSIGN] = B_SHR + 1,
};

static bool p_is_map_elem(const struct node *n)
{
	return n->kind == N_MAP ||
	       (n->kind == N_INDEX && n->lhs->kind == N_IDENT);
}

/* Accept the ';' that ends a simple statement; the last statement of a
 * block may omit it (as in ply). */
static bool p_end_stmt(struct parser *p, const char *after)
{
	if (p_accept(p, TK_SEMI) || p_is(p, TK_RBRACE))
		return true;
	return p_expect(p, TK_SEMI, after);
}

/* stmt = block | if_stmt | loop | jump | "delete" map ";" | assign ";"
 *      | expr ";" | ";"
 * assign = lvalue ("=" | "+=" | ... | ">>=") expr */
static struct node *p_stmt(struct parser *p)
{
	struct node *n, *e;
	struct loc l;

	if (!p_enter(p, &p->tok.loc)) {
		p_sync(p);
		return NULL;
	}
	switch (p->tok.kind) {
	case TK_LBRACE:
		n = p_block(p);
		p_leave(p);
		return n;
	case TK_IF:
		n = p_if(p);
		p_leave(p);
		return n;
	case TK_WHILE:
	case TK_UNROLL:
		n = p_loop(p);
		p_leave(p);
		return n;
	case TK_BREAK:
	case TK_CONTINUE:
	case TK_RETURN:
		n = p_jump(p);
		p_leave(p);
		return n;
	case TK_SEMI:
		/* an empty statement as the body of an if or else: an empty
		 * block, so statement slots are never NULL */
		n = p_node(p, N_BLOCK, &p->tok.loc);
		p_next(p);
		p_leave(p);
		return n;
	case TK_ELSE:
		p_error_at(p, &p->tok.loc, "unexpected 'else' without 'if'");
		p_next(p);
		goto fail;
	case TK_DELETE:
		n = p_node(p, N_DELETE, &p->tok.loc);
		p_next(p);
		n->lhs = p_postfix(p);
		if (!n->lhs)
			goto fail;
		if (!p_is_map_elem(n->lhs)) {
			p_error_at(p, &n->lhs->loc,
				   "delete needs a map element: @m[k] or m[k]");
			goto fail;
		}
		if (!p_end_stmt(p, "after delete"))
			goto fail;
		p_leave(p);
		return n;
	default:
		break;
	}

	e = p_expr(p);
	if (!e)
		goto fail;
	if (p_is(p, TK_ASSIGN) || opassign_ops[p->tok.kind]) {
		l = p->tok.loc;
		if (!p_is_lvalue(e)) {
			p_error_at(p, &l, "cannot assign to this expression: "
				   "only to a map, m[k], a name or a $variable");
			goto fail;
		}
		n = p_node(p, N_ASSIGN, &l);
		if (!p_is(p, TK_ASSIGN)) {
			n->kind = N_OPASSIGN;
			n->op = opassign_ops[p->tok.kind] - 1;
		}
		p_next(p);
		n->lhs = e;
		n->rhs = p_expr(p);
		if (!n->rhs)
			goto fail;
		if (p_is(p, TK_ASSIGN) || opassign_ops[p->tok.kind]) {
			p_error_at(p, &p->tok.loc,
				   "unexpected '%s': an assignment is a "
				   "statement, not a value",
				   tok_kind_str(p->tok.kind));
			goto fail;
		}
		if (!p_end_stmt(p, "after assignment"))
			goto fail;
	} else {
		n = p_node(p, N_EXPR, &e->loc);
		n->lhs = e;
		if (!p_end_stmt(p, "after expression"))
			goto fail;
	}
	p_leave(p);
	return n;
fail:
	p_sync(p);
	p_leave(p);
	return NULL;
}

/* ---- probes ---- */

/* spec = NAME (":" SPECTEXT)?   (lexed in spec mode from the current token) */
static struct spec *p_spec(struct parser *p)
{
	struct token t;
	struct spec *s;
	const char *colon;

	lex_spec(&p->lx, &p->tok, &t);
	if (t.kind != TK_SPEC) {
		p->tok = t;
		p_error_unexpected(p, "probe specifier");
		return NULL;
	}
	p->tok = t;
	s = arena_alloc(p->a, sizeof(*s));
	s->loc = t.loc;
	colon = strchr(t.name, ':');
	if (colon) {
		s->provider = arena_strndup(p->a, t.name, (size_t)(colon - t.name));
		s->target = colon + 1;
		if (!*s->target) {
			p_error_at(p, &t.loc, "expected probe target after '%s:'",
				   s->provider);
			p_next(p);
			return NULL;
		}
	} else {
		s->provider = t.name;
		s->target = "";
	}
	p_next(p);
	return s;
}

/* Skip a broken probe header up to its body's '{' (kept, so the body is still
 * parsed and checked) or a ';' ending an if-body probe. */
static void p_sync_probe(struct parser *p)
{
	while (!p_is(p, TK_EOF) && !p_is(p, TK_LBRACE) && !p_is(p, TK_IF))
		p_next(p);
}

/* probe = spec ("," spec)* ("/" expr "/")? (block | if_stmt) */
static struct node *p_probe(struct parser *p)
{
	struct node *n;
	struct spec head = { 0 }, *tail = &head, *s;
	bool ok = true;

	n = p_node(p, N_PROBE, &p->tok.loc);
	for (;;) {
		s = p_spec(p);
		if (!s) {
			ok = false;
			break;
		}
		tail = tail->next = s;
		if (!p_accept(p, TK_COMMA))
			break;
	}
	n->specs = head.next;
	if (n->specs)
		n->loc = n->specs->loc;

	if (ok && p_is(p, TK_SLASH)) {
		p_next(p);
		p->no_div = true;
		n->pred = p_expr(p);
		p->no_div = false;
		if (!n->pred || !p_expect(p, TK_SLASH, "to end the predicate"))
			ok = false;
	}
	if (ok && !p_is(p, TK_LBRACE) && !p_is(p, TK_IF)) {
		p_error_unexpected(p, "'{' or 'if' to start the probe's body");
		ok = false;
	}
	if (!ok) {
		p_sync_probe(p);
		if (p_is(p, TK_EOF))
			return NULL;
	}
	if (p_is(p, TK_IF))
		n->body = p_stmt(p);
	else
		n->body = p_block(p);
	return ok && n->body ? n : NULL;
}

static void p_init(struct parser *p, struct arena *a, const struct source *src,
		   struct diag *d)
{
	memset(p, 0, sizeof(*p));
	p->a = a;
	lex_init(&p->lx, a, src, d);
	lex_next(&p->lx, &p->tok);
}

/* script = (cdef | probe)+ */
struct node *parse_script(struct arena *a, const struct source *src,
			  struct diag *d)
{
	struct parser p;
	struct node head = { 0 }, *tail = &head;
	bool probes = false;

	p_init(&p, a, src, d);
	while (!p_is(&p, TK_EOF)) {
		size_t before = p.tok.off;
		struct node *n;

		if (p_is(&p, TK_STRUCT) || p_is(&p, TK_UNION) ||
		    p_is(&p, TK_ENUM) || p_is(&p, TK_TYPEDEF)) {
			n = p_cdef(&p);
		} else {
			n = p_probe(&p);
			probes = true;
		}
		if (n)
			tail = tail->next = n;
		/* a stray '}' or ';' between probes: skip it, or we would
		 * report it forever */
		if (!p_is(&p, TK_EOF) && p.tok.off == before)
			p_next(&p);
	}
	if (!probes && !p.lx.errors)
		p_error_at(&p, &p.tok.loc, "no probes in the script");
	if (p.lx.errors)
		return NULL;
	return head.next;
}

/* expr_text = expr EOF */
struct node *parse_expr_text(struct arena *a, const struct source *src,
			     struct diag *d)
{
	struct parser p;
	struct node *n;

	p_init(&p, a, src, d);
	n = p_expr(&p);
	if (n && !p_is(&p, TK_EOF))
		p_error_unexpected(&p, "end of expression");
	if (p.lx.errors)
		return NULL;
	return n;
}
