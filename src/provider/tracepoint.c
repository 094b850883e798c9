/* tracepoint.c - the tracepoint provider and the tracefs reading under it.
 *
 * Input: "sys/event" or "sys:event", globs allowed ("syscalls/sys_enter_*").
 * Output: one probe per matching event, with the event's format file parsed
 * into a struct type that `data` (alias `args`) points to.
 *
 * Two ways to attach:
 *  - Ordinary tracepoints: BPF_PROG_TYPE_TRACEPOINT on a perf event of
 *    PERF_TYPE_TRACEPOINT; the context is the trace record itself, so data->f
 *    is a load at the field's offset from ctx.
 *  - syscalls/sys_{enter,exit}_NAME, when a specifier names many of them:
 *    BPF_PROG_TYPE_RAW_TRACEPOINT on the raw tracepoints sys_enter/sys_exit,
 *    which every syscall passes through.  The context is u64 args[2]:
 *    args[0] the user pt_regs, args[1] the syscall number (sys_enter) or
 *    return value (sys_exit).  The program filters on the number (the
 *    filter hook: tp_filter()), and the member hook maps data->field to
 *    the syscall argument registers.  The syscall number comes from the
 *    target arch's table; events it does not know take the perf path.
 *
 * Which one a syscall probe takes is chosen per specifier, from what each
 * costs (docs/BENCHMARKS.md, measured here on 6.18):
 *  - A program on raw sys_enter runs for every syscall of every process:
 *    ~73 ns added to each, whether it traces that syscall or not.  On the
 *    syscall's own perf tracepoint an unrelated syscall pays ~41 ns (the
 *    syscall tracing slow path, the same under bpftrace) and the traced
 *    one ~145 ns (the kernel builds a perf record before the program
 *    runs).  A script tracing a few syscalls costs the rest of the system
 *    least on their perf tracepoints: that is the default for up to
 *    TP_SYS_PERF_MAX syscalls in one specifier.
 *  - Beyond that (a glob: sys_enter_* is 350 of them) every perf event
 *    costs its open at startup and ~75 ms of the kernel's event mutex when
 *    it closes, and N programs on raw sys_enter would cost every syscall N
 *    runs.  Such a specifier gets ONE program on the raw tracepoint, the
 *    dispatcher, which tail-calls the probe of the syscall at hand through
 *    a program array indexed by syscall number: one run per syscall
 *    whatever N.
 *  - Both are beaten where the kernel runs fentry programs: fentry on the
 *    syscall's own function (x86_64 __x64_sys_openat, arch.h's
 *    sys_func_prefix), fexit for sys_exit_NAME, runs only for that
 *    syscall, builds no record, and leaves the other syscalls alone (no
 *    syscall tracing slow path at all).  The function takes the user's
 *    pt_regs, so the context is u64 args[1] = { regs } (fexit: args[1]
 *    is the return value): the raw tracepoint's layout, and the member
 *    hook maps data->field the same way.  Taken for a specifier of up to
 *    TP_SYS_FENTRY_MAX syscalls (each is a trampoline to attach), for
 *    each syscall whose function BTF has with that prototype, when a
 *    trial load says the kernel allows it (tp_fentry_kernel(), once per
 *    script); otherwise the choice above, silently.  32-bit compat
 *    syscalls (__ia32_sys_*) are not attached: the perf tracepoints
 *    ignore them too (ARCH_TRACE_IGNORE_COMPAT_SYSCALLS), so the probe
 *    sees what it saw before.
 *  - SPRY_SYSCALLS=perf, =raw or =fentry (host.syscalls) forces one way
 *    for every specifier (raw: a single syscall's program attaches to the
 *    raw tracepoint directly; fentry: without the trial load, for every
 *    syscall BTF has a function for), for measuring them side by side
 *    (bench/run, bench/vm-syscalls).
 */
#include <assert.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/perf_event.h>

#include "arch.h"
#include "arena.h"
#include "bpf_insn.h"
#include "btf.h"
#include "glob.h"
#include "host.h"
#include "kbpf.h"
#include "provider.h"
#include "script.h"
#include "tracepoint.h"
#include "type.h"

/* ---- tracefs ---- */

/* Whole file into the arena, NUL-terminated.  tracefs files report size 0,
 * so read until EOF rather than trusting fstat. */
static int read_text(struct arena *a, const char *path, char **text)
{
	size_t len = 0, cap = 4096;
	char *buf;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while ((r = read(fd, buf + len, cap - len - 1)) > 0) {
		len += r;
		if (cap - len - 1 == 0) {
			char *nbuf = realloc(buf, cap * 2);

			if (!nbuf) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
			buf = nbuf;
			cap *= 2;
		}
	}
	if (r < 0) {
		int err = -errno;

		free(buf);
		close(fd);
		return err;
	}
	close(fd);
	*text = arena_strndup(a, buf, len);
	free(buf);
	return 0;
}

bool tp_is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

int tp_split(struct arena *a, const char *target, const char **sys,
	     const char **name)
{
	const char *sep = strchr(target, '/');

	if (!sep)
		sep = strchr(target, ':');
	if (!sep || sep == target || !sep[1] || strchr(sep + 1, '/') ||
	    strchr(sep + 1, ':'))
		return -EINVAL;
	*sys = arena_strndup(a, target, sep - target);
	*name = arena_strdup(a, sep + 1);
	return 0;
}

