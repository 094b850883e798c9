/* sym.c - symbols, addresses and names: ksym(), usym(), kaddr(), uaddr(),
 * reg(), cgroupid(), and the probe's name, probe.
 *
 * Input: calls on addresses, string literals naming a symbol, register or
 * path.  Output: their types, which print as names (type.h: F_KSYM_NAME,
 * F_USYM_AT), constants found at compile time (kaddr and uaddr from the
 * symbol tables, cgroupid from the file system, as bpftrace does), and IR
 * for the rest: a register is a load from the saved registers, probe the
 * bytes of its name.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "arch.h"
#include "arena.h"
#include "ast.h"
#include "builtin.h"
#include "host.h"
#include "ksym.h"
#include "lower.h"
#include "provider.h"
#include "script.h"
#include "sema.h"
#include "type.h"
#include "usym.h"

/* An address argument: an integer or a pointer. */
static bool addr_arg(struct sema *S, struct node *n)
{
	struct node *a = n->args;
	const struct type *t = sema_expr(S, a);

	if (sema_is_bad(t))
		return false;
	if (type_is_scalar(t))
		return true;
	sema_error(S, &a->loc, "%s() needs an address, got %s", n->name,
		   sema_type_name(S, t));
	return false;
}

/* ---- ksym(addr) ---- */

static const struct type *ksym_check(struct sema *S, struct node *n)
{
	return addr_arg(S, n) ? &type_ksym_name : sema_bad();
}

/* the address itself: user space names it when it prints */
static struct val addr_lower(struct lower *L, struct node *n)
{
	return lower_int(L, n->args);
}

const struct builtin builtin_ksym = {
	.name = "ksym",
	.kind = BK_FUNC,
	.min_args = 1,
	.max_args = 1,
	.usage = "ksym(addr)",
	.help = "the kernel function holding addr, printed by name",
	.check = ksym_check,
	.lower_int = addr_lower,
};

/* ---- usym(addr) ---- */

static const struct type *usym_check(struct sema *S, struct node *n)
{
	struct type *t;

	if (!addr_arg(S, n))
		return sema_bad();
	t = arena_alloc(sema_arena(S), sizeof(*t));
	*t = *type_array(sema_arena(S), &type_u8, 16);
	t->fmt = F_USYM_AT;
	return t;
}

/* {addr, tgid}: the process names the address when it prints */
static void usym_into(struct lower *L, struct node *n, struct dst d,
		      unsigned w, bool zero)
{
	struct loc l = n->loc;
	struct val v = lower_int(L, n->args);
	int r;

	lower_store8(L, d.base, d.off, v, l);
	ir_call(L->f, BPF_FUNC_get_current_pid_tgid, 0, l);
	r = lower_ret(L, l);
	ir_alui(L->f, BPF_RSH, r, r, 32, l);
	ir_stx(L->f, BPF_DW, d.base, d.off + 8, r, l);
}

const struct builtin builtin_usym = {
	.name = "usym",
	.kind = BK_FUNC,
	.min_args = 1,
	.max_args = 1,
	.usage = "usym(addr)",
	.help = "the user function holding addr, named in its process",
	.check = usym_check,
	.lower_into = usym_into,
};

/* ---- kaddr("sym"), uaddr("sym"): constants ---- */

static const struct type *kaddr_check(struct sema *S, struct node *n)
{
	const struct host *h = host_or_default(sema_owner(S)->host);
	const char *name = sema_literal(S, n, n->args, "symbol");
	uint64_t addr = 0;
	int err;

	if (!name)
		return sema_bad();
	err = ksym_addr(h->kallsyms, name, &addr);
	if (err == -ENOENT) {
		sema_error(S, &n->args->loc, "no kernel symbol '%s' in %s",
			   name, h->kallsyms ? h->kallsyms : "/proc/kallsyms");
		return sema_bad();
	}
	if (err) {
		sema_error(S, &n->args->loc, "cannot find the address of '%s': "
			   "%s", name, err == -EPERM ? "kallsyms hides "
			   "addresses from this user" : strerror(-err));
		return sema_bad();
	}
	n->is_const = true;
	n->cval = (int64_t)addr;
	return &type_u64;
}

static struct val const_lower(struct lower *L, struct node *n)
{
	return val_imm(n->cval);
}

const struct builtin builtin_kaddr = {
	.name = "kaddr",
	.kind = BK_FUNC,
	.min_args = 1,
	.max_args = 1,
	.usage = "kaddr(\"sym\")",
	.help = "the address of a kernel symbol (kallsyms), u64",
	.check = kaddr_check,
	.lower_int = const_lower,
};

/* As bpftrace: a pointer to an unsigned integer of the symbol's size when
 * it is one of 1, 2, 4 or 8 bytes, else to a u64; the address is the
 * file's, right for programs not built as PIE (ASLR moves the others). */
static const struct type *uaddr_check(struct sema *S, struct node *n)
{
	const struct probe *p = sema_probe(S);
	const char *name = sema_literal(S, n, n->args, "symbol");
	const char *obj = p->prov && p->prov->object ? p->prov->object(p)
						      : NULL;
	uint64_t addr = 0, size = 0;
	int err;

	if (!name)
		return sema_bad();
	if (!p->prov || !p->prov->object) {
		sema_error(S, &n->loc, "uaddr() needs a uprobe, whose file "
			   "holds the symbol; %s probes have none",
			   p->prov ? p->prov->name : "these");
		return sema_bad();
	}
	err = obj ? usym_data_find(obj, name, &addr, &size) : -ENOENT;
	if (err) {
		sema_error(S, &n->args->loc, "no symbol '%s' in %s", name,
			   obj ? obj : p->target);
		return sema_bad();
	}
	n->is_const = true;
	n->cval = (int64_t)addr;
	return type_ptr(sema_arena(S), size == 1 || size == 2 || size == 4 ?
			type_int((unsigned)size, false) : &type_u64, AS_USER);
}

