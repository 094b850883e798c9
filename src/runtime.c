/* runtime.c - running a compiled script in the kernel.
 *
 * Input: a struct script that compile_script() filled: maps with their
 * layout, probes with BPF instructions, relocations and per-instruction
 * locations, event descriptors.  Output: the trace (through output.c), the
 * @-maps at exit, and an exit status.
 *
 * The kernel calls are kbpf.h's thin bpf(2) wrappers and event buffer
 * readers: the script already is the object file, so there is nothing for
 * an object loader to do.
 *
 * Lifetime: rt_open creates maps, forks the -c child (parked on a pipe,
 * child.c) and loads programs; rt_attach attaches through the providers;
 * rt_run runs BEGIN, releases the child, consumes events, stops the trace,
 * runs END and prints the maps; rt_close undoes whatever part of that
 * happened, leaving the detach of the probes to a background process.
 *
 * Signals (rt_signals(), installed before anything is created): SIGINT,
 * SIGTERM and SIGHUP stop tracing, and END still runs and the maps still
 * print, whenever the signal comes; SIGPIPE is ignored, a reader gone is a
 * write error like any other.  Every write is checked.  A write blocked by
 * a reader that stalls (`spry ... | less`) is restarted after the first stop
 * signal (SA_RESTART), so END and the maps reach the reader once it reads;
 * that first signal also takes SA_RESTART away, so a second one interrupts
 * the write: spry abandons what it could not write and ends at once.
 */
#include <assert.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/perf_event.h>

#include "btf.h"
#include "child.h"
#include "host.h"
#include "kbpf.h"
#include "ksym.h"
#include "usym.h"
#include "output.h"
#include "provider.h"
#include "runtime.h"
#include "script.h"
#include "type.h"

#define RT_POLL_MS	100		/* lost-event and child checks */
#define RT_LOG_MIN	(1u << 20)	/* verifier log: first buffer */
#define RT_LOG_MAX	(1u << 28)	/* ...grown up to this */
#define RT_LOG_NOTES	5		/* log lines shown under the error */
#define RT_PERF_PAGES	64		/* perf buffer pages per CPU */
/* linux/capability.h of kernels before 5.8 lacks these */
#define RT_CAP_PERFMON	38
#define RT_CAP_BPF	39

/* The stop signal that came first, and a second one (either: 0 when none
 * came). */
static volatile sig_atomic_t rt_sig_stop, rt_sig_abort, rt_sig_child;
/* Write end of the self-pipe that wakes the event wait: a signal landing
 * between the checks and epoll_wait() would otherwise sleep out a whole
 * RT_POLL_MS (a -c child exiting at once made 1 start in 40 take 100 ms). */
static int rt_wake_fd = -1;
static const int rt_stop_sigs[] = { SIGINT, SIGTERM, SIGHUP };
/* Signals ignored when spry started: the -c command starts with them
 * ignored too, and SIGHUP stays ignored (nohup spry ...). */
static sigset_t rt_sig_ignored;
static bool rt_sig_installed;

static void rt_on_signal(int sig)
{
	int saved = errno;
	unsigned i;

	if (sig == SIGCHLD) {
		rt_sig_child = 1;
	} else if (!rt_sig_stop) {
		/* from now on a stop signal interrupts a blocked write */
		struct sigaction sa = { .sa_handler = rt_on_signal };

		rt_sig_stop = sig;
		sigemptyset(&sa.sa_mask);
		for (i = 0; i < sizeof(rt_stop_sigs) / sizeof(rt_stop_sigs[0]);
		     i++)
			if (rt_stop_sigs[i] != SIGHUP ||
			    !sigismember(&rt_sig_ignored, SIGHUP))
				sigaction(rt_stop_sigs[i], &sa, NULL);
	} else {
		rt_sig_abort = sig;
	}
	if (rt_wake_fd >= 0 && write(rt_wake_fd, "", 1) < 0) {
		/* full pipe: a wake-up is pending anyway */
	}
	errno = saved;
}

