/* check_tracepoint.c - tracefs parsing and the providers' compile-time side,
 * against the snapshot in test/fixtures/tracefs; and, as root, a real attach
 * of small hand-written programs through each provider's attach hook.
 *
 * The kernel tests compile the provider variables they check (the raw
 * syscall filter and data->field) into BPF by hand, the way lowering must,
 * so they prove the register offsets on the running kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "arch.h"
#include "arena.h"
#include "ast.h"
#include "host.h"
#include "provider.h"
#include "script.h"
#include "tracepoint.h"
#include "type.h"
#include "unit.h"

static char fixture_dir[PATH_MAX];

/* test/fixtures/tracefs: under $top_srcdir when make check runs us, else
 * next to this file. */
static void use_fixtures(void)
{
	const char *top = getenv("top_srcdir");

	if (top)
		snprintf(fixture_dir, sizeof(fixture_dir),
			 "%s/test/fixtures/tracefs", top);
	else
		snprintf(fixture_dir, sizeof(fixture_dir),
			 "%.*s/../fixtures/tracefs",
			 (int)(strrchr(__FILE__, '/') ?
			       strrchr(__FILE__, '/') - __FILE__ : 1),
			 strrchr(__FILE__, '/') ? __FILE__ : ".");
	setenv("SPRY_TRACEFS", fixture_dir, 1);
	unsetenv("SPRY_SYSCALLS");
}

static char *fixture_text(struct arena *a, const char *rel)
{
	char path[PATH_MAX * 2];
	char buf[16384];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fixture_dir, rel);
	fd = open(path, O_RDONLY);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ck_assert_int_gt(n, 0);
	return arena_strndup(a, buf, (size_t)n);
}

static const struct member *member(const struct type *st, const char *name)
{
	const struct member *m = type_member(st, name);

	ck_assert_msg(m != NULL, "no member %s", name);
	return m;
}


/* The host configuration as spry would read it now: the tests configure
 * runs through the environment, which host_read() reads. */
static const struct host *test_host(void)
{
	static struct host h;

	host_read(&h);
	return &h;
}

/* ---- format files ---- */

START_TEST(test_format_sched_switch)
{
	struct arena *a = arena_new();
	const char *text = fixture_text(a,
					"events/sched/sched_switch/format");
	const struct type *t = tp_format_parse(a, "sched_switch", text, false,
					       false, false);
	const struct member *m;

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(t->kind, T_STRUCT);
	ck_assert_str_eq(t->name, "sched_switch");
	ck_assert_uint_eq(t->size, 64);

	m = member(t, "common_type");
	ck_assert_uint_eq(m->off, 0);
	ck_assert(type_equal(m->type, &type_u16));
	m = member(t, "common_pid");
	ck_assert_uint_eq(m->off, 4);
	ck_assert_uint_eq(m->type->size, 4);
	ck_assert(m->type->is_signed);
	m = member(t, "prev_comm");
	ck_assert_uint_eq(m->off, 8);
	ck_assert(type_is_string(m->type));
	ck_assert_uint_eq(m->type->len, 16);
	m = member(t, "prev_pid");		/* pid_t: a typedef */
	ck_assert_uint_eq(m->off, 24);
	ck_assert(type_is_int(m->type));
	ck_assert_uint_eq(m->type->size, 4);
	ck_assert(m->type->is_signed);
	m = member(t, "prev_state");
	ck_assert_uint_eq(m->off, 32);
	ck_assert_uint_eq(m->type->size, 8);
	ck_assert(m->type->is_signed);
	m = member(t, "next_comm");
	ck_assert_uint_eq(m->off, 40);
	ck_assert(type_is_string(m->type));
	m = member(t, "next_prio");
	ck_assert_uint_eq(m->off, 60);
	ck_assert_ptr_null(type_member(t, "print"));
	ck_assert_ptr_null(type_member(t, "fmt"));
	arena_free(a);
}
END_TEST

START_TEST(test_format_syscall)
{
	struct arena *a = arena_new();
	const char *text = fixture_text(a,
		"events/syscalls/sys_enter_openat/format");
	const struct type *t = tp_format_parse(a, "sys_enter_openat", text,
					       true, false, false);
	const struct member *m;
	unsigned n = 0;

	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->size, 48);
	m = member(t, "__syscall_nr");
	ck_assert_uint_eq(m->off, 8);
	ck_assert(type_equal(m->type, &type_s32));
	/* arguments sit in 8-byte slots but read as declared: int is s32 */
	m = member(t, "dfd");
	ck_assert_uint_eq(m->off, 16);
	ck_assert(type_equal(m->type, &type_s32));
	/* a syscall's pointer arguments are user addresses */
	m = member(t, "filename");
	ck_assert_uint_eq(m->off, 24);
	ck_assert_int_eq(m->type->kind, T_PTR);
	ck_assert_int_eq(m->type->space, AS_USER);
	ck_assert(type_equal(m->type->base, &type_char) ||
		  (m->type->base->kind == T_INT && m->type->base->size == 1));
	m = member(t, "mode");			/* umode_t, size 8 */
	ck_assert_uint_eq(m->off, 40);
	ck_assert(type_equal(m->type, &type_u16));
	member(t, "common_pid");

	/* the raw syscall view leaves the common_* fields out */
	t = tp_format_parse(a, "sys_enter_openat", text, true, true, false);
	ck_assert_ptr_null(type_member(t, "common_pid"));
	ck_assert_ptr_null(type_member(t, "common_type"));
	for (const struct member *mm = t->members; mm; mm = mm->next)
		n++;
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(t->members->name, "__syscall_nr");

	/* a 32-bit kernel's (armhf): 4-byte slots, and a pointer that is 4
	 * bytes in user space too, so a copy of the saved registers loads
	 * it without its neighbour */
	t = tp_format_parse(a, "sys_enter_openat",
		"name: sys_enter_openat\nID: 5\nformat:\n"
		"\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
		"\tfield:int dfd;\toffset:12;\tsize:4;\tsigned:0;\n"
		"\tfield:const char * filename;\toffset:16;\tsize:4;\tsigned:0;\n",
		true, true, false);
	m = member(t, "filename");
	ck_assert_uint_eq(m->off, 16);
	ck_assert_int_eq(m->type->kind, T_PTR);
	ck_assert_int_eq(m->type->space, AS_USER);
	ck_assert_uint_eq(m->type->size, 4);
	ck_assert(type_equal(member(t, "dfd")->type, &type_s32));
	arena_free(a);
}
END_TEST

START_TEST(test_format_dataloc)
{
	struct arena *a = arena_new();
	const char *text = fixture_text(a,
		"events/sched/sched_process_exec/format");
	const struct type *t = tp_format_parse(a, "sched_process_exec", text,
					       false, false, false);
	const struct member *m = member(t, "filename");

	ck_assert_uint_eq(m->off, 8);
	ck_assert_int_eq(m->type->fmt, F_DATALOC);
	ck_assert_uint_eq(m->type->size, 4);
	m = member(t, "old_pid");
	ck_assert_uint_eq(m->off, 16);
	ck_assert_uint_eq(t->size, 20);
	arena_free(a);
}
END_TEST

