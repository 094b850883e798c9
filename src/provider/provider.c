/* provider.c - the list of providers and the mechanics they share.
 *
 * Input: a provider name as written ("tracepoint", "t", "BEGIN").  Output:
 * its struct provider.  Also here, so that no provider copies them: where
 * tracefs is, opening perf events and raw tracepoints for a loaded program,
 * closing them again, the online CPU list and rate specifiers.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/perf_event.h>

#include "arena.h"
#include "ast.h"
#include "provider.h"
#include "script.h"
#include "type.h"

extern const struct provider tracepoint_provider;
extern const struct provider begin_provider, end_provider;
extern const struct provider interval_provider;
extern const struct provider profile_provider;
extern const struct provider kprobe_provider, kretprobe_provider;
extern const struct provider uprobe_provider, uretprobe_provider;

const struct provider *const providers[] = {
	&tracepoint_provider,
	&begin_provider,
	&end_provider,
	&interval_provider,
	&profile_provider,
	&kprobe_provider, &kretprobe_provider,
	&uprobe_provider, &uretprobe_provider,
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

const char *provider_tracefs(void)
{
	static const char *const paths[] = {
		"/sys/kernel/tracing",
		"/sys/kernel/debug/tracing",
	};
	const char *env = getenv("SPRY_TRACEFS");
	struct stat st;

	static bool mount_tried;
	char buf[64];

	if (env && *env)
		return env;
	/* Older kernels mount tracefs only under debugfs; an unmounted
	 * /sys/kernel/tracing is an empty directory, hence "events". */
	for (unsigned i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		snprintf(buf, sizeof(buf), "%s/events", paths[i]);
		if (!stat(buf, &st))
			return paths[i];
	}
	/* Mounted nowhere (a minimal system, a fresh mount namespace):
	 * mount it where the kernel provides for it, once, as perf does.
	 * Only root can; otherwise the tracepoint provider says tracefs is
	 * missing. */
	if (!mount_tried) {
		mount_tried = true;
		if (!mount("nodev", paths[0], "tracefs", 0, NULL))
			return paths[0];
	}
	return paths[0];
}

/* ---- attach state: the fds a probe holds ---- */

struct provider_fds {
	unsigned n, cap;
	int *fd;
};

static int fds_push(struct probe *p, int fd)
{
	struct provider_fds *f = p->attach;

	if (!f) {
		f = calloc(1, sizeof(*f));
		if (!f)
			return -ENOMEM;
		p->attach = f;
	}
	if (f->n == f->cap) {
		unsigned cap = f->cap ? 2 * f->cap : 4;
		int *nfd = realloc(f->fd, cap * sizeof(*nfd));

		if (!nfd)
			return -ENOMEM;
		f->fd = nfd;
		f->cap = cap;
	}
	f->fd[f->n++] = fd;
	return 0;
}

void provider_detach_fds(struct probe *p)
{
	struct provider_fds *f = p->attach;

	if (!f)
		return;
	for (unsigned i = 0; i < f->n; i++)
		if (f->fd[i] >= 0)
			close(f->fd[i]);
	free(f->fd);
	free(f);
	p->attach = NULL;
}

void provider_stop_fds(struct probe *p)
{
	struct provider_fds *f = p->attach;

	for (unsigned i = 0; f && i < f->n; i++) {
		if (f->fd[i] < 0 || !ioctl(f->fd[i], PERF_EVENT_IOC_DISABLE, 0))
			continue;
		close(f->fd[i]);
		f->fd[i] = -1;
	}
}

static void attach_error(struct probe *p, struct diag *d, int err)
{
	diag_error(d, &p->loc, "cannot attach to %s%s%s: %s", p->prov->name,
		   p->target && *p->target ? ":" : "",
		   p->target ? p->target : "", strerror(err));
}

static int perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu,
			   int group, unsigned long flags)
{
	return syscall(SYS_perf_event_open, attr, pid, cpu, group, flags);
}

