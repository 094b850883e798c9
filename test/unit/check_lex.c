/* check_lex.c - the lexer: every token kind, literals, locations, spec mode
 * and error reporting. */
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "arena.h"
#include "lex.h"
#include "unit.h"

#define MAXTOK 64

struct lexed {
	struct arena *a;
	struct source src;
	struct unit_diag ud;
	struct lexer lx;
	struct token t[MAXTOK];
	unsigned n;	/* tokens before TK_EOF */
};

/* Lex all of @text (with @len bytes) into l->t. */
static void lex_all_n(struct lexed *l, const char *text, size_t len)
{
	l->a = arena_new();
	l->src = unit_source_n(text, len);
	unit_diag_open(&l->ud);
	lex_init(&l->lx, l->a, &l->src, &l->ud.d);
	for (l->n = 0; l->n < MAXTOK; l->n++) {
		lex_next(&l->lx, &l->t[l->n]);
		if (l->t[l->n].kind == TK_EOF)
			return;
	}
	ck_abort_msg("too many tokens");
}

static void lex_all(struct lexed *l, const char *text)
{
	lex_all_n(l, text, strlen(text));
}

static void lex_done(struct lexed *l)
{
	unit_diag_close(&l->ud);
	arena_free(l->a);
}

/* One number token from @text, no errors. */
static uint64_t lex_num(const char *text)
{
	struct lexed l;
	uint64_t v;

	lex_all(&l, text);
	ck_assert_msg(l.ud.d.errors == 0, "%s: %s", text, unit_diag_text(&l.ud));
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(l.t[0].kind, TK_NUM);
	v = l.t[0].num;
	lex_done(&l);
	return v;
}

/* The error output for @text (must have errors); copied into @buf. */
static const char *lex_err(const char *text, char *buf, size_t n)
{
	struct lexed l;

	lex_all(&l, text);
	ck_assert_msg(l.ud.d.errors > 0, "no error for %s", text);
	snprintf(buf, n, "%s", unit_diag_text(&l.ud));
	lex_done(&l);
	return buf;
}

START_TEST(test_punct)
{
	static const enum tok_kind want[] = {
		TK_LPAREN, TK_RPAREN, TK_LBRACE, TK_RBRACE, TK_LBRACKET,
		TK_RBRACKET, TK_COMMA, TK_SEMI, TK_COLON, TK_QUESTION, TK_DOT,
		TK_ARROW, TK_ASSIGN, TK_PLUS, TK_MINUS, TK_STAR, TK_SLASH,
		TK_PERCENT, TK_SHL, TK_SHR, TK_LT, TK_LE, TK_GT, TK_GE, TK_EQ,
		TK_NE, TK_AMP, TK_CARET, TK_PIPE, TK_LAND, TK_LOR, TK_NOT,
		TK_TILDE,
	};
	struct lexed l;

	lex_all(&l, "( ) { } [ ] , ; : ? . -> = + - * / % << >> < <= > >= == != "
		"& ^ | && || ! ~");
	ck_assert_uint_eq(l.ud.d.errors, 0);
	ck_assert_uint_eq(l.n, sizeof(want) / sizeof(want[0]));
	for (unsigned i = 0; i < l.n; i++) {
		ck_assert_msg(l.t[i].kind == want[i], "token %u: %s, want %s", i,
			      tok_kind_str(l.t[i].kind), tok_kind_str(want[i]));
		ck_assert_uint_eq(l.t[i].loc.len, strlen(tok_kind_str(want[i])));
	}
	lex_done(&l);

	/* maximal munch without spaces */
	lex_all(&l, "a->b<<=c!==d&&&e|||f");
	{
		static const enum tok_kind w[] = {
			TK_IDENT, TK_ARROW, TK_IDENT, TK_SHL_ASSIGN,
			TK_IDENT, TK_NE, TK_ASSIGN, TK_IDENT, TK_LAND, TK_AMP,
			TK_IDENT, TK_LOR, TK_PIPE, TK_IDENT,
		};
		ck_assert_uint_eq(l.n, sizeof(w) / sizeof(w[0]));
		for (unsigned i = 0; i < l.n; i++)
			ck_assert_int_eq(l.t[i].kind, w[i]);
	}
	lex_done(&l);
}
END_TEST

