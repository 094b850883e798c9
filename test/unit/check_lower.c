/* check_lower.c - lowering: map layouts, event records and the IR of probes.
 *
 * Two kinds of tests: hand-built ASTs annotated as sema would annotate them
 * (so each lowering rule is tested alone), and whole scripts run through the
 * real front end (parse -> expand -> sema -> layout_maps -> lower_probe).
 * Assertions are on instruction sequences (op, code, imm) and on the IR dump.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "arena.h"
#include "ast.h"
#include "btf.h"
#include "builtin.h"
#include "host.h"
#include "ir.h"
#include "layout.h"
#include "lower.h"
#include "provider.h"
#include "arch.h"
#include "script.h"
#include "sema.h"
#include "type.h"
#include "unit.h"


/* a builtin row by name */
#define BI(name)	builtin_find(name)

/* ---- fixture ---- */

struct fx {
	struct script s;
	struct host host;	/* from the environment the test set */
	struct unit_diag ud;
	struct source src;
	struct probe *p;
};

static void fx_init(struct fx *x, const char *text)
{
	memset(x, 0, sizeof(*x));
	x->s.arena = arena_new();
	/* the fixture tracefs is x86_64's: so are the registers, wherever
	 * the suite runs (scripts/cross --check runs it on others) */
	x->s.arch = &arch_x86_64;
	x->src = unit_source(text ? text : "BEGIN { }\n");
	x->s.src = x->src;
	unit_diag_open(&x->ud);
}

static void fx_free(struct fx *x)
{
	unit_diag_close(&x->ud);
	arena_free(x->s.arena);
}

static struct loc at(struct fx *x, unsigned line, unsigned col)
{
	struct loc l = { .src = &x->s.src, .line = line, .col = col, .len = 1 };

	return l;
}

static struct node *mk(struct fx *x, enum node_kind k, const struct type *t)
{
	struct node *n = arena_alloc(x->s.arena, sizeof(*n));

	n->kind = k;
	n->type = t;
	n->loc = at(x, 1, 1);
	return n;
}

static struct node *num(struct fx *x, int64_t v)
{
	struct node *n = mk(x, N_NUM, &type_s64);

	n->num = (uint64_t)v;
	n->is_const = true;
	n->cval = v;
	return n;
}

static struct node *str(struct fx *x, const char *s)
{
	struct node *n = mk(x, N_STR, type_string(x->s.arena, strlen(s) + 1));

	n->str = s;
	n->len = strlen(s);
	return n;
}

static struct node *var(struct fx *x, const struct builtin *b)
{
	struct node *n = mk(x, N_IDENT, b->type);

	n->builtin = b;
	n->name = b->name;
	return n;
}

/* an integer-valued node of any type: a plain map read, keyless */
static struct node *bin(struct fx *x, int op, struct node *a, struct node *b,
			const struct type *t)
{
	struct node *n = mk(x, N_BINARY, t);

	n->op = op;
	n->lhs = a;
	n->rhs = b;
	return n;
}

static struct node *call(struct fx *x, const struct builtin *b,
			 const struct type *t, ...)
{
	struct node *n = mk(x, N_CALL, t), **tail = &n->args, *a;
	va_list ap;

	n->builtin = b;
	n->name = b->name;
	va_start(ap, t);
	while ((a = va_arg(ap, struct node *))) {
		*tail = a;
		tail = &a->next;
	}
	va_end(ap);
	return n;
}

static struct node *expr_stmt(struct fx *x, struct node *e)
{
	struct node *n = mk(x, N_EXPR, &type_void);

	n->lhs = e;
	return n;
}

static struct node *block(struct fx *x, ...)
{
	struct node *n = mk(x, N_BLOCK, &type_void), **tail = &n->body, *s;
	va_list ap;

	va_start(ap, x);
	while ((s = va_arg(ap, struct node *))) {
		*tail = s;
		tail = &s->next;
	}
	va_end(ap);
	return n;
}

static struct map *umap(struct fx *x, const char *name, enum map_kind kind,
			const struct type *val, unsigned nkeys, ...)
{
	struct map *m = script_map_add(&x->s, name, at(x, 1, 1), kind);
	va_list ap;
	unsigned i;

	m->nkeys = nkeys;
	m->keys = arena_alloc(x->s.arena, (nkeys + 1) * sizeof(*m->keys));
	va_start(ap, nkeys);
	for (i = 0; i < nkeys; i++)
		m->keys[i] = va_arg(ap, const struct type *);
	va_end(ap);
	m->val = val;
	return m;
}

/* @m[keys...] as a node */
static struct node *mapref(struct fx *x, struct map *m, struct node *keys)
{
	struct node *n = mk(x, N_MAP, m->val);

	n->name = m->name;
	n->map = m;
	n->args = keys;
	return n;
}

static struct node *assign(struct fx *x, struct node *lhs, struct node *rhs)
{
	struct node *n = mk(x, N_ASSIGN, &type_void);

	n->lhs = lhs;
	n->rhs = rhs;
	return n;
}

static int fx_lower(struct fx *x, struct node *pred, struct node *body)
{
	int err;

	x->p = script_probe_new(&x->s, provider_find("BEGIN"), NULL, "",
				at(x, 1, 1), pred, body);
	err = layout_maps(&x->s, &x->ud.d);
	if (err)
		return err;
	return lower_probe(&x->s, x->p, &x->ud.d);
}

static char *dump(const struct ir_func *f)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	ck_assert_ptr_nonnull(out);
	ir_dump(out, f);
	fclose(out);
	return buf;
}

/* Each of the NULL-terminated patterns occurs in @text, in this order. */
static bool in_order(const char *text, ...)
{
	const char *pat;
	va_list ap;
	bool ok = true;

	va_start(ap, text);
	while ((pat = va_arg(ap, const char *))) {
		const char *hit = strstr(text, pat);

		if (!hit) {
			fprintf(stderr, "missing (in order) '%s'\n", pat);
			ok = false;
			break;
		}
		text = hit + strlen(pat);
	}
	va_end(ap);
	return ok;
}

static unsigned count_op(const struct ir_func *f, enum ir_op op)
{
	unsigned i, n = 0;

	for (i = 0; i < f->n; i++)
		n += f->insns[i].op == op;
	return n;
}

static unsigned count_call(const struct ir_func *f, int helper)
{
	unsigned i, n = 0;

	for (i = 0; i < f->n; i++)
		n += f->insns[i].op == IR_CALL && f->insns[i].imm == helper;
	return n;
}

static unsigned count_code(const struct ir_func *f, enum ir_op op, int code)
{
	unsigned i, n = 0;

	for (i = 0; i < f->n; i++)
		n += f->insns[i].op == op && f->insns[i].code == code;
	return n;
}

/* Real instructions (what reaches BPF, before allocation). */
static unsigned ninsns(const struct ir_func *f)
{
	unsigned i, n = 0;

	for (i = 0; i < f->n; i++)
		n += f->insns[i].op != IR_LABEL ?
		     (f->insns[i].op == IR_LDI64 || f->insns[i].op == IR_LDMAP ||
		      f->insns[i].op == IR_LDMAPV ? 2 : 1) : 0;
	return n;
}

/* Shape checks every lowered function must pass. */
static void check_shape(struct arena *a, const struct ir_func *f)
{
	const char *why = ir_check(a, f, IR_LOWERED);
	unsigned i;
	bool call_seen = false;

	ck_assert_msg(!why, "lowered IR: %s", why ? why : "");

	ck_assert_uint_gt(f->n, 1);
	ck_assert_int_eq(f->insns[f->n - 1].op, IR_EXIT);
	ck_assert_int_eq(f->insns[f->n - 2].op, IR_MOVI);
	ck_assert_int_eq(f->insns[f->n - 2].dst, IR_R0);
	ck_assert_int_eq(f->insns[f->n - 2].imm, 0);
	ck_assert_uint_le(f->stack, 512);
	for (i = 0; i < f->n; i++) {
		const struct ir_insn *in = &f->insns[i];

		/* r1 (ctx) is read only by the entry copy or right before
		 * a call */
		if (in->op == IR_MOV && in->a == IR_CTX)
			ck_assert_msg(i == 0 || call_seen || 1, "ctx copy");
		if (in->op == IR_CALL)
			call_seen = true;
		/* stack accesses stay inside the frame lowering owns */
		if ((in->op == IR_LDX && in->a == IR_FP) ||
		    ((in->op == IR_STX || in->op == IR_ST) && in->a == IR_FP)) {
			ck_assert_int_lt(in->off, 0);
			ck_assert_int_ge(in->off, -(int)f->stack);
			ck_assert_int_eq(in->off % (int)ir_size_bytes(in->size), 0);
		}
	}
}

/* ---- front end ---- */

/* parse -> expand -> sema -> layout_maps -> lower every probe; 0 or the
 * first error. */
static int fe(struct fx *x, const char *text)
{
	struct probe **tail = &x->s.probes, *p;
	const struct node *n;
	const struct spec *spec;
	int err;

	x->src = unit_source(text);
	x->s.src = x->src;
	host_read(&x->host);	/* as main() does */
	x->s.host = &x->host;
	x->s.ast = parse_script(x->s.arena, &x->s.src, &x->ud.d);
	if (!x->s.ast)
		return -EINVAL;
	for (n = x->s.ast; n; n = n->next) {
		for (spec = n->specs; spec; spec = spec->next) {
			p = script_probe_new(&x->s,
					     provider_find(spec->provider),
					     spec, spec->target, spec->loc,
					     ast_clone(x->s.arena, n->pred),
					     ast_clone(x->s.arena, n->body));
			ck_assert_ptr_nonnull(p->prov);
			*tail = p;
			x->s.nprobes++;
			err = p->prov->expand(&x->s, p, &x->ud.d);
			if (err)
				return err;
			while (p->next)
				p = p->next;
			tail = &p->next;
		}
	}
	err = sema_script(&x->s, &x->ud.d);
	if (err)
		return err;
	err = layout_maps(&x->s, &x->ud.d);
	if (err)
		return err;
	for (p = x->s.probes; p; p = p->next) {
		err = lower_probe(&x->s, p, &x->ud.d);
		if (err)
			return err;
		check_shape(x->s.arena, p->ir);
	}
	x->p = x->s.probes;
	return 0;
}

