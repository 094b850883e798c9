/* check_kprobe.c - the compile-time side of the providers on kernel
 * functions: kprobe and kretprobe (targets, globs, errors, variables, args
 * typed from BTF), fentry and fexit (targets, globs, errors, the typed args
 * and retval, the listing), provider_btf_args() and btf_raw_tp(), on the
 * fixture kallsyms and tracefs/available_filter_functions of
 * test/fixtures/kprobe and the BTF cut from a real kernel in
 * test/fixtures/btf/kernel.  Attaching needs a kernel with kprobes and one
 * that runs fentry programs: test/vm/cases/kprobe_*.sh and fentry.sh.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

#include "arch.h"
#include "arena.h"
#include "ast.h"
#include "btf.h"
#include "ksym.h"
#include "host.h"
#include "provider.h"
#include "script.h"
#include "type.h"
#include "unit.h"

/* test/fixtures/kprobe/@rel (unit.h finds the fixtures). */
static const char *fixture(const char *rel)
{
	return unit_fixture("kprobe", rel);
}

struct fx {
	struct arena *a;
	struct script s;
	struct host host;	/* kallsyms and tracefs from the fixtures */
	char kallsyms[PATH_MAX * 2], tracefs[PATH_MAX * 2];
	struct source src;
	struct unit_diag ud;
	char text[256];
};

static void fx_init(struct fx *f, bool tracefs)
{
	memset(f, 0, sizeof(*f));
	f->a = arena_new();
	f->s.arena = f->a;
	f->s.arch = &arch_x86_64;
	unit_diag_open(&f->ud);
	snprintf(f->kallsyms, sizeof(f->kallsyms), "%s", fixture("kallsyms"));
	/* without available_filter_functions, globs use kallsyms */
	snprintf(f->tracefs, sizeof(f->tracefs), "%s",
		 tracefs ? fixture("tracefs") : fixture("no-tracefs"));
	f->host.kallsyms = f->kallsyms;
	f->host.tracefs = f->tracefs;
	f->s.host = &f->host;
	f->s.btf = btf_new(f->a, unit_fixture("btf", "kernel"));
}

/* The same on a kernel without BTF. */
static void fx_init_nobtf(struct fx *f)
{
	fx_init(f, true);
	btf_free(f->s.btf);
	f->s.btf = btf_new(f->a, "/nonexistent/btf");
}

static void fx_fini(struct fx *f)
{
	btf_free(f->s.btf);
	unit_diag_close(&f->ud);
	arena_free(f->a);
}

/* What compile.c does for one specifier "prov:target { }". */
static struct probe *fx_expand(struct fx *f, const char *prov,
			       const char *target, int *err)
{
	return unit_expand(&f->s, prov, target, f->text, sizeof(f->text),
			   &f->src, &f->ud.d, err);
}

START_TEST(test_providers_found)
{
	const struct provider *k = provider_find("kprobe");
	const struct provider *kr = provider_find("kretprobe");

	ck_assert_ptr_nonnull(k);
	ck_assert_ptr_nonnull(kr);
	ck_assert_ptr_ne(k, kr);
	ck_assert_ptr_eq(provider_find("k"), k);
	ck_assert_ptr_eq(provider_find("kr"), kr);
	ck_assert(k->takes_target && kr->takes_target);
	ck_assert(k->attach && k->detach && kr->attach && kr->detach);
	ck_assert_ptr_null(provider_find("kp"));
}
END_TEST

