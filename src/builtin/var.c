/* var.c - builtin variables: the task's ids, its name, the CPU, clocks.
 *
 * Input: a mention of pid, tid, uid, gid, comm, curtask, cpu, time,
 * walltime, and bpftrace's nsecs, elapsed, cpid, cgroup, rand, numaid (or
 * an alias).  Output: its type for sema, and for lowering one helper call
 * whose result (or one half of it) is the value; comm is written straight
 * into its destination.  Variables marked stable keep their value through
 * one run of a program, so lowering computes each once per probe
 * (lower_int.c).
 */
#include <linux/bpf.h>

#include "ast.h"
#include "builtin.h"
#include "lower.h"
#include "script.h"
#include "sema.h"
#include "type.h"

/* Which part of a helper's u64 is the value. */
enum var_part {
	PART_ALL,
	PART_LOW,	/* the lower 32 bits: tid of pid_tgid, uid of uid_gid */
	PART_HIGH,	/* the upper 32 bits: tgid, gid */
};

static struct val helper_value(struct lower *L, struct node *n, int helper,
			       enum var_part part)
{
	struct loc l = n->loc;
	int r;

	ir_call(L->f, helper, 0, l);
	r = lower_vreg(L);
	switch (part) {
	case PART_LOW:
		ir_mov32(L->f, r, IR_R0, l);
		break;
	case PART_HIGH:
		ir_mov(L->f, r, IR_R0, l);
		ir_alui(L->f, BPF_RSH, r, r, 32, l);
		break;
	case PART_ALL:
		ir_mov(L->f, r, IR_R0, l);
		break;
	}
	return val_reg(r, true);
}

static struct val pid_lower(struct lower *L, struct node *n)
{
	return helper_value(L, n, BPF_FUNC_get_current_pid_tgid, PART_HIGH);
}

const struct builtin builtin_pid = {
	.name = "pid",
	.kind = BK_VAR,
	.help = "process id (the thread group's), u32",
	.type = &type_u32,
	.stable = true,
	.lower_int = pid_lower,
};

static struct val kpid_lower(struct lower *L, struct node *n)
{
	return helper_value(L, n, BPF_FUNC_get_current_pid_tgid, PART_LOW);
}

const struct builtin builtin_kpid = {
	.name = "kpid",
	.aliases = (const char *const[]){ "tid", NULL },
	.kind = BK_VAR,
	.help = "thread id (the kernel's pid), u32",
	.type = &type_u32,
	.stable = true,
	.lower_int = kpid_lower,
};

static struct val uid_lower(struct lower *L, struct node *n)
{
	return helper_value(L, n, BPF_FUNC_get_current_uid_gid, PART_LOW);
}

const struct builtin builtin_uid = {
	.name = "uid",
	.kind = BK_VAR,
	.help = "user id, u32",
	.type = &type_u32,
	.stable = true,
	.lower_int = uid_lower,
};

static struct val gid_lower(struct lower *L, struct node *n)
{
	return helper_value(L, n, BPF_FUNC_get_current_uid_gid, PART_HIGH);
}

const struct builtin builtin_gid = {
	.name = "gid",
	.kind = BK_VAR,
	.help = "group id, u32",
	.type = &type_u32,
	.stable = true,
	.lower_int = gid_lower,
};

static const struct type comm_type = {
	.kind = T_ARRAY, .size = 16, .align = 1, .base = &type_char, .len = 16,
};

/* bpf_get_current_comm() into the destination, or a copy of the probe's
 * shared buffer (lower_mem.c) */
static void comm_into(struct lower *L, struct node *n, struct dst d,
		      unsigned w, bool zero)
{
	struct loc l = n->loc;

	if (L->comm_full) {
		/* a copy costs what the call does, minus the zeroing and
		 * the call itself */
		if (d.base != IR_FP || d.off != L->comm_slot)
			lower_copy(L, (struct dst){ d.base, d.off, w }, IR_FP,
				   L->comm_slot, w, l);
		return;
	}
	/* before 6.2 the helper copies with strscpy() and leaves the bytes
	 * after the NUL as they were */
	if (zero)
		lower_zero(L, d.base, d.off, w, l);
	lower_call(L, BPF_FUNC_get_current_comm, l, LA_PTR(d.base, d.off),
		   LA_IMM(w));
	lower_check_ret(L, BPF_FUNC_get_current_comm, l);
}

const struct builtin builtin_comm = {
	.name = "comm",
	.aliases = (const char *const[]){ "execname", NULL },
	.kind = BK_VAR,
	.help = "the task's name, char[16]",
	.type = &comm_type,
	.lower_into = comm_into,
};

/* The kernel's struct task_struct (the script's own, if it defines one,
 * as for any type); where the kernel has no BTF, the address alone. */
static const struct type *curtask_check(struct sema *S, struct node *n)
{
	const struct type *t = sema_kernel_record(S, "task_struct");

	(void)n;
	return t ? type_ptr(sema_arena(S), t, AS_KERNEL) : &type_u64;
}

/* bpf_get_current_task(), which every tracing program type has, rather
 * than its _btf twin (5.11+), which only fentry and friends have: the
 * walks read through bpf_probe_read_kernel() either way */