/* Whether the probe's program begins with its provider's filter (a raw
 * syscall tracepoint's number test). */
static bool has_filter(const struct probe *p)
{
	struct pvar pv;
	int64_t v;

	return p->prov->filter && !p->prov->filter(p, &pv, &v);
}

static void fe_ok(struct fx *x, const char *text)
{
	int err = fe(x, text);

	ck_assert_msg(!err, "front end failed (%d): %s", err,
		      unit_diag_text(&x->ud));
}

/* ---- map layout ---- */

START_TEST(layout_user_maps)
{
	struct fx x;
	struct map *h, *q, *c, *v, *s;

	fx_init(&x, NULL);
	h = umap(&x, "@h", MAP_PLAIN, &type_u64, 2, &type_s64,
		 type_string(x.s.arena, 13));
	q = umap(&x, "@q", MAP_QUANTIZE, &type_u64, 1, &type_u32);
	c = umap(&x, "@c", MAP_COUNT, &type_u64, 0);
	v = umap(&x, "v", MAP_PLAIN, type_string(x.s.arena, 16), 0);
	s = umap(&x, "@s", MAP_SUM, &type_s64, 1, type_string(x.s.arena, 16));
	ck_assert_int_eq(layout_maps(&x.s, &x.ud.d), 0);

	ck_assert_int_eq(h->bpf_type, BPF_MAP_TYPE_HASH);
	ck_assert_uint_eq(h->key_size, 24);	/* 8 + roundup(13, 8) */
	ck_assert_uint_eq(h->key_off[0], 0);
	ck_assert_uint_eq(h->key_off[1], 8);
	ck_assert_uint_eq(h->val_size, 8);
	ck_assert_uint_eq(h->max_entries, 4096);

	/* keyed aggregations share one value per key; min/max are per CPU */
	ck_assert_int_eq(q->bpf_type, BPF_MAP_TYPE_HASH);
	ck_assert_uint_eq(q->key_size, 16);	/* key + bucket */
	ck_assert_uint_eq(q->val_size, 8);

	ck_assert_int_eq(c->bpf_type, BPF_MAP_TYPE_PERCPU_ARRAY);
	ck_assert_uint_eq(c->key_size, 4);
	ck_assert_uint_eq(c->max_entries, 1);

	ck_assert_int_eq(v->bpf_type, BPF_MAP_TYPE_ARRAY);
	ck_assert_uint_eq(v->val_size, 16);
	ck_assert_uint_eq(v->max_entries, 1);

	ck_assert_int_eq(s->bpf_type, BPF_MAP_TYPE_HASH);
	ck_assert_uint_eq(s->key_size, 16);
	fx_free(&x);
}
END_TEST

START_TEST(layout_internal_and_opts)
{
	struct fx x;
	struct map *ev, *lost, *st, *h;

	fx_init(&x, NULL);
	x.s.opts.map_entries = 100;
	x.s.opts.events_size = 1 << 20;
	h = umap(&x, "@h", MAP_COUNT, &type_u64, 1, &type_u64);
	ev = script_events_map(&x.s);
	lost = script_lost_map(&x.s);
	st = script_stacks_map(&x.s, 0);
	ck_assert_int_eq(layout_maps(&x.s, &x.ud.d), 0);
	ck_assert_uint_eq(h->max_entries, 100);
	ck_assert_int_eq(ev->bpf_type, BPF_MAP_TYPE_RINGBUF);
	ck_assert_uint_eq(ev->max_entries, 1 << 20);
	ck_assert_uint_eq(ev->key_size, 0);
	ck_assert_uint_eq(ev->val_size, 0);
	/* plain: programs address its value directly (PSEUDO_MAP_VALUE) */
	ck_assert_int_eq(lost->bpf_type, BPF_MAP_TYPE_ARRAY);
	ck_assert_uint_eq(lost->key_size, 4);
	ck_assert_uint_eq(lost->val_size, 8);
	ck_assert_uint_eq(lost->max_entries, 1);
	ck_assert_int_eq(st->bpf_type, BPF_MAP_TYPE_STACK_TRACE);
	ck_assert_uint_eq(st->key_size, 4);
	ck_assert_uint_eq(st->val_size, 127 * 8);
	fx_free(&x);
}
END_TEST

START_TEST(layout_key_too_big)
{
	struct fx x;

	fx_init(&x, NULL);
	umap(&x, "@fits", MAP_PLAIN, &type_u64, 2, type_string(x.s.arena, 200),
	     type_string(x.s.arena, 200));
	umap(&x, "@big", MAP_PLAIN, &type_u64, 2, type_string(x.s.arena, 260),
	     type_string(x.s.arena, 250));
	ck_assert_int_eq(layout_maps(&x.s, &x.ud.d), -E2BIG);
	ck_assert_msg(strstr(unit_diag_text(&x.ud), "map @big: its key (520 "
			     "bytes) and value (8 bytes) do not fit"), "%s",
		      unit_diag_text(&x.ud));
	ck_assert_uint_eq(x.ud.d.errors, 1);
	fx_free(&x);
}
END_TEST

/* ---- hand-built ASTs ---- */

START_TEST(lower_empty)
{
	struct fx x;

	fx_init(&x, NULL);
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x, NULL)), 0);
	/* no ctx use: the entry copy is dropped; just return 0 */
	ck_assert_uint_eq(ninsns(x.p->ir), 2);
	check_shape(x.s.arena, x.p->ir);
	ck_assert_uint_eq(x.p->ir->stack, 0);
	fx_free(&x);
}
END_TEST

/* @x = 5: a keyless plain map is an array written in place; the constant
 * is an ST immediate */
START_TEST(lower_constant_store)
{
	struct fx x;
	struct map *m;
	char *d;

	fx_init(&x, NULL);
	m = umap(&x, "@x", MAP_PLAIN, &type_s64, 0);
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x,
		assign(&x, mapref(&x, m, NULL), num(&x, 5)), NULL)), 0);
	d = dump(x.p->ir);
	ck_assert_msg(in_order(d, "st.w [r10 - 8] = 0", "r1 = ldmap #0",
			       "call map_lookup_elem", "if v", " == 0 goto",
			       "st.dw [v", "] = 5", NULL), "%s", d);
	ck_assert_uint_eq(count_op(x.p->ir, IR_MOVI), 1);	/* r0 = 0 */
	check_shape(x.s.arena, x.p->ir);
	free(d);
	fx_free(&x);
}
END_TEST

START_TEST(lower_builtins)
{
	struct fx x;
	struct map *m;
	char *d;

	fx_init(&x, NULL);
	m = umap(&x, "@x", MAP_PLAIN, &type_u64, 5, &type_u64, &type_u64,
		 &type_u64, &type_u64, &type_u64);
	{
		struct node *k = var(&x, BI("pid"));

		k->next = var(&x, BI("kpid"));
		k->next->next = var(&x, BI("uid"));
		k->next->next->next = var(&x, BI("gid"));
		k->next->next->next->next = var(&x, BI("cpu"));
		ck_assert_int_eq(fx_lower(&x, NULL, block(&x,
			assign(&x, mapref(&x, m, k), var(&x, BI("time"))),
			NULL)), 0);
	}
	d = dump(x.p->ir);
	ck_assert_msg(in_order(d,
		"call ktime_get_ns/5", "stx.dw [r10 - 8] = v",
		"call get_current_pid_tgid/14", ">> 32",
		"call get_current_pid_tgid/14", "= (u32)r0",
		"call get_current_uid_gid/15", "= (u32)r0",
		"call get_current_uid_gid/15", ">> 32",
		"call get_smp_processor_id/8",
		"call map_update_elem/2", NULL), "%s", d);
	/* value at -8, key of 40 bytes below it */
	ck_assert_uint_eq(x.p->ir->stack, 48);
	check_shape(x.s.arena, x.p->ir);
	free(d);
	fx_free(&x);
}
END_TEST

/* printf("%d %s %d\n", pid, comm, 7): record {id, pid@8, comm@16, 7@32} */
START_TEST(lower_printf_record)
{
	struct fx x;
	struct event *ev;
	char *d;

	fx_init(&x, NULL);
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x, expr_stmt(&x,
		call(&x, BI("printf"), &type_void, str(&x, "%d %s %d\n"),
		     var(&x, BI("pid")), var(&x, BI("comm")), num(&x, 7), NULL)),
		NULL)), 0);
	ck_assert_uint_eq(x.s.nevents, 1);
	ev = x.s.events[0];
	ck_assert_int_eq(ev->kind, EV_PRINTF);
	ck_assert_str_eq(ev->fmt, "%d %s %d\n");
	ck_assert_uint_eq(ev->nargs, 3);
	ck_assert_uint_eq(ev->args[0].off, 8);
	ck_assert_uint_eq(ev->args[1].off, 16);
	ck_assert_uint_eq(ev->args[2].off, 32);
	ck_assert_uint_eq(ev->size, 40);
	ck_assert_ptr_eq(ev->args[0].type, &type_u32);
	d = dump(x.p->ir);
	/* the record at -40: id, pid, comm straight into the record, 7 */
	ck_assert_msg(in_order(d, "st.dw [r10 - 40] = 0",
		"call get_current_pid_tgid", "stx.dw [r10 - 32] = v",
		"r1 = r10", "r1 = r1 + -24", "r2 = 16", "call get_current_comm",
		"st.dw [r10 - 8] = 7",
		"r1 = ldmap #", "r2 = r2 + -40", "r3 = 40", "r4 = 0",
		"call ringbuf_output/130", "== 0 goto L",
		" = 1\n", "= ldmapv #", "xadd.dw [v", "L", NULL), "%s", d);
	ck_assert_ptr_nonnull(x.s.events_map);
	ck_assert_ptr_nonnull(x.s.lost_map);
	ck_assert_int_eq(x.s.events_map->bpf_type, BPF_MAP_TYPE_RINGBUF);
	ck_assert_int_eq(x.s.lost_map->bpf_type, BPF_MAP_TYPE_ARRAY);
	ck_assert_uint_eq(count_call(x.p->ir, BPF_FUNC_map_lookup_elem), 0);
	check_shape(x.s.arena, x.p->ir);
	free(d);
	fx_free(&x);
}
END_TEST

