/* check_parse.c - the parser: precedence and associativity of every level,
 * postfix forms, statements, probes, the dump format, error messages with
 * their locations, recovery, and inputs that must not crash. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "arena.h"
#include "ast.h"
#include "lex.h"
#include "unit.h"

/* ---- helpers ---- */

/* A compact prefix form of an expression: "(+ 1 (* 2 3))". */
static void sx(FILE *f, const struct node *n)
{
	const struct node *a;

	switch (n->kind) {
	case N_NUM:
		fprintf(f, "%" PRIu64, n->num);
		break;
	case N_STR:
		fprintf(f, "\"%s\"", n->str);
		break;
	case N_IDENT:
		fputs(n->name, f);
		break;
	case N_MAP:
		if (!n->args) {
			fputs(n->name, f);
			break;
		}
		fprintf(f, "(%s", n->name);
		for (a = n->args; a; a = a->next) {
			fputc(' ', f);
			sx(f, a);
		}
		fputc(')', f);
		break;
	case N_UNARY:
		fprintf(f, "(%s ", unop_str(n->op));
		sx(f, n->lhs);
		fputc(')', f);
		break;
	case N_BINARY:
		fprintf(f, "(%s ", binop_str(n->op));
		sx(f, n->lhs);
		fputc(' ', f);
		sx(f, n->rhs);
		fputc(')', f);
		break;
	case N_COND:
		fputs("(? ", f);
		sx(f, n->cond);
		fputc(' ', f);
		sx(f, n->lhs);
		fputc(' ', f);
		sx(f, n->rhs);
		fputc(')', f);
		break;
	case N_MEMBER:
		fprintf(f, "(%s ", n->arrow ? "->" : ".");
		sx(f, n->lhs);
		fprintf(f, " %s)", n->name);
		break;
	case N_INDEX:
		fputs("([] ", f);
		sx(f, n->lhs);
		for (a = n->args; a; a = a->next) {
			fputc(' ', f);
			sx(f, a);
		}
		fputc(')', f);
		break;
	case N_CALL:
		fprintf(f, "(%s()", n->name);
		for (a = n->args; a; a = a->next) {
			fputc(' ', f);
			sx(f, a);
		}
		fputc(')', f);
		break;
	case N_VAR:
		fputs(n->name, f);
		break;
	case N_POSITIONAL:
		fprintf(f, "$%" PRIu64, n->num);
		break;
	case N_PARAMCOUNT:
		fputs("$#", f);
		break;
	case N_INCDEC:
		if (n->op == ID_PREINC || n->op == ID_PREDEC)
			fprintf(f, "(pre%s ", incdec_str(n->op));
		else
			fprintf(f, "(post%s ", incdec_str(n->op));
		sx(f, n->lhs);
		fputc(')', f);
		break;
	case N_TUPLE:
		fputs("(tuple", f);
		for (a = n->args; a; a = a->next) {
			fputc(' ', f);
			sx(f, a);
		}
		fputc(')', f);
		break;
	case N_TUPLE_INDEX:
		fputs("(.N ", f);
		sx(f, n->lhs);
		fprintf(f, " %" PRIu64 ")", n->num);
		break;
	case N_CAST:
	case N_SIZEOF:
	case N_OFFSETOF: {
		char buf[256];

		fprintf(f, "(%s", n->kind == N_CAST ? "cast" : n->kind == N_SIZEOF ?
			"sizeof" : "offsetof");
		if (n->ctype)
			fprintf(f, " %s", ctype_str(n->ctype, NULL, buf, sizeof(buf)));
		if (n->lhs) {
			fputc(' ', f);
			sx(f, n->lhs);
		}
		for (a = n->args; a; a = a->next)
			fprintf(f, "%s%s", a == n->args ? " " : ".", a->name);
		fputc(')', f);
		break;
	}
	default:
		fprintf(f, "<kind %d>", (int)n->kind);
	}
}

/* Parse @text as one expression and compare its prefix form with @want. */
static void check_expr(const char *text, const char *want)
{
	struct arena *a = arena_new();
	struct source src = unit_source(text);
	struct unit_diag ud;
	struct node *n;
	char *buf = NULL;
	size_t size = 0;
	FILE *f;

	unit_diag_open(&ud);
	n = parse_expr_text(a, &src, &ud.d);
	ck_assert_msg(n != NULL, "%s: %s", text, unit_diag_text(&ud));
	ck_assert_uint_eq(ud.d.errors, 0);
	f = open_memstream(&buf, &size);
	sx(f, n);
	fclose(f);
	ck_assert_msg(!strcmp(buf, want), "%s: got %s, want %s", text, buf, want);
	free(buf);
	unit_diag_close(&ud);
	arena_free(a);
}

struct parsed {
	struct arena *a;
	struct source src;
	struct unit_diag ud;
	struct node *ast;
};

static void parse_text_n(struct parsed *p, const char *text, size_t len)
{
	p->a = arena_new();
	p->src = unit_source_n(text, len);
	unit_diag_open(&p->ud);
	p->ast = parse_script(p->a, &p->src, &p->ud.d);
}

static void parse_text(struct parsed *p, const char *text)
{
	parse_text_n(p, text, strlen(text));
}

static void parse_done(struct parsed *p)
{
	unit_diag_close(&p->ud);
	arena_free(p->a);
}

/* Parse a script that must be fine; compare its dump with @want. */
static void check_dump(const char *text, const char *want)
{
	struct parsed p;
	char *dump;

	parse_text(&p, text);
	ck_assert_msg(p.ast != NULL, "%s: %s", text, unit_diag_text(&p.ud));
	ck_assert_uint_eq(p.ud.d.errors, 0);
	dump = unit_ast_dump(p.ast);
	ck_assert_msg(!strcmp(dump, want), "%s:\n--- got\n%s--- want\n%s", text,
		      dump, want);
	free(dump);
	parse_done(&p);
}

/* Parse a script that must fail; every string in @want (NULL-terminated)
 * must be in the diagnostics.  Returns the number of errors. */
static unsigned check_errors(const char *text, size_t len,
			     const char *const *want)
{
	struct parsed p;
	unsigned n;

	parse_text_n(&p, text, len);
	ck_assert_msg(p.ast == NULL, "%.200s: parsed", text);
	ck_assert_uint_gt(p.ud.d.errors, 0);
	for (; want && *want; want++)
		ck_assert_msg(strstr(unit_diag_text(&p.ud), *want),
			      "%.200s:\n--- got\n%.2000s--- want\n%s", text,
			      unit_diag_text(&p.ud), *want);
	n = p.ud.d.errors;
	parse_done(&p);
	return n;
}

#define ERRORS(text, ...) \
	check_errors(text, strlen(text), (const char *const[]){ __VA_ARGS__, NULL })

/* ---- expressions ---- */

