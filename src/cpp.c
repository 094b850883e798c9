/* cpp.c - the preprocessor: directives in, a blanked source and macros out.
 *
 * Input: a script's source.  Output (cpp.h): the same text with directive
 * lines and the lines conditionals leave out turned into spaces, newlines
 * kept, so every location after this pass is what the user wrote; the
 * macros; the #include lines.  The text is scanned once, line by line,
 * tracking block comments (a '#' inside one starts nothing, and a comment
 * in a skipped region keeps its delimiters so the lexer still sees it
 * whole) and string and character literals (no comment starts in them).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "cpp.h"

/* One open #if/#ifdef/#ifndef. */
struct cond {
	struct loc loc;		/* the directive, for "unterminated" */
	bool outer;		/* the region around it is in force */
	bool taken;		/* a branch so far was in force */
	bool active;		/* the current branch is in force */
	bool seen_else;
};

struct cpp_state {
	struct arena *a;
	struct diag *d;
	const struct source *in;
	struct cpp *out;
	char *text;		/* the output text, a copy of the input */
	size_t len;
	unsigned line;		/* of pos, 1-based */
	size_t line_start;
	bool in_comment;	/* inside a block comment */
	struct cond *conds;
	unsigned nconds, cap;
	bool failed;
	unsigned errors;	/* reported; capped as the lexer caps its own */
};

#define CPP_MAX_ERRORS 20

static bool active(const struct cpp_state *c)
{
	return !c->nconds || c->conds[c->nconds - 1].active;
}

/* The location of byte @off on the line starting at @line_start (@line);
 * directives continue over backslash-newlines, so count them. */
static struct loc loc_at(const struct cpp_state *c, unsigned line,
			 size_t line_start, size_t off, size_t len)
{
	struct loc l = { .src = c->in, .line = line };
	size_t i;

	for (i = line_start; i < off; i++)
		if (c->in->text[i] == '\n') {
			l.line++;
			line_start = i + 1;
		}
	l.col = (unsigned)(off - line_start + 1);
	l.len = len ? (unsigned)len : 1;
	return l;
}

static void cpp_error(struct cpp_state *c, const struct loc *l,
		      const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void cpp_verror(struct cpp_state *c, const struct loc *l,
		       const char *fmt, va_list ap)
{
	c->failed = true;
	if (c->errors == CPP_MAX_ERRORS)
		return;
	diag_verror(c->d, l, fmt, ap);
	if (++c->errors == CPP_MAX_ERRORS)
		diag_note(c->d, NULL, "too many errors, stopping");
}

static void cpp_error(struct cpp_state *c, const struct loc *l,
		      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cpp_verror(c, l, fmt, ap);
	va_end(ap);
}

/* ---- the text outside directives ---- */

/* Walk [@from, @to): track comments and literals; when @blank, turn every
 * byte into a space except newlines and comment delimiters. */
static void scan_text(struct cpp_state *c, size_t from, size_t to, bool blank)
{
	const char *s = c->in->text;
	size_t i = from;
	char quote = 0;

#define KEEP(n) (i += (n))
#define BLANK(n) do {							\
		for (size_t k_ = 0; k_ < (n); k_++, i++)		\
			if (blank && s[i] != '\n')			\
				c->text[i] = ' ';			\
	} while (0)

	while (i < to) {
		if (c->in_comment) {
			if (s[i] == '*' && i + 1 < to && s[i + 1] == '/') {
				c->in_comment = false;
				KEEP(2);
			} else {
				BLANK(1);
			}
		} else if (quote) {
			if (s[i] == '\\' && i + 1 < to && s[i + 1] != '\n') {
				BLANK(2);
			} else {
				if (s[i] == quote || s[i] == '\n')
					quote = 0;
				BLANK(1);
			}
		} else if (s[i] == '/' && i + 1 < to && s[i + 1] == '*') {
			c->in_comment = true;
			KEEP(2);
		} else if (s[i] == '/' && i + 1 < to && s[i + 1] == '/') {
			while (i < to && s[i] != '\n')
				BLANK(1);
		} else {
			if (s[i] == '"' || s[i] == '\'')
				quote = s[i];
			BLANK(1);
		}
	}
#undef KEEP
#undef BLANK
}

