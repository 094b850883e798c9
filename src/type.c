/* type.c - the C-like type system: singletons, constructors, C declarations.
 *
 * Input: type requests from sema and providers, C declaration strings from
 * tracefs format files.  Output: immutable struct type values; scalar types are
 * static singletons, everything composite comes from the caller's arena.
 * Nothing here reports errors: type_from_c() never fails, because a format
 * file may name any kernel typedef and an integer of the right size is always
 * a usable answer.
 */
#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "type.h"

#define INT_TYPE(sz, sg, f) { .kind = T_INT, .size = (sz), .align = (sz), \
			      .is_signed = (sg), .fmt = (f) }

const struct type type_void = { .kind = T_VOID, .size = 0, .align = 1 };
const struct type type_s8 = INT_TYPE(1, true, F_NONE);
const struct type type_u8 = INT_TYPE(1, false, F_NONE);
const struct type type_s16 = INT_TYPE(2, true, F_NONE);
const struct type type_u16 = INT_TYPE(2, false, F_NONE);
const struct type type_s32 = INT_TYPE(4, true, F_NONE);
const struct type type_u32 = INT_TYPE(4, false, F_NONE);
const struct type type_s64 = INT_TYPE(8, true, F_NONE);
const struct type type_u64 = INT_TYPE(8, false, F_NONE);
const struct type type_char = INT_TYPE(1, true, F_CHAR);
const struct type type_ksym = INT_TYPE(8, false, F_KSYM);
const struct type type_ksym_name = INT_TYPE(8, false, F_KSYM_NAME);
const struct type type_strerror = INT_TYPE(8, true, F_STRERROR);
const struct type type_kstack = INT_TYPE(8, true, F_KSTACK);
const struct type type_ustack = INT_TYPE(8, false, F_USTACK);
const struct type type_walltime = INT_TYPE(8, false, F_WALLTIME);

/* Formatted u32 singletons, so type_from_c() needs no arena for them. */
static const struct type type_dataloc = INT_TYPE(4, false, F_DATALOC);

const struct type *type_int(unsigned size, bool is_signed)
{
	switch (size) {
	case 1:
		return is_signed ? &type_s8 : &type_u8;
	case 2:
		return is_signed ? &type_s16 : &type_u16;
	case 4:
		return is_signed ? &type_s32 : &type_u32;
	case 8:
		return is_signed ? &type_s64 : &type_u64;
	}
	assert(0 && "integers are 1, 2, 4 or 8 bytes");
	return &type_s64;
}

/* The language's own type names: spry's, then C's words as the parser
 * makes them canonical. */
static const struct {
	const char *name;
	const struct type *type;
} builtin_names[] = {
	{ "u8", &type_u8 }, { "u16", &type_u16 }, { "u32", &type_u32 },
	{ "u64", &type_u64 }, { "s8", &type_s8 }, { "s16", &type_s16 },
	{ "s32", &type_s32 }, { "s64", &type_s64 },
	{ "uint8", &type_u8 }, { "uint16", &type_u16 },
	{ "uint32", &type_u32 }, { "uint64", &type_u64 },
	{ "int8", &type_s8 }, { "int16", &type_s16 },
	{ "int32", &type_s32 }, { "int64", &type_s64 },
	{ "char", &type_char }, { "signed char", &type_s8 },
	{ "unsigned char", &type_u8 }, { "short", &type_s16 },
	{ "unsigned short", &type_u16 }, { "int", &type_s32 },
	{ "unsigned int", &type_u32 }, { "long", &type_s64 },
	{ "unsigned long", &type_u64 }, { "long long", &type_s64 },
	{ "unsigned long long", &type_u64 }, { "_Bool", &type_u8 },
	{ "void", &type_void },
};

const struct type *type_builtin(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(builtin_names) / sizeof(builtin_names[0]); i++)
		if (!strcmp(name, builtin_names[i].name))
			return builtin_names[i].type;
	return NULL;
}