START_TEST(test_precedence_levels)
{
	check_expr("1 + 2 * 3 << 1 == 4 & 5", "(& (== (<< (+ 1 (* 2 3)) 1) 4) 5)");
	/* each level against the next tighter one, both ways */
	check_expr("a || b && c", "(|| a (&& b c))");
	check_expr("a && b || c", "(|| (&& a b) c)");
	check_expr("a && b | c", "(&& a (| b c))");
	check_expr("a | b && c", "(&& (| a b) c)");
	check_expr("a | b ^ c", "(| a (^ b c))");
	check_expr("a ^ b | c", "(| (^ a b) c)");
	check_expr("a ^ b & c", "(^ a (& b c))");
	check_expr("a & b ^ c", "(^ (& a b) c)");
	check_expr("a & b == c", "(& a (== b c))");
	check_expr("a != b & c", "(& (!= a b) c)");
	check_expr("a == b < c", "(== a (< b c))");
	check_expr("a >= b != c", "(!= (>= a b) c)");
	check_expr("a < b << c", "(< a (<< b c))");
	check_expr("a >> b <= c", "(<= (>> a b) c)");
	check_expr("a << b + c", "(<< a (+ b c))");
	check_expr("a - b >> c", "(>> (- a b) c)");
	check_expr("a + b * c", "(+ a (* b c))");
	check_expr("a % b - c", "(- (% a b) c)");
	check_expr("-a * b", "(* (- a) b)");
	check_expr("a * -b", "(* a (- b))");
	check_expr("(a + b) * c", "(* (+ a b) c)");
	check_expr("a || b ? c : d", "(? (|| a b) c d)");
}
END_TEST

START_TEST(test_associativity)
{
	check_expr("a - b - c", "(- (- a b) c)");
	check_expr("a + b - c + d", "(+ (- (+ a b) c) d)");
	check_expr("a / b / c", "(/ (/ a b) c)");
	check_expr("a * b % c", "(% (* a b) c)");
	check_expr("a << b >> c", "(>> (<< a b) c)");
	check_expr("a < b > c", "(> (< a b) c)");
	check_expr("a <= b >= c", "(>= (<= a b) c)");
	check_expr("a == b != c", "(!= (== a b) c)");
	check_expr("a & b & c", "(& (& a b) c)");
	check_expr("a ^ b ^ c", "(^ (^ a b) c)");
	check_expr("a | b | c", "(| (| a b) c)");
	check_expr("a && b && c", "(&& (&& a b) c)");
	check_expr("a || b || c", "(|| (|| a b) c)");
	/* ?: is right-associative */
	check_expr("a ? b : c ? d : e", "(? a b (? c d e))");
	check_expr("a ? b ? c : d : e", "(? a (? b c d) e)");
	/* unary operators nest to the right */
	check_expr("!~-*p", "(! (~ (- (* p))))");
	check_expr("- -a", "(- (- a))");
	check_expr("+a", "a");
	check_expr("-+a", "(- a)");
}
END_TEST

START_TEST(test_postfix)
{
	check_expr("-a[1]", "(- ([] a 1))");
	check_expr("*p->f", "(* (-> p f))");
	check_expr("!s.a.b", "(! (. (. s a) b))");
	check_expr("x[1][2]", "([] ([] x 1) 2)");
	check_expr("m[1, 2]", "([] m 1 2)");
	check_expr("args->filename[0]", "([] (-> args filename) 0)");
	check_expr("f()", "(f())");
	check_expr("str(args->filename, 16)", "(str() (-> args filename) 16)");
	check_expr("f(a + b, g(c))[1]", "([] (f() (+ a b) (g() c)) 1)");
	check_expr("@", "@");
	check_expr("@[1]", "(@ 1)");
	check_expr("@m", "@m");
	check_expr("@m[pid, comm]", "(@m pid comm)");
	check_expr("@m[1] + 1", "(+ (@m 1) 1)");
	check_expr("(a ? b : c)->d", "(-> (? a b c) d)");
}
END_TEST

START_TEST(test_literals)
{
	check_expr("0x10 + 010 + 0b10 + 1_000", "(+ (+ (+ 16 8) 2) 1000)");
	check_expr("'a'", "97");
	check_expr("\"ab\" \"cd\"", "\"abcd\"");
	{
		struct arena *a = arena_new();
		struct source src = unit_source("\"a\\0b\"\n  \"c\"");
		struct unit_diag ud;
		struct node *n;

		unit_diag_open(&ud);
		n = parse_expr_text(a, &src, &ud.d);
		ck_assert_ptr_nonnull(n);
		ck_assert_int_eq(n->kind, N_STR);
		ck_assert_uint_eq(n->len, 4);
		ck_assert_mem_eq(n->str, "a\0bc", 5);
		ck_assert_uint_eq(n->loc.line, 1);
		ck_assert_uint_eq(n->loc.col, 1);
		unit_diag_close(&ud);
		arena_free(a);
	}
}
END_TEST

START_TEST(test_expr_locations)
{
	struct arena *a = arena_new();
	struct source src = unit_source("foo +\n  @bar[x]->y");
	struct unit_diag ud;
	struct node *n;

	unit_diag_open(&ud);
	n = parse_expr_text(a, &src, &ud.d);
	ck_assert_ptr_nonnull(n);
	/* a binary node has its operator's location */
	ck_assert_int_eq(n->kind, N_BINARY);
	ck_assert_uint_eq(n->loc.line, 1);
	ck_assert_uint_eq(n->loc.col, 5);
	ck_assert_uint_eq(n->lhs->loc.col, 1);
	ck_assert_uint_eq(n->lhs->loc.len, 3);
	/* a member has its name's location */
	ck_assert_int_eq(n->rhs->kind, N_MEMBER);
	ck_assert_uint_eq(n->rhs->loc.line, 2);
	ck_assert_uint_eq(n->rhs->loc.col, 12);
	ck_assert_uint_eq(n->rhs->lhs->loc.col, 3);
	ck_assert_uint_eq(n->rhs->lhs->loc.len, 4);
	ck_assert_ptr_eq(n->loc.src, &src);
	unit_diag_close(&ud);
	arena_free(a);
}
END_TEST

/* ---- statements and probes ---- */

START_TEST(test_dump_probe)
{
	check_dump("tracepoint:syscalls/sys_enter_openat /pid == 42/ {\n"
		   "\tprintf(\"%s\\n\", str(args->filename));\n"
		   "}\n",
		   "probe tracepoint:syscalls/sys_enter_openat\n"
		   "  pred\n"
		   "    binary ==\n"
		   "      ident pid\n"
		   "      num 42\n"
		   "  block\n"
		   "    expr\n"
		   "      call printf\n"
		   "        str \"%s\\n\"\n"
		   "        call str\n"
		   "          member ->filename\n"
		   "            ident args\n");
}
END_TEST