START_TEST(test_format_synthetic)
{
	struct arena *a = arena_new();
	static const char text[] =
		"name: x\nID: 7\nformat:\n"
		"\tfield:unsigned long args[6];\toffset:16;\tsize:48;\tsigned:0;\n"
		"\tfield:const char *const * argv;\toffset:64;\tsize:8;\tsigned:0;\n"
		"\tfield:u8 mac[6];\toffset:72;\tsize:6;\tsigned:0;\n"
		"\tfield:garbage\n"
		"\tfield:int;\toffset:80;\tsize:4;\tsigned:1;\n"
		"\nprint fmt: \"%d\", REC->x\n";
	const struct type *t = tp_format_parse(a, "x", text, true, false, false);
	const struct member *m;

	m = member(t, "args");
	ck_assert_int_eq(m->type->kind, T_ARRAY);
	ck_assert_uint_eq(m->type->len, 6);
	ck_assert_uint_eq(m->type->size, 48);
	m = member(t, "argv");
	ck_assert_int_eq(m->type->kind, T_PTR);
	ck_assert_int_eq(m->type->space, AS_USER);
	ck_assert_int_eq(m->type->base->kind, T_PTR);
	ck_assert_int_eq(m->type->base->space, AS_USER);
	m = member(t, "mac");
	ck_assert_uint_eq(m->type->len, 6);
	ck_assert_uint_eq(t->size, 78);

	ck_assert_ptr_null(tp_format_parse(a, "y", "name: y\nformat:\n", false,
					   false, false));
	arena_free(a);
}
END_TEST

START_TEST(test_event_load)
{
	struct arena *a = arena_new();
	struct tp_event ev;

	ck_assert_int_eq(tp_event_load(a, provider_tracefs(test_host()), "syscalls", "sys_exit_read", false, false,
				       &ev), 0);
	ck_assert_int_eq(ev.id, atoi(fixture_text(a,
		"events/syscalls/sys_exit_read/id")));
	ck_assert_int_gt(ev.id, 0);
	ck_assert_str_eq(ev.sys, "syscalls");
	ck_assert_str_eq(ev.name, "sys_exit_read");
	ck_assert_ptr_nonnull(type_member(ev.fmt, "ret"));

	ck_assert_int_eq(tp_event_load(a, provider_tracefs(test_host()), "syscalls", "sys_enter_nope", false, false,
				       &ev), -ENOENT);
	ck_assert_int_eq(tp_event_load(a, provider_tracefs(test_host()), "nosys", "x", false, false, &ev), -ENOENT);
	/* script text never walks out of events/ */
	ck_assert_int_eq(tp_event_load(a, provider_tracefs(test_host()), "..", "tracefs", false, false, &ev),
			 -ENOENT);
	arena_free(a);
}
END_TEST

/* ---- listing, globs, suggestions ---- */

START_TEST(test_list)
{
	struct arena *a = arena_new();
	const char **names, *ae = fixture_text(a, "available_events");
	int n = tp_list(a, provider_tracefs(test_host()), &names), lines = 0;

	for (const char *s = ae; *s; s++)
		lines += *s == '\n';
	ck_assert_int_eq(n, lines);
	ck_assert_ptr_null(names[n]);
	for (int i = 1; i < n; i++)
		ck_assert_int_lt(strcmp(names[i - 1], names[i]), 0);
	ck_assert_str_eq(names[0], "raw_syscalls/sys_enter");
	arena_free(a);
}
END_TEST

START_TEST(test_glob)
{
	struct arena *a = arena_new();
	const char **names;

	ck_assert_int_eq(tp_glob(a, provider_tracefs(test_host()), "syscalls/sys_enter_*", &names), 7);
	ck_assert_str_eq(names[0], "syscalls/sys_enter_clock_nanosleep");
	ck_assert_str_eq(names[6], "syscalls/sys_enter_write");
	ck_assert_ptr_null(names[7]);
	ck_assert_int_eq(tp_glob(a, provider_tracefs(test_host()), "sched/*", &names), 5);
	ck_assert_int_eq(tp_glob(a, provider_tracefs(test_host()), "*/sys_enter", &names), 1);
	ck_assert_str_eq(names[0], "raw_syscalls/sys_enter");
	ck_assert_int_eq(tp_glob(a, provider_tracefs(test_host()), "syscalls/sys_*_read", &names), 2);
	ck_assert_int_eq(tp_glob(a, provider_tracefs(test_host()), "sched/sched_process_[ef]*", &names), 3);
	/* '*' does not cross the '/' */
	ck_assert_int_eq(tp_glob(a, provider_tracefs(test_host()), "*", &names), 0);
	ck_assert_int_eq(tp_glob(a, provider_tracefs(test_host()), "nosys/*", &names), 0);
	ck_assert_ptr_null(names[0]);
	arena_free(a);
}
END_TEST

START_TEST(test_suggest)
{
	struct arena *a = arena_new();

	ck_assert_str_eq(tp_suggest(a, provider_tracefs(test_host()), "syscalls/sys_enter_opnat"),
			 "syscalls/sys_enter_openat");
	ck_assert_str_eq(tp_suggest(a, provider_tracefs(test_host()), "sched/sched_swich"),
			 "sched/sched_switch");
	ck_assert_str_eq(tp_suggest(a, provider_tracefs(test_host()), "syscall/sys_exit_write"),
			 "syscalls/sys_exit_write");
	ck_assert_ptr_null(tp_suggest(a, provider_tracefs(test_host()), "net/netif_receive_skb"));
	ck_assert_ptr_null(tp_suggest(a, provider_tracefs(test_host()), "x/y"));
	arena_free(a);
}
END_TEST

START_TEST(test_split)
{
	struct arena *a = arena_new();
	const char *sys, *name;

	ck_assert_int_eq(tp_split(a, "sched/sched_switch", &sys, &name), 0);
	ck_assert_str_eq(sys, "sched");
	ck_assert_str_eq(name, "sched_switch");
	ck_assert_int_eq(tp_split(a, "sched:sched_switch", &sys, &name), 0);
	ck_assert_str_eq(sys, "sched");
	ck_assert_str_eq(name, "sched_switch");
	ck_assert_int_eq(tp_split(a, "sched", &sys, &name), -EINVAL);
	ck_assert_int_eq(tp_split(a, "/x", &sys, &name), -EINVAL);
	ck_assert_int_eq(tp_split(a, "x/", &sys, &name), -EINVAL);
	ck_assert_int_eq(tp_split(a, "a/b/c", &sys, &name), -EINVAL);
	ck_assert(tp_is_glob("sys_*"));
	ck_assert(tp_is_glob("a?"));
	ck_assert(tp_is_glob("[ab]"));
	ck_assert(!tp_is_glob("sys_enter_openat"));
	arena_free(a);
}
END_TEST

/* ---- providers, compile-time ---- */

struct fx {
	struct arena *a;
	struct script s;
	struct source src;
	struct unit_diag ud;
	char text[256];
};

static void fx_init(struct fx *f, const struct arch *arch)
{
	memset(f, 0, sizeof(*f));
	f->a = arena_new();
	f->s.arena = f->a;
	f->s.arch = arch;
	f->s.host = test_host();
	unit_diag_open(&f->ud);
}

static void fx_fini(struct fx *f)
{
	unit_diag_close(&f->ud);
	arena_free(f->a);
}

