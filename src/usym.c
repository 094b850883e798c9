/* usym.c - user-space symbols: ELF symbol tables, libraries, addresses.
 *
 * Input: ELF files (read with libelf), /etc/ld.so.cache, $PATH and
 * /proc/PID/maps.  Output: what usym.h promises: function symbols by name
 * and by address, vaddr <-> file offset through the PT_LOAD headers, the
 * path of a library or program, and names for addresses in processes.
 *
 * Caches (process-wide, never freed before exit: they back names the output
 * layer prints until the very end): loaded objects by path, process maps by
 * pid.  Both are small linear lists: a trace touches a handful of objects.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "runtime.h"
#include "host.h"
#include "usym.h"

/* A symbol while loading: names are offsets into the growing name buffer
 * until it stops moving. */
struct tsym {
	uint64_t addr, size;
	size_t name;
	unsigned base_len;
	unsigned entry;		/* struct usym's */
	int rank;		/* lower is preferred among aliases */
};

struct loader {
	struct tsym *v;
	unsigned n, cap;
	char *names;
	size_t len, cap_names;
	bool ppc64;		/* EM_PPC64: st_other has the local entry */
};

static int ld_name(struct loader *L, const char *name, const char *ver,
		   bool hidden, size_t *off)
{
	size_t need = strlen(name) + (ver ? strlen(ver) + 2 : 0) + 1;

	if (L->len + need > L->cap_names) {
		size_t cap = L->cap_names ? 2 * L->cap_names : 4096;
		char *nn;

		while (cap < L->len + need)
			cap *= 2;
		nn = realloc(L->names, cap);
		if (!nn)
			return -ENOMEM;
		L->names = nn;
		L->cap_names = cap;
	}
	*off = L->len;
	if (ver)
		L->len += (size_t)sprintf(L->names + L->len, "%s%s%s", name,
					  hidden ? "@" : "@@", ver) + 1;
	else
		L->len += (size_t)sprintf(L->names + L->len, "%s", name) + 1;
	return 0;
}

static int ld_push(struct loader *L, const GElf_Sym *sym, const char *name,
		   const char *ver, bool hidden)
{
	struct tsym *t;
	const char *at;
	int err;

	if (L->n == L->cap) {
		unsigned cap = L->cap ? 2 * L->cap : 256;
		struct tsym *nv = realloc(L->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		L->v = nv;
		L->cap = cap;
	}
	t = &L->v[L->n];
	err = ld_name(L, name, ver, hidden, &t->name);
	if (err)
		return err;
	at = strchr(name, '@');
	t->base_len = (unsigned)(at ? (size_t)(at - name) : strlen(name));
	t->addr = sym->st_value;
	t->size = sym->st_size;
	/* ELFv2 (ELFv1 leaves these bits 0): 0 or 1 means one entry point,
	 * else the local one is 4, 8, 16... bytes on */
	t->entry = L->ppc64 ? PPC64_LOCAL_ENTRY_OFFSET(sym->st_other) : 0;
	if (t->size && t->entry >= t->size)
		t->entry = 0;
	t->rank = GELF_ST_BIND(sym->st_info) == STB_GLOBAL ? 0 :
		  GELF_ST_BIND(sym->st_info) == STB_WEAK ? 2 : 4;
	if (name[0] == '_')
		t->rank++;
	L->n++;
	return 0;
}

/* usym.h: not elf_strptr(), which decompresses compressed sections and
 * so links libelf's compression and all of zlib into a static spry (86
 * KB); symbol, version and section name tables are never compressed. */
const char *usym_elf_str(Elf *e, size_t ndx, size_t off)
{
	Elf_Scn *scn = elf_getscn(e, ndx);
	Elf_Data *data = scn ? elf_getdata(scn, NULL) : NULL;
	const char *s;

	if (!data || !data->d_buf || off >= data->d_size)
		return NULL;
	s = (const char *)data->d_buf + off;
	return memchr(s, '\0', data->d_size - off) ? s : NULL;
}

/* The version definitions of a .gnu.version_d section: index -> name. */
struct verdefs {
	const char **name;
	unsigned n;
};

static void read_verdefs(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh,
			 struct verdefs *vd)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t off = 0;
	GElf_Verdef def;
	GElf_Verdaux aux;

	if (!data)
		return;
	for (unsigned i = 0; i < sh->sh_info; i++) {
		const char *name;

		if (!gelf_getverdef(data, (int)off, &def))
			return;
		if (def.vd_cnt &&
		    gelf_getverdaux(data, (int)(off + def.vd_aux), &aux)) {
			name = usym_elf_str(e, sh->sh_link, aux.vda_name);
			if (name && def.vd_ndx < 0x8000) {
				if (def.vd_ndx >= vd->n) {
					unsigned n = def.vd_ndx + 1u;
					const char **nv = realloc(vd->name,
							n * sizeof(*nv));

					if (!nv)
						return;
					memset(nv + vd->n, 0,
					       (n - vd->n) * sizeof(*nv));
					vd->name = nv;
					vd->n = n;
				}
				vd->name[def.vd_ndx] = name;
			}
		}
		if (!def.vd_next)
			return;
		off += def.vd_next;
	}
}

