/* check_cpp.c - the preprocessor: blanking that keeps every location,
 * conditionals, #define values, comments, errors with their places, and
 * the built-in uapi table against the C library's own headers. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <check.h>

#include "arena.h"
#include "cpp.h"
#include "unit.h"

#if defined(__aarch64__)
#define HOST_ARCH "aarch64"
#else
#define HOST_ARCH "x86_64"
#endif

struct pp {
	struct arena *a;
	struct source src;
	struct unit_diag ud;
	struct cpp out;
	int err;
};

static void pp_run(struct pp *p, const char *text)
{
	p->a = arena_new();
	p->src = unit_source(text);
	unit_diag_open(&p->ud);
	p->err = cpp_run(p->a, &p->src, HOST_ARCH, &p->out, &p->ud.d);
}

static void pp_done(struct pp *p)
{
	unit_diag_close(&p->ud);
	arena_free(p->a);
}

/* @text must preprocess cleanly to @want, where '.' stands for a blank
 * (the same length, by construction). */
static void check_pp(const char *text, const char *dots)
{
	char want[1024];
	struct pp p;
	size_t i;

	ck_assert_uint_lt(strlen(dots), sizeof(want));
	for (i = 0; dots[i]; i++)
		want[i] = dots[i] == '.' ? ' ' : dots[i];
	want[i] = '\0';
	pp_run(&p, text);
	ck_assert_msg(!p.err, "%s: %s", text, unit_diag_text(&p.ud));
	ck_assert_uint_eq(p.ud.d.errors, 0);
	ck_assert_uint_eq(strlen(want), strlen(text));
	ck_assert_uint_eq(p.out.src.len, strlen(text));
	ck_assert_msg(!strcmp(p.out.src.text, want),
		      "\n--- got\n%s\n--- want\n%s", p.out.src.text, want);
	pp_done(&p);
}

/* @text must fail; @want must be in the diagnostics. */
static void check_pp_error(const char *text, const char *want)
{
	struct pp p;

	pp_run(&p, text);
	ck_assert_msg(p.err == -EINVAL, "%s: no error", text);
	ck_assert_msg(strstr(unit_diag_text(&p.ud), want),
		      "%s:\n--- got\n%s--- want\n%s", text,
		      unit_diag_text(&p.ud), want);
	pp_done(&p);
}

static int64_t macro(const struct pp *p, const char *name, int *err)
{
	int64_t v = -12345;

	*err = cpp_macro(&p->out, name, &v, NULL);
	return v;
}

START_TEST(test_no_directives)
{
	struct pp p;
	const char *text = "#!/usr/bin/env spry\nBEGIN { x = 1; } // # no\n";
	int err;

	pp_run(&p, text);
	ck_assert_int_eq(p.err, 0);
	/* nothing to do: the very text, no copy */
	ck_assert_ptr_eq(p.out.src.text, text);
	ck_assert_int_eq(macro(&p, "BPFTRACE_HAVE_BTF", &err), 1);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(macro(&p, "AF_INET6", &err), 10);
	ck_assert_int_eq(macro(&p, "NOT_A_MACRO", &err), -12345);
	ck_assert_int_eq(err, -ENOENT);
	ck_assert_ptr_null(p.out.includes);
	pp_done(&p);
}

START_TEST(test_blanking)
{
	/* the BTF branch of Debian's tcplife.bt; the shebang stays */
	check_pp("#!/usr/bin/env bpftrace\n"
		 "#ifndef BPFTRACE_HAVE_BTF\n"
		 "#include <net/sock.h>\n"
		 "struct x { int a; };\n"
		 "#else\n"
		 "  #  include <sys/socket.h>\n"
		 "#endif\n"
		 "BEGIN { @ = AF_INET; }\n",
		 "#!/usr/bin/env bpftrace\n"
		 ".........................\n"
		 ".....................\n"
		 "....................\n"
		 ".....\n"
		 "...........................\n"
		 "......\n"
		 "BEGIN { @ = AF_INET; }\n");
	/* nested, with #elif */
	check_pp("#if 0\na\n#if 1\nb\n#endif\nc\n#elif 2 > 1\nd\n#elif 1\ne\n"
		 "#else\nf\n#endif\ng\n",
		 ".....\n.\n.....\n.\n......\n.\n...........\nd\n.......\n.\n"
		 ".....\n.\n......\ng\n");
	/* continuation lines are part of the directive */
	check_pp("#define A 1 + \\\n  2\nA\n", "...............\n...\nA\n");
}
END_TEST

