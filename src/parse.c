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
 * written brackets hold at least one key or index; unary plus leaves no node.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "lex.h"

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

/* primary = NUM | CHAR | strings | "(" expr ")"
 *         | IDENT "(" args? ")" | IDENT | MAP ("[" args "]")? */
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
	case TK_LPAREN: {
		bool no_div = p->no_div;

		p_next(p);
		p->no_div = false;
		n = p_expr(p);
		p->no_div = no_div;
		if (!n || !p_expect(p, TK_RPAREN, "to close '('"))
			return NULL;
		return n;
	}
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

/* postfix = primary ("[" args "]" | "->" IDENT | "." IDENT)* */
static struct node *p_postfix(struct parser *p)
{
	struct node *n = p_primary(p), *m;
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

/* unary = ("!" | "~" | "-" | "+" | "*") unary | postfix */
static struct node *p_unary(struct parser *p)
{
	struct node *n;
	int op;

	switch (p->tok.kind) {
	case TK_NOT:   op = U_NOT; break;
	case TK_TILDE: op = U_BNOT; break;
	case TK_MINUS: op = U_NEG; break;
	case TK_STAR:  op = U_DEREF; break;
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

/* stmt = block | if_stmt | "delete" map ";" | assign ";" | expr ";" | ";"
 * assign = (map | IDENT) "=" expr */
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
	if (p_is(p, TK_ASSIGN)) {
		l = p->tok.loc;
		if (!p_is_map_elem(e) && e->kind != N_IDENT) {
			p_error_at(p, &l, "cannot assign to this expression: "
				   "only to a map, m[k] or a name");
			goto fail;
		}
		n = p_node(p, N_ASSIGN, &l);
		p_next(p);
		n->lhs = e;
		n->rhs = p_expr(p);
		if (!n->rhs)
			goto fail;
		if (p_is(p, TK_ASSIGN)) {
			p_error_at(p, &p->tok.loc,
				   "unexpected '=': an assignment is a statement, not a value");
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

/* script = probe+ */
struct node *parse_script(struct arena *a, const struct source *src,
			  struct diag *d)
{
	struct parser p;
	struct node head = { 0 }, *tail = &head;

	p_init(&p, a, src, d);
	if (p_is(&p, TK_EOF) && !p.lx.errors)
		p_error_at(&p, &p.tok.loc, "no probes in the script");
	while (!p_is(&p, TK_EOF)) {
		size_t before = p.tok.off;
		struct node *n = p_probe(&p);

		if (n)
			tail = tail->next = n;
		/* a stray '}' or ';' between probes: skip it, or we would
		 * report it forever */
		if (!p_is(&p, TK_EOF) && p.tok.off == before)
			p_next(&p);
	}
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
