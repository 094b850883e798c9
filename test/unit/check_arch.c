/* check_arch.c - the architecture tables: lookups, layouts, syscall numbers.
 *
 * Every table is checked on every host; where the host's own headers can
 * vouch for a table (struct pt_regs and SYS_* on x86_64), they do.
 */
#include <stddef.h>
#include <dirent.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#if defined(__x86_64__)
#include <asm/ptrace.h>
#endif

#include "arch.h"
#include "arena.h"
#include "type.h"
#include "unit.h"

START_TEST(test_find)
{
	ck_assert_ptr_eq(arch_find("x86_64"), &arch_x86_64);
	ck_assert_ptr_eq(arch_find("amd64"), &arch_x86_64);
	ck_assert_ptr_eq(arch_find("aarch64"), &arch_aarch64);
	ck_assert_ptr_eq(arch_find("arm64"), &arch_aarch64);
	ck_assert_ptr_null(arch_find("x86"));
	ck_assert_ptr_null(arch_find("X86_64"));
	ck_assert_ptr_null(arch_find(""));
	ck_assert_ptr_eq(arch_from_machine("aarch64"), &arch_aarch64);
	ck_assert_ptr_null(arch_from_machine("riscv64"));
	/* Debian's names and uname -m's */
	ck_assert_ptr_eq(arch_find("armhf"), &arch_arm);
	ck_assert_ptr_eq(arch_find("armel"), &arch_arm);
	ck_assert_ptr_eq(arch_from_machine("armv7l"), &arch_arm);
	ck_assert_ptr_eq(arch_find("ppc64el"), &arch_ppc64le);
	ck_assert_ptr_eq(arch_from_machine("ppc64le"), &arch_ppc64le);
	ck_assert_ptr_eq(arch_from_machine("ppc64"), &arch_ppc64);
	ck_assert_ptr_eq(arch_from_machine("s390x"), &arch_s390x);
	ck_assert_ptr_eq(arch_find("mips64el"), &arch_mips64el);
	/* uname says mips64 for both byte orders: only ours has a table */
	ck_assert_ptr_eq(arch_from_machine("mips64"),
			 __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ?
			 &arch_mips64el : NULL);
}
END_TEST

START_TEST(test_list)
{
	unsigned n = 0;

	for (const struct arch *const *a = arches; *a; a++)
		n++;
	ck_assert_uint_eq(n, 7);
	ck_assert_ptr_eq(arches[0], &arch_x86_64);
	ck_assert_ptr_eq(arches[1], &arch_aarch64);
	ck_assert_ptr_eq(arches[2], &arch_arm);
	ck_assert_ptr_eq(arches[3], &arch_ppc64le);
	ck_assert_ptr_eq(arches[4], &arch_ppc64);
	ck_assert_ptr_eq(arches[5], &arch_s390x);
	ck_assert_ptr_eq(arches[6], &arch_mips64el);
}
END_TEST

