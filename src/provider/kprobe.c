/* kprobe.c - kprobe: and kretprobe: on kernel functions.
 *
 * Input: "FUNC", "FUNC+OFF" (kprobe only), "0xADDR", or a glob ("vfs_*",
 * "tcp_*"), as kprobe:/k: and kretprobe:/kr: targets.  Output: ONE probe of
 * BPF_PROG_TYPE_KPROBE per specifier, its functions in p->targets, attached to
 * every one of them; the context is the kernel's struct pt_regs.
 *
 * Names are checked against kallsyms (ksym.h); globs match tracefs'
 * available_filter_functions (what ftrace, and so kprobe_multi, can hook),
 * or kallsyms' text symbols where that file cannot be read.
 *
 * Attaching never writes to tracefs, so nothing outlives spry, even killed
 * by SIGKILL: every kprobe is owned by a file descriptor.
 *  - Several functions and a kernel with kprobe_multi links (5.18+ built
 *    with CONFIG_FPROBE): one BPF_LINK_CREATE for all of them.  Such a link
 *    needs a program loaded with expected_attach_type
 *    BPF_TRACE_KPROBE_MULTI, which the runtime does not set, so this file
 *    loads a second copy of the (already relocated) instructions for it.
 *  - Otherwise one perf_event_open() per function on the kprobe PMU
 *    (config1 = 0 and config2 = the address kallsyms gives, or config1 =
 *    the name and config2 = the offset when the name is not unique, or
 *    always on ppc64le, whose kallsyms gives global entry points that
 *    direct calls skip: arch->global_entry), the
 *    program attached through a BPF link (5.15+; PERF_EVENT_IOC_SET_BPF
 *    before), then ENABLE.  A kprobe perf event runs its program on every
 *    CPU whichever CPU it was opened on.
 * A function the kernel refuses (blacklisted, notrace, inlined away) is
 * skipped with one warning listing how many; only when nothing at all
 * attaches is the specifier an error.
 *
 * Variables: arg0..argN (kprobe), args->NAME (a kprobe on one function's
 * entry whose prototype BTF has: see kp_args()), retval (kretprobe), caller (the
 * instruction pointer as a kernel symbol: in a kprobe the probed function,
 * in a kretprobe the place it returns to), regs, stack/kstack, ustack.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/perf_event.h>

#include "arch.h"
#include "arena.h"
#include "btf.h"
#include "glob.h"
#include "host.h"
#include "kbpf.h"
#include "ksym.h"
#include "provider.h"
#include "script.h"
#include "type.h"

struct kp_priv {
	bool ret;			/* kretprobe */
	bool is_addr;			/* kprobe:0xADDR */
	uint64_t addr;
	unsigned long long offset;	/* kprobe:FUNC+OFF */
	const struct arch *arch;
	struct pvar regs;
	const struct type *pc_type;	/* a register's width, printed as ksym */
	/* `args`, typed from the function's BTF prototype on first use */
	struct btf *btf;
	struct arena *a;
	bool args_tried;
	struct pvar args;		/* type NULL: none */
};

/* ---- function lists ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct kp_names {
	char **v;
	unsigned n, cap;
};

static void names_push(struct arena *a, struct kp_names *nv, const char *s,
		       size_t len)
{
	if (nv->n == nv->cap) {
		unsigned cap = nv->cap ? 2 * nv->cap : 64;

		nv->v = arena_grow(a, nv->v, nv->cap * sizeof(*nv->v),
				   cap * sizeof(*nv->v));
		nv->cap = cap;
	}
	nv->v[nv->n++] = arena_strndup(a, s, len);
}

/* Sort and drop duplicates (static functions of one name, module copies). */
static void names_uniq(struct kp_names *nv)
{
	unsigned i, j = 0;

	if (!nv->n)
		return;
	qsort(nv->v, nv->n, sizeof(*nv->v), cmp_str);
	for (i = 1; i < nv->n; i++)
		if (strcmp(nv->v[i], nv->v[j]))
			nv->v[++j] = nv->v[i];
	nv->n = j + 1;
}

/* available_filter_functions: "name" or "name [module]" per line.  Each
 * name matching @glob goes to @nv.  -errno if the file cannot be read. */
