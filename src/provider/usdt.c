/* usdt.c - usdt: the static probes programs declare with <sys/sdt.h>.
 *
 * Input: "PATH:PROVIDER:NAME" or "PATH:NAME" (any provider) as usdt:/U:
 * targets, globs in PROVIDER and NAME.  PATH is a file, a library's short
 * name ("libstdc++") or a program on $PATH, as for uprobes (usym.h).
 * Output: one probe of BPF_PROG_TYPE_KPROBE per probe whose sites read
 * their arguments alike, its sites in p->targets, attached as uprobes at
 * each site's file offset (provider_uprobe_attach: uprobe_multi links or
 * perf events); the context is the user registers.
 *
 * A probe's sites are its notes (usdt.h): a probe in an inlined function
 * has one per copy, each with its own operands, so sites whose operands
 * differ get probes of their own and one program never reads an argument
 * from two places.
 *
 * Semaphores: a probe declared with one (DTRACE_PROBE with
 * _SDT_HAS_SEMAPHORES, dtrace -G providers) runs only while its semaphore
 * is non-zero.  The kernel counts attached uprobes in it when the uprobe
 * carries the semaphore's file offset (ref_ctr_offset, 4.20+), in every
 * process the uprobe is planted in, so spry writes nothing to any process.
 *
 * Variables: arg0..argN as the note describes them (size and signedness;
 * 8-byte ones are user addresses for str()), regs, ustack, stack/kstack.
 * -p PID plants the uprobes in that process only; -c makes the probes
 * child_only, as uprobes are.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "arena.h"
#include "glob.h"
#include "provider.h"
#include "script.h"
#include "type.h"
#include "usdt.h"
#include "usym.h"

struct usdt_priv {
	const struct arch *arch;
	struct pvar regs;
	const char *path;
	const struct usdt_note *note;	/* the first site's */
	unsigned nargs;			/* arguments the note declares */
	unsigned ngood;			/* ...of which spry can read */
	struct usdt_arg args[USDT_MAX_ARGS];
	uint64_t *offs, *refs;		/* file offsets per site */
	unsigned cap;
};

/* One site, decoded: where it is and how its arguments read. */
struct usdt_site {
	const struct usdt_note *note;
	uint64_t off, ref;
	unsigned nargs, ngood;
	struct usdt_arg args[USDT_MAX_ARGS];
	char why[160];			/* why argument ngood is unreadable */
};

static bool is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* "PATH:PROVIDER:NAME" or "PATH:NAME" into its parts; -EINVAL. */
static int usdt_split(struct arena *a, const char *target, const char **path,
		      const char **prov, const char **name)
{
	const char *c1 = strchr(target, ':'), *c2;

	if (!c1 || c1 == target || !c1[1])
		return -EINVAL;
	c2 = strchr(c1 + 1, ':');
	*path = arena_strndup(a, target, (size_t)(c1 - target));
	if (!c2) {
		*prov = "*";
		*name = arena_strdup(a, c1 + 1);
		return 0;
	}
	if (c2 == c1 + 1 || !c2[1] || strchr(c2 + 1, ':'))
		return -EINVAL;
	*prov = arena_strndup(a, c1 + 1, (size_t)(c2 - c1 - 1));
	*name = arena_strdup(a, c2 + 1);
	return 0;
}

/* Decode site @n of @f: file offsets and arguments.  -ENOENT when its
 * address lies in no segment (a damaged file). */
static int site_decode(const struct arch *arch, const struct usdt_file *f,
		       const struct usym_obj *o, const struct usdt_note *n,
		       struct usdt_site *st)
{
	int cnt;