START_TEST(test_expand_func)
{
	struct fx f;
	struct probe *p;
	int err;

	fx_init(&f, true);
	p = fx_expand(&f, "kprobe", "vfs_read", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(p->prog_type, BPF_PROG_TYPE_KPROBE);
	ck_assert_uint_eq(p->ntargets, 1);
	ck_assert_str_eq(p->targets[0], "vfs_read");
	ck_assert_ptr_null(p->next);	/* one probe per specifier */
	ck_assert_uint_eq(f.s.nprobes, 1);

	p = fx_expand(&f, "k", "vfs_read+0x10", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_str_eq(p->targets[0], "vfs_read");
	p = fx_expand(&f, "kprobe", "vfs_read+16", &err);
	ck_assert_int_eq(err, 0);

	/* a kernel function kallsyms knows but ftrace does not list */
	p = fx_expand(&f, "kprobe", "secondary_startup_64", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_str_eq(unit_diag_text(&f.ud), "");
	fx_fini(&f);
}
END_TEST

START_TEST(test_expand_addr)
{
	struct fx f;
	struct probe *p;
	int err;

	fx_init(&f, true);
	p = fx_expand(&f, "kprobe", "0xffffffff81234604", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(p->ntargets, 1);
	ck_assert_str_eq(unit_diag_text(&f.ud), "");

	fx_expand(&f, "kprobe", "0x1234", &err);
	ck_assert_int_eq(err, -ENOENT);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
				     "not in any kernel function"));
	fx_expand(&f, "kprobe", "0xzz", &err);
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
				     "invalid kernel address '0xzz'"));
	fx_fini(&f);
}
END_TEST

START_TEST(test_expand_glob)
{
	struct fx f;
	struct probe *p;
	int err;

	fx_init(&f, true);
	p = fx_expand(&f, "kprobe", "vfs_*r[ei][at][de]", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(p->ntargets, 3);
	ck_assert_str_eq(p->targets[0], "vfs_iter_read");
	ck_assert_str_eq(p->targets[1], "vfs_read");
	ck_assert_str_eq(p->targets[2], "vfs_write");
	ck_assert_ptr_null(p->next);

	/* duplicates listed once; module suffixes stripped */
	p = fx_expand(&f, "kr", "*_module", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(p->ntargets, 1);
	ck_assert_str_eq(p->targets[0], "cleanup_module");
	p = fx_expand(&f, "kprobe", "ext4_*", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(p->ntargets, 2);
	ck_assert_str_eq(p->targets[0], "ext4_file_read_iter");

	/* ftrace's list decides: startup_64 is in kallsyms only */
	fx_expand(&f, "kprobe", "startup_*", &err);
	ck_assert_int_eq(err, -ENOENT);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
				     "no kernel function matches 'startup_*'"));
	fx_fini(&f);
}
END_TEST

START_TEST(test_expand_glob_kallsyms)
{
	struct fx f;
	struct probe *p;
	int err;

	fx_init(&f, false);
	p = fx_expand(&f, "kprobe", "tcp_*", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(p->ntargets, 3);
	ck_assert_str_eq(p->targets[0], "tcp_recvmsg");
	ck_assert_str_eq(p->targets[1], "tcp_sendmsg");
	ck_assert_str_eq(p->targets[2], "tcp_v4_rcv");
	/* the __pfx_ padding is never a target */
	p = fx_expand(&f, "kprobe", "*vfs_read", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(p->ntargets, 1);
	ck_assert_str_eq(p->targets[0], "vfs_read");
	fx_fini(&f);
}
END_TEST

START_TEST(test_expand_errors)
{
	struct fx f;
	const char *out;
	int err;

	fx_init(&f, true);
	fx_expand(&f, "kprobe", "vfs_raed", &err);
	ck_assert_int_eq(err, -ENOENT);
	out = unit_diag_text(&f.ud);
	ck_assert_ptr_nonnull(strstr(out, "<test>:1:1: error: unknown kernel "
				     "function 'vfs_raed'"));
	ck_assert_ptr_nonnull(strstr(out, "did you mean 'vfs_read'?"));
	unit_diag_close(&f.ud);
	unit_diag_open(&f.ud);

	/* nothing close: no suggestion */
	fx_expand(&f, "kprobe", "completely_unrelated_name", &err);
	ck_assert_int_eq(err, -ENOENT);
	ck_assert_ptr_null(strstr(unit_diag_text(&f.ud), "did you mean"));
	unit_diag_close(&f.ud);
	unit_diag_open(&f.ud);

	fx_expand(&f, "kretprobe", "vfs_read+4", &err);
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
				     "kretprobe takes no offset"));
	fx_expand(&f, "kprobe", "vfs_read+", &err);
	ck_assert_int_eq(err, -EINVAL);
	fx_expand(&f, "kprobe", "vfs_read+zz", &err);
	ck_assert_int_eq(err, -EINVAL);
	fx_expand(&f, "kprobe", "ext4:ext4_file_read_iter", &err);
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
				     "invalid kprobe target"));
	fx_expand(&f, "kprobe", "vfs_*+4", &err);
	ck_assert_int_eq(err, -EINVAL);
	fx_fini(&f);
}
END_TEST

