/* lex.h - the hand-written lexer.
 *
 * Turns a struct source into tokens on demand, one at a time: the parser
 * holds only the current token, so it can switch the lexer into spec mode
 * where a probe specifier is expected (lex_spec() re-lexes from a token's
 * offset).  Every token carries its location (line, col, len in bytes).
 *
 * bpftrace's tokens are spry's: scratch variables ($x), positional
 * parameters ($1, $#), ++ and --, every compound assignment, the loop
 * keywords, and scientific integer literals (1e6 is 1000000).
 *
 * Errors (bad characters, unterminated strings and comments, overflowing
 * literals, unknown escapes) are reported through the diag with a location
 * and the lexer carries on after the bad text, so the parser sees a plausible
 * token stream.  After lx->max_errors errors (lexer and parser together, see
 * lex_error()) the lexer says so once and returns only TK_EOF, so no input
 * can make the front end report forever.
 */
#ifndef SPRY_LEX_H
#define SPRY_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct arena;

/* kind, spelling (for messages) */
#define TOKENS(X)				\
	X(TK_EOF,	"end of input")		\
	X(TK_NUM,	"number")		\
	X(TK_CHAR,	"character literal")	\
	X(TK_STR,	"string")		\
	X(TK_IDENT,	"identifier")		\
	X(TK_MAP,	"map")			\
	X(TK_VAR,	"scratch variable")	\
	X(TK_POSITIONAL, "positional parameter") \
	X(TK_PARAMCOUNT, "$#")			\
	X(TK_SPEC,	"probe specifier")	\
	X(TK_IF,	"if")			\
	X(TK_ELSE,	"else")			\
	X(TK_DELETE,	"delete")		\
	X(TK_WHILE,	"while")		\
	X(TK_UNROLL,	"unroll")		\
	X(TK_BREAK,	"break")		\
	X(TK_CONTINUE,	"continue")		\
	X(TK_RETURN,	"return")		\
	X(TK_LPAREN,	"(")			\
	X(TK_RPAREN,	")")			\
	X(TK_LBRACE,	"{")			\
	X(TK_RBRACE,	"}")			\
	X(TK_LBRACKET,	"[")			\
	X(TK_RBRACKET,	"]")			\
	X(TK_COMMA,	",")			\
	X(TK_SEMI,	";")			\
	X(TK_COLON,	":")			\
	X(TK_QUESTION,	"?")			\
	X(TK_DOT,	".")			\
	X(TK_ARROW,	"->")			\
	X(TK_ASSIGN,	"=")			\
	X(TK_PLUS,	"+")			\
	X(TK_MINUS,	"-")			\
	X(TK_STAR,	"*")			\
	X(TK_SLASH,	"/")			\
	X(TK_PERCENT,	"%")			\
	X(TK_SHL,	"<<")			\
	X(TK_SHR,	">>")			\
	X(TK_LT,	"<")			\
	X(TK_LE,	"<=")			\
	X(TK_GT,	">")			\
	X(TK_GE,	">=")			\
	X(TK_EQ,	"==")			\
	X(TK_NE,	"!=")			\
	X(TK_AMP,	"&")			\
	X(TK_CARET,	"^")			\
	X(TK_PIPE,	"|")			\
	X(TK_LAND,	"&&")			\
	X(TK_LOR,	"||")			\
	X(TK_NOT,	"!")			\
	X(TK_TILDE,	"~")			\
	X(TK_INC,	"++")			\
	X(TK_DEC,	"--")			\
	X(TK_ADD_ASSIGN, "+=")			\
	X(TK_SUB_ASSIGN, "-=")			\
	X(TK_MUL_ASSIGN, "*=")			\
	X(TK_DIV_ASSIGN, "/=")			\
	X(TK_MOD_ASSIGN, "%=")			\
	X(TK_AND_ASSIGN, "&=")			\
	X(TK_OR_ASSIGN,	"|=")			\
	X(TK_XOR_ASSIGN, "^=")			\
	X(TK_SHL_ASSIGN, "<<=")			\
	X(TK_SHR_ASSIGN, ">>=")			\
	/* C types: casts, sizeof, definitions */	\
	X(TK_STRUCT,	"struct")		\
	X(TK_UNION,	"union")		\
	X(TK_ENUM,	"enum")			\
	X(TK_TYPEDEF,	"typedef")		\
	X(TK_SIZEOF,	"sizeof")		\
	X(TK_OFFSETOF,	"offsetof")		\
	X(TK_ELLIPSIS,	"...")

enum tok_kind {
#define X(k, s) k,
	TOKENS(X)
#undef X
	TK_COUNT_
};

struct token {
	enum tok_kind kind;
	struct loc loc;
	size_t off;		/* byte offset of the first character */
	const char *name;	/* TK_IDENT: "pid"; TK_MAP: "@foo" or "@";
				 * TK_VAR: "$foo"; TK_SPEC: the whole
				 * specifier text */
	uint64_t num;		/* TK_NUM; TK_CHAR (the char's value, as C's
				 * signed char promoted: '\xff' is -1);
				 * TK_POSITIONAL: N of $N */
	const char *str;	/* TK_STR: decoded bytes, NUL-terminated */
	unsigned len;		/* TK_STR: decoded length without the NUL */
};

struct lexer {
	struct arena *arena;
	const struct source *src;
	struct diag *d;
	size_t pos;		/* next byte to read */
	unsigned line;		/* line of pos, 1-based */
	size_t line_start;	/* offset of that line's first byte */
	unsigned errors;	/* reported through lex_error() */
	unsigned max_errors;	/* 0: no cap */
	bool stopped;		/* cap reached: only TK_EOF from now on */
};

#define LEX_MAX_ERRORS 20

void lex_init(struct lexer *lx, struct arena *a, const struct source *src,
	      struct diag *d);
/* The next token in normal mode. */
void lex_next(struct lexer *lx, struct token *t);
/* Re-lex from @from's offset in spec mode: NAME, and if a ':' follows at
 * once, everything up to whitespace, '{', ',' or the end.  @from must be
 * the last token lex_next() gave.  Gives TK_SPEC (name = the text) or, if
 * @from is no name, @from itself. */
void lex_spec(struct lexer *lx, const struct token *from, struct token *t);
/* Report a front-end error, counted against the cap; after the cap it is
 * silently dropped. */
void lex_error(struct lexer *lx, const struct loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "(", "if", "identifier" ... */
const char *tok_kind_str(enum tok_kind k);
/* A token as a message names it: "')'", "'else'", "identifier 'foo'",
 * "end of input"; in @buf. */
const char *tok_describe(const struct token *t, char *buf, size_t n);

#endif
