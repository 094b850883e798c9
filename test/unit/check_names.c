/* check_names.c - the name table and arena_append: what keeps the registries
 * of a script with 10^4 maps linear. */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "names.h"
#include "unit.h"

START_TEST(test_empty)
{
	struct names t = { 0 };

	ck_assert_ptr_null(names_get(&t, "x"));
	ck_assert_uint_eq(t.n, 0);
}
END_TEST

START_TEST(test_put_get_replace)
{
	struct arena *a = arena_new();
	struct names t = { 0 };
	int x, y;

	names_put(a, &t, "@x", &x);
	names_put(a, &t, "x", &y);
	ck_assert_ptr_eq(names_get(&t, "@x"), &x);
	ck_assert_ptr_eq(names_get(&t, "x"), &y);
	ck_assert_ptr_null(names_get(&t, "@"));
	names_put(a, &t, "x", &x);
	ck_assert_ptr_eq(names_get(&t, "x"), &x);
	ck_assert_uint_eq(t.n, 2);
	arena_free(a);
}
END_TEST

/* Many names: every one found after the table grew many times, and the
 * table stays at most half full. */
START_TEST(test_many)
{
	struct arena *a = arena_new();
	struct names t = { 0 };
	static char name[20000][12];
	unsigned i;

	for (i = 0; i < 20000; i++) {
		snprintf(name[i], sizeof(name[i]), "@c%u", i);
		names_put(a, &t, name[i], name[i]);
	}
	ck_assert_uint_eq(t.n, 20000);
	ck_assert_uint_ge(t.cap, 2 * t.n);
	ck_assert_uint_eq(t.cap & (t.cap - 1), 0);
	for (i = 0; i < 20000; i++) {
		char key[12];

		snprintf(key, sizeof(key), "@c%u", i);
		ck_assert_ptr_eq(names_get(&t, key), name[i]);
	}
	ck_assert_ptr_null(names_get(&t, "@c20000"));
	arena_free(a);
}
END_TEST

/* arena_append keeps what was there and gives room for one more; it only
 * copies at powers of two. */
START_TEST(test_append)
{
	struct arena *a = arena_new();
	unsigned *v = NULL, *prev = NULL, moves = 0, i;

	for (i = 0; i < 1000; i++) {
		v = arena_append(a, v, i, sizeof(*v));
		if (v != prev)
			moves++;
		prev = v;
		v[i] = i * 3;
	}
	for (i = 0; i < 1000; i++)
		ck_assert_uint_eq(v[i], i * 3);
	/* 0, 1, 2, 4, ..., 512 */
	ck_assert_uint_eq(moves, 11);
	arena_free(a);
}
END_TEST

static Suite *names_suite(void)
{
	Suite *s = suite_create("names");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_put_get_replace);
	tcase_add_test(tc, test_many);
	tcase_add_test(tc, test_append);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(names_suite());
}
