/* check_script.c - the script's registries (script.c) and the layouts they
 * carry (layout.c): the probe constructor, maps and events with dense,
 * stable ids, the internal maps made once, and what layout_map() decides
 * for each kind of map and record. */
#include <errno.h>
#include <string.h>

#include <linux/bpf.h>

#include "arena.h"
#include "ast.h"
#include "layout.h"
#include "provider.h"
#include "script.h"
#include "type.h"
#include "unit.h"

static void init(struct script *s)
{
	memset(s, 0, sizeof(*s));
	s->arena = arena_new();
}

START_TEST(test_probe_new)
{
	struct script s;
	struct loc l = { .line = 2, .col = 5, .len = 3 };
	struct node *pred, *body;
	struct probe *p;

	init(&s);
	pred = arena_alloc(s.arena, sizeof(*pred));
	body = arena_alloc(s.arena, sizeof(*body));
	p = script_probe_new(&s, provider_find("t"), NULL, "sched/x", l, pred,
			     body);
	ck_assert_ptr_eq(p->prov, provider_find("tracepoint"));
	ck_assert_str_eq(p->target, "sched/x");
	ck_assert_uint_eq(p->loc.col, 5);
	/* the tree given is the probe's own: not copied again */
	ck_assert_ptr_eq(p->pred, pred);
	ck_assert_ptr_eq(p->body, body);
	ck_assert_ptr_null(p->next);
	ck_assert_ptr_null(p->priv);
	ck_assert_ptr_null(p->insns);
	ck_assert_uint_eq(s.nprobes, 0);	/* the caller links it */
	p = script_probe_new(&s, provider_find("BEGIN"), NULL, NULL, l, NULL,
			     NULL);
	ck_assert_str_eq(p->target, "");
	arena_free(s.arena);
}
END_TEST

START_TEST(test_maps_and_events)
{
	struct script s;
	struct loc l = { .line = 1 };
	struct map *a, *b, *ev;
	struct event *e0, *e1;

	init(&s);
	a = script_map_add(&s, "@a", l, MAP_PLAIN);
	b = script_map_add(&s, "x", l, MAP_COUNT);
	ck_assert_uint_eq(a->id, 0);
	ck_assert_uint_eq(b->id, 1);
	ck_assert_ptr_eq(script_map_find(&s, "@a"), a);
	ck_assert_ptr_eq(script_map_find(&s, "x"), b);
	ck_assert_ptr_null(script_map_find(&s, "@x"));
	/* @-maps print at exit, plain maps are variables */
	ck_assert(a->printed);
	ck_assert(!b->printed);

	/* internal maps: made once, never printed, named out of reach */
	ev = script_events_map(&s);
	ck_assert_ptr_eq(script_events_map(&s), ev);
	ck_assert_uint_eq(ev->id, 2);
	ck_assert_str_eq(ev->name, "<events>");
	ck_assert_int_eq(ev->kind, MAP_EVENTS);
	ck_assert(!ev->printed);
	ck_assert_str_eq(script_lost_map(&s)->name, "<lost>");
	ck_assert_str_eq(script_stacks_map(&s, 0)->name, "<stacks>");
	ck_assert_str_eq(script_child_map(&s)->name, "<child>");
	ck_assert_uint_eq(s.nmaps, 6);
	ck_assert_ptr_eq(s.maps[3], s.lost_map);
	/* a stack map per frame limit, each made once */
	ck_assert_str_eq(script_stacks_map(&s, 3)->name, "<stacks3>");
	ck_assert_uint_eq(script_stacks_map(&s, 3)->stack_frames, 3);
	ck_assert_ptr_eq(script_stacks_map(&s, 0), s.maps[4]);
	ck_assert_uint_eq(s.nmaps, 7);

	e0 = script_event_add(&s, EV_PRINTF, l);
	e1 = script_event_add(&s, EV_EXIT, l);
	ck_assert_uint_eq(e0->id, 0);
	ck_assert_uint_eq(e1->id, 1);
	ck_assert_ptr_eq(s.events[1], e1);
	ck_assert_uint_eq(s.nevents, 2);
	arena_free(s.arena);
}
END_TEST

