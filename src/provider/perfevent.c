/* perfevent.c - software: and hardware: perf events, every COUNT times.
 *
 * Input: "EVENT" or "EVENT:COUNT" as software:/s: and hardware:/h:
 * targets, with bpftrace's event names and aliases ("cpu-clock" or "cpu",
 * "cycles" for "cpu-cycles") and COUNT a number ("1000", "1e6"; each event
 * has bpftrace's default).  Output: a probe of BPF_PROG_TYPE_PERF_EVENT
 * attached to a perf event of that type and config with sample_period
 * COUNT: the program runs every COUNT events.  The context is struct
 * bpf_perf_event_data (the interrupted registers).
 *
 * Without -p, one event per online CPU counts the whole system.  With -p
 * PID, one event per thread of the process (cpu -1: the event follows the
 * thread): a per-process event counts only the thread it was opened on,
 * and inheriting it to new threads is refused for events with programs.
 * With -c the probes are child_only, like uprobes.
 *
 * Hardware events need a PMU: a virtual machine without a virtual one,
 * as this project's CI host, has none; attaching then says so.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/perf_event.h>

#include "arch.h"
#include "arena.h"
#include "provider.h"
#include "script.h"
#include "type.h"

#define PE_MAX_CPUS 4096

struct pe_event {
	const char *name, *alias;
	unsigned long long config;
	unsigned long long dflt;	/* bpftrace's default COUNT */
};

