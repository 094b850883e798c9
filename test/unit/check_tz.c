/* check_tz.c - tz_local(), tz_clock() and tz_strftime() with localtime_r(3)
 * and strftime(3) as the oracles: zone files, TZ strings and the odd TZ
 * values, over two centuries. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tz.h"
#include "unit.h"

#define ZONEINFO "/usr/share/zoneinfo"

/* 1900-01-01 to 2100-01-01, 13 days and a bit apart (every weekday and
 * hour comes round), and @from onwards */
static unsigned tz_compare(const char *tz, int64_t from)
{
	const int64_t lo = -2208988800LL, hi = 4102444800LL;
	unsigned n = 0;
	int64_t t;

	if (tz)
		setenv("TZ", tz, 1);
	else
		unsetenv("TZ");
	tzset();
	tz_set(tz, NULL);
	for (t = lo > from ? lo : from; t < hi; t += 13 * 86400 + 3541) {
		time_t tt = (time_t)t;
		struct tz_time got;
		struct tm want;

		ck_assert(localtime_r(&tt, &want));
		tz_local(t, &got);
		ck_assert_msg(got.year == want.tm_year + 1900 &&
			      got.mon == want.tm_mon + 1 &&
			      got.mday == want.tm_mday &&
			      got.hour == want.tm_hour &&
			      got.min == want.tm_min &&
			      got.sec == want.tm_sec &&
			      got.gmtoff == want.tm_gmtoff,
			      "TZ=%s at %lld: %lld-%02d-%02d %02d:%02d:%02d "
			      "%+d, localtime_r says %d-%02d-%02d "
			      "%02d:%02d:%02d %+ld", tz ? tz : "(unset)",
			      (long long)t, (long long)got.year, got.mon,
			      got.mday, got.hour, got.min, got.sec,
			      got.gmtoff, want.tm_year + 1900, want.tm_mon + 1,
			      want.tm_mday, want.tm_hour, want.tm_min,
			      want.tm_sec, want.tm_gmtoff);
		n++;
	}
	return n;
}

/* zone files: DST both ways, half and quarter hours, negative DST
 * (Dublin, Casablanca), southern hemisphere, a skipped day (Apia),
 * absolute paths and the ':' prefix */
START_TEST(test_zone_files)
{
	static const char *const zones[] = {
		"UTC", "Europe/Paris", "America/New_York",
		"Australia/Lord_Howe", "Asia/Kolkata", "America/Sao_Paulo",
		"Pacific/Chatham", "Africa/Casablanca", "Europe/Dublin",
		"Antarctica/Troll", "America/Santiago", "Asia/Tehran",
		"Pacific/Apia", "Asia/Kathmandu", ":Europe/Berlin",
		ZONEINFO "/Asia/Tokyo", ":" ZONEINFO "/America/St_Johns",
	};
	unsigned i;

	if (access(ZONEINFO "/Europe/Paris", R_OK))
		return;		/* no tzdata here */
	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		ck_assert_uint_gt(tz_compare(zones[i], 0 - 2208988800LL), 0);
}
END_TEST

/* TZ strings: rules by month, Julian day with and without leap day,
 * times past midnight and negative, southern hemisphere, quoted names,
 * no DST, and the invalid ones (UTC) */
START_TEST(test_tz_strings)
{
	static const char *const specs[] = {
		"EST5EDT,M3.2.0,M11.1.0", "<+0330>-3:30", "ABC-5:30",
		"AEST-10AEDT,M10.1.0,M4.1.0/3", "XXX3YYY,J60/25,300/-1",
		"NZST-12NZDT,M9.5.0,M4.1.0/3", "WGT3WGST,M3.5.0/-2,M10.5.0/-1",
		"IST-1GMT0,M10.5.0,M3.5.0/1", "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1",
		"CET-1CEST-2:30,M3.5.0,M10.5.0/3", "AAA+4:15:20BBB+3,J1,J365/23",
		"QQQ0RRR,0/0,365/0", "<A1B>-1<C2D>,M2.5.6/167,M12.1.1/-167",
		"ABC5x", "AB5", "Nonexistent/Zone", "5", "",
	};
	unsigned i;

	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
		ck_assert_uint_gt(tz_compare(specs[i], INT64_MIN), 0);
	/* a DST name without rules: glibc reads posixrules (New York's
	 * history), spry uses its rule of 2007 */
	if (!access(ZONEINFO "/posixrules", R_OK))
		ck_assert_uint_gt(tz_compare("XYZ5ABC", 1199145600), 0);
}
END_TEST

