/* check_btf.c - the BTF reader on hand-made blobs (btfgen.h): every kind
 * mapped into the type system, laziness, names, enumerators, functions,
 * modules (split BTF), files on disk, and malformed input. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "arena.h"
#include "btf.h"
#include "diag.h"
#include "type.h"
#include "btfgen.h"
#include "unit.h"

static struct arena *A;

static void setup(void)
{
	A = arena_new();
}

static void teardown(void)
{
	arena_free(A);
	A = NULL;
}

static const char *name_of(const struct type *t)
{
	static char buf[256];

	return type_name(t, buf, sizeof(buf));
}

/* A small kernel: ids noted where tests refer to them. */
static struct {
	uint32_t u32, s32, chr, task, list, sock_common, sock;
} K;

static void kernel(struct btfgen *g)
{
	uint32_t u8, u16, u64, s64, bool_, i128, charr, u8arr, cptr, ucptr;
	uint32_t anon, anon_u, fwd_file, file, fwd_none, ptask, plist;
	uint32_t atomic_anon, atomic, tstate, proto, e64, flt, vol, pfile, pnw;
	uint32_t pfile_def;

	btfgen_init(g, NULL);
	K.chr = btfgen_int(g, "char", 1, BTF_INT_SIGNED);		/* 1 */
	u8 = btfgen_int(g, "unsigned char", 1, 0);
	u16 = btfgen_int(g, "short unsigned int", 2, 0);
	K.u32 = btfgen_int(g, "unsigned int", 4, 0);
	K.s32 = btfgen_int(g, "int", 4, BTF_INT_SIGNED);
	u64 = btfgen_int(g, "long long unsigned int", 8, 0);
	s64 = btfgen_int(g, "long int", 8, BTF_INT_SIGNED);
	bool_ = btfgen_int(g, "_Bool", 1, BTF_INT_BOOL);
	i128 = btfgen_int(g, "__int128", 16, BTF_INT_SIGNED);
	charr = btfgen_array(g, K.chr, K.u32, 16);
	u8arr = btfgen_array(g, u8, K.u32, 6);
	cptr = btfgen_ptr(g, btfgen_const(g, K.chr));
	/* const char __user *: the tag under the pointer */
	ucptr = btfgen_ptr(g, btfgen_type_tag(g, "user",
					      btfgen_const(g, K.chr)));

	/* struct list_head { struct list_head *next, *prev; }: the members
	 * refer forward to the pointer, which BTF allows.  (A record's members
	 * follow it at once, so what they refer to is made before or after.) */
	K.list = btfgen_cur_id(g) + 2;	/* after the pointer */
	plist = btfgen_ptr(g, K.list);
	ck_assert_uint_eq(btfgen_struct(g, "list_head", 16), K.list);
	btfgen_member(g, "next", plist, 0, 0);
	btfgen_member(g, "prev", plist, 64, 0);

	/* typedef struct { int counter; } atomic_t; */
	atomic_anon = btfgen_struct(g, NULL, 4);
	btfgen_member(g, "counter", K.s32, 0, 0);
	atomic = btfgen_typedef(g, "atomic_t", atomic_anon);

	/* enum { TASK_A = 0, TASK_B = 1 } : a signed enum with a negative */
	tstate = btfgen_enum(g, "task_state", 4, 1);
	btfgen_enumerator(g, "TASK_A", 0);
	btfgen_enumerator(g, "TASK_B", 1);
	btfgen_enumerator(g, "TASK_NEG", -2);

	/* struct file is only declared here, defined later */
	fwd_file = btfgen_fwd(g, "file", 0);
	fwd_none = btfgen_fwd(g, "nowhere", 0);
	pfile = btfgen_ptr(g, fwd_file);
	pnw = btfgen_ptr(g, fwd_none);

	/* struct task_struct {
	 *	volatile long state;		 +0
	 *	unsigned int flags:3, prio:5;	 +8 bit 0, bit 3
	 *	union { u32 a; struct { u16 lo, hi; }; };	+12
	 *	char comm[16];			 +16
	 *	struct list_head tasks;		 +32
	 *	struct file *file;		 +48
	 *	struct nowhere *nw;		 +56
	 *	atomic_t usage;			 +64
	 *	enum task_state st;		 +68
	 *	u8 mac[6];			 +72
	 *	const char *name;		 +80
	 *	const char __user *uname;	 +88
	 *	_Bool on;			 +96
	 *	__int128 big;			 +112 (16-aligned in C; 8 here)
	 *	float f;			 +128
	 * }  size 136 */
	anon = btfgen_struct(g, NULL, 4);
	btfgen_member(g, "lo", u16, 0, 0);
	btfgen_member(g, "hi", u16, 16, 0);
	anon_u = btfgen_union(g, NULL, 4);
	btfgen_member(g, "a", K.u32, 0, 0);
	btfgen_member(g, NULL, anon, 0, 0);
	vol = btfgen_volatile(g, s64);
	flt = btfgen_float(g, "float", 4);
	K.task = btfgen_struct(g, "task_struct", 136);
	btfgen_member(g, "state", vol, 0, 0);
	btfgen_member(g, "flags", K.u32, 64, 3);
	btfgen_member(g, "prio", K.u32, 67, 5);
	btfgen_member(g, NULL, anon_u, 96, 0);
	btfgen_member(g, "comm", charr, 128, 0);
	btfgen_member(g, "tasks", K.list, 256, 0);
	btfgen_member(g, "file", pfile, 384, 0);
	btfgen_member(g, "nw", pnw, 448, 0);
	btfgen_member(g, "usage", atomic, 512, 0);
	btfgen_member(g, "st", tstate, 544, 0);
	btfgen_member(g, "mac", u8arr, 576, 0);
	btfgen_member(g, "name", cptr, 640, 0);
	btfgen_member(g, "uname", ucptr, 704, 0);
	btfgen_member(g, "on", bool_, 768, 0);
	btfgen_member(g, "big", i128, 896, 0);
	btfgen_member(g, "f", flt, 1024, 0);
	ptask = btfgen_ptr(g, K.task);

	/* the definition of struct file */
	file = btfgen_struct(g, "file", 8);
	btfgen_member(g, "f_flags", K.u32, 0, 0);
	btfgen_member(g, "f_mode", K.u32, 32, 0);

	/* struct sock_common { u16 skc_family; } ; struct sock { struct
	 * sock_common __sk_common; } : old-style, without kflag */
	K.sock_common = btfgen_record(g, "sock_common", 2, 0, 0);
	btfgen_member(g, "skc_family", u16, 0, 0);
	K.sock = btfgen_record(g, "sock", 2, 0, 0);
	btfgen_member(g, "__sk_common", K.sock_common, 0, 0);

	/* long vfs_read(struct file *file, char __user *buf, ...);
	 * typedef u32 __u32; */
	pfile_def = btfgen_ptr(g, file);
	proto = btfgen_proto(g, s64);
	btfgen_param(g, "file", pfile_def);
	btfgen_param(g, "task", ptask);
	btfgen_param(g, NULL, 0);
	btfgen_func(g, "vfs_read", proto);
	proto = btfgen_proto(g, 0);
	btfgen_func(g, "vfs_write", proto);
	btfgen_func(g, "do_exit", proto);
	btfgen_typedef(g, "__u32", K.u32);
	btfgen_typedef(g, "u64", u64);

	e64 = btfgen_enum64(g, "big_enum", 0);
	btfgen_enumerator64(g, "BIG_ONE", 0x100000000ull);
	(void)e64;
}

