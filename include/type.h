/* type.h - the C-like type system.
 *
 * Types are immutable once built and compared structurally with type_equal().
 * Integer, char and common pointer types are static singletons; composite
 * types come from the script's arena.  A pointer knows which address space it
 * points into, because that decides how lowering reads through it: ctx memory
 * with plain loads, kernel memory with bpf_probe_read_kernel(), user memory
 * with bpf_probe_read_user().
 *
 * Records (structs and unions) may come from the kernel's BTF, where a
 * script names a handful of the members of a graph of thousands of types.
 * Such a record is built with its size and alignment only and a source
 * (struct type_src) that reads its members on first use: read members
 * through type_members(), type_member() or type_field(), never through
 * t->members directly.  Filling in the members is the one change a type
 * ever sees, and it changes nothing about what the type means.
 */
#ifndef SPRY_TYPE_H
#define SPRY_TYPE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct arena;

enum type_kind {
	T_VOID,		/* statements, printf() and friends */
	T_INT,		/* size 1, 2, 4, 8; is_signed */
	T_PTR,		/* base, space */
	T_ARRAY,	/* base, len; char arrays are strings */
	T_STRUCT,	/* name, members; size and align computed; is_union */
	T_FUNC,		/* base = return type, members = parameters (off is
			 * the parameter's index); only behind pointers and as
			 * the prototype of a traced function */
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
	F_TUPLE,	/* T_STRUCT of members "0", "1"...: a tuple, (1, a) */
	/* bpftrace's (src/builtin/): stacks in perf's layout, times, and
	 * memory values (u8 arrays) that print as text */
	F_KSYM_NAME,	/* u64 kernel address: the function's name alone */
	F_KSTACK_PERF,	/* F_KSTACK printed as perf does: "\t<hex> sym+off" */
	F_USTACK_PERF,	/* F_USTACK likewise, with the object: " (path)" */
	F_STRFTIME,	/* u64 boot-time ns, printed by strftime(timefmt) */
	F_STRERROR,	/* s64 errno, printed as strerror(3)'s text */
	F_INET,		/* u8[24] {u64 af; u8 addr[16]}: ntop(), "10.0.0.1" */
	F_MACADDR,	/* u8[6]: macaddr(), "18:C0:4D:08:2E:BB" */
	F_BUF,		/* u8[8 + n] {u64 len; u8 data[n]}: buf(), as %r */
	F_USYM_AT,	/* u8[16] {u64 addr; u64 tgid}: usym(), the function's
			 * name in the process that had it */
};

struct member {
	struct member *next;
	const char *name;	/* "" for an anonymous struct or union member,
				 * whose own members are found through it */
	const struct type *type;
	unsigned off;		/* bytes from the start of the record holding
				 * it (for a bitfield: of its first byte) */
	unsigned bit_off;	/* bitfield: first bit within that byte, 0-7,
				 * in allocation order (as BTF counts): from
				 * the least significant bit on little-endian
				 * targets, the most significant on big-endian
				 * ones */
	unsigned bits;		/* bitfield width; 0: not a bitfield */
};

/* A named value of an enum type. */
struct enumerator {
	struct enumerator *next;
	const char *name;
	int64_t value;
};

/* Members read on first use (BTF records): fill() adds them to @t with
 * type_struct_add*() and finishes it. */
struct type_src {
	void (*fill)(const struct type_src *src, struct type *t);
};

struct type {
	enum type_kind kind;
	unsigned size, align;
	bool is_signed;			/* T_INT */
	enum type_fmt fmt;
	enum addr_space space;		/* T_PTR */
	const struct type *base;	/* T_PTR pointee, T_ARRAY element */
	unsigned len;			/* T_ARRAY element count */
	const char *name;		/* T_STRUCT tag (or the typedef's name
					 * for an anonymous one), T_INT enum tag */
	struct member *members;		/* T_STRUCT; T_FUNC parameters */
	struct enumerator *enums;	/* T_INT enum: its values, in order */
	bool is_union;			/* T_STRUCT: every member at offset 0 */
	bool is_enum;			/* T_INT: an enum (name may be NULL) */
	bool typedef_name;		/* T_STRUCT: name is a typedef's ("atomic_t") */
	bool incomplete;		/* T_STRUCT: declared, never defined */
	bool variadic;			/* T_FUNC: "..." after the parameters */
	const struct type_src *src;	/* T_STRUCT: members not read yet */
	unsigned src_id;		/* the source's id of this record */
	unsigned frames;		/* F_[KU]STACK*: frames kept (0: all
					 * the kernel gives, 127) */
	const char *timefmt;		/* F_STRFTIME: the strftime() format */
};

