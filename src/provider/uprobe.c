/* uprobe.c - uprobe: and uretprobe: on functions of user-space programs.
 *
 * Input: "PATH:FUNC", "PATH:FUNC+OFF" (uprobe only), "PATH:0xADDR" (an
 * address as the ELF file gives it) or "PATH:GLOB", as uprobe:/u: and
 * uretprobe:/ur: targets.  PATH is a file, a library's short name ("libc",
 * found as the dynamic linker finds it) or a program on $PATH (usym.h).
 * Output: ONE probe of BPF_PROG_TYPE_KPROBE per specifier, its functions in
 * p->targets and their file offsets in the provider data, attached to every
 * one of them; the context is the user registers (struct pt_regs).
 *
 * Attaching never writes to tracefs: each function is one perf event on the
 * uprobe PMU (config1 = the path, config2 = the file offset, the retprobe
 * bit from its format directory) and its BPF link, owned by file
 * descriptors, so nothing outlives spry.  Without -p the event is opened for
 * every process (pid -1; the program runs on every CPU whichever CPU the
 * event was opened on, so CPU 0 is enough).  With -p PID the event is opened
 * for that process: the kernel then plants the breakpoint in that process's
 * memory only (its filter compares mm's, so every thread of the process
 * counts; processes it forks later do not).  With -c the probes are
 * child_only: the program itself returns early outside the command's pid
 * namespace (see up_target_pid() for why not the pid).
 *
 * Variables: arg0..argN (user calling convention; typed as user addresses, so
 * str(arg0) reads user memory), retval (uretprobe), caller (uprobe: the
 * probed function's name, carried as the link's BPF cookie), regs, ustack
 * (frame-pointer walk by the kernel: programs built without frame pointers
 * give short stacks), stack/kstack.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/perf_event.h>

#include "arch.h"
#include "arena.h"
#include "glob.h"
#include "host.h"
#include "provider.h"
#include "script.h"
#include "type.h"
#include "usym.h"

struct up_priv {
	bool ret;			/* uretprobe */
	const struct arch *arch;
	struct pvar regs;
	const struct type *arg_type;	/* a register, in user space */
	const char *path;		/* resolved file */
	uint64_t *offs;			/* file offset per p->targets[i] */
	uint64_t *tokens;		/* `caller` per target: usym_token() */
};

/* ---- compile time ---- */

static bool is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* What `caller` prints for a probe at @add bytes into @sym: its name
 * without a version, "+0x10" when not at the entry. */
static void sym_label(char *buf, size_t n, const struct usym *sym,
		      uint64_t add)
{
	if (add)
		snprintf(buf, n, "%.*s+%#llx", (int)sym->base_len, sym->name,
			 (unsigned long long)add);
	else
		snprintf(buf, n, "%.*s", (int)sym->base_len, sym->name);
}

/* Add target @name at file offset @off; @label is what `caller` prints
 * for it. */
static void up_push(struct script *s, struct probe *p, struct up_priv *up,
		    unsigned *cap, const char *name, uint64_t off,
		    const char *label)
{
	if (p->ntargets == *cap) {
		unsigned ncap = *cap ? 2 * *cap : 8;

		p->targets = arena_grow(s->arena, p->targets,
					*cap * sizeof(*p->targets),
					ncap * sizeof(*p->targets));
		up->offs = arena_grow(s->arena, up->offs,
				      *cap * sizeof(*up->offs),
				      ncap * sizeof(*up->offs));
		up->tokens = arena_grow(s->arena, up->tokens,
					*cap * sizeof(*up->tokens),
					ncap * sizeof(*up->tokens));
		*cap = ncap;
	}
	p->targets[p->ntargets] = arena_strdup(s->arena, name);
	up->tokens[p->ntargets] = usym_token(label);
	up->offs[p->ntargets++] = off;
}

/* A shared library without .symtab is the norm (its exports are in
 * .dynsym); a program without one has been stripped, which is worth saying
 * when a name is not found. */
static void stripped_note(const struct usym_obj *o, struct diag *d)
{
	const char *base = strrchr(o->path, '/');

	if (!o->has_symtab && !strstr(base ? base : o->path, ".so"))
		diag_note(d, NULL, "%s is stripped (no .symtab): only its %u "
			  "exported functions can be named; use 0xADDRESS "
			  "for others", o->path, o->n);
}

