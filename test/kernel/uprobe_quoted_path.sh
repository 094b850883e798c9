# A uprobe on a program whose path has spaces (and a comma): written quoted,
# as bpftrace does, uprobe:"/a b/c":func.  Such a path once could not be
# written at all: the specifier ended at the first space.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/uprobe-common.bash"
require_root
[ -e /sys/bus/event_source/devices/uprobe/type ] || skip "no uprobe PMU"
build_target

dir="$T_TMP/my dir, with spaces"
mkdir -p "$dir"
T="$dir/uprobe target"
cp "$UT_NOPIE" "$T"

spry_run 30 -c "'$T' 6" "uprobe:\"$T\":spry_leaf { @[arg0] = count(); }
uretprobe:\"$T\":spry_leaf { @ret[retval] = count(); }"
assert_rc 0
assert_match '^@\[0\]: 2$'
assert_match '^@\[1\]: 2$'
assert_match '^@\[2\]: 2$'
assert_match '^@ret\[1\]: 2$'
assert_match '^@ret\[11\]: 2$'
assert_match '^@ret\[21\]: 2$'
finish
