/* exitlat.c - how long a tracer takes to give the prompt back once its
 * command has exited, or once it got Ctrl-C.
 *
 * Input:
 *   exitlat [-n RUNS] [-w MS] cmd -- TRACER ARGS...   (ARGS contain {CMD})
 *   exitlat [-n RUNS] [-w MS] sigint -- TRACER ARGS...
 *   exitlat --child FILE MS    (what {CMD} stands for; see below)
 * Output: one line of KEY=VALUE pairs on stdout:
 *   runs=N fails=N med_ms=.. min_ms=.. max_ms=..
 *
 * cmd: the tracer runs `-c '<this program> --child FILE MS'` (the argument
 * "{CMD}" in ARGS is replaced by that command).  The child sleeps MS
 * milliseconds (-w, default 300: long enough for every probe to fire),
 * writes the CLOCK_MONOTONIC time to FILE, and exits.  The figure is the
 * time from that write to the moment wait4() reaps the tracer: what a user
 * waits for the prompt after the command is done.
 *
 * sigint: the tracer runs ARGS as given; after -w milliseconds (attached
 * by then) it gets SIGINT, and the figure is the time from the kill() to
 * the reap.
 *
 * The tracer's stdout and stderr go to /dev/null.  A run fails when the
 * tracer exits with a status other than 0 (cmd) or 0/130 (sigint), or when
 * the child wrote no time.  Medians, as in measure.c.  bench/run compiles
 * this with cc -O2; it needs nothing but libc.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXITLAT_MAX_RUNS	1000

static double exitlat_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int exitlat_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* --child FILE MS: sleep, then record when we are done. */
static int exitlat_child(const char *file, const char *ms)
{
	struct timespec ts = { 0, 0 };
	long m = atol(ms);
	char buf[64];
	int fd, n;

	ts.tv_sec = m / 1000;
	ts.tv_nsec = (m % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	n = snprintf(buf, sizeof(buf), "%.6f\n", exitlat_now_ms());
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, buf, (size_t)n) != n)
		return 1;
	return close(fd) ? 1 : 0;
}

/* One run; the latency in ms, or -1. */
static double exitlat_once(char **argv, int sigint_mode, long wait_ms,
			   const char *stamp)
{
	struct timespec ts = { wait_ms / 1000, (wait_ms % 1000) * 1000000L };
	double t0 = 0, t1;
	char buf[64];
	pid_t pid;
	int st, fd;
	ssize_t n;

	unlink(stamp);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (sigint_mode) {
		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
		t0 = exitlat_now_ms();
		kill(pid, SIGINT);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	t1 = exitlat_now_ms();
	if (!WIFEXITED(st) || (WEXITSTATUS(st) != 0 &&
			       !(sigint_mode && WEXITSTATUS(st) == 130)))
		return -1;
	if (sigint_mode)
		return t1 - t0;
	fd = open(stamp, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return t1 - atof(buf);
}

int main(int argc, char **argv)
{
	static double lat[EXITLAT_MAX_RUNS];
	char stamp[64], cmd[4400], self[4096];
	long runs = 10, wait_ms = 300;
	int i, mode, fails = 0, n = 0, opt, sigint_mode;
	char **targv;
	ssize_t len;

	if (argc == 4 && !strcmp(argv[1], "--child"))
		return exitlat_child(argv[2], argv[3]);
	while ((opt = getopt(argc, argv, "+n:w:")) != -1) {
		switch (opt) {
		case 'n': runs = atol(optarg); break;
		case 'w': wait_ms = atol(optarg); break;
		default: return 2;
		}
	}
	if (optind + 2 >= argc || strcmp(argv[optind + 1], "--") ||
	    runs < 1 || runs > EXITLAT_MAX_RUNS) {
		fprintf(stderr, "usage: exitlat [-n RUNS] [-w MS] cmd|sigint "
			"-- TRACER ARGS...\n");
		return 2;
	}
	sigint_mode = !strcmp(argv[optind], "sigint");
	mode = optind;
	targv = &argv[mode + 2];
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0)
		return 2;
	self[len] = '\0';
	snprintf(stamp, sizeof(stamp), "/tmp/exitlat.%d", (int)getpid());
	snprintf(cmd, sizeof(cmd), "%s --child %s %ld", self, stamp, wait_ms);
	for (i = 0; targv[i]; i++)
		if (!strcmp(targv[i], "{CMD}"))
			targv[i] = cmd;

	for (i = 0; i < runs; i++) {
		double l = exitlat_once(targv, sigint_mode, wait_ms, stamp);

		if (l < 0)
			fails++;
		else
			lat[n++] = l;
	}
	unlink(stamp);
	qsort(lat, (size_t)n, sizeof(lat[0]), exitlat_cmp);
	if (!n) {
		printf("runs=%ld fails=%d med_ms=- min_ms=- max_ms=-\n", runs,
		       fails);
		return 0;
	}
	printf("runs=%ld fails=%d med_ms=%.2f min_ms=%.2f max_ms=%.2f\n", runs,
	       fails, n % 2 ? lat[n / 2] : (lat[n / 2 - 1] + lat[n / 2]) / 2,
	       lat[0], lat[n - 1]);
	return 0;
}
