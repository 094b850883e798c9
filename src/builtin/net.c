/* net.c - network addresses: ntop(), macaddr(), pton().
 *
 * Input: an IPv4 address as an integer (as the kernel keeps one, in
 * network order: its bytes in memory are the address's) or as 4 bytes, an
 * IPv6 address as 16 bytes, optionally after the family (ntop(AF_INET6,
 * a)); six bytes of a MAC address, or their address; an address written
 * as text (pton, at compile time).  Output: values user space prints as
 * text (type.h's F_INET, F_MACADDR): bytes that are map keys and record
 * arguments like any other, so @conns[ntop(daddr)] counts by address.
 */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "arena.h"
#include "ast.h"
#include "builtin.h"
#include "lower.h"
#include "sema.h"
#include "type.h"

/* u8[@len] with print format @fmt */
static const struct type *bytes_type(struct sema *S, unsigned len,
				     enum type_fmt fmt)
{
	struct type *t = arena_alloc(sema_arena(S), sizeof(*t));

	*t = *type_array(sema_arena(S), &type_u8, len);
	t->fmt = fmt;
	return t;
}

/* A byte array of @len bytes (chars or u8) */
static bool is_bytes(const struct type *t, unsigned len)
{
	return t->kind == T_ARRAY && t->base->kind == T_INT &&
	       t->base->size == 1 && t->len == len;
}

/* ---- ntop([af, ] addr): {u64 af; u8 addr[16]} ---- */

#define NTOP_SIZE	24

static const struct type *ntop_check(struct sema *S, struct node *n)
{
	struct node *a = n->args, *addr = a->next ? a->next : a;
	const struct type *t, *ft = NULL;

	if (a->next)
		ft = sema_expr(S, a);
	t = sema_expr(S, addr);
	if ((ft && sema_is_bad(ft)) || sema_is_bad(t))
		return sema_bad();
	if (ft && !type_is_int(ft)) {
		sema_error(S, &a->loc, "ntop()'s family is an integer "
			   "(AF_INET, AF_INET6), got %s", sema_type_name(S, ft));
		return sema_bad();
	}
	if (!type_is_int(t) && !is_bytes(t, 4) && !is_bytes(t, 16)) {
		sema_error(S, &addr->loc, "ntop() needs an IPv4 address (an "
			   "integer or 4 bytes) or an IPv6 one (16 bytes), got "
			   "%s", sema_type_name(S, t));
		return sema_bad();
	}
	return bytes_type(S, NTOP_SIZE, F_INET);
}

static void ntop_into(struct lower *L, struct node *n, struct dst d,
		      unsigned w, bool zero)
{
	struct node *a = n->args, *addr = a->next ? a->next : a;
	const struct type *t = addr->type;
	struct loc l = n->loc;
	struct val af;

	if (a->next)
		af = lower_int(L, a);
	else
		af = val_imm(type_is_int(t) || t->len == 4 ? AF_INET : AF_INET6);
	lower_store8(L, d.base, d.off, af, l);
	if (type_is_int(t)) {
		/* the integer's bytes as they are in memory: a 4-byte store
		 * of its low half, which is where an IPv4 address (a __be32)
		 * is; an 8-byte one would put them 4 bytes on on big-endian
		 * targets */
		struct val v = lower_int(L, addr);

		if (v.imm)
			ir_st(L->f, BPF_W, d.base, d.off + 8,
			      (int32_t)(uint32_t)v.k, l);
		else
			ir_stx(L->f, BPF_W, d.base, d.off + 8,
			       lower_reg(L, v, l), l);
		lower_zero(L, d.base, d.off + 12, 12, l);
		return;
	}
	lower_into(L, addr, (struct dst){ d.base, d.off + 8, 16 }, false);
}

const struct builtin builtin_ntop = {
	.name = "ntop",
	.kind = BK_FUNC,
	.min_args = 1,
	.max_args = 2,
	.usage = "ntop([af, ]addr)",
	.help = "an IPv4 (integer, 4 bytes) or IPv6 (16 bytes) address as text",
	.check = ntop_check,
	.lower_into = ntop_into,
};

/* ---- macaddr(mac) ---- */

#define MAC_SIZE	6

static const struct type *macaddr_check(struct sema *S, struct node *n)
{
	struct node *a = n->args;
	const struct type *t = sema_expr(S, a);

	if (sema_is_bad(t))
		return sema_bad();
	if (!is_bytes(t, MAC_SIZE) && !type_is_scalar(t)) {
		sema_error(S, &a->loc, "macaddr() needs 6 bytes or their "
			   "address, got %s", sema_type_name(S, t));
		return sema_bad();
	}
	return bytes_type(S, MAC_SIZE, F_MACADDR);
}

static void macaddr_into(struct lower *L, struct node *n, struct dst d,
			 unsigned w, bool zero)
{
	struct node *a = n->args;
	enum addr_space space = AS_KERNEL;
	int r;

	if (!type_is_scalar(a->type)) {
		lower_into(L, a, (struct dst){ d.base, d.off, MAC_SIZE }, false);
		return;
	}
	if (a->type->space == AS_USER)
		space = AS_USER;
	r = lower_reg(L, lower_int(L, a), n->loc);
	lower_read(L, lower_read_helper(space, false),
		   (struct dst){ d.base, d.off, MAC_SIZE }, MAC_SIZE, r, 0,
		   n->loc);
}

const struct builtin builtin_macaddr = {
	.name = "macaddr",
	.kind = BK_FUNC,
	.min_args = 1,
	.max_args = 1,
	.usage = "macaddr(mac)",
	.help = "6 bytes (or the 6 at an address) as a MAC address",
	.check = macaddr_check,
	.lower_into = macaddr_into,
};

/* ---- pton("addr"): u8[4] or u8[16], at compile time ---- */

static const struct type *pton_check(struct sema *S, struct node *n)
{
	const char *text = sema_literal(S, n, n->args, "address");
	unsigned char b[16];

	if (!text)
		return sema_bad();
	if (inet_pton(AF_INET, text, b) == 1)
		return type_array(sema_arena(S), &type_u8, 4);
	if (inet_pton(AF_INET6, text, b) == 1)
		return type_array(sema_arena(S), &type_u8, 16);
	sema_error(S, &n->args->loc, "pton() needs an IPv4 or IPv6 "
		   "address, got '%s'", text);
	return sema_bad();
}

static void pton_into(struct lower *L, struct node *n, struct dst d,
		      unsigned w, bool zero)
{
	unsigned char b[16];

	if (n->type->len == 4)
		inet_pton(AF_INET, n->args->str, b);
	else
		inet_pton(AF_INET6, n->args->str, b);
	lower_store_bytes(L, d.base, d.off, b, w, n->loc);
}

const struct builtin builtin_pton = {
	.name = "pton",
	.kind = BK_FUNC,
	.min_args = 1,
	.max_args = 1,
	.usage = "pton(\"addr\")",
	.help = "an IPv4 or IPv6 address written as text, as its bytes",
	.check = pton_check,
	.lower_into = pton_into,
};
