/* watchpoint.c - watchpoint: and asyncwatchpoint: hardware breakpoints on
 * memory.
 *
 * Input, as watchpoint:/w: and asyncwatchpoint:/aw: targets:
 *   ADDR:LEN:MODE              an address ("0x601040"), LEN 1, 2, 4 or 8
 *                              bytes, MODE letters of r (read), w (write),
 *                              x (execute)
 *   [PATH:]FUNC+argN:LEN:MODE  the address in argument N of FUNC, each
 *                              time FUNC is entered (bpftrace's form); PATH
 *                              defaults to the -p process's or the -c
 *                              command's program
 * Output: a probe of BPF_PROG_TYPE_PERF_EVENT run on perf events of the
 * breakpoint PMU (PERF_TYPE_BREAKPOINT, bp_addr, bp_len, bp_type), whose
 * context is the registers where the access happened.
 *
 * An address is a user address of the -p process (one event per thread)
 * or of the -c command, else a kernel address (one event per CPU).
 *
 * The function form needs a process: a trigger program spry writes itself
 * (a uprobe on FUNC) sends the address and the caller's pid to user space
 * as an EV_PROVIDER record; the event hook opens the breakpoint there.
 * watchpoint: also makes the trigger stop the process (bpf_send_signal
 * SIGSTOP) and continues it once the breakpoint is set, so that no access
 * is missed; asyncwatchpoint: lets it run, and an access right after the
 * call may come before the breakpoint.  An address is watched once;
 * debug registers are few (four on x86_64), and one more than the machine
 * has is a warning, not an error.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>

#include "arch.h"
#include "arena.h"
#include "bpf_insn.h"
#include "kbpf.h"
#include "provider.h"
#include "script.h"
#include "type.h"
#include "usym.h"

#define WP_MAX_IDS	4096	/* CPUs or threads */
#define WP_MAX_WATCHED	64	/* addresses the function form sets */

extern const struct provider asyncwatchpoint_provider;

struct wp_priv {
	bool async;
	unsigned len, bp_type;
	uint64_t addr;			/* ADDR form */
	/* the function form */
	bool func;
	const char *path;		/* the program FUNC is in */
	const char *fname;
	uint64_t off;			/* FUNC's file offset */
	int arg_off;			/* argN in pt_regs */
	const struct event *ev;		/* the trigger's record */
	const struct map *events;	/* ...and where it goes */
	struct pvar regs;
	/* run time (this run's only: spry runs a script once): addresses
	 * set, the process a stopped trigger waits in */
	uint64_t watched[WP_MAX_WATCHED];
	unsigned nwatched;
	pid_t pid;
	bool full;			/* out of breakpoints: warned */
};

/* ---- compile time ---- */

/* "rw", "w", "x"... in "rwx" order, into HW_BREAKPOINT_* bits; the
 * canonical spelling into @canon.  0 if malformed. */
static unsigned wp_mode(const char *s, char canon[4])
{
	unsigned bits = 0, n = 0;

	for (; *s; s++) {
		unsigned b = *s == 'r' ? HW_BREAKPOINT_R :
			     *s == 'w' ? HW_BREAKPOINT_W :
			     *s == 'x' ? HW_BREAKPOINT_X : 0;

		if (!b || (bits & b))
			return 0;
		bits |= b;
	}
	if (bits & HW_BREAKPOINT_R)
		canon[n++] = 'r';
	if (bits & HW_BREAKPOINT_W)
		canon[n++] = 'w';
	if (bits & HW_BREAKPOINT_X)
		canon[n++] = 'x';
	canon[n] = '\0';
	return bits;
}

/* The program the function form's FUNC is in: PATH as written, else the
 * -p process's, else the -c command's first word. */