/* TZ unset: /etc/localtime, as glibc */
START_TEST(test_unset)
{
	char *saved = getenv("TZ") ? strdup(getenv("TZ")) : NULL;

	ck_assert_uint_gt(tz_compare(NULL, INT64_MIN), 0);
	if (saved)
		setenv("TZ", saved, 1);
	free(saved);
}
END_TEST

START_TEST(test_clock)
{
	char buf[32];

	tz_set("UTC", NULL);
	ck_assert_uint_eq(tz_clock(buf, sizeof(buf), 1700000000, true), 19);
	ck_assert_str_eq(buf, "2023-11-14 22:13:20");
	ck_assert_uint_eq(tz_clock(buf, sizeof(buf), 1700000000, false), 8);
	ck_assert_str_eq(buf, "22:13:20");
	tz_set("<+0530>-5:30", NULL);
	ck_assert_uint_eq(tz_clock(buf, sizeof(buf), 1700000000, false), 8);
	ck_assert_str_eq(buf, "03:43:20");
	/* too small: nothing */
	ck_assert_uint_eq(tz_clock(buf, 8, 1700000000, false), 0);
	ck_assert_str_eq(buf, "");
	/* a zone that cannot be read, under TZDIR: UTC */
	tz_set("Europe/Paris", "/nonexistent");
	ck_assert_uint_eq(tz_clock(buf, sizeof(buf), 1700000000, false), 8);
	ck_assert_str_eq(buf, "22:13:20");
	tz_set(NULL, NULL);
}
END_TEST

/* tz_strftime() against strftime(3) (C locale) for every conversion it
 * has, over two centuries in zones east and west of UTC; %f is bpftrace's
 * microseconds; what it lacks is copied; too small a buffer gives 0. */
START_TEST(test_strftime)
{
	static const char *const zones[] = {
		"UTC", "Europe/Paris", "America/St_Johns", "Asia/Kolkata",
	};
	static const char fmt[] =
		"%a %A %b %B %c|%C %d %D %e %F %h %H %I %j %k %l %m %M %n %p "
		"%P %r %R %s %S %t %T %u %U %w %W %x %X %y %Y %z %%";
	char got[512], want[512];
	unsigned i;
	int64_t t;

	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		setenv("TZ", zones[i], 1);
		tzset();
		tz_set(zones[i], NULL);
		for (t = -2208988800LL; t < 4102444800LL;
		     t += 29 * 86400 + 7919) {
			time_t tt = (time_t)t;
			struct tm tm;

			ck_assert(localtime_r(&tt, &tm));
			ck_assert(strftime(want, sizeof(want), fmt, &tm));
			ck_assert_uint_eq(tz_strftime(got, sizeof(got), fmt,
						      t, 0), strlen(want));
			ck_assert_str_eq(got, want);
		}
	}
	tz_set("UTC", NULL);
	ck_assert_uint_eq(tz_strftime(got, sizeof(got), "%H:%M:%S.%f %V %q",
				      1700000000, 42), 21);
	ck_assert_str_eq(got, "22:13:20.000042 %V %q");
	ck_assert_uint_eq(tz_strftime(got, 8, "%H:%M:%S", 1700000000, 0), 0);
	ck_assert_str_eq(got, "");
	ck_assert_uint_eq(tz_strftime(got, sizeof(got), "", 1700000000, 0), 0);
	unsetenv("TZ");
	tzset();
	tz_set(NULL, NULL);
}
END_TEST

static Suite *tz_suite(void)
{
	Suite *s = suite_create("tz");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_zone_files);
	tcase_add_test(tc, test_tz_strings);
	tcase_add_test(tc, test_unset);
	tcase_add_test(tc, test_clock);
	tcase_add_test(tc, test_strftime);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(tz_suite());
}
