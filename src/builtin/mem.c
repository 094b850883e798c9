/* mem.c - builtins that read memory: str(), mem(), dyn(), uptr(), strcmp().
 *
 * Input: calls whose arguments are pointers, addresses or strings.
 * Output: their types (a string of -s bytes or the size given, a byte
 * array, a user pointer, an int), and IR that reads with
 * bpf_probe_read_{kernel,user}{,_str}() straight into the destination the
 * value is wanted in (a record, a map key, a stack buffer): no copy.
 */
#include <linux/bpf.h>

#include "ast.h"
#include "builtin.h"
#include "lower.h"
#include "sema.h"
#include "type.h"

/* Helper reads straight into the destination.  @str: a _str read (stops
 * at the NUL; with @zero the rest is zeroed first).  @dataloc: the
 * argument is a __data_loc field, its offset in the low 16 bits, from the
 * tracepoint record (ctx). */
static void read_into(struct lower *L, struct node *n, struct dst d,
		      unsigned w, bool zero, bool str, bool dataloc)
{
	struct node *arg = n->args;
	struct loc l = n->loc;
	enum addr_space space = AS_KERNEL;
	struct val v;
	int r;

	v = lower_int(L, arg);
	/* uprobe arguments are integers in user space (uprobe.c) */
	if (arg->type->kind == T_PTR || arg->type->kind == T_INT)
		space = arg->type->space == AS_USER ? AS_USER : AS_KERNEL;
	if (dataloc) {
		r = lower_own(L, v, l);
		ir_alui(L->f, BPF_AND, r, r, 0xffff, l);
		ir_alu(L->f, BPF_ADD, r, r, lower_ctx(L), l);
		v = val_reg(r, true);
	}
	if (zero && str)
		lower_zero(L, d.base, d.off, w, l);	/* _str stops at NUL */
	r = lower_reg(L, v, l);
	lower_read(L, lower_read_helper(space, str), d, w, r, 0, l);
}

/* ---- str(p [, n]) ---- */

static const struct type *str_check(struct sema *S, struct node *n)
{
	struct node *a = n->args;
	const struct type *t = sema_expr(S, a);
	unsigned size = sema_str_size(S);

	if (a->next && !sema_const_size(S, n, a->next, &size))
		return sema_bad();
	if (sema_is_bad(t))
		return sema_bad();
	if (type_is_string(t))
		return t;	/* already a string */
	if (t->kind == T_ARRAY && t->base->kind == T_INT && t->base->size == 1)
		return type_string(sema_arena(S), t->len);
	if (!type_is_scalar(t)) {
		sema_error(S, &a->loc, "str() needs a pointer or an address, "
			   "got %s", sema_type_name(S, t));
		return sema_bad();
	}
	return type_string(sema_arena(S), size);
}

static void str_into(struct lower *L, struct node *n, struct dst d,
		     unsigned w, bool zero)
{
	if (lower_is_mem(n->args->type)) {
		/* a string already: as is */
		lower_into(L, n->args, (struct dst){ d.base, d.off, w }, zero);
		return;
	}
	read_into(L, n, d, w, zero, true, false);
}

const struct builtin builtin_str = {
	.name = "str",
	.kind = BK_FUNC,
	.min_args = 1,
	.max_args = 2,
	.usage = "str(p[, n])",
	.help = "the string at p, at most n bytes (default -s)",
	.check = str_check,
	.lower_into = str_into,
};

/* ---- uptr(p) ---- */

static const struct type *uptr_check(struct sema *S, struct node *n)
{
	struct node *a = n->args;
	const struct type *t = sema_expr(S, a);

	if (sema_is_bad(t))
		return sema_bad();
	if (t->kind == T_PTR)
		return type_ptr(sema_arena(S), t->base, AS_USER);
	if (t->kind == T_INT)
		return type_ptr(sema_arena(S), &type_void, AS_USER);
	sema_error(S, &a->loc, "uptr() needs a pointer or an address, got %s",
		   sema_type_name(S, t));
	return sema_bad();
}

/* the same value: only its type (the address space) changes */
static struct val uptr_lower(struct lower *L, struct node *n)
{
	return lower_int(L, n->args);
}

