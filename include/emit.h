/* emit.h - from allocated IR to struct bpf_insn.
 *
 * Requires: ra_alloc() succeeded.  Resolves labels to jump offsets, turns
 * LDMAP into BPF_LD_IMM64 with BPF_PSEUDO_MAP_FD (recording a relocation, the
 * map id in imm until the runtime patches in the fd), runs the peephole pass
 * and keeps one source location per emitted instruction.
 * Guarantees: p->insns/ninsns/insn_loc/relocs/nrelocs set.
 */
#ifndef SPRY_EMIT_H
#define SPRY_EMIT_H

#include <stdio.h>

#include "diag.h"

struct arena;
struct ir_func;
struct probe;

int emit_prog(struct arena *a, const struct ir_func *f, struct probe *p,
	      struct diag *d);
/* Peephole on IR after allocation (self moves, jumps to the next insn,
 * redundant reloads); emit_prog calls it. */
void emit_peephole(struct ir_func *f);
/* Disassemble like the kernel's verifier log: "0: (b7) r0 = 0". */
void emit_dump(FILE *out, const struct probe *p);

#endif
