# kprobes work in this kernel, without spry: the perf PMUs spry attaches
# through exist, and a kprobe and a kretprobe made through tracefs fire.
need_file /sys/bus/event_source/devices/kprobe
need_file "$TRACEFS/kprobe_events"
for pmu in kprobe uprobe; do
	d=/sys/bus/event_source/devices/$pmu
	[ -r "$d/type" ] || fail "$d/type is missing"
	echo "$pmu PMU type $(cat "$d/type"), retprobe bit: $(cat "$d/format/retprobe")"
done
assert_eq "$(cat /sys/bus/event_source/devices/kprobe/format/retprobe)" "config:0" "kprobe retprobe format"

fn=do_sys_openat2
grep -q "^$fn\$" "$TRACEFS/available_filter_functions" ||
	grep -q "^$fn " "$TRACEFS/available_filter_functions" ||
	fail "$fn is not in available_filter_functions"

cleanup()
{
	# (2>/dev/null first: it must apply to the failing redirection too)
	echo 0 2>/dev/null >"$TRACEFS/events/spryvm/enable"
	echo "-:spryvm/open" 2>/dev/null >>"$TRACEFS/kprobe_events"
	echo "-:spryvm/openret" 2>/dev/null >>"$TRACEFS/kprobe_events"
	: >"$TRACEFS/trace"
}
trap cleanup EXIT
cleanup

echo "p:spryvm/open $fn dfd=%di:s32" >>"$TRACEFS/kprobe_events" ||
	fail "cannot add a kprobe on $fn"
echo "r:spryvm/openret $fn ret=\$retval:s64" >>"$TRACEFS/kprobe_events" ||
	fail "cannot add a kretprobe on $fn"
run cat "$TRACEFS/kprobe_events"
assert_contains "spryvm/open $fn"
echo 1 >"$TRACEFS/events/spryvm/enable" || fail "cannot enable the probes"
cat /etc/hostname >/dev/null
echo 0 >"$TRACEFS/events/spryvm/enable"
# Trace lines name the event without its group: "cat-42 [000] ... open: (...)".
run grep -E ' (open|openret): ' "$TRACEFS/trace"
assert_count_ge 1 'open: \(do_sys_openat2\+0x0/0x[0-9a-f]+\) dfd=-100'
assert_count_ge 1 'cat-[0-9]+ .* openret: \(.*<- do_sys_openat2\) ret=[0-9]+$'
# kprobe_profile counts the hits per probe (and the misses, kretprobe
# instances that could not be had, in the last column).
run cat "$TRACEFS/kprobe_profile"
assert_matches "^ *open +[1-9][0-9]* +0$"
assert_matches "^ *openret +[1-9][0-9]* +0$"
