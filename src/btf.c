/* btf.c - the kernel's BTF, read lazily and converted into spry's types.
 *
 * Input: /sys/kernel/btf/vmlinux and the modules' files beside it (or blobs
 * in memory, for tests).  Output: struct type values (type.h) for the names
 * a script asks for, allocated from its arena.  btf.h says what is read
 * when; in short: nothing until the first lookup, then vmlinux mapped and
 * indexed once, names found through the string section, records filled in
 * on first use, modules only when vmlinux lacks a name.
 *
 * BTF is trusted no more than any input: the header, every type's extent,
 * every string offset and every type id are checked before use.  A problem
 * is recorded once as btf_error() and the offending type reads as void, so
 * a lazily filled record never has to fail.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/bpf.h>

#include <linux/btf.h>

#include "arena.h"
#include "btf.h"
#include "diag.h"
#include "glob.h"
#include "type.h"

/* Modifier and typedef chains are a few links long; a longer one is a
 * cycle, which only malformed BTF has (C breaks every cycle with a record,
 * and records are converted without their members). */
#define BTF_MAX_DEPTH 64

enum obj_mem {
	MEM_NONE,	/* not read yet */
	MEM_BORROWED,	/* the caller's (btf_new_mem) */
	MEM_MAPPED,	/* mmap of the sysfs file (6.16+ for vmlinux) */
	MEM_MALLOC,	/* read(2) into a buffer */
};

struct btf_obj {
	struct type_src src;	/* first: fill() gets back to the object */
	struct btf *b;
	const char *name;	/* "vmlinux" or the module's name */
	enum obj_mem mem;
	const uint8_t *data;
	size_t size;
	const uint8_t *types;
	uint32_t types_len;
	const char *strs;
	uint32_t strs_len;
	struct btf_obj *base;	/* vmlinux, for a module's split BTF */
	uint32_t first_id;	/* id of this object's first type */
	uint32_t n;		/* its number of types */
	uint32_t *offs;		/* byte offset of each in types */
	uint32_t *enums;	/* ids of its ENUM and ENUM64 types */
	uint32_t nenums;
	const struct type **conv;	/* converted types, by id - first_id */
	uint8_t *align;		/* alignment by id - first_id; 0: not yet */
	bool failed;		/* could not be read: skip it */
};

/* A name asked before, with its answer (NULL: BTF lacks it), so that a
 * name named in every probe is searched for once. */
struct btf_memo {
	struct btf_memo *next;
	int ns;			/* enum btf_ns, or BTF_NS_ENUMERATOR */
	const char *name;
	const struct type *type;
	int64_t value;		/* an enumerator's */
	int err;		/* an enumerator's lookup */
};

/* The memo's name space for enumerators, past btf.h's. */
#define BTF_NS_ENUMERATOR	(BTF_NS_FUNC + 1)

struct btf {
	struct arena *a;
	const char *dir;		/* NULL: blobs in memory */
	struct btf_obj *vmlinux;
	struct btf_obj **mods;
	unsigned nmods;
	bool mods_listed;
	bool tried;			/* vmlinux read (or tried) */
	int err;			/* vmlinux unusable: -errno */
	char *errmsg;			/* the first problem, for the user */
	struct btf_memo *memo;
};

static const struct type *conv(struct btf_obj *o, uint32_t id,
			       unsigned depth);

/* ---- errors ---- */

static void btf_fail(struct btf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void btf_fail(struct btf *b, const char *fmt, ...)
{
	va_list ap;

	if (b->errmsg)
		return;
	va_start(ap, fmt);
	b->errmsg = arena_vprintf(b->a, fmt, ap);
	va_end(ap);
}

/* A type that cannot be read: void, after saying why (once). */
static const struct type *bad(struct btf_obj *o, const char *what, uint32_t id)
{
	btf_fail(o->b, "malformed BTF in %s: type %u %s", o->name, id, what);
	return &type_void;
}

/* ---- reading an object ---- */

/* The bytes after a type's common part, by kind; -1 for an unknown kind. */
static inline long type_extra(const struct btf_type *t)
{
	uint32_t vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (long)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long)vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return (long)vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return (long)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:
		return (long)vlen * sizeof(struct btf_enum64);
	default:
		return -1;
	}
}

/* Check the header and index every type: the one pass over the whole type
 * section (~125k types in vmlinux; see btf.h for why nothing more). */
