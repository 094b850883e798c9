/* main.c - the command line: read the program, compile it, run it.
 *
 * Input: argv.  Output: the trace on stdout, problems on stderr, and an exit
 * status (spry(1), EXIT STATUS): 0; the n of exit(n); the -c command's
 * status when its end ended the trace; 1 on any error, a lost write
 * included; 2 when events were lost; 128 + N after a second signal N.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "arch.h"
#include "arena.h"
#include "builtin.h"
#include "diag.h"
#include "host.h"
#include "provider.h"
#include "runtime.h"
#include "script.h"
#include "tz.h"

/* The longest program read from a file: far beyond any script (the biggest
 * generated ones are a few MB), and a bound on what /dev/zero can cost. */
#define MAIN_MAX_PROGRAM	(16u << 20)

enum {
	OPT_LOAD_ONLY = 0x100,
	OPT_ARCH,
	OPT_UNSAFE,
	OPT_INCLUDE,
	OPT_KEEP_GOING,
};

static const char usage_text[] =
"usage: spry [options] PROGRAM [ARG...]\n"
"       spry [options] -e TEXT [ARG...]\n"
"       spry -l[v] [PATTERN]\n"
"\n"
"Compile a tracing script (bpftrace's language, ply's forms too) to BPF and\n"
"run it.  PROGRAM is a script file or, when no such file exists, the program\n"
"text itself.\n"
"\n"
"ARGs are the positional parameters $1, $2... ($# counts them).\n"
"\n"
"options (bpftrace's where bpftrace has them):\n"
"  -e, --program TEXT   program text\n"
"  -c, --command CMD    run CMD (through sh -c when it needs a shell) once\n"
"                       every probe is attached; stop when it exits;\n"
"                       uprobes, usdt and perf events fire only in its\n"
"                       processes\n"
"  -p, --pid PID        trace only process PID where the provider can\n"
"  -q, --quiet          no \"Attaching N probes...\" line\n"
"  -v, --verbose        say what is loaded and attached, on stderr\n"
"  -k, -kk              warn when a helper call fails: map updates and\n"
"                       deletes, stacks... (-kk: reads and missing keys too)\n"
"  -o, --output FILE    write the trace to FILE instead of stdout\n"
"  -B, --buffering MODE stdout buffering: line, full or none (default: what\n"
"                       arrived is written after each batch of events)\n"
"      --unsafe         allow system(), signal() and override()\n"
"  -I DIR, --include FILE  C header search path and headers, as bpftrace's\n"
"                       (kernel types come from BTF)\n"
"  -n, --dry-run        compile only: no kernel, no root needed\n"
"  -S, --dump           print the AST, the IR, the allocation and the BPF\n"
"  -d, --debug          print the whole verifier log on rejection\n"
"  -K, --keep-going     warn about lost events instead of stopping\n"
"  -u, --unbuffered     flush output after every event (-B none)\n"
"  -f, --format FMT     output as text (default), json (one object a line),\n"
"                       folded (stack maps as FlameGraph's folded lines),\n"
"                       svg (flame graphs, heat maps, bar charts) or heatmap\n"
"                       (histograms printed at intervals as text heat maps)\n"
"  -M, --map-entries N  entries per map (default 4096; BPFTRACE_MAP_KEYS_MAX)\n"
"  -s, --str-size N     default str() buffer size (default 64;\n"
"                       BPFTRACE_STRLEN)\n"
"  -b, --buffer SIZE    event ring buffer size, e.g. 256k (default), 4m\n"
"      --load-only      load every program into the kernel, attach nothing\n"
"      --arch NAME      compile for another architecture (with --dry-run)\n"
"  -l, --list           list the probe points PATTERN matches (all the\n"
"                       kernel's without one), as 'tracepoint:sched:*',\n"
"                       'kprobe:vfs_*', 'usdt:PATH:*', 'uprobe:libc:str*'\n"
"  -v, --verbose        what is loaded and attached, on stderr; with -l:\n"
"                       each point's fields or arguments\n"
"  -T, --self-test      check the kernel features spry needs\n"
"  -V, --version        print the version\n"
"  -h, --help           this text\n"
"\n"
"language:\n"
"  provider:target [/predicate/] { statements }\n"
"  @name[keys] = count() | sum(x) | quantize(x) | expr;  map[keys] = expr;\n"
"  if (expr) stmt [else stmt]; delete map[keys]; printf(\"fmt\", ...);\n"
"  print(...); exit(code); clear(@m); print(@m);\n"
"  and the provider's variables (data/args, arg0.., retval, regs, stack)\n"
"\n"
"builtins:\n";