/* ---- directives ---- */

/* A cursor over one directive's text: [pos, end). */
struct dcur {
	struct cpp_state *c;
	size_t pos, end;
	unsigned line;		/* the directive's first line */
	size_t line_start;
	bool eval;		/* evaluating (false in a short-circuited operand) */
	bool strict;		/* a #define's value: unknown names are errors */
};

static char d_ch(const struct dcur *d)
{
	return d->pos < d->end ? d->c->in->text[d->pos] : '\0';
}

static char d_ch2(const struct dcur *d)
{
	return d->pos + 1 < d->end ? d->c->in->text[d->pos + 1] : '\0';
}

static struct loc d_loc(const struct dcur *d, size_t off, size_t len)
{
	return loc_at(d->c, d->line, d->line_start, off, len);
}

/* Blanks, backslash-newlines and comments; "//" ends the directive. */
static void d_space(struct dcur *d)
{
	const char *s = d->c->in->text;

	while (d->pos < d->end) {
		char ch = s[d->pos];

		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' ||
		    ch == '\v') {
			d->pos++;
		} else if (ch == '\\' && d_ch2(d) == '\n') {
			d->pos += 2;
		} else if (ch == '/' && d_ch2(d) == '/') {
			d->pos = d->end;
		} else if (ch == '/' && d_ch2(d) == '*') {
			d->pos += 2;
			while (d->pos < d->end &&
			       !(s[d->pos] == '*' && d_ch2(d) == '/'))
				d->pos++;
			d->pos = d->pos < d->end ? d->pos + 2 : d->end;
		} else {
			return;
		}
	}
}

static bool is_ident(char ch, bool first)
{
	return ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (!first && ch >= '0' && ch <= '9');
}

/* An identifier at the cursor (after blanks), copied; NULL if none. */
static const char *d_ident(struct dcur *d, size_t *start)
{
	size_t b;

	d_space(d);
	b = d->pos;
	if (!is_ident(d_ch(d), true))
		return NULL;
	while (is_ident(d_ch(d), false))
		d->pos++;
	if (start)
		*start = b;
	return arena_strndup(d->c->a, d->c->in->text + b, d->pos - b);
}

static void d_error(struct dcur *d, size_t off, size_t len, const char *fmt,
		    ...) __attribute__((format(printf, 4, 5)));

/* The character @ch next (after blanks), else an error saying so. */
static bool d_expect(struct dcur *d, char ch, const char *where)
{
	d_space(d);
	if (d_ch(d) != ch) {
		d_error(d, d->pos, 1, "expected '%c' %s", ch, where);
		return false;
	}
	d->pos++;
	return true;
}

static bool d_at_end(struct dcur *d)
{
	d_space(d);
	return d->pos >= d->end;
}

static void d_error(struct dcur *d, size_t off, size_t len, const char *fmt,
		    ...)
{
	struct loc l = d_loc(d, off, len);
	va_list ap;

	va_start(ap, fmt);
	cpp_verror(d->c, &l, fmt, ap);
	va_end(ap);
}

static struct macro *find_macro(const struct cpp *out, const char *name)
{
	struct macro *m;

	for (m = out->macros; m; m = m->next)
		if (!strcmp(m->name, name))
			return m;
	return NULL;
}

/* A name #ifdef and defined() see: the script's macros and the built-in
 * table's constants (which a script including the header would have). */
static bool is_defined(const struct cpp_state *c, const char *name)
{
	int64_t v;

	return find_macro(c->out, name) ||
	       !uapi_lookup(name, c->out->arch, &v, NULL);
}