START_TEST(test_ident_keyword_map)
{
	struct lexed l;

	lex_all(&l, "if else delete iff _x9 elsewhere @ @foo @_1 @[");
	ck_assert_uint_eq(l.ud.d.errors, 0);
	ck_assert_uint_eq(l.n, 11);
	ck_assert_int_eq(l.t[0].kind, TK_IF);
	ck_assert_int_eq(l.t[1].kind, TK_ELSE);
	ck_assert_int_eq(l.t[2].kind, TK_DELETE);
	ck_assert_int_eq(l.t[3].kind, TK_IDENT);
	ck_assert_str_eq(l.t[3].name, "iff");
	ck_assert_str_eq(l.t[4].name, "_x9");
	ck_assert_int_eq(l.t[5].kind, TK_IDENT);
	ck_assert_int_eq(l.t[6].kind, TK_MAP);
	ck_assert_str_eq(l.t[6].name, "@");
	ck_assert_str_eq(l.t[7].name, "@foo");
	ck_assert_uint_eq(l.t[7].loc.len, 4);
	ck_assert_str_eq(l.t[8].name, "@_1");
	ck_assert_int_eq(l.t[9].kind, TK_MAP);
	ck_assert_str_eq(l.t[9].name, "@");
	ck_assert_int_eq(l.t[10].kind, TK_LBRACKET);
	lex_done(&l);
}
END_TEST

/* bpftrace's tokens: $ forms, ++/--, compound assignments, keywords */
START_TEST(test_bpftrace_tokens)
{
	static const enum tok_kind w[] = {
		TK_VAR, TK_POSITIONAL, TK_PARAMCOUNT, TK_INC, TK_DEC,
		TK_ADD_ASSIGN, TK_SUB_ASSIGN, TK_MUL_ASSIGN, TK_DIV_ASSIGN,
		TK_MOD_ASSIGN, TK_AND_ASSIGN, TK_OR_ASSIGN, TK_XOR_ASSIGN,
		TK_SHL_ASSIGN, TK_SHR_ASSIGN, TK_PLUS, TK_PLUS, TK_MINUS,
		TK_WHILE, TK_UNROLL, TK_BREAK, TK_CONTINUE, TK_RETURN,
		TK_IDENT, TK_VAR,
	};
	struct lexed l;

	lex_all(&l, "$x_1 $12 $# ++ -- += -= *= /= %= &= |= ^= <<= >>= + + - "
		"while unroll break continue return whiles $while");
	ck_assert_uint_eq(l.ud.d.errors, 0);
	ck_assert_uint_eq(l.n, sizeof(w) / sizeof(w[0]));
	for (unsigned i = 0; i < l.n; i++)
		ck_assert_int_eq(l.t[i].kind, w[i]);
	ck_assert_str_eq(l.t[0].name, "$x_1");
	ck_assert_uint_eq(l.t[0].loc.len, 4);
	ck_assert_uint_eq(l.t[1].num, 12);
	ck_assert_uint_eq(l.t[1].loc.len, 3);
	ck_assert_uint_eq(l.t[2].loc.len, 2);
	ck_assert_uint_eq(l.t[14].loc.len, 3);
	ck_assert_str_eq(l.t[24].name, "$while");
	lex_done(&l);

	/* "+++" is ++ then +, as in C */
	lex_all(&l, "a+++b");
	ck_assert_uint_eq(l.n, 4);
	ck_assert_int_eq(l.t[1].kind, TK_INC);
	ck_assert_int_eq(l.t[2].kind, TK_PLUS);
	lex_done(&l);
}
END_TEST

