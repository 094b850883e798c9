/* usdt.c - USDT notes and operands (usdt.h).
 *
 * Input: ELF files (libelf), operand strings and an architecture's operand
 * syntax (struct arch_usdt).  Output: the notes of a file, its data
 * symbols, and arguments as constants, registers or memory.
 *
 * Files are cached per path for the life of spry, like usym's objects: a
 * script names a file once per probe, the listing once per file.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch.h"
#include "usdt.h"
#include "usym.h"

#define NT_STAPSDT	3

/* ---- reading the notes ---- */

struct strbuf {
	char *p;
	size_t len, cap;
};

/* Append @s (with its NUL); its offset in *@off. */
static int sb_add(struct strbuf *b, const char *s, size_t n, size_t *off)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 4096;
		char *np;

		while (cap < b->len + n + 1)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np)
			return -ENOMEM;
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->p[b->len + n] = '\0';
	*off = b->len;
	b->len += n + 1;
	return 0;
}

/* While loading, names are offsets into the growing buffer. */
struct tnote {
	size_t provider, name, args;
	uint64_t pc, sema;
};

struct tsym {
	size_t name;
	uint64_t addr;
};

static Elf_Scn *section_named(Elf *e, const char *want, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(e, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(e, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, sh))
			continue;
		name = usym_elf_str(e, shstrndx, sh->sh_name);
		if (name && !strcmp(name, want))
			return scn;
	}
	return NULL;
}

/* An address of the file's size and byte order. */
static uint64_t get_addr(const unsigned char *p, bool is64, bool big)
{
	unsigned n = is64 ? 8 : 4;
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[big ? n - 1 - i : i] << (8 * i);
	return v;
}

/* One note's descriptor into @t; -EINVAL if it does not hold three
 * addresses and three strings. */
static int parse_desc(const unsigned char *d, size_t len, bool is64,
		      bool big, struct strbuf *sb, struct tnote *t)
{
	size_t asz = is64 ? 8 : 4, off = 3 * asz;
	const char *s[3];
	int err;

	if (len < off + 3)
		return -EINVAL;
	t->pc = get_addr(d, is64, big);
	/* d + asz: the link-time .stapsdt.base, applied by the caller */
	t->sema = get_addr(d + 2 * asz, is64, big);
	for (int i = 0; i < 3; i++) {
		const char *end = memchr(d + off, '\0', len - off);

		if (!end)
			return -EINVAL;
		s[i] = (const char *)d + off;
		off = (size_t)((const unsigned char *)end - d) + 1;
		if (i < 2 && off >= len)
			return -EINVAL;
	}
	err = sb_add(sb, s[0], strlen(s[0]), &t->provider);
	if (!err)
		err = sb_add(sb, s[1], strlen(s[1]), &t->name);
	if (!err)
		err = sb_add(sb, s[2], strlen(s[2]), &t->args);
	return err;
}

static int read_notes(Elf *e, struct strbuf *sb, struct tnote **out,
		      unsigned *nout)
{
	GElf_Shdr sh, bsh;
	GElf_Ehdr eh;
	Elf_Scn *scn = NULL, *base;
	Elf_Data *data;
	struct tnote *v = NULL;
	unsigned n = 0, cap = 0;
	bool is64, big;
	int err = 0;

	if (!gelf_getehdr(e, &eh))
		return -ENOEXEC;
	is64 = eh.e_ident[EI_CLASS] == ELFCLASS64;
	big = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	base = section_named(e, ".stapsdt.base", &bsh);

	while ((scn = elf_nextscn(e, scn))) {
		size_t off = 0, noff, name_off, desc_off;
		GElf_Nhdr nh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		while ((noff = gelf_getnote(data, off, &nh, &name_off,
					    &desc_off)) > 0) {
			const unsigned char *d = (const unsigned char *)
						 data->d_buf + desc_off;
			struct tnote t;

			off = noff;
			if (nh.n_type != NT_STAPSDT || nh.n_namesz != 8 ||
			    memcmp((const char *)data->d_buf + name_off,
				   "stapsdt", 8))
				continue;
			err = parse_desc(d, nh.n_descsz, is64, big, sb, &t);
			if (err)
				goto out;
			if (base) {
				/* prelink moved the sections, not the notes */
				uint64_t link_base = get_addr(d + (is64 ? 8 : 4),
							      is64, big);

				t.pc += bsh.sh_addr - link_base;
				if (t.sema)
					t.sema += bsh.sh_addr - link_base;
			}
			if (n == cap) {
				struct tnote *nv;

				cap = cap ? 2 * cap : 16;
				nv = realloc(v, cap * sizeof(*nv));
				if (!nv) {
					err = -ENOMEM;
					goto out;
				}
				v = nv;
			}
			v[n++] = t;
		}
	}
out:
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	*nout = n;
	return 0;
}

