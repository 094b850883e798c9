/* fentry.c - fentry: and fexit: on kernel functions, typed from BTF.
 *
 * Input: "FUNC", "MODULE:FUNC" or globs of either ("vfs_*",
 * "loop:lo_*"), as fentry:/kfunc: and fexit:/kretfunc: targets.  Output:
 * one probe of BPF_PROG_TYPE_TRACING per function (a tracing program names
 * its function when it is loaded: attach_type BPF_TRACE_FENTRY or
 * BPF_TRACE_FEXIT, attach_btf_id the function's BTF id, and the module's
 * BTF object for a module's function), attached with
 * BPF_RAW_TRACEPOINT_OPEN, which owns it by a file descriptor.
 *
 * The context is what the kernel's trampoline saved: one u64 per argument
 * (two for a 16-byte struct passed by value) and, at fexit, the return
 * value after them.  So `args` points to a struct of the function's
 * parameters at those slots, typed from its BTF prototype (args->file is a
 * struct file *), and `retval` is the slot after them, of the function's
 * return type.  The verifier knows those types too: a pointer argument
 * loaded from the context is a PTR_TO_BTF_ID.
 *
 * Globs match the functions BTF has, less those ftrace cannot hook (not in
 * tracefs' available_filter_functions, when it can be read): fentry rides
 * on the function's ftrace call site.
 *
 * Where the kernel cannot attach fentry programs (a kernel built without
 * the trampolines' direct calls, or an architecture without them), attach
 * fails with ENOTSUPP; the error says so and points to kprobe:, which
 * works on every kernel with kprobes.
 *
 * Variables: args (args->NAME, args.NAME), retval (fexit), caller (the
 * function, bpf_get_func_ip), stack/kstack, ustack.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "arch.h"
#include "arena.h"
#include "btf.h"
#include "glob.h"
#include "host.h"
#include "provider.h"
#include "script.h"
#include "type.h"

/* The kernel's "not supported" (include/linux/errno.h), which user space
 * headers lack. */
#define FE_ENOTSUPP	524

struct fe_priv {
	bool ret;			/* fexit */
	const char *func;		/* the function, without its module */
	const struct type *proto;	/* its BTF prototype */
	struct pvar args;		/* `args` */
	unsigned ret_off;		/* retval's slot */
};

extern const struct provider fentry_provider, fexit_provider;

/* ---- compile time ---- */

static bool is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* The functions ftrace can hook, sorted, for globs; NULL when tracefs
 * does not list them (then every BTF function is a candidate). */
struct fe_ftrace {
	char **v;
	size_t n, cap;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ftrace_read(struct arena *a, const struct host *h,
			struct fe_ftrace *ft)
{
	char path[512], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/available_filter_functions",
		 provider_tracefs(h));
	f = fopen(path, "re");
	if (!f)
		return false;
	while ((len = getline(&line, &cap, f)) > 0) {
		size_t n = strcspn(line, " \t\n");

		if (!n)
			continue;
		if (ft->n == ft->cap) {
			size_t c = ft->cap ? 2 * ft->cap : 1024;

			ft->v = arena_grow(a, ft->v,
					   ft->cap * sizeof(*ft->v),
					   c * sizeof(*ft->v));
			ft->cap = c;
		}
		ft->v[ft->n++] = arena_strndup(a, line, n);
	}
	free(line);
	fclose(f);
	qsort(ft->v, ft->n, sizeof(*ft->v), cmp_str);
	return true;
}

static bool ftrace_has(const struct fe_ftrace *ft, const char *name)
{
	return bsearch(&name, ft->v, ft->n, sizeof(*ft->v), cmp_str) != NULL;
}

/* Make @p the probe of function @func (of @module, NULL: vmlinux);
 * -ENOENT, unreported, when BTF has no such function. */
static int fe_setup(struct script *s, struct probe *p, bool ret,
		    const char *module, const char *func, struct diag *d)
{
	struct fe_priv *fe = arena_alloc(s->arena, sizeof(*fe));
	const char *obj;
	uint32_t id;

	if (btf_func_id(s->btf, module, func, &id, &obj))
		return -ENOENT;		/* the caller says why */
	fe->ret = ret;
	fe->func = func;
	fe->proto = btf_func(s->btf, obj, func);
	if (!fe->proto || fe->proto->kind != T_FUNC) {
		diag_error(d, &p->loc, "kernel function '%s' has no prototype "
			   "in BTF", func);
		return -ENOENT;
	}
	fe->args.kind = PV_CTX;
	fe->args.type = type_ptr(s->arena, provider_btf_args(s->arena,
				 arena_printf(s->arena, "%s_args", func),
				 fe->proto, s->arch && s->arch->big_endian,
				 &fe->ret_off), AS_CTX);
	/* a narrower return value is its slot's low-order end */
	if (s->arch && s->arch->big_endian && fe->proto->base->size < 8 &&
	    (fe->proto->base->kind == T_INT || fe->proto->base->kind == T_PTR))
		fe->ret_off += 8 - fe->proto->base->size;
	p->priv = fe;
	p->prog_type = BPF_PROG_TYPE_TRACING;
	p->attach_type = ret ? BPF_TRACE_FEXIT : BPF_TRACE_FENTRY;
	p->attach_btf_id = id;
	p->attach_btf_module = obj;
	p->target = obj ? arena_printf(s->arena, "%s:%s", obj, func) : func;
	return 0;
}