/* C types: keywords, and "..." before "." */
START_TEST(test_ctype_tokens)
{
	struct lexed l;

	lex_all(&l, "struct union enum typedef sizeof offsetof ... . structs");
	ck_assert_uint_eq(l.ud.d.errors, 0);
	ck_assert_uint_eq(l.n, 9);
	ck_assert_int_eq(l.t[0].kind, TK_STRUCT);
	ck_assert_int_eq(l.t[1].kind, TK_UNION);
	ck_assert_int_eq(l.t[2].kind, TK_ENUM);
	ck_assert_int_eq(l.t[3].kind, TK_TYPEDEF);
	ck_assert_int_eq(l.t[4].kind, TK_SIZEOF);
	ck_assert_int_eq(l.t[5].kind, TK_OFFSETOF);
	ck_assert_int_eq(l.t[6].kind, TK_ELLIPSIS);
	ck_assert_uint_eq(l.t[6].loc.len, 3);
	ck_assert_int_eq(l.t[7].kind, TK_DOT);
	ck_assert_int_eq(l.t[8].kind, TK_IDENT);
	ck_assert_str_eq(tok_kind_str(TK_OFFSETOF), "offsetof");
	lex_done(&l);
}
END_TEST

START_TEST(test_numbers)
{
	/* scientific integers, as bpftrace's */
	ck_assert_uint_eq(lex_num("1e6"), 1000000);
	ck_assert_uint_eq(lex_num("2E3"), 2000);
	ck_assert_uint_eq(lex_num("5e0"), 5);
	ck_assert_uint_eq(lex_num("1e19"), 10000000000000000000ull);
	ck_assert_uint_eq(lex_num("0x1e6"), 0x1e6);
	ck_assert_uint_eq(lex_num("0"), 0);
	ck_assert_uint_eq(lex_num("42"), 42);
	ck_assert_uint_eq(lex_num("0x2a"), 42);
	ck_assert_uint_eq(lex_num("0X2A"), 42);
	ck_assert_uint_eq(lex_num("052"), 42);
	ck_assert_uint_eq(lex_num("0b101010"), 42);
	ck_assert_uint_eq(lex_num("0B101010"), 42);
	ck_assert_uint_eq(lex_num("1_000_000"), 1000000);
	ck_assert_uint_eq(lex_num("0xffff_ffff"), 0xffffffffu);
	ck_assert_uint_eq(lex_num("0b1111_0000"), 0xf0);
	ck_assert_uint_eq(lex_num("18446744073709551615"), UINT64_MAX);
	ck_assert_uint_eq(lex_num("0xffffffffffffffff"), UINT64_MAX);
	ck_assert_uint_eq(lex_num("01777777777777777777777"), UINT64_MAX);
	ck_assert_uint_eq(lex_num("9223372036854775808"), (uint64_t)INT64_MAX + 1);
	ck_assert_uint_eq(lex_num("10u"), 10);
	ck_assert_uint_eq(lex_num("10UL"), 10);
	ck_assert_uint_eq(lex_num("10ull"), 10);
	ck_assert_uint_eq(lex_num("10llu"), 10);
	ck_assert_uint_eq(lex_num("0x10L"), 16);
}
END_TEST

START_TEST(test_number_errors)
{
	char buf[1024];

	lex_err("18446744073709551616", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "<test>:1:1: error: integer constant is too large"));
	lex_err("0x1_0000_0000_0000_0000", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "too large"));
	lex_err("x = 08", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "<test>:1:6: error: invalid digit '8' in octal constant"));
	lex_err("0b102", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "invalid digit '2' in binary constant"));
	lex_err("0x", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "hexadecimal constant has no digits"));
	lex_err("12abc", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "<test>:1:3: error: invalid suffix 'abc' on integer constant"));
	ck_assert_ptr_nonnull(strstr(buf, "\n12abc\n  ^~~\n"));
	lex_err("1.5", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "floating-point numbers are not supported"));
	lex_err("1e20", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "<test>:1:1: error: integer constant is too large"));
	lex_err("1e-3", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "invalid suffix 'e'"));
	lex_err("x $ y", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "<test>:1:3: error: expected a name, a number or '#' after '$'"));
}
END_TEST

