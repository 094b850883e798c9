/* iter.c - iter:NAME: a BPF iterator, a program run over kernel objects.
 *
 * Input: "NAME", an iterator the kernel registers: "task" (every thread),
 * "task_file" (every open file of every thread), "task_vma" (every memory
 * mapping), "bpf_map", "bpf_prog", "tcp", "udp", "unix", "ksym"...  Each
 * has in BTF a context record, struct bpf_iter__NAME (the iteration's
 * meta data, then the object: task, fd and file...), and a function
 * bpf_iter_NAME that a program names when it is loaded.  Output: one probe
 * of BPF_PROG_TYPE_TRACING with attach type BPF_TRACE_ITER and that
 * function's BTF id (5.8+), attached with a BPF link (the iterator's
 * program, which runs only when read).
 *
 * It runs once, when the runtime calls the run hook after BEGIN: an
 * iterator made from the link (BPF_ITER_CREATE) is read to its end, and
 * the kernel runs the program for each object as it fills the read.  What
 * the program prints goes into the iterator's own output (seq_output: the
 * records printf, print and exit() make are written with bpf_seq_write(),
 * not sent through the ring buffer), which the hook hands to the runtime
 * as it reads it, so the output is spry's usual one (formats, -f json) and
 * follows the objects' order.  A script of iterators only then ends,
 * as bpftrace's does.
 *
 * Reads are of 4 KiB, an eighth of the kernel's buffer: the kernel stops
 * filling a read once it holds the asked size, so an object's records
 * always fit, and the kernel never has to run the program a second time
 * for an object whose output did not fit (which would count it twice in a
 * map).
 *
 * The kernel runs the program once more after the last object, with NULL
 * objects, for iterators that print a summary; spry's programs skip that
 * call (the filter: ctx's first object pointer, the slot after the meta
 * data, is NULL).  The objects are pointers the verifier lets a program
 * use only after a NULL test (PTR_TO_BTF_ID_OR_NULL), so `ctx` is
 * nullable: lowering reads them with the helper, as integers.
 *
 * Variables: ctx (ctx->task, ctx->file, ctx->fd, ctx->vma, as BTF types
 * the record).  -p PID: the task iterators walk that process's threads
 * only (the link's task.pid; 6.1+).  The program runs in spry's own
 * process, as it reads: pid, comm and the stacks are spry's.
 */
#include <errno.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "arena.h"
#include "btf.h"
#include "diag.h"
#include "host.h"
#include "kbpf.h"
#include "provider.h"
#include "script.h"
#include "type.h"

/* A read's size: see above. */
#define IT_READ 4096

struct it_priv {
	struct pvar ctx;	/* `ctx` */
	struct pvar object;	/* its first object, NULL after the last */
	bool has_object;
	bool task;		/* a task iterator: -p applies */
};

/* The iterators that walk tasks, which a link can limit to one process
 * (bpf_iter_link_info.task, 6.1+). */
static bool it_is_task(const char *name)
{
	return !strcmp(name, "task") || !strcmp(name, "task_file") ||
	       !strcmp(name, "task_vma");
}

/* ---- compile time ---- */

struct it_names {
	struct btf *btf;
	struct suggest *sg;		/* "did you mean" */
	int (*each)(void *ctx, const char *name);
	void *ctx;
};

/* An iterator is a record bpf_iter__NAME with a function bpf_iter_NAME
 * (bpf_iter__task__safe_trusted is no iterator). */
static int it_names_one(void *ctx, const char *module, const char *rec)
{
	struct it_names *in = ctx;
	const char *name = rec + strlen("bpf_iter__");
	char fn[128];
	uint32_t id;
	const char *obj;

	(void)module;
	snprintf(fn, sizeof(fn), "bpf_iter_%s", name);
	if (btf_func_id(in->btf, NULL, fn, &id, &obj))
		return 0;
	if (in->sg)
		suggest_try(in->sg, name);
	return in->each ? in->each(in->ctx, name) : 0;
}

static int it_names(struct btf *b, struct suggest *sg,
		    int (*each)(void *ctx, const char *name), void *ctx)
{
	struct it_names in = { b, sg, each, ctx };

	return btf_names(b, BTF_NS_STRUCT, NULL, "bpf_iter__*", it_names_one,
			 &in);
}

