/* host.h - the host's configuration: what spry reads from its environment.
 *
 * Every environment variable spry honours is a field here, read once by
 * host_read() (the only getenv() in spry, called by main()) and passed
 * down: to the compiler as s->host, to the providers' attach hooks as
 * rt_probe.host.  Library code never reads the environment itself, so the
 * unit suites configure a run by filling a struct host.  man/spry.1 lists
 * every variable (ENVIRONMENT).
 */
#ifndef SPRY_HOST_H
#define SPRY_HOST_H

#include <stdbool.h>

/* SPRY_SYSCALLS: how syscalls/ tracepoint probes attach (tracepoint.c) */
enum host_syscalls {
	HOST_SYSCALLS_AUTO,	/* unset: each specifier as it costs least */
	HOST_SYSCALLS_PERF,	/* "perf": each syscall's perf tracepoint */
	HOST_SYSCALLS_RAW,	/* "raw": raw sys_enter/sys_exit */
	HOST_SYSCALLS_FENTRY,	/* "fentry": fentry/fexit on the syscall's
				 * function wherever BTF has it, without
				 * asking the kernel first */
};

struct host {
	const char *tracefs;	/* SPRY_TRACEFS: tracefs to read formats from
				 * (tests: a fixture); NULL: look for it */
	const char *kallsyms;	/* SPRY_KALLSYMS: instead of /proc/kallsyms */
	const char *machine;	/* SPRY_MACHINE: instead of uname -m (tests:
				 * another architecture's kernel) */
	const char *ldcache;	/* SPRY_LDCACHE: instead of /etc/ld.so.cache */
	const char *btf;	/* SPRY_BTF: the directory of the kernel's BTF
				 * (vmlinux and modules) instead of
				 * /sys/kernel/btf (tests: a fixture) */
	const char *tz;		/* TZ (NULL: unset; "": UTC) and TZDIR: */
	const char *tzdir;	/* the zone of the clocks spry prints (tz.h) */
	const char *path;	/* PATH: where uprobe:PROGRAM is looked for;
				 * NULL: /usr/local/bin:/usr/bin:/bin */
	bool no_ringbuf;	/* SPRY_NO_RINGBUF: events through a perf
				 * event array, as before Linux 5.8 */
	enum host_syscalls syscalls;	/* SPRY_SYSCALLS */
	bool no_kprobe_multi;	/* SPRY_NO_KPROBE_MULTI: one perf event per
				 * kprobe, not one kprobe_multi link */
	bool kprobe_by_name;	/* SPRY_KPROBE_BY_NAME: kprobes by name, not
				 * by the kallsyms address */
	bool no_uprobe_multi;	/* SPRY_NO_UPROBE_MULTI: one perf event per
				 * uprobe, not one uprobe_multi link */
	/* bpftrace's variables, as their users have set them: the defaults
	 * of -s, -M and the probe limit, as written (main() checks them) */
	const char *strlen;	/* BPFTRACE_STRLEN */
	const char *map_keys_max;	/* BPFTRACE_MAP_KEYS_MAX */
	const char *max_probes;	/* BPFTRACE_MAX_PROBES */
};

/* Fill @h from the environment.  A flag is set by any value but "" and
 * "0"; a path by any non-empty value. */
void host_read(struct host *h);

/* The configuration of a host without any of the variables: @h itself,
 * or, when NULL, all defaults. */
const struct host *host_or_default(const struct host *h);

#endif
