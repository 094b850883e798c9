/* kbpf.c - bpf(2) wrappers and the event buffer readers.
 *
 * Input: what the runtime and the providers ask of the kernel.  Output:
 * fds and 0, or -errno; records handed to a callback.  See kbpf.h for why
 * this is not libbpf.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/perf_event.h>

#include "kbpf.h"

#define KBPF_PTR(p)	((uint64_t)(uintptr_t)(p))
#define KBPF_LOAD_TRIES	5	/* the verifier may ask to be called again */

static int kbpf_sys(int cmd, union bpf_attr *attr)
{
	long r = syscall(__NR_bpf, cmd, attr, sizeof(*attr));

	return r < 0 ? -errno : (int)r;
}

static void kbpf_name(char *dst, const char *name)
{
	if (name)
		strncpy(dst, name, BPF_OBJ_NAME_LEN - 1);
}

int kbpf_map_create(enum bpf_map_type type, const char *name,
		    unsigned key_size, unsigned value_size,
		    unsigned max_entries, unsigned flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = key_size;
	attr.value_size = value_size;
	attr.max_entries = max_entries;
	attr.map_flags = flags;
	kbpf_name(attr.map_name, name);
	return kbpf_sys(BPF_MAP_CREATE, &attr);
}

int kbpf_prog_load(enum bpf_prog_type type, const char *name,
		   const struct bpf_insn *insns, unsigned n,
		   enum bpf_attach_type expected, char *log,
		   unsigned log_size)
{
	const struct kbpf_attach at = { .type = expected };

	return kbpf_prog_load_at(type, name, insns, n, &at, log, log_size);
}

int kbpf_prog_load_at(enum bpf_prog_type type, const char *name,
		      const struct bpf_insn *insns, unsigned n,
		      const struct kbpf_attach *at, char *log,
		      unsigned log_size)
{
	union bpf_attr attr;
	int fd, i;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = KBPF_PTR(insns);
	attr.insn_cnt = n;
	attr.license = KBPF_PTR("GPL");
	attr.expected_attach_type = at->type;
	attr.attach_btf_id = at->btf_id;
	attr.attach_btf_obj_fd = at->btf_obj_fd;
	kbpf_name(attr.prog_name, name);
	if (log && log_size) {
		attr.log_buf = KBPF_PTR(log);
		attr.log_size = log_size;
		attr.log_level = 1;
	}
	for (i = 0; i < KBPF_LOAD_TRIES; i++) {
		fd = kbpf_sys(BPF_PROG_LOAD, &attr);
		if (fd != -EAGAIN)
			break;
	}
	return fd;
}

static int kbpf_map_op(int cmd, int fd, const void *key, const void *value,
		       uint64_t flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)fd;
	attr.key = KBPF_PTR(key);
	attr.value = KBPF_PTR(value);
	attr.flags = flags;
	return kbpf_sys(cmd, &attr);
}

int kbpf_map_lookup(int fd, const void *key, void *value)
{
	return kbpf_map_op(BPF_MAP_LOOKUP_ELEM, fd, key, value, 0);
}

int kbpf_map_update(int fd, const void *key, const void *value,
		    uint64_t flags)
{
	return kbpf_map_op(BPF_MAP_UPDATE_ELEM, fd, key, value, flags);
}

int kbpf_map_delete(int fd, const void *key)
{
	return kbpf_map_op(BPF_MAP_DELETE_ELEM, fd, key, NULL, 0);
}

int kbpf_map_next_key(int fd, const void *key, void *next)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)fd;
	attr.key = KBPF_PTR(key);
	attr.next_key = KBPF_PTR(next);
	return kbpf_sys(BPF_MAP_GET_NEXT_KEY, &attr);
}

int kbpf_obj_info(int fd, void *info, unsigned size)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (uint32_t)fd;
	attr.info.info_len = size;
	attr.info.info = KBPF_PTR(info);
	return kbpf_sys(BPF_OBJ_GET_INFO_BY_FD, &attr);
}

int kbpf_link_perf(int prog_fd, int perf_fd, uint64_t cookie)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = (uint32_t)prog_fd;
	attr.link_create.target_fd = (uint32_t)perf_fd;
	attr.link_create.attach_type = BPF_PERF_EVENT;
	attr.link_create.perf_event.bpf_cookie = cookie;
	return kbpf_sys(BPF_LINK_CREATE, &attr);
}

