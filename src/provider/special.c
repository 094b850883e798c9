/* special.c - BEGIN and END: programs run once, not attached anywhere.
 *
 * Input: the specifier "BEGIN" or "END" (no target).  Output: a probe of
 * BPF_PROG_TYPE_RAW_TRACEPOINT.  The runtime runs it itself, right after
 * attaching everything else (BEGIN) and right before tearing down (END), with
 * bpf(BPF_PROG_TEST_RUN): raw tracepoint programs may be test-run (kernel
 * 5.10+) and may call every tracing helper the language needs (ringbuf
 * output, ktime, current pid/comm).  The program must not read its context,
 * since the runtime passes none; these providers offer no variables, so it
 * never does.  There is no attach hook: `when` says when the runtime runs
 * them.
 */
#include <errno.h>

#include "provider.h"
#include "script.h"

static int special_expand(struct script *s, struct probe *p, struct diag *d)
{
	(void)s;
	(void)d;
	p->target = "";
	p->prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	return 0;
}

const struct provider begin_provider = {
	.name = "BEGIN",
	.takes_target = false,
	.when = PROV_AT_BEGIN,
	.help = "BEGIN: runs once, before any event is traced",
	.expand = special_expand,
};

const struct provider end_provider = {
	.name = "END",
	.takes_target = false,
	.when = PROV_AT_END,
	.help = "END: runs once, after tracing stops and before maps print",
	.expand = special_expand,
};