static struct btf *kernel_btf(void **blob)
{
	struct btfgen g;
	size_t size;
	struct btf *b;

	kernel(&g);
	*blob = btfgen_blob(&g, &size);
	btfgen_free(&g);
	b = btf_new_mem(A, *blob, size);
	ck_assert_msg(!btf_error(b), "%s", btf_error(b));
	return b;
}

START_TEST(test_records)
{
	void *blob;
	struct btf *b = kernel_btf(&blob);
	const struct type *t = btf_type(b, BTF_NS_STRUCT, "task_struct");
	const struct member *m;
	unsigned off;

	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(name_of(t), "struct task_struct");
	ck_assert_uint_eq(t->size, 136);
	ck_assert_uint_eq(t->align, 8);
	/* named, sized, aligned: members not read until asked */
	ck_assert_ptr_nonnull(t->src);
	ck_assert_ptr_null(t->members);
	ck_assert_ptr_eq(btf_type(b, BTF_NS_STRUCT, "task_struct"), t);

	m = type_field(t, "state", &off);
	ck_assert_ptr_null(t->src);
	ck_assert_ptr_eq(m->type, &type_s64);	/* volatile is transparent */
	m = type_field(t, "prio", &off);
	ck_assert_uint_eq(off, 8);
	ck_assert_uint_eq(m->bit_off, 3);
	ck_assert_uint_eq(m->bits, 5);
	ck_assert_ptr_eq(m->type, &type_u32);
	/* through the anonymous union and the struct inside it */
	m = type_field(t, "hi", &off);
	ck_assert_uint_eq(off, 14);
	ck_assert_ptr_eq(m->type, &type_u16);
	ck_assert_uint_eq(type_field(t, "a", &off)->off, 0);
	ck_assert_uint_eq(off, 12);
	/* char[16] is a string, u8[6] is not */
	m = type_field(t, "comm", &off);
	ck_assert_uint_eq(off, 16);
	ck_assert(type_is_string(m->type));
	ck_assert(!type_is_string(type_member(t, "mac")->type));
	ck_assert_str_eq(name_of(type_member(t, "mac")->type), "u8[6]");
	/* a record by value, with self-referring pointers */
	m = type_member(t, "tasks");
	ck_assert_str_eq(name_of(m->type), "struct list_head");
	ck_assert_str_eq(name_of(type_member(m->type, "next")->type),
			 "struct list_head *");
	ck_assert_ptr_eq(type_member(m->type, "next")->type->base, m->type);
	ck_assert_uint_eq(type_member(m->type, "prev")->off, 8);
	/* a forward declaration resolved by name; one that cannot be */
	m = type_member(t, "file");
	ck_assert_uint_eq(m->type->base->size, 8);
	ck_assert(!m->type->base->incomplete);
	ck_assert_uint_eq(type_member(m->type->base, "f_mode")->off, 4);
	m = type_member(t, "nw");
	ck_assert(m->type->base->incomplete);
	ck_assert_str_eq(name_of(m->type), "struct nowhere *");
	ck_assert_ptr_null(type_members(m->type->base));
	/* a typedef names the anonymous struct it stands for */
	m = type_member(t, "usage");
	ck_assert_str_eq(name_of(m->type), "atomic_t");
	ck_assert_uint_eq(m->type->size, 4);
	ck_assert_ptr_nonnull(type_member(m->type, "counter"));
	m = type_member(t, "st");
	ck_assert_str_eq(name_of(m->type), "enum task_state");
	ck_assert(m->type->is_signed);
	/* pointers: kernel, and user where tagged so */
	m = type_member(t, "name");
	ck_assert_int_eq(m->type->space, AS_KERNEL);
	ck_assert_ptr_eq(m->type->base, &type_char);
	m = type_member(t, "uname");
	ck_assert_int_eq(m->type->space, AS_USER);
	ck_assert_str_eq(name_of(m->type), "user char *");
	ck_assert_ptr_eq(type_member(t, "on")->type, &type_u8);
	ck_assert_str_eq(name_of(type_member(t, "big")->type), "u8[16]");
	ck_assert_str_eq(name_of(type_member(t, "f")->type), "u8[4]");

	/* old-style (no kflag) record: plain members */
	t = btf_type(b, BTF_NS_STRUCT, "sock");
	m = type_member(t, "__sk_common");
	ck_assert_uint_eq(type_member(m->type, "skc_family")->bits, 0);

	/* name spaces are apart */
	ck_assert_ptr_null(btf_type(b, BTF_NS_UNION, "task_struct"));
	ck_assert_ptr_null(btf_type(b, BTF_NS_STRUCT, "atomic_t"));
	ck_assert_str_eq(name_of(btf_type(b, BTF_NS_TYPEDEF, "atomic_t")),
			 "atomic_t");
	ck_assert_ptr_eq(btf_type(b, BTF_NS_TYPEDEF, "__u32"), &type_u32);
	ck_assert_ptr_eq(btf_type(b, BTF_NS_TYPEDEF, "u64"), &type_u64);
	ck_assert_str_eq(name_of(btf_type(b, BTF_NS_ENUM, "task_state")),
			 "enum task_state");
	ck_assert_ptr_null(btf_type(b, BTF_NS_STRUCT, "task"));	/* tail */
	ck_assert_ptr_null(btf_type(b, BTF_NS_STRUCT, "struct"));
	ck_assert_ptr_null(btf_type(b, BTF_NS_STRUCT, ""));
	/* only declared: incomplete */
	t = btf_type(b, BTF_NS_STRUCT, "nowhere");
	ck_assert_ptr_nonnull(t);
	ck_assert(t->incomplete);
	ck_assert_ptr_null(btf_error(b));
	btf_free(b);
	free(blob);
}
END_TEST

