/* lower.h - from the annotated AST of one probe to IR.
 *
 * Requires: sema_script() succeeded and layout_maps() laid out every map.
 * Lowering desugars (map reads with their NULL checks, aggregations, printf
 * records, short-circuit operators, string reads) and is the only place that
 * lays out the 512-byte BPF stack: keys, values, strings and event records.
 * When a probe needs more it reports the expression that did not fit and
 * returns -E2BIG.
 * Guarantees: p->ir is a function in virtual registers that ends in EXIT on
 * every path and returns 0; one struct event per event call site.
 *
 * The pass is split by job, all in src/ir/:
 *   lower.c       statements, event records, aggregations, the prologue
 *                 (filters, shared buffers) and lower_probe()
 *   lower_call.c  helper calls: the argument registers r1-r5 and r0, map
 *                 helpers, probe reads, event output and the lost counter
 *   lower_mem.c   memory values: addresses, loads, copies, map keys and map
 *                 reads, strings and their compares, comm's shared buffer
 *   lower_int.c   integer expressions, conditions and branches, provider
 *                 variables
 * The rest of this header is their shared toolkit.  Builtins' lowering hooks
 * (builtin.h) use it too: a hook evaluates its arguments with lower_int() or
 * lower_into(), calls helpers with lower_call() and never names r1-r5.
 */
#ifndef SPRY_LOWER_H
#define SPRY_LOWER_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "ir.h"
#include "type.h"

struct script;
struct probe;
struct map;
struct node;
struct pvar;
struct ir_func;
struct builtin;
struct var;

int lower_probe(struct script *s, struct probe *p, struct diag *d);

/* ---- the toolkit ---- */

/* Memory values up to this size are copied with plain loads and stores;
 * larger ones with one bpf_probe_read_kernel() (five instructions). */
#define LOWER_UNROLL		32

struct lower_reuse;

/* The while loop being lowered: where break and continue go. */
struct lower_loop {
	int brk, cont;		/* labels */
	struct lower_loop *up;	/* the loop around it */
};

/* A kernel read kept in a register for reuse (lower_mem.c load()): @sz
 * bytes at base + off in @space, extended as @sign says, are in @reg. */
struct lower_memo {
	enum addr_space space;
	int base, off;
	unsigned sz;
	bool sign;
	int reg;
};
#define LOWER_MEMOS	8

/* The state of lowering one probe. */
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
	/* builtin variables the probe reads more than once, kept in a
	 * register from their first evaluation that every later one must
	 * pass through (lower_int.c) */
	struct lower_reuse *reuse;
	unsigned nreuse;
	/* comm kept zero-padded for the whole probe (0: not reserved) and
	 * read there once (comm_full), where every later use must pass */
	int comm_slot;
	bool comm_full;
	/* kernel reads of this straight-line stretch (no label since),
	 * neither register redefined; IR up to memo_scanned looked at */
	struct lower_memo memo[LOWER_MEMOS];
	unsigned nmemo, memo_scanned;
	/* scratch variables, by var id: integers and pointers in a virtual
	 * register (var_reg), memory values in a frame slot held for the
	 * whole probe (var_slot, when var_reg is IR_NONE) */
	int *var_reg;
	int *var_slot;
	struct lower_loop *loop;	/* NULL outside while loops */
	/* lower_unconditional(): the IR scanned so far, each label's state
	 * (jumped to but not yet placed, placed), how many are open */
	unsigned uc_scanned;
	unsigned char *uc_state;
	unsigned uc_cap, uc_nopen;
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

static inline struct val val_imm(int64_t k)
{
	return (struct val){ .imm = true, .k = k, .reg = IR_NONE };
}

static inline struct val val_reg(int r, bool owned)
{
	return (struct val){ .reg = r, .owned = owned };
}

static inline unsigned lower_round8(unsigned n)
{
	return (n + 7) & ~7u;
}