START_TEST(test_resolve)
{
	struct fx f;
	struct probe *k, *kr;
	struct pvar pv;
	int err;

	fx_init(&f, true);
	k = fx_expand(&f, "kprobe", "vfs_read", &err);
	ck_assert_int_eq(err, 0);

	ck_assert_int_eq(k->prov->resolve(k, "arg0", &pv), 0);
	ck_assert_int_eq(pv.kind, PV_REG);
	ck_assert(!pv.indirect);
	ck_assert_int_eq(pv.off, arch_x86_64.arg_off[0]);
	ck_assert(type_equal(pv.type, &type_u64));
	ck_assert_int_eq(k->prov->resolve(k, "arg5", &pv), 0);
	ck_assert_int_eq(pv.off, arch_x86_64.arg_off[5]);
	ck_assert_int_eq(k->prov->resolve(k, "arg6", &pv), -ENOENT);
	ck_assert_int_eq(k->prov->resolve(k, "arg01", &pv), -ENOENT);
	ck_assert_int_eq(k->prov->resolve(k, "arg", &pv), -ENOENT);
	ck_assert_int_eq(k->prov->resolve(k, "retval", &pv), -ENOENT);

	/* on the entry the kernel names the function; with an offset only
	 * the saved pc is there */
	ck_assert_int_eq(k->prov->resolve(k, "caller", &pv), 0);
	ck_assert_int_eq(pv.kind, PV_FUNC_IP);
	ck_assert_int_eq(pv.type->fmt, F_KSYM);
	k = fx_expand(&f, "kprobe", "vfs_read+5", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(k->prov->resolve(k, "caller", &pv), 0);
	ck_assert_int_eq(pv.kind, PV_REG);
	ck_assert_int_eq(pv.off, arch_x86_64.pc_off);
	ck_assert_int_eq(pv.type->fmt, F_KSYM);

	ck_assert_int_eq(k->prov->resolve(k, "regs", &pv), 0);
	ck_assert_int_eq(pv.kind, PV_CTX);
	ck_assert_int_eq(pv.type->kind, T_PTR);
	ck_assert_int_eq(pv.type->space, AS_CTX);
	ck_assert_uint_eq(pv.type->base->size, arch_x86_64.regs_size);

	/* bpftrace's func: the function's name alone, from the pc inside
	 * it (from the kernel at the entry: below) */
	ck_assert_int_eq(k->prov->resolve(k, "func", &pv), 0);
	ck_assert_int_eq(pv.kind, PV_REG);
	ck_assert_int_eq(pv.off, arch_x86_64.pc_off);
	ck_assert_int_eq(pv.type->fmt, F_KSYM_NAME);
	ck_assert_int_eq(k->prov->resolve(k, "data", &pv), -ENOENT);

	kr = fx_expand(&f, "kretprobe", "vfs_read", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(kr->prov->resolve(kr, "retval", &pv), 0);
	ck_assert_int_eq(pv.kind, PV_REG);
	ck_assert_int_eq(pv.off, arch_x86_64.ret_off);
	ck_assert(pv.type->is_signed);
	/* argument registers are clobbered by the return */
	ck_assert_int_eq(kr->prov->resolve(kr, "arg0", &pv), -ENOENT);
	ck_assert_int_eq(kr->prov->resolve(kr, "caller", &pv), 0);
	ck_assert_int_eq(pv.kind, PV_REG);
	ck_assert_int_eq(pv.off, arch_x86_64.pc_off);
	/* func is the probed function at its entry and its return alike */
	ck_assert_int_eq(kr->prov->resolve(kr, "func", &pv), 0);
	ck_assert_int_eq(pv.kind, PV_FUNC_IP);
	ck_assert_int_eq(pv.type->fmt, F_KSYM_NAME);
	fx_fini(&f);
}
END_TEST

START_TEST(test_resolve_aarch64)
{
	struct fx f;
	struct probe *k;
	struct pvar pv;
	int err;

	fx_init(&f, true);
	f.s.arch = &arch_aarch64;
	k = fx_expand(&f, "kprobe", "vfs_read", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(k->prov->resolve(k, "arg7", &pv), 0);
	ck_assert_int_eq(pv.off, arch_aarch64.arg_off[7]);
	ck_assert_int_eq(k->prov->resolve(k, "arg0", &pv), 0);
	ck_assert_int_eq(pv.off, arch_aarch64.arg_off[0]);
	k = fx_expand(&f, "kretprobe", "vfs_read", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(k->prov->resolve(k, "caller", &pv), 0);
	ck_assert_int_eq(pv.off, arch_aarch64.pc_off);
	fx_fini(&f);
}
END_TEST

static const char *tn(const struct type *t)
{
	static char buf[4][128];
	static unsigned slot;

	return type_name(t, buf[slot++ % 4], sizeof(buf[0]));
}

/* The member @name of the struct `args` of @p points to. */
static const struct member *arg(struct probe *p, const char *name)
{
	struct pvar pv;
	const struct member *m;

	ck_assert_int_eq(p->prov->resolve(p, "args", &pv), 0);
	ck_assert_int_eq(pv.kind, PV_CTX);
	ck_assert_int_eq(pv.type->kind, T_PTR);
	ck_assert_int_eq(pv.type->space, AS_CTX);
	m = type_member(pv.type->base, name);
	ck_assert_msg(m != NULL, "no args->%s", name);
	return m;
}

START_TEST(test_fentry_found)
{
	const struct provider *fe = provider_find("fentry");
	const struct provider *fx = provider_find("fexit");

	ck_assert_ptr_nonnull(fe);
	ck_assert_ptr_nonnull(fx);
	ck_assert_ptr_eq(provider_find("kfunc"), fe);
	ck_assert_ptr_eq(provider_find("kretfunc"), fx);
	ck_assert_str_eq(fe->fallback, "kprobe");
	ck_assert_str_eq(fx->fallback, "kretprobe");
	ck_assert(fe->attach && fe->detach && fx->attach && fx->detach);
}
END_TEST

START_TEST(test_fentry_args)
{
	struct fx f;
	struct probe *p;
	const struct member *m;
	struct pvar pv;
	int err;

	fx_init(&f, true);
	/* ssize_t vfs_read(struct file *file, char __user *buf,
	 *		    size_t count, loff_t *pos) */
	p = fx_expand(&f, "fentry", "vfs_read", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_str_eq(unit_diag_text(&f.ud), "");
	ck_assert_int_eq(p->prog_type, BPF_PROG_TYPE_TRACING);
	ck_assert_int_eq(p->attach_type, BPF_TRACE_FENTRY);
	ck_assert_uint_ne(p->attach_btf_id, 0);
	ck_assert_ptr_null(p->attach_btf_module);
	ck_assert_str_eq(p->target, "vfs_read");
	m = arg(p, "file");
	ck_assert_uint_eq(m->off, 0);
	ck_assert_str_eq(tn(m->type), "struct file *");
	/* __user is a BTF type tag only in kernels built by clang: this
	 * one (gcc) has a plain char * */
	m = arg(p, "buf");
	ck_assert_uint_eq(m->off, 8);
	ck_assert_str_eq(tn(m->type), "char *");
	ck_assert_uint_eq(arg(p, "count")->off, 16);
	ck_assert_uint_eq(arg(p, "pos")->off, 24);
	/* fentry has no return value yet */
	ck_assert_int_eq(p->prov->resolve(p, "retval", &pv), -ENOENT);
	ck_assert_int_eq(p->prov->resolve(p, "caller", &pv), 0);
	ck_assert_int_eq(pv.kind, PV_FUNC_IP);
	ck_assert_int_eq(p->prov->resolve(p, "regs", &pv), -ENOENT);

	p = fx_expand(&f, "kretfunc", "vfs_read", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(p->attach_type, BPF_TRACE_FEXIT);
	ck_assert_int_eq(p->prov->resolve(p, "retval", &pv), 0);
	ck_assert_int_eq(pv.kind, PV_CTX_LOAD);
	ck_assert_int_eq(pv.off, 32);	/* after the four arguments */
	ck_assert_uint_eq(pv.type->size, 8);
	ck_assert(pv.type->is_signed);
	fx_fini(&f);
}
END_TEST

START_TEST(test_fentry_glob)
{
	struct fx f;
	struct probe *p;
	int err;

	fx_init(&f, true);
	/* one probe per function, each with its own prototype */
	p = fx_expand(&f, "fentry", "vfs_*", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_str_eq(p->target, "vfs_read");
	ck_assert_ptr_nonnull(p->next);
	ck_assert_str_eq(p->next->target, "vfs_write");
	ck_assert_ptr_null(p->next->next);
	ck_assert_uint_eq(f.s.nprobes, 2);
	ck_assert_uint_ne(p->attach_btf_id, p->next->attach_btf_id);
	ck_assert_str_eq(tn(arg(p->next, "count")->type), "u64");
	fx_fini(&f);
}
END_TEST

START_TEST(test_fentry_errors)
{
	struct fx f;
	int err;

	fx_init(&f, true);
	fx_expand(&f, "fentry", "vfs_raed", &err);
	ck_assert_int_eq(err, -ENOENT);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
				     "unknown kernel function 'vfs_raed'"));
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
				     "did you mean 'vfs_read'?"));
	fx_expand(&f, "fentry", "nosuch_*", &err);
	ck_assert_int_eq(err, -ENOENT);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
				     "matches 'nosuch_*'"));
	fx_expand(&f, "fexit", ":vfs_read", &err);
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
				     "expected FUNC or MODULE:FUNC"));
	fx_expand(&f, "fentry", "nomodule:vfs_read", &err);
	ck_assert_int_eq(err, -ENOENT);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
				     "in module nomodule"));
	fx_fini(&f);

	fx_init_nobtf(&f);
	fx_expand(&f, "fentry", "vfs_read", &err);
	ck_assert_int_eq(err, -ENOENT);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&f.ud),
				     "fentry needs the kernel's BTF: this "
				     "kernel has no BTF"));
	fx_fini(&f);
}
END_TEST

