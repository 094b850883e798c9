/* kbpf.h - wrappers of the bpf(2) calls spry makes (fentry's attach, the
 * uprobe_multi link and the BTF module lookups still make their own), and
 * the readers of its event buffers.
 *
 * Thin wrappers in the kernel's own terms, as libbpf's bpf.c writes them:
 * zero the attr, fill it, one syscall, return a fd or 0, or -errno.  spry
 * does not link libbpf: every libbpf entry point, its syscall wrappers
 * included, reaches libbpf_print() in libbpf.o, the object loader, and so
 * pulls the loader into a static binary with its BTF, CO-RE and USDT code
 * and the parts of libelf, zlib and libc they call: 330 KB of 1.5 MB, none
 * of which spry runs.
 *
 * Event buffers: a BPF_MAP_TYPE_RINGBUF (5.8+) is read through its
 * mmap()ed consumer and producer pages; a BPF_MAP_TYPE_PERF_EVENT_ARRAY
 * (older kernels) through one PERF_COUNT_SW_BPF_OUTPUT event and ring per
 * CPU.  Either gives one fd to poll and a consume call that hands each
 * record to a callback.
 */
#ifndef SPRY_KBPF_H
#define SPRY_KBPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/bpf.h>

int kbpf_map_create(enum bpf_map_type type, const char *name,
		    unsigned key_size, unsigned value_size,
		    unsigned max_entries, unsigned flags);
/* With @log (@log_size bytes), the verifier's log at level 1. */
int kbpf_prog_load(enum bpf_prog_type type, const char *name,
		   const struct bpf_insn *insns, unsigned n,
		   enum bpf_attach_type expected, char *log,
		   unsigned log_size);
/* What a program attaching by BTF id says at load (fentry/fexit): its
 * attach type, the function's BTF id and, for a module's function, the fd
 * of the module's BTF (0: vmlinux). */
struct kbpf_attach {
	enum bpf_attach_type type;
	uint32_t btf_id;
	uint32_t btf_obj_fd;
};
int kbpf_prog_load_at(enum bpf_prog_type type, const char *name,
		      const struct bpf_insn *insns, unsigned n,
		      const struct kbpf_attach *at, char *log,
		      unsigned log_size);
int kbpf_map_lookup(int fd, const void *key, void *value);
int kbpf_map_update(int fd, const void *key, const void *value,
		    uint64_t flags);
int kbpf_map_delete(int fd, const void *key);
/* The key after @key (NULL: the first) into @next; -ENOENT at the end. */
int kbpf_map_next_key(int fd, const void *key, void *next);
/* The kernel's facts about a BPF object (struct bpf_prog_info,
 * bpf_map_info...) into @info, @size bytes of it. */
int kbpf_obj_info(int fd, void *info, unsigned size);
/* A BPF link running @prog_fd on perf event @perf_fd (5.15+), with
 * @cookie for bpf_get_attach_cookie(). */
int kbpf_link_perf(int prog_fd, int perf_fd, uint64_t cookie);
/* A BPF iterator link (5.8+) for @prog_fd; @info (NULL: none) limits it,
 * e.g. to one task (6.1+). */
int kbpf_link_iter(int prog_fd, const union bpf_iter_link_info *info,
		   unsigned info_len);
/* A new iteration of iterator link @link_fd: a fd to read() it from. */
int kbpf_iter_create(int link_fd);
/* A kprobe_multi link (5.18+) on @n functions by name; @ret: return
 * probes. */
int kbpf_link_kprobe_multi(int prog_fd, const char *const *syms, unsigned n,
			   bool ret);
/* BPF_RAW_TRACEPOINT_OPEN: @prog_fd on the raw tracepoint @name. */
int kbpf_raw_tp_open(const char *name, int prog_fd);
/* BPF_PROG_TEST_RUN once with @ctx as context. */
int kbpf_prog_test_run(int prog_fd, const void *ctx, unsigned ctx_size);
/* The possible CPUs (/sys/devices/system/cpu/possible): how many per-CPU
 * values a lookup returns.  -errno on failure. */
int kbpf_possible_cpus(void);
/* A sysfs CPU list ("0-3,8-11") from @path: the CPUs into @cpus (at most
 * @max of them; @cpus may be NULL), and how many it names (at most @max
 * with @cpus), or -errno. */
int kbpf_cpu_list(const char *path, int *cpus, unsigned max);

/* One record from an event buffer. */
typedef void (*kbpf_record_fn)(void *ctx, const void *data, size_t size);
/* Records the kernel could not write into a perf buffer. */
typedef void (*kbpf_lost_fn)(void *ctx, uint64_t n);

struct kbpf_buf;
/* A reader of the ring buffer map @map_fd, or of the perf event array
 * @map_fd with @pages pages per CPU (@lost counts what the kernel
 * dropped).  NULL with errno set on failure. */
struct kbpf_buf *kbpf_ring_new(int map_fd, kbpf_record_fn fn, void *ctx);
/* A ring buffer reader over pages mapped as kbpf_ring_new() maps a map's:
 * @consumer one page (consumer_pos first), @producer a page (producer_pos
 * first) followed by the @size data bytes (a power of two) twice; the
 * reader unmaps them when freed.  kbpf_ring_new()'s, and the tests'. */
struct kbpf_buf *kbpf_ring_map(void *consumer, void *producer, size_t size,
			       kbpf_record_fn fn, void *ctx);
struct kbpf_buf *kbpf_perf_new(int map_fd, unsigned pages, kbpf_record_fn fn,
			       kbpf_lost_fn lost, void *ctx);
/* An fd that polls readable when records wait. */
int kbpf_buf_fd(const struct kbpf_buf *b);
/* Hand every waiting record to the callback; how many, or -errno. */
int kbpf_buf_consume(struct kbpf_buf *b);
void kbpf_buf_free(struct kbpf_buf *b);

#endif
