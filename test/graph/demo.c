/* demo.c - spry's pictures drawn from hand-built data, for the picture
 * tests (test/graph/run) and the images in docs/img.
 *
 * usage: demo DIR
 * Writes DIR/flame.svg (a made-up mixed user/kernel profile of three
 * programs), DIR/heatmap.svg (a read latency that turns bimodal halfway
 * through 60 one-second prints), DIR/bars.svg (one histogram),
 * DIR/flame.folded and DIR/heatmap.txt (the same heat map in text rows).
 * The data comes from a fixed-seed generator: every run writes the same
 * bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "tz.h"

static uint64_t seed = 42;

/* A number in [0, n), from a 64-bit LCG (Knuth's MMIX constants). */
static unsigned rnd(unsigned n)
{
	seed = seed * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)((seed >> 33) % n);
}

struct stack {
	const char *comm;
	const char *user[8];
	const char *kernel[10];
	unsigned weight;
};

static const struct stack stacks[] = {
	{ "mysqld", { "_start", "__libc_start_main", "main", "mysqld_main",
		      "handle_connection", "do_command", "dispatch_command",
		      "mysql_execute_command" }, { NULL }, 40 },
	{ "mysqld", { "_start", "__libc_start_main", "main", "mysqld_main",
		      "handle_connection", "do_command", "dispatch_command",
		      "parse_sql" }, { NULL }, 14 },
	{ "mysqld", { "_start", "__libc_start_main", "main", "mysqld_main",
		      "handle_connection", "do_command", "my_net_read",
		      "__libc_recv" },
	  { "entry_SYSCALL_64_after_hwframe", "do_syscall_64",
	    "__x64_sys_recvfrom", "__sys_recvfrom", "sock_recvmsg",
	    "inet_recvmsg", "tcp_recvmsg", "tcp_recvmsg_locked",
	    "skb_copy_datagram_iter", "__skb_datagram_iter" }, 22 },
	{ "mysqld", { "_start", "__libc_start_main", "main", "mysqld_main",
		      "handle_connection", "do_command", "net_flush",
		      "__libc_send" },
	  { "entry_SYSCALL_64_after_hwframe", "do_syscall_64",
	    "__x64_sys_sendto", "__sys_sendto", "tcp_sendmsg",
	    "tcp_sendmsg_locked", "tcp_push", "__tcp_push_pending_frames",
	    "tcp_write_xmit", "__tcp_transmit_skb" }, 18 },
	{ "mysqld", { "_start", "__libc_start_main", "main", "mysqld_main",
		      "buf_flush_page_cleaner", "os_file_write", "pwrite64" },
	  { "entry_SYSCALL_64_after_hwframe", "do_syscall_64",
	    "__x64_sys_pwrite64", "vfs_write", "ext4_file_write_iter",
	    "ext4_buffered_write_iter", "generic_perform_write",
	    "ext4_da_write_begin", "filemap_get_folio" }, 12 },
	{ "bash", { "_start", "__libc_start_main", "main", "reader_loop",
		    "execute_command", "execute_command_internal",
		    "make_child", "fork" },
	  { "entry_SYSCALL_64_after_hwframe", "do_syscall_64",
	    "__x64_sys_clone", "kernel_clone", "copy_process",
	    "dup_mm", "dup_mmap", "copy_page_range" }, 9 },
	{ "bash", { "_start", "__libc_start_main", "main", "reader_loop",
		    "read_command", "yyparse" }, { NULL }, 4 },
	{ "kworker/0:1", { NULL },
	  { "ret_from_fork_asm", "ret_from_fork", "kthread", "worker_thread",
	    "process_one_work", "wb_workfn", "wb_writeback",
	    "writeback_sb_inodes", "do_writepages", "ext4_writepages" }, 7 },
	{ "swapper/1", { NULL },
	  { "common_startup_64", "start_secondary", "cpu_startup_entry",
	    "do_idle", "cpuidle_enter", "cpuidle_enter_state",
	    "default_enter_idle", "default_idle", "pv_native_safe_halt" },
	  30 },
};

/* Write DIR/NAME with @write(out, arg); 0 or -errno. */
static int demo_file(const char *dir, const char *name,
		     int (*write)(FILE *, const void *), const void *arg)
{
	char path[4096];
	FILE *out;
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	out = fopen(path, "w");
	if (!out)
		return -errno;
	err = write(out, arg);
	if (fclose(out) && !err)
		err = -errno;
	return err;
}

