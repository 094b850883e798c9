/* ast.c - AST helpers: deep copy, the visitor, the -S dump, operator
 * spellings.
 *
 * ast_dump() prints one node per line, children indented two spaces deeper
 * than their parent, and after sema each typed expression's type:
 *
 *   probe tracepoint:syscalls/sys_enter_openat
 *     pred
 *       binary == :s32
 *         ident pid :u32
 *         num 42 :s64
 *     block
 *       expr
 *         call printf
 *           str "%d\n"
 *           ident pid
 *
 * The format is what golden tests compare: keep it stable.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "type.h"

static const char *const binop_names[] = {
	[B_MUL] = "*", [B_DIV] = "/", [B_MOD] = "%",
	[B_ADD] = "+", [B_SUB] = "-",
	[B_SHL] = "<<", [B_SHR] = ">>",
	[B_LT] = "<", [B_LE] = "<=", [B_GT] = ">", [B_GE] = ">=",
	[B_EQ] = "==", [B_NE] = "!=",
	[B_AND] = "&", [B_XOR] = "^", [B_OR] = "|",
	[B_LAND] = "&&", [B_LOR] = "||",
};

static const char *const unop_names[] = {
	[U_NEG] = "-", [U_NOT] = "!", [U_BNOT] = "~", [U_DEREF] = "*",
	[U_ADDR] = "&",
};

const char *incdec_str(enum incdec op)
{
	return op == ID_PREINC || op == ID_POSTINC ? "++" : "--";
}

const char *binop_str(enum binop op)
{
	if ((unsigned)op >= sizeof(binop_names) / sizeof(binop_names[0]))
		return "?";
	return binop_names[op];
}

const char *unop_str(enum unop op)
{
	if ((unsigned)op >= sizeof(unop_names) / sizeof(unop_names[0]))
		return "?";
	return unop_names[op];
}

/* ---- C types as text ----
 * A string being built, which may grow at either end (C declarators wrap
 * the name: `*` before it, `[N]` and `(params)` after).  Truncates safely. */
struct sbuf {
	char *b;
	size_t n, len;
};

static void sb_add(struct sbuf *sb, const char *s)
{
	size_t k = strlen(s);

	if (sb->len + k >= sb->n)
		k = sb->n - 1 - sb->len;
	memcpy(sb->b + sb->len, s, k);
	sb->len += k;
	sb->b[sb->len] = '\0';
}

static void sb_prepend(struct sbuf *sb, const char *s)
{
	size_t k = strlen(s);

	if (k >= sb->n)
		return;
	if (sb->len + k >= sb->n)
		sb->len = sb->n - 1 - k;
	memmove(sb->b + k, sb->b, sb->len);
	memcpy(sb->b, s, k);
	sb->len += k;
	sb->b[sb->len] = '\0';
}

static void expr_text(struct sbuf *sb, const struct node *e);

static void expr_sub(struct sbuf *sb, const struct node *e)
{
	bool paren = e->kind == N_BINARY || e->kind == N_COND;

	if (paren)
		sb_add(sb, "(");
	expr_text(sb, e);
	if (paren)
		sb_add(sb, ")");
}

/* A constant expression as C (array lengths, bitfield widths, enumerator
 * values): enough for what those hold. */
static void expr_text(struct sbuf *sb, const struct node *e)
{
	char tmp[512];

	switch (e->kind) {
	case N_NUM:
		snprintf(tmp, sizeof(tmp), "%" PRIu64, e->num);
		sb_add(sb, tmp);
		break;
	case N_IDENT:
		sb_add(sb, e->name);
		break;
	case N_UNARY:
		sb_add(sb, unop_str(e->op));
		expr_sub(sb, e->lhs);
		break;
	case N_BINARY:
		expr_sub(sb, e->lhs);
		sb_add(sb, " ");
		sb_add(sb, binop_str(e->op));
		sb_add(sb, " ");
		expr_sub(sb, e->rhs);
		break;
	case N_COND:
		expr_sub(sb, e->cond);
		sb_add(sb, " ? ");
		expr_sub(sb, e->lhs);
		sb_add(sb, " : ");
		expr_sub(sb, e->rhs);
		break;
	case N_SIZEOF:
		sb_add(sb, "sizeof(");
		if (e->ctype)
			sb_add(sb, ctype_str(e->ctype, NULL, tmp, sizeof(tmp)));
		else
			expr_text(sb, e->lhs);
		sb_add(sb, ")");
		break;
	case N_CAST:
		sb_add(sb, "(");
		sb_add(sb, ctype_str(e->ctype, NULL, tmp, sizeof(tmp)));
		sb_add(sb, ")");
		expr_sub(sb, e->lhs);
		break;
	default:
		sb_add(sb, "...");
		break;
	}
}