/* What compile.c does for one specifier "prov:target { }". */
static struct probe *fx_expand(struct fx *f, const char *prov,
			       const char *target, int *err)
{
	f->s.host = test_host();	/* as the environment is now */
	return unit_expand(&f->s, prov, target, f->text, sizeof(f->text),
			   &f->src, &f->ud.d, err);
}

START_TEST(test_provider_find)
{
	ck_assert_str_eq(provider_find("tracepoint")->name, "tracepoint");
	ck_assert_ptr_eq(provider_find("t"), provider_find("tracepoint"));
	ck_assert_str_eq(provider_find("BEGIN")->name, "BEGIN");
	ck_assert_str_eq(provider_find("END")->name, "END");
	ck_assert_str_eq(provider_find("interval")->name, "interval");
	ck_assert_ptr_eq(provider_find("i"), provider_find("interval"));
	ck_assert_str_eq(provider_find("profile")->name, "profile");
	ck_assert_ptr_eq(provider_find("p"), provider_find("profile"));
	/* exact names only: no prefixes, no case folding */
	ck_assert_ptr_null(provider_find("trace"));
	ck_assert_ptr_null(provider_find("tp"));
	ck_assert_ptr_null(provider_find("begin"));
	ck_assert_ptr_null(provider_find("Tracepoint"));
	ck_assert_ptr_null(provider_find(""));
	for (const struct provider *const *p = providers; *p; p++) {
		ck_assert_ptr_nonnull((*p)->expand);
		ck_assert_ptr_nonnull((*p)->help);
		ck_assert((*p)->attach ? (*p)->detach != NULL :
			  !(*p)->takes_target);
		ck_assert_ptr_eq(provider_find((*p)->name), *p);
	}
}
END_TEST

START_TEST(test_tracefs_env)
{
	ck_assert_str_eq(provider_tracefs(test_host()), fixture_dir);
	unsetenv("SPRY_TRACEFS");
	ck_assert(!strcmp(provider_tracefs(test_host()), "/sys/kernel/tracing") ||
		  !strcmp(provider_tracefs(test_host()), "/sys/kernel/debug/tracing"));
	use_fixtures();
}
END_TEST

START_TEST(test_tp_perf)
{
	struct fx f;
	struct pvar pv;
	int64_t nr;
	int err;
	struct probe *p;

	fx_init(&f, &arch_x86_64);
	p = fx_expand(&f, "tracepoint", "sched/sched_switch", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_str_eq(p->target, "sched/sched_switch");
	ck_assert_int_eq(p->prog_type, BPF_PROG_TYPE_TRACEPOINT);
	/* a perf tracepoint fires for its event only: no filter */
	ck_assert_int_eq(p->prov->filter(p, &pv, &nr), -ENOENT);
	ck_assert_ptr_null(p->next);
	ck_assert_int_eq(p->prov->resolve(p, "data", &pv), 0);
	ck_assert_int_eq(pv.kind, PV_CTX);
	ck_assert_int_eq(pv.type->kind, T_PTR);
	ck_assert_int_eq(pv.type->space, AS_CTX);
	ck_assert_str_eq(pv.type->base->name, "sched_switch");
	ck_assert_uint_eq(member(pv.type->base, "next_pid")->off, 56);
	ck_assert_int_eq(p->prov->resolve(p, "args", &pv), 0);
	ck_assert_int_eq(p->prov->resolve(p, "regs", &pv), -ENOENT);
	/* ordinary tracepoints: sema does the member loads itself */
	ck_assert_int_eq(p->prov->member(p, &pv, "prev_pid", &pv), -ENOENT);
	ck_assert_str_eq(unit_diag_text(&f.ud), "");
	fx_fini(&f);
}
END_TEST

START_TEST(test_tp_colon_form)
{
	struct fx f;
	struct probe *p;
	int err;

	fx_init(&f, &arch_x86_64);
	p = fx_expand(&f, "t", "sched:sched_process_exec", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_str_eq(p->target, "sched/sched_process_exec");
	fx_fini(&f);
}
END_TEST

START_TEST(test_tp_not_found)
{
	struct fx f;
	int err;

	fx_init(&f, &arch_x86_64);
	fx_expand(&f, "tracepoint", "syscalls/sys_enter_opnat", &err);
	ck_assert_int_eq(err, -ENOENT);
	ck_assert_uint_eq(f.ud.d.errors, 1);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
		"<test>:1:1: error: tracepoint 'syscalls/sys_enter_opnat' "
		"not found"));
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
		"note: did you mean 'syscalls/sys_enter_openat'?"));
	fx_fini(&f);

	fx_init(&f, &arch_x86_64);
	fx_expand(&f, "tracepoint", "foo/bar", &err);
	ck_assert_int_eq(err, -ENOENT);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
		"error: tracepoint 'foo/bar' not found"));
	ck_assert_ptr_null(strstr(unit_diag_text(&f.ud), "did you mean"));
	fx_fini(&f);

	fx_init(&f, &arch_x86_64);
	fx_expand(&f, "tracepoint", "sched_switch", &err);
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
		"invalid tracepoint 'sched_switch': expected subsystem/event"));
	fx_fini(&f);

	fx_init(&f, &arch_x86_64);
	fx_expand(&f, "tracepoint", "sched/nomatch_*", &err);
	ck_assert_int_eq(err, -ENOENT);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
		"error: no tracepoint matches 'sched/nomatch_*'"));
	fx_fini(&f);
}
END_TEST

/* When tracefs cannot be read, the message says why: missing, or out of
 * file descriptors (which once read as "tracefs is not mounted"). */
START_TEST(test_tp_tracefs_errors)
{
	struct rlimit old, none;
	struct fx f;
	int err, fd;

	setenv("SPRY_TRACEFS", "/nonexistent/tracefs", 1);
	fx_init(&f, &arch_x86_64);
	fx_expand(&f, "tracepoint", "sched/sched_switch", &err);
	ck_assert_int_ne(err, 0);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
		"error: tracefs is not mounted at /nonexistent/tracefs"));
	fx_fini(&f);
	use_fixtures();

	/* no descriptor left: the lowest free one is the limit */
	fx_init(&f, &arch_x86_64);
	fd = dup(0);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	none = old;
	none.rlim_cur = (rlim_t)fd;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &none), 0);
	fx_expand(&f, "tracepoint", "sched/sched_switch", &err);
	setrlimit(RLIMIT_NOFILE, &old);
	ck_assert_int_ne(err, 0);
	ck_assert_msg(strstr(unit_diag_text(&f.ud), "Too many open files "
			     "(raise the open-file limit: ulimit -n)"),
		      "%s", unit_diag_text(&f.ud));
	ck_assert_ptr_null(strstr(unit_diag_text(&f.ud), "not mounted"));
	fx_fini(&f);
}
END_TEST

