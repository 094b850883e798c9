/* arch.h - architectures as data.
 *
 * Every table is compiled on every host; arch_host() picks the running one.
 * Offsets are into the kernel's struct pt_regs (what kprobe, uprobe and perf
 * event programs get as context) for that architecture.
 */
#ifndef SPRY_ARCH_H
#define SPRY_ARCH_H

struct arena;
struct type;

#define ARCH_MAX_ARGS 8

struct arch {
	const char *name;		/* "x86_64", matches uname -m */
	const char *const *aliases;	/* "amd64", "arm64"; NULL-terminated */
	unsigned regs_size;		/* sizeof(struct pt_regs) */
	unsigned nargs;			/* function arguments in registers */
	int arg_off[ARCH_MAX_ARGS];	/* kernel/user calling convention */
	unsigned nsysargs;
	int sysarg_off[6];		/* syscall calling convention */
	int ret_off;			/* return value */
	int pc_off, sp_off, fp_off;	/* instruction, stack and frame pointer */
	unsigned nregs;			/* named registers, for the pt_regs type */
	const struct arch_reg { const char *name; int off; } *regs;
};

extern const struct arch *const arches[];	/* NULL-terminated */
const struct arch *arch_host(void);
const struct arch *arch_find(const char *name);
/* struct pt_regs of @arch as a type (members named as the kernel names them). */
const struct type *arch_regs_type(struct arena *a, const struct arch *arch);

#endif
