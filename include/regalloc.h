/* regalloc.h - linear-scan register allocation for the BPF ABI.
 *
 * Requires: a function from lower_probe(): forward jumps only, physical
 * registers only at ABI edges.
 * Guarantees: no virtual register remains; values live across a CALL sit in
 * r6-r9 or in a spill slot; r10 is never written; spill slots are 8-byte
 * aligned frame slots below f->stack (which grows accordingly).  Returns 0,
 * or -E2BIG (reported at @loc's probe) when the frame overflows.
 */
#ifndef SPRY_REGALLOC_H
#define SPRY_REGALLOC_H

#include "diag.h"

struct ir_func;

int ra_alloc(struct ir_func *f, const struct loc *where, struct diag *d);
/* The assignment made by the last ra_alloc, for -S: "v16 -> r6" lines. */
struct ra_stats {
	unsigned vregs, spills;
};

#endif