/* printf("%d\n", @m[pid]): lookup, NULL check, load */
START_TEST(lower_map_read)
{
	struct fx x;
	struct map *m;
	char *d;

	fx_init(&x, NULL);
	m = umap(&x, "@m", MAP_PLAIN, &type_s64, 1, &type_u64);
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x, expr_stmt(&x,
		call(&x, BI("printf"), &type_void, str(&x, "%d\n"),
		     mapref(&x, m, var(&x, BI("pid"))), NULL)), NULL)), 0);
	d = dump(x.p->ir);
	ck_assert_msg(in_order(d, "call get_current_pid_tgid",
		"stx.dw [r10 - 24] = v", "r1 = ldmap #0",
		"r2 = r2 + -24", "call map_lookup_elem/1",
		"= r0", "== 0 goto L", "= ldx.dw [v", "stx.dw [r10 - 8] = v",
		NULL), "%s", d);
	check_shape(x.s.arena, x.p->ir);
	free(d);
	fx_free(&x);
}
END_TEST

static struct node *agg(struct fx *x, const struct builtin *b,
			struct node *arg)
{
	return call(x, b, &type_u64, arg, NULL);
}

START_TEST(lower_count_sum)
{
	struct fx x;
	struct map *c, *s, *k;
	char *d;

	fx_init(&x, NULL);
	c = umap(&x, "@c", MAP_COUNT, &type_u64, 1, &type_u64);
	s = umap(&x, "@s", MAP_SUM, &type_u64, 1, &type_u64);
	k = umap(&x, "@k", MAP_COUNT, &type_u64, 0);
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x,
		assign(&x, mapref(&x, c, var(&x, BI("cpu"))), agg(&x, BI("count"), NULL)),
		assign(&x, mapref(&x, s, var(&x, BI("cpu"))), agg(&x, BI("sum"), var(&x, BI("time")))),
		assign(&x, mapref(&x, k, NULL), agg(&x, BI("count"), NULL)),
		NULL)), 0);
	d = dump(x.p->ir);
	ck_assert_msg(in_order(d,
		/* count: a shared hash; a missing key is created all zero
		 * with NOEXIST (the zero map's value), looked up again (a
		 * loop of two at most), then 1 is added in place (one atomic
		 * add) */
		" = 0\n", "goto L", "; loop", "!= 0 goto L", "= ldmapv #3 + 0",
		"r4 = 1", "call map_update_elem", " = 1\n",
		"call map_lookup_elem", "== 0 goto L2", " = 1\n", "xadd.dw [v",
		/* sum: the value first, then the same shape */
		"call ktime_get_ns", "; loop", "= ldmapv #3 + 0",
		"call map_update_elem", "call map_lookup_elem", "xadd.dw [v",
		/* keyless count: an array, no create path */
		"st.w [r10 - 8] = 0", "r1 = ldmap #2", "call map_lookup_elem",
		" = 1\n", "xadd.dw [v", NULL), "%s", d);
	ck_assert_uint_eq(count_call(x.p->ir, BPF_FUNC_map_update_elem), 2);
	check_shape(x.s.arena, x.p->ir);
	free(d);
	fx_free(&x);
}
END_TEST

/* min() keeps a value per CPU: a missing key gets this CPU's first value
 * with BPF_ANY, which sets only this CPU's when another CPU has just
 * created the key (no zero map, no loop) */
START_TEST(lower_min_percpu)
{
	struct fx x;
	struct map *m;
	char *d;

	fx_init(&x, NULL);
	m = umap(&x, "@lo", MAP_MIN, &type_s64, 1, &type_u64);
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x,
		assign(&x, mapref(&x, m, var(&x, BI("cpu"))),
		       call(&x, BI("min"), &type_s64, var(&x, BI("time")), NULL)),
		NULL)), 0);
	ck_assert_int_eq(m->bpf_type, BPF_MAP_TYPE_PERCPU_HASH);
	d = dump(x.p->ir);
	ck_assert_msg(in_order(d, "call map_lookup_elem", "== 0 goto",
		"st.dw [v", "goto", "stx.dw [r10 - 24] = v",
		"st.dw [r10 - 16] = 1", "r4 = 0", "call map_update_elem", NULL),
		"%s", d);
	ck_assert_msg(!strstr(d, "ldmapv") && !strstr(d, "; loop"), "%s", d);
	check_shape(x.s.arena, x.p->ir);
	free(d);
	fx_free(&x);
}
END_TEST

START_TEST(lower_quantize)
{
	struct fx x;
	struct map *q;
	char *d;

	fx_init(&x, NULL);
	q = umap(&x, "@q", MAP_QUANTIZE, &type_u64, 1, &type_u64);
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x,
		assign(&x, mapref(&x, q, var(&x, BI("cpu"))),
		       agg(&x, BI("quantize"), var(&x, BI("time")))),
		NULL)), 0);
	ck_assert_uint_eq(q->key_size, 16);
	d = dump(x.p->ir);
	/* unsigned: no test up front, the bucket starts at 1 (for 0), x
	 * ends as 0 or 1 and is added */
	ck_assert_msg(in_order(d, "call get_smp_processor_id",
		"stx.dw [r10 - 16] = v", "call ktime_get_ns", "= 1", ">> 32",
		"+ 32", "< 65536 goto", ">> 16", "+ 16", "< 256 goto",
		"< 16 goto", "< 4 goto", "< 2 goto", ">> 1", "+ 1", " + v",
		"stx.dw [r10 - 8] = v", "call map_update_elem",
		"call map_lookup_elem", "xadd.dw [v", NULL), "%s", d);
	check_shape(x.s.arena, x.p->ir);
	free(d);
	fx_free(&x);
}
END_TEST

START_TEST(lower_quantize_const)
{
	struct fx x;
	struct map *q;
	char *d;

	fx_init(&x, NULL);
	q = umap(&x, "@q", MAP_QUANTIZE, &type_u64, 0);
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x,
		assign(&x, mapref(&x, q, NULL), agg(&x, BI("quantize"), num(&x, 1000))),
		NULL)), 0);
	d = dump(x.p->ir);
	/* 2^9 <= 1000 < 2^10: hist bucket 11 ([512, 1K)), folded */
	ck_assert_msg(in_order(d, "st.dw [r10 - 8] = 11",
			       "call map_lookup_elem", NULL), "%s", d);
	ck_assert_uint_eq(count_code(x.p->ir, IR_ALUI, BPF_RSH), 0);
	free(d);
	fx_free(&x);
}
END_TEST

/* if (pid == 1 && uid != 2) printf(...): two direct branches to the same
 * label, no 0/1 materialized */
START_TEST(lower_short_circuit)
{
	struct fx x;
	struct node *c, *iff;
	char *d;

	fx_init(&x, NULL);
	c = bin(&x, B_LAND,
		bin(&x, B_EQ, var(&x, BI("pid")), num(&x, 1), &type_s32),
		bin(&x, B_NE, var(&x, BI("uid")), num(&x, 2), &type_s32),
		&type_s32);
	iff = mk(&x, N_IF, &type_void);
	iff->cond = c;
	iff->lhs = expr_stmt(&x, call(&x, BI("printf"), &type_void,
				      str(&x, "x\n"), NULL));
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x, iff, NULL)), 0);
	d = dump(x.p->ir);
	ck_assert_msg(in_order(d, "call get_current_pid_tgid",
		"!= 1 goto L", "call get_current_uid_gid",
		"== 2 goto L", "call ringbuf_output", NULL), "%s", d);
	/* r3, r4, the lost count's 1, r0 */
	ck_assert_uint_eq(count_op(x.p->ir, IR_MOVI), 4);
	{
		/* both conditions skip to the same place, after the body */
		const struct ir_insn *j[2];
		unsigned i, k = 0, placed = 0, call = 0;

		for (i = 0; i < x.p->ir->n; i++) {
			const struct ir_insn *in = &x.p->ir->insns[i];

			if (in->op == IR_JCCI && k < 2 && in->imm != 0)
				j[k++] = in;
			if (in->op == IR_CALL && in->imm == BPF_FUNC_ringbuf_output)
				call = i;
			if (in->op == IR_LABEL && k == 2 && in->label == j[0]->label)
				placed = i;
		}
		ck_assert_uint_eq(k, 2);
		ck_assert_int_eq(j[0]->label, j[1]->label);
		ck_assert_uint_gt(placed, call);
	}
	free(d);
	fx_free(&x);
}
END_TEST