START_TEST(test_tp_glob_expand)
{
	struct fx f;
	struct probe *p, *q;
	unsigned n = 0;
	int err;

	fx_init(&f, &arch_x86_64);
	p = fx_expand(&f, "tracepoint", "sched/sched_process_*", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(f.s.nprobes, 3);
	ck_assert_str_eq(p->target, "sched/sched_process_exec");
	ck_assert_str_eq(p->next->target, "sched/sched_process_exit");
	ck_assert_str_eq(p->next->next->target, "sched/sched_process_fork");
	for (q = p; q; q = q->next) {
		struct pvar pv;

		n++;
		ck_assert_ptr_eq(q->prov, p->prov);
		ck_assert_ptr_eq(q->spec, p->spec);
		ck_assert_int_eq(q->prog_type, BPF_PROG_TYPE_TRACEPOINT);
		ck_assert_ptr_nonnull(q->body);
		ck_assert_ptr_nonnull(q->priv);
		if (q != p) {
			ck_assert_ptr_ne(q->body, p->body);
			ck_assert_ptr_ne(q->priv, p->priv);
		}
		ck_assert_int_eq(q->prov->resolve(q, "data", &pv), 0);
		ck_assert_str_eq(pv.type->base->name,
				 strchr(q->target, '/') + 1);
	}
	ck_assert_uint_eq(n, 3);
	fx_fini(&f);
}
END_TEST

/* A glob expands in place: probes already after p stay after the copies. */
START_TEST(test_tp_glob_keeps_list)
{
	static const struct loc no_loc = { 0 };
	struct fx f;
	struct probe *p, *tail;
	int err;

	fx_init(&f, &arch_x86_64);
	tail = script_probe_new(&f.s, provider_find("BEGIN"), NULL, "", no_loc,
				NULL, NULL);
	p = script_probe_new(&f.s, provider_find("t"), NULL,
			     "syscalls/sys_*_read", no_loc, NULL, NULL);
	p->next = tail;
	f.s.probes = p;
	f.s.nprobes = 2;
	err = p->prov->expand(&f.s, p, &f.ud.d);
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(f.s.nprobes, 3);
	ck_assert_str_eq(p->target, "syscalls/sys_enter_read");
	ck_assert_str_eq(p->next->target, "syscalls/sys_exit_read");
	ck_assert_ptr_eq(p->next->next, tail);
	fx_fini(&f);
}
END_TEST

static void check_member(struct probe *p, const char *name,
			 enum pvar_kind kind, bool indirect, int off,
			 unsigned size)
{
	struct pvar data, pv;

	ck_assert_int_eq(p->prov->resolve(p, "data", &data), 0);
	ck_assert_int_eq(p->prov->member(p, &data, name, &pv), 0);
	ck_assert_msg(pv.kind == kind, "%s: kind %d", name, pv.kind);
	ck_assert_msg(pv.indirect == indirect, "%s: indirect", name);
	ck_assert_msg(pv.off == off, "%s: off %d, not %d", name, pv.off, off);
	ck_assert_msg(pv.type && pv.type->size == size, "%s: size", name);
}

START_TEST(test_tp_raw_enter)
{
	struct fx f;
	struct probe *p;
	struct pvar data, pv;
	int64_t nr;
	int err;

	setenv("SPRY_SYSCALLS", "raw", 1);
	fx_init(&f, &arch_x86_64);
	p = fx_expand(&f, "tracepoint", "syscalls/sys_enter_openat", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(p->prog_type, BPF_PROG_TYPE_RAW_TRACEPOINT);
	/* sys_enter fires for every syscall: the program begins with the
	 * number test, the number in args[1] */
	ck_assert_int_eq(p->prov->filter(p, &pv, &nr), 0);
	ck_assert_int_eq(nr, 257);
	ck_assert_int_eq(pv.kind, PV_CTX_LOAD);
	ck_assert_int_eq(pv.off, 8);
	ck_assert_uint_eq(pv.type->size, 8);

	check_member(p, "__syscall_nr", PV_CTX_LOAD, false, 8, 4);
	check_member(p, "dfd", PV_REG, true, 112, 4);		/* di */
	check_member(p, "filename", PV_REG, true, 104, 8);	/* si */
	check_member(p, "flags", PV_REG, true, 96, 4);		/* dx */
	check_member(p, "mode", PV_REG, true, 56, 2);		/* r10 */
	ck_assert_int_eq(p->prov->resolve(p, "data", &data), 0);
	ck_assert_int_eq(p->prov->member(p, &data, "filename", &pv), 0);
	ck_assert_int_eq(pv.type->kind, T_PTR);
	ck_assert_int_eq(pv.type->space, AS_USER);
	/* not in the raw record: unknown to the member hook and the type */
	ck_assert_int_eq(p->prov->member(p, &data, "common_pid", &pv),
			 -ENOENT);
	ck_assert_ptr_null(type_member(data.type->base, "common_pid"));
	ck_assert_int_eq(p->prov->member(p, &data, "nosuch", &pv), -ENOENT);
	fx_fini(&f);
	unsetenv("SPRY_SYSCALLS");
}
END_TEST

START_TEST(test_tp_raw_exit)
{
	struct fx f;
	struct probe *p;
	struct pvar pv;
	int64_t nr;
	int err;

	setenv("SPRY_SYSCALLS", "raw", 1);
	fx_init(&f, &arch_x86_64);
	p = fx_expand(&f, "t", "syscalls/sys_exit_getppid", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(p->prog_type, BPF_PROG_TYPE_RAW_TRACEPOINT);
	ck_assert_int_eq(p->prov->filter(p, &pv, &nr), 0);
	ck_assert_int_eq(nr, 110);
	/* by exit ax holds the result: the number is in orig_ax */
	ck_assert_int_eq(pv.kind, PV_REG);
	ck_assert(pv.indirect);
	ck_assert_int_eq(pv.off, 120);
	check_member(p, "ret", PV_CTX_LOAD, false, 8, 8);
	check_member(p, "__syscall_nr", PV_REG, true, 120, 4);
	fx_fini(&f);
	unsetenv("SPRY_SYSCALLS");
}
END_TEST

START_TEST(test_tp_raw_aarch64)
{
	struct fx f;
	struct probe *p;
	struct pvar pv;
	int64_t nr;
	int err;

	setenv("SPRY_SYSCALLS", "raw", 1);
	fx_init(&f, &arch_aarch64);
	p = fx_expand(&f, "t", "syscalls/sys_enter_openat", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(p->prov->filter(p, &pv, &nr), 0);
	ck_assert_int_eq(nr, 56);
	check_member(p, "dfd", PV_REG, true, 272, 4);		/* orig_x0 */
	check_member(p, "filename", PV_REG, true, 8, 8);	/* x1 */
	check_member(p, "mode", PV_REG, true, 24, 2);		/* x3 */
	fx_fini(&f);

	fx_init(&f, &arch_aarch64);
	p = fx_expand(&f, "t", "syscalls/sys_exit_read", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(p->prov->filter(p, &pv, &nr), 0);
	ck_assert_int_eq(nr, 63);
	ck_assert_int_eq(pv.off, 280);		/* syscallno */
	ck_assert_uint_eq(pv.type->size, 4);
	check_member(p, "ret", PV_CTX_LOAD, false, 8, 8);
	fx_fini(&f);
	unsetenv("SPRY_SYSCALLS");
}
END_TEST

/* How syscall probes attach: a few syscalls by their own perf tracepoints,
 * a specifier of more than four through one dispatcher on the raw
 * tracepoint (the probes keep their number test), SPRY_SYSCALLS forcing
 * either. */
static struct probe *expand_nth(struct fx *f, const char *target, unsigned n)
{
	struct probe *p;
	int err;

	p = fx_expand(f, "t", target, &err);
	ck_assert_int_eq(err, 0);
	while (n-- && p)
		p = p->next;
	ck_assert_ptr_nonnull(p);
	return p;
}

START_TEST(test_tp_syscall_choice)
{
	struct fx f;
	struct probe *p;
	struct pvar pv;
	int64_t nr;

	unsetenv("SPRY_SYSCALLS");
	fx_init(&f, &arch_x86_64);
	p = expand_nth(&f, "syscalls/sys_enter_openat", 0);
	ck_assert_int_eq(p->prog_type, BPF_PROG_TYPE_TRACEPOINT);
	ck_assert_int_eq(p->prov->filter(p, &pv, &nr), -ENOENT);
	fx_fini(&f);

	/* four syscalls: still their perf tracepoints */
	fx_init(&f, &arch_x86_64);
	p = expand_nth(&f, "syscalls/sys_enter_[ecg]*", 3);
	ck_assert_int_eq(p->prog_type, BPF_PROG_TYPE_TRACEPOINT);
	ck_assert_ptr_null(p->next);
	fx_fini(&f);

	/* more: every one on the raw tracepoint, number test kept */
	fx_init(&f, &arch_x86_64);
	p = expand_nth(&f, "syscalls/sys_exit_*", 4);
	ck_assert_int_eq(p->prog_type, BPF_PROG_TYPE_RAW_TRACEPOINT);
	ck_assert_int_eq(p->prov->filter(p, &pv, &nr), 0);
	ck_assert_int_eq(pv.kind, PV_REG);	/* orig_ax: sys_exit */
	fx_fini(&f);

	setenv("SPRY_SYSCALLS", "perf", 1);
	fx_init(&f, &arch_x86_64);
	p = expand_nth(&f, "syscalls/sys_enter_*", 6);
	ck_assert_int_eq(p->prog_type, BPF_PROG_TYPE_TRACEPOINT);
	fx_fini(&f);

	setenv("SPRY_SYSCALLS", "raw", 1);
	fx_init(&f, &arch_x86_64);
	p = expand_nth(&f, "syscalls/sys_enter_openat", 0);
	ck_assert_int_eq(p->prog_type, BPF_PROG_TYPE_RAW_TRACEPOINT);
	ck_assert_int_eq(p->prov->filter(p, &pv, &nr), 0);
	ck_assert_int_eq(nr, 257);
	fx_fini(&f);
	unsetenv("SPRY_SYSCALLS");
}
END_TEST

START_TEST(test_tp_raw_off)
{
	struct fx f;
	struct probe *p;
	struct pvar data, pv;
	int64_t nr;
	int err;

	setenv("SPRY_SYSCALLS", "perf", 1);
	fx_init(&f, &arch_x86_64);
	p = fx_expand(&f, "t", "syscalls/sys_enter_openat", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(p->prog_type, BPF_PROG_TYPE_TRACEPOINT);
	ck_assert_int_eq(p->prov->filter(p, &pv, &nr), -ENOENT);
	ck_assert_int_eq(p->prov->resolve(p, "data", &data), 0);
	ck_assert_int_eq(p->prov->member(p, &data, "filename", &pv), -ENOENT);
	/* the verifier refuses ctx loads below offset 8: no common_* */
	ck_assert_ptr_null(type_member(data.type->base, "common_pid"));
	ck_assert_int_eq(member(data.type->base, "filename")->type->space,
			 AS_USER);
	fx_fini(&f);
	unsetenv("SPRY_SYSCALLS");
}
END_TEST

START_TEST(test_special)
{
	struct fx f;
	struct probe *p;
	int err;

	fx_init(&f, &arch_x86_64);
	p = fx_expand(&f, "BEGIN", "", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(p->prog_type, BPF_PROG_TYPE_RAW_TRACEPOINT);
	ck_assert(!p->prov->takes_target);
	ck_assert_ptr_null(p->prov->attach);
	p = fx_expand(&f, "END", "", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(p->prog_type, BPF_PROG_TYPE_RAW_TRACEPOINT);
	fx_fini(&f);
}
END_TEST

START_TEST(test_rate)
{
	struct provider_rate r;

	ck_assert_int_eq(provider_parse_rate("1s", "s", &r), 0);
	ck_assert_uint_eq(r.period_ns, 1000000000ULL);
	ck_assert_uint_eq(r.hz, 0);
	ck_assert_int_eq(provider_parse_rate("500ms", "s", &r), 0);
	ck_assert_uint_eq(r.period_ns, 500000000ULL);
	ck_assert_int_eq(provider_parse_rate("10", "s", &r), 0);
	ck_assert_uint_eq(r.period_ns, 10000000000ULL);
	ck_assert_int_eq(provider_parse_rate("250us", "s", &r), 0);
	ck_assert_uint_eq(r.period_ns, 250000ULL);
	ck_assert_int_eq(provider_parse_rate("7ns", "s", &r), 0);
	ck_assert_uint_eq(r.period_ns, 7);
	ck_assert_int_eq(provider_parse_rate("2m", "s", &r), 0);
	ck_assert_uint_eq(r.period_ns, 120000000000ULL);
	ck_assert_int_eq(provider_parse_rate("ms:20", "s", &r), 0);
	ck_assert_uint_eq(r.period_ns, 20000000ULL);
	ck_assert_int_eq(provider_parse_rate("99hz", "s", &r), 0);
	ck_assert_uint_eq(r.hz, 99);
	ck_assert_uint_eq(r.period_ns, 0);
	ck_assert_int_eq(provider_parse_rate("hz:99", "s", &r), 0);
	ck_assert_uint_eq(r.hz, 99);
	ck_assert_int_eq(provider_parse_rate("49", "hz", &r), 0);
	ck_assert_uint_eq(r.hz, 49);

	ck_assert_int_eq(provider_parse_rate("0", "s", &r), -EINVAL);
	ck_assert_int_eq(provider_parse_rate("0ms", "s", &r), -EINVAL);
	ck_assert_int_eq(provider_parse_rate("", "s", &r), -EINVAL);
	ck_assert_int_eq(provider_parse_rate("s", "s", &r), -EINVAL);
	ck_assert_int_eq(provider_parse_rate("1x", "s", &r), -EINVAL);
	ck_assert_int_eq(provider_parse_rate("-1s", "s", &r), -EINVAL);
	ck_assert_int_eq(provider_parse_rate("1 s", "s", &r), -EINVAL);
	ck_assert_int_eq(provider_parse_rate("ms:", "s", &r), -EINVAL);
	ck_assert_int_eq(provider_parse_rate("ms:5x", "s", &r), -EINVAL);
	ck_assert_int_eq(provider_parse_rate("xs:5", "s", &r), -EINVAL);
	ck_assert_int_eq(provider_parse_rate("99999999999999999999s", "s", &r),
			 -EINVAL);
	ck_assert_int_eq(provider_parse_rate("1000000000m", "s", &r),
			 -EINVAL);
}
END_TEST

START_TEST(test_interval_profile)
{
	struct fx f;
	struct probe *p;
	struct pvar pv;
	int err;

	fx_init(&f, &arch_x86_64);
	p = fx_expand(&f, "interval", "100ms", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(p->prog_type, BPF_PROG_TYPE_PERF_EVENT);
	ck_assert_int_eq(p->prov->resolve(p, "regs", &pv), 0);
	ck_assert_int_eq(pv.kind, PV_CTX);
	ck_assert_int_eq(pv.type->space, AS_CTX);
	ck_assert_uint_eq(member(pv.type->base, "ip")->off, 128);
	ck_assert_int_eq(p->prov->resolve(p, "data", &pv), -ENOENT);

	p = fx_expand(&f, "i", "hz:10", &err);
	ck_assert_int_eq(err, 0);
	p = fx_expand(&f, "i", "10xs", &err);
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
		"error: invalid interval '10xs'"));

	p = fx_expand(&f, "profile", "99hz", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(p->prog_type, BPF_PROG_TYPE_PERF_EVENT);
	ck_assert_int_eq(p->prov->resolve(p, "regs", &pv), 0);
	ck_assert_int_eq(fx_expand(&f, "p", "99", &err)->prog_type,
			 BPF_PROG_TYPE_PERF_EVENT);
	ck_assert_int_eq(err, 0);
	fx_expand(&f, "p", "cpu0:999hz", &err);
	ck_assert_int_eq(err, 0);
	fx_expand(&f, "p", "1:49", &err);
	ck_assert_int_eq(err, 0);
	fx_expand(&f, "p", "hz:99", &err);
	ck_assert_int_eq(err, 0);
	fx_expand(&f, "p", "10ms", &err);
	ck_assert_int_eq(err, 0);
	fx_expand(&f, "p", "cpux:99", &err);
	ck_assert_int_eq(err, -EINVAL);
	fx_expand(&f, "p", "0hz", &err);
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
		"error: invalid profile rate '0hz'"));
	fx_fini(&f);
}
END_TEST

START_TEST(test_online_cpus)
{
	int cpus[4096];
	int n = provider_online_cpus(cpus, 4096);

	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(n, (int)sysconf(_SC_NPROCESSORS_ONLN));
	for (int i = 1; i < n; i++)
		ck_assert_int_lt(cpus[i - 1], cpus[i]);
	ck_assert_int_eq(provider_online_cpus(cpus, 1), 1);
}
END_TEST

/* ---- as root: attach hand-written programs through the providers ---- */

#define R0 0
#define R1 1
#define R2 2
#define R3 3
#define R6 6
#define R7 7
#define R8 8
#define R10 10

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), \
	.src_reg = (s), .off = (o), .imm = (i) })
#define BPF_MOV64_REG(D, S)	INSN(BPF_ALU64 | BPF_MOV | BPF_X, D, S, 0, 0)
#define BPF_MOV64_IMM(D, I)	INSN(BPF_ALU64 | BPF_MOV | BPF_K, D, 0, 0, I)
#define BPF_ALU64_IMM(OP, D, I)	INSN(BPF_ALU64 | (OP) | BPF_K, D, 0, 0, I)
#define BPF_LDX_MEM(SZ, D, S, O) INSN(BPF_LDX | (SZ) | BPF_MEM, D, S, O, 0)
#define BPF_STX_MEM(SZ, D, S, O) INSN(BPF_STX | (SZ) | BPF_MEM, D, S, O, 0)
#define BPF_ST_MEM(SZ, D, O, I)	INSN(BPF_ST | (SZ) | BPF_MEM, D, 0, O, I)
#define BPF_JMP_IMM(OP, D, I, O) INSN(BPF_JMP | (OP) | BPF_K, D, 0, O, I)
#define BPF_EMIT_CALL(F)	INSN(BPF_JMP | BPF_CALL, 0, 0, 0, F)
#define BPF_EXIT_INSN()		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
/* the first half of the two-instruction BPF_LD_IMM64; the second is 0 */
#define BPF_LD_MAP_FD(D, FD)	INSN(BPF_LD | BPF_DW | BPF_IMM, D, \
				     BPF_PSEUDO_MAP_FD, 0, FD)

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static bool can_attach(void)
{
	struct stat st;

	return geteuid() == 0 && !stat("/sys/kernel/tracing/events", &st);
}

/* An array map of one {u64 count, a, b} value. */
static int map_create(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 24;
	attr.max_entries = 1;
	return sys_bpf(BPF_MAP_CREATE, &attr);
}

static void map_read(int fd, uint64_t v[3])
{
	union bpf_attr attr;
	uint32_t key = 0;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = (uint64_t)(unsigned long)&key;
	attr.value = (uint64_t)(unsigned long)v;
	ck_assert_int_eq(sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr), 0);
}

static int prog_load(enum bpf_prog_type type, const struct bpf_insn *insns,
		     unsigned n)
{
	static char log[65536];
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = (uint64_t)(unsigned long)insns;
	attr.insn_cnt = n;
	attr.license = (uint64_t)(unsigned long)"GPL";
	attr.log_buf = (uint64_t)(unsigned long)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	log[0] = '\0';
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	ck_assert_msg(fd >= 0, "load: %s\n%s", strerror(errno), log);
	return fd;
}

struct asm_buf {
	struct bpf_insn i[128];
	unsigned n;
	unsigned outs[16], nouts;	/* jumps to patch to the exit */
};

static void emit(struct asm_buf *b, struct bpf_insn insn)
{
	ck_assert_uint_lt(b->n, 128);
	b->i[b->n++] = insn;
}

static void emit_jne_out(struct asm_buf *b, int reg, int imm)
{
	b->outs[b->nouts++] = b->n;
	emit(b, BPF_JMP_IMM(BPF_JNE, reg, imm, 0));
}

static int bpf_size(unsigned size)
{
	return size == 1 ? BPF_B : size == 2 ? BPF_H : size == 4 ? BPF_W :
	       BPF_DW;
}

/* dst = the provider variable @pv, as lowering must read it; r6 = ctx. */
static void emit_pvar(struct asm_buf *b, const struct pvar *pv, int dst)
{
	int sz = bpf_size(pv->type->size);

	switch (pv->kind) {
	case PV_CTX_LOAD:
		emit(b, BPF_LDX_MEM(sz, dst, R6, pv->off));
		break;
	case PV_REG:
		ck_assert(pv->indirect);
		emit(b, BPF_LDX_MEM(BPF_DW, R3, R6, 0));
		emit(b, BPF_ALU64_IMM(BPF_ADD, R3, pv->off));
		emit(b, BPF_MOV64_REG(R1, R10));
		emit(b, BPF_ALU64_IMM(BPF_ADD, R1, -8));
		emit(b, BPF_MOV64_IMM(R2, (int)pv->type->size));
		emit(b, BPF_EMIT_CALL(BPF_FUNC_probe_read_kernel));
		emit(b, BPF_LDX_MEM(sz, dst, R10, -8));
		break;
	default:
		ck_abort_msg("pvar kind %d", pv->kind);
	}
}

/* if (pid == mine && filter) { v.count++; v.a = *a; v.b = *b; } */
static int build_prog(const struct probe *p, int map_fd,
		      const struct pvar *a, const struct pvar *b)
{
	struct asm_buf buf = { .n = 0 };
	struct pvar filter;
	int64_t nr;

	emit(&buf, BPF_MOV64_REG(R6, R1));
	emit(&buf, BPF_ST_MEM(BPF_DW, R10, -8, 0));
	if (p->prov->filter && !p->prov->filter(p, &filter, &nr)) {
		emit(&buf, BPF_EMIT_CALL(BPF_FUNC_get_current_pid_tgid));
		emit(&buf, BPF_ALU64_IMM(BPF_RSH, R0, 32));
		emit_jne_out(&buf, R0, getpid());
		emit_pvar(&buf, &filter, R0);
		emit_jne_out(&buf, R0, (int)nr);
	}
	if (a)
		emit_pvar(&buf, a, R7);
	else
		emit(&buf, BPF_MOV64_IMM(R7, 0));
	if (b)
		emit_pvar(&buf, b, R8);
	else
		emit(&buf, BPF_MOV64_IMM(R8, 0));
	emit(&buf, BPF_ST_MEM(BPF_W, R10, -16, 0));
	emit(&buf, BPF_LD_MAP_FD(R1, map_fd));
	emit(&buf, INSN(0, 0, 0, 0, 0));
	emit(&buf, BPF_MOV64_REG(R2, R10));
	emit(&buf, BPF_ALU64_IMM(BPF_ADD, R2, -16));
	emit(&buf, BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem));
	buf.outs[buf.nouts++] = buf.n;
	emit(&buf, BPF_JMP_IMM(BPF_JEQ, R0, 0, 0));
	emit(&buf, BPF_LDX_MEM(BPF_DW, R1, R0, 0));
	emit(&buf, BPF_ALU64_IMM(BPF_ADD, R1, 1));
	emit(&buf, BPF_STX_MEM(BPF_DW, R0, R1, 0));
	emit(&buf, BPF_STX_MEM(BPF_DW, R0, R7, 8));
	emit(&buf, BPF_STX_MEM(BPF_DW, R0, R8, 16));
	for (unsigned i = 0; i < buf.nouts; i++)
		buf.i[buf.outs[i]].off = (short)(buf.n - buf.outs[i] - 1);
	emit(&buf, BPF_MOV64_IMM(R0, 0));
	emit(&buf, BPF_EXIT_INSN());
	return prog_load(p->prog_type, buf.i, buf.n);
}

