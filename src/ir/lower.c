/* lower.c - from the annotated AST of one probe to IR in virtual registers.
 *
 * Input: a probe whose AST sema_script() has annotated (types, builtins,
 * provider variables, maps, folded constants).  Output: p->ir, a function in
 * virtual registers for ra_alloc(), plus the layout of every map
 * (map_layout()) and one struct event per printf/print/exit/clear call site.
 *
 * Values.  Integers and pointers live in 64-bit registers, always sign- or
 * zero-extended from their type.  Strings, arrays and structs are memory
 * values: they are written straight into their final home (a map key, an
 * event record, a map value) through ex_into(), so that reading a string
 * into a printf record costs one helper call and no copy.
 *
 * Reuse.  A builtin variable the probe reads more than once (pid, tid,
 * uid, gid, cpu) is computed once, and comm, when it is compared and also
 * a whole map key, is read once into a zero-padded buffer that then is the
 * key; either only when that first evaluation lies on every path to the
 * later ones (unconditional()).
 *
 * Stack.  Lowering alone lays out the 512-byte frame.  Allocations are
 * scoped: everything a statement or an integer subexpression allocated is
 * dead once it is done, so the high-water mark is reset and f->stack keeps
 * the maximum (ra_alloc puts its spill slots below that).
 *
 * Layouts the runtime decodes (see map_layout() and lower_event()):
 *   map key:    each user key at key_off[i], 8-aligned; integers are 8-byte
 *               values, strings char[N] with N rounded up to 8, zero-padded;
 *               quantize maps add a trailing u64 bucket at key_size - 8.
 *               Keyless maps (not quantize) are arrays keyed by u32 0.
 *   map value:  8-byte integer (count/sum/quantize: u64 per CPU), or the
 *               memory value rounded up to 8.
 *   record:     u64 event id at 0, then each argument at an 8-aligned
 *               offset: scalars as 8-byte values, memory values at their
 *               type's size; the size is rounded up to 8.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <linux/bpf.h>

#include "arch.h"
#include "arena.h"
#include "ast.h"
#include "ir.h"
#include "lower.h"
#include "provider.h"
#include "script.h"
#include "sema.h"
#include "type.h"

/* helper argument registers (ir.h names r0, r1 and r10 only) */
#define LR2			2
#define LR3			3
#define LR4			4
#define LR5			5

#define LOWER_STACK		512	/* MAX_BPF_STACK */
#define LOWER_MAX_VALUE		32768	/* 16-bit signed insn offsets */
#define LOWER_ENTRIES		4096
#define LOWER_EVENTS_SIZE	(256 * 1024)
#define LOWER_STACK_DEPTH	127	/* PERF_MAX_STACK_DEPTH */
/* Memory values up to this size are copied with plain loads and stores;
 * larger ones with one bpf_probe_read_kernel() (five instructions). */
#define LOWER_UNROLL		32

static unsigned round8(unsigned n)
{
	return (n + 7) & ~7u;
}

static bool fits_s32(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

/* ---- map layout ---- */

/* Bytes a key or value of type @t takes in a map: scalars are 8-byte
 * values whatever their width, memory values are rounded up to 8. */
static unsigned map_slot(const struct type *t)
{
	if (!t || t->kind == T_INT || t->kind == T_PTR || t->kind == T_VOID)
		return 8;
	return t->size ? round8(t->size) : 8;
}

static int map_layout_one(struct script *s, struct map *m, struct diag *d)
{
	unsigned entries = s->opts.map_entries ? s->opts.map_entries
					       : LOWER_ENTRIES;
	unsigned off = 0, i;

	switch (m->kind) {
	case MAP_EVENTS:
		if (s->opts.perf_events) {
			/* one perf buffer per CPU; the runtime sizes it */
			m->bpf_type = BPF_MAP_TYPE_PERF_EVENT_ARRAY;
			m->key_size = m->val_size = 4;
			m->max_entries = 0;
			return 0;
		}
		/* ring buffer: size in max_entries, a power-of-two multiple
		 * of the page size; the option parser checks that */
		m->bpf_type = BPF_MAP_TYPE_RINGBUF;
		m->key_size = m->val_size = 0;
		m->max_entries = s->opts.events_size ? s->opts.events_size
						     : LOWER_EVENTS_SIZE;
		return 0;
	case MAP_LOST:
		/* not per-CPU: programs add to it through the value's
		 * address (BPF_PSEUDO_MAP_VALUE wants a plain array of one
		 * entry), atomically, and only when an event is lost */
		m->bpf_type = BPF_MAP_TYPE_ARRAY;
		m->key_size = 4;
		m->val_size = 8;
		m->max_entries = 1;
		return 0;
	case MAP_STACKS:
		m->bpf_type = BPF_MAP_TYPE_STACK_TRACE;
		m->key_size = 4;
		m->val_size = LOWER_STACK_DEPTH * 8;
		m->max_entries = entries;
		return 0;
	case MAP_CHILD:
		m->bpf_type = BPF_MAP_TYPE_ARRAY;
		m->key_size = 4;
		m->val_size = 16;	/* u64 dev, u64 ino */
		m->max_entries = 1;
		return 0;
	case MAP_PLAIN:
	case MAP_COUNT:
	case MAP_SUM:
	case MAP_QUANTIZE:
		break;
	}

	m->key_off = arena_alloc(s->arena, (m->nkeys + 1) * sizeof(*m->key_off));
	for (i = 0; i < m->nkeys; i++) {
		m->key_off[i] = off;
		off += map_slot(m->keys[i]);
	}
	if (m->kind == MAP_QUANTIZE)
		off += 8;	/* the bucket */
	m->val_size = m->kind == MAP_PLAIN ? map_slot(m->val) : 8;
	if (!off) {
		/* keyless: one-entry array, no hashing, never missing */
		m->bpf_type = m->kind == MAP_PLAIN ? BPF_MAP_TYPE_ARRAY
						   : BPF_MAP_TYPE_PERCPU_ARRAY;
		m->key_size = 4;
		m->max_entries = 1;
	} else {
		m->bpf_type = m->kind == MAP_PLAIN ? BPF_MAP_TYPE_HASH
						   : BPF_MAP_TYPE_PERCPU_HASH;
		m->key_size = off;
		m->max_entries = entries;
	}
	/* a hash map's key and value are built on the stack together (an
	 * array's value is written in place) */
	if (m->key_size + (m->bpf_type == BPF_MAP_TYPE_HASH ||
	    m->bpf_type == BPF_MAP_TYPE_PERCPU_HASH ? m->val_size : 0) >
	    LOWER_STACK) {
		diag_error(d, &m->loc, "map %s: its key (%u bytes) and value "
			   "(%u bytes) do not fit the %d-byte BPF stack",
			   m->name, m->key_size, m->val_size, LOWER_STACK);
		return -E2BIG;
	}
	/* an array's value is written in place, at offsets a BPF
	 * instruction holds in 16 signed bits */
	if (m->val_size > LOWER_MAX_VALUE) {
		diag_error(d, &m->loc, "map %s: its value (%u bytes) is larger "
			   "than the %d bytes a BPF instruction can reach",
			   m->name, m->val_size, LOWER_MAX_VALUE);
		return -E2BIG;
	}
	return 0;
}

int map_layout(struct script *s, struct diag *d)
{
	unsigned i;
	int err = 0, r;

	for (i = 0; i < s->nmaps; i++) {
		r = map_layout_one(s, s->maps[i], d);
		if (r && !err)
			err = r;
	}
	return err;
}

/* ---- lowering state ---- */

struct lower {
	struct script *s;
	struct probe *p;
	struct diag *d;
	struct ir_func *f;
	int ctx;		/* vreg holding r1 (the context) from entry */
	bool ctx_used;
	int ret;		/* label: the way out (lost events, return 0) */
	int exit;		/* label: return 0 */
	int lost;		/* vreg counting lost events, or IR_NONE */
	unsigned base;		/* frame bytes held for the whole probe */
	int regs_slot;		/* saved registers copied here, or 0 ... */
	int regs_lo, regs_hi;	/* ... the byte range [lo, hi) of pt_regs */
	unsigned sp;		/* frame bytes in use */
	/* builtin variables the probe reads more than once (bi_uses), kept
	 * in a register from their first evaluation that every later one
	 * must pass through (bi_reg, else IR_NONE) */
	unsigned bi_uses[BI_COUNT_];
	int bi_reg[BI_COUNT_];
	/* comm kept zero-padded for the whole probe (0: not reserved) and
	 * read there once (comm_full), where every later use must pass */
	int comm_slot;
	bool comm_full;
	int err;
};

/* An integer operand: an immediate or a register.  `owned` registers are
 * temporaries nobody else reads, so they may be updated in place (BPF ALU
 * instructions are two-address). */
struct val {
	bool imm;
	int64_t k;
	int reg;
	bool owned;
};

/* Where memory lives.  direct: plain loads work (the stack, a map value,
 * or ctx at a constant offset); otherwise bpf_probe_read_{kernel,user}() by
 * space. */
struct addr {
	bool direct;
	enum addr_space space;
	int base;
	int off;
};

/* A destination for a memory value: @size bytes at base + off. */
struct dst {
	int base;
	int off;
	unsigned size;
};

static struct val v_imm(int64_t k)
{
	return (struct val){ .imm = true, .k = k, .reg = IR_NONE };
}

static struct val v_reg(int r, bool owned)
{
	return (struct val){ .reg = r, .owned = owned };
}

static int new_reg(struct lower *L)
{
	return ir_vreg(L->f);
}

static int ctx_reg(struct lower *L)
{
	L->ctx_used = true;
	return L->ctx;
}

static bool is_mem(const struct type *t)
{
	return t && (t->kind == T_ARRAY || t->kind == T_STRUCT);
}

/* Reserve @size bytes (8-aligned) for @what while lowering @n.  On overflow
 * report once and hand out a dummy slot; lower_probe() then fails. */
static int stk_alloc(struct lower *L, unsigned size, const struct node *n,
		     const char *what)
{
	unsigned need = L->sp + round8(size ? size : 1);

	if (need > LOWER_STACK) {
		if (!L->err)
			diag_error(L->d, &n->loc, "probe needs more than %d bytes "
				   "of stack here: %s of %u bytes",
				   LOWER_STACK, what, size);
		L->err = -E2BIG;
		/* what is stored in the dummy slot may lie beyond any
		 * instruction's reach; nothing of it is kept */
		L->f->failed = true;
		return -8;
	}
	L->sp = need;
	if (need > L->f->stack)
		L->f->stack = need;
	return -(int)need;
}

/* ---- small emitters ---- */

static void emit_neg(struct lower *L, int r, struct loc l)
{
	struct ir_insn *in = ir_emit(L->f, IR_NEG, l);

	in->dst = r;
	in->a = r;
}

static void emit_mov32(struct lower *L, int dst, int a, struct loc l)
{
	struct ir_insn *in = ir_emit(L->f, IR_MOV32, l);

	in->dst = dst;
	in->a = a;
}

/* A register holding @v (read only). */
static int val_reg(struct lower *L, struct val v, struct loc l)
{
	int r;

	if (!v.imm)
		return v.reg;
	r = new_reg(L);
	ir_movi(L->f, r, v.k, l);
	return r;
}

/* A register holding @v that may be overwritten. */
static int val_own(struct lower *L, struct val v, struct loc l)
{
	int r;

	if (!v.imm && v.owned)
		return v.reg;
	r = new_reg(L);
	if (v.imm)
		ir_movi(L->f, r, v.k, l);
	else
		ir_mov(L->f, r, v.reg, l);
	return r;
}

/* Sign-extend a narrow signed value that a load zero-extended (the
 * target kernel predates BPF_MEMSX). */
static void extend(struct lower *L, int r, const struct type *t, struct loc l)
{
	unsigned sh;

	if (!t || t->kind != T_INT || !t->is_signed || t->size >= 8)
		return;
	sh = 64 - 8 * t->size;
	ir_alui(L->f, BPF_LSH, r, r, sh, l);
	ir_alui(L->f, BPF_ARSH, r, r, sh, l);
}

/* physical @r = base + off: the address arguments of helpers */
static void set_ptr(struct lower *L, int r, int base, int off, struct loc l)
{
	ir_mov(L->f, r, base, l);
	if (off)
		ir_alui(L->f, BPF_ADD, r, r, off, l);
}

static void set_val(struct lower *L, int r, struct val v, struct loc l)
{
	if (v.imm)
		ir_movi(L->f, r, v.k, l);
	else
		ir_mov(L->f, r, v.reg, l);
}

/* r0 into a fresh vreg right after a call */
static int ret_reg(struct lower *L, struct loc l)
{
	int r = new_reg(L);

	ir_mov(L->f, r, IR_R0, l);
	return r;
}

/* An 8-byte integer slot: ST for immediates, STX otherwise. */
static void store8(struct lower *L, int base, int off, struct val v,
		   struct loc l)
{
	if (v.imm && fits_s32(v.k))
		ir_st(L->f, BPF_DW, base, off, v.k, l);
	else
		ir_stx(L->f, BPF_DW, base, off, val_reg(L, v, l), l);
}

/* The largest access size that fits @len and the alignment of @off (the
 * verifier insists on aligned stack and ctx accesses). */
static unsigned chunk(int off, unsigned len)
{
	unsigned c;

	for (c = 8; c > 1; c >>= 1)
		if (c <= len && !(off & (int)(c - 1)))
			break;
	return c;
}

static void zero_fill(struct lower *L, int base, int off, unsigned len,
		      struct loc l)
{
	while (len) {
		unsigned c = chunk(off, len);

		ir_st(L->f, ir_size_code(c), base, off, 0, l);
		off += c;
		len -= c;
	}
}

/* ---- byte order: the target's, never the host's ---- */

static bool big_endian(const struct lower *L)
{
	return L->s->arch && L->s->arch->big_endian;
}

/* @n bytes of memory as the integer a load of that size gives on the
 * target: b[0] is the low byte on little-endian machines, the high one on
 * big-endian ones. */
static uint64_t bytes_value(const struct lower *L, const unsigned char *b,
			    unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)b[i] << (8 * (big_endian(L) ? n - 1 - i : i));
	return v;
}