/* A pointer in a syscalls/ record holds a user address, and so does
 * whatever it points to (char **argv).  It keeps its size: 4 bytes on a
 * 32-bit kernel (type_from_c()), where an 8-byte load of a saved register
 * would take its neighbour too. */
static const struct type *user_ptr(struct arena *a, const struct type *t)
{
	struct type *u;

	if (!t || t->kind != T_PTR)
		return t;
	u = arena_alloc(a, sizeof(*u));
	*u = *type_ptr(a, user_ptr(a, t->base), AS_USER);
	u->size = u->align = t->size;
	return u;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Split a field declaration as format files write it into the declared
 * type and the name:
 *	"const char * filename"		-> "const char *", "filename"
 *	"char prev_comm[16]"		-> "char[16]", "prev_comm"
 *	"__data_loc char[] name"	-> "__data_loc char[]", "name"
 * 0, or -EINVAL if there is no name. */
static int split_decl(struct arena *a, char *decl, const char **type,
		      const char **name)
{
	char *end = decl + strlen(decl), *suffix = "", *n;

	if (end > decl && end[-1] == ']') {
		char *open = strrchr(decl, '[');

		if (!open)
			return -EINVAL;
		suffix = arena_strdup(a, open);
		*open = '\0';
		end = open;
	}
	while (end > decl && isspace((unsigned char)end[-1]))
		end--;
	n = end;
	while (n > decl && (isalnum((unsigned char)n[-1]) || n[-1] == '_'))
		n--;
	if (n == end)
		return -EINVAL;
	*name = arena_strndup(a, n, end - n);
	*n = '\0';
	decl = trim(decl);
	if (!*decl)
		return -EINVAL;
	*type = arena_printf(a, "%s%s", decl, suffix);
	return 0;
}

/* The number after "key:" in @line, or -1. */
static long field_num(const char *line, const char *key)
{
	const char *s = strstr(line, key);
	char *end;
	long v;

	if (!s)
		return -1;
	v = strtol(s + strlen(key), &end, 10);
	return end == s + strlen(key) ? -1 : v;
}

const struct type *tp_format_parse(struct arena *a, const char *name,
				   const char *text, bool user_ptrs,
				   bool skip_common, bool big_endian)
{
	struct type *st = type_struct_new(a, name);
	char *copy = arena_strdup(a, text), *line, *save = NULL;
	unsigned size = 0, nfields = 0;

	/* Each field line:
	 *	field:DECL;	offset:N;	size:N;	signed:N; */
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *tname, *fname;
		const struct type *t;
		char *decl, *semi;
		long off, fsize, sgn;

		line = trim(line);
		if (strncmp(line, "field:", 6))
			continue;
		decl = line + 6;
		semi = strchr(decl, ';');
		if (!semi)
			continue;
		*semi = '\0';
		off = field_num(semi + 1, "offset:");
		fsize = field_num(semi + 1, "size:");
		sgn = field_num(semi + 1, "signed:");
		if (off < 0 || fsize <= 0)
			continue;
		if (split_decl(a, trim(decl), &tname, &fname))
			continue;
		if (skip_common && !strncmp(fname, "common_", 7))
			continue;

		if (user_ptrs) {
			/* syscalls/ records widen every argument to an
			 * unsigned long slot ("int dfd; size:8; signed:0"):
			 * the declared C type says how to read it (dfd
			 * AT_FDCWD is -100, not 4294967196). */
			t = type_from_c(a, tname, 0, sgn == 1);
			if (t->size > (unsigned)fsize)
				t = type_from_c(a, tname, (unsigned)fsize,
						sgn == 1);
			t = user_ptr(a, t);
			/* a narrower value is the slot's low-order end:
			 * its last bytes on a big-endian kernel */
			if (big_endian && t->size < (unsigned)fsize)
				off += fsize - (int)t->size;
		} else {
			t = type_from_c(a, tname, (unsigned)fsize, sgn == 1);
		}
		type_struct_add(a, st, fname, t, (unsigned)off);
		nfields++;
		if ((unsigned)(off + fsize) > size)
			size = (unsigned)(off + fsize);
	}
	if (!nfields)
		return NULL;
	type_struct_finish(st, size);
	return st;
}

int tp_event_load(struct arena *a, const char *root, const char *sys,
		  const char *name, bool skip_common, bool big_endian,
		  struct tp_event *ev)
{
	const char *dir = arena_printf(a, "%s/events/%s/%s", root, sys, name);
	char *text;
	int err;

	/* sys and name come from the script: keep them inside events/ */
	if (strchr(sys, '/') || strchr(name, '/') || !strcmp(sys, "..") ||
	    !strcmp(name, "..") || *sys == '.' || *name == '.')
		return -ENOENT;

