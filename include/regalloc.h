/* regalloc.h - linear-scan register allocation for the BPF ABI.
 *
 * Requires: a function from lower_probe(): forward jumps only, physical
 * registers only at ABI edges.
 * Guarantees: the program computes what it did (helper calls see the same
 * arguments, the same value is returned); no virtual register remains; values live across a CALL sit in
 * r6-r9 or in a spill slot; r10 is never written; spill slots are 8-byte
 * aligned frame slots below f->stack (which grows accordingly).  Returns 0,
 * or -E2BIG (reported at @where, the probe) when the frame overflows.
 *
 * Conventions lowering may rely on (and need not respect anything else):
 *  - any operands are allowed, including dst == a or dst == b in ALU;
 *  - for a non-commutative ALU (SUB, DIV, MOD, LSH, RSH, ARSH) the result
 *    gets a register different from b's unless a and b share it, so the
 *    emitter's `mov dst, a; op dst, b` is always correct;
 *  - physical registers may be used anywhere (they are precoloured with
 *    exact liveness), but a long-lived one takes a register away from every
 *    value around it: copy r1 (ctx) and r0 (call results) to vregs at once.
 */
#ifndef SPRY_REGALLOC_H
#define SPRY_REGALLOC_H

#include "diag.h"

struct ir_func;

int ra_alloc(struct ir_func *f, const struct loc *where, struct diag *d);

/* What one allocation did, for tests and -S. */
struct ra_stats {
	unsigned vregs;		/* virtual registers lowering made */
	unsigned spills;	/* of them, spilled to the frame */
	unsigned slots;		/* 8-byte frame slots the spills share */
};
/* ra_alloc, also filling @st (may be NULL). */
int ra_alloc_stats(struct ir_func *f, const struct loc *where, struct diag *d,
		   struct ra_stats *st);

#endif