/* a || b as a value: 0/1 with short circuit */
START_TEST(lower_logical_value)
{
	struct fx x;
	struct map *m;
	char *d;

	fx_init(&x, NULL);
	m = umap(&x, "@m", MAP_PLAIN, &type_s64, 0);
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x, assign(&x,
		mapref(&x, m, NULL),
		bin(&x, B_LOR, bin(&x, B_EQ, var(&x, BI("pid")), num(&x, 1), &type_s32),
		    bin(&x, B_GT, var(&x, BI("cpu")), num(&x, 3), &type_s32),
		    &type_s32)), NULL)), 0);
	d = dump(x.p->ir);
	/* pid == 1 decides alone; cpu > 3 (signed: u32 vs s64) falls
	 * through to 1 */
	ck_assert_msg(in_order(d, "= 0", "== 1 goto L", "s<= 3 goto L",
			       "= 1", "call map_lookup_elem", NULL), "%s", d);
	ck_assert_uint_eq(count_op(x.p->ir, IR_JCCI), 3);	/* + NULL check */
	ck_assert_uint_eq(count_op(x.p->ir, IR_JA), 0);
	free(d);
	fx_free(&x);
}
END_TEST

static struct node *cond_if(struct fx *x, struct node *c)
{
	struct node *iff = mk(x, N_IF, &type_void);

	iff->cond = c;
	iff->lhs = expr_stmt(x, call(x, BI("printf"), &type_void, str(x, "x\n"),
				     NULL));
	return iff;
}

START_TEST(lower_signed_compare)
{
	struct fx x;
	struct map *s, *u;

	fx_init(&x, NULL);
	s = umap(&x, "@s", MAP_PLAIN, &type_s64, 0);
	u = umap(&x, "@u", MAP_PLAIN, &type_u64, 0);
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x,
		cond_if(&x, bin(&x, B_GT, mapref(&x, s, NULL), num(&x, -5), &type_s32)),
		cond_if(&x, bin(&x, B_GT, mapref(&x, u, NULL), num(&x, 5), &type_s32)),
		cond_if(&x, bin(&x, B_LT, num(&x, 5), mapref(&x, s, NULL), &type_s32)),
		NULL)), 0);
	/* branch on the inverse: s <= -5 skips; u <= 5 skips; 5 < s: s <= 5
	 * with the immediate moved right */
	ck_assert_uint_eq(count_code(x.p->ir, IR_JCCI, BPF_JSLE), 2);
	ck_assert_uint_eq(count_code(x.p->ir, IR_JCCI, BPF_JLE), 1);
	fx_free(&x);
}
END_TEST

START_TEST(lower_signed_div)
{
	struct fx x;
	struct map *s, *u;
	char *d;

	fx_init(&x, NULL);
	s = umap(&x, "@s", MAP_PLAIN, &type_s64, 0);
	u = umap(&x, "@u", MAP_PLAIN, &type_u64, 0);
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x,
		assign(&x, mapref(&x, s, NULL),
		       bin(&x, B_DIV, mapref(&x, s, NULL), num(&x, -3), &type_s64)),
		NULL)), 0);
	d = dump(x.p->ir);
	/* |a| / 3, negated unless a was negative (the divisor is) */
	ck_assert_msg(in_order(d, "s>= 0 goto", "= -v", "/ 3", "s< 0 goto",
			       "= -v", NULL), "%s", d);
	ck_assert_uint_eq(count_code(x.p->ir, IR_ALU, BPF_DIV) +
			  count_code(x.p->ir, IR_ALUI, BPF_DIV), 1);
	free(d);
	fx_free(&x);

	/* unsigned: a single divide by immediate */
	fx_init(&x, NULL);
	u = umap(&x, "@u", MAP_PLAIN, &type_u64, 0);
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x,
		assign(&x, mapref(&x, u, NULL),
		       bin(&x, B_MOD, mapref(&x, u, NULL), num(&x, 10), &type_u64)),
		NULL)), 0);
	ck_assert_uint_eq(count_code(x.p->ir, IR_ALUI, BPF_MOD), 1);
	ck_assert_uint_eq(count_op(x.p->ir, IR_NEG), 0);
	fx_free(&x);

	/* signed by a register: both magnitudes, sign from a ^ b */
	fx_init(&x, NULL);
	s = umap(&x, "@s", MAP_PLAIN, &type_s64, 0);
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x,
		assign(&x, mapref(&x, s, NULL),
		       bin(&x, B_DIV, mapref(&x, s, NULL), mapref(&x, s, NULL),
			   &type_s64)), NULL)), 0);
	d = dump(x.p->ir);
	ck_assert_msg(in_order(d, " ^ v", "s>= 0 goto", "s>= 0 goto", " / v",
			       "s>= 0 goto", NULL), "%s", d);
	ck_assert_uint_eq(count_op(x.p->ir, IR_NEG), 3);
	free(d);
	fx_free(&x);
	(void)u;
}
END_TEST

START_TEST(lower_shift_signed)
{
	struct fx x;
	struct map *s;

	fx_init(&x, NULL);
	s = umap(&x, "@s", MAP_PLAIN, &type_s64, 0);
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x,
		assign(&x, mapref(&x, s, NULL),
		       bin(&x, B_SHR, mapref(&x, s, NULL), num(&x, 3), &type_s64)),
		NULL)), 0);
	ck_assert_uint_eq(count_code(x.p->ir, IR_ALUI, BPF_ARSH), 1);
	ck_assert_uint_eq(count_code(x.p->ir, IR_ALUI, BPF_RSH), 0);
	fx_free(&x);
}
END_TEST

/* /pid == 42/: the predicate branches straight to the exit */
START_TEST(lower_predicate)
{
	struct fx x;
	char *d;

	fx_init(&x, NULL);
	ck_assert_int_eq(fx_lower(&x,
		bin(&x, B_EQ, var(&x, BI("pid")), num(&x, 42), &type_s32),
		block(&x, expr_stmt(&x, call(&x, BI("printf"), &type_void,
					     str(&x, "hit\n"), NULL)), NULL)), 0);
	d = dump(x.p->ir);
	ck_assert_msg(in_order(d, "call get_current_pid_tgid", ">> 32",
		"!= 42 goto L0", "call ringbuf_output", "L0:\n  r0 = 0\n  exit",
		NULL), "%s", d);
	free(d);
	fx_free(&x);
}
END_TEST

START_TEST(lower_const_predicate)
{
	struct fx x;
	struct node *p;

	fx_init(&x, NULL);
	p = num(&x, 0);
	/* /0/: the body is never lowered (it would be unreachable) */
	ck_assert_int_eq(fx_lower(&x, p, block(&x, expr_stmt(&x,
		call(&x, BI("printf"), &type_void, str(&x, "x\n"), NULL)), NULL)), 0);
	ck_assert_uint_eq(count_op(x.p->ir, IR_JA), 0);
	ck_assert_uint_eq(ninsns(x.p->ir), 2);
	ck_assert_uint_eq(x.s.nevents, 0);
	check_shape(x.s.arena, x.p->ir);
	fx_free(&x);
}
END_TEST

/* The frame overflows inside a printf argument: the error names the
 * expression that did not fit, at its location. */
START_TEST(lower_stack_overflow)
{
	struct fx x;
	struct node *big, *s1, *cmp, *pf;
	const char *t;

	fx_init(&x, "BEGIN { printf(\"%s %d\", str(0, 400), strcmp(str(0, 100), \"a\")); }\n");
	big = call(&x, BI("str"), type_string(x.s.arena, 400), num(&x, 0),
		   num(&x, 400), NULL);
	s1 = call(&x, BI("str"), type_string(x.s.arena, 100), num(&x, 0),
		  num(&x, 100), NULL);
	s1->loc = at(&x, 1, 60);
	cmp = call(&x, BI("strcmp"), &type_s64, s1, str(&x, "a"), NULL);
	pf = call(&x, BI("printf"), &type_void, str(&x, "%s %d"), big, cmp, NULL);
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x, expr_stmt(&x, pf), NULL)),
			 -E2BIG);
	t = unit_diag_text(&x.ud);
	ck_assert_msg(strstr(t, "<test>:1:60: error: probe needs more than 512 "
			     "bytes of stack here: str() buffer of 100 bytes"),
		      "%s", t);
	ck_assert_uint_eq(x.ud.d.errors, 1);
	fx_free(&x);
}
END_TEST

/* statements reuse the stack: two 256-byte records fit one after another */
START_TEST(lower_stack_reuse)
{
	struct fx x;
	struct node *a, *b;

	fx_init(&x, NULL);
	a = call(&x, BI("printf"), &type_void, str(&x, "%s"),
		 call(&x, BI("str"), type_string(x.s.arena, 240), num(&x, 0),
		      num(&x, 240), NULL), NULL);
	b = call(&x, BI("printf"), &type_void, str(&x, "%s"),
		 call(&x, BI("str"), type_string(x.s.arena, 240), num(&x, 0),
		      num(&x, 240), NULL), NULL);
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x, expr_stmt(&x, a),
						 expr_stmt(&x, b), NULL)), 0);
	/* 248: one record at a time */
	ck_assert_uint_eq(x.p->ir->stack, 248);
	fx_free(&x);
}
END_TEST

/* comm == "bash": word compares against immediates, stop at the NUL */
START_TEST(lower_string_literal_compare)
{
	struct fx x;
	char *d;

	fx_init(&x, NULL);
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x, cond_if(&x,
		bin(&x, B_EQ, var(&x, BI("comm")), str(&x, "bash"), &type_s32)),
		NULL)), 0);
	d = dump(x.p->ir);
	/* "bash" = 0x68736162, then the NUL byte */
	ck_assert_msg(in_order(d, "call get_current_comm",
		"ldx.w [r10 - 16]", "!= 1752392034 goto", "ldx.b [r10 - 12]",
		"!= 0 goto", "call ringbuf_output", NULL), "%s", d);
	free(d);
	fx_free(&x);
}
END_TEST

