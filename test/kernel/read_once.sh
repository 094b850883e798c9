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

# A shared read is never changed in place: in mm + mm (an integer plus a
# pointer) the first is scaled by the pointee's size, and the second,
# the same read, must not be (it once came out as 2 * mm * size).
prog='
t:sched/sched_process_exec {
	$t = curtask;
	printf("mm %lx %lx %d\n", (uint64)$t->mm + $t->mm, (uint64)$t->mm,
	       sizeof(struct mm_struct));
}'
spry_run 30 -c 'sleep 0' "$prog"
assert_rc 0
read -r _ sum mm size <<EOF
$(grep '^mm ' "$OUT" | head -n 1)
EOF
[ -n "$size" ] || { fail "no mm line"; show_output; }
want=$(printf '%x' $(( 0x$mm + 0x$mm * size )))
[ "$sum" = "$want" ] || { fail "mm + mm: $sum, want $want (mm $mm, size $size)"; show_output; }
finish
