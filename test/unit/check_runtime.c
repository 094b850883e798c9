/* check_runtime.c - the runtime (as root) on tiny hand-assembled programs:
 * map creation and reading, program loading and the verifier's verdict,
 * BEGIN/END, the event loop, lost events, the perf buffer path and the -c
 * child.  Skipped (passing) without root or bpf(2).
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "kbpf.h"
#include "output.h"
#include "provider.h"
#include "runtime.h"
#include "script.h"
#include "type.h"
#include "unit.h"

static const struct type t_s64 = { .kind = T_INT, .size = 8, .align = 8, .is_signed = true };
static const struct type t_u64 = { .kind = T_INT, .size = 8, .align = 8 };
static const struct type t_char = { .kind = T_INT, .size = 1, .align = 1, .is_signed = true, .fmt = F_CHAR };
static const struct type t_str8 = { .kind = T_ARRAY, .size = 8, .align = 1, .base = &t_char, .len = 8 };
static const struct type *k_str[] = { &t_str8 };

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), \
	.src_reg = (s), .off = (o), .imm = (i) })
#define ST_DW(dst, off, imm)	INSN(BPF_ST | BPF_MEM | BPF_DW, dst, 0, off, imm)
#define MOV_IMM(dst, imm)	INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define MOV_REG(dst, src)	INSN(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define ADD_IMM(dst, imm)	INSN(BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, imm)
#define LD_MAP(dst, id)		INSN(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, id), \
				INSN(0, 0, 0, 0, 0)
#define CALL(fn)		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, fn)
#define EXIT()			INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static bool have_bpf(void)
{
	int fd;

	if (geteuid())
		return false;
	fd = kbpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 8, 1, 0);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* The fixture's probes come from the constructor, in an arena that lives
 * as long as the test (reachable: no leak to report). */
static struct arena *fixture_arena;

struct fixture {
	struct script s;
	struct map *maps[4];
	struct map m_events, m_lost, m_count, m_hash;
	struct event *events[3];
	struct event e_printf, e_exit, e_end;
	struct event_arg arg;
	struct probe *begin, *end;
	struct source src;
	struct loc locs[32];
};

/* BEGIN sends printf("hello %d\n", 42) then exit(3); END sends "bye". */
static struct bpf_insn begin_insns[] = {
	ST_DW(10, -16, 0), ST_DW(10, -8, 42),
	LD_MAP(1, 0), MOV_REG(2, 10), ADD_IMM(2, -16), MOV_IMM(3, 16),
	MOV_IMM(4, 0), CALL(BPF_FUNC_ringbuf_output),
	ST_DW(10, -16, 1), ST_DW(10, -8, 3),
	LD_MAP(1, 0), MOV_REG(2, 10), ADD_IMM(2, -16), MOV_IMM(3, 16),
	MOV_IMM(4, 0), CALL(BPF_FUNC_ringbuf_output),
	MOV_IMM(0, 0), EXIT(),
};
static struct bpf_insn end_insns[] = {
	ST_DW(10, -16, 2), ST_DW(10, -8, 0),
	LD_MAP(1, 0), MOV_REG(2, 10), ADD_IMM(2, -16), MOV_IMM(3, 16),
	MOV_IMM(4, 0), CALL(BPF_FUNC_ringbuf_output),
	MOV_IMM(0, 0), EXIT(),
};
static struct reloc begin_relocs[] = { { 2, 0 }, { 11, 0 } };
static struct reloc end_relocs[] = { { 2, 0 } };