/* Data symbols (STT_OBJECT, defined) of .symtab and .dynsym. */
static int read_syms(Elf *e, struct strbuf *sb, struct tsym **out,
		     unsigned *nout)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	struct tsym *v = NULL;
	unsigned n = 0, cap = 0;

	while ((scn = elf_nextscn(e, scn))) {
		Elf_Data *data;
		size_t cnt;

		if (!gelf_getshdr(scn, &sh) ||
		    (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) ||
		    !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		cnt = sh.sh_size / sh.sh_entsize;
		for (size_t i = 1; i < cnt; i++) {
			GElf_Sym sym;
			const char *name;

			if (!gelf_getsym(data, (int)i, &sym) ||
			    GELF_ST_TYPE(sym.st_info) != STT_OBJECT ||
			    sym.st_shndx == SHN_UNDEF)
				continue;
			name = usym_elf_str(e, sh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			if (n == cap) {
				struct tsym *nv;

				cap = cap ? 2 * cap : 256;
				nv = realloc(v, cap * sizeof(*nv));
				if (!nv) {
					free(v);
					return -ENOMEM;
				}
				v = nv;
			}
			v[n].addr = sym.st_value;
			if (sb_add(sb, name, strlen(name), &v[n].name)) {
				free(v);
				return -ENOMEM;
			}
			n++;
		}
	}
	*out = v;
	*nout = n;
	return 0;
}

static int cmp_sym(const void *a, const void *b)
{
	const struct usdt_sym *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int usdt_file_load(const char *path, struct usdt_file **out)
{
	struct strbuf sb = { 0 };
	struct tnote *tn = NULL;
	struct tsym *ts = NULL;
	unsigned nn = 0, ns = 0;
	struct usdt_file *f;
	Elf *e;
	int fd, err;

	*out = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOEXEC;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		if (e)
			elf_end(e);
		close(fd);
		return -ENOEXEC;
	}
	err = read_notes(e, &sb, &tn, &nn);
	/* symbols only matter for SYMBOL(%rip) operands of a file with
	 * notes: a library without notes costs nothing more */
	if (!err && nn)
		err = read_syms(e, &sb, &ts, &ns);
	elf_end(e);
	close(fd);

	f = err ? NULL : calloc(1, sizeof(*f));
	if (f) {
		f->path = strdup(path);
		f->notes = calloc(nn ? nn : 1, sizeof(*f->notes));
		f->syms = calloc(ns ? ns : 1, sizeof(*f->syms));
	}
	if (!err && (!f || !f->path || !f->notes || !f->syms))
		err = -ENOMEM;
	if (err) {
		if (f) {
			free(f->path);
			free(f->notes);
			free(f->syms);
			free(f);
		}
		free(tn);
		free(ts);
		free(sb.p);
		return err;
	}
	/* the buffer has stopped moving: offsets become pointers */
	f->strings = sb.p;
	for (unsigned i = 0; i < nn; i++)
		f->notes[i] = (struct usdt_note){
			sb.p + tn[i].provider, sb.p + tn[i].name,
			sb.p + tn[i].args, tn[i].pc, tn[i].sema,
		};
	f->n = nn;
	for (unsigned i = 0; i < ns; i++)
		f->syms[i] = (struct usdt_sym){ sb.p + ts[i].name, ts[i].addr };
	f->nsyms = ns;
	if (ns)
		qsort(f->syms, ns, sizeof(*f->syms), cmp_sym);
	free(tn);
	free(ts);
	*out = f;
	return 0;
}

void usdt_file_free(struct usdt_file *f)
{
	if (!f)
		return;
	free(f->path);
	free(f->notes);
	free(f->syms);
	free(f->strings);
	free(f);
}

static struct usdt_file **file_cache;
static unsigned file_ncache;

static void cache_free(void)
{
	for (unsigned i = 0; i < file_ncache; i++)
		usdt_file_free(file_cache[i]);
	free(file_cache);
	file_cache = NULL;
	file_ncache = 0;
}

const struct usdt_file *usdt_file_get(const char *path)
{
	struct usdt_file *f, **nc;
	int err;

	for (unsigned i = 0; i < file_ncache; i++)
		if (!strcmp(file_cache[i]->path, path))
			return file_cache[i];
	err = usdt_file_load(path, &f);
	if (err) {
		errno = -err;
		return NULL;
	}
	nc = realloc(file_cache, (file_ncache + 1) * sizeof(*nc));
	if (!nc) {
		usdt_file_free(f);
		errno = ENOMEM;
		return NULL;
	}
	/* freed at exit so that leak checkers see a clean process */
	if (!file_ncache)
		atexit(cache_free);
	file_cache = nc;
	file_cache[file_ncache++] = f;
	return f;
}

uint64_t usdt_sym_addr(const struct usdt_file *f, const char *name)
{
	struct usdt_sym key = { .name = name }, *s;

	if (!f->nsyms)
		return 0;
	s = bsearch(&key, f->syms, f->nsyms, sizeof(*f->syms), cmp_sym);
	return s ? s->addr : 0;
}

/* ---- operands ----
 *
 * operand  = [SIZE "@"] value
 * value    = IMM_PREFIX number | register | memory | symbol
 * memory   = [disp] "(" register ")"                 (DISP(REG))
 *          | "[" register ["," DISP_PREFIX number] "]"   (brackets)
 * disp     = number | symbol
 * symbol   = name [("+" | "-") number]
 * register = REG_PREFIX name                         (from the table)
 */

struct cursor {
	const char *s;
	const struct arch_usdt *u;
	const char *why;	/* what went wrong, for the message */
};

static bool skip_prefix(struct cursor *c, const char *pfx)
{
	size_t n = pfx ? strlen(pfx) : 0;

	if (n && strncmp(c->s, pfx, n))
		return false;
	c->s += n;
	return true;
}

static bool is_name_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '.';
}