static int write_svg(FILE *out, const void *panel)
{
	return graph_svg(out, panel, 1);
}

static int write_folded(FILE *out, const void *flame)
{
	graph_flame_folded(out, flame, NULL);
	return ferror(out) ? -EIO : 0;
}

#define T0	1700000000000000000ll	/* 2023-11-14 22:13:20 UTC */
#define NCOLS	60

/* The heat map as text rows, one a second. */
static int write_rows(FILE *out, const void *cols)
{
	const struct graph_col *c = cols;
	struct graph_rows rows;
	char label[32];
	unsigned i;

	graph_rows_init(&rows);
	for (i = 0; i < NCOLS; i++) {
		snprintf(label, sizeof(label), "%2us", i + 1);
		graph_rows_write(out, &rows, "@read_ns", label, c[i].cnt);
	}
	return ferror(out) ? -EIO : 0;
}

static int demo_flame(const char *dir)
{
	struct graph_flame *f = graph_flame_new();
	struct graph_panel p = { .kind = GRAPH_FLAME, .title = "@samples",
				 .what = "count()" };
	const char *names[20];
	enum graph_kind kinds[20];
	unsigned i, k, n, rounds;
	int err;

	for (rounds = 0; rounds < 40; rounds++)
		for (i = 0; i < sizeof(stacks) / sizeof(stacks[0]); i++) {
			const struct stack *s = &stacks[i];

			n = 0;
			names[n] = s->comm;
			kinds[n++] = GRAPH_KEY;
			for (k = 0; k < 8 && s->user[k]; k++) {
				names[n] = s->user[k];
				kinds[n++] = GRAPH_USER;
			}
			for (k = 0; k < 10 && s->kernel[k]; k++) {
				names[n] = s->kernel[k];
				kinds[n++] = GRAPH_KERNEL;
			}
			/* a sample may stop short of the leaf: frames of
			 * their own (self time) below the tips */
			if (rnd(4) == 0 && n > 3)
				n -= 1 + rnd(3);
			graph_flame_add(f, n, names, kinds,
					1 + rnd(s->weight));
		}
	p.flame = f;
	err = demo_file(dir, "flame.svg", write_svg, &p);
	if (!err)
		err = demo_file(dir, "flame.folded", write_folded, f);
	graph_flame_free(f);
	return err;
}

/* Read latency in ns over a minute: most reads hit the page cache (around
 * 4-16 us); from the 25th second a share goes to disk (around 1-4 ms),
 * growing, and a few stall. */
static void demo_cols(struct graph_col *c)
{
	unsigned i, k;

	memset(c, 0, NCOLS * sizeof(*c));
	for (i = 0; i < NCOLS; i++) {
		c[i].t_ns = T0 + (int64_t)(i + 1) * 1000000000ll;
		for (k = 0; k < 2000 + rnd(400); k++)
			c[i].cnt[12 + rnd(3) + rnd(2)]++;
		if (i >= 25)
			for (k = 0; k < (i - 25) * 12 + rnd(60); k++)
				c[i].cnt[20 + rnd(2) + rnd(2)]++;
		for (k = 0; k < rnd(4); k++)
			c[i].cnt[24 + rnd(4)]++;
		c[i].cnt[9 + rnd(2)] += rnd(30);
	}
}

static int demo_hist(const char *dir)
{
	struct graph_col *c = calloc(NCOLS, sizeof(*c));
	struct graph_panel p = { .kind = GRAPH_HEAT, .title = "@read_ns",
				 .what = "count", .t0_ns = T0 };
	int err;

	if (!c)
		return -ENOMEM;
	demo_cols(c);
	p.cols = c;
	p.ncols = NCOLS;
	err = demo_file(dir, "heatmap.svg", write_svg, &p);
	/* the last column alone, as a bar chart */
	p.kind = GRAPH_BARS;
	p.cols = &c[NCOLS - 1];
	p.ncols = 1;
	if (!err)
		err = demo_file(dir, "bars.svg", write_svg, &p);
	if (!err)
		err = demo_file(dir, "heatmap.txt", write_rows, c);
	free(c);
	return err;
}

int main(int argc, char **argv)
{
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: demo DIR\n");
		return 2;
	}
	tz_set("UTC", NULL);
	err = demo_flame(argv[1]);
	if (!err)
		err = demo_hist(argv[1]);
	if (err) {
		fprintf(stderr, "demo: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}
