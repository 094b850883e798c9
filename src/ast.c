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
};

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

static void ast_dump_one(FILE *out, const struct node *n, int indent)
{
	const struct spec *s;

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
	if (n->type) {
		char buf[128];

		fprintf(out, " :%s", type_name(n->type, buf, sizeof(buf)));
	}
	fputc('\n', out);

	switch (n->kind) {
	case N_UNARY:
	case N_MEMBER:
	case N_EXPR:
	case N_DELETE:
		ast_dump_list(out, n->lhs, indent + 1);
		break;
	case N_BINARY:
	case N_ASSIGN:
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
