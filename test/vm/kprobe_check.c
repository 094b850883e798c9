/* kprobe_check.c - can this kernel run a BPF program on a kprobe?  (VM only)
 *
 * A spry-free reference for the cases: when a spry kprobe case fails, this
 * says whether the kernel or spry is at fault.  It loads a hand-written
 * BPF_PROG_TYPE_KPROBE program that counts its runs in an array map,
 * attaches it the ways a tracer can (perf kprobe PMU + BPF_LINK_CREATE, the
 * kretprobe bit + PERF_EVENT_IOC_SET_BPF, a kprobe_multi link), opens a file
 * and reads the count back.
 *
 * Input: none.  Output: one line per step, "ok STEP" or "no STEP: error";
 * exit 0 when the kprobe and kretprobe both fired, else 1.  kprobe_multi and
 * the ring buffer are reported, not required: the kprobe provider decides what
 * to do without them.  test/vm/run builds this with `cc -static`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Older uapi headers lack these; the values are ABI. */
#ifndef BPF_TRACE_KPROBE_MULTI
#define BPF_TRACE_KPROBE_MULTI 42
#endif

#define FUNC "do_sys_openat2"

static int kc_failed;

static long kc_bpf(int cmd, union bpf_attr *attr)
{
	long r = syscall(__NR_bpf, cmd, attr, sizeof(*attr));

	return r < 0 ? -errno : r;
}

/* report STEP with result R (>= 0 ok, -errno not); required steps fail the
 * run. */
static long kc_report(const char *step, long r, int required)
{
	if (r >= 0) {
		printf("ok %s\n", step);
	} else {
		printf("no %s: %s\n", step, strerror((int)-r));
		if (required)
			kc_failed = 1;
	}
	return r;
}

/* The dynamic PMU type of /sys/bus/event_source/devices/@pmu, or -errno. */
static int kc_pmu_type(const char *pmu)
{
	char path[128], buf[32] = { 0 };
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type",
		 pmu);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -EINVAL;
}

/* A kprobe (or, with @ret, kretprobe) on FUNC through the kprobe PMU: the
 * way that leaves nothing behind in tracefs when the fd closes. */
static long kc_perf_kprobe(int type, int ret)
{
	struct perf_event_attr pa;
	long fd;

	memset(&pa, 0, sizeof(pa));
	pa.size = sizeof(pa);
	pa.type = type;
	pa.config = ret ? 1 : 0;	/* format/retprobe is config:0 */
	pa.config1 = (uintptr_t)FUNC;	/* kprobe_func */
	pa.config2 = 0;			/* offset */
	fd = syscall(__NR_perf_event_open, &pa, -1, 0, -1,
		     PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int main(void)
{
	static char log[1 << 16];
	union bpf_attr attr;
	uint32_t key = 0;
	uint64_t hits = 0;
	long map, prog, kp, krp, r;
	const char *syms[] = { FUNC, "vfs_read" };
	int type;
	/* *map_lookup_elem(&map, &(u32){0}) += 1; return 0; (imm of insn 1
	 * is the map fd, filled in once the map exists) */
	struct bpf_insn insns[] = {
		{ .code = BPF_ST | BPF_MEM | BPF_W, .dst_reg = BPF_REG_10,
		  .off = -4, .imm = 0 },
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_PSEUDO_MAP_FD, .imm = 0 /* map fd */ },
		{ 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_2,
		  .src_reg = BPF_REG_10 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_2,
		  .imm = -4 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_map_lookup_elem },
		{ .code = BPF_JMP | BPF_JEQ | BPF_K, .dst_reg = BPF_REG_0,
		  .off = 2, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1,
		  .imm = 1 },
		{ .code = BPF_STX | BPF_ATOMIC | BPF_DW, .dst_reg = BPF_REG_0,
		  .src_reg = BPF_REG_1, .imm = BPF_ADD },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = 1;
	map = kc_report("map_create array", kc_bpf(BPF_MAP_CREATE, &attr), 1);
	if (map < 0)
		return 1;

	insns[1].imm = (int)map;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_KPROBE;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	attr.license = (uintptr_t)"GPL";
	attr.log_buf = (uintptr_t)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	prog = kc_report("prog_load kprobe", kc_bpf(BPF_PROG_LOAD, &attr), 1);
	if (prog < 0) {
		fputs(log, stdout);
		return 1;
	}

	type = kc_report("kprobe PMU", kc_pmu_type("kprobe"), 1);
	if (type < 0)
		return 1;
	kp = kc_report("perf_event_open kprobe " FUNC,
		       kc_perf_kprobe(type, 0), 1);
	krp = kc_report("perf_event_open kretprobe " FUNC,
			kc_perf_kprobe(type, 1), 1);
	if (kp < 0 || krp < 0)
		return 1;

	/* The link way (5.15+): detaches when the link fd closes. */
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog;
	attr.link_create.target_fd = kp;
	attr.link_create.attach_type = BPF_PERF_EVENT;
	kc_report("link_create perf_event (kprobe)",
		  kc_bpf(BPF_LINK_CREATE, &attr), 1);

	/* The ioctl way, for kernels before links. */
	r = ioctl(krp, PERF_EVENT_IOC_SET_BPF, prog);
	kc_report("ioctl SET_BPF (kretprobe)", r < 0 ? -errno : r, 1);
	r = ioctl(krp, PERF_EVENT_IOC_ENABLE, 0);
	kc_report("ioctl ENABLE (kretprobe)", r < 0 ? -errno : r, 1);

	/* One link for many functions needs CONFIG_FPROBE. */
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog;
	attr.link_create.attach_type = BPF_TRACE_KPROBE_MULTI;
	attr.link_create.kprobe_multi.syms = (uintptr_t)syms;
	attr.link_create.kprobe_multi.cnt = 2;
	kc_report("link_create kprobe_multi (optional)",
		  kc_bpf(BPF_LINK_CREATE, &attr), 0);

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_RINGBUF;
	attr.max_entries = 256 << 10;
	kc_report("map_create ringbuf (optional)",
		  kc_bpf(BPF_MAP_CREATE, &attr), 0);

	/* One open: the kprobe and the kretprobe fire once each (plus any
	 * kprobe_multi hits). */
	close(open("/etc/hostname", O_RDONLY | O_CLOEXEC));

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map;
	attr.key = (uintptr_t)&key;
	attr.value = (uintptr_t)&hits;
	kc_report("map_lookup_elem", kc_bpf(BPF_MAP_LOOKUP_ELEM, &attr), 1);
	printf("%s %llu hits\n", hits >= 2 ? "ok" : "no",
	       (unsigned long long)hits);
	if (hits < 2)
		kc_failed = 1;
	return kc_failed;
}
