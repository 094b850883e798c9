/* int.c - integer functions: bswap(x), bpftrace's strerror(e).
 *
 * Input: calls on integers.  Output: their types and the IR computing
 * them; constant arguments fold at compile time.
 */
#include <linux/bpf.h>

#include "arch.h"
#include "ast.h"
#include "builtin.h"
#include "lower.h"
#include "script.h"
#include "sema.h"
#include "type.h"

/* ---- bswap(x) ----
 * As bpftrace: the bytes of x in reverse order, an unsigned integer of x's
 * width (a u8 comes back unchanged): bswap(0x1234) of a u16 is 0x3412. */

static uint64_t bswap_fold(uint64_t v, unsigned size)
{
	switch (size) {
	case 2:
		return __builtin_bswap16((uint16_t)v);
	case 4:
		return __builtin_bswap32((uint32_t)v);
	case 8:
		return __builtin_bswap64(v);
	}
	return (uint8_t)v;
}

static const struct type *bswap_check(struct sema *S, struct node *n)
{
	struct node *a = n->args;
	const struct type *t = sema_expr(S, a);

	if (sema_is_bad(t))
		return sema_bad();
	if (!type_is_int(t)) {
		sema_error(S, &a->loc, "bswap() needs an integer, got %s",
			   sema_type_name(S, t));
		return sema_bad();
	}
	if (a->is_const) {
		n->is_const = true;
		n->cval = (int64_t)bswap_fold((uint64_t)a->cval, t->size);
	}
	return type_int(t->size, false);
}

/* BPF_END zero-extends from its width and swaps when converting to the
 * order the target does not have (ir_bswap() picks it). */
static struct val bswap_lower(struct lower *L, struct node *n)
{
	unsigned size = n->type->size;
	int r = lower_own(L, lower_int(L, n->args), n->loc);

	if (size == 1)
		ir_alui(L->f, BPF_AND, r, r, 0xff, n->loc);
	else
		ir_bswap(L->f, r, r, 8 * size,
			 L->s->arch && L->s->arch->big_endian, n->loc);
	return val_reg(r, true);
}

const struct builtin builtin_bswap = {
	.name = "bswap",
	.kind = BK_FUNC,
	.min_args = 1,
	.max_args = 1,
	.usage = "bswap(x)",
	.help = "x's bytes in reverse order, at x's width",
	.check = bswap_check,
	.lower_int = bswap_lower,
};

/* ---- strerror(e): bpftrace's, an errno printed as its text ---- */

static const struct type *strerror_check(struct sema *S, struct node *n)
{
	struct node *a = n->args;
	const struct type *t = sema_expr(S, a);

	if (sema_is_bad(t))
		return sema_bad();
	if (!type_is_int(t)) {
		sema_error(S, &a->loc, "strerror() needs an errno, got %s",
			   sema_type_name(S, t));
		return sema_bad();
	}
	return &type_strerror;
}

/* the number itself: user space prints strerror(3)'s text */
static struct val strerror_lower(struct lower *L, struct node *n)
{
	return lower_int(L, n->args);
}

const struct builtin builtin_strerror = {
	.name = "strerror",
	.kind = BK_FUNC,
	.min_args = 1,
	.max_args = 1,
	.usage = "strerror(e)",
	.help = "an errno, printed as its text (\"Operation not permitted\")",
	.check = strerror_check,
	.lower_int = strerror_lower,
};