static int obj_index(struct btf_obj *o)
{
	const struct btf_header *h = (const void *)o->data;
	uint32_t off = 0, cap, id, enums_cap = 0;
	size_t body;

	if (o->size < sizeof(*h) || h->magic != BTF_MAGIC) {
		btf_fail(o->b, "malformed BTF in %s: no BTF header%s", o->name,
			 o->size >= 2 && h->magic == 0x9feb ?
			 " (the other byte order)" : "");
		return -EINVAL;
	}
	body = o->size - (h->hdr_len < o->size ? h->hdr_len : o->size);
	if (h->version != BTF_VERSION || h->hdr_len < sizeof(*h) ||
	    h->hdr_len > o->size || h->type_off % 4 ||
	    (h->hdr_len + h->type_off) % 4 ||
	    (uint64_t)h->type_off + h->type_len > body ||
	    (uint64_t)h->str_off + h->str_len > body || !h->str_len) {
		btf_fail(o->b, "malformed BTF in %s: bad header", o->name);
		return -EINVAL;
	}
	o->types = o->data + h->hdr_len + h->type_off;
	o->types_len = h->type_len;
	o->strs = (const char *)o->data + h->hdr_len + h->str_off;
	o->strs_len = h->str_len;
	/* every string ends inside the section: names are read unchecked */
	if (o->strs[o->strs_len - 1] != '\0') {
		btf_fail(o->b, "malformed BTF in %s: strings not terminated",
			 o->name);
		return -EINVAL;
	}

	o->first_id = o->base ? o->base->first_id + o->base->n : 1;
	cap = o->types_len / sizeof(struct btf_type) + 1;
	o->offs = malloc(cap * sizeof(*o->offs));
	if (!o->offs)
		return -ENOMEM;
	/* The loop that startup waits for (~125k types): its state in
	 * locals, so that the stores to offs[] do not make the compiler
	 * reload it from *o on every type. */
	{
		const uint8_t *types = o->types;
		const uint32_t len = o->types_len;
		uint32_t *offs = o->offs, n = 0;

		while (off < len) {
			const struct btf_type *t = (const void *)(types + off);
			unsigned kind;
			long extra = 0;	/* a header cut short: "cut short" */

			if (len - off < sizeof(*t) ||
			    (extra = type_extra(t)) < 0 ||
			    len - off - sizeof(*t) < (unsigned long)extra) {
				btf_fail(o->b, "malformed BTF in %s: type %u at "
					 "byte %u is %s", o->name,
					 o->first_id + n, off, extra < 0 ?
					 "of an unknown kind" : "cut short");
				o->n = n;
				return -EINVAL;
			}
			kind = BTF_INFO_KIND(t->info);
			if (kind == BTF_KIND_ENUM || kind == BTF_KIND_ENUM64) {
				if (o->nenums == enums_cap) {
					uint32_t *e;

					enums_cap = enums_cap ? 2 * enums_cap : 64;
					e = realloc(o->enums,
						    enums_cap * sizeof(*e));
					if (!e)
						return -ENOMEM;
					o->enums = e;
				}
				o->enums[o->nenums++] = o->first_id + n;
			}
			offs[n++] = off;
			off += (uint32_t)(sizeof(*t) + (unsigned long)extra);
		}
		o->n = n;
	}
	id = o->first_id + o->n;
	if (id < o->first_id) {
		btf_fail(o->b, "malformed BTF in %s: too many types", o->name);
		return -EINVAL;
	}
	/* zeroed pages from calloc cost nothing until a type is converted */
	o->conv = calloc(o->n + 1, sizeof(*o->conv));
	o->align = calloc(o->n + 1, 1);
	if (!o->conv || !o->align)
		return -ENOMEM;
	return 0;
}

/* Map (or read) the file @path into @o. */
static int obj_read(struct btf_obj *o, const char *path)
{
	struct stat st;
	size_t got = 0;
	uint8_t *buf;
	int fd, err = 0;
	void *m;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || st.st_size <= 0) {
		err = st.st_size <= 0 ? -ENODATA : -errno;
		close(fd);
		return err;
	}
	o->size = (size_t)st.st_size;
	/* Kernels since 6.16 map vmlinux's BTF; the page-at-a-time read
	 * of sysfs costs ~9 ms for its 5 MB here. */
	m = mmap(NULL, o->size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (m != MAP_FAILED) {
		/* spry's children (the -c command's init, the detach
		 * process) never read types: a fork need not copy, nor their
		 * exit unmap, 1300 pages of them */
		madvise(m, o->size, MADV_DONTFORK);
		o->data = m;
		o->mem = MEM_MAPPED;
		close(fd);
		return 0;
	}
	buf = malloc(o->size);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (got < o->size) {
		ssize_t r = read(fd, buf + got, o->size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err = r < 0 ? -errno : -ENODATA;
			break;
		}
		got += (size_t)r;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	o->data = buf;
	o->mem = MEM_MALLOC;
	return 0;
}

static void fill(const struct type_src *src, struct type *st);

static struct btf_obj *obj_new(struct btf *b, const char *name,
			       struct btf_obj *base)
{
	struct btf_obj *o = arena_alloc(b->a, sizeof(*o));

	o->src.fill = fill;
	o->b = b;
	o->name = arena_strdup(b->a, name);
	o->base = base;
	return o;
}

static void obj_free(struct btf_obj *o)
{
	if (!o)
		return;
	if (o->mem == MEM_MAPPED)
		munmap((void *)o->data, o->size);
	else if (o->mem == MEM_MALLOC)
		free((void *)o->data);
	free(o->offs);
	free(o->enums);
	free(o->conv);
	free(o->align);
	o->mem = MEM_NONE;
}

/* ---- the view ---- */

struct btf *btf_new(struct arena *a, const char *dir)
{
	struct btf *b = arena_alloc(a, sizeof(*b));

	b->a = a;
	b->dir = arena_strdup(a, dir);
	return b;
}

/* Blobs may come unaligned from a test's byte array; the types are read
 * in place as struct btf_type, which needs 4-byte alignment. */
static int obj_from_mem(struct btf_obj *o, const void *data, size_t size)
{
	if ((uintptr_t)data % 4) {
		void *copy = malloc(size ? size : 1);

		if (!copy)
			return -ENOMEM;
		memcpy(copy, data, size);
		o->data = copy;
		o->mem = MEM_MALLOC;
	} else {
		o->data = data;
		o->mem = MEM_BORROWED;
	}
	o->size = size;
	return obj_index(o);
}

struct btf *btf_new_mem(struct arena *a, const void *vmlinux, size_t size)
{
	struct btf *b = arena_alloc(a, sizeof(*b));

	b->a = a;
	b->tried = true;
	b->mods_listed = true;
	b->vmlinux = obj_new(b, "vmlinux", NULL);
	b->err = obj_from_mem(b->vmlinux, vmlinux, size);
	return b;
}

int btf_add_module(struct btf *b, const char *name, const void *data,
		   size_t size)
{
	struct btf_obj *o, **mods;
	int err;

	if (btf_load(b))
		return b->err;
	o = obj_new(b, name, b->vmlinux);
	err = obj_from_mem(o, data, size);
	if (err) {
		obj_free(o);
		return err;
	}
	mods = arena_grow(b->a, b->mods, b->nmods * sizeof(*mods),
			  (b->nmods + 1) * sizeof(*mods));
	mods[b->nmods++] = o;
	b->mods = mods;
	return 0;
}

void btf_free(struct btf *b)
{
	unsigned i;

	if (!b)
		return;
	obj_free(b->vmlinux);
	for (i = 0; i < b->nmods; i++)
		obj_free(b->mods[i]);
}

int btf_load(struct btf *b)
{
	char *path;
	int err;

	if (b->tried)
		return b->err;
	b->tried = true;
	b->vmlinux = obj_new(b, "vmlinux", NULL);
	path = arena_printf(b->a, "%s/vmlinux", b->dir);
	err = obj_read(b->vmlinux, path);
	if (err == -ENOENT)
		btf_fail(b, "this kernel has no BTF: %s is missing (it needs "
			 "CONFIG_DEBUG_INFO_BTF=y)", path);
	else if (err)
		btf_fail(b, "cannot read the kernel's BTF, %s: %s", path,
			 strerror(-err));
	else
		err = obj_index(b->vmlinux);
	if (err) {
		obj_free(b->vmlinux);
		b->vmlinux->failed = true;
	}
	b->err = err;
	return err;
}

const char *btf_error(const struct btf *b)
{
	return b->errmsg;
}

bool btf_loaded(const struct btf *b)
{
	return b->tried;
}

/* Every module with BTF, named but not read. */
static void list_modules(struct btf *b)
{
	struct dirent *e;
	DIR *dir;

	if (b->mods_listed)
		return;
	b->mods_listed = true;
	dir = opendir(b->dir);
	if (!dir)
		return;
	while ((e = readdir(dir))) {
		struct btf_obj **mods;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "vmlinux"))
			continue;
		mods = arena_grow(b->a, b->mods, b->nmods * sizeof(*mods),
				  (b->nmods + 1) * sizeof(*mods));
		mods[b->nmods++] = obj_new(b, e->d_name, b->vmlinux);
		b->mods = mods;
	}
	closedir(dir);
}

