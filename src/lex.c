/* lex.c - hand-written lexer for spry scripts.
 *
 * Input: a struct source.  Output: one struct token per lex_next() call, each
 * with its location; string literals come out decoded, numbers as values.
 * Bad input is reported where it is and skipped, so the parser can go on;
 * errors are capped (lex.h).
 */
#include <assert.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "glob.h"
#include "lex.h"

static const char *const tok_names[] = {
#define X(k, s) [k] = s,
	TOKENS(X)
#undef X
};

const char *tok_kind_str(enum tok_kind k)
{
	if ((unsigned)k >= TK_COUNT_)
		return "?";
	return tok_names[k];
}

const char *tok_describe(const struct token *t, char *buf, size_t n)
{
	switch (t->kind) {
	case TK_EOF:
		snprintf(buf, n, "end of input");
		break;
	case TK_NUM:
	case TK_CHAR:
	case TK_STR:
		snprintf(buf, n, "%s", tok_names[t->kind]);
		break;
	case TK_IDENT:
		snprintf(buf, n, "identifier '%s'", t->name);
		break;
	case TK_MAP:
		snprintf(buf, n, "map '%s'", t->name);
		break;
	case TK_VAR:
		snprintf(buf, n, "variable '%s'", t->name);
		break;
	case TK_POSITIONAL:
		snprintf(buf, n, "positional parameter '$%" PRIu64 "'", t->num);
		break;
	case TK_SPEC:
		snprintf(buf, n, "probe specifier '%s'", t->name);
		break;
	default:
		snprintf(buf, n, "'%s'", tok_kind_str(t->kind));
		break;
	}
	return buf;
}

void lex_init(struct lexer *lx, struct arena *a, const struct source *src,
	      struct diag *d)
{
	memset(lx, 0, sizeof(*lx));
	lx->arena = a;
	lx->src = src;
	lx->d = d;
	lx->line = 1;
	lx->max_errors = LEX_MAX_ERRORS;
}

void lex_error(struct lexer *lx, const struct loc *loc, const char *fmt, ...)
{
	va_list ap;

	if (lx->stopped)
		return;
	va_start(ap, fmt);
	diag_verror(lx->d, loc, fmt, ap);
	va_end(ap);
	lx->errors++;
	if (lx->max_errors && lx->errors >= lx->max_errors) {
		diag_note(lx->d, NULL, "too many errors, stopping");
		lx->stopped = true;
	}
}

/* ---- reading characters ---- */

/* The byte at pos + @k, or 0 past the end.  The text may hold NUL bytes of
 * its own; the end is src->len, never the first NUL. */
static int lex_peek(const struct lexer *lx, size_t k)
{
	if (lx->pos + k >= lx->src->len)
		return 0;
	return (unsigned char)lx->src->text[lx->pos + k];
}

static bool lex_at_end(const struct lexer *lx)
{
	return lx->pos >= lx->src->len;
}

static void lex_advance(struct lexer *lx)
{
	if (lex_at_end(lx))
		return;
	if (lx->src->text[lx->pos] == '\n') {
		lx->line++;
		lx->line_start = lx->pos + 1;
	}
	lx->pos++;
}

static struct loc lex_loc_at(const struct lexer *lx, size_t off, unsigned line,
			     size_t line_start, size_t len)
{
	struct loc l = {
		.src = lx->src,
		.line = line,
		.col = (unsigned)(off - line_start + 1),
		.len = len ? (unsigned)len : 1,
	};
	return l;
}

/* Location of the byte at pos. */
static struct loc lex_here(const struct lexer *lx, size_t len)
{
	return lex_loc_at(lx, lx->pos, lx->line, lx->line_start, len);
}