static int wp_program(struct script *s, struct probe *p, const char *path,
		      char *buf, size_t n, struct diag *d)
{
	char word[PATH_MAX];

	if (path)
		snprintf(word, sizeof(word), "%s", path);
	else if (s->opts.target_pid > 0)
		snprintf(word, sizeof(word), "/proc/%d/exe", s->opts.target_pid);
	else if (s->opts.command_text)
		snprintf(word, sizeof(word), "%.*s",
			 (int)strcspn(s->opts.command_text, " \t"),
			 s->opts.command_text);
	else {
		diag_error(d, &p->loc, "%s on a function argument needs a "
			   "process: -p PID or -c COMMAND", p->prov->name);
		return -EINVAL;
	}
	return provider_resolve_file(s, p, word, buf, n, d);
}

/* [PATH:]FUNC+argN */
static int wp_expand_func(struct script *s, struct probe *p,
			  struct wp_priv *wp, const struct arch *arch,
			  const char *spec, struct diag *d)
{
	const char *plus = strstr(spec, "+arg"), *colon;
	const struct usym_obj *o;
	const struct usym *sym;
	char path[PATH_MAX], *end;
	struct event *ev;
	long argn;
	int err;

	errno = 0;
	argn = plus ? strtol(plus + 4, &end, 10) : -1;
	if (!plus || plus == spec || !isdigit((unsigned char)plus[4]) ||
	    *end || errno || argn < 0 || (unsigned long)argn >= arch->nargs) {
		diag_error(d, &p->loc, "invalid %s target '%s': expected "
			   "ADDRESS:LENGTH:MODE or FUNCTION+argN:LENGTH:MODE "
			   "(N below %u), as in %s:increment+arg1:4:w",
			   p->prov->name, p->target, arch->nargs,
			   p->prov->name);
		return -EINVAL;
	}
	colon = memrchr(spec, ':', (size_t)(plus - spec));
	err = wp_program(s, p, colon ? arena_strndup(s->arena, spec,
						     (size_t)(colon - spec)) :
			 NULL, path, sizeof(path), d);
	if (err)
		return err;
	if (s->opts.target_pid <= 0 && !s->opts.command) {
		diag_error(d, &p->loc, "%s on a function argument needs a "
			   "process: -p PID or -c COMMAND", p->prov->name);
		return -EINVAL;
	}
	wp->fname = arena_strndup(s->arena, colon ? colon + 1 : spec,
				  (size_t)(plus - (colon ? colon + 1 : spec)));
	o = usym_obj_get(path);
	if (!o) {
		diag_error(d, &p->loc, "cannot read the symbols of %s: %s",
			   path, strerror(errno));
		return -ENOENT;
	}
	sym = usym_find(o, wp->fname);
	if (!sym || usym_vaddr_to_offset(o, sym->addr, &wp->off)) {
		diag_error(d, &p->loc, "no function '%s' in %s", wp->fname,
			   path);
		return -ENOENT;
	}
	wp->func = true;
	wp->path = o->path;
	wp->arg_off = arch->arg_off[argn];
	/* the trigger's record: event id, the address, the caller's pid */
	wp->events = script_events_map(s);
	ev = script_event_add(s, EV_PROVIDER, p->loc);
	ev->size = 24;
	ev->probe = p;
	wp->ev = ev;
	return 0;
}

