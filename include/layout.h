/* layout.h - the byte layouts user space and the programs share.
 *
 * Requires: sema_script() succeeded (every map's kind, keys and value are
 * unified).  Decides, once, how each map is created (BPF type, key and value
 * sizes, the offset of each user key, entries) and where each argument of an
 * event record lies.  Lowering writes these layouts, the runtime creates maps
 * from them and the output layer decodes them: this module is that contract,
 * and nothing else in the compiler chooses a byte offset user space reads.
 *
 *   map key:    each user key at key_off[i], 8-aligned; integers are 8-byte
 *               values, strings char[N] with N rounded up to 8, zero-padded;
 *               histogram maps (quantize, hist, lhist) add a trailing u64
 *               bucket at key_size - 8.  Keyless maps (not those) are
 *               arrays keyed by u32 0.
 *   map value:  8-byte integer (count/sum/histograms), min/max's {s64
 *               value; u64 seen} per CPU, avg/stats' {u64 count; s64
 *               total}, or the memory value rounded up to 8.  Keyed
 *               aggregations but min/max are one value every CPU adds to
 *               atomically; keyless ones and min/max are per CPU.
 *   record:     u64 event id at 0, then each argument at an 8-aligned
 *               offset: scalars as 8-byte values, memory values at their
 *               type's size; the size is rounded up to 8.
 */
#ifndef SPRY_LAYOUT_H
#define SPRY_LAYOUT_H

#include <stdbool.h>

#include "diag.h"

struct script;
struct map;
struct event;
struct type;

#define LAYOUT_STACK		512	/* MAX_BPF_STACK */
#define LAYOUT_MAX_VALUE	32768	/* 16-bit signed insn offsets */
#define LAYOUT_ENTRIES		4096	/* max_entries without -M */
#define LAYOUT_EVENTS_SIZE	(256 * 1024)	/* ring buffer without -b */
#define LAYOUT_STACK_DEPTH	127	/* PERF_MAX_STACK_DEPTH */
/* join()'s record, built in the per-CPU scratch map: up to JOIN_ARGS
 * strings of up to JOIN_ARG_SIZE bytes each (bpftrace's 16 and 1024),
 * packed; the area they are packed into is a power of two so that a
 * masked offset keeps every write inside it */
#define LAYOUT_JOIN_ARGS	16
#define LAYOUT_JOIN_ARG_SIZE	1024
#define LAYOUT_JOIN_AREA	(LAYOUT_JOIN_ARGS * LAYOUT_JOIN_ARG_SIZE)
#define LAYOUT_SCRATCH		(16 + LAYOUT_JOIN_AREA + LAYOUT_JOIN_ARG_SIZE)
/* the zero map's value: the largest aggregation value (avg's, stats') */
#define LAYOUT_ZERO		16

/* Fill bpf_type, key_size, val_size, key_off, max_entries of every map from
 * its unified types.  Call once after sema, before lowering any probe.  0,
 * or -E2BIG (reported at the map) when a map cannot be built on the BPF
 * stack. */
int layout_maps(struct script *s, struct diag *d);
/* The same for one map: internal maps made during lowering. */
int layout_map(struct script *s, struct map *m, struct diag *d);
/* Bytes a key or value of type @t takes in a map: scalars are 8-byte
 * values whatever their width, memory values are rounded up to 8. */
unsigned layout_slot(const struct type *t);
/* Histogram maps (quantize, hist, lhist): the key ends in a u64 bucket. */
bool layout_has_bucket(const struct map *m);
/* Keyless maps are arrays of one entry: written in place, never missing. */
bool layout_is_array(const struct map *m);
/* Offsets of @ev's arguments (their types set) and the record's size. */
void layout_event(struct event *ev);

#endif
