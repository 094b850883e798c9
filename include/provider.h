/* provider.h - probe providers: where programs attach and what they see.
 *
 * One file per provider under src/provider/, each defining one
 * `const struct provider`; provider.c lists them all.  A provider is matched by
 * its exact name or one of its explicit aliases ("kprobe" or "k").  Nothing
 * outside src/provider/ looks at a provider's name: what the rest of spry
 * needs to know is a field here.
 *
 * Facts (fields):
 *   name, aliases, help  (required) matching and the --help line
 *   takes_target  (required) false for BEGIN, END; compile.c checks it
 *   example       a target for the "needs a target" error ("..." if NULL)
 *   when          PROV_ON_EVENT (attached), or PROV_AT_BEGIN / PROV_AT_END:
 *                 run once by the runtime itself (BPF_PROG_TEST_RUN)
 *   user_space    its probes run in a process's code (uprobes, usdt): an
 *                 integer cast to a pointer points into that process's
 *                 memory, so reads through it use bpf_probe_read_user()
 *   fallback      the provider to use instead where the kernel refuses
 *                 this one's programs ("kprobe" for fentry): the runtime
 *                 says so when loading fails that way
 *   pid_filter    how -p PID is honoured: PROV_PID_BPF (lowering begins the
 *                 program with a pid test: tracepoints fire for everyone),
 *                 PROV_PID_ATTACH (attach opens per-process events:
 *                 rt_probe.pid), PROV_PID_NONE (-p does not apply)
 *   filter_skips  the filter hook's value is the one to skip, not the one
 *                 to keep: `if (*pv == *value) return 0` (iter: the call
 *                 after the last object, whose object is NULL)
 *   seq_output    its programs write their records (printf, print, exit)
 *                 into the seq_file they run for (ctx->meta->seq) with
 *                 bpf_seq_write(), not into the ring buffer: iterators,
 *                 whose output the run hook reads
 *
 * Compile time (hooks):
 *   prepare  (optional) ready the host for the provider's probes, before
 *            they are expanded (the tracepoint provider mounts tracefs);
 *            compile.c calls it once per provider a script names, only
 *            when the caller allows it (s->opts.prepare: not --dry-run).
 *            0 or -errno; a failure is not reported here: expand says
 *            what is missing.
 *   expand   (required) turn one written specifier into concrete probes:
 *            check the target exists, expand globs, build the context type
 *            (e.g. the tracepoint's format as a struct), choose prog_type,
 *            keep what else it needs in p->priv.
 *            Reports bad specifiers through diag, returns 0 or -errno.
 *   resolve  (optional) name a provider variable: "data", "arg0", "retval"...
 *            Fills *pv and returns 0, or -ENOENT if the name is not its own.
 *   member   (optional) a member access on a provider variable that the
 *            provider maps itself (raw syscall tracepoints map data->field to
 *            argument registers).  Same return convention as resolve.
 *   filter   (optional) the test a program must begin with when its attach
 *            point fires for more than the probe asked for (raw syscall
 *            tracepoints fire for every syscall): `if (*pv != *value)
 *            return 0` (with filter_skips, `==`).  0, or -ENOENT for
 *            none.
 * Run time (src/runtime.c calls them after the program is loaded):
 *   attach   (required for PROV_ON_EVENT) attach rp->prog_fd; store
 *            fds/links in rp->attach.
 *   detach   (required with attach) undo attach; safe on a partial attach.
 *   stop     (optional) make the program stop firing; detach follows.
 *            The runtime calls every probe's stop before any detach, so
 *            that all programs stop first and the slow part (closing a
 *            perf event waits for RCU grace periods: ~50-75 ms each) comes
 *            last.  Both run after spry's output is written, in the
 *            background detach process (runtime.c): until then the trace
 *            is stopped by dropping what the probes send.
 *   event    (optional) a record that a program the provider wrote itself
 *            sent (an EV_PROVIDER event it registered at expand): the
 *            watchpoint's trigger asks for a breakpoint this way.  Called
 *            from the event loop, even after exit().
 *   run      (optional) for probes that fire when spry asks, not on an
 *            event (iter): run the attached program once, after BEGIN,
 *            and hand what it wrote (seq_output) to @o as it comes.  A
 *            trace whose probes all have a run hook (and BEGIN/END) ends
 *            when they are done, unless it follows a -c command.  0 or
 *            -errno (reported).
 *   self_test (optional) for -T: print its checks with provider_check();
 *            -errno only when spry is of no use without it.
 * For builtins (optional, compile time):
 *   probe_name  the probe's name as bpftrace's `probe` spells it
 *            ("tracepoint:sched:sched_switch"); without the hook,
 *            provider_probe_name()'s NAME:TARGET
 *   object   the file whose symbols the probe's targets are (uprobes):
 *            where uaddr("sym") looks a name up
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
#include <stdio.h>
#include <sys/types.h>

#include "diag.h"

struct arena;
struct script;
struct probe;
struct type;
struct bpf_insn;
struct host;

/* A provider variable, as lowering reads it.  Lowering knows these kinds and
 * nothing else about providers. */