/* ---- #if expressions: C's integer constant expressions ---- */

static bool d_cond(struct dcur *d, int64_t *v);

/* number = ("0x" hex+ | "0b" bin+ | "0" oct* | dec+) [uUlL]* */
static bool d_number(struct dcur *d, int64_t *v)
{
	const char *s = d->c->in->text;
	size_t b = d->pos;
	unsigned base = 10;
	uint64_t x = 0;
	bool any = false;

	if (d_ch(d) == '0' && (d_ch2(d) == 'x' || d_ch2(d) == 'X')) {
		base = 16;
		d->pos += 2;
	} else if (d_ch(d) == '0' && (d_ch2(d) == 'b' || d_ch2(d) == 'B')) {
		base = 2;
		d->pos += 2;
	} else if (d_ch(d) == '0') {
		base = 8;
	}
	for (; d->pos < d->end; d->pos++) {
		char ch = s[d->pos];
		unsigned dv = ch >= '0' && ch <= '9' ? (unsigned)(ch - '0') :
			      ch >= 'a' && ch <= 'f' ? (unsigned)(ch - 'a' + 10) :
			      ch >= 'A' && ch <= 'F' ? (unsigned)(ch - 'A' + 10) : 99;

		if (dv >= base)
			break;
		x = x * base + dv;
		any = true;
	}
	while (d_ch(d) == 'u' || d_ch(d) == 'U' || d_ch(d) == 'l' ||
	       d_ch(d) == 'L')
		d->pos++;
	if (!any || is_ident(d_ch(d), false)) {
		while (is_ident(d_ch(d), false))
			d->pos++;
		d_error(d, b, d->pos - b, "invalid integer '%.*s'",
			(int)(d->pos - b), s + b);
		return false;
	}
	*v = (int64_t)x;
	return true;
}

/* primary = number | char | "defined" ("(" NAME ")" | NAME) | NAME
 *         | "(" cond ")" | ("!" | "~" | "-" | "+") primary */
static bool d_primary(struct dcur *d, int64_t *v)
{
	const char *s = d->c->in->text, *name;
	size_t b;
	char ch;

	d_space(d);
	b = d->pos;
	ch = d_ch(d);
	if (ch == '!' || ch == '~' || ch == '-' || ch == '+') {
		d->pos++;
		if (!d_primary(d, v))
			return false;
		*v = ch == '!' ? !*v : ch == '~' ? (int64_t)~(uint64_t)*v :
		     ch == '-' ? (int64_t)(0 - (uint64_t)*v) : *v;
		return true;
	}
	if (ch == '(') {
		d->pos++;
		return d_cond(d, v) && d_expect(d, ')', "in the expression");
	}
	if (ch >= '0' && ch <= '9')
		return d_number(d, v);
	if (ch == '\'' && d->pos + 2 < d->end && s[d->pos + 1] != '\\' &&
	    s[d->pos + 2] == '\'') {
		*v = (signed char)s[d->pos + 1];
		d->pos += 3;
		return true;
	}
	name = d_ident(d, &b);
	if (!name) {
		d_error(d, d->pos, 1, d->pos < d->end ?
			"expected an integer, a name or '(' in the expression" :
			"expected an expression");
		return false;
	}
	if (!strcmp(name, "defined")) {
		bool paren;
		size_t nb;

		d_space(d);
		paren = d_ch(d) == '(';
		if (paren)
			d->pos++;
		name = d_ident(d, &nb);
		if (!name) {
			d_error(d, d->pos, 1, "expected a name after 'defined'");
			return false;
		}
		if (paren && !d_expect(d, ')', "after 'defined(NAME'"))
			return false;
		*v = is_defined(d->c, name);
		return true;
	}
	d_space(d);
	if (d_ch(d) == '(') {
		d_error(d, b, d->pos - b, "function-like macros are not "
			"supported: '%s'", name);
		return false;
	}
	{
		const struct macro *m;
		int err = cpp_macro(d->c->out, name, v, &m);

		if (err == -ENODATA) {
			d_error(d, b, strlen(name), "'%s' is defined without a "
				"value", name);
			return false;
		}
		if (err && d->strict) {
			d_error(d, b, strlen(name), "unknown name '%s': spry "
				"supports #define NAME integer", name);
			return false;
		}
		if (err)
			*v = 0;		/* as C: an unknown name is 0 */
	}
	return true;
}

