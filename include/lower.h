/* lower.h - from the annotated AST of one probe to IR.
 *
 * Requires: sema_script() succeeded.  Lowering desugars (map reads with their
 * NULL checks, aggregations, printf records, short-circuit operators, string
 * reads) and is the only place that lays out the 512-byte BPF stack: keys,
 * values, strings and event records.  When a probe needs more it reports the
 * expression that did not fit and returns -E2BIG.
 * Guarantees: p->ir is a function in virtual registers that ends in EXIT on
 * every path and returns 0; every map's layout (map_layout) is filled.
 */
#ifndef SPRY_LOWER_H
#define SPRY_LOWER_H

#include "diag.h"

struct script;
struct probe;
struct map;

/* Fill bpf_type, key_size, val_size, key_off, max_entries of every map from
 * its unified types.  Call once after sema, before lowering any probe. */
int map_layout(struct script *s, struct diag *d);
int lower_probe(struct script *s, struct probe *p, struct diag *d);

#endif