/* Module @o, read and indexed; false if it cannot be (it is then skipped,
 * quietly: a module unloaded since the listing is no error). */
static bool module_ready(struct btf_obj *o)
{
	char *path;

	if (o->mem != MEM_NONE)
		return true;
	if (o->failed)
		return false;
	path = arena_printf(o->b->a, "%s/%s", o->b->dir, o->name);
	if (obj_read(o, path) || obj_index(o)) {
		obj_free(o);
		o->failed = true;
		return false;
	}
	return true;
}

static struct btf_obj *module_find(struct btf *b, const char *name)
{
	unsigned i;

	/* vmlinux alone, not the modules after it */
	if (!strcmp(name, "vmlinux"))
		return b->vmlinux;
	list_modules(b);
	for (i = 0; i < b->nmods; i++)
		if (!strcmp(b->mods[i]->name, name))
			return module_ready(b->mods[i]) ? b->mods[i] : NULL;
	return NULL;
}

/* ---- types by id ---- */

/* Type @id as seen from @o (a module sees vmlinux's ids too); @own gets
 * the object holding it.  NULL for an id that does not exist. */
static const struct btf_type *bt(struct btf_obj *o, uint32_t id,
				 struct btf_obj **own)
{
	while (o && id < o->first_id)
		o = o->base;
	if (!o || id - o->first_id >= o->n)
		return NULL;
	if (own)
		*own = o;
	return (const void *)(o->types + o->offs[id - o->first_id]);
}

/* A string by offset; split BTF continues its base's offsets. */
static const char *str(struct btf_obj *o, uint32_t off)
{
	if (o->base) {
		if (off < o->base->strs_len)
			return o->base->strs + off;
		off -= o->base->strs_len;
	}
	if (off >= o->strs_len) {
		btf_fail(o->b, "malformed BTF in %s: string offset %u is "
			 "past the strings", o->name, off);
		return "";
	}
	return o->strs + off;
}

/* The type under modifiers and typedefs: what a value of @id really is. */
static const struct btf_type *resolve(struct btf_obj *o, uint32_t *id)
{
	const struct btf_type *t;
	unsigned i;

	for (i = 0; i < BTF_MAX_DEPTH; i++) {
		t = bt(o, *id, NULL);
		if (!t)
			return NULL;
		switch (BTF_INFO_KIND(t->info)) {
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			*id = t->type;
			break;
		default:
			return t;
		}
	}
	return NULL;
}

/* The alignment of type @id: records take their members' largest, unless
 * a member sits off its alignment (a packed record: 1). */
