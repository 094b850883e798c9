/* uprobe-target.c - a program for the uprobe integration tests to probe.
 *
 * Built by the tests themselves (uprobe-common.bash) with symbols and frame
 * pointers, as -no-pie and -pie executables, linked against libspryt.so
 * (this file with -DSPRYT_LIB) through an rpath.
 *
 *   uprobe-target N        call spry_depth1(i % 3) for i < N, then exit
 *   uprobe-target forever  the same every 10 ms until killed
 *
 * spry_depth1 -> spry_depth2 -> spry_leaf(x) returns 10 * x + 1, and
 * spryt_mul(x, 7) in the library.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef SPRYT_LIB
int spryt_mul(int a, int b);
__attribute__((noinline)) int spryt_mul(int a, int b)
{
	return a * b;
}
#else
int spryt_mul(int a, int b);
int spry_leaf(int x);
int spry_depth2(int x);
int spry_depth1(int x);

/* volatile sink: keeps calls from being folded away */
volatile int spry_sink;

__attribute__((noinline)) int spry_leaf(int x)
{
	spry_sink += x;
	return 10 * x + 1;
}

__attribute__((noinline)) int spry_depth2(int x)
{
	return spry_leaf(x) + spryt_mul(x, 7) + spry_sink * 0;
}

__attribute__((noinline)) int spry_depth1(int x)
{
	return spry_depth2(x) + 1;
}

int main(int argc, char **argv)
{
	int forever = argc > 1 && !strcmp(argv[1], "forever");
	long n = argc > 1 && !forever ? atol(argv[1]) : 1;

	for (long i = 0; forever || i < n; i++) {
		spry_depth1((int)(i % 3));
		if (forever)
			usleep(10000);
	}
	return 0;
}
#endif