int provider_perf_attach(struct probe *p, struct perf_event_attr *attr,
			 const int *cpus, unsigned ncpus, struct diag *d)
{
	attr->size = sizeof(*attr);
	/* Created disabled and enabled only once the program is in place, so
	 * the event never runs without it. */
	attr->disabled = 1;
	for (unsigned i = 0; i < ncpus; i++) {
		int fd = perf_event_open(attr, -1, cpus[i], -1,
					 PERF_FLAG_FD_CLOEXEC);
		int err;

		if (fd < 0) {
			err = errno;
			attach_error(p, d, err);
			return -err;
		}
		err = fds_push(p, fd);
		if (err) {
			close(fd);
			attach_error(p, d, -err);
			return err;
		}
		if (ioctl(fd, PERF_EVENT_IOC_SET_BPF, p->prog_fd) ||
		    ioctl(fd, PERF_EVENT_IOC_ENABLE, 0)) {
			err = errno;
			attach_error(p, d, err);
			return -err;
		}
	}
	return 0;
}

int provider_raw_tp_attach(struct probe *p, const char *name, struct diag *d)
{
	union bpf_attr attr;
	int fd, err;

	memset(&attr, 0, sizeof(attr));
	attr.raw_tracepoint.name = (uint64_t)(unsigned long)name;
	attr.raw_tracepoint.prog_fd = p->prog_fd;
	fd = syscall(SYS_bpf, BPF_RAW_TRACEPOINT_OPEN, &attr, sizeof(attr));
	if (fd < 0) {
		err = errno;
		attach_error(p, d, err);
		return -err;
	}
	err = fds_push(p, fd);
	if (err) {
		close(fd);
		attach_error(p, d, -err);
	}
	return err;
}

int provider_online_cpus(int *cpus, unsigned max)
{
	char buf[4096], *s, *end;
	unsigned n = 0;
	ssize_t len;
	int fd;

	fd = open("/sys/devices/system/cpu/online", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return len < 0 ? -errno : -EINVAL;
	buf[len] = '\0';

	/* "0-3,5,8-11\n" */
	for (s = buf; *s && *s != '\n'; ) {
		long lo, hi;

		lo = strtol(s, &end, 10);
		if (end == s || lo < 0)
			return -EINVAL;
		hi = lo;
		s = end;
		if (*s == '-') {
			hi = strtol(s + 1, &end, 10);
			if (end == s + 1 || hi < lo)
				return -EINVAL;
			s = end;
		}
		for (long c = lo; c <= hi && n < max; c++)
			cpus[n++] = (int)c;
		if (*s == ',')
			s++;
	}
	return (int)n;
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
		    !strncasecmp(units[i].name, name, len))
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

/* ---- shared variables and probe copies ---- */

int provider_regs_resolve(const struct pvar *regs, const char *name,
			  struct pvar *pv)
{
	memset(pv, 0, sizeof(*pv));
	if (!strcmp(name, "regs")) {
		*pv = *regs;
		return 0;
	}
	if (!strcmp(name, "stack") || !strcmp(name, "kstack")) {
		pv->kind = PV_KSTACK;
		pv->type = &type_kstack;
		return 0;
	}
	if (!strcmp(name, "ustack")) {
		pv->kind = PV_USTACK;
		pv->type = &type_ustack;
		return 0;
	}
	return -ENOENT;
}

struct probe *provider_probe_dup(struct script *s, const struct probe *p,
				 struct probe *after, const char *target)
{
	struct probe *q = arena_alloc(s->arena, sizeof(*q));

	*q = *p;
	q->target = arena_strdup(s->arena, target);
	/* Sema annotates nodes in place and lowering walks them per probe:
	 * every probe needs a tree of its own. */
	q->pred = ast_clone(s->arena, p->pred);
	q->body = ast_clone(s->arena, p->body);
	q->priv = NULL;
	q->attach = NULL;
	q->filter_pv = NULL;
	q->filter_nr = 0;
	q->next = after->next;
	after->next = q;
	s->nprobes++;
	return q;
}
