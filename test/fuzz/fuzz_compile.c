/* fuzz_compile.c - libFuzzer harness over the whole compile pipeline.
 *
 * Input: arbitrary bytes, taken as script text.  Output: nothing; a crash,
 * a hang, a leak or a sanitizer report is the finding.  Each input goes
 * through compile_script() exactly as `spry --dry-run --dump` sends it:
 * lexer, parser, provider expansion (tracepoints from the tracefs fixture,
 * kprobes from the kallsyms fixture), sema, map layout, lowering, register
 * allocation and emission, with every dump written to /dev/null so that the
 * dumpers run too.  An input that compiles is compiled a second time for the
 * other architecture, with the perf buffer transport and small strings and
 * maps (the options a golden .args file would set), because those change
 * what lowering and the providers produce.
 *
 * Built and run by test/fuzz/run (clang-14 -fsanitize=fuzzer,address,
 * undefined, straight from the sources); it never touches the kernel, so it
 * needs no root.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "arena.h"
#include "diag.h"
#include "host.h"
#include "script.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;
static struct host fuzz_host;	/* the fixtures, as main() reads them */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* No kernel: the providers read fixtures.  test/fuzz/run sets
	 * these; a bare run from the source tree finds them too. */
	setenv("SPRY_TRACEFS", "test/fixtures/tracefs", 0);
	setenv("SPRY_KALLSYMS", "test/fixtures/kprobe/kallsyms", 0);
	setenv("SPRY_BTF", "test/fixtures/btf/kernel", 0);
	host_read(&fuzz_host);
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	return 0;
}

static int fuzz_compile_one(const char *text, size_t len,
			    const struct arch *arch, bool other)
{
	struct script s = { 0 };
	struct diag d;
	int err;

	diag_init(&d, devnull);
	s.arch = arch;
	s.host = &fuzz_host;
	s.opts.map_entries = other ? 128 : 4096;
	s.opts.str_size = other ? 16 : 64;
	s.opts.events_size = 256 << 10;
	s.opts.perf_events = other;
	s.opts.dump = devnull;
	s.src.name = "fuzz.spry";
	s.src.text = text;
	s.src.len = len;
	s.arena = arena_new();
	err = compile_script(&s, &d);
	arena_free(s.arena);
	return err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct arch *host = arch_host(), *other;
	char *text;
	size_t len;

	/* spry refuses script files holding a NUL byte, and -e text cannot
	 * hold one: the compiler only ever sees NUL-terminated text. */
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	len = strlen(text);

	if (!fuzz_compile_one(text, len, host, false)) {
		other = host == &arch_x86_64 ? &arch_aarch64 : &arch_x86_64;
		fuzz_compile_one(text, len, other, true);
	}
	free(text);
	return 0;
}
