/* check_rawtp.c - the compile-time side of the providers typed from BTF
 * that are not on functions: rawtracepoint and tp_btf (targets, the args
 * struct from btf_raw_tp(), arg0.., a shared event class, without BTF,
 * globs) and
 * iter (the context record, the filter that skips the call after the last
 * object, -p, errors, the listing), on the BTF cut from a real kernel in
 * test/fixtures/btf/kernel.  Loading and running them: test/kernel/
 * rawtracepoint.sh, tp_btf.sh, iter.sh and test/vm/cases/tp_btf.sh,
 * iter.sh.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <linux/bpf.h>

#include "arch.h"
#include "arena.h"
#include "ast.h"
#include "btf.h"
#include "host.h"
#include "provider.h"
#include "script.h"
#include "type.h"
#include "unit.h"

struct fx {
	struct arena *a;
	struct script s;
	struct host host;
	struct source src;
	struct unit_diag ud;
	char text[256];
};

static void fx_init(struct fx *f, const char *btf_dir)
{
	memset(f, 0, sizeof(*f));
	f->a = arena_new();
	f->s.arena = f->a;
	f->s.arch = &arch_x86_64;
	unit_diag_open(&f->ud);
	f->host.btf = btf_dir;
	f->s.host = &f->host;
	f->s.btf = btf_new(f->a, btf_dir);
}

static void fx_fini(struct fx *f)
{
	btf_free(f->s.btf);
	unit_diag_close(&f->ud);
	arena_free(f->a);
}

static struct probe *fx_expand(struct fx *f, const char *prov,
			       const char *target, int *err)
{
	return unit_expand(&f->s, prov, target, f->text, sizeof(f->text),
			   &f->src, &f->ud.d, err);
}

static const char *tn(const struct type *t)
{
	static char buf[4][128];
	static unsigned slot;

	return type_name(t, buf[slot++ % 4], sizeof(buf[0]));
}

/* The member @name of the record provider variable @var points to. */
static const struct member *field(struct probe *p, const char *var,
				  const char *name, unsigned *off)
{
	struct pvar pv;
	const struct member *m;

	ck_assert_int_eq(p->prov->resolve(p, var, &pv), 0);
	ck_assert_int_eq(pv.kind, PV_CTX);
	ck_assert_int_eq(pv.type->kind, T_PTR);
	ck_assert_int_eq(pv.type->space, AS_CTX);
	m = type_field(pv.type->base, name, off);
	ck_assert_msg(m != NULL, "no %s->%s", var, name);
	return m;
}

/* -l/-lv @pattern on the fixture BTF: what it printed. */
static char *fx_list(struct fx *f, const char *pattern, bool verbose)
{
	char *out = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&out, &size);

	ck_assert_ptr_nonnull(mem);
	ck_assert_int_eq(provider_list(&f->host, pattern, verbose, 0, mem,
				       &f->ud.d), 0);
	fclose(mem);
	return out;
}

/* ---- btf.h: raw tracepoints and names ---- */

START_TEST(test_raw_tp_class)
{
	struct arena *a = arena_new();
	struct btf *b = btf_new(a, unit_fixture("btf", "kernel"));
	const struct type *f;
	const char *obj = "x";
	uint32_t id = 0, tid = 0;

	/* sched_wakeup has no stub of its own: its class's names it */
	f = btf_raw_tp(b, "sched_wakeup", &id, &obj);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->members->name, "p");
	ck_assert_str_eq(tn(f->members->type), "struct task_struct *");
	ck_assert_ptr_null(f->members->next);
	/* a tp_btf program names the typedef */
	ck_assert_ptr_null(obj);
	ck_assert_int_eq(btf_type_id(b, BTF_NS_TYPEDEF, NULL,
				     "btf_trace_sched_wakeup", &tid, &obj), 0);
	ck_assert_uint_eq(id, tid);
	/* sched_switch's own stub: four named arguments */
	f = btf_raw_tp(b, "sched_switch", NULL, NULL);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->members->name, "preempt");
	ck_assert_str_eq(f->members->next->next->next->name, "prev_state");
	ck_assert_ptr_null(btf_raw_tp(b, "sched_wakeup_template", NULL, NULL));
	btf_free(b);
	arena_free(a);
}
END_TEST

static int count_one(void *ctx, const char *module, const char *name)
{
	(void)module;
	(void)name;
	++*(int *)ctx;
	return 0;
}