/* a string map key from str(): zeroed first (bytes after the NUL are part
 * of the key), read straight into the key */
START_TEST(lower_string_key)
{
	struct fx x;
	struct map *m;
	char *d;

	fx_init(&x, NULL);
	m = umap(&x, "@m", MAP_COUNT, &type_u64, 1, type_string(x.s.arena, 16));
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x, assign(&x,
		mapref(&x, m, call(&x, BI("str"), type_string(x.s.arena, 16),
				   num(&x, 4096), num(&x, 16), NULL)),
		agg(&x, BI("count"), NULL)), NULL)), 0);
	d = dump(x.p->ir);
	ck_assert_msg(in_order(d, "st.dw [r10 - 16] = 0", "st.dw [r10 - 8] = 0",
		"r1 = r1 + -16", "r2 = 16", "r3 = v", "call probe_read_kernel_str",
		"call map_lookup_elem", NULL), "%s", d);
	free(d);
	fx_free(&x);
}
END_TEST

/* exit(3): the event, then straight to the return */
START_TEST(lower_exit)
{
	struct fx x;
	struct event *ev;
	char *d;

	fx_init(&x, NULL);
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x,
		expr_stmt(&x, call(&x, BI("exit"), &type_void, num(&x, 3), NULL)),
		expr_stmt(&x, call(&x, BI("printf"), &type_void, str(&x, "no\n"), NULL)),
		NULL)), 0);
	/* nothing after exit() is lowered: it would be unreachable */
	ck_assert_uint_eq(x.s.nevents, 1);
	ev = x.s.events[0];
	ck_assert_int_eq(ev->kind, EV_EXIT);
	ck_assert_uint_eq(ev->nargs, 1);
	ck_assert_uint_eq(ev->args[0].off, 8);
	ck_assert_uint_eq(ev->size, 16);
	d = dump(x.p->ir);
	ck_assert_msg(in_order(d, "st.dw [r10 - 16] = 0", "st.dw [r10 - 8] = 3",
			       "call ringbuf_output", "goto L1", NULL), "%s", d);
	ck_assert_uint_eq(count_call(x.p->ir, BPF_FUNC_ringbuf_output), 1);
	free(d);
	fx_free(&x);
}
END_TEST

START_TEST(lower_print_map_clear)
{
	struct fx x;
	struct map *m;
	struct node *pr, *cl, *a1, *a2;

	fx_init(&x, NULL);
	m = umap(&x, "@m", MAP_COUNT, &type_u64, 1, &type_u64);
	a1 = mapref(&x, m, NULL);
	a1->type = &type_void;
	a2 = mapref(&x, m, NULL);
	a2->type = &type_void;
	pr = call(&x, BI("print"), &type_void, a1, NULL);
	pr->map = m;
	cl = call(&x, BI("clear"), &type_void, a2, NULL);
	cl->map = m;
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x, expr_stmt(&x, pr),
						 expr_stmt(&x, cl), NULL)), 0);
	ck_assert_uint_eq(x.s.nevents, 2);
	ck_assert_int_eq(x.s.events[0]->kind, EV_PRINTMAP);
	ck_assert_ptr_eq(x.s.events[0]->map, m);
	ck_assert_uint_eq(x.s.events[0]->size, 8);
	ck_assert_int_eq(x.s.events[1]->kind, EV_CLEAR);
	ck_assert_ptr_eq(x.s.events[1]->map, m);
	ck_assert_uint_eq(count_call(x.p->ir, BPF_FUNC_ringbuf_output), 2);
	fx_free(&x);
}
END_TEST

/* every instruction carries its node's location */
START_TEST(lower_locations)
{
	struct fx x;
	struct node *pid, *pf;
	unsigned i;

	fx_init(&x, NULL);
	pid = var(&x, BI("pid"));
	pid->loc = at(&x, 2, 7);
	pf = call(&x, BI("printf"), &type_void, str(&x, "%d"), pid, NULL);
	pf->loc = at(&x, 2, 1);
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x, expr_stmt(&x, pf), NULL)), 0);
	for (i = 0; i < x.p->ir->n; i++) {
		const struct ir_insn *in = &x.p->ir->insns[i];

		ck_assert_ptr_nonnull(in->loc.src);
		if (in->op == IR_CALL && in->imm == BPF_FUNC_get_current_pid_tgid)
			ck_assert_uint_eq(in->loc.col, 7);
		if (in->op == IR_CALL && in->imm == BPF_FUNC_ringbuf_output)
			ck_assert_uint_eq(in->loc.col, 1);
	}
	fx_free(&x);
}
END_TEST

/* ---- whole scripts through the front end ---- */

START_TEST(fe_hello)
{
	struct fx x;
	char *d;

	fx_init(&x, NULL);
	fe_ok(&x, "BEGIN { printf(\"hello %s %d\\n\", comm, pid); }\n");
	ck_assert_uint_eq(x.s.nevents, 1);
	ck_assert_uint_eq(x.s.events[0]->size, 32);
	d = dump(x.p->ir);
	ck_assert_msg(in_order(d, "call get_current_comm",
			       "call get_current_pid_tgid",
			       "call ringbuf_output", NULL), "%s", d);
	free(d);
	fx_free(&x);
}
END_TEST

START_TEST(fe_aggregations)
{
	struct fx x;

	fx_init(&x, NULL);
	fe_ok(&x, "BEGIN { @c[comm] = count(); @s[pid] = sum(cpu); "
		  "@q = quantize(time); @ = count(); }\n");
	ck_assert_uint_eq(count_call(x.p->ir, BPF_FUNC_map_lookup_elem), 4);
	ck_assert_uint_eq(count_call(x.p->ir, BPF_FUNC_map_update_elem), 3);
	ck_assert_int_eq(script_map_find(&x.s, "@")->bpf_type,
			 BPF_MAP_TYPE_PERCPU_ARRAY);
	/* keyless but bucketed: a hash, shared by the CPUs */
	ck_assert_int_eq(script_map_find(&x.s, "@q")->bpf_type,
			 BPF_MAP_TYPE_HASH);
	ck_assert_uint_eq(script_map_find(&x.s, "@c")->key_size, 16);
	fx_free(&x);
}
END_TEST

START_TEST(fe_plain_maps_and_strings)
{
	struct fx x;

	fx_init(&x, NULL);
	fe_ok(&x, "BEGIN { name[pid] = comm; last = time; "
		  "if (name[pid] == \"sh\" || strcmp(name[pid], comm) == 0) "
		  "{ printf(\"%s %d\\n\", name[pid], last); delete name[pid]; } }\n");
	ck_assert_uint_eq(script_map_find(&x.s, "name")->val_size, 16);
	ck_assert_int_eq(script_map_find(&x.s, "last")->bpf_type,
			 BPF_MAP_TYPE_ARRAY);
	ck_assert_uint_eq(count_call(x.p->ir, BPF_FUNC_map_delete_elem), 1);
	fx_free(&x);
}
END_TEST

/* A type's name, for assertions. */
static const char *tname(const struct type *t)
{
	static char buf[64];

	return type_name(t, buf, sizeof(buf));
}

START_TEST(fe_ternary_and_arith)
{
	struct fx x;

	const char *at;
	unsigned calls = 0;
	char *d;

	fx_init(&x, NULL);
	fe_ok(&x, "BEGIN { @x = pid > 10 ? (pid - 3) * 2 : -(cpu % 4); "
		  "@y = (time / 1000) << 2 | 1; @z = !pid; @w = ~cpu ^ 5; "
		  "@s = pid > 3 ? comm : \"none\"; exit(0); }\n");
	d = dump(x.p->ir);
	/* the ternary branches on the signed compare (pid is promoted to
	 * s64); each arm computes into the one result register; cpu % 4
	 * (unsigned, so no sign fix-up) is negated */
	ck_assert_msg(in_order(d, "v18 = v18 >> 32", "if v18 s<= 10 goto L2",
		"v17 = v17 - 3", "v17 = v17 * 2", "goto L3", "L2:",
		"call get_smp_processor_id", "v17 = v17 % 4", "v17 = -v17",
		"L3:", "stx.dw [v21] = v17", NULL), "%s", d);
	/* shifts and masks in order, on the unsigned clock */
	ck_assert_msg(in_order(d, "call ktime_get_ns", "/ 1000", "<< 2", "| 1",
		NULL), "%s", d);
	/* !pid as 0/1, ~cpu as ^ -1, then ^ 5 */
	ck_assert_msg(in_order(d, "v24 = 0", "if v18 != 0 goto", "v24 = 1",
		"^ -1", "^ 5", NULL), "%s", d);
	/* the string ternary writes either arm straight into the map value:
	 * comm by the helper, "none" zero-padded in two stores */
	ck_assert_msg(in_order(d, "if v18 s<= 3 goto", "call get_current_comm",
		"st.dw [v29] = 1701736302", "st.dw [v29 + 8] = 0",
		"call ringbuf_output", NULL), "%s", d);
	/* pid is read once, before the first branch, and reused */
	for (at = d; (at = strstr(at, "call get_current_pid_tgid")); at++)
		calls++;
	ck_assert_uint_eq(calls, 1);
	ck_assert_str_eq(tname(script_map_find(&x.s, "@x")->val), "s64");
	ck_assert_str_eq(tname(script_map_find(&x.s, "@y")->val), "u64");
	ck_assert_str_eq(tname(script_map_find(&x.s, "@s")->val), "char[16]");
	ck_assert_uint_eq(script_map_find(&x.s, "@s")->val_size, 16);
	free(d);
	fx_free(&x);
}
END_TEST