const char *type_builtin_name(unsigned i)
{
	return i < sizeof(builtin_names) / sizeof(builtin_names[0]) ?
	       builtin_names[i].name : NULL;
}

const struct type *type_ptr(struct arena *a, const struct type *base,
			    enum addr_space space)
{
	struct type *t = arena_alloc(a, sizeof(*t));

	assert(base && "a pointer needs a pointee (type_void for void *)");
	t->kind = T_PTR;
	/* BPF targets are 64-bit: every pointer is a u64 in a register */
	t->size = t->align = 8;
	t->base = base;
	t->space = space;
	return t;
}

const struct type *type_array(struct arena *a, const struct type *base,
			      unsigned len)
{
	struct type *t = arena_alloc(a, sizeof(*t));

	assert(base && "an array needs an element type");
	t->kind = T_ARRAY;
	t->base = base;
	t->len = len;
	t->size = base->size * len;
	t->align = base->align ? base->align : 1;
	return t;
}

const struct type *type_string(struct arena *a, unsigned len)
{
	return type_array(a, &type_char, len);
}

const struct type *type_with_fmt(struct arena *a, const struct type *t,
				 enum type_fmt fmt)
{
	struct type *n;

	if (t->fmt == fmt)
		return t;
	if (t->kind == T_INT && !t->name && !t->is_enum) {
		const struct type *s = type_int(t->size, t->is_signed);

		if (fmt == F_NONE)
			return s;
		if (fmt == F_CHAR && s == &type_s8)
			return &type_char;
		if (fmt == F_DATALOC && s == &type_u32)
			return &type_dataloc;
		if (t->size == 8) {
			if (fmt == F_KSYM && !t->is_signed)
				return &type_ksym;
			if (fmt == F_KSYM_NAME && !t->is_signed)
				return &type_ksym_name;
			if (fmt == F_KSTACK && t->is_signed)
				return &type_kstack;
			if (fmt == F_USTACK && !t->is_signed)
				return &type_ustack;
			if (fmt == F_WALLTIME && !t->is_signed)
				return &type_walltime;
		}
	}
	n = arena_alloc(a, sizeof(*n));
	*n = *t;
	n->fmt = fmt;
	return n;
}

static struct type *record_new(struct arena *a, const char *name,
			       bool is_union)
{
	struct type *t = arena_alloc(a, sizeof(*t));

	t->kind = T_STRUCT;
	t->name = name ? arena_strdup(a, name) : NULL;
	t->align = 1;
	t->is_union = is_union;
	return t;
}

struct type *type_struct_new(struct arena *a, const char *name)
{
	return record_new(a, name, false);
}

struct type *type_union_new(struct arena *a, const char *name)
{
	return record_new(a, name, true);
}

static struct member *member_add(struct arena *a, struct type *st,
				 const char *name, const struct type *t)
{
	struct member *m = arena_alloc(a, sizeof(*m)), **tail;

	m->name = arena_strdup(a, name ? name : "");
	m->type = t;
	/* keep declaration order: messages list fields as the format does */
	for (tail = &st->members; *tail; tail = &(*tail)->next)
		;
	*tail = m;
	return m;
}

void type_struct_add(struct arena *a, struct type *st, const char *name,
		     const struct type *t, unsigned off)
{
	assert(st->kind == T_STRUCT && "members belong to structs");
	member_add(a, st, name, t)->off = off;
}

void type_struct_add_bits(struct arena *a, struct type *st, const char *name,
			  const struct type *t, unsigned bit_off, unsigned bits)
{
	struct member *m;

	assert(st->kind == T_STRUCT && "members belong to structs");
	assert(bits > 0 && bits <= 64 && "a bitfield is 1 to 64 bits wide");
	m = member_add(a, st, name, t);
	m->off = bit_off / 8;
	m->bit_off = bit_off % 8;
	m->bits = bits;
}