/* Function definitions of one symbol table (.symtab or .dynsym). */
static int read_symtab(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh,
		       Elf_Data *versym, const struct verdefs *vd,
		       struct loader *L)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n;
	int err;

	if (!data || !sh->sh_entsize)
		return 0;
	n = sh->sh_size / sh->sh_entsize;
	for (size_t i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Versym vs = 0;
		const char *name, *ver = NULL;
		int type;

		if (!gelf_getsym(data, (int)i, &sym))
			continue;
		type = GELF_ST_TYPE(sym.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) ||
		    sym.st_shndx == SHN_UNDEF || !sym.st_value)
			continue;
		name = usym_elf_str(e, sh->sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		if (versym && gelf_getversym(versym, (int)i, &vs)) {
			unsigned idx = vs & 0x7fff;

			/* 0 local, 1 global: no version to name */
			if (idx >= 2 && idx < vd->n && vd->name[idx] &&
			    !strchr(name, '@'))
				ver = vd->name[idx];
		}
		err = ld_push(L, &sym, name, ver, vs & 0x8000);
		if (err)
			return err;
	}
	return 0;
}

static int cmp_tsym(const void *a, const void *b)
{
	const struct tsym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->rank - y->rank;
}

/* Whether [off, off + size) lies within a file of @fsize bytes. */
static bool in_file(uint64_t off, uint64_t size, uint64_t fsize)
{
	return off <= fsize && size <= fsize - off;
}

/* @fsize: the file's size.  A truncated file (its section or program
 * headers, or a symbol table, past its end) is -EBADMSG: libelf would
 * just find no symbols in it, and the user would be told it is
 * stripped. */