const struct builtin builtin_uptr = {
	.name = "uptr",
	.kind = BK_FUNC,
	.min_args = 1,
	.max_args = 1,
	.usage = "uptr(p)",
	.help = "p as a user-space pointer",
	.check = uptr_check,
	.lower_int = uptr_lower,
};

/* ---- mem(p, n) ---- */

static const struct type *mem_check(struct sema *S, struct node *n)
{
	struct node *a = n->args;
	const struct type *t = sema_expr(S, a);
	unsigned size;

	if (!sema_const_size(S, n, a->next, &size) || sema_is_bad(t))
		return sema_bad();
	if (!type_is_scalar(t)) {
		sema_error(S, &a->loc, "mem() needs a pointer or an address, "
			   "got %s", sema_type_name(S, t));
		return sema_bad();
	}
	return type_array(sema_arena(S), &type_u8, size);
}

static void mem_into(struct lower *L, struct node *n, struct dst d,
		     unsigned w, bool zero)
{
	read_into(L, n, d, w, zero, false, false);
}

const struct builtin builtin_mem = {
	.name = "mem",
	.kind = BK_FUNC,
	.min_args = 2,
	.max_args = 2,
	.usage = "mem(p, n)",
	.help = "n bytes at p, printed in hex",
	.check = mem_check,
	.lower_into = mem_into,
};

/* ---- strcmp(a, b) ---- */

static const struct type *strcmp_check(struct sema *S, struct node *n)
{
	struct node *a = n->args, *k;

	sema_expr(S, a);
	sema_expr(S, a->next);
	for (k = a; k; k = k->next)
		if (!sema_is_bad(k->type) && !type_is_string(k->type))
			sema_error(S, &k->loc, "strcmp() compares strings, "
				   "got %s%s", sema_type_name(S, k->type),
				   k->type->kind == T_PTR ?
				   "; read it with str()" : "");
	return &type_s64;
}

/* <0, 0, >0 as the first differing bytes' unsigned difference.  (Compared
 * with 0 by == or !=, lower_int.c compares like == on strings instead.) */
static struct val strcmp_lower(struct lower *L, struct node *n)
{
	struct node *a = n->args, *b = n->args->next;
	unsigned len = a->type->size < b->type->size ? a->type->size
						      : b->type->size;
	struct addr x, y;
	struct loc l = n->loc;
	int ra = lower_vreg(L), rb = lower_vreg(L), r = lower_vreg(L);
	int diff = ir_label(L->f), eq = ir_label(L->f), end = ir_label(L->f);

	lower_mem_addr(L, a, &x);
	lower_mem_addr(L, b, &y);
	lower_str_bytes(L, &x, &y, len, ra, rb, diff, eq, l);
	ir_place(L->f, eq, l);
	ir_movi(L->f, r, 0, l);
	ir_ja(L->f, end, l);
	ir_place(L->f, diff, l);
	ir_alu(L->f, BPF_SUB, r, ra, rb, l);
	ir_place(L->f, end, l);
	return val_reg(r, true);
}

const struct builtin builtin_strcmp = {
	.name = "strcmp",
	.kind = BK_FUNC,
	.min_args = 2,
	.max_args = 2,
	.usage = "strcmp(a, b)",
	.help = "compare strings: <0, 0, >0",
	.check = strcmp_check,
	.lower_int = strcmp_lower,
};

/* ---- dyn(field) ---- */

static const struct type *dyn_check(struct sema *S, struct node *n)
{
	struct node *a = n->args;
	const struct type *t = sema_expr(S, a);

	if (sema_is_bad(t))
		return sema_bad();
	if (a->kind != N_MEMBER || t->fmt != F_DATALOC) {
		sema_error(S, &a->loc, "dyn() needs a __data_loc field, got %s",
			   sema_type_name(S, t));
		return sema_bad();
	}
	return type_string(sema_arena(S), sema_str_size(S));
}

static void dyn_into(struct lower *L, struct node *n, struct dst d,
		     unsigned w, bool zero)
{
	read_into(L, n, d, w, zero, true, true);
}

const struct builtin builtin_dyn = {
	.name = "dyn",
	.kind = BK_FUNC,
	.min_args = 1,
	.max_args = 1,
	.usage = "dyn(field)",
	.help = "a tracepoint's __data_loc field as a string",
	.check = dyn_check,
	.lower_into = dyn_into,
};
