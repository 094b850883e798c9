/* runtime.h - running a compiled script in the kernel.
 *
 * Requires: compile_script() succeeded.  The runtime creates the maps from
 * their recorded layout, patches map fds into each program, loads it (with the
 * verifier log mapped back to script locations on rejection), attaches every
 * probe through its provider, runs BEGIN, consumes the event ring buffer until
 * exit(), a signal, the end of the -c command or event loss, then runs END,
 * prints the @-maps and tears everything down.  Nothing outlives rt_close():
 * no program, map, link, perf event or -c child.
 */
#ifndef SPRY_RUNTIME_H
#define SPRY_RUNTIME_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "child.h"
#include "diag.h"

struct script;
struct output;
struct rt_probe;
struct kbpf_buf;

/* -f: text, json, or a picture (output.h, picture.h) */
enum out_format { OUT_TEXT, OUT_JSON, OUT_FOLDED, OUT_SVG, OUT_HEATMAP };

struct rt_opts {
	const char *command;	/* -c: run under sh -c once attached */
	pid_t pid;		/* -p */
	bool keep_going;	/* --keep-going: warn about lost events instead
				 * of stopping */
	bool quiet;		/* -q: no "Attaching N probes..." line */
	bool unbuffered;	/* -u */
	bool verbose_log;	/* -d: print the whole verifier log */
	bool verbose;		/* -v: say what is loaded and attached */
	bool load_only;		/* load every program, attach nothing */
	enum out_format format;	/* -f */
	FILE *out;		/* NULL: stdout (tests capture it) */
	bool out_is_file;	/* -o: bpftrace writes the two newlines before
				 * the maps to stdout, not into the file */
};

struct runtime {
	struct script *s;
	struct diag *d;
	struct rt_opts opts;
	struct output *out;
	struct child cmd;	/* -c: the command under spry's init */
	pid_t child;		/* the command's pid as spry sees it, once
				 * known (to name its addresses); 0 before */
	int child_ns;		/* the child's pid namespace, held open so
				 * that its inode number, which -c probes
				 * compare with, is not reused while they run */
	bool by_command;	/* the command's end ended the trace */
	int exit_code;
	bool exiting;
	bool muted;		/* exit() seen: drop later records until END */
	bool write_failed;	/* "cannot write the trace" was said */
	int abandoned;		/* the second stop signal: output given up */
	unsigned long long lost;	/* events lost, reported so far */
	unsigned long long lost_perf;	/* perf buffer's own loss count */
	time_t lost_warned;		/* -k: when losses were last reported */
	int ncpus;		/* possible CPUs: per-CPU value count */
	/* the handles of this run (the script is the compiled program) */
	struct rt_probe *probes;	/* one per probe, in s->probes order */
	unsigned nprobes;
	int *map_fd;			/* by map id; -1 until created */
	unsigned nmap_fd;
	struct kbpf_buf *buf;	/* reader of the ring (or perf) buffer */
	unsigned attach_end;	/* probes[0..attach_end) attach was tried on */
	bool attaching;		/* rt_attach started: detach on close */
	bool opened;		/* rt_open started: rt_close has work */
	bool stopped;		/* trace over: only BEGIN/END records count */
	unsigned long long lost_at_stop;	/* losses counted when it stopped */
};

/* Create maps, load programs.  With opts->command, fork the child now (it
 * waits) so that -p-like filters can name it.  0 or -errno, reported. */
int rt_open(struct runtime *rt, struct script *s, const struct rt_opts *opts,
	    struct diag *d);
/* Attach every probe (not BEGIN/END).  0 or -errno, reported. */
int rt_attach(struct runtime *rt);
/* Run BEGIN, release the child, loop over events, run END, print maps.
 * Returns the process exit status spry should end with: see rt_status() and
 * EXIT STATUS in spry(1). */
int rt_run(struct runtime *rt);
/* Detach, close everything, kill and reap the child if still there. */
void rt_close(struct runtime *rt);

/* Install spry's signal handling (idempotent; rt_open() does it too, main
 * does it before anything is made): SIGINT, SIGTERM and SIGHUP (unless
 * ignored at start, as under nohup) stop tracing, a second one abandons the
 * output; SIGPIPE is ignored. */
void rt_signals(void);

/* Whether this process may trace: root, or CAP_BPF and CAP_PERFMON (or
 * CAP_SYS_ADMIN).  0, or -EPERM with one message saying what is missing. */
int rt_check_privilege(struct diag *d);

/* Kernel feature self-test for -T; prints a report, returns 0 if usable. */
int rt_selftest(FILE *out, struct diag *d);

/* Read map @m into @md (per-CPU values summed), for print(@m), the maps at
 * exit and the tests.  0 or -errno; free with rt_map_data_free(). */
struct out_map_data;
struct map;
int rt_map_read(struct runtime *rt, const struct map *m,
		struct out_map_data *md);
void rt_map_data_free(struct out_map_data *md);

/* Whether this kernel has BPF_MAP_TYPE_RINGBUF (5.8+).  Lowering may choose
 * a perf event array for MAP_EVENTS (bpf_perf_event_output) when it has
 * not; the runtime consumes whichever type the layout names. */
bool rt_has_ringbuf(void);

#endif
