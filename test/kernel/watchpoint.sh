# watchpoint / asyncwatchpoint: hardware breakpoints on a variable of the
# -c command (an address from its symbol table), on the int a function's
# argument points to (set when the function is entered: watchpoint stops
# the process meanwhile, so the first write counts), their limit (four on
# x86_64) and -p.
. "$(dirname "$0")/lib.sh"
require_root
[ -d /sys/bus/event_source/devices/breakpoint ] || skip "no breakpoint PMU"
command -v cc >/dev/null || { fail "needs a C compiler"; finish; }
W=$T_TMP/watch-target
cc -O1 -no-pie -fno-pie -o "$W" "$top_srcdir/test/kernel/watch-target.c" ||
	{ fail "cannot build watch-target.c"; finish; }

# the variable: written 6 times by the program (and not counted when the
# kernel zeroes it at exec)
addr=$(nm "$W" | awk '$3 == "spry_watched" { print $1 }')
spry_run 30 -c "$W 6 same" "watchpoint:0x$addr:4:w { @ = count(); }"
assert_rc 0
assert_match '^@: 6$'

# the argument: every write by increment(), the first one too
spry_run 30 -c "$W 5 same" "watchpoint:increment+arg1:4:w { @ = count(); }"
assert_rc 0
assert_match '^@: 5$'

# a fresh address each call: as many as there are debug registers, then
# one warning
spry_run 30 -c "$W 6 new" "w:$W:increment+arg1:4:w { @ = count(); }"
assert_rc 0
if [ "$(uname -m)" = x86_64 ]; then
	assert_match '^@: 4$'
	assert_err_match "warning: watchpoint:$W:increment\\+arg1:4:w: cannot watch 0x[0-9a-f]+ in process [0-9]+: all hardware breakpoints are in use; no more addresses will be watched"
fi

# asyncwatchpoint does not stop the process: it runs on; what it counts is
# what came after the breakpoint was set
spry_run 30 -c "$W 5 same" "aw:increment+arg1:4:w { @ = count(); }"
assert_rc 0
n=$(map_value @)
[ "${n:-0}" -le 5 ] || { fail "asyncwatchpoint: ${n:-0} writes, at most 5"; show_output; }

# -p: a running process, its own program found through /proc/PID/exe
"$W" 100 same & pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$T_TMP"' EXIT
sleep 0.2
spry_run 30 -p "$pid" 'watchpoint:increment+arg1:4:w { @[pid] = count(); n[0] = n[0] + 1; if (n[0] == 3) { exit(0); } }'
kill $pid 2>/dev/null
assert_rc 0
assert_match "^@\\[$pid\\]: [0-9]+\$"
[ "$(grep -c ': [0-9]*$' "$OUT")" = 1 ] || { fail "only $pid expected"; show_output; }
finish
