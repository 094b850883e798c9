/* check_usym.c - user symbols: ld.so.cache, ELF tables, offsets, names.
 *
 * Fixtures: a hand-built ld.so.cache (so the format is tested whatever the
 * host has), this test's own binary (/proc/self/exe: built with symbols) and
 * hand-built objects for the address arithmetic; the host's libc where
 * there is one.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "host.h"
#include "usym.h"

/* A function of ours to find by name and by address. */
int usym_test_marker(int x);
__attribute__((noinline, used)) int usym_test_marker(int x)
{
	return x * 3 + 1;
}


/* The host configuration as spry would read it (PATH). */
static const struct host *test_host(void)
{
	static struct host h;

	host_read(&h);
	return &h;
}

/* ---- names ---- */

START_TEST(test_name_match)
{
	ck_assert(usym_name_match("malloc", "malloc"));
	ck_assert(usym_name_match("malloc@@GLIBC_2.2.5", "malloc"));
	ck_assert(usym_name_match("malloc@GLIBC_2.2.5", "malloc"));
	ck_assert(usym_name_match("malloc@@GLIBC_2.2.5",
				  "malloc@@GLIBC_2.2.5"));
	ck_assert(!usym_name_match("malloc@GLIBC_2.2.5",
				   "malloc@@GLIBC_2.2.5"));
	ck_assert(!usym_name_match("malloc", "malloc@@GLIBC_2.2.5"));
	ck_assert(!usym_name_match("mallocx", "malloc"));
	ck_assert(!usym_name_match("malloc", "mallo"));
}
END_TEST

/* ---- ld.so.cache ---- */

#define LDC_TEST_HDR 48

/* A new-format cache: header (48 bytes), @n entries of 24 bytes, strings;
 * offsets relative to the header, as glibc writes them. */
