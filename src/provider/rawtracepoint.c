/* rawtracepoint.c - rawtracepoint:NAME and tp_btf:NAME: a kernel
 * tracepoint, raw.
 *
 * Input: "NAME" ("sched_switch"), or "X:NAME" where X is the subsystem
 * (as tracepoint: names it, "sched:sched_switch") or the module whose
 * tracepoint it is (as bpftrace writes it, "vmlinux:sched_switch"): raw
 * tracepoints are named by the event alone, so X only has to be a name.
 * NAME may be a glob ("sched_process_*"): one probe per matching
 * tracepoint, from the names BTF has (btf_trace_NAME typedefs) or, for
 * rawtracepoint: without BTF, the events tracefs lists.
 * Output: one probe attached with BPF_RAW_TRACEPOINT_OPEN (a file
 * descriptor owns it and detaches it at once, ~0.15 ms), whose program
 * gets the tracepoint's arguments as the kernel passes them to its probes,
 * one u64 each, before any trace record is built: cheaper than a perf
 * tracepoint.
 *
 *   rawtracepoint:  BPF_PROG_TYPE_RAW_TRACEPOINT (4.17+), on every kernel,
 *                   with BTF or without.
 *   tp_btf:         BPF_PROG_TYPE_TRACING with attach type
 *                   BPF_TRACE_RAW_TP (5.5+): the program names the
 *                   tracepoint's BTF typedef (btf_trace_NAME) when it is
 *                   loaded, and the verifier knows its arguments' types
 *                   (a pointer argument is a PTR_TO_BTF_ID).  Needs BTF,
 *                   and a kernel that runs tracing programs; where it
 *                   refuses them, the load error points to rawtracepoint:.
 *
 * Variables: args (args->NAME, args.NAME: the arguments with their types,
 * from the kernel's BTF: btf_raw_tp()), arg0..argN (the raw arguments as
 * u64; pointers are kernel addresses), stack/kstack, ustack.  Without BTF
 * (rawtracepoint: only) there is no args, and up to 12 argN, which the
 * kernel checks when it attaches.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "arch.h"
#include "arena.h"
#include "btf.h"
#include "glob.h"
#include "diag.h"
#include "host.h"
#include "provider.h"
#include "script.h"
#include "tracepoint.h"
#include "type.h"

#define RTP_MAX_ARGS 12

struct rtp_priv {
	const char *name;		/* the raw tracepoint */
	int nargs;			/* -1: unknown (no BTF) */
	struct pvar args;		/* `args`; no type without BTF */
};

extern const struct provider rawtracepoint_provider, tp_btf_provider;

/* ---- compile time ---- */

/* A C identifier; with @dash a subsystem's name too ("xhci-hcd"); with
 * @glob, glob characters too ("sched_*", "sys_[!a-e]*"). */
static bool is_name(const char *s, bool dash, bool glob)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' &&
		    (!dash || *s != '-') && (!glob || !strchr("*?[]!^", *s)))
			return false;
	return true;
}

/* No raw tracepoint @name: say so, with the nearest one BTF has. */
struct rtp_suggest {
	struct suggest sg;
};

static int rtp_suggest_one(void *ctx, const char *module, const char *name)
{
	struct rtp_suggest *rs = ctx;

	(void)module;
	suggest_try(&rs->sg, name + strlen("btf_trace_"));
	return 0;
}

static void rtp_unknown(struct script *s, struct probe *p, const char *name,
			struct diag *d)
{
	struct rtp_suggest rs;
	const char *hint;

	if (tp_is_glob(name)) {
		provider_missing(p, d, "no raw tracepoint matches '%s'", name);
		return;
	}
	provider_missing(p, d, "no raw tracepoint '%s' in this kernel", name);
	suggest_init(&rs.sg, name);
	btf_names(s->btf, BTF_NS_TYPEDEF, NULL, "btf_trace_*", rtp_suggest_one,
		  &rs);
	hint = suggest_best(&rs.sg);
	if (hint)
		diag_note(d, NULL, "did you mean '%s'?", hint);
}

/* Probe @p on the raw tracepoint @name, which BTF has (or, without BTF,
 * which rawtracepoint: will find at attach). */
