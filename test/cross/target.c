/* target.c - the uprobe target of the cross suite (test/cross), built
 * static for each architecture by scripts/cross as spry_target.
 *
 * usage: spry_target [N [SECONDS]]
 *
 * Calls spry_mid(i) for i = 1..N (default 3), which calls spry_leaf(i,
 * i + 1) (returns i * 1000 + i + 1) and spry_greet("cross") once; prints
 * the sum of the results, then sleeps SECONDS (default 0), so that a
 * tracer can still read its maps to name the addresses it saw.  The
 * functions are not inlined and keep their frames, so uprobes see every
 * call, arguments in the registers the calling convention names, and user
 * stacks that walk main -> spry_mid -> spry_leaf; spry_mid_body is a
 * symbol inside spry_mid, past its prologue.  Built with -DSPRY_USDT
 * (and <sys/sdt.h>), spry_mid also fires USDT probe spry:mid(int n, long
 * n * -1000, signed char -n): operands of three sizes, as this arch's
 * assembler writes them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef SPRY_USDT
#include <sys/sdt.h>
#else
#define DTRACE_PROBE3(provider, name, a, b, c) do { } while (0)
#endif

__attribute__((noinline)) long spry_leaf(long a, long b)
{
	__asm__ volatile("" ::: "memory");
	return a * 1000 + b;
}

__attribute__((noinline)) long spry_mid(long n)
{
	long r;

	/* A symbol past the prologue: a probe here sees spry_mid's frame
	 * (and its return address) saved, as one at a function's entry
	 * does not, so the kernel's user stack walk can go all the way */
	__asm__ volatile(".globl spry_mid_body\n"
			 "\t.type spry_mid_body, \"function\"\n"
			 "spry_mid_body:" ::: "memory");
	r = spry_leaf(n, n + 1);
	DTRACE_PROBE3(spry, mid, (int)n, n * -1000L, (signed char)-n);

	__asm__ volatile("" ::: "memory");
	return r;
}

__attribute__((noinline)) size_t spry_greet(const char *who)
{
	__asm__ volatile("" ::: "memory");
	return strlen(who);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;
	long sum = 0;

	for (int i = 1; i <= n; i++)
		sum += spry_mid(i);
	sum += (long)spry_greet("cross");
	printf("%ld\n", sum);
	fflush(stdout);
	if (argc > 2)
		sleep((unsigned)atoi(argv[2]));
	return 0;
}
