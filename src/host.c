/* host.c - reading the host's configuration from the environment, once.
 *
 * Input: the environment.  Output: a struct host (host.h).  This is the
 * only file of spry that calls getenv().
 */
#include <stdlib.h>
#include <string.h>

#include "host.h"

static const char *host_path(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static bool host_flag(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0");
}

/* "perf", "raw", "fentry"; anything else: spry's own choice */
static enum host_syscalls host_syscalls(const char *v)
{
	if (v && !strcmp(v, "perf"))
		return HOST_SYSCALLS_PERF;
	if (v && !strcmp(v, "raw"))
		return HOST_SYSCALLS_RAW;
	if (v && !strcmp(v, "fentry"))
		return HOST_SYSCALLS_FENTRY;
	return HOST_SYSCALLS_AUTO;
}

void host_read(struct host *h)
{
	memset(h, 0, sizeof(*h));
	h->tracefs = host_path("SPRY_TRACEFS");
	h->kallsyms = host_path("SPRY_KALLSYMS");
	h->machine = host_path("SPRY_MACHINE");
	h->ldcache = host_path("SPRY_LDCACHE");
	h->btf = host_path("SPRY_BTF");
	h->path = host_path("PATH");
	h->tz = getenv("TZ");
	h->tzdir = host_path("TZDIR");
	h->no_ringbuf = getenv("SPRY_NO_RINGBUF") != NULL;
	h->syscalls = host_syscalls(getenv("SPRY_SYSCALLS"));
	h->no_kprobe_multi = host_flag("SPRY_NO_KPROBE_MULTI");
	h->kprobe_by_name = host_flag("SPRY_KPROBE_BY_NAME");
	h->no_uprobe_multi = host_flag("SPRY_NO_UPROBE_MULTI");
	h->strlen = host_path("BPFTRACE_STRLEN");
	h->map_keys_max = host_path("BPFTRACE_MAP_KEYS_MAX");
	h->max_probes = host_path("BPFTRACE_MAX_PROBES");
}

const struct host *host_or_default(const struct host *h)
{
	static const struct host defaults;

	return h ? h : &defaults;
}