static int rtp_setup(struct script *s, struct probe *p, const char *name,
		     struct diag *d)
{
	const bool typed = p->prov == &tp_btf_provider;
	const char *obj = NULL;
	const struct type *proto = NULL;
	struct rtp_priv *r;
	uint32_t id = 0;
	unsigned n = 0;

	if (s->btf && !btf_load(s->btf))
		proto = btf_raw_tp(s->btf, name, &id, &obj);
	if (!proto && s->btf && !btf_error(s->btf)) {
		rtp_unknown(s, p, name, d);
		return -ENOENT;
	}
	if (!proto && typed) {
		diag_error(d, &p->loc, "tp_btf needs the kernel's BTF: %s; "
			   "rawtracepoint:%s reads the raw arguments without it",
			   s->btf ? btf_error(s->btf) : "none", name);
		return -ENOENT;
	}
	r = arena_alloc(s->arena, sizeof(*r));
	r->nargs = -1;
	if (proto) {
		for (const struct member *m = proto->members; m; m = m->next)
			n++;
		r->nargs = (int)n;
		r->args.kind = PV_CTX;
		r->args.type = type_ptr(s->arena, provider_btf_args(s->arena,
					arena_printf(s->arena, "%s_args", name),
					proto, s->arch && s->arch->big_endian,
					NULL), AS_CTX);
	}
	p->priv = r;
	p->target = arena_strdup(s->arena, name);
	r->name = p->target;
	if (typed) {
		p->prog_type = BPF_PROG_TYPE_TRACING;
		p->attach_type = BPF_TRACE_RAW_TP;
		p->attach_btf_id = id;
		p->attach_btf_module = obj;
	} else {
		p->prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	}
	return 0;
}

/* The raw tracepoints a glob matches, each name once.  With a prefix
 * (rt:sched:*, rt:vmlinux:sched_*, rt:MODULE:*) only those of that
 * subsystem (as tracefs groups them), of vmlinux or of that module. */
struct rtp_match {
	struct arena *a;
	struct btf *btf;	/* loaded, or NULL: tracefs' names */
	const char *tracefs;
	const char *prefix, *glob;
	const char **events;	/* tracefs' "sys/event", sorted */
	int nevents;
	const char **names;
	size_t n, cap;
};

static int rtp_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool rtp_in_prefix(const struct rtp_match *m, const char *module,
			  const char *name)
{
	const char *key;

	if (!m->prefix)
		return true;
	if (module ? !strcmp(module, m->prefix) :
	    !strcmp(m->prefix, "vmlinux"))
		return true;
	key = arena_printf(m->a, "%s/%s", m->prefix, name);
	return m->nevents > 0 && bsearch(&key, m->events, (size_t)m->nevents,
					 sizeof(*m->events), rtp_cmp);
}

static void rtp_match_add(struct rtp_match *m, const char *module,
			  const char *name)
{
	if (!glob_match(m->glob, name, false) || !rtp_in_prefix(m, module, name))
		return;
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->names[i], name))
			return;
	if (m->n == m->cap) {
		size_t c = m->cap ? 2 * m->cap : 64;

		m->names = arena_grow(m->a, m->names,
				      m->cap * sizeof(*m->names),
				      c * sizeof(*m->names));
		m->cap = c;
	}
	m->names[m->n++] = name;
}

static int rtp_match_one(void *ctx, const char *module, const char *tname)
{
	rtp_match_add(ctx, module, tname + strlen("btf_trace_"));
	return 0;
}

/* BTF's names, or without BTF (rawtracepoint: only) tracefs' events less
 * the syscalls' own, which are not raw tracepoints.  0 or -errno. */
static int rtp_match(struct rtp_match *m)
{
	/* tracefs' events: without BTF the names, with a prefix its
	 * subsystems (none is fine there: the prefix may be a module) */
	if (!m->btf || m->prefix)
		m->nevents = tp_list(m->a, m->tracefs, &m->events);
	if (m->btf)
		return btf_names(m->btf, BTF_NS_TYPEDEF, NULL, "btf_trace_*",
				 rtp_match_one, m);
	if (m->nevents < 0)
		return m->nevents;
	for (int i = 0; i < m->nevents; i++) {
		const char *ev = strchr(m->events[i], '/');

		if (ev && strncmp(m->events[i], "syscalls/", 9))
			rtp_match_add(m, NULL, ev + 1);
	}
	return 0;
}

