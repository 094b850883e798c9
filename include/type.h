/* type.h - the C-like type system.
 *
 * Types are immutable once built and compared structurally with type_equal().
 * Integer, char and common pointer types are static singletons; composite
 * types come from the script's arena.  A pointer knows which address space it
 * points into, because that decides how lowering reads through it: ctx memory
 * with plain loads, kernel memory with bpf_probe_read_kernel(), user memory
 * with bpf_probe_read_user().
 */
#ifndef SPRY_TYPE_H
#define SPRY_TYPE_H

#include <stdbool.h>
#include <stdio.h>

struct arena;

enum type_kind {
	T_VOID,		/* statements, printf() and friends */
	T_INT,		/* size 1, 2, 4, 8; is_signed */
	T_PTR,		/* base, space */
	T_ARRAY,	/* base, len; char arrays are strings */
	T_STRUCT,	/* name, members; size and align computed */
};

enum addr_space {
	AS_KERNEL,	/* read with bpf_probe_read_kernel() */
	AS_USER,	/* read with bpf_probe_read_user(): uptr(), uprobe args */
	AS_CTX,		/* the program's context: direct loads at constant offsets */
};

/* How a value prints (and, for some, what it means); arithmetic ignores it.
 * Each format has its text and JSON hooks in output.c's out_fmts[]. */
enum type_fmt {
	F_NONE,
	F_CHAR,		/* char: 'c'; arrays of it are strings */
	F_KSYM,		/* kernel address: printed as symbol+off */
	F_USYM,		/* user address: printed as symbol+off */
	F_KSTACK,	/* s64 stack id in the script's stack map */
	F_USTACK,	/* u64: tgid << 32 | stack id */
	F_WALLTIME,	/* u64 boot-time ns; printed as wall-clock time */
	F_DATALOC,	/* u32 __data_loc: len << 16 | offset into the record */
	F_ERRNO,	/* negative values print as -ENOENT etc. (optional) */
};

struct member {
	struct member *next;
	const char *name;
	const struct type *type;
	unsigned off;		/* bytes from the start of the struct */
};

struct type {
	enum type_kind kind;
	unsigned size, align;
	bool is_signed;			/* T_INT */
	enum type_fmt fmt;
	enum addr_space space;		/* T_PTR */
	const struct type *base;	/* T_PTR pointee, T_ARRAY element */
	unsigned len;			/* T_ARRAY element count */
	const char *name;		/* T_STRUCT tag, or a typedef's name */
	struct member *members;		/* T_STRUCT */
};

extern const struct type type_void;
extern const struct type type_s8, type_u8, type_s16, type_u16;
extern const struct type type_s32, type_u32, type_s64, type_u64;
extern const struct type type_char;		/* s8, F_CHAR */
extern const struct type type_ksym;		/* u64, F_KSYM */
extern const struct type type_kstack;		/* s64, F_KSTACK */
extern const struct type type_ustack;		/* u64, F_USTACK */
extern const struct type type_walltime;	/* u64, F_WALLTIME */

const struct type *type_int(unsigned size, bool is_signed);
const struct type *type_ptr(struct arena *a, const struct type *base,
			    enum addr_space space);
const struct type *type_array(struct arena *a, const struct type *base,
			      unsigned len);
const struct type *type_string(struct arena *a, unsigned len);	/* char[len] */
const struct type *type_with_fmt(struct arena *a, const struct type *t,
				 enum type_fmt fmt);
/* Start a struct; add members in order (offsets given, as from a tracepoint
 * format file or pt_regs table); finish computes size (at least @size). */
struct type *type_struct_new(struct arena *a, const char *name);
void type_struct_add(struct arena *a, struct type *st, const char *name,
		     const struct type *t, unsigned off);
void type_struct_finish(struct type *st, unsigned size);
const struct member *type_member(const struct type *st, const char *name);

/* Parse a C declaration type as tracefs format files write them:
 * "unsigned int", "const char *", "pid_t", "char[16]", "u8[6]",
 * "__data_loc char[]".  Unknown typedefs become integers of @size and
 * @is_signed.  Never fails. */
const struct type *type_from_c(struct arena *a, const char *decl,
			       unsigned size, bool is_signed);

bool type_equal(const struct type *a, const struct type *b);
bool type_is_int(const struct type *t);
bool type_is_string(const struct type *t);	/* char array */
bool type_is_scalar(const struct type *t);	/* int or pointer */
/* Usual arithmetic conversions as in C, on 64 bits: the common type of two
 * integer operands (s64 or u64 unless both are narrower and equal). */
const struct type *type_common(const struct type *a, const struct type *b);
/* "u32", "char[16]", "struct sys_enter_openat *" into @buf. */
const char *type_name(const struct type *t, char *buf, size_t n);
void type_dump(FILE *out, const struct type *t);

#endif