	memset(st, 0, sizeof(*st));
	st->note = n;
	if (usym_vaddr_to_offset(o, n->pc, &st->off))
		return -ENOENT;
	if (n->sema && usym_vaddr_to_offset(o, n->sema, &st->ref))
		return -ENOENT;
	cnt = usdt_args_parse(arch, n->args, st->args, &st->ngood, st->why,
			      sizeof(st->why));
	/* the declared count: operands are separated by blanks */
	if (cnt >= 0) {
		st->nargs = (unsigned)cnt;
	} else {
		const char *s = n->args;

		while (*s) {
			s += strspn(s, " \t");
			if (!*s)
				break;
			st->nargs++;
			s += strcspn(s, " \t");
		}
	}
	for (unsigned i = 0; i < st->ngood; i++) {
		struct usdt_arg *a = &st->args[i];

		if (usdt_arg_resolve(arch, f, n->pc, a)) {
			snprintf(st->why, sizeof(st->why), "no data symbol "
				 "'%s' in %s", a->sym, f->path);
			st->ngood = i;
			break;
		}
		/* a displacement travels as an instruction's 32 bits */
		if (a->kind == USDT_MEM && (a->val < INT_MIN ||
					    a->val > INT_MAX)) {
			snprintf(st->why, sizeof(st->why), "displacement "
				 "%lld out of range", (long long)a->val);
			st->ngood = i;
			break;
		}
	}
	return 0;
}

static bool same_args(const struct usdt_site *st, const struct usdt_priv *u)
{
	if (st->nargs != u->nargs || st->ngood != u->ngood)
		return false;
	for (unsigned i = 0; i < st->ngood; i++) {
		const struct usdt_arg *a = &st->args[i], *b = &u->args[i];

		if (a->kind != b->kind || a->size != b->size ||
		    a->is_signed != b->is_signed || a->reg_off != b->reg_off ||
		    a->val != b->val)
			return false;
	}
	return true;
}

static void site_push(struct script *s, struct probe *p,
		      struct usdt_priv *u, const struct usdt_site *st)
{
	if (p->ntargets == u->cap) {
		unsigned cap = u->cap ? 2 * u->cap : 4;

		p->targets = arena_grow(s->arena, p->targets,
					u->cap * sizeof(*p->targets),
					cap * sizeof(*p->targets));
		u->offs = arena_grow(s->arena, u->offs, u->cap * sizeof(*u->offs),
				     cap * sizeof(*u->offs));
		u->refs = arena_grow(s->arena, u->refs, u->cap * sizeof(*u->refs),
				     cap * sizeof(*u->refs));
		u->cap = cap;
	}
	p->targets[p->ntargets] = arena_printf(s->arena, "%s:%s at %#llx",
					       st->note->provider,
					       st->note->name,
					       (unsigned long long)st->note->pc);
	u->offs[p->ntargets] = st->off;
	u->refs[p->ntargets++] = st->ref;
}

/* Make @p the probe of the sites like @st. */
static struct usdt_priv *probe_setup(struct script *s, struct probe *p,
				     const struct arch *arch, const char *path,
				     const struct usdt_site *st,
				     struct diag *d)
{
	struct usdt_priv *u = arena_alloc(s->arena, sizeof(*u));

	u->arch = arch;
	u->path = path;
	u->note = st->note;
	u->nargs = st->nargs;
	u->ngood = st->ngood;
	memcpy(u->args, st->args, sizeof(u->args));
	provider_regs_init(s, arch, &u->regs);
	p->priv = u;
	p->prog_type = BPF_PROG_TYPE_KPROBE;
	p->child_only = s->opts.command;
	p->target = arena_printf(s->arena, "%s:%s:%s", path,
				 st->note->provider, st->note->name);
	p->targets = NULL;
	p->ntargets = 0;
	if (st->ngood < st->nargs)
		diag_warn(d, &p->loc, "usdt:%s: arg%u and later cannot be "
			  "read: %s", p->target, st->ngood, st->why);
	return u;
}