static void usage(FILE *out)
{
	const struct provider *const *pp;

	fputs(usage_text, out);
	builtin_help(out);
	fputs("\nproviders:\n", out);
	for (pp = providers; *pp; pp++) {
		const char *const *al;
		int n = fprintf(out, "  %s", (*pp)->name);

		for (al = (*pp)->aliases; al && *al; al++)
			n += fprintf(out, ", %s", *al);
		fprintf(out, "%*s%s\n", n < 24 ? 24 - n : 1, "",
			(*pp)->help ? (*pp)->help : "");
	}
	fputs("\nSee spry(1) for the full language.\n", out);
}

/* "256k", "4m", "65536" -> bytes; 0 on a malformed size or one that does
 * not fit (18014398509481988k once shifted into 4k). */
static unsigned long parse_size(const char *arg)
{
	char *end;
	unsigned long v;
	unsigned shift = 0;

	errno = 0;
	if (*arg == '-')	/* strtoul would negate it */
		return 0;
	v = strtoul(arg, &end, 0);
	if (errno || end == arg)
		return 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end || v > ULONG_MAX >> shift)
		return 0;
	return v << shift;
}

static int parse_uint(const char *arg, const char *what, unsigned long max,
		      unsigned long *out)
{
	unsigned long v = parse_size(arg);

	if (!v || v > max) {
		fprintf(stderr, "spry: error: invalid %s '%s' (1 to %lu)\n",
			what, arg, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* bpftrace's environment variables (host.h), the defaults its users
 * have set: applied before the options, which override them. */
static int env_defaults(const struct host *h, struct script_opts *o)
{
	static const struct {
		const char *name, *what;
		unsigned long max;
	} vars[] = {
		{ "BPFTRACE_STRLEN", "string size", 256 },
		{ "BPFTRACE_MAP_KEYS_MAX", "map size", 1u << 24 },
		{ "BPFTRACE_MAX_PROBES", "probe limit", 1u << 20 },
	};
	const char *val[] = { h->strlen, h->map_keys_max, h->max_probes };
	unsigned *dst[] = { &o->str_size, &o->map_entries, &o->max_probes };
	unsigned long v;
	unsigned i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		if (!val[i])
			continue;
		if (parse_uint(val[i], vars[i].what, vars[i].max, &v)) {
			fprintf(stderr, "spry: (from $%s)\n", vars[i].name);
			return -EINVAL;
		}
		*dst[i] = (unsigned)v;
	}
	return 0;
}

/* A list option (-I, --include) given once more. */
static void push_arg(struct arena *a, const char ***v, unsigned *n,
		     const char *arg)
{
	const char **nv = arena_alloc(a, (*n + 1) * sizeof(*nv));

	if (*n)
		memcpy(nv, *v, *n * sizeof(*nv));
	nv[(*n)++] = arg;
	*v = nv;
}

static int parse_format(const char *arg, enum out_format *f)
{
	static const struct {
		const char *name;
		enum out_format format;
	} formats[] = {
		{ "text", OUT_TEXT }, { "json", OUT_JSON },
		{ "folded", OUT_FOLDED }, { "svg", OUT_SVG },
		{ "heatmap", OUT_HEATMAP },
	};
	unsigned i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(arg, formats[i].name)) {
			*f = formats[i].format;
			return 0;
		}
	fprintf(stderr, "spry: error: unknown output format '%s' (text, json, "
		"folded, svg, heatmap)\n", arg);
	return -EINVAL;
}

/* -o FILE: opened once the program compiled, so that a script with errors
 * leaves no file behind; one spry could not start removes it again. */
static FILE *open_output(const char *path, bool *created)
{
	struct stat st;
	FILE *f;

	*created = stat(path, &st) != 0;
	/* close-on-exec: the -c command has no business with it */
	f = fopen(path, "we");
	if (!f)
		fprintf(stderr, "spry: error: cannot write '%s': %s\n", path,
			strerror(errno));
	return f;
}

/* A PROGRAM argument that names no file but reads like a file name: no
 * program has no '{' (every probe has a body) and no ':' (every specifier
 * but BEGIN and END has one), while a path has a '/' or a .spry suffix.
 * Saying the file is missing beats a syntax error at its name. */
static bool looks_like_path(const char *arg)
{
	size_t n = strlen(arg);

	if (strpbrk(arg, "{:") || strpbrk(arg, " \t\n"))
		return false;
	return strchr(arg, '/') || (n > 5 && !strcmp(arg + n - 5, ".spry"));
}

/* fds 0-2 closed by whoever started spry would be taken by the first files
 * spry opens (a map, the ring buffer), and the trace written into them.
 * Occupy them with /dev/null, read-only: writing to stdout or stderr then
 * fails (EBADF) as it would on the closed descriptor, and is reported. */
static void main_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", O_RDONLY) != fd)
			break;
	}
}