	memset(ev, 0, sizeof(*ev));
	ev->sys = sys;
	ev->name = name;
	err = read_text(a, arena_printf(a, "%s/id", dir), &text);
	if (err)
		return err;
	ev->id = atoi(text);
	err = read_text(a, arena_printf(a, "%s/format", dir), &text);
	if (err)
		return err;
	ev->fmt = tp_format_parse(a, name, text, !strcmp(sys, "syscalls"),
				  skip_common, big_endian);
	return ev->fmt ? 0 : -EINVAL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct strvec {
	const char **v;
	unsigned n, cap;
};

static void strvec_init(struct arena *a, struct strvec *sv)
{
	sv->cap = 256;
	sv->n = 0;
	sv->v = arena_alloc(a, sv->cap * sizeof(*sv->v));
}

static void strvec_push(struct arena *a, struct strvec *sv, const char *s)
{
	if (sv->n + 1 >= sv->cap) {
		unsigned cap = sv->cap * 2;

		sv->v = arena_grow(a, sv->v, sv->cap * sizeof(*sv->v),
				   cap * sizeof(*sv->v));
		sv->cap = cap;
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

/* Fallback for tracefs without available_events: events/<sys>/<event>/. */
static int list_dirs(struct arena *a, const char *root, struct strvec *sv)
{
	const char *top = arena_printf(a, "%s/events", root);
	struct dirent *se, *ee;
	DIR *sd, *ed;

	sd = opendir(top);
	if (!sd)
		return -errno;
	while ((se = readdir(sd))) {
		if (se->d_name[0] == '.' || se->d_type != DT_DIR)
			continue;
		ed = opendir(arena_printf(a, "%s/%s", top, se->d_name));
		if (!ed)
			continue;
		while ((ee = readdir(ed)))
			if (ee->d_name[0] != '.' && ee->d_type == DT_DIR)
				strvec_push(a, sv, arena_printf(a, "%s/%s",
					    se->d_name, ee->d_name));
		closedir(ed);
	}
	closedir(sd);
	return 0;
}

int tp_list(struct arena *a, const char *root, const char ***names)
{
	struct strvec sv;
	char *text, *line, *save = NULL;
	int err;

	strvec_init(a, &sv);
	/* One read of available_events ("sys:event" lines) instead of
	 * walking two thousand directories. */
	err = read_text(a, arena_printf(a, "%s/available_events", root),
			&text);
	if (!err) {
		for (line = strtok_r(text, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char *colon = strchr(line, ':');

			if (!colon)
				continue;
			*colon = '/';
			strvec_push(a, &sv, line);
		}
	} else {
		err = list_dirs(a, root, &sv);
		if (err)
			return err;
	}
	qsort(sv.v, sv.n, sizeof(*sv.v), cmp_str);
	*names = sv.v;
	return (int)sv.n;
}

int tp_glob(struct arena *a, const char *root, const char *pattern,
	    const char ***names)
{
	struct strvec sv;
	const char **all;
	int n;

	n = tp_list(a, root, &all);
	if (n < 0)
		return n;
	strvec_init(a, &sv);
	/* FNM_PATHNAME: a '*' stays within the subsystem or the event */
	for (int i = 0; i < n; i++)
		if (glob_match(pattern, all[i], true))
			strvec_push(a, &sv, all[i]);
	*names = sv.v;
	return (int)sv.n;
}

const char *tp_suggest(struct arena *a, const char *root, const char *name)
{
	const char **all;
	struct suggest sg;
	int n = tp_list(a, root, &all);

	suggest_init(&sg, name);
	for (int i = 0; i < n; i++)
		suggest_try(&sg, all[i]);
	return suggest_best(&sg);
}

/* ---- the provider ---- */

/* How syscalls/ probes attach; see the top of the file. */
enum tp_sys {
	TP_SYS_PERF,		/* the syscall's own perf tracepoint */
	TP_SYS_RAW,		/* raw sys_enter/sys_exit, directly */
	TP_SYS_DISPATCH,	/* raw, through a dispatcher */
};
#define TP_SYS_PERF_MAX	4	/* syscalls a specifier attaches by perf */
#define TP_SYS_FENTRY_MAX 32	/* ...and by fentry */
#define TP_SYS_NR_MAX	1024	/* program array size: above every table */

/* The dispatcher of one specifier's raw syscall probes: made by the first
 * of them to attach, which holds its fds (link, program, program array).
 * The one piece of a compiled probe a run writes: the probes of a
 * specifier share it, and a provider's run-time hooks see one probe at a
 * time. */
struct tp_dispatch {
	int map_fd;		/* BPF_MAP_TYPE_PROG_ARRAY, by syscall nr */
};

struct tp_priv {
	struct tp_event ev;
	struct pvar data;	/* `data`, `args` */
	bool raw;		/* on the raw sys_enter/sys_exit */
	bool fentry;		/* fentry/fexit on the syscall's function */
	bool exit;		/* sys_exit */
	const struct arch *arch;
	struct pvar filter;	/* where the raw program finds the nr */
	int64_t nr;		/* ...and which it must be */
	const char *attach_name;	/* the raw tracepoint: sys_enter/exit */
	struct tp_dispatch *dispatch;	/* raw through a dispatcher */
};

/* syscalls/sys_enter_NAME or sys_exit_NAME: the syscall NAME, or NULL. */
static const char *syscall_of(const char *sys, const char *name,
			      bool *is_exit)
{
	if (strcmp(sys, "syscalls"))
		return NULL;
	if (!strncmp(name, "sys_enter_", 10)) {
		*is_exit = false;
		return name + 10;
	}
	if (!strncmp(name, "sys_exit_", 9)) {
		*is_exit = true;
		return name + 9;
	}
	return NULL;
}

/* The attach of a specifier naming @nsys syscall events. */
static enum tp_sys tp_sys_choice(const struct script *s, unsigned nsys)
{
	const struct arch *arch = s->arch ? s->arch : arch_host();

	switch (host_or_default(s->host)->syscalls) {
	case HOST_SYSCALLS_PERF:
		return TP_SYS_PERF;
	case HOST_SYSCALLS_RAW:
		return nsys > 1 ? TP_SYS_DISPATCH : TP_SYS_RAW;
	case HOST_SYSCALLS_FENTRY:	/* for what fentry cannot take */
	case HOST_SYSCALLS_AUTO:
		break;
	}
	/* Where syscall numbers do not start at 0 (mips n64: 5000) the
	 * kernel's perf syscall tracepoints look the number up in a table
	 * indexed from 0, and on 6.1 never fire: raw it is (sys_exit_NAME
	 * still falls back to perf there, see tp_setup) */
	if (arch && arch->sysnr_base)
		return nsys > 1 ? TP_SYS_DISPATCH : TP_SYS_RAW;
	return nsys > TP_SYS_PERF_MAX ? TP_SYS_DISPATCH : TP_SYS_PERF;
}

/* When tracefs itself cannot be read (not mounted, or not ours to read),
 * say so rather than "tracepoint not found"; true if reported. */
static bool tp_tracefs_missing(struct script *s, struct probe *p,
			       struct diag *d)
{
	struct arena *a = s->arena;
	const char *top = provider_tracefs(s->host);
	int fd = open(arena_printf(a, "%s/events", top),
		      O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return false;
	}
	if (errno == EACCES || errno == EPERM)
		diag_error(d, &p->loc, "cannot read tracefs at %s: %s "
			   "(tracepoint formats are readable by root only, or "
			   "with CAP_DAC_READ_SEARCH; SPRY_TRACEFS may point "
			   "at a readable copy)", top, strerror(errno));
	else if (errno == ENOENT || errno == ENOTDIR)
		diag_error(d, &p->loc, "tracefs is not mounted at %s (%s); "
			   "mount it with 'mount -t tracefs nodev "
			   "/sys/kernel/tracing'", top, strerror(errno));
	else
		diag_error(d, &p->loc, "cannot read tracefs at %s: %s%s", top,
			   strerror(errno), errno == EMFILE || errno == ENFILE ?
			   " (raise the open-file limit: ulimit -n)" : "");
	return true;
}

/* A format file names a record a field points to without its members
 * (sys_enter_nanosleep's "struct __kernel_timespec * rqtp"): the kernel's
 * BTF has them.  The record is filled from BTF on first use only, so a
 * script that never looks inside one never reads BTF; without BTF (or
 * without that name in it) it stays a record with no known fields. */
struct tp_record_src {
	struct type_src src;	/* first: fill() gets this */
	struct btf *btf;
};

static void tp_record_fill(const struct type_src *src, struct type *t)
{
	const struct tp_record_src *rs = (const struct tp_record_src *)src;
	const struct type *k;

	k = btf_type(rs->btf, BTF_NS_STRUCT, t->name);
	if (!k)
		k = btf_type(rs->btf, BTF_NS_UNION, t->name);
	if (!k || k->kind != T_STRUCT || k->incomplete)
		return;
	/* BTF's records are finished and never change again: share them */
	t->members = (struct member *)type_members(k);
	t->size = k->size;
	t->align = k->align;
	t->is_union = k->is_union;
}

static void tp_btf_records(struct script *s, const struct type *fmt)
{
	struct tp_record_src *rs = NULL;
	const struct member *m;

	if (!s->btf)
		return;
	for (m = type_members(fmt); m; m = m->next) {
		const struct type *t = m->type;
		struct type *rec;

		while (t->kind == T_PTR)
			t = t->base;
		/* type_from_c() made it for this field alone: ours to fill */
		if (t->kind != T_STRUCT || !t->name || !*t->name ||
		    t->members || t->src || m->type->kind != T_PTR)
			continue;
		if (!rs) {
			rs = arena_alloc(s->arena, sizeof(*rs));
			rs->src.fill = tp_record_fill;
			rs->btf = s->btf;
		}
		rec = (struct type *)t;
		rec->src = &rs->src;
	}
}

/* Whether this kernel runs fentry programs, asked once per script:
 * never in a dry run (which must not depend on the kernel) or for another
 * architecture's kernel; forced by SPRY_SYSCALLS=fentry.  The first trial
 * names no function: a kernel that refuses tracing programs outright
 * (this project's host: EPERM) says so at once, before anything reads
 * BTF; one that gets as far as wanting a function says EINVAL.  The
 * second, in tp_fentry_func(), checks that the kernel can attach them and
 * loads an empty program on a real function. */
static const char tp_fentry_yes[] = "yes", tp_fentry_no[] = "no",
	tp_fentry_maybe[] = "maybe";
#define TP_FENTRY_MEMO	"tracepoint:#fentry"

/* Load an empty fentry (@is_exit: fexit) program on BTF function @id:
 * 0, or the kernel's -errno. */
static int tp_fentry_try(uint32_t id, bool is_exit)
{
	static const struct bpf_insn ret0[] = {
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	struct kbpf_attach at = {
		.type = is_exit ? BPF_TRACE_FEXIT : BPF_TRACE_FENTRY,
		.btf_id = id,
	};
	int fd = kbpf_prog_load_at(BPF_PROG_TYPE_TRACING, "spry_fentry", ret0,
				   2, &at, NULL, 0);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static const char *tp_fentry_state(struct script *s, const struct arch *arch)
{
	const char *state = names_get(&s->memo, TP_FENTRY_MEMO);

	if (state)
		return state;
	switch (host_or_default(s->host)->syscalls) {
	case HOST_SYSCALLS_FENTRY:
		state = arch->sys_func_prefix ? tp_fentry_yes : tp_fentry_no;
		break;
	case HOST_SYSCALLS_AUTO:
		if (!s->opts.prepare || arch != arch_host() ||
		    !arch->sys_func_prefix) {
			state = tp_fentry_no;
			break;
		}
		state = tp_fentry_try(0, false) == -EINVAL ? tp_fentry_maybe :
			tp_fentry_no;
		break;
	case HOST_SYSCALLS_PERF:
	case HOST_SYSCALLS_RAW:
		state = tp_fentry_no;
		break;
	}
	names_put(s->arena, &s->memo, TP_FENTRY_MEMO, (void *)state);
	return state;
}

/* The BTF id of syscall @sc's function, if fentry can stand in for its
 * tracepoint: in vmlinux's BTF (the modules have no syscalls), taking a
 * struct pt_regs pointer and (for fexit) returning a long.  0 if not. */
static uint32_t tp_fentry_func(struct script *s, const struct arch *arch,
			       const char *sc, bool is_exit)
{
	const char *state = tp_fentry_state(s, arch), *name, *obj;
	const struct type *f, *pt;
	uint32_t id, fid;
	bool ok;

	if (state == tp_fentry_no || !s->btf)
		return 0;
	name = arena_printf(s->arena, "%s%s", arch->sys_func_prefix, sc);
	if (btf_func_id(s->btf, "vmlinux", name, &id, &obj))
		return 0;
	f = btf_func(s->btf, "vmlinux", name);
	if (!f || f->kind != T_FUNC || !f->members || f->members->next ||
	    f->variadic)
		return 0;
	pt = f->members->type;
	if (pt->kind != T_PTR || !pt->base || pt->base->kind != T_STRUCT ||
	    !pt->base->name || strcmp(pt->base->name, "pt_regs"))
		return 0;
	if (is_exit && (!f->base || f->base->kind != T_INT ||
			f->base->size != arch->word_size))
		return 0;
	if (state == tp_fentry_maybe) {
		/* The kernel knows the function and takes a program there;
		 * whether it can attach one is another matter (arm64 6.1
		 * loads it, then says ENOTSUPP: its trampolines need ftrace's
		 * direct calls, which came in 6.5), and trying costs a
		 * trampoline and RCU tasks grace periods (100+ ms under
		 * TCG).  Direct calls are what the trampolines ride on where
		 * ftrace manages the call site: register_ftrace_direct() is
		 * in the kernel exactly when it has them. */
		ok = !btf_func_id(s->btf, "vmlinux", "register_ftrace_direct",
				  &fid, &obj) && !tp_fentry_try(id, is_exit);
		names_put(s->arena, &s->memo, TP_FENTRY_MEMO,
			  (void *)(ok ? tp_fentry_yes : tp_fentry_no));
		if (!ok)
			return 0;
	}
	return id;
}

/* Make @p the probe of event "sys/name", a syscall event attached as
 * @how says (@disp: the specifier's dispatcher), or by fentry when
 * @fentry and the kernel allows it. */
static int tp_setup(struct script *s, struct probe *p, const char *sys,
		    const char *name, enum tp_sys how, bool fentry,
		    struct tp_dispatch *disp, struct diag *d)
{
	const struct arch *arch = s->arch ? s->arch : arch_host();
	struct tp_priv *tp = arena_alloc(s->arena, sizeof(*tp));
	const struct tp_event *known;
	const char *sc, *key;
	bool is_exit = false;
	uint32_t fn = 0;
	int nr = -1, err;

	sc = syscall_of(sys, name, &is_exit);
	if (sc && arch && fentry)
		fn = tp_fentry_func(s, arch, sc, is_exit);
	/* at sys_exit the number must still be in pt_regs (not on mips) */
	if (sc && arch && !fn && how != TP_SYS_PERF &&
	    (!is_exit || arch->sysnr_off >= 0))
		nr = arch_syscall_nr(arch, sc);
	tp->raw = nr >= 0;
	tp->fentry = fn != 0;
	if (tp->raw && how == TP_SYS_DISPATCH)
		tp->dispatch = disp;
	tp->exit = is_exit;
	tp->arch = arch;

	/* No common_* fields: the verifier refuses loads from the first 8
	 * bytes of a tracepoint context (tp_prog_is_valid_access), and a raw
	 * context has no record at all.  Leaving them out of the type lets
	 * sema report them as unknown fields. */
	/* one read of the format per event, however many probes name it */
	key = arena_printf(s->arena, "tracepoint:%s/%s", sys, name);
	known = names_get(&s->memo, key);
	if (known) {
		tp->ev = *known;
		err = 0;
	} else {
		err = tp_event_load(s->arena, provider_tracefs(s->host), sys,
				    name, true, arch && arch->big_endian,
				    &tp->ev);
		if (!err)
			names_put(s->arena, &s->memo, key,
				  arena_grow(s->arena, &tp->ev, sizeof(tp->ev),
					     sizeof(tp->ev)));
	}
	if (err && tp_tracefs_missing(s, p, d))
		return err;
	if (err == -ENOENT) {
		const char *full = arena_printf(s->arena, "%s/%s", sys, name);
		const char *hint = tp_suggest(s->arena,
					      provider_tracefs(s->host), full);

		provider_missing(p, d, "tracepoint '%s' not found", full);
		if (hint)
			diag_note(d, NULL, "did you mean '%s'?", hint);
		return err;
	}
	if (err) {
		diag_error(d, &p->loc, "cannot read tracepoint '%s/%s' in %s: "
			   "%s", sys, name, provider_tracefs(s->host),
			   strerror(-err));
		return err;
	}

	tp_btf_records(s, tp->ev.fmt);
	tp->data.kind = PV_CTX;
	tp->data.type = type_ptr(s->arena, tp->ev.fmt, AS_CTX);
	p->target = key + strlen("tracepoint:");
	p->priv = tp;
	if (tp->fentry) {
		/* the number where the entry code saved it (orig_ax) */
		p->prog_type = BPF_PROG_TYPE_TRACING;
		p->attach_type = is_exit ? BPF_TRACE_FEXIT : BPF_TRACE_FENTRY;
		p->attach_btf_id = fn;
		tp->filter.kind = PV_REG;
		tp->filter.indirect = true;
		tp->filter.typed_regs = true;
		tp->filter.off = arch->sysnr_off;
		tp->filter.type = type_int(arch->sysnr_size, true);
		return 0;
	}
	if (!tp->raw) {
		p->prog_type = BPF_PROG_TYPE_TRACEPOINT;
		return 0;
	}

	p->prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	tp->attach_name = is_exit ? "sys_exit" : "sys_enter";
	if (is_exit) {
		/* ax holds the result by now; the number is where the entry
		 * code saved it (x86_64 orig_ax, aarch64 syscallno). */
		tp->filter.kind = PV_REG;
		tp->filter.indirect = true;
		tp->filter.off = arch->sysnr_off;
		tp->filter.type = type_int(arch->sysnr_size, true);
	} else {
		tp->filter.kind = PV_CTX_LOAD;	/* args[1] */
		tp->filter.off = 8;
		tp->filter.type = &type_s64;
	}
	tp->nr = nr;
	return 0;
}

static int tp_expand(struct script *s, struct probe *p, struct diag *d)
{
	const char *sys, *name, **names;
	struct probe *q, *last = p;
	const struct arch *arch = s->arch ? s->arch : arch_host();
	struct tp_dispatch *disp[2];
	unsigned nsys = 0;
	bool fentry = false;
	enum tp_sys how;
	int n, err;

	if (tp_split(s->arena, p->target, &sys, &name)) {
		diag_error(d, &p->loc, "invalid tracepoint '%s': expected "
			   "subsystem/event, as in syscalls/sys_enter_openat",
			   p->target);
		return -EINVAL;
	}
	if (!tp_is_glob(sys) && !tp_is_glob(name)) {
		bool is_exit;

		return tp_setup(s, p, sys, name,
				tp_sys_choice(s, !!syscall_of(sys, name,
							      &is_exit)),
				true, NULL, d);
	}

	n = tp_glob(s->arena, provider_tracefs(s->host),
		    arena_printf(s->arena, "%s/%s", sys, name), &names);
	if (n < 0 && tp_tracefs_missing(s, p, d))
		return n;
	if (n < 0) {
		diag_error(d, &p->loc, "cannot list tracepoints in %s: %s",
			   provider_tracefs(s->host), strerror(-n));
		return n;
	}
	if (!n) {
		return provider_missing(p, d, "no tracepoint matches '%s/%s'",
					sys, name);
	}
	/* the syscalls, and of those the ones fentry cannot take: the
	 * others' attach is chosen by how many they are */
	for (int pass = 0; pass < 2; pass++) {
		unsigned count = 0;

		for (int i = 0; i < n; i++) {
			const char *msys, *mname, *sc;
			bool is_exit;

			err = tp_split(s->arena, names[i], &msys, &mname);
			assert(!err && "tp_list() names are sys/event");
			sc = syscall_of(msys, mname, &is_exit);
			count += sc && (!pass || !tp_fentry_func(s, arch, sc,
								 is_exit));
		}
		if (!pass)
			fentry = count <= TP_SYS_FENTRY_MAX && arch;
		nsys = count;
		if (!fentry)
			break;
	}
	how = tp_sys_choice(s, nsys);
	/* one dispatcher per raw tracepoint the specifier reaches */
	disp[0] = arena_alloc(s->arena, sizeof(*disp[0]));
	disp[1] = arena_alloc(s->arena, sizeof(*disp[1]));
	disp[0]->map_fd = disp[1]->map_fd = -1;
	for (int i = 0; i < n; i++) {
		const char *msys, *mname;
		bool is_exit = false;

		err = tp_split(s->arena, names[i], &msys, &mname);
		assert(!err && "tp_list() names are sys/event");
		syscall_of(msys, mname, &is_exit);
		q = i ? provider_probe_dup(s, p, last, names[i]) : p;
		last = q;
		err = tp_setup(s, q, msys, mname, how, fentry, disp[is_exit],
			       d);
		if (err)
			return err;
	}
	return 0;
}

/* bpftrace spells a tracepoint with colons: tracepoint:sched:sched_switch */
static const char *tp_probe_name(struct arena *a, const struct probe *p)
{
	const char *sys, *name;

	if (tp_split(a, p->target, &sys, &name))
		return arena_printf(a, "%s:%s", p->prov->name, p->target);
	return arena_printf(a, "%s:%s:%s", p->prov->name, sys, name);
}

static int tp_resolve(struct probe *p, const char *name, struct pvar *pv)
{
	struct tp_priv *tp = p->priv;

	if (!tp || (strcmp(name, "data") && strcmp(name, "args")))
		return -ENOENT;
	*pv = tp->data;
	return 0;
}

/* Syscall probes on the raw tracepoint or by fentry: data->field from the
 * registers.  The fields after __syscall_nr are the syscall's arguments
 * in order. */
static int tp_member(struct probe *p, const struct pvar *base,
		     const char *name, struct pvar *pv)
{
	struct tp_priv *tp = p->priv;
	const struct member *m;
	unsigned argi = 0;
	bool args = false;

	if (!tp || !(tp->raw || tp->fentry) || base->kind != PV_CTX)
		return -ENOENT;
	memset(pv, 0, sizeof(*pv));
	for (m = tp->ev.fmt->members; m; m = m->next) {
		if (!strcmp(m->name, name))
			break;
		if (args)
			argi++;
		if (!strcmp(m->name, "__syscall_nr"))
			args = true;
	}
	if (!m)
		return -ENOENT;
	pv->type = m->type;
	if (!strcmp(name, "__syscall_nr")) {
		*pv = tp->filter;
		pv->type = m->type;
		return 0;
	}
	if (tp->exit) {
		/* sys_exit's only field: the value in args[1] (fexit: the
		 * slot after the one argument) */
		pv->kind = PV_CTX_LOAD;
		pv->off = 8;
		return 0;
	}
	if (!args || argi >= tp->arch->nsysargs)
		return -ENOENT;
	pv->kind = PV_REG;
	pv->indirect = true;
	pv->typed_regs = tp->fentry;
	pv->off = tp->arch->sysarg_off[argi];
	/* a field narrower than the register is its low-order end */
	if (tp->arch->big_endian && m->type->size < tp->arch->word_size)
		pv->off += (int)(tp->arch->word_size - m->type->size);
	return 0;
}

/* Before expansion, when allowed: tracefs where the kernel provides for
 * it, if it is mounted nowhere. */
static int tp_prepare(const struct host *h, struct diag *d)
{
	int err = provider_mount_tracefs(h);

	return err < 0 ? err : 0;
}

/* Raw syscall tracepoints fire for every syscall: the program begins with
 * `if (nr != NR) return 0`, nr read where tp_setup() found it. */
static int tp_filter(const struct probe *p, struct pvar *pv, int64_t *value)
{
	const struct tp_priv *tp = p->priv;

	if (!tp || !tp->raw)
		return -ENOENT;
	*pv = tp->filter;
	*value = tp->nr;
	return 0;
}

/* The dispatcher: tail-call the program at the syscall's number in the
 * program array, or return.  On sys_exit the number is not an argument:
 * read it where the entry code saved it (as the probes' own filter does). */
static int tp_dispatch_load(const struct tp_priv *tp, int map_fd)
{
	const struct arch *a = tp->arch;
	struct bpf_insn enter[] = {
		BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_1, 8),
		BPF_LD_MAP_FD(BPF_REG_2, map_fd),
		BPF_EMIT_CALL(BPF_FUNC_tail_call),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	struct bpf_insn exit[] = {
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, -1),
		BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_1, 0),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, a->sysnr_off),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
		BPF_MOV64_IMM(BPF_REG_2, (int)a->sysnr_size),
		BPF_EMIT_CALL(BPF_FUNC_probe_read_kernel),
		BPF_LDX_MEM(a->sysnr_size == 8 ? BPF_DW : BPF_W, BPF_REG_3,
			    BPF_REG_10, -8),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_6),
		BPF_LD_MAP_FD(BPF_REG_2, map_fd),
		BPF_EMIT_CALL(BPF_FUNC_tail_call),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	if (tp->exit)
		return kbpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT,
				      "sys_exit_disp", exit,
				      sizeof(exit) / sizeof(exit[0]), 0, NULL, 0);
	return kbpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "sys_enter_disp",
			      enter, sizeof(enter) / sizeof(enter[0]), 0, NULL,
			      0);
}

/* Make @rp's dispatcher: its program array, its program and its link, all
 * held by @rp.  0 or -errno, not reported. */
static int tp_dispatch_make(struct rt_probe *rp, struct tp_dispatch *disp)
{
	const struct tp_priv *tp = rp->p->priv;
	int fd, err;

	fd = kbpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, "spry_disp", 4, 4,
			     TP_SYS_NR_MAX, 0);
	if (fd < 0)
		return fd;
	err = provider_hold(rp, fd, false);
	if (err)
		return err;
	disp->map_fd = fd;
	fd = tp_dispatch_load(tp, fd);
	if (fd < 0)
		return fd;
	err = provider_hold(rp, fd, false);
	if (err)
		return err;
	return provider_raw_tp_attach_fd(rp, fd, tp->attach_name, NULL);
}