START_TEST(test_statements)
{
	check_dump("BEGIN {\n"
		   "  @c[comm, pid] = count();\n"
		   "  @ = 1; @[2] = 3;\n"
		   "  x[1, 2] = 3;\n"
		   "  y = 4;;\n"
		   "  delete x[1, 2];\n"
		   "  delete @c[comm, pid];\n"
		   "  if (y) { exit(0); } else if (!y) print(@c); else ;\n"
		   "  { }\n"
		   "  y ? 1 : 2\n"
		   "}",
		   "probe BEGIN\n"
		   "  block\n"
		   "    assign\n"
		   "      map @c\n"
		   "        ident comm\n"
		   "        ident pid\n"
		   "      call count\n"
		   "    assign\n"
		   "      map @\n"
		   "      num 1\n"
		   "    assign\n"
		   "      map @\n"
		   "        num 2\n"
		   "      num 3\n"
		   "    assign\n"
		   "      index\n"
		   "        ident x\n"
		   "        num 1\n"
		   "        num 2\n"
		   "      num 3\n"
		   "    assign\n"
		   "      ident y\n"
		   "      num 4\n"
		   "    delete\n"
		   "      index\n"
		   "        ident x\n"
		   "        num 1\n"
		   "        num 2\n"
		   "    delete\n"
		   "      map @c\n"
		   "        ident comm\n"
		   "        ident pid\n"
		   "    if\n"
		   "      ident y\n"
		   "      block\n"
		   "        expr\n"
		   "          call exit\n"
		   "            num 0\n"
		   "      else\n"
		   "        if\n"
		   "          unary !\n"
		   "            ident y\n"
		   "          expr\n"
		   "            call print\n"
		   "              map @c\n"
		   "          else\n"
		   "            block\n"
		   "    block\n"
		   "    expr\n"
		   "      cond\n"
		   "        ident y\n"
		   "        num 1\n"
		   "        num 2\n");
}
END_TEST

/* bpftrace's expressions: $x, $1, $#, ++ and --, tuples and their
 * elements, scientific literals */
START_TEST(test_bpftrace_exprs)
{
	check_expr("$x + $1 * $#", "(+ $x (* $1 $#))");
	check_expr("$x++ + --$y", "(+ (post++ $x) (pre-- $y))");
	check_expr("-@m[1]--", "(- (post-- (@m 1)))");
	check_expr("++@", "(pre++ @)");
	check_expr("!x++", "(! (post++ x))");
	check_expr("(1, \"a\", (2, $z))", "(tuple 1 \"a\" (tuple 2 $z))");
	check_expr("(1)", "1");
	check_expr("$t.0 + $t.12", "(+ (.N $t 0) (.N $t 12))");
	check_expr("$s.name", "(. $s name)");
	check_expr("1e6 / 2E3", "(/ 1000000 2000)");
	check_expr("$10", "$10");
}
END_TEST

/* bpftrace's statements: scratch and compound assignments, loops, jumps,
 * delete with parentheses, exit() with no argument */
START_TEST(test_bpftrace_statements)
{
	check_dump("BEGIN {\n"
		   "  $x = 1; $x += 2; @m[1] -= 3; n *= 4;\n"
		   "  @a /= 5; @a %= 6; @a &= 7; @a |= 8; @a ^= 9;\n"
		   "  @a <<= 1; @a >>= 2;\n"
		   "  @c[comm]++;\n"
		   "  while ($x < 10) { $x++; if ($x == 2) { continue; } break; }\n"
		   "  unroll(2) @u++;\n"
		   "  delete(@m[1]); delete(@a);\n"
		   "  exit(); return\n"
		   "}",
		   "probe BEGIN\n"
		   "  block\n"
		   "    assign\n"
		   "      var $x\n"
		   "      num 1\n"
		   "    opassign +=\n"
		   "      var $x\n"
		   "      num 2\n"
		   "    opassign -=\n"
		   "      map @m\n"
		   "        num 1\n"
		   "      num 3\n"
		   "    opassign *=\n"
		   "      ident n\n"
		   "      num 4\n"
		   "    opassign /=\n"
		   "      map @a\n"
		   "      num 5\n"
		   "    opassign %=\n"
		   "      map @a\n"
		   "      num 6\n"
		   "    opassign &=\n"
		   "      map @a\n"
		   "      num 7\n"
		   "    opassign |=\n"
		   "      map @a\n"
		   "      num 8\n"
		   "    opassign ^=\n"
		   "      map @a\n"
		   "      num 9\n"
		   "    opassign <<=\n"
		   "      map @a\n"
		   "      num 1\n"
		   "    opassign >>=\n"
		   "      map @a\n"
		   "      num 2\n"
		   "    expr\n"
		   "      incdec post++\n"
		   "        map @c\n"
		   "          ident comm\n"
		   "    while\n"
		   "      binary <\n"
		   "        var $x\n"
		   "        num 10\n"
		   "      block\n"
		   "        expr\n"
		   "          incdec post++\n"
		   "            var $x\n"
		   "        if\n"
		   "          binary ==\n"
		   "            var $x\n"
		   "            num 2\n"
		   "          block\n"
		   "            continue\n"
		   "        break\n"
		   "    unroll\n"
		   "      num 2\n"
		   "      expr\n"
		   "        incdec post++\n"
		   "          map @u\n"
		   "    delete\n"
		   "      map @m\n"
		   "        num 1\n"
		   "    delete\n"
		   "      map @a\n"
		   "    expr\n"
		   "      call exit\n"
		   "    return\n");
}
END_TEST

/* Probes as bpftrace's tools write them: lists across lines, predicates
 * on maps, positional parameters in specifiers kept as written (the
 * providers substitute them), BEGIN and END in a list, comments. */
START_TEST(test_bpftrace_probes)
{
	check_dump("// a tool\n"
		   "kprobe:blk_account_io_start,\n"
		   "kprobe:__blk_account_io_start\n"
		   "/@start[arg0]/ /* why */\n"
		   "{ @s = 1 }\n"
		   "uprobe:$1:readline, BEGIN,END { }\n",
		   "probe kprobe:blk_account_io_start, kprobe:__blk_account_io_start\n"
		   "  pred\n"
		   "    map @start\n"
		   "      ident arg0\n"
		   "  block\n"
		   "    assign\n"
		   "      map @s\n"
		   "      num 1\n"
		   "probe uprobe:$1:readline, BEGIN, END\n"
		   "  block\n");
}
END_TEST

