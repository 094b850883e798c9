/* nobpf.c - run a command on a system without bpf(2).
 *
 * usage: nobpf CMD [ARGS...]
 *
 * Installs a seccomp filter under which bpf(2) fails with ENOSYS, as on a
 * kernel built without CONFIG_BPF_SYSCALL (or a container whose seccomp
 * policy blocks it), then execs CMD.  test/errors/run compiles it to check
 * what spry says there.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

int main(int argc, char **argv)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_bpf, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = sizeof(f) / sizeof(f[0]),
		.filter = f,
	};

	if (argc < 2) {
		fprintf(stderr, "usage: nobpf CMD [ARGS...]\n");
		return 2;
	}
	/* no_new_privs: a filter without CAP_SYS_ADMIN needs it, and it
	 * keeps the filter on whatever CMD execs */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		perror("nobpf: seccomp");
		return 126;
	}
	execvp(argv[1], argv + 1);
	perror(argv[1]);
	return 127;
}
