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

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "arena.h"
#include "provider.h"
#include "script.h"
#include "tracepoint.h"
#include "type.h"

#define RTP_MAX_ARGS 12

struct rtp_priv {
	const char *name;	/* the raw tracepoint */
	int nargs;		/* -1: unknown (no BTF) */
};

static struct btf *rtp_vmlinux;

static void rtp_btf_free(void)
{
	btf__free(rtp_vmlinux);
	rtp_vmlinux = NULL;
}

static int rtp_libbpf_quiet(enum libbpf_print_level level, const char *fmt,
			    va_list ap)
{
	return 0;
}

/* The kernel's BTF, loaded once (~6 ms); NULL where there is none. */
static struct btf *rtp_btf(void)
{
	static bool tried;

	if (!tried) {
		/* this runs while compiling, before the runtime quiets
		 * libbpf: a kernel without BTF (most of the cross suite's)
		 * would get libbpf's "failed to find valid kernel BTF" on
		 * stderr, where spry says what it lacks itself */
		libbpf_print_fn_t print = libbpf_set_print(rtp_libbpf_quiet);

		tried = true;
		atexit(rtp_btf_free);
		/* libbpf 1.x: NULL (errno set) on failure */
		rtp_vmlinux = btf__load_vmlinux_btf();
		libbpf_set_print(print);
	}
	return rtp_vmlinux;
}

/* Arguments of raw tracepoint @name per BTF: btf_trace_NAME is a typedef
 * of a pointer to a function (void *data, args...).  -ENOENT if BTF does
 * not know it, -ENODATA without BTF. */
static int rtp_nargs(const char *name)
{
	struct btf *btf = rtp_btf();
	const struct btf_type *t;
	char tname[256];
	int id;

	if (!btf)
		return -ENODATA;
	snprintf(tname, sizeof(tname), "btf_trace_%s", name);
	id = btf__find_by_name_kind(btf, tname, BTF_KIND_TYPEDEF);
	if (id < 0)
		return -ENOENT;
	t = btf__type_by_id(btf, (unsigned)id);
	while (t && (btf_is_typedef(t) || btf_is_ptr(t) || btf_is_mod(t)))
		t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_func_proto(t) || !btf_vlen(t))
		return -ENOENT;
	return btf_vlen(t) - 1;
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
	n = rtp_nargs(name);
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
