/* btfgen.h - hand-made BTF blobs for the unit suites, so that the BTF reader
 * and everything typed from kernel types is tested without a kernel.
 *
 *   struct btfgen g;
 *   btfgen_init(&g, NULL);                       (or a base, for a module)
 *   uint32_t u32 = btfgen_int(&g, "unsigned int", 4, 0);
 *   uint32_t st = btfgen_struct(&g, "foo", 8);   (members follow)
 *   btfgen_member(&g, "a", u32, 0, 0);
 *   ...
 *   void *blob = btfgen_blob(&g, &size);         (free() it; btfgen_free(&g))
 *
 * Types are numbered from 1 (or after the base's) in the order they are
 * added; members, enumerators and parameters belong to the type added last
 * (BTF stores them right after it), so make what they refer to first, or
 * refer forward by id.
 * Strings are deduplicated, as the kernel's are.
 */
#ifndef SPRY_BTFGEN_H
#define SPRY_BTFGEN_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/btf.h>

struct btfgen {
	uint8_t *types;
	size_t tlen, tcap;
	char *strs;
	size_t slen, scap;
	uint32_t first_id, n;	/* ids: first_id .. first_id + n - 1 */
	uint32_t str_base;	/* a module's strings continue its base's */
	size_t last;		/* offset of the last type added */
	const struct btfgen *base;
};

static inline void btfgen_put(struct btfgen *g, const void *p, size_t n)
{
	if (g->tlen + n > g->tcap) {
		g->tcap = (g->tlen + n) * 2 + 64;
		g->types = realloc(g->types, g->tcap);
	}
	memcpy(g->types + g->tlen, p, n);
	g->tlen += n;
}

static inline void btfgen_init(struct btfgen *g, const struct btfgen *base)
{
	memset(g, 0, sizeof(*g));
	g->base = base;
	g->first_id = base ? base->first_id + base->n : 1;
	g->str_base = base ? (uint32_t)base->slen : 0;
	/* string 0 is "" */
	g->scap = 64;
	g->strs = calloc(1, g->scap);
	g->slen = 1;
}

static inline void btfgen_free(struct btfgen *g)
{
	free(g->types);
	free(g->strs);
}

/* A string's offset: the base's if it has it (as split BTF dedups), else
 * this blob's own. */
static inline uint32_t btfgen_str(struct btfgen *g, const char *s)
{
	size_t n = strlen(s) + 1, i;

	if (!*s)
		return 0;
	if (g->base)
		for (i = 1; i + n <= g->base->slen; i++)
			if (!memcmp(g->base->strs + i, s, n) &&
			    !g->base->strs[i - 1])
				return (uint32_t)i;
	for (i = 1; i + n <= g->slen; i++)
		if (!memcmp(g->strs + i, s, n) && !g->strs[i - 1])
			return g->str_base + (uint32_t)i;
	if (g->slen + n > g->scap) {
		g->scap = (g->slen + n) * 2;
		g->strs = realloc(g->strs, g->scap);
	}
	memcpy(g->strs + g->slen, s, n);
	g->slen += n;
	return g->str_base + (uint32_t)(g->slen - n);
}

/* A type's common part; returns its id. */
static inline uint32_t btfgen_type(struct btfgen *g, const char *name,
				   unsigned kind, int kflag, uint32_t size_type)
{
	struct btf_type t = {
		.name_off = name ? btfgen_str(g, name) : 0,
		.info = (uint32_t)kind << 24 | (uint32_t)(kflag ? 1u << 31 : 0),
		.size = size_type,
	};

	g->last = g->tlen;
	btfgen_put(g, &t, sizeof(t));
	return g->first_id + g->n++;
}

/* The id of the last type added (first_id - 1 before any). */
static inline uint32_t btfgen_cur_id(const struct btfgen *g)
{
	return g->first_id + g->n - 1;
}

/* One more member/enumerator/parameter for the last type. */
static inline void btfgen_vlen_inc(struct btfgen *g)
{
	struct btf_type *t = (struct btf_type *)(g->types + g->last);

	t->info++;
}

static inline uint32_t btfgen_int(struct btfgen *g, const char *name,
				  uint32_t size, unsigned enc)
{
	uint32_t id = btfgen_type(g, name, BTF_KIND_INT, 0, size);
	uint32_t v = enc << 24 | size * 8;

	btfgen_put(g, &v, 4);
	return id;
}

/* An old-style bitfield base: an int @bits wide at bit @off of its unit. */
static inline uint32_t btfgen_int_bits(struct btfgen *g, const char *name,
				       uint32_t size, unsigned enc,
				       unsigned off, unsigned bits)
{
	uint32_t id = btfgen_type(g, name, BTF_KIND_INT, 0, size);
	uint32_t v = enc << 24 | off << 16 | bits;

	btfgen_put(g, &v, 4);
	return id;
}

static inline uint32_t btfgen_ref(struct btfgen *g, unsigned kind,
				  const char *name, uint32_t to)
{
	return btfgen_type(g, name, kind, 0, to);
}

