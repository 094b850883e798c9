/* builtin.c - the list of builtins, looked up by name.
 *
 * Input: a name as written ("pid", "tid", "str").  Output: its row
 * (builtin.h).  The rows and their hooks live in the family files of this
 * directory; this is the only list, and its order is that of --help and of
 * "did you mean" suggestions (variables first).
 */
#include <string.h>

#include "ast.h"
#include "builtin.h"
#include "provider.h"
#include "script.h"
#include "sema.h"

/* var.c */
extern const struct builtin builtin_pid, builtin_kpid, builtin_uid,
	builtin_gid, builtin_curtask, builtin_cpu, builtin_time, builtin_walltime;
/* event.c */
extern const struct builtin builtin_print, builtin_printf, builtin_exit,
	builtin_clear;
/* mem.c (builtin_strcmp in builtin.h) */
extern const struct builtin builtin_str, builtin_uptr, builtin_mem,
	builtin_dyn;
/* agg.c */
extern const struct builtin builtin_count, builtin_sum, builtin_quantize,
	builtin_min, builtin_max, builtin_avg, builtin_stats, builtin_hist,
	builtin_lhist, builtin_zero;
/* int.c */
extern const struct builtin builtin_bswap;
/* bpftrace's builtins, issue 14 phase B2: var.c, stack.c, sym.c, net.c,
 * time.c, mem.c, event.c, unsafe.c */
extern const struct builtin builtin_nsecs, builtin_elapsed, builtin_cpid,
	builtin_cgroup,
	builtin_rand, builtin_numaid, builtin_kstack, builtin_ustack,
	builtin_probe;
extern const struct builtin builtin_kstack_call, builtin_ustack_call,
	builtin_ksym, builtin_usym, builtin_kaddr, builtin_uaddr, builtin_reg,
	builtin_cgroupid, builtin_ntop, builtin_macaddr, builtin_pton,
	builtin_strftime, builtin_time_call, builtin_strncmp,
	builtin_strcontains, builtin_buf, builtin_path, builtin_cat,
	builtin_join, builtin_signal, builtin_system, builtin_override,
	builtin_kptr, builtin_strerror;

const struct builtin *const builtins[] = {
	/* variables */
	&builtin_pid,
	&builtin_kpid,
	&builtin_uid,
	&builtin_gid,
	&builtin_comm,
	&builtin_curtask,
	&builtin_cpu,
	&builtin_time,
	&builtin_walltime,
	/* bpftrace's variables (B2) */
	&builtin_nsecs,
	&builtin_elapsed,
	&builtin_cpid,
	&builtin_cgroup,
	&builtin_rand,
	&builtin_numaid,
	&builtin_kstack,
	&builtin_ustack,
	&builtin_probe,
	/* functions, aggregations, event calls */
	&builtin_print,
	&builtin_printf,
	&builtin_str,
	&builtin_uptr,
	&builtin_mem,
	&builtin_strcmp,
	&builtin_exit,
	&builtin_clear,
	&builtin_zero,
	&builtin_count,
	&builtin_sum,
	&builtin_min,
	&builtin_max,
	&builtin_avg,
	&builtin_stats,
	&builtin_hist,
	&builtin_lhist,
	&builtin_quantize,
	&builtin_dyn,
	&builtin_bswap,
	/* bpftrace's functions and event calls (B2) */
	&builtin_kstack_call,
	&builtin_ustack_call,
	&builtin_ksym,
	&builtin_usym,
	&builtin_kaddr,
	&builtin_uaddr,
	&builtin_reg,
	&builtin_cgroupid,
	&builtin_ntop,
	&builtin_macaddr,
	&builtin_pton,
	&builtin_strftime,
	&builtin_time_call,
	&builtin_strncmp,
	&builtin_strcontains,
	&builtin_buf,
	&builtin_path,
	&builtin_kptr,
	&builtin_strerror,
	&builtin_cat,
	&builtin_join,
	&builtin_signal,
	&builtin_system,
	&builtin_override,
	NULL,
};

const struct builtin *builtin_find(const char *name)
{
	const struct builtin *const *b;
	const char *const *al;

	for (b = builtins; *b; b++)
		if (!strcmp((*b)->name, name))
			return *b;
	for (b = builtins; *b; b++)
		for (al = (*b)->aliases; al && *al; al++)
			if (!strcmp(*al, name))
				return *b;
	return NULL;
}

const struct builtin *builtin_find_call(const char *name)
{
	const struct builtin *const *b;
	const char *const *al;

	for (b = builtins; *b; b++) {
		if ((*b)->kind == BK_VAR)
			continue;
		if (!strcmp((*b)->name, name))
			return *b;
		for (al = (*b)->aliases; al && *al; al++)
			if (!strcmp(*al, name))
				return *b;
	}
	return builtin_find(name);
}

bool builtin_check_unsafe(struct sema *S, struct node *call)
{
	if (sema_owner(S)->opts.unsafe)
		return true;
	sema_error(S, &call->loc, "%s() is unsafe: it changes what the "
		   "traced system does; run with --unsafe to allow it",
		   call->name);
	return false;
}

bool builtin_allowed(const struct builtin *b, const struct provider *prov)
{
	const struct provider *const *p;

	if (!b->providers)
		return true;
	for (p = b->providers; *p; p++)
		if (*p == prov)
			return true;
	return false;
}

void builtin_help(FILE *out)
{
	const struct builtin *const *b;
	const char *const *al;

	for (b = builtins; *b; b++) {
		int n = fprintf(out, "  %s", (*b)->usage ? (*b)->usage :
				(*b)->name);

		for (al = (*b)->aliases; al && *al; al++)
			n += fprintf(out, ", %s", *al);
		fprintf(out, "%*s%s\n", n < 24 ? 24 - n : 1, "",
			(*b)->help ? (*b)->help : "");
	}
}