/* The first probe of a dispatcher to attach makes it; every probe then
 * takes its syscall's slot.  The slots are distinct: a specifier names
 * each event once, and each specifier has dispatchers of its own. */
static int tp_dispatch_attach(struct rt_probe *rp, struct diag *d)
{
	const struct probe *p = rp->p;
	const struct tp_priv *tp = p->priv;
	uint32_t key = (uint32_t)tp->nr;
	int err = 0;

	if (tp->dispatch->map_fd < 0)
		err = tp_dispatch_make(rp, tp->dispatch);
	/* a program array takes BPF_ANY only */
	if (!err)
		err = kbpf_map_update(tp->dispatch->map_fd, &key, &rp->prog_fd,
				      BPF_ANY);
	if (err)
		diag_error(d, &p->loc, "cannot attach to %s:%s: %s",
			   p->prov->name, p->target, strerror(-err));
	return err;
}

static int tp_attach(struct rt_probe *rp, struct diag *d)
{
	struct tp_priv *tp = rp->p->priv;
	struct perf_event_attr attr;
	/* A tracepoint event with a BPF program runs it on every CPU: the
	 * program hangs off the event's trace_event_call, not the per-CPU
	 * perf event, so one event (pid -1, cpu 0) covers the system. */
	static const int cpu0[] = { 0 };

	if (tp->dispatch)
		return tp_dispatch_attach(rp, d);
	if (tp->raw)
		return provider_raw_tp_attach(rp, tp->attach_name, d);
	if (tp->fentry)
		return provider_raw_tp_attach(rp, NULL, d);
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = (unsigned)tp->ev.id;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	return provider_perf_attach(rp, &attr, cpu0, 1, d);
}