/* No note matched: say what the file has. */
static void usdt_not_found(struct script *s, struct probe *p,
			   const struct usdt_file *f, const char *prov,
			   const char *name, struct diag *d)
{
	struct suggest sg;
	const char *want = arena_printf(s->arena, "%s:%s", prov, name);
	const char *hint;

	if (!strcmp(prov, "*"))
		want = name;
	provider_missing(p, d, "no USDT probe %s'%s' in %s",
			 is_glob(want) ? "matches " : "", want, f->path);
	suggest_init(&sg, want);
	for (unsigned i = 0; i < f->n; i++)
		suggest_try(&sg, !strcmp(prov, "*") ? f->notes[i].name :
			    arena_printf(s->arena, "%s:%s",
					 f->notes[i].provider,
					 f->notes[i].name));
	hint = suggest_best(&sg);
	if (hint)
		diag_note(d, NULL, "did you mean '%s'?", hint);
	else
		diag_note(d, NULL, "spry -l 'usdt:%s:*' lists them", f->path);
}

/* An expansion in progress: the probes made so far (the first is the
 * written probe itself, the others follow it). */
struct usdt_exp {
	struct script *s;
	struct probe *p, *last;
	unsigned nprobes;
	const struct arch *arch;
	const char *prov, *name;
};

/* The probes of file @path's notes that match, one per group of sites
 * alike: how many, or -errno (reported). */
static int usdt_expand_file(struct usdt_exp *e, const char *path,
			    const struct usdt_file *f, struct diag *d)
{
	struct script *s = e->s;
	const struct usym_obj *o = usym_obj_get(path);
	struct usdt_priv **groups;
	struct probe **gprobe;
	unsigned ngroups = 0;

	if (!o) {
		diag_error(d, &e->p->loc, "cannot read %s: %s", path,
			   strerror(errno));
		return -errno;
	}
	groups = arena_alloc(s->arena, f->n * sizeof(*groups));
	gprobe = arena_alloc(s->arena, f->n * sizeof(*gprobe));
	for (unsigned i = 0; i < f->n; i++) {
		const struct usdt_note *n = &f->notes[i];
		struct usdt_site st;
		struct probe *q;
		unsigned g;

		if (!glob_match(e->prov, n->provider, false) ||
		    !glob_match(e->name, n->name, false))
			continue;
		if (site_decode(e->arch, f, o, n, &st)) {
			diag_error(d, &e->p->loc, "usdt:%s:%s:%s at %#llx is in "
				   "no loaded segment of the file", path,
				   n->provider, n->name,
				   (unsigned long long)n->pc);
			return -ENOENT;
		}
		for (g = 0; g < ngroups; g++)
			if (!strcmp(groups[g]->note->provider, n->provider) &&
			    !strcmp(groups[g]->note->name, n->name) &&
			    same_args(&st, groups[g]))
				break;
		if (g == ngroups) {
			q = e->nprobes++ ? provider_probe_dup(s, e->p, e->last,
							      "") : e->p;
			e->last = q;
			gprobe[g] = q;
			groups[g] = probe_setup(s, q, e->arch, f->path, &st, d);
			ngroups++;
		}
		site_push(s, gprobe[g], groups[g], &st);
	}
	return (int)ngroups;
}

/* usdt:*:...: every object process @pid maps (-p), which bpftrace calls
 * its whole address space. */
static int usdt_expand_pid(struct usdt_exp *e, pid_t pid, struct diag *d)
{
	char **objs;
	int n, i, err = 0;

	n = usym_pid_objects(pid, &objs);
	if (n < 0) {
		diag_error(d, &e->p->loc, "cannot read the maps of process %d: "
			   "%s", (int)pid, strerror(-n));
		return n;
	}
	for (i = 0; i < n; i++) {
		const struct usdt_file *f = err ? NULL : usdt_file_get(objs[i]);

		/* objects without notes (or not ELF) are not this one's */
		if (f && f->n) {
			int k = usdt_expand_file(e, objs[i], f, d);

			if (k < 0)
				err = k;
		}
		free(objs[i]);
	}
	free(objs);
	if (!err && !e->nprobes) {
		const char *want = !strcmp(e->prov, "*") ? e->name :
			arena_printf(e->s->arena, "%s:%s", e->prov, e->name);

		return provider_missing(e->p, d, "no USDT probe %s'%s' in the "
					"objects of process %d", is_glob(want) ?
					"matches " : "", want, (int)pid);
	}
	return err;
}

