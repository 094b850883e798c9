/* child.c - the -c command and the minimal init it runs under.
 *
 * Input: the command line of -c and what the command must start with
 * (struct child_env).  Output: a child parked until child_release(), then
 * the command running with normal signal semantics, and its wait status
 * once it has ended.  See child.h for the contract; the init is
 * child_init() below.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"

/* What makes a command need a shell; anything else is plain words, run
 * directly (as bpftrace does: an exec of sh saved is a millisecond of every
 * short run). */
#define CHILD_SHELL_CHARS	"|&;<>()$`\\\"'*?[]#~=%!{}\n\t"
#define CHILD_MAX_WORDS		64

/* The signals the init passes on to the command. */
static const int child_forwarded[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM,
	SIGWINCH, SIGCONT, SIGTSTP,
};
/* The signals whose disposition the command gets from spry's start. */
static const int child_reset[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2,
	SIGALRM, SIGWINCH, SIGTSTP,
};

/* Split @cmd into words when it is plain words; NULL otherwise.  The copy
 * is malloc'd (*copy), for the caller to free. */
static char **child_words(const char *cmd, char **copy, char **argv)
{
	unsigned n = 0;
	char *w;

	*copy = NULL;
	if (strpbrk(cmd, CHILD_SHELL_CHARS) || !(*copy = strdup(cmd)))
		return NULL;
	for (w = strtok(*copy, " "); w && n < CHILD_MAX_WORDS - 1;
	     w = strtok(NULL, " "))
		argv[n++] = w;
	argv[n] = NULL;
	return n && !w ? argv : NULL;
}

/* The executable @name would run as: a path as given, or found on @path
 * ($PATH; execvp's default when NULL).  0 or -errno, the path in @buf. */
static int child_find(const char *name, const char *path, char *buf,
		      size_t n)
{
	const char *p, *end;
	struct stat st;
	int err = -ENOENT;

	if (strchr(name, '/')) {
		snprintf(buf, n, "%s", name);
		if (stat(buf, &st))
			return -errno;
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
		return access(buf, X_OK) ? -errno : 0;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = end + 1) {
		end = strchrnul(p, ':');
		/* an empty entry is the current directory */
		snprintf(buf, n, "%.*s%s%s", (int)(end - p), p,
			 end > p ? "/" : "", name);
		if (!stat(buf, &st) && !S_ISDIR(st.st_mode)) {
			if (!access(buf, X_OK))
				return 0;
			err = -EACCES;
		}
		if (!*end)
			break;
	}
	return err;
}

/* The shell's builtins (POSIX's, and dash's echo/printf/test): a plain
 * command naming one runs through sh -c, as child_exec() falls back to. */