START_TEST(test_bpftrace_errors)
{
	ERRORS("BEGIN { 1++; }", "1:9: error: ++ needs a variable or a map element");
	ERRORS("BEGIN { --f(); }", "1:11: error: -- needs a variable or a map element");
	ERRORS("BEGIN { 3 += 1; }", "1:11: error: cannot assign to this expression");
	ERRORS("BEGIN { $x = $y += 1; }",
	       "1:17: error: unexpected '+=': an assignment is a statement");
	ERRORS("BEGIN { while $x { } }", "1:15: error: expected '(' after 'while'");
	ERRORS("BEGIN { unroll(3 { } }", "1:18: error: expected ')' after the count");
	ERRORS("BEGIN { break 1; }", "1:15: error: expected ';' after 'break'");
	ERRORS("BEGIN { $ = 1; }", "1:9: error: expected a name, a number or '#' after '$'");
	ERRORS("BEGIN { $t = (1, ); }", "1:18: error: expected expression, found ')'");
}
END_TEST

START_TEST(test_probes)
{
	/* several specs share a block; a probe may have an if as its body */
	check_dump("#!/usr/bin/env spry\n"
		   "tracepoint:a/b, t:sched:sched_switch,\n"
		   "  kprobe:vfs_*r[ei][at][de] { @ = count() }\n"
		   "u:/lib/libc.so.6:malloc if (arg0 > 1024) @big = count();\n"
		   "END{exit(0)}\n"
		   "profile:cpu0:99hz /(x / 2) > 1/{ y = 1 }\n"
		   "i:500ms /a/ {}",
		   "probe tracepoint:a/b, t:sched:sched_switch, kprobe:vfs_*r[ei][at][de]\n"
		   "  block\n"
		   "    assign\n"
		   "      map @\n"
		   "      call count\n"
		   "probe u:/lib/libc.so.6:malloc\n"
		   "  if\n"
		   "    binary >\n"
		   "      ident arg0\n"
		   "      num 1024\n"
		   "    assign\n"
		   "      map @big\n"
		   "      call count\n"
		   "probe END\n"
		   "  block\n"
		   "    expr\n"
		   "      call exit\n"
		   "        num 0\n"
		   "probe profile:cpu0:99hz\n"
		   "  pred\n"
		   "    binary >\n"
		   "      binary /\n"
		   "        ident x\n"
		   "        num 2\n"
		   "      num 1\n"
		   "  block\n"
		   "    assign\n"
		   "      ident y\n"
		   "      num 1\n"
		   "probe i:500ms\n"
		   "  pred\n"
		   "    ident a\n"
		   "  block\n");
}
END_TEST

START_TEST(test_specs)
{
	struct parsed p;
	const struct spec *s;

	parse_text(&p, "tracepoint:syscalls/sys_enter_openat,\n"
		   "  uprobe:/usr/lib/x86_64-linux-gnu/libc.so.6:getaddr*,BEGIN {}");
	ck_assert_ptr_nonnull(p.ast);
	s = p.ast->specs;
	ck_assert_str_eq(s->provider, "tracepoint");
	ck_assert_str_eq(s->target, "syscalls/sys_enter_openat");
	ck_assert_uint_eq(s->loc.line, 1);
	ck_assert_uint_eq(s->loc.col, 1);
	ck_assert_uint_eq(s->loc.len, 36);
	s = s->next;
	ck_assert_str_eq(s->provider, "uprobe");
	ck_assert_str_eq(s->target, "/usr/lib/x86_64-linux-gnu/libc.so.6:getaddr*");
	ck_assert_uint_eq(s->loc.line, 2);
	ck_assert_uint_eq(s->loc.col, 3);
	s = s->next;
	ck_assert_str_eq(s->provider, "BEGIN");
	ck_assert_str_eq(s->target, "");
	ck_assert_ptr_null(s->next);
	/* the probe node is located at its first specifier */
	ck_assert_uint_eq(p.ast->loc.line, 1);
	ck_assert_uint_eq(p.ast->loc.len, 36);
	ck_assert_ptr_null(p.ast->next);
	parse_done(&p);
}
END_TEST

START_TEST(test_clone)
{
	static const char text[] =
		"k:f /a == 1/ { @m[a, b] = count(); if (x) y = -z->w.v[1]; else delete q[1]; }\n"
		"BEGIN { printf(\"%d\\n\", c ? 1 : 2) }";
	struct parsed p;
	struct node *c;
	char *d1, *d2;

	parse_text(&p, text);
	ck_assert_ptr_nonnull(p.ast);
	c = ast_clone(p.a, p.ast);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_ne(c, p.ast);
	ck_assert_ptr_ne(c->next, p.ast->next);
	ck_assert_ptr_ne(c->pred, p.ast->pred);
	ck_assert_ptr_ne(c->body->body, p.ast->body->body);
	d1 = unit_ast_dump(p.ast);
	d2 = unit_ast_dump(c);
	ck_assert_str_eq(d1, d2);
	/* the copy is independent */
	c->pred->lhs->name = "other";
	free(d2);
	d2 = unit_ast_dump(p.ast);
	ck_assert_str_eq(d1, d2);
	free(d1);
	free(d2);
	ck_assert_ptr_null(ast_clone(p.a, NULL));
	parse_done(&p);
}
END_TEST

/* ast_visit: every node once, each before its children (cond, pred, lhs,
 * rhs, args, body), then the next; a nonzero return stops the walk. */
struct visit_log {
	char kinds[128];
	unsigned n;
	unsigned stop_at;
};

static int visit_record(const struct node *n, void *ctx)
{
	struct visit_log *v = ctx;
	static const char code[] = {
		[N_NUM] = 'n', [N_STR] = 's', [N_IDENT] = 'i', [N_MAP] = 'm',
		[N_UNARY] = 'u', [N_BINARY] = 'b', [N_COND] = 'c',
		[N_MEMBER] = '.', [N_INDEX] = '[', [N_CALL] = 'f',
		[N_BLOCK] = '{', [N_IF] = '?', [N_EXPR] = 'e',
		[N_ASSIGN] = '=', [N_DELETE] = 'd', [N_PROBE] = 'p',
	};

	v->kinds[v->n++] = code[n->kind];
	v->kinds[v->n] = '\0';
	return v->n == v->stop_at ? 7 : 0;
}

START_TEST(test_visit)
{
	static const char text[] =
		"k:f /a == 1/ { @m[b] = count(); if (x) y = -z; else delete q[1]; }\n"
		"BEGIN { printf(\"%d\", c ? 1 : 2) }";
	struct visit_log v = { .stop_at = 0 };
	struct parsed p;

	parse_text(&p, text);
	ck_assert_ptr_nonnull(p.ast);
	ck_assert_int_eq(ast_visit(p.ast, visit_record, &v), 0);
	/* probe, pred (a == 1), block: assign (@m[b], count()), if (x,
	 * assign y = -z, delete q[1]); probe, block, expr, call printf
	 * ("%d", c ? 1 : 2) */
	ck_assert_str_eq(v.kinds, "pbin{=mif?i=iuid[in" "p{efscinn");
	memset(&v, 0, sizeof(v));
	v.stop_at = 3;
	ck_assert_int_eq(ast_visit(p.ast, visit_record, &v), 7);
	ck_assert_str_eq(v.kinds, "pbi");
	ck_assert_int_eq(ast_visit(NULL, visit_record, &v), 0);
	parse_done(&p);
}
END_TEST

