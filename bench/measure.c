/* measure.c - wall time and peak RSS of a command, over several runs.
 *
 * Input: measure [-n RUNS] [-w WARMUP] -- CMD [ARGS...]
 * Output: one line of KEY=VALUE pairs on stdout:
 *   runs=N fails=N med_ms=.. min_ms=.. max_ms=.. med_rss_kb=.. max_rss_kb=..
 *
 * Each run forks, execs CMD with stdout and stderr on /dev/null and reaps it
 * with wait4(), so the time is fork to reap and the RSS is the kernel's
 * ru_maxrss for that child: its own peak, or a descendant's if one it reaped
 * was larger (a -c child of a tracer is never larger than the tracer was when
 * it forked).  Medians, because a tracer's startup has a long tail (page
 * cache, tracefs, RCU grace periods when BPF objects are freed).  bench/run
 * compiles this with cc -O2; it needs nothing but libc.
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

/* Run argv once; 0 on exit status 0, else 1.  *ms and *rss_kb are set. */
static int measure_once(char **argv, double *ms, long *rss_kb)
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
	*rss_kb = ru.ru_maxrss;
	return !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(int argc, char **argv)
{
	int runs = 10, warmup = 1, fails = 0, i, opt;
	double *ms;
	long *rss;

	while ((opt = getopt(argc, argv, "+n:w:")) != -1) {
		switch (opt) {
		case 'n':
			runs = atoi(optarg);
			break;
		case 'w':
			warmup = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: measure [-n RUNS] [-w WARMUP] -- CMD [ARGS...]\n");
			return 2;
		}
	}
	if (optind >= argc || runs < 1) {
		fprintf(stderr, "usage: measure [-n RUNS] [-w WARMUP] -- CMD [ARGS...]\n");
		return 2;
	}
	ms = calloc(runs, sizeof(*ms));
	rss = calloc(runs, sizeof(*rss));
	if (!ms || !rss)
		return 2;
	for (i = 0; i < warmup; i++)
		measure_once(argv + optind, &ms[0], &rss[0]);
	for (i = 0; i < runs; i++)
		fails += measure_once(argv + optind, &ms[i], &rss[i]);
	qsort(ms, runs, sizeof(*ms), measure_cmp_double);
	qsort(rss, runs, sizeof(*rss), measure_cmp_long);
	/* The median of an even count is the mean of the middle two. */
	printf("runs=%d fails=%d med_ms=%.2f min_ms=%.2f max_ms=%.2f med_rss_kb=%ld max_rss_kb=%ld\n",
	       runs, fails, (ms[(runs - 1) / 2] + ms[runs / 2]) / 2, ms[0],
	       ms[runs - 1], (rss[(runs - 1) / 2] + rss[runs / 2]) / 2,
	       rss[runs - 1]);
	free(ms);
	free(rss);
	return 0;
}