/* Why a specifier matched nothing: BTF itself, or the name. */
static void fe_unknown(struct script *s, struct probe *p, const char *module,
		       const char *func, struct diag *d)
{
	struct suggest sg;
	const char *hint;

	if (btf_error(s->btf)) {
		diag_error(d, &p->loc, "%s needs the kernel's BTF: %s",
			   p->prov->name, btf_error(s->btf));
		return;
	}
	if (is_glob(func)) {
		diag_error(d, &p->loc, "no kernel function %s'%s' that ftrace "
			   "can hook matches '%s'", module ? "of module " : "",
			   module ? module : "", func);
		return;
	}
	diag_error(d, &p->loc, "unknown kernel function '%s'%s%s", func,
		   module ? " in module " : "", module ? module : "");
	if (module)
		return;
	suggest_init(&sg, func);
	btf_suggest(s->btf, BTF_NS_FUNC, false, &sg);
	hint = suggest_best(&sg);
	if (hint)
		diag_note(d, NULL, "did you mean '%s'?", hint);
}

struct fe_match {
	struct script *s;
	const struct fe_ftrace *ft;	/* NULL: no filter */
	const char **mods, **funcs;
	size_t n, cap;
};

static int fe_match_one(void *ctx, const char *module, const char *name)
{
	struct fe_match *m = ctx;

	if (m->ft && !ftrace_has(m->ft, name))
		return 0;
	if (m->n == m->cap) {
		size_t c = m->cap ? 2 * m->cap : 64;

		m->mods = arena_grow(m->s->arena, m->mods,
				     m->cap * sizeof(*m->mods),
				     c * sizeof(*m->mods));
		m->funcs = arena_grow(m->s->arena, m->funcs,
				      m->cap * sizeof(*m->funcs),
				      c * sizeof(*m->funcs));
		m->cap = c;
	}
	m->mods[m->n] = module;
	m->funcs[m->n++] = name;
	return 0;
}

static int fe_expand(struct script *s, struct probe *p, struct diag *d,
		     bool ret)
{
	const char *colon = strchr(p->target, ':');
	const char *module = NULL, *func = p->target;
	struct fe_ftrace ft = { 0 };
	struct fe_match m = { .s = s };
	struct probe *last = p;
	size_t i;
	int err;

	if (colon) {
		module = arena_strndup(s->arena, p->target,
				       (size_t)(colon - p->target));
		func = colon + 1;
		if (!*module || !*func || strchr(func, ':')) {
			diag_error(d, &p->loc, "invalid %s target '%s': "
				   "expected FUNC or MODULE:FUNC",
				   p->prov->name, p->target);
			return -EINVAL;
		}
	}
	if (!s->btf || btf_load(s->btf)) {
		fe_unknown(s, p, module, func, d);
		return -ENOENT;
	}
	if (!is_glob(func) && (!module || !is_glob(module))) {
		err = fe_setup(s, p, ret, module, func, d);
		if (err == -ENOENT)
			fe_unknown(s, p, module, func, d);
		return err;
	}
	if (ftrace_read(s->arena, s->host, &ft))
		m.ft = &ft;
	err = btf_funcs(s->btf, module && !is_glob(module) ? module : NULL,
			func, fe_match_one, &m);
	if (err && err != -ENOENT)
		return err;
	/* a glob over modules: those whose name matches */
	if (module && is_glob(module)) {
		size_t j = 0;

		for (i = 0; i < m.n; i++)
			if (m.mods[i] && glob_match(module, m.mods[i], false)) {
				m.mods[j] = m.mods[i];
				m.funcs[j++] = m.funcs[i];
			}
		m.n = j;
	}
	if (!m.n) {
		fe_unknown(s, p, module, func, d);
		return -ENOENT;
	}
	for (i = 0; i < m.n; i++) {
		struct probe *q = i ? provider_probe_dup(s, p, last, NULL) : p;

		err = fe_setup(s, q, ret, m.mods[i], m.funcs[i], d);
		if (err)
			return err;
		last = q;
	}
	return 0;
}

static int fentry_expand(struct script *s, struct probe *p, struct diag *d)
{
	return fe_expand(s, p, d, false);
}

static int fexit_expand(struct script *s, struct probe *p, struct diag *d)
{
	return fe_expand(s, p, d, true);
}

static int fe_resolve(struct probe *p, const char *name, struct pvar *pv)
{
	const struct fe_priv *fe = p->priv;
	static const struct pvar no_regs;

	if (!fe)
		return -ENOENT;
	memset(pv, 0, sizeof(*pv));
	if (!strcmp(name, "args")) {
		*pv = fe->args;
		return 0;
	}
	if (fe->ret && !strcmp(name, "retval") &&
	    fe->proto->base->kind != T_VOID) {
		pv->kind = PV_CTX_LOAD;
		pv->off = (int)fe->ret_off;
		pv->type = fe->proto->base;
		return 0;
	}
	if (!strcmp(name, "caller")) {
		pv->kind = PV_FUNC_IP;
		pv->type = &type_ksym;
		return 0;
	}
	/* no pt_regs here (no regs): only the stacks */
	return provider_regs_resolve(&no_regs, name, pv);
}