START_TEST(test_layout)
{
	static const struct type *keys[] = { &type_u32, NULL };
	struct script s;
	struct loc l = { .line = 1 };
	struct unit_diag u;
	struct map *m, *k, *q, *lo, *big;

	init(&s);
	unit_diag_open(&u);
	/* keyless plain: an array of one, value in place */
	m = script_map_add(&s, "@v", l, MAP_PLAIN);
	m->val = type_string(s.arena, 13);
	/* keyed count: a hash (every CPU adds to its value), 8-byte key
	 * slot, u64 value */
	k = script_map_add(&s, "@c", l, MAP_COUNT);
	k->nkeys = 1;
	k->keys = keys;
	k->val = &type_u64;
	/* keyed min: per CPU (it compares before it stores) */
	lo = script_map_add(&s, "@lo", l, MAP_MIN);
	lo->nkeys = 1;
	lo->keys = keys;
	lo->val = &type_s64;
	/* quantize: the bucket after the keys */
	q = script_map_add(&s, "@q", l, MAP_QUANTIZE);
	q->nkeys = 1;
	q->keys = (const struct type *[]){ type_string(s.arena, 20) };
	ck_assert_int_eq(layout_maps(&s, &u.d), 0);
	ck_assert_int_eq(m->bpf_type, BPF_MAP_TYPE_ARRAY);
	ck_assert_uint_eq(m->key_size, 4);
	ck_assert_uint_eq(m->val_size, 16);
	ck_assert(layout_is_array(m));
	ck_assert_int_eq(k->bpf_type, BPF_MAP_TYPE_HASH);
	ck_assert_uint_eq(k->key_size, 8);
	ck_assert_uint_eq(k->val_size, 8);
	ck_assert(!layout_is_array(k));
	ck_assert_int_eq(lo->bpf_type, BPF_MAP_TYPE_PERCPU_HASH);
	ck_assert_uint_eq(lo->val_size, 16);
	ck_assert_uint_eq(q->key_size, 24 + 8);
	ck_assert_uint_eq(q->key_off[0], 0);
	ck_assert_uint_eq(layout_slot(&type_u8), 8);
	ck_assert_uint_eq(layout_slot(type_string(s.arena, 9)), 16);

	/* what cannot be built on the stack is refused at the map */
	big = script_map_add(&s, "@big", l, MAP_PLAIN);
	big->nkeys = 1;
	big->keys = (const struct type *[]){ type_string(s.arena, 300) };
	big->val = type_string(s.arena, 300);
	ck_assert_int_eq(layout_map(&s, big, &u.d), -E2BIG);
	ck_assert_ptr_nonnull(strstr(unit_diag_text(&u), "map @big: its key "
				     "(304 bytes) and value (304 bytes) do "
				     "not fit the 512-byte BPF stack"));
	unit_diag_close(&u);
	arena_free(s.arena);
}
END_TEST

/* A record: the u64 id, then each argument 8-aligned; strings at their
 * size rounded up. */
START_TEST(test_event_layout)
{
	struct script s;
	struct loc l = { .line = 1 };
	struct event *e;

	init(&s);
	e = script_event_add(&s, EV_PRINTF, l);
	e->nargs = 3;
	e->args = arena_alloc(s.arena, 3 * sizeof(*e->args));
	e->args[0].type = &type_u8;
	e->args[1].type = type_string(s.arena, 13);
	e->args[2].type = &type_s64;
	layout_event(e);
	ck_assert_uint_eq(e->args[0].off, 8);
	ck_assert_uint_eq(e->args[1].off, 16);
	ck_assert_uint_eq(e->args[2].off, 32);
	ck_assert_uint_eq(e->size, 40);
	arena_free(s.arena);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("script");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_probe_new);
	tcase_add_test(tc, test_maps_and_events);
	tcase_add_test(tc, test_layout);
	tcase_add_test(tc, test_event_layout);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
