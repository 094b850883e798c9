/* lower_mem.c - memory values: addresses, loads, copies, keys and strings.
 *
 * Input: typed expressions that denote memory (members, indexes,
 * dereferences, ctx fields, strings, map values) or integers to store.
 * Output: IR that reads them where they are, with plain loads when the
 * verifier allows it (the stack, map values, ctx at constant offsets) and
 * bpf_probe_read_{kernel,user}() otherwise, and writes memory values
 * straight into their final home (a map key, an event record, a map value)
 * so that reading a string into a printf record costs one helper call and
 * no copy.
 *
 * comm, when a probe compares it and also uses it as a whole map key, is
 * read once into a zero-padded buffer that then is the key, provided that
 * first read lies on every path to the later ones (lower_unconditional()).
 */
#include <assert.h>
#include <string.h>

#include <linux/bpf.h>

#include "arch.h"
#include "arena.h"
#include "ast.h"
#include "builtin.h"
#include "layout.h"
#include "lower.h"
#include "provider.h"
#include "script.h"

/* ---- stores ---- */

void lower_store8(struct lower *L, int base, int off, struct val v,
		  struct loc l)
{
	if (v.imm && lower_fits_s32(v.k))
		ir_st(L->f, BPF_DW, base, off, v.k, l);
	else
		ir_stx(L->f, BPF_DW, base, off, lower_reg(L, v, l), l);
}

/* The verifier insists on aligned stack and ctx accesses. */
unsigned lower_chunk(int off, unsigned len)
{
	unsigned c;

	for (c = 8; c > 1; c >>= 1)
		if (c <= len && !(off & (int)(c - 1)))
			break;
	return c;
}