void rt_signals(void)
{
	static const int noted[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT,
				     SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM,
				     SIGWINCH, SIGTSTP };
	struct sigaction sa = { .sa_handler = rt_on_signal,
				.sa_flags = SA_RESTART }, old;
	unsigned i;

	if (rt_sig_installed)
		return;
	rt_sig_installed = true;
	sigemptyset(&rt_sig_ignored);
	for (i = 0; i < sizeof(noted) / sizeof(noted[0]); i++)
		if (!sigaction(noted[i], NULL, &old) &&
		    old.sa_handler == SIG_IGN)
			sigaddset(&rt_sig_ignored, noted[i]);
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(rt_stop_sigs) / sizeof(rt_stop_sigs[0]); i++)
		if (rt_stop_sigs[i] != SIGHUP ||
		    !sigismember(&rt_sig_ignored, SIGHUP))
			sigaction(rt_stop_sigs[i], &sa, NULL);
	/* SA_RESTART: a command ending must not interrupt a write */
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* BEGIN and END: run by us with BPF_PROG_TEST_RUN, never attached (the
 * provider's `when`). */
static bool rt_is_begin_end(const struct probe *p)
{
	return !p->prov || p->prov->when != PROV_ON_EVENT;
}

/* A map's fd: the runtime's handle, by the map's id. */
static int rt_map_fd(const struct runtime *rt, const struct map *m)
{
	return rt->map_fd && m->id < rt->nmap_fd ? rt->map_fd[m->id] : -1;
}

static bool rt_map_percpu(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool rt_map_array(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_ARRAY || t == BPF_MAP_TYPE_PERCPU_ARRAY;
}

/* Kernel object names: up to 15 of [A-Za-z0-9_.]; "@lat" -> "lat". */
static void rt_obj_name(char *buf, size_t n, const char *a, const char *b)
{
	size_t k = 0;
	const char *parts[2] = { a, b };
	unsigned i;

	for (i = 0; i < 2; i++) {
		const char *s = parts[i];

		if (!s)
			continue;
		if (i && k && *s && k < n - 1)
			buf[k++] = '_';
		for (; *s && k < n - 1 && k < 15; s++) {
			char c = *s;

			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '_' || c == '.')
				buf[k++] = c;
			else if (c != '@' && k && buf[k - 1] != '_')
				buf[k++] = '_';
		}
	}
	if (!k)
		snprintf(buf, n, "spry");
	else
		buf[k] = '\0';
}

/* Why a bpf(2) call failed when the reason is the environment rather than
 * the script, as a hint for its message; NULL otherwise. */
static const char *rt_bpf_hint(int err)
{
	switch (err) {
	case -EPERM:
		return "spry needs root, or CAP_BPF and CAP_PERFMON";
	case -ENOSYS:
		return "no bpf(2) system call in this kernel, or a seccomp "
		       "policy blocks it";
	case -EMFILE:
		return "more probes than the open-file limit allows: raise it "
		       "with ulimit -n";
	}
	return NULL;
}

/* ---- maps ---- */

/* Hash maps are preallocated (flags 0), whatever it costs at startup (0.14
 * ms for 4096 entries, about 3 ms for a per-CPU hash's on 2 CPUs, which is
 * why only min/max maps are per-CPU hashes: layout.c).  Without preallocation a
 * program's insert takes an element from a small per-CPU cache (4 entries
 * at first, since Linux 6.1) that irq_work refills later: until it does,
 * or when per-CPU memory cannot be had without sleeping, the insert fails
 * and the update is lost.  On mips64el and ppc64el guests a dd's 50 reads
 * went uncounted that way. */
static int rt_map_create(struct runtime *rt, struct map *m)
{
	enum bpf_map_type type = m->bpf_type;
	unsigned key = m->key_size, val = m->val_size, max = m->max_entries;
	char name[16];
	int fd;

	if (type == BPF_MAP_TYPE_RINGBUF) {
		/* a ring buffer has no key or value; its size is the entry
		 * count, a power of two multiple of the page size */
		key = val = 0;
		if (!max)
			max = rt->s->opts.events_size ?
			      rt->s->opts.events_size : 256u << 10;
	} else if (type == BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		key = val = 4;
		if (!max)
			max = (unsigned)rt->ncpus;
	}
	rt_obj_name(name, sizeof(name), m->name, NULL);
	fd = kbpf_map_create(type, name, key, val, max, 0);
	if (fd < 0) {
		int err = fd;

		if (type == BPF_MAP_TYPE_RINGBUF && err == -EINVAL)
			diag_error(rt->d, &m->loc, "cannot create the event "
				   "ring buffer: this kernel has no BPF ring "
				   "buffers (Linux 5.8+)");
		else if (rt_bpf_hint(err))
			diag_error(rt->d, &m->loc, "cannot create map %s: %s "
				   "(%s)", m->name, strerror(-err),
				   rt_bpf_hint(err));
		else
			diag_error(rt->d, &m->loc, "cannot create map %s "
				   "(type %u, key %u, value %u, %u entries): %s",
				   m->name, type, key, val, max, strerror(-err));
		return err;
	}
	rt->map_fd[m->id] = fd;
	return 0;
}

static size_t rt_percpu_stride(const struct map *m)
{
	/* per-CPU values are copied out 8-byte aligned per CPU */
	return ((size_t)m->val_size + 7) & ~(size_t)7;
}

/* Value buffer big enough for one lookup of @m. */
static size_t rt_lookup_size(const struct runtime *rt, const struct map *m)
{
	if (rt_map_percpu(m->bpf_type))
		return rt_percpu_stride(m) * (size_t)rt->ncpus;
	return m->val_size ? m->val_size : 8;
}

/* min()/max(): {s64 value; u64 seen} per CPU; the least (greatest) value
 * of the CPUs that saw the key, seen their sum. */
static void rt_percpu_minmax(const struct runtime *rt, const struct map *m,
			     const uint8_t *raw, uint8_t *out)
{
	size_t stride = rt_percpu_stride(m);
	int64_t best = 0, v;
	uint64_t seen = 0, s;
	int cpu;

	for (cpu = 0; cpu < rt->ncpus; cpu++) {
		memcpy(&v, raw + (size_t)cpu * stride, 8);
		memcpy(&s, raw + (size_t)cpu * stride + 8, 8);
		if (!s)
			continue;
		if (!seen || (m->kind == MAP_MIN ? v < best : v > best))
			best = v;
		seen += s;
	}
	memcpy(out, &best, 8);
	memcpy(out + 8, &seen, 8);
}

/* Fold per-CPU values into one: min/max keep the extreme, everything else
 * sums word by word (counts, sums, buckets, avg/stats' count and total:
 * two's complement addition is right for signed sums too). */
static void rt_percpu_sum(const struct runtime *rt, const struct map *m,
			  const uint8_t *raw, uint8_t *out)
{
	size_t stride = rt_percpu_stride(m), w;
	int cpu;

	if ((m->kind == MAP_MIN || m->kind == MAP_MAX) && m->val_size == 16) {
		rt_percpu_minmax(rt, m, raw, out);
		return;
	}
	memcpy(out, raw, m->val_size);
	if (m->val_size % 8)
		return;
	for (w = 0; w < m->val_size; w += 8) {
		uint64_t sum = 0, v;

		for (cpu = 0; cpu < rt->ncpus; cpu++) {
			memcpy(&v, raw + (size_t)cpu * stride + w, 8);
			sum += v;
		}
		memcpy(out + w, &sum, 8);
	}
}

void rt_map_data_free(struct out_map_data *md)
{
	free(md->keys);
	free(md->vals);
	md->keys = md->vals = NULL;
	md->n = 0;
}

int rt_map_read(struct runtime *rt, const struct map *m,
		struct out_map_data *md)
{
	size_t ksz = m->key_size, vsz = m->val_size, cap = 16;
	bool percpu = rt_map_percpu(m->bpf_type);
	uint8_t *cur = calloc(1, ksz + 8), *next = calloc(1, ksz + 8);
	uint8_t *raw = calloc(1, rt_lookup_size(rt, m));
	/* a hash being updated while we walk it may restart the walk; bound
	 * it rather than loop forever */
	unsigned long limit = 2ul * m->max_entries + 64;
	int fd = rt_map_fd(rt, m), err = 0;

	memset(md, 0, sizeof(*md));
	md->m = m;
	md->key_size = m->key_size;
	md->val_size = m->val_size;
	md->keys = calloc(cap, ksz ? ksz : 1);
	md->vals = calloc(cap, vsz ? vsz : 1);
	if (!cur || !next || !raw || !md->keys || !md->vals) {
		err = -ENOMEM;
		goto out;
	}
	if (fd < 0) {
		err = -EBADF;
		goto out;
	}

	err = kbpf_map_next_key(fd, NULL, next);
	while (!err && limit--) {
		if (!kbpf_map_lookup(fd, next, raw)) {
			if (md->n == cap) {
				void *k, *v;

				cap *= 2;
				k = realloc(md->keys, cap * ksz);
				v = realloc(md->vals, cap * vsz);
				if (k)
					md->keys = k;
				if (v)
					md->vals = v;
				if (!k || !v) {
					err = -ENOMEM;
					goto out;
				}
			}
			memcpy((uint8_t *)md->keys + md->n * ksz, next, ksz);
			if (percpu)
				rt_percpu_sum(rt, m, raw,
					      (uint8_t *)md->vals + md->n * vsz);
			else
				memcpy((uint8_t *)md->vals + md->n * vsz, raw,
				       vsz);
			md->n++;
		}
		memcpy(cur, next, ksz);
		err = kbpf_map_next_key(fd, cur, next);
	}
	if (err == -ENOENT)
		err = 0;
out:
	free(cur);
	free(next);
	free(raw);
	if (err)
		rt_map_data_free(md);
	return err;
}

/* The programs cannot add keys to a full hash map and drop the update
 * silently; a map at its limit says some were dropped.  Checking when it
 * prints (plain maps: at exit) costs nothing per event. */
static void rt_map_full(struct runtime *rt, const struct map *m)
{
	diag_warn(rt->d, NULL, "map %s is full (%u entries): updates of new "
		  "keys were dropped; -M raises the limit", m->name,
		  m->max_entries);
}

static void rt_map_print(struct runtime *rt, const struct map *m,
			 uint64_t top, uint64_t div)
{
	struct out_map_data md;
	int err = rt_map_read(rt, m, &md);

	if (err) {
		diag_info(rt->d, "cannot read map %s: %s", m->name,
			  strerror(-err));
		return;
	}
	out_map(rt->out, &md, top, div);
	if (!rt_map_array(m->bpf_type) && md.n >= m->max_entries)
		rt_map_full(rt, m);
	rt_map_data_free(&md);
}

/* clear(@m): delete every key; arrays cannot lose entries, so their values
 * are zeroed instead.  zero(@m) (@keep): zero every value, keep the keys. */
static void rt_map_clear(struct runtime *rt, const struct map *m, bool keep)
{
	struct out_map_data md;
	void *zero;
	unsigned i;

	if (rt_map_read(rt, m, &md))
		return;
	zero = calloc(1, rt_lookup_size(rt, m));
	for (i = 0; zero && i < md.n; i++) {
		void *key = (uint8_t *)md.keys + (size_t)i * md.key_size;

		if (keep || rt_map_array(m->bpf_type))
			kbpf_map_update(rt_map_fd(rt, m), key, zero,
					    BPF_ANY);
		else
			kbpf_map_delete(rt_map_fd(rt, m), key);
	}
	free(zero);
	rt_map_data_free(&md);
	out_clear(rt->out, m);
}

/* Events lost so far: the programs add to the one u64 of the lost map
 * (a plain array, atomically: see lower.c's emit_output()). */
static unsigned long long rt_lost_read(struct runtime *rt)
{
	const struct map *m = rt->s->lost_map;
	uint64_t v = 0;
	uint32_t key = 0;

	if (!m || rt_map_fd(rt, m) < 0)
		return 0;
	assert(m->bpf_type == BPF_MAP_TYPE_ARRAY && m->val_size == 8 &&
	       "the lost map is one plain u64");
	if (kbpf_map_lookup(rt_map_fd(rt, m), &key, &v))
		return 0;
	return v;
}

/* The output layer's kernel symbol hook: the host's kallsyms. */
static const char *rt_ksym(void *ctx, uint64_t addr, char *buf, size_t n,
			   uint64_t *off)
{
	const struct runtime *rt = ctx;

	return ksym_out_hook((void *)host_or_default(rt->s->host)->kallsyms,
			     addr, buf, n, off);
}

/* The output layer's stack hook: frames of a stack id from the stack map
 * that keeps @frames frames. */
static int rt_stack_read(void *ctx, uint64_t id, bool user, unsigned frames,
			 uint64_t *ips, unsigned max)
{
	struct runtime *rt = ctx;
	const struct map *m = NULL;
	int32_t sid = (int32_t)(uint32_t)id;
	uint32_t key;
	uint64_t *vals;
	unsigned n = 0, i, cap;

	for (i = 0; i < rt->s->nmaps && !m; i++)
		if (rt->s->maps[i]->kind == MAP_STACKS &&
		    rt->s->maps[i]->stack_frames == frames)
			m = rt->s->maps[i];
	if (!m || rt_map_fd(rt, m) < 0 || sid < 0 ||
	    (!user && (int64_t)id < 0))
		return -ENOENT;
	key = (uint32_t)sid;
	vals = calloc(1, m->val_size + 8);
	if (!vals)
		return -ENOMEM;
	if (kbpf_map_lookup(rt_map_fd(rt, m), &key, vals)) {
		free(vals);
		return -ENOENT;
	}
	cap = m->val_size / 8;
	for (i = 0; i < cap && n < max && vals[i]; i++)
		ips[n++] = vals[i];
	free(vals);
	return (int)n;
}

/* ---- programs ---- */

/* Split @log into lines in place; returns the count. */
static unsigned rt_log_lines(char *log, char ***lines)
{
	unsigned n = 0, cap = 64;
	char **v = malloc(cap * sizeof(*v));
	char *p = log, *nl;

	if (!v)
		return 0;
	while (*p) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (n == cap) {
			char **w = realloc(v, (cap *= 2) * sizeof(*v));

			if (!w)
				break;
			v = w;
		}
		v[n++] = p;
		if (!nl)
			break;
		p = nl + 1;
	}
	*lines = v;
	return n;
}