void type_struct_finish(struct type *st, unsigned size)
{
	const struct member *m;
	unsigned end = 0, align = 1, mend;

	assert(st->kind == T_STRUCT && "only structs are finished");
	for (m = st->members; m; m = m->next) {
		mend = m->off + (m->bits ? (m->bit_off + m->bits + 7) / 8 :
				 m->type->size);
		if (mend > end)
			end = mend;
		if (m->type->align > align)
			align = m->type->align;
	}
	/* Offsets come from the kernel (format files, pt_regs tables, BTF),
	 * which may pack; only round up what we computed ourselves. */
	if (end > size)
		size = (end + align - 1) / align * align;
	st->size = size;
	st->align = align;
}

const struct member *type_members(const struct type *st)
{
	if (!st || st->kind != T_STRUCT)
		return NULL;
	if (st->src) {
		/* the one change a type ever sees: see type.h */
		struct type *fill = (struct type *)st;
		const struct type_src *src = st->src;

		fill->src = NULL;
		src->fill(src, fill);
	}
	return st->members;
}

bool type_is_record(const struct type *t)
{
	return t && t->kind == T_STRUCT;
}

const struct member *type_field(const struct type *st, const char *name,
				unsigned *off)
{
	const struct member *m, *f;
	unsigned inner;

	if (!*name)
		return NULL;	/* anonymous members have no name to find */
	for (m = type_members(st); m; m = m->next) {
		if (!strcmp(m->name, name)) {
			if (off)
				*off = m->off;
			return m;
		}
		/* C11 anonymous members: their members are the parent's */
		if (!*m->name && type_is_record(m->type)) {
			f = type_field(m->type, name, &inner);
			if (f) {
				if (off)
					*off = m->off + inner;
				return f;
			}
		}
	}
	return NULL;
}

const struct member *type_member(const struct type *st, const char *name)
{
	return type_field(st, name, NULL);
}

struct type *type_enum_new(struct arena *a, const char *name, unsigned size,
			   bool is_signed)
{
	struct type *t = arena_alloc(a, sizeof(*t));

	*t = *type_int(size, is_signed);
	t->name = name ? arena_strdup(a, name) : NULL;
	t->is_enum = true;
	return t;
}

void type_enum_add(struct arena *a, struct type *e, const char *name,
		   int64_t value)
{
	struct enumerator *v = arena_alloc(a, sizeof(*v)), **tail;

	assert(e->is_enum && "enumerators belong to enums");
	v->name = arena_strdup(a, name);
	v->value = value;
	for (tail = &e->enums; *tail; tail = &(*tail)->next)
		;
	*tail = v;
}

const struct enumerator *type_enumerator(const struct type *e,
					 const char *name)
{
	const struct enumerator *v;

	for (v = e && e->is_enum ? e->enums : NULL; v; v = v->next)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}

struct type *type_func_new(struct arena *a, const struct type *ret)
{
	struct type *t = arena_alloc(a, sizeof(*t));

	assert(ret && "a function returns something (type_void for nothing)");
	t->kind = T_FUNC;
	t->base = ret;
	t->align = 1;
	return t;
}

void type_func_add(struct arena *a, struct type *f, const char *name,
		   const struct type *t)
{
	const struct member *p;
	unsigned n = 0;

	assert(f->kind == T_FUNC && "parameters belong to functions");
	for (p = f->members; p; p = p->next)
		n++;
	member_add(a, f, name, t)->off = n;
}

/* ---- C declarations, as tracefs writes them ---- */