static int match_filter_functions(struct arena *a, const char *tracefs,
				  const char *glob, struct kp_names *nv)
{
	char path[512], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/available_filter_functions", tracefs);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while ((len = getline(&line, &cap, f)) > 0) {
		size_t n = strcspn(line, " \t\n");

		if (!n)
			continue;
		line[n] = '\0';
		if (glob_match(glob, line, false))
			names_push(a, nv, line, n);
	}
	free(line);
	fclose(f);
	return 0;
}

/* The same from kallsyms' text symbols, for kernels (or sandboxes) where
 * tracefs does not list them.  The __pfx_/__cfi_ symbols are padding and
 * call-check stubs in front of functions, never probe targets. */
static void match_kallsyms(struct arena *a, const struct ksym_table *t,
			   const char *glob, struct kp_names *nv)
{
	for (unsigned i = 0; i < t->n; i++) {
		const char *name = t->syms[i].name;

		if (!strncmp(name, "__pfx_", 6) || !strncmp(name, "__cfi_", 6))
			continue;
		if (glob_match(glob, name, false))
			names_push(a, nv, name, strlen(name));
	}
}

/* The kernel function closest to @name, if it is a typo away. */
static const char *suggest(const struct ksym_table *t, const char *name)
{
	struct suggest sg;

	suggest_init(&sg, name);
	for (unsigned i = 0; i < t->n; i++)
		suggest_try(&sg, t->syms[i].name);
	return suggest_best(&sg);
}

/* ---- compile time ---- */

static bool is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Characters of a symbol name, glob characters where allowed: anything else
 * is a mistyped specifier, reported as such rather than as "not found". */
static bool valid_name(const char *s, bool glob)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' &&
		    !(glob && strchr("*?[]!-^", *s)))
			return false;
	return true;
}

/* The kernel's symbols, or NULL with the error reported and in *@err. */
static const struct ksym_table *kallsyms(struct script *s, struct probe *p,
					 struct diag *d, int *err)
{
	const struct ksym_table *t =
		ksym_default(host_or_default(s->host)->kallsyms);

	if (!t) {
		*err = -errno;
		diag_error(d, &p->loc, "cannot read the kernel's symbols "
			   "(/proc/kallsyms): %s", strerror(-*err));
	}
	return t;
}

static void set_targets(struct script *s, struct probe *p, char **v,
			unsigned n)
{
	p->targets = arena_alloc(s->arena, (n + 1) * sizeof(*p->targets));
	memcpy(p->targets, v, n * sizeof(*v));
	p->ntargets = n;
}

static int kp_expand_glob(struct script *s, struct probe *p, struct diag *d)
{
	struct kp_names nv = { 0 };
	const struct ksym_table *t;
	int err;

	if (match_filter_functions(s->arena, provider_tracefs(s->host),
				   p->target, &nv)) {
		t = kallsyms(s, p, d, &err);
		if (!t)
			return err;
		match_kallsyms(s->arena, t, p->target, &nv);
	}
	names_uniq(&nv);
	if (!nv.n) {
		return provider_missing(p, d, "no kernel function matches "
					"'%s'", p->target);
	}
	set_targets(s, p, nv.v, nv.n);
	return 0;
}

static int kp_expand_addr(struct script *s, struct probe *p,
			  struct kp_priv *kp, struct diag *d)
{
	const struct ksym_table *t;
	char *end;

	errno = 0;
	kp->addr = strtoull(p->target, &end, 16);
	if (*end || errno || !kp->addr) {
		diag_error(d, &p->loc, "invalid kernel address '%s'",
			   p->target);
		return -EINVAL;
	}
	kp->is_addr = true;
	/* Where kallsyms shows addresses, refuse one outside kernel text
	 * here rather than as EINVAL at attach time. */
	t = ksym_default(host_or_default(s->host)->kallsyms);
	if (t && t->have_addrs && !ksym_lookup(t, kp->addr, NULL)) {
		diag_error(d, &p->loc, "address %s is not in any kernel "
			   "function", p->target);
		return -ENOENT;
	}
	set_targets(s, p, (char *[]){ arena_strdup(s->arena, p->target) }, 1);
	return 0;
}

static int kp_expand_func(struct script *s, struct probe *p,
			  struct kp_priv *kp, struct diag *d)
{
	const struct ksym_table *t;
	const char *plus = strchr(p->target, '+');
	char *name, *end;
	int err;

