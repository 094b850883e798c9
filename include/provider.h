/* provider.h - probe providers: where programs attach and what they see.
 *
 * One file per provider under src/provider/, each defining one
 * `const struct provider`; provider.c lists them all.  A provider is matched by
 * its exact name or one of its explicit aliases ("kprobe" or "k").
 *
 * Compile time:
 *   expand   (required) turn one written specifier into concrete probes:
 *            check the target exists, expand globs, build the context type
 *            (e.g. the tracepoint's format as a struct), choose prog_type.
 *            Reports bad specifiers through diag, returns 0 or -errno.
 *   resolve  (optional) name a provider variable: "data", "arg0", "retval"...
 *            Fills *pv and returns 0, or -ENOENT if the name is not its own.
 *   member   (optional) a member access on a provider variable that the
 *            provider maps itself (raw syscall tracepoints map data->field to
 *            argument registers).  Same return convention as resolve.
 * Run time (src/runtime.c calls them after the program is loaded):
 *   attach   (required unless the provider is run by the runtime itself, as
 *            BEGIN/END are) attach p->prog_fd; store fds/links in p->attach.
 *   detach   (required with attach) undo attach; safe on a partial attach.
 *   stop     (optional) make the program stop firing at once, before END
 *            and the final map print; detach follows later.  For providers
 *            whose teardown is slow (closing a perf tracepoint or kprobe
 *            waits for RCU grace periods: ~50-75 ms each), so that the
 *            user sees the output before that wait.
 *   event    (optional) a record that a program the provider wrote itself
 *            sent (an EV_PROVIDER event it registered at expand): the
 *            watchpoint's trigger asks for a breakpoint this way.  Called
 *            from the event loop, even after exit().
 * Listing (-l, -lv):
 *   list     (optional) name every probe point the provider can enumerate
 *            that l->pattern matches, through provider_list_emit(), with
 *            the lines -lv prints under each (a tracepoint's fields).  0,
 *            or -errno reported through l->d.
 */
#ifndef SPRY_PROVIDER_H
#define SPRY_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "diag.h"

struct arena;
struct script;
struct probe;
struct runtime;
struct type;

/* A provider variable, as lowering reads it.  Lowering knows these kinds and
 * nothing else about providers. */
enum pvar_kind {
	PV_CTX,		/* the context pointer itself; type is a T_PTR (AS_CTX)
			 * to a struct whose members load directly from ctx */
	PV_CTX_LOAD,	/* integer at ctx + off, type's size */
	PV_REG,		/* integer in the saved registers: regs + off.  regs is
			 * ctx itself, or, when `indirect`, the pointer stored at
			 * ctx + 0 (raw tracepoints), read with probe_read_kernel */
	PV_KSTACK,	/* bpf_get_stackid(ctx, stack map, 0) */
	PV_USTACK,	/* tgid << 32 | bpf_get_stackid(ctx, map, BPF_F_USER_STACK) */
	PV_COOKIE,	/* bpf_get_attach_cookie(ctx) (5.15+): the u64 the
			 * provider attached this target's BPF link with */
	PV_FUNC_IP,	/* bpf_get_func_ip(ctx) (5.15+): the probed address,
			 * without the breakpoint's offset in the saved pc */
	PV_CONST,	/* the constant val (a USDT argument the compiler
			 * folded) */
	PV_UMEM,	/* integer in user memory at (the register at
			 * regs + off) + val, type's size: a USDT argument
			 * the compiler left in memory (-4@-16(%rbp)) */
};

struct pvar {
	enum pvar_kind kind;
	const struct type *type;
	int off;
	bool indirect;
	int64_t val;		/* PV_CONST, PV_UMEM */
};

/* A listing in progress (provider_list()). */
struct provider_list {
	const char *pattern;	/* glob over what follows "provider:" */
	bool verbose;		/* -lv */
	pid_t pid;		/* -p: a process whose objects usdt/uprobe list */
	bool all;		/* the pattern did not name this provider: list
				 * nothing that needs a target (a file) */
	FILE *out;
	struct diag *d;
	struct arena *a;	/* for the providers' scratch */
	const struct provider *prov;	/* being listed */
	bool full;		/* pattern is over "provider:point" */
	unsigned n;		/* probe points printed */
};

struct provider {
	const char *name;
	const char *const *aliases;	/* NULL-terminated, may be NULL */
	bool takes_target;		/* false: BEGIN, END */
	const char *help;		/* one line for --help / the man page */