static unsigned align_of(struct btf_obj *o, uint32_t id, unsigned depth)
{
	struct btf_obj *own;
	const struct btf_type *t;
	const struct btf_member *m;
	unsigned al = 1, ma, i, vlen;

	if (!id || depth > BTF_MAX_DEPTH || !resolve(o, &id))
		return 1;
	t = bt(o, id, &own);
	if (own->align[id - own->first_id])
		return own->align[id - own->first_id];
	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FLOAT:
		al = t->size;
		break;
	case BTF_KIND_PTR:
		al = 8;
		break;
	case BTF_KIND_ARRAY:
		al = align_of(o, ((const struct btf_array *)(t + 1))->type,
			      depth + 1);
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		m = (const void *)(t + 1);
		vlen = BTF_INFO_VLEN(t->info);
		for (i = 0; i < vlen; i++) {
			uint32_t bit = BTF_INFO_KFLAG(t->info) ?
				BTF_MEMBER_BIT_OFFSET(m[i].offset) : m[i].offset;
			bool bitfield = BTF_INFO_KFLAG(t->info) &&
				BTF_MEMBER_BITFIELD_SIZE(m[i].offset);

			ma = align_of(o, m[i].type, depth + 1);
			if (!bitfield && bit % (ma * 8)) {
				al = 1;
				break;
			}
			if (ma > al)
				al = ma;
		}
		if (t->size % al)
			al = 1;
		break;
	default:
		break;
	}
	/* powers of two up to 8: what BPF and the kernel's C use */
	if (al > 8)
		al = 8;
	if (al & (al - 1))
		al = 1;
	own->align[id - own->first_id] = (uint8_t)al;
	return al;
}

/* ---- conversion ---- */

static const struct type *conv_int(struct btf_obj *o, const struct btf_type *t)
{
	uint32_t enc = *(const uint32_t *)(t + 1);
	unsigned enc_flags = BTF_INT_ENCODING(enc);

	if (t->size == 1 && ((enc_flags & BTF_INT_CHAR) ||
			     !strcmp(str(o, t->name_off), "char")))
		return &type_char;	/* so that char arrays are strings */
	if (enc_flags & BTF_INT_BOOL)
		return &type_u8;
	if (t->size == 1 || t->size == 2 || t->size == 4 || t->size == 8)
		return type_int(t->size, enc_flags & BTF_INT_SIGNED);
	/* __int128 and friends: bytes */
	return type_array(o->b->a, &type_u8, t->size);
}

/* A pointer to @to: into user memory if a "user" type tag (__user, in
 * kernels built with type tags) sits between it and the pointee. */
static const struct type *conv_ptr(struct btf_obj *o, uint32_t to,
				   unsigned depth)
{
	enum addr_space space = AS_KERNEL;
	uint32_t id = to;
	unsigned i;

	for (i = 0; i < BTF_MAX_DEPTH; i++) {
		const struct btf_type *m = bt(o, id, NULL);
		unsigned k;

		if (!m)
			break;
		k = BTF_INFO_KIND(m->info);
		if (k == BTF_KIND_TYPE_TAG && !strcmp(str(o, m->name_off), "user"))
			space = AS_USER;
		else if (k != BTF_KIND_TYPE_TAG && k != BTF_KIND_CONST &&
			 k != BTF_KIND_VOLATILE && k != BTF_KIND_RESTRICT)
			break;
		id = m->type;
	}
	return type_ptr(o->b->a, conv(o, to, depth + 1), space);
}

static const struct type *conv_record(struct btf_obj *own, uint32_t id,
				      const struct btf_type *t)
{
	const char *name = str(own, t->name_off);
	struct type *st;

	if (BTF_INFO_KIND(t->info) == BTF_KIND_UNION)
		st = type_union_new(own->b->a, *name ? name : NULL);
	else
		st = type_struct_new(own->b->a, *name ? name : NULL);
	st->size = t->size;
	st->align = align_of(own, id, 0);
	st->src = &own->src;
	st->src_id = id;
	return st;
}

static const struct type *conv_enum(struct btf_obj *o, uint32_t id,
				    const struct btf_type *t)
{
	const char *name = str(o, t->name_off);
	bool sgn = BTF_INFO_KFLAG(t->info);
	uint32_t i, vlen = BTF_INFO_VLEN(t->info);
	struct type *e;

	if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8)
		return bad(o, "is an enum of an odd size", id);
	e = type_enum_new(o->b->a, *name ? name : NULL, t->size, sgn);
	for (i = 0; i < vlen; i++) {
		int64_t v;
		uint32_t noff;

		if (BTF_INFO_KIND(t->info) == BTF_KIND_ENUM) {
			const struct btf_enum *ev = (const void *)(t + 1);

			noff = ev[i].name_off;
			v = sgn ? (int64_t)ev[i].val : (int64_t)(uint32_t)ev[i].val;
		} else {
			const struct btf_enum64 *ev = (const void *)(t + 1);

			noff = ev[i].name_off;
			v = (int64_t)((uint64_t)ev[i].val_hi32 << 32 |
				      ev[i].val_lo32);
		}
		type_enum_add(o->b->a, e, str(o, noff), v);
	}
	return e;
}

static const struct type *conv_func(struct btf_obj *o, uint32_t id,
				    const struct btf_type *t, unsigned depth)
{
	const struct btf_param *p = (const void *)(t + 1);
	uint32_t i, vlen = BTF_INFO_VLEN(t->info);
	struct type *f = type_func_new(o->b->a, conv(o, t->type, depth + 1));

	for (i = 0; i < vlen; i++) {
		/* a last parameter of type 0 without a name is "..." */
		if (i == vlen - 1 && !p[i].type && !p[i].name_off) {
			f->variadic = true;
			break;
		}
		type_func_add(o->b->a, f, str(o, p[i].name_off),
			      conv(o, p[i].type, depth + 1));
	}
	return f;
}

static uint32_t find_in(const struct btf_obj *o, enum btf_ns ns,
			const char *name);

/* A typedef: its type, except that an anonymous record takes the
 * typedef's name (atomic_t), which is how C programmers know it. */