/* Where a value of @size bytes lies in an 8-byte slot that holds it as a
 * u64: at its start on little-endian machines, at its end on big-endian
 * ones. */
static int slot_part(const struct lower *L, unsigned size)
{
	return big_endian(L) && size < 8 ? (int)(8 - size) : 0;
}

/* Store literal bytes with ST: 8 bytes at once when the value is a
 * sign-extended 32-bit immediate, else 4 at a time. */
static void store_bytes(struct lower *L, int base, int off,
			const unsigned char *b, unsigned len, struct loc l)
{
	while (len) {
		unsigned c = chunk(off, len);
		uint64_t v = bytes_value(L, b, c);

		if (c == 8 && !fits_s32((int64_t)v))
			c = 4, v = bytes_value(L, b, 4);
		ir_st(L->f, ir_size_code(c), base, off,
		      c == 8 ? (int64_t)v : (int64_t)(int32_t)(uint32_t)v, l);
		off += c;
		b += c;
		len -= c;
	}
}

/* Copy @len bytes between two direct locations with loads and stores. */
static void copy_direct(struct lower *L, struct dst d, int sbase, int soff,
			unsigned len, struct loc l)
{
	int doff = d.off, t = IR_NONE;

	while (len) {
		unsigned c = chunk(doff, len);

		while (c > 1 && (soff & (int)(c - 1)))
			c >>= 1;
		if (t == IR_NONE)
			t = new_reg(L);
		ir_ldx(L->f, ir_size_code(c), t, sbase, soff, l);
		ir_stx(L->f, ir_size_code(c), d.base, doff, t, l);
		doff += c;
		soff += c;
		len -= c;
	}
}

static void call_lookup(struct lower *L, struct map *m, int key, struct loc l)
{
	ir_ldmap(L->f, IR_R1, m->id, l);
	set_ptr(L, LR2, IR_FP, key, l);
	ir_call(L->f, BPF_FUNC_map_lookup_elem, 2, l);
}

static void call_update(struct lower *L, struct map *m, int key, int vbase,
			int voff, int flags, struct loc l)
{
	ir_ldmap(L->f, IR_R1, m->id, l);
	set_ptr(L, LR2, IR_FP, key, l);
	set_ptr(L, LR3, vbase, voff, l);
	ir_movi(L->f, LR4, flags, l);
	ir_call(L->f, BPF_FUNC_map_update_elem, 4, l);
}

/* helper(dst, size, src): probe_read_* and their _str forms */
static void call_read(struct lower *L, int helper, struct dst d, unsigned size,
		      int sbase, int soff, struct loc l)
{
	set_ptr(L, IR_R1, d.base, d.off, l);
	ir_movi(L->f, LR2, size, l);
	set_ptr(L, LR3, sbase, soff, l);
	ir_call(L->f, helper, 3, l);
}

static int read_helper(enum addr_space space, bool str)
{
	if (space == AS_USER)
		return str ? BPF_FUNC_probe_read_user_str : BPF_FUNC_probe_read_user;
	return str ? BPF_FUNC_probe_read_kernel_str : BPF_FUNC_probe_read_kernel;
}

/* Internal maps are created on first use, possibly after map_layout(). */
static struct map *internal_map(struct lower *L, struct map *m)
{
	if (m->bpf_type == BPF_MAP_TYPE_UNSPEC)
		map_layout_one(L->s, m, L->d);
	return m;
}