/* glibc 2.34 moved libpthread, libdl, librt, libutil and libanl into
 * libc, leaving stubs that only carry symbol versions: older scripts
 * (bpftrace's threadsnoop.bt: uprobe:libpthread:pthread_create) name the
 * stub. */
static void merged_note(const struct usym_obj *o, const char *name,
			struct diag *d)
{
	static const char *const merged[] = {
		"libpthread.so", "libdl.so", "librt.so", "libutil.so",
		"libanl.so",
	};
	const char *base = strrchr(o->path, '/');
	size_t i;

	base = base ? base + 1 : o->path;
	for (i = 0; i < sizeof(merged) / sizeof(merged[0]); i++)
		if (!strncmp(base, merged[i], strlen(merged[i]))) {
			diag_note(d, NULL, "glibc 2.34 moved %s's functions "
				  "into libc: uprobe:libc:%s", base, name);
			return;
		}
}

static int up_expand_glob(struct script *s, struct probe *p,
			  struct up_priv *up, const struct usym_obj *o,
			  const char *glob, struct diag *d)
{
	unsigned cap = 0;
	char base[256];

	for (unsigned i = 0; i < o->n; i++) {
		const struct usym *sym = &o->syms[i];
		uint64_t off;
		bool dup = false;

		snprintf(base, sizeof(base), "%.*s", (int)sym->base_len,
			 sym->name);
		if (!glob_match(glob, base, false) &&
		    !glob_match(glob, sym->name, false))
			continue;
		if (usym_vaddr_to_offset(o, sym->addr + sym->entry, &off))
			continue;
		/* aliases (malloc, __libc_malloc) share one probe: syms are
		 * sorted by address, so they are neighbours */
		for (unsigned k = p->ntargets; k-- > 0 && !dup; )
			dup = up->offs[k] == off;
		if (dup)
			continue;
		up_push(s, p, up, &cap, base, off, base);
	}
	if (!p->ntargets) {
		provider_missing(p, d, "no function in %s matches '%s'",
				 o->path, glob);
		stripped_note(o, d);
		return -ENOENT;
	}
	return 0;
}

static int up_expand_addr(struct script *s, struct probe *p,
			  struct up_priv *up, const struct usym_obj *o,
			  const char *text, struct diag *d)
{
	const struct usym *sym;
	unsigned cap = 0;
	uint64_t vaddr, off, add;
	char label[256], *end;

	errno = 0;
	vaddr = strtoull(text, &end, 16);
	if (*end || errno || !vaddr) {
		diag_error(d, &p->loc, "invalid address '%s'", text);
		return -EINVAL;
	}
	if (usym_vaddr_to_offset(o, vaddr, &off)) {
		diag_error(d, &p->loc, "address %s is not in any loaded "
			   "segment of %s", text, o->path);
		return -ENOENT;
	}
	sym = usym_lookup(o, vaddr, &add);
	if (sym)
		sym_label(label, sizeof(label), sym, add);
	else
		snprintf(label, sizeof(label), "%s", text);
	up_push(s, p, up, &cap, text, off, label);
	return 0;
}