START_TEST(test_comments)
{
	/* a '#' in a comment starts nothing; in a skipped region comments
	 * keep their delimiters, so the lexer still sees them whole */
	check_pp("/*\n#error no\n*/\n#if 0\nx /* a\n#endif\n*/ y\n#endif\nz\n",
		 "/*\n#error no\n*/\n.....\n../*..\n......\n*/..\n......\nz\n");
	/* a directive whose trailing comment goes on: the comment stays */
	check_pp("#define A 1 /* one\n two */\nA\n",
		 "............/* one\n two */\nA\n");
	/* strings and chars hide comment starts */
	check_pp("#if 0\n\"/*\" '/'\n#endif\nq\n",
		 ".....\n........\n......\nq\n");
	/* comments inside directives */
	check_pp("#if /* c */ 1 // x\nok\n#endif\n",
		 "..................\nok\n......\n");
}
END_TEST

START_TEST(test_defines)
{
	struct pp p;
	int err;

	pp_run(&p, "#define A 3\n"
		   "#define B (A << 2) + 1\n"
		   "#define C -1\n"
		   "#define D\n"
		   "#define E 0x10u\n"
		   "#define F 'a'\n"
		   "#define G 0b101 * 2 % 7\n"
		   "#define H AF_INET6 | 1\n"
		   "#define I 5\n"
		   "#undef I\n"
		   "#define AF_INET 99\n"
		   "#include <linux/sched.h>\n"
		   "#include \"mine.h\"\n"
		   "BEGIN { }\n");
	ck_assert_msg(!p.err, "%s", unit_diag_text(&p.ud));
	ck_assert_int_eq(macro(&p, "A", &err), 3);
	ck_assert_int_eq(macro(&p, "B", &err), 13);
	ck_assert_int_eq(macro(&p, "C", &err), -1);
	macro(&p, "D", &err);
	ck_assert_int_eq(err, -ENODATA);
	ck_assert_int_eq(macro(&p, "E", &err), 16);
	ck_assert_int_eq(macro(&p, "F", &err), 'a');
	ck_assert_int_eq(macro(&p, "G", &err), 3);
	ck_assert_int_eq(macro(&p, "H", &err), 11);
	macro(&p, "I", &err);
	ck_assert_int_eq(err, -ENOENT);
	/* the script's own definition wins over the table */
	ck_assert_int_eq(macro(&p, "AF_INET", &err), 99);
	ck_assert_str_eq(p.out.includes->path, "linux/sched.h");
	ck_assert_uint_eq(p.out.includes->loc.line, 12);
	ck_assert_uint_eq(p.out.includes->loc.col, 10);
	ck_assert_uint_eq(p.out.includes->loc.len, 15);
	ck_assert_str_eq(p.out.includes->next->path, "mine.h");
	/* where each came from */
	{
		const struct macro *m;

		cpp_macro(&p.out, "B", &(int64_t){ 0 }, &m);
		ck_assert_uint_eq(m->loc.line, 2);
		ck_assert_uint_eq(m->loc.col, 9);
		ck_assert_uint_eq(m->loc.len, 1);
	}
	pp_done(&p);

	/* a redefinition warns and points at the first */
	pp_run(&p, "#define A 1\n#define A 2\n#define A 2\nBEGIN { }\n");
	ck_assert_int_eq(p.err, 0);
	ck_assert_uint_eq(p.ud.d.warnings, 1);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&p.ud),
		"<test>:2:9: warning: 'A' redefined"));
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&p.ud),
		"<test>:1:9: note: previously defined here"));
	ck_assert_int_eq(macro(&p, "A", &err), 2);
	pp_done(&p);
}
END_TEST