	int (*expand)(struct script *s, struct probe *p, struct diag *d);
	int (*resolve)(struct probe *p, const char *name, struct pvar *pv);
	int (*member)(struct probe *p, const struct pvar *base,
		      const char *name, struct pvar *pv);
	int (*attach)(struct probe *p, struct runtime *rt, struct diag *d);
	void (*detach)(struct probe *p);
	void (*stop)(struct probe *p);
	void (*event)(struct probe *p, struct runtime *rt, const void *rec,
		      size_t len);
	int (*list)(const struct provider *pv, struct provider_list *l);
};

/* NULL if no provider has this name or alias. */
const struct provider *provider_find(const char *name);

/* -l [PATTERN]: print "provider:point" for every probe point PATTERN
 * matches, as bpftrace does ("tracepoint:sched:sched_switch",
 * "kprobe:vfs_read", "usdt:/usr/bin/python3.11:python:function__entry"),
 * with -lv the details under each.  PATTERN is "PROVIDER:GLOB" (aliases
 * and globs in PROVIDER too), a bare GLOB over every kernel provider's
 * "provider:point", or NULL for all of them.  Returns 0 or -errno
 * (reported). */
int provider_list(const char *pattern, bool verbose, pid_t pid, FILE *out,
		  struct diag *d);
/* For list hooks: whether @point ("sched:sched_switch") is wanted; and
 * print it (with -lv, @details: lines, NULL-terminated, may be NULL). */
bool provider_list_match(const struct provider_list *l, const char *point);
void provider_list_emit(const struct provider *pv, struct provider_list *l,
			const char *point, const char *const *details);
/* For providers on files (uprobe, usdt): l->pattern is "PATH:REST"; call
 * @each with every file PATH names (resolved as usym_resolve_path() does;
 * with -p, "*" is every object the process maps) and REST.  Unresolvable
 * paths are reported; with l->all nothing is listed. */
int provider_list_files(const struct provider *pv, struct provider_list *l,
			int (*each)(const struct provider *pv,
				    struct provider_list *l, const char *path,
				    const char *rest));
/* NULL-terminated list, for --help and -T. */
extern const struct provider *const providers[];

/* Where tracefs is: $SPRY_TRACEFS if set (tests point it at a fixture
 * directory), else /sys/kernel/tracing, else /sys/kernel/debug/tracing.
 * When neither is mounted, the first call mounts tracefs on
 * /sys/kernel/tracing (root only; on failure the path is still returned). */
const char *provider_tracefs(void);

/* ---- shared mechanics for provider implementations (provider.c) ----
 * Attach state: p->attach holds the probe's links and perf events for the
 * helpers below; provider_detach() and provider_stop() are valid detach and
 * stop hooks by themselves. */
struct perf_event_attr;

/* Keep @fd (a link when @link: closing it stops the program at once; else
 * a perf event, slow to close) in p->attach.  On failure @fd is closed. */
int provider_hold(struct probe *p, int fd, bool link);
/* Close the links, and the events where the kernel has no perf links. */
void provider_stop(struct probe *p);
/* Close everything: links first, then events; free p->attach. */
void provider_detach(struct probe *p);
/* Set attr->type from the sysfs PMU @name ("kprobe", "uprobe") and, for a
 * return probe (@ret), attr->config to its retprobe bit.  0 or -errno. */
int provider_pmu(const char *name, bool ret, struct perf_event_attr *attr);
/* Open @attr for @pid/@cpu, run p->prog_fd on it (a BPF link carrying
 * @cookie where the kernel has perf links, 5.15+; else
 * PERF_EVENT_IOC_SET_BPF), enable it and hold both.  0 or -errno, not
 * reported: callers word the error for their targets. */
int provider_perf_open(struct probe *p, struct perf_event_attr *attr,
		       pid_t pid, int cpu, uint64_t cookie);
/* provider_perf_open on each of @cpus (pid -1); errors are reported as
 * "cannot attach to <prov>:<target>: <strerror>". */
int provider_perf_attach(struct probe *p, struct perf_event_attr *attr,
			 const int *cpus, unsigned ncpus, struct diag *d);
/* bpf(BPF_RAW_TRACEPOINT_OPEN) of p->prog_fd on @name. */
int provider_raw_tp_attach(struct probe *p, const char *name, struct diag *d);
/* The online CPUs (/sys/devices/system/cpu/online) into @cpus; returns how
 * many (at most @max), or -errno. */