static int up_expand_func(struct script *s, struct probe *p,
			  struct up_priv *up, const struct usym_obj *o,
			  const char *text, struct diag *d)
{
	const char *plus = strchr(text, '+');
	const struct usym *sym;
	unsigned long long add = 0;
	unsigned cap = 0;
	uint64_t off;
	char label[256], *name, *end;

	if (plus) {
		if (up->ret) {
			diag_error(d, &p->loc, "uretprobe takes no offset: a "
				   "function returns from wherever it returns");
			return -EINVAL;
		}
		errno = 0;
		add = strtoull(plus + 1, &end, 0);
		if (!plus[1] || *end || errno) {
			diag_error(d, &p->loc, "invalid offset in '%s': "
				   "expected FUNC+OFFSET, as in main+0x10",
				   text);
			return -EINVAL;
		}
	}
	name = arena_strndup(s->arena, text,
			     plus ? (size_t)(plus - text) : strlen(text));
	sym = usym_find(o, name);
	if (!sym) {
		const char *hint = usym_suggest(o, name, label, sizeof(label));

		provider_missing(p, d, "no function '%s' in %s", name,
				 o->path);
		if (hint)
			diag_note(d, NULL, "did you mean '%s'?", hint);
		merged_note(o, name, d);
		stripped_note(o, d);
		return -ENOENT;
	}
	if (sym->size && add >= sym->size) {
		diag_error(d, &p->loc, "offset %#llx is past the end of %s "
			   "(%llu bytes)", add, name,
			   (unsigned long long)sym->size);
		return -EINVAL;
	}
	/* FUNC: where calls enter (ppc64's local entry point); FUNC+OFF
	 * counts from the symbol, as a disassembly does */
	if (usym_vaddr_to_offset(o, sym->addr + (plus ? add : sym->entry),
				 &off)) {
		diag_error(d, &p->loc, "%s in %s is not in any loaded segment",
			   name, o->path);
		return -ENOENT;
	}
	sym_label(label, sizeof(label), sym, add);
	up_push(s, p, up, &cap, name, off, label);
	return 0;
}

/* The ':' between PATH and FUNC; PATH may be quoted, as in
 * uprobe:"/opt/my app/bin":main (the lexer kept the quotes).  NULL when
 * there is none, or the quoted path is empty or not followed by ':'. */
static const char *up_split(const char *target)
{
	const char *end;

	if (*target != '"')
		return strchr(target, ':');
	end = strchr(target + 1, '"');
	if (!end || end == target + 1 || end[1] != ':')
		return NULL;
	return end + 1;
}

static int up_expand(struct script *s, struct probe *p, struct diag *d,
		     bool ret)
{
	const struct arch *arch = s->arch ? s->arch : arch_host();
	const struct usym_obj *o;
	const char *colon = up_split(p->target);
	struct up_priv *up;
	struct type *at;
	char path[PATH_MAX], *file;
	const char *what;
	int err;

	if (!arch) {
		diag_error(d, &p->loc, "%s needs a known architecture for its "
			   "registers (see --arch)", p->prov->name);
		return -EINVAL;
	}
	if (!colon || colon == p->target || !colon[1]) {
		diag_error(d, &p->loc, "invalid %s target '%s': expected "
			   "PATH:FUNCTION, PATH:FUNCTION+OFFSET, PATH:0xADDRESS "
			   "or PATH:GLOB, as in %s:libc:malloc", p->prov->name,
			   p->target, p->prov->name);
		return -EINVAL;
	}
	if (*p->target == '"')	/* "/a b/c":foo: the path between */
		file = arena_strndup(s->arena, p->target + 1,
				     (size_t)(colon - p->target) - 2);
	else
		file = arena_strndup(s->arena, p->target,
				     (size_t)(colon - p->target));
	what = colon + 1;

	up = arena_alloc(s->arena, sizeof(*up));
	up->ret = ret;
	up->arch = arch;
	provider_regs_init(s, arch, &up->regs);
	/* Arguments are user addresses as often as not: the space makes
	 * str()/mem() read them with bpf_probe_read_user. */
	at = arena_alloc(s->arena, sizeof(*at));
	*at = *arch_reg_type(arch, false);
	at->space = AS_USER;
	up->arg_type = at;
	p->priv = up;
	p->prog_type = BPF_PROG_TYPE_KPROBE;
	/* -c: like bpftrace, uprobes fire for the command only (a uprobe is
	 * planted in every process that maps the file, so without -c or -p
	 * they would see the whole system) */
	p->child_only = s->opts.command;

	err = provider_resolve_file(s, p, file, path, sizeof(path), d);
	if (err)
		return err;
	o = usym_obj_get(path);
	if (!o) {
		err = errno;
		diag_error(d, &p->loc, "cannot read the symbols of %s: %s",
			   path, err == ENOEXEC ? "not an ELF file" :
			   err == EBADMSG ? "a truncated or corrupt ELF file" :
			   strerror(err));
		return -err;
	}
	up->path = o->path;

	if (!strncmp(what, "0x", 2) || !strncmp(what, "0X", 2))
		return up_expand_addr(s, p, up, o, what, d);
	if (is_glob(what)) {
		if (strchr(what, '+')) {
			diag_error(d, &p->loc, "invalid %s glob '%s': no "
				   "offset with a glob", p->prov->name, what);
			return -EINVAL;
		}
		return up_expand_glob(s, p, up, o, what, d);
	}
	return up_expand_func(s, p, up, o, what, d);
}

