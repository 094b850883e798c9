/* mem.c - builtins that read memory: str(), mem(), dyn(), uptr(), strcmp(),
 * and bpftrace's strncmp(), strcontains(), buf(), path().
 *
 * Input: calls whose arguments are pointers, addresses or strings.
 * Output: their types (a string of -s bytes or the size given, a byte
 * array, a user pointer, an int), and IR that reads with
 * bpf_probe_read_{kernel,user}{,_str}() straight into the destination the
 * value is wanted in (a record, a map key, a stack buffer): no copy.
 */
#include <assert.h>
#include <string.h>

#include <linux/bpf.h>

#include "arena.h"
#include "ast.h"
#include "builtin.h"
#include "lower.h"
#include "provider.h"
#include "script.h"
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

/* str(), mem() and dyn() of a __data_loc field read the data it locates
 * in the record (read_into() adds the record's address to its offset), so
 * the field must be read where it is: a copy in a map has lost its record.
 * False (reported) for such a copy. */
static bool dataloc_read(struct sema *S, const struct node *a,
			 const struct type *t, const char *fn)
{
	if (t->fmt != F_DATALOC || a->kind == N_MEMBER)
		return true;
	sema_error(S, &a->loc, "%s() of a copied __data_loc value: read the "
		   "field itself, as in %s(args->filename)", fn, fn);
	return false;
}

/* ---- str(p [, n]) ---- */