#define btfgen_ptr(g, to)		btfgen_ref(g, BTF_KIND_PTR, NULL, to)
#define btfgen_const(g, to)		btfgen_ref(g, BTF_KIND_CONST, NULL, to)
#define btfgen_volatile(g, to)		btfgen_ref(g, BTF_KIND_VOLATILE, NULL, to)
#define btfgen_typedef(g, name, to)	btfgen_ref(g, BTF_KIND_TYPEDEF, name, to)
#define btfgen_type_tag(g, tag, to)	btfgen_ref(g, BTF_KIND_TYPE_TAG, tag, to)
#define btfgen_func(g, name, proto)	btfgen_ref(g, BTF_KIND_FUNC, name, proto)

static inline uint32_t btfgen_array(struct btfgen *g, uint32_t elem,
				    uint32_t index, uint32_t n)
{
	uint32_t id = btfgen_type(g, NULL, BTF_KIND_ARRAY, 0, 0);
	struct btf_array a = { .type = elem, .index_type = index, .nelems = n };

	btfgen_put(g, &a, sizeof(a));
	return id;
}

/* A struct (or union) of @size bytes; its members follow with
 * btfgen_member().  kflag: member offsets carry bitfield sizes. */
static inline uint32_t btfgen_record(struct btfgen *g, const char *name,
				     uint32_t size, int is_union, int kflag)
{
	return btfgen_type(g, name, is_union ? BTF_KIND_UNION : BTF_KIND_STRUCT,
			   kflag, size);
}

#define btfgen_struct(g, name, size)	btfgen_record(g, name, size, 0, 1)
#define btfgen_union(g, name, size)	btfgen_record(g, name, size, 1, 1)

/* @bit_off bits from the record's start; @bits > 0 for a bitfield (needs
 * a record made with kflag). */
static inline void btfgen_member(struct btfgen *g, const char *name,
				 uint32_t type, uint32_t bit_off, uint32_t bits)
{
	struct btf_member m = {
		.name_off = name ? btfgen_str(g, name) : 0,
		.type = type,
		.offset = bits << 24 | bit_off,
	};

	btfgen_put(g, &m, sizeof(m));
	btfgen_vlen_inc(g);
}

static inline uint32_t btfgen_fwd(struct btfgen *g, const char *name,
				  int is_union)
{
	return btfgen_type(g, name, BTF_KIND_FWD, is_union, 0);
}

static inline uint32_t btfgen_enum(struct btfgen *g, const char *name,
				   uint32_t size, int is_signed)
{
	return btfgen_type(g, name, BTF_KIND_ENUM, is_signed, size);
}

static inline void btfgen_enumerator(struct btfgen *g, const char *name,
				     int32_t val)
{
	struct btf_enum e = { .name_off = btfgen_str(g, name), .val = val };

	btfgen_put(g, &e, sizeof(e));
	btfgen_vlen_inc(g);
}

static inline uint32_t btfgen_enum64(struct btfgen *g, const char *name,
				     int is_signed)
{
	return btfgen_type(g, name, BTF_KIND_ENUM64, is_signed, 8);
}

static inline void btfgen_enumerator64(struct btfgen *g, const char *name,
				       uint64_t val)
{
	struct btf_enum64 e = {
		.name_off = btfgen_str(g, name),
		.val_lo32 = (uint32_t)val,
		.val_hi32 = (uint32_t)(val >> 32),
	};

	btfgen_put(g, &e, sizeof(e));
	btfgen_vlen_inc(g);
}

/* A prototype returning @ret; btfgen_param() adds the parameters (type 0
 * and no name: "..."). */
static inline uint32_t btfgen_proto(struct btfgen *g, uint32_t ret)
{
	return btfgen_type(g, NULL, BTF_KIND_FUNC_PROTO, 0, ret);
}

static inline void btfgen_param(struct btfgen *g, const char *name,
				uint32_t type)
{
	struct btf_param p = {
		.name_off = name ? btfgen_str(g, name) : 0,
		.type = type,
	};

	btfgen_put(g, &p, sizeof(p));
	btfgen_vlen_inc(g);
}

static inline uint32_t btfgen_float(struct btfgen *g, const char *name,
				    uint32_t size)
{
	return btfgen_type(g, name, BTF_KIND_FLOAT, 0, size);
}

/* The blob: header, types, strings.  malloc'ed; *@size its length. */
static inline void *btfgen_blob(const struct btfgen *g, size_t *size)
{
	struct btf_header h = {
		.magic = BTF_MAGIC,
		.version = BTF_VERSION,
		.hdr_len = sizeof(h),
		.type_off = 0,
		.type_len = (uint32_t)g->tlen,
		.str_off = (uint32_t)g->tlen,
		.str_len = (uint32_t)g->slen,
	};
	uint8_t *b;

	*size = sizeof(h) + g->tlen + g->slen;
	b = malloc(*size);
	memcpy(b, &h, sizeof(h));
	memcpy(b + sizeof(h), g->types, g->tlen);
	memcpy(b + sizeof(h) + g->tlen, g->strs, g->slen);
	return b;
}

#endif