static int uprobe_expand(struct script *s, struct probe *p, struct diag *d)
{
	return up_expand(s, p, d, false);
}

static int uretprobe_expand(struct script *s, struct probe *p,
			    struct diag *d)
{
	return up_expand(s, p, d, true);
}

static int up_resolve(struct probe *p, const char *name, struct pvar *pv)
{
	const struct up_priv *up = p->priv;
	const struct arch *arch;
	char *end;
	long i;

	if (!up)
		return -ENOENT;
	arch = up->arch;
	memset(pv, 0, sizeof(*pv));
	if (!up->ret && !strncmp(name, "arg", 3) &&
	    isdigit((unsigned char)name[3])) {
		/* at the return, argument registers are clobbered */
		i = strtol(name + 3, &end, 10);
		if (*end || i < 0 || (unsigned long)i >= arch->nargs ||
		    (name[3] == '0' && name[4]))
			return -ENOENT;
		pv->kind = PV_REG;
		pv->off = arch->arg_off[i];
		pv->type = up->arg_type;
		return 0;
	}
	if (up->ret && !strcmp(name, "retval")) {
		pv->kind = PV_REG;
		pv->off = arch->ret_off;
		pv->type = arch_reg_type(arch, true);
		return 0;
	}
	/* The probed function.  Its address (the pc) would need the process's
	 * maps to name, and the process is often gone by the time maps print;
	 * so each target's link carries the token of its name as the BPF
	 * cookie (usym_token()), which prints as that name.  At a uretprobe
	 * the pc is the return address, a different thing: not offered. */
	static const struct type type_usym = {
		.kind = T_INT, .size = 8, .align = 8, .fmt = F_USYM,
	};
	if (!up->ret && !strcmp(name, "caller")) {
		pv->kind = PV_COOKIE;
		pv->type = &type_usym;
		return 0;
	}
	/* bpftrace's func: the probed function at its return too, where
	 * the link carries the same cookie */
	if (!strcmp(name, "func")) {
		pv->kind = PV_COOKIE;
		pv->type = &type_usym;
		return 0;
	}
	return provider_regs_resolve(&up->regs, name, pv);
}

/* ---- run time ---- */

#define UP_PMU_DIR "/sys/bus/event_source/devices/uprobe"

/* The attach state is provider.c's.  Closing the links (the stop hook)
 * stops the program, about 40 ms each on 6.18 (a grace period per link);
 * closing the events, slower still (each unregisters a uprobe from every
 * process that maps the file), is left to detach.  One uprobe_multi link
 * for all of a probe's functions costs one grace period in all. */

/* BPF_TRACE_UPROBE_MULTI and its link_create attributes (6.6), which the
 * uapi headers spry may be built against predate. */
#define UP_TRACE_UPROBE_MULTI	48
#define UP_F_UPROBE_MULTI_RETURN 1U

struct up_multi_attr {			/* union bpf_attr's link_create */
	uint32_t prog_fd, target_fd, attach_type, flags;
	uint64_t path, offsets, ref_ctr_offsets, cookies;
	uint32_t cnt, umflags, pid;
};

static int up_multi_link(int prog, const struct provider_uprobes *u,
			 unsigned lo, unsigned n)
{
	union {
		struct up_multi_attr a;
		char pad[128];		/* as large as any bpf_attr we know */
	} attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.a.prog_fd = (uint32_t)prog;
	attr.a.attach_type = UP_TRACE_UPROBE_MULTI;
	attr.a.path = (uint64_t)(uintptr_t)u->path;
	attr.a.offsets = (uint64_t)(uintptr_t)(u->offs + lo);
	if (u->ref_ctrs)
		attr.a.ref_ctr_offsets = (uint64_t)(uintptr_t)(u->ref_ctrs + lo);
	if (u->cookies)
		attr.a.cookies = (uint64_t)(uintptr_t)(u->cookies + lo);
	attr.a.cnt = n;
	attr.a.umflags = u->ret ? UP_F_UPROBE_MULTI_RETURN : 0;
	attr.a.pid = u->pid > 0 ? (uint32_t)u->pid : 0;
	fd = (int)syscall(SYS_bpf, BPF_LINK_CREATE, &attr,
			  sizeof(struct up_multi_attr));
	return fd < 0 ? -errno : fd;
}