static bool map_is_array(const struct map *m)
{
	return m->bpf_type == BPF_MAP_TYPE_ARRAY ||
	       m->bpf_type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

/* ---- expressions ---- */

static struct val ex_int(struct lower *L, struct node *n);
static void ex_into(struct lower *L, struct node *n, struct dst d, bool zero);
static void ex_branch(struct lower *L, struct node *n, bool when, int label);

static const struct member *find_member(const struct type *st,
					const char *name)
{
	const struct member *m;

	for (m = st ? st->members : NULL; m; m = m->next)
		if (!strcmp(m->name, name))
			return m;
	return NULL;
}

/* What a stack buffer for @n holds, for the overflow message. */
static const char *buf_what(const struct node *n)
{
	if (n->kind == N_CALL && n->builtin == BI_STR)
		return "str() buffer";
	if (n->kind == N_CALL && n->builtin == BI_MEM)
		return "mem() buffer";
	if (n->kind == N_CALL && n->builtin == BI_DYN)
		return "dyn() buffer";
	if (n->kind == N_IDENT && n->builtin == BI_COMM)
		return "comm buffer";
	if (n->map)
		return "map value";
	if (n->kind == N_STR)
		return "string literal";
	return "temporary";
}

/* A fresh stack buffer holding memory value @n. */
static int ex_mem(struct lower *L, struct node *n)
{
	unsigned size = round8(n->type->size);
	int off = stk_alloc(L, n->type->size, n, buf_what(n));

	ex_into(L, n, (struct dst){ IR_FP, off, size }, false);
	return off;
}

static bool ex_addr(struct lower *L, struct node *n, struct addr *a);

/* The address a pointer expression points to. */
static void ptr_addr(struct lower *L, struct node *n, struct addr *a)
{
	struct val v;

	if (n->pvar && n->pvar->kind == PV_CTX) {
		*a = (struct addr){ true, AS_CTX, ctx_reg(L), 0 };
		return;
	}
	v = ex_int(L, n);
	*a = (struct addr){ false, AS_KERNEL, val_reg(L, v, n->loc), 0 };
	if (n->type->kind == T_PTR)
		a->space = n->type->space;
	a->direct = a->space == AS_CTX;
}

/* The location of memory value @n: in place when it has one, else a
 * stack copy. */
static void base_addr(struct lower *L, struct node *n, struct addr *a)
{
	if (ex_addr(L, n, a))
		return;
	*a = (struct addr){ true, AS_KERNEL, IR_FP,
			    ex_mem(L, n) };
}

/* Lvalue-like nodes: members, indexes and dereferences.  False when @n is
 * none of these (the caller evaluates it as a value). */
static bool ex_addr(struct lower *L, struct node *n, struct addr *a)
{
	const struct type *t;
	const struct member *m;
	struct node *idx;
	unsigned esz;

	if (n->pvar) {
		if (n->pvar->kind != PV_CTX_LOAD)
			return false;
		*a = (struct addr){ true, AS_CTX, ctx_reg(L), n->pvar->off };
		return true;
	}
	switch (n->kind) {
	case N_MEMBER:
		if (n->arrow) {
			ptr_addr(L, n->lhs, a);
			t = n->lhs->type->base;
		} else {
			base_addr(L, n->lhs, a);
			t = n->lhs->type;
		}
		m = find_member(t, n->name);
		assert(m && "sema checked the member");
		a->off += (int)m->off;
		return true;
	case N_INDEX:
		if (n->map)
			return false;
		t = n->lhs->type;
		if (t->kind == T_ARRAY)
			base_addr(L, n->lhs, a);
		else
			ptr_addr(L, n->lhs, a);
		esz = t->base && t->base->size ? t->base->size : 1;
		idx = n->args;
		if (idx->is_const) {
			a->off += (int)(idx->cval * esz);
		} else {
			/* a variable offset: neither the stack nor ctx may be
			 * loaded from at one, so read through a pointer.  The
			 * verifier allows arithmetic on those pointers only
			 * with a bounded scalar (it does not track %), so
			 * mask the index to the array's power-of-two span:
			 * in-bounds indexes are unchanged, others read
			 * nearby bytes through the helper, never fault. */
			struct val v = ex_int(L, idx);
			int r = val_own(L, v, idx->loc);

			if (a->direct) {
				uint64_t span = 1;

				while (span < (t->kind == T_ARRAY ? t->len : 1))
					span <<= 1;
				if (t->kind != T_ARRAY)
					span = 1 << 16;
				ir_alui(L->f, BPF_AND, r, r, (int64_t)span - 1,
					n->loc);
			}
			if (esz > 1)
				ir_alui(L->f, BPF_MUL, r, r, esz, n->loc);
			ir_alu(L->f, BPF_ADD, r, r, a->base, n->loc);
			if (a->off)
				ir_alui(L->f, BPF_ADD, r, r, a->off, n->loc);
			if (a->direct)
				a->space = AS_KERNEL;
			*a = (struct addr){ false, a->space, r, 0 };
		}
		return true;
	case N_UNARY:
		if (n->op != U_DEREF)
			return false;
		ptr_addr(L, n->lhs, a);
		return true;
	default:
		return false;
	}
}

/* An integer of type @t at @a. */
static struct val addr_load(struct lower *L, struct addr *a,
			    const struct type *t, struct loc l)
{
	unsigned sz = t->size;
	int r = new_reg(L);

	if (sz != 1 && sz != 2 && sz != 4)
		sz = 8;
	if (a->direct) {
		ir_ldx(L->f, ir_size_code(sz), r, a->base, a->off, l);
	} else {
		unsigned mark = L->sp;
		struct node tmp = { .loc = l };
		int off = stk_alloc(L, 8, &tmp, "temporary");

		call_read(L, read_helper(a->space, false),
			  (struct dst){ IR_FP, off, 8 }, sz, a->base, a->off, l);
		ir_ldx(L->f, ir_size_code(sz), r, IR_FP, off, l);
		L->sp = mark;
	}
	extend(L, r, t, l);
	return v_reg(r, true);
}

/* @len bytes at @a into @d. */
static void addr_copy(struct lower *L, struct addr *a, struct dst d,
		      unsigned len, struct loc l)
{
	if (a->direct && len <= LOWER_UNROLL) {
		copy_direct(L, d, a->base, a->off, len, l);
		return;
	}
	call_read(L, read_helper(a->direct ? AS_KERNEL : a->space, false), d,
		  len, a->base, a->off, l);
}

/* Integer @n as an 8-byte slot at r10 + @off.  A raw syscall argument
 * not among the registers copied at entry is read by the helper straight
 * into the slot (8 bytes, or an unsigned narrower one over a zeroed slot,
 * into the slot's low-order end: slot_part()), which saves the load and
 * the store of going through a temporary; a signed narrow one needs its
 * sign extended in a register. */
static void store_int(struct lower *L, int off, struct node *n)
{
	const struct pvar *pv = n->pvar;
	const struct type *t = n->type ? n->type : pv ? pv->type : NULL;
	unsigned mark = L->sp, sz = t ? t->size : 0;
	int r;

	if (!n->is_const && pv && pv->kind == PV_REG && pv->indirect &&
	    (t->kind == T_INT || t->kind == T_PTR) &&
	    (sz == 8 || (t->kind == T_INT && !t->is_signed &&
			 (sz == 1 || sz == 2 || sz == 4))) &&
	    !(L->regs_slot && pv->off >= L->regs_lo &&
	      pv->off + (int)sz <= L->regs_hi)) {
		r = new_reg(L);
		ir_ldx(L->f, BPF_DW, r, ctx_reg(L), 0, n->loc);
		if (sz < 8)
			ir_st(L->f, BPF_DW, IR_FP, off, 0, n->loc);
		call_read(L, BPF_FUNC_probe_read_kernel,
			  (struct dst){ IR_FP, off + slot_part(L, sz), sz },
			  sz, r, pv->off, n->loc);
		return;
	}
	store8(L, IR_FP, off, ex_int(L, n), n->loc);
	L->sp = mark;
}

static bool comm_cached(struct lower *L, const struct node *n);

static bool is_comm(const struct node *n)
{
	return n && n->kind == N_IDENT && n->builtin == BI_COMM;
}

/* A hash map keyed by comm alone: its key is exactly comm's 16 bytes. */
static bool comm_key(const struct map *m, const struct node *keys)
{
	return is_comm(keys) && !keys->next && m->nkeys == 1 &&
	       m->kind != MAP_QUANTIZE && m->key_size == 16 &&
	       (m->bpf_type == BPF_MAP_TYPE_HASH ||
		m->bpf_type == BPF_MAP_TYPE_PERCPU_HASH);
}

/* Build @m's key from @keys (and the quantize @bucket) on the stack. */
static int build_key(struct lower *L, struct map *m, struct node *keys,
		     struct val *bucket, struct node *at)
{
	int key;
	struct node *k;
	unsigned i;

	if (!bucket && comm_key(m, keys) && comm_cached(L, keys))
		return L->comm_slot;	/* helpers only read keys */
	key = stk_alloc(L, m->key_size, at, "map key");
	if (map_is_array(m)) {
		ir_st(L->f, BPF_W, IR_FP, key, 0, at->loc);
		return key;
	}
	for (k = keys, i = 0; k && i < m->nkeys; k = k->next, i++) {
		int off = key + (int)m->key_off[i];

		if (is_mem(k->type)) {
			ex_into(L, k, (struct dst){ IR_FP, off,
				map_slot(m->keys[i]) }, true);
		} else {
			store_int(L, off, k);
		}
	}
	if (bucket)
		store8(L, IR_FP, key + (int)m->key_size - 8, *bucket, at->loc);
	return key;
}

static struct node *map_keys(struct node *n)
{
	return n->kind == N_IDENT ? NULL : n->args;
}

/* Map read: lookup, then the value, or 0 when the key is missing.  A NULL
 * pointer is already the 0 we want, so an integer read is three
 * instructions after the call. */
static struct val ex_map_int(struct lower *L, struct node *n)
{
	struct map *m = n->map;
	int key = build_key(L, m, map_keys(n), NULL, n);
	int r, skip = ir_label(L->f);

	call_lookup(L, m, key, n->loc);
	r = ret_reg(L, n->loc);
	ir_jcci(L->f, BPF_JEQ, r, 0, skip, n->loc);
	ir_ldx(L->f, BPF_DW, r, r, 0, n->loc);
	ir_place(L->f, skip, n->loc);
	return v_reg(r, true);
}

/* A memory value from a map: bpf_probe_read_kernel() zero-fills its
 * destination when the source is NULL, which is exactly a missing key. */
static void ex_map_into(struct lower *L, struct node *n, struct dst d,
			unsigned w)
{
	struct map *m = n->map;
	unsigned mark = L->sp;
	int key = build_key(L, m, map_keys(n), NULL, n);
	int r;

	call_lookup(L, m, key, n->loc);
	r = ret_reg(L, n->loc);
	L->sp = mark;
	call_read(L, BPF_FUNC_probe_read_kernel, d, w, r, 0, n->loc);
}

/* Is every path from the entry to anything emitted after this point
 * through it?  Jumps go forward only, so it is when every jump emitted so
 * far lands on a label already placed, or on the way out (L->ret, L->exit,
 * which read no builtin). */
static bool unconditional(struct lower *L)
{
	const struct ir_func *f = L->f;
	bool *open = arena_alloc(L->s->arena, (size_t)f->next_label + 1);
	unsigned i, nopen = 0;

	for (i = 0; i < f->n; i++) {
		const struct ir_insn *in = &f->insns[i];

		if (in->op == IR_LABEL && in->label >= 0 && open[in->label]) {
			open[in->label] = false;
			nopen--;
		} else if ((ir_op_info[in->op].flags & IR_F_JUMP) &&
			   in->label != L->exit && in->label != L->ret &&
			   !open[in->label]) {
			open[in->label] = true;
			nopen++;
		}
	}
	return nopen == 0;
}

/* comm from the probe's own buffer: true when L->comm_slot holds it, read
 * there now if this point is on every path to what follows.  The buffer is
 * zero-padded, so map keys can be made of it. */
static bool comm_cached(struct lower *L, const struct node *n)
{
	struct loc l = n->loc;

	if (L->comm_full)
		return true;
	if (!L->comm_slot || !unconditional(L))
		return false;
	zero_fill(L, IR_FP, L->comm_slot, 16, l);
	set_ptr(L, IR_R1, IR_FP, L->comm_slot, l);
	ir_movi(L->f, LR2, 16, l);
	ir_call(L->f, BPF_FUNC_get_current_comm, 2, l);
	L->comm_full = true;
	return true;
}

/* Does @n use a map keyed by comm alone (see comm_key())? */
static bool comm_key_use(const struct node *n)
{
	for (; n; n = n->next) {
		if (n->map && n->kind != N_IDENT && comm_key(n->map, n->args))
			return true;
		if (comm_key_use(n->lhs) || comm_key_use(n->rhs) ||
		    comm_key_use(n->cond) || comm_key_use(n->args) ||
		    comm_key_use(n->body))
			return true;
	}
	return false;
}

/* Builtin variables that stay the same for one run of a program: the
 * task's ids and credentials, and the CPU (programs run with migration
 * disabled).  Not the clocks. */
static bool bi_stable(enum builtin b)
{
	return b == BI_PID || b == BI_KPID || b == BI_UID || b == BI_GID ||
	       b == BI_CPU;
}

/* How often each builtin variable appears in a tree. */
static void bi_count(const struct node *n, unsigned uses[])
{
	for (; n; n = n->next) {
		if (n->kind == N_IDENT && n->builtin > BI_NONE &&
		    n->builtin < BI_COUNT_)
			uses[n->builtin]++;
		bi_count(n->lhs, uses);
		bi_count(n->rhs, uses);
		bi_count(n->cond, uses);
		bi_count(n->args, uses);
		bi_count(n->body, uses);
	}
}

/* A builtin variable.  One the probe reads again is computed once, where
 * every later read must have passed (its helper call, shift and copy
 * become a register read), and handed out read-only. */
static struct val ex_builtin(struct lower *L, struct node *n)
{
	struct loc l = n->loc;
	enum builtin b = n->builtin;
	int r;

	if (L->bi_reg[b] != IR_NONE)
		return v_reg(L->bi_reg[b], false);
	switch (n->builtin) {
	case BI_PID:
	case BI_KPID:
		ir_call(L->f, BPF_FUNC_get_current_pid_tgid, 0, l);
		break;
	case BI_UID:
	case BI_GID:
		ir_call(L->f, BPF_FUNC_get_current_uid_gid, 0, l);
		break;
	case BI_CPU:
		ir_call(L->f, BPF_FUNC_get_smp_processor_id, 0, l);
		break;
	case BI_TIME:
		ir_call(L->f, BPF_FUNC_ktime_get_ns, 0, l);
		break;
	case BI_WALLTIME:
		ir_call(L->f, BPF_FUNC_ktime_get_boot_ns, 0, l);
		break;
	default:
		assert(0 && "not an integer builtin variable");
		return v_imm(0);
	}
	r = new_reg(L);
	switch (n->builtin) {
	case BI_KPID:
	case BI_UID:
		emit_mov32(L, r, IR_R0, l);	/* lower half */
		break;
	case BI_PID:
	case BI_GID:
		ir_mov(L->f, r, IR_R0, l);
		ir_alui(L->f, BPF_RSH, r, r, 32, l);
		break;
	default:
		ir_mov(L->f, r, IR_R0, l);
		break;
	}
	if (bi_stable(b) && L->bi_uses[b] > 1 && unconditional(L)) {
		L->bi_reg[b] = r;
		return v_reg(r, false);
	}
	return v_reg(r, true);
}

/* A provider variable of type @t (node type: sema may narrow it). */
static struct val pvar_load(struct lower *L, const struct pvar *pv,
			    const struct type *t, struct loc l)
{
	struct addr a;
	int r;

	switch (pv->kind) {
	case PV_CTX:
		return v_reg(ctx_reg(L), false);
	case PV_CTX_LOAD:
		a = (struct addr){ true, AS_CTX, ctx_reg(L), pv->off };
		return addr_load(L, &a, t, l);
	case PV_REG:
		if (!pv->indirect) {
			a = (struct addr){ true, AS_CTX, ctx_reg(L), pv->off };
			return addr_load(L, &a, t, l);
		}
		if (L->regs_slot && pv->off >= L->regs_lo &&
		    pv->off + (int)t->size <= L->regs_hi) {
			/* read at entry with its neighbours */
			a = (struct addr){ true, AS_KERNEL, IR_FP,
					   L->regs_slot + pv->off - L->regs_lo };
			return addr_load(L, &a, t, l);
		}
		/* raw tracepoints: ctx->args[0] is the struct pt_regs * */
		r = new_reg(L);
		ir_ldx(L->f, BPF_DW, r, ctx_reg(L), 0, l);
		a = (struct addr){ false, AS_KERNEL, r, pv->off };
		return addr_load(L, &a, t, l);
	case PV_COOKIE:
	case PV_FUNC_IP:
		ir_mov(L->f, IR_R1, ctx_reg(L), l);
		ir_call(L->f, pv->kind == PV_COOKIE ?
			BPF_FUNC_get_attach_cookie : BPF_FUNC_get_func_ip, 1, l);
		return v_reg(ret_reg(L, l), true);
	case PV_KSTACK:
	case PV_USTACK: {
		struct map *m = internal_map(L, script_stacks_map(L->s));
		int tg = IR_NONE;

		if (pv->kind == PV_USTACK) {
			ir_call(L->f, BPF_FUNC_get_current_pid_tgid, 0, l);
			tg = ret_reg(L, l);
			ir_alui(L->f, BPF_RSH, tg, tg, 32, l);
			ir_alui(L->f, BPF_LSH, tg, tg, 32, l);
		}
		ir_mov(L->f, IR_R1, ctx_reg(L), l);
		ir_ldmap(L->f, LR2, m->id, l);
		ir_movi(L->f, LR3, pv->kind == PV_USTACK ? BPF_F_USER_STACK : 0, l);
		ir_call(L->f, BPF_FUNC_get_stackid, 3, l);
		r = new_reg(L);
		if (pv->kind == PV_KSTACK) {
			ir_mov(L->f, r, IR_R0, l);
			return v_reg(r, true);
		}
		/* keep a negative error in the low half only */
		emit_mov32(L, r, IR_R0, l);
		ir_alu(L->f, BPF_OR, r, r, tg, l);
		return v_reg(r, true);
	}
	}
	assert(0 && "unknown provider variable kind");
	return v_imm(0);
}

static struct val ex_pvar(struct lower *L, struct node *n)
{
	return pvar_load(L, n->pvar, n->type ? n->type : n->pvar->type, n->loc);
}

static int cmp_code(int op, bool sgn)
{
	switch (op) {
	case B_LT:	return sgn ? BPF_JSLT : BPF_JLT;
	case B_LE:	return sgn ? BPF_JSLE : BPF_JLE;
	case B_GT:	return sgn ? BPF_JSGT : BPF_JGT;
	case B_GE:	return sgn ? BPF_JSGE : BPF_JGE;
	case B_EQ:	return BPF_JEQ;
	case B_NE:	return BPF_JNE;
	}
	assert(0 && "not a comparison");
	return BPF_JEQ;
}

/* b cc' a == a cc b */
static int cc_swap(int cc)
{
	switch (cc) {
	case BPF_JGT:	return BPF_JLT;
	case BPF_JLT:	return BPF_JGT;
	case BPF_JGE:	return BPF_JLE;
	case BPF_JLE:	return BPF_JGE;
	case BPF_JSGT:	return BPF_JSLT;
	case BPF_JSLT:	return BPF_JSGT;
	case BPF_JSGE:	return BPF_JSLE;
	case BPF_JSLE:	return BPF_JSGE;
	}
	return cc;
}

static bool is_cmp(int op)
{
	return op == B_LT || op == B_LE || op == B_GT || op == B_GE ||
	       op == B_EQ || op == B_NE;
}

static bool cmp_signed(const struct node *n)
{
	const struct type *a = n->lhs->type, *b = n->rhs->type;

	if (!type_is_int(a) || !type_is_int(b))
		return false;
	return type_common(a, b)->is_signed;
}

/* if (a cc b) goto label, with an immediate on either side when possible */
static void jump_cc(struct lower *L, int cc, struct val a, struct val b,
		    int label, struct loc l)
{
	if (b.imm && fits_s32(b.k))
		ir_jcci(L->f, cc, val_reg(L, a, l), b.k, label, l);
	else if (a.imm && fits_s32(a.k))
		ir_jcci(L->f, cc_swap(cc), b.reg, a.k, label, l);
	else
		ir_jcc(L->f, cc, val_reg(L, a, l), val_reg(L, b, l), label, l);
}

static bool is_str_node(const struct node *n)
{
	return n->kind == N_STR;
}

/* A memory value's location for reading it chunk by chunk: in place when
 * directly loadable, else a stack copy. */
static void mem_addr(struct lower *L, struct node *n, struct addr *a)
{
	if (is_comm(n) && comm_cached(L, n)) {
		*a = (struct addr){ true, AS_KERNEL, IR_FP, L->comm_slot };
		return;
	}
	if (ex_addr(L, n, a)) {
		if (!a->direct) {
			unsigned size = round8(n->type->size);
			int off = stk_alloc(L, n->type->size, n, buf_what(n));

			addr_copy(L, a, (struct dst){ IR_FP, off, size },
				  n->type->size, n->loc);
			*a = (struct addr){ true, AS_KERNEL, IR_FP, off };
		}
		return;
	}
	*a = (struct addr){ true, AS_KERNEL, IR_FP, ex_mem(L, n) };
}

/* String equality (strcmp() == 0 semantics over the shorter declared
 * length): jump to @ne at the first difference, to @eq at a common NUL,
 * fall through when all compared bytes are equal.  Against a literal the
 * compare runs in words and stops at the literal's NUL, so garbage after a
 * terminator never matters. */
static void str_equal(struct lower *L, struct node *a, struct node *b,
		      struct loc l, int ne, int eq)
{
	struct addr x, y;
	unsigned len, i;
	int ra, rb;

	if (is_str_node(a)) {
		struct node *t = a;

		a = b;
		b = t;
	}
	len = a->type->size < b->type->size ? a->type->size : b->type->size;
	mem_addr(L, a, &x);
	if (is_str_node(b)) {
		const unsigned char *s = (const unsigned char *)b->str;
		unsigned slen = b->len + 1;	/* with the NUL */

		if (len > slen)
			len = slen;
		for (i = 0; i < len;) {
			unsigned c = chunk(x.off + (int)i, len - i), j;
			unsigned char w[4] = { 0 };
			uint64_t v;

			if (c == 8)
				c = 4;	/* JCC immediates are 32-bit */
			for (j = 0; j < c; j++)
				w[j] = i + j < slen ? s[i + j] : 0;
			v = bytes_value(L, w, c);
			ra = new_reg(L);
			ir_ldx(L->f, ir_size_code(c), ra, x.base, x.off + (int)i, l);
			ir_jcci(L->f, BPF_JNE, ra, (int64_t)v, ne, l);
			i += c;
		}
		return;
	}
	mem_addr(L, b, &y);
	ra = new_reg(L);
	rb = new_reg(L);
	for (i = 0; i < len; i++) {
		ir_ldx(L->f, BPF_B, ra, x.base, x.off + (int)i, l);
		ir_ldx(L->f, BPF_B, rb, y.base, y.off + (int)i, l);
		ir_jcc(L->f, BPF_JNE, ra, rb, ne, l);
		if (i + 1 < len)
			ir_jcci(L->f, BPF_JEQ, ra, 0, eq, l);
	}
}

/* String equality in disguise: `a == b` / `a != b` on strings, and
 * `strcmp(a, b) == 0` / `!= 0`, which need no ordering and so compare like
 * ==, by words against a literal. */
static bool str_eq_operands(const struct node *n, struct node **a,
			    struct node **b)
{
	const struct node *c = NULL;

	if (n->kind != N_BINARY || (n->op != B_EQ && n->op != B_NE))
		return false;
	if (is_mem(n->lhs->type)) {
		*a = n->lhs;
		*b = n->rhs;
		return true;
	}
	if (n->rhs->is_const && n->rhs->cval == 0)
		c = n->lhs;
	else if (n->lhs->is_const && n->lhs->cval == 0)
		c = n->rhs;
	if (!c || c->kind != N_CALL || c->builtin != BI_STRCMP)
		return false;
	*a = c->args;
	*b = c->args->next;
	return true;
}

/* strcmp(a, b): <0, 0, >0 as unsigned byte difference */
static struct val ex_strcmp(struct lower *L, struct node *n)
{
	struct node *a = n->args, *b = n->args->next;
	unsigned len = a->type->size < b->type->size ? a->type->size
						      : b->type->size, i;
	struct addr x, y;
	struct loc l = n->loc;
	int ra = new_reg(L), rb = new_reg(L), r = new_reg(L);
	int diff = ir_label(L->f), eq = ir_label(L->f), end = ir_label(L->f);

	mem_addr(L, a, &x);
	mem_addr(L, b, &y);
	for (i = 0; i < len; i++) {
		ir_ldx(L->f, BPF_B, ra, x.base, x.off + (int)i, l);
		ir_ldx(L->f, BPF_B, rb, y.base, y.off + (int)i, l);
		ir_jcc(L->f, BPF_JNE, ra, rb, diff, l);
		if (i + 1 < len)
			ir_jcci(L->f, BPF_JEQ, ra, 0, eq, l);
	}
	ir_place(L->f, eq, l);
	ir_movi(L->f, r, 0, l);
	ir_ja(L->f, end, l);
	ir_place(L->f, diff, l);
	ir_alu(L->f, BPF_SUB, r, ra, rb, l);
	ir_place(L->f, end, l);
	return v_reg(r, true);
}

/* 0/1 from a condition.  For a plain integer comparison the operands come
 * first so that the result register is not live across their calls. */
static struct val ex_bool(struct lower *L, struct node *n)
{
	int r = new_reg(L), end = ir_label(L->f);
	struct node *c = n, *sa, *sb;
	bool neg = false;

	if (n->kind == N_UNARY && n->op == U_NOT) {
		c = n->lhs;
		neg = true;
	}
	if (c->kind == N_BINARY && is_cmp(c->op) && !str_eq_operands(c, &sa, &sb)) {
		struct val a = ex_int(L, c->lhs), b = ex_int(L, c->rhs);
		int cc = cmp_code(c->op, cmp_signed(c));

		ir_movi(L->f, r, 1, n->loc);
		jump_cc(L, neg ? ir_cc_invert(cc) : cc, a, b, end, n->loc);
		ir_movi(L->f, r, 0, n->loc);
	} else if (neg && !c->is_const && !(c->kind == N_BINARY &&
		   (c->op == B_LAND || c->op == B_LOR || is_cmp(c->op))) &&
		   !(c->kind == N_UNARY && c->op == U_NOT)) {
		struct val v = ex_int(L, c);

		ir_movi(L->f, r, 0, n->loc);
		ir_jcci(L->f, BPF_JNE, val_reg(L, v, n->loc), 0, end, n->loc);
		ir_movi(L->f, r, 1, n->loc);
	} else {
		ir_movi(L->f, r, 0, n->loc);
		ex_branch(L, n, false, end);
		ir_movi(L->f, r, 1, n->loc);
	}
	ir_place(L->f, end, n->loc);
	return v_reg(r, true);
}

static int alu_code(const struct node *n)
{
	switch (n->op) {
	case B_MUL:	return BPF_MUL;
	case B_DIV:	return BPF_DIV;
	case B_MOD:	return BPF_MOD;
	case B_ADD:	return BPF_ADD;
	case B_SUB:	return BPF_SUB;
	case B_SHL:	return BPF_LSH;
	case B_SHR:	return n->type->is_signed ? BPF_ARSH : BPF_RSH;
	case B_AND:	return BPF_AND;
	case B_XOR:	return BPF_XOR;
	case B_OR:	return BPF_OR;
	}
	assert(0 && "not an arithmetic operator");
	return BPF_ADD;
}

static bool alu_imm_ok(int code, int64_t k)
{
	switch (code) {
	case BPF_DIV:
	case BPF_MOD:
		/* the verifier rejects a constant zero divisor; the
		 * register form has BPF's defined x/0 == 0 */
		return k > 0 && k <= INT32_MAX;
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		return k >= 0 && k < 64;
	}
	return fits_s32(k);
}

static bool commutes(int code)
{
	return code == BPF_ADD || code == BPF_MUL || code == BPF_AND ||
	       code == BPF_OR || code == BPF_XOR;
}

/* A value known to be >= 0 from its type: no sign fix-up needed. */
static bool nonneg(const struct node *n)
{
	if (n->is_const)
		return n->cval >= 0;
	if (n->type->kind == T_INT && !n->type->is_signed && n->type->size < 8)
		return true;
	if (n->kind == N_UNARY && n->op == U_NOT)
		return true;
	if (n->kind != N_BINARY)
		return false;
	switch (n->op) {
	case B_AND:
		return nonneg(n->lhs) || nonneg(n->rhs);
	case B_OR:
	case B_XOR:
	case B_DIV:
	case B_MOD:
		return nonneg(n->lhs) && nonneg(n->rhs);
	case B_SHR:
		return nonneg(n->lhs) || (!n->type->is_signed &&
					  n->rhs->is_const && n->rhs->cval > 0);
	default:
		return is_cmp(n->op) || n->op == B_LAND || n->op == B_LOR;
	}
}

static void emit_abs(struct lower *L, int r, struct loc l)
{
	int skip = ir_label(L->f);

	ir_jcci(L->f, BPF_JSGE, r, 0, skip, l);
	emit_neg(L, r, l);
	ir_place(L->f, skip, l);
}

/* Signed / and %: BPF (as of the 6.1 target) only divides unsigned, so
 * divide the magnitudes and give the result the sign C gives it (the
 * dividend's for %, the operands' product's for /). */
static struct val ex_sdiv(struct lower *L, struct node *n, int code)
{
	struct loc l = n->loc;
	struct val a = ex_int(L, n->lhs), b = ex_int(L, n->rhs);
	int ra = val_own(L, a, l), rb, s, skip;

	if (b.imm && b.k != 0 && b.k != INT64_MIN &&
	    (b.k < 0 ? -b.k : b.k) <= INT32_MAX) {
		int64_t k = b.k < 0 ? -b.k : b.k;
		bool flip = b.k < 0 && code == BPF_DIV;

		if (nonneg(n->lhs)) {
			ir_alui(L->f, code, ra, ra, k, l);
			if (flip)
				emit_neg(L, ra, l);
			return v_reg(ra, true);
		}
		s = new_reg(L);
		ir_mov(L->f, s, ra, l);
		emit_abs(L, ra, l);
		ir_alui(L->f, code, ra, ra, k, l);
		skip = ir_label(L->f);
		ir_jcci(L->f, flip ? BPF_JSLT : BPF_JSGE, s, 0, skip, l);
		emit_neg(L, ra, l);
		ir_place(L->f, skip, l);
		return v_reg(ra, true);
	}
	rb = nonneg(n->rhs) ? val_reg(L, b, l) : val_own(L, b, l);
	s = IR_NONE;
	if (!nonneg(n->lhs) || (code == BPF_DIV && !nonneg(n->rhs))) {
		s = new_reg(L);
		ir_mov(L->f, s, ra, l);
		if (code == BPF_DIV)
			ir_alu(L->f, BPF_XOR, s, s, rb, l);
	}
	if (!nonneg(n->lhs))
		emit_abs(L, ra, l);
	if (!nonneg(n->rhs))
		emit_abs(L, rb, l);
	ir_alu(L->f, code, ra, ra, rb, l);
	if (s != IR_NONE) {
		skip = ir_label(L->f);
		ir_jcci(L->f, BPF_JSGE, s, 0, skip, l);
		emit_neg(L, ra, l);
		ir_place(L->f, skip, l);
	}
	return v_reg(ra, true);
}

static int log2_exact(uint64_t v)
{
	int i;

	for (i = 0; i < 64; i++)
		if (v == (uint64_t)1 << i)
			return i;
	return -1;
}

/* int operand of pointer arithmetic, times the pointee size */
static struct val scale(struct lower *L, struct val v, unsigned size,
			struct loc l)
{
	int r, sh;

	if (size <= 1)
		return v;
	if (v.imm)
		return v_imm(v.k * (int64_t)size);
	r = val_own(L, v, l);
	sh = log2_exact(size);
	if (sh > 0)
		ir_alui(L->f, BPF_LSH, r, r, sh, l);
	else
		ir_alui(L->f, BPF_MUL, r, r, size, l);
	return v_reg(r, true);
}

static unsigned pointee_size(const struct type *t)
{
	return t->base && t->base->size ? t->base->size : 1;
}

static struct val ex_binary(struct lower *L, struct node *n)
{
	struct loc l = n->loc;
	const struct type *lt = n->lhs->type, *rt = n->rhs->type;
	struct val a, b;
	int code, r;

	if (n->op == B_LAND || n->op == B_LOR || is_cmp(n->op))
		return ex_bool(L, n);
	code = alu_code(n);
	if ((code == BPF_DIV || code == BPF_MOD) && n->type->is_signed &&
	    !(nonneg(n->lhs) && nonneg(n->rhs)))
		return ex_sdiv(L, n, code);
	a = ex_int(L, n->lhs);
	b = ex_int(L, n->rhs);
	if (lt->kind == T_PTR && rt->kind == T_PTR && n->op == B_SUB) {
		unsigned size = pointee_size(lt);
		int sh = log2_exact(size);

		r = val_own(L, a, l);
		ir_alu(L->f, BPF_SUB, r, r, val_reg(L, b, l), l);
		if (sh > 0)
			ir_alui(L->f, BPF_ARSH, r, r, sh, l);
		else if (sh < 0)
			ir_alui(L->f, BPF_DIV, r, r, size, l);
		return v_reg(r, true);
	}
	if (lt->kind == T_PTR && rt->kind != T_PTR)
		b = scale(L, b, pointee_size(lt), l);
	else if (rt->kind == T_PTR && lt->kind != T_PTR)
		a = scale(L, a, pointee_size(rt), l);

	if (b.imm && alu_imm_ok(code, b.k)) {
		r = val_own(L, a, l);
		ir_alui(L->f, code, r, r, b.k, l);
	} else if (a.imm && commutes(code) && alu_imm_ok(code, a.k)) {
		r = val_own(L, b, l);
		ir_alui(L->f, code, r, r, a.k, l);
	} else if (a.imm && code == BPF_SUB && fits_s32(a.k)) {
		r = val_own(L, b, l);
		emit_neg(L, r, l);
		if (a.k)
			ir_alui(L->f, BPF_ADD, r, r, a.k, l);
	} else {
		r = val_own(L, a, l);
		ir_alu(L->f, code, r, r, val_reg(L, b, l), l);
	}
	return v_reg(r, true);
}

/* Evaluate @n into register @r.  A temporary result is renamed rather
 * than moved: it was created by this very evaluation (instructions from
 * @start on), so nothing else refers to it. */
static void ex_int_to(struct lower *L, struct node *n, int r)
{
	unsigned start = L->f->n, i;
	struct val v = ex_int(L, n);

	if (v.imm || !v.owned) {
		set_val(L, r, v, n->loc);
		return;
	}
	for (i = start; i < L->f->n; i++) {
		struct ir_insn *in = &L->f->insns[i];

		if (in->dst == v.reg)
			in->dst = r;
		if (in->a == v.reg)
			in->a = r;
		if (in->b == v.reg)
			in->b = r;
	}
}

static struct val ex_cond(struct lower *L, struct node *n)
{
	int r = new_reg(L), other = ir_label(L->f), end = ir_label(L->f);

	if (n->lhs->is_const && n->rhs->is_const) {
		/* c ? K1 : K2: r = K1, replaced by K2 when c is false */
		struct node *c = n->cond, *sa, *sb;

		if (c->kind == N_BINARY && is_cmp(c->op) &&
		    !str_eq_operands(c, &sa, &sb)) {
			/* operands first: r is not live across their calls */
			struct val a = ex_int(L, c->lhs), b = ex_int(L, c->rhs);
			int cc = cmp_code(c->op, cmp_signed(c));

			ir_movi(L->f, r, n->lhs->cval, n->loc);
			jump_cc(L, cc, a, b, end, c->loc);
		} else {
			ir_movi(L->f, r, n->lhs->cval, n->loc);
			ex_branch(L, c, true, end);
		}
		ir_movi(L->f, r, n->rhs->cval, n->loc);
		ir_place(L->f, end, n->loc);
		return v_reg(r, true);
	}
	ex_branch(L, n->cond, false, other);
	ex_int_to(L, n->lhs, r);
	ir_ja(L->f, end, n->loc);
	ir_place(L->f, other, n->loc);
	ex_int_to(L, n->rhs, r);
	ir_place(L->f, end, n->loc);
	return v_reg(r, true);
}

static struct val ex_int_(struct lower *L, struct node *n)
{
	struct addr a;
	int r;

	assert(n->type && "sema typed every expression");
	if (n->is_const && !is_mem(n->type))
		return v_imm(n->cval);
	if (n->pvar && n->pvar->kind != PV_CTX_LOAD)
		return ex_pvar(L, n);
	switch (n->kind) {
	case N_NUM:
		return v_imm((int64_t)n->num);
	case N_IDENT:
		if (n->builtin)
			return ex_builtin(L, n);
		if (n->pvar)
			return ex_pvar(L, n);
		if (n->map)
			return ex_map_int(L, n);
		break;
	case N_MAP:
		return ex_map_int(L, n);
	case N_INDEX:
		if (n->map)
			return ex_map_int(L, n);
		break;
	case N_UNARY:
		switch (n->op) {
		case U_NEG:
			r = val_own(L, ex_int(L, n->lhs), n->loc);
			emit_neg(L, r, n->loc);
			return v_reg(r, true);
		case U_BNOT:
			r = val_own(L, ex_int(L, n->lhs), n->loc);
			ir_alui(L->f, BPF_XOR, r, r, -1, n->loc);
			return v_reg(r, true);
		case U_NOT:
			return ex_bool(L, n);
		}
		break;
	case N_BINARY:
		return ex_binary(L, n);
	case N_COND:
		return ex_cond(L, n);
	case N_CALL:
		if (n->builtin == BI_STRCMP)
			return ex_strcmp(L, n);
		if (n->builtin == BI_UPTR)
			return ex_int(L, n->args);
		break;
	default:
		break;
	}
	if (ex_addr(L, n, &a))
		return addr_load(L, &a, n->type, n->loc);
	assert(0 && "expression has no integer value");
	return v_imm(0);
}

/* An integer or pointer expression.  Whatever it put on the stack is dead
 * once its value is in a register. */
static struct val ex_int(struct lower *L, struct node *n)
{
	unsigned mark = L->sp;
	struct val v = ex_int_(L, n);

	L->sp = mark;
	return v;
}

/* Jump to @label when @n's truth is @when, fall through otherwise.
 * Comparisons branch directly, && and || short-circuit. */
static void ex_branch(struct lower *L, struct node *n, bool when, int label)
{
	unsigned mark = L->sp;
	struct node *sa, *sb;
	struct val v;
	int skip;

	if (n->is_const && !is_mem(n->type)) {
		if ((n->cval != 0) == when)
			ir_ja(L->f, label, n->loc);
		return;
	}
	if (n->kind == N_UNARY && n->op == U_NOT) {
		ex_branch(L, n->lhs, !when, label);
		return;
	}
	if (n->kind == N_BINARY && (n->op == B_LAND || n->op == B_LOR)) {
		bool and = n->op == B_LAND;

		if (when != and) {
			/* a && b false: either false; a || b true: either */
			ex_branch(L, n->lhs, when, label);
			ex_branch(L, n->rhs, when, label);
		} else {
			skip = ir_label(L->f);
			ex_branch(L, n->lhs, !when, skip);
			ex_branch(L, n->rhs, when, label);
			ir_place(L->f, skip, n->loc);
		}
		return;
	}
	if (str_eq_operands(n, &sa, &sb)) {
		bool jump_eq = (n->op == B_EQ) == when;

		skip = ir_label(L->f);
		if (jump_eq) {
			str_equal(L, sa, sb, n->loc, skip, label);
			ir_ja(L->f, label, n->loc);
		} else {
			str_equal(L, sa, sb, n->loc, label, skip);
		}
		ir_place(L->f, skip, n->loc);
		L->sp = mark;
		return;
	}
	if (n->kind == N_BINARY && is_cmp(n->op)) {
		struct val a = ex_int(L, n->lhs), b = ex_int(L, n->rhs);
		int cc = cmp_code(n->op, cmp_signed(n));

		jump_cc(L, when ? cc : ir_cc_invert(cc), a, b, label, n->loc);
		return;
	}
	v = ex_int(L, n);
	ir_jcci(L->f, when ? BPF_JNE : BPF_JEQ, val_reg(L, v, n->loc), 0, label,
		n->loc);
}

/* str(), mem() and dyn(): helper reads straight into the destination */
static void ex_read_into(struct lower *L, struct node *n, struct dst d,
			 unsigned w, bool zero)
{
	struct node *arg = n->args;
	struct loc l = n->loc;
	enum addr_space space = AS_KERNEL;
	struct val v;
	int r;

	if (n->builtin == BI_STR && is_mem(arg->type)) {
		/* a string already: as is */
		ex_into(L, arg, (struct dst){ d.base, d.off, w }, zero);
		return;
	}
	v = ex_int(L, arg);
	/* uprobe arguments are integers in user space (uprobe.c) */
	if (arg->type->kind == T_PTR || arg->type->kind == T_INT)
		space = arg->type->space == AS_USER ? AS_USER : AS_KERNEL;
	if (n->builtin == BI_DYN) {
		/* __data_loc: offset in the low 16 bits, from the record */
		r = val_own(L, v, l);
		ir_alui(L->f, BPF_AND, r, r, 0xffff, l);
		ir_alu(L->f, BPF_ADD, r, r, ctx_reg(L), l);
		v = v_reg(r, true);
	}
	if (zero && n->builtin != BI_MEM)
		zero_fill(L, d.base, d.off, w, l);	/* _str stops at NUL */
	r = val_reg(L, v, l);
	call_read(L, read_helper(space, n->builtin != BI_MEM), d, w, r, 0, l);
}

/* Write memory value @n into @d: exactly @d.size bytes, zero-padded past
 * the value.  @zero: bytes after a string's NUL must be zero too (map
 * keys), which costs stores before a _str read. */
static void ex_into(struct lower *L, struct node *n, struct dst d, bool zero)
{
	unsigned mark = L->sp;
	unsigned w = n->type->size < d.size ? n->type->size : d.size;
	struct loc l = n->loc;
	struct addr a;
	int other, end;

	assert(is_mem(n->type) && "ex_into takes memory values");
	switch (n->kind) {
	case N_STR: {
		/* the padding joins the literal's last word: "none" into 16
		 * bytes is two ST.DW */
		unsigned char *b = arena_alloc(L->s->arena, d.size + 1);

		memcpy(b, n->str, w < n->len + 1 ? w : n->len + 1);
		store_bytes(L, d.base, d.off, b, d.size, l);
		L->sp = mark;
		return;
	}
	case N_IDENT:
		if (n->builtin == BI_COMM) {
			if (L->comm_full) {
				/* a copy costs what the call does, minus
				 * the zeroing and the call itself */
				if (d.base != IR_FP || d.off != L->comm_slot)
					copy_direct(L, (struct dst){ d.base,
						    d.off, w }, IR_FP,
						    L->comm_slot, w, l);
				goto pad;
			}
			/* before 6.2 the helper copies with strscpy() and
			 * leaves the bytes after the NUL as they were */
			if (zero)
				zero_fill(L, d.base, d.off, w, l);
			set_ptr(L, IR_R1, d.base, d.off, l);
			ir_movi(L->f, LR2, w, l);
			ir_call(L->f, BPF_FUNC_get_current_comm, 2, l);
			goto pad;
		}
		if (n->map && !n->pvar) {
			ex_map_into(L, n, d, w);
			goto pad;
		}
		break;
	case N_MAP:
		ex_map_into(L, n, d, w);
		goto pad;
	case N_INDEX:
		if (n->map) {
			ex_map_into(L, n, d, w);
			goto pad;
		}
		break;
	case N_CALL:
		if (n->builtin == BI_STR || n->builtin == BI_MEM ||
		    n->builtin == BI_DYN) {
			ex_read_into(L, n, d, w, zero);
			goto pad;
		}
		break;
	case N_COND:
		other = ir_label(L->f);
		end = ir_label(L->f);
		ex_branch(L, n->cond, false, other);
		ex_into(L, n->lhs, d, zero);
		ir_ja(L->f, end, l);
		ir_place(L->f, other, l);
		ex_into(L, n->rhs, d, zero);
		ir_place(L->f, end, l);
		L->sp = mark;
		return;
	default:
		break;
	}
	if (!ex_addr(L, n, &a))
		assert(0 && "memory value without a location");
	addr_copy(L, &a, (struct dst){ d.base, d.off, w }, w, l);
pad:
	if (w < d.size)
		zero_fill(L, d.base, d.off + (int)w, d.size - w, l);
	L->sp = mark;
}

/* ---- statements ---- */

static bool is_event_call(const struct node *c)
{
	return c->kind == N_CALL && (c->builtin == BI_PRINTF ||
	       c->builtin == BI_PRINT || c->builtin == BI_EXIT ||
	       c->builtin == BI_CLEAR);
}

/* Event call sites in a statement list. */
static unsigned count_events(const struct node *n)
{
	unsigned k = 0;

	for (; n; n = n->next) {
		if (n->kind == N_BLOCK)
			k += count_events(n->body);
		else if (n->kind == N_IF)
			k += count_events(n->lhs) + count_events(n->rhs);
		else if (n->kind == N_EXPR)
			k += is_event_call(n->lhs);
	}
	return k;
}

/* lost[0] += @n: the lost map is a plain array of one u64, addressed
 * directly (BPF_PSEUDO_MAP_VALUE, 5.2+: no lookup) and added to
 * atomically, since every CPU counts into it.  Three instructions. */
static void lost_add(struct lower *L, int n, struct loc l)
{
	struct map *lost = internal_map(L, script_lost_map(L->s));
	int p = new_reg(L);

	ir_ldmapv(L->f, p, lost->id, 0, l);
	ir_xadd(L->f, BPF_DW, p, 0, n, l);
}

/* bpf_ringbuf_output(events, rec, size, 0), or where the kernel lacks the
 * ring buffer bpf_perf_event_output(ctx, events, BPF_F_CURRENT_CPU, rec,
 * size).  On failure count a lost event, on that path only: right here
 * when the probe sends one event (4 instructions), else in L->lost,
 * added to the map once on the way out (1 an event, 5 for the probe). */
static void emit_output(struct lower *L, int rec, unsigned size, struct node *at)
{
	struct map *ev = internal_map(L, script_events_map(L->s));
	struct loc l = at->loc;
	int ok = ir_label(L->f), one;

	if (ev->bpf_type == BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		ir_mov(L->f, IR_R1, ctx_reg(L), l);
		ir_ldmap(L->f, LR2, ev->id, l);
		ir_movi(L->f, LR3, BPF_F_CURRENT_CPU, l);
		set_ptr(L, LR4, IR_FP, rec, l);
		ir_movi(L->f, LR5, size, l);
		ir_call(L->f, BPF_FUNC_perf_event_output, 5, l);
	} else {
		ir_ldmap(L->f, IR_R1, ev->id, l);
		set_ptr(L, LR2, IR_FP, rec, l);
		ir_movi(L->f, LR3, size, l);
		ir_movi(L->f, LR4, 0, l);
		ir_call(L->f, BPF_FUNC_ringbuf_output, 4, l);
	}
	ir_jcci(L->f, BPF_JEQ, ret_reg(L, l), 0, ok, l);
	if (L->lost != IR_NONE) {
		ir_alui(L->f, BPF_ADD, L->lost, L->lost, 1, l);
	} else {
		one = new_reg(L);
		ir_movi(L->f, one, 1, l);
		lost_add(L, one, l);
	}
	ir_place(L->f, ok, l);
}

/* printf/print/exit/clear: one event per call site, its record built on
 * the stack and sent through the ring buffer. */
static void lower_event(struct lower *L, struct node *n)
{
	struct node *args = n->args, *a;
	enum event_kind kind;
	struct event *ev;
	unsigned off, i;
	int rec;

	switch (n->builtin) {
	case BI_PRINTF:
		kind = EV_PRINTF;
		break;
	case BI_PRINT:
		kind = n->map ? EV_PRINTMAP : EV_PRINT;
		break;
	case BI_EXIT:
		kind = EV_EXIT;
		break;
	case BI_CLEAR:
		kind = EV_CLEAR;
		break;
	default:
		assert(0 && "not an event call");
		return;
	}
	ev = script_event_add(L->s, kind, n->loc);
	if (kind == EV_PRINTF) {
		ev->fmt = args->str;
		args = args->next;
	}
	if (kind == EV_PRINTMAP || kind == EV_CLEAR) {
		ev->map = n->map ? n->map : args->map;
		args = NULL;
	}
	for (a = args; a; a = a->next)
		ev->nargs++;
	ev->args = arena_alloc(L->s->arena, (ev->nargs + 1) * sizeof(*ev->args));
	off = 8;
	for (a = args, i = 0; a; a = a->next, i++) {
		ev->args[i].type = kind == EV_EXIT ? &type_s64 : a->type;
		ev->args[i].loc = a->loc;
		ev->args[i].off = off;
		off += is_mem(a->type) ? round8(a->type->size) : 8;
	}
	ev->size = off;

	rec = stk_alloc(L, ev->size, n, kind == EV_PRINTF ? "printf() record"
					: "event record");
	ir_st(L->f, BPF_DW, IR_FP, rec, ev->id, n->loc);
	for (a = args, i = 0; a; a = a->next, i++) {
		int at = rec + (int)ev->args[i].off;

		if (is_mem(a->type)) {
			ex_into(L, a, (struct dst){ IR_FP, at,
				round8(a->type->size) }, false);
		} else {
			store_int(L, at, a);
		}
	}
	emit_output(L, rec, ev->size, n);
	if (kind == EV_EXIT)
		ir_ja(L->f, L->ret, n->loc);
}

/* log2 bucket of @x (script.h): 0 for x < 1, else b with
 * 2^(b-1) <= x < 2^b.  A binary search that shifts x down to 0 or 1 while
 * b collects the shifts; then b + x is the bucket, 0 for x == 0 included,
 * so only a signed x needs a test up front. */
static struct val quantize_bucket(struct lower *L, struct node *x)
{
	static const int steps[] = { 16, 8, 4, 2, 1 };
	struct loc l = x->loc;
	struct val v;
	int r, b, t, done = IR_NONE, skip;
	unsigned i;

	if (x->is_const) {
		int64_t k = x->cval;
		uint64_t u = (uint64_t)k;
		int bucket = 0;

		if (x->type->is_signed ? k >= 1 : u >= 1)
			for (bucket = 1; u >> 1; u >>= 1)
				bucket++;
		return v_imm(bucket);
	}
	v = ex_int(L, x);
	r = val_own(L, v, l);
	b = new_reg(L);
	ir_movi(L->f, b, 0, l);
	if (x->type->is_signed) {
		done = ir_label(L->f);
		ir_jcci(L->f, BPF_JSLT, r, 1, done, l);
	}
	/* 2^32 is no 32-bit immediate: test the high half by shifting */
	t = new_reg(L);
	skip = ir_label(L->f);
	ir_mov(L->f, t, r, l);
	ir_alui(L->f, BPF_RSH, t, t, 32, l);
	ir_jcci(L->f, BPF_JEQ, t, 0, skip, l);
	ir_mov(L->f, r, t, l);
	ir_alui(L->f, BPF_ADD, b, b, 32, l);
	ir_place(L->f, skip, l);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		skip = ir_label(L->f);
		ir_jcci(L->f, BPF_JLT, r, (int64_t)1 << steps[i], skip, l);
		ir_alui(L->f, BPF_RSH, r, r, steps[i], l);
		ir_alui(L->f, BPF_ADD, b, b, steps[i], l);
		ir_place(L->f, skip, l);
	}
	ir_alu(L->f, BPF_ADD, b, b, r, l);
	if (done != IR_NONE)
		ir_place(L->f, done, l);
	return v_reg(b, true);
}