START_TEST(test_btf_names)
{
	struct arena *a = arena_new();
	struct btf *b = btf_new(a, unit_fixture("btf", "kernel"));
	int n = 0;

	ck_assert_int_eq(btf_names(b, BTF_NS_TYPEDEF, NULL, "btf_trace_*",
				   count_one, &n), 0);
	ck_assert_int_eq(n, 4);
	n = 0;
	ck_assert_int_eq(btf_names(b, BTF_NS_STRUCT, NULL, "bpf_iter__task*",
				   count_one, &n), 0);
	ck_assert_int_eq(n, 3);
	n = 0;
	ck_assert_int_eq(btf_names(b, BTF_NS_FUNC, "nomodule", "*", count_one,
				   &n), -ENOENT);
	btf_free(b);
	arena_free(a);
}
END_TEST

/* ---- rawtracepoint, tp_btf ---- */

START_TEST(test_rawtracepoint_args)
{
	struct fx f;
	struct probe *p;
	struct pvar pv;
	unsigned off;
	int err;

	fx_init(&f, unit_fixture("btf", "kernel"));
	p = fx_expand(&f, "rawtracepoint", "sched:sched_switch", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_str_eq(unit_diag_text(&f.ud), "");
	ck_assert_int_eq(p->prog_type, BPF_PROG_TYPE_RAW_TRACEPOINT);
	ck_assert_uint_eq(p->attach_btf_id, 0);
	ck_assert_str_eq(p->target, "sched_switch");
	/* one u64 slot each */
	ck_assert_str_eq(tn(field(p, "args", "prev", &off)->type),
			 "struct task_struct *");
	ck_assert_uint_eq(off, 8);
	field(p, "args", "prev_state", &off);
	ck_assert_uint_eq(off, 24);
	ck_assert_int_eq(p->prov->resolve(p, "arg3", &pv), 0);
	ck_assert_int_eq(pv.kind, PV_CTX_LOAD);
	ck_assert_int_eq(pv.off, 24);
	ck_assert_int_eq(p->prov->resolve(p, "arg4", &pv), -ENOENT);
	ck_assert_int_eq(p->prov->resolve(p, "ctx", &pv), -ENOENT);
	/* bpftrace's module:name */
	p = fx_expand(&f, "rt", "vmlinux:sched_wakeup", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_str_eq(tn(field(p, "args", "p", &off)->type),
			 "struct task_struct *");
	fx_fini(&f);
}
END_TEST

START_TEST(test_tp_btf)
{
	struct fx f;
	struct probe *p;
	struct pvar pv;
	unsigned off;
	uint32_t id;
	const char *obj;
	int err;

	fx_init(&f, unit_fixture("btf", "kernel"));
	ck_assert_str_eq(provider_find("tp_btf")->fallback, "rawtracepoint");
	p = fx_expand(&f, "tp_btf", "sched_process_exec", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(p->prog_type, BPF_PROG_TYPE_TRACING);
	ck_assert_int_eq(p->attach_type, BPF_TRACE_RAW_TP);
	ck_assert_int_eq(btf_type_id(f.s.btf, BTF_NS_TYPEDEF, NULL,
				     "btf_trace_sched_process_exec", &id,
				     &obj), 0);
	ck_assert_uint_eq(p->attach_btf_id, id);
	ck_assert_ptr_null(p->attach_btf_module);
	ck_assert_str_eq(tn(field(p, "args", "old_pid", &off)->type), "s32");
	ck_assert_uint_eq(off, 8);
	ck_assert_str_eq(tn(field(p, "args", "bprm", &off)->type),
			 "struct linux_binprm *");
	ck_assert_int_eq(p->prov->resolve(p, "arg2", &pv), 0);
	ck_assert_int_eq(p->prov->resolve(p, "arg3", &pv), -ENOENT);

	fx_expand(&f, "tp_btf", "sched_swich", &err);
	ck_assert_int_eq(err, -ENOENT);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
				     "no raw tracepoint 'sched_swich' in this "
				     "kernel"));
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
				     "did you mean 'sched_switch'?"));
	fx_expand(&f, "tp_btf", "sched/x", &err);
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
				     "invalid tp_btf 'sched/x'"));
	fx_fini(&f);
}
END_TEST

START_TEST(test_rawtp_nobtf)
{
	struct fx f;
	struct probe *p;
	struct pvar pv;
	int err;

	fx_init(&f, "/nonexistent/btf");
	/* rawtracepoint: no args, up to 12 raw ones */
	p = fx_expand(&f, "rawtracepoint", "sched_switch", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(p->prov->resolve(p, "args", &pv), -ENOENT);
	ck_assert_int_eq(p->prov->resolve(p, "arg11", &pv), 0);
	ck_assert_int_eq(p->prov->resolve(p, "arg12", &pv), -ENOENT);
	/* tp_btf cannot be without */
	fx_expand(&f, "tp_btf", "sched_switch", &err);
	ck_assert_int_eq(err, -ENOENT);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
				     "tp_btf needs the kernel's BTF"));
	fx_fini(&f);
}
END_TEST

/* A glob: a probe per tracepoint BTF has, in BTF order, each with its
 * own args; nothing matched is an error at the probe. */
