/* emit.h - from allocated IR to struct bpf_insn.
 *
 * Requires: ra_alloc() succeeded, and peep_prog() ran (the verifier rejects
 * unreachable code, which only the peephole removes).  Resolves labels to
 * jump offsets, turns LDMAP into BPF_LD_IMM64 with BPF_PSEUDO_MAP_FD and
 * LDMAPV into one with BPF_PSEUDO_MAP_VALUE (the value offset in the second
 * half's imm), each recording a relocation (the map id in imm until the
 * runtime patches in the fd), and keeps one source location per emitted
 * instruction.
 * Guarantees: p->insns/ninsns/insn_loc/relocs/nrelocs set; @f unchanged.
 */
#ifndef SPRY_EMIT_H
#define SPRY_EMIT_H

#include <stdio.h>

#include "diag.h"

struct arena;
struct ir_func;
struct probe;

/* Returns 0, or -E2BIG (reported at the jump) when a jump spans more than
 * 32767 instructions. */
int emit_prog(struct arena *a, const struct ir_func *f, struct probe *p,
	      struct diag *d);
/* Disassemble like the kernel's verifier log (kernel/bpf/disasm.c):
 * "0: (b7) r0 = 0", "1: (85) call bpf_ktime_get_ns#5",
 * "2: (18) r1 = map[id:2]" (our map id), "4: (15) if r0 == 0x0 goto pc+3",
 * "5: (18) r1 = map[id:3][0]+0", "7: (db) lock *(u64 *)(r1 +0) += r2".
 * An LD_IMM64 takes two slots, so the next line's number skips one. */
void emit_dump(FILE *out, const struct probe *p);

#endif