static bool child_builtin(const char *name)
{
	static const char *const builtins[] = {
		".", ":", "[", "alias", "bg", "break", "cd", "command",
		"continue", "echo", "eval", "exec", "exit", "export", "false",
		"fc", "fg", "getopts", "hash", "jobs", "kill", "newgrp",
		"printf", "pwd", "read", "readonly", "return", "set", "shift",
		"test", "times", "trap", "true", "type", "ulimit", "umask",
		"unalias", "unset", "wait",
	};
	unsigned i;

	for (i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (!strcmp(name, builtins[i]))
			return true;
	return false;
}

int child_check(const char *cmd, const char *path, struct diag *d)
{
	char *argv[CHILD_MAX_WORDS], *copy, found[4096];
	bool plain = child_words(cmd, &copy, argv) != NULL;
	const char *what = plain ? argv[0] : "/bin/sh";
	int err;

	if (plain && child_builtin(what)) {
		plain = false;
		what = "/bin/sh";
	}
	if (plain)
		err = child_find(what, path, found, sizeof(found));
	else
		err = access(what, X_OK) ? -errno : 0;
	if (err == -ENOENT && plain && !strchr(what, '/'))
		diag_error(d, NULL, "cannot run '%s': %s: command not found",
			   cmd, what);
	else if (err)
		diag_error(d, NULL, "cannot run '%s': %s: %s", cmd, what,
			   strerror(-err));
	free(copy);
	return err;
}

/* In the command's process: exec it, directly when it is plain words,
 * else (or when that fails: sh then says why) through sh -c. */
static void __attribute__((noreturn)) child_exec(const char *cmd)
{
	char *argv[CHILD_MAX_WORDS], *copy;
	int err;

	if (child_words(cmd, &copy, argv))
		execvp(argv[0], argv);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	err = errno;
	fprintf(stderr, "spry: cannot run '%s': %s\n", cmd, strerror(err));
	_exit(err == ENOENT ? 127 : 126);
}

/* In the command's process, before exec: what it would start with without
 * spry. */
static void child_setup(const struct child_env *env)
{
	sigset_t none;
	unsigned i;

	for (i = 0; i < sizeof(child_reset) / sizeof(child_reset[0]); i++) {
		int sig = child_reset[i];

		signal(sig, env->ignored && sigismember(env->ignored, sig) ?
		       SIG_IGN : SIG_DFL);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (env->memlock)
		setrlimit(RLIMIT_MEMLOCK, env->memlock);
	if (env->nofile)
		setrlimit(RLIMIT_NOFILE, env->nofile);
}

/* The signals the init waits for: those it forwards, and SIGCHLD. */
static void child_init_set(sigset_t *set)
{
	unsigned i;

	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	for (i = 0; i < sizeof(child_forwarded) / sizeof(child_forwarded[0]);
	     i++)
		sigaddset(set, child_forwarded[i]);
}

/* In the command's process: wait on the gate until spry releases it (EOF:
 * spry gave up, or died), then run the command. */
static void __attribute__((noreturn))
child_run(const char *cmd, const struct child_env *env, int gate)
{
	ssize_t r;
	char x;

	do
		r = read(gate, &x, 1);
	while (r < 0 && errno == EINTR);
	if (r != 1)
		_exit(127);
	close(gate);
	child_setup(env);
	child_exec(cmd);
}

/* Write all of @n bytes at @p on @fd, or give up: the reader, spry, is
 * gone. */
static void child_tell(int fd, const void *p, size_t n)
{
	if (write(fd, p, n) < 0) {
		/* spry is gone: nobody to tell */
	}
}

/* pid 1 of the command's namespace: fork the command at once (it waits on
 * @gate, and spry learns its pid before attaching: a probe may need it),
 * say so on @report, pass signals on, reap, and report the command's end
 * (its wait status) on @report.  The signals of child_init_set() are
 * blocked already (since the fork: none is lost, sigwaitinfo takes them in
 * turn). */
static void __attribute__((noreturn))
child_init(const char *cmd, const struct child_env *env, int gate, int report)
{
	sigset_t set;
	pid_t pid, w;
	int st;

	prctl(PR_SET_NAME, "spry-init");
	child_init_set(&set);
	pid = fork();
	if (!pid) {
		/* spry's child until it execs the command, as without a
		 * namespace: not to be taken for the init */
		prctl(PR_SET_NAME, "spry");
		close(report);
		child_run(cmd, env, gate);
	}
	/* the command alone reads the gate: spry's write is for it */
	close(gate);
	child_tell(report, "f", 1);
	if (pid < 0) {
		st = 127 << 8;
		child_tell(report, &st, sizeof(st));
		_exit(127);
	}
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);

		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			/* the terminal signals the whole process group: the
			 * command had its own copy */
			if (si.si_code != SI_KERNEL)
				kill(pid, sig);
			continue;
		}
		while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
			if (w != pid)
				continue;
			child_tell(report, &st, sizeof(st));
			/* the kernel ends the rest of the namespace */
			_exit(0);
		}
	}
}

/* The parent pid in a /proc/PID/stat line, -1 if none. */
static int child_stat_ppid(const char *line)
{
	const char *p = strrchr(line, ')');
	char *end;
	long v;

	/* ") S 1234 ...": past the state, one character between blanks */
	if (!p)
		return -1;
	for (p++; *p == ' '; p++)
		;
	if (!*p)
		return -1;
	for (p++; *p == ' '; p++)
		;
	v = strtol(p, &end, 10);
	return end == p ? -1 : (int)v;
}

/* The init's child, under the pids of spry's namespace: the one pid in its
 * children list (CONFIG_PROC_CHILDREN), else the process whose parent it
 * is.  0 if none. */
static pid_t child_of(pid_t init)
{
	char path[300], line[512];
	DIR *dir;
	struct dirent *e;
	FILE *f;
	int pid = 0, ppid;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)init,
		 (int)init);
	/* fgets() and strtol(), not the scanf family: its engine (with
	 * strtod and the wide conversions) is 90 KB of a static spry */
	f = fopen(path, "re");
	if (f) {
		if (fgets(line, sizeof(line), f))
			pid = (int)strtol(line, NULL, 10);
		fclose(f);
		if (pid > 0)
			return pid;
		pid = 0;
	}
	dir = opendir("/proc");
	while (dir && !pid && (e = readdir(dir))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		f = fopen(path, "re");
		/* "pid (comm) state ppid ...": comm may hold anything but the
		 * last ')' */
		if (f && fgets(line, sizeof(line), f) &&
		    (ppid = child_stat_ppid(line)) > 0 && ppid == init)
			pid = atoi(e->d_name);
		if (f)
			fclose(f);
	}
	if (dir)
		closedir(dir);
	return pid;
}