/* Kernel and libc typedefs seen in format files, with their C meaning. */
static const struct {
	const char *name;
	unsigned size;
	bool is_signed;
} c_typedefs[] = {
	{ "u8", 1, false }, { "s8", 1, true }, { "__u8", 1, false },
	{ "__s8", 1, true }, { "uint8_t", 1, false }, { "int8_t", 1, true },
	{ "u16", 2, false }, { "s16", 2, true }, { "__u16", 2, false },
	{ "__s16", 2, true }, { "uint16_t", 2, false }, { "int16_t", 2, true },
	{ "__le16", 2, false }, { "__be16", 2, false }, { "umode_t", 2, false },
	{ "u32", 4, false }, { "s32", 4, true }, { "__u32", 4, false },
	{ "__s32", 4, true }, { "uint32_t", 4, false }, { "int32_t", 4, true },
	{ "__le32", 4, false }, { "__be32", 4, false },
	{ "pid_t", 4, true }, { "uid_t", 4, false }, { "gid_t", 4, false },
	{ "gfp_t", 4, false }, { "dev_t", 4, false }, { "fmode_t", 4, false },
	{ "clockid_t", 4, true }, { "key_serial_t", 4, true },
	{ "mode_t", 4, false }, { "qid_t", 4, false }, { "timer_t", 4, true },
	{ "u64", 8, false }, { "s64", 8, true }, { "__u64", 8, false },
	{ "__s64", 8, true }, { "uint64_t", 8, false }, { "int64_t", 8, true },
	{ "__le64", 8, false }, { "__be64", 8, false },
	{ "size_t", 8, false }, { "ssize_t", 8, true }, { "loff_t", 8, true },
	{ "off_t", 8, true }, { "sector_t", 8, false }, { "time64_t", 8, true },
	{ "ktime_t", 8, true }, { "uintptr_t", 8, false },
	{ "dma_addr_t", 8, false }, { "phys_addr_t", 8, false },
	{ "resource_size_t", 8, false }, { "blkcnt_t", 8, false },
	{ "cputime_t", 8, false }, { "ino_t", 8, false },
};

static bool c_word(const char **p, const char *w)
{
	size_t n = strlen(w);

	if (strncmp(*p, w, n) || isalnum((unsigned char)(*p)[n]) ||
	    (*p)[n] == '_')
		return false;
	*p += n;
	return true;
}

static void c_skip_space(const char **p)
{
	while (isspace((unsigned char)**p))
		(*p)++;
}

/* Split off trailing "[N]" parts: returns how many, lens in @dims (outermost
 * first); "[]" gives 0.  @end is moved back before them. */
static unsigned c_dims(const char *start, const char **end, unsigned *dims,
		       unsigned max)
{
	const char *e = *end;
	unsigned n = 0, i;

	for (;;) {
		const char *q = e, *open;

		while (q > start && isspace((unsigned char)q[-1]))
			q--;
		if (q == start || q[-1] != ']')
			break;
		open = q - 1;
		while (open > start && open[-1] != '[')
			open--;
		if (open == start || n == max)
			break;
		/* parsed innermost-last, store reversed below */
		dims[n++] = (unsigned)strtoul(open, NULL, 0);
		e = open - 1;
	}
	*end = e;
	for (i = 0; i < n / 2; i++) {
		unsigned t = dims[i];

		dims[i] = dims[n - 1 - i];
		dims[n - 1 - i] = t;
	}
	return n;
}

/* Base type words, with @size/@is_signed from the format file for the parts
 * the words leave open (unknown typedefs, "long" on 32-bit kernels). */