static struct pvar field(struct probe *p, const char *name)
{
	struct pvar data, pv;
	const struct member *m;

	ck_assert_int_eq(p->prov->resolve(p, "data", &data), 0);
	if (!p->prov->member(p, &data, name, &pv))
		return pv;
	m = member(data.type->base, name);
	memset(&pv, 0, sizeof(pv));
	pv.kind = PV_CTX_LOAD;
	pv.off = (int)m->off;
	pv.type = m->type;
	return pv;
}

/* Expand against the real tracefs of the host, attach, run @fn. */
struct live {
	struct fx f;
	struct probe *p;
	struct rt_probe rp;	/* what the runtime would hold */
	int map_fd;
};

static void live_attach(struct live *l, const char *prov, const char *target,
			const char *fa, const char *fb)
{
	struct pvar a, b;
	int err;

	unsetenv("SPRY_TRACEFS");
	fx_init(&l->f, arch_host());
	l->p = fx_expand(&l->f, prov, target, &err);
	ck_assert_msg(err == 0, "%s", unit_diag_text(&l->f.ud));
	l->map_fd = map_create();
	ck_assert_int_ge(l->map_fd, 0);
	if (fa)
		a = field(l->p, fa);
	if (fb)
		b = field(l->p, fb);
	memset(&l->rp, 0, sizeof(l->rp));
	l->rp.p = l->p;
	l->rp.prog_fd = build_prog(l->p, l->map_fd, fa ? &a : NULL,
				   fb ? &b : NULL);
	err = l->p->prov->attach(&l->rp, &l->f.ud.d);
	ck_assert_msg(err == 0, "%s", unit_diag_text(&l->f.ud));
	ck_assert_ptr_nonnull(l->rp.attach);
}