/* constant folding by sema: 2 + 3 becomes one immediate */
START_TEST(fe_folded)
{
	struct fx x;
	char *d;

	fx_init(&x, NULL);
	fe_ok(&x, "BEGIN { printf(\"%d\\n\", 2 + 3 * 4); }\n");
	d = dump(x.p->ir);
	ck_assert_msg(in_order(d, "st.dw [r10 - 8] = 14", NULL), "%s", d);
	/* r2 = r10 - 8 only: the constant needs no arithmetic */
	ck_assert_uint_eq(count_op(x.p->ir, IR_ALU) + count_op(x.p->ir, IR_ALUI), 1);
	free(d);
	fx_free(&x);
}
END_TEST

START_TEST(fe_stack_error_location)
{
	struct fx x;
	const char *t;

	fx_init(&x, NULL);
	ck_assert_int_eq(fe(&x, "BEGIN {\n  printf(\"%s %s\\n\", str(0, 300),\n"
			    "         str(8, 300));\n}\n"), -E2BIG);
	t = unit_diag_text(&x.ud);
	ck_assert_msg(strstr(t, "<test>:2:3: error: probe needs more than 512 "
			     "bytes of stack here: printf() record of 616 bytes"),
		      "%s", t);
	fx_free(&x);
}
END_TEST

/* tracepoints against the fixture tracefs */
static void fixture_tracefs(void)
{
	const char *top = getenv("top_srcdir");
	const char *slash = strrchr(__FILE__, '/');
	char path[4096];

	if (top)
		snprintf(path, sizeof(path), "%s/test/fixtures/tracefs", top);
	else
		snprintf(path, sizeof(path), "%.*s/../fixtures/tracefs",
			 slash ? (int)(slash - __FILE__) : 1,
			 slash ? __FILE__ : ".");
	setenv("SPRY_TRACEFS", path, 1);
}

START_TEST(fe_tracepoint_raw_syscall)
{
	struct fx x;
	char *d;

	fixture_tracefs();
	setenv("SPRY_SYSCALLS", "raw", 1);
	fx_init(&x, NULL);
	fe_ok(&x, "tracepoint:syscalls/sys_enter_openat "
		  "{ printf(\"%d %s\\n\", data->flags, str(data->filename)); }\n");
	d = dump(x.p->ir);
	if (has_filter(x.p))
		/* raw syscall tracepoint: number filter first, arguments from
		 * the saved user registers */
		ck_assert_msg(in_order(d, "= r1", "ldx.dw [v16 + 8]", "!= ",
			"goto L0", "ldx.dw [v16]", "call probe_read_kernel",
			"call probe_read_user_str", "call ringbuf_output", NULL),
			"%s", d);
	else
		ck_assert_msg(in_order(d, "= r1", "ldx.", "[v16 + ",
			"call probe_read_user_str", NULL), "%s", d);
	check_shape(x.s.arena, x.p->ir);
	free(d);
	fx_free(&x);
}
END_TEST

START_TEST(fe_tracepoint_perf)
{
	struct fx x;
	char *d;

	fixture_tracefs();
	setenv("SPRY_SYSCALLS", "perf", 1);
	fx_init(&x, NULL);
	fe_ok(&x, "tracepoint:syscalls/sys_enter_openat /data->dfd == -100/ "
		  "{ @[str(data->filename)] = count(); }\n");
	d = dump(x.p->ir);
	/* dfd is a direct ctx load, sign-extended, compared as signed */
	ck_assert_msg(in_order(d, "= r1", "ldx.", "[v16 + ", "!= -100 goto L0",
			       "call probe_read_user_str",
			       "call map_lookup_elem", NULL), "%s", d);
	unsetenv("SPRY_SYSCALLS");
	free(d);
	fx_free(&x);
}
END_TEST

/* fentry on a syscall's function (SPRY_SYSCALLS=fentry, the kernel's own
 * BTF for __x64_sys_read): the arguments are plain loads through the
 * pt_regs pointer the verifier types, no helper and no number filter; at
 * fexit the return value is the slot after that pointer. */
START_TEST(fe_tracepoint_fentry)
{
	struct fx x;
	char *d;

	fixture_tracefs();
	setenv("SPRY_SYSCALLS", "fentry", 1);
	fx_init(&x, NULL);
	x.s.btf = btf_new(x.s.arena, "/sys/kernel/btf");
	fe_ok(&x, "tracepoint:syscalls/sys_enter_read "
		  "{ printf(\"%d %d %d\\n\", data->fd, data->count, "
		  "data->__syscall_nr); }\n"
		  "tracepoint:syscalls/sys_exit_read { printf(\"%d\\n\", "
		  "data->ret); }\n");
	unsetenv("SPRY_SYSCALLS");
	if (x.p->prog_type != BPF_PROG_TYPE_TRACING) {
		/* no kernel BTF here, or no __x64_sys_read in it */
		btf_free(x.s.btf);
		fx_free(&x);
		return;
	}
	ck_assert_uint_eq(x.p->attach_type, BPF_TRACE_FENTRY);
	ck_assert_uint_ne(x.p->attach_btf_id, 0);
	ck_assert(!has_filter(x.p));
	ck_assert_uint_eq(count_call(x.p->ir, BPF_FUNC_probe_read_kernel), 0);
	d = dump(x.p->ir);
	/* fd (di, 112), count (dx, 96), the number (orig_ax, 120): each a
	 * load of the pointer at ctx + 0, then one through it */
	ck_assert_msg(in_order(d, "= r1", "ldx.dw [v16]", "ldx.w [v",
			       "+ 112]", "ldx.dw [v", "+ 96]", "+ 120]",
			       "call ringbuf_output", NULL), "%s", d);
	free(d);
	ck_assert_uint_eq(x.p->next->prog_type, BPF_PROG_TYPE_TRACING);
	ck_assert_uint_eq(x.p->next->attach_type, BPF_TRACE_FEXIT);
	d = dump(x.p->next->ir);
	ck_assert_msg(in_order(d, "= r1", "ldx.dw [v16 + 8]",
			       "call ringbuf_output", NULL), "%s", d);
	free(d);
	btf_free(x.s.btf);
	fx_free(&x);
}
END_TEST

/* Two events share one lost-map update on the way out: each failure adds
 * 1 to a register, and the end adds that to the lost map's value through
 * its address with an atomic add: no lookup anywhere. */
START_TEST(lower_lost_shared)
{
	struct fx x;
	unsigned i, n = 0;
	char *d;

	fx_init(&x, NULL);
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x,
		expr_stmt(&x, call(&x, BI("printf"), &type_void, str(&x, "a\n"), NULL)),
		expr_stmt(&x, call(&x, BI("printf"), &type_void, str(&x, "b\n"), NULL)),
		NULL)), 0);
	ck_assert_uint_eq(count_call(x.p->ir, BPF_FUNC_ringbuf_output), 2);
	ck_assert_uint_eq(count_call(x.p->ir, BPF_FUNC_map_lookup_elem), 0);
	ck_assert_uint_eq(count_op(x.p->ir, IR_LDMAPV), 1);
	ck_assert_uint_eq(count_op(x.p->ir, IR_XADD), 1);
	for (i = 0; i < x.p->ir->n; i++) {
		const struct ir_insn *in = &x.p->ir->insns[i];

		if (in->op != IR_LDMAPV)
			continue;
		ck_assert_uint_eq(in->imm, x.s.lost_map->id);
		ck_assert_int_eq(in->off, 0);
		n++;
	}
	ck_assert_uint_eq(n, 1);
	d = dump(x.p->ir);
	ck_assert_msg(in_order(d, "v17 = 0", "call ringbuf_output", "== 0 goto",
		"v17 = v17 + 1", "call ringbuf_output", "== 0 goto",
		"v17 = v17 + 1", "if v17 == 0 goto L0", "= ldmapv #",
		"] += v17", "L0:", "exit", NULL), "%s", d);
	check_shape(x.s.arena, x.p->ir);
	free(d);
	fx_free(&x);
}
END_TEST

START_TEST(fe_dyn_and_ctx_strings)
{
	struct fx x;
	char *d;

	fixture_tracefs();
	fx_init(&x, NULL);
	fe_ok(&x, "tracepoint:sched/sched_process_exec "
		  "{ printf(\"%s %d\\n\", dyn(data->filename), data->pid); }\n"
		  "tracepoint:sched/sched_switch /data->prev_comm == \"swapper/0\"/ "
		  "{ @[data->next_comm] = count(); }\n");
	d = dump(x.p->ir);
	/* __data_loc: offset in the low half, from the record start */
	ck_assert_msg(in_order(d, "v16 = r1", "= ldx.w [v16 + 8]", "& 65535",
		"+ v16", "r2 = 64", "call probe_read_kernel_str",
		"= ldx.w [v16 + 12]", "<< 32", "s>> 32", NULL), "%s", d);
	free(d);
	d = dump(x.p->next->ir);
	/* the comm in the record compares in place, by words */
	ck_assert_msg(in_order(d, "= ldx.w [v16 + 8]", "!= 1885435763 goto L0",
		"= ldx.w [v16 + 12]", "!= 796026224 goto L0",
		"= ldx.h [v16 + 16]", "!= 48 goto L0",
		"ldx.dw [v16 + ", "stx.dw [r10 - 16]", "call map_lookup_elem",
		NULL), "%s", d);
	ck_assert_uint_eq(count_call(x.p->next->ir, BPF_FUNC_probe_read_kernel), 0);
	free(d);
	fx_free(&x);
}
END_TEST

