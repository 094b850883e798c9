/* uapi.c - constants tools use that the kernel's BTF does not carry.
 *
 * BTF describes types and enums; #define'd constants (AF_INET, O_RDONLY,
 * TASK_RUNNING) never reach it.  bpftrace gets them by running clang over
 * the headers a script includes; spry reads no header, so the ones tracing
 * tools use are here, as data, each group with the header it comes from.
 * Values are the same on every architecture spry targets unless a row
 * names one (the open flags of arm64).  check_cpp compares the uapi ones
 * with the C library's headers of the build host.
 *
 * Input: a name and the target architecture.  Output: its value.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cpp.h"

/* A row: 16 bytes (values in 32 bits, signed or, for flags above
 * INT32_MAX, unsigned; the architecture an index into uapi_arches), which
 * the static binary's size counts.  C() refuses, at compile time, a value
 * that does not fit a signed 32 bits; U() takes the unsigned ones. */
enum { UAPI_ANY, UAPI_X86_64, UAPI_AARCH64 };
static const char *const uapi_arches[] = { NULL, "x86_64", "aarch64" };

struct uapi_const {
	const char *name;
	int32_t value;
	uint8_t arch;		/* UAPI_ANY: every architecture */
	bool is_unsigned;	/* value is (uint32_t)value */
};

#define UAPI_CHECK(ok)	(0 * (int)sizeof(char[(ok) ? 1 : -1]))
#define A(name, value, arch) \
	{ name, (int32_t)(value) + \
	  UAPI_CHECK((value) >= INT32_MIN && (value) <= INT32_MAX), arch, false }
#define C(name, value) A(name, value, UAPI_ANY)
#define U(name, value) \
	{ name, (int32_t)((value) + UAPI_CHECK((value) <= UINT32_MAX)), \
	  UAPI_ANY, true }

/* include/linux/socket.h: address and protocol families */
static const struct uapi_const families[] = {
	C("AF_UNSPEC", 0), C("AF_UNIX", 1), C("AF_LOCAL", 1),
	C("AF_INET", 2), C("AF_AX25", 3), C("AF_IPX", 4),
	C("AF_APPLETALK", 5), C("AF_NETROM", 6), C("AF_BRIDGE", 7),
	C("AF_ATMPVC", 8), C("AF_X25", 9), C("AF_INET6", 10),
	C("AF_ROSE", 11), C("AF_DECnet", 12), C("AF_NETBEUI", 13),
	C("AF_SECURITY", 14), C("AF_KEY", 15), C("AF_NETLINK", 16),
	C("AF_ROUTE", 16), C("AF_PACKET", 17), C("AF_ASH", 18),
	C("AF_ECONET", 19), C("AF_ATMSVC", 20), C("AF_RDS", 21),
	C("AF_SNA", 22), C("AF_IRDA", 23), C("AF_PPPOX", 24),
	C("AF_WANPIPE", 25), C("AF_LLC", 26), C("AF_IB", 27),
	C("AF_MPLS", 28), C("AF_CAN", 29), C("AF_TIPC", 30),
	C("AF_BLUETOOTH", 31), C("AF_IUCV", 32), C("AF_RXRPC", 33),
	C("AF_ISDN", 34), C("AF_PHONET", 35), C("AF_IEEE802154", 36),
	C("AF_CAIF", 37), C("AF_ALG", 38), C("AF_NFC", 39),
	C("AF_VSOCK", 40), C("AF_KCM", 41), C("AF_QIPCRTR", 42),
	C("AF_SMC", 43), C("AF_XDP", 44), C("AF_MCTP", 45),
	C("PF_UNSPEC", 0), C("PF_UNIX", 1), C("PF_LOCAL", 1),
	C("PF_INET", 2), C("PF_INET6", 10), C("PF_NETLINK", 16),
	C("PF_PACKET", 17),
};

/* include/linux/net.h (enum sock_type, and its flags from the open flags) */
static const struct uapi_const sock_types[] = {
	C("SOCK_STREAM", 1), C("SOCK_DGRAM", 2), C("SOCK_RAW", 3),
	C("SOCK_RDM", 4), C("SOCK_SEQPACKET", 5), C("SOCK_DCCP", 6),
	C("SOCK_PACKET", 10), C("SOCK_NONBLOCK", 04000),
	C("SOCK_CLOEXEC", 02000000),
};