START_TEST(test_op_strings)
{
	static const char *const bin[] = {
		"*", "/", "%", "+", "-", "<<", ">>", "<", "<=", ">", ">=",
		"==", "!=", "&", "^", "|", "&&", "||",
	};
	for (int i = B_MUL; i <= B_LOR; i++)
		ck_assert_str_eq(binop_str((enum binop)i), bin[i]);
	ck_assert_str_eq(unop_str(U_NEG), "-");
	ck_assert_str_eq(unop_str(U_NOT), "!");
	ck_assert_str_eq(unop_str(U_BNOT), "~");
	ck_assert_str_eq(unop_str(U_DEREF), "*");
}
END_TEST

/* ---- C types ---- */

START_TEST(test_casts)
{
	check_expr("(struct sock *)arg0", "(cast struct sock * arg0)");
	check_expr("(u32)x + 1", "(+ (cast u32 x) 1)");
	check_expr("(uint32)-1", "(cast uint32 (- 1))");
	check_expr("(int8)x", "(cast int8 x)");
	check_expr("(long unsigned int)x", "(cast unsigned long x)");
	check_expr("(unsigned)x", "(cast unsigned int x)");
	check_expr("(signed char)x", "(cast signed char x)");
	check_expr("(const char *)p", "(cast char * p)");
	check_expr("(struct foo **)p", "(cast struct foo ** p)");
	check_expr("(union u *)p", "(cast union u * p)");
	check_expr("(enum tcp_state)x", "(cast enum tcp_state x)");
	check_expr("(char[16])x", "(cast char[16] x)");
	check_expr("(int (*)(int, ...))p", "(cast int (*)(int, ...) p)");
	check_expr("(void (**)(void))p", "(cast void (**)(void) p)");
	check_expr("(int (*)[4])p", "(cast int (*)[4] p)");
	/* a name BTF may know: a cast when an operand follows */
	check_expr("(pid_t)x", "(cast pid_t x)");
	check_expr("(pid_t)(x)", "(cast pid_t x)");
	check_expr("(pid_t)!x", "(cast pid_t (! x))");
	check_expr("(pid_t *)p", "(cast pid_t * p)");
	check_expr("(pid_t * *)p", "(cast pid_t ** p)");
	/* ...and as in C without the name's declaration, not otherwise */
	check_expr("(pid_t)-x", "(- pid_t x)");
	check_expr("(a)", "a");
	check_expr("(a) + 1", "(+ a 1)");
	check_expr("(a * b)", "(* a b)");
	/* a cast binds like a unary operator; postfix binds tighter */
	check_expr("(struct sock *)arg0->sk", "(cast struct sock * (-> arg0 sk))");
	check_expr("((struct task_struct *)curtask)->comm",
		   "(-> (cast struct task_struct * curtask) comm)");
	check_expr("*(u32 *)p", "(* (cast u32 * p))");
	check_expr("(u8)(u16)x", "(cast u8 (cast u16 x))");
	check_expr("-(u64)x * 2", "(* (- (cast u64 x)) 2)");
	/* address-of, and & as an operator */
	check_expr("&x->y", "(& (-> x y))");
	check_expr("&a[1]", "(& ([] a 1))");
	check_expr("a & b", "(& a b)");
	check_expr("a & &b", "(& a (& b))");
}
END_TEST

START_TEST(test_sizeof_offsetof)
{
	check_expr("sizeof(struct sock)", "(sizeof struct sock)");
	check_expr("sizeof(struct sock *)", "(sizeof struct sock *)");
	check_expr("sizeof(u64 *)", "(sizeof u64 *)");
	check_expr("sizeof(pid_t *)", "(sizeof pid_t *)");
	check_expr("sizeof(unsigned long) * 2", "(* (sizeof unsigned long) 2)");
	/* a lone name: an expression here, sema decides */
	check_expr("sizeof(pid_t)", "(sizeof pid_t)");
	check_expr("sizeof x + 1", "(+ (sizeof x) 1)");
	check_expr("sizeof x->y", "(sizeof (-> x y))");
	check_expr("sizeof (a)[1]", "(sizeof ([] a 1))");
	check_expr("sizeof *p", "(sizeof (* p))");
	check_expr("offsetof(struct sock, __sk_common.skc_family)",
		   "(offsetof struct sock __sk_common.skc_family)");
	check_expr("offsetof(foo_t, a)", "(offsetof foo_t a)");
	check_expr("offsetof(struct s, a) + 1", "(+ (offsetof struct s a) 1)");
}
END_TEST

START_TEST(test_cdefs)
{
	check_dump("struct foo {\n"
		   "	int a, *b, c[4];\n"
		   "	unsigned int flags : 3, : 2;\n"
		   "	union { u32 x; struct { u16 lo, hi; }; };\n"
		   "	enum { ONE = 1 };\n"
		   "	struct foo *next;\n"
		   "	void (*fn)(int, char *, ...);\n"
		   "	int (*arr)[TASK_COMM_LEN * (2 + 1)];\n"
		   "	const char *const *argv;\n"
		   "	long unsigned int z;\n"
		   "	char *names[2][3];\n"
		   "	int (*ops[2])(void);\n"
		   "};\n"
		   "typedef unsigned long long my64, *pmy64;\n"
		   "enum color { RED, GREEN = 1 << 3, BLUE, };\n"
		   "typedef struct { int x; } anon_t;\n"
		   "struct fwd;\n"
		   "union u { int i; char c; };\n"
		   "BEGIN { x = (my64)1; y = (anon_t *)0; }\n",
		   "cdef struct foo\n"
		   "  field int a\n"
		   "  field int *b\n"
		   "  field int c[4]\n"
		   "  field unsigned int flags : 3\n"
		   "  field unsigned int : 2\n"
		   "  field union <anonymous>\n"
		   "    field u32 x\n"
		   "    field struct <anonymous>\n"
		   "      field u16 lo\n"
		   "      field u16 hi\n"
		   "  field enum <anonymous>\n"
		   "    enumerator ONE = 1\n"
		   "  field struct foo *next\n"
		   "  field void (*fn)(int, char *, ...)\n"
		   "  field int (*arr)[TASK_COMM_LEN * (2 + 1)]\n"
		   "  field char **argv\n"
		   "  field unsigned long z\n"
		   "  field char *names[2][3]\n"
		   "  field int (*ops[2])(void)\n"
		   "cdef typedef unsigned long long\n"
		   "  name unsigned long long my64\n"
		   "  name unsigned long long *pmy64\n"
		   "cdef enum color\n"
		   "  enumerator RED\n"
		   "  enumerator GREEN = 1 << 3\n"
		   "  enumerator BLUE\n"
		   "cdef typedef struct <anonymous>\n"
		   "  field int x\n"
		   "  name struct <anonymous> anon_t\n"
		   "cdef struct fwd\n"
		   "cdef union u\n"
		   "  field int i\n"
		   "  field char c\n"
		   "probe BEGIN\n"
		   "  block\n"
		   "    assign\n"
		   "      ident x\n"
		   "      cast (my64)\n"
		   "        num 1\n"
		   "    assign\n"
		   "      ident y\n"
		   "      cast (anon_t *)\n"
		   "        num 0\n");
}
END_TEST

