/* provider.c - the list of providers and the mechanics they share.
 *
 * Input: a provider name as written ("tracepoint", "t", "BEGIN").  Output:
 * its struct provider.  Also here, so that no provider copies them: where
 * tracefs is, opening perf events and raw tracepoints for a loaded program,
 * closing them again, the online CPU list and rate specifiers.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/perf_event.h>

#include "arch.h"
#include "arena.h"
#include "btf.h"
#include "host.h"
#include "ast.h"
#include "glob.h"
#include "kbpf.h"
#include "provider.h"
#include "script.h"
#include "type.h"
#include "usym.h"

extern const struct provider tracepoint_provider;
extern const struct provider rawtracepoint_provider, tp_btf_provider;
extern const struct provider begin_provider, end_provider;
extern const struct provider interval_provider;
extern const struct provider profile_provider;
extern const struct provider kprobe_provider, kretprobe_provider;
extern const struct provider fentry_provider, fexit_provider;
extern const struct provider uprobe_provider, uretprobe_provider;
extern const struct provider usdt_provider;
extern const struct provider software_provider, hardware_provider;
extern const struct provider watchpoint_provider, asyncwatchpoint_provider;
extern const struct provider iter_provider;

const struct provider *const providers[] = {
	&tracepoint_provider,
	&rawtracepoint_provider, &tp_btf_provider,
	&begin_provider,
	&end_provider,
	&interval_provider,
	&profile_provider,
	&kprobe_provider, &kretprobe_provider,
	&fentry_provider, &fexit_provider,
	&uprobe_provider, &uretprobe_provider,
	&usdt_provider,
	&software_provider, &hardware_provider,
	&watchpoint_provider, &asyncwatchpoint_provider,
	&iter_provider,
	NULL,
};

const struct provider *provider_find(const char *name)
{
	for (const struct provider *const *p = providers; *p; p++) {
		if (!strcmp((*p)->name, name))
			return *p;
		for (const char *const *al = (*p)->aliases; al && *al; al++)
			if (!strcmp(*al, name))
				return *p;
	}
	return NULL;
}

/* ---- listing ---- */

bool provider_list_match(const struct provider_list *l, const char *point)
{
	char full[512];

	if (!l->full)
		return glob_match(l->pattern, point, false);
	snprintf(full, sizeof(full), "%s:%s", l->prov->name, point);
	return glob_match(l->pattern, full, false);
}

void provider_list_emit(const struct provider *pv, struct provider_list *l,
			const char *point, const char *const *details)
{
	fprintf(l->out, "%s:%s\n", pv->name, point);
	for (; l->verbose && details && *details; details++)
		fprintf(l->out, "    %s\n", *details);
	l->n++;
}

int provider_list_files(const struct provider *pv, struct provider_list *l,
			int (*each)(const struct provider *pv,
				    struct provider_list *l, const char *path,
				    const char *rest))
{
	const char *colon = strchr(l->pattern, ':'), *file, *rest;
	char path[PATH_MAX], **objs;
	bool procs;
	int n, err = 0;

	/* with -p, "*" (or "*:REST") is every object of the process */
	procs = l->pid > 0 && (colon ? !strncmp(l->pattern, "*:", 2) :
			       !strcmp(l->pattern, "*"));
	if (l->all && !procs)
		return 0;
	if (!colon && !procs) {
		diag_error(l->d, NULL, "%s listing needs a file, as in spry -l "
			   "'%s:/usr/bin/bash:*'", pv->name, pv->name);
		return -EINVAL;
	}
	file = colon ? arena_strndup(l->a, l->pattern,
				     (size_t)(colon - l->pattern)) : "*";
	rest = colon ? colon + 1 : "*";
	if (procs) {
		n = usym_pid_objects(l->pid, &objs);
		if (n < 0) {
			diag_error(l->d, NULL, "cannot read the maps of process "
				   "%d: %s", (int)l->pid, strerror(-n));
			return n;
		}
		for (int i = 0; i < n; i++) {
			if (!err)
				err = each(pv, l, objs[i], rest);
			free(objs[i]);
		}
		free(objs);
		return err;
	}
	if (usym_resolve_path(l->host, file, path, sizeof(path))) {
		diag_error(l->d, NULL, "cannot find '%s': no such file, library "
			   "or program on $PATH", file);
		return -ENOENT;
	}
	return each(pv, l, arena_strdup(l->a, path), rest);
}

