/* watch-target.c - a program for the watchpoint tests.
 *
 *   watch-target N same   N times: spry_watched = k, then increment(0, p)
 *                         on one int p points to (written nowhere else)
 *   watch-target N new    the same on a fresh int each time
 *
 * increment()'s write is not its first instruction: a uprobe steps over
 * the instruction it replaces before the process can be stopped, so a
 * write there would come before any breakpoint a trigger could set.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

volatile int spry_watched;

void increment(int unused, int *i);
__attribute__((noinline)) void increment(int unused, int *i)
{
	__asm__ __volatile__("nop");
	(void)unused;
	(*i)++;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4;
	int fresh = argc > 2 && !strcmp(argv[2], "new");
	int *p = calloc(1, sizeof(*p));

	for (int k = 0; k < n; k++) {
		if (fresh)
			p = calloc(1, sizeof(*p));
		spry_watched = k;
		increment(0, p);
		usleep(10000);
	}
	return 0;
}
