# -p PID: of two running copies of one program, only PID's calls count.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/uprobe-common.bash"
require_root
[ -e /sys/bus/event_source/devices/uprobe/type ] || skip "no uprobe PMU"
build_target

"$UT_PIE" forever &
a=$!
"$UT_PIE" forever &
b=$!
wait_mapped $a libspryt.so
wait_mapped $b libspryt.so
spry_run 30 -p $a "u:$UT_PIE:spry_leaf { @[pid] = count(); } interval:1s { exit(0); }"
kill $a $b; wait $a $b 2>/dev/null
assert_rc 0
assert_match "^@\[$a\]: [0-9]+$"
assert_not_contains "@[$b]:"

# a process that does not exist
spry_run 30 -p 999999999 "u:$UT_PIE:spry_leaf { @ = count(); }"
assert_rc_nonzero
finish
