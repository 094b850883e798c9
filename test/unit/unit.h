/* unit.h - tiny helpers shared by the Check suites.
 *
 * A struct source from a string, a struct diag whose output is captured in a
 * string (open_memstream), an AST dump into a string and a suite runner.  All static inline,
 * so a suite pays only for what it uses.  Add helpers here additively.
 */
#ifndef SPRY_UNIT_H
#define SPRY_UNIT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "provider.h"
#include "script.h"

/* A source named "<test>" over @text (not copied: keep it alive). */
static inline struct source unit_source(const char *text)
{
	struct source s = { .name = "<test>", .text = text, .len = strlen(text) };

	return s;
}

/* Same, with an explicit length, for text holding NUL bytes. */
static inline struct source unit_source_n(const char *text, size_t len)
{
	struct source s = { .name = "<test>", .text = text, .len = len };

	return s;
}

/* A diag writing into memory; unit_diag_text() gives what was printed. */
struct unit_diag {
	struct diag d;
	char *buf;
	size_t size;
};

static inline void unit_diag_open(struct unit_diag *u)
{
	FILE *f;

	u->buf = NULL;
	u->size = 0;
	f = open_memstream(&u->buf, &u->size);
	ck_assert_msg(f != NULL, "open_memstream failed");
	diag_init(&u->d, f);
}

/* Everything printed so far, NUL-terminated (valid until the next print). */
static inline const char *unit_diag_text(struct unit_diag *u)
{
	fflush(u->d.out);
	return u->buf ? u->buf : "";
}

static inline void unit_diag_close(struct unit_diag *u)
{
	fclose(u->d.out);
	free(u->buf);
	u->buf = NULL;
}

/* ast_dump(n, 0) into a malloc'ed string (free it). */
static inline char *unit_ast_dump(const struct node *n)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	ck_assert_msg(f != NULL, "open_memstream failed");
	ast_dump(f, n, 0);
	fclose(f);
	return buf;
}

/* Random text for the tests that nothing crashes or hangs: words of @soup,
 * each followed by @sep, up to a random length below @max (and @size);
 * @seed advances.  NUL-terminated; returns the length. */
static inline size_t unit_soup(char *buf, size_t size, uint32_t *seed,
			       const char *const *soup, size_t nsoup,
			       size_t max, const char *sep)
{
	size_t len = 0, lim, wl, sl = strlen(sep);

	*seed = *seed * 1103515245 + 12345;
	lim = (*seed >> 16) % max;
	while (len < lim) {
		const char *w;

		*seed = *seed * 1103515245 + 12345;
		w = soup[(*seed >> 16) % nsoup];
		wl = strlen(w);
		if (len + wl + sl + 1 >= size)
			break;
		memcpy(buf + len, w, wl);
		memcpy(buf + len + wl, sep, sl);
		len += wl + sl;
	}
	buf[len] = '\0';
	return len;
}

/* test/fixtures/@dir/@rel: under $top_srcdir when make check runs the
 * suite, else next to this file.  A static buffer: copy what you keep. */
static inline const char *unit_fixture(const char *dir, const char *rel)
{
	static char path[4096];
	const char *top = getenv("top_srcdir");
	const char *slash = strrchr(__FILE__, '/');

	if (top)
		snprintf(path, sizeof(path), "%s/test/fixtures/%s/%s", top, dir,
			 rel);
	else
		snprintf(path, sizeof(path), "%.*s/../fixtures/%s/%s",
			 slash ? (int)(slash - __FILE__) : 1,
			 slash ? __FILE__ : ".", dir, rel);
	return path;
}

/* Run a suite: the main() of every check_<module>.c. */
static inline int unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* What compile.c does for one specifier "prov:target { }": a probe of
 * @prov for @target with an empty body, made @s's only probe, and
 * expanded; *@err gets expand's result.  The specifier's text lives in
 * @text (locations point into it through @src): keep both alive. */
static inline struct probe *unit_expand(struct script *s, const char *prov,
					const char *target, char *text,
					size_t n, struct source *src,
					struct diag *d, int *err)
{
	const struct provider *pr = provider_find(prov);
	struct spec *spec = arena_alloc(s->arena, sizeof(*spec));
	struct node *body = arena_alloc(s->arena, sizeof(*body));
	struct probe *p;

	ck_assert_ptr_nonnull(pr);
	snprintf(text, n, "%s%s%s { }", prov, *target ? ":" : "", target);
	*src = unit_source(text);
	spec->provider = prov;
	spec->target = target;
	spec->loc.src = src;
	spec->loc.line = 1;
	spec->loc.col = 1;
	spec->loc.len = (unsigned)(strchr(text, ' ') - text);
	body->kind = N_BLOCK;
	p = script_probe_new(s, pr, spec, spec->target, spec->loc, NULL, body);
	s->probes = p;
	s->nprobes = 1;
	*err = pr->expand(s, p, d);
	return p;
}

#endif
