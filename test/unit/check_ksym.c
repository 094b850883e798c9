/* check_ksym.c - kernel symbolization (ksym.c) on the fixture kallsyms in
 * test/fixtures/kprobe: loading, lookups, names, the process-wide table
 * and the output hook.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

#include "ksym.h"
#include "unit.h"

/* test/fixtures/kprobe/@rel (unit.h finds the fixtures). */
static const char *fixture(const char *rel)
{
	return unit_fixture("kprobe", rel);
}

static struct ksym_table *load_fixture(void)
{
	struct ksym_table *t;
	int err = ksym_load(fixture("kallsyms"), &t);

	ck_assert_msg(!err, "%s: %s", fixture("kallsyms"), strerror(-err));
	return t;
}

static const char *fmt(const struct ksym_table *t, uint64_t addr)
{
	static char buf[128];

	return ksym_format(t, addr, buf, sizeof(buf));
}

/* ---- ksym ---- */

START_TEST(test_load)
{
	struct ksym_table *t = load_fixture();

	/* 25 lines: minus the 'A' and 'D' symbols */
	ck_assert_uint_eq(t->n, 23);
	ck_assert(t->have_addrs);
	for (unsigned i = 1; i < t->n; i++)
		ck_assert(t->syms[i - 1].addr <= t->syms[i].addr);
	ksym_free(t);
}
END_TEST

START_TEST(test_lookup_exact_and_offset)
{
	struct ksym_table *t = load_fixture();
	const struct ksym *k;
	uint64_t off = 99;

	ck_assert_str_eq(fmt(t, 0xffffffff81234600ULL), "vfs_read");
	ck_assert_str_eq(fmt(t, 0xffffffff8123461fULL), "vfs_read+0x1f");
	ck_assert_str_eq(fmt(t, 0xffffffff812347ffULL), "vfs_read+0x1ff");
	ck_assert_str_eq(fmt(t, 0xffffffff81234800ULL), "vfs_write");
	/* the padding in front of a function is its own symbol */
	ck_assert_str_eq(fmt(t, 0xffffffff812345f4ULL), "__pfx_vfs_read+0x4");
	k = ksym_lookup(t, 0xffffffff81234e05ULL, &off);
	ck_assert_ptr_nonnull(k);
	ck_assert_str_eq(k->name, "ksys_read");
	ck_assert_uint_eq(off, 5);
	ck_assert_ptr_null(k->module);
	ck_assert_int_eq(k->type, 'T');
	ksym_free(t);
}
END_TEST

START_TEST(test_lookup_aliases)
{
	struct ksym_table *t = load_fixture();

	/* _stext, _text and startup_64 share an address: the plain global
	 * name wins over the linker markers, wherever it is in the file */
	ck_assert_str_eq(fmt(t, 0xffffffff81000000ULL), "startup_64");
	ck_assert_str_eq(fmt(t, 0xffffffff81000010ULL), "startup_64+0x10");
	ck_assert_str_eq(fmt(t, 0xffffffff81000070ULL),
			 "secondary_startup_64");
	ksym_free(t);
}
END_TEST

START_TEST(test_lookup_out_of_range)
{
	struct ksym_table *t = load_fixture();

	/* below every text symbol (the 'A' one at 0 is not text) */
	ck_assert_ptr_null(ksym_lookup(t, 0, NULL));
	ck_assert_ptr_null(ksym_lookup(t, 0xffffffff80ffffffULL, NULL));
	ck_assert_ptr_null(fmt(t, 0x1000));
	/* a data symbol does not split a function's range: this is 2 MiB
	 * past do_one_initcall_helper, so nothing, not "some_data_between" */
	ck_assert_ptr_null(fmt(t, 0xffffffff81200010ULL));
	/* just inside the cap, just outside */
	ck_assert_str_eq(fmt(t, 0xffffffff81001000ULL + KSYM_MAX_OFF),
			 "do_one_initcall_helper+0x100000");
	ck_assert_ptr_null(fmt(t, 0xffffffff81001001ULL + KSYM_MAX_OFF));
	/* far past the last symbol */
	ck_assert_ptr_null(fmt(t, 0xffffffffffff0000ULL));
	ksym_free(t);
}
END_TEST