/* ---- listing (-l, -lv) ---- */

struct fe_list {
	const struct provider *pv;
	struct provider_list *l;
	struct btf *btf;
	const struct fe_ftrace *ft;	/* NULL: no filter */
};

/* -lv: the prototype, a line per argument and one for retval, as
 * bpftrace prints them. */
static const char *const *fe_details(struct fe_list *fl, const char *module,
				     const char *name)
{
	const struct type *f = btf_func(fl->btf, module, name);
	char buf[256];

	if (!f || f->kind != T_FUNC)
		return NULL;
	return provider_list_params(fl->l, f, fl->pv == &fexit_provider &&
				    f->base->kind != T_VOID ?
				    arena_printf(fl->l->a, "%s retval",
						 type_name(f->base, buf,
							   sizeof(buf))) :
				    NULL);
}

static int fe_list_one(void *ctx, const char *module, const char *name)
{
	struct fe_list *fl = ctx;
	const char *point = module ? arena_printf(fl->l->a, "%s:%s", module,
						  name) : name;

	if ((fl->ft && !ftrace_has(fl->ft, name)) ||
	    !provider_list_match(fl->l, point))
		return 0;
	provider_list_emit(fl->pv, fl->l, point, fl->l->verbose ?
			   fe_details(fl, module, name) : NULL);
	return 0;
}

static int fe_list(const struct provider *pv, struct provider_list *l)
{
	struct fe_ftrace ft = { 0 };
	struct fe_list fl = { .pv = pv, .l = l };
	int err;

	/* only when named: the same functions kprobe lists, by the
	 * tens of thousands */
	if (l->all)
		return 0;
	fl.btf = provider_list_btf(pv, l, true);
	if (!fl.btf)
		return 0;
	if (ftrace_read(l->a, l->host, &ft))
		fl.ft = &ft;
	err = btf_funcs(fl.btf, NULL, "*", fe_list_one, &fl);
	btf_free(fl.btf);
	return err;
}

/* ---- run time ---- */

static int fe_attach(struct rt_probe *rp, struct diag *d)
{
	const struct probe *p = rp->p;
	const struct fe_priv *fe = p->priv;
	union bpf_attr attr;
	int fd, err;

	memset(&attr, 0, sizeof(attr));
	attr.raw_tracepoint.prog_fd = (uint32_t)rp->prog_fd;
	fd = (int)syscall(SYS_bpf, BPF_RAW_TRACEPOINT_OPEN, &attr,
			  sizeof(attr));
	if (fd < 0) {
		err = errno;
		if (err == FE_ENOTSUPP || err == EOPNOTSUPP)
			diag_error(d, &p->loc, "cannot attach to %s:%s: this "
				   "kernel does not support %s programs (it "
				   "needs CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_"
				   "CALLS); use %s:%s instead", p->prov->name,
				   p->target, p->prov->name, p->prov->fallback,
				   fe->func);
		else
			diag_error(d, &p->loc, "cannot attach to %s:%s: %s",
				   p->prov->name, p->target, strerror(err));
		return -err;
	}
	return provider_hold(rp, fd, true);
}

static int fe_self_test(FILE *out)
{
	provider_check(out, "kernel BTF (fentry, kernel types)",
		       access("/sys/kernel/btf/vmlinux", R_OK) ? -errno : 0,
		       "no CONFIG_DEBUG_INFO_BTF: no kernel types, no fentry");
	return 0;
}

/* ---- the providers ---- */

static const char *const fentry_aliases[] = { "kfunc", NULL };
static const char *const fexit_aliases[] = { "kretfunc", NULL };

const struct provider fentry_provider = {
	.name = "fentry",
	.aliases = fentry_aliases,
	.takes_target = true,
	.help = "fentry:[MODULE:]FUNC (globs too): entry of a kernel function, "
		"typed from BTF; args->NAME, caller, stack",
	.example = "vfs_read",
	.fallback = "kprobe",
	.expand = fentry_expand,
	.resolve = fe_resolve,
	.attach = fe_attach,
	.detach = provider_detach,
	.stop = provider_stop,
	.self_test = fe_self_test,
	.list = fe_list,
};

const struct provider fexit_provider = {
	.name = "fexit",
	.aliases = fexit_aliases,
	.takes_target = true,
	.help = "fexit:[MODULE:]FUNC (globs too): return of a kernel function, "
		"typed from BTF; args->NAME, retval, caller, stack",
	.example = "vfs_read",
	.fallback = "kretprobe",
	.expand = fexit_expand,
	.resolve = fe_resolve,
	.attach = fe_attach,
	.detach = provider_detach,
	.stop = provider_stop,
	.list = fe_list,
};