static int wp_expand(struct script *s, struct probe *p, struct diag *d)
{
	const struct arch *arch = s->arch ? s->arch : arch_host();
	const char *mode = strrchr(p->target, ':'), *lenp;
	struct wp_priv *wp;
	char canon[4], *end;
	unsigned long len;

	if (!arch) {
		diag_error(d, &p->loc, "%s needs a known architecture (see "
			   "--arch)", p->prov->name);
		return -EINVAL;
	}
	lenp = mode ? memrchr(p->target, ':', (size_t)(mode - p->target)) :
		      NULL;
	if (!lenp || lenp == p->target) {
		diag_error(d, &p->loc, "invalid %s target '%s': expected "
			   "ADDRESS:LENGTH:MODE or FUNCTION+argN:LENGTH:MODE, "
			   "as in %s:0x10000000:8:w", p->prov->name, p->target,
			   p->prov->name);
		return -EINVAL;
	}
	wp = arena_alloc(s->arena, sizeof(*wp));
	wp->async = p->prov == &asyncwatchpoint_provider;
	errno = 0;
	len = strtoul(lenp + 1, &end, 10);
	if (end != mode || errno || (len != 1 && len != 2 && len != 4 &&
				     len != 8)) {
		diag_error(d, &p->loc, "invalid watchpoint length '%.*s': 1, "
			   "2, 4 or 8 bytes", (int)(mode - lenp - 1), lenp + 1);
		return -EINVAL;
	}
	wp->len = (unsigned)len;
	wp->bp_type = wp_mode(mode + 1, canon);
	if (!wp->bp_type) {
		diag_error(d, &p->loc, "invalid watchpoint mode '%s': letters "
			   "of r (read), w (write), x (execute)", mode + 1);
		return -EINVAL;
	}
	for (const char *const *b = arch->bad_watch_modes; b && *b; b++)
		if (!strcmp(*b, canon)) {
			diag_error(d, &p->loc, "%s cannot watch for '%s': its "
				   "debug registers do not have that mode%s",
				   arch->name, canon, !strcmp(canon, "r") ?
				   " (use rw)" : "");
			return -EINVAL;
		}
	/* an instruction breakpoint covers one long (the kernel's rule) */
	if ((wp->bp_type & HW_BREAKPOINT_X) && len != sizeof(long)) {
		diag_error(d, &p->loc, "an execute watchpoint is %zu bytes "
			   "long, not %lu", sizeof(long), len);
		return -EINVAL;
	}
	provider_regs_init(s, arch, &wp->regs);
	p->priv = wp;
	p->prog_type = BPF_PROG_TYPE_PERF_EVENT;

	if (isdigit((unsigned char)*p->target)) {
		errno = 0;
		wp->addr = strtoull(p->target, &end, 0);
		if (end != lenp || errno || !wp->addr) {
			diag_error(d, &p->loc, "invalid watchpoint address "
				   "'%.*s'", (int)(lenp - p->target),
				   p->target);
			return -EINVAL;
		}
		return 0;
	}
	return wp_expand_func(s, p, wp, arch,
			      arena_strndup(s->arena, p->target,
					    (size_t)(lenp - p->target)), d);
}

static int wp_resolve(struct probe *p, const char *name, struct pvar *pv)
{
	struct wp_priv *wp = p->priv;

	if (!wp)
		return -ENOENT;
	return provider_regs_resolve(&wp->regs, name, pv);
}

/* ---- run time ---- */

/* The process the probes watch: -p, else the -c command; 0: the kernel. */
static pid_t wp_pid(const struct rt_probe *rp)
{
	if (rp->pid > 0)
		return rp->pid;
	return rp->child > 0 ? rp->child : 0;
}

/* A breakpoint on @addr; in a process (@user) on its own accesses only:
 * the kernel's writes into it (exec zeroing .bss, a read(2) filling a
 * buffer) are not what watching a variable means. */
static void wp_attr(const struct wp_priv *wp, uint64_t addr, bool user,
		    struct perf_event_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	attr->type = PERF_TYPE_BREAKPOINT;
	attr->bp_type = wp->bp_type;
	attr->bp_addr = addr;
	attr->bp_len = wp->len;
	attr->sample_period = 1;
	attr->exclude_kernel = user;
}

static const char *wp_strerror(int err)
{
	return err == -ENOSPC ? "all hardware breakpoints are in use" :
	       err == -EINVAL ? "the kernel refused the address or length" :
	       strerror(-err);
}