START_TEST(test_lookup_modules)
{
	struct ksym_table *t = load_fixture();
	const struct ksym *k;
	uint64_t off;

	k = ksym_lookup(t, 0xffffffffc0a01208ULL, &off);
	ck_assert_ptr_nonnull(k);
	ck_assert_str_eq(k->name, "ext4_file_write_iter");
	ck_assert_str_eq(k->module, "ext4");
	ck_assert_uint_eq(off, 8);
	ck_assert_str_eq(fmt(t, 0xffffffffc0a02010ULL),
			 "bpf_prog_6deef7357e7b4530_spry+0x10");
	/* between the kernel's end and the modules: unknown */
	ck_assert_ptr_null(fmt(t, 0xffffffffa0000000ULL));
	ksym_free(t);
}
END_TEST

START_TEST(test_find)
{
	struct ksym_table *t = load_fixture();
	const struct ksym *k;

	k = ksym_find(t, "vfs_write");
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(k->addr, 0xffffffff81234800ULL);
	k = ksym_find(t, "cleanup_module");
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(k->addr, 0xffffffff81235200ULL);
	ck_assert_uint_eq(ksym_count(t, "cleanup_module"), 2);
	ck_assert_uint_eq(ksym_count(t, "vfs_read"), 1);
	ck_assert_uint_eq(ksym_count(t, "nope"), 0);
	ck_assert_ptr_nonnull(ksym_find(t, "arch_weak_hook"));
	ck_assert_ptr_nonnull(ksym_find(t, "ext4_file_read_iter"));
	/* data symbols are not kept */
	ck_assert_ptr_null(ksym_find(t, "some_data_between"));
	ck_assert_ptr_null(ksym_find(t, "fixed_percpu_data"));
	ck_assert_ptr_null(ksym_find(t, "vfs_rea"));
	ksym_free(t);
}
END_TEST

START_TEST(test_resolve_names)
{
	struct ksym_table *t = load_fixture();
	/* sorted, as glob matches are */
	const char *const names[] = {
		"cleanup_module", "ext4_file_read_iter", "ksys_read", "nope",
		"vfs_read",
	};
	uint64_t addrs[5];

	ck_assert_uint_eq(ksym_resolve(t, names, 5, addrs), 3);
	ck_assert_uint_eq(addrs[0], 0);	/* two of them: ambiguous */
	ck_assert_uint_eq(addrs[1], 0xffffffffc0a01000ULL);
	ck_assert_uint_eq(addrs[2], 0xffffffff81234e00ULL);
	ck_assert_uint_eq(addrs[3], 0);	/* no such function */
	ck_assert_uint_eq(addrs[4], 0xffffffff81234600ULL);
	ck_assert_uint_eq(ksym_resolve(t, names, 0, addrs), 0);
	ck_assert_uint_eq(ksym_resolve(NULL, names, 5, addrs), 0);
	ck_assert_uint_eq(addrs[4], 0);
	ksym_free(t);

	/* without addresses nothing resolves: attach goes by name */
	ck_assert_int_eq(ksym_load(fixture("kallsyms-noaddr"), &t), 0);
	addrs[4] = 1;
	ck_assert_uint_eq(ksym_resolve(t, names, 5, addrs), 0);
	ck_assert_uint_eq(addrs[4], 0);
	ksym_free(t);
}
END_TEST

START_TEST(test_no_addrs)
{
	struct ksym_table *t;

	/* what an unprivileged reader of /proc/kallsyms sees */
	ck_assert_int_eq(ksym_load(fixture("kallsyms-noaddr"), &t), 0);
	ck_assert(!t->have_addrs);
	ck_assert_ptr_null(ksym_lookup(t, 0, NULL));
	ck_assert_ptr_null(fmt(t, 0xffffffff81234600ULL));
	ck_assert_ptr_nonnull(ksym_find(t, "vfs_read"));
	ksym_free(t);
}
END_TEST