/* "12: (85) call bpf_probe_read#4" -> 12; -1 for any other line. */
static long rt_log_insn(const char *l)
{
	char *end;
	long idx;

	if (*l < '0' || *l > '9')
		return -1;
	idx = strtol(l, &end, 10);
	if (end[0] != ':' || end[1] != ' ' || end[2] != '(' ||
	    !isxdigit((unsigned char)end[3]) ||
	    !isxdigit((unsigned char)end[4]) || end[5] != ')')
		return -1;
	return idx;
}

/* Summary lines the verifier adds after its verdict. */
static bool rt_log_trailer(const char *l)
{
	return !*l || !strncmp(l, "processed ", 10) ||
	       !strncmp(l, "verification time", 17) ||
	       !strncmp(l, "stack depth", 11) ||
	       !strncmp(l, "-- END PROG LOAD LOG --", 23);
}

/* The verifier said no: point at the script expression whose instruction
 * it rejected, quote its verdict, and show the lines that lead to it. */
static void rt_verifier_error(struct runtime *rt, const struct probe *p,
			      char *log, int err)
{
	const struct loc *loc = &p->loc;
	char **lines = NULL;
	unsigned n, i, from;
	long insn = -1;

	if (rt->opts.verbose_log && log && *log)
		fprintf(rt->d->out ? rt->d->out : stderr,
			"spry: verifier log for %s:%s:\n%s\n", p->prov->name,
			p->target ? p->target : "", log);

	n = log ? rt_log_lines(log, &lines) : 0;
	while (n && rt_log_trailer(lines[n - 1]))
		n--;
	if (!n) {
		diag_error(rt->d, loc, "cannot load this probe: %s",
			   strerror(-err));
		free(lines);
		return;
	}
	for (i = n - 1; i-- > 0;) {
		insn = rt_log_insn(lines[i]);
		if (insn >= 0)
			break;
	}
	if (insn >= 0 && (unsigned long)insn < p->ninsns && p->insn_loc &&
	    p->insn_loc[insn].src)
		loc = &p->insn_loc[insn];
	diag_error(rt->d, loc, "BPF verifier rejected this probe: %s",
		   lines[n - 1]);
	if (!rt->opts.verbose_log) {
		from = n - 1 > RT_LOG_NOTES ? n - 1 - RT_LOG_NOTES : 0;
		for (i = from; i < n - 1; i++)
			diag_note(rt->d, NULL, "verifier: %s", lines[i]);
		if (n - 1 > RT_LOG_NOTES)
			diag_note(rt->d, NULL, "run with -d for the whole "
				  "verifier log");
	}
	free(lines);
}

/* A program the kernel refuses for its type rather than for its code or
 * spry's privileges (already checked: rt_check_privilege()): fentry where
 * the kernel cannot attach trampolines says EPERM or ENOTSUPP, with no
 * verifier log, and so does an iterator it keeps from BPF programs
 * (bpf_map_elem on 6.18).  The provider names what works instead, if
 * anything does. */
static bool rt_refused(const struct probe *p, int err)
{
	return p->prov && p->attach_btf_id &&
	       (err == -EPERM || err == -EOPNOTSUPP || err == -524);
}

static void rt_refused_error(struct runtime *rt, const struct probe *p,
			     int err)
{
	const char *fn = p->target ? strrchr(p->target, ':') : NULL;
	const char *why = err == -524 ? "not supported" : strerror(-err);

	fn = fn ? fn + 1 : p->target ? p->target : "";
	if (!p->prov->fallback) {
		diag_error(rt->d, &p->loc, "cannot load %s:%s: this kernel "
			   "refuses a program there (%s)", p->prov->name,
			   p->target ? p->target : "", why);
		return;
	}
	diag_error(rt->d, &p->loc, "cannot load %s:%s: this kernel refuses "
		   "%s programs (%s); use %s:%s instead", p->prov->name,
		   p->target ? p->target : "", p->prov->name, why,
		   p->prov->fallback, fn);
}

/* The compiled code stays as compiled: the map fds go into a copy. */
static int rt_prog_load(struct runtime *rt, struct rt_probe *rp)
{
	const struct probe *p = rp->p;
	struct script *s = rt->s;
	struct kbpf_attach at = { 0 };
	char name[16], *log = NULL;
	unsigned i, size;
	int fd;

	rp->insns = malloc((p->ninsns ? p->ninsns : 1) * sizeof(*rp->insns));
	if (!rp->insns)
		return -ENOMEM;
	memcpy(rp->insns, p->insns, p->ninsns * sizeof(*rp->insns));
	for (i = 0; i < p->nrelocs; i++) {
		const struct reloc *r = &p->relocs[i];
		struct bpf_insn *in;

		assert(r->insn + 1 < p->ninsns && "reloc past the program");
		assert(r->map < s->nmaps && "reloc names no map");
		in = &rp->insns[r->insn];
		assert(in->code == (BPF_LD | BPF_DW | BPF_IMM) &&
		       (in->src_reg == BPF_PSEUDO_MAP_FD ||
			in->src_reg == BPF_PSEUDO_MAP_VALUE) &&
		       "reloc on something else than ld_imm64 map_fd/value");
		in->imm = rt->map_fd[r->map];
		/* a value address keeps its offset in the second half */
		if (in->src_reg == BPF_PSEUDO_MAP_FD)
			in[1].imm = 0;
	}

	rt_obj_name(name, sizeof(name), p->prov ? p->prov->name : NULL,
		    p->target);
	at.type = (enum bpf_attach_type)p->attach_type;
	at.btf_id = p->attach_btf_id;
	if (p->attach_btf_module) {
		fd = btf_kernel_fd(p->attach_btf_module);
		if (fd < 0) {
			diag_error(rt->d, &p->loc, "cannot load this probe: no "
				   "BTF of module %s in the kernel: %s",
				   p->attach_btf_module, strerror(-fd));
			return fd;
		}
		at.btf_obj_fd = (uint32_t)fd;
	}
	/* first without a log: fast, and most programs load */
	fd = kbpf_prog_load_at(p->prog_type, name, rp->insns, p->ninsns, &at,
			       NULL, 0);
	for (size = RT_LOG_MIN; fd < 0 && !rt_bpf_hint(fd) && size <= RT_LOG_MAX;
	     size *= 4) {
		/* zeroed rather than realloc'd: tools like valgrind cannot
		 * see the kernel write the log of a load that failed */
		free(log);
		log = calloc(1, size);
		if (!log)
			break;
		fd = kbpf_prog_load_at(p->prog_type, name, rp->insns,
				       p->ninsns, &at, log, size);
		/* ENOSPC: the log did not fit; anything else is the
		 * verdict */
		if (fd != -ENOSPC)
			break;
	}
	if (at.btf_obj_fd)
		close((int)at.btf_obj_fd);
	if (fd < 0) {
		if (rt_refused(p, fd))
			rt_refused_error(rt, p, fd);
		else if (rt_bpf_hint(fd))
			diag_error(rt->d, &p->loc, "cannot load this probe: %s "
				   "(%s)", strerror(-fd), rt_bpf_hint(fd));
		else
			rt_verifier_error(rt, p, log, fd);
		free(log);
		return fd;
	}
	free(log);
	rp->prog_fd = fd;
	if (rt->opts.verbose) {
		struct bpf_prog_info info = { 0 };

		kbpf_obj_info(fd, &info, sizeof(info));
		diag_info(rt->d, "loaded %s%s%s: program id %u, %u "
			  "instructions", p->prov->name,
			  p->target && *p->target ? ":" : "",
			  p->target ? p->target : "", info.id, p->ninsns);
	}
	return 0;
}