START_TEST(test_chars)
{
	static const struct {
		const char *text;
		int64_t v;
	} cases[] = {
		{ "'a'", 'a' }, { "'\\n'", '\n' }, { "'\\x41'", 0x41 },
		{ "'\\0'", 0 }, { "'\\''", '\'' }, { "'\"'", '"' },
		{ "'\\\\'", '\\' }, { "'\\101'", 'A' }, { "'\\e'", 27 },
		{ "'\\xff'", -1 }, { "'\\377'", -1 },
	};
	char buf[1024];

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lexed l;

		lex_all(&l, cases[i].text);
		ck_assert_msg(l.ud.d.errors == 0, "%s: %s", cases[i].text,
			      unit_diag_text(&l.ud));
		ck_assert_uint_eq(l.n, 1);
		ck_assert_int_eq(l.t[0].kind, TK_CHAR);
		ck_assert_msg((int64_t)l.t[0].num == cases[i].v, "%s: %lld",
			      cases[i].text, (long long)l.t[0].num);
		ck_assert_uint_eq(l.t[0].loc.len, strlen(cases[i].text));
		lex_done(&l);
	}
	lex_err("''", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "empty character literal"));
	lex_err("'ab'", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "multi-character character literal"));
	lex_err("x 'a", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "<test>:1:3: error: unterminated character literal"));
}
END_TEST

START_TEST(test_strings)
{
	struct lexed l;
	char buf[1024];

	lex_all(&l, "\"a\\n\\t\\\\\\\"\\'\\0z\\x41\\101\\a\\b\\f\\r\\v\\e\" \"\"");
	ck_assert_msg(l.ud.d.errors == 0, "%s", unit_diag_text(&l.ud));
	ck_assert_uint_eq(l.n, 2);
	ck_assert_int_eq(l.t[0].kind, TK_STR);
	ck_assert_uint_eq(l.t[0].len, 16);
	ck_assert_mem_eq(l.t[0].str, "a\n\t\\\"'\0zAA\a\b\f\r\v\033", 17);
	ck_assert_int_eq(l.t[1].kind, TK_STR);
	ck_assert_uint_eq(l.t[1].len, 0);
	ck_assert_str_eq(l.t[1].str, "");
	lex_done(&l);

	/* a long string grows its buffer */
	{
		char text[600];

		text[0] = '"';
		memset(text + 1, 'x', 500);
		strcpy(text + 501, "\"");
		lex_all(&l, text);
		ck_assert_uint_eq(l.t[0].len, 500);
		ck_assert_uint_eq(l.t[0].loc.len, 502);
		lex_done(&l);
	}

	lex_err("a = \"abc\\qdef\";", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "<test>:1:9: error: unknown escape sequence '\\q'\n"
				     "a = \"abc\\qdef\";\n"
				     "        ^~\n"));
	lex_err("x\n  \"abc\n", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "<test>:2:3: error: unterminated string\n"));
	lex_err("\"abc", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "<test>:1:1: error: unterminated string\n"));
	lex_err("\"\\x\"", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "\\x used with no following hex digits"));
	lex_err("\"\\400\"", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "octal escape sequence out of range"));
}
END_TEST

