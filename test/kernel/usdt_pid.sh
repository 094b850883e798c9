# usdt with -p: the uprobes (and the semaphore count) go into that process
# only, not into another one running the same program; usdt:* is every
# object the process maps (the program's probes and its library's).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/usdt-common.bash"
require_root
[ -e /sys/bus/event_source/devices/uprobe/type ] || skip "no uprobe PMU"
build_usdt

"$UD_PIE" forever & a=$!
"$UD_PIE" forever & b=$!
trap 'kill $a $b 2>/dev/null; rm -rf "$T_TMP"' EXIT
sleep 0.3

for multi in 0 1; do
	SPRY_NO_UPROBE_MULTI=$((1 - multi)) spry_run 30 -p "$a" \
		"usdt:$UD_PIE:spryt:sem /arg0 > 0/ { @[pid, arg1] = count(); n[0] = n[0] + 1; if (n[0] == 5) { exit(0); } }"
	assert_rc 0
	# 5 before exit(), perhaps more before the uprobes go
	assert_match "^@\\[$a, 1\\]: ([5-9]|[1-9][0-9]+)$"
	assert_not_contains "[$b,"
done
spry_run 30 -p "$a" \
	"usdt:*:spryt:lib { @l[pid, arg1 == 3 * arg0] = count(); } usdt:*:basic { @b = count(); n[0] = n[0] + 1; if (n[0] == 5) { exit(0); } }"
assert_rc 0
assert_match "^@l\\[$a, 1\\]: [1-9][0-9]*\$"
assert_match '^@b: ([5-9]|[1-9][0-9]+)$'
assert_not_contains "[$b,"
kill $a $b
finish