void lower_zero(struct lower *L, int base, int off, unsigned len,
		struct loc l)
{
	while (len) {
		unsigned c = lower_chunk(off, len);

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

/* Literal bytes with ST: 8 bytes at once when the value is a sign-extended
 * 32-bit immediate, else 4 at a time. */
void lower_store_bytes(struct lower *L, int base, int off,
		       const unsigned char *b, unsigned len, struct loc l)
{
	while (len) {
		unsigned c = lower_chunk(off, len);
		uint64_t v = bytes_value(L, b, c);

		if (c == 8 && !lower_fits_s32((int64_t)v))
			c = 4, v = bytes_value(L, b, 4);
		ir_st(L->f, ir_size_code(c), base, off,
		      c == 8 ? (int64_t)v : (int64_t)(int32_t)(uint32_t)v, l);
		off += c;
		b += c;
		len -= c;
	}
}

void lower_copy(struct lower *L, struct dst d, int sbase, int soff,
		unsigned len, struct loc l)
{
	int doff = d.off, t = IR_NONE;

	while (len) {
		unsigned c = lower_chunk(doff, len);

		while (c > 1 && (soff & (int)(c - 1)))
			c >>= 1;
		if (t == IR_NONE)
			t = lower_vreg(L);
		ir_ldx(L->f, ir_size_code(c), t, sbase, soff, l);
		ir_stx(L->f, ir_size_code(c), d.base, doff, t, l);
		doff += c;
		soff += c;
		len -= c;
	}
}

/* ---- addresses ---- */

const struct member *lower_member(const struct node *n, unsigned *off)
{
	const struct type *t = n->lhs->type;
	const struct member *m;
	unsigned dummy;

	if (t->kind == T_PTR)
		t = t->base;
	m = type_field(t, n->name, off ? off : &dummy);
	assert(m && "sema checked the member");
	return m;
}

/* A fresh stack buffer holding memory value @n. */
static int mem_buf(struct lower *L, struct node *n)
{
	unsigned size = lower_round8(n->type->size);
	int off = lower_stack(L, n->type->size, n, NULL);

	lower_into(L, n, (struct dst){ IR_FP, off, size }, false);
	return off;
}

void lower_ptr_addr(struct lower *L, struct node *n, struct addr *a)
{
	struct val v;

	if (n->pvar && n->pvar->kind == PV_CTX) {
		*a = (struct addr){ true, AS_CTX, lower_ctx(L), 0 };
		return;
	}
	v = lower_int(L, n);
	*a = (struct addr){ false, AS_KERNEL, lower_reg(L, v, n->loc), 0 };
	if (n->type->kind == T_PTR)
		a->space = n->type->space;
	else if (L->p->prov && L->p->prov->user_space)
		a->space = AS_USER;	/* an integer address, as casts take it */
	a->direct = a->space == AS_CTX;
}

/* The location of memory value @n: in place when it has one, else a
 * stack copy. */
static void base_addr(struct lower *L, struct node *n, struct addr *a)
{
	if (lower_addr(L, n, a))
		return;
	*a = (struct addr){ true, AS_KERNEL, IR_FP, mem_buf(L, n) };
}

bool lower_addr(struct lower *L, struct node *n, struct addr *a)
{
	const struct type *t;
	struct node *idx;
	unsigned esz;

	if (n->pvar) {
		if (n->pvar->kind != PV_CTX_LOAD)
			return false;
		*a = (struct addr){ true, AS_CTX, lower_ctx(L), n->pvar->off };
		return true;
	}
	switch (n->kind) {
	case N_VAR:
		if (L->var_reg[n->var->id] != IR_NONE)
			return false;
		*a = (struct addr){ true, AS_KERNEL, IR_FP,
				    L->var_slot[n->var->id] };
		return true;
	case N_TUPLE_INDEX: {
		const struct member *mb = type_members(n->lhs->type);
		uint64_t i;

		base_addr(L, n->lhs, a);
		for (i = 0; mb && i < n->num; i++)
			mb = mb->next;
		assert(mb && "sema checked the tuple index");
		a->off += (int)mb->off;
		return true;
	}
	case N_MEMBER: {
		unsigned off;

		/* '.' on a pointer: the probe's context (args.f) */
		if (n->arrow || n->lhs->type->kind == T_PTR)
			lower_ptr_addr(L, n->lhs, a);
		else
			base_addr(L, n->lhs, a);
		lower_member(n, &off);
		a->off += (int)off;
		/* a pointer in a context where it may be NULL (an
		 * iterator's object): the verifier refuses arithmetic on
		 * what a direct load gives, the helper gives an integer */
		if (n->lhs->pvar && n->lhs->pvar->kind == PV_CTX &&
		    n->lhs->pvar->nullable && n->type->kind == T_PTR) {
			a->direct = false;
			a->space = AS_KERNEL;
		}
		return true;
	}
	case N_INDEX:
		if (n->map)
			return false;
		t = n->lhs->type;
		if (t->kind == T_ARRAY)
			base_addr(L, n->lhs, a);
		else
			lower_ptr_addr(L, n->lhs, a);
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
			struct val v = lower_int(L, idx);
			int r = lower_own(L, v, idx->loc);

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
		lower_ptr_addr(L, n->lhs, a);
		return true;
	default:
		return false;
	}
}

/* ---- kernel reads made once (lower_load()) ---- */

static void memo_drop(struct lower *L, unsigned i)
{
	L->memo[i] = L->memo[--L->nmemo];
}

void lower_memo_forget(struct lower *L, int r)
{
	unsigned i = 0;

	while (i < L->nmemo)
		if (L->memo[i].base == r || L->memo[i].reg == r)
			memo_drop(L, i);
		else
			i++;
}

/* Bring the memo up to the IR emitted since last time: a label (a jump
 * may arrive there from where the read was not made) ends them all, a
 * write to either register the ones it takes part in.  Each instruction is
 * looked at once. */
static void memo_scan(struct lower *L)
{
	const struct ir_func *f = L->f;
	unsigned i;

	for (i = L->memo_scanned; i < f->n && L->nmemo; i++) {
		const struct ir_insn *in = &f->insns[i];

		if (in->op == IR_LABEL)
			L->nmemo = 0;
		else if (ir_op_info[in->op].dst)
			lower_memo_forget(L, in->dst);
	}
	L->memo_scanned = f->n;
}

static struct lower_memo *memo_find(struct lower *L, const struct addr *a,
				    unsigned sz, bool sign)
{
	unsigned i;

	memo_scan(L);
	for (i = 0; i < L->nmemo; i++) {
		struct lower_memo *m = &L->memo[i];

		if (m->space == a->space && m->base == a->base &&
		    m->off == a->off && m->sz == sz && m->sign == sign)
			return m;
	}
	return NULL;
}

static void memo_add(struct lower *L, const struct addr *a, unsigned sz,
		     bool sign, int r)
{
	memo_scan(L);	/* the read's own code defines r: not a redefinition */
	if (L->nmemo == LOWER_MEMOS)
		memo_drop(L, 0);
	L->memo[L->nmemo++] = (struct lower_memo){ a->space, a->base, a->off,
						   sz, sign, r };
}

static struct val load(struct lower *L, struct addr *a, const struct type *t,
		       struct loc l, bool quiet)
{
	unsigned sz = t->size;
	bool sign = t->kind == T_INT && t->is_signed, memo;
	struct lower_memo *m;
	int r;

	if (sz != 1 && sz != 2 && sz != 4)
		sz = 8;
	/* a virtual base: physical registers change under calls */
	memo = !a->direct && a->space == AS_KERNEL && a->base >= IR_VREG0 &&
	       (quiet || !lower_checks(L, lower_read_helper(a->space, false)));
	if (memo && (m = memo_find(L, a, sz, sign)))
		return val_reg(m->reg, false);
	r = lower_vreg(L);
	if (a->direct) {
		ir_ldx(L->f, ir_size_code(sz), r, a->base, a->off, l);
	} else {
		unsigned mark = L->sp;
		struct node tmp = { .loc = l };
		int off = lower_stack(L, 8, &tmp, "temporary");

		(quiet ? lower_read_quiet : lower_read)(L,
			lower_read_helper(a->space, false),
			(struct dst){ IR_FP, off, 8 }, sz, a->base, a->off, l);
		ir_ldx(L->f, ir_size_code(sz), r, IR_FP, off, l);
		L->sp = mark;
	}
	lower_extend(L, r, t, l);
	if (memo)
		memo_add(L, a, sz, sign, r);
	/* a memoized read is shared from the first: a later read of the same
	 * place gets r too, so no user may change it in place */
	return val_reg(r, !memo);
}

struct val lower_load(struct lower *L, struct addr *a, const struct type *t,
		      struct loc l)
{
	return load(L, a, t, l, false);
}

struct val lower_load_regs(struct lower *L, struct addr *a,
			   const struct type *t, struct loc l)
{
	return load(L, a, t, l, true);
}

/* A bitfield: the bytes that hold it, shifted and masked (sign-extended
 * when its type is signed).  Bits count from the least significant bit of
 * the first byte, as BTF and the ABIs of spry's little-endian targets
 * place them. */
struct val lower_load_bits(struct lower *L, struct addr *a,
			   const struct member *m, struct loc l)
{
	unsigned span = m->bit_off + m->bits;
	unsigned sz = span <= 8 ? 1 : span <= 16 ? 2 : span <= 32 ? 4 : 8;
	struct val v = lower_load(L, a, type_int(sz, false), l);
	int r = lower_own(L, v, l);

	assert(span <= 64 && "sema refused wider bitfields");
	if (span < 64)
		ir_alui(L->f, BPF_LSH, r, r, 64 - span, l);
	if (m->bits < 64)
		ir_alui(L->f, m->type->is_signed ? BPF_ARSH : BPF_RSH, r, r,
			64 - m->bits, l);
	return val_reg(r, true);
}

/* @len bytes at @a into @d. */
static void addr_copy(struct lower *L, struct addr *a, struct dst d,
		      unsigned len, struct loc l)
{
	if (a->direct && len <= LOWER_UNROLL) {
		lower_copy(L, d, a->base, a->off, len, l);
		return;
	}
	/* direct memory (the stack, a map value) cannot fail to read */
	(a->direct ? lower_read_quiet : lower_read)(L,
		lower_read_helper(a->direct ? AS_KERNEL : a->space, false), d,
		len, a->base, a->off, l);
}

/* A raw syscall argument not among the registers copied at entry is read
 * by the helper straight into the slot (8 bytes, or an unsigned narrower
 * one over a zeroed slot, into the slot's low-order end: slot_part()),
 * which saves the load and the store of going through a temporary; a
 * signed narrow one needs its sign extended in a register. */
void lower_store_int(struct lower *L, int off, struct node *n)
{
	const struct pvar *pv = n->pvar;
	const struct type *t = n->type ? n->type : pv ? pv->type : NULL;
	unsigned mark = L->sp, sz = t ? t->size : 0;
	int r;

	if (!n->is_const && pv && pv->kind == PV_REG && pv->indirect &&
	    !pv->typed_regs &&
	    (t->kind == T_INT || t->kind == T_PTR) &&
	    (sz == 8 || (t->kind == T_INT && !t->is_signed &&
			 (sz == 1 || sz == 2 || sz == 4))) &&
	    !(L->regs_slot && pv->off >= L->regs_lo &&
	      pv->off + (int)sz <= L->regs_hi)) {
		r = lower_vreg(L);
		ir_ldx(L->f, BPF_DW, r, lower_ctx(L), 0, n->loc);
		if (sz < 8)
			ir_st(L->f, BPF_DW, IR_FP, off, 0, n->loc);
		lower_read_quiet(L, BPF_FUNC_probe_read_kernel,
				 (struct dst){ IR_FP, off + slot_part(L, sz),
					       sz }, sz, r, pv->off, n->loc);
		return;
	}
	lower_store8(L, IR_FP, off, lower_int(L, n), n->loc);
	L->sp = mark;
}

/* ---- maps ---- */

static bool is_comm(const struct node *n)
{
	return n && n->kind == N_IDENT && n->builtin == &builtin_comm;
}

/* A hash map keyed by comm alone: its key is exactly comm's 16 bytes. */
static bool comm_key(const struct map *m, const struct node *keys)
{
	return is_comm(keys) && !keys->next && m->nkeys == 1 &&
	       !layout_has_bucket(m) && m->key_size == 16 &&
	       (m->bpf_type == BPF_MAP_TYPE_HASH ||
		m->bpf_type == BPF_MAP_TYPE_PERCPU_HASH);
}

int lower_key(struct lower *L, struct map *m, struct node *keys,
	      struct val *bucket, struct node *at)
{
	int key;
	struct node *k;
	unsigned i;

	if (!bucket && comm_key(m, keys) && lower_comm_cached(L, keys))
		return L->comm_slot;	/* helpers only read keys */
	key = lower_stack(L, m->key_size, at, "map key");
	if (layout_is_array(m)) {
		ir_st(L->f, BPF_W, IR_FP, key, 0, at->loc);
		return key;
	}
	for (k = keys, i = 0; k && i < m->nkeys; k = k->next, i++) {
		int off = key + (int)m->key_off[i];

		if (lower_is_mem(k->type)) {
			lower_into_as(L, k, m->keys[i], (struct dst){ IR_FP,
				      off, layout_slot(m->keys[i]) }, true);
		} else {
			lower_store_int(L, off, k);
		}
	}
	if (bucket)
		lower_store8(L, IR_FP, key + (int)m->key_size - 8, *bucket,
			     at->loc);
	return key;
}

struct node *lower_map_keys(struct node *n)
{
	return n->kind == N_IDENT ? NULL : n->args;
}

/* Map read: lookup, then the value, or 0 when the key is missing.  A NULL
 * pointer is already the 0 we want, so an integer read is three
 * instructions after the call. */
struct val lower_map_int(struct lower *L, struct node *n)
{
	struct map *m = n->map;
	int key = lower_key(L, m, lower_map_keys(n), NULL, n);
	int r, skip = ir_label(L->f);

	lower_lookup(L, m, key, n->loc);
	r = lower_ret(L, n->loc);
	lower_check_miss(L, m, r, n->loc);
	ir_jcci(L->f, BPF_JEQ, r, 0, skip, n->loc);
	ir_ldx(L->f, BPF_DW, r, r, 0, n->loc);
	ir_place(L->f, skip, n->loc);
	return val_reg(r, true);
}

/* A memory value from a map: bpf_probe_read_kernel() zero-fills its
 * destination when the source is NULL, which is exactly a missing key. */
static void map_into(struct lower *L, struct node *n, struct dst d,
		     unsigned w)
{
	struct map *m = n->map;
	unsigned mark = L->sp;
	int key = lower_key(L, m, lower_map_keys(n), NULL, n);
	int r;

	lower_lookup(L, m, key, n->loc);
	r = lower_ret(L, n->loc);
	lower_check_miss(L, m, r, n->loc);
	L->sp = mark;
	lower_read_quiet(L, BPF_FUNC_probe_read_kernel, d, w, r, 0, n->loc);
}

/* ---- comm's shared buffer ---- */

bool lower_comm_cached(struct lower *L, const struct node *n)
{
	struct loc l = n->loc;

	if (L->comm_full)
		return true;
	if (!L->comm_slot || !lower_unconditional(L))
		return false;
	lower_zero(L, IR_FP, L->comm_slot, 16, l);
	lower_call(L, BPF_FUNC_get_current_comm, l, LA_PTR(IR_FP, L->comm_slot),
		   LA_IMM(16));
	lower_check_ret(L, BPF_FUNC_get_current_comm, l);
	L->comm_full = true;
	return true;
}

static int comm_key_visit(const struct node *n, void *ctx)
{
	(void)ctx;
	return n->map && n->kind != N_IDENT && comm_key(n->map, n->args);
}

bool lower_comm_key_use(const struct node *n)
{
	return ast_visit(n, comm_key_visit, NULL) != 0;
}

/* ---- strings ---- */

static bool is_str_node(const struct node *n)
{
	return n->kind == N_STR;
}

void lower_mem_addr(struct lower *L, struct node *n, struct addr *a)
{
	if (is_comm(n) && lower_comm_cached(L, n)) {
		*a = (struct addr){ true, AS_KERNEL, IR_FP, L->comm_slot };
		return;
	}
	if (lower_addr(L, n, a)) {
		if (!a->direct) {
			unsigned size = lower_round8(n->type->size);
			int off = lower_stack(L, n->type->size, n, NULL);

			addr_copy(L, a, (struct dst){ IR_FP, off, size },
				  n->type->size, n->loc);
			*a = (struct addr){ true, AS_KERNEL, IR_FP, off };
		}
		return;
	}
	*a = (struct addr){ true, AS_KERNEL, IR_FP, mem_buf(L, n) };
}

/* strcmp() == 0 semantics over the shorter declared length.  Against a
 * literal the compare runs in words and stops at the literal's NUL, so
 * garbage after a terminator never matters. */
void lower_str_equal(struct lower *L, struct node *a, struct node *b,
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
	lower_mem_addr(L, a, &x);
	if (is_str_node(b)) {
		const unsigned char *s = (const unsigned char *)b->str;
		unsigned slen = b->len + 1;	/* with the NUL */

		if (len > slen)
			len = slen;
		for (i = 0; i < len;) {
			unsigned c = lower_chunk(x.off + (int)i, len - i), j;
			unsigned char w[4] = { 0 };
			uint64_t v;

			if (c == 8)
				c = 4;	/* JCC immediates are 32-bit */
			for (j = 0; j < c; j++)
				w[j] = i + j < slen ? s[i + j] : 0;
			v = bytes_value(L, w, c);
			ra = lower_vreg(L);
			ir_ldx(L->f, ir_size_code(c), ra, x.base, x.off + (int)i, l);
			ir_jcci(L->f, BPF_JNE, ra, (int64_t)v, ne, l);
			i += c;
		}
		return;
	}
	lower_mem_addr(L, b, &y);
	ra = lower_vreg(L);
	rb = lower_vreg(L);
	lower_str_bytes(L, &x, &y, len, ra, rb, ne, eq, l);
}

void lower_str_bytes(struct lower *L, const struct addr *x,
		     const struct addr *y, unsigned len, int ra, int rb,
		     int ne, int eq, struct loc l)
{
	unsigned i;

	for (i = 0; i < len; i++) {
		ir_ldx(L->f, BPF_B, ra, x->base, x->off + (int)i, l);
		ir_ldx(L->f, BPF_B, rb, y->base, y->off + (int)i, l);
		ir_jcc(L->f, BPF_JNE, ra, rb, ne, l);
		if (i + 1 < len)
			ir_jcci(L->f, BPF_JEQ, ra, 0, eq, l);
	}
}

/* strcmp(a, b) == 0 / != 0 need no ordering and so compare like ==, by
 * words against a literal. */
bool lower_str_eq_operands(const struct node *n, struct node **a,
			   struct node **b)
{
	const struct node *c = NULL;

	if (n->kind != N_BINARY || (n->op != B_EQ && n->op != B_NE))
		return false;
	if (lower_is_mem(n->lhs->type)) {
		*a = n->lhs;
		*b = n->rhs;
		return true;
	}
	if (n->rhs->is_const && n->rhs->cval == 0)
		c = n->lhs;
	else if (n->lhs->is_const && n->lhs->cval == 0)
		c = n->rhs;
	if (!c || c->kind != N_CALL || c->builtin != &builtin_strcmp)
		return false;
	*a = c->args;
	*b = c->args->next;
	return true;
}

/* ---- writing memory values ---- */

static int var_visit(const struct node *n, void *ctx)
{
	return n->kind == N_VAR && n->var == ctx;
}

bool lower_mentions_var(const struct node *n, const struct var *v)
{
	return ast_visit(n, var_visit, (void *)v) != 0;
}

/* One element (or member) of type @t into @d, 8 bytes at least. */
static void elem_into(struct lower *L, struct node *n, const struct type *t,
		      struct dst d, bool zero)
{
	if (lower_is_mem(t))
		lower_into_as(L, n, t, d, zero);
	else
		lower_store8(L, d.base, d.off, lower_int(L, n), n->loc);
}

/* The tuple (a, b, ...) @n laid out as tuple type @t. */
static void tuple_into(struct lower *L, struct node *n, const struct type *t,
		       struct dst d, bool zero)
{
	const struct member *m = type_members(t);
	struct node *e;

	for (e = n->args; e && m; e = e->next, m = m->next)
		elem_into(L, e, m->type, (struct dst){ d.base,
			  d.off + (int)m->off, layout_slot(m->type) }, zero);
	if (t->size < d.size)
		lower_zero(L, d.base, d.off + (int)t->size, d.size - t->size,
			   n->loc);
}

/* A tuple of type @st at direct address @a, laid out again as @dt. */
static void tuple_convert(struct lower *L, const struct addr *a,
			  const struct type *st, struct dst d,
			  const struct type *dt, struct loc l)
{
	const struct member *sm = type_members(st), *dm = type_members(dt);

	for (; sm && dm; sm = sm->next, dm = dm->next) {
		struct addr e = { true, a->space, a->base,
				  a->off + (int)sm->off };
		struct dst de = { d.base, d.off + (int)dm->off,
				  layout_slot(dm->type) };
		unsigned w;

		if (type_is_tuple(dm->type) && !type_equal(sm->type, dm->type)) {
			tuple_convert(L, &e, sm->type, de, dm->type, l);
			continue;
		}
		w = sm->type->size < de.size ? sm->type->size : de.size;
		if (!lower_is_mem(sm->type))
			w = 8;	/* integers are 8-byte elements */
		lower_copy(L, (struct dst){ de.base, de.off, w }, e.base, e.off,
			   w, l);
		if (w < de.size)
			lower_zero(L, de.base, de.off + (int)w, de.size - w, l);
	}
}

void lower_into_as(struct lower *L, struct node *n, const struct type *t,
		   struct dst d, bool zero)
{
	unsigned mark = L->sp;
	struct addr a;

	if (!type_is_tuple(t) || !type_is_tuple(n->type) ||
	    type_equal(t, n->type)) {
		lower_into(L, n, d, zero);
		return;
	}
	if (n->kind == N_TUPLE) {
		tuple_into(L, n, t, d, zero);
		return;
	}
	lower_mem_addr(L, n, &a);
	tuple_convert(L, &a, n->type, d, t, n->loc);
	L->sp = mark;
}

void lower_into(struct lower *L, struct node *n, struct dst d, bool zero)
{
	unsigned mark = L->sp;
	unsigned w = n->type->size < d.size ? n->type->size : d.size;
	struct loc l = n->loc;
	struct addr a;
	int other, end;

	assert(lower_is_mem(n->type) && "lower_into takes memory values");
	switch (n->kind) {
	case N_TUPLE:
		tuple_into(L, n, n->type, d, zero);
		L->sp = mark;
		return;
	case N_STR:
	case N_POSITIONAL: {	/* str($1): the parameter's text */
		/* the padding joins the literal's last word: "none" into 16
		 * bytes is two ST.DW */
		unsigned char *b = arena_alloc(L->s->arena, d.size + 1);

		memcpy(b, n->str, w < n->len + 1 ? w : n->len + 1);
		lower_store_bytes(L, d.base, d.off, b, d.size, l);
		L->sp = mark;
		return;
	}
	case N_IDENT:
		if (n->builtin) {
			n->builtin->lower_into(L, n, d, w, zero);
			goto pad;
		}
		if (n->map && !n->pvar) {
			map_into(L, n, d, w);
			goto pad;
		}
		break;
	case N_MAP:
		map_into(L, n, d, w);
		goto pad;
	case N_INDEX:
		if (n->map) {
			map_into(L, n, d, w);
			goto pad;
		}
		break;
	case N_CALL:
		n->builtin->lower_into(L, n, d, w, zero);
		goto pad;
	case N_COND:
		other = ir_label(L->f);
		end = ir_label(L->f);
		lower_branch(L, n->cond, false, other);
		lower_into_as(L, n->lhs, n->type, d, zero);
		ir_ja(L->f, end, l);
		ir_place(L->f, other, l);
		lower_into_as(L, n->rhs, n->type, d, zero);
		ir_place(L->f, end, l);
		L->sp = mark;
		return;
	default:
		break;
	}
	if (!lower_addr(L, n, &a))
		assert(0 && "memory value without a location");
	if (zero && type_is_string(n->type) && !a.direct) {
		/* a kernel char[N] as a map key: nothing after its NUL may
		 * tell two equal strings apart */
		lower_zero(L, d.base, d.off, w, l);
		lower_read(L, lower_read_helper(a.space, true),
			   (struct dst){ d.base, d.off, w }, w, a.base, a.off,
			   l);
	} else {
		addr_copy(L, &a, (struct dst){ d.base, d.off, w }, w, l);
	}
pad:
	if (w < d.size)
		lower_zero(L, d.base, d.off + (int)w, d.size - w, l);
	L->sp = mark;
}
