# -c CMD: uprobes fire only in the command's processes, including those its
# shell forks, while another copy of the same program runs beside it.
# `caller` names the probed function after the command has exited.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/uprobe-common.bash"
require_root
[ -e /sys/bus/event_source/devices/uprobe/type ] || skip "no uprobe PMU"
build_target

# The outsider calls everything every 10 ms; the command's pause gives it
# time to be counted, were it not filtered out.
"$UT_PIE" forever &
other=$!
wait_mapped $other libspryt.so || fail "the outsider did not start"

# `sh -c "A; B"` forks A and execs B: two processes, 3 calls each.
spry_run 30 -c "$UT_PIE 3; sleep 0.2; $UT_PIE 3" \
	"u:$UT_PIE:spry_leaf { @calls = count(); @pids[pid] = count(); }"
assert_rc 0
[ "$(map_value @calls)" = 6 ] || { fail "expected 6 calls of spry_leaf"; show_output; }
assert_not_contains "@pids[$other]:"
[ "$(grep -cE '^@pids\[[0-9]+\]: 3$' "$OUT")" = 2 ] ||
	{ fail "expected two processes with 3 calls each"; show_output; }

# the same in the program's library, and at the return
spry_run 30 -c "$UT_PIE 3; sleep 0.2; $UT_PIE 4" \
	"u:$UT_LIB:spryt_mul { @mul = count(); }
	 ur:$UT_PIE:spry_depth1 { @ret = count(); }"
assert_rc 0
[ "$(map_value @mul)" = 7 ] || { fail "expected 7 calls of spryt_mul"; show_output; }
[ "$(map_value @ret)" = 7 ] || { fail "expected 7 returns of spry_depth1"; show_output; }

# caller over a glob of two functions, named though the process is gone;
# at an offset it names the place
off=$(insn_after "$UT_PIE" spry_depth2 'mov +%rsp,%rbp')
[ -n "$off" ] || fail "no frame setup found in spry_depth2"
spry_run 30 -c "$UT_PIE 5" \
	"u:$UT_PIE:spry_depth* { @[caller] = count(); }
	 u:$UT_PIE:spry_depth2+$off { @at[caller] = count(); }"
assert_rc 0
assert_contains "@[spry_depth1]: 5"
assert_contains "@[spry_depth2]: 5"
assert_contains "$(printf '@at[spry_depth2+%#x]: 5' "$off")"
grep -q '\[0x' "$OUT" && { fail "caller printed as an address"; show_output; }

# without -c the outsider counts too: the filter is -c's (spry stops at its
# first call; a filtered one would time out)
spry_run 30 "u:$UT_PIE:spry_leaf /pid == $other/ { @[pid] = count(); exit(0); }"
assert_rc 0
assert_match "^@\[$other\]: [0-9]+$"

kill $other; wait $other 2>/dev/null
finish