struct btf *provider_list_btf(const struct provider *pv,
			      struct provider_list *l, bool warn)
{
	struct btf *b = btf_new(l->a, l->host->btf ? l->host->btf :
				"/sys/kernel/btf");

	if (!btf_load(b))
		return b;
	if (warn && !l->all)
		diag_warn(l->d, NULL, "%s: nothing to list: %s", pv->name,
			  btf_error(b));
	btf_free(b);
	return NULL;
}

const char *const *provider_list_params(struct provider_list *l,
					const struct type *proto,
					const char *extra)
{
	const struct member *m;
	const char **v;
	unsigned n = 2, i = 0;
	char buf[256];

	for (m = proto->members; m; m = m->next)
		n++;
	v = arena_alloc(l->a, n * sizeof(*v));
	for (m = proto->members; m; m = m->next, i++)
		v[i] = arena_printf(l->a, "%s %s", type_name(m->type, buf,
				    sizeof(buf)), *m->name ? m->name :
				    arena_printf(l->a, "arg%u", i));
	v[i] = extra;
	return v;
}

/* Whether provider @pv is what @name ("kprobe", "k", "k*") means. */
static bool list_names(const struct provider *pv, const char *name)
{
	if (glob_match(name, pv->name, false))
		return true;
	for (const char *const *al = pv->aliases; al && *al; al++)
		if (glob_match(name, *al, false))
			return true;
	return false;
}

int provider_list(const struct host *h, const char *pattern, bool verbose,
		  pid_t pid, FILE *out, struct diag *d)
{
	const char *colon = pattern ? strchr(pattern, ':') : NULL;
	struct provider_list l = {
		.verbose = verbose, .pid = pid, .out = out, .d = d,
		.host = host_or_default(h),
	};
	char *pname = NULL;
	unsigned named = 0;
	int err = 0;

	if (colon)
		pname = strndup(pattern, (size_t)(colon - pattern));
	if (colon && !pname)
		return -ENOMEM;
	l.a = arena_new();
	for (const struct provider *const *pp = providers; *pp; pp++) {
		const struct provider *pv = *pp;
		int e;

		if (pname && !list_names(pv, pname))
			continue;
		named++;
		if (!pv->list)
			continue;
		l.prov = pv;
		l.pattern = colon ? colon + 1 : pattern ? pattern : "*";
		l.full = !colon && pattern;
		l.all = !pname || strpbrk(pname, "*?[");
		if (!*l.pattern)
			l.pattern = "*";
		e = pv->list(pv, &l);
		if (e && !err)
			err = e;
	}
	if (pname && !named) {
		diag_error(d, NULL, "unknown provider '%s' in '%s'", pname,
			   pattern);
		err = -ENOENT;
	}
	free(pname);
	arena_free(l.a);
	return err;
}

static const char *const tracefs_paths[] = {
	"/sys/kernel/tracing",
	"/sys/kernel/debug/tracing",
};

/* Older kernels mount tracefs only under debugfs; an unmounted
 * /sys/kernel/tracing is an empty directory, hence "events". */
static const char *tracefs_found(void)
{
	struct stat st;
	char buf[64];

	for (unsigned i = 0; i < sizeof(tracefs_paths) / sizeof(tracefs_paths[0]);
	     i++) {
		snprintf(buf, sizeof(buf), "%s/events", tracefs_paths[i]);
		if (!stat(buf, &st))
			return tracefs_paths[i];
	}
	return NULL;
}

const char *provider_tracefs(const struct host *h)
{
	const char *found;

	if (host_or_default(h)->tracefs)
		return host_or_default(h)->tracefs;
	found = tracefs_found();
	return found ? found : tracefs_paths[0];
}