/* include/uapi/linux/in.h, include/uapi/linux/in6.h */
static const struct uapi_const ipprotos[] = {
	C("IPPROTO_IP", 0), C("IPPROTO_ICMP", 1), C("IPPROTO_IGMP", 2),
	C("IPPROTO_TCP", 6), C("IPPROTO_UDP", 17), C("IPPROTO_IPV6", 41),
	C("IPPROTO_GRE", 47), C("IPPROTO_ESP", 50), C("IPPROTO_AH", 51),
	C("IPPROTO_ICMPV6", 58), C("IPPROTO_SCTP", 132),
	C("IPPROTO_UDPLITE", 136), C("IPPROTO_MPTCP", 262),
	C("IPPROTO_RAW", 255),
};

/* include/uapi/asm-generic/fcntl.h (x86_64 too); arm64 moves four of them
 * (arch/arm64/include/uapi/asm/fcntl.h) */
static const struct uapi_const open_flags[] = {
	C("O_RDONLY", 0), C("O_WRONLY", 01), C("O_RDWR", 02),
	C("O_ACCMODE", 03), C("O_CREAT", 0100), C("O_EXCL", 0200),
	C("O_NOCTTY", 0400), C("O_TRUNC", 01000), C("O_APPEND", 02000),
	C("O_NONBLOCK", 04000), C("O_NDELAY", 04000), C("O_DSYNC", 010000),
	C("FASYNC", 020000), C("O_ASYNC", 020000),
	C("O_NOATIME", 01000000), C("O_CLOEXEC", 02000000),
	C("O_SYNC", 04010000), C("O_PATH", 010000000),
	A("O_DIRECT", 040000, UAPI_X86_64),
	A("O_LARGEFILE", 0100000, UAPI_X86_64),
	A("O_DIRECTORY", 0200000, UAPI_X86_64),
	A("O_NOFOLLOW", 0400000, UAPI_X86_64),
	A("O_TMPFILE", 020200000, UAPI_X86_64),
	A("O_DIRECTORY", 040000, UAPI_AARCH64),
	A("O_NOFOLLOW", 0100000, UAPI_AARCH64),
	A("O_DIRECT", 0200000, UAPI_AARCH64),
	A("O_LARGEFILE", 0400000, UAPI_AARCH64),
	A("O_TMPFILE", 020040000, UAPI_AARCH64),
};

/* include/uapi/linux/fcntl.h */
static const struct uapi_const at_flags[] = {
	C("AT_FDCWD", -100), C("AT_SYMLINK_NOFOLLOW", 0x100),
	C("AT_REMOVEDIR", 0x200), C("AT_SYMLINK_FOLLOW", 0x400),
	C("AT_NO_AUTOMOUNT", 0x800), C("AT_EMPTY_PATH", 0x1000),
};

/* include/uapi/linux/stat.h */
static const struct uapi_const modes[] = {
	C("S_IFMT", 0170000), C("S_IFSOCK", 0140000), C("S_IFLNK", 0120000),
	C("S_IFREG", 0100000), C("S_IFBLK", 060000), C("S_IFDIR", 040000),
	C("S_IFCHR", 020000), C("S_IFIFO", 010000), C("S_ISUID", 04000),
	C("S_ISGID", 02000), C("S_ISVTX", 01000),
};

/* include/uapi/asm-generic/mman-common.h, mman.h */
static const struct uapi_const mman[] = {
	C("PROT_NONE", 0), C("PROT_READ", 1), C("PROT_WRITE", 2),
	C("PROT_EXEC", 4), C("MAP_SHARED", 1), C("MAP_PRIVATE", 2),
	C("MAP_FIXED", 0x10), C("MAP_ANONYMOUS", 0x20),
};

/* include/uapi/asm-generic/signal.h (arch/x86/include/uapi/asm/signal.h
 * numbers them alike) */