/* BEGIN/END: BPF_PROG_TEST_RUN of a raw tracepoint program runs it once,
 * right here, on this CPU. */
static int rt_prog_run(struct runtime *rt, struct rt_probe *rp)
{
	const struct probe *p = rp->p;
	/* a raw tracepoint context is up to 12 u64 arguments; all zero */
	uint64_t args[12] = { 0 };
	int err;

	if (rp->prog_fd < 0)
		return 0;
	err = kbpf_prog_test_run(rp->prog_fd, args, sizeof(args));
	if (err) {
		diag_error(rt->d, &p->loc, "cannot run %s: %s", p->prov->name,
			   strerror(-err));
		return err;
	}
	return 0;
}

/* ---- the -c child ---- */

/* The limits rt_open() raised for spry, as they were: the child restores
 * them. */
static struct rlimit rt_saved_memlock, rt_saved_nofile;
static bool rt_limits_saved;

static int rt_child_start(struct runtime *rt)
{
	struct child_env env = {
		.memlock = rt_limits_saved ? &rt_saved_memlock : NULL,
		.nofile = rt_limits_saved ? &rt_saved_nofile : NULL,
		.ignored = &rt_sig_ignored,
	};
	int err;

	/* one that cannot start is an error before anything is made */
	err = child_check(rt->opts.command,
			  host_or_default(rt->s->host)->path, rt->d);
	if (err)
		return err;
	err = child_start(&rt->cmd, rt->opts.command, &env, rt->d);
	rt->child = rt->cmd.command;
	return err;
}

/* -c probes (probe.child_only) run only in the command's pid namespace:
 * tell them which through s->child_map.  The kernel compares the dev a
 * program passes with the nsfs superblock's dev_t, MKDEV's encoding
 * (major << 20 | minor), not stat()'s.  Namespace inode numbers are reused
 * as soon as a namespace dies, and the command's dies with it while the
 * probes are still attached: holding the namespace open keeps the number
 * ours until rt_close.  Without a namespace of its own (the clone fell
 * back to fork), ino stays 0 and the probes fire for everyone: say so. */
static int rt_child_ns(struct runtime *rt)
{
	const struct map *m = rt->s->child_map;
	struct stat self, child;
	uint64_t val[2] = { 0, 0 };
	uint32_t key = 0;
	char path[64];
	int err;

	if (!m || rt_map_fd(rt, m) < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)rt->cmd.pid);
	if (rt->cmd.pid > 0)
		rt->child_ns = open(path, O_RDONLY | O_CLOEXEC);
	if (rt->child_ns >= 0 && !fstat(rt->child_ns, &child) &&
	    !stat("/proc/self/ns/pid", &self) && child.st_ino != self.st_ino) {
		val[0] = (uint64_t)major(child.st_dev) << 20 |
			 minor(child.st_dev);
		val[1] = child.st_ino;
	} else {
		diag_warn(rt->d, NULL, "the command has no pid namespace of "
			  "its own (spry needs CAP_SYS_ADMIN for one): probes "
			  "meant for it fire in every process");
	}
	err = kbpf_map_update(rt_map_fd(rt, m), &key, val, BPF_ANY);
	if (err)
		diag_error(rt->d, NULL, "cannot set up the -c filter: %s",
			   strerror(-err));
	return err;
}

/* The run's facts programs read from s->start_map: the boot-time clock's
 * reading now, which elapsed subtracts from bpf_ktime_get_boot_ns() (the
 * same clock), and the -c command's pid (cpid; 0 without one). */
static int rt_start_time(struct runtime *rt)
{
	const struct map *m = rt->s->start_map;
	struct timespec ts;
	uint32_t key = 0;
	uint64_t val[2];
	int err;

	if (!m || rt_map_fd(rt, m) < 0)
		return 0;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	val[0] = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	val[1] = rt->child > 0 ? (uint64_t)rt->child : 0;
	err = kbpf_map_update(rt_map_fd(rt, m), &key, val, BPF_ANY);
	if (err)
		diag_error(rt->d, NULL, "cannot set up elapsed and cpid: %s",
			   strerror(-err));
	return err;
}

/* ---- output ---- */

static const char *rt_sig_name(int sig)
{
	switch (sig) {
	case SIGINT:
		return "SIGINT";
	case SIGTERM:
		return "SIGTERM";
	case SIGHUP:
		return "SIGHUP";
	}
	return "signal";
}

/* After a second stop signal: give up on the output (a reader that stalls
 * would block every write), discarding what stdio still holds for it.  True
 * once abandoned. */
static bool rt_abandoned(struct runtime *rt)
{
	if (!rt_sig_abort)
		return false;
	if (!rt->abandoned) {
		rt->abandoned = rt_sig_abort;
		if (rt->out && rt->out->f) {
			__fpurge(rt->out->f);
			rt->out->f = NULL;
		}
		diag_info(rt->d, "%s after %s: stopping at once; output not "
			  "yet written is lost", rt_sig_name(rt_sig_abort),
			  rt_sig_name(rt_sig_stop));
	}
	return true;
}

/* Flush the trace; false (reported once) when it could not be written: the
 * reader is gone (EPIPE), the disk is full, stdout was closed. */
static bool rt_written(struct runtime *rt)
{
	int err;

	if (rt_abandoned(rt))
		return false;
	err = out_flush(rt->out);
	if (!err)
		return true;
	/* interrupted by the second signal: not a write error */
	if (rt_abandoned(rt))
		return false;
	if (!rt->write_failed)
		diag_error(rt->d, NULL, "cannot write the trace: %s",
			   strerror(-err));
	rt->write_failed = true;
	return false;
}

/* ---- events ---- */

/* All of @f, into a malloc'd buffer; NULL with errno on failure. */
static char *rt_slurp(FILE *f, size_t *n)
{
	size_t cap = 4096, len = 0, r;
	char *buf = malloc(cap), *nb;

	while (buf && (r = fread(buf + len, 1, cap - len, f)) > 0) {
		len += r;
		if (len < cap)
			continue;
		nb = realloc(buf, cap * 2);
		if (!nb) {
			free(buf);
			return NULL;
		}
		buf = nb;
		cap *= 2;
	}
	if (buf && ferror(f)) {
		free(buf);
		return NULL;
	}
	*n = len;
	return buf;
}

/* cat(): the file the format names, printed as it is.  system(): the
 * command through /bin/sh, its output printed (what was printed before
 * is flushed first, so the two keep their order); a command that fails
 * is reported, as bpftrace does, and tracing goes on. */
static void rt_cat_system(struct runtime *rt, const struct event *ev,
			  const void *data, size_t size)
{
	char *what = out_event_text(rt->out, ev, data, size), *text = NULL;
	bool cat = ev->kind == EV_CAT;
	size_t n = 0;
	FILE *f;
	int st;

	out_flush(rt->out);
	f = cat ? fopen(what, "re") : popen(what, "r");
	if (f)
		text = rt_slurp(f, &n);
	if (!f || !text)
		diag_warn(rt->d, &ev->loc, "%s: cannot %s '%s': %s",
			  cat ? "cat()" : "system()", cat ? "read" : "run",
			  what, strerror(errno));
	if (text)
		out_raw(rt->out, cat ? "cat" : "syscall", text, n);
	if (f && cat) {
		fclose(f);
	} else if (f) {
		st = pclose(f);
		if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st))
			diag_warn(rt->d, &ev->loc, "system(): '%s' %s %d",
				  what, st != -1 && WIFSIGNALED(st) ?
				  "was killed by signal" : "exited with",
				  st == -1 ? -1 : WIFSIGNALED(st) ?
				  WTERMSIG(st) : WEXITSTATUS(st));
	}
	free(text);
	free(what);
}

