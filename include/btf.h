/* btf.h - the kernel's own types, from BTF.
 *
 * The kernel describes its types in BTF: /sys/kernel/btf/vmlinux for the
 * core and one file per module beside it (split BTF: a module's type ids and
 * string offsets continue vmlinux's).  struct btf is one script's view of
 * them, and it is lazy, because vmlinux holds ~125k types of which a script
 * names a handful:
 *
 *   - btf_new() only records where to look; a script that names no kernel
 *     type never reads BTF.
 *   - The first lookup maps vmlinux (read(2) where the kernel cannot map it,
 *     before 6.16) and indexes it once: the offset of every type, ~1 ms.
 *     libbpf's parser would also validate and index every name (~6 ms).
 *   - A name is found by searching the (deduplicated) string section for it
 *     and then the types for that string's offset: no table of all names.
 *   - Types are converted into the type system (type.h) as asked, into the
 *     script's arena; a struct or union gets its size and alignment at once
 *     and its members on first use, so `(struct task_struct *)p` does not
 *     convert the thousands of types task_struct reaches.
 *   - Modules are read only when vmlinux lacks a name, or for MODULE:FUNC.
 *
 * Mapping: ints by size and sign ("char" is type_char, so char arrays are
 * strings; _Bool is u8); pointers (a "user" type tag below the pointer makes
 * it AS_USER, else AS_KERNEL); arrays; structs and unions with anonymous
 * members and bitfields; enums (T_INT with enumerators); typedefs, const,
 * volatile, restrict and type tags are transparent (a typedef names the
 * anonymous record it stands for: "atomic_t"); function prototypes are
 * T_FUNC with their parameters' names; forward declarations are resolved by
 * name, else an incomplete record.  Floats and 128-bit integers become byte
 * arrays of their size (BPF has no use for their value).
 *
 * Errors: lookups return NULL (or -ENOENT) for a name BTF lacks; when BTF
 * itself is unusable they return the same and btf_error() says why, in a
 * sentence fit for the user ("this kernel has no BTF: ... is missing (it
 * needs CONFIG_DEBUG_INFO_BTF=y)").  Malformed BTF is an error, never a
 * crash: every offset, length and type id is checked before use.
 */
#ifndef SPRY_BTF_H
#define SPRY_BTF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct type;
struct suggest;
struct btf;

/* Where a named type lives in C: the tag namespaces and typedefs. */
enum btf_ns {
	BTF_NS_STRUCT,	/* struct NAME */
	BTF_NS_UNION,	/* union NAME */
	BTF_NS_ENUM,	/* enum NAME */
	BTF_NS_TYPEDEF,	/* NAME */
	BTF_NS_FUNC,	/* a kernel function: its prototype */
};

/* A view of the BTF in @dir ("/sys/kernel/btf"); reads nothing yet.
 * Converted types are allocated from @a. */
struct btf *btf_new(struct arena *a, const char *dir);
/* The same over blobs in memory (tests): @vmlinux, which the caller keeps
 * alive while @b lives; modules are added with btf_add_module(). */
struct btf *btf_new_mem(struct arena *a, const void *vmlinux, size_t size);
int btf_add_module(struct btf *b, const char *name, const void *data,
		   size_t size);
void btf_free(struct btf *b);

/* Read and index vmlinux now (lookups do it themselves).  0, or -errno with
 * the reason in btf_error(). */
int btf_load(struct btf *b);
/* Why BTF is unusable, or NULL. */
const char *btf_error(const struct btf *b);
/* Whether vmlinux has been read: a script that uses no kernel type never
 * does (tests check exactly that). */
bool btf_loaded(const struct btf *b);

/* The type named @name in @ns: vmlinux first, then the modules.  NULL if
 * none (or BTF is unusable: see btf_error()). */
const struct type *btf_type(struct btf *b, enum btf_ns ns, const char *name);
/* An enumerator: TCP_ESTABLISHED.  0 with its value and its enum's type
 * (@type may be NULL), or -ENOENT. */
int btf_enum_value(struct btf *b, const char *name, int64_t *value,
		   const struct type **type);
/* The prototype of kernel function @name (T_FUNC; parameters named), in
 * module @module (NULL: vmlinux, then the modules; "vmlinux": vmlinux
 * alone).  NULL if none. */
const struct type *btf_func(struct btf *b, const char *module,
			    const char *name);
/* The BTF type id of the type named @name in @ns, in module @module
 * (NULL: vmlinux, then the modules; "vmlinux": vmlinux alone), and the
 * module whose BTF holds it
 * (*@obj NULL for vmlinux): what a program names when it is loaded.  0 or
 * -ENOENT (or -errno if BTF is unusable). */
int btf_type_id(struct btf *b, enum btf_ns ns, const char *module,
		const char *name, uint32_t *id, const char **obj);
/* Where fentry attaches: btf_type_id() of function @name. */
int btf_func_id(struct btf *b, const char *module, const char *name,
		uint32_t *id, const char **obj);
/* Call @fn for every type of name space @ns (definitions, not
 * declarations) whose name matches the glob @pattern (fnmatch), in
 * @module (NULL: vmlinux and every module), in BTF order; stops at @fn's
 * first non-zero return and returns it.  0 when done, or -errno if BTF is
 * unusable.  btf_funcs() is its BTF_NS_FUNC. */
int btf_names(struct btf *b, enum btf_ns ns, const char *module,
	      const char *pattern,
	      int (*fn)(void *ctx, const char *module, const char *name),
	      void *ctx);
int btf_funcs(struct btf *b, const char *module, const char *pattern,
	      int (*fn)(void *ctx, const char *module, const char *name),
	      void *ctx);
/* The arguments of raw tracepoint @name (rawtracepoint, tp_btf): the
 * prototype of its typedef btf_trace_NAME (a pointer to a function of
 * void *__data and the tracepoint's arguments) without the __data, a
 * T_FUNC.  BTF keeps no names in that typedef: they come from the stub
 * the kernel writes per event class, __bpf_trace_CLASS, which has the
 * same parameter types (an event of its own class: __bpf_trace_NAME;
 * else the stub whose name shares the longest prefix with @name:
 * sched_wakeup's is sched_wakeup_template's); without one they are
 * unnamed.  The typedef's id and module (a tp_btf program names them when
 * it is loaded) in *@id and *@obj (NULL: vmlinux), either may be NULL.
 * NULL if the kernel has no such raw tracepoint (or BTF is unusable). */
const struct type *btf_raw_tp(struct btf *b, const char *name, uint32_t *id,
			      const char **obj);
/* A file descriptor of the kernel's loaded BTF object for @module (a
 * program attaching to a module's function names it at load:
 * attach_btf_obj_fd), or -errno (-ENOENT: no such module BTF). */
int btf_kernel_fd(const char *module);
/* Offer vmlinux's names in @ns to @sg ("did you mean"), or the enumerator
 * names when @enumerators. */
void btf_suggest(struct btf *b, enum btf_ns ns, bool enumerators,
		 struct suggest *sg);

#endif