static int rtp_expand(struct script *s, struct probe *p, struct diag *d)
{
	const char *colon = strchr(p->target, ':');
	const char *name = colon ? colon + 1 : p->target;
	struct rtp_match m = {
		.a = s->arena,
		.btf = s->btf && !btf_load(s->btf) ? s->btf : NULL,
		.tracefs = provider_tracefs(s->host),
		.glob = name,
	};
	struct probe *last = p;
	int err;

	if (colon)
		m.prefix = arena_strndup(s->arena, p->target,
					 (size_t)(colon - p->target));
	if ((m.prefix && !is_name(m.prefix, true, false)) ||
	    !(is_name(name, false, false) ||
	      (tp_is_glob(name) && is_name(name, true, true)))) {
		diag_error(d, &p->loc, "invalid %s '%s': expected a "
			   "tracepoint's name or a glob, as in %s:sched_switch",
			   p->prov->name, p->target, p->prov->name);
		return -EINVAL;
	}
	if (!tp_is_glob(name))
		return rtp_setup(s, p, name, d);
	if (p->prov == &tp_btf_provider && (!s->btf || btf_load(s->btf)))
		return rtp_setup(s, p, name, d);	/* says what BTF lacks */
	err = rtp_match(&m);
	if (err) {
		diag_error(d, &p->loc, "cannot list the raw tracepoints for "
			   "'%s': %s", p->target, strerror(-err));
		return err;
	}
	if (!m.n) {
		rtp_unknown(s, p, p->target, d);
		return -ENOENT;
	}
	for (size_t i = 0; i < m.n; i++) {
		struct probe *q = i ? provider_probe_dup(s, p, last, NULL) : p;

		err = rtp_setup(s, q, m.names[i], d);
		if (err)
			return err;
		last = q;
	}
	return 0;
}

static int rtp_resolve(struct probe *p, const char *name, struct pvar *pv)
{
	const struct rtp_priv *r = p->priv;
	int max;
	char *end;
	long i;

	if (!r)
		return -ENOENT;
	memset(pv, 0, sizeof(*pv));
	if (!strcmp(name, "args")) {
		if (!r->args.type)
			return -ENOENT;
		*pv = r->args;
		return 0;
	}
	if (strncmp(name, "arg", 3) || !isdigit((unsigned char)name[3])) {
		/* no registers here (a pvar without a type): the stacks */
		static const struct pvar none;

		return provider_regs_resolve(&none, name, pv);
	}
	i = strtol(name + 3, &end, 10);
	max = r->nargs < 0 ? RTP_MAX_ARGS : r->nargs;
	if (*end || i < 0 || i >= max || (name[3] == '0' && name[4]))
		return -ENOENT;
	pv->kind = PV_CTX_LOAD;
	pv->off = (int)(8 * i);
	pv->type = &type_u64;
	return 0;
}

/* ---- listing (-l, -lv) ---- */

struct rtp_list {
	const struct provider *pv;
	struct provider_list *l;
	struct btf *btf;
	struct rtp_match m;	/* a "PREFIX:GLOB" pattern, as expand reads
				 * it; else m.prefix is NULL */
};

/* -lv: the arguments as BTF types them, as bpftrace prints them. */
static const char *const *rtp_details(struct rtp_list *rl, const char *name)
{
	const struct type *f = btf_raw_tp(rl->btf, name, NULL, NULL);

	return f ? provider_list_params(rl->l, f, NULL) : NULL;
}

static int rtp_list_one(void *ctx, const char *module, const char *tname)
{
	struct rtp_list *rl = ctx;
	const char *name = tname + strlen("btf_trace_");
	const char *point = module ? arena_printf(rl->l->a, "%s:%s", module,
						  name) : name;

	if (rl->m.prefix ? !glob_match(rl->m.glob, name, false) ||
	    !rtp_in_prefix(&rl->m, module, name) :
	    !provider_list_match(rl->l, point))
		return 0;
	provider_list_emit(rl->pv, rl->l, point, rl->l->verbose ?
			   rtp_details(rl, name) : NULL);
	return 0;
}

