/* rawtracepoint.c - rawtracepoint:NAME: a kernel tracepoint, raw.
 *
 * Input: "NAME" ("sched_switch"), or "SYS:NAME" as bpftrace lists them
 * (the subsystem is dropped: raw tracepoints are named by the event
 * alone), as rawtracepoint:/rt: targets.  Output: a probe of
 * BPF_PROG_TYPE_RAW_TRACEPOINT attached with BPF_RAW_TRACEPOINT_OPEN: the
 * program gets the tracepoint's arguments as the kernel passes them to its
 * probes (u64 args[]), before any trace record is built, which is cheaper
 * than a perf tracepoint and detaches at once.
 *
 * Variables: arg0..argN, the raw arguments as u64 (pointers are kernel
 * addresses).  How many a tracepoint has comes from the kernel's BTF
 * (typedef btf_trace_NAME: a function pointer whose first parameter is
 * the probe's data); without BTF up to 12 are offered and the kernel
 * checks at attach.  Also stack/kstack, ustack.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "btf.h"
#include "provider.h"
#include "script.h"
#include "tracepoint.h"
#include "type.h"

#define RTP_MAX_ARGS 12

struct rtp_priv {
	const char *name;	/* the raw tracepoint */
	int nargs;		/* -1: unknown (no BTF) */
};

/* Arguments of raw tracepoint @name per BTF: btf_trace_NAME is a typedef
 * of a pointer to a function (void *data, args...).  -ENOENT if BTF does
 * not know it, -ENODATA without BTF.  spry's own BTF reader (btf.h): it
 * maps vmlinux and finds one name in ~1 ms, where libbpf's parser takes
 * ~6 ms and would link libbpf's object loader into spry. */
static int rtp_nargs(struct script *s, const char *name)
{
	struct btf *b = btf_new(s->arena, "/sys/kernel/btf");
	const struct type *t;
	const struct member *m;
	char tname[256];
	int n = 0;

	snprintf(tname, sizeof(tname), "btf_trace_%s", name);
	t = btf_type(b, BTF_NS_TYPEDEF, tname);
	if (!t) {
		n = btf_error(b) ? -ENODATA : -ENOENT;
		btf_free(b);
		return n;
	}
	while (t && t->kind == T_PTR)
		t = t->base;
	if (t && t->kind == T_FUNC)
		for (m = t->members; m; m = m->next)
			n++;
	btf_free(b);
	return n ? n - 1 : -ENOENT;
}

static int rtp_expand(struct script *s, struct probe *p, struct diag *d)
{
	const char *colon = strrchr(p->target, ':');
	const char *name = colon ? colon + 1 : p->target;
	struct rtp_priv *r;
	int n;

	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_') {
			diag_error(d, &p->loc, "invalid rawtracepoint '%s': "
				   "expected a tracepoint's name, as in "
				   "rawtracepoint:sched_switch", p->target);
			return -EINVAL;
		}
	if (!*name) {
		diag_error(d, &p->loc, "invalid rawtracepoint '%s': no name",
			   p->target);
		return -EINVAL;
	}
	n = rtp_nargs(s, name);
	if (n == -ENOENT) {
		diag_error(d, &p->loc, "no raw tracepoint '%s' in this kernel",
			   name);
		return n;
	}
	r = arena_alloc(s->arena, sizeof(*r));
	r->nargs = n < 0 ? -1 : n;
	p->priv = r;
	p->target = arena_strdup(s->arena, name);
	r->name = p->target;
	p->prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	return 0;
}

static int rtp_resolve(struct probe *p, const char *name, struct pvar *pv)
{
	const struct rtp_priv *r = p->priv;
	int max;
	char *end;
	long i;

	if (!r)
		return -ENOENT;
	memset(pv, 0, sizeof(*pv));
	if (strncmp(name, "arg", 3) || !isdigit((unsigned char)name[3])) {
		/* no registers here (a pvar without a type): the stacks */
		static const struct pvar none;

		return provider_regs_resolve(&none, name, pv);
	}
	i = strtol(name + 3, &end, 10);
	max = r->nargs < 0 ? RTP_MAX_ARGS : r->nargs;
	if (*end || i < 0 || i >= max || (name[3] == '0' && name[4]))
		return -ENOENT;
	pv->kind = PV_CTX_LOAD;
	pv->off = (int)(8 * i);
	pv->type = &type_u64;
	return 0;
}

static int rtp_attach(struct rt_probe *rp, struct diag *d)
{
	const struct rtp_priv *r = rp->p->priv;

	return provider_raw_tp_attach(rp, r->name, d);
}

/* "rawtracepoint:sched_switch" for every tracepoint tracefs lists (the
 * syscalls' own events are not raw tracepoints: they are sys_enter and
 * sys_exit). */
static int rtp_list(const struct provider *pv, struct provider_list *l)
{
	const char **names;
	int n = tp_list(l->a, provider_tracefs(l->host), &names);

	if (n < 0)
		return l->all ? 0 : n;
	for (int i = 0; i < n; i++) {
		const char *ev = strchr(names[i], '/');

		if (!ev || !strncmp(names[i], "syscalls/", 9))
			continue;
		if (provider_list_match(l, ev + 1))
			provider_list_emit(pv, l, ev + 1, NULL);
	}
	return 0;
}

static const char *const rtp_aliases[] = { "rt", NULL };

const struct provider rawtracepoint_provider = {
	.name = "rawtracepoint",
	.aliases = rtp_aliases,
	.takes_target = true,
	.help = "rawtracepoint:NAME: a tracepoint's raw arguments arg0.., "
		"before any record is built",
	.example = "sched_switch",
	.pid_filter = PROV_PID_BPF,	/* it fires for every process */
	.expand = rtp_expand,
	.resolve = rtp_resolve,
	.attach = rtp_attach,
	.detach = provider_detach,
	.stop = provider_stop,
	.list = rtp_list,
};