START_TEST(test_enums)
{
	void *blob;
	struct btf *b = kernel_btf(&blob);
	const struct type *t = NULL;
	int64_t v = 99;

	ck_assert_int_eq(btf_enum_value(b, "TASK_B", &v, &t), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_str_eq(name_of(t), "enum task_state");
	ck_assert_int_eq(btf_enum_value(b, "TASK_NEG", &v, NULL), 0);
	ck_assert_int_eq(v, -2);
	ck_assert_int_eq(btf_enum_value(b, "BIG_ONE", &v, &t), 0);
	ck_assert_int_eq(v, 0x100000000ll);
	ck_assert_uint_eq(t->size, 8);
	ck_assert_int_eq(btf_enum_value(b, "TASK_C", &v, NULL), -ENOENT);
	/* a type's name is no enumerator */
	ck_assert_int_eq(btf_enum_value(b, "task_state", &v, NULL), -ENOENT);
	btf_free(b);
	free(blob);
}
END_TEST

static int collect(void *ctx, const char *module, const char *name)
{
	char *buf = ctx;

	strcat(buf, module ? module : "vmlinux");
	strcat(buf, ":");
	strcat(buf, name);
	strcat(buf, " ");
	return strcmp(name, "do_exit") ? 0 : 7;
}

START_TEST(test_funcs)
{
	void *blob;
	struct btf *b = kernel_btf(&blob);
	const struct type *f = btf_func(b, NULL, "vfs_read");
	const char *obj = "x";
	char buf[256] = "";
	uint32_t id = 0;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->kind, T_FUNC);
	ck_assert_str_eq(name_of(f),
			 "s64 (struct file *, struct task_struct *, ...)");
	ck_assert_str_eq(f->members->name, "file");
	ck_assert_str_eq(f->members->next->name, "task");
	ck_assert(f->variadic);
	ck_assert_str_eq(name_of(btf_type(b, BTF_NS_FUNC, "vfs_write")),
			 "void (void)");
	ck_assert_ptr_null(btf_func(b, NULL, "vfs_readv"));
	ck_assert_int_eq(btf_func_id(b, NULL, "vfs_read", &id, &obj), 0);
	ck_assert_ptr_null(obj);
	ck_assert_uint_gt(id, 0);
	ck_assert_int_eq(btf_func_id(b, NULL, "nope", &id, &obj), -ENOENT);
	ck_assert_int_eq(btf_func_id(b, "nomodule", "vfs_read", &id, &obj),
			 -ENOENT);

	ck_assert_int_eq(btf_funcs(b, NULL, "vfs_*", collect, buf), 0);
	ck_assert_str_eq(buf, "vmlinux:vfs_read vmlinux:vfs_write ");
	buf[0] = '\0';
	/* the callback stops the walk */
	ck_assert_int_eq(btf_funcs(b, NULL, "*", collect, buf), 7);
	ck_assert_str_eq(buf, "vmlinux:vfs_read vmlinux:vfs_write "
			 "vmlinux:do_exit ");
	btf_free(b);
	free(blob);
}
END_TEST

