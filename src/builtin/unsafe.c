/* unsafe.c - builtins that change what the traced system does: signal(),
 * override() and system(), allowed only under --unsafe, as bpftrace.
 *
 * Input: signal(SIG) by number or name ("SIGKILL", "KILL"), override(rc)
 * in a kprobe, system(fmt, ...).  Output: their checks (--unsafe first,
 * with a message naming it), IR calling bpf_send_signal() (5.3+: the
 * current task) and bpf_override_return() (a kprobe on a function the
 * kernel allows error injection into; checked when attaching), and for
 * system() an event (EV_SYSTEM) whose command user space formats and runs
 * through /bin/sh when the record arrives, printing what it prints.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "ast.h"
#include "builtin.h"
#include "lower.h"
#include "provider.h"
#include "script.h"
#include "sema.h"
#include "type.h"

/* ---- signal(sig) ---- */

/* "SIGKILL", "KILL", "9": the number, or 0. */
static int signal_number(const char *name)
{
	char *end;
	long v;
	int i;

	if (!strncmp(name, "SIG", 3))
		name += 3;
	v = strtol(name, &end, 10);
	if (end != name && !*end)
		return v > 0 && v < NSIG ? (int)v : 0;
	for (i = 1; i < NSIG; i++) {
		const char *abbrev = sigabbrev_np(i);

		if (abbrev && !strcmp(abbrev, name))
			return i;
	}
	return 0;
}

static const struct type *signal_check(struct sema *S, struct node *n)
{
	struct node *a = n->args;
	const struct provider *prov = sema_probe(S)->prov;
	const struct type *t;
	bool ok = builtin_check_unsafe(S, n);

	if (prov && prov->when != PROV_ON_EVENT) {
		sema_error(S, &n->loc, "signal() would signal spry itself in "
			   "%s probes", prov->name);
		ok = false;
	}
	if (a->kind == N_STR) {
		int sig = sema_literal(S, n, a, "signal") ?
			  signal_number(a->str) : 0;

		if (!sig && strlen(a->str) == a->len)
			sema_error(S, &a->loc, "no signal '%s'", a->str);
		n->cval = sig;
		return ok && sig ? &type_void : sema_bad();
	}
	t = sema_expr(S, a);
	if (sema_is_bad(t))
		return sema_bad();
	if (!type_is_int(t)) {
		sema_error(S, &a->loc, "signal() needs a signal number or "
			   "name, got %s", sema_type_name(S, t));
		return sema_bad();
	}
	if (a->is_const && (a->cval < 1 || a->cval >= NSIG)) {
		sema_error(S, &a->loc, "no signal %lld", (long long)a->cval);
		return sema_bad();
	}
	return ok ? &type_void : sema_bad();
}

/* bpf_send_signal(sig): to the current task's process */
static bool signal_lower(struct lower *L, struct node *call)
{
	struct node *a = call->args;
	struct val v = a->kind == N_STR ? val_imm(call->cval) : lower_int(L, a);

	lower_call(L, BPF_FUNC_send_signal, call->loc,
		   LA_REG(lower_reg(L, v, call->loc)));
	lower_check_ret(L, BPF_FUNC_send_signal, call->loc);
	return true;
}

const struct builtin builtin_signal = {
	.name = "signal",
	.kind = BK_EVENT,
	.min_args = 1,
	.max_args = 1,
	.usage = "signal(sig)",
	.help = "send the current process a signal (--unsafe)",
	.check = signal_check,
	.lower_stmt = signal_lower,
};

/* ---- override(rc) ---- */

extern const struct provider kprobe_provider;

static const struct type *override_check(struct sema *S, struct node *n)
{
	const struct type *t = sema_expr(S, n->args);
	bool ok = builtin_check_unsafe(S, n);

	if (sema_is_bad(t))
		return sema_bad();
	if (!type_is_scalar(t)) {
		sema_error(S, &n->args->loc, "override() needs the value to "
			   "return, an integer, got %s", sema_type_name(S, t));
		return sema_bad();
	}
	return ok ? &type_void : sema_bad();
}

/* bpf_override_return(ctx, rc): the function returns rc at once */
static bool override_lower(struct lower *L, struct node *call)
{
	struct val v = lower_int(L, call->args);

	lower_call(L, BPF_FUNC_override_return, call->loc,
		   LA_REG(lower_ctx(L)),
		   LA_REG(lower_reg(L, v, call->loc)));
	return true;
}

const struct builtin builtin_override = {
	.name = "override",
	.kind = BK_EVENT,
	.min_args = 1,
	.max_args = 1,
	.providers = (const struct provider *const[]){ &kprobe_provider, NULL },
	.usage = "override(rc)",
	.help = "make the kprobed function return rc at once (--unsafe)",
	.check = override_check,
	.lower_stmt = override_lower,
};

/* ---- system(fmt, ...) ---- */

static const struct type *system_check(struct sema *S, struct node *n)
{
	builtin_check_unsafe(S, n);
	return builtin_check_format(S, n);
}

static bool system_lower(struct lower *L, struct node *call)
{
	lower_event(L, call, EV_SYSTEM);
	return true;
}

const struct builtin builtin_system = {
	.name = "system",
	.kind = BK_EVENT,
	.min_args = 1,
	.max_args = -1,
	.usage = "system(fmt, ...)",
	.help = "run a shell command, formatted as printf (--unsafe)",
	.check = system_check,
	.lower_stmt = system_lower,
};