static const struct type *conv_typedef(struct btf_obj *o,
				       const struct btf_type *t, unsigned depth)
{
	const struct type *to = conv(o, t->type, depth + 1);
	struct type *named;

	if (to->kind != T_STRUCT || to->name)
		return to;
	named = arena_alloc(o->b->a, sizeof(*named));
	*named = *to;
	named->name = arena_strdup(o->b->a, str(o, t->name_off));
	named->typedef_name = true;
	return named;
}

static const struct type *conv(struct btf_obj *o, uint32_t id,
			       unsigned depth)
{
	struct btf_obj *own;
	const struct btf_type *t;
	const struct type *r;
	uint32_t n;

	if (!id)
		return &type_void;
	t = bt(o, id, &own);
	if (!t)
		return bad(o, "is referred to but does not exist", id);
	if (own->conv[id - own->first_id])
		return own->conv[id - own->first_id];
	if (depth > BTF_MAX_DEPTH)
		return bad(o, "is part of a cycle of types", id);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
		r = conv_int(own, t);
		break;
	case BTF_KIND_PTR:
		r = conv_ptr(own, t->type, depth);
		break;
	case BTF_KIND_ARRAY: {
		const struct btf_array *arr = (const void *)(t + 1);
		const struct type *e = conv(own, arr->type, depth + 1);

		n = arr->nelems;
		if (e->size && n > UINT_MAX / e->size)
			return bad(o, "is an array too large", id);
		r = type_array(own->b->a, e, n);
		break;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		r = conv_record(own, id, t);
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		r = conv_enum(own, id, t);
		break;
	case BTF_KIND_FWD: {
		/* a declaration: the definition, found by name in this object
		 * or vmlinux, else an incomplete record.  Not in the other
		 * modules: that would read them all whenever a record with
		 * such a member is filled in. */
		bool is_union = BTF_INFO_KFLAG(t->info);
		enum btf_ns ns = is_union ? BTF_NS_UNION : BTF_NS_STRUCT;
		const char *name = str(own, t->name_off);
		struct btf_obj *where = own;
		struct type *st;

		n = *name ? find_in(own, ns, name) : 0;
		if ((!n || bt(own, n, NULL) == t) && own->base && *name) {
			where = own->base;
			n = find_in(where, ns, name);
		}
		if (n && BTF_INFO_KIND(bt(where, n, NULL)->info) != BTF_KIND_FWD) {
			r = conv(where, n, depth + 1);
			break;
		}
		st = is_union ? type_union_new(own->b->a, name) :
				type_struct_new(own->b->a, name);
		st->incomplete = true;
		r = st;
		break;
	}
	case BTF_KIND_TYPEDEF:
		r = conv_typedef(own, t, depth);
		break;
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		/* qualifiers change nothing a tracer does; the "user" tag
		 * matters under a pointer (conv_ptr) */
		r = conv(own, t->type, depth + 1);
		break;
	case BTF_KIND_FUNC_PROTO:
		r = conv_func(own, id, t, depth);
		break;
	case BTF_KIND_FUNC:
		r = conv(own, t->type, depth + 1);
		break;
	case BTF_KIND_FLOAT:
		/* BPF has no floating point: its bytes */
		r = type_array(own->b->a, &type_u8, t->size);
		break;
	default:
		/* variables, sections, declaration tags: not types */
		r = &type_void;
		break;
	}
	own->conv[id - own->first_id] = r;
	return r;
}

/* Read the members of record @st (type.h's struct type_src). */
static void fill(const struct type_src *src, struct type *st)
{
	struct btf_obj *o = (struct btf_obj *)src, *own;
	const struct btf_type *t = bt(o, st->src_id, &own);
	const struct btf_member *m;
	uint32_t i, vlen;
	unsigned align = st->align;
	bool kflag;

	if (!t)
		return;
	m = (const void *)(t + 1);
	vlen = BTF_INFO_VLEN(t->info);
	kflag = BTF_INFO_KFLAG(t->info);
	for (i = 0; i < vlen; i++) {
		const struct type *mt = conv(own, m[i].type, 0);
		const char *name = str(own, m[i].name_off);
		uint32_t bit = kflag ? BTF_MEMBER_BIT_OFFSET(m[i].offset) :
				       m[i].offset;
		uint32_t bits = kflag ? BTF_MEMBER_BITFIELD_SIZE(m[i].offset) : 0;

		if (!kflag) {
			/* old encoding: the int itself is narrower */
			uint32_t id = m[i].type;
			const struct btf_type *it = resolve(own, &id);

			if (it && BTF_INFO_KIND(it->info) == BTF_KIND_INT) {
				uint32_t enc = *(const uint32_t *)(it + 1);

				if (BTF_INT_BITS(enc) < it->size * 8) {
					bits = BTF_INT_BITS(enc);
					bit += BTF_INT_OFFSET(enc);
				}
			}
		}
		if (bits && bits <= 64 && mt->kind == T_INT)
			type_struct_add_bits(own->b->a, st, name, mt, bit, bits);
		else
			type_struct_add(own->b->a, st, name, mt, bit / 8);
	}
	type_struct_finish(st, st->size);
	/* a packed record keeps the alignment found for it */
	st->align = align;
}

/* ---- names ---- */

/* The offset of string @name in @o's own string section (not counting a
 * base's), or -1. */
static long str_find(const struct btf_obj *o, const char *name)
{
	size_t n = strlen(name) + 1;	/* with its NUL */
	const char *p = o->strs, *end = o->strs + o->strs_len, *q;

	if (n == 1)
		return -1;
	while ((q = memmem(p, (size_t)(end - p), name, n))) {
		/* a whole string, not the tail of a longer one */
		if (q == o->strs || q[-1] == '\0')
			return q - o->strs;
		p = q + 1;
	}
	return -1;
}