static const struct uapi_const signals[] = {
	C("SIGHUP", 1), C("SIGINT", 2), C("SIGQUIT", 3), C("SIGILL", 4),
	C("SIGTRAP", 5), C("SIGABRT", 6), C("SIGIOT", 6), C("SIGBUS", 7),
	C("SIGFPE", 8), C("SIGKILL", 9), C("SIGUSR1", 10),
	C("SIGSEGV", 11), C("SIGUSR2", 12), C("SIGPIPE", 13),
	C("SIGALRM", 14), C("SIGTERM", 15), C("SIGSTKFLT", 16),
	C("SIGCHLD", 17), C("SIGCONT", 18), C("SIGSTOP", 19),
	C("SIGTSTP", 20), C("SIGTTIN", 21), C("SIGTTOU", 22),
	C("SIGURG", 23), C("SIGXCPU", 24), C("SIGXFSZ", 25),
	C("SIGVTALRM", 26), C("SIGPROF", 27), C("SIGWINCH", 28),
	C("SIGIO", 29), C("SIGPOLL", 29), C("SIGPWR", 30), C("SIGSYS", 31),
};

/* include/uapi/asm-generic/errno-base.h, errno.h */
static const struct uapi_const errnos[] = {
	C("EPERM", 1), C("ENOENT", 2), C("ESRCH", 3), C("EINTR", 4),
	C("EIO", 5), C("ENXIO", 6), C("E2BIG", 7), C("ENOEXEC", 8),
	C("EBADF", 9), C("ECHILD", 10), C("EAGAIN", 11),
	C("EWOULDBLOCK", 11), C("ENOMEM", 12), C("EACCES", 13),
	C("EFAULT", 14), C("ENOTBLK", 15), C("EBUSY", 16), C("EEXIST", 17),
	C("EXDEV", 18), C("ENODEV", 19), C("ENOTDIR", 20), C("EISDIR", 21),
	C("EINVAL", 22), C("ENFILE", 23), C("EMFILE", 24), C("ENOTTY", 25),
	C("ETXTBSY", 26), C("EFBIG", 27), C("ENOSPC", 28), C("ESPIPE", 29),
	C("EROFS", 30), C("EMLINK", 31), C("EPIPE", 32), C("EDOM", 33),
	C("ERANGE", 34), C("EDEADLK", 35), C("ENAMETOOLONG", 36),
	C("ENOLCK", 37), C("ENOSYS", 38), C("ENOTEMPTY", 39),
	C("ELOOP", 40), C("ENODATA", 61), C("ETIME", 62),
	C("EOVERFLOW", 75), C("ENOTSOCK", 88), C("EOPNOTSUPP", 95),
	C("ENOTSUP", 95), C("EADDRINUSE", 98), C("EADDRNOTAVAIL", 99),
	C("ENETUNREACH", 101), C("ECONNABORTED", 103),
	C("ECONNRESET", 104), C("ENOBUFS", 105), C("EISCONN", 106),
	C("ENOTCONN", 107), C("ETIMEDOUT", 110), C("ECONNREFUSED", 111),
	C("EHOSTUNREACH", 113), C("EALREADY", 114), C("EINPROGRESS", 115),
	C("ECANCELED", 125),
};

/* include/uapi/linux/sched.h */
static const struct uapi_const sched[] = {
	C("CSIGNAL", 0x000000ff), C("CLONE_VM", 0x00000100),
	C("CLONE_FS", 0x00000200), C("CLONE_FILES", 0x00000400),
	C("CLONE_SIGHAND", 0x00000800), C("CLONE_PIDFD", 0x00001000),
	C("CLONE_PTRACE", 0x00002000), C("CLONE_VFORK", 0x00004000),
	C("CLONE_PARENT", 0x00008000), C("CLONE_THREAD", 0x00010000),
	C("CLONE_NEWNS", 0x00020000), C("CLONE_SYSVSEM", 0x00040000),
	C("CLONE_SETTLS", 0x00080000), C("CLONE_PARENT_SETTID", 0x00100000),
	C("CLONE_CHILD_CLEARTID", 0x00200000), C("CLONE_DETACHED", 0x00400000),
	C("CLONE_UNTRACED", 0x00800000), C("CLONE_CHILD_SETTID", 0x01000000),
	C("CLONE_NEWCGROUP", 0x02000000), C("CLONE_NEWUTS", 0x04000000),
	C("CLONE_NEWIPC", 0x08000000), C("CLONE_NEWUSER", 0x10000000),
	C("CLONE_NEWPID", 0x20000000), C("CLONE_NEWNET", 0x40000000),
	U("CLONE_IO", 0x80000000),
	C("SCHED_NORMAL", 0), C("SCHED_OTHER", 0), C("SCHED_FIFO", 1),
	C("SCHED_RR", 2), C("SCHED_BATCH", 3), C("SCHED_IDLE", 5),
	C("SCHED_DEADLINE", 6),
};

