/* ctypes.h - the C types a script names: its own definitions and the
 * kernel's, resolved into the type system.
 *
 * A type written in a script (a cast, sizeof, offsetof, a member of a
 * struct it defines; struct ctype in ast.h) names C's words, spry's integer
 * names (u32, int8...), the script's own struct, union and enum tags and
 * typedefs, and the kernel's, found in BTF.  The script's shadow the
 * kernel's of the same name, as bpftrace's do.  struct ctypes holds the
 * script's definitions, added in order with ctypes_define() (one N_CDEF at
 * a time), and resolves written types with ctypes_resolve().  BTF is asked
 * only for a name the script does not define, so a script whose types are
 * all its own never reads it.
 *
 * Script records are laid out as C does on spry's 64-bit targets (the
 * x86-64 and AArch64 ABIs agree here): members at their alignment, a
 * bitfield in the next bits that do not cross a unit of its declared type
 * (":0" closes the unit), unions at offset 0, the size rounded up to the
 * alignment.  Enums are 4 bytes unless a value needs 8, signed if a value
 * is negative.
 *
 * Constant expressions (array lengths, bitfield widths, enumerator values)
 * are integers, names of constants (the script's enumerators and #defines,
 * the built-in uapi table, the kernel's enumerators), sizeof, casts to
 * integers, and C's operators.
 *
 * Errors are reported once, where found, through the diag, with
 * "did you mean" where a name is close to a known one; the functions then
 * return NULL (or -errno).
 */
#ifndef SPRY_CTYPES_H
#define SPRY_CTYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "ast.h"

struct arena;
struct btf;
struct cpp;
struct ctype;
struct diag;
struct node;
struct suggest;
struct type;
struct ctypes;

/* @btf may be NULL (then only the script's types and spry's names
 * exist); so may @cpp (no macros, no uapi table).  Nothing is read. */
struct ctypes *ctypes_new(struct arena *a, struct btf *btf,
			  const struct cpp *cpp, struct diag *d);

/* Add the definitions of N_CDEF @n.  0, or -EINVAL after reporting. */
int ctypes_define(struct ctypes *c, const struct node *n);

/* The type @t stands for.  NULL after reporting why. */
const struct type *ctypes_resolve(struct ctypes *c, const struct ctype *t);

/* A type called @name without a tag (spry's integer names, the script's
 * typedefs, then the kernel's), or NULL, quietly: sema asks this of a lone
 * name that may be a type or an expression (`sizeof(pid_t)`). */
const struct type *ctypes_name(struct ctypes *c, const char *name);

/* The struct, union or enum @name (@tag): the script's definition, else
 * the kernel's; NULL, quietly, when neither has one. */
const struct type *ctypes_tag(struct ctypes *c, enum ctype_tag tag,
			      const char *name);

/* A named constant: the script's #defines, its enumerators, the uapi
 * table, the kernel's enumerators, in that order.  0 with its value (and
 * type: an enum's, or NULL for a macro) or -ENOENT, quietly; a macro the
 * script defines without a value is -ENODATA. */
int ctypes_const(struct ctypes *c, const char *name, int64_t *value,
		 const struct type **type);

/* Offer every named constant's name to @sg (for "did you mean"): the
 * script's, the uapi table's, the kernel's enumerators. */
void ctypes_suggest_const(struct ctypes *c, struct suggest *sg);

/* An integer of type @t holding @v, as a cast makes it: cut to the
 * type's width, extended by its sign. */
int64_t ctypes_int_cast(const struct type *t, int64_t v);

/* Evaluate constant expression @e.  False after reporting why it is not
 * one (or divides by zero). */
bool ctypes_eval(struct ctypes *c, const struct node *e, int64_t *value);

#endif
