/* profile.c - profile:[cpuK:]N[hz|unit]: sample every CPU (or one).
 *
 * Input: "99hz", "99" (hz), "hz:99", "cpu1:99hz", "1:99", "10ms".  Output: a
 * probe of BPF_PROG_TYPE_PERF_EVENT attached to a cpu-clock software event on
 * each online CPU (or on CPU K), sampling at N Hz (attr.freq) or every period.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include <linux/perf_event.h>

#include "arch.h"
#include "arena.h"
#include "provider.h"
#include "script.h"
#include "type.h"

#define PROFILE_MAX_CPUS 4096

struct profile_priv {
	int cpu;		/* -1: every online CPU */
	struct provider_rate rate;
	struct pvar regs;
};

/* "cpu3:..." or "3:..." (a number followed by a rate). */
static const char *parse_cpu(const char *t, int *cpu)
{
	const char *s = t;
	char *end;
	long v;

	if (!strncmp(s, "cpu", 3))
		s += 3;
	else if (!isdigit((unsigned char)*s) || !strchr(s, ':'))
		return t;
	if (!isdigit((unsigned char)*s))
		return NULL;
	v = strtol(s, &end, 10);
	if (*end != ':' || v >= PROFILE_MAX_CPUS)
		return NULL;
	*cpu = (int)v;
	return end + 1;
}

static int profile_expand(struct script *s, struct probe *p, struct diag *d)
{
	const struct arch *arch = s->arch ? s->arch : arch_host();
	struct profile_priv *pp = arena_alloc(s->arena, sizeof(*pp));
	const char *rate;

	pp->cpu = -1;
	rate = parse_cpu(p->target, &pp->cpu);
	if (!rate || provider_parse_rate(rate, "hz", &pp->rate)) {
		diag_error(d, &p->loc, "invalid profile rate '%s': expected "
			   "[cpuK:]N[hz], as in profile:99hz or "
			   "profile:cpu0:999hz", p->target);
		return -EINVAL;
	}
	if (arch) {
		pp->regs.kind = PV_CTX;
		pp->regs.type = type_ptr(s->arena,
					 arch_regs_type(s->arena, arch),
					 AS_CTX);
	}
	p->priv = pp;
	p->prog_type = BPF_PROG_TYPE_PERF_EVENT;
	return 0;
}

static int profile_resolve(struct probe *p, const char *name, struct pvar *pv)
{
	struct profile_priv *pp = p->priv;

	if (!pp || (!pp->regs.type && !strcmp(name, "regs")))
		return -ENOENT;
	return provider_regs_resolve(&pp->regs, name, pv);
}

static int profile_attach(struct rt_probe *rp, struct diag *d)
{
	const struct probe *p = rp->p;
	struct profile_priv *pp = p->priv;
	struct perf_event_attr attr;
	int *cpus, n, i, err;

	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	if (pp->rate.hz) {
		attr.freq = 1;
		attr.sample_freq = pp->rate.hz;
	} else {
		attr.sample_period = pp->rate.period_ns;
	}

	cpus = calloc(PROFILE_MAX_CPUS, sizeof(*cpus));
	if (!cpus)
		return -ENOMEM;
	n = provider_online_cpus(cpus, PROFILE_MAX_CPUS);
	if (n < 0) {
		diag_error(d, &p->loc, "cannot list online CPUs: %s",
			   strerror(-n));
		free(cpus);
		return n;
	}
	if (pp->cpu >= 0) {
		/* perf_event_open() says only EINVAL or ENODEV */
		for (i = 0; i < n && cpus[i] != pp->cpu; i++)
			;
		if (i == n) {
			diag_error(d, &p->loc, "CPU %d is not online (%d "
				   "CPU%s online)", pp->cpu, n,
				   n == 1 ? " is" : "s are");
			free(cpus);
			return -ENODEV;
		}
		cpus[0] = pp->cpu;
		n = 1;
	}
	err = provider_perf_attach(rp, &attr, cpus, (unsigned)n, d);
	free(cpus);
	return err;
}

static const char *const profile_aliases[] = { "p", NULL };

const struct provider profile_provider = {
	.name = "profile",
	.aliases = profile_aliases,
	.takes_target = true,
	.help = "profile:[cpuK:]N[hz]: sample every CPU (or CPU K) N times "
		"a second",
	.expand = profile_expand,
	.resolve = profile_resolve,
	.attach = profile_attach,
	.detach = provider_detach,
	.stop = provider_stop,
};