START_TEST(test_host)
{
	struct utsname u;

	ck_assert_int_eq(uname(&u), 0);
	ck_assert_ptr_eq(arch_host(), arch_find(u.machine));
#if defined(__x86_64__)
	ck_assert_ptr_eq(arch_host(), &arch_x86_64);
#elif defined(__aarch64__)
	ck_assert_ptr_eq(arch_host(), &arch_aarch64);
#elif defined(__arm__)
	ck_assert_ptr_eq(arch_host(), &arch_arm);
#elif defined(__s390x__)
	ck_assert_ptr_eq(arch_host(), &arch_s390x);
#endif
	/* the table's facts are this very build's where it runs */
	if (arch_host()) {
		ck_assert_uint_eq(arch_host()->word_size, sizeof(long));
		ck_assert_int_eq(arch_host()->big_endian,
				 __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
	}
}
END_TEST

/* reg("name") looks registers up by the names of the table */
START_TEST(test_reg_off)
{
	for (const struct arch *const *ap = arches; *ap; ap++) {
		const struct arch_usdt *u = (*ap)->usdt;

		for (unsigned i = 0; i < (*ap)->nregs; i++) {
			/* the name fits its row with its NUL */
			ck_assert_uint_lt(strnlen((*ap)->regs[i].name,
						  ARCH_REG_NAME), ARCH_REG_NAME);
			ck_assert_int_eq(arch_reg_off(*ap, (*ap)->regs[i].name),
					 (*ap)->regs[i].off);
		}
		for (unsigned i = 0; u && i < u->nregs; i++)
			ck_assert_uint_lt(strnlen(u->regs[i].name,
						  ARCH_REG_NAME), ARCH_REG_NAME);
	}
	ck_assert_int_eq(arch_reg_off(&arch_x86_64, "ip"), 128);
	/* where fentry attaches syscalls/ probes, and where it cannot */
	ck_assert_str_eq(arch_x86_64.sys_func_prefix, "__x64_sys_");
	ck_assert_str_eq(arch_aarch64.sys_func_prefix, "__arm64_sys_");
	ck_assert_ptr_null(arch_arm.sys_func_prefix);
	ck_assert_ptr_null(arch_mips64el.sys_func_prefix);
	ck_assert_int_eq(arch_reg_off(&arch_x86_64, "pc"), -1);
	ck_assert_int_eq(arch_reg_off(&arch_aarch64, "pc"), 256);
	ck_assert_int_eq(arch_reg_off(&arch_aarch64, ""), -1);
}
END_TEST

static bool is_reg_off(const struct arch *a, int off)
{
	for (unsigned i = 0; i < a->nregs; i++)
		if (a->regs[i].off == off)
			return true;
	return false;
}

/* Invariants every table keeps: registers word-aligned, distinct, inside
 * pt_regs; every convention names a register; the syscall number lies
 * inside one. */
START_TEST(test_tables_consistent)
{
	for (const struct arch *const *ap = arches; *ap; ap++) {
		const struct arch *a = *ap;
		int w = (int)a->word_size;

		ck_assert(w == 4 || w == 8);
		ck_assert_uint_le(a->nargs, ARCH_MAX_ARGS);
		ck_assert_uint_ge(a->nargs, 4);
		ck_assert_uint_eq(a->nsysargs, 6);
		ck_assert_uint_gt(a->nregs, 0);
		ck_assert_uint_eq(a->regs_size % a->word_size, 0);
		for (unsigned i = 0; i < a->nregs; i++) {
			ck_assert_int_eq(a->regs[i].off % w, 0);
			ck_assert_uint_lt(a->regs[i].off + w, a->regs_size + 1);
			for (unsigned j = 0; j < i; j++) {
				ck_assert_int_ne(a->regs[i].off,
						 a->regs[j].off);
				ck_assert_str_ne(a->regs[i].name,
						 a->regs[j].name);
			}
		}
		for (unsigned i = 0; i < a->nargs; i++)
			ck_assert_msg(is_reg_off(a, a->arg_off[i]),
				      "%s arg %u", a->name, i);
		for (unsigned i = 0; i < a->nsysargs; i++)
			ck_assert_msg(is_reg_off(a, a->sysarg_off[i]),
				      "%s sysarg %u", a->name, i);
		ck_assert(is_reg_off(a, a->ret_off));
		ck_assert(is_reg_off(a, a->pc_off));
		ck_assert(is_reg_off(a, a->sp_off));
		ck_assert(is_reg_off(a, a->fp_off));
		ck_assert(a->sysnr_size == 2 || a->sysnr_size == 4 ||
			  a->sysnr_size == 8);
		/* syscall functions on pt_regs: 64-bit kernels only, and
		 * their number must be readable in those pt_regs */
		if (a->sys_func_prefix) {
			size_t n = strlen(a->sys_func_prefix);

			ck_assert_uint_eq(a->word_size, 8);
			ck_assert_int_ge(a->sysnr_off, 0);
			ck_assert(n > 5 && !strcmp(a->sys_func_prefix + n - 5,
						   "_sys_"));
		}
		if (a->sysnr_off >= 0) {
			/* a register or its low-order part (s390x: the low
			 * half of the u32 int_code, at its end) */
			int reg = a->sysnr_off & ~(w - 1);

			ck_assert_msg(is_reg_off(a, reg), "%s sysnr", a->name);
			if (a->big_endian)
				ck_assert_int_eq((a->sysnr_off +
						  (int)a->sysnr_size) % 4, 0);
			else
				ck_assert_int_eq(a->sysnr_off, reg);
		}
		/* every ISA reads USDT operands; their register names
		 * lie in registers (x86_64's "ah" one byte in), and one that
		 * is also a pt_regs member's name has that member's offset
		 * (check_usdt parses every table) */
		ck_assert_msg(a->usdt != NULL, "%s has no USDT table", a->name);
		for (unsigned i = 0; i < a->usdt->nregs; i++) {
			const struct arch_reg *r = &a->usdt->regs[i];

			ck_assert_msg(is_reg_off(a, r->off & ~(w - 1)),
				      "%s USDT %s", a->name, r->name);
			if (arch_reg_off(a, r->name) >= 0)
				ck_assert_int_eq(arch_reg_off(a, r->name), r->off);
		}
	}
}
END_TEST

START_TEST(test_x86_64_layout)
{
	const struct arch *a = &arch_x86_64;
	static const char *const order[] = {
		"r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9",
		"r8", "ax", "cx", "dx", "si", "di", "orig_ax", "ip", "cs",
		"flags", "sp", "ss",
	};

	ck_assert_uint_eq(a->nregs, sizeof(order) / sizeof(order[0]));
	for (unsigned i = 0; i < a->nregs; i++) {
		ck_assert_str_eq(a->regs[i].name, order[i]);
		ck_assert_int_eq(a->regs[i].off, (int)(8 * i));
	}
	ck_assert_uint_eq(a->regs_size, 168);
	ck_assert_int_eq(a->arg_off[0], arch_reg_off(a, "di"));
	ck_assert_int_eq(a->arg_off[1], arch_reg_off(a, "si"));
	ck_assert_int_eq(a->arg_off[2], arch_reg_off(a, "dx"));
	ck_assert_int_eq(a->arg_off[3], arch_reg_off(a, "cx"));
	ck_assert_int_eq(a->arg_off[4], arch_reg_off(a, "r8"));
	ck_assert_int_eq(a->arg_off[5], arch_reg_off(a, "r9"));
	ck_assert_int_eq(a->sysarg_off[3], arch_reg_off(a, "r10"));
	ck_assert_int_eq(a->ret_off, arch_reg_off(a, "ax"));
	ck_assert_int_eq(a->pc_off, arch_reg_off(a, "ip"));
	ck_assert_int_eq(a->sp_off, arch_reg_off(a, "sp"));
	ck_assert_int_eq(a->fp_off, arch_reg_off(a, "bp"));
	ck_assert_int_eq(a->sysnr_off, arch_reg_off(a, "orig_ax"));
#if defined(__x86_64__)
	/* the uapi struct pt_regs of this very machine */
	ck_assert_uint_eq(a->regs_size, sizeof(struct pt_regs));
	ck_assert_int_eq(arch_reg_off(a, "r15"), offsetof(struct pt_regs, r15));
	ck_assert_int_eq(arch_reg_off(a, "bp"), offsetof(struct pt_regs, rbp));
	ck_assert_int_eq(arch_reg_off(a, "r10"), offsetof(struct pt_regs, r10));
	ck_assert_int_eq(arch_reg_off(a, "ax"), offsetof(struct pt_regs, rax));
	ck_assert_int_eq(arch_reg_off(a, "di"), offsetof(struct pt_regs, rdi));
	ck_assert_int_eq(arch_reg_off(a, "orig_ax"),
			 offsetof(struct pt_regs, orig_rax));
	ck_assert_int_eq(arch_reg_off(a, "ip"), offsetof(struct pt_regs, rip));
	ck_assert_int_eq(arch_reg_off(a, "sp"), offsetof(struct pt_regs, rsp));
	ck_assert_int_eq(arch_reg_off(a, "ss"), offsetof(struct pt_regs, ss));
#endif
}
END_TEST

START_TEST(test_aarch64_layout)
{
	const struct arch *a = &arch_aarch64;
	char name[8];

	for (int i = 0; i <= 30; i++) {
		snprintf(name, sizeof(name), "x%d", i);
		ck_assert_int_eq(arch_reg_off(a, name), 8 * i);
	}
	ck_assert_int_eq(arch_reg_off(a, "sp"), 248);
	ck_assert_int_eq(arch_reg_off(a, "pc"), 256);
	ck_assert_int_eq(arch_reg_off(a, "pstate"), 264);
	/* sizeof(struct user_pt_regs) == 272: the kernel-only part follows */
	ck_assert_int_eq(arch_reg_off(a, "orig_x0"), 272);
	ck_assert_int_eq(arch_reg_off(a, "syscallno"), 280);
	ck_assert_uint_eq(a->regs_size, 336);
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(a->arg_off[i], 8 * i);
	/* x0 is the result by syscall exit: argument 0 lives in orig_x0 */
	ck_assert_int_eq(a->sysarg_off[0], 272);
	for (int i = 1; i < 6; i++)
		ck_assert_int_eq(a->sysarg_off[i], 8 * i);
	ck_assert_int_eq(a->ret_off, 0);
	ck_assert_int_eq(a->fp_off, arch_reg_off(a, "x29"));
	ck_assert_int_eq(a->sysnr_off, 280);
	ck_assert_uint_eq(a->sysnr_size, 4);
}
END_TEST

START_TEST(test_arm_layout)
{
	const struct arch *a = &arch_arm;
	char name[8];

	ck_assert_uint_eq(a->word_size, 4);
	ck_assert(!a->big_endian);
	for (int i = 0; i <= 10; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		ck_assert_int_eq(arch_reg_off(a, name), 4 * i);
	}
	ck_assert_int_eq(arch_reg_off(a, "fp"), 44);
	ck_assert_int_eq(arch_reg_off(a, "sp"), 52);
	ck_assert_int_eq(arch_reg_off(a, "lr"), 56);
	ck_assert_int_eq(arch_reg_off(a, "pc"), 60);
	ck_assert_int_eq(arch_reg_off(a, "cpsr"), 64);
	ck_assert_int_eq(arch_reg_off(a, "orig_r0"), 68);
	ck_assert_uint_eq(a->regs_size, 18 * 4);
	ck_assert_uint_eq(a->nargs, 4);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(a->arg_off[i], 4 * i);
	ck_assert_int_eq(a->sysarg_off[0], 68);
	ck_assert_int_eq(a->sysarg_off[5], 20);
	ck_assert_int_eq(a->sysnr_off, arch_reg_off(a, "r7"));
	ck_assert_int_eq(a->pc_off, 60);
}
END_TEST

START_TEST(test_ppc64_layout)
{
	char name[8];

	/* two tables, one layout: only the byte order differs */
	ck_assert(!arch_ppc64le.big_endian);
	ck_assert(arch_ppc64.big_endian);
	/* ELFv2 kallsyms addresses are global entry points; ELFv1's (and
	 * every other arch's) are where calls enter */
	ck_assert(arch_ppc64le.global_entry);
	for (const struct arch *const *a = arches; *a; a++)
		ck_assert((*a)->global_entry == (*a == &arch_ppc64le));
	ck_assert_ptr_eq(arch_ppc64le.regs, arch_ppc64.regs);
	ck_assert_ptr_eq(arch_ppc64le.syscalls, arch_ppc64.syscalls);
	for (const struct arch *a = &arch_ppc64le; a;
	     a = a == &arch_ppc64le ? &arch_ppc64 : NULL) {
		for (int i = 0; i < 32; i++) {
			snprintf(name, sizeof(name), "r%d", i);
			ck_assert_int_eq(arch_reg_off(a, name), 8 * i);
		}
		ck_assert_int_eq(a->pc_off, arch_reg_off(a, "nip"));
		ck_assert_int_eq(arch_reg_off(a, "nip"), 256);
		ck_assert_int_eq(arch_reg_off(a, "orig_gpr3"), 272);
		ck_assert_int_eq(arch_reg_off(a, "link"), 288);
		ck_assert_int_eq(arch_reg_off(a, "result"), 344);
		ck_assert_uint_eq(a->regs_size, 384);
		ck_assert_uint_eq(a->nargs, 8);
		for (int i = 0; i < 8; i++)
			ck_assert_int_eq(a->arg_off[i], 8 * (i + 3));
		ck_assert_int_eq(a->ret_off, arch_reg_off(a, "r3"));
		ck_assert_int_eq(a->sysarg_off[0], arch_reg_off(a, "orig_gpr3"));
		ck_assert_int_eq(a->sysarg_off[1], arch_reg_off(a, "r4"));
		ck_assert_int_eq(a->sp_off, arch_reg_off(a, "r1"));
		ck_assert_int_eq(a->sysnr_off, arch_reg_off(a, "r0"));
	}
}
END_TEST

START_TEST(test_s390x_layout)
{
	const struct arch *a = &arch_s390x;
	char name[8];

	ck_assert(a->big_endian);
	ck_assert_uint_eq(a->word_size, 8);
	ck_assert_int_eq(arch_reg_off(a, "psw_addr"), 16);
	for (int i = 0; i < 16; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		ck_assert_int_eq(arch_reg_off(a, name), 24 + 8 * i);
	}
	ck_assert_int_eq(arch_reg_off(a, "orig_gpr2"), 152);
	ck_assert_int_eq(arch_reg_off(a, "int_code"), 160);
	ck_assert_uint_eq(a->nargs, 5);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(a->arg_off[i], arch_reg_off(a, "r2") + 8 * i);
	ck_assert_int_eq(a->ret_off, arch_reg_off(a, "r2"));
	ck_assert_int_eq(a->sysarg_off[0], 152);
	ck_assert_int_eq(a->sysarg_off[5], arch_reg_off(a, "r7"));
	ck_assert_int_eq(a->pc_off, 16);
	ck_assert_int_eq(a->sp_off, arch_reg_off(a, "r15"));
	/* the low 16 bits of the big-endian u32 int_code */
	ck_assert_int_eq(a->sysnr_off, 162);
	ck_assert_uint_eq(a->sysnr_size, 2);
}
END_TEST

START_TEST(test_mips64el_layout)
{
	const struct arch *a = &arch_mips64el;
	char name[8];

	ck_assert(!a->big_endian);
	for (int i = 0; i < 32; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		ck_assert_int_eq(arch_reg_off(a, name), 8 * i);
	}
	ck_assert_int_eq(arch_reg_off(a, "cp0_epc"), 296);
	ck_assert_uint_eq(a->regs_size, 304);
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(a->arg_off[i], 8 * (4 + i));	/* a0-a7 */
	ck_assert_int_eq(a->ret_off, 16);			/* v0 */
	ck_assert_int_eq(a->pc_off, 296);
	/* the number is not in pt_regs at exit; user space adds 5000 */
	ck_assert_int_eq(a->sysnr_off, -1);
	ck_assert_int_eq(a->sysnr_base, 5000);
}
END_TEST

/* Register names as USDT operands write them, for every table. */
START_TEST(test_regs_type)
{
	struct arena *ar = arena_new();

	for (const struct arch *const *ap = arches; *ap; ap++) {
		const struct arch *a = *ap;
		const struct type *t = arch_regs_type(ar, a);
		unsigned n = 0;

		ck_assert_int_eq(t->kind, T_STRUCT);
		ck_assert_uint_eq(t->size, a->regs_size);
		for (const struct member *m = t->members; m; m = m->next) {
			ck_assert_int_eq((int)m->off, arch_reg_off(a, m->name));
			ck_assert(type_is_int(m->type));
			/* a register is a word; the number may be narrower */
			if ((int)m->off != a->sysnr_off)
				ck_assert_uint_eq(m->type->size, a->word_size);
			n++;
		}
		ck_assert_uint_eq(n, a->nregs);
	}
	{
		const struct type *t = arch_regs_type(ar, &arch_aarch64);
		const struct member *m = type_member(t, "syscallno");

		ck_assert_ptr_nonnull(m);
		ck_assert_uint_eq(m->type->size, 4);
		ck_assert(m->type->is_signed);
		m = type_member(arch_regs_type(ar, &arch_x86_64), "di");
		ck_assert_ptr_nonnull(m);
		ck_assert_uint_eq(m->off, 112);
		ck_assert_uint_eq(m->type->size, 8);
		/* 32-bit arm: u32 registers */
		m = type_member(arch_regs_type(ar, &arch_arm), "r1");
		ck_assert_ptr_nonnull(m);
		ck_assert_uint_eq(m->type->size, 4);
		ck_assert(!m->type->is_signed);
		ck_assert_ptr_eq(arch_reg_type(&arch_arm, true), &type_s32);
		ck_assert_ptr_eq(arch_reg_type(&arch_s390x, false), &type_u64);
	}
	arena_free(ar);
}
END_TEST

START_TEST(test_syscalls_unique)
{
	for (const struct arch *const *ap = arches; *ap; ap++) {
		const struct arch *a = *ap;

		ck_assert_uint_gt(a->nsyscalls, 250);
		ck_assert_int_ge(a->sysnr_base, 0);
		for (unsigned i = 0; i < a->nsyscalls; i++) {
			ck_assert_int_ge(a->syscalls[i].nr, 0);
			ck_assert_int_lt(a->syscalls[i].nr, 424);
			for (unsigned j = 0; j < i; j++) {
				ck_assert_int_ne(a->syscalls[i].nr,
						 a->syscalls[j].nr);
				ck_assert_str_ne(arch_syscall_name(&a->syscalls[i]),
						 arch_syscall_name(&a->syscalls[j]));
			}
		}
	}
}
END_TEST

START_TEST(test_syscalls_unified)
{
	ck_assert_uint_gt(arch_nsyscalls_unified, 40);
	for (unsigned i = 0; i < arch_nsyscalls_unified; i++) {
		ck_assert_int_eq(arch_syscalls_unified[i].nr, 424 + (int)i);
		for (const struct arch *const *ap = arches; *ap; ap++)
			for (unsigned j = 0; j < (*ap)->nsyscalls; j++)
				ck_assert_str_ne(
					arch_syscall_name(&(*ap)->syscalls[j]),
					arch_syscall_name(&arch_syscalls_unified[i]));
	}
}
END_TEST

/* Every row's name is read back whole from the shared pool: the names
 * of x86_64's first rows, and a keyword's (ppc64's break). */
START_TEST(test_syscall_names)
{
	const struct arch_syscall *sc = arch_x86_64.syscalls;

	ck_assert_str_eq(arch_syscall_name(&sc[0]), "read");
	ck_assert_str_eq(arch_syscall_name(&sc[1]), "write");
	ck_assert_int_eq(arch_syscall_nr(&arch_ppc64le, "break"), 17);
	for (const struct arch *const *ap = arches; *ap; ap++)
		for (unsigned i = 0; i < (*ap)->nsyscalls; i++) {
			const char *n = arch_syscall_name(&(*ap)->syscalls[i]);

			ck_assert_uint_gt(strlen(n), 1);
			ck_assert_int_eq(arch_syscall_nr(*ap, n),
					 (*ap)->sysnr_base +
					 (*ap)->syscalls[i].nr);
		}
}
END_TEST

START_TEST(test_syscall_nr)
{
	const struct arch *x = &arch_x86_64, *a = &arch_aarch64;

	ck_assert_int_eq(arch_syscall_nr(x, "read"), 0);
	ck_assert_int_eq(arch_syscall_nr(x, "write"), 1);
	ck_assert_int_eq(arch_syscall_nr(x, "openat"), 257);
	ck_assert_int_eq(arch_syscall_nr(x, "getppid"), 110);
	ck_assert_int_eq(arch_syscall_nr(x, "execve"), 59);
	/* tracepoint names are entry points, not libc names */
	ck_assert_int_eq(arch_syscall_nr(x, "newstat"), 4);
	ck_assert_int_eq(arch_syscall_nr(x, "sendfile64"), 40);
	ck_assert_int_eq(arch_syscall_nr(x, "newuname"), 63);
	ck_assert_int_eq(arch_syscall_nr(x, "umount"), 166);
	ck_assert_int_eq(arch_syscall_nr(x, "stat"), -1);
	ck_assert_int_eq(arch_syscall_nr(x, "mseal"), 462);
	ck_assert_int_eq(arch_syscall_nr(x, "uprobe"), 336);
	ck_assert_int_eq(arch_syscall_nr(x, "nosuchcall"), -1);

	ck_assert_int_eq(arch_syscall_nr(a, "openat"), 56);
	ck_assert_int_eq(arch_syscall_nr(a, "read"), 63);
	ck_assert_int_eq(arch_syscall_nr(a, "write"), 64);
	ck_assert_int_eq(arch_syscall_nr(a, "getppid"), 173);
	ck_assert_int_eq(arch_syscall_nr(a, "execve"), 221);
	ck_assert_int_eq(arch_syscall_nr(a, "newfstatat"), 79);
	ck_assert_int_eq(arch_syscall_nr(a, "clone3"), 435);
	ck_assert_int_eq(arch_syscall_nr(a, "mseal"), 462);
	/* no legacy calls on the generic table */
	ck_assert_int_eq(arch_syscall_nr(a, "open"), -1);
	ck_assert_int_eq(arch_syscall_nr(a, "uprobe"), -1);

	/* the other tables, by the numbers their libcs use (asm/unistd*.h);
	 * tracepoint names are entry points there too */
	a = &arch_arm;
	ck_assert_int_eq(arch_syscall_nr(a, "read"), 3);
	ck_assert_int_eq(arch_syscall_nr(a, "openat"), 322);
	ck_assert_int_eq(arch_syscall_nr(a, "newstat"), 106);
	ck_assert_int_eq(arch_syscall_nr(a, "getpid"), 20);
	/* 32-bit time: the plain name is the 64-bit-time call */
	ck_assert_int_eq(arch_syscall_nr(a, "clock_gettime"), 403);
	ck_assert_int_eq(arch_syscall_nr(a, "clock_gettime32"), 263);
	ck_assert_int_eq(arch_syscall_nr(a, "getuid"), 199);
	ck_assert_int_eq(arch_syscall_nr(a, "getuid16"), 24);
	ck_assert_int_eq(arch_syscall_nr(a, "clone3"), 435);
	a = &arch_ppc64le;
	ck_assert_int_eq(arch_syscall_nr(a, "read"), 3);
	ck_assert_int_eq(arch_syscall_nr(a, "openat"), 286);
	ck_assert_int_eq(arch_syscall_nr(a, "newfstatat"), 291);
	ck_assert_int_eq(arch_syscall_nr(a, "select"), 142);
	ck_assert_int_eq(arch_syscall_nr(&arch_ppc64, "openat"), 286);
	a = &arch_s390x;
	ck_assert_int_eq(arch_syscall_nr(a, "read"), 3);
	ck_assert_int_eq(arch_syscall_nr(a, "openat"), 288);
	ck_assert_int_eq(arch_syscall_nr(a, "old_mmap"), 90);
	ck_assert_int_eq(arch_syscall_nr(a, "newfstatat"), 293);
	ck_assert_int_eq(arch_syscall_nr(a, "getrlimit"), 191);
	a = &arch_mips64el;
	ck_assert_int_eq(arch_syscall_nr(a, "read"), 5000);
	ck_assert_int_eq(arch_syscall_nr(a, "openat"), 5247);
	ck_assert_int_eq(arch_syscall_nr(a, "mips_mmap"), 5009);
	ck_assert_int_eq(arch_syscall_nr(a, "clone3"), 5435);
	ck_assert_int_eq(arch_syscall_nr(a, "nosuchcall"), -1);
}
END_TEST

#if defined(__x86_64__)
/* The host libc's numbers agree with the table wherever the names do. */
START_TEST(test_syscall_nr_host)
{
	static const struct { const char *name; long nr; } sys[] = {
		{ "read", SYS_read }, { "openat", SYS_openat },
		{ "close", SYS_close }, { "clone", SYS_clone },
		{ "execve", SYS_execve }, { "exit_group", SYS_exit_group },
		{ "bpf", SYS_bpf }, { "perf_event_open", SYS_perf_event_open },
		{ "clock_nanosleep", SYS_clock_nanosleep },
		{ "io_uring_enter", SYS_io_uring_enter },
		{ "newfstatat", SYS_newfstatat }, { "pread64", SYS_pread64 },
	};

	for (unsigned i = 0; i < sizeof(sys) / sizeof(sys[0]); i++)
		ck_assert_msg(arch_syscall_nr(&arch_x86_64, sys[i].name) ==
			      sys[i].nr, "%s", sys[i].name);
}
END_TEST
#endif

/* Every syscall tracepoint of the running kernel has a number in the host
 * table; otherwise it silently takes the slow perf path. */
START_TEST(test_syscall_table_covers_host)
{
	const struct arch *a = arch_host();
	struct dirent *e;
	unsigned n = 0;
	DIR *dir;

	if (!a)
		return;
	{
		/* under qemu-user (scripts/cross --check) uname names the
		 * emulated machine; the kernel whose tracepoints these are
		 * is the real one, which /proc/sys/kernel/arch names */
		char karch[32] = "";
		FILE *f = fopen("/proc/sys/kernel/arch", "r");

		if (f) {
			if (fscanf(f, "%31s", karch) != 1)
				karch[0] = '\0';
			fclose(f);
		}
		if (*karch && arch_from_machine(karch) != a)
			return;
	}
	dir = opendir("/sys/kernel/tracing/events/syscalls");
	if (!dir)
		return;	/* no tracefs here: nothing to compare with */
	while ((e = readdir(dir))) {
		if (strncmp(e->d_name, "sys_enter_", 10))
			continue;
		ck_assert_msg(arch_syscall_nr(a, e->d_name + 10) >= 0,
			      "%s has no number in the %s table", e->d_name,
			      a->name);
		n++;
	}
	closedir(dir);
	ck_assert_uint_gt(n, 0);
}
END_TEST

static Suite *arch_suite(void)
{
	Suite *s = suite_create("arch");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_find);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_host);
	tcase_add_test(tc, test_tables_consistent);
	tcase_add_test(tc, test_x86_64_layout);
	tcase_add_test(tc, test_aarch64_layout);
	tcase_add_test(tc, test_arm_layout);
	tcase_add_test(tc, test_ppc64_layout);
	tcase_add_test(tc, test_s390x_layout);
	tcase_add_test(tc, test_mips64el_layout);
	tcase_add_test(tc, test_regs_type);
	tcase_add_test(tc, test_reg_off);
	tcase_add_test(tc, test_syscalls_unique);
	tcase_add_test(tc, test_syscalls_unified);
	tcase_add_test(tc, test_syscall_names);
	tcase_add_test(tc, test_syscall_nr);
#if defined(__x86_64__)
	tcase_add_test(tc, test_syscall_nr_host);
#endif
	tcase_add_test(tc, test_syscall_table_covers_host);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(arch_suite());
}
