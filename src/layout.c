/* layout.c - map layouts and event record layouts (see layout.h).
 *
 * Input: maps whose kind, keys and value sema unified; events whose argument
 * types lowering recorded.  Output: each map's BPF type, sizes, key offsets
 * and entries; each event's argument offsets and record size.  The runtime
 * creates maps from exactly these fields and the output layer decodes records
 * with them.
 */
#include <errno.h>

#include <linux/bpf.h>

#include "arena.h"
#include "layout.h"
#include "script.h"
#include "type.h"

static unsigned round8(unsigned n)
{
	return (n + 7) & ~7u;
}

unsigned layout_slot(const struct type *t)
{
	if (!t || t->kind == T_INT || t->kind == T_PTR || t->kind == T_VOID)
		return 8;
	return t->size ? round8(t->size) : 8;
}

bool layout_has_bucket(const struct map *m)
{
	return m->kind == MAP_QUANTIZE || m->kind == MAP_HIST ||
	       m->kind == MAP_LHIST;
}

bool layout_is_array(const struct map *m)
{
	return m->bpf_type == BPF_MAP_TYPE_ARRAY ||
	       m->bpf_type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

int layout_map(struct script *s, struct map *m, struct diag *d)
{
	unsigned entries = s->opts.map_entries ? s->opts.map_entries
					       : LAYOUT_ENTRIES;
	unsigned off = 0, i;

	switch (m->kind) {
	case MAP_EVENTS:
		if (s->opts.perf_events) {
			/* one perf buffer per CPU; the runtime sizes it */
			m->bpf_type = BPF_MAP_TYPE_PERF_EVENT_ARRAY;
			m->key_size = m->val_size = 4;
			m->max_entries = 0;
			return 0;
		}
		/* ring buffer: size in max_entries, a power-of-two multiple
		 * of the page size; the option parser checks that */
		m->bpf_type = BPF_MAP_TYPE_RINGBUF;
		m->key_size = m->val_size = 0;
		m->max_entries = s->opts.events_size ? s->opts.events_size
						     : LAYOUT_EVENTS_SIZE;
		return 0;
	case MAP_LOST:
		/* not per-CPU: programs add to it through the value's
		 * address (BPF_PSEUDO_MAP_VALUE wants a plain array of one
		 * entry), atomically, and only when an event is lost */
		m->bpf_type = BPF_MAP_TYPE_ARRAY;
		m->key_size = 4;
		m->val_size = 8;
		m->max_entries = 1;
		return 0;
	case MAP_STACKS:
		/* the kernel keeps value_size / 8 frames of each stack */
		m->bpf_type = BPF_MAP_TYPE_STACK_TRACE;
		m->key_size = 4;
		m->val_size = (m->stack_frames ? m->stack_frames :
			       LAYOUT_STACK_DEPTH) * 8;
		m->max_entries = entries;
		return 0;
	case MAP_CHILD:
		m->bpf_type = BPF_MAP_TYPE_ARRAY;
		m->key_size = 4;
		m->val_size = 16;	/* u64 dev, u64 ino */
		m->max_entries = 1;
		return 0;
	case MAP_START:
		/* read through its value's address: a plain array */
		m->bpf_type = BPF_MAP_TYPE_ARRAY;
		m->key_size = 4;
		m->val_size = 16;	/* u64 start, u64 cpid */
		m->max_entries = 1;
		return 0;
	case MAP_SCRATCH:
		m->bpf_type = BPF_MAP_TYPE_PERCPU_ARRAY;
		m->key_size = 4;
		m->val_size = LAYOUT_SCRATCH;
		m->max_entries = 1;
		return 0;
	case MAP_ZERO:
		m->bpf_type = BPF_MAP_TYPE_ARRAY;
		m->key_size = 4;
		m->val_size = LAYOUT_ZERO;
		m->max_entries = 1;
		return 0;
	case MAP_PLAIN:
	case MAP_COUNT:
	case MAP_SUM:
	case MAP_QUANTIZE:
	case MAP_HIST:
	case MAP_LHIST:
	case MAP_MIN:
	case MAP_MAX:
	case MAP_AVG:
	case MAP_STATS:
		break;
	}

	m->key_off = arena_alloc(s->arena, (m->nkeys + 1) * sizeof(*m->key_off));
	for (i = 0; i < m->nkeys; i++) {
		m->key_off[i] = off;
		off += layout_slot(m->keys[i]);
	}
	if (layout_has_bucket(m))
		off += 8;	/* the bucket */
	m->val_size = m->kind == MAP_PLAIN ? layout_slot(m->val) :
		      m->kind == MAP_AVG || m->kind == MAP_STATS ||
		      m->kind == MAP_MIN || m->kind == MAP_MAX ? 16 : 8;
	if (!off) {
		/* keyless: one-entry array, no hashing, never missing */
		m->bpf_type = m->kind == MAP_PLAIN ? BPF_MAP_TYPE_ARRAY
						   : BPF_MAP_TYPE_PERCPU_ARRAY;
		m->key_size = 4;
		m->max_entries = 1;
	} else {
		/* keyed aggregations that only add share one value per key,
		 * added to atomically: a per-CPU hash's preallocation (one
		 * per-CPU allocation per entry) would cost every startup
		 * about 3 ms; min/max compare before they store, which needs
		 * the value to themselves */
		m->bpf_type = m->kind == MAP_MIN || m->kind == MAP_MAX ?
			      BPF_MAP_TYPE_PERCPU_HASH : BPF_MAP_TYPE_HASH;
		m->key_size = off;
		m->max_entries = entries;
	}
	/* a hash map's key and value are built on the stack together (an
	 * array's value is written in place) */
	if (m->key_size + (m->bpf_type == BPF_MAP_TYPE_HASH ||
	    m->bpf_type == BPF_MAP_TYPE_PERCPU_HASH ? m->val_size : 0) >
	    LAYOUT_STACK) {
		diag_error(d, &m->loc, "map %s: its key (%u bytes) and value "
			   "(%u bytes) do not fit the %d-byte BPF stack",
			   m->name, m->key_size, m->val_size, LAYOUT_STACK);
		return -E2BIG;
	}
	/* an array's value is written in place, at offsets a BPF
	 * instruction holds in 16 signed bits */
	if (m->val_size > LAYOUT_MAX_VALUE) {
		diag_error(d, &m->loc, "map %s: its value (%u bytes) is larger "
			   "than the %d bytes a BPF instruction can reach",
			   m->name, m->val_size, LAYOUT_MAX_VALUE);
		return -E2BIG;
	}
	return 0;
}

int layout_maps(struct script *s, struct diag *d)
{
	unsigned i;
	int err = 0, r;

	for (i = 0; i < s->nmaps; i++) {
		r = layout_map(s, s->maps[i], d);
		if (r && !err)
			err = r;
	}
	return err;
}

void layout_event(struct event *ev)
{
	unsigned off = 8, i;	/* after the u64 event id */

	for (i = 0; i < ev->nargs; i++) {
		const struct type *t = ev->args[i].type;

		ev->args[i].off = off;
		off += t->kind == T_ARRAY || t->kind == T_STRUCT ?
		       round8(t->size) : 8;
	}
	ev->size = off;
}