int kbpf_link_iter(int prog_fd, const union bpf_iter_link_info *info,
		   unsigned info_len)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = (uint32_t)prog_fd;
	attr.link_create.attach_type = BPF_TRACE_ITER;
	attr.link_create.iter_info = KBPF_PTR(info);
	attr.link_create.iter_info_len = info_len;
	return kbpf_sys(BPF_LINK_CREATE, &attr);
}

int kbpf_iter_create(int link_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.iter_create.link_fd = (uint32_t)link_fd;
	return kbpf_sys(BPF_ITER_CREATE, &attr);
}

int kbpf_link_kprobe_multi(int prog_fd, const char *const *syms, unsigned n,
			   bool ret)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = (uint32_t)prog_fd;
	attr.link_create.attach_type = BPF_TRACE_KPROBE_MULTI;
	attr.link_create.kprobe_multi.flags = ret ? BPF_F_KPROBE_MULTI_RETURN :
						    0;
	attr.link_create.kprobe_multi.cnt = n;
	attr.link_create.kprobe_multi.syms = KBPF_PTR(syms);
	return kbpf_sys(BPF_LINK_CREATE, &attr);
}

int kbpf_raw_tp_open(const char *name, int prog_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.raw_tracepoint.name = KBPF_PTR(name);
	attr.raw_tracepoint.prog_fd = (uint32_t)prog_fd;
	return kbpf_sys(BPF_RAW_TRACEPOINT_OPEN, &attr);
}

int kbpf_prog_test_run(int prog_fd, const void *ctx, unsigned ctx_size)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = (uint32_t)prog_fd;
	attr.test.ctx_in = KBPF_PTR(ctx);
	attr.test.ctx_size_in = ctx_size;
	return kbpf_sys(BPF_PROG_TEST_RUN, &attr);
}

int kbpf_cpu_list(const char *path, int *cpus, unsigned max)
{
	char buf[4096], *s, *end;
	unsigned n = 0;
	ssize_t len;
	long lo, hi;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return len < 0 ? -errno : -EINVAL;
	buf[len] = '\0';
	/* "0-3,5,8-11\n" */
	for (s = buf; *s && *s != '\n';) {
		lo = strtol(s, &end, 10);
		if (end == s || lo < 0)
			return -EINVAL;
		hi = lo;
		if (*end == '-') {
			s = end + 1;
			hi = strtol(s, &end, 10);
			if (end == s || hi < lo)
				return -EINVAL;
		}
		for (; lo <= hi; lo++, n++)
			if (cpus && n < max)
				cpus[n] = (int)lo;
		s = *end == ',' ? end + 1 : end;
	}
	return cpus && n > max ? (int)max : (int)n;
}

int kbpf_possible_cpus(void)
{
	int n = kbpf_cpu_list("/sys/devices/system/cpu/possible", NULL, 0);

	return n ? n : -EINVAL;
}

/* ---- event buffers ---- */

struct kbpf_cpu_ring {
	int fd;			/* the CPU's PERF_COUNT_SW_BPF_OUTPUT event */
	void *base;		/* its mmap: a header page, then the data */
};

struct kbpf_buf {
	kbpf_record_fn fn;
	kbpf_lost_fn lost;
	void *ctx;
	size_t page;
	/* ring buffer map */
	int map_fd;
	/* The kernel's positions are unsigned long: 32 bits on a 32-bit
	 * kernel, where the word after producer_pos is pending_pos. */
	unsigned long *consumer; /* the consumer page: consumer_pos */
	unsigned long *producer; /* producer_pos, then the data, mapped twice */
	uint8_t *data;
	uint64_t mask;		/* data size - 1 */
	/* perf event array */
	int epfd;
	struct kbpf_cpu_ring *cpu;
	unsigned ncpu;
	size_t size;		/* data bytes per CPU */
	uint8_t *tmp;		/* a record that wraps, put together */
	size_t tmp_cap;
};

static struct kbpf_buf *kbpf_buf_alloc(kbpf_record_fn fn, void *ctx)
{
	struct kbpf_buf *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->fn = fn;
	b->ctx = ctx;
	b->page = (size_t)sysconf(_SC_PAGESIZE);
	b->map_fd = b->epfd = -1;
	return b;
}