START_TEST(test_suggest)
{
	void *blob;
	struct btf *b = kernel_btf(&blob);
	struct suggest sg;

	suggest_init(&sg, "task_strcut");
	btf_suggest(b, BTF_NS_STRUCT, false, &sg);
	ck_assert_str_eq(suggest_best(&sg), "task_struct");
	suggest_init(&sg, "TASK_NEF");
	btf_suggest(b, BTF_NS_STRUCT, true, &sg);
	ck_assert_str_eq(suggest_best(&sg), "TASK_NEG");
	suggest_init(&sg, "vfs_raed");
	btf_suggest(b, BTF_NS_FUNC, false, &sg);
	ck_assert_str_eq(suggest_best(&sg), "vfs_read");
	btf_free(b);
	free(blob);
}
END_TEST

/* A module: split BTF whose ids and strings continue vmlinux's. */
static void *module_blob(const struct btfgen *base, size_t *size)
{
	struct btfgen g;
	uint32_t st, proto, ptask, pst, pf;
	void *blob;

	btfgen_init(&g, base);
	/* struct loop_device { int lo_number; struct list_head list;
	 *			struct task_struct *task; } */
	ptask = btfgen_ptr(&g, K.task);
	st = btfgen_struct(&g, "loop_device", 32);
	btfgen_member(&g, "lo_number", K.s32, 0, 0);
	btfgen_member(&g, "list", K.list, 64, 0);
	btfgen_member(&g, "task", ptask, 192, 0);
	pst = btfgen_ptr(&g, st);
	proto = btfgen_proto(&g, K.s32);
	btfgen_param(&g, "lo", pst);
	btfgen_func(&g, "loop_configure", proto);
	/* a declaration of a vmlinux struct, resolved there */
	pf = btfgen_ptr(&g, btfgen_fwd(&g, "file", 0));
	btfgen_struct(&g, "uses_file", 8);
	btfgen_member(&g, "f", pf, 0, 0);
	btfgen_enum(&g, "loop_state", 4, 0);
	btfgen_enumerator(&g, "Lo_unbound", 0);
	btfgen_enumerator(&g, "Lo_bound", 1);
	blob = btfgen_blob(&g, size);
	btfgen_free(&g);
	return blob;
}

