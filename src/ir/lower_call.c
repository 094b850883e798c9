/* lower_call.c - helper calls: the one place lowering names r1-r5.
 *
 * Input: a helper and its arguments as registers, immediates, frame or
 * value addresses and maps.  Output: IR that moves each argument into its
 * register (r1 first) right before the CALL, so that the physical registers'
 * live ranges stay a few instructions long, and, where the caller wants the
 * result, a copy of r0 into a fresh virtual register right after.  The map
 * helpers, probe reads, the event output and the lost-event counter are
 * built on that.
 */
#include <assert.h>

#include <linux/bpf.h>

#include "arena.h"
#include "ast.h"
#include "layout.h"
#include "lower.h"
#include "provider.h"
#include "script.h"

void lower_call_args(struct lower *L, int helper, struct loc l, unsigned n,
		     const struct larg *args)
{
	unsigned i;

	assert(n <= 5 && "BPF helpers take at most five arguments");
	for (i = 0; i < n; i++) {
		const struct larg *a = &args[i];
		int r = IR_R1 + (int)i;

		switch (a->kind) {
		case LARG_REG:
			ir_mov(L->f, r, a->reg, l);
			break;
		case LARG_IMM:
			ir_movi(L->f, r, a->imm, l);
			break;
		case LARG_PTR:
			ir_mov(L->f, r, a->reg, l);
			if (a->imm)
				ir_alui(L->f, BPF_ADD, r, r, a->imm, l);
			break;
		case LARG_MAP:
			ir_ldmap(L->f, r, (unsigned)a->imm, l);
			break;
		}
	}
	ir_call(L->f, helper, n, l);
}

int lower_ret(struct lower *L, struct loc l)
{
	int r = lower_vreg(L);

	ir_mov(L->f, r, IR_R0, l);
	return r;
}

void lower_lookup(struct lower *L, struct map *m, int key, struct loc l)
{
	lower_call(L, BPF_FUNC_map_lookup_elem, l, LA_MAP(m->id),
		   LA_PTR(IR_FP, key));
}

void lower_update(struct lower *L, struct map *m, int key, int vbase,
		  int voff, int flags, struct loc l)
{
	lower_call(L, BPF_FUNC_map_update_elem, l, LA_MAP(m->id),
		   LA_PTR(IR_FP, key), LA_PTR(vbase, voff), LA_IMM(flags));
	lower_check_ret(L, BPF_FUNC_map_update_elem, l);
}

void lower_map_delete(struct lower *L, struct map *m, int key, struct loc l)
{
	lower_call(L, BPF_FUNC_map_delete_elem, l, LA_MAP(m->id),
		   LA_PTR(IR_FP, key));
	lower_check_ret(L, BPF_FUNC_map_delete_elem, l);
}

void lower_read_quiet(struct lower *L, int helper, struct dst d,
		      unsigned size, int sbase, int soff, struct loc l)
{
	lower_call(L, helper, l, LA_PTR(d.base, d.off), LA_IMM(size),
		   LA_PTR(sbase, soff));
}

void lower_read(struct lower *L, int helper, struct dst d, unsigned size,
		int sbase, int soff, struct loc l)
{
	lower_read_quiet(L, helper, d, size, sbase, soff, l);
	lower_check_ret(L, helper, l);
}

/* ---- -k, -kk: failing helpers reported, as bpftrace reports them ----
 * -k: the helpers whose failure a script cannot see (map updates and
 * deletes, stacks, comm, signal, d_path); -kk also the reads, whose
 * failure leaves zeroes a script may test for (probe_read_*), and
 * lookups of missing keys, which read as 0.  A report is a record {id,
 * s64 returned} sent from the failure path only; the runtime turns it
 * into a warning at the call's place (a helper_error record in JSON). */
bool lower_checks(struct lower *L, int helper)
{
	unsigned level = L->s->opts.helper_errors;

	switch (helper) {
	case BPF_FUNC_probe_read:
	case BPF_FUNC_probe_read_str:
	case BPF_FUNC_probe_read_kernel:
	case BPF_FUNC_probe_read_kernel_str:
	case BPF_FUNC_probe_read_user:
	case BPF_FUNC_probe_read_user_str:
	case BPF_FUNC_map_lookup_elem:
		return level >= 2;
	default:
		return level >= 1;
	}
}

void lower_helper_error(struct lower *L, int helper, struct val ret,
			struct loc l)
{
	struct event *ev = script_event_add(L->s, EV_HELPER_ERROR, l);
	struct node at = { .loc = l };
	unsigned mark = L->sp;
	int rec;

	ev->helper = ir_helper_name(helper);
	assert(ev->helper && "a checked helper has a name");
	ev->nargs = 1;
	ev->args = arena_alloc(L->s->arena, sizeof(*ev->args));
	ev->args[0].type = &type_s64;
	ev->args[0].loc = l;
	layout_event(ev);
	rec = lower_stack(L, ev->size, &at, "helper error record");
	ir_st(L->f, BPF_DW, IR_FP, rec, ev->id, l);
	lower_store8(L, IR_FP, rec + (int)ev->args[0].off, ret, l);
	lower_output(L, rec, ev->size, &at);
	L->sp = mark;
}

