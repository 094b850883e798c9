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
 *   pid_filter    how -p PID is honoured: PROV_PID_BPF (lowering begins the
 *                 program with a pid test: tracepoints fire for everyone),
 *                 PROV_PID_ATTACH (attach opens per-process events:
 *                 rt_probe.pid), PROV_PID_NONE (-p does not apply)
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
 *            return 0`.  0, or -ENOENT for none.
 * Run time (src/runtime.c calls them after the program is loaded):
 *   attach   (required for PROV_ON_EVENT) attach rp->prog_fd; store
 *            fds/links in rp->attach.
 *   detach   (required with attach) undo attach; safe on a partial attach.
 *   stop     (optional) make the program stop firing at once, before END
 *            and the final map print; detach follows later.  For providers
 *            whose teardown is slow (closing a perf tracepoint or kprobe
 *            waits for RCU grace periods: ~50-75 ms each), so that the
 *            user sees the output before that wait.
 *   self_test (optional) for -T: print its checks with provider_check();
 *            -errno only when spry is of no use without it.
 */
#ifndef SPRY_PROVIDER_H
#define SPRY_PROVIDER_H

#include <stdbool.h>
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
	PV_KSTACK,	/* bpf_get_stackid(ctx, stack map, 0) */
	PV_USTACK,	/* tgid << 32 | bpf_get_stackid(ctx, map, BPF_F_USER_STACK) */
	PV_COOKIE,	/* bpf_get_attach_cookie(ctx) (5.15+): the u64 the
			 * provider attached this target's BPF link with */
	PV_FUNC_IP,	/* bpf_get_func_ip(ctx) (5.15+): the probed address,
			 * without the breakpoint's offset in the saved pc */
};

struct pvar {
	enum pvar_kind kind;
	const struct type *type;
	int off;
	bool indirect;
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
	const struct host *host;	/* the environment's settings */
	void *attach;			/* the provider's attach state */
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

struct provider {
	const char *name;
	const char *const *aliases;	/* NULL-terminated, may be NULL */
	bool takes_target;		/* false: BEGIN, END */
	const char *help;		/* one line for --help / the man page */
	const char *example;		/* a target, for error messages */
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
	int (*self_test)(FILE *out);
};

/* NULL if no provider has this name or alias. */
const struct provider *provider_find(const char *name);
/* NULL-terminated list, for --help and -T. */
extern const struct provider *const providers[];

/* Where tracefs is: h->tracefs if set ($SPRY_TRACEFS: tests point it at a
 * fixture directory), else /sys/kernel/tracing, else
 * /sys/kernel/debug/tracing; the first when neither is mounted.  Only looks:
 * mounting is provider_mount_tracefs(), a step of its own. */
const char *provider_tracefs(const struct host *h);
/* Mount tracefs on /sys/kernel/tracing when it is mounted nowhere (a
 * minimal system, a fresh mount namespace), as perf does; root only.  1 if
 * it mounted it, 0 if there was nothing to do, -errno. */
int provider_mount_tracefs(const struct host *h);

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
/* The online CPUs (/sys/devices/system/cpu/online) into @cpus; returns how
 * many (at most @max), or -errno. */
int provider_online_cpus(int *cpus, unsigned max);
/* A sampling rate as written: "10ms", "ms:10", "99hz", "hz:99", or a bare
 * number in @dflt_unit.  Units: ns us ms s m (minutes) hz.  Exactly one of
 * period_ns and hz is set.  -EINVAL if malformed, zero or too large. */
struct provider_rate {
	unsigned long long period_ns;
	unsigned long long hz;
};
int provider_parse_rate(const char *text, const char *dflt_unit,
			struct provider_rate *r);
/* Variables of programs whose context is struct bpf_perf_event_data, which
 * starts with the interrupted pt_regs (interval, profile): regs (@regs, a
 * PV_CTX to arch_regs_type()), stack/kstack, ustack. */
int provider_regs_resolve(const struct pvar *regs, const char *name,
			  struct pvar *pv);
/* Insert a probe like @p (same provider, specifier, AST, program type,
 * child_only; its own AST copy, no priv) for @target after @after in
 * s->probes; for providers whose specifier expands to several probes. */
struct probe *provider_probe_dup(struct script *s, const struct probe *p,
				 struct probe *after, const char *target);

#endif
