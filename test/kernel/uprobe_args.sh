# uprobe/uretprobe on the test program's functions (-no-pie and -pie) and
# on its own shared library: arguments, return values, globs and caller.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/uprobe-common.bash"
require_root
[ -e /sys/bus/event_source/devices/uprobe/type ] || skip "no uprobe PMU"
build_target

for T in "$UT_NOPIE" "$UT_PIE"; do
	spry_run 30 -c "$T 6" "uprobe:$T:spry_leaf { @[arg0] = count(); }"
	assert_rc 0
	assert_stdout_equals "Attaching 1 probe...


@[0]: 2
@[1]: 2
@[2]: 2"

	spry_run 30 -c "$T 6" "uretprobe:$T:spry_leaf { @[retval] = count(); }"
	assert_rc 0
	assert_stdout_equals "Attaching 1 probe...


@[1]: 2
@[11]: 2
@[21]: 2"

	# aliases, a glob, caller named by its ELF symbol
	spry_run 30 -c "$T 3" "u:$T:spry_depth* { @[caller] = count(); }"
	assert_rc 0
	assert_contains "@[spry_depth1]: 3"
	assert_contains "@[spry_depth2]: 3"

	# FUNC+OFFSET at an instruction boundary: after the frame setup
	off=$(insn_after "$T" spry_depth2 'mov +%rsp,%rbp')
	[ -n "$off" ] || fail "no frame setup found in spry_depth2"
	spry_run 30 -c "$T 4" "u:$T:spry_depth2+$off { @ = count(); }"
	assert_rc 0
	[ "$(map_value @)" = 4 ] || { fail "spry_depth2+$off: expected 4 hits"; show_output; }

	# the program's own library, by path: two arguments
	spry_run 30 -c "$T 3" "u:$UT_LIB:spryt_mul { @[arg0, arg1] = count(); }"
	assert_rc 0
	assert_contains "@[2, 7]: 1"
	assert_contains "@[0, 7]: 1"
done

# 0xADDRESS, as the ELF file gives it
addr=$(nm "$UT_NOPIE" | awk '$3 == "spry_leaf" { print $1 }')
spry_run 30 -c "$UT_NOPIE 5" "ur:$UT_NOPIE:0x$addr { @ = count(); }"
assert_rc 0
[ "$(map_value @)" = 5 ] || { fail "0x$addr: expected 5 hits"; show_output; }
finish