/* Every raw tracepoint BTF has a typedef for ("sched_switch",
 * "MODULE:name"), raw-only ones (sched_update_nr_running_tp) included;
 * without BTF, what tracefs lists (rawtracepoint: only; the syscalls' own
 * events are not raw tracepoints: they are sys_enter and sys_exit).
 * tp_btf lists only when named: the same names rawtracepoint lists.  A
 * pattern "PREFIX:GLOB" lists what the same probe would attach to
 * (sched:*: the sched subsystem's). */
static int rtp_list(const struct provider *pv, struct provider_list *l)
{
	struct rtp_list rl = { .pv = pv, .l = l };
	const char *colon = l->full ? NULL : strchr(l->pattern, ':');
	const char **names;
	int n, err;

	if (pv == &tp_btf_provider && l->all)
		return 0;
	/* without BTF, rawtracepoint lists what tracefs has */
	rl.btf = provider_list_btf(pv, l, pv == &tp_btf_provider);
	rl.m.a = l->a;
	rl.m.tracefs = provider_tracefs(l->host);
	if (colon && !tp_is_glob(rl.m.prefix = arena_strndup(l->a, l->pattern,
				(size_t)(colon - l->pattern)))) {
		rl.m.glob = colon + 1;
		rl.m.nevents = tp_list(l->a, rl.m.tracefs, &rl.m.events);
	} else {
		rl.m.prefix = NULL;
	}
	if (rl.btf) {
		err = btf_names(rl.btf, BTF_NS_TYPEDEF, NULL, "btf_trace_*",
				rtp_list_one, &rl);
		btf_free(rl.btf);
		return err;
	}
	if (pv == &tp_btf_provider)
		return 0;
	n = tp_list(l->a, provider_tracefs(l->host), &names);
	if (n < 0)
		return l->all ? 0 : n;
	for (int i = 0; i < n; i++) {
		const char *ev = strchr(names[i], '/');

		if (!ev || !strncmp(names[i], "syscalls/", 9))
			continue;
		if (rl.m.prefix ? glob_match(rl.m.glob, ev + 1, false) &&
		    rtp_in_prefix(&rl.m, NULL, ev + 1) :
		    provider_list_match(l, ev + 1))
			provider_list_emit(pv, l, ev + 1, NULL);
	}
	return 0;
}

/* ---- run time ---- */

static int rtp_attach(struct rt_probe *rp, struct diag *d)
{
	const struct rtp_priv *r = rp->p->priv;

	/* a tp_btf program names its tracepoint itself */
	return provider_raw_tp_attach(rp, rp->p->prov == &tp_btf_provider ?
				      NULL : r->name, d);
}

/* ---- the providers ---- */

static const char *const rtp_aliases[] = { "rt", NULL };

const struct provider rawtracepoint_provider = {
	.name = "rawtracepoint",
	.aliases = rtp_aliases,
	.takes_target = true,
	.help = "rawtracepoint:NAME (globs too): a tracepoint's raw "
		"arguments before any record is built: args->NAME typed from "
		"BTF, arg0..",
	.example = "sched_switch",
	.pid_filter = PROV_PID_BPF,	/* it fires for every process */
	.expand = rtp_expand,
	.resolve = rtp_resolve,
	.attach = rtp_attach,
	.detach = provider_detach,
	.stop = provider_stop,
	.list = rtp_list,
};

const struct provider tp_btf_provider = {
	.name = "tp_btf",
	.takes_target = true,
	.help = "tp_btf:NAME (globs too): a raw tracepoint as a BTF-typed "
		"tracing program (the verifier knows its arguments' types); "
		"args->NAME, arg0..",
	.example = "sched_switch",
	.fallback = "rawtracepoint",
	.pid_filter = PROV_PID_BPF,
	.expand = rtp_expand,
	.resolve = rtp_resolve,
	.attach = rtp_attach,
	.detach = provider_detach,
	.stop = provider_stop,
	.list = rtp_list,
};