enum pvar_kind {
	PV_CTX,		/* the context pointer itself; type is a T_PTR (AS_CTX)
			 * to a struct whose members load directly from ctx */
	PV_CTX_LOAD,	/* integer at ctx + off, type's size */
	PV_REG,		/* integer in the saved registers: regs + off.  regs is
			 * ctx itself, or, when `indirect`, the pointer stored at
			 * ctx + 0 (raw tracepoints), read with probe_read_kernel */
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
	bool typed_regs;	/* PV_REG, indirect: the pointer at ctx + 0 is
				 * one the verifier types (fentry on a syscall's
				 * function: struct pt_regs *, PTR_TO_BTF_ID),
				 * so a plain load reads through it (the JIT
				 * guards it) where a raw tracepoint's needs
				 * bpf_probe_read_kernel */
	bool nullable;		/* PV_CTX: the pointers in the context may be
				 * NULL (iterators): the verifier allows no
				 * arithmetic on them, so lowering reads them
				 * with the helper, as plain integers */
	int64_t val;		/* PV_CONST, PV_UMEM */
};

/* Attach progress over all of a run's probes: the runtime sets it up, the
 * providers report the targets they attach (provider_progress()). */
struct provider_progress {
	unsigned done, total;
	bool show;		/* stderr is a terminal, enough targets */
	double t0, last;	/* seconds: start, last line drawn */
};

/* A probe as the runtime holds it while it runs: the compiled probe and
 * the handles that belong to this run only.  The runtime makes one per
 * probe and hands it to the provider's run-time hooks. */
struct rt_probe {
	const struct probe *p;		/* compiled: provider, target, code */
	struct bpf_insn *insns;		/* p's code with the map fds patched
					 * in (providers that load it again:
					 * kprobe_multi) */
	int prog_fd;			/* -1 until loaded */
	pid_t pid;			/* -p: the process, 0: every one */
	pid_t child;			/* -c: the command's process, 0: none */
	const int *map_fd;		/* the run's maps by id (providers that
					 * load programs of their own) */
	const struct host *host;	/* the environment's settings */
	void *attach;			/* the provider's attach state */
	struct provider_progress *progress;	/* NULL: not reported */
};

enum provider_when {
	PROV_ON_EVENT,	/* attached: runs when its event fires */
	PROV_AT_BEGIN,	/* run by the runtime before tracing */
	PROV_AT_END,	/* run by the runtime after tracing */
};

enum provider_pid {
	PROV_PID_NONE,	/* -p does not apply (sampling, BEGIN/END, kprobes) */
	PROV_PID_BPF,	/* the program tests the pid (lowering) */
	PROV_PID_ATTACH,	/* attach makes per-process events */
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
	const struct host *host;
	const struct provider *prov;	/* being listed */
	bool full;		/* pattern is over "provider:point" */
	unsigned n;		/* probe points printed */
};

/* Where a run hook hands its programs' output: @write gets it piece by
 * piece, in order (a stream of event records, which the runtime cuts up
 * and prints); it returns true when the trace is over (exit()), and the
 * hook then stops. */
struct provider_output {
	bool (*write)(void *ctx, const void *buf, size_t len);
	void *ctx;
};

struct provider {
	const char *name;
	const char *const *aliases;	/* NULL-terminated, may be NULL */
	bool takes_target;		/* false: BEGIN, END */
	const char *help;		/* one line for --help / the man page */
	const char *example;		/* a target, for error messages */
	const char *fallback;		/* where the kernel refuses this one */
	bool user_space;		/* casts point into the process */
	bool filter_skips;		/* filter names the value to skip */
	bool seq_output;		/* records go to the seq_file */
	enum provider_when when;
	enum provider_pid pid_filter;

