/* usym.h - user-space symbols: ELF symbol tables, libraries, addresses.
 *
 * Input: an ELF file (executable, PIE or shared object), a library's short
 * name ("libc") or a program's name, or a running process's address.
 * Output: the file's function symbols sorted by address, the file offset a
 * uprobe needs for a symbol, the path the dynamic linker would load, a
 * name ("main+0x12") for an address in a process, and tokens: numbers that
 * stand for a name (a uprobe's `caller`).
 *
 * Objects and process maps are cached for the life of spry (a per-path and
 * a per-pid cache): symbolizing a stack touches each object once.
 */
#ifndef SPRY_USYM_H
#define SPRY_USYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct host;
struct usym {
	uint64_t addr;		/* st_value: a virtual address in the file */
	uint64_t size;
	const char *name;	/* as the user may write it; dynamic symbols
				 * with a version get "name@@VER" (default) or
				 * "name@VER" (hidden) */
	unsigned base_len;	/* length of the name before any '@' */
	unsigned entry;		/* bytes past addr where calls enter: the
				 * local entry point of a ppc64 ELFv2
				 * function that sets up its TOC (st_other),
				 * which direct calls branch to; 0 elsewhere */
};

struct usym_seg {		/* a PT_LOAD program header */
	uint64_t vaddr, filesz, memsz, offset;
	bool exec;
};

struct usym_obj {
	char *path;
	bool is_exec;		/* ET_EXEC: addresses are absolute */
	bool has_symtab;	/* false: stripped (.dynsym at most) */
	struct usym *syms;	/* STT_FUNC/GNU_IFUNC definitions, by address */
	unsigned n;
	struct usym_seg *segs;
	unsigned nsegs;
	char *names;		/* storage the names point into */
};

/* Read @path's symbols and program headers.  0 or -errno: -ENOENT,
 * -EACCES, -ENOEXEC (not an ELF file libelf can read). */
int usym_obj_load(const char *path, struct usym_obj **out);
void usym_obj_free(struct usym_obj *o);
/* The same, cached per path for the life of the process; NULL with errno
 * set on failure. */
const struct usym_obj *usym_obj_get(const char *path);

/* Any defined symbol named @want (a variable too: uaddr("ps1_prompt")) in
 * @path's .symtab, else its .dynsym: its st_value and st_size.  0,
 * -ENOENT (none), or -errno / -ENOEXEC reading the file. */
int usym_data_find(const char *path, const char *want, uint64_t *addr,
		   uint64_t *size);

/* Whether symbol name @sym is what the user means by @want: equal, or equal
 * up to sym's version ("malloc@@GLIBC_2.2.5" is "malloc"). */
bool usym_name_match(const char *sym, const char *want);
/* The first function named @want (usym_name_match); NULL if none. */
const struct usym *usym_find(const struct usym_obj *o, const char *want);
/* The function @vaddr falls in (highest at or below it, within its size, or
 * within 64 KiB when it has none) with the offset in *@off; NULL if none. */
const struct usym *usym_lookup(const struct usym_obj *o, uint64_t vaddr,
			       uint64_t *off);
/* The closest function name to @want, when it is a typo away (diag.h's
 * struct suggest), without its version, into @buf; NULL otherwise. */
const char *usym_suggest(const struct usym_obj *o, const char *want,
			 char *buf, size_t n);
/* File offset of @vaddr through the PT_LOAD that maps it: what a uprobe is
 * placed at.  0, or -ENOENT when no segment holds it. */
int usym_vaddr_to_offset(const struct usym_obj *o, uint64_t vaddr,
			 uint64_t *off);
/* And back: the vaddr that file offset @off is loaded at.  0 or -ENOENT. */
int usym_offset_to_vaddr(const struct usym_obj *o, uint64_t off,
			 uint64_t *vaddr);

/* Look @name ("libc", "libc.so.6") up in the ld.so.cache at @cache
 * (glibc's "glibc-ld.so.cache1.1" format, alone or after the old one).
 * The path into @buf; 0, -ENOENT (not listed), or -errno / -EINVAL (no such
 * file, unknown format). */
int usym_ldcache_find(const char *cache, const char *name, char *buf,
		      size_t n);
/* Where the file a uprobe names is: a path with a '/' as is; a library
 * ("libc", "libfoo.so.1") as the dynamic linker finds it
 * (h->ldcache or /etc/ld.so.cache, then /lib/<multiarch>, /usr/lib/
 * <multiarch>, /lib64, /usr/lib64, /lib, /usr/lib); else a program on
 * h->path ($PATH).  @h may be NULL (the defaults).  0 or -ENOENT. */
int usym_resolve_path(const struct host *h, const char *name, char *buf,
		      size_t n);

/* The ELF files process @pid maps (executable mappings of regular files,
 * as /proc/PID/root/PATH so that a process in another mount namespace
 * resolves), each once, into a malloc'd NULL-terminated array of malloc'd
 * strings; the count, or -errno (-ESRCH: no such process). */
int usym_pid_objects(pid_t pid, char ***paths);

/* Name @addr of process @pid through /proc/PID/maps and the mapped
 * object's symbols: "func+0x1f" (with " (path)" left out), or "func" at
 * offset 0, into @buf.  NULL if unknown (process gone, no symbol). */
const char *usym_format(pid_t pid, uint64_t addr, char *buf, size_t n);

/* Names that travel as numbers: a uprobe's `caller` is the token of its
 * target's name, set as the BPF cookie of the target's link.  Tokens have
 * bit 63 set, which no user-space address has, so the output hook tells
 * them from addresses.  The same name always gets the same token (one map
 * key per name); 0 when out of memory (prints as 0x0). */
#define USYM_TOKEN	(1ULL << 63)
uint64_t usym_token(const char *name);

/* struct output's usym hook (output.h): a token's name; else an address of
 * process @pid (from a user stack id), or when @pid is 0 of the runtime's
 * -p pid, then its -c child: the name into @buf, the offset into *@off.
 * @ctx is the struct runtime. */
const char *usym_out_hook(void *ctx, uint64_t addr, uint32_t pid, char *buf,
			  size_t n, uint64_t *off);
/* struct output's uobj hook: the path of the object mapped at @addr in
 * process @pid (0: as usym_out_hook), NULL if unknown. */
const char *usym_obj_hook(void *ctx, uint64_t addr, uint32_t pid);

/* The string at @off of the string table in section @ndx of @e, or NULL:
 * elf_strptr() without the decompression that would link zlib (usym.c). */
struct Elf;
const char *usym_elf_str(struct Elf *e, size_t ndx, size_t off);

#endif
