/* peephole.h - local clean-ups of allocated IR.
 *
 * Requires: ra_alloc() succeeded (physical registers only, forward jumps).
 * Guarantees: the function computes what it did, with every pointer type
 * the verifier tracks kept; no instruction is unreachable (the verifier
 * rejects those), every label is some jump's target, no jump goes to the
 * next instruction (but a loop's closing one, ir_ja_loop()); none of its sweeps would change anything more.  -S
 * prints the result as ";; peephole: PROBE".
 *
 * The rewrites: self moves and identity ALU immediates (x + 0, x * 1,
 * x & -1...) dropped, `if c goto L1; goto L2; L1:` into `if !c goto L2`,
 * unreachable code and unused labels dropped, reloads of a frame slot that
 * some register still holds, and repeated loads through an unchanged
 * pointer, into moves.
 */
#ifndef SPRY_PEEPHOLE_H
#define SPRY_PEEPHOLE_H

struct ir_func;

void peep_prog(struct ir_func *f);

#endif
