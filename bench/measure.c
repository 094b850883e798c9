/* measure.c - wall time, CPU time and peak RSS of commands, over several runs.
 *
 * Input: measure [-n RUNS] [-w WARMUP] [-p MS] -- CMD [ARGS...] [;; CMD [ARGS...]]...
 * Output: per command, one line of KEY=VALUE pairs on stdout:
 *   runs=N fails=N med_ms=.. min_ms=.. max_ms=.. med_cpu_ms=.. med_rss_kb=.. max_rss_kb=..
 *
 * Several commands (separated by a ";;" argument) are run in turn, one run
 * of each per round, so that the machine's load hits them alike.  Each run
 * forks, execs CMD with stdout and stderr on /dev/null and reaps it with
 * wait4().  The wall time is fork to reap.  The CPU time is the child's
 * user plus system time, with the descendants it reaped (a tracer's -c
 * command): unlike the wall time it does not grow while other processes
 * hold the CPU, nor while the tracer sleeps in the kernel (RCU grace
 * periods, mutexes).  The RSS is the kernel's ru_maxrss for the child: its
 * own peak, or a reaped descendant's if larger (a -c child of a tracer is
 * never larger than the tracer was when it forked).  Medians, because a
 * tracer's startup has a long tail.  -p MS pauses that long before every
 * run: runs that find the machine cold, not right after one another.  bench/run compiles this with cc -O2;
 * it needs nothing but libc.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int measure_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int measure_cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static double measure_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Run argv once; 0 on exit status 0, else 1.  *ms (wall), *cpu_ms (user
 * plus system time of the child and what it reaped) and *rss_kb are set. */
static int measure_once(char **argv, double *ms, double *cpu_ms, long *rss_kb)
{
	struct rusage ru;
	double t0;
	pid_t pid;
	int st, fd;

	t0 = measure_now_ms();
	pid = fork();
	if (pid < 0) {
		perror("measure: fork");
		exit(2);
	}
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (wait4(pid, &st, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("measure: wait4");
			exit(2);
		}
	}
	*ms = measure_now_ms() - t0;
	*cpu_ms = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
		  (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	*rss_kb = ru.ru_maxrss;
	return !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* The median of an even count is the mean of the middle two. */
/* The figures of the @runs - @fails runs that succeeded (a run that fails
 * fast would pull the medians down); all zero if none did. */
static void measure_report(int runs, int fails, double *ms, double *cpu,
			   long *rss)
{
	int n = runs - fails;

	if (n <= 0) {
		printf("runs=%d fails=%d med_ms=0.00 min_ms=0.00 max_ms=0.00 med_cpu_ms=0.00 med_rss_kb=0 max_rss_kb=0\n",
		       runs, fails);
		return;
	}
	runs = n;
	qsort(ms, runs, sizeof(*ms), measure_cmp_double);
	qsort(cpu, runs, sizeof(*cpu), measure_cmp_double);
	qsort(rss, runs, sizeof(*rss), measure_cmp_long);
	printf("runs=%d fails=%d med_ms=%.2f min_ms=%.2f max_ms=%.2f med_cpu_ms=%.2f med_rss_kb=%ld max_rss_kb=%ld\n",
	       runs + fails, fails, (ms[(runs - 1) / 2] + ms[runs / 2]) / 2, ms[0],
	       ms[runs - 1], (cpu[(runs - 1) / 2] + cpu[runs / 2]) / 2,
	       (rss[(runs - 1) / 2] + rss[runs / 2]) / 2, rss[runs - 1]);
}

#define MEASURE_MAX_CMDS	16

int main(int argc, char **argv)
{
	int runs = 10, warmup = 1, pause_ms = 0, ncmd = 0, i, c, opt;
	int fails[MEASURE_MAX_CMDS] = { 0 };
	char **cmd[MEASURE_MAX_CMDS];
	double *ms[MEASURE_MAX_CMDS], *cpu[MEASURE_MAX_CMDS], t, u;
	long *rss[MEASURE_MAX_CMDS], r;

	while ((opt = getopt(argc, argv, "+n:w:p:")) != -1) {
		switch (opt) {
		case 'p':
			pause_ms = atoi(optarg);
			break;
		case 'n':
			runs = atoi(optarg);
			break;
		case 'w':
			warmup = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc || runs < 1)
		goto usage;
	/* Split the rest into commands at each ";;" (it becomes argv's NULL). */
	cmd[ncmd++] = argv + optind;
	for (i = optind; i < argc; i++) {
		if (strcmp(argv[i], ";;"))
			continue;
		argv[i] = NULL;
		if (i + 1 >= argc || !strcmp(argv[i + 1], ";;"))
			goto usage;
		if (ncmd == MEASURE_MAX_CMDS)
			goto usage;
		cmd[ncmd++] = argv + i + 1;
	}
	for (c = 0; c < ncmd; c++) {
		if (!cmd[c][0])
			goto usage;
		ms[c] = calloc(runs, sizeof(*ms[c]));
		cpu[c] = calloc(runs, sizeof(*cpu[c]));
		rss[c] = calloc(runs, sizeof(*rss[c]));
		if (!ms[c] || !cpu[c] || !rss[c])
			return 2;
	}
	/* Round-robin, so that a burst of load on the machine falls on every
	 * command alike rather than on whichever was running. */
	for (i = 0; i < warmup; i++)
		for (c = 0; c < ncmd; c++)
			measure_once(cmd[c], &t, &u, &r);
	for (i = 0; i < runs; i++)
		for (c = 0; c < ncmd; c++) {
			int ok = i - fails[c];	/* successes so far */

			if (pause_ms)
				usleep((useconds_t)pause_ms * 1000);
			fails[c] += measure_once(cmd[c], &ms[c][ok],
						 &cpu[c][ok], &rss[c][ok]);
		}
	for (c = 0; c < ncmd; c++) {
		measure_report(runs, fails[c], ms[c], cpu[c], rss[c]);
		free(ms[c]);
		free(cpu[c]);
		free(rss[c]);
	}
	return 0;
usage:
	fprintf(stderr, "usage: measure [-n RUNS] [-w WARMUP] [-p MS] -- CMD [ARGS...] [;; CMD [ARGS...]]...\n");
	return 2;
}