/* The kinds a name space holds; FWD counts only as a last resort. */
static bool ns_kind(enum btf_ns ns, const struct btf_type *t, bool *fwd)
{
	unsigned k = BTF_INFO_KIND(t->info);

	*fwd = false;
	switch (ns) {
	case BTF_NS_STRUCT:
		*fwd = k == BTF_KIND_FWD && !BTF_INFO_KFLAG(t->info);
		return k == BTF_KIND_STRUCT || *fwd;
	case BTF_NS_UNION:
		*fwd = k == BTF_KIND_FWD && BTF_INFO_KFLAG(t->info);
		return k == BTF_KIND_UNION || *fwd;
	case BTF_NS_ENUM:
		/* an enum without values is a declaration */
		*fwd = (k == BTF_KIND_ENUM || k == BTF_KIND_ENUM64) &&
		       !BTF_INFO_VLEN(t->info);
		return k == BTF_KIND_ENUM || k == BTF_KIND_ENUM64;
	case BTF_NS_TYPEDEF:
		return k == BTF_KIND_TYPEDEF;
	case BTF_NS_FUNC:
		return k == BTF_KIND_FUNC;
	}
	return false;
}

/* Where name @name is in @o: its offsets in the string space @o sees (its
 * base's and its own; -1 for none).  False when it has neither. */
static bool name_offs(const struct btf_obj *o, const char *name, long *base,
		      long *own)
{
	*base = o->base ? str_find(o->base, name) : -1;
	*own = str_find(o, name);
	if (*own >= 0 && o->base)
		*own += o->base->strs_len;
	return *base >= 0 || *own >= 0;
}

/* The id of the type named @name in @ns defined in @o (not its base), or 0.
 * A definition wins over a declaration. */
static uint32_t find_in(const struct btf_obj *o, enum btf_ns ns,
			const char *name)
{
	long sb, so;
	uint32_t i, decl = 0;
	bool fwd;

	if (!name_offs(o, name, &sb, &so))
		return 0;
	for (i = 0; i < o->n; i++) {
		const struct btf_type *t = (const void *)(o->types + o->offs[i]);

		if ((long)t->name_off != sb && (long)t->name_off != so)
			continue;
		if (!ns_kind(ns, t, &fwd))
			continue;
		if (!fwd)
			return o->first_id + i;
		if (!decl)
			decl = o->first_id + i;
	}
	return decl;
}

/* vmlinux, then the modules, each read on the way: the object after
 * @prev (NULL: the first), @i the caller's cursor. */
static struct btf_obj *next_obj(struct btf *b, struct btf_obj *prev,
				unsigned *i)
{
	if (!prev)
		return b->vmlinux;
	list_modules(b);
	while (*i < b->nmods) {
		struct btf_obj *m = b->mods[(*i)++];

		if (module_ready(m))
			return m;
	}
	return NULL;
}

static const struct type *lookup(struct btf *b, enum btf_ns ns,
				 const char *name)
{
	struct btf_obj *o = NULL;
	const struct btf_type *t;
	uint32_t id, decl = 0;
	struct btf_obj *decl_obj = NULL;
	unsigned i = 0;

	while ((o = next_obj(b, o, &i))) {
		id = find_in(o, ns, name);
		if (!id)
			continue;
		t = bt(o, id, NULL);
		/* a declaration here may be defined in another object */
		if (BTF_INFO_KIND(t->info) == BTF_KIND_FWD ||
		    (ns == BTF_NS_ENUM && !BTF_INFO_VLEN(t->info))) {
			if (!decl) {
				decl = id;
				decl_obj = o;
			}
			continue;
		}
		return conv(o, id, 0);
	}
	if (!decl)
		return NULL;
	/* only declared anywhere: an incomplete record */
	{
		struct type *st;

		if (ns == BTF_NS_ENUM)
			return conv(decl_obj, decl, 0);
		st = ns == BTF_NS_UNION ? type_union_new(b->a, name) :
					  type_struct_new(b->a, name);
		st->incomplete = true;
		return st;
	}
}

const struct type *btf_type(struct btf *b, enum btf_ns ns, const char *name)
{
	struct btf_memo *m;

	if (btf_load(b))
		return NULL;
	for (m = b->memo; m; m = m->next)
		if (m->ns == (int)ns && !strcmp(m->name, name))
			return m->type;
	m = arena_alloc(b->a, sizeof(*m));
	m->ns = ns;
	m->name = arena_strdup(b->a, name);
	m->type = lookup(b, ns, name);
	m->next = b->memo;
	b->memo = m;
	return m->type;
}

/* The enumerator named @name: its value and enum, or -ENOENT. */
static int enum_lookup(struct btf *b, const char *name, int64_t *value,
		       const struct type **type)
{
	struct btf_obj *o = NULL;
	unsigned mi = 0;
	uint32_t i, j;
	long sb, so;

	while ((o = next_obj(b, o, &mi))) {
		if (!name_offs(o, name, &sb, &so))
			continue;
		for (i = 0; i < o->nenums; i++) {
			const struct btf_type *t = bt(o, o->enums[i], NULL);
			uint32_t vlen = BTF_INFO_VLEN(t->info);
			bool e64 = BTF_INFO_KIND(t->info) == BTF_KIND_ENUM64;

			for (j = 0; j < vlen; j++) {
				uint32_t noff = e64 ?
					((const struct btf_enum64 *)(t + 1))[j].name_off :
					((const struct btf_enum *)(t + 1))[j].name_off;
				const struct type *et;

				if ((long)noff != sb && (long)noff != so)
					continue;
				et = conv(o, o->enums[i], 0);
				if (!et->is_enum)
					return -EINVAL;
				*value = type_enumerator(et, name)->value;
				*type = et;
				return 0;
			}
		}
	}
	return -ENOENT;
}

