/* arch.c - the list of architectures and lookups over their tables.
 *
 * Input: a name (--arch, uname -m).  Output: the struct arch describing it,
 * and types built from it (struct pt_regs for `regs`).
 */
#include <string.h>
#include <sys/utsname.h>

#include "arch.h"
#include "type.h"

const struct arch *const arches[] = {
	&arch_x86_64,
	&arch_aarch64,
	NULL,
};

const struct arch *arch_find(const char *name)
{
	for (const struct arch *const *a = arches; *a; a++) {
		if (!strcmp((*a)->name, name))
			return *a;
		for (const char *const *al = (*a)->aliases; al && *al; al++)
			if (!strcmp(*al, name))
				return *a;
	}
	return NULL;
}

const struct arch *arch_from_machine(const char *machine)
{
	/* uname -m says "x86_64" and "aarch64", which are our names; "arm64"
	 * is what some BSD-derived tools print. */
	return arch_find(machine);
}

const struct arch *arch_host(void)
{
	struct utsname u;

	if (uname(&u))
		return NULL;
	return arch_from_machine(u.machine);
}

const struct type *arch_regs_type(struct arena *a, const struct arch *arch)
{
	struct type *st = type_struct_new(a, "pt_regs");

	for (unsigned i = 0; i < arch->nregs; i++) {
		const struct arch_reg *r = &arch->regs[i];
		const struct type *t = &type_u64;

		/* The syscall number may be narrower than a register
		 * (aarch64: s32 syscallno followed by padding). */
		if (r->off == arch->sysnr_off)
			t = type_int(arch->sysnr_size, true);
		type_struct_add(a, st, r->name, t, r->off);
	}
	type_struct_finish(st, arch->regs_size);
	return st;
}

int arch_syscall_nr(const struct arch *arch, const char *name)
{
	for (unsigned i = 0; i < arch->nsyscalls; i++)
		if (!strcmp(arch->syscalls[i].name, name))
			return arch->syscalls[i].nr;
	return -1;
}
