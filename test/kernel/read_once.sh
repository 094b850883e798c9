# A kernel read made once per straight-line stretch (lower_mem.c load()):
# the key's two walks through curtask->real_parent share one read of the
# pointer, and still name the parent: its pid as a separate statement
# reads it (after a label, anew) and its comm is the -c command's parent,
# spry's init.  -kk reads every time: the same key.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint sched/sched_process_exec
[ -r /sys/kernel/btf/vmlinux ] || skip "no /sys/kernel/btf/vmlinux (CONFIG_DEBUG_INFO_BTF)"

prog='
t:sched/sched_process_exec {
	printf("ppid %d\n", curtask->real_parent->pid);
	@[curtask->real_parent->pid, curtask->real_parent->comm] = count();
}'
for opt in "" -kk; do
	spry_run 30 $opt -c 'sleep 0' "$prog"
	assert_rc 0
	ppid=$(sed -n 's/^ppid //p' "$OUT")
	[ -n "$ppid" ] && [ "$ppid" -gt 1 ] || { fail "${opt:-plain}: ppid '$ppid'"; show_output; }
	assert_match "^@\[$ppid, spry-init\]: 1$"
done
finish
