# spry killed by SIGKILL leaves nothing: its kprobes belong to file
# descriptors (no kprobe_events entries to remove), and the -c command and
# what it started die with it.
need_provider kprobe
list=/sys/kernel/debug/kprobes/list
need_file "$list"
run_bg "$SPRY" -e 'kprobe:vfs_* { @[caller] = count(); } kretprobe:vfs_read { @r = count(); }' \
	-c 'echo ready; sleep 100; echo never'
wait_for ready 20
grep -q 'vfs_read' "$list" || fail "no kprobe on vfs_read while spry runs"
n=$(grep -c '' "$list")
echo "kprobes registered while running: $n"
kill -KILL "$BG"
wait "$BG"
RC=$?
assert_rc 137
usleep 200000
if grep -q . "$list"; then
	sed 's/^/  left: /' "$list" | head -n 20
	fail "kprobes are still registered after SIGKILL"
fi
grep -q . "$TRACEFS/kprobe_events" && fail "kprobe_events is not empty"
grep -q spry "$TRACEFS/kprobe_profile" && fail "kprobe_profile lists spry probes"
ps | grep -v grep | grep -q 'sleep 100' && fail "the -c command outlived spry"
assert_not_contains never
exit 0