/* A register at the cursor (with its prefix): its pt_regs offset, or -1
 * with the cursor unmoved. */
static int reg_at(struct cursor *c)
{
	const char *s = c->s;
	size_t n;

	if (!skip_prefix(c, c->u->reg_prefix))
		return -1;
	for (n = 0; is_name_char(c->s[n]); n++)
		;
	for (unsigned i = 0; n && i < c->u->nregs; i++) {
		const struct arch_reg *r = &c->u->regs[i];

		if (strlen(r->name) == n && !strncmp(r->name, c->s, n)) {
			c->s += n;
			return r->off;
		}
	}
	c->s = s;
	return -1;
}

static bool number_at(struct cursor *c, int64_t *v)
{
	char *end;

	if (!isdigit((unsigned char)*c->s) &&
	    !((*c->s == '-' || *c->s == '+') &&
	      isdigit((unsigned char)c->s[1])))
		return false;
	errno = 0;
	*v = strtoll(c->s, &end, 0);
	if (errno)
		return false;
	c->s = end;
	return true;
}

/* name[+N|-N] */
static bool symbol_at(struct cursor *c, struct usdt_arg *a)
{
	size_t n;
	int64_t add = 0;

	if (!isalpha((unsigned char)*c->s) && *c->s != '_' && *c->s != '.')
		return false;
	for (n = 0; is_name_char(c->s[n]); n++)
		;
	if (n >= sizeof(a->sym)) {
		c->why = "symbol name too long";
		return false;
	}
	memcpy(a->sym, c->s, n);
	a->sym[n] = '\0';
	c->s += n;
	if ((*c->s == '+' || *c->s == '-') && !number_at(c, &add)) {
		c->why = "expected a number after the symbol";
		return false;
	}
	a->val = add;
	return true;
}

/* DISP(REG) after the displacement (or nothing) was read. */
static bool paren_mem(struct cursor *c, struct usdt_arg *a)
{
	int off;

	c->s++;			/* '(' */
	off = reg_at(c);
	if (off < 0) {
		c->why = "unknown register";
		return false;
	}
	if (*c->s == ',') {
		c->why = "indexed memory operands are not supported";
		return false;
	}
	if (*c->s != ')') {
		c->why = "expected ')'";
		return false;
	}
	c->s++;
	a->reg_off = off;
	return true;
}

/* [REG] or [REG, DISP] */
static bool bracket_mem(struct cursor *c, struct usdt_arg *a)
{
	int off;

	c->s++;			/* '[' */
	while (*c->s == ' ')
		c->s++;
	off = reg_at(c);
	if (off < 0) {
		c->why = "unknown register";
		return false;
	}
	a->kind = USDT_MEM;
	a->reg_off = off;
	a->val = 0;
	while (*c->s == ' ')
		c->s++;
	if (*c->s == ',') {
		c->s++;
		while (*c->s == ' ')
			c->s++;
		if (!skip_prefix(c, c->u->disp_prefix) ||
		    !number_at(c, &a->val)) {
			c->why = "expected a displacement";
			return false;
		}
		while (*c->s == ' ')
			c->s++;
	}
	if (*c->s != ']') {
		c->why = "expected ']'";
		return false;
	}
	c->s++;
	return true;
}