START_TEST(test_locations)
{
	struct lexed l;

	lex_all(&l, "#!/usr/bin/spry\n"
		"// comment\n"
		"  foo /* multi\n"
		"line */ @bar[\"s\"]\n"
		"\t0x10 >> =\n");
	ck_assert_msg(l.ud.d.errors == 0, "%s", unit_diag_text(&l.ud));
	ck_assert_uint_eq(l.n, 8);
	/* foo */
	ck_assert_uint_eq(l.t[0].loc.line, 3);
	ck_assert_uint_eq(l.t[0].loc.col, 3);
	ck_assert_uint_eq(l.t[0].loc.len, 3);
	ck_assert_uint_eq(l.t[0].off, 29);
	/* @bar */
	ck_assert_uint_eq(l.t[1].loc.line, 4);
	ck_assert_uint_eq(l.t[1].loc.col, 9);
	ck_assert_uint_eq(l.t[1].loc.len, 4);
	/* "s" */
	ck_assert_uint_eq(l.t[3].loc.col, 14);
	ck_assert_uint_eq(l.t[3].loc.len, 3);
	/* 0x10 after a tab: columns count bytes */
	ck_assert_int_eq(l.t[5].kind, TK_NUM);
	ck_assert_uint_eq(l.t[5].loc.line, 5);
	ck_assert_uint_eq(l.t[5].loc.col, 2);
	ck_assert_uint_eq(l.t[5].loc.len, 4);
	ck_assert_int_eq(l.t[6].kind, TK_SHR);
	ck_assert_uint_eq(l.t[6].loc.col, 7);
	ck_assert_int_eq(l.t[7].kind, TK_ASSIGN);
	ck_assert_uint_eq(l.t[7].loc.col, 10);
	ck_assert_ptr_eq(l.t[7].loc.src, &l.src);
	/* EOF at the end */
	ck_assert_int_eq(l.t[8].kind, TK_EOF);
	ck_assert_uint_eq(l.t[8].loc.line, 6);
	lex_done(&l);

	/* "#!" only counts on the first line */
	lex_all(&l, "a\n#!b");
	ck_assert_uint_eq(l.ud.d.errors, 1);	/* '#'; then '!' and b */
	ck_assert_uint_eq(l.n, 3);
	lex_done(&l);
}
END_TEST

START_TEST(test_comments)
{
	struct lexed l;
	char buf[1024];

	lex_all(&l, "a // x */ b\n/**/c/* / * */d//");
	ck_assert_uint_eq(l.ud.d.errors, 0);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(l.t[0].name, "a");
	ck_assert_str_eq(l.t[1].name, "c");
	ck_assert_str_eq(l.t[2].name, "d");
	lex_done(&l);

	lex_err("a\n  /* never\nends", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "<test>:2:3: error: unterminated comment\n"
				     "  /* never\n"
				     "  ^~\n"));
}
END_TEST

START_TEST(test_spec_mode)
{
	static const struct {
		const char *text, *spec, *rest;
	} cases[] = {
		{ "tracepoint:syscalls/sys_enter_openat {", "tracepoint:syscalls/sys_enter_openat", "{" },
		{ "t:sched:sched_switch{", "t:sched:sched_switch", "{" },
		{ "kprobe:vfs_*r[ei][at][de] /pid/", "kprobe:vfs_*r[ei][at][de]", "/" },
		{ "k:do_sys_open+0x10,", "k:do_sys_open+0x10", "," },
		{ "uprobe:/usr/lib/x86_64-linux-gnu/libc.so.6:getaddr*\n{",
		  "uprobe:/usr/lib/x86_64-linux-gnu/libc.so.6:getaddr*", "{" },
		{ "u:libc:malloc", "u:libc:malloc", NULL },
		{ "i:500ms {", "i:500ms", "{" },
		{ "profile:cpu0:99hz\t{", "profile:cpu0:99hz", "{" },
		{ "BEGIN{", "BEGIN", "{" },
		{ "END ,", "END", "," },
		{ "BEGIN/x/", "BEGIN", "/" },
		/* a quoted part keeps spaces, commas and braces */
		{ "uprobe:\"/opt/my app, v{2}/bin\":main {",
		  "uprobe:\"/opt/my app, v{2}/bin\":main", "{" },
		{ "u:\"/a b\":f,", "u:\"/a b\":f", "," },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct arena *a = arena_new();
		struct source src = unit_source(cases[i].text);
		struct unit_diag ud;
		struct lexer lx;
		struct token first, t;

		unit_diag_open(&ud);
		lex_init(&lx, a, &src, &ud.d);
		lex_next(&lx, &first);
		ck_assert_int_eq(first.kind, TK_IDENT);
		lex_spec(&lx, &first, &t);
		ck_assert_int_eq(t.kind, TK_SPEC);
		ck_assert_str_eq(t.name, cases[i].spec);
		ck_assert_uint_eq(t.loc.col, 1);
		ck_assert_uint_eq(t.loc.len, strlen(cases[i].spec));
		lex_next(&lx, &t);
		if (cases[i].rest)
			ck_assert_str_eq(tok_kind_str(t.kind), cases[i].rest);
		else
			ck_assert_int_eq(t.kind, TK_EOF);
		ck_assert_uint_eq(ud.d.errors, 0);
		unit_diag_close(&ud);
		arena_free(a);
	}
}
END_TEST

