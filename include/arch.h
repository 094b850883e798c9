/* arch.h - architectures as data.
 *
 * Every table is compiled on every host; arch_host() picks the running one.
 * Offsets are into the kernel's struct pt_regs (what kprobe, uprobe and perf
 * event programs get as context) for that architecture.
 *
 * Word size and byte order are data too: a register, a pointer and a C
 * `long` in the kernel's records are word_size bytes, and a value narrower
 * than its slot lies at the slot's start on a little-endian machine but at
 * its end (off + slot - size) on a big-endian one (s390x, ppc64).  The
 * compiler reads them from here, never from the host it runs on, so that
 * `--arch NAME --dry-run` shows what NAME's kernel will run.
 *
 * To add an architecture: src/arch/NAME.c with its pt_regs layout (every
 * register by the kernel's member name), calling conventions, native
 * syscall table and USDT operand syntax (struct arch_usdt); its
 * entry in arches[] (src/arch/arch.c) and in Makefile.am; a layout test in
 * test/unit/check_arch.c and a golden dump (test/golden/arch_NAME.*).
 */
#ifndef SPRY_ARCH_H
#define SPRY_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct type;

#define ARCH_MAX_ARGS 8

/* A system call: its number and the name of its syscalls/sys_enter_NAME
 * tracepoint, which is the name of the kernel's entry point (SYSCALL_DEFINE),
 * not always the name libc uses (x86_64: "newstat" is stat, nr 4).  The
 * name is an offset into one pool all tables share (src/arch/sysnames.h):
 * arch_syscall_name() reads it. */
struct arch_syscall {
	uint16_t name;
	uint16_t nr;
};

const char *arch_syscall_name(const struct arch_syscall *sc);

/* A register: its pt_regs member (or, in a USDT table, a name an
 * assembler gives it) and its offset in pt_regs.  The name is held in the
 * row, not pointed to: the tables need no relocations and their strings no
 * space of their own (check_arch holds every name to the size). */
#define ARCH_REG_NAME	14
struct arch_reg {
	char name[ARCH_REG_NAME];
	int16_t off;
};

/* Rows for general registers 0-15 or 0-31 of a register table, each
 * M(n): { "r" #n, 8 * (n) } and the like. */
#define ARCH_GPRS16(M)							\
	M(0), M(1), M(2), M(3), M(4), M(5), M(6), M(7), M(8), M(9),	\
	M(10), M(11), M(12), M(13), M(14), M(15)
#define ARCH_GPRS32(M)							\
	ARCH_GPRS16(M), M(16), M(17), M(18), M(19), M(20), M(21),	\
	M(22), M(23), M(24), M(25), M(26), M(27), M(28), M(29),	\
	M(30), M(31)

/* How sys/sdt.h's USDT operands read on this architecture.  The notes hold
 * each argument as the assembler prints an operand ("-4@%eax",
 * "8@-16(%rbp)", "4@$5" on x86_64; "-4@w0", "8@[sp, 16]", "4@5" on
 * aarch64), so a table of register names and a few bits of syntax are all
 * an architecture needs to give: usdt.c parses every one with them.
 *
 * A token is looked up as a register first, so an architecture whose
 * assembler prints registers as bare numbers (ppc64's "3") lists "3" among
 * its registers; a bare number that is no register is a constant. */
struct arch_usdt {
	const char *reg_prefix;		/* before a register: "%" (x86_64, s390x),
					 * "$" (mips64), "" */
	const char *imm_prefix;		/* before a constant: "$" (x86_64), "#"
					 * (arm), "" (a bare number) */
	bool brackets;			/* memory is [REG] or [REG, DISP] (arm,
					 * aarch64), else DISP(REG) */
	const char *disp_prefix;	/* before a bracketed DISP: "#" (arm) */
	bool symbols;			/* operands may name data symbols
					 * (x86_64: gvar(%rip), gvar) */
	unsigned nregs;
	const struct arch_reg *regs;	/* every name an operand may give a
					 * register, with the pt_regs offset of
					 * its first byte (x86_64 "ah" is ax+1);
					 * an operand narrower than a register
					 * on a big-endian machine is its last
					 * bytes, which usdt.c finds */
};