/* Whether uprobe_multi links work here, tested once as libbpf does: with
 * them, a link on "/" fails with EBADF (not a regular file); without, the
 * program load or the attach type is refused.  SPRY_NO_UPROBE_MULTI
 * forces the perf-event path (tests, bench/run). */
static bool up_multi_supported(const struct host *h)
{
	static int cached = -1;
	static const uint64_t off0;
	const struct provider_uprobes probe = {
		.path = "/", .n = 1, .offs = &off0, .pid = -1,
	};
	int prog, link;

	if (host_or_default(h)->no_uprobe_multi)
		return false;
	if (cached >= 0)
		return cached;
	cached = 0;
	prog = provider_probe_prog(UP_TRACE_UPROBE_MULTI);
	if (prog < 0)
		return false;
	link = up_multi_link(prog, &probe, 0, 1);
	if (link >= 0)
		close(link);
	else
		cached = link == -EBADF;
	close(prog);
	return cached;
}

/* Why the kernel refused one uprobe, in its terms rather than errno's
 * ("Unknown error 524"). */
static const char *up_strerror(int err)
{
	switch (-err) {
	case 524:	/* ENOTSUPP, the kernel's own */
		return "an instruction uprobes cannot step over";
	case EINVAL:
		return "the kernel refused it";
	default:
		return strerror(-err);
	}
}

/* Errors that are not about one target: no use trying the others. */
static bool up_global_error(int err)
{
	return err == -ESRCH || err == -ENOMEM || err == -EMFILE ||
	       err == -ENFILE || err == -EPERM || err == -EACCES ||
	       err == -ENOENT;
}

/* Targets [lo, lo + n) through uprobe_multi links on @prog: one link when
 * the kernel takes them all, else the halves, down to the single targets
 * it refuses, which go to @sk.  Returns how many attached or a global
 * -errno. */
static int up_multi_range(struct rt_probe *rp, int prog,
			  const struct provider_uprobes *u, unsigned lo,
			  unsigned n, struct provider_skips *sk)
{
	int fd = up_multi_link(prog, u, lo, n), a, b;

	if (fd >= 0) {
		int err = provider_hold(rp, fd, true);

		if (err)
			return err;
		provider_progress(rp, n);
		return (int)n;
	}
	if (up_global_error(fd))
		return fd;
	if (n == 1) {
		provider_skip_add(sk, u->names[lo], up_strerror(fd), fd);
		provider_progress(rp, 1);
		return 0;
	}
	a = up_multi_range(rp, prog, u, lo, n / 2, sk);
	if (a < 0)
		return a;
	b = up_multi_range(rp, prog, u, lo + n / 2, n - n / 2, sk);
	return b < 0 ? b : a + b;
}

/* Why a uprobe could not be attached, worded for the user. */
static void up_error(const struct probe *p, const struct provider_uprobes *u,
		     int err, struct diag *d)
{
	if (err == -ESRCH)
		diag_error(d, &p->loc, "cannot attach to %s:%s: no process %d",
			   p->prov->name, p->target, (int)u->pid);
	else
		diag_error(d, &p->loc, "cannot attach to %s:%s: %s%s",
			   p->prov->name, p->target, strerror(-err),
			   err == -EMFILE ? " (more probes than the open-file "
			   "limit allows: raise it with ulimit -n)" :
			   err == -EACCES || err == -EPERM ? " (the kernel's "
			   "uprobes need CAP_SYS_ADMIN since 6.16)" : "");
}

/* One perf event of the uprobe PMU per target. */
static int up_attach_perf(struct rt_probe *rp,
			  const struct provider_uprobes *u,
			  struct provider_skips *sk, struct diag *d)
{
	const struct probe *p = rp->p;
	struct perf_event_attr pmu;
	int err, ok = 0, ref_shift;
	char path[128];