static const struct type *c_base(struct arena *a, const char *p,
				 const char *end, unsigned size,
				 bool is_signed, bool sized_int)
{
	bool sign_given = false, sgn = true, is_char = false, is_void = false;
	bool unknown = false, is_enum = false;
	unsigned bytes = 0;
	char word[64];
	size_t i, n;

	while (p < end) {
		c_skip_space(&p);
		if (p >= end)
			break;
		if (c_word(&p, "const") || c_word(&p, "volatile") ||
		    c_word(&p, "__data_loc") || c_word(&p, "__rel_loc") ||
		    c_word(&p, "__user"))
			continue;
		if (c_word(&p, "enum")) {
			/* the tag that follows reads as an unknown typedef */
			is_enum = true;
			continue;
		}
		if (c_word(&p, "unsigned")) {
			sign_given = true;
			sgn = false;
			continue;
		}
		if (c_word(&p, "signed")) {
			sign_given = true;
			sgn = true;
			continue;
		}
		if (c_word(&p, "char")) {
			is_char = true;
			bytes = 1;
			continue;
		}
		if (c_word(&p, "short")) {
			bytes = 2;
			continue;
		}
		if (c_word(&p, "int")) {
			if (!bytes)
				bytes = 4;
			continue;
		}
		if (c_word(&p, "long")) {
			bytes = 8;
			continue;
		}
		if (c_word(&p, "bool") || c_word(&p, "_Bool")) {
			bytes = 1;
			sign_given = true;
			sgn = false;
			continue;
		}
		if (c_word(&p, "void")) {
			is_void = true;
			continue;
		}
		if (c_word(&p, "struct") || c_word(&p, "union")) {
			c_skip_space(&p);
			for (n = 0; p < end && n < sizeof(word) - 1 &&
			     (isalnum((unsigned char)*p) || *p == '_'); n++)
				word[n] = *p++;
			word[n] = '\0';
			/* opaque: we do not know its members */
			{
				struct type *st = type_struct_new(a, word);

				type_struct_finish(st, sized_int ? size : 0);
				return st;
			}
		}
		/* a typedef name */
		for (n = 0; p < end && n < sizeof(word) - 1 &&
		     (isalnum((unsigned char)*p) || *p == '_'); n++)
			word[n] = *p++;
		word[n] = '\0';
		if (!n) {
			p++;	/* stray character: ignore it */
			continue;
		}
		for (i = 0; i < sizeof(c_typedefs) / sizeof(c_typedefs[0]); i++)
			if (!strcmp(word, c_typedefs[i].name)) {
				bytes = c_typedefs[i].size;
				sign_given = true;
				sgn = c_typedefs[i].is_signed;
				break;
			}
		if (i == sizeof(c_typedefs) / sizeof(c_typedefs[0])) {
			/* unknown typedef: trust the format file */
			unknown = true;
			bytes = 0;
			sign_given = true;
			sgn = is_signed;
		}
	}
	if (is_void && !bytes)
		return &type_void;
	if (is_char && !sign_given)
		return &type_char;
	/* the format file's size wins for integers: "long" is 4 bytes on
	 * 32-bit kernels, and unknown typedefs only have it */
	if (sized_int && (size == 1 || size == 2 || size == 4 || size == 8))
		bytes = size;
	if (!bytes && !unknown)
		bytes = 4;		/* plain "unsigned" or "signed" */
	if (!bytes)
		bytes = (size == 1 || size == 2 || size == 4 || size == 8) ?
			size : is_enum ? 4 : 8;
	return type_int(bytes, sgn);
}

const struct type *type_from_c(struct arena *a, const char *decl,
			       unsigned size, bool is_signed)
{
	const char *start = decl, *end = decl + strlen(decl), *stars;
	unsigned dims[4], ndims, nstars = 0, i, elems;
	const struct type *t;

	c_skip_space(&start);
	/* __data_loc/__rel_loc fields hold len << 16 | offset, whatever the
	 * declared element type; dyn() turns them into strings */
	if (!strncmp(start, "__data_loc", 10) || !strncmp(start, "__rel_loc", 9))
		return &type_dataloc;

	ndims = c_dims(start, &end, dims, 4);
	/* pointers: every '*' ("const char *const *" is char **); c_base()
	 * skips them */
	for (stars = start; stars < end; stars++)
		if (*stars == '*')
			nstars++;
	elems = 1;
	for (i = 0; i < ndims; i++)
		elems *= dims[i] ? dims[i] : 1;
	if (nstars) {
		t = c_base(a, start, stars, 0, is_signed, false);
		for (i = 0; i < nstars; i++)
			t = type_ptr(a, t, AS_KERNEL);
		/* a 32-bit kernel's pointer field is 4 bytes: load it as
		 * that (the value still travels as a u64) */
		if (size == 4 && !ndims) {
			struct type *p32 = arena_alloc(a, sizeof(*p32));

			*p32 = *t;
			p32->size = p32->align = 4;
			t = p32;
		}
	} else if (ndims) {
		unsigned esz = elems && size ? size / elems : 0;

		t = c_base(a, start, stars, esz, is_signed, esz > 0);
	} else {
		t = c_base(a, start, stars, size, is_signed, true);
	}
	if (t->kind == T_VOID && ndims)
		t = &type_u8;
	for (i = ndims; i-- > 0;) {
		unsigned len = dims[i];

		/* "char[]": the length is whatever the size says */
		if (!len && t->size)
			len = size / t->size / (elems ? elems : 1);
		t = type_array(a, t, len);
	}
	return t;
}