/* Where the pieces are: errors about types point at them. */
START_TEST(test_ctype_locations)
{
	struct parsed p;
	const struct node *n, *e;

	parse_text(&p, "struct s {\n  int a;\n  char b[2];\n};\n"
		   "BEGIN { x = (struct sock *) y; z = (pid_t)w; "
		   "q = sizeof(struct s); }\n");
	ck_assert_ptr_nonnull(p.ast);
	n = p.ast;
	ck_assert_int_eq(n->kind, N_CDEF);
	ck_assert_uint_eq(n->loc.line, 1);
	ck_assert_uint_eq(n->ctype->loc.col, 1);
	ck_assert_uint_eq(n->ctype->loc.len, 8);		/* struct s */
	ck_assert_uint_eq(n->ctype->fields->next->loc.line, 3);
	ck_assert_uint_eq(n->ctype->fields->next->loc.col, 8);	/* b */
	e = n->next->body->body->rhs;			/* the first cast */
	ck_assert_int_eq(e->kind, N_CAST);
	ck_assert_uint_eq(e->loc.col, 13);
	ck_assert_uint_eq(e->loc.len, 15);		/* (struct sock *) */
	ck_assert_uint_eq(e->ctype->loc.col, 14);
	ck_assert_uint_eq(e->ctype->loc.len, 13);	/* struct sock * */
	ck_assert_uint_eq(e->ctype->of->loc.len, 11);	/* struct sock */
	e = n->next->body->body->next->rhs;
	ck_assert_uint_eq(e->ctype->loc.col, 37);	/* pid_t */
	ck_assert_uint_eq(e->ctype->loc.len, 5);
	e = n->next->body->body->next->next->rhs;
	ck_assert_int_eq(e->kind, N_SIZEOF);
	ck_assert_uint_eq(e->loc.len, 16);		/* sizeof(struct s) */
	parse_done(&p);
}
END_TEST

START_TEST(test_ctype_errors)
{
	ERRORS("struct foo { int a }; BEGIN { }",
	       "<test>:1:20: error: expected ';' after a member");
	ERRORS("struct foo { int; }; BEGIN { }",
	       "<test>:1:17: error: expected a member name");
	ERRORS("struct foo { int *; }; BEGIN { }",
	       "<test>:1:19: error: expected a member name");
	ERRORS("struct foo { int a; } x; BEGIN { }",
	       "<test>:1:23: error: only types are defined here: expected ';' "
	       "after the struct");
	ERRORS("typedef int; BEGIN { }",
	       "<test>:1:12: error: expected the name the typedef defines");
	ERRORS("unsigned int; BEGIN { }", "expected '{' or 'if'");
	ERRORS("struct; BEGIN { }",
	       "<test>:1:7: error: expected a name or '{' after 'struct', found ';'");
	ERRORS("enum { A, B = }; BEGIN { }",
	       "<test>:1:15: error: expected expression, found '}'");
	ERRORS("enum e { 1 }; BEGIN { }", "expected an enumerator name, found number");
	ERRORS("struct foo { int a; };", "<test>:1:23: error: no probes in the script");
	ERRORS("BEGIN { x = (short char)y; }",
	       "<test>:1:14: error: invalid combination of type words\n"
	       "BEGIN { x = (short char)y; }\n"
	       "             ^~~~~~~~~~\n");
	ERRORS("BEGIN { x = (long long long)y; }", "invalid combination");
	ERRORS("BEGIN { x = (unsigned signed)y; }", "invalid combination");
	ERRORS("BEGIN { x = (void int)y; }", "invalid combination");
	ERRORS("BEGIN { x = (struct)y; }",
	       "expected a name or '{' after 'struct', found ')'");
	ERRORS("BEGIN { x = (struct foo x)y; }",
	       "<test>:1:25: error: unexpected name 'x' in a type");
	ERRORS("BEGIN { x = (struct foo *y; }",
	       "<test>:1:26: error: unexpected name 'y' in a type");
	ERRORS("BEGIN { x = (struct foo * ; }", "expected ')' after the type");
	ERRORS("BEGIN { x = (u32); }", "expected expression, found ';'");
	ERRORS("BEGIN { x = (int [)y; }", "expected expression, found ')'");
	ERRORS("BEGIN { x = offsetof(struct foo); }",
	       "expected ',' after the type");
	ERRORS("BEGIN { x = offsetof(struct foo, 1); }",
	       "expected a member name, found number");
	ERRORS("BEGIN { x = offsetof(struct foo, a.); }",
	       "expected a member name, found ')'");
	ERRORS("BEGIN { x = offsetof struct foo, a; }", "expected '(' after 'offsetof'");
	ERRORS("BEGIN { x = sizeof(struct foo; }", "expected ')' after the type");
	ERRORS("BEGIN { x = (int (*)(int)y; }", "expected ')' after the type");
	ERRORS("BEGIN { x = struct; }", "expected expression, found 'struct'");
	/* keywords now */
	ERRORS("BEGIN { sizeof = 1; }", "expected expression, found '='");
	/* one error per broken definition, and parsing goes on */
	ck_assert_uint_eq(ERRORS("struct a { int x[; int y; };\n"
				 "struct b { int z };\n"
				 "BEGIN { q = ; }\n",
				 "<test>:1:18: error: expected expression, found ';'",
				 "<test>:2:18: error: expected ';' after a member",
				 "<test>:3:13: error: expected expression"), 3);
}
END_TEST

START_TEST(test_ctypes_garbage)
{
	static const char *const soup[] = {
		"BEGIN", "{", "}", "(", ")", "[", "]", ";", ",", "x", "1",
		"struct", "union", "enum", "typedef", "sizeof", "offsetof", "*",
		"&", ":", "=", "...", "int", "unsigned", "char", "const", "void",
		"pid_t", ".", "->", "a",
	};
	uint32_t seed = 777;
	char text[256];

	/* token soup of C types: reported, never a crash or a hang */
	for (int round = 0; round < 3000; round++) {
		struct parsed p;
		size_t len = unit_soup(text, sizeof(text), &seed, soup,
				       sizeof(soup) / sizeof(soup[0]), 120, " ");

		parse_text_n(&p, text, len);
		if (p.ast)
			free(unit_ast_dump(p.ast));
		else
			ck_assert_uint_gt(p.ud.d.errors, 0);
		parse_done(&p);
	}
}
END_TEST

