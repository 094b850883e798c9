/* compile.c - the compile pipeline, from script text to BPF instructions.
 *
 * Input: a struct script with its source and options.  Output: s->probes,
 * each with its BPF instructions, relocations and per-instruction locations,
 * and s->maps / s->events describing everything user space must create and
 * decode.  Each pass documents what it requires in its header; this file only
 * orders them:
 *
 *   cpp -> parse -> C types -> expand (providers) -> sema -> map layout
 *   -> per probe: lower -> regalloc -> peephole -> emit
 *
 * In builds with assertions (the default) each IR pass's output is checked
 * against what the pass promises (ir_check()), so a broken guarantee stops
 * at the pass that broke it.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "arena.h"
#include "ast.h"
#include "btf.h"
#include "cpp.h"
#include "ctypes.h"
#include "emit.h"
#include "host.h"
#include "ir.h"
#include "layout.h"
#include "lower.h"
#include "peephole.h"
#include "provider.h"
#include "regalloc.h"
#include "script.h"
#include "sema.h"
#include "type.h"

static void dump_banner(const struct script *s, const char *what,
			const struct probe *p)
{
	if (p)
		fprintf(s->opts.dump, ";; %s: %s:%s\n", what, p->prov->name,
			p->target ? p->target : "");
	else
		fprintf(s->opts.dump, ";; %s\n", what);
}

/* Copy @t into @o (NULL: only count) with each $N replaced by positional
 * parameter N's text ("" when missing); the length. */
static size_t params_into(const struct script *s, const char *t, char *o)
{
	size_t len = 0, n;
	char *end;

	while (*t) {
		unsigned long i;
		const char *v = NULL;

		if (*t != '$' || t[1] < '0' || t[1] > '9') {
			if (o)
				o[len] = *t;
			len++;
			t++;
			continue;
		}
		i = strtoul(t + 1, &end, 10);
		if (i >= 1 && i <= s->opts.nparams)
			v = s->opts.params[i - 1];
		n = v ? strlen(v) : 0;
		if (o && n)
			memcpy(o + len, v, n);
		len += n;
		t = end;
	}
	return len;
}

/* A specifier's target with the positional parameters it names (kprobe:$1,
 * uprobe:$1:f) replaced by their text, as bpftrace does; the text itself
 * when it names none. */
static const char *spec_params(struct script *s, const char *t)
{
	char *out;
	size_t len;

	if (!strchr(t, '$'))
		return t;
	len = params_into(s, t, NULL);
	out = arena_alloc(s->arena, len + 1);
	params_into(s, t, out);
	return out;
}

/* Append a probe for one written specifier and let its provider expand it;
 * expand may insert further probes after it (one per glob match).  A probe
 * of a list (@optional) whose target does not exist is dropped: 1. */
static int expand_spec(struct script *s, const struct node *probe,
		       const struct spec *spec, struct probe ***tail,
		       bool optional, struct diag *d)
{
	const struct provider *prov = provider_find(spec->provider);
	const char *target = spec_params(s, spec->target);
	struct probe *p;
	int err;

	if (!prov) {
		diag_error(d, &spec->loc, "unknown provider '%s'",
			   spec->provider);
		return -ENOENT;
	}
	if (prov->takes_target && !*target) {
		diag_error(d, &spec->loc, "%s needs a target, as in %s:%s",
			   prov->name, spec->provider,
			   prov->example ? prov->example : "...");
		return -EINVAL;
	}
	if (!prov->takes_target && *target) {
		diag_error(d, &spec->loc, "%s takes no target", prov->name);
		return -EINVAL;
	}

	/* sema annotates in place: every probe has a tree of its own */
	p = script_probe_new(s, prov, spec, target, spec->loc,
			     ast_clone(s->arena, probe->pred),
			     ast_clone(s->arena, probe->body));
	p->optional = optional;
	**tail = p;
	s->nprobes++;

	err = prov->expand(s, p, d);
	if (err == -ENOENT && optional) {
		assert(!p->next && "a missing target expands to nothing");
		**tail = NULL;
		s->nprobes--;
		return 1;
	}
	/* expand may have linked more probes after p */
	while (p->next)
		p = p->next;
	*tail = &p->next;
	return err;
}

/* Let each provider the script names ready the host, once (mount tracefs),
 * when the caller allows it: never for --dry-run.  What stays missing is
 * reported by expand, at the probe. */
static void prepare_providers(struct script *s, struct diag *d)
{
	const struct provider *done[32];
	const struct node *n;
	const struct spec *spec;
	unsigned ndone = 0, i;

	for (n = s->ast; n; n = n->next)
		for (spec = n->specs; spec; spec = spec->next) {
			const struct provider *prov =
				provider_find(spec->provider);

			if (!prov || !prov->prepare)
				continue;
			for (i = 0; i < ndone && done[i] != prov; i++)
				;
			if (i < ndone)
				continue;
			if (ndone < sizeof(done) / sizeof(done[0]))
				done[ndone++] = prov;
			prov->prepare(s->host, d);
		}
}

/* Every probe of every list.  In a list of several specifiers a missing
 * target is a warning (provider_missing()): the list needs one that
 * exists. */