/* @m[k] = count() / sum(x) / quantize(x).  Per-CPU values, so no atomics:
 * add in place when the key exists, else create it with BPF_NOEXIST. */
static void lower_agg(struct lower *L, struct node *n, struct node *call)
{
	struct map *m = n->lhs->map;
	struct loc l = call->loc;
	struct val x = v_imm(1), bucket;
	int key, p, t, init, end;

	if (call->builtin == BI_SUM)
		x = ex_int(L, call->args);
	key = build_key(L, m, map_keys(n->lhs), NULL, n->lhs);
	if (call->builtin == BI_QUANTIZE) {
		/* after the user keys, so that no helper call they make
		 * splits the bucket's live range */
		unsigned mark = L->sp;

		bucket = quantize_bucket(L, call->args);
		store8(L, IR_FP, key + (int)m->key_size - 8, bucket, l);
		L->sp = mark;
	}
	call_lookup(L, m, key, l);
	p = ret_reg(L, l);
	end = ir_label(L->f);
	/* an array's entry always exists; the check is for the verifier */
	init = map_is_array(m) ? end : ir_label(L->f);
	ir_jcci(L->f, BPF_JEQ, p, 0, init, l);
	t = new_reg(L);
	ir_ldx(L->f, BPF_DW, t, p, 0, l);
	if (x.imm)
		ir_alui(L->f, BPF_ADD, t, t, x.k, l);
	else
		ir_alu(L->f, BPF_ADD, t, t, x.reg, l);
	ir_stx(L->f, BPF_DW, p, 0, t, l);
	if (!map_is_array(m)) {
		int val = stk_alloc(L, 8, call, "map value");

		ir_ja(L->f, end, l);
		ir_place(L->f, init, l);
		store8(L, IR_FP, val, x, l);
		call_update(L, m, key, IR_FP, val, BPF_NOEXIST, l);
	}
	ir_place(L->f, end, l);
}