/* -T: tracefs (mounted if it is not, as the compiler would) and the
 * syscall tracepoints; spry is of little use without tracefs. */
static int tp_self_test(FILE *out)
{
	const char *tracefs = "/sys/kernel/tracing";
	char path[256];
	int err;

	/* checked, never mounted: -T leaves the system as it found it */
	snprintf(path, sizeof(path), "%s/events", tracefs);
	err = access(path, F_OK) ? -errno : 0;
	if (err && !access("/sys/kernel/debug/tracing/events", F_OK)) {
		tracefs = "/sys/kernel/debug/tracing";
		err = 0;
	}
	if (err == -ENOENT && !geteuid()) {
		/* provider_mount_tracefs() does it, where tracing needs it */
		fprintf(out, "  %-32s not mounted: spry mounts its own when it "
			"traces\n", "tracefs");
		err = 0;
	} else {
		provider_check(out, "tracefs", err, err == -ENOENT ?
			       "mount -t tracefs nodev /sys/kernel/tracing" :
			       "tracefs is readable by root only: run as root");
	}
	snprintf(path, sizeof(path), "%s/events/syscalls", tracefs);
	provider_check(out, "syscall tracepoints",
		       access(path, F_OK) ? -errno : 0, NULL);
	return err;
}

/* -lv: the fields of events/@sys/@name/format as declared there ("char
 * prev_comm[16]"), without the common_ ones, NULL-terminated. */
