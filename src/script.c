/* script.c - the script's probes, maps and events.
 *
 * Input: requests from compile.c and the providers (probes), sema (user
 * maps, on first mention) and lowering (events, internal maps).  Output:
 * probes, and s->maps and s->events indexed by the ids they hand out; every
 * entry lives in s->arena.  Ids are dense and stable, so IR and BPF
 * relocations refer to maps by id.
 */
#include <assert.h>
#include <string.h>

#include "arena.h"
#include "names.h"
#include "script.h"

struct probe *script_probe_new(struct script *s, const struct provider *prov,
			       const struct spec *spec, const char *target,
			       struct loc loc, struct node *pred,
			       struct node *body)
{
	struct probe *p = arena_alloc(s->arena, sizeof(*p));

	p->prov = prov;
	p->spec = spec;
	p->target = target ? arena_strdup(s->arena, target) : "";
	p->loc = loc;
	p->pred = pred;
	p->body = body;
	return p;
}

struct map *script_map_add(struct script *s, const char *name, struct loc loc,
			   enum map_kind kind)
{
	struct map *m = arena_alloc(s->arena, sizeof(*m));

	assert(!script_map_find(s, name) && "one map per name");
	m->id = s->nmaps;
	m->name = arena_strdup(s->arena, name);
	m->loc = loc;
	m->kind = kind;
	/* @-maps print at exit; plain maps are the script's own variables */
	m->printed = name[0] == '@' && kind < MAP_EVENTS;
	s->maps = arena_append(s->arena, s->maps, s->nmaps, sizeof(*s->maps));
	s->maps[s->nmaps++] = m;
	names_put(s->arena, &s->map_names, m->name, m);
	return m;
}

struct map *script_map_find(struct script *s, const char *name)
{
	return names_get(&s->map_names, name);
}

struct event *script_event_add(struct script *s, enum event_kind kind,
			       struct loc loc)
{
	struct event *e = arena_alloc(s->arena, sizeof(*e));

	e->id = s->nevents;
	e->kind = kind;
	e->loc = loc;
	s->events = arena_append(s->arena, s->events, s->nevents,
				 sizeof(*s->events));
	s->events[s->nevents++] = e;
	return e;
}

/* Internal maps have names no script can write ("<...>"), so they never
 * collide with user maps, and are created once, on first use. */
static struct map *script_internal_map(struct script *s, struct map **slot,
				       const char *name, enum map_kind kind)
{
	struct loc none = { 0 };

	if (!*slot)
		*slot = script_map_add(s, name, none, kind);
	return *slot;
}

struct map *script_events_map(struct script *s)
{
	return script_internal_map(s, &s->events_map, "<events>", MAP_EVENTS);
}

struct map *script_lost_map(struct script *s)
{
	return script_internal_map(s, &s->lost_map, "<lost>", MAP_LOST);
}

struct map *script_stacks_map(struct script *s, unsigned frames)
{
	struct loc none = { 0 };
	struct map *m;
	unsigned i;

	for (i = 0; i < s->nmaps; i++)
		if (s->maps[i]->kind == MAP_STACKS &&
		    s->maps[i]->stack_frames == frames)
			return s->maps[i];
	m = script_map_add(s, frames ? arena_printf(s->arena, "<stacks%u>",
						    frames) : "<stacks>",
			   none, MAP_STACKS);
	m->stack_frames = frames;
	return m;
}

struct map *script_child_map(struct script *s)
{
	return script_internal_map(s, &s->child_map, "<child>", MAP_CHILD);
}

struct map *script_start_map(struct script *s)
{
	return script_internal_map(s, &s->start_map, "<start>", MAP_START);
}

struct map *script_scratch_map(struct script *s)
{
	return script_internal_map(s, &s->scratch_map, "<scratch>",
				   MAP_SCRATCH);
}

struct map *script_zero_map(struct script *s)
{
	return script_internal_map(s, &s->zero_map, "<zero>", MAP_ZERO);
}