/* An unterminated quote in a specifier is an error at the quote. */
START_TEST(test_spec_unterminated_quote)
{
	struct arena *a = arena_new();
	struct source src = unit_source("u:\"/a b:f {\n}");
	struct unit_diag ud;
	struct lexer lx;
	struct token first, t;

	unit_diag_open(&ud);
	lex_init(&lx, a, &src, &ud.d);
	lex_next(&lx, &first);
	lex_spec(&lx, &first, &t);
	ck_assert_int_eq(t.kind, TK_SPEC);
	ck_assert_uint_eq(ud.d.errors, 1);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&ud),
				     ":1:3: error: unterminated quoted part"));
	unit_diag_close(&ud);
	arena_free(a);
}
END_TEST

START_TEST(test_spec_relex_later_line)
{
	struct arena *a = arena_new();
	struct source src = unit_source("}\n  \tk:f+1 {");
	struct unit_diag ud;
	struct lexer lx;
	struct token t, s;

	unit_diag_open(&ud);
	lex_init(&lx, a, &src, &ud.d);
	lex_next(&lx, &t);
	ck_assert_int_eq(t.kind, TK_RBRACE);
	lex_next(&lx, &t);
	/* the normal lexer reads just the name ... */
	ck_assert_int_eq(t.kind, TK_IDENT);
	ck_assert_str_eq(t.name, "k");
	/* ... and spec mode re-reads from its offset, same location */
	lex_spec(&lx, &t, &s);
	ck_assert_int_eq(s.kind, TK_SPEC);
	ck_assert_str_eq(s.name, "k:f+1");
	ck_assert_uint_eq(s.loc.line, 2);
	ck_assert_uint_eq(s.loc.col, 4);
	lex_next(&lx, &t);
	ck_assert_int_eq(t.kind, TK_LBRACE);
	ck_assert_uint_eq(t.loc.line, 2);
	ck_assert_uint_eq(t.loc.col, 10);
	/* spec mode at something that is no name gives the normal token */
	lex_spec(&lx, &t, &s);
	ck_assert_int_eq(s.kind, TK_LBRACE);
	ck_assert_uint_eq(ud.d.errors, 0);
	unit_diag_close(&ud);
	arena_free(a);
}
END_TEST

START_TEST(test_bad_bytes)
{
	static const char text[] = "a ` \x01\0b\xff";
	struct lexed l;
	const char *out;

	lex_all_n(&l, text, sizeof(text) - 1);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.t[0].name, "a");
	ck_assert_str_eq(l.t[1].name, "b");
	ck_assert_uint_eq(l.ud.d.errors, 4);
	out = unit_diag_text(&l.ud);
	ck_assert_ptr_nonnull(strstr(out, "<test>:1:3: error: unexpected character '`'"));
	ck_assert_ptr_nonnull(strstr(out, "<test>:1:5: error: unexpected byte 0x01"));
	ck_assert_ptr_nonnull(strstr(out, "<test>:1:6: error: unexpected byte 0x00"));
	ck_assert_ptr_nonnull(strstr(out, "<test>:1:8: error: unexpected byte 0xff"));
	lex_done(&l);
}
END_TEST

START_TEST(test_error_cap)
{
	char text[200];
	struct lexed l;

	memset(text, '`', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	lex_all(&l, text);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_uint_eq(l.ud.d.errors, LEX_MAX_ERRORS);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&l.ud), "too many errors"));
	lex_done(&l);
}
END_TEST