/* The init has forked the command (its "f" on the report pipe): learn its
 * pid.  0 or -errno, reported. */
static int child_forked(struct child *c, const char *cmd, struct diag *d)
{
	ssize_t r;
	char x;

	do
		r = read(c->report, &x, 1);
	while (r < 0 && errno == EINTR);
	if (r == 1 && x == 'f')
		c->command = child_of(c->pid);
	if (c->command > 0)
		return 0;
	diag_error(d, NULL, "cannot run '%s': its init could not start it",
		   cmd);
	return -ECHILD;
}

int child_start(struct child *c, const char *cmd, const struct child_env *env,
		struct diag *d)
{
	int gate[2], report[2] = { -1, -1 };
	pid_t pid;

	memset(c, 0, sizeof(*c));
	c->gate = c->report = -1;
	if (pipe2(gate, O_CLOEXEC) || pipe2(report, O_CLOEXEC)) {
		int err = -errno;

		diag_error(d, NULL, "cannot run '%s': %s", cmd, strerror(-err));
		if (report[0] >= 0) {
			close(report[0]);
			close(report[1]);
		}
		return err;
	}
	/* stdio buffers would be written twice, by both processes */
	fflush(NULL);
#if defined(__s390__)
	/* s390's clone takes the stack before the flags (CLONE_BACKWARDS2) */
	pid = (pid_t)syscall(SYS_clone, NULL, CLONE_NEWPID | SIGCHLD, NULL,
			     NULL, NULL);
#else
	pid = (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, NULL, NULL,
			     NULL, NULL);
#endif
	c->own_ns = pid >= 0;
	if (pid < 0)
		pid = fork();
	if (pid < 0) {
		int err = -errno;

		diag_error(d, NULL, "cannot run '%s': %s", cmd, strerror(-err));
		close(gate[0]);
		close(gate[1]);
		close(report[0]);
		close(report[1]);
		return err;
	}
	if (!pid) {
		sigset_t set;
		unsigned i;

		/* none of spry's handlers here (they would wake spry's event
		 * wait), and no signal lost before the init waits for them */
		child_init_set(&set);
		sigprocmask(SIG_BLOCK, &set, NULL);
		for (i = 0; i < sizeof(child_reset) / sizeof(child_reset[0]);
		     i++)
			signal(child_reset[i], SIG_DFL);
		/* die with spry, even a spry killed by SIGKILL.  Had spry
		 * died before this prctl, the gate's write end is closed and
		 * the command's read of it sees EOF: no race. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(gate[1]);
		close(report[0]);
		if (getpid() == 1)
			child_init(cmd, env, gate[0], report[1]);
		close(report[1]);
		child_run(cmd, env, gate[0]);
	}
	close(gate[0]);
	close(report[1]);
	c->pid = pid;
	c->gate = gate[1];
	c->report = report[0];
	if (!c->own_ns) {
		c->command = pid;
		return 0;
	}
	return child_forked(c, cmd, d);
}

void child_release(struct child *c)
{
	ssize_t r;

	if (c->gate < 0)
		return;
	do
		r = write(c->gate, "x", 1);
	while (r < 0 && errno == EINTR);
	close(c->gate);
	c->gate = -1;
}

/* The child is reaped with @st: the command's status is what the init
 * reported, or, without one (no namespace, or the init was killed), the
 * child's own. */
static void child_reaped(struct child *c, int st)
{
	ssize_t r = -1;

	if (c->report >= 0) {
		do
			r = read(c->report, &c->status, sizeof(c->status));
		while (r < 0 && errno == EINTR);
		close(c->report);
		c->report = -1;
	}
	if (r != sizeof(c->status))
		c->status = st;
	c->ended = true;
	c->pid = 0;
}

bool child_done(struct child *c)
{
	pid_t r;
	int st;

	if (!c->pid)
		return true;
	r = waitpid(c->pid, &st, WNOHANG);
	if (r == c->pid) {
		child_reaped(c, st);
		return true;
	}
	if (r < 0 && errno == ECHILD) {
		/* reaped elsewhere: nothing to say about it */
		c->pid = 0;
		return true;
	}
	return false;
}

void child_kill(struct child *c)
{
	int st;

	if (c->gate >= 0) {
		close(c->gate);
		c->gate = -1;
	}
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
			;
		c->pid = 0;
	}
	if (c->report >= 0) {
		close(c->report);
		c->report = -1;
	}
}

int child_exit_code(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