static bool value_at(struct cursor *c, struct usdt_arg *a)
{
	const struct arch_usdt *u = c->u;
	const char *s = c->s;
	int off;

	if (u->brackets && *c->s == '[')
		return bracket_mem(c, a);
	if (!u->brackets && *c->s == '(') {
		a->kind = USDT_MEM;
		a->val = 0;
		return paren_mem(c, a);
	}
	/* a register before a constant: a table may name registers by bare
	 * numbers (ppc64), which are then no constants, unless a parenthesis
	 * follows: ppc64's 0(9) is a displacement */
	off = reg_at(c);
	if (off >= 0 && !u->brackets && *c->s == '(') {
		c->s = s;
		off = -1;
	}
	if (off >= 0) {
		a->kind = USDT_REG;
		a->reg_off = off;
		return true;
	}
	if (u->imm_prefix && *u->imm_prefix) {
		if (skip_prefix(c, u->imm_prefix)) {
			a->kind = USDT_CONST;
			if (number_at(c, &a->val))
				return true;
			c->why = "expected a number";
			return false;
		}
	} else if (number_at(c, &a->val)) {
		if (!u->brackets && *c->s == '(') {
			a->kind = USDT_MEM;
			return paren_mem(c, a);
		}
		a->kind = USDT_CONST;
		return true;
	}
	c->s = s;
	/* a displacement before a parenthesis: -16(%rbp) */
	if (!u->brackets && number_at(c, &a->val)) {
		if (*c->s == '(') {
			a->kind = USDT_MEM;
			return paren_mem(c, a);
		}
		c->why = "expected '('";
		return false;
	}
	if (u->symbols && symbol_at(c, a)) {
		a->kind = USDT_SYM;
		if (!u->brackets && *c->s == '(') {
			/* SYMBOL(%rip): the symbol's address either way */
			struct usdt_arg base;

			if (!paren_mem(c, &base))
				return false;
		}
		return true;
	}
	if (!c->why)
		c->why = "not a register, constant or memory operand";
	return false;
}

/* [-]N@ : the size and signedness; absent in old notes (8 bytes). */
static bool size_at(struct cursor *c, struct usdt_arg *a)
{
	const char *s = c->s;
	char *end;
	long v;

	a->size = 8;
	a->is_signed = false;
	if (*s == '-' || isdigit((unsigned char)*s)) {
		v = strtol(s, &end, 10);
		if (*end == '@') {
			if (v != 1 && v != 2 && v != 4 && v != 8 && v != -1 &&
			    v != -2 && v != -4 && v != -8) {
				c->why = "the size is not 1, 2, 4 or 8 bytes";
				return false;
			}
			a->is_signed = v < 0;
			a->size = (unsigned)(v < 0 ? -v : v);
			c->s = end + 1;
		}
	}
	return true;
}

int usdt_args_parse(const struct arch *arch, const char *text,
		    struct usdt_arg *args, unsigned *ngood, char *err,
		    size_t errlen)
{
	struct cursor c = { .s = text, .u = arch->usdt };
	unsigned n = 0;

	*ngood = 0;
	if (!c.u) {
		snprintf(err, errlen, "spry cannot read USDT operands on %s",
			 arch->name);
		return -EINVAL;
	}
	for (;;) {
		const char *start;
		size_t len;

		while (*c.s == ' ' || *c.s == '\t')
			c.s++;
		if (!*c.s)
			break;
		start = c.s;
		if (n == USDT_MAX_ARGS) {
			snprintf(err, errlen, "more than %d arguments",
				 USDT_MAX_ARGS);
			return -EINVAL;
		}
		memset(&args[n], 0, sizeof(args[n]));
		c.why = NULL;
		if (!size_at(&c, &args[n]) || !value_at(&c, &args[n]) ||
		    (*c.s && *c.s != ' ' && *c.s != '\t')) {
			/* the operand: to the blank, or past a bracketed
			 * one's blank ("8@[sp, 16]") */
			len = strcspn(start, " \t");
			if (memchr(start, '[', len))
				len = strchr(start, ']') ?
				      (size_t)(strchr(start, ']') - start) + 1 :
				      strlen(start);
			snprintf(err, errlen, "'%.*s': %s", (int)len, start,
				 c.why ? c.why : "unexpected text after it");
			return -EINVAL;
		}
		/* a narrower operand is the register's low-order end: its
		 * last bytes on a big-endian machine (s390x "-4@%r2") */
		if (args[n].kind == USDT_REG && arch->big_endian &&
		    args[n].size < arch->word_size)
			args[n].reg_off += (int)(arch->word_size - args[n].size);
		*ngood = ++n;
	}
	return (int)n;
}

int usdt_arg_resolve(const struct arch *arch, const struct usdt_file *f,
		     uint64_t pc, struct usdt_arg *a)
{
	uint64_t addr;

	if (a->kind != USDT_SYM)
		return 0;
	addr = usdt_sym_addr(f, a->sym);
	if (!addr)
		return -ENOENT;
	a->kind = USDT_MEM;
	a->reg_off = arch->pc_off;
	a->val = (int64_t)(addr - pc) + a->val;
	return 0;
}