int provider_mount_tracefs(const struct host *h)
{
	/* the mount tracefs goes under, made private so that it does not
	 * propagate: the first of these that is a mount point (/ is not in
	 * a chroot) */
	static const char *const parents[] = { "/sys/kernel", "/sys", "/" };
	static bool mount_tried;
	unsigned i;

	if (host_or_default(h)->tracefs || tracefs_found() || mount_tried)
		return 0;
	/* Only root can; otherwise the tracepoint provider says tracefs is
	 * missing when it expands a probe. */
	mount_tried = true;
	if (unshare(CLONE_NEWNS))
		return -errno;
	for (i = 0; i < sizeof(parents) / sizeof(parents[0]); i++)
		if (!mount(NULL, parents[i], NULL, MS_PRIVATE, NULL))
			break;
	if (i == sizeof(parents) / sizeof(parents[0]))
		return -errno;
	if (mount("nodev", tracefs_paths[0], "tracefs", 0, NULL))
		return -errno;
	return 1;
}

int provider_missing(const struct probe *p, struct diag *d, const char *fmt,
		     ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->optional)
		diag_warn(d, &p->loc, "%s: skipping this probe of the list",
			  msg);
	else
		diag_error(d, &p->loc, "%s", msg);
	return -ENOENT;
}

void provider_check(FILE *out, const char *what, int err, const char *hint)
{
	if (!err)
		fprintf(out, "  %-32s ok\n", what);
	else
		fprintf(out, "  %-32s missing (%s)%s%s\n", what,
			strerror(err < 0 ? -err : err), hint ? ": " : "",
			hint ? hint : "");
}

/* ---- attach state: the fds a probe holds ----
 *
 * Links (BPF links on perf events, kprobe_multi links, raw tracepoints)
 * stop the program the moment they close.  Perf events (tracepoints,
 * kprobes, uprobes) are slow to close: the kernel waits for RCU grace
 * periods under a global mutex, 50-100 ms each, and PERF_EVENT_IOC_DISABLE
 * does not stop a BPF program on them (the kernel runs it before looking at
 * the event's state).  So stop closes the links and detach the events. */

struct fdv {
	int *fd;
	unsigned n, cap;
};

struct provider_attach {
	struct fdv links, events;
};

/* Whether BPF_LINK_CREATE works on perf events (5.15+); cleared at the
 * first EINVAL, which older kernels give for the unknown attach type. */
static bool perf_links = true;

static int fdv_push(struct fdv *v, int fd)
{
	if (v->n == v->cap) {
		unsigned cap = v->cap ? 2 * v->cap : 4;
		int *nfd = realloc(v->fd, cap * sizeof(*nfd));

		if (!nfd)
			return -ENOMEM;
		v->fd = nfd;
		v->cap = cap;
	}
	v->fd[v->n++] = fd;
	return 0;
}

static void fdv_close(struct fdv *v)
{
	for (unsigned i = 0; i < v->n; i++)
		close(v->fd[i]);
	v->n = 0;
}

int provider_hold(struct rt_probe *rp, int fd, bool link)
{
	struct provider_attach *st = rp->attach;
	int err;

	if (!st) {
		st = calloc(1, sizeof(*st));
		if (!st) {
			close(fd);
			return -ENOMEM;
		}
		rp->attach = st;
	}
	err = fdv_push(link ? &st->links : &st->events, fd);
	if (err)
		close(fd);
	return err;
}

void provider_stop(struct rt_probe *rp)
{
	struct provider_attach *st = rp->attach;

	if (!st)
		return;
	fdv_close(&st->links);
	/* without perf event links the program hangs off the event itself */
	if (!perf_links)
		fdv_close(&st->events);
}

void provider_detach(struct rt_probe *rp)
{
	struct provider_attach *st = rp->attach;

	if (!st)
		return;
	fdv_close(&st->links);
	fdv_close(&st->events);
	free(st->links.fd);
	free(st->events.fd);
	free(st);
	rp->attach = NULL;
}

static void attach_error(struct rt_probe *rp, struct diag *d, int err)
{
	const struct probe *p = rp->p;

	if (!d)
		return;		/* the caller reports */
	/* every target (and CPU) holds a descriptor: a wide glob can pass
	 * the hard limit, which spry cannot raise itself */
	diag_error(d, &p->loc, "cannot attach to %s%s%s: %s%s", p->prov->name,
		   p->target && *p->target ? ":" : "",
		   p->target ? p->target : "", strerror(err),
		   err == EMFILE ? " (more probes than the open-file limit "
		   "allows: raise it with ulimit -n)" : "");
}