int btf_enum_value(struct btf *b, const char *name, int64_t *value,
		   const struct type **type)
{
	struct btf_memo *m;
	const struct type *et = NULL;
	int64_t v = 0;

	if (btf_load(b))
		return b->err;
	/* sema asks for a name once per walk: remember the answer */
	for (m = b->memo; m; m = m->next)
		if (m->ns == BTF_NS_ENUMERATOR && !strcmp(m->name, name))
			break;
	if (!m) {
		m = arena_alloc(b->a, sizeof(*m));
		m->ns = BTF_NS_ENUMERATOR;
		m->name = arena_strdup(b->a, name);
		m->err = enum_lookup(b, name, &v, &et);
		m->type = et;
		m->value = v;
		m->next = b->memo;
		b->memo = m;
	}
	if (m->err)
		return m->err;
	*value = m->value;
	if (type)
		*type = m->type;
	return 0;
}

int btf_type_id(struct btf *b, enum btf_ns ns, const char *module,
		const char *name, uint32_t *id, const char **obj)
{
	struct btf_obj *o = NULL, *first = NULL;
	unsigned i = 0;

	if (btf_load(b))
		return b->err;
	if (module) {
		first = module_find(b, module);
		if (!first)
			return -ENOENT;
		*id = find_in(first, ns, name);
		*obj = first == b->vmlinux ? NULL : first->name;
		return *id ? 0 : -ENOENT;
	}
	while ((o = next_obj(b, o, &i))) {
		*id = find_in(o, ns, name);
		if (*id) {
			*obj = o == b->vmlinux ? NULL : o->name;
			return 0;
		}
	}
	return -ENOENT;
}

int btf_func_id(struct btf *b, const char *module, const char *name,
		uint32_t *id, const char **obj)
{
	return btf_type_id(b, BTF_NS_FUNC, module, name, id, obj);
}

const struct type *btf_func(struct btf *b, const char *module,
			    const char *name)
{
	const char *obj;
	uint32_t id;
	struct btf_obj *o;

	if (!module)
		return btf_type(b, BTF_NS_FUNC, name);
	if (btf_func_id(b, module, name, &id, &obj))
		return NULL;
	o = module_find(b, module);
	return conv(o, id, 0);
}

/* Every type of @o in name space @ns whose name matches @pattern, to
 * @fn; declarations are left out. */
static int names_in(struct btf_obj *o, enum btf_ns ns, const char *pattern,
		    int (*fn)(void *ctx, const char *module, const char *name),
		    void *ctx)
{
	const char *module = o == o->b->vmlinux ? NULL : o->name;
	uint32_t i;
	bool fwd;
	int r;

	for (i = 0; i < o->n; i++) {
		const struct btf_type *t = (const void *)(o->types + o->offs[i]);
		const char *name;

		if (!t->name_off || !ns_kind(ns, t, &fwd) || fwd)
			continue;
		name = str(o, t->name_off);
		if (!glob_match(pattern, name, false))
			continue;
		r = fn(ctx, module, name);
		if (r)
			return r;
	}
	return 0;
}

int btf_names(struct btf *b, enum btf_ns ns, const char *module,
	      const char *pattern,
	      int (*fn)(void *ctx, const char *module, const char *name),
	      void *ctx)
{
	struct btf_obj *o = NULL;
	unsigned i = 0;
	int r;

	if (btf_load(b))
		return b->err;
	if (module) {
		o = module_find(b, module);
		return o ? names_in(o, ns, pattern, fn, ctx) : -ENOENT;
	}
	while ((o = next_obj(b, o, &i))) {
		r = names_in(o, ns, pattern, fn, ctx);
		if (r)
			return r;
	}
	return 0;
}

int btf_funcs(struct btf *b, const char *module, const char *pattern,
	      int (*fn)(void *ctx, const char *module, const char *name),
	      void *ctx)
{
	return btf_names(b, BTF_NS_FUNC, module, pattern, fn, ctx);
}

/* ---- raw tracepoints ---- */

/* The parameters of FUNC_PROTO @t. */
static const struct btf_param *proto_params(const struct btf_type *t,
					    uint32_t *n)
{
	*n = BTF_INFO_VLEN(t->info);
	return (const void *)(t + 1);
}

/* The FUNC_PROTO that FUNC or pointer-to-function typedef @id stands for,
 * or NULL. */
static const struct btf_type *proto_of(struct btf_obj *o, uint32_t id)
{
	const struct btf_type *t;
	unsigned i;

	for (i = 0; i < BTF_MAX_DEPTH; i++) {
		t = bt(o, id, NULL);
		if (!t)
			return NULL;
		switch (BTF_INFO_KIND(t->info)) {
		case BTF_KIND_FUNC_PROTO:
			return t;
		case BTF_KIND_FUNC:
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_PTR:
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
			id = t->type;
			break;
		default:
			return NULL;
		}
	}
	return NULL;
}

/* Whether the stub's prototype @s has @tp's parameters (the same type ids:
 * BTF is deduplicated), the leading void *__data aside. */
static bool same_params(const struct btf_type *tp, const struct btf_type *s)
{
	uint32_t n, m, i;
	const struct btf_param *a = proto_params(tp, &n), *b = proto_params(s, &m);

	if (n != m || !n)
		return false;
	for (i = 1; i < n; i++)
		if (a[i].type != b[i].type)
			return false;
	return true;
}