static int load_elf(Elf *e, struct usym_obj *o, uint64_t fsize)
{
	struct loader L = { 0 };
	struct verdefs vd = { 0 };
	Elf_Scn *scn = NULL, *dynsym = NULL, *symtab = NULL;
	GElf_Shdr dynsh, symsh, sh;
	Elf_Data *versym = NULL;
	GElf_Ehdr eh;
	size_t phnum;
	int err = 0;

	if (elf_kind(e) != ELF_K_ELF)
		return -ENOEXEC;
	if (!gelf_getehdr(e, &eh) || elf_getphdrnum(e, &phnum) ||
	    !in_file(eh.e_phoff, (uint64_t)phnum * eh.e_phentsize, fsize) ||
	    !in_file(eh.e_shoff, (uint64_t)eh.e_shnum * eh.e_shentsize, fsize))
		return -EBADMSG;
	o->is_exec = eh.e_type == ET_EXEC;
	L.ppc64 = eh.e_machine == EM_PPC64;

	o->segs = calloc(phnum ? phnum : 1, sizeof(*o->segs));
	if (!o->segs)
		return -ENOMEM;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		o->segs[o->nsegs++] = (struct usym_seg){
			ph.p_vaddr, ph.p_filesz, ph.p_memsz, ph.p_offset,
			(ph.p_flags & PF_X) != 0,
		};
	}

	while ((scn = elf_nextscn(e, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if ((sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM ||
		     sh.sh_type == SHT_STRTAB) &&
		    !in_file(sh.sh_offset, sh.sh_size, fsize)) {
			free(vd.name);
			return -EBADMSG;
		}
		switch (sh.sh_type) {
		case SHT_SYMTAB:
			symtab = scn;
			symsh = sh;
			break;
		case SHT_DYNSYM:
			dynsym = scn;
			dynsh = sh;
			break;
		case SHT_GNU_versym:
			versym = elf_getdata(scn, NULL);
			break;
		case SHT_GNU_verdef:
			read_verdefs(e, scn, &sh, &vd);
			break;
		}
	}
	o->has_symtab = symtab != NULL;
	if (symtab)
		err = read_symtab(e, symtab, &symsh, NULL, &vd, &L);
	/* .gnu.version parallels .dynsym only */
	if (!err && dynsym)
		err = read_symtab(e, dynsym, &dynsh, versym, &vd, &L);
	free(vd.name);
	if (err) {
		free(L.v);
		free(L.names);
		return err;
	}

	if (L.n)
		qsort(L.v, L.n, sizeof(*L.v), cmp_tsym);
	o->syms = calloc(L.n ? L.n : 1, sizeof(*o->syms));
	if (!o->syms) {
		free(L.v);
		free(L.names);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < L.n; i++)
		o->syms[i] = (struct usym){ L.v[i].addr, L.v[i].size,
					    L.names + L.v[i].name,
					    L.v[i].base_len, L.v[i].entry };
	o->n = L.n;
	o->names = L.names;
	free(L.v);
	return 0;
}

/* The symbol named @want in one table, any type; 0 or -ENOENT. */
static int find_in_symtab(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh,
			  const char *want, uint64_t *addr, uint64_t *size)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n;

	if (!data || !sh->sh_entsize)
		return -ENOENT;
	n = sh->sh_size / sh->sh_entsize;
	for (size_t i = 1; i < n; i++) {
		GElf_Sym sym;
		const char *name;

		if (!gelf_getsym(data, (int)i, &sym) ||
		    sym.st_shndx == SHN_UNDEF || !sym.st_value)
			continue;
		name = usym_elf_str(e, sh->sh_link, sym.st_name);
		if (!name || !usym_name_match(name, want))
			continue;
		*addr = sym.st_value;
		*size = sym.st_size;
		return 0;
	}
	return -ENOENT;
}

/* @path as an ELF file for reading: the Elf (close it and *@fd after) or
 * NULL with *@err = -errno, -ENOEXEC (not an ELF file libelf reads). */
static Elf *elf_open(const char *path, int *fd, int *err)
{
	Elf *e;

	*err = -ENOEXEC;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return NULL;
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		*err = -errno;
		return NULL;
	}
	e = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		if (e)
			elf_end(e);
		close(*fd);
		return NULL;
	}
	return e;
}