int provider_sysfs_int(const char *path, const char *prefix)
{
	size_t plen = prefix ? strlen(prefix) : 0;
	char buf[64];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EINVAL;
	buf[n] = '\0';
	if (prefix && strncmp(buf, prefix, plen))
		return -EINVAL;
	if (!isdigit((unsigned char)buf[plen]))
		return -EINVAL;
	return atoi(buf + plen);
}

int provider_pmu(const char *name, bool ret, struct perf_event_attr *attr)
{
	char path[128];
	int type, bit;

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type",
		 name);
	type = provider_sysfs_int(path, NULL);
	if (type < 0)
		return type;
	attr->type = (unsigned)type;
	attr->config = 0;
	if (!ret)
		return 0;
	snprintf(path, sizeof(path),
		 "/sys/bus/event_source/devices/%s/format/retprobe", name);
	bit = provider_sysfs_int(path, "config:");
	if (bit < 0)
		return bit;
	attr->config = 1ULL << bit;
	return 0;
}

static int perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu,
			   int group, unsigned long flags)
{
	return (int)syscall(SYS_perf_event_open, attr, pid, cpu, group, flags);
}

int provider_perf_open(struct rt_probe *rp, struct perf_event_attr *attr,
		       pid_t pid, int cpu, uint64_t cookie)
{
	int fd, link = -1, err;

	attr->size = sizeof(*attr);
	/* Created disabled and enabled only once the program is in place, so
	 * the event never runs without it. */
	attr->disabled = 1;
	fd = perf_event_open(attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = provider_hold(rp, fd, false);
	if (err)
		return err;
	if (perf_links) {
		link = kbpf_link_perf(rp->prog_fd, fd, cookie);
		if (link == -EINVAL)
			perf_links = false;
		else if (link < 0)
			return link;
	}
	if (link >= 0)
		err = provider_hold(rp, link, true);
	else if (ioctl(fd, PERF_EVENT_IOC_SET_BPF, rp->prog_fd))
		err = -errno;
	if (!err && ioctl(fd, PERF_EVENT_IOC_ENABLE, 0))
		err = -errno;
	return err;
}

int provider_perf_attach(struct rt_probe *rp, struct perf_event_attr *attr,
			 const int *cpus, unsigned ncpus, struct diag *d)
{
	for (unsigned i = 0; i < ncpus; i++) {
		int err = provider_perf_open(rp, attr, -1, cpus[i], 0);

		if (err) {
			attach_error(rp, d, -err);
			return err;
		}
	}
	return 0;
}

int provider_raw_tp_attach(struct rt_probe *rp, const char *name,
			   struct diag *d)
{
	return provider_raw_tp_attach_fd(rp, rp->prog_fd, name, d);
}

int provider_raw_tp_attach_fd(struct rt_probe *rp, int prog_fd,
			      const char *name, struct diag *d)
{
	int fd, err;

	fd = kbpf_raw_tp_open(name, prog_fd);
	if (fd < 0) {
		attach_error(rp, d, -fd);
		return fd;
	}
	/* a raw tracepoint detaches at once: it counts as a link */
	err = provider_hold(rp, fd, true);
	if (err)
		attach_error(rp, d, -err);
	return err;
}

int provider_prog_copy(struct rt_probe *rp, unsigned attach_type)
{
	return kbpf_prog_load((enum bpf_prog_type)rp->p->prog_type,
			      "spry_multi", rp->insns, rp->p->ninsns,
			      (enum bpf_attach_type)attach_type, NULL, 0);
}

int provider_probe_prog(unsigned attach_type)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return kbpf_prog_load(BPF_PROG_TYPE_KPROBE, "spry_probe", insns, 2,
			      (enum bpf_attach_type)attach_type, NULL, 0);
}