	if (plus) {
		if (kp->ret) {
			diag_error(d, &p->loc, "kretprobe takes no offset: a "
				   "function returns from wherever it returns");
			return -EINVAL;
		}
		errno = 0;
		kp->offset = strtoull(plus + 1, &end, 0);
		if (!plus[1] || *end || errno) {
			diag_error(d, &p->loc, "invalid offset in '%s': "
				   "expected FUNC+OFFSET, as in vfs_read+0x10",
				   p->target);
			return -EINVAL;
		}
	}
	name = arena_strndup(s->arena, p->target,
			     plus ? (size_t)(plus - p->target) :
			     strlen(p->target));
	if (!valid_name(name, false)) {
		diag_error(d, &p->loc, "invalid %s target '%s': expected a "
			   "function, FUNC+OFFSET, 0xADDRESS or a glob",
			   p->prov->name, p->target);
		return -EINVAL;
	}
	t = kallsyms(s, p, d, &err);
	if (!t)
		return err;
	if (!ksym_find(t, name)) {
		const char *hint = suggest(t, name);

		provider_missing(p, d, "unknown kernel function '%s'", name);
		if (hint)
			diag_note(d, NULL, "did you mean '%s'?", hint);
		return -ENOENT;
	}
	set_targets(s, p, &name, 1);
	return 0;
}

static int kp_expand(struct script *s, struct probe *p, struct diag *d,
		     bool ret)
{
	const struct arch *arch = s->arch ? s->arch : arch_host();
	struct kp_priv *kp;

	if (!arch) {
		diag_error(d, &p->loc, "%s needs a known architecture for its "
			   "registers (see --arch)", p->prov->name);
		return -EINVAL;
	}
	kp = arena_alloc(s->arena, sizeof(*kp));
	kp->ret = ret;
	kp->arch = arch;
	kp->btf = s->btf;
	kp->a = s->arena;
	provider_regs_init(s, arch, &kp->regs);
	kp->pc_type = type_with_fmt(s->arena, arch_reg_type(arch, false),
				    F_KSYM);
	p->priv = kp;
	p->prog_type = BPF_PROG_TYPE_KPROBE;

	if (!strncmp(p->target, "0x", 2) || !strncmp(p->target, "0X", 2))
		return kp_expand_addr(s, p, kp, d);
	if (is_glob(p->target)) {
		if (!valid_name(p->target, true) || strchr(p->target, '+')) {
			diag_error(d, &p->loc, "invalid %s glob '%s'",
				   p->prov->name, p->target);
			return -EINVAL;
		}
		return kp_expand_glob(s, p, d);
	}
	return kp_expand_func(s, p, kp, d);
}

static int kprobe_expand(struct script *s, struct probe *p, struct diag *d)
{
	return kp_expand(s, p, d, false);
}

static int kretprobe_expand(struct script *s, struct probe *p,
			    struct diag *d)
{
	return kp_expand(s, p, d, true);
}

/* `args` of a kprobe on one function's entry: its BTF prototype's
 * parameters as a view of the saved registers, each named parameter at
 * its argument register's offset in pt_regs (the registers are the
 * context, so they load directly).  Parameters past the argument
 * registers, or passed in two, are left out: their values are on the
 * stack or split.  Integers narrower than the register are its low bytes,
 * which is where a little-endian target keeps them.  None for globs (each
 * function has its own prototype), FUNC+OFF and addresses (the registers
 * may have changed by then), kretprobes (they have changed), or without
 * BTF. */
static const struct pvar *kp_args(struct probe *p, struct kp_priv *kp)
{
	const struct member *m;
	const struct type *proto;
	struct type *st;
	unsigned i = 0;

	if (kp->args_tried)
		return kp->args.type ? &kp->args : NULL;
	kp->args_tried = true;
	if (kp->ret || kp->is_addr || kp->offset || p->ntargets != 1 ||
	    !kp->btf)
		return NULL;
	proto = btf_func(kp->btf, NULL, p->targets[0]);
	if (!proto || proto->kind != T_FUNC)
		return NULL;
	st = type_struct_new(kp->a, arena_printf(kp->a, "%s_args",
						  p->targets[0]));
	for (m = proto->members; m && i < kp->arch->nargs; m = m->next) {
		if (m->type->size > 8)
			break;
		/* a narrower argument is its register's low-order end */
		if (*m->name)
			type_struct_add(kp->a, st, m->name, m->type,
					(unsigned)kp->arch->arg_off[i] +
					(kp->arch->big_endian &&
					 m->type->size < kp->arch->word_size ?
					 kp->arch->word_size - m->type->size :
					 0));
		i++;
	}
	type_struct_finish(st, 0);
	kp->args.kind = PV_CTX;
	kp->args.type = type_ptr(kp->a, st, AS_CTX);
	return &kp->args;
}