static const struct type *str_check(struct sema *S, struct node *n)
{
	struct node *a = n->args;
	const struct type *t;
	unsigned size = sema_str_size(S);

	if (a->next && !sema_const_size(S, n, a->next, &size))
		return sema_bad();
	if (a->kind == N_POSITIONAL)	/* str($1): the parameter's text */
		return sema_positional_str(S, a, a->next ? size : 0);
	t = sema_expr(S, a);
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
	if (!dataloc_read(S, a, t, "str"))
		return sema_bad();
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
	/* a __data_loc field as bpftrace reads it: str(args->filename) */
	read_into(L, n, d, w, zero, true, n->args->type->fmt == F_DATALOC);
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

/* uptr(p), bpftrace's kptr(p): p, read from user (kernel) memory */
static const struct type *ptr_space_check(struct sema *S, struct node *n)
{
	struct node *a = n->args;
	const struct type *t = sema_expr(S, a);
	enum addr_space space = n->name[0] == 'u' ? AS_USER : AS_KERNEL;

	if (sema_is_bad(t))
		return sema_bad();
	if (t->kind == T_PTR)
		return type_ptr(sema_arena(S), t->base, space);
	if (t->kind == T_INT)
		return type_ptr(sema_arena(S), &type_void, space);
	sema_error(S, &a->loc, "%s() needs a pointer or an address, got %s",
		   n->name, sema_type_name(S, t));
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
	.check = ptr_space_check,
	.lower_int = uptr_lower,
};

/* bpftrace's */
const struct builtin builtin_kptr = {
	.name = "kptr",
	.kind = BK_FUNC,
	.min_args = 1,
	.max_args = 1,
	.usage = "kptr(p)",
	.help = "p as a kernel pointer",
	.check = ptr_space_check,
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
	if (!dataloc_read(S, a, t, "mem"))
		return sema_bad();
	return type_array(sema_arena(S), &type_u8, size);
}

static void mem_into(struct lower *L, struct node *n, struct dst d,
		     unsigned w, bool zero)
{
	read_into(L, n, d, w, zero, false, n->args->type->fmt == F_DATALOC);
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

/* ---- bpftrace's: strncmp(), strcontains(), buf(), path() ---- */

/* Both arguments strings (char arrays), each reported once otherwise. */
static bool two_strings(struct sema *S, struct node *n)
{
	struct node *k;
	bool ok = true;

	for (k = n->args; k && k != n->args->next->next; k = k->next) {
		const struct type *t = sema_expr(S, k);

		if (sema_is_bad(t)) {
			ok = false;
		} else if (!type_is_string(t)) {
			sema_error(S, &k->loc, "%s() takes strings, got %s%s",
				   n->name, sema_type_name(S, t),
				   t->kind == T_PTR ? "; read it with str()" : "");
			ok = false;
		}
	}
	return ok;
}

/* strncmp(a, b, n): 0 when the first n bytes agree (or both strings end
 * alike before), else 1, as bpftrace; never past the shorter string. */
static const struct type *strncmp_check(struct sema *S, struct node *n)
{
	struct node *len = n->args->next->next;
	bool ok = two_strings(S, n);
	const struct type *t = sema_expr(S, len);

	if (sema_is_bad(t))
		return sema_bad();
	if (!type_is_int(t) || !len->is_const || len->cval < 0) {
		sema_error(S, &len->loc, "strncmp()'s length must be a "
			   "constant integer, 0 or more");
		return sema_bad();
	}
	return ok ? &type_s64 : sema_bad();
}

static struct val strncmp_lower(struct lower *L, struct node *n)
{
	struct node *a = n->args, *b = a->next;
	uint64_t len = (uint64_t)b->next->cval;
	struct addr x, y;
	struct loc l = n->loc;
	int ra = lower_vreg(L), rb = lower_vreg(L), r = lower_vreg(L);
	int diff = ir_label(L->f), eq = ir_label(L->f), end = ir_label(L->f);

	if (len > a->type->size)
		len = a->type->size;
	if (len > b->type->size)
		len = b->type->size;
	if (!len)
		return val_imm(0);
	lower_mem_addr(L, a, &x);
	lower_mem_addr(L, b, &y);
	lower_str_bytes(L, &x, &y, (unsigned)len, ra, rb, diff, eq, l);
	ir_place(L->f, eq, l);
	ir_movi(L->f, r, 0, l);
	ir_ja(L->f, end, l);
	ir_place(L->f, diff, l);
	ir_movi(L->f, r, 1, l);
	ir_place(L->f, end, l);
	return val_reg(r, true);
}

const struct builtin builtin_strncmp = {
	.name = "strncmp",
	.kind = BK_FUNC,
	.min_args = 3,
	.max_args = 3,
	.usage = "strncmp(a, b, n)",
	.help = "0 when strings a and b agree in their first n bytes, else 1",
	.check = strncmp_check,
	.lower_int = strncmp_lower,
};

/* strcontains(haystack, needle) is unrolled: every start in the haystack
 * against every byte of the needle, one compare each (two instructions
 * against a literal).  Past this many compares the program grows too
 * large to be worth it. */
#define STRCONTAINS_MAX		(64 * 64)

static unsigned needle_len(const struct node *b)
{
	return b->kind == N_STR ? b->len : b->type->size;
}

static const struct type *strcontains_check(struct sema *S, struct node *n)
{
	struct node *a = n->args, *b = a->next;

	if (!two_strings(S, n))
		return sema_bad();
	if ((uint64_t)a->type->size * needle_len(b) > STRCONTAINS_MAX) {
		sema_error(S, &n->loc, "strcontains() of %s in %s needs %u "
			   "compares, more than %u: read fewer bytes (str(p, "
			   "n))", sema_type_name(S, b->type),
			   sema_type_name(S, a->type),
			   a->type->size * needle_len(b), STRCONTAINS_MAX);
		return sema_bad();
	}
	return &type_s64;
}

/* 1 when needle occurs in haystack (an empty needle always does), else
 * 0.  For each start i: compare needle byte j with haystack byte i + j
 * until the needle's NUL (found) or a difference (next start); a start
 * whose match would run past the haystack fails. */
static struct val strcontains_lower(struct lower *L, struct node *n)
{
	struct node *a = n->args, *b = a->next;
	unsigned hlen = a->type->size, nlen = needle_len(b), i, j;
	bool lit = b->kind == N_STR;
	struct addr x, y = { 0 };
	struct loc l = n->loc;
	int r = lower_vreg(L), rh = lower_vreg(L), rn = lower_vreg(L);
	int found = ir_label(L->f), end = ir_label(L->f);

	if (lit && !nlen)
		return val_imm(1);
	lower_mem_addr(L, a, &x);
	if (!lit)
		lower_mem_addr(L, b, &y);
	for (i = 0; i < hlen; i++) {
		int next = ir_label(L->f);

		for (j = 0; j < nlen; j++) {
			if (!lit) {
				ir_ldx(L->f, BPF_B, rn, y.base, y.off + (int)j,
				       l);
				ir_jcci(L->f, BPF_JEQ, rn, 0, found, l);
			}
			if (i + j >= hlen) {
				ir_ja(L->f, next, l);
				break;
			}
			ir_ldx(L->f, BPF_B, rh, x.base, x.off + (int)(i + j),
			       l);
			if (lit)
				ir_jcci(L->f, BPF_JNE, rh,
					(unsigned char)b->str[j], next, l);
			else
				ir_jcc(L->f, BPF_JNE, rh, rn, next, l);
		}
		if (j == nlen)
			ir_ja(L->f, found, l);
		ir_place(L->f, next, l);
	}
	ir_movi(L->f, r, 0, l);
	ir_ja(L->f, end, l);
	ir_place(L->f, found, l);
	ir_movi(L->f, r, 1, l);
	ir_place(L->f, end, l);
	return val_reg(r, true);
}

const struct builtin builtin_strcontains = {
	.name = "strcontains",
	.kind = BK_FUNC,
	.min_args = 2,
	.max_args = 2,
	.usage = "strcontains(s, t)",
	.help = "1 when string t occurs in string s, else 0",
	.check = strcontains_check,
	.lower_int = strcontains_lower,
};

/* buf(p, n), buf(array[, n]): {u64 len; u8 data[size]}, printed as %r.
 * A constant n is the size; a computed one is clamped to -s bytes, the
 * size then, as bpftrace's BPFTRACE_STRLEN limit. */
static const struct type *buf_check(struct sema *S, struct node *n)
{
	struct node *a = n->args, *len = a->next;
	const struct type *t = sema_expr(S, a), *lt = NULL;
	unsigned size = 0;
	struct type *r;

	if (len && !sema_is_bad(lt = sema_expr(S, len)) && len->is_const &&
	    !sema_const_size(S, n, len, &size))
		return sema_bad();
	if (sema_is_bad(t) || (lt && sema_is_bad(lt)))
		return sema_bad();
	if (lt && !type_is_int(lt)) {
		sema_error(S, &len->loc, "buf()'s length is an integer, got %s",
			   sema_type_name(S, lt));
		return sema_bad();
	}
	if (t->kind == T_ARRAY) {
		if (!size || size > t->size)
			size = t->size;
	} else if (!type_is_scalar(t)) {
		sema_error(S, &a->loc, "buf() needs an address or an array, "
			   "got %s", sema_type_name(S, t));
		return sema_bad();
	} else if (!len) {
		sema_error(S, &n->loc, "buf() of an address needs a length, "
			   "as in buf(p, 16)");
		return sema_bad();
	} else if (!size) {
		size = sema_str_size(S);
	}
	r = arena_alloc(sema_arena(S), sizeof(*r));
	*r = *type_array(sema_arena(S), &type_u8, 8 + size);
	r->fmt = F_BUF;
	return r;
}

static void buf_into(struct lower *L, struct node *n, struct dst d,
		     unsigned w, bool zero)
{
	struct node *a = n->args, *len = a->next;
	unsigned size = n->type->len - 8;
	enum addr_space space = AS_KERNEL;
	struct loc l = n->loc;
	int p, r, fits;

	if (a->type->kind == T_ARRAY) {
		lower_into(L, a, (struct dst){ d.base, d.off + 8, size }, false);
		lower_store8(L, d.base, d.off, val_imm(size), l);
		return;
	}
	if (a->type->space == AS_USER)
		space = AS_USER;
	p = lower_reg(L, lower_int(L, a), l);
	if (len->is_const) {
		if (zero)
			lower_zero(L, d.base, d.off + 8, size, l);
		lower_read(L, lower_read_helper(space, false),
			   (struct dst){ d.base, d.off + 8, size }, size, p, 0,
			   l);
		lower_store8(L, d.base, d.off, val_imm(size), l);
		return;
	}
	/* a computed length: at most the size, and the verifier must see
	 * the bound it reads with */
	r = lower_own(L, lower_int(L, len), l);
	fits = ir_label(L->f);
	ir_jcci(L->f, BPF_JLE, r, size, fits, l);
	ir_movi(L->f, r, size, l);
	ir_place(L->f, fits, l);
	lower_zero(L, d.base, d.off + 8, size, l);
	ir_stx(L->f, BPF_DW, d.base, d.off, r, l);
	lower_call(L, lower_read_helper(space, false), l,
		   LA_PTR(d.base, d.off + 8), LA_REG(r), LA_REG(p));
}

const struct builtin builtin_buf = {
	.name = "buf",
	.kind = BK_FUNC,
	.min_args = 1,
	.max_args = 2,
	.usage = "buf(p, n)",
	.help = "n bytes at p (or an array's), printed as \\xNN escapes (%r)",
	.check = buf_check,
	.lower_into = buf_into,
};

/* path(p): the kernel's bpf_d_path(), which it allows in fentry/fexit
 * (tracing), iterator and LSM programs only, on a struct path * it handed
 * them, and in functions on its allowlist (checked when loading).  p is a
 * struct path *, or as bpftrace writes it the struct path itself
 * (path(args->file->f_path)), which stands for its address. */
static const struct type *path_check(struct sema *S, struct node *n)
{
	struct node *a = n->args;
	const struct type *t = sema_expr(S, a);
	const struct probe *p = sema_probe(S);

	if (sema_is_bad(t))
		return sema_bad();
	if (p->prog_type != BPF_PROG_TYPE_TRACING &&
	    p->prog_type != BPF_PROG_TYPE_LSM) {
		sema_error(S, &n->loc, "path() works in fentry, fexit and iter "
			   "probes only: the kernel's bpf_d_path() is refused "
			   "in %s probes", p->prov ? p->prov->name : "these");
		return sema_bad();
	}
	if (t->kind != T_PTR && !(t->kind == T_STRUCT && t->name &&
				  !strcmp(t->name, "path") &&
				  a->kind == N_MEMBER)) {
		sema_error(S, &a->loc, "path() needs a struct path * or a "
			   "struct path member, got %s", sema_type_name(S, t));
		return sema_bad();
	}
	return type_string(sema_arena(S), sema_str_size(S));
}

/* The pointer path() hands bpf_d_path(), as the verifier must see it: a
 * BTF pointer.  For the struct form, its address.  An iterator's object
 * pointers may be NULL (PTR_TO_BTF_ID_OR_NULL), and lowering reads them
 * with the helper, as integers, which the verifier takes for no pointer:
 * for ctx->file->f_path the object is loaded here directly instead and
 * checked, NULL jumping to @skip (the string stays empty).  Only one walk
 * deep: a pointer loaded from the object (ctx->vma->vm_file) is one the
 * verifier does not trust, and bpf_d_path() wants a trusted one. */
static int path_ptr(struct lower *L, struct node *a, int skip)
{
	struct node *x;
	struct addr ad;
	unsigned off, xoff;
	bool ok;
	int r;

	/* &x->f_path is the struct form too */
	if (a->kind == N_UNARY && a->op == U_ADDR &&
	    a->lhs->kind == N_MEMBER && a->lhs->type->kind == T_STRUCT)
		a = a->lhs;
	if (a->type->kind == T_PTR)
		return lower_reg(L, lower_int(L, a), a->loc);
	assert(a->kind == N_MEMBER && "path_check took a member");
	x = a->lhs;
	r = lower_vreg(L);
	if (a->arrow && x->kind == N_MEMBER && x->arrow && x->lhs->pvar &&
	    x->lhs->pvar->kind == PV_CTX && x->lhs->pvar->nullable) {
		lower_member(x, &xoff);
		lower_member(a, &off);
		ir_ldx(L->f, BPF_DW, r, lower_ctx(L), (int)xoff, x->loc);
		ir_jcci(L->f, BPF_JEQ, r, 0, skip, x->loc);
		ir_alui(L->f, BPF_ADD, r, r, off, a->loc);
		return r;
	}
	ok = lower_addr(L, a, &ad);
	assert(ok && "a member has an address");
	(void)ok;
	ir_alui(L->f, BPF_ADD, r, ad.base, ad.off, a->loc);
	return r;
}

static void path_into(struct lower *L, struct node *n, struct dst d,
		      unsigned w, bool zero)
{
	int skip = ir_label(L->f), p;

	if (zero)
		lower_zero(L, d.base, d.off, w, n->loc);
	p = path_ptr(L, n->args, skip);
	lower_call(L, BPF_FUNC_d_path, n->loc, LA_REG(p),
		   LA_PTR(d.base, d.off), LA_IMM(w));
	lower_check_ret(L, BPF_FUNC_d_path, n->loc);
	ir_place(L->f, skip, n->loc);
}

const struct builtin builtin_path = {
	.name = "path",
	.kind = BK_FUNC,
	.min_args = 1,
	.max_args = 1,
	.usage = "path(p)",
	.help = "the file path of a struct path * or struct path "
		"(fentry/fexit/iter only)",
	.check = path_check,
	.lower_into = path_into,
};