	memset(&pmu, 0, sizeof(pmu));
	err = provider_pmu("uprobe", u->ret, &pmu);
	if (err) {
		diag_error(d, &p->loc, "cannot attach to %s:%s: this kernel has "
			   "no uprobe PMU (%s: %s); uprobes need "
			   "CONFIG_UPROBE_EVENTS", p->prov->name, p->target,
			   UP_PMU_DIR, strerror(-err));
		return err;
	}
	/* the semaphore's offset goes in config's upper bits (4.20+:
	 * "config:32-63"); -1: the kernel has no ref_ctr_offset */
	snprintf(path, sizeof(path), "%s/format/ref_ctr_offset", UP_PMU_DIR);
	ref_shift = provider_sysfs_int(path, "config:");
	if (ref_shift == -EINVAL)
		ref_shift = 32;
	else if (ref_shift < 0)
		ref_shift = -1;
	for (unsigned i = 0; i < u->n; i++) {
		struct perf_event_attr attr = pmu;

		attr.config1 = (uint64_t)(uintptr_t)u->path;	/* uprobe_path */
		attr.config2 = u->offs[i];			/* probe_offset */
		if (u->ref_ctrs && u->ref_ctrs[i]) {
			if (ref_shift < 0) {
				provider_skip_add(sk, u->names[i], "this "
						  "kernel cannot count "
						  "semaphores", -EOPNOTSUPP);
				continue;
			}
			attr.config |= u->ref_ctrs[i] << ref_shift;
		}
		attr.sample_period = 1;
		/* the link's cookie is the token `caller` prints as the
		 * name: a program that reads it needs 5.15, as links do,
		 * and was refused at load on older kernels */
		err = provider_perf_open(rp, &attr, u->pid,
					 u->pid == -1 ? 0 : -1,
					 u->cookies ? u->cookies[i] : 0);
		provider_progress(rp, 1);
		if (!err) {
			ok++;
			continue;
		}
		if (up_global_error(err)) {
			up_error(p, u, err, d);
			return err;
		}
		provider_skip_add(sk, u->names[i], up_strerror(err), err);
	}
	return ok;
}

int provider_uprobe_attach(struct rt_probe *rp,
			   const struct provider_uprobes *u, struct diag *d)
{
	const struct probe *p = rp->p;
	struct provider_skips sk = { 0 };
	int prog, n;

	prog = u->n > 1 && up_multi_supported(rp->host) ?
	       provider_prog_copy(rp, UP_TRACE_UPROBE_MULTI) : -1;
	if (prog >= 0) {
		n = up_multi_range(rp, prog, u, 0, u->n, &sk);
		/* the links hold the program */
		close(prog);
		if (n < 0) {
			up_error(p, u, n, d);
			return n;
		}
	} else {
		/* no uprobe_multi, or a single target: one by one */
		n = up_attach_perf(rp, u, &sk, d);
		if (n < 0)
			return n;
	}
	if (!n) {
		if (u->n == 1)
			diag_error(d, &p->loc, "cannot attach to %s:%s (%s at "
				   "offset %#llx): %s", p->prov->name,
				   p->target, u->names[0],
				   (unsigned long long)u->offs[0],
				   up_strerror(sk.first_err));
		else
			diag_error(d, &p->loc, "cannot attach to any of the %u "
				   "%s of %s:%s: %s", u->n, u->what,
				   p->prov->name, p->target, sk.list);
		return sk.first_err ? sk.first_err : -EINVAL;
	}
	provider_skip_warn(p, d, &sk, u->n, u->what);
	return 0;
}

/* The pid uprobes are limited to: -p (rp->pid, as pid_filter asks),
 * else -1 (every process).  The -c command is not followed this way: it
 * runs as `sh -c CMD`, and what the shell forks runs in other mm's, which
 * the kernel's per-process filter does not follow (inheriting the event
 * to children instead makes fork fail: perf refuses to copy an event with
 * a BPF program).  Its probes filter on its pid namespace in BPF instead
 * (probe.child_only). */