static int kp_resolve(struct probe *p, const char *name, struct pvar *pv)
{
	const struct kp_priv *kp = p->priv;
	const struct arch *arch;
	char *end;
	long i;

	if (!kp)
		return -ENOENT;
	arch = kp->arch;
	memset(pv, 0, sizeof(*pv));
	if (!kp->ret && !strncmp(name, "arg", 3) && isdigit((unsigned char)name[3])) {
		/* Arguments are only where the calling convention put them
		 * at entry; by the return those registers are clobbered. */
		i = strtol(name + 3, &end, 10);
		if (*end || i < 0 || (unsigned long)i >= arch->nargs ||
		    (name[3] == '0' && name[4]))
			return -ENOENT;
		pv->kind = PV_REG;
		pv->off = arch->arg_off[i];
		pv->type = arch_reg_type(arch, false);
		return 0;
	}
	if (!strcmp(name, "args")) {
		const struct pvar *args = kp_args(p, (struct kp_priv *)kp);

		if (!args)
			return -ENOENT;
		*pv = *args;
		return 0;
	}
	if (kp->ret && !strcmp(name, "retval")) {
		pv->kind = PV_REG;
		pv->off = arch->ret_off;
		pv->type = arch_reg_type(arch, true);
		return 0;
	}
	/* The probed function.  At a kprobe the saved pc is one past the
	 * breakpoint (vfs_read+0x1 on x86), so ask the kernel for the
	 * function, which it knows only for a probe on the entry (6.1 gives 0
	 * for FUNC+OFF and addresses: those keep the pc).  At a kretprobe the
	 * pc is where the function returns to. */
	if (!strcmp(name, "caller")) {
		pv->kind = kp->ret || kp->offset || kp->is_addr ? PV_REG :
			   PV_FUNC_IP;
		pv->off = arch->pc_off;
		pv->type = kp->pc_type;
		return 0;
	}
	/* bpftrace's func: the probed function's name, at its return too
	 * (the kernel knows it there), inside it from the pc */
	if (!strcmp(name, "func")) {
		pv->kind = kp->offset || kp->is_addr ? PV_REG : PV_FUNC_IP;
		pv->off = arch->pc_off;
		pv->type = &type_ksym_name;
		return 0;
	}
	return provider_regs_resolve(&kp->regs, name, pv);
}

/* ---- run time ---- */

/* Closing a kprobe perf event unregisters its kprobe, and the kernel
 * waits for RCU grace periods while holding its global event_mutex (6.1:
 * perf_trace_event_unreg), so closes cannot overlap, not even from several
 * threads (measured: no gain): 400 kprobes take longer to remove than to
 * add.  The attach state is provider.c's: links close first (the stop
 * hook), so the programs stop before that. */

/* One kprobe perf event: on function @name + @off, or at @addr when @name
 * is NULL, running rp->prog_fd.  0 or -errno. */
static int kp_perf_open(struct rt_probe *rp, const struct perf_event_attr *pmu,
			const char *name, uint64_t off_or_addr)
{
	struct perf_event_attr attr = *pmu;

	attr.config1 = (uint64_t)(uintptr_t)name;	/* kprobe_func */
	attr.config2 = off_or_addr;			/* probe_offset/addr */
	attr.sample_period = 1;
	return provider_perf_open(rp, &attr, -1, 0, 0);
}

/* Whether BPF_TRACE_KPROBE_MULTI links work here, tested once as libbpf
 * does: with kprobe_multi, a link on a function that does not exist fails
 * its symbol lookup with ESRCH; without, the attach type is unknown
 * (EINVAL) or unsupported (EOPNOTSUPP: 5.18+ built without CONFIG_FPROBE). */
static bool kp_multi_supported(const struct host *h)
{
	static int cached = -1;
	const char *sym = "spry_no_such_function_";
	int prog, link;

	if (host_or_default(h)->no_kprobe_multi)
		return false;
	if (cached >= 0)
		return cached;
	cached = 0;
	prog = provider_probe_prog(BPF_TRACE_KPROBE_MULTI);
	if (prog < 0)
		return false;
	link = kbpf_link_kprobe_multi(prog, &sym, 1, false);
	if (link >= 0)
		close(link);
	else
		cached = link == -ESRCH;
	close(prog);
	return cached;
}