static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->src.name = "t.spry";
	f->src.text = "BEGIN { printf(\"hello %d\\n\", 42); exit(3); }";
	f->src.len = strlen(f->src.text);

	f->m_events = (struct map){ .id = 0, .name = "<events>",
		.kind = MAP_EVENTS, .bpf_type = BPF_MAP_TYPE_RINGBUF,
		.max_entries = 4096 * 4 };
	f->m_lost = (struct map){ .id = 1, .name = "<lost>", .kind = MAP_LOST,
		.bpf_type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
		.val_size = 8, .max_entries = 1 };
	f->m_count = (struct map){ .id = 2, .name = "@n", .kind = MAP_COUNT,
		.printed = true, .val = &t_u64,
		.bpf_type = BPF_MAP_TYPE_PERCPU_ARRAY, .key_size = 4,
		.val_size = 8, .max_entries = 1 };
	f->m_hash = (struct map){ .id = 3, .name = "plain", .kind = MAP_PLAIN,
		.nkeys = 1, .keys = k_str, .val = &t_s64,
		.bpf_type = BPF_MAP_TYPE_HASH, .key_size = 8, .val_size = 8,
		.max_entries = 16 };
	f->maps[0] = &f->m_events;
	f->maps[1] = &f->m_lost;
	f->maps[2] = &f->m_count;
	f->maps[3] = &f->m_hash;

	f->arg = (struct event_arg){ .type = &t_s64, .off = 8 };
	f->e_printf = (struct event){ .id = 0, .kind = EV_PRINTF,
		.fmt = "hello %d\n", .nargs = 1, .args = &f->arg, .size = 16 };
	f->e_exit = (struct event){ .id = 1, .kind = EV_EXIT, .nargs = 1,
		.args = &f->arg, .size = 16 };
	f->e_end = (struct event){ .id = 2, .kind = EV_PRINTF, .fmt = "bye\n",
		.size = 16 };
	f->events[0] = &f->e_printf;
	f->events[1] = &f->e_exit;
	f->events[2] = &f->e_end;

	if (!fixture_arena)
		fixture_arena = arena_new();
	f->s.arena = fixture_arena;
	f->begin = script_probe_new(&f->s, provider_find("BEGIN"), NULL, "",
				    f->locs[0], NULL, NULL);
	f->begin->next = f->end = script_probe_new(&f->s, provider_find("END"),
						   NULL, "", f->locs[0], NULL,
						   NULL);
	f->begin->prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	f->begin->insns = begin_insns;
	f->begin->ninsns = sizeof(begin_insns) / sizeof(begin_insns[0]);
	f->begin->relocs = begin_relocs;
	f->begin->nrelocs = 2;
	f->begin->insn_loc = f->locs;
	f->end->prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	f->end->insns = end_insns;
	f->end->ninsns = sizeof(end_insns) / sizeof(end_insns[0]);
	f->end->relocs = end_relocs;
	f->end->nrelocs = 1;

	f->s.maps = f->maps;
	f->s.nmaps = 4;
	f->s.events = f->events;
	f->s.nevents = 3;
	f->s.events_map = &f->m_events;
	f->s.lost_map = &f->m_lost;
	f->s.probes = f->begin;
	f->s.nprobes = 2;
	f->s.opts.events_size = 4096 * 4;
}

START_TEST(rt_maps_real)
{
	struct fixture f;
	struct runtime rt;
	struct rt_opts ro = { .load_only = true };
	struct out_map_data md;
	struct diag d;
	uint64_t *vals;
	uint64_t want = 0;
	uint32_t key = 0;
	char hkey[8] = "k";
	int64_t hv = -4;
	int cpu;

	if (!have_bpf())
		return;
	fixture_init(&f);
	f.s.probes = NULL;
	diag_init(&d, stderr);
	ck_assert_int_eq(rt_open(&rt, &f.s, &ro, &d), 0);
	ck_assert_int_ge(rt.map_fd[f.m_events.id], 0);
	ck_assert_int_ge(rt.map_fd[f.m_lost.id], 0);
	ck_assert_int_ge(rt.map_fd[f.m_count.id], 0);

	/* per-CPU values are summed */
	vals = calloc((size_t)rt.ncpus, 8);
	for (cpu = 0; cpu < rt.ncpus; cpu++) {
		vals[cpu] = (uint64_t)cpu + 1;
		want += (uint64_t)cpu + 1;
	}
	ck_assert_int_eq(kbpf_map_update(rt.map_fd[f.m_count.id], &key, vals, 0), 0);
	ck_assert_int_eq(rt_map_read(&rt, &f.m_count, &md), 0);
	ck_assert_uint_eq(md.n, 1);
	ck_assert_uint_eq(*(uint64_t *)md.vals, want);
	rt_map_data_free(&md);
	free(vals);

	ck_assert_int_eq(kbpf_map_update(rt.map_fd[f.m_hash.id], hkey, &hv, 0), 0);
	ck_assert_int_eq(rt_map_read(&rt, &f.m_hash, &md), 0);
	ck_assert_uint_eq(md.n, 1);
	ck_assert_str_eq((char *)md.keys, "k");
	ck_assert_int_eq(*(int64_t *)md.vals, -4);
	rt_map_data_free(&md);

	rt_close(&rt);
	ck_assert_ptr_null(rt.map_fd);
	rt_close(&rt);	/* idempotent */
}
END_TEST