static void live_detach(struct live *l)
{
	l->p->prov->detach(&l->rp);
	ck_assert_ptr_null(l->rp.attach);
	l->p->prov->detach(&l->rp);	/* twice is harmless */
	close(l->rp.prog_fd);
	close(l->map_fd);
	fx_fini(&l->f);
	use_fixtures();
}

START_TEST(test_live_raw_enter)
{
	static const char path[] = "/nonexistent/spry-check-tracepoint";
	struct live l;
	uint64_t v[3];
	int fd;

	if (!can_attach())
		return;
	setenv("SPRY_SYSCALLS", "raw", 1);
	live_attach(&l, "tracepoint", "syscalls/sys_enter_openat", "filename",
		    "dfd");
	unsetenv("SPRY_SYSCALLS");
	ck_assert_int_eq(l.p->prog_type, BPF_PROG_TYPE_RAW_TRACEPOINT);
	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);
	ck_assert_int_lt(fd, 0);
	map_read(l.map_fd, v);
	ck_assert_uint_eq(v[0], 1);
	ck_assert_uint_eq(v[1], (uint64_t)(unsigned long)path);
	ck_assert_int_eq((int)v[2], AT_FDCWD);
	live_detach(&l);
}
END_TEST

START_TEST(test_live_raw_exit)
{
	struct live l;
	uint64_t v[3];
	struct pvar pv;
	int64_t nr;
	pid_t ppid;

	if (!can_attach())
		return;
	setenv("SPRY_SYSCALLS", "raw", 1);
	live_attach(&l, "tracepoint", "syscalls/sys_exit_getppid", "ret",
		    "__syscall_nr");
	unsetenv("SPRY_SYSCALLS");
	ppid = (pid_t)syscall(SYS_getppid);
	syscall(SYS_getppid);
	syscall(SYS_getpid);
	map_read(l.map_fd, v);
	ck_assert_uint_eq(v[0], 2);
	ck_assert_int_eq((int)v[1], ppid);
	ck_assert_int_eq(l.p->prov->filter(l.p, &pv, &nr), 0);
	ck_assert_uint_eq(v[2], (uint64_t)nr);
	live_detach(&l);
}
END_TEST