static int up_attach(struct rt_probe *rp, struct diag *d)
{
	const struct probe *p = rp->p;
	const struct up_priv *up = p->priv;
	const struct provider_uprobes u = {
		.path = up->path,
		.n = p->ntargets,
		.offs = up->offs,
		.cookies = up->tokens,
		.names = p->targets,
		.what = "functions",
		.ret = up->ret,
		.pid = rp->pid > 0 ? rp->pid : -1,
	};

	return provider_uprobe_attach(rp, &u, d);
}

/* ---- listing ---- */

extern const struct provider uprobe_provider;

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "uprobe:PATH:FUNC" for each function of @path matching @glob, each name
 * once, without its version, sorted.  A file that is no ELF (a process's
 * locale archive) lists nothing. */
static int up_list_file(const struct provider *pv, struct provider_list *l,
			const char *path, const char *glob)
{
	const struct usym_obj *o = usym_obj_get(path);
	const char **names;
	unsigned n = 0;

	if (!o)
		return 0;
	names = arena_alloc(l->a, (o->n + 1) * sizeof(*names));
	for (unsigned i = 0; i < o->n; i++) {
		const char *name = arena_strndup(l->a, o->syms[i].name,
						 o->syms[i].base_len);

		if (glob_match(glob, name, false))
			names[n++] = name;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_name);
	for (unsigned i = 0; i < n; i++)
		if (!i || strcmp(names[i], names[i - 1]))
			provider_list_emit(pv, l, arena_printf(l->a, "%s:%s",
							       path, names[i]),
					   NULL);
	return 0;
}

static int up_list(const struct provider *pv, struct provider_list *l)
{
	if (l->all && pv != &uprobe_provider)
		return 0;
	return provider_list_files(pv, l, up_list_file);
}

static int up_self_test(FILE *out)
{
	provider_check(out, "uprobe PMU", access(UP_PMU_DIR "/type", F_OK) ?
		       -errno : 0, "uprobes unavailable");
	provider_check(out, "uprobe_multi links (6.6+)",
		       up_multi_supported(NULL) ? 0 : -EOPNOTSUPP,
		       "uprobe globs attach one function at a time");
	provider_check(out, "USDT semaphores (4.20+)",
		       access(UP_PMU_DIR "/format/ref_ctr_offset", F_OK) ?
		       -errno : 0, "USDT probes with a semaphore cannot attach");
	return 0;
}

/* ---- names, for builtins ---- */

/* bpftrace's: the file as resolved, uprobe:/usr/lib/.../libc.so.6:malloc */
static const char *up_probe_name(struct arena *a, const struct probe *p)
{
	const struct up_priv *up = p->priv;

	return arena_printf(a, "%s:%s:%s", p->prov->name,
			    up ? up->path : p->target,
			    p->ntargets ? p->targets[0] : "");
}

static const char *up_object(const struct probe *p)
{
	const struct up_priv *up = p->priv;

	return up ? up->path : NULL;
}

/* ---- the providers ---- */

static const char *const uprobe_aliases[] = { "u", NULL };
static const char *const uretprobe_aliases[] = { "ur", NULL };

const struct provider uprobe_provider = {
	.name = "uprobe",
	.aliases = uprobe_aliases,
	.takes_target = true,
	.help = "uprobe:PATH:FUNC[+OFF] (0xADDR, globs; PATH may be libc or "
		"a program): entry of a user function; arg0.., caller, func, ustack",
	.pid_filter = PROV_PID_ATTACH,
	.user_space = true,
	.expand = uprobe_expand,
	.resolve = up_resolve,
	.attach = up_attach,
	.detach = provider_detach,
	.stop = provider_stop,
	.self_test = up_self_test,
	.probe_name = up_probe_name,
	.object = up_object,
	.list = up_list,
};

const struct provider uretprobe_provider = {
	.name = "uretprobe",
	.aliases = uretprobe_aliases,
	.takes_target = true,
	.help = "uretprobe:PATH:FUNC (globs too): return of a user function; "
		"retval, func, ustack",
	.pid_filter = PROV_PID_ATTACH,
	.user_space = true,
	.expand = uretprobe_expand,
	.resolve = up_resolve,
	.attach = up_attach,
	.detach = provider_detach,
	.stop = provider_stop,
	.probe_name = up_probe_name,
	.object = up_object,
	.list = up_list,
};