static int it_expand(struct script *s, struct probe *p, struct diag *d)
{
	const char *name = p->target, *obj, *hint;
	const struct type *rec;
	struct it_priv *it;
	struct suggest sg;
	uint32_t id;

	if (strchr(name, ':')) {
		/* bpftrace's iter:task:PIN pins the iterator in bpffs */
		diag_error(d, &p->loc, "invalid iter '%s': spry does not pin "
			   "iterators (it leaves nothing behind when it exits); "
			   "iter:%.*s runs it", p->target,
			   (int)strcspn(name, ":"), name);
		return -EINVAL;
	}
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_') {
			diag_error(d, &p->loc, "invalid iter '%s': expected an "
				   "iterator's name, as in iter:task",
				   p->target);
			return -EINVAL;
		}
	if (!s->btf || btf_load(s->btf)) {
		diag_error(d, &p->loc, "iter needs the kernel's BTF: %s",
			   s->btf ? btf_error(s->btf) : "none");
		return -ENOENT;
	}
	rec = btf_type(s->btf, BTF_NS_STRUCT,
		       arena_printf(s->arena, "bpf_iter__%s", name));
	if (!rec || rec->kind != T_STRUCT || rec->incomplete ||
	    btf_func_id(s->btf, NULL, arena_printf(s->arena, "bpf_iter_%s",
						    name), &id, &obj)) {
		provider_missing(p, d, "no iterator '%s' in this kernel", name);
		suggest_init(&sg, name);
		it_names(s->btf, &sg, NULL, NULL);
		hint = suggest_best(&sg);
		if (hint)
			diag_note(d, NULL, "did you mean '%s'?", hint);
		else
			diag_note(d, NULL, "spry -l 'iter:*' lists them");
		return -ENOENT;
	}
	it = arena_alloc(s->arena, sizeof(*it));
	it->task = it_is_task(name);
	if (s->opts.target_pid > 0 && !it->task) {
		diag_error(d, &p->loc, "-p applies to the task iterators only "
			   "(iter:task, iter:task_file, iter:task_vma), not to "
			   "iter:%s", name);
		return -EINVAL;
	}
	it->ctx.kind = PV_CTX;
	it->ctx.type = type_ptr(s->arena, rec, AS_CTX);
	it->ctx.nullable = true;
	/* the object: the member after the meta data, at slot 1 */
	it->has_object = rec->size >= 16;
	it->object.kind = PV_CTX_LOAD;
	it->object.off = 8;
	it->object.type = &type_u64;
	p->priv = it;
	p->prog_type = BPF_PROG_TYPE_TRACING;
	p->attach_type = BPF_TRACE_ITER;
	p->attach_btf_id = id;
	p->attach_btf_module = obj;
	return 0;
}

static int it_resolve(struct probe *p, const char *name, struct pvar *pv)
{
	const struct it_priv *it = p->priv;

	if (!it || strcmp(name, "ctx"))
		return -ENOENT;
	*pv = it->ctx;
	return 0;
}

static int it_filter(const struct probe *p, struct pvar *pv, int64_t *value)
{
	const struct it_priv *it = p->priv;

	if (!it || !it->has_object)
		return -ENOENT;
	*pv = it->object;
	*value = 0;
	return 0;
}

/* ---- listing (-l, -lv) ---- */

struct it_list {
	const struct provider *pv;
	struct provider_list *l;
	struct btf *btf;
};

/* -lv: the record's members but the meta data, as bpftrace prints them. */
static const char *const *it_details(struct it_list *il, const char *name)
{
	const struct type *rec = btf_type(il->btf, BTF_NS_STRUCT,
					  arena_printf(il->l->a, "bpf_iter__%s",
						       name));
	const struct member *m;
	const char **v;
	unsigned n = 1, i = 0, off;
	char buf[256];

	if (!rec || rec->kind != T_STRUCT)
		return NULL;
	for (m = type_members(rec); m; m = m->next)
		n += 2;		/* an anonymous union holds one */
	v = arena_alloc(il->l->a, n * sizeof(*v));
	for (m = type_members(rec); m; m = m->next) {
		const struct type *t = m->type;
		const struct member *f = m;

		/* __bpf_md_ptr(struct task_struct *, task): a union of
		 * the pointer and a u64, named by the pointer */
		if (!*m->name && t->kind == T_STRUCT && t->is_union &&
		    type_members(t))
			f = type_members(t), t = f->type;
		if (!*f->name || !strcmp(f->name, "meta"))
			continue;
		if (!type_field(rec, f->name, &off))
			continue;
		v[i++] = arena_printf(il->l->a, "%s %s", type_name(t, buf,
				      sizeof(buf)), f->name);
	}
	return v;
}