/* Free a reader that could not be made; NULL, errno as it was. */
static struct kbpf_buf *kbpf_buf_fail(struct kbpf_buf *b)
{
	int err = errno;

	kbpf_buf_free(b);
	errno = err;
	return NULL;
}

struct kbpf_buf *kbpf_ring_map(void *consumer, void *producer, size_t size,
			       kbpf_record_fn fn, void *ctx)
{
	struct kbpf_buf *b = kbpf_buf_alloc(fn, ctx);

	if (!b)
		return NULL;
	b->consumer = consumer;
	b->producer = producer;
	b->data = (uint8_t *)producer + b->page;
	b->mask = size - 1;
	return b;
}

struct kbpf_buf *kbpf_ring_new(int map_fd, kbpf_record_fn fn, void *ctx)
{
	struct bpf_map_info info;
	struct kbpf_buf *b;
	void *cons, *prod;
	size_t page = (size_t)sysconf(_SC_PAGESIZE), len;
	int err;

	memset(&info, 0, sizeof(info));
	err = kbpf_obj_info(map_fd, &info, sizeof(info));
	if (err) {
		errno = -err;
		return NULL;
	}
	/* the consumer page is ours to write; the producer page and the
	 * data (mapped twice in a row, so that a record that wraps reads
	 * as one) are the kernel's */
	len = page + 2 * (size_t)info.max_entries;
	cons = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	prod = cons == MAP_FAILED ? MAP_FAILED :
	       mmap(NULL, len, PROT_READ, MAP_SHARED, map_fd, (off_t)page);
	b = prod == MAP_FAILED ? NULL :
	    kbpf_ring_map(cons, prod, info.max_entries, fn, ctx);
	if (!b) {
		err = errno;
		if (cons != MAP_FAILED)
			munmap(cons, page);
		if (prod != MAP_FAILED)
			munmap(prod, len);
		errno = err;
		return NULL;
	}
	b->map_fd = map_fd;
	return b;
}

static int kbpf_ring_consume(struct kbpf_buf *b)
{
	unsigned long cons, prod;
	int n = 0;

	/* positions only grow, and wrap where unsigned long does (after 4 GiB
	 * on a 32-bit kernel): compare their distance, never the two */
	cons = __atomic_load_n(b->consumer, __ATOMIC_ACQUIRE);
	for (;;) {
		prod = __atomic_load_n(b->producer, __ATOMIC_ACQUIRE);
		if (cons == prod)
			break;
		while ((long)(prod - cons) > 0) {
			uint32_t *hdr = (uint32_t *)(b->data + (cons & b->mask));
			uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);

			/* the producer has not committed it yet */
			if (len & BPF_RINGBUF_BUSY_BIT)
				goto out;
			cons += ((len & ~BPF_RINGBUF_DISCARD_BIT) +
				 BPF_RINGBUF_HDR_SZ + 7) & ~7ul;
			if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
				b->fn(b->ctx, (uint8_t *)hdr + BPF_RINGBUF_HDR_SZ,
				      len);
				n++;
			}
			__atomic_store_n(b->consumer, cons, __ATOMIC_RELEASE);
		}
	}
out:
	return n;
}

struct kbpf_buf *kbpf_perf_new(int map_fd, unsigned pages, kbpf_record_fn fn,
			       kbpf_lost_fn lost, void *ctx)
{
	struct perf_event_attr pa;
	struct epoll_event ev = { .events = EPOLLIN };
	struct kbpf_buf *b;
	int ncpu = kbpf_possible_cpus(), cpu, fd, err;

	if (ncpu < 0) {
		errno = -ncpu;
		return NULL;
	}
	b = kbpf_buf_alloc(fn, ctx);
	if (!b)
		return NULL;
	b->lost = lost;
	b->size = pages * b->page;
	b->cpu = calloc((size_t)ncpu, sizeof(*b->cpu));
	b->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!b->cpu || b->epfd < 0)
		goto fail;
	memset(&pa, 0, sizeof(pa));
	pa.size = sizeof(pa);
	pa.type = PERF_TYPE_SOFTWARE;
	pa.config = PERF_COUNT_SW_BPF_OUTPUT;
	pa.sample_type = PERF_SAMPLE_RAW;
	pa.sample_period = 1;
	pa.wakeup_events = 1;
	for (cpu = 0; cpu < ncpu; cpu++) {
		struct kbpf_cpu_ring *r = &b->cpu[b->ncpu];
		uint32_t key = (uint32_t)cpu;
		void *p;

		fd = (int)syscall(__NR_perf_event_open, &pa, -1, cpu, -1,
				  PERF_FLAG_FD_CLOEXEC);
		if (fd < 0 && errno == ENODEV)
			continue;	/* an offline CPU writes nothing */
		if (fd < 0)
			goto fail;
		r->fd = fd;
		b->ncpu++;
		p = mmap(NULL, b->page + b->size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, fd, 0);
		if (p == MAP_FAILED) {
			r->base = NULL;
			goto fail;
		}
		r->base = p;
		if (ioctl(fd, PERF_EVENT_IOC_ENABLE, 0))
			goto fail;
		err = kbpf_map_update(map_fd, &key, &fd, BPF_ANY);
		if (err) {
			errno = -err;
			goto fail;
		}
		ev.data.u32 = b->ncpu - 1;
		if (epoll_ctl(b->epfd, EPOLL_CTL_ADD, fd, &ev))
			goto fail;
	}
	return b;