/* Sorted by name, as bpftrace lists them. */
static const struct pe_event sw_events[] = {
	{ "alignment-faults", NULL, PERF_COUNT_SW_ALIGNMENT_FAULTS, 1 },
	{ "bpf-output", NULL, PERF_COUNT_SW_BPF_OUTPUT, 1 },
	{ "context-switches", "cs", PERF_COUNT_SW_CONTEXT_SWITCHES, 1000 },
	{ "cpu-clock", "cpu", PERF_COUNT_SW_CPU_CLOCK, 1000000 },
	{ "cpu-migrations", NULL, PERF_COUNT_SW_CPU_MIGRATIONS, 1 },
	{ "dummy", NULL, PERF_COUNT_SW_DUMMY, 1 },
	{ "emulation-faults", NULL, PERF_COUNT_SW_EMULATION_FAULTS, 1 },
	{ "major-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1 },
	{ "minor-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MIN, 100 },
	{ "page-faults", "faults", PERF_COUNT_SW_PAGE_FAULTS, 100 },
	{ "task-clock", NULL, PERF_COUNT_SW_TASK_CLOCK, 1 },
	{ NULL, NULL, 0, 0 },
};

static const struct pe_event hw_events[] = {
	{ "backend-stalls", NULL, PERF_COUNT_HW_STALLED_CYCLES_BACKEND,
	  1000000 },
	{ "branch-instructions", "branches", PERF_COUNT_HW_BRANCH_INSTRUCTIONS,
	  100000 },
	{ "branch-misses", NULL, PERF_COUNT_HW_BRANCH_MISSES, 100000 },
	{ "bus-cycles", NULL, PERF_COUNT_HW_BUS_CYCLES, 100000 },
	{ "cache-misses", NULL, PERF_COUNT_HW_CACHE_MISSES, 1000000 },
	{ "cache-references", NULL, PERF_COUNT_HW_CACHE_REFERENCES, 1000000 },
	{ "cpu-cycles", "cycles", PERF_COUNT_HW_CPU_CYCLES, 1000000 },
	{ "frontend-stalls", NULL, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND,
	  1000000 },
	{ "instructions", NULL, PERF_COUNT_HW_INSTRUCTIONS, 1000000 },
	{ "ref-cycles", NULL, PERF_COUNT_HW_REF_CPU_CYCLES, 1000000 },
	{ NULL, NULL, 0, 0 },
};

extern const struct provider software_provider, hardware_provider;

struct pe_priv {
	const struct pe_event *ev;
	unsigned long long count;
	struct pvar regs;
};

static const struct pe_event *pe_table(const struct provider *pv)
{
	return pv == &hardware_provider ? hw_events : sw_events;
}

static unsigned pe_type(const struct provider *pv)
{
	return pv == &hardware_provider ? PERF_TYPE_HARDWARE :
	       PERF_TYPE_SOFTWARE;
}

/* "1000", "1e6": a positive count; 0 if malformed. */
static unsigned long long pe_count(const char *s)
{
	unsigned long long v = 0;
	const char *p = s;

	if (!*p)
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (~0ULL - 9) / 10)
			return 0;
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (p == s)
		return 0;
	if (*p == 'e' && p[1] >= '0' && p[1] <= '9' && !p[2]) {
		for (int e = p[1] - '0'; e > 0; e--) {
			if (v > ~0ULL / 10)
				return 0;
			v *= 10;
		}
		p += 2;
	}
	return *p ? 0 : v;
}

static int pe_expand(struct script *s, struct probe *p, struct diag *d)
{
	const struct arch *arch = s->arch ? s->arch : arch_host();
	const struct pe_event *t = pe_table(p->prov), *ev;
	const char *colon = strchr(p->target, ':');
	size_t len = colon ? (size_t)(colon - p->target) : strlen(p->target);
	struct pe_priv *pe;
	struct suggest sg;
	char name[64];

	snprintf(name, sizeof(name), "%.*s", (int)len, p->target);
	for (ev = t; ev->name; ev++)
		if (!strcmp(ev->name, name) ||
		    (ev->alias && !strcmp(ev->alias, name)))
			break;
	if (!ev->name) {
		const char *hint;

		diag_error(d, &p->loc, "unknown %s event '%s'", p->prov->name,
			   name);
		suggest_init(&sg, name);
		for (ev = t; ev->name; ev++) {
			suggest_try(&sg, ev->name);
			if (ev->alias)
				suggest_try(&sg, ev->alias);
		}
		hint = suggest_best(&sg);
		if (hint)
			diag_note(d, NULL, "did you mean '%s'?", hint);
		else
			diag_note(d, NULL, "spry -l '%s:*' lists them",
				  p->prov->name);
		return -ENOENT;
	}
	pe = arena_alloc(s->arena, sizeof(*pe));
	pe->ev = ev;
	pe->count = colon ? pe_count(colon + 1) : ev->dflt;
	if (!pe->count) {
		diag_error(d, &p->loc, "invalid count '%s': expected a positive "
			   "number of events, as in %s:%s:1000 or 1e6",
			   colon + 1, p->prov->name, ev->name);
		return -EINVAL;
	}
	provider_regs_init(s, arch, &pe->regs);
	p->priv = pe;
	p->prog_type = BPF_PROG_TYPE_PERF_EVENT;
	p->child_only = s->opts.command;
	return 0;
}

static int pe_resolve(struct probe *p, const char *name, struct pvar *pv)
{
	struct pe_priv *pe = p->priv;

	return pe ? provider_regs_resolve(&pe->regs, name, pv) : -ENOENT;
}

static void pe_error(const struct probe *p, int err, struct diag *d)
{
	bool hw = p->prov == &hardware_provider;

	if (hw && (err == -ENOENT || err == -EOPNOTSUPP || err == -ENODEV))
		diag_error(d, &p->loc, "cannot attach to %s:%s: this machine "
			   "has no hardware performance counters for it (%s); "
			   "virtual machines often have none", p->prov->name,
			   p->target, strerror(-err));
	else if (err == -ESRCH)
		diag_error(d, &p->loc, "cannot attach to %s:%s: no such "
			   "process", p->prov->name, p->target);
	else
		diag_error(d, &p->loc, "cannot attach to %s:%s: %s",
			   p->prov->name, p->target, strerror(-err));
}

static int pe_attach(struct rt_probe *rp, struct diag *d)
{
	const struct probe *p = rp->p;
	const struct pe_priv *pe = p->priv;
	struct perf_event_attr attr;
	pid_t pid = rp->pid;
	int *ids, n, err = 0;

	memset(&attr, 0, sizeof(attr));
	attr.type = pe_type(p->prov);
	attr.config = pe->ev->config;
	attr.sample_period = pe->count;
	ids = calloc(PE_MAX_CPUS, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	n = pid > 0 ? provider_threads(pid, ids, PE_MAX_CPUS) :
		      provider_online_cpus(ids, PE_MAX_CPUS);
	if (n < 0)
		err = n;
	for (int i = 0; !err && i < n; i++) {
		struct perf_event_attr a = attr;

		/* per thread: it counts wherever the thread runs */
		err = pid > 0 ? provider_perf_open(rp, &a, ids[i], -1, 0) :
				provider_perf_open(rp, &a, -1, ids[i], 0);
		/* a thread that has exited meanwhile is no error */
		if (err == -ESRCH && pid > 0 && i)
			err = 0;
	}
	free(ids);
	if (err)
		pe_error(p, err, d);
	return err;
}

static int pe_list(const struct provider *pv, struct provider_list *l)
{
	for (const struct pe_event *ev = pe_table(pv); ev->name; ev++) {
		const char *names[2] = { ev->name, ev->alias };

		for (int i = 0; i < 2; i++) {
			char point[64];

			if (!names[i])
				continue;
			/* "software:cpu-clock:", as bpftrace prints them */
			snprintf(point, sizeof(point), "%s:", names[i]);
			if (provider_list_match(l, point) ||
			    provider_list_match(l, names[i]))
				provider_list_emit(pv, l, point, NULL);
		}
	}
	return 0;
}

/* A hardware PMU answers for cycles: open one for ourselves, now. */
static int pe_self_test(FILE *out)
{
	struct perf_event_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_HARDWARE;
	attr.config = PERF_COUNT_HW_CPU_CYCLES;
	attr.disabled = 1;
	fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1,
			  PERF_FLAG_FD_CLOEXEC);
	provider_check(out, "hardware PMU (cycles)", fd < 0 ? -errno : 0,
		       "hardware: events cannot attach");
	if (fd >= 0)
		close(fd);
	return 0;
}

static const char *const software_aliases[] = { "s", NULL };
static const char *const hardware_aliases[] = { "h", NULL };

const struct provider software_provider = {
	.name = "software",
	.aliases = software_aliases,
	.takes_target = true,
	.help = "software:EVENT[:COUNT]: every COUNT software events "
		"(cpu-clock, page-faults, context-switches...)",
	.example = "page-faults:100",
	.pid_filter = PROV_PID_ATTACH,
	.expand = pe_expand,
	.resolve = pe_resolve,
	.attach = pe_attach,
	.detach = provider_detach,
	.stop = provider_stop,
	.list = pe_list,
};

const struct provider hardware_provider = {
	.name = "hardware",
	.aliases = hardware_aliases,
	.takes_target = true,
	.help = "hardware:EVENT[:COUNT]: every COUNT hardware events "
		"(cycles, instructions, cache-misses...)",
	.example = "cycles:1000000",
	.pid_filter = PROV_PID_ATTACH,
	.self_test = pe_self_test,
	.expand = pe_expand,
	.resolve = pe_resolve,
	.attach = pe_attach,
	.detach = provider_detach,
	.stop = provider_stop,
	.list = pe_list,
};