static struct val curtask_lower(struct lower *L, struct node *n)
{
	return helper_value(L, n, BPF_FUNC_get_current_task, PART_ALL);
}

const struct builtin builtin_curtask = {
	.name = "curtask",
	.kind = BK_VAR,
	.help = "the current task, struct task_struct * (u64 without BTF)",
	.check = curtask_check,
	.stable = true,
	.lower_int = curtask_lower,
};

static struct val cpu_lower(struct lower *L, struct node *n)
{
	return helper_value(L, n, BPF_FUNC_get_smp_processor_id, PART_ALL);
}

/* programs run with migration disabled: the CPU is stable */
const struct builtin builtin_cpu = {
	.name = "cpu",
	.kind = BK_VAR,
	.help = "the CPU the probe runs on, u32",
	.type = &type_u32,
	.stable = true,
	.lower_int = cpu_lower,
};

static struct val time_lower(struct lower *L, struct node *n)
{
	return helper_value(L, n, BPF_FUNC_ktime_get_ns, PART_ALL);
}

const struct builtin builtin_time = {
	.name = "time",
	.kind = BK_VAR,
	.help = "monotonic clock, ns, u64",
	.type = &type_u64,
	.lower_int = time_lower,
};

static struct val walltime_lower(struct lower *L, struct node *n)
{
	return helper_value(L, n, BPF_FUNC_ktime_get_boot_ns, PART_ALL);
}

const struct builtin builtin_walltime = {
	.name = "walltime",
	.kind = BK_VAR,
	.help = "the boot clock, printed as the time of day",
	.type = &type_walltime,
	.lower_int = walltime_lower,
};

/* ---- bpftrace's ---- */

/* bpftrace's nsecs is the boot clock (5.7+: it counts suspended time),
 * spry's time the monotonic one; both stay, each as its users know it. */
static struct val nsecs_lower(struct lower *L, struct node *n)
{
	return helper_value(L, n, BPF_FUNC_ktime_get_boot_ns, PART_ALL);
}

const struct builtin builtin_nsecs = {
	.name = "nsecs",
	.kind = BK_VAR,
	.help = "the boot clock, ns, u64 (bpftrace's)",
	.type = &type_u64,
	.lower_int = nsecs_lower,
};

/* The boot clock now minus its reading when tracing started, which the
 * runtime keeps in the <start> map (read through its value's address). */
static struct val elapsed_lower(struct lower *L, struct node *n)
{
	struct map *m = lower_internal_map(L, script_start_map(L->s));
	struct loc l = n->loc;
	int p = lower_vreg(L), r;

	r = helper_value(L, n, BPF_FUNC_ktime_get_boot_ns, PART_ALL).reg;
	ir_ldmapv(L->f, p, m->id, 0, l);
	ir_ldx(L->f, BPF_DW, p, p, 0, l);
	ir_alu(L->f, BPF_SUB, r, r, p, l);
	return val_reg(r, true);
}

const struct builtin builtin_elapsed = {
	.name = "elapsed",
	.kind = BK_VAR,
	.help = "ns since tracing started, u64",
	.type = &type_u64,
	.lower_int = elapsed_lower,
};

/* The -c command's pid (0 without one), from the <start> map too. */
static struct val cpid_lower(struct lower *L, struct node *n)
{
	struct map *m = lower_internal_map(L, script_start_map(L->s));
	int p = lower_vreg(L);

	ir_ldmapv(L->f, p, m->id, 8, n->loc);
	ir_ldx(L->f, BPF_DW, p, p, 0, n->loc);
	return val_reg(p, true);
}

const struct builtin builtin_cpid = {
	.name = "cpid",
	.kind = BK_VAR,
	.help = "the pid of the -c command (0 without -c), u32",
	.type = &type_u32,
	.stable = true,
	.lower_int = cpid_lower,
};

static struct val cgroup_lower(struct lower *L, struct node *n)
{
	return helper_value(L, n, BPF_FUNC_get_current_cgroup_id, PART_ALL);
}

const struct builtin builtin_cgroup = {
	.name = "cgroup",
	.kind = BK_VAR,
	.help = "the task's cgroup v2 id, u64",
	.type = &type_u64,
	.stable = true,
	.lower_int = cgroup_lower,
};

static struct val rand_lower(struct lower *L, struct node *n)
{
	return helper_value(L, n, BPF_FUNC_get_prandom_u32, PART_ALL);
}

/* a new number at every read */
const struct builtin builtin_rand = {
	.name = "rand",
	.kind = BK_VAR,
	.help = "a pseudo-random number, u32",
	.type = &type_u32,
	.lower_int = rand_lower,
};

static struct val numaid_lower(struct lower *L, struct node *n)
{
	return helper_value(L, n, BPF_FUNC_get_numa_node_id, PART_ALL);
}

const struct builtin builtin_numaid = {
	.name = "numaid",
	.kind = BK_VAR,
	.help = "the NUMA node the probe runs on, u32",
	.type = &type_u32,
	.stable = true,
	.lower_int = numaid_lower,
};