int usym_data_find(const char *path, const char *want, uint64_t *addr,
		   uint64_t *size)
{
	Elf_Scn *scn = NULL, *dynsym = NULL, *symtab = NULL;
	GElf_Shdr sh, symsh, dynsh;
	int fd, err;
	Elf *e = elf_open(path, &fd, &err);

	if (!e)
		return err;
	err = -ENOENT;
	while ((scn = elf_nextscn(e, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB) {
			symtab = scn;
			symsh = sh;
		} else if (sh.sh_type == SHT_DYNSYM) {
			dynsym = scn;
			dynsh = sh;
		}
	}
	if (symtab)
		err = find_in_symtab(e, symtab, &symsh, want, addr, size);
	if (err && dynsym)
		err = find_in_symtab(e, dynsym, &dynsh, want, addr, size);
	elf_end(e);
	close(fd);
	return err;
}

int usym_obj_load(const char *path, struct usym_obj **out)
{
	struct usym_obj *o;
	struct stat st;
	Elf *e;
	int fd, err;

	*out = NULL;
	e = elf_open(path, &fd, &err);
	if (!e)
		return err;
	if (fstat(fd, &st)) {
		err = -errno;
		elf_end(e);
		close(fd);
		return err;
	}
	o = calloc(1, sizeof(*o));
	if (!o) {
		elf_end(e);
		close(fd);
		return -ENOMEM;
	}
	o->path = strdup(path);
	err = o->path ? load_elf(e, o, (uint64_t)st.st_size) : -ENOMEM;
	elf_end(e);
	close(fd);
	if (err) {
		usym_obj_free(o);
		return err;
	}
	*out = o;
	return 0;
}

void usym_obj_free(struct usym_obj *o)
{
	if (!o)
		return;
	free(o->path);
	free(o->syms);
	free(o->segs);
	free(o->names);
	free(o);
}

/* ---- the object cache ---- */

static struct usym_obj **obj_cache;
static unsigned obj_ncache;

static void usym_cache_free(void)
{
	for (unsigned i = 0; i < obj_ncache; i++)
		usym_obj_free(obj_cache[i]);
	free(obj_cache);
	obj_cache = NULL;
	obj_ncache = 0;
}

const struct usym_obj *usym_obj_get(const char *path)
{
	static bool registered;
	struct usym_obj *o, **nc;
	int err;

	for (unsigned i = 0; i < obj_ncache; i++)
		if (!strcmp(obj_cache[i]->path, path))
			return obj_cache[i];
	err = usym_obj_load(path, &o);
	if (err) {
		errno = -err;
		return NULL;
	}
	nc = realloc(obj_cache, (obj_ncache + 1) * sizeof(*nc));
	if (!nc) {
		usym_obj_free(o);
		errno = ENOMEM;
		return NULL;
	}
	/* freed at exit so that leak checkers see a clean process */
	if (!registered) {
		atexit(usym_cache_free);
		registered = true;
	}
	obj_cache = nc;
	obj_cache[obj_ncache++] = o;
	return o;
}

/* ---- names and addresses ---- */

bool usym_name_match(const char *sym, const char *want)
{
	size_t n = strcspn(sym, "@");

	if (!strcmp(sym, want))
		return true;
	return !strchr(want, '@') && strlen(want) == n &&
	       !strncmp(sym, want, n);
}

const struct usym *usym_find(const struct usym_obj *o, const char *want)
{
	const struct usym *best = NULL;

	for (unsigned i = 0; i < o->n; i++) {
		if (!usym_name_match(o->syms[i].name, want))
			continue;
		/* "malloc" means the default version, "@@" */
		if (!best || strstr(o->syms[i].name, "@@"))
			best = &o->syms[i];
		if (strstr(best->name, "@@") || !strchr(best->name, '@'))
			return best;
	}
	return best;
}

const struct usym *usym_lookup(const struct usym_obj *o, uint64_t vaddr,
			       uint64_t *off)
{
	unsigned lo = 0, hi = o->n;
	const struct usym *s;

	/* the first symbol above vaddr */
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (o->syms[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	s = &o->syms[lo - 1];
	/* the preferred alias: sorted first among equal addresses */
	while (s > o->syms && s[-1].addr == s->addr)
		s--;
	if (s->size ? vaddr - s->addr >= s->size : vaddr - s->addr >= 65536)
		return NULL;
	if (off)
		*off = vaddr - s->addr;
	return s;
}

const char *usym_suggest(const struct usym_obj *o, const char *want,
			 char *buf, size_t n)
{
	struct suggest sg;
	const struct usym *best = NULL;
	char cand[128];

	/* candidates are compared without their version ("malloc", not
	 * "malloc@@GLIBC_2.2.5"), so the copy is offered; the symbol that
	 * improved the best distance is remembered */
	suggest_init(&sg, want);
	for (unsigned i = 0; i < o->n; i++) {
		const struct usym *s = &o->syms[i];
		unsigned before = sg.dist;

		if (s->base_len >= sizeof(cand))
			continue;
		memcpy(cand, s->name, s->base_len);
		cand[s->base_len] = '\0';
		suggest_try(&sg, cand);
		if (sg.dist < before)
			best = s;
	}
	if (!best || !suggest_best(&sg))
		return NULL;
	snprintf(buf, n, "%.*s", (int)best->base_len, best->name);
	return buf;
}

int usym_vaddr_to_offset(const struct usym_obj *o, uint64_t vaddr,
			 uint64_t *off)
{
	for (unsigned i = 0; i < o->nsegs; i++) {
		const struct usym_seg *g = &o->segs[i];

		if (vaddr >= g->vaddr && vaddr - g->vaddr < g->filesz) {
			*off = vaddr - g->vaddr + g->offset;
			return 0;
		}
	}
	return -ENOENT;
}

int usym_offset_to_vaddr(const struct usym_obj *o, uint64_t off,
			 uint64_t *vaddr)
{
	for (unsigned i = 0; i < o->nsegs; i++) {
		const struct usym_seg *g = &o->segs[i];

		if (off >= g->offset && off - g->offset < g->filesz) {
			*vaddr = off - g->offset + g->vaddr;
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- finding files ---- */

/* glibc's new cache format (elf/cache.h: struct cache_file_new). */
#define LDC_OLD_MAGIC	"ld.so-1.7.0"
#define LDC_NEW_MAGIC	"glibc-ld.so.cache1.1"
#define LDC_NEW_HDR	48	/* magic, version, nlibs, len_strings, ... */
#define LDC_NEW_ENTRY	24	/* flags, key, value, osversion, hwcap */
#define LDC_OLD_ENTRY	12
#define LDC_TYPE_MASK	0xff00

/* The cache's entry type for this build's architecture (FLAG_X8664_LIB64,
 * FLAG_AARCH64_LIB64); 0: accept any. */
static unsigned ldc_host_type(void)
{
#if defined(__x86_64__)
	return 0x0300;
#elif defined(__aarch64__)
	return 0x0a00;
#else
	return 0;
#endif
}

/* Whether cache key @key ("libc.so.6") is what @name means: equal, or
 * @name plus ".so" and a version ("libc" -> "libc.so.6"). */
static bool ldc_key_match(const char *key, const char *name)
{
	size_t n = strlen(name);

	if (!strcmp(key, name))
		return true;
	return !strstr(name, ".so") && !strncmp(key, name, n) &&
	       !strncmp(key + n, ".so", 3) &&
	       (key[n + 3] == '\0' || key[n + 3] == '.');
}

int usym_ldcache_find(const char *cache, const char *name, char *buf,
		      size_t n)
{
	char *data = NULL;
	size_t len = 0, base = 0, cap = 0;
	uint32_t nlibs, want = ldc_host_type();
	int fd, err = -ENOENT;
	ssize_t r;

	fd = open(cache, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		if (len == cap) {
			char *nd = realloc(data, cap = cap ? 2 * cap : 65536);

			if (!nd) {
				free(data);
				close(fd);
				return -ENOMEM;
			}
			data = nd;
		}
		r = read(fd, data + len, cap - len);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (len >= 16 && !memcmp(data, LDC_OLD_MAGIC, 11)) {
		/* the old table first; the new one starts 8-aligned after */
		memcpy(&nlibs, data + 12, 4);
		base = 16 + (size_t)nlibs * LDC_OLD_ENTRY;
		base = (base + 7) & ~(size_t)7;
	}
	if (base + LDC_NEW_HDR > len ||
	    memcmp(data + base, LDC_NEW_MAGIC, sizeof(LDC_NEW_MAGIC) - 1)) {
		free(data);
		return -EINVAL;
	}
	memcpy(&nlibs, data + base + 20, 4);
	for (int pass = 0; pass < 2 && err; pass++) {
		for (uint32_t i = 0; i < nlibs; i++) {
			size_t e = base + LDC_NEW_HDR + (size_t)i * LDC_NEW_ENTRY;
			int32_t flags;
			uint32_t key, value;
			const char *k, *v;

			if (e + LDC_NEW_ENTRY > len)
				break;
			memcpy(&flags, data + e, 4);
			memcpy(&key, data + e + 4, 4);
			memcpy(&value, data + e + 8, 4);
			/* strings are offsets from the new header */
			if (base + key >= len || base + value >= len ||
			    !memchr(data + base + key, '\0', len - base - key) ||
			    !memchr(data + base + value, '\0',
				    len - base - value))
				continue;
			k = data + base + key;
			v = data + base + value;
			/* pass 0: this architecture only; pass 1: any */
			if (!pass && want &&
			    ((uint32_t)flags & LDC_TYPE_MASK) != want)
				continue;
			if (ldc_key_match(k, name) && strlen(v) < n) {
				strcpy(buf, v);
				err = 0;
				break;
			}
		}
	}
	free(data);
	return err;
}

static bool is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

/* @dir/@name, or @dir/@name.so.* (the first that is an ELF file: a
 * development "libc.so" is a linker script, hence the version). */
static int lib_in_dir(const char *dir, const char *name, char *buf, size_t n)
{
	size_t len = strlen(name);
	struct dirent *de;
	DIR *dp;

	if ((size_t)snprintf(buf, n, "%s/%s", dir, name) < n && is_file(buf) &&
	    usym_obj_get(buf))
		return 0;
	if (strstr(name, ".so"))
		return -ENOENT;
	dp = opendir(dir);
	if (!dp)
		return -ENOENT;
	while ((de = readdir(dp))) {
		if (strncmp(de->d_name, name, len) ||
		    strncmp(de->d_name + len, ".so.", 4))
			continue;
		if ((size_t)snprintf(buf, n, "%s/%s", dir, de->d_name) < n &&
		    is_file(buf) && usym_obj_get(buf)) {
			closedir(dp);
			return 0;
		}
	}
	closedir(dp);
	return -ENOENT;
}

int usym_resolve_path(const struct host *h, const char *name, char *buf,
		      size_t n)
{
	static const char *const dirs[] = {
#if defined(__x86_64__)
		"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
#elif defined(__aarch64__)
		"/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
#endif
		"/lib64", "/usr/lib64", "/lib", "/usr/lib",
	};
	const char *cache = host_or_default(h)->ldcache;
	const char *path = host_or_default(h)->path;
	char *copy, *dir, *save;

	if (!*name)
		return -ENOENT;
	if (strchr(name, '/')) {
		if (strlen(name) >= n || !is_file(name))
			return -ENOENT;
		strcpy(buf, name);
		return 0;
	}
	if (!strncmp(name, "lib", 3) || strstr(name, ".so")) {
		if (!usym_ldcache_find(cache ? cache : "/etc/ld.so.cache",
				       name, buf, n) &&
		    is_file(buf))
			return 0;
		for (unsigned i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
			if (!lib_in_dir(dirs[i], name, buf, n))
				return 0;
	}
	copy = strdup(path ? path : "/usr/local/bin:/usr/bin:/bin");
	if (!copy)
		return -ENOMEM;
	for (dir = strtok_r(copy, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		if ((size_t)snprintf(buf, n, "%s/%s", *dir ? dir : ".", name) < n &&
		    is_file(buf) && !access(buf, X_OK)) {
			free(copy);
			return 0;
		}
	}
	free(copy);
	return -ENOENT;
}

/* ---- processes ---- */

struct pmap {
	uint64_t start, end, off;
	char *path;
};

struct pmaps {
	pid_t pid;
	struct pmap *v;
	unsigned n;
};

static struct pmaps *pm_cache;
static unsigned pm_ncache;

static void pm_free(struct pmaps *pm)
{
	for (unsigned i = 0; i < pm->n; i++)
		free(pm->v[i].path);
	free(pm->v);
	pm->v = NULL;
	pm->n = 0;
}

static void pm_cache_free(void)
{
	for (unsigned i = 0; i < pm_ncache; i++)
		pm_free(&pm_cache[i]);
	free(pm_cache);
	pm_cache = NULL;
	pm_ncache = 0;
}

/* One line of /proc/PID/maps, "start-end perms offset dev inode   path":
 * the fields used, and where the path starts.  Not sscanf(), whose
 * scanf engine (with strtod and the wide-character conversions) is 90 KB
 * of a static spry. */
static bool pmap_line(char *line, unsigned long long *start,
		      unsigned long long *end, unsigned long long *off,
		      char **file)
{
	char *p = line, *e;

	*start = strtoull(p, &e, 16);
	if (e == p || *e != '-')
		return false;
	p = e + 1;
	*end = strtoull(p, &e, 16);
	if (e == p || *e != ' ')
		return false;
	p = strchr(e + 1, ' ');		/* past the permissions */
	if (!p)
		return false;
	p++;
	*off = strtoull(p, &e, 16);
	if (e == p || *e != ' ')
		return false;
	p = strchr(e + 1, ' ');		/* past the device */
	if (!p)
		return false;
	p++;
	strtoull(p, &e, 10);		/* the inode */
	if (e == p)
		return false;
	while (*e == ' ')
		e++;
	*file = e;
	return true;
}

/* /proc/PID/maps: "start-end perms offset dev inode path", file-backed
 * mappings only.  Paths are taken through /proc/PID/root, so that a
 * process in another mount namespace (a container) still resolves. */
static int pm_read(struct pmaps *pm)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	unsigned ncap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pm->pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		unsigned long long start, end, off;
		struct pmap *m;
		char *file;

		if (!pmap_line(line, &start, &end, &off, &file))
			continue;
		file[strcspn(file, "\n")] = '\0';
		if (file[0] != '/')
			continue;
		if (pm->n == ncap) {
			struct pmap *nv;

			ncap = ncap ? 2 * ncap : 64;
			nv = realloc(pm->v, ncap * sizeof(*nv));
			if (!nv)
				break;
			pm->v = nv;
		}
		m = &pm->v[pm->n];
		m->start = start;
		m->end = end;
		m->off = off;
		if (asprintf(&m->path, "/proc/%d/root%s", (int)pm->pid,
			     file) < 0)
			break;
		pm->n++;
	}
	free(line);
	fclose(f);
	return 0;
}

int usym_pid_objects(pid_t pid, char ***paths)
{
	struct pmaps pm = { .pid = pid };
	char **v;
	unsigned n = 0;
	int err = pm_read(&pm);

	if (err) {
		pm_free(&pm);
		return err == -ENOENT ? -ESRCH : err;
	}
	v = calloc(pm.n + 1, sizeof(*v));
	if (!v) {
		pm_free(&pm);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < pm.n; i++) {
		unsigned k;

		for (k = 0; k < n && strcmp(v[k], pm.v[i].path); k++)
			;
		if (k < n)
			continue;
		v[n] = strdup(pm.v[i].path);
		if (!v[n])
			break;
		n++;
	}
	pm_free(&pm);
	*paths = v;
	return (int)n;
}

static const struct pmap *pm_find(const struct pmaps *pm, uint64_t addr)
{
	for (unsigned i = 0; i < pm->n; i++)
		if (addr >= pm->v[i].start && addr < pm->v[i].end)
			return &pm->v[i];
	return NULL;
}

/* The mapping of @addr in @pid: cached maps, read again once if they do not
 * cover it (a library loaded since). */
static const struct pmap *pm_lookup(pid_t pid, uint64_t addr)
{
	static bool registered;
	struct pmaps *pm = NULL, *nc;
	const struct pmap *m;

	for (unsigned i = 0; i < pm_ncache; i++)
		if (pm_cache[i].pid == pid)
			pm = &pm_cache[i];
	if (pm) {
		m = pm_find(pm, addr);
		if (m)
			return m;
		struct pmaps fresh = { .pid = pid };

		if (pm_read(&fresh) || !fresh.n) {
			pm_free(&fresh);
			return NULL;	/* gone: keep what we knew */
		}
		pm_free(pm);
		*pm = fresh;
		return pm_find(pm, addr);
	}
	nc = realloc(pm_cache, (pm_ncache + 1) * sizeof(*nc));
	if (!nc)
		return NULL;
	if (!registered) {
		atexit(pm_cache_free);
		registered = true;
	}
	pm_cache = nc;
	pm = &pm_cache[pm_ncache++];
	memset(pm, 0, sizeof(*pm));
	pm->pid = pid;
	pm_read(pm);
	return pm_find(pm, addr);
}

static const char *sym_format(const struct usym *s, uint64_t off, char *buf,
			      size_t n)
{
	if (off)
		snprintf(buf, n, "%.*s+0x%" PRIx64, (int)s->base_len, s->name,
			 off);
	else
		snprintf(buf, n, "%.*s", (int)s->base_len, s->name);
	return buf;
}

/* The symbol holding @addr in process @pid, and the offset into it. */
static const struct usym *usym_at(pid_t pid, uint64_t addr, uint64_t *off)
{
	const struct pmap *m = pm_lookup(pid, addr);
	const struct usym_obj *o;
	uint64_t vaddr;

	if (!m)
		return NULL;
	o = usym_obj_get(m->path);
	if (!o || usym_offset_to_vaddr(o, addr - m->start + m->off, &vaddr))
		return NULL;
	return usym_lookup(o, vaddr, off);
}

const char *usym_format(pid_t pid, uint64_t addr, char *buf, size_t n)
{
	uint64_t off;
	const struct usym *s = usym_at(pid, addr, &off);

	return s ? sym_format(s, off, buf, n) : NULL;
}

/* The name alone, the offset apart: what the output hook gives. */
static const char *usym_name(pid_t pid, uint64_t addr, char *buf, size_t n,
			     uint64_t *off)
{
	const struct usym *s = usym_at(pid, addr, off);

	return s ? sym_format(s, 0, buf, n) : NULL;
}

/* ---- names as tokens, for `caller` ---- */

static char **tok_v;
static unsigned tok_n;

static void tok_free(void)
{
	for (unsigned i = 0; i < tok_n; i++)
		free(tok_v[i]);
	free(tok_v);
	tok_v = NULL;
	tok_n = 0;
}

uint64_t usym_token(const char *name)
{
	char **nv, *copy;

	for (unsigned i = 0; i < tok_n; i++)
		if (!strcmp(tok_v[i], name))
			return USYM_TOKEN | i;
	if (!tok_n)
		atexit(tok_free);
	copy = strdup(name);
	nv = realloc(tok_v, (tok_n + 1) * sizeof(*nv));
	if (nv)
		tok_v = nv;
	if (!copy || !nv) {
		free(copy);
		return 0;
	}
	tok_v[tok_n] = copy;
	return USYM_TOKEN | tok_n++;
}

const char *usym_out_hook(void *ctx, uint64_t addr, uint32_t pid, char *buf,
			  size_t n, uint64_t *off)
{
	const struct runtime *rt = ctx;
	const char *r;

	*off = 0;
	if (addr & USYM_TOKEN) {
		if ((addr & ~USYM_TOKEN) >= tok_n)
			return NULL;
		snprintf(buf, n, "%s", tok_v[addr & ~USYM_TOKEN]);
		return buf;
	}
	if (pid)
		return usym_name((pid_t)pid, addr, buf, n, off);
	if (rt && rt->opts.pid > 0 &&
	    (r = usym_name(rt->opts.pid, addr, buf, n, off)))
		return r;
	if (rt && rt->child > 0)
		return usym_name(rt->child, addr, buf, n, off);
	return NULL;
}

const char *usym_obj_hook(void *ctx, uint64_t addr, uint32_t pid)
{
	const struct runtime *rt = ctx;
	const struct pmap *m = NULL;

	if (pid)
		m = pm_lookup((pid_t)pid, addr);
	else if (rt && rt->opts.pid > 0)
		m = pm_lookup(rt->opts.pid, addr);
	if (!m && !pid && rt && rt->child > 0)
		m = pm_lookup(rt->child, addr);
	if (!m || !m->path)
		return NULL;
	/* the path as the process names it, without /proc/PID/root */
	return strstr(m->path, "/root/") ? strstr(m->path, "/root/") + 5 :
	       m->path;
}