/* A specifier of many syscalls: its probes sit in a dispatcher's program
 * array, and the dispatcher alone runs for every syscall.  The first
 * probe (getpeername) makes it; the second (getpgid) takes its slot;
 * getpid, not attached, reaches neither. */
START_TEST(test_live_dispatch)
{
	struct live l;
	struct probe *q;
	struct rt_probe rq;
	uint64_t v[3];
	int err, fd2;

	if (!can_attach())
		return;
	unsetenv("SPRY_SYSCALLS");
	live_attach(&l, "tracepoint", "syscalls/sys_enter_getp*", NULL, NULL);
	ck_assert_int_eq(l.p->prog_type, BPF_PROG_TYPE_RAW_TRACEPOINT);
	ck_assert_str_eq(l.p->target, "syscalls/sys_enter_getpeername");
	q = l.p->next;
	ck_assert_str_eq(q->target, "syscalls/sys_enter_getpgid");
	fd2 = map_create();
	ck_assert_int_ge(fd2, 0);
	memset(&rq, 0, sizeof(rq));
	rq.p = q;
	rq.prog_fd = build_prog(q, fd2, NULL, NULL);
	err = q->prov->attach(&rq, &l.f.ud.d);
	ck_assert_msg(err == 0, "%s", unit_diag_text(&l.f.ud));
	/* the dispatcher's fds are the first probe's */
	ck_assert_ptr_null(rq.attach);
	syscall(SYS_getpeername, -1, NULL, NULL);
	syscall(SYS_getpgid, 0);
	syscall(SYS_getpgid, 0);
	syscall(SYS_getpid);
	map_read(l.map_fd, v);
	ck_assert_uint_eq(v[0], 1);
	map_read(fd2, v);
	ck_assert_uint_eq(v[0], 2);
	q->prov->detach(&rq);
	close(rq.prog_fd);
	close(fd2);
	live_detach(&l);
}
END_TEST

