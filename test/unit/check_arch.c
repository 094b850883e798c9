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
}
END_TEST

START_TEST(test_list)
{
	unsigned n = 0;

	for (const struct arch *const *a = arches; *a; a++)
		n++;
	ck_assert_uint_eq(n, 2);
	ck_assert_ptr_eq(arches[0], &arch_x86_64);
	ck_assert_ptr_eq(arches[1], &arch_aarch64);
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
#endif
}
END_TEST

/* reg("name") looks registers up by the names of the table */
START_TEST(test_reg_off)
{
	for (const struct arch *const *ap = arches; *ap; ap++)
		for (unsigned i = 0; i < (*ap)->nregs; i++)
			ck_assert_int_eq(arch_reg_off(*ap, (*ap)->regs[i].name),
					 (*ap)->regs[i].off);
	ck_assert_int_eq(arch_reg_off(&arch_x86_64, "ip"), 128);
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

/* Invariants every table keeps: registers 8-aligned, distinct, inside
 * pt_regs; every convention names a register. */
START_TEST(test_tables_consistent)
{
	for (const struct arch *const *ap = arches; *ap; ap++) {
		const struct arch *a = *ap;

		ck_assert_uint_le(a->nargs, ARCH_MAX_ARGS);
		ck_assert_uint_eq(a->nsysargs, 6);
		ck_assert_uint_gt(a->nregs, 0);
		ck_assert_uint_eq(a->regs_size % 8, 0);
		for (unsigned i = 0; i < a->nregs; i++) {
			ck_assert_int_eq(a->regs[i].off % 8, 0);
			ck_assert_uint_lt(a->regs[i].off + 8, a->regs_size + 1);
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
		ck_assert(is_reg_off(a, a->sysnr_off));
		ck_assert(a->sysnr_size == 4 || a->sysnr_size == 8);
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
	}
	arena_free(ar);
}
END_TEST

START_TEST(test_syscalls_unique)
{
	for (const struct arch *const *ap = arches; *ap; ap++) {
		const struct arch *a = *ap;

		ck_assert_uint_gt(a->nsyscalls, 250);
		for (unsigned i = 0; i < a->nsyscalls; i++) {
			ck_assert_int_ge(a->syscalls[i].nr, 0);
			ck_assert_int_lt(a->syscalls[i].nr, 424);
			for (unsigned j = 0; j < i; j++) {
				ck_assert_int_ne(a->syscalls[i].nr,
						 a->syscalls[j].nr);
				ck_assert_str_ne(a->syscalls[i].name,
						 a->syscalls[j].name);
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
				ck_assert_str_ne((*ap)->syscalls[j].name,
						 arch_syscalls_unified[i].name);
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
	tcase_add_test(tc, test_regs_type);
	tcase_add_test(tc, test_reg_off);
	tcase_add_test(tc, test_syscalls_unique);
	tcase_add_test(tc, test_syscalls_unified);
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