START_TEST(test_ctypes_deep)
{
	static char text[200000];
	size_t n;
	const int deep = 20000;

	/* pointer declarators, parenthesised declarators, nested records */
	n = (size_t)sprintf(text, "BEGIN { x = (int ");
	for (int i = 0; i < deep; i++)
		text[n++] = '*';
	strcpy(text + n, ")y; }");
	ck_assert_uint_eq(ERRORS(text, "nesting too deep"), 1);
	n = (size_t)sprintf(text, "BEGIN { x = (int ");
	for (int i = 0; i < deep; i++)
		text[n++] = '(';
	strcpy(text + n, ")y; }");
	ERRORS(text, "nesting too deep");
	n = 0;
	for (int i = 0; i < deep / 2; i++)
		n += (size_t)sprintf(text + n, "struct a%d { ", i % 10);
	strcpy(text + n, "}; BEGIN { }");
	ERRORS(text, "nesting too deep");
	n = (size_t)sprintf(text, "BEGIN { x = ");
	for (int i = 0; i < deep; i++)
		n += (size_t)sprintf(text + n, "(u8)");
	strcpy(text + n, "y; }");
	ck_assert_uint_eq(ERRORS(text, "nesting too deep"), 1);
	n = (size_t)sprintf(text, "BEGIN { x = (int ");
	for (int i = 0; i < deep / 2; i++)
		n += (size_t)sprintf(text + n, "[1]");
	strcpy(text + n, ")y; }");
	ck_assert_uint_eq(ERRORS(text, "nesting too deep"), 1);
}
END_TEST

/* ---- errors ---- */

START_TEST(test_error_messages)
{
	ERRORS("BEGIN {\n  x = 1\n  y = 2;\n}",
	       "<test>:2:8: error: expected ';' after assignment\n"
	       "  x = 1\n"
	       "       ^\n");
	ERRORS("BEGIN { print(1) print(2) }",
	       "<test>:1:18: error: expected ';' after expression\n"
	       "BEGIN { print(1) print(2) }\n"
	       "                 ^~~~~\n");
	ERRORS("BEGIN { else x; }",
	       "<test>:1:9: error: unexpected 'else'");
	ERRORS("{ x = 1; }",
	       "<test>:1:1: error: expected probe specifier, found '{'");
	ERRORS("", "<test>:1:1: error: no probes in the script");
	ERRORS("kprobe: { }", "expected probe target after 'kprobe:'");
	ERRORS("BEGIN { if x) y; }", "<test>:1:12: error: expected '(' after 'if'");
	ERRORS("BEGIN { if (x y; }", "<test>:1:15: error: expected ')' after condition");
	ERRORS("BEGIN { x = (1 + ; }",
	       "<test>:1:18: error: expected expression, found ';'\n"
	       "BEGIN { x = (1 + ; }\n"
	       "                 ^\n");
	ERRORS("BEGIN { f(1, 2; }", "expected ')' after arguments");
	ERRORS("BEGIN { @m[] = 1; }", "<test>:1:12: error: expected map key");
	ERRORS("BEGIN { x->1; }", "expected member name after '->', found number");
	ERRORS("BEGIN { 1 + 2 = 3; }", "<test>:1:15: error: cannot assign to this expression");
	ERRORS("BEGIN { f(x) = 3; }", "cannot assign to this expression");
	ERRORS("BEGIN { x = y = 1; }", "<test>:1:15: error: unexpected '='");
	ERRORS("BEGIN { delete x; }", "<test>:1:16: error: delete needs a map element");
	ERRORS("BEGIN { a ? b; }", "expected ':' in conditional expression");
	ERRORS("BEGIN /x { }", "expected '/' to end the predicate");
	ERRORS("BEGIN x = 1;", "expected '{' or 'if' to start the probe's body, found identifier 'x'");
	ERRORS("BEGIN { x = 1;", "<test>:1:15: error: expected '}' at end of block");
	ERRORS("BEGIN { s = \"abc; }", "<test>:1:13: error: unterminated string");
	/* reported once, also where a probe specifier is expected */
	ck_assert_uint_eq(ERRORS("\"abc", "<test>:1:1: error: unterminated string\n"), 2);
	ERRORS("BEGIN { x = 1 /* ; }", "<test>:1:15: error: unterminated comment");
	ERRORS("BEGIN { x = '\\q'; }", "unknown escape sequence '\\q'");
	ERRORS("BEGIN { x = 99999999999999999999; }", "integer constant is too large");
}
END_TEST

START_TEST(test_recovery)
{
	/* one error per broken statement, and parsing goes on */
	unsigned n = ERRORS("BEGIN {\n"
			    "  x = ;\n"
			    "  y = 1;\n"
			    "  if (z { a = ( } \n"
			    "  w = 2 +;\n"
			    "}\n"
			    "END { q = ) }\n"
			    "k:f { ok = 1; }\n"
			    "}\n"
			    "k:g { r = 1 s = 2 }\n",
			    "<test>:2:7: error: expected expression, found ';'",
			    "<test>:4:9: error: expected ')' after condition",
			    "<test>:5:10: error: expected expression, found ';'",
			    "<test>:7:11: error: expected expression, found ')'",
			    "<test>:9:1: error: expected probe specifier, found '}'",
			    "<test>:10:13: error: expected ';' after assignment");
	ck_assert_uint_eq(n, 6);
	n = ERRORS("BEGIN { x = 1 + ; y = ; }",
		   "<test>:1:17: error: expected expression",
		   "<test>:1:23: error: expected expression");
	ck_assert_uint_eq(n, 2);
}
END_TEST

START_TEST(test_error_cap)
{
	char text[4000];
	size_t n = 0;

	n += (size_t)sprintf(text, "BEGIN {");
	for (int i = 0; i < 100; i++)
		n += (size_t)sprintf(text + n, " x = ;");
	sprintf(text + n, " }");
	ck_assert_uint_eq(ERRORS(text, "too many errors"), LEX_MAX_ERRORS);
}
END_TEST

/* @head, @link @times times, @tail: a generated chain, in @text. */
static const char *chain(char *text, const char *head, const char *link,
			 int times, const char *tail)
{
	size_t n = (size_t)sprintf(text, "%s", head);

	for (int i = 0; i < times; i++)
		n += (size_t)sprintf(text + n, link, i);
	sprintf(text + n, "%s", tail);
	return text;
}

