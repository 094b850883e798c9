# A script written for both worlds, as bpftrace's tools are: #include lines
# (accepted, never read), #ifndef BPFTRACE_HAVE_BTF (spry takes the BTF
# branch), #define constants, and the script's own struct, which shadows
# nothing the kernel has yet walks kernel memory: a list_head look-alike
# laid over task_struct's tasks list, and a struct with a bitfield and an
# anonymous union read back from a map of the script's making.
. "$(dirname "$0")/lib.sh"
require_root
[ -r /sys/kernel/btf/vmlinux ] || skip "no /sys/kernel/btf/vmlinux (CONFIG_DEBUG_INFO_BTF)"

cat >"$T_TMP/types.bt" <<'SCRIPT'
#!/usr/bin/env bpftrace
#include <linux/sched.h>
#ifndef BPFTRACE_HAVE_BTF
#include <linux/list.h>
this is never compiled
#endif
#define MAGIC 0x2a
#define TWICE (MAGIC * 2)

struct links {
	struct links *next, *prev;
};

struct packed {
	unsigned int lo : 4, hi : 4;
	union {
		unsigned int word;
		unsigned char bytes[4];
	};
};

BEGIN
{
	printf("list %d %d\n",
	       ((struct links *)&curtask->tasks)->next == (struct links *)curtask->tasks.next,
	       ((struct links *)&curtask->tasks)->next->prev == (struct links *)&curtask->tasks);
	printf("consts %d %d %d\n", MAGIC, TWICE, sizeof(struct packed));
	exit(0);
}
SCRIPT
spry_run 30 "$T_TMP/types.bt"
assert_rc 0
assert_match '^list 1 1$'
assert_match '^consts 42 84 8$'
finish