static int usdt_expand(struct script *s, struct probe *p, struct diag *d)
{
	struct usdt_exp e = { .s = s, .p = p, .last = p };
	const struct usdt_file *f;
	const char *file;
	char path[PATH_MAX];
	int err;

	e.arch = s->arch ? s->arch : arch_host();
	if (!e.arch) {
		diag_error(d, &p->loc, "usdt needs a known architecture for "
			   "its registers (see --arch)");
		return -EINVAL;
	}
	if (usdt_split(s->arena, p->target, &file, &e.prov, &e.name)) {
		diag_error(d, &p->loc, "invalid usdt target '%s': expected "
			   "PATH:PROVIDER:NAME or PATH:NAME, as in "
			   "usdt:/usr/bin/python3:python:function__entry",
			   p->target);
		return -EINVAL;
	}
	if (!strcmp(file, "*")) {
		if (s->opts.target_pid > 0)
			return usdt_expand_pid(&e, s->opts.target_pid, d);
		diag_error(d, &p->loc, "usdt:%s needs -p PID: '*' stands for "
			   "every object that process maps", p->target);
		return -EINVAL;
	}
	err = provider_resolve_file(s, p, file, path, sizeof(path), d);
	if (err)
		return err;
	f = usdt_file_get(path);
	if (!f) {
		err = errno;
		diag_error(d, &p->loc, "cannot read %s: %s", path,
			   err == ENOEXEC ? "not an ELF file" :
			   err == EBADMSG ? "a truncated or corrupt ELF file" :
			   err == EINVAL ? "a malformed USDT note" :
			   strerror(err));
		return -err;
	}
	if (!f->n) {
		diag_error(d, &p->loc, "%s has no USDT probes (no "
			   ".note.stapsdt notes)", path);
		return -ENOENT;
	}
	err = usdt_expand_file(&e, f->path, f, d);
	if (err == 0) {
		usdt_not_found(s, p, f, e.prov, e.name, d);
		return -ENOENT;
	}
	return err < 0 ? err : 0;
}

/* An 8-byte argument is as often an address as not: str() reads it from
 * user memory. */
static const struct type *arg_type(const struct usdt_arg *a)
{
	static const struct type user_u64 = {
		.kind = T_INT, .size = 8, .align = 8, .space = AS_USER,
	};
	static const struct type user_s64 = {
		.kind = T_INT, .size = 8, .align = 8, .is_signed = true,
		.space = AS_USER,
	};

	if (a->size == 8)
		return a->is_signed ? &user_s64 : &user_u64;
	return type_int(a->size, a->is_signed);
}

static int usdt_resolve(struct probe *p, const char *name, struct pvar *pv)
{
	const struct usdt_priv *u = p->priv;
	const struct usdt_arg *a;
	char *end;
	long i;

	if (!u)
		return -ENOENT;
	memset(pv, 0, sizeof(*pv));
	if (strncmp(name, "arg", 3) || !isdigit((unsigned char)name[3]))
		return provider_regs_resolve(&u->regs, name, pv);
	i = strtol(name + 3, &end, 10);
	if (*end || i < 0 || (unsigned long)i >= u->ngood ||
	    (name[3] == '0' && name[4]))
		return -ENOENT;
	a = &u->args[i];
	pv->type = arg_type(a);
	switch (a->kind) {
	case USDT_CONST:
		pv->kind = PV_CONST;
		pv->val = a->val;
		break;
	case USDT_REG:
		pv->kind = PV_REG;
		pv->off = a->reg_off;
		break;
	case USDT_MEM:
		pv->kind = PV_UMEM;
		pv->off = a->reg_off;
		pv->val = a->val;
		break;
	case USDT_SYM:
		return -ENOENT;	/* resolved at expand, or not readable */
	}
	return 0;
}