static inline bool lower_fits_s32(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

/* Strings, arrays and structs: values that live in memory, written
 * straight into their destination (lower_into), never held in a register. */
static inline bool lower_is_mem(const struct type *t)
{
	return t && (t->kind == T_ARRAY || t->kind == T_STRUCT);
}

/* lower.c */
int lower_vreg(struct lower *L);
/* ++x, x++, --x, x-- (N_INCDEC @n) on a variable or a map value; its value
 * when @want (else whatever is cheapest). */
struct val lower_incdec(struct lower *L, struct node *n, bool want);
/* The context register (r1 at entry, copied to a vreg). */
int lower_ctx(struct lower *L);
/* Reserve @size bytes (8-aligned) of frame while lowering @n, for @what
 * (NULL: named after @n, "str() buffer"), until L->sp is reset.  On
 * overflow report once and hand out a dummy slot; lower_probe() fails. */
int lower_stack(struct lower *L, unsigned size, const struct node *n,
		const char *what);
/* Is every path from the entry to whatever is emitted next through this
 * point?  Each instruction is looked at once over the whole probe. */
bool lower_unconditional(struct lower *L);
/* One event record per call site: @kind, its arguments (after printf's
 * format; none for a whole map) built on the stack and sent. */
struct event *lower_event(struct lower *L, struct node *call, int kind);
/* A new event of this probe's (script_event_add(), marked by_probe when an
 * attached probe sends it, by_cpu when it is text and the script prints
 * partial lines). */
struct event *lower_event_add(struct lower *L, int kind, struct loc loc);
/* Store event @ev's id word at @base + @off: the id, and when @ev is
 * by_cpu the sending CPU above it. */
void lower_event_id(struct lower *L, int base, int off,
		    const struct event *ev, struct loc l);
/* Whether a printf() or time() of @s has a format that does not end its
 * line (compile.c sets s->partial_lines from it before lowering). */
bool lower_partial_lines(const struct script *s);
/* An aggregation's update of @m[key] (this CPU's value in a per-CPU map):
 * @in_place changes the value at the pointer in register p.  A missing key
 * of a per-CPU hash gets @first's value, written at r10 + slot; one of a
 * shared hash is created all zero, which @in_place must then update as a
 * first value (lower.c says why).  An array's entry always exists.  @key
 * is a stack slot lower_key() built. */
struct lower_agg_ops {
	void (*in_place)(struct lower *L, int p, struct node *call, void *ctx);
	void (*first)(struct lower *L, int slot, struct node *call, void *ctx);
};
void lower_agg_update(struct lower *L, struct map *m, int key,
		      struct node *call, const struct lower_agg_ops *ops,
		      void *ctx);
/* @m[key] += @x (count, sum, the histograms' buckets) */
void lower_agg_add(struct lower *L, struct map *m, int key, struct val x,
		   struct node *call);

/* lower_call.c: r1-r5 appear here and nowhere else */
enum larg_kind { LARG_REG, LARG_IMM, LARG_PTR, LARG_MAP };
struct larg {
	enum larg_kind kind;
	int reg;	/* LARG_REG: the value; LARG_PTR: the base */
	int64_t imm;	/* LARG_IMM: the value; LARG_PTR: the offset;
			 * LARG_MAP: the map id */
};
#define LA_REG(r)		((struct larg){ LARG_REG, (r), 0 })
#define LA_IMM(k)		((struct larg){ LARG_IMM, IR_NONE, (k) })
#define LA_PTR(base, off)	((struct larg){ LARG_PTR, (base), (off) })
#define LA_MAP(id)		((struct larg){ LARG_MAP, IR_NONE, (id) })
/* helper(args...): the arguments into r1.. in order, then the call; the
 * result is in r0 until lower_ret() copies it. */
void lower_call_args(struct lower *L, int helper, struct loc l, unsigned n,
		     const struct larg *args);
#define lower_call(L, helper, l, ...)					\
	lower_call_args((L), (helper), (l),				\
			sizeof((struct larg[]){ __VA_ARGS__ }) /	\
			sizeof(struct larg),				\
			(struct larg[]){ __VA_ARGS__ })
/* r0 into a fresh vreg: right after a call. */
int lower_ret(struct lower *L, struct loc l);
void lower_lookup(struct lower *L, struct map *m, int key, struct loc l);
void lower_update(struct lower *L, struct map *m, int key, int vbase,
		  int voff, int flags, struct loc l);
void lower_map_delete(struct lower *L, struct map *m, int key, struct loc l);
/* helper(dst, size, src): probe_read_* and their _str forms, a failure
 * reported under -kk.  _quiet: reads that cannot fail (the saved
 * registers) or whose failure means something else (a missing key's NULL
 * value, which a lookup check reports). */
void lower_read(struct lower *L, int helper, struct dst d, unsigned size,
		int sbase, int soff, struct loc l);
void lower_read_quiet(struct lower *L, int helper, struct dst d,
		      unsigned size, int sbase, int soff, struct loc l);
/* -k, -kk (bpftrace's): is a failure of @helper reported at this level?
 * lower_check(): report it when register @r (what the helper returned)
 * is negative; lower_check_ret(): the same for the call just made (r0);
 * lower_check_miss(): a lookup of @m that found nothing (register @p is
 * NULL), under -kk; lower_helper_error(): report @ret unconditionally.
 * Each emits nothing when the level does not ask for it.  lower_update(),
 * lower_map_delete() and lower_read() check their own calls. */
bool lower_checks(struct lower *L, int helper);
void lower_check(struct lower *L, int helper, int r, struct loc l);
void lower_check_ret(struct lower *L, int helper, struct loc l);
void lower_check_miss(struct lower *L, struct map *m, int p, struct loc l);
void lower_helper_error(struct lower *L, int helper, struct val ret,
			struct loc l);
int lower_read_helper(enum addr_space space, bool str);
/* Internal maps are created on first use, possibly after layout_maps(). */
struct map *lower_internal_map(struct lower *L, struct map *m);
/* Send @size bytes at r10 + @rec to user space; count a loss on failure. */
void lower_output(struct lower *L, int rec, unsigned size,
		  const struct node *at);
/* The same from anywhere (a map value: LA_PTR(base, off)), of a size the
 * verifier knows the bounds of (LA_IMM, or LA_REG of a bounded value). */
void lower_output_from(struct lower *L, struct larg rec, struct larg size,
		       const struct node *at);
/* lost[0] += @n (a register) */
void lower_lost_add(struct lower *L, int n, struct loc l);

/* lower_mem.c */
/* A register holding @v: read only, or (own) one that may be updated. */
int lower_reg(struct lower *L, struct val v, struct loc l);
int lower_own(struct lower *L, struct val v, struct loc l);
/* Sign-extend a narrow signed value that a load zero-extended. */
void lower_extend(struct lower *L, int r, const struct type *t, struct loc l);
/* An 8-byte integer slot: ST for immediates, STX otherwise. */
void lower_store8(struct lower *L, int base, int off, struct val v,
		  struct loc l);
void lower_zero(struct lower *L, int base, int off, unsigned len,
		struct loc l);
void lower_store_bytes(struct lower *L, int base, int off,
		       const unsigned char *b, unsigned len, struct loc l);
/* Copy @len bytes between two direct locations with loads and stores. */
void lower_copy(struct lower *L, struct dst d, int sbase, int soff,
		unsigned len, struct loc l);
/* The largest access size that fits @len and the alignment of @off. */
unsigned lower_chunk(int off, unsigned len);
/* Lvalue-like nodes (members, indexes, dereferences, ctx fields): false
 * when @n is none of these. */
bool lower_addr(struct lower *L, struct node *n, struct addr *a);
/* The address a pointer expression points to. */
void lower_ptr_addr(struct lower *L, struct node *n, struct addr *a);
/* A memory value's location for reading it chunk by chunk: in place when
 * directly loadable, else a stack copy. */
void lower_mem_addr(struct lower *L, struct node *n, struct addr *a);
/* An integer of type @t at @a.  _regs: in the saved registers (raw
 * tracepoints' pt_regs), a read that cannot fail and is not the script's:
 * -kk does not report it. */
struct val lower_load(struct lower *L, struct addr *a, const struct type *t,
		      struct loc l);
struct val lower_load_regs(struct lower *L, struct addr *a,
			   const struct type *t, struct loc l);
/* A kernel read through the helper is made once per straight-line
 * stretch: a later read of the same bytes from the same register, with no
 * label between and neither register redefined, is the first one's
 * register, read-only (a snapshot: one event sees one value).  Not reused:
 * user memory, and reads -kk reports (each failure is a report).  Forget
 * what register @r takes part in when code already emitted is rewritten
 * to name another (a renamed temporary). */
void lower_memo_forget(struct lower *L, int r);
/* The member N_MEMBER @n names (through anonymous members), its offset
 * from the start of the record its base is or points to in *@off (may be
 * NULL). */
const struct member *lower_member(const struct node *n, unsigned *off);
/* Bitfield @m, whose record's field starts at @a. */
struct val lower_load_bits(struct lower *L, struct addr *a,
			   const struct member *m, struct loc l);
/* Write memory value @n into @d: exactly @d.size bytes, zero-padded past
 * the value.  @zero: bytes after a string's NUL must be zero too (map
 * keys), which costs stores before a _str read. */
void lower_into(struct lower *L, struct node *n, struct dst d, bool zero);
/* Integer @n as an 8-byte slot at r10 + @off. */
void lower_store_int(struct lower *L, int off, struct node *n);
/* lower_into() where the destination holds type @t, which may lay out a
 * tuple otherwise than @n's own type does (a variable or map that holds
 * tuples with longer strings): element by element then. */
void lower_into_as(struct lower *L, struct node *n, const struct type *t,
		   struct dst d, bool zero);
/* Does tree @n read or write variable @v? */
bool lower_mentions_var(const struct node *n, const struct var *v);
/* Build @m's key from @keys (and the quantize @bucket) on the stack;
 * returns its offset from r10. */
int lower_key(struct lower *L, struct map *m, struct node *keys,
	      struct val *bucket, struct node *at);
/* The keys of a map mention (none for a keyless plain map's name). */
struct node *lower_map_keys(struct node *n);
struct val lower_map_int(struct lower *L, struct node *n);
/* comm in the probe's shared buffer (L->comm_slot), read there now if
 * this point is on every path to what follows: true when it holds it. */
bool lower_comm_cached(struct lower *L, const struct node *n);
/* Does @n use a map keyed by comm alone (which can use the buffer)? */
bool lower_comm_key_use(const struct node *n);
/* String equality: jump to @ne at the first difference, to @eq at a
 * common NUL, fall through when all compared bytes are equal. */
void lower_str_equal(struct lower *L, struct node *a, struct node *b,
		     struct loc l, int ne, int eq);
/* The byte loop of both: per byte of @len, ra = x[i], rb = y[i]; to @ne
 * when they differ, to @eq at a common NUL. */
void lower_str_bytes(struct lower *L, const struct addr *x,
		     const struct addr *y, unsigned len, int ra, int rb,
		     int ne, int eq, struct loc l);
/* `a == b` / `a != b` on strings, or strcmp(a, b) ==/!= 0: the operands. */
bool lower_str_eq_operands(const struct node *n, struct node **a,
			   struct node **b);

/* lower_int.c */
/* Count the builtin variables @tree mentions (for reuse). */
void lower_count_vars(struct lower *L, const struct node *tree);
unsigned lower_var_uses(struct lower *L, const struct builtin *b);
/* An integer or pointer expression.  Whatever it put on the stack is dead
 * once its value is in a register. */
struct val lower_int(struct lower *L, struct node *n);
/* a op b (enum binop, not a comparison) computed in type @t (signedness
 * of / % >>; a pointer scales b by its pointee's size), into a's register
 * when a is owned. */
struct val lower_arith(struct lower *L, int op, const struct type *t,
		       struct val a, struct val b, struct loc l);
/* Jump to @label when @n's truth is @when, fall through otherwise. */
void lower_branch(struct lower *L, struct node *n, bool when, int label);
/* A provider variable of type @t. */
struct val lower_pvar(struct lower *L, const struct pvar *pv,
		      const struct type *t, struct loc l);

#endif
