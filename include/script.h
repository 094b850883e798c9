/* script.h - a script through the whole pipeline.
 *
 * struct script owns everything about one run of spry: the source, the AST,
 * the concrete probes with their IR and BPF code, the maps and the event
 * descriptors that let user space decode what the programs send.  All of it
 * lives in s->arena.  The compiler fills it (compile.c: parse -> expand ->
 * sema -> lower -> regalloc -> emit); the runtime (runtime.c) creates maps,
 * loads, attaches and reads events using only what is recorded here.
 */
#ifndef SPRY_SCRIPT_H
#define SPRY_SCRIPT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <linux/bpf.h>

#include "diag.h"
#include "names.h"

struct arena;
struct node;
struct type;
struct provider;
struct ir_func;
struct spec;
struct arch;
struct pvar;
struct host;
struct btf;
struct cpp;
struct ctypes;

/* ---- maps ---- */

enum map_kind {
	MAP_PLAIN,	/* m[k] = v: plain hash (array when keyless) */
	MAP_COUNT,	/* @m[k] = count() */
	MAP_SUM,	/* @m[k] = sum(x) */
	MAP_QUANTIZE,	/* @m[k] = quantize(x): ply's name for hist() */
	MAP_HIST,	/* @m[k] = hist(x): key gets a trailing u64 bucket, as
			 * bpftrace's: 0 for x < 0, 1 for 0, 2 for 1, then b
			 * with 2^(b-2) <= x < 2^(b-1); value u64 count */
	MAP_LHIST,	/* @m[k] = lhist(x, min, max, step): trailing u64 bucket
			 * 0 for x < min, 1 + (x - min) / step, nbuckets + 1
			 * for x >= max (lhist_* below); value u64 count */
	MAP_MIN,	/* @m[k] = min(x) / max(x): value {s64 value; u64
			 * seen} per CPU: seen is 0 on CPUs that never saw
			 * the key */
	MAP_MAX,
	MAP_AVG,	/* @m[k] = avg(x) / stats(x): value {u64 count; s64
			 * total} (per CPU and summed when keyless) */
	MAP_STATS,
	/* internal maps, created for the script, never named by it */
	MAP_EVENTS,	/* BPF_MAP_TYPE_RINGBUF (perf event array fallback) */
	MAP_LOST,	/* array[1] of u64: events the ring buffer refused,
			 * added to atomically through its value's address */
	MAP_STACKS,	/* BPF_MAP_TYPE_STACK_TRACE */
	MAP_CHILD,	/* array[1] of { u64 dev, ino }: the -c command's pid
			 * namespace, written by the runtime once it has
			 * started the command (ino 0: not in a namespace of its
			 * own, do not filter) */
	MAP_START,	/* array[1] of { u64 start, cpid }: the boot-time ns
			 * at which tracing started (elapsed) and the -c
			 * command's pid (cpid), written by the runtime before
			 * loading */
	MAP_SCRATCH,	/* per-CPU array[1] of LAYOUT_SCRATCH bytes: records
			 * too large for the stack (join) are built here */
	MAP_ZERO,	/* array[1] of LAYOUT_ZERO bytes never written: the
			 * all-zero first value of a hash aggregation's new
			 * key, addressed directly (BPF_PSEUDO_MAP_VALUE) */
};

struct map {
	unsigned id;		/* index in script.maps; IR/BPF refer to maps by it */
	const char *name;	/* "@foo", "@", "foo", or "<events>" for internal */
	struct loc loc;		/* first mention */
	enum map_kind kind;
	bool printed;		/* @-maps print at exit */

	/* types, unified by sema over every probe */
	unsigned nkeys;
	const struct type **keys;	/* nkeys user keys */
	const struct type *val;		/* user value type (u64 for count/sum) */

	/* layout (layout.h: layout_maps()); the runtime uses only this */
	enum bpf_map_type bpf_type;
	unsigned key_size, val_size;	/* bytes, as given to BPF_MAP_CREATE */
	unsigned *key_off;		/* offset of each user key in the key */
	unsigned max_entries;
	int64_t lhist_min, lhist_max, lhist_step;	/* MAP_LHIST */
	unsigned stack_frames;	/* MAP_STACKS: frames a stack keeps (0: the
				 * kernel's most, LAYOUT_STACK_DEPTH) */
#define LHIST_MAX_BUCKETS	1000	/* (max - min) / step, at most */
	/* (the map's fd is the runtime's: runtime.h, rt->map_fd[id]) */
};

/* ---- events: records programs send to user space ----
 * Every record starts with a u64 event id (the index in script.events);
 * arguments follow at the offsets recorded here. */