/* ---- predicates and relations ---- */

const struct type *type_tuple(struct arena *a, const struct type *const *el,
			      unsigned n)
{
	struct type *t = type_struct_new(a, NULL);
	unsigned off = 0, i;

	for (i = 0; i < n; i++) {
		type_struct_add(a, t, arena_printf(a, "%u", i), el[i], off);
		off += (el[i]->size + 7) & ~7u;
	}
	type_struct_finish(t, off ? off : 8);
	t->fmt = F_TUPLE;
	return t;
}

bool type_is_tuple(const struct type *t)
{
	return t && t->kind == T_STRUCT && t->fmt == F_TUPLE;
}

bool type_equal(const struct type *a, const struct type *b)
{
	const struct member *ma, *mb;

	if (a == b)
		return true;
	if (!a || !b || a->kind != b->kind)
		return false;
	switch (a->kind) {
	case T_VOID:
		return true;
	case T_INT:
		return a->size == b->size && a->is_signed == b->is_signed &&
		       a->fmt == b->fmt && a->frames == b->frames &&
		       !a->timefmt == !b->timefmt &&
		       (!a->timefmt || !strcmp(a->timefmt, b->timefmt));
	case T_PTR:
		return a->space == b->space && type_equal(a->base, b->base);
	case T_ARRAY:
		return a->len == b->len && a->fmt == b->fmt &&
		       type_equal(a->base, b->base);
	case T_STRUCT:
		if ((a->name || b->name) &&
		    (!a->name || !b->name || strcmp(a->name, b->name)))
			return false;
		if (a->size != b->size || a->is_union != b->is_union ||
		    a->incomplete != b->incomplete)
			return false;
		/* the same record of the same source (BTF id) */
		if (a->src && a->src == b->src)
			return a->src_id == b->src_id;
		for (ma = type_members(a), mb = type_members(b); ma && mb;
		     ma = ma->next, mb = mb->next)
			if (ma->off != mb->off || ma->bit_off != mb->bit_off ||
			    ma->bits != mb->bits || strcmp(ma->name, mb->name) ||
			    !type_equal(ma->type, mb->type))
				return false;
		return !ma && !mb;
	case T_FUNC:
		if (a->variadic != b->variadic || !type_equal(a->base, b->base))
			return false;
		for (ma = a->members, mb = b->members; ma && mb;
		     ma = ma->next, mb = mb->next)
			if (!type_equal(ma->type, mb->type))
				return false;
		return !ma && !mb;
	}
	return false;
}

bool type_is_int(const struct type *t)
{
	return t && t->kind == T_INT;
}

bool type_is_string(const struct type *t)
{
	return t && t->kind == T_ARRAY && t->base->kind == T_INT &&
	       t->base->size == 1 && t->base->fmt == F_CHAR;
}

bool type_is_scalar(const struct type *t)
{
	return t && (t->kind == T_INT || t->kind == T_PTR);
}

bool type_is_stack(const struct type *t)
{
	return t && t->kind == T_INT &&
	       (t->fmt == F_KSTACK || t->fmt == F_USTACK ||
		t->fmt == F_KSTACK_PERF || t->fmt == F_USTACK_PERF);
}