START_TEST(rt_run_begin_end)
{
	struct fixture f;
	struct runtime rt;
	struct rt_opts ro = { 0 };
	struct diag d;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int status;

	if (!have_bpf())
		return;
	fixture_init(&f);
	ro.out = out;
	diag_init(&d, stderr);
	ck_assert_int_eq(rt_open(&rt, &f.s, &ro, &d), 0);
	ck_assert_int_ge(rt.probes[0].prog_fd, 0);
	ck_assert_int_eq(rt_attach(&rt), 0);
	status = rt_run(&rt);
	rt_close(&rt);
	fclose(out);
	ck_assert_int_eq(status, 3);
	ck_assert_str_eq(buf, "Attaching 2 probes...\nhello 42\nbye\n\n\n@n: 0\n");
	free(buf);
}
END_TEST

START_TEST(rt_verifier_rejects)
{
	static struct bpf_insn bad[] = { EXIT() };
	struct fixture f;
	struct runtime rt;
	struct rt_opts ro = { .load_only = true };
	struct diag d;
	char *buf = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&buf, &len);

	if (!have_bpf())
		return;
	fixture_init(&f);
	f.begin->insns = bad;
	f.begin->ninsns = 1;
	f.begin->nrelocs = 0;
	f.begin->next = NULL;
	f.locs[0] = (struct loc){ .src = &f.src, .line = 1, .col = 37,
				  .len = 7 };
	diag_init(&d, err);
	ck_assert_int_ne(rt_open(&rt, &f.s, &ro, &d), 0);
	ck_assert_int_eq(rt.probes[0].prog_fd, -1);
	rt_close(&rt);
	fclose(err);
	ck_assert_ptr_nonnull(strstr(buf,
		"t.spry:1:37: error: BPF verifier rejected this probe: R0 !read_ok\n"));
	ck_assert_ptr_nonnull(strstr(buf, "^~~~~~~"));
	ck_assert_ptr_nonnull(strstr(buf, "note: verifier: 0: (95) exit"));
	free(buf);
}
END_TEST

START_TEST(rt_child_lifecycle)
{
	struct fixture f;
	struct runtime rt;
	struct rt_opts ro = { .command = "exit 5" };
	struct diag d;
	pid_t pid;
	int status;

	if (!have_bpf())
		return;
	/* no probes: the loop ends when the child does */
	fixture_init(&f);
	f.s.probes = NULL;
	f.m_count.printed = false;
	diag_init(&d, stderr);
	ck_assert_int_eq(rt_open(&rt, &f.s, &ro, &d), 0);
	ck_assert_int_gt(rt.cmd.pid, 0);
	ck_assert_int_eq(rt_attach(&rt), 0);
	/* the command's end ended the trace: its status is spry's */
	status = rt_run(&rt);
	ck_assert_int_eq(status, 5);
	ck_assert_int_eq(rt.cmd.pid, 0);
	ck_assert(rt.cmd.ended);
	ck_assert(WIFEXITED(rt.cmd.status));
	ck_assert_int_eq(WEXITSTATUS(rt.cmd.status), 5);
	rt_close(&rt);

	/* killed by a signal: 128 + it, as a shell says */
	ro.command = "kill -TERM $$";
	ck_assert_int_eq(rt_open(&rt, &f.s, &ro, &d), 0);
	ck_assert_int_eq(rt_attach(&rt), 0);
	ck_assert_int_eq(rt_run(&rt), 128 + SIGTERM);
	rt_close(&rt);

	/* never released: rt_close kills and reaps it */
	ro.command = "sleep 100";
	ck_assert_int_eq(rt_open(&rt, &f.s, &ro, &d), 0);
	pid = rt.cmd.pid;
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(kill(pid, 0), 0);
	rt_close(&rt);
	ck_assert_int_eq(kill(pid, 0), -1);
	ck_assert_int_eq(errno, ESRCH);
}
END_TEST