/* The base of a type: "struct sock", "union <anonymous>", "u32". */
static void ctype_base(struct sbuf *sb, const struct ctype *t)
{
	switch (t->tag) {
	case CTAG_STRUCT:
		sb_add(sb, "struct ");
		break;
	case CTAG_UNION:
		sb_add(sb, "union ");
		break;
	case CTAG_ENUM:
		sb_add(sb, "enum ");
		break;
	case CTAG_NONE:
		break;
	}
	sb_add(sb, t->name ? t->name : "<anonymous>");
}

const char *ctype_str(const struct ctype *t, const char *name, char *buf,
		      size_t n)
{
	char decl[512], tmp[512];
	struct sbuf d = { decl, sizeof(decl), 0 }, out = { buf, n, 0 };
	bool star = false;	/* the declarator so far ends in a '*' */
	const struct cdecl *p;

	if (!n)
		return buf;
	buf[0] = decl[0] = '\0';
	sb_add(&d, name ? name : "");
	for (; t->kind != CT_NAME; t = t->of) {
		switch (t->kind) {
		case CT_PTR:
			sb_prepend(&d, "*");
			star = true;
			continue;
		case CT_ARRAY:
		case CT_FUNC:
			if (star) {
				sb_prepend(&d, "(");
				sb_add(&d, ")");
			}
			star = false;
			break;
		case CT_NAME:
			break;
		}
		if (t->kind == CT_ARRAY) {
			sb_add(&d, "[");
			if (t->len)
				expr_text(&d, t->len);
			sb_add(&d, "]");
			continue;
		}
		sb_add(&d, "(");
		for (p = t->params; p; p = p->next) {
			if (p != t->params)
				sb_add(&d, ", ");
			sb_add(&d, ctype_str(p->type, p->name, tmp, sizeof(tmp)));
		}
		if (t->variadic)
			sb_add(&d, t->params ? ", ..." : "...");
		else if (!t->params)
			sb_add(&d, "void");
		sb_add(&d, ")");
	}
	ctype_base(&out, t);
	/* "char[16]" and "char name[16]", "struct sock *" */
	if (decl[0] && decl[0] != '[')
		sb_add(&out, " ");
	sb_add(&out, decl);
	return buf;
}

/* ---- clone ---- */

static struct node *ast_clone_one(struct arena *a, const struct node *n)
{
	struct node *c;

	if (!n)
		return NULL;
	c = arena_alloc(a, sizeof(*c));
	*c = *n;
	c->next = NULL;
	c->lhs = ast_clone(a, n->lhs);
	c->rhs = ast_clone(a, n->rhs);
	c->cond = ast_clone(a, n->cond);
	c->args = ast_clone(a, n->args);
	c->body = ast_clone(a, n->body);
	c->pred = ast_clone(a, n->pred);
	/* specs, name and str are never written after parsing: share them */
	return c;
}

struct node *ast_clone(struct arena *a, const struct node *n)
{
	struct node head = { 0 }, *tail = &head;

	/* lists iteratively: a probe body can hold many statements */
	for (; n; n = n->next)
		tail = tail->next = ast_clone_one(a, n);
	return head.next;
}

/* The child fields, in the order every walk visits them. */
int ast_visit(const struct node *n, ast_visit_fn fn, void *ctx)
{
	int r;

	for (; n; n = n->next) {
		if ((r = fn(n, ctx)) || (r = ast_visit(n->cond, fn, ctx)) ||
		    (r = ast_visit(n->pred, fn, ctx)) ||
		    (r = ast_visit(n->lhs, fn, ctx)) ||
		    (r = ast_visit(n->rhs, fn, ctx)) ||
		    (r = ast_visit(n->args, fn, ctx)) ||
		    (r = ast_visit(n->body, fn, ctx)))
			return r;
	}
	return 0;
}