void lower_check(struct lower *L, int helper, int r, struct loc l)
{
	int ok;

	if (!lower_checks(L, helper))
		return;
	ok = ir_label(L->f);
	ir_jcci(L->f, BPF_JSGE, r, 0, ok, l);
	lower_helper_error(L, helper, val_reg(r, false), l);
	ir_place(L->f, ok, l);
}

void lower_check_ret(struct lower *L, int helper, struct loc l)
{
	if (lower_checks(L, helper))
		lower_check(L, helper, lower_ret(L, l), l);
}

void lower_check_miss(struct lower *L, struct map *m, int p, struct loc l)
{
	int ok;

	/* an array's entry always exists */
	if (layout_is_array(m) || !lower_checks(L, BPF_FUNC_map_lookup_elem))
		return;
	ok = ir_label(L->f);
	ir_jcci(L->f, BPF_JNE, p, 0, ok, l);
	lower_helper_error(L, BPF_FUNC_map_lookup_elem, val_imm(0), l);
	ir_place(L->f, ok, l);
}

int lower_read_helper(enum addr_space space, bool str)
{
	if (space == AS_USER)
		return str ? BPF_FUNC_probe_read_user_str : BPF_FUNC_probe_read_user;
	return str ? BPF_FUNC_probe_read_kernel_str : BPF_FUNC_probe_read_kernel;
}

struct map *lower_internal_map(struct lower *L, struct map *m)
{
	if (m->bpf_type == BPF_MAP_TYPE_UNSPEC)
		layout_map(L->s, m, L->d);
	return m;
}

/* lost[0] += @n: the lost map is a plain array of one u64, addressed
 * directly (BPF_PSEUDO_MAP_VALUE, 5.2+: no lookup) and added to
 * atomically, since every CPU counts into it.  Three instructions. */
void lower_lost_add(struct lower *L, int n, struct loc l)
{
	struct map *lost = lower_internal_map(L, script_lost_map(L->s));
	int p = lower_vreg(L);

	ir_ldmapv(L->f, p, lost->id, 0, l);
	ir_xadd(L->f, BPF_DW, p, 0, n, l);
}

/* An iterator's program (provider seq_output) writes its record into the
 * seq_file it runs for, ctx->meta->seq (two pointers the verifier types,
 * loaded directly), which the provider reads.  Not counted when it fails:
 * it fails only when the read's buffer is full, and the kernel then drops
 * what the program wrote for this object and runs it again on the next
 * read. */
static void lower_seq_output(struct lower *L, struct larg rec,
			     struct larg size, struct loc l)
{
	int seq = lower_vreg(L);

	ir_ldx(L->f, BPF_DW, seq, lower_ctx(L), 0, l);
	ir_ldx(L->f, BPF_DW, seq, seq, 0, l);
	lower_call(L, BPF_FUNC_seq_write, l, LA_REG(seq), rec, size);
}

/* bpf_ringbuf_output(events, rec, size, 0), or where the kernel lacks the
 * ring buffer bpf_perf_event_output(ctx, events, BPF_F_CURRENT_CPU, rec,
 * size).  On failure count a lost event, on that path only: right here
 * when the probe sends one event (4 instructions), else in L->lost,
 * added to the map once on the way out (1 an event, 5 for the probe). */
void lower_output(struct lower *L, int rec, unsigned size,
		  const struct node *at)
{
	lower_output_from(L, LA_PTR(IR_FP, rec), LA_IMM(size), at);
}

void lower_output_from(struct lower *L, struct larg rec, struct larg size,
		       const struct node *at)
{
	struct map *ev;
	struct loc l = at->loc;
	int ok, one;

	if (L->p->prov && L->p->prov->seq_output) {
		lower_seq_output(L, rec, size, l);
		return;
	}
	ev = lower_internal_map(L, script_events_map(L->s));
	ok = ir_label(L->f);
	if (ev->bpf_type == BPF_MAP_TYPE_PERF_EVENT_ARRAY)
		lower_call(L, BPF_FUNC_perf_event_output, l,
			   LA_REG(lower_ctx(L)), LA_MAP(ev->id),
			   LA_IMM(BPF_F_CURRENT_CPU), rec, size);
	else
		lower_call(L, BPF_FUNC_ringbuf_output, l, LA_MAP(ev->id),
			   rec, size, LA_IMM(0));
	ir_jcci(L->f, BPF_JEQ, lower_ret(L, l), 0, ok, l);
	if (L->lost != IR_NONE) {
		ir_alui(L->f, BPF_ADD, L->lost, L->lost, 1, l);
	} else {
		one = lower_vreg(L);
		ir_movi(L->f, one, 1, l);
		lower_lost_add(L, one, l);
	}
	ir_place(L->f, ok, l);
}