void provider_skip_add(struct provider_skips *sk, const char *name,
		       const char *why, int err)
{
	if (!sk->first_err)
		sk->first_err = err;
	sk->n++;
	if (sk->listed < PROVIDER_SKIP_NAMES && sk->len < sizeof(sk->list)) {
		sk->len += (size_t)snprintf(sk->list + sk->len,
					    sizeof(sk->list) - sk->len,
					    "%s%s (%s)", sk->listed ? ", " : "",
					    name, why);
		sk->listed++;
	}
}

void provider_skip_warn(const struct probe *p, struct diag *d,
			const struct provider_skips *sk, unsigned total,
			const char *what)
{
	if (!sk->n)
		return;
	diag_warn(d, NULL, "%s:%s: skipped %u of %u %s the kernel cannot "
		  "probe: %s%s", p->prov->name, p->target, sk->n, total, what,
		  sk->list, sk->n > sk->listed ? ", ..." : "");
}

/* ---- attach progress ---- */

static double progress_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress_draw(struct provider_progress *pg, bool last)
{
	double now = progress_now();

	if (!last && now - pg->last < 0.1)
		return;
	pg->last = now;
	/* one line, redrawn in place: cleared, drawn, and the cursor back
	 * at its start, so that a warning a provider prints meanwhile
	 * starts a line of its own */
	fprintf(stderr, "\033[Kspry: %s %u/%u probes (%.1f s)%s",
		last ? "attached" : "attaching", pg->done, pg->total,
		now - pg->t0, last ? "\n" : "\r");
	fflush(stderr);
}

void provider_progress(struct rt_probe *rp, unsigned n)
{
	struct provider_progress *pg = rp->progress;

	if (!pg)
		return;
	if (!pg->t0)
		pg->t0 = progress_now();
	pg->done += n;
	if (pg->show)
		progress_draw(pg, false);
}

void provider_progress_end(struct provider_progress *pg, bool ok)
{
	if (!pg->show)
		return;
	if (ok)
		progress_draw(pg, true);
	else
		fputs("\033[K", stderr);
}

int provider_threads(pid_t pid, int *tids, unsigned max)
{
	char path[64];
	struct dirent *de;
	unsigned n = 0;
	DIR *dp;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dp = opendir(path);
	if (!dp)
		return errno == ENOENT ? -ESRCH : -errno;
	while ((de = readdir(dp)) && n < max)
		if (isdigit((unsigned char)de->d_name[0]))
			tids[n++] = atoi(de->d_name);
	closedir(dp);
	return (int)n;
}

int provider_online_cpus(int *cpus, unsigned max)
{
	return kbpf_cpu_list("/sys/devices/system/cpu/online", cpus, max);
}

/* ---- rates ---- */

static const struct unit {
	const char *name;
	unsigned long long ns;	/* 0: hz */
} units[] = {
	{ "ns", 1ULL },
	{ "us", 1000ULL },
	{ "ms", 1000000ULL },
	{ "s", 1000000000ULL },
	{ "m", 60000000000ULL },
	{ "hz", 0 },
};

static const struct unit *unit_find(const char *name, size_t len)
{
	for (unsigned i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strlen(units[i].name) == len &&
		    glob_caseeq(units[i].name, name, len))
			return &units[i];
	return NULL;
}

int provider_parse_rate(const char *text, const char *dflt_unit,
			struct provider_rate *r)
{
	const struct unit *u;
	const char *colon = strchr(text, ':');
	const char *num = text, *uname;
	unsigned long long v;
	size_t ulen;
	char *end;

	memset(r, 0, sizeof(*r));
	if (colon) {
		/* "ms:10", as bpftrace writes it */
		u = unit_find(text, colon - text);
		num = colon + 1;
		if (!u || !isdigit((unsigned char)*num))
			return -EINVAL;
		errno = 0;
		v = strtoull(num, &end, 10);
		if (*end || errno)
			return -EINVAL;
	} else {
		if (!isdigit((unsigned char)*num))
			return -EINVAL;
		errno = 0;
		v = strtoull(num, &end, 10);
		if (errno)
			return -EINVAL;
		uname = *end ? end : dflt_unit;
		ulen = strlen(uname);
		u = unit_find(uname, ulen);
		if (!u)
			return -EINVAL;
	}
	if (!v)
		return -EINVAL;
	if (!u->ns) {
		r->hz = v;
		return 0;
	}
	if (v > ULLONG_MAX / u->ns)
		return -EINVAL;
	r->period_ns = v * u->ns;
	return 0;
}