/* -k, -kk: a helper call failed.  bpftrace's words at the call's place,
 * or its helper_error record in JSON. */
static void rt_helper_error(struct runtime *rt, const struct event *ev,
			    const void *rec)
{
	int64_t ret;

	memcpy(&ret, (const uint8_t *)rec + ev->args[0].off, 8);
	if (rt->out->format == OUT_JSON)
		out_helper_error(rt->out, ev->helper, ret, ev->loc.line,
				 ev->loc.col);
	else if (ret < 0 && ret >= -4095)
		diag_warn(rt->d, &ev->loc, "Failed to %s: %s (%" PRId64 ")",
			  ev->helper, strerror((int)-ret), ret);
	else
		diag_warn(rt->d, &ev->loc, "Failed to %s: %" PRId64,
			  ev->helper, ret);
}

static void rt_record(struct runtime *rt, const void *data, size_t size)
{
	const struct script *s = rt->s;
	const struct event *ev;
	uint64_t id;

	if (size < 8)
		return;
	memcpy(&id, data, 8);
	id = event_word_id(id);
	if (id >= s->nevents || !s->events[id]) {
		diag_warn(rt->d, NULL, "unknown event %" PRIu64 " (record of "
			  "%zu bytes)", id, size);
		return;
	}
	ev = s->events[id];
	if (size < ev->size) {
		diag_warn(rt->d, NULL, "short record for event %" PRIu64
			  " (%zu of %u bytes)", id, size, ev->size);
		return;
	}
	/* a provider's own request (a watchpoint to set, a stopped process
	 * to continue) is served whatever the state of the trace */
	if (ev->kind == EV_PROVIDER) {
		for (unsigned i = 0; i < rt->nprobes; i++) {
			struct rt_probe *rp = &rt->probes[i];

			if (rp->p == ev->probe && rp->p->prov->event)
				rp->p->prov->event(rp, data, size, rt->d);
		}
		return;
	}
	/* After exit() the trace is over: what other probes sent later is
	 * dropped, as ply and bpftrace do, until END runs. */
	if (rt->muted)
		return;
	if (ev->kind != EV_EXIT && ev->kind != EV_CLEAR && rt_abandoned(rt))
		return;
	/* Stopped: the attached probes fire on until they are detached in
	 * the background (rt_close); only BEGIN's and END's records count. */
	if (rt->stopped && ev->by_probe)
		return;
	if (ev->by_cpu && (ev->kind == EV_PRINTMAP || ev->kind == EV_CAT ||
			   ev->kind == EV_SYSTEM))
		out_line_end(rt->out, data);
	switch (ev->kind) {
	case EV_PRINTF:
	case EV_PRINT:
	case EV_TIME:
	case EV_JOIN:
		out_event(rt->out, ev, data, size);
		break;
	case EV_CAT:
	case EV_SYSTEM:
		rt_cat_system(rt, ev, data, size);
		break;
	case EV_PRINTMAP:
		if (ev->map)
			rt_map_print(rt, ev->map, ev->top, ev->div);
		break;
	case EV_CLEAR:
	case EV_ZERO:
		if (ev->map)
			rt_map_clear(rt, ev->map, ev->kind == EV_ZERO);
		break;
	case EV_EXIT:
		/* the first exit() decides the status */
		rt->muted = true;
		if (!rt->exiting) {
			int64_t code = 0;

			if (ev->nargs && ev->args[0].off + 8 <= size)
				memcpy(&code, (const uint8_t *)data +
				       ev->args[0].off, 8);
			rt->exiting = true;
			/* a status is a byte: exit(256) would exit 0 (sema
			 * refuses constants out of range) */
			if (code < 0 || code > 255) {
				diag_error(rt->d, NULL, "exit(%" PRId64 "): an "
					   "exit status is 0 to 255", code);
				rt->exit_code = 1;
			} else {
				rt->exit_code = (int)code;
			}
		}
		break;
	case EV_HELPER_ERROR:
		rt_helper_error(rt, ev, data);
		break;
	case EV_PROVIDER:
		break;
	}
}

static void rt_on_record(void *ctx, const void *data, size_t size)
{
	rt_record(ctx, data, size);
}

static void rt_on_perf_lost(void *ctx, uint64_t cnt)
{
	struct runtime *rt = ctx;

	/* counted with the lost map's total in rt_lost_check() */
	rt->lost_perf += cnt;
}

static int rt_consumer_open(struct runtime *rt)
{
	const struct map *m = rt->s->events_map;
	int err;

	if (!m)
		return 0;
	if (m->bpf_type == BPF_MAP_TYPE_PERF_EVENT_ARRAY)
		rt->buf = kbpf_perf_new(rt_map_fd(rt, m), RT_PERF_PAGES,
					rt_on_record, rt_on_perf_lost, rt);
	else
		rt->buf = kbpf_ring_new(rt_map_fd(rt, m), rt_on_record, rt);
	err = rt->buf ? 0 : -errno;
	if (err)
		diag_error(rt->d, NULL, "cannot read the event buffer: %s",
			   strerror(-err));
	return err;
}

static void rt_drain(struct runtime *rt)
{
	if (rt->buf)
		kbpf_buf_consume(rt->buf);
}

/* One epoll set over the event buffer's own epoll fd and the self-pipe, so
 * that events and signals both end the wait. */
struct rt_wait {
	int epfd;
	int pipe[2];
};

static int rt_wait_open(struct runtime *rt, struct rt_wait *w)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int buf_fd = rt->buf ? kbpf_buf_fd(rt->buf) : -1;

	w->pipe[0] = w->pipe[1] = -1;
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->epfd < 0 || pipe2(w->pipe, O_NONBLOCK | O_CLOEXEC))
		return -errno;
	ev.data.fd = w->pipe[0];
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->pipe[0], &ev))
		return -errno;
	ev.data.fd = buf_fd;
	if (buf_fd >= 0 && epoll_ctl(w->epfd, EPOLL_CTL_ADD, buf_fd, &ev))
		return -errno;
	rt_wake_fd = w->pipe[1];
	return 0;
}

static void rt_wait_close(struct rt_wait *w)
{
	rt_wake_fd = -1;
	if (w->epfd >= 0)
		close(w->epfd);
	if (w->pipe[0] >= 0)
		close(w->pipe[0]);
	if (w->pipe[1] >= 0)
		close(w->pipe[1]);
}

/* Wait up to @ms for events or a signal; consume what arrived. */
static int rt_poll(struct runtime *rt, struct rt_wait *w, int ms)
{
	struct epoll_event ev[2];
	char sink[64];
	int n, i;

	n = epoll_wait(w->epfd, ev, 2, ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n; i++) {
		if (ev[i].data.fd == w->pipe[0])
			while (read(w->pipe[0], sink, sizeof(sink)) > 0)
				;
		else
			rt_drain(rt);
	}
	return 0;
}

/* Report new losses; true when that must stop the trace.  With -K a flood
 * keeps losing events for as long as it lasts: report at most once a second,
 * with everything lost since the last report. */
static bool rt_lost_check(struct runtime *rt)
{
	unsigned long long now = rt_lost_read(rt) + rt->lost_perf;
	struct timespec ts;

	/* what the stopped probes fail to send is no loss of the trace's */
	if (rt->stopped && now > rt->lost_at_stop)
		now = rt->lost_at_stop;

	if (now <= rt->lost)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (rt->opts.keep_going && rt->lost_warned &&
	    ts.tv_sec < rt->lost_warned + 1)
		return false;
	rt->lost_warned = ts.tv_sec;
	diag_info(rt->d, "%llu event%s lost%s", now - rt->lost,
		  now - rt->lost == 1 ? "" : "s",
		  rt->opts.keep_going ? "" :
		  " (stopping; --keep-going goes on, -b enlarges the buffer)");
	out_lost(rt->out, now - rt->lost);
	rt->lost = now;
	return !rt->opts.keep_going;
}

/* ---- the API ---- */

/* What bpftrace's "Attaching N probes..." counts: every probe, BEGIN and
 * END included, a multi-attach probe once per function. */
static unsigned rt_count_probes(const struct script *s)
{
	const struct probe *p;
	unsigned n = 0;

	for (p = s->probes; p; p = p->next)
		n += p->ntargets > 1 ? p->ntargets : 1;
	return n;
}

int rt_open(struct runtime *rt, struct script *s, const struct rt_opts *opts,
	    struct diag *d)
{
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	struct probe *p;
	unsigned i;
	int err;

