/* interval.c - interval:N[unit]: run every N units on one CPU.
 *
 * Input: "1s", "500ms", "10" (seconds), "ms:500", "hz:5".  Output: a probe of
 * BPF_PROG_TYPE_PERF_EVENT attached to one cpu-clock software event on CPU 0
 * with sample_period in ns: a timer that fires once per period, system-wide,
 * not once per CPU (that is profile).
 */
#include <errno.h>
#include <string.h>

#include <linux/perf_event.h>

#include "arch.h"
#include "arena.h"
#include "provider.h"
#include "script.h"
#include "type.h"

struct interval_priv {
	unsigned long long period_ns;
	struct pvar regs;
};

static int interval_expand(struct script *s, struct probe *p, struct diag *d)
{
	const struct arch *arch = s->arch ? s->arch : arch_host();
	struct interval_priv *ip;
	struct provider_rate r;

	if (provider_parse_rate(p->target, "s", &r)) {
		diag_error(d, &p->loc, "invalid interval '%s': expected a "
			   "positive number and a unit (ns, us, ms, s, m, hz), "
			   "as in interval:500ms", p->target);
		return -EINVAL;
	}
	ip = arena_alloc(s->arena, sizeof(*ip));
	ip->period_ns = r.hz ? 1000000000ULL / r.hz : r.period_ns;
	if (!ip->period_ns) {
		diag_error(d, &p->loc, "invalid interval '%s': more than "
			   "1000000000 hz", p->target);
		return -EINVAL;
	}
	if (arch) {
		ip->regs.kind = PV_CTX;
		ip->regs.type = type_ptr(s->arena,
					 arch_regs_type(s->arena, arch),
					 AS_CTX);
	}
	p->priv = ip;
	p->prog_type = BPF_PROG_TYPE_PERF_EVENT;
	return 0;
}

static int interval_resolve(struct probe *p, const char *name,
			    struct pvar *pv)
{
	struct interval_priv *ip = p->priv;

	if (!ip || (!ip->regs.type && !strcmp(name, "regs")))
		return -ENOENT;
	return provider_regs_resolve(&ip->regs, name, pv);
}

static int interval_attach(struct rt_probe *rp, struct diag *d)
{
	struct interval_priv *ip = rp->p->priv;
	struct perf_event_attr attr;
	static const int cpu0[] = { 0 };

	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.sample_period = ip->period_ns;
	return provider_perf_attach(rp, &attr, cpu0, 1, d);
}

static const char *const interval_aliases[] = { "i", NULL };

const struct provider interval_provider = {
	.name = "interval",
	.aliases = interval_aliases,
	.takes_target = true,
	.help = "interval:N[ns|us|ms|s|m|hz]: every N units (default s), "
		"on one CPU",
	.expand = interval_expand,
	.resolve = interval_resolve,
	.attach = interval_attach,
	.detach = provider_detach,
	.stop = provider_stop,
};