/* The address form: on each thread of the process, or each CPU. */
static int wp_attach_addr(struct rt_probe *rp, struct diag *d)
{
	const struct probe *p = rp->p;
	const struct wp_priv *wp = p->priv;
	pid_t pid = wp_pid(rp);
	int *ids = calloc(WP_MAX_IDS, sizeof(*ids)), n, err = 0;

	if (!ids)
		return -ENOMEM;
	n = pid ? provider_threads(pid, ids, WP_MAX_IDS) :
		  provider_online_cpus(ids, WP_MAX_IDS);
	if (n < 0)
		err = n;
	for (int i = 0; !err && i < n; i++) {
		struct perf_event_attr attr;

		wp_attr(wp, wp->addr, pid != 0, &attr);
		err = pid ? provider_perf_open(rp, &attr, ids[i], -1, 0) :
			    provider_perf_open(rp, &attr, -1, ids[i], 0);
		if (err == -ESRCH && pid && i)
			err = 0;	/* a thread gone meanwhile */
	}
	free(ids);
	if (err)
		diag_error(d, &p->loc, "cannot attach to %s:%s: %s",
			   p->prov->name, p->target, wp_strerror(err));
	return err;
}

/* The trigger on FUNC: the address in argN and the caller's pid to user
 * space (watchpoint: after stopping the caller; if the record cannot be
 * sent, the caller is continued at once rather than left stopped). */
/* Append instructions (a 16-byte load is two) to insns[n]. */
#define WP_EMIT(...)							\
	do {								\
		const struct bpf_insn x_[] = { __VA_ARGS__ };		\
									\
		memcpy(insns + n, x_, sizeof(x_));			\
		n += sizeof(x_) / sizeof(x_[0]);			\
	} while (0)

static int wp_trigger_load(const struct rt_probe *rp)
{
	const struct wp_priv *wp = rp->p->priv;
	const struct map *m = wp->events;
	int fd = rp->map_fd[m->id];
	struct bpf_insn insns[40];
	unsigned n = 0;

	/* the record at fp-24: event id, address, tgid */
	WP_EMIT(BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		BPF_LDX_MEM(BPF_DW, BPF_REG_7, BPF_REG_6, wp->arg_off),
		BPF_EMIT_CALL(BPF_FUNC_get_current_pid_tgid),
		BPF_ALU64_IMM(BPF_RSH, BPF_REG_0, 32),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, -8),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_7, -16),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -24, (int)wp->ev->id));
	if (!wp->async)
		WP_EMIT(BPF_MOV64_IMM(BPF_REG_1, SIGSTOP),
			BPF_EMIT_CALL(BPF_FUNC_send_signal));
	if (m->bpf_type == BPF_MAP_TYPE_RINGBUF)
		WP_EMIT(BPF_LD_MAP_FD(BPF_REG_1, fd),
			BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
			BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -24),
			BPF_MOV64_IMM(BPF_REG_3, 24),
			BPF_MOV64_IMM(BPF_REG_4, 0),
			BPF_EMIT_CALL(BPF_FUNC_ringbuf_output));
	else
		/* BPF_F_CURRENT_CPU: a 32-bit move zero-extends -1 */
		WP_EMIT(BPF_MOV64_REG(BPF_REG_1, BPF_REG_6),
			BPF_LD_MAP_FD(BPF_REG_2, fd),
			BPF_MOV32_IMM(BPF_REG_3, -1),
			BPF_MOV64_REG(BPF_REG_4, BPF_REG_10),
			BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, -24),
			BPF_MOV64_IMM(BPF_REG_5, 24),
			BPF_EMIT_CALL(BPF_FUNC_perf_event_output));
	if (!wp->async)
		WP_EMIT(BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
			BPF_MOV64_IMM(BPF_REG_1, SIGCONT),
			BPF_EMIT_CALL(BPF_FUNC_send_signal));
	WP_EMIT(BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN());
	return kbpf_prog_load(BPF_PROG_TYPE_KPROBE, "spry_wp_trigger", insns, n,
			      0, NULL, 0);
}

static int wp_attach_func(struct rt_probe *rp, struct diag *d)
{
	const struct probe *p = rp->p;
	struct wp_priv *wp = p->priv;
	char *name = (char *)wp->fname;
	int trigger, prog = rp->prog_fd, err;
	struct provider_uprobes u = {
		.path = wp->path,
		.n = 1,
		.offs = &wp->off,
		.names = &name,
		.what = "functions",
		.pid = wp_pid(rp),
	};

	wp->pid = u.pid;
	trigger = wp_trigger_load(rp);
	if (trigger < 0) {
		diag_error(d, &p->loc, "cannot load the trigger of %s:%s: %s",
			   p->prov->name, p->target, strerror(-trigger));
		return trigger;
	}
	/* the uprobe runs the trigger; the probe's own program goes on
	 * the breakpoints the trigger asks for */
	rp->prog_fd = trigger;
	err = provider_uprobe_attach(rp, &u, d);
	rp->prog_fd = prog;
	close(trigger);		/* the uprobe's link holds it */
	return err;
}