/* All functions at once through a kprobe_multi link: 0, or -errno to fall
 * back to perf events. */
static int kp_attach_multi(struct rt_probe *rp)
{
	const struct probe *p = rp->p;
	const struct kp_priv *kp = p->priv;
	int prog, link, err;

	prog = provider_prog_copy(rp, BPF_TRACE_KPROBE_MULTI);
	if (prog < 0)
		return prog;
	link = kbpf_link_kprobe_multi(prog, (const char *const *)p->targets,
				      p->ntargets, kp->ret);
	if (link < 0) {
		close(prog);
		return link;
	}
	err = provider_hold(rp, link, true);
	if (err) {
		close(prog);
		return err;
	}
	/* the link holds the program; its fd may go with the others */
	provider_hold(rp, prog, true);
	return 0;
}

/* One function by perf event: by @addr when kallsyms gave one (the kernel
 * then skips its own name lookup, which on 6.1 walks every symbol twice to
 * refuse ambiguous names), else by name.  When a name is ambiguous (static
 * functions in several files; kernels since 6.6, and stable backports,
 * refuse those with EADDRNOTAVAIL) attach to every one by address.
 * Returns how many probes attached, or -errno. */
static int kp_attach_one(struct rt_probe *rp,
			 const struct perf_event_attr *pmu, const char *name,
			 uint64_t addr)
{
	const struct kp_priv *kp = rp->p->priv;
	const struct ksym_table *t;
	int err, n = 0;

	if (kp->is_addr)
		err = kp_perf_open(rp, pmu, NULL, kp->addr);
	else if (addr)
		err = kp_perf_open(rp, pmu, NULL, addr + kp->offset);
	else
		err = kp_perf_open(rp, pmu, name, kp->offset);
	if (!err)
		return 1;
	if (err != -EADDRNOTAVAIL || kp->is_addr)
		return err;
	t = ksym_default(host_or_default(rp->host)->kallsyms);
	if (!t || !t->have_addrs)
		return err;
	for (unsigned i = 0; i < t->n; i++) {
		if (strcmp(t->syms[i].name, name))
			continue;
		if (!kp_perf_open(rp, pmu, NULL, t->syms[i].addr + kp->offset))
			n++;
	}
	return n ? n : err;
}

/* Why the kernel refused a kprobe, in its terms rather than errno's
 * ("Invalid or incomplete multibyte or wide character" is EILSEQ). */
static const char *kp_strerror(int err)
{
	switch (-err) {
	case EILSEQ:
		return "not at an instruction boundary";
	case EINVAL:
		return "the kernel does not allow probing it";
	case ENOENT:
		return "no such function in the kernel";
	case EADDRNOTAVAIL:
		return "ambiguous name";
	case EEXIST:
		return "already probed by a conflicting user";
	default:
		return strerror(-err);
	}
}