static int it_list_one(void *ctx, const char *name)
{
	struct it_list *il = ctx;

	if (provider_list_match(il->l, name))
		provider_list_emit(il->pv, il->l, name, il->l->verbose ?
				   it_details(il, name) : NULL);
	return 0;
}

static int it_list(const struct provider *pv, struct provider_list *l)
{
	struct it_list il = { .pv = pv, .l = l };
	int err;

	il.btf = provider_list_btf(pv, l, true);
	if (!il.btf)
		return 0;
	err = it_names(il.btf, NULL, it_list_one, &il);
	btf_free(il.btf);
	return err;
}

/* ---- run time ---- */

struct it_attach {
	int link;
};

static void it_detach(struct rt_probe *rp)
{
	struct it_attach *ia = rp->attach;

	if (!ia)
		return;
	if (ia->link >= 0)
		close(ia->link);
	free(ia);
	rp->attach = NULL;
}

static int it_attach(struct rt_probe *rp, struct diag *d)
{
	const struct probe *p = rp->p;
	union bpf_iter_link_info info;
	struct it_attach *ia;
	int err;

	ia = malloc(sizeof(*ia));
	if (!ia) {
		diag_error(d, &p->loc, "cannot attach to iter:%s: %s",
			   p->target, strerror(ENOMEM));
		return -ENOMEM;
	}
	rp->attach = ia;
	memset(&info, 0, sizeof(info));
	info.task.pid = rp->pid > 0 ? (uint32_t)rp->pid : 0;
	ia->link = kbpf_link_iter(rp->prog_fd, rp->pid > 0 ? &info : NULL,
				  rp->pid > 0 ? sizeof(info) : 0);
	if (ia->link >= 0)
		return 0;
	err = ia->link;
	if (rp->pid > 0 && err == -EINVAL)
		diag_error(d, &p->loc, "cannot attach to iter:%s for process "
			   "%d: this kernel iterates every task (limiting a "
			   "task iterator to a process needs Linux 6.1)",
			   p->target, (int)rp->pid);
	else if (rp->pid > 0 && err == -ESRCH)
		diag_error(d, &p->loc, "cannot attach to iter:%s: no process "
			   "%d", p->target, (int)rp->pid);
	else if (err == -EBADF || err == -EINVAL)
		diag_error(d, &p->loc, "cannot attach to iter:%s: the iterator "
			   "needs parameters (a map to walk, a cgroup and an "
			   "order) that spry does not give it: %s", p->target,
			   strerror(-err));
	else
		diag_error(d, &p->loc, "cannot attach to iter:%s: %s",
			   p->target, strerror(-err));
	return err;
}

/* Read the iterator to its end, or until @o says the trace is over. */
static int it_run(struct rt_probe *rp, const struct provider_output *o,
		  struct diag *d)
{
	const struct probe *p = rp->p;
	struct it_attach *ia = rp->attach;
	char buf[IT_READ];
	ssize_t n;
	int fd, err = 0;

	if (!ia || ia->link < 0)
		return 0;
	fd = kbpf_iter_create(ia->link);
	if (fd < 0) {
		diag_error(d, &p->loc, "cannot run iter:%s: %s", p->target,
			   strerror(-fd));
		return fd;
	}
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			/* EAGAIN: a million objects without output; the
			 * next read goes on from there */
			if (errno == EINTR || errno == EAGAIN)
				continue;
			err = -errno;
			diag_error(d, &p->loc, "cannot run iter:%s: %s",
				   p->target, err == -E2BIG ? "one object's "
				   "output is larger than the kernel's buffer "
				   "(32 KiB)" : strerror(-err));
			break;
		}
		if (!n || o->write(o->ctx, buf, (size_t)n))
			break;
	}
	close(fd);
	return err;
}

static const char *const it_aliases[] = { "it", NULL };

const struct provider iter_provider = {
	.name = "iter",
	.aliases = it_aliases,
	.takes_target = true,
	.help = "iter:NAME (task, task_file, task_vma...): run once over the "
		"kernel's objects; ctx->task, ctx->file..., typed from BTF",
	.example = "task",
	.filter_skips = true,
	.seq_output = true,
	.pid_filter = PROV_PID_ATTACH,	/* the task iterators */
	.expand = it_expand,
	.resolve = it_resolve,
	.filter = it_filter,
	.attach = it_attach,
	.detach = it_detach,
	.run = it_run,
	.list = it_list,
};