START_TEST(test_modules)
{
	struct btfgen g;
	void *vblob, *mblob;
	size_t vsize, msize;
	struct btf *b;
	const struct type *t, *f;
	const char *obj;
	uint32_t id;
	int64_t v;
	char buf[256] = "";

	kernel(&g);
	vblob = btfgen_blob(&g, &vsize);
	mblob = module_blob(&g, &msize);
	btfgen_free(&g);
	b = btf_new_mem(A, vblob, vsize);
	ck_assert_int_eq(btf_add_module(b, "loop", mblob, msize), 0);

	t = btf_type(b, BTF_NS_STRUCT, "loop_device");
	ck_assert_ptr_nonnull(t);
	/* module types refer to vmlinux's: the very same types */
	ck_assert_ptr_eq(type_member(t, "list")->type,
			 btf_type(b, BTF_NS_STRUCT, "list_head"));
	ck_assert_ptr_eq(type_member(t, "task")->type->base,
			 btf_type(b, BTF_NS_STRUCT, "task_struct"));
	ck_assert_uint_eq(type_member(t, "task")->off, 24);
	t = btf_type(b, BTF_NS_STRUCT, "uses_file");
	ck_assert(!type_member(t, "f")->type->base->incomplete);

	f = btf_func(b, "loop", "loop_configure");
	ck_assert_str_eq(name_of(f), "s32 (struct loop_device *)");
	ck_assert_ptr_eq(btf_func(b, NULL, "loop_configure"), f);
	ck_assert_int_eq(btf_func_id(b, NULL, "loop_configure", &id, &obj), 0);
	ck_assert_str_eq(obj, "loop");
	ck_assert_int_eq(btf_func_id(b, "loop", "vfs_read", &id, &obj),
			 -ENOENT);
	ck_assert_int_eq(btf_enum_value(b, "Lo_bound", &v, NULL), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(btf_funcs(b, NULL, "loop_*", collect, buf), 0);
	ck_assert_str_eq(buf, "loop:loop_configure ");
	buf[0] = '\0';
	ck_assert_int_eq(btf_funcs(b, "loop", "*", collect, buf), 0);
	ck_assert_str_eq(buf, "loop:loop_configure ");
	ck_assert_ptr_null(btf_error(b));
	btf_free(b);
	free(vblob);
	free(mblob);
}
END_TEST

static void write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, size, f), size);
	ck_assert_int_eq(fclose(f), 0);
}