static int expand_probes(struct script *s, struct diag *d)
{
	struct probe **tail = &s->probes;
	const struct node *n;
	const struct spec *spec;
	unsigned nspecs, kept;
	int err = 0, r;

	for (n = s->ast; n; n = n->next) {
		if (n->kind != N_PROBE)
			continue;
		nspecs = kept = 0;
		for (spec = n->specs; spec; spec = spec->next)
			nspecs++;
		for (spec = n->specs; spec; spec = spec->next) {
			r = expand_spec(s, n, spec, &tail, nspecs > 1, d);
			if (r < 0)
				err = -EINVAL;
			else if (!r)
				kept++;
		}
		if (nspecs > 1 && !kept && !err) {
			diag_error(d, &n->specs->loc, "none of the %u probes "
				   "of this list exists", nspecs);
			err = -ENOENT;
		}
	}
	return err;
}

/* The IR after a pass: dumped with -S, checked in builds with assertions. */
static void ir_after(const struct script *s, const struct probe *p,
		     const char *what, enum ir_form form)
{
#ifndef NDEBUG
	const char *why = ir_check(s->arena, p->ir, form);

	if (why) {
		fprintf(stderr, "spry: internal error: the %s IR of %s:%s "
			"breaks its guarantee: %s\n", what, p->prov->name,
			p->target ? p->target : "", why);
		assert(0 && "a pass broke its guarantee (ir_check)");
	}
#endif
	if (s->opts.dump) {
		dump_banner(s, what, p);
		ir_dump(s->opts.dump, p->ir);
	}
}

static int compile_probe(struct script *s, struct probe *p, struct diag *d)
{
	int err;

	err = lower_probe(s, p, d);
	if (err)
		return err;
	ir_after(s, p, "ir", IR_LOWERED);

	err = ra_alloc(p->ir, &p->loc, d);
	if (err)
		return err;
	ir_after(s, p, "allocated", IR_ALLOCATED);

	peep_prog(p->ir);
	ir_after(s, p, "peephole", IR_PEEPHOLED);

	err = emit_prog(s->arena, p->ir, p, d);
	if (err)
		return err;
	if (s->opts.dump) {
		dump_banner(s, "bpf", p);
		emit_dump(s->opts.dump, p);
	}
	return 0;
}

static void dump_maps(const struct script *s)
{
	char buf[128];
	unsigned i, k;

	dump_banner(s, "maps", NULL);
	for (i = 0; i < s->nmaps; i++) {
		const struct map *m = s->maps[i];

		fprintf(s->opts.dump, "map %u %s: type %u key %u val %u max %u",
			m->id, m->name, m->bpf_type, m->key_size, m->val_size,
			m->max_entries);
		for (k = 0; k < m->nkeys; k++)
			fprintf(s->opts.dump, "%s%s", k ? ", " : " [",
				type_name(m->keys[k], buf, sizeof(buf)));
		if (m->nkeys)
			fputc(']', s->opts.dump);
		if (m->val)
			fprintf(s->opts.dump, " -> %s",
				type_name(m->val, buf, sizeof(buf)));
		fputc('\n', s->opts.dump);
	}
}

static void btf_release(void *b)
{
	btf_free(b);
}

/* The script's C types: the kernel's BTF (a view that reads nothing until
 * a name needs it; the caller may have set one, tests do) and the
 * script's own definitions over it, in order. */
static int define_types(struct script *s, struct diag *d)
{
	const char *dir = host_or_default(s->host)->btf;
	const struct node *n;
	int err = 0;

	if (!s->btf) {
		s->btf = btf_new(s->arena, dir ? dir : "/sys/kernel/btf");
		arena_on_free(s->arena, btf_release, s->btf);
	}
	s->ctypes = ctypes_new(s->arena, s->btf, s->cpp, d);
	for (n = s->ast; n; n = n->next)
		if (n->kind == N_CDEF && ctypes_define(s->ctypes, n))
			err = -EINVAL;
	return err;
}

int compile_script(struct script *s, struct diag *d)
{
	const struct arch *arch = s->arch ? s->arch : arch_host();
	struct probe *p;
	int err = 0;

	/* directives become blank lines: every location stays the user's */
	s->cpp = arena_alloc(s->arena, sizeof(*s->cpp));
	if (cpp_run(s->arena, &s->src, arch ? arch->name : NULL, s->cpp, d))
		return -EINVAL;
	s->ast = parse_script(s->arena, &s->cpp->src, d);
	if (!s->ast)
		return -EINVAL;
	if (s->opts.dump) {
		dump_banner(s, "ast", NULL);
		ast_dump(s->opts.dump, s->ast, 0);
	}

	if (define_types(s, d))
		return -EINVAL;
	if (s->opts.prepare)
		prepare_providers(s, d);
	if (expand_probes(s, d))
		return -EINVAL;
	if (sema_script(s, d))
		return -EINVAL;
	if (s->opts.dump) {
		for (p = s->probes; p; p = p->next) {
			dump_banner(s, "typed", p);
			if (p->pred)
				ast_dump(s->opts.dump, p->pred, 0);
			ast_dump(s->opts.dump, p->body, 0);
		}
	}

	if (layout_maps(s, d))
		return -EINVAL;

	s->partial_lines = lower_partial_lines(s);
	/* Keep going after a failing probe so that one run reports the
	 * problems of every probe. */
	for (p = s->probes; p; p = p->next)
		if (compile_probe(s, p, d))
			err = -EINVAL;
	if (!err && s->opts.dump)
		dump_maps(s);
	return err;
}
