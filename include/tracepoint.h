/* tracepoint.h - tracefs events: listing, format files, ids.
 *
 * The tracepoint provider (src/provider/tracepoint.c) is built on these; they
 * are separate so that the unit tests can parse format files and match globs
 * against the fixture snapshot in test/fixtures/tracefs without a kernel.
 * Every path is relative to @root, the tracefs directory
 * (provider_tracefs()).
 */
#ifndef SPRY_TRACEPOINT_H
#define SPRY_TRACEPOINT_H

#include <stdbool.h>

struct arena;
struct type;

/* One event, "sys/event", as tracefs describes it. */
struct tp_event {
	const char *sys, *name;
	int id;				/* events/sys/name/id */
	const struct type *fmt;		/* struct <name>: the record's fields */
};

/* Parse the text of a format file into `struct <name>`, members at the
 * offsets the file gives.  With @user_ptrs (syscalls/ events, whose pointer
 * fields hold user addresses) pointers point into AS_USER, otherwise
 * AS_KERNEL.  With @skip_common, the common_* fields are left out.  NULL if
 * the text has no fields.  @big_endian: the kernel's byte order, which
 * decides where a syscall argument narrower than its slot lies in it. */
const struct type *tp_format_parse(struct arena *a, const char *name,
				   const char *text, bool user_ptrs,
				   bool skip_common, bool big_endian);

/* Read events/@sys/@name/{id,format}.  0, or -ENOENT if there is no such
 * event, or another -errno. */
int tp_event_load(struct arena *a, const char *root, const char *sys,
		  const char *name, bool skip_common, bool big_endian,
		  struct tp_event *ev);

/* Every event as "sys/event", sorted, from available_events (or, where that
 * file is missing, from the events/ directory tree).  Returns the count (the
 * array is NULL-terminated) or -errno. */
int tp_list(struct arena *a, const char *root, const char ***names);

/* The events matching @pattern ("sys/event", fnmatch globs in either part),
 * sorted, NULL-terminated; returns the count or -errno. */
int tp_glob(struct arena *a, const char *root, const char *pattern,
	    const char ***names);

/* The one event whose name is closest to @name ("sys/event"), for "did you
 * mean"; NULL when none is close or several are equally close. */
const char *tp_suggest(struct arena *a, const char *root, const char *name);

/* "sys/event" or "sys:event" into its parts; -EINVAL if malformed. */
int tp_split(struct arena *a, const char *target, const char **sys,
	     const char **name);

/* True if @s contains glob characters. */
bool tp_is_glob(const char *s);

#endif