START_TEST(test_conditions)
{
	check_pp("#if defined(BPFTRACE_HAVE_BTF) && !defined X\na\n#endif\n",
		 "............................................\na\n......\n");
	check_pp("#ifdef AF_INET\na\n#endif\n", "..............\na\n......\n");
	check_pp("#define X\n#ifdef X\na\n#endif\n#ifndef X\nb\n#endif\n",
		 ".........\n........\na\n......\n.........\n.\n......\n");
	/* unknown names are 0; precedence and short-circuits as C */
	check_pp("#if UNKNOWN || 2 + 3 * 4 == 14 && (1 ? 5 : 1 / 0) == 5 && "
		 "-1 < 0 && ~0 == -1 && 1 << 4 == 16 && 7 % 4 == 3\nok\n#endif\n",
		 "..........................................................."
		 "...............................................\nok\n......\n");
	check_pp("#if 0 && 1 / 0\nno\n#elif 1 || 1 % 0\nyes\n#endif\n",
		 "..............\n..\n................\nyes\n......\n");
	/* a skipped region's directives are not checked, only counted */
	check_pp("#if 0\n#bogus\n#define X \"s\"\n#if 1 +\n#endif\n#endif\n",
		 ".....\n......\n.............\n.......\n......\n......\n");
}
END_TEST

START_TEST(test_errors)
{
	check_pp_error("#if 1\nBEGIN { }\n",
		       "<test>:1:1: error: unterminated conditional: #endif missing\n"
		       "#if 1\n^~~\n");
	check_pp_error("#else\n", "<test>:1:1: error: #else without #if");
	check_pp_error("#endif\n", "<test>:1:1: error: #endif without #if");
	check_pp_error("#if 1\n#else\n#else\n#endif\n",
		       "<test>:3:1: error: #else after #else");
	check_pp_error("#if 1\n#else\n#elif 1\n#endif\n", "#elif after #else");
	check_pp_error("#pragma once\n", "<test>:1:1: error: unknown directive '#pragma'");
	check_pp_error("#define F(x) x\n",
		       "<test>:1:9: error: function-like macros are not supported: 'F'");
	check_pp_error("#define S \"str\"\n",
		       "<test>:1:11: error: spry supports #define NAME integer: "
		       "the value of 'S' is no integer");
	check_pp_error("#define S FOO\n",
		       "<test>:1:11: error: unknown name 'FOO': spry supports "
		       "#define NAME integer");
	check_pp_error("#define X 1 2\n",
		       "<test>:1:13: error: unexpected text after the expression");
	check_pp_error("#define\n", "expected a macro name after #define");
	check_pp_error("#define 1\n", "expected a macro name after #define");
	check_pp_error("#error the BTF branch only\n",
		       "<test>:1:1: error: #error the BTF branch only");
	check_pp_error("#include sys/socket.h\n",
		       "<test>:1:10: error: expected <file> or \"file\" after #include");
	check_pp_error("#include <a.h\n", "missing '>' after the file name");
	check_pp_error("#if 1 +\n#endif\n", "<test>:1:8: error: expected an expression");
	check_pp_error("#if 08\n#endif\n", "<test>:1:5: error: invalid integer '08'");
	check_pp_error("#if 1 / 0\n#endif\n", "<test>:1:7: error: division by zero");
	check_pp_error("#if (1\n#endif\n", "expected ')' in the expression");
	check_pp_error("#if F(1)\n#endif\n", "function-like macros are not supported: 'F'");
	check_pp_error("#define D\n#if D\n#endif\n",
		       "<test>:2:5: error: 'D' is defined without a value");
	check_pp_error("#ifdef\n#endif\n", "expected a macro name after #ifdef");
	check_pp_error("#ifdef A B\n#endif\n", "unexpected text after #ifdef A");
	check_pp_error("#endif x\n", "#endif without #if");
	check_pp_error("#if 1\n#endif x\n", "<test>:2:8: error: unexpected text after #endif");
	check_pp_error("# 5\n", "expected a directive name after '#'");
	/* on a continued line, the place is where it is */
	check_pp_error("#define A 1 + \\\n   \"x\"\n", "<test>:2:4: error:");
	/* capped */
	{
		static char text[4000];
		struct pp p;
		size_t n = 0;
		int i;

		for (i = 0; i < 100; i++)
			n += (size_t)sprintf(text + n, "#bogus\n");
		pp_run(&p, text);
		ck_assert_int_eq(p.err, -EINVAL);
		ck_assert_uint_eq(p.ud.d.errors, 20);
		ck_assert_ptr_nonnull(strstr(unit_diag_text(&p.ud),
					     "too many errors"));
		pp_done(&p);
	}
}
END_TEST

