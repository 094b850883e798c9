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
 *   stop     (optional) make the program stop firing; detach follows.
 *            The runtime calls every probe's stop before any detach, so
 *            that all programs stop first and the slow part (closing a
 *            perf event waits for RCU grace periods: ~50-75 ms each) comes
 *            last.  Both run after spry's output is written, in the
 *            background detach process (runtime.c): until then the trace
 *            is stopped by dropping what the probes send.
 */
#ifndef SPRY_PROVIDER_H
#define SPRY_PROVIDER_H

#include <stdbool.h>
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
};

struct pvar {
	enum pvar_kind kind;
	const struct type *type;
	int off;
	bool indirect;
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
};

/* NULL if no provider has this name or alias. */
const struct provider *provider_find(const char *name);
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
/* The same for another program of @p's (a dispatcher), held by @p; with
 * @d NULL an error is returned but not reported. */
int provider_raw_tp_attach_fd(struct probe *p, int prog_fd, const char *name,
			      struct diag *d);
/* Whether @name matches the shell glob @pat (* ? [set] [!set] and \
 * escapes, as fnmatch(3); with @pathname, as FNM_PATHNAME: only a '/'
 * matches a '/').  Not fnmatch(), which brings glibc's locale collation
 * and wide-character tables into a static spry: 40 KB for what provider
 * names need. */
bool provider_glob_match(const char *pat, const char *name, bool pathname);
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
/* Insert a copy of @p (own AST clone, @target) after @after in s->probes;
 * for providers whose specifier expands to several probes. */
struct probe *provider_probe_dup(struct script *s, const struct probe *p,
				 struct probe *after, const char *target);

#endif