	int (*prepare)(const struct host *h, struct diag *d);
	int (*expand)(struct script *s, struct probe *p, struct diag *d);
	int (*resolve)(struct probe *p, const char *name, struct pvar *pv);
	int (*member)(struct probe *p, const struct pvar *base,
		      const char *name, struct pvar *pv);
	int (*filter)(const struct probe *p, struct pvar *pv, int64_t *value);
	int (*attach)(struct rt_probe *rp, struct diag *d);
	void (*detach)(struct rt_probe *rp);
	void (*stop)(struct rt_probe *rp);
	void (*event)(struct rt_probe *rp, const void *rec, size_t len,
		      struct diag *d);
	int (*run)(struct rt_probe *rp, const struct provider_output *o,
		   struct diag *d);
	int (*self_test)(FILE *out);
	const char *(*probe_name)(struct arena *a, const struct probe *p);
	const char *(*object)(const struct probe *p);
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
int provider_list(const struct host *h, const char *pattern, bool verbose,
		  pid_t pid, FILE *out, struct diag *d);
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
/* For list hooks on BTF (fentry, rawtracepoint, iter): the kernel's BTF
 * (l->host->btf, else /sys/kernel/btf), loaded; NULL when there is none,
 * then with @warn (and the pattern naming the provider) after a warning
 * that it has nothing to list.  btf_free() it. */
struct btf;
struct btf *provider_list_btf(const struct provider *pv,
			      struct provider_list *l, bool warn);
/* -lv lines for prototype @proto (a T_FUNC): "TYPE NAME" per parameter
 * (an unnamed one is argN, as args names it), then @extra if not NULL;
 * NULL-terminated, in l->a. */
const char *const *provider_list_params(struct provider_list *l,
					const struct type *proto,
					const char *extra);
/* NULL-terminated list, for --help and -T. */
extern const struct provider *const providers[];

/* Where tracefs is: h->tracefs if set ($SPRY_TRACEFS: tests point it at a
 * fixture directory), else /sys/kernel/tracing, else
 * /sys/kernel/debug/tracing; the first when neither is mounted.  Only looks:
 * mounting is provider_mount_tracefs(), a step of its own. */
const char *provider_tracefs(const struct host *h);
/* Mount tracefs on /sys/kernel/tracing when it is mounted nowhere (a
 * minimal system, a fresh container), in a mount namespace of spry's own:
 * nothing is then left mounted however spry ends, SIGKILL included, and
 * nobody else sees it (the mount it goes under is made private; the -c
 * command runs in that namespace too, its other mounts propagate as
 * before).  Never for a dry run or -T, which leave the system as they find
 * it.  Root only.  1 if it mounted it, 0 if there was nothing to do,
 * -errno. */
int provider_mount_tracefs(const struct host *h);

/* bpftrace's name of probe @p (its `probe` builtin): the provider's
 * probe_name hook, else "NAME:TARGET" (the one target when expansion
 * found it: kprobe:vfs_* matching vfs_read alone is kprobe:vfs_read), or
 * "NAME" alone for a provider without targets.  NULL for a probe of
 * several targets, which has no one name. */
const char *provider_probe_name(struct arena *a, const struct probe *p);
/* A target that does not exist (no such function or tracepoint, a glob
 * that matches nothing): an error at the probe, or, for one probe of a
 * list of several (p->optional), a warning and the probe is dropped, as
 * bpftrace does.  Returns -ENOENT, for expand to return. */
int provider_missing(const struct probe *p, struct diag *d, const char *fmt,
		     ...) __attribute__((format(printf, 3, 4)));

/* One line of the -T report: "  what   ok" or "  what   missing (why): hint". */
void provider_check(FILE *out, const char *what, int err, const char *hint);

/* ---- shared mechanics for provider implementations (provider.c) ----
 * Attach state: rp->attach holds the probe's links and perf events for the
 * helpers below; provider_detach() and provider_stop() are valid detach and
 * stop hooks by themselves. */
struct perf_event_attr;

/* Keep @fd (a link when @link: closing it stops the program at once; else
 * a perf event, slow to close) in rp->attach.  On failure @fd is closed. */
int provider_hold(struct rt_probe *rp, int fd, bool link);
/* Close the links, and the events where the kernel has no perf links. */
void provider_stop(struct rt_probe *rp);
/* Close everything: links first, then events; free rp->attach. */
void provider_detach(struct rt_probe *rp);
/* Set attr->type from the sysfs PMU @name ("kprobe", "uprobe") and, for a
 * return probe (@ret), attr->config to its retprobe bit.  0 or -errno. */
int provider_pmu(const char *name, bool ret, struct perf_event_attr *attr);
/* A small integer from a sysfs file ("6\n"), or N of a "config:N" PMU
 * format file ("config:32-63": 32) when @prefix is "config:"; -errno.  Not
 * fscanf(), whose scanf engine is 90 KB of a static spry. */
int provider_sysfs_int(const char *path, const char *prefix);
/* Open @attr for @pid/@cpu, run rp->prog_fd on it (a BPF link carrying
 * @cookie where the kernel has perf links, 5.15+; else
 * PERF_EVENT_IOC_SET_BPF), enable it and hold both.  0 or -errno, not
 * reported: callers word the error for their targets. */
int provider_perf_open(struct rt_probe *rp, struct perf_event_attr *attr,
		       pid_t pid, int cpu, uint64_t cookie);
/* provider_perf_open on each of @cpus (pid -1); errors are reported as
 * "cannot attach to <prov>:<target>: <strerror>". */
int provider_perf_attach(struct rt_probe *rp, struct perf_event_attr *attr,
			 const int *cpus, unsigned ncpus, struct diag *d);
/* bpf(BPF_RAW_TRACEPOINT_OPEN) of rp->prog_fd on @name. */
int provider_raw_tp_attach(struct rt_probe *rp, const char *name,
			   struct diag *d);
/* The same for another program of @rp's (a dispatcher), held by @rp; with
 * @d NULL an error is returned but not reported. */
int provider_raw_tp_attach_fd(struct rt_probe *rp, int prog_fd,
			      const char *name, struct diag *d);
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
 * arch_regs_type(); unknown when @regs has no type).  (Stacks are
 * builtins: builtin/stack.c.) */