static void lower_assign(struct lower *L, struct node *n)
{
	struct node *lhs = n->lhs, *rhs = n->rhs;
	struct map *m = lhs->map;
	struct loc l = n->loc;
	int key, val, p, end;
	struct val v = v_imm(0);

	assert(m && "sema resolved the assigned map");
	if (rhs->kind == N_CALL && (rhs->builtin == BI_COUNT ||
	    rhs->builtin == BI_SUM || rhs->builtin == BI_QUANTIZE)) {
		lower_agg(L, n, rhs);
		return;
	}
	if (map_is_array(m)) {
		/* keyless: write the value in place through the lookup */
		if (!is_mem(rhs->type))
			v = ex_int(L, rhs);
		key = build_key(L, m, NULL, NULL, lhs);
		call_lookup(L, m, key, l);
		p = ret_reg(L, l);
		end = ir_label(L->f);
		ir_jcci(L->f, BPF_JEQ, p, 0, end, l);
		if (is_mem(rhs->type))
			ex_into(L, rhs, (struct dst){ p, 0, m->val_size }, false);
		else
			store8(L, p, 0, v, l);
		ir_place(L->f, end, l);
		return;
	}
	val = stk_alloc(L, m->val_size, rhs, "map value");
	if (is_mem(rhs->type)) {
		ex_into(L, rhs, (struct dst){ IR_FP, val, m->val_size }, false);
	} else {
		store_int(L, val, rhs);
	}
	key = build_key(L, m, map_keys(lhs), NULL, lhs);
	call_update(L, m, key, IR_FP, val, BPF_ANY, l);
}

