/* getppid.c - the cost of one getppid() system call, for the per-event
 * overhead benchmark.
 *
 * Input: getppid [CALLS [ROUNDS [getppid|getpgid]]]   (200000, 20, getppid)
 *   With getpgid, the calls are getpgid(0) instead: as cheap, and a syscall
 *   whose function BTF describes (SYSCALL_DEFINE0 ones like getppid have
 *   none there), which fentry can attach to (bench/vm-syscalls).
 * Output: one line per round, then
 *   getppid: CALLS calls x ROUNDS rounds, cpu median N.N min N.N ns/call, wall median N.N ns/call
 *
 * getppid is about the cheapest system call there is, so what a tracer adds
 * to it (a BPF program on its tracepoint, or the syscall tracing slow path
 * on every syscall) stands out.  It goes through syscall(2) so that no libc
 * could ever answer it from a cache.
 *
 * The figure that counts is the thread's CPU time per call
 * (CLOCK_THREAD_CPUTIME_ID): a BPF program on the syscall path runs in this
 * thread and is counted, while the time other processes hold the CPU is
 * not.  On a shared machine the wall time per round swings by half or more
 * with the neighbours' load; the CPU time stays within a few percent.  The
 * wall time is printed too.  bench/run pins this process with taskset.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define GETPPID_MAX_ROUNDS	256

static int getppid_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double getppid_now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long calls = argc > 1 ? atol(argv[1]) : 200000;
	int rounds = argc > 2 ? atoi(argv[2]) : 20, r;
	long nr = argc > 3 && !strcmp(argv[3], "getpgid") ? SYS_getpgid :
		  SYS_getppid;
	double cpu[GETPPID_MAX_ROUNDS], wall[GETPPID_MAX_ROUNDS], w0, c0;
	long i;

	if (calls < 1 || rounds < 1 || rounds > GETPPID_MAX_ROUNDS ||
	    (argc > 3 && nr != SYS_getpgid && strcmp(argv[3], "getppid"))) {
		fprintf(stderr, "usage: getppid [CALLS [ROUNDS<=%d "
			"[getppid|getpgid]]]\n",
			GETPPID_MAX_ROUNDS);
		return 2;
	}
	/* Warm up: fault in the code, settle the CPU's frequency. */
	for (i = 0; i < calls; i++)
		syscall(nr, 0);
	for (r = 0; r < rounds; r++) {
		w0 = getppid_now_ns(CLOCK_MONOTONIC);
		c0 = getppid_now_ns(CLOCK_THREAD_CPUTIME_ID);
		for (i = 0; i < calls; i++)
			syscall(nr, 0);
		cpu[r] = (getppid_now_ns(CLOCK_THREAD_CPUTIME_ID) - c0) / calls;
		wall[r] = (getppid_now_ns(CLOCK_MONOTONIC) - w0) / calls;
		printf("getppid: round %d: cpu %.1f wall %.1f ns/call\n", r,
		       cpu[r], wall[r]);
	}
	qsort(cpu, rounds, sizeof(cpu[0]), getppid_cmp);
	qsort(wall, rounds, sizeof(wall[0]), getppid_cmp);
	printf("getppid: %ld calls x %d rounds, cpu median %.1f min %.1f ns/call, wall median %.1f ns/call\n",
	       calls, rounds, cpu[rounds / 2], cpu[0], wall[rounds / 2]);
	return 0;
}
