/* check_kbpf.c - the ring buffer reader over memory laid out as the
 * kernel's: records in order, a discarded one skipped but consumed, a busy
 * one waited for, and positions that wrap where unsigned long does (after
 * 4 GiB on a 32-bit kernel; here at the top of the 64-bit range). */
#include <limits.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kbpf.h"
#include "unit.h"

#define DATA 4096ul	/* a power of two */

struct seen {
	unsigned n;
	uint64_t v[8];
};

static void record(void *ctx, const void *data, size_t size)
{
	struct seen *s = ctx;

	ck_assert_uint_eq(size, 8);
	if (s->n < 8)
		memcpy(&s->v[s->n], data, 8);
	s->n++;
}

struct ring {
	unsigned long *cons, *prod;
	uint8_t *data;
	struct kbpf_buf *b;
	struct seen seen;
};

static void ring_open(struct ring *r, unsigned long pos)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	void *c = mmap(NULL, page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *p = mmap(NULL, page + 2 * DATA, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(c, MAP_FAILED);
	ck_assert_ptr_ne(p, MAP_FAILED);
	memset(&r->seen, 0, sizeof(r->seen));
	r->cons = c;
	r->prod = p;
	r->data = (uint8_t *)p + page;
	*r->cons = *r->prod = pos;
	r->b = kbpf_ring_map(c, p, DATA, record, &r->seen);
	ck_assert_ptr_nonnull(r->b);
}

/* A record of one u64 at the producer position, its header's length word
 * 8 | @flags; the producer's position moves past it. */
static void ring_put(struct ring *r, uint64_t v, uint32_t flags)
{
	uint8_t *at = r->data + (*r->prod & (DATA - 1));
	uint32_t len = 8 | flags;

	memcpy(at, &len, 4);
	memcpy(at + BPF_RINGBUF_HDR_SZ, &v, 8);
	*r->prod += BPF_RINGBUF_HDR_SZ + 8;
}

START_TEST(test_in_order)
{
	struct ring r;

	ring_open(&r, 0);
	ring_put(&r, 1, 0);
	ring_put(&r, 2, BPF_RINGBUF_DISCARD_BIT);
	ring_put(&r, 3, 0);
	ck_assert_int_eq(kbpf_buf_consume(r.b), 2);
	ck_assert_uint_eq(r.seen.n, 2);
	ck_assert_uint_eq(r.seen.v[0], 1);
	ck_assert_uint_eq(r.seen.v[1], 3);
	ck_assert_uint_eq(*r.cons, 48);
	/* nothing new: nothing read */
	ck_assert_int_eq(kbpf_buf_consume(r.b), 0);
	kbpf_buf_free(r.b);
}
END_TEST

START_TEST(test_busy_waits)
{
	struct ring r;
	uint32_t len;

	ring_open(&r, 0);
	ring_put(&r, 1, 0);
	ring_put(&r, 2, BPF_RINGBUF_BUSY_BIT);
	ring_put(&r, 3, 0);
	ck_assert_int_eq(kbpf_buf_consume(r.b), 1);
	ck_assert_uint_eq(*r.cons, 16);
	/* committed: the rest follows */
	len = 8;
	memcpy(r.data + 16, &len, 4);
	ck_assert_int_eq(kbpf_buf_consume(r.b), 2);
	ck_assert_uint_eq(r.seen.v[2], 3);
	kbpf_buf_free(r.b);
}
END_TEST

/* The producer's position wraps past 0 while the consumer's has not:
 * the reader must go on (it once stopped for good, every later event
 * then lost). */
START_TEST(test_positions_wrap)
{
	struct ring r;

	ring_open(&r, ULONG_MAX - 15);
	ring_put(&r, 7, 0);
	ring_put(&r, 8, 0);
	ring_put(&r, 9, 0);
	ck_assert_uint_eq(*r.prod, 32);
	ck_assert_int_eq(kbpf_buf_consume(r.b), 3);
	ck_assert_uint_eq(r.seen.v[0], 7);
	ck_assert_uint_eq(r.seen.v[2], 9);
	ck_assert_uint_eq(*r.cons, 32);
	kbpf_buf_free(r.b);
}
END_TEST

static Suite *kbpf_suite(void)
{
	Suite *s = suite_create("kbpf");
	TCase *tc = tcase_create("ring");

	tcase_add_test(tc, test_in_order);
	tcase_add_test(tc, test_busy_waits);
	tcase_add_test(tc, test_positions_wrap);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(kbpf_suite());
}