/* ---- dump ---- */

static void ast_dump_str(FILE *out, const char *s, unsigned len)
{
	fputc('"', out);
	for (unsigned i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		case '\\': fputs("\\\\", out); break;
		case '"': fputs("\\\"", out); break;
		default:
			if (c < 0x20 || c >= 0x7f)
				fprintf(out, "\\x%02x", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

static void ast_dump_one(FILE *out, const struct node *n, int indent);

static void ast_dump_list(FILE *out, const struct node *n, int indent)
{
	for (; n; n = n->next)
		ast_dump_one(out, n, indent);
}

static void ast_dump_label(FILE *out, const char *label, int indent)
{
	fprintf(out, "%*s%s\n", indent * 2, "", label);
}

/* " : 3", " = 1 << 3": a constant expression after a member or
 * enumerator. */
static void ast_dump_const(FILE *out, const char *sep, const struct node *e)
{
	char val[512];
	struct sbuf sb = { val, sizeof(val), 0 };

	if (!e)
		return;
	val[0] = '\0';
	expr_text(&sb, e);
	fprintf(out, "%s%s", sep, val);
}

/* The body of a struct, union or enum written in the script: a line per
 * member or enumerator, inline definitions below their member. */
static void ast_dump_body(FILE *out, const struct ctype *t, int indent)
{
	const struct cdecl *f;
	const struct cenum *e;
	char buf[512];

	for (f = t->fields; f; f = f->next) {
		const struct ctype *base = f->type;

		fprintf(out, "%*sfield %s", indent * 2, "",
			ctype_str(f->type, f->name, buf, sizeof(buf)));
		ast_dump_const(out, " : ", f->bits);
		fputc('\n', out);
		while (base->kind != CT_NAME)
			base = base->of;
		ast_dump_body(out, base, indent + 1);
	}
	for (e = t->enums; e; e = e->next) {
		fprintf(out, "%*senumerator %s", indent * 2, "", e->name);
		ast_dump_const(out, " = ", e->value);
		fputc('\n', out);
	}
}

static void ast_dump_one(FILE *out, const struct node *n, int indent)
{
	const struct spec *s;
	char buf[512];

	fprintf(out, "%*s", indent * 2, "");
	switch (n->kind) {
	case N_NUM:
		fprintf(out, "num %" PRIu64, n->num);
		break;
	case N_STR:
		fputs("str ", out);
		ast_dump_str(out, n->str, n->len);
		break;
	case N_IDENT:
		fprintf(out, "ident %s", n->name);
		break;
	case N_MAP:
		fprintf(out, "map %s", n->name);
		break;
	case N_UNARY:
		fprintf(out, "unary %s", unop_str(n->op));
		break;
	case N_BINARY:
		fprintf(out, "binary %s", binop_str(n->op));
		break;
	case N_COND:
		fputs("cond", out);
		break;
	case N_MEMBER:
		fprintf(out, "member %s%s", n->arrow ? "->" : ".", n->name);
		break;
	case N_INDEX:
		fputs("index", out);
		break;
	case N_CALL:
		fprintf(out, "call %s", n->name);
		break;
	case N_CAST:
		fprintf(out, "cast (%s)", ctype_str(n->ctype, NULL, buf,
						    sizeof(buf)));
		break;
	case N_SIZEOF:
		fputs("sizeof", out);
		if (n->ctype)
			fprintf(out, " (%s)", ctype_str(n->ctype, NULL, buf,
							sizeof(buf)));
		break;
	case N_OFFSETOF: {
		const struct node *m;

		fprintf(out, "offsetof (%s) ", ctype_str(n->ctype, NULL, buf,
							 sizeof(buf)));
		for (m = n->args; m; m = m->next)
			fprintf(out, "%s%s", m == n->args ? "" : ".", m->name);
		break;
	}
	case N_CDEF:
		fprintf(out, "cdef %s%s", n->is_typedef ? "typedef " : "",
			ctype_str(n->ctype, NULL, buf, sizeof(buf)));
		break;
	case N_BLOCK:
		fputs("block", out);
		break;
	case N_IF:
		fputs("if", out);
		break;
	case N_EXPR:
		fputs("expr", out);
		break;
	case N_ASSIGN:
		fputs("assign", out);
		break;
	case N_DELETE:
		fputs("delete", out);
		break;
	case N_VAR:
		fprintf(out, "var %s", n->name);
		break;
	case N_POSITIONAL:
		fprintf(out, "positional $%" PRIu64, n->num);
		break;
	case N_PARAMCOUNT:
		fputs("paramcount $#", out);
		break;
	case N_INCDEC:
		fprintf(out, "incdec %s%s",
			n->op == ID_PREINC || n->op == ID_PREDEC ? "pre" : "post",
			incdec_str(n->op));
		break;
	case N_TUPLE:
		fputs("tuple", out);
		break;
	case N_TUPLE_INDEX:
		fprintf(out, "tuple_index .%" PRIu64, n->num);
		break;
	case N_OPASSIGN:
		fprintf(out, "opassign %s=", binop_str(n->op));
		break;
	case N_WHILE:
		fputs("while", out);
		break;
	case N_UNROLL:
		fputs("unroll", out);
		break;
	case N_BREAK:
		fputs("break", out);
		break;
	case N_CONTINUE:
		fputs("continue", out);
		break;
	case N_RETURN:
		fputs("return", out);
		break;
	case N_PROBE:
		fputs("probe", out);
		for (s = n->specs; s; s = s->next)
			fprintf(out, "%s %s%s%s", s == n->specs ? "" : ",",
				s->provider, *s->target ? ":" : "", s->target);
		break;
	default:
		fprintf(out, "node %d", (int)n->kind);
		break;
	}
	if (n->type)
		fprintf(out, " :%s", type_name(n->type, buf, sizeof(buf)));
	fputc('\n', out);

	switch (n->kind) {
	case N_UNARY:
	case N_MEMBER:
	case N_EXPR:
	case N_DELETE:
	case N_INCDEC:
	case N_TUPLE_INDEX:
		ast_dump_list(out, n->lhs, indent + 1);
		break;
	case N_WHILE:
	case N_UNROLL:
		ast_dump_list(out, n->cond, indent + 1);
		ast_dump_list(out, n->lhs, indent + 1);
		break;
	case N_TUPLE:
		ast_dump_list(out, n->args, indent + 1);
		break;
	case N_CAST:
	case N_SIZEOF:
		ast_dump_list(out, n->lhs, indent + 1);
		break;
	case N_CDEF: {
		const struct cdecl *d;

		ast_dump_body(out, n->ctype, indent + 1);
		for (d = n->decls; d; d = d->next)
			fprintf(out, "%*sname %s\n", (indent + 1) * 2, "",
				ctype_str(d->type, d->name, buf, sizeof(buf)));
		break;
	}
	case N_BINARY:
	case N_ASSIGN:
	case N_OPASSIGN:
		ast_dump_list(out, n->lhs, indent + 1);
		ast_dump_list(out, n->rhs, indent + 1);
		break;
	case N_COND:
		ast_dump_list(out, n->cond, indent + 1);
		ast_dump_list(out, n->lhs, indent + 1);
		ast_dump_list(out, n->rhs, indent + 1);
		break;
	case N_INDEX:
		/* the indexed expression first, then the index or keys */
		ast_dump_list(out, n->lhs, indent + 1);
		ast_dump_list(out, n->args, indent + 1);
		break;
	case N_MAP:
	case N_CALL:
		ast_dump_list(out, n->args, indent + 1);
		break;
	case N_BLOCK:
		ast_dump_list(out, n->body, indent + 1);
		break;
	case N_IF:
		ast_dump_list(out, n->cond, indent + 1);
		ast_dump_list(out, n->lhs, indent + 1);
		if (n->rhs) {
			ast_dump_label(out, "else", indent + 1);
			ast_dump_list(out, n->rhs, indent + 2);
		}
		break;
	case N_PROBE:
		if (n->pred) {
			ast_dump_label(out, "pred", indent + 1);
			ast_dump_list(out, n->pred, indent + 2);
		}
		ast_dump_list(out, n->body, indent + 1);
		break;
	default:
		break;
	}
}

void ast_dump(FILE *out, const struct node *n, int indent)
{
	ast_dump_list(out, n, indent);
}
