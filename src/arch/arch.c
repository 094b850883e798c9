/* arch.c - the list of architectures and lookups over their tables.
 *
 * Input: a name (--arch, uname -m).  Output: the struct arch describing it,
 * and types built from it (struct pt_regs for `regs`).
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "arch.h"
#include "sysnames.h"
#include "type.h"

const struct arch *const arches[] = {
	&arch_x86_64,
	&arch_aarch64,
	&arch_arm,
	&arch_ppc64le,
	&arch_ppc64,
	&arch_s390x,
	&arch_mips64el,
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
	/* uname -m says "x86_64", "aarch64", "ppc64le", "ppc64" and "s390x",
	 * which are our names; 32-bit arm says its core ("armv7l"), which
	 * the arm table lists as aliases.  "mips64" is either byte order:
	 * only the little-endian one has a table, so a big-endian machine
	 * gets none rather than a wrong one. */
	if (!strcmp(machine, "mips64"))
		return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ?
		       &arch_mips64el : NULL;
	return arch_find(machine);
}

const char *arch_uname(char *buf, size_t n)
{
	struct utsname u;

	snprintf(buf, n, "%s", uname(&u) ? "?" : u.machine);
	return buf;
}

const struct arch *arch_host(void)
{
	char m[sizeof(((struct utsname *)0)->machine)];

	return arch_from_machine(arch_uname(m, sizeof(m)));
}

int arch_reg_off(const struct arch *arch, const char *name)
{
	for (unsigned i = 0; i < arch->nregs; i++)
		if (!strcmp(arch->regs[i].name, name))
			return arch->regs[i].off;
	return -1;
}

const struct type *arch_regs_type(struct arena *a, const struct arch *arch)
{
	struct type *st = type_struct_new(a, "pt_regs");

	for (unsigned i = 0; i < arch->nregs; i++) {
		const struct arch_reg *r = &arch->regs[i];
		const struct type *t = arch_reg_type(arch, false);

		/* The syscall number may be narrower than a register
		 * (aarch64: s32 syscallno followed by padding). */
		if (r->off == arch->sysnr_off)
			t = type_int(arch->sysnr_size, true);
		type_struct_add(a, st, r->name, t, r->off);
	}
	type_struct_finish(st, arch->regs_size);
	return st;
}

/* Since Linux 5.1 (pidfd_send_signal, 424) every architecture gives a new
 * system call the same number, so one table serves them all. */
const struct arch_syscall arch_syscalls_unified[] = {
	ARCH_SC(pidfd_send_signal, 424),
	ARCH_SC(io_uring_setup, 425),
	ARCH_SC(io_uring_enter, 426),
	ARCH_SC(io_uring_register, 427),
	ARCH_SC(open_tree, 428),
	ARCH_SC(move_mount, 429),
	ARCH_SC(fsopen, 430),
	ARCH_SC(fsconfig, 431),
	ARCH_SC(fsmount, 432),
	ARCH_SC(fspick, 433),
	ARCH_SC(pidfd_open, 434),
	ARCH_SC(clone3, 435),
	ARCH_SC(close_range, 436),
	ARCH_SC(openat2, 437),
	ARCH_SC(pidfd_getfd, 438),
	ARCH_SC(faccessat2, 439),
	ARCH_SC(process_madvise, 440),
	ARCH_SC(epoll_pwait2, 441),
	ARCH_SC(mount_setattr, 442),
	ARCH_SC(quotactl_fd, 443),
	ARCH_SC(landlock_create_ruleset, 444),
	ARCH_SC(landlock_add_rule, 445),
	ARCH_SC(landlock_restrict_self, 446),
	ARCH_SC(memfd_secret, 447),
	ARCH_SC(process_mrelease, 448),
	ARCH_SC(futex_waitv, 449),
	ARCH_SC(set_mempolicy_home_node, 450),
	ARCH_SC(cachestat, 451),
	ARCH_SC(fchmodat2, 452),
	ARCH_SC(map_shadow_stack, 453),
	ARCH_SC(futex_wake, 454),
	ARCH_SC(futex_wait, 455),
	ARCH_SC(futex_requeue, 456),
	ARCH_SC(statmount, 457),
	ARCH_SC(listmount, 458),
	ARCH_SC(lsm_get_self_attr, 459),
	ARCH_SC(lsm_set_self_attr, 460),
	ARCH_SC(lsm_list_modules, 461),
	ARCH_SC(mseal, 462),
	ARCH_SC(setxattrat, 463),
	ARCH_SC(getxattrat, 464),
	ARCH_SC(listxattrat, 465),
	ARCH_SC(removexattrat, 466),
	ARCH_SC(open_tree_attr, 467),
	ARCH_SC(file_getattr, 468),
	ARCH_SC(file_setattr, 469),
	ARCH_SC(listns, 470),
};
const unsigned arch_nsyscalls_unified =
	sizeof(arch_syscalls_unified) / sizeof(arch_syscalls_unified[0]);

const struct arch_sysnames arch_sysnames = {
#define ARCH_SYSNAME_INIT(name) #name,
	ARCH_SYSNAMES(ARCH_SYSNAME_INIT)
#undef ARCH_SYSNAME_INIT
};

const char *arch_syscall_name(const struct arch_syscall *sc)
{
	return (const char *)&arch_sysnames + sc->name;
}

int arch_syscall_nr(const struct arch *arch, const char *name)
{
	for (unsigned i = 0; i < arch->nsyscalls; i++)
		if (!strcmp(arch_syscall_name(&arch->syscalls[i]), name))
			return arch->sysnr_base + arch->syscalls[i].nr;
	for (unsigned i = 0; i < arch_nsyscalls_unified; i++)
		if (!strcmp(arch_syscall_name(&arch_syscalls_unified[i]), name))
			return arch->sysnr_base + arch_syscalls_unified[i].nr;
	return -1;
}

const struct type *arch_reg_type(const struct arch *arch, bool is_signed)
{
	return type_int(arch->word_size, is_signed);
}