START_TEST(test_kprobe_args)
{
	struct fx f;
	struct probe *p;
	struct pvar pv;
	int err;

	fx_init(&f, true);
	/* the argument registers of x86-64's pt_regs: di, si, dx, cx */
	p = fx_expand(&f, "kprobe", "vfs_read", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(arg(p, "file")->off, 112);
	ck_assert_uint_eq(arg(p, "buf")->off, 104);
	ck_assert_uint_eq(arg(p, "count")->off, 96);
	ck_assert_uint_eq(arg(p, "pos")->off, 88);
	ck_assert_str_eq(tn(arg(p, "file")->type), "struct file *");
	/* no prototype to go by: a glob, an offset, a return */
	p = fx_expand(&f, "kprobe", "vfs_*", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(p->prov->resolve(p, "args", &pv), -ENOENT);
	p = fx_expand(&f, "kprobe", "vfs_read+4", &err);
	ck_assert_int_eq(p->prov->resolve(p, "args", &pv), -ENOENT);
	p = fx_expand(&f, "kretprobe", "vfs_read", &err);
	ck_assert_int_eq(p->prov->resolve(p, "args", &pv), -ENOENT);
	/* nor without BTF; the other variables stay */
	fx_fini(&f);
	fx_init_nobtf(&f);
	p = fx_expand(&f, "kprobe", "vfs_read", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(p->prov->resolve(p, "args", &pv), -ENOENT);
	ck_assert_int_eq(p->prov->resolve(p, "arg0", &pv), 0);
	fx_fini(&f);
}
END_TEST

START_TEST(test_btf_args_layout)
{
	struct arena *a = arena_new();
	struct type *f = type_func_new(a, &type_s32);
	struct type *big = type_struct_new(a, "pair");
	const struct type *st;
	unsigned ret;

	type_struct_add(a, big, "x", &type_u64, 0);
	type_struct_add(a, big, "y", &type_u64, 8);
	type_struct_finish(big, 16);
	type_func_add(a, f, "a", &type_u8);
	type_func_add(a, f, "p", big);		/* two slots */
	type_func_add(a, f, "", &type_u64);	/* unnamed */
	st = provider_btf_args(a, "f_args", f, false, &ret);
	ck_assert_str_eq(tn(st), "struct f_args");
	ck_assert_uint_eq(type_member(st, "a")->off, 0);
	ck_assert_uint_eq(type_member(st, "p")->off, 8);
	ck_assert_uint_eq(type_member(st, "arg2")->off, 24);
	ck_assert_uint_eq(ret, 32);
	/* big-endian (s390x): the u8 is its slot's last byte */
	st = provider_btf_args(a, "f_args", f, true, &ret);
	ck_assert_uint_eq(type_member(st, "a")->off, 7);
	ck_assert_uint_eq(type_member(st, "p")->off, 8);
	ck_assert_uint_eq(type_member(st, "arg2")->off, 24);
	arena_free(a);
}
END_TEST

START_TEST(test_raw_tp)
{
	struct arena *a = arena_new();
	struct btf *b = btf_new(a, unit_fixture("btf", "kernel"));
	const struct type *f = btf_raw_tp(b, "sched_switch", NULL, NULL);
	const struct member *m;

	/* __bpf_trace_sched_switch(void *__data, bool preempt,
	 * struct task_struct *prev, struct task_struct *next, ...) */
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->kind, T_FUNC);
	m = f->members;
	ck_assert_str_eq(m->name, "preempt");
	ck_assert_str_eq(m->next->name, "prev");
	ck_assert_str_eq(tn(m->next->type), "struct task_struct *");
	ck_assert_ptr_null(btf_raw_tp(b, "no_such_tracepoint", NULL, NULL));
	btf_free(b);
	arena_free(a);
}
END_TEST

START_TEST(test_fentry_list)
{
	struct fx f;
	char *out = NULL;
	size_t size = 0;
	FILE *mem;

	fx_init(&f, true);
	f.host.btf = unit_fixture("btf", "kernel");
	mem = open_memstream(&out, &size);
	ck_assert_ptr_nonnull(mem);
	ck_assert_int_eq(provider_list(&f.host, "fexit:vfs_*", true, 0, mem,
				       &f.ud.d), 0);
	fclose(mem);
	ck_assert_str_eq(out, "fexit:vfs_read\n"
			 "    struct file * file\n"
			 "    char * buf\n"
			 "    u64 count\n"
			 "    s64 * pos\n"
			 "    s64 retval\n"
			 "fexit:vfs_write\n"
			 "    struct file * file\n"
			 "    char * buf\n"
			 "    u64 count\n"
			 "    s64 * pos\n"
			 "    s64 retval\n");
	free(out);
	fx_fini(&f);
}
END_TEST

static Suite *kprobe_suite(void)
{
	Suite *s = suite_create("kprobe");
	TCase *tp = tcase_create("kprobe");

	tcase_add_test(tp, test_providers_found);
	tcase_add_test(tp, test_expand_func);
	tcase_add_test(tp, test_expand_addr);
	tcase_add_test(tp, test_expand_glob);
	tcase_add_test(tp, test_expand_glob_kallsyms);
	tcase_add_test(tp, test_expand_errors);
	tcase_add_test(tp, test_resolve);
	tcase_add_test(tp, test_resolve_aarch64);
	tcase_add_test(tp, test_kprobe_args);
	suite_add_tcase(s, tp);
	tp = tcase_create("fentry");
	tcase_add_test(tp, test_fentry_found);
	tcase_add_test(tp, test_fentry_args);
	tcase_add_test(tp, test_fentry_glob);
	tcase_add_test(tp, test_fentry_errors);
	tcase_add_test(tp, test_fentry_list);
	tcase_add_test(tp, test_btf_args_layout);
	tcase_add_test(tp, test_raw_tp);
	suite_add_tcase(s, tp);
	return s;
}

int main(void)
{
	return unit_run(kprobe_suite());
}