/* ---- names ---- */

const char *provider_probe_name(struct arena *a, const struct probe *p)
{
	if (p->ntargets > 1)
		return NULL;
	if (p->prov->probe_name)
		return p->prov->probe_name(a, p);
	if (!p->prov->takes_target)
		return p->prov->name;
	return arena_printf(a, "%s:%s", p->prov->name, p->ntargets ?
			    p->targets[0] : p->target);
}

/* ---- shared variables and probe copies ---- */

int provider_regs_resolve(const struct pvar *regs, const char *name,
			  struct pvar *pv)
{
	memset(pv, 0, sizeof(*pv));
	if (!strcmp(name, "regs")) {
		if (!regs->type)
			return -ENOENT;
		*pv = *regs;
		return 0;
	}
	return -ENOENT;
}

void provider_regs_init(struct script *s, const struct arch *arch,
			struct pvar *regs)
{
	memset(regs, 0, sizeof(*regs));
	regs->kind = PV_CTX;
	if (arch)
		regs->type = type_ptr(s->arena, arch_regs_type(s->arena, arch),
				      AS_CTX);
}

/* @file, a path, is no file a uprobe can go in: say why.  (stat only: a
 * FIFO would block an open.) */
static void provider_file_error(struct probe *p, const char *file,
				struct diag *d)
{
	struct stat st;
	const char *what = NULL;

	if (stat(file, &st)) {
		if (errno == ENOENT || errno == ENOTDIR)
			diag_error(d, &p->loc, "no such file '%s'", file);
		else
			diag_error(d, &p->loc, "cannot use '%s': %s", file,
				   strerror(errno));
		return;
	}
	if (S_ISDIR(st.st_mode))
		what = "a directory";
	else if (S_ISFIFO(st.st_mode))
		what = "a FIFO";
	else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		what = "a device";
	else if (S_ISSOCK(st.st_mode))
		what = "a socket";
	diag_error(d, &p->loc, "'%s' is %s, not a program or library", file,
		   what ? what : "not a regular file");
}

int provider_resolve_file(struct script *s, struct probe *p, const char *file,
			  char *buf, size_t n, struct diag *d)
{
	if (!usym_resolve_path(s->host, file, buf, n))
		return 0;
	if (strchr(file, '/'))
		provider_file_error(p, file, d);
	else
		diag_error(d, &p->loc, "cannot find '%s': not a library the "
			   "dynamic linker knows nor a program on $PATH", file);
	return -ENOENT;
}

struct probe *provider_probe_dup(struct script *s, const struct probe *p,
				 struct probe *after, const char *target)
{
	/* sema annotates in place: every probe has a tree of its own */
	struct probe *q = script_probe_new(s, p->prov, p->spec, target, p->loc,
					   ast_clone(s->arena, p->pred),
					   ast_clone(s->arena, p->body));

	q->prog_type = p->prog_type;
	q->child_only = p->child_only;
	q->next = after->next;
	after->next = q;
	s->nprobes++;
	return q;
}

const struct type *provider_btf_args(struct arena *a, const char *name,
				     const struct type *proto, bool big_endian,
				     unsigned *ret_off)
{
	struct type *st = type_struct_new(a, name);
	const struct member *m;
	unsigned slot = 0, i = 0;

	for (m = proto->members; m; m = m->next, i++) {
		const struct type *t = m->type;
		unsigned end = big_endian && t->size < 8 &&
			       (t->kind == T_INT || t->kind == T_PTR) ?
			       8 - t->size : 0;

		type_struct_add(a, st, *m->name ? m->name :
				arena_printf(a, "arg%u", i), t, slot * 8 + end);
		/* a 16-byte struct passed by value takes two slots */
		slot += m->type->size > 8 ? 2 : 1;
	}
	type_struct_finish(st, slot * 8);
	if (ret_off)
		*ret_off = slot * 8;
	return st;
}
