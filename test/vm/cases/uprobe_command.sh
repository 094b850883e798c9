# uprobes on Debian's 6.1: with -c they fire only in the command's pid
# namespace (bpf_get_ns_current_pid_tgid() in a kprobe-type program), and
# `caller` names the probed function through its link's BPF cookie.  The
# target is spry's own main, which runs once per `spry -V`.
need_provider uprobe
need_file /sys/bus/event_source/devices/uprobe/type

# an outsider runs spry -V over and over beside the command
( while :; do "$SPRY" -V >/dev/null; done ) &
other=$!
run "$SPRY" -e "u:$SPRY:main { @calls[caller] = count(); @n = count(); }" \
	-c "$SPRY -V >/dev/null; $SPRY -V >/dev/null"
assert_ok
assert_contains '@calls[main]: 2'
assert_eq "$(sed -n 's/^@n: //p' "$OUT")" 2 "@n (the command's two runs)"

# without -c the outsider is seen: the first call ends the trace
run timeout 20 "$SPRY" -e "u:$SPRY:main { @[caller] = count(); exit(0); }"
kill $other
assert_ok
assert_contains '@[main]: 1'