static int usdt_attach(struct rt_probe *rp, struct diag *d)
{
	const struct probe *p = rp->p;
	const struct usdt_priv *u = p->priv;
	const struct provider_uprobes up = {
		.path = u->path,
		.n = p->ntargets,
		.offs = u->offs,
		.ref_ctrs = u->refs,
		.names = p->targets,
		.what = "probe sites",
		.pid = rp->pid > 0 ? rp->pid : -1,
	};

	return provider_uprobe_attach(rp, &up, d);
}

/* ---- listing ---- */

/* -lv: each argument of the first site as it reads ("arg0: s32,
 * -4@%eax"). */
static const char *const *usdt_arg_lines(struct provider_list *l,
					 const struct usdt_note *n)
{
	const struct arch *arch = arch_host();
	struct usdt_arg args[USDT_MAX_ARGS];
	const char **v = arena_alloc(l->a, (USDT_MAX_ARGS + 2) * sizeof(*v));
	char why[160];
	unsigned good = 0, i = 0;
	const char *s = n->args;

	if (arch)
		usdt_args_parse(arch, n->args, args, &good, why, sizeof(why));
	while (*(s += strspn(s, " \t")) && i <= USDT_MAX_ARGS) {
		size_t len = strcspn(s, " \t");

		/* "[sp, 16]" holds a blank */
		if (memchr(s, '[', len) && strchr(s, ']'))
			len = (size_t)(strchr(s, ']') - s) + 1;
		v[i] = i < good ?
		       arena_printf(l->a, "arg%u: %c%u, %.*s", i,
				    args[i].is_signed ? 's' : 'u',
				    8 * args[i].size, (int)len, s) :
		       arena_printf(l->a, "arg%u: unreadable, %.*s", i,
				    (int)len, s);
		i++;
		s += len;
	}
	v[i] = NULL;
	return v;
}

/* "usdt:PATH:PROVIDER:NAME" for each probe of @path that @glob
 * ("PROVIDER:NAME", "NAME") matches, once however many sites it has. */
static int usdt_list_file(const struct provider *pv, struct provider_list *l,
			  const char *path, const char *glob)
{
	const struct usdt_file *f = usdt_file_get(path);

	if (!f)
		return 0;
	for (unsigned i = 0; i < f->n; i++) {
		const struct usdt_note *n = &f->notes[i];
		const char *pn = arena_printf(l->a, "%s:%s", n->provider,
					      n->name);
		bool dup = false;

		if (!glob_match(glob, pn, false) && (strchr(glob, ':') ||
					     !glob_match(glob, n->name, false)))
			continue;
		for (unsigned k = 0; k < i && !dup; k++)
			dup = !strcmp(f->notes[k].provider, n->provider) &&
			      !strcmp(f->notes[k].name, n->name);
		if (!dup)
			provider_list_emit(pv, l, arena_printf(l->a, "%s:%s",
							       path, pn),
					   l->verbose ?
					   usdt_arg_lines(l, n) : NULL);
	}
	return 0;
}

static int usdt_list(const struct provider *pv, struct provider_list *l)
{
	return provider_list_files(pv, l, usdt_list_file);
}

static const char *const usdt_aliases[] = { "U", NULL };

const struct provider usdt_provider = {
	.name = "usdt",
	.aliases = usdt_aliases,
	.takes_target = true,
	.help = "usdt:PATH:[PROVIDER:]NAME (globs; PATH may be a library "
		"or a program): a <sys/sdt.h> static probe; arg0..",
	.example = "/usr/bin/python3:python:function__entry",
	.pid_filter = PROV_PID_ATTACH,
	.user_space = true,
	.expand = usdt_expand,
	.resolve = usdt_resolve,
	.attach = usdt_attach,
	.detach = provider_detach,
	.stop = provider_stop,
	.list = usdt_list,
};