	memset(rt, 0, sizeof(*rt));
	rt->s = s;
	rt->d = d;
	rt->opts = *opts;
	rt->cmd.gate = rt->cmd.report = -1;
	rt->child_ns = -1;
	rt->opened = true;
	rt_signals();
	/* the handles of this run, beside the compiled script */
	for (p = s->probes; p; p = p->next)
		rt->nprobes++;
	rt->probes = calloc(rt->nprobes + 1, sizeof(*rt->probes));
	rt->nmap_fd = s->nmaps;
	rt->map_fd = calloc(s->nmaps + 1, sizeof(*rt->map_fd));
	if (!rt->probes || !rt->map_fd) {
		diag_error(d, NULL, "cannot run: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	for (i = 0; i < s->nmaps; i++)
		rt->map_fd[i] = -1;
	for (p = s->probes, i = 0; p; p = p->next, i++) {
		rt->probes[i].p = p;
		rt->probes[i].prog_fd = -1;
		rt->probes[i].host = s->host;
		rt->probes[i].map_fd = rt->map_fd;
		/* -p, for the providers that filter when they attach */
		if (p->prov && p->prov->pid_filter == PROV_PID_ATTACH)
			rt->probes[i].pid = opts->pid > 0 ? opts->pid :
					    s->opts.target_pid;
	}
	if (s->opts.max_probes && rt_count_probes(s) > s->opts.max_probes) {
		diag_error(d, NULL, "%u probes exceed the limit of %u "
			   "(BPFTRACE_MAX_PROBES raises it)",
			   rt_count_probes(s), s->opts.max_probes);
		return -E2BIG;
	}

	rt->ncpus = kbpf_possible_cpus();
	if (rt->ncpus <= 0) {
		diag_error(d, NULL, "cannot count the possible CPUs: %s",
			   strerror(rt->ncpus ? -rt->ncpus : EINVAL));
		return rt->ncpus ? rt->ncpus : -EINVAL;
	}
	rt->out = calloc(1, sizeof(*rt->out));
	if (!rt->out)
		return -ENOMEM;
	out_init(rt->out, opts->out ? opts->out : stdout, opts->format,
		 opts->unbuffered);
	rt->out->stack_read = rt_stack_read;
	rt->out->ksym = rt_ksym;	/* kallsyms, read on first use */
	rt->out->usym = usym_out_hook;	/* ELF symbols, per object */
	rt->out->uobj = usym_obj_hook;
	rt->out->hook_ctx = rt;
	rt->out->d = d;

	/* kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK */
	getrlimit(RLIMIT_MEMLOCK, &rt_saved_memlock);
	setrlimit(RLIMIT_MEMLOCK, &unlimited);
	/* every probe holds a program and its links or perf events (one a
	 * CPU for profile): `t:syscalls/sys_e*` needs 1400 fds, past the
	 * usual soft limit of 1024; the hard limit is ours to take */
	if (!getrlimit(RLIMIT_NOFILE, &rt_saved_nofile)) {
		struct rlimit nofile = rt_saved_nofile;

		nofile.rlim_cur = nofile.rlim_max;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
	rt_limits_saved = true;

	if (opts->command) {
		err = rt_child_start(rt);
		if (err)
			return err;
	}

	for (i = 0; i < s->nmaps; i++) {
		err = rt_map_create(rt, s->maps[i]);
		if (err)
			return err;
	}
	err = rt_child_ns(rt);
	if (!err)
		err = rt_start_time(rt);
	if (err)
		return err;

	/* load every probe, so that one run reports every rejection; but
	 * what the environment refuses (permission, bpf(2) itself, file
	 * descriptors) it refuses every probe alike: once is enough */
	err = 0;
	for (i = 0; i < rt->nprobes; i++) {
		int e = rt_prog_load(rt, &rt->probes[i]);

		if (e && !err)
			err = -EINVAL;
		if (e && rt_bpf_hint(e))
			break;
	}
	if (err || opts->load_only)
		return err;
	return rt_consumer_open(rt);
}

int rt_attach(struct runtime *rt)
{
	/* progress is reported while attaching only */
	struct provider_progress pg = { 0 };
	unsigned i;
	int err = 0;

	for (i = 0; i < rt->nprobes; i++)
		if (!rt_is_begin_end(rt->probes[i].p))
			pg.total += rt->probes[i].p->ntargets ?
				    rt->probes[i].p->ntargets : 1;
	pg.show = pg.total > PROVIDER_PROGRESS_MIN && isatty(STDERR_FILENO);

	if (!rt->opts.quiet)
		out_attached(rt->out, rt_count_probes(rt->s));
	rt->attaching = true;
	for (i = 0; i < rt->nprobes; i++) {
		struct rt_probe *rp = &rt->probes[i];
		unsigned before = pg.done;

		/* stopped already (attaching thousands of probes takes
		 * seconds): attach no more, rt_run goes on to END */
		if (rt_sig_stop)
			return 0;
		/* the failing probe is detached too: detach is safe on a
		 * partial attach */
		rt->attach_end = i + 1;
		if (rt->opts.verbose)
			diag_info(rt->d, "attaching %s%s%s", rp->p->prov->name,
				  rp->p->target && *rp->p->target ? ":" : "",
				  rp->p->target ? rp->p->target : "");
		if (rt_is_begin_end(rp->p))
			continue;
		rp->child = rt->child;
		rp->progress = &pg;
		err = rp->p->prov->attach(rp, rt->d);
		rp->progress = NULL;
		if (err)
			break;
		/* a provider that reports nothing (one target, per-CPU
		 * events) has attached its targets all the same */
		pg.done = before + (rp->p->ntargets ? rp->p->ntargets : 1);
	}
	provider_progress_end(&pg, !err);
	return err;
}

static void rt_detach(struct runtime *rt)
{
	unsigned i;

	if (!rt->attaching)
		return;
	for (i = 0; i < rt->attach_end; i++) {
		struct rt_probe *rp = &rt->probes[i];

		if (!rt_is_begin_end(rp->p) && rp->p->prov->detach)
			rp->p->prov->detach(rp);
	}
	rt->attaching = false;
}

/* Stop the trace, at once whatever the number of probes: what the probes
 * sent so far is read, and from here on only BEGIN's and END's records
 * count.  Detaching is left to rt_close(), which hands it to a background
 * process: on this kernel closing a perf event's BPF link waits for an RCU
 * tasks-trace grace period (20-60 ms) and closing the event for another
 * (~75 ms), per probe, serialized; the probes fire on until then, with
 * nobody reading what they send. */
static void rt_stop(struct runtime *rt)
{
	rt_drain(rt);
	/* lines the probes began and did not end come before END's output */
	out_lines_flush(rt->out);
	rt->lost_at_stop = rt_lost_read(rt) + rt->lost_perf;
	rt->stopped = true;
}

/* The kernel side of stopping: every probe's stop hook (links close first,
 * which stops their programs), then the detach hooks of those without one.
 * Run by the background detach, or by rt_close() itself when there is
 * none. */
static void rt_stop_probes(struct runtime *rt)
{
	unsigned i;

	if (!rt->attaching)
		return;
	for (i = 0; i < rt->attach_end; i++) {
		struct rt_probe *rp = &rt->probes[i];
		const struct provider *prov = rp->p->prov;

		if (rt_is_begin_end(rp->p))
			continue;
		if (prov->stop)
			prov->stop(rp);
		else if (prov->detach)
			prov->detach(rp);
	}
}

/* ---- probes the runtime runs itself (iter) ---- */

/* The records a run hook hands over, cut where each ends: a piece may end
 * inside a record, whose start waits for the rest. */
struct rt_stream {
	struct runtime *rt;
	const struct probe *p;
	uint8_t *buf;
	size_t len, cap;
};

static bool rt_stream_write(void *ctx, const void *data, size_t n)
{
	struct rt_stream *st = ctx;
	const struct script *s = st->rt->s;
	size_t off = 0;
	uint64_t id;

	if (st->len + n > st->cap) {
		size_t cap = st->cap ? 2 * st->cap : 8192;
		uint8_t *b;

		while (cap < st->len + n)
			cap *= 2;
		b = realloc(st->buf, cap);
		if (!b) {
			diag_error(st->rt->d, &st->p->loc, "cannot read the "
				   "output of %s:%s: %s", st->p->prov->name,
				   st->p->target, strerror(ENOMEM));
			return true;
		}
		st->buf = b;
		st->cap = cap;
	}
	memcpy(st->buf + st->len, data, n);
	st->len += n;
	while (st->len - off >= 8) {
		memcpy(&id, st->buf + off, 8);
		id = event_word_id(id);
		if (id >= s->nevents || !s->events[id]) {
			/* nothing after it can be cut: stop */
			diag_warn(st->rt->d, &st->p->loc, "unknown event %"
				  PRIu64 " in the output of %s:%s", id,
				  st->p->prov->name, st->p->target);
			st->len = 0;
			return true;
		}
		if (st->len - off < s->events[id]->size)
			break;
		rt_record(st->rt, st->buf + off, s->events[id]->size);
		off += s->events[id]->size;
	}
	memmove(st->buf, st->buf + off, st->len - off);
	st->len -= off;
	return st->rt->exiting || rt_sig_stop;
}

/* After BEGIN: the probes whose provider runs them (iterators), in script
 * order, each to its end.  Whether there was any. */
static bool rt_run_once(struct runtime *rt, int *status)
{
	bool any = false;
	unsigned i;

	for (i = 0; i < rt->nprobes; i++) {
		struct rt_probe *rp = &rt->probes[i];
		struct rt_stream st = { .rt = rt, .p = rp->p };
		const struct provider_output o = { rt_stream_write, &st };

		if (!rp->p->prov || !rp->p->prov->run)
			continue;
		any = true;
		if (rt->exiting || rt_sig_stop || *status)
			continue;
		if (rp->p->prov->run(rp, &o, rt->d))
			*status = 1;
		else if (st.len)
			diag_warn(rt->d, &rp->p->loc, "%s:%s: the output ends "
				  "inside a record (%zu bytes)",
				  rp->p->prov->name, rp->p->target, st.len);
		free(st.buf);
		out_flush(rt->out);
	}
	return any;
}

/* Whether the trace goes on after BEGIN and the probes run once: a -c
 * command to follow, or a probe that fires on events. */
static bool rt_waits(const struct runtime *rt)
{
	unsigned i;

	if (rt->child)
		return true;
	for (i = 0; i < rt->nprobes; i++)
		if (!rt_is_begin_end(rt->probes[i].p) &&
		    !rt->probes[i].p->prov->run)
			return true;
	return false;
}

/* The probes whose provider runs @when (BEGIN, END), in script order. */
static void rt_run_special(struct runtime *rt, enum provider_when when,
			   int *status)
{
	unsigned i;

	for (i = 0; i < rt->nprobes; i++)
		if (rt->probes[i].p->prov &&
		    rt->probes[i].p->prov->when == when &&
		    rt_prog_run(rt, &rt->probes[i]))
			*status = 1;
	rt_drain(rt);
}

/* The exit status, once tracing has ended: a second stop signal first
 * (128 + it, as a shell says of a process it killed), then spry's own
 * errors (1) and lost events (2), then whatever ended the trace: exit(n)
 * its n, the -c command its status (128 + the signal that killed it), a
 * stop signal 0. */
static int rt_status(const struct runtime *rt, int status)
{
	if (rt->abandoned)
		return 128 + rt_sig_abort;
	if (status)
		return status;
	if (rt->exiting)
		return rt->exit_code;
	if (rt->by_command)
		return child_exit_code(rt->cmd.status);
	return 0;
}

static int rt_map_name_cmp(const void *a, const void *b)
{
	const struct map *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/* The maps at exit, as bpftrace prints them: two newlines (on stdout only:
 * bpftrace's -o file has none), then every @-map in name order. */
static void rt_print_maps(struct runtime *rt)
{
	const struct map **v = calloc(rt->s->nmaps + 1, sizeof(*v));
	unsigned i, n = 0;

	if (!v)
		return;
	for (i = 0; i < rt->s->nmaps; i++) {
		const struct map *m = rt->s->maps[i];

		if (m->printed && m->kind < MAP_EVENTS)
			v[n++] = m;
	}
	qsort(v, n, sizeof(*v), rt_map_name_cmp);
	if (!rt->opts.out_is_file)
		out_maps_start(rt->out);
	for (i = 0; i < n && !rt_abandoned(rt); i++)
		rt_map_print(rt, v[i], 0, 0);
	free(v);
}

/* Plain maps are never printed, but fill up as @-maps do and then drop
 * the updates of new keys as silently: the same warning at exit. */
static void rt_plain_maps_check(struct runtime *rt)
{
	unsigned i;

	for (i = 0; i < rt->s->nmaps; i++) {
		const struct map *m = rt->s->maps[i];
		int fd = rt_map_fd(rt, m), err;
		uint8_t *cur, *next;
		unsigned long n = 0;

		if (m->printed || m->kind >= MAP_EVENTS || fd < 0 ||
		    rt_map_array(m->bpf_type))
			continue;
		cur = calloc(2, m->key_size + 8);
		if (!cur)
			return;
		next = cur + m->key_size + 8;
		for (err = kbpf_map_next_key(fd, NULL, next);
		     !err && n < m->max_entries;
		     err = kbpf_map_next_key(fd, cur, next)) {
			memcpy(cur, next, m->key_size);
			n++;
		}
		free(cur);
		if (n >= m->max_entries)
			rt_map_full(rt, m);
	}
}

int rt_run(struct runtime *rt)
{
	struct rt_wait w;
	int status = 0, begin = 0, n, err;
	bool done;

	rt_signals();
	n = rt_wait_open(rt, &w);
	if (n) {
		diag_error(rt->d, NULL, "cannot wait for events: %s",
			   strerror(-n));
		rt_wait_close(&w);
		return 1;
	}

	rt_run_special(rt, PROV_AT_BEGIN, &begin);
	/* BEGIN's records go out before any probe's: per-CPU perf buffers
	 * keep no order across CPUs */
	rt_drain(rt);
	status = begin;
	/* iterators: once, before the command starts; a script of them
	 * alone is done then */
	done = rt_run_once(rt, &status) && !rt_waits(rt);
	/* what is printed so far goes out before the command writes to the
	 * same stdout */
	out_flush(rt->out);
	if (!rt->exiting && !status && !rt_sig_stop)
		child_release(&rt->cmd);

	while (!done && !rt->exiting && !status && !rt_sig_stop) {
		/* the reader is gone or the disk is full: tracing on would
		 * only lose everything */
		if (!rt_written(rt)) {
			status = 1;
			break;
		}
		n = rt_poll(rt, &w, RT_POLL_MS);
		if (n < 0) {
			diag_error(rt->d, NULL, "reading events: %s",
				   strerror(-n));
			status = 1;
			break;
		}
		if (rt_sig_stop)
			break;
		if (rt_lost_check(rt)) {
			status = 2;
			break;
		}
		/* checked every round, not only on SIGCHLD: cheap, and
		 * robust against a child reaped elsewhere */
		rt_sig_child = 0;
		if (rt->cmd.pid && child_done(&rt->cmd)) {
			rt->by_command = true;
			break;
		}
		/* -p: once the process is gone nothing more can come */
		if (rt->opts.pid && kill(rt->opts.pid, 0) && errno == ESRCH)
			break;
	}

	/* stop the trace first: END and the maps then come last.
	 * END runs however tracing stopped (a write that failed included:
	 * what it sends may go elsewhere than the trace), unless BEGIN
	 * could not run at all. */
	rt_stop(rt);
	rt_drain(rt);
	rt->muted = false;
	if (!begin)
		rt_run_special(rt, PROV_AT_END, &status);
	rt->lost_warned = 0;	/* the last report is never held back */
	if (rt_lost_check(rt) && !status)
		status = 2;

	out_exit(rt->out);
	rt_print_maps(rt);
	rt_plain_maps_check(rt);
	/* the pictures (folded lines, the SVG) are written now, whole;
	 * nothing more once the output is abandoned */
	if (!rt_abandoned(rt)) {
		err = out_finish(rt->out);
		if (err && !rt->write_failed)
			diag_error(rt->d, NULL, "cannot write the output: %s",
				   strerror(-err));
		if (err) {
			rt->write_failed = true;
			status = status ? status : 1;
		}
	}
	if (!rt_written(rt) && !status)
		status = 1;
	if (rt->lost)
		diag_info(rt->d, "%llu events lost in total", rt->lost);
	rt_wait_close(&w);
	return rt_status(rt, status);
}

/* ---- detaching in the background ----
 *
 * Closing what the probes hold costs the kernel RCU grace periods: a perf
 * event's BPF link 20-60 ms (synchronize_rcu_tasks_trace), the event
 * itself ~75 ms, per probe and serialized.  The user must not wait for
 * that: once the output is written, a child of spry holds every fd, spry
 * exits, and the child does the closing.  It is a process of its own
 * session, named spry-detach, with no terminal and no stdio (a pipe
 * reading spry's output sees EOF when spry exits), and it dies with
 * nothing left: whatever it has not closed when it ends, killed or not,
 * the kernel closes.
 *
 * It first holds everything for RT_BRIDGE_MS.  A tracepoint whose last
 * probe goes away leaves the kernel a grace period to wait out, which the
 * next attach to any tracepoint pays (tracepoint.c: the 1 -> 0 -> 1
 * transition): 4 to 20 ms here.  A spry started right after this one finds
 * its tracepoints still in use and attaches at once; the one that comes
 * last pays nothing either, since the wait is over long before anyone
 * attaches again. */
#define RT_BRIDGE_MS	50

/* Close every fd but the kernel objects the probes hold (BPF programs,
 * maps, links, perf events) and 0-2: whatever spry inherited (a pipe its
 * parent waits to see closed) must close when spry exits. */
static void rt_close_others(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;
	char path[64], target[64];
	ssize_t n;
	int fd;

	if (!dir)
		return;
	while ((e = readdir(dir))) {
		fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd <= 2 || fd == dirfd(dir))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (strncmp(target, "anon_inode:bpf", 14) &&
		    strcmp(target, "anon_inode:[perf_event]"))
			close(fd);
	}
	closedir(dir);
}

static void rt_detach_helper(struct runtime *rt)
{
	static const int quiet[] = { SIGINT, SIGQUIT, SIGHUP, SIGPIPE, SIGCHLD };
	struct timespec until;
	unsigned i;
	int fd;

	setsid();
	prctl(PR_SET_NAME, "spry-detach");
	for (i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++)
		signal(quiet[i], SIG_IGN);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (i = 0; fd >= 0 && i < 3; i++)
		dup2(fd, (int)i);
	if (fd > 2)
		close(fd);
	rt_close_others();
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += RT_BRIDGE_MS * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) ==
	       EINTR)
		;
	rt_stop_probes(rt);
	rt_detach(rt);
	_exit(0);
}

/* Fork the background detach; false when there is nothing to detach or no
 * process to do it (then the caller detaches, slowly). */
static bool rt_detach_later(struct runtime *rt)
{
	unsigned i;
	pid_t pid;

	if (!rt->attaching)
		return false;
	/* BEGIN/END alone, or nothing attached yet: nothing to wait for */
	for (i = 0; i < rt->attach_end; i++)
		if (!rt_is_begin_end(rt->probes[i].p) && rt->probes[i].attach)
			break;
	if (i == rt->attach_end)
		return false;
	/* nothing of spry's output may sit in a buffer the child shares */
	if (rt->out)
		out_flush(rt->out);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return false;
	if (!pid)
		rt_detach_helper(rt);
	return true;
}

void rt_close(struct runtime *rt)
{
	struct script *s = rt->s;
	unsigned i;

	if (!rt->opened || !s)
		return;
	child_kill(&rt->cmd);
	/* the background process holds every fd now: closing ours is fast */
	if (!rt_detach_later(rt))
		rt_stop_probes(rt);
	rt_detach(rt);
	if (rt->child_ns >= 0) {
		close(rt->child_ns);
		rt->child_ns = -1;
	}
	kbpf_buf_free(rt->buf);
	rt->buf = NULL;
	for (i = 0; rt->probes && i < rt->nprobes; i++) {
		if (rt->probes[i].prog_fd >= 0)
			close(rt->probes[i].prog_fd);
		free(rt->probes[i].insns);
	}
	free(rt->probes);
	rt->probes = NULL;
	for (i = 0; rt->map_fd && i < rt->nmap_fd; i++)
		if (rt->map_fd[i] >= 0)
			close(rt->map_fd[i]);
	free(rt->map_fd);
	rt->map_fd = NULL;
	if (rt->out) {
		out_flush(rt->out);
		out_free(rt->out);
		free(rt->out);
		rt->out = NULL;
	}
	rt->opened = false;
}

/* The effective capabilities, a bit each; all set when the kernel will not
 * say (the first call that needs one then says what is wrong). */
static unsigned long long rt_caps(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct caps[_LINUX_CAPABILITY_U32S_3];

	memset(caps, 0, sizeof(caps));
	if (syscall(SYS_capget, &hdr, caps))
		return ~0ull;
	return caps[0].effective | (unsigned long long)caps[1].effective << 32;
}

/* ---- -T ---- */

static int rt_try_map(enum bpf_map_type type, unsigned key, unsigned val,
		      unsigned max)
{
	int fd = kbpf_map_create(type, "spry_test", key, val, max, 0);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static int rt_try_path(const char *path)
{
	return access(path, F_OK) ? -errno : 0;
}

int rt_selftest(FILE *out, struct diag *d)
{
	/* r0 = 0; exit */
	static const struct bpf_insn prog[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	struct perf_event_attr pa = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(pa),
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.sample_period = 1000000,
		.disabled = 1,
	};
	const struct provider *const *pp;
	int bpf_err, prog_err, rb_err, pe_err, fd, prov_err = 0, status = 0;

	setrlimit(RLIMIT_MEMLOCK, &unlimited);
	fprintf(out, "spry self-test:\n");

	bpf_err = rt_try_map(BPF_MAP_TYPE_ARRAY, 4, 8, 1);
	provider_check(out, "bpf(2) syscall, array map", bpf_err,
		 bpf_err == -EPERM ? "run as root" : NULL);
	provider_check(out, "hash map", rt_try_map(BPF_MAP_TYPE_HASH, 8, 8, 16), NULL);
	provider_check(out, "per-CPU hash and array maps",
		 rt_try_map(BPF_MAP_TYPE_PERCPU_HASH, 8, 8, 16) ?:
		 rt_try_map(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1), NULL);
	rb_err = rt_try_map(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096);
	provider_check(out, "ring buffer map (5.8+)", rb_err,
		 "events fall back to a perf buffer");
	provider_check(out, "perf event array map",
		 rt_try_map(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 1), NULL);
	provider_check(out, "stack trace map",
		 rt_try_map(BPF_MAP_TYPE_STACK_TRACE, 4, 127 * 8, 16), NULL);

	fd = kbpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "spry_test", prog, 2,
			    0, NULL, 0);
	prog_err = fd < 0 ? fd : 0;
	if (fd >= 0) {
		uint64_t args[12] = { 0 };

		provider_check(out, "program load (raw tracepoint)", 0, NULL);
		provider_check(out, "test run (BEGIN/END)",
			 kbpf_prog_test_run(fd, args, sizeof(args)), NULL);
		close(fd);
	} else {
		provider_check(out, "program load (raw tracepoint)", prog_err, NULL);
	}

	/* what each provider needs (tracefs, the kprobe and uprobe PMUs) */
	for (pp = providers; *pp; pp++)
		if ((*pp)->self_test && (*pp)->self_test(out) && !prov_err)
			prov_err = -ENOTSUP;
	fd = (int)syscall(__NR_perf_event_open, &pa, -1, 0, -1,
			  PERF_FLAG_FD_CLOEXEC);
	pe_err = fd < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
	provider_check(out, "perf events (cpu-clock)", pe_err, NULL);
	provider_check(out, "kernel BTF", rt_try_path("/sys/kernel/btf/vmlinux"),
		 NULL);

	if (bpf_err || prog_err || prov_err || (rb_err && pe_err))
		status = -ENOTSUP;
	fprintf(out, "%s\n", status ? "spry cannot run here" :
		"spry can run here");
	return status;
}

int rt_check_privilege(struct diag *d)
{
	unsigned long long eff = rt_caps();

	/* CAP_SYS_ADMIN alone is what kernels before 5.8 know */
	if (eff & (1ull << CAP_SYS_ADMIN) ||
	    ((eff & (1ull << RT_CAP_BPF)) && (eff & (1ull << RT_CAP_PERFMON))))
		return 0;
	diag_error(d, NULL, "tracing needs root, or CAP_BPF and CAP_PERFMON "
		   "(--dry-run compiles without them)");
	return -EPERM;
}

bool rt_has_ringbuf(void)
{
	return !rt_try_map(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096);
}