START_TEST(test_rawtp_glob)
{
	struct fx f;
	struct probe *p;
	unsigned off;
	int err;

	fx_init(&f, unit_fixture("btf", "kernel"));
	p = fx_expand(&f, "tp_btf", "sched:sched_[sw]*", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_str_eq(p->target, "sched_switch");
	ck_assert_ptr_nonnull(p->next);
	ck_assert_str_eq(p->next->target, "sched_wakeup");
	ck_assert_ptr_null(p->next->next);
	ck_assert_uint_ne(p->attach_btf_id, p->next->attach_btf_id);
	field(p, "args", "prev_state", &off);
	ck_assert_uint_eq(off, 24);
	ck_assert_str_eq(tn(field(p->next, "args", "p", &off)->type),
			 "struct task_struct *");
	ck_assert_uint_eq(off, 0);
	ck_assert_str_eq(unit_diag_text(&f.ud), "");

	fx_expand(&f, "rawtracepoint", "sched_nosuch*", &err);
	ck_assert_int_eq(err, -ENOENT);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
				     "no raw tracepoint matches "
				     "'sched_nosuch*'"));
	fx_expand(&f, "rawtracepoint", "sched/*", &err);
	ck_assert_int_eq(err, -EINVAL);
	/* glob characters make a glob, not a name */
	fx_expand(&f, "rawtracepoint", "sched]", &err);
	ck_assert_int_eq(err, -EINVAL);
	fx_fini(&f);
}
END_TEST

/* The names of the probes glob @target of @prov expanded to, one a line. */
static const char *glob_names(struct fx *f, const char *prov,
			      const char *target)
{
	static char buf[512];
	size_t len = 0;
	int err;

	buf[0] = 0;
	for (struct probe *p = fx_expand(f, prov, target, &err); p && !err;
	     p = p->next)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s\n",
					p->target);
	return err ? "error" : buf;
}

/* A glob's prefix: tracefs' subsystem (the fixture's tracefs), vmlinux,
 * or a module; with BTF and without. */
START_TEST(test_rawtp_glob_prefix)
{
	char tracefs[4096], *out;
	struct fx f;

	snprintf(tracefs, sizeof(tracefs), "%s", unit_fixture("tracefs", ""));
	fx_init(&f, unit_fixture("btf", "kernel"));
	f.host.tracefs = tracefs;
	ck_assert_str_eq(glob_names(&f, "rt", "sched:*"), "sched_switch\n"
			 "sched_wakeup\nsched_process_exec\n");
	ck_assert_str_eq(glob_names(&f, "rt", "raw_syscalls:*"),
			 "sys_enter\n");
	ck_assert_str_eq(glob_names(&f, "rt", "vmlinux:s*_e*"),
			 "sched_process_exec\nsys_enter\n");
	ck_assert_str_eq(glob_names(&f, "rt", "sched_[r-t]?i*"),
			 "sched_switch\n");
	ck_assert_str_eq(glob_names(&f, "rt", "signal:*"), "error");
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
				     "no raw tracepoint matches 'signal:*'"));
	/* -l lists what the same probe attaches to */
	out = fx_list(&f, "rt:sched:s*", false);
	ck_assert_str_eq(out, "rawtracepoint:sched_switch\n"
			 "rawtracepoint:sched_wakeup\n"
			 "rawtracepoint:sched_process_exec\n");
	free(out);
	out = fx_list(&f, "rawtracepoint:raw_syscalls:*", false);
	ck_assert_str_eq(out, "rawtracepoint:sys_enter\n");
	free(out);
	fx_fini(&f);

	/* without BTF: tracefs' events of the subsystem */
	fx_init(&f, "/nonexistent/btf");
	f.host.tracefs = tracefs;
	ck_assert_str_eq(glob_names(&f, "rt", "sched:sched_process_*"),
			 "sched_process_exec\nsched_process_exit\n"
			 "sched_process_fork\n");
	ck_assert_str_eq(glob_names(&f, "rt", "sys_e*"),
			 "sys_enter\nsys_exit\n");
	fx_fini(&f);
}
END_TEST

START_TEST(test_rawtp_list)
{
	struct fx f;
	char *out;

	fx_init(&f, unit_fixture("btf", "kernel"));
	out = fx_list(&f, "rawtracepoint:sched_*", false);
	ck_assert_str_eq(out, "rawtracepoint:sched_switch\n"
			 "rawtracepoint:sched_wakeup\n"
			 "rawtracepoint:sched_process_exec\n");
	free(out);
	out = fx_list(&f, "tp_btf:sched_wakeup", true);
	ck_assert_str_eq(out, "tp_btf:sched_wakeup\n"
			 "    struct task_struct * p\n");
	free(out);
	fx_fini(&f);
}
END_TEST