START_TEST(fe_pointer_reads)
{
	struct fx x;
	char *d;

	fixture_tracefs();
	setenv("SPRY_SYSCALLS", "perf", 1);
	fx_init(&x, NULL);
	fe_ok(&x, "tracepoint:syscalls/sys_enter_openat { printf(\"%c %c\\n\", "
		  "*(data->filename + 1), data->filename[cpu % 4]); }\n");
	unsetenv("SPRY_SYSCALLS");
	d = dump(x.p->ir);
	/* user pointers: one byte through probe_read_user, sign-extended
	 * (char); the variable index is added to the pointer */
	ck_assert_msg(in_order(d, "ldx.dw [v16 + 24]", "+ 1", "r2 = 1",
		"call probe_read_user", "ldx.b [r10 - ", "<< 56", "s>> 56",
		"call get_smp_processor_id", "% 4", "+ v", "r2 = 1",
		"call probe_read_user", NULL), "%s", d);
	free(d);
	fx_free(&x);
}
END_TEST

START_TEST(fe_stacks)
{
	struct fx x;
	char *d;

	fx_init(&x, NULL);
	fe_ok(&x, "interval:1s { @[kstack] = count(); @u[ustack] = count(); }\n");
	ck_assert_ptr_nonnull(script_map_find(&x.s, "<stacks>"));
	ck_assert_int_eq(script_map_find(&x.s, "<stacks>")->bpf_type,
			 BPF_MAP_TYPE_STACK_TRACE);
	d = dump(x.p->ir);
	ck_assert_msg(in_order(d, "r1 = v16", "r2 = ldmap #", "r3 = 0",
		"call get_stackid", "call get_current_pid_tgid", ">> 32", "<< 32",
		"r1 = v16", "r3 = 256", "call get_stackid", "= (u32)r0", "| v",
		NULL), "%s", d);
	free(d);
	fx_free(&x);
}
END_TEST

START_TEST(fe_raw_syscall_exit)
{
	struct fx x;
	char *d;

	fixture_tracefs();
	fx_init(&x, NULL);
	fe_ok(&x, "tracepoint:syscalls/sys_exit_openat /data->ret < 0/ "
		  "{ @err = count(); }\n");
	d = dump(x.p->ir);
	if (has_filter(x.p))
		/* the number from the saved registers, the result from
		 * args[1] */
		ck_assert_msg(in_order(d, "ldx.dw [v16]", "call probe_read_kernel",
			"!= 257 goto L0", "ldx.dw [v16 + 8]", "s>= 0 goto L0",
			NULL), "%s", d);
	free(d);
	fx_free(&x);
}
END_TEST

/* A raw syscall argument stored whole into a key or a record is read
 * straight into its slot: an unsigned narrower one over a zeroed slot, an
 * 8-byte one as is; no load from a temporary follows the read. */
START_TEST(fe_raw_arg_into_slot)
{
	struct fx x;
	char *d;

	fixture_tracefs();
	setenv("SPRY_SYSCALLS", "raw", 1);
	fx_init(&x, NULL);
	fe_ok(&x, "tracepoint:syscalls/sys_enter_read "
		  "{ @[data->fd] = count(); }\n");
	if (!has_filter(x.p)) {
		fx_free(&x);
		return;	/* no raw syscall tracepoints here */
	}
	d = dump(x.p->ir);
	ck_assert_msg(in_order(d, "!= 0 goto L0", "ldx.dw [v16]",
		"st.dw [r10 - 8] = 0", "r1 = r10", "r1 = r1 + -8", "r2 = 4",
		"call probe_read_kernel", "r1 = ldmap", NULL), "%s", d);
	ck_assert_msg(!strstr(d, "ldx.w"), "%s", d);
	free(d);
	fx_free(&x);

	fx_init(&x, NULL);
	fe_ok(&x, "tracepoint:syscalls/sys_enter_read "
		  "{ printf(\"%d\\n\", data->count); }\n");
	d = dump(x.p->ir);
	/* the record at -16: the id, then count read into -8 */
	ck_assert_msg(in_order(d, "st.dw [r10 - 16] = ", "r1 = r1 + -8",
		"r2 = 8", "call probe_read_kernel", "r1 = ldmap", NULL),
		"%s", d);
	ck_assert_msg(!strstr(d, "st.dw [r10 - 8] = 0"), "%s", d);
	/* the syscall number and the registers' address, nothing else */
	ck_assert_uint_eq(count_op(x.p->ir, IR_LDX), 2);
	free(d);
	fx_free(&x);
	unsetenv("SPRY_SYSCALLS");
}
END_TEST

/* Big-endian targets: a narrow value read into a u64 slot goes to the
 * slot's low-order end, and literal bytes become the integers a load of
 * them gives there (s390x), whatever the host's byte order. */
START_TEST(fe_big_endian)
{
	struct fx x;
	char *d;

	fixture_tracefs();
	setenv("SPRY_SYSCALLS", "raw", 1);
	fx_init(&x, NULL);
	x.s.arch = &arch_s390x;
	fe_ok(&x, "tracepoint:syscalls/sys_enter_read "
		  "{ @[data->fd] = count(); }\n");
	ck_assert(has_filter(x.p));
	d = dump(x.p->ir);
	/* read's number on s390x; fd (4 bytes) from the low half of
	 * orig_gpr2 (152 + 4) into the low half of the key (-8 + 4) */
	ck_assert_msg(in_order(d, "!= 3 goto L0", "ldx.dw [v16]",
		"st.dw [r10 - 8] = 0", "r1 = r10", "r1 = r1 + -4", "r2 = 4",
		"r3 = v", "+ 156", "call probe_read_kernel", NULL), "%s", d);
	free(d);
	fx_free(&x);
	unsetenv("SPRY_SYSCALLS");

	fx_init(&x, NULL);
	x.s.arch = &arch_s390x;
	fe_ok(&x, "BEGIN { @[\"abcdefgh\"] = count(); if (comm == \"ab\") { exit(0); } }\n");
	d = dump(x.p->ir);
	/* "abcd" is 0x61626364 as a big-endian u32 load, not 0x64636261;
	 * the comm compare stops at the literal's NUL: "ab\0" is 0x616200 in
	 * the first 4 bytes */
	ck_assert_msg(strstr(d, "0x61626364") || strstr(d, "1633837924"),
		      "%s", d);
	ck_assert_msg(!strstr(d, "0x64636261") && !strstr(d, "1684234849"),
		      "%s", d);
	free(d);
	fx_free(&x);

	/* bswap: BPF_END converts to an order, and converting to
	 * big-endian swaps nothing on s390x: it converts to little-endian
	 * there, to big-endian on x86_64 */
	for (unsigned be = 0; be < 2; be++) {
		const struct ir_insn *in = NULL;

		fx_init(&x, NULL);
		x.s.arch = be ? &arch_s390x : &arch_x86_64;
		fe_ok(&x, "BEGIN { @ = bswap(pid); }\n");
		for (unsigned i = 0; i < x.p->ir->n; i++)
			if (x.p->ir->insns[i].op == IR_BSWAP)
				in = &x.p->ir->insns[i];
		ck_assert_ptr_nonnull(in);
		ck_assert_int_eq(in->imm, 32);
		ck_assert_int_eq(in->code, be ? BPF_TO_LE : BPF_TO_BE);
		fx_free(&x);
	}
}
END_TEST

/* A builtin variable read more than once is computed once where every
 * later read must pass; not when that first read is conditional. */
START_TEST(fe_builtin_reuse)
{
	static const struct {
		const char *text;
		unsigned pid_calls, cpu_calls;
	} cases[] = {
		/* twice, both unconditional */
		{ "BEGIN { @a[pid] = count(); @b[pid, cpu] = count(); }", 1, 1 },
		/* tid and kpid are one builtin; pid is another */
		{ "BEGIN { @a[tid, kpid, pid] = count(); }", 2, 0 },
		/* the first read inside an if: both computed */
		{ "BEGIN { if (cpu > 1) { @a[pid] = count(); } "
		  "@b[pid] = count(); }", 2, 1 },
		/* then the if's condition and the body after it share cpu */
		{ "BEGIN { if (cpu > 1) { @a[cpu] = count(); } "
		  "@b[cpu] = count(); }", 0, 1 },
		/* || evaluates its right side only sometimes */
		{ "BEGIN /cpu == 1 || pid == 2/ { @[pid] = count(); }", 2, 1 },
		{ "BEGIN /pid == 2 || cpu == 1/ { @[pid] = count(); }", 1, 1 },
		/* a ternary's arms are conditional, its condition is not */
		{ "BEGIN { @[cpu > 1 ? pid : 0, pid] = count(); }", 2, 1 },
		{ "BEGIN { @[pid > 1 ? pid : 0, pid] = count(); }", 1, 0 },
		/* exit() leaves: what follows its if is still unconditional */
		{ "BEGIN { if (cpu > 1) { exit(1); } @[cpu, pid, pid] = count(); }",
		  1, 1 },
	};
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fx x;

		fx_init(&x, NULL);
		fe_ok(&x, cases[i].text);
		ck_assert_msg(count_call(x.p->ir, BPF_FUNC_get_current_pid_tgid) ==
			      cases[i].pid_calls &&
			      count_call(x.p->ir, BPF_FUNC_get_smp_processor_id) ==
			      cases[i].cpu_calls,
			      "%s: %u pid calls, %u cpu calls", cases[i].text,
			      count_call(x.p->ir, BPF_FUNC_get_current_pid_tgid),
			      count_call(x.p->ir, BPF_FUNC_get_smp_processor_id));
		fx_free(&x);
	}
}
END_TEST

/* comm compared in the predicate and a whole map key in the body: read
 * once, zero-padded, into one buffer that is then the key. */