static const char *const *tp_fields(struct arena *a, const char *root,
				    const char *sys, const char *name)
{
	const char **v;
	char *text, *line, *save = NULL;
	unsigned n = 0, cap = 16;

	if (read_text(a, arena_printf(a, "%s/events/%s/%s/format", root, sys,
				      name), &text))
		return NULL;
	v = arena_alloc(a, cap * sizeof(*v));
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *decl = strstr(line, "field:"), *semi, *fname;

		if (!decl || !(semi = strchr(decl, ';')))
			continue;
		decl = trim(arena_strndup(a, decl + 6, (size_t)(semi - decl - 6)));
		fname = strrchr(decl, ' ');
		if (fname && !strncmp(fname + 1, "common_", 7))
			continue;
		if (n + 1 == cap) {
			v = arena_grow(a, v, cap * sizeof(*v),
				       2 * cap * sizeof(*v));
			cap *= 2;
		}
		v[n++] = decl;
	}
	v[n] = NULL;
	return v;
}

/* "tracepoint:sys:event", as bpftrace lists them; the pattern may use
 * spry's "sys/event" as well. */
static int tp_list_hook(const struct provider *pv, struct provider_list *l)
{
	const char *root = provider_tracefs(l->host);
	const char **names;
	int n = tp_list(l->a, root, &names);

	if (n < 0) {
		if (l->all)
			return 0;
		diag_error(l->d, NULL, "cannot list tracepoints in %s: %s",
			   root, strerror(-n));
		return n;
	}
	for (int i = 0; i < n; i++) {
		const char *sys, *name, *point;

		if (tp_split(l->a, names[i], &sys, &name))
			continue;
		point = arena_printf(l->a, "%s:%s", sys, name);
		if (!provider_list_match(l, point) &&
		    !provider_list_match(l, names[i]))
			continue;
		provider_list_emit(pv, l, point, l->verbose ?
				   tp_fields(l->a, root, sys, name) : NULL);
	}
	return 0;
}

static const char *const tp_aliases[] = { "t", NULL };

const struct provider tracepoint_provider = {
	.name = "tracepoint",
	.aliases = tp_aliases,
	.takes_target = true,
	.help = "tracepoint:sys/event (t:, sys:event too; globs allowed): "
		"a kernel tracepoint; its record is `data` (or `args`)",
	.example = "syscalls/sys_enter_openat",
	.when = PROV_ON_EVENT,
	.pid_filter = PROV_PID_BPF,	/* they fire for every process */
	.prepare = tp_prepare,
	.expand = tp_expand,
	.resolve = tp_resolve,
	.probe_name = tp_probe_name,
	.member = tp_member,
	.filter = tp_filter,
	.attach = tp_attach,
	.detach = provider_detach,
	.stop = provider_stop,
	.list = tp_list_hook,
	.self_test = tp_self_test,
};