/* Random soup of directive pieces: errors, never a crash or a hang. */
START_TEST(test_garbage)
{
	static const char *const soup[] = {
		"#", "if", "ifdef", "else", "endif", "elif", "define", "A",
		"(", ")", "1", "0x", "/", "*", "\n", "\\\n", "\"", "'", "/*",
		"*/", "//", "defined", "&&", "?", ":", "-", "include", "<",
		">", " ",
	};
	uint32_t seed = 99;
	char text[300];

	for (int round = 0; round < 3000; round++) {
		struct pp p;
		size_t len = unit_soup(text, sizeof(text), &seed, soup,
				       sizeof(soup) / sizeof(soup[0]), 250, "");

		pp_run(&p, text);
		ck_assert_uint_eq(p.out.src.len, len);
		ck_assert(p.err == 0 || p.ud.d.errors > 0);
		pp_done(&p);
	}
}
END_TEST

/* The table against the C library's headers (the same values on the
 * architectures spry targets, or the host's where they differ). */
#define UAPI(name) do {							\
		int64_t v_ = 0;						\
		ck_assert_msg(!uapi_lookup(#name, HOST_ARCH, &v_, NULL), \
			      "%s missing", #name);			\
		ck_assert_msg(v_ == (int64_t)(name), "%s: %lld, libc %lld", \
			      #name, (long long)v_, (long long)(name));	\
	} while (0)

START_TEST(test_uapi)
{
	const char *src = NULL;
	int64_t v;

	UAPI(AF_UNSPEC); UAPI(AF_UNIX); UAPI(AF_LOCAL); UAPI(AF_INET);
	UAPI(AF_INET6); UAPI(AF_NETLINK); UAPI(AF_PACKET); UAPI(AF_BLUETOOTH);
	UAPI(AF_VSOCK); UAPI(AF_XDP); UAPI(AF_CAN); UAPI(AF_ALG);
	UAPI(PF_INET); UAPI(PF_INET6); UAPI(PF_UNIX);
	UAPI(SOCK_STREAM); UAPI(SOCK_DGRAM); UAPI(SOCK_RAW);
	UAPI(SOCK_SEQPACKET); UAPI(SOCK_NONBLOCK); UAPI(SOCK_CLOEXEC);
	UAPI(IPPROTO_IP); UAPI(IPPROTO_ICMP); UAPI(IPPROTO_TCP);
	UAPI(IPPROTO_UDP); UAPI(IPPROTO_IPV6); UAPI(IPPROTO_ICMPV6);
	UAPI(IPPROTO_SCTP); UAPI(IPPROTO_RAW);
	UAPI(O_RDONLY); UAPI(O_WRONLY); UAPI(O_RDWR); UAPI(O_ACCMODE);
	UAPI(O_CREAT); UAPI(O_EXCL); UAPI(O_NOCTTY); UAPI(O_TRUNC);
	UAPI(O_APPEND); UAPI(O_NONBLOCK); UAPI(O_NDELAY); UAPI(O_DSYNC);
	UAPI(O_ASYNC); UAPI(O_DIRECT); UAPI(O_DIRECTORY);
	UAPI(O_NOFOLLOW); UAPI(O_NOATIME); UAPI(O_CLOEXEC); UAPI(O_SYNC);
	UAPI(O_PATH); UAPI(O_TMPFILE);
	UAPI(AT_FDCWD); UAPI(AT_SYMLINK_NOFOLLOW); UAPI(AT_REMOVEDIR);
	UAPI(AT_SYMLINK_FOLLOW); UAPI(AT_EMPTY_PATH);
	UAPI(S_IFMT); UAPI(S_IFSOCK); UAPI(S_IFLNK); UAPI(S_IFREG);
	UAPI(S_IFBLK); UAPI(S_IFDIR); UAPI(S_IFCHR); UAPI(S_IFIFO);
	UAPI(S_ISUID); UAPI(S_ISGID); UAPI(S_ISVTX);
	UAPI(PROT_NONE); UAPI(PROT_READ); UAPI(PROT_WRITE); UAPI(PROT_EXEC);
	UAPI(MAP_SHARED); UAPI(MAP_PRIVATE); UAPI(MAP_FIXED);
	UAPI(MAP_ANONYMOUS);
	UAPI(SIGHUP); UAPI(SIGINT); UAPI(SIGQUIT); UAPI(SIGKILL);
	UAPI(SIGSEGV); UAPI(SIGUSR1); UAPI(SIGUSR2); UAPI(SIGPIPE);
	UAPI(SIGTERM); UAPI(SIGCHLD); UAPI(SIGCONT); UAPI(SIGSTOP);
	UAPI(SIGBUS); UAPI(SIGSYS); UAPI(SIGWINCH); UAPI(SIGPWR);
	UAPI(EPERM); UAPI(ENOENT); UAPI(EINTR); UAPI(EIO); UAPI(EAGAIN);
	UAPI(ENOMEM); UAPI(EACCES); UAPI(EFAULT); UAPI(EBUSY); UAPI(EEXIST);
	UAPI(EINVAL); UAPI(ENOSPC); UAPI(EPIPE); UAPI(ERANGE);
	UAPI(ENAMETOOLONG); UAPI(ENOSYS); UAPI(ELOOP); UAPI(EOPNOTSUPP);
	UAPI(ECONNRESET); UAPI(ETIMEDOUT); UAPI(ECONNREFUSED);
	UAPI(EINPROGRESS); UAPI(EHOSTUNREACH); UAPI(ECANCELED);
	UAPI(CLONE_VM); UAPI(CLONE_FS); UAPI(CLONE_FILES); UAPI(CLONE_THREAD);
	UAPI(CLONE_NEWNS); UAPI(CLONE_NEWPID); UAPI(CLONE_NEWNET);
	UAPI(CLONE_NEWUSER); UAPI(CLONE_VFORK);
	UAPI(CLONE_IO);		/* 0x80000000: no sign in its 32 bits */
	UAPI(SCHED_OTHER); UAPI(SCHED_FIFO); UAPI(SCHED_RR);
	UAPI(SCHED_BATCH); UAPI(SCHED_IDLE);

	/* the kernel's O_LARGEFILE (a 64-bit libc defines it as 0: its
	 * files are all large, and the kernel sets the flag itself) */
	ck_assert_int_eq(uapi_lookup("O_LARGEFILE", "x86_64", &v, NULL), 0);
	ck_assert_int_eq(v, 0100000);
	/* kernel-internal ones, and where each comes from */
	ck_assert_int_eq(uapi_lookup("TASK_RUNNING", "x86_64", &v, &src), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_str_eq(src, "include/linux/sched.h");
	ck_assert_int_eq(uapi_lookup("TASK_UNINTERRUPTIBLE", NULL, &v, NULL), 0);
	ck_assert_int_eq(v, 2);
	ck_assert_int_eq(uapi_lookup("AF_INET", NULL, &v, &src), 0);
	ck_assert_str_eq(src, "include/linux/socket.h");
	/* arm64's open flags */
	ck_assert_int_eq(uapi_lookup("O_DIRECTORY", "aarch64", &v, &src), 0);
	ck_assert_int_eq(v, 040000);
	ck_assert_str_eq(src, "arch/arm64/include/uapi/asm/fcntl.h");
	ck_assert_int_eq(uapi_lookup("O_DIRECTORY", "x86_64", &v, &src), 0);
	ck_assert_int_eq(v, 0200000);
	ck_assert_str_eq(src, "include/uapi/asm-generic/fcntl.h");
	ck_assert_int_eq(uapi_lookup("O_DIRECTORY", NULL, &v, NULL), -ENOENT);
	ck_assert_int_eq(uapi_lookup("AF_NOPE", "x86_64", &v, NULL), -ENOENT);
}
END_TEST

static void count_name(void *ctx, const char *name)
{
	(*(unsigned *)ctx)++;
	ck_assert_uint_gt(strlen(name), 0);
}

START_TEST(test_uapi_names)
{
	unsigned n = 0;

	uapi_names(count_name, &n);
	ck_assert_uint_gt(n, 200);
}
END_TEST

static Suite *cpp_suite(void)
{
	Suite *s = suite_create("cpp");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_no_directives);
	tcase_add_test(tc, test_blanking);
	tcase_add_test(tc, test_comments);
	tcase_add_test(tc, test_defines);
	tcase_add_test(tc, test_conditions);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_garbage);
	tcase_add_test(tc, test_uapi);
	tcase_add_test(tc, test_uapi_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(cpp_suite());
}