/* Binary operators, C's levels; longest spelling first. */
static const struct {
	const char *op;
	int prec;
} d_ops[] = {
	{ "||", 1 }, { "&&", 2 }, { "<<", 8 }, { ">>", 8 }, { "<=", 7 },
	{ ">=", 7 }, { "==", 6 }, { "!=", 6 }, { "|", 3 }, { "^", 4 },
	{ "&", 5 }, { "<", 7 }, { ">", 7 }, { "+", 9 }, { "-", 9 },
	{ "*", 10 }, { "/", 10 }, { "%", 10 },
};

static int d_op(struct dcur *d, const char **op)
{
	const char *s;
	size_t i, n;

	d_space(d);
	s = d->c->in->text + d->pos;
	for (i = 0; i < sizeof(d_ops) / sizeof(d_ops[0]); i++) {
		n = strlen(d_ops[i].op);
		if (d->pos + n <= d->end && !strncmp(s, d_ops[i].op, n)) {
			*op = d_ops[i].op;
			return d_ops[i].prec;
		}
	}
	return 0;
}

static bool d_apply(struct dcur *d, const char *op, size_t at, int64_t a,
		    int64_t b, int64_t *v)
{
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b;

	switch (op[0]) {
	case '|': *v = op[1] ? (a || b) : (int64_t)(ua | ub); return true;
	case '&': *v = op[1] ? (a && b) : (int64_t)(ua & ub); return true;
	case '^': *v = (int64_t)(ua ^ ub); return true;
	case '=': *v = a == b; return true;
	case '!': *v = a != b; return true;
	case '<':
		*v = op[1] == '<' ? (int64_t)(ua << (ub & 63)) :
		     op[1] == '=' ? a <= b : a < b;
		return true;
	case '>':
		*v = op[1] == '>' ? a >> (ub & 63) : op[1] == '=' ? a >= b : a > b;
		return true;
	case '+': *v = (int64_t)(ua + ub); return true;
	case '-': *v = (int64_t)(ua - ub); return true;
	case '*': *v = (int64_t)(ua * ub); return true;
	default:
		if (!b) {
			if (d->eval) {
				d_error(d, at, 1, "division by zero");
				return false;
			}
			*v = 0;
			return true;
		}
		if (a == INT64_MIN && b == -1)
			*v = op[0] == '/' ? a : 0;
		else
			*v = op[0] == '/' ? a / b : a % b;
		return true;
	}
}

/* binary(limit) = primary (OP binary(prec(OP)))*   for prec > limit */
static bool d_binary(struct dcur *d, int limit, int64_t *v)
{
	const char *op = NULL;
	int prec;

	if (!d_primary(d, v))
		return false;
	while ((prec = d_op(d, &op)) > limit) {
		size_t at = d->pos;
		bool eval = d->eval;
		int64_t r;

		d->pos += strlen(op);
		/* the right operand of a decided && or || is not evaluated */
		if ((!strcmp(op, "&&") && !*v) || (!strcmp(op, "||") && *v))
			d->eval = false;
		if (!d_binary(d, prec, &r))
			return false;
		d->eval = eval;
		if (!d_apply(d, op, at, *v, r, v))
			return false;
	}
	return true;
}