const struct builtin builtin_uaddr = {
	.name = "uaddr",
	.kind = BK_FUNC,
	.min_args = 1,
	.max_args = 1,
	.usage = "uaddr(\"sym\")",
	.help = "the address of a symbol of the uprobe's file, a pointer",
	.check = uaddr_check,
	.lower_int = const_lower,
};

/* ---- reg("name") ---- */

/* The saved registers the probe sees: its provider's `regs`, a pointer
 * to struct pt_regs in its context (kprobes, uprobes, profile, interval). */
static bool probe_regs(struct probe *p, struct pvar *regs)
{
	return p->prov && p->prov->resolve &&
	       !p->prov->resolve(p, "regs", regs) && regs->kind == PV_CTX;
}

static const struct type *reg_check(struct sema *S, struct node *n)
{
	struct script *s = sema_owner(S);
	const struct arch *arch = s->arch ? s->arch : arch_host();
	const char *name = sema_literal(S, n, n->args, "register name");
	struct pvar regs;

	if (!name)
		return sema_bad();
	if (!probe_regs(sema_probe(S), &regs)) {
		sema_error(S, &n->loc, "reg() needs a probe that sees the "
			   "registers (kprobe, uprobe, profile, interval); "
			   "%s probes do not", sema_probe(S)->prov->name);
		return sema_bad();
	}
	if (!arch || arch_reg_off(arch, name) < 0) {
		sema_error(S, &n->args->loc, "no register '%s' on %s", name,
			   arch ? arch->name : "this architecture");
		return sema_bad();
	}
	/* a whole register: 4 bytes on 32-bit arm */
	return arch_reg_type(arch, false);
}

static struct val reg_lower(struct lower *L, struct node *n)
{
	const struct arch *arch = L->s->arch ? L->s->arch : arch_host();
	struct pvar pv = {
		.kind = PV_REG,
		.type = arch_reg_type(arch, false),
		.off = arch_reg_off(arch, n->args->str),
	};

	return lower_pvar(L, &pv, pv.type, n->loc);
}

const struct builtin builtin_reg = {
	.name = "reg",
	.kind = BK_FUNC,
	.min_args = 1,
	.max_args = 1,
	.usage = "reg(\"name\")",
	.help = "a saved register by the architecture's name: reg(\"ip\")",
	.check = reg_check,
	.lower_int = reg_lower,
};

/* ---- cgroupid("path") ---- */

/* The cgroup v2 id is the file handle the kernel gives the directory
 * (cgroupfs' handles are the 64-bit kernfs id), as bpftrace reads it. */
static const struct type *cgroupid_check(struct sema *S, struct node *n)
{
	const char *path = sema_literal(S, n, n->args, "path");
	/* the handle's bytes follow the header: id is f_handle */
	struct {
		struct file_handle fh;
		uint64_t id;
	} h;
	int mount_id;

	if (!path)
		return sema_bad();
	h.fh.handle_bytes = sizeof(h.id);
	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0) ||
	    h.fh.handle_bytes != sizeof(h.id)) {
		int err = errno;

		sema_error(S, &n->args->loc, "cannot find the cgroup id of "
			   "'%s': %s", path, err == EOVERFLOW ||
			   h.fh.handle_bytes != sizeof(h.id) ?
			   "not a cgroup v2 directory" : strerror(err));
		return sema_bad();
	}
	n->is_const = true;
	n->cval = (int64_t)h.id;
	return &type_u64;
}

const struct builtin builtin_cgroupid = {
	.name = "cgroupid",
	.kind = BK_FUNC,
	.min_args = 1,
	.max_args = 1,
	.usage = "cgroupid(\"path\")",
	.help = "the cgroup v2 id of a cgroupfs directory, u64",
	.check = cgroupid_check,
	.lower_int = const_lower,
};

/* ---- probe ---- */

/* bpftrace's name of the probe (provider_probe_name()), a string: the
 * bytes are stored where the value goes.  A probe on several functions
 * (kprobe:vfs_*) is one program and has no one name. */
static const struct type *probe_check(struct sema *S, struct node *n)
{
	struct probe *p = sema_probe(S);
	const char *name = provider_probe_name(sema_arena(S), p);

	if (!name) {
		sema_error(S, &n->loc, "probe names one probe, and %s:%s "
			   "is %u (probe lists of single functions give each "
			   "its name)", p->prov->name, p->target, p->ntargets);
		return sema_bad();
	}
	return type_string(sema_arena(S), (unsigned)strlen(name) + 1);
}

static void probe_into(struct lower *L, struct node *n, struct dst d,
		       unsigned w, bool zero)
{
	const char *name = provider_probe_name(L->s->arena, L->p);
	unsigned char *b = arena_alloc(L->s->arena, d.size + 1);

	memcpy(b, name, strlen(name) < w ? strlen(name) : w);
	lower_store_bytes(L, d.base, d.off, b, w, n->loc);
}

const struct builtin builtin_probe = {
	.name = "probe",
	.kind = BK_VAR,
	.help = "the probe's name, as tracepoint:sched:sched_switch",
	.check = probe_check,
	.lower_into = probe_into,
};