START_TEST(test_deep_nesting)
{
	static char text[200000];
	size_t n = 0;
	const int deep = 20000;

	/* parentheses */
	n = (size_t)sprintf(text, "BEGIN { x = ");
	for (int i = 0; i < deep; i++)
		text[n++] = '(';
	text[n++] = '1';
	for (int i = 0; i < deep; i++)
		text[n++] = ')';
	strcpy(text + n, "; }");
	ck_assert_uint_eq(ERRORS(text, "nesting too deep"), 1);

	/* blocks */
	n = (size_t)sprintf(text, "BEGIN ");
	for (int i = 0; i < deep; i++)
		text[n++] = '{';
	for (int i = 0; i < deep; i++)
		text[n++] = '}';
	text[n] = '\0';
	ck_assert_uint_eq(ERRORS(text, "nesting too deep"), 1);

	/* nested ifs */
	n = (size_t)sprintf(text, "BEGIN { ");
	for (int i = 0; i < deep / 4; i++)
		n += (size_t)sprintf(text + n, "if (1) ");
	sprintf(text + n, "x = 1; }");
	ck_assert_uint_eq(ERRORS(text, "nesting too deep"), 1);

	/* unary operators, and a ternary chain */
	n = (size_t)sprintf(text, "BEGIN { x = ");
	for (int i = 0; i < deep; i++)
		text[n++] = i % 2 ? '!' : '-';
	sprintf(text + n, "1; }");
	ck_assert_uint_eq(ERRORS(text, "nesting too deep"), 1);
	ck_assert_uint_eq(ERRORS(chain(text, "BEGIN { x = ", "a ? b : ",
				       deep / 4, "c; }"), "chain too long"), 1);

	/* binary operators and else-ifs: chains, with their own limit */
	ck_assert_uint_eq(ERRORS(chain(text, "BEGIN { x = ", "1 + ", deep / 4,
				       "1; }"), "chain too long"), 1);
	ck_assert_uint_eq(ERRORS(chain(text, "BEGIN { if (1) x = 1; ",
				       "else if (1) x = 1; ", deep / 8, "}"),
				 "chain too long"), 1);

	/* unbalanced: the input ends deep inside */
	n = (size_t)sprintf(text, "BEGIN { x = ");
	for (int i = 0; i < deep; i++)
		n += (size_t)sprintf(text + n, "f(@m[(");
	ERRORS(text, "nesting too deep");

	/* just under the limit is fine */
	n = (size_t)sprintf(text, "BEGIN { x = ");
	for (int i = 0; i < 100; i++)
		text[n++] = '(';
	text[n++] = '1';
	for (int i = 0; i < 100; i++)
		text[n++] = ')';
	strcpy(text + n, "; }");
	{
		struct parsed p;

		parse_text(&p, text);
		ck_assert_msg(p.ast != NULL, "%s", unit_diag_text(&p.ud));
		parse_done(&p);
	}
}
END_TEST

/* Chains written flat are not nesting: a thousand operators, else-ifs or
 * ternaries parse (once, 257 were "nesting too deep"), also inside the
 * deepest brackets allowed. */
START_TEST(test_long_chains)
{
	static char text[200000], tail[300];
	static const char *const links[] = {
		"pid + ", "pid == %d ? 1 : ", "(1) + ",
	};
	struct parsed p;

	tail[0] = '1';
	memset(tail + 1, ')', 200);
	strcpy(tail + 201, "; }");
	for (unsigned k = 0; k < 5; k++) {
		if (k < 3)
			chain(text, "BEGIN { x = ", links[k], 1000, "1; }");
		else if (k == 3)
			chain(text, "BEGIN { if (pid == 0) x = 1; ",
			      "else if (pid == %d) x = 1; ", 1000, "}");
		else	/* 200 brackets each holding a chain: 1000 levels */
			chain(text, "BEGIN { x = ", "1 + 1 + 1 + (", 200,
			      tail);
		parse_text(&p, text);
		ck_assert_msg(p.ast != NULL, "%.80s: %s", text,
			      unit_diag_text(&p.ud));
		parse_done(&p);
	}
}
END_TEST

START_TEST(test_garbage)
{
	static const char bytes[] = "\x00\x01\xff\xfe{}}}((([[[\"'\\/*@@@;;\x7f\x80";
	uint32_t seed = 12345;
	char text[256];

	check_errors(bytes, sizeof(bytes) - 1, NULL);
	/* random bytes and random token soup: reported, never a crash or a
	 * hang (the suite's timeout catches a loop) */
	for (int round = 0; round < 3000; round++) {
		static const char *const soup[] = {
			"BEGIN", "k:f", "{", "}", "(", ")", "[", "]", "if",
			"else", "delete", ";", ",", "/", "@m", "@", "x", "1",
			"\"s\"", "'c'", "->", ".", "?", ":", "=", "+", "!",
			"*", "\n", "/*", "*/", "//", "0x", "'", "\"", "\\",
		};
		size_t len = 0, max;
		struct parsed p;

		seed = seed * 1103515245 + 12345;
		max = (seed >> 16) % 200;
		while (len < max) {
			seed = seed * 1103515245 + 12345;
			if (round % 2) {
				text[len++] = (char)(seed >> 16);
			} else {
				const char *w = soup[(seed >> 16) % (sizeof(soup) / sizeof(soup[0]))];
				size_t wl = strlen(w);

				if (len + wl + 1 >= sizeof(text))
					break;
				memcpy(text + len, w, wl);
				len += wl;
				text[len++] = ' ';
			}
		}
		parse_text_n(&p, text, len);
		if (p.ast)
			free(unit_ast_dump(p.ast));
		else
			ck_assert_uint_gt(p.ud.d.errors, 0);
		ck_assert_uint_le(p.ud.d.errors, LEX_MAX_ERRORS);
		parse_done(&p);
	}
}
END_TEST

static Suite *parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_precedence_levels);
	tcase_add_test(tc, test_associativity);
	tcase_add_test(tc, test_postfix);
	tcase_add_test(tc, test_literals);
	tcase_add_test(tc, test_expr_locations);
	tcase_add_test(tc, test_dump_probe);
	tcase_add_test(tc, test_statements);
	tcase_add_test(tc, test_probes);
	tcase_add_test(tc, test_bpftrace_exprs);
	tcase_add_test(tc, test_bpftrace_statements);
	tcase_add_test(tc, test_bpftrace_probes);
	tcase_add_test(tc, test_bpftrace_errors);
	tcase_add_test(tc, test_specs);
	tcase_add_test(tc, test_clone);
	tcase_add_test(tc, test_visit);
	tcase_add_test(tc, test_op_strings);
	tcase_add_test(tc, test_error_messages);
	tcase_add_test(tc, test_recovery);
	tcase_add_test(tc, test_error_cap);
	tcase_add_test(tc, test_deep_nesting);
	tcase_add_test(tc, test_long_chains);
	tcase_add_test(tc, test_garbage);
	tcase_add_test(tc, test_casts);
	tcase_add_test(tc, test_sizeof_offsetof);
	tcase_add_test(tc, test_cdefs);
	tcase_add_test(tc, test_ctype_locations);
	tcase_add_test(tc, test_ctype_errors);
	tcase_add_test(tc, test_ctypes_garbage);
	tcase_add_test(tc, test_ctypes_deep);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(parse_suite());
}