/* cond = binary ("?" cond ":" cond)? */
static bool d_cond(struct dcur *d, int64_t *v)
{
	int64_t a, b;
	bool eval = d->eval;

	if (!d_binary(d, 0, v))
		return false;
	d_space(d);
	if (d_ch(d) != '?')
		return true;
	d->pos++;
	d->eval = eval && *v;
	if (!d_cond(d, &a) || !d_expect(d, ':', "in the expression"))
		return false;
	d->eval = eval && !*v;
	if (!d_cond(d, &b))
		return false;
	d->eval = eval;
	*v = *v ? a : b;
	return true;
}

/* A whole expression up to the directive's end. */
static bool d_expr_all(struct dcur *d, int64_t *v)
{
	d->eval = true;
	if (!d_cond(d, v))
		return false;
	if (!d_at_end(d)) {
		d_error(d, d->pos, 1, "unexpected text after the expression");
		return false;
	}
	return true;
}

/* ---- the directives ---- */

static void cond_push(struct cpp_state *c, const struct loc *l, bool value)
{
	struct cond *k;

	if (c->nconds == c->cap) {
		unsigned cap = c->cap ? c->cap * 2 : 8;

		c->conds = arena_grow(c->a, c->conds, c->cap * sizeof(*k),
				      cap * sizeof(*k));
		c->cap = cap;
	}
	k = &c->conds[c->nconds];
	k->loc = *l;
	k->outer = active(c);
	k->active = k->outer && value;
	k->taken = k->active;
	k->seen_else = false;
	c->nconds++;
}

/* #define NAME [value] */
static void do_define(struct dcur *d)
{
	struct cpp_state *c = d->c;
	struct macro *m, *old;
	size_t nb;
	const char *name = d_ident(d, &nb);
	int64_t v = 0;
	bool has_value;

	if (!name) {
		d_error(d, d->pos, 1, "expected a macro name after #define");
		return;
	}
	if (d_ch(d) == '(') {
		d_error(d, nb, d->pos - nb + 1, "function-like macros are not "
			"supported: '%s'", name);
		return;
	}
	has_value = !d_at_end(d);
	if (has_value) {
		const char *s = c->in->text;
		size_t vb = d->pos;

		if (s[vb] == '\'' || is_ident(s[vb], true) ||
		    (s[vb] >= '0' && s[vb] <= '9') || strchr("(-+~!", s[vb])) {
			d->strict = true;
			if (!d_expr_all(d, &v))
				return;
		} else {
			d_error(d, vb, d->end - vb, "spry supports #define NAME "
				"integer: the value of '%s' is no integer", name);
			return;
		}
	}
	old = find_macro(c->out, name);
	if (old && (old->has_value != has_value || old->value != v)) {
		struct loc l = d_loc(d, nb, strlen(name));

		diag_warn(c->d, &l, "'%s' redefined", name);
		if (old->loc.src)
			diag_note(c->d, &old->loc, "previously defined here");
	}
	m = arena_alloc(c->a, sizeof(*m));
	m->name = name;
	m->loc = d_loc(d, nb, strlen(name));
	m->has_value = has_value;
	m->value = v;
	m->next = c->out->macros;
	c->out->macros = m;
}

static void do_undef(struct dcur *d)
{
	struct macro **pm;
	const char *name = d_ident(d, NULL);

	if (!name) {
		d_error(d, d->pos, 1, "expected a macro name after #undef");
		return;
	}
	for (pm = &d->c->out->macros; *pm; )
		if (!strcmp((*pm)->name, name))
			*pm = (*pm)->next;
		else
			pm = &(*pm)->next;
	if (!d_at_end(d))
		d_error(d, d->pos, 1, "unexpected text after #undef %s", name);
}