enum event_kind {
	EV_PRINTF,	/* fmt + args */
	EV_PRINT,	/* args printed with their default format, ", "-joined */
	EV_PRINTMAP,	/* print(@m): map */
	EV_CLEAR,	/* clear(@m): map */
	EV_EXIT,	/* exit(code): args[0] is the s64 code */
	/* bpftrace's, formatted or acted on in user space */
	EV_TIME,	/* time(fmt): the time now by fmt (strftime) */
	EV_CAT,		/* cat(fmt, ...): the file named by the format */
	EV_SYSTEM,	/* system(fmt, ...): the command's output */
	EV_JOIN,	/* join(argv, sep): {id, u64 len, strings packed with
			 * their NULs}, len bytes of them, sep in fmt */
	EV_ZERO,	/* zero(@m): map */
	EV_PROVIDER,	/* sent by a program a provider wrote itself (the
			 * watchpoint's trigger): handed to probe->prov->event */
	EV_HELPER_ERROR,	/* -k, -kk: a helper call failed: args[0] is
				 * what it returned (s64), `helper` names it */
};

/* A record's first word: the event id in its low 32 bits, and a by_cpu
 * event's sending CPU above them (lower_event_id() writes it). */
#define EVENT_CPU_SHIFT 32
static inline uint64_t event_word_id(uint64_t word)
{
	return word & 0xffffffffu;
}
static inline unsigned event_word_cpu(const void *rec)
{
	uint64_t word;

	memcpy(&word, rec, sizeof(word));
	return (unsigned)(word >> EVENT_CPU_SHIFT);
}

struct event_arg {
	const struct type *type;
	unsigned off;
	struct loc loc;
};

struct event {
	unsigned id;
	enum event_kind kind;
	struct loc loc;
	const char *fmt;	/* EV_PRINTF, EV_CAT, EV_SYSTEM, EV_TIME (the
				 * format), EV_JOIN (the separator), escapes
				 * decoded */
	unsigned nargs;
	struct event_arg *args;
	unsigned size;		/* record size in bytes */
	struct map *map;	/* EV_PRINTMAP, EV_CLEAR, EV_ZERO */
	struct probe *probe;	/* EV_PROVIDER */
	/* Sent by an attached probe, not by BEGIN or END, which the runtime
	 * runs itself.  Once the trace is stopped these records are dropped:
	 * the attached probes go on firing until they are detached, after
	 * spry's output (runtime.c). */
	bool by_probe;
	/* An event that prints (printf, print, time, join; print(@m), cat,
	 * system) of a script that prints partial lines: its record's id word
	 * carries the CPU that sent it in its high 32 bits, and the printer
	 * puts each CPU's text together into lines (records of two CPUs
	 * interleave in the one ring buffer; bpftrace's per-CPU buffers keep
	 * each CPU's together); a map, a file or a command's output follows
	 * the line its CPU left open. */
	bool by_cpu;
	uint64_t top, div;	/* EV_PRINTMAP: print(@m, top, div); 0: all,
				 * undivided */
	const char *helper;	/* EV_HELPER_ERROR: "map_update_elem" */
};

/* ---- scratch variables ----
 * A probe's $x: typed by its assignments (sema unifies them: ints widen to
 * 64 bits, strings to the longest), held in a register (integers and
 * pointers) or a stack slot (strings, tuples, records) for the whole run of
 * the program. */
struct var {
	unsigned id;		/* index in probe.vars */
	const char *name;	/* "$x" */
	struct loc loc;		/* its first assignment */
	const struct type *type;	/* unified over the probe */
	/* sema's walk: this walk's unification, and whether an assignment
	 * came before (a read without one is an error, as in bpftrace) */
	const struct type *cur;
	struct loc cur_loc;
	bool assigned;
};

/* ---- probes ---- */

/* A map relocation: insn[insn] is a BPF_LD_IMM64 whose imm holds a map id;
 * the runtime writes the map's fd there before loading.  Its src_reg says
 * what it loads: BPF_PSEUDO_MAP_FD the map, BPF_PSEUDO_MAP_VALUE the address
 * of the value of an array of one entry, plus the offset that insn[insn + 1]'s
 * imm holds (the runtime keeps it). */
struct reloc {
	unsigned insn;
	unsigned map;
};

/* One concrete probe, from its specifier to its BPF code.  What the
 * runtime needs is the provider, the target, prog_type, priv and the code;
 * the runtime's handles (program fd, attach state) are its own (struct
 * rt_probe, provider.h).  Made by script_probe_new() only. */
struct probe {
	struct probe *next;
	/* as written */
	const struct provider *prov;
	const struct spec *spec;
	const char *target;		/* concrete target after expansion */
	struct loc loc;			/* of the specifier */
	struct node *pred, *body;	/* own copy of the AST (ast_clone) */

