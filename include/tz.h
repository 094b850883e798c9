/* tz.h - local time without glibc's tzset().
 *
 * localtime_r(3) and strftime(3) call tzset(), which reads the zone with
 * sscanf(): in a static binary they bring the scanf engine and every strto*
 * with it (130 KB, a tenth of spry).  This module gives the same local time
 * (checked against localtime_r() on many zones by test/unit/check_tz.c)
 * for the clocks spry prints:
 *
 *   - the zone TZ names, as glibc reads it: unset, /etc/localtime; empty,
 *     UTC; ":NAME" or "NAME", the TZif file NAME (under TZDIR, default
 *     /usr/share/zoneinfo, unless absolute), else NAME as a POSIX TZ string
 *     ("CET-1CEST,M3.5.0,M10.5.0/3"); nothing valid, UTC;
 *   - a TZif file (versions 1 to 4): its transitions, then its footer's TZ
 *     string for the times after the last one.
 *
 * Differences from glibc, which spry's clocks never see: leap seconds (the
 * "right/" zones) are not applied, and a TZ string with a DST name but no
 * rule uses the US rule of 2007 (glibc reads the posixrules file, which
 * differs before 2007).
 *
 * The zone is read once, at the first conversion after tz_set().
 */
#ifndef SPRY_TZ_H
#define SPRY_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The values of TZ and TZDIR (NULL: unset); host_read() reads them, main
 * passes them here.  Without a call: TZ and TZDIR unset. */
void tz_set(const char *tz, const char *tzdir);

struct tz_time {
	int64_t year;
	int mon, mday;		/* 1-12, 1-31 */
	int hour, min, sec;
	int32_t gmtoff;		/* seconds east of UTC */
};

/* @sec (seconds since the epoch) in the local zone. */
void tz_local(int64_t sec, struct tz_time *t);

/* "HH:MM:SS", or "YYYY-MM-DD HH:MM:SS" with @date, of @sec in the local
 * zone, into @buf (@n bytes).  Returns the length, 0 when it does not fit. */
size_t tz_clock(char *buf, size_t n, int64_t sec, bool date);

/* strftime(3) of @sec in the local zone, C locale, with bpftrace's %f
 * (@usec, 6 digits), into @buf (@n bytes).  What it lacks (the ISO 8601
 * week %G %g %V, %Z, the E and O modifiers) is copied as written.  Returns
 * the length, 0 when it does not fit. */
size_t tz_strftime(char *buf, size_t n, const char *fmt, int64_t sec,
		   long usec);

#endif
