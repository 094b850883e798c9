/* usdt-target.c - a program with USDT probes for the usdt tests to attach.
 *
 * Built by the tests (usdt-common.bash) with <sys/sdt.h>: -O0 -no-pie,
 * where the compiler leaves arguments on the stack (-4@-4(%rbp)), and -O2
 * -pie, where globals are read pc-relative (-4@gvar(%rip)) and pointers
 * through registers (8@(%rbx)); linked against libspryu.so (this file with
 * -DSPRYU_LIB), whose probe is in a shared library, and with
 * usdt-target-sem.c, whose probe has a semaphore.
 *
 *   usdt-target N        fire every probe with x = N, then exit
 *   usdt-target forever  the same with x = 1, 2, 3... every 10 ms
 *
 * Probes (provider spryt):
 *   basic(int x, long x * 1000000000, char *argv0)
 *   globals(int 42, long -7, short -3, unsigned char 200)   (globals)
 *   consts(5, -1)
 *   small(signed char -x)
 *   sem(int x, unsigned short its own semaphore)   only while attached
 *   lib(int x, int x * 3)                          in libspryu.so
 */
#include <sys/sdt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef SPRYU_LIB
void spryu_lib(int x);
void spryu_lib(int x)
{
	DTRACE_PROBE2(spryt, lib, x, x * 3);
}
#else
void spryu_lib(int x);
void spryu_sem(int x);

int gvar = 42;
long glong = -7;
short gshort = -3;
unsigned char gu8 = 200;

__attribute__((noinline)) static void fire(int x, char *argv0)
{
	signed char c = (signed char)-x;

	DTRACE_PROBE3(spryt, basic, x, (long)x * 1000000000L, argv0);
	DTRACE_PROBE4(spryt, globals, gvar, glong, gshort, gu8);
	DTRACE_PROBE2(spryt, consts, 5, -1);
	DTRACE_PROBE1(spryt, small, c);
	spryu_sem(x);
	spryu_lib(x);
}

int main(int argc, char **argv)
{
	int forever = argc > 1 && !strcmp(argv[1], "forever");
	int x = argc > 1 && !forever ? atoi(argv[1]) : 1;

	do {
		fire(x, argv[0]);
		if (forever) {
			x++;
			usleep(10000);
		}
	} while (forever);
	return 0;
}
#endif