int provider_online_cpus(int *cpus, unsigned max);
/* The threads of process @pid (/proc/PID/task) into @tids: how many (at
 * most @max), or -errno (-ESRCH: no such process).  For perf events on a
 * process: one opened on a pid counts that thread only. */
int provider_threads(pid_t pid, int *tids, unsigned max);
/* A sampling rate as written: "10ms", "ms:10", "99hz", "hz:99", or a bare
 * number in @dflt_unit.  Units: ns us ms s m (minutes) hz.  Exactly one of
 * period_ns and hz is set.  -EINVAL if malformed, zero or too large. */
struct provider_rate {
	unsigned long long period_ns;
	unsigned long long hz;
};
int provider_parse_rate(const char *text, const char *dflt_unit,
			struct provider_rate *r);
/* Variables of programs whose context is, or starts with, the saved
 * pt_regs (kprobes, uprobes, perf events): regs (@regs, a PV_CTX to
 * arch_regs_type(); unknown when @regs has no type), stack/kstack,
 * ustack. */
int provider_regs_resolve(const struct pvar *regs, const char *name,
			  struct pvar *pv);
/* @regs for provider_regs_resolve(): a pointer to @arch's struct pt_regs,
 * or no type without an architecture. */
struct arch;
void provider_regs_init(struct script *s, const struct arch *arch,
			struct pvar *regs);
/* Whether environment switch @name (SPRY_NO_UPROBE_MULTI...) is on: set
 * to anything but "" or "0". */
bool provider_env_on(const char *name);
/* A program that only returns 0, of type kprobe with @attach_type as its
 * expected attach type: to ask the kernel whether it has a kind of link.
 * The fd, or -errno. */
int provider_probe_prog(unsigned attach_type);
/* The file a uprobe-like target names (usym_resolve_path(): a path, a
 * library's short name, a program on $PATH) into @buf; reported at
 * p->loc when there is none.  0 or -ENOENT. */
int provider_resolve_file(struct probe *p, const char *file, char *buf,
			  size_t n, struct diag *d);
/* A copy of p->insns (the runtime has patched the map fds in) loaded with
 * @attach_type as its expected attach type, which kprobe_multi and
 * uprobe_multi links require of a program.  The fd, or -errno. */
int provider_prog_copy(struct probe *p, unsigned attach_type);

/* Targets the kernel refused, for one warning line rather than one each:
 * "uprobe:libc:str*: skipped 2 of 40 functions the kernel cannot probe:
 * strlen (why), ...".  Zero-initialise; add each refusal. */
#define PROVIDER_SKIP_NAMES 5
struct provider_skips {
	unsigned n, listed;
	int first_err;
	size_t len;
	char list[256];
};
void provider_skip_add(struct provider_skips *sk, const char *name,
		       const char *why, int err);
/* The warning, after @ok of @total targets attached (nothing if none was
 * skipped).  @what names the targets ("functions", "probe sites"). */
void provider_skip_warn(const struct probe *p, struct diag *d,
			const struct provider_skips *sk, unsigned total,
			const char *what);

/* uprobes on @n offsets of one file (uprobe.c; also the usdt and
 * watchpoint providers).  Several at once through one uprobe_multi link
 * where the kernel has them (6.6+), else one perf event each on the
 * uprobe PMU; either way a target the kernel refuses is skipped with one
 * warning, and only when none attaches is it an error (reported).  Attach
 * progress goes to rt_progress(). */
struct provider_uprobes {
	const char *path;
	unsigned n;
	const uint64_t *offs;		/* file offset per target */
	const uint64_t *ref_ctrs;	/* its semaphore's file offset (the
					 * kernel counts attached probes in
					 * it), 0 or NULL: none */
	const uint64_t *cookies;	/* per target, NULL: 0 */
	char *const *names;		/* per target, for messages */
	const char *what;		/* "functions", "probe sites" */
	bool ret;			/* uretprobe */
	pid_t pid;			/* -1: every process */
};
int provider_uprobe_attach(struct probe *p, struct runtime *rt,
			   const struct provider_uprobes *u, struct diag *d);
/* The pid uprobes are planted in: -p, else -1 (every process; -c probes
 * are child_only instead, see uprobe.c). */
pid_t provider_uprobe_pid(const struct runtime *rt);

/* Insert a copy of @p (own AST clone, @target) after @after in s->probes;
 * for providers whose specifier expands to several probes. */
struct probe *provider_probe_dup(struct script *s, const struct probe *p,
				 struct probe *after, const char *target);

#endif
