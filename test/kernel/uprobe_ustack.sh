# @[ustack] = count() in a running program (-p): the frames are named by the
# program's ELF symbols.  The probe sits after spry_depth2's frame setup, as
# a frame-pointer walk (the kernel's) only sees callers from there on.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/uprobe-common.bash"
require_root
[ -e /sys/bus/event_source/devices/uprobe/type ] || skip "no uprobe PMU"
build_target

for T in "$UT_NOPIE" "$UT_PIE"; do
	off=$(insn_after "$T" spry_depth2 'mov +%rsp,%rbp')
	[ -n "$off" ] || { fail "no frame setup found in spry_depth2"; continue; }
	"$T" forever &
	target=$!
	wait_mapped $target libspryt.so
	spry_run 30 -p $target \
		"u:$T:spry_depth2+$off { @[ustack] = count(); } interval:1s { exit(0); }"
	kill $target; wait $target 2>/dev/null
	assert_rc 0
	assert_match "^ +spry_depth2\+[0-9]+$"
	assert_match "^ +spry_depth1\+[0-9]+$"
	assert_match "^ +main\+[0-9]+$"
done
finish