/* #include <path> or "path": noted, never read */
static void do_include(struct dcur *d)
{
	const char *s = d->c->in->text;
	struct cpp_include *inc, **tail;
	char close;
	size_t b;

	d_space(d);
	close = d_ch(d) == '<' ? '>' : d_ch(d) == '"' ? '"' : 0;
	if (!close) {
		d_error(d, d->pos, 1, "expected <file> or \"file\" after "
			"#include");
		return;
	}
	b = ++d->pos;
	while (d->pos < d->end && s[d->pos] != close && s[d->pos] != '\n')
		d->pos++;
	if (d_ch(d) != close) {
		d_error(d, b - 1, d->pos - b + 1, "missing '%c' after the "
			"file name", close);
		return;
	}
	inc = arena_alloc(d->c->a, sizeof(*inc));
	inc->path = arena_strndup(d->c->a, s + b, d->pos - b);
	inc->loc = d_loc(d, b - 1, d->pos - b + 2);
	d->pos++;
	for (tail = &d->c->out->includes; *tail; tail = &(*tail)->next)
		;
	*tail = inc;
	if (!d_at_end(d))
		d_error(d, d->pos, 1, "unexpected text after #include");
}

/* One directive: the logical line [@start, @end), '#' at @hash. */
static void directive(struct cpp_state *c, size_t hash, size_t end,
		      unsigned line, size_t line_start)
{
	struct dcur d = { c, hash + 1, end, line, line_start, true, false };
	struct loc l;
	size_t nb;
	const char *name = d_ident(&d, &nb);
	bool on = active(c);
	int64_t v;

	if (!name) {
		if (!d_at_end(&d) && on)
			d_error(&d, d.pos, 1, "expected a directive name after '#'");
		return;		/* "#" alone is C's null directive */
	}
	l = d_loc(&d, hash, d.pos - hash);
	if (!strcmp(name, "if") || !strcmp(name, "ifdef") ||
	    !strcmp(name, "ifndef")) {
		bool value = false;

		if (on && name[2]) {
			const char *m = d_ident(&d, NULL);

			if (!m)
				d_error(&d, d.pos, 1, "expected a macro name "
					"after #%s", name);
			else if (!d_at_end(&d))
				d_error(&d, d.pos, 1, "unexpected text after "
					"#%s %s", name, m);
			else
				value = is_defined(c, m) == (name[2] == 'd');
		} else if (on) {
			value = d_expr_all(&d, &v) && v;
		}
		cond_push(c, &l, value);
		return;
	}
	if (!strcmp(name, "elif") || !strcmp(name, "else") ||
	    !strcmp(name, "endif")) {
		struct cond *k = c->nconds ? &c->conds[c->nconds - 1] : NULL;

		if (!k) {
			cpp_error(c, &l, "#%s without #if", name);
			return;
		}
		if (name[1] == 'n') {		/* endif */
			c->nconds--;
		} else if (k->seen_else) {
			cpp_error(c, &l, "#%s after #else", name);
			diag_note(c->d, &k->loc, "the #if it belongs to");
		} else if (name[2] == 's') {	/* else */
			k->seen_else = true;
			k->active = k->outer && !k->taken;
			k->taken = true;
		} else {			/* elif */
			k->active = false;
			if (k->outer && !k->taken) {
				k->active = d_expr_all(&d, &v) && v;
				k->taken = k->active;
			}
			return;
		}
		if (!d_at_end(&d))
			d_error(&d, d.pos, 1, "unexpected text after #%s", name);
		return;
	}
	if (!on)
		return;		/* skipped: only conditionals count */
	if (!strcmp(name, "define"))
		do_define(&d);
	else if (!strcmp(name, "undef"))
		do_undef(&d);
	else if (!strcmp(name, "include"))
		do_include(&d);
	else if (!strcmp(name, "error")) {
		d_space(&d);
		cpp_error(c, &l, "#error %.*s", (int)(end - d.pos),
			  c->in->text + d.pos);
	} else
		cpp_error(c, &l, "unknown directive '#%s'", name);
}

/* ---- the pass ---- */

/* Whether any line may hold a directive: the common script has none and
 * then costs one scan and no copy. */