bool type_is_text(const struct type *t)
{
	if (!t)
		return false;
	if (t->kind == T_ARRAY)
		return t->fmt == F_INET || t->fmt == F_MACADDR ||
		       t->fmt == F_USYM_AT;
	return t->kind == T_INT &&
	       (type_is_stack(t) || t->fmt == F_KSYM || t->fmt == F_USYM ||
		t->fmt == F_KSYM_NAME || t->fmt == F_WALLTIME ||
		t->fmt == F_STRFTIME || t->fmt == F_STRERROR);
}

/* C's usual arithmetic conversions with a 64-bit int: every operand narrower
 * than 64 bits promotes to s64 (it holds all their values), and the result is
 * u64 if either 64-bit operand is unsigned.  Two equal narrower operands keep
 * their type (useful where nothing is computed: ?:, map unification hints);
 * sema widens arithmetic results to 64 bits itself.  Pointers count as u64. */
const struct type *type_common(const struct type *a, const struct type *b)
{
	bool ua, ub;

	assert(type_is_scalar(a) && type_is_scalar(b) &&
	       "type_common is for integer (or pointer) operands");
	if (a->kind == T_INT && b->kind == T_INT && a->size < 8 &&
	    a->size == b->size && a->is_signed == b->is_signed)
		return a->fmt == b->fmt ? a : type_int(a->size, a->is_signed);
	ua = a->kind == T_PTR || (a->size == 8 && !a->is_signed);
	ub = b->kind == T_PTR || (b->size == 8 && !b->is_signed);
	return ua || ub ? &type_u64 : &type_s64;
}

/* ---- printing ---- */

static size_t name_into(const struct type *t, char *buf, size_t n, size_t at);

#define PUT(...) do {							\
		int w_ = snprintf(buf + at, at < n ? n - at : 0, __VA_ARGS__); \
		at += w_ > 0 ? (size_t)w_ : 0;				\
	} while (0)

/* "(a, b, ...)" of a prototype */
static size_t params_into(const struct type *f, char *buf, size_t n, size_t at)
{
	const struct member *p;

	PUT("(");
	for (p = f->members; p; p = p->next) {
		if (p != f->members)
			PUT(", ");
		at = name_into(p->type, buf, n, at);
	}
	if (f->variadic)
		PUT(f->members ? ", ..." : "...");
	else if (!f->members)
		PUT("void");
	PUT(")");
	return at;
}