/* Move to the last online CPU: a tracepoint perf event opened on CPU 0 must
 * still run its program everywhere. */
static void away_from_cpu0(void)
{
	int cpus[4096], n = provider_online_cpus(cpus, 4096);
	cpu_set_t set;

	if (n < 2 || cpus[n - 1] == 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpus[n - 1], &set);
	ck_assert_int_eq(sched_setaffinity(0, sizeof(set), &set), 0);
}

START_TEST(test_live_perf_tracepoint)
{
	static const char path[] = "/nonexistent/spry-check-perf";
	struct live l;
	uint64_t v[3];
	int fd;

	if (!can_attach())
		return;
	away_from_cpu0();
	setenv("SPRY_SYSCALLS", "perf", 1);
	live_attach(&l, "tracepoint", "syscalls/sys_enter_openat", "filename",
		    "dfd");
	unsetenv("SPRY_SYSCALLS");
	ck_assert_int_eq(l.p->prog_type, BPF_PROG_TYPE_TRACEPOINT);
	for (int i = 0; i < 200; i++) {
		fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);
		ck_assert_int_lt(fd, 0);
		map_read(l.map_fd, v);
		if (v[0] && v[1] == (uint64_t)(unsigned long)path)
			break;
	}
	ck_assert_uint_gt(v[0], 0);
	ck_assert_uint_eq(v[1], (uint64_t)(unsigned long)path);
	ck_assert_int_eq((int)v[2], AT_FDCWD);
	live_detach(&l);
}
END_TEST

static void spin_ms(long ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000 +
	       (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
}

START_TEST(test_live_interval)
{
	struct live l;
	uint64_t v[3];

	if (!can_attach())
		return;
	live_attach(&l, "interval", "2ms", NULL, NULL);
	spin_ms(60);
	map_read(l.map_fd, v);
	/* ~30 expected; the timer runs on CPU 0 whatever this thread does */
	ck_assert_uint_gt(v[0], 5);
	ck_assert_uint_lt(v[0], 100);
	live_detach(&l);
}
END_TEST

START_TEST(test_live_profile)
{
	struct live l;
	uint64_t v[3];

	if (!can_attach())
		return;
	live_attach(&l, "profile", "997hz", NULL, NULL);
	spin_ms(60);
	map_read(l.map_fd, v);
	ck_assert_uint_gt(v[0], 5);
	live_detach(&l);
}
END_TEST

/* BEGIN and END are not attached: the runtime runs them with
 * BPF_PROG_TEST_RUN and no context.  Check that works for what they are. */
START_TEST(test_live_begin_test_run)
{
	union bpf_attr attr;
	struct fx f;
	struct probe *p;
	uint64_t v[3];
	int err, map_fd, prog_fd;

	if (!can_attach())
		return;
	fx_init(&f, arch_host());
	p = fx_expand(&f, "BEGIN", "", &err);
	ck_assert_int_eq(err, 0);
	map_fd = map_create();
	ck_assert_int_ge(map_fd, 0);
	prog_fd = build_prog(p, map_fd, NULL, NULL);
	for (int i = 0; i < 2; i++) {
		memset(&attr, 0, sizeof(attr));
		attr.test.prog_fd = (unsigned)prog_fd;
		attr.test.retval = 1;
		ck_assert_int_eq(sys_bpf(BPF_PROG_TEST_RUN, &attr), 0);
		ck_assert_uint_eq(attr.test.retval, 0);
	}
	map_read(map_fd, v);
	ck_assert_uint_eq(v[0], 2);
	close(prog_fd);
	close(map_fd);
	fx_fini(&f);
}
END_TEST

START_TEST(test_live_attach_error)
{
	struct rt_probe rp = { 0 };
	struct fx f;
	struct probe *p;
	int err;

	if (!can_attach())
		return;
	unsetenv("SPRY_TRACEFS");
	fx_init(&f, arch_host());
	p = fx_expand(&f, "tracepoint", "sched/sched_switch", &err);
	ck_assert_int_eq(err, 0);
	rp.p = p;
	rp.prog_fd = 9999;	/* not a program: the attach must fail */
	err = p->prov->attach(&rp, &f.ud.d);
	ck_assert_int_lt(err, 0);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
		"error: cannot attach to tracepoint:sched/sched_switch: "));
	p->prov->detach(&rp);	/* after a partial attach */
	ck_assert_ptr_null(rp.attach);
	fx_fini(&f);
	use_fixtures();
}
END_TEST

static Suite *tracepoint_suite(void)
{
	Suite *s = suite_create("tracepoint");
	TCase *tc = tcase_create("fixtures");
	TCase *live = tcase_create("live");

	tcase_add_checked_fixture(tc, use_fixtures, NULL);
	tcase_add_test(tc, test_format_sched_switch);
	tcase_add_test(tc, test_format_syscall);
	tcase_add_test(tc, test_format_dataloc);
	tcase_add_test(tc, test_format_synthetic);
	tcase_add_test(tc, test_event_load);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_glob);
	tcase_add_test(tc, test_suggest);
	tcase_add_test(tc, test_split);
	tcase_add_test(tc, test_provider_find);
	tcase_add_test(tc, test_tracefs_env);
	tcase_add_test(tc, test_tp_perf);
	tcase_add_test(tc, test_tp_colon_form);
	tcase_add_test(tc, test_tp_not_found);
	tcase_add_test(tc, test_tp_tracefs_errors);
	tcase_add_test(tc, test_tp_glob_expand);
	tcase_add_test(tc, test_tp_glob_keeps_list);
	tcase_add_test(tc, test_tp_raw_enter);
	tcase_add_test(tc, test_tp_raw_exit);
	tcase_add_test(tc, test_tp_raw_aarch64);
	tcase_add_test(tc, test_tp_raw_off);
	tcase_add_test(tc, test_tp_syscall_choice);
	tcase_add_test(tc, test_special);
	tcase_add_test(tc, test_rate);
	tcase_add_test(tc, test_interval_profile);
	tcase_add_test(tc, test_online_cpus);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(live, use_fixtures, NULL);
	tcase_set_timeout(live, 30);
	tcase_add_test(live, test_live_raw_enter);
	tcase_add_test(live, test_live_raw_exit);
	tcase_add_test(live, test_live_dispatch);
	tcase_add_test(live, test_live_perf_tracepoint);
	tcase_add_test(live, test_live_interval);
	tcase_add_test(live, test_live_profile);
	tcase_add_test(live, test_live_begin_test_run);
	tcase_add_test(live, test_live_attach_error);
	suite_add_tcase(s, live);
	return s;
}

int main(void)
{
	use_fixtures();
	return unit_run(tracepoint_suite());
}