struct arch {
	const char *name;		/* "x86_64", matches uname -m */
	const char *const *aliases;	/* "amd64", "arm64"; NULL-terminated */
	unsigned word_size;		/* 8, or 4 on 32-bit kernels: registers,
					 * pointers and long */
	bool big_endian;
	bool global_entry;		/* kallsyms gives a function's global
					 * entry point (ppc64 ELFv2), which
					 * calls inside the kernel skip: they
					 * enter at the local entry, 8 bytes
					 * on, which only the kernel knows */
	unsigned regs_size;		/* sizeof(struct pt_regs) */
	unsigned nargs;			/* function arguments in registers */
	int arg_off[ARCH_MAX_ARGS];	/* kernel/user calling convention */
	unsigned nsysargs;
	int sysarg_off[6];		/* syscall calling convention, valid at
					 * syscall entry and exit alike */
	int ret_off;			/* return value */
	int pc_off, sp_off, fp_off;	/* instruction, stack and frame pointer */
	int sysnr_off;			/* syscall number in pt_regs, still
					 * there at syscall exit; -1 where the
					 * kernel keeps it elsewhere (mips:
					 * thread_info), so sys_exit_NAME
					 * cannot be told apart on the raw
					 * tracepoint ... */
	unsigned sysnr_size;		/* ... a signed integer of this size */
	const char *sys_func_prefix;	/* the kernel's native syscall
					 * functions, prefix + NAME, each taking
					 * the user's `const struct pt_regs *`
					 * (x86_64 "__x64_sys_": fentry attaches
					 * there); NULL where syscalls take
					 * their arguments directly (arm, mips) */
	int sysnr_base;			/* added to every syscall number (mips
					 * n64: 5000) */
	unsigned nregs;			/* named registers, for the pt_regs type */
	const struct arch_reg *regs;
	unsigned nsyscalls;		/* native syscalls below 424, numbered
					 * from sysnr_base */
	const struct arch_syscall *syscalls;
	const struct arch_usdt *usdt;	/* NULL: USDT arguments unreadable */
	/* watchpoint modes (letters of "rwx" in that order) its debug
	 * registers cannot watch: x86_64 has no read-only breakpoint;
	 * NULL-terminated, NULL: none */
	const char *const *bad_watch_modes;
};

/* Syscalls from 424 on, numbered alike on every architecture. */
extern const struct arch_syscall arch_syscalls_unified[];
extern const unsigned arch_nsyscalls_unified;

extern const struct arch *const arches[];	/* NULL-terminated */
extern const struct arch arch_x86_64, arch_aarch64, arch_arm, arch_ppc64le,
	arch_ppc64, arch_s390x, arch_mips64el;
const struct arch *arch_host(void);
/* uname -m into @buf ("?" if uname(2) fails); @buf. */
const char *arch_uname(char *buf, size_t n);
/* By name or alias; NULL if unknown. */
const struct arch *arch_find(const char *name);
/* uname -m to arch; NULL if unknown.  arch_host() is this for the running
 * machine. */
const struct arch *arch_from_machine(const char *machine);
/* The offset in struct pt_regs of the register @name ("ip", "di", "sp";
 * the names the kernel's struct gives them), or -1. */
int arch_reg_off(const struct arch *arch, const char *name);
/* struct pt_regs of @arch as a type (members named as the kernel names them). */
const struct type *arch_regs_type(struct arena *a, const struct arch *arch);
/* Syscall number of the syscalls/sys_enter_@name tracepoint (with
 * sysnr_base added); -1 if unknown. */
int arch_syscall_nr(const struct arch *arch, const char *name);
/* The integer type of a whole register (u64, or u32 on 32-bit kernels),
 * and of one that holds a signed result (retval). */
const struct type *arch_reg_type(const struct arch *arch, bool is_signed);

#endif