/* ---- iter ---- */

START_TEST(test_iter)
{
	struct fx f;
	struct probe *p;
	struct pvar pv;
	int64_t v;
	unsigned off;
	uint32_t id;
	const char *obj;
	int err;

	fx_init(&f, unit_fixture("btf", "kernel"));
	p = fx_expand(&f, "iter", "task_file", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_str_eq(unit_diag_text(&f.ud), "");
	ck_assert_int_eq(p->prog_type, BPF_PROG_TYPE_TRACING);
	ck_assert_int_eq(p->attach_type, BPF_TRACE_ITER);
	ck_assert_int_eq(btf_func_id(f.s.btf, NULL, "bpf_iter_task_file", &id,
				     &obj), 0);
	ck_assert_uint_eq(p->attach_btf_id, id);
	/* ctx is the record, its pointers read as integers */
	ck_assert_int_eq(p->prov->resolve(p, "ctx", &pv), 0);
	ck_assert(pv.nullable);
	ck_assert_str_eq(tn(pv.type), "struct bpf_iter__task_file *");
	ck_assert_str_eq(tn(field(p, "ctx", "task", &off)->type),
			 "struct task_struct *");
	ck_assert_uint_eq(off, 8);
	ck_assert_str_eq(tn(field(p, "ctx", "fd", &off)->type), "u32");
	ck_assert_uint_eq(off, 16);
	field(p, "ctx", "file", &off);
	ck_assert_uint_eq(off, 24);
	ck_assert_int_eq(p->prov->resolve(p, "args", &pv), -ENOENT);
	/* the call after the last object is skipped: ctx->task == NULL */
	ck_assert(p->prov->filter_skips && p->prov->seq_output);
	ck_assert_int_eq(p->prov->filter(p, &pv, &v), 0);
	ck_assert_int_eq(pv.kind, PV_CTX_LOAD);
	ck_assert_int_eq(pv.off, 8);
	ck_assert_int_eq(v, 0);
	ck_assert_ptr_eq(provider_find("it"), p->prov);
	fx_fini(&f);
}
END_TEST

START_TEST(test_iter_errors)
{
	struct fx f;
	int err;

	fx_init(&f, unit_fixture("btf", "kernel"));
	fx_expand(&f, "iter", "tsk", &err);
	ck_assert_int_eq(err, -ENOENT);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
				     "no iterator 'tsk' in this kernel"));
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
				     "did you mean 'task'?"));
	fx_expand(&f, "iter", "task:x", &err);
	ck_assert_int_eq(err, -EINVAL);
	/* a record without its function is no iterator */
	fx_expand(&f, "iter", "meta", &err);
	ck_assert_int_eq(err, -ENOENT);
	/* -p: task iterators only, and the fixture has nothing else */
	f.s.opts.target_pid = 1;
	fx_expand(&f, "iter", "task_vma", &err);
	ck_assert_int_eq(err, 0);
	fx_fini(&f);

	fx_init(&f, "/nonexistent/btf");
	fx_expand(&f, "iter", "task", &err);
	ck_assert_int_eq(err, -ENOENT);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
				     "iter needs the kernel's BTF"));
	fx_fini(&f);
}
END_TEST

START_TEST(test_iter_list)
{
	struct fx f;
	char *out;

	fx_init(&f, unit_fixture("btf", "kernel"));
	out = fx_list(&f, "iter:*", false);
	ck_assert_str_eq(out, "iter:task\niter:task_file\niter:task_vma\n");
	free(out);
	out = fx_list(&f, "it:task_*", true);
	ck_assert_str_eq(out, "iter:task_file\n"
			 "    struct task_struct * task\n"
			 "    u32 fd\n"
			 "    struct file * file\n"
			 "iter:task_vma\n"
			 "    struct task_struct * task\n"
			 "    struct vm_area_struct * vma\n");
	free(out);
	fx_fini(&f);
}
END_TEST

static Suite *rawtp_suite(void)
{
	Suite *s = suite_create("rawtp");
	TCase *tc = tcase_create("btf");

	tcase_add_test(tc, test_raw_tp_class);
	tcase_add_test(tc, test_btf_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("rawtracepoint");
	tcase_add_test(tc, test_rawtracepoint_args);
	tcase_add_test(tc, test_tp_btf);
	tcase_add_test(tc, test_rawtp_nobtf);
	tcase_add_test(tc, test_rawtp_glob);
	tcase_add_test(tc, test_rawtp_glob_prefix);
	tcase_add_test(tc, test_rawtp_list);
	suite_add_tcase(s, tc);
	tc = tcase_create("iter");
	tcase_add_test(tc, test_iter);
	tcase_add_test(tc, test_iter_errors);
	tcase_add_test(tc, test_iter_list);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(rawtp_suite());
}