int provider_regs_resolve(const struct pvar *regs, const char *name,
			  struct pvar *pv);
/* @regs for provider_regs_resolve(): a pointer to @arch's struct pt_regs,
 * or no type without an architecture. */
struct arch;
void provider_regs_init(struct script *s, const struct arch *arch,
			struct pvar *regs);
/* A program that only returns 0, of type kprobe with @attach_type as its
 * expected attach type: to ask the kernel whether it has a kind of link.
 * The fd, or -errno. */
int provider_probe_prog(unsigned attach_type);
/* The file a uprobe-like target names (usym_resolve_path(): a path, a
 * library's short name, a program on $PATH) into @buf; reported at
 * p->loc when there is none.  0 or -ENOENT. */
int provider_resolve_file(struct script *s, struct probe *p, const char *file,
			  char *buf, size_t n, struct diag *d);
/* rp->insns (the map fds patched in) loaded again with @attach_type as
 * its expected attach type, which kprobe_multi and uprobe_multi links
 * require of a program.  The fd, or -errno. */
int provider_prog_copy(struct rt_probe *rp, unsigned attach_type);
/* Report that @n more of a probe's targets (p->targets: functions, probe
 * sites) are attached: with more than PROVIDER_PROGRESS_MIN targets in the
 * run and stderr a terminal, a line on stderr says how many of how many
 * and since when, redrawn at most ten times a second; nothing otherwise.
 * provider_progress_end() draws the last line (or clears it after an
 * error). */
#define PROVIDER_PROGRESS_MIN 50
void provider_progress(struct rt_probe *rp, unsigned n);
void provider_progress_end(struct provider_progress *pg, bool ok);

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
 * progress goes to provider_progress(). */
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
int provider_uprobe_attach(struct rt_probe *rp,
			   const struct provider_uprobes *u, struct diag *d);
/* The context of a program that BTF types (fentry, fexit, tp_btf): the
 * parameters of prototype @proto (a T_FUNC, btf.h), each in its 8-byte
 * slot (two for a 16-byte struct passed by value; unnamed ones as argN),
 * as a struct called @name for `args` to point to (PV_CTX); an integer
 * narrower than its slot is the slot's low-order end, its last bytes when
 * @big_endian.  The slot after them (fexit's return value) in *@ret_off,
 * if not NULL. */
const struct type *provider_btf_args(struct arena *a, const char *name,
				     const struct type *proto, bool big_endian,
				     unsigned *ret_off);
/* Insert a probe like @p (same provider, specifier, AST, program type,
 * child_only; its own AST copy, no priv) for @target after @after in
 * s->probes; for providers whose specifier expands to several probes. */
struct probe *provider_probe_dup(struct script *s, const struct probe *p,
				 struct probe *after, const char *target);

#endif