static void lower_delete(struct lower *L, struct node *n)
{
	struct map *m = n->lhs->map;
	struct loc l = n->loc;
	int key = build_key(L, m, map_keys(n->lhs), NULL, n->lhs), p, end;

	if (map_is_array(m)) {
		/* array entries cannot be deleted: zero this CPU's */
		call_lookup(L, m, key, l);
		p = ret_reg(L, l);
		end = ir_label(L->f);
		ir_jcci(L->f, BPF_JEQ, p, 0, end, l);
		zero_fill(L, p, 0, m->val_size, l);
		ir_place(L->f, end, l);
		return;
	}
	ir_ldmap(L->f, IR_R1, m->id, l);
	set_ptr(L, LR2, IR_FP, key, l);
	ir_call(L->f, BPF_FUNC_map_delete_elem, 2, l);
}

/* Lower one statement; false when control cannot continue after it
 * (exit()), so that the rest of the block, which the verifier would reject
 * as unreachable, is not emitted. */
static bool lower_stmt(struct lower *L, struct node *n)
{
	unsigned mark = L->sp;
	struct node *c;
	int other, end;
	bool live = true, live2;

	if (!n)
		return true;
	switch (n->kind) {
	case N_BLOCK:
		for (c = n->body; c && live; c = c->next)
			live = lower_stmt(L, c);
		break;
	case N_IF:
		if (n->cond->is_const) {
			/* folded: only the branch taken exists */
			live = lower_stmt(L, n->cond->cval ? n->lhs : n->rhs);
			break;
		}
		other = ir_label(L->f);
		ex_branch(L, n->cond, false, other);
		L->sp = mark;
		live = lower_stmt(L, n->lhs);
		if (n->rhs) {
			end = ir_label(L->f);
			if (live)
				ir_ja(L->f, end, n->loc);
			ir_place(L->f, other, n->loc);
			live2 = lower_stmt(L, n->rhs);
			ir_place(L->f, end, n->loc);
			live = live || live2;
		} else {
			ir_place(L->f, other, n->loc);
			live = true;
		}
		break;
	case N_ASSIGN:
		lower_assign(L, n);
		break;
	case N_DELETE:
		lower_delete(L, n);
		break;
	case N_EXPR:
		/* expressions have no side effects: only the event calls
		 * do anything */
		c = n->lhs;
		if (is_event_call(c)) {
			lower_event(L, c);
			live = c->builtin != BI_EXIT;
		}
		break;
	default:
		assert(0 && "not a statement");
	}
	L->sp = mark;
	return live;
}