/* The stub that names raw tracepoint @name's parameters: the kernel
 * writes one, __bpf_trace_CLASS(void *__data, TP_PROTO), per event class,
 * and an event defined in a class (DEFINE_EVENT: sched_wakeup in
 * sched_wakeup_template) has none of its own.  So: __bpf_trace_NAME when
 * its parameters are the event's, else the class stub of @o with the same
 * parameter types whose name shares the longest prefix with the event's.
 * Its FUNC_PROTO, or NULL (then the parameters go unnamed). */
static const struct btf_type *raw_tp_stub(struct btf_obj *o, const char *name,
					  const struct btf_type *tp)
{
	static const char pre[] = "__bpf_trace_";
	const struct btf_type *best = NULL;
	long best_len = -1;
	uint32_t i, id;

	id = find_in(o, BTF_NS_FUNC, arena_printf(o->b->a, "%s%s", pre, name));
	if (id && (best = proto_of(o, id)) && same_params(tp, best))
		return best;
	best = NULL;
	for (i = 0; i < o->n; i++) {
		const struct btf_type *t = (const void *)(o->types + o->offs[i]);
		const struct btf_type *p;
		const char *fn;
		size_t k;

		if (BTF_INFO_KIND(t->info) != BTF_KIND_FUNC)
			continue;
		fn = str(o, t->name_off);
		if (strncmp(fn, pre, sizeof(pre) - 1))
			continue;
		fn += sizeof(pre) - 1;
		for (k = 0; fn[k] && fn[k] == name[k]; k++)
			;
		if ((long)k <= best_len ||
		    !(p = proto_of(o, o->first_id + i)) ||
		    !same_params(tp, p))
			continue;
		best = p;
		best_len = (long)k;
	}
	return best;
}

const struct type *btf_raw_tp(struct btf *b, const char *name, uint32_t *id,
			      const char **obj)
{
	const struct btf_type *tp, *stub;
	const struct btf_param *p, *sp = NULL;
	struct btf_obj *o;
	const char *mod;
	struct type *args;
	uint32_t tid, n, i;

	if (btf_type_id(b, BTF_NS_TYPEDEF, NULL,
			arena_printf(b->a, "btf_trace_%s", name), &tid, &mod))
		return NULL;
	o = mod ? module_find(b, mod) : b->vmlinux;
	tp = o ? proto_of(o, tid) : NULL;
	if (!tp || !BTF_INFO_VLEN(tp->info))
		return NULL;
	stub = raw_tp_stub(o, name, tp);
	p = proto_params(tp, &n);
	if (stub)
		sp = proto_params(stub, &n);
	/* the raw tracepoint's own arguments follow its void *__data */
	args = type_func_new(b->a, &type_void);
	for (i = 1; i < n; i++)
		type_func_add(b->a, args, sp ? str(o, sp[i].name_off) : "",
			      conv(o, p[i].type, 0));
	if (id)
		*id = tid;
	if (obj)
		*obj = mod;
	return args;
}

int btf_kernel_fd(const char *module)
{
	union bpf_attr attr;
	struct bpf_btf_info info;
	char name[64];
	uint32_t id = 0;
	int fd;

	for (;;) {
		memset(&attr, 0, sizeof(attr));
		attr.start_id = id;
		if (syscall(SYS_bpf, BPF_BTF_GET_NEXT_ID, &attr, sizeof(attr)))
			return errno == ENOENT ? -ENOENT : -errno;
		id = attr.next_id;
		memset(&attr, 0, sizeof(attr));
		attr.btf_id = id;
		fd = (int)syscall(SYS_bpf, BPF_BTF_GET_FD_BY_ID, &attr,
				  sizeof(attr));
		if (fd < 0) {
			if (errno == ENOENT)
				continue;	/* unloaded meanwhile */
			return -errno;
		}
		memset(&info, 0, sizeof(info));
		memset(name, 0, sizeof(name));
		info.name = (uint64_t)(uintptr_t)name;
		info.name_len = sizeof(name);
		memset(&attr, 0, sizeof(attr));
		attr.info.bpf_fd = (uint32_t)fd;
		attr.info.info_len = sizeof(info);
		attr.info.info = (uint64_t)(uintptr_t)&info;
		if (!syscall(SYS_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr,
			     sizeof(attr)) && info.kernel_btf &&
		    !strcmp(name, module))
			return fd;
		close(fd);
	}
}

void btf_suggest(struct btf *b, enum btf_ns ns, bool enumerators,
		 struct suggest *sg)
{
	struct btf_obj *o;
	uint32_t i, j;
	bool fwd;

	if (btf_load(b))
		return;
	o = b->vmlinux;
	if (enumerators) {
		for (i = 0; i < o->nenums; i++) {
			const struct btf_type *t = bt(o, o->enums[i], NULL);
			bool e64 = BTF_INFO_KIND(t->info) == BTF_KIND_ENUM64;

			for (j = 0; j < BTF_INFO_VLEN(t->info); j++)
				suggest_try(sg, str(o, e64 ?
					((const struct btf_enum64 *)(t + 1))[j].name_off :
					((const struct btf_enum *)(t + 1))[j].name_off));
		}
		return;
	}
	for (i = 0; i < o->n; i++) {
		const struct btf_type *t = (const void *)(o->types + o->offs[i]);

		if (t->name_off && ns_kind(ns, t, &fwd))
			suggest_try(sg, str(o, t->name_off));
	}
}
