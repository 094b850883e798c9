/* builtin.c - the list of builtins, looked up by name.
 *
 * Input: a name as written ("pid", "tid", "str").  Output: its row
 * (builtin.h).  The rows and their hooks live in the family files of this
 * directory; this is the only list, and its order is that of --help and of
 * "did you mean" suggestions (variables first).
 */
#include <string.h>

#include "builtin.h"
#include "provider.h"

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
extern const struct builtin builtin_count, builtin_sum, builtin_quantize;
/* int.c */
extern const struct builtin builtin_bswap;

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
	/* functions, aggregations, event calls */
	&builtin_print,
	&builtin_printf,
	&builtin_str,
	&builtin_uptr,
	&builtin_mem,
	&builtin_strcmp,
	&builtin_exit,
	&builtin_clear,
	&builtin_count,
	&builtin_sum,
	&builtin_quantize,
	&builtin_dyn,
	&builtin_bswap,
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