static size_t name_into(const struct type *t, char *buf, size_t n, size_t at)
{
	const char *s = NULL;

	if (!t) {
		PUT("?");
		return at;
	}
	switch (t->kind) {
	case T_VOID:
		PUT("void");
		break;
	case T_INT:
		if (t->is_enum) {
			PUT("enum %s", t->name ? t->name : "<anonymous>");
			break;
		}
		if (t->name) {
			PUT("%s", t->name);
			break;
		}
		switch (t->fmt) {
		case F_CHAR:
			if (t->size == 1)
				s = "char";
			break;
		case F_KSTACK:
		case F_KSTACK_PERF:
			s = "kstack";
			break;
		case F_USTACK:
		case F_USTACK_PERF:
			s = "ustack";
			break;
		case F_STRFTIME:
			s = "strftime";
			break;
		case F_STRERROR:
			s = "strerror";
			break;
		case F_DATALOC:
			PUT("__data_loc ");
			break;
		default:
			break;
		}
		if (!s) {
			PUT("%c%u", t->is_signed ? 's' : 'u', t->size * 8);
			break;
		}
		PUT("%s", s);
		/* kstack(perf, 3): stacks differ by layout and frames */
		if ((t->fmt == F_KSTACK_PERF || t->fmt == F_USTACK_PERF) &&
		    t->frames)
			PUT("(perf, %u)", t->frames);
		else if (t->fmt == F_KSTACK_PERF || t->fmt == F_USTACK_PERF)
			PUT("(perf)");
		else if (t->frames && type_is_stack(t))
			PUT("(%u)", t->frames);
		break;
	case T_PTR: {
		const struct type *e = t;
		unsigned stars = 0;

		while (e->kind == T_PTR) {
			e = e->base;
			stars++;
		}
		if (t->space == AS_USER)
			PUT("user ");
		if (e->kind == T_FUNC) {
			/* C's declarator: "int (*)(void *)" */
			at = name_into(e->base, buf, n, at);
			PUT(" (%.*s)", (int)stars, "********************");
			at = params_into(e, buf, n, at);
			break;
		}
		at = name_into(t->base, buf, n, at);
		PUT(t->base->kind == T_PTR ? "*" : " *");
		break;
	}
	case T_ARRAY: {
		const struct type *e = t;

		/* bpftrace's value types that are bytes underneath */
		switch (t->fmt) {
		case F_INET:
			PUT("inet");
			return at;
		case F_MACADDR:
			PUT("macaddr");
			return at;
		case F_USYM_AT:
			PUT("usym");
			return at;
		case F_BUF:
			PUT("buf[%u]", t->len > 8 ? t->len - 8 : 0);
			return at;
		default:
			break;
		}
		/* C order: int[2][3] is 2 arrays of 3 ints */
		while (e->kind == T_ARRAY)
			e = e->base;
		at = name_into(e, buf, n, at);
		for (e = t; e->kind == T_ARRAY; e = e->base)
			PUT("[%u]", e->len);
		break;
	}
	case T_STRUCT:
		if (t->fmt == F_TUPLE) {
			const struct member *m;

			PUT("(");
			for (m = t->members; m; m = m->next) {
				if (m != t->members)
					PUT(", ");
				at = name_into(m->type, buf, n, at);
			}
			PUT(")");
			break;
		}
		if (t->typedef_name && t->name)
			PUT("%s", t->name);
		else
			PUT("%s %s", t->is_union ? "union" : "struct",
			    t->name && *t->name ? t->name : "<anonymous>");
		break;
	case T_FUNC:
		at = name_into(t->base, buf, n, at);
		PUT(" ");
		at = params_into(t, buf, n, at);
		break;
	}
	return at;
}
#undef PUT

const char *type_name(const struct type *t, char *buf, size_t n)
{
	if (!n)
		return buf;
	buf[0] = '\0';
	name_into(t, buf, n, 0);
	return buf;
}

static void dump_members(FILE *out, const struct type *t, int depth)
{
	const struct member *m;
	char buf[256];
	int i;

	for (m = type_members(t); m; m = m->next) {
		for (i = 0; i < depth; i++)
			fputc('\t', out);
		if (!*m->name && type_is_record(m->type)) {
			fprintf(out, "%s {\t/* +%u */\n",
				m->type->is_union ? "union" : "struct", m->off);
			dump_members(out, m->type, depth + 1);
			for (i = 0; i < depth; i++)
				fputc('\t', out);
			fputs("};\n", out);
			continue;
		}
		type_name(m->type, buf, sizeof(buf));
		if (m->bits)
			fprintf(out, "%-24s %s:%u;\t/* +%u bit %u */\n", buf,
				m->name, m->bits, m->off, m->bit_off);
		else
			fprintf(out, "%-24s %s;\t/* +%u */\n", buf, m->name,
				m->off);
	}
}

void type_dump(FILE *out, const struct type *t)
{
	const struct enumerator *v;
	char buf[256];

	fputs(type_name(t, buf, sizeof(buf)), out);
	if (t && t->kind == T_INT && t->is_enum) {
		fputs(" {\n", out);
		for (v = t->enums; v; v = v->next)
			fprintf(out, "\t%s = %lld,\n", v->name,
				(long long)v->value);
		fputs("}\n", out);
		return;
	}
	if (!t || t->kind != T_STRUCT) {
		fputc('\n', out);
		return;
	}
	if (t->incomplete) {
		fputs(";\t/* declared, never defined */\n", out);
		return;
	}
	fprintf(out, " {\t/* size %u, align %u */\n", t->size, t->align);
	dump_members(out, t, 1);
	fputs("}\n", out);
}