/* The same from files, as /sys/kernel/btf has them: nothing read before
 * the first lookup, modules read when vmlinux lacks a name. */
START_TEST(test_files)
{
	char dir[] = "/tmp/check_btf.XXXXXX", path[256];
	struct btfgen g;
	void *vblob, *mblob;
	size_t vsize, msize;
	struct btf *b;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	kernel(&g);
	vblob = btfgen_blob(&g, &vsize);
	mblob = module_blob(&g, &msize);
	btfgen_free(&g);
	snprintf(path, sizeof(path), "%s/vmlinux", dir);
	write_file(path, vblob, vsize);
	snprintf(path, sizeof(path), "%s/loop", dir);
	write_file(path, mblob, msize);

	b = btf_new(A, dir);
	ck_assert(!btf_loaded(b));
	ck_assert_ptr_nonnull(btf_type(b, BTF_NS_STRUCT, "task_struct"));
	ck_assert(btf_loaded(b));
	ck_assert_ptr_nonnull(btf_type(b, BTF_NS_STRUCT, "loop_device"));
	ck_assert_ptr_null(btf_type(b, BTF_NS_STRUCT, "nothing_anywhere"));
	ck_assert_ptr_null(btf_error(b));
	btf_free(b);

	/* a module that went away is skipped, quietly */
	b = btf_new(A, dir);
	ck_assert_ptr_nonnull(btf_type(b, BTF_NS_STRUCT, "list_head"));
	unlink(path);
	ck_assert_ptr_null(btf_type(b, BTF_NS_STRUCT, "loop_device"));
	ck_assert_ptr_null(btf_error(b));
	btf_free(b);

	snprintf(path, sizeof(path), "%s/vmlinux", dir);
	unlink(path);
	rmdir(dir);
	free(vblob);
	free(mblob);
}
END_TEST

START_TEST(test_no_btf)
{
	struct btf *b = btf_new(A, "/nonexistent/btf");
	int64_t v;

	ck_assert(!btf_loaded(b));
	ck_assert_ptr_null(btf_error(b));
	ck_assert_ptr_null(btf_type(b, BTF_NS_STRUCT, "task_struct"));
	ck_assert_str_eq(btf_error(b), "this kernel has no BTF: "
			 "/nonexistent/btf/vmlinux is missing (it needs "
			 "CONFIG_DEBUG_INFO_BTF=y)");
	ck_assert_int_eq(btf_load(b), -ENOENT);
	ck_assert_int_eq(btf_enum_value(b, "X", &v, NULL), -ENOENT);
	ck_assert_ptr_null(btf_func(b, NULL, "vfs_read"));
	btf_free(b);
}
END_TEST