static int wp_attach(struct rt_probe *rp, struct diag *d)
{
	const struct wp_priv *wp = rp->p->priv;

	return wp->func ? wp_attach_func(rp, d) : wp_attach_addr(rp, d);
}

/* A record from the trigger: watch the address in that process, then let
 * it go on. */
static void wp_event(struct rt_probe *rp, const void *rec, size_t len,
		     struct diag *d)
{
	const struct probe *p = rp->p;
	struct wp_priv *wp = p->priv;
	struct perf_event_attr attr;
	uint64_t v[3];
	bool seen = false;
	int err;

	if (len < sizeof(v))
		return;
	memcpy(v, rec, sizeof(v));
	for (unsigned i = 0; i < wp->nwatched && !seen; i++)
		seen = wp->watched[i] == v[1];
	if (!seen && v[1] && !wp->full) {
		wp_attr(wp, v[1], true, &attr);
		err = wp->nwatched == WP_MAX_WATCHED ? -ENOSPC :
		      provider_perf_open(rp, &attr, (pid_t)v[2], -1, 0);
		if (!err) {
			wp->watched[wp->nwatched++] = v[1];
		} else {
			diag_warn(d, &p->loc, "%s:%s: cannot watch %#llx "
				  "in process %llu: %s%s", p->prov->name,
				  p->target, (unsigned long long)v[1],
				  (unsigned long long)v[2], wp_strerror(err),
				  err == -ENOSPC ? "; no more addresses "
				  "will be watched" : "");
			wp->full = err == -ENOSPC;
		}
	}
	if (!wp->async)
		kill((pid_t)v[2], SIGCONT);
}

/* A trigger that stopped its process just before spry stopped reading
 * would leave it stopped: continue it. */
static void wp_detach(struct rt_probe *rp)
{
	const struct wp_priv *wp = rp->p->priv;

	provider_detach(rp);
	if (wp && wp->func && !wp->async && wp->pid > 0)
		kill(wp->pid, SIGCONT);
}

static int wp_self_test(FILE *out)
{
	provider_check(out, "breakpoint PMU",
		       access("/sys/bus/event_source/devices/breakpoint/type",
			      F_OK) ? -errno : 0, "watchpoints unavailable");
	return 0;
}

static const char *const wp_aliases[] = { "w", NULL };
static const char *const awp_aliases[] = { "aw", NULL };

const struct provider watchpoint_provider = {
	.name = "watchpoint",
	.aliases = wp_aliases,
	.takes_target = true,
	.help = "watchpoint:ADDR:LEN:MODE or FUNC+argN:LEN:MODE: a hardware "
		"breakpoint on memory (r, w, x)",
	.example = "0x10000000:8:w",
	.pid_filter = PROV_PID_ATTACH,
	.expand = wp_expand,
	.resolve = wp_resolve,
	.attach = wp_attach,
	.detach = wp_detach,
	.stop = provider_stop,
	.event = wp_event,
	.self_test = wp_self_test,	/* asyncwatchpoint's too */
};

const struct provider asyncwatchpoint_provider = {
	.name = "asyncwatchpoint",
	.aliases = awp_aliases,
	.takes_target = true,
	.help = "asyncwatchpoint: the same, without stopping the process "
		"while the breakpoint is set",
	.example = "increment+arg1:4:w",
	.pid_filter = PROV_PID_ATTACH,
	.expand = wp_expand,
	.resolve = wp_resolve,
	.attach = wp_attach,
	.detach = wp_detach,
	.stop = provider_stop,
	.event = wp_event,
};