/* Indirect register variables (raw syscall arguments) in a tree: how many
 * mentions and the byte range of pt_regs they cover. */
static void regs_uses(const struct node *n, unsigned *count, int *lo, int *hi)
{
	for (; n; n = n->next) {
		const struct pvar *pv = n->pvar;

		if (pv && pv->kind == PV_REG && pv->indirect) {
			int end = pv->off + (int)(n->type ? n->type->size : 8);

			if (!*count || pv->off < *lo)
				*lo = pv->off;
			if (!*count || end > *hi)
				*hi = end;
			(*count)++;
		}
		regs_uses(n->lhs, count, lo, hi);
		regs_uses(n->rhs, count, lo, hi);
		regs_uses(n->cond, count, lo, hi);
		regs_uses(n->args, count, lo, hi);
		regs_uses(n->body, count, lo, hi);
	}
}

/* Raw syscall arguments live in the user pt_regs, readable only with
 * bpf_probe_read_kernel (7 instructions a read).  A probe reading more
 * than one copies the span they cover once (usually 64 bytes on x86_64)
 * and loads from the copy, placed after the predicate unless the
 * predicate needs them itself. */
static void regs_preread(struct lower *L, const struct node *tree,
			 struct loc l)
{
	unsigned count = 0;
	int lo = 0, hi = 0, r;
	struct node at = { .loc = l };