START_TEST(test_diag_format)
{
	struct source src = unit_source("line one\n\tx\tyy = 1;\nlast");
	struct unit_diag ud;
	struct loc l = { .src = &src, .line = 2, .col = 4, .len = 2 };
	struct loc end = { .src = &src, .line = 2, .col = 9, .len = 1 };
	struct loc span;

	unit_diag_open(&ud);
	diag_error(&ud.d, &l, "bad %s", "thing");
	ck_assert_str_eq(unit_diag_text(&ud),
			 "<test>:2:4: error: bad thing\n"
			 "\tx\tyy = 1;\n"
			 "\t \t^~\n");
	diag_warn(&ud.d, NULL, "no location");
	diag_note(&ud.d, &end, "here");
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&ud), "spry: warning: no location\n"));
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&ud), "<test>:2:9: note: here\n"));
	ck_assert_uint_eq(ud.d.errors, 1);
	ck_assert_uint_eq(ud.d.warnings, 1);

	span = loc_span(l, end);
	ck_assert_uint_eq(span.col, 4);
	ck_assert_uint_eq(span.len, 6);
	/* across lines the length counts bytes; the caret stops at the line */
	span = loc_span((struct loc){ .src = &src, .line = 1, .col = 6, .len = 3 }, l);
	ck_assert_uint_eq(span.line, 1);
	ck_assert_uint_eq(span.len, 9);
	/* a location past the text prints no source line, but does not crash */
	l.line = 99;
	diag_error(&ud.d, &l, "far");
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&ud), "<test>:99:4: error: far\n"));
	unit_diag_close(&ud);
}
END_TEST

START_TEST(test_arena)
{
	struct arena *a = arena_new();
	char *p, *big, *s;
	unsigned *g;

	for (int i = 0; i < 10000; i++) {
		p = arena_alloc(a, (size_t)i % 100 + 1);
		ck_assert_uint_eq((uintptr_t)p % 16, 0);
		for (int j = 0; j < i % 100 + 1; j++)
			ck_assert_int_eq(p[j], 0);
		memset(p, 0xaa, (size_t)i % 100 + 1);
	}
	big = arena_alloc(a, 1 << 20);
	ck_assert_uint_eq((uintptr_t)big % 16, 0);
	ck_assert_int_eq(big[(1 << 20) - 1], 0);
	g = arena_alloc(a, 4 * sizeof(*g));
	for (unsigned i = 0; i < 4; i++)
		g[i] = i;
	g = arena_grow(a, g, 4 * sizeof(*g), 8 * sizeof(*g));
	ck_assert_uint_eq(g[3], 3);
	ck_assert_uint_eq(g[7], 0);
	s = arena_printf(a, "%s-%d", "x", 42);
	ck_assert_str_eq(s, "x-42");
	ck_assert_str_eq(arena_strndup(a, "abcdef", 3), "abc");
	ck_assert_str_eq(arena_strdup(a, "hello"), "hello");
	arena_free(a);
	arena_free(NULL);
}
END_TEST

static Suite *lex_suite(void)
{
	Suite *s = suite_create("lex");
	TCase *tc = tcase_create("lex");

	tcase_add_test(tc, test_punct);
	tcase_add_test(tc, test_ident_keyword_map);
	tcase_add_test(tc, test_bpftrace_tokens);
	tcase_add_test(tc, test_ctype_tokens);
	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_number_errors);
	tcase_add_test(tc, test_chars);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_locations);
	tcase_add_test(tc, test_comments);
	tcase_add_test(tc, test_spec_mode);
	tcase_add_test(tc, test_spec_unterminated_quote);
	tcase_add_test(tc, test_spec_relex_later_line);
	tcase_add_test(tc, test_bad_bytes);
	tcase_add_test(tc, test_error_cap);
	tcase_add_test(tc, test_diag_format);
	tcase_add_test(tc, test_arena);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(lex_suite());
}
