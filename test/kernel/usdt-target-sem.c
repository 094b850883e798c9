/* usdt-target-sem.c - usdt-target's probe with a semaphore: the probe
 * runs only while a tracer has attached to it (the kernel then counts the
 * attached uprobes in spryt_sem_semaphore), and reports the count. */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

__extension__ unsigned short spryt_sem_semaphore
	__attribute__((unused)) __attribute__((section(".probes")));

void spryu_sem(int x);
void spryu_sem(int x)
{
	if (spryt_sem_semaphore)
		DTRACE_PROBE2(spryt, sem, x, spryt_sem_semaphore);
}