/* kaddr(): any symbol, data too, by name from the file */
START_TEST(test_addr)
{
	uint64_t a = 0;

	ck_assert_int_eq(ksym_addr(fixture("kallsyms"), "vfs_read", &a), 0);
	ck_assert_uint_eq(a, 0xffffffff81234600ULL);
	ck_assert_int_eq(ksym_addr(fixture("kallsyms"), "some_data_between",
				   &a), 0);
	ck_assert_uint_eq(a, 0xffffffff81200000ULL);
	ck_assert_int_eq(ksym_addr(fixture("kallsyms"), "ext4_file_read_iter",
				   &a), 0);
	ck_assert_uint_eq(a, 0xffffffffc0a01000ULL);
	ck_assert_int_eq(ksym_addr(fixture("kallsyms"), "no_such", &a),
			 -ENOENT);
	ck_assert_int_eq(ksym_addr(fixture("kallsyms-noaddr"), "vfs_read", &a),
			 -EPERM);
	ck_assert_int_eq(ksym_addr("/nonexistent/kallsyms", "vfs_read", &a),
			 -ENOENT);
}
END_TEST

START_TEST(test_load_errors)
{
	struct ksym_table *t = (void *)1;

	ck_assert_int_eq(ksym_load("/nonexistent/kallsyms", &t), -ENOENT);
	ck_assert_ptr_null(t);
	/* no text symbol at all */
	ck_assert_int_eq(ksym_load("/dev/null", &t), -EINVAL);
	ck_assert_ptr_null(t);
	ksym_free(NULL);
	ck_assert_ptr_null(ksym_lookup(NULL, 1, NULL));
	ck_assert_ptr_null(ksym_find(NULL, "x"));
}
END_TEST

START_TEST(test_default_and_hook)
{
	const struct ksym_table *t;
	char buf[64], path[PATH_MAX * 2];
	uint64_t off;
	const char *fork = getenv("CK_FORK");

	if (fork && !strcmp(fork, "no"))
		return;

	/* Check forks per test: the process-wide table starts empty here */
	snprintf(path, sizeof(path), "%s", fixture("kallsyms"));
	t = ksym_default(path);
	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_eq(ksym_default(path), t);	/* loaded once */
	ck_assert_str_eq(ksym_out_hook(path, 0xffffffff81234e10ULL, buf,
				       sizeof(buf), &off), "ksys_read");
	ck_assert_uint_eq(off, 0x10);
	ck_assert_ptr_null(ksym_out_hook(path, 42, buf, sizeof(buf), &off));
	/* truncation keeps the string terminated */
	ck_assert_str_eq(ksym_format(t, 0xffffffff81234e10ULL, buf, 5),
			 "ksys");
}
END_TEST

START_TEST(test_default_missing)
{
	const char *fork = getenv("CK_FORK");

	/* the table is per process: without a fork per test an earlier
	 * test has already loaded it */
	if (fork && !strcmp(fork, "no"))
		return;
	ck_assert_ptr_null(ksym_default("/nonexistent/kallsyms"));
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_null(ksym_default("/nonexistent/kallsyms"));
}
END_TEST

static Suite *ksym_suite(void)
{
	Suite *s = suite_create("ksym");
	TCase *tc = tcase_create("ksym");

	tcase_add_test(tc, test_load);
	tcase_add_test(tc, test_addr);
	tcase_add_test(tc, test_lookup_exact_and_offset);
	tcase_add_test(tc, test_lookup_aliases);
	tcase_add_test(tc, test_lookup_out_of_range);
	tcase_add_test(tc, test_lookup_modules);
	tcase_add_test(tc, test_find);
	tcase_add_test(tc, test_resolve_names);
	tcase_add_test(tc, test_no_addrs);
	tcase_add_test(tc, test_load_errors);
	tcase_add_test(tc, test_default_and_hook);
	tcase_add_test(tc, test_default_missing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(ksym_suite());
}