/* Kernels without BPF ring buffers: events through a perf event array. */
START_TEST(rt_perf_buffer)
{
	static struct bpf_insn prog[] = {
		MOV_REG(6, 1),
		ST_DW(10, -16, 0), ST_DW(10, -8, 42),
		MOV_REG(1, 6), LD_MAP(2, 0),
		/* BPF_F_CURRENT_CPU: 0xffffffff, zero-extended by mov32 */
		INSN(BPF_ALU | BPF_MOV | BPF_K, 3, 0, 0, -1),
		MOV_REG(4, 10), ADD_IMM(4, -16), MOV_IMM(5, 16),
		CALL(BPF_FUNC_perf_event_output),
		MOV_IMM(0, 0), EXIT(),
	};
	static struct reloc relocs[] = { { 4, 0 } };
	struct fixture f;
	struct runtime rt;
	struct rt_opts ro = { 0 };
	struct diag d;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int status;

	if (!have_bpf())
		return;
	fixture_init(&f);
	f.m_events.bpf_type = BPF_MAP_TYPE_PERF_EVENT_ARRAY;
	f.m_events.max_entries = 0;
	f.begin->insns = prog;
	f.begin->ninsns = sizeof(prog) / sizeof(prog[0]);
	f.begin->relocs = relocs;
	f.begin->nrelocs = 1;
	f.begin->next = NULL;
	f.m_count.printed = false;
	ro.out = out;
	ro.command = "true";
	diag_init(&d, stderr);
	ck_assert_int_eq(rt_open(&rt, &f.s, &ro, &d), 0);
	ck_assert_ptr_nonnull(rt.buf);
	ck_assert_int_eq(rt_attach(&rt), 0);
	status = rt_run(&rt);
	rt_close(&rt);
	fclose(out);
	ck_assert_int_eq(status, 0);
	ck_assert_str_eq(buf, "Attaching 1 probe...\nhello 42\n\n\n");
	free(buf);
}
END_TEST

/* Lost events stop the trace with status 2, unless -k. */
START_TEST(rt_lost_events)
{
	struct fixture f;
	struct runtime rt;
	struct rt_opts ro = { .command = "sleep 0.3" };
	struct diag d;
	uint64_t lost = 5;	/* one u64 every CPU adds to */
	uint32_t key = 0;
	int status;

	if (!have_bpf())
		return;
	fixture_init(&f);
	f.s.probes = NULL;
	f.m_count.printed = false;
	diag_init(&d, stderr);
	ck_assert_int_eq(rt_open(&rt, &f.s, &ro, &d), 0);
	ck_assert_int_eq(kbpf_map_update(rt.map_fd[f.m_lost.id], &key, &lost, 0), 0);
	ck_assert_int_eq(rt_attach(&rt), 0);
	status = rt_run(&rt);
	ck_assert_int_eq(status, 2);
	ck_assert_uint_eq(rt.lost, 5);
	ck_assert_int_gt(rt.cmd.pid, 0);	/* stopped before it ended */
	rt_close(&rt);

	ro.keep_going = true;
	ck_assert_int_eq(rt_open(&rt, &f.s, &ro, &d), 0);
	ck_assert_int_eq(kbpf_map_update(rt.map_fd[f.m_lost.id], &key, &lost, 0), 0);
	ck_assert_int_eq(rt_attach(&rt), 0);
	status = rt_run(&rt);
	ck_assert_int_eq(status, 0);
	ck_assert_uint_eq(rt.lost, 5);
	ck_assert_int_eq(rt.cmd.pid, 0);	/* ran to its end */
	ck_assert(rt.cmd.ended);
	rt_close(&rt);
}
END_TEST

static Suite *runtime_suite(void)
{
	Suite *s = suite_create("runtime");
	TCase *tc = tcase_create("kernel");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, rt_maps_real);
	tcase_add_test(tc, rt_run_begin_end);
	tcase_add_test(tc, rt_verifier_rejects);
	tcase_add_test(tc, rt_child_lifecycle);
	tcase_add_test(tc, rt_perf_buffer);
	tcase_add_test(tc, rt_lost_events);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(runtime_suite());
}