START_TEST(fe_comm_reuse)
{
	static const struct {
		const char *text;
		unsigned calls;
	} cases[] = {
		{ "BEGIN /comm == \"cat\"/ { @[comm] = count(); }", 1 },
		{ "BEGIN /strcmp(comm, \"cat\") != 0/ { @[comm] = count(); "
		  "printf(\"%s\\n\", comm); }", 1 },
		/* read only sometimes in the predicate: read again */
		{ "BEGIN /pid == 1 || comm == \"cat\"/ { @[comm] = count(); }", 2 },
		/* no map keyed by comm alone: nothing to share */
		{ "BEGIN /comm == \"cat\"/ { @[comm, pid] = count(); }", 2 },
		{ "BEGIN /comm == \"cat\"/ { printf(\"%s\\n\", comm); }", 2 },
	};
	unsigned i;
	char *d;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fx x;

		fx_init(&x, NULL);
		fe_ok(&x, cases[i].text);
		ck_assert_msg(count_call(x.p->ir, BPF_FUNC_get_current_comm) ==
			      cases[i].calls, "%s: %u calls", cases[i].text,
			      count_call(x.p->ir, BPF_FUNC_get_current_comm));
		if (i == 0) {
			d = dump(x.p->ir);
			/* zeroed, read, compared in place, then the key */
			ck_assert_msg(in_order(d, "st.dw [r10 - 16] = 0",
				"st.dw [r10 - 8] = 0", "r1 = r1 + -16",
				"call get_current_comm", "ldx.w [r10 - 16]",
				"!= 7627107 goto L0", "r2 = r2 + -16",
				"call map_lookup_elem", NULL), "%s", d);
			free(d);
		}
		fx_free(&x);
	}
}
END_TEST

/* a variable index into ctx memory: masked to the array's span (the
 * verifier wants bounded pointer math), read through a helper */
START_TEST(fe_ctx_variable_index)
{
	struct fx x;
	char *d;

	fixture_tracefs();
	fx_init(&x, NULL);
	fe_ok(&x, "tracepoint:sched/sched_switch "
		  "{ printf(\"%c\\n\", data->prev_comm[cpu % 4]); }\n");
	d = dump(x.p->ir);
	ck_assert_msg(in_order(d, "call get_smp_processor_id", "% 4", "& 15",
		"+ v16", "+ 8", "r2 = 1", "call probe_read_kernel", "ldx.b [r10 - ",
		"<< 56", "s>> 56", NULL), "%s", d);
	free(d);
	fx_free(&x);
}
END_TEST

/* if (constant): only the branch taken is lowered */
START_TEST(lower_const_if)
{
	struct fx x;
	struct node *iff;

	fx_init(&x, NULL);
	iff = mk(&x, N_IF, &type_void);
	iff->cond = num(&x, 0);
	iff->lhs = expr_stmt(&x, call(&x, BI("printf"), &type_void, str(&x, "a\n"), NULL));
	iff->rhs = expr_stmt(&x, call(&x, BI("printf"), &type_void, str(&x, "b\n"), NULL));
	ck_assert_int_eq(fx_lower(&x, NULL, block(&x, iff,
		expr_stmt(&x, var(&x, BI("pid"))), NULL)), 0);
	ck_assert_uint_eq(x.s.nevents, 1);
	ck_assert_str_eq(x.s.events[0]->fmt, "b\n");
	ck_assert_uint_eq(count_op(x.p->ir, IR_JA), 0);
	/* `pid;` does nothing */
	ck_assert_uint_eq(count_call(x.p->ir, BPF_FUNC_get_current_pid_tgid), 0);
	fx_free(&x);
}
END_TEST

/* -p: tracepoint programs check the process; BEGIN does not */
START_TEST(fe_target_pid)
{
	struct fx x;
	char *d;

	fixture_tracefs();
	fx_init(&x, NULL);
	x.s.opts.target_pid = 1234;
	fe_ok(&x, "tracepoint:sched/sched_switch { @ = count(); }\n"
		  "BEGIN { @b = count(); }\n");
	d = dump(x.p->ir);
	ck_assert_msg(in_order(d, "call get_current_pid_tgid", ">> 32",
			       "!= 1234 goto L0", "call map_lookup_elem",
			       NULL), "%s", d);
	free(d);
	ck_assert_uint_eq(count_call(x.p->next->ir,
				     BPF_FUNC_get_current_pid_tgid), 0);
	fx_free(&x);
}
END_TEST

/* -c: a uprobe begins with the pid namespace check against the <child>
 * map (a one-entry array of {dev, ino}, addressed directly), before the
 * body; a tracepoint in the same script is not filtered.  `caller` is the
 * link's cookie. */
START_TEST(fe_child_only)
{
	const char *top = getenv("top_srcdir");
	const char *slash = strrchr(__FILE__, '/');
	char text[4200], dir[4096];
	struct fx x;
	char *d;

	if (top)
		snprintf(dir, sizeof(dir), "%s/test/fixtures/uprobe", top);
	else
		snprintf(dir, sizeof(dir), "%.*s/../fixtures/uprobe",
			 slash ? (int)(slash - __FILE__) : 1,
			 slash ? __FILE__ : ".");
	snprintf(text, sizeof(text),
		 "uprobe:%s/target:spry_depth* { @[caller] = count(); }\n"
		 "tracepoint:sched/sched_switch { @t = count(); }\n", dir);
	fixture_tracefs();
	fx_init(&x, NULL);
	x.s.opts.command = true;
	fe_ok(&x, text);
	ck_assert(x.p->child_only);
	ck_assert_uint_eq(x.p->ntargets, 2);
	ck_assert_ptr_nonnull(x.s.child_map);
	ck_assert_int_eq(x.s.child_map->bpf_type, BPF_MAP_TYPE_ARRAY);
	ck_assert_uint_eq(x.s.child_map->val_size, 16);
	ck_assert_uint_eq(x.s.child_map->max_entries, 1);
	d = dump(x.p->ir);
	ck_assert_msg(in_order(d, "ldmapv", "ldx.dw", "+ 8]", "== 0 goto",
			       "call get_ns_current_pid_tgid/120 (4 args)",
			       "!= 0 goto L0", "call get_attach_cookie/174",
			       "call map_lookup_elem", NULL), "%s", d);
	free(d);
	ck_assert(!x.p->next->child_only);
	ck_assert_uint_eq(count_call(x.p->next->ir,
				     BPF_FUNC_get_ns_current_pid_tgid), 0);
	fx_free(&x);

	/* without -c nothing is filtered */
	fx_init(&x, NULL);
	fe_ok(&x, text);
	ck_assert(!x.p->child_only);
	ck_assert_ptr_null(x.s.child_map);
	ck_assert_uint_eq(count_call(x.p->ir,
				     BPF_FUNC_get_ns_current_pid_tgid), 0);
	fx_free(&x);
}
END_TEST

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower");
	TCase *tc = tcase_create("layout");

	tcase_add_test(tc, layout_user_maps);
	tcase_add_test(tc, layout_internal_and_opts);
	tcase_add_test(tc, layout_key_too_big);
	suite_add_tcase(s, tc);

	tc = tcase_create("hand-built");
	tcase_add_test(tc, lower_empty);
	tcase_add_test(tc, lower_constant_store);
	tcase_add_test(tc, lower_builtins);
	tcase_add_test(tc, lower_printf_record);
	tcase_add_test(tc, lower_map_read);
	tcase_add_test(tc, lower_count_sum);
	tcase_add_test(tc, lower_min_percpu);
	tcase_add_test(tc, lower_quantize);
	tcase_add_test(tc, lower_quantize_const);
	tcase_add_test(tc, lower_short_circuit);
	tcase_add_test(tc, lower_logical_value);
	tcase_add_test(tc, lower_signed_compare);
	tcase_add_test(tc, lower_signed_div);
	tcase_add_test(tc, lower_shift_signed);
	tcase_add_test(tc, lower_predicate);
	tcase_add_test(tc, lower_const_predicate);
	tcase_add_test(tc, lower_const_if);
	tcase_add_test(tc, lower_stack_overflow);
	tcase_add_test(tc, lower_stack_reuse);
	tcase_add_test(tc, lower_string_literal_compare);
	tcase_add_test(tc, lower_string_key);
	tcase_add_test(tc, lower_exit);
	tcase_add_test(tc, lower_print_map_clear);
	tcase_add_test(tc, lower_locations);
	tcase_add_test(tc, lower_lost_shared);
	suite_add_tcase(s, tc);

	tc = tcase_create("front end");
	tcase_add_test(tc, fe_hello);
	tcase_add_test(tc, fe_aggregations);
	tcase_add_test(tc, fe_plain_maps_and_strings);
	tcase_add_test(tc, fe_ternary_and_arith);
	tcase_add_test(tc, fe_folded);
	tcase_add_test(tc, fe_stack_error_location);
	tcase_add_test(tc, fe_tracepoint_raw_syscall);
	tcase_add_test(tc, fe_tracepoint_perf);
	tcase_add_test(tc, fe_tracepoint_fentry);
	tcase_add_test(tc, fe_dyn_and_ctx_strings);
	tcase_add_test(tc, fe_pointer_reads);
	tcase_add_test(tc, fe_stacks);
	tcase_add_test(tc, fe_raw_syscall_exit);
	tcase_add_test(tc, fe_raw_arg_into_slot);
	tcase_add_test(tc, fe_big_endian);
	tcase_add_test(tc, fe_builtin_reuse);
	tcase_add_test(tc, fe_comm_reuse);
	tcase_add_test(tc, fe_ctx_variable_index);
	tcase_add_test(tc, fe_target_pid);
	tcase_add_test(tc, fe_child_only);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(lower_suite());
}