	/* the provider's (expand) */
	enum bpf_prog_type prog_type;
	/* what BPF_PROG_LOAD needs besides the type for programs that name their
	 * attach point when loaded (fentry, fexit: BPF_PROG_TYPE_TRACING):
	 * the attach type, the BTF id of the function and the module whose
	 * BTF holds it (NULL: vmlinux) */
	enum bpf_attach_type attach_type;
	uint32_t attach_btf_id;
	const char *attach_btf_module;
	void *priv;			/* opaque: the provider's own state
					 * (context type, ids, filters) */
	char **targets;			/* glob matches for multi-attach providers */
	unsigned ntargets;
	/* -c: run only for the command's processes.  The runtime starts the
	 * command in a new pid namespace (child.h), so everything it runs is
	 * in that namespace: lowering begins the program with a
	 * bpf_get_ns_current_pid_tgid() check against s->child_map. */
	bool child_only;
	/* one of several specifiers of a probe list: a target that does not
	 * exist is a warning that drops this probe (provider_missing()) */
	bool optional;
	/* sema: the scratch variables ($x) */
	struct var **vars;
	unsigned nvars;

	/* compiled */
	struct ir_func *ir;		/* lowering */
	struct bpf_insn *insns;		/* emit */
	struct loc *insn_loc;		/* parallel to insns */
	unsigned ninsns;
	struct reloc *relocs;
	unsigned nrelocs;
};

struct script_opts {
	unsigned map_entries;	/* default max_entries of script maps */
	unsigned str_size;	/* default str() buffer, bytes */
	unsigned events_size;	/* ring buffer bytes (power of two) */
	int target_pid;		/* -p; 0: any */
	bool command;		/* -c: a command runs under spry (providers set
				 * probe.child_only where they follow it) */
	const char *command_text;	/* ...and what it is, as given */
	FILE *dump;		/* -S: each pass's output goes here */
	bool perf_events;	/* events through a perf event array: for
				 * kernels without the BPF ring buffer (< 5.8) */
	bool prepare;		/* let providers ready the host before
				 * expansion (mount tracefs): not --dry-run */
	const char *const *params;	/* positional parameters $1.. */
	unsigned nparams;		/* $# */
	bool unsafe;		/* --unsafe: system(), signal(), override() */
	unsigned helper_errors;	/* -k 1, -kk 2: report failing helpers */
	unsigned max_probes;	/* BPFTRACE_MAX_PROBES (default 512) */
	const char **include_dirs;	/* -I, in order */
	unsigned ninclude_dirs;
	const char **includes;		/* --include, in order */
	unsigned nincludes;
};

struct script {
	struct arena *arena;
	struct source src;
	struct script_opts opts;
	struct node *ast;		/* N_PROBE list as parsed */
	struct probe *probes;		/* expanded */
	unsigned nprobes;
	struct map **maps;
	unsigned nmaps;
	struct names map_names;		/* name -> struct map */
	struct names memo;		/* what providers read once per
					 * script, by a key of their own */
	struct event **events;
	unsigned nevents;
	struct map *events_map, *lost_map;		/* NULL if unused */
	struct map *child_map;				/* likewise */
	struct map *start_map, *scratch_map;		/* likewise */
	struct map *zero_map;				/* likewise */
	const struct arch *arch;	/* the target (host unless --arch) */
	const struct host *host;	/* the environment's settings (host.h);
					 * NULL: the defaults */
	/* C types: the preprocessor's macros, the kernel's BTF (read only
	 * when a name needs it) and the script's definitions over it */
	struct cpp *cpp;
	struct btf *btf;
	struct ctypes *ctypes;
	/* some printf() or time() format ends without a newline: every text
	 * event is by_cpu (lower_partial_lines()) */
	bool partial_lines;
};

/* script.c: the probe constructor and the registries, used by the passes */
/* A probe of @prov for @target (as written when expansion has not yet
 * happened), specified at @loc by @spec (may be NULL), whose AST is @pred
 * and @body: a tree of its own (ast_clone()), since sema annotates it in
 * place.  Not linked into s->probes: the caller places it. */
struct probe *script_probe_new(struct script *s, const struct provider *prov,
			       const struct spec *spec, const char *target,
			       struct loc loc, struct node *pred,
			       struct node *body);
struct map *script_map_add(struct script *s, const char *name, struct loc loc,
			   enum map_kind kind);
struct map *script_map_find(struct script *s, const char *name);
struct event *script_event_add(struct script *s, enum event_kind kind,
			       struct loc loc);
/* The internal maps, created on first use. */
struct map *script_events_map(struct script *s);
struct map *script_lost_map(struct script *s);
/* The stack map of stacks of @frames frames (0: the most): each frame
 * limit its own map, so that stacks alike in their first frames are one
 * stack id (one map key), as the kernel hashes only what it keeps. */
struct map *script_stacks_map(struct script *s, unsigned frames);
struct map *script_child_map(struct script *s);
struct map *script_start_map(struct script *s);
struct map *script_scratch_map(struct script *s);
struct map *script_zero_map(struct script *s);

/* compile.c: the pipeline.  0 or -errno; problems reported to @d. */
int compile_script(struct script *s, struct diag *d);

#endif