static char *write_cache(const char *const *keys, const char *const *vals,
			 const int *flags, unsigned n, bool old_prefix)
{
	static char path[] = "/tmp/check_usym_cache.XXXXXX";
	char buf[4096] = { 0 };
	size_t base = 0, str, hdr;
	uint32_t v32;
	FILE *f;
	int fd;

	if (old_prefix) {
		/* "ld.so-1.7.0", no entries: the new table follows at 16 */
		memcpy(buf, "ld.so-1.7.0", 11);
		base = 16;
	}
	hdr = base;
	memcpy(buf + hdr, "glibc-ld.so.cache1.1", 20);
	v32 = n;
	memcpy(buf + hdr + 20, &v32, 4);
	str = LDC_TEST_HDR + (size_t)n * 24;
	for (unsigned i = 0; i < n; i++) {
		size_t e = hdr + LDC_TEST_HDR + i * 24;
		uint32_t k, v;

		memcpy(buf + e, &flags[i], 4);
		k = (uint32_t)str;
		strcpy(buf + hdr + str, keys[i]);
		str += strlen(keys[i]) + 1;
		v = (uint32_t)str;
		strcpy(buf + hdr + str, vals[i]);
		str += strlen(vals[i]) + 1;
		memcpy(buf + e + 4, &k, 4);
		memcpy(buf + e + 8, &v, 4);
	}
	strcpy(path, "/tmp/check_usym_cache.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fwrite(buf, 1, hdr + str, f);
	fclose(f);
	return path;
}

START_TEST(test_ldcache_fixture)
{
#if defined(__x86_64__)
	const int host = 0x0303, other = 0x0903;
#else
	const int host = 0x0a03, other = 0x0303;
#endif
	const char *keys[] = { "libfoo.so.2", "libfoo.so.1", "libc.so.6",
			       "libcrypt.so.1" };
	const char *vals[] = { "/other/libfoo.so.2", "/lib/libfoo.so.1",
			       "/lib/libc.so.6", "/lib/libcrypt.so.1" };
	const int flags[] = { other, host, host, host };
	char out[256];

	for (int old = 0; old < 2; old++) {
		char *path = write_cache(keys, vals, flags, 4, old);

		/* the host's architecture first, even listed later */
		ck_assert_int_eq(usym_ldcache_find(path, "libfoo", out,
						   sizeof(out)), 0);
		ck_assert_str_eq(out, "/lib/libfoo.so.1");
		/* "libc" is libc.so.6, never libcrypt */
		ck_assert_int_eq(usym_ldcache_find(path, "libc", out,
						   sizeof(out)), 0);
		ck_assert_str_eq(out, "/lib/libc.so.6");
		ck_assert_int_eq(usym_ldcache_find(path, "libc.so.6", out,
						   sizeof(out)), 0);
		ck_assert_str_eq(out, "/lib/libc.so.6");
		ck_assert_int_eq(usym_ldcache_find(path, "libnope", out,
						   sizeof(out)), -ENOENT);
		/* too small a buffer is not a match */
		ck_assert_int_eq(usym_ldcache_find(path, "libc", out, 4),
				 -ENOENT);
		unlink(path);
	}
	ck_assert_int_eq(usym_ldcache_find("/nonexistent/ld.so.cache", "libc",
					   out, sizeof(out)), -ENOENT);
}
END_TEST

START_TEST(test_ldcache_host)
{
	char out[4096];
	int err;

	if (access("/etc/ld.so.cache", R_OK))
		return;
	err = usym_ldcache_find("/etc/ld.so.cache", "libc", out, sizeof(out));
	ck_assert_int_eq(err, 0);
	ck_assert_ptr_nonnull(strstr(out, "/libc.so."));
	ck_assert_int_eq(usym_resolve_path(test_host(), "libc", out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "/libc.so."));
}
END_TEST

START_TEST(test_resolve_path)
{
	char out[4096];

	ck_assert_int_eq(usym_resolve_path(test_host(), "sh", out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "/sh"));
	ck_assert_int_eq(usym_resolve_path(test_host(), "/nonexistent/prog", out,
					   sizeof(out)), -ENOENT);
	ck_assert_int_eq(usym_resolve_path(test_host(), "spry-no-such-program", out,
					   sizeof(out)), -ENOENT);
	ck_assert_int_eq(usym_resolve_path(test_host(), "/proc/self/exe", out,
					   sizeof(out)), 0);
}
END_TEST

/* ---- ELF ---- */

START_TEST(test_self_symbols)
{
	const struct usym_obj *o = usym_obj_get("/proc/self/exe");
	const struct usym *s;
	uint64_t off, vaddr, soff;
	char buf[256];
	const char *name;

	ck_assert_ptr_nonnull(o);
	ck_assert(o->has_symtab);
	ck_assert_uint_gt(o->nsegs, 0);
	s = usym_find(o, "usym_test_marker");
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_gt(s->size, 0);
	/* vaddr -> file offset -> vaddr */
	ck_assert_int_eq(usym_vaddr_to_offset(o, s->addr, &off), 0);
	ck_assert_int_eq(usym_offset_to_vaddr(o, off, &vaddr), 0);
	ck_assert_uint_eq(vaddr, s->addr);
	/* by address, inside the function */
	ck_assert_ptr_eq(usym_lookup(o, s->addr + 1, &soff), s);
	ck_assert_uint_eq(soff, 1);
	/* and as the running process sees it, through /proc/self/maps */
	name = usym_format(getpid(), (uint64_t)(uintptr_t)&usym_test_marker,
			   buf, sizeof(buf));
	ck_assert_ptr_nonnull(name);
	ck_assert_str_eq(name, "usym_test_marker");
	name = usym_format(getpid(),
			   (uint64_t)(uintptr_t)&usym_test_marker + 2,
			   buf, sizeof(buf));
	ck_assert_ptr_nonnull(name);
	ck_assert_str_eq(name, "usym_test_marker+0x2");
	/* a typo gets a suggestion; nonsense does not */
	ck_assert_ptr_nonnull(usym_suggest(o, "usym_test_markr", buf,
					   sizeof(buf)));
	ck_assert_str_eq(buf, "usym_test_marker");
	ck_assert_ptr_null(usym_suggest(o, "qqqqqqqqqqqqqqqqqqqq", buf,
					sizeof(buf)));
	ck_assert_ptr_null(usym_find(o, "usym_no_such_function"));
	ck_assert_int_eq(usym_test_marker(1), 4);
}
END_TEST

/* uaddr(): any symbol by name, a variable too, with its size */
int usym_test_variable = 3;

START_TEST(test_data_find)
{
	uint64_t addr = 0, size = 0;

	ck_assert_int_eq(usym_data_find("/proc/self/exe", "usym_test_variable",
					&addr, &size), 0);
	ck_assert_uint_gt(addr, 0);
	ck_assert_uint_eq(size, sizeof(usym_test_variable));
	ck_assert_int_eq(usym_data_find(unit_fixture("uprobe", "target"),
					"spry_leaf", &addr, &size), 0);
	ck_assert_uint_eq(addr, 0x130);
	ck_assert_uint_eq(size, 16);
	ck_assert_int_eq(usym_data_find("/proc/self/exe", "usym_no_such",
					&addr, &size), -ENOENT);
	ck_assert_int_eq(usym_data_find("/nonexistent", "x", &addr, &size),
			 -ENOENT);
	ck_assert_int_eq(usym_data_find("/proc/self/maps", "x", &addr, &size),
			 -ENOEXEC);
	ck_assert_int_eq(usym_test_variable, 3);
}
END_TEST

START_TEST(test_not_elf)
{
	struct usym_obj *o = NULL;

	ck_assert_int_eq(usym_obj_load("/proc/self/status", &o), -ENOEXEC);
	ck_assert_ptr_null(o);
	ck_assert_int_eq(usym_obj_load("/nonexistent", &o), -ENOENT);
}
END_TEST

/* Offsets through program headers, on a hand-built object: text at vaddr
 * 0x401000 from offset 0x1000, data at 0x403e10 from 0x2e10. */
START_TEST(test_segments)
{
	struct usym_seg segs[] = {
		{ 0x400000, 0x600, 0x600, 0x0, false },
		{ 0x401000, 0x800, 0x800, 0x1000, true },
		{ 0x403e10, 0x200, 0x400, 0x2e10, false },
	};
	struct usym syms[] = {
		{ 0x401000, 0x20, "_start", 6, 0 },
		{ 0x401100, 0x40, "main", 4, 0 },
		{ 0x401100, 0x40, "main_alias", 10, 0 },
		{ 0x401200, 0, "nosize", 6, 0 },
	};
	struct usym_obj o = {
		.path = "fixture", .is_exec = true, .syms = syms, .n = 4,
		.segs = segs, .nsegs = 3,
	};
	uint64_t off, v;

	ck_assert_int_eq(usym_vaddr_to_offset(&o, 0x401100, &off), 0);
	ck_assert_uint_eq(off, 0x1100);
	ck_assert_int_eq(usym_vaddr_to_offset(&o, 0x403e20, &off), 0);
	ck_assert_uint_eq(off, 0x2e20);
	/* .bss (past filesz) and gaps have no file offset */
	ck_assert_int_eq(usym_vaddr_to_offset(&o, 0x404100, &off), -ENOENT);
	ck_assert_int_eq(usym_vaddr_to_offset(&o, 0x402000, &off), -ENOENT);
	ck_assert_int_eq(usym_offset_to_vaddr(&o, 0x1010, &v), 0);
	ck_assert_uint_eq(v, 0x401010);

	ck_assert_ptr_eq(usym_lookup(&o, 0x401110, &off), &syms[1]);
	ck_assert_uint_eq(off, 0x10);
	ck_assert_ptr_null(usym_lookup(&o, 0x401050, &off));	/* a gap */
	ck_assert_ptr_null(usym_lookup(&o, 0x400fff, &off));	/* below */
	ck_assert_ptr_eq(usym_lookup(&o, 0x401300, &off), &syms[3]);
	ck_assert_ptr_eq(usym_find(&o, "main"), &syms[1]);
}
END_TEST

START_TEST(test_libc_versions)
{
	char path[4096];
	const struct usym_obj *o;
	const struct usym *s;

	if (usym_resolve_path(test_host(), "libc", path, sizeof(path)))
		return;
	o = usym_obj_get(path);
	ck_assert_ptr_nonnull(o);
	s = usym_find(o, "malloc");
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->base_len, 6);
	/* glibc versions its exports: the default one is "@@" */
	if (strchr(s->name, '@')) {
		ck_assert_ptr_nonnull(strstr(s->name, "malloc@@GLIBC_"));
		ck_assert_ptr_eq(usym_find(o, s->name), s);
	}
	ck_assert_ptr_nonnull(usym_find(o, "getaddrinfo"));
}
END_TEST