static bool is_ident_start(int c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_ident_char(int c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* ---- whitespace and comments ---- */

static void lex_skip_space(struct lexer *lx)
{
	/* "#!" on the very first line: the script is an executable */
	if (lx->pos == 0 && lex_peek(lx, 0) == '#' && lex_peek(lx, 1) == '!') {
		while (!lex_at_end(lx) && lex_peek(lx, 0) != '\n')
			lex_advance(lx);
	}
	while (!lex_at_end(lx)) {
		int c = lex_peek(lx, 0);

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '\f' || c == '\v') {
			lex_advance(lx);
		} else if (c == '/' && lex_peek(lx, 1) == '/') {
			while (!lex_at_end(lx) && lex_peek(lx, 0) != '\n')
				lex_advance(lx);
		} else if (c == '/' && lex_peek(lx, 1) == '*') {
			struct loc start = lex_here(lx, 2);

			lex_advance(lx);
			lex_advance(lx);
			while (!lex_at_end(lx) &&
			       !(lex_peek(lx, 0) == '*' && lex_peek(lx, 1) == '/'))
				lex_advance(lx);
			if (lex_at_end(lx)) {
				lex_error(lx, &start, "unterminated comment");
				return;
			}
			lex_advance(lx);
			lex_advance(lx);
		} else {
			return;
		}
	}
}

/* ---- numbers ---- */

static int digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

static const char *base_name(unsigned base)
{
	switch (base) {
	case 2: return "binary";
	case 8: return "octal";
	case 16: return "hexadecimal";
	default: return "decimal";
	}
}

/* exponent = ("e" | "E") dec+   (after a decimal mantissa m: m * 10^n, an
 * integer as bpftrace's scientific literals are; 1e-3 is no integer and
 * fails as a bad suffix) */
static void lex_exponent(struct lexer *lx, uint64_t *v, bool *overflow)
{
	unsigned e = 0;

	lex_advance(lx);	/* 'e' */
	while (isdigit(lex_peek(lx, 0))) {
		if (e < 1000)
			e = e * 10 + (unsigned)(lex_peek(lx, 0) - '0');
		lex_advance(lx);
	}
	while (e--) {
		if (*v > UINT64_MAX / 10)
			*overflow = true;
		*v *= 10;
		if (!*v)
			break;
	}
}

/* number = ("0x" hex+ | "0b" bin+ | "0" oct* | dec+ exponent?) suffix?
 * with '_' separators after the first digit; suffix = u, l, ul, ull, lu, llu
 * in any case.  Overflow past 64 bits is an error. */
static void lex_number(struct lexer *lx, struct token *t, size_t start)
{
	unsigned base = 10;
	uint64_t v = 0;
	bool overflow = false, any = false;
	int c;

	if (lex_peek(lx, 0) == '0' && (lex_peek(lx, 1) == 'x' || lex_peek(lx, 1) == 'X')) {
		base = 16;
		lex_advance(lx);
		lex_advance(lx);
	} else if (lex_peek(lx, 0) == '0' && (lex_peek(lx, 1) == 'b' || lex_peek(lx, 1) == 'B') &&
		   (lex_peek(lx, 2) == '0' || lex_peek(lx, 2) == '1' || lex_peek(lx, 2) == '_')) {
		base = 2;
		lex_advance(lx);
		lex_advance(lx);
	} else if (lex_peek(lx, 0) == '0') {
		base = 8;
		any = true;	/* the 0 itself */
		lex_advance(lx);
	}

	for (;;) {
		unsigned dv;

		c = lex_peek(lx, 0);
		if (c == '_' && (any || base != 10)) {
			lex_advance(lx);
			continue;
		}
		dv = (unsigned)digit_value(c);
		if (!isalnum(c))
			break;
		if (dv >= base) {
			/* 'u'/'l' start a suffix; other letters or digits out
			 * of range are reported below */
			if (c == 'u' || c == 'U' || c == 'l' || c == 'L')
				break;
			if (dv < 10) {
				struct loc l = lex_here(lx, 1);

				lex_error(lx, &l, "invalid digit '%c' in %s constant",
					  c, base_name(base));
				lex_advance(lx);
				continue;
			}
			break;
		}
		if (v > (UINT64_MAX - dv) / base)
			overflow = true;
		v = v * base + dv;
		any = true;
		lex_advance(lx);
	}
	if (!any) {
		struct loc l = lex_loc_at(lx, start, lx->line, lx->line_start,
					  lx->pos - start);

		lex_error(lx, &l, "%s constant has no digits", base_name(base));
	}

	if (base == 10 && (c == 'e' || c == 'E') && isdigit(lex_peek(lx, 1))) {
		lex_exponent(lx, &v, &overflow);
		c = lex_peek(lx, 0);
	}
	/* after a '.', a number is a tuple's index: $t.0.1 is ($t.0).1 */
	if (c == '.' && isdigit(lex_peek(lx, 1)) &&
	    !(start > 0 && lx->src->text[start - 1] == '.')) {
		struct loc l;

		while (isalnum(lex_peek(lx, 0)) || lex_peek(lx, 0) == '.')
			lex_advance(lx);
		l = lex_loc_at(lx, start, lx->line, lx->line_start, lx->pos - start);
		lex_error(lx, &l, "floating-point numbers are not supported");
	} else {
		/* suffix: accepted and ignored, the type comes from the
		 * value (integers are 64-bit in spry anyway) */
		static const char *const suffixes[] = {
			"u", "l", "ul", "lu", "ll", "ull", "llu",
		};
		size_t sstart = lx->pos, slen;
		bool ok = false;

		while (is_ident_char(lex_peek(lx, 0)))
			lex_advance(lx);
		slen = lx->pos - sstart;
		for (size_t i = 0; slen && i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
			if (strlen(suffixes[i]) == slen &&
			    glob_caseeq(suffixes[i], lx->src->text + sstart, slen))
				ok = true;
		if (slen && !ok) {
			struct loc l = lex_loc_at(lx, sstart, lx->line,
						  lx->line_start, slen);

			lex_error(lx, &l, "invalid suffix '%.*s' on integer constant",
				  (int)slen, lx->src->text + sstart);
		}
	}

	t->kind = TK_NUM;
	t->num = v;
	t->loc = lex_loc_at(lx, start, lx->line, lx->line_start, lx->pos - start);
	if (overflow)
		lex_error(lx, &t->loc, "integer constant is too large for 64 bits");
}

/* ---- strings and characters ---- */

/* Decode one escape after the backslash at pos.  Returns the byte, or -1
 * after reporting a bad escape (the bad text is skipped). */
static int lex_escape(struct lexer *lx)
{
	size_t bs = lx->pos;	/* the backslash */
	int c, v;

	lex_advance(lx);
	c = lex_peek(lx, 0);
	switch (c) {
	case 'n': lex_advance(lx); return '\n';
	case 't': lex_advance(lx); return '\t';
	case 'r': lex_advance(lx); return '\r';
	case 'a': lex_advance(lx); return '\a';
	case 'b': lex_advance(lx); return '\b';
	case 'f': lex_advance(lx); return '\f';
	case 'v': lex_advance(lx); return '\v';
	case 'e': lex_advance(lx); return 0x1b;
	case '\\': lex_advance(lx); return '\\';
	case '"': lex_advance(lx); return '"';
	case '\'': lex_advance(lx); return '\'';
	case '?': lex_advance(lx); return '?';
	case 'x': {
		int n = 0;

		lex_advance(lx);
		v = 0;
		while (n < 2 && isxdigit(lex_peek(lx, 0))) {
			v = v * 16 + digit_value(lex_peek(lx, 0));
			lex_advance(lx);
			n++;
		}
		if (!n) {
			struct loc l = lex_loc_at(lx, bs, lx->line,
						  lx->line_start, 2);

			lex_error(lx, &l, "\\x used with no following hex digits");
			return -1;
		}
		return v;
	}
	default:
		break;
	}
	if (c >= '0' && c <= '7') {
		int n = 0;

		v = 0;
		while (n < 3 && lex_peek(lx, 0) >= '0' && lex_peek(lx, 0) <= '7') {
			v = v * 8 + lex_peek(lx, 0) - '0';
			lex_advance(lx);
			n++;
		}
		if (v > 0xff) {
			struct loc l = lex_loc_at(lx, bs, lx->line,
						  lx->line_start, lx->pos - bs);

			lex_error(lx, &l, "octal escape sequence out of range");
			return -1;
		}
		return v;
	}
	if (c == 0 && lex_at_end(lx))
		return -1;	/* the caller reports the missing quote */
	{
		struct loc l = lex_loc_at(lx, bs, lx->line, lx->line_start, 2);

		if (c == '\n')
			return -1;	/* unterminated: the caller says so */
		if (c >= 0x20 && c < 0x7f)
			lex_error(lx, &l, "unknown escape sequence '\\%c'", c);
		else
			lex_error(lx, &l, "unknown escape sequence '\\x%02x'", c);
		lex_advance(lx);
	}
	return -1;
}

/* str = '"' (char | escape)* '"'; must end on its line. */
static void lex_string(struct lexer *lx, struct token *t, size_t start)
{
	size_t cap = 16, n = 0;
	char *buf = arena_alloc(lx->arena, cap);
	unsigned line = lx->line;
	size_t line_start = lx->line_start;

	lex_advance(lx);	/* '"' */
	for (;;) {
		int c = lex_peek(lx, 0);

		if (lex_at_end(lx) || c == '\n') {
			t->loc = lex_loc_at(lx, start, line, line_start, 1);
			lex_error(lx, &t->loc, "unterminated string");
			break;
		}
		if (c == '"') {
			lex_advance(lx);
			break;
		}
		if (c == '\\') {
			c = lex_escape(lx);
			if (c < 0)
				continue;
		} else {
			lex_advance(lx);
		}
		if (n + 1 >= cap) {
			buf = arena_grow(lx->arena, buf, cap, cap * 2);
			cap *= 2;
		}
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	t->kind = TK_STR;
	t->str = buf;
	t->len = (unsigned)n;
	t->loc = lex_loc_at(lx, start, line, line_start, lx->pos - start);
}

/* char = "'" (char | escape) "'" */
static void lex_char(struct lexer *lx, struct token *t, size_t start)
{
	unsigned n = 0;
	bool reported = false;
	int v = 0;

	lex_advance(lx);	/* '\'' */
	for (;;) {
		int c = lex_peek(lx, 0);

		if (lex_at_end(lx) || c == '\n') {
			t->loc = lex_loc_at(lx, start, lx->line, lx->line_start, 1);
			lex_error(lx, &t->loc, "unterminated character literal");
			reported = true;
			break;
		}
		if (c == '\'') {
			lex_advance(lx);
			break;
		}
		if (c == '\\') {
			c = lex_escape(lx);
			if (c < 0) {
				reported = true;
				continue;
			}
		} else {
			lex_advance(lx);
		}
		if (n++ == 0)
			v = c;
	}
	t->kind = TK_CHAR;
	t->loc = lex_loc_at(lx, start, lx->line, lx->line_start, lx->pos - start);
	if (!reported && n == 0)
		lex_error(lx, &t->loc, "empty character literal");
	else if (!reported && n > 1)
		lex_error(lx, &t->loc, "multi-character character literal");
	/* a char is signed, as in C: '\xff' is -1 */
	t->num = (uint64_t)(int64_t)(signed char)v;
}

/* ---- the token ---- */

static const struct {
	const char *s;
	enum tok_kind k;
} puncts[] = {
	/* longest first */
	{ "...", TK_ELLIPSIS },
	{ "<<=", TK_SHL_ASSIGN }, { ">>=", TK_SHR_ASSIGN },
	{ "++", TK_INC }, { "--", TK_DEC }, { "+=", TK_ADD_ASSIGN },
	{ "-=", TK_SUB_ASSIGN }, { "*=", TK_MUL_ASSIGN },
	{ "/=", TK_DIV_ASSIGN }, { "%=", TK_MOD_ASSIGN },
	{ "&=", TK_AND_ASSIGN }, { "|=", TK_OR_ASSIGN },
	{ "^=", TK_XOR_ASSIGN },
	{ "->", TK_ARROW }, { "<<", TK_SHL }, { ">>", TK_SHR },
	{ "<=", TK_LE }, { ">=", TK_GE }, { "==", TK_EQ }, { "!=", TK_NE },
	{ "&&", TK_LAND }, { "||", TK_LOR },
	{ "(", TK_LPAREN }, { ")", TK_RPAREN }, { "{", TK_LBRACE },
	{ "}", TK_RBRACE }, { "[", TK_LBRACKET }, { "]", TK_RBRACKET },
	{ ",", TK_COMMA }, { ";", TK_SEMI }, { ":", TK_COLON },
	{ "?", TK_QUESTION }, { ".", TK_DOT }, { "=", TK_ASSIGN },
	{ "+", TK_PLUS }, { "-", TK_MINUS }, { "*", TK_STAR },
	{ "/", TK_SLASH }, { "%", TK_PERCENT }, { "<", TK_LT },
	{ ">", TK_GT }, { "&", TK_AMP }, { "^", TK_CARET }, { "|", TK_PIPE },
	{ "!", TK_NOT }, { "~", TK_TILDE },
};

static const struct {
	const char *s;
	enum tok_kind k;
} keywords[] = {
	{ "if", TK_IF }, { "else", TK_ELSE }, { "delete", TK_DELETE },
	{ "struct", TK_STRUCT }, { "union", TK_UNION }, { "enum", TK_ENUM },
	{ "typedef", TK_TYPEDEF }, { "sizeof", TK_SIZEOF },
	{ "offsetof", TK_OFFSETOF },
	{ "while", TK_WHILE }, { "unroll", TK_UNROLL }, { "break", TK_BREAK },
	{ "continue", TK_CONTINUE }, { "return", TK_RETURN },
};

/* var = "$" NAME | "$" dec+ | "$#"   (scratch variable, positional
 * parameter, their count).  False, after reporting it, for a '$' with
 * nothing of these after it: the caller skips it as a bad character. */
static bool lex_dollar(struct lexer *lx, struct token *t, size_t start)
{
	int c;

	lex_advance(lx);	/* '$' */
	c = lex_peek(lx, 0);
	if (c == '#') {
		lex_advance(lx);
		t->kind = TK_PARAMCOUNT;
	} else if (isdigit(c)) {
		uint64_t v = 0;

		while (isdigit(lex_peek(lx, 0))) {
			if (v < 1000000)
				v = v * 10 + (uint64_t)(lex_peek(lx, 0) - '0');
			lex_advance(lx);
		}
		t->kind = TK_POSITIONAL;
		t->num = v;
	} else if (is_ident_start(c)) {
		while (is_ident_char(lex_peek(lx, 0)))
			lex_advance(lx);
		t->kind = TK_VAR;
		t->name = arena_strndup(lx->arena, lx->src->text + start,
					lx->pos - start);
	} else {
		lex_error(lx, &t->loc, "expected a name, a number or '#' "
			  "after '$'");
		return false;
	}
	t->loc.len = (unsigned)(lx->pos - start);
	return true;
}

static void lex_token(struct lexer *lx, struct token *t)
{
	size_t start;
	int c;

	memset(t, 0, sizeof(*t));
again:
	lex_skip_space(lx);
	start = lx->pos;
	t->off = start;
	t->loc = lex_here(lx, 1);
	if (lx->stopped || lex_at_end(lx)) {
		t->kind = TK_EOF;
		return;
	}
	c = lex_peek(lx, 0);

	if (isdigit(c)) {
		lex_number(lx, t, start);
		return;
	}
	if (is_ident_start(c)) {
		while (is_ident_char(lex_peek(lx, 0)))
			lex_advance(lx);
		t->kind = TK_IDENT;
		t->name = arena_strndup(lx->arena, lx->src->text + start,
					lx->pos - start);
		t->loc.len = (unsigned)(lx->pos - start);
		for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
			if (!strcmp(t->name, keywords[i].s))
				t->kind = keywords[i].k;
		return;
	}
	if (c == '@') {
		lex_advance(lx);
		while (is_ident_char(lex_peek(lx, 0)))
			lex_advance(lx);
		t->kind = TK_MAP;
		t->name = arena_strndup(lx->arena, lx->src->text + start,
					lx->pos - start);
		t->loc.len = (unsigned)(lx->pos - start);
		return;
	}
	if (c == '$') {
		if (lex_dollar(lx, t, start))
			return;
		goto again;
	}
	if (c == '"') {
		lex_string(lx, t, start);
		return;
	}
	if (c == '\'') {
		lex_char(lx, t, start);
		return;
	}
	for (size_t i = 0; i < sizeof(puncts) / sizeof(puncts[0]); i++) {
		size_t n = strlen(puncts[i].s);

		if (lx->pos + n <= lx->src->len &&
		    !memcmp(lx->src->text + lx->pos, puncts[i].s, n)) {
			for (size_t j = 0; j < n; j++)
				lex_advance(lx);
			t->kind = puncts[i].k;
			t->loc.len = (unsigned)n;
			return;
		}
	}

	/* a character no token starts with: report it, skip it, go on */
	if (c >= 0x20 && c < 0x7f)
		lex_error(lx, &t->loc, "unexpected character '%c'", c);
	else
		lex_error(lx, &t->loc, "unexpected byte 0x%02x", c);
	lex_advance(lx);
	goto again;
}

void lex_next(struct lexer *lx, struct token *t)
{
	lex_token(lx, t);
}

/* A token spelled as a name: an identifier or a keyword. */
static bool tok_is_word(enum tok_kind k)
{
	if (k == TK_IDENT)
		return true;
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (keywords[i].k == k)
			return true;
	return false;
}

/* Reset the reading position to @off, recomputing the line: tokens are only
 * re-lexed from where the parser already was, so this is a backward seek to a
 * token whose line we know. */
static void lex_seek(struct lexer *lx, const struct token *from)
{
	assert(from->off <= lx->src->len && "seek inside the source");
	lx->pos = from->off;
	lx->line = from->loc.line;
	lx->line_start = from->off - (from->loc.col - 1);
}

/* spec = NAME (":" ([^ \t\n{,"] | '"' [^"\n]* '"')*)?
 * A quoted part keeps spaces, commas and braces: uprobe:"/a b/c":foo. */
void lex_spec(struct lexer *lx, const struct token *from, struct token *t)
{
	size_t start;

	/* no name there: the token stands as lexed (re-lexing it would
	 * report its errors twice) and the lexer is already past it */
	if (!tok_is_word(from->kind)) {
		*t = *from;
		return;
	}
	lex_seek(lx, from);
	start = lx->pos;
	memset(t, 0, sizeof(*t));
	t->off = start;
	t->loc = lex_here(lx, 1);
	while (is_ident_char(lex_peek(lx, 0)))
		lex_advance(lx);
	if (lex_peek(lx, 0) == ':') {
		while (!lex_at_end(lx) && !strchr(" \t\n\r\f\v{,", lex_peek(lx, 0))) {
			struct loc q = lex_here(lx, 1);

			if (lex_peek(lx, 0) != '"') {
				lex_advance(lx);
				continue;
			}
			lex_advance(lx);
			while (!lex_at_end(lx) && lex_peek(lx, 0) != '"' &&
			       lex_peek(lx, 0) != '\n')
				lex_advance(lx);
			if (lex_peek(lx, 0) != '"') {
				lex_error(lx, &q, "unterminated quoted part of "
					  "a probe specifier");
				break;
			}
			lex_advance(lx);
		}
	}
	t->kind = TK_SPEC;
	t->name = arena_strndup(lx->arena, lx->src->text + start, lx->pos - start);
	t->loc.len = (unsigned)(lx->pos - start);
}