fail:
	return kbpf_buf_fail(b);
}

/* A perf record at @off of @r's data, @len bytes: in place, or put
 * together in b->tmp when it wraps.  NULL if out of memory. */
static const uint8_t *kbpf_perf_record(struct kbpf_buf *b,
				       const struct kbpf_cpu_ring *r,
				       size_t off, size_t len)
{
	const uint8_t *data = (const uint8_t *)r->base + b->page;
	size_t first = b->size - off;

	if (len <= first)
		return data + off;
	if (len > b->tmp_cap) {
		uint8_t *t = realloc(b->tmp, len);

		if (!t)
			return NULL;
		b->tmp = t;
		b->tmp_cap = len;
	}
	memcpy(b->tmp, data + off, first);
	memcpy(b->tmp + first, data, len - first);
	return b->tmp;
}

static int kbpf_perf_consume(struct kbpf_buf *b)
{
	unsigned i;
	int n = 0;

	for (i = 0; i < b->ncpu; i++) {
		struct kbpf_cpu_ring *r = &b->cpu[i];
		struct perf_event_mmap_page *h = r->base;
		uint64_t head = __atomic_load_n(&h->data_head, __ATOMIC_ACQUIRE);
		uint64_t tail = h->data_tail;

		while (tail < head) {
			const struct perf_event_header *eh;
			const uint8_t *rec;
			size_t off = tail % b->size;
			uint32_t size;
			uint64_t lost;

			/* records are 8-aligned: a header never wraps */
			eh = (const void *)((uint8_t *)r->base + b->page + off);
			if (!eh->size)
				break;
			rec = kbpf_perf_record(b, r, off, eh->size);
			if (!rec)
				return -ENOMEM;
			if (eh->type == PERF_RECORD_SAMPLE) {
				memcpy(&size, rec + sizeof(*eh), 4);
				b->fn(b->ctx, rec + sizeof(*eh) + 4, size);
				n++;
			} else if (eh->type == PERF_RECORD_LOST && b->lost) {
				memcpy(&lost, rec + sizeof(*eh) + 8, 8);
				b->lost(b->ctx, lost);
			}
			tail += eh->size;
		}
		__atomic_store_n(&h->data_tail, tail, __ATOMIC_RELEASE);
	}
	return n;
}

int kbpf_buf_fd(const struct kbpf_buf *b)
{
	return b->cpu ? b->epfd : b->map_fd;
}

int kbpf_buf_consume(struct kbpf_buf *b)
{
	return b->cpu ? kbpf_perf_consume(b) : kbpf_ring_consume(b);
}

void kbpf_buf_free(struct kbpf_buf *b)
{
	unsigned i;

	if (!b)
		return;
	if (b->consumer)
		munmap(b->consumer, b->page);
	if (b->producer)
		munmap(b->producer, b->page + 2 * (b->mask + 1));
	for (i = 0; b->cpu && i < b->ncpu; i++) {
		if (b->cpu[i].base)
			munmap(b->cpu[i].base, b->page + b->size);
		close(b->cpu[i].fd);
	}
	if (b->epfd >= 0)
		close(b->epfd);
	free(b->cpu);
	free(b->tmp);
	free(b);
}
