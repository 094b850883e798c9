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

const struct arch *arch_host(void)
{
	struct utsname u;

	if (uname(&u))
		return NULL;
	return arch_from_machine(u.machine);
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
	{ "pidfd_send_signal", 424 },
	{ "io_uring_setup", 425 },
	{ "io_uring_enter", 426 },
	{ "io_uring_register", 427 },
	{ "open_tree", 428 },
	{ "move_mount", 429 },
	{ "fsopen", 430 },
	{ "fsconfig", 431 },
	{ "fsmount", 432 },
	{ "fspick", 433 },
	{ "pidfd_open", 434 },
	{ "clone3", 435 },
	{ "close_range", 436 },
	{ "openat2", 437 },
	{ "pidfd_getfd", 438 },
	{ "faccessat2", 439 },
	{ "process_madvise", 440 },
	{ "epoll_pwait2", 441 },
	{ "mount_setattr", 442 },
	{ "quotactl_fd", 443 },
	{ "landlock_create_ruleset", 444 },
	{ "landlock_add_rule", 445 },
	{ "landlock_restrict_self", 446 },
	{ "memfd_secret", 447 },
	{ "process_mrelease", 448 },
	{ "futex_waitv", 449 },
	{ "set_mempolicy_home_node", 450 },
	{ "cachestat", 451 },
	{ "fchmodat2", 452 },
	{ "map_shadow_stack", 453 },
	{ "futex_wake", 454 },
	{ "futex_wait", 455 },
	{ "futex_requeue", 456 },
	{ "statmount", 457 },
	{ "listmount", 458 },
	{ "lsm_get_self_attr", 459 },
	{ "lsm_set_self_attr", 460 },
	{ "lsm_list_modules", 461 },
	{ "mseal", 462 },
	{ "setxattrat", 463 },
	{ "getxattrat", 464 },
	{ "listxattrat", 465 },
	{ "removexattrat", 466 },
	{ "open_tree_attr", 467 },
	{ "file_getattr", 468 },
	{ "file_setattr", 469 },
	{ "listns", 470 },
};
const unsigned arch_nsyscalls_unified =
	sizeof(arch_syscalls_unified) / sizeof(arch_syscalls_unified[0]);

int arch_syscall_nr(const struct arch *arch, const char *name)
{
	for (unsigned i = 0; i < arch->nsyscalls; i++)
		if (!strcmp(arch->syscalls[i].name, name))
			return arch->sysnr_base + arch->syscalls[i].nr;
	for (unsigned i = 0; i < arch_nsyscalls_unified; i++)
		if (!strcmp(arch_syscalls_unified[i].name, name))
			return arch->sysnr_base + arch_syscalls_unified[i].nr;
	return -1;
}

const struct type *arch_reg_type(const struct arch *arch, bool is_signed)
{
	return type_int(arch->word_size, is_signed);
}

