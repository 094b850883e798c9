/* child.h - the -c command, started under a minimal init of spry's own.
 *
 * The command must never outlive spry, even a spry killed by SIGKILL, and
 * neither must anything it starts.  Where the kernel lets us (CAP_SYS_ADMIN)
 * the child is pid 1 of a new pid namespace, with PR_SET_PDEATHSIG: when it
 * dies the kernel kills the whole namespace.  But pid 1 of a namespace gets
 * no signal it has no handler for (a command raising SIGTERM survived it,
 * `spry -c yes | head -1` made yes print "Broken pipe"), so pid 1 is spry's
 * own init and the command its child, with ordinary signal semantics:
 *
 *   - the command starts with an empty signal mask and the dispositions spry
 *     itself started with (SIGPIPE at its default, unless spry was started
 *     with it ignored), in spry's process group and terminal;
 *   - the init forwards to the command the signals sent to the init itself
 *     (HUP INT QUIT TERM USR1 USR2 ALRM WINCH CONT TSTP), except those the
 *     terminal sends to the whole process group: the command has its own;
 *   - the init reaps whatever is orphaned in the namespace, and when the
 *     command ends it hands its wait status to spry and exits, which ends
 *     everything else in the namespace.
 *
 * Without a namespace the child is the command itself, after a plain fork.
 * Either way the command's process exists when child_start() returns (the
 * init forks it at once), and waits on a pipe until child_release(): the
 * probes, which may need its pid, are attached before it runs.
 */
#ifndef SPRY_CHILD_H
#define SPRY_CHILD_H

#include <signal.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "diag.h"

struct child {
	pid_t pid;		/* the init (or the command), as spry sees it;
				 * 0 when there is none or it was reaped */
	pid_t command;		/* the command's process as spry sees it:
				 * there (parked) from child_start() on, so
				 * that probes can name it when they attach */
	bool own_ns;		/* pid is pid 1 of a pid namespace of its own */
	bool ended;		/* the command ended: status is its wait status */
	int status;
	int gate;		/* write end of the pipe the child waits on */
	int report;		/* read end of the init's status pipe */
};

/* What the command starts with: the limits spry raised for itself, as they
 * were (NULL: as they are), and the signals ignored when spry started. */
struct child_env {
	const struct rlimit *memlock, *nofile;
	const sigset_t *ignored;
};

/* Whether @cmd can start at all: a plain command (words without shell
 * syntax) must name an executable file, directly or on @path ($PATH as the
 * host read it; NULL: execvp's default), or a shell builtin; anything else
 * needs /bin/sh.  0, or -errno reported through @d. */
int child_check(const char *cmd, const char *path, struct diag *d);
/* Fork the child and the command's process, parked until child_release();
 * c->command is its pid.  0 or -errno (reported). */
int child_start(struct child *c, const char *cmd, const struct child_env *env,
		struct diag *d);
/* Let the command run. */
void child_release(struct child *c);
/* Whether the command has ended (and its child was reaped); never blocks. */
bool child_done(struct child *c);
/* Kill the child and all it started, and reap it.  Safe to call twice. */
void child_kill(struct child *c);
/* The shell's convention for a wait status: the exit code, or 128 + the
 * signal that killed it. */
int child_exit_code(int status);

#endif