static int kp_attach(struct rt_probe *rp, struct diag *d)
{
	const struct probe *p = rp->p;
	const char *pname = p->prov->name;
	const struct kp_priv *kp = p->priv;
	struct perf_event_attr pmu;
	struct provider_skips sk = { 0 };
	uint64_t *addrs = NULL;
	unsigned ok = 0;
	int err;

	if (p->ntargets > 1 && kp_multi_supported(rp->host) &&
	    !kp_attach_multi(rp)) {
		provider_progress(rp, p->ntargets);
		return 0;
	}

	memset(&pmu, 0, sizeof(pmu));
	err = provider_pmu("kprobe", kp->ret, &pmu);
	if (err) {
		diag_error(d, &p->loc, "cannot attach to %s:%s: this kernel has "
			   "no kprobe PMU (/sys/bus/event_source/devices/"
			   "kprobe: %s); kprobes need CONFIG_KPROBE_EVENTS",
			   pname, p->target, strerror(-err));
		return err;
	}
	/* by name where kallsyms's address is not where calls enter: the
	 * kernel resolves FUNC+0 to the local entry (or the ftrace site) */
	if (!kp->is_addr && !host_or_default(rp->host)->kprobe_by_name &&
	    !kp->arch->global_entry) {
		/* targets are sorted (glob matches) or single */
		addrs = calloc(p->ntargets, sizeof(*addrs));
		if (addrs)
			ksym_resolve(ksym_default(
				     host_or_default(rp->host)->kallsyms),
				     (const char *const *)p->targets,
				     p->ntargets, addrs);
	}
	for (unsigned i = 0; i < p->ntargets; i++) {
		err = kp_attach_one(rp, &pmu, p->targets[i],
				    addrs ? addrs[i] : 0);
		provider_progress(rp, 1);
		if (err == -ENOMEM) {
			diag_error(d, &p->loc, "cannot attach to %s:%s: %s",
				   pname, p->target, strerror(ENOMEM));
			free(addrs);
			return err;
		}
		if (err > 0) {
			ok++;
			continue;
		}
		provider_skip_add(&sk, p->targets[i], kp_strerror(err), err);
	}
	free(addrs);
	if (!ok) {
		if (p->ntargets == 1)
			diag_error(d, &p->loc, "cannot attach to %s:%s: %s",
				   pname, p->target, kp_strerror(sk.first_err));
		else
			diag_error(d, &p->loc, "cannot attach to any of the %u "
				   "functions of %s:%s: %s", p->ntargets, pname,
				   p->target, sk.list);
		return sk.first_err;
	}
	provider_skip_warn(p, d, &sk, p->ntargets, "functions");
	return 0;
}

static int kp_self_test(FILE *out)
{
	provider_check(out, "kprobe PMU",
		       access("/sys/bus/event_source/devices/kprobe/type", F_OK) ?
		       -errno : 0, "kprobes unavailable");
	return 0;
}

/* ---- listing ---- */

extern const struct provider kprobe_provider;

/* "kprobe:vfs_read": what available_filter_functions lists (ftrace's
 * hookable functions, without the module), else kallsyms' functions.
 * Return probes only when named (bpftrace leaves them out of -l). */
static int kp_list(const struct provider *pv, struct provider_list *l)
{
	struct kp_names nv = { 0 };
	const struct ksym_table *t;
	struct stat st;

	if (l->all && pv != &kprobe_provider)
		return 0;
	if (stat("/sys/bus/event_source/devices/kprobe", &st)) {
		if (!l->all)
			diag_warn(l->d, NULL, "this kernel has no kprobes (no "
				  "kprobe PMU): nothing to list");
		return 0;
	}
	if (match_filter_functions(l->a, provider_tracefs(l->host), "*",
				   &nv)) {
		t = ksym_default(l->host->kallsyms);
		if (!t) {
			diag_error(l->d, NULL, "cannot read the kernel's "
				   "symbols (/proc/kallsyms): %s",
				   strerror(errno));
			return -errno;
		}
		match_kallsyms(l->a, t, "*", &nv);
	}
	names_uniq(&nv);
	for (unsigned i = 0; i < nv.n; i++)
		/* placeholders ftrace keeps for functions it lost track of */
		if (strncmp(nv.v[i], "__ftrace_invalid_address__", 26) &&
		    provider_list_match(l, nv.v[i]))
			provider_list_emit(pv, l, nv.v[i], NULL);
	return 0;
}

/* ---- the providers ---- */

static const char *const kprobe_aliases[] = { "k", NULL };
static const char *const kretprobe_aliases[] = { "kr", NULL };

const struct provider kprobe_provider = {
	.name = "kprobe",
	.aliases = kprobe_aliases,
	.takes_target = true,
	.help = "kprobe:FUNC[+OFF] (0xADDR, globs too): entry of a kernel "
		"function; arg0.., args->NAME (BTF), caller, func, regs, stack",
	.expand = kprobe_expand,
	.resolve = kp_resolve,
	.attach = kp_attach,
	.detach = provider_detach,
	.stop = provider_stop,
	.self_test = kp_self_test,	/* kretprobe's too */
	.list = kp_list,
};

const struct provider kretprobe_provider = {
	.name = "kretprobe",
	.aliases = kretprobe_aliases,
	.takes_target = true,
	.help = "kretprobe:FUNC (globs too): return of a kernel function; "
		"retval, caller (where it returns to), func, regs, stack",
	.expand = kretprobe_expand,
	.resolve = kp_resolve,
	.attach = kp_attach,
	.detach = provider_detach,
	.stop = provider_stop,
	.list = kp_list,
};