/* Every prefix of a good blob, and blobs with bad ids and strings: an
 * error, never a crash (ASan and UBSan watch). */
START_TEST(test_malformed)
{
	struct btfgen g;
	uint8_t *blob, *bad;
	size_t size, cut;
	struct btf *b;
	const struct type *t;

	kernel(&g);
	blob = btfgen_blob(&g, &size);
	btfgen_free(&g);
	bad = malloc(size);
	for (cut = 0; cut < size; cut += cut < 64 ? 1 : 7) {
		struct btf_header *h = (void *)bad;

		memcpy(bad, blob, size);
		/* the header claims the full lengths: the data is short */
		b = btf_new_mem(A, bad, cut);
		ck_assert_ptr_nonnull(btf_error(b));
		ck_assert_ptr_null(btf_type(b, BTF_NS_STRUCT, "task_struct"));
		btf_free(b);
		/* or claims less: the types are cut short */
		if (cut > sizeof(*h) && cut < sizeof(*h) + h->type_len) {
			h->type_len = (uint32_t)(cut - sizeof(*h));
			h->str_off = h->type_len;
			b = btf_new_mem(A, bad, size);
			btf_type(b, BTF_NS_STRUCT, "task_struct");
			btf_free(b);
		}
	}
	memcpy(bad, blob, size);
	((struct btf_header *)bad)->magic = 0x9feb;
	b = btf_new_mem(A, bad, size);
	ck_assert_ptr_nonnull(strstr(btf_error(b), "other byte order"));
	btf_free(b);

	/* a member of a type that does not exist; a string out of range */
	btfgen_init(&g, NULL);
	btfgen_struct(&g, "broken", 8);
	btfgen_member(&g, "x", 99, 0, 0);
	btfgen_member(&g, "y", 1, 0, 0);	/* itself, by value */
	btfgen_typedef(&g, "loop", 4);		/* 3 -> 4 -> 3 */
	btfgen_typedef(&g, "loop2", 3);
	free(blob);
	blob = btfgen_blob(&g, &size);
	btfgen_free(&g);
	b = btf_new_mem(A, blob, size);
	t = btf_type(b, BTF_NS_STRUCT, "broken");
	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_eq(type_member(t, "x")->type, &type_void);
	ck_assert_ptr_nonnull(strstr(btf_error(b), "type 99"));
	ck_assert_ptr_eq(btf_type(b, BTF_NS_TYPEDEF, "loop"), &type_void);
	btf_free(b);
	free(blob);
	free(bad);
}
END_TEST

/* Unaligned blobs are copied, not read misaligned. */
START_TEST(test_unaligned)
{
	struct btfgen g;
	uint8_t *blob, *shifted;
	size_t size;
	struct btf *b;

	kernel(&g);
	blob = btfgen_blob(&g, &size);
	btfgen_free(&g);
	shifted = malloc(size + 1);
	memcpy(shifted + 1, blob, size);
	b = btf_new_mem(A, shifted + 1, size);
	ck_assert_ptr_nonnull(btf_type(b, BTF_NS_STRUCT, "task_struct"));
	btf_free(b);
	free(shifted);
	free(blob);
}
END_TEST

static Suite *btf_suite(void)
{
	Suite *s = suite_create("btf");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_records);
	tcase_add_test(tc, test_enums);
	tcase_add_test(tc, test_funcs);
	tcase_add_test(tc, test_suggest);
	tcase_add_test(tc, test_modules);
	tcase_add_test(tc, test_files);
	tcase_add_test(tc, test_no_btf);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_unaligned);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(btf_suite());
}