	regs_uses(tree, &count, &lo, &hi);
	if (count < 2 || hi - lo > 128 || L->regs_slot)
		return;
	lo &= ~7;
	hi = (hi + 7) & ~7;
	L->regs_slot = stk_alloc(L, (unsigned)(hi - lo), &at,
				 "copy of the saved registers");
	L->regs_lo = lo;
	L->regs_hi = hi;
	L->base = L->sp;
	r = new_reg(L);
	ir_ldx(L->f, BPF_DW, r, ctx_reg(L), 0, l);
	call_read(L, BPF_FUNC_probe_read_kernel,
		  (struct dst){ IR_FP, L->regs_slot, (unsigned)(hi - lo) },
		  (unsigned)(hi - lo), r, lo, l);
}

/* -c: return unless the task is in the command's pid namespace.  The
 * runtime writes the namespace's {dev, ino} into s->child_map after
 * starting the command, so the program reads them from the map's value
 * (its address is a constant: no lookup); bpf_get_ns_current_pid_tgid()
 * (5.7+) fails unless they name the task's own pid namespace.  ino 0: the
 * command has no namespace of its own, do not filter.  A process of the
 * command that makes a pid namespace of its own (a container) is no longer
 * followed. */
static void child_filter(struct lower *L, struct loc l)
{
	struct map *m = internal_map(L, script_child_map(L->s));
	struct node at = { .loc = l };
	unsigned mark = L->sp;
	int info = stk_alloc(L, 8, &at, "struct bpf_pidns_info");
	int p = new_reg(L), dev, ino, pass = ir_label(L->f);

	ir_ldmapv(L->f, p, m->id, 0, l);
	ino = new_reg(L);
	ir_ldx(L->f, BPF_DW, ino, p, 8, l);
	ir_jcci(L->f, BPF_JEQ, ino, 0, pass, l);
	dev = new_reg(L);
	ir_ldx(L->f, BPF_DW, dev, p, 0, l);
	ir_mov(L->f, IR_R1, dev, l);
	ir_mov(L->f, LR2, ino, l);
	set_ptr(L, LR3, IR_FP, info, l);
	ir_movi(L->f, LR4, 8, l);
	ir_call(L->f, BPF_FUNC_get_ns_current_pid_tgid, 4, l);
	ir_jcci(L->f, BPF_JNE, ret_reg(L, l), 0, L->exit, l);
	ir_place(L->f, pass, l);
	L->sp = mark;
}

int lower_probe(struct script *s, struct probe *p, struct diag *d)
{
	struct lower L = { .s = s, .p = p, .d = d };
	struct loc l = p->loc;
	int b;

	L.f = ir_new(s->arena);
	L.ctx = new_reg(&L);
	L.exit = ir_label(L.f);
	L.ret = ir_label(L.f);
	L.lost = IR_NONE;
	ir_mov(L.f, L.ctx, IR_CTX, l);
	for (b = 0; b < BI_COUNT_; b++)
		L.bi_reg[b] = IR_NONE;
	bi_count(p->pred, L.bi_uses);
	bi_count(p->body, L.bi_uses);

	if (p->filter_pv) {
		/* raw syscall tracepoints fire for every syscall */
		struct val nr = pvar_load(&L, p->filter_pv, p->filter_pv->type, l);

		ir_jcci(L.f, BPF_JNE, nr.reg, p->filter_nr, L.exit, l);
		L.sp = 0;
	}
	if (s->opts.target_pid > 0 && p->prov && p->prov->takes_target &&
	    (p->prog_type == BPF_PROG_TYPE_TRACEPOINT ||
	     p->prog_type == BPF_PROG_TYPE_RAW_TRACEPOINT)) {
		/* -p: tracepoints fire for every process and cannot be
		 * attached per process (raw ones at all, perf ones not
		 * system-wide with a pid), so filter here.  Sampling
		 * providers (perf events) and uprobes filter, or not, at
		 * attach time; BEGIN/END run in spry itself. */
		int r;

		ir_call(L.f, BPF_FUNC_get_current_pid_tgid, 0, l);
		r = ret_reg(&L, l);
		ir_alui(L.f, BPF_RSH, r, r, 32, l);
		ir_jcci(L.f, BPF_JNE, r, s->opts.target_pid, L.exit, l);
	}
	if (p->child_only)
		child_filter(&L, l);
	if (p->pred && p->pred->is_const && !p->pred->cval)
		goto out;	/* never runs: no body to be unreachable */
	if (L.bi_uses[BI_COMM] > 1 && comm_key_use(p->body)) {
		/* comm read more than once, as a whole map key among others
		 * (/comm == "x"/ { @[comm] = count(); }): one buffer for
		 * the probe, zero-padded, read once and then the key */
		struct node at = { .loc = l };

		L.comm_slot = stk_alloc(&L, 16, &at, "comm buffer");
		L.base = L.sp;
	}
	if (p->pred) {
		unsigned n = 0;
		int lo, hi;

		regs_uses(p->pred, &n, &lo, &hi);
		if (n) {
			/* the predicate reads arguments: copy them first */
			struct node both = { .lhs = p->pred, .rhs = p->body };

			regs_preread(&L, &both, l);
		}
		ex_branch(&L, p->pred, false, L.exit);
		L.sp = L.base;
	}
	regs_preread(&L, p->body, l);
	if (count_events(p->body) > 1) {
		/* one lost-map update for all events: 1 instruction an event
		 * instead of 4, 5 once */
		L.lost = new_reg(&L);
		ir_movi(L.f, L.lost, 0, l);
	}
	lower_stmt(&L, p->body);

	ir_place(L.f, L.ret, l);
	if (L.lost != IR_NONE) {
		ir_jcci(L.f, BPF_JEQ, L.lost, 0, L.exit, l);
		lost_add(&L, L.lost, l);
	}
out:
	ir_place(L.f, L.exit, l);
	ir_movi(L.f, IR_R0, 0, l);
	ir_exit(L.f, l);

	if (!L.ctx_used) {
		/* nobody reads ctx: drop the entry copy */
		memmove(&L.f->insns[0], &L.f->insns[1],
			(L.f->n - 1) * sizeof(L.f->insns[0]));
		L.f->n--;
	}
	p->ir = L.f;
	return L.err;
}