extern const struct type type_void;
extern const struct type type_s8, type_u8, type_s16, type_u16;
extern const struct type type_s32, type_u32, type_s64, type_u64;
extern const struct type type_char;		/* s8, F_CHAR */
extern const struct type type_ksym;		/* u64, F_KSYM */
extern const struct type type_ksym_name;	/* u64, F_KSYM_NAME */
extern const struct type type_strerror;		/* s64, F_STRERROR */
extern const struct type type_kstack;		/* s64, F_KSTACK */
extern const struct type type_ustack;		/* u64, F_USTACK */
extern const struct type type_walltime;	/* u64, F_WALLTIME */

const struct type *type_int(unsigned size, bool is_signed);
/* A type by a name the language gives it: spry's "u32", "s8", "int64",
 * "uint16", and C's words as the parser makes them canonical ("char",
 * "signed char", "unsigned int", "long long", "_Bool", "void"; long is 64
 * bits, as on every BPF target).  NULL for any other name. */
const struct type *type_builtin(const char *name);
/* The @i-th of those names (for "did you mean"), NULL past the last. */
const char *type_builtin_name(unsigned i);
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
struct type *type_union_new(struct arena *a, const char *name);
void type_struct_add(struct arena *a, struct type *st, const char *name,
		     const struct type *t, unsigned off);
/* A bitfield of @bits bits starting @bit_off bits into the record. */
void type_struct_add_bits(struct arena *a, struct type *st, const char *name,
			  const struct type *t, unsigned bit_off, unsigned bits);
void type_struct_finish(struct type *st, unsigned size);
/* A tuple of @n elements, (a, b, ...): a struct (F_TUPLE) of members "0",
 * "1"..., each at an 8-aligned offset, its size a multiple of 8. */
const struct type *type_tuple(struct arena *a, const struct type *const *el,
			      unsigned n);
bool type_is_tuple(const struct type *t);
/* A record's members, read from its source first if need be. */
const struct member *type_members(const struct type *st);
/* The member called @name, looking inside anonymous struct and union
 * members as C does; NULL if none.  Its off is relative to the record that
 * holds it: type_field() gives the offset from @st's start in *@off. */
const struct member *type_member(const struct type *st, const char *name);
const struct member *type_field(const struct type *st, const char *name,
				unsigned *off);
bool type_is_record(const struct type *t);	/* struct or union */

/* An enum: an integer of @size bytes whose values have names. */
struct type *type_enum_new(struct arena *a, const char *name, unsigned size,
			   bool is_signed);
void type_enum_add(struct arena *a, struct type *e, const char *name,
		   int64_t value);
const struct enumerator *type_enumerator(const struct type *e,
					 const char *name);

/* A function prototype returning @ret (type_void for none); parameters in
 * order, @name "" when it has none. */
struct type *type_func_new(struct arena *a, const struct type *ret);
void type_func_add(struct arena *a, struct type *f, const char *name,
		   const struct type *t);

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
/* Stack ids of either kind, in either layout. */
bool type_is_stack(const struct type *t);
/* Prints as text through its format (a stack, a symbol, a time, an
 * address): what printf's %s takes besides strings. */
bool type_is_text(const struct type *t);
/* Usual arithmetic conversions as in C, on 64 bits: the common type of two
 * integer operands (s64 or u64 unless both are narrower and equal). */
const struct type *type_common(const struct type *a, const struct type *b);
/* "u32", "char[16]", "struct sys_enter_openat *", "union <anonymous>",
 * "enum tcp_state", "s32 (*)(struct file *, u64)" into @buf. */
const char *type_name(const struct type *t, char *buf, size_t n);
void type_dump(FILE *out, const struct type *t);

#endif