/* include/linux/sched.h, Linux 5.19 and later (kernel-internal: no uapi
 * header has them): task states and the kernel-thread flag */
static const struct uapi_const task[] = {
	C("TASK_RUNNING", 0x0000), C("TASK_INTERRUPTIBLE", 0x0001),
	C("TASK_UNINTERRUPTIBLE", 0x0002), C("__TASK_STOPPED", 0x0004),
	C("__TASK_TRACED", 0x0008), C("EXIT_DEAD", 0x0010),
	C("EXIT_ZOMBIE", 0x0020), C("EXIT_TRACE", 0x0030),
	C("TASK_PARKED", 0x0040), C("TASK_DEAD", 0x0080),
	C("TASK_WAKEKILL", 0x0100), C("TASK_WAKING", 0x0200),
	C("TASK_NOLOAD", 0x0400), C("TASK_NEW", 0x0800),
	C("TASK_RTLOCK_WAIT", 0x1000), C("TASK_FREEZABLE", 0x2000),
	C("TASK_FROZEN", 0x8000), C("TASK_STATE_MAX", 0x10000),
	C("TASK_KILLABLE", 0x0102), C("TASK_STOPPED", 0x0104),
	C("TASK_TRACED", 0x0008), C("TASK_IDLE", 0x0402),
	C("TASK_NORMAL", 0x0003), C("TASK_REPORT", 0x007f),
	C("TASK_COMM_LEN", 16), C("PF_KTHREAD", 0x00200000),
};

#define GROUP(g, src, arm64) { g, sizeof(g) / sizeof(g[0]), src, arm64 }

static const struct {
	const struct uapi_const *c;
	size_t n;
	const char *source;		/* where the values come from */
	const char *arm64_source;	/* for rows of arch "aarch64" */
} groups[] = {
	GROUP(families, "include/linux/socket.h", NULL),
	GROUP(sock_types, "include/linux/net.h", NULL),
	GROUP(ipprotos, "include/uapi/linux/in.h", NULL),
	GROUP(open_flags, "include/uapi/asm-generic/fcntl.h",
	      "arch/arm64/include/uapi/asm/fcntl.h"),
	GROUP(at_flags, "include/uapi/linux/fcntl.h", NULL),
	GROUP(modes, "include/uapi/linux/stat.h", NULL),
	GROUP(mman, "include/uapi/asm-generic/mman-common.h", NULL),
	GROUP(signals, "include/uapi/asm-generic/signal.h", NULL),
	GROUP(errnos, "include/uapi/asm-generic/errno.h", NULL),
	GROUP(sched, "include/uapi/linux/sched.h", NULL),
	GROUP(task, "include/linux/sched.h", NULL),
};

int uapi_lookup(const char *name, const char *arch, int64_t *value,
		const char **source)
{
	size_t g, i;

	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		for (i = 0; i < groups[g].n; i++) {
			const struct uapi_const *c = &groups[g].c[i];

			if (strcmp(c->name, name) ||
			    (c->arch != UAPI_ANY &&
			     (!arch || strcmp(uapi_arches[c->arch], arch))))
				continue;
			*value = c->is_unsigned ? (int64_t)(uint32_t)c->value
						: c->value;
			if (source)
				*source = c->arch == UAPI_AARCH64 &&
					  groups[g].arm64_source ?
					  groups[g].arm64_source :
					  groups[g].source;
			return 0;
		}
	return -ENOENT;
}

void uapi_names(void (*fn)(void *ctx, const char *name), void *ctx)
{
	size_t g, i;

	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		for (i = 0; i < groups[g].n; i++)
			fn(ctx, groups[g].c[i].name);
}