/* "Did you mean" compares and names functions without their version: a
 * versioned export is offered as the name the user can write. */
START_TEST(test_suggest_versions)
{
	struct usym syms[] = {
		{ 0x1000, 0x10, "malloc@@GLIBC_2.2.5", 6, 0 },
		{ 0x1100, 0x10, "getaddrinfo@@GLIBC_2.2.5", 11, 0 },
		{ 0x1200, 0x10, "memcpy@GLIBC_2.2.5", 6, 0 },
		{ 0x1300, 0x10, "memcpy@@GLIBC_2.14", 6, 0 },
		{ 0x1400, 0x10, "free", 4, 0 },
	};
	struct usym_obj o = { .path = "fixture", .syms = syms, .n = 5 };
	char buf[64];

	ck_assert_ptr_eq(usym_suggest(&o, "mallco", buf, sizeof(buf)), buf);
	ck_assert_str_eq(buf, "malloc");
	ck_assert_ptr_nonnull(usym_suggest(&o, "getaddrnifo", buf,
					   sizeof(buf)));
	ck_assert_str_eq(buf, "getaddrinfo");
	ck_assert_ptr_nonnull(usym_suggest(&o, "memcopy", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "memcpy");
	/* the versions themselves are not what is compared: far off */
	ck_assert_ptr_null(usym_suggest(&o, "GLIBC_2.2.5", buf, sizeof(buf)));
	/* a short name allows one edit */
	ck_assert_ptr_nonnull(usym_suggest(&o, "fre", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "free");
	ck_assert_ptr_null(usym_suggest(&o, "xyz", buf, sizeof(buf)));
	/* a truncating buffer still ends in a NUL */
	ck_assert_ptr_nonnull(usym_suggest(&o, "mallco", buf, 4));
	ck_assert_str_eq(buf, "mal");
}
END_TEST

/* `caller` tokens: one per name, bit 63 set, printed back as the name by
 * the output hook; addresses are not tokens. */
START_TEST(test_tokens)
{
	uint64_t a = usym_token("spry_depth1"), b = usym_token("spry_depth2");
	uint64_t off;
	char buf[64];

	ck_assert(a & USYM_TOKEN);
	ck_assert(b & USYM_TOKEN);
	ck_assert_uint_ne(a, b);
	ck_assert_uint_eq(usym_token("spry_depth1"), a);
	ck_assert_ptr_eq(usym_out_hook(NULL, a, 0, buf, sizeof(buf), &off), buf);
	ck_assert_str_eq(buf, "spry_depth1");
	ck_assert_ptr_nonnull(usym_out_hook(NULL, b, 1234, buf, sizeof(buf), &off));
	ck_assert_str_eq(buf, "spry_depth2");
	/* a token never handed out, and an address with no process */
	ck_assert_ptr_null(usym_out_hook(NULL, USYM_TOKEN | 0xffffff, 0, buf,
					 sizeof(buf), &off));
	ck_assert_ptr_null(usym_out_hook(NULL, 0x401000, 0, buf,
					 sizeof(buf), &off));
	/* an address in this process, with its pid, is named as usual */
	ck_assert_ptr_nonnull(usym_out_hook(NULL,
			(uint64_t)(uintptr_t)&usym_test_marker,
			(uint32_t)getpid(), buf, sizeof(buf), &off));
	ck_assert_str_eq(buf, "usym_test_marker");
}
END_TEST

/* A minimal executable for @machine: one PT_LOAD and a .symtab of three
 * functions whose st_other is 3 << 5 (f: ELFv2's "local entry 8 bytes on"),
 * 0 (g) and 1 << 5 (h: one entry point, r2 not preserved).  Its path is
 * written to @path. */
static void write_elf(char *path, uint16_t machine)
{
	static const char strtab[] = "\0f\0g\0h";
	static const char shstrtab[] = "\0.symtab\0.strtab\0.shstrtab";
	struct {
		Elf64_Ehdr eh;
		Elf64_Phdr ph;
		Elf64_Sym sym[4];
		char str[sizeof(strtab)];
		char shstr[sizeof(shstrtab)];
		Elf64_Shdr sh[4] __attribute__((aligned(8)));
	} f;
	int fd;

	memset(&f, 0, sizeof(f));
	memcpy(f.eh.e_ident, ELFMAG, SELFMAG);
	f.eh.e_ident[EI_CLASS] = ELFCLASS64;
	f.eh.e_ident[EI_DATA] = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ?
				ELFDATA2MSB : ELFDATA2LSB;
	f.eh.e_ident[EI_VERSION] = EV_CURRENT;
	f.eh.e_type = ET_EXEC;
	f.eh.e_machine = machine;
	f.eh.e_version = EV_CURRENT;
	f.eh.e_flags = machine == EM_PPC64 ? 2 : 0;	/* ELFv2 */
	f.eh.e_phoff = offsetof(__typeof__(f), ph);
	f.eh.e_shoff = offsetof(__typeof__(f), sh);
	f.eh.e_ehsize = sizeof(Elf64_Ehdr);
	f.eh.e_phentsize = sizeof(Elf64_Phdr);
	f.eh.e_phnum = 1;
	f.eh.e_shentsize = sizeof(Elf64_Shdr);
	f.eh.e_shnum = 4;
	f.eh.e_shstrndx = 3;
	f.ph = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
			     .p_vaddr = 0x10000000, .p_filesz = 0x1000,
			     .p_memsz = 0x1000, .p_align = 0x1000 };
	for (int i = 1; i < 4; i++)
		f.sym[i] = (Elf64_Sym){
			.st_name = (Elf64_Word)(2 * i - 1),
			.st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC),
			.st_other = (unsigned char)(i == 1 ? 3 << 5 :
						    i == 3 ? 1 << 5 : 0),
			.st_shndx = SHN_ABS,
			.st_value = 0x10000000 + 0x100 * (Elf64_Addr)i,
			.st_size = 0x40,
		};
	memcpy(f.str, strtab, sizeof(strtab));
	memcpy(f.shstr, shstrtab, sizeof(shstrtab));
	f.sh[1] = (Elf64_Shdr){ .sh_name = 1, .sh_type = SHT_SYMTAB,
		.sh_offset = offsetof(__typeof__(f), sym),
		.sh_size = sizeof(f.sym), .sh_link = 2, .sh_info = 1,
		.sh_addralign = 8, .sh_entsize = sizeof(Elf64_Sym) };
	f.sh[2] = (Elf64_Shdr){ .sh_name = 9, .sh_type = SHT_STRTAB,
		.sh_offset = offsetof(__typeof__(f), str),
		.sh_size = sizeof(strtab), .sh_addralign = 1 };
	f.sh[3] = (Elf64_Shdr){ .sh_name = 17, .sh_type = SHT_STRTAB,
		.sh_offset = offsetof(__typeof__(f), shstr),
		.sh_size = sizeof(shstrtab), .sh_addralign = 1 };
	strcpy(path, "/tmp/check_usym_elf.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, &f, sizeof(f)), (ssize_t)sizeof(f));
	ck_assert_int_eq(close(fd), 0);
}

/* ppc64 ELFv2: a function that sets up its TOC pointer is entered by
 * direct calls at its local entry point, st_other's bits 5-7 (3: 8 bytes
 * on); a uprobe at the symbol itself would miss them.  Other machines
 * keep those bits 0 whatever st_other says. */
START_TEST(test_ppc64_local_entry)
{
	static const uint16_t machines[] = { EM_PPC64, EM_X86_64 };
	char path[64];

	for (unsigned m = 0; m < 2; m++) {
		struct usym_obj *o = NULL;

		write_elf(path, machines[m]);
		ck_assert_int_eq(usym_obj_load(path, &o), 0);
		unlink(path);
		ck_assert_uint_eq(o->n, 3);
		ck_assert_uint_eq(usym_find(o, "f")->addr, 0x10000100);
		ck_assert_uint_eq(usym_find(o, "f")->entry,
				  machines[m] == EM_PPC64 ? 8 : 0);
		ck_assert_uint_eq(usym_find(o, "g")->entry, 0);
		ck_assert_uint_eq(usym_find(o, "h")->entry, 0);
		usym_obj_free(o);
	}
}
END_TEST

static Suite *usym_suite(void)
{
	Suite *s = suite_create("usym");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_name_match);
	tcase_add_test(tc, test_ldcache_fixture);
	tcase_add_test(tc, test_ldcache_host);
	tcase_add_test(tc, test_resolve_path);
	tcase_add_test(tc, test_self_symbols);
	tcase_add_test(tc, test_data_find);
	tcase_add_test(tc, test_not_elf);
	tcase_add_test(tc, test_segments);
	tcase_add_test(tc, test_ppc64_local_entry);
	tcase_add_test(tc, test_libc_versions);
	tcase_add_test(tc, test_suggest_versions);
	tcase_add_test(tc, test_tokens);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(usym_suite());
}