/* Whatever stdout still holds is written now, and a write that failed, now
 * or before (a full disk, a closed or broken output), makes the run fail
 * even if all else went well.  @reported: the runtime said so already. */
static int main_finish(int status, bool reported)
{
	int err = 0;

	errno = 0;
	if (fflush(stdout) || ferror(stdout))
		err = errno ? errno : EIO;
	if (fclose(stdout) && !err)
		err = errno ? errno : EIO;
	if (!err)
		return status;
	if (!reported)
		fprintf(stderr, "spry: error: cannot write the output: %s\n",
			strerror(err));
	return status ? status : 1;
}

/* Read PROGRAM: a file if one exists by that name, else the text itself. */
static int read_program(struct arena *a, const char *arg, struct source *src)
{
	struct stat st;
	FILE *f;
	char *buf;
	size_t n, r, cap;
	int err;

	if (stat(arg, &st)) {
		if (looks_like_path(arg)) {
			fprintf(stderr, "spry: error: cannot read '%s': %s\n",
				arg, strerror(errno));
			return -errno;
		}
		src->name = "<program>";
		src->text = arg;
		src->len = strlen(arg);
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		fprintf(stderr, "spry: error: '%s' is a directory, not a "
			"script\n", arg);
		return -EISDIR;
	}

	/* (off_t is a 32-bit long on 32-bit targets: compared as unsigned,
	 * not promoted to the limit's unsigned int with a warning) */
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > MAIN_MAX_PROGRAM) {
		fprintf(stderr, "spry: error: '%s' is larger than %u MiB, the "
			"limit for a program\n", arg, MAIN_MAX_PROGRAM >> 20);
		return -EFBIG;
	}
	f = fopen(arg, "r");
	if (!f) {
		fprintf(stderr, "spry: error: cannot read '%s': %s\n", arg,
			strerror(errno));
		return -errno;
	}
	/* to EOF, whatever the size says: pipes (spry <(...), /dev/stdin)
	 * and procfs files report 0.  But not for ever: /dev/zero and
	 * /dev/urandom never end, so each chunk is checked for the NUL that
	 * no script has, and the whole is capped. */
	cap = st.st_size > 0 && (uint64_t)st.st_size < MAIN_MAX_PROGRAM ?
	      (size_t)st.st_size + 1 : 4096;
	buf = arena_alloc(a, cap);
	n = 0;
	err = 0;
	while (!err && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		if (memchr(buf + n, '\0', r)) {
			fprintf(stderr, "spry: error: '%s' is not a text file "
				"(it contains a NUL byte)\n", arg);
			err = -EINVAL;
		}
		n += r;
		if (!err && n > MAIN_MAX_PROGRAM) {
			fprintf(stderr, "spry: error: '%s' is larger than "
				"%u MiB, the limit for a program\n", arg,
				MAIN_MAX_PROGRAM >> 20);
			err = -EFBIG;
		}
		if (!err && n == cap - 1) {
			buf = arena_grow(a, buf, cap, 2 * cap);
			cap *= 2;
		}
	}
	if (!err && ferror(f)) {
		fprintf(stderr, "spry: error: cannot read '%s': %s\n", arg,
			strerror(errno));
		err = -EIO;
	}
	fclose(f);
	if (err)
		return err;
	buf[n] = '\0';
	src->name = arena_strdup(a, arg);
	src->text = buf;
	src->len = n;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "program",     required_argument, NULL, 'e' },
		{ "command",     required_argument, NULL, 'c' },
		{ "pid",         required_argument, NULL, 'p' },
		{ "quiet",       no_argument,       NULL, 'q' },
		{ "verbose",     no_argument,       NULL, 'v' },
		{ "output",      required_argument, NULL, 'o' },
		{ "buffering",   required_argument, NULL, 'B' },
		{ "unsafe",      no_argument,       NULL, OPT_UNSAFE },
		{ "include",     required_argument, NULL, OPT_INCLUDE },
		{ "dry-run",     no_argument,       NULL, 'n' },
		{ "dump",        no_argument,       NULL, 'S' },
		{ "debug",       no_argument,       NULL, 'd' },
		{ "keep-going",  no_argument,       NULL, 'K' },
		{ "unbuffered",  no_argument,       NULL, 'u' },
		{ "format",      required_argument, NULL, 'f' },
		{ "output",      required_argument, NULL, 'o' },
		{ "map-entries", required_argument, NULL, 'M' },
		{ "str-size",    required_argument, NULL, 's' },
		{ "buffer",      required_argument, NULL, 'b' },
		{ "load-only",   no_argument,       NULL, OPT_LOAD_ONLY },
		{ "arch",        required_argument, NULL, OPT_ARCH },
		{ "list",        no_argument,       NULL, 'l' },
		{ "verbose",     no_argument,       NULL, 'v' },
		{ "self-test",   no_argument,       NULL, 'T' },
		{ "version",     no_argument,       NULL, 'V' },
		{ "help",        no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rt_opts ro = { .format = OUT_TEXT };
	struct script s = { 0 };
	struct runtime rt = { 0 };
	struct host host;
	char uts[sizeof(((struct utsname *)0)->machine)];
	const char *machine;
	const struct arch *host_arch;
	struct diag d;
	const char *text = NULL, *arch_name = NULL, *out_path = NULL;
	const char *prog_arg = NULL;
	bool dry_run = false, dump = false, selftest = false, list = false;
	bool created = false, started = false, reported;
	int buffering = -1;	/* -B: _IOLBF, _IOFBF, _IONBF; -1 default */
	unsigned long v;
	int c, status;
	FILE *out_file = NULL;

	main_std_fds();
	diag_init(&d, stderr);
	s.arena = arena_new();
	host_read(&host);	/* the environment, read here and only here */
	s.host = &host;
	tz_set(host.tz, host.tzdir);
	s.opts.map_entries = 4096;
	s.opts.str_size = 64;
	s.opts.events_size = 256 << 10;
	s.opts.max_probes = 512;
	if (env_defaults(&host, &s.opts))
		goto fail;

	/* options anywhere, as bpftrace (GNU getopt) takes them: `spry
	 * prog.bt -q 5` is -q and the parameter 5 */
	while ((c = getopt_long(argc, argv, "e:c:p:qvo:B:I:kKnSduf:M:s:b:lTVh",
				longopts, NULL)) != -1) {
		switch (c) {
		case 'e': text = optarg; break;
		case 'c':
			ro.command = optarg;
			s.opts.command = true;
			s.opts.command_text = optarg;
			break;
		case 'p':
			if (parse_uint(optarg, "pid", INT_MAX, &v))
				goto fail;
			ro.pid = (pid_t)v;
			s.opts.target_pid = (int)v;
			break;
		case 'q': ro.quiet = true; break;
		case 'v': ro.verbose = true; break;
		case 'o': out_path = optarg; break;
		case 'B':
			if (!strcmp(optarg, "line")) {
				buffering = _IOLBF;
			} else if (!strcmp(optarg, "full")) {
				buffering = _IOFBF;
			} else if (!strcmp(optarg, "none")) {
				buffering = _IONBF;
			} else {
				fprintf(stderr, "spry: error: unknown buffering "
					"'%s' (line, full, none)\n", optarg);
				goto fail;
			}
			break;
		case OPT_UNSAFE: s.opts.unsafe = true; break;
		case 'I':
			push_arg(s.arena, &s.opts.include_dirs,
				 &s.opts.ninclude_dirs, optarg);
			break;
		case OPT_INCLUDE:
			push_arg(s.arena, &s.opts.includes, &s.opts.nincludes,
				 optarg);
			break;
		/* -k, -kk: bpftrace's helper error reports */
		case 'k': s.opts.helper_errors++; break;
		case 'n': dry_run = true; break;
		case 'S': dump = true; break;
		case 'd': ro.verbose_log = true; break;
		case 'K': ro.keep_going = true; break;
		case 'u': buffering = _IONBF; break;
		case 'f':
			if (parse_format(optarg, &ro.format))
				goto fail;
			break;
		case 'M':
			if (parse_uint(optarg, "map size", 1u << 24, &v))
				goto fail;
			s.opts.map_entries = (unsigned)v;
			break;
		case 's':
			if (parse_uint(optarg, "string size", 256, &v))
				goto fail;
			s.opts.str_size = (unsigned)v;
			break;
		case 'b':
			if (parse_uint(optarg, "buffer size", 1ul << 30, &v))
				goto fail;
			if (v < 4096 || (v & (v - 1))) {
				fprintf(stderr, "spry: error: the buffer size "
					"must be a power of two of at least "
					"4k, not '%s'\n", optarg);
				goto fail;
			}
			s.opts.events_size = (unsigned)v;
			break;
		case OPT_LOAD_ONLY: ro.load_only = true; break;
		case OPT_ARCH: arch_name = optarg; break;
		case 'l': list = true; break;
		case 'T': selftest = true; break;
		case 'V':
			printf("spry %s\n", PACKAGE_VERSION);
			arena_free(s.arena);
			return main_finish(0, false);
		case 'h':
			usage(stdout);
			arena_free(s.arena);
			return main_finish(0, false);
		default:
			fputs("Try 'spry --help'.\n", stderr);
			goto fail;
		}
	}
	if (s.opts.helper_errors > 2) {
		fprintf(stderr, "spry: error: -k at most twice (-kk)\n");
		goto fail;
	}
	ro.unbuffered = buffering == _IONBF;

	if (selftest) {
		arena_free(s.arena);
		return main_finish(rt_selftest(stdout, &d) ? 1 : 0, false);
	}
	if (list) {
		if (optind < argc - 1 || text) {
			fprintf(stderr, "spry: error: -l takes one pattern, "
				"as in spry -l 'tracepoint:sched:*'\n");
			goto fail;
		}
		arena_free(s.arena);
		return main_finish(provider_list(&host, optind < argc ?
						 argv[optind] : NULL,
						 ro.verbose, ro.pid, stdout,
						 &d) ? 1 : 0, false);
	}

	/* the program (unless -e), then its positional parameters */
	if (!text && optind == argc) {
		fprintf(stderr, "spry: error: no program given\n"
			"Try 'spry --help'.\n");
		goto fail;
	}
	if (!text)
		prog_arg = argv[optind++];
	s.opts.params = (const char *const *)argv + optind;
	s.opts.nparams = (unsigned)(argc - optind);

	machine = host.machine ? host.machine : arch_uname(uts, sizeof(uts));
	host_arch = arch_from_machine(machine);
	s.arch = arch_name ? arch_find(arch_name) : host_arch;
	if (!s.arch) {
		fprintf(stderr, "spry: error: %s architecture '%s' (known:",
			arch_name ? "unknown" : "unsupported host",
			arch_name ? arch_name : machine);
		for (const struct arch *const *a = arches; *a; a++)
			fprintf(stderr, "%s %s", a == arches ? "" : ",",
				(*a)->name);
		fprintf(stderr, ")\n");
		goto fail;
	}
	if (arch_name && s.arch != host_arch && !dry_run) {
		fprintf(stderr, "spry: error: --arch %s needs --dry-run\n",
			arch_name);
		goto fail;
	}
	/* A 32-bit spry on a 64-bit kernel (armhf on arm64) would read the
	 * kernel's records and ring buffer positions with the wrong word
	 * size.  (Under linux32 that kernel says armv8l: no table has it.) */
	if (!dry_run && s.arch->word_size != sizeof(long)) {
		fprintf(stderr, "spry: error: this spry is a %u-bit build and "
			"the kernel is %u-bit %s: run a spry built for %s\n",
			(unsigned)sizeof(long) * 8, s.arch->word_size * 8,
			s.arch->name, s.arch->name);
		goto fail;
	}

	/* A trace stops on SIGINT, SIGTERM or SIGHUP with END and the maps,
	 * whenever the signal comes: the handlers go in before anything is
	 * made.  (A dry run makes nothing: it may die as any command.) */
	if (!dry_run)
		rt_signals();
	if (text) {
		s.src.name = "<program>";
		s.src.text = text;
		s.src.len = strlen(text);
	} else if (read_program(s.arena, prog_arg, &s.src)) {
		goto fail;
	}
	/* One clear message up front rather than the first EPERM of
	 * whatever happens to come first (reading tracefs, a map). */
	if (!dry_run && rt_check_privilege(&d))
		goto fail;
	if (ro.pid && !dry_run && kill(ro.pid, 0) && errno == ESRCH) {
		fprintf(stderr, "spry: error: no process %d (-p)\n",
			(int)ro.pid);
		goto fail;
	}
	if (dump)
		s.opts.dump = stdout;
	/* The event transport is chosen before compiling: the programs call
	 * a different helper for each.  SPRY_NO_RINGBUF forces the perf
	 * buffer path, to test it on kernels that have both. */
	if (host.no_ringbuf || (!dry_run && !rt_has_ringbuf()))
		s.opts.perf_events = true;
	/* a run, not a dry run: providers may ready the host (tracefs) */
	s.opts.prepare = !dry_run;

	if (compile_script(&s, &d))
		goto fail;
	if (dry_run) {
		arena_free(s.arena);
		return main_finish(0, false);
	}

	/* -o: opened once the program compiled, so that a typo does not
	 * truncate last run's trace */
	if (out_path) {
		out_file = open_output(out_path, &created);
		if (!out_file)
			goto fail;
		ro.out = out_file;
		ro.out_is_file = true;
	}
	if (buffering >= 0 &&
	    setvbuf(ro.out ? ro.out : stdout, NULL, buffering, 0)) {
		fprintf(stderr, "spry: error: cannot set the buffering: %s\n",
			strerror(errno));
		goto fail;
	}

	status = 1;
	if (!rt_open(&rt, &s, &ro, &d)) {
		if (ro.load_only)
			status = 0;
		else if (!rt_attach(&rt)) {
			started = true;
			status = rt_run(&rt);
		}
	}
	rt_close(&rt);
	arena_free(s.arena);
	/* a write error the runtime said already is not said again */
	reported = rt.write_failed || rt.abandoned;
	if (out_file && fclose(out_file) && !reported) {
		fprintf(stderr, "spry: error: cannot write '%s': %s\n",
			out_path, strerror(errno));
		reported = true;
		status = status ? status : 1;
	}
	/* spry could not start: no file of its own left behind */
	if (out_file && created && !started)
		unlink(out_path);
	return main_finish(status, reported);
fail:
	if (out_file) {
		fclose(out_file);
		if (created)
			unlink(out_path);
	}
	arena_free(s.arena);
	return main_finish(1, false);
}
