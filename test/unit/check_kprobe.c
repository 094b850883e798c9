/* check_kprobe.c - the compile-time side of the kprobe and kretprobe
 * providers (targets, globs, errors, variables) on the fixture kallsyms and
 * tracefs/available_filter_functions of test/fixtures/kprobe.  Attaching
 * needs a kernel with kprobes: test/vm/cases/kprobe_*.sh cover that.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

#include "arch.h"
#include "arena.h"
#include "ast.h"
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
	const struct provider *pr = provider_find(prov);
	struct spec *spec = arena_alloc(f->a, sizeof(*spec));
	struct node *body = arena_alloc(f->a, sizeof(*body));
	struct probe *p;

	ck_assert_ptr_nonnull(pr);
	snprintf(f->text, sizeof(f->text), "%s:%s { }", prov, target);
	f->src = unit_source(f->text);
	spec->provider = prov;
	spec->target = target;
	spec->loc.src = &f->src;
	spec->loc.line = 1;
	spec->loc.col = 1;
	spec->loc.len = (unsigned)(strchr(f->text, ' ') - f->text);
	body->kind = N_BLOCK;

	p = script_probe_new(&f->s, pr, spec, spec->target, spec->loc, NULL,
			     body);
	f->s.probes = p;
	f->s.nprobes = 1;
	*err = pr->expand(&f->s, p, &f->ud.d);
	return p;
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

	ck_assert_int_eq(k->prov->resolve(k, "stack", &pv), 0);
	ck_assert_int_eq(pv.kind, PV_KSTACK);
	ck_assert_int_eq(pv.type->fmt, F_KSTACK);
	ck_assert_int_eq(k->prov->resolve(k, "ustack", &pv), 0);
	ck_assert_int_eq(pv.kind, PV_USTACK);
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
	suite_add_tcase(s, tp);
	return s;
}

int main(void)
{
	return unit_run(kprobe_suite());
}