static bool has_directives(const struct source *in)
{
	const char *s = in->text, *end = s + in->len;
	bool bol = true;

	/* "#!" on the first line is the lexer's */
	if (in->len >= 2 && s[0] == '#' && s[1] == '!')
		bol = false;
	for (; s < end; s++) {
		if (*s == '\n')
			bol = true;
		else if (bol && *s == '#')
			return true;
		else if (*s != ' ' && *s != '\t')
			bol = false;
	}
	return false;
}

int cpp_run(struct arena *a, const struct source *in, const char *arch,
	    struct cpp *out, struct diag *d)
{
	struct cpp_state c = { .a = a, .d = d, .in = in, .out = out };
	struct macro *have_btf = arena_alloc(a, sizeof(*have_btf));
	const char *s = in->text;
	size_t pos = 0;

	memset(out, 0, sizeof(*out));
	out->arch = arch;
	out->src = *in;
	/* spry always has kernel types where it may have them (see cpp.h) */
	have_btf->name = "BPFTRACE_HAVE_BTF";
	have_btf->has_value = true;
	have_btf->value = 1;
	out->macros = have_btf;
	if (!has_directives(in))
		return 0;

	c.text = arena_alloc(a, in->len + 1);
	memcpy(c.text, s, in->len);
	c.len = in->len;
	c.line = 1;
	/* "#!" first line: leave it to the lexer */
	if (in->len >= 2 && s[0] == '#' && s[1] == '!')
		while (pos < in->len && s[pos] != '\n')
			pos++;
	while (pos < in->len) {
		size_t eol = pos, first = pos;

		while (first < in->len && (s[first] == ' ' || s[first] == '\t'))
			first++;
		if (!c.in_comment && first < in->len && s[first] == '#') {
			/* the logical line: through backslash-newlines, up to
			 * a block comment left open (its rest is text) */
			size_t end = first, i;
			bool open = false;

			while (end < in->len && s[end] != '\n') {
				if (s[end] == '\\' && end + 1 < in->len &&
				    s[end + 1] == '\n') {
					end += 2;
					continue;
				}
				if (s[end] == '/' && end + 1 < in->len &&
				    s[end + 1] == '*') {
					size_t j = end + 2;

					while (j + 1 < in->len && s[j] != '\n' &&
					       !(s[j] == '*' && s[j + 1] == '/'))
						j++;
					if (j + 1 >= in->len || s[j] == '\n') {
						open = true;
						break;
					}
					end = j + 2;
					continue;
				}
				end++;
			}
			directive(&c, first, end, c.line, c.line_start);
			for (i = pos; i < end; i++)
				if (s[i] == '\n') {
					c.line++;
					c.line_start = i + 1;
				} else {
					c.text[i] = ' ';
				}
			if (open) {
				/* keep the comment, as written, for the lexer */
				eol = end;
				while (eol < in->len && s[eol] != '\n')
					eol++;
				scan_text(&c, end, eol, !active(&c));
			} else {
				eol = end;
			}
		} else {
			while (eol < in->len && s[eol] != '\n')
				eol++;
			scan_text(&c, pos, eol, !active(&c));
		}
		if (eol < in->len) {
			c.line++;
			c.line_start = eol + 1;
			eol++;
		}
		pos = eol;
	}
	while (c.nconds) {
		struct cond *k = &c.conds[--c.nconds];

		cpp_error(&c, &k->loc, "unterminated conditional: #endif "
			  "missing");
	}
	out->src.text = c.text;
	return c.failed ? -EINVAL : 0;
}

int cpp_macro(const struct cpp *c, const char *name, int64_t *value,
	      const struct macro **m)
{
	const struct macro *found = find_macro(c, name);

	if (m)
		*m = found;
	if (found) {
		if (!found->has_value)
			return -ENODATA;
		*value = found->value;
		return 0;
	}
	return uapi_lookup(name, c->arch, value, NULL);
}
